/* cli/table.c - text for people that fits the terminal (cli/table.h): the terminal's width, the
 * word wrapper every long sentence goes through, and the one table helper over libsmartcols.
 * libsmartcols lays out the columns (widths, the tree art, colours, cut columns); a wrapped
 * column is laid out first without its text, and its cells are then word-wrapped here to the
 * room left, because libsmartcols itself wraps in the middle of words. */
#include "cli/table.h"

#include <errno.h>
#include <libsmartcols/libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#define MAX_COLS 12

size_t cli_term_width(FILE *out)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	int fd = fileno(out);

	if (c && *c) {
		char *end;
		long n = strtol(c, &end, 10);

		if (!*end && n > 0 && n < 100000)
			return (size_t)n;
	}
	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* ---------------------------------------------------------------- wrapping */

/* One character at s (len bytes left): its size in bytes and columns.  A byte this locale
 * cannot decode is one column (as cli_text_width counts it). */
static size_t char_at(const char *s, size_t len, wchar_t *wc, int *cols)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = (unsigned char)*s;
		*cols = 1;
		return 1;
	}
	*cols = wcwidth(*wc);
	if (*cols < 0)
		*cols = 1;
	return n;
}

/* No line starts with these (closing punctuation, ASCII and full-width). */
static bool no_break_before(wchar_t c)
{
	static const wchar_t set[] = L",.;:!?)]}>%\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f"
	                             L"\uff09\u300d\u300f\u3011\u300b\uff3d\uff5d";

	return c && wcschr(set, c) != NULL;
}

/* No line ends with these (opening punctuation). */
static bool no_break_after(wchar_t c)
{
	static const wchar_t set[] = L"\uff08\u300c\u300e\u3010\u300a\uff3b\uff5b";

	return c && wcschr(set, c) != NULL;
}

/* The next unit that must not be broken, from s: a run of narrow characters up to a space, a
 * newline or a wide character; or one wide character; with the closing punctuation after it
 * and, after opening punctuation, the unit that follows.  Returns its bytes; *cols its width. */
static size_t unit_at(const char *s, size_t *cols)
{
	size_t len = strlen(s), i = 0, w = 0;
	bool glue = false; /* the last character was opening punctuation */
	int pcw = 0;       /* the last character's width */

	while (i < len && s[i] != ' ' && s[i] != '\n') {
		wchar_t wc;
		int cw;
		size_t n = char_at(s + i, len - i, &wc, &cw);

		/* a break opportunity before a wide character and after one */
		if (i > 0 && !glue && !no_break_before(wc) && (cw == 2 || pcw == 2))
			break;
		glue = no_break_after(wc);
		pcw = cw;
		i += n;
		w += (size_t)cw;
	}
	*cols = w;
	return i;
}

size_t cli_text_wrap(FILE *out, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	size_t spaces = 0;
	bool fresh = true; /* nothing of text on this line yet: no break before the next unit */

	while (*p) {
		size_t n, w;

		if (*p == '\n') { /* the text's own line: no indent added, its own spaces kept */
			fputc('\n', out);
			col = 0;
			spaces = 0;
			fresh = true;
			p++;
			continue;
		}
		if (*p == ' ') {
			spaces++;
			p++;
			continue;
		}
		n = unit_at(p, &w);
		if (width && !fresh && col + spaces + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			spaces = 0;
		}
		fprintf(out, "%*s%.*s", (int)spaces, "", (int)n, p);
		col += spaces + w;
		spaces = 0;
		fresh = false;
		p += n;
	}
	if (spaces)
		fprintf(out, "%*s", (int)spaces, "");
	return col + spaces;
}

void cli_wrapf(FILE *out, size_t indent, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	cli_text_wrap(out, s, 0, indent, cli_term_width(out));
	free(s);
}

/* ---------------------------------------------------------------- tables */

struct cli_row {
	struct libscols_line *ln;
	char *text[MAX_COLS];
	struct cli_row *next;
};

struct cli_table {
	struct libscols_table *tb;
	struct libscols_column *col[MAX_COLS];
	unsigned flags[MAX_COLS];
	size_t ncols;
	struct cli_row *rows, **tail;
	FILE *out;
	size_t width;
};

struct cli_table *cli_table_new(FILE *out, bool color, bool headings)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tb = scols_new_table();
	if (!t->tb) {
		free(t);
		return NULL;
	}
	t->out = out;
	t->tail = &t->rows;
	t->width = cli_term_width(out);
	scols_table_set_stream(t->tb, out);
	scols_table_enable_colors(t->tb, color);
	scols_table_enable_noheadings(t->tb, !headings);
	scols_table_enable_minout(t->tb, 1); /* no trailing blanks after the last non-empty cell */
	scols_table_set_column_separator(t->tb, "  ");
	if (t->width) {
		scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(t->tb, t->width);
	} else {
		scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
	}
	return t;
}

void cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (struct cli_row *r = t->rows, *next; r; r = next) {
		next = r->next;
		for (size_t c = 0; c < MAX_COLS; c++)
			free(r->text[c]);
		free(r);
	}
	scols_unref_table(t->tb);
	free(t);
}

int cli_table_column(struct cli_table *t, const char *heading, unsigned flags)
{
	int f = 0;
	struct libscols_column *cl;

	if (t->ncols == MAX_COLS)
		return -EINVAL;
	if (flags & CLI_COL_TREE)
		f |= SCOLS_FL_TREE;
	if (flags & CLI_COL_TRUNC)
		f |= SCOLS_FL_TRUNC;
	if (flags & CLI_COL_RIGHT)
		f |= SCOLS_FL_RIGHT;
	if (flags & CLI_COL_WRAP)
		f |= SCOLS_FL_WRAP;
	cl = scols_table_new_column(t->tb, heading, 0, f);
	if (!cl)
		return -ENOMEM;
	if (flags & CLI_COL_WRAP) { /* lines broken here, at words: libsmartcols keeps them */
		scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk, NULL);
		scols_column_set_safechars(cl, "\n");
	}
	t->col[t->ncols] = cl;
	t->flags[t->ncols++] = flags;
	return 0;
}

void cli_table_column_min(struct cli_table *t, size_t col, size_t min)
{
	if (col < t->ncols)
		scols_column_set_whint(t->col[col], (double)min);
}

struct cli_row *cli_table_row(struct cli_table *t, struct cli_row *parent)
{
	struct cli_row *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ln = scols_table_new_line(t->tb, parent ? parent->ln : NULL);
	if (!r->ln) {
		free(r);
		return NULL;
	}
	*t->tail = r;
	t->tail = &r->next;
	return r;
}

void cli_table_cell(struct cli_row *r, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (!r || col >= MAX_COLS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(r->text[col]);
	r->text[col] = s;
}

void cli_table_cell_color(struct cli_row *r, size_t col, enum cli_color c)
{
	static const char *const names[] = {NULL, "red", "yellow", "green"};
	struct libscols_cell *ce = r ? scols_line_get_cell(r->ln, col) : NULL;

	if (ce && c != CLI_COLOR_NONE)
		scols_cell_set_color(ce, names[c]);
}

/* Every cell's text into libsmartcols; the wrapped columns' cells empty when !wrapped, else
 * word-wrapped to room columns (0: only at their own '\n'). */
static int cells_set(struct cli_table *t, bool wrapped, size_t room)
{
	for (struct cli_row *r = t->rows; r; r = r->next)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r->text[c] ? r->text[c] : "";
			char *buf = NULL;
			size_t len = 0;
			int rc;

			if ((t->flags[c] & CLI_COL_WRAP) && !wrapped) {
				s = "";
			} else if ((t->flags[c] & CLI_COL_WRAP) && room) {
				FILE *m = open_memstream(&buf, &len);

				if (!m)
					return -ENOMEM;
				cli_text_wrap(m, s, 0, 0, room);
				if (fclose(m))
					return -ENOMEM;
				s = buf;
			}
			rc = scols_line_set_data(r->ln, c, s);
			free(buf);
			if (rc)
				return rc;
		}
	return 0;
}

int cli_table_print(struct cli_table *t)
{
	size_t room = 0, nwrap = 0;

	for (size_t c = 0; c < t->ncols; c++)
		nwrap += (t->flags[c] & CLI_COL_WRAP) != 0;
	if (t->width && nwrap) {
		/* lay out the other columns, then share what is left among the wrapped ones */
		char *dry = NULL;
		size_t used = 0;

		if (cells_set(t, false, 0) || scols_print_table_to_string(t->tb, &dry))
			return -1;
		free(dry);
		for (size_t c = 0; c < t->ncols; c++)
			if (!(t->flags[c] & CLI_COL_WRAP))
				used += scols_column_get_width(t->col[c]);
		used += 2 * (t->ncols - 1);
		room = used + 10 * nwrap < t->width ? (t->width - used) / nwrap : 10;
	}
	if (cells_set(t, true, room))
		return -1;
	if (scols_print_table(t->tb))
		return -1;
	return ferror(t->out) ? -1 : 0;
}
