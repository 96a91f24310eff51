/* host/doctor.c - the host half of `doctor`: gathers what the host checks need (the persisted and
 * running cmdline, dkms per installed kernel, Secure Boot, modprobe.d, the kernel log, the files
 * that set the VF count at boot) and reports the checks that are read line by line from those
 * files; the rules over plain facts (PF driver, VF counts, GVT-g modules) are policy's
 * (policy/host_rules.c, fed by host_rule_facts here).  Findings are data; never prints, never
 * changes anything. */
#include "host/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

/* The settings' severities while host_doctor_run() runs (NULL = the registry's defaults). */
struct run {
	struct host_findings *fs;
	const enum policy_severity *severity;
};

static int add(struct run *rn, enum policy_rule_id rule, const char *dev, const char *hint,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int add(struct run *rn, enum policy_rule_id rule, const char *dev, const char *hint,
               const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = policy_findings_vaddf(&rn->fs->f, rn->severity, &rn->fs->last_dropped, rule, dev, hint,
	                          fmt, ap);
	va_end(ap);
	return r;
}

/* Lowers the severity of the finding just added (never above what the settings allow). */
static void downgrade(struct run *rn, enum policy_severity s)
{
	policy_findings_downgrade(&rn->fs->f, rn->fs->last_dropped, s);
}

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

static int check_cmdline(const struct util_paths *p, const struct host_facts *f,
                         const struct host_boot *b, struct run *rn)
{
	struct host_findings *fs = rn->fs;
	struct host_cmdline_want w;
	struct host_tokens pt = {0}, rt = {0};
	struct host_mode_tokens want_buf;
	char why[512], setup[64];
	const char *file;
	char *line = NULL;
	int r;

	snprintf(setup, sizeof(setup), "pve-passthrough host setup %s",
	         host_mode_profile(fs->mode)->setup);
	r = persisted(p, b, &line, &file);
	if (r < 0)
		return r;
	{
		char loader[128], files[PP_PATH_MAX + 64];

		if (b->pbt)
			snprintf(loader, sizeof(loader),
			         _("%s on ESPs managed by proxmox-boot-tool"),
			         host_loader_name(b->loader));
		else
			snprintf(loader, sizeof(loader), "%s", host_loader_name(b->loader));
		snprintf(files, sizeof(files), "%s%s", file,
		         b->loader == HOST_LOADER_GRUB ? " + /etc/default/grub.d/*.cfg" : "");
		r = add(rn, POLICY_RULE_BOOTLOADER, NULL, NULL, _("%s; command line in %s (%s)"),
		        loader, files, b->why);
	}
	host_mode_want(fs->mode, f->device_id, f->iommu_token, &want_buf, &w);
	if (r == 0)
		r = host_tokens_split(line, &pt);
	if (r == 0)
		r = host_tokens_split(b->proc_cmdline, &rt);
	for (size_t i = 0; w.tokens[i] && r == 0; i++) {
		struct host_gauges *g = &fs->gauges;

		if (g->n_tokens < sizeof(g->tokens) / sizeof(g->tokens[0])) {
			struct host_gauge_token *t = &g->tokens[g->n_tokens++];

			snprintf(t->token, sizeof(t->token), "%s", w.tokens[i]);
			t->persisted = has_token(&pt, w.tokens[i]);
			t->active = has_token(&rt, w.tokens[i]);
		}
		if (!has_token(&pt, w.tokens[i]))
			r = add(rn, POLICY_RULE_CMDLINE_MISSING, NULL, setup,
			        _("%s is not in the persisted command line (%s): %s needs it"),
			        w.tokens[i], file, host_mode_name(fs->mode));
		else if (b->proc_cmdline[0] && !has_token(&rt, w.tokens[i]))
			r = add(rn, POLICY_RULE_CMDLINE_PENDING, NULL,
			        _("reboot; if it is still missing afterwards, the bootloader reads another file"),
			        _("%s is persisted in %s but not in /proc/cmdline: a reboot is pending"),
			        w.tokens[i], file);
	}
	for (size_t i = 0; w.forbid[i] && r == 0; i++) {
		long at = host_tokens_find(&pt, w.forbid[i]);

		if (at >= 0)
			r = add(rn, POLICY_RULE_CMDLINE_CONFLICT, NULL,
			        _("remove it, or let setup do it: host setup ... --replace-conflicts"),
			        _("'%s' in %s works against %s"), pt.v[at], file,
			        host_mode_name(fs->mode));
	}
	for (size_t i = 0; w.forbid_items[i] && r == 0; i++) {
		char key[64];
		const char *item = strchr(w.forbid_items[i], '=') + 1;

		host_token_key(w.forbid_items[i], key, sizeof(key));
		if (has_item(&pt, key, item))
			r = add(rn, POLICY_RULE_CMDLINE_CONFLICT, NULL,
			        _("remove it from the list, or host setup ... --replace-conflicts"),
			        _("%s in %s lists %s, the driver %s needs"), key, file, item,
			        host_mode_name(fs->mode));
	}
	for (size_t i = 0; i < rt.n && r == 0; i++)
		if (!host_token_valid(rt.v[i], why, sizeof(why)))
			r = add(rn, POLICY_RULE_CMDLINE_TYPO, NULL,
			        _("correct the token in the bootloader's file"),
			        PP_PROC_CMDLINE ": %s", why);
	for (size_t i = 0; i < pt.n && r == 0; i++)
		if (!host_token_valid(pt.v[i], why, sizeof(why)) &&
		    !(b->proc_cmdline[0] && host_tokens_find(&rt, pt.v[i]) >= 0))
			r = add(rn, POLICY_RULE_CMDLINE_TYPO, NULL, _("correct the token"),
			        "%s: %s", file, why);
	/* tokens in the file the bootloader does not read */
	if (r == 0) {
		char path[PP_PATH_MAX], *other = NULL, *nl;
		size_t len;
		const char *ofile = NULL;
		struct host_tokens ot = {0};

		if (b->loader == HOST_LOADER_GRUB) {
			util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
			if (util_file_read(path, TEXT_MAX, &other, &len, NULL) == 0) {
				if ((nl = strchr(other, '\n')))
					*nl = '\0';
				ofile = PP_ETC_KERNEL_CMDLINE;
			}
		} else if (host_grub_cmdline(p, NULL, &other, NULL) == 0) {
			ofile = PP_ETC_DEFAULT_GRUB;
		}
		if (ofile && host_tokens_split(other, &ot) == 0)
			for (size_t i = 0; w.tokens[i] && r == 0; i++)
				if (has_token(&ot, w.tokens[i]) && !has_token(&pt, w.tokens[i])) {
					r = add(rn, POLICY_RULE_CMDLINE_WRONG_FILE, NULL, setup,
					        _("%s is in %s, but this host boots with %s, which reads %s: "
					          "the token never reaches the kernel"),
					        w.tokens[i], ofile, host_loader_name(b->loader),
					        file);
					break;
				}
		host_tokens_free(&ot);
		free(other);
	}
	host_tokens_free(&pt);
	host_tokens_free(&rt);
	free(line);
	return r;
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

/* The kernel log of this boot against host/klog_sig.c's table.  A message that confirms a finding
 * already made (same rule and device: pf-driver-stock from sysfs, module-obsolete from
 * /etc/modules) is quoted in that finding; any other is a finding of its own.  Under a --root
 * without <root>/dev/kmsg there is nothing to read (a copied host); on the real host a log we may
 * not read is an info finding; a --kernel-log FILE that cannot be read is an error. */
/* The facts the host rules of policy/host_rules.c judge: from f (the snapshot), the mode doctor
 * picked, and the files that set the VF count at boot.  vf_boot is malloc'd into *vb. */
static int host_rule_facts(const struct util_paths *p, const struct host_facts *f,
                           enum host_mode mode, struct policy_host *h, struct policy_vf_boot **vb)
{
	const struct sysfs_driver_profile *pr = host_mode_profile(mode);
	size_t n = 0;
	int r;

	memset(h, 0, sizeof(*h));
	h->mode = (enum sysfs_profile_id)mode;
	h->igpu = f->igpu;
	h->generic = f->generic;
	h->pf_bdf = f->pf_bdf;
	h->pf_driver = f->pf_driver;
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
	r = host_vf_boot_scan(p, vb, &n, &h->unit_enabled);
	if (r < 0)
		return r;
	h->vf_boot = *vb;
	h->n_vf_boot = n;
	for (size_t i = 0; i < n; i++)
		if ((*vb)[i].tool_unit) {
			h->unit = true;
			h->unit_vfs = (*vb)[i].count;
		}
	return 0;
}

/* The headers package of a kernel release: Proxmox VE's kernels end in -pve, Debian's do not. */
static const char *headers_pkg(const char *release)
{
	size_t l = strlen(release);

	return l > 4 && strcmp(release + l - 4, "-pve") == 0 ? "proxmox-headers" : "linux-headers";
}

static bool dkms_registered(const struct util_paths *p)
{
	char path[PP_PATH_MAX];

	util_path(p, path, sizeof(path), PP_VAR_LIB_DKMS "/i915-sriov-dkms");
	return util_exists(path);
}

static int check_dkms(const struct util_paths *p, const struct host_facts *f, struct run *rn,
                      struct util_err *e)
{
	struct host_dkms_window *w = NULL;
	struct host_dkms_report rep;
	size_t nw = 0;
	char src[PP_PATH_MAX], said[400] = "";
	char *status = NULL; /* `dkms status`, run on the real host only */
	int r;

	r = host_dkms_windows_load(p, &w, &nw, src, sizeof(src), e);
	if (r < 0)
		return r;
	r = host_dkms_scan(p, f->running, w, nw, &rep, e);
	if (r < 0) {
		free(w);
		return r;
	}
	if (util_paths_is_host(p)) {
		const char *argv[] = {"dkms", "status", NULL};

		if (host_run_capture(argv, 1 << 20, &status, NULL) < 0)
			status = NULL;
	}
	/* dkms' own words about the module, quoted in the findings */
	for (const char *s = status; s && *s;) {
		size_t l = strcspn(s, "\n"), at = strlen(said);

		if (strncmp(s, "i915-sriov-dkms", 15) == 0 && at + l + 3 < sizeof(said))
			snprintf(said + at, sizeof(said) - at, "%s%.*s", at ? "; " : "", (int)l, s);
		s += l + (s[l] == '\n');
	}
	rn->fs->gauges.dkms_checked = true;
	for (size_t i = 0; i < rep.n_kernels && r == 0; i++) {
		const struct host_kernel *k = &rep.kernels[i];
		struct host_gauges *g = &rn->fs->gauges;

		if (g->n_kernels < sizeof(g->kernels) / sizeof(g->kernels[0])) {
			struct host_gauge_kernel *gk = &g->kernels[g->n_kernels++];

			snprintf(gk->release, sizeof(gk->release), "%s", k->release);
			gk->dkms = k->dkms_installed;
			gk->headers = k->headers;
			gk->next_boot = k->next_boot;
			gk->running = k->running;
		}
		char kname[160];
		char hint[512];

		/* the kernel as the findings name it: "6.8.12-8-pve (newest: boots next)" */
		if (k->next_boot && k->pinned)
			snprintf(kname, sizeof(kname), _("%s (pinned: boots next)"), k->release);
		else if (k->next_boot)
			snprintf(kname, sizeof(kname), _("%s (newest: boots next)"), k->release);
		else if (k->running)
			snprintf(kname, sizeof(kname), _("%s (running)"), k->release);
		else
			snprintf(kname, sizeof(kname), "%s", k->release);

		if (!k->dkms_built && !k->dkms_installed) {
			if (!rep.n_sources)
				snprintf(
				        hint, sizeof(hint),
				        _("i915-sriov-dkms is not installed: get the release that fits "
				          "(%s) and run host setup sriov --dkms-deb FILE"),
				        k->fitting[0] ? k->fitting
				                      : _("none known for this kernel"));
			else if (!k->headers && k->fitting[0])
				snprintf(
				        hint, sizeof(hint),
				        _("apt install %s-%s, then dkms autoinstall -k %s; release "
				          "fitting it: %s"),
				        headers_pkg(k->release), k->release, k->release,
				        k->fitting);
			else if (!k->headers)
				snprintf(hint, sizeof(hint),
				         _("apt install %s-%s, then dkms autoinstall -k %s"),
				         headers_pkg(k->release), k->release, k->release);
			else if (rep.n_sources && !k->source_fits && k->fitting[0])
				snprintf(
				        hint, sizeof(hint),
				        _("the added i915-sriov-dkms release does not cover %s: install "
				          "release %s (host setup sriov --dkms-deb FILE)"),
				        k->release, k->fitting);
			else if (k->fitting[0])
				snprintf(hint, sizeof(hint),
				         _("dkms autoinstall -k %s; release fitting it: %s"),
				         k->release, k->fitting);
			else
				snprintf(hint, sizeof(hint), "dkms autoinstall -k %s", k->release);
			if (k->next_boot && said[0])
				r = add(rn, POLICY_RULE_DKMS_MISSING, NULL, hint,
				        _("kernel %s has no i915-sriov-dkms module: after the reboot the "
				          "stock i915 loads and every VF is gone; dkms status: %s"),
				        kname, said);
			else if (k->next_boot)
				r = add(rn, POLICY_RULE_DKMS_MISSING, NULL, hint,
				        _("kernel %s has no i915-sriov-dkms module: after the reboot the "
				          "stock i915 loads and every VF is gone"),
				        kname);
			else if (said[0])
				r = add(rn, POLICY_RULE_DKMS_MISSING, NULL, hint,
				        _("kernel %s has no i915-sriov-dkms module; dkms status: %s"),
				        kname, said);
			else
				r = add(rn, POLICY_RULE_DKMS_MISSING, NULL, hint,
				        _("kernel %s has no i915-sriov-dkms module"), kname);
			if (r == 0 && !k->next_boot && !k->running)
				downgrade(rn, POLICY_SEVERITY_WARNING);
		} else if (k->dkms_built && !k->dkms_installed) {
			char h2[512];

			snprintf(h2, sizeof(h2), "dkms install %s/%s -k %s", rep.module,
			         k->dkms_version, k->release);
			r = add(rn, POLICY_RULE_DKMS_NOT_INSTALLED, NULL, h2,
			        _("i915-sriov-dkms %s is built for %s but not installed"),
			        k->dkms_version, kname);
		}
		if (r == 0 && !k->headers && (k->next_boot || k->running)) {
			snprintf(hint, sizeof(hint), "apt install %s-%s", headers_pkg(k->release),
			         k->release);
			r = add(rn, POLICY_RULE_HEADERS_MISSING, NULL, hint,
			        _("no headers for kernel %s (/lib/modules/%s/build): dkms cannot build "
			          "the module for it"),
			        kname, k->release);
		}
		if (r == 0 && k->next_boot && rep.n_sources && !k->source_fits &&
		    !k->dkms_installed) {
			const struct host_dkms_window *sw = NULL;

			for (size_t j = 0; j < nw; j++)
				for (size_t s = 0; s < rep.n_sources; s++)
					if (strcmp(w[j].release, rep.sources[s]) == 0)
						sw = &w[j];
			if (sw && k->fitting[0])
				r = add(rn, POLICY_RULE_DKMS_WINDOW, NULL,
				        _("install the release that fits (host setup sriov --dkms-deb "
				          "FILE) or pin an older kernel: proxmox-boot-tool kernel pin "
				          "<kver>"),
				        _("i915-sriov-dkms %s supports kernels %d.%d to %d.%d; %s is "
				          "outside, dkms skips the build silently; release fitting it: %s"),
				        sw->release, sw->min_major, sw->min_minor, sw->max_major,
				        sw->max_minor, k->release, k->fitting);
			else if (sw)
				r = add(rn, POLICY_RULE_DKMS_WINDOW, NULL,
				        _("install the release that fits (host setup sriov --dkms-deb "
				          "FILE) or pin an older kernel: proxmox-boot-tool kernel pin "
				          "<kver>"),
				        _("i915-sriov-dkms %s supports kernels %d.%d to %d.%d; %s is "
				          "outside, dkms skips the build silently"),
				        sw->release, sw->min_major, sw->min_minor, sw->max_major,
				        sw->max_minor, k->release);
		}
	}
	/* dkms' own view, on the real host only */
	if (r == 0 && status) {
		struct host_dkms_entry *d = NULL;
		size_t nd = 0, skipped = 0;

		if (host_dkms_status_parse(status, &d, &nd, &skipped) == 0)
			for (size_t i = 0; i < nd && r == 0; i++)
				if (d[i].state == HOST_DKMS_BROKEN)
					r = add(rn, POLICY_RULE_DKMS_BROKEN, NULL,
					        _("dkms remove the version, then reinstall the package"),
					        _("dkms status: %s/%s is broken"), d[i].module,
					        d[i].version);
		free(d);
	}
	free(status);
	host_dkms_report_free(&rep);
	free(w);
	return r;
}

/* Does the modules-style file (full path) have a line naming module? */
static int check_klog(const struct util_paths *p, const struct host_facts *f, struct run *rn,
                      struct util_err *e)
{
	struct host_klog log;
	struct host_klog_match *m = NULL;
	size_t nm = 0;
	int r = host_klog_read(p, f->kernel_log, &log, e);

	if (r < 0) {
		host_klog_free(&log);
		if (f->kernel_log)
			return r;
		if (r == -ENOENT && !util_paths_is_host(p)) {
			util_err_clear(e);
			return 0;
		}
		r = add(rn, POLICY_RULE_KLOG_UNREADABLE, NULL,
		        _("run doctor as root, or give the log with --kernel-log FILE (dmesg > FILE)"),
		        _("the kernel log was not read: %s"), e ? e->msg : "");
		util_err_clear(e);
		return r;
	}
	r = host_klog_match(&log, &m, &nm);
	for (size_t i = 0; i < nm && r == 0; i++) {
		const struct policy_rule *rule = policy_rule_find(m[i].rule);
		const struct host_klog_record *l = m[i].first;
		char quote[600], times[32] = "";
		struct policy_findings *fl = &rn->fs->f;
		size_t k;

		if (!rule) { /* a table row naming no registry rule: the unit test prevents it */
			r = util_err_set(e, -EINVAL, _("kernel log table: unknown rule %s"),
			                 m[i].rule);
			break;
		}
		if (m[i].count > 1)
			snprintf(times, sizeof(times), _(" (%u lines)"), m[i].count);
		snprintf(quote, sizeof(quote), "\"%s%s%s%s\"%s", l->stamp, l->stamp[0] ? " " : "",
		         l->text, l->truncated ? "..." : "", times);
		/* "i915: unknown parameter..." names no device: it confirms the PF's finding */
		for (k = 0; k < fl->n; k++)
			if (fl->v[k].rule == rule->id &&
			    (!m[i].device[0] || strcmp(fl->v[k].device, m[i].device) == 0))
				break;
		if (k < fl->n) {
			size_t len = strlen(fl->v[k].message);

			snprintf(fl->v[k].message + len, sizeof(fl->v[k].message) - len,
			         _("; kernel log: %s"), quote);
			continue;
		}
		r = add(rn, rule->id, m[i].device[0] ? m[i].device : NULL, m[i].fix,
		        _("%s; kernel log (%s): %s"), m[i].meaning, log.source, quote);
	}
	free(m);
	host_klog_free(&log);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* temp-file-left: our temporary files whose writer is gone, in every directory we write (the
 * detection is util_tmp_stale_under's, /etc/pve's part pveconf_tmp_stale's, as audit's). */
static int scan_tmp(struct run *rn, const struct util_paths *p)
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
	if (r == 0)
		r = policy_temp_files_add(&rn->fs->f, rn->severity, NULL, files, n);
	util_strv_free(files, n);
	return r;
}

int host_doctor_run(const struct util_paths *p, const struct host_facts *f,
                    const enum policy_severity *severity, struct host_findings *fs,
                    struct util_err *e)
{
	struct run run = {fs, severity}, *rn = &run;
	struct host_boot b;
	struct host_conflict *c = NULL;
	struct policy_host hf;
	struct policy_vf_boot *vb = NULL;
	size_t n = 0;
	int r;

	memset(fs, 0, sizeof(*fs));
	r = host_boot_detect(p, &b, e);
	if (r < 0)
		return r;
	pick_mode(p, f, b.proc_cmdline, fs);
	fs->gauges.iommu = f->iommu;
	fs->gauges.vfs_enabled = fs->gauges.vfs_boot = -1;
	{
		char iid[128], ikind[32];
		struct util_err je = {0};

		if (host_journal_interrupted(p, iid, sizeof(iid), ikind, sizeof(ikind), &je) < 0)
			r = add(rn, POLICY_RULE_JOURNAL_INTERRUPTED, NULL,
			        _("fix the state directory, then run pve-passthrough host rollback"),
			        "%s", je.msg);
		else if (iid[0])
			r = add(rn, POLICY_RULE_JOURNAL_INTERRUPTED, NULL,
			        _("run pve-passthrough host rollback: it undoes the steps that were "
			          "applied; host setup refuses until then"),
			        _("the %s of journal %s/%s stopped half-way (state applying)"),
			        ikind, HOST_JOURNAL_DIR, iid);
		if (r < 0)
			return r;
	}
	r = scan_tmp(rn, p);
	if (r < 0)
		return r;
	if (fs->mode == HOST_MODE_SRIOV_GENERIC)
		/* TRANSLATORS: %04x:%04x%s%s is the PF's vendor:device id and its name (" NAME" or
		 * ""); then its driver, why the host mode is generic, the VF counts and the IOMMU
		 * state */
		r = f->pf_bdf[0]
		            ? add(rn, POLICY_RULE_GENERIC_PF, f->pf_bdf, NULL,
		                  _("%04x:%04x%s%s (driver %s): generic SR-IOV PF, %s; %d of %d VFs "
		                    "enabled; %s"),
		                  f->vendor_id, f->device_id, f->pf_name[0] ? " " : "", f->pf_name,
		                  f->pf_driver[0] ? f->pf_driver : _("none"), fs->mode_why,
		                  f->numvfs, f->totalvfs, f->iommu_why)
		            : add(rn, POLICY_RULE_GENERIC_PF, NULL, NULL,
		                  _("the PF of the setup is gone; %04x:%04x%s%s (driver %s): generic "
		                    "SR-IOV PF, %s; %d of %d VFs enabled; %s"),
		                  f->vendor_id, f->device_id, f->pf_name[0] ? " " : "", f->pf_name,
		                  f->pf_driver[0] ? f->pf_driver : _("none"), fs->mode_why,
		                  f->numvfs, f->totalvfs, f->iommu_why);
	else if (!f->igpu)
		r = add(rn, POLICY_RULE_IGPU_MISSING, NULL,
		        _("this tool is for Intel iGPUs (vendor 8086, display class)"),
		        _("no Intel iGPU found"));
	else if (!f->platform)
		r = add(rn, POLICY_RULE_PLATFORM_UNKNOWN, f->pf_bdf,
		        _("update pve-passthrough (its platform table)"),
		        _("iGPU 8086:%04x is not in the platform table"), f->device_id);
	else if (!f->can_gvtg && !f->can_sriov_i915 && !f->can_sriov_xe)
		r = add(rn, POLICY_RULE_PLATFORM_UNSUPPORTED, f->pf_bdf,
		        _("only full passthrough of the whole iGPU to one VM is possible"),
		        _("%s (8086:%04x) has neither SR-IOV nor GVT-g"), f->platform,
		        f->device_id);
	else {
		char id[64], can[160] = "";

		if (f->gfx)
			snprintf(id, sizeof(id), "8086:%04x, %s", f->device_id, f->gfx);
		else
			snprintf(id, sizeof(id), "8086:%04x", f->device_id);
		/* what the platform can do, as a list of ways */
		if (f->can_gvtg)
			snprintf(can, sizeof(can), "GVT-g");
		if (f->can_sriov_i915)
			snprintf(can + strlen(can), sizeof(can) - strlen(can), "%s%s",
			         can[0] ? _(", ") : "", _("SR-IOV via i915-sriov-dkms"));
		if (f->can_sriov_xe)
			snprintf(can + strlen(can), sizeof(can) - strlen(can), "%s%s",
			         can[0] ? _(", ") : "", _("SR-IOV via xe"));
		r = add(rn, POLICY_RULE_PLATFORM, f->pf_bdf, NULL, _("%s (%s) can do %s"),
		        f->platform, id, can);
	}
	if (r == 0 && f->iommu == 0)
		r = add(rn, POLICY_RULE_IOMMU_OFF, NULL,
		        _("enable VT-d in the firmware setup and put intel_iommu=on on the kernel command "
		          "line (host setup does)"),
		        _("no IOMMU is active (/sys/class/iommu is empty): nothing can be passed through"));
	if (r == 0)
		r = check_cmdline(p, f, &b, rn);
	/* the host rules over facts (policy/host_rules.c): PF driver, VF counts, GVT-g modules */
	if (r == 0)
		r = host_rule_facts(p, f, fs->mode, &hf, &vb);
	if (r == 0) {
		fs->gauges.vfs_enabled = hf.numvfs;
		fs->gauges.vfs_boot = hf.unit_vfs;
		snprintf(fs->gauges.pf, sizeof(fs->gauges.pf), "%s", f->pf_bdf);
		r = policy_host_evaluate(&hf, severity, &fs->f);
	}
	free(vb);
	/* the dkms checks: on an i915 SR-IOV host, and wherever i915-sriov-dkms is registered */
	if (r == 0 && (fs->mode == HOST_MODE_SRIOV_I915 || dkms_registered(p)))
		r = check_dkms(p, f, rn, e);
	if (r == 0 && b.secure_boot) {
		char path[PP_PATH_MAX], hint[512];

		util_path(p, path, sizeof(path), HOST_DKMS_MOK);
		if (util_exists(path))
			snprintf(
			        hint, sizeof(hint),
			        _("mokutil --import %s, reboot, choose Enroll MOK in the MOK manager; "
			          "check with mokutil --test-key %s"),
			        HOST_DKMS_MOK, HOST_DKMS_MOK);
		else
			snprintf(
			        hint, sizeof(hint),
			        _("the dkms key %s appears after the first dkms build; then mokutil "
			          "--import it and reboot to enroll it"),
			        HOST_DKMS_MOK);
		r = add(rn, POLICY_RULE_SECURE_BOOT, NULL, hint,
		        _("Secure Boot is on: the kernel loads the dkms module only when the dkms key "
		          "is enrolled (\"Key was rejected by service\" otherwise)"));
		if (r == 0 && fs->mode == HOST_MODE_GVTG)
			downgrade(rn, POLICY_SEVERITY_INFO);
	}
	if (r == 0 && f->igpu)
		r = host_modconf_scan(p, fs->mode, f->device_id, &c, &n, e);
	for (size_t i = 0; i < n && r == 0; i++)
		r = add(rn,
		        strcmp(c[i].rule, "module-obsolete") == 0 ? POLICY_RULE_MODULE_OBSOLETE
		                                                  : POLICY_RULE_MODPROBE_CONFLICT,
		        NULL,
		        strncmp(c[i].file, PP_ETC_MODPROBE_D, strlen(PP_ETC_MODPROBE_D)) == 0
		                ? _("fix or remove that line, then update-initramfs -u -k all")
		                : _("remove that line"),
		        _("%s line %d: '%s': %s"), c[i].file, c[i].line, c[i].text, c[i].why);
	free(c);
	if (r == 0)
		r = check_klog(p, f, rn, e);
	if (r < 0) {
		host_findings_free(fs);
		if (e && !e->msg[0])
			util_err_set(e, r, _("out of memory"));
	}
	return r;
}
