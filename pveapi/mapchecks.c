/* pveapi/mapchecks.c - GET /cluster/mapping/pci?check-node=NODE for several nodes at once through
 * the request engine, the answers made plain structs.  See mapchecks.h. */
#include "pveapi/mapchecks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pveapi/engine.h"
#include "util/i18n.h"

struct fetch {
	struct pveapi_node_map_checks *v;
	int oom;
};

static void parse_entry(struct fetch *f, json_t *it, struct pveapi_map_checks *m)
{
	json_t *checks = json_object_get(it, "checks"), *c;
	size_t k;

	m->id = pveapi_strdup(json_string_value(json_object_get(it, "id")), &f->oom);
	if (!json_is_array(checks))
		return;
	m->has_checks = true;
	m->checks = calloc(json_array_size(checks) + 1, sizeof(*m->checks));
	if (!m->checks) {
		f->oom = 1;
		return;
	}
	json_array_foreach(checks, k, c)
	{
		struct pveapi_map_check *x = &m->checks[m->nchecks++];

		x->severity =
		        pveapi_strdup(json_string_value(json_object_get(c, "severity")), &f->oom);
		x->message =
		        pveapi_strdup(json_string_value(json_object_get(c, "message")), &f->oom);
	}
}

static void on_done(struct pveapi_run *run, struct pveapi_job *j, void *arg)
{
	struct fetch *f = arg;
	struct pveapi_node_map_checks *nc = &f->v[j->index];
	size_t k;
	json_t *it;

	(void)run;
	if (j->rc) {
		nc->err = j->rc;
		nc->errmsg = pveapi_strdup(j->err.msg, &f->oom);
	} else if (!json_is_array(j->data)) {
		nc->err = -EBADMSG;
		nc->errmsg =
		        pveapi_strdup("GET /cluster/mapping/pci?check-node: not a list", &f->oom);
	} else {
		nc->mappings = calloc(json_array_size(j->data) + 1, sizeof(*nc->mappings));
		if (!nc->mappings)
			f->oom = 1;
		json_array_foreach(j->data, k, it)
		{
			if (!nc->mappings)
				break;
			parse_entry(f, it, &nc->mappings[nc->nmappings++]);
		}
	}
	pveapi_job_free(j);
}

int pveapi_map_checks_fetch(struct pveapi_client *c, const char *const *nodes, size_t n,
                            struct pveapi_node_map_checks **out, struct util_err *e)
{
	struct fetch f = {0};
	struct pveapi_run_ops ops = {on_done, &f};
	struct pveapi_job *first = NULL, **tail = &first;
	int r;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((r = pveapi_client_login(c, e)))
		return r;
	f.v = calloc(n, sizeof(*f.v));
	if (!f.v)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		/* the node is the job's node: an unreachable one fails alone */
		struct pveapi_job *j = pveapi_job_new(
		        "GET", nodes[i], 0, i, "/cluster/mapping/pci?check-node=%s", nodes[i]);

		f.v[i].node = pveapi_strdup(nodes[i], &f.oom);
		if (!j) {
			f.oom = 1;
			break;
		}
		*tail = j;
		tail = &j->next;
	}
	if (f.oom) {
		while (first) {
			struct pveapi_job *next = first->next;

			pveapi_job_free(first);
			first = next;
		}
		pveapi_map_checks_free(f.v, n);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	r = pveapi_run_jobs(c, first, &ops, pveapi_client_deadline(c), NULL, e);
	if (r == 0 && f.oom)
		r = util_err_set(e, -ENOMEM, _("out of memory"));
	if (r < 0) {
		pveapi_map_checks_free(f.v, n);
		return r;
	}
	*out = f.v;
	return 0;
}

void pveapi_map_checks_free(struct pveapi_node_map_checks *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		for (size_t m = 0; m < v[i].nmappings; m++) {
			for (size_t k = 0; k < v[i].mappings[m].nchecks; k++) {
				free(v[i].mappings[m].checks[k].severity);
				free(v[i].mappings[m].checks[k].message);
			}
			free(v[i].mappings[m].checks);
			free(v[i].mappings[m].id);
		}
		free(v[i].mappings);
		free(v[i].node);
		free(v[i].errmsg);
	}
	free(v);
}

const struct pveapi_map_checks *pveapi_map_checks_find(const struct pveapi_node_map_checks *nc,
                                                       const char *id)
{
	for (size_t m = 0; nc && m < nc->nmappings; m++)
		if (nc->mappings[m].id && strcmp(nc->mappings[m].id, id) == 0)
			return &nc->mappings[m];
	return NULL;
}
