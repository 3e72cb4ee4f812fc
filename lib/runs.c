// SPDX-License-Identifier: MIT
/*
 * The run merger: leaves in, maximal runs out.  Like x86's note_page(),
 * it keeps one open run and closes it when the next piece differs in
 * level or flags or is not adjacent (the kernel's own listing, markers
 * and all, is ptdump.c's).
 */
#include "ptkit/runs.h"

/* Bits that never split a run. */
#define RUN_IGNORED (PTK_F_A | PTK_F_D)

struct merger {
	enum ptk_runs_mode mode;
	const struct ptk_runs_ops *ops;
	void *priv;
	uint64_t start, last;	/* the walked range, inclusive */
	bool open;
	struct ptk_run r;
};

static enum ptk_status close_run(struct merger *m)
{
	if (!m->open)
		return PTK_OK;
	m->open = false;
	return m->ops->run(&m->r, NULL, m->priv);
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
	    r->pa + (r->end - r->va) == pa) {
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
	return PTK_OK;
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
	return add_one(m, e->va, e->end - 1, e->addr, e->level, true,
		       e->eff & ~RUN_IGNORED, e->pkey, 1);
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	return add_one(priv, e->va, e->end - 1, e->addr, e->level, true,
		       e->eff & ~RUN_IGNORED, e->pkey, n);
}

static enum ptk_status on_absent(const struct ptk_walk_entry *e, void *priv)
{
	struct merger *m = priv;

	return m->ops->absent(e, m->priv);
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
		.mode = mode, .ops = ops, .priv = priv,
		.start = start, .last = end - 1,
	};
	const struct ptk_walk_ops wops = {
		.leaf = on_leaf,
		/* Single entries are wanted in ENTRIES mode only. */
		.leaf_run = mode == PTK_RUNS_ENTRIES ? NULL : on_leaf_run,
		.absent = ops->absent ? on_absent : NULL,
		.bad = ops->bad ? on_bad : NULL,
	};
	enum ptk_status st;

	st = ptk_walk(src, pg, start, end, &wops, &m);
	if (st != PTK_OK)
		return st;
	return close_run(&m);
}
