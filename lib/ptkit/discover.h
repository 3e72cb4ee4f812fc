/* SPDX-License-Identifier: MIT */
/**
 * DOC: finding the root table and the paging mode of a source
 *
 * Nothing is guessed: each value comes from a named piece of the source,
 * tried in this order, and the origin is reported so a user can tell.
 *
 * Root:   PTKIT_ROOT (ptkit images); VMCOREINFO SYMBOL(init_top_pgt) or
 *         SYMBOL(swapper_pg_dir) with NUMBER(phys_base), translated as
 *         the kernel's __phys_addr_symbol() does; the first CPU's CR3.
 * Levels: PTKIT_LEVELS; NUMBER(pgtable_l5_enabled); CR4.LA57 (bit 12);
 *         otherwise 4 levels when the root was found.
 */
#ifndef PTKIT_DISCOVER_H
#define PTKIT_DISCOVER_H

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { PTK_ORIGIN_MAX = 256 };

/**
 * struct ptk_discovery - where each discovered value came from
 * @root:   e.g. "VMCOREINFO SYMBOL(init_top_pgt) and NUMBER(phys_base)"
 * @levels: e.g. "VMCOREINFO NUMBER(pgtable_l5_enabled)=0"
 */
struct ptk_discovery {
	char root[PTK_ORIGIN_MAX];
	char levels[PTK_ORIGIN_MAX];
};

/** __START_KERNEL_map, arch/x86/include/asm/page_64_types.h */
#define PTK_START_KERNEL_MAP 0xffffffff80000000ULL
/** X86_CR4_LA57, arch/x86/include/uapi/asm/processor-flags.h */
#define PTK_CR4_LA57 (1ULL << 12)

/**
 * ptk_paging_discover() - fill @pg from what @src says
 *
 * Returns PTK_ERR_NODATA, with a message listing what was looked for, when
 * the source holds nothing that names a root.
 */
enum ptk_status ptk_paging_discover(struct ptk_source *src,
				    struct ptk_paging *pg,
				    struct ptk_discovery *why);

#ifdef __cplusplus
}
#endif
#endif
