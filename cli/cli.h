/* cli/cli.h - the front end: global options, the command table, exit codes, output helpers.
 * Only cli/ prints to stdout; everything below it returns data or struct util_err. */
#ifndef PP_CLI_H
#define PP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "settings/api.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/paths.h"

/* Exit status, docs/cli.md. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FOUND = 1, /* refused, or findings at/above --fail-on */
	CLI_EXIT_USAGE = 2, /* unknown command/option, malformed VMID/BDF/type */
	CLI_EXIT_FAIL = 3,  /* could not finish: I/O, lock timeout, digest mismatch, API/TLS */
};

enum cli_format {
	CLI_FORMAT_TEXT,
	CLI_FORMAT_JSON,
	CLI_FORMAT_PROMETHEUS,
	CLI_FORMAT_NAGIOS,
};

/* Effects only the test binary changes (tests/cli/pp_test_main.c sets them for the cli tests);
 * the installed binary always runs with every field zero: no environment variable can change
 * what it does to a host. */
struct cli_seams {
	int fail_at_change;  /* host apply: the Nth change (1-based) fails, 0 = none */
	int fail_at_command; /* host apply: the Nth command fails */
	int kill_at_change;  /* host apply: SIGKILL right after the Nth change (a crash) */
	bool stall_guard;    /* the guard hangs once its clock runs, as a stuck read would */
	bool stall_command;  /* any other command hangs once its deadline runs */
};

struct cli_ctx {
	struct util_paths paths; /* --root */
	const char *root_opt;    /* how messages name it: "--root", or "PVE_PASSTHROUGH_ROOT" when
	                            the root came from the environment */
	char node[256];          /* --node, or from /etc/pve/local, /etc/hostname, uname -n;
					   "" when none could be found (then node_error says why) */
	char node_error[1024];
	char config_path[PP_PATH_MAX]; /* --config, or <root>/etc/pve-passthrough.conf */
	bool config_explicit;          /* given with --config: a missing file is an error */
	enum cli_format format;
	int verbosity;  /* -1 quiet, 0 normal, 1+ verbose */
	bool color;     /* colour on stdout: --color=always, or auto: a TTY and NO_COLOR unset */
	bool color_err; /* the same for stderr (error: red, warning: yellow) */
	const char *prog;
	const struct cli_seams *seams; /* never NULL; all zero outside the test binary */
};

/* One option of a command, as `help COMMAND` shows it: "--vf auto|BDF" and what it does. */
struct cli_opt_help {
	const char *opt; /* the option and its argument; several names with ", " between */
	const char *text;
};

/* A command's help: the one-line synopsis and the sentence that says what it does, and every
 * option with a sentence (NULL-terminated; NULL when it has none). */
struct cli_help {
	const char *usage;   /* "lint [--normalize] FILE..." (without the program name) */
	const char *summary; /* "report what PVE would drop ..." */
	const struct cli_opt_help *options;
};

/* One entry of the command table (cli/main.c) or of a command's sub-command table.  A command
 * named NAME is the function cli_cmd_NAME in cli/cmd_NAME.c; a sub-command SUB of it is
 * cli_cmd_NAME_SUB in the same file.  Names match exactly, never by prefix: a hookscript must
 * never reach the wrong command. */
struct cli_command {
	const char *name;
	int (*fn)(struct cli_ctx *ctx, int argc, char **argv); /* argv[0] = its name */
	struct cli_help help;
	unsigned formats; /* the --format values it writes: 1 << enum cli_format (0: text) */
};

/* The whole program: global options, then the command.  cli/entry.c's main() calls it with no
 * seams; the test binary with the ones its environment asks for.  Returns the exit status. */
int cli_main(int argc, char **argv, const struct cli_seams *seams);

