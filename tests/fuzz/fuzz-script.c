// SPDX-License-Identifier: MIT
/* Edit scripts on a small Linux-like space, then the edited tables. */
#include <string.h>

#include "fuzz.h"

static const char base[] =
	"ram 0-64M\ntables 1M-2M\n"
	"region \"Low Kernel Mapping\" 0xffff888000000000-0xffffc88000000000\n"
	"map 0xffff888000000000 0 0x200000 4k rw nx g\n"
	"map 0xffff888000200000 0x200000 0x3e00000 2m rw nx g\n"
	"map 0x400000 0x3000000 0x4000 4k us\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_cpa_result cpa = { 0 };
	struct ptk_builder *b = NULL;
	struct ptk_edit *ed = NULL;
	struct ptk_paging pg;

	if (!ctx || ptk_spec_build(ctx, base, strlen(base), "base", &b) ||
	    ptk_builder_paging(b, &pg) ||
	    ptk_edit_new(ptk_builder_source(b), &pg, &ed) ||
	    ptk_edit_add_pool(ed, 32 << 20, 64 << 20))
		goto out;
	ptk_script_apply(ed, (const char *)data, size, "fuzz",
			 0xffff888000000000, &cpa);
	ptk_edit_paging(ed, &pg);
	fuzz_read_tables(ptk_edit_source(ed), &pg);
	while (ptk_edit_undo(ed) == PTK_OK)
		;
out:
	ptk_cpa_result_release(&cpa);
	ptk_edit_free(ed);
	ptk_builder_free(b);
	ptk_ctx_free(ctx);
	return 0;
}
