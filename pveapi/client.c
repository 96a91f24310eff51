/* pveapi/client.c - the PVE REST API client: credentials, TLS verification (CA file or SHA-256
 * pin checked in an OpenSSL verify callback), the request engine over curl multi and the
 * mapping of HTTP/TLS/transport errors to -errno + one sentence.  Never prints, never puts a
 * secret into a URL, a message or argv. */
#include "pveapi/engine.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pveapi/dl.h"
#include "util/i18n.h"

#define MAX_IN_FLIGHT_DEFAULT 16
#define MAX_IN_FLIGHT_LIMIT   256
#define MAX_ANSWER            (64u << 20)

struct slot {
	struct pveapi_client *c;
	CURL *easy;
	struct pveapi_job *job; /* NULL when idle */
	char errbuf[CURL_ERROR_SIZE];
};

struct pveapi_client {
	struct pveapi_dl dl;
	struct settings_api s;
	char hostport[300]; /* for messages */
	char token[512];    /* "USER@REALM!TOKENID=SECRET" or "" */
	char password[512];
	int dumpable; /* PR_GET_DUMPABLE before the secret was read (restored by _free) */
	char ticket[1024];
	char csrf[256];
	bool logged_in;
	struct curl_slist *hdr_read, *hdr_write;
	CURLM *multi;
	struct slot *slots;
	unsigned nslots;
	unsigned max_in_flight;
	unsigned deadline_ms;
};

struct node_state {
	char name[64];
	unsigned in_flight;
	int down_rc;
	char down_why[1024];
};

struct pveapi_run {
	struct pveapi_client *c;
	struct pveapi_job *head, *tail;
	struct node_state *nodes;
	size_t nnodes;
	unsigned in_flight;
	unsigned requests;
	int fatal;
	struct util_err fatal_err;
};

static void wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ credentials */

