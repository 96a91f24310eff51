/* util/diff.c - the unified diff (as GNU `diff -u` writes it, 3 lines of context) of two small
 * texts: common prefix and suffix, an LCS table over the middle.  Used by assign --dry-run and by
 * host setup/rollback.  Pure: works on memory only; must not read files or print. */
#include "util/diff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct line {
	const char *s;
	size_t len; /* without the '\n' */
	bool nl;    /* ends with '\n' (false only for a last line without one) */
};

static int split_lines(const char *t, size_t n, struct line **out, size_t *count)
{
	size_t cap = 16, k = 0, i = 0;
	struct line *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (t + i)) : n - i;

		if (k == cap) {
			struct line *nv = realloc(v, 2 * cap * sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[k].s = t + i;
		v[k].len = len;
		v[k].nl = nl != NULL;
		k++;
		i += len + (nl ? 1 : 0);
	}
	*out = v;
	*count = k;
	return 0;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && a->nl == b->nl && memcmp(a->s, b->s, a->len) == 0;
}

struct op {
	char kind;     /* ' ', '-', '+' */
	size_t ai, bi; /* line index in a (for ' ' and '-') and b (for ' ' and '+') */
};

/* Edit script a -> b: common prefix and suffix, an LCS over the middle (small for our edits; a
 * middle too large for the table becomes "all removed, all added"). */
static int edit_script(const struct line *a, size_t na, const struct line *b, size_t nb,
                       struct op **out, size_t *nops)
{
	size_t pre = 0, suf = 0, m, n, k = 0;
	unsigned *tab = NULL;
	struct op *ops = malloc((na + nb + 1) * sizeof(*ops));

	if (!ops)
		return -ENOMEM;
	while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	m = na - pre - suf;
	n = nb - pre - suf;
	for (size_t i = 0; i < pre; i++)
		ops[k++] = (struct op){' ', i, i};
	if (m && n && m * n <= 4u * 1024 * 1024)
		tab = calloc((m + 1) * (n + 1), sizeof(*tab));
	if (tab) {
		/* tab[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
		for (size_t i = m; i-- > 0;)
			for (size_t j = n; j-- > 0;)
				tab[i * (n + 1) + j] =
				        line_eq(&a[pre + i], &b[pre + j])
				                ? tab[(i + 1) * (n + 1) + j + 1] + 1
				        : tab[(i + 1) * (n + 1) + j] >= tab[i * (n + 1) + j + 1]
				                ? tab[(i + 1) * (n + 1) + j]
				                : tab[i * (n + 1) + j + 1];
		size_t i = 0, j = 0;
		while (i < m || j < n) {
			if (i < m && j < n && line_eq(&a[pre + i], &b[pre + j])) {
				ops[k++] = (struct op){' ', pre + i, pre + j};
				i++;
				j++;
			} else if (i < m && (j == n || tab[(i + 1) * (n + 1) + j] >=
			                                       tab[i * (n + 1) + j + 1])) {
				ops[k++] = (struct op){'-', pre + i, pre + j};
				i++;
			} else {
				ops[k++] = (struct op){'+', pre + i, pre + j};
				j++;
			}
		}
		free(tab);
	} else {
		for (size_t i = 0; i < m; i++)
			ops[k++] = (struct op){'-', pre + i, pre};
		for (size_t j = 0; j < n; j++)
			ops[k++] = (struct op){'+', pre + m, pre + j};
	}
	for (size_t i = 0; i < suf; i++)
		ops[k++] = (struct op){' ', na - suf + i, nb - suf + i};
	*out = ops;
	*nops = k;
	return 0;
}

static void add_line(struct util_buf *out, char kind, const struct line *l)
{
	util_buf_addc(out, kind);
	util_buf_add(out, l->s, l->len);
	util_buf_addc(out, '\n');
	if (!l->nl)
		util_buf_adds(out, "\\ No newline at end of file\n");
}

static void add_range(struct util_buf *out, size_t start, size_t count, unsigned flags)
{
	/* diff -u: a one-line range is just its line; an empty one names the line before it */
	if (count == 1 && !(flags & UTIL_DIFF_FULL_RANGES))
		util_buf_addf(out, "%zu", start + 1);
	else
		util_buf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

int util_diff_unified(const char *label_a, const char *before, size_t blen, const char *label_b,
                      const char *after, size_t alen, unsigned flags, struct util_buf *out)
{
	enum { CONTEXT = 3 };
	struct line *a = NULL, *b = NULL;
	struct op *ops = NULL;
	size_t na = 0, nb = 0, nops = 0, i = 0;
	bool header = false;
	int r;

	r = split_lines(before ? before : "", blen, &a, &na);
	if (r == 0)
		r = split_lines(after ? after : "", alen, &b, &nb);
	if (r == 0)
		r = edit_script(a, na, b, nb, &ops, &nops);
	if (r < 0)
		goto out;
	while (i < nops) {
		size_t first, last, as, bs, ac = 0, bc = 0;

		while (i < nops && ops[i].kind == ' ')
			i++;
		if (i == nops)
			break;
		first = i > CONTEXT ? i - CONTEXT : 0;
		/* extend over changes closer than 2*CONTEXT unchanged lines */
		last = i;
		for (size_t j = i; j < nops; j++) {
			if (ops[j].kind != ' ') {
				last = j;
				continue;
			}
			if (j - last > 2 * CONTEXT)
				break;
		}
		last = last + CONTEXT < nops ? last + CONTEXT : nops - 1;
		as = ops[first].ai;
		bs = ops[first].bi;
		for (size_t j = first; j <= last; j++) {
			ac += ops[j].kind != '+';
			bc += ops[j].kind != '-';
		}
		if (!header) {
			header = true;
			util_buf_addf(out, "--- %s\n+++ %s\n", label_a, label_b);
		}
		util_buf_adds(out, "@@ -");
		add_range(out, as, ac, flags);
		util_buf_adds(out, " +");
		add_range(out, bs, bc, flags);
		util_buf_adds(out, " @@\n");
		for (size_t j = first; j <= last; j++)
			add_line(out, ops[j].kind,
			         ops[j].kind == '+' ? &b[ops[j].bi] : &a[ops[j].ai]);
		i = last + 1;
	}
out:
	free(a);
	free(b);
	free(ops);
	return r;
}
