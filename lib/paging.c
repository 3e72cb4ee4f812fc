// SPDX-License-Identifier: MIT
/* Paging geometry and entry decoding (Intel SDM vol. 3A, 4.5). */
#include <string.h>

#include "entry-priv.h"

const struct ptk_flag_name ptk_flag_names[] = {
	{ PTK_F_P, "P", NULL, "p" },
	{ PTK_F_RW, "RW", "ro", "rw" },
	{ PTK_F_US, "USR", NULL, "us" },
	{ PTK_F_PWT, "PWT", NULL, "pwt" },
	{ PTK_F_PCD, "PCD", NULL, "pcd" },
	{ PTK_F_A, "A", NULL, "a" },
	{ PTK_F_D, "D", NULL, "d" },
	{ PTK_F_PS, "PSE", NULL, "ps" },
	{ PTK_F_G, "GLB", NULL, "g" },
	{ PTK_F_PAT, "PAT", NULL, "pat" },
	{ PTK_F_NX, "NX", "x", "nx" },
	{ 0, NULL, NULL, NULL },
};

const struct ptk_paging *ptk_paging_for(const struct ptk_paging *pg,
					uint64_t va, struct ptk_paging *one)
{
	if (!pg->user_root || va >= ptk_noncanon_start(pg))
		return pg;
	*one = *pg;
	one->root = pg->user_root;
	one->user_root = 0;
	return one;
}

void ptk_paging_init(struct ptk_paging *pg, uint64_t root, unsigned levels)
{
	pg->root = root & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	pg->levels = levels;
	pg->phys_bits = PTK_MAX_PHYS_BITS;
	pg->user_root = 0;
}

const char *ptk_level_name(const struct ptk_paging *pg, unsigned level)
{
	static const char *const names[] = { "none", "pte", "pmd", "pud",
					     "p4d", "pgd" };

	if (level == pg->levels)
		return "pgd";
	if (level < sizeof(names) / sizeof(names[0]))
		return names[level];
	return "?";
}

unsigned ptk_level_parse(const struct ptk_paging *pg, const char *name)
{
	for (unsigned l = 1; l <= pg->levels; l++)
		if (!strcmp(name, ptk_level_name(pg, l)))
			return l;
	return 0;
}

unsigned ptk_va_bits(const struct ptk_paging *pg)
{
	return ptk_level_shift(pg->levels) + 9;
}

uint64_t ptk_noncanon_start(const struct ptk_paging *pg)
{
	return 1ull << (ptk_va_bits(pg) - 1);
}

uint64_t ptk_noncanon_end(const struct ptk_paging *pg)
{
	return ~0ull << (ptk_va_bits(pg) - 1);
}


void ptk_entry_decode(const struct ptk_paging *pg, unsigned level,
		      uint64_t raw, struct ptk_entry *out)
{
	entry_decode(pg, level, raw, out);
}

/* pmd_pfn_mask(): a large frame only while PS says the entry is large. */
static uint64_t frame_field(unsigned level, uint64_t raw)
{
	if (level > PTK_LEVEL_PTE && (raw & HW_PS))
		return ADDR_MASK_52 & ~(ptk_level_size(level) - 1);
	return ADDR_MASK_52;
}

uint64_t ptk_entry_frame(unsigned level, uint64_t raw)
{
	uint64_t field = frame_field(level, raw);

	/* protnone_mask(): L1TF inversion of non-present, non-zero entries */
	if (raw && !(raw & HW_P))
		raw ^= ADDR_MASK_52;
	return raw & field;
}

uint64_t ptk_entry_prot(unsigned level, uint64_t raw)
{
	return raw & ~frame_field(level, raw);
}

uint64_t ptk_entry_make(uint64_t frame, uint64_t prot)
{
	if (prot && !(prot & HW_P))
		frame ^= ADDR_MASK_52;
	return (frame & ADDR_MASK_52) | prot;
}
