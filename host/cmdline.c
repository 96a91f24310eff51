/* host/cmdline.c - kernel command-line tokens: split/join, validation, merge and undo (setup), and
 * the token facts doctor gathers for policy/host_rules.c (which token is where, which is a typo).
 * Pure string work: no I/O, no knowledge of which file the line comes from, no findings. */
#include "host/cmdline.h"
#include "util/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int host_tokens_split(const char *line, struct host_tokens *t)
{
	t->v = NULL;
	t->n = 0;
	while (*line) {
		const char *s;
		bool quoted = false;
		char **nv, *tok;

		while (*line && isspace((unsigned char)*line))
			line++;
		if (!*line)
			break;
		s = line;
		while (*line && (quoted || !isspace((unsigned char)*line))) {
			if (*line == '"')
				quoted = !quoted;
			line++;
		}
		nv = realloc(t->v, (t->n + 1) * sizeof(*nv));
		if (!nv)
			goto nomem;
		t->v = nv;
		tok = strndup(s, (size_t)(line - s));
		if (!tok)
			goto nomem;
		t->v[t->n++] = tok;
	}
	return 0;
nomem:
	host_tokens_free(t);
	return -ENOMEM;
}

char *host_tokens_join(const struct host_tokens *t)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < t->n; i++)
		len += strlen(t->v[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	*p = '\0';
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			*p++ = ' ';
		p = stpcpy(p, t->v[i]);
	}
	return s;
}

void host_tokens_free(struct host_tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

void host_token_key(const char *tok, char *key, size_t n)
{
	size_t i = 0;

	for (; tok[i] && tok[i] != '=' && i + 1 < n; i++)
		key[i] = tok[i] == '-' ? '_' : tok[i];
	key[i] = '\0';
}

static const char *token_value(const char *tok)
{
	const char *eq = strchr(tok, '=');

	return eq ? eq + 1 : "";
}

long host_tokens_find(const struct host_tokens *t, const char *key)
{
	char want[64], k[64];

	host_token_key(key, want, sizeof(want));
	for (size_t i = t->n; i-- > 0;) {
		host_token_key(t->v[i], k, sizeof(k));
		if (strcmp(k, want) == 0)
			return (long)i;
	}
	return -1;
}

/* ------------------------------------------------------------------ validation */

struct known_module {
	const char *name;
	const char *const *params; /* NULL: any parameter */
};

static const char *const i915_params[] = {"enable_guc",
                                          "max_vfs",
                                          "enable_gvt",
                                          "force_probe",
                                          "modeset",
                                          "enable_fbc",
                                          "enable_psr",
                                          "enable_dc",
                                          "guc_log_level",
                                          "enable_hangcheck",
                                          "fastboot",
                                          "reset",
                                          "enable_dpcd_backlight",
                                          "invert_brightness",
                                          "disable_power_well",
                                          "enable_ips",
                                          "enable_dp_mst",
                                          "edp_vswing",
                                          "guc_firmware_path",
                                          "huc_firmware_path",
                                          "dmc_firmware_path",
                                          "gsc_firmware_path",
                                          "mitigations",
                                          "enable_sagv",
                                          "lmem_size",
                                          "lmem_bar_size",
                                          "panel_use_ssc",
                                          "vbt_sdvo_panel_type",
                                          "vbt_firmware",
                                          "enable_psr2_sel_fetch",
                                          "psr_safest_params",
                                          "nuclear_pageflip",
                                          "enable_debug_only_api",
                                          "error_capture",
                                          "verbose_state_checks",
                                          "load_detect_test",
                                          "force_reset_modeset_test",
                                          "disable_display",
                                          "memtest",
                                          "request_timeout_ms",
                                          "enable_hangcheck",
                                          "enable_guc_log",
                                          NULL};
static const char *const xe_params[] = {"max_vfs",
                                        "force_probe",
                                        "guc_log_level",
                                        "guc_firmware_path",
                                        "huc_firmware_path",
                                        "dmc_firmware_path",
                                        "gsc_firmware_path",
                                        "force_execlist",
                                        "probe_display",
                                        "vram_bar_size",
                                        "wedged_mode",
                                        "enable_display",
                                        "svm_notifier_size",
                                        "enable_psmi",
                                        "max_vfs",
                                        "admin_only_pf",
                                        NULL};
static const char *const vfio_pci_params[] = {
        "ids",          "nointxmask",       "disable_vga", "disable_idle_d3",
        "enable_sriov", "disable_denylist", NULL};

static const struct known_module known[] = {
        {"i915", i915_params},
        {"xe", xe_params},
        {"vfio_pci", vfio_pci_params},
        {"vfio", NULL},
        {"vfio_iommu_type1", NULL},
        {"kvm", NULL},
        {"kvm_intel", NULL},
        {"kvmgt", NULL},
        {"nouveau", NULL},
        {"amdgpu", NULL},
        {"nvme_core", NULL},
        {"intel_idle", NULL},
        {"zswap", NULL},
        {"pcie_aspm", NULL},
        {"usbcore", NULL},
        {"snd_hda_intel", NULL},
};

/* Levenshtein distance, capped for short names. */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[40][40];

	if (la >= 40 || lb >= 40)
		return 99;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* The first known module one edit away from mod ("915" -> "i915"), or NULL. */
static const char *near_module(const char *mod)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (distance(mod, known[i].name) == 1)
			return known[i].name;
	return NULL;
}

