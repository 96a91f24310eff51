/* cli/cmd_lint.c - `lint [--normalize] [--format F] FILE|VMID...|--all`: reads VM config files
 * (a VMID or --all: this node's, under --root) exactly as PVE does and
 * reports, with file:line, every line or value PVE would drop (exit 1) or rewrite (a note, exit 0)
 * at its next write; --normalize prints what PVE's own writer would write.  Front end only: the
 * reading and writing are pveconf/vmconf. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "pveconf/cpu.h"
#include "pveconf/vmconf.h"
#include "pveconf/vmlist.h"
#include "util/fileio.h"
#include "util/paths.h"

static void print_text(const char *file, const struct pveconf_diag *d, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++)
		/* TRANSLATORS: a note's and a silent drop's %s is this tool's sentence (already
		 * translated); a dropped line's is PVE's own warning, quoted as PVE prints it: keep
		 * that one apart (the Chinese text puts it in 「」) */
		if (d[i].kind == PVECONF_DIAG_CHANGED)
			fprintf(out, _("%s:%u: note: %s\n"), file, d[i].line, d[i].message);
		else if (d[i].kind == PVECONF_DIAG_SILENT)
			fprintf(out, _("%s:%u: %s (PVE drops this without a warning)\n"), file,
			        d[i].line, d[i].message);
		else
			fprintf(out, _("%s:%u: %s\n"), file, d[i].line, d[i].message);
}

static const char *kind_name(enum pveconf_diag_kind k)
{
	switch (k) {
	case PVECONF_DIAG_DROPPED: return "dropped";
	case PVECONF_DIAG_CHANGED: return "changed";
	case PVECONF_DIAG_SILENT: return "silent";
	case PVECONF_DIAG_UNWRITABLE: return "unwritable";
	}
	return "dropped";
}

static json_t *json_file(const char *file, const struct pveconf_diag *d, size_t n,
                         const struct util_buf *normalized)
{
	json_t *f = json_object(), *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "line", json_integer(d[i].line));
		json_object_set_new(o, "key", d[i].key ? json_string(d[i].key) : json_null());
		json_object_set_new(o, "section", json_string(d[i].section));
		json_object_set_new(o, "kind", json_string(kind_name(d[i].kind)));
		json_object_set_new(o, "message", json_string(d[i].message));
		json_array_append_new(arr, o);
	}
	json_object_set_new(f, "file", json_string(file));
	json_object_set_new(f, "diagnostics", arr);
	if (normalized)
		json_object_set_new(f, "normalized",
		                    json_stringn(util_buf_str(normalized), normalized->len));
	return f;
}

/* The configs to read: the FILE and VMID operands (a VMID is this node's config), or with --all
 * every config of this node under --root.  Paths into list (malloc'd).  0 or an exit status. */
