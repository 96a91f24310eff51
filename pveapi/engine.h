/* pveapi/engine.h - (internal) the parallel request engine over curl multi: a queue of jobs, at
 * most max_in_flight transfers, a per-node share so one slow node cannot take every slot, kept-
 * alive connections reused across jobs, a deadline, and fast failure of the queued jobs of a
 * node once it proved unreachable. */
#ifndef PP_PVEAPI_ENGINE_H
#define PP_PVEAPI_ENGINE_H

#include <jansson.h>

#include "pveapi/pveapi.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

/* A JSON string's copy for the answers' plain structs: NULL becomes ""; without memory NULL, and
 * *oom is set (the parsers carry on and fail once at the end). */
static inline char *pveapi_strdup(const char *s, int *oom)
{
	char *p = strdup(s ? s : "");

	if (!p)
		*oom = 1;
	return p;
}

struct pveapi_job {
	struct pveapi_job *next;
	const char *method; /* static string */
	char *path;         /* below the base URL */
	char *body;         /* form body for PUT/POST, or NULL (wiped on free) */
	char node[64];      /* the node the request is about; "" = cluster-wide */
	int kind;           /* for the caller's done callback */
	size_t index, sub;
	/* results */
	int rc;
	long status;
	json_t *data;
	struct util_err err;
	/* transfer state */
	struct util_buf resp;
	char reason[256];
	char seen_fp[100];
};

struct pveapi_run;

/* The done callback owns the job (pveapi_job_free) and may push new jobs. */
struct pveapi_run_ops {
	void (*done)(struct pveapi_run *run, struct pveapi_job *job, void *arg);
	void *arg;
};

/* A new job; path formatted.  NULL when out of memory. */
struct pveapi_job *pveapi_job_new(const char *method, const char *node, int kind, size_t index,
                                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void pveapi_job_free(struct pveapi_job *j);

void pveapi_run_push(struct pveapi_run *run, struct pveapi_job *j);
/* Marks a node unreachable: its queued and future jobs fail at once with rc and this reason. */
void pveapi_run_node_down(struct pveapi_run *run, const char *node, int rc, const char *why);

/* Runs the jobs pushed by first (and by the done callbacks) until none is left.  A TLS or
 * authentication failure stops the run: the other jobs complete with the same error, and it
 * is returned.  Otherwise 0 (per-job errors are in the jobs). */
int pveapi_run_jobs(struct pveapi_client *c, struct pveapi_job *first,
                    const struct pveapi_run_ops *ops, unsigned deadline_ms, unsigned *requests,
                    struct util_err *e);

/* The deadline set with pveapi_client_set_limits (0 = none). */
unsigned pveapi_client_deadline(const struct pveapi_client *c);

#endif
