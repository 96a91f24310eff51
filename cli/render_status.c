/* cli/render_status.c - `status` output: for people the iGPU's summary and a tree (PF -> VFs, or
 * GVT-g types -> instances -> the VMs using each, with their running state and what the audit's
 * rules find), or with --table one row per device (cli/table.h lays both out); and the JSON of
 * docs/cli.md (schema_version 1).  Renders a prepared view; reads nothing itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/render.h"
#include "cli/status.h"
#include "cli/table.h"
#include "policy/policy.h"
#include "sysfs/driver.h"
#include "sysfs/igpu.h"

static const char *role_name(enum sysfs_role r)
{
	switch (r) {
	case SYSFS_ROLE_PF: return "pf";
	case SYSFS_ROLE_VF: return "vf";
	case SYSFS_ROLE_DEVICE: break;
	}
	return "device";
}

static bool is_intel_display(const struct sysfs_device *d)
{
	return d->vendor == 0x8086 && (d->class_code >> 16) == 0x03;
}

/* ---------------------------------------------------------------- text */

/* "VM 100 hostpci0", "VM 109 hostpci1 [pending]" */
static void use_name(const struct cli_use *u, char *buf, size_t n)
{
	if (strcmp(u->section, "main") == 0)
		snprintf(buf, n, _("VM %u %s"), u->vmid, u->key);
	else
		snprintf(buf, n, _("VM %u %s [%s]"), u->vmid, u->key, u->section);
}

static enum cli_color severity_color(int worst)
{
	return worst == POLICY_SEVERITY_ERROR     ? CLI_COLOR_RED
	       : worst == POLICY_SEVERITY_WARNING ? CLI_COLOR_YELLOW
	                                          : CLI_COLOR_GREEN;
}

/* A live mdev instance has this uuid. */
static bool mdev_live(const struct sysfs_host *h, const char *uuid)
{
	for (size_t i = 0; i < h->n_mdevs; i++)
		if (strcmp(h->mdevs[i].uuid, uuid) == 0)
			return true;
	return false;
}

/* The columns of both views. */
enum { T_DEV, T_ROLE, T_DRIVER, T_GROUP, T_STATE, T_NOTE, T_NCOL };

/* Which uses of a device a part of the tree shows. */
struct use_pick {
	const struct sysfs_device *d; /* the device with mdev types (GVT-g); NULL: every use */
	const char *type;             /* NULL: no mdev or a type d does not offer; else this type */
	const char *uuid;             /* with type: its live instance; NULL: no live instance */
};

static bool use_picked(const struct cli_status_view *v, const struct use_pick *p,
                       const struct cli_use *u)
{
	char want[40];

	if (!p->d)
		return true;
	if (!p->type)
		return !u->mdev[0] || !sysfs_host_mdev_type(v->host, p->d->bdf, u->mdev);
	if (strcmp(u->mdev, p->type))
		return false;
	/* PVE's instance of this entry (index, vmid) */
	policy_mdev_uuid((unsigned)atoi(u->key + 7), u->vmid, want, sizeof(want));
	return p->uuid ? strcmp(want, p->uuid) == 0 : !mdev_live(v->host, want);
}

/* One row per use of bdf that p picks, children of parent. */
static void use_rows(struct cli_table *t, struct cli_row *parent, const struct cli_status_view *v,
                     const char *bdf, const struct use_pick *p)
{
	size_t first, n = cli_usage_of(v->usage, bdf, &first);

	for (size_t i = 0; i < n; i++) {
		const struct cli_use *u = &v->usage->uses[first + i];
		struct cli_row *r;

		if (!use_picked(v, p, u))
			continue;
		r = cli_table_row(t, parent);
		/* TRANSLATORS: a VM's hostpci entry in the status tree: "VM 100 hostpci0" */
		cli_table_cell(r, T_DEV, _("VM %u %s"), u->vmid, u->key);
		cli_table_cell(r, T_STATE, "%s", u->running ? _("running") : _("stopped"));
		if (u->running)
			cli_table_cell_color(r, T_STATE, CLI_COLOR_GREEN);
		/* the section when not the config's main one, then what the rules find */
		if (strcmp(u->section, "main") && u->problems[0])
			cli_table_cell(r, T_NOTE, "[%s] %s %s", u->section,
			               cli_severity_label(u->worst), u->problems);
		else if (strcmp(u->section, "main"))
			cli_table_cell(r, T_NOTE, "[%s]", u->section);
		else if (u->problems[0])
			cli_table_cell(r, T_NOTE, "%s %s", cli_severity_label(u->worst),
			               u->problems);
		if (u->problems[0])
			cli_table_cell_color(r, T_NOTE, severity_color(u->worst));
	}
}

