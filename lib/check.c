// SPDX-License-Identifier: MIT
/* Auditing page tables as ptkit check does; see ptkit/check.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/check.h"
#include "ptkit/walk.h"

static const char *const names[PTK_FIND_NKINDS] = {
	[PTK_FIND_WX] = "wx", [PTK_FIND_USER] = "user",
	[PTK_FIND_NOT_RAM] = "not-ram", [PTK_FIND_SHARED] = "shared-table",
	[PTK_FIND_BAD] = "bad-entry",
};

static const char *const texts[PTK_FIND_NKINDS] = {
	[PTK_FIND_WX] = "writable and executable kernel mapping",
	[PTK_FIND_USER] = "kernel mapping user code can reach",
	[PTK_FIND_NOT_RAM] = "direct map maps memory that is not RAM",
	[PTK_FIND_SHARED] = "table reached twice",
	[PTK_FIND_BAD] = "entry that cannot be followed",
};

const char *ptk_finding_name(enum ptk_finding_kind kind)
{
	return kind < PTK_FIND_NKINDS ? names[kind] : "?";
}

const char *ptk_finding_text(enum ptk_finding_kind kind)
{
	return kind < PTK_FIND_NKINDS ? texts[kind] : "?";
}

/* A table seen, and the address of the entry that reached it. */
struct seen {
	uint64_t pa;		/* | 1, so that 0 is an empty slot */
	uint64_t va;
};

struct ptk_check {
	struct ptk_source *src;
	struct ptk_paging pg;
	ptk_finding_fn fn;
	void *priv;
	uint64_t kernel_start;	/* the kernel half */
	uint64_t direct_start, direct_end, espfix_start, espfix_end;
	bool open;		/* f is a run still growing */
	struct ptk_finding f;
	uint64_t counts[PTK_FIND_NKINDS];
	/* Tables seen, for "reached twice": open addressing on pa. */
	struct seen *seen;
	size_t nseen, capseen;
};

static void region_range(struct ptk_source *src, const char *name,
			 uint64_t *start, uint64_t *end)
{
	const struct ptk_region *rg = ptk_source_region_named(src, name);

	*start = rg ? rg->start : 0;
	*end = rg ? rg->end : 0;
}

enum ptk_status ptk_check_new(struct ptk_source *src,
			      const struct ptk_paging *pg, ptk_finding_fn fn,
			      void *priv, struct ptk_check **ret)
{
	struct ptk_check *c = calloc(1, sizeof(*c));

	*ret = c;
	if (!c)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NOMEM, "check");
	c->src = src;
	c->pg = *pg;
	c->fn = fn;
	c->priv = priv;
	c->kernel_start = ptk_noncanon_end(pg);
	region_range(src, "Low Kernel Mapping", &c->direct_start,
		     &c->direct_end);
	region_range(src, "ESPfix Area", &c->espfix_start, &c->espfix_end);
	return PTK_OK;
}

static enum ptk_status emit(struct ptk_check *c)
{
	if (!c->open)
		return PTK_OK;
	c->open = false;
	return c->fn(&c->f, c->priv);
}

static enum ptk_status report(struct ptk_check *c, enum ptk_finding_kind kind,
			      const struct ptk_walk_entry *e)
{
	enum ptk_status st;

	c->counts[kind]++;
	if (c->open && c->f.kind == kind && c->f.end == e->va &&
	    c->f.level == e->level) {
		c->f.end = e->end;
		c->f.count++;
		return PTK_OK;
	}
	st = emit(c);
	c->open = true;
	c->f = (struct ptk_finding){ kind, e->va, e->end, e->level, e->raw,
				     e->entry_pa, 1, NULL };
	return st;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct ptk_check *c = priv;
	enum ptk_status st = PTK_OK;

	if (e->va >= c->kernel_start) {
		if ((e->eff & PTK_F_RW) && !(e->eff & PTK_F_NX))
			st = report(c, PTK_FIND_WX, e);
		if (st == PTK_OK && (e->eff & PTK_F_US))
			st = report(c, PTK_FIND_USER, e);
	}
	if (st == PTK_OK && c->direct_end && e->va >= c->direct_start &&
	    e->va < c->direct_end &&
	    ptk_source_page_state(c->src, e->addr) == PTK_PAGE_NOT_RAM)
		st = report(c, PTK_FIND_NOT_RAM, e);
	return st;
}

static size_t seen_hash(uint64_t pa, size_t cap)
{
	return (size_t)((pa >> 12) * 0x9e3779b97f4a7c15ull >> 17) & (cap - 1);
}

/* The slot of the table at @pa, added if new (with @va); NULL: no memory. */
static struct seen *seen_slot(struct ptk_check *c, uint64_t pa, uint64_t va)
{
	if (2 * (c->nseen + 1) > c->capseen) {
		size_t cap = c->capseen ? 2 * c->capseen : 1024;
		struct seen *n = calloc(cap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t i = 0; i < c->capseen; i++) {
			size_t h;

			if (!c->seen[i].pa)
				continue;
			for (h = seen_hash(c->seen[i].pa, cap); n[h].pa;
			     h = (h + 1) & (cap - 1))
				;
			n[h] = c->seen[i];
		}
		free(c->seen);
		c->seen = n;
		c->capseen = cap;
	}
	for (size_t h = seen_hash(pa, c->capseen);; h = (h + 1) & (c->capseen - 1)) {
		if (!c->seen[h].pa) {
			c->seen[h] = (struct seen){ pa | 1, va };
			c->nseen++;
			return &c->seen[h];
		}
		if (c->seen[h].pa == (pa | 1))
			return &c->seen[h];
	}
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct ptk_check *c = priv;
	struct seen *s;
	enum ptk_status st;

	if (e->va >= c->espfix_start && e->va < c->espfix_end)
		return PTK_OK;
	s = seen_slot(c, e->addr, e->va);
	if (!s)
		return ptk_set_err(ptk_source_ctx(c->src), PTK_ERR_NOMEM,
				   "check");
	/* the same entry again, as a range after the first goes through it */
	if (s->va == e->va)
		return PTK_OK;
	st = report(c, PTK_FIND_SHARED, e);
	return st == PTK_OK ? PTK_SKIP : st;	/* its entries were checked */
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct ptk_check *c = priv;
	struct ptk_finding f = { PTK_FIND_BAD, e->va, e->end, e->level,
				 e->raw, e->entry_pa, 1, NULL };
	enum ptk_status st;
	char msg[512];

	(void)why;
	/* the message first: reporting the run before may use the context */
	snprintf(msg, sizeof(msg), "%s", ptk_ctx_err(ptk_source_ctx(c->src)));
	f.why = msg;
	st = emit(c);
	c->counts[PTK_FIND_BAD]++;
	if (st == PTK_OK)
		st = c->fn(&f, c->priv);
	return st;
}

enum ptk_status ptk_check_range(struct ptk_check *c, uint64_t start,
				uint64_t end)
{
	const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .table = on_table, .bad = on_bad,
	};

	return ptk_walk(c->src, &c->pg, start, end, &ops, c);
}

enum ptk_status ptk_check_finish(struct ptk_check *c)
{
	return emit(c);
}

uint64_t ptk_check_count(const struct ptk_check *c, enum ptk_finding_kind kind)
{
	return kind < PTK_FIND_NKINDS ? c->counts[kind] : 0;
}

void ptk_check_free(struct ptk_check *c)
{
	if (!c)
		return;
	free(c->seen);
	free(c);
}
