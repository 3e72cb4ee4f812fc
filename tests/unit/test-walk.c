// SPDX-License-Identifier: MIT
/* The walker, translate and the run merger, on tables built in memory. */
#include "unit.h"

enum ev_kind { EV_LEAF, EV_HOLE, EV_TABLE, EV_BAD };

struct event {
	enum ev_kind kind;
	uint64_t va, end, addr;
	unsigned level;
	unsigned eff;
	enum ptk_status why;
};

struct recorder {
	struct event ev[4096];
	size_t n;
	bool with_bad;
	enum ptk_status table_ret;
	unsigned table_ret_level;
	size_t stop_after;
};

static enum ptk_status push(struct recorder *r, struct event e)
{
	assert_true(r->n < sizeof(r->ev) / sizeof(r->ev[0]));
	r->ev[r->n++] = e;
	if (r->stop_after && r->n == r->stop_after)
		return PTK_STOP;
	return PTK_OK;
}

static enum ptk_status rec_leaf(const struct ptk_walk_entry *e, void *p)
{
	return push(p, (struct event){ EV_LEAF, e->va, e->end, e->addr,
				       e->level, e->eff, PTK_OK });
}

static enum ptk_status rec_hole(uint64_t va, uint64_t end, unsigned level,
				void *p)
{
	return push(p, (struct event){ EV_HOLE, va, end, 0, level, 0, PTK_OK });
}

static enum ptk_status rec_table(const struct ptk_walk_entry *e, void *p)
{
	struct recorder *r = p;
	enum ptk_status st = push(p, (struct event){ EV_TABLE, e->va, e->end,
						     e->addr, e->level, e->eff,
						     PTK_OK });

	if (st == PTK_OK && r->table_ret_level == e->level)
		return r->table_ret;
	return st;
}

static enum ptk_status rec_bad(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *p)
{
	return push(p, (struct event){ EV_BAD, e->va, e->end, e->addr,
				       e->level, e->eff, why });
}

static enum ptk_status walk(struct fixture *f, uint64_t start, uint64_t end,
			    struct recorder *r, bool tables)
{
	struct ptk_walk_ops ops = {
		.leaf = rec_leaf, .hole = rec_hole,
		.table = tables ? rec_table : NULL,
		.bad = r->with_bad ? rec_bad : NULL,
	};

	return ptk_walk(f->src, &f->pg, start, end, &ops, r);
}

/*
 * Leaves and holes tile [start, end): in order, no gap, no overlap.
 * A leaf may start before @start or end after @end (whole entries).
 */
static void assert_tiles(const struct recorder *r, uint64_t start,
			 uint64_t end)
{
	uint64_t at = start;
	bool first = true;

	for (size_t i = 0; i < r->n; i++) {
		const struct event *e = &r->ev[i];

		if (e->kind != EV_LEAF && e->kind != EV_HOLE)
			continue;
		if (e->kind == EV_LEAF && first)
			assert_true(e->va <= at);
		else
			assert_int_equal(e->va, at);
		first = false;
		at = e->end;
	}
	if (end)
		assert_true(at >= end);
	else
		assert_int_equal(at, 0);
}

/*
 *   0x0000_0000_0020_0000 +16K   4K pages, rw
 *   0x0000_0000_4000_0000 +2M    one 2M page
 *   0xffff_8880_0000_0000 +1G    one 1G page, nx
 */
static struct fixture *three_sizes(void)
{
	struct fixture *f = fixture_new(4);

	fixture_map(f, 0x200000, 0x9000000, 0x4000, 1, PTK_F_RW | PTK_F_US);
	fixture_map(f, 0x40000000, 0x9200000, 2 * MiB, 2, PTK_F_RW);
	fixture_map(f, UINT64_C(0xffff888000000000), 0, GiB, 3,
		    PTK_F_RW | PTK_F_NX | PTK_F_G);
	return f;
}

/* Pages as a walk reports them: one by one, or expanded from runs. */
struct pages {
	uint64_t va[512], pa[512];
	size_t n, calls;
};

static enum ptk_status page_leaf(const struct ptk_walk_entry *e, void *p)
{
	struct pages *g = p;

	assert_true(g->n < 512);
	g->va[g->n] = e->va;
	g->pa[g->n++] = e->addr;
	g->calls++;
	return PTK_OK;
}

static enum ptk_status page_run(const struct ptk_walk_entry *e, uint64_t n,
				void *p)
{
	struct pages *g = p;

	assert_int_equal(e->end - e->va, n * 4 * KiB);
	for (uint64_t k = 0; k < n; k++) {
		assert_true(g->n < 512);
		g->va[g->n] = e->va + k * 4 * KiB;
		g->pa[g->n++] = e->addr + k * 4 * KiB;
	}
	g->calls++;
	return PTK_OK;
}

/*
 * leaf_run consumers get PTEs in runs found four entries a step (SSE2):
 * the pages must be exactly those of one-by-one leaves, and the runs
 * break exactly where the frame or the flags do, at any offset.
 */
