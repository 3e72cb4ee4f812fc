// SPDX-License-Identifier: MIT
/* The vmemmap's shared pages, from the page tables; see vmemmap.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mm-priv.h"
#include "ptkit/translate.h"
#include "ptkit/vmemmap.h"
#include "ptkit/walk.h"

/* The largest folio: a head's aliases reach at most 2^20 pages. */
#define MAX_FOLIO_ORDER 20

/* One 4 KiB vmemmap page: where, onto what, and what it aliases. */
struct vpage {
	uint64_t va, pa;
	size_t owner;		/* the lowest page mapping pa, or itself */
	uint64_t head;		/* for an alias: its folio's head pfn */
	bool writable, orphan;
};

struct scan {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct ptk_vmemmap *vm;
	uint64_t size, flags_off, head_off, head_mask, order_off;
	bool has_order;
	struct vpage *pages;
	size_t n, cap;
	const struct ptk_range *ram;
	size_t nram;
	uint8_t frame[PTK_PAGE_SIZE];
	uint64_t frame_pa;
	bool frame_ok;
};

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct scan *s = priv;

	if (e->level >= 1 && e->level <= 3)
		s->vm->leaves[e->level - 1]++;
	return PTK_OK;
}

static enum ptk_status on_run(const struct ptk_walk_entry *e, uint64_t n,
			      void *priv)
{
	struct scan *s = priv;

	if (s->n + n > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		struct vpage *p;

		while (cap < s->n + n)
			cap *= 2;
		p = realloc(s->pages, cap * sizeof(*p));
		if (!p)
			return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NOMEM,
					   "vmemmap pages");
		s->pages = p;
		s->cap = cap;
	}
	for (uint64_t i = 0; i < n; i++)
		s->pages[s->n++] = (struct vpage){
			.va = e->va + i * PTK_PAGE_SIZE,
			.pa = e->addr + i * PTK_PAGE_SIZE,
			.writable = e->eff & PTK_F_RW,
		};
	s->vm->leaves[0] += n;
	return PTK_OK;
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct scan *s = priv;

	s->vm->pte_tables += e->level == 2;
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct scan *s = priv;

	(void)e;
	(void)why;
	s->vm->bad_entries++;
	ptk_ctx_clear_err(ptk_source_ctx(s->src));
	return PTK_OK;
}

/* Pages of RAM in [start, end) of page frames. */
static uint64_t ram_pages(const struct scan *s, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = s->nram;
	uint64_t n = 0;

	while (lo < hi) {	/* the first range that ends after start */
		size_t mid = lo + (hi - lo) / 2;

		if ((s->ram[mid].end >> PTK_PAGE_SHIFT) <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->nram; i++) {
		uint64_t a = s->ram[i].start >> PTK_PAGE_SHIFT;
		uint64_t b = (s->ram[i].end + PTK_PAGE_SIZE - 1) >>
			     PTK_PAGE_SHIFT;

		if (a >= end)
			break;
		if (a < start)
			a = start;
		if (b > end)
			b = end;
		if (a < b)
			n += b - a;
	}
	return n;
}

/* A hole in the vmemmap: the pages of RAM whose struct page starts in it. */
static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct scan *s = priv;
	uint64_t base = s->vm->base;
	uint64_t first = (va - base + s->size - 1) / s->size;
	uint64_t last = (end - base + s->size - 1) / s->size;

	(void)level;
	if (last > first)
		s->vm->unmapped_struct_pages += ram_pages(s, first, last);
	return PTK_OK;
}

