/* cli/main.c - entry point: global options, the command table, dispatch.
 * Resolves --root, --node, --config, --format once, then hands a struct cli_ctx to the command.
 * Must not contain command logic. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gather/gather.h"
#include "pveconf/node.h"
#include "settings/settings.h"
#include "util/fileio.h"

#ifndef PP_VERSION
#define PP_VERSION "0.0.0"
#endif

const struct cli_command cli_commands[] = {
        {"help", cli_cmd_help, {"help [COMMAND]", "this list, or the usage of one command"}},
        {"lint",
         cli_cmd_lint,
         {"lint [--normalize] [--format text|json] (FILE|VMID)... | --all",
          "report what PVE would drop or rewrite in VM configs (a VMID or --all: this node's); "
          "--normalize prints PVE's rewrite"}},
        {"assign",
         cli_cmd_assign,
         {"assign VMID (--vf auto|BDF | --mdev TYPE|auto | --mapping NAME) [--pf BDF] [--slot N] "
          "[--pcie|--no-pcie] [--x-vga] [--romfile FILE] [--dry-run] [--lock-timeout S] "
          "[--format text|json] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]]",
          "give a VM an iGPU VF, a GVT-g type or a mapped device, after the guard's rules"}},
        {"release",
         cli_cmd_release,
         {"release VMID (--slot N | --device BDF | --all) [--dry-run] [--lock-timeout S] "
          "[--format text|json]",
          "take hostpci entries away from a VM (pending delete while it runs)"}},
        {"status",
         cli_cmd_status,
         {"status [--all] [--format text|json] [--api [--node NAME] [--api-*]]",
          "the host's iGPU, SR-IOV PFs/VFs, mdev types, IOMMU groups, drivers and which VMs use them"}},
        {"guard",
         cli_cmd_guard,
         {"guard VMID PHASE",
          "the pre-start hookscript: refuse a start that breaks a rule (exit 1)"}},
        {"hook",
         cli_cmd_hook,
         {"hook install|remove VMID...|--all [--cluster], hook status [--cluster] [VMID...]",
          "make the guard a VM's hookscript (chaining an existing one), undo that, or show which VMs are guarded"}},
        {"audit",
         cli_cmd_audit,
         {"audit [--cluster [NAME]] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]] [--vmid N]... [--fail-on info|warning|error] "
          "[--format F]",
          "check every VM config and this host against every rule"}},
        {"host",
         cli_cmd_host,
         {"host setup sriov|gvtg [--vfs N] [--driver i915|xe] [--replace-conflicts] "
          "[--dkms-deb FILE] [--dry-run] [--force] [--yes] | host setup sriov --pf BDF --vfs N "
          "[--dry-run] [--yes] | host rollback [--dry-run] [--force] [--yes] | "
          "host vfs [--pf BDF] [--wait SEC] [N [--dry-run]]",
          "configure the host for iGPU SR-IOV or GVT-g, or SR-IOV on another PF (--pf); undo "
          "the last setup; set the VF count"}},
        {"mapping",
         cli_cmd_mapping,
         {"mapping create NAME [--pf BDF] [--vfs all|LIST] [--description TEXT] [--dry-run] "
          "[--lock-timeout S] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]] [--format text|json] | "
          "mapping check [NAME] [--format text|json]",
          "a PCI resource mapping with one map line per VF of this node's iGPU (a VF pool), or "
          "each map line of this node judged as PVE judges it at VM start"}},
        {"doctor",
         cli_cmd_doctor,
         {"doctor [--fail-on info|warning|error] [--kernel-log FILE] [--format F]",
          "check the host end to end: platform, IOMMU, cmdline, driver, VFs, dkms per kernel"}},
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_command *cli_command_lookup(const struct cli_command *table, size_t n,
                                             const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct cli_command *cli_command_find(const char *name)
{
	return cli_command_lookup(cli_commands, cli_n_commands, name);
}

int cli_subcommand_run(struct cli_ctx *ctx, const char *cmd, const struct cli_command *table,
                       size_t n, int argc, char **argv)
{
	const struct cli_command *sub;
	char names[256] = "";

	for (size_t i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
		         i ? ", " : "", table[i].name);
	if (argc < 2)
		return cli_usage_error(ctx, cmd, "%s needs a subcommand: %s", cmd, names);
	sub = cli_command_lookup(table, n, argv[1]);
	if (!sub)
		return cli_usage_error(ctx, cmd, "%s %s: unknown subcommand (%s)", cmd, argv[1],
		                       names);
	return sub->fn(ctx, argc - 1, argv + 1);
}

void cli_usage_print(FILE *out)
{
	fprintf(out,
	        "usage: pve-passthrough [GLOBAL OPTIONS] COMMAND [ARGS]\n"
	        "\n"
	        "Safe Intel iGPU sharing (SR-IOV VFs, GVT-g mdev) for Proxmox VE.\n"
	        "\n"
	        "Global options:\n"
	        "  --root DIR          read and write every host path under DIR (env PVE_PASSTHROUGH_ROOT)\n"
	        "  --node NAME         this node's name (default: /etc/pve/local, /etc/hostname, uname -n)\n"
	        "  --config FILE       the tool's configuration (default /etc/pve-passthrough.conf)\n"
	        "  --format FORMAT     text or json (some commands: prometheus, nagios)\n"
	        "  -t, --timeout SEC   give up after SEC seconds, exit 3 (default: timeout in the\n"
	        "                      config file, else 300; 0 = no limit; the guard has its own)\n"
	        "  -q, --quiet         only errors\n"
	        "  -v, --verbose       more detail (first: root, node and config in use, on stderr)\n"
	        "  --version           print the version\n"
	        "  -h, --help          this help; COMMAND --help for a command\n"
	        "\n"
	        "Commands:\n");
	for (size_t i = 0; i < cli_n_commands; i++)
		fprintf(out, "  %-38s %s\n", cli_commands[i].help.usage,
		        cli_commands[i].help.summary);
	fprintf(out,
	        "\nExit status: 0 ok, 1 refused or findings, 2 usage error, 3 could not finish.\n"
	        "See pve-passthrough(8).\n");
}

void cli_gather_opts(const struct cli_ctx *ctx, unsigned flags, struct gather_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->paths = &ctx->paths;
	o->node = ctx->node;
	o->node_error = ctx->node_error;
	o->flags = flags;
}

int cli_settings(const struct cli_ctx *ctx, struct gather_node *g, struct util_err *e)
{
	return gather_settings(ctx->config_path, ctx->config_explicit, g, e);
}

int cli_need_node(const struct cli_ctx *ctx)
{
	if (ctx->node[0])
		return 0;
	cli_error(ctx, "%s", ctx->node_error);
	return CLI_EXIT_FAIL;
}

static void vmsg(const struct cli_ctx *ctx, const char *level, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));
static void vmsg(const struct cli_ctx *ctx, const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", ctx && ctx->prog ? ctx->prog : "pve-passthrough", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, _("error: "), fmt, ap);
	va_end(ap);
}

void cli_warn(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx && ctx->verbosity < 0)
		return;
	va_start(ap, fmt);
	vmsg(ctx, _("warning: "), fmt, ap);
	va_end(ap);
}

void cli_info(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx && ctx->verbosity < 1)
		return;
	va_start(ap, fmt);
	vmsg(ctx, "", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	const struct cli_command *c = cmd ? cli_command_find(cmd) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, "", fmt, ap);
	va_end(ap);
	if (c)
		fprintf(stderr, "usage: pve-passthrough %s\n", c->help.usage);
	else
		fprintf(stderr, "Try 'pve-passthrough --help'.\n");
	return CLI_EXIT_USAGE;
}

int cli_exit_from_errno(int r)
{
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_set_format(struct cli_ctx *ctx, const char *value, unsigned allowed)
{
	static const char *names[] = {"text", "json", "prometheus", "nagios"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(value, names[i]) != 0)
			continue;
		if (!(allowed & (1u << i)))
			break;
		ctx->format = (enum cli_format)i;
		cli_deadline_format(ctx);
		return 0;
	}
	cli_error(ctx, "--format %s is not available here (choose one of:%s%s%s%s)", value,
	          allowed & 1 ? " text" : "", allowed & 2 ? " json" : "",
	          allowed & 4 ? " prometheus" : "", allowed & 8 ? " nagios" : "");
	return CLI_EXIT_USAGE;
}

int cli_main(int argc, char **argv, const struct cli_seams *seams)
{
	static const struct cli_seams none;
	enum { OPT_ROOT = 256, OPT_NODE, OPT_CONFIG, OPT_FORMAT, OPT_VERSION };
	static const struct option opts[] = {
	        {"root", required_argument, NULL, OPT_ROOT},
	        {"node", required_argument, NULL, OPT_NODE},
	        {"config", required_argument, NULL, OPT_CONFIG},
	        {"format", required_argument, NULL, OPT_FORMAT},
	        {"timeout", required_argument, NULL, 't'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"version", no_argument, NULL, OPT_VERSION},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct cli_ctx ctx;
	const char *root = getenv("PVE_PASSTHROUGH_ROOT");
	const char *node = NULL, *config = NULL, *format = NULL, *nocolor = getenv("NO_COLOR");
	const char *timeout = NULL;
	unsigned deadline = SETTINGS_TIMEOUT_DEFAULT;
	const struct cli_command *cmd;
	struct util_err err = {0};
	int c, first;

	/* the environment's language (LC_ALL=C, as PVE runs the guard: English, no catalog) */
	util_i18n_init(NULL);
	memset(&ctx, 0, sizeof(ctx));
	ctx.prog = "pve-passthrough";
	ctx.seams = seams ? seams : &none;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:qvht:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: root = optarg; break;
		case OPT_NODE: node = optarg; break;
		case OPT_CONFIG: config = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case 't': timeout = optarg; break;
		case 'q': ctx.verbosity = -1; break;
		case 'v': ctx.verbosity++; break;
		case OPT_VERSION: printf("pve-passthrough %s\n", PP_VERSION); return CLI_EXIT_OK;
		case 'h': cli_usage_print(stdout); return CLI_EXIT_OK;
		case ':':
			return cli_usage_error(&ctx, NULL, "option %s needs a value",
			                       argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 256) /* a short one, maybe in a cluster (-qx) */
				return cli_usage_error(&ctx, NULL, "unknown option '-%c'", optopt);
			return cli_usage_error(&ctx, NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (timeout) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(timeout, &end, 10);
		if (errno || end == timeout || *end || timeout[0] == '-' ||
		    v > SETTINGS_TIMEOUT_MAX)
			return cli_usage_error(
			        &ctx, NULL,
			        "--timeout '%s': not a number of seconds (0..%d; 0 = no "
			        "limit)",
			        timeout, SETTINGS_TIMEOUT_MAX);
		deadline = (unsigned)v;
	}
	if (optind >= argc) {
		cli_usage_print(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = cli_command_find(argv[optind]);
	if (!cmd)
		return cli_usage_error(&ctx, NULL, "unknown command '%s'", argv[optind]);

	/* the guard keeps its own limit (guard { timeout }) and its own answer to it */
	if (strcmp(cmd->name, "guard") != 0)
		cli_deadline_arm(&ctx, cmd->name, deadline);

	if (root && *root && !util_is_dir(root)) {
		cli_error(&ctx, "--root %s: not a directory", root);
		return CLI_EXIT_FAIL;
	}
	if (util_paths_init(&ctx.paths, root) < 0)
		return cli_usage_error(&ctx, NULL, "--root: path too long");
	if (format && cli_set_format(&ctx, format, 0xf))
		return CLI_EXIT_USAGE;
	ctx.color = isatty(STDOUT_FILENO) && !(nocolor && *nocolor);
	if (config) {
		if (strlen(config) >= sizeof(ctx.config_path))
			return cli_usage_error(&ctx, NULL, "--config: path too long");
		strcpy(ctx.config_path, config);
		ctx.config_explicit = true;
		if (access(config, R_OK) < 0) {
			cli_error(&ctx, "--config %s: %s", config, strerror(errno));
			return CLI_EXIT_FAIL;
		}
	} else {
		util_path(&ctx.paths, ctx.config_path, sizeof(ctx.config_path), PP_ETC_TOOL_CONF);
	}
	/* the config file's deadline when -t did not give one (read under the default deadline) */
	if (!timeout && strcmp(cmd->name, "guard") != 0 && strcmp(cmd->name, "help") != 0) {
		settings_timeout_load(ctx.config_path, &deadline);
		cli_deadline_arm(&ctx, cmd->name, deadline);
	}
	if (node) {
		if (pveconf_node_name_valid(node) < 0 || strlen(node) >= sizeof(ctx.node))
			return cli_usage_error(&ctx, NULL, "--node '%s': not a valid node name",
			                       node);
		snprintf(ctx.node, sizeof(ctx.node), "%s", node);
	} else {
		/* not fatal here: only commands that need the node call cli_need_node() */
		if (pveconf_node_name(&ctx.paths, ctx.node, sizeof(ctx.node), &err) < 0)
			snprintf(ctx.node_error, sizeof(ctx.node_error), "%s", err.msg);
	}
	/* -v: what every command works on, on stderr */
	cli_info(&ctx, "root %s, node %s%s%s%s, config %s%s",
	         ctx.paths.root[0] ? ctx.paths.root : "/", ctx.node[0] ? ctx.node : "unknown",
	         ctx.node[0] ? "" : " (", ctx.node[0] ? "" : ctx.node_error, ctx.node[0] ? "" : ")",
	         ctx.config_path,
	         ctx.config_explicit || util_exists(ctx.config_path) ? "" : " (absent: defaults)");
	first = optind;
	for (int i = first + 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help_print(stdout, cmd);
			return CLI_EXIT_OK;
		}
	}
	/* test seam (the test binary only, under a --root): a command that never finishes */
	if (ctx.seams->stall_command && !util_paths_is_host(&ctx.paths))
		for (;;)
			pause();
	optind = 0; /* each command runs its own getopt_long from argv[0] = its name */
	return cmd->fn(&ctx, argc - first, argv + first);
}
