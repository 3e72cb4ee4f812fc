/* SPDX-License-Identifier: MIT */
/**
 * DOC: the Linux regions of a kernel address space
 *
 * ptk_layout_discover() names the regions of a Linux kernel's address
 * space (the direct map, vmalloc, vmemmap, cpu_entry_area, ESPfix, EFI,
 * the kernel image, modules, fixmap) with the marker names of the
 * kernel's ptdump, without vmlinux or debug info, and adds them to the
 * source.  KASLR moves the first three; they are found from VMCOREINFO
 * and the tables themselves:
 *
 *   direct map  va - pa of SYMBOL(mem_section), which the kernel
 *               allocated in the direct map; else the first leaf of the
 *               KASLR window whose va - pa is 1 GiB aligned
 *   vmemmap     the mem_map of a present memory section (it is coded as
 *               vmemmap_base plus flag bits with SPARSEMEM_VMEMMAP)
 *   vmalloc     the start of the first vmap_area on vmap_area_list,
 *               rounded down to 1 GiB (KASLR's alignment)
 *
 * The other regions are fixed by the kernel (arch/x86/include/asm/
 * pgtable_64_types.h, Documentation/arch/x86/x86_64/mm.rst); the module
 * area starts after NUMBER(KERNEL_IMAGE_SIZE).
 */
#ifndef PTKIT_LAYOUT_H
#define PTKIT_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "discover.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_layout - the randomized bases and where each came from
 * @page_offset, @vmalloc, @vmemmap: the bases, 0 when not found
 * @*_from: how each was found, or why not
 * @from_image: the source already named its regions; nothing was derived
 */
struct ptk_layout {
	uint64_t page_offset;
	uint64_t vmalloc;
	uint64_t vmemmap;
	char page_offset_from[PTK_ORIGIN_MAX];
	char vmalloc_from[PTK_ORIGIN_MAX];
	char vmemmap_from[PTK_ORIGIN_MAX];
	bool from_image;
};

/**
 * ptk_layout_discover() - find the Linux regions of @src and add them
 *
 * Nothing is added when the source already has regions (ptkit images)
 * or is not a Linux kernel (no OSRELEASE in its metadata).  A base that
 * cannot be found is left out, with the reason in @ret; that is not an
 * error.  Errors are only allocation failures.
 */
enum ptk_status ptk_layout_discover(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    struct ptk_layout *ret);

/**
 * struct ptk_layout_hints - what the user says of the layout
 * @no_guess: derive nothing: no base is searched and no fixed region is
 *            assumed; only the bases given below make regions
 * @page_offset, @vmalloc, @vmemmap: bases given by hand (0: find them,
 *            unless @no_guess); they are taken as they are
 */
struct ptk_layout_hints {
	bool no_guess;
	uint64_t page_offset, vmalloc, vmemmap;
};

/**
 * ptk_layout_discover_hinted() - ptk_layout_discover() with @hints (NULL:
 * none); a source that names its own regions ignores them
 */
enum ptk_status ptk_layout_discover_hinted(struct ptk_source *src,
					   const struct ptk_paging *pg,
					   const struct ptk_layout_hints *hints,
					   struct ptk_layout *ret);

#ifdef __cplusplus
}
#endif
#endif
