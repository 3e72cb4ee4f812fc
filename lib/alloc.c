// SPDX-License-Identifier: MIT
/*
 * The buddy allocator as a trace tells it; see alloc.h.  Page states are
 * two bits each; each order has a bitmap of the free blocks that start at
 * a frame of that order.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc-priv.h"

static const char *const mt_names[PTK_MIGRATE_TYPES + 1] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
	"unknown",
};

const char *ptk_migratetype_name(unsigned mt)
{
	return mt <= PTK_MIGRATE_TYPES ? mt_names[mt] : "?";
}

enum ptk_status ptk_alloc_new_ram(struct ptk_ctx *ctx, uint64_t pages,
				  struct ptk_alloc **ret)
{
	struct ptk_alloc *a = calloc(1, sizeof(*a));

	/* Whole top-order blocks, so every buddy lies inside. */
	pages = (pages + (UINT64_C(1) << PTK_MAX_ORDER) - 1) &
		~((UINT64_C(1) << PTK_MAX_ORDER) - 1);
	if (!a || !pages || pages >> 40)
		goto nomem;
	a->ctx = ctx;
	a->pages = pages;
	a->state = calloc(pages / 32 + 1, sizeof(uint64_t));
	a->pb_mt = malloc((pages >> PTK_PAGEBLOCK_ORDER) + 1);
	if (!a->state || !a->pb_mt)
		goto nomem;
	memset(a->pb_mt, PTK_MIGRATE_UNKNOWN, (pages >> PTK_PAGEBLOCK_ORDER) + 1);
	for (unsigned o = 0; o <= PTK_MAX_ORDER; o++) {
		a->free[o] = calloc((pages >> o) / 64 + 1, sizeof(uint64_t));
		a->nonzero[o] = calloc((pages >> o) / 4096 + 1,
				       sizeof(uint64_t));
		if (!a->free[o] || !a->nonzero[o])
			goto nomem;
	}
	*ret = a;
	return PTK_OK;
nomem:
	ptk_alloc_free(a);
	return ptk_set_err(ctx, PTK_ERR_NOMEM, "allocator model of %llu pages",
			   (unsigned long long)pages);
}

enum ptk_status ptk_alloc_new(struct ptk_ctx *ctx, struct ptk_source *src,
			      struct ptk_alloc **ret)
{
	uint64_t end = ptk_source_ram_end(src);

	if (!end)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "the source has no RAM");
	return ptk_alloc_new_ram(ctx, end >> 12, ret);
}

void ptk_alloc_free(struct ptk_alloc *a)
{
	if (!a)
		return;
	for (unsigned o = 0; o <= PTK_MAX_ORDER; o++) {
		free(a->free[o]);
		free(a->nonzero[o]);
	}
	free(a->state);
	free(a->pb_mt);
	free(a->live);
	free(a);
}

uint64_t ptk_alloc_pages(const struct ptk_alloc *a)
{
	return a->pages;
}

_Static_assert((int)PTK_ALLOC_UNKNOWN == UNKNOWN && (int)PTK_ALLOC_IN_USE ==
	       IN_USE && (int)PTK_ALLOC_PCP == PCP && (int)PTK_ALLOC_BUDDY ==
	       BUDDY, "the public states are the model's");

enum ptk_alloc_state ptk_alloc_page_state(const struct ptk_alloc *a,
					  uint64_t pfn)
{
	return pfn < a->pages ? (enum ptk_alloc_state)alloc_get_state(a, pfn)
			      : PTK_ALLOC_UNKNOWN;
}

int ptk_alloc_free_block(const struct ptk_alloc *a, uint64_t pfn)
{
	for (unsigned o = 0; pfn < a->pages && o <= PTK_MAX_ORDER; o++) {
		if (pfn & ((UINT64_C(1) << o) - 1))
			break;
		if (alloc_is_free(a, o, pfn))
			return (int)o;
	}
	return -1;
}

unsigned ptk_alloc_pageblock_type(const struct ptk_alloc *a, uint64_t pfn)
{
	return pfn < a->pages ? a->pb_mt[pfn >> PTK_PAGEBLOCK_ORDER]
			      : PTK_MIGRATE_UNKNOWN;
}

/*
 * Take [pfn, pfn + 2^order) out of the buddy lists: the free block that
 * holds it is split down, as expand() does; free blocks inside it that
 * the model had (a trace seen in part) go too.
 */
