// SPDX-License-Identifier: MIT
/*
 * The edit overlay: copy-on-write pages over a source, a journal of
 * operations, and the operations themselves.  See edit.h.
 *
 * Changing attributes follows the kernel's change_page_attr() (arch/x86/
 * mm/pat/set_memory.c): masks in the 4 KiB format (PAT in bit 7); a
 * large page is kept when its protection would not change, or when the
 * request covers it whole; otherwise it is split and the loop tries again.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit-priv.h"
#include "pagemap-priv.h"
#include "ptkit/build.h"
#include "ptkit/census.h"
#include "ptkit/directmap.h"
#include "ptkit/runs.h"

#define HW_P UINT64_C(0x1)
#define HW_US UINT64_C(0x4)
#define HW_PS UINT64_C(0x80)
#define HW_G UINT64_C(0x100)
#define HW_PAT_4K UINT64_C(0x80)
#define HW_PAT_LARGE UINT64_C(0x1000)
#define ADDR_MASK UINT64_C(0x000ffffffffff000)
/* _KERNPG_TABLE: P, RW, A, D (arch/x86/include/asm/pgtable_types.h) */
#define KERNPG_TABLE UINT64_C(0x63)

struct write_rec {
	uint64_t pa;
	uint64_t old;
};

struct op_rec {
	char *desc;
	struct write_rec *w;
	size_t nw, capw;
	uint64_t *alloc;	/* table pages this op took from the pool */
	size_t nalloc, capalloc;
	bool root_changed;
	uint64_t old_root;
};

struct ptk_edit {
	struct ptk_ctx *ctx;
	struct ptk_source *base;
	struct ptk_source *src;
	struct ptk_paging pg;
	struct pagemap pages;
	struct op_rec *ops;
	size_t nops, capops;
	struct op_rec *cur;
	bool no_journal;
	/* The pool: free ranges, taken from the top; and pages given back. */
	bool pool_ready, pool_given;
	/* Without free RAM: pages past the end of RAM, counted up */
	uint64_t beyond_start, beyond_next;
	struct ptk_range *pool;	/* sorted by start */
	size_t npool, pool_cap;
	uint64_t *given_back;
	size_t ngiven, capgiven;
	/* [start, end): the direct map below max_pfn_mapped, where CPA
	 * passes over a zero entry (__cpa_process_fault()) */
	uint64_t identity_start, identity_end;
	uint64_t page[PTK_ENTRIES];	/* scratch for table reads */
};

void ptk_cpa_set_max_pfn_mapped(struct ptk_edit *ed, uint64_t page_offset,
				uint64_t max_pfn_mapped)
{
	ed->identity_start = page_offset;
	ed->identity_end = max_pfn_mapped ? page_offset + (max_pfn_mapped <<
							  PTK_PAGE_SHIFT)
					  : page_offset;
}

struct ptk_ctx *edit_ctx(const struct ptk_edit *ed)
{
	return ed->ctx;
}

/* --- the overlay as a source --- */

static const void *ov_map(struct ptk_source *src, uint64_t pa, size_t len)
{
	struct ptk_edit *ed = ptk_source_priv(src);
	uint64_t off = pa & (PTK_PAGE_SIZE - 1);
	const uint64_t *p;

	if (off + len > PTK_PAGE_SIZE)
		return NULL;
	p = pagemap_find(&ed->pages, pa >> PTK_PAGE_SHIFT);
	if (p)
		return (const char *)p + off;
	return ptk_source_map(ed->base, pa, len);
}

static enum ptk_status ov_read(struct ptk_source *src, uint64_t pa, void *buf,
			       size_t len)
{
	struct ptk_edit *ed = ptk_source_priv(src);
	char *out = buf;

	while (len) {
		uint64_t off = pa & (PTK_PAGE_SIZE - 1);
		size_t n = PTK_PAGE_SIZE - off < len ? PTK_PAGE_SIZE - off : len;
		const uint64_t *p = pagemap_find(&ed->pages, pa >> PTK_PAGE_SHIFT);
		enum ptk_status st;

		if (p) {
			memcpy(out, (const char *)p + off, n);
		} else {
			st = ptk_source_read(ed->base, pa, out, n);
			if (st != PTK_OK)
				return st;
		}
		out += n;
		pa += n;
		len -= n;
	}
	return PTK_OK;
}

static enum ptk_page_state ov_page_state(struct ptk_source *src, uint64_t pa)
{
	struct ptk_edit *ed = ptk_source_priv(src);

	if (pagemap_find(&ed->pages, pa >> PTK_PAGE_SHIFT))
		return PTK_PAGE_PRESENT;
	return ptk_source_page_state(ed->base, pa);
}

static const struct ptk_source_ops overlay_ops = {
	.format = "edited (ptkit overlay)",
	.read = ov_read,
	.map = ov_map,
	.page_state = ov_page_state,
};

