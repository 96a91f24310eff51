/* host/probe.c - bootloader detection, GRUB's command line, Secure Boot, and scans of /etc for
 * lines that work against an iGPU setup.  Reads only; never writes, never runs commands. */
#include "host/probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cmdline.h"
#include "policy/policy.h"
#include "sysfs/host.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define TEXT_MAX (1 << 20)

const struct sysfs_driver_profile *host_mode_profile(enum host_mode m)
{
	return sysfs_driver_profile((enum sysfs_profile_id)m);
}

const char *host_mode_name(enum host_mode m)
{
	return host_mode_profile(m)->name;
}

enum host_mode host_mode_parse(const char *name)
{
	const struct sysfs_driver_profile *pr = sysfs_driver_profile_by_name(name);

	return pr ? (enum host_mode)pr->id : HOST_MODE_SRIOV_I915;
}

/* Does the text of a kernel config set this option to y? */
static bool config_yes(const char *text, const char *opt)
{
	size_t l = strlen(opt);

	for (const char *s = text; (s = strstr(s, opt)); s += l)
		if ((s == text || s[-1] == '\n') && strncmp(s + l, "=y", 2) == 0 &&
		    (s[l + 2] == '\n' || !s[l + 2]))
			return true;
	return false;
}

/* Does a command line this host boots with, or will boot with, turn the Intel IOMMU off
 * (intel_iommu=off, or a comma list with off, as the last intel_iommu token)?  Looks at the GRUB
 * configuration, /etc/kernel/cmdline (systemd-boot) and the running /proc/cmdline; where gets the
 * first that does.  A kernel that enables the IOMMU by default still obeys it. */
static bool iommu_turned_off(const struct util_paths *p, char *where, size_t n)
{
	static const char *const files[] = {PP_ETC_KERNEL_CMDLINE, PP_PROC_CMDLINE};
	char path[PP_PATH_MAX], *line = NULL;
	size_t len;
	bool off = false;

	for (size_t i = 0; i <= sizeof(files) / sizeof(files[0]) && !off; i++) {
		struct host_tokens t = {0};
		long at;

		if (i == 0) {
			util_path(p, path, sizeof(path), PP_ETC_DEFAULT_GRUB);
			if (!util_exists(path) || host_grub_cmdline(p, NULL, &line, NULL) < 0)
				continue;
			snprintf(where, n, "the GRUB configuration (%s, %s)", PP_ETC_DEFAULT_GRUB,
			         PP_ETC_DEFAULT_GRUB_D);
		} else {
			util_path(p, path, sizeof(path), "%s", files[i - 1]);
			if (util_file_read(path, TEXT_MAX, &line, &len, NULL) < 0)
				continue;
			snprintf(where, n, "%s", files[i - 1]);
		}
		if (host_tokens_split(line, &t) == 0 &&
		    (at = host_tokens_find(&t, "intel_iommu")) >= 0) {
			const char *v = strchr(t.v[at], '=');

			for (v = v ? v + 1 : ""; *v && !off; v += strcspn(v, ","), v += *v == ',')
				off = strncmp(v, "off", 3) == 0 && (v[3] == ',' || !v[3]);
		}
		host_tokens_free(&t);
		free(line);
		line = NULL;
	}
	return off;
}

void host_iommu_token(const struct util_paths *p, const char *release, char token[32],
                      char why[256])
{
	char path[PP_PATH_MAX], *text = NULL;
	size_t len;
	const char *vendor = NULL, *evidence = "";
	char where[96];

	util_path(p, path, sizeof(path), PP_SYS_ACPI_TABLES "/DMAR");
	if (util_exists(path)) {
		vendor = "intel";
		evidence = _("ACPI DMAR table");
	} else {
		util_path(p, path, sizeof(path), PP_SYS_ACPI_TABLES "/IVRS");
		if (util_exists(path)) {
			vendor = "amd";
			evidence = _("ACPI IVRS table");
		}
	}
	if (!vendor) {
		util_path(p, path, sizeof(path), PP_PROC_CPUINFO);
		if (util_file_read(path, TEXT_MAX, &text, &len, NULL) == 0) {
			if (strstr(text, "GenuineIntel"))
				vendor = "intel";
			else if (strstr(text, "AuthenticAMD"))
				vendor = "amd";
			evidence = _("CPU vendor in /proc/cpuinfo");
			free(text);
			text = NULL;
		}
	}
	if (vendor && strcmp(vendor, "amd") == 0) {
		token[0] = '\0';
		snprintf(why, 256, _("AMD IOMMU (%s): the kernel enables it by default"), evidence);
		return;
	}
	snprintf(token, 32, "intel_iommu=on");
	if (vendor && iommu_turned_off(p, where, sizeof(where))) {
		snprintf(why, 256,
		         "Intel IOMMU (%s): intel_iommu=off in %s turns it off; intel_iommu=on "
		         "replaces it",
		         evidence, where);
		return;
	}
	if (!vendor) {
		snprintf(why, 256,
		         _("IOMMU vendor unknown (no ACPI DMAR/IVRS table, no CPU vendor): "
		           "intel_iommu=on is added to be sure"));
		return;
	}
	util_path(p, path, sizeof(path), PP_BOOT "/config-%s",
	          release && release[0] ? release : "?");
	if (!release || !release[0] || util_file_read(path, 1 << 22, &text, &len, NULL) < 0) {
		snprintf(why, 256,
		         _("Intel IOMMU (%s); /boot/config-%s unreadable, so it may be off by "
		           "default"),
		         evidence, release && release[0] ? release : "?");
		return;
	}
	if (config_yes(text, "CONFIG_INTEL_IOMMU_DEFAULT_ON") ||
	    config_yes(text, "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF")) {
		token[0] = '\0';
		snprintf(why, 256,
		         _("Intel IOMMU (%s): kernel %s enables it by default (/boot/config-%s)"),
		         evidence, release, release);
	} else {
		snprintf(why, 256,
		         _("Intel IOMMU (%s): kernel %s leaves it off by default "
		           "(/boot/config-%s)"),
		         evidence, release, release);
	}
	free(text);
}

