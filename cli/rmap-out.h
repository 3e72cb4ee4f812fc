/* SPDX-License-Identifier: MIT */
/* The reverse map of some frames, collected and printed: what rmap and
 * unmapped --owners share. */
#ifndef PTKIT_RMAP_OUT_H
#define PTKIT_RMAP_OUT_H

#include "cli.h"

/**
 * struct rmap_out - every mapping found (the library's records, sorted by
 * frame, space and address) and the spaces they are in
 * @why_no_tasks: NULL, or why no process could be searched
 */
struct rmap_out {
	struct ptk_rmap_recs r;
	struct ptk_rmap_spaces sp;
	const char *why_no_tasks;
};

/** rmap_collect() - the mappings of the frames in @pfns (sorted, disjoint) */
int rmap_collect(struct rmap_out *out, struct session *s,
		 const struct ptk_range *pfns, size_t n);

/** rmap_print() - text or JSON Lines; EXIT_FINDING when a frame is missing */
int rmap_print(const struct rmap_out *out, struct session *s, bool json);

/** rmap_space_name() - "kernel" or "PID COMM" of a record, into @buf */
const char *rmap_space_name(const struct rmap_out *out,
			    const struct ptk_rmap_rec *r, char *buf, size_t len);

void rmap_out_release(struct rmap_out *out);

#endif
