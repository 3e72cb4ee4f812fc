// SPDX-License-Identifier: MIT
/* replay --svg: the policies over the trace, drawn; see replay-svg.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "replay-svg.h"
#include "svg.h"

enum { MAX_POINTS = 4000 };

static const struct {
	const char *title;
	bool kb;	/* a size in kB, not a count */
} panels[CHART_N] = {
	[CHART_4K] = { "DirectMap4k", true },
	[CHART_2M] = { "DirectMap2M", true },
	[CHART_1G] = { "DirectMap1G", true },
	[CHART_OUT] = { "pages out of the direct map", false },
	[CHART_SPLITS] = { "large pages split (total)", false },
	[CHART_FLUSHES] = { "TLB flushes (total)", false },
};

static const char *const colours[PTK_POLICY_N] = { "#555555", "#cc3333",
						   "#3366cc" };

bool chart_init(struct chart *c, size_t npolicies)
{
	memset(c, 0, sizeof(*c));
	c->t0 = PTK_TRACE_NO_TIME;
	c->s = calloc(npolicies, sizeof(*c->s));
	if (!c->s)
		return false;
	c->n = npolicies;
	c->tl = calloc(MAX_POINTS, sizeof(*c->tl));
	if (!c->tl)
		return false;
	for (size_t i = 0; i < npolicies; i++) {
		c->s[i].pt = calloc(MAX_POINTS, sizeof(*c->s[i].pt));
		if (!c->s[i].pt)
			return false;
	}
	return true;
}

void chart_release(struct chart *c)
{
	for (size_t i = 0; c->s && i < c->n; i++)
		free(c->s[i].pt);
	free(c->s);
	free(c->tl);
	c->s = NULL;
	c->tl = NULL;
}

static void record_time(struct chart *c, uint64_t event, uint64_t ns,
			bool last)
{
	if (ns == PTK_TRACE_NO_TIME)
		return;
	if (c->ntl == MAX_POINTS) {
		for (size_t k = 0; k < MAX_POINTS / 2; k++)
			c->tl[k] = c->tl[2 * k];
		c->ntl = MAX_POINTS / 2;
		c->tl_stride = c->tl_stride ? 2 * c->tl_stride : 2;
	}
	if (!last && c->tl_stride && c->tl_skip++ % c->tl_stride)
		return;
	c->tl[c->ntl++] = (struct chart_time){ event, ns };
}

static bool same(const struct chart_point *p,
		 const struct ptk_replay_result *res)
{
	return p->v[CHART_4K] == res->dm_kb[1] &&
	       p->v[CHART_2M] == res->dm_kb[2] &&
	       p->v[CHART_1G] == res->dm_kb[3] &&
	       p->v[CHART_OUT] == res->unmapped &&
	       p->v[CHART_SPLITS] == res->cpa.splits[2] + res->cpa.splits[3] &&
	       p->v[CHART_FLUSHES] == res->cpa.flush_calls;
}

static void record_one(struct chart_series *s, const struct ptk_replay_result
		       *res, uint64_t event, uint64_t ns, bool last)
{
	struct chart_point *p;

	if (s->n == MAX_POINTS) {
		/* keep every other point, and take half as many from now */
		for (size_t k = 0; k < MAX_POINTS / 2; k++)
			s->pt[k] = s->pt[2 * k];
		s->n = MAX_POINTS / 2;
		s->stride = s->stride ? 2 * s->stride : 2;
	}
	if (!last && s->n && same(&s->pt[s->n - 1], res))
		return;		/* a point per change */
	if (!last && s->stride && s->skip++ % s->stride)
		return;
	p = &s->pt[s->n++];
	p->event = event;
	p->ns = ns;
	p->v[CHART_4K] = res->dm_kb[1];
	p->v[CHART_2M] = res->dm_kb[2];
	p->v[CHART_1G] = res->dm_kb[3];
	p->v[CHART_OUT] = res->unmapped;
	p->v[CHART_SPLITS] = res->cpa.splits[2] + res->cpa.splits[3];
	p->v[CHART_FLUSHES] = res->cpa.flush_calls;
}

void chart_record(struct chart *c, struct ptk_replay *r, uint64_t event,
		  uint64_t ns, bool last)
{
	if (event && c->t0 == PTK_TRACE_NO_TIME && ns != PTK_TRACE_NO_TIME)
		c->t0 = ns;
	c->events = event > c->events ? event : c->events;
	if (event)
		record_time(c, event, ns, last);
	for (size_t i = 0; i < c->n; i++) {
		struct ptk_replay_result res;

		ptk_replay_result(r, i, &res);
		c->s[i].policy = res.policy;
		record_one(&c->s[i], &res, event, ns, last);
	}
}

static bool changes(const struct chart *c, unsigned k, uint64_t *lo,
		    uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < c->s[i].n; j++) {
			uint64_t v = c->s[i].pt[j].v[k];

			*lo = v < *lo ? v : *lo;
			*hi = v > *hi ? v : *hi;
		}
	return *hi > *lo;
}

/* The time of @event, from the samples around it; false when unknown. */
static bool time_at(const struct chart *c, uint64_t event, double *sec)
{
	const struct chart_time *a = NULL, *b = NULL;

	if (c->t0 == PTK_TRACE_NO_TIME || !c->ntl)
		return false;
	for (size_t j = 0; j < c->ntl; j++) {
		if (c->tl[j].event <= event) {
			a = &c->tl[j];
		} else {
			b = &c->tl[j];
			break;
		}
	}
	if (!a || !b || b->event == a->event) {
		const struct chart_time *p = a ? a : b;

		*sec = (double)(p->ns - c->t0) / 1e9;
		return true;
	}
	*sec = ((double)(a->ns - c->t0) +
		(double)(b->ns - a->ns) * (double)(event - a->event) /
			(double)(b->event - a->event)) / 1e9;
	return true;
}

