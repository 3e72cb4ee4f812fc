// SPDX-License-Identifier: MIT
/* ptkit directmap: what the kernel's direct-map calls would do. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_POOL = 0x400 };

struct dm_op {
	enum ptk_cpa_call call;
	uint64_t pfn, count;
	const char *text;
};

struct dm_args {
	struct source_opts src;
	bool json;
	const char *output;
	bool has_pool;
	uint64_t pool_start, pool_end;
	struct dm_op *ops;
	size_t nops;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "output", 'o', "FILE", 0, "save the result as an image", 0 },
	{ "pool", OPT_POOL, "START-END", 0,
	  "take new page tables from this physical range (default: free "
	  "RAM, highest first)", 0 },
	{ 0 }
};

static bool parse_op(const char *text, struct dm_op *op)
{
	char name[16];
	const char *colon = strchr(text, ':'), *plus;
	char *end;

	if (!colon || (size_t)(colon - text) >= sizeof(name))
		return false;
	memcpy(name, text, colon - text);
	name[colon - text] = '\0';
	op->call = ptk_cpa_call_parse(name);
	if (op->call == PTK_CPA_NCALLS)
		return false;
	errno = 0;
	op->pfn = strtoull(colon + 1, &end, 0);
	if (errno || end == colon + 1)
		return false;
	op->count = 1;
	plus = end;
	if (*plus == '+') {
		op->count = strtoull(plus + 1, &end, 0);
		if (errno || end == plus + 1 || !op->count)
			return false;
	}
	op->text = text;
	return !*end;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct dm_args *a = state->input;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case OPT_POOL:
		if (!parse_range_arg(arg, &a->pool_start, &a->pool_end))
			argp_error(state, "--pool: '%s' is not START-END", arg);
		a->has_pool = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!a->src.path) {
			a->src.path = arg;
			return 0;
		}
		a->ops = realloc(a->ops, (a->nops + 1) * sizeof(*a->ops));
		if (!a->ops)
			argp_failure(state, EXIT_ENV, ENOMEM, "options");
		if (!parse_op(arg, &a->ops[a->nops]))
			argp_error(state, "'%s' is not NAME:PFN[+COUNT] with NAME "
				   "one of invalid, default, valid, novalid, ro, "
				   "rw, nx, x, np, p, 4k", arg);
		a->nops++;
		return 0;
	case ARGP_KEY_END:
		if (!a->src.path)
			argp_error(state, "no SOURCE given");
		if (!a->nops)
			argp_error(state, "no OP given");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp dm_argp = {
	options, parse_opt, "SOURCE OP...",
	"Simulate the kernel's calls on the direct map and report what they "
	"cost: splits by level, page-table pages, TLB flushes, and the "
	"DirectMap lines before and after.\v"
	"Each OP is NAME:PFN[+COUNT]: invalid and default call "
	"set_direct_map_invalid_noflush() and set_direct_map_default_noflush() "
	"once per page; valid and novalid call set_direct_map_valid_noflush() "
	"once for the range; ro, rw, nx, x, np, p and 4k call set_memory_*() "
	"once for the range. The rules are those of "
	"arch/x86/mm/pat/set_memory.c; see ptkit-directmap(1).",
	source_children, NULL, NULL,
};

static int dm_counts(struct session *s, struct ptk_source *src,
		     const struct ptk_paging *pg, const struct ptk_region *direct,
		     const struct ptk_region *text, uint64_t kb[4])
{
	struct ptk_dm_count c;
	enum ptk_status st;

	st = ptk_dm_count(src, pg, direct->start, direct->end,
			  text ? text->start : 0, text ? text->end : 0, &c);
	if (st != PTK_OK)
		return fail_source(s, st);
	ptk_dm_meminfo_kb(&c, kb);
	return EXIT_OK;
}

static void print_text(const struct dm_args *a, const struct ptk_cpa_result *r,
		       const struct ptk_region *direct,
		       const struct ptk_edit *ed, const uint64_t *before,
		       const uint64_t *after)
{
	const uint64_t beyond = ptk_edit_tables_beyond_ram(ed);

	char end[32];

	printf("direct map at 0x%016" PRIx64 "\n", direct->start);
	for (size_t i = 0; i < a->nops; i++)
		printf("  %s\n", a->ops[i].text);
	printf("direct_map_level3_splits %" PRIu64 "\n", r->splits[3]);
	printf("direct_map_level2_splits %" PRIu64 "\n", r->splits[2]);
	printf("page-table pages %" PRIu64 "\n", r->table_pages);
	if (beyond)
		printf("  %" PRIu64 " of them past the end of RAM, from 0x%"
		       PRIx64 ": the source has no free RAM left (--pool "
		       "places them)\n", beyond, ptk_edit_beyond_ram(ed));
	printf("TLB flushes %zu: %" PRIu64 " pages one by one, %" PRIu64
	       " of everything (%" PRIu64 " flush calls)\n", r->nflushes,
	       r->flush_pages, r->global_flushes, r->flush_calls);
	for (size_t i = 0; i < r->nflushes; i++) {
		const struct ptk_range *f = &r->flushes[i];

		if (!f->start && !f->end)
			printf("  all (flush_tlb_all after a split)\n");
		else
			printf("  0x%016" PRIx64 "-%s %" PRIu64 " pages\n",
			       f->start, fmt_end(end, sizeof(end), f->end),
			       (f->end - f->start) >> PTK_PAGE_SHIFT);
	}
	printf("%-12s %12s %12s\n", "", "before", "after");
	printf("%-12s %9" PRIu64 " kB %9" PRIu64 " kB\n", "DirectMap4k:",
	       before[1], after[1]);
	printf("%-12s %9" PRIu64 " kB %9" PRIu64 " kB\n", "DirectMap2M:",
	       before[2], after[2]);
	printf("%-12s %9" PRIu64 " kB %9" PRIu64 " kB\n", "DirectMap1G:",
	       before[3], after[3]);
}

static void print_json(const struct ptk_cpa_result *r,
		       const struct ptk_edit *ed, const uint64_t *before,
		       const uint64_t *after)
{
	printf("{\"splits\":{\"level3\":%" PRIu64 ",\"level2\":%" PRIu64
	       "},\"table_pages\":%" PRIu64 ",\"flushes\":[", r->splits[3],
	       r->splits[2], r->table_pages);
	for (size_t i = 0; i < r->nflushes; i++) {
		const struct ptk_range *f = &r->flushes[i];

		if (!f->start && !f->end)	/* flush_tlb_all() */
			printf("%s{\"all\":true}", i ? "," : "");
		else
			printf("%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%"
			       PRIx64 "\"}", i ? "," : "", f->start, f->end);
	}
	printf("],\"flush_calls\":%" PRIu64 ",\"flush_pages\":%" PRIu64
	       ",\"global_flushes\":%" PRIu64, r->flush_calls, r->flush_pages,
	       r->global_flushes);
	printf(",\"before\":{\"4k\":%" PRIu64 ",\"2m\":%" PRIu64 ",\"1g\":%"
	       PRIu64 "},\"after\":{\"4k\":%" PRIu64 ",\"2m\":%" PRIu64
	       ",\"1g\":%" PRIu64 "}", before[1], before[2], before[3],
	       after[1], after[2], after[3]);
	if (ptk_edit_tables_beyond_ram(ed))
		printf(",\"table_pages_beyond_ram\":%" PRIu64 ",\"beyond_ram_from\":"
		       "\"0x%" PRIx64 "\"", ptk_edit_tables_beyond_ram(ed),
		       ptk_edit_beyond_ram(ed));
	printf("}\n");
}

