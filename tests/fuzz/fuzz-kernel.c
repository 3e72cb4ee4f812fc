// SPDX-License-Identifier: MIT
/*
 * A kernel image of fuzzed bytes: its kallsyms tables at fixed places
 * (the keys VMCOREINFO would name), then whatever BTF, task list, module
 * list and counters the symbols it yields point at.
 *
 *   0x0000  kallsyms_num_syms    0x0008  kallsyms_relative_base
 *   0x0010  kallsyms_token_index (512 bytes)
 *   0x0400  kallsyms_offsets     0x2000  kallsyms_names
 *   0x8000  kallsyms_token_table
 *
 * 64 KiB at KERNEL_VA (PA 4 MiB) and the direct map of the first 16 MiB.
 */
#include <stdio.h>

#include "fuzz.h"

#define KERNEL_VA   UINT64_C(0xffffffff81000000)
#define PAGE_OFFSET UINT64_C(0xffff888000000000)
#define IMAGE_PA    (4u << 20)
#define IMAGE_SIZE  (64u << 10)

static const struct {
	const char *key;
	unsigned off;
} keys[] = {
	{ "SYMBOL(kallsyms_num_syms)", 0x0 },
	{ "SYMBOL(kallsyms_relative_base)", 0x8 },
	{ "SYMBOL(kallsyms_token_index)", 0x10 },
	{ "SYMBOL(kallsyms_offsets)", 0x400 },
	{ "SYMBOL(kallsyms_names)", 0x2000 },
	{ "SYMBOL(kallsyms_token_table)", 0x8000 },
};

static void kernel_from(struct ptk_source *src, const struct ptk_paging *pg)
{
	struct ptk_symbols *syms, *msyms;
	struct ptk_types *types;
	struct ptk_tasks tasks;
	struct ptk_modules mods;
	struct ptk_vmstat *vs;
	struct ptk_counter c;
	struct ptk_hstate pools[PTK_MAX_HSTATES];
	size_t npools;

	if (ptk_symbols_from_kallsyms(src, pg, &syms) != PTK_OK)
		return;
	ptk_symbols_lookup(syms, KERNEL_VA + 0x100, NULL);
	if (ptk_types_from_btf(src, pg, syms, &types) == PTK_OK) {
		if (ptk_tasks_read(src, pg, syms, types, PTK_TASKS_THREADS,
				   &tasks) == PTK_OK)
			ptk_tasks_release(&tasks);
		if (ptk_modules_read(src, pg, syms, types, &mods) == PTK_OK) {
			if (ptk_modules_symbols(src, pg, types, &mods,
						&msyms) == PTK_OK)
				ptk_symbols_free(msyms);
			ptk_modules_release(&mods);
		}
		if (ptk_hugetlb_pools(src, pg, syms, types, pools, &npools) ==
		    PTK_OK && npools > PTK_MAX_HSTATES)
			abort();
		if (ptk_vmstat_open(src, pg, syms, types, &vs) == PTK_OK) {
			ptk_vmstat_global(vs, "NR_FREE_PAGES", &c);
			ptk_vmstat_zone(vs, 0, 1, "NR_FREE_PAGES", &c);
			ptk_vmstat_free(vs);
		}
		ptk_types_free(types);
	}
	ptk_symbols_free(syms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_builder *b = NULL;
	struct ptk_source *src;
	struct ptk_paging pg;
	char hex[32];

	if (!ctx || ptk_builder_new(ctx, 4, &b) != PTK_OK ||
	    ptk_builder_add_pool(b, 1u << 20, 4u << 20) != PTK_OK)
		goto out;
	src = ptk_builder_source(b);
	if (ptk_source_add_ram(src, 0, 16u << 20) != PTK_OK ||
	    ptk_builder_map(b, PAGE_OFFSET, 0, 16u << 20, 2,
			    PTK_F_RW | PTK_F_NX, 0) != PTK_OK ||
	    ptk_builder_map(b, KERNEL_VA, IMAGE_PA, IMAGE_SIZE, 1, PTK_F_RW,
			    0) != PTK_OK || ptk_builder_paging(b, &pg) != PTK_OK)
		goto out;
	for (size_t off = 0; off < IMAGE_SIZE; off += 8) {
		uint64_t v = 0;

		for (size_t i = 0; i < 8 && off + i < size; i++)
			v |= (uint64_t)data[off + i] << (8 * i);
		if (ptk_builder_set(b, IMAGE_PA + off, v) != PTK_OK)
			goto out;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(hex, sizeof(hex), "%llx",
			 (unsigned long long)(KERNEL_VA + keys[i].off));
		if (ptk_source_set_meta(src, keys[i].key, hex) != PTK_OK)
			goto out;
	}
	kernel_from(src, &pg);
out:
	ptk_builder_free(b);
	ptk_ctx_free(ctx);
	return 0;
}
