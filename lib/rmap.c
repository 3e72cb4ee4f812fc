// SPDX-License-Identifier: MIT
/* Who maps a frame: one walk a space, leaves matched by binary search. */
#include <stdlib.h>
#include <string.h>

#include "bigmem-priv.h"
#include "radix-priv.h"
#include "ptkit/rmap.h"
#include "ptkit/translate.h"
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

static enum ptk_status add_rec(struct ptk_rmap_recs *out,
			       const struct ptk_rmap_hit *h, bool missing)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 1024;
		struct ptk_rmap_rec *p = realloc(out->rec, cap * sizeof(*p));

		if (!p)
			return PTK_ERR_NOMEM;
		out->rec = p;
		out->cap = cap;
	}
	out->rec[out->n++] = (struct ptk_rmap_rec){
		.pfn = h->pfn, .va = h->va, .space = (uint32_t)h->space,
		.eff = (uint16_t)h->eff, .level = (uint8_t)h->level,
		.missing = missing,
	};
	return PTK_OK;
}

static enum ptk_status on_hit(const struct ptk_rmap_hit *h, void *priv)
{
	return add_rec(priv, h, false);
}

static int cmp_rec(const void *x, const void *y)
{
	const struct ptk_rmap_rec *a = x, *b = y;

	if (a->pfn != b->pfn)
		return a->pfn < b->pfn ? -1 : 1;
	if (a->space != b->space)
		return a->space < b->space ? -1 : 1;
	return a->va < b->va ? -1 : a->va > b->va;
}

/* Records as the walks make them: by space, then by address. */
static bool walk_ordered(const struct ptk_rmap_rec *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (r[i].space < r[i - 1].space ||
		    (r[i].space == r[i - 1].space && r[i].va < r[i - 1].va))
			return false;
	return true;
}

static bool rec_sorted(const struct ptk_rmap_rec *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_rec(&r[i - 1], &r[i]) > 0)
			return false;
	return true;
}

RADIX_SORT(sort_by_pfn, struct ptk_rmap_rec, pfn)

/*
 * Sort as cmp_rec().  The walks hand the records over by space and
 * address, so a stable sort by frame alone is enough, where qsort() was
 * a quarter of rmap --all on a real dump (215,000 records).  Records in
 * any other order are qsort()'s.
 */
static enum ptk_status sort_recs(struct ptk_rmap_rec *r, size_t n)
{
	if (rec_sorted(r, n))
		return PTK_OK;
	if (!walk_ordered(r, n)) {
		qsort(r, n, sizeof(*r), cmp_rec);
		return PTK_OK;
	}
	return sort_by_pfn(r, n) ? PTK_OK : PTK_ERR_NOMEM;
}

/* [0, @mid) and [@mid, @n) each sorted: the whole, sorted. */
static enum ptk_status merge_recs(struct ptk_rmap_rec *r, size_t mid, size_t n)
{
	struct ptk_rmap_rec *tmp;
	size_t i = 0, j = mid, k = 0;

	if (mid == 0 || mid == n || cmp_rec(&r[mid - 1], &r[mid]) <= 0)
		return PTK_OK;
	tmp = bigmem_alloc(n * sizeof(*r));
	if (!tmp)
		return PTK_ERR_NOMEM;
	while (i < mid && j < n)
		tmp[k++] = cmp_rec(&r[j], &r[i]) < 0 ? r[j++] : r[i++];
	while (i < mid)
		tmp[k++] = r[i++];
	while (j < n)
		tmp[k++] = r[j++];
	memcpy(r, tmp, n * sizeof(*r));
	bigmem_free(tmp, n * sizeof(*r));
	return PTK_OK;
}

static bool in_direct_map(const struct ptk_rmap_rec *r,
			  const struct ptk_region *direct)
{
	return !r->space && r->va >= direct->start &&
	       (r->va < direct->end || !direct->end);
}

/*
 * A record for each frame of RAM in @pfns that no kernel mapping in the
 * direct map covers (out->rec sorted; the new ones are appended).
 */
