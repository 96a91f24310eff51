/* host/doctor.c - the host half of `doctor`: GATHERS the facts the host rules judge (struct
 * policy_host: the sysfs snapshot's facts, the mode the host is set up for, the bootloader and the
 * needed tokens in its persisted and running command lines, dkms per installed kernel, Secure Boot,
 * modprobe.d lines, the kernel log's matches, the files that set the VF count at boot, the setup
 * journal, our temporary files) and hands them to policy_host_evaluate (policy/host_rules.c), the
 * one judge: no finding is made here.  Also fills the gauges of the machine formats from the same
 * facts.  Never prints, never changes anything. */
#include "host/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/dkms.h"
#include "host/klog.h"
#include "pveconf/commit.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define TEXT_MAX (1 << 20)

void host_findings_free(struct host_findings *fs)
{
	policy_findings_free(&fs->f);
	memset(fs, 0, sizeof(*fs));
}

static bool platform_can(const struct host_facts *f, enum host_mode m)
{
	switch (m) {
	case HOST_MODE_GVTG: return f->can_gvtg;
	case HOST_MODE_SRIOV_I915: return f->can_sriov_i915;
	case HOST_MODE_SRIOV_XE: return f->can_sriov_xe;
	case HOST_MODE_SRIOV_GENERIC: return true;
	}
	return false;
}

/* The first driver profile whose detect token is on the command line (sysfs/driver.c), or the
 * dkms i915 told from the stock one by its max_vfs parameter.  false when none says anything. */
static bool detect_mode(const struct host_facts *f, const char *proc, struct host_findings *fs)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++) {
		const struct sysfs_driver_profile *pr = &sysfs_driver_profiles[i];

		if (pr->package && pr->vf_param && f->max_vfs[0]) {
			fs->mode = (enum host_mode)pr->id;
			snprintf(fs->mode_why, sizeof(fs->mode_why),
			         _("the dkms %s is loaded (%s)"), pr->module, pr->vf_param);
			return true;
		}
		for (const char *const *t = pr->detect; *t; t++) {
			if (!strstr(proc, *t))
				continue;
			fs->mode = (enum host_mode)pr->id;
			snprintf(fs->mode_why, sizeof(fs->mode_why), _("%.*s in /proc/cmdline"),
			         (int)strcspn(*t, "="), *t);
			return true;
		}
	}
	return false;
}

/* The host mode: the platform table decides what is possible first (a GVT-g-only iGPU is never
 * "sriov-i915", whatever the command line or a loaded dkms i915 say); within that, the last
 * setup's journal, then the evidence of /proc/cmdline and the loaded i915. */
static void pick_mode(const struct util_paths *p, const struct host_facts *f, const char *proc,
                      struct host_findings *fs)
{
	char id[128], mode[32];
	bool table =
	        f->igpu && f->platform && (f->can_gvtg || f->can_sriov_i915 || f->can_sriov_xe);
	enum host_mode dflt = f->can_sriov_i915 ? HOST_MODE_SRIOV_I915
	                      : f->can_sriov_xe ? HOST_MODE_SRIOV_XE
	                                        : HOST_MODE_GVTG;

	if (host_journal_last_setup(p, id, sizeof(id), mode, sizeof(mode), NULL) == 0 && id[0]) {
		fs->mode = host_mode_parse(mode);
		snprintf(fs->mode_why, sizeof(fs->mode_why), _("set up by pve-passthrough (%.90s)"),
		         id);
	} else if (!detect_mode(f, proc, fs)) {
		fs->mode = dflt;
		snprintf(fs->mode_why, sizeof(fs->mode_why), "%s", _("what the platform can do"));
	}
	if (table && !platform_can(f, fs->mode)) {
		char was[160];

		snprintf(was, sizeof(was), "%.159s", fs->mode_why);
		snprintf(fs->mode_why, sizeof(fs->mode_why),
		         _("platform table: %s does %s only; ignored: %.100s"), f->platform,
		         host_mode_name(dflt), was);
		fs->mode = dflt;
	}
}

/* the persisted command line: GRUB with drop-ins, or /etc/kernel/cmdline's first line */
static int persisted(const struct util_paths *p, const struct host_boot *b, char **out,
                     const char **file)
{
	char path[PP_PATH_MAX], *data, *nl;
	size_t len;

	if (b->loader != HOST_LOADER_SYSTEMD_BOOT) {
		*file = PP_ETC_DEFAULT_GRUB;
		return host_grub_cmdline(p, NULL, out, NULL);
	}
	*file = PP_ETC_KERNEL_CMDLINE;
	util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
	if (util_file_read(path, TEXT_MAX, &data, &len, NULL) < 0) {
		*out = strdup("");
		return *out ? 0 : -ENOMEM;
	}
	if ((nl = strchr(data, '\n')))
		*nl = '\0';
	*out = data;
	return 0;
}

