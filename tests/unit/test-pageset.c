// SPDX-License-Identifier: MIT
/* The walks' set of (table page, tag) pairs. */
#include "unit.h"
#include "pageset-priv.h"

/* Each pair counts once, whatever the order and however many tags a page
 * has: against a plain list of what was added. */
static void pairs_count_once(void **state)
{
	struct pageset s = PAGESET_INIT;
	uint64_t seed = 42, added = 0;
	static uint64_t pa[4096];
	static uint32_t tag[4096];

	(void)state;
	for (unsigned i = 0; i < 4096; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* 64 MiB of pages around a few places, tags 1-4 and huge */
		pa[i] = ((seed >> 20) % 1024) << 12 | ((seed >> 60) % 4) << 36;
		tag[i] = (seed >> 40) % 9 == 0 ? 70000 + i % 2 : 1 + (seed >> 50) % 4;
	}
	for (unsigned i = 0; i < 4096; i++) {
		int want = 1;

		for (unsigned j = 0; j < i; j++)
			if (pa[j] == pa[i] && tag[j] == tag[i])
				want = 0;
		assert_int_equal(pageset_add(&s, pa[i] | (i % 4096 & 0xfff), tag[i]),
				 want);
		added += (uint64_t)want;
	}
	assert_true(added > 1000);
	assert_true(s.nmore > 0);	/* pages with two tags were seen */
	pageset_free(&s);
	assert_null(s.frames);
}

/* A page seen at the top of physical memory and at zero. */
static void edges_of_the_address_space(void **state)
{
	struct pageset s = PAGESET_INIT;

	(void)state;
	assert_int_equal(pageset_add(&s, 0, 1), 1);
	assert_int_equal(pageset_add(&s, 0xffffffffff000, 1), 1);
	assert_int_equal(pageset_add(&s, 0xffffffffff000, 1), 0);
	assert_int_equal(pageset_add(&s, 0xffffffffff000, 2), 1);
	assert_int_equal(pageset_add(&s, 0, 2), 1);
	assert_int_equal(pageset_add(&s, 0, 1), 0);
	assert_int_equal(pageset_add(&s, 0xfff, 1), 0);	/* same page */
	pageset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pairs_count_once),
		cmocka_unit_test(edges_of_the_address_space),
	};

	return run_tap(tests, sizeof(tests) / sizeof(tests[0]));
}
