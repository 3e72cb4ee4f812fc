/* SPDX-License-Identifier: MIT */
/**
 * DOC: who maps a frame
 *
 * ptk_rmap() finds every virtual mapping of a set of physical frames in
 * one pass over the tables of several address spaces (the kernel's, each
 * process's user half), instead of one walk per frame: each leaf the
 * walker meets, or each run of PTEs that map consecutive frames, is
 * checked against the sorted frame ranges by binary search.
 */
#ifndef PTKIT_RMAP_H
#define PTKIT_RMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "tasks.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_rmap_space - one address space to search
 * @pg:         its paging (root, levels)
 * @start, @end: the virtual range to walk (end 0: the top)
 */
struct ptk_rmap_space {
	struct ptk_paging pg;
	uint64_t start, end;
};

/**
 * struct ptk_rmap_hit - one frame mapped at one address
 * @pfn:   the frame
 * @space: index of its space in the array given to ptk_rmap()
 * @va:    the virtual address of the frame's first byte
 * @level: the leaf's level (1 PTE, 2 PMD, 3 PUD)
 * @eff:   effective flags of the leaf (PTK_F_*)
 */
struct ptk_rmap_hit {
	uint64_t pfn;
	size_t space;
	uint64_t va;
	unsigned level;
	unsigned eff;
};

typedef enum ptk_status (*ptk_rmap_fn)(const struct ptk_rmap_hit *hit,
				       void *priv);

/**
 * ptk_rmap() - hand every mapping of the frames in @pfns to @fn
 * @pfns:  frame ranges [start, end), sorted and not overlapping
 * @nbad:  set to the entries that could not be followed (a corrupt table
 *         is skipped, not fatal); may be NULL
 *
 * Hits come in the order of the spaces, then of virtual addresses.  Only
 * @fn's status, or no memory, ends the search early.
 */
enum ptk_status ptk_rmap(struct ptk_source *src,
			 const struct ptk_rmap_space *spaces, size_t nspaces,
			 const struct ptk_range *pfns, size_t nranges,
			 ptk_rmap_fn fn, void *priv, uint64_t *nbad);

/**
 * struct ptk_rmap_spaces - the address spaces of a dump: the kernel's
 * tables whole, then the user half of each distinct mm
 * @task: per space, the task that owns it (the first listed of those
 *        sharing the mm), NULL for the kernel's
 */
struct ptk_rmap_spaces {
	struct ptk_rmap_space *space;
	const struct ptk_task **task;
	size_t n;
};

/**
 * ptk_rmap_spaces_of() - the spaces of @tasks (NULL: the kernel's alone)
 * over the kernel's paging @kpg; release with ptk_rmap_spaces_release()
 */
enum ptk_status ptk_rmap_spaces_of(const struct ptk_paging *kpg,
				   const struct ptk_tasks *tasks,
				   struct ptk_rmap_spaces *ret);
void ptk_rmap_spaces_release(struct ptk_rmap_spaces *sp);

/**
 * struct ptk_rmap_rec - one mapping of one frame in space @space (an index
 * into struct ptk_rmap_spaces), or (@missing) a frame of RAM the kernel's
 * direct map does not map, at @va where it would be, with @level where
 * the walk to it stops (0: a table on the way cannot be read)
 */
struct ptk_rmap_rec {
	uint64_t pfn, va;
	uint32_t space;
	uint16_t eff;
	uint8_t level;
	uint8_t missing;
};

/**
 * struct ptk_rmap_recs - what ptk_rmap_collect() found, sorted by frame,
 * space and address
 * @nbad:    table entries that could not be followed
 * @missing: frames of RAM absent from the direct map
 */
struct ptk_rmap_recs {
	struct ptk_rmap_rec *rec;
	size_t n, cap;
	uint64_t nbad, missing;
};

/**
 * ptk_rmap_collect() - every mapping of the frames of @pfns (sorted,
 * disjoint) in the spaces of @sp, the kernel's first; with @direct (the
 * direct map's region, or NULL), a missing record for each frame of RAM
 * among them that no mapping of the kernel's in the direct map covers.
 * Release with ptk_rmap_recs_release().
 */
enum ptk_status ptk_rmap_collect(struct ptk_source *src,
				 const struct ptk_rmap_spaces *sp,
				 const struct ptk_region *direct,
				 const struct ptk_range *pfns, size_t n,
				 struct ptk_rmap_recs *ret);
void ptk_rmap_recs_release(struct ptk_rmap_recs *r);

/**
 * ptk_ranges_normalize() - sort @r by start and merge those that overlap
 * or touch, as ptk_rmap() wants them; the number left
 */
size_t ptk_ranges_normalize(struct ptk_range *r, size_t n);

/**
 * struct ptk_rmap_run - @pages frames from @pfn mapped at @va on, in one
 * space, by leaves of one level and one set of effective flags
 */
struct ptk_rmap_run {
	size_t space;
	uint64_t va, pfn, pages;
	unsigned level, eff;
};

/**
 * ptk_rmap_merge() - sort @runs by space and address and merge each into
 * the one before when it continues it (same space, level and flags; the
 * address and the frame both where the one before ends), as a reader of
 * "who maps these frames" wants them; the number of runs left
 */
size_t ptk_rmap_merge(struct ptk_rmap_run *runs, size_t n);

/**
 * ptk_rmap_runs() - the mappings of the frames of @pfns among @r's
 * records (missing ones left out), merged by ptk_rmap_merge(): who maps
 * a range of frames, as ptkit unmapped --owners lists it
 * @ret: set to a new array (free() it), of *@n runs
 */
enum ptk_status ptk_rmap_runs(const struct ptk_rmap_recs *r,
			      const struct ptk_range *pfns,
			      struct ptk_rmap_run **ret, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