static void device_cells(struct cli_row *r, const struct sysfs_device *d, bool name)
{
	cli_table_cell(r, T_DEV, "%s", d->bdf);
	if (d->role == SYSFS_ROLE_VF && d->vf_index >= 0)
		cli_table_cell(r, T_ROLE, "VF %d", d->vf_index);
	else if (d->role == SYSFS_ROLE_PF)
		cli_table_cell(r, T_ROLE, "PF %d/%d", d->numvfs, d->totalvfs);
	else
		cli_table_cell(r, T_ROLE, "%s", "-");
	cli_table_cell(r, T_DRIVER, "%s", d->driver[0] ? d->driver : "-");
	if (d->iommu_group >= 0)
		cli_table_cell(r, T_GROUP, "%d", d->iommu_group);
	else
		cli_table_cell(r, T_GROUP, "-");
	if (name && d->device_name[0])
		cli_table_cell(r, T_NOTE, "%s", d->device_name);
}

/* A GVT-g parent's part of the tree: its mdev types, their live instances, the VMs using each;
 * a VM configured with a type but without an instance (stopped) under its type. */
static void mdev_rows(struct cli_table *t, struct cli_row *parent, const struct cli_status_view *v,
                      const struct sysfs_device *d)
{
	for (size_t k = 0; k < d->n_mdev_types; k++) {
		const struct sysfs_mdev_type *ty = &d->mdev_types[k];
		struct cli_row *tr = cli_table_row(t, parent);

		cli_table_cell(tr, T_DEV, "%s", ty->id);
		cli_table_cell(tr, T_ROLE, "%s", _("mdev type"));
		cli_table_cell(tr, T_STATE, _("%ld available"), ty->available);
		for (size_t i = 0; i < v->host->n_mdevs; i++) {
			const struct sysfs_mdev *m = &v->host->mdevs[i];
			struct cli_row *ir;

			if (strcmp(m->parent, d->bdf) || strcmp(m->type, ty->id))
				continue;
			ir = cli_table_row(t, tr);
			cli_table_cell(ir, T_DEV, "%s", m->uuid);
			cli_table_cell(ir, T_ROLE, "mdev");
			use_rows(t, ir, v, d->bdf, &(struct use_pick){d, ty->id, m->uuid});
		}
		use_rows(t, tr, v, d->bdf, &(struct use_pick){d, ty->id, NULL});
	}
}

/* The default view: each shown device that is no VF of a shown PF, its users, its VFs with
 * theirs (or its mdev types, instances and theirs); the device's name once, on its own row. */
static int tree_text(const struct cli_status_view *v, struct cli_table *t)
{
	const struct sysfs_host *h = v->host;

	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];
		const struct sysfs_device *pf = d->physfn[0] ? sysfs_host_find(h, d->physfn) : NULL;
		struct cli_row *r;

		if (!v->shown[i] || (pf && v->shown[pf - h->devices]))
			continue;
		r = cli_table_row(t, NULL);
		device_cells(r, d, true);
		if (d->n_mdev_types) {
			use_rows(t, r, v, d->bdf, &(struct use_pick){d, NULL, NULL});
			mdev_rows(t, r, v, d);
		} else {
			use_rows(t, r, v, d->bdf, &(struct use_pick){0});
		}
		for (size_t k = 0; k < h->n_devices; k++) {
			const struct sysfs_device *vf = &h->devices[k];
			struct cli_row *vr;

			if (!v->shown[k] || strcmp(vf->physfn, d->bdf))
				continue;
			vr = cli_table_row(t, r);
			device_cells(vr, vf, false);
			use_rows(t, vr, v, vf->bdf, &(struct use_pick){0});
		}
	}
	return cli_table_print(t);
}

