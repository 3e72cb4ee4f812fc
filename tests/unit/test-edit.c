// SPDX-License-Identifier: MIT
/* The edit overlay and the change_page_attr() simulation: exact entries
 * before and after each operation, the split rules, undo, the journal. */
#include "unit.h"

#define DM UINT64_C(0xffff888000000000)
#define HW_P 0x1ull
#define HW_RW 0x2ull
#define HW_G 0x100ull
#define HW_NX (1ull << 63)

/* 4 GiB of RAM mapped at DM with 1G pages (RW, NX, G, A, D), the table
 * pool at 64M-128M, and a 2M kernel page with PAT for the PAT tests. */
static struct fixture *direct_1g(void)
{
	struct fixture *f = fixture_new(4);

	assert_int_equal(ptk_source_add_ram(f->src, 0, 4 * GiB), PTK_OK);
	fixture_map(f, DM, 0, 4 * GiB, 3, PTK_F_RW | PTK_F_NX | PTK_F_G |
					     PTK_F_A | PTK_F_D);
	fixture_map(f, UINT64_C(0xffffffff81000000), 0x1000000, 2 * MiB, 2,
		    PTK_F_G | PTK_F_PAT | PTK_F_A);
	assert_int_equal(ptk_source_add_region(f->src, "Low Kernel Mapping", DM,
					       DM + 64 * (GiB << 10)), PTK_OK);
	return f;
}

static struct ptk_edit *edit_of(struct fixture *f)
{
	struct ptk_edit *ed;

	assert_int_equal(ptk_edit_new(f->src, &f->pg, &ed), PTK_OK);
	assert_int_equal(ptk_edit_add_pool(ed, 64 * MiB, 128 * MiB), PTK_OK);
	return ed;
}

static struct ptk_xlat xlat(struct ptk_edit *ed, uint64_t va)
{
	struct ptk_paging pg;
	struct ptk_xlat x;

	ptk_edit_paging(ed, &pg);
	assert_int_equal(ptk_translate(ptk_edit_source(ed), &pg, va, &x),
			 PTK_OK);
	return x;
}

static uint64_t leaf(struct ptk_edit *ed, uint64_t va)
{
	struct ptk_xlat x = xlat(ed, va);

	return x.path[x.nsteps - 1].raw;
}

static uint64_t sum_pages(struct fixture *f)
{
	const uint64_t *pfns;
	uint64_t sum = 0, page[512];
	size_t n;

	assert_int_equal(ptk_builder_pages(f->b, &pfns, &n), PTK_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ptk_source_read(f->src, pfns[i] << 12, page,
						 4096), PTK_OK);
		for (unsigned j = 0; j < 512; j++)
			sum = sum * 31 + page[j];
	}
	return sum;
}

