/* cli/cmd_hook.c - `hook install|remove VMID...|--all [--cluster]` and `hook status`: puts the guard
 * in place as a VM's hookscript (a snippet in a storage with `snippets` content), takes it away
 * again, and shows which VMs are guarded.
 *
 * The snippet never makes a start fail by itself: when the tool is not installed at its build-time
 * path (package removed, a node without it) it says so in the task log and lets the start go on;
 * only the guard's own verdict (and its on-internal-error setting) can refuse.
 *
 * A VM without a hookscript gets the shared snippet pve-passthrough-guard.sh.  A VM that already
 * has one keeps it working: it gets its own snippet pve-passthrough-guard-<vmid>.sh that runs the
 * guard and then the previous script for every phase, honouring its exit status; the previous
 * value is recorded in that snippet, and `remove` puts it back.  Config changes go through the
 * VM config editor (pveconf/vmconf.h) and PVE's safe writer (pveconf/commit.h). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/render.h"
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
		return r < 0 ? util_err_set(e, r, _("snippets directory: path too long")) : 0;
	return util_err_set(
	        e, -ENOENT,
	        _("no storage in /etc/pve/storage.cfg has 'snippets' content on node %s, so there is no place for the hookscript; enable it on a directory storage, e.g. pvesm set local --content iso,vztmpl,backup,snippets (list the content types it has now plus snippets)"),
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
		r = util_err_errno(e, -errno, _("chmod %s"), path);
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

/* What every snippet runs first: the guard when the tool is installed, else one task-log line at
 * pre-start and no verdict (a missing tool must never be why a VM cannot start). */
#define HOOK_CHECK_BIN                                                                               \
	"bin=" PP_TOOL_BIN "\n"                                                                      \
	"if [ ! -x \"$bin\" ]; then\n"                                                               \
	"\t[ \"$2\" = pre-start ] && echo \"pve-passthrough is not installed on $(uname -n): start " \
	"NOT checked; install it or run 'pve-passthrough hook remove $1'\" >&2\n"

static const char shared_text[] =
        "#!/bin/sh\n"
        "# " HOOK_MARK " hook: refuses a VM start that would break iGPU sharing.\n"
        "# Installed by `pve-passthrough hook install`; `pve-passthrough hook remove VMID` takes it away.\n"
        "# Without the tool at " PP_TOOL_BIN " the start goes ahead unchecked.\n" HOOK_CHECK_BIN
        "\texit 0\n"
        "fi\n"
        "exec \"$bin\" guard \"$@\"\n";

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

static int load_conf(const struct cli_ctx *ctx, const char *node, unsigned vmid,
                     struct pveconf_vm **vm, struct util_err *e)
{
	char path[PP_PATH_MAX];

	if (pveconf_vm_conf_path(&ctx->paths, node, vmid, path, sizeof(path)) < 0)
		return util_err_set(e, -EINVAL, _("VM %u: config path too long"), vmid);
	if (!util_exists(path))
		return util_err_set(e, -ENOENT,
		                    _("[vm-missing] no VM %u on node %s (%s); run this on the VM's "
		                      "node"),
		                    vmid, node, util_path_display(&ctx->paths, path));
	return pveconf_vm_load(path, vm, e);
}

/* node: the VM's node (this one, or another one's with --cluster: pmxcfs shares the file; the
 * VM lock is node-local, so there the digest check before rename is what protects it). */
static int commit(const struct cli_ctx *ctx, const char *node, unsigned vmid, struct pveconf_vm *vm,
                  struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(vm, &b);

	if (r == 0)
		r = pveconf_vm_commit(&ctx->paths, node, vmid, pveconf_vm_digest(vm), b.s, b.len,
		                      NULL, e);
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
		        _("storage '%s' is node-local and this node is in a cluster: the VMs cannot "
		          "start on %s (migration, HA, restore) until the snippet is there too; copy it "
		          "(for n in %s; do scp -p %s root@$n:%s/; done) or enable snippets on a "
		          "shared storage and run hook install again"),
		        sn->storage, util_buf_str(&others), util_buf_str(&others), files,
		        sn->host_dir);
	util_buf_free(&others);
}

