/* cli/hook.c - `hook install VMID...` / `hook remove VMID...`: puts the guard in place as a VM's
 * hookscript (a snippet in a storage with `snippets` content) and takes it away again.
 *
 * A VM without a hookscript gets the shared snippet pve-passthrough-guard.sh.  A VM that already
 * has one keeps it working: it gets its own snippet pve-passthrough-guard-<vmid>.sh that runs the
 * guard and then the previous script for every phase, honouring its exit status; the previous
 * value is recorded in that snippet, and `remove` puts it back.  Config changes go through the
 * VM config editor (pveconf/vmconf.h) and PVE's safe writer (pveconf/commit.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gather/gather.h"
#include "pveconf/vmlist.h"
#include "pveconf/commit.h"
#include "pveconf/node.h"
#include "pveconf/storage.h"
#include "pveconf/vmconf.h"
#include "util/buf.h"
#include "util/fileio.h"

#define HOOK_SHARED "pve-passthrough-guard.sh"
#define HOOK_MARK   "pve-passthrough guard"
#define HOOK_PREV   "# previous-hookscript: "

struct snippets {
	char storage[128];          /* storage id: "local" */
	char dir[PP_PATH_MAX];      /* <root><path>/snippets */
	char host_dir[PP_PATH_MAX]; /* <path>/snippets on the host, for messages */
	bool shared;                /* the same files on every node */
};

/* The storage with `snippets` content for the hookscript (pveconf storage reader: a shared one
 * when there is one, so the VM can start on any node), and its snippets directory. */
static int find_snippets(const struct cli_ctx *ctx, struct snippets *out, struct util_err *e)
{
	struct pveconf_storages all;
	const struct pveconf_storage *st;
	int r;

	r = pveconf_storages_load(&ctx->paths, &all, e);
	if (r < 0)
		return r;
	st = pveconf_storage_snippets_pick(&all, ctx->node);
	if (st) {
		snprintf(out->storage, sizeof(out->storage), "%s", st->id);
		snprintf(out->host_dir, sizeof(out->host_dir), "%s", st->snippets_dir);
		out->shared = st->shared;
		r = util_path(&ctx->paths, out->dir, sizeof(out->dir), "%s", st->snippets_dir);
	}
	pveconf_storages_free(&all);
	if (st)
		return r < 0 ? util_err_set(e, r, "snippets directory: path too long") : 0;
	return util_err_set(
	        e, -ENOENT,
	        "no storage in /etc/pve/storage.cfg has 'snippets' content on node %s, so there is no place for the hookscript; enable it on a directory storage, e.g. pvesm set local --content iso,vztmpl,backup,snippets (list the content types it has now plus snippets)",
	        ctx->node);
}

/* dir + "/" + name into out; false when it does not fit. */
static bool join(char *out, size_t n, const char *dir, const char *name)
{
	int w = snprintf(out, n, "%s/%s", dir, name);

	return w >= 0 && (size_t)w < n;
}

static int write_snippet(const char *path, const char *text, struct util_err *e)
{
	struct util_write_opts o = {.mode_if_new = 0755};
	int r;

	r = util_file_write_atomic(path, text, strlen(text), &o, e);
	if (r == 0 && chmod(path, 0755) < 0)
		r = util_err_errno(e, -errno, "chmod %s", path);
	return r;
}

/* Single-quotes s for sh. */
static void sh_quote(struct util_buf *b, const char *s)
{
	util_buf_addc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			util_buf_adds(b, "'\\''");
		else
			util_buf_addc(b, *s);
	util_buf_addc(b, '\'');
}

static const char shared_text[] =
        "#!/bin/sh\n"
        "# " HOOK_MARK " hook: refuses a VM start that would break iGPU sharing.\n"
        "# Installed by `pve-passthrough hook install`; `pve-passthrough hook remove VMID` takes it away.\n"
        "exec \"${PVE_PASSTHROUGH:-" PP_TOOL_BIN "}\" guard \"$@\"\n";