static void split_1g_then_2m_carries_attributes(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	uint64_t before = leaf(ed, DM + GiB);
	struct ptk_xlat x;

	(void)state;
	assert_int_equal(before, (GiB | 0x1e3) | HW_NX);
	assert_int_equal(ptk_edit_split(ed, DM + GiB + 0x5000), PTK_OK);
	x = xlat(ed, DM + GiB + 3 * 2 * MiB);
	assert_int_equal(x.level, 2);
	/* 2M entries: the 1G entry's bits, frame advanced by 2M each. */
	assert_int_equal(x.path[x.nsteps - 1].raw,
			 (GiB + 6 * MiB) | 0x1e3 | HW_NX);
	/* The parent now points to the new table: _KERNPG_TABLE. */
	assert_int_equal(x.path[1].raw & 0xfff, 0x63);
	assert_int_equal(x.path[1].raw & ~0xfffull, 128 * MiB - 4096);

	assert_int_equal(ptk_edit_split(ed, DM + GiB + 0x5000), PTK_OK);
	x = xlat(ed, DM + GiB + 0x5000);
	assert_int_equal(x.level, 1);
	/* 4K entries: PS gone, bit 7 clear since PAT was clear. */
	assert_int_equal(x.path[x.nsteps - 1].raw,
			 (GiB + 0x5000) | 0x163 | HW_NX);
	assert_int_equal(ptk_edit_journal_len(ed), 2);
	assert_int_equal(ptk_edit_journal_writes(ed, 0), 513);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void split_moves_pat_to_bit_7(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	uint64_t va = UINT64_C(0xffffffff81000000);

	(void)state;
	/* 2M leaf: PS (bit 7) and PAT (bit 12). */
	assert_int_equal(leaf(ed, va), 0x1000000 | 0x1000 | 0x1a1);
	assert_int_equal(ptk_edit_split(ed, va), PTK_OK);
	assert_int_equal(leaf(ed, va + 0x3000), 0x1003000 | 0x80 | 0x121);
	/* ... and collapse puts it back exactly. */
	assert_int_equal(ptk_edit_collapse(ed, va, 2), PTK_OK);
	assert_int_equal(leaf(ed, va), 0x1000000 | 0x1000 | 0x1a1);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void collapse_needs_uniform_contiguous_entries(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);

	(void)state;
	assert_int_equal(ptk_edit_split(ed, DM), PTK_OK);
	assert_int_equal(ptk_edit_split(ed, DM), PTK_OK);
	assert_int_equal(ptk_edit_protect(ed, DM + 0x1000, 0x1000, 0,
					  PTK_F_RW, -1), PTK_OK);
	assert_int_equal(ptk_edit_collapse(ed, DM, 2), PTK_ERR_INVALID);
	assert_int_equal(ptk_edit_journal_len(ed), 3);	/* no trace */
	assert_int_equal(ptk_edit_protect(ed, DM + 0x1000, 0x1000, PTK_F_RW,
					  0, -1), PTK_OK);
	assert_int_equal(ptk_edit_collapse(ed, DM, 2), PTK_OK);
	assert_int_equal(leaf(ed, DM), 0x1e3 | HW_NX);
	assert_int_equal(ptk_edit_collapse(ed, DM, 3), PTK_OK);
	assert_int_equal(leaf(ed, DM), 0x1e3 | HW_NX);
	assert_int_equal(xlat(ed, DM).level, 3);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void protect_keeps_what_it_can(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);

	(void)state;
	/* Same protection (NX on NX): the 1G page stays, nothing written. */
	assert_int_equal(ptk_edit_protect(ed, DM + 0x1000, 0x1000, PTK_F_NX, 0,
					  -1), PTK_OK);
	assert_int_equal(ptk_edit_journal_writes(ed, 0), 0);
	assert_int_equal(xlat(ed, DM + 0x1000).level, 3);
	/* A whole 1G page: kept, its bits changed. */
	assert_int_equal(ptk_edit_protect(ed, DM + GiB, GiB, 0, PTK_F_RW, -1),
			 PTK_OK);
	assert_int_equal(ptk_edit_journal_writes(ed, 1), 1);
	assert_int_equal(leaf(ed, DM + GiB), GiB | 0x1e1 | HW_NX);
	/* Part of one: split to 2M, then to 4K, only the page changes. */
	assert_int_equal(ptk_edit_protect(ed, DM + 2 * GiB + 0x3000, 0x1000,
					  0, PTK_F_RW, 5), PTK_OK);
	assert_int_equal(leaf(ed, DM + 2 * GiB + 0x3000),
			 (2 * GiB + 0x3000) | 0x161 | HW_NX | 5ull << 59);
	assert_int_equal(leaf(ed, DM + 2 * GiB + 0x4000),
			 (2 * GiB + 0x4000) | 0x163 | HW_NX);
	assert_int_equal(xlat(ed, DM + 2 * GiB + 2 * MiB).level, 2);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void map_unmap_and_undo(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	uint64_t base_sum = sum_pages(f);
	struct ptk_xlat x;

	(void)state;
	assert_int_equal(ptk_edit_map(ed, 0x400000, 0x3000000, 0x2000, 1,
				      PTK_F_US | PTK_F_RW, 0), PTK_OK);
	x = xlat(ed, 0x401000);
	assert_int_equal(x.result, PTK_XLAT_MAPPED);
	assert_int_equal(x.pa, 0x3001000);
	/* New tables come from the top of the pool. */
	assert_int_equal(x.path[0].raw & ~0xfffull, 128 * MiB - 4096);
	assert_int_equal(ptk_edit_map(ed, 0x401000, 0, 0x1000, 1, 0, 0),
			 PTK_ERR_INVALID);
	/* Unmapping part of a 1G page splits it twice. */
	assert_int_equal(ptk_edit_unmap(ed, DM + 0x200000, 0x1000), PTK_OK);
	x = xlat(ed, DM + 0x200000);
	assert_int_equal(x.result, PTK_XLAT_NOT_PRESENT);
	assert_int_equal(x.level, 1);
	assert_int_equal(xlat(ed, DM + 0x201000).pa, 0x201000);
	assert_string_equal(ptk_edit_journal_at(ed, 1),
			    "unmap 0xffff888000200000 0x1000");

	/* Undo, last first: the view is the base again, page for page. */
	assert_int_equal(ptk_edit_undo(ed), PTK_OK);
	assert_int_equal(xlat(ed, DM + 0x200000).level, 3);
	assert_int_equal(ptk_edit_undo(ed), PTK_OK);
	assert_int_equal(xlat(ed, 0x401000).result, PTK_XLAT_NOT_PRESENT);
	assert_int_equal(ptk_edit_undo(ed), PTK_ERR_INVALID);
	/* Given-back pages are reused first. */
	assert_int_equal(ptk_edit_map(ed, 0x400000, 0x3000000, 0x1000, 1, 0, 0),
			 PTK_OK);
	assert_int_equal(xlat(ed, 0x400000).path[0].raw & ~0xfffull,
			 128 * MiB - 4096);
	/* The base was never written. */
	assert_int_equal(sum_pages(f), base_sum);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void cpa_invalid_splits_twice_and_clears_p_rw_g(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	struct ptk_cpa_result r = { 0 };

	(void)state;
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_INVALID, 0x40005, 1, &r),
			 PTK_OK);
	assert_int_equal(r.splits[3], 1);
	assert_int_equal(r.splits[2], 1);
	assert_int_equal(r.table_pages, 2);
	/* P, RW and G cleared (pgprot_clear_protnone_bits), the frame kept
	 * but stored inverted against L1TF, as the kernel's pfn_pte() does
	 * (the step dumps hold 0x800ffffffcd47060 for pfn 0x32b8). */
	assert_int_equal(leaf(ed, DM + 0x40005000),
			 (~0x40005000ull & 0x000ffffffffff000ull) | 0x060 |
			 HW_NX);
	assert_int_equal(leaf(ed, DM + 0x40006000), 0x40006163ull | HW_NX);
	/* Two global flushes after the splits, the caller's for the page. */
	assert_int_equal(r.nflushes, 3);
	assert_int_equal(r.global_flushes, 2);
	assert_int_equal(r.flushes[2].start, DM + 0x40005000);
	assert_int_equal(r.flushes[2].end, DM + 0x40006000);
	assert_int_equal(r.flush_pages, 1);

	/* default puts P and RW back, not G: the kernel's behaviour. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_DEFAULT, 0x40005, 1, &r),
			 PTK_OK);
	assert_int_equal(leaf(ed, DM + 0x40005000), 0x40005063ull | HW_NX);
	assert_int_equal(r.splits[3] + r.splits[2], 2);	/* never collapses */
	assert_int_equal(r.nflushes, 3);		/* no flush needed */
	assert_string_equal(ptk_edit_journal_at(ed, 0), "invalid:0x40005+1");
	ptk_cpa_result_release(&r);
	ptk_edit_free(ed);
	fixture_free(f);
}

/* A large page made not present keeps its frame through a split and back. */
static void cpa_nonpresent_large_page_keeps_its_frame(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	struct ptk_cpa_result r = { 0 };
	const uint64_t inv = 0x000ffffffffff000ull;

	(void)state;
	/* All of one 2M page: kept whole, PS and G gone, frame inverted. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_NOVALID, 0x600, 512, &r),
			 PTK_OK);
	assert_int_equal(r.splits[2], 0);
	assert_int_equal(leaf(ed, DM + 6 * MiB),
			 (~(6 * MiB) & inv) | 0x060 | HW_NX);
	/* One page of it back: the non-present 2M page splits, its 511 other
	 * PTEs not present with their own frames, this one mapped again. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_DEFAULT, 0x605, 1, &r),
			 PTK_OK);
	assert_int_equal(r.splits[2], 1);
	assert_int_equal(leaf(ed, DM + 6 * MiB + 0x5000),
			 (6 * MiB + 0x5000) | 0x063 | HW_NX);
	assert_int_equal(leaf(ed, DM + 6 * MiB + 0x6000),
			 (~(6 * MiB + 0x6000) & inv) | 0x060 | HW_NX);
	/* valid on the rest: every page at its own frame again. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_VALID, 0x600, 512, &r),
			 PTK_OK);
	for (uint64_t pfn = 0x600; pfn < 0x800; pfn += 0x7f)
		assert_int_equal(xlat(ed, DM + (pfn << 12)).pa, pfn << 12);
	ptk_cpa_result_release(&r);
	ptk_edit_free(ed);
	fixture_free(f);
}

static void cpa_set_memory_rules(void **state)
{
	struct fixture *f = direct_1g();
	struct ptk_edit *ed = edit_of(f);
	struct ptk_cpa_result r = { 0 };

	(void)state;
	/* nx on NX pages: nothing changes, nothing is flushed. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_NX, 0x100, 16, &r), PTK_OK);
	assert_int_equal(r.splits[3] + r.splits[2] + r.nflushes, 0);
	/* ro on one whole 2M page inside a 1G page: 1G splits, 2M stays. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_RO, 0x200, 512, &r), PTK_OK);
	assert_int_equal(r.splits[3], 1);
	assert_int_equal(r.splits[2], 0);
	assert_int_equal(leaf(ed, DM + 2 * MiB), (2 * MiB) | 0x1e1 | HW_NX);
	/* cpa_flush: 512 pages is over the ceiling of 33: a global flush. */
	assert_int_equal(r.global_flushes, 2);
	/* 4k splits down to 4K even when nothing else changes. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_4K, 0x400, 1, &r), PTK_OK);
	assert_int_equal(r.splits[2], 1);
	assert_int_equal(xlat(ed, DM + 0x400000).level, 1);
	/* A pfn outside the direct map is refused, leaving no trace. */
	assert_int_equal(ptk_cpa(ed, DM, PTK_CPA_INVALID, 0x100000, 1, &r),
			 PTK_ERR_INVALID);
	assert_int_equal(ptk_edit_journal_len(ed), 3);
	ptk_cpa_result_release(&r);
	ptk_edit_free(ed);
	fixture_free(f);
}

/* DirectMap moves as split_page_count() moves the kernel's counters: a
 * split of a size whose counter is zero changes nothing. */
static void directmap_counters_never_go_below_zero(void **state)
{
	uint64_t kb[4] = { 0, 8, 2 * 2048, 1 << 20 };

	(void)state;
	ptk_dm_split_kb(kb, 0, 1);		/* one 2M page split */
	assert_int_equal(kb[1], 8 + 2048);
	assert_int_equal(kb[2], 2048);
	ptk_dm_split_kb(kb, 0, 3);		/* three, but one counted */
	assert_int_equal(kb[1], 8 + 2 * 2048);
	assert_int_equal(kb[2], 0);
	ptk_dm_split_kb(kb, 2, 1);		/* 1G first, then its 2M */
	assert_int_equal(kb[3], 0);
	assert_int_equal(kb[2], (1 << 20) - 2048);
	assert_int_equal(kb[1], 8 + 3 * 2048);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_1g_then_2m_carries_attributes),
		cmocka_unit_test(split_moves_pat_to_bit_7),
		cmocka_unit_test(collapse_needs_uniform_contiguous_entries),
		cmocka_unit_test(protect_keeps_what_it_can),
		cmocka_unit_test(map_unmap_and_undo),
		cmocka_unit_test(cpa_invalid_splits_twice_and_clears_p_rw_g),
		cmocka_unit_test(cpa_nonpresent_large_page_keeps_its_frame),
		cmocka_unit_test(cpa_set_memory_rules),
		cmocka_unit_test(directmap_counters_never_go_below_zero),
	};

	return RUN(tests);
}