/* The edited view describes the same machine as its base. */
static enum ptk_status copy_description(struct ptk_source *to,
					struct ptk_source *from)
{
	const struct ptk_range *ram;
	const struct ptk_cpu_regs *cpus;
	const struct ptk_region *rg;
	enum ptk_status st = PTK_OK;
	size_t n;

	ram = ptk_source_ram(from, &n);
	for (size_t i = 0; i < n && st == PTK_OK; i++)
		st = ptk_source_add_ram(to, ram[i].start, ram[i].end);
	for (size_t i = 0; i < ptk_source_meta_count(from) && st == PTK_OK; i++) {
		const char *k, *v;

		ptk_source_meta_at(from, i, &k, &v);
		st = ptk_source_set_meta(to, k, v);
	}
	cpus = ptk_source_cpus(from, &n);
	for (size_t i = 0; i < n && st == PTK_OK; i++)
		st = ptk_source_add_cpu(to, &cpus[i]);
	rg = ptk_source_regions(from, &n);
	for (size_t i = 0; i < n && st == PTK_OK; i++)
		st = ptk_source_add_region(to, rg[i].name, rg[i].start,
					   rg[i].end);
	return st;
}

enum ptk_status ptk_edit_new(struct ptk_source *base,
			     const struct ptk_paging *pg,
			     struct ptk_edit **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(base);
	struct ptk_edit *ed = calloc(1, sizeof(*ed));
	enum ptk_status st;
	char name[512];

	if (!ed)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "edit");
	ed->ctx = ctx;
	ed->base = base;
	ed->pg = *pg;
	pagemap_init(&ed->pages);
	snprintf(name, sizeof(name), "%s (edited)", ptk_source_name(base));
	st = ptk_source_new(ctx, name, &overlay_ops, ed, &ed->src);
	if (st == PTK_OK)
		st = copy_description(ed->src, base);
	if (st != PTK_OK) {
		ptk_edit_free(ed);
		return st;
	}
	*ret = ed;
	return PTK_OK;
}

static void op_release(struct op_rec *op)
{
	free(op->desc);
	free(op->w);
	free(op->alloc);
	memset(op, 0, sizeof(*op));
}

void ptk_edit_free(struct ptk_edit *ed)
{
	if (!ed)
		return;
	for (size_t i = 0; i < ed->nops; i++)
		op_release(&ed->ops[i]);
	if (ed->cur)
		op_release(ed->cur);
	free(ed->cur);
	free(ed->ops);
	free(ed->pool);
	free(ed->given_back);
	pagemap_release(&ed->pages);
	ptk_source_free(ed->src);
	free(ed);
}

struct ptk_source *ptk_edit_source(struct ptk_edit *ed)
{
	return ed->src;
}

void ptk_edit_paging(const struct ptk_edit *ed, struct ptk_paging *ret)
{
	*ret = ed->pg;
}

/* --- the journal --- */

enum ptk_status edit_begin(struct ptk_edit *ed, const char *fmt, ...)
{
	va_list ap;
	int n;

	ptk_ctx_clear_err(ed->ctx);
	ed->cur = calloc(1, sizeof(*ed->cur));
	if (!ed->cur)
		return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "edit");
	va_start(ap, fmt);
	n = vasprintf(&ed->cur->desc, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ed->cur->desc = NULL;
		free(ed->cur);
		ed->cur = NULL;
		return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "edit");
	}
	return PTK_OK;
}

static void give_back(struct ptk_edit *ed, uint64_t pa)
{
	if (ed->ngiven == ed->capgiven) {
		size_t cap = ed->capgiven ? 2 * ed->capgiven : 16;
		uint64_t *p = realloc(ed->given_back, cap * sizeof(*p));

		if (!p)
			return;		/* the page is just not reused */
		ed->given_back = p;
		ed->capgiven = cap;
	}
	ed->given_back[ed->ngiven++] = pa;
}

/* Put everything @op changed back as it was. */
static void revert(struct ptk_edit *ed, struct op_rec *op)
{
	for (size_t i = op->nw; i-- > 0;) {
		uint64_t *p = pagemap_find(&ed->pages,
					   op->w[i].pa >> PTK_PAGE_SHIFT);

		p[(op->w[i].pa & (PTK_PAGE_SIZE - 1)) / 8] = op->w[i].old;
	}
	for (size_t i = op->nalloc; i-- > 0;)
		give_back(ed, op->alloc[i]);
	if (op->root_changed)
		ed->pg.root = op->old_root;
}

enum ptk_status edit_end(struct ptk_edit *ed, enum ptk_status st)
{
	struct op_rec *op = ed->cur;

