/* SPDX-License-Identifier: MIT */
/**
 * DOC: x86-64 paging geometry and entry decoding
 *
 * Levels are numbered as the kernel's enum pg_level does: 1 is the PTE
 * level (4 KiB pages), 2 the PMD (2 MiB), 3 the PUD (1 GiB), 4 the P4D (the
 * PGD with 4-level paging) and 5 the PGD of 5-level paging.  The geometry
 * (4 or 5 levels, physical-address width) is data in struct ptk_paging, not
 * a compile-time choice.
 *
 * Flags are reported as PTK_F_* bits that do not depend on the level: the
 * PAT bit is PTK_F_PAT whether the hardware keeps it in bit 7 (4 KiB entry)
 * or bit 12 (2 MiB/1 GiB leaf).  References: Intel SDM vol. 3A, 4.5
 * "4-level paging and 5-level paging", tables 4-15 to 4-20.
 */
#ifndef PTKIT_PAGING_H
#define PTKIT_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	PTK_PAGE_SHIFT = 12,
	PTK_PAGE_SIZE = 1 << PTK_PAGE_SHIFT,
	PTK_ENTRIES = 512,		/* entries in one table page */
	PTK_MAX_LEVELS = 5,
	PTK_MAX_PHYS_BITS = 52,		/* architectural MAXPHYADDR limit */
};

/** enum ptk_level - paging levels, as the kernel's enum pg_level */
enum ptk_level {
	PTK_LEVEL_PTE = 1,
	PTK_LEVEL_PMD = 2,
	PTK_LEVEL_PUD = 3,
	PTK_LEVEL_P4D = 4,
	PTK_LEVEL_PGD5 = 5,
};

/**
 * struct ptk_paging - which tables to walk and how
 * @root:      physical address of the top table (CR3 without its low bits)
 * @levels:    4, or 5 with LA57
 * @phys_bits: MAXPHYADDR; address bits above it in an entry are reserved
 * @user_root: 0, or a second top table for the lower (user) half of the
 *             address space: under page-table isolation a process is seen
 *             as one address space only when its user half comes from
 *             the user copy (where the user entries lack the NX bit the
 *             kernel copy adds) and its kernel half from the kernel copy
 */
struct ptk_paging {
	uint64_t root;
	unsigned levels;
	unsigned phys_bits;
	uint64_t user_root;
};

/**
 * ptk_paging_for() - the paging with one root that translates @va: @pg
 * itself, or, for a user address where @pg has a @user_root, a copy in
 * @one that uses it
 */
const struct ptk_paging *ptk_paging_for(const struct ptk_paging *pg,
					uint64_t va, struct ptk_paging *one);

/** ptk_paging_init() - @levels-level paging at @root, 52 physical bits */
void ptk_paging_init(struct ptk_paging *pg, uint64_t root, unsigned levels);

/** ptk_level_shift() - log2 of the bytes one entry at @level maps */
static inline unsigned ptk_level_shift(unsigned level)
{
	return PTK_PAGE_SHIFT + 9 * (level - 1);
}

/** ptk_level_size() - bytes one entry at @level maps (levels 1-5) */
static inline uint64_t ptk_level_size(unsigned level)
{
	return (uint64_t)1 << ptk_level_shift(level);
}

/** ptk_va_index() - index of @va's entry in its table at @level */
static inline unsigned ptk_va_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> ptk_level_shift(level)) & (PTK_ENTRIES - 1);
}

/** ptk_level_name() - "pte", "pmd", "pud", "p4d" or "pgd" */
const char *ptk_level_name(const struct ptk_paging *pg, unsigned level);

/** ptk_level_parse() - inverse of ptk_level_name(); 0 if unknown */
unsigned ptk_level_parse(const struct ptk_paging *pg, const char *name);

/** ptk_va_bits() - 48 or 57 */
unsigned ptk_va_bits(const struct ptk_paging *pg);

/**
 * ptk_va_canonical() - true if @va is canonical: bits 63..va_bits-1 all
 * equal.  The non-canonical gap is [ptk_noncanon_start, ptk_noncanon_end).
 * @pg->levels must be 4 or 5.
 */
static inline bool ptk_va_canonical(const struct ptk_paging *pg, uint64_t va)
{
	/* Bits 63 down to va_bits - 1 all equal: sign extension holds. */
	unsigned shift = 64 - (PTK_PAGE_SHIFT + 9 * pg->levels);

	return (uint64_t)((int64_t)(va << shift) >> shift) == va;
}
uint64_t ptk_noncanon_start(const struct ptk_paging *pg);
uint64_t ptk_noncanon_end(const struct ptk_paging *pg);

