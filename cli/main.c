/* cli/main.c - entry point: global options, the command table, dispatch.
 * Resolves --root, --node, --config, --format once, then hands a struct cli_ctx to the command.
 * Must not contain command logic. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "cli/table.h"
#include "gather/gather.h"
#include "pveconf/node.h"
#include "settings/settings.h"
#include "util/fileio.h"

#ifndef PP_VERSION
#define PP_VERSION "0.0.0"
#endif

#define F_TEXT (1u << CLI_FORMAT_TEXT)
#define F_JSON (1u << CLI_FORMAT_JSON)
#define F_ALL  (F_TEXT | F_JSON | 1u << CLI_FORMAT_PROMETHEUS | 1u << CLI_FORMAT_NAGIOS)
/* Help entries several commands share (one text each, one msgid). */
// clang-format off
#define OPT_API_CONNECTION                                                                         \
	{"--api-url URL", N_("the API's address (default: the api block of the config file)")},    \
	{"--api-token-file F", N_("a file with the API token (USER@REALM!ID=SECRET)")},            \
	{"--api-fingerprint FP", N_("the SHA-256 fingerprint the server's certificate must have")},\
	{"--api-ca-file F", N_("the CA certificate file that verifies the server")}
#define OPT_API                                                                                    \
	{"--api", N_("read and write through the PVE REST API instead of the local files")},       \
	OPT_API_CONNECTION
#define OPT_FORMAT_TJ {"--format text|json", N_("text for people, json for programs")}
#define OPT_FORMAT_ALL                                                                             \
	{"--format text|json|prometheus|nagios",                                                   \
	 N_("text for people, json for programs, node_exporter textfile lines, a Nagios status "   \
	    "line")}
#define OPT_FAIL_ON                                                                                \
	{"--fail-on info|warning|error", N_("exit 1 from this severity on (default error)")}
#define OPT_DRY_RUN {"--dry-run", N_("show the change as a unified diff and write nothing")}
#define OPT_LOCK_TIMEOUT                                                                           \
	{"--lock-timeout S", N_("wait up to S seconds for the VM's lock (default 10), else exit 3")}
// clang-format on

/* The global options, accepted before or after the command (cli_main moves them). */
static const struct cli_opt_help global_opts[] = {
        {"--root DIR", N_("read and write every host path under DIR (env PVE_PASSTHROUGH_ROOT)")},
        {"--node NAME", N_("this node's name (default: /etc/pve/local, /etc/hostname, uname -n)")},
        {"--config FILE", N_("the tool's configuration (default /etc/pve-passthrough.conf)")},
        {"--format FORMAT", N_("text or json (audit and doctor also: prometheus, nagios)")},
        {"-t, --timeout SEC",
         N_("give up after SEC seconds, exit 3 (default: timeout in the config "
            "file, else 300; 0 = no limit; the guard has its own)")},
        {"--color WHEN", N_("auto (colour on a terminal without NO_COLOR), always or never")},
        {"-q, --quiet", N_("only the findings (no headers or summaries) and errors")},
        {"-v, --verbose", N_("more detail (first: root, node and config in use, on stderr)")},
        {"--version", N_("print the version")},
        {"-h, --help", N_("this help; help COMMAND or COMMAND --help for a command")},
        {NULL, NULL},
};

