// SPDX-License-Identifier: MIT
/* ptkit stats: mappings and tables per region, and the DirectMap lines. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "stats-svg.h"

struct stats_args {
	struct source_opts src;
	bool json, splits;
	const char *svg;
};

enum { OPT_SVG = 0x300 };

/* What the census found, as the printers read it. */
struct stats {
	const struct ptk_region *rg;
	size_t nrg;
	struct ptk_region_tally *t;	/* nrg + 1: the last is "other" */
	uint64_t nbad;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "splits", 's', NULL, 0,
	  "instead, list each 1G and 2M piece of the direct map mapped by "
	  "smaller pages, with what its pages are", 0 },
	{ "svg", OPT_SVG, "FILE", 0,
	  "also draw the direct map as SVG: a cell per 2M of RAM, by how "
	  "it is mapped", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct stats_args *a = state->input;

	if (key == 's') {
		a->splits = true;
		return 0;
	}
	if (key == OPT_SVG) {
		a->svg = arg;
		return 0;
	}
	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp stats_argp = {
	options, parse_opt, "SOURCE",
	"Count present mappings per page size and table pages per level, for "
	"each named region, and print the DirectMap lines of /proc/meminfo "
	"as the kernel computes them.\v"
	"The kernel counts direct-map pages when it builds the direct map and "
	"moves them between sizes when change_page_attr() splits a large page; "
	"ptkit recovers the same numbers from the entries (see ptkit-stats(1)).",
	source_children, NULL, NULL,
};

/* The region holding @va; regions are sorted and do not overlap. */
static void print_row(const char *name, const struct ptk_region_tally *t, unsigned levels)
{
	printf("%-22s %10" PRIu64 " %8" PRIu64 " %6" PRIu64, name,
	       t->leaves[1], t->leaves[2], t->leaves[3]);
	for (unsigned l = levels - 1; l >= 1; l--)
		printf(" %7" PRIu64, t->tables[l]);
	putchar('\n');
}

/*
 * /proc/meminfo has a DirectMap1G line only where the kernel may map the
 * direct map with 1 GiB pages: arch_report_meminfo() prints it when
 * direct_gbpages is set.  Where the dump does not say, it is printed.
 */
static bool gbpages_known(struct session *ss, bool *on)
{
	int64_t v;

	if (session_kernel_int(ss, "direct_gbpages", &v)) {
		*on = true;
		return false;
	}
	*on = v != 0;
	return true;
}

static bool gbpages(struct session *ss)
{
	bool on;

	gbpages_known(ss, &on);
	return on;
}

/*
 * Why a vmemmap has 4K pages: the pages HVO (or a compound pagemap)
 * shares.  False, quietly, when it has none or they cannot be told.
 */
static bool vmemmap_shared(struct session *ss, struct stats *s,
			   uint64_t *aliases, size_t *folios)
{
	struct ptk_vmemmap *vm;
	bool any_4k = false;

	for (size_t i = 0; i < s->nrg; i++)
		any_4k |= !strcmp(s->rg[i].name, "Vmemmap") &&
			  s->t[i].leaves[1];
	if (!any_4k || !ss->layout.vmemmap ||
	    ptk_vmemmap_scan(ss->src, &ss->pg, &ss->layout, &vm) != PTK_OK) {
		ptk_ctx_clear_err(ss->ctx);
		return false;
	}
	*aliases = vm->aliases;
	*folios = vm->nfolios;
	ptk_vmemmap_free(vm);
	return *aliases != 0;
}

static void print_text(struct session *ss, struct stats *s,
		       const struct ptk_dm_count *dm, bool have_dm)
{
	uint64_t aliases;
	size_t folios;
	struct ptk_region_tally total = { 0 };

	printf("%-22s %10s %8s %6s", "REGION", "4K", "2M", "1G");
	for (unsigned l = ss->pg.levels - 1; l >= 1; l--)
		printf(" %7s", ptk_level_name(&ss->pg, l));
	printf("\n");
	for (size_t i = 0; i <= s->nrg; i++) {
		const struct ptk_region_tally *t = &s->t[i];
		bool empty = true;

		for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++) {
			if (l <= PTK_LEVEL_PUD) {
				empty &= !t->leaves[l];
				total.leaves[l] += t->leaves[l];
			}
			empty &= !t->tables[l];
			total.tables[l] += t->tables[l];
		}
		if (i < s->nrg)
			print_row(s->rg[i].name, t, ss->pg.levels);
		else if (!empty)
			print_row("(no region)", t, ss->pg.levels);
	}
	print_row("total", &total, ss->pg.levels);
	if (vmemmap_shared(ss, s, &aliases, &folios))
		printf("Vmemmap: %" PRIu64 " of its 4K pages alias another: "
		       "the struct pages of %zu folio%s share pages "
		       "(the HugeTLB Vmemmap Optimization or a compound "
		       "pagemap: see ptkit vmemmap)\n",
		       aliases, folios, folios == 1 ? "" : "s");
	if (s->nbad)
		printf("%" PRIu64 " entries cannot be followed (see ptkit walk)\n",
		       s->nbad);
	if (have_dm) {
		uint64_t kb[PTK_LEVEL_PUD + 1];

		ptk_dm_meminfo_kb(dm, kb);
		/* /proc/meminfo's layout: show_val_kb() */
		printf("DirectMap4k:    %8" PRIu64 " kB\n", kb[1]);
		printf("DirectMap2M:    %8" PRIu64 " kB\n", kb[2]);
		if (gbpages(ss))
			printf("DirectMap1G:    %8" PRIu64 " kB\n", kb[3]);
	} else {
		printf("DirectMap: unknown, the source names no direct map\n");
	}
}

