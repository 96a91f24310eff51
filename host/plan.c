/* host/plan.c - builds the `host setup` plan: kernel cmdline edits in the bootloader's own file,
 * the module file, the VF unit, the commands, refusals and notes.  Reads files under --root;
 * writes nothing and runs nothing (host/journal.c applies plans). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/dkms.h"
#include "host/setup.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define TEXT_MAX (1 << 20)
#define HEADER                                                                                     \
	"# Written by pve-passthrough host setup (%s).  Undo: pve-passthrough host rollback\n"

static int push_str(char ***v, size_t *n, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));
static int push_str(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char *s, **nv;

	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

static int note(struct host_plan *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note(struct host_plan *pl, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = push_str(&pl->notes, &pl->n_notes, fmt, ap);
	va_end(ap);
	return r;
}

static int refuse(struct host_plan *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct host_plan *pl, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = push_str(&pl->refusals, &pl->n_refusals, fmt, ap);
	va_end(ap);
	return r;
}

static int block(struct host_plan *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int block(struct host_plan *pl, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = push_str(&pl->blockers, &pl->n_blockers, fmt, ap);
	va_end(ap);
	return r;
}

/* host_plan_cmd(pl, "update-grub", NULL) */
static int plan_cmd(struct host_plan *pl, const char *const *argv)
{
	struct host_argv *nc = realloc(pl->cmds, (pl->n_cmds + 1) * sizeof(*nc));
	size_t i = 0;

	if (!nc)
		return -ENOMEM;
	pl->cmds = nc;
	nc += pl->n_cmds++;
	memset(nc, 0, sizeof(*nc));
	for (; argv[i] && i < 7; i++)
		if (!(nc->v[i] = strdup(argv[i])))
			return -ENOMEM;
	return 0;
}

static struct host_change *new_change(struct host_plan *pl, const char *path)
{
	struct host_change *nc = realloc(pl->changes, (pl->n_changes + 1) * sizeof(*nc));

	if (!nc)
		return NULL;
	pl->changes = nc;
	nc += pl->n_changes++;
	memset(nc, 0, sizeof(*nc));
	snprintf(nc->path, sizeof(nc->path), "%s", path);
	nc->new_mode = 0644;
	return nc;
}

/* Reads the current state of a host file into c (existed, old_data, old_mode). */
static int read_old(const struct util_paths *p, struct host_change *c, struct util_err *e)
{
	char full[PP_PATH_MAX];
	struct stat st;
	int r;

	util_path(p, full, sizeof(full), "%s", c->path);
	if (lstat(full, &st) < 0)
		return errno == ENOENT ? 0
		                       : util_err_errno(e, -errno, _("cannot read %s"), c->path);
	c->old_mode = st.st_mode & 07777;
	if (S_ISLNK(st.st_mode)) {
		ssize_t l = readlink(full, c->target, sizeof(c->target) - 1);

		if (l < 0)
			return util_err_errno(e, -errno, _("cannot read %s"), c->path);
		c->target[l] = '\0';
		c->existed = c->is_link = true;
		return 0;
	}
	r = util_file_read(full, TEXT_MAX, &c->old_data, &c->old_len, e);
	if (r < 0)
		return r;
	c->existed = true;
	return 0;
}

