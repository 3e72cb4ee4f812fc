/* SPDX-License-Identifier: MIT */
/**
 * DOC: editing page tables without touching the input
 *
 * A struct ptk_edit lays a copy-on-write overlay over any source: the
 * first write to a page copies it, reads see the copies, and the source
 * below is never written.  ptk_edit_source() is the edited view, a
 * source like any other (walk it, write it as an image).
 *
 * Every operation is one entry of a journal and can be undone, last
 * first.  A failed operation leaves no trace.
 *
 * New table pages come from the pool: ranges given with
 * ptk_edit_add_pool(), or by default the RAM that neither holds a table
 * nor is mapped outside the direct map, highest page first (as memblock
 * allocates), and when that runs out, pages past the end of RAM.
 */
#ifndef PTKIT_EDIT_H
#define PTKIT_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_edit;

/** ptk_edit_new() - an overlay on @base, editing the tables of @pg */
enum ptk_status ptk_edit_new(struct ptk_source *base,
			     const struct ptk_paging *pg,
			     struct ptk_edit **ret);
/** ptk_edit_free() - free the overlay (not @base); NULL is a no-op */
void ptk_edit_free(struct ptk_edit *ed);

/** ptk_edit_source() - the edited view, owned by @ed */
struct ptk_source *ptk_edit_source(struct ptk_edit *ed);
/** ptk_edit_paging() - the paging of the edited view (the root may move) */
void ptk_edit_paging(const struct ptk_edit *ed, struct ptk_paging *ret);

/** ptk_edit_add_pool() - take new tables from [start, end) */
enum ptk_status ptk_edit_add_pool(struct ptk_edit *ed, uint64_t start,
				  uint64_t end);

/**
 * ptk_edit_tables_beyond_ram() - new tables taken past the end of RAM:
 * with no pool given and no free RAM left (an image that holds only its
 * tables), they are numbered up from ptk_edit_beyond_ram(); an image
 * written from the edit keeps them as it keeps every table
 */
uint64_t ptk_edit_tables_beyond_ram(const struct ptk_edit *ed);
/** ptk_edit_beyond_ram() - the first of those: RAM's end, next 2 MiB up */
uint64_t ptk_edit_beyond_ram(const struct ptk_edit *ed);

/**
 * ptk_edit_map() - map [va, va + size) to @pa with leaves at @level
 * (1-3), as ptk_builder_map(); the range must be unmapped
 */
enum ptk_status ptk_edit_map(struct ptk_edit *ed, uint64_t va, uint64_t pa,
			     uint64_t size, unsigned level, unsigned flags,
			     unsigned pkey);

/**
 * ptk_edit_unmap() - clear the leaves of [va, va + size); a large page
 * the range covers in part is split first
 */
enum ptk_status ptk_edit_unmap(struct ptk_edit *ed, uint64_t va,
			       uint64_t size);

/**
 * ptk_edit_protect() - set and clear PTK_F_* flags of the leaves of
 * [va, va + size) (RW, US, PWT, PCD, A, D, G, PAT, NX, and P); @pkey,
 * when 0-15, replaces the protection key.  A large page whose flags
 * change and that the range covers only in part is split, as
 * change_page_attr() does; one whose flags stay is kept.
 */
enum ptk_status ptk_edit_protect(struct ptk_edit *ed, uint64_t va,
				 uint64_t size, unsigned set, unsigned clear,
				 int pkey);

/**
 * ptk_edit_split() - split the large page mapping @va into 512 pages of
 * the next size; attributes are carried over, PAT moves from bit 12 to
 * bit 7 when the new pages are 4 KiB (the kernel's __split_large_page)
 */
enum ptk_status ptk_edit_split(struct ptk_edit *ed, uint64_t va);

/**
 * ptk_edit_collapse() - make the table below the entry at @level that
 * maps @va one leaf of that level again; its 512 entries must be leaves
 * with the same attributes, mapping contiguous, aligned memory
 */
enum ptk_status ptk_edit_collapse(struct ptk_edit *ed, uint64_t va,
				  unsigned level);

/** ptk_edit_set_root() - walk from another top table from now on */
enum ptk_status ptk_edit_set_root(struct ptk_edit *ed, uint64_t pa);

/** ptk_edit_set_entry() - write the raw 64-bit @value at physical @pa */
enum ptk_status ptk_edit_set_entry(struct ptk_edit *ed, uint64_t pa,
				   uint64_t value);

/**
 * ptk_edit_set_journal() - keep a journal (the default) or not: without
 * one, operations cannot be undone and take no memory once done (long
 * replays).
 */
void ptk_edit_set_journal(struct ptk_edit *ed, bool on);

/** ptk_edit_journal_len() - operations done and not undone */
size_t ptk_edit_journal_len(const struct ptk_edit *ed);
/** ptk_edit_journal_at() - operation @i, in words ("split 0x... pmd") */
const char *ptk_edit_journal_at(const struct ptk_edit *ed, size_t i);
/** ptk_edit_journal_writes() - entries operation @i wrote */
size_t ptk_edit_journal_writes(const struct ptk_edit *ed, size_t i);
/** ptk_edit_undo() - undo the last operation; PTK_ERR_INVALID if none */
enum ptk_status ptk_edit_undo(struct ptk_edit *ed);

/** ptk_edit_pages() - sorted frames the overlay holds (written pages) */
enum ptk_status ptk_edit_pages(struct ptk_edit *ed, const uint64_t **pfns,
			       size_t *count);

#ifdef __cplusplus
}
#endif
#endif
