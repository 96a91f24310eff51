/* pveapi/snapshot.h - one parallel fetch of what a cluster's API tells about VMs and PCI
 * hardware, as plain structs for the policy input.  Requests: GET /nodes, GET
 * /cluster/resources?type=vm (qemu only), GET /cluster/mapping/pci, per node GET
 * /nodes/{n}/hardware/pci (+ .../hardware/pci/{id}/mdev for mdev parents), per VM GET
 * /nodes/{n}/qemu/{vmid}/config (pending applied) and, when asked, ?current=1; GET
 * /cluster/ha/resources and, once every config is in, GET /nodes/{n}/storage/{s}/content
 * ?content=snippets for each storage a hookscript names on each node the VM can start on (its
 * node; every node for an HA resource).  A node that is
 * offline or does not answer is reported in its struct and the rest completes. */
#ifndef PP_PVEAPI_SNAPSHOT_H
#define PP_PVEAPI_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "pveapi/pveapi.h"

struct pveapi_kv {
	char *key;
	char *value; /* numbers as decimal text, the rest as sent */
};

struct pveapi_vm {
	unsigned vmid;
	char *node, *name, *status, *lock; /* "" when absent */
	bool template_;
	/* GET .../config (pending applied): all keys incl. "digest", in the API's order */
	struct pveapi_kv *config;
	size_t nconfig;
	const char *digest; /* points into config, "" when absent */
	/* GET .../config?current=1 when fetched (has_current) */
	struct pveapi_kv *current;
	size_t ncurrent;
	bool has_current;
	int err; /* 0, or -errno when the config could not be read (msg in errmsg) */
	char *errmsg;
	bool ha; /* an HA resource (GET /cluster/ha/resources lists "vm:<vmid>") */
};

/* What GET /nodes/{n}/storage/{s}/content?content=snippets said on one node. */
struct pveapi_snippets {
	char *storage;
	char **volids; /* "local:snippets/x.sh" */
	size_t nvolids;
	int err; /* -errno when the listing failed (storage not on that node, ...): unknown */
	char *errmsg;
};

struct pveapi_mdev_type {
	char *type, *name, *description;
	long available;
};

struct pveapi_pci {
	char *id;                       /* "0000:00:02.0" */
	char *class_, *vendor, *device; /* "0x030000", "0x8086", "0xa7a0" */
	char *subsystem_vendor, *subsystem_device, *vendor_name, *device_name;
	long iommugroup; /* -1 = none */
	bool mdev;       /* an mdev parent */
	char *physfn;    /* the PF of a VF, or NULL */
	char **virtfns;  /* the VFs of a PF, in virtfnN order (the API sends an object) */
	size_t nvirtfns;
	struct pveapi_mdev_type *mdev_types; /* for mdev parents */
	size_t nmdev_types;
	int mdev_err; /* the .../mdev request failed: -errno */
};

struct pveapi_node {
	char *name;
	char *status;          /* from GET /nodes: "online", "offline", "unknown" ("" if absent) */
	char *ssl_fingerprint; /* from GET /nodes */
	bool reachable;        /* false: err/errmsg say why (offline, timeout, 595 ...) */
	int err;
	char *errmsg;
	bool has_pci; /* the hardware list was read */
	struct pveapi_pci *pci;
	size_t npci;
	/* false when no device of the list carries physfn/virtfns: either no SR-IOV device is
	 * enabled or the node's libpve-common predates those fields (< 9.1.12); PF/VF rules are
	 * then limited on that node. */
	bool sriov_fields;
	struct pveapi_snippets *snippets; /* the storages hookscripts name, as listed here */
	size_t nsnippets;
};

struct pveapi_mapping {
	char *id, *description;
	char *digest; /* of pci.cfg as read for this answer (PVE adds it to every entry), "" if absent */
	char **map; /* the "node=...,path=...,id=..." entries as sent */
	size_t nmap;
	bool mdev, live_migration;
};

struct pveapi_snapshot {
	char *url;
	struct pveapi_node *nodes;
	size_t nnodes;
	struct pveapi_vm *vms;
	size_t nvms;
	struct pveapi_mapping *mappings;
	size_t nmappings;
	int mappings_err; /* -errno when /cluster/mapping/pci failed, message in mappings_errmsg */
	char *mappings_errmsg;
	int ha_err; /* -errno when /cluster/ha/resources failed: HA resources are not known */
	unsigned requests; /* sent */
	unsigned failed;   /* of those, failed */
};

enum pveapi_current {
	PVEAPI_CURRENT_RUNNING, /* ?current=1 for running VMs (where pending may differ) */
	PVEAPI_CURRENT_ALL,
	PVEAPI_CURRENT_NONE,
};

struct pveapi_snapshot_opts {
	enum pveapi_current current;
	const char *node;      /* only this node (NULL = all) */
	const unsigned *vmids; /* only these VMs (NULL = all) */
	size_t nvmids;
	bool no_hardware; /* skip /hardware/pci */
	bool no_snippets; /* skip /cluster/ha/resources and the snippet listings */
};

/* Fetches everything in parallel (pveapi_client_set_limits).  0 when the VM list could be read
 * (nodes that could not be read are marked in the result), else -errno (TLS, authentication,
 * nothing reachable).  out is always freeable. */
int pveapi_snapshot_fetch(struct pveapi_client *c, const struct pveapi_snapshot_opts *o,
                          struct pveapi_snapshot *out, struct util_err *e);
void pveapi_snapshot_free(struct pveapi_snapshot *s);

/* Lookups; NULL when absent. */
const struct pveapi_node *pveapi_snapshot_node(const struct pveapi_snapshot *s, const char *name);
const struct pveapi_vm *pveapi_snapshot_vm(const struct pveapi_snapshot *s, unsigned vmid);
const char *pveapi_kv_get(const struct pveapi_kv *kv, size_t n, const char *key);
/* Whether volid ("local:snippets/x.sh") exists on the node: 1 yes, 0 no, -1 not known (its
 * storage was not listed there, or the listing failed). */
int pveapi_snippet_present(const struct pveapi_node *n, const char *volid);

#endif
