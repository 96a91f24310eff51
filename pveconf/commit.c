/* pveconf/commit.c - the safe write of a VM config (docs/pve.md section 4): VM lock, digest
 * re-check under the lock, owner node check against .vmlist, temp file + rename.
 * The digest is checked under the lock and again immediately before rename().
 * Works on bytes only; must not parse configs beyond finding `lock:`, and must not print. */
#include "pveconf/commit.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pveconf/node.h"
#include "pveconf/vmconf.h"
#include "pveconf/vmlist.h"
#include "util/hash.h"
#include "util/lock.h"
#include "util/i18n.h"

int pveconf_vm_conf_path(const struct util_paths *p, const char *node, unsigned vmid, char *buf,
                         size_t n)
{
	if (!node || pveconf_node_name_valid(node) < 0) {
		if (n)
			buf[0] = '\0';
		return -EINVAL;
	}
	return util_path(p, buf, n, PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", node, vmid);
}

int pveconf_vm_lock_path(const struct util_paths *p, unsigned vmid, char *buf, size_t n)
{
	return util_path(p, buf, n, PP_VAR_LOCK_QEMU "/lock-%u.conf", vmid);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* "[PENDING]", "[snap1]", "[weird section]  " - any of them ends the main section */
static bool is_section_header(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '[')
		return false;
	while (i < n && s[i] != ']')
		i++;
	if (i >= n)
		return false;
	for (i++; i < n; i++)
		if (!is_space(s[i]))
			return false;
	return true;
}

bool pveconf_vm_lock_get(const char *data, size_t len, char *buf, size_t n)
{
	const char *end = data + len;
	bool found = false;

	if (n)
		buf[0] = '\0';
	for (const char *s = data; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - s);

		if (is_section_header(s, ll))
			break;
		/* key line "lock:\s*(.+?)\s*$": no leading blank, at least one value character */
		if (ll > 5 && memcmp(s, "lock:", 5) == 0) {
			const char *v = s + 5, *ve = le;

			while (ve - v > 1 && is_space(ve[-1]))
				ve--;
			while (ve - v > 1 && is_space(v[0]))
				v++;
			/* a formatless string loses one pair of surrounding double quotes */
			if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			if (n) {
				size_t vl = (size_t)(ve - v) < n - 1 ? (size_t)(ve - v) : n - 1;

				memcpy(buf, v, vl);
				buf[vl] = '\0';
			}
			/* PVE's check_lock tests Perl truth: "lock: 0" does not lock */
			found = !(ve - v == 1 && v[0] == '0');
		}
		s = nl ? nl + 1 : end;
	}
	return found;
}

