/* SPDX-License-Identifier: MIT */
/*
 * What the direct-map simulator (cpa.c) uses of the edit layer: grouping
 * writes into one journal entry, lookups, splits.
 */
#ifndef PTKIT_EDIT_PRIV_H
#define PTKIT_EDIT_PRIV_H

#include <stdbool.h>

#include "ptkit/edit.h"

/* Start a journal entry; every write until edit_end() belongs to it. */
enum ptk_status edit_begin(struct ptk_edit *ed, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* End it; with @st != PTK_OK, undo its writes and drop it. */
enum ptk_status edit_end(struct ptk_edit *ed, enum ptk_status st);

/*
 * The entry that maps @va, as the kernel's lookup_address(): the lowest
 * level reached, stopping at a leaf, a not-present entry or a zero one.
 */
struct edit_slot {
	unsigned level;
	uint64_t pa;	/* physical address of the entry */
	uint64_t raw;
};
enum ptk_status edit_lookup(struct ptk_edit *ed, uint64_t va,
			    struct edit_slot *ret);

enum ptk_status edit_write(struct ptk_edit *ed, uint64_t pa, uint64_t value);

/* Split the large page in @s into a new table of the next level. */
enum ptk_status edit_split_slot(struct ptk_edit *ed, const struct edit_slot *s);

/*
 * change_page_attr() on [va, va + npages pages): @set and @clr in the 4K
 * format; @splits[level] counts the splits made; @changed is set when an
 * entry changed (the kernel's CPA_FLUSHTLB).
 */
enum ptk_status edit_change_attr(struct ptk_edit *ed, uint64_t va,
				 uint64_t npages, uint64_t set, uint64_t clr,
				 bool force_4k, uint64_t *splits,
				 bool *changed);

struct ptk_ctx *edit_ctx(const struct ptk_edit *ed);

#endif
