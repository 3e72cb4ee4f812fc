// SPDX-License-Identifier: MIT
/* ptkit unmapped: the RAM the direct map does not map (or any holes). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "rmap-out.h"

struct unmapped_args {
	struct source_opts src;
	bool json, owners;
	bool has_range;
	uint64_t start, end;
};

enum { OPT_OWNERS = 0x200 };

struct holes {
	struct session *s;
	bool json;
	bool in_direct;		/* PFNs make sense */
	uint64_t page_offset;
	uint64_t nholes, pages;
	uint64_t nbad;		/* entries that could not be followed */
	struct attrib attrib;	/* what the holes' pages are, if known */
	/* --owners: the holes, kept until their owners are known */
	bool keep;
	struct ptk_hole *kept;
	size_t nkept, capkept;
	const struct rmap_out *owners;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "range", 'r', "START-END", 0,
	  "show the holes of this virtual range instead", 0 },
	{ "owners", OPT_OWNERS, NULL, 0,
	  "under each hole of the direct map, who maps its pages: each "
	  "process's user mappings (and other kernel ones), as ptkit rmap "
	  "finds them", 0 },
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
	case OPT_OWNERS:
		a->owners = true;
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

/* The owners of one hole's pages, merged into runs; see print_owners(). */
static void print_owners(const struct holes *u, uint64_t pfn,
			 uint64_t end_pfn);

static void print_hole(struct holes *u, const struct ptk_hole *h)
{
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
		if (u->owners)
			print_owners(u, pfn, end_pfn);
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
	if (u->owners && u->in_direct)
		print_owners(u, pfn, end_pfn);
}

static void print_owner(const struct holes *u, const struct ptk_rmap_run *o,
			bool first)
{
	const struct rmap_out *r = u->owners;
	const struct ptk_task *t = r->sp.task[o->space];
	char space[64], flags[96];
	struct ptk_rmap_rec rec = { .space = (uint32_t)o->space };

	if (u->json) {
		printf("%s{\"space\":\"%s\",\"pid\":", first ? "" : ",",
		       t ? "user" : "kernel");
		if (t) {
			printf("%" PRId32 ",\"comm\":", t->tgid);
			json_str(stdout, t->comm);
		} else {
			printf("null,\"comm\":null");
		}
		printf(",\"va\":\"0x%" PRIx64 "\",\"pfn\":\"0x%" PRIx64
		       "\",\"pages\":%" PRIu64 ",\"level\":\"%s\",\"rw\":%s,"
		       "\"nx\":%s,\"user\":%s}", o->va, o->pfn, o->pages,
		       ptk_level_name(&u->s->kpg, o->level),
		       o->eff & PTK_F_RW ? "true" : "false",
		       o->eff & PTK_F_NX ? "true" : "false",
		       o->eff & PTK_F_US ? "true" : "false");
		return;
	}
	flag_words(flags, sizeof(flags), o->eff, 0, false);
	printf("    owner %-20s 0x%016" PRIx64 " %6" PRIu64 " page%s from "
	       "pfn 0x%" PRIx64 ", %s %s\n",
	       rmap_space_name(r, &rec, space, sizeof(space)), o->va, o->pages,
	       o->pages == 1 ? " " : "s", o->pfn, page_name(o->level), flags);
}