static bool has_item(const struct host_tokens *t, const char *key, const char *item)
{
	long at = host_tokens_find(t, key);
	const char *v;
	size_t l = strlen(item);

	if (at < 0)
		return false;
	v = strchr(t->v[at], '=');
	for (v = v ? v + 1 : ""; *v;) {
		const char *c = strchr(v, ',');
		size_t vl = c ? (size_t)(c - v) : strlen(v);

		if (vl == l && strncmp(v, item, l) == 0)
			return true;
		v += vl + (c ? 1 : 0);
	}
	return false;
}

static bool has_token(const struct host_tokens *t, const char *tok)
{
	char key[64];
	long at;

	host_token_key(tok, key, sizeof(key));
	if (strcmp(key, "module_blacklist") == 0)
		return has_item(t, key, strchr(tok, '=') + 1);
	at = host_tokens_find(t, key);
	return at >= 0 && strcmp(strchr(t->v[at], '=') ? strchr(t->v[at], '=') + 1 : "",
	                         strchr(tok, '=') ? strchr(tok, '=') + 1 : "") == 0;
}

/* Everything doctor gathers for the host rules, and the storage the facts point into. */
struct gathered {
	struct policy_host h;
	struct host_boot b;
	char journal_id[128], journal_kind[32], journal_error[1024];
	char **temp;
	size_t n_temp;
	struct policy_vf_boot *vb;
	/* the command lines */
	struct policy_cmdline c;
	struct host_mode_tokens want_buf;
	struct policy_cmdline_token tokens[HOST_MODE_TOKENS_MAX];
	struct policy_cmdline_conflict *conflicts;
	struct policy_cmdline_typo *typos;
	struct host_tokens pt, rt;
	char *line, *other;
	/* dkms */
	bool dkms_gathered;
	struct policy_dkms d;
	struct host_dkms_report rep;
	struct host_dkms_window *w;
	char said[400];
	struct host_dkms_entry *entries;
	struct policy_dkms_broken *broken;
	/* modprobe.d, the kernel log */
	struct host_conflict *mc;
	struct policy_modconf *modconf;
	struct host_klog log;
	struct host_klog_match *m;
	struct policy_klog_match *klog;
	char klog_unreadable[1024];
};

static void gathered_free(struct gathered *g)
{
	void *owned[] = {g->vb,      g->conflicts, g->typos, g->line,    g->other, g->w,
	                 g->entries, g->broken,    g->mc,    g->modconf, g->m,     g->klog};

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(owned[i]);
	util_strv_free(g->temp, g->n_temp);
	host_tokens_free(&g->pt);
	host_tokens_free(&g->rt);
	if (g->dkms_gathered)
		host_dkms_report_free(&g->rep);
	host_klog_free(&g->log);
}

/* The needed tokens in the persisted and running command lines and in the file the bootloader
 * does not read, the persisted tokens that work against the mode, the typos of both lines. */
static int gather_cmdline(const struct util_paths *p, const struct host_facts *f,
                          enum host_mode mode, struct gathered *g)
{
	struct policy_cmdline *c = &g->c;
	const struct host_boot *b = &g->b;
	struct host_cmdline_want w;
	struct host_tokens ot = {0};
	size_t n_forbid = 0, nt = 0;
	int r;

