/* SPDX-License-Identifier: MIT */
/*
 * replay --svg: what each policy did to the direct map over the trace, as
 * a picture for a cover letter: DirectMap4k/2M/1G, pages out of the
 * direct map, splits and TLB flushes, a panel for each that changes.
 */
#ifndef PTKIT_CLI_REPLAY_SVG_H
#define PTKIT_CLI_REPLAY_SVG_H

#include "cli.h"

enum { CHART_4K, CHART_2M, CHART_1G, CHART_OUT, CHART_SPLITS, CHART_FLUSHES,
       CHART_N };

struct chart_point {
	uint64_t event, ns;
	uint64_t v[CHART_N];
};

/* One policy's points: one per change, thinned to at most 4000. */
struct chart_series {
	enum ptk_policy policy;
	struct chart_point *pt;
	size_t n;
	unsigned stride, skip;
};

/* When each event happened: samples spread evenly over the events. */
struct chart_time {
	uint64_t event, ns;
};

struct chart {
	struct chart_series *s;
	size_t n;
	struct chart_time *tl;
	size_t ntl;
	unsigned tl_stride, tl_skip;
	uint64_t t0;		/* the first event's time, or PTK_TRACE_NO_TIME */
	uint64_t events;
	char title[512];
};

bool chart_init(struct chart *c, size_t npolicies);
void chart_release(struct chart *c);
/* After event @event (0: the start) at time @ns: every policy's state. */
void chart_record(struct chart *c, struct ptk_replay *r, uint64_t event,
		  uint64_t ns, bool last);
/* Written whole or not at all; false with errno set. */
bool chart_write(const struct chart *c, const char *path);

#endif