static int lint_targets(struct cli_ctx *ctx, bool all, int argc, char **argv, char ***list,
                        size_t *n)
{
	struct pveconf_vmrefs refs = {0};
	struct util_err e = {0};
	char path[PP_PATH_MAX];
	bool need_node = all;
	unsigned vmid;

	for (int i = 0; i < argc; i++)
		need_node |= pveconf_vmid_parse(argv[i], &vmid) == 0;
	if (need_node && cli_need_node(ctx) != 0)
		return CLI_EXIT_FAIL;
	if (all && pveconf_vms_scan(&ctx->paths, ctx->node, &refs, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	*list = calloc(refs.n + (size_t)argc + 1, sizeof(**list));
	*n = 0;
	for (size_t i = 0; *list && i < refs.n; i++)
		if (util_path(&ctx->paths, path, sizeof(path),
		              PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", ctx->node,
		              refs.v[i].vmid) == 0)
			(*list)[(*n)++] = strdup(path);
	for (int i = 0; *list && i < argc; i++) {
		if (pveconf_vmid_parse(argv[i], &vmid) == 0 &&
		    util_path(&ctx->paths, path, sizeof(path),
		              PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", ctx->node, vmid) == 0) {
			if (!util_exists(path)) { /* the exit-code table's missing VM: 1 */
				cli_error(ctx, _("[vm-missing] no VM %u on node %s"), vmid,
				          ctx->node);
				for (size_t k = 0; k < *n; k++)
					free((*list)[k]);
				free(*list);
				*list = NULL;
				pveconf_vmrefs_free(&refs);
				return CLI_EXIT_FOUND;
			}
			(*list)[(*n)++] = strdup(path);
		} else
			(*list)[(*n)++] = strdup(argv[i]);
	}
	pveconf_vmrefs_free(&refs);
	if (!*list) {
		cli_error(ctx, _("out of memory"));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

int cli_cmd_lint(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"normalize", no_argument, NULL, 'n'},
	        {"format", required_argument, NULL, 'f'},
	        {"all", no_argument, NULL, 'a'},
	        {NULL, 0, NULL, 0},
	};
	bool normalize = false, dropped = false, failed = false, all = false;
	json_t *root = NULL, *files = NULL;
	struct pveconf_cpu_models *cpu_models = NULL;
	struct util_err cerr = {0};
	char **targets = NULL;
	size_t ntargets = 0, printed = 0;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			normalize = true;
		else if (c == 'a')
			all = true;
		else if (c == 'f') {
			if ((r = cli_set_format(ctx, optarg,
			                        1u << CLI_FORMAT_TEXT | 1u << CLI_FORMAT_JSON)) !=
			    0)
				return r;
		} else
			return cli_unknown_option(ctx, "lint", argv[optind - 1]);
	}
	if (ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON) {
		cli_error(ctx, _("lint: --format must be text or json"));
		return CLI_EXIT_USAGE;
	}
	if (optind >= argc && !all)
		return cli_usage_error(ctx, "lint", _("lint: no FILE, VMID or --all given"));
	if ((r = lint_targets(ctx, all, argc - optind, argv + optind, &targets, &ntargets)) != 0)
		return r;
	/* cpu: custom-NAME is kept only when this node's cpu-models.conf defines it */
	if (pveconf_cpu_models_load(&ctx->paths, &cpu_models, &cerr) < 0) {
		cli_error(ctx, "%s", cerr.msg);
		for (size_t i = 0; i < ntargets; i++)
			free(targets[i]);
		free(targets);
		return CLI_EXIT_FAIL;
	}
	if (ctx->format == CLI_FORMAT_JSON) {
		root = json_object();
		files = json_array();
		json_object_set_new(root, "schema_version", json_integer(1));
	}
	for (size_t i = 0; i < ntargets; i++) {
		const char *file = targets[i];
		struct pveconf_vm *vm = NULL;
		struct util_err err = {0};
		const struct pveconf_diag *d;
		struct util_buf norm = {0};
		size_t n;
		int w = 0;

		if (!file ||
		    pveconf_vm_load_opts(file, &(struct pveconf_vm_opts){.cpu_models = cpu_models},
		                         &vm, &err) < 0) {
			cli_error(ctx, "%s", file ? err.msg : _("out of memory"));
			failed = true;
			continue;
		}
		n = pveconf_vm_diags(vm, &d);
		for (size_t k = 0; k < n; k++)
			if (pveconf_diag_is_loss(d[k].kind))
				dropped = true;
		if (normalize)
			w = pveconf_vm_write_pve(vm, &norm);
		if (w < 0 && w != -ERANGE) {
			cli_error(ctx, _("%s: out of memory"), file);
			failed = true;
		} else if (root) {
			json_array_append_new(
			        files, json_file(file, d, n, normalize && w == 0 ? &norm : NULL));
		} else if (normalize) {
			/* the config on stdout, the findings on stderr; nothing where PVE's writer
			 * dies (its findings say why) */
			if (ntargets > 1 && w == 0)
				printf("%s==> %s <==\n", printed++ ? "\n" : "", file);
			if (w == 0)
				fwrite(norm.s ? norm.s : "", 1, norm.len, stdout);
			print_text(file, d, n, stderr);
		} else {
			print_text(file, d, n, stdout);
		}
		util_buf_free(&norm);
		pveconf_vm_free(vm);
	}
	for (size_t i = 0; i < ntargets; i++)
		free(targets[i]);
	free(targets);
	pveconf_cpu_models_free(cpu_models);
	if (root) {
		json_object_set_new(root, "files", files);
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	}
	if (fflush(stdout) != 0) {
		cli_error(ctx, _("writing the output failed: %s"), strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (failed)
		return CLI_EXIT_FAIL;
	return dropped ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