/* files: the snippets this call wrote are appended, space-separated, as host paths */
static int install_one(const struct cli_ctx *ctx, const struct snippets *sn, const char *node,
                       unsigned vmid, struct util_buf *files, struct util_err *e)
{
	struct pveconf_vm *vm = NULL;
	const char *cur;
	char value[256], path[PP_PATH_MAX], prev[PP_PATH_MAX], old[256];
	bool fresh = false; /* this call created the snippet at path */
	int r;

	r = load_conf(ctx, node, vmid, &vm, e);
	if (r < 0)
		return r;
	/* a copy: the value lives in the model, which pveconf_vm_set() changes */
	cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
	if (cur) {
		snprintf(old, sizeof(old), "%s", cur);
		cur = old;
	}
	if (cur && strstr(cur, "snippets/pve-passthrough-guard")) {
		printf(_("VM %u: the guard is already its hookscript (%s)\n"), vmid, cur);
		pveconf_vm_free(vm);
		return 0;
	}
	if (!cur) {
		if (!join(path, sizeof(path), sn->dir, HOOK_SHARED)) {
			pveconf_vm_free(vm);
			return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), sn->dir);
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
			        _("VM %u: its hookscript '%s' names no storage in storage.cfg; fix or remove it first (qm set %u --delete hookscript)"),
			        vmid, cur, vmid);
		}
		/* chained as it is: PVE already refuses every start while it is missing, and
		 * audit no longer sees it (hookscript-missing judges the snippet), so say it now */
		if (util_path(&ctx->paths, path, sizeof(path), "%s", prev) == 0 &&
		    access(path, X_OK) != 0)
			cli_warn(
			        ctx,
			        access(path, F_OK) != 0
			                ? _("VM %u: its previous hookscript %s (%s) does not exist; the "
			                    "chained snippet runs it and fails the same way until you "
			                    "restore it or run hook remove %u")
			                : _("VM %u: its previous hookscript %s (%s) is not executable; the "
			                    "chained snippet runs it and fails the same way until you "
			                    "restore it or run hook remove %u"),
			        vmid, cur, prev, vmid);
		util_buf_addf(
		        &b,
		        "#!/bin/sh\n"
		        "# " HOOK_MARK
		        " hook for VM %u, chained: runs the guard, then the VM's previous\n"
		        "# hookscript for every phase (its exit status is this script's).\n"
		        "# Installed by `pve-passthrough hook install`; `pve-passthrough hook remove %u` restores:\n" HOOK_PREV
		        "%s\n" HOOK_CHECK_BIN "else\n"
		        "\t\"$bin\" guard \"$@\" || exit $?\n"
		        "fi\n"
		        "exec ",
		        vmid, vmid, cur);
		sh_quote(&b, prev);
		util_buf_adds(&b, " \"$@\"\n");
		snprintf(value, sizeof(value), "pve-passthrough-guard-%u.sh", vmid);
		if (!join(path, sizeof(path), sn->dir, value)) {
			util_buf_free(&b);
			pveconf_vm_free(vm);
			return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), sn->dir);
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
		r = commit(ctx, node, vmid, vm, e);
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
		printf(_("VM %u: hookscript %s (runs the guard, then the previous %s)\n"), vmid,
		       value, cur);
	else if (r == 0)
		printf(_("VM %u: hookscript %s\n"), vmid, value);
	pveconf_vm_free(vm);
	return r;
}

