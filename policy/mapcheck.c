/* policy/mapcheck.c - a pci.cfg map line against the hardware, condition by condition as PVE's
 * PVE::Mapping::PCI::assert_valid (pve-guest-common) judges it, plus the corrected line.
 * Pure: reads only the snapshot and the line it is given. */
#include "policy/mapcheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The properties PVE compares, in its (sorted) order. */
enum prop { P_ID, P_IOMMUGROUP, P_MDEV, P_SUBSYSTEM, P_N };
static const char *const prop_names[P_N] = {"id", "iommugroup", "mdev", "subsystem-id"};

static void put(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

/* PVE's `s/0x//g` */
static void strip_0x(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (; *in && k + 1 < n; in++) {
		if (in[0] == '0' && in[1] == 'x') {
			in++;
			continue;
		}
		out[k++] = *in;
	}
	out[k] = '\0';
}

/* What the device says for each property; NULL = undefined (PVE's undef). */
static void device_props(const struct sysfs_device *d, char vals[P_N][32], const char *out[P_N])
{
	put(vals[P_ID], 32, "%04x:%04x", d->vendor, d->device);
	out[P_ID] = vals[P_ID];
	out[P_IOMMUGROUP] = NULL;
	if (d->iommu_group >= 0) {
		put(vals[P_IOMMUGROUP], 32, "%d", d->iommu_group);
		out[P_IOMMUGROUP] = vals[P_IOMMUGROUP];
	}
	out[P_MDEV] = d->mdev_parent ? "1" : "0";
	out[P_SUBSYSTEM] = NULL;
	if (d->has_subsystem) {
		put(vals[P_SUBSYSTEM], 32, "%04x:%04x", d->subsystem_vendor, d->subsystem_device);
		out[P_SUBSYSTEM] = vals[P_SUBSYSTEM];
	}
}

static struct policy_mapcheck_problem *add(struct policy_mapcheck *out,
                                           enum policy_mapcheck_kind kind, const char *device,
                                           const char *prop)
{
	struct policy_mapcheck_problem *p;

	out->valid = false;
	if (out->n_problems == POLICY_MAPCHECK_MAX)
		return NULL;
	p = &out->problems[out->n_problems++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	put(p->device, sizeof(p->device), "%s", device);
	put(p->property, sizeof(p->property), "%s", prop ? prop : "");
	return p;
}

static void pve_message(const char *name, const struct policy_mapcheck_problem *p, char *buf,
                        size_t n)
{
	char e[32], f[32];

	switch (p->kind) {
	case POLICY_MAPCHECK_DEVICE_MISSING:
		put(buf, n, "pci device '%s' not found", p->device);
		break;
	case POLICY_MAPCHECK_MISSING:
		put(buf, n, "missing expected property '%s' for device '%s'", p->property,
		    p->device);
		break;
	case POLICY_MAPCHECK_UNEXPECTED:
		put(buf, n, "unexpected property '%s' configured for device '%s'", p->property,
		    p->device);
		break;
	case POLICY_MAPCHECK_DIFFERENT:
		strip_0x(p->expected, e, sizeof(e));
		strip_0x(p->found, f, sizeof(f));
		put(buf, n, "'%s' does not match for '%s' (%s != %s)", p->property, name, e, f);
		break;
	}
}

/* The value the line should carry for a property, from every device of the path: NULL = leave
 * it out; *conflict when the devices disagree (no single line is valid then). */
struct wanted {
	const char *v[P_N];
	char buf[P_N][32];
	bool set[P_N];
	bool conflict;
};

static void want(struct wanted *w, enum prop k, const char *v, bool first)
{
	if (first) {
		w->set[k] = true;
		w->v[k] = v ? w->buf[k] : NULL;
		if (v)
			put(w->buf[k], sizeof(w->buf[k]), "%s", v);
		return;
	}
	if ((w->v[k] == NULL) != (v == NULL) || (v && strcmp(w->v[k], v) != 0))
		w->conflict = true;
}

static int addpart(char *buf, size_t n, size_t *len, const char *s, size_t sl)
{
	if (*len + (*len ? 1 : 0) + sl + 1 > n)
		return -ENOSPC;
	if (*len)
		buf[(*len)++] = ',';
	memcpy(buf + *len, s, sl);
	*len += sl;
	buf[*len] = '\0';
	return 0;
}

/* raw with id/iommugroup/subsystem-id set to w's values: changed in place, dropped when w says
 * none, added before the first key that sorts after it (so a sorted line stays sorted). */
static int corrected(const char *raw, const struct wanted *w, char *buf, size_t n)
{
	static const enum prop line_props[] = {P_ID, P_IOMMUGROUP, P_SUBSYSTEM};
	bool done[P_N] = {0};
	size_t len = 0;
	const char *s = raw;

	buf[0] = '\0';
	/* the properties the line has are changed where they stand */
	for (const char *q = raw; q; q = strchr(q, ',') ? strchr(q, ',') + 1 : NULL)
		for (size_t i = 0; i < 3; i++) {
			size_t kl = strlen(prop_names[line_props[i]]);

			if (strncmp(q, prop_names[line_props[i]], kl) == 0 && q[kl] == '=')
				done[line_props[i]] = true;
		}
	for (;;) {
		const char *end = strchr(s, ','), *eq;
		size_t pl = end ? (size_t)(end - s) : strlen(s);
		char key[32] = "";
		int r = 0;

		eq = memchr(s, '=', pl);
		if (eq && (size_t)(eq - s) < sizeof(key))
			put(key, sizeof(key), "%.*s", (int)(eq - s), s);
		/* missing properties that sort before this key go first */
		for (size_t i = 0; i < 3 && key[0]; i++) {
			enum prop k = line_props[i];
			char part[64];

			if (done[k] || !w->v[k] || strcmp(prop_names[k], key) >= 0)
				continue;
			done[k] = true;
			put(part, sizeof(part), "%s=%s", prop_names[k], w->v[k]);
			if ((r = addpart(buf, n, &len, part, strlen(part))) < 0)
				return r;
		}
		for (size_t i = 0; i < 3 && key[0]; i++) {
			enum prop k = line_props[i];

			if (strcmp(prop_names[k], key) != 0)
				continue;
			if (w->v[k]) {
				char part[64];

				put(part, sizeof(part), "%s=%s", key, w->v[k]);
				r = addpart(buf, n, &len, part, strlen(part));
			}
			goto next;
		}
		if (pl > 0)
			r = addpart(buf, n, &len, s, pl);
	next:
		if (r < 0)
			return r;
		if (!end)
			break;
		s = end + 1;
	}
	for (size_t i = 0; i < 3; i++) {
		enum prop k = line_props[i];
		char part[64];
		int r;

		if (done[k] || !w->v[k])
			continue;
		put(part, sizeof(part), "%s=%s", prop_names[k], w->v[k]);
		if ((r = addpart(buf, n, &len, part, strlen(part))) < 0)
			return r;
	}
	return 0;
}

void policy_mapcheck_line(const struct sysfs_host *host, const char *name, bool mapping_mdev,
                          const struct policy_map_line *ml, struct policy_mapcheck *out)
{
	const char *path = ml->path ? ml->path : "";
	char groupbuf[32], rawbuf[512];
	const char *conf[P_N];
	struct wanted w = {0};
	bool line_wrong = false, any_missing = false;
	size_t idx = 0;

	memset(out, 0, sizeof(*out));
	out->valid = true;
	out->fix_mdev = -1;
	conf[P_ID] = ml->id;
	conf[P_IOMMUGROUP] = ml->iommugroup_text;
	if (!conf[P_IOMMUGROUP] && ml->iommugroup >= 0) {
		put(groupbuf, sizeof(groupbuf), "%d", ml->iommugroup);
		conf[P_IOMMUGROUP] = groupbuf;
	}
	conf[P_MDEV] = mapping_mdev ? "1" : "0";
	conf[P_SUBSYSTEM] = ml->subsystem_id;

	/* Perl's split(';', path): empty trailing fields dropped (the format allows none anyway) */
	for (const char *s = path; *s; idx++) {
		const char *end = strchr(s, ';');
		size_t pl = end ? (size_t)(end - s) : strlen(s);
		char dev_name[SYSFS_BDF_LEN + 8], vals[P_N][32];
		const char *exp[P_N];
		const struct sysfs_device *d;
		bool has_fn = false;

		for (size_t i = 0; i + 1 < pl; i++)
			if (s[i] == '.' && ((s[i + 1] >= '0' && s[i + 1] <= '9') ||
			                    (s[i + 1] >= 'a' && s[i + 1] <= 'f') ||
			                    (s[i + 1] >= 'A' && s[i + 1] <= 'F')))
				has_fn = true;
		put(dev_name, sizeof(dev_name), "%.*s%s", (int)pl, s, has_fn ? "" : ".0");
		s = end ? end + 1 : s + pl;
		d = host ? sysfs_host_find(host, dev_name) : NULL;
		if (!d) {
			add(out, POLICY_MAPCHECK_DEVICE_MISSING, dev_name, NULL);
			any_missing = true;
			continue;
		}
		device_props(d, vals, exp);
		for (int k = 0; k < P_N; k++) {
			struct policy_mapcheck_problem *p = NULL;
			char e[32], f[32];

			if (k != P_MDEV && (k != P_IOMMUGROUP || idx == 0))
				want(&w, (enum prop)k, exp[k], !w.set[k]);
			if (k == P_IOMMUGROUP && idx > 0) /* PVE: only on the first device */
				continue;
			if (!exp[k] && !conf[k])
				continue;
			if (exp[k] && !conf[k]) {
				p = add(out, POLICY_MAPCHECK_MISSING, dev_name, prop_names[k]);
			} else if (!exp[k]) {
				p = add(out, POLICY_MAPCHECK_UNEXPECTED, dev_name, prop_names[k]);
			} else {
				strip_0x(exp[k], e, sizeof(e));
				strip_0x(conf[k], f, sizeof(f));
				if (strcmp(e, f) != 0)
					p = add(out, POLICY_MAPCHECK_DIFFERENT, dev_name,
					        prop_names[k]);
			}
			if (!p)
				continue;
			put(p->expected, sizeof(p->expected), "%s", exp[k] ? exp[k] : "");
			put(p->found, sizeof(p->found), "%s", conf[k] ? conf[k] : "");
			if (k == P_MDEV)
				out->fix_mdev = exp[k][0] == '1';
			else
				line_wrong = true;
		}
	}
	if (out->n_problems)
		pve_message(name, &out->problems[0], out->pve_message, sizeof(out->pve_message));
	if (!line_wrong || any_missing || w.conflict)
		return;
	if (!ml->raw) {
		put(rawbuf, sizeof(rawbuf), "id=%s,node=%s,path=%s", ml->id ? ml->id : "",
		    ml->node ? ml->node : "", path);
		if (corrected(rawbuf, &w, out->fix_map, sizeof(out->fix_map)) < 0)
			out->fix_map[0] = '\0';
	} else if (corrected(ml->raw, &w, out->fix_map, sizeof(out->fix_map)) < 0) {
		out->fix_map[0] = '\0';
	}
}

int policy_mapcheck_line_for(const struct sysfs_device *d, const char *node, char *buf, size_t n)
{
	char group[24] = "", sub[32] = "";
	int w;

	if (d->iommu_group >= 0)
		put(group, sizeof(group), ",iommugroup=%d", d->iommu_group);
	if (d->has_subsystem)
		put(sub, sizeof(sub), ",subsystem-id=%04x:%04x", d->subsystem_vendor,
		    d->subsystem_device);
	w = snprintf(buf, n, "id=%04x:%04x%s,node=%s,path=%s%s", d->vendor, d->device, group, node,
	             d->bdf, sub);
	return w < 0 || (size_t)w >= n ? -ENOSPC : 0;
}

void policy_mapcheck_describe(const struct policy_mapcheck *r, char *buf, size_t n)
{
	const struct policy_mapcheck_problem *p = &r->problems[0];
	char more[32] = "";

	if (r->valid) {
		put(buf, n, "valid");
		return;
	}
	if (r->n_problems > 1)
		put(more, sizeof(more), " (+%zu more)", r->n_problems - 1);
	if (p->kind == POLICY_MAPCHECK_DEVICE_MISSING)
		put(buf, n, "device %s not found%s", p->device, more);
	else
		put(buf, n, "%s: expected %s (device %s), found %s%s", p->property,
		    p->expected[0] ? p->expected : "none", p->device,
		    p->found[0] ? p->found : "none", more);
}

static bool only_mdev(const struct policy_mapcheck *r)
{
	for (size_t i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].property, "mdev") != 0)
			return false;
	return true;
}

void policy_mapcheck_fix(const struct policy_mapcheck *r, const char *name, unsigned line,
                         char *buf, size_t n)
{
	char mdev[96] = "";

	buf[0] = '\0';
	if (r->valid)
		return;
	if (r->fix_mdev >= 0)
		put(mdev, sizeof(mdev), "set 'mdev %d' in mapping '%s'", r->fix_mdev, name);
	if (r->fix_map[0])
		put(buf, n, "replace pci.cfg line %u with: map %s%s%s", line, r->fix_map,
		    mdev[0] ? "; and " : "", mdev);
	else if (r->problems[0].kind == POLICY_MAPCHECK_DEVICE_MISSING)
		put(buf, n,
		    "remove pci.cfg line %u, or bring %s back (pve-passthrough status, doctor)%s%s",
		    line, r->problems[0].device, mdev[0] ? "; and " : "", mdev);
	else if (mdev[0] && only_mdev(r))
		put(buf, n, "%s", mdev);
	else
		put(buf, n,
		    "no single map line fits the devices of pci.cfg line %u (their ids differ): give each its own map line%s%s",
		    line, mdev[0] ? "; and " : "", mdev);
}
