/* SPDX-License-Identifier: MIT */
/* Helpers for libptkit's unit tests (cmocka, TAP output). */
#ifndef PTKIT_TEST_UNIT_H
#define PTKIT_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ptkit/ptkit.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* A builder with a table pool at 1-64 MiB. */
struct fixture {
	struct ptk_ctx *ctx;
	struct ptk_builder *b;
	struct ptk_source *src;
	struct ptk_paging pg;
};

static inline struct fixture *fixture_new(unsigned levels)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = ptk_ctx_new();
	assert_non_null(f->ctx);
	assert_int_equal(ptk_builder_new(f->ctx, levels, &f->b), PTK_OK);
	assert_int_equal(ptk_builder_add_pool(f->b, 1 * MiB, 64 * MiB), PTK_OK);
	assert_int_equal(ptk_builder_paging(f->b, &f->pg), PTK_OK);
	f->src = ptk_builder_source(f->b);
	return f;
}

static inline void fixture_free(struct fixture *f)
{
	ptk_builder_free(f->b);
	ptk_ctx_free(f->ctx);
	free(f);
}

static inline void fixture_map(struct fixture *f, uint64_t va, uint64_t pa,
			       uint64_t size, unsigned level, unsigned flags)
{
	enum ptk_status st = ptk_builder_map(f->b, va, pa, size, level, flags, 0);

	if (st != PTK_OK)
		fail_msg("map %#llx: %s", (unsigned long long)va,
			 ptk_ctx_err(f->ctx));
}

static inline int run_tap(const struct CMUnitTest *tests, size_t n)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("unit", tests, n, NULL, NULL);
}
#define RUN(tests) run_tap(tests, sizeof(tests) / sizeof(tests[0]))

#endif
