// SPDX-License-Identifier: MIT
/*
 * The walker: one recursive descent per table, in address order.
 *
 * Internally ranges are inclusive, [start, last], so the top of the
 * address space needs no special case; callbacks get half-open ranges
 * whose end wraps to 0 at the top.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <sys/mman.h>

#include "ptkit/walk.h"
#include "entry-priv.h"

struct walker {
	struct ptk_source *src;
	struct ptk_ctx *ctx;
	const struct ptk_paging *pg;
	const struct ptk_walk_ops *ops;
	void *priv;
	bool descend;
	/* Entries left before the walk is declared a fan-out (see ctx.h). */
	uint64_t budget;
	/* The table being scanned at each level, to catch loops. */
	uint64_t table_pa[PTK_MAX_LEVELS + 1];
	/* A hole not yet reported: [hole_start, hole_last] at hole_level. */
	bool hole_pending;
	unsigned hole_level;
	uint64_t hole_start, hole_last;
	/* Read buffers for sources that cannot map pages, one per level. */
	uint64_t buf[PTK_MAX_LEVELS + 1][PTK_ENTRIES];
	/* The PTE tables below a window of the PMD table being scanned,
	 * read together (see read_pte_batch()); batch_at[i] for pmd[i], or
	 * NULL. */
	uint64_t (*batch)[PTK_ENTRIES];
	const uint64_t *batch_at[PTK_ENTRIES];
	bool batch_failed;
};

static enum ptk_status flush_hole(struct walker *w)
{
	if (!w->hole_pending)
		return PTK_OK;
	w->hole_pending = false;
	return w->ops->hole(w->hole_start, w->hole_last + 1, w->hole_level,
			    w->priv);
}

/* Add [start, last] at @level to the pending hole, reporting the old one
 * first when the two do not join. */
static enum ptk_status add_hole(struct walker *w, uint64_t start,
				uint64_t last, unsigned level)
{
	enum ptk_status st;

	if (!w->ops->hole)
		return PTK_OK;
	if (w->hole_pending && w->hole_level == level &&
	    w->hole_last + 1 == start) {
		w->hole_last = last;
		return PTK_OK;
	}
	st = flush_hole(w);
	if (st != PTK_OK)
		return st;
	w->hole_pending = true;
	w->hole_level = level;
	w->hole_start = start;
	w->hole_last = last;
	return PTK_OK;
}

/*
 * An entry that cannot be followed.  The message is already in the
 * context; name the entry in front of it.
 */
static enum ptk_status bad_entry(struct walker *w,
				 const struct ptk_walk_entry *e,
				 enum ptk_status why, uint64_t start,
				 uint64_t last)
{
	enum ptk_status st;

	ptk_set_err(w->ctx, why, "%s[%u] = %#" PRIx64 " at %#" PRIx64
		    " (va %#" PRIx64 ")", ptk_level_name(w->pg, e->level),
		    e->index, e->raw, e->entry_pa, e->va);
	ptk_ctx_set_err_loc(w->ctx, e->va, e->level, e->entry_pa);
	if (!w->ops->bad)
		return why;
	st = w->ops->bad(e, why, w->priv);
	if (st != PTK_OK)
		return st;
	return add_hole(w, start, last, e->level);
}

static enum ptk_status walk_table(struct walker *w, unsigned level,
				  const uint64_t *table, uint64_t start,
				  uint64_t last, unsigned parent_eff);

/* A table that is one of its own ancestors: the walk would never end. */
static bool is_loop(struct walker *w, const struct ptk_walk_entry *e)
{
	for (unsigned l = e->level; l <= w->pg->levels; l++) {
		if (w->table_pa[l] != e->addr)
			continue;
		ptk_ctx_clear_err(w->ctx);
		ptk_set_err(w->ctx, PTK_ERR_CORRUPT,
			    "points to the %s table at %#" PRIx64
			    " above it (a table loop)",
			    ptk_level_name(w->pg, l), e->addr);
		return true;
	}
	return false;
}

