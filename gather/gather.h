/* gather/gather.h - the one producer of a node model: everything the rules, status, assign and
 * release look at, in one plain struct, from one of two sources:
 *
 *   gather_local()  files under --root: the host snapshot (sysfs/), every VM config model (all
 *                   sections, pveconf/), which VMs run, /etc/pve/mapping/pci.cfg with its map
 *                   lines (line numbers kept), pci-id-reservations, storage.cfg (snippets of
 *                   hookscripts), the owner of a VMID (.vmlist);
 *   gather_api()    what pveapi_snapshot_fetch() brought from the REST API: the same struct, the
 *                   mappings built from the API's map entries without a text round trip.
 *
 * The guard's fast path is a flag of the same producer (GATHER_GUARD: the starting VM and the VMs
 * that run, main sections only, the snapshot without module parameters).  guard, audit, status,
 * assign, release, doctor and their --api variants consume it; policy/ judges struct policy_input,
 * which points into it (g->in).  Reads only; never locks, never prints (warnings are data). */
#ifndef PP_GATHER_GATHER_H
#define PP_GATHER_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "pveapi/snapshot.h"
#include "pveconf/mapping.h"
#include "pveconf/runstate.h"
#include "pveconf/storage.h"
#include "pveconf/vmconf.h"
#include "settings/settings.h"
#include "util/paths.h"

enum gather_flags {
	GATHER_GUARD = 1,      /* fast path: opts.vmid (main section) + the running VMs only */
	GATHER_CLUSTER = 2,    /* every node in /etc/pve/nodes, not only this one */
	GATHER_NAMES = 4,      /* pci.ids names (not on the guard's hot path) */
	GATHER_PARAMS = 8,     /* module parameters too (assign, doctor; the rules need none) */
	GATHER_KEEP_CONFS = 16 /* keep every VM's config model (assign plans on the bytes) */
};

struct gather_opts {
	const struct util_paths *paths; /* gather_local: the root */
	const char *node;               /* this node ("" = unknown: node_error says why) */
	const char *node_error;
	unsigned flags;            /* enum gather_flags */
	unsigned vmid;             /* guard: the VM that starts; assign: the target (owner) */
	const char *migrated_from; /* guard: PVE_MIGRATED_FROM ("" or NULL = not migrating) */
	/* a snapshot the caller already read (status, doctor): used, not freed */
	const struct sysfs_host *host;
	/* gather_api: only this node's VMs ("" or NULL = all), a prefix for node names (fleets) */
	const char *only_node;
	const char *prefix;
};

struct policy_vm_build; /* owned storage per VM (policy/build.h) */

/* Another node's hardware (gather_api): one per node of the cluster, unreachable ones too. */
struct gather_hosts {
	struct policy_node_host *v;
	struct sysfs_host **owned;
	size_t n, cap;
};

/* The node model. */
struct gather_node {
	struct policy_input in; /* what policy/ judges; points into the fields below */
	struct settings settings;
	enum policy_severity severity[POLICY_RULE_COUNT];
	struct sysfs_host *host; /* owned (NULL when the caller's opts.host is used) */
	/* VMs: the rules' view, the config models (GATHER_KEEP_CONFS), names, digests */
	struct policy_vm *vms;
	struct policy_vm_build **store; /* one per vms[] entry */
	struct pveconf_vm **confs;      /* per vms[]: the model, NULL unless GATHER_KEEP_CONFS */
	const char **names;             /* VM names (name:), NULL when absent; per vms[] */
	const char **digests;           /* per vms[]: the API's digest (gather_api), else NULL */
	size_t n_vms, cap_vms;
	/* gather_local without GATHER_CLUSTER: the HA resources of other nodes whose hookscript
	 * is absent here (policy_input.hook_only) */
	struct policy_vm *hook_only;
	size_t n_hook_only;
	/* mappings: pveconf's model (map lines with their pci.cfg line) and the rules' view */
	struct pveconf_pci_mappings pci_mappings;
	struct policy_mapping *mappings;
	size_t n_mappings;
	struct policy_map_line *map_lines;
	size_t n_map_lines;
	struct pveconf_storages storages; /* read when a hookscript needs resolving */
	bool storages_loaded;
	struct policy_reservation *reservations;
	size_t n_reservations;
	char **temp_files; /* gather_local, not the guard: ours a killed write left under /etc/pve */
	size_t n_temp_files;
	char owner[256]; /* gather_local with opts.vmid: the node that owns it ("" = none) */
	struct gather_hosts hosts; /* gather_api: every node's hardware */
	/* gather_api_mapping_checks: PVE's checks of every node, hosts.v[i].pve_checks point here */
	struct policy_pve_check *pve_checks;
	size_t n_pve_checks;
	const char **pve_mappings; /* the mappings each answer listed; hosts.v[i] point here */
	char **strings;            /* owned strings the input points into */
	size_t n_strings, cap_strings;
	/* things that were skipped, for the caller to print as warnings */
	char **warnings;
	size_t n_warnings;
	/* what could not be read, so the picture is incomplete (a config, /etc/pve/nodes,
	 * .vmlist, a VM .vmlist lists, an API node): monitoring must not call such a run healthy */
	char **unread;
	size_t n_unread;
	size_t n_configs_read, n_configs_unreadable; /* VM configs (gather_all, gather_api) */
};

