// SPDX-License-Identifier: MIT
/* Building symbol tables: order, sizes and names, in and out of order,
 * past what was reserved; the big arrays they live in. */
#include <stdio.h>

#include "unit.h"
#include "bigmem-priv.h"
#include "symbols-priv.h"

static void add(struct ptk_symbols *s, uint64_t addr, char type,
		const char *name)
{
	assert_int_equal(symbols_add(s, addr, type, name, strlen(name), NULL),
			 0);
}

/* Equal addresses keep the order they were added in, whether the table
 * came in address order (no sort) or not (sorted). */
static void order_and_sizes(void **state)
{
	for (int shuffled = 0; shuffled < 2; shuffled++) {
		struct ptk_symbols *s = symbols_new();
		const struct ptk_symbol *sym;
		uint64_t off;

		(void)state;
		assert_non_null(s);
		if (shuffled)
			add(s, 0xffffffff81000300, 'T', "third");
		add(s, 0xffffffff81000000, 'T', "_stext");
		add(s, 0xffffffff81000100, 't', "alias_first");
		add(s, 0xffffffff81000100, 'T', "alias_second");
		if (!shuffled)
			add(s, 0xffffffff81000300, 'T', "third");
		add(s, 0xffffffff81001000, 'B', "_end");
		assert_int_equal(symbols_finish(s), 0);

		assert_string_equal(ptk_symbols_at(s, 1)->name, "alias_first");
		assert_string_equal(ptk_symbols_at(s, 2)->name, "alias_second");
		/* the first of several at an address, as the kernel says */
		sym = ptk_symbols_lookup(s, 0xffffffff81000180, &off);
		assert_non_null(sym);
		assert_string_equal(sym->name, "alias_first");
		assert_int_equal(off, 0x80);
		/* up to the next address; the last up to _end */
		assert_int_equal(sym->size, 0x200);
		sym = ptk_symbols_find(s, "third");
		assert_non_null(sym);
		assert_int_equal(sym->size, 0xd00);
		/* a global name is preferred; by name, not by order */
		assert_int_equal(ptk_symbols_find(s, "alias_second")->addr,
				 0xffffffff81000100);
		ptk_symbols_free(s);
	}
}

/* A reservation is a hint: more symbols and longer names still fit, and
 * the names survive the arrays' moves. */
static void past_the_reservation(void **state)
{
	struct ptk_symbols *s = symbols_new();
	char name[64];

	(void)state;
	assert_int_equal(symbols_reserve(s, 10, 40), 0);
	for (unsigned i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "symbol_with_a_long_name_%u", i);
		add(s, 0xffffffffa0000000 + 16 * (uint64_t)(20000 - i), 't', name);
	}
	assert_int_equal(symbols_finish(s), 0);
	assert_int_equal(ptk_symbols_count(s), 20000);
	assert_string_equal(ptk_symbols_at(s, 0)->name,
			    "symbol_with_a_long_name_19999");
	assert_int_equal(ptk_symbols_find(s, "symbol_with_a_long_name_7")->addr,
			 0xffffffffa0000000 + 16 * 19993);
	ptk_symbols_free(s);
}

/* Zeroed when given, kept and zero-extended when grown, across the size
 * where huge pages begin. */
static void bigmem_keeps_and_zeroes(void **state)
{
	size_t sizes[] = { 1, 4096, 100000, 300000, (2u << 20) + 1, 5u << 20 };
	unsigned char *p = NULL;
	size_t have = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *q = bigmem_realloc(p, have, sizes[i]);

		assert_non_null(q);
		for (size_t b = 0; b < have; b++)
			assert_int_equal(q[b], (unsigned char)(b * 7));
		for (size_t b = have; b < sizes[i]; b++) {
			assert_int_equal(q[b], 0);
			q[b] = (unsigned char)(b * 7);
		}
		p = q;
		have = sizes[i];
	}
	bigmem_free(p, have);
	bigmem_free(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_and_sizes),
		cmocka_unit_test(past_the_reservation),
		cmocka_unit_test(bigmem_keeps_and_zeroes),
	};

	return run_tap(tests, sizeof(tests) / sizeof(tests[0]));
}
