/* SPDX-License-Identifier: MIT */
/**
 * DOC: ptdump - the kernel's /sys/kernel/debug/page_tables listing
 *
 * ptk_ptdump() prints a page table line for line as x86's
 * arch/x86/mm/dump_pagetables.c does on the live machine (over the generic
 * mm/ptdump.c walk of Linux 5.6 and later), so that its output can be
 * diffed against a file read there:
 *
 *  - every entry the kernel's walk visits is a "note" (a leaf, a run of
 *    none entries at one level, a not-present entry that is not zero);
 *    a line ends where a note differs in its level, in any bit beside
 *    the frame (accessed, dirty and software bits too: pte_flags()), or
 *    in the effective RW/USER/NX of the levels above;
 *  - the flag columns are the leaf's own bits, not the effective ones;
 *  - a marker is printed after the line during which the walk reached
 *    it, one marker per line break, in the order of the kernel's
 *    address_markers[] (which is not sorted on 5-level kernels);
 *  - a marker may limit its lines (ESPfix: 16), the rest being counted
 *    in a "... N entries skipped ... " line;
 *  - on a Linux kernel the hypervisor guard hole is not walked, and the
 *    non-canonical gap never is: the line running into either ends at
 *    the next entry walked;
 *  - under KASAN, an entry pointing to one of the early shadow tables is
 *    one note of the shadow PTE, whose effective bits are those of the
 *    last PTE the walk read (the kernel skips computing them).
 *
 * The markers are best read from the kernel itself
 * (ptk_ptdump_read_markers()): their order, the fixmap's start and the
 * line limits depend on the kernel's version and configuration.
 */
#ifndef PTKIT_PTDUMP_H
#define PTKIT_PTDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "walk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PTK_PTDUMP_NAME_MAX 64

/**
 * struct ptk_ptdump_marker - one entry of the kernel's address_markers[]
 * @va:        start_address
 * @name:      the name between "---[ " and " ]---"
 * @max_lines: lines printed after it before the rest is counted; 0: all
 * @name_va:   where the kernel keeps @name (0 when not read from it)
 */
struct ptk_ptdump_marker {
	uint64_t va;
	char name[PTK_PTDUMP_NAME_MAX];
	uint64_t max_lines;
	uint64_t name_va;
};

/**
 * ptk_ptdump_read_markers() - the kernel's address_markers[] at @va
 * @kpg: the tables through which the kernel's memory is read
 * @ret: set to a malloc()ed array, in the kernel's order, without the
 *       terminating { -1, NULL } entry
 *
 * Returns PTK_ERR_CORRUPT (with the reason) when what lies at @va is not
 * such an array: the first entry must be "User Space" at 0, every name a
 * short printable string, and the array end with { -1, NULL }.
 */
enum ptk_status ptk_ptdump_read_markers(struct ptk_source *src,
					const struct ptk_paging *kpg,
					uint64_t va,
					struct ptk_ptdump_marker **ret,
					size_t *n);

/**
 * ptk_ptdump_guard_hole() - the hypervisor guard hole of Linux on x86-64
 * @start, @end: [GUARD_HOLE_BASE_ADDR, GUARD_HOLE_END_ADDR)
 */
void ptk_ptdump_guard_hole(const struct ptk_paging *pg, uint64_t *start,
			   uint64_t *end);

/**
 * ptk_ptdump_ldt_base() - LDT_BASE_ADDR, where Linux remaps LDTs for PTI
 */
uint64_t ptk_ptdump_ldt_base(const struct ptk_paging *pg);

/**
 * struct ptk_ptdump_opts - what to print
 * @markers, @nmarkers: in the kernel's order; the first is printed before
 *                   the first line
 * @start, @end:     the range to walk (end 0: the top); a range that
 *                   starts above 0 opens at the last marker at or below it
 * @skip_guard_hole: walk as Linux does, around the guard hole
 * @legacy:          as the x86 walker of Linux before 5.6 (no generic
 *                   ptdump yet), which keeps a large page's bit 12 (its
 *                   PAT) among its flags; it noted the guard hole as
 *                   empty entries, so leave @skip_guard_hole false
 * @kasan_tables:    physical addresses of kasan_early_shadow_p4d, _pud,
 *                   _pmd and _pte (0: none): an entry pointing to one is
 *                   one PTE-level note of @kasan_pte, as the kernel's
 *                   walk takes that shortcut instead of descending
 * @kasan_pte:       kasan_early_shadow_pte[0]
 * @no_truncate:     print the lines a marker's limit would count instead
 * @bad:             as in struct ptk_walk_ops: an entry that cannot be
 *                   followed, then treated as a hole; NULL to fail
 * @priv:            for @bad
 */
struct ptk_ptdump_opts {
	const struct ptk_ptdump_marker *markers;
	size_t nmarkers;
	uint64_t start, end;
	bool skip_guard_hole;
	bool legacy;
	uint64_t kasan_tables[4];
	uint64_t kasan_pte;
	bool no_truncate;
	enum ptk_status (*bad)(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *priv);
	void *priv;
};

/** ptk_ptdump() - print the tables of @pg to @out, as the kernel's ptdump */
enum ptk_status ptk_ptdump(struct ptk_source *src, const struct ptk_paging *pg,
			   const struct ptk_ptdump_opts *o, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
