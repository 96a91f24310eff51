/* host/journal.c - applies plans with a journal (/var/lib/pve-passthrough/journal/<id>/: entries,
 * SHA-256 before/after, backups), undoes a half-done apply, finds journals a crash left in
 * "applying" and plans the rollback of the last (or interrupted) setup from its journal.  The state
 * directory is opened without following symbolic links, from verified directory fds.  The only
 * writer of host files in host/.  Never prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/setup.h"
#include "util/diff.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/i18n.h"

#define TEXT_MAX (1 << 20)

struct journal {
	const struct util_paths *p;
	char id[96];
	int jfd, dfd;            /* the journal directory, this journal's directory */
	char shown[PP_PATH_MAX]; /* HOST_JOURNAL_DIR/<id>, for messages */
	const char *kind, *mode, *of, *state;
	struct util_buf body;
	char (*made)[PP_PATH_MAX]; /* directories created by this apply, in order */
	size_t n_made;
};

/* Opens the directory name under parent without following a symbolic link (created 0700 when
 * create), and verifies it is ours: owned by root or us, not writable by group or others. */
static int dir_open_verified(int parent, const char *name, const char *shown, bool create,
                             struct util_err *e)
{
	struct stat st;
	int fd;

	if (create && mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return util_err_errno(e, -errno, _("cannot create %s"), shown);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;

		if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return util_err_set(
			        e, -ELOOP,
			        _("%s is a symbolic link; refusing to follow it for root-owned "
			          "state (remove the link, keep a real directory)"),
			        shown);
		return util_err_errno(e, r, _("cannot open %s"), shown);
	}
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return util_err_set(
		        e, -EPERM,
		        _("%s is owned by uid %u with mode %04o; it must belong to root and "
		          "be writable by it alone (chown root: %s; chmod go-w %s)"),
		        shown, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), shown, shown);
	}
	return fd;
}

/* The journal directory <root>/var/lib/pve-passthrough/journal as a verified fd, created when
 * create; -ENOENT (no message) when absent. */
static int journal_dir_open(const struct util_paths *p, bool create, struct util_err *e)
{
	char full[PP_PATH_MAX], *slash;
	const char *tool = strrchr(PP_VAR_LIB_TOOL, '/') + 1;
	int parent, tfd, jfd;

	util_path(p, full, sizeof(full), PP_VAR_LIB_TOOL);
	slash = strrchr(full, '/');
	*slash = '\0';
	if (create) {
		int r = util_mkdir_p(full, e);

		if (r < 0)
			return r;
	}
	parent = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return errno == ENOENT && !create
		               ? -ENOENT
		               : util_err_errno(e, -errno, _("cannot open %s"), full);
	if (!create && faccessat(parent, tool, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		close(parent);
		return -ENOENT;
	}
	tfd = dir_open_verified(parent, tool, PP_VAR_LIB_TOOL, create, e);
	close(parent);
	if (tfd < 0)
		return tfd;
	if (!create && faccessat(tfd, "journal", F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT) {
		close(tfd);
		return -ENOENT;
	}
	jfd = dir_open_verified(tfd, "journal", HOST_JOURNAL_DIR, create, e);
	close(tfd);
	return jfd;
}

static int jsave(struct journal *j, struct util_err *e)
{
	char shown[PP_PATH_MAX + 16];
	struct util_write_opts wo = {.mode_if_new = 0600, .nofollow = true};
	struct util_buf b = {0};
	int r;

	r = util_buf_addf(&b, "pve-passthrough-journal 1\nkind %s\nmode %s\nof %s\nstate %s\n",
	                  j->kind, j->mode, j->of ? j->of : "-", j->state);
	if (r == 0)
		r = util_buf_add(&b, j->body.s ? j->body.s : "", j->body.len);
	snprintf(shown, sizeof(shown), "%s/journal", j->shown);
	if (r == 0)
		r = util_file_write_atomicat(j->dfd, "journal", shown, b.s, b.len, &wo, e);
	else
		util_err_set(e, r, _("out of memory"));
	util_buf_free(&b);
	return r;
}

static int jfile(struct journal *j, const char *name, const char *data, size_t len,
                 struct util_err *e)
{
	char shown[PP_PATH_MAX + 64];
	struct util_write_opts wo = {.mode_if_new = 0600, .nofollow = true};

	snprintf(shown, sizeof(shown), "%s/%s", j->shown, name);
	return util_file_write_atomicat(j->dfd, name, shown, data, len, &wo, e);
}

static void sha(const char *data, size_t len, char out[UTIL_SHA256_HEX_LEN + 1])
{
	if (util_sha256_hex(data ? data : "", len, out) < 0)
		snprintf(out, UTIL_SHA256_HEX_LEN + 1, "-");
}

static void jclose(struct journal *j)
{
	if (j->dfd >= 0)
		close(j->dfd);
	if (j->jfd >= 0)
		close(j->jfd);
	j->dfd = j->jfd = -1;
	util_buf_free(&j->body);
	free(j->made);
	j->made = NULL;
}

static int jcreate(struct journal *j, const struct util_paths *p, const char *kind,
                   const char *mode, const char *of, struct util_err *e)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	memset(j, 0, sizeof(*j));
	j->dfd = -1;
	j->p = p;
	j->kind = kind;
	j->mode = mode;
	j->of = of;
	j->state = "applying";
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	j->jfd = journal_dir_open(p, true, e);
	if (j->jfd < 0)
		return j->jfd;
	for (int seq = 1; seq < 1000; seq++) {
		snprintf(j->id, sizeof(j->id), "%s-%03d-%s", stamp, seq, kind);
		snprintf(j->shown, sizeof(j->shown), "%s/%s", HOST_JOURNAL_DIR, j->id);
		if (mkdirat(j->jfd, j->id, 0700) == 0) {
			j->dfd = dir_open_verified(j->jfd, j->id, j->shown, false, e);
			return j->dfd < 0 ? j->dfd : jsave(j, e);
		}
		if (errno != EEXIST)
			return util_err_errno(e, -errno, _("cannot create the journal %s"),
			                      j->shown);
	}
	return util_err_set(e, -EEXIST, _("too many journals in %s this second"), HOST_JOURNAL_DIR);
}

/* Creates the missing parents of a host path, recording each created directory. */
static int make_parents(struct journal *j, const char *host_path, struct util_err *e)
{
	char dir[PP_PATH_MAX], full[PP_PATH_MAX], *missing[32];
	size_t n = 0;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s", host_path);
	for (;;) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			break;
		*slash = '\0';
		util_path(j->p, full, sizeof(full), "%s", dir);
		if (util_is_dir(full) || n == 32)
			break;
		missing[n++] = strdup(dir);
	}
	/* journaled first, created after: a crash in between leaves a recorded directory that
	 * may not exist (rollback skips it), never an unrecorded one */
	for (size_t i = n; i-- > 0 && r == 0;) {
		char(*nm)[PP_PATH_MAX];

		if (!missing[i]) {
			r = -ENOMEM;
			break;
		}
		r = util_buf_addf(&j->body, "mkdir\t%s\n", missing[i]);
		if (r == 0 && (nm = realloc(j->made, (j->n_made + 1) * sizeof(*nm)))) {
			j->made = nm;
			snprintf(nm[j->n_made++], PP_PATH_MAX, "%s", missing[i]);
		}
	}
	if (r == 0 && n)
		r = jsave(j, e);
	for (size_t i = n; i-- > 0;) {
		if (r == 0 && missing[i]) {
			util_path(j->p, full, sizeof(full), "%s", missing[i]);
			if (mkdir(full, 0755) < 0 && errno != EEXIST)
				r = util_err_errno(e, -errno, _("cannot create %s"), missing[i]);
		}
		free(missing[i]);
	}
	if (r == -ENOMEM && e && !e->msg[0])
		util_err_set(e, r, _("out of memory"));
	return r;
}