static void pte_runs_break_where_frames_do(void **state)
{
	static const unsigned moved[] = { 1, 2, 3, 5, 8, 255, 256, 259, 509 };
	const uint64_t va0 = 0x40000000;
	struct fixture *f = fixture_new(4);
	struct pages *one = calloc(1, sizeof(*one));
	struct pages *runs = calloc(1, sizeof(*runs));
	struct ptk_walk_ops by_leaf = { .leaf = page_leaf };
	struct ptk_walk_ops by_run = { .leaf = page_leaf, .leaf_run = page_run };
	size_t expect_runs = 0;
	uint64_t prev_pa = 0;
	unsigned prev_flags = 0;
	bool prev = false;

	(void)state;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = 0x10000000 + (uint64_t)i * 4 * KiB;
		unsigned flags = i == 400 ? 0 : PTK_F_RW;
		bool here = i != 100 && i != 101;	/* a hole */

		for (size_t k = 0; k < sizeof(moved) / sizeof(moved[0]); k++)
			if (moved[k] == i)
				pa += GiB;
		if (here) {
			fixture_map(f, va0 + (uint64_t)i * 4 * KiB, pa, 4 * KiB,
				    1, flags);
			expect_runs += !prev || pa != prev_pa + 4 * KiB ||
				       flags != prev_flags;
		}
		prev = here;
		prev_pa = pa;
		prev_flags = flags;
	}
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 2 * MiB, &by_leaf,
				  one), PTK_OK);
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 2 * MiB, &by_run,
				  runs), PTK_OK);
	assert_int_equal(one->n, 510);
	assert_int_equal(runs->n, 510);
	assert_memory_equal(one->va, runs->va, sizeof(one->va));
	assert_memory_equal(one->pa, runs->pa, sizeof(one->pa));
	assert_int_equal(runs->calls, expect_runs);
	free(one);
	free(runs);
	fixture_free(f);
}

/* Pages in walk order, as a count and an order-sensitive checksum; and
 * what the table callback saw of each PTE table through e->table. */
struct page_sum {
	struct ptk_source *src;
	uint64_t n, sum;
	unsigned given, equal;
};

static void page_sum_add(struct page_sum *g, uint64_t va, uint64_t pa)
{
	g->sum = (g->sum ^ va ^ (pa << 1)) * 0x100000001b3ull;
	g->n++;
}

static enum ptk_status sum_leaf(const struct ptk_walk_entry *e, void *p)
{
	page_sum_add(p, e->va, e->addr);
	return PTK_OK;
}

static enum ptk_status sum_run(const struct ptk_walk_entry *e, uint64_t n,
			       void *p)
{
	for (uint64_t k = 0; k < n; k++)
		page_sum_add(p, e->va + k * 4 * KiB, e->addr + k * 4 * KiB);
	return PTK_OK;
}

static enum ptk_status sum_table(const struct ptk_walk_entry *e, void *p)
{
	struct page_sum *g = p;
	uint64_t buf[PTK_ENTRIES];
	const uint64_t *real;

	if (!e->table)
		return PTK_OK;
	g->given++;
	if (ptk_source_table(g->src, e->addr, buf, &real) == PTK_OK &&
	    !memcmp(real, e->table, sizeof(buf)))
		g->equal++;
	return PTK_OK;
}

/*
 * A leaf_run walk reads the PTE tables of a PMD table together: the pages
 * are those of a walk one table at a time, the table callback gets the
 * same entries, and a table the source does not hold is still reported,
 * as the same error at the same place.
 */
static void pte_tables_read_together(void **state)
{
	const uint64_t va0 = 0x40000000;
	struct fixture *f = fixture_new(4);
	struct page_sum one = { .src = f->src }, runs = { .src = f->src };
	struct ptk_walk_ops by_leaf = { .leaf = sum_leaf };
	struct ptk_walk_ops by_run = {
		.leaf = sum_leaf, .leaf_run = sum_run, .table = sum_table,
	};
	struct ptk_xlat x;
	char first[512];

	(void)state;
	/* 40 PTE tables, every other page mapped: 10,240 pages */
	for (unsigned i = 0; i < 40 * 512; i += 2)
		fixture_map(f, va0 + (uint64_t)i * 4 * KiB,
			    0x10000000 + (uint64_t)i * 4 * KiB, 4 * KiB, 1,
			    PTK_F_RW);
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 80 * MiB,
				  &by_leaf, &one), PTK_OK);
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 80 * MiB,
				  &by_run, &runs), PTK_OK);
	assert_int_equal(one.n, 40 * 256);
	assert_int_equal(runs.n, 40 * 256);
	assert_int_equal(one.sum, runs.sum);
	assert_int_equal(runs.given, 40);
	assert_int_equal(runs.equal, 40);

	/* pmd[7] to a page the source does not hold */
	assert_int_equal(ptk_translate(f->src, &f->pg, va0, &x), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa + 7 * 8,
					 UINT64_C(0x7fff000) | 0x67), PTK_OK);
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 80 * MiB,
				  &by_leaf, &one), PTK_ERR_NODATA);
	snprintf(first, sizeof(first), "%s", ptk_ctx_err(f->ctx));
	assert_non_null(strstr(first, "pte table at 0x7fff000"));
	assert_int_equal(ptk_walk(f->src, &f->pg, va0, va0 + 80 * MiB,
				  &by_run, &runs), PTK_ERR_NODATA);
	assert_string_equal(ptk_ctx_err(f->ctx), first);
	fixture_free(f);
}

/*
 * The batches are windows of the PMD table: a walk that starts inside a
 * window and spans several, over tables that run across the windows'
 * edges, sees every page once and every table's own entries.
 */
