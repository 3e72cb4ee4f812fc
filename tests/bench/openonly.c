// SPDX-License-Identifier: MIT
/* Open a source and find its paging, nothing more: the cost of opening
 * (segments, RAM ranges, notes), for the many-segment benchmark. */
#include <stdio.h>

#include "ptkit/ptkit.h"

int main(int argc, char **argv)
{
	struct ptk_ctx *ctx = ptk_ctx_new();
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	size_t nram;

	if (argc != 2 || !ctx)
		return 2;
	if (ptk_source_open(ctx, argv[1], &src) != PTK_OK ||
	    ptk_paging_discover(src, &pg, &why) != PTK_OK) {
		fprintf(stderr, "openonly: %s\n", ptk_ctx_err(ctx));
		return 3;
	}
	ptk_source_ram(src, &nram);
	printf("%zu RAM ranges, root %#llx\n", nram,
	       (unsigned long long)pg.root);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return 0;
}