/* --table: one row per device, its users in one cell (wrapped at words on a terminal). */
enum { F_BDF, F_ID, F_CLASS, F_DRIVER, F_GROUP, F_ROLE, F_USED, F_NAME, F_NCOL };

static int flat_text(const struct cli_status_view *v, struct cli_table *t)
{
	const struct sysfs_host *h = v->host;

	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];
		size_t first, n = cli_usage_of(v->usage, d->bdf, &first);
		struct cli_row *r;
		char *used = NULL;
		size_t len = 0;
		FILE *m;

		if (!v->shown[i])
			continue;
		r = cli_table_row(t, NULL);
		cli_table_cell(r, F_BDF, "%s", d->bdf);
		cli_table_cell(r, F_ID, "%04x:%04x", d->vendor, d->device);
		cli_table_cell(r, F_CLASS, "%06x", d->class_code);
		cli_table_cell(r, F_DRIVER, "%s", d->driver[0] ? d->driver : "-");
		if (d->iommu_group >= 0)
			cli_table_cell(r, F_GROUP, "%d", d->iommu_group);
		else
			cli_table_cell(r, F_GROUP, "-");
		if (d->role == SYSFS_ROLE_VF && d->vf_index >= 0)
			cli_table_cell(r, F_ROLE, "vf %d", d->vf_index);
		else if (d->role == SYSFS_ROLE_PF)
			cli_table_cell(r, F_ROLE, "pf %d/%d", d->numvfs, d->totalvfs);
		else
			cli_table_cell(r, F_ROLE, "%s", role_name(d->role));
		cli_table_cell(r, F_NAME, "%s", d->device_name[0] ? d->device_name : "-");
		m = open_memstream(&used, &len);
		if (!m)
			return -1;
		for (size_t k = 0; k < n; k++) {
			const struct cli_use *u = &v->usage->uses[first + k];
			char name[160];

			use_name(u, name, sizeof(name));
			fprintf(m, "%s%s", k ? ", " : "", name);
			if (u->running)
				fprintf(m, " %s", _("(running)"));
			if (u->problems[0])
				fprintf(m, ": %s %s", cli_severity_label(u->worst), u->problems);
		}
		if (fclose(m))
			return -1;
		cli_table_cell(r, F_USED, "%s", n ? used : "-");
		free(used);
	}
	return cli_table_print(t);
}

static int devices_text(FILE *out, const struct cli_status_view *v)
{
	static const char *const tree_head[T_NCOL] = {N_("DEVICE"), N_("ROLE"),  N_("DRIVER"),
	                                              N_("GROUP"),  N_("STATE"), N_("NOTE")};
	static const char *const flat_head[F_NCOL] = {N_("BDF"),     N_("ID"),    N_("CLASS"),
	                                              N_("DRIVER"),  N_("GROUP"), N_("ROLE"),
	                                              N_("USED BY"), N_("NAME")};
	struct cli_table *t = cli_table_new(out, v->color, true);
	size_t ncol = v->table ? F_NCOL : T_NCOL;
	int r = -1;

	if (!t)
		return -1;
	for (size_t c = 0; c < ncol; c++) {
		unsigned fl = v->table      ? (c == F_USED || c == F_NAME ? CLI_COL_WRAP : 0)
		              : c == T_DEV  ? CLI_COL_TREE
		              : c == T_NOTE ? CLI_COL_WRAP
		                            : 0;

		if (cli_table_column(t, _(v->table ? flat_head[c] : tree_head[c]), fl) < 0)
			goto done;
	}
	r = v->table ? flat_text(v, t) : tree_text(v, t);
done:
	cli_table_free(t);
	return r;
}

