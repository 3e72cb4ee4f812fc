// SPDX-License-Identifier: MIT
/* The walker's holes, merged as a reader wants them; see ptkit/holes.h. */
#include "ptkit/holes.h"

struct merging {
	const struct ptk_holes_ops *ops;
	void *priv;
	bool pending;
	struct ptk_hole h;
};

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct merging *m = priv;
	enum ptk_status st;

	if (m->pending && m->h.end == va && m->h.level == level) {
		m->h.end = end;
		return PTK_OK;
	}
	if (m->pending && (st = m->ops->hole(&m->h, m->priv)) != PTK_OK)
		return st;
	m->pending = true;
	m->h = (struct ptk_hole){ va, end, level };
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct merging *m = priv;

	return m->ops->bad ? m->ops->bad(e, why, m->priv) : why;
}

/* Leaves are not wanted; a run lets the walker pass over PTEs at once. */
static enum ptk_status skip_run(const struct ptk_walk_entry *e, uint64_t n,
				void *priv)
{
	(void)e;
	(void)n;
	(void)priv;
	return PTK_OK;
}

static const struct ptk_walk_ops merge_ops = {
	.hole = on_hole, .bad = on_bad, .leaf_run = skip_run,
};

static enum ptk_status flush(struct merging *m, enum ptk_status st)
{
	if (st == PTK_OK && m->pending) {
		m->pending = false;
		st = m->ops->hole(&m->h, m->priv);
	}
	return st;
}

enum ptk_status ptk_holes(struct ptk_source *src, const struct ptk_paging *pg,
			  uint64_t start, uint64_t end,
			  const struct ptk_holes_ops *ops, void *priv)
{
	struct merging m = { .ops = ops, .priv = priv };

	return flush(&m, ptk_walk(src, pg, start, end, &merge_ops, &m));
}

enum ptk_status ptk_direct_map_holes(struct ptk_source *src,
				     const struct ptk_paging *pg,
				     uint64_t page_offset,
				     const struct ptk_holes_ops *ops,
				     void *priv)
{
	const uint64_t mask = PTK_PAGE_SIZE - 1;
	struct merging m = { .ops = ops, .priv = priv };
	size_t nram;
	const struct ptk_range *ram = ptk_source_ram(src, &nram);
	enum ptk_status st = PTK_OK;

	for (size_t i = 0; i < nram && st == PTK_OK; i++)
		st = ptk_walk(src, pg, page_offset + (ram[i].start & ~mask),
			      page_offset + ((ram[i].end + mask) & ~mask),
			      &merge_ops, &m);
	return flush(&m, st);
}