static const struct cli_opt_help lint_opts[] = {
        {"--normalize", N_("print each file as PVE's own writer would write it, byte for byte")},
        {"--all", N_("every VM config of this node")},
        OPT_FORMAT_TJ,
        {NULL, NULL},
};
static const struct cli_opt_help assign_opts[] = {
        {"--vf auto|BDF", N_("an SR-IOV VF: the lowest free one (auto) or this one")},
        {"--mdev TYPE|auto",
         N_("a GVT-g mdev type: this one, or the one with the most instances left")},
        {"--mapping NAME", N_("a PCI resource mapping: PVE picks a free device of it at start")},
        {"--pf BDF", N_("the PF whose VFs --vf auto picks from (default: the iGPU)")},
        {"--slot N", N_("the hostpciN slot, 0-15 (default: the lowest free one)")},
        {"--pcie, --no-pcie", N_("pcie=1 or not (default: pcie=1 on q35 machines)")},
        {"--x-vga", N_("x-vga=1: the device is the VM's primary display")},
        {"--romfile FILE", N_("romfile=FILE, a ROM under /usr/share/kvm")},
        OPT_DRY_RUN,
        OPT_LOCK_TIMEOUT,
        OPT_FORMAT_TJ,
        OPT_API,
        {NULL, NULL},
};
static const struct cli_opt_help release_opts[] = {
        {"--slot N", N_("take away hostpciN")},
        {"--device BDF", N_("take away every entry that passes this device")},
        {"--all", N_("take away every hostpci entry")},
        OPT_DRY_RUN,
        OPT_LOCK_TIMEOUT,
        OPT_FORMAT_TJ,
        OPT_API,
        {NULL, NULL},
};
static const struct cli_opt_help status_opts[] = {
        {"--all", N_("every PCI device, not only display devices, PFs, VFs and used ones")},
        {"--table", N_("text: one row per device instead of the tree (PF -> VFs -> the VMs using "
                       "each)")},
        OPT_FORMAT_TJ,
        {"--api", N_("a node's hardware as the PVE REST API shows it")},
        {"--node NAME", N_("with --api: the node to show (default: this node)")},
        OPT_API_CONNECTION,
        {NULL, NULL},
};
static const struct cli_opt_help hook_opts[] = {
        {"--all",
         N_("install: every VM of this node that passes PCI devices; remove: every guarded "
            "VM")},
        {"--cluster", N_("with --all or status: the VMs of every node")},
        {"--format text|json", N_("status: text for people, json for programs")},
        {NULL, NULL},
};
static const struct cli_opt_help audit_opts[] = {
        {"--cluster [NAME]", N_("the VMs of every node (with --api: of the named cluster, or of "
                                "every configured one)")},
        {"--vmid N", N_("only this VM (repeatable); the others still count for sharing")},
        OPT_FAIL_ON,
        OPT_FORMAT_ALL,
        OPT_API,
        {NULL, NULL},
};
static const struct cli_opt_help host_opts[] = {
        {"--vfs N",
         N_("setup sriov: the VF count the boot unit creates (default: all, at most 7)")},
        {"--driver i915|xe", N_("setup sriov: i915-sriov-dkms (default) or the xe driver")},
        {"--pf BDF", N_("setup sriov, vfs: a PF other than the iGPU (a NIC, an NVMe controller)")},
        {"--replace-conflicts", N_("setup: change kernel command line tokens that work against the "
                                   "setup")},
        {"--dkms-deb FILE", N_("setup sriov: install this i915-sriov-dkms package")},
        {"--dry-run", N_("setup, rollback, vfs: show what would change and change nothing")},
        {"--force", N_("setup: set up even though it would not work after the reboot; rollback: "
                       "restore files changed since the setup")},
        {"-y, --yes", N_("setup, rollback: apply without asking (needed off a terminal)")},
        {"--wait SEC", N_("vfs: wait up to SEC seconds for the PF driver (the boot unit uses 60)")},
        {NULL, NULL},
};
static const struct cli_opt_help mapping_opts[] = {
        {"--pf BDF", N_("create: the PF whose VFs go into the mapping (default: the iGPU)")},
        {"--vfs all|LIST", N_("create: VF numbers or addresses, comma-separated (default all)")},
        {"--description TEXT", N_("create: the mapping's description")},
        {"--dry-run", N_("create: show the change as a unified diff and write nothing")},
        {"--lock-timeout S", N_("create: wait up to S seconds for pmxcfs' lock (default 10)")},
        OPT_FORMAT_TJ,
        OPT_API,
        {NULL, NULL},
};
static const struct cli_opt_help doctor_opts[] = {
        OPT_FAIL_ON,
        {"--kernel-log FILE", N_("read the kernel log from FILE (dmesg, journalctl -k or /dev/kmsg "
                                 "records) instead of /dev/kmsg")},
        OPT_FORMAT_ALL,
        {NULL, NULL},
};

