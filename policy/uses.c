/* policy/uses.c - which devices of this node the VM configs name: status's used_by, and (with
 * POLICY_USES_DROPPED, values PVE drops counted as the person meant them) who holds a device for
 * assign and release.  One loop, through the same expansion the rules use (policy/expand.c), so
 * that status, assign, release and the rules never disagree about what "00:02", "A;B", mapping= or
 * mdev= cover.  Pure: no I/O, no printing. */
#include "policy/expand.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_mdev_uuid(unsigned index, unsigned vmid, char *buf, size_t n)
{
	snprintf(buf, n, "%08u-0000-0000-0000-%012u", index, vmid);
}

void policy_section_label(const struct policy_section *s, char *buf, size_t n)
{
	if (!s || s->kind == POLICY_SECTION_MAIN)
		snprintf(buf, n, "main");
	else if (s->kind == POLICY_SECTION_PENDING)
		snprintf(buf, n, "pending");
	else
		snprintf(buf, n, "snapshot:%s", s->name ? s->name : "");
}

static bool seen(const struct policy_uses *u, size_t from, const char *bdf)
{
	for (size_t i = from; i < u->n; i++)
		if (strcmp(u->v[i].bdf, bdf) == 0)
			return true;
	return false;
}

static int add(struct policy_uses *u, const struct policy_entry *en, const char *bdf)
{
	struct policy_use *x;

	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 32;
		struct policy_use *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	x = &u->v[u->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->bdf, sizeof(x->bdf), "%s", bdf);
	x->vm = en->vm;
	x->sec = en->sec;
	x->hp = en->hp;
	x->mdev = en->mdev;
	return 0;
}

int policy_uses_collect(const struct policy_input *in, unsigned flags, struct policy_uses *out,
                        struct util_err *e)
{
	struct policy_entry *en = malloc(sizeof(*en)); /* ~4 KiB: not on the stack */

	memset(out, 0, sizeof(*out));
	if (!en)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t v = 0; v < in->n_vms; v++) {
		const struct policy_vm *vm = &in->vms[v];

		/* only this node's VMs, judged against this node's hardware */
		if (!in->host || !vm->node || !in->node || strcmp(vm->node, in->node) != 0)
			continue;
		for (size_t s = 0; s < vm->n_sections; s++) {
			const struct policy_section *sec = &vm->sections[s];

			for (size_t h = 0; h < sec->n_hostpci; h++) {
				size_t first = out->n;

				if (!sec->hostpci[h].valid &&
				    !(sec->hostpci[h].lenient && (flags & POLICY_USES_DROPPED)))
					continue; /* PVE drops it: it names nothing to PVE */
				policy_entry_expand(in, vm, sec, &sec->hostpci[h], en);
				for (size_t a = 0; a < en->n_alts; a++)
					for (size_t d = 0; d < en->alts[a].n_devs; d++) {
						const char *bdf = en->alts[a].devs[d];

						if (seen(out, first, bdf))
							continue;
						if (add(out, en, bdf) < 0) {
							free(en);
							policy_uses_free(out);
							return util_err_set(e, -ENOMEM,
							                    _("out of memory"));
						}
					}
			}
		}
	}
	free(en);
	return 0;
}

void policy_uses_free(struct policy_uses *u)
{
	free(u->v);
	memset(u, 0, sizeof(*u));
}
