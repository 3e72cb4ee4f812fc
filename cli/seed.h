/* SPDX-License-Identifier: MIT */
/* replay --image: the allocator model from the dump's state; see seed.c. */
#ifndef PTKIT_CLI_SEED_H
#define PTKIT_CLI_SEED_H

#include "cli.h"

enum { SEED_ZONES = 16 };	/* populated zones kept, at most */

/* A zone of the dump: its PFNs, [start, end). */
struct zone_span {
	char name[24];		/* "DMA32", or "1/Normal" beyond node 0 */
	uint64_t start, end;
};

struct seed {
	bool seeded;
	bool all_free;			/* simulate: all RAM free instead */
	uint64_t free_pages, free_blocks;	/* from the free lists */
	uint64_t pcp;			/* unreferenced: per-CPU lists */
	uint64_t in_use;
	uint64_t pageblocks;		/* typed by the dump's flags */
	unsigned list_errors;		/* lists not walked to the end */
	/* the zones, when the dump gives every one's start; else none */
	struct zone_span zones[SEED_ZONES];
	unsigned nzones;
	char why[200];			/* why not seeded */
};

/** seed_model() - false, with @out->why, if the dump cannot say */
bool seed_model(struct session *s, struct ptk_alloc *model, struct seed *out);

#endif