/* Removes the temporary files a killed writer of ours left in the directory dir_full (or in the
 * directory of the file file_full), so that undoing a crashed step leaves nothing behind and an
 * emptied directory can go. */
static void clean_tmp_in(const char *full, bool is_dir)
{
	char dir[PP_PATH_MAX];
	const char *slash;
	int dfd;

	snprintf(dir, sizeof(dir), "%s", full);
	if (!is_dir) {
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return;
		dir[slash - dir] = '\0';
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	util_tmp_clean(dfd);
	close(dfd);
}

static int do_change(const struct util_paths *p, const struct host_change *c, bool undo,
                     struct util_err *e)
{
	char full[PP_PATH_MAX];
	bool remove = undo ? !c->existed : c->remove;
	struct util_write_opts wo = {.mode_if_new = undo ? c->old_mode : c->new_mode};

	util_path(p, full, sizeof(full), "%s", c->path);
	if (remove)
		clean_tmp_in(full, c->is_dir);
	if (c->is_dir) {
		if (remove != undo) { /* forward: rmdir; undo: mkdir */
			if (rmdir(full) < 0 && errno != ENOENT && errno != ENOTEMPTY)
				return util_err_errno(e, -errno, _("cannot remove %s"), c->path);
		} else if (mkdir(full, 0755) < 0 && errno != EEXIST) {
			return util_err_errno(e, -errno, _("cannot create %s"), c->path);
		}
		return 0;
	}
	if (c->is_link) {
		if (undo ? !c->existed : c->remove) {
			if (unlink(full) < 0 && errno != ENOENT)
				return util_err_errno(e, -errno, _("cannot remove %s"), c->path);
			return 0;
		}
		unlink(full);
		if (symlink(c->target, full) < 0)
			return util_err_errno(e, -errno, _("cannot create the link %s"), c->path);
		return 0;
	}
	if (remove) {
		if (unlink(full) < 0 && errno != ENOENT)
			return util_err_errno(e, -errno, _("cannot remove %s"), c->path);
		return 0;
	}
	if (undo)
		return util_file_write_atomic(full, c->old_data, c->old_len, &wo, e);
	return util_file_write_atomic(full, c->new_data, c->new_len, &wo, e);
}

static bool is_refresh(const struct host_argv *a)
{
	return strcmp(a->v[0], "update-grub") == 0 || strcmp(a->v[0], "proxmox-boot-tool") == 0;
}

int host_plan_apply(const struct util_paths *p, const struct host_plan *plan,
                    struct host_runner *run, const struct host_apply_opts *o, char *journal_id,
                    size_t id_len, struct util_err *e)
{
	struct journal j;
	size_t done = 0;
	int r;

	r = jcreate(&j, p, o && o->kind ? o->kind : "setup", host_mode_name(plan->mode),
	            o ? o->of : NULL, e);
	if (r < 0) {
		jclose(&j);
		return r;
	}
	if (journal_id)
		snprintf(journal_id, id_len, "%s", j.id);
	if (plan->package[0])
		r = util_buf_addf(&j.body, "package\t%s\n", plan->package);
	if (r == 0 && plan->pf[0])
		r = util_buf_addf(&j.body, "pf\t%s\n", plan->pf);
	for (size_t i = 0; i < plan->n_changes && r == 0; i++) {
		const struct host_change *c = &plan->changes[i];
		char before[UTIL_SHA256_HEX_LEN + 1] = "-", after[UTIL_SHA256_HEX_LEN + 1] = "-";
		char name[32];

		if (c->existed && !c->is_link && !c->is_dir) {
			sha(c->old_data, c->old_len, before);
			snprintf(name, sizeof(name), "backup-%zu", i);
			r = jfile(&j, name, c->old_data, c->old_len, e);
		}
		if (r == 0 && !c->remove && !c->is_link && !c->is_dir) {
			sha(c->new_data, c->new_len, after);
			snprintf(name, sizeof(name), "after-%zu", i);
			r = jfile(&j, name, c->new_data, c->new_len, e);
		}
		if (r == 0)
			r = util_buf_addf(
			        &j.body, "change\t%zu\t%s\t%d\t%d\t%d\t%o\t%s\t%d\t%o\t%s\t%s\n", i,
			        c->path, c->is_link, c->is_dir, c->existed, c->old_mode, before,
			        c->remove, c->new_mode, after, c->target[0] ? c->target : "-");
		for (size_t k = 0; k < c->n_edits && r == 0; k++)
			r = util_buf_addf(&j.body, "edit\t%zu\t%d\t%d\t%s\t%s\t%s\n", i,
			                  (int)c->edits[k].kind, c->edits[k].applied,
			                  c->edits[k].key,
			                  c->edits[k].old_value[0] ? c->edits[k].old_value : "-",
			                  c->edits[k].value[0] ? c->edits[k].value : "-");
		if (r == 0 && !c->remove)
			r = make_parents(&j, c->path, e);
		if (r == 0)
			r = jsave(&j, e);
		if (r == 0 && o && o->fail_at_change == (int)i + 1)
			r = util_err_set(e, -EIO, _("%s: injected failure"), c->path);
		if (r == 0)
			r = do_change(p, c, false, e);
		if (r == 0 && o && o->kill_at_change == (int)i + 1)
			raise(SIGKILL); /* a crash after the step, before "done" is journaled */
		if (r == 0) {
			done = i + 1;
			r = util_buf_addf(&j.body, "done\t%zu\n", i);
		}
	}
	for (size_t i = 0; i < plan->n_cmds && r == 0; i++) {
		struct util_buf line = {0};

		r = host_argv_format(&line, (const char *const *)plan->cmds[i].v);
		if (r == 0)
			r = util_buf_addf(&j.body, "cmd\t%s", line.s);
		util_buf_free(&line);
		if (r == 0)
			r = jsave(&j, e);
		if (r == 0)
			r = host_run(run, (const char *const *)plan->cmds[i].v, e);
	}
	if (r == 0) {
		j.state = "applied";
		r = jsave(&j, e);
		jclose(&j);
		return r;
	}
	/* undo what was done, newest first, then bring the bootloader back in line */
	{
		struct util_err e2 = {0};

		for (size_t i = done; i-- > 0;)
			do_change(p, &plan->changes[i], true, &e2);
		for (size_t i = j.n_made; i-- > 0;) {
			char full[PP_PATH_MAX];

			util_path(p, full, sizeof(full), "%s", j.made[i]);
			rmdir(full);
		}
		if (done)
			for (size_t i = 0; i < plan->n_cmds; i++)
				if (is_refresh(&plan->cmds[i]))
					host_run(run, (const char *const *)plan->cmds[i].v, &e2);
		util_buf_addf(&j.body, "undone\t%zu\n", done);
		j.state = "failed";
		jsave(&j, &e2);
	}
	jclose(&j);
	return r;
}

/* ------------------------------------------------------------------ reading journals */

struct jentry {
	struct host_change c;
	char before[UTIL_SHA256_HEX_LEN + 1], after[UTIL_SHA256_HEX_LEN + 1];
	bool done;
};

struct jread {
	char kind[32], mode[32], state[32];
	size_t n_cmds; /* commands the apply reached */
	char package[128];
	char pf[16];
	struct jentry *ch;
	size_t n;
	char (*dirs)[PP_PATH_MAX];
	size_t n_dirs;
};

static void jread_free(struct jread *jr)
{
	for (size_t i = 0; i < jr->n; i++) {
		free(jr->ch[i].c.old_data);
		free(jr->ch[i].c.new_data);
		free(jr->ch[i].c.edits);
	}
	free(jr->ch);
	free(jr->dirs);
	memset(jr, 0, sizeof(*jr));
}

static size_t fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	for (char *s = line; s && n < max;) {
		char *t = strchr(s, '\t');

		f[n++] = s;
		if (t)
			*t = '\0';
		s = t ? t + 1 : NULL;
	}
	return n;
}

