/* host/dkms.c - dkms status parsing, the dkms tree per installed kernel, headers, next-boot kernel,
 * and the release -> kernel window table: facts (struct policy_kernel per kernel) for setup's plan
 * and for the dkms rules of policy/host_rules.c, which judge them.  Reads only; never runs dkms
 * itself. */
#include "host/dkms.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/i18n.h"

static void trim_copy(char *dst, size_t n, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	snprintf(dst, n, "%.*s", (int)len, s);
}

static bool parse_line(const char *s, size_t len, struct host_dkms_entry *d)
{
	const char *colon = memchr(s, ':', len), *f[5], *st;
	size_t fl[5], nf = 0, stl;
	char state[32];

	memset(d, 0, sizeof(*d));
	/* (fuzz_dkms: a line starting with ':' has no head field; f[0] was read unset) */
	if (!colon || colon == s)
		return false;
	/* fields of the head, separated by ',' */
	for (const char *p = s; p < colon && nf < 5;) {
		const char *c = memchr(p, ',', (size_t)(colon - p));

		f[nf] = p;
		fl[nf] = (size_t)((c ? c : colon) - p);
		nf++;
		p = c ? c + 1 : colon;
	}
	st = colon + 1;
	while (st < s + len && isspace((unsigned char)*st))
		st++;
	stl = 0;
	while (st + stl < s + len && !isspace((unsigned char)st[stl]))
		stl++;
	trim_copy(state, sizeof(state), st, stl);
	trim_copy(d->extra, sizeof(d->extra), st + stl, (size_t)(s + len - st - stl));
	if (strcmp(state, "added") == 0)
		d->state = HOST_DKMS_ADDED;
	else if (strcmp(state, "built") == 0)
		d->state = HOST_DKMS_BUILT;
	else if (strcmp(state, "installed") == 0)
		d->state = HOST_DKMS_INSTALLED;
	else if (strcmp(state, "installed-weak") == 0)
		d->state = HOST_DKMS_INSTALLED_WEAK;
	else if (strcmp(state, "broken") == 0)
		d->state = HOST_DKMS_BROKEN;
	else
		return false;
	{
		const char *slash = memchr(f[0], '/', fl[0]);
		size_t k = 1;

		if (slash) { /* 3.x: module/version, kver, arch */
			trim_copy(d->module, sizeof(d->module), f[0], (size_t)(slash - f[0]));
			trim_copy(d->version, sizeof(d->version), slash + 1,
			          fl[0] - (size_t)(slash + 1 - f[0]));
		} else { /* 2.x: module, version, kver, arch */
			if (nf < 2)
				return false;
			trim_copy(d->module, sizeof(d->module), f[0], fl[0]);
			trim_copy(d->version, sizeof(d->version), f[1], fl[1]);
			k = 2;
		}
		if (k < nf)
			trim_copy(d->kernel, sizeof(d->kernel), f[k], fl[k]);
		if (k + 1 < nf)
			trim_copy(d->arch, sizeof(d->arch), f[k + 1], fl[k + 1]);
		if (nf > k + 2)
			return false;
	}
	if (!d->module[0] || !d->version[0] || strchr(d->module, ' ') || strchr(d->version, ' '))
		return false;
	if ((d->state == HOST_DKMS_BUILT || d->state == HOST_DKMS_INSTALLED) && !d->kernel[0])
		return false;
	return true;
}

int host_dkms_status_parse(const char *text, struct host_dkms_entry **out, size_t *n,
                           size_t *skipped)
{
	*out = NULL;
	*n = 0;
	*skipped = 0;
	for (const char *s = text; s && *s;) {
		const char *eol = strchr(s, '\n'), *t = s;
		size_t ll = eol ? (size_t)(eol - s) : strlen(s);
		struct host_dkms_entry d;

		while (t < s + ll && isspace((unsigned char)*t))
			t++;
		if (t < s + ll && *t != '#') {
			if (parse_line(t, (size_t)(s + ll - t), &d)) {
				struct host_dkms_entry *ne =
				        realloc(*out, (*n + 1) * sizeof(**out));

				if (!ne) {
					free(*out);
					*out = NULL;
					*n = 0;
					return -ENOMEM;
				}
				*out = ne;
				ne[(*n)++] = d;
			} else {
				(*skipped)++;
			}
		}
		s = eol ? eol + 1 : NULL;
	}
	return 0;
}

int host_kver_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b) {
			/* a digit run sorts after the end and after punctuation */
			if (!*a)
				return -1;
			if (!*b)
				return 1;
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		}
		a++;
		b++;
	}
	return 0;
}

/* ------------------------------------------------------------------ windows */

static const struct host_dkms_window builtin_windows[] = {
        {"2026.05.06", 6, 17, 7, 0},
        {"2026.03.05.1", 6, 12, 6, 19},
        {"2025.07.22", 6, 8, 6, 16},
        {"intel-lts-v6.1", 6, 1, 6, 7},
};

