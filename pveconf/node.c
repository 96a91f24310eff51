/* pveconf/node.c - finds this node's name and the cluster's nodes the way pmxcfs exposes them.
 * Reads only. */
#include "pveconf/node.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/i18n.h"

int pveconf_node_name_valid(const char *name)
{
	size_t n = strlen(name);

	/* PVE's pve-node format: ^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$ (no length limit) */
	if (n == 0 || name[0] == '-' || name[n - 1] == '-')
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return -EINVAL;
	return 0;
}

static int set_name(char *buf, size_t n, const char *name, size_t len)
{
	if (len == 0 || len >= n)
		return -EINVAL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return pveconf_node_name_valid(buf);
}

int pveconf_node_name(const struct util_paths *p, char *buf, size_t n, struct util_err *e)
{
	char path[PP_PATH_MAX], target[PATH_MAX], line[256];
	struct utsname u;
	ssize_t got;

	/* <root>/etc/pve/local -> nodes/pve1 */
	util_path(p, path, sizeof(path), PP_ETC_PVE_LOCAL);
	got = readlink(path, target, sizeof(target) - 1);
	if (got > 0) {
		const char *slash;

		target[got] = '\0';
		while (got > 1 && target[got - 1] == '/')
			target[--got] = '\0';
		slash = strrchr(target, '/');
		slash = slash ? slash + 1 : target;
		if (set_name(buf, n, slash, strlen(slash)) == 0)
			return 0;
	}
	util_path(p, path, sizeof(path), PP_ETC_HOSTNAME);
	if (util_attr_read(path, line, sizeof(line)) == 0) {
		size_t len = strcspn(line, " \t\n.");

		if (set_name(buf, n, line, len) == 0)
			return 0;
	}
	if (util_paths_is_host(p) && uname(&u) == 0) {
		size_t len = strcspn(u.nodename, ".");

		if (set_name(buf, n, u.nodename, len) == 0)
			return 0;
	}
	return util_err_set(
	        e, -ENOENT,
	        _("cannot tell this node's name (no /etc/pve/local link, no /etc/hostname): "
	          "give it with --node NAME"));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int pveconf_node_list(const struct util_paths *p, char (*names)[64], size_t max, size_t *n,
                      size_t *total, struct util_err *e)
{
	char path[PP_PATH_MAX], sub[PP_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	*n = *total = 0;
	util_path(p, path, sizeof(path), PP_ETC_PVE_NODES);
	d = opendir(path);
	if (!d)
		return errno == ENOENT
		               ? 0
		               : util_err_errno(e, -errno, "%s", util_path_display(p, path));
	while ((de = readdir(d))) {
		if (pveconf_node_name_valid(de->d_name) < 0 ||
		    snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub) ||
		    stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		(*total)++;
		if (*n < max && strlen(de->d_name) < 64)
			memcpy(names[(*n)++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	qsort(names, *n, 64, cmp_name);
	return 0;
}
