/* SPDX-License-Identifier: MIT */
/*
 * A map from page frame numbers to 4 KiB pages held in memory: the
 * builder's tables and the edit overlay's copies.  Pages never move once
 * made, so pointers to them stay valid until the map is freed.
 */
#ifndef PTKIT_PAGEMAP_PRIV_H
#define PTKIT_PAGEMAP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "ptkit/ctx.h"

struct pagemap {
	uint64_t *pfns;		/* pfns[i] holds pages[i] */
	uint64_t **pages;
	size_t n, cap;
	size_t *slots;		/* open addressing: i + 1, 0 = empty */
	size_t nslots;
	uint64_t *sorted;	/* cache for pagemap_sorted() */
};

void pagemap_init(struct pagemap *m);
void pagemap_release(struct pagemap *m);
/** pagemap_find() - the page at @pfn, or NULL */
uint64_t *pagemap_find(const struct pagemap *m, uint64_t pfn);
/** pagemap_add() - a new page at @pfn, a copy of @init or zeros; NULL when
 *  out of memory.  @pfn must not be in the map. */
uint64_t *pagemap_add(struct pagemap *m, uint64_t pfn, const void *init);
/** pagemap_sorted() - the pfns held, sorted (PTK_ERR_NOMEM in @ctx) */
enum ptk_status pagemap_sorted(struct pagemap *m, struct ptk_ctx *ctx,
			       const uint64_t **pfns, size_t *count);

#endif