static uint64_t u64_at(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/*
 * The head an alias's struct pages name: the first one's compound_head,
 * or, when the first reads as a head (a copy of the folio's own, HVO's
 * "fake head"), the second's.  UINT64_MAX when none is a head before the
 * alias, within a folio's reach.
 */
static uint64_t alias_head(struct scan *s, const struct vpage *p)
{
	uint64_t base = s->vm->base, first = (p->va - base) / s->size;
	uint64_t ch, hva, hpfn;

	if (!s->frame_ok || s->frame_pa != p->pa) {
		s->frame_pa = p->pa;
		s->frame_ok = ptk_source_read(s->src, p->pa, s->frame,
					      PTK_PAGE_SIZE) == PTK_OK;
		ptk_ctx_clear_err(ptk_source_ctx(s->src));
	}
	if (!s->frame_ok)
		return UINT64_MAX;
	ch = u64_at(s->frame, s->head_off);
	if (!(ch & 1) && (u64_at(s->frame, s->flags_off) & s->head_mask))
		ch = u64_at(s->frame, s->size + s->head_off);
	if (!(ch & 1))
		return UINT64_MAX;
	hva = ch - 1;
	if (hva < base || (hva - base) % s->size)
		return UINT64_MAX;
	hpfn = (hva - base) / s->size;
	if (hpfn >= first || first - hpfn > (UINT64_C(1) << MAX_FOLIO_ORDER))
		return UINT64_MAX;
	return hpfn;
}

static int by_pa(const void *a, const void *b)
{
	const struct vpage *const *x = a, *const *y = b;

	if ((*x)->pa != (*y)->pa)
		return (*x)->pa < (*y)->pa ? -1 : 1;
	return (*x)->va < (*y)->va ? -1 : (*x)->va > (*y)->va;
}

/* Marks every page that maps a frame a lower page maps; counts them. */
static enum ptk_status find_aliases(struct scan *s)
{
	struct vpage **byp;

	if (!s->n)
		return PTK_OK;
	byp = malloc(s->n * sizeof(*byp));
	if (!byp)
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NOMEM,
				   "vmemmap pages");
	for (size_t i = 0; i < s->n; i++) {
		byp[i] = &s->pages[i];
		s->pages[i].owner = i;
	}
	qsort(byp, s->n, sizeof(*byp), by_pa);
	for (size_t i = 0, j; i < s->n; i = j) {
		size_t owner = (size_t)(byp[i] - s->pages);

		for (j = i + 1; j < s->n && byp[j]->pa == byp[i]->pa; j++) {
			byp[j]->owner = owner;
			s->vm->aliases++;
		}
	}
	free(byp);
	return PTK_OK;
}

static bool is_alias(const struct scan *s, size_t i)
{
	return s->pages[i].owner != i;
}

