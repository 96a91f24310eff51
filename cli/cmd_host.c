/* cli/cmd_host.c - `host setup sriov|gvtg`, `host rollback`, `host vfs N`: option parsing, facts
 * from sysfs/, the plan printed as a unified diff + commands (text or JSON), then the journaled
 * apply through host/.  With --root other than "/" (or --dry-run) commands are listed, not run. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/setup.h"
#include "sysfs/host.h"
#include "sysfs/write.h"
#include "util/lock.h"

static const char *change_action(const struct host_change *c)
{
	if (c->is_dir)
		return "rmdir";
	if (c->is_link)
		return c->remove ? "unlink" : "symlink";
	if (c->remove)
		return "remove";
	return c->existed ? "modify" : "create";
}

static void print_plan_text(const struct host_plan *pl, const char *title, bool run_cmds)
{
	struct util_buf d = {0};

	printf("%s\n", title);
	printf(_("Bootloader: %s (%s)\n"), host_loader_name(pl->boot.loader), pl->boot.why);
	if (host_plan_diff(pl, &d) == 0 && d.len)
		printf("\n%s", d.s);
	else
		printf(_("\nNo file changes.\n"));
	util_buf_free(&d);
	if (pl->n_cmds) {
		if (run_cmds)
			printf(_("\nCommands:\n"));
		else
			printf(_("\nCommands (not run: run them yourself, in this order):\n"));
		for (size_t i = 0; i < pl->n_cmds; i++) {
			struct util_buf l = {0};

			host_argv_format(&l, (const char *const *)pl->cmds[i].v);
			printf("  %s", l.s);
			util_buf_free(&l);
		}
	}
	if (pl->n_notes || pl->n_blockers) {
		printf(_("\nNotes:\n"));
		for (size_t i = 0; i < pl->n_blockers; i++)
			printf(_("  - (overridden by --force) %s\n"), pl->blockers[i]);
		for (size_t i = 0; i < pl->n_notes; i++)
			printf("  - %s\n", pl->notes[i]);
	}
}

static json_t *plan_json(const struct host_plan *pl, const char *action, bool dry_run)
{
	json_t *o = json_object(), *ch = json_array(), *cmds = json_array(), *notes = json_array(),
	       *ref = json_array(), *blk = json_array();

	json_object_set_new(o, "schema_version", json_integer(1));
	json_object_set_new(o, "action", json_string(action));
	json_object_set_new(o, "mode", json_string(host_mode_name(pl->mode)));
	json_object_set_new(o, "dry_run", json_boolean(dry_run));
	json_object_set_new(o, "bootloader",
	                    json_pack("{s:s,s:b,s:b,s:b,s:s}", "name",
	                              host_loader_name(pl->boot.loader), "uefi", pl->boot.uefi,
	                              "proxmox_boot_tool", pl->boot.pbt, "secure_boot",
	                              pl->boot.secure_boot, "evidence", pl->boot.why));
	for (size_t i = 0; i < pl->n_changes; i++) {
		const struct host_change *c = &pl->changes[i];
		struct util_buf d = {0};
		struct host_plan one = {.changes = (struct host_change *)c, .n_changes = 1};

		host_plan_diff(&one, &d);
		json_array_append_new(ch, json_pack("{s:s,s:s,s:s}", "path", c->path, "action",
		                                    change_action(c), "diff", d.s ? d.s : ""));
		util_buf_free(&d);
	}
	for (size_t i = 0; i < pl->n_cmds; i++) {
		json_t *a = json_array();

		for (size_t j = 0; pl->cmds[i].v[j]; j++)
			json_array_append_new(a, json_string(pl->cmds[i].v[j]));
		json_array_append_new(cmds, a);
	}
	for (size_t i = 0; i < pl->n_notes; i++)
		json_array_append_new(notes, json_string(pl->notes[i]));
	for (size_t i = 0; i < pl->n_blockers; i++)
		json_array_append_new(blk, json_string(pl->blockers[i]));
	for (size_t i = 0; i < pl->n_refusals; i++)
		json_array_append_new(ref, json_string(pl->refusals[i]));
	json_object_set_new(o, "changes", ch);
	json_object_set_new(o, "commands", cmds);
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "refusals", ref);
	json_object_set_new(o, "blockers", blk);
	return o;
}

static void json_out(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

/* How a plan is finished: kind "setup" / "rollback", the title line, the options that decide. */
struct plan_run {
	const char *kind, *title, *of;
	bool dry, force, yes;
};

