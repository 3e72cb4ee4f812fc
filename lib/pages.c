// SPDX-License-Identifier: MIT
/* The kind of every page of RAM, from its struct page; see mm.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mm-priv.h"
#include "ptkit/mm.h"
#include "ptkit/translate.h"

static const char *const kind_names[PTK_PAGE_NKINDS] = {
	[PTK_PAGE_NOMAP] = "no-struct-page",
	[PTK_PAGE_PGTABLE] = "pagetable",
	[PTK_PAGE_FREE] = "free",
	[PTK_PAGE_OFFLINE] = "offline",
	[PTK_PAGE_HWPOISON] = "hwpoison",
	[PTK_PAGE_SLAB] = "slab",
	[PTK_PAGE_RESERVED] = "reserved",
	[PTK_PAGE_HUGETLB] = "hugetlb",
	[PTK_PAGE_UNREF] = "unreferenced",
	[PTK_PAGE_ANON] = "anon",
	[PTK_PAGE_FILE] = "file",
	[PTK_PAGE_KERNEL] = "kernel",
};

const char *ptk_page_kind_name(enum ptk_page_kind kind)
{
	return (unsigned)kind < PTK_PAGE_NKINDS ? kind_names[kind] : "?";
}

/* page.mapping's low bit for anonymous memory (include/linux/page-flags.h):
 * part of the kernel's ABI since 2.6, and what makedumpfile relies on. */
#define PAGE_MAPPING_ANON 1

struct page_keys {
	uint64_t size, flags, refcount, mapcount, mapping, private, head;
	uint64_t buddy, offline, head_mask;
	uint64_t pg_slab, pg_reserved, pg_hwpoison;
	int32_t table_type;	/* _mapcount of a PageTable page, or 0 */
	/* how a HugeTLB folio is marked: one of three, by kernel version */
	enum { HUGETLB_NONE, HUGETLB_DTOR, HUGETLB_FLAG, HUGETLB_TYPE }
		hugetlb;
	uint64_t dtor_off, dtor;	/* page[1].compound_dtor == dtor */
	uint64_t pg_hugetlb;		/* page[1].flags bit */
	uint64_t hugetlb_type;		/* the head's page type */
};

struct pages_walk {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct page_keys k;
	struct ptk_pages_keys missing;
	uint64_t vmemmap, max_pfn;
	const uint64_t *tables;
	size_t ntables, next_table;
	uint64_t free_until;		/* pages of a free block go on to here */
	unsigned free_order;
	uint64_t head_pfn;		/* the last compound head classified */
	struct ptk_page_info head_info;
	uint8_t chunk[PTK_PAGE_SIZE];	/* struct pages of one vmemmap page */
	uint8_t one[512];		/* a struct page across two of them */
	uint8_t second[512];		/* page[1] in another vmemmap page */
	uint64_t chunk_va;
	bool chunk_ok;
};

/*
 * How this kernel marks a HugeTLB folio, from the first of the three
 * VMCOREINFO exports it has: PAGE_HUGETLB_MAPCOUNT_VALUE (6.9 on: a page
 * type of the head), PG_hugetlb (6.4 to 6.8: a flag of page[1]),
 * HUGETLB_PAGE_DTOR with OFFSET(page.compound_dtor) (up to 6.3: the
 * destructor index in page[1]).  Kernels without CONFIG_HUGETLB_PAGE
 * export none.
 */
static void read_hugetlb_keys(struct ptk_source *src, struct page_keys *k)
{
	const char *missing = NULL;

	k->hugetlb = HUGETLB_NONE;
	if (mm_key(src, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", 10,
		   &k->hugetlb_type, &missing))
		k->hugetlb = HUGETLB_TYPE;
	else if (mm_key(src, "NUMBER(PG_hugetlb)", 10, &k->pg_hugetlb,
			&missing) && k->pg_hugetlb < 64)
		k->hugetlb = HUGETLB_FLAG;
	else if (mm_key(src, "NUMBER(HUGETLB_PAGE_DTOR)", 10, &k->dtor,
			&missing) &&
		 mm_key(src, "OFFSET(page.compound_dtor)", 10, &k->dtor_off,
			&missing) && k->dtor_off < k->size)
		k->hugetlb = HUGETLB_DTOR;
}

static enum ptk_status read_keys(struct pages_walk *w)
{
	struct page_keys *k = &w->k;
	const char *missing = NULL;
	struct ptk_source *src = w->src;

