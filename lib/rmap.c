// SPDX-License-Identifier: MIT
/* Who maps a frame: one walk a space, leaves matched by binary search. */
#include "ptkit/rmap.h"
#include "ptkit/walk.h"

struct search {
	struct ptk_ctx *ctx;
	const struct ptk_range *pfns;
	size_t nranges;
	size_t space;
	ptk_rmap_fn fn;
	void *priv;
	uint64_t nbad;
	enum ptk_status fn_status;	/* what stopped the walk, if fn did */
};

/* The first range that ends after @pfn. */
static size_t first_after(const struct search *s, uint64_t pfn)
{
	size_t lo = 0, hi = s->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->pfns[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Frames [first, first + n) mapped from @va by leaves like @e. */
static enum ptk_status match(struct search *s, const struct ptk_walk_entry *e,
			     uint64_t first, uint64_t n, uint64_t va)
{
	uint64_t end = first + n;

	for (size_t r = first_after(s, first);
	     r < s->nranges && s->pfns[r].start < end; r++) {
		uint64_t lo = s->pfns[r].start > first ? s->pfns[r].start
						       : first;
		uint64_t hi = s->pfns[r].end < end ? s->pfns[r].end : end;

		for (uint64_t pfn = lo; pfn < hi; pfn++) {
			struct ptk_rmap_hit h = {
				.pfn = pfn,
				.space = s->space,
				.va = va + ((pfn - first) << PTK_PAGE_SHIFT),
				.level = e->level,
				.eff = e->eff,
			};
			enum ptk_status st = s->fn(&h, s->priv);

			if (st != PTK_OK)
				return s->fn_status = st;
		}
	}
	return PTK_OK;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	return match(priv, e, e->addr >> PTK_PAGE_SHIFT,
		     (e->end - e->va) >> PTK_PAGE_SHIFT, e->va);
}

static enum ptk_status on_run(const struct ptk_walk_entry *e, uint64_t n,
			      void *priv)
{
	return match(priv, e, e->addr >> PTK_PAGE_SHIFT, n, e->va);
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct search *s = priv;

	(void)e;
	(void)why;
	s->nbad++;
	ptk_ctx_clear_err(s->ctx);
	return PTK_OK;
}

enum ptk_status ptk_rmap(struct ptk_source *src,
			 const struct ptk_rmap_space *spaces, size_t nspaces,
			 const struct ptk_range *pfns, size_t nranges,
			 ptk_rmap_fn fn, void *priv, uint64_t *nbad)
{
	static const struct ptk_walk_ops ops = {
		.leaf = on_leaf,
		.leaf_run = on_run,
		.bad = on_bad,
	};
	struct search s = {
		.ctx = ptk_source_ctx(src), .pfns = pfns, .nranges = nranges,
		.fn = fn, .priv = priv,
	};
	enum ptk_status st = PTK_OK;

	for (size_t i = 0; i < nspaces; i++) {
		s.space = i;
		st = ptk_walk(src, &spaces[i].pg, spaces[i].start,
			      spaces[i].end, &ops, &s);
		if (s.fn_status != PTK_OK || st == PTK_ERR_NOMEM)
			break;
		if (st != PTK_OK) {
			/* a root that cannot be read: that space is bad */
			s.nbad++;
			ptk_ctx_clear_err(s.ctx);
			st = PTK_OK;
		}
	}
	if (nbad)
		*nbad = s.nbad;
	return st == PTK_STOP ? PTK_OK : st;
}