/* Loads journal id from the journal directory jfd.  A journal directory without its journal file
 * (a crash between mkdir and the first write) is -ENOENT. */
static int jread_load(int jfd, const char *id, struct jread *jr, bool with_data, struct util_err *e)
{
	char shown[PP_PATH_MAX + 64], *text, *save = NULL;
	size_t len;
	int r, dfd;

	memset(jr, 0, sizeof(*jr));
	snprintf(shown, sizeof(shown), "%s/%s", HOST_JOURNAL_DIR, id);
	dfd = dir_open_verified(jfd, id, shown, false, e);
	if (dfd < 0)
		return dfd;
	snprintf(shown, sizeof(shown), "%s/%s/journal", HOST_JOURNAL_DIR, id);
	r = util_file_readat(dfd, "journal", O_NOFOLLOW, shown, TEXT_MAX, &text, &len, e);
	if (r < 0) {
		close(dfd);
		return r;
	}
	for (char *s = text, *line; (line = strtok_r(s, "\n", &save)); s = NULL) {
		char *f[12];
		size_t nf = fields(line, f, 12);

		if (strncmp(line, "kind ", 5) == 0)
			snprintf(jr->kind, sizeof(jr->kind), "%s", line + 5);
		else if (strncmp(line, "mode ", 5) == 0)
			snprintf(jr->mode, sizeof(jr->mode), "%s", line + 5);
		else if (strncmp(line, "state ", 6) == 0)
			snprintf(jr->state, sizeof(jr->state), "%s", line + 6);
		else if (strcmp(f[0], "package") == 0 && nf == 2)
			snprintf(jr->package, sizeof(jr->package), "%s", f[1]);
		else if (strcmp(f[0], "pf") == 0 && nf == 2)
			snprintf(jr->pf, sizeof(jr->pf), "%s", f[1]);
		else if (strcmp(f[0], "mkdir") == 0 && nf == 2) {
			char(*nd)[PP_PATH_MAX] = realloc(jr->dirs, (jr->n_dirs + 1) * sizeof(*nd));

			if (!nd) {
				r = -ENOMEM;
				break;
			}
			jr->dirs = nd;
			snprintf(nd[jr->n_dirs++], PP_PATH_MAX, "%s", f[1]);
		} else if (strcmp(f[0], "change") == 0 && nf == 12) {
			struct jentry *ne = realloc(jr->ch, (jr->n + 1) * sizeof(*ne));
			struct host_change *c;

			if (!ne) {
				r = -ENOMEM;
				break;
			}
			jr->ch = ne;
			ne += jr->n++;
			memset(ne, 0, sizeof(*ne));
			c = &ne->c;
			snprintf(c->path, sizeof(c->path), "%s", f[2]);
			c->is_link = atoi(f[3]);
			c->is_dir = atoi(f[4]);
			c->existed = atoi(f[5]);
			c->old_mode = (mode_t)strtoul(f[6], NULL, 8);
			snprintf(ne->before, sizeof(ne->before), "%s", f[7]);
			c->remove = atoi(f[8]);
			c->new_mode = (mode_t)strtoul(f[9], NULL, 8);
			snprintf(ne->after, sizeof(ne->after), "%s", f[10]);
			snprintf(c->target, sizeof(c->target), "%s",
			         strcmp(f[11], "-") ? f[11] : "");
			if (with_data && c->existed && !c->is_link && !c->is_dir) {
				char name[64];

				snprintf(name, sizeof(name), "backup-%s", f[1]);
				snprintf(shown, sizeof(shown), "%s/%s/%s", HOST_JOURNAL_DIR, id,
				         name);
				r = util_file_readat(dfd, name, O_NOFOLLOW, shown, TEXT_MAX,
				                     &c->old_data, &c->old_len, e);
			}
			if (r == 0 && with_data && !c->remove && !c->is_link && !c->is_dir) {
				char name[64];

				snprintf(name, sizeof(name), "after-%s", f[1]);
				snprintf(shown, sizeof(shown), "%s/%s/%s", HOST_JOURNAL_DIR, id,
				         name);
				r = util_file_readat(dfd, name, O_NOFOLLOW, shown, TEXT_MAX,
				                     &c->new_data, &c->new_len, e);
			}
			if (r < 0)
				break;
		} else if (strcmp(f[0], "edit") == 0 && nf == 7 && jr->n) {
			struct host_change *c = &jr->ch[jr->n - 1].c;
			struct host_edit *ne = realloc(c->edits, (c->n_edits + 1) * sizeof(*ne));

			if (!ne) {
				r = -ENOMEM;
				break;
			}
			c->edits = ne;
			ne += c->n_edits++;
			memset(ne, 0, sizeof(*ne));
			ne->kind = (enum host_edit_kind)atoi(f[2]);
			ne->applied = atoi(f[3]);
			snprintf(ne->key, sizeof(ne->key), "%s", f[4]);
			snprintf(ne->old_value, sizeof(ne->old_value), "%s",
			         strcmp(f[5], "-") ? f[5] : "");
			snprintf(ne->value, sizeof(ne->value), "%s", strcmp(f[6], "-") ? f[6] : "");
		} else if (strcmp(f[0], "cmd") == 0) {
			jr->n_cmds++;
		} else if (strcmp(f[0], "done") == 0 && nf == 2) {
			size_t i = (size_t)atol(f[1]);

			if (i < jr->n)
				jr->ch[i].done = true;
		}
	}
	free(text);
	close(dfd);
	if (r < 0) {
		jread_free(jr);
		return util_err_errno(e, r, _("cannot read the journal %s/%s"), HOST_JOURNAL_DIR,
		                      id);
	}
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

static void names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The journal ids, newest first, and the journal directory fd (-1 and none when absent). */
static int journals_list(const struct util_paths *p, int *jfd, char ***out, size_t *nn,
                         struct util_err *e)
{
	char **names = NULL;
	size_t n = 0;
	int d2;
	DIR *d;
	struct dirent *de;

	*out = NULL;
	*nn = 0;
	*jfd = journal_dir_open(p, false, e);
	if (*jfd == -ENOENT) {
		*jfd = -1;
		return 0;
	}
	if (*jfd < 0)
		return *jfd;
	d2 = dup(*jfd);
	if (d2 < 0 || !(d = fdopendir(d2))) {
		if (d2 >= 0)
			close(d2);
		return util_err_errno(e, -errno, _("cannot read %s"), HOST_JOURNAL_DIR);
	}
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.' || util_tmp_name_parse(de->d_name, NULL, 0, NULL))
			continue;
		nv = realloc(names, (n + 1) * sizeof(*nv));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			free(nv ? nv : names);
			closedir(d);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		}
		names = nv;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_desc);
	*out = names;
	*nn = n;
	return 0;
}

