// SPDX-License-Identifier: MIT
/*
 * Presets: specs that look like a real x86-64 Linux kernel's tables, for
 * a chosen RAM size.  Addresses are the kernel's defaults without KASLR,
 * from Documentation/arch/x86/x86_64/mm.rst; region names are the markers
 * of arch/x86/mm/dump_pagetables.c, so ptdump output reads like the
 * kernel's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/spec.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

struct layout {
	unsigned levels;
	uint64_t page_offset, direct_end;
	uint64_t vmalloc, vmalloc_end;
	uint64_t vmemmap, vmemmap_end;
};

static const struct layout layout4 = {
	4, UINT64_C(0xffff888000000000), UINT64_C(0xffffc88000000000),
	UINT64_C(0xffffc90000000000), UINT64_C(0xffffe90000000000),
	UINT64_C(0xffffea0000000000), UINT64_C(0xffffeb0000000000),
};

static const struct layout layout5 = {
	5, UINT64_C(0xff11000000000000), UINT64_C(0xff91000000000000),
	UINT64_C(0xffa0000000000000), UINT64_C(0xffd2000000000000),
	UINT64_C(0xffd4000000000000), UINT64_C(0xffd6000000000000),
};

/* Fixed kernel addresses, the same with 4 and 5 levels. */
#define CPU_ENTRY_AREA UINT64_C(0xfffffe0000000000)
#define START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define KERNEL_TEXT UINT64_C(0xffffffff81000000)
#define MODULES_VADDR UINT64_C(0xffffffffc0000000)
#define MODULES_END UINT64_C(0xffffffffff000000)
#define FIXADDR_START UINT64_C(0xffffffffff578000)
#define KERNEL_PHYS UINT64_C(0x1000000)	/* CONFIG_PHYSICAL_START */

static void direct_map(FILE *f, const struct layout *l, uint64_t ram)
{
	const char *fl = "rw nx g a d";
	uint64_t po = l->page_offset;
	uint64_t gb_end = ram & ~(GiB - 1);

	fprintf(f, "\n# The direct map: 4K below 2M, 2M up to the first 1G\n"
		   "# boundary, 1G pages, then 2M pages for the rest.\n");
	fprintf(f, "map %#" PRIx64 " 0x1000 0x9e000 4k %s\n", po + 0x1000, fl);
	fprintf(f, "map %#" PRIx64 " 0x100000 0x100000 4k %s\n", po + MiB, fl);
	if (ram <= GiB || !gb_end) {
		fprintf(f, "map %#" PRIx64 " 0x200000 %#" PRIx64 " 2m %s\n",
			po + 2 * MiB, ram - 2 * MiB, fl);
		return;
	}
	fprintf(f, "map %#" PRIx64 " 0x200000 %#" PRIx64 " 2m %s\n",
		po + 2 * MiB, GiB - 2 * MiB, fl);
	if (gb_end > GiB)
		fprintf(f, "map %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " 1g %s\n",
			po + GiB, GiB, gb_end - GiB, fl);
	if (ram > gb_end)
		fprintf(f, "map %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " 2m %s\n",
			po + gb_end, gb_end, ram - gb_end, fl);
}