int pveconf_tmp_stale(const struct util_paths *p, char ***shown, size_t *n)
{
	char full[PP_PATH_MAX], sub[PP_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = util_tmp_stale_under(p, PP_ETC_PVE_MAPPING, shown, n);

	if (r < 0 || util_path(p, full, sizeof(full), PP_ETC_PVE_NODES) < 0 || !(d = opendir(full)))
		return r;
	while (r == 0 && (de = readdir(d)))
		if (pveconf_node_name_valid(de->d_name) == 0 &&
		    snprintf(sub, sizeof(sub), PP_ETC_PVE_NODES "/%s/qemu-server", de->d_name) <
		            (int)sizeof(sub))
			r = util_tmp_stale_under(p, sub, shown, n);
	closedir(d);
	return r;
}

/* pmxcfs refuses with EEXIST to create a VMID that lives on another node; we refuse earlier. */
static int check_owner(const struct util_paths *p, const char *node, unsigned vmid,
                       struct util_err *e)
{
	struct pveconf_vmlist l = {0};
	const struct pveconf_vmlist_entry *ent;
	int r = pveconf_vmlist_load(p, &l, e);

	if (r == -ENOENT) /* a copied host may lack it: the directory tells the owner then */
		return 0;
	if (r < 0)
		return r;
	ent = pveconf_vmlist_find(&l, vmid);
	if (ent && ent->type[0] && strcmp(ent->type, "qemu") != 0)
		r = util_err_set(e, -EEXIST, _("VMID %u is a %s guest on node '%s', not a VM"),
		                 vmid, ent->type, ent->node);
	else if (ent && strcmp(ent->node, node) != 0)
		r = util_err_set(
		        e, -EEXIST,
		        _("VM %u belongs to node '%s', not '%s' (/etc/pve/.vmlist): change it "
		          "on %s, or give --node %s"),
		        vmid, ent->node, node, ent->node, ent->node);
	pveconf_vmlist_free(&l);
	return r;
}

/* Under the lock: is the file still what the caller planned against? */
static int check_current(const char *path, const char *shown, unsigned vmid,
                         const char *expected_digest, bool ignore_vm_lock, struct stat *st,
                         struct util_err *e)
{
	char *cur = NULL, hex[UTIL_SHA1_HEX_LEN + 1], lockv[64];
	size_t curlen = 0;
	struct stat dummy;
	int r = util_file_read_st(path, shown, PVECONF_VM_MAX_BYTES, &cur, &curlen,
	                          st ? st : &dummy, e);

	if (r == -ENOENT) {
		if (!expected_digest)
			return 0;
		return util_err_set(e, -ENOENT,
		                    _("%s: no such file: VM %u has no config on this node"), shown,
		                    vmid);
	}
	if (r == -EFBIG)
		return util_err_set(e, -EFBIG,
		                    _("%s: larger than 1 MiB, not a config PVE could have "
		                      "written"),
		                    shown);
	if (r < 0) /* the message names the file (a FIFO in its place, EACCES, ...) */
		return r;
	if (!expected_digest) {
		free(cur);
		return util_err_set(e, -EEXIST, _("%s already exists"), shown);
	}
	r = util_sha1_hex(cur, curlen, hex);
	if (r == 0 && strcasecmp(hex, expected_digest) != 0)
		r = util_err_set(
		        e, -ESTALE,
		        _("%s changed meanwhile (digest %.12s..., expected %.12s...): nothing "
		          "written; run the command again"),
		        shown, hex, expected_digest);
	else if (r < 0)
		r = util_err_set(e, r, _("cannot compute the digest of %s"), shown);
	if (r == 0 && !ignore_vm_lock && pveconf_vm_lock_get(cur, curlen, lockv, sizeof(lockv)))
		r = util_err_set(e, -EBUSY, _("VM is locked (%s): nothing written to %s"), lockv,
		                 shown);
	free(cur);
	return r;
}

/* The same check once more, after the new content is written and immediately before rename():
 * writers that do not take PVE's lock (a script's `sed -i`) are caught unless they rename in the
 * microseconds between our last look and our rename() (the remaining window, docs in commit.h).
 * That last look is a stat() of the name: still the inode (and ctime) whose bytes were just
 * digested, so the window is one stat() + rename(), not a whole read + SHA-1. */
struct recheck {
	const char *path, *shown;
	unsigned vmid;
	const char *expected_digest;
	bool ignore_vm_lock;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int recheck(void *arg, struct util_err *e)
{
	const struct recheck *c = arg;
	struct stat read_st, now;
	int r = check_current(c->path, c->shown, c->vmid, c->expected_digest, c->ignore_vm_lock,
	                      &read_st, e);

	if (r < 0)
		return r;
	if (!c->expected_digest) /* a new file: still absent */
		return stat(c->path, &now) < 0 && errno == ENOENT
		               ? 0
		               : util_err_set(e, -EEXIST, _("%s already exists"), c->shown);
	if (stat(c->path, &now) < 0 || !same_file(&read_st, &now))
		return util_err_set(e, -ESTALE,
		                    _("%s changed meanwhile (replaced by another writer while we "
		                      "checked it): nothing written; run the command again"),
		                    c->shown);
	return 0;
}

int pveconf_vm_commit(const struct util_paths *p, const char *node, unsigned vmid,
                      const char *expected_digest, const void *data, size_t len,
                      const struct pveconf_commit_opts *opts, struct util_err *e)
{
	char path[PP_PATH_MAX], lpath[PP_PATH_MAX], shown[PP_PATH_MAX];
	int timeout =
	        opts && opts->lock_timeout_ms > 0 ? opts->lock_timeout_ms : PVECONF_LOCK_TIMEOUT_MS;
	int fd, r;

	if (pveconf_vm_conf_path(p, node, vmid, path, sizeof(path)) < 0)
		return util_err_set(e, -EINVAL, _("invalid node name '%s'"), node ? node : "");
	if (pveconf_vm_lock_path(p, vmid, lpath, sizeof(lpath)) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root is too long"));
	snprintf(shown, sizeof(shown), "%s", util_path_display(p, path));
	if (len > PVECONF_VM_MAX_BYTES)
		return util_err_set(
		        e, -EFBIG,
		        _("new config for VM %u is %zu bytes; pmxcfs takes at most 1 MiB "
		          "per file: nothing written"),
		        vmid, len);
	if (expected_digest &&
	    (strlen(expected_digest) != UTIL_SHA1_HEX_LEN ||
	     strspn(expected_digest, "0123456789abcdefABCDEF") != UTIL_SHA1_HEX_LEN))
		return util_err_set(e, -EINVAL, _("'%s' is not a SHA-1 digest (40 hex digits)"),
		                    expected_digest);
	r = check_owner(p, node, vmid, e);
	if (r < 0)
		return r;
	fd = util_lock_acquire(lpath, timeout, e);
	if (fd < 0)
		return fd == -ETIMEDOUT
		               ? util_err_set(
		                         e, -ETIMEDOUT,
		                         _("can't lock file '%s' - got timeout after %g s: another "
		                           "task is changing VM %u; retry when it has finished"),
		                         util_path_display(p, lpath), timeout / 1000.0, vmid)
		               : fd;
	r = check_current(path, shown, vmid, expected_digest, opts && opts->ignore_vm_lock, NULL,
	                  e);
	if (r == 0) {
		struct recheck rc = {path, shown, vmid, expected_digest,
		                     opts && opts->ignore_vm_lock};
		struct util_write_opts wo = {0};

		if (opts && opts->write)
			wo = *opts->write;
		wo.precommit = recheck;
		wo.precommit_arg = &rc;
		r = util_file_write_atomic(path, data, len, &wo, e);
	}
	util_lock_release(fd);
	return r;
}
