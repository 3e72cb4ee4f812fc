// SPDX-License-Identifier: MIT
/*
 * The kernel's calls on the direct map (arch/x86/mm/pat/set_memory.c),
 * run on an edit overlay: which masks each call uses, how many pages per
 * change_page_attr() call, and which TLB flushes follow.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "edit-priv.h"
#include "ptkit/directmap.h"
#include "ptkit/translate.h"

#define P UINT64_C(0x1)
#define RW UINT64_C(0x2)
#define NX (UINT64_C(1) << 63)
/* tlb_single_page_flush_ceiling: above it cpa_flush() flushes all. */
#define FLUSH_CEILING 33

static const struct {
	const char *name;
	uint64_t set, clr;
	bool per_page;		/* one call per page (set_direct_map_*) */
	bool force_4k;
	enum { NO_FLUSH, CALLER_FLUSH, CPA_FLUSH } flush;
} calls[PTK_CPA_NCALLS] = {
	/* __set_pages_np() / __set_pages_p(): noflush, the caller flushes
	 * after taking a page away (secretmem: flush_tlb_kernel_range()). */
	[PTK_CPA_INVALID] = { "invalid", 0, P | RW, true, false, CALLER_FLUSH },
	[PTK_CPA_DEFAULT] = { "default", P | RW, 0, true, false, NO_FLUSH },
	[PTK_CPA_VALID] = { "valid", P | RW, 0, false, false, NO_FLUSH },
	[PTK_CPA_NOVALID] = { "novalid", 0, P | RW, false, false, CALLER_FLUSH },
	[PTK_CPA_RO] = { "ro", 0, RW, false, false, CPA_FLUSH },
	[PTK_CPA_RW] = { "rw", RW, 0, false, false, CPA_FLUSH },
	[PTK_CPA_NX] = { "nx", NX, 0, false, false, CPA_FLUSH },
	[PTK_CPA_X] = { "x", 0, NX, false, false, CPA_FLUSH },
	[PTK_CPA_NP] = { "np", 0, P, false, false, CPA_FLUSH },
	[PTK_CPA_P] = { "p", P, 0, false, false, CPA_FLUSH },
	[PTK_CPA_4K] = { "4k", 0, 0, false, true, CPA_FLUSH },
};

const char *ptk_cpa_call_name(enum ptk_cpa_call call)
{
	return call < PTK_CPA_NCALLS ? calls[call].name : "?";
}

enum ptk_cpa_call ptk_cpa_call_parse(const char *name)
{
	for (unsigned i = 0; i < PTK_CPA_NCALLS; i++)
		if (!strcmp(name, calls[i].name))
			return (enum ptk_cpa_call)i;
	return PTK_CPA_NCALLS;
}

void ptk_cpa_result_release(struct ptk_cpa_result *res)
{
	bool count_only = res->count_only;

	free(res->flushes);
	memset(res, 0, sizeof(*res));
	res->count_only = count_only;
}

/* Record a flush; a range that continues the last one extends it. */
static int add_flush(struct ptk_cpa_result *res, uint64_t start, uint64_t end)
{
	struct ptk_range *last = res->nflushes && !res->count_only
					 ? &res->flushes[res->nflushes - 1]
					 : NULL;

	res->flush_calls++;
	if (res->count_only)
		return 0;
	if (last && start && last->end == start) {
		last->end = end;
		return 0;
	}
	if (res->nflushes == res->capflushes) {
		size_t cap = res->capflushes ? 2 * res->capflushes : 16;
		struct ptk_range *p = realloc(res->flushes, cap * sizeof(*p));

		if (!p)
			return -1;
		res->flushes = p;
		res->capflushes = cap;
	}
	res->flushes[res->nflushes++] = (struct ptk_range){ start, end };
	return 0;
}

/* One change_page_attr() call on @npages from @va. */
static enum ptk_status one_call(struct ptk_edit *ed, enum ptk_cpa_call call,
				uint64_t va, uint64_t npages,
				struct ptk_cpa_result *res)
{
	uint64_t splits[PTK_MAX_LEVELS + 1] = { 0 };
	uint64_t end = va + (npages << PTK_PAGE_SHIFT);
	bool changed = false;
	enum ptk_status st;
	int err = 0;

	st = edit_change_attr(ed, va, npages, calls[call].set, calls[call].clr,
			      calls[call].force_4k, splits, &changed);
	if (st != PTK_OK)
		return st;
	for (unsigned l = PTK_LEVEL_PMD; l <= PTK_LEVEL_PUD; l++) {
		res->splits[l] += splits[l];
		res->table_pages += splits[l];
		/* __split_large_page() ends with flush_tlb_all() */
		for (uint64_t i = 0; i < splits[l]; i++) {
			res->global_flushes++;
			err |= add_flush(res, 0, 0);
		}
	}
	switch (calls[call].flush) {
	case NO_FLUSH:
		break;
	case CALLER_FLUSH:
		res->flush_pages += npages;
		err |= add_flush(res, va, end);
		break;
	case CPA_FLUSH:
		/* cpa_flush(), only when an entry changed */
		if (!changed)
			break;
		if (npages > FLUSH_CEILING)
			res->global_flushes++;
		else
			res->flush_pages += npages;
		err |= add_flush(res, va, end);
		break;
	}
	return err ? ptk_set_err(edit_ctx(ed), PTK_ERR_NOMEM, "flush list")
		   : PTK_OK;
}

enum ptk_status ptk_cpa(struct ptk_edit *ed, uint64_t page_offset,
			enum ptk_cpa_call call, uint64_t pfn, uint64_t count,
			struct ptk_cpa_result *res)
{
	uint64_t va = page_offset + (pfn << PTK_PAGE_SHIFT);
	enum ptk_status st;

	if (call >= PTK_CPA_NCALLS)
		return ptk_set_err(edit_ctx(ed), PTK_ERR_INVALID, "bad call");
	st = edit_begin(ed, "%s:%#" PRIx64 "+%" PRIu64, calls[call].name, pfn,
			count);
	if (st != PTK_OK)
		return st;
	if (!count || pfn + count < pfn || (pfn + count) >> (64 - PTK_PAGE_SHIFT))
		return edit_end(ed, ptk_set_err(edit_ctx(ed), PTK_ERR_INVALID,
						"%s:%#" PRIx64 "+%" PRIu64
						": no such pages",
						calls[call].name, pfn, count));
	if (calls[call].per_page) {
		for (uint64_t i = 0; i < count && st == PTK_OK; i++)
			st = one_call(ed, call, va + (i << PTK_PAGE_SHIFT), 1,
				      res);
	} else {
		st = one_call(ed, call, va, count, res);
	}
	if (st != PTK_OK)
		ptk_set_err(edit_ctx(ed), st, "%s:%#" PRIx64 "+%" PRIu64,
			    calls[call].name, pfn, count);
	return edit_end(ed, st);
}

uint64_t ptk_read_max_pfn_mapped(struct ptk_source *src,
				 const struct ptk_paging *kpg, uint64_t addr)
{
	uint64_t v;

	if (ptk_read_virt(src, kpg, addr, &v, sizeof(v)) != PTK_OK || v >> 40) {
		ptk_ctx_clear_err(ptk_source_ctx(src));
		return 0;
	}
	return v;
}