const struct cli_command cli_commands[] = {
        {"help",
         cli_cmd_help,
         {"help [COMMAND]", N_("this list, or the help of one command"), NULL},
         F_TEXT},
        {"lint",
         cli_cmd_lint,
         {"lint [--normalize] [--format text|json] (FILE|VMID)... | --all",
          N_("report what PVE would drop or rewrite in VM configs (a VMID or --all: this node's); "
             "--normalize prints PVE's rewrite"),
          lint_opts},
         F_TEXT | F_JSON},
        {"assign",
         cli_cmd_assign,
         {"assign VMID (--vf auto|BDF | --mdev TYPE|auto | --mapping NAME) [--pf BDF] [--slot N] "
          "[--pcie|--no-pcie] [--x-vga] [--romfile FILE] [--dry-run] [--lock-timeout S] "
          "[--format text|json] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]]",
          N_("give a VM an iGPU VF, a GVT-g type or a mapped device, after the guard's rules"),
          assign_opts},
         F_TEXT | F_JSON},
        {"release",
         cli_cmd_release,
         {"release VMID (--slot N | --device BDF | --all) [--dry-run] [--lock-timeout S] "
          "[--format text|json] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]]",
          N_("take hostpci entries away from a VM (pending delete while it runs)"), release_opts},
         F_TEXT | F_JSON},
        {"status",
         cli_cmd_status,
         {"status [--all] [--table] [--format text|json] [--api [--node NAME] [--api-*]]",
          N_("the host's iGPU, SR-IOV PFs/VFs, mdev types, IOMMU groups, drivers and which VMs use "
             "them"),
          status_opts},
         F_TEXT | F_JSON},
        {"guard",
         cli_cmd_guard,
         {"guard VMID PHASE",
          N_("the pre-start hookscript: refuse a start that breaks a rule (exit 1)"), NULL},
         F_TEXT},
        {"hook",
         cli_cmd_hook,
         {"hook install|remove VMID...|--all [--cluster], hook status [--cluster] [VMID...]",
          N_("make the guard a VM's hookscript (chaining an existing one), undo that, or show which "
             "VMs are guarded"),
          hook_opts},
         F_TEXT | F_JSON},
        {"audit",
         cli_cmd_audit,
         {"audit [--cluster [NAME]] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]] [--vmid N]... [--fail-on info|warning|error] "
          "[--format F]",
          N_("check every VM config and this host against every rule"), audit_opts},
         F_ALL},
        {"host",
         cli_cmd_host,
         {"host setup sriov|gvtg [--vfs N] [--driver i915|xe] [--replace-conflicts] "
          "[--dkms-deb FILE] [--dry-run] [--force] [--yes] | host setup sriov --pf BDF --vfs N "
          "[--dry-run] [--yes] | host rollback [--dry-run] [--force] [--yes] | "
          "host vfs [--pf BDF] [--wait SEC] [N|PF:N [--dry-run]]",
          N_("configure the host for iGPU SR-IOV or GVT-g, or SR-IOV on another PF (--pf); undo "
             "the last setup; set the VF count"),
          host_opts},
         F_TEXT | F_JSON},
        {"mapping",
         cli_cmd_mapping,
         {"mapping create NAME [--pf BDF] [--vfs all|LIST] [--description TEXT] [--dry-run] "
          "[--lock-timeout S] [--api [--api-url URL] [--api-token-file F] "
          "[--api-fingerprint FP|--api-ca-file F]] [--format text|json] | "
          "mapping check [NAME] [--format text|json]",
          N_("a PCI resource mapping with one map line per VF of this node's iGPU (a VF pool), or "
             "each map line of this node judged as PVE judges it at VM start"),
          mapping_opts},
         F_TEXT | F_JSON},
        {"doctor",
         cli_cmd_doctor,
         {"doctor [--fail-on info|warning|error] [--kernel-log FILE] [--format F]",
          N_("check the host end to end: platform, IOMMU, cmdline, driver, VFs, dkms per kernel"),
          doctor_opts},
         F_ALL},
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
		return cli_usage_error(ctx, cmd, _("%s needs a subcommand: %s"), cmd, names);
	sub = cli_command_lookup(table, n, argv[1]);
	if (!sub)
		return cli_unknown_command(ctx, cmd, table, n, argv[1]);
	return sub->fn(ctx, argc - 1, argv + 1);
}

