// SPDX-License-Identifier: MIT
/* ptkit replay: an allocator trace against direct-map policies. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expect.h"
#include "outfile.h"
#include "replay-svg.h"

enum { OPT_IMAGE = 0x600, OPT_MEM, OPT_POLICY, OPT_COMPARE, OPT_SELECT,
       OPT_STRICT, OPT_CSV, OPT_SVG, OPT_NO_SEED, OPT_SIMULATE,
       OPT_EXPECT };

struct replay_args {
	struct source_opts src;
	const char *trace;
	uint64_t mem;
	enum ptk_policy policies[PTK_POLICY_N];
	size_t npolicies;
	struct ptk_selector sel;
	const char *select_text;
	bool strict, json, no_seed, simulate;
	const char *csv, *svg;
	const char *expect;
};

static const struct argp_option options[] = {
	{ "image", OPT_IMAGE, "SOURCE", 0,
	  "start from the direct map of this dump or image", 0 },
	{ "mem", OPT_MEM, "SIZE", 0,
	  "start from an ideal direct map of SIZE of RAM in 1G pages", 0 },
	{ "policy", OPT_POLICY, "P", 0, "none, naive or pageblock (default: "
	  "all three)", 0 },
	{ "compare", OPT_COMPARE, "P,P,...", 0,
	  "run these policies side by side in one pass", 0 },
	{ "select", OPT_SELECT, "SEL", 0,
	  "the allocations a policy takes out: all (default), or gfp=FLAG|..., "
	  "mt=N, order=N, sample=F, joined by commas", 0 },
	{ "simulate", OPT_SIMULATE, NULL, 0,
	  "let the model choose where each allocation goes (lowest free "
	  "block of its migratetype, with the kernel's fallbacks), from the "
	  "dump's free lists or, with --mem, all RAM free", 0 },
	{ "no-seed", OPT_NO_SEED, NULL, 0,
	  "with --image, start the allocator model empty instead of from "
	  "the dump's free lists and pages", 0 },
	{ "strict", OPT_STRICT, NULL, 0, "a malformed line is fatal", 0 },
	{ "expect", OPT_EXPECT, "DUMP", 0,
	  "compare the model's final state with this later dump of the same "
	  "machine, page by page", 0 },
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "csv", OPT_CSV, "FILE", 0,
	  "write the DirectMap time series as CSV", 0 },
	{ "svg", OPT_SVG, "FILE", 0,
	  "draw the policies over the trace as SVG: DirectMap4k/2M/1G, pages "
	  "out, splits and flushes, over events and seconds", 0 },
	{ 0 }
};

static void add_policies(struct argp_state *state, struct replay_args *a,
			 const char *list)
{
	policies_opt(state, list, a->policies, &a->npolicies);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct replay_args *a = state->input;
	char err[160];

	switch (key) {
	case OPT_IMAGE:
		a->src.path = arg;
		return 0;
	case OPT_MEM:
		if (!ptk_parse_u64(arg, &a->mem) || a->mem < (1 << 21) ||
		    a->mem & ((1 << 21) - 1) || a->mem >> 46)
			argp_error(state, "--mem: '%s' is not a size in 2M steps "
				   "from 2M to 64T", arg);
		return 0;
	case OPT_POLICY:
	case OPT_COMPARE:
		if (a->npolicies)
			argp_error(state, "give --policy or --compare once");
		add_policies(state, a, arg);
		return 0;
	case OPT_SELECT:
		if (!ptk_selector_parse(arg, &a->sel, err, sizeof(err)))
			argp_error(state, "--select: %s", err);
		a->select_text = arg;
		return 0;
	case OPT_STRICT:
		a->strict = true;
		return 0;
	case OPT_NO_SEED:
		a->no_seed = true;
		return 0;
	case OPT_SIMULATE:
		a->simulate = true;
		return 0;
	case OPT_CSV:
		a->csv = arg;
		return 0;
	case OPT_SVG:
		a->svg = arg;
		return 0;
	case OPT_EXPECT:
		a->expect = arg;
		return 0;
	case ARGP_KEY_ARG:
		if (a->trace)
			argp_error(state, "one TRACE only");
		a->trace = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->trace)
			argp_error(state, "no TRACE given");
		if (a->src.path && a->mem)
			argp_error(state, "give --image SOURCE or --mem SIZE, "
				   "not both");
		if (!a->npolicies)
			add_policies(state, a, "none,naive,pageblock");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp replay_argp = {
	options, parse_opt, "TRACE [--image SOURCE | --mem SIZE]",
	"Replay a page-allocator trace (ftrace text of the kmem events, or "
	"ptkit-trace) through an allocator model and, for each policy, a copy "
	"of the direct map: what taking the selected allocations out of the "
	"direct map would cost in splits, page tables and TLB flushes.\v"
	"Policies: none; naive (each page out at allocation and back at free, "
	"as secretmem); pageblock (whole pageblocks out, kept for unmapped "
	"allocations, as the __GFP_UNMAPPED freetypes). Without --image or "
	"--mem, RAM is sized from the trace (its highest PFN, rounded up to a "
	"128 MiB section) with an ideal direct map. See ptkit-replay(1).",
	source_children, NULL, NULL,
};

/* RAM as a trace alone tells it: enough for the highest PFN it names. */
struct sized_ram {
	uint64_t mem;		/* 0: not sized from the trace */
	uint64_t top_pfn;
};