/* The newest journal of kind setup in state applied: its id, or "" */
static int find_last_setup(const struct util_paths *p, char *id, size_t n, struct util_err *e)
{
	char **names;
	size_t nn;
	int jfd, r;

	id[0] = '\0';
	r = journals_list(p, &jfd, &names, &nn, e);
	for (size_t i = 0; i < nn && !id[0] && r == 0; i++) {
		struct jread jr;

		if (jread_load(jfd, names[i], &jr, false, NULL) < 0)
			continue;
		if (strcmp(jr.kind, "setup") == 0 && strcmp(jr.state, "applied") == 0)
			snprintf(id, n, "%s", names[i]);
		jread_free(&jr);
	}
	names_free(names, nn);
	if (jfd >= 0)
		close(jfd);
	return r;
}

int host_journal_interrupted(const struct util_paths *p, char *id, size_t id_len, char *kind,
                             size_t kind_len, struct util_err *e)
{
	char **names;
	size_t nn;
	int jfd, r;

	id[0] = kind[0] = '\0';
	r = journals_list(p, &jfd, &names, &nn, e);
	for (size_t i = 0; i < nn && !id[0] && r == 0; i++) {
		struct jread jr;
		int lr = jread_load(jfd, names[i], &jr, false, NULL);

		/* no journal file: killed between creating the directory and its first write */
		if (lr == -ENOENT) {
			snprintf(id, id_len, "%s", names[i]);
			snprintf(kind, kind_len, "empty");
		} else if (lr == 0 && strcmp(jr.state, "applying") == 0) {
			snprintf(id, id_len, "%s", names[i]);
			snprintf(kind, kind_len, "%s", jr.kind);
		}
		if (lr == 0)
			jread_free(&jr);
	}
	names_free(names, nn);
	if (jfd >= 0)
		close(jfd);
	return r;
}

