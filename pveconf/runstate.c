/* pveconf/runstate.c - reads qemu-server's runtime files: VM pid files checked against
 * /proc/<pid>/cmdline the way PVE does, and the PCI id reservations.  Reads only; never
 * signals or touches a process, never prints. */
#include "pveconf/runstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define CMDLINE_MAX (1024 * 1024)

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Does the argument at a (up to end) equal want? */
static bool arg_is(const char *a, const char *end, const char *want)
{
	size_t n = strnlen(a, (size_t)(end - a));

	return n == strlen(want) && memcmp(a, want, n) == 0;
}

bool pveconf_qemu_cmdline_is_vm(const char *cmdline, size_t len, unsigned vmid)
{
	char want_var[64], want_run[64];
	const char *end = cmdline + len, *base = cmdline;
	size_t n0 = strnlen(cmdline, len);

	if (n0 == 0)
		return false;
	/* argv[0]: PVE takes anything ending in "kvm" (/usr/bin/kvm); we also take
	 * .../qemu-system-<arch> (PVE: qemu-system-x86_64) */
	for (size_t i = 0; i < n0; i++)
		if (cmdline[i] == '/')
			base = cmdline + i + 1;
	if (!(n0 >= 3 && memcmp(cmdline + n0 - 3, "kvm", 3) == 0) &&
	    !((size_t)(cmdline + n0 - base) > 12 && memcmp(base, "qemu-system-", 12) == 0))
		return false;
	snprintf(want_var, sizeof(want_var), PP_VAR_RUN_QEMU_SERVER "/%u.pid", vmid);
	snprintf(want_run, sizeof(want_run), PP_RUN_QEMU_SERVER "/%u.pid", vmid);
	/* the first -pidfile decides, as in PVE's check */
	for (const char *a = cmdline; a < end; a += strnlen(a, (size_t)(end - a)) + 1) {
		const char *v;

		if (!arg_is(a, end, "-pidfile") && !arg_is(a, end, "--pidfile"))
			continue;
		v = a + strnlen(a, (size_t)(end - a)) + 1;
		if (v >= end)
			return false;
		return arg_is(v, end, want_var) || arg_is(v, end, want_run);
	}
	return false;
}

/* A zombie has a /proc entry but no QEMU any more (PVE checks /proc/<pid>/stat too).  A missing
 * stat file (fixtures) is not held against the process. */
static bool is_zombie(const struct util_paths *p, long pid)
{
	char path[PP_PATH_MAX], buf[512];
	const char *rp;

	if (util_path(p, path, sizeof(path), PP_PROC "/%ld/stat", pid) < 0 ||
	    util_attr_read(path, buf, sizeof(buf)) < 0)
		return false;
	rp = strrchr(buf, ')'); /* "4242 (kvm) S 1 ..." */
	return rp && rp[1] == ' ' && rp[2] == 'Z';
}

enum pveconf_runstate pveconf_vm_runstate(const struct util_paths *p, unsigned vmid, long *pid,
                                          struct util_err *e)
{
	char path[PP_PATH_MAX], proc[PP_PATH_MAX], line[64], *cmd = NULL;
	struct util_err le = {0};
	size_t n, len;
	long v;
	bool ok;
	int r;

	if (pid)
		*pid = 0;
	if (util_path(p, path, sizeof(path), PP_RUN_QEMU_SERVER "/%u.pid", vmid) < 0)
		return PVECONF_VM_STOPPED;
	r = util_attr_read(path, line, sizeof(line));
	if (r == -ENOENT)
		return PVECONF_VM_STOPPED; /* no pid file: PVE says stopped */
	if (r < 0) {
		util_err_set(e, r, _("cannot tell whether VM %u runs: %s cannot be read (%s)"),
		             vmid, util_path_display(p, path), strerror(-r));
		return PVECONF_VM_RUNSTATE_UNKNOWN;
	}
	/* first line, digits only (PVE: ^(\d+)$) */
	n = strcspn(line, "\n");
	if (!all_digits(line, n) || n > 10)
		return PVECONF_VM_STOPPED;
	line[n] = '\0';
	v = strtol(line, NULL, 10);
	if (v <= 0)
		return PVECONF_VM_STOPPED;
	if (util_path(p, proc, sizeof(proc), PP_PROC "/%ld", v) < 0 ||
	    util_path(p, path, sizeof(path), PP_PROC "/%ld/cmdline", v) < 0)
		return PVECONF_VM_STOPPED;
	r = util_file_readat(AT_FDCWD, path, 0, util_path_display(p, path), CMDLINE_MAX, &cmd, &len,
	                     &le);
	if (r < 0) {
		/* the process is gone (no /proc/<pid>): stopped; anything else: unknown */
		if (r == -ENOENT && !util_exists(proc))
			return PVECONF_VM_STOPPED;
		util_err_set(e, r, _("cannot tell whether VM %u runs: %s"), vmid,
		             r == -ENOENT ? _("its /proc entry has no cmdline") : le.msg);
		return PVECONF_VM_RUNSTATE_UNKNOWN;
	}
	ok = pveconf_qemu_cmdline_is_vm(cmd, len, vmid) && !is_zombie(p, v);
	free(cmd);
	if (ok && pid)
		*pid = v;
	return ok ? PVECONF_VM_RUNNING : PVECONF_VM_STOPPED;
}

bool pveconf_vm_running(const struct util_paths *p, unsigned vmid, long *pid)
{
	return pveconf_vm_runstate(p, vmid, pid, NULL) == PVECONF_VM_RUNNING;
}

