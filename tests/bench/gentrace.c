// SPDX-License-Identifier: MIT
/*
 * gentrace N PAGES [ftrace]: a synthetic allocator trace of N events over
 * PAGES pages of RAM: allocations of orders 0-3 and their frees, pcp refills
 * and drains, as ptkit-trace(5) or as ftrace text.  Deterministic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	uint64_t n = argc > 2 ? strtoull(argv[1], NULL, 0) : 0;
	uint64_t pages = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	int ftrace = argc > 3 && !strcmp(argv[3], "ftrace");
	uint64_t seed = 42, *live, nlive = 0, cap = 1 << 16;
	static char buf[1 << 20];

	if (!n || pages < 4096)
		return 2;
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	live = malloc(cap * sizeof(*live));
	if (!ftrace)
		printf("# ptkit-trace 1\n");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pfn, order;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		order = (seed >> 60) < 12 ? 0 : (seed >> 60) - 11;
		if (nlive && ((seed >> 40) & 1 || nlive == cap)) {
			uint64_t k = (seed >> 8) % nlive, e = live[k];

			live[k] = live[--nlive];
			pfn = e >> 4;
			order = e & 15;
			if (ftrace)
				printf("  task-1 [000] ..... %" PRIu64 ".%06" PRIu64
				       ": mm_page_free: page=0000000000000000 pfn=0x%"
				       PRIx64 " order=%" PRIu64 "\n", i / 1000000,
				       i % 1000000, pfn, order);
			else
				printf("free 0x%" PRIx64 " %" PRIu64 "\n", pfn, order);
			continue;
		}
		pfn = ((seed >> 16) % pages) & ~((UINT64_C(1) << order) - 1);
		live[nlive++] = pfn << 4 | order;
		if (ftrace)
			printf("  task-1 [000] ..... %" PRIu64 ".%06" PRIu64
			       ": mm_page_alloc: page=0000000000000000 pfn=0x%"
			       PRIx64 " order=%" PRIu64 " migratetype=%d gfp_flags="
			       "GFP_KERNEL|__GFP_ZERO\n", i / 1000000, i % 1000000,
			       pfn, order, (int)(seed & 1));
		else
			printf("alloc 0x%" PRIx64 " %" PRIu64 " %d "
			       "GFP_KERNEL|__GFP_ZERO\n", pfn, order,
			       (int)(seed & 1));
	}
	free(live);
	return fflush(stdout) != 0;
}