/* Adds a file write unless the file already holds exactly data (then edits are freed). */
static int host_plan_file(const struct util_paths *p, struct host_plan *pl, const char *path,
                          const char *data, size_t len, mode_t mode, struct host_edit *edits,
                          size_t n_edits, struct util_err *e)
{
	struct host_change tmp, *c;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	r = read_old(p, &tmp, e);
	if (r < 0) {
		free(edits);
		return r;
	}
	if (tmp.existed && !tmp.is_link && tmp.old_len == len &&
	    memcmp(tmp.old_data, data, len) == 0) {
		free(tmp.old_data);
		free(edits);
		return 0;
	}
	c = new_change(pl, path);
	if (!c) {
		free(tmp.old_data);
		free(edits);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	c->existed = tmp.existed;
	c->old_data = tmp.old_data;
	c->old_len = tmp.old_len;
	c->old_mode = tmp.old_mode;
	c->new_mode = mode;
	c->edits = edits;
	c->n_edits = n_edits;
	c->new_data = malloc(len + 1);
	if (!c->new_data)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	memcpy(c->new_data, data, len);
	c->new_data[len] = '\0';
	c->new_len = len;
	return 0;
}

static int plan_link(const struct util_paths *p, struct host_plan *pl, const char *path,
                     const char *target, struct util_err *e)
{
	struct host_change tmp, *c;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	r = read_old(p, &tmp, e);
	if (r < 0)
		return r;
	if (tmp.existed && tmp.is_link && strcmp(tmp.target, target) == 0)
		return 0;
	if (tmp.existed) {
		free(tmp.old_data);
		return note(
		        pl,
		        _("%s exists and is not the tool's link; left alone (systemctl enable %s)"),
		        path, strrchr(path, '/') + 1);
	}
	c = new_change(pl, path);
	if (!c)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	c->is_link = true;
	snprintf(c->target, sizeof(c->target), "%s", target);
	return 0;
}

/* Removes a file or link of the tool's when it exists. */
static int plan_remove(const struct util_paths *p, struct host_plan *pl, const char *path,
                       struct util_err *e)
{
	struct host_change tmp, *c;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	r = read_old(p, &tmp, e);
	if (r < 0 || !tmp.existed)
		return r;
	c = new_change(pl, path);
	if (!c) {
		free(tmp.old_data);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	c->existed = true;
	c->is_link = tmp.is_link;
	snprintf(c->target, sizeof(c->target), "%s", tmp.target);
	c->old_data = tmp.old_data;
	c->old_len = tmp.old_len;
	c->old_mode = tmp.old_mode;
	c->remove = true;
	return 0;
}

/* The VF unit: the link HOST_UNIT_WANTS_DIR/pve-passthrough-vfs@PF:N.service to the shipped
 * template, as `systemctl enable` makes it; every other enabled instance and the unit file of
 * versions before 0.2 go.  pf NULL (GVT-g): no instance stays. */
static int plan_vf_unit(const struct util_paths *p, struct host_plan *pl, const char *pf, int vfs,
                        struct util_err *e)
{
	char path[PP_PATH_MAX], want[128] = "";
	char **names = NULL;
	size_t n = 0;
	int r;

	if (pf) {
		util_path(p, path, sizeof(path), HOST_UNIT_TEMPLATE);
		if (!util_exists(path))
			return refuse(pl,
			              _("the VF boot unit %s is not installed: install the "
			                "pve-passthrough package (or make install) first"),
			              HOST_UNIT_TEMPLATE);
		if (pf[0])
			snprintf(want, sizeof(want), HOST_UNIT_PREFIX "%s:%d.service", pf, vfs);
		else
			snprintf(want, sizeof(want), HOST_UNIT_PREFIX "%d.service", vfs);
	}
	r = host_vf_units_list(p, &names, &n);
	if (r < 0)
		return util_err_errno(e, r, _("reading %s"), HOST_UNIT_WANTS_DIR);
	for (size_t i = 0; i < n && r == 0; i++)
		if (strcmp(names[i], want) != 0) {
			snprintf(path, sizeof(path), HOST_UNIT_WANTS_DIR "/%s", names[i]);
			r = plan_remove(p, pl, path, e);
		}
	host_names_free(names, n);
	if (r == 0)
		r = plan_remove(p, pl, HOST_UNIT_LEGACY_WANTS, e);
	if (r == 0)
		r = plan_remove(p, pl, HOST_UNIT_LEGACY, e);
	if (r == 0 && pf) {
		snprintf(path, sizeof(path), HOST_UNIT_WANTS_DIR "/%s", want);
		r = plan_link(p, pl, path, HOST_UNIT_TEMPLATE, e);
	}
	return r;
}

void host_plan_free(struct host_plan *pl)
{
	for (size_t i = 0; i < pl->n_changes; i++) {
		free(pl->changes[i].old_data);
		free(pl->changes[i].new_data);
		free(pl->changes[i].edits);
	}
	free(pl->changes);
	for (size_t i = 0; i < pl->n_cmds; i++)
		for (size_t j = 0; pl->cmds[i].v[j]; j++)
			free(pl->cmds[i].v[j]);
	free(pl->cmds);
	for (size_t i = 0; i < pl->n_refusals; i++)
		free(pl->refusals[i]);
	free(pl->refusals);
	for (size_t i = 0; i < pl->n_notes; i++)
		free(pl->notes[i]);
	free(pl->notes);
	for (size_t i = 0; i < pl->n_blockers; i++)
		free(pl->blockers[i]);
	free(pl->blockers);
	memset(pl, 0, sizeof(*pl));
}

/* ------------------------------------------------------------------ refusals */

static int check_platform(struct host_plan *pl, const struct host_setup_opts *o,
                          const struct host_facts *f, int vfs)
{
	const char *name = f->platform ? f->platform : _("this iGPU");
	int r = 0;

	if (o->mode == HOST_MODE_SRIOV_GENERIC) {
		if (!f->pf_bdf[0])
			return refuse(pl, _("no PCI device at the address given with --pf"));
		if (f->totalvfs == 0)
			return refuse(
			        pl,
			        _("%s has no SR-IOV capability (no sriov_totalvfs above 0): it "
			          "cannot create VFs"),
			        f->pf_bdf);
		if (f->totalvfs < 0)
			return refuse(
			        pl,
			        _("%s has no SR-IOV capability (no sriov_totalvfs): it cannot "
			          "create VFs"),
			        f->pf_bdf);
		if (!f->pf_driver[0])
			r = note(
			        pl,
			        _("%s has no driver bound now: the unit waits up to 60 s at boot for "
			          "one (writing sriov_numvfs needs the PF driver)"),
			        f->pf_bdf);
		if (r == 0 && vfs > f->totalvfs)
			r = refuse(pl, _("--vfs %d: %s offers at most %d VFs (sriov_totalvfs)"),
			           vfs, f->pf_bdf, f->totalvfs);
		if (r == 0 && f->vfs_in_use > 0 && f->numvfs > 0 && vfs != f->numvfs)
			r = refuse(
			        pl,
			        _("%d VF(s) of %s are in use (%s); changing the VF count destroys "
			          "them: stop the VMs that use them first"),
			        f->vfs_in_use, f->pf_bdf, f->in_use);
		return r;
	}
	if (!f->igpu)
		return refuse(pl,
		              _("no Intel iGPU found (vendor 8086, display class, at 0000:00:02.0 "
		                "or with sriov_totalvfs / mdev_supported_types)"));
	if (!f->platform)
		return refuse(
		        pl,
		        _("iGPU 8086:%04x is not in the platform table; no setup is known to work "
		          "for it (update pve-passthrough if it is a new platform)"),
		        f->device_id);
	if (!f->can_gvtg && !f->can_sriov_i915 && !f->can_sriov_xe)
		return refuse(pl,
		              _("%s (8086:%04x) supports neither GVT-g nor SR-IOV: only full "
		                "passthrough of the whole iGPU to one VM, or host use"),
		              name, f->device_id);
	switch (o->mode) {
	case HOST_MODE_SRIOV_GENERIC: break; /* handled above */
	case HOST_MODE_GVTG:
		if (!f->can_gvtg)
			r = f->gfx ? refuse(pl,
			                    _("%s (8086:%04x, %s) has no GVT-g: GVT-g ended with 10th gen "
			                      "Core (Gen9); this platform does SR-IOV: pve-passthrough "
			                      "host setup sriov"),
			                    name, f->device_id, f->gfx)
			           : refuse(pl,
			                    _("%s (8086:%04x) has no GVT-g: GVT-g ended with 10th gen "
			                      "Core (Gen9); this platform does SR-IOV: pve-passthrough "
			                      "host setup sriov"),
			                    name, f->device_id);
		break;
	case HOST_MODE_SRIOV_I915:
	case HOST_MODE_SRIOV_XE:
		if (!f->can_sriov_i915 && !f->can_sriov_xe) {
			char what[192];

			/* the platform as "NAME (8086:ID, GFX)" or "NAME (8086:ID)" */
			if (f->gfx)
				snprintf(what, sizeof(what), _("%s (8086:%04x, %s)"), name,
				         f->device_id, f->gfx);
			else
				snprintf(what, sizeof(what), _("%s (8086:%04x)"), name,
				         f->device_id);
			r = f->can_gvtg
			            ? refuse(pl,
			                     _("%s has no SR-IOV: SR-IOV starts with Tiger Lake "
			                       "(Gen12); this platform does GVT-g: "
			                       "pve-passthrough host setup gvtg"),
			                     what)
			            : refuse(pl,
			                     _("%s has no SR-IOV: SR-IOV starts with Tiger Lake "
			                       "(Gen12)"),
			                     what);
		} else if (o->mode == HOST_MODE_SRIOV_I915 && !f->can_sriov_i915) {
			r = refuse(pl, _("%s does SR-IOV only through xe: use --driver xe"), name);
		} else if (o->mode == HOST_MODE_SRIOV_XE && !f->can_sriov_xe) {
			r = refuse(
			        pl,
			        _("%s does SR-IOV only through i915-sriov-dkms: use --driver i915"),
			        name);
		}
		if (r == 0 && f->totalvfs > 0 && vfs > f->totalvfs)
			r = refuse(pl, _("--vfs %d: %s offers at most %d VFs (sriov_totalvfs)"),
			           vfs, f->pf_bdf, f->totalvfs);
		break;
	}
	if (r == 0 && f->vfs_in_use > 0 && f->numvfs > 0 &&
	    (o->mode == HOST_MODE_GVTG || vfs != f->numvfs))
		r = refuse(pl,
		           _("%d VF(s) of %s are in use (%s); changing the VF count destroys "
		             "them: stop the VMs that use them first"),
		           f->vfs_in_use, f->pf_bdf, f->in_use);
	if (r == 0 && f->mdevs_in_use > 0 && o->mode != HOST_MODE_GVTG)
		r = refuse(pl,
		           _("running VMs use %d GVT-g mdev(s) (%s); SR-IOV replaces GVT-g: stop "
		             "those VMs and remove their mdev hostpci entries first"),
		           f->mdevs_in_use, f->in_use);
	return r;
}

/* ------------------------------------------------------------------ cmdline */

void host_mode_want(enum host_mode m, unsigned device_id, const char *iommu_token,
                    struct host_mode_tokens *buf, struct host_cmdline_want *w)
{
	const struct sysfs_driver_profile *pr = host_mode_profile(m);
	size_t n = 0, nt = 0;

	memset(buf, 0, sizeof(*buf));
	for (const char *const *t = pr->tokens; *t && n + 2 < HOST_MODE_TOKENS_MAX; t++) {
		const char *id = strstr(*t, "%04x");

		if (id && nt < HOST_MODE_TOKENS_MAX) {
			/* "xe.force_probe=%04x": the PF's device id in place of %04x */
			snprintf(buf->text[nt], sizeof(buf->text[nt]), "%.*s%04x%s", (int)(id - *t),
			         *t, device_id, id + 4);
			buf->v[n++] = buf->text[nt++];
		} else {
			buf->v[n++] = *t;
		}
	}
	/* a generic PF: the IOMMU token its kernel needs (host_iommu_token), when any */
	if (m == HOST_MODE_SRIOV_GENERIC && iommu_token && iommu_token[0])
		buf->v[n++] = iommu_token;
	buf->v[n] = NULL;
	w->tokens = buf->v;
	w->forbid = pr->forbid;
	w->forbid_items = pr->forbid_items;
}

static int note_edits(struct host_plan *pl, const char *file, const struct host_edit *ed, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		if (ed[i].applied)
			continue;
		if (ed[i].kind == HOST_EDIT_REPLACE)
			r = block(pl,
			          _("conflict in %s: '%s' is set, setup needs %s=%s; left alone "
			            "(--replace-conflicts changes it)"),
			          file, ed[i].old_value, ed[i].key, ed[i].value);
		else if (ed[i].kind == HOST_EDIT_REMOVE)
			r = block(pl,
			          _("conflict in %s: '%s' works against %s; left alone "
			            "(--replace-conflicts removes it)"),
			          file, ed[i].old_value, host_mode_name(pl->mode));
		else if (ed[i].kind == HOST_EDIT_LIST_DEL)
			r = block(pl,
			          _("conflict in %s: %s lists %s, the driver %s needs; left alone "
			            "(--replace-conflicts removes it)"),
			          file, ed[i].key, ed[i].value, host_mode_name(pl->mode));
	}
	return r;
}

static int validate_tokens(struct host_plan *pl, const char *file, const struct host_tokens *t)
{
	char why[512];
	int r = 0;

	for (size_t i = 0; i < t->n && r == 0; i++)
		if (!host_token_valid(t->v[i], why, sizeof(why)))
			r = note(pl, "%s: %s", file, why);
	return r;
}

static int plan_grub(const struct util_paths *p, struct host_plan *pl, bool consent,
                     const struct host_cmdline_want *w, bool *changed, struct util_err *e)
{
	char *eff = NULL, *rm_text = NULL;
	struct host_tokens t = {0};
	struct host_edit *ed = NULL;
	size_t ned = 0, removed = 0;
	struct util_buf drop = {0}, line = {0};
	const char *rm[16];
	size_t nrm = 0;
	int r;

	r = host_grub_cmdline(p, "pve-passthrough.cfg", &eff, e);
	if (r < 0)
		return r;
	r = host_tokens_split(eff, &t);
	if (r == 0)
		r = host_cmdline_merge(&t, w, consent, &ed, &ned);
	if (r == 0)
		r = validate_tokens(pl, PP_ETC_DEFAULT_GRUB, &t);
	if (r == 0)
		r = note_edits(pl, PP_ETC_DEFAULT_GRUB, ed, ned);
	for (size_t i = 0; i < ned && r == 0; i++) {
		long at = host_tokens_find(&t, ed[i].key);
		char tok[400];

		if (!ed[i].applied)
			continue;
		if (ed[i].kind == HOST_EDIT_REMOVE) {
			if (nrm < 15)
				rm[nrm++] = ed[i].old_value;
			continue;
		}
		if (at < 0) /* a list emptied by LIST_DEL: the token goes, via the GRUB file */
			continue;
		snprintf(tok, sizeof(tok), " %s", t.v[at]);
		if (!strstr(util_buf_str(&line), tok))
			r = util_buf_adds(&line, tok);
	}
	rm[nrm] = NULL;
	if (r == 0 && nrm) {
		char path[PP_PATH_MAX], *text;
		size_t len;

		util_path(p, path, sizeof(path), PP_ETC_DEFAULT_GRUB);
		r = util_file_read(path, TEXT_MAX, &text, &len, e);
		if (r == 0) {
			r = host_grub_text_remove(text, rm, &rm_text, &removed);
			free(text);
		}
		if (r == 0 && removed < nrm)
			r = note(pl,
			         _("a conflicting token is set outside %s (another grub.d file?): "
			           "remove it by hand"),
			         PP_ETC_DEFAULT_GRUB);
		if (r == 0 && removed) {
			r = host_plan_file(p, pl, PP_ETC_DEFAULT_GRUB, rm_text, strlen(rm_text),
			                   0644, NULL, 0, e);
			*changed = true;
		}
	}
	if (r == 0 && line.len) {
		r = util_buf_addf(&drop, HEADER, host_mode_name(pl->mode));
		if (r == 0)
			r = util_buf_addf(
			        &drop,
			        "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT}%s\"\n",
			        util_buf_str(&line));
		if (r == 0) {
			size_t before = pl->n_changes;

			r = host_plan_file(p, pl, HOST_GRUB_DROPIN, drop.s, drop.len, 0644, ed, ned,
			                   e);
			ed = NULL;
			*changed = *changed || pl->n_changes > before;
		}
	}
	free(ed);
	free(rm_text);
	free(eff);
	util_buf_free(&drop);
	util_buf_free(&line);
	host_tokens_free(&t);
	return r;
}

static int plan_sdboot(const struct util_paths *p, struct host_plan *pl, bool consent,
                       const struct host_cmdline_want *w, bool *changed, struct util_err *e)
{
	char path[PP_PATH_MAX], *text = NULL, *joined = NULL, *nl;
	size_t len = 0, ned = 0;
	struct host_tokens t = {0};
	struct host_edit *ed = NULL;
	struct util_buf out = {0};
	const char *rest = "";
	int r;

	util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
	r = util_file_read(path, TEXT_MAX, &text, &len, e);
	if (r == -ENOENT) {
		/* proxmox-boot-tool falls back to /proc/cmdline; start from it, minus initrd= */
		r = note(pl, _("%s does not exist: it is created from /proc/cmdline"),
		         PP_ETC_KERNEL_CMDLINE);
		if (r == 0 && host_tokens_split(pl->boot.proc_cmdline, &t) == 0)
			for (size_t i = 0; i < t.n; i++)
				if (strncmp(t.v[i], "initrd=", 7) == 0 ||
				    strncmp(t.v[i], "BOOT_IMAGE=", 11) == 0) {
					free(t.v[i]);
					memmove(&t.v[i], &t.v[i + 1], (t.n - i - 1) * sizeof(*t.v));
					t.n--;
					i--;
				}
	} else if (r == 0) {
		nl = strchr(text, '\n');
		if (nl) {
			*nl = '\0';
			rest = nl + 1;
		}
		r = host_tokens_split(text, &t);
	}
	if (r < 0)
		goto out;
	if (host_tokens_find(&t, "root") < 0)
		r = refuse(
		        pl,
		        _("%s has no root= token: proxmox-boot-tool refresh would fail (\"No root= "
		          "parameter\"); fix the file first"),
		        PP_ETC_KERNEL_CMDLINE);
	if (r == 0)
		r = host_cmdline_merge(&t, w, consent, &ed, &ned);
	if (r == 0)
		r = validate_tokens(pl, PP_ETC_KERNEL_CMDLINE, &t);
	if (r == 0)
		r = note_edits(pl, PP_ETC_KERNEL_CMDLINE, ed, ned);
	if (r == 0 && !(joined = host_tokens_join(&t)))
		r = -ENOMEM;
	if (r == 0)
		r = util_buf_addf(&out, "%s\n%s", joined, rest);
	if (r == 0) {
		size_t before = pl->n_changes;

		r = host_plan_file(p, pl, PP_ETC_KERNEL_CMDLINE, out.s, out.len, 0644, ed, ned, e);
		ed = NULL;
		*changed = pl->n_changes > before;
	}
out:
	free(ed);
	free(joined);
	free(text);
	util_buf_free(&out);
	host_tokens_free(&t);
	return r;
}

/* ------------------------------------------------------------------ the plan */

static int plan_notes_scans(const struct util_paths *p, struct host_plan *pl,
                            const struct host_setup_opts *o, const struct host_facts *f,
                            struct util_err *e)
{
	struct host_conflict *c = NULL;
	size_t n = 0;
	int r;

	r = o->mode == HOST_MODE_SRIOV_GENERIC
	            ? 0
	            : host_modconf_scan(p, o->mode, f->device_id, &c, &n, e);
	/* a conflicting modprobe.d line keeps the mode from working; an obsolete module line only
	 * logs a failure at boot */
	for (size_t i = 0; i < n && r == 0; i++)
		if (strcmp(c[i].rule, "modprobe-conflict") == 0)
			r = block(pl,
			          _("%s line %d: '%s': %s; not changed by setup, edit it by hand"),
			          c[i].file, c[i].line, c[i].text, c[i].why);
		else
			r = note(pl,
			         _("%s line %d: '%s': %s; not changed by setup, edit it by hand"),
			         c[i].file, c[i].line, c[i].text, c[i].why);
	free(c);
	c = NULL;
	n = 0;
	if (r == 0 && o->mode != HOST_MODE_GVTG)
		r = host_vf_mechanisms_scan(p, &c, &n, e);
	for (size_t i = 0; i < n && r == 0; i++)
		r = note(pl, _("%s line %d: '%s': %s"), c[i].file, c[i].line, c[i].text, c[i].why);
	free(c);
	return r;
}

static int plan_dkms_notes(const struct util_paths *p, struct host_plan *pl,
                           const struct host_setup_opts *o, const struct host_facts *f,
                           struct util_err *e)
{
	struct host_dkms_window *w = NULL;
	struct host_dkms_report rep;
	size_t nw = 0;
	char src[PP_PATH_MAX], path[PP_PATH_MAX];
	int r;

	if (o->mode != HOST_MODE_SRIOV_I915)
		return 0;
	r = host_dkms_windows_load(p, &w, &nw, src, sizeof(src), e);
	if (r < 0)
		return r;
	/* the running release is a fact the front end read with the snapshot */
	r = host_dkms_scan(p, f->running, w, nw, &rep, e);
	if (r == 0 && rep.next_boot >= 0 && !o->dkms_deb) {
		const struct policy_kernel *k = &rep.kernels[rep.next_boot];

		if (!k->dkms_built && !k->dkms_installed && k->headers)
			r = block(
			        pl,
			        _("the kernel that boots next (%s) has no i915-sriov-dkms module: "
			          "SR-IOV will not work after the reboot; install it (--dkms-deb FILE; "
			          "release %s fits this kernel)"),
			        k->release, k->fitting[0] ? k->fitting : _("(none known)"));
		else if (!k->dkms_built && !k->dkms_installed)
			r = block(
			        pl,
			        _("the kernel that boots next (%s) has no i915-sriov-dkms module: "
			          "SR-IOV will not work after the reboot; install it (--dkms-deb FILE; "
			          "release %s fits this kernel) and the kernel headers "
			          "(proxmox-headers-<kver>)"),
			        k->release, k->fitting[0] ? k->fitting : _("(none known)"));
	}
	if (r == 0 && pl->boot.secure_boot) {
		util_path(p, path, sizeof(path), HOST_DKMS_MOK);
		r = util_exists(path)
		            ? note(pl,
		                   _("Secure Boot is on: the kernel rejects the dkms module (\"Key was "
		                     "rejected by service\") until the dkms key is enrolled: mokutil "
		                     "--import %s, reboot, then Enroll MOK in the blue MOK manager "
		                     "screen"),
		                   HOST_DKMS_MOK)
		            : note(pl,
		                   _("Secure Boot is on: the kernel rejects the dkms module (\"Key was "
		                     "rejected by service\") until the dkms key is enrolled: mokutil "
		                     "--import %s, reboot, then Enroll MOK in the blue MOK manager "
		                     "screen (the key appears after the first dkms build)"),
		                   HOST_DKMS_MOK);
	}
	host_dkms_report_free(&rep);
	free(w);
	return r;
}

int host_setup_plan(const struct util_paths *p, const struct host_setup_opts *o,
                    const struct host_facts *f, struct host_plan *pl, struct util_err *e)
{
	struct host_cmdline_want w;
	struct host_mode_tokens want_buf;
	struct util_buf mods = {0};
	bool cmdline_changed = false, unit_changed = false;
	int r;

	memset(pl, 0, sizeof(*pl));
	pl->mode = o->mode;
	if (o->mode == HOST_MODE_SRIOV_GENERIC)
		snprintf(pl->pf, sizeof(pl->pf), "%s", f->pf_bdf);
	pl->vfs = o->vfs > 0 ? o->vfs : (f->totalvfs > 0 ? f->totalvfs : 7);
	if (pl->vfs > 7 && o->vfs <= 0)
		pl->vfs = 7;
	r = host_boot_detect(p, &pl->boot, e);
	if (r == 0) {
		char iid[128], ikind[32];

		/* a crash left a half-applied setup or rollback: resolve it before anything new */
		r = host_journal_interrupted(p, iid, sizeof(iid), ikind, sizeof(ikind), e);
		if (r == 0 && iid[0])
			r = refuse(
			        pl,
			        _("an interrupted %s (journal %s/%s, state applying) must be resolved "
			          "first: run pve-passthrough host rollback"),
			        ikind, HOST_JOURNAL_DIR, iid);
	}
	if (r == 0)
		r = check_platform(pl, o, f, pl->vfs);
	if (r == 0 && o->dkms_deb) {
		const char *base = strrchr(o->dkms_deb, '/');
		size_t l;

		base = base ? base + 1 : o->dkms_deb;
		l = strcspn(base, "_");
		snprintf(pl->package, sizeof(pl->package), "%.*s", (int)(l < 127 ? l : 127), base);
		if (access(o->dkms_deb, R_OK) < 0)
			r = refuse(pl, _("--dkms-deb %s: %s"), o->dkms_deb, strerror(errno));
		else if (l == strlen(base) || strcmp(base + strlen(base) - 4, ".deb") != 0)
			r = refuse(
			        pl,
			        _("--dkms-deb %s: not a package file name (NAME_VERSION_ARCH.deb)"),
			        o->dkms_deb);
		else if (o->mode != HOST_MODE_SRIOV_I915 && o->mode != HOST_MODE_SRIOV_XE)
			r = refuse(pl, _("--dkms-deb is for SR-IOV setups"));
		if (r == 0) {
			const char *argv[] = {"dpkg", "-i", o->dkms_deb, NULL};

			r = plan_cmd(pl, argv);
		}
	}
	/* decide first: a refused setup gets no file changes and no commands */
	if (r < 0 || pl->n_refusals)
		goto out;
	/* kernel command line, in the file the bootloader in use reads */
	if (o->mode == HOST_MODE_SRIOV_GENERIC) {
		r = f->iommu_token[0] ? note(pl, "%s", f->iommu_why)
		                      : note(pl, _("%s: no IOMMU token is added"), f->iommu_why);
		if (r < 0)
			goto out;
	}
	host_mode_want(o->mode, f->device_id, f->iommu_token, &want_buf, &w);
	if (pl->boot.loader == HOST_LOADER_SYSTEMD_BOOT) {
		r = plan_sdboot(p, pl, o->replace_conflicts, &w, &cmdline_changed, e);
	} else {
		char path[PP_PATH_MAX];

		r = plan_grub(p, pl, o->replace_conflicts, &w, &cmdline_changed, e);
		util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
		if (r == 0 && util_exists(path))
			r = note(pl,
			         _("%s exists but this host boots with GRUB (%s): that file is not "
			           "used and was left alone"),
			         PP_ETC_KERNEL_CMDLINE, pl->boot.why);
	}
	/* modules */
	if (r == 0)
		r = util_buf_addf(&mods, HEADER, host_mode_name(o->mode));
	/* the modules the mode's driver profile loads beside the PF's (GVT-g: kvmgt) */
	for (const char *const *m = host_mode_profile(o->mode)->extra_modules; r == 0 && *m; m++)
		r = util_buf_addf(&mods, "%s\n", *m);
	if (r == 0)
		r = util_buf_adds(&mods, "vfio\nvfio_iommu_type1\nvfio_pci\n");
	if (r == 0)
		r = host_plan_file(p, pl, HOST_MODULES_FILE, mods.s, mods.len, 0644, NULL, 0, e);
	/* VFs at boot: the shipped unit template, enabled for this PF and count */
	if (r == 0) {
		size_t before = pl->n_changes;

		r = plan_vf_unit(p, pl, o->mode == HOST_MODE_GVTG ? NULL : f->pf_bdf, pl->vfs, e);
		unit_changed = pl->n_changes > before;
	}
	if (r == 0)
		r = plan_notes_scans(p, pl, o, f, e);
	if (r == 0)
		r = plan_dkms_notes(p, pl, o, f, e);
	/* commands, after the files */
	if (r == 0 && unit_changed) {
		const char *argv[] = {"systemctl", "daemon-reload", NULL};

		r = plan_cmd(pl, argv);
	}
	if (r == 0 && o->dkms_deb) {
		const char *argv[] = {"update-initramfs", "-u", "-k", "all", NULL};

		r = plan_cmd(pl, argv);
	}
	if (r == 0 && cmdline_changed)
		r = plan_cmd(pl, host_boot_refresh_argv(&pl->boot));
	if (r == 0 && (cmdline_changed || o->dkms_deb))
		r = o->mode == HOST_MODE_GVTG
		            ? note(pl, "%s", _("reboot to apply the new kernel command line"))
		            : note(pl, "%s",
		                   _("reboot to apply the new kernel command line; the unit creates "
		                     "the VFs at boot"));
out:
	util_buf_free(&mods);
	if (r < 0 && e && !e->msg[0])
		util_err_set(e, r, _("out of memory"));
	return r;
}