/* Resolves "storage:snippets/file" to the script's path on the host (without --root). */
static int volume_path(const struct cli_ctx *ctx, const char *volume, char *out, size_t n)
{
	const char *colon = strchr(volume, ':');
	const struct pveconf_storage *st;
	struct pveconf_storages all;
	char id[128];
	int r = -ENOENT;

	if (!colon || (size_t)(colon - volume) >= sizeof(id) ||
	    strncmp(colon + 1, "snippets/", 9) != 0)
		return -EINVAL;
	memcpy(id, volume, (size_t)(colon - volume));
	id[colon - volume] = 0;
	if (pveconf_storages_load(&ctx->paths, &all, NULL) < 0)
		return -ENOENT;
	st = pveconf_storage_find(&all, id);
	if (st && st->snippets_dir && join(out, n, st->snippets_dir, colon + 10))
		r = 0;
	pveconf_storages_free(&all);
	return r;
}

static int load_conf(const struct cli_ctx *ctx, unsigned vmid, struct pveconf_vm **vm,
                     struct util_err *e)
{
	char path[PP_PATH_MAX];

	if (pveconf_vm_conf_path(&ctx->paths, ctx->node, vmid, path, sizeof(path)) < 0)
		return util_err_set(e, -EINVAL, "VM %u: config path too long", vmid);
	if (!util_exists(path))
		return util_err_set(e, -ENOENT,
		                    "no config on node %s (%s); run this on the VM's node",
		                    ctx->node, util_path_display(&ctx->paths, path));
	return pveconf_vm_load(path, vm, e);
}

static int commit(const struct cli_ctx *ctx, unsigned vmid, struct pveconf_vm *vm,
                  struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(vm, &b);

	if (r == 0)
		r = pveconf_vm_commit(&ctx->paths, ctx->node, vmid, pveconf_vm_digest(vm), b.s,
		                      b.len, NULL, e);
	util_buf_free(&b);
	return r;
}

/* In a cluster, a hookscript in node-local storage exists only here: PVE refuses to start the VM
 * on any other node (migration, HA recovery, restore) until the file is there too. */