	r = persisted(p, b, &g->line, &c->file);
	if (r < 0)
		return r;
	c->loader = host_loader_name(b->loader);
	c->pbt = b->pbt;
	c->grub_dropins = b->loader == HOST_LOADER_GRUB;
	c->loader_why = b->why;
	c->running_known = b->proc_cmdline[0] != '\0';
	host_mode_want(mode, f->device_id, f->iommu_token, &g->want_buf, &w);
	if ((r = host_tokens_split(g->line, &g->pt)) < 0 ||
	    (r = host_tokens_split(b->proc_cmdline, &g->rt)) < 0)
		return r;
	/* the file the bootloader does not read */
	if (b->loader == HOST_LOADER_GRUB) {
		char path[PP_PATH_MAX], *nl;
		size_t len;

		util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
		if (util_file_read(path, TEXT_MAX, &g->other, &len, NULL) == 0) {
			if ((nl = strchr(g->other, '\n')))
				*nl = '\0';
			c->other_file = PP_ETC_KERNEL_CMDLINE;
		}
	} else if (host_grub_cmdline(p, NULL, &g->other, NULL) == 0) {
		c->other_file = PP_ETC_DEFAULT_GRUB;
	}
	if (c->other_file && host_tokens_split(g->other, &ot) < 0)
		c->other_file = NULL;
	for (size_t i = 0; w.tokens[i] && i < HOST_MODE_TOKENS_MAX; i++) {
		g->tokens[i].token = w.tokens[i];
		g->tokens[i].persisted = has_token(&g->pt, w.tokens[i]);
		g->tokens[i].active = has_token(&g->rt, w.tokens[i]);
		g->tokens[i].other_file = c->other_file && has_token(&ot, w.tokens[i]);
		c->n_tokens = i + 1;
	}
	host_tokens_free(&ot);
	c->tokens = g->tokens;
	for (size_t i = 0; w.forbid[i]; i++)
		n_forbid++;
	for (size_t i = 0; w.forbid_items[i]; i++)
		n_forbid++;
	g->conflicts = calloc(n_forbid + 1, sizeof(*g->conflicts));
	g->typos = calloc(g->pt.n + g->rt.n + 1, sizeof(*g->typos));
	if (!g->conflicts || !g->typos)
		return -ENOMEM;
	for (size_t i = 0; w.forbid[i]; i++) {
		long at = host_tokens_find(&g->pt, w.forbid[i]);

		if (at >= 0)
			g->conflicts[c->n_conflicts++].token = g->pt.v[at];
	}
	for (size_t i = 0; w.forbid_items[i]; i++) {
		struct policy_cmdline_conflict *x = &g->conflicts[c->n_conflicts];
		const char *item = strchr(w.forbid_items[i], '=') + 1;

		host_token_key(w.forbid_items[i], x->key, sizeof(x->key));
		if (!has_item(&g->pt, x->key, item))
			continue;
		x->token = w.forbid_items[i];
		x->item = item;
		c->n_conflicts++;
	}
	c->conflicts = g->conflicts;
	for (int running = 1; running >= 0; running--) {
		const struct host_tokens *t = running ? &g->rt : &g->pt;

		for (size_t i = 0; i < t->n; i++) {
			struct policy_cmdline_typo *y = &g->typos[nt];

			if (host_token_valid(t->v[i], y->why, sizeof(y->why)))
				continue;
			y->running = running;
			y->also_running = !running && host_tokens_find(&g->rt, t->v[i]) >= 0;
			nt++;
		}
	}
	c->typos = g->typos;
	c->n_typos = nt;
	g->h.cmdline = c;
	return 0;
}

static bool file_lists(const char *path, const char *module)
{
	char *data, *save = NULL;
	size_t len;
	bool found = false;

	if (util_file_read(path, TEXT_MAX, &data, &len, NULL) < 0)
		return false;
	for (char *t = data, *ln; !found && (ln = strtok_r(t, "\n", &save)); t = NULL) {
		ln += strspn(ln, " \t");
		found = strncmp(ln, module, strlen(module)) == 0 &&
		        (!ln[strlen(module)] || strchr(" \t#", ln[strlen(module)]));
	}
	free(data);
	return found;
}

/* Is module listed in /etc/modules or /etc/modules-load.d/ *.conf (loaded at every boot)? */
static bool loaded_at_boot(const struct util_paths *p, const char *module)
{
	char path[PP_PATH_MAX], f[PP_PATH_MAX + 256];
	struct dirent *de;
	bool found;
	DIR *d;

	util_path(p, path, sizeof(path), PP_ETC_MODULES);
	found = file_lists(path, module);
	util_path(p, path, sizeof(path), PP_ETC_MODULES_LOAD_D);
	if (!found && (d = opendir(path))) {
		while (!found && (de = readdir(d))) {
			size_t l = strlen(de->d_name);

			if (l < 5 || strcmp(de->d_name + l - 5, ".conf") != 0)
				continue;
			snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
			found = file_lists(f, module);
		}
		closedir(d);
	}
	return found;
}

