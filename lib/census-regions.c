// SPDX-License-Identifier: MIT
/* Leaves and tables per region, and DirectMap, in one walk. */
#include <stdlib.h>
#include <string.h>

#include "ptkit/census-regions.h"
#include "ptkit/walk.h"
#include "pageset-priv.h"

struct counting {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct ptk_region_census *c;
	/* Tables are shared (ESPfix maps a page four times): the table
	 * pages seen, tagged with region and level, so each page counts
	 * once per region and level. */
	struct pageset seen;
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

/*
 * DirectMap as ptk_dm_count() counts it (every non-zero entry of the
 * direct map below the top two levels that is not a table, present or
 * not), from the entries the walk meets: @n entries from @e on, of
 * which @present are present.  Counted here, not from each table as
 * ptk_dm_count_table() does, a PTE table is scanned once, not twice.
 */
static void count_direct(struct counting *k, const struct ptk_walk_entry *e,
			 uint64_t n, bool present)
{
	const uint64_t size = ptk_level_size(e->level);
	const uint64_t last = k->direct_end - 1;
	uint64_t first_i, last_i;

	if (e->level > PTK_LEVEL_PUD || k->direct_end <= k->direct_start ||
	    e->va > last)
		return;
	/* the entries that meet [direct_start, direct_end) */
	first_i = k->direct_start > e->va ? (k->direct_start - e->va) / size
					  : 0;
	last_i = (last - e->va) / size;
	if (last_i > n - 1)
		last_i = n - 1;
	if (last_i < first_i)
		return;
	k->c->dm.pages[e->level] += last_i - first_i + 1;
	if (present)
		k->c->dm.present[e->level] += last_i - first_i + 1;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct counting *k = priv;

	k->c->tally[region_of(k, e->va)].leaves[e->level]++;
	count_direct(k, e, 1, true);
	return PTK_OK;
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	struct counting *k = priv;

	k->c->tally[region_of(k, e->va)].leaves[e->level] += n;
	count_direct(k, e, n, true);
	return PTK_OK;
}

/* A not-present entry that is not zero: a page CPA took out. */
static enum ptk_status on_absent(const struct ptk_walk_entry *e, void *priv)
{
	count_direct(priv, e, 1, false);
	return PTK_OK;
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct counting *k = priv;
	const size_t region = region_of(k, e->va);
	const unsigned level = e->level - 1;
	/* level < 8, and a kernel has a few dozen regions */
	const uint64_t tag = 1 + (uint64_t)region * 8 + level;
	int added = tag <= UINT32_MAX ? pageset_add(&k->seen, e->addr,
						    (uint32_t)tag) : -1;

	if (added < 0)
		return ptk_set_err(ptk_source_ctx(k->src), PTK_ERR_NOMEM,
				   "table census");
	k->c->tally[region].tables[level] += (unsigned)added;
	if (k->text_end > k->text_start)
		ptk_dm_count_table(k->src, k->pg, e, k->text_start,
				   k->text_end, true, &k->c->dm);
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct counting *k = priv;
	const uint64_t present = e->raw & 1, large = e->raw & (1u << 7);

	(void)why;
	k->c->bad_entries++;
	/* still an entry to DirectMap, unless it is a table (present, no
	 * PS): that one's entries are what count, and cannot be read */
	if (e->raw && (e->level == PTK_LEVEL_PTE || large || !present))
		count_direct(k, e, 1, present);
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
		.absent = on_absent, .bad = on_bad,
	};
	struct counting k = {
		.src = src, .pg = pg, .c = ret,
		.direct_start = direct_start, .direct_end = direct_end,
		.text_start = text_start, .text_end = text_end,
		.seen = PAGESET_INIT,
	};
	enum ptk_status st;

	memset(ret, 0, sizeof(*ret));
	ret->regions = ptk_source_regions(src, &ret->nregions);
	ret->tally = calloc(ret->nregions + 1, sizeof(*ret->tally));
	if (!ret->tally)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NOMEM,
				   "table census");
	st = ptk_walk(src, pg, 0, 0, &ops, &k);
	pageset_free(&k.seen);
	if (st != PTK_OK)
		ptk_region_census_release(ret);
	return st;
}

void ptk_region_census_release(struct ptk_region_census *c)
{
	free(c->tally);
	c->tally = NULL;
}