	ed->cur = NULL;
	if (st != PTK_OK || ed->no_journal) {
		if (st != PTK_OK)
			revert(ed, op);
		op_release(op);
		free(op);
		return st;
	}
	if (ed->nops == ed->capops) {
		size_t cap = ed->capops ? 2 * ed->capops : 16;
		struct op_rec *p = realloc(ed->ops, cap * sizeof(*p));

		if (!p) {
			revert(ed, op);
			op_release(op);
			free(op);
			return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "journal");
		}
		ed->ops = p;
		ed->capops = cap;
	}
	ed->ops[ed->nops++] = *op;
	free(op);
	return PTK_OK;
}

void ptk_edit_set_journal(struct ptk_edit *ed, bool on)
{
	ed->no_journal = !on;
}

size_t ptk_edit_journal_len(const struct ptk_edit *ed)
{
	return ed->nops;
}

const char *ptk_edit_journal_at(const struct ptk_edit *ed, size_t i)
{
	return i < ed->nops ? ed->ops[i].desc : NULL;
}

size_t ptk_edit_journal_writes(const struct ptk_edit *ed, size_t i)
{
	return i < ed->nops ? ed->ops[i].nw : 0;
}

enum ptk_status ptk_edit_undo(struct ptk_edit *ed)
{
	struct op_rec *op;

	ptk_ctx_clear_err(ed->ctx);
	if (!ed->nops)
		return ptk_set_err(ed->ctx, PTK_ERR_INVALID, "nothing to undo");
	op = &ed->ops[--ed->nops];
	revert(ed, op);
	op_release(op);
	return PTK_OK;
}

enum ptk_status ptk_edit_pages(struct ptk_edit *ed, const uint64_t **pfns,
			       size_t *count)
{
	return pagemap_sorted(&ed->pages, ed->ctx, pfns, count);
}

/* --- writing --- */

static int push_write(struct op_rec *op, uint64_t pa, uint64_t old)
{
	if (op->nw == op->capw) {
		size_t cap = op->capw ? 2 * op->capw : 16;
		struct write_rec *p = realloc(op->w, cap * sizeof(*p));

		if (!p)
			return -1;
		op->w = p;
		op->capw = cap;
	}
	op->w[op->nw++] = (struct write_rec){ pa, old };
	return 0;
}

/* The writable copy of the page at @pa, made from the base or zeros. */
static enum ptk_status cow_page(struct ptk_edit *ed, uint64_t pa, bool zero,
				uint64_t **ret)
{
	uint64_t pfn = pa >> PTK_PAGE_SHIFT;
	uint64_t *p = pagemap_find(&ed->pages, pfn);
	enum ptk_status st;

	if (!p) {
		uint64_t limit = ptk_ctx_page_limit(ed->ctx);

		if (limit && ed->pages.n >= limit)
			return ptk_set_err(ed->ctx, PTK_ERR_NOMEM,
					   "more than %" PRIu64 " edited pages",
					   limit);
		if (!zero) {
			st = ptk_source_read(ed->base, pfn << PTK_PAGE_SHIFT,
					     ed->page, PTK_PAGE_SIZE);
			if (st != PTK_OK)
				return ptk_set_err(ed->ctx, st,
						   "table page %#" PRIx64,
						   pfn << PTK_PAGE_SHIFT);
		}
		p = pagemap_add(&ed->pages, pfn, zero ? NULL : ed->page);
		if (!p)
			return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "edit page");
	}
	*ret = p;
	return PTK_OK;
}

enum ptk_status edit_write(struct ptk_edit *ed, uint64_t pa, uint64_t value)
{
	uint64_t *p, *slot;
	enum ptk_status st;

	if (pa & 7)
		return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
				   "entry address %#" PRIx64 " is not 8-byte "
				   "aligned", pa);
	st = cow_page(ed, pa, false, &p);
	if (st != PTK_OK)
		return st;
	slot = &p[(pa & (PTK_PAGE_SIZE - 1)) / 8];
	if (push_write(ed->cur, pa, *slot))
		return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "journal");
	*slot = value;
	return PTK_OK;
}

static enum ptk_status read_entry(struct ptk_edit *ed, uint64_t pa,
				  uint64_t *ret)
{
	return ptk_source_read(ed->src, pa, ret, sizeof(*ret));
}

/* --- the pool --- */

struct used {
	struct ptk_range *r;
	size_t n, cap;
	uint64_t direct_start, direct_end;
};

static int used_add(struct used *u, uint64_t start, uint64_t end)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 256;
		struct ptk_range *p = realloc(u->r, cap * sizeof(*p));

		if (!p)
			return -1;
		u->r = p;
		u->cap = cap;
	}
	u->r[u->n++] = (struct ptk_range){ start, end };
	return 0;
}

static enum ptk_status used_run(const struct ptk_run *r,
				const struct ptk_walk_entry *e, void *priv)
{
	struct used *u = priv;

	(void)e;
	if (u->direct_end && r->va >= u->direct_start && r->va < u->direct_end)
		return PTK_OK;	/* the direct map maps all RAM */
	return used_add(u, r->pa, r->pa + (r->end - r->va)) ? PTK_ERR_NOMEM
							      : PTK_OK;
}

