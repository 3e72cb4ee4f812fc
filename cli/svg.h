/* SPDX-License-Identifier: MIT */
/* Drawing SVG for reports: text escaped, ticks at round numbers. */
#ifndef PTKIT_CLI_SVG_H
#define PTKIT_CLI_SVG_H

#include <stddef.h>
#include <stdio.h>

void svg_begin(FILE *f, double width, double height);
void svg_end(FILE *f);
/* @anchor: "start", "middle" or "end"; the text is XML-escaped */
void svg_text(FILE *f, double x, double y, const char *anchor, double size,
	      const char *fill, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void svg_rect(FILE *f, double x, double y, double w, double h,
	      const char *fill, const char *stroke);
void svg_line(FILE *f, double x1, double y1, double x2, double y2,
	      const char *stroke, double width);

/** svg_step() - a round tick step (1, 2 or 5 times a power of ten) that
 *  cuts @range into at most @max pieces */
double svg_step(double range, int max);
/** svg_count() - 950, 1.5k, 12M: a count in few characters */
void svg_count(char *buf, size_t len, double v);
/** svg_kb() - 512K, 1.5M, 2G: kilobytes as a size */
void svg_kb(char *buf, size_t len, double kb);

#endif
