/* SPDX-License-Identifier: MIT */
/**
 * DOC: the kernel's memory-management state, from VMCOREINFO alone
 *
 * ptk_freelists_read() walks the buddy free lists of every node and zone
 * of a Linux dump, with nothing but VMCOREINFO and the page tables:
 * SYMBOL(node_data) and LENGTH(node_data), SIZE(zone),
 * OFFSET(pglist_data.node_zones), OFFSET(pglist_data.nr_zones),
 * OFFSET(zone.free_area), SIZE(free_area), LENGTH(zone.free_area),
 * OFFSET(free_area.free_list), LENGTH(free_area.free_list),
 * OFFSET(list_head.next), OFFSET(page.lru), SIZE(page), and, to check the
 * totals, OFFSET(zone.vm_stat) with NUMBER(NR_FREE_PAGES).  Kernel
 * addresses are translated by ptkit's own walker.
 *
 * Lists are walked with bounds and loop checks: an element that is not a
 * struct page of RAM in the vmemmap, or a list longer than RAM has pages
 * (a loop that never comes back to its head), is reported in the zone and
 * not followed further.
 *
 * Zone names follow x86-64's zone order (DMA, DMA32, Normal, Movable,
 * Device); migratetype names follow the list count (4: Unmovable,
 * Movable, Reclaimable, HighAtomic; 5: and Isolate; 6: and CMA, Isolate).
 */
#ifndef PTKIT_MM_H
#define PTKIT_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "paging.h"
#include "source.h"

struct ptk_types;