static enum ptk_status used_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ptk_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static enum ptk_status pool_add(struct ptk_edit *ed, uint64_t start,
				uint64_t end);

/* Free RAM: RAM minus tables and memory mapped outside the direct map. */
static enum ptk_status pool_default(struct ptk_edit *ed)
{
	const struct ptk_runs_ops ops = { .run = used_run, .bad = used_bad };
	struct used u = { 0 };
	struct ptk_census c;
	const struct ptk_range *ram;
	const struct ptk_region *rg;
	enum ptk_status st;
	size_t nram, nrg, k = 0;

	rg = ptk_source_regions(ed->base, &nrg);
	for (size_t i = 0; i < nrg; i++) {
		if (!strcmp(rg[i].name, "Low Kernel Mapping")) {
			u.direct_start = rg[i].start;
			u.direct_end = rg[i].end;
		}
	}
	ptk_census_init(&c);
	st = ptk_census_add(&c, ed->src, &ed->pg);
	for (unsigned l = 1; l <= PTK_MAX_LEVELS && st == PTK_OK; l++)
		for (size_t i = 0; i < c.n[l] && st == PTK_OK; i++)
			if (used_add(&u, c.pa[l][i], c.pa[l][i] + PTK_PAGE_SIZE))
				st = PTK_ERR_NOMEM;
	ptk_census_release(&c);
	if (st == PTK_OK)
		st = ptk_runs_walk(ed->src, &ed->pg, 0, 0, PTK_RUNS_PHYS, &ops,
				   &u);
	ptk_ctx_clear_err(ed->ctx);
	if (st != PTK_OK) {
		free(u.r);
		return ptk_set_err(ed->ctx, st == PTK_ERR_NOMEM ? st
								: PTK_ERR_CORRUPT,
				   "finding free RAM for new tables");
	}
	if (u.n)
		qsort(u.r, u.n, sizeof(*u.r), range_cmp);
	ram = ptk_source_ram(ed->base, &nram);
	/* Subtract the sorted used ranges from each RAM range. */
	for (size_t i = 0; i < nram; i++) {
		uint64_t at = (ram[i].start + PTK_PAGE_SIZE - 1) &
			      ~(uint64_t)(PTK_PAGE_SIZE - 1);
		uint64_t end = ram[i].end & ~(uint64_t)(PTK_PAGE_SIZE - 1);

		while (k < u.n && u.r[k].end <= at)
			k++;
		for (size_t j = k; at < end; j++) {
			uint64_t stop = j < u.n && u.r[j].start < end ? u.r[j].start
								     : end;

			if (stop > at && pool_add(ed, at, stop) != PTK_OK) {
				free(u.r);
				return PTK_ERR_NOMEM;
			}
			if (j >= u.n || u.r[j].start >= end)
				break;
			if (u.r[j].end > at)
				at = u.r[j].end;
		}
	}
	free(u.r);
	ed->pool_ready = true;
	return PTK_OK;
}

static enum ptk_status pool_add(struct ptk_edit *ed, uint64_t start,
				uint64_t end)
{
	struct ptk_range *p;
	size_t i;

	start = (start + PTK_PAGE_SIZE - 1) & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	end &= ~(uint64_t)(PTK_PAGE_SIZE - 1);
	ed->pool_ready = true;
	if (end <= start)
		return PTK_OK;
	if (ed->npool == ed->pool_cap) {
		size_t cap = ed->pool_cap ? 2 * ed->pool_cap : 16;

		p = realloc(ed->pool, cap * sizeof(*p));
		if (!p)
			return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "table pool");
		ed->pool = p;
		ed->pool_cap = cap;
	}
	/* Free RAM comes in address order: an append, no sort. */
	i = ed->npool;
	while (i > 0 && ed->pool[i - 1].start > start)
		i--;
	memmove(&ed->pool[i + 1], &ed->pool[i],
		(ed->npool - i) * sizeof(*ed->pool));
	ed->pool[i] = (struct ptk_range){ start, end };
	ed->npool++;
	return PTK_OK;
}

enum ptk_status ptk_edit_add_pool(struct ptk_edit *ed, uint64_t start,
				  uint64_t end)
{
	if (!ed->pool_ready)
		ed->pool_given = true;
	return pool_add(ed, start, end);
}

uint64_t ptk_edit_beyond_ram(const struct ptk_edit *ed)
{
	const uint64_t align = UINT64_C(1) << 21;

	/* the next 2 MiB boundary, and never page 0 */
	return (ptk_source_ram_end(ed->base) + align) & ~(align - 1);
}

uint64_t ptk_edit_tables_beyond_ram(const struct ptk_edit *ed)
{
	return ed->beyond_start ? (ed->beyond_next - ed->beyond_start) >>
					  PTK_PAGE_SHIFT
				: 0;
}

