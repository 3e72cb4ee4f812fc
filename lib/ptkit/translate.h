/* SPDX-License-Identifier: MIT */
/**
 * DOC: translating one virtual address
 *
 * ptk_translate() follows the path the MMU follows for one address and
 * records every step, so a caller can show where the physical address
 * comes from or where the walk stopped.
 */
#ifndef PTKIT_TRANSLATE_H
#define PTKIT_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_xlat_step - one level of the path
 * @level:    1 ... 5
 * @index:    index of the entry in its table
 * @table_pa: physical address of the table
 * @raw:      the entry's value
 */
struct ptk_xlat_step {
	unsigned level;
	unsigned index;
	uint64_t table_pa;
	uint64_t raw;
};

/** enum ptk_xlat_result - how a translation ended */
enum ptk_xlat_result {
	PTK_XLAT_MAPPED,
	PTK_XLAT_NOT_PRESENT,	/* the last step's entry is not present */
	PTK_XLAT_NONCANONICAL,	/* the address is in the non-canonical gap */
	PTK_XLAT_BAD,		/* batch and many only: a table that cannot
				 * be read, reserved bits or a table loop */
};

/**
 * struct ptk_xlat - result of ptk_translate()
 * @va:      the address translated
 * @result:  mapped, or why not
 * @pa:      physical address (mapped only)
 * @level:   level of the leaf, or of the not-present entry
 * @eff:     effective flags (see ptk_eff_combine())
 * @pkey:    the leaf's protection key
 * @nsteps:  number of valid @path entries, top level first
 */
struct ptk_xlat {
	uint64_t va;
	enum ptk_xlat_result result;
	uint64_t pa;
	unsigned level;
	unsigned eff;
	unsigned pkey;
	unsigned nsteps;
	struct ptk_xlat_step path[PTK_MAX_LEVELS];
};

/**
 * ptk_translate() - translate @va
 *
 * An address that is not mapped is not an error: the call returns PTK_OK
 * with @ret->result saying why.  Errors are tables that cannot be read and
 * entries with reserved bits set (the CPU would fault on them).
 */
enum ptk_status ptk_translate(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t va,
			      struct ptk_xlat *ret);

/**
 * struct ptk_xlat_brief - one result of ptk_translate_batch()
 * @pa:     physical address (mapped only)
 * @result: enum ptk_xlat_result, or PTK_XLAT_BAD for an address whose
 *          walk met a table that cannot be read or reserved bits
 *          (ptk_translate() on it says why)
 * @level:  level of the leaf or of the entry that is not present
 * @eff:    effective flags
 */
struct ptk_xlat_brief {
	uint64_t pa;
	uint8_t result;
	uint8_t level;
	uint16_t eff;
};

/**
 * ptk_translate_batch() - translate @n addresses, results in their order
 *
 * The addresses are visited sorted, and the tables of the last one are
 * kept: addresses that share tables cost one entry read each, which makes
 * a batch of random addresses several times faster than one call each.
 * Uses memory for a sorted copy (16 bytes per address).
 */
enum ptk_status ptk_translate_batch(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const uint64_t *va, size_t n,
				    struct ptk_xlat_brief *out);

/**
 * ptk_translate_many() - ptk_translate() for @n addresses, paths included
 * @out: @n results, in the order of @va
 *
 * Each result is what ptk_translate() gives for the address, except that
 * a walk that meets a table that cannot be read, reserved bits or a table
 * loop ends with @result PTK_XLAT_BAD and the path as far as it got
 * (ptk_translate() on the address says why).  The walks of 16 addresses
 * are interleaved, a level at a time, and each prefetches the entry it
 * reads next: on random addresses of a large map, where every last-level
 * entry is a cache miss, this is several times faster than one call each.
 * Errors: only a root table that cannot be read, and no memory.
 */
enum ptk_status ptk_translate_many(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const uint64_t *va, size_t n,
				   struct ptk_xlat *out);

/**
 * ptk_read_virt() - read @len bytes at virtual address @va
 *
 * Translates page by page; an unmapped page is PTK_ERR_NODATA with a
 * message naming the address and the level where the walk stopped.
 */
enum ptk_status ptk_read_virt(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t va,
			      void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
