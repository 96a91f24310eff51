/* cli/cmd_guard.c - `guard VMID PHASE`: the pre-start hookscript entry point (docs/pve.md 6).
 * Only pre-start checks anything.  Read-only and lock-free: PVE holds the VM's config lock while
 * the hook runs, so taking it (or writing the config) would hang the start.  Bounded by the
 * configured timeout; internal errors allow (with a warning) or refuse, as configured.  A broken
 * settings file never weakens it (see cli_cmd_guard). */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "gather/gather.h"
#include "pveconf/vmlist.h"

/* The guard's timeout, in the guard's language.  When time is up the process is stuck
 * somewhere (a hung read of /etc/pve) and only async-signal-safe calls are allowed in the SIGALRM
 * handler: no gettext, no setlocale, no stdio.  Formatting the sentence in the guard's language
 * when the clock is armed would load the catalog on the happy path, which must load none (it
 * runs before every VM start).  So the handler, when a language other than English is in play
 * (the `language` setting, or the environment's), re-executes this binary (execve() is
 * async-signal-safe) with the arguments prepared at arm time:
 *   pve-passthrough guard --timed-out VMID SECS STATUS LANGUAGE
 * A fresh process may use gettext: it prints the sentence in that language and exits with the
 * configured status (cli_guard_timed_out, called first thing by cli_main, before anything is read
 * under /etc/pve).  Without a language, or when the execve() fails, the handler writes the
 * English line prepared at arm time.  A backstop: alarm(2) before the execve() (an alarm survives
 * exec), whose handler in the new process writes that English line. */
#define TIMED_OUT "--timed-out"
static const char timeout_refuse[] =
        N_("guard: VM %u: no answer within %u s (guard timeout); refusing the start");
static const char timeout_allow[] = N_(
        "%s: warning: guard: VM %u: no answer within %u s (guard timeout); allowing the start\n");
static char timeout_msg[512];
static size_t timeout_len;
static volatile sig_atomic_t timeout_status;
static char exec_vmid[16], exec_secs[16], exec_status[4], exec_lang[64];
static char *exec_argv[] = {"pve-passthrough", "guard",     TIMED_OUT, exec_vmid,
                            exec_secs,         exec_status, exec_lang, NULL};
static volatile sig_atomic_t exec_speaks; /* a language to re-execute for */

static void on_alarm(int sig)
{
	(void)sig;
	if (exec_speaks) {
		alarm(2);
		execve(PP_PROC_SELF_EXE, exec_argv, environ);
	}
	if (write(STDERR_FILENO, timeout_msg, timeout_len) < 0) {
		/* nothing left to try: the exit status still tells PVE */
	}
	_exit(timeout_status);
}

/* The English line of a timeout after secs seconds, with status 0 (allow) or CLI_EXIT_FAIL. */
static void timeout_english(const char *prog, unsigned vmid, unsigned secs, int status)
{
	int n;

	if (status)
		n = snprintf(timeout_msg, sizeof(timeout_msg), "%s: error: ", prog);
	else
		n = 0;
	if (n >= 0 && (size_t)n < sizeof(timeout_msg)) {
		int m = status ? snprintf(timeout_msg + n, sizeof(timeout_msg) - (size_t)n,
		                          timeout_refuse, vmid, secs)
		               : snprintf(timeout_msg, sizeof(timeout_msg), timeout_allow, prog,
		                          vmid, secs);

		n = m < 0 ? -1 : status ? n + m : m;
		if (status && n >= 0 && (size_t)n + 1 < sizeof(timeout_msg))
			timeout_msg[n++] = '\n';
	}
	timeout_len = n < 0                              ? 0
	              : (size_t)n >= sizeof(timeout_msg) ? sizeof(timeout_msg) - 1
	                                                 : (size_t)n;
}

/* (Re)starts the clock: after s->guard_timeout seconds the process says so (in the guard's
 * language: see above) and exits with the configured status. */
static void arm_timeout(const struct cli_ctx *ctx, unsigned vmid, const struct settings *s)
{
	const char *msgs = setlocale(LC_MESSAGES, NULL);

	alarm(0);
	timeout_status = s->guard_on_error == SETTINGS_ON_ERROR_REFUSE ? CLI_EXIT_FAIL : 0;
	timeout_english(ctx->prog, vmid, s->guard_timeout, timeout_status);
	/* a language: the setting's, or the environment's (messages not in the C locale) */
	snprintf(exec_lang, sizeof(exec_lang), "%s", s->guard_language);
	snprintf(exec_vmid, sizeof(exec_vmid), "%u", vmid);
	snprintf(exec_secs, sizeof(exec_secs), "%u", s->guard_timeout);
	snprintf(exec_status, sizeof(exec_status), "%d", (int)timeout_status);
	exec_speaks =
	        exec_lang[0] || (msgs && strcmp(msgs, "C") != 0 && strcmp(msgs, "POSIX") != 0);
	alarm(s->guard_timeout);
}

