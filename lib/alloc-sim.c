// SPDX-License-Identifier: MIT
/*
 * Simulate mode: the model, not the trace, chooses where each allocation
 * goes, as __rmqueue() does: the lowest free block of the request's
 * migratetype, smallest order first, split down (expand()); failing that,
 * a fallback type's block, largest order first, claiming its pageblock
 * as steal_suitable_fallback() does for big or unmovable requests.  The
 * kernel's lists are LIFO; the model takes the lowest address instead, so
 * that it needs bits, not a list node per page.  Frees return the block
 * the model chose for the trace's PFN.  Per-CPU lists are not modelled.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc-priv.h"

enum { MT_UNMOVABLE, MT_MOVABLE, MT_RECLAIMABLE };

/* mm/page_alloc.c fallbacks[] for the three types that fall back */
static const unsigned fallbacks[3][2] = {
	[MT_UNMOVABLE] = { MT_RECLAIMABLE, MT_MOVABLE },
	[MT_MOVABLE] = { MT_RECLAIMABLE, MT_UNMOVABLE },
	[MT_RECLAIMABLE] = { MT_UNMOVABLE, MT_MOVABLE },
};

/* The first word of free[@order] at or after @w that is not zero, or
 * @words. */
static uint64_t next_word(const struct ptk_alloc *a, unsigned order,
			  uint64_t w, uint64_t words)
{
	const uint64_t *nz = a->nonzero[order];
	uint64_t s = w / 64, m;

	if (w >= words)
		return words;
	m = nz[s] & (~UINT64_C(0) << (w % 64));
	while (!m) {
		if (++s > (words - 1) / 64)
			return words;
		m = nz[s];
	}
	w = s * 64 + (uint64_t)__builtin_ctzll(m);
	return w < words ? w : words;
}

/*
 * The lowest free block of exactly @order on pageblocks of type @mt.
 * The search starts where the last one for this order and type stopped
 * (hint_mt): below it no such block has been freed or retyped since, so
 * a run of blocks of other types is skipped once, not at every request.
 */
static bool lowest(struct ptk_alloc *a, unsigned order, unsigned mt,
		   uint64_t *ret)
{
	uint64_t words = (a->pages >> order) / 64 + 1;
	uint64_t from = a->hint[order] > a->hint_mt[order][mt]
				? a->hint[order] : a->hint_mt[order][mt];
	bool any = false;

	for (uint64_t w = next_word(a, order, from, words); w < words;
	     w = next_word(a, order, w + 1, words)) {
		for (uint64_t bits = a->free[order][w]; bits; bits &= bits - 1) {
			uint64_t pfn = (w * 64 + (uint64_t)__builtin_ctzll(bits))
				       << order;

			if (!any && from == a->hint[order]) {
				a->hint[order] = w;	/* nothing free below */
				any = true;
			}
			if (alloc_block_mt(a, pfn) == mt) {
				a->hint_mt[order][mt] = w;
				*ret = pfn;
				return true;
			}
		}
	}
	if (!any && from == a->hint[order])
		a->hint[order] = words;
	a->hint_mt[order][mt] = words;
	return false;
}

static bool find(struct ptk_alloc *a, unsigned order, unsigned mt,
		 uint64_t *pfn)
{
	for (unsigned o = order; o <= PTK_MAX_ORDER; o++)
		if (lowest(a, o, mt, pfn))
			return true;
	if (mt > MT_RECLAIMABLE)
		return false;
	for (unsigned o = PTK_MAX_ORDER + 1; o-- > order;)
		for (unsigned f = 0; f < 2; f++)
			if (lowest(a, o, fallbacks[mt][f], pfn)) {
				/* big or unmovable requests claim the block */
				if (o >= PTK_PAGEBLOCK_ORDER / 2 ||
				    mt != MT_MOVABLE)
					for (uint64_t p = *pfn;
					     p < *pfn + (UINT64_C(1) << o);
					     p += UINT64_C(1) << PTK_PAGEBLOCK_ORDER)
						alloc_set_pageblock_mt(a, p, mt);
				return true;
			}
	return false;
}

static size_t slot_of(const struct ptk_alloc *a, uint64_t trace_pfn)
{
	uint64_t h = trace_pfn * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 20) & (a->caplive - 1);
}

