// SPDX-License-Identifier: MIT
/*
 * xlat-ptkit IMAGE N START SIZE [--list|--batch]: translate N
 * pseudo-random page addresses of [START, START + SIZE) with
 * ptk_translate(), or all at once with ptk_translate_batch(); prints the
 * time per translation and a checksum of the physical addresses.  With
 * --list, prints the addresses instead, one per line.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptkit/ptkit.h"

int main(int argc, char **argv)
{
	struct ptk_ctx *ctx = ptk_ctx_new();
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	struct timespec a, b;
	uint64_t n, start, size, seed = 1, sum = 0;

	bool list = argc == 6 && !strcmp(argv[5], "--list");
	bool batch = argc == 6 && !strcmp(argv[5], "--batch");

	if ((argc != 5 && !list && !batch) || ptk_source_open(ctx, argv[1], &src) ||
	    ptk_paging_discover(src, &pg, &why)) {
		fprintf(stderr, "usage: xlat-ptkit IMAGE N START SIZE (%s)\n",
			ptk_ctx_err(ctx));
		return 2;
	}
	n = strtoull(argv[2], NULL, 0);
	start = strtoull(argv[3], NULL, 0);
	size = strtoull(argv[4], NULL, 0);
	if (batch) {
		uint64_t *va = malloc(n * sizeof(*va));
		struct ptk_xlat_brief *out = malloc(n * sizeof(*out));

		for (uint64_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			va[i] = start + ((seed >> 20) % size & ~0xfffull);
		}
		clock_gettime(CLOCK_MONOTONIC, &a);
		ptk_translate_batch(src, &pg, va, n, out);
		clock_gettime(CLOCK_MONOTONIC, &b);
		for (uint64_t i = 0; i < n; i++)
			if (out[i].result == PTK_XLAT_MAPPED)
				sum += out[i].pa;
		printf("%.1f ns/translation, checksum %" PRIx64 "\n",
		       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n,
		       sum);
		free(va);
		free(out);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint64_t i = 0; i < n; i++) {
		struct ptk_xlat x;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (list) {
			printf("0x%" PRIx64 "\n",
			       (uint64_t)(start + ((seed >> 20) % size & ~0xfffull)));
			continue;
		}
		if (ptk_translate(src, &pg, start + ((seed >> 20) % size & ~0xfffull),
				  &x) == PTK_OK && x.result == PTK_XLAT_MAPPED)
			sum += x.pa;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!list)
		printf("%.1f ns/translation, checksum %" PRIx64 "\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, sum);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return 0;
}