static void print_tally_json(const struct ptk_region_tally *t, const struct session *ss)
{
	printf("\"4k\":%" PRIu64 ",\"2m\":%" PRIu64 ",\"1g\":%" PRIu64
	       ",\"tables\":{", t->leaves[1], t->leaves[2], t->leaves[3]);
	for (unsigned l = ss->pg.levels - 1; l >= 1; l--)
		printf("%s\"%s\":%" PRIu64, l == ss->pg.levels - 1 ? "" : ",",
		       ptk_level_name(&ss->pg, l), t->tables[l]);
	putchar('}');
}

static void print_json(struct session *ss, struct stats *s,
		       const struct ptk_dm_count *dm, bool have_dm)
{
	char end[32];
	uint64_t aliases;
	size_t folios;

	printf("{\"regions\":[");
	for (size_t i = 0; i <= s->nrg; i++) {
		printf("%s{\"name\":", i ? "," : "");
		if (i < s->nrg) {
			json_str(stdout, s->rg[i].name);
			printf(",\"start\":\"0x%" PRIx64 "\",\"end\":\"%s\",",
			       s->rg[i].start,
			       (snprintf(end, sizeof(end), "0x%" PRIx64, s->rg[i].end), end));
		} else {
			printf("null,");
		}
		print_tally_json(&s->t[i], ss);
		putchar('}');
	}
	printf("],\"bad_entries\":%" PRIu64, s->nbad);
	if (vmemmap_shared(ss, s, &aliases, &folios))
		printf(",\"vmemmap\":{\"aliases\":%" PRIu64 ",\"folios\":%zu}",
		       aliases, folios);
	if (have_dm) {
		uint64_t kb[PTK_LEVEL_PUD + 1];

		ptk_dm_meminfo_kb(dm, kb);
		bool on, known = gbpages_known(ss, &on);

		printf(",\"directmap\":{\"4k\":%" PRIu64 ",\"2m\":%" PRIu64
		       ",\"1g\":%" PRIu64 ",\"direct_gbpages\":%s}", kb[1],
		       kb[2], kb[3], !known ? "null" : on ? "true" : "false");
	}
	printf("}\n");
}

int cmd_stats(int argc, char **argv)
{
	struct stats_args a = { 0 };
	struct stats s = { 0 };
	struct ptk_region_census c = { 0 };
	struct ptk_dm_count dm;
	const struct ptk_region *direct, *text;
	struct session ss;
	enum ptk_status st;
	int ret;

	argp_parse(&stats_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&ss, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&ss);
		return ret;
	}
	if (a.splits) {
		direct = region_named(ss.src, "Low Kernel Mapping");
		if (direct) {
			ret = stats_splits(&ss, direct, a.json);
		} else {
			fprintf(stderr, "%s: '%s': no direct map known (ptkit "
				"info says why)\n", argv[0], a.src.path);
			ret = EXIT_BADINPUT;
		}
		goto out;
	}
	direct = region_named(ss.src, "Low Kernel Mapping");
	text = direct ? region_named(ss.src, "High Kernel Mapping") : NULL;
	/* one walk: the census, and DirectMap as ptk_dm_count() counts it */
	st = ptk_region_census(ss.src, &ss.pg, direct ? direct->start : 0,
			       direct ? direct->end : 0,
			       text ? text->start : 0, text ? text->end : 0, &c);
	if (st != PTK_OK) {
		ret = fail_source(&ss, st);
		goto out;
	}
	s.rg = c.regions;
	s.nrg = c.nregions;
	s.t = c.tally;
	s.nbad = c.bad_entries;
	dm = c.dm;
	if (a.json)
		print_json(&ss, &s, &dm, direct != NULL);
	else
		print_text(&ss, &s, &dm, direct != NULL);
	if (a.svg && !direct) {
		fprintf(stderr, "%s: '%s': no direct map known to draw (ptkit "
			"info says why)\n", argv[0], a.src.path);
		ret = EXIT_BADINPUT;
	} else if (a.svg) {
		uint64_t kb[PTK_LEVEL_PUD + 1];

		ptk_dm_meminfo_kb(&dm, kb);
		if (!stats_svg(&ss, a.svg, direct->start, kb, gbpages(&ss))) {
			fprintf(stderr, "%s: cannot write '%s': %s\n", argv[0],
				a.svg, strerror(errno));
			ret = EXIT_ENV;
		}
	}
	if (s.nbad) {
		fflush(stdout);
		fprintf(stderr, "%s: '%s': %" PRIu64 " table entr%s cannot be "
			"followed (see ptkit walk)\n", argv[0], a.src.path,
			s.nbad, s.nbad == 1 ? "y" : "ies");
		ret = EXIT_BADINPUT;
	}
out:
	ptk_region_census_release(&c);
	session_close(&ss);
	return finish_output(argv[0], ret);
}
