/* SPDX-License-Identifier: MIT */
/**
 * DOC: the HugeTLB pools, as the kernel counts them
 *
 * ptk_hugetlb_pools() reads the kernel's struct hstate array (hstates[],
 * hugetlb_max_hstate of them registered) with the layout from its BTF:
 * per page size, what /sys/kernel/mm/hugepages/hugepages-SIZE/ shows
 * (nr_hugepages, free_hugepages, resv_hugepages, surplus_hugepages).
 * These are the kernel's word to hold the struct-page census of
 * ptk_pages_walk() against.
 */
#ifndef PTKIT_HUGETLB_H
#define PTKIT_HUGETLB_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "symbols.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_hstate - one HugeTLB page size
 * @order:   pages of 4 KiB per folio, as a power of two (9: 2 MiB)
 * @total:   nr_huge_pages (HugePages_Total for the default size)
 * @free:    free_huge_pages
 * @resv:    resv_huge_pages
 * @surplus: surplus_huge_pages
 */
struct ptk_hstate {
	unsigned order;
	uint64_t total, free, resv, surplus;
};

/** The most page sizes read: x86-64 has two (HUGE_MAX_HSTATE). */
#define PTK_MAX_HSTATES 8

/**
 * ptk_hugetlb_pools() - the registered HugeTLB page sizes
 * @kpg:  the kernel's own tables, to read its memory
 * @out:  filled with up to PTK_MAX_HSTATES sizes, in the kernel's order
 * @n:    set to how many
 *
 * PTK_ERR_NODATA without the symbols hstates and hugetlb_max_hstate (a
 * kernel without CONFIG_HUGETLB_PAGE) or struct hstate in @types;
 * PTK_ERR_CORRUPT for a count or order no kernel has.
 */
enum ptk_status ptk_hugetlb_pools(struct ptk_source *src,
				  const struct ptk_paging *kpg,
				  const struct ptk_symbols *syms,
				  const struct ptk_types *types,
				  struct ptk_hstate out[PTK_MAX_HSTATES],
				  size_t *n);

#ifdef __cplusplus
}
#endif
#endif
