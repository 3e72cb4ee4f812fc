/* SPDX-License-Identifier: MIT */
/*
 * Entry decoding, inline: the walker and the translators decode an entry
 * per step, and the call was a tenth of a translation.  ptk_entry_decode()
 * is this, exported.
 */
#ifndef PTKIT_ENTRY_PRIV_H
#define PTKIT_ENTRY_PRIV_H

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

/* Bits every present entry may not set: address bits above MAXPHYADDR. */
static inline uint64_t above_maxphyaddr(const struct ptk_paging *pg)
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

static inline void entry_decode(const struct ptk_paging *pg, unsigned level,
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

#endif
