// SPDX-License-Identifier: MIT
/*
 * xlat-ptkit IMAGE N START SIZE [--list|--batch|--many]: translate N
 * pseudo-random page addresses of [START, START + SIZE) with
 * ptk_translate(), or all at once with ptk_translate_batch(), or in
 * chunks with ptk_translate_many(); prints the time per translation and
 * a checksum of the physical addresses.  With --list, prints the
 * addresses instead, one per line.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptkit/ptkit.h"

/* The same sequence as xlat-addrxlat's. */
static uint64_t *random_pages(uint64_t n, uint64_t start, uint64_t size)
{
	uint64_t *va = malloc(n * sizeof(*va));
	uint64_t seed = 1;

	if (!va)
		exit(2);
	for (uint64_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		va[i] = start + ((seed >> 20) % size & ~0xfffull);
	}
	return va;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static uint64_t one_by_one(struct ptk_source *src, struct ptk_paging *pg,
			   const uint64_t *va, uint64_t n)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct ptk_xlat x;

		if (ptk_translate(src, pg, va[i], &x) == PTK_OK &&
		    x.result == PTK_XLAT_MAPPED)
			sum += x.pa;
	}
	return sum;
}

static uint64_t batch(struct ptk_source *src, struct ptk_paging *pg,
		      const uint64_t *va, uint64_t n)
{
	struct ptk_xlat_brief *out = malloc(n * sizeof(*out));
	uint64_t sum = 0;

	ptk_translate_batch(src, pg, va, n, out);
	for (uint64_t i = 0; i < n; i++)
		if (out[i].result == PTK_XLAT_MAPPED)
			sum += out[i].pa;
	free(out);
	return sum;
}

/* In chunks, as `ptkit translate -` does: a whole path each. */
static uint64_t many(struct ptk_source *src, struct ptk_paging *pg,
		     const uint64_t *va, uint64_t n)
{
	enum { CHUNK = 512 };
	struct ptk_xlat *out = malloc(CHUNK * sizeof(*out));
	uint64_t sum = 0;

	for (uint64_t i = 0; i < n; i += CHUNK) {
		size_t k = n - i < CHUNK ? n - i : CHUNK;

		ptk_translate_many(src, pg, va + i, k, out);
		for (size_t j = 0; j < k; j++)
			if (out[j].result == PTK_XLAT_MAPPED)
				sum += out[j].pa;
	}
	free(out);
	return sum;
}

int main(int argc, char **argv)
{
	struct ptk_ctx *ctx = ptk_ctx_new();
	const char *mode = argc == 6 ? argv[5] : "";
	uint64_t (*run)(struct ptk_source *, struct ptk_paging *,
			const uint64_t *, uint64_t) = one_by_one;
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	uint64_t n, *va, sum;
	double t;

	if (!strcmp(mode, "--batch"))
		run = batch;
	else if (!strcmp(mode, "--many"))
		run = many;
	else if (*mode && strcmp(mode, "--list"))
		argc = 0;
	if ((argc != 5 && argc != 6) || ptk_source_open(ctx, argv[1], &src) ||
	    ptk_paging_discover(src, &pg, &why)) {
		fprintf(stderr, "usage: xlat-ptkit IMAGE N START SIZE "
			"[--list|--batch|--many] (%s)\n", ptk_ctx_err(ctx));
		return 2;
	}
	n = strtoull(argv[2], NULL, 0);
	va = random_pages(n, strtoull(argv[3], NULL, 0),
			  strtoull(argv[4], NULL, 0));
	if (!strcmp(mode, "--list")) {
		for (uint64_t i = 0; i < n; i++)
			printf("0x%" PRIx64 "\n", va[i]);
	} else {
		t = now();
		sum = run(src, &pg, va, n);
		t = now() - t;
		printf("%.1f ns/translation, checksum %" PRIx64 "\n", t / n, sum);
	}
	free(va);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return 0;
}