static void pte_batches_span_windows(void **state)
{
	const uint64_t va0 = 0x40000000;
	struct fixture *f = fixture_new(4);
	struct page_sum one = { .src = f->src }, runs = { .src = f->src };
	struct ptk_walk_ops by_leaf = { .leaf = sum_leaf };
	struct ptk_walk_ops by_run = {
		.leaf = sum_leaf, .leaf_run = sum_run, .table = sum_table,
	};
	const uint64_t from = va0 + 37 * 2 * MiB + 5 * 4 * KiB;
	const uint64_t to = va0 + 300 * 2 * MiB - 3 * 4 * KiB;

	(void)state;
	/* 400 PTE tables, every third page mapped */
	for (unsigned i = 0; i < 400 * 512; i += 3)
		fixture_map(f, va0 + (uint64_t)i * 4 * KiB,
			    0x10000000 + (uint64_t)i * 4 * KiB, 4 * KiB, 1,
			    PTK_F_RW);
	assert_int_equal(ptk_walk(f->src, &f->pg, from, to, &by_leaf, &one),
			 PTK_OK);
	assert_int_equal(ptk_walk(f->src, &f->pg, from, to, &by_run, &runs),
			 PTK_OK);
	assert_true(one.n > 263 * 170);
	assert_int_equal(runs.n, one.n);
	assert_int_equal(one.sum, runs.sum);
	/* pmd[37..299]: 263 tables, all read in batches */
	assert_int_equal(runs.given, 263);
	assert_int_equal(runs.equal, 263);
	fixture_free(f);
}

static void every_byte_once_in_order(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	size_t leaves = 0;

	(void)state;
	assert_int_equal(walk(f, 0, 0, r, false), PTK_OK);
	assert_tiles(r, 0, 0);
	for (size_t i = 0; i < r->n; i++)
		leaves += r->ev[i].kind == EV_LEAF;
	assert_int_equal(leaves, 4 + 1 + 1);
	/* Leaf details. */
	assert_int_equal(r->ev[1].kind, EV_LEAF);
	assert_int_equal(r->ev[1].va, 0x200000);
	assert_int_equal(r->ev[1].addr, 0x9000000);
	assert_int_equal(r->ev[1].level, 1);
	assert_int_equal(r->ev[1].eff, PTK_F_P | PTK_F_RW | PTK_F_US);
	free(r);
	fixture_free(f);
}

static void non_canonical_gap_is_one_level_0_hole(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	size_t gaps = 0;

	(void)state;
	assert_int_equal(walk(f, 0, 0, r, false), PTK_OK);
	for (size_t i = 0; i < r->n; i++) {
		if (r->ev[i].kind == EV_HOLE && r->ev[i].level == 0) {
			gaps++;
			assert_int_equal(r->ev[i].va, UINT64_C(0x0000800000000000));
			assert_int_equal(r->ev[i].end, UINT64_C(0xffff800000000000));
		}
	}
	assert_int_equal(gaps, 1);
	free(r);
	fixture_free(f);
}

static void holes_merge_within_a_table(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));

	(void)state;
	/* [0, 2M): PTE table? no: pmd[0] is absent, so one pmd-level hole,
	 * then the PTE table at 2M. */
	assert_int_equal(walk(f, 0, 4 * MiB, r, false), PTK_OK);
	assert_int_equal(r->ev[0].kind, EV_HOLE);
	assert_int_equal(r->ev[0].va, 0);
	assert_int_equal(r->ev[0].end, 2 * MiB);
	assert_int_equal(r->ev[0].level, 2);
	/* After the 4 pages, the rest of the PTE table is one hole. */
	assert_int_equal(r->ev[5].kind, EV_HOLE);
	assert_int_equal(r->ev[5].va, 2 * MiB + 0x4000);
	assert_int_equal(r->ev[5].end, 4 * MiB);
	assert_int_equal(r->ev[5].level, 1);
	assert_int_equal(r->n, 6);
	free(r);
	fixture_free(f);
}

struct merged {
	struct ptk_hole h[8];
	size_t n;
};

static enum ptk_status rec_merged(const struct ptk_hole *h, void *p)
{
	struct merged *m = p;

	assert_true(m->n < 8);
	m->h[m->n++] = *h;
	return PTK_OK;
}

/* The walker's holes at the end of one PTE table and the start of the
 * next are one hole for ptk_holes(); a hole at another level is not. */
static void holes_merge_across_tables(void **state)
{
	static const struct ptk_holes_ops ops = { .hole = rec_merged };
	struct fixture *f = fixture_new(4);
	struct merged m = { .n = 0 };

	(void)state;
	fixture_map(f, 2 * MiB, 0x9000000, 0x1000, 1, PTK_F_RW);
	fixture_map(f, 6 * MiB - 0x1000, 0x9001000, 0x1000, 1, PTK_F_RW);
	assert_int_equal(ptk_holes(f->src, &f->pg, 0, 8 * MiB, &ops, &m),
			 PTK_OK);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.h[0].va, 0);
	assert_int_equal(m.h[0].end, 2 * MiB);
	assert_int_equal(m.h[0].level, 2);
	assert_int_equal(m.h[1].va, 2 * MiB + 0x1000);
	assert_int_equal(m.h[1].end, 6 * MiB - 0x1000);
	assert_int_equal(m.h[1].level, 1);
	assert_int_equal(m.h[2].va, 6 * MiB);
	assert_int_equal(m.h[2].end, 8 * MiB);
	assert_int_equal(m.h[2].level, 2);
	fixture_free(f);
}

struct findings {
	struct ptk_finding f[8];
	size_t n;
};

static enum ptk_status rec_finding(const struct ptk_finding *f, void *p)
{
	struct findings *r = p;