void alloc_take_from_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order)
{
	for (unsigned o = order; o <= PTK_MAX_ORDER; o++) {
		uint64_t head = pfn & ~((UINT64_C(1) << o) - 1);

		if (!alloc_is_free(a, o, head))
			continue;
		alloc_set_free(a, o, head, false);
		while (o > order) {
			o--;
			/* The half that does not hold pfn stays free. */
			alloc_set_free(a, o, (pfn & (UINT64_C(1) << o)) ?
				 head : head + (UINT64_C(1) << o), true);
			if (pfn & (UINT64_C(1) << o))
				head += UINT64_C(1) << o;
		}
		return;
	}
	for (unsigned o = 0; o < order; o++)
		for (uint64_t p = pfn; p < pfn + (UINT64_C(1) << order);
		     p += UINT64_C(1) << o)
			alloc_set_free(a, o, p, false);
}

/* __free_one_page(): merge with free buddies while there are. */
void alloc_give_to_buddy(struct ptk_alloc *a, uint64_t pfn, unsigned order)
{
	while (order < PTK_MAX_ORDER) {
		uint64_t buddy = pfn ^ (UINT64_C(1) << order);

		if (!alloc_is_free(a, order, buddy))
			break;
		alloc_set_free(a, order, buddy, false);
		pfn &= buddy;
		order++;
	}
	alloc_set_free(a, order, pfn, true);
}

void ptk_alloc_prefetch(const struct ptk_alloc *a,
			const struct ptk_trace_rec *rec)
{
	uint64_t pfn = rec->pfn;

	if (pfn >= a->pages || rec->order > PTK_MAX_ORDER)
		return;
	__builtin_prefetch(&a->state[pfn / 32]);
	/* The block's own bit and its buddy's, where merging starts. */
	__builtin_prefetch(&a->free[rec->order][(pfn >> rec->order) / 64]);
	if (rec->order < PTK_MAX_ORDER)
		__builtin_prefetch(
			&a->free[rec->order + 1][(pfn >> (rec->order + 1)) / 64]);
}

enum ptk_status ptk_alloc_follow(struct ptk_alloc *a,
				 const struct ptk_trace_rec *rec,
				 enum ptk_page_fate *fate)
{
	const uint64_t n = UINT64_C(1) << rec->order;
	const uint64_t pfn = rec->pfn & ~(n - 1);

	*fate = PTK_FATE_NONE;
	if (rec->order > PTK_MAX_ORDER || rec->pfn >= a->pages ||
	    a->pages - pfn < n) {
		a->st.out_of_range++;
		return PTK_OK;
	}
	if (rec->migratetype >= 0 && rec->ev != PTK_EV_ALLOC)
		for (uint64_t p = pfn; p < pfn + n;
		     p += UINT64_C(1) << PTK_PAGEBLOCK_ORDER)
			alloc_set_pageblock_mt(a, p,
					       (unsigned)rec->migratetype);

	switch (rec->ev) {
	case PTK_EV_ALLOC:
	case PTK_EV_ZONE_LOCKED: {
		enum state to = rec->ev == PTK_EV_ALLOC ? IN_USE : PCP;
		bool from_buddy = false;

		for (uint64_t p = pfn; p < pfn + n; p++) {
			enum state s = alloc_get_state(a, p);

			if (s == IN_USE)
				a->st.double_alloc++;
			else if (s == PCP)
				a->st.pcp--;
			/* Free blocks hold only BUDDY pages: an UNKNOWN page
			 * is in none. */
			from_buddy |= s == BUDDY;
			alloc_set_state(a, p, to);
		}
		if (from_buddy)
			alloc_take_from_buddy(a, pfn, rec->order);
		if (to == IN_USE) {
			a->st.allocated += n;
			a->st.in_use += n;
			*fate = PTK_FATE_ALLOCATED;
		} else {
			a->st.pcp += n;
		}
		return PTK_OK;
	}
	case PTK_EV_FREE_BATCHED:
		/*
		 * free_unref_page_list() reports each page twice: mm_page_free
		 * from free_pages_prepare(), then this.  A page already on a
		 * pcp list has been counted; one still in use (a kernel that
		 * reports only this) is freed here.
		 */
		if (alloc_get_state(a, pfn) == PCP)
			return PTK_OK;
		/* fall through */
	case PTK_EV_FREE: {
		/* free_unref_page(): orders up to 3 go to the pcp lists. */
		enum state to = rec->order <= 3 ? PCP : BUDDY;

		for (uint64_t p = pfn; p < pfn + n; p++) {
			enum state s = alloc_get_state(a, p);

			if (s == IN_USE)
				a->st.in_use--;
			else if (s == UNKNOWN)
				a->st.unmatched_free++;
			else
				a->st.double_free++;
			if (s == PCP)
				a->st.pcp--;
			alloc_set_state(a, p, to);
		}
		if (to == BUDDY)
			alloc_give_to_buddy(a, pfn, rec->order);
		else
			a->st.pcp += n;
		a->st.freed += n;
		*fate = PTK_FATE_FREED;
		return PTK_OK;
	}
	case PTK_EV_PCPU_DRAIN:
		for (uint64_t p = pfn; p < pfn + n; p++) {
			if (alloc_get_state(a, p) == PCP)
				a->st.pcp--;
			alloc_set_state(a, p, BUDDY);
		}
		alloc_give_to_buddy(a, pfn, rec->order);
		return PTK_OK;
	default:
		return ptk_set_err(a->ctx, PTK_ERR_INVALID, "unknown event");
	}
}