int host_journal_last_setup(const struct util_paths *p, char *id, size_t id_len, char *mode,
                            size_t mode_len, struct util_err *e)
{
	struct jread jr;
	int r, jfd;

	mode[0] = '\0';
	r = find_last_setup(p, id, id_len, e);
	if (r < 0 || !id[0])
		return r;
	jfd = journal_dir_open(p, false, e);
	if (jfd < 0)
		return jfd;
	r = jread_load(jfd, id, &jr, false, e);
	if (r == 0)
		snprintf(mode, mode_len, "%s", jr.mode);
	jread_free(&jr);
	close(jfd);
	return r;
}

int host_journal_setup_pf(const struct util_paths *p, const char *id, char *pf, size_t pf_len,
                          struct util_err *e)
{
	struct jread jr;
	int r, jfd;

	pf[0] = '\0';
	jfd = journal_dir_open(p, false, e);
	if (jfd < 0)
		return jfd;
	r = jread_load(jfd, id, &jr, false, e);
	if (r == 0)
		snprintf(pf, pf_len, "%s", jr.pf);
	jread_free(&jr);
	close(jfd);
	return r;
}

int host_journal_mark(const struct util_paths *p, const char *id, const char *state,
                      struct util_err *e)
{
	char shown[PP_PATH_MAX], *text = NULL, *s;
	size_t len;
	struct util_buf b = {0};
	struct util_write_opts wo = {.mode_if_new = 0600, .nofollow = true};
	int r, jfd, dfd;