	assert_true(r->n < 8);
	r->f[r->n] = *f;
	r->f[r->n++].why = NULL;
	return PTK_OK;
}

/* An audit a range at a time finds what one walk finds: a W+X run across
 * two PTE tables is one finding, a PMD entry sharing another's PTE table
 * is one, and the ranges going through the same upper tables again are
 * not "reached twice". */
static void check_in_ranges_as_in_one_walk(void **state)
{
	const uint64_t k = UINT64_C(0xffffffffc0000000);
	struct fixture *f = fixture_new(4);
	struct findings one = { .n = 0 }, parts = { .n = 0 };
	struct ptk_check *c;
	struct ptk_xlat x;

	(void)state;
	fixture_map(f, k + 0x1000, 0x9000000, 0x1000, 1, PTK_F_RW | PTK_F_NX);
	fixture_map(f, k + 2 * MiB - 0x4000, 0x9100000, 0x8000, 1, PTK_F_RW);
	assert_int_equal(ptk_translate(f->src, &f->pg, k + 0x1000, &x), PTK_OK);
	/* pmd[4] points to pmd[0]'s PTE table */
	assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa + 4 * 8,
					 x.path[2].raw), PTK_OK);

	assert_int_equal(ptk_check_new(f->src, &f->pg, rec_finding, &one, &c),
			 PTK_OK);
	assert_int_equal(ptk_check_range(c, 0, 0), PTK_OK);
	assert_int_equal(ptk_check_finish(c), PTK_OK);
	assert_int_equal(ptk_check_count(c, PTK_FIND_WX), 8);
	assert_int_equal(ptk_check_count(c, PTK_FIND_SHARED), 1);
	ptk_check_free(c);
	assert_int_equal(one.n, 2);
	assert_int_equal(one.f[0].kind, PTK_FIND_WX);
	assert_int_equal(one.f[0].va, k + 2 * MiB - 0x4000);
	assert_int_equal(one.f[0].end, k + 2 * MiB + 0x4000);
	assert_int_equal(one.f[0].count, 8);
	assert_int_equal(one.f[1].kind, PTK_FIND_SHARED);
	assert_int_equal(one.f[1].va, k + 8 * MiB);
	assert_string_equal(ptk_finding_name(one.f[1].kind), "shared-table");

	assert_int_equal(ptk_check_new(f->src, &f->pg, rec_finding, &parts,
				       &c), PTK_OK);
	assert_int_equal(ptk_check_range(c, 0, k + 2 * MiB), PTK_OK);
	assert_int_equal(ptk_check_range(c, k + 2 * MiB, k + 6 * MiB), PTK_OK);
	assert_int_equal(ptk_check_range(c, k + 6 * MiB, 0), PTK_OK);
	assert_int_equal(ptk_check_finish(c), PTK_OK);
	ptk_check_free(c);
	assert_int_equal(parts.n, one.n);
	assert_memory_equal(parts.f, one.f, one.n * sizeof(one.f[0]));
	fixture_free(f);
}

static void range_inside_a_large_page(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	uint64_t base = UINT64_C(0xffff888000000000);

	(void)state;
	assert_int_equal(walk(f, base + 0x5000, base + 0x9000, r, false),
			 PTK_OK);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].kind, EV_LEAF);
	assert_int_equal(r->ev[0].va, base);
	assert_int_equal(r->ev[0].end, base + GiB);
	assert_int_equal(r->ev[0].level, 3);
	free(r);
	fixture_free(f);
}

static void five_levels(void **state)
{
	struct fixture *f = fixture_new(5);
	struct recorder *r = calloc(1, sizeof(*r));
	uint64_t va = UINT64_C(0xff11000000000000);
	struct ptk_xlat x;

	(void)state;
	fixture_map(f, va, 0, 2 * MiB, 2, PTK_F_RW);
	fixture_map(f, UINT64_C(0x00fffffffffff000), 0x1000, 0x1000, 1, PTK_F_US);
	assert_int_equal(walk(f, 0, 0, r, true), PTK_OK);
	assert_tiles(r, 0, 0);
	assert_int_equal(ptk_translate(f->src, &f->pg, va + 0x1234, &x), PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_MAPPED);
	assert_int_equal(x.pa, 0x1234);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.path[0].level, 5);
	assert_int_equal(x.path[0].index, 0x111);	/* bits 48-56 of va */
	assert_int_equal(ptk_translate(f->src, &f->pg,
				       UINT64_C(0x00fffffffffff008), &x),
			 PTK_OK);
	assert_int_equal(x.pa, 0x1008);
	assert_int_equal(x.nsteps, 5);
	/* Bit 56 set, bits 57-63 clear: in the 5-level canonical gap. */
	assert_int_equal(ptk_translate(f->src, &f->pg,
				       UINT64_C(0x0100000000000000), &x),
			 PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_NONCANONICAL);
	free(r);
	fixture_free(f);
}

static void table_loop_is_reported_not_followed(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	uint64_t va, pa;
	unsigned level;

	(void)state;
	/* pgd[1] points back to the pgd itself. */
	assert_int_equal(ptk_builder_set(f->b, f->pg.root + 8, f->pg.root | 0x67),
			 PTK_OK);
	assert_int_equal(walk(f, 0, 0, r, false), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "table loop"));
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "pgd[1]"));
	assert_true(ptk_ctx_err_loc(f->ctx, &va, &level, &pa));
	assert_int_equal(va, UINT64_C(1) << 39);
	assert_int_equal(level, 4);
	assert_int_equal(pa, f->pg.root + 8);

	/* With a bad callback the walk goes on, the entry a hole. */
	memset(r, 0, sizeof(*r));
	r->with_bad = true;
	assert_int_equal(walk(f, 0, 0, r, false), PTK_OK);
	assert_tiles(r, 0, 0);
	for (size_t i = 0, bad = 0; i < r->n; i++) {
		if (r->ev[i].kind == EV_BAD) {
			assert_int_equal(++bad, 1);
			assert_int_equal(r->ev[i].why, PTK_ERR_CORRUPT);
		}
	}
	free(r);
	fixture_free(f);
}

