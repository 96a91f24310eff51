/* gather/model.h - internal to gather/: what both producers (local.c, api.c) use to fill a
 * struct gather_node - owned strings, warnings, one VM from its config model, the rules' view of
 * the mappings. */
#ifndef PP_GATHER_MODEL_H
#define PP_GATHER_MODEL_H

#include "gather/gather.h"
#include "policy/build.h"

void gather_warn(struct gather_node *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds conf as a VM of node (every section, or the main one for the guard); the new VM is
 * g->vms[g->n_vms - 1].  keep: g owns conf from now on, also on failure (GATHER_KEEP_CONFS),
 * else the caller keeps it (nothing points into it).  0 or -errno. */
int gather_vm_add(struct gather_node *g, struct pveconf_vm *conf, unsigned vmid, const char *node,
                  bool main_only, bool keep, struct util_err *e);

/* g->pci_mappings -> g->mappings and g->map_lines (pointing into it); its diagnostics become
 * warnings naming file.  0 or -ENOMEM. */
int gather_mappings_view(struct gather_node *g, const char *file, struct util_err *e);

/* Points g->in at everything gathered. */
void gather_input_finish(struct gather_node *g, const char *node, unsigned flags, unsigned vmid);

#endif