/* Whoever exec'd us may have left SIGALRM blocked or ignored (both survive exec): without this,
 * the time limit would never fire.  Called once before the first arm_timeout. */
static void alarm_reset(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Test seam (the test binary only, under a --root): the guard waits for ever once its clock
 * runs, as a hung read of /etc/pve would. */
static void test_stall(const struct cli_ctx *ctx)
{
	if (ctx->seams->stall_guard && !util_paths_is_host(&ctx->paths))
		for (;;)
			pause();
}

/* True when the guard has a finding to print (a refusal, or a warning unless -q). */
static bool guard_speaks(const struct cli_ctx *ctx, const struct policy_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity == POLICY_SEVERITY_ERROR || ctx->verbosity >= 0)
			return true;
	return false;
}

static bool phase_valid(const char *p)
{
	return strcmp(p, "pre-start") == 0 || strcmp(p, "post-start") == 0 ||
	       strcmp(p, "pre-stop") == 0 || strcmp(p, "post-stop") == 0;
}

/* An internal error: the start goes ahead (default) or is refused, as configured. */
static int internal_error(const struct cli_ctx *ctx, unsigned vmid, const struct settings *s,
                          const char *msg)
{
	if (s->guard_on_error == SETTINGS_ON_ERROR_REFUSE) {
		cli_error(
		        ctx,
		        _("guard: VM %u: %s; refusing the start (guard on-internal-error = refuse)"),
		        vmid, msg);
		return CLI_EXIT_FAIL;
	}
	fprintf(stderr,
	        _("%s: warning: guard: VM %u: %s; allowing the start unchecked (guard on-internal-error = allow)\n"),
	        ctx->prog, vmid, msg);
	return CLI_EXIT_OK;
}

