/* cli/deadline.c - the per-command deadline (-t/--timeout, the top-level `timeout` setting).
 * Every input is opened non-blocking and only regular files are read, so nothing should wait;
 * the deadline is the backstop for what still can (a stuck file system, a hung command of
 * `host setup`): when it expires the process says so and exits 3 (Nagios: an UNKNOWN line;
 * Prometheus: the blind run's gauges, pve_passthrough_up 0).  Nothing is left half-written
 * by that: files are replaced atomically (a stale temporary file is removed by the next run) and
 * an interrupted host setup is found and undone by the next `host rollback`.  The guard does not
 * use it: it has its own limit (guard { timeout }) and its own answer to a timeout. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/render.h"

/* All the SIGALRM handler may look at: the prepared lines and nothing else. */
static char deadline_err[512], deadline_out[4096];
static size_t deadline_err_len, deadline_out_len;
static unsigned deadline_secs;
static char deadline_cmd[64];

static void on_deadline(int sig)
{
	(void)sig;
	/* Nagios reads stdout: its line first; nothing can be done when a write fails */
	if (deadline_out_len && write(STDOUT_FILENO, deadline_out, deadline_out_len) < 0) {
	}
	if (write(STDERR_FILENO, deadline_err, deadline_err_len) < 0) {
	}
	_exit(CLI_EXIT_FAIL);
}

static size_t clamp(int n, size_t cap)
{
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

void cli_deadline_format(const struct cli_ctx *ctx)
{
	if (!deadline_secs)
		return;
	deadline_err_len = clamp(snprintf(deadline_err, sizeof(deadline_err),
	                                  _("%s: error: %s: not finished within %u s (the "
	                                    "deadline: -t/--timeout, or timeout in the config "
	                                    "file); stopped, nothing is half-written\n"),
	                                  ctx->prog, deadline_cmd, deadline_secs),
	                         sizeof(deadline_err));
	/* Nagios: the UNKNOWN line; Prometheus: the gauges of a blind run (pve_passthrough_up 0,
	 * the time the deadline expires), so the textfile says the run did not finish */
	deadline_out_len = 0;
	if (ctx->format == CLI_FORMAT_NAGIOS || ctx->format == CLI_FORMAT_PROMETHEUS) {
		char why[128];
		FILE *f = fmemopen(deadline_out, sizeof(deadline_out), "w");

		snprintf(why, sizeof(why), "%s timed out after %u s", deadline_cmd, deadline_secs);
		if (f &&
		    cli_render_blind(ctx->format, ctx->node, why,
		                     (long long)time(NULL) + deadline_secs, f) == 0 &&
		    ftell(f) > 0 && (size_t)ftell(f) < sizeof(deadline_out))
			deadline_out_len = (size_t)ftell(f);
		if (f)
			fclose(f);
	}
}

void cli_deadline_arm(const struct cli_ctx *ctx, const char *cmd, unsigned secs)
{
	struct sigaction sa;
	sigset_t set;

	alarm(0);
	deadline_secs = secs;
	snprintf(deadline_cmd, sizeof(deadline_cmd), "%s", cmd);
	if (!secs)
		return;
	cli_deadline_format(ctx);
	/* whoever exec'd us may have left SIGALRM ignored or blocked (both survive exec) */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	alarm(secs);
}
