/* cli/api.c - the --api options of the commands: the api { } / cluster "name" { } settings with
 * the --api-* overrides made into clients.  What the API tells becomes a node model in gather/
 * (gather_api), not here.  Reads no host file but the tool's config; prints nothing. */
#include "cli/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cli_api_option(struct settings_api_overrides *o, int c, const char *arg)
{
	switch (c) {
	case CLI_API_OPT_URL: o->url = arg; return true;
	case CLI_API_OPT_TOKEN_FILE: o->token_file = arg; return true;
	case CLI_API_OPT_FINGERPRINT: o->fingerprint = arg; return true;
	case CLI_API_OPT_CA_FILE: o->ca_file = arg; return true;
	default: return false;
	}
}

void cli_api_clusters_free(struct cli_api_cluster *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pveapi_client_free(v[i].client);
	free(v);
}

static int cluster_add(const struct settings_api *base, const struct settings_api_overrides *o,
                       struct cli_api_cluster *c, struct util_err *e)
{
	int r;

	c->s = *base;
	r = settings_api_override(&c->s, o, e);
	if (r < 0) {
		if (base->where[0] && !strstr(e->msg, base->where)) {
			struct util_err e2 = *e;

			util_err_set(e, r, "%s: %s", base->where, e2.msg);
		}
		return r;
	}
	return pveapi_client_new(&c->s, &c->client, e);
}

int cli_api_clusters(const struct cli_ctx *ctx, const struct settings_api_list *list,
                     const struct settings_api_overrides *o, const char *const *names,
                     size_t n_names, bool all, struct cli_api_cluster **out, size_t *n,
                     struct util_err *e)
{
	const struct settings_api_list l = *list;
	struct settings_api none = {.timeout_s = SETTINGS_API_TIMEOUT_DEFAULT};
	size_t want;
	int r = 0;

	*out = NULL;
	*n = 0;
	want = all ? l.n : n_names ? n_names : 1;
	if (all && !l.n) {
		return util_err_set(e, -EINVAL,
		                    _("%s has no api { } or cluster \"NAME\" { } block to audit"),
		                    ctx->config_path);
	}
	*out = calloc(want, sizeof(**out));
	if (!*out) {
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < want && r == 0; i++) {
		const struct settings_api *s;

		if (all)
			s = &l.v[i];
		else
			s = settings_api_find(&l, n_names ? names[i] : NULL);
		if (!s && n_names) {
			r = util_err_set(e, -EINVAL, _("%s has no cluster \"%s\" { } block"),
			                 ctx->config_path, names[i]);
			break;
		}
		if (!s && !o->url) {
			r = util_err_set(
			        e, -EINVAL,
			        _("no API to talk to: add an api { url = ... } block to %s or "
			          "give --api-url (with --api-token-file)"),
			        ctx->config_path);
			break;
		}
		r = cluster_add(s ? s : &none, o, &(*out)[i], e);
		if (r == 0)
			(*n)++;
	}
	if (r < 0) {
		cli_api_clusters_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}