/* Loads the settings (config_path; explicit = given with --config) and maps them onto
 * g->severity.  -EINVAL with "FILE:LINE: problem" for a malformed file. */
int gather_settings(const char *config_path, bool explicit_path, struct gather_node *g,
                    struct util_err *e);

/* The local producer.  0 or -errno with a message (the guard's config missing is -ENOENT).
 * Call gather_settings() first when the severities matter. */
int gather_local(const struct gather_opts *o, struct gather_node *g, struct util_err *e);

/* The REST API producer: adds what snap holds (VM configs - running VMs with ?current=1: main =
 * current, [PENDING] = what differs -, the mappings, each node's hardware in g->hosts, an
 * unreachable entry per node that could not be read).  May be called once per cluster of a
 * fleet (the first cluster's mappings are kept).  0 or -ENOMEM. */
int gather_api(const struct pveapi_snapshot *snap, const struct gather_opts *o,
               struct gather_node *g, struct util_err *e);
/* The API's mappings (GET /cluster/mapping/pci) in pveconf's model, entry by entry through the
 * map-line checks of the file reader, lines numbered as PVE's writer lays pci.cfg out; appended to
 * out (started zeroed).  0 or -ENOMEM. */
int gather_api_pci_mappings(const struct pveapi_snapshot *snap, struct pveconf_pci_mappings *out,
                            struct util_err *e);
/* A node's hardware from the API as a host snapshot (no drivers, no module state, no live mdev
 * instances; totalvfs = numvfs = the VFs listed).  NULL when out of memory. */
struct sysfs_host *gather_api_host(const struct pveapi_node *n);
/* The nodes (their API names, without the fleet prefix) that hold a VM using mapping= in any
 * section: those whose mappings audit --api asks PVE to check (gather/api_checks.c).  Fills out
 * with up to max names (pointing into g; g->n_vms is always enough) and returns how many. */
size_t gather_api_mapping_nodes(const struct gather_node *g, const char *prefix, const char **out,
                                size_t max);
/* PVE's own verdict on the mappings, per node (GET /cluster/mapping/pci?check-node=NODE), put on
 * the nodes' entries in g->hosts: for a node whose answer arrived, mapping-missing/-invalid take
 * PVE's checks instead of judging the map lines; a node whose answer failed (its err set)
 * keeps our own judgement (the caller says so).  0 or -ENOMEM. */
struct pveapi_node_map_checks;
int gather_api_mapping_checks(struct gather_node *g, const char *prefix,
                              const struct pveapi_node_map_checks *v, size_t n, struct util_err *e);
/* A node (or a whole cluster: "edge/" + "*") that could not be read: node-unreachable. */
int gather_hosts_add_unreachable(struct gather_hosts *h, const char *node, const char *why);

void gather_free(struct gather_node *g);

/* Records something that could not be read (g->unread; dropped when out of memory). */
void gather_unread_add(struct gather_node *g, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* A copy of s owned by g (NULL when out of memory). */
const char *gather_keep(struct gather_node *g, const char *s);
/* The VM name of a vmid, or NULL. */
const char *gather_vm_name(const struct gather_node *g, unsigned vmid);

#endif
