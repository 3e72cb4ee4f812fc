/* SPDX-License-Identifier: MIT */
/**
 * DOC: the vmemmap and the struct pages it shares
 *
 * The vmemmap maps the kernel's array of struct pages, one per page frame,
 * at a virtual base (vmemmap_base).  Normally every page of it maps a page
 * of its own, 2 MiB at a time.  The HugeTLB Vmemmap Optimization
 * (hugetlb_free_vmemmap=on, mm/hugetlb_vmemmap.c) and device-dax compound
 * pagemaps (mm/sparse-vmemmap.c) break that rule on purpose: the struct
 * pages of a large folio's tails all say the same thing, so the kernel
 * splits the vmemmap to 4 KiB pages and maps the pages of tail struct
 * pages onto one shared page, read-only, and frees the rest.  A 2 MiB
 * folio's 8 vmemmap pages then use one page (Linux 6.1) and a 1 GiB
 * folio's 4096 use one as well.
 *
 * ptk_vmemmap_scan() finds that structure from the page tables alone: the
 * vmemmap's leaves by size, the 4 KiB pages that map a frame another
 * vmemmap page maps (aliases), and for each folio they belong to (its
 * head, told by the struct pages read through the aliases, as the kernel's
 * page_fixed_fake_head() does) its vmemmap pages, how many are aliases,
 * the pages saved, and what breaks the kernel's rules: an alias that is
 * writable, a head vmemmap page that is not, aliases of one folio onto
 * more than one page.
 *
 * Needs the vmemmap base in the layout and SIZE(page) from VMCOREINFO;
 * where there are aliases, also OFFSET(page.flags),
 * OFFSET(page.compound_head) and NUMBER(PG_head_mask).
 * OFFSET(page.compound_order) (up to Linux 6.3) checks each folio's
 * order, which is otherwise the aliases' extent.
 */
#ifndef PTKIT_VMEMMAP_H
#define PTKIT_VMEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What breaks the kernel's rules for a folio's shared vmemmap. */
enum {
	PTK_VMEMMAP_ALIAS_WRITABLE = 1u << 0,	/* an alias maps it writable */
	PTK_VMEMMAP_HEAD_READONLY = 1u << 1,	/* the head's page is not */
	PTK_VMEMMAP_FRAMES = 1u << 2,		/* aliases onto 2+ pages */
	PTK_VMEMMAP_ORDER = 1u << 3,		/* aliases past compound_order */
};

/**
 * struct ptk_vmemmap_folio - a folio whose struct pages share vmemmap
 * @pfn:      its head page frame
 * @order:    its size, 2^order pages
 * @va:       the vmemmap address of its head's struct page
 * @vmemmap_pages: the vmemmap pages its struct pages span that are mapped
 * @shared:   of them, aliases: pages that map a frame a vmemmap page at a
 *            lower address maps
 * @saved:    the pages its struct pages would take (2^order * SIZE(page)
 *            / 4096) less the distinct frames its vmemmap maps
 * @frame:    the physical address most of its aliases map
 * @writable_aliases: aliases mapped writable
 * @frames:   distinct frames its aliases map
 * @problems: PTK_VMEMMAP_* bits
 */
struct ptk_vmemmap_folio {
	uint64_t pfn;
	unsigned order;
	uint64_t va;
	uint64_t vmemmap_pages, shared, saved;
	uint64_t frame;
	uint64_t writable_aliases, frames;
	unsigned problems;
};

/**
 * struct ptk_vmemmap - the vmemmap of a dump
 * @base:        vmemmap_base
 * @page_size:   SIZE(page)
 * @leaves:      the vmemmap's leaves of 4K, 2M and 1G
 * @pte_tables:  PTE tables under it: 2 MiB of vmemmap split to 4 KiB
 * @bad_entries: entries the walker could not follow (treated as holes)
 * @ram_pages:   pages of RAM
 * @unmapped_struct_pages: of them, pages whose struct page is not mapped
 * @aliases:     4 KiB vmemmap pages that alias another
 * @orphans:     aliases whose struct pages name no head before them
 * @folios:      the folios with aliases, by @pfn
 */
struct ptk_vmemmap {
	uint64_t base, page_size;
	uint64_t leaves[3];
	uint64_t pte_tables, bad_entries;
	uint64_t ram_pages, unmapped_struct_pages;
	uint64_t aliases, orphans;
	struct ptk_vmemmap_folio *folios;
	size_t nfolios;
};

/**
 * ptk_vmemmap_scan() - read the vmemmap of @src through @pg's tables
 *
 * PTK_ERR_NODATA when the vmemmap base or a VMCOREINFO key needed is not
 * known (the message names it).  Free with ptk_vmemmap_free().
 */
enum ptk_status ptk_vmemmap_scan(struct ptk_source *src,
				 const struct ptk_paging *pg,
				 const struct ptk_layout *layout,
				 struct ptk_vmemmap **ret);

void ptk_vmemmap_free(struct ptk_vmemmap *vm);

#ifdef __cplusplus
}
#endif
#endif