const char *host_loader_name(enum host_loader l)
{
	switch (l) {
	case HOST_LOADER_GRUB: return "grub";
	case HOST_LOADER_SYSTEMD_BOOT: return "systemd-boot";
	case HOST_LOADER_UNKNOWN: break;
	}
	return "unknown";
}

static bool file_nonblank(const char *path)
{
	char *data;
	size_t len;
	bool r = false;

	if (util_file_read(path, TEXT_MAX, &data, &len, NULL) < 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)data[i]))
			r = true;
	free(data);
	return r;
}

int host_boot_detect(const struct util_paths *p, struct host_boot *b, struct util_err *e)
{
	char path[PP_PATH_MAX], buf[8];
	char *data;
	size_t len;

	memset(b, 0, sizeof(*b));
	util_path(p, path, sizeof(path), PP_SYS_FIRMWARE_EFI);
	b->uefi = util_is_dir(path);
	util_path(p, path, sizeof(path), PP_ETC_KERNEL_BOOT_UUIDS);
	b->pbt = file_nonblank(path);
	util_path(p, path, sizeof(path), PP_ETC_KERNEL_CMDLINE);
	b->kernel_cmdline = util_exists(path);
	util_path(p, path, sizeof(path), HOST_SECUREBOOT_VAR);
	if (util_file_read(path, 64, &data, &len, NULL) == 0) {
		/* 4 bytes of attributes, then the value */
		b->secure_boot = len >= 5 && data[4] == 1;
		free(data);
	}
	(void)buf;
	util_path(p, path, sizeof(path), PP_PROC_CMDLINE);
	if (util_attr_read(path, b->proc_cmdline, sizeof(b->proc_cmdline)) < 0)
		b->proc_cmdline[0] = '\0';
	if (strncmp(b->proc_cmdline, "initrd=\\EFI\\proxmox\\", 20) == 0) {
		b->loader = HOST_LOADER_SYSTEMD_BOOT;
		b->from_proc = true;
		snprintf(b->why, sizeof(b->why),
		         _("%s starts with initrd=\\EFI\\proxmox\\ (systemd-boot)"),
		         PP_PROC_CMDLINE);
	} else if (strstr(b->proc_cmdline, "BOOT_IMAGE=")) {
		b->loader = HOST_LOADER_GRUB;
		b->from_proc = true;
		if (b->pbt)
			snprintf(b->why, sizeof(b->why),
			         _("%s has BOOT_IMAGE= (GRUB), ESPs managed by proxmox-boot-tool"),
			         PP_PROC_CMDLINE);
		else
			snprintf(b->why, sizeof(b->why), _("%s has BOOT_IMAGE= (GRUB)"),
			         PP_PROC_CMDLINE);
	} else if (b->pbt && b->uefi && !b->secure_boot && b->kernel_cmdline) {
		b->loader = HOST_LOADER_SYSTEMD_BOOT;
		snprintf(b->why, sizeof(b->why),
		         _("inferred: proxmox-boot-tool ESPs, UEFI without Secure Boot, "
		           "%s present (%s says nothing)"),
		         PP_ETC_KERNEL_CMDLINE, PP_PROC_CMDLINE);
	} else {
		b->loader = HOST_LOADER_GRUB;
		if (b->pbt)
			snprintf(b->why, sizeof(b->why),
			         _("inferred: GRUB on ESPs managed by proxmox-boot-tool (%s says "
			           "nothing)"),
			         PP_PROC_CMDLINE);
		else
			snprintf(b->why, sizeof(b->why), _("inferred: GRUB (%s says nothing)"),
			         PP_PROC_CMDLINE);
	}
	(void)e;
	return 0;
}

const char *const *host_boot_refresh_argv(const struct host_boot *b)
{
	static const char *const grub[] = {"update-grub", NULL};
	static const char *const pbt[] = {"proxmox-boot-tool", "refresh", NULL};

	return b->pbt || b->loader == HOST_LOADER_SYSTEMD_BOOT ? pbt : grub;
}

/* ------------------------------------------------------------------ GRUB */

struct grub_vars {
	char *linux_, *dflt;
};

static int set_var(char **var, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*var);
	*var = s;
	return 0;
}

