/* SPDX-License-Identifier: MIT */
/* The reverse map of some frames, collected and printed: what rmap and
 * unmapped --owners share. */
#ifndef PTKIT_RMAP_OUT_H
#define PTKIT_RMAP_OUT_H

#include "cli.h"

/**
 * struct rmap_rec - one mapping of one frame, or (@missing) a frame of RAM
 * that the direct map does not map, at @va where it would be, with @level
 * where the walk to it stops
 */
struct rmap_rec {
	uint64_t pfn, va;
	uint32_t space;		/* index into rmap_out.sp; 0: the kernel */
	uint16_t eff;
	uint8_t level;
	uint8_t missing;
};

/**
 * struct rmap_out - every mapping found, sorted by frame, space and
 * address
 * @why_no_tasks: NULL, or why no process could be searched
 * @nbad:    entries that could not be followed
 * @missing: frames of RAM absent from the direct map
 */
struct rmap_out {
	struct rmap_rec *rec;
	size_t n, cap;
	struct ptk_rmap_spaces sp;
	const char *why_no_tasks;
	uint64_t nbad;
	uint64_t missing;
};

/** rmap_collect() - the mappings of the frames in @pfns (sorted, disjoint) */
int rmap_collect(struct rmap_out *out, struct session *s,
		 const struct ptk_range *pfns, size_t n);

/** rmap_print() - text or JSON Lines; EXIT_FINDING when a frame is missing */
int rmap_print(const struct rmap_out *out, struct session *s, bool json);

/** rmap_space_name() - "kernel" or "PID COMM" of a record, into @buf */
const char *rmap_space_name(const struct rmap_out *out,
			    const struct rmap_rec *r, char *buf, size_t len);

void rmap_out_release(struct rmap_out *out);

#endif