static void mdev_types_text(FILE *out, const struct sysfs_mdev_type *types, size_t n)
{
	size_t w = 0;

	if (!n) {
		fprintf(out, _("  mdev types: none\n"));
		return;
	}
	fprintf(out, _("  mdev types:\n"));
	for (size_t i = 0; i < n; i++)
		if (strlen(types[i].id) > w)
			w = strlen(types[i].id);
	for (size_t i = 0; i < n; i++) {
		const struct sysfs_mdev_type *t = &types[i];

		fprintf(out, "    %-*s  ", (int)w, t->id);
		fprintf(out, _("%ld available"), t->available);
		if (t->resolution[0])
			fprintf(out, ", %s", t->resolution);
		if (t->low_gm_mb >= 0)
			fprintf(out, _(", low_gm %ldMB"), t->low_gm_mb);
		if (t->high_gm_mb >= 0)
			fprintf(out, _(", high_gm %ldMB"), t->high_gm_mb);
		if (t->weight >= 0)
			fprintf(out, _(", weight %ld"), t->weight);
		fputc('\n', out);
	}
}

static void mdevs_text(FILE *out, const struct sysfs_host *h, const char *parent)
{
	for (size_t i = 0; i < h->n_mdevs; i++)
		if (strcmp(h->mdevs[i].parent, parent) == 0)
			fprintf(out, _("  mdev %s  %s\n"), h->mdevs[i].uuid, h->mdevs[i].type);
}

static void igpu_text(FILE *out, const struct cli_status_view *v, const struct sysfs_device *d)
{
	const struct sysfs_igpu_platform *pl = d->platform;
	char desc[320];

	if (pl)
		fprintf(out, _("\niGPU %s: %s (%s, %s)\n"), d->bdf, pl->platform, pl->marketing,
		        pl->gfx_ip);
	else
		fprintf(out, _("\niGPU %s: device id %04x is not in the platform table\n"), d->bdf,
		        d->device);
	if (pl)
		fprintf(out, "  %s\n", sysfs_igpu_describe(pl, desc, sizeof(desc)));
	if (d->role == SYSFS_ROLE_PF) {
		if (d->n_vfs > 1)
			fprintf(out, _("  VFs: %d of %d enabled (%s to %s)\n"), d->numvfs,
			        d->totalvfs, d->vfs[0], d->vfs[d->n_vfs - 1]);
		else if (d->n_vfs)
			fprintf(out, _("  VFs: %d of %d enabled (%s)\n"), d->numvfs, d->totalvfs,
			        d->vfs[0]);
		else
			fprintf(out, _("  VFs: %d of %d enabled\n"), d->numvfs, d->totalvfs);
	} else if (pl && pl->virt == SYSFS_VIRT_SRIOV) {
		if (d->driver[0])
			fprintf(out,
			        _("  VFs: no SR-IOV capability exposed (the driver bound is %s)\n"),
			        d->driver);
		else
			fprintf(out,
			        _("  VFs: no SR-IOV capability exposed (no driver is bound)\n"));
	}
	if (d->n_mdev_types || (pl && pl->virt == SYSFS_VIRT_GVTG))
		mdev_types_text(out, d->mdev_types, d->n_mdev_types);
	mdevs_text(out, v->host, d->bdf);
}

/* mdev parents that are not PCI devices (the kernel's mtty sample ...), after the iGPUs */
static void mdev_parents_text(FILE *out, const struct sysfs_host *h)
{
	for (size_t i = 0; i < h->n_mdev_parents; i++) {
		const struct sysfs_mdev_parent *mp = &h->mdev_parents[i];

		fprintf(out, _("\nmdev parent %s (not a PCI device)\n"), mp->name);
		mdev_types_text(out, mp->types, mp->n_types);
		mdevs_text(out, h, mp->name);
	}
}

