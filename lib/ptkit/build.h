/* SPDX-License-Identifier: MIT */
/**
 * DOC: building page tables in memory
 *
 * A struct ptk_builder is a source whose physical memory holds only the
 * table pages it has written.  mkimage fills one from a spec and writes it
 * out with ptk_image_write(); tests use it to make tables of any shape.
 *
 * New tables come from pool ranges (ptk_builder_add_pool()), lowest page
 * first, skipping pages the builder already holds.  Intermediate entries
 * are written as the kernel's _PAGE_TABLE (P, RW, US, A, D: 0x67), so a
 * leaf's own RW/US/NX bits decide its effective permissions.
 */
#ifndef PTKIT_BUILD_H
#define PTKIT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_builder;

/** ptk_builder_new() - an empty builder for @levels-level paging */
enum ptk_status ptk_builder_new(struct ptk_ctx *ctx, unsigned levels,
				struct ptk_builder **ret);
/** ptk_builder_free() - free the builder and its source; NULL is a no-op */
void ptk_builder_free(struct ptk_builder *b);

/**
 * ptk_builder_source() - the builder as a source, owned by the builder.
 * Add RAM, metadata and regions to it directly.
 */
struct ptk_source *ptk_builder_source(struct ptk_builder *b);

/** ptk_builder_paging() - root (allocated on first use) and levels */
enum ptk_status ptk_builder_paging(struct ptk_builder *b,
				   struct ptk_paging *ret);

/** ptk_builder_add_pool() - physical range [start, end) for new tables */
enum ptk_status ptk_builder_add_pool(struct ptk_builder *b, uint64_t start,
				     uint64_t end);

/** ptk_builder_set_root() - use the table at @pa as root (before mapping) */
enum ptk_status ptk_builder_set_root(struct ptk_builder *b, uint64_t pa);

/**
 * ptk_builder_map() - map [va, va + size) to [pa, pa + size)
 * @level: leaf level: 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB)
 * @flags: PTK_F_* of the leaves (P and PS are implied)
 * @pkey:  protection key, 0-15
 *
 * Addresses and size must be aligned to the page size; the range must not
 * overlap an existing mapping.
 */
enum ptk_status ptk_builder_map(struct ptk_builder *b, uint64_t va,
				uint64_t pa, uint64_t size, unsigned level,
				unsigned flags, unsigned pkey);

/** ptk_builder_set() - write the raw 64-bit @value at physical @pa */
enum ptk_status ptk_builder_set(struct ptk_builder *b, uint64_t pa,
				uint64_t value);

/** ptk_builder_pages() - sorted page frame numbers of the pages held */
enum ptk_status ptk_builder_pages(struct ptk_builder *b, const uint64_t **pfns,
				  size_t *count);

/** ptk_entry_encode() - raw leaf bits for @flags at @level (PAT placed) */
uint64_t ptk_entry_encode(unsigned level, uint64_t addr, unsigned flags,
			  unsigned pkey);

/**
 * ptk_image_write() - write an image of @src to @path, atomically
 * @pg:    paging recorded as PTKIT_ROOT / PTKIT_LEVELS / PTKIT_PHYS_BITS
 * @pfns:  sorted frames whose bytes are stored; other RAM pages are
 *         recorded as RAM without data
 *
 * The image is an ELF core in the kdump vmcore layout (see ptkit-image(5)).
 * It is written to a temporary file in @path's directory and renamed over
 * @path only when complete; on failure nothing is left behind.
 */
enum ptk_status ptk_image_write(struct ptk_source *src,
				const struct ptk_paging *pg,
				const uint64_t *pfns, size_t npfns,
				const char *path);

#ifdef __cplusplus
}
#endif
#endif