int cli_cmd_guard(struct cli_ctx *ctx, int argc, char **argv)
{
	struct gather_node g;
	struct settings guard;
	struct gather_opts o;
	struct policy_findings f = {0};
	struct util_err e = {0};
	unsigned vmid;
	size_t refused = 0;
	int r;

	if (argc != 3)
		return cli_usage_error(ctx, "guard",
		                       _("guard needs VMID and PHASE (as PVE passes them)"));
	if (cli_arg_vmid(ctx, "guard", argv[1], &vmid))
		return CLI_EXIT_USAGE;
	if (!phase_valid(argv[2]))
		return cli_usage_error(
		        ctx, "guard",
		        _("'%s' is not a hook phase (pre-start, post-start, pre-stop, post-stop)"),
		        argv[2]);
	if (strcmp(argv[2], "pre-start") != 0)
		return CLI_EXIT_OK;

	memset(&g, 0, sizeof(g));
	/* the settings the guard needs to decide (on-internal-error, timeout) first and strictly,
	 * under the built-in timeout: when they cannot be read, whether a failure may allow the
	 * start is unknown, so the start is refused */
	settings_defaults(&g.settings);
	alarm_reset();
	arm_timeout(ctx, vmid, &g.settings);
	if (settings_guard_load(ctx->config_path, ctx->config_explicit, &guard, &e) < 0) {
		alarm(0);
		cli_error(
		        ctx,
		        _("guard: VM %u: %s; refusing the start (the guard's own settings are broken: "
		          "whether on-internal-error allows is unknown)"),
		        vmid, e.msg);
		return CLI_EXIT_FAIL;
	}
	arm_timeout(ctx, vmid, &guard);
	/* the rest of the file (rule severities) never weakens the guard: broken, it is refused
	 * (refuse) or ignored, every rule running at its default severity (allow) */
	if (cli_settings(ctx, &g, &e) < 0) {
		if (guard.guard_on_error == SETTINGS_ON_ERROR_REFUSE) {
			alarm(0);
			cli_error(
			        ctx,
			        _("guard: VM %u: %s; refusing the start (guard on-internal-error = "
			          "refuse)"),
			        vmid, e.msg);
			gather_free(&g);
			return CLI_EXIT_FAIL;
		}
		fprintf(stderr,
		        _("%s: warning: guard: VM %u: ignoring %s; every rule runs with its default "
		          "severity\n"),
		        ctx->prog, vmid, e.msg);
		memset(&e, 0, sizeof(e));
	}
	g.settings.guard_on_error = guard.guard_on_error;
	g.settings.guard_timeout = guard.guard_timeout;
	test_stall(ctx);

	/* the fast path of the one producer: the starting VM and the running ones */
	cli_gather_opts(ctx, GATHER_GUARD, &o);
	o.vmid = vmid;
	o.migrated_from = getenv("PVE_MIGRATED_FROM");
	r = gather_local(&o, &g, &e);
	if (r == 0)
		r = policy_evaluate(&g.in, &f, &e);
	if (r < 0) {
		alarm(0);
		r = internal_error(ctx, vmid, &g.settings, e.msg);
		gather_free(&g);
		return r;
	}
	/* what could not be read (whether a VM runs: its pid file or /proc entry): never "all is
	 * well" - refused with on-internal-error = refuse, else a warning (such a VM counts as
	 * running, so a real conflict with it still refuses) */
	if (g.n_unread && g.settings.guard_on_error == SETTINGS_ON_ERROR_REFUSE) {
		alarm(0);
		for (size_t i = 0; i < g.n_unread; i++)
			cli_error(
			        ctx,
			        _("guard: VM %u: %s; refusing the start (guard on-internal-error = "
			          "refuse)"),
			        vmid, g.unread[i]);
		policy_findings_free(&f);
		gather_free(&g);
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < g.n_unread; i++)
		fprintf(stderr,
		        _("%s: warning: guard: VM %u: %s; counted as running (guard on-internal-error "
		          "= allow)\n"),
		        ctx->prog, vmid, g.unread[i]);
	/* The happy path prints nothing and loads no message catalog.  Only a guard with something
	 * to say chooses its language (the `language` setting: PVE runs hookscripts under
	 * LC_ALL=C) and forms the findings' sentences again in it (policy_evaluate is pure). */
	if (guard_speaks(ctx, &f) && guard.guard_language[0]) {
		util_i18n_init(guard.guard_language);
		policy_findings_free(&f);
		if (policy_evaluate(&g.in, &f, &e) < 0) {
			alarm(0);
			r = internal_error(ctx, vmid, &g.settings, e.msg);
			gather_free(&g);
			return r;
		}
	}
	for (size_t i = 0; i < f.n; i++) {
		const struct policy_finding *x = &f.v[i];
		bool block = x->severity == POLICY_SEVERITY_ERROR;
		char where[sizeof(x->key) + sizeof(x->device) + 2];

		if (!block && ctx->verbosity < 0)
			continue;
		snprintf(where, sizeof(where), "%s%s%s%s", x->key, x->device[0] ? " " : "",
		         x->device, x->key[0] || x->device[0] ? "" : "-");
		/* one line per problem in the task log; wrapped only at a terminal or $COLUMNS */
		if (block)
			cli_wrapf(stderr, 4,
			          _("%s: refusing to start VM %u [%s] %s: %s; fix: %s\n"),
			          ctx->prog, vmid, policy_rule_get(x->rule)->name, where,
			          x->message, x->hint);
		else
			cli_wrapf(stderr, 4, _("%s: warning for VM %u [%s] %s: %s; fix: %s\n"),
			          ctx->prog, vmid, policy_rule_get(x->rule)->name, where,
			          x->message, x->hint);
		refused += block;
	}
	alarm(0);
	policy_findings_free(&f);
	gather_free(&g);
	return refused ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}

/* The re-executed guard after its timeout (see on_alarm): says it in the guard's language and
 * exits with the configured status.  -1 when argv is not that form. */
int cli_guard_timed_out(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t set;
	unsigned vmid, secs;
	int status;

	if (argc != 7 || strcmp(argv[1], "guard") != 0 || strcmp(argv[2], TIMED_OUT) != 0)
		return -1;
	vmid = (unsigned)strtoul(argv[3], NULL, 10);
	secs = (unsigned)strtoul(argv[4], NULL, 10);
	status = atoi(argv[5]) ? CLI_EXIT_FAIL : 0;
	/* the backstop: the English line if the language cannot be had within 2 s */
	timeout_status = status;
	timeout_english("pve-passthrough", vmid, secs, status);
	exec_speaks = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM); /* blocked while the old process's handler ran: kept by exec */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	alarm(2);
	util_i18n_init(argv[6][0] ? argv[6] : NULL);
	if (status)
		cli_error(NULL, _(timeout_refuse), vmid, secs);
	else
		fprintf(stderr, _(timeout_allow), "pve-passthrough", vmid, secs);
	alarm(0);
	return status;
}
