// SPDX-License-Identifier: MIT
/* ptkit walk: list what a page table maps, as runs or entries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptdump.h"

enum format { FMT_TEXT, FMT_PTDUMP, FMT_JSON };
enum { OPT_ENTRIES = 0x200, OPT_REGION, OPT_NO_TRUNCATE, MAX_BAD_SHOWN = 10 };

struct walk_args {
	struct source_opts src;
	enum format format;
	bool entries;
	bool no_truncate;
	bool has_range;
	uint64_t start, end;
	const char *region;
};

struct printer {
	struct session *s;
	enum format format;
	uint64_t nbad;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default), ptdump or json", 0 },
	{ "range", 'r', "START-END", 0,
	  "walk only [START, END); START+SIZE also works", 0 },
	{ "region", OPT_REGION, "NAME", 0,
	  "walk only the named region: direct-map, vmalloc, vmemmap, "
	  "cpu-entry-area, espfix, efi, kernel, modules, fixmap, user, or a "
	  "name that ptkit info lists", 0 },
	{ "entries", OPT_ENTRIES, NULL, 0,
	  "one record per leaf entry, with its raw value and A/D bits", 0 },
	{ "no-truncate", OPT_NO_TRUNCATE, NULL, 0,
	  "ptdump: print the lines the kernel counts as skipped (ESPfix)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct walk_args *a = state->input;

	switch (key) {
	case 'f':
		if (!strcmp(arg, "text"))
			a->format = FMT_TEXT;
		else if (!strcmp(arg, "ptdump"))
			a->format = FMT_PTDUMP;
		else if (!strcmp(arg, "json"))
			a->format = FMT_JSON;
		else
			argp_error(state, "--format: '%s' is not text, ptdump "
				   "or json", arg);
		return 0;
	case 'r':
		page_range_opt(state, arg, &a->start, &a->end);
		a->has_range = true;
		return 0;
	case OPT_ENTRIES:
		a->entries = true;
		return 0;
	case OPT_REGION:
		a->region = arg;
		return 0;
	case OPT_NO_TRUNCATE:
		a->no_truncate = true;
		return 0;
	case ARGP_KEY_END:
		one_source_opt(key, arg, state, &a->src, NULL);	/* a SOURCE */
		if (a->entries && a->format == FMT_PTDUMP)
			argp_error(state, "--entries does not go with "
				   "--format=ptdump");
		if (a->no_truncate && a->format != FMT_PTDUMP)
			argp_error(state, "--no-truncate goes with "
				   "--format=ptdump only");
		if (a->region && a->has_range)
			argp_error(state, "--region and --range do not go "
				   "together");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, NULL);
	}
}

static const struct argp walk_argp = {
	options, parse_opt, "SOURCE",
	"List the mappings of a page table, one line per run of contiguous "
	"mappings with the same page size and flags.\v"
	"SOURCE is a dump or image (ELF core, kdump-compressed, ptkit image). "
	"Exit status: 0 ok, 2 usage, 3 bad input (an entry that cannot be "
	"followed is reported and the walk goes on).",
	source_children, NULL, NULL,
};

/* "USR RW NX GLB": the set flags, in ptdump's words, for text output. */
static void print_text(struct session *s, const struct ptk_run *r,
		       const struct ptk_walk_entry *e)
{
	char size[32], end[32], flags[96];

	fmt_size(size, sizeof(size), r->end - r->va);
	flag_words(flags, sizeof(flags), r->eff, r->pkey, e != NULL);
	printf("0x%016" PRIx64 "-%s %6s 0x%016" PRIx64 " %-2s %8" PRIu64
	       "  %s", r->va, fmt_end(end, sizeof(end), r->end), size, r->pa,
	       page_name(r->level), r->count, flags);
	if (e)
		printf("  entry=0x%016" PRIx64, e->raw);
	if (e && s->opts->want_symbols && (r->va >> 63)) {
		char buf[600];
		const char *sym = session_symbol_at(s, r->va, buf, sizeof(buf));

		if (sym)
			printf("  <%s>", sym);
	}
	putchar('\n');
}

