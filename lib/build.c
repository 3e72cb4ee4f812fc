// SPDX-License-Identifier: MIT
/* An in-memory physical memory of table pages, with a mapping builder. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pagemap-priv.h"
#include "ptkit/build.h"

#define ADDR_MASK 0x000ffffffffff000ull
/* _PAGE_TABLE, arch/x86/include/asm/pgtable_types.h: P|RW|US|A|D */
#define TABLE_BITS 0x67ull

struct ptk_builder {
	struct ptk_ctx *ctx;
	struct ptk_source *src;
	unsigned levels;
	bool has_root;
	uint64_t root;
	struct pagemap pages;
	/* Table pool and the next page to try in it. */
	struct ptk_range *pool;
	size_t npool, pool_idx;
	uint64_t pool_next;
};

/* The page at @pfn, made (zero-filled) if the builder does not hold it. */
static enum ptk_status get_page(struct ptk_builder *b, uint64_t pfn,
				uint64_t **ret)
{
	uint64_t *p = pagemap_find(&b->pages, pfn);
	uint64_t limit = ptk_ctx_page_limit(b->ctx);

	if (!p && limit && b->pages.n >= limit)
		return ptk_set_err(b->ctx, PTK_ERR_NOMEM,
				   "more than %" PRIu64 " table pages", limit);
	if (!p)
		p = pagemap_add(&b->pages, pfn, NULL);
	*ret = p;
	return p ? PTK_OK : ptk_set_err(b->ctx, PTK_ERR_NOMEM, "table page");
}

/* --- the builder as a source --- */

static const void *builder_map(struct ptk_source *src, uint64_t pa, size_t len)
{
	struct ptk_builder *b = ptk_source_priv(src);
	uint64_t off = pa & (PTK_PAGE_SIZE - 1);
	uint64_t *p;

	if (off + len > PTK_PAGE_SIZE)
		return NULL;
	p = pagemap_find(&b->pages, pa >> PTK_PAGE_SHIFT);
	return p ? (const char *)p + off : NULL;
}

