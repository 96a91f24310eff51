/* libFuzzer target: the PVE API's JSON answers as pveapi/snapshot.c turns them into structs (the
 * VM list, nodes, PCI mappings, HA resources, per-node PCI hardware with virtfns and mdev types,
 * VM configs, snippet listings).  The transport is replaced: this file is the request engine,
 * answering each request from the input, a JSON object whose keys are request paths ("/nodes",
 * "/nodes/pve1/qemu/100/config") or the part after "/nodes/<node>/" ("hardware/pci", as in
 * the pve-api files of ../shared/corpus) and whose values are the "data" member of the answer; a path
 * the input does not hold fails as PVE's 404 would.  Properties: no crash or leak; the snapshot
 * is consistent (every VM on a node the snapshot lists). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveapi/engine.h"
#include "pveapi/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pveapi_run {
	struct pveapi_job *head, *tail;
	unsigned requests;
};

static json_t *answers;

void pveapi_run_push(struct pveapi_run *run, struct pveapi_job *j)
{
	j->next = NULL;
	if (run->tail)
		run->tail->next = j;
	else
		run->head = j;
	run->tail = j;
}

void pveapi_run_node_down(struct pveapi_run *run, const char *node, int rc, const char *why)
{
	(void)run;
	(void)node;
	(void)rc;
	(void)why;
}

unsigned pveapi_run_requests(const struct pveapi_run *run)
{
	return run->requests;
}

static json_t *answer(const char *path)
{
	json_t *v = json_object_get(answers, path);
	const char *q;

	if (!v && strncmp(path, "/nodes/", 7) == 0 && (q = strchr(path + 7, '/')))
		v = json_object_get(answers, q + 1);
	return v;
}

int pveapi_run_jobs(struct pveapi_client *c, struct pveapi_job *first,
                    const struct pveapi_run_ops *ops, unsigned deadline_ms, unsigned *requests,
                    struct util_err *e)
{
	struct pveapi_run run = {0};

	(void)c;
	(void)deadline_ms;
	(void)e;
	while (first) {
		struct pveapi_job *next = first->next;

		pveapi_run_push(&run, first);
		first = next;
	}
	/* bounded: a hostile answer must not make the snapshot ask for ever */
	while (run.head && run.requests < 4096) {
		struct pveapi_job *j = run.head;
		json_t *v;

		run.head = j->next;
		if (!run.head)
			run.tail = NULL;
		run.requests++;
		v = answer(j->path);
		if (v) {
			j->status = 200;
			j->data = json_incref(v);
		} else {
			j->status = 404;
			j->rc = -ENOENT;
			util_err_set(&j->err, -ENOENT, "GET %s: 404 Not Found", j->path);
		}
		ops->done(&run, j, ops->arg);
	}
	while (run.head) {
		struct pveapi_job *j = run.head;

		run.head = j->next;
		pveapi_job_free(j);
	}
	*requests = run.requests;
	return 0;
}

int pveapi_client_login(struct pveapi_client *c, struct util_err *e)
{
	(void)c;
	(void)e;
	return 0;
}

const char *pveapi_client_url(const struct pveapi_client *c)
{
	(void)c;
	return "https://fuzz.invalid:8006/api2/json";
}

unsigned pveapi_client_deadline(const struct pveapi_client *c)
{
	(void)c;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pveapi_current cur[] = {PVEAPI_CURRENT_RUNNING, PVEAPI_CURRENT_ALL};
	struct pveapi_snapshot s;
	struct util_err e = {0};

	answers = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(answers)) {
		json_decref(answers);
		return 0;
	}
	for (size_t k = 0; k < 2; k++) {
		struct pveapi_snapshot_opts o = {.current = cur[k], .no_snippets = k == 1};

		if (pveapi_snapshot_fetch((struct pveapi_client *)&o, &o, &s, &e) == 0) {
			for (size_t i = 0; i < s.nvms; i++)
				if (s.vms[i].node && !pveapi_snapshot_node(&s, s.vms[i].node))
					abort();
			for (size_t i = 0; i < s.nvms; i++)
				pveapi_snapshot_vm(&s, s.vms[i].vmid);
		}
		pveapi_snapshot_free(&s);
	}
	json_decref(answers);
	answers = NULL;
	return 0;
}
