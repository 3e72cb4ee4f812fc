// SPDX-License-Identifier: MIT
/*
 * replay --expect DUMP: the allocator model, after the interval's events,
 * against the kernel's own state at the end of the interval, read from
 * the next dump the same way the model was seeded from the first: page
 * by page, free blocks by zone, order and migratetype, and pageblocks.
 * Every page that differs is given a cause.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static const char *const cause_keys[CAUSE_N] = {
	[CAUSE_BULK] = "bulk",
	[CAUSE_TAIL] = "tail",
	[CAUSE_PCP] = "pcp",
	[CAUSE_NO_EVENT] = "no_event",
	[CAUSE_LOST] = "lost",
	[CAUSE_UNSEEN] = "unseen",
	[CAUSE_OTHER] = "other",
};

static const char *const cause_text[CAUSE_N] = {
	[CAUSE_BULK] = "on a per-CPU list in the model, in use in the dump: "
		       "taken with no mm_page_alloc event, as "
		       "alloc_pages_bulk() takes them (vmalloc does)",
	[CAUSE_TAIL] = "in use in the model, unreferenced in the dump: a "
		       "non-head page of a block allocated at order > 0 "
		       "without __GFP_COMP has refcount 0 though in use",
	[CAUSE_PCP] = "on a per-CPU list in one and not the other",
	[CAUSE_NO_EVENT] = "no event named the page, yet it changed: a path "
			   "the kmem events do not cover",
	[CAUSE_LOST] = "no event named the page, and the kernel lost "
		       "events before they were read",
	[CAUSE_UNSEEN] = "neither the first dump nor the trace told the "
			 "model of the page",
	[CAUSE_OTHER] = "named by the trace, and still different",
};

static bool bit(const uint64_t *map, uint64_t pfn)
{
	return map && (map[pfn / 64] >> (pfn % 64) & 1);
}

static void set_bit(uint64_t *map, uint64_t pfn, bool on)
{
	if (on)
		map[pfn / 64] |= UINT64_C(1) << (pfn % 64);
	else
		map[pfn / 64] &= ~(UINT64_C(1) << (pfn % 64));
}

void trace_marks_event(struct trace_marks *tm, const struct ptk_trace_rec *rec)
{
	uint64_t n, head;

	if (rec->order > PTK_MAX_ORDER)
		return;
	n = UINT64_C(1) << rec->order;
	head = rec->pfn & ~(n - 1);
	for (uint64_t p = head; p < head + n && p < tm->pages; p++) {
		set_bit(tm->touched, p, true);
		/* Only mm_page_alloc hands pages to a caller; any free ends
		 * what the block was. */
		set_bit(tm->tail, p, rec->ev == PTK_EV_ALLOC && p != head);
	}
}

/*
 * The zones to compare free blocks in: the dump's own (each node's,
 * zone_start_pfn and spanned_pages), else x86-64's fixed limits of one
 * node, 16 MiB (MAX_DMA_PFN) and 4 GiB.
 */
static void read_zones(struct expect_report *rep)
{
	static const struct ptk_zone_span fixed[] = {
		{ "DMA", 0, 0x1000 }, { "DMA32", 0x1000, 0x100000 },
		{ "Normal", 0x100000, UINT64_MAX },
	};

	if (rep->seed.got.nzones) {
		memcpy(rep->zones, rep->seed.got.zones,
		       rep->seed.got.nzones * sizeof(*rep->zones));
		rep->nzones = rep->seed.got.nzones;
		return;
	}
	memcpy(rep->zones, fixed, sizeof(fixed));
	rep->nzones = sizeof(fixed) / sizeof(fixed[0]);
	rep->zones_fixed = true;
}

/* The zone of @pfn, or -1 outside them all. */
static int zone_of(const struct expect_report *rep, uint64_t pfn)
{
	for (unsigned z = 0; z < rep->nzones; z++)
		if (pfn >= rep->zones[z].start && pfn < rep->zones[z].end)
			return (int)z;
	return -1;
}

static enum expect_cause cause_of(enum ptk_alloc_state m,
				  enum ptk_alloc_state d,
				  const struct trace_marks *tm, uint64_t pfn)
{
	if (m == PTK_ALLOC_UNKNOWN)
		return CAUSE_UNSEEN;
	if (m == PTK_ALLOC_PCP && d == PTK_ALLOC_IN_USE)
		return CAUSE_BULK;
	if (m == PTK_ALLOC_IN_USE && d == PTK_ALLOC_PCP && bit(tm->tail, pfn))
		return CAUSE_TAIL;
	if (m == PTK_ALLOC_PCP || d == PTK_ALLOC_PCP)
		return CAUSE_PCP;
	if (!bit(tm->touched, pfn))
		return tm->lost ? CAUSE_LOST : CAUSE_NO_EVENT;
	return CAUSE_OTHER;
}