/* The commands, one file each: cli_cmd_NAME in cli/cmd_NAME.c. */
int cli_cmd_help(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_lint(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_assign(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_release(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_status(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_guard(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_hook(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_audit(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_host(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_mapping(struct cli_ctx *ctx, int argc, char **argv);
int cli_cmd_doctor(struct cli_ctx *ctx, int argc, char **argv);

/* The command table: every command with its help, in the order `help` lists them. */
extern const struct cli_command cli_commands[];
extern const size_t cli_n_commands;

/* Looks up name in a table by exact name.  NULL when none has it. */
const struct cli_command *cli_command_lookup(const struct cli_command *table, size_t n,
                                             const char *name);
/* Looks up a command of the command table by exact name. */
const struct cli_command *cli_command_find(const char *name);
/* Runs the sub-command argv[1] of command cmd from its table (exact name), with argv shifted so
 * that the sub-command sees its own name as argv[0]; a missing or unknown one is a usage error
 * listing the table's names. */
int cli_subcommand_run(struct cli_ctx *ctx, const char *cmd, const struct cli_command *table,
                       size_t n, int argc, char **argv);
/* "did you mean" (cli/suggest.c): the edit distance of a and b (a swap of neighbours counts
 * one), and the name of names[0..n) nearest to word, or NULL when none is near enough. */
size_t cli_edit_distance(const char *a, const char *b);
const char *cli_suggest(const char *word, const char *const *names, size_t n);
/* The usage error for an option cmd does not know (arg as given: "--dyr-run" or "--x=1"), with
 * the nearest option of cmd's help (or of the global options) as "did you mean".  Returns
 * CLI_EXIT_USAGE. */
int cli_unknown_option(const struct cli_ctx *ctx, const char *cmd, const char *arg);
/* The usage error for an unknown command or sub-command (cmd NULL: a command), with the nearest
 * name of table[0..n) as "did you mean".  Returns CLI_EXIT_USAGE. */
int cli_unknown_command(const struct cli_ctx *ctx, const char *cmd, const struct cli_command *table,
                        size_t n, const char *name);

/* Prints the program's usage with the command table (help, --help; cli/main.c), or one
 * command's help (help COMMAND, COMMAND --help; cli/cmd_help.c). */
void cli_usage_print(FILE *out);
void cli_help_print(FILE *out, const struct cli_command *c);
/* Help is laid out at this many columns, whatever the terminal (CJK characters count 2). */
#define CLI_HELP_WIDTH 100
/* Prints "usage: pve-passthrough USAGE" wrapped at CLI_HELP_WIDTH at option boundaries (a
 * bracketed group stays whole unless it is longer than a line). */
void cli_help_usage_print(FILE *out, const char *usage);
/* Prints each option of o as "  --opt ARG   sentence", the sentence wrapped at CLI_HELP_WIDTH. */
void cli_help_options_print(FILE *out, const struct cli_opt_help *o);

/* assign and release change a VM config and share (cli/cmd_assign.c) the options of a change:
 * CLI_CHANGE_OPTIONS (--dry-run, --api, --lock-timeout, --format and the --api-* ones of
 * cli/api.h) goes into the command's getopt table; cli_change_option takes getopt's c for every
 * option that is not the command's own (and ':', a value missing, and unknown ones): 0, or the
 * exit status of the usage error it printed.  cli_change_run checks the VMID operand (into
 * req->vmid), that exactly one of the command's own what-options was given (n_what, else the
 * usage error what_msg), the format and the --api-* options, then runs the plan and renders it. */
enum {
	CLI_CHANGE_OPT_DRY = 0x4100,
	CLI_CHANGE_OPT_API,
	CLI_CHANGE_OPT_TIMEOUT,
	CLI_CHANGE_OPT_FORMAT,
};
#define CLI_CHANGE_OPTIONS                                                                         \
	{"dry-run", no_argument, NULL, CLI_CHANGE_OPT_DRY},                                        \
	        {"api", no_argument, NULL, CLI_CHANGE_OPT_API},                                    \
	        {"lock-timeout", required_argument, NULL, CLI_CHANGE_OPT_TIMEOUT},                 \
	        {"format", required_argument, NULL, CLI_CHANGE_OPT_FORMAT}, CLI_API_OPTIONS
struct cli_change {
	bool dry_run, use_api;
	int timeout_s;                      /* --lock-timeout */
	struct settings_api_overrides over; /* --api-* */
};
struct assign_request;
void cli_change_init(struct cli_change *ch);
int cli_change_option(struct cli_ctx *ctx, const char *cmd, struct cli_change *ch, int c,
                      char **argv);
int cli_change_run(struct cli_ctx *ctx, const char *cmd, struct cli_change *ch, int argc,
                   char **argv, struct assign_request *req, int n_what, const char *what_msg);

/* The argument grammar every command shares (cli/args.c).  cli_arg_vmid and cli_arg_seconds
 * print the usage error for cmd themselves and return CLI_EXIT_USAGE, else 0; cli_arg_bdf
 * ([dddd:]bb:ss[.f], any case, into "dddd:bb:ss.f" lowercase) and cli_arg_long (a decimal in
 * min..max) return 0 or -EINVAL. */
int cli_arg_vmid(const struct cli_ctx *ctx, const char *cmd, const char *s, unsigned *vmid);
int cli_arg_bdf(const char *s, char *out, size_t n);
int cli_arg_long(const char *s, long min, long max, long *out);
int cli_arg_seconds(const struct cli_ctx *ctx, const char *cmd, const char *opt, const char *s,
                    int *out);

/* host/doctor facts from the sysfs snapshot h (module parameters included), or from one read
 * here when h is NULL (cli/host_facts.c).  0 or -errno. */
struct host_facts;
struct sysfs_host;
int cli_host_facts(const struct cli_ctx *ctx, const struct sysfs_host *h, struct host_facts *f,
                   struct util_err *e);
/* The same for the PF at pf_bdf (NULL: the iGPU): the iGPU when it is that PF, else a generic
 * SR-IOV PF (f->generic; f->pf_bdf stays "" when no device has that address). */
int cli_host_facts_pf(const struct cli_ctx *ctx, const struct sysfs_host *h, const char *pf_bdf,
                      struct host_facts *f, struct util_err *e);
/* The facts of the PF the last applied setup is about: a generic PF's setup names its PF in the
 * journal; otherwise the iGPU's (cli_host_facts). */
int cli_host_facts_setup(const struct cli_ctx *ctx, const struct sysfs_host *h,
                         struct host_facts *f, struct util_err *e);

/* What gather/ needs of this invocation (root, node or why it is unknown) with flags
 * (enum gather_flags), and the settings file loaded into g (gather_settings). */
struct gather_opts;
struct gather_node;
void cli_gather_opts(const struct cli_ctx *ctx, unsigned flags, struct gather_opts *o);
int cli_settings(const struct cli_ctx *ctx, struct gather_node *g, struct util_err *e);

/* Not root (cli/main.c): true when cmd with its arguments needs root here, i.e. it would change
 * the host or VM configs (not --dry-run, not --api) of the real host or of a --root tree this
 * user cannot write, or read an /etc/pve this user cannot read.  cli_main then prints the one
 * message "pve-passthrough needs root for CMD (...)" and exits 3. */
bool cli_needs_root(const struct cli_ctx *ctx, const struct cli_command *cmd, int argc,
                    char **argv);

/* For commands that need this node's name: 0, or prints why it is unknown and returns
 * CLI_EXIT_FAIL. */
int cli_need_node(const struct cli_ctx *ctx);
/* For text output with tables (status, audit, doctor): loads libsmartcols (cli/table.h) before
 * anything is printed.  0 (also for the other formats, which need no tables), or prints which
 * package to install and returns CLI_EXIT_FAIL. */
int cli_text_tables(const struct cli_ctx *ctx);

/* The per-command deadline (cli/deadline.c): after secs seconds (0: never) the process prints
 * that cmd did not finish (under --format nagios an UNKNOWN line on stdout too) and exits 3.
 * cli_deadline_format() rewrites the message after the output format changed. */
void cli_deadline_arm(const struct cli_ctx *ctx, const char *cmd, unsigned secs);
void cli_deadline_format(const struct cli_ctx *ctx);

/* Parses a --format value into ctx (allowed: a bitmask of 1 << enum cli_format).  Prints the
 * usage error itself and returns CLI_EXIT_USAGE, or 0. */
int cli_set_format(struct cli_ctx *ctx, const char *value, unsigned allowed);

/* Messages on stderr, prefixed with the program name.  cli_warn is silenced by -q. */
void cli_error(const struct cli_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void cli_warn(const struct cli_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void cli_info(const struct cli_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Prints "usage: pve-passthrough <usage of cmd>" on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Maps a -errno from the modules to an exit status (always CLI_EXIT_FAIL for errors). */
int cli_exit_from_errno(int r);

#endif
