/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares.  Each target defines
 * LLVMFuzzerTestOneInput(); built with clang -fsanitize=fuzzer it is a
 * libFuzzer program (make fuzz), built with driver.c it replays files
 * (make check runs the seeds and every crash ever found).
 */
#ifndef PTKIT_FUZZ_H
#define PTKIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ptkit/ptkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits: a fuzz input must never take long or much memory. */
static inline struct ptk_ctx *fuzz_ctx(void)
{
	struct ptk_ctx *ctx = ptk_ctx_new();

	if (ctx) {
		ptk_ctx_set_walk_limit(ctx, 1u << 20);
		ptk_ctx_set_page_limit(ctx, 2048);
	}
	return ctx;
}

/* Exercise everything that reads tables, on whatever paging is given. */
static enum ptk_status fuzz_leaf(const struct ptk_walk_entry *e, void *p)
{
	(void)e;
	++*(uint64_t *)p;
	return PTK_OK;
}

static enum ptk_status fuzz_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *p)
{
	(void)e;
	(void)why;
	(void)p;
	return PTK_OK;
}

static enum ptk_status fuzz_run(const struct ptk_run *r,
				const struct ptk_walk_entry *e, void *p)
{
	(void)r;
	(void)e;
	(void)p;
	return PTK_OK;
}

static inline enum ptk_status fuzz_page(uint64_t pfn,
					const struct ptk_page_info *pi,
					void *priv)
{
	(void)pfn;
	(void)pi;
	(void)priv;
	return PTK_OK;
}

static inline void fuzz_read_tables(struct ptk_source *src,
				    const struct ptk_paging *pg)
{
	const struct ptk_walk_ops ops = { .leaf = fuzz_leaf, .bad = fuzz_bad };
	const struct ptk_runs_ops rops = { .run = fuzz_run, .bad = fuzz_bad };
	static const uint64_t vas[] = {
		0, 0x400000, 0x7ffffffff000, 0xffff888000000000,
		0xffffffff81000000, 0xff11000000000000, 0x8000000000000000,
	};
	struct ptk_census c;
	struct ptk_dm_count dm;
	struct ptk_layout layout;
	struct ptk_freelists fl;
	struct ptk_xlat x;
	uint64_t n = 0, buf[2];
	const struct ptk_ptdump_opts pd = { .bad = fuzz_bad,
					    .skip_guard_hole = true };
	FILE *sink = fopen("/dev/null", "w");

	ptk_walk(src, pg, 0, 0, &ops, &n);
	ptk_runs_walk(src, pg, 0, 0, PTK_RUNS_PHYS, &rops, NULL);
	if (sink) {
		ptk_ptdump(src, pg, &pd, sink);
		fclose(sink);
	}
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		struct ptk_ptdump_marker *m;
		size_t nm;

		ptk_translate(src, pg, vas[i], &x);
		ptk_read_virt(src, pg, vas[i] + 0xff8, buf, sizeof(buf));
		if (ptk_ptdump_read_markers(src, pg, vas[i], &m, &nm) == PTK_OK)
			free(m);
	}
	ptk_census_init(&c);
	ptk_census_add(&c, src, pg);
	ptk_census_release(&c);
	ptk_dm_count(src, pg, 0xffff888000000000, 0xffffc88000000000,
		     0xffffffff80000000, 0xffffffffc0000000, &dm);
	if (ptk_layout_discover(src, pg, &layout) == PTK_OK) {
		struct ptk_vmemmap *vm;

		if (ptk_freelists_read(src, pg, &layout, &fl) == PTK_OK)
			ptk_freelists_release(&fl);
		if (ptk_vmemmap_scan(src, pg, &layout, &vm) == PTK_OK)
			ptk_vmemmap_free(vm);
		ptk_pages_walk(src, pg, &layout, NULL, 0, 0, 4096,
			       fuzz_page, NULL, NULL);
	}
}

#endif