static enum ptk_status descend(struct walker *w, struct ptk_walk_entry *e,
			       uint64_t start, uint64_t last)
{
	const uint64_t *child;
	enum ptk_status st;

	ptk_ctx_clear_err(w->ctx);
	if (e->level == PTK_LEVEL_PMD && w->batch_at[e->index]) {
		child = w->batch_at[e->index];
		st = PTK_OK;
	} else {
		st = ptk_source_table(w->src, e->addr, w->buf[e->level - 1],
				      &child);
	}
	if (st != PTK_OK) {
		ptk_set_err(w->ctx, st, "%s table at %#" PRIx64,
			    ptk_level_name(w->pg, e->level - 1), e->addr);
		return bad_entry(w, e, st, start, last);
	}
	/* Each table scanned costs its entries against the budget. */
	if (w->budget != UINT64_MAX) {
		if (w->budget < PTK_ENTRIES) {
			ptk_ctx_clear_err(w->ctx);
			ptk_ctx_set_err_loc(w->ctx, e->va, e->level, e->entry_pa);
			return ptk_set_err(w->ctx, PTK_ERR_CORRUPT,
					   "walk stopped at %s[%u] (va %#" PRIx64
					   ") after %" PRIu64 " entries: tables "
					   "shared by too many entries "
					   "(PTKIT_WALK_LIMIT raises the limit)",
					   ptk_level_name(w->pg, e->level),
					   e->index, e->va,
					   ptk_ctx_walk_limit(w->ctx));
		}
		w->budget -= PTK_ENTRIES;
	}
	w->table_pa[e->level - 1] = e->addr;
	st = walk_table(w, e->level - 1, child, start, last, e->eff);
	w->table_pa[e->level - 1] = UINT64_MAX;
	return st;
}

/* Fill @e for entry @idx of the table at @level, decoded as @d. */
static void fill_entry(struct walker *w, struct ptk_walk_entry *e,
		       unsigned level, unsigned idx, uint64_t entry_va,
		       const struct ptk_entry *d, unsigned parent_eff)
{
	e->level = level;
	e->index = idx;
	e->va = entry_va;
	e->end = entry_va + ptk_level_size(level);
	e->raw = d->raw;
	e->entry_pa = w->table_pa[level] + idx * sizeof(uint64_t);
	e->addr = d->addr;
	e->flags = d->flags;
	e->eff = ptk_eff_combine(parent_eff, d->flags);
	e->pkey = d->pkey;
	e->reserved = d->reserved;
	e->table = NULL;
}

/* A not-present entry that is not zero, for an @absent consumer. */
static enum ptk_status absent_entry(struct walker *w, unsigned level,
				    unsigned idx, uint64_t entry_va,
				    uint64_t raw, unsigned parent_eff)
{
	struct ptk_walk_entry e;
	struct ptk_entry d;
	enum ptk_status st;

	/* Its own bits, read as they would be with the present bit. */
	entry_decode(w->pg, level, raw | HW_P, &d);
	d.raw = raw;
	d.flags &= ~PTK_F_P;
	d.addr = ptk_entry_frame(level, raw);
	d.reserved = 0;
	fill_entry(w, &e, level, idx, entry_va, &d, parent_eff);
	st = flush_hole(w);
	if (st != PTK_OK)
		return st;
	return w->ops->absent(&e, w->priv);
}

/* Whether @raw is part of a hole: not present, and zero if the consumer
 * wants the others one by one. */
static inline bool in_hole(const struct walker *w, uint64_t raw)
{
	return w->ops->absent ? !raw : !(raw & HW_P);
}

/*
 * A PTE table for a @leaf_run consumer: runs of entries that differ only
 * by a frame 4 KiB further each time are found with one compare each.
 */
