/* cli/cmd_guard.c - `guard VMID PHASE`: the pre-start hookscript entry point (docs/pve.md 6).
 * Only pre-start checks anything.  Read-only and lock-free: PVE holds the VM's config lock while
 * the hook runs, so taking it (or writing the config) would hang the start.  Bounded by the
 * configured timeout; internal errors allow (with a warning) or refuse, as configured.  A broken
 * settings file never weakens it (see cli_cmd_guard). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gather/gather.h"
#include "pveconf/vmlist.h"

/* The SIGALRM handler can only see globals: what to say and how to exit when time is up. */
static char timeout_msg[512];
static size_t timeout_len;
static volatile sig_atomic_t timeout_status;

static void on_alarm(int sig)
{
	(void)sig;
	if (write(STDERR_FILENO, timeout_msg, timeout_len) < 0) {
		/* nothing left to try: the exit status still tells PVE */
	}
	_exit(timeout_status);
}

/* (Re)starts the clock: after s->guard_timeout seconds the process says so and exits with the
 * configured status. */
static void arm_timeout(const struct cli_ctx *ctx, unsigned vmid, const struct settings *s)
{
	int n;

	alarm(0);
	timeout_status = s->guard_on_error == SETTINGS_ON_ERROR_REFUSE ? CLI_EXIT_FAIL : 0;
	n = snprintf(timeout_msg, sizeof(timeout_msg),
	             "%s: %sguard: VM %u: no answer within %u s (guard timeout); %s the start\n",
	             ctx->prog, timeout_status ? "error: " : "warning: ", vmid, s->guard_timeout,
	             timeout_status ? "refusing" : "allowing");
	timeout_len = n < 0                              ? 0
	              : (size_t)n >= sizeof(timeout_msg) ? sizeof(timeout_msg) - 1
	                                                 : (size_t)n;
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
		if (block)
			fprintf(stderr, _("%s: refusing to start VM %u [%s] %s: %s; fix: %s\n"),
			        ctx->prog, vmid, policy_rule_get(x->rule)->name, where, x->message,
			        x->hint);
		else
			fprintf(stderr, _("%s: warning for VM %u [%s] %s: %s; fix: %s\n"),
			        ctx->prog, vmid, policy_rule_get(x->rule)->name, where, x->message,
			        x->hint);
		refused += block;
	}
	alarm(0);
	policy_findings_free(&f);
	gather_free(&g);
	return refused ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