/* what: _("token file") or _("password file"), the noun that starts each message */
static int secret_file_read(const char *path, const char *what, char *out, size_t n,
                            struct util_err *e)
{
	struct stat st;
	char buf[2048];
	ssize_t len;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return util_err_errno(e, -errno, "%s %s", what, path);
	if (fstat(fd, &st) < 0) {
		r = util_err_errno(e, -errno, "%s %s", what, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		/* TRANSLATORS: the first %s is "token file" or "password file", the second its path */
		r = util_err_set(e, -EINVAL, _("%s %s is not a regular file"), what, path);
		goto out;
	}
	/* someone else's file could have been planted (or be swapped) to feed us a credential */
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		r = util_err_set(
		        e, -EACCES,
		        _("%s %s belongs to uid %u, not to root or to you (uid %u); it holds a "
		          "secret: chown root: %s"),
		        what, path, (unsigned)st.st_uid, (unsigned)getuid(), path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		r = util_err_set(
		        e, -EACCES,
		        _("%s %s may be read by group or others (mode %04o); it holds a secret: "
		          "chmod 600 %s"),
		        what, path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	if (len < 0) {
		r = util_err_errno(e, -errno, "%s %s", what, path);
		goto out;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) >= n || (size_t)len == sizeof(buf) - 1) {
		r = util_err_set(e, -EINVAL, _("%s %s: the first line is too long"), what, path);
		goto out;
	}
	memcpy(out, buf, strlen(buf) + 1);
out:
	wipe(buf, sizeof(buf));
	close(fd);
	return r;
}

/* USER@REALM!TOKENID=SECRET, no white space, every part non-empty. */
static bool token_valid(const char *t)
{
	const char *at = strchr(t, '@'), *bang, *eq;

	for (const char *p = t; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return false;
	if (!at || at == t)
		return false;
	bang = strchr(at + 1, '!');
	if (!bang || bang == at + 1)
		return false;
	eq = strchr(bang + 1, '=');
	return eq && eq != bang + 1 && eq[1] != '\0';
}

int pveapi_token_file_read(const char *path, char *out, size_t n, struct util_err *e)
{
	int r = secret_file_read(path, _("token file"), out, n, e);

	if (r)
		return r;
	if (!token_valid(out)) {
		wipe(out, n);
		return util_err_set(
		        e, -EINVAL,
		        _("token file %s: the first line must be USER@REALM!TOKENID=SECRET "
		          "(as printed by `pveum user token add`)"),
		        path);
	}
	return 0;
}

/* ------------------------------------------------------------------ TLS pin */

static int pin_verify(X509_STORE_CTX *sctx, void *arg)
{
	struct slot *sl = arg;
	struct pveapi_dl *dl = &sl->c->dl;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char seen[100];
	X509 *cert = dl->x509_store_ctx_get0_cert(sctx);

	if (!cert || !dl->x509_digest(cert, dl->evp_sha256(), md, &mdlen) || mdlen != 32) {
		dl->x509_store_ctx_set_error(sctx, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(seen + i * 3, 4, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
	if (strcmp(seen, sl->c->s.fingerprint) == 0)
		return 1;
	if (sl->job)
		memcpy(sl->job->seen_fp, seen, sizeof(seen));
	dl->x509_store_ctx_set_error(sctx, X509_V_ERR_CERT_REJECTED);
	return 0;
}

static CURLcode ssl_ctx_cb(CURL *easy, void *ssl_ctx, void *arg)
{
	struct slot *sl = arg;

	(void)easy;
	sl->c->dl.ssl_ctx_set_cert_verify_callback(ssl_ctx, pin_verify, sl);
	return CURLE_OK;
}

/* ------------------------------------------------------------------ transfers */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct pveapi_job *j = arg;
	size_t n = size * nmemb;

	if (j->resp.len + n > MAX_ANSWER || util_buf_add(&j->resp, ptr, n) < 0)
		return 0;
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct pveapi_job *j = arg;
	size_t n = size * nmemb, k;
	const char *p;

	if (n > 9 && strncmp(ptr, "HTTP/", 5) == 0) {
		/* "HTTP/1.1 400 Parameter verification failed.\r\n": keep the reason */
		p = memchr(ptr, ' ', n);
		if (p)
			p = memchr(p + 1, ' ', n - (size_t)(p + 1 - ptr));
		j->reason[0] = '\0';
		if (p) {
			p++;
			k = n - (size_t)(p - ptr);
			while (k && (p[k - 1] == '\r' || p[k - 1] == '\n'))
				k--;
			if (k >= sizeof(j->reason))
				k = sizeof(j->reason) - 1;
			memcpy(j->reason, p, k);
			j->reason[k] = '\0';
		}
	}
	return n;
}

static int slot_setup(struct pveapi_client *c, struct slot *sl)
{
	struct pveapi_dl *dl = &c->dl;
	CURL *h = dl->easy_init();

	if (!h)
		return -ENOMEM;
	sl->c = c;
	sl->easy = h;
	dl->easy_setopt(h, CURLOPT_PRIVATE, sl);
	dl->easy_setopt(h, CURLOPT_ERRORBUFFER, sl->errbuf);
	dl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	dl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	dl->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	dl->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	dl->easy_setopt(h, CURLOPT_USERAGENT, "pve-passthrough/" PP_VERSION);
	dl->easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	dl->easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	dl->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	dl->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	/* TLS: always verified. */
	dl->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	if (c->s.fingerprint[0]) {
		/* The pin names the certificate; the host name is not part of that identity. */
		dl->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		if (dl->easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb) != CURLE_OK)
			return -ENOTSUP;
		dl->easy_setopt(h, CURLOPT_SSL_CTX_DATA, sl);
	} else {
		dl->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
		if (c->s.ca_file[0])
			dl->easy_setopt(h, CURLOPT_CAINFO, c->s.ca_file);
	}
	if (c->ticket[0]) {
		char cookie[1100];

		snprintf(cookie, sizeof(cookie), "PVEAuthCookie=%s", c->ticket);
		dl->easy_setopt(h, CURLOPT_COOKIE, cookie);
		wipe(cookie, sizeof(cookie));
	}
	return 0;
}

static void slots_free(struct pveapi_client *c)
{
	for (unsigned i = 0; i < c->nslots; i++)
		if (c->slots[i].easy) {
			if (c->multi && c->slots[i].job)
				c->dl.multi_remove_handle(c->multi, c->slots[i].easy);
			c->dl.easy_cleanup(c->slots[i].easy);
		}
	free(c->slots);
	c->slots = NULL;
	c->nslots = 0;
}

static void wipe_slist(struct pveapi_client *c, struct curl_slist **l)
{
	for (struct curl_slist *p = *l; p; p = p->next)
		wipe(p->data, strlen(p->data));
	c->dl.slist_free_all(*l);
	*l = NULL;
}

static int headers_build(struct pveapi_client *c)
{
	char h[1100];
	struct curl_slist *r, *w;

	r = c->dl.slist_append(NULL, "Accept: application/json");
	w = c->dl.slist_append(NULL, "Accept: application/json");
	if (r && w && c->token[0]) {
		snprintf(h, sizeof(h), "Authorization: PVEAPIToken=%s", c->token);
		r = c->dl.slist_append(r, h);
		w = r ? c->dl.slist_append(w, h) : w;
	}
	if (r && w && c->csrf[0]) {
		snprintf(h, sizeof(h), "CSRFPreventionToken: %s", c->csrf);
		w = c->dl.slist_append(w, h);
	}
	wipe(h, sizeof(h));
	if (!r || !w)
		return -ENOMEM;
	wipe_slist(c, &c->hdr_read);
	wipe_slist(c, &c->hdr_write);
	c->hdr_read = r;
	c->hdr_write = w;
	return 0;
}

/* (Re)creates the multi handle and the slots (after a login changed the cookie). */
static int transport_setup(struct pveapi_client *c, struct util_err *e)
{
	slots_free(c);
	if (c->multi)
		c->dl.multi_cleanup(c->multi);
	c->multi = c->dl.multi_init();
	if (!c->multi)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	c->dl.multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->max_in_flight);
	c->dl.multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->max_in_flight);
	c->slots = calloc(c->max_in_flight, sizeof(*c->slots));
	if (!c->slots)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	c->nslots = c->max_in_flight;
	for (unsigned i = 0; i < c->nslots; i++) {
		int r = slot_setup(c, &c->slots[i]);

		if (r == -ENOTSUP)
			return util_err_set(
			        e, r,
			        _("this libcurl cannot call back into its TLS library; "
			          "fingerprint pinning needs libcurl4 (OpenSSL flavour)"));
		if (r)
			return util_err_set(e, r, _("out of memory"));
	}
	return headers_build(c) ? util_err_set(e, -ENOMEM, _("out of memory")) : 0;
}

/* ------------------------------------------------------------------ errors */

static bool is_unreachable(int rc)
{
	return rc == -ETIMEDOUT || rc == -EHOSTUNREACH || rc == -ECONNREFUSED;
}

static int http_errno(long status, const char *msg)
{
	if (strstr(msg, "detected modified configuration"))
		return -ESTALE;
	switch (status) {
	case 400: return -EINVAL;
	case 401: return -EACCES;
	case 403: return -EPERM;
	case 404: return -ENOENT;
	case 501: return -ENOTSUP;
	case 595:
	case 596: return -EHOSTUNREACH;
	default: return status >= 500 ? -EIO : -EPROTO;
	}
}

static void strip_nl(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* Sets j->rc/err from a finished transfer with HTTP status != 2xx. */
static void job_http_error(struct pveapi_client *c, struct pveapi_job *j)
{
	json_t *root = j->resp.len ? json_loadb(j->resp.s, j->resp.len, 0, NULL) : NULL;
	const char *m = NULL, *k;
	json_t *errs = NULL, *v;
	char msg[640] = "", reason[256];
	struct util_buf b = {0};

	snprintf(reason, sizeof(reason), "%s", j->reason);
	strip_nl(reason);
	if (json_is_object(root)) {
		m = json_string_value(json_object_get(root, "message"));
		errs = json_object_get(root, "errors");
	}
	if (m) {
		snprintf(msg, sizeof(msg), "%s", m);
		strip_nl(msg);
	}
	util_buf_addf(&b, "%s: %s %s: HTTP %ld%s%s", c->hostport, j->method, j->path, j->status,
	              reason[0] ? " " : "", reason);
	if (msg[0] && strcmp(msg, reason) != 0)
		util_buf_addf(&b, ": %s", msg);
	if (json_is_object(errs) && json_object_size(errs)) {
		const char *sep = " (";

		json_object_foreach(errs, k, v)
		{
			char pm[400];

			snprintf(pm, sizeof(pm), "%s",
			         json_is_string(v) ? json_string_value(v) : "?");
			strip_nl(pm);
			util_buf_addf(&b, "%s%s: %s", sep, k, pm);
			sep = "; ";
		}
		util_buf_adds(&b, ")");
	}
	if (j->status == 401)
		util_buf_adds(&b, c->token[0] ? _("; check the API token (token-file)")
		                              : _("; check user and password-file"));
	j->rc = http_errno(j->status, msg[0] ? msg : reason);
	if (j->rc == -ESTALE)
		util_buf_adds(&b, _("; the config changed meanwhile, plan again"));
	util_err_set(&j->err, j->rc, "%s", util_buf_str(&b));
	util_buf_free(&b);
	json_decref(root);
}

static void job_finish(struct slot *sl, CURLcode res)
{
	struct pveapi_client *c = sl->c;
	struct pveapi_job *j = sl->job;
	json_t *root;

	c->dl.easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &j->status);
	if (res != CURLE_OK) {
		const char *why = sl->errbuf[0] ? sl->errbuf : c->dl.easy_strerror(res);

		switch (res) {
		case CURLE_OPERATION_TIMEDOUT:
			j->rc = util_err_set(&j->err, -ETIMEDOUT,
			                     _("%s: %s %s: no answer within %u s (timeout)"),
			                     c->hostport, j->method, j->path, c->s.timeout_s);
			break;
		case CURLE_COULDNT_CONNECT:
			j->rc = util_err_set(&j->err, -ECONNREFUSED, _("%s: cannot connect: %s"),
			                     c->hostport, why);
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
			j->rc = util_err_set(&j->err, -EHOSTUNREACH, _("%s: unknown host: %s"),
			                     c->hostport, why);
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_ISSUER_ERROR:
			if (j->seen_fp[0])
				j->rc = util_err_set(
				        &j->err, -EKEYREJECTED,
				        _("%s: TLS: the server's certificate has SHA-256 "
				          "fingerprint %s, expected %s (fingerprint in %s); "
				          "not connecting"),
				        c->hostport, j->seen_fp, c->s.fingerprint,
				        c->s.where[0] ? c->s.where : "--api-fingerprint");
			else if (c->s.fingerprint[0])
				j->rc = util_err_set(
				        &j->err, -EKEYREJECTED,
				        _("%s: TLS handshake failed (pinned fingerprint %s): %s"),
				        c->hostport, c->s.fingerprint, why);
			else if (c->s.ca_file[0])
				j->rc = util_err_set(
				        &j->err, -EKEYREJECTED,
				        _("%s: TLS: the server's certificate is not trusted (ca-file %s): "
				          "%s; set ca-file (the cluster's pve-root-ca.pem) or fingerprint"),
				        c->hostport, c->s.ca_file, why);
			else
				j->rc = util_err_set(
				        &j->err, -EKEYREJECTED,
				        _("%s: TLS: the server's certificate is not trusted (system CAs): "
				          "%s; set ca-file (the cluster's pve-root-ca.pem) or fingerprint"),
				        c->hostport, why);
			break;
		default:
			j->rc = util_err_set(&j->err, -EIO, "%s: %s %s: %s", c->hostport, j->method,
			                     j->path, why);
		}
		return;
	}
	if (j->status < 200 || j->status > 299) {
		job_http_error(c, j);
		return;
	}
	root = json_loadb(j->resp.s ? j->resp.s : "", j->resp.len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		j->rc = util_err_set(&j->err, -EBADMSG,
		                     _("%s: %s %s: the answer is not a PVE API JSON object"),
		                     c->hostport, j->method, j->path);
		return;
	}
	j->data = json_incref(json_object_get(root, "data"));
	if (!j->data)
		j->data = json_null();
	json_decref(root);
	j->rc = 0;
}

/* ------------------------------------------------------------------ engine */

void pveapi_run_push(struct pveapi_run *run, struct pveapi_job *j)
{
	j->next = NULL;
	if (run->tail)
		run->tail->next = j;
	else
		run->head = j;
	run->tail = j;
}

static struct node_state *node_get(struct pveapi_run *run, const char *name)
{
	struct node_state *n;

	for (size_t i = 0; i < run->nnodes; i++)
		if (strcmp(run->nodes[i].name, name) == 0)
			return &run->nodes[i];
	n = realloc(run->nodes, (run->nnodes + 1) * sizeof(*n));
	if (!n)
		return NULL;
	run->nodes = n;
	n = &run->nodes[run->nnodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

void pveapi_run_node_down(struct pveapi_run *run, const char *node, int rc, const char *why)
{
	struct node_state *n = node_get(run, node);

	if (n && !n->down_rc) {
		n->down_rc = rc;
		snprintf(n->down_why, sizeof(n->down_why), "%s", why);
	}
}

static void complete(struct pveapi_run *run, struct pveapi_job *j, const struct pveapi_run_ops *ops)
{
	if (j->rc && is_unreachable(j->rc) && j->node[0]) {
		pveapi_run_node_down(run, j->node, j->rc, j->err.msg);
	} else if (j->rc == -EKEYREJECTED || j->rc == -EACCES) {
		/* every other request would fail the same way */
		if (!run->fatal) {
			run->fatal = j->rc;
			run->fatal_err = j->err;
		}
	}
	ops->done(run, j, ops->arg);
}

/* The queued job to start next, unlinked; NULL when none may start now.  Jobs that cannot run
 * (node down, fatal error, deadline) are completed on the way. */
static struct pveapi_job *pick(struct pveapi_run *run, const struct pveapi_run_ops *ops,
                               long long deadline, unsigned per_node)
{
	struct pveapi_job *prev = NULL, *j = run->head;

	while (j) {
		struct node_state *n = j->node[0] ? node_get(run, j->node) : NULL;
		int fail = 0;
		const char *why = NULL;

		if (run->fatal) {
			fail = run->fatal;
			why = run->fatal_err.msg;
		} else if (n && n->down_rc) {
			fail = n->down_rc;
			why = n->down_why;
		} else if (deadline && now_ms() >= deadline) {
			fail = -ETIMEDOUT;
		}
		if (fail || !n || n->in_flight < per_node) {
			struct pveapi_job *next = j->next;

			if (prev)
				prev->next = next;
			else
				run->head = next;
			if (run->tail == j)
				run->tail = prev;
			j->next = NULL;
			if (!fail)
				return j;
			if (why)
				util_err_set(&j->err, fail, "%s", why);
			else
				util_err_set(
				        &j->err, fail,
				        _("%s %s: not sent, the deadline for the whole fetch passed"),
				        j->method, j->path);
			j->rc = fail;
			ops->done(run, j, ops->arg);
			/* done may have pushed jobs; restart the scan */
			prev = NULL;
			j = run->head;
			continue;
		}
		prev = j;
		j = j->next;
	}
	return NULL;
}

static int start(struct pveapi_run *run, struct slot *sl, struct pveapi_job *j, long long deadline)
{
	struct pveapi_client *c = run->c;
	struct pveapi_dl *dl = &c->dl;
	char url[2048];
	long tmo = (long)c->s.timeout_s * 1000;
	CURLMcode mc;

	if (deadline) {
		long long left = deadline - now_ms();

		if (left < tmo)
			tmo = left > 1 ? (long)left : 1;
	}
	snprintf(url, sizeof(url), "%s%s", c->s.url, j->path);
	sl->job = j;
	sl->errbuf[0] = '\0';
	j->seen_fp[0] = '\0';
	j->reason[0] = '\0';
	util_buf_reset(&j->resp);
	dl->easy_setopt(sl->easy, CURLOPT_URL, url);
	dl->easy_setopt(sl->easy, CURLOPT_WRITEDATA, j);
	dl->easy_setopt(sl->easy, CURLOPT_HEADERDATA, j);
	dl->easy_setopt(sl->easy, CURLOPT_TIMEOUT_MS, tmo);
	dl->easy_setopt(sl->easy, CURLOPT_CONNECTTIMEOUT_MS, tmo);
	if (strcmp(j->method, "GET") == 0) {
		dl->easy_setopt(sl->easy, CURLOPT_HTTPGET, 1L);
		dl->easy_setopt(sl->easy, CURLOPT_CUSTOMREQUEST, NULL);
		dl->easy_setopt(sl->easy, CURLOPT_HTTPHEADER, c->hdr_read);
	} else {
		dl->easy_setopt(sl->easy, CURLOPT_POSTFIELDS, j->body ? j->body : "");
		dl->easy_setopt(sl->easy, CURLOPT_CUSTOMREQUEST,
		                strcmp(j->method, "POST") == 0 ? NULL : j->method);
		dl->easy_setopt(sl->easy, CURLOPT_HTTPHEADER, c->hdr_write);
	}
	mc = dl->multi_add_handle(c->multi, sl->easy);
	if (mc != CURLM_OK) {
		sl->job = NULL;
		return util_err_set(&j->err, -EIO, _("curl: %s"), dl->multi_strerror(mc));
	}
	run->requests++;
	run->in_flight++;
	if (j->node[0]) {
		struct node_state *n = node_get(run, j->node);

		if (n)
			n->in_flight++;
	}
	return 0;
}

static unsigned per_node_share(struct pveapi_run *run, unsigned max)
{
	size_t busy = 0;

	for (size_t i = 0; i < run->nnodes; i++)
		if (!run->nodes[i].down_rc)
			busy++;
	/* with several nodes, none may take more than half the slots (an unresponsive node then
	 * cannot stall the others until its timeout) */
	return busy > 1 && max > 1 ? (max + 1) / 2 : max;
}

int pveapi_run_jobs(struct pveapi_client *c, struct pveapi_job *first,
                    const struct pveapi_run_ops *ops, unsigned deadline_ms, unsigned *requests,
                    struct util_err *e)
{
	struct pveapi_run run = {.c = c};
	long long deadline = deadline_ms ? now_ms() + deadline_ms : 0;
	struct pveapi_dl *dl = &c->dl;
	int r = 0;

	for (struct pveapi_job *j = first, *next; j; j = next) {
		next = j->next;
		pveapi_run_push(&run, j);
	}
	while (run.head || run.in_flight) {
		int running, left, numfds;
		CURLMsg *m;

		while (run.in_flight < c->nslots) {
			struct pveapi_job *j =
			        pick(&run, ops, deadline, per_node_share(&run, c->nslots));
			struct slot *sl = NULL;

			if (!j)
				break;
			for (unsigned i = 0; i < c->nslots && !sl; i++)
				if (!c->slots[i].job)
					sl = &c->slots[i];
			if (!sl || start(&run, sl, j, deadline) < 0) {
				if (!sl)
					util_err_set(&j->err, -EIO,
					             _("internal: no free transfer slot"));
				j->rc = j->err.code;
				complete(&run, j, ops);
			}
		}
		if (!run.in_flight)
			continue;
		dl->multi_perform(c->multi, &running);
		while ((m = dl->multi_info_read(c->multi, &left))) {
			struct slot *sl = NULL;
			struct pveapi_job *j;

			if (m->msg != CURLMSG_DONE)
				continue;
			dl->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
			job_finish(sl, m->data.result);
			dl->multi_remove_handle(c->multi, sl->easy);
			j = sl->job;
			sl->job = NULL;
			run.in_flight--;
			if (j->node[0]) {
				struct node_state *n = node_get(&run, j->node);

				if (n && n->in_flight)
					n->in_flight--;
			}
			complete(&run, j, ops);
		}
		if (run.in_flight)
			dl->multi_poll(c->multi, NULL, 0, 200, &numfds);
	}
	if (run.fatal)
		r = util_err_set(e, run.fatal, "%s", run.fatal_err.msg);
	if (requests)
		*requests = run.requests;
	free(run.nodes);
	return r;
}

/* ------------------------------------------------------------------ client */

int pveapi_client_new(const struct settings_api *s, struct pveapi_client **out, struct util_err *e)
{
	struct pveapi_client *c;
	const char *h;
	int r;

	*out = NULL;
	if ((r = settings_api_check(s, e)))
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	c->s = *s;
	c->max_in_flight = MAX_IN_FLIGHT_DEFAULT;
	/* no core dump and no ptrace by others while a secret is in memory (restored when freed) */
	c->dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	h = strstr(c->s.url, "://");
	snprintf(c->hostport, sizeof(c->hostport), "%.*s", (int)strcspn(h + 3, "/"), h + 3);
	if (s->token_file[0])
		r = pveapi_token_file_read(s->token_file, c->token, sizeof(c->token), e);
	else
		r = secret_file_read(s->password_file, _("password file"), c->password,
		                     sizeof(c->password), e);
	if (!r && s->password_file[0] && !c->password[0])
		r = util_err_set(e, -EINVAL, _("password file %s is empty"), s->password_file);
	if (!r && s->ca_file[0] && access(s->ca_file, R_OK) != 0)
		r = util_err_errno(e, -errno, _("ca-file %s"), s->ca_file);
	if (!r)
		r = pveapi_dl_open(&c->dl, e);
	if (!r)
		r = transport_setup(c, e);
	if (r) {
		pveapi_client_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void pveapi_client_free(struct pveapi_client *c)
{
	if (!c)
		return;
	if (c->dl.handle) {
		slots_free(c);
		if (c->multi)
			c->dl.multi_cleanup(c->multi);
		wipe_slist(c, &c->hdr_read);
		wipe_slist(c, &c->hdr_write);
		pveapi_dl_close(&c->dl);
	}
	{
		int dumpable = c->dumpable;

		wipe(c, sizeof(*c));
		if (dumpable > 0)
			prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	}
	free(c);
}

void pveapi_client_set_limits(struct pveapi_client *c, unsigned max_in_flight, unsigned deadline_ms)
{
	if (max_in_flight < 1)
		max_in_flight = MAX_IN_FLIGHT_DEFAULT;
	if (max_in_flight > MAX_IN_FLIGHT_LIMIT)
		max_in_flight = MAX_IN_FLIGHT_LIMIT;
	c->deadline_ms = deadline_ms;
	if (max_in_flight != c->max_in_flight) {
		c->max_in_flight = max_in_flight;
		transport_setup(c, NULL);
	}
}

unsigned pveapi_client_deadline(const struct pveapi_client *c)
{
	return c->deadline_ms;
}

bool pveapi_client_uses_token(const struct pveapi_client *c)
{
	return c->token[0] != '\0';
}

const char *pveapi_client_url(const struct pveapi_client *c)
{
	return c->s.url;
}

struct one {
	struct pveapi_job *job;
};

static void one_done(struct pveapi_run *run, struct pveapi_job *j, void *arg)
{
	(void)run;
	((struct one *)arg)->job = j;
}

/* Runs one job; returns it finished (caller frees). */
static int run_one(struct pveapi_client *c, struct pveapi_job *j, struct util_err *e)
{
	struct one o = {0};
	struct pveapi_run_ops ops = {one_done, &o};
	int r;

	r = pveapi_run_jobs(c, j, &ops, 0, NULL, e);
	if (!r && j->rc)
		r = util_err_set(e, j->rc, "%s", j->err.msg);
	return r;
}

static int form_add(struct pveapi_client *c, struct util_buf *b, const char *k, const char *v)
{
	char *ek = c->dl.easy_escape(c->slots[0].easy, k, 0);
	char *ev = c->dl.easy_escape(c->slots[0].easy, v, 0);
	int r = -ENOMEM;

	if (ek && ev)
		r = util_buf_addf(b, "%s%s=%s", b->len ? "&" : "", ek, ev);
	if (ev) {
		wipe(ev, strlen(ev));
		c->dl.free(ev);
	}
	c->dl.free(ek);
	return r;
}

int pveapi_client_login(struct pveapi_client *c, struct util_err *e)
{
	struct pveapi_job *j;
	struct util_buf body = {0};
	const char *t, *csrf;
	int r;

	if (c->token[0] || c->logged_in)
		return 0;
	j = pveapi_job_new("POST", NULL, 0, 0, "/access/ticket");
	if (!j || form_add(c, &body, "username", c->s.user) ||
	    form_add(c, &body, "password", c->password)) {
		pveapi_job_free(j);
		if (body.s)
			wipe(body.s, body.len);
		util_buf_free(&body);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	j->body = util_buf_steal(&body);
	r = run_one(c, j, e);
	if (r) {
		if (r == -EACCES)
			util_err_set(e, r,
			             _("%s: login as %s failed (HTTP 401): check user and "
			               "password-file %s"),
			             c->hostport, c->s.user, c->s.password_file);
		pveapi_job_free(j);
		return r;
	}
	t = json_string_value(json_object_get(j->data, "ticket"));
	csrf = json_string_value(json_object_get(j->data, "CSRFPreventionToken"));
	if (!t || !csrf || strlen(t) >= sizeof(c->ticket) || strlen(csrf) >= sizeof(c->csrf)) {
		pveapi_job_free(j);
		return util_err_set(e, -EBADMSG,
		                    _("%s: POST /access/ticket: no ticket in the answer"),
		                    c->hostport);
	}
	memcpy(c->ticket, t, strlen(t) + 1);
	memcpy(c->csrf, csrf, strlen(csrf) + 1);
	pveapi_job_free(j);
	c->logged_in = true;
	return transport_setup(c, e);
}

int pveapi_request(struct pveapi_client *c, const char *method, const char *path,
                   const struct pveapi_param *params, size_t nparams, json_t **data,
                   struct util_err *e)
{
	struct pveapi_job *j;
	struct util_buf body = {0};
	int r;

	*data = NULL;
	if ((r = pveapi_client_login(c, e)))
		return r;
	j = pveapi_job_new(strcmp(method, "GET") == 0    ? "GET"
	                   : strcmp(method, "PUT") == 0  ? "PUT"
	                   : strcmp(method, "POST") == 0 ? "POST"
	                                                 : "DELETE",
	                   NULL, 0, 0, "%s", path);
	if (!j)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < nparams; i++)
		if (form_add(c, &body, params[i].name, params[i].value)) {
			util_buf_free(&body);
			pveapi_job_free(j);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		}
	j->body = body.s ? util_buf_steal(&body) : NULL;
	r = run_one(c, j, e);
	if (!r) {
		*data = j->data;
		j->data = NULL;
	}
	pveapi_job_free(j);
	return r;
}

int pveapi_get(struct pveapi_client *c, const char *path, json_t **data, struct util_err *e)
{
	return pveapi_request(c, "GET", path, NULL, 0, data, e);
}

int pveapi_vm_config_put(struct pveapi_client *c, const char *node, unsigned vmid,
                         const struct pveapi_param *params, size_t nparams, const char *delete_keys,
                         const char *digest, struct util_err *e)
{
	struct pveapi_param *all = calloc(nparams + 2, sizeof(*all));
	char path[256];
	size_t n = 0;
	json_t *data = NULL;
	int r;

	if (!all)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < nparams; i++)
		all[n++] = params[i];
	if (delete_keys && delete_keys[0])
		all[n++] = (struct pveapi_param){"delete", delete_keys};
	if (digest && digest[0])
		all[n++] = (struct pveapi_param){"digest", digest};
	snprintf(path, sizeof(path), "/nodes/%s/qemu/%u/config", node, vmid);
	r = pveapi_request(c, "PUT", path, all, n, &data, e);
	json_decref(data);
	free(all);
	return r;
}