/* Expands $VAR / ${VAR} of the two cmdline variables inside a double-quoted value. */
static int expand(struct util_buf *out, const char *s, size_t len, const struct grub_vars *v)
{
	int r = 0;

	for (size_t i = 0; i < len && r == 0; i++) {
		const char *rest = s + i;
		const char *val = NULL;
		size_t skip = 0;

		if (*rest == '$') {
			static const char *names[] = {"GRUB_CMDLINE_LINUX_DEFAULT",
			                              "GRUB_CMDLINE_LINUX"};
			for (int k = 0; k < 2 && !val; k++) {
				size_t nl = strlen(names[k]);
				bool br = rest[1] == '{';

				if (strncmp(rest + 1 + br, names[k], nl) == 0 &&
				    (!br || rest[1 + br + nl] == '}') &&
				    (br || !(isalnum((unsigned char)rest[1 + nl]) ||
				             rest[1 + nl] == '_'))) {
					val = k == 0 ? v->dflt : v->linux_;
					skip = nl + (br ? 2 : 0);
				}
			}
		}
		if (val) {
			r = util_buf_adds(out, val ? val : "");
			i += skip;
		} else {
			r = util_buf_addc(out, *rest);
		}
	}
	return r;
}

static int grub_parse(const char *text, struct grub_vars *v)
{
	const char *line = text;
	int r = 0;

	while (line && *line && r == 0) {
		const char *eol = strchr(line, '\n'), *s = line, *val;
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		char **var = NULL;
		struct util_buf b = {0};

		while (s < line + ll && isspace((unsigned char)*s))
			s++;
		if (strncmp(s, "export ", 7) == 0)
			s += 7;
		if (strncmp(s, "GRUB_CMDLINE_LINUX_DEFAULT=", 27) == 0) {
			var = &v->dflt;
			val = s + 27;
		} else if (strncmp(s, "GRUB_CMDLINE_LINUX=", 19) == 0) {
			var = &v->linux_;
			val = s + 19;
		}
		if (var) {
			const char *end = line + ll;

			if (*val == '"') {
				const char *q = memchr(val + 1, '"', (size_t)(end - val - 1));

				r = expand(&b, val + 1, (size_t)((q ? q : end) - val - 1), v);
			} else if (*val == '\'') {
				const char *q = memchr(val + 1, '\'', (size_t)(end - val - 1));

				r = util_buf_add(&b, val + 1, (size_t)((q ? q : end) - val - 1));
			} else {
				const char *q = val;

				while (q < end && !isspace((unsigned char)*q) && *q != '#')
					q++;
				r = expand(&b, val, (size_t)(q - val), v);
			}
			if (r == 0)
				r = set_var(var, util_buf_str(&b));
			util_buf_free(&b);
		}
		line = eol ? eol + 1 : NULL;
	}
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with suffix (NULL: all).  Caller frees. */
static int list_dir(const char *dir, const char *suffix, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), sl = suffix ? strlen(suffix) : 0;
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		if (suffix && (l < sl || strcmp(de->d_name + l - sl, suffix) != 0))
			continue;
		nn = realloc(*names, (*n + 1) * sizeof(*nn));
		if (!nn || !(nn[*n] = strdup(de->d_name))) {
			free(nn ? nn : *names);
			closedir(d);
			return -ENOMEM;
		}
		*names = nn;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int host_grub_cmdline(const struct util_paths *p, const char *skip, char **out, struct util_err *e)
{
	struct grub_vars v = {0};
	char path[PP_PATH_MAX], *data, **names = NULL;
	size_t len, n = 0;
	int r;

	*out = NULL;
	util_path(p, path, sizeof(path), PP_ETC_DEFAULT_GRUB);
	r = util_file_read(path, TEXT_MAX, &data, &len, e);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0) {
		r = grub_parse(data, &v);
		free(data);
	} else {
		r = 0;
	}
	util_path(p, path, sizeof(path), PP_ETC_DEFAULT_GRUB_D);
	if (r == 0)
		r = list_dir(path, ".cfg", &names, &n);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (skip && strcmp(names[i], skip) == 0)
			continue;
		util_path(p, path, sizeof(path), PP_ETC_DEFAULT_GRUB_D "/%s", names[i]);
		if (util_file_read(path, TEXT_MAX, &data, &len, NULL) == 0) {
			r = grub_parse(data, &v);
			free(data);
		}
	}
	free_names(names, n);
	if (r == 0 && asprintf(out, "%s%s%s", v.linux_ ? v.linux_ : "",
	                       v.linux_ && *v.linux_ && v.dflt && *v.dflt ? " " : "",
	                       v.dflt ? v.dflt : "") < 0)
		r = -ENOMEM;
	free(v.linux_);
	free(v.dflt);
	return r < 0 ? util_err_errno(e, r, _("reading the GRUB configuration")) : 0;
}

