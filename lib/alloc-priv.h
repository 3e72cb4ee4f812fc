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
	unsigned char *pb_mt;		/* a migratetype per pageblock */
	struct ptk_alloc_stats st;
	uint64_t hint[PTK_MAX_ORDER + 1];	/* no free block below word */
	/* simulate mode */
	struct sim_slot *live;
	size_t nlive, caplive;		/* open addressing, power of 2 */
};

enum state alloc_get_state(const struct ptk_alloc *a, uint64_t pfn);
void alloc_set_state(struct ptk_alloc *a, uint64_t pfn, enum state s);
bool alloc_is_free(const struct ptk_alloc *a, unsigned order, uint64_t pfn);
void alloc_set_free(struct ptk_alloc *a, unsigned order, uint64_t pfn,
		    bool on);
void alloc_take_from_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order);
void alloc_give_to_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order);

#endif
