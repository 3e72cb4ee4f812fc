// SPDX-License-Identifier: MIT
/*
 * Random table contents: the input is the levels byte, then entries for
 * up to eight table pages at 4K, 8K, ...; the root is the first.  Every
 * reader of tables runs on them.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_builder *b;
	struct ptk_paging pg;
	unsigned levels = size && (data[0] & 1) ? 5 : 4;

	if (!ctx || ptk_builder_new(ctx, levels, &b) != PTK_OK)
		goto out;
	ptk_source_add_ram(ptk_builder_source(b), 0, 1 << 20);
	ptk_builder_set_root(b, 0x1000);
	for (size_t i = 1; i + 8 <= size && i / 8 < 8 * 512; i += 8) {
		uint64_t e;

		memcpy(&e, data + i, 8);
		ptk_builder_set(b, 0x1000 + ((i - 1) / 8) * 8, e);
	}
	ptk_paging_init(&pg, 0x1000, levels);
	if (size > 1)
		pg.phys_bits = 32 + data[1] % 21;
	fuzz_read_tables(ptk_builder_source(b), &pg);
	ptk_builder_free(b);
out:
	ptk_ctx_free(ctx);
	return 0;
}
