/* host/diff.c - unified diffs of small text files (LCS over lines, 3 lines of context), for
 * `host setup --dry-run` and rollback warnings.  Pure string work, no I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/setup.h"

struct lines {
	const char **s;
	size_t *len; /* including the '\n' when present */
	size_t n;
};

static int split(const char *t, size_t tl, struct lines *l)
{
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < tl;) {
		const char *nl = memchr(t + i, '\n', tl - i);
		size_t ll = nl ? (size_t)(nl - (t + i)) + 1 : tl - i;

		if (l->n == cap) {
			const char **ns;
			size_t *nlen;

			cap = cap ? cap * 2 : 16;
			ns = realloc(l->s, cap * sizeof(*ns));
			if (!ns)
				return -ENOMEM;
			l->s = ns;
			nlen = realloc(l->len, cap * sizeof(*nlen));
			if (!nlen)
				return -ENOMEM;
			l->len = nlen;
		}
		l->s[l->n] = t + i;
		l->len[l->n++] = ll;
		i += ll;
	}
	return 0;
}

static bool eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

enum op { OP_KEEP, OP_DEL, OP_ADD };

static int add_line(struct util_buf *out, char mark, const char *s, size_t len)
{
	int r = util_buf_addc(out, mark);

	r = r ? r : util_buf_add(out, s, len);
	if (r == 0 && (len == 0 || s[len - 1] != '\n'))
		r = util_buf_adds(out, "\n\\ No newline at end of file\n");
	return r;
}

int host_diff_unified(const char *name_a, const char *a, size_t la, const char *name_b,
                      const char *b, size_t lb, struct util_buf *out)
{
	struct lines A, B;
	unsigned *t = NULL;
	enum op *ops = NULL;
	size_t *oi = NULL, *oj = NULL, nops = 0, n, m;
	int r;

	if (la == lb && (la == 0 || memcmp(a, b, la) == 0))
		return 0;
	r = split(a ? a : "", la, &A);
	if (r == 0)
		r = split(b ? b : "", lb, &B);
	if (r < 0)
		goto out;
	n = A.n;
	m = B.n;
	t = calloc((n + 1) * (m + 1), sizeof(*t));
	ops = malloc((n + m + 1) * sizeof(*ops));
	oi = malloc((n + m + 1) * sizeof(*oi));
	oj = malloc((n + m + 1) * sizeof(*oj));
	if (!t || !ops || !oi || !oj) {
		r = -ENOMEM;
		goto out;
	}
	/* t[i][j] = LCS length of A[i..] and B[j..] */
	for (size_t i = n + 1; i-- > 0;)
		for (size_t j = m + 1; j-- > 0;) {
			unsigned *c = &t[i * (m + 1) + j];

			if (i == n || j == m)
				*c = 0;
			else if (eq(&A, i, &B, j))
				*c = t[(i + 1) * (m + 1) + j + 1] + 1;
			else
				*c = t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
				             ? t[(i + 1) * (m + 1) + j]
				             : t[i * (m + 1) + j + 1];
		}
	for (size_t i = 0, j = 0; i < n || j < m;) {
		oi[nops] = i;
		oj[nops] = j;
		if (i < n && j < m && eq(&A, i, &B, j)) {
			ops[nops++] = OP_KEEP;
			i++, j++;
		} else if (i < n &&
		           (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1])) {
			ops[nops++] = OP_DEL;
			i++;
		} else {
			ops[nops++] = OP_ADD;
			j++;
		}
	}
	r = util_buf_addf(out, "--- %s\n+++ %s\n", name_a, name_b);
	for (size_t k = 0; k < nops && r == 0;) {
		size_t s, e, last, ca = 0, cb = 0;

		if (ops[k] == OP_KEEP) {
			k++;
			continue;
		}
		s = k >= 3 ? k - 3 : 0;
		while (s < k && ops[s] != OP_KEEP)
			s++;
		/* extend the hunk while the next change is within 6 kept lines */
		last = k;
		for (e = k; e < nops; e++) {
			if (ops[e] != OP_KEEP)
				last = e;
			else if (e - last > 6)
				break;
		}
		e = last + 4 < nops ? last + 4 : nops;
		for (size_t x = s; x < e; x++) {
			ca += ops[x] != OP_ADD;
			cb += ops[x] != OP_DEL;
		}
		r = util_buf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ca ? oi[s] + 1 : oi[s], ca,
		                  cb ? oj[s] + 1 : oj[s], cb);
		for (size_t x = s; x < e && r == 0; x++) {
			if (ops[x] == OP_ADD)
				r = add_line(out, '+', B.s[oj[x]], B.len[oj[x]]);
			else if (ops[x] == OP_DEL)
				r = add_line(out, '-', A.s[oi[x]], A.len[oi[x]]);
			else
				r = add_line(out, ' ', A.s[oi[x]], A.len[oi[x]]);
		}
		k = e;
	}
out:
	free(t);
	free(ops);
	free(oi);
	free(oj);
	free(A.s);
	free(A.len);
	free(B.s);
	free(B.len);
	return r;
}

int host_plan_diff(const struct host_plan *plan, struct util_buf *out)
{
	int r = 0;

	for (size_t i = 0; i < plan->n_changes && r == 0; i++) {
		const struct host_change *c = &plan->changes[i];
		char a[PP_PATH_MAX + 8], b[PP_PATH_MAX + 8];

		snprintf(a, sizeof(a), "%s%s", c->existed ? "a" : "",
		         c->existed ? c->path : "/dev/null");
		snprintf(b, sizeof(b), "%s%s", c->remove ? "" : "b",
		         c->remove ? "/dev/null" : c->path);
		if (c->is_dir) {
			r = util_buf_addf(out, "remove empty directory %s\n", c->path);
			continue;
		}
		if (c->is_link) {
			r = util_buf_addf(out, "%s symlink %s -> %s\n",
			                  c->remove ? "remove" : "create", c->path, c->target);
			continue;
		}
		r = host_diff_unified(a, c->old_data, c->existed ? c->old_len : 0, b, c->new_data,
		                      c->remove ? 0 : c->new_len, out);
	}
	return r;
}
