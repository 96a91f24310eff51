/* cli/table.h - text for people that fits the terminal: its width, word wrapping (CJK aware) and
 * the one table helper over libsmartcols (util-linux; what lsblk and findmnt use) that status,
 * audit and doctor print their tables and trees with.  Internal to cli/. */
#ifndef PP_CLI_TABLE_H
#define PP_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

/* The columns text on out may take: $COLUMNS when it is set to a number (also into a pipe, as
 * lsblk does), else the terminal's width when out is a terminal, else 0: no limit, so piped
 * output stays the same whatever the terminal. */
size_t cli_term_width(FILE *out);

/* Writes text to out wrapped at width columns (0: not wrapped).  The first line continues at
 * column col (what is already on the line); a line broken here goes on after indent spaces.
 * Lines break at spaces and between two wide (CJK) characters, never before closing punctuation;
 * a word longer than the room is written whole.  A '\n' of text is kept as it is (the next line
 * keeps its own leading spaces, no indent).  Returns the column after the last character. */
size_t cli_text_wrap(FILE *out, const char *text, size_t col, size_t indent, size_t width);
/* printf to out, wrapped at out's width (cli_term_width) with indent for broken lines. */
void cli_wrapf(FILE *out, size_t indent, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* A table (or tree) of rows and columns, laid out by libsmartcols to the terminal's width. */
struct cli_table;
struct cli_row;

enum cli_col_flags {
	CLI_COL_TREE = 1 << 0,  /* the tree's column: the rows' parents drawn as lsblk does */
	CLI_COL_WRAP = 1 << 1,  /* long cells wrap at words onto more lines ('\n' breaks too) */
	CLI_COL_TRUNC = 1 << 2, /* may be cut to fit (only for what another column repeats) */
	CLI_COL_RIGHT = 1 << 3, /* numbers */
};

enum cli_color { CLI_COLOR_NONE, CLI_COLOR_RED, CLI_COLOR_YELLOW, CLI_COLOR_GREEN };

/* Loads libsmartcols (dlopen, once per process; the hookscript path never calls it).  0, or
 * -ENOENT/-ENOTSUP with a message in e (may be NULL) saying which package to install.  Commands
 * call it (cli_text_tables) before they print anything, so a missing library is one clear error. */
int cli_table_load(struct util_err *e);
/* A table for out, colours only when color (the caller's --color/NO_COLOR/terminal decision);
 * headings off when !headings.  NULL when out of memory or libsmartcols
 * cannot be loaded (cli_table_load). */
struct cli_table *cli_table_new(FILE *out, bool color, bool headings);
void cli_table_free(struct cli_table *t);
/* Adds a column with heading (already translated; NULL: none, and a column without heading or
 * text takes no room: an indent) and flags; 0 or -ENOMEM. */
int cli_table_column(struct cli_table *t, const char *heading, unsigned flags);
/* Column col takes at least min columns (tables printed one after the other stay aligned). */
void cli_table_column_min(struct cli_table *t, size_t col, size_t min);
/* A new row, a child of parent (NULL: top level).  NULL when out of memory. */
struct cli_row *cli_table_row(struct cli_table *t, struct cli_row *parent);
/* Sets the text of column col of row r (printf format). */
void cli_table_cell(struct cli_row *r, size_t col, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void cli_table_cell_color(struct cli_row *r, size_t col, enum cli_color c);
/* Prints the table; 0 or -1 on a write error. */
int cli_table_print(struct cli_table *t);

#endif