/* A zeroed page for a new table: given back ones first, then the top of
 * the highest pool range, then past the end of RAM. */
static enum ptk_status alloc_table(struct ptk_edit *ed, uint64_t *ret)
{
	enum ptk_status st;
	uint64_t pa, *p;

	if (!ed->pool_ready) {
		st = pool_default(ed);
		if (st != PTK_OK)
			return st;
	}
	for (;;) {
		if (ed->ngiven) {
			pa = ed->given_back[--ed->ngiven];
		} else {
			while (ed->npool && ed->pool[ed->npool - 1].end <=
						    ed->pool[ed->npool - 1].start)
				ed->npool--;
			if (!ed->npool && ed->pool_given)
				return ptk_set_err(ed->ctx, PTK_ERR_NOMEM,
						   "the pool has no page left "
						   "for a new page table");
			if (!ed->npool) {
				/* No free RAM: the simulation goes on with
				 * pages past its end, which an image keeps
				 * as tables. */
				if (!ed->beyond_start)
					ed->beyond_start = ed->beyond_next =
						ptk_edit_beyond_ram(ed);
				pa = ed->beyond_next;
				ed->beyond_next += PTK_PAGE_SIZE;
				/* the view holds it: an image stores it */
				st = ptk_source_add_ram(ed->src, pa,
							pa + PTK_PAGE_SIZE);
				if (st != PTK_OK)
					return st;
			} else {
				pa = ed->pool[ed->npool - 1].end -=
					PTK_PAGE_SIZE;
			}
		}
		if (pagemap_find(&ed->pages, pa >> PTK_PAGE_SHIFT) &&
		    !ed->ngiven)
			continue;	/* a page this edit already wrote */
		break;
	}
	st = cow_page(ed, pa, true, &p);
	if (st != PTK_OK)
		return st;
	memset(p, 0, PTK_PAGE_SIZE);
	if (ed->cur->nalloc == ed->cur->capalloc) {
		size_t cap = ed->cur->capalloc ? 2 * ed->cur->capalloc : 8;
		uint64_t *q = realloc(ed->cur->alloc, cap * sizeof(*q));

		if (!q)
			return ptk_set_err(ed->ctx, PTK_ERR_NOMEM, "journal");
		ed->cur->alloc = q;
		ed->cur->capalloc = cap;
	}
	ed->cur->alloc[ed->cur->nalloc++] = pa;
	*ret = pa;
	return PTK_OK;
}

/* --- lookups and splits --- */

enum ptk_status edit_lookup(struct ptk_edit *ed, uint64_t va,
			    struct edit_slot *ret)
{
	uint64_t table = ed->pg.root;
	struct ptk_entry d;
	enum ptk_status st;

	if (!ptk_va_canonical(&ed->pg, va))
		return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
				   "%#" PRIx64 " is not canonical", va);
	for (unsigned level = ed->pg.levels;; level--) {
		ret->level = level;
		ret->pa = table + ptk_va_index(va, level) * 8;
		st = read_entry(ed, ret->pa, &ret->raw);
		if (st != PTK_OK)
			return st;
		ptk_entry_decode(&ed->pg, level, ret->raw, &d);
		if (d.kind != PTK_KIND_TABLE || level == PTK_LEVEL_PTE)
			return PTK_OK;
		if (d.reserved)
			return ptk_set_err(ed->ctx, PTK_ERR_CORRUPT,
					   "%s entry at %#" PRIx64 ": reserved "
					   "bits %#" PRIx64 " set",
					   ptk_level_name(&ed->pg, level),
					   ret->pa, d.reserved);
		table = d.addr;
	}
}

static uint64_t large_to_4k(uint64_t prot)
{
	uint64_t pat = prot & HW_PAT_LARGE;

	return (prot & ~(HW_PAT_LARGE | HW_PS)) | (pat ? HW_PAT_4K : 0);
}

static uint64_t k4_to_large(uint64_t prot)
{
	uint64_t pat = prot & HW_PAT_4K;

	return (prot & ~HW_PAT_4K) | (pat ? HW_PAT_LARGE : 0);
}

static uint64_t frame_mask(unsigned level)
{
	return ADDR_MASK & ~(ptk_level_size(level) - 1);
}

/* pgprot_clear_protnone_bits(): G is PROTNONE when P is clear. */
static uint64_t clear_protnone(uint64_t prot)
{
	return prot & HW_P ? prot : prot & ~HW_G;
}

enum ptk_status edit_split_slot(struct ptk_edit *ed, const struct edit_slot *s)
{
	const unsigned level = s->level;
	uint64_t ref = ptk_entry_prot(level, s->raw);
	uint64_t frame = ptk_entry_frame(level, s->raw);
	uint64_t inc = ptk_level_size(level - 1), table;
	enum ptk_status st;

