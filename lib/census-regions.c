// SPDX-License-Identifier: MIT
/* Leaves and tables per region, and DirectMap, in one walk. */
#include <stdlib.h>
#include <string.h>

#include "ptkit/census-regions.h"
#include "ptkit/walk.h"

/* A table reference: which region, which level, which page. */
struct tref {
	size_t region;
	unsigned level;
	uint64_t pa;
};

#define EMPTY_REF UINT64_MAX	/* no table page starts there */

struct counting {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct ptk_region_census *c;
	/* Tables are shared (ESPfix maps a page four times): a set of the
	 * table references seen, so each page counts once per region and
	 * level.  Open addressing; pa == EMPTY_REF marks a free slot. */
	struct tref *refs;
	size_t nrefs, caprefs;
	uint64_t direct_start, direct_end, text_start, text_end;
};

static size_t region_of(const struct counting *k, uint64_t va)
{
	const struct ptk_region *rg = k->c->regions;
	size_t lo = 0, hi = k->c->nregions;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (va < rg[mid].start)
			hi = mid;
		else if (rg[mid].end && va >= rg[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return k->c->nregions;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct counting *k = priv;

	k->c->tally[region_of(k, e->va)].leaves[e->level]++;
	return PTK_OK;
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	struct counting *k = priv;

	k->c->tally[region_of(k, e->va)].leaves[e->level] += n;
	return PTK_OK;
}

static size_t tref_slot(const struct counting *k, const struct tref *r)
{
	uint64_t h = (r->pa >> 12 ^ (uint64_t)r->level << 58 ^ r->region) *
		     UINT64_C(0x9e3779b97f4a7c15);
	size_t mask = k->caprefs - 1;

	for (size_t i = (size_t)(h >> 32) & mask;; i = (i + 1) & mask) {
		const struct tref *q = &k->refs[i];

		if (q->pa == EMPTY_REF || (q->pa == r->pa &&
					   q->level == r->level &&
					   q->region == r->region))
			return i;
	}
}

/* Keep the set at most half full. */
static bool tref_grow(struct counting *k)
{
	size_t old = k->caprefs, cap = old ? 2 * old : 1024;
	struct tref *was = k->refs, *p = malloc(cap * sizeof(*p));

	if (!p)
		return false;
	for (size_t i = 0; i < cap; i++)
		p[i].pa = EMPTY_REF;
	k->refs = p;
	k->caprefs = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i].pa != EMPTY_REF)
			k->refs[tref_slot(k, &was[i])] = was[i];
	free(was);
	return true;
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct counting *k = priv;
	struct tref r = { region_of(k, e->va), e->level - 1, e->addr };
	size_t i;

	if (2 * (k->nrefs + 1) > k->caprefs && !tref_grow(k))
		return ptk_set_err(ptk_source_ctx(k->src), PTK_ERR_NOMEM,
				   "table census");
	i = tref_slot(k, &r);
	if (k->refs[i].pa == EMPTY_REF) {
		k->refs[i] = r;
		k->nrefs++;
		k->c->tally[r.region].tables[r.level]++;
	}
	if (k->direct_end > k->direct_start)
		ptk_dm_count_table(k->src, k->pg, e, k->direct_start,
				   k->direct_end, false, &k->c->dm);
	if (k->text_end > k->text_start)
		ptk_dm_count_table(k->src, k->pg, e, k->text_start,
				   k->text_end, true, &k->c->dm);
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct counting *k = priv;

	(void)e;
	(void)why;
	k->c->bad_entries++;
	return PTK_OK;
}

enum ptk_status ptk_region_census(struct ptk_source *src,
				  const struct ptk_paging *pg,
				  uint64_t direct_start, uint64_t direct_end,
				  uint64_t text_start, uint64_t text_end,
				  struct ptk_region_census *ret)
{
	static const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .leaf_run = on_leaf_run, .table = on_table,
		.bad = on_bad,
	};
	struct counting k = {
		.src = src, .pg = pg, .c = ret,
		.direct_start = direct_start, .direct_end = direct_end,
		.text_start = text_start, .text_end = text_end,
	};
	enum ptk_status st;

	memset(ret, 0, sizeof(*ret));
	ret->regions = ptk_source_regions(src, &ret->nregions);
	ret->tally = calloc(ret->nregions + 1, sizeof(*ret->tally));
	if (!ret->tally)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NOMEM,
				   "table census");
	st = ptk_walk(src, pg, 0, 0, &ops, &k);
	free(k.refs);
	if (st != PTK_OK)
		ptk_region_census_release(ret);
	return st;
}

void ptk_region_census_release(struct ptk_region_census *c)
{
	free(c->tally);
	c->tally = NULL;
}