static enum ptk_status builder_read(struct ptk_source *src, uint64_t pa,
				    void *buf, size_t len)
{
	struct ptk_builder *b = ptk_source_priv(src);
	char *out = buf;

	while (len) {
		uint64_t off = pa & (PTK_PAGE_SIZE - 1);
		size_t n = PTK_PAGE_SIZE - off < len ? PTK_PAGE_SIZE - off : len;
		uint64_t *p = pagemap_find(&b->pages, pa >> PTK_PAGE_SHIFT);

		if (!p)
			return ptk_set_err(b->ctx, PTK_ERR_NODATA,
					   "page %#" PRIx64 " holds no data",
					   pa & ~(uint64_t)(PTK_PAGE_SIZE - 1));
		memcpy(out, (char *)p + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return PTK_OK;
}

static enum ptk_page_state builder_page_state(struct ptk_source *src,
					      uint64_t pa)
{
	struct ptk_builder *b = ptk_source_priv(src);

	return pagemap_find(&b->pages, pa >> PTK_PAGE_SHIFT) ? PTK_PAGE_PRESENT
						  : PTK_PAGE_ABSENT;
}

static const struct ptk_source_ops builder_ops = {
	.format = "ptkit builder (memory)",
	.read = builder_read,
	.map = builder_map,
	.page_state = builder_page_state,
};

enum ptk_status ptk_builder_new(struct ptk_ctx *ctx, unsigned levels,
				struct ptk_builder **ret)
{
	struct ptk_builder *b;
	enum ptk_status st;

	if (levels != 4 && levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", levels);
	b = calloc(1, sizeof(*b));
	if (!b)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "builder");
	b->ctx = ctx;
	b->levels = levels;
	pagemap_init(&b->pages);
	st = ptk_source_new(ctx, "builder", &builder_ops, b, &b->src);
	if (st != PTK_OK) {
		free(b);
		return st;
	}
	*ret = b;
	return PTK_OK;
}

void ptk_builder_free(struct ptk_builder *b)
{
	if (!b)
		return;
	ptk_source_free(b->src);
	pagemap_release(&b->pages);
	free(b->pool);
	free(b);
}

struct ptk_source *ptk_builder_source(struct ptk_builder *b)
{
	return b->src;
}

enum ptk_status ptk_builder_add_pool(struct ptk_builder *b, uint64_t start,
				     uint64_t end)
{
	struct ptk_range *p;

	start = (start + PTK_PAGE_SIZE - 1) & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	end &= ~(uint64_t)(PTK_PAGE_SIZE - 1);
	if (end <= start)
		return PTK_OK;
	p = realloc(b->pool, (b->npool + 1) * sizeof(*p));
	if (!p)
		return ptk_set_err(b->ctx, PTK_ERR_NOMEM, "table pool");
	b->pool = p;
	b->pool[b->npool++] = (struct ptk_range){ start, end };
	if (b->npool == 1)
		b->pool_next = start;
	return PTK_OK;
}

/* A fresh zeroed table page from the pool. */
static enum ptk_status alloc_table(struct ptk_builder *b, uint64_t *ret)
{
	uint64_t *p;

	while (b->pool_idx < b->npool) {
		uint64_t pa = b->pool_next;

		if (pa >= b->pool[b->pool_idx].end) {
			if (++b->pool_idx < b->npool)
				b->pool_next = b->pool[b->pool_idx].start;
			continue;
		}
		b->pool_next += PTK_PAGE_SIZE;
		if (pagemap_find(&b->pages, pa >> PTK_PAGE_SHIFT))
			continue;
		*ret = pa;
		return get_page(b, pa >> PTK_PAGE_SHIFT, &p);
	}
	return ptk_set_err(b->ctx, PTK_ERR_NOMEM,
			   "no free page left for a new table in the table "
			   "pool (%zu pages used)", b->pages.n);
}

static enum ptk_status ensure_root(struct ptk_builder *b)
{
	enum ptk_status st;

	if (b->has_root)
		return PTK_OK;
	st = alloc_table(b, &b->root);
	if (st == PTK_OK)
		b->has_root = true;
	return st;
}

enum ptk_status ptk_builder_set_root(struct ptk_builder *b, uint64_t pa)
{
	uint64_t *p;

	if (pa & (PTK_PAGE_SIZE - 1))
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "root %#" PRIx64 " is not page aligned", pa);
	b->root = pa;
	b->has_root = true;
	return get_page(b, pa >> PTK_PAGE_SHIFT, &p);
}

enum ptk_status ptk_builder_paging(struct ptk_builder *b,
				   struct ptk_paging *ret)
{
	enum ptk_status st = ensure_root(b);

	if (st != PTK_OK)
		return st;
	ptk_paging_init(ret, b->root, b->levels);
	return PTK_OK;
}

uint64_t ptk_entry_encode(unsigned level, uint64_t addr, unsigned flags,
			  unsigned pkey)
{
	static const struct {
		unsigned flag;
		uint64_t bit;
	} bits[] = {
		{ PTK_F_RW, 1ull << 1 }, { PTK_F_US, 1ull << 2 },
		{ PTK_F_PWT, 1ull << 3 }, { PTK_F_PCD, 1ull << 4 },
		{ PTK_F_A, 1ull << 5 }, { PTK_F_D, 1ull << 6 },
		{ PTK_F_G, 1ull << 8 }, { PTK_F_NX, 1ull << 63 },
	};
	uint64_t e = 1 | (addr & ADDR_MASK) | ((uint64_t)(pkey & 0xf) << 59);

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (flags & bits[i].flag)
			e |= bits[i].bit;
	if (level > PTK_LEVEL_PTE)
		e |= 1ull << 7;		/* PS */
	if (flags & PTK_F_PAT)
		e |= level > PTK_LEVEL_PTE ? 1ull << 12 : 1ull << 7;
	return e;
}

static enum ptk_status fill(struct ptk_builder *b, unsigned level,
			    uint64_t table_pa, uint64_t va, uint64_t last,
			    uint64_t pa, unsigned leaf_level, unsigned flags,
			    unsigned pkey)
{
	const uint64_t size = ptk_level_size(level);
	struct ptk_paging pg;
	uint64_t *t;
	enum ptk_status st;

	ptk_paging_init(&pg, b->root, b->levels);
	st = get_page(b, table_pa >> PTK_PAGE_SHIFT, &t);
	if (st != PTK_OK)
		return st;
	for (;;) {
		unsigned idx = ptk_va_index(va, level);
		uint64_t entry_last = (va & ~(size - 1)) + (size - 1);
		uint64_t clip = entry_last < last ? entry_last : last;
		struct ptk_entry d;

		ptk_entry_decode(&pg, level, t[idx], &d);
		if (level == leaf_level) {
			if (d.kind != PTK_KIND_NONE)
				return ptk_set_err(b->ctx, PTK_ERR_INVALID,
						   "%#" PRIx64 " is already "
						   "mapped at the %s level", va,
						   ptk_level_name(&pg, level));
			t[idx] = ptk_entry_encode(level, pa, flags, pkey);
		} else {
			uint64_t child;

			if (d.kind == PTK_KIND_LEAF)
				return ptk_set_err(b->ctx, PTK_ERR_INVALID,
						   "%#" PRIx64 " is already "
						   "mapped by a %s leaf", va,
						   ptk_level_name(&pg, level));
			if (d.kind == PTK_KIND_NONE) {
				st = alloc_table(b, &child);
				if (st != PTK_OK)
					return st;
				t[idx] = child | TABLE_BITS;
			} else {
				child = d.addr;
			}
			st = fill(b, level - 1, child, va, clip, pa, leaf_level,
				  flags, pkey);
			if (st != PTK_OK)
				return st;
		}
		if (clip == last)
			return PTK_OK;
		pa += clip - va + 1;
		va = clip + 1;
	}
}

enum ptk_status ptk_builder_map(struct ptk_builder *b, uint64_t va,
				uint64_t pa, uint64_t size, unsigned level,
				unsigned flags, unsigned pkey)
{
	struct ptk_paging pg;
	uint64_t psize, last;
	enum ptk_status st;

	if (level < PTK_LEVEL_PTE || level > PTK_LEVEL_PUD)
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "no leaves at level %u", level);
	psize = ptk_level_size(level);
	if (!size || ((va | pa | size) & (psize - 1)))
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "map %#" PRIx64 " -> %#" PRIx64 " size %#"
				   PRIx64 ": not aligned to the page size %#"
				   PRIx64, va, pa, size, psize);
	last = va + (size - 1);
	st = ensure_root(b);
	if (st != PTK_OK)
		return st;
	ptk_paging_init(&pg, b->root, b->levels);
	if (last < va || !ptk_va_canonical(&pg, va) ||
	    !ptk_va_canonical(&pg, last) ||
	    (va < ptk_noncanon_start(&pg)) != (last < ptk_noncanon_start(&pg)))
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "map %#" PRIx64 "+%#" PRIx64 ": not inside "
				   "one canonical half of the %u-bit address "
				   "space", va, size, ptk_va_bits(&pg));
	if (pa + (size - 1) < pa ||
	    (pa + (size - 1)) >> PTK_MAX_PHYS_BITS)
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "map to %#" PRIx64 "+%#" PRIx64
				   ": beyond 52-bit physical addresses", pa,
				   size);
	return fill(b, b->levels, b->root, va, last, pa, level, flags, pkey);
}

enum ptk_status ptk_builder_set(struct ptk_builder *b, uint64_t pa,
				uint64_t value)
{
	uint64_t *p;
	enum ptk_status st;

	if (pa & 7)
		return ptk_set_err(b->ctx, PTK_ERR_INVALID,
				   "entry address %#" PRIx64 " is not 8-byte "
				   "aligned", pa);
	st = get_page(b, pa >> PTK_PAGE_SHIFT, &p);
	if (st != PTK_OK)
		return st;
	p[(pa & (PTK_PAGE_SIZE - 1)) / 8] = value;
	return PTK_OK;
}

enum ptk_status ptk_builder_pages(struct ptk_builder *b, const uint64_t **pfns,
				  size_t *count)
{
	return pagemap_sorted(&b->pages, b->ctx, pfns, count);
}
