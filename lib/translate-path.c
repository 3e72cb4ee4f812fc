// SPDX-License-Identifier: MIT
/*
 * Translations with their whole paths: the walk the MMU does, one level a
 * step, for one address (ptk_translate()) or many interleaved.
 *
 * Translating random addresses one after another is a chain of dependent
 * loads: the PTE of a random page of a large map is a cache (and TLB)
 * miss, and the next address waits for it.  Here up to INFLIGHT walks
 * advance in turn, one level a turn; a walk that has just learnt its
 * next table prefetches the entry it will read there, and reads it only
 * INFLIGHT turns later, so the misses of different walks overlap instead
 * of queuing (the "asynchronous memory access chaining" of hash joins).
 * Both use the same step; a walk that cannot go on ends PTK_XLAT_BAD, and
 * ptk_translate() then says why.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/translate.h"
#include "entry-priv.h"

enum { INFLIGHT = 16 };

struct walk {
	struct ptk_xlat *x;	/* the result, built in place */
	const uint64_t *table;	/* the table to read next */
	uint64_t table_pa;
	unsigned level;		/* of that table */
	unsigned eff;		/* effective flags above it */
	uint64_t *buf;		/* the table's copy, for sources that copy */
};

/* Start a walk for @va from @root (or, if NULL, a root the caller reads
 * into w->table); false if it ended at once (not canonical). */
static bool start(struct walk *w, const struct ptk_paging *pg,
		  const uint64_t *root, uint64_t va, struct ptk_xlat *x)
{
	x->va = va;
	x->pa = 0;
	x->level = 0;
	x->eff = 0;
	x->pkey = 0;
	x->nsteps = 0;
	if (!ptk_va_canonical(pg, va)) {
		x->result = PTK_XLAT_NONCANONICAL;
		return false;
	}
	w->x = x;
	w->table = root;
	w->table_pa = pg->root;
	w->level = pg->levels;
	w->eff = PTK_EFF_ROOT;
	return true;
}

/*
 * Tables the source lends its memory for, remembered by address: a few
 * per level, each in the slot its page number picks.  Most walks share
 * their upper tables (a 64 GiB direct map has 64 PMD tables), and looking
 * one up (a search of the source's segments) was a tenth of the time.
 */
enum { LENT_SLOTS = 64 };

struct lent {
	uint64_t pa[PTK_MAX_LEVELS + 1][LENT_SLOTS];
	const uint64_t *table[PTK_MAX_LEVELS + 1][LENT_SLOTS];
};

static enum ptk_status get_table(struct walk *w, struct lent *lent,
				 struct ptk_source *src, unsigned level,
				 uint64_t pa)
{
	unsigned slot = (unsigned)(pa >> PTK_PAGE_SHIFT) % LENT_SLOTS;
	enum ptk_status st;

	if (!lent)
		return ptk_source_table(src, pa, w->buf, &w->table);
	if (lent->pa[level][slot] == pa) {
		w->table = lent->table[level][slot];
		return PTK_OK;
	}
	st = ptk_source_table(src, pa, w->buf, &w->table);
	if (st == PTK_OK && w->table != w->buf) {
		lent->pa[level][slot] = pa;
		lent->table[level][slot] = w->table;
	}
	return st;
}

/* Read one level of @w's walk; false when the walk has ended. */
static bool step(struct walk *w, struct lent *lent, struct ptk_source *src,
		 const struct ptk_paging *pg)
{
	struct ptk_xlat *x = w->x;
	struct ptk_xlat_step *s = &x->path[x->nsteps++];
	unsigned level = w->level;
	struct ptk_entry d;

	s->level = level;
	s->index = ptk_va_index(x->va, level);
	s->table_pa = w->table_pa;
	s->raw = w->table[s->index];
	entry_decode(pg, level, s->raw, &d);
	x->level = level;
	if (d.kind == PTK_KIND_NONE) {
		x->result = PTK_XLAT_NOT_PRESENT;
		return false;
	}
	if (d.reserved) {
		x->result = PTK_XLAT_BAD;
		return false;
	}
	w->eff = ptk_eff_combine(w->eff, d.flags);
	if (d.kind == PTK_KIND_LEAF) {
		x->result = PTK_XLAT_MAPPED;
		x->pa = d.addr + (x->va & (ptk_level_size(level) - 1));
		x->eff = w->eff;
		x->pkey = d.pkey;
		return false;
	}
	for (unsigned i = 0; i < x->nsteps; i++) {
		if (x->path[i].table_pa == d.addr) {	/* a table loop */
			x->result = PTK_XLAT_BAD;
			return false;
		}
	}
	if (get_table(w, lent, src, level - 1, d.addr) != PTK_OK) {
		ptk_ctx_clear_err(ptk_source_ctx(src));
		x->result = PTK_XLAT_BAD;
		return false;
	}
	w->table_pa = d.addr;
	w->level = level - 1;
	__builtin_prefetch(&w->table[ptk_va_index(x->va, level - 1)]);
	return true;
}

/*
 * Why the walk of @x could not go on past its last step, as an error
 * naming the address, the level and what is wrong; @buf is room for a
 * table.
 */
