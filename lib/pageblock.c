// SPDX-License-Identifier: MIT
/*
 * Pageblock migratetypes, where the kernel keeps them with SPARSEMEM: each
 * memory section's usage->pageblock_flags holds NR_PAGEBLOCK_BITS (4) per
 * pageblock, the migratetype in the low 3 (mm/page_alloc.c,
 * get_pfnblock_flags_mask()).
 */
#include <inttypes.h>

#include "kread-priv.h"
#include "meta-priv.h"
#include "ptkit/alloc.h"
#include "ptkit/mm.h"
#include "ptkit/types.h"

#define SECTION_MARKED_PRESENT 1
#define PAGEBLOCK_BITS 4
#define MIGRATETYPE_MASK 7

struct sections {
	uint64_t sym;		/* SYMBOL(mem_section) */
	uint64_t size;		/* SIZE(mem_section) */
	uint64_t roots;		/* LENGTH(mem_section): NR_SECTION_ROOTS */
	unsigned pfn_shift;	/* PFN_SECTION_SHIFT */
	uint64_t usage_off, flags_off;
};

static enum ptk_status layout_of(struct ptk_source *src,
				 const struct ptk_types *types,
				 struct sections *s)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	uint64_t bits;
	struct ptk_member m;

	if (!meta_hex(src, "SYMBOL(mem_section)", &s->sym))
		return ptk_set_err(ctx, PTK_ERR_NODATA, "pageblocks: "
				   "VMCOREINFO lacks SYMBOL(mem_section)");
	if (!meta_num(src, "SIZE(mem_section)", &s->size) || !s->size ||
	    s->size > PTK_PAGE_SIZE)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "pageblocks: "
				   "VMCOREINFO lacks SIZE(mem_section)");
	if (!meta_num(src, "NUMBER(SECTION_SIZE_BITS)", &bits) ||
	    bits < PTK_PAGE_SHIFT + PTK_PAGEBLOCK_ORDER || bits > 40)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "pageblocks: "
				   "VMCOREINFO lacks NUMBER(SECTION_SIZE_BITS)");
	s->pfn_shift = (unsigned)bits - PTK_PAGE_SHIFT;
	if (!meta_num(src, "LENGTH(mem_section)", &s->roots) || !s->roots ||
	    s->roots > (UINT64_C(1) << 20))
		s->roots = 1;
	/* struct mem_section { unsigned long section_mem_map; struct
	 * mem_section_usage *usage; ... }; usage { DECLARE_BITMAP(
	 * subsection_map, 64 on x86-64); unsigned long pageblock_flags[]; } */
	s->usage_off = 8;
	s->flags_off = 8;
	if (types && ptk_types_member(types, "mem_section", "usage", &m) ==
		     PTK_OK)
		s->usage_off = m.offset;
	if (types && ptk_types_member(types, "mem_section_usage",
				      "pageblock_flags", &m) == PTK_OK)
		s->flags_off = m.offset;
	ptk_ctx_clear_err(ctx);
	return PTK_OK;
}

/* The pageblocks of section @nr, whose struct mem_section is at @sec. */
static enum ptk_status one_section(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct sections *s, uint64_t nr,
				   uint64_t sec, ptk_pageblock_fn fn, void *priv)
{
	const uint64_t blocks = UINT64_C(1)
				<< (s->pfn_shift - PTK_PAGEBLOCK_ORDER);
	uint64_t map, usage, word = 0;
	enum ptk_status st;

	if (ptk_read_virt(src, pg, sec, &map, sizeof(map)) != PTK_OK ||
	    !(map & SECTION_MARKED_PRESENT) ||
	    ptk_read_virt(src, pg, sec + s->usage_off, &usage,
			  sizeof(usage)) != PTK_OK || !usage)
		return PTK_OK;
	for (uint64_t b = 0; b < blocks; b++) {
		const uint64_t bit = b * PAGEBLOCK_BITS;

		if (!(bit % 64) &&
		    ptk_read_virt(src, pg, usage + s->flags_off + bit / 64 * 8,
				  &word, sizeof(word)) != PTK_OK)
			return PTK_OK;
		st = fn((nr << s->pfn_shift) + (b << PTK_PAGEBLOCK_ORDER),
			(unsigned)(word >> (bit % 64)) & MIGRATETYPE_MASK, priv);
		if (st != PTK_OK)
			return st;
	}
	return PTK_OK;
}

enum ptk_status ptk_pageblocks_walk(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_types *types,
				    ptk_pageblock_fn fn, void *priv)
{
	struct sections s = { 0 };
	enum ptk_status st = layout_of(src, types, &s);
	uint64_t per_root;

	if (st != PTK_OK)
		return st;
	per_root = PTK_PAGE_SIZE / s.size;
	/* SPARSEMEM_EXTREME (x86-64): SYMBOL(mem_section) is the array of
	 * pointers to the pages of sections the kernel allocated; without
	 * it, the sections are a static array in the kernel image, one per
	 * root. */
	if (s.sym >= PTK_START_KERNEL_MAP)
		per_root = 1;
	for (uint64_t r = 0; r < s.roots; r++) {
		uint64_t root = s.sym + r * s.size;

		if (per_root > 1 &&
		    ptk_read_virt(src, pg, s.sym + r * 8, &root,
				  sizeof(root)) != PTK_OK)
			break;
		for (uint64_t i = 0; root && i < per_root; i++) {
			st = one_section(src, pg, &s, r * per_root + i,
					 root + i * s.size, fn, priv);
			if (st != PTK_OK)
				return st;
		}
	}
	ptk_ctx_clear_err(ptk_source_ctx(src));
	return PTK_OK;
}
