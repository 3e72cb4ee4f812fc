/* SPDX-License-Identifier: MIT */
/* replay --image: the allocator model from the dump's state, as the
 * library's ptk_alloc_seed_dump() gives it, with what the CLI says of it. */
#ifndef PTKIT_CLI_SEED_H
#define PTKIT_CLI_SEED_H

#include "cli.h"

struct seed {
	bool seeded;
	bool all_free;			/* simulate: all RAM free instead */
	struct ptk_alloc_seeding got;
	char why[200];			/* why not seeded */
};

/** seed_model() - false, with @out->why, if the dump cannot say */
bool seed_model(struct session *s, struct ptk_alloc *model, struct seed *out);

#endif