int host_grub_text_remove(const char *text, const char *const *tokens, char **out, size_t *removed)
{
	struct util_buf b = {0};
	const char *line = text;
	int r = 0;

	*removed = 0;
	while (line && *line && r == 0) {
		const char *eol = strchr(line, '\n'), *s = line;
		size_t ll = eol ? (size_t)(eol - line) + 1 : strlen(line);
		const char *q1, *q2;

		while (*s == ' ' || *s == '\t')
			s++;
		q1 = (strncmp(s, "GRUB_CMDLINE_LINUX_DEFAULT=\"", 28) == 0) ? s + 27
		     : (strncmp(s, "GRUB_CMDLINE_LINUX=\"", 20) == 0)       ? s + 19
		                                                            : NULL;
		q2 = q1 ? memchr(q1 + 1, '"', (size_t)(line + ll - q1 - 1)) : NULL;
		if (q1 && q2) {
			char *inner = strndup(q1 + 1, (size_t)(q2 - q1 - 1)), *joined;
			struct host_tokens t;

			if (!inner || host_tokens_split(inner, &t) < 0) {
				free(inner);
				r = -ENOMEM;
				break;
			}
			free(inner);
			for (size_t i = 0; tokens[i]; i++)
				for (size_t j = 0; j < t.n; j++)
					if (strcmp(t.v[j], tokens[i]) == 0) {
						free(t.v[j]);
						memmove(&t.v[j], &t.v[j + 1],
						        (t.n - j - 1) * sizeof(*t.v));
						t.n--;
						j--;
						(*removed)++;
					}
			joined = host_tokens_join(&t);
			host_tokens_free(&t);
			if (!joined) {
				r = -ENOMEM;
				break;
			}
			r = util_buf_add(&b, line, (size_t)(q1 + 1 - line));
			r = r ? r : util_buf_adds(&b, joined);
			r = r ? r : util_buf_add(&b, q2, (size_t)(line + ll - q2));
			free(joined);
		} else {
			r = util_buf_add(&b, line, ll);
		}
		line = eol ? eol + 1 : NULL;
	}
	if (r < 0) {
		util_buf_free(&b);
		return r;
	}
	*out = util_buf_steal(&b);
	return 0;
}

/* ------------------------------------------------------------------ /etc scans */

static int push_conflict(struct host_conflict **out, size_t *n, const char *rule, const char *file,
                         int line, const char *text, size_t tl, const char *fmt, ...)
        __attribute__((format(printf, 8, 9)));

static int push_conflict(struct host_conflict **out, size_t *n, const char *rule, const char *file,
                         int line, const char *text, size_t tl, const char *fmt, ...)
{
	struct host_conflict *nc = realloc(*out, (*n + 1) * sizeof(**out));
	va_list ap;

	if (!nc)
		return -ENOMEM;
	*out = nc;
	nc += *n;
	memset(nc, 0, sizeof(*nc));
	snprintf(nc->rule, sizeof(nc->rule), "%s", rule);
	snprintf(nc->file, sizeof(nc->file), "%s", file);
	nc->line = line;
	snprintf(nc->text, sizeof(nc->text), "%.*s", (int)(tl < 255 ? tl : 255), text);
	va_start(ap, fmt);
	vsnprintf(nc->why, sizeof(nc->why), fmt, ap);
	va_end(ap);
	(*n)++;
	return 0;
}

/* words of a line (up to '#'), at most 8 */
static size_t words(const char *s, size_t len, char w[8][128])
{
	size_t nw = 0, i = 0;

	while (i < len && nw < 8) {
		size_t st;

		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len || s[i] == '#')
			break;
		st = i;
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '#')
			i++;
		snprintf(w[nw++], 128, "%.*s", (int)(i - st), s + st);
	}
	return nw;
}

static bool mod_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