	if (level < PTK_LEVEL_PMD || level > PTK_LEVEL_PUD || !s->raw)
		return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
				   "no large page to split at %#" PRIx64, s->pa);
	if (level == PTK_LEVEL_PMD)
		ref = large_to_4k(ref);		/* pgprot_large_2_4k() */
	else if (!(ref & HW_P))
		ref &= ~HW_PS;	/* a non-present 2M entry is no huge page */
	ref = clear_protnone(ref);
	st = alloc_table(ed, &table);
	for (unsigned i = 0; i < PTK_ENTRIES && st == PTK_OK; i++)
		st = edit_write(ed, table + i * 8, ptk_entry_make(frame + i * inc,
							      ref));
	if (st == PTK_OK)
		st = edit_write(ed, s->pa, table | KERNPG_TABLE |
					   (s->raw & HW_US));
	return st;
}

/* The loop of __change_page_attr_set_clr(); see edit-priv.h. */
enum ptk_status edit_change_attr(struct ptk_edit *ed, uint64_t va,
				 uint64_t npages, uint64_t set, uint64_t clr,
				 bool force_4k, uint64_t *splits,
				 bool *changed)
{
	while (npages) {
		struct edit_slot s;
		enum ptk_status st = edit_lookup(ed, va, &s);
		uint64_t psize, left, n, old, req;

		if (st != PTK_OK)
			return st;
		if (!s.raw && va >= ed->identity_start &&
		    va < ed->identity_end) {
			/* "Ignore the NULL PTE for kernel identity mapping,
			 * as it is expected to have holes": one page */
			va += PTK_PAGE_SIZE;
			npages--;
			continue;
		}
		if (!s.raw)
			return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					   "%#" PRIx64 " is not mapped (%s "
					   "entry at %#" PRIx64 " is zero)", va,
					   ptk_level_name(&ed->pg, s.level),
					   s.pa);
		if (s.level > PTK_LEVEL_PUD)
			return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					   "%#" PRIx64 " is not mapped (%s "
					   "entry at %#" PRIx64 " not present)",
					   va, ptk_level_name(&ed->pg, s.level),
					   s.pa);
		if (s.level == PTK_LEVEL_PTE) {
			uint64_t prot = ptk_entry_prot(s.level, s.raw);
			uint64_t raw = ptk_entry_make(ptk_entry_frame(s.level, s.raw),
						  clear_protnone((prot & ~clr) |
								 set));

			if (raw != s.raw) {
				st = edit_write(ed, s.pa, raw);
				if (st != PTK_OK)
					return st;
				*changed = true;
			}
			va += PTK_PAGE_SIZE;
			npages--;
			continue;
		}
		psize = ptk_level_size(s.level);
		left = ((va & ~(psize - 1)) + psize - va) >> PTK_PAGE_SHIFT;
		n = left < npages ? left : npages;
		old = ptk_entry_prot(s.level, s.raw);
		req = clear_protnone(k4_to_large((large_to_4k(old) & ~clr) |
						 set));
		if (req & HW_P)
			req |= HW_PS;
		if (!force_4k && req == old) {
			/* Same protection: keep the large page, skip it. */
			va += n << PTK_PAGE_SHIFT;
			npages -= n;
			continue;
		}
		if (!force_4k && !(va & (psize - 1)) &&
		    n == psize >> PTK_PAGE_SHIFT) {
			/* The request covers it whole: keep it, change it. */
			st = edit_write(ed, s.pa,
					ptk_entry_make(ptk_entry_frame(s.level, s.raw),
						   req));
			if (st != PTK_OK)
				return st;
			*changed = true;
			va += n << PTK_PAGE_SHIFT;
			npages -= n;
			continue;
		}
		st = edit_split_slot(ed, &s);
		if (st != PTK_OK)
			return st;
		splits[s.level]++;
		*changed = true;
	}
	return PTK_OK;
}

/* --- the public operations --- */

/* PTK_F_* flags as bits of a 4 KiB entry (PAT in bit 7). */
static uint64_t flags_4k(unsigned flags)
{
	uint64_t bits = ptk_entry_encode(PTK_LEVEL_PTE, 0, flags, 0);

	return flags & PTK_F_P ? bits : bits & ~HW_P;
}

