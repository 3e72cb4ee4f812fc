// SPDX-License-Identifier: MIT
/* SVG drawing helpers; see svg.h. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "svg.h"

void svg_begin(FILE *f, double width, double height)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		   "font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		width, height, width, height);
}

void svg_end(FILE *f)
{
	fprintf(f, "</svg>\n");
}

static void escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			/* control bytes are not XML */
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

void svg_text(FILE *f, double x, double y, const char *anchor, double size,
	      const char *fill, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		   "font-size=\"%.0f\" fill=\"%s\">", x, y, anchor, size, fill);
	escaped(f, buf);
	fputs("</text>\n", f);
}

void svg_rect(FILE *f, double x, double y, double w, double h,
	      const char *fill, const char *stroke)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		   "fill=\"%s\" stroke=\"%s\"/>\n", x, y, w, h, fill,
		stroke ? stroke : "none");
}

void svg_line(FILE *f, double x1, double y1, double x2, double y2,
	      const char *stroke, double width)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		   "stroke=\"%s\" stroke-width=\"%.1f\"/>\n", x1, y1, x2, y2,
		stroke, width);
}

double svg_step(double range, int max)
{
	double step, mag;

	if (!(range > 0) || max < 1)
		return 1;
	step = range / max;
	mag = pow(10, floor(log10(step)));
	if (step <= mag)
		return mag;
	if (step <= 2 * mag)
		return 2 * mag;
	if (step <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* @v in units of @base^i, with up to one decimal */
static void scaled(char *buf, size_t len, double v, double base,
		   const char *units)
{
	size_t u = 0;

	while (fabs(v) >= base && units[u + 1]) {
		v /= base;
		u++;
	}
	if (v == floor(v) || fabs(v) >= 100)
		snprintf(buf, len, "%.0f%.*s", v, units[u] != ' ', &units[u]);
	else
		snprintf(buf, len, "%.1f%.*s", v, units[u] != ' ', &units[u]);
}

void svg_count(char *buf, size_t len, double v)
{
	scaled(buf, len, v, 1000, " kMGT");
}

void svg_kb(char *buf, size_t len, double kb)
{
	scaled(buf, len, kb, 1024, "KMGTP");
}
