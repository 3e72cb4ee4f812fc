// SPDX-License-Identifier: MIT
/* ptkit walk: list what a page table maps, as runs or entries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "linebuf.h"
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
	struct linebuf l;	/* text and json records */
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

/* The symbol of an entry's address, or NULL. */
static const char *entry_symbol(struct session *s, const struct ptk_run *r,
				const struct ptk_walk_entry *e, char *buf,
				size_t len)
{
	if (!e || !s->opts->want_symbols || !(r->va >> 63))
		return NULL;
	return session_symbol_at(s, r->va, buf, len);
}

/*
 * A line per run: "VIRTUAL SIZE PHYSICAL PG ENTRIES FLAGS", as printf
 * would print it, built with linebuf's helpers (a real dump has 10^5
 * runs, and vfprintf was two thirds of the walk).
 */
static void print_text(struct printer *p, const struct ptk_run *r,
		       const struct ptk_walk_entry *e)
{
	char size[32], buf[600];
	const char *sym = entry_symbol(p->s, r, e, buf, sizeof(buf));
	char *q = p->l.p;

	q = put_hex(q, r->va, 16);
	*q++ = '-';
	q = put_hex(q, r->end, 16);		/* as fmt_end() */
	*q++ = ' ';
	*put_size(size, r->end - r->va) = '\0';
	for (size_t n = strlen(size); n < 6; n++)
		*q++ = ' ';
	q = put_str(q, size);
	q = put_lit(q, " 0x");
	q = put_xdigits(q, r->pa, 16);
	*q++ = ' ';
	q = put_left(q, page_name(r->level), 2);
	*q++ = ' ';
	q = put_dec(q, r->count, 8);
	q = put_lit(q, "  ");
	q = put_flag_words(q, r->eff, r->pkey, e != NULL);
	if (e) {
		q = put_lit(q, "  entry=0x");
		q = put_xdigits(q, e->raw, 16);
	}
	if (sym) {
		q = put_lit(q, "  <");
		q = put_str(q, sym);	/* < 600 bytes: fits a record */
		q = put_lit(q, ">");
	}
	*q++ = '\n';
	p->l.p = q;
	lb_end_record(&p->l);
}

/* The flags as JSON keys: the run's seven, then an entry's A and D. */
static const struct {
	unsigned flag;
	const char *key;
} json_flags[] = {
	{ PTK_F_RW, ",\"rw\":" }, { PTK_F_US, ",\"us\":" },
	{ PTK_F_NX, ",\"nx\":" }, { PTK_F_G, ",\"g\":" },
	{ PTK_F_PWT, ",\"pwt\":" }, { PTK_F_PCD, ",\"pcd\":" },
	{ PTK_F_PAT, ",\"pat\":" }, { PTK_F_A, ",\"a\":" },
	{ PTK_F_D, ",\"d\":" },
};

static void print_json(struct printer *p, const struct ptk_run *r,
		       const struct ptk_walk_entry *e)
{
	char buf[600];
	const char *sym = entry_symbol(p->s, r, e, buf, sizeof(buf));
	char *q = p->l.p;

	q = put_lit(q, "{\"va\":\"0x");
	q = put_xdigits(q, r->va, 0);
	q = put_lit(q, "\",\"end\":\"0x");
	q = put_xdigits(q, r->end, 0);
	q = put_lit(q, "\",\"pa\":\"0x");
	q = put_xdigits(q, r->pa, 0);
	q = put_lit(q, "\",\"page\":");
	q = put_dec(q, ptk_level_size(r->level), 0);
	q = put_lit(q, ",\"level\":\"");
	q = put_str(q, ptk_level_name(&p->s->pg, r->level));
	q = put_lit(q, "\",\"count\":");
	q = put_dec(q, r->count, 0);
	for (size_t i = 0; i < 7; i++) {
		q = put_str(q, json_flags[i].key);
		q = put_bool(q, r->eff & json_flags[i].flag);
	}
	q = put_lit(q, ",\"pkey\":");
	q = put_dec(q, r->pkey, 0);
	if (e) {
		q = put_lit(q, ",\"entry\":\"0x");
		q = put_xdigits(q, e->raw, 0);
		*q++ = '"';
		for (size_t i = 7; i < 9; i++) {
			q = put_str(q, json_flags[i].key);
			q = put_bool(q, r->eff & json_flags[i].flag);
		}
	}
	if (sym) {
		/* escaped, it may outgrow a record: through stdio */
		q = put_lit(q, ",\"symbol\":");
		p->l.p = q;
		lb_flush(&p->l);
		json_str(stdout, sym);
		q = p->l.p;
	}
	q = put_lit(q, "}\n");
	p->l.p = q;
	lb_end_record(&p->l);
}

static enum ptk_status on_run(const struct ptk_run *r,
			      const struct ptk_walk_entry *e, void *priv)
{
	struct printer *p = priv;

	switch (p->format) {
	case FMT_TEXT:
		print_text(p, r, e);
		break;
	case FMT_JSON:
		print_json(p, r, e);
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
	lb_flush(&p->l);	/* the lines before it, first */
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
	struct printer *p;
	struct ptk_runs_ops ops = { .run = on_run, .bad = on_bad };
	enum ptk_runs_mode mode;
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&walk_argp, argc, argv, 0, NULL, &a);
	p = calloc(1, sizeof(*p));
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return EXIT_ENV;
	}
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&s);
		free(p);
		return ret;
	}
	p->s = &s;
	p->format = a.format;
	lb_init(&p->l, stdout);
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
		st = walk_ptdump(p, &a, &ret);
		if (ret != EXIT_OK)
			goto out;
	} else {
		st = ptk_runs_walk(s.src, &s.pg, a.start, a.end, mode, &ops, p);
	}
	lb_flush(&p->l);
	if (st != PTK_OK) {
		fflush(stdout);
		ret = fail_source(&s, st);
		goto out;
	}
	if (p->nbad) {
		if (p->nbad > MAX_BAD_SHOWN)
			fprintf(stderr, "%s: ... and %" PRIu64 " more entries "
				"that cannot be followed\n", argv[0],
				p->nbad - MAX_BAD_SHOWN);
		ret = EXIT_BADINPUT;
	}
out:
	lb_flush(&p->l);
	free(p);
	session_close(&s);
	return finish_output(argv[0], ret);
}
