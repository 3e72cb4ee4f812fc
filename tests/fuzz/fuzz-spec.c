// SPDX-License-Identifier: MIT
/* The mkimage spec language, then the tables it built. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_builder *b;
	struct ptk_paging pg;

	if (ctx && ptk_spec_build(ctx, (const char *)data, size, "fuzz",
				  &b) == PTK_OK) {
		if (ptk_builder_paging(b, &pg) == PTK_OK)
			fuzz_read_tables(ptk_builder_source(b), &pg);
		ptk_builder_free(b);
	}
	ptk_ctx_free(ctx);
	return 0;
}