/* The first page at or above @va. */
static size_t page_at(const struct scan *s, uint64_t va)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->pages[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned order_for(uint64_t pages)
{
	unsigned order = 0;

	while (order < 40 && (UINT64_C(1) << order) < pages)
		order++;
	return order;
}

/*
 * The folio with head @f->pfn whose last alias ends at @alias_end: its
 * order (compound_order where VMCOREINFO gives it, else the aliases'
 * extent), and its vmemmap pages counted and checked.
 */
static enum ptk_status measure(struct scan *s, struct ptk_vmemmap_folio *f,
			       uint64_t alias_end)
{
	uint64_t extent = (alias_end - s->vm->base) / s->size - f->pfn;
	uint64_t start, end, *frames, *alias_frames, best = 0;
	size_t nf = 0, na = 0, first, i;
	unsigned order = order_for(extent);
	uint8_t co;

	f->va = s->vm->base + f->pfn * s->size;
	/* a compound_order no folio has (past a 1 GiB folio's 18 and a
	 * device-dax compound page's) is the dump's word against the
	 * aliases: believed only up to MAX_FOLIO_ORDER */
	if (s->has_order &&
	    ptk_read_virt(s->src, s->pg, f->va + s->size + s->order_off, &co,
			  1) == PTK_OK) {
		if (co < order)
			f->problems |= PTK_VMEMMAP_ORDER;
		else if (co <= MAX_FOLIO_ORDER)
			order = co;
	}
	ptk_ctx_clear_err(ptk_source_ctx(s->src));
	f->order = order;
	start = f->va & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	end = (f->va + (s->size << order) + PTK_PAGE_SIZE - 1) &
	      ~(uint64_t)(PTK_PAGE_SIZE - 1);
	first = page_at(s, start);
	frames = malloc(2 * ((end - start) / PTK_PAGE_SIZE + 1) *
			sizeof(*frames));
	if (!frames)
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NOMEM,
				   "vmemmap folio");
	alias_frames = frames + (end - start) / PTK_PAGE_SIZE + 1;
	if (first >= s->n || s->pages[first].va != start ||
	    !s->pages[first].writable)
		f->problems |= PTK_VMEMMAP_HEAD_READONLY;
	for (i = first; i < s->n && s->pages[i].va < end; i++) {
		const struct vpage *p = &s->pages[i];

		f->vmemmap_pages++;
		frames[nf++] = p->pa;
		if (!is_alias(s, i))
			continue;
		f->shared++;
		alias_frames[na++] = p->pa;
		f->writable_aliases += p->writable;
	}
	qsort(frames, nf, sizeof(*frames), cmp_u64);
	qsort(alias_frames, na, sizeof(*alias_frames), cmp_u64);
	for (size_t a = 0, b; a < nf; a = b) {
		for (b = a + 1; b < nf && frames[b] == frames[a]; b++)
			;
		f->saved += b - a - 1;
	}
	for (size_t a = 0, b; a < na; a = b) {
		for (b = a + 1; b < na && alias_frames[b] == alias_frames[a];
		     b++)
			;
		f->frames++;
		if (b - a > best) {
			best = b - a;
			f->frame = alias_frames[a];
		}
	}
	free(frames);
	if (f->writable_aliases)
		f->problems |= PTK_VMEMMAP_ALIAS_WRITABLE;
	if (f->frames > 1)
		f->problems |= PTK_VMEMMAP_FRAMES;
	return PTK_OK;
}

static int by_head(const void *a, const void *b)
{
	const struct vpage *const *x = a, *const *y = b;

	if ((*x)->head != (*y)->head)
		return (*x)->head < (*y)->head ? -1 : 1;
	return (*x)->va < (*y)->va ? -1 : (*x)->va > (*y)->va;
}

/* Every alias to its folio's head; one folio per head. */
static enum ptk_status find_folios(struct scan *s)
{
	struct ptk_vmemmap *vm = s->vm;
	struct vpage **al;
	size_t na = 0;
	enum ptk_status st = PTK_OK;

	if (!vm->aliases)
		return PTK_OK;
	al = malloc(vm->aliases * sizeof(*al));
	if (!al)
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NOMEM,
				   "vmemmap aliases");
	for (size_t i = 0; i < s->n; i++) {
		struct vpage *p = &s->pages[i];

		if (!is_alias(s, i))
			continue;
		p->head = alias_head(s, p);
		if (p->head == UINT64_MAX)
			vm->orphans++;
		else
			al[na++] = p;
	}
	qsort(al, na, sizeof(*al), by_head);
	vm->folios = calloc(na ? na : 1, sizeof(*vm->folios));
	if (!vm->folios) {
		free(al);
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NOMEM,
				   "vmemmap folios");
	}
	for (size_t i = 0, j; i < na && st == PTK_OK; i = j) {
		struct ptk_vmemmap_folio *f = &vm->folios[vm->nfolios++];

		for (j = i + 1; j < na && al[j]->head == al[i]->head; j++)
			;
		f->pfn = al[i]->head;
		st = measure(s, f, al[j - 1]->va + PTK_PAGE_SIZE);
	}
	free(al);
	return st;
}

/* SIZE(page): where each page frame's struct page is. */
static enum ptk_status read_size(struct scan *s)
{
	const char *missing = NULL;

	if (!mm_key(s->src, "SIZE(page)", 10, &s->size, &missing))
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NODATA,
				   "VMCOREINFO has no SIZE(page), needed to "
				   "find the struct pages in the vmemmap");
	/* HVO needs a power-of-2 struct page, so struct pages never
	 * straddle vmemmap pages; a dump that says otherwise is wrong */
	if (!s->size || s->size > 512 || (s->size & (s->size - 1)))
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_CORRUPT,
				   "VMCOREINFO gives a struct page of %" PRIu64
				   " bytes: not a size the vmemmap can have",
				   s->size);
	return PTK_OK;
}