static bool parse_mm(const char *s, int *maj, int *min)
{
	char *e;

	*maj = (int)strtol(s, &e, 10);
	if (e == s || *e != '.')
		return false;
	s = e + 1;
	*min = (int)strtol(s, &e, 10);
	return e != s && *e == '\0';
}

int host_dkms_windows_load(const struct util_paths *p, struct host_dkms_window **w, size_t *n,
                           char *source, size_t source_len, struct util_err *e)
{
	static const char *const files[] = {HOST_DKMS_WINDOWS_LOCAL, HOST_DKMS_WINDOWS_SYSTEM};
	char path[PP_PATH_MAX], *data = NULL;
	size_t len;
	int r = -ENOENT, ln = 0;
	const char *used = NULL;

	*w = NULL;
	*n = 0;
	for (size_t i = 0; i < 2 && r == -ENOENT; i++) {
		util_path(p, path, sizeof(path), "%s", files[i]);
		r = util_file_read(path, 1 << 16, &data, &len, e);
		used = files[i];
		if (r < 0 && r != -ENOENT)
			return r;
	}
	if (r == -ENOENT) {
		*w = malloc(sizeof(builtin_windows));
		if (!*w)
			return util_err_set(e, -ENOMEM, _("out of memory"));
		memcpy(*w, builtin_windows, sizeof(builtin_windows));
		*n = sizeof(builtin_windows) / sizeof(builtin_windows[0]);
		snprintf(source, source_len, "built-in");
		return 0;
	}
	snprintf(source, source_len, "%s", used);
	for (char *s = data, *save = NULL, *line; (line = strtok_r(s, "\n", &save)); s = NULL) {
		char f[3][64];
		int nf;
		struct host_dkms_window win, *nw;

		ln++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		nf = sscanf(line, "%63s %63s %63s", f[0], f[1], f[2]);
		memset(&win, 0, sizeof(win));
		if (nf != 3 || !parse_mm(f[1], &win.min_major, &win.min_minor) ||
		    !parse_mm(f[2], &win.max_major, &win.max_minor)) {
			free(data);
			free(*w);
			*w = NULL;
			*n = 0;
			return util_err_set(e, -EINVAL,
			                    _("%s line %d: expected 'release<TAB>min<TAB>max' with "
			                      "kernel versions like 6.8 and 6.16"),
			                    used, ln);
		}
		snprintf(win.release, sizeof(win.release), "%s", f[0]);
		nw = realloc(*w, (*n + 1) * sizeof(**w));
		if (!nw) {
			free(data);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		}
		*w = nw;
		nw[(*n)++] = win;
	}
	free(data);
	return 0;
}

bool host_dkms_window_fits(const struct host_dkms_window *w, const char *kver)
{
	int maj, min;
	long v;

	if (sscanf(kver, "%d.%d", &maj, &min) != 2)
		return false;
	v = maj * 1000L + min;
	return v >= w->min_major * 1000L + w->min_minor && v <= w->max_major * 1000L + w->max_minor;
}

/* ------------------------------------------------------------------ scan */

static int cmp_kver_desc(const void *a, const void *b)
{
	return host_kver_cmp(((const struct policy_kernel *)b)->release,
	                     ((const struct policy_kernel *)a)->release);
}

/* Does dir (host path) hold i915.ko, i915.ko.xz or i915.ko.zst? */
static bool has_i915(const struct util_paths *p, const char *dir)
{
	static const char *const names[] = {"i915.ko", "i915.ko.xz", "i915.ko.zst", "i915.ko.gz"};
	char path[PP_PATH_MAX];

	for (size_t i = 0; i < 4; i++) {
		util_path(p, path, sizeof(path), "%s/%s", dir, names[i]);
		if (util_exists(path))
			return true;
	}
	return false;
}

/* A symlink under the root whose target is absolute is resolved under the root too. */
static bool link_is_dir(const struct util_paths *p, const char *host_path)
{
	char path[PP_PATH_MAX], target[PP_PATH_MAX];
	ssize_t l;

	util_path(p, path, sizeof(path), "%s", host_path);
	l = readlink(path, target, sizeof(target) - 1);
	if (l < 0)
		return util_is_dir(path);
	target[l] = '\0';
	if (target[0] == '/') {
		util_path(p, path, sizeof(path), "%s", target);
		return util_is_dir(path);
	}
	return util_is_dir(path);
}

static int add_kernel(struct host_dkms_report *r, const char *rel)
{
	struct policy_kernel *nk = realloc(r->kernels, (r->n_kernels + 1) * sizeof(*nk));

	if (!nk)
		return -ENOMEM;
	r->kernels = nk;
	memset(&nk[r->n_kernels], 0, sizeof(*nk));
	snprintf(nk[r->n_kernels].release, sizeof(nk->release), "%.127s", rel);
	r->n_kernels++;
	return 0;
}

