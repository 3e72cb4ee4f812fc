// SPDX-License-Identifier: MIT
/* The walker's holes, merged as a reader wants them; see ptkit/holes.h. */
#include "ptkit/holes.h"

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct ptk_holes_walk *m = priv;
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
	struct ptk_holes_walk *m = priv;

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

void ptk_holes_begin(struct ptk_holes_walk *w,
		     const struct ptk_holes_ops *ops, void *priv)
{
	*w = (struct ptk_holes_walk){ .ops = ops, .priv = priv };
}

enum ptk_status ptk_holes_range(struct ptk_holes_walk *w,
				struct ptk_source *src,
				const struct ptk_paging *pg, uint64_t start,
				uint64_t end)
{
	return ptk_walk(src, pg, start, end, &merge_ops, w);
}

enum ptk_status ptk_holes_end(struct ptk_holes_walk *w)
{
	if (!w->pending)
		return PTK_OK;
	w->pending = false;
	return w->ops->hole(&w->h, w->priv);
}

enum ptk_status ptk_holes(struct ptk_source *src, const struct ptk_paging *pg,
			  uint64_t start, uint64_t end,
			  const struct ptk_holes_ops *ops, void *priv)
{
	struct ptk_holes_walk w;
	enum ptk_status st;

	ptk_holes_begin(&w, ops, priv);
	st = ptk_holes_range(&w, src, pg, start, end);
	return st == PTK_OK ? ptk_holes_end(&w) : st;
}

enum ptk_status ptk_direct_map_holes(struct ptk_source *src,
				     const struct ptk_paging *pg,
				     uint64_t page_offset,
				     const struct ptk_holes_ops *ops,
				     void *priv)
{
	const uint64_t mask = PTK_PAGE_SIZE - 1;
	struct ptk_holes_walk w;
	size_t nram;
	const struct ptk_range *ram = ptk_source_ram(src, &nram);
	enum ptk_status st = PTK_OK;

	ptk_holes_begin(&w, ops, priv);
	for (size_t i = 0; i < nram && st == PTK_OK; i++)
		st = ptk_holes_range(&w, src, pg,
				     page_offset + (ram[i].start & ~mask),
				     page_offset + ((ram[i].end + mask) & ~mask));
	return st == PTK_OK ? ptk_holes_end(&w) : st;
}