static enum ptk_status explain_bad(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_xlat *x, uint64_t *buf)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_xlat_step *s = &x->path[x->nsteps - 1];
	uint64_t entry_pa = s->table_pa + s->index * 8;
	const uint64_t *table;
	struct ptk_entry d;
	enum ptk_status st;

	entry_decode(pg, s->level, s->raw, &d);
	if (d.reserved) {
		ptk_ctx_set_err_loc(ctx, x->va, s->level, entry_pa);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "%s[%u] = %#" PRIx64 " at %#" PRIx64
				   ": reserved bits %#" PRIx64 " set",
				   ptk_level_name(pg, s->level), s->index,
				   s->raw, entry_pa, d.reserved);
	}
	/* The MMU would follow a loop; ptkit calls it corrupt, as the
	 * walker does.  (It could not hang: at most 5 steps.) */
	for (unsigned i = 0; i < x->nsteps; i++) {
		if (x->path[i].table_pa != d.addr)
			continue;
		ptk_ctx_set_err_loc(ctx, x->va, s->level, entry_pa);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "%s[%u] = %#" PRIx64 " points to the "
				   "%s table at %#" PRIx64 " above it "
				   "(a table loop)",
				   ptk_level_name(pg, s->level), s->index,
				   s->raw, ptk_level_name(pg, x->path[i].level),
				   d.addr);
	}
	/* The table below cannot be read: read it again for the reason. */
	st = ptk_source_table(src, d.addr, buf, &table);
	if (st == PTK_OK)
		st = PTK_ERR_CORRUPT;
	ptk_ctx_set_err_loc(ctx, x->va, s->level - 1, d.addr);
	return ptk_set_err(ctx, st, "%s table at %#" PRIx64,
			   ptk_level_name(pg, s->level - 1), d.addr);
}

enum ptk_status ptk_translate(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t va,
			      struct ptk_xlat *ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	uint64_t buf[PTK_ENTRIES];
	struct walk w = { .buf = buf };
	struct ptk_paging one;
	struct ptk_xlat x;
	enum ptk_status st;

	pg = ptk_paging_for(pg, va, &one);
	ptk_ctx_clear_err(ctx);
	if (pg->levels != 4 && pg->levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", pg->levels);
	/* Built aside: on an error, *ret is left as it was. */
	if (start(&w, pg, NULL, va, &x)) {
		st = ptk_source_table(src, pg->root, buf, &w.table);
		if (st != PTK_OK) {
			ptk_ctx_set_err_loc(ctx, va, pg->levels, pg->root);
			return ptk_set_err(ctx, st, "%s table at %#" PRIx64,
					   ptk_level_name(pg, pg->levels),
					   pg->root);
		}
		while (step(&w, NULL, src, pg))
			;
		if (x.result == PTK_XLAT_BAD)
			return explain_bad(src, pg, &x, buf);
	}
	memcpy(ret, &x, offsetof(struct ptk_xlat, path) +
	       x.nsteps * sizeof(x.path[0]));
	return PTK_OK;
}

/*
 * Two top tables (PTI): one ptk_translate() an address, each with its
 * root; a walk that fails ends PTK_XLAT_BAD, as the interleaved walks
 * report it.  Only the root of a lone address's half cannot fail alone.
 */
static enum ptk_status translate_each(struct ptk_source *src,
				      const struct ptk_paging *pg,
				      const uint64_t *va, size_t n,
				      struct ptk_xlat *out)
{
	for (size_t i = 0; i < n; i++) {
		enum ptk_status st = ptk_translate(src, pg, va[i], &out[i]);

		if (st == PTK_ERR_NOMEM)
			return st;
		if (st != PTK_OK) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].va = va[i];
			out[i].result = PTK_XLAT_BAD;
			ptk_ctx_clear_err(ptk_source_ctx(src));
		}
	}
	return PTK_OK;
}

enum ptk_status ptk_translate_many(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const uint64_t *va, size_t n,
				   struct ptk_xlat *out)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct walk w[INFLIGHT];
	struct lent *lent;
	const uint64_t *root;
	uint64_t *bufs;
	size_t next = 0;
	unsigned active = 0;
	enum ptk_status st;

	ptk_ctx_clear_err(ctx);
	if (pg->levels != 4 && pg->levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", pg->levels);
	if (pg->user_root)
		return translate_each(src, pg, va, n, out);
	bufs = malloc((INFLIGHT + 1) * PTK_ENTRIES * sizeof(*bufs));
	lent = malloc(sizeof(*lent));
	if (!bufs || !lent) {
		free(bufs);
		free(lent);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "translating %zu "
				   "addresses", n);
	}
	st = ptk_source_table(src, pg->root, bufs + INFLIGHT * PTK_ENTRIES,
			      &root);
	if (st != PTK_OK) {
		free(bufs);
		free(lent);
		return ptk_set_err(ctx, st, "root table at %#llx",
				   (unsigned long long)pg->root);
	}

	/* All ones: not a table's address (those are page aligned). */
	memset(lent->pa, 0xff, sizeof(lent->pa));

	/* Fill the slots, then turn: each live walk reads one level. */
	for (unsigned i = 0; i < INFLIGHT; i++) {
		w[i].buf = bufs + i * PTK_ENTRIES;
		w[i].x = NULL;
		while (next < n && !start(&w[i], pg, root, va[next], &out[next]))
			next++;
		if (next < n) {
			next++;
			active++;
		}
	}
	while (active) {
		for (unsigned i = 0; i < INFLIGHT; i++) {
			if (!w[i].x || step(&w[i], lent, src, pg))
				continue;
			w[i].x = NULL;
			while (next < n &&
			       !start(&w[i], pg, root, va[next], &out[next]))
				next++;
			if (next < n)
				next++;
			else
				active--;
		}
	}
	free(bufs);
	free(lent);
	return PTK_OK;
}