static enum ptk_status walk_ptes(struct walker *w, const uint64_t *table,
				 uint64_t start, uint64_t last,
				 unsigned parent_eff)
{
	const uint64_t base = start & ~(ptk_level_size(PTK_LEVEL_PMD) - 1);
	const unsigned end = ptk_va_index(last, PTK_LEVEL_PTE);
	struct ptk_walk_entry e;
	struct ptk_entry d;
	enum ptk_status st;

	for (unsigned i = ptk_va_index(start, PTK_LEVEL_PTE); i <= end;) {
		uint64_t raw = table[i], next;
		unsigned j = i + 1;

		if (in_hole(w, raw)) {
			while (j <= end && in_hole(w, table[j]))
				j++;
			st = add_hole(w, base + ((uint64_t)i << PTK_PAGE_SHIFT),
				      base + ((uint64_t)j << PTK_PAGE_SHIFT) - 1,
				      PTK_LEVEL_PTE);
			if (st != PTK_OK)
				return st;
			i = j;
			continue;
		}
		if (!(raw & HW_P)) {
			st = absent_entry(w, PTK_LEVEL_PTE, i,
					  base + ((uint64_t)i << PTK_PAGE_SHIFT),
					  raw, parent_eff);
			if (st != PTK_OK)
				return st;
			i++;
			continue;
		}
		entry_decode(w->pg, PTK_LEVEL_PTE, raw, &d);
		fill_entry(w, &e, PTK_LEVEL_PTE, i,
			   base + ((uint64_t)i << PTK_PAGE_SHIFT), &d, parent_eff);
		if (d.reserved) {
			ptk_ctx_clear_err(w->ctx);
			ptk_set_err(w->ctx, PTK_ERR_CORRUPT,
				    "reserved bits %#" PRIx64 " set", d.reserved);
			st = bad_entry(w, &e, PTK_ERR_CORRUPT, e.va, e.end - 1);
			if (st != PTK_OK)
				return st;
			i++;
			continue;
		}
		/*
		 * Same bits, the next frame.  The carry must stay in the
		 * frame field: that bounds the run before it starts, so
		 * the loop is one compare an entry.
		 */
		{
			const uint64_t frame = UINT64_C(0x000ffffffffff000);
			uint64_t room = (frame - (raw & frame)) >> PTK_PAGE_SHIFT;
			unsigned stop = room < (uint64_t)(end - i)
						? i + (unsigned)room : end;

#ifdef __SSE2__
			/* Four entries a test: the direct map's PTE tables
			 * are runs of 512 (64 GiB: 16 M entries). */
			const __m128i step = _mm_set1_epi64x(2 * PTK_PAGE_SIZE);
			__m128i want = _mm_set_epi64x(
				(long long)(raw + 2 * PTK_PAGE_SIZE),
				(long long)(raw + PTK_PAGE_SIZE));

			const __m128i step2 = _mm_add_epi64(step, step);

			while (j + 3 <= stop) {
				const __m128i *p = (const __m128i *)&table[j];
				__m128i eq = _mm_and_si128(
					_mm_cmpeq_epi32(_mm_loadu_si128(p), want),
					_mm_cmpeq_epi32(_mm_loadu_si128(p + 1),
							_mm_add_epi64(want, step)));

				if (_mm_movemask_epi8(eq) != 0xffff)
					break;
				want = _mm_add_epi64(want, step2);
				j += 4;
			}
#endif
			for (next = raw + (uint64_t)(j - i) * PTK_PAGE_SIZE;
			     j <= stop && table[j] == next;
			     j++, next += PTK_PAGE_SIZE)
				;
		}
		/* A later entry could cross MAXPHYADDR: let it be checked. */
		while (j > i + 1 && d.addr + ((uint64_t)(j - i) << PTK_PAGE_SHIFT) - 1 >
				    (w->pg->phys_bits >= 52 ? UINT64_MAX
				     : (UINT64_C(1) << w->pg->phys_bits) - 1))
			j--;
		st = flush_hole(w);
		if (st != PTK_OK)
			return st;
		e.end = e.va + ((uint64_t)(j - i) << PTK_PAGE_SHIFT);
		st = w->ops->leaf_run(&e, j - i, w->priv);
		if (st != PTK_OK)
			return st;
		i = j;
	}
	return PTK_OK;
}

struct pte_ref {
	uint64_t pa;
	unsigned idx;
};