static void print_owners(const struct holes *u, uint64_t pfn,
			 uint64_t end_pfn)
{
	const struct ptk_range pfns = { pfn, end_pfn };
	struct ptk_rmap_run *o;
	size_t n;

	if (u->json)
		printf(",\"owners\":[");
	if (ptk_rmap_runs(&u->owners->r, &pfns, &o, &n) != PTK_OK)
		n = 0;	/* out of memory: an empty list, as before */
	for (size_t i = 0; i < n; i++)
		print_owner(u, &o[i], !i);
	if (u->json)
		printf("]");
	free(o);
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

/* A hole of the walk: print it, or keep it for --owners. */
static enum ptk_status on_hole(const struct ptk_hole *h, void *priv)
{
	struct holes *u = priv;

	if (!u->keep) {
		print_hole(u, h);
		return PTK_OK;
	}
	if (u->nkept == u->capkept) {
		size_t cap = u->capkept ? 2 * u->capkept : 64;
		struct ptk_hole *p = realloc(u->kept, cap * sizeof(*p));

		if (!p)
			return PTK_ERR_NOMEM;
		u->kept = p;
		u->capkept = cap;
	}
	u->kept[u->nkept++] = *h;
	return PTK_OK;
}

/* --owners: who maps the pages of every hole kept, then the holes. */
static int print_kept(struct holes *u)
{
	struct ptk_range *pfns = calloc(u->nkept ? u->nkept : 1,
					sizeof(*pfns));
	struct rmap_out r;
	int ret;

	if (!pfns) {
		fprintf(stderr, "%s: out of memory\n", u->s->cmd);
		return EXIT_ENV;
	}
	for (size_t i = 0; i < u->nkept; i++) {
		pfns[i].start = (u->kept[i].va - u->page_offset) >> PTK_PAGE_SHIFT;
		pfns[i].end = (u->kept[i].end - u->page_offset) >> PTK_PAGE_SHIFT;
	}
	ret = rmap_collect(&r, u->s, pfns, u->nkept);
	free(pfns);
	if (ret != EXIT_OK)
		return ret;
	if (r.why_no_tasks)
		fprintf(stderr, "%s: '%s': owners in the kernel only: %s\n",
			u->s->cmd, ptk_source_name(u->s->src), r.why_no_tasks);
	u->owners = &r;
	for (size_t i = 0; i < u->nkept; i++)
		print_hole(u, &u->kept[i]);
	u->owners = NULL;
	rmap_out_release(&r);
	return EXIT_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct holes *u = priv;

	(void)e;
	(void)why;
	u->nbad++;
	fprintf(stderr, "%s: '%s': %s\n", u->s->cmd,
		ptk_source_name(u->s->src), ptk_ctx_err(u->s->ctx));
	return PTK_OK;
}

int cmd_unmapped(int argc, char **argv)
{
	static const struct ptk_holes_ops ops = {
		.hole = on_hole, .bad = on_bad,
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
	if (!direct && !a.has_range) {
		/* degrade, do not refuse: the holes of everything */
		fprintf(stderr, "%s: '%s': no direct map known (ptkit info "
			"says why): the holes of the whole address space\n",
			argv[0], a.src.path);
		a.has_range = true;
		a.start = a.end = 0;
	}
	if (a.has_range) {
		u.in_direct = direct && a.start >= direct->start &&
			      a.end - 1 < direct->end - 1;
		u.keep = a.owners && u.in_direct;
		if (!a.json && u.in_direct)
			print_header(&u);
		else if (!a.json)
			printf("%-37s %10s  %s\n", "VIRTUAL", "PAGES", "LEVEL");
		st = ptk_holes(s.src, &s.pg, a.start, a.end, &ops, &u);
	} else {
		u.in_direct = true;
		u.keep = a.owners;
		if (!a.json)
			print_header(&u);
		st = ptk_direct_map_holes(s.src, &s.pg, direct->start, &ops, &u);
	}
	if (st == PTK_ERR_NOMEM) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		ret = EXIT_ENV;
		goto out;
	}
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (u.keep && (ret = print_kept(&u)) != EXIT_OK)
		goto out;
	if (!a.json) {
		fmt_size(size, sizeof(size), u.pages << PTK_PAGE_SHIFT);
		printf("total: %" PRIu64 " pages (%s) in %" PRIu64 " hole%s\n",
		       u.pages, u.pages ? size : "0", u.nholes,
		       u.nholes == 1 ? "" : "s");
	}
	if (u.nbad)	/* each was named as the walk met it */
		ret = EXIT_BADINPUT;
out:
	free(u.kept);
	attrib_close(&u.attrib);
	session_close(&s);
	return finish_output(argv[0], ret);
}