/** Decoded flags, independent of where the hardware keeps the bit. */
enum ptk_flag {
	PTK_F_P = 1u << 0,	/* present */
	PTK_F_RW = 1u << 1,	/* writable */
	PTK_F_US = 1u << 2,	/* user */
	PTK_F_PWT = 1u << 3,	/* write-through */
	PTK_F_PCD = 1u << 4,	/* cache disable */
	PTK_F_A = 1u << 5,	/* accessed */
	PTK_F_D = 1u << 6,	/* dirty (leaves) */
	PTK_F_PS = 1u << 7,	/* page size: leaf above the PTE level */
	PTK_F_G = 1u << 8,	/* global (leaves) */
	PTK_F_PAT = 1u << 9,	/* PAT: bit 7 in a PTE, bit 12 in a large leaf */
	PTK_F_NX = 1u << 10,	/* execute disable, bit 63 */
};

/**
 * struct ptk_flag_name - one row of the flag table
 * @flag: PTK_F_* bit
 * @on:   name when set (ptdump spelling: "RW", "USR", "NX", ...)
 * @off:  name when clear, or NULL when nothing is printed
 */
struct ptk_flag_name {
	unsigned flag;
	const char *on;
	const char *off;
	const char *json;	/* JSON key */
};
/** ptk_flag_names - every PTK_F_* flag, in bit order, NULL-terminated */
extern const struct ptk_flag_name ptk_flag_names[];

/** enum ptk_kind - what a page-table entry is */
enum ptk_kind {
	PTK_KIND_NONE = 0,	/* not present: a hole, whatever its other bits */
	PTK_KIND_TABLE,		/* points to the next level's table */
	PTK_KIND_LEAF,		/* maps a page of ptk_level_size(level) */
};

/**
 * struct ptk_entry - one decoded entry
 * @raw:      the 64-bit value
 * @level:    its level
 * @kind:     none, table or leaf
 * @addr:     physical address of the next table or of the page frame
 * @flags:    PTK_F_* bits of this entry alone
 * @pkey:     protection key (bits 59-62), leaves only
 * @reserved: reserved bits that are set (the CPU would fault), or 0
 */
struct ptk_entry {
	uint64_t raw;
	unsigned level;
	enum ptk_kind kind;
	uint64_t addr;
	unsigned flags;
	unsigned pkey;
	uint64_t reserved;
};

/**
 * ptk_entry_decode() - decode @raw found at @level
 *
 * Bits 9-11 and 52-58 are ignored, as the hardware ignores them.  For a
 * present entry, @reserved lists the set bits the SDM reserves at this
 * level: address bits at or above phys_bits, PS in a P4D/PGD entry, and
 * the low address bits of a 2 MiB or 1 GiB frame.
 */
void ptk_entry_decode(const struct ptk_paging *pg, unsigned level,
		      uint64_t raw, struct ptk_entry *out);

/**
 * ptk_entry_frame() - the frame @raw at @level refers to, present or not,
 * as the kernel's pte_pfn()/pmd_pfn()/pud_pfn() read it
 *
 * Against L1TF the kernel stores the frame of a non-present, non-zero
 * entry inverted (pfn_pte(), protnone_mask()): a page that
 * set_direct_map_invalid_noflush() took away still names its frame, as
 * bits 12-51 flipped.  A PMD or PUD entry's frame is 2M or 1G aligned only
 * while it has PS (pmd_pfn_mask()).
 */
uint64_t ptk_entry_frame(unsigned level, uint64_t raw);

/** ptk_entry_prot() - the bits of @raw beside its frame (pte_flags()) */
uint64_t ptk_entry_prot(unsigned level, uint64_t raw);

/**
 * ptk_entry_make() - the entry the kernel's pfn_pte() writes for @frame
 * with @prot: the frame inverted when @prot is not zero and not present
 */
uint64_t ptk_entry_make(uint64_t frame, uint64_t prot);

/**
 * ptk_eff_combine() - effective flags of a child entry below @parent_eff
 *
 * RW and US are ANDed down the levels, NX is ORed, as the CPU and the
 * kernel's ptdump do; all other bits are the child's own.
 */
static inline unsigned ptk_eff_combine(unsigned parent_eff, unsigned own)
{
	unsigned and_mask = PTK_F_RW | PTK_F_US;

	return (own & ~and_mask & ~PTK_F_NX) |
	       (own & parent_eff & and_mask) |
	       ((own | parent_eff) & PTK_F_NX);
}

/** The effective flags of the root's parent: nothing restricted. */
#define PTK_EFF_ROOT (PTK_F_RW | PTK_F_US)

#ifdef __cplusplus
}
#endif
#endif
