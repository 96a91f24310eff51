/* assign/check.h - runs the guard's rules (policy/) on a candidate config (private to assign/). */
#ifndef PP_ASSIGN_CHECK_H
#define PP_ASSIGN_CHECK_H

#include "assign/assign.h"

struct assign_check {
	struct assign_finding v[ASSIGN_MAX_FINDINGS];
	size_t n;
};

/* Findings (warning and above) of the guard's rules about new_key of VM vmid, judged on the
 * candidate config as the VM would start with it, every other VM of in as it is. */
int assign_check_policy(const struct assign_input *in, unsigned vmid,
                        const struct pveconf_vm *candidate, const char *new_key,
                        struct assign_check *out, struct util_err *e);

#endif
