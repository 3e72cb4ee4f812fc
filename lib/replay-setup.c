// SPDX-License-Identifier: MIT
/* Where a replay without a dump starts, and the replay's loop; see
 * ptkit/replay-setup.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ptkit/paging.h"
#include "ptkit/replay-setup.h"
#include "ptkit/spec.h"

enum { SECTION_SHIFT = 27 };	/* SECTION_SIZE_BITS on x86-64: 128 MiB */

enum ptk_status ptk_trace_size_ram(struct ptk_trace *t, uint64_t *mem,
				   uint64_t *top_pfn)
{
	const uint64_t section = UINT64_C(1) << SECTION_SHIFT;
	struct ptk_trace_rec rec;
	enum ptk_status st;
	uint64_t top = 0;
	bool any = false;

	*mem = *top_pfn = 0;
	while ((st = ptk_trace_next(t, &rec)) == PTK_OK) {
		unsigned order = rec.order <= PTK_MAX_ORDER ? rec.order : 0;
		uint64_t last = rec.pfn | ((UINT64_C(1) << order) - 1);

		any = true;
		top = last > top ? last : top;
	}
	if (st != PTK_STOP)
		return st;
	*top_pfn = top;
	if (any && !(top >> (46 - PTK_PAGE_SHIFT)))
		*mem = (((top + 1) << PTK_PAGE_SHIFT) + section - 1) &
		       ~(section - 1);
	return PTK_OK;
}

enum ptk_status ptk_ideal_direct_map(struct ptk_ctx *ctx, uint64_t mem,
				     struct ptk_builder **ret)
{
	const uint64_t page_offset = UINT64_C(0xffff888000000000);
	uint64_t gib = mem & ~((UINT64_C(1) << 30) - 1);
	char spec[512];
	int n;

	*ret = NULL;
	if (mem < (UINT64_C(1) << 21) || mem & ((UINT64_C(1) << 21) - 1) ||
	    mem >> 46)
		return ptk_set_err(ctx, PTK_ERR_INVALID, "%#" PRIx64 " bytes of "
				   "RAM: not in 2M steps from 2M to 64T", mem);
	n = snprintf(spec, sizeof(spec),
		     "ram 0-%#" PRIx64 "\n"
		     "region \"Low Kernel Mapping\" 0xffff888000000000-"
		     "0xffffc88000000000\n", mem);
	if (gib)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n,
			      "map %#" PRIx64 " 0 %#" PRIx64 " 1g rw nx g a d\n",
			      page_offset, gib);
	if (mem > gib)
		snprintf(spec + n, sizeof(spec) - (size_t)n,
			 "map %#" PRIx64 " %#" PRIx64 " %#" PRIx64
			 " 2m rw nx g a d\n", page_offset + gib, gib, mem - gib);
	return ptk_spec_build(ctx, spec, strlen(spec), "--mem", ret);
}

enum ptk_status ptk_replay_run(struct ptk_replay *r, struct ptk_trace *t,
			       ptk_replay_event_fn fn, void *priv,
			       uint64_t *events)
{
	struct ptk_trace_rec rec, next;
	enum ptk_status st;
	uint64_t n = 0;

	/* One event read ahead, so its pages' state loads meanwhile. */
	st = ptk_trace_next(t, &next);
	while (st == PTK_OK) {
		enum ptk_status est;
		bool changed;

		rec = next;
		st = ptk_trace_next(t, &next);	/* PTK_STOP ends after rec */
		if (st == PTK_OK)
			ptk_replay_prefetch(r, &next);
		est = ptk_replay_event(r, &rec, &changed);
		if (est == PTK_OK && fn)
			est = fn(r, &rec, n + 1, changed, priv);
		if (est != PTK_OK) {
			st = est;
			break;
		}
		n++;
	}
	*events = n;
	return st == PTK_STOP ? PTK_OK : st;
}
