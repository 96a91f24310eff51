/* cli/suggest.c - "did you mean": the name nearest to a mistyped command, sub-command or option,
 * by edit distance (insertions, deletions, substitutions and swaps of two neighbours each count
 * one: "stauts" is one from "status").  Pure: no I/O. */
#include <string.h>

#include "cli/cli.h"

size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[64][64];

	if (la > 62 || lb > 62)
		return la > lb ? la : lb;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = a[i - 1] == b[j - 1] ? 0 : 1, v = d[i - 1][j - 1] + c;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
	size_t best = (size_t)-1, len = strlen(word), limit = len < 5 ? 1 : len < 9 ? 2 : 3;
	const char *pick = NULL;

	if (len <= 2) /* "-x": any one-letter option is one edit away; no guess is better */
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t dist;

		if (!names[i])
			continue;
		dist = cli_edit_distance(word, names[i]);
		/* a prefix the user stopped typing counts too: "--dry" for "--dry-run" */
		if (len >= 3 && strncmp(names[i], word, len) == 0 && dist > 1)
			dist = 1;
		if (dist < best) {
			best = dist;
			pick = names[i];
		}
	}
	return best <= limit ? pick : NULL;
}
