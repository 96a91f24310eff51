/* settings/api.h - how to reach a PVE REST API: the `api { }` block and the `cluster "name" { }`
 * blocks of the tool's config file, plus the --api-* command-line overrides.
 *
 *   api {                                  # the cluster this host belongs to
 *     url         = "https://pve1:8006"    # HOST, HOST:PORT or https://HOST[:PORT][/api2/json]
 *     token-file  = "/etc/pve-passthrough/api-token"   # USER@REALM!TOKENID=SECRET, mode 0600
 *     # or: user = "root@pam"  password-file = "/root/.pve-pass"   (ticket login)
 *     ca-file     = ".../pve-root-ca.pem"   # the cluster CA; or: fingerprint = "AA:BB:...:FF"
 *     timeout     = 10                     # seconds per request
 *   }
 *   cluster "edge" { url = ... }           # any number, for fleets
 *
 * Only paths and names live here; secrets are read by pveapi/ when it connects. */
#ifndef PP_SETTINGS_API_H
#define PP_SETTINGS_API_H

#include <confuse.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

#define SETTINGS_API_TIMEOUT_DEFAULT 10 /* seconds per request */

struct settings_api {
	char name[64]; /* "" for the api { } block, else the cluster's title */
	char url[512]; /* normalized: "https://HOST:PORT/api2/json" ("" = not set) */
	char token_file[PP_PATH_MAX];
	char user[128];
	char password_file[PP_PATH_MAX];
	char ca_file[PP_PATH_MAX];
	char fingerprint[96]; /* normalized "AA:BB:..." (32 bytes) or "" */
	unsigned timeout_s;
	char where[PP_PATH_MAX +
	           32]; /* "FILE:LINE" of the block, for messages ("" = command line) */
};

struct settings_api_list {
	struct settings_api *v; /* v[0] is the api { } block when has_default */
	size_t n;
	int has_default;
};

/* Puts the two section entries ("api" and "cluster") into out[0..1], for a caller that parses
 * one config file with a schema of its own (see README "Merging the settings schema"). */
void settings_api_cfg_opts(cfg_opt_t out[2]);

/* Reads the api/cluster sections out of a parsed root cfg.  path for messages.  Validates
 * each block (settings_api_check).  0 or -EINVAL, message "FILE:LINE: ..." in e. */
int settings_api_from_cfg(cfg_t *root, const char *path, struct settings_api_list *out,
                          struct util_err *e);

/* Parses path on its own (other sections of the file are ignored).  A missing file gives an
 * empty list and 0.  0 or -errno. */
int settings_api_load(const char *path, struct settings_api_list *out, struct util_err *e);

void settings_api_list_free(struct settings_api_list *l);

/* Finds a block: name NULL or "" = the api { } block, else the cluster of that name.  NULL when
 * absent. */
const struct settings_api *settings_api_find(const struct settings_api_list *l, const char *name);

/* The command-line overrides (NULL = not given). */
struct settings_api_overrides {
	const char *url;         /* --api-url */
	const char *token_file;  /* --api-token-file */
	const char *fingerprint; /* --api-fingerprint */
	const char *ca_file;     /* --api-ca-file */
};

/* Applies overrides to s (a token file replaces user/password-file, a fingerprint replaces the
 * CA file and the other way round), then checks the result.  0 or -EINVAL. */
int settings_api_override(struct settings_api *s, const struct settings_api_overrides *o,
                          struct util_err *e);

/* Checks that s is usable: url set, exactly one of token-file or user + password-file, at most
 * one of ca-file or fingerprint.  0 or -EINVAL. */
int settings_api_check(const struct settings_api *s, struct util_err *e);

/* Normalizes a URL ("pve1", "pve1:8006", "https://pve1:8006/api2/json") into out.  0 or -EINVAL
 * (plain http is refused). */
int settings_api_url_normalize(const char *in, char *out, size_t n);

/* Normalizes a SHA-256 fingerprint ("aa:bb:..", "AABB..", 32 bytes) to "AA:BB:...".  0 or
 * -EINVAL. */
int settings_api_fingerprint_normalize(const char *in, char *out, size_t n);

#endif