/* The option names of a help table ("--pcie, --no-pcie" gives two) into names[], at most max. */
static size_t option_names(const struct cli_opt_help *o, char names[][40], size_t max)
{
	size_t n = 0;

	for (; o && o->opt && n < max; o++)
		for (const char *p = o->opt; *p && n < max;) {
			size_t l = strcspn(p, " ,");

			if (p[0] == '-' && l < 40) {
				memcpy(names[n], p, l);
				names[n++][l] = '\0';
			}
			p += l;
			p += strspn(p, " ,");
			if (*p != '-') /* the argument: the rest up to the next ", -" */
				p += strcspn(p, ",");
			p += strspn(p, " ,");
		}
	return n;
}

int cli_unknown_option(const struct cli_ctx *ctx, const char *cmd, const char *arg)
{
	const struct cli_command *c = cmd ? cli_command_find(cmd) : NULL;
	char names[64][40], word[64];
	const char *ptr[64], *hint;
	size_t n;

	n = option_names(c ? c->help.options : NULL, names, 48);
	n += option_names(global_opts, names + n, 64 - n);
	for (size_t i = 0; i < n; i++)
		ptr[i] = names[i];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg, "="), arg);
	hint = cli_suggest(word, ptr, n);
	if (hint && cmd)
		return cli_usage_error(ctx, cmd, _("%s: unknown option '%s'; did you mean '%s'?"),
		                       cmd, word, hint);
	if (hint)
		return cli_usage_error(ctx, cmd, _("unknown option '%s'; did you mean '%s'?"), word,
		                       hint);
	if (cmd)
		return cli_usage_error(ctx, cmd, _("%s: unknown option '%s'"), cmd, word);
	return cli_usage_error(ctx, cmd, _("unknown option '%s'"), word);
}

int cli_unknown_command(const struct cli_ctx *ctx, const char *cmd, const struct cli_command *table,
                        size_t n, const char *name)
{
	const char *names[32], *hint;
	char list[256] = "";

	for (size_t i = 0; i < n && i < 32; i++) {
		names[i] = table[i].name;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
		         table[i].name);
	}
	hint = cli_suggest(name, names, n < 32 ? n : 32);
	if (!cmd)
		return hint ? cli_usage_error(ctx, NULL,
		                              _("unknown command '%s'; did you mean '%s'?"), name,
		                              hint)
		            : cli_usage_error(ctx, NULL, _("unknown command '%s'"), name);
	return hint ? cli_usage_error(ctx, cmd,
	                              _("%s %s: unknown subcommand; did you mean '%s %s'? (%s)"),
	                              cmd, name, cmd, hint, list)
	            : cli_usage_error(ctx, cmd, _("%s %s: unknown subcommand (%s)"), cmd, name,
	                              list);
}

/* Writes the synopsis words u[0..n) (ASCII: synopses are not translated) from column col,
 * wrapped at CLI_HELP_WIDTH with indent for a broken line, at option boundaries: at the spaces
 * outside brackets first; a bracketed group longer than a line ("[--api [--api-url URL] ...]")
 * is broken at the spaces one level inside it, and so on.  *sep: a space goes before the next
 * word (false at the start of a line).  Returns the column after the last word. */
static int synopsis_wrap(FILE *out, const char *u, size_t n, int col, int indent, int depth,
                         bool *sep)
{
	size_t i = 0;
	int d = 0; /* the bracket depth at u + i, counted from u */

	while (i < n) {
		int l = 0;

		/* one piece: up to a space at this depth */
		while (i + (size_t)l < n && (d > depth || u[i + l] != ' ')) {
			d += (u[i + l] == '[' || u[i + l] == '(') -
			     (u[i + l] == ']' || u[i + l] == ')');
			l++;
		}
		if (*sep && col + 1 + l > CLI_HELP_WIDTH) {
			col = fprintf(out, "\n%*s", indent, "") - 1;
			*sep = false;
		}
		if (col + *sep + l > CLI_HELP_WIDTH && depth < 8) {
			/* too long for a line of its own: its inner boundaries */
			col = synopsis_wrap(out, u + i, (size_t)l, col, indent, depth + 1, sep);
		} else {
			col += fprintf(out, "%s%.*s", *sep ? " " : "", l, u + i);
			*sep = true;
		}
		i += (size_t)l;
		while (i < n && u[i] == ' ')
			i++;
	}
	return col;
}