static void loop_to_an_ancestor_deeper_down(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	struct ptk_xlat x;

	(void)state;
	/* The pmd table of 0x200000 gets an entry pointing to the pud table. */
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x200000, &x), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa + 8 * 5,
					 x.path[1].table_pa | 0x67), PTK_OK);
	assert_int_equal(walk(f, 0, 0, r, false), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "pmd[5]"));
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "pud table"));
	free(r);
	fixture_free(f);
}

static void absent_table_is_nodata(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));

	(void)state;
	/* pgd[2] points to a page the source does not hold. */
	assert_int_equal(ptk_builder_set(f->b, f->pg.root + 16,
					 UINT64_C(0x7fff000) | 0x67), PTK_OK);
	assert_int_equal(walk(f, 0, 0, r, false), PTK_ERR_NODATA);
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "pud table at 0x7fff000"));
	r->n = 0;
	r->with_bad = true;
	assert_int_equal(walk(f, 0, 0, r, false), PTK_OK);
	assert_tiles(r, 0, 0);
	free(r);
	fixture_free(f);
}

static void reserved_bits_make_a_bad_entry(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	struct ptk_xlat x;

	(void)state;
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x40000000, &x), PTK_OK);
	assert_int_equal(x.level, 2);
	/* A 2M leaf with bit 13 set. */
	assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa,
					 x.path[2].raw | 1 << 13), PTK_OK);
	assert_int_equal(walk(f, 0, 0, r, false), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "reserved bits 0x2000"));
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x40000000, &x),
			 PTK_ERR_CORRUPT);
	free(r);
	fixture_free(f);
}

static void not_present_garbage_is_a_hole(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));

	(void)state;
	assert_int_equal(ptk_builder_set(f->b, f->pg.root + 24,
					 UINT64_C(0xfffffffffffffffe)), PTK_OK);
	assert_int_equal(walk(f, 0, 0, r, false), PTK_OK);
	assert_tiles(r, 0, 0);
	free(r);
	fixture_free(f);
}

static void skip_and_stop(void **state)
{
	struct fixture *f = three_sizes();
	struct recorder *r = calloc(1, sizeof(*r));
	size_t leaves = 0;

	(void)state;
	/* Skipping at the pmd level hides the PTE table's leaves. */
	r->table_ret = PTK_SKIP;
	r->table_ret_level = 2;
	assert_int_equal(walk(f, 0, 0, r, true), PTK_OK);
	for (size_t i = 0; i < r->n; i++)
		leaves += r->ev[i].kind == EV_LEAF;
	assert_int_equal(leaves, 2);

	memset(r, 0, sizeof(*r));
	r->stop_after = 3;
	assert_int_equal(walk(f, 0, 0, r, true), PTK_STOP);
	assert_int_equal(r->n, 3);
	free(r);
	fixture_free(f);
}

static void translate_paths(void **state)
{
	struct fixture *f = three_sizes();
	struct ptk_xlat x;

	(void)state;
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x201abc, &x), PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_MAPPED);
	assert_int_equal(x.pa, 0x9001abc);
	assert_int_equal(x.level, 1);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.path[0].table_pa, f->pg.root);
	assert_int_equal(x.path[0].index, 0);
	assert_int_equal(x.path[2].index, 1);
	assert_int_equal(x.path[3].index, 1);
	assert_int_equal(x.path[3].raw & ~UINT64_C(0xfff), 0x9001000);
	assert_int_equal(x.eff, PTK_F_P | PTK_F_RW | PTK_F_US);

	assert_int_equal(ptk_translate(f->src, &f->pg,
				       UINT64_C(0xffff888012345678), &x), PTK_OK);
	assert_int_equal(x.pa, 0x12345678);
	assert_int_equal(x.level, 3);
	assert_int_equal(x.nsteps, 2);
	assert_true(x.eff & PTK_F_NX);

	/* Not present at the pte level, then at the pgd level. */
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x204000, &x), PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_NOT_PRESENT);
	assert_int_equal(x.level, 1);
	assert_int_equal(ptk_translate(f->src, &f->pg, UINT64_C(1) << 40, &x),
			 PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_NOT_PRESENT);
	assert_int_equal(x.level, 4);
	assert_int_equal(x.nsteps, 1);
	assert_int_equal(ptk_translate(f->src, &f->pg,
				       UINT64_C(0x8000000000000000), &x), PTK_OK);
	assert_int_equal(x.result, PTK_XLAT_NONCANONICAL);
	fixture_free(f);
}

struct runs {
	struct ptk_run r[64];
	size_t n;
};

static enum ptk_status rec_run(const struct ptk_run *r,
			       const struct ptk_walk_entry *e, void *p)
{
	struct runs *rs = p;

	(void)e;
	assert_true(rs->n < 64);
	rs->r[rs->n++] = *r;
	return PTK_OK;
}

