/* cli/gather.h - collects what policy/ judges (VM configs with parsed hostpci entries, the host
 * snapshot, resource mappings, PCI reservations, running state, hookscripts, settings) into a
 * struct policy_input.  The only place that turns files into rule input. */
#ifndef PP_CLI_GATHER_H
#define PP_CLI_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "pveconf/mapping.h"
#include "pveconf/storage.h"
#include "pveconf/vmconf.h"
#include "settings/settings.h"

struct cli_gather_opts {
	enum policy_mode mode;
	unsigned vmid;             /* guard: the VM that starts */
	const char *migrated_from; /* guard: PVE_MIGRATED_FROM ("" or NULL = not migrating) */
	bool cluster;              /* audit: every node in /etc/pve/nodes */
	bool read_names;           /* read pci.ids names (not on the guard's hot path) */
	/* a snapshot the caller already read (status): used instead of reading one, not freed */
	const struct sysfs_host *host;
};

struct policy_vm_build; /* owned storage per VM (policy/build.h) */

struct cli_gather {
	struct policy_input in;
	struct settings settings;
	enum policy_severity severity[POLICY_RULE_COUNT];
	struct sysfs_host *host;
	struct policy_vm *vms;
	struct policy_vm_build **store; /* one per vms[] entry */
	const char **names;             /* VM names (name:), NULL when absent; per vms[] */
	size_t n_vms, cap_vms;
	struct policy_mapping *mappings;
	size_t n_mappings;
	struct policy_map_line *map_lines;
	size_t n_map_lines;
	struct pveconf_pci_mappings pci_mappings; /* what mappings/map_lines point into */
	struct pveconf_storages storages;         /* read when a hookscript needs resolving */
	bool storages_loaded;
	struct policy_reservation *reservations;
	size_t n_reservations;
	char **strings; /* owned strings the input points into */
	size_t n_strings, cap_strings;
	/* things that were skipped, for the caller to print as warnings */
	char **warnings;
	size_t n_warnings;
};

/* Loads the settings (ctx->config_path) and maps them onto g->severity.  -EINVAL with
 * "FILE:LINE: problem" for a malformed file. */
int cli_gather_settings(const struct cli_ctx *ctx, struct cli_gather *g, struct util_err *e);

/* Gathers everything for opts->mode.  0 or -errno with a message (the guard's config missing is
 * -ENOENT).  Call cli_gather_settings() first. */
int cli_gather_run(const struct cli_ctx *ctx, const struct cli_gather_opts *opts,
                   struct cli_gather *g, struct util_err *e);
void cli_gather_free(struct cli_gather *g);

/* For other sources of configs (the REST API, cli/api.c): adds one config model as a VM of
 * node (every section; the caller keeps conf); the new VM is g->vms[g->n_vms - 1].  Parses a
 * mapping/pci.cfg text into g->mappings.  keep: a copy of s owned by g.  0 or -errno. */
int cli_gather_add_config(struct cli_gather *g, const struct pveconf_vm *conf, unsigned vmid,
                          const char *node, struct util_err *e);
int cli_gather_mappings_parse(struct cli_gather *g, const char *text, size_t len,
                              struct util_err *e);
const char *cli_gather_keep(struct cli_gather *g, const char *s);

/* The VM name of a vmid, or NULL. */
const char *cli_gather_vm_name(const struct cli_gather *g, unsigned vmid);

#endif
