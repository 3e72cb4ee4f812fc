// SPDX-License-Identifier: MIT
/* ptkit pages: what each page of RAM is, from its struct page. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

struct pages_args {
	struct source_opts src;
	bool json, summary;
	uint64_t start, end;
};

struct kind_count {
	uint64_t pages, heads, tails, mapped;
};

struct pages_out {
	bool json, summary;
	bool pending;
	uint64_t start, end;
	enum ptk_page_kind kind;
	struct kind_count count[PTK_PAGE_NKINDS];
	uint64_t runs;
	uint64_t freed_tables, first_freed_table;
	uint64_t table_kinds[PTK_PAGE_NKINDS];	/* as their struct pages say */
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "range", 'r', "PFN-PFN", 0,
	  "only these page frames (END exclusive; or PFN+COUNT)", 0 },
	{ "summary", 's', NULL, 0, "only the totals per kind", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct pages_args *a = state->input;

	switch (key) {
	case 'r':
		if (!parse_range_arg(arg, &a->start, &a->end))
			argp_error(state, "--range: '%s' is not START-END or "
				   "START+COUNT in page frames", arg);
		return 0;
	case 's':
		a->summary = true;
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp pages_argp = {
	options, parse_opt, "SOURCE",
	"Tell what every page of RAM in a Linux dump is, from its struct page "
	"and VMCOREINFO alone: free (in a buddy block), slab, page table, "
	"anonymous, file, kernel, reserved, offline, hwpoison, unreferenced; "
	"as runs of page frames of one kind, and totals per kind.\v"
	"Page tables are the ones ptkit's walker finds from the dump's roots.  "
	"A compound tail page has the kind of its head.",
	source_children, NULL, NULL,
};

static void print_run(struct pages_out *o)
{
	o->runs++;
	if (o->summary)
		return;
	if (o->json)
		printf("{\"pfn\":\"0x%" PRIx64 "\",\"end_pfn\":\"0x%" PRIx64
		       "\",\"pages\":%" PRIu64 ",\"kind\":\"%s\"}\n", o->start,
		       o->end, o->end - o->start, ptk_page_kind_name(o->kind));
	else
		printf("0x%010" PRIx64 "-0x%010" PRIx64 " %10" PRIu64 "  %s\n",
		       o->start, o->end, o->end - o->start,
		       ptk_page_kind_name(o->kind));
}

static enum ptk_status on_page(uint64_t pfn, const struct ptk_page_info *pi,
			       void *priv)
{
	struct pages_out *o = priv;
	struct kind_count *c = &o->count[pi->kind];

	c->pages++;
	c->heads += pi->compound == 'h';
	c->tails += pi->compound == 't';
	c->mapped += pi->mapped;
	if (pi->kind == PTK_PAGE_PGTABLE)
		o->table_kinds[pi->table_kind]++;
	if (pi->freed_table && !o->freed_tables++)
		o->first_freed_table = pfn;
	if (o->pending && o->end == pfn && o->kind == pi->kind) {
		o->end++;
		return PTK_OK;
	}
	if (o->pending)
		print_run(o);
	o->pending = true;
	o->start = pfn;
	o->end = pfn + 1;
	o->kind = pi->kind;
	return PTK_OK;
}

static void print_totals(const struct pages_out *o)
{
	uint64_t total = 0;

	if (o->json) {
		const char *sep = "";

		printf("{\"kinds\":{");
		for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++) {
			const struct kind_count *c = &o->count[k];

			printf("%s\"%s\":{\"pages\":%" PRIu64 ",\"compound_heads\":%"
			       PRIu64 ",\"compound_tails\":%" PRIu64
			       ",\"user_mapped\":%" PRIu64 "}", sep,
			       ptk_page_kind_name(k), c->pages, c->heads,
			       c->tails, c->mapped);
			sep = ",";
			total += c->pages;
		}
		printf("},\"pages\":%" PRIu64 ",\"runs\":%" PRIu64
		       ",\"pagetable_by_struct_page\":", total, o->runs);
		attrib_json(stdout, o->table_kinds);
		printf("}\n");
		return;
	}
	if (!o->summary)
		printf("\n");
	printf("%-16s %10s %10s %10s %10s\n", "KIND", "PAGES", "HEADS", "TAILS",
	       "USER-MAPPED");
	for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++) {
		const struct kind_count *c = &o->count[k];

		total += c->pages;
		if (!c->pages)
			continue;
		printf("%-16s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10"
		       PRIu64 "\n", ptk_page_kind_name(k), c->pages, c->heads,
		       c->tails, c->mapped);
	}
	printf("%-16s %10" PRIu64 "  in %" PRIu64 " run%s\n", "total", total,
	       o->runs, o->runs == 1 ? "" : "s");
	if (o->count[PTK_PAGE_PGTABLE].pages) {
		char what[256];

		attrib_text(what, sizeof(what), o->table_kinds);
		printf("page tables by their struct pages: %s\n", what);
	}
}

static void say_missing(const char *cmd, const struct ptk_pages_keys *m)
{
	static const struct {
		size_t off;
		const char *key, *then;
	} notes[] = {
		{ offsetof(struct ptk_pages_keys, slab), "NUMBER(PG_slab)",
		  "slab pages count as kernel" },
		{ offsetof(struct ptk_pages_keys, reserved), "NUMBER(PG_reserved)",
		  "reserved pages count as kernel" },
		{ offsetof(struct ptk_pages_keys, hwpoison), "NUMBER(PG_hwpoison)",
		  "poisoned pages are not told apart" },
		{ offsetof(struct ptk_pages_keys, offline),
		  "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)",
		  "offline pages are not told apart" },
		{ offsetof(struct ptk_pages_keys, head), "NUMBER(PG_head_mask)",
		  "compound heads are not counted" },
	};

	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		if (*(const bool *)((const char *)m + notes[i].off))
			fprintf(stderr, "%s: VMCOREINFO has no %s: %s\n", cmd,
				notes[i].key, notes[i].then);
}

int cmd_pages(int argc, char **argv)
{
	struct pages_args a = { .end = UINT64_MAX };
	struct pages_out o = { 0 };
	struct ptk_pages_keys missing = { 0 };
	struct table_pages tp;
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&pages_argp, argc, argv, 0, NULL, &a);
	table_pages_init(&tp);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	o.json = a.json;
	o.summary = a.summary;
	st = table_pages_collect(&tp, &s, s.src, &s.pg);
	if (st == PTK_OK && !a.json && !a.summary)
		printf("%-25s %10s  %s\n", "PFN", "PAGES", "KIND");
	if (st == PTK_OK)
		st = ptk_pages_walk(s.src, &s.pg, &s.layout, tp.pfn, tp.n,
				    a.start, a.end, on_page, &o, &missing);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (o.pending)
		print_run(&o);
	if (!a.json || a.summary)
		print_totals(&o);
	say_missing(argv[0], &missing);
	if (o.freed_tables) {
		fprintf(stderr, "%s: '%s': %" PRIu64 " page table%s in use "
			"that the allocator has free, the first at PFN %#"
			PRIx64 "\n", argv[0], a.src.path, o.freed_tables,
			o.freed_tables == 1 ? "" : "s", o.first_freed_table);
		ret = EXIT_FINDING;
	}
out:
	table_pages_release(&tp);
	session_close(&s);
	return finish_output(argv[0], ret);
}
