/* SPDX-License-Identifier: MIT */
/**
 * DOC: replaying allocator traces against direct-map policies
 *
 * A struct ptk_replay feeds trace events to an allocator model
 * (ptk_alloc) and, for each policy, to a copy of the direct map on which
 * the kernel's calls run (ptk_cpa()):
 *
 *  none       nothing leaves the direct map;
 *  naive      each page of a selected allocation leaves the direct map
 *             when allocated and comes back when freed, one call per page
 *             (set_direct_map_invalid/default_noflush), as secretmem does;
 *  pageblock  a selected allocation takes its whole 512-page pageblock out
 *             of the direct map in one call and one flush, and the
 *             pageblock stays out, kept for unmapped allocations, as the
 *             __GFP_UNMAPPED freetype proposal keeps them.  Following a
 *             trace, ptkit cannot choose where allocations land: an
 *             unselected allocation that lands in such a pageblock puts
 *             the pageblock back (counted as a remap).
 *
 * DirectMap4k/2M/1G start from the source's (as ptkit stats computes
 * them) and move with each split as the kernel's split_page_count() moves
 * them.
 */
#ifndef PTKIT_REPLAY_H
#define PTKIT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "directmap.h"
#include "paging.h"
#include "source.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ptk_policy {
	PTK_POLICY_NONE,
	PTK_POLICY_NAIVE,
	PTK_POLICY_PAGEBLOCK,
	PTK_POLICY_N,
};

const char *ptk_policy_name(enum ptk_policy p);
/** ptk_policy_parse() - PTK_POLICY_N if @name is none of them */
enum ptk_policy ptk_policy_parse(const char *name, size_t len);

/**
 * struct ptk_selector - which allocations a policy takes out
 * @all:         every allocation (the default)
 * @gfp:         allocations with any of these flags (ptk_gfp_names bits)
 * @migratetype: -1 for any
 * @order:       -1 for any
 * @sample:      of those, this fraction (0 < sample <= 1), picked by a
 *               fixed hash of the event's number
 */
struct ptk_selector {
	bool all;
	uint64_t gfp;
	int migratetype;
	int order;
	double sample;
};

/**
 * ptk_selector_parse() - "all", or comma-separated terms gfp=A|B, mt=N,
 * order=N, sample=F; false with a message for anything else
 */
bool ptk_selector_parse(const char *text, struct ptk_selector *ret,
			char *err, size_t errlen);

/**
 * struct ptk_replay_result - one policy's account
 * @cpa:          splits, table pages and flushes (counted)
 * @dm_kb:        DirectMap4k/2M/1G at the end, kB ([1], [2], [3])
 * @worst_kb:     the same where DirectMap4k was highest
 * @worst_event:  the event number of that point
 * @selected:     allocations the selector picked
 * @unmapped, @unmapped_max: pages out of the direct map, now and at most
 * @pageblock_unmaps, @pageblock_remaps: pageblocks taken out, put back
 * @cpa_errors:   calls the direct map refused (pages it does not map)
 */
struct ptk_replay_result {
	enum ptk_policy policy;
	struct ptk_cpa_result cpa;
	uint64_t dm_kb[PTK_LEVEL_PUD + 1];
	uint64_t worst_kb[PTK_LEVEL_PUD + 1];
	uint64_t worst_event;
	uint64_t selected;
	uint64_t unmapped, unmapped_max;
	uint64_t pageblock_unmaps, pageblock_remaps;
	uint64_t cpa_errors;
};

struct ptk_replay;

/**
 * ptk_replay_new() - a replay over @src's direct map at @page_offset
 * (text_start/text_end: the kernel-image mapping, for DirectMap, or 0)
 */
enum ptk_status ptk_replay_new(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       uint64_t page_offset, uint64_t direct_end,
			       uint64_t text_start, uint64_t text_end,
			       const enum ptk_policy *policies, size_t npolicies,
			       const struct ptk_selector *sel,
			       struct ptk_replay **ret);

/**
 * ptk_replay_set_max_pfn_mapped() - see ptk_cpa_set_max_pfn_mapped(): the
 * policies' calls pass over holes of the direct map below it
 */
void ptk_replay_set_max_pfn_mapped(struct ptk_replay *r,
				   uint64_t max_pfn_mapped);
void ptk_replay_free(struct ptk_replay *r);

/** ptk_replay_prefetch() - ptk_alloc_prefetch() for the replay's model:
 *  call it with the next event before applying the current one */
void ptk_replay_prefetch(const struct ptk_replay *r,
			 const struct ptk_trace_rec *next);

/**
 * ptk_replay_event() - apply one event to the model and every policy
 * @changed: set when some policy's DirectMap counts moved
 */
enum ptk_status ptk_replay_event(struct ptk_replay *r,
				 const struct ptk_trace_rec *rec,
				 bool *changed);

/**
 * ptk_replay_set_simulate() - let the model choose the PFNs of the trace's
 * allocations (see ptk_alloc_simulate()) instead of following the trace;
 * seed the model first (ptk_alloc_seed_free(), ptk_alloc_seed_all_free())
 */
void ptk_replay_set_simulate(struct ptk_replay *r, bool on);

size_t ptk_replay_npolicies(const struct ptk_replay *r);
void ptk_replay_result(const struct ptk_replay *r, size_t i,
		       struct ptk_replay_result *ret);
struct ptk_alloc *ptk_replay_model(struct ptk_replay *r);

/**
 * ptk_replay_view() - the tables as policy @i has left them so far, to
 * read like any source (the input's own for "none", which changes
 * nothing); valid until the next event or ptk_replay_free()
 */
void ptk_replay_view(const struct ptk_replay *r, size_t i,
		     struct ptk_source **src, struct ptk_paging *pg);

#ifdef __cplusplus
}
#endif
#endif
