// SPDX-License-Identifier: MIT
/* Optional libraries loaded when first needed (lib/dl.c). */
#include <math.h>

#include "unit.h"
#include "dl-priv.h"

static void binds_the_calls_it_lists(void **state)
{
#define MATH_CALLS(X) X(cos) X(ldexp)
#define DL_TABLE m
	static struct { MATH_CALLS(DL_POINTER) } m;
	static const struct dl_symbol syms[] = { MATH_CALLS(DL_SYMBOL) };
#undef DL_TABLE
	static struct dl_library lib = DL_LIBRARY("libm.so.6", syms);

	(void)state;
	assert_true(dl_load(&lib));
	assert_true(m.cos(0.0) == 1.0);
	assert_true(m.ldexp(1.0, 10) == 1024.0);
	assert_true(dl_load(&lib));	/* once is enough, twice is fine */
}

static void a_missing_library_says_which(void **state)
{
	static void *nothing;
	static const struct dl_symbol syms[] = { { "cos", &nothing } };
	static struct dl_library lib = DL_LIBRARY("libptkit-absent.so.7", syms);

	(void)state;
	assert_false(dl_load(&lib));
	assert_non_null(strstr(lib.err, "libptkit-absent.so.7"));
	assert_false(dl_load(&lib));
	assert_null(nothing);
}

static void a_missing_symbol_says_which(void **state)
{
	static void *a, *b;
	static const struct dl_symbol syms[] = {
		{ "cos", &a }, { "ptk_no_such_call", &b },
	};
	static struct dl_library lib = DL_LIBRARY("libm.so.6", syms);

	(void)state;
	assert_false(dl_load(&lib));
	assert_string_equal(lib.err, "libm.so.6: no symbol ptk_no_such_call");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binds_the_calls_it_lists),
		cmocka_unit_test(a_missing_library_says_which),
		cmocka_unit_test(a_missing_symbol_says_which),
	};

	return run_tap(tests, sizeof(tests) / sizeof(tests[0]));
}