static int scan_modprobe_line(struct host_conflict **out, size_t *n, const char *file, int ln,
                              const char *s, size_t len, enum host_mode mode, unsigned igpu_id)
{
	char w[8][128];
	size_t nw = words(s, len, w);
	/* the module the mode's profile drives the iGPU with */
	const char *need =
	        host_mode_profile(mode)->module ? host_mode_profile(mode)->module : "i915";

	if (nw >= 2 && strcmp(w[0], "blacklist") == 0 && mod_eq(w[1], need))
		return push_conflict(
		        out, n, "modprobe-conflict", file, ln, s, len,
		        _("blacklists %s, the driver the iGPU needs for %s "
		          "(a blacklist only stops autoloading; with nothing else loading "
		          "it, the PF stays without a driver and no VF/mdev can exist)"),
		        need, host_mode_name(mode));
	if (nw >= 3 && strcmp(w[0], "install") == 0 && mod_eq(w[1], need) &&
	    (strstr(w[2], "false") || strstr(w[2], "true")))
		return push_conflict(out, n, "modprobe-conflict", file, ln, s, len,
		                     _("stops %s from ever loading"), need);
	if (nw >= 3 && strcmp(w[0], "options") == 0 && mod_eq(w[1], "vfio_pci")) {
		for (size_t i = 2; i < nw; i++) {
			char idbuf[16];
			const char *ids;

			if (strncmp(w[i], "ids=", 4) != 0)
				continue;
			ids = w[i] + 4;
			if (igpu_id)
				snprintf(idbuf, sizeof(idbuf), "8086:%04x", igpu_id);
			if (igpu_id ? strcasestr(ids, idbuf) != NULL
			            : strcasestr(ids, "8086:") != NULL)
				return push_conflict(
				        out, n, "modprobe-conflict", file, ln, s, len,
				        _("vfio-pci claims the iGPU id (%s): it takes the PF before "
				          "i915/xe, so no VF or mdev can be created (left from a full "
				          "passthrough setup?)"),
				        igpu_id ? idbuf : "8086:...");
		}
	}
	if (nw >= 3 && strcmp(w[0], "options") == 0 &&
	    mod_eq(w[1], host_mode_profile(HOST_MODE_SRIOV_I915)->module)) {
		for (size_t i = 2; i < nw; i++) {
			if (strncmp(w[i], "enable_guc=", 11) == 0) {
				const char *v = w[i] + 11;

				if (mode == HOST_MODE_GVTG)
					return push_conflict(
					        out, n, "modprobe-conflict", file, ln, s, len,
					        _("enable_guc is not for GVT-g (GVT-g needs "
					          "GuC submission off)"));
				if (mode == HOST_MODE_SRIOV_I915 && strcmp(v, "3") != 0)
					return push_conflict(
					        out, n, "modprobe-conflict", file, ln, s, len,
					        _("enable_guc=%s: SR-IOV needs enable_guc=3 (7 is an old "
					          "value that breaks current i915-sriov-dkms)"),
					        v);
			}
			if (strncmp(w[i], "enable_gvt=", 11) == 0 && strcmp(w[i] + 11, "0") != 0 &&
			    mode != HOST_MODE_GVTG)
				return push_conflict(
				        out, n, "modprobe-conflict", file, ln, s, len,
				        _("enable_gvt is GVT-g; it must not be set for "
				          "SR-IOV"));
		}
	}
	return 0;
}

static int scan_modules_line(struct host_conflict **out, size_t *n, const char *file, int ln,
                             const char *s, size_t len, enum host_mode mode)
{
	char w[8][128];
	size_t nw = words(s, len, w);

	if (nw < 1)
		return 0;
	if (mod_eq(w[0], "vfio_virqfd") || mod_eq(w[0], "vfio_mdev"))
		return push_conflict(
		        out, n, "module-obsolete", file, ln, s, len,
		        _("%s no longer exists (merged into vfio in %s): systemd-modules-load logs a "
		          "failure at every boot; remove the line"),
		        w[0], mod_eq(w[0], "vfio_virqfd") ? "6.2" : "5.19");
	/* a module GVT-g's profile loads (kvmgt) does not belong on an SR-IOV host */
	for (const char *const *m = host_mode_profile(HOST_MODE_GVTG)->extra_modules;
	     mode != HOST_MODE_GVTG && *m; m++)
		if (mod_eq(w[0], *m))
			return push_conflict(
			        out, n, "modprobe-conflict", file, ln, s, len,
			        _("%s is GVT-g; on an SR-IOV host it must not be loaded"), *m);
	return 0;
}

/* Hands each line of the text file display (under p's root) to each_line(arg, ln, s, ll): ln
 * counts from 1, s[0..ll) is the line without its newline.  Stops at the first non-zero return,
 * which it returns; a file that cannot be read has no lines. */
static int scan_lines(const struct util_paths *p, const char *display,
                      int (*each_line)(void *arg, int ln, const char *s, size_t ll), void *arg)
{
	char path[PP_PATH_MAX], *data;
	size_t len;
	int ln = 0, r = 0;

	util_path(p, path, sizeof(path), "%s", display);
	if (util_file_read(path, TEXT_MAX, &data, &len, NULL) < 0)
		return 0;
	for (const char *s = data; s && *s && r == 0;) {
		const char *eol = strchr(s, '\n');
		size_t ll = eol ? (size_t)(eol - s) : strlen(s);

		r = each_line(arg, ++ln, s, ll);
		s = eol ? eol + 1 : NULL;
	}
	free(data);
	return r;
}

/* One modprobe.d file, /etc/modules or a modules-load.d file being scanned. */
struct modconf_scan {
	struct host_conflict **out;
	size_t *n;
	const char *display;
	bool modules_syntax; /* /etc/modules, modules-load.d: one module a line */
	enum host_mode mode;
	unsigned id;
};

static int modconf_line(void *arg, int ln, const char *s, size_t ll)
{
	const struct modconf_scan *m = arg;

	if (m->modules_syntax)
		return scan_modules_line(m->out, m->n, m->display, ln, s, ll, m->mode);
	return scan_modprobe_line(m->out, m->n, m->display, ln, s, ll, m->mode, m->id);
}

static int scan_file(const struct util_paths *p, const char *display, bool modules_syntax,
                     enum host_mode mode, unsigned id, struct host_conflict **out, size_t *n)
{
	struct modconf_scan m = {out, n, display, modules_syntax, mode, id};

	return scan_lines(p, display, modconf_line, &m);
}

int host_modconf_scan(const struct util_paths *p, enum host_mode mode, unsigned igpu_id,
                      struct host_conflict **out, size_t *n, struct util_err *e)
{
	char path[PP_PATH_MAX], disp[PP_PATH_MAX], **names;
	size_t nn;
	int r;