static enum ptk_status fill(struct ptk_edit *ed, unsigned level,
			    uint64_t table, uint64_t va, uint64_t last,
			    uint64_t pa, unsigned leaf, unsigned flags,
			    unsigned pkey)
{
	const uint64_t size = ptk_level_size(level);

	for (;;) {
		uint64_t entry_pa = table + ptk_va_index(va, level) * 8;
		uint64_t entry_last = (va & ~(size - 1)) + (size - 1);
		uint64_t clip = entry_last < last ? entry_last : last;
		struct ptk_entry d;
		enum ptk_status st;
		uint64_t raw;

		st = read_entry(ed, entry_pa, &raw);
		if (st != PTK_OK)
			return st;
		ptk_entry_decode(&ed->pg, level, raw, &d);
		if (level == leaf) {
			if (d.kind != PTK_KIND_NONE)
				return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						   "%#" PRIx64 " is already "
						   "mapped", va);
			st = edit_write(ed, entry_pa,
					ptk_entry_encode(level, pa, flags, pkey));
		} else if (d.kind == PTK_KIND_LEAF) {
			return ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					   "%#" PRIx64 " is already mapped by "
					   "a %s leaf", va,
					   ptk_level_name(&ed->pg, level));
		} else {
			uint64_t child = d.addr;

			if (d.kind == PTK_KIND_NONE) {
				st = alloc_table(ed, &child);
				if (st == PTK_OK)
					st = edit_write(ed, entry_pa, child |
							KERNPG_TABLE |
							(flags & PTK_F_US ? HW_US : 0));
			}
			if (st == PTK_OK)
				st = fill(ed, level - 1, child, va, clip, pa,
					  leaf, flags, pkey);
		}
		if (st != PTK_OK)
			return st;
		if (clip == last)
			return PTK_OK;
		pa += clip - va + 1;
		va = clip + 1;
	}
}

enum ptk_status ptk_edit_map(struct ptk_edit *ed, uint64_t va, uint64_t pa,
			     uint64_t size, unsigned level, unsigned flags,
			     unsigned pkey)
{
	uint64_t psize;
	enum ptk_status st;

	st = edit_begin(ed, "map %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %s",
			va, pa, size, level == 1 ? "4k" : level == 2 ? "2m" : "1g");
	if (st != PTK_OK)
		return st;
	if (level < PTK_LEVEL_PTE || level > PTK_LEVEL_PUD)
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"no leaves at level %u", level));
	psize = ptk_level_size(level);
	if (!size || ((va | pa | size) & (psize - 1)) || va + (size - 1) < va ||
	    !ptk_va_canonical(&ed->pg, va) ||
	    !ptk_va_canonical(&ed->pg, va + (size - 1)) ||
	    (va < ptk_noncanon_start(&ed->pg)) !=
		    (va + (size - 1) < ptk_noncanon_start(&ed->pg)))
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"map %#" PRIx64 "+%#" PRIx64
						": not aligned to the page size,"
						" or not in one canonical half",
						va, size));
	st = fill(ed, ed->pg.levels, ed->pg.root, va, va + (size - 1), pa,
		  level, flags, pkey);
	return edit_end(ed, st);
}

enum ptk_status ptk_edit_unmap(struct ptk_edit *ed, uint64_t va,
			       uint64_t size)
{
	uint64_t last = va + size - 1;
	enum ptk_status st;

	st = edit_begin(ed, "unmap %#" PRIx64 " %#" PRIx64, va, size);
	if (st != PTK_OK)
		return st;
	if (!size || ((va | size) & (PTK_PAGE_SIZE - 1)))
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"unmap %#" PRIx64 "+%#" PRIx64
						": not page aligned", va, size));
	for (;;) {
		struct edit_slot s;
		uint64_t esize, start;

		st = edit_lookup(ed, va, &s);
		if (st != PTK_OK)
			break;
		esize = ptk_level_size(s.level);
		start = va & ~(esize - 1);
		if (s.raw && s.level <= PTK_LEVEL_PUD &&
		    (start < va || start + (esize - 1) > last)) {
			st = edit_split_slot(ed, &s);	/* in part: split */
			if (st != PTK_OK)
				break;
			continue;
		}
		if (s.raw && s.level <= PTK_LEVEL_PUD) {
			st = edit_write(ed, s.pa, 0);
			if (st != PTK_OK)
				break;
		}
		if (start + (esize - 1) >= last)
			break;
		va = start + esize;
	}
	return edit_end(ed, st);
}

enum ptk_status ptk_edit_protect(struct ptk_edit *ed, uint64_t va,
				 uint64_t size, unsigned set, unsigned clear,
				 int pkey)
{
	uint64_t splits[PTK_MAX_LEVELS + 1] = { 0 };
	uint64_t s = flags_4k(set), c = flags_4k(clear);
	bool changed = false;
	enum ptk_status st;

	char words[160] = "";
	size_t n = 0;

	for (const struct ptk_flag_name *f = ptk_flag_names; f->flag; f++) {
		if ((set | clear) & f->flag)
			n += (size_t)snprintf(words + n, sizeof(words) - n,
					      " %c%s", set & f->flag ? '+' : '-',
					      f->json);
	}
	if (pkey >= 0)
		snprintf(words + n, sizeof(words) - n, " pkey=%d", pkey);
	st = edit_begin(ed, "protect %#" PRIx64 " %#" PRIx64 "%s", va, size,
			words);
	if (st != PTK_OK)
		return st;
	if (pkey >= 0) {
		c |= UINT64_C(0xf) << 59;
		s |= (uint64_t)(pkey & 0xf) << 59;
	}
	if (!size || ((va | size) & (PTK_PAGE_SIZE - 1)))
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"protect %#" PRIx64 "+%#" PRIx64
						": not page aligned", va, size));
	st = edit_change_attr(ed, va, size >> PTK_PAGE_SHIFT, s, c, false,
			      splits, &changed);
	return edit_end(ed, st);
}

