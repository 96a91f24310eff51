/* cli/api.h - internal to cli/: the --api side of audit, status and assign: options and settings
 * to a connected client.  What the REST API tells becomes a node model in gather/ (gather_api). */
#ifndef PP_CLI_API_H
#define PP_CLI_API_H

#include <getopt.h>
#include <stdbool.h>

#include "assign/assign.h"
#include "cli/cli.h"
#include "gather/gather.h"
#include "pveapi/snapshot.h"
#include "settings/api.h"

/* getopt_long values of the four --api-* overrides; CLI_API_OPTIONS goes into a command's table */
enum {
	CLI_API_OPT_URL = 0x4000,
	CLI_API_OPT_TOKEN_FILE,
	CLI_API_OPT_FINGERPRINT,
	CLI_API_OPT_CA_FILE,
};
#define CLI_API_OPTIONS                                                                            \
	{"api-url", required_argument, NULL, CLI_API_OPT_URL},                                     \
	        {"api-token-file", required_argument, NULL, CLI_API_OPT_TOKEN_FILE},               \
	        {"api-fingerprint", required_argument, NULL, CLI_API_OPT_FINGERPRINT},             \
	{                                                                                          \
		"api-ca-file", required_argument, NULL, CLI_API_OPT_CA_FILE                        \
	}

/* Stores an --api-* option; false when c is none of them. */
bool cli_api_option(struct settings_api_overrides *o, int c, const char *arg);

/* One cluster to talk to: its settings (config file block + overrides) and client. */
struct cli_api_cluster {
	struct settings_api s;
	struct pveapi_client *client;
};

/* The clusters named (names NULL: the api { } block; all: every block of list, the settings'
 * api/cluster blocks from gather_settings()), each with
 * the overrides applied and a client made.  Nothing is sent.  0 or -errno (-EINVAL settings,
 * -EACCES token file readable by others ...).  *out has *n entries; free with
 * cli_api_clusters_free. */
int cli_api_clusters(const struct cli_ctx *ctx, const struct settings_api_list *list,
                     const struct settings_api_overrides *o, const char *const *names,
                     size_t n_names, bool all, struct cli_api_cluster **out, size_t *n,
                     struct util_err *e);
void cli_api_clusters_free(struct cli_api_cluster *v, size_t n);

/* assign --api and release --api (cli/api_assign.c): one fetch, plan and PUT for both. */
struct cli_api_assign_opts {
	const struct settings_api_list *list; /* the settings' api/cluster blocks */
	const struct settings_api_overrides *over;
	bool dry_run;
	const enum policy_severity *severity; /* from the settings, NULL = defaults */
};
struct cli_api_assign_result {
	char node[64];         /* the node that holds the VM */
	char config_path[256]; /* its config, for the diff header */
	bool running;          /* PVE puts hostpci changes of a running VM into [PENDING] */
	bool applied;          /* the PUT went through */
};
/* Plans req (an assign or a release) against the VM's node as the API shows it and, unless
 * dry_run, PUTs the change with the digest (released keys as `delete`).  0 (plan->outcome says
 * what) or -errno: -EOPNOTSUPP a token cannot write this (nothing sent), -ESTALE changed
 * meanwhile, -EPERM a privilege missing, -ENOENT no such VM, API/TLS errors. */
int cli_api_assign(const struct cli_ctx *ctx, const struct cli_api_assign_opts *o,
                   const struct assign_request *req, struct assign_plan *plan,
                   struct cli_api_assign_result *res, struct util_err *e);

/* audit --api (cli/api_mapping.c): PVE's own check of the mappings on each node of g whose VMs use
 * mapping= (GET /cluster/mapping/pci?check-node=NODE), put into g for policy/ to judge by.  A node
 * whose answer fails keeps our own judgement, with a warning.  prefix: the fleet's node-name
 * prefix ("" for one cluster).  0 or -errno when nothing could be sent (TLS, auth, memory). */
int cli_api_mapping_checks(const struct cli_ctx *ctx, struct pveapi_client *c,
                           struct gather_node *g, const char *prefix, struct util_err *e);

/* mapping create --api (cli/api_mapping.c): the node's hardware and every mapping as the API
 * shows them. */
struct cli_api_mapping_session {
	struct gather_node settings; /* the tool's settings (api blocks) */
	struct cli_api_cluster *cl;
	size_t n_cl;
	struct pveapi_snapshot snap;
	struct sysfs_host *host; /* ctx->node's hardware (GET /nodes/NODE/hardware/pci) */
};
struct cli_api_mapping_put {
	int added;
	size_t replaced;
	bool written;
	char request[192]; /* "POST /cluster/mapping/pci", "PUT /cluster/mapping/pci/NAME" */
	json_t *map;       /* the mapping's map entries as sent (or as they would be) */
	json_t *checks;    /* after writing: PVE's checks of the mapping on the node */
	char check_err[1100];
	size_t n_errors; /* of those, severity error */
};
/* Connects (api { } block and overrides) and reads ctx->node's hardware and the mappings.  0 or
 * -errno with a message (the node is not in the cluster, unreachable, ...). */
int cli_api_mapping_open(const struct cli_ctx *ctx, const struct settings_api_overrides *over,
                         struct cli_api_mapping_session *s, struct util_err *e);
/* Puts this node's map values into mapping name as `mapping create` does locally (the mapping's
 * other lines kept), diff = pci.cfg as PVE would write it before and after; unless dry or nothing
 * changes, POST /cluster/mapping/pci (new) or PUT /cluster/mapping/pci/NAME (existing, with the
 * digest it was read with), then GET ?check-node=NODE for PVE's verdict.  Prints its errors;
 * returns the exit status (1 when PVE's check finds an error in what was written). */
int cli_api_mapping_put(const struct cli_ctx *ctx, struct cli_api_mapping_session *s,
                        const char *name, const char *description, const char *const *values,
                        size_t n, bool dry, struct cli_api_mapping_put *res, struct util_buf *diff);
/* The text lines about PVE's verdict after writing. */
void cli_api_mapping_print_checks(const struct cli_api_mapping_put *res, const char *name,
                                  const char *node);
void cli_api_mapping_close(struct cli_api_mapping_session *s, struct cli_api_mapping_put *res);

/* status --api (cli/api_status.c): node NULL/"" = this host's name.  Prints; returns the exit
 * status. */
int cli_api_status(struct cli_ctx *ctx, const struct settings_api_overrides *over, const char *node,
                   bool all);

#endif