static void modules_text(FILE *out, const struct sysfs_host *h)
{
	if (!h->n_modules) { /* a snapshot without module state (status --api) */
		fprintf(out, _("Modules: (not known)\n"));
		return;
	}
	fprintf(out, _("Modules:"));
	for (size_t i = 0; i < h->n_modules; i++) {
		const struct sysfs_module *m = &h->modules[i];
		/* the parameters its driver profile names (sysfs/driver.c) */
		const char *const *params = sysfs_driver_module_params(m->name);
		bool any = false;

		fprintf(out, "%s %s", i ? "," : "", m->name);
		if (!m->loaded)
			fprintf(out, _(" (not loaded)"));
		for (size_t k = 0; m->loaded && params[k]; k++) {
			const char *val = sysfs_host_module_param(h, m->name, params[k]);

			if (!val)
				continue;
			fprintf(out, "%s%s=%s", any ? " " : " (", params[k], val);
			any = true;
		}
		if (any)
			fputc(')', out);
	}
	fputc('\n', out);
}

int cli_status_render_text(FILE *out, const struct cli_status_view *v)
{
	const struct sysfs_host *h = v->host;
	size_t shown = 0, igpus = 0;
	int r = 0;

	if (h->iommu)
		fprintf(out, _("Node %s, kernel %s, IOMMU on\n"),
		        v->node[0] ? v->node : _("(unknown)"),
		        h->kernel_release[0] ? h->kernel_release : _("(unknown)"));
	else
		fprintf(out, _("Node %s, kernel %s, IOMMU off\n"),
		        v->node[0] ? v->node : _("(unknown)"),
		        h->kernel_release[0] ? h->kernel_release : _("(unknown)"));
	modules_text(out, h);
	for (size_t i = 0; i < h->n_devices; i++)
		shown += v->shown[i];
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];

		if (!is_intel_display(d) || d->role == SYSFS_ROLE_VF)
			continue;
		igpu_text(out, v, d);
		igpus++;
	}
	if (!igpus)
		fprintf(out, _("\nNo Intel iGPU: no display-class PCI device from vendor 8086.\n"));
	mdev_parents_text(out, h);
	fputc('\n', out);
	if (!shown)
		cli_text_wrap(
		        out,
		        _("No device to show (no display, SR-IOV or VM-assigned device; --all "
		          "lists every PCI device).\n"),
		        0, 0, cli_term_width(out));
	else
		r = devices_text(out, v);
	return r;
}

/* ---------------------------------------------------------------- JSON */

static json_t *hex(unsigned v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *mdev_types_json(const struct sysfs_mdev_type *types, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct sysfs_mdev_type *t = &types[i];
		json_t *to = json_object();

		json_object_set_new(to, "type", json_string(t->id));
		json_object_set_new(to, "name", json_string(t->name));
		json_object_set_new(to, "available",
		                    t->available >= 0 ? json_integer(t->available) : json_null());
		json_object_set_new(to, "description", json_string(t->description));
		json_array_append_new(a, to);
	}
	return a;
}

