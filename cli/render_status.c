/* cli/render_status.c - `status` output: an aligned text table for people, and the JSON of
 * docs/cli.md (schema_version 1).  Renders a prepared view; reads nothing itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/render.h"
#include "cli/status.h"
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

enum { COL_BDF, COL_ID, COL_CLASS, COL_DRIVER, COL_GROUP, COL_ROLE, COL_USED, COL_NAME, NCOL };

static void use_text(const struct cli_use *u, char *buf, size_t n)
{
	char where[100];

	if (strcmp(u->section, "main") == 0)
		snprintf(where, sizeof(where), "%u %s", u->vmid, u->key);
	else
		snprintf(where, sizeof(where), "%u %s %s", u->vmid, u->section, u->key);
	if (u->running)
		snprintf(buf, n, _("%s (running)"), where);
	else
		snprintf(buf, n, "%s", where);
}

static void cells(const struct cli_status_view *v, const struct sysfs_device *d,
                  char cell[NCOL][512])
{
	size_t first, n = cli_usage_of(v->usage, d->bdf, &first);

	snprintf(cell[COL_BDF], 512, "%s", d->bdf);
	snprintf(cell[COL_ID], 512, "%04x:%04x", d->vendor, d->device);
	snprintf(cell[COL_CLASS], 512, "%06x", d->class_code);
	snprintf(cell[COL_DRIVER], 512, "%s", d->driver[0] ? d->driver : "-");
	if (d->iommu_group >= 0)
		snprintf(cell[COL_GROUP], 512, "%d", d->iommu_group);
	else
		snprintf(cell[COL_GROUP], 512, "-");
	if (d->role == SYSFS_ROLE_VF && d->vf_index >= 0)
		snprintf(cell[COL_ROLE], 512, "vf %d", d->vf_index);
	else if (d->role == SYSFS_ROLE_PF)
		snprintf(cell[COL_ROLE], 512, "pf %d/%d", d->numvfs, d->totalvfs);
	else
		snprintf(cell[COL_ROLE], 512, "%s", role_name(d->role));
	cell[COL_USED][0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[128];
		size_t len = strlen(cell[COL_USED]);

		use_text(&v->usage->uses[first + i], one, sizeof(one));
		snprintf(cell[COL_USED] + len, 512 - len, "%s%s", len ? ", " : "", one);
	}
	if (!n)
		snprintf(cell[COL_USED], 512, "-");
	if (d->device_name[0])
		snprintf(cell[COL_NAME], 512, "%s", d->device_name);
	else
		snprintf(cell[COL_NAME], 512, "%s", "-");
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

void cli_status_render_text(FILE *out, const struct cli_status_view *v)
{
	static const char *const head_en[NCOL] = {N_("BDF"),     N_("ID"),    N_("CLASS"),
	                                          N_("DRIVER"),  N_("GROUP"), N_("ROLE"),
	                                          N_("USED BY"), N_("NAME")};
	const char *head[NCOL];
	const struct sysfs_host *h = v->host;
	size_t w[NCOL], shown = 0, igpus = 0;
	char(*cell)[512] = malloc(sizeof(char[NCOL][512]));

	if (!cell)
		return;
	if (h->iommu)
		fprintf(out, _("Node %s, kernel %s, IOMMU on\n"),
		        v->node[0] ? v->node : _("(unknown)"),
		        h->kernel_release[0] ? h->kernel_release : _("(unknown)"));
	else
		fprintf(out, _("Node %s, kernel %s, IOMMU off\n"),
		        v->node[0] ? v->node : _("(unknown)"),
		        h->kernel_release[0] ? h->kernel_release : _("(unknown)"));
	modules_text(out, h);
	for (size_t c = 0; c < NCOL; c++) {
		head[c] = _(head_en[c]);
		w[c] = cli_text_width(head[c]);
	}
	for (size_t i = 0; i < h->n_devices; i++) {
		if (!v->shown[i])
			continue;
		cells(v, &h->devices[i], cell);
		for (size_t c = 0; c < NCOL; c++)
			if (cli_text_width(cell[c]) > w[c])
				w[c] = cli_text_width(cell[c]);
		shown++;
	}
	fputc('\n', out);
	if (!shown) {
		fprintf(out,
		        _("No device to show (no display, SR-IOV or VM-assigned device; --all lists "
		          "every PCI device).\n"));
	} else {
		for (size_t c = 0; c < NCOL; c++) {
			if (c + 1 < NCOL) {
				cli_text_pad(out, head[c], w[c]);
				fputs("  ", out);
			} else {
				fprintf(out, "%s\n", head[c]);
			}
		}
		for (size_t i = 0; i < h->n_devices; i++) {
			if (!v->shown[i])
				continue;
			cells(v, &h->devices[i], cell);
			for (size_t c = 0; c < NCOL; c++) {
				if (c + 1 < NCOL) {
					cli_text_pad(out, cell[c], w[c]);
					fputs("  ", out);
				} else {
					fprintf(out, "%s\n", cell[c]);
				}
			}
		}
	}
	free(cell);
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
