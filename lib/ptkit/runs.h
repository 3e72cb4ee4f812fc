/* SPDX-License-Identifier: MIT */
/**
 * DOC: runs - merging leaves into ranges
 *
 * ptk_runs_walk() walks a range and reports maximal runs of consecutive
 * leaves that share a level and flags and map contiguous frames, in the
 * spirit of x86's note_page().  The accessed and dirty bits never split a
 * run.  Printers, censuses and audits consume runs; the kernel's own
 * listing, where they do split one, is ptk_ptdump()'s.
 */
#ifndef PTKIT_RUNS_H
#define PTKIT_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_run - a maximal run
 * @va, @end: virtual range (end 0 = top)
 * @pa:       physical address of @va (leaf runs)
 * @level:    level of the leaves, or of the not-present entries
 * @present:  always true (runs are of leaves)
 * @count:    number of entries merged
 * @eff:      effective flags, without A and D (see ptk_eff_combine())
 * @pkey:     protection key
 */
struct ptk_run {
	uint64_t va;
	uint64_t end;
	uint64_t pa;
	unsigned level;
	bool present;
	uint64_t count;
	unsigned eff;
	unsigned pkey;
};

/**
 * enum ptk_runs_mode
 * @PTK_RUNS_PHYS:   leaves only; a run is also physically contiguous
 * @PTK_RUNS_ENTRIES: one run per leaf entry (no merging); @raw is set
 */
enum ptk_runs_mode {
	PTK_RUNS_PHYS,
	PTK_RUNS_ENTRIES,
};

/**
 * struct ptk_runs_ops - what to do with runs
 * @run:  one finished run; @e is the leaf entry in PTK_RUNS_ENTRIES mode,
 *        NULL otherwise
 * @bad:  passed on to the walker (see struct ptk_walk_ops)
 * @absent: optional, passed on to the walker: each not-present entry
 *        that is not zero, unmerged, reported as the walk meets it
 *        (before the run it interrupts is reported)
 */
struct ptk_runs_ops {
	enum ptk_status (*run)(const struct ptk_run *r,
			       const struct ptk_walk_entry *e, void *priv);
	enum ptk_status (*bad)(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *priv);
	enum ptk_status (*absent)(const struct ptk_walk_entry *e, void *priv);
};

/** ptk_runs_walk() - walk [start, end) and report its runs */
enum ptk_status ptk_runs_walk(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t start,
			      uint64_t end, enum ptk_runs_mode mode,
			      const struct ptk_runs_ops *ops, void *priv);

#ifdef __cplusplus
}
#endif
#endif