static int size_from_trace(const char *cmd, const struct replay_args *a,
			   struct sized_ram *out)
{
	struct ptk_ctx *ctx;
	struct ptk_trace *t = NULL;
	enum ptk_status st;
	int ret = EXIT_OK;
	struct stat sb;

	/* Two passes: the first sizes RAM, so the trace must be a file. */
	if (stat(a->trace, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "%s: '%s': not a file, cannot be read twice to "
			"size RAM from it; give --image SOURCE or --mem SIZE\n",
			cmd, a->trace);
		return EXIT_USAGE;
	}
	ctx = ptk_ctx_new();
	if (!ctx)
		return EXIT_ENV;
	st = ptk_trace_open(ctx, a->trace, a->strict, &t);
	if (st == PTK_OK)
		st = ptk_trace_size_ram(t, &out->mem, &out->top_pfn);
	if (st != PTK_OK) {
		fprintf(stderr, "%s: '%s': %s\n", cmd, a->trace, ptk_ctx_err(ctx));
		ret = exit_for(st);
	} else if (!out->mem) {
		fprintf(stderr, "%s: '%s': %s; give --image SOURCE or --mem "
			"SIZE\n", cmd, a->trace, out->top_pfn ? "its PFNs go "
			"beyond 64 TiB" : "no events to size RAM from");
		ret = EXIT_BADINPUT;
	}
	ptk_trace_close(t);
	ptk_ctx_free(ctx);
	return ret;
}

/* An ideal direct map of @mem bytes: 1G pages, 2M for the rest. */
static int ideal_source(struct session *s, const char *cmd, uint64_t mem,
			struct ptk_builder **b)
{
	enum ptk_status st;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->ctx = ptk_ctx_new();
	if (!s->ctx)
		return EXIT_ENV;
	st = ptk_ideal_direct_map(s->ctx, mem, b);
	if (st == PTK_OK)
		st = ptk_builder_paging(*b, &s->pg);
	if (st != PTK_OK)
		return fail_status(cmd, s->ctx, st);
	return EXIT_OK;
}

static void csv_rows(FILE *f, struct ptk_replay *r, uint64_t event,
		     uint64_t line)
{
	for (size_t i = 0; i < ptk_replay_npolicies(r); i++) {
		struct ptk_replay_result res;

		ptk_replay_result(r, i, &res);
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
			event, line, ptk_policy_name(res.policy), res.dm_kb[1],
			res.dm_kb[2], res.dm_kb[3], res.cpa.splits[3],
			res.cpa.splits[2], res.cpa.flush_calls, res.unmapped);
	}
}

/* What the picture is of: the trace, the machine, how the model ran. */
static void chart_title(struct chart *c, const struct replay_args *a,
			uint64_t sized_mem)
{
	const char *trace = strrchr(a->trace, '/');
	char mem[32];

	trace = trace ? trace + 1 : a->trace;
	if (a->src.path) {
		const char *img = strrchr(a->src.path, '/');

		snprintf(c->title, sizeof(c->title), "%s on %s%s", trace,
			 img ? img + 1 : a->src.path,
			 a->simulate ? ", simulated" : "");
		return;
	}
	fmt_size(mem, sizeof(mem), a->mem);
	snprintf(c->title, sizeof(c->title), "%s on %s of RAM%s%s", trace, mem,
		 sized_mem ? " (sized from the trace)" : "",
		 a->simulate ? ", simulated" : "");
}

