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
 *    entries that are leaves, present or not (set_direct_map_invalid_noflush
 *    clears P and RW and leaves the rest; a large page made not present
 *    may lose PS; entries the boot code never filled are zero and were
 *    never counted);
 *  - plus the splits of the kernel-image mapping: change_page_attr()
 *    splits its 2M pages through split_page_count() too, which moves one
 *    2M page to 512 4K pages, except while the 2M count is zero (then it
 *    changes nothing).
 *
 * On the real Debian 6.1 dumps this gives /proc/meminfo's values exactly.
 */
#ifndef PTKIT_DIRECTMAP_H
#define PTKIT_DIRECTMAP_H

#include <stdbool.h>
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
 * ptk_dm_count_table() - ptk_dm_count()'s work for one table entry that a
 * wider walk meets (call it from a table callback): counts the table below
 * @e where it lies in [@start, @end), or, with @text, a split 2M page of
 * the kernel-image mapping there.  A caller that walks anyway counts the
 * direct map in the same pass, reading each table once more from cache.
 */
struct ptk_walk_entry;
void ptk_dm_count_table(struct ptk_source *src, const struct ptk_paging *pg,
			const struct ptk_walk_entry *e, uint64_t start,
			uint64_t end, bool text, struct ptk_dm_count *c);

/**
 * ptk_dm_split_kb() - move the DirectMap4k/2M/1G values @kb (kB, indexed
 * by level) by @l3 1G and then @l2 2M splits as the kernel's
 * split_page_count() moves its counters: a split of a size whose counter
 * is zero changes nothing (the kernel image's splits may have emptied the
 * 2M counter before the direct map's are made)
 */
void ptk_dm_split_kb(uint64_t *kb, uint64_t l3, uint64_t l2);

/**
 * ptk_dm_meminfo_kb() - the DirectMap4k/2M/1G values, in kB, that the
 * kernel's counters hold for @c (see the DOC above)
 */
void ptk_dm_meminfo_kb(const struct ptk_dm_count *c,
		       uint64_t kb[PTK_LEVEL_PUD + 1]);

/**
 * enum ptk_cpa_call - the kernel calls ptk_cpa() simulates
 * @PTK_CPA_INVALID:  set_direct_map_invalid_noflush(), one page per call
 * @PTK_CPA_DEFAULT:  set_direct_map_default_noflush(), one page per call
 * @PTK_CPA_VALID:    set_direct_map_valid_noflush(valid = true), one call
 * @PTK_CPA_NOVALID:  set_direct_map_valid_noflush(valid = false), one call
 * @PTK_CPA_RO, @PTK_CPA_RW, @PTK_CPA_NX, @PTK_CPA_X, @PTK_CPA_NP,
 * @PTK_CPA_P, @PTK_CPA_4K: set_memory_ro(), _rw(), _nx(), _x(), _np(),
 *                    _p(), _4k() on the range, one call
 */
enum ptk_cpa_call {
	PTK_CPA_INVALID,
	PTK_CPA_DEFAULT,
	PTK_CPA_VALID,
	PTK_CPA_NOVALID,
	PTK_CPA_RO,
	PTK_CPA_RW,
	PTK_CPA_NX,
	PTK_CPA_X,
	PTK_CPA_NP,
	PTK_CPA_P,
	PTK_CPA_4K,
	PTK_CPA_NCALLS,
};

/** ptk_cpa_call_name() - "invalid", "default", ..., "4k" */
const char *ptk_cpa_call_name(enum ptk_cpa_call call);
/** ptk_cpa_call_parse() - the call named @name; PTK_CPA_NCALLS if none */
enum ptk_cpa_call ptk_cpa_call_parse(const char *name);

/**
 * struct ptk_cpa_result - what the calls cost (accumulated over calls)
 * @splits:      [PTK_LEVEL_PMD] 2M->4K (direct_map_level2_splits),
 *               [PTK_LEVEL_PUD] 1G->2M (direct_map_level3_splits)
 * @table_pages: page-table pages allocated (one per split)
 * @flushes:     ranges the TLB must be flushed for, in call order; a
 *               flush of everything (after a split) is [0, 0); ranges
 *               that continue one another are listed as one
 * @flush_calls: flush operations, each range of each call and each
 *               flush of everything: what costs IPIs
 * @flush_pages: pages flushed one by one
 * @global_flushes: flush_tlb_all() calls
 * @count_only: set by the caller to count flushes without keeping their
 *              ranges (long replays)
 */
struct ptk_cpa_result {
	uint64_t splits[PTK_LEVEL_PUD + 1];
	uint64_t table_pages;
	bool count_only;
	struct ptk_range *flushes;
	size_t nflushes, capflushes;
	uint64_t flush_calls;
	uint64_t flush_pages;
	uint64_t global_flushes;
};

struct ptk_edit;

/**
 * ptk_cpa() - run @call on @count pages from @pfn of the direct map at
 * @page_offset, in the edit @ed, as arch/x86/mm/pat/set_memory.c does;
 * one journal entry.  set_direct_map_*() never collapse large pages.
 */
enum ptk_status ptk_cpa(struct ptk_edit *ed, uint64_t page_offset,
			enum ptk_cpa_call call, uint64_t pfn, uint64_t count,
			struct ptk_cpa_result *res);

void ptk_cpa_result_release(struct ptk_cpa_result *res);

/**
 * ptk_cpa_set_max_pfn_mapped() - the kernel's max_pfn_mapped, for @ed's
 * ptk_cpa() calls: a zero entry of the direct map below it is a hole the
 * kernel expects and passes over, a page at a time, as
 * __cpa_process_fault() does; elsewhere (and by default, everywhere) a
 * zero entry fails the call
 */
void ptk_cpa_set_max_pfn_mapped(struct ptk_edit *ed, uint64_t page_offset,
				uint64_t max_pfn_mapped);

/**
 * ptk_read_max_pfn_mapped() - the kernel's max_pfn_mapped, read at @addr
 * (its symbol's address) through @kpg; 0 when it cannot be read or is no
 * PFN (beyond 2^40)
 */
uint64_t ptk_read_max_pfn_mapped(struct ptk_source *src,
				 const struct ptk_paging *kpg, uint64_t addr);

#ifdef __cplusplus
}
#endif
#endif
