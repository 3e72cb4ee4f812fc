// SPDX-License-Identifier: MIT
/*
 * The census's DirectMap, counted from the entries its walk meets, is
 * ptk_dm_count()'s, counted table by table: present and absent entries,
 * large pages made not present, entries with reserved bits, tables the
 * range only partly covers.
 */
#include "unit.h"

#define DM UINT64_C(0xffff888000000000)

/* The entry that maps @va, to overwrite it. */
static uint64_t entry_pa(struct fixture *f, uint64_t va)
{
	struct ptk_xlat x;

	assert_int_equal(ptk_translate(f->src, &f->pg, va, &x), PTK_OK);
	return x.path[x.nsteps - 1].table_pa +
	       8 * x.path[x.nsteps - 1].index;
}

static struct fixture *odd_direct_map(void)
{
	struct fixture *f = fixture_new(4);

	/* 2 MiB of 4K pages, then 2 MiB of every other one */
	fixture_map(f, DM, 0, 2 * MiB, 1, PTK_F_RW);
	for (uint64_t o = 0; o < 2 * MiB; o += 8 * KiB)
		fixture_map(f, DM + 2 * MiB + o, 2 * MiB + o, 4 * KiB, 1,
			    PTK_F_RW);
	/* 2M pages to 1 GiB, a 1G page after */
	fixture_map(f, DM + 4 * MiB, 4 * MiB, 1 * GiB - 4 * MiB, 2, PTK_F_RW);
	fixture_map(f, DM + 1 * GiB, 1 * GiB, 1 * GiB, 3, PTK_F_RW);
	/* CPA's leftovers: 4K pages not present but not zero, a 2M page
	 * not present, one whose PS lost with it, reserved bits in a PTE
	 * and in a 2M entry (MAXPHYADDR 40) */
	for (unsigned i = 0; i < 5; i++) {
		uint64_t pa = entry_pa(f, DM + 4 * KiB * (100 + i));

		assert_int_equal(ptk_builder_set(f->b, pa, (100 + i) << 12 | 0x62),
				 PTK_OK);
	}
	assert_int_equal(ptk_builder_set(f->b, entry_pa(f, DM + 10 * MiB),
					 10 * MiB | 0xe2), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, entry_pa(f, DM + 12 * MiB),
					 12 * MiB | 0x62), PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, entry_pa(f, DM + 7 * 4 * KiB),
					 UINT64_C(1) << 45 | 7 << 12 | 0x63),
			 PTK_OK);
	assert_int_equal(ptk_builder_set(f->b, entry_pa(f, DM + 14 * MiB),
					 UINT64_C(1) << 44 | 14 * MiB | 0xe3),
			 PTK_OK);
	f->pg.phys_bits = 40;
	return f;
}

static void census_counts_direct_map_as_dm_count(void **state)
{
	static const uint64_t ranges[][2] = {
		{ DM, DM + 2 * GiB },
		{ DM + 5 * 4 * KiB, DM + 3 * MiB + 12 * KiB },	/* in tables */
		{ DM + 9 * MiB, DM + 1 * GiB + 1 * MiB },	/* in pages */
		{ DM + 2 * MiB, DM + 4 * MiB },
		{ DM + 2 * GiB, DM + 4 * GiB },			/* nothing */
	};
	struct fixture *f = odd_direct_map();

	(void)state;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		struct ptk_region_census c;
		struct ptk_dm_count d;

		assert_int_equal(ptk_dm_count(f->src, &f->pg, ranges[r][0],
					      ranges[r][1], 0, 0, &d), PTK_OK);
		assert_int_equal(ptk_region_census(f->src, &f->pg,
						   ranges[r][0], ranges[r][1],
						   0, 0, &c), PTK_OK);
		for (unsigned l = PTK_LEVEL_PTE; l <= PTK_LEVEL_PUD; l++) {
			if (c.dm.pages[l] != d.pages[l] ||
			    c.dm.present[l] != d.present[l])
				fail_msg("range %zu, level %u: census %llu/%llu,"
					 " dm_count %llu/%llu", r, l,
					 (unsigned long long)c.dm.pages[l],
					 (unsigned long long)c.dm.present[l],
					 (unsigned long long)d.pages[l],
					 (unsigned long long)d.present[l]);
		}
		if (r == 0) {
			/* what is there, counted by hand */
			assert_int_equal(d.pages[PTK_LEVEL_PTE], 512 + 256);
			assert_int_equal(d.present[PTK_LEVEL_PTE], 507 + 256);
			assert_int_equal(d.pages[PTK_LEVEL_PMD], 510);
			assert_int_equal(d.present[PTK_LEVEL_PMD], 508);
			assert_int_equal(d.pages[PTK_LEVEL_PUD], 1);
			assert_int_equal(c.bad_entries, 2);
		}
		ptk_region_census_release(&c);
	}
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(census_counts_direct_map_as_dm_count),
	};

	return run_tap(tests, sizeof(tests) / sizeof(tests[0]));
}