/*
 *  0x100000: 8 pages -> 0x5000000, rw     } one run (A/D differ)
 *  0x108000: 8 pages -> 0x5008000, rw a d }
 *  0x110000: 4 pages -> 0x6000000, rw       new run: not contiguous in pa
 *  0x114000: 4 pages -> 0x6004000, ro       new run: flags
 */
static void runs_merge_by_flags_and_contiguity(void **state)
{
	struct fixture *f = fixture_new(4);
	struct runs rs = { .n = 0 };
	const struct ptk_runs_ops ops = { .run = rec_run };

	(void)state;
	fixture_map(f, 0x100000, 0x5000000, 0x8000, 1, PTK_F_RW);
	fixture_map(f, 0x108000, 0x5008000, 0x8000, 1,
		    PTK_F_RW | PTK_F_A | PTK_F_D);
	fixture_map(f, 0x110000, 0x6000000, 0x4000, 1, PTK_F_RW);
	fixture_map(f, 0x114000, 0x6004000, 0x4000, 1, 0);
	assert_int_equal(ptk_runs_walk(f->src, &f->pg, 0, 0, PTK_RUNS_PHYS,
				       &ops, &rs), PTK_OK);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.r[0].va, 0x100000);
	assert_int_equal(rs.r[0].end, 0x110000);
	assert_int_equal(rs.r[0].count, 16);
	assert_int_equal(rs.r[1].pa, 0x6000000);
	assert_int_equal(rs.r[1].count, 4);
	assert_false(rs.r[2].eff & PTK_F_RW);
	fixture_free(f);
}

struct absents {
	unsigned n, holes;
	struct ptk_walk_entry e[4];
};

static enum ptk_status rec_absent(const struct ptk_walk_entry *e, void *p)
{
	struct absents *a = p;

	assert_true(a->n < 4);
	a->e[a->n++] = *e;
	return PTK_OK;
}

static enum ptk_status count_hole(uint64_t va, uint64_t end, unsigned level,
				  void *p)
{
	(void)va;
	(void)end;
	(void)level;
	((struct absents *)p)->holes++;
	return PTK_OK;
}

/*
 * A PTE the kernel took out of the direct map keeps its frame, inverted
 * (L1TF): @absent gets it with the frame read back; without @absent it
 * is part of the hole around it.
 */
static void absent_entries_keep_their_frame(void **state)
{
	struct fixture *f = fixture_new(4);
	struct absents a = { 0 };
	struct ptk_walk_ops ops = { .absent = rec_absent, .hole = count_hole };
	struct ptk_xlat x;
	uint64_t pte_pa, raw = ptk_entry_make(0x5003000,
					      UINT64_C(0x8000000000000162));

	(void)state;
	fixture_map(f, 0x100000, 0x5000000, 0x8000, 1, PTK_F_RW);
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x103000, &x), PTK_OK);
	pte_pa = x.path[x.nsteps - 1].table_pa + 8 * x.path[x.nsteps - 1].index;
	assert_int_equal(ptk_builder_set(f->b, pte_pa, raw), PTK_OK);
	assert_int_not_equal(raw & UINT64_C(0x000ffffffffff000), 0x5003000);

	assert_int_equal(ptk_walk(f->src, &f->pg, 0x100000, 0x108000, &ops, &a),
			 PTK_OK);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.e[0].va, 0x103000);
	assert_int_equal(a.e[0].level, 1);
	assert_int_equal(a.e[0].raw, raw);
	assert_int_equal(a.e[0].addr, 0x5003000);
	assert_int_equal(a.e[0].flags, PTK_F_RW | PTK_F_A | PTK_F_D | PTK_F_G |
					 PTK_F_NX);
	assert_int_equal(a.holes, 0);

	ops.absent = NULL;
	a = (struct absents){ 0 };
	assert_int_equal(ptk_walk(f->src, &f->pg, 0x100000, 0x108000, &ops, &a),
			 PTK_OK);
	assert_int_equal(a.holes, 1);
	fixture_free(f);
}

/* The listing of @f, as ptk_ptdump() prints it, in a malloc()ed string. */
static char *ptdump_of(struct fixture *f, const struct ptk_ptdump_opts *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(ptk_ptdump(f->src, &f->pg, o, out), PTK_OK);
	assert_int_equal(fclose(out), 0);
	return text;
}

/*
 * note_page()'s rules: a marker is printed after the line during which it
 * was reached (here inside a 2M page, so at the page's end); a marker's
 * limit counts the lines after it; an accessed bit alone breaks a line.
 */
