/* assign/gather.h - reads what planning needs from the host under --root (private to assign/). */
#ifndef PP_ASSIGN_GATHER_H
#define PP_ASSIGN_GATHER_H

#include "assign/assign.h"

struct assign_gather {
	struct assign_input input; /* points into the fields below */
	struct sysfs_host *host;
	struct assign_vm *vms;
	size_t n_vms;
	struct assign_mapping *mappings;
	size_t n_mappings;
	struct policy_reservation *reservations; /* active ones */
	char (*res_bdfs)[32];
	size_t n_reservations;
	char owner[256];
	char config_path[PP_PATH_MAX];  /* full path of the target's config */
	char display_path[PP_PATH_MAX]; /* the same, as the host sees it */
};

/* Reads the host snapshot, every VM config of node (nodes/<node>/qemu-server/<vmid>.conf), which of
 * them run, this node's PCI mappings, and which node owns req->vmid.  0 or -errno with a message. */
int assign_gather_read(const struct util_paths *p, const char *node,
                       const struct assign_request *req, struct assign_gather *g,
                       struct util_err *e);
void assign_gather_free(struct assign_gather *g);

#endif
