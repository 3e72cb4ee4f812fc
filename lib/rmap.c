// SPDX-License-Identifier: MIT
/* Who maps a frame: one walk a space, leaves matched by binary search. */
#include <stdlib.h>
#include <string.h>

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

enum ptk_status ptk_rmap_spaces_of(const struct ptk_paging *kpg,
				   const struct ptk_tasks *tasks,
				   struct ptk_rmap_spaces *ret)
{
	size_t most = 1 + (tasks ? tasks->n : 0), n = 1;

	memset(ret, 0, sizeof(*ret));
	ret->space = calloc(most, sizeof(*ret->space));
	ret->task = calloc(most, sizeof(*ret->task));
	if (!ret->space || !ret->task) {
		ptk_rmap_spaces_release(ret);
		return PTK_ERR_NOMEM;
	}
	ret->space[0].pg = *kpg;
	for (size_t i = 0; tasks && i < tasks->n; i++) {
		const struct ptk_task *t = &tasks->task[i];
		bool dup = false;

		if (!t->mm)
			continue;	/* a kernel thread borrows the kernel's */
		for (size_t j = 1; j < n && !dup; j++)
			dup = ret->task[j]->mm == t->mm;
		if (dup)
			continue;
		ret->space[n].pg = *kpg;
		ret->space[n].pg.root = t->pgd;
		ret->space[n].end = ptk_noncanon_start(kpg);
		ret->task[n++] = t;
	}
	ret->n = n;
	return PTK_OK;
}

void ptk_rmap_spaces_release(struct ptk_rmap_spaces *sp)
{
	free(sp->space);
	free(sp->task);
	memset(sp, 0, sizeof(*sp));
}

static int cmp_run(const void *x, const void *y)
{
	const struct ptk_rmap_run *a = x, *b = y;

	if (a->space != b->space)
		return a->space < b->space ? -1 : 1;
	return a->va < b->va ? -1 : a->va > b->va;
}

size_t ptk_rmap_merge(struct ptk_rmap_run *runs, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(runs, n, sizeof(*runs), cmp_run);
	for (size_t i = 1; i < n; i++) {
		struct ptk_rmap_run *last = &runs[out];

		if (runs[i].space == last->space &&
		    runs[i].level == last->level && runs[i].eff == last->eff &&
		    runs[i].va == last->va + (last->pages << PTK_PAGE_SHIFT) &&
		    runs[i].pfn == last->pfn + last->pages)
			last->pages += runs[i].pages;
		else
			runs[++out] = runs[i];
	}
	return out + 1;
}
