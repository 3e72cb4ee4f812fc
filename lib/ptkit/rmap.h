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

#ifdef __cplusplus
}
#endif
#endif
