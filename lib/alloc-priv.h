/* SPDX-License-Identifier: MIT */
/* The allocator model's insides, shared by follow (alloc.c) and simulate
 * (alloc-sim.c) modes. */
#ifndef PTKIT_ALLOC_PRIV_H
#define PTKIT_ALLOC_PRIV_H

#include "ptkit/alloc.h"

enum state {
	UNKNOWN = 0,	/* not seen yet */
	IN_USE = 1,	/* with a caller */
	PCP = 2,	/* free, on a per-CPU list */
	BUDDY = 3,	/* free, in the buddy lists */
};

/* Simulate mode: where the model put each block the trace allocated. */
struct sim_slot {
	uint64_t trace_pfn;	/* UINT64_MAX: empty */
	uint64_t model_pfn;
	unsigned order;
};

struct ptk_alloc {
	struct ptk_ctx *ctx;
	uint64_t pages;
	uint64_t *state;		/* 2 bits per page */
	uint64_t *free[PTK_MAX_ORDER + 1];	/* a bit per block start */
	uint64_t *nonzero[PTK_MAX_ORDER + 1];	/* a bit per non-zero word
						 * of free[]: searches skip
						 * 64 empty words a test */
	unsigned char *pb_mt;		/* a migratetype per pageblock */
	struct ptk_alloc_stats st;
	uint64_t hint[PTK_MAX_ORDER + 1];	/* no free block below word */
	/* simulate mode's search: no free block of the order on a
	 * pageblock of the type (as block_mt() reads it) below word */
	uint64_t hint_mt[PTK_MAX_ORDER + 1][PTK_MIGRATE_TYPES + 1];
	/* simulate mode */
	struct sim_slot *live;
	size_t nlive, caplive;		/* open addressing, power of 2 */
};

/* Called for every page of every event: inline. */
static inline enum state alloc_get_state(const struct ptk_alloc *a,
					 uint64_t pfn)
{
	return (enum state)(a->state[pfn / 32] >> (pfn % 32 * 2) & 3);
}

static inline void alloc_set_state(struct ptk_alloc *a, uint64_t pfn,
				   enum state s)
{
	uint64_t *w = &a->state[pfn / 32];
	unsigned sh = pfn % 32 * 2;

	*w = (*w & ~(UINT64_C(3) << sh)) | (uint64_t)s << sh;
}

/* The type simulate mode gives a block: pageblocks no event typed are
 * movable, as at boot. */
static inline unsigned alloc_block_mt(const struct ptk_alloc *a,
				      uint64_t pfn)
{
	unsigned mt = a->pb_mt[pfn >> PTK_PAGEBLOCK_ORDER];

	return mt == PTK_MIGRATE_UNKNOWN ? 1 /* MIGRATE_MOVABLE */ : mt;
}

/* A pageblock at @pfn takes type @mt: its free blocks may now be found
 * by a search for @mt below where it last stopped. */
static inline void alloc_set_pageblock_mt(struct ptk_alloc *a, uint64_t pfn,
					  unsigned mt)
{
	unsigned eff;

	a->pb_mt[pfn >> PTK_PAGEBLOCK_ORDER] = (unsigned char)mt;
	eff = alloc_block_mt(a, pfn);
	for (unsigned o = 0; o <= PTK_MAX_ORDER; o++)
		if ((pfn >> o) / 64 < a->hint_mt[o][eff])
			a->hint_mt[o][eff] = (pfn >> o) / 64;
}

static inline bool alloc_is_free(const struct ptk_alloc *a, unsigned order,
				 uint64_t pfn)
{
	uint64_t i = pfn >> order;

	return a->free[order][i / 64] >> (i % 64) & 1;
}

static inline void alloc_set_free(struct ptk_alloc *a, unsigned order,
				  uint64_t pfn, bool on)
{
	uint64_t i = pfn >> order;

	if (on) {
		unsigned mt = alloc_block_mt(a, pfn);

		a->free[order][i / 64] |= UINT64_C(1) << (i % 64);
		a->nonzero[order][i / 4096] |= UINT64_C(1) << (i / 64 % 64);
		if (i / 64 < a->hint[order])
			a->hint[order] = i / 64;
		if (i / 64 < a->hint_mt[order][mt])
			a->hint_mt[order][mt] = i / 64;
	} else {
		a->free[order][i / 64] &= ~(UINT64_C(1) << (i % 64));
		if (!a->free[order][i / 64])
			a->nonzero[order][i / 4096] &=
				~(UINT64_C(1) << (i / 64 % 64));
	}
}

void alloc_take_from_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order);
void alloc_give_to_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order);

#endif