static void ptdump_breaks_as_note_page(void **state)
{
	static const struct ptk_ptdump_marker m[] = {
		{ .va = 0, .name = "User Space" },
		{ .va = 0x100000, .name = "A" },
		{ .va = 0x300000, .name = "B", .max_lines = 1 },
		{ .va = 0x500000, .name = "C" },
	};
	const struct ptk_ptdump_opts o = {
		.markers = m, .nmarkers = 4, .start = 0, .end = 0x800000,
	};
	const struct ptk_ptdump_opts all = {
		.markers = m, .nmarkers = 4, .start = 0, .end = 0x800000,
		.no_truncate = true,
	};
	struct fixture *f = fixture_new(4);
	char *text;

	(void)state;
	fixture_map(f, 0, 0x5000000, 2 * MiB, 2, PTK_F_RW);
	fixture_map(f, 0x200000, 0x5200000, 0x1000, 1, PTK_F_RW);
	fixture_map(f, 0x201000, 0x5201000, 0x1000, 1, PTK_F_RW | PTK_F_A);
	fixture_map(f, 0x400000, 0x5400000, 0x2000, 1, 0);
	text = ptdump_of(f, &o);
	assert_string_equal(text,
		"---[ User Space ]---\n"
		"0x0000000000000000-0x0000000000200000           2M     RW         PSE         x  pmd\n"
		"---[ A ]---\n"
		"0x0000000000200000-0x0000000000201000           4K     RW                     x  pte\n"
		"0x0000000000201000-0x0000000000202000           4K     RW                     x  pte\n"
		"0x0000000000202000-0x0000000000300000        1016K                               pte\n"
		"---[ B ]---\n"
		"0x0000000000300000-0x0000000000400000           1M                               pte\n"
		"... 2 entries skipped ... \n"
		"---[ C ]---\n"
		"0x0000000000500000-0x0000000000600000           1M                               pte\n"
		"0x0000000000600000-0x0000000000800000           2M                               pmd\n");
	free(text);
	text = ptdump_of(f, &all);
	assert_non_null(strstr(text,
		"0x0000000000400000-0x0000000000402000           8K     ro                     x  pte\n"
		"0x0000000000402000-0x0000000000500000        1016K                               pte\n"
		"---[ C ]---\n"));
	assert_null(strstr(text, "skipped"));
	free(text);
	fixture_free(f);
}

static void batch_equals_one_by_one(void **state)
{
	struct fixture *f = three_sizes();
	uint64_t va[600];
	struct ptk_xlat_brief out[600];
	uint64_t seed = 7;

	(void)state;
	/* A reserved-bit leaf, so that the batch has a bad address too. */
	fixture_map(f, 0x80000000, 0x9400000, 2 * MiB, 2, PTK_F_RW);
	{
		struct ptk_xlat x;

		assert_int_equal(ptk_translate(f->src, &f->pg, 0x80000000, &x),
				 PTK_OK);
		assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa +
						 x.path[2].index * 8,
						 x.path[2].raw | 1 << 14), PTK_OK);
	}
	for (size_t i = 0; i < 600; i++) {
		static const uint64_t bases[] = {
			0x200000, 0x40000000, 0xffff888000000000, 0x80000000,
			0x8000000000000000, 0x0,
		};

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		va[i] = bases[i % 6] + ((seed >> 33) % (4 * MiB));
	}
	assert_int_equal(ptk_translate_batch(f->src, &f->pg, va, 600, out),
			 PTK_OK);
	for (size_t i = 0; i < 600; i++) {
		struct ptk_xlat x;
		enum ptk_status st = ptk_translate(f->src, &f->pg, va[i], &x);

		if (st != PTK_OK) {
			assert_int_equal(out[i].result, PTK_XLAT_BAD);
			continue;
		}
		assert_int_equal(out[i].result, x.result);
		if (x.result == PTK_XLAT_MAPPED) {
			assert_int_equal(out[i].pa, x.pa);
			assert_int_equal(out[i].level, x.level);
			assert_int_equal(out[i].eff, x.eff);
		} else if (x.result == PTK_XLAT_NOT_PRESENT) {
			assert_int_equal(out[i].level, x.level);
		}
	}
	fixture_free(f);
}

/* A source that can only copy, over another: the way of dumps read with
 * pread() or decompressed, where tables live in per-walk buffers. */
static enum ptk_status copy_read(struct ptk_source *src, uint64_t pa,
				 void *buf, size_t len)
{
	return ptk_source_read(ptk_source_priv(src), pa, buf, len);
}

static void assert_same_xlat(const struct ptk_xlat *many,
			     const struct ptk_xlat *one)
{
	assert_int_equal(many->va, one->va);
	assert_int_equal(many->result, one->result);
	assert_int_equal(many->pa, one->pa);
	assert_int_equal(many->level, one->level);
	assert_int_equal(many->eff, one->eff);
	assert_int_equal(many->pkey, one->pkey);
	assert_int_equal(many->nsteps, one->nsteps);
	for (unsigned i = 0; i < one->nsteps; i++) {
		assert_int_equal(many->path[i].level, one->path[i].level);
		assert_int_equal(many->path[i].index, one->path[i].index);
		assert_int_equal(many->path[i].table_pa, one->path[i].table_pa);
		assert_int_equal(many->path[i].raw, one->path[i].raw);
	}
}

/* ptk_translate_many() over @src, for every prefix length worth trying
 * (none, fewer walks than it interleaves, more), against ptk_translate(). */
static void check_many(struct ptk_source *src, const struct ptk_paging *pg,
		       const uint64_t *va, size_t n)
{
	static const size_t lengths[] = { 0, 1, 5, 16, 17, 33 };
	struct ptk_xlat *out = calloc(n, sizeof(*out));
	size_t bad = 0;

	assert_non_null(out);
	for (size_t k = 0; k <= sizeof(lengths) / sizeof(lengths[0]); k++) {
		size_t len = k < sizeof(lengths) / sizeof(lengths[0])
				     ? lengths[k] : n;

		memset(out, 0xa5, n * sizeof(*out));
		assert_int_equal(ptk_translate_many(src, pg, va, len, out),
				 PTK_OK);
		for (size_t i = 0; i < len; i++) {
			struct ptk_xlat x;

			if (ptk_translate(src, pg, va[i], &x) != PTK_OK) {
				assert_int_equal(out[i].result, PTK_XLAT_BAD);
				assert_int_equal(out[i].va, va[i]);
				bad += len == n;
				continue;
			}
			assert_same_xlat(&out[i], &x);
		}
	}
	assert_true(bad > 0);	/* the bad addresses were met */
	free(out);
}

