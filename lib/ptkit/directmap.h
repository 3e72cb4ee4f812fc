/* SPDX-License-Identifier: MIT */
/**
 * DOC: the direct map as the kernel counts it
 *
 * /proc/meminfo's DirectMap4k/2M/1G lines print the kernel's
 * direct_pages_count[] (arch/x86/mm/pat/set_memory.c): pages counted
 * when the direct map is built, moved between sizes by every split that
 * change_page_attr() makes, and never by anything else.  From a dump they
 * are recovered as:
 *
 *  - the direct map's non-zero entries per size: PTEs, and PMD and PUD
 *    entries with PS set, present or not (set_direct_map_invalid_noflush
 *    clears P and RW and leaves the rest; entries the boot code never
 *    filled are zero and were never counted);
 *  - plus the splits of the kernel-image mapping: change_page_attr()
 *    splits its 2M pages through split_page_count() too, which moves one
 *    2M page to 512 4K pages, except while the 2M count is zero (then it
 *    changes nothing).
 *
 * On the real Debian 6.1 dumps this gives /proc/meminfo's values exactly.
 */
#ifndef PTKIT_DIRECTMAP_H
#define PTKIT_DIRECTMAP_H

#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_dm_count - direct-map pages by size
 * @pages:       [PTK_LEVEL_PTE] 4K, [PTK_LEVEL_PMD] 2M, [PTK_LEVEL_PUD] 1G
 * @present:     of those, the present ones
 * @text_splits: 2M pages of the kernel-image mapping split to 4K
 */
struct ptk_dm_count {
	uint64_t pages[PTK_LEVEL_PUD + 1];
	uint64_t present[PTK_LEVEL_PUD + 1];
	uint64_t text_splits;
};

/**
 * ptk_dm_count() - count the direct map [start, end) and the kernel-image
 * mapping [text_start, text_end) (0, 0 for none)
 */
enum ptk_status ptk_dm_count(struct ptk_source *src,
			     const struct ptk_paging *pg, uint64_t start,
			     uint64_t end, uint64_t text_start,
			     uint64_t text_end, struct ptk_dm_count *ret);

/**
 * ptk_dm_meminfo_kb() - the DirectMap4k/2M/1G values, in kB, that the
 * kernel's counters hold for @c (see the DOC above)
 */
void ptk_dm_meminfo_kb(const struct ptk_dm_count *c,
		       uint64_t kb[PTK_LEVEL_PUD + 1]);

#ifdef __cplusplus
}
#endif
#endif