enum ptk_status ptk_edit_split(struct ptk_edit *ed, uint64_t va)
{
	struct edit_slot s;
	enum ptk_status st;

	st = edit_begin(ed, "split %#" PRIx64, va);
	if (st != PTK_OK)
		return st;
	st = edit_lookup(ed, va, &s);
	if (st == PTK_OK && (s.level == PTK_LEVEL_PTE || !s.raw ||
			     s.level > PTK_LEVEL_PUD))
		st = ptk_set_err(ed->ctx, PTK_ERR_INVALID,
				 "%#" PRIx64 " is not mapped by a large page",
				 va);
	if (st == PTK_OK)
		st = edit_split_slot(ed, &s);
	return edit_end(ed, st);
}

enum ptk_status ptk_edit_collapse(struct ptk_edit *ed, uint64_t va,
				  unsigned level)
{
	uint64_t table, first = 0, prot = 0, entry_pa = 0, raw = 0;
	uint64_t child_size = ptk_level_size(level - 1);
	enum ptk_status st;

	st = edit_begin(ed, "collapse %#" PRIx64 " %s", va,
			ptk_level_name(&ed->pg, level));
	if (st != PTK_OK)
		return st;
	if (level < PTK_LEVEL_PMD || level > PTK_LEVEL_PUD)
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"only pmd and pud tables "
						"collapse"));
	table = ed->pg.root;
	for (unsigned l = ed->pg.levels; l >= level && st == PTK_OK; l--) {
		struct ptk_entry d;

		entry_pa = table + ptk_va_index(va, l) * 8;
		st = read_entry(ed, entry_pa, &raw);
		ptk_entry_decode(&ed->pg, l, raw, &d);
		if (st == PTK_OK && d.kind != PTK_KIND_TABLE)
			st = ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					 "%#" PRIx64 ": the %s entry is not a "
					 "table", va, ptk_level_name(&ed->pg, l));
		table = d.addr;
	}
	for (unsigned i = 0; i < PTK_ENTRIES && st == PTK_OK; i++) {
		uint64_t e;
		uint64_t this_prot;

		st = read_entry(ed, table + i * 8, &e);
		if (st != PTK_OK)
			break;
		this_prot = e & ~frame_mask(level - 1);
		if (level - 1 > PTK_LEVEL_PTE && !(e & HW_PS))
			st = ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					 "entry %u of the table is not a leaf", i);
		else if (i == 0 && ((e & frame_mask(level - 1)) &
				    (ptk_level_size(level) - 1)))
			st = ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					 "the first frame is not aligned to "
					 "%#" PRIx64, ptk_level_size(level));
		else if (i == 0) {
			first = e & frame_mask(level - 1);
			prot = this_prot;
		} else if (this_prot != prot ||
			   (e & frame_mask(level - 1)) != first + i * child_size)
			st = ptk_set_err(ed->ctx, PTK_ERR_INVALID,
					 "entry %u differs in attributes or is "
					 "not contiguous", i);
	}
	if (st == PTK_OK) {
		uint64_t leaf = level - 1 == PTK_LEVEL_PTE ? k4_to_large(prot)
							   : prot;

		st = edit_write(ed, entry_pa, first | leaf | HW_PS);
	}
	(void)raw;
	return edit_end(ed, st);
}

enum ptk_status ptk_edit_set_root(struct ptk_edit *ed, uint64_t pa)
{
	enum ptk_status st = edit_begin(ed, "root %#" PRIx64, pa);

	if (st != PTK_OK)
		return st;
	if (pa & (PTK_PAGE_SIZE - 1))
		return edit_end(ed, ptk_set_err(ed->ctx, PTK_ERR_INVALID,
						"root %#" PRIx64 " is not page "
						"aligned", pa));
	ed->cur->root_changed = true;
	ed->cur->old_root = ed->pg.root;
	ed->pg.root = pa;
	return edit_end(ed, PTK_OK);
}

enum ptk_status ptk_edit_set_entry(struct ptk_edit *ed, uint64_t pa,
				   uint64_t value)
{
	enum ptk_status st = edit_begin(ed, "set %#" PRIx64 " = %#" PRIx64, pa,
					value);

	if (st != PTK_OK)
		return st;
	return edit_end(ed, edit_write(ed, pa, value));
}
