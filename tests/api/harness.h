/* tests/api/harness.h - starts and stops tests/api/server.py (a local HTTPS PVE API) for the API
 * tests and the bench: fresh throwaway CA + server certificate per start (tests/api/mkcerts.sh,
 * openssl CLI), a free loopback port, a token file with mode 0600. */
#ifndef PP_TESTS_API_HARNESS_H
#define PP_TESTS_API_HARNESS_H

#include <sys/types.h>

#include "settings/api.h"

struct ts {
	char *dir;
	pid_t pid;
	int port;
	char url[128];
	char fp[96];     /* the server certificate's SHA-256 (openssl CLI) */
	char secret[64]; /* the token's secret part */
	char token_file[1024];
	char password_file[1024];
	char ca[1024], other_ca[1024];
	char control[1024]; /* behaviour file read by the server on every request */
	char log[1024];     /* "conn" / "req METHOD PATH auth=..." lines */
};

/* Starts the server; cert is NULL for the normal certificate (SAN localhost, 127.0.0.1) or
 * "wrongname" for one naming only elsewhere.invalid (same CA); data_args is "--fixture PATH" or "--generate nodes=5,vms=1000";
 * extra e.g. "--latency-ms 20" (may be ""). Aborts on failure. */
void ts_start(struct ts *t, const char *cert, const char *data_args, const char *extra);
void ts_stop(struct ts *t);
/* Writes the control file (JSON). */
void ts_control(struct ts *t, const char *json);
/* Settings for this server: token auth, CA file. */
void ts_settings(const struct ts *t, struct settings_api *s);
/* Counts lines of the server log starting with prefix. */
int ts_log_count(const struct ts *t, const char *prefix);
/* The server log as one string (malloc'd). */
char *ts_log(const struct ts *t);

#endif