/* Asks "Apply? [y/N]" on the terminal (stderr, so that stdout keeps only the plan); true for
 * y or yes. */
static bool ask_apply(void)
{
	char line[64];

	fputs(_("Apply? [y/N] "), stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, " \t\r\n")] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* Decides first, then shows: a refusal or (without --force) a blocker stops before any plan is
 * printed; then the plan; then, unless --dry-run or --yes, the question on a terminal (off a
 * terminal: not applied, "add --yes").  Returns -1 when the plan is to be applied (*o holds the
 * JSON object under way with --format json), else the exit status. */
static int plan_decide_show(struct cli_ctx *ctx, const struct host_plan *pl,
                            const struct plan_run *pr, json_t **o)
{
	bool exec = !pr->dry && util_paths_is_host(&ctx->paths);

	*o = ctx->format == CLI_FORMAT_JSON ? plan_json(pl, pr->kind, pr->dry) : NULL;
	if (pl->n_refusals || (pl->n_blockers && !pr->force)) {
		if (*o) {
			json_object_set_new(*o, "applied", json_false());
			json_out(*o);
			*o = NULL;
		}
		for (size_t i = 0; i < pl->n_refusals; i++)
			cli_error(ctx, _("refused: %s"), pl->refusals[i]);
		if (pl->n_refusals)
			return CLI_EXIT_FOUND;
		for (size_t i = 0; i < pl->n_blockers; i++)
			cli_error(ctx, _("refused: %s"), pl->blockers[i]);
		if (pr->dry)
			cli_error(
			        ctx,
			        _("the %s would not work after the reboot: fix the above first, or "
			          "add --force to plan it anyway"),
			        pr->kind);
		else
			cli_error(
			        ctx,
			        _("the %s would not work after the reboot: fix the above first, or "
			          "add --force to apply it anyway"),
			        pr->kind);
		return CLI_EXIT_FOUND;
	}
	if (!*o)
		print_plan_text(pl, pr->title, exec || pr->dry);
	if (pr->dry || (!pl->n_changes && !pl->n_cmds)) {
		if (*o) {
			json_object_set_new(*o, "applied", json_false());
			json_out(*o);
			*o = NULL;
		} else if (!pr->dry) {
			printf(_("\nNothing to do: the host is already set up this way.\n"));
		}
		return CLI_EXIT_OK;
	}
	if (pr->yes)
		return -1;
	if (isatty(STDIN_FILENO)) {
		fflush(stdout);
		if (ask_apply())
			return -1;
		if (*o) {
			json_object_set_new(*o, "applied", json_false());
			json_out(*o);
			*o = NULL;
		}
		cli_error(ctx, _("not applied (the answer was not yes)"));
		return CLI_EXIT_FOUND;
	}
	if (*o) {
		json_object_set_new(*o, "applied", json_false());
		json_out(*o);
		*o = NULL;
	}
	cli_error(ctx,
	          _("not applied: there is no terminal to ask \"Apply?\" on; add --yes to apply "
	            "this plan without asking"));
	return CLI_EXIT_FOUND;
}