static int remove_one(const struct cli_ctx *ctx, const struct snippets *sn, const char *node,
                      unsigned vmid, struct util_err *e)
{
	struct pveconf_vm *vm = NULL;
	const char *cur;
	char path[PP_PATH_MAX], want[160], prev[256] = "", *data = NULL;
	size_t len;
	int r;

	r = load_conf(ctx, node, vmid, &vm, e);
	if (r < 0)
		return r;
	cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
	snprintf(want, sizeof(want), "snippets/pve-passthrough-guard-%u.sh", vmid);
	if (!cur || (!strstr(cur, "snippets/" HOOK_SHARED) && !strstr(cur, want))) {
		printf(_("VM %u: the guard is not its hookscript (%s); nothing to do\n"), vmid,
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
		r = commit(ctx, node, vmid, vm, e);
	if (r == 0 && path[0] && unlink(path) < 0 && errno != ENOENT)
		fprintf(stderr, _("%s: warning: could not remove %s: %s\n"), ctx->prog, path,
		        strerror(errno));
	if (r == 0 && prev[0])
		printf(_("VM %u: hookscript restored to %s\n"), vmid, prev);
	else if (r == 0)
		printf(_("VM %u: hookscript removed\n"), vmid);
	pveconf_vm_free(vm);
	return r;
}

/* A VM passes PCI devices: a hostpciN key in its main or [PENDING] section. */
static bool has_hostpci(const struct pveconf_vm *vm)
{
	static const char *const sections[] = {"main", "PENDING"};

	for (size_t k = 0; k < 2; k++) {
		int sec = pveconf_vm_section_find(vm, sections[k]);
		const struct pveconf_kv *kv;
		size_t n;

		if (sec < 0)
			continue;
		n = pveconf_vm_keys(vm, (size_t)sec, &kv);
		for (size_t i = 0; i < n; i++)
			if (strncmp(kv[i].key, "hostpci", 7) == 0)
				return true;
	}
	return false;
}

enum hook_state {
	HOOK_STATE_NONE,    /* no hookscript: starts unchecked */
	HOOK_STATE_OTHER,   /* another hookscript, not the guard */
	HOOK_STATE_GUARDED, /* the shared snippet */
	HOOK_STATE_CHAINED, /* its own snippet: the guard, then the previous hookscript */
	HOOK_STATE_MISSING, /* the hookscript's file is not on this node: PVE refuses the start */
};

/* the states as JSON says them (machines read them: never translated) */
static const char *const hook_state_names[] = {"not-guarded", "not-guarded", "guarded", "chained",
                                               "missing"};
/* and as text says them, in the reader's language */
static const char *const hook_state_labels[] = {
        /* TRANSLATORS: hook status, STATE column: the VM has no guard as its hookscript */
        N_("not-guarded"), N_("not-guarded"),
        /* TRANSLATORS: hook status, STATE column: the guard is the VM's hookscript */
        N_("guarded"),
        /* TRANSLATORS: hook status, STATE column: the guard runs, then the VM's previous
         * hookscript */
        N_("chained"),
        /* TRANSLATORS: hook status, STATE column: the hookscript's file is not on this node */
        N_("missing")};

/* One cell of hook status' text table: s padded to width columns (a CJK character takes two;
 * a longer s is written whole), then the space between columns. */
static void status_cell(const char *s, size_t width)
{
	cli_text_pad(stdout, s, width);
	fputc(' ', stdout);
}

/* What a VM's hookscript is, judged on this node; prev gets a chained snippet's previous one. */
static enum hook_state hook_state_of(const struct cli_ctx *ctx, unsigned vmid, const char *cur,
                                     char *prev, size_t prev_n)
{
	char host[PP_PATH_MAX], path[PP_PATH_MAX], want[96], *data = NULL;
	size_t len;
	const char *p;

	prev[0] = '\0';
	if (!cur)
		return HOOK_STATE_NONE;
	if (volume_path(ctx, cur, host, sizeof(host)) < 0 ||
	    util_path(&ctx->paths, path, sizeof(path), "%s", host) < 0 || !util_exists(path))
		return HOOK_STATE_MISSING;
	snprintf(want, sizeof(want), "snippets/pve-passthrough-guard-%u.sh", vmid);
	if (strstr(cur, "snippets/" HOOK_SHARED))
		return HOOK_STATE_GUARDED;
	if (!strstr(cur, want))
		return HOOK_STATE_OTHER;
	if (util_file_read(path, 1 << 16, &data, &len, NULL) == 0 &&
	    (p = strstr(data, HOOK_PREV)) != NULL)
		snprintf(prev, prev_n, "%.*s", (int)strcspn(p + strlen(HOOK_PREV), "\n"),
		         p + strlen(HOOK_PREV));
	free(data);
	return HOOK_STATE_CHAINED;
}

/* `hook status`: every listed VM, or those of this node (every node with --cluster) that pass
 * PCI devices or have a hookscript. */
static int hook_status(struct cli_ctx *ctx, const struct pveconf_vmrefs *vms, bool listed)
{
	json_t *arr = json_array();
	size_t counts[5] = {0};
	int status = CLI_EXIT_OK;

	if (ctx->format == CLI_FORMAT_TEXT && ctx->verbosity >= 0) {
		/* TRANSLATORS: hook status' column headings */
		status_cell(_("VMID"), 10);
		status_cell(_("NODE"), 12);
		status_cell(_("STATE"), 12);
		printf("%s\n", _("HOOKSCRIPT"));
	}
	for (size_t i = 0; i < vms->n; i++) {
		const struct pveconf_vmref *v = &vms->v[i];
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		const char *cur;
		char prev[256];
		enum hook_state st;
		bool pci;

		if (load_conf(ctx, v->node, v->vmid, &vm, &e) < 0) {
			cli_error(ctx, _("VM %u: %s"), v->vmid, e.msg);
			status = CLI_EXIT_FAIL;
			continue;
		}
		cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
		pci = has_hostpci(vm);
		if (!listed && !pci && !cur) {
			pveconf_vm_free(vm);
			continue;
		}
		st = hook_state_of(ctx, v->vmid, cur, prev, sizeof(prev));
		counts[st]++;
		if (ctx->format == CLI_FORMAT_JSON) {
			json_array_append_new(arr, json_pack("{s:i,s:s,s:s,s:s?,s:s?,s:b}", "vmid",
			                                     (int)v->vmid, "node", v->node, "state",
			                                     hook_state_names[st], "hookscript",
			                                     cur, "previous", prev[0] ? prev : NULL,
			                                     "hostpci", pci));
		} else {
			char what[600];

			if (st == HOOK_STATE_CHAINED)
				snprintf(what, sizeof(what), _("%s (then %s)"), cur, prev);
			else if (st == HOOK_STATE_MISSING)
				snprintf(what, sizeof(what),
				         _("%s: not on this node, PVE refuses the start"), cur);
			else if (st == HOOK_STATE_OTHER)
				snprintf(what, sizeof(what), _("%s (not the guard)"), cur);
			else
				snprintf(what, sizeof(what), "%s", cur ? cur : "-");
			printf("%-10u ", v->vmid);
			status_cell(v->node, 12);
			status_cell(_(hook_state_labels[st]), 12);
			printf("%s\n", what);
		}
		pveconf_vm_free(vm);
	}
	if (ctx->format == CLI_FORMAT_JSON) {
		json_t *o = json_pack("{s:i,s:s,s:o}", "schema_version", 1, "node", ctx->node,
		                      "vms", arr);
		char *txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (txt)
			printf("%s\n", txt);
		free(txt);
		json_decref(o);
	} else {
		json_decref(arr);
		if (ctx->verbosity >= 0)
			printf(_("%zu guarded, %zu chained, %zu not guarded, %zu with a hookscript "
			         "missing on this node\n"),
			       counts[HOOK_STATE_GUARDED], counts[HOOK_STATE_CHAINED],
			       counts[HOOK_STATE_NONE] + counts[HOOK_STATE_OTHER],
			       counts[HOOK_STATE_MISSING]);
	}
	return status;
}

/* --all: the VMs of this node (every node with --cluster) that pass PCI devices; for remove, also
 * those whose hookscript is a guard snippet (a VM may have lost its hostpci since). */
static int select_all(const struct cli_ctx *ctx, bool cluster, bool install,
                      struct pveconf_vmrefs *out, struct util_err *e)
{
	size_t k = 0;
	int r = pveconf_vms_scan(&ctx->paths, cluster ? NULL : ctx->node, out, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < out->n; i++) {
		struct pveconf_vm *vm = NULL;
		const char *cur;
		bool keep;

		if (load_conf(ctx, out->v[i].node, out->v[i].vmid, &vm, NULL) < 0)
			continue; /* reported when it is acted on: listed again below */
		cur = pveconf_vm_get(vm, NULL, "hookscript", NULL);
		keep = install ? has_hostpci(vm)
		               : cur && strstr(cur, "snippets/pve-passthrough-guard") != NULL;
		pveconf_vm_free(vm);
		if (keep)
			out->v[k++] = out->v[i];
	}
	out->n = k;
	return 0;
}

enum hook_mode { HOOK_INSTALL, HOOK_REMOVE, HOOK_STATUS };

/* hook install|remove|status with argv[0] = the sub-command's name. */
static int hook_run(struct cli_ctx *ctx, enum hook_mode mode, int argc, char **argv)
{
	struct snippets sn;
	struct util_buf files = {0};
	struct util_err e = {0};
	struct pveconf_vmrefs vms = {0};
	bool install = mode == HOOK_INSTALL, status_cmd = mode == HOOK_STATUS, all = false,
	     cluster = false;
	int status = CLI_EXIT_OK, nids = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0 && !status_cmd)
			all = true;
		else if (strcmp(argv[i], "--cluster") == 0)
			cluster = true;
		else if (argv[i][0] == '-')
			return cli_unknown_option(ctx, "hook", argv[i]);
		else
			nids++;
	}
	if (!status_cmd && !all && nids == 0)
		return cli_usage_error(ctx, "hook", _("hook %s needs VMIDs or --all"), argv[0]);
	if (all && nids)
		return cli_usage_error(ctx, "hook", _("--all and VMIDs do not go together"));
	if (cluster && !all && !status_cmd)
		return cli_usage_error(ctx, "hook", _("--cluster goes with --all"));
	if (cli_need_node(ctx))
		return CLI_EXIT_FAIL;
	if (nids) {
		vms.v = calloc((size_t)nids, sizeof(*vms.v));
		if (!vms.v) {
			cli_error(ctx, _("out of memory"));
			return CLI_EXIT_FAIL;
		}
		for (int i = 1; i < argc; i++) {
			struct pveconf_vmref *v = &vms.v[vms.n];

			if (argv[i][0] == '-')
				continue;
			if (cli_arg_vmid(ctx, "hook", argv[i], &v->vmid)) {
				pveconf_vmrefs_free(&vms);
				return CLI_EXIT_USAGE;
			}
			snprintf(v->node, sizeof(v->node), "%.*s", (int)sizeof(v->node) - 1,
			         ctx->node);
			vms.n++;
		}
	} else if ((status_cmd ? pveconf_vms_scan(&ctx->paths, cluster ? NULL : ctx->node, &vms, &e)
	                       : select_all(ctx, cluster, install, &vms, &e)) < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (status_cmd && nids) {
		/* status may name a VM of any node: find each one's node among all configs */
		struct pveconf_vmrefs every = {0};

		if (pveconf_vms_scan(&ctx->paths, NULL, &every, &e) < 0) {
			cli_error(ctx, "%s", e.msg);
			pveconf_vmrefs_free(&vms);
			return CLI_EXIT_FAIL;
		}
		for (size_t i = 0; i < vms.n; i++) {
			size_t j = 0;

			while (j < every.n && every.v[j].vmid != vms.v[i].vmid)
				j++;
			if (j < every.n) {
				vms.v[i] = every.v[j];
			} else {
				cli_error(ctx, _("[vm-missing] no VM %u under /etc/pve/nodes"),
				          vms.v[i].vmid);
				if (status == CLI_EXIT_OK)
					status = CLI_EXIT_FOUND;
				memmove(&vms.v[i], &vms.v[i + 1],
				        (vms.n - i - 1) * sizeof(vms.v[0]));
				vms.n--;
				i--;
			}
		}
		pveconf_vmrefs_free(&every);
	}
	if (status_cmd) {
		int st = hook_status(ctx, &vms, nids > 0);

		if (st != CLI_EXIT_OK)
			status = st;
		pveconf_vmrefs_free(&vms);
		return status;
	}
	memset(&sn, 0, sizeof(sn));
	if (find_snippets(ctx, &sn, &e) < 0 && install) {
		cli_error(ctx, "%s", e.msg);
		pveconf_vmrefs_free(&vms);
		return CLI_EXIT_FAIL;
	}
	if (all && vms.n == 0)
		printf("%s", install ? _("no VM passes PCI devices\n")
		                     : _("no VM has the guard as hookscript\n"));
	for (size_t i = 0; i < vms.n; i++) {
		int r = install ? install_one(ctx, &sn, vms.v[i].node, vms.v[i].vmid, &files, &e)
		                : remove_one(ctx, &sn, vms.v[i].node, vms.v[i].vmid, &e);

		if (r == -EBUSY) { /* lock: set in the config: PVE refuses changes (exit 1) */
			cli_error(ctx, _("[vm-locked] VM %u: %s"), vms.v[i].vmid, e.msg);
			if (status == CLI_EXIT_OK)
				status = CLI_EXIT_FOUND;
		} else if (r == -ENOENT && strstr(e.msg, "[vm-missing]")) {
			cli_error(ctx, "%s", e.msg);
			if (status == CLI_EXIT_OK)
				status = CLI_EXIT_FOUND;
		} else if (r < 0) {
			cli_error(ctx, _("VM %u: %s"), vms.v[i].vmid, e.msg);
			status = CLI_EXIT_FAIL;
		}
	}
	if (install)
		warn_node_local(ctx, &sn, util_buf_str(&files));
	util_buf_free(&files);
	pveconf_vmrefs_free(&vms);
	return status;
}

static int cli_cmd_hook_install(struct cli_ctx *ctx, int argc, char **argv)
{
	return hook_run(ctx, HOOK_INSTALL, argc, argv);
}

static int cli_cmd_hook_remove(struct cli_ctx *ctx, int argc, char **argv)
{
	return hook_run(ctx, HOOK_REMOVE, argc, argv);
}

static int cli_cmd_hook_status(struct cli_ctx *ctx, int argc, char **argv)
{
	return hook_run(ctx, HOOK_STATUS, argc, argv);
}

int cli_cmd_hook(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_command subs[] = {
	        {"install", cli_cmd_hook_install, {NULL, NULL, NULL}, 0},
	        {"remove", cli_cmd_hook_remove, {NULL, NULL, NULL}, 0},
	        {"status", cli_cmd_hook_status, {NULL, NULL, NULL}, 0},
	};

	return cli_subcommand_run(ctx, "hook", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