enum ptk_status ptk_alloc_seed_free(struct ptk_alloc *a, uint64_t pfn,
				    unsigned order, unsigned migratetype)
{
	const uint64_t n = UINT64_C(1) << (order <= PTK_MAX_ORDER ? order : 0);

	if (order > PTK_MAX_ORDER || pfn & (n - 1) || pfn >= a->pages ||
	    a->pages - pfn < n || migratetype > PTK_MIGRATE_TYPES)
		return ptk_set_err(a->ctx, PTK_ERR_INVALID, "free block of "
				   "order %u at pfn %#llx: not a block of the "
				   "model", order, (unsigned long long)pfn);
	for (uint64_t p = pfn; p < pfn + n; p++) {
		if (alloc_get_state(a, p) == IN_USE)
			a->st.in_use--;
		else if (alloc_get_state(a, p) == PCP)
			a->st.pcp--;
		alloc_set_state(a, p, BUDDY);
	}
	alloc_set_free(a, order, pfn, true);
	for (uint64_t p = pfn; p < pfn + n;
	     p += UINT64_C(1) << PTK_PAGEBLOCK_ORDER)
		ptk_alloc_seed_pageblock(a, p, migratetype);
	return PTK_OK;
}

enum ptk_status ptk_alloc_seed_pageblock(struct ptk_alloc *a, uint64_t pfn,
					 unsigned migratetype)
{
	unsigned char *mt;

	if (pfn >= a->pages || migratetype > PTK_MIGRATE_TYPES)
		return ptk_set_err(a->ctx, PTK_ERR_INVALID, "pageblock at pfn "
				   "%#llx: not a pageblock of the model",
				   (unsigned long long)pfn);
	mt = &a->pb_mt[pfn >> PTK_PAGEBLOCK_ORDER];
	if (*mt == PTK_MIGRATE_UNKNOWN)
		alloc_set_pageblock_mt(a, pfn, migratetype);
	return PTK_OK;
}

enum ptk_status ptk_alloc_seed_page(struct ptk_alloc *a, uint64_t pfn,
				    bool pcp)
{
	enum state s;

	if (pfn >= a->pages)
		return ptk_set_err(a->ctx, PTK_ERR_INVALID, "pfn %#llx is "
				   "outside the model",
				   (unsigned long long)pfn);
	s = alloc_get_state(a, pfn);
	if (s == BUDDY)
		return PTK_OK;
	if (s == IN_USE)
		a->st.in_use--;
	else if (s == PCP)
		a->st.pcp--;
	alloc_set_state(a, pfn, pcp ? PCP : IN_USE);
	if (pcp)
		a->st.pcp++;
	else
		a->st.in_use++;
	return PTK_OK;
}

void ptk_alloc_stats(struct ptk_alloc *a, struct ptk_alloc_stats *ret)
{
	memset(a->st.free_blocks, 0, sizeof(a->st.free_blocks));
	for (unsigned o = 0; o <= PTK_MAX_ORDER; o++) {
		uint64_t words = (a->pages >> o) / 64 + 1;

		for (uint64_t w = 0; w < words; w++) {
			for (uint64_t bits = a->free[o][w]; bits; bits &= bits - 1) {
				uint64_t pfn = (w * 64 + (uint64_t)__builtin_ctzll(bits)) << o;

				a->st.free_blocks[o][a->pb_mt[pfn >> PTK_PAGEBLOCK_ORDER]]++;
			}
		}
	}
	*ret = a->st;
}
