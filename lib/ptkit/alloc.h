/* SPDX-License-Identifier: MIT */
/**
 * DOC: a page-allocator model, one isolated instance per object
 *
 * struct ptk_alloc models the buddy allocator over RAM ranges as a trace
 * of kmem events tells it (follow mode): which pages are allocated, which
 * wait on per-CPU lists, which are free in the buddy lists, merged into
 * blocks up to order 10 (MAX_ORDER - 1) as __free_one_page() merges them
 * and split as expand() splits them.  Pageblocks are 512 pages and take
 * the migratetype the events report for them.
 *
 * It checks what a trace claims: a page allocated twice, freed twice, or
 * freed without having been seen allocated (a trace that starts late has
 * those) are counted, not fatal.  State is bits: two per page and one per
 * page per order for the buddy lists; no structure per page.
 */
#ifndef PTKIT_ALLOC_H
#define PTKIT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "source.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	PTK_MAX_ORDER = 10,		/* highest order, MAX_ORDER - 1 in 6.1 */
	PTK_PAGEBLOCK_ORDER = 9,	/* pageblock_order on x86-64 */
	PTK_MIGRATE_TYPES = 6,		/* Unmovable ... Isolate */
	PTK_MIGRATE_UNKNOWN = PTK_MIGRATE_TYPES,
};

/** ptk_migratetype_name() - as /proc/pagetypeinfo: "Unmovable", ... */
const char *ptk_migratetype_name(unsigned mt);

/** enum ptk_page_fate - what an event did to its pages */
enum ptk_page_fate {
	PTK_FATE_NONE,		/* nothing that concerns the direct map */
	PTK_FATE_ALLOCATED,	/* handed to a caller */
	PTK_FATE_FREED,		/* given back by a caller */
};

/**
 * struct ptk_alloc_stats
 * @allocated, @freed: pages handed out and given back by callers
 * @double_alloc, @double_free, @unmatched_free: pages the trace claims
 *             inconsistently (see DOC)
 * @out_of_range: events for pages outside RAM
 * @sim_failed: simulate mode: requests no free block could satisfy
 * @pcp:       pages on per-CPU lists now
 * @in_use:    pages allocated now (of those seen)
 * @free_blocks: buddy free blocks now, per order and migratetype
 *             (PTK_MIGRATE_UNKNOWN for pageblocks no event typed)
 */
struct ptk_alloc_stats {
	uint64_t allocated, freed;
	uint64_t double_alloc, double_free, unmatched_free, out_of_range;
	uint64_t pcp, in_use;
	uint64_t sim_failed;
	uint64_t free_blocks[PTK_MAX_ORDER + 1][PTK_MIGRATE_TYPES + 1];
};

struct ptk_alloc;

/** ptk_alloc_new() - a model over the RAM ranges of @src */
enum ptk_status ptk_alloc_new(struct ptk_ctx *ctx, struct ptk_source *src,
			      struct ptk_alloc **ret);
/** ptk_alloc_new_ram() - a model over [0, @pages) */
enum ptk_status ptk_alloc_new_ram(struct ptk_ctx *ctx, uint64_t pages,
				  struct ptk_alloc **ret);
void ptk_alloc_free(struct ptk_alloc *a);

/**
 * ptk_alloc_prefetch() - start loading the model's state for @rec's pages
 *
 * The state of a page is a few bits in bitmaps of megabytes, so a trace's
 * random pages miss the caches; called an event ahead, the misses overlap
 * the work on the event before.
 */
void ptk_alloc_prefetch(const struct ptk_alloc *a,
			const struct ptk_trace_rec *rec);

/**
 * ptk_alloc_follow() - apply one event as the trace recorded it
 * @fate: set to what happened to the event's pages
 */
enum ptk_status ptk_alloc_follow(struct ptk_alloc *a,
				 const struct ptk_trace_rec *rec,
				 enum ptk_page_fate *fate);

/**
 * ptk_alloc_seed_free() - start from a free block that a dump's free lists
 * hold: 2^@order pages from @pfn, on the list of @migratetype, which the
 * block's pageblocks take if no earlier seed typed them.  No merging: the
 * dump's blocks are taken as they are.
 */
enum ptk_status ptk_alloc_seed_free(struct ptk_alloc *a, uint64_t pfn,
				    unsigned order, unsigned migratetype);

/**
 * ptk_alloc_seed_page() - start from a page a dump shows taken: in use, or
 * (@pcp) free on a per-CPU list.  A page already seeded free stays free.
 */
enum ptk_status ptk_alloc_seed_page(struct ptk_alloc *a, uint64_t pfn,
				    bool pcp);

/**
 * ptk_alloc_seed_pageblock() - the pageblock of @pfn is of @migratetype,
 * as the dump's pageblock flags say, unless a free block already typed it
 */
enum ptk_status ptk_alloc_seed_pageblock(struct ptk_alloc *a, uint64_t pfn,
					 unsigned migratetype);

/**
 * ptk_alloc_seed_all_free() - start simulate mode from all RAM free, in
 * blocks of the top order on movable pageblocks, as after boot
 */
enum ptk_status ptk_alloc_seed_all_free(struct ptk_alloc *a);

/**
 * ptk_alloc_simulate() - apply one event choosing the PFNs (simulate mode)
 * @done: set to the event as the model applied it: an allocation's PFN is
 *        the model's choice, a free's the block the model chose for the
 *        trace's PFN; @fate says whether anything happened
 *
 * Allocations take the lowest free block of their migratetype (smallest
 * order first), else a fallback type's (largest order first); see
 * lib/alloc-sim.c.  Per-CPU refills and drains are ignored.
 */
enum ptk_status ptk_alloc_simulate(struct ptk_alloc *a,
				   const struct ptk_trace_rec *rec,
				   struct ptk_trace_rec *done,
				   enum ptk_page_fate *fate);

/** ptk_alloc_stats() - counters; free_blocks computed now */
void ptk_alloc_stats(struct ptk_alloc *a, struct ptk_alloc_stats *ret);

/** ptk_alloc_pages() - frames the model covers: [0, this) */
uint64_t ptk_alloc_pages(const struct ptk_alloc *a);

/** enum ptk_alloc_state - what the model knows of one frame */
enum ptk_alloc_state {
	PTK_ALLOC_UNKNOWN,	/* never seen: no event, not in the seed */
	PTK_ALLOC_IN_USE,	/* with a caller */
	PTK_ALLOC_PCP,		/* free, on a per-CPU list */
	PTK_ALLOC_BUDDY,	/* free, in the buddy lists */
};

/** ptk_alloc_page_state() - @pfn's state; PTK_ALLOC_UNKNOWN outside */
enum ptk_alloc_state ptk_alloc_page_state(const struct ptk_alloc *a,
					  uint64_t pfn);

/**
 * ptk_alloc_free_block() - the order of the buddy free block that starts
 * at @pfn, or -1 when none does
 */
int ptk_alloc_free_block(const struct ptk_alloc *a, uint64_t pfn);

/**
 * ptk_alloc_pageblock_type() - the migratetype the model holds for the
 * pageblock of @pfn (PTK_MIGRATE_UNKNOWN when no event or seed said)
 */
unsigned ptk_alloc_pageblock_type(const struct ptk_alloc *a, uint64_t pfn);

#ifdef __cplusplus
}
#endif
#endif
