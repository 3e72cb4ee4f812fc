// SPDX-License-Identifier: MIT
/* A screen of text cells; see canvas.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"

bool canvas_init(struct canvas *c, int rows, int cols)
{
	if (rows < 1 || cols < 1 || rows > 1000 || cols > 1000)
		return false;
	c->rows = rows;
	c->cols = cols;
	c->text = malloc((size_t)rows * (size_t)cols);
	c->attr = malloc((size_t)rows * (size_t)cols);
	if (!c->text || !c->attr) {
		canvas_free(c);
		return false;
	}
	canvas_clear(c);
	return true;
}

void canvas_free(struct canvas *c)
{
	free(c->text);
	free(c->attr);
	c->text = NULL;
	c->attr = NULL;
}

void canvas_clear(struct canvas *c)
{
	memset(c->text, ' ', (size_t)c->rows * (size_t)c->cols);
	memset(c->attr, CA_NORMAL, (size_t)c->rows * (size_t)c->cols);
}

int canvas_put(struct canvas *c, int row, int col, enum cell_attr attr,
	       const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (row < 0 || row >= c->rows || col >= c->cols)
		return col;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return col;
	for (int i = 0; buf[i] && col < c->cols; i++, col++) {
		size_t at = (size_t)row * (size_t)c->cols + (size_t)col;

		if (col < 0)
			continue;
		/* only printable ASCII reaches the terminal */
		c->text[at] = buf[i] >= ' ' && buf[i] < 127 ? buf[i] : '?';
		c->attr[at] = (unsigned char)attr;
	}
	return col;
}

void canvas_fill_attr(struct canvas *c, int row, enum cell_attr attr)
{
	if (row >= 0 && row < c->rows)
		memset(c->attr + (size_t)row * (size_t)c->cols, attr,
		       (size_t)c->cols);
}

void canvas_write(const struct canvas *c, FILE *f)
{
	for (int r = 0; r < c->rows; r++) {
		const char *line = c->text + (size_t)r * (size_t)c->cols;
		int len = c->cols;

		while (len > 0 && line[len - 1] == ' ')
			len--;
		fprintf(f, "%.*s\n", len, line);
	}
}