int host_dkms_scan(const struct util_paths *p, const char *running,
                   const struct host_dkms_window *w, size_t n_w, struct host_dkms_report *r,
                   struct util_err *e)
{
	char path[PP_PATH_MAX], pin[128] = "";
	DIR *d;
	struct dirent *de;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->next_boot = -1;
	/* the dkms module and its added source versions */
	util_path(p, path, sizeof(path), PP_VAR_LIB_DKMS);
	if ((d = opendir(path))) {
		while ((de = readdir(d)))
			if (strncmp(de->d_name, "i915-sriov", 10) == 0 && !r->module[0])
				snprintf(r->module, sizeof(r->module), "%.63s", de->d_name);
		closedir(d);
	}
	if (r->module[0]) {
		util_path(p, path, sizeof(path), PP_VAR_LIB_DKMS "/%s", r->module);
		if ((d = opendir(path))) {
			while ((de = readdir(d)) && rc == 0) {
				char(*ns)[64];

				if (de->d_name[0] == '.' ||
				    strncmp(de->d_name, "kernel-", 7) == 0 ||
				    strcmp(de->d_name, "source") == 0)
					continue;
				ns = realloc(r->sources, (r->n_sources + 1) * sizeof(*ns));
				if (!ns) {
					rc = -ENOMEM;
					break;
				}
				r->sources = ns;
				snprintf(ns[r->n_sources++], 64, "%.63s", de->d_name);
			}
			closedir(d);
		}
	}
	/* installed kernels: /lib/modules/<kver> with a kernel/ tree or a /boot/vmlinuz-<kver> */
	util_path(p, path, sizeof(path), PP_LIB_MODULES);
	if (rc == 0 && (d = opendir(path))) {
		while ((de = readdir(d)) && rc == 0) {
			char a[PP_PATH_MAX], b[PP_PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			util_path(p, a, sizeof(a), PP_LIB_MODULES "/%s/kernel", de->d_name);
			util_path(p, b, sizeof(b), PP_BOOT "/vmlinuz-%s", de->d_name);
			if (util_is_dir(a) || util_exists(b))
				rc = add_kernel(r, de->d_name);
		}
		closedir(d);
	}
	if (rc < 0) {
		host_dkms_report_free(r);
		return util_err_set(e, rc, _("out of memory"));
	}
	if (r->n_kernels)
		qsort(r->kernels, r->n_kernels, sizeof(*r->kernels), cmp_kver_desc);
	util_path(p, path, sizeof(path), PP_ETC_KERNEL_BOOT_PIN);
	if (util_attr_read(path, pin, sizeof(pin)) < 0)
		pin[0] = '\0';
	for (size_t i = 0; i < r->n_kernels; i++) {
		struct policy_kernel *k = &r->kernels[i];
		char host[PP_PATH_MAX];

		snprintf(host, sizeof(host), PP_LIB_MODULES "/%s/build", k->release);
		k->headers = link_is_dir(p, host);
		snprintf(host, sizeof(host), PP_LIB_MODULES "/%s/updates/dkms", k->release);
		k->dkms_installed = has_i915(p, host);
		for (size_t s = 0; s < r->n_sources; s++) {
			char adir[PP_PATH_MAX];
			DIR *ad;

			snprintf(host, sizeof(host), PP_VAR_LIB_DKMS "/%s/%s/%s", r->module,
			         r->sources[s], k->release);
			util_path(p, adir, sizeof(adir), "%s", host);
			if ((ad = opendir(adir))) {
				while ((de = readdir(ad)))
					if (de->d_name[0] != '.') {
						char mdir[PP_PATH_MAX];

						snprintf(mdir, sizeof(mdir),
						         "%.3800s/%.200s/module", host, de->d_name);
						if (has_i915(p, mdir)) {
							k->dkms_built = true;
							snprintf(k->dkms_version,
							         sizeof(k->dkms_version), "%s",
							         r->sources[s]);
						}
					}
				closedir(ad);
			}
			for (size_t j = 0; j < n_w; j++)
				if (strcmp(w[j].release, r->sources[s]) == 0 &&
				    host_dkms_window_fits(&w[j], k->release))
					k->source_fits = true;
		}
		for (size_t j = 0; j < n_w && !k->fitting[0]; j++)
			if (host_dkms_window_fits(&w[j], k->release))
				snprintf(k->fitting, sizeof(k->fitting), "%s", w[j].release);
		k->running = running && strcmp(running, k->release) == 0;
		if (pin[0] && strcmp(pin, k->release) == 0) {
			k->pinned = true;
			r->next_boot = (long)i;
		}
	}
	if (r->next_boot < 0 && r->n_kernels)
		r->next_boot = 0;
	if (r->next_boot >= 0)
		r->kernels[r->next_boot].next_boot = true;
	return 0;
}

void host_dkms_report_free(struct host_dkms_report *r)
{
	free(r->kernels);
	free(r->sources);
	memset(r, 0, sizeof(*r));
	r->next_boot = -1;
}
