/* SPDX-License-Identifier: MIT */
/* What the free-list and page-kind readers share: VMCOREINFO numbers. */
#ifndef PTKIT_MM_PRIV_H
#define PTKIT_MM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "ptkit/source.h"

/**
 * mm_key() - VMCOREINFO @name as a number, in @base (16 for SYMBOL(),
 * 10, signed, for the rest).  On failure, @missing is set to @name if it
 * is still NULL, so a list of lookups reports the first key missing.
 */
bool mm_key(struct ptk_source *src, const char *name, int base, uint64_t *ret,
	    const char **missing);

/** mm_max_pfn() - one past the highest page of RAM */
uint64_t mm_max_pfn(struct ptk_source *src);

#endif