bool host_token_valid(const char *tok, char *why, size_t n)
{
	char key[64], mod[64];
	const char *dot, *param, *near;

	host_token_key(tok, key, sizeof(key));
	if (!key[0]) {
		snprintf(why, n, _("'%s': empty parameter name"), tok);
		return false;
	}
	dot = strchr(key, '.');
	if (!dot) {
		if (strcmp(key, "intel_iommu") == 0) {
			const char *v = token_value(tok);

			if (strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "igfx_off") &&
			    strcmp(v, "sm_on") && strcmp(v, "sm_off") &&
			    strcmp(v, "tboot_noforce") && strcmp(v, "forcedac") &&
			    strcmp(v, "strict")) {
				snprintf(why, n,
				         _("'%s': intel_iommu takes on, off, igfx_off, sm_on..."),
				         tok);
				return false;
			}
		}
		if (strcmp(key, "module_blacklist") == 0 && !*token_value(tok)) {
			snprintf(why, n, _("'%s': module_blacklist needs a comma list of modules"),
			         tok);
			return false;
		}
		return true;
	}
	snprintf(mod, sizeof(mod), "%.*s", (int)(dot - key), key);
	param = dot + 1;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(mod, known[i].name) != 0)
			continue;
		if (!known[i].params)
			return true;
		for (size_t j = 0; known[i].params[j]; j++)
			if (strcmp(param, known[i].params[j]) == 0)
				return true;
		for (size_t j = 0; known[i].params[j]; j++)
			if (distance(param, known[i].params[j]) <= 2) {
				snprintf(
				        why, n,
				        _("'%s': %s has no parameter '%s' (did you mean %s.%s?); the "
				          "kernel ignores it silently"),
				        tok, mod, param, mod, known[i].params[j]);
				return false;
			}
		snprintf(why, n,
		         _("'%s': %s has no parameter '%s'; the kernel ignores it silently"), tok,
		         mod, param);
		return false;
	}
	near = near_module(mod);
	if (!isalpha((unsigned char)mod[0]) && mod[0] != '_') {
		if (near)
			snprintf(why, n,
			         _("'%s': '%s' cannot be a module name; the kernel ignores it "
			           "silently (did you mean %s.%s?)"),
			         tok, mod, near, param);
		else
			snprintf(
			        why, n,
			        _("'%s': '%s' cannot be a module name; the kernel ignores it silently"),
			        tok, mod);
		return false;
	}
	if (near && strlen(mod) >= 3) {
		snprintf(why, n,
		         _("'%s': no module '%s' (did you mean %s.%s?); the kernel ignores it "
		           "silently"),
		         tok, mod, near, param);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ merge */

static int push_edit(struct host_edit **edits, size_t *n, enum host_edit_kind kind, const char *key,
                     const char *old, const char *value, bool applied)
{
	struct host_edit *ne = realloc(*edits, (*n + 1) * sizeof(**edits));

	if (!ne)
		return -ENOMEM;
	*edits = ne;
	memset(&ne[*n], 0, sizeof(ne[*n]));
	ne[*n].kind = kind;
	snprintf(ne[*n].key, sizeof(ne[*n].key), "%s", key);
	snprintf(ne[*n].old_value, sizeof(ne[*n].old_value), "%s", old ? old : "");
	snprintf(ne[*n].value, sizeof(ne[*n].value), "%s", value ? value : "");
	ne[*n].applied = applied;
	(*n)++;
	return 0;
}

static int set_token(struct host_tokens *t, size_t i, const char *key, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", key, value) < 0)
		return -ENOMEM;
	free(t->v[i]);
	t->v[i] = s;
	return 0;
}

static int append_token(struct host_tokens *t, const char *tok)
{
	char **nv = realloc(t->v, (t->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	t->v = nv;
	t->v[t->n] = strdup(tok);
	if (!t->v[t->n])
		return -ENOMEM;
	t->n++;
	return 0;
}

static void remove_token(struct host_tokens *t, size_t i)
{
	free(t->v[i]);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}

static bool list_has(const char *list, const char *item)
{
	size_t l = strlen(item);

	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t pl = c ? (size_t)(c - p) : strlen(p);

		if (pl == l && strncmp(p, item, l) == 0)
			return true;
		p += pl + (c ? 1 : 0);
	}
	return false;
}

/* list without item (malloc'd) */
static char *list_without(const char *list, const char *item)
{
	char *out = calloc(1, strlen(list) + 1), *o = out;
	size_t l = strlen(item);

	if (!out)
		return NULL;
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t pl = c ? (size_t)(c - p) : strlen(p);

		if (!(pl == l && strncmp(p, item, l) == 0) && pl) {
			if (o != out)
				*o++ = ',';
			memcpy(o, p, pl);
			o += pl;
		}
		p += pl + (c ? 1 : 0);
	}
	*o = '\0';
	return out;
}

static bool is_list_key(const char *key)
{
	return strcmp(key, "module_blacklist") == 0 || strcmp(key, "initcall_blacklist") == 0;
}

int host_cmdline_merge(struct host_tokens *t, const struct host_cmdline_want *w, bool consent,
                       struct host_edit **edits, size_t *n_edits)
{
	char key[64];
	int r = 0;

	*edits = NULL;
	*n_edits = 0;
	for (size_t i = 0; w->forbid && w->forbid[i] && r == 0; i++) {
		long at;

		while (r == 0 && (at = host_tokens_find(t, w->forbid[i])) >= 0) {
			host_token_key(t->v[at], key, sizeof(key));
			r = push_edit(edits, n_edits, HOST_EDIT_REMOVE, key, t->v[at], NULL,
			              consent);
			if (!consent)
				break;
			remove_token(t, (size_t)at);
		}
	}
	for (size_t i = 0; w->forbid_items && w->forbid_items[i] && r == 0; i++) {
		const char *item = token_value(w->forbid_items[i]);
		long at;

		host_token_key(w->forbid_items[i], key, sizeof(key));
		at = host_tokens_find(t, key);
		if (at < 0 || !list_has(token_value(t->v[at]), item))
			continue;
		r = push_edit(edits, n_edits, HOST_EDIT_LIST_DEL, key, NULL, item, consent);
		if (r == 0 && consent) {
			char *nl = list_without(token_value(t->v[at]), item);

			if (!nl)
				return -ENOMEM;
			if (*nl)
				r = set_token(t, (size_t)at, key, nl);
			else
				remove_token(t, (size_t)at);
			free(nl);
		}
	}
	for (size_t i = 0; w->tokens && w->tokens[i] && r == 0; i++) {
		const char *tok = w->tokens[i], *val = token_value(tok);
		long at;

		host_token_key(tok, key, sizeof(key));
		at = host_tokens_find(t, key);
		if (at < 0) {
			r = append_token(t, tok);
			if (r == 0)
				r = push_edit(edits, n_edits, HOST_EDIT_ADD, key, NULL, val, true);
		} else if (is_list_key(key)) {
			const char *have = token_value(t->v[at]);
			char *nl;

			if (list_has(have, val))
				continue;
			if (asprintf(&nl, "%s%s%s", have, *have ? "," : "", val) < 0)
				return -ENOMEM;
			/* the token as it was (undo gives it back when the list empties again) */
			r = push_edit(edits, n_edits, HOST_EDIT_LIST_ADD, key, t->v[at], val, true);
			if (r == 0)
				r = set_token(t, (size_t)at, key, nl);
			free(nl);
		} else if (strcmp(token_value(t->v[at]), val) != 0 ||
		           (strchr(t->v[at], '=') != NULL) != (strchr(tok, '=') != NULL)) {
			r = push_edit(edits, n_edits, HOST_EDIT_REPLACE, key, t->v[at], val,
			              consent);
			if (r == 0 && consent) {
				free(t->v[at]);
				t->v[at] = strdup(tok);
				if (!t->v[at])
					return -ENOMEM;
			}
		}
	}
	return r;
}

int host_cmdline_unmerge(struct host_tokens *t, const struct host_edit *edits, size_t n)
{
	int r = 0;

	for (size_t i = n; i-- > 0 && r == 0;) {
		const struct host_edit *ed = &edits[i];
		long at = host_tokens_find(t, ed->key);
		char *cur = at >= 0 ? t->v[at] : NULL;

		if (!ed->applied)
			continue;
		switch (ed->kind) {
		case HOST_EDIT_ADD:
			if (cur && strcmp(token_value(cur), ed->value) == 0)
				remove_token(t, (size_t)at);
			break;
		case HOST_EDIT_LIST_ADD:
			if (cur && list_has(token_value(cur), ed->value)) {
				const char *was = token_value(ed->old_value);
				char *nl = NULL, *merged = NULL;

				/* the token was there before the item was added (else the edit
				 * is an ADD): still as the merge left it, it goes back to what it
				 * was byte for byte (fuzz_cmdline: "module_blacklist=",
				 * "module_blacklist" and "module_blacklist=4," came back changed);
				 * edited since, only the item goes */
				if (ed->old_value[0] && asprintf(&merged, "%s%s%s", was,
				                                 *was ? "," : "", ed->value) < 0)
					return -ENOMEM;
				if (merged && strcmp(merged, token_value(cur)) == 0) {
					nl = strdup(ed->old_value);
					if (nl) {
						free(t->v[at]);
						t->v[at] = nl;
						nl = NULL;
					} else {
						r = -ENOMEM;
					}
				} else if (!(nl = list_without(token_value(cur), ed->value))) {
					r = -ENOMEM;
				} else {
					r = set_token(t, (size_t)at, ed->key, nl);
				}
				free(merged);
				free(nl);
				if (r < 0)
					return r;
			}
			break;
		case HOST_EDIT_REPLACE:
			if (cur && strcmp(token_value(cur), ed->value) == 0) {
				free(t->v[at]);
				t->v[at] = strdup(ed->old_value);
				if (!t->v[at])
					return -ENOMEM;
			}
			break;
		case HOST_EDIT_REMOVE:
			if (!cur)
				r = append_token(t, ed->old_value);
			break;
		case HOST_EDIT_LIST_DEL:
			if (cur && !list_has(token_value(cur), ed->value)) {
				char *nl;

				if (asprintf(&nl, "%s,%s", token_value(cur), ed->value) < 0)
					return -ENOMEM;
				r = set_token(t, (size_t)at, ed->key, nl);
				free(nl);
			} else if (!cur) {
				char *tok;

				if (asprintf(&tok, "%s=%s", ed->key, ed->value) < 0)
					return -ENOMEM;
				r = append_token(t, tok);
				free(tok);
			}
			break;
		}
	}
	return r;
}