int cmd_directmap(int argc, char **argv)
{
	struct dm_args a = { 0 };
	struct ptk_cpa_result r = { 0 };
	struct ptk_edit *ed = NULL;
	const struct ptk_region *direct, *text;
	uint64_t before[4], after[4];
	struct ptk_paging pg;
	struct table_pages tp;
	struct session s;
	enum ptk_status st;
	int ret;

	table_pages_init(&tp);
	argp_parse(&dm_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	direct = region_named(s.src, "Low Kernel Mapping");
	text = region_named(s.src, "High Kernel Mapping");
	if (!direct) {
		fprintf(stderr, "%s: '%s': no direct map known (ptkit info "
			"says why; --region-base=direct-map=VA gives one)\n",
			argv[0], a.src.path);
		ret = EXIT_BADINPUT;
		goto out;
	}
	ret = dm_counts(&s, s.src, &s.pg, direct, text, before);
	if (ret != EXIT_OK)
		goto out;
	st = ptk_edit_new(s.src, &s.pg, &ed);
	if (st == PTK_OK)
		ptk_cpa_set_max_pfn_mapped(ed, direct->start,
					   session_max_pfn_mapped(&s));
	if (st == PTK_OK && a.has_pool)
		st = ptk_edit_add_pool(ed, a.pool_start, a.pool_end);
	for (size_t i = 0; i < a.nops && st == PTK_OK; i++)
		st = ptk_cpa(ed, direct->start, a.ops[i].call, a.ops[i].pfn,
			     a.ops[i].count, &r);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	ptk_edit_paging(ed, &pg);
	ret = dm_counts(&s, ptk_edit_source(ed), &pg, direct, text, after);
	if (ret != EXIT_OK)
		goto out;
	if (a.output) {
		st = table_pages_collect(&tp, &s, ptk_edit_source(ed), &pg);
		if (st == PTK_OK)
			st = write_image(ptk_edit_source(ed), &pg, tp.pfn,
					     tp.n, a.output);
		if (st != PTK_OK) {
			ret = fail_output(&s, st);
			goto out;
		}
	}
	if (a.json)
		print_json(&r, ed, before, after);
	else
		print_text(&a, &r, direct, ed, before, after);
out:
	table_pages_release(&tp);
	ptk_cpa_result_release(&r);
	ptk_edit_free(ed);
	session_close(&s);
	free(a.ops);
	return finish_output(argv[0], ret);
}
