/* SPDX-License-Identifier: MIT */
/* replay --expect: the model's final state against a later dump's. */
#ifndef PTKIT_CLI_EXPECT_H
#define PTKIT_CLI_EXPECT_H

#include "seed.h"

/* Why a page's state in the model differs from the dump's. */
enum expect_cause {
	CAUSE_BULK,		/* taken from a pcp list with no event */
	CAUSE_TAIL,		/* a tail of a non-compound block: refcount 0 */
	CAUSE_PCP,		/* on a per-CPU list in one, not the other */
	CAUSE_NO_EVENT,		/* allocated or freed with no event */
	CAUSE_LOST,		/* no event, and the kernel lost events */
	CAUSE_UNSEEN,		/* the model never knew the page */
	CAUSE_OTHER,
	CAUSE_N,
};

/* What the trace said of each frame, a bit per frame in each map. */
struct trace_marks {
	uint64_t *touched;	/* named by an event */
	uint64_t *tail;		/* allocated as a non-head page of a block */
	uint64_t pages;
	uint64_t lost;		/* events the kernel lost */
};

enum { ZONES = PTK_SEED_ZONES };	/* populated zones compared, at most */

struct expect_report {
	const char *path;
	uint64_t *differ;		/* NULL, or a bit set per frame that
					 * differs (the caller's, of the
					 * model's pages) */
	struct seed seed;		/* the dump's state as read */
	uint64_t pages;			/* frames compared */
	uint64_t states[4][4];		/* [model][dump], ptk_alloc_state */
	uint64_t agree, free_model_only, free_dump_only;
	uint64_t causes[CAUSE_N];
	/* the dump's zones, or x86-64's fixed ones if it does not say */
	struct ptk_zone_span zones[ZONES];
	unsigned nzones;
	bool zones_fixed;
	/* free blocks per zone, order and migratetype: model, dump */
	uint64_t blocks[2][ZONES][PTK_MAX_ORDER + 1][PTK_MIGRATE_TYPES + 1];
	uint64_t lists_agree, lists_differ;	/* (zone, order, type) cells */
	uint64_t pb_agree, pb_differ, pb_unknown;
};

/**
 * expect_compare() - read the dump at @path (opened with @opts) into a
 * model of its own and compare it with @model page by page, giving each
 * difference a cause from what @marks say of the trace.  Returns an exit
 * status.
 */
int expect_compare(const char *cmd, const struct source_opts *opts,
		   const char *path, const struct ptk_alloc *model,
		   const struct trace_marks *marks, struct expect_report *rep);

/** trace_marks_event() - note what @rec says of its frames */
void trace_marks_event(struct trace_marks *tm, const struct ptk_trace_rec *rec);

void expect_print_text(const struct expect_report *rep);
void expect_print_json(const struct expect_report *rep);

#endif