/* What reading the struct pages through the aliases needs. */
static enum ptk_status read_keys(struct scan *s)
{
	const char *missing = NULL;

	mm_key(s->src, "OFFSET(page.flags)", 10, &s->flags_off, &missing);
	mm_key(s->src, "OFFSET(page.compound_head)", 10, &s->head_off,
	       &missing);
	mm_key(s->src, "NUMBER(PG_head_mask)", 10, &s->head_mask, &missing);
	if (missing)
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_NODATA,
				   "VMCOREINFO has no %s, needed to tell the "
				   "folios of the vmemmap's %" PRIu64
				   " aliases", missing, s->vm->aliases);
	if (s->flags_off + 8 > s->size || s->head_off + 8 > s->size ||
	    2 * s->size > PTK_PAGE_SIZE)
		return ptk_set_err(ptk_source_ctx(s->src), PTK_ERR_CORRUPT,
				   "VMCOREINFO puts page.flags at %" PRIu64
				   " and page.compound_head at %" PRIu64
				   " in a struct page of %" PRIu64 " bytes",
				   s->flags_off, s->head_off, s->size);
	s->has_order = mm_key(s->src, "OFFSET(page.compound_order)", 10,
			      &s->order_off, &missing) &&
		       s->order_off < s->size;
	return PTK_OK;
}

enum ptk_status ptk_vmemmap_scan(struct ptk_source *src,
				 const struct ptk_paging *pg,
				 const struct ptk_layout *layout,
				 struct ptk_vmemmap **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	static const struct ptk_walk_ops ops = {
		.table = on_table, .leaf = on_leaf, .leaf_run = on_run,
		.hole = on_hole, .bad = on_bad,
	};
	struct scan *s;
	uint64_t max_pfn, bytes, end;
	enum ptk_status st;

	*ret = NULL;
	ptk_ctx_clear_err(ctx);
	if (!layout->vmemmap)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "the vmemmap base is "
				   "not known (ptkit info says why)");
	s = calloc(1, sizeof(*s));
	if (!s)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "vmemmap");
	s->src = src;
	s->pg = pg;
	s->vm = calloc(1, sizeof(*s->vm));
	if (!s->vm) {
		free(s);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "vmemmap");
	}
	st = read_size(s);
	if (st != PTK_OK)
		goto out;
	s->vm->base = layout->vmemmap;
	s->vm->page_size = s->size;
	s->ram = ptk_source_ram(src, &s->nram);
	max_pfn = mm_max_pfn(src);
	s->vm->ram_pages = ram_pages(s, 0, max_pfn);
	bytes = (max_pfn * s->size + PTK_PAGE_SIZE - 1) &
		~(uint64_t)(PTK_PAGE_SIZE - 1);
	end = s->vm->base + bytes;
	if (max_pfn > (UINT64_C(1) << 40) || end < s->vm->base) {
		st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "struct pages for %"
				 PRIu64 " pages of RAM do not fit above the "
				 "vmemmap base %#" PRIx64, max_pfn,
				 s->vm->base);
		goto out;
	}
	st = ptk_walk(src, pg, s->vm->base, end, &ops, s);
	if (st == PTK_OK)
		st = find_aliases(s);
	if (st == PTK_OK && s->vm->aliases)
		st = read_keys(s);
	if (st == PTK_OK)
		st = find_folios(s);
out:
	free(s->pages);
	if (st == PTK_OK)
		*ret = s->vm;
	else
		ptk_vmemmap_free(s->vm);
	free(s);
	return st;
}

void ptk_vmemmap_free(struct ptk_vmemmap *vm)
{
	if (!vm)
		return;
	free(vm->folios);
	free(vm);
}
