/* pveconf/cpu.h - a VM config's `cpu:` as PVE 9 checks it (qemu-server 9.2 CPUConfig.pm, format
 * pve-vm-cpu-conf): the property string, the model PVE must know (a built-in model, or custom-NAME
 * defined in /etc/pve/virtual-guest/cpu-models.conf) and the VM-specific limits (flags from a short
 * list, no reported-model).  Cause 1 of issue 11 for the cpu key. */
#ifndef PP_PVECONF_CPU_H
#define PP_PVECONF_CPU_H

#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

/* The CPU models a node knows: its custom models (cpu-models.conf) and, when the node ships
 * /usr/share/kvm/cpu-models-x86_64.json (newer pve-qemu-kvm), the built-in names QEMU lists
 * there; otherwise qemu-server's own list. */
struct pveconf_cpu_models;

/* Reads the node's models under the root.  A node without cpu-models.conf has no custom models
 * (PVE then drops every custom-NAME); where the root holds no /etc/pve at all (a config copied
 * off the node), custom models are not judged.  0, or -errno with a message (an unreadable file;
 * a file that is not a PVE model list). */
int pveconf_cpu_models_load(const struct util_paths *p, struct pveconf_cpu_models **out,
                            struct util_err *e);
/* The models of cpu-models.conf text (built-ins: qemu-server's list).  0 or -ENOMEM. */
int pveconf_cpu_models_parse(const char *text, size_t len, struct pveconf_cpu_models **out);
void pveconf_cpu_models_free(struct pveconf_cpu_models *m);
/* How many custom models m defines (tests, messages). */
size_t pveconf_cpu_models_custom_count(const struct pveconf_cpu_models *m);

/* check_format('pve-vm-cpu-conf') of a cpu: value: 0, or -1 with PVE's reason in err.  m NULL:
 * qemu-server's built-in list, custom models not judged. */
int pveconf_cpu_check(const char *v, size_t n, const struct pveconf_cpu_models *m, char *err,
                      size_t errn);

#endif