	*out = NULL;
	*n = 0;
	util_path(p, path, sizeof(path), PP_ETC_MODPROBE_D);
	r = list_dir(path, ".conf", &names, &nn);
	for (size_t i = 0; i < nn && r == 0; i++) {
		snprintf(disp, sizeof(disp), PP_ETC_MODPROBE_D "/%s", names[i]);
		r = scan_file(p, disp, false, mode, igpu_id, out, n);
	}
	free_names(names, nn);
	if (r == 0)
		r = scan_file(p, PP_ETC_MODULES, true, mode, igpu_id, out, n);
	util_path(p, path, sizeof(path), PP_ETC_MODULES_LOAD_D);
	if (r == 0)
		r = list_dir(path, ".conf", &names, &nn);
	else
		nn = 0, names = NULL;
	for (size_t i = 0; i < nn && r == 0; i++) {
		snprintf(disp, sizeof(disp), PP_ETC_MODULES_LOAD_D "/%s", names[i]);
		if (strcmp(disp, HOST_MODULES_FILE) != 0)
			r = scan_file(p, disp, true, mode, igpu_id, out, n);
	}
	free_names(names, nn);
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return util_err_errno(e, r, _("scanning modprobe.d and modules"));
	}
	return 0;
}

/* How a file that may set sriov_numvfs is written: decides whether a line that names the
 * attribute writes it or only reads or tests it (a unit that checks the VF count before starting
 * the VMs is no competing writer). */
enum numvfs_syntax {
	NUMVFS_SYSFS_CONF, /* "[mode|owner] ATTR = VALUE" (sysfsutils) */
	NUMVFS_TMPFILES,   /* "TYPE PATH MODE USER GROUP AGE ARGUMENT" (tmpfiles.d(5)) */
	NUMVFS_UDEV,       /* udev keys, and RUN+= commands as in NUMVFS_SHELL */
	NUMVFS_SHELL,      /* rc.local, the Exec*= lines of a systemd unit */
};

/* The first word of the command that a word ending at w (quotes and blanks before the word
 * skipped) belongs to: back to the nearest '|', ';', '&', '(', '`', '=' (ExecStart=) or quote
 * (sh -c 'tee PATH'); its basename into out. */
static void shell_command_of(const char *line, const char *w, char *out, size_t size)
{
	const char *c = w, *e;

	while (c > line && !strchr("|;&(`='\"", c[-1]))
		c--;
	c += strspn(c, " \t");
	e = c + strcspn(c, " \t'\"");
	for (const char *sl = c; sl < e; sl++)
		if (*sl == '/')
			c = sl + 1;
	snprintf(out, size, "%.*s", (int)(e - c), c);
}

/* Does a shell command line write the file named ...sriov_numvfs?  It does when a word naming
 * the attribute is the target of a redirection (echo 3 > PATH, >> PATH, 2>PATH), an argument of
 * tee (echo 3 | tee PATH) or dd's of=PATH.  cat PATH, read n <PATH, test -f PATH, [ -e PATH ],
 * grep -q 3 PATH only read it.  A path held in a variable is not followed. */
static bool shell_writes_numvfs(const char *line)
{
	for (const char *s = strstr(line, "sriov_numvfs"); s; s = strstr(s + 1, "sriov_numvfs")) {
		const char *w = s, *q;
		char cmd[32];

		while (w > line && !strchr(" \t'\"<>;|&()=`", w[-1]))
			w--;
		for (q = w; q > line && strchr(" \t'\"", q[-1]); q--)
			;
		if (q > line && q[-1] == '>')
			return true;
		if (w - line >= 3 && w[-1] == '=' && w[-2] == 'f' && w[-3] == 'o' &&
		    (w - line == 3 || strchr(" \t'\"", w[-4])))
			return true;
		shell_command_of(line, q, cmd, sizeof(cmd));
		if (strcmp(cmd, "tee") == 0)
			return true;
	}
	return false;
}

/* Does the line (no comment, names sriov_numvfs) write the attribute, in that file's syntax? */
static bool numvfs_line_writes(const char *line, enum numvfs_syntax syn)
{
	const char *t = line + strspn(line, " \t"), *s;
	size_t wl = strcspn(t, " \t");

	switch (syn) {
	case NUMVFS_SYSFS_CONF: /* "mode ATTR = 0600" and "owner ATTR = u:g" set no value */
		if ((wl == 4 && strncmp(t, "mode", 4) == 0) ||
		    (wl == 5 && strncmp(t, "owner", 5) == 0))
			return false;
		return strchr(strstr(t, "sriov_numvfs"), '=') != NULL;
	case NUMVFS_TMPFILES: /* w writes the argument; f+ truncates and writes it; z, r, ... do not */
		return t[0] == 'w' || (t[0] == 'f' && t[1] == '+');
	case NUMVFS_UDEV: /* ATTR{sriov_numvfs}="3" assigns; == and != match */
		for (s = strstr(t, "sriov_numvfs}"); s; s = strstr(s + 1, "sriov_numvfs}")) {
			const char *o = s + strlen("sriov_numvfs}");

			o += strspn(o, " \t");
			if (o[0] == '=' && o[1] != '=')
				return true;
		}
		return shell_writes_numvfs(t);
	case NUMVFS_SHELL: break;
	}
	return shell_writes_numvfs(t);
}