static bool dkms_registered(const struct util_paths *p)
{
	char path[PP_PATH_MAX];

	util_path(p, path, sizeof(path), PP_VAR_LIB_DKMS "/i915-sriov-dkms");
	return util_exists(path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Our temporary files whose writer is gone (temp-file-left), in every directory we write (the
 * detection is util_tmp_stale_under's, /etc/pve's part pveconf_tmp_stale's, as audit's). */
static int scan_tmp(const struct util_paths *p, struct gathered *g)
{
	static const char *const dirs[] = {
	        PP_ETC_DEFAULT_GRUB_D,
	        PP_ETC_DEFAULT,
	        PP_ETC_KERNEL,
	        PP_ETC_MODULES_LOAD_D,
	        PP_ETC_MODPROBE_D,
	        PP_ETC_SYSTEMD_SYSTEM,
	        PP_ETC_SYSTEMD_SYSTEM "/multi-user.target.wants",
	        PP_ETC,
	        PP_VAR_LIB_TOOL,
	        HOST_JOURNAL_DIR,
	};
	char full[PP_PATH_MAX], sub[PP_PATH_MAX], **files = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *de;
	int r = pveconf_tmp_stale(p, &files, &n);

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && r == 0; i++)
		r = util_tmp_stale_under(p, dirs[i], &files, &n);
	/* every journal */
	util_path(p, full, sizeof(full), HOST_JOURNAL_DIR);
	if (r == 0 && (d = opendir(full))) {
		while (r == 0 && (de = readdir(d)))
			if (de->d_name[0] != '.') {
				snprintf(sub, sizeof(sub), HOST_JOURNAL_DIR "/%s", de->d_name);
				r = util_tmp_stale_under(p, sub, &files, &n);
			}
		closedir(d);
	}
	if (n > 1)
		qsort(files, n, sizeof(*files), cmp_str);
	g->temp = files;
	g->n_temp = n;
	g->h.temp_files = files;
	g->h.n_temp_files = n;
	return r;
}

/* The snapshot's facts, the mode doctor picked, and the files that set the VF count at boot. */
static int gather_host(const struct util_paths *p, const struct host_facts *f,
                       const struct host_findings *fs, struct gathered *g)
{
	const struct sysfs_driver_profile *pr = host_mode_profile(fs->mode);
	struct policy_host *h = &g->h;
	size_t n = 0;
	int r;

	h->mode = (enum sysfs_profile_id)fs->mode;
	h->mode_why = fs->mode_why;
	h->igpu = f->igpu;
	h->generic = f->generic;
	h->pf_bdf = f->pf_bdf;
	h->pf_driver = f->pf_driver;
	h->vendor_id = f->vendor_id;
	h->device_id = f->device_id;
	h->pf_name = f->pf_name;
	h->platform = f->platform;
	h->gfx = f->gfx;
	h->can_gvtg = f->can_gvtg;
	h->can_sriov_i915 = f->can_sriov_i915;
	h->can_sriov_xe = f->can_sriov_xe;
	h->iommu = f->iommu;
	h->iommu_why = f->iommu_why;
	h->totalvfs = f->totalvfs;
	h->numvfs = f->numvfs;
	h->running = f->running;
	h->pf_module_loaded = f->i915_loaded;
	h->max_vfs = f->max_vfs;
	h->enable_guc = f->enable_guc;
	h->enable_gvt = f->enable_gvt;
	h->extra_module_loaded = f->kvmgt_loaded;
	h->extra_module_at_boot = pr->extra_modules[0] && loaded_at_boot(p, pr->extra_modules[0]);
	h->n_mdev_types = f->n_mdev_types;
	h->unit_vfs = -1;
	r = host_vf_boot_scan(p, &g->vb, &n, &h->unit_enabled);
	if (r < 0)
		return r;
	h->vf_boot = g->vb;
	h->n_vf_boot = n;
	for (size_t i = 0; i < n; i++)
		if (g->vb[i].tool_unit) {
			h->unit = true;
			h->unit_vfs = g->vb[i].count;
		}
	return 0;
}

/* dkms per installed kernel, the window of the added release, and `dkms status` (the real host
 * only): on an i915 SR-IOV host, and wherever i915-sriov-dkms is registered. */
static int gather_dkms(const struct util_paths *p, const struct host_facts *f, struct gathered *g,
                       struct util_err *e)
{
	struct policy_dkms *d = &g->d;
	char src[PP_PATH_MAX];
	char *status = NULL;
	size_t nw = 0, nd = 0, skipped = 0;
	int r;

	r = host_dkms_windows_load(p, &g->w, &nw, src, sizeof(src), e);
	if (r < 0)
		return r;
	r = host_dkms_scan(p, f->running, g->w, nw, &g->rep, e);
	if (r < 0)
		return r;
	g->dkms_gathered = true;
	if (util_paths_is_host(p)) {
		const char *argv[] = {"dkms", "status", NULL};

		if (host_run_capture(argv, 1 << 20, &status, NULL) < 0)
			status = NULL;
	}
	/* dkms' own words about the module, quoted in the findings */
	for (const char *s = status; s && *s;) {
		size_t l = strcspn(s, "\n"), at = strlen(g->said);

		if (strncmp(s, "i915-sriov-dkms", 15) == 0 && at + l + 3 < sizeof(g->said))
			snprintf(g->said + at, sizeof(g->said) - at, "%s%.*s", at ? "; " : "",
			         (int)l, s);
		s += l + (s[l] == '\n');
	}
	if (status && host_dkms_status_parse(status, &g->entries, &nd, &skipped) == 0 && nd) {
		g->broken = calloc(nd, sizeof(*g->broken));
		for (size_t i = 0; g->broken && i < nd; i++)
			if (g->entries[i].state == HOST_DKMS_BROKEN)
				g->broken[d->n_broken++] = (struct policy_dkms_broken){
				        g->entries[i].module, g->entries[i].version};
	}
	free(status);
	if (nd && !g->broken)
		return -ENOMEM;
	d->broken = g->broken;
	d->module = g->rep.module;
	d->n_sources = g->rep.n_sources;
	/* the window table's row of the added release (the last that matches) */
	for (size_t j = 0; j < nw; j++)
		for (size_t s = 0; s < g->rep.n_sources; s++)
			if (strcmp(g->w[j].release, g->rep.sources[s]) == 0) {
				d->window_release = g->w[j].release;
				d->window_min[0] = g->w[j].min_major;
				d->window_min[1] = g->w[j].min_minor;
				d->window_max[0] = g->w[j].max_major;
				d->window_max[1] = g->w[j].max_minor;
			}
	d->kernels = g->rep.kernels;
	d->n_kernels = g->rep.n_kernels;
	d->said = g->said;
	g->h.dkms = d;
	return 0;
}

/* The modprobe.d, /etc/modules and modules-load.d lines that work against the mode. */
static int gather_modconf(const struct util_paths *p, const struct host_facts *f,
                          enum host_mode mode, struct gathered *g, struct util_err *e)
{
	size_t n = 0;
	int r = host_modconf_scan(p, mode, f->device_id, &g->mc, &n, e);

	if (r < 0)
		return r;
	g->modconf = calloc(n + 1, sizeof(*g->modconf));
	if (!g->modconf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct host_conflict *c = &g->mc[i];

		g->modconf[i] = (struct policy_modconf){
		        .obsolete = strcmp(c->rule, "module-obsolete") == 0,
		        .modprobe_d =
		                strncmp(c->file, PP_ETC_MODPROBE_D, strlen(PP_ETC_MODPROBE_D)) == 0,
		        .file = c->file,
		        .line = c->line,
		        .text = c->text,
		        .why = c->why,
		};
	}
	g->h.modconf = g->modconf;
	g->h.n_modconf = n;
	return 0;
}

/* The kernel log of this boot, matched against host/klog_sig.c's table.  Under a --root without
 * <root>/dev/kmsg there is nothing to read (a copied host); on the real host a log we may not read
 * is a fact for klog-unreadable; a --kernel-log FILE that cannot be read is an error. */
static int gather_klog(const struct util_paths *p, const struct host_facts *f, struct gathered *g,
                       struct util_err *e)
{
	size_t nm = 0;
	int r = host_klog_read(p, f->kernel_log, &g->log, e);

	if (r < 0) {
		if (f->kernel_log)
			return r;
		if (r != -ENOENT || util_paths_is_host(p)) {
			snprintf(g->klog_unreadable, sizeof(g->klog_unreadable), "%s",
			         e ? e->msg : "");
			g->h.klog_unreadable = g->klog_unreadable;
		}
		util_err_clear(e);
		return 0;
	}
	r = host_klog_match(&g->log, &g->m, &nm);
	if (r == 0 && !(g->klog = calloc(nm + 1, sizeof(*g->klog))))
		r = -ENOMEM;
	for (size_t i = 0; i < nm && r == 0; i++) {
		const struct policy_rule *rule = policy_rule_find(g->m[i].rule);
		const struct host_klog_record *l = g->m[i].first;

		if (!rule) /* a table row naming no registry rule: the unit test prevents it */
			return util_err_set(e, -EINVAL, _("kernel log table: unknown rule %s"),
			                    g->m[i].rule);
		g->klog[i] = (struct policy_klog_match){
		        .rule = rule->id,
		        .device = g->m[i].device,
		        .meaning = g->m[i].meaning,
		        .fix = g->m[i].fix,
		        .stamp = l->stamp,
		        .text = l->text,
		        .truncated = l->truncated,
		        .count = g->m[i].count,
		};
	}
	g->h.klog = g->klog;
	g->h.n_klog = nm;
	g->h.klog_source = g->log.source;
	return r;
}

/* The gauges of the machine formats, from the facts the rules judged. */
static void gauges_fill(const struct host_facts *f, const struct gathered *g,
                        struct host_gauges *gg)
{
	gg->iommu = f->iommu;
	gg->vfs_enabled = g->h.numvfs;
	gg->vfs_boot = g->h.unit_vfs;
	snprintf(gg->pf, sizeof(gg->pf), "%s", f->pf_bdf);
	for (size_t i = 0;
	     i < g->c.n_tokens && gg->n_tokens < sizeof(gg->tokens) / sizeof(gg->tokens[0]); i++) {
		struct host_gauge_token *t = &gg->tokens[gg->n_tokens++];

		snprintf(t->token, sizeof(t->token), "%s", g->c.tokens[i].token);
		t->persisted = g->c.tokens[i].persisted;
		t->active = g->c.tokens[i].active;
	}
	gg->dkms_checked = g->dkms_gathered;
	for (size_t i = 0;
	     i < g->d.n_kernels && gg->n_kernels < sizeof(gg->kernels) / sizeof(gg->kernels[0]);
	     i++) {
		const struct policy_kernel *k = &g->d.kernels[i];
		struct host_gauge_kernel *gk = &gg->kernels[gg->n_kernels++];

		snprintf(gk->release, sizeof(gk->release), "%s", k->release);
		gk->dkms = k->dkms_installed;
		gk->headers = k->headers;
		gk->next_boot = k->next_boot;
		gk->running = k->running;
	}
}

int host_doctor_run(const struct util_paths *p, const struct host_facts *f,
                    const enum policy_severity *severity, struct host_findings *fs,
                    struct util_err *e)
{
	struct gathered *g = calloc(1, sizeof(*g));
	struct util_err je = {0};
	char mok[PP_PATH_MAX];
	int r;

	memset(fs, 0, sizeof(*fs));
	if (!g)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	r = host_boot_detect(p, &g->b, e);
	if (r < 0)
		goto out;
	pick_mode(p, f, g->b.proc_cmdline, fs);
	if (host_journal_interrupted(p, g->journal_id, sizeof(g->journal_id), g->journal_kind,
	                             sizeof(g->journal_kind), &je) < 0) {
		snprintf(g->journal_error, sizeof(g->journal_error), "%s", je.msg);
		g->h.journal_error = g->journal_error;
	} else if (g->journal_id[0]) {
		g->h.journal_interrupted = g->journal_id;
		g->h.journal_kind = g->journal_kind;
		g->h.journal_dir = HOST_JOURNAL_DIR;
	}
	r = scan_tmp(p, g);
	if (r == 0)
		r = gather_host(p, f, fs, g);
	if (r == 0)
		r = gather_cmdline(p, f, fs->mode, g);
	if (r == 0 && (fs->mode == HOST_MODE_SRIOV_I915 || dkms_registered(p)))
		r = gather_dkms(p, f, g, e);
	g->h.secure_boot = g->b.secure_boot;
	g->h.mok = HOST_DKMS_MOK;
	util_path(p, mok, sizeof(mok), HOST_DKMS_MOK);
	g->h.mok_exists = util_exists(mok);
	if (r == 0 && f->igpu)
		r = gather_modconf(p, f, fs->mode, g, e);
	if (r == 0)
		r = gather_klog(p, f, g, e);
	if (r == 0)
		r = policy_host_evaluate(&g->h, severity, &fs->f);
	if (r == 0)
		gauges_fill(f, g, &fs->gauges);
out:
	gathered_free(g);
	free(g);
	if (r < 0) {
		host_findings_free(fs);
		if (e && !e->msg[0])
			util_err_set(e, r, _("out of memory"));
	}
	return r;
}