/* "<id> <vmid> time:<epoch>" / "<id> <vmid> pid:<pid>", id = (dddd:)?bb:ss.f, lowercase hex,
 * single blanks (PVE: ^($PCIRE)\s(\d+)\s(time|pid)\:(\d+)$) */
static bool parse_line(const char *s, size_t n, struct pveconf_pci_reservation *r)
{
	char buf[256];
	const char *f[3];
	size_t flen[3], i = 0, k = 0, hex = 0;
	const char *t;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* three fields separated by exactly one whitespace character each */
	f[0] = buf;
	for (t = buf; *t && k < 3; t++) {
		if (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\f' || *t == '\v') {
			flen[k] = (size_t)(t - f[k]);
			if (++k < 3)
				f[k] = t + 1;
			else
				return false;
		}
	}
	if (k != 2)
		return false;
	flen[2] = strlen(f[2]);
	/* the id */
	if (flen[0] >= sizeof(r->id))
		return false;
	for (i = 0; i < flen[0] &&
	            ((f[0][i] >= '0' && f[0][i] <= '9') || (f[0][i] >= 'a' && f[0][i] <= 'f'));
	     i++)
		hex++;
	{
		const char *id = f[0];
		size_t l = flen[0], d = 0;

		if (hex >= 4 && l > hex && id[hex] == ':' && l - hex - 1 == 7)
			d = hex + 1; /* domain present */
		else if (l != 7)
			return false;
		for (size_t j = 0; j < 7; j++) {
			char c = id[d + j];
			bool hx = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');

			if ((j == 2 && c != ':') || (j == 5 && c != '.') ||
			    (j != 2 && j != 5 && !hx))
				return false;
		}
	}
	if (!all_digits(f[1], flen[1]) || flen[1] > 9)
		return false;
	if (flen[2] > 5 && strncmp(f[2], "time:", 5) == 0)
		r->kind = PVECONF_RESERVATION_TIME, t = f[2] + 5;
	else if (flen[2] > 4 && strncmp(f[2], "pid:", 4) == 0)
		r->kind = PVECONF_RESERVATION_PID, t = f[2] + 4;
	else
		return false;
	if (!all_digits(t, strlen(t)) || strlen(t) > 18)
		return false;
	memcpy(r->id, f[0], flen[0]);
	r->id[flen[0]] = '\0';
	r->vmid = (unsigned)strtoul(f[1], NULL, 10);
	r->value = strtoll(t, NULL, 10);
	return true;
}

int pveconf_pci_reservations_parse(const char *data, size_t len,
                                   struct pveconf_pci_reservations *out, struct util_err *e)
{
	const char *end = data + len;
	unsigned lineno = 0;
	size_t cap = 0, capb = 0;

	memset(out, 0, sizeof(*out));
	for (const char *s = data; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		struct pveconf_pci_reservation r = {0};

		lineno++;
		if (parse_line(s, n, &r) && !memchr(s, '\0', n)) {
			size_t i;

			r.line = lineno;
			for (i = 0; i < out->n; i++) /* a later line wins */
				if (strcmp(out->v[i].id, r.id) == 0)
					break;
			if (i == out->n) {
				if (util_array_grow(&out->v, &cap, out->n, sizeof(*out->v), 8) < 0)
					goto oom;
				out->n++;
			}
			out->v[i] = r;
		} else if (n > 0) {
			if (out->n_bad == capb) {
				size_t nc = capb ? capb * 2 : 8;
				void *nv = realloc(out->bad_lines, nc * sizeof(*out->bad_lines));

				if (!nv)
					goto oom;
				out->bad_lines = nv;
				capb = nc;
			}
			out->bad_lines[out->n_bad++] = lineno;
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
oom:
	pveconf_pci_reservations_free(out);
	return util_err_set(e, -ENOMEM, _("out of memory reading pci-id-reservations"));
}

int pveconf_pci_reservations_load(const struct util_paths *p, struct pveconf_pci_reservations *out,
                                  struct util_err *e)
{
	char path[PP_PATH_MAX], *data;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	util_path(p, path, sizeof(path), PP_RUN_PCI_RESERVATIONS);
	r = util_file_readat(AT_FDCWD, path, 0, util_path_display(p, path), 16 * 1024 * 1024, &data,
	                     &len, e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) /* the message names the file and what is wrong with it */
		return r;
	r = pveconf_pci_reservations_parse(data, len, out, e);
	free(data);
	return r;
}

int pveconf_pci_reservations_load_active(const struct util_paths *p, long long now,
                                         struct pveconf_pci_reservations *out, struct util_err *e)
{
	size_t k = 0;
	int r = pveconf_pci_reservations_load(p, out, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < out->n; i++)
		if (pveconf_pci_reservation_active(p, &out->v[i], now))
			out->v[k++] = out->v[i];
	out->n = k;
	return 0;
}

void pveconf_pci_reservations_free(struct pveconf_pci_reservations *r)
{
	free(r->v);
	free(r->bad_lines);
	memset(r, 0, sizeof(*r));
}

const struct pveconf_pci_reservation *pveconf_pci_reservation_find(
        const struct pveconf_pci_reservations *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}

bool pveconf_pci_reservation_active(const struct util_paths *p,
                                    const struct pveconf_pci_reservation *res, long long now)
{
	long pid;

	if (res->kind == PVECONF_RESERVATION_TIME)
		return now < res->value;
	return pveconf_vm_running(p, res->vmid, &pid) && pid == res->value;
}