/* One file of another boot-time mechanism being scanned for sriov_numvfs writes. */
struct numvfs_scan {
	struct host_conflict **out;
	size_t *n;
	const char *display, *what;
	enum numvfs_syntax syn;
};

static int numvfs_line(void *arg, int ln, const char *s, size_t ll)
{
	const struct numvfs_scan *v = arg;
	const char *t = s;
	char *line = strndup(s, ll);
	int r = 0;

	while (*t == ' ' || *t == '\t')
		t++;
	if (line && *t != '#' && strstr(line, "sriov_numvfs") && numvfs_line_writes(line, v->syn))
		r = push_conflict(v->out, v->n, "vfs-other-mechanism", v->display, ln, s, ll,
		                  _("%s also sets sriov_numvfs at boot; two mechanisms race "
		                    "(the second write fails with EBUSY or changes the count): "
		                    "keep only the tool's unit"),
		                  v->what);
	free(line);
	return r;
}

static int scan_numvfs(const struct util_paths *p, const char *display, const char *what,
                       enum numvfs_syntax syn, struct host_conflict **out, size_t *n)
{
	struct numvfs_scan v = {out, n, display, what, syn};

	return scan_lines(p, display, numvfs_line, &v);
}

int host_vf_mechanisms_scan(const struct util_paths *p, struct host_conflict **out, size_t *n,
                            struct util_err *e)
{
	static const struct {
		const char *dir, *suffix, *what;
		enum numvfs_syntax syn;
	} dirs[] = {
	        {PP_ETC_SYSFS_D, ".conf", "sysfsutils", NUMVFS_SYSFS_CONF},
	        {HOST_ETC_TMPFILES_D, ".conf", "systemd-tmpfiles", NUMVFS_TMPFILES},
	        {PP_ETC_UDEV_RULES_D, ".rules", "a udev rule", NUMVFS_UDEV},
	        {PP_ETC_SYSTEMD_SYSTEM, ".service", "a systemd unit", NUMVFS_SHELL},
	};
	char path[PP_PATH_MAX], disp[PP_PATH_MAX], **names;
	size_t nn;
	int r;

	*out = NULL;
	*n = 0;
	r = scan_numvfs(p, PP_ETC_SYSFS_CONF, "sysfsutils (/etc/sysfs.conf)", NUMVFS_SYSFS_CONF,
	                out, n);
	if (r == 0)
		r = scan_numvfs(p, HOST_ETC_RC_LOCAL, "rc.local", NUMVFS_SHELL, out, n);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && r == 0; d++) {
		util_path(p, path, sizeof(path), "%s", dirs[d].dir);
		r = list_dir(path, dirs[d].suffix, &names, &nn);
		for (size_t i = 0; i < nn && r == 0; i++) {
			snprintf(disp, sizeof(disp), "%s/%s", dirs[d].dir, names[i]);
			if (strcmp(disp, HOST_UNIT_LEGACY) != 0)
				r = scan_numvfs(p, disp, dirs[d].what, dirs[d].syn, out, n);
		}
		free_names(names, nn);
	}
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return util_err_errno(e, r, _("scanning for sriov_numvfs writers"));
	}
	return 0;
}

int host_vf_instance_parse(const char *inst, char pf[SYSFS_BDF_LEN], int *n)
{
	const char *colon = strrchr(inst, ':'), *num = colon ? colon + 1 : inst;
	char *end;
	long v;

	pf[0] = '\0';
	if (colon) {
		if ((size_t)(colon - inst) >= SYSFS_BDF_LEN)
			return -EINVAL;
		snprintf(pf, SYSFS_BDF_LEN, "%.*s", (int)(colon - inst), inst);
		if (!sysfs_bdf_valid(pf)) {
			pf[0] = '\0';
			return -EINVAL;
		}
	}
	if (!isdigit((unsigned char)*num))
		return -EINVAL;
	v = strtol(num, &end, 10);
	if (*end || v < 0 || v > 256) {
		pf[0] = '\0';
		return -EINVAL;
	}
	*n = (int)v;
	return 0;
}

void host_names_free(char **names, size_t n)
{
	free_names(names, n);
}

int host_vf_units_list(const struct util_paths *p, char ***names, size_t *n)
{
	char path[PP_PATH_MAX];
	size_t k = 0;
	int r;

	util_path(p, path, sizeof(path), HOST_UNIT_WANTS_DIR);
	r = list_dir(path, ".service", names, n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < *n; i++) {
		if (strncmp((*names)[i], HOST_UNIT_PREFIX, strlen(HOST_UNIT_PREFIX)) == 0 &&
		    strcmp((*names)[i], HOST_UNIT_PREFIX ".service") != 0)
			(*names)[k++] = (*names)[i];
		else
			free((*names)[i]);
	}
	*n = k;
	return 0;
}