void cli_help_usage_print(FILE *out, const char *usage)
{
	const char *lead = _("usage: pve-passthrough");
	bool sep = true;

	fputs(lead, out);
	synopsis_wrap(out, usage, strlen(usage), (int)cli_text_width(lead), 8, 0, &sep);
	fputc('\n', out);
}

void cli_help_options_print(FILE *out, const struct cli_opt_help *o)
{
	for (; o && o->opt; o++) {
		int col = fprintf(out, "  %s", o->opt);

		if (col > 26) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s", 28 - col, "");
		cli_text_wrap(out, _(o->text), 28, 28, CLI_HELP_WIDTH);
		fputc('\n', out);
	}
}

void cli_usage_print(FILE *out)
{
	fprintf(out, "%s",
	        _("usage: pve-passthrough [GLOBAL OPTIONS] COMMAND [ARGS]\n"
	          "\n"
	          "Safe Intel iGPU sharing (SR-IOV VFs, GVT-g mdev) for Proxmox VE.\n"
	          "\n"
	          "Global options (before or after the command):\n"));
	cli_help_options_print(out, global_opts);
	fprintf(out, "%s", _("\nCommands:\n"));
	/* a short synopsis and the summary side by side; a long one wrapped on lines of its own
	 * (broken lines under the command's name), the summary under it in the same column */
	for (size_t i = 0; i < cli_n_commands; i++) {
		const char *u = cli_commands[i].help.usage;
		bool sep = false;
		int col;

		fputs("  ", out);
		col = synopsis_wrap(out, u, strlen(u), 2, 6, 0, &sep);
		if (col > 40) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s", 41 - col, "");
		cli_text_wrap(out, _(cli_commands[i].help.summary), 41, 41, CLI_HELP_WIDTH);
		fputc('\n', out);
	}
	fprintf(out, "%s",
	        _("\nExit status: 0 ok, 1 refused or findings, 2 usage error, 3 could not finish.\n"
	          "See pve-passthrough(8).\n"));
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

int cli_text_tables(const struct cli_ctx *ctx)
{
	struct util_err e = {0};

	if (ctx->format != CLI_FORMAT_TEXT || cli_table_load(&e) == 0)
		return 0;
	cli_error(ctx, "%s", e.msg);
	return CLI_EXIT_FAIL;
}

/* kind: 'e' error, 'w' warning, 0 none; level is its label in the reader's language ("error: ",
 * "错误："), coloured up to its colon (ASCII or full-width). */
static void vmsg(const struct cli_ctx *ctx, char kind, const char *level, const char *fmt,
                 va_list ap) __attribute__((format(printf, 4, 0)));
static void vmsg(const struct cli_ctx *ctx, char kind, const char *level, const char *fmt,
                 va_list ap)
{
	const char *on = !ctx || !ctx->color_err || !kind ? NULL
	                 : kind == 'e'                    ? "\033[31m"
	                                                  : "\033[33m";
	const char *prog = ctx && ctx->prog ? ctx->prog : "pve-passthrough";
	char *msg = NULL;

	if (on) {
		const char *wide = strstr(level, "\xef\xbc\x9a"); /* U+FF1A FULLWIDTH COLON */
		size_t n = strcspn(level, ":");

		if (wide && (size_t)(wide - level) < n)
			n = (size_t)(wide - level);
		fprintf(stderr, "%s: %s%.*s\033[0m%s", prog, on, (int)n, level, level + n);
	} else
		fprintf(stderr, "%s: %s", prog, level);
	/* wrapped at the terminal's width (cli/table.h; not into a pipe or the task log) */
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	cli_text_wrap(stderr, msg, cli_text_width(prog) + 2 + cli_text_width(level), 4,
	              cli_term_width(stderr));
	free(msg);
	fputc('\n', stderr);
}

void cli_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, 'e', _("error: "), fmt, ap);
	va_end(ap);
}

void cli_warn(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx && ctx->verbosity < 0)
		return;
	va_start(ap, fmt);
	vmsg(ctx, 'w', _("warning: "), fmt, ap);
	va_end(ap);
}

