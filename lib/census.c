// SPDX-License-Identifier: MIT
/* Which table pages a walk goes through, each once. */
#include <stdlib.h>
#include <string.h>

#include "ptkit/census.h"
#include "ptkit/walk.h"

void ptk_census_init(struct ptk_census *c)
{
	memset(c, 0, sizeof(*c));
}

void ptk_census_release(struct ptk_census *c)
{
	for (unsigned l = 0; l <= PTK_MAX_LEVELS; l++)
		free(c->pa[l]);
	ptk_census_init(c);
}

static int add(struct ptk_census *c, unsigned level, uint64_t pa)
{
	if (c->n[level] == c->cap[level]) {
		size_t cap = c->cap[level] ? 2 * c->cap[level] : 64;
		uint64_t *p = realloc(c->pa[level], cap * sizeof(*p));

		if (!p)
			return -1;
		c->pa[level] = p;
		c->cap[level] = cap;
	}
	c->pa[level][c->n[level]++] = pa;
	return 0;
}

struct census_walk {
	struct ptk_census *c;
	struct ptk_ctx *ctx;
};

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct census_walk *w = priv;

	if (add(w->c, e->level - 1, e->addr))
		return ptk_set_err(w->ctx, PTK_ERR_NOMEM, "table census");
	/* Nothing below a PTE table is a table: do not read it. */
	return e->level == PTK_LEVEL_PMD ? PTK_SKIP : PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct census_walk *w = priv;

	(void)e;
	(void)why;
	w->c->nbad++;
	return PTK_OK;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

enum ptk_status ptk_census_add(struct ptk_census *c, struct ptk_source *src,
			       const struct ptk_paging *pg)
{
	const struct ptk_walk_ops ops = { .table = on_table, .bad = on_bad };
	struct census_walk w = { c, ptk_source_ctx(src) };
	enum ptk_status st;

	if (add(c, pg->levels, pg->root) ||
	    (pg->user_root && add(c, pg->levels, pg->user_root)))
		return ptk_set_err(w.ctx, PTK_ERR_NOMEM, "table census");
	st = ptk_walk(src, pg, 0, 0, &ops, &w);
	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++) {
		size_t out = 0;

		if (!c->n[l])
			continue;
		qsort(c->pa[l], c->n[l], sizeof(uint64_t), u64_cmp);
		for (size_t i = 0; i < c->n[l]; i++)
			if (!out || c->pa[l][i] != c->pa[l][out - 1])
				c->pa[l][out++] = c->pa[l][i];
		c->n[l] = out;
	}
	return st;
}

size_t ptk_census_total(const struct ptk_census *c)
{
	size_t t = 0;

	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++)
		t += c->n[l];
	return t;
}