#ifdef __cplusplus
extern "C" {
#endif

enum { PTK_MM_MAX_ORDERS = 16, PTK_MM_MAX_TYPES = 8 };

/**
 * struct ptk_zone_free - one zone's free lists
 * @node, @zone:   node id, zone index
 * @name:          "DMA", "DMA32", "Normal", ...
 * @blocks:        free blocks per order and migratetype list
 * @spanned:       the zone's spanned_pages, or -1 if not exported; a zone
 *                 that spans nothing has no lists and is skipped, as
 *                 /proc/buddyinfo skips it
 * @start_pfn:     zone_start_pfn, two words before spanned_pages in
 *                 struct zone since Linux 3.x; -1 if not known
 * @nr_free:       the zone's NR_FREE_PAGES counter, or -1 if not exported
 * @list_errors:   lists that could not be walked to their end
 * @first_error:   the message of the first of those
 */
struct ptk_zone_free {
	unsigned node, zone;
	const char *name;
	uint64_t blocks[PTK_MM_MAX_ORDERS][PTK_MM_MAX_TYPES];
	int64_t spanned;
	int64_t start_pfn;
	int64_t nr_free;
	unsigned list_errors;
	char first_error[160];
};

/**
 * struct ptk_freelists - every populated zone
 * @norders, @ntypes: LENGTH(zone.free_area), LENGTH(free_area.free_list)
 * @type_names:       names of the @ntypes lists
 *
 * @zones lists the zones that span pages; a zone whose lists could not all
 * be walked has @list_errors set and its counts are those of the walkable
 * part.
 */
struct ptk_freelists {
	struct ptk_zone_free *zones;
	size_t nzones;
	unsigned norders, ntypes;
	const char *type_names[PTK_MM_MAX_TYPES];
};

/**
 * ptk_freelists_read() - the buddy free lists of @src
 *
 * PTK_ERR_NODATA, naming the missing key, when VMCOREINFO lacks what the
 * walk needs.  Release the result with ptk_freelists_release().
 */
enum ptk_status ptk_freelists_read(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_layout *layout,
				   struct ptk_freelists *ret);
void ptk_freelists_release(struct ptk_freelists *f);

/**
 * typedef ptk_free_block_fn - one free block: 2^@order pages from @pfn,
 * on list @type of @zone.  A status other than PTK_OK stops the walk and
 * is returned by ptk_freelists_walk().
 */
typedef enum ptk_status (*ptk_free_block_fn)(const struct ptk_zone_free *zone,
					     unsigned order, unsigned type,
					     uint64_t pfn, void *priv);

/**
 * ptk_freelists_walk() - as ptk_freelists_read(), handing every free block
 * to @fn as it is found.  Needs the vmemmap base in @layout to know the
 * blocks' PFNs (PTK_ERR_NODATA without it).
 */
enum ptk_status ptk_freelists_walk(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_layout *layout,
				   ptk_free_block_fn fn, void *priv,
				   struct ptk_freelists *ret);

/**
 * typedef ptk_pageblock_fn - pageblock of 2^9 pages from @pfn is of the
 * kernel's migratetype @migratetype (the index of its free list; name it
 * with struct ptk_freelists' @type_names)
 */
typedef enum ptk_status (*ptk_pageblock_fn)(uint64_t pfn, unsigned migratetype,
					    void *priv);

/**
 * ptk_pageblocks_walk() - the migratetype of every pageblock of a present
 * memory section, as get_pageblock_migratetype() reads it: bits 0-2 of
 * the pageblock's 4 in its section's usage->pageblock_flags
 * @types: the kernel's BTF, for the offsets of mem_section.usage and
 *         mem_section_usage.pageblock_flags; NULL for those of x86-64
 *         since 5.3 (8 and 8)
 *
 * PTK_ERR_NODATA, naming the key, without SYMBOL(mem_section),
 * SIZE(mem_section) or NUMBER(SECTION_SIZE_BITS).  A section whose usage
 * cannot be read is skipped.
 */
enum ptk_status ptk_pageblocks_walk(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_types *types,
				    ptk_pageblock_fn fn, void *priv);

/**
 * enum ptk_page_kind - what a page of RAM is, from its struct page
 *
 * Checked in this order: no readable struct page; a table page the walker
 * found (passed in), or one whose struct page has the page type of the
 * tables found (PG_table, learned from them); a free buddy block (PAGE_BUDDY_MAPCOUNT_VALUE, order
 * in page.private; all its pages); offline; hwpoison; slab; reserved;
 * hugetlb (a compound head the kernel marks as a HugeTLB folio: page[1]'s
 * compound_dtor is HUGETLB_PAGE_DTOR before 6.3ish, page[1]'s PG_hugetlb
 * flag until 6.8, the head's page type since 6.9 — whichever VMCOREINFO
 * exports); refcount zero (a per-CPU free list, or a page being freed);
 * anonymous (page.mapping with PAGE_MAPPING_ANON); file (any other
 * mapping: page cache, shmem, secretmem, guest_memfd); and kernel (in use,
 * no mapping: kmalloc, vmalloc, stacks, memblock).  A compound tail page
 * has the kind of its head.
 *
 * With the HugeTLB Vmemmap Optimization the tail struct pages of a folio
 * are read through vmemmap pages the kernel remapped onto one shared page:
 * a struct page at the start of such a page reads as a copy of the head
 * ("fake head").  Like page_fixed_fake_head(), a head at a page-aligned
 * vmemmap address whose next struct page is a tail of another head is
 * taken for a tail of that head.
 */
enum ptk_page_kind {
	PTK_PAGE_NOMAP,
	PTK_PAGE_PGTABLE,
	PTK_PAGE_FREE,
	PTK_PAGE_OFFLINE,
	PTK_PAGE_HWPOISON,
	PTK_PAGE_SLAB,
	PTK_PAGE_RESERVED,
	PTK_PAGE_HUGETLB,
	PTK_PAGE_UNREF,
	PTK_PAGE_ANON,
	PTK_PAGE_FILE,
	PTK_PAGE_KERNEL,
	PTK_PAGE_NKINDS
};

/** ptk_page_kind_name() - "free", "slab", "pagetable", ... */
const char *ptk_page_kind_name(enum ptk_page_kind kind);

/**
 * struct ptk_page_info - one page
 * @compound: 0, or 'h' for a compound head, 't' for a tail
 * @order:    the buddy order of the free block a free page is in
 * @mapped:   page._mapcount says user page tables map it
 * @freed_table: a page table the walker reached whose struct page says
 *            it is free: a table used after it was freed, or a corrupt
 *            dump
 * @table_kind: for a page table, the kind its struct page alone gives
 * @counted_table: its struct page has the page type of the page tables
 *            the kernel counts in NR_PAGETABLE (those made by
 *            pte_alloc_one() and pmd_alloc_one(); boot-time tables and
 *            user PUDs and PGDs are not); such a page is a page table
 *            even where no walk found it
 * @hugetlb_free: a hugetlb page of a folio in the pool's free lists
 *            (the folio's refcount is zero)
 * @fake_head: its struct page reads as a compound head, but the vmemmap
 *            page it is in is shared (HVO): it is a tail of @kind
 */
struct ptk_page_info {
	enum ptk_page_kind kind;
	enum ptk_page_kind table_kind;
	char compound;
	unsigned order;
	bool mapped;
	bool freed_table;
	bool counted_table;
	bool hugetlb_free;
	bool fake_head;
};

typedef enum ptk_status (*ptk_page_fn)(uint64_t pfn,
				       const struct ptk_page_info *page,
				       void *priv);

/**
 * struct ptk_pages_keys - which optional VMCOREINFO keys were missing, so
 * which kinds could not be told apart (they fall to kernel or file)
 */
struct ptk_pages_keys {
	bool slab, reserved, hwpoison, offline, head, hugetlb;
};

/**
 * ptk_pages_walk() - the kind of every RAM page in [@start_pfn, @end_pfn)
 * @tables:  sorted PFNs of the page tables the walker found, or NULL
 * @missing: set to the optional keys VMCOREINFO lacks
 *
 * Needs the vmemmap base in @layout and SIZE(page), OFFSET(page.flags),
 * OFFSET(page._refcount), OFFSET(page._mapcount), OFFSET(page.mapping),
 * OFFSET(page.private), OFFSET(page.compound_head) and
 * NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE); PTK_ERR_NODATA names what is missing.
 * Pages are handed to @fn in PFN order; only its status stops the walk.
 */
enum ptk_status ptk_pages_walk(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       const struct ptk_layout *layout,
			       const uint64_t *tables, size_t ntables,
			       uint64_t start_pfn, uint64_t end_pfn,
			       ptk_page_fn fn, void *priv,
			       struct ptk_pages_keys *missing);

#ifdef __cplusplus
}
#endif
#endif
