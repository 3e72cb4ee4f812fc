// SPDX-License-Identifier: MIT
/*
 * The kernel's ptdump, reproduced: the walker's leaves, holes and
 * not-present entries become the "notes" of mm/ptdump.c, and note() is
 * the state machine of note_page() in arch/x86/mm/dump_pagetables.c.
 * Where the kernel would note many equal entries in a row, one note
 * stands for them, except where one of them would cross a marker.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/ptdump.h"
#include "ptkit/translate.h"

/* pte_flags(): everything but bits 12-51, the frame. */
#define FLAGS_MASK (~UINT64_C(0x000ffffffffff000))
/* _PAGE_* as the columns test them, on the note's own value. */
#define B_P (UINT64_C(1) << 0)
#define B_RW (UINT64_C(1) << 1)
#define B_US (UINT64_C(1) << 2)
#define B_PWT (UINT64_C(1) << 3)
#define B_PCD (UINT64_C(1) << 4)
#define B_PSE (UINT64_C(1) << 7)
#define B_PAT (UINT64_C(1) << 7)
#define B_GLB (UINT64_C(1) << 8)
#define B_PAT_LARGE (UINT64_C(1) << 12)
#define B_NX (UINT64_C(1) << 63)

/* The kernel's levels: 0 is the top, 4 the PTEs, on 4 and 5 levels. */
enum { K_PGD, K_P4D, K_PUD, K_PMD, K_PTE };

struct dumper {
	const struct ptk_ptdump_opts *o;
	const struct ptk_paging *pg;
	FILE *out;
	/* note_page()'s struct pg_state */
	bool started;
	int level;
	uint64_t prot, eff;
	uint64_t start;
	size_t marker;
	uint64_t lines;
	/* prot_levels[4] of the kernel's walk: the effective bits of the
	 * last PTE read, empty ones included; the eff of the last PMD that
	 * points to a PTE table gives those of its empty PTEs */
	uint64_t last_pte_eff, pmd_eff;
};

static int kernel_level(const struct ptk_paging *pg, unsigned level)
{
	return level == pg->levels ? K_PGD : (int)(PTK_LEVEL_PTE + K_PTE - level);
}

/* Where the next marker starts; the kernel's list ends with -1. */
static uint64_t next_marker(const struct dumper *d)
{
	return d->marker + 1 < d->o->nmarkers ? d->o->markers[d->marker + 1].va
					      : UINT64_MAX;
}

static void print_prot(struct dumper *d)
{
	static const char *const names[] = { "pgd", "p4d", "pud", "pmd",
					     "pte" };
	uint64_t pr = d->prot;
	int level = d->level;

	if (!(pr & B_P)) {
		fprintf(d->out, "%30s", "");
	} else {
		fprintf(d->out, "%s%s%s%s%s%s%s%s", pr & B_US ? "USR " : "    ",
			pr & B_RW ? "RW " : "ro ",
			pr & B_PWT ? "PWT " : "    ",
			pr & B_PCD ? "PCD " : "    ",
			level <= K_PMD && (pr & B_PSE) ? "PSE " : "    ",
			/* since 5.6, pte_flags() has taken bit 12 away from
			 * a large page: the column stays empty */
			(level == K_PTE && (pr & B_PAT)) ||
			((level == K_PMD || level == K_PUD) &&
			 (pr & B_PAT_LARGE)) ? "PAT " : "    ",
			pr & B_GLB ? "GLB " : "    ",
			pr & B_NX ? "NX " : "x  ");
	}
	fprintf(d->out, "%s\n", names[level]);
}

static void print_line(struct dumper *d, uint64_t end)
{
	static const char units[] = "BKMGTPE";
	const char *unit = units;
	uint64_t delta = end - d->start;
	const struct ptk_ptdump_marker *m = &d->o->markers[d->marker];

	if (m->max_lines && d->lines >= m->max_lines && !d->o->no_truncate)
		return;
	fprintf(d->out, "0x%016" PRIx64 "-0x%016" PRIx64 "   ", d->start, end);
	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	fprintf(d->out, "%9" PRIu64 "%c ", delta, *unit);
	print_prot(d);
}

static void print_skipped(struct dumper *d)
{
	const struct ptk_ptdump_marker *m = &d->o->markers[d->marker];
	uint64_t skip;

	if (!m->max_lines || d->lines <= m->max_lines || d->o->no_truncate)
		return;
	skip = d->lines - m->max_lines;
	fprintf(d->out, "... %" PRIu64 " entr%s skipped ... \n", skip,
		skip == 1 ? "y" : "ies");
}