/* What follows the replay event by event: the CSV rows, the chart's
 * points, the frames --expect compares. */
struct follow {
	FILE *csv;
	struct chart *chart;
	struct trace_marks *marks;
	uint64_t last_ns;
};

static enum ptk_status follow_event(struct ptk_replay *r,
				    const struct ptk_trace_rec *rec,
				    uint64_t n, bool changed, void *priv)
{
	struct follow *f = priv;

	if (f->marks)
		trace_marks_event(f->marks, rec);
	if (changed && f->csv)
		csv_rows(f->csv, r, n, rec->line);
	if (f->chart)	/* a point where anything drawn changed */
		chart_record(f->chart, r, n, rec->ns, false);
	f->last_ns = rec->ns;
	return PTK_OK;
}

static void print_seed(const struct replay_args *a, const struct seed *sd)
{
	if (sd->all_free)
		printf("seed:       all RAM free, in blocks of order %d on "
		       "movable pageblocks; the model chooses the pages\n",
		       PTK_MAX_ORDER);
	else if (a->mem || a->no_seed)
		printf("seed:       none: the model starts empty\n");
	else if (!sd->seeded)
		printf("seed:       none: %s\n", sd->why);
	else
		printf("seed:       the dump's free lists, %" PRIu64 " pages in %"
		       PRIu64 " blocks%s; %" PRIu64 " pages in use and %" PRIu64
		       " unreferenced (taken as per-CPU) from their struct "
		       "pages\n", sd->got.free_pages, sd->got.free_blocks,
		       sd->got.list_errors ? " (some lists cut short)" : "",
		       sd->got.in_use, sd->got.pcp);
}

static void print_text(const struct replay_args *a, struct ptk_trace *t,
		       struct ptk_replay *r, const struct ptk_alloc_stats *m,
		       uint64_t page_offset, const struct seed *sd)
{
	const struct ptk_trace_stats *ts = ptk_trace_stats(t);
	size_t n = ptk_replay_npolicies(r);
	struct ptk_replay_result res[PTK_POLICY_N];
	uint64_t total = 0;

	for (unsigned e = 0; e < PTK_EV_NTYPES; e++)
		total += ts->events[e];
	printf("trace:      %s (%s): %" PRIu64 " events, %" PRIu64
	       " other lines skipped, %" PRIu64 " malformed\n", a->trace,
	       ptk_trace_format(t), total, ts->skipped, ts->malformed);
	for (unsigned e = 0; e < PTK_EV_NTYPES; e++)
		printf("            %-26s %10" PRIu64 "\n",
		       ptk_trace_event_name(e), ts->events[e]);
	if (ts->lost)
		printf("            %" PRIu64 " events or more lost by the kernel"
		       " before they were read: the model misses them\n",
		       ts->lost);
	print_seed(a, sd);
	printf("model:      %" PRIu64 " pages allocated, %" PRIu64 " freed; "
	       "%" PRIu64 " in use and %" PRIu64 " on per-CPU lists now\n",
	       m->allocated, m->freed, m->in_use, m->pcp);
	if (a->simulate)
		printf("            simulated: %" PRIu64 " requests found no "
		       "free block\n", m->sim_failed);
	printf("            %" PRIu64 " frees of pages never seen allocated, "
	       "%" PRIu64 " allocations of pages in use, %" PRIu64 " frees of "
	       "pages already free (an untraced path such as bulk allocation, "
	       "or a double free), %" PRIu64 " events outside RAM\n",
	       m->unmatched_free, m->double_alloc, m->double_free,
	       m->out_of_range);
	printf("direct map: 0x%016" PRIx64 " of %s; selection: %s\n\n",
	       page_offset, a->src.path ? a->src.path : "an ideal 1G map",
	       a->select_text ? a->select_text : "all");
	for (size_t i = 0; i < n; i++)
		ptk_replay_result(r, i, &res[i]);
	printf("%-28s", "policy");
	for (size_t i = 0; i < n; i++)
		printf(" %14s", ptk_policy_name(res[i].policy));
	printf("\n");
#define ROW(label, expr)                                                   \
	do {                                                               \
		printf("%-28s", label);                                    \
		for (size_t i = 0; i < n; i++)                             \
			printf(" %14" PRIu64, (uint64_t)(expr));           \
		printf("\n");                                              \
	} while (0)
	ROW("allocations selected", res[i].policy ? res[i].selected : 0);
	ROW("direct_map_level3_splits", res[i].cpa.splits[3]);
	ROW("direct_map_level2_splits", res[i].cpa.splits[2]);
	ROW("page-table pages", res[i].cpa.table_pages);
	ROW("TLB flushes", res[i].cpa.flush_calls);
	ROW("  pages flushed one by one", res[i].cpa.flush_pages);
	ROW("  flushes of everything", res[i].cpa.global_flushes);
	ROW("pageblocks taken out", res[i].pageblock_unmaps);
	ROW("pageblocks put back", res[i].pageblock_remaps);
	ROW("pages out of the direct map", res[i].unmapped);
	ROW("  at most", res[i].unmapped_max);
	ROW("calls refused", res[i].cpa_errors);
	ROW("DirectMap4k (kB) at end", res[i].dm_kb[1]);
	ROW("DirectMap2M (kB) at end", res[i].dm_kb[2]);
	ROW("DirectMap1G (kB) at end", res[i].dm_kb[3]);
	ROW("DirectMap4k (kB) at worst", res[i].worst_kb[1]);
	ROW("  at event", res[i].worst_event);
#undef ROW
	bool any = false;

	printf("\nfree blocks in the buddy lists at the end (order 0-%d):\n",
	       PTK_MAX_ORDER);
	for (unsigned mt = 0; mt <= PTK_MIGRATE_TYPES; mt++) {
		uint64_t sum = 0;

		for (unsigned o = 0; o <= PTK_MAX_ORDER; o++)
			sum += m->free_blocks[o][mt];
		if (!sum)
			continue;
		any = true;
		printf("  %-12s", ptk_migratetype_name(mt));
		for (unsigned o = 0; o <= PTK_MAX_ORDER; o++)
			printf(" %6" PRIu64, m->free_blocks[o][mt]);
		printf("\n");
	}
	/* Unseeded, the lists hold only what the trace freed to them. */
	if (!any)
		printf("  none\n");
}

