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

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "paging.h"
#include "source.h"

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
 * @nr_free:       the zone's NR_FREE_PAGES counter, or -1 if not exported
 * @list_errors:   lists that could not be walked to their end
 * @first_error:   the message of the first of those
 */
struct ptk_zone_free {
	unsigned node, zone;
	const char *name;
	uint64_t blocks[PTK_MM_MAX_ORDERS][PTK_MM_MAX_TYPES];
	int64_t spanned;
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

#ifdef __cplusplus
}
#endif
#endif
