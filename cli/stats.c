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

/* Per region (and one more for addresses in none): leaves and tables. */
struct tally {
	uint64_t leaves[PTK_LEVEL_PUD + 1];
	uint64_t tables[PTK_MAX_LEVELS + 1];
};

/* A table reference: which region, which level, which page. */
struct tref {
	size_t region;
	unsigned level;
	uint64_t pa;
};

#define EMPTY_REF UINT64_MAX	/* no table page starts there */

struct stats {
	const struct ptk_region *rg;
	size_t nrg;
	struct tally *t;	/* nrg + 1: the last is "other" */
	/* Tables are shared (ESPfix maps a page four times): a set of the
	 * table references seen, so each page counts once per region and
	 * level.  Open addressing; pa == EMPTY_REF marks a free slot. */
	struct tref *refs;
	size_t nrefs, caprefs;
	uint64_t nbad;
	/* DirectMap, counted in the same walk: the ranges and the counts */
	struct session *ss;
	uint64_t direct_start, direct_end, text_start, text_end;
	struct ptk_dm_count dm;
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
static size_t region_of(const struct stats *s, uint64_t va)
{
	size_t lo = 0, hi = s->nrg;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (va < s->rg[mid].start)
			hi = mid;
		else if (s->rg[mid].end && va >= s->rg[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return s->nrg;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct stats *s = priv;

	s->t[region_of(s, e->va)].leaves[e->level]++;
	return PTK_OK;
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	struct stats *s = priv;

	s->t[region_of(s, e->va)].leaves[e->level] += n;
	return PTK_OK;
}

static size_t tref_slot(const struct stats *s, const struct tref *r)
{
	uint64_t h = (r->pa >> 12 ^ (uint64_t)r->level << 58 ^ r->region) *
		     UINT64_C(0x9e3779b97f4a7c15);
	size_t mask = s->caprefs - 1;

	for (size_t i = (size_t)(h >> 32) & mask;; i = (i + 1) & mask) {
		const struct tref *q = &s->refs[i];

		if (q->pa == EMPTY_REF || (q->pa == r->pa &&
					   q->level == r->level &&
					   q->region == r->region))
			return i;
	}
}

/* Keep the set at most half full. */
static bool tref_grow(struct stats *s)
{
	size_t old = s->caprefs, cap = old ? 2 * old : 1024;
	struct tref *was = s->refs, *p = malloc(cap * sizeof(*p));

	if (!p)
		return false;
	for (size_t i = 0; i < cap; i++)
		p[i].pa = EMPTY_REF;
	s->refs = p;
	s->caprefs = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i].pa != EMPTY_REF)
			s->refs[tref_slot(s, &was[i])] = was[i];
	free(was);
	return true;
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct stats *s = priv;
	struct tref r = { region_of(s, e->va), e->level - 1, e->addr };
	size_t i;

	if (2 * (s->nrefs + 1) > s->caprefs && !tref_grow(s))
		return PTK_ERR_NOMEM;
	i = tref_slot(s, &r);
	if (s->refs[i].pa == EMPTY_REF) {
		s->refs[i] = r;
		s->nrefs++;
		s->t[r.region].tables[r.level]++;
	}
	ptk_dm_count_table(s->ss->src, &s->ss->pg, e, s->direct_start,
			   s->direct_end, false, &s->dm);
	ptk_dm_count_table(s->ss->src, &s->ss->pg, e, s->text_start,
			   s->text_end, true, &s->dm);
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct stats *s = priv;

	(void)e;
	(void)why;
	s->nbad++;
	return PTK_OK;
}

static void print_row(const char *name, const struct tally *t, unsigned levels)
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
	struct tally total = { 0 };

	printf("%-22s %10s %8s %6s", "REGION", "4K", "2M", "1G");
	for (unsigned l = ss->pg.levels - 1; l >= 1; l--)
		printf(" %7s", ptk_level_name(&ss->pg, l));
	printf("\n");
	for (size_t i = 0; i <= s->nrg; i++) {
		const struct tally *t = &s->t[i];
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

static void print_tally_json(const struct tally *t, const struct session *ss)
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
	const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .leaf_run = on_leaf_run, .table = on_table,
		.bad = on_bad,
	};
	struct stats_args a = { 0 };
	struct stats s = { 0 };
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
	s.rg = ptk_source_regions(ss.src, &s.nrg);
	s.t = calloc(s.nrg + 1, sizeof(*s.t));
	if (!s.t) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		ret = EXIT_ENV;
		goto out;
	}
	direct = region_named(ss.src, "Low Kernel Mapping");
	text = region_named(ss.src, "High Kernel Mapping");
	/* one walk: the census, and DirectMap as ptk_dm_count() counts it */
	s.ss = &ss;
	if (direct) {
		s.direct_start = direct->start;
		s.direct_end = direct->end;
		if (text) {
			s.text_start = text->start;
			s.text_end = text->end;
		}
	}
	st = ptk_walk(ss.src, &ss.pg, 0, 0, &ops, &s);
	if (st == PTK_ERR_NOMEM)
		ptk_set_err(ss.ctx, st, "table census");
	dm = s.dm;
	if (st != PTK_OK) {
		ret = fail_source(&ss, st);
		goto out;
	}
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
	free(s.refs);
	free(s.t);
	session_close(&ss);
	return finish_output(argv[0], ret);
}