	mm_key(src, "SIZE(page)", 10, &k->size, &missing);
	mm_key(src, "OFFSET(page.flags)", 10, &k->flags, &missing);
	mm_key(src, "OFFSET(page._refcount)", 10, &k->refcount, &missing);
	mm_key(src, "OFFSET(page._mapcount)", 10, &k->mapcount, &missing);
	mm_key(src, "OFFSET(page.mapping)", 10, &k->mapping, &missing);
	mm_key(src, "OFFSET(page.private)", 10, &k->private, &missing);
	mm_key(src, "OFFSET(page.compound_head)", 10, &k->head, &missing);
	mm_key(src, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 10, &k->buddy,
	       &missing);
	if (missing)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NODATA,
				   "VMCOREINFO has no %s, needed to tell what "
				   "pages are", missing);
	if (!k->size || k->size > 512 || k->flags + 8 > k->size ||
	    k->refcount + 4 > k->size || k->mapcount + 4 > k->size ||
	    k->mapping + 8 > k->size || k->private + 8 > k->size ||
	    k->head + 8 > k->size)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_CORRUPT,
				   "VMCOREINFO gives a struct page layout "
				   "that does not fit SIZE(page)");
	w->missing.offline = !mm_key(src, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)",
				     10, &k->offline, &missing);
	w->missing.head = !mm_key(src, "NUMBER(PG_head_mask)", 10,
				  &k->head_mask, &missing);
	w->missing.slab = !mm_key(src, "NUMBER(PG_slab)", 10, &k->pg_slab,
				  &missing) || k->pg_slab > 63;
	w->missing.reserved = !mm_key(src, "NUMBER(PG_reserved)", 10,
				      &k->pg_reserved, &missing) ||
			      k->pg_reserved > 63;
	w->missing.hwpoison = !mm_key(src, "NUMBER(PG_hwpoison)", 10,
				      &k->pg_hwpoison, &missing) ||
			      k->pg_hwpoison > 63;
	read_hugetlb_keys(src, k);
	w->missing.hugetlb = k->hugetlb == HUGETLB_NONE;
	return PTK_OK;
}

/* The struct page of @pfn, through a one-page cache of the vmemmap. */
static const uint8_t *struct_page(struct pages_walk *w, uint64_t pfn)
{
	uint64_t va = w->vmemmap + pfn * w->k.size;
	uint64_t page = va & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	size_t off = (size_t)(va - page);

	if (off + w->k.size > PTK_PAGE_SIZE) {
		/* straddles two vmemmap pages (SIZE(page) not a power of 2) */
		return ptk_read_virt(w->src, w->pg, va, w->one, w->k.size) ==
		       PTK_OK ? w->one : NULL;
	}
	if (page != w->chunk_va || !w->chunk_va) {
		w->chunk_va = page;
		w->chunk_ok = ptk_read_virt(w->src, w->pg, page, w->chunk,
					    PTK_PAGE_SIZE) == PTK_OK;
	}
	return w->chunk_ok ? w->chunk + off : NULL;
}

static uint64_t u64_at(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static int32_t s32_at(const uint8_t *p, uint64_t off)
{
	int32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static bool is_table(struct pages_walk *w, uint64_t pfn)
{
	while (w->next_table < w->ntables && w->tables[w->next_table] < pfn)
		w->next_table++;
	return w->next_table < w->ntables && w->tables[w->next_table] == pfn;
}

/*
 * The page_type the kernel gives its counted page tables (PG_table):
 * #defined in page-flags.h, not in VMCOREINFO nor BTF, and moved between
 * versions (0x400, then 0x200, then a PGTY_table byte in 6.12).  So it is
 * learned from the tables the walker found: the _mapcount most of them
 * share that is a page type (below -1) and not the buddy's or offline's.
 * Boot-time tables have no type (-1) and do not vote.
 */
static int cmp_s32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static void learn_table_type(struct pages_walk *w)
{
	int32_t *v = malloc((w->ntables ? w->ntables : 1) * sizeof(*v));
	size_t n = 0, best_n = 0;
	int32_t best = 0;

	w->k.table_type = 0;
	if (!v)
		return;		/* no type learned: tables by the walk alone */
	for (size_t i = 0; i < w->ntables; i++) {
		const uint8_t *sp = struct_page(w, w->tables[i]);
		int32_t t;


		if (!sp)
			continue;
		t = s32_at(sp, w->k.mapcount);
		if (t < -1 && t != (int32_t)w->k.buddy &&
		    (w->missing.offline || t != (int32_t)w->k.offline))
			v[n++] = t;
	}
	qsort(v, n, sizeof(*v), cmp_s32);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j] == v[i]; j++)
			;
		if (j - i > best_n) {
			best = v[i];
			best_n = j - i;
		}
	}
	free(v);
	w->k.table_type = best_n >= 2 ? best : 0;
}