	jfd = journal_dir_open(p, false, e);
	if (jfd < 0)
		return jfd == -ENOENT ? util_err_set(e, -ENOENT, _("no journal %s"), id) : jfd;
	snprintf(shown, sizeof(shown), "%s/%s", HOST_JOURNAL_DIR, id);
	dfd = dir_open_verified(jfd, id, shown, false, e);
	close(jfd);
	if (dfd < 0)
		return dfd;
	snprintf(shown, sizeof(shown), "%s/%s/journal", HOST_JOURNAL_DIR, id);
	r = util_file_readat(dfd, "journal", O_NOFOLLOW, shown, TEXT_MAX, &text, &len, e);
	if (r == -ENOENT) {
		/* an empty journal (killed before its first write): nothing was applied */
		r = util_buf_addf(&b, "pve-passthrough-journal 1\nkind -\nmode -\nof -\nstate %s\n",
		                  state);
		if (r == 0)
			r = util_file_write_atomicat(dfd, "journal", shown, b.s, b.len, &wo, e);
		util_buf_free(&b);
		close(dfd);
		return r;
	}
	if (r < 0) {
		close(dfd);
		return r;
	}
	s = strstr(text, "\nstate ");
	if (!s) {
		free(text);
		close(dfd);
		return util_err_set(e, -EINVAL, _("%s: no state line"), shown);
	}
	r = util_buf_add(&b, text, (size_t)(s - text));
	r = r ? r : util_buf_addf(&b, "\nstate %s", state);
	s = strchr(s + 1, '\n');
	r = r ? r : util_buf_adds(&b, s ? s : "\n");
	if (r == 0)
		r = util_file_write_atomicat(dfd, "journal", shown, b.s, b.len, &wo, e);
	free(text);
	util_buf_free(&b);
	close(dfd);
	return r;
}

/* ------------------------------------------------------------------ rollback plan */

static int add_str(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

static int add_cmd(struct host_plan *pl, const char *const *argv)
{
	struct host_argv *nc = realloc(pl->cmds, (pl->n_cmds + 1) * sizeof(*nc));

	if (!nc)
		return -ENOMEM;
	pl->cmds = nc;
	nc += pl->n_cmds++;
	memset(nc, 0, sizeof(*nc));
	for (size_t i = 0; argv[i] && i < 7; i++)
		if (!(nc->v[i] = strdup(argv[i])))
			return -ENOMEM;
	return 0;
}

static bool is_cmdline_file(const char *path)
{
	return strcmp(path, PP_ETC_KERNEL_CMDLINE) == 0 || strcmp(path, HOST_GRUB_DROPIN) == 0 ||
	       strcmp(path, PP_ETC_DEFAULT_GRUB) == 0;
}

/* Token-aware undo of /etc/kernel/cmdline edited since the setup: *out is the new content. */
static int unmerge_kernel_cmdline(const char *cur, size_t len, const struct host_change *c,
                                  char **out)
{
	char *line = strndup(cur, len), *nl, *joined;
	const char *rest = "";
	struct host_tokens t;
	int r;

	if (!line)
		return -ENOMEM;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		rest = nl + 1;
	}
	r = host_tokens_split(line, &t);
	if (r == 0)
		r = host_cmdline_unmerge(&t, c->edits, c->n_edits);
	joined = r == 0 ? host_tokens_join(&t) : NULL;
	if (r == 0 && (!joined || asprintf(out, "%s\n%s", joined, rest) < 0))
		r = -ENOMEM;
	free(joined);
	free(line);
	host_tokens_free(&t);
	return r;
}

