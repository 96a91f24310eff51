/* host/cmdline.h - kernel command-line tokens: split, validate, merge (never replace), undo.
 *
 * Pure string work, no I/O.  Rules (docs/igpu.md): a later duplicate wins; module_blacklist= is one
 * comma list that is merged; parameter names treat '-' and '_' alike; dotted typos are silently
 * ignored by the kernel, so tokens are validated here. */
#ifndef PP_HOST_CMDLINE_H
#define PP_HOST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

struct host_tokens {
	char **v;
	size_t n;
};

/* Splits a command line on blanks (double quotes group, as the kernel does).  0 or -ENOMEM. */
int host_tokens_split(const char *line, struct host_tokens *t);
/* Joins with single spaces (malloc'd), NULL on ENOMEM. */
char *host_tokens_join(const struct host_tokens *t);
void host_tokens_free(struct host_tokens *t);
/* Index of the last token with that key ("i915.enable_guc"; '-' == '_'), or -1. */
long host_tokens_find(const struct host_tokens *t, const char *key);

/* Checks one token: a known module's parameter ("i915.enable_guc=3"), or a plain kernel token.
 * false with the reason in why for typos the kernel would ignore ("915.enable_guc": no module
 * "915" - did you mean i915?; "i915.enable_gcu": i915 has no parameter enable_gcu). */
bool host_token_valid(const char *tok, char *why, size_t n);

enum host_edit_kind {
	HOST_EDIT_ADD,      /* token appended */
	HOST_EDIT_LIST_ADD, /* item added to a comma list (module_blacklist=nouveau -> nouveau,xe) */
	HOST_EDIT_REPLACE,  /* key had another value (conflict) */
	HOST_EDIT_REMOVE,   /* a forbidden token removed (conflict) */
	HOST_EDIT_LIST_DEL, /* a forbidden item removed from a comma list (conflict) */
};

struct host_edit {
	enum host_edit_kind kind;
	char key[64];
	char old_value[256]; /* REPLACE/REMOVE: the token's old value ("" for a flag) */
	char value[256];     /* ADD/REPLACE: the new value; LIST_*: the item */
	bool applied;        /* false: a conflict left alone for want of consent */
};

/* What a setup wants: tokens to have, keys to be absent, comma-list items to be absent. */
struct host_cmdline_want {
	const char *const *tokens;       /* "intel_iommu=on", "module_blacklist=xe" */
	const char *const *forbid;       /* "i915.enable_gvt" */
	const char *const *forbid_items; /* "module_blacklist=i915" */
};

/* Merges want into t in place.  Conflicts (REPLACE/REMOVE/LIST_DEL) are changed only when
 * consent is true; either way they are listed in *edits (malloc'd).  0 or -ENOMEM. */
int host_cmdline_merge(struct host_tokens *t, const struct host_cmdline_want *w, bool consent,
                       struct host_edit **edits, size_t *n_edits);

/* Undoes applied edits (in reverse) on t as far as the tokens are still as the edit left them; a
 * token the user has changed since is left alone.  0 or -ENOMEM. */
int host_cmdline_unmerge(struct host_tokens *t, const struct host_edit *edits, size_t n);

/* "module_blacklist=nouveau,xe" style key of a token (up to '='), normalised '-' -> '_'. */
void host_token_key(const char *tok, char *key, size_t n);

#endif