static void linux_like(FILE *f, const struct layout *l, uint64_t ram)
{
	/* struct page is 64 bytes per 4 KiB: the vmemmap, 2M aligned. */
	uint64_t vmemmap_size = ((ram / 4096 * 64) + 2 * MiB - 1) & ~(2 * MiB - 1);
	uint64_t vmemmap_pa = (ram - vmemmap_size) & ~(2 * MiB - 1);

	fprintf(f, "# A Linux-like %u-level layout, %" PRIu64 " MiB of RAM.\n",
		l->levels, ram / MiB);
	fprintf(f, "levels %u\nram 0x1000-0x9f000\nram 0x100000-%#" PRIx64 "\n",
		l->levels, ram);
	fprintf(f, "tables 0x8000000-%#" PRIx64 "\n", vmemmap_pa);

	fprintf(f, "\nregion \"User Space\" 0-%#" PRIx64 "\n",
		UINT64_C(1) << (l->levels == 5 ? 56 : 47));
	fprintf(f, "region \"Low Kernel Mapping\" %#" PRIx64 "-%#" PRIx64 "\n",
		l->page_offset, l->direct_end);
	fprintf(f, "region \"vmalloc() Area\" %#" PRIx64 "-%#" PRIx64 "\n",
		l->vmalloc, l->vmalloc_end);
	fprintf(f, "region \"Vmemmap\" %#" PRIx64 "-%#" PRIx64 "\n",
		l->vmemmap, l->vmemmap_end);
	fprintf(f, "region \"CPU entry Area\" %#" PRIx64 "-%#" PRIx64 "\n", CPU_ENTRY_AREA,
		CPU_ENTRY_AREA + (UINT64_C(1) << 39));
	fprintf(f, "region \"High Kernel Mapping\" %#" PRIx64 "-%#" PRIx64 "\n",
		START_KERNEL_MAP, MODULES_VADDR);
	fprintf(f, "region \"Modules\" %#" PRIx64 "-%#" PRIx64 "\n", MODULES_VADDR,
		MODULES_END);
	fprintf(f, "region \"Fixmap Area\" %#" PRIx64 "-0\n", FIXADDR_START);

	fprintf(f, "\n# A small process.\n");
	fprintf(f, "map 0x400000 0x5000000 0x4000 4k us a\n");
	fprintf(f, "map 0x600000 0x5004000 0x2000 4k us rw nx a d\n");
	fprintf(f, "map 0x7ffffffdb000 0x5010000 0x4000 4k us rw nx a d\n");

	direct_map(f, l, ram);

	fprintf(f, "\n# vmalloc: two stacks with a guard page between.\n");
	fprintf(f, "map %#" PRIx64 " 0x5100000 0x4000 4k rw nx g a d\n",
		l->vmalloc);
	fprintf(f, "map %#" PRIx64 " 0x5104000 0x4000 4k rw nx g a d\n",
		l->vmalloc + 0x5000);

	fprintf(f, "\n# struct pages for all of RAM.\n");
	fprintf(f, "map %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " 2m rw nx g a d\n",
		l->vmemmap, vmemmap_pa, vmemmap_size);

	fprintf(f, "\n# cpu_entry_area: IDT, GDT, entry stack.\n");
	fprintf(f, "map %#" PRIx64 " 0x5200000 0x1000 4k nx g a\n", CPU_ENTRY_AREA);
	fprintf(f, "map %#" PRIx64 " 0x5201000 0x1000 4k nx g a\n",
		CPU_ENTRY_AREA + 0x1000);
	fprintf(f, "map %#" PRIx64 " 0x5202000 0x1000 4k rw nx g a d\n",
		CPU_ENTRY_AREA + 0x2000);

	fprintf(f, "\n# The kernel image at 16M: text, rodata, data, bss.\n");
	fprintf(f, "map %#" PRIx64 " %#" PRIx64 " 12M 2m g a\n", KERNEL_TEXT, KERNEL_PHYS);
	fprintf(f, "map %#" PRIx64 " %#" PRIx64 " 6M 2m nx g a\n", KERNEL_TEXT + 12 * MiB,
		KERNEL_PHYS + 12 * MiB);
	fprintf(f, "map %#" PRIx64 " %#" PRIx64 " 4M 2m rw nx g a d\n", KERNEL_TEXT + 18 * MiB,
		KERNEL_PHYS + 18 * MiB);
	fprintf(f, "map %#" PRIx64 " %#" PRIx64 " 2M 4k rw nx g a d\n", KERNEL_TEXT + 22 * MiB,
		KERNEL_PHYS + 22 * MiB);

	fprintf(f, "\n# One module: text, then data after a guard page.\n");
	fprintf(f, "map %#" PRIx64 " 0x5300000 0x4000 4k g a\n", MODULES_VADDR);
	fprintf(f, "map %#" PRIx64 " 0x5304000 0x2000 4k rw nx g a d\n",
		MODULES_VADDR + 0x5000);

	fprintf(f, "\n# Fixmap: the local APIC, uncached.\n");
	fprintf(f, "map 0xffffffffff5fc000 0xfee00000 0x1000 4k rw nx g pcd pwt a d\n");
}

static void direct_4k(FILE *f, uint64_t ram)
{
	fprintf(f, "# %" PRIu64 " GiB of RAM, all in the direct map with 4 KiB "
		   "pages.\nlevels 4\nram 0-%#" PRIx64 "\n", ram / GiB, ram);
	fprintf(f, "region \"Low Kernel Mapping\" %#" PRIx64 "-%#" PRIx64 "\n",
		layout4.page_offset, layout4.direct_end);
	fprintf(f, "map %#" PRIx64 " 0 %#" PRIx64 " 4k rw nx g a d\n",
		layout4.page_offset, ram);
}

const struct ptk_preset_info ptk_presets[] = {
	{ "linux", "a 4-level Linux kernel and a small process", 4 * GiB },
	{ "linux-la57", "the same with 5-level paging (LA57)", 4 * GiB },
	{ "direct-4k", "a direct map of all RAM in 4 KiB pages (benchmarks)",
	  64 * GiB },
	{ NULL, NULL, 0 },
};

enum ptk_status ptk_preset_spec(struct ptk_ctx *ctx, const char *name,
				uint64_t ram, char **ret)
{
	const struct ptk_preset_info *p;
	size_t len;
	char *text;
	FILE *f;

	for (p = ptk_presets; p->name && strcmp(p->name, name); p++)
		;
	if (!p->name)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "no preset named '%s' (see --list-presets)",
				   name);
	if (!ram)
		ram = p->default_ram;
	if (ram & (2 * MiB - 1) || ram < 256 * MiB || ram > (UINT64_C(1) << 46))
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "RAM size %#" PRIx64 ": the presets need a "
				   "multiple of 2 MiB from 256 MiB to 64 TiB",
				   ram);
	f = open_memstream(&text, &len);
	if (!f)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "preset");
	if (!strcmp(name, "linux"))
		linux_like(f, &layout4, ram);
	else if (!strcmp(name, "linux-la57"))
		linux_like(f, &layout5, ram);
	else
		direct_4k(f, ram);
	if (fclose(f)) {
		free(text);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "preset");
	}
	*ret = text;
	return PTK_OK;
}