static int pte_ref_cmp(const void *a, const void *b)
{
	const struct pte_ref *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/*
 * The PMD entries whose PTE tables are read together: 64 tables, 256 KiB,
 * stay in the CPU's second-level cache between the read that copies them
 * and the walk that scans them, and the buffer's first use costs 64 page
 * faults, not 512.  (A whole PMD table's 2 MiB at once ran 1.3-1.4 times
 * slower on the 64 GiB 4K-mapped image; tests/bench/README.md.)
 */
#define BATCH_WINDOW 64u
#define BATCH_BYTES (BATCH_WINDOW * PTK_ENTRIES * sizeof(uint64_t))

/*
 * The buffer's pages are made present in one call: 64 first-touch faults
 * cost 1 ms more on a paravirtualized guest, in a walk of 20 ms.
 */
static bool batch_alloc(struct walker *w)
{
	void *p = mmap(NULL, BATCH_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		w->batch_failed = true;
		return false;
	}
	w->batch = p;
	return true;
}

/*
 * A leaf_run walk reads every PTE table below a PMD table: when they lie
 * in long runs of neighbouring pages (a direct map's tables, allocated
 * together), read them together, a run a call, into one buffer.  A
 * mapped page costs a fault or a shadow-paging exit at its first touch,
 * which a read into a buffer used again and again does not.  Tables that
 * cannot be read this way are read one by one as before, so their errors
 * are reported as they always were.  @first..@last: at most BATCH_WINDOW
 * entries of the PMD table @table.
 */
static void read_pte_batch(struct walker *w, const uint64_t *table,
			   unsigned first, unsigned last)
{
	struct pte_ref ref[BATCH_WINDOW];
	unsigned n = 0, runs = 1;

	memset(&w->batch_at[first], 0,
	       sizeof(w->batch_at[0]) * (last - first + 1));
	if (w->batch_failed)
		return;
	for (unsigned i = first; i <= last; i++) {
		struct ptk_entry d;

		entry_decode(w->pg, PTK_LEVEL_PMD, table[i], &d);
		if (d.kind == PTK_KIND_TABLE && !d.reserved)
			ref[n++] = (struct pte_ref){ d.addr, i };
	}
	if (n < 8)
		return;
	/* A direct map's tables come in address order: no sort then. */
	for (unsigned i = 1; i < n; i++) {
		if (ref[i].pa < ref[i - 1].pa) {
			qsort(ref, n, sizeof(*ref), pte_ref_cmp);
			break;
		}
	}
	/* Only long runs gain: scattered tables are as cheap one by one. */
	for (unsigned i = 1; i < n; i++)
		runs += ref[i].pa != ref[i - 1].pa + PTK_PAGE_SIZE;
	if (n / runs < 8)
		return;
	if (!w->batch && !batch_alloc(w))
		return;
	for (unsigned i = 0, slot = 0; i < n;) {
		unsigned j = i + 1;

		while (j < n && ref[j].pa == ref[j - 1].pa + PTK_PAGE_SIZE)
			j++;
		if (ptk_source_read(w->src, ref[i].pa, w->batch[slot],
				    (size_t)(j - i) * PTK_PAGE_SIZE) == PTK_OK)
			for (unsigned k = i; k < j; k++)
				w->batch_at[ref[k].idx] = w->batch[slot + k - i];
		ptk_ctx_clear_err(w->ctx);
		slot += j - i;
		i = j;
	}
}

static enum ptk_status walk_table(struct walker *w, unsigned level,
				  const uint64_t *table, uint64_t start,
				  uint64_t last, unsigned parent_eff)
{
	const uint64_t size = ptk_level_size(level);
	unsigned idx = ptk_va_index(start, level);
	uint64_t va = start;
	struct ptk_walk_entry e;
	const unsigned last_idx = ptk_va_index(last, level);
	const bool batching = level == PTK_LEVEL_PMD && w->ops->leaf_run &&
			      w->descend;
	struct ptk_entry d;
	enum ptk_status st;

	if (level == PTK_LEVEL_PTE && w->ops->leaf_run)
		return walk_ptes(w, table, start, last, parent_eff);
	for (;; idx++) {
		uint64_t entry_va = va & ~(size - 1);
		uint64_t entry_last = entry_va + (size - 1);
		uint64_t clip = entry_last < last ? entry_last : last;

		if (batching && (va == start || idx % BATCH_WINDOW == 0)) {
			unsigned wlast = idx | (BATCH_WINDOW - 1);

			read_pte_batch(w, table, idx,
				       wlast < last_idx ? wlast : last_idx);
		}

		entry_decode(w->pg, level, table[idx], &d);
		if (d.kind == PTK_KIND_NONE && !in_hole(w, d.raw)) {
			st = absent_entry(w, level, idx, entry_va, d.raw,
					  parent_eff);
			if (st != PTK_OK)
				return st;
			goto next;
		}
		if (d.kind == PTK_KIND_NONE) {
			st = add_hole(w, va, clip, level);
			if (st != PTK_OK)
				return st;
			goto next;
		}

		fill_entry(w, &e, level, idx, entry_va, &d, parent_eff);

		if (d.reserved) {
			ptk_ctx_clear_err(w->ctx);
			ptk_set_err(w->ctx, PTK_ERR_CORRUPT,
				    "reserved bits %#" PRIx64 " set",
				    d.reserved);
		}
		if (d.reserved ||
		    (d.kind == PTK_KIND_TABLE && is_loop(w, &e))) {
			st = bad_entry(w, &e, PTK_ERR_CORRUPT, va, clip);
			if (st != PTK_OK)
				return st;
			goto next;
		}

		st = flush_hole(w);
		if (st != PTK_OK)
			return st;
		if (d.kind == PTK_KIND_LEAF) {
			if (w->ops->leaf_run && level == PTK_LEVEL_PTE)
				st = w->ops->leaf_run(&e, 1, w->priv);
			else if (w->ops->leaf)
				st = w->ops->leaf(&e, w->priv);
			if (st != PTK_OK)
				return st;
			goto next;
		}
		if (w->ops->table) {
			if (level == PTK_LEVEL_PMD)
				e.table = w->batch_at[idx];
			st = w->ops->table(&e, w->priv);
			if (st == PTK_SKIP)
				goto next;
			if (st != PTK_OK)
				return st;
		}
		if (w->descend) {
			st = descend(w, &e, va, clip);
			if (st != PTK_OK)
				return st;
		}
next:
		if (clip == last)
			return PTK_OK;
		va = clip + 1;
	}
}

enum ptk_status ptk_walk(struct ptk_source *src, const struct ptk_paging *pg,
			 uint64_t start, uint64_t end,
			 const struct ptk_walk_ops *ops, void *priv)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const uint64_t gap_start = ptk_noncanon_start(pg);
	const uint64_t gap_last = ptk_noncanon_end(pg) - 1;
	uint64_t last = end - 1;	/* end 0 is the top: last = ~0 */
	const uint64_t *root;
	struct walker *w;
	enum ptk_status st;

	ptk_ctx_clear_err(ctx);
	if (pg->levels != 4 && pg->levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", pg->levels);
	if ((start | end) & (PTK_PAGE_SIZE - 1))
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "range %#" PRIx64 "-%#" PRIx64
				   " is not page aligned", start, end);
	if (end && end <= start)
		return PTK_OK;
	if (pg->user_root) {
		/* two top tables: the user half from one, the rest from the
		 * other, as the CPU switches between them */
		struct ptk_paging one = *pg, kernel = *pg;

		one.root = pg->user_root;
		one.user_root = kernel.user_root = 0;
		if (start < gap_start) {
			st = ptk_walk(src, &one, start,
				      last < gap_start ? end : gap_start, ops,
				      priv);
			if (st != PTK_OK || last < gap_start)
				return st;
			start = gap_start;
		}
		return ptk_walk(src, &kernel, start, end, ops, priv);
	}

	w = calloc(1, sizeof(*w));
	if (!w)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "walk");
	w->src = src;
	w->ctx = ctx;
	w->pg = pg;
	w->ops = ops;
	w->priv = priv;
	w->descend = ops->leaf || ops->leaf_run || ops->hole || ops->absent ||
		     ops->table;
	w->budget = ptk_ctx_walk_limit(ctx) ? ptk_ctx_walk_limit(ctx) : UINT64_MAX;
	for (unsigned l = 0; l <= PTK_MAX_LEVELS; l++)
		w->table_pa[l] = UINT64_MAX;

	st = ptk_source_table(src, pg->root, w->buf[pg->levels], &root);
	if (st != PTK_OK) {
		ptk_set_err(ctx, st, "%s table at %#" PRIx64 " (the root)",
			    ptk_level_name(pg, pg->levels), pg->root);
		goto out;
	}
	w->table_pa[pg->levels] = pg->root;

	if (start < gap_start) {
		st = walk_table(w, pg->levels, root, start,
				last < gap_start ? last : gap_start - 1,
				PTK_EFF_ROOT);
		if (st != PTK_OK)
			goto out;
	}
	if (start <= gap_last && last >= gap_start) {
		st = add_hole(w, start > gap_start ? start : gap_start,
			      last < gap_last ? last : gap_last, 0);
		if (st != PTK_OK)
			goto out;
	}
	if (last > gap_last) {
		st = walk_table(w, pg->levels, root,
				start > gap_last ? start : gap_last + 1, last,
				PTK_EFF_ROOT);
		if (st != PTK_OK)
			goto out;
	}
	st = flush_hole(w);
out:
	if (w->batch)
		munmap(w->batch, BATCH_BYTES);
	free(w);
	return st;
}