static json_t *device_json(const struct cli_status_view *v, const struct sysfs_device *d)
{
	json_t *o = json_object(), *used = json_array(), *sriov;
	size_t first, n = cli_usage_of(v->usage, d->bdf, &first);

	json_object_set_new(o, "bdf", json_string(d->bdf));
	json_object_set_new(o, "vendor", hex(d->vendor, 4));
	json_object_set_new(o, "device", hex(d->device, 4));
	json_object_set_new(o, "class", hex(d->class_code, 6));
	json_object_set_new(o, "driver", str_or_null(d->driver));
	json_object_set_new(o, "iommu_group",
	                    d->iommu_group >= 0 ? json_integer(d->iommu_group) : json_null());
	json_object_set_new(o, "role", json_string(role_name(d->role)));
	json_object_set_new(o, "platform",
	                    d->platform ? json_string(d->platform->platform) : json_null());
	json_object_set_new(o, "virtualization",
	                    d->platform ? json_string(sysfs_virt_name(d->platform->virt))
	                                : json_null());
	if (d->role == SYSFS_ROLE_PF) {
		json_t *vfs = json_array();

		sriov = json_object();
		json_object_set_new(sriov, "totalvfs", json_integer(d->totalvfs));
		json_object_set_new(sriov, "numvfs",
		                    d->numvfs >= 0 ? json_integer(d->numvfs) : json_null());
		for (size_t i = 0; i < d->n_vfs; i++)
			json_array_append_new(vfs, json_string(d->vfs[i]));
		json_object_set_new(sriov, "vfs", vfs);
	} else {
		sriov = json_null();
	}
	json_object_set_new(o, "sriov", sriov);
	json_object_set_new(o, "physfn", str_or_null(d->physfn));
	json_object_set_new(o, "mdev_types", mdev_types_json(d->mdev_types, d->n_mdev_types));
	for (size_t i = 0; i < n; i++) {
		const struct cli_use *u = &v->usage->uses[first + i];
		json_t *uo = json_object();

		json_object_set_new(uo, "vmid", json_integer(u->vmid));
		json_object_set_new(uo, "key", json_string(u->key));
		json_object_set_new(uo, "section", json_string(u->section));
		json_object_set_new(uo, "running", json_boolean(u->running));
		json_array_append_new(used, uo);
	}
	json_object_set_new(o, "used_by", used);
	/* additions to the abridged example of docs/cli.md */
	json_object_set_new(o, "vendor_name", str_or_null(d->vendor_name));
	json_object_set_new(o, "device_name", str_or_null(d->device_name));
	json_object_set_new(o, "driver_override", str_or_null(d->driver_override));
	json_object_set_new(o, "vf_index",
	                    d->vf_index >= 0 ? json_integer(d->vf_index) : json_null());
	return o;
}

int cli_status_render_json(FILE *out, const struct cli_status_view *v)
{
	const struct sysfs_host *h = v->host;
	json_t *root = json_object(), *devs = json_array();
	int r;

	if (!root || !devs)
		return -ENOMEM;
	json_object_set_new(root, "schema_version", json_integer(1));
	json_object_set_new(root, "node", str_or_null(v->node));
	json_object_set_new(root, "iommu", json_boolean(h->iommu));
	for (size_t i = 0; i < h->n_devices; i++)
		if (v->shown[i])
			json_array_append_new(devs, device_json(v, &h->devices[i]));
	json_object_set_new(root, "devices", devs);
	/* additions to the abridged example of docs/cli.md: live mdev instances, running kernel */
	{
		json_t *mdevs = json_array();

		for (size_t i = 0; i < h->n_mdevs; i++) {
			json_t *m = json_object();

			json_object_set_new(m, "uuid", json_string(h->mdevs[i].uuid));
			json_object_set_new(m, "type", str_or_null(h->mdevs[i].type));
			json_object_set_new(m, "parent", str_or_null(h->mdevs[i].parent));
			json_array_append_new(mdevs, m);
		}
		json_object_set_new(root, "mdevs", mdevs);
	}
	/* mdev parents that are not PCI devices (mtty ...), their types as a device's */
	{
		json_t *parents = json_array();

		for (size_t i = 0; i < h->n_mdev_parents; i++) {
			json_t *m = json_object();

			json_object_set_new(m, "name", json_string(h->mdev_parents[i].name));
			json_object_set_new(m, "mdev_types",
			                    mdev_types_json(h->mdev_parents[i].types,
			                                    h->mdev_parents[i].n_types));
			json_array_append_new(parents, m);
		}
		json_object_set_new(root, "mdev_parents", parents);
	}
	json_object_set_new(root, "kernel", str_or_null(h->kernel_release));
	r = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	return r < 0 ? -EIO : 0;
}