static bool remember(struct ptk_alloc *a, uint64_t trace_pfn,
		     uint64_t model_pfn, unsigned order)
{
	if (2 * (a->nlive + 1) > a->caplive) {
		size_t old = a->caplive;
		struct sim_slot *was = a->live;

		a->caplive = old ? 2 * old : 1024;
		a->live = malloc(a->caplive * sizeof(*a->live));
		if (!a->live) {
			a->live = was;
			a->caplive = old;
			return false;
		}
		for (size_t i = 0; i < a->caplive; i++)
			a->live[i].trace_pfn = UINT64_MAX;
		a->nlive = 0;
		for (size_t i = 0; i < old; i++)
			if (was[i].trace_pfn != UINT64_MAX)
				remember(a, was[i].trace_pfn, was[i].model_pfn,
					 was[i].order);
		free(was);
	}
	for (size_t i = slot_of(a, trace_pfn);; i = (i + 1) & (a->caplive - 1))
		if (a->live[i].trace_pfn == UINT64_MAX ||
		    a->live[i].trace_pfn == trace_pfn) {
			a->nlive += a->live[i].trace_pfn == UINT64_MAX;
			a->live[i] = (struct sim_slot){ trace_pfn, model_pfn,
							order };
			return true;
		}
}

/* Take @trace_pfn's block out of the map (backward-shift deletion). */
static bool forget(struct ptk_alloc *a, uint64_t trace_pfn,
		   struct sim_slot *ret)
{
	size_t mask = a->caplive - 1, i;

	if (!a->caplive)
		return false;
	for (i = slot_of(a, trace_pfn); a->live[i].trace_pfn != trace_pfn;
	     i = (i + 1) & mask)
		if (a->live[i].trace_pfn == UINT64_MAX)
			return false;
	*ret = a->live[i];
	for (size_t j = (i + 1) & mask; a->live[j].trace_pfn != UINT64_MAX;
	     j = (j + 1) & mask) {
		size_t home = slot_of(a, a->live[j].trace_pfn);

		/* move j back to i unless its home lies in (i, j] */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			a->live[i] = a->live[j];
			i = j;
		}
	}
	a->live[i].trace_pfn = UINT64_MAX;
	a->nlive--;
	return true;
}

enum ptk_status ptk_alloc_seed_all_free(struct ptk_alloc *a)
{
	for (uint64_t p = 0; p < a->pages; p += UINT64_C(1) << PTK_MAX_ORDER) {
		enum ptk_status st = ptk_alloc_seed_free(a, p, PTK_MAX_ORDER,
							 MT_MOVABLE);

		if (st != PTK_OK)
			return st;
	}
	return PTK_OK;
}

enum ptk_status ptk_alloc_simulate(struct ptk_alloc *a,
				   const struct ptk_trace_rec *rec,
				   struct ptk_trace_rec *done,
				   enum ptk_page_fate *fate)
{
	struct sim_slot slot;
	uint64_t pfn, n;

	*done = *rec;
	*fate = PTK_FATE_NONE;
	if (rec->order > PTK_MAX_ORDER) {
		a->st.out_of_range++;
		return PTK_OK;
	}
	n = UINT64_C(1) << rec->order;
	switch (rec->ev) {
	case PTK_EV_ALLOC: {
		unsigned mt = rec->migratetype >= 0 &&
			      rec->migratetype < PTK_MIGRATE_TYPES
			      ? (unsigned)rec->migratetype : MT_MOVABLE;

		if (!find(a, rec->order, mt, &pfn)) {
			a->st.sim_failed++;
			return PTK_OK;
		}
		if (!remember(a, rec->pfn, pfn, rec->order))
			return ptk_set_err(a->ctx, PTK_ERR_NOMEM, "simulate");
		alloc_take_from_buddy(a, pfn, rec->order);
		for (uint64_t p = pfn; p < pfn + n; p++)
			alloc_set_state(a, p, IN_USE);
		a->st.allocated += n;
		a->st.in_use += n;
		done->pfn = pfn;
		*fate = PTK_FATE_ALLOCATED;
		return PTK_OK;
	}
	case PTK_EV_FREE:
	case PTK_EV_FREE_BATCHED:
		/* a batched free after its own mm_page_free finds nothing */
		if (!forget(a, rec->pfn, &slot)) {
			if (rec->ev == PTK_EV_FREE)
				a->st.unmatched_free++;
			return PTK_OK;
		}
		n = UINT64_C(1) << slot.order;
		for (uint64_t p = slot.model_pfn; p < slot.model_pfn + n; p++)
			alloc_set_state(a, p, BUDDY);
		alloc_give_to_buddy(a, slot.model_pfn, slot.order);
		a->st.freed += n;
		a->st.in_use -= n;
		done->pfn = slot.model_pfn;
		done->order = slot.order;
		*fate = PTK_FATE_FREED;
		return PTK_OK;
	default:
		/* the per-CPU refills and drains are the kernel's own */
		return PTK_OK;
	}
}