/* Applies a plan plan_decide_show() let through, under the host lock; prints the outcome. */
static int plan_apply(struct cli_ctx *ctx, struct host_plan *pl, const struct plan_run *pr,
                      json_t *o, char *journal, size_t jlen)
{
	struct host_runner run = {0};
	struct host_apply_opts ao = {.kind = pr->kind, .of = pr->of};
	struct util_err e = {0};
	bool exec = util_paths_is_host(&ctx->paths);
	int r, lock_fd;

	run.mode = exec ? HOST_RUN_EXEC : HOST_RUN_RECORD;
	/* test seams (the test binary only), honoured only under a --root: the Nth change or command
	 * fails, or the process is killed (SIGKILL) right after the Nth change, as a crash would */
	if (!util_paths_is_host(&ctx->paths)) {
		ao.fail_at_change = ctx->seams->fail_at_change;
		ao.kill_at_change = ctx->seams->kill_at_change;
		run.fail_at = ctx->seams->fail_at_command;
	}
	/* one setup or rollback at a time */
	{
		char lock[PP_PATH_MAX];

		util_path(&ctx->paths, lock, sizeof(lock), PP_RUN_LOCK "/host.lock");
		lock_fd = util_lock_acquire(lock, 10000, &e);
	}
	r = lock_fd < 0 ? lock_fd : host_plan_apply(&ctx->paths, pl, &run, &ao, journal, jlen, &e);
	util_lock_release(lock_fd);
	if (o) {
		json_object_set_new(o, "applied", json_boolean(r == 0));
		json_object_set_new(o, "journal", json_string(journal));
		json_object_set_new(o, "commands_run", json_boolean(exec));
		if (r < 0)
			json_object_set_new(o, "error", json_string(e.msg));
		json_out(o);
	} else if (r == 0) {
		if (util_paths_is_host(&ctx->paths))
			printf(_("\nApplied (journal %s/%s).\n"), HOST_JOURNAL_DIR, journal);
		else
			printf(_("\nApplied (journal under %s: %s/%s).\n"), ctx->root_opt,
			       HOST_JOURNAL_DIR, journal);
		if (!exec && pl->n_cmds)
			printf(_("The commands above were not run (%s is not /): run them on the "
			         "host.\n"),
			       ctx->root_opt);
	}
	if (r < 0 && lock_fd < 0) {
		cli_error(ctx, "%s", e.msg);
		host_runner_free(&run);
		return CLI_EXIT_FAIL;
	}
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		cli_error(ctx, _("every change made so far was undone (journal %s marked failed)"),
		          journal);
		host_runner_free(&run);
		return CLI_EXIT_FAIL;
	}
	host_runner_free(&run);
	return CLI_EXIT_OK;
}