/* The PF and the count a line that writes sriov_numvfs names, as each mechanism spells it:
 *   sysfs.conf   bus/pci/devices/0000:00:02.0/sriov_numvfs = 7
 *   tmpfiles.d   w /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs - - - - 7
 *   udev         ACTION=="add", KERNEL=="0000:00:02.0", ATTR{sriov_numvfs}="7"
 *   a script     echo 7 > /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs
 * pf "" when the line names no full PCI address, count -1 when no number can be read off. */
static void vf_line_parse(const char *text, char pf[SYSFS_BDF_LEN], int *count)
{
	const char *s, *num = NULL;

	pf[0] = '\0';
	*count = -1;
	for (s = text; *s; s++)
		if (strlen(s) >= 12 && s[4] == ':' && s[7] == ':' && s[10] == '.' &&
		    isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[11])) {
			snprintf(pf, SYSFS_BDF_LEN, "%.12s", s);
			break;
		}
	if ((s = strstr(text, "sriov_numvfs}")))
		num = s + strcspn(s, "0123456789\"") + (s[strcspn(s, "0123456789\"")] == '"');
	else if ((s = strstr(text, "echo ")))
		num = s + 5;
	else if (text[strspn(text, " \t")] == 'w' && (s = strrchr(text, ' ')))
		num = s + 1;
	else if ((s = strstr(text, "sriov_numvfs")) && (s = strchr(s, '=')))
		num = s + 1 + strspn(s + 1, " \t");
	if (num && isdigit((unsigned char)*num))
		*count = atoi(num);
}

int host_vf_boot_scan(const struct util_paths *p, struct policy_vf_boot **out, size_t *n,
                      bool *unit_enabled)
{
	struct host_conflict *c = NULL;
	size_t nc = 0;
	char path[PP_PATH_MAX], *data = NULL, *s;
	size_t len;
	int r;

	*out = NULL;
	*n = 0;
	r = host_vf_mechanisms_scan(p, &c, &nc, NULL);
	if (r < 0)
		return r;
	*out = calloc(nc + 1, sizeof(**out));
	if (!*out) {
		free(c);
		return -ENOMEM;
	}
	/* the tool's own unit: the enabled instances of the package's template (the PF and count
	 * are the instance, PF:N or N), else the unit file of versions before 0.2 ("ExecStart=<tool>
	 * host vfs [--pf BDF] N") */
	{
		char **names = NULL;
		size_t nn = 0;

		r = host_vf_units_list(p, &names, &nn);
		if (r == 0 && nn) {
			struct policy_vf_boot *o = realloc(*out, (nc + nn + 1) * sizeof(**out));

			if (!o)
				r = -ENOMEM;
			else
				*out = o;
		}
		for (size_t i = 0; i < nn && r == 0; i++) {
			struct policy_vf_boot *v = &(*out)[(*n)++];
			char inst[128];

			memset(v, 0, sizeof(*v));
			v->tool_unit = true;
			v->count = -1;
			snprintf(v->file, sizeof(v->file), HOST_UNIT_WANTS_DIR "/%s", names[i]);
			snprintf(inst, sizeof(inst), "%.*s",
			         (int)(strlen(names[i]) - strlen(HOST_UNIT_PREFIX) -
			               strlen(".service")),
			         names[i] + strlen(HOST_UNIT_PREFIX));
			snprintf(v->text, sizeof(v->text), "%s", names[i]);
			if (host_vf_instance_parse(inst, v->pf, &v->count) < 0)
				v->count = -1;
			*unit_enabled = true;
		}
		host_names_free(names, nn);
		if (r < 0) {
			free(c);
			free(*out);
			*out = NULL;
			*n = 0;
			return r;
		}
	}
	util_path(p, path, sizeof(path), HOST_UNIT_LEGACY);
	if (!*n && util_file_read(path, 1 << 16, &data, &len, NULL) == 0) {
		struct policy_vf_boot *v = &(*out)[(*n)++];

		v->tool_unit = true;
		v->count = -1;
		snprintf(v->file, sizeof(v->file), "%s", HOST_UNIT_LEGACY);
		if ((s = strstr(data, "ExecStart="))) {
			char *eol = strchr(s, '\n'), *sp;

			if (eol)
				*eol = '\0';
			snprintf(v->text, sizeof(v->text), "%s", s);
			sp = strrchr(s, ' ');
			if (sp && isdigit((unsigned char)sp[1]))
				v->count = atoi(sp + 1);
			if ((sp = strstr(s, "--pf ")))
				snprintf(v->pf, sizeof(v->pf), "%.12s", sp + 5);
		}
		free(data);
		util_path(p, path, sizeof(path), HOST_UNIT_LEGACY_WANTS);
		*unit_enabled =
		        util_exists(path) || util_link_basename(path, path, sizeof(path)) == 0;
	}
	for (size_t i = 0; i < nc; i++) {
		struct policy_vf_boot *v = &(*out)[(*n)++];

		snprintf(v->file, sizeof(v->file), "%s", c[i].file);
		v->line = c[i].line;
		snprintf(v->text, sizeof(v->text), "%s", c[i].text);
		snprintf(v->why, sizeof(v->why), "%s", c[i].why);
		vf_line_parse(c[i].text, v->pf, &v->count);
	}
	free(c);
	return 0;
}
