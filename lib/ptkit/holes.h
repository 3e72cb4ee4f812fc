/* SPDX-License-Identifier: MIT */
/**
 * DOC: what the tables do not map
 *
 * ptk_holes() hands over the unmapped parts of a virtual range as a
 * reader wants them: the walker's holes (one per run of not-present
 * entries of one table) merged while they continue each other at the
 * same level.  ptk_direct_map_holes() does it over the direct map of each
 * RAM range of the source, so that its holes are the RAM the kernel took
 * out of the direct map (secretmem, guest_memfd,
 * set_direct_map_invalid_noflush()), as ptkit unmapped lists them.
 */
#ifndef PTKIT_HOLES_H
#define PTKIT_HOLES_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_hole - [va, end) is not mapped; the walk stops at @level
 * (1 PTE ... 5), or 0 for the non-canonical gap
 */
struct ptk_hole {
	uint64_t va, end;
	unsigned level;
};

/**
 * struct ptk_holes_ops - @hole is called for each merged hole, in address
 * order; @bad, optional, as struct ptk_walk_ops' (an entry that cannot be
 * followed: return PTK_OK to count it as a hole and go on)
 */
struct ptk_holes_ops {
	enum ptk_status (*hole)(const struct ptk_hole *h, void *priv);
	enum ptk_status (*bad)(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *priv);
};

/**
 * struct ptk_holes_walk - holes merged over several ranges walked one
 * after the other (ptk_holes_range(), in increasing order), for a program
 * that walks a little at a time; on the caller's stack, fields private
 */
struct ptk_holes_walk {
	const struct ptk_holes_ops *ops;
	void *priv;
	bool pending;
	struct ptk_hole h;
};

void ptk_holes_begin(struct ptk_holes_walk *w,
		     const struct ptk_holes_ops *ops, void *priv);
/** ptk_holes_range() - walk [@start, @end); a hole may wait for the next */
enum ptk_status ptk_holes_range(struct ptk_holes_walk *w,
				struct ptk_source *src,
				const struct ptk_paging *pg, uint64_t start,
				uint64_t end);
/** ptk_holes_end() - hand over the hole still waiting */
enum ptk_status ptk_holes_end(struct ptk_holes_walk *w);

/** ptk_holes() - the holes of [@start, @end) (@end 0: the top) */
enum ptk_status ptk_holes(struct ptk_source *src, const struct ptk_paging *pg,
			  uint64_t start, uint64_t end,
			  const struct ptk_holes_ops *ops, void *priv);

/**
 * ptk_direct_map_holes() - the holes of the direct map at @page_offset
 * over each RAM range of @src (whole pages), merged across ranges too
 */
enum ptk_status ptk_direct_map_holes(struct ptk_source *src,
				     const struct ptk_paging *pg,
				     uint64_t page_offset,
				     const struct ptk_holes_ops *ops,
				     void *priv);

#ifdef __cplusplus
}
#endif
#endif