static void many_equals_one_by_one(void **state)
{
	static const struct ptk_source_ops copy_ops = { .format = "copy",
							.read = copy_read };
	struct fixture *f = three_sizes();
	struct ptk_source *copy;
	uint64_t va[700];
	uint64_t seed = 11;
	struct ptk_xlat x;

	(void)state;
	/* Every way a walk can end: mapped at each size, not present at
	 * each level, not canonical, reserved bits, a loop, a table
	 * outside RAM. */
	fixture_map(f, 0x80000000, 0x9400000, 2 * MiB, 2, PTK_F_RW);
	assert_int_equal(ptk_translate(f->src, &f->pg, 0x80000000, &x), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, x.path[2].table_pa +
					 x.path[2].index * 8,
					 x.path[2].raw | 1 << 14), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, f->pg.root + 2 * 8,
					 f->pg.root | 0x67), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, f->pg.root + 3 * 8,
					 UINT64_C(0x7fff000000) | 0x67), PTK_OK);
	for (size_t i = 0; i < 700; i++) {
		static const uint64_t bases[] = {
			0x200000, 0x40000000, 0xffff888000000000, 0x80000000,
			0x8000000000000000, 0x0, 0x10000000000, 0x18000000000,
		};

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		va[i] = bases[i % 8] + ((seed >> 33) % (4 * MiB));
	}
	check_many(f->src, &f->pg, va, 700);
	assert_int_equal(ptk_source_new(f->ctx, "copy", &copy_ops, f->src,
					&copy), PTK_OK);
	check_many(copy, &f->pg, va, 700);
	ptk_source_free(copy);
	fixture_free(f);
}

static void many_in_five_levels(void **state)
{
	struct fixture *f = fixture_new(5);
	uint64_t va[64];
	struct ptk_xlat out[64];

	(void)state;
	fixture_map(f, UINT64_C(0xff11000000000000), 0x9000000, 0x4000, 1,
		    PTK_F_RW | PTK_F_NX);
	for (size_t i = 0; i < 64; i++)	/* mapped, not, and a 48-bit gap */
		va[i] = i % 3 == 0 ? UINT64_C(0xff11000000000000) + i * 0x1000
			: i % 3 == 1 ? UINT64_C(0x0000800000000000) + i
				     : UINT64_C(0x0100000000000000) + i;
	assert_int_equal(ptk_translate_many(f->src, &f->pg, va, 64, out),
			 PTK_OK);
	for (size_t i = 0; i < 64; i++) {
		struct ptk_xlat x;

		assert_int_equal(ptk_translate(f->src, &f->pg, va[i], &x),
				 PTK_OK);
		assert_same_xlat(&out[i], &x);
	}
	assert_int_equal(out[0].result, PTK_XLAT_MAPPED);
	assert_int_equal(out[0].nsteps, 5);
	assert_int_equal(out[1].result, PTK_XLAT_NOT_PRESENT);
	assert_int_equal(out[2].result, PTK_XLAT_NONCANONICAL);
	fixture_free(f);
}

static void builder_refuses_overlaps_and_misalignment(void **state)
{
	struct fixture *f = three_sizes();

	(void)state;
	assert_int_equal(ptk_builder_map(f->b, 0x201000, 0, 0x1000, 1, 0, 0),
			 PTK_ERR_INVALID);
	assert_int_equal(ptk_builder_map(f->b, 0x40001000, 0, 0x1000, 1, 0, 0),
			 PTK_ERR_INVALID);
	assert_int_equal(ptk_builder_map(f->b, 0x80001000, 0, 2 * MiB, 2, 0, 0),
			 PTK_ERR_INVALID);
	assert_int_equal(ptk_builder_map(f->b, UINT64_C(0x00007ffffffff000), 0,
					 0x2000, 1, 0, 0), PTK_ERR_INVALID);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_once_in_order),
		cmocka_unit_test(pte_runs_break_where_frames_do),
		cmocka_unit_test(pte_tables_read_together),
		cmocka_unit_test(pte_batches_span_windows),
		cmocka_unit_test(non_canonical_gap_is_one_level_0_hole),
		cmocka_unit_test(holes_merge_within_a_table),
		cmocka_unit_test(holes_merge_across_tables),
		cmocka_unit_test(check_in_ranges_as_in_one_walk),
		cmocka_unit_test(range_inside_a_large_page),
		cmocka_unit_test(five_levels),
		cmocka_unit_test(table_loop_is_reported_not_followed),
		cmocka_unit_test(loop_to_an_ancestor_deeper_down),
		cmocka_unit_test(absent_table_is_nodata),
		cmocka_unit_test(reserved_bits_make_a_bad_entry),
		cmocka_unit_test(not_present_garbage_is_a_hole),
		cmocka_unit_test(skip_and_stop),
		cmocka_unit_test(translate_paths),
		cmocka_unit_test(runs_merge_by_flags_and_contiguity),
		cmocka_unit_test(absent_entries_keep_their_frame),
		cmocka_unit_test(ptdump_breaks_as_note_page),
		cmocka_unit_test(builder_refuses_overlaps_and_misalignment),
		cmocka_unit_test(batch_equals_one_by_one),
		cmocka_unit_test(many_equals_one_by_one),
		cmocka_unit_test(many_in_five_levels),
	};

	return RUN(tests);
}
