/* policy/registry.c - the rule registry as a table: every rule of every scope (guard, audit,
 * host), built from policy/rules.def, with the lookups by id and name, severity names and the
 * per-rule severity under the settings.  Data only: the checks are in rules.c (VM rules) and the
 * host's checks produce findings of these ids. */
#include "policy/policy.h"

#include <errno.h>
#include <string.h>

#define G POLICY_SCOPE_GUARD
#define A POLICY_SCOPE_AUDIT
#define H POLICY_SCOPE_HOST

static const struct policy_rule rules[POLICY_RULE_COUNT] = {
#define PP_RULE(id, name, sev, scope, summary, fix)                                                \
	{POLICY_RULE_##id, name, POLICY_SEVERITY_##sev, scope, summary, fix},
#include "policy/rules.def"
#undef PP_RULE
};

static const char *const rule_names[POLICY_RULE_COUNT + 1] = {
#define PP_RULE(id, name, sev, scope, summary, fix) name,
#include "policy/rules.def"
#undef PP_RULE
        NULL,
};

const char *const *policy_rule_names(void)
{
	return rule_names;
}

enum policy_severity policy_rule_severity(const enum policy_severity *severity,
                                          enum policy_rule_id r)
{
	return severity ? severity[r] : rules[r].severity;
}

const struct policy_rule *policy_rule_get(enum policy_rule_id id)
{
	return (unsigned)id < POLICY_RULE_COUNT ? &rules[id] : NULL;
}

const struct policy_rule *policy_rule_find(const char *name)
{
	for (size_t i = 0; i < POLICY_RULE_COUNT; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

const char *policy_severity_name(enum policy_severity s)
{
	switch (s) {
	case POLICY_SEVERITY_INFO: return "info";
	case POLICY_SEVERITY_WARNING: return "warning";
	case POLICY_SEVERITY_ERROR: return "error";
	default: return "off";
	}
}

int policy_severity_parse(const char *s, enum policy_severity *out)
{
	static const char *names[] = {"info", "warning", "error"};

	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum policy_severity)i;
			return 0;
		}
	if (strcmp(s, "off") == 0) {
		*out = POLICY_SEVERITY_OFF;
		return 0;
	}
	return -EINVAL;
}