static void warn_node_local(const struct cli_ctx *ctx, const struct snippets *sn, const char *files)
{
	char nodes[32][64];
	size_t n = 0, total = 0;
	struct util_buf others = {0};

	if (sn->shared || !files[0] ||
	    pveconf_node_list(&ctx->paths, nodes, 32, &n, &total, NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(nodes[i], ctx->node) != 0)
			util_buf_addf(&others, "%s%s", others.len ? " " : "", nodes[i]);
	if (others.len)
		cli_warn(
		        ctx,
		        "storage '%s' is node-local and this node is in a cluster: the VMs cannot "
		        "start on %s (migration, HA, restore) until the snippet is there too; copy it "
		        "(for n in %s; do scp -p %s root@$n:%s/; done) or enable snippets on a "
		        "shared storage and run hook install again",
		        sn->storage, util_buf_str(&others), util_buf_str(&others), files,
		        sn->host_dir);
	util_buf_free(&others);
}

/* files: the snippets this call wrote are appended, space-separated, as host paths */
static int install_one(const struct cli_ctx *ctx, const struct snippets *sn, unsigned vmid,
                       struct util_buf *files, struct util_err *e)
{
	struct pveconf_vm *vm = NULL;
	const char *cur;
	char value[256], path[PP_PATH_MAX], prev[PP_PATH_MAX], old[256];
	bool fresh = false; /* this call created the snippet at path */
	int r;

	r = load_conf(ctx, vmid, &vm, e);
	if (r < 0)
		return r;
	/* a copy: the value lives in the model, which pveconf_vm_set() changes */
	cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
	if (cur) {
		snprintf(old, sizeof(old), "%s", cur);
		cur = old;
	}
	if (cur && strstr(cur, "snippets/pve-passthrough-guard")) {
		printf("VM %u: the guard is already its hookscript (%s)\n", vmid, cur);
		pveconf_vm_free(vm);
		return 0;
	}
	if (!cur) {
		if (!join(path, sizeof(path), sn->dir, HOOK_SHARED)) {
			pveconf_vm_free(vm);
			return util_err_set(e, -ENAMETOOLONG, "%s: path too long", sn->dir);
		}
		fresh = !util_exists(path);
		r = util_mkdir_p(sn->dir, e);
		if (r == 0)
			r = write_snippet(path, shared_text, e);
		snprintf(value, sizeof(value), "%s:snippets/" HOOK_SHARED, sn->storage);
	} else {
		struct util_buf b = {0};

		if (volume_path(ctx, cur, prev, sizeof(prev)) < 0) {
			pveconf_vm_free(vm);
			return util_err_set(
			        e, -ENOENT,
			        "VM %u: its hookscript '%s' names no storage in storage.cfg; fix or remove it first (qm set %u --delete hookscript)",
			        vmid, cur, vmid);
		}
		/* chained as it is: PVE already refuses every start while it is missing, and
		 * audit no longer sees it (hookscript-missing judges the snippet), so say it now */
		if (util_path(&ctx->paths, path, sizeof(path), "%s", prev) == 0 &&
		    access(path, X_OK) != 0)
			cli_warn(
			        ctx,
			        "VM %u: its previous hookscript %s (%s) %s; the chained snippet runs "
			        "it and fails the same way until you restore it or run hook remove %u",
			        vmid, cur, prev,
			        access(path, F_OK) != 0 ? "does not exist" : "is not executable",
			        vmid);
		util_buf_addf(
		        &b,
		        "#!/bin/sh\n"
		        "# " HOOK_MARK
		        " hook for VM %u, chained: runs the guard, then the VM's previous\n"
		        "# hookscript for every phase (its exit status is this script's).\n"
		        "# Installed by `pve-passthrough hook install`; `pve-passthrough hook remove %u` restores:\n" HOOK_PREV
		        "%s\n"
		        "\"${PVE_PASSTHROUGH:-" PP_TOOL_BIN "}\" guard \"$@\" || exit $?\n"
		        "exec ",
		        vmid, vmid, cur);
		sh_quote(&b, prev);
		util_buf_adds(&b, " \"$@\"\n");
		snprintf(value, sizeof(value), "pve-passthrough-guard-%u.sh", vmid);
		if (!join(path, sizeof(path), sn->dir, value)) {
			util_buf_free(&b);
			pveconf_vm_free(vm);
			return util_err_set(e, -ENAMETOOLONG, "%s: path too long", sn->dir);
		}
		fresh = !util_exists(path);
		r = util_mkdir_p(sn->dir, e);
		if (r == 0)
			r = write_snippet(path, util_buf_str(&b), e);
		util_buf_free(&b);
		snprintf(value, sizeof(value), "%s:snippets/pve-passthrough-guard-%u.sh",
		         sn->storage, vmid);
	}
	if (r == 0)
		r = pveconf_vm_set(vm, NULL, "hookscript", value, e);
	if (r == 0)
		r = commit(ctx, vmid, vm, e);
	/* the config was not changed (locked, another node...): take back a snippet made for it */
	if (r < 0 && fresh)
		unlink(path);
	if (r == 0) {
		const char *file = strrchr(value, '/') + 1;
		char host[PP_PATH_MAX + 80];

		snprintf(host, sizeof(host), "%s/%s", sn->host_dir, file);
		if (!strstr(util_buf_str(files), host))
			util_buf_addf(files, "%s%s", files->len ? " " : "", host);
	}
	if (r == 0 && cur)
		printf("VM %u: hookscript %s (runs the guard, then the previous %s)\n", vmid, value,
		       cur);
	else if (r == 0)
		printf("VM %u: hookscript %s\n", vmid, value);
	pveconf_vm_free(vm);
	return r;
}

static int remove_one(const struct cli_ctx *ctx, const struct snippets *sn, unsigned vmid,
                      struct util_err *e)
{
	struct pveconf_vm *vm = NULL;
	const char *cur;
	char path[PP_PATH_MAX], want[160], prev[256] = "", *data = NULL;
	size_t len;
	int r;

	r = load_conf(ctx, vmid, &vm, e);
	if (r < 0)
		return r;
	cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
	snprintf(want, sizeof(want), "snippets/pve-passthrough-guard-%u.sh", vmid);
	if (!cur || (!strstr(cur, "snippets/" HOOK_SHARED) && !strstr(cur, want))) {
		printf("VM %u: the guard is not its hookscript (%s); nothing to do\n", vmid,
		       cur ? cur : "none");
		pveconf_vm_free(vm);
		return 0;
	}
	path[0] = 0;
	if (strstr(cur, want)) {
		/* the chained snippet records what was there before */
		const char *p;

		char host[PP_PATH_MAX];

		if (volume_path(ctx, cur, host, sizeof(host)) == 0)
			util_path(&ctx->paths, path, sizeof(path), "%s", host);
		else if (!join(path, sizeof(path), sn->dir, want + strlen("snippets/")))
			path[0] = 0;
		if (util_file_read(path, 1 << 16, &data, &len, NULL) == 0 &&
		    (p = strstr(data, HOOK_PREV)) != NULL)
			sscanf(p + strlen(HOOK_PREV), "%255[^\n]", prev);
		free(data);
	}
	r = prev[0] ? pveconf_vm_set(vm, NULL, "hookscript", prev, e)
	            : pveconf_vm_unset(vm, NULL, "hookscript", e);
	if (r == 0)
		r = commit(ctx, vmid, vm, e);
	if (r == 0 && path[0] && unlink(path) < 0 && errno != ENOENT)
		fprintf(stderr, "%s: warning: could not remove %s: %s\n", ctx->prog, path,
		        strerror(errno));
	if (r == 0)
		printf("VM %u: hookscript %s%s\n", vmid, prev[0] ? "restored to " : "removed",
		       prev);
	pveconf_vm_free(vm);
	return r;
}

int cli_cmd_hook(struct cli_ctx *ctx, int argc, char **argv)
{
	struct snippets sn;
	struct util_buf files = {0};
	struct util_err e = {0};
	bool install;
	unsigned vmids[256];
	int n = 0, status = CLI_EXIT_OK;

	if (argc < 3 || (strcmp(argv[1], "install") != 0 && strcmp(argv[1], "remove") != 0))
		return cli_usage_error(ctx, "hook", "hook needs install or remove and a VMID");
	install = strcmp(argv[1], "install") == 0;
	memset(&sn, 0, sizeof(sn));
	for (int i = 2; i < argc; i++) {
		if (n == 256)
			return cli_usage_error(ctx, "hook", "at most 256 VMIDs at once");
		if (pveconf_vmid_parse(argv[i], &vmids[n++]) < 0)
			return cli_usage_error(ctx, "hook", "'%s' is not a VMID (100..999999999)",
			                       argv[i]);
	}
	if (cli_need_node(ctx))
		return CLI_EXIT_FAIL;
	if (find_snippets(ctx, &sn, &e) < 0 && install) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		int r = install ? install_one(ctx, &sn, vmids[i], &files, &e)
		                : remove_one(ctx, &sn, vmids[i], &e);

		if (r < 0) {
			cli_error(ctx, "VM %u: %s", vmids[i], e.msg);
			status = CLI_EXIT_FAIL;
		}
	}
	if (install)
		warn_node_local(ctx, &sn, util_buf_str(&files));
	util_buf_free(&files);
	return status;
}
