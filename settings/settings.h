/* settings/settings.h - the tool's own configuration file, /etc/pve-passthrough.conf (libconfuse).
 *
 *   timeout = 300                # seconds any command but the guard may take (0 = no limit)
 *   guard {
 *     on-internal-error = allow    # allow (default, with a warning) | refuse
 *     timeout = 5                  # seconds the guard may take before it gives up (1..600)
 *     language = "zh_CN"           # its messages' language in the task log ("": environment's)
 *   }
 *   rule pf-with-vfs { severity = warning }   # info | warning | error | off
 *   api { ... }  cluster "name" { ... }        # the REST API blocks (settings/api.h)
 *
 * Reads and validates; knows nothing of the rules themselves beyond the names it is given. */
#ifndef PP_SETTINGS_H
#define PP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "settings/api.h"
#include "util/err.h"

enum settings_on_error {
	SETTINGS_ON_ERROR_ALLOW,
	SETTINGS_ON_ERROR_REFUSE,
};

struct settings_rule {
	char name[64];
	char severity[16]; /* "info", "warning", "error", "off"; "" = unchanged */
	unsigned line;
};

struct settings {
	enum settings_on_error guard_on_error;
	unsigned guard_timeout; /* seconds */
	/* the language of the guard's messages in the task log (PVE runs hookscripts under
	 * LC_ALL=C): a LANGUAGE value such as "zh_CN"; "" = the environment's (English under PVE) */
	char guard_language[64];
	unsigned timeout; /* the per-command deadline, seconds; 0 = none (top-level timeout) */
	struct settings_rule *rules;
	size_t n_rules;
	struct settings_api_list api; /* api { } and cluster blocks, checked */
};

#define SETTINGS_GUARD_TIMEOUT_DEFAULT 5
#define SETTINGS_TIMEOUT_DEFAULT       300   /* every command but the guard */
#define SETTINGS_TIMEOUT_MAX           86400 /* a day */

/* Built-in defaults (what a missing file means). */
void settings_defaults(struct settings *s);

/* Reads path.  A missing file gives the defaults unless must_exist.  known_rules (NULL-terminated,
 * or NULL to accept any name) are the rule ids a "rule NAME" section may name.  A malformed file:
 * -EINVAL with "FILE:LINE: problem" in e.  Other failures: -errno. */
int settings_load(const char *path, bool must_exist, const char *const *known_rules,
                  struct settings *out, struct util_err *e);
void settings_free(struct settings *s);

/* What the guard needs before anything else, read strictly and apart from the rest of the file:
 * on-internal-error, timeout and language of the guard { } block, found even when other parts of the file
 * are broken.  out gets the defaults plus those three.  A timeout out of range keeps the default
 * (settings_load() reports it).  -EINVAL with "FILE:LINE: problem" when the guard block itself
 * cannot be read, or on-internal-error is neither allow nor refuse: then whether the guard may
 * allow is unknown.  A missing file gives the defaults unless must_exist.  Other failures:
 * -errno. */
int settings_guard_load(const char *path, bool must_exist, struct settings *out,
                        struct util_err *e);

/* The per-command deadline alone (the top-level timeout): *secs gets it, or the default when the
 * file is absent or broken (the command's own settings_load() then reports the problem). */
void settings_timeout_load(const char *path, unsigned *secs);

#endif