/* One entry the kernel's walk visits, at @addr (note_page()). */
static void note(struct dumper *d, uint64_t addr, int level, uint64_t prot,
		 uint64_t eff)
{
	if (!d->started) {
		d->started = true;
		d->start = addr;
		d->prot = prot;
		d->eff = eff;
		d->level = level;
		d->lines = 0;
		fprintf(d->out, "---[ %s ]---\n",
			d->o->markers[d->marker].name);
		return;
	}
	if (prot == d->prot && eff == d->eff && level == d->level &&
	    addr < next_marker(d))
		return;
	print_line(d, addr);
	d->lines++;
	if (addr >= next_marker(d)) {
		print_skipped(d);
		d->marker++;
		d->lines = 0;
		fprintf(d->out, "---[ %s ]---\n",
			d->o->markers[d->marker].name);
	}
	d->start = addr;
	d->prot = prot;
	d->eff = eff;
	d->level = level;
}

/*
 * [va, last] holds equal entries of @size bytes each: the kernel notes
 * every one, and after the first only a marker can break the line.  So
 * note the first, then only those that reach the next marker.
 */
static enum ptk_status note_many(struct dumper *d, uint64_t va, uint64_t last,
				 uint64_t size, unsigned level, uint64_t prot,
				 uint64_t eff)
{
	const int klevel = kernel_level(d->pg, level);

	if (va < d->o->start)	/* a large leaf the range starts inside */
		va = d->o->start;
	note(d, va, klevel, prot, eff);
	for (;;) {
		uint64_t m = next_marker(d), k;

		if (m > last)
			return PTK_OK;
		k = m <= va ? 1 : (m - va + size - 1) / size;
		if (k > (last - va) / size)	/* no entry left reaches it */
			return PTK_OK;
		va += k * size;
		note(d, va, klevel, prot, eff);
	}
}

static uint64_t eff_bits(unsigned eff)
{
	return (eff & PTK_F_US ? B_US : 0) | (eff & PTK_F_RW ? B_RW : 0) |
	       (eff & PTK_F_NX ? B_NX : 0);
}

/* The bits the kernel's walk compares and prints: pte_flags(), which
 * counts bit 12 in the frame; the walker before 5.6 read a large page
 * with pmd_flags()/pud_flags(), which do not. */
static uint64_t note_prot(const struct dumper *d,
			  const struct ptk_walk_entry *e)
{
	uint64_t prot = e->raw & FLAGS_MASK;

	if (d->o->legacy && e->level > PTK_LEVEL_PTE && (e->raw & B_PSE))
		prot |= e->raw & B_PAT_LARGE;
	return prot;
}

static enum ptk_status on_entry(const struct ptk_walk_entry *e, uint64_t size,
				void *priv)
{
	struct dumper *d = priv;

	if (e->level == PTK_LEVEL_PTE)
		d->last_pte_eff = eff_bits(e->eff);
	return note_many(d, e->va, e->end - 1, size, e->level,
			 note_prot(d, e), eff_bits(e->eff));
}

/* A table entry: KASAN's shortcut, or the eff its empty PTEs will have. */
static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct dumper *d = priv;

	for (unsigned i = 0; i < 4; i++) {
		if (!d->o->kasan_tables[i] || e->addr != d->o->kasan_tables[i])
			continue;
		note(d, e->va < d->o->start ? d->o->start : e->va, K_PTE,
		     d->o->kasan_pte & FLAGS_MASK,
		     d->o->kasan_pte ? d->last_pte_eff : 0);
		return PTK_SKIP;
	}
	if (e->level == PTK_LEVEL_PMD)
		d->pmd_eff = eff_bits(e->eff);
	return PTK_OK;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	return on_entry(e, ptk_level_size(e->level), priv);
}

/* PTEs that differ only in their frame: their flags are the first's. */
static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	(void)n;
	return on_entry(e, PTK_PAGE_SIZE, priv);
}

static enum ptk_status on_absent(const struct ptk_walk_entry *e, void *priv)
{
	return on_entry(e, ptk_level_size(e->level), priv);
}

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct dumper *d = priv;

	if (!level)	/* the non-canonical gap: never walked */
		return PTK_OK;
	if (level == PTK_LEVEL_PTE)	/* (parent & 0 & RW|US) | parent's NX */
		d->last_pte_eff = d->pmd_eff & B_NX;
	return note_many(d, va, end - 1, ptk_level_size(level), level, 0, 0);
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct dumper *d = priv;

	return d->o->bad(e, why, d->o->priv);
}

void ptk_ptdump_guard_hole(const struct ptk_paging *pg, uint64_t *start,
			   uint64_t *end)
{
	/* GUARD_HOLE_PGD_ENTRY -256, GUARD_HOLE_SIZE 16 top-level entries */
	unsigned shift = ptk_level_shift(pg->levels);

	*start = (uint64_t)-256 << shift;
	*end = *start + (UINT64_C(16) << shift);
}

uint64_t ptk_ptdump_ldt_base(const struct ptk_paging *pg)
{
	/* LDT_PGD_ENTRY -240 on 4 and 5 levels since Linux 4.20: right
	 * after the guard hole */
	return (uint64_t)-240 << ptk_level_shift(pg->levels);
}

