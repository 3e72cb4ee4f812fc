// SPDX-License-Identifier: MIT
/* ptkit unmapped: the RAM the direct map does not map (or any holes). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

struct unmapped_args {
	struct source_opts src;
	bool json;
	bool has_range;
	uint64_t start, end;
};

struct hole {
	uint64_t va, end;
	unsigned level;
};

struct holes {
	struct session *s;
	bool json;
	bool in_direct;		/* PFNs make sense */
	uint64_t page_offset;
	bool pending;
	struct hole h;
	uint64_t nholes, pages;
	struct attrib attrib;	/* what the holes' pages are, if known */
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "range", 'r', "START-END", 0,
	  "show the holes of this virtual range instead", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct unmapped_args *a = state->input;

	switch (key) {
	case 'r':
		page_range_opt(state, arg, &a->start, &a->end);
		a->has_range = true;
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp unmapped_argp = {
	options, parse_opt, "SOURCE",
	"List the RAM that the direct map does not map, the holes that "
	"secretmem, guest_memfd and set_direct_map_invalid_noflush() leave: "
	"PFN ranges, their direct-map address, the level where the mapping "
	"is missing, and totals.\v"
	"Entries that cannot be followed count as holes, and are reported.",
	source_children, NULL, NULL,
};

static void print_hole(struct holes *u)
{
	const struct hole *h = &u->h;
	uint64_t pages = (h->end - h->va) >> PTK_PAGE_SHIFT;
	uint64_t pfn = (h->va - u->page_offset) >> PTK_PAGE_SHIFT;
	uint64_t end_pfn = (h->end - u->page_offset) >> PTK_PAGE_SHIFT;
	const char *level = h->level ? ptk_level_name(&u->s->pg, h->level)
				     : "canonical";
	bool kinds = u->in_direct && u->attrib.ok;
	uint64_t count[PTK_PAGE_NKINDS];
	char end[32], what[256] = "";

	u->nholes++;
	u->pages += pages;
	if (kinds)
		attrib_count(&u->attrib, pfn, end_pfn, count);
	if (u->json) {
		if (u->in_direct)
			printf("{\"pfn\":\"0x%" PRIx64 "\",\"end_pfn\":\"0x%" PRIx64
			       "\",", pfn, end_pfn);
		else
			printf("{\"pfn\":null,\"end_pfn\":null,");
		printf("\"pages\":%" PRIu64 ",\"va\":\"0x%" PRIx64 "\","
		       "\"level\":\"%s\"", pages, h->va, level);
		if (kinds) {
			printf(",\"kinds\":");
			attrib_json(stdout, count);
		}
		printf("}\n");
		return;
	}
	if (kinds)
		attrib_text(what, sizeof(what), count);
	if (u->in_direct && kinds)
		printf("0x%010" PRIx64 "-0x%010" PRIx64 " %10" PRIu64
		       "  0x%016" PRIx64 "  %-5s  %s\n", pfn, end_pfn, pages,
		       h->va, level, what);
	else if (u->in_direct)
		printf("0x%010" PRIx64 "-0x%010" PRIx64 " %10" PRIu64
		       "  0x%016" PRIx64 "  %s\n", pfn, end_pfn, pages, h->va,
		       level);
	else
		printf("0x%016" PRIx64 "-%s %10" PRIu64 "  %s\n", h->va,
		       fmt_end(end, sizeof(end), h->end), pages, level);
}

static void print_header(const struct holes *u)
{
	if (u->attrib.ok)
		printf("%-25s %10s  %-18s  %-5s  %s\n", "PFN", "PAGES",
		       "VIRTUAL", "LEVEL", "WHAT THE PAGES ARE");
	else
		printf("%-25s %10s  %-18s  %s\n", "PFN", "PAGES", "VIRTUAL",
		       "LEVEL");
}

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct holes *u = priv;

	if (u->pending && u->h.end == va && u->h.level == level) {
		u->h.end = end;
		return PTK_OK;
	}
	if (u->pending)
		print_hole(u);
	u->pending = true;
	u->h = (struct hole){ va, end, level };
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct holes *u = priv;

	(void)e;
	(void)why;
	fprintf(stderr, "%s: '%s': %s\n", u->s->cmd,
		ptk_source_name(u->s->src), ptk_ctx_err(u->s->ctx));
	return PTK_OK;
}

static enum ptk_status skip_run(const struct ptk_walk_entry *e, uint64_t n,
				void *priv)
{
	(void)e;
	(void)n;
	(void)priv;
	return PTK_OK;
}

int cmd_unmapped(int argc, char **argv)
{
	/* leaf_run lets the walker pass over runs of present PTEs at once */
	const struct ptk_walk_ops ops = {
		.hole = on_hole, .bad = on_bad, .leaf_run = skip_run,
	};
	struct unmapped_args a = { 0 };
	struct holes u = { 0 };
	const struct ptk_region *direct;
	struct session s;
	enum ptk_status st = PTK_OK;
	char size[32];
	int ret;

	argp_parse(&unmapped_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	u.s = &s;
	attrib_open(&u.attrib, &s);	/* without it, holes are only ranges */
	u.json = a.json;
	direct = region_named(s.src, "Low Kernel Mapping");
	if (direct)
		u.page_offset = direct->start;
	if (a.has_range) {
		u.in_direct = direct && a.start >= direct->start &&
			      a.end - 1 < direct->end - 1;
		if (!a.json && u.in_direct)
			print_header(&u);
		else if (!a.json)
			printf("%-37s %10s  %s\n", "VIRTUAL", "PAGES", "LEVEL");
		st = ptk_walk(s.src, &s.pg, a.start, a.end, &ops, &u);
	} else {
		size_t nram;
		const struct ptk_range *ram = ptk_source_ram(s.src, &nram);

		if (!direct) {
			fprintf(stderr, "%s: '%s': no direct map known (ptkit "
				"info says why); give --range\n", argv[0],
				a.src.path);
			ret = EXIT_BADINPUT;
			goto out;
		}
		u.in_direct = true;
		if (!a.json)
			print_header(&u);
		for (size_t i = 0; i < nram && st == PTK_OK; i++) {
			uint64_t start = ram[i].start & ~(uint64_t)(PTK_PAGE_SIZE - 1);
			uint64_t end = (ram[i].end + PTK_PAGE_SIZE - 1) &
				       ~(uint64_t)(PTK_PAGE_SIZE - 1);

			st = ptk_walk(s.src, &s.pg, direct->start + start,
				      direct->start + end, &ops, &u);
		}
	}
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (u.pending)
		print_hole(&u);
	if (!a.json) {
		fmt_size(size, sizeof(size), u.pages << PTK_PAGE_SHIFT);
		printf("total: %" PRIu64 " pages (%s) in %" PRIu64 " hole%s\n",
		       u.pages, u.pages ? size : "0", u.nholes,
		       u.nholes == 1 ? "" : "s");
	}
out:
	attrib_close(&u.attrib);
	session_close(&s);
	return finish_output(argv[0], ret);
}