void cli_info(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx && ctx->verbosity < 1)
		return;
	va_start(ap, fmt);
	vmsg(ctx, 0, "", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	const struct cli_command *c = cmd ? cli_command_find(cmd) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, 0, "", fmt, ap);
	va_end(ap);
	if (c)
		cli_help_usage_print(stderr, c->help.usage);
	else
		fprintf(stderr, _("Try 'pve-passthrough --help'.\n"));
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
	static const char *const format_names[] = {"text", "json", "prometheus", "nagios"};
	char list[64] = "";

	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (allowed & 1u << i)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s",
			         format_names[i]);
	cli_error(ctx, _("--format %s is not available here (choose one of:%s)"), value, list);
	return CLI_EXIT_USAGE;
}

static bool has_arg(int argc, char **argv, const char *a)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], a) == 0)
			return true;
	return false;
}

bool cli_needs_root(const struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	static const char *const readers[] = {"assign", "release", "status",  "audit",
	                                      "doctor", "hook",    "mapping", "host"};
	const char *sub = argc > 1 ? argv[1] : "";
	bool reads = false, writes;
	char path[PP_PATH_MAX];

	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		reads |= strcmp(cmd->name, readers[i]) == 0;
	if (!reads || has_arg(argc, argv, "--api"))
		return false;
	writes = !has_arg(argc, argv, "--dry-run") &&
	         (strcmp(cmd->name, "assign") == 0 || strcmp(cmd->name, "release") == 0 ||
	          (strcmp(cmd->name, "mapping") == 0 && strcmp(sub, "create") == 0) ||
	          (strcmp(cmd->name, "hook") == 0 && strcmp(sub, "status") != 0) ||
	          (strcmp(cmd->name, "host") == 0 &&
	           (strcmp(sub, "vfs") != 0 || (argc > 2 && argv[argc - 1][0] != '-'))));
	if (writes && util_paths_is_host(&ctx->paths))
		return true;
	util_path(&ctx->paths, path, sizeof(path), "/etc");
	if (writes && access(path, W_OK) < 0 && errno == EACCES)
		return true;
	/* /etc/pve is root:www-data 0750 on PVE: another user cannot read it */
	for (int i = 0; i < 2; i++) {
		util_path(&ctx->paths, path, sizeof(path), i ? PP_ETC_PVE_NODES : PP_ETC_PVE);
		if (access(path, R_OK | X_OK) < 0 && errno == EACCES)
			return true;
	}
	return false;
}

/* Is a (an argument after the command) a global option?  *value: its value is the next
 * argument.  status keeps its own --node (the node --api shows). */
static bool global_after(const char *a, const char *cmd, bool *value)
{
	static const char *const valued[] = {"--root",   "--node",    "--config",
	                                     "--format", "--timeout", "-t"};
	static const char *const flags[] = {"-q", "--quiet", "-v", "--verbose", "--color"};

	*value = false;
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++) {
		size_t l = strlen(valued[i]);

		if (strncmp(a, valued[i], l) != 0 || (a[l] && a[l] != '='))
			continue;
		if (i == 1 && strcmp(cmd, "status") == 0)
			return false;
		*value = !a[l];
		return true;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(a, flags[i]) == 0 || (i == 4 && strncmp(a, "--color=", 8) == 0))
			return true;
	return strcmp(a, "-vv") == 0 || strcmp(a, "-qv") == 0;
}

/* One grammar: global options may come after the command too.  Reorders argv in place so that
 * they come before it (their order kept), for the one getopt pass of cli_main. */
static void globals_first(int argc, char **argv)
{
	int i = 1, cmd, n = 0;
	char **moved;

	while (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
		bool v = false;

		(void)global_after(argv[i], "", &v);
		i += v ? 2 : 1;
	}
	if (i >= argc || argv[i][0] == '-')
		return;
	cmd = i;
	moved = malloc((size_t)argc * sizeof(*moved));
	if (!moved)
		return;
	for (i = cmd + 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		bool v;

		if (!global_after(argv[i], argv[cmd], &v) || (v && i + 1 >= argc))
			continue;
		moved[n++] = argv[i];
		if (v)
			moved[n++] = argv[i + 1];
		/* close the gap: shift what lies between the command and here */
		memmove(&argv[cmd + (v ? 2 : 1)], &argv[cmd], (size_t)(i - cmd) * sizeof(*argv));
		if (v) {
			argv[cmd] = moved[n - 2];
			argv[cmd + 1] = moved[n - 1];
			cmd += 2;
		} else {
			argv[cmd] = moved[n - 1];
			cmd++;
		}
		i += v ? 1 : 0;
	}
	free(moved);
}