/* The marker a walk from @start opens with: the last one at or below. */
static size_t first_marker(const struct ptk_ptdump_opts *o)
{
	size_t best = 0;

	for (size_t i = 0; i < o->nmarkers; i++)
		if (o->markers[i].va <= o->start)
			best = i;
	return best;
}

enum ptk_status ptk_ptdump(struct ptk_source *src, const struct ptk_paging *pg,
			   const struct ptk_ptdump_opts *o, FILE *out)
{
	static const struct ptk_ptdump_marker none = { .name = "User Space" };
	struct ptk_ptdump_opts opts = *o;
	const struct ptk_walk_ops ops = {
		.table = on_table, .leaf = on_leaf, .leaf_run = on_leaf_run,
		.hole = on_hole, .absent = on_absent,
		.bad = o->bad ? on_bad : NULL,
	};
	struct dumper d = { .o = &opts, .pg = pg, .out = out };
	uint64_t ranges[2][2], last = o->end - 1;
	enum ptk_status st;

	if (!opts.nmarkers) {
		opts.markers = &none;
		opts.nmarkers = 1;
	}
	d.marker = first_marker(&opts);
	/* The kernel's ranges: the user half, then the kernel half from the
	 * end of the guard hole or of the non-canonical gap. */
	ranges[0][0] = 0;
	ranges[0][1] = ptk_noncanon_start(pg) - 1;
	ranges[1][1] = UINT64_MAX;
	if (o->skip_guard_hole) {
		uint64_t gs, ge;

		ptk_ptdump_guard_hole(pg, &gs, &ge);
		ranges[1][0] = ge;
	} else {
		ranges[1][0] = ptk_noncanon_end(pg);
	}
	for (unsigned i = 0; i < 2; i++) {
		uint64_t a = ranges[i][0] > o->start ? ranges[i][0] : o->start;
		uint64_t b = ranges[i][1] < last ? ranges[i][1] : last;

		if (a > b)
			continue;
		st = ptk_walk(src, pg, a, b + 1, &ops, &d);
		if (st != PTK_OK)
			return st;
	}
	if (d.started) {	/* the kernel's last note_page(st, 0, -1, 0) */
		print_line(&d, o->end);
		d.lines++;
		print_skipped(&d);
	}
	return ferror(out) ? ptk_set_err(ptk_source_ctx(src), PTK_ERR_IO,
					 "cannot write the listing")
			   : PTK_OK;
}

/* The name at @va: a short printable string, or false. */
static bool read_name(struct ptk_source *src, const struct ptk_paging *kpg,
		      uint64_t va, char name[PTK_PTDUMP_NAME_MAX])
{
	size_t len = 0;

	/* Byte by byte up to the NUL: a name may end just before a page
	 * that is not in the dump. */
	while (len < PTK_PTDUMP_NAME_MAX - 1) {
		char c;

		if (ptk_read_virt(src, kpg, va + len, &c, 1) != PTK_OK)
			return false;
		if (!c)
			break;
		if (!isprint((unsigned char)c))
			return false;
		name[len++] = c;
	}
	name[len] = '\0';
	return len > 0 && len < PTK_PTDUMP_NAME_MAX - 1;
}

enum ptk_status ptk_ptdump_read_markers(struct ptk_source *src,
					const struct ptk_paging *kpg,
					uint64_t va,
					struct ptk_ptdump_marker **ret,
					size_t *n)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct ptk_ptdump_marker *m;
	enum { MAX_MARKERS = 64 };
	size_t i;

	m = calloc(MAX_MARKERS, sizeof(*m));
	if (!m)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "address_markers");
	/* struct addr_marker { unsigned long start_address; const char
	 * *name; unsigned long max_lines; } */
	for (i = 0; i < MAX_MARKERS; i++) {
		uint64_t e[3];
		enum ptk_status st = ptk_read_virt(src, kpg, va + i * sizeof(e),
						   e, sizeof(e));

		if (st != PTK_OK) {
			free(m);
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "address_markers[%zu] at %#" PRIx64
					   " cannot be read", i,
					   va + i * sizeof(e));
		}
		if (e[0] == UINT64_MAX && !e[1])
			break;
		if (!read_name(src, kpg, e[1], m[i].name) ||
		    (i == 0 && (e[0] || strcmp(m[i].name, "User Space"))) ||
		    e[2] > UINT32_MAX) {
			free(m);
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "address_markers[%zu] at %#" PRIx64
					   " is not a marker", i,
					   va + i * sizeof(e));
		}
		m[i].va = e[0];
		m[i].max_lines = e[2];
		m[i].name_va = e[1];
	}
	if (i == MAX_MARKERS || i < 2) {
		free(m);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "address_markers at %#" PRIx64 " is not the list of markers",
				   va);
	}
	*ret = m;
	*n = i;
	return PTK_OK;
}
