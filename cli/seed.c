// SPDX-License-Identifier: MIT
/* replay --image and --expect: the allocator model from the dump's own
 * state, with why not when the dump cannot say. */
#include <stdio.h>
#include <string.h>

#include "seed.h"

bool seed_model(struct session *s, struct ptk_alloc *model, struct seed *out)
{
	enum ptk_status st;

	memset(out, 0, sizeof(*out));
	st = ptk_alloc_seed_dump(model, s->src, &s->pg, &s->layout,
				 session_types_quiet(s), &out->got);
	if (st != PTK_OK) {
		snprintf(out->why, sizeof(out->why), "%s", ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
		return false;
	}
	out->seeded = true;
	return true;
}
