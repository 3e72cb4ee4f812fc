/* SPDX-License-Identifier: MIT */
/**
 * DOC: what a replay starts from, and the replay itself
 *
 * ptkit replay and the Python binding start a replay the same way: the
 * allocator model from the dump's own state (ptk_alloc_seed_dump()), or,
 * without a dump, over an ideal direct map (ptk_ideal_direct_map()) of
 * RAM sized from the trace (ptk_trace_size_ram()); then every event
 * through ptk_replay_run().
 */
#ifndef PTKIT_REPLAY_SETUP_H
#define PTKIT_REPLAY_SETUP_H

#include <stdint.h>

#include "alloc.h"
#include "build.h"
#include "layout.h"
#include "replay.h"
#include "trace.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { PTK_SEED_ZONES = 16 };	/* populated zones kept, at most */

/** struct ptk_zone_span - a zone of the dump: its PFNs, [start, end) */
struct ptk_zone_span {
	char name[24];		/* "DMA32", or "1/Normal" beyond node 0 */
	uint64_t start, end;
};

/**
 * struct ptk_alloc_seeding - what ptk_alloc_seed_dump() gave the model
 * @free_pages, @free_blocks: from the free lists
 * @pcp:         unreferenced pages, taken as on per-CPU lists
 * @in_use:      the other pages with a struct page
 * @pageblocks:  pageblocks typed by the dump's own flags
 * @list_errors: free lists not walked to the end
 * @zones:       where the zones lie, when the dump gives every one's start
 */
struct ptk_alloc_seeding {
	uint64_t free_pages, free_blocks;
	uint64_t pcp, in_use;
	uint64_t pageblocks;
	unsigned list_errors;
	struct ptk_zone_span zones[PTK_SEED_ZONES];
	unsigned nzones;
};

/**
 * ptk_alloc_seed_dump() - start @model from the dump's free lists block by
 * block, its other pages as in use or (unreferenced) on per-CPU lists as
 * their struct pages say, and its pageblocks' migratetypes
 * @types: the kernel's BTF for the pageblock flags, or NULL
 *
 * A status with the context's message when the free lists or the struct
 * pages cannot be read; the pageblock flags are a bonus, never an error.
 */
enum ptk_status ptk_alloc_seed_dump(struct ptk_alloc *model,
				    struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_layout *layout,
				    const struct ptk_types *types,
				    struct ptk_alloc_seeding *ret);

/**
 * ptk_trace_size_ram() - read @t to its end for the RAM it needs: its
 * highest PFN, rounded up to a 128 MiB memory section (SECTION_SIZE_BITS)
 * @mem:     set to the size, or 0 when the trace has no events or names
 *           PFNs beyond 64 TiB
 * @top_pfn: set to the highest PFN named
 */
enum ptk_status ptk_trace_size_ram(struct ptk_trace *t, uint64_t *mem,
				   uint64_t *top_pfn);

/**
 * ptk_ideal_direct_map() - an image of @mem bytes of RAM (2M steps) whose
 * direct map ("Low Kernel Mapping" at 0xffff888000000000) is 1G pages
 * where aligned and 2M pages for the rest, as the kernel maps an
 * unfragmented machine
 */
enum ptk_status ptk_ideal_direct_map(struct ptk_ctx *ctx, uint64_t mem,
				     struct ptk_builder **ret);

/**
 * typedef ptk_replay_event_fn - called after each event; @n counts the
 * events so far, @changed as for ptk_replay_event()
 */
typedef enum ptk_status (*ptk_replay_event_fn)(struct ptk_replay *r,
					       const struct ptk_trace_rec *rec,
					       uint64_t n, bool changed,
					       void *priv);

/**
 * ptk_replay_run() - every event of @t through @r, reading one ahead so
 * that its pages' state loads meanwhile (ptk_replay_prefetch())
 * @fn:     NULL, or called after each event; its status ends the run
 * @events: set to the events applied
 *
 * PTK_OK at the trace's end; otherwise the status that stopped it.
 */
enum ptk_status ptk_replay_run(struct ptk_replay *r, struct ptk_trace *t,
			       ptk_replay_event_fn fn, void *priv,
			       uint64_t *events);

#ifdef __cplusplus
}
#endif
#endif