static void print_json(struct ptk_trace *t, struct ptk_replay *r,
		       const struct ptk_alloc_stats *m, const struct seed *sd,
		       const struct expect_report *ex, bool open_brace)
{
	const struct ptk_trace_stats *ts = ptk_trace_stats(t);

	printf("%s\"events\":{", open_brace ? "{" : "");
	for (unsigned e = 0; e < PTK_EV_NTYPES; e++)
		printf("%s\"%s\":%" PRIu64, e ? "," : "", ptk_trace_event_name(e),
		       ts->events[e]);
	printf("},\"skipped\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"lost\":%"
	       PRIu64 ",\"policies\":{", ts->skipped, ts->malformed, ts->lost);
	for (size_t i = 0; i < ptk_replay_npolicies(r); i++) {
		struct ptk_replay_result res;

		ptk_replay_result(r, i, &res);
		printf("%s\"%s\":{\"splits\":{\"level3\":%" PRIu64 ",\"level2\":%"
		       PRIu64 "},\"table_pages\":%" PRIu64 ",\"flushes\":%" PRIu64 ","
		       "\"flush_pages\":%" PRIu64 ",\"global_flushes\":%" PRIu64
		       ",\"directmap\":{\"4k\":%" PRIu64 ",\"2m\":%" PRIu64
		       ",\"1g\":%" PRIu64 "},\"worst\":{\"4k\":%" PRIu64
		       ",\"2m\":%" PRIu64 ",\"1g\":%" PRIu64 ",\"event\":%" PRIu64
		       "},\"selected\":%" PRIu64 ",\"unmapped\":%" PRIu64
		       ",\"unmapped_max\":%" PRIu64 ",\"pageblock_unmaps\":%" PRIu64
		       ",\"pageblock_remaps\":%" PRIu64 "}", i ? "," : "",
		       ptk_policy_name(res.policy), res.cpa.splits[3],
		       res.cpa.splits[2], res.cpa.table_pages, res.cpa.flush_calls,
		       res.cpa.flush_pages, res.cpa.global_flushes, res.dm_kb[1],
		       res.dm_kb[2], res.dm_kb[3], res.worst_kb[1],
		       res.worst_kb[2], res.worst_kb[3], res.worst_event,
		       res.policy ? res.selected : 0, res.unmapped,
		       res.unmapped_max, res.pageblock_unmaps,
		       res.pageblock_remaps);
	}
	printf("},\"model\":{\"allocated\":%" PRIu64 ",\"freed\":%" PRIu64
	       ",\"unmatched_free\":%" PRIu64 ",\"double_alloc\":%" PRIu64
	       ",\"double_free\":%" PRIu64 ",\"out_of_range\":%" PRIu64 "}",
	       m->allocated, m->freed, m->unmatched_free, m->double_alloc,
	       m->double_free, m->out_of_range);
	if (sd->seeded)
		printf(",\"seed\":{\"free_pages\":%" PRIu64 ",\"free_blocks\":%"
		       PRIu64 ",\"in_use\":%" PRIu64 ",\"pcp\":%" PRIu64 "}",
		       sd->got.free_pages, sd->got.free_blocks, sd->got.in_use, sd->got.pcp);
	if (ex)
		expect_print_json(ex);
	printf("}\n");
}

