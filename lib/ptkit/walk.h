/* SPDX-License-Identifier: MIT */
/**
 * DOC: the page-table walker
 *
 * ptk_walk() visits the tables that map a virtual range, in address order,
 * and calls one of its callbacks for every entry it meets, as the kernel's
 * mm/pagewalk.c does with struct mm_walk_ops.  Every byte of the range is
 * reported exactly once, either as a leaf or as a hole; the non-canonical
 * gap is a hole at level 0.
 *
 * The walker trusts nothing it reads: a table page that is absent from the
 * source or outside RAM, an entry with reserved bits set, and a table that
 * is one of its own ancestors (a loop) are "bad" entries.  With a @bad
 * callback the walker reports them there and then treats them as holes;
 * without one, the walk ends with PTK_ERR_CORRUPT or PTK_ERR_NODATA and a
 * message naming the virtual address, the level and the entry.
 *
 * Ranges are half-open, [va, end).  An end of 0 means the top of the
 * address space (2^64): "end - va" is then still the size.
 */
#ifndef PTKIT_WALK_H
#define PTKIT_WALK_H

#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_walk_entry - one present entry, as a callback sees it
 * @level:    1 (PTE) ... 5
 * @index:    its index in its table
 * @va, @end: the virtual range it covers (clipped to nothing: whole entry)
 * @raw:      the entry's value
 * @entry_pa: physical address of the entry itself (where an editor writes)
 * @addr:     physical address of the next table or of the frame
 * @flags:    PTK_F_* of this entry alone
 * @eff:      effective flags: RW and US ANDed, NX ORed over the levels above
 *            and this one; the other bits are this entry's own
 * @pkey:     protection key (leaves)
 * @reserved: reserved bits set in the entry (only seen by @bad)
 * @table:    for an entry given to the @table callback: the entries of the
 *            table it points to when the walker has read them already (it
 *            reads a PMD table's PTE tables together for @leaf_run
 *            consumers), else NULL; valid during the callback
 */
struct ptk_walk_entry {
	unsigned level;
	unsigned index;
	uint64_t va;
	uint64_t end;
	uint64_t raw;
	uint64_t entry_pa;
	uint64_t addr;
	unsigned flags;
	unsigned eff;
	unsigned pkey;
	uint64_t reserved;
	const uint64_t *table;
};

/**
 * struct ptk_walk_ops - optional callbacks; NULL ones are not called
 * @table: a present entry that points to a table.  Return PTK_OK to descend,
 *         PTK_SKIP to skip its subtree (reported as nothing), PTK_STOP to
 *         end the walk, or an error.
 * @leaf:  a present leaf at level 1, 2 or 3.
 * @hole:  [va, end) is not mapped: not-present entries at @level (runs of
 *         them within one table are reported together), or, at level 0,
 *         the non-canonical gap.
 * @absent: optional: a not-present entry that is not zero (a swap or
 *         migration entry, PROT_NONE, a page the kernel took out of the
 *         direct map).  @e->raw is its value, @e->addr the frame it keeps
 *         (ptk_entry_frame()), @e->flags its own bits read as a present
 *         entry's, without PTK_F_P.  Without @absent such entries are
 *         part of the holes, as zero ones always are.
 * @bad:   a present entry that cannot be followed; @why is
 *         PTK_ERR_CORRUPT or PTK_ERR_NODATA and the context holds the
 *         message.  Return PTK_OK to treat it as a hole and go on.
 *
 * @leaf_run: optional, takes the place of @leaf for PTEs: @e is the first
 *         of @n consecutive PTEs of one table that differ only in their
 *         frame, each 4 KiB after the one before; @e->end is the end of
 *         the last.  Consumers that need no single entries (runs, counts)
 *         use it to skip a call per page.
 *
 * The walker descends into a table only when @leaf, @leaf_run, @hole,
 * @absent or @table could be called below it.
 */
struct ptk_walk_ops {
	enum ptk_status (*table)(const struct ptk_walk_entry *e, void *priv);
	enum ptk_status (*leaf)(const struct ptk_walk_entry *e, void *priv);
	enum ptk_status (*leaf_run)(const struct ptk_walk_entry *e, uint64_t n,
				    void *priv);
	enum ptk_status (*hole)(uint64_t va, uint64_t end, unsigned level,
				void *priv);
	enum ptk_status (*absent)(const struct ptk_walk_entry *e, void *priv);
	enum ptk_status (*bad)(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *priv);
};

/**
 * ptk_walk() - walk [start, end) of the tables rooted at @pg->root
 *
 * Returns PTK_OK when the range was covered, PTK_STOP when a callback
 * stopped it, or the first error.  @start must be page aligned; @end is
 * page aligned or 0 (the top).
 */
enum ptk_status ptk_walk(struct ptk_source *src, const struct ptk_paging *pg,
			 uint64_t start, uint64_t end,
			 const struct ptk_walk_ops *ops, void *priv);

#ifdef __cplusplus
}
#endif
#endif