/* Free blocks of one model by zone, order and migratetype. */
static void count_blocks(const struct expect_report *rep,
			 const struct ptk_alloc *a,
			 uint64_t out[ZONES][PTK_MAX_ORDER + 1]
				     [PTK_MIGRATE_TYPES + 1])
{
	const uint64_t pages = ptk_alloc_pages(a);

	for (uint64_t pfn = 0; pfn < pages;) {
		int o = ptk_alloc_free_block(a, pfn);
		int z;

		if (o < 0) {
			pfn++;
			continue;
		}
		z = zone_of(rep, pfn);
		if (z >= 0)
			out[z][o][ptk_alloc_pageblock_type(a, pfn)]++;
		pfn += UINT64_C(1) << o;
	}
}

int expect_compare(const char *cmd, const struct source_opts *opts,
		   const char *path, const struct ptk_alloc *model,
		   const struct trace_marks *marks, struct expect_report *rep)
{
	const uint64_t pages = ptk_alloc_pages(model);
	struct source_opts o = *opts;
	struct ptk_alloc *truth = NULL;
	struct session s;
	enum ptk_status st;
	int ret;

	uint64_t *differ = rep->differ;

	memset(rep, 0, sizeof(*rep));
	rep->differ = differ;
	rep->path = path;
	o.path = path;
	ret = session_open(&s, cmd, &o);
	if (ret != EXIT_OK)
		return ret;
	st = ptk_alloc_new_ram(s.ctx, pages, &truth);
	if (st != PTK_OK) {
		ret = fail_status(cmd, s.ctx, st);
		goto out;
	}
	if (!seed_model(&s, truth, &rep->seed)) {
		fprintf(stderr, "%s: '%s': cannot read the allocator's state: "
			"%s\n", cmd, path, rep->seed.why);
		ret = EXIT_BADINPUT;
		goto out;
	}
	for (uint64_t pfn = 0; pfn < pages; pfn++) {
		enum ptk_alloc_state m = ptk_alloc_page_state(model, pfn);
		enum ptk_alloc_state d = ptk_alloc_page_state(truth, pfn);

		/* Frames the dump does not hold as RAM the model never saw
		 * either: nothing to compare. */
		if (d == PTK_ALLOC_UNKNOWN && m == PTK_ALLOC_UNKNOWN)
			continue;
		rep->pages++;
		rep->states[m][d]++;
		if (m == d) {
			rep->agree++;
			continue;
		}
		if (differ)
			set_bit(differ, pfn, true);
		if (m == PTK_ALLOC_BUDDY)
			rep->free_model_only++;
		else if (d == PTK_ALLOC_BUDDY)
			rep->free_dump_only++;
		rep->causes[cause_of(m, d, marks, pfn)]++;
	}
	read_zones(rep);
	count_blocks(rep, model, rep->blocks[0]);
	count_blocks(rep, truth, rep->blocks[1]);
	for (unsigned z = 0; z < rep->nzones; z++)
		for (unsigned k = 0; k <= PTK_MAX_ORDER; k++)
			for (unsigned t = 0; t <= PTK_MIGRATE_TYPES; t++) {
				uint64_t x = rep->blocks[0][z][k][t];
				uint64_t y = rep->blocks[1][z][k][t];

				if (!x && !y)
					continue;
				if (x == y)
					rep->lists_agree++;
				else
					rep->lists_differ++;
			}
	for (uint64_t pfn = 0; pfn < pages;
	     pfn += UINT64_C(1) << PTK_PAGEBLOCK_ORDER) {
		unsigned x = ptk_alloc_pageblock_type(model, pfn);
		unsigned y = ptk_alloc_pageblock_type(truth, pfn);

		if (x == PTK_MIGRATE_UNKNOWN || y == PTK_MIGRATE_UNKNOWN)
			rep->pb_unknown++;
		else if (x == y)
			rep->pb_agree++;
		else
			rep->pb_differ++;
	}
out:
	ptk_alloc_free(truth);
	session_close(&s);
	return ret;
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

void expect_print_text(const struct expect_report *rep)
{
	static const char *const st[4] = { "unknown", "in use", "per-CPU",
					    "free" };

	printf("\nexpected:   %s, read as the model was seeded (%" PRIu64
	       " free pages in %" PRIu64 " blocks, %" PRIu64 " in use, %"
	       PRIu64 " unreferenced)\n", rep->path, rep->seed.got.free_pages,
	       rep->seed.got.free_blocks, rep->seed.got.in_use, rep->seed.got.pcp);
	printf("pages:      %" PRIu64 " of %" PRIu64 " agree (%.3f%%): %"
	       PRIu64 " free in both, %" PRIu64 " allocated in both, %" PRIu64
	       " on per-CPU lists in both\n", rep->agree, rep->pages,
	       percent(rep->agree, rep->pages),
	       rep->states[PTK_ALLOC_BUDDY][PTK_ALLOC_BUDDY],
	       rep->states[PTK_ALLOC_IN_USE][PTK_ALLOC_IN_USE],
	       rep->states[PTK_ALLOC_PCP][PTK_ALLOC_PCP]);
	printf("            %" PRIu64 " free only in the model, %" PRIu64
	       " free only in the dump\n", rep->free_model_only,
	       rep->free_dump_only);
	for (unsigned m = 0; m < 4; m++)
		for (unsigned d = 0; d < 4; d++)
			if (m != d && rep->states[m][d])
				printf("            %8" PRIu64 " %s in the model, "
				       "%s in the dump\n", rep->states[m][d],
				       st[m], st[d]);
	printf("causes:\n");
	for (unsigned c = 0; c < CAUSE_N; c++)
		if (rep->causes[c])
			printf("  %-9s %8" PRIu64 "  %s\n", cause_keys[c],
			       rep->causes[c], cause_text[c]);
	printf("free lists: %" PRIu64 " of %" PRIu64 " (zone, order, "
	       "migratetype) counts agree%s\n", rep->lists_agree,
	       rep->lists_agree + rep->lists_differ,
	       rep->zones_fixed ? " (zones at x86-64's fixed limits: the dump"
				  " does not give its own)" : "");
	for (unsigned z = 0; z < rep->nzones; z++)
		for (unsigned t = 0; t <= PTK_MIGRATE_TYPES; t++) {
			bool differs = false;

			for (unsigned k = 0; k <= PTK_MAX_ORDER; k++)
				differs |= rep->blocks[0][z][k][t] !=
					   rep->blocks[1][z][k][t];
			if (!differs)
				continue;
			for (unsigned side = 0; side < 2; side++) {
				printf("  %-6s %-11s %-5s", rep->zones[z].name,
				       ptk_migratetype_name(t),
				       side ? "dump" : "model");
				for (unsigned k = 0; k <= PTK_MAX_ORDER; k++)
					printf(" %5" PRIu64,
					       rep->blocks[side][z][k][t]);
				printf("\n");
			}
		}
	printf("pageblocks: %" PRIu64 " agree, %" PRIu64 " differ, %" PRIu64
	       " unknown to one side (no free block, event or pageblock flag typed them)\n",
	       rep->pb_agree, rep->pb_differ, rep->pb_unknown);
}

void expect_print_json(const struct expect_report *rep)
{
	printf(",\"expect\":{\"dump\":");
	json_str(stdout, rep->path);
	printf(",\"pages\":%" PRIu64 ",\"pages_agree\":%" PRIu64
	       ",\"free_both\":%" PRIu64 ",\"allocated_both\":%" PRIu64
	       ",\"pcp_both\":%" PRIu64 ",\"free_model_only\":%" PRIu64
	       ",\"free_dump_only\":%" PRIu64 ",\"causes\":{", rep->pages,
	       rep->agree, rep->states[PTK_ALLOC_BUDDY][PTK_ALLOC_BUDDY],
	       rep->states[PTK_ALLOC_IN_USE][PTK_ALLOC_IN_USE],
	       rep->states[PTK_ALLOC_PCP][PTK_ALLOC_PCP], rep->free_model_only,
	       rep->free_dump_only);
	for (unsigned c = 0; c < CAUSE_N; c++)
		printf("%s\"%s\":%" PRIu64, c ? "," : "", cause_keys[c],
		       rep->causes[c]);
	printf("},\"free_lists_agree\":%" PRIu64 ",\"free_lists_differ\":%"
	       PRIu64 ",\"pageblocks_agree\":%" PRIu64 ",\"pageblocks_differ\":%"
	       PRIu64 ",\"pageblocks_unknown\":%" PRIu64 "}", rep->lists_agree,
	       rep->lists_differ, rep->pb_agree, rep->pb_differ,
	       rep->pb_unknown);
}
