/* SPDX-License-Identifier: MIT */
/*
 * ptkit diff's model of two page-table states: each side a sorted list of
 * leaf runs, present or not, and the changes a sweep over both finds.
 */
#ifndef PTKIT_CLI_DIFF_H
#define PTKIT_CLI_DIFF_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A run of leaf entries of one side.  A present run maps; a non-present
 * one is entries that are not zero, whose frame the kernel kept (L1TF-
 * inverted): what set_direct_map_invalid_noflush() leaves behind.
 */
struct slot {
	uint64_t va, end;
	uint64_t pa;		/* the frame at va */
	unsigned level;
	bool present;
	unsigned eff;		/* PTK_F_*: effective, or the entry's own */
	unsigned pkey;
	uint64_t prot;		/* not present: the bits beside the frame */
};

struct slots {
	struct slot *s;
	size_t n, cap;
};

/* What differs in a range; several may hold at once. */
enum {
	CH_MAPPED = 1, CH_UNMAPPED = 2, CH_REMAPPED = 4, CH_SIZE = 8,
	CH_PROT = 16, CH_NOT_PRESENT = 32,
};

struct change {
	unsigned what;
	uint64_t va, end;
	const struct slot *a, *b;	/* the runs on each side, or NULL */
	int region;			/* index in A's regions, or -1 */
};

struct changes {
	struct change *c;
	size_t n, cap;
};

/*
 * diff_ops() - print the direct-map calls, in ptkit directmap's OP syntax,
 * that turn the direct map [@dm_start, @dm_end) of A into B's; changes no
 * call makes are named on stderr, and counted in *@impossible; returns the
 * number of calls
 */
size_t diff_ops(const struct changes *ch, uint64_t dm_start, uint64_t dm_end,
		const char *cmd, size_t *impossible);

#endif