static int cli_cmd_host_setup(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_VFS = 256, OPT_DRIVER, OPT_DRY, OPT_REPLACE, OPT_DEB, OPT_PF, OPT_FORCE };
	static const struct option opts[] = {
	        {"vfs", required_argument, NULL, OPT_VFS},
	        {"yes", no_argument, NULL, 'y'},
	        {"force", no_argument, NULL, OPT_FORCE},
	        {"pf", required_argument, NULL, OPT_PF},
	        {"driver", required_argument, NULL, OPT_DRIVER},
	        {"dry-run", no_argument, NULL, OPT_DRY},
	        {"replace-conflicts", no_argument, NULL, OPT_REPLACE},
	        {"dkms-deb", required_argument, NULL, OPT_DEB},
	        {NULL, 0, NULL, 0},
	};
	struct host_setup_opts o = {.tool = PP_TOOL_BIN};
	struct host_facts f;
	struct host_plan pl;
	struct util_err e = {0};
	const struct sysfs_driver_profile *driver = NULL;
	const char *pf = NULL;
	char title[512], journal[128] = "";
	struct plan_run pr = {.kind = "setup", .title = title};
	json_t *jo;
	bool dry = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case OPT_VFS:
			o.vfs = (int)strtol(optarg, &end, 10);
			if (*end || o.vfs < 1 || o.vfs > 256)
				return cli_usage_error(
				        ctx, "host",
				        _("--vfs %s: a number from 1 to 7 (iGPU), up to "
				          "the PF's sriov_totalvfs (--pf)"),
				        optarg);
			break;
		case OPT_PF:
			if (strlen(optarg) != 12 || optarg[4] != ':' || optarg[7] != ':' ||
			    optarg[10] != '.')
				return cli_usage_error(
				        ctx, "host",
				        _("--pf '%s': not a PCI address (0000:01:00.0)"), optarg);
			pf = optarg;
			break;
		case OPT_DRIVER: {
			char names[64];

			/* the SR-IOV driver profiles (sysfs/driver.c) */
			driver = sysfs_driver_profile_by_option(optarg);
			if (!driver)
				return cli_usage_error(
				        ctx, "host", _("--driver %s: %s"), optarg,
				        sysfs_driver_options(names, sizeof(names), " or "));
			break;
		}
		case OPT_DRY: dry = true; break;
		case 'y': pr.yes = true; break;
		case OPT_FORCE: pr.force = true; break;
		case OPT_REPLACE: o.replace_conflicts = true; break;
		case OPT_DEB: o.dkms_deb = optarg; break;
		default: return cli_unknown_option(ctx, "host", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, "host", _("host setup needs one of: sriov, gvtg"));
	if (strcmp(argv[optind], "sriov") == 0)
		o.mode = driver ? (enum host_mode)driver->id : HOST_MODE_SRIOV_I915;
	else if (strcmp(argv[optind], "gvtg") == 0 && !driver && !o.vfs)
		o.mode = HOST_MODE_GVTG;
	else if (strcmp(argv[optind], "gvtg") == 0)
		return cli_usage_error(ctx, "host", _("--vfs and --driver are for sriov"));
	else
		return cli_usage_error(ctx, "host", _("host setup %s: sriov or gvtg"),
		                       argv[optind]);
	r = cli_host_facts_pf(ctx, NULL, pf, &f, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (f.generic) { /* --pf names a PF that is not the iGPU */
		if (o.mode == HOST_MODE_GVTG || driver || o.dkms_deb)
			return cli_usage_error(
			        ctx, "host",
			        _("--pf %s is not an Intel iGPU: host setup sriov --pf "
			          "BDF --vfs N, without %s"),
			        pf,
			        o.mode == HOST_MODE_GVTG ? "gvtg"
			        : driver                 ? "--driver"
			                                 : "--dkms-deb");
		o.mode = HOST_MODE_SRIOV_GENERIC;
	} else if (o.vfs > 7) {
		return cli_usage_error(ctx, "host",
		                       _("--vfs %d: a number from 1 to 7 for the iGPU"), o.vfs);
	}
	r = host_setup_plan(&ctx->paths, &o, &f, &pl, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	snprintf(title, sizeof(title),
	         dry ? _("Plan (dry run) for host setup %s on %s %s")
	             : _("Plan for host setup %s on %s %s"),
	         host_mode_name(o.mode),
	         f.pf_bdf[0] ? f.pf_bdf
	         : f.generic ? pf
	                     : _("(no iGPU)"),
	         f.platform ? f.platform : f.pf_name);
	if (o.mode != HOST_MODE_GVTG) {
		size_t l = strlen(title);

		snprintf(title + l, sizeof(title) - l, _(", %d VFs"), pl.vfs);
	}
	pr.dry = dry;
	r = plan_decide_show(ctx, &pl, &pr, &jo);
	if (r < 0)
		r = plan_apply(ctx, &pl, &pr, jo, journal, sizeof(journal));
	host_plan_free(&pl);
	return r;
}

/* Sets the VF count of f's PF to n (dry: only the checks, nothing written) and prints it. */
static int set_numvfs(struct cli_ctx *ctx, const struct host_facts *f, int n, bool dry,
                      struct util_err *e)
{
	struct sysfs_numvfs_result res;
	struct sysfs_vf_use use[16];
	const char *pf = f->pf_bdf;
	int r;

	/* VFs held by VMs that sysfs/ cannot see (reserved, not bound to vfio-pci yet) */
	for (size_t i = 0; i < f->n_held; i++) {
		snprintf(use[i].bdf, sizeof(use[i].bdf), "%s", f->held[i]);
		snprintf(use[i].reason, sizeof(use[i].reason), "%s", f->held_why[i]);
	}
	r = dry ? sysfs_sriov_check_numvfs(&ctx->paths, pf, n, use, f->n_held, &res, e)
	        : sysfs_sriov_set_numvfs(&ctx->paths, NULL, pf, n, use, f->n_held, &res, e);

	if (r == 0 && ctx->format == CLI_FORMAT_JSON)
		json_out(json_pack("{s:i,s:s,s:s,s:b,s:i,s:i,s:i,s:b,s:b,s:s}", "schema_version", 1,
		                   "action", "vfs", "pf", pf, "dry_run", dry, "before", res.before,
		                   "requested", res.requested, "after",
		                   dry ? res.before : res.after, "unchanged", res.unchanged,
		                   "partial", res.partial, "note", res.note));
	else if (r == 0 && res.unchanged)
		printf(_("%s already has %d VFs.\n"), pf, res.after);
	else if (r == 0 && dry)
		printf(res.before > 0 && n > 0
		               ? _("%s: sriov_numvfs %d -> %d would be written through 0 (dry run: "
		                   "nothing changed)\n")
		               : _("%s: sriov_numvfs %d -> %d would be written (dry run: nothing "
		                   "changed)\n"),
		       pf, res.before, n);
	else if (r == 0 && res.note[0])
		printf(_("%s: sriov_numvfs %d -> %d: %s\n"), pf, res.before, res.after, res.note);
	else if (r == 0)
		printf(_("%s: sriov_numvfs %d -> %d\n"), pf, res.before, res.after);
	return r;
}

static int cli_cmd_host_rollback(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_DRY = 256, OPT_FORCE };
	static const struct option opts[] = {
	        {"dry-run", no_argument, NULL, OPT_DRY},
	        {"force", no_argument, NULL, OPT_FORCE},
	        {"yes", no_argument, NULL, 'y'},
	        {NULL, 0, NULL, 0},
	};
	struct host_rollback_opts ro = {0};
	struct host_facts f;
	struct host_plan pl;
	struct util_err e = {0};
	char setup_id[128] = "", journal[128] = "", title[256];
	struct plan_run pr = {.kind = "rollback", .title = title};
	json_t *jo;
	bool dry = false, found;
	int c, r;

	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DRY: dry = true; break;
		case 'y': pr.yes = true; break;
		case OPT_FORCE: ro.force = true; break;
		default: return cli_unknown_option(ctx, "host", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "host", _("host rollback takes no arguments"));
	r = cli_host_facts_setup(ctx, NULL, &f, &e);
	if (r == 0)
		r = host_rollback_plan(&ctx->paths, &ro, &f, &pl, &found, setup_id,
		                       sizeof(setup_id), &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (!found) {
		if (ctx->format == CLI_FORMAT_JSON)
			json_out(json_pack("{s:i,s:s,s:b,s:n}", "schema_version", 1, "action",
			                   "rollback", "applied", 0, "journal"));
		else
			printf(_("Nothing to roll back: no applied setup in %s.\n"),
			       HOST_JOURNAL_DIR);
		return CLI_EXIT_OK;
	}
	/* the title: one whole sentence per case (dry run or not) */
	if (pl.recovering[0] && strcmp(pl.recovering, setup_id) == 0)
		snprintf(title, sizeof(title),
		         dry ? _("Rollback plan (dry run) of the interrupted setup %s (%s)")
		             : _("Rollback of the interrupted setup %s (%s)"),
		         setup_id, host_mode_name(pl.mode));
	else if (pl.recovering[0] && !setup_id[0])
		snprintf(title, sizeof(title),
		         dry ? _("Would close the interrupted journal %s: nothing left to undo")
		             : _("Closing the interrupted journal %s: nothing left to undo"),
		         pl.recovering);
	else if (pl.recovering[0])
		snprintf(
		        title, sizeof(title),
		        dry ? _("Rollback plan (dry run) of setup %s (%s), resuming the interrupted "
		                "%s")
		            : _("Rollback of setup %s (%s), resuming the interrupted %s"),
		        setup_id, host_mode_name(pl.mode), pl.recovering);
	else
		snprintf(title, sizeof(title),
		         dry ? _("Rollback plan (dry run) of setup %s (%s)")
		             : _("Rollback of setup %s (%s)"),
		         setup_id, host_mode_name(pl.mode));
	if (!pl.n_refusals && dry && pl.mode != HOST_MODE_GVTG && f.numvfs > 0 &&
	    ctx->format != CLI_FORMAT_JSON)
		printf(_("First: sriov_numvfs of %s %d -> 0 (pve-passthrough host vfs --pf %s 0)\n"),
		       f.pf_bdf, f.numvfs, f.pf_bdf);
	pr.dry = dry;
	pr.of = setup_id[0] ? setup_id : pl.recovering;
	r = plan_decide_show(ctx, &pl, &pr, &jo);
	/* VFs first: nothing may hold them (sysfs/ refuses while a VF is bound to vfio-pci) */
	if (r < 0 && pl.mode != HOST_MODE_GVTG && f.numvfs > 0) {
		if (util_paths_is_host(&ctx->paths)) {
			r = set_numvfs(ctx, &f, 0, false, &e);
			/* a generic PF: drivers probe new VFs again, as before the setup */
			if (r == 0 && pl.mode == HOST_MODE_SRIOV_GENERIC)
				r = sysfs_sriov_set_autoprobe(&ctx->paths, NULL, f.pf_bdf, true,
				                              &e);
			if (r < 0) {
				cli_error(ctx, "%s", e.msg);
				json_decref(jo);
				host_plan_free(&pl);
				return r == -EBUSY ? CLI_EXIT_FOUND : CLI_EXIT_FAIL;
			}
			r = -1;
		} else if (ctx->format != CLI_FORMAT_JSON) {
			printf(_("\nNext step (not done under %s): pve-passthrough host vfs --pf %s "
			         "0\n"),
			       ctx->root_opt, f.pf_bdf);
		}
	}
	if (r < 0)
		r = plan_apply(ctx, &pl, &pr, jo, journal, sizeof(journal));
	if (r == CLI_EXIT_OK && !dry && setup_id[0] &&
	    host_journal_mark(&ctx->paths, setup_id, "rolled-back", &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		r = CLI_EXIT_FAIL;
	}
	/* the interrupted rollback (or empty journal) is resolved once the setup is undone */
	if (r == CLI_EXIT_OK && !dry && pl.recovering[0] && strcmp(pl.recovering, setup_id) != 0 &&
	    host_journal_mark(&ctx->paths, pl.recovering, "recovered", &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		r = CLI_EXIT_FAIL;
	}
	host_plan_free(&pl);
	return r;
}

static int cli_cmd_host_vfs(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_PF = 256, OPT_WAIT, OPT_DRY };
	static const struct option opts[] = {
	        {"pf", required_argument, NULL, OPT_PF},
	        {"wait", required_argument, NULL, OPT_WAIT},
	        {"dry-run", no_argument, NULL, OPT_DRY},
	        {NULL, 0, NULL, 0},
	};
	struct host_facts f;
	struct util_err e = {0};
	const char *pf = NULL;
	char *end, ipf[SYSFS_BDF_LEN];
	long n = -1, wait = 0;
	bool dry = false;
	int c, r, in;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PF: pf = optarg; break;
		case OPT_WAIT:
			wait = strtol(optarg, &end, 10);
			if (*end || wait < 0 || wait > 600)
				return cli_usage_error(ctx, "host",
				                       _("--wait %s: seconds, 0 to 600"), optarg);
			break;
		case OPT_DRY: dry = true; break;
		default: return cli_unknown_option(ctx, "host", argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(ctx, "host", _("host vfs takes one VF count N"));
	if (optind + 1 == argc) {
		/* N, or PF:N as the VF unit's instance gives it (pve-passthrough-vfs@PF:N.service) */
		if (host_vf_instance_parse(argv[optind], ipf, &in) < 0 || in > 64)
			return cli_usage_error(
			        ctx, "host",
			        _("host vfs %s: a VF count (0 removes every VF), or PF:N"),
			        argv[optind]);
		n = in;
		if (ipf[0] && pf && strcmp(pf, ipf) != 0)
			return cli_usage_error(ctx, "host",
			                       _("host vfs %s: names another PF than --pf %s"),
			                       argv[optind], pf);
		if (ipf[0])
			pf = ipf;
	} else if (dry) {
		return cli_usage_error(ctx, "host", _("host vfs --dry-run needs the VF count N"));
	}
	/* at boot the PF driver may still be probing: wait for a driver and sriov_totalvfs */
	for (long t = 0;; t++) {
		r = cli_host_facts_pf(ctx, NULL, pf, &f, &e);
		if (r < 0) {
			cli_error(ctx, "%s", e.msg);
			return CLI_EXIT_FAIL;
		}
		if ((f.pf_driver[0] && f.totalvfs > 0) || t >= wait)
			break;
		sleep(1);
	}
	if (!f.pf_bdf[0]) {
		if (pf)
			cli_error(ctx, _("--pf %s: no such PCI device"), pf);
		else
			cli_error(ctx, _("no Intel iGPU PF found (give it with --pf BDF)"));
		return CLI_EXIT_FOUND; /* the exit-code table's "no iGPU": 1 */
	}
	if (n < 0) { /* no count: show the current one */
		if (ctx->format == CLI_FORMAT_JSON)
			json_out(json_pack("{s:i,s:s,s:s,s:i,s:i,s:i,s:s?}", "schema_version", 1,
			                   "action", "vfs", "pf", f.pf_bdf, "numvfs", f.numvfs,
			                   "totalvfs", f.totalvfs, "in_use", f.vfs_in_use, "driver",
			                   f.pf_driver[0] ? f.pf_driver : NULL));
		else if (f.totalvfs <= 0 && f.pf_driver[0])
			printf(_("%s: no SR-IOV (no sriov_totalvfs), driver %s\n"), f.pf_bdf,
			       f.pf_driver);
		else if (f.totalvfs <= 0)
			printf(_("%s: no SR-IOV (no sriov_totalvfs), no driver bound\n"), f.pf_bdf);
		else if (f.pf_driver[0])
			printf(_("%s: %d of %d VFs (sriov_numvfs), %d in use by VMs, driver %s\n"),
			       f.pf_bdf, f.numvfs, f.totalvfs, f.vfs_in_use, f.pf_driver);
		else
			printf(_("%s: %d of %d VFs (sriov_numvfs), %d in use by VMs, no driver bound\n"),
			       f.pf_bdf, f.numvfs, f.totalvfs, f.vfs_in_use);
		return CLI_EXIT_OK;
	}
	/* a generic PF's VFs are for VMs: no host driver may probe them (PVE binds vfio-pci at
	 * VM start); an NVMe VF probed by nvme also waits offline for its timeout */
	r = !dry && f.generic && n > 0 && f.numvfs == 0
	            ? sysfs_sriov_set_autoprobe(&ctx->paths, NULL, f.pf_bdf, false, &e)
	            : 0;
	if (r == 0)
		r = set_numvfs(ctx, &f, (int)n, dry, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		return r == -EBUSY || r == -ERANGE || r == -EOPNOTSUPP ? CLI_EXIT_FOUND
		                                                       : CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_host(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_command subs[] = {
	        {"setup", cli_cmd_host_setup, {NULL, NULL, NULL}, 0},
	        {"rollback", cli_cmd_host_rollback, {NULL, NULL, NULL}, 0},
	        {"vfs", cli_cmd_host_vfs, {NULL, NULL, NULL}, 0},
	};

	if (argc >= 2 && ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON) {
		cli_error(ctx, _("host: --format text or json"));
		return CLI_EXIT_USAGE;
	}
	return cli_subcommand_run(ctx, "host", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
