/* pveconf/vmlist.c - /etc/pve/.vmlist (pmxcfs' VMID -> node index, JSON) and the scan of
 * /etc/pve/nodes/<node>/qemu-server/.  Reads only; must not print. */
#include "pveconf/vmlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pveconf/node.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define VMLIST_MAX_BYTES (16 * 1024 * 1024)

int pveconf_vmid_parse(const char *s, unsigned *vmid)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	/* PVE's pve-vmid format: ^[1-9][0-9]{2,8}$ */
	if (n < 3 || n > 9 || s[0] < '1' || s[0] > '9')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*vmid = (unsigned)v;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pveconf_vmlist_entry *x = a, *y = b;

	return x->vmid < y->vmid ? -1 : x->vmid > y->vmid;
}

int pveconf_vmlist_parse(const char *data, size_t len, struct pveconf_vmlist *out,
                         struct util_err *e)
{
	json_error_t je;
	json_t *root, *ids, *val;
	const char *key;
	size_t i = 0;

	out->v = NULL;
	out->n = 0;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return util_err_set(e, -EINVAL, _("%s line %d column %d: %s"), PP_ETC_PVE_VMLIST,
		                    je.line, je.column, je.text);
	ids = json_object_get(root, "ids");
	if (!json_is_object(root) || !json_is_object(ids)) {
		json_decref(root);
		return util_err_set(e, -EINVAL, _("%s: no \"ids\" object"), PP_ETC_PVE_VMLIST);
	}
	out->v = calloc(json_object_size(ids) + 1, sizeof(*out->v));
	if (!out->v) {
		json_decref(root);
		return util_err_set(e, -ENOMEM, _("out of memory reading /etc/pve/.vmlist"));
	}
	json_object_foreach(ids, key, val)
	{
		struct pveconf_vmlist_entry *ent = &out->v[i];
		const char *node = json_string_value(json_object_get(val, "node"));
		const char *type = json_string_value(json_object_get(val, "type"));
		json_t *ver = json_object_get(val, "version");

		if (pveconf_vmid_parse(key, &ent->vmid) < 0 || !node ||
		    strlen(node) >= sizeof(ent->node) || pveconf_node_name_valid(node) < 0) {
			int r = util_err_set(e, -EINVAL,
			                     _("%s: entry \"%s\" has no valid VMID and node"),
			                     PP_ETC_PVE_VMLIST, key);

			json_decref(root); /* owns key: after the message */
			pveconf_vmlist_free(out);
			return r;
		}
		strcpy(ent->node, node);
		snprintf(ent->type, sizeof(ent->type), "%s", type ? type : "");
		ent->version = json_is_integer(ver) ? (long)json_integer_value(ver) : 0;
		i++;
	}
	out->n = i;
	json_decref(root);
	qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
	return 0;
}

int pveconf_vmlist_load(const struct util_paths *p, struct pveconf_vmlist *out, struct util_err *e)
{
	char path[PP_PATH_MAX], *data;
	size_t len;
	int r;

	out->v = NULL;
	out->n = 0;
	util_path(p, path, sizeof(path), PP_ETC_PVE_VMLIST);
	r = util_file_readat(AT_FDCWD, path, 0, util_path_display(p, path), VMLIST_MAX_BYTES, &data,
	                     &len, e);
	if (r == -ENOENT)
		return util_err_set(e, -ENOENT, _("%s: no such file"), util_path_display(p, path));
	if (r < 0)
		return r;
	r = pveconf_vmlist_parse(data, len, out, e);
	free(data);
	return r;
}

const struct pveconf_vmlist_entry *pveconf_vmlist_find(const struct pveconf_vmlist *l,
                                                       unsigned vmid)
{
	struct pveconf_vmlist_entry key = {.vmid = vmid};

	if (!l->n)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(key), cmp_entry);
}

void pveconf_vmlist_free(struct pveconf_vmlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int cmp_ref(const void *a, const void *b)
{
	const struct pveconf_vmref *x = a, *y = b;

	if (x->vmid != y->vmid)
		return x->vmid < y->vmid ? -1 : 1;
	return strcmp(x->node, y->node);
}

static int add_ref(struct pveconf_vmrefs *r, size_t *cap, unsigned vmid, const char *node)
{
	if (util_array_grow(&r->v, cap, r->n, sizeof(*r->v), 64) < 0)
		return -ENOMEM;
	r->v[r->n].vmid = vmid;
	snprintf(r->v[r->n].node, sizeof(r->v[r->n].node), "%s", node);
	r->n++;
	return 0;
}

/* <root>/etc/pve/nodes/<node>/qemu-server/<vmid>.conf */
static int scan_node(const struct util_paths *p, const char *node, struct pveconf_vmrefs *out,
                     size_t *cap, struct util_err *e)
{
	char dir[PP_PATH_MAX], full[PP_PATH_MAX + 300];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (util_path(p, dir, sizeof(dir), PP_ETC_PVE_NODES "/%s/qemu-server", node) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root is too long"));
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
		                       : util_err_errno(e, -errno, _("cannot list %s"),
		                                        util_path_display(p, dir));
	while ((de = readdir(d))) {
		char name[16];
		size_t nl = strlen(de->d_name);
		unsigned vmid;
		struct stat st;

		if (nl < 8 || nl > 14 || strcmp(de->d_name + nl - 5, ".conf") != 0)
			continue;
		memcpy(name, de->d_name, nl - 5);
		name[nl - 5] = '\0';
		if (pveconf_vmid_parse(name, &vmid) < 0)
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = add_ref(out, cap, vmid, node);
		if (r < 0) {
			r = util_err_set(e, r, _("out of memory listing %s"),
			                 util_path_display(p, dir));
			break;
		}
	}
	closedir(d);
	return r;
}

int pveconf_vms_scan(const struct util_paths *p, const char *node, struct pveconf_vmrefs *out,
                     struct util_err *e)
{
	char dir[PP_PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int r = 0;

	out->v = NULL;
	out->n = 0;
	if (node) {
		if (pveconf_node_name_valid(node) < 0)
			return util_err_set(e, -EINVAL, _("invalid node name '%s'"), node);
		r = scan_node(p, node, out, &cap, e);
	} else {
		util_path(p, dir, sizeof(dir), PP_ETC_PVE_NODES);
		d = opendir(dir);
		if (!d)
			return errno == ENOENT ? 0
			                       : util_err_errno(e, -errno, _("cannot list %s"),
			                                        util_path_display(p, dir));
		while (r == 0 && (de = readdir(d)))
			if (pveconf_node_name_valid(de->d_name) == 0 &&
			    strlen(de->d_name) < PVECONF_NODE_MAX)
				r = scan_node(p, de->d_name, out, &cap, e);
		closedir(d);
	}
	if (r < 0) {
		pveconf_vmrefs_free(out);
		return r;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_ref);
	return 0;
}

void pveconf_vmrefs_free(struct pveconf_vmrefs *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