int cli_main(int argc, char **argv, const struct cli_seams *seams)
{
	static const struct cli_seams none;
	enum { OPT_ROOT = 256, OPT_NODE, OPT_CONFIG, OPT_FORMAT, OPT_VERSION, OPT_COLOR };
	static const struct option opts[] = {
	        {"color", optional_argument, NULL, OPT_COLOR},
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
	bool root_env = root != NULL;
	const char *node = NULL, *config = NULL, *format = NULL, *nocolor = getenv("NO_COLOR");
	const char *timeout = NULL, *color = "auto";
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
	globals_first(argc, argv);
	while ((c = getopt_long(argc, argv, "+:qvht:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_COLOR:
			color = optarg ? optarg : "always";
			if (strcmp(color, "auto") && strcmp(color, "always") &&
			    strcmp(color, "never"))
				return cli_usage_error(&ctx, NULL,
				                       _("--color '%s': auto, always or never"),
				                       color);
			break;
		case OPT_ROOT:
			root = optarg;
			root_env = false;
			break;
		case OPT_NODE: node = optarg; break;
		case OPT_CONFIG: config = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case 't': timeout = optarg; break;
		case 'q': ctx.verbosity = -1; break;
		case 'v': ctx.verbosity++; break;
		case OPT_VERSION: printf(_("pve-passthrough %s\n"), PP_VERSION); return CLI_EXIT_OK;
		case 'h': cli_usage_print(stdout); return CLI_EXIT_OK;
		case ':':
			return cli_usage_error(&ctx, NULL, _("option %s needs a value"),
			                       argv[optind - 1]);
		default:
			if (optopt > 0 &&
			    optopt < 256) { /* a short one, maybe in a cluster (-qx) */
				char o[3] = {'-', (char)optopt, '\0'};

				return cli_unknown_option(&ctx, NULL, o);
			}
			return cli_unknown_option(&ctx, NULL, argv[optind - 1]);
		}
	}
	ctx.color = strcmp(color, "always") == 0 ||
	            (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !(nocolor && *nocolor));
	ctx.color_err =
	        strcmp(color, "always") == 0 ||
	        (strcmp(color, "auto") == 0 && isatty(STDERR_FILENO) && !(nocolor && *nocolor));
	if (timeout) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(timeout, &end, 10);
		if (errno || end == timeout || *end || timeout[0] == '-' ||
		    v > SETTINGS_TIMEOUT_MAX)
			return cli_usage_error(
			        &ctx, NULL,
			        _("--timeout '%s': not a number of seconds (0..%d; 0 = no "
			          "limit)"),
			        timeout, SETTINGS_TIMEOUT_MAX);
		deadline = (unsigned)v;
	}
	if (optind >= argc) {
		cli_usage_print(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = cli_command_find(argv[optind]);
	if (!cmd)
		return cli_unknown_command(&ctx, NULL, cli_commands, cli_n_commands, argv[optind]);

	/* the guard keeps its own limit (guard { timeout }) and its own answer to it */
	if (strcmp(cmd->name, "guard") != 0)
		cli_deadline_arm(&ctx, cmd->name, deadline);

	ctx.root_opt = root_env ? "PVE_PASSTHROUGH_ROOT" : "--root";
	if (root && *root && !util_is_dir(root)) {
		if (root_env)
			cli_error(&ctx,
			          _("PVE_PASSTHROUGH_ROOT=%s: not a directory (it comes from the "
			            "environment: unset it, or give --root)"),
			          root);
		else
			cli_error(&ctx, _("--root %s: not a directory"), root);
		return CLI_EXIT_FAIL;
	}
	if (util_paths_init(&ctx.paths, root) < 0)
		return cli_usage_error(&ctx, NULL, _("%s: path too long"), ctx.root_opt);
	/* --format: one check for every command, against the formats it writes */
	if (format) {
		static const char *names[] = {"text", "json", "prometheus", "nagios"};
		unsigned allowed = cmd->formats ? cmd->formats : 1u << CLI_FORMAT_TEXT;
		char list[64] = "";

		for (unsigned i = 0; i < 4; i++)
			if (allowed & (1u << i))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				         list[0] ? ", " : "", names[i]);
		for (c = 0; c < 4 && strcmp(format, names[c]) != 0; c++)
			;
		if (c == 4 || !(allowed & (1u << c)))
			return cli_usage_error(&ctx, cmd->name,
			                       _("%s: --format %s is not available (%s writes %s)"),
			                       cmd->name, format, cmd->name, list);
		cli_set_format(&ctx, format, allowed);
	}

	if (config) {
		if (strlen(config) >= sizeof(ctx.config_path))
			return cli_usage_error(&ctx, NULL, _("--config: path too long"));
		strcpy(ctx.config_path, config);
		ctx.config_explicit = true;
		if (access(config, R_OK) < 0) {
			cli_error(&ctx, _("--config %s: %s"), config, strerror(errno));
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
			return cli_usage_error(&ctx, NULL, _("--node '%s': not a valid node name"),
			                       node);
		snprintf(ctx.node, sizeof(ctx.node), "%s", node);
	} else {
		/* not fatal here: only commands that need the node call cli_need_node() */
		if (pveconf_node_name(&ctx.paths, ctx.node, sizeof(ctx.node), &err) < 0)
			snprintf(ctx.node_error, sizeof(ctx.node_error), "%s", err.msg);
	}
	/* -v: what every command works on, on stderr */
	cli_info(&ctx, _("root %s%s, node %s%s%s%s, config %s%s"),
	         ctx.paths.root[0] ? ctx.paths.root : "/",
	         root_env && ctx.paths.root[0] ? _(" (PVE_PASSTHROUGH_ROOT)") : "",
	         ctx.node[0] ? ctx.node : _("unknown"), ctx.node[0] ? "" : " (",
	         ctx.node[0] ? "" : ctx.node_error, ctx.node[0] ? "" : ")", ctx.config_path,
	         ctx.config_explicit || util_exists(ctx.config_path) ? ""
	                                                             : _(" (absent: defaults)"));
	first = optind;
	for (int i = first + 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help_print(stdout, cmd);
			return CLI_EXIT_OK;
		}
	}
	cli_deadline_format(&ctx); /* the node is known now: the Prometheus lines name it */
	/* not root: one message, one exit status, for every command that needs it */
	if (geteuid() != 0 && cli_needs_root(&ctx, cmd, argc - first, argv + first)) {
		bool sub = first + 1 < argc && argv[first + 1][0] != '-' &&
		           (strcmp(cmd->name, "hook") == 0 || strcmp(cmd->name, "host") == 0 ||
		            strcmp(cmd->name, "mapping") == 0);

		char why[256];

		snprintf(why, sizeof(why),
		         "pve-passthrough needs root for %s%s%s (it reads /etc/pve and writes VM "
		         "configs)",
		         cmd->name, sub ? " " : "", sub ? argv[first + 1] : "");
		cli_error(
		        &ctx,
		        _("pve-passthrough needs root for %s%s%s (it reads /etc/pve and writes VM "
		          "configs)"),
		        cmd->name, sub ? " " : "", sub ? argv[first + 1] : "");
		/* monitoring still gets its answer, in English (machines read it): Nagios UNKNOWN,
		 * Prometheus up 0 */
		cli_render_blind(ctx.format, ctx.node, why, (long long)time(NULL), stdout);
		return CLI_EXIT_FAIL;
	}
	/* test seam (the test binary only, under a --root): a command that never finishes */
	if (ctx.seams->stall_command && !util_paths_is_host(&ctx.paths))
		for (;;)
			pause();
	optind = 0; /* each command runs its own getopt_long from argv[0] = its name */
	return cmd->fn(&ctx, argc - first, argv + first);
}
