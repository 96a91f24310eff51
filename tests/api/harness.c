/* tests/api/harness.c - runs tests/api/server.py for the API tests and the bench (see harness.h).
 * Real processes and real TLS; nothing of the client is stubbed. */
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/tmpdir.h"

static void die(const char *what)
{
	fprintf(stderr, "harness: %s\n", what);
	abort();
}

static const char *python(void)
{
	const char *p = getenv("PP_PYTHON");

	if (p && *p)
		return p;
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

void ts_start(struct ts *t, const char *cert, const char *data_args, const char *extra)
{
	char cmd[16384], *s;
	size_t len;

	memset(t, 0, sizeof(*t));
	t->dir = tt_mkdtemp();
	snprintf(cmd, sizeof(cmd), "%s %s/certs", tt_src("tests/api/mkcerts.sh"), t->dir);
	if (system(cmd) != 0)
		die("mkcerts.sh failed");
	s = tt_read(t->dir,
	            cert && strcmp(cert, "wrongname") == 0 ? "certs/wrongname.fp"
	                                                   : "certs/server.fp",
	            &len);
	if (!s)
		die("no fingerprint");
	s[strcspn(s, "\n")] = '\0';
	snprintf(t->fp, sizeof(t->fp), "%s", s);
	free(s);
	snprintf(t->secret, sizeof(t->secret), "%08lx-4b4b-9c1c-%012lx", (long)getpid(),
	         (long)time(NULL));
	snprintf(cmd, sizeof(cmd), "root@pam!audit=%s\n", t->secret);
	tt_write(t->dir, "token", cmd);
	tt_write(t->dir, "password", "correct horse battery staple\n");
	snprintf(t->token_file, sizeof(t->token_file), "%s/token", t->dir);
	snprintf(t->password_file, sizeof(t->password_file), "%s/password", t->dir);
	chmod(t->token_file, 0600);
	chmod(t->password_file, 0600);
	snprintf(t->ca, sizeof(t->ca), "%s/certs/ca.pem", t->dir);
	snprintf(t->other_ca, sizeof(t->other_ca), "%s/certs/other-ca.pem", t->dir);
	snprintf(t->control, sizeof(t->control), "%s/control.json", t->dir);
	snprintf(t->log, sizeof(t->log), "%s/server.log", t->dir);
	tt_write(t->dir, "control.json", "{}");
	t->pid = fork();
	if (t->pid < 0)
		die("fork");
	if (t->pid == 0) {
		/* no orphaned server when a test binary dies */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		snprintf(cmd, sizeof(cmd),
		         "exec %s %s --cert %s/certs/%s.pem --key %s/certs/%s.key %s "
		         "--token %s --user root@pam --password-file %s --control %s --log %s "
		         "--fingerprint %s --port-file %s/port %s",
		         python(), tt_src("tests/api/server.py"), t->dir, cert ? cert : "server",
		         t->dir, cert ? cert : "server", data_args, t->token_file, t->password_file,
		         t->control, t->log, t->fp, t->dir, extra ? extra : "");
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 600; i++) { /* up to 30 s on a loaded machine */
		int st;

		s = tt_read(t->dir, "port", &len);
		if (s) {
			t->port = atoi(s);
			free(s);
			break;
		}
		if (waitpid(t->pid, &st, WNOHANG) == t->pid)
			die("server.py exited");
		usleep(50000);
	}
	if (!t->port)
		die("server.py did not start");
	snprintf(t->url, sizeof(t->url), "https://127.0.0.1:%d/api2/json", t->port);
}

void ts_stop(struct ts *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
	if (t->dir) {
		tt_rmrf(t->dir);
		free(t->dir);
		t->dir = NULL;
	}
}

void ts_control(struct ts *t, const char *json)
{
	tt_write(t->dir, "control.json.tmp", json);
	{
		char a[1100];

		snprintf(a, sizeof(a), "%s/control.json.tmp", t->dir);
		if (rename(a, t->control) != 0)
			die("rename control");
	}
}

void ts_settings(const struct ts *t, struct settings_api *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->url, sizeof(s->url), "%s", t->url);
	snprintf(s->token_file, sizeof(s->token_file), "%s", t->token_file);
	snprintf(s->ca_file, sizeof(s->ca_file), "%s", t->ca);
	s->timeout_s = 10;
}

char *ts_log(const struct ts *t)
{
	size_t len;
	char *s = tt_read(t->dir, "server.log", &len);

	return s ? s : strdup("");
}

int ts_log_count(const struct ts *t, const char *prefix)
{
	char *s = ts_log(t), *p = s;
	int n = 0;
	size_t pl = strlen(prefix);

	while (p && *p) {
		if (strncmp(p, prefix, pl) == 0)
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(s);
	return n;
}
