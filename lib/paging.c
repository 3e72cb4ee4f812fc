// SPDX-License-Identifier: MIT
/* Paging geometry and entry decoding (Intel SDM vol. 3A, 4.5). */
#include <string.h>

#include "ptkit/paging.h"

/* Hardware bit positions. */
enum {
	HW_P = 1ull << 0, HW_RW = 1ull << 1, HW_US = 1ull << 2,
	HW_PWT = 1ull << 3, HW_PCD = 1ull << 4, HW_A = 1ull << 5,
	HW_D = 1ull << 6, HW_PS = 1ull << 7, HW_G = 1ull << 8,
	HW_PAT_4K = 1ull << 7, HW_PAT_LARGE = 1ull << 12,
};
#define HW_NX (1ull << 63)
#define PKEY_SHIFT 59
/* Bits 12..51: the largest address field; narrowed by phys_bits. */
#define ADDR_MASK_52 0x000ffffffffff000ull

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

void ptk_paging_init(struct ptk_paging *pg, uint64_t root, unsigned levels)
{
	pg->root = root & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	pg->levels = levels;
	pg->phys_bits = PTK_MAX_PHYS_BITS;
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

bool ptk_va_canonical(const struct ptk_paging *pg, uint64_t va)
{
	return va < ptk_noncanon_start(pg) || va >= ptk_noncanon_end(pg);
}

/* Bits every present entry may not set: address bits above MAXPHYADDR. */
static uint64_t above_maxphyaddr(const struct ptk_paging *pg)
{
	unsigned bits = pg->phys_bits ? pg->phys_bits : PTK_MAX_PHYS_BITS;

	if (bits >= PTK_MAX_PHYS_BITS)
		return 0;
	return ADDR_MASK_52 & ~((1ull << bits) - 1);
}

void ptk_entry_decode(const struct ptk_paging *pg, unsigned level,
		      uint64_t raw, struct ptk_entry *out)
{
	unsigned f = 0;
	bool leaf;

	out->raw = raw;
	out->level = level;
	out->pkey = 0;
	out->reserved = 0;
	if (!(raw & HW_P)) {
		out->kind = PTK_KIND_NONE;
		out->addr = 0;
		out->flags = 0;
		return;
	}
	f = PTK_F_P;
	if (raw & HW_RW)
		f |= PTK_F_RW;
	if (raw & HW_US)
		f |= PTK_F_US;
	if (raw & HW_PWT)
		f |= PTK_F_PWT;
	if (raw & HW_PCD)
		f |= PTK_F_PCD;
	if (raw & HW_A)
		f |= PTK_F_A;
	if (raw & HW_NX)
		f |= PTK_F_NX;

	out->reserved = raw & above_maxphyaddr(pg);
	leaf = level == PTK_LEVEL_PTE ||
	       ((raw & HW_PS) && level <= PTK_LEVEL_PUD);
	if (!leaf) {
		/* PS is reserved in PML4 and PML5 entries. */
		if (raw & HW_PS)
			out->reserved |= HW_PS;
		out->kind = PTK_KIND_TABLE;
		out->addr = raw & ADDR_MASK_52;
		out->flags = f;
		return;
	}

	out->kind = PTK_KIND_LEAF;
	if (raw & HW_D)
		f |= PTK_F_D;
	if (raw & HW_G)
		f |= PTK_F_G;
	out->pkey = (unsigned)(raw >> PKEY_SHIFT) & 0xf;
	if (level == PTK_LEVEL_PTE) {
		if (raw & HW_PAT_4K)
			f |= PTK_F_PAT;
		out->addr = raw & ADDR_MASK_52;
	} else {
		/* Frame bits below the page size, above PAT, are reserved. */
		uint64_t low = (ptk_level_size(level) - 1) & ADDR_MASK_52 &
			       ~HW_PAT_LARGE;

		f |= PTK_F_PS;
		if (raw & HW_PAT_LARGE)
			f |= PTK_F_PAT;
		out->reserved |= raw & low;
		out->addr = raw & ADDR_MASK_52 & ~(ptk_level_size(level) - 1);
	}
	out->flags = f;
}