/*
 * The struct page after @pfn's (page[1] of a head), without moving the
 * one-page cache: from it when there, else read aside.
 */
static const uint8_t *next_struct_page(struct pages_walk *w, uint64_t pfn)
{
	uint64_t va = w->vmemmap + (pfn + 1) * w->k.size;
	uint64_t page = va & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	size_t off = (size_t)(va - page);

	if (w->chunk_ok && page == w->chunk_va &&
	    off + w->k.size <= PTK_PAGE_SIZE)
		return w->chunk + off;
	return ptk_read_virt(w->src, w->pg, va, w->second, w->k.size) ==
	       PTK_OK ? w->second : NULL;
}

/* Whether the compound head @sp of @pfn is a HugeTLB folio's. */
static bool is_hugetlb_head(struct pages_walk *w, uint64_t pfn,
			    const uint8_t *sp)
{
	const struct page_keys *k = &w->k;
	const uint8_t *tail;

	switch (k->hugetlb) {
	case HUGETLB_TYPE:
		return s32_at(sp, k->mapcount) == (int32_t)k->hugetlb_type;
	case HUGETLB_FLAG:
		tail = next_struct_page(w, pfn);
		return tail && (u64_at(tail, k->flags) >> k->pg_hugetlb & 1);
	case HUGETLB_DTOR:
		tail = next_struct_page(w, pfn);
		return tail && tail[k->dtor_off] == (uint8_t)k->dtor;
	case HUGETLB_NONE:
		break;
	}
	return false;
}

/* The kind of a page that is not a compound tail. */
static void classify(struct pages_walk *w, uint64_t pfn, const uint8_t *sp,
		     struct ptk_page_info *pi)
{
	const struct page_keys *k = &w->k;
	uint64_t flags = u64_at(sp, k->flags);
	int32_t mapcount = s32_at(sp, k->mapcount);
	uint64_t mapping = u64_at(sp, k->mapping);

	pi->mapped = mapcount >= 0;
	if (!w->missing.head && (flags & k->head_mask))
		pi->compound = 'h';
	if (k->table_type && mapcount == k->table_type) {
		pi->kind = PTK_PAGE_PGTABLE;
		pi->table_kind = PTK_PAGE_PGTABLE;
		pi->counted_table = true;
		pi->mapped = false;
	} else if (mapcount == (int32_t)k->buddy) {
		uint64_t order = u64_at(sp, k->private);

		pi->kind = PTK_PAGE_FREE;
		pi->mapped = false;
		pi->order = order <= 20 ? (unsigned)order : 0;
	} else if (!w->missing.offline && mapcount == (int32_t)k->offline) {
		pi->kind = PTK_PAGE_OFFLINE;
		pi->mapped = false;
	} else if (pi->compound == 'h' && is_hugetlb_head(w, pfn, sp)) {
		/* in the pool's free lists a folio's refcount is zero */
		pi->kind = PTK_PAGE_HUGETLB;
		pi->hugetlb_free = s32_at(sp, k->refcount) == 0;
		pi->mapped = pi->mapped && !pi->hugetlb_free;
	} else if (!w->missing.hwpoison && (flags >> k->pg_hwpoison & 1)) {
		pi->kind = PTK_PAGE_HWPOISON;
	} else if (!w->missing.slab && (flags >> k->pg_slab & 1)) {
		/* struct slab overlays _mapcount: it means nothing here */
		pi->kind = PTK_PAGE_SLAB;
		pi->mapped = false;
	} else if (!w->missing.reserved && (flags >> k->pg_reserved & 1)) {
		pi->kind = PTK_PAGE_RESERVED;
	} else if (s32_at(sp, k->refcount) == 0) {
		pi->kind = PTK_PAGE_UNREF;
		pi->mapped = false;
	} else if (mapping & PAGE_MAPPING_ANON) {
		pi->kind = PTK_PAGE_ANON;
	} else if (mapping) {
		pi->kind = PTK_PAGE_FILE;
	} else {
		pi->kind = PTK_PAGE_KERNEL;
	}
}

/*
 * A head at the start of a vmemmap page whose next struct page is a tail
 * of another head: the vmemmap page is an HVO alias of the head's, so
 * this is a tail of that head (the kernel's page_fixed_fake_head()).
 * Sets @head to that head's compound_head value.
 */
static bool is_fake_head(struct pages_walk *w, uint64_t pfn,
			 const uint8_t *sp, uint64_t *head)
{
	uint64_t va = w->vmemmap + pfn * w->k.size;
	const uint8_t *next;
	uint64_t h;

	if (w->missing.head || !(u64_at(sp, w->k.flags) & w->k.head_mask) ||
	    va % PTK_PAGE_SIZE)
		return false;
	next = next_struct_page(w, pfn);
	if (!next)
		return false;
	h = u64_at(next, w->k.head);
	if (!(h & 1) || h - 1 == va)
		return false;
	*head = h;
	return true;
}