static enum ptk_status add_missing(struct ptk_rmap_recs *out,
				   struct ptk_source *src,
				   const struct ptk_paging *kpg,
				   const struct ptk_region *direct,
				   const struct ptk_range *pfns, size_t n)
{
	size_t nram, k = 0, sorted = out->n;
	const struct ptk_range *ram = ptk_source_ram(src, &nram);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < nram; j++) {
			uint64_t lo = ram[j].start >> PTK_PAGE_SHIFT;
			uint64_t hi = ram[j].end >> PTK_PAGE_SHIFT;

			if (lo < pfns[i].start)
				lo = pfns[i].start;
			if (hi > pfns[i].end)
				hi = pfns[i].end;
			for (uint64_t pfn = lo; pfn < hi; pfn++) {
				bool found = false;
				struct ptk_xlat x;
				struct ptk_rmap_hit h = { .pfn = pfn };
				enum ptk_status st;

				while (k < sorted && out->rec[k].pfn < pfn)
					k++;
				for (size_t m = k; m < sorted &&
				     out->rec[m].pfn == pfn && !found; m++)
					found = in_direct_map(&out->rec[m],
							      direct);
				if (found)
					continue;
				h.va = direct->start + (pfn << PTK_PAGE_SHIFT);
				st = ptk_translate(src, kpg, h.va, &x);
				if (st != PTK_OK)
					ptk_ctx_clear_err(ptk_source_ctx(src));
				h.level = st == PTK_OK ? x.level : 0;
				if (add_rec(out, &h, true) != PTK_OK)
					return PTK_ERR_NOMEM;
				out->missing++;
			}
		}
	}
	return PTK_OK;
}

enum ptk_status ptk_rmap_collect(struct ptk_source *src,
				 const struct ptk_rmap_spaces *sp,
				 const struct ptk_region *direct,
				 const struct ptk_range *pfns, size_t n,
				 struct ptk_rmap_recs *ret)
{
	enum ptk_status st;

	memset(ret, 0, sizeof(*ret));
	st = ptk_rmap(src, sp->space, sp->n, pfns, n, on_hit, ret, &ret->nbad);
	if (st == PTK_OK)
		st = sort_recs(ret->rec, ret->n);
	if (st == PTK_OK && direct && sp->n) {
		size_t found = ret->n;

		st = add_missing(ret, src, &sp->space[0].pg, direct, pfns, n);
		if (st == PTK_OK)
			st = sort_recs(ret->rec + found, ret->n - found);
		if (st == PTK_OK)
			st = merge_recs(ret->rec, found, ret->n);
	}
	if (st != PTK_OK) {
		ptk_rmap_recs_release(ret);
		return st;
	}
	return PTK_OK;
}

void ptk_rmap_recs_release(struct ptk_rmap_recs *r)
{
	free(r->rec);
	memset(r, 0, sizeof(*r));
}

static int cmp_range(const void *x, const void *y)
{
	const struct ptk_range *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

size_t ptk_ranges_normalize(struct ptk_range *r, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 0; i < n; i++) {
		if (out && r[i].start <= r[out - 1].end) {
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

enum ptk_status ptk_rmap_runs(const struct ptk_rmap_recs *r,
			      const struct ptk_range *pfns,
			      struct ptk_rmap_run **ret, size_t *n)
{
	size_t lo = 0, hi = r->n, k = 0;
	struct ptk_rmap_run *runs;

	while (lo < hi) {	/* the first record at or past the range */
		size_t mid = lo + (hi - lo) / 2;

		if (r->rec[mid].pfn < pfns->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < r->n && r->rec[hi].pfn < pfns->end; hi++)
		;
	*n = 0;
	*ret = runs = malloc((hi - lo ? hi - lo : 1) * sizeof(*runs));
	if (!runs)
		return PTK_ERR_NOMEM;
	for (size_t i = lo; i < hi; i++) {
		const struct ptk_rmap_rec *rec = &r->rec[i];

		if (!rec->missing)
			runs[k++] = (struct ptk_rmap_run){
				rec->space, rec->va, rec->pfn, 1, rec->level,
				rec->eff };
	}
	*n = ptk_rmap_merge(runs, k);
	return PTK_OK;
}