static void print_json(struct session *s, const struct ptk_run *r,
		       const struct ptk_walk_entry *e)
{
	char end[32];

#define B(f) ((r->eff & (f)) ? "true" : "false")
	printf("{\"va\":\"0x%" PRIx64 "\",\"end\":\"%s\",\"pa\":\"0x%" PRIx64
	       "\",\"page\":%" PRIu64 ",\"level\":\"%s\",\"count\":%" PRIu64
	       ",\"rw\":%s,\"us\":%s,\"nx\":%s,\"g\":%s,\"pwt\":%s,"
	       "\"pcd\":%s,\"pat\":%s,\"pkey\":%u",
	       r->va, (snprintf(end, sizeof(end), "0x%" PRIx64, r->end), end),
	       r->pa, ptk_level_size(r->level),
	       ptk_level_name(&s->pg, r->level), r->count, B(PTK_F_RW),
	       B(PTK_F_US), B(PTK_F_NX), B(PTK_F_G), B(PTK_F_PWT),
	       B(PTK_F_PCD), B(PTK_F_PAT), r->pkey);
	if (e)
		printf(",\"entry\":\"0x%" PRIx64 "\",\"a\":%s,\"d\":%s", e->raw,
		       B(PTK_F_A), B(PTK_F_D));
	if (e && s->opts->want_symbols && (r->va >> 63)) {
		char buf[600];
		const char *sym = session_symbol_at(s, r->va, buf, sizeof(buf));

		if (sym) {
			printf(",\"symbol\":");
			json_str(stdout, sym);
		}
	}
	fputs("}\n", stdout);
#undef B
}

static enum ptk_status on_run(const struct ptk_run *r,
			      const struct ptk_walk_entry *e, void *priv)
{
	struct printer *p = priv;

	switch (p->format) {
	case FMT_TEXT:
		print_text(p->s, r, e);
		break;
	case FMT_JSON:
		print_json(p->s, r, e);
		break;
	case FMT_PTDUMP:	/* printed by ptk_ptdump() */
		break;
	}
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct printer *p = priv;

	(void)e;
	(void)why;
	if (++p->nbad <= MAX_BAD_SHOWN)
		fprintf(stderr, "%s: '%s': %s\n", p->s->cmd,
			ptk_source_name(p->s->src), ptk_ctx_err(p->s->ctx));
	return PTK_OK;
}

/* The kernel's ptdump of the range, with the kernel's markers. */
static enum ptk_status walk_ptdump(struct printer *p, const struct walk_args *a,
				   int *ret)
{
	struct ptdump_markers pm;
	struct ptk_ptdump_opts o = {
		.start = a->start, .end = a->end,
		.no_truncate = a->no_truncate, .bad = on_bad, .priv = p,
	};
	/* current_kernel walks mm->pgd whole: under PTI the kernel's copy,
	 * user half included (--pti=user for current_user) */
	struct ptk_paging pg = p->s->pg;
	enum ptk_status st;

	pg.user_root = 0;
	*ret = ptdump_markers_get(p->s, &pm);
	if (*ret != EXIT_OK)
		return PTK_OK;
	o.markers = pm.m;
	o.nmarkers = pm.n;
	o.skip_guard_hole = pm.is_linux && !pm.legacy;
	o.legacy = pm.legacy;
	if (pm.is_linux) {
		uint64_t vas[4];

		ptdump_kasan(p->s, &o, vas);
	}
	st = ptk_ptdump(p->s->src, &pg, &o, stdout);
	ptdump_markers_release(&pm);
	return st;
}

int cmd_walk(int argc, char **argv)
{
	struct walk_args a = { .format = FMT_TEXT };
	struct printer p = { 0 };
	struct ptk_runs_ops ops = { .run = on_run, .bad = on_bad };
	enum ptk_runs_mode mode;
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&walk_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&s);
		return ret;
	}
	p.s = &s;
	p.format = a.format;
	if (a.region) {
		if (!session_find_region(&s, a.region, &a.start, &a.end)) {
			ret = EXIT_USAGE;
			goto out;
		}
	} else if (!a.has_range) {
		a.start = 0;
		a.end = 0;
	}
	if (a.format == FMT_TEXT && !a.entries)
		printf("%-37s %6s %-18s %-2s %8s  %s\n", "VIRTUAL", "SIZE",
		       "PHYSICAL", "PG", "ENTRIES", "FLAGS");
	mode = a.entries ? PTK_RUNS_ENTRIES : PTK_RUNS_PHYS;
	if (a.format == FMT_PTDUMP) {
		st = walk_ptdump(&p, &a, &ret);
		if (ret != EXIT_OK)
			goto out;
	} else {
		st = ptk_runs_walk(s.src, &s.pg, a.start, a.end, mode, &ops,
				   &p);
	}
	if (st != PTK_OK) {
		fflush(stdout);
		ret = fail_source(&s, st);
		goto out;
	}
	if (p.nbad) {
		if (p.nbad > MAX_BAD_SHOWN)
			fprintf(stderr, "%s: ... and %" PRIu64 " more entries "
				"that cannot be followed\n", argv[0],
				p.nbad - MAX_BAD_SHOWN);
		ret = EXIT_BADINPUT;
	}
out:
	session_close(&s);
	return finish_output(argv[0], ret);
}
