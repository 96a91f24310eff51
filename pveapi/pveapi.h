/* pveapi/pveapi.h - a client for the PVE REST API (https://HOST:8006/api2/json).
 *
 * Authentication with an API token read from a file (USER@REALM!TOKENID=SECRET, the file must not
 * be readable by group or others) or with a ticket (POST /access/ticket, password from a file).
 * TLS is always verified: against a CA file (with host name check), against the system CAs, or
 * by pinning the SHA-256 of the server's DER certificate.  libcurl is loaded with dlopen() on
 * pveapi_client_new(), so the main binary does not link it.
 *
 * All functions return 0 or -errno with one sentence in struct util_err; secrets never appear
 * in messages.  Error codes: -EKEYREJECTED TLS verification failed, -EACCES 401 (bad
 * credentials), -EPERM 403, -EINVAL 400 (with the per-parameter errors), -ENOENT 404, -ESTALE
 * digest mismatch (changed meanwhile), -ETIMEDOUT, -EHOSTUNREACH/-ECONNREFUSED node unreachable,
 * -EIO other server errors, -EBADMSG not a PVE answer.  See pveapi/snapshot.h for the parallel
 * fetch of a whole cluster. */
#ifndef PP_PVEAPI_H
#define PP_PVEAPI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "settings/api.h"
#include "util/err.h"

struct pveapi_client;

/* Loads libcurl, reads the credentials (token file or password file, permission-checked) and
 * prepares TLS.  Nothing is sent yet; a ticket login happens on the first request. */
int pveapi_client_new(const struct settings_api *s, struct pveapi_client **out, struct util_err *e);
void pveapi_client_free(struct pveapi_client *c);

/* At most max_in_flight requests at a time (default 16, 1..256); deadline_ms bounds a whole
 * pveapi_snapshot_fetch (0 = only the per-request timeout). */
void pveapi_client_set_limits(struct pveapi_client *c, unsigned max_in_flight,
                              unsigned deadline_ms);

/* True when authenticating with an API token (which may not write host= hostpci entries). */
bool pveapi_client_uses_token(const struct pveapi_client *c);

/* The URL this client talks to ("https://HOST:PORT/api2/json"). */
const char *pveapi_client_url(const struct pveapi_client *c);

/* For ticket authentication: POST /access/ticket now (otherwise done by the first request).
 * No-op with a token. */
int pveapi_client_login(struct pveapi_client *c, struct util_err *e);

/* A form parameter for PUT/POST. */
struct pveapi_param {
	const char *name;
	const char *value;
};

/* One request; path is below the base URL ("/nodes/pve1/qemu/100/config?current=1").
 * *data receives the "data" member of the answer (a new reference; json null when the answer
 * has none), or stays NULL on error. */
int pveapi_request(struct pveapi_client *c, const char *method, const char *path,
                   const struct pveapi_param *params, size_t nparams, json_t **data,
                   struct util_err *e);
int pveapi_get(struct pveapi_client *c, const char *path, json_t **data, struct util_err *e);

/* PUT /nodes/{node}/qemu/{vmid}/config (synchronous): sets params, deletes the keys in
 * delete_keys (comma-separated, NULL for none), only when the config still has digest (NULL
 * to skip the check; never do that after planning).  -ESTALE when it changed meanwhile. */
int pveapi_vm_config_put(struct pveapi_client *c, const char *node, unsigned vmid,
                         const struct pveapi_param *params, size_t nparams, const char *delete_keys,
                         const char *digest, struct util_err *e);

/* Reads a token file: 0, -EACCES when group or others may access it, -EINVAL when it does not
 * hold USER@REALM!TOKENID=SECRET (the message never shows the content).  out gets the token. */
int pveapi_token_file_read(const char *path, char *out, size_t n, struct util_err *e);

#endif