static void page_info(struct pages_walk *w, uint64_t pfn,
		      struct ptk_page_info *pi)
{
	const uint8_t *sp;
	uint64_t head;
	bool fake;

	memset(pi, 0, sizeof(*pi));
	if (is_table(w, pfn)) {
		struct ptk_page_info alloc = { .kind = PTK_PAGE_NOMAP };

		sp = struct_page(w, pfn);
		if (sp)
			classify(w, pfn, sp, &alloc);
		if (pfn < w->free_until)
			alloc.kind = PTK_PAGE_FREE;
		pi->kind = PTK_PAGE_PGTABLE;
		pi->table_kind = alloc.kind;
		pi->counted_table = alloc.counted_table;
		pi->freed_table = pfn < w->free_until ||
				  alloc.kind == PTK_PAGE_FREE;
		return;
	}
	if (pfn < w->free_until) {
		pi->kind = PTK_PAGE_FREE;
		pi->order = w->free_order;
		return;
	}
	sp = struct_page(w, pfn);
	if (!sp) {
		pi->kind = PTK_PAGE_NOMAP;
		return;
	}
	head = u64_at(sp, w->k.head);
	fake = !(head & 1) && is_fake_head(w, pfn, sp, &head);
	if (head & 1) {
		uint64_t hp = head - 1 - w->vmemmap;
		uint64_t hpfn = hp / w->k.size;

		/* A tail takes its head's kind; a head that is no struct page
		 * of RAM, or not before the tail, is ignored. */
		if (head - 1 >= w->vmemmap && hp % w->k.size == 0 &&
		    hpfn < pfn && pfn - hpfn < (UINT64_C(1) << 20)) {
			if (hpfn != w->head_pfn) {
				const uint8_t *hsp = struct_page(w, hpfn);

				w->head_pfn = hpfn;
				memset(&w->head_info, 0, sizeof(w->head_info));
				w->head_info.kind = PTK_PAGE_NOMAP;
				if (hsp)
					classify(w, hpfn, hsp, &w->head_info);
				sp = struct_page(w, pfn);	/* cache moved */
				if (!sp) {
					pi->kind = PTK_PAGE_NOMAP;
					return;
				}
			}
			*pi = w->head_info;
			pi->compound = 't';
			pi->fake_head = fake;
			return;
		}
	}
	classify(w, pfn, sp, pi);
	if (pi->kind == PTK_PAGE_FREE) {
		w->free_until = pfn + (UINT64_C(1) << pi->order);
		w->free_order = pi->order;
	}
}

enum ptk_status ptk_pages_walk(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       const struct ptk_layout *layout,
			       const uint64_t *tables, size_t ntables,
			       uint64_t start_pfn, uint64_t end_pfn,
			       ptk_page_fn fn, void *priv,
			       struct ptk_pages_keys *missing)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct pages_walk *w;
	const struct ptk_range *ram;
	enum ptk_status st = PTK_OK;
	size_t nram;

	ptk_ctx_clear_err(ctx);
	if (!layout->vmemmap)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "the vmemmap base is "
				   "not known (ptkit info says why)");
	w = calloc(1, sizeof(*w));
	if (!w)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "page walk");
	w->src = src;
	w->pg = pg;
	w->vmemmap = layout->vmemmap;
	w->max_pfn = mm_max_pfn(src);
	w->tables = tables;
	w->ntables = tables ? ntables : 0;
	w->head_pfn = UINT64_MAX;
	st = read_keys(w);
	if (st != PTK_OK)
		goto out;
	learn_table_type(w);
	w->chunk_va = 0;
	if (missing)
		*missing = w->missing;
	if (end_pfn > w->max_pfn)
		end_pfn = w->max_pfn;
	ram = ptk_source_ram(src, &nram);
	for (size_t i = 0; i < nram && st == PTK_OK; i++) {
		uint64_t s = ram[i].start >> PTK_PAGE_SHIFT;
		uint64_t e = (ram[i].end + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT;

		if (s < start_pfn)
			s = start_pfn;
		if (e > end_pfn)
			e = end_pfn;
		for (uint64_t pfn = s; pfn < e && st == PTK_OK; pfn++) {
			struct ptk_page_info pi;

			page_info(w, pfn, &pi);
			st = fn(pfn, &pi, priv);
		}
	}
	if (st == PTK_OK)	/* unreadable struct pages are kinds */
		ptk_ctx_clear_err(ctx);
out:
	free(w);
	return st;
}