enum { WIDTH = 900, LEFT = 80, RIGHT = 24, PANEL_H = 130, GAP = 46 };

static double x_of(const struct chart *c, uint64_t event)
{
	double w = WIDTH - LEFT - RIGHT;

	return LEFT + w * (double)event / (double)(c->events ? c->events : 1);
}

static void panel(FILE *f, const struct chart *c, unsigned k, double top,
		  uint64_t lo, uint64_t hi, double xstep)
{
	double w = WIDTH - LEFT - RIGHT, unit = 1, step, first;
	char label[32];

	/* sizes step by round numbers of K, M or G; counts by round ones */
	while (panels[k].kb && (double)(hi - lo) >= 4 * 1024 * unit &&
	       unit < 1024.0 * 1024 * 1024)
		unit *= 1024;
	step = svg_step((double)(hi - lo) / unit, 4) * unit;
	first = ceil((double)lo / step) * step;
	svg_text(f, LEFT, top - 8, "start", 13, "#000000", "%s%s",
		 panels[k].title, panels[k].kb ? " (as /proc/meminfo)" : "");
	svg_rect(f, LEFT, top, w, PANEL_H, "#ffffff", "#999999");
	for (double v = first; v <= (double)hi + step / 1e6; v += step) {
		double y = top + PANEL_H -
			   PANEL_H * (v - (double)lo) / (double)(hi - lo);

		svg_line(f, LEFT, y, LEFT + w, y, "#e4e4e4", 1);
		if (panels[k].kb)
			svg_kb(label, sizeof(label), v);
		else
			svg_count(label, sizeof(label), v);
		svg_text(f, LEFT - 6, y + 4, "end", 11, "#333333", "%s", label);
	}
	for (double e = 0; e <= (double)c->events; e += xstep)
		svg_line(f, x_of(c, (uint64_t)e), top, x_of(c, (uint64_t)e),
			 top + PANEL_H, "#e4e4e4", 1);
	for (size_t i = 0; i < c->n; i++) {
		const struct chart_series *s = &c->s[i];

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"2\" stroke-linejoin=\"round\" "
			   "points=\"", colours[s->policy]);
		for (size_t j = 0; j < s->n; j++) {
			double y = top + PANEL_H - PANEL_H *
				   (double)(s->pt[j].v[k] - lo) /
				   (double)(hi - lo);

			/* a step: the value holds until the next change */
			if (j)
				fprintf(f, "%.1f,%.1f ",
					x_of(c, s->pt[j].event),
					top + PANEL_H - PANEL_H *
					(double)(s->pt[j - 1].v[k] - lo) /
					(double)(hi - lo));
			fprintf(f, "%.1f,%.1f ", x_of(c, s->pt[j].event), y);
		}
		fprintf(f, "\"/>\n");
	}
}

static void x_axis(FILE *f, const struct chart *c, double y, double xstep)
{
	char label[32];
	double sec;
	bool timed = time_at(c, c->events, &sec);

	for (double e = 0; e <= (double)c->events; e += xstep) {
		double x = x_of(c, (uint64_t)e);

		svg_line(f, x, y, x, y + 5, "#333333", 1);
		svg_count(label, sizeof(label), e);
		svg_text(f, x, y + 17, "middle", 11, "#333333", "%s", label);
		if (timed && time_at(c, (uint64_t)e, &sec))
			svg_text(f, x, y + 31, "middle", 11, "#777777", "%.3g s",
				 sec);
	}
	svg_text(f, LEFT - 28, y + 17, "end", 11, "#333333", "events");
	if (timed)
		svg_text(f, LEFT - 28, y + 31, "end", 11, "#777777", "time");
}

bool chart_write(const struct chart *c, const char *path)
{
	unsigned shown[CHART_N], nshown = 0;
	uint64_t lo[CHART_N], hi[CHART_N];
	double xstep = svg_step((double)(c->events ? c->events : 1), 8);
	double height, top;
	struct outfile o;

	for (unsigned k = 0; k < CHART_N; k++)
		if (changes(c, k, &lo[k], &hi[k]))
			shown[nshown++] = k;
	height = 86 + nshown * (PANEL_H + GAP) + 46 + (nshown ? 0 : 30);
	if (!outfile_open(&o, path))
		return false;
	svg_begin(o.f, WIDTH, height);
	svg_text(o.f, WIDTH / 2.0, 22, "middle", 15, "#000000", "%s", c->title);
	/* the legend: a swatch and a name per policy */
	for (size_t i = 0; i < c->n; i++) {
		double x = LEFT + 150.0 * (double)i;

		svg_rect(o.f, x, 36, 22, 4, colours[c->s[i].policy], NULL);
		svg_text(o.f, x + 28, 42, "start", 12, "#000000", "%s",
			 ptk_policy_name(c->s[i].policy));
	}
	top = 86;
	for (unsigned i = 0; i < nshown; i++) {
		panel(o.f, c, shown[i], top, lo[shown[i]], hi[shown[i]], xstep);
		top += PANEL_H + GAP;
	}
	if (!nshown) {
		svg_text(o.f, LEFT, top, "start", 13, "#000000", "nothing "
			 "changed: no policy split or unmapped anything");
		top += 30;
	}
	x_axis(o.f, c, top - GAP + 4, xstep);
	svg_end(o.f);
	return outfile_commit(&o);
}
