// SPDX-License-Identifier: MIT
/*
 * The run merger: leaves (and, for ptdump, holes) in, maximal runs out.
 * Like x86's note_page(), it keeps one open run and closes it when the
 * next piece differs in level or flags, is not adjacent, or lies past a
 * marker.
 */
#include "ptkit/runs.h"

/* Bits that never split a run. */
#define RUN_IGNORED (PTK_F_A | PTK_F_D)

struct merger {
	enum ptk_runs_mode mode;
	unsigned top_level;
	const struct ptk_runs_ops *ops;
	void *priv;
	uint64_t start, last;	/* the walked range, inclusive */
	bool open;
	struct ptk_run r;
	uint64_t next_cut;	/* first cut above r.va, or 0 if none */
	size_t cut_idx;
};

static enum ptk_status close_run(struct merger *m)
{
	if (!m->open)
		return PTK_OK;
	m->open = false;
	return m->ops->run(&m->r, NULL, m->priv);
}

static void find_next_cut(struct merger *m)
{
	while (m->cut_idx < m->ops->ncuts &&
	       m->ops->cuts[m->cut_idx] <= m->r.va)
		m->cut_idx++;
	m->next_cut = m->cut_idx < m->ops->ncuts ? m->ops->cuts[m->cut_idx] : 0;
}

/* Add a piece [va, last] starting at physical @pa; merge or start a run. */
static enum ptk_status add_one(struct merger *m, uint64_t va, uint64_t last,
				 uint64_t pa, unsigned level, bool present,
				 unsigned eff, unsigned pkey, uint64_t count)
{
	struct ptk_run *r = &m->r;
	enum ptk_status st;

	if (va < m->start) {
		pa += m->start - va;
		va = m->start;
	}
	if (last > m->last)
		last = m->last;
	if (m->open && r->present == present && r->level == level &&
	    r->eff == eff && r->pkey == pkey && r->end == va &&
	    (!m->next_cut || va < m->next_cut) &&
	    (m->mode != PTK_RUNS_PHYS || r->pa + (r->end - r->va) == pa)) {
		r->end = last + 1;
		r->count += count;
		return PTK_OK;
	}
	st = close_run(m);
	if (st != PTK_OK)
		return st;
	m->open = true;
	r->va = va;
	r->end = last + 1;
	r->pa = pa;
	r->level = level;
	r->present = present;
	r->count = count;
	r->eff = eff;
	r->pkey = pkey;
	find_next_cut(m);
	return PTK_OK;
}

/* The first cut above @va, or 0. */
static uint64_t cut_above(const struct merger *m, uint64_t va)
{
	size_t lo = 0, hi = m->ops->ncuts;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->ops->cuts[mid] <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->ops->ncuts ? m->ops->cuts[lo] : 0;
}

/*
 * Holes and runs of PTEs come merged from the walker and may span a
 * marker: cut them there, between entries.  A single large leaf is never
 * cut, as the kernel's dump never splits an entry.
 */
static enum ptk_status add_piece(struct merger *m, uint64_t va, uint64_t last,
				 uint64_t pa, unsigned level, bool present,
				 unsigned eff, unsigned pkey, uint64_t count)
{
	enum ptk_status st;
	uint64_t cut;

	while ((!present || count > 1) && (cut = cut_above(m, va)) &&
	       cut - 1 < last) {
		uint64_t n = present ? (cut - va) >> 12 : 1;

		st = add_one(m, va, cut - 1, pa, level, present, eff, pkey, n);
		if (st != PTK_OK)
			return st;
		if (present) {
			pa += cut - va;
			count -= n;
		}
		va = cut;
	}
	return add_one(m, va, last, pa, level, present, eff, pkey, count);
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct merger *m = priv;

	if (m->mode == PTK_RUNS_ENTRIES) {
		struct ptk_run r = {
			.va = e->va, .end = e->end, .pa = e->addr,
			.level = e->level, .present = true, .count = 1,
			.eff = e->eff, .pkey = e->pkey,
		};
		return m->ops->run(&r, e, m->priv);
	}
	return add_piece(m, e->va, e->end - 1, e->addr, e->level, true,
			 e->eff & ~RUN_IGNORED, e->pkey, 1);
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	return add_piece(priv, e->va, e->end - 1, e->addr, e->level, true,
			 e->eff & ~RUN_IGNORED, e->pkey, n);
}

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct merger *m = priv;

	if (m->mode != PTK_RUNS_PTDUMP)
		return PTK_OK;
	/* As in the kernel's dump, the non-canonical gap joins the top-level
	 * holes around it. */
	if (!level)
		level = m->top_level;
	return add_piece(m, va, end - 1, 0, level, false, 0, 0, 1);
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct merger *m = priv;

	return m->ops->bad(e, why, m->priv);
}

enum ptk_status ptk_runs_walk(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t start,
			      uint64_t end, enum ptk_runs_mode mode,
			      const struct ptk_runs_ops *ops, void *priv)
{
	struct merger m = {
		.mode = mode, .top_level = pg->levels, .ops = ops, .priv = priv,
		.start = start, .last = end - 1,
	};
	const struct ptk_walk_ops wops = {
		.leaf = on_leaf,
		/* Single entries are wanted in ENTRIES mode only. */
		.leaf_run = mode == PTK_RUNS_ENTRIES ? NULL : on_leaf_run,
		.hole = mode == PTK_RUNS_PTDUMP ? on_hole : NULL,
		.bad = ops->bad ? on_bad : NULL,
	};
	enum ptk_status st;

	st = ptk_walk(src, pg, start, end, &wops, &m);
	if (st != PTK_OK)
		return st;
	return close_run(&m);
}
