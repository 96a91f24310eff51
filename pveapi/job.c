/* pveapi/job.c - one request of the engine (struct pveapi_job): made and freed here, apart from
 * the libcurl engine in client.c, so the snapshot fuzz target's stand-in engine uses the same
 * job life cycle (a request body may hold a secret: it is wiped before it is freed). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveapi/engine.h"

struct pveapi_job *pveapi_job_new(const char *method, const char *node, int kind, size_t index,
                                  const char *fmt, ...)
{
	struct pveapi_job *j = calloc(1, sizeof(*j));
	va_list ap;
	int r;

	if (!j)
		return NULL;
	j->method = method;
	snprintf(j->node, sizeof(j->node), "%s", node ? node : "");
	j->kind = kind;
	j->index = index;
	va_start(ap, fmt);
	r = vasprintf(&j->path, fmt, ap);
	va_end(ap);
	if (r < 0) {
		free(j);
		return NULL;
	}
	return j;
}

void pveapi_job_free(struct pveapi_job *j)
{
	if (!j)
		return;
	free(j->path);
	if (j->body) {
		explicit_bzero(j->body, strlen(j->body));
		free(j->body);
	}
	json_decref(j->data);
	util_buf_free(&j->resp);
	free(j);
}