static int rb_change(const struct util_paths *p, const struct host_rollback_opts *o,
                     struct host_plan *pl, struct jentry *je, bool *touched_cmdline,
                     bool *touched_unit, struct util_err *e)
{
	struct host_change *c = &je->c, *nc;
	char full[PP_PATH_MAX], cursha[UTIL_SHA256_HEX_LEN + 1] = "-", *cur = NULL, *msg;
	size_t curlen = 0;
	struct stat st;
	bool cur_exists;
	int r = 0;

	util_path(p, full, sizeof(full), "%s", c->path);
	cur_exists = lstat(full, &st) == 0;
	if (c->is_link && c->remove) { /* the setup removed a link: put it back */
		if (cur_exists)
			return 0;
		nc = realloc(pl->changes, (pl->n_changes + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		pl->changes = nc;
		nc += pl->n_changes++;
		memset(nc, 0, sizeof(*nc));
		snprintf(nc->path, sizeof(nc->path), "%s", c->path);
		snprintf(nc->target, sizeof(nc->target), "%s", c->target);
		nc->is_link = true;
		*touched_unit = true;
		return 0;
	}
	if (c->is_link) {
		char target[PP_PATH_MAX];
		ssize_t l = cur_exists ? readlink(full, target, sizeof(target) - 1) : -1;

		if (l < 0)
			return 0; /* already gone */
		target[l] = '\0';
		if (strcmp(target, c->target) != 0)
			return asprintf(&msg, "%s now points to %s, not %s; left alone", c->path,
			                target, c->target) < 0
			               ? -ENOMEM
			               : add_str(&pl->notes, &pl->n_notes, msg);
		nc = realloc(pl->changes, (pl->n_changes + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		pl->changes = nc;
		nc += pl->n_changes++;
		memset(nc, 0, sizeof(*nc));
		snprintf(nc->path, sizeof(nc->path), "%s", c->path);
		snprintf(nc->target, sizeof(nc->target), "%s", c->target);
		nc->is_link = nc->existed = nc->remove = true;
		*touched_unit = true;
		return 0;
	}
	if (cur_exists) {
		r = util_file_read(full, TEXT_MAX, &cur, &curlen, e);
		if (r < 0)
			return r;
		sha(cur, curlen, cursha);
	}
	/* already as before the setup: nothing to do */
	if ((c->existed && cur_exists && strcmp(cursha, je->before) == 0) ||
	    (!c->existed && !cur_exists)) {
		free(cur);
		return 0;
	}
	nc = realloc(pl->changes, (pl->n_changes + 1) * sizeof(*nc));
	if (!nc) {
		free(cur);
		return -ENOMEM;
	}
	pl->changes = nc;
	nc += pl->n_changes++;
	memset(nc, 0, sizeof(*nc));
	snprintf(nc->path, sizeof(nc->path), "%s", c->path);
	nc->existed = cur_exists;
	nc->old_data = cur;
	nc->old_len = curlen;
	nc->old_mode = cur_exists ? (st.st_mode & 07777) : 0644;
	nc->new_mode = c->old_mode ? c->old_mode : 0644;
	if (is_cmdline_file(c->path))
		*touched_cmdline = true;
	if (strcmp(c->path, HOST_UNIT_LEGACY) == 0)
		*touched_unit = true;
	/* /etc/kernel/cmdline edited since: only the setup's tokens go, even with --force */
	if (cur_exists && strcmp(cursha, je->after) != 0 &&
	    strcmp(c->path, PP_ETC_KERNEL_CMDLINE) == 0 && c->n_edits) {
		r = unmerge_kernel_cmdline(cur, curlen, c, &nc->new_data);
		if (r == 0) {
			nc->new_len = strlen(nc->new_data);
			r = asprintf(
			            &msg,
			            "%s changed since the setup: only the tokens the setup added are "
			            "removed, your later edits stay",
			            c->path) < 0
			            ? -ENOMEM
			            : add_str(&pl->notes, &pl->n_notes, msg);
		}
		return r;
	}
	if (!cur_exists || strcmp(cursha, je->after) == 0 || o->force) {
		if (cur_exists && strcmp(cursha, je->after) != 0 &&
		    asprintf(&msg,
		             "%s changed since the setup; restored anyway (--force); its "
		             "current content is kept in the rollback journal",
		             c->path) >= 0)
			r = add_str(&pl->notes, &pl->n_notes, msg);
		if (c->existed && !c->old_data) {
			/* (fuzz_journal: a journal that says the file existed but holds no backup
			 * of it restored it empty) */
			if (asprintf(&msg,
			             "%s: the journal records that it existed before the setup but "
			             "holds no backup of it; restore it by hand",
			             c->path) < 0)
				return -ENOMEM;
			return add_str(&pl->refusals, &pl->n_refusals, msg);
		}
		if (c->existed) {
			nc->new_data = malloc(c->old_len + 1);
			if (!nc->new_data)
				return -ENOMEM;
			memcpy(nc->new_data, c->old_data, c->old_len);
			nc->new_len = c->old_len;
		} else {
			nc->remove = true;
		}
		return r;
	}
	/* changed since the setup */
	{
		struct util_buf d = {0};
		char a[PP_PATH_MAX + 32];

		snprintf(a, sizeof(a), "%s (as written by the setup)", c->path);
		r = util_diff_unified(a, c->new_data, c->new_len, c->path, cur, curlen,
		                      UTIL_DIFF_FULL_RANGES, &d);
		if (r == 0 &&
		    asprintf(&msg,
		             "%s changed since the setup; not restored (--force restores it "
		             "anyway):\n%s",
		             c->path, d.s ? d.s : "") >= 0)
			r = add_str(&pl->refusals, &pl->n_refusals, msg);
		util_buf_free(&d);
		/* keep the file as it is in the plan (no-op) */
		nc->new_data = malloc(curlen + 1);
		if (!nc->new_data)
			return -ENOMEM;
		memcpy(nc->new_data, cur, curlen);
		nc->new_len = curlen;
	}
	return r;
}

int host_rollback_plan(const struct util_paths *p, const struct host_rollback_opts *o,
                       const struct host_facts *f, struct host_plan *pl, bool *found,
                       char *setup_id, size_t id_len, struct util_err *e)
{
	char id[128], iid[128], ikind[32], *msg;
	struct jread jr;
	bool t_cmd = false, t_unit = false, interrupted_setup;
	int r, jfd;

	memset(pl, 0, sizeof(*pl));
	*found = false;
	setup_id[0] = '\0';
	/* a crash left a journal in "applying": that one first */
	r = host_journal_interrupted(p, iid, sizeof(iid), ikind, sizeof(ikind), e);
	if (r < 0)
		return r;
	interrupted_setup = iid[0] && strcmp(ikind, "setup") == 0;
	if (iid[0]) {
		*found = true;
		snprintf(pl->recovering, sizeof(pl->recovering), "%s", iid);
	}
	if (interrupted_setup)
		snprintf(id, sizeof(id), "%s", iid);
	else if ((r = find_last_setup(p, id, sizeof(id), e)) < 0)
		return r;
	if (!id[0]) /* nothing applied to undo (an interrupted rollback that had finished) */
		return 0;
	*found = true;
	snprintf(setup_id, id_len, "%s", id);
	jfd = journal_dir_open(p, false, e);
	if (jfd < 0)
		return jfd;
	r = jread_load(jfd, id, &jr, true, e);
	close(jfd);
	if (r < 0)
		return r;
	pl->mode = host_mode_parse(jr.mode);
	snprintf(pl->pf, sizeof(pl->pf), "%s", jr.pf);
	r = host_boot_detect(p, &pl->boot, e);
	if (r == 0 && pl->mode != HOST_MODE_GVTG && f->vfs_in_use > 0 &&
	    asprintf(&msg,
	             "%d VF(s) of %s are in use (%s): stop the VMs that use them first; "
	             "setting sriov_numvfs to 0 under a running VM blocks",
	             f->vfs_in_use, f->pf_bdf, f->in_use) >= 0)
		r = add_str(&pl->refusals, &pl->n_refusals, msg);
	if (r == 0 && f->mdevs_in_use > 0 &&
	    asprintf(&msg, "running VMs use %d mdev(s) (%s): stop them first", f->mdevs_in_use,
	             f->in_use) >= 0)
		r = add_str(&pl->refusals, &pl->n_refusals, msg);
	/* an interrupted setup: every step it recorded (each is recorded before it is done; one not
	 * done yet is found as it was and left alone) */
	for (size_t i = jr.n; i-- > 0 && r == 0;)
		if (jr.ch[i].done || interrupted_setup)
			r = rb_change(p, o, pl, &jr.ch[i], &t_cmd, &t_unit, e);
	/* directories the setup created, deepest first, if empty by then */
	for (size_t i = jr.n_dirs; i-- > 0 && r == 0;) {
		struct host_change *nc;
		char full[PP_PATH_MAX];

		util_path(p, full, sizeof(full), "%s", jr.dirs[i]);
		/* (fuzz_journal: growing the array before this test lost it, or left pl->changes
		 * pointing at the freed old array, whenever a created directory was gone since) */
		if (!util_is_dir(full))
			continue;
		nc = realloc(pl->changes, (pl->n_changes + 1) * sizeof(*nc));
		if (!nc) {
			r = -ENOMEM;
			break;
		}
		pl->changes = nc;
		nc += pl->n_changes++;
		memset(nc, 0, sizeof(*nc));
		snprintf(nc->path, sizeof(nc->path), "%s", jr.dirs[i]);
		nc->is_dir = nc->existed = nc->remove = true;
	}
	if (r == 0 && t_unit) {
		const char *argv[] = {"systemctl", "daemon-reload", NULL};

		r = add_cmd(pl, argv);
	}
	/* the package is installed by a command: not when the setup never reached its commands */
	if (r == 0 && jr.package[0] && (!interrupted_setup || jr.n_cmds)) {
		const char *argv[] = {"dpkg", "-r", jr.package, NULL};
		const char *argv2[] = {"update-initramfs", "-u", "-k", "all", NULL};

		snprintf(pl->package, sizeof(pl->package), "%s", jr.package);
		r = add_cmd(pl, argv);
		if (r == 0)
			r = add_cmd(pl, argv2);
	}
	if (r == 0 && t_cmd)
		r = add_cmd(pl, host_boot_refresh_argv(&pl->boot));
	jread_free(&jr);
	if (r < 0 && e && !e->msg[0])
		util_err_set(e, r, _("out of memory"));
	return r;
}
