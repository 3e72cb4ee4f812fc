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


/* Bits every present entry may not set: address bits above MAXPHYADDR. */
static uint64_t above_maxphyaddr(const struct ptk_paging *pg)
{
	unsigned bits = pg->phys_bits ? pg->phys_bits : PTK_MAX_PHYS_BITS;

	if (bits >= PTK_MAX_PHYS_BITS)
		return 0;
	return ADDR_MASK_52 & ~((1ull << bits) - 1);
}

/*
 * PTK_F_P ... PTK_F_A sit where the hardware keeps P ... A (bits 0-5), and
 * PTK_F_D, PTK_F_PS, PTK_F_G where it keeps D, PS, G (6-8): those are a
 * mask, not a translation.  Only PAT and NX move.
 */
_Static_assert((unsigned)PTK_F_P == HW_P && (unsigned)PTK_F_RW == HW_RW &&
	       (unsigned)PTK_F_US == HW_US && (unsigned)PTK_F_PWT == HW_PWT &&
	       (unsigned)PTK_F_PCD == HW_PCD && (unsigned)PTK_F_A == HW_A &&
	       (unsigned)PTK_F_D == HW_D && (unsigned)PTK_F_PS == HW_PS &&
	       (unsigned)PTK_F_G == HW_G, "PTK_F_* bits 0-8 are the hardware's");

void ptk_entry_decode(const struct ptk_paging *pg, unsigned level,
		      uint64_t raw, struct ptk_entry *out)
{
	const unsigned table_bits = PTK_F_P | PTK_F_RW | PTK_F_US | PTK_F_PWT |
				    PTK_F_PCD | PTK_F_A;
	unsigned f = (unsigned)raw & table_bits;

	out->raw = raw;
	out->level = level;
	out->pkey = 0;
	if (!(raw & HW_P)) {
		out->kind = PTK_KIND_NONE;
		out->addr = 0;
		out->flags = 0;
		out->reserved = 0;
		return;
	}
	if (raw & HW_NX)
		f |= PTK_F_NX;
	out->reserved = raw & above_maxphyaddr(pg);
	if (level != PTK_LEVEL_PTE &&
	    (!(raw & HW_PS) || level > PTK_LEVEL_PUD)) {
		/* A table; PS is reserved in PML4 and PML5 entries. */
		out->reserved |= raw & HW_PS;
		out->kind = PTK_KIND_TABLE;
		out->addr = raw & ADDR_MASK_52;
		out->flags = f;
		return;
	}
	out->kind = PTK_KIND_LEAF;
	f |= (unsigned)raw & (PTK_F_D | PTK_F_G);
	out->pkey = (unsigned)(raw >> PKEY_SHIFT) & 0xf;
	if (level == PTK_LEVEL_PTE) {
		if (raw & HW_PAT_4K)
			f |= PTK_F_PAT;
		out->addr = raw & ADDR_MASK_52;
	} else {
		uint64_t size_mask = ptk_level_size(level) - 1;

		f |= PTK_F_PS;
		if (raw & HW_PAT_LARGE)
			f |= PTK_F_PAT;
		/* Frame bits below the page size, above PAT, are reserved. */
		out->reserved |= raw & size_mask & ADDR_MASK_52 & ~HW_PAT_LARGE;
		out->addr = raw & ADDR_MASK_52 & ~size_mask;
	}
	out->flags = f;
}