int cmd_replay(int argc, char **argv)
{
	struct replay_args a = { .sel = { .all = true, .migratetype = -1,
					  .order = -1, .sample = 1.0 } };
	struct ptk_builder *b = NULL;
	struct ptk_replay *r = NULL;
	struct ptk_trace *t = NULL;
	struct ptk_alloc_stats m;
	struct seed sd = { 0 };
	struct ptk_source *src;
	const struct ptk_region *direct, *text;
	struct chart chart = { 0 };
	bool charting = false;
	struct follow follow;
	struct session s;
	enum ptk_status st;
	struct trace_marks marks = { 0 };
	struct sized_ram sized = { 0 };
	uint64_t events = 0;
	struct expect_report *ex = NULL;
	FILE *csv = NULL;
	struct outfile csv_out = { 0 };
	int ret;

	argp_parse(&replay_argp, argc, argv, 0, NULL, &a);
	if (!a.src.path && !a.mem) {
		ret = size_from_trace(argv[0], &a, &sized);
		if (ret != EXIT_OK)
			return finish_output(argv[0], ret);
		a.mem = sized.mem;
	}
	ret = a.mem ? ideal_source(&s, argv[0], a.mem, &b)
		    : session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	src = b ? ptk_builder_source(b) : s.src;
	direct = region_named(src, "Low Kernel Mapping");
	text = region_named(src, "High Kernel Mapping");
	if (!direct) {
		fprintf(stderr, "%s: '%s': no direct map known\n", argv[0],
			a.src.path);
		ret = EXIT_BADINPUT;
		goto out;
	}
	st = ptk_trace_open(s.ctx, a.trace, a.strict, &t);
	if (st != PTK_OK) {
		/* the library's message names the trace */
		ret = fail_status(argv[0], s.ctx, st);
		goto out;
	}
	st = ptk_replay_new(src, &s.pg, direct->start, direct->end,
			    text ? text->start : 0, text ? text->end : 0,
			    a.policies, a.npolicies, &a.sel, &r);
	if (st != PTK_OK) {
		ret = a.mem ? fail_status(argv[0], s.ctx, st)
			    : fail_source(&s, st);
		goto out;
	}
	if (!a.mem)
		ptk_replay_set_max_pfn_mapped(r, session_max_pfn_mapped(&s));
	if (!a.mem && !a.no_seed)
		seed_model(&s, ptk_replay_model(r), &sd);
	if (a.simulate) {
		if (a.mem || a.no_seed) {
			st = ptk_alloc_seed_all_free(ptk_replay_model(r));
			sd.all_free = true;
		} else if (!sd.seeded) {
			fprintf(stderr, "%s: '%s': --simulate needs the dump's "
				"free lists (%s); give --mem or --no-seed to "
				"start from all RAM free\n", argv[0], a.src.path,
				sd.why);
			ret = EXIT_BADINPUT;
			goto out;
		}
		if (st != PTK_OK) {
			ret = fail_status(argv[0], s.ctx, st);
			goto out;
		}
		ptk_replay_set_simulate(r, true);
	}
	if (a.csv) {
		if (!outfile_open(&csv_out, a.csv)) {
			fprintf(stderr, "%s: cannot create '%s': %s\n",
				argv[0], a.csv, strerror(errno));
			ret = EXIT_ENV;
			goto out;
		}
		csv = csv_out.f;
	}
	if (csv) {
		fprintf(csv, "event,line,policy,directmap_4k_kb,directmap_2m_kb,"
			     "directmap_1g_kb,level3_splits,level2_splits,"
			     "flushes,unmapped_pages\n");
		csv_rows(csv, r, 0, 0);
	}
	if (a.svg) {
		charting = true;
		if (!chart_init(&chart, a.npolicies)) {
			fprintf(stderr, "%s: out of memory\n", argv[0]);
			ret = EXIT_ENV;
			goto out;
		}
		chart_title(&chart, &a, sized.mem);
		chart_record(&chart, r, 0, PTK_TRACE_NO_TIME, false);
	}
	if (a.expect) {
		/* The frames the trace names: a page no event named that
		 * changed anyway changed by a path the trace does not see. */
		marks.pages = ptk_alloc_pages(ptk_replay_model(r));
		marks.touched = calloc(marks.pages / 64 + 1, sizeof(uint64_t));
		marks.tail = calloc(marks.pages / 64 + 1, sizeof(uint64_t));
		ex = calloc(1, sizeof(*ex));
		if (!marks.touched || !marks.tail || !ex) {
			ret = EXIT_ENV;
			goto out;
		}
	}
	follow = (struct follow){ csv, charting ? &chart : NULL,
				  ex ? &marks : NULL, PTK_TRACE_NO_TIME };
	st = ptk_replay_run(r, t, csv || charting || ex ? follow_event : NULL,
			    &follow, &events);
	if (st != PTK_OK) {
		fprintf(stderr, "%s: '%s': %s\n", argv[0], a.trace,
			ptk_ctx_err(s.ctx));
		ret = exit_for(st);
		goto out;
	}
	{
		const struct ptk_trace_stats *ts = ptk_trace_stats(t);

		for (uint64_t i = 0; i < ts->malformed && i < PTK_TRACE_MAX_REPORTED; i++)
			fprintf(stderr, "%s: '%s': %s %" PRIu64 ": not a kmem "
				"event: %s\n", argv[0], a.trace,
				strcmp(ptk_trace_format(t), "trace.dat")
					? "line" : "record",
				ts->bad_lines[i], ts->bad_text[i]);
		if (ts->malformed > PTK_TRACE_MAX_REPORTED)
			fprintf(stderr, "%s: '%s': ... and %" PRIu64 " more "
				"malformed lines\n", argv[0], a.trace,
				ts->malformed - PTK_TRACE_MAX_REPORTED);
	}
	if (csv) {
		csv_rows(csv, r, events, 0);
		csv = NULL;
		if (!outfile_commit(&csv_out)) {
			fprintf(stderr, "%s: cannot write '%s': %s\n", argv[0],
				a.csv, strerror(errno));
			ret = EXIT_ENV;
			goto out;
		}
	}
	if (charting) {
		chart_record(&chart, r, events, follow.last_ns, true);
		if (!chart_write(&chart, a.svg)) {
			fprintf(stderr, "%s: cannot write '%s': %s\n", argv[0],
				a.svg, strerror(errno));
			ret = EXIT_ENV;
			goto out;
		}
	}
	if (ex) {
		marks.lost = ptk_trace_stats(t)->lost;
		ret = expect_compare(argv[0], &a.src, a.expect,
				     ptk_replay_model(r), &marks, ex);
		if (ret != EXIT_OK)
			goto out;
	}
	ptk_alloc_stats(ptk_replay_model(r), &m);
	if (a.json) {
		if (sized.mem)
			printf("{\"ram\":{\"from\":\"trace\",\"bytes\":%" PRIu64
			       ",\"top_pfn\":\"0x%" PRIx64 "\",\"direct_map\":"
			       "\"ideal\"},", sized.mem, sized.top_pfn);
		print_json(t, r, &m, &sd, ex, !sized.mem);
	} else {
		if (sized.mem)
			printf("ram:        sized from the trace: its highest "
			       "PFN is 0x%" PRIx64 ", so %" PRIu64 " MiB in "
			       "128 MiB sections\n            (give --image "
			       "DUMP for the machine's own); the direct map is "
			       "an ideal one,\n            1G pages where "
			       "aligned, 2M elsewhere\n", sized.top_pfn,
			       sized.mem >> 20);
		print_text(&a, t, r, &m, direct->start, &sd);
		if (ex)
			expect_print_text(ex);
	}
out:
	free(marks.touched);
	free(marks.tail);
	free(ex);
	if (csv)
		outfile_abort(&csv_out);
	chart_release(&chart);
	ptk_replay_free(r);
	ptk_trace_close(t);
	ptk_builder_free(b);
	if (b)
		ptk_ctx_free(s.ctx);
	else
		session_close(&s);
	return finish_output(argv[0], ret);
}
