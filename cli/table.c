/* cli/table.c - text for people that fits the terminal (cli/table.h): the terminal's width, the
 * word wrapper every long sentence goes through, and the one table helper over libsmartcols.
 * libsmartcols lays out the columns (widths, the tree art, colours, cut columns); a wrapped
 * column is laid out first without its text, and its cells are then word-wrapped here to the
 * room left, because libsmartcols itself wraps in the middle of words.
 * libsmartcols is not linked: the binary is also the pre-start hookscript, and loading one more
 * library costs every start (issue 14: +15% CPU per guard call).  It is dlopen()ed when the first
 * table is made (cli_table_load) and called through the table of functions below; its header
 * only gives the types. */
#include "cli/table.h"

#include <dlfcn.h>
#include <errno.h>
#include <libsmartcols/libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "util/i18n.h"

#define MAX_COLS 12

/* ---------------------------------------------------------------- libsmartcols, loaded */

#define SCOLS_SONAME "libsmartcols.so.1"

/* Every scols_ function used here (scols_<name>), with the type its header declares. */
#define SCOLS_FUNCTIONS(X)                                                                         \
	X(new_table)                                                                               \
	X(unref_table)                                                                             \
	X(table_set_stream)                                                                        \
	X(table_enable_colors)                                                                     \
	X(table_enable_noheadings)                                                                 \
	X(table_enable_minout)                                                                     \
	X(table_set_column_separator)                                                              \
	X(table_set_termforce)                                                                     \
	X(table_set_termwidth)                                                                     \
	X(table_new_column)                                                                        \
	X(table_new_line)                                                                          \
	X(column_set_wrapfunc)                                                                     \
	X(column_set_safechars)                                                                    \
	X(column_set_whint)                                                                        \
	X(column_get_width)                                                                        \
	X(wrapnl_chunksize)                                                                        \
	X(wrapnl_nextchunk)                                                                        \
	X(line_get_cell)                                                                           \
	X(line_set_data)                                                                           \
	X(cell_set_color)                                                                          \
	X(print_table)                                                                             \
	X(print_table_to_string)

#define SCOLS_FIELD(name) __typeof__(scols_##name) *name;
static struct {
	SCOLS_FUNCTIONS(SCOLS_FIELD)
} sc;
#undef SCOLS_FIELD

/* 0 not tried, 1 loaded, -1 failed (load_err says why) */
static int sc_state;
static struct util_err load_err;

/* Resolves scols_<name> of h into *slot; else records why in load_err. */
static void sym(void *h, const char *name, void *slot)
{
	void *p;

	dlerror();
	p = dlsym(h, name);
	if (p) {
		memcpy(slot, &p, sizeof(p));
		return;
	}
	sc_state = -1;
	util_err_set(&load_err, -ENOTSUP,
	             _("%s has no %s; text tables need it: apt install --reinstall libsmartcols1 "
	               "(or use --format json)"),
	             SCOLS_SONAME, name);
}

int cli_table_load(struct util_err *e)
{
	void *h;

	if (sc_state == 0) {
		/* RTLD_NODELETE: its functions stay callable for the rest of the process */
		h = dlopen(SCOLS_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		sc_state = h ? 1 : -1;
		if (!h)
			util_err_set(&load_err, -ENOENT,
			             _("cannot load %s (%s); text tables need it: apt install "
			               "libsmartcols1 (or use --format json)"),
			             SCOLS_SONAME, dlerror());
#define SCOLS_LOAD(name)                                                                           \
	if (sc_state == 1)                                                                         \
		sym(h, "scols_" #name, &sc.name);
		SCOLS_FUNCTIONS(SCOLS_LOAD)
#undef SCOLS_LOAD
		if (sc_state < 0 && h)
			dlclose(h);
	}
	if (sc_state > 0)
		return 0;
	if (e)
		*e = load_err;
	return load_err.code;
}

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

	if (!t || cli_table_load(NULL) < 0) {
		free(t);
		return NULL;
	}
	t->tb = sc.new_table();
	if (!t->tb) {
		free(t);
		return NULL;
	}
	t->out = out;
	t->tail = &t->rows;
	t->width = cli_term_width(out);
	sc.table_set_stream(t->tb, out);
	sc.table_enable_colors(t->tb, color);
	sc.table_enable_noheadings(t->tb, !headings);
	sc.table_enable_minout(t->tb, 1); /* no trailing blanks after the last non-empty cell */
	sc.table_set_column_separator(t->tb, "  ");
	if (t->width) {
		sc.table_set_termforce(t->tb, SCOLS_TERMFORCE_ALWAYS);
		sc.table_set_termwidth(t->tb, t->width);
	} else {
		sc.table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
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
	sc.unref_table(t->tb);
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
	cl = sc.table_new_column(t->tb, heading, 0, f);
	if (!cl)
		return -ENOMEM;
	if (flags & CLI_COL_WRAP) { /* lines broken here, at words: libsmartcols keeps them */
		sc.column_set_wrapfunc(cl, sc.wrapnl_chunksize, sc.wrapnl_nextchunk, NULL);
		sc.column_set_safechars(cl, "\n");
	}
	t->col[t->ncols] = cl;
	t->flags[t->ncols++] = flags;
	return 0;
}

void cli_table_column_min(struct cli_table *t, size_t col, size_t min)
{
	if (col < t->ncols)
		sc.column_set_whint(t->col[col], (double)min);
}

struct cli_row *cli_table_row(struct cli_table *t, struct cli_row *parent)
{
	struct cli_row *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ln = sc.table_new_line(t->tb, parent ? parent->ln : NULL);
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
	struct libscols_cell *ce = r ? sc.line_get_cell(r->ln, col) : NULL;

	if (ce && c != CLI_COLOR_NONE)
		sc.cell_set_color(ce, names[c]);
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
			rc = sc.line_set_data(r->ln, c, s);
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

		if (cells_set(t, false, 0) || sc.print_table_to_string(t->tb, &dry))
			return -1;
		free(dry);
		for (size_t c = 0; c < t->ncols; c++)
			if (!(t->flags[c] & CLI_COL_WRAP))
				used += sc.column_get_width(t->col[c]);
		used += 2 * (t->ncols - 1);
		room = used + 10 * nwrap < t->width ? (t->width - used) / nwrap : 10;
	}
	if (cells_set(t, true, room))
		return -1;
	if (sc.print_table(t->tb))
		return -1;
	return ferror(t->out) ? -1 : 0;
}
