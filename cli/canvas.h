/* SPDX-License-Identifier: MIT */
/*
 * A screen of text cells with an attribute each: the TUI draws into one,
 * then shows it through ncurses or, in scripted mode, writes it as text.
 */
#ifndef PTKIT_CLI_CANVAS_H
#define PTKIT_CLI_CANVAS_H

#include <stdbool.h>
#include <stdio.h>

/* What a cell means; the backend picks colours (or bold and reverse). */
enum cell_attr {
	CA_NORMAL, CA_TITLE, CA_HEADING, CA_CURSOR, CA_TABLE, CA_LEAF,
	CA_ABSENT, CA_BAD, CA_STATUS, CA_SPLIT, CA_PARTLY, CA_HOLE, CA_NATTR
};

struct canvas {
	int rows, cols;
	char *text;
	unsigned char *attr;
};

bool canvas_init(struct canvas *c, int rows, int cols);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c);
/* Print at (row, col), clipped to the row; returns the next column. */
int canvas_put(struct canvas *c, int row, int col, enum cell_attr attr,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Give a whole row one attribute (a cursor bar, a status line). */
void canvas_fill_attr(struct canvas *c, int row, enum cell_attr attr);
/* The screen as text, trailing blanks trimmed: what a person sees. */
void canvas_write(const struct canvas *c, FILE *f);

#endif
