/* SPDX-License-Identifier: MIT */
/* The markers walk --format=ptdump prints, and where they came from. */
#ifndef PTKIT_CLI_PTDUMP_H
#define PTKIT_CLI_PTDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptkit/ptdump.h"

struct session;

/* The kernel's array of markers, in arch/x86/mm/dump_pagetables.c. */
#define PTDUMP_SYMBOL "address_markers"

/**
 * struct ptdump_markers - the markers of one source
 * @m, @n:     in the kernel's order
 * @va:        where the kernel keeps them, 0 when they were rebuilt
 * @is_linux:  the source is a Linux kernel (OSRELEASE): walk as its
 *             ptdump does, around the guard hole
 * @legacy:    a Linux kernel before 5.6, whose ptdump had its own walker
 * @origin:    where they came from, for info and errors
 */
struct ptdump_markers {
	struct ptk_ptdump_marker *m;
	size_t n;
	uint64_t va;
	bool is_linux;
	bool legacy;
	char origin[128];
};

/** ptdump_markers_get() - the markers of @s; an exit status */
int ptdump_markers_get(struct session *s, struct ptdump_markers *pm);
void ptdump_markers_release(struct ptdump_markers *pm);

/**
 * ptdump_markers_pages() - the frames that hold the kernel's array and
 * its names (for an image to carry them); at most @max, duplicates kept
 */
size_t ptdump_markers_pages(struct session *s, const struct ptdump_markers *pm,
			    uint64_t *pfns, size_t max);

/**
 * ptdump_kasan() - KASAN's early shadow tables into @o (when not NULL),
 * their kernel addresses into @vas[4] (0: not found; no KASAN)
 */
void ptdump_kasan(struct session *s, struct ptk_ptdump_opts *o, uint64_t *vas);

/** ptdump_kasan_symbol() - the name of table @i (0-3) of ptdump_kasan() */
const char *ptdump_kasan_symbol(unsigned i);

#endif
