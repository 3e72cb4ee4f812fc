// SPDX-License-Identifier: MIT
/*
 * ptkit exposure: what physical memory an address space can reach, by
 * the kind of each page, for ASI and page-table isolation work.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Kinds as ptk_page_kind, and two more: pages no RAM holds (MMIO,
 * firmware), and RAM whose kind cannot be read. */
enum { KIND_NOT_RAM = PTK_PAGE_NKINDS, KIND_RAM, NKINDS };

struct exposure_args {
	struct source_opts src;
	bool json, list, against_kernel;
};

enum { OPT_AGAINST = 0x300 };

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default) or json (JSON Lines: one per kind, then a total)",
	  0 },
	{ "against", OPT_AGAINST, "kernel", 0,
	  "beside the kernel's own tables: what only they reach", 0 },
	{ "list", 'l', NULL, 0,
	  "every physical range reached, with a virtual address that maps "
	  "it", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct exposure_args *a = state->input;

	switch (key) {
	case OPT_AGAINST:
		if (strcmp(arg, "kernel"))
			argp_error(state, "--against: '%s' is not 'kernel'",
				   arg);
		a->against_kernel = true;
		return 0;
	case 'l':
		a->list = true;
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp exposure_argp = {
	options, parse_opt, "SOURCE",
	"Tell what physical memory an address space can reach, by the kind "
	"of each page (as ptkit pages gives it: kernel, slab, page tables, "
	"anon and file pages of processes, free pages, ...): pages, bytes, "
	"physical ranges and the virtual ranges that reach them.  The address "
	"space is the source's root, or the one --pti=user, --pid=N or "
	"--cr3=PA chooses: PTI's user copy, a process, an ASI restricted "
	"table rooted anywhere.\v"
	"With --against=kernel the kernel's own tables are walked too, and "
	"each kind says how many of its pages only they reach.  Anon and file "
	"pages are split into those the address space's user half maps and "
	"those only its kernel half reaches (other processes' memory, through "
	"the direct map).",
	source_children, NULL, NULL,
};

/* fmt_size(), and 0 for nothing (not 2^64) */
static void size_of(char *buf, size_t len, uint64_t pages)
{
	if (pages)
		fmt_size(buf, len, pages * PTK_PAGE_SIZE);
	else
		snprintf(buf, len, "0");
}

static const char *kind_name(unsigned k)
{
	return k == KIND_NOT_RAM ? "not-ram" : k == KIND_RAM ? "ram" :
	       ptk_page_kind_name((enum ptk_page_kind)k);
}

/* What one address space reaches: a bit per page frame of RAM. */
struct reach {
	uint64_t *bits, *user;		/* reached; by the user half */
	uint64_t *direct;		/* by the direct map */
	uint64_t *first_va;		/* a mapping of each, with --list */
	uint64_t vranges[NKINDS];	/* maximal virtual runs of a kind */
	uint64_t vpages[NKINDS];	/* virtual pages mapping a kind */
	uint64_t *beyond;		/* frames past RAM's end, unsorted */
	size_t nbeyond, cap;
	unsigned cur_kind;		/* the virtual run being counted */
	uint64_t cur_end;
	bool nomem;
};

struct exposure {
	const uint8_t *kinds;		/* per page frame, below max_pfn */
	uint64_t max_pfn;
	const struct ptk_paging *pg;
	struct reach *r;
	uint64_t direct_start, direct_end;	/* the direct map, or 0 0 */
};

static bool test_bit(const uint64_t *b, uint64_t i)
{
	return b[i / 64] >> (i % 64) & 1;
}

static void set_bit(uint64_t *b, uint64_t i)
{
	b[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool user_half(const struct ptk_paging *pg, uint64_t va)
{
	return !(va >> 63) && ptk_va_canonical(pg, va);
}

static void reach_page(struct exposure *x, uint64_t va, uint64_t pa)
{
	struct reach *r = x->r;
	uint64_t pfn = pa >> PTK_PAGE_SHIFT;
	unsigned kind;

	if (pfn < x->max_pfn) {
		kind = x->kinds[pfn];
		set_bit(r->bits, pfn);
		if (user_half(x->pg, va))
			set_bit(r->user, pfn);
		if (va >= x->direct_start && va < x->direct_end)
			set_bit(r->direct, pfn);
		if (r->first_va && !r->first_va[pfn])
			r->first_va[pfn] = va;
	} else {
		kind = KIND_NOT_RAM;
		if (r->nbeyond == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 256;
			uint64_t *p = realloc(r->beyond, cap * sizeof(*p));

			if (!p) {
				r->nomem = true;
				return;
			}
			r->beyond = p;
			r->cap = cap;
		}
		r->beyond[r->nbeyond++] = pfn;
	}
	r->vpages[kind]++;
	if (kind != r->cur_kind || va != r->cur_end)
		r->vranges[kind]++;
	r->cur_kind = kind;
	r->cur_end = va + PTK_PAGE_SIZE;
}

static enum ptk_status reach_run(const struct ptk_walk_entry *e, uint64_t n,
				 void *priv)
{
	struct exposure *x = priv;

	for (uint64_t i = 0; i < n && !x->r->nomem; i++)
		reach_page(x, e->va + i * PTK_PAGE_SIZE,
			   e->addr + i * PTK_PAGE_SIZE);
	return x->r->nomem ? PTK_ERR_NOMEM : PTK_OK;
}

static enum ptk_status reach_leaf(const struct ptk_walk_entry *e, void *priv)
{
	uint64_t size = e->end - e->va;

	return reach_run(e, size >> PTK_PAGE_SHIFT, priv);
}

static enum ptk_status reach_bad(const struct ptk_walk_entry *e,
				 enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;	/* a hole: ptkit walk and check name them */
}

static void reach_release(struct reach *r)
{
	free(r->bits);
	free(r->user);
	free(r->direct);
	free(r->first_va);
	free(r->beyond);
}

static enum ptk_status reach_walk(struct session *s, const uint8_t *kinds,
				  uint64_t max_pfn,
				  const struct ptk_paging *pg, bool list,
				  struct reach *r)
{
	static const struct ptk_walk_ops ops = {
		.leaf = reach_leaf, .leaf_run = reach_run, .bad = reach_bad,
	};
	struct exposure x = { kinds, max_pfn, pg, r, 0, 0 };
	const struct ptk_region *direct = region_named(s->src,
						       "Low Kernel Mapping");
	size_t words = max_pfn / 64 + 1;
	enum ptk_status st;

	if (direct) {
		x.direct_start = direct->start;
		x.direct_end = direct->end;
	}
	memset(r, 0, sizeof(*r));
	r->cur_kind = NKINDS;
	r->bits = calloc(words, sizeof(*r->bits));
	r->user = calloc(words, sizeof(*r->user));
	r->direct = calloc(words, sizeof(*r->direct));
	if (list)
		r->first_va = calloc(max_pfn + 1, sizeof(*r->first_va));
	if (!r->bits || !r->user || !r->direct || (list && !r->first_va))
		return ptk_set_err(s->ctx, PTK_ERR_NOMEM, "exposure");
	st = ptk_walk(s->src, pg, 0, 0, &ops, &x);
	if (st == PTK_ERR_NOMEM || r->nomem)
		return ptk_set_err(s->ctx, PTK_ERR_NOMEM, "exposure");
	return st;
}

/* The kind of every page of RAM; KIND_RAM where it cannot be read. */
struct kinds {
	uint8_t *kind;
	uint64_t max_pfn;
};

static enum ptk_status note_kind(uint64_t pfn, const struct ptk_page_info *pi,
				 void *priv)
{
	struct kinds *k = priv;

	if (pfn < k->max_pfn)
		k->kind[pfn] = (uint8_t)pi->kind;
	return PTK_OK;
}

static bool read_kinds(struct session *s, struct kinds *k, char *why,
		       size_t len)
{
	const struct ptk_range *ram;
	struct table_pages tp;
	enum ptk_status st;
	size_t nram;

	k->max_pfn = (ptk_source_ram_end(s->src) + PTK_PAGE_SIZE - 1) >>
		     PTK_PAGE_SHIFT;
	k->kind = malloc(k->max_pfn + 1);
	if (!k->kind)
		return false;
	memset(k->kind, KIND_NOT_RAM, k->max_pfn + 1);
	ram = ptk_source_ram(s->src, &nram);
	for (size_t i = 0; i < nram; i++)
		memset(k->kind + (ram[i].start >> PTK_PAGE_SHIFT), KIND_RAM,
		       ((ram[i].end + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT) -
		       (ram[i].start >> PTK_PAGE_SHIFT));
	table_pages_init(&tp);
	st = table_pages_collect(&tp, s, s->src, &s->kpg);
	if (st == PTK_OK && table_pages_add_processes(&tp, s))
		st = ptk_set_err(s->ctx, PTK_ERR_NOMEM, "table pages");
	if (st == PTK_OK)
		st = ptk_pages_walk(s->src, &s->kpg, &s->layout, tp.pfn, tp.n,
				    0, UINT64_MAX, note_kind, k, NULL);
	table_pages_release(&tp);
	if (st != PTK_OK) {
		snprintf(why, len, "%s", ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
	}
	return true;
}

struct tally {
	uint64_t pages[NKINDS], ranges[NKINDS], user[NKINDS];
	uint64_t only_kernel[NKINDS];
	uint64_t undirect;	/* RAM reached that the direct map lacks */
	bool direct_known;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct frames past RAM's end, in runs. */
static void tally_beyond(struct reach *r, uint64_t *pages, uint64_t *ranges)
{
	if (r->nbeyond)
		qsort(r->beyond, r->nbeyond, sizeof(*r->beyond), cmp_u64);
	for (size_t i = 0; i < r->nbeyond; i++) {
		if (i && r->beyond[i] == r->beyond[i - 1])
			continue;
		(*pages)++;
		if (!i || r->beyond[i] != r->beyond[i - 1] + 1)
			(*ranges)++;
	}
}

/* @kr: what the kernel's own tables reach (@r itself when the same) */
static void tally(struct tally *t, const struct kinds *k, struct reach *r,
		  const struct reach *kr, bool against, bool direct_known)
{
	unsigned prev = NKINDS;

	memset(t, 0, sizeof(*t));
	t->direct_known = direct_known;
	for (uint64_t pfn = 0; pfn < k->max_pfn; pfn++) {
		unsigned kind = k->kind[pfn];
		bool in = test_bit(r->bits, pfn);

		if (against && !in && test_bit(kr->bits, pfn))
			t->only_kernel[kind]++;
		if (!in) {
			prev = NKINDS;
			continue;
		}
		t->pages[kind]++;
		t->ranges[kind] += kind != prev;
		t->undirect += t->direct_known && kind != KIND_NOT_RAM &&
			       !test_bit(kr->direct, pfn);
		t->user[kind] += test_bit(r->user, pfn);
		prev = kind;
	}
	tally_beyond(r, &t->pages[KIND_NOT_RAM], &t->ranges[KIND_NOT_RAM]);
	if (against) {
		struct reach copy = *kr;
		uint64_t kp = 0, kranges = 0;

		/* frames past RAM: only-kernel as a difference of counts */
		tally_beyond(&copy, &kp, &kranges);
		t->only_kernel[KIND_NOT_RAM] = kp > t->pages[KIND_NOT_RAM] ?
					       kp - t->pages[KIND_NOT_RAM] : 0;
	}
}

static void print_list(const struct kinds *k, const struct reach *r,
		       bool json)
{
	for (uint64_t pfn = 0; pfn < k->max_pfn;) {
		uint64_t end = pfn + 1;
		unsigned kind = k->kind[pfn];

		if (!test_bit(r->bits, pfn)) {
			pfn++;
			continue;
		}
		while (end < k->max_pfn && test_bit(r->bits, end) &&
		       k->kind[end] == kind)
			end++;
		if (json)
			printf("{\"kind\":\"%s\",\"pfn\":\"0x%" PRIx64
			       "\",\"end_pfn\":\"0x%" PRIx64 "\",\"pages\":%"
			       PRIu64 ",\"va\":\"0x%" PRIx64 "\"}\n",
			       kind_name(kind), pfn, end, end - pfn,
			       r->first_va[pfn]);
		else
			printf("0x%010" PRIx64 "-0x%010" PRIx64 " %10" PRIu64
			       "  %-16s 0x%016" PRIx64 "\n", pfn, end,
			       end - pfn, kind_name(kind), r->first_va[pfn]);
		pfn = end;
	}
}

static void print_text(const struct tally *t, const struct reach *r,
		       bool against)
{
	uint64_t sum[6] = { 0 };
	char size[32];

	printf("%-16s %10s %10s %8s %8s %10s", "KIND", "PAGES", "SIZE",
	       "RANGES", "VRANGES", "USER-HALF");
	if (against)
		printf(" %11s", "ONLY-KERNEL");
	printf("\n");
	for (unsigned k = 0; k < NKINDS; k++) {
		if (!t->pages[k] && !r->vpages[k] && !t->only_kernel[k])
			continue;
		size_of(size, sizeof(size), t->pages[k]);
		printf("%-16s %10" PRIu64 " %10s %8" PRIu64 " %8" PRIu64
		       " %10" PRIu64, kind_name(k), t->pages[k], size,
		       t->ranges[k], r->vranges[k], t->user[k]);
		if (against)
			printf(" %11" PRIu64, t->only_kernel[k]);
		printf("\n");
		sum[0] += t->pages[k];
		sum[1] += t->ranges[k];
		sum[2] += r->vranges[k];
		sum[3] += t->user[k];
		sum[4] += t->only_kernel[k];
	}
	size_of(size, sizeof(size), sum[0]);
	printf("%-16s %10" PRIu64 " %10s %8" PRIu64 " %8" PRIu64 " %10" PRIu64,
	       "total", sum[0], size, sum[1], sum[2], sum[3]);
	if (against)
		printf(" %11" PRIu64, sum[4]);
	printf("\n");
	if (t->undirect)
		printf("\n%" PRIu64 " page%s of RAM reached here %s not in the "
		       "kernel's direct map: taken out of it, as secretmem "
		       "and guest_memfd do, or never in it\n",
		       t->undirect, t->undirect == 1 ? "" : "s",
		       t->undirect == 1 ? "is" : "are");
}

static void print_json(const struct tally *t, const struct reach *r,
		       bool against)
{
	uint64_t pages = 0, vpages = 0, only = 0;

	for (unsigned k = 0; k < NKINDS; k++) {
		if (!t->pages[k] && !r->vpages[k] && !t->only_kernel[k])
			continue;
		printf("{\"kind\":\"%s\",\"pages\":%" PRIu64 ",\"bytes\":%"
		       PRIu64 ",\"ranges\":%" PRIu64 ",\"virtual_ranges\":%"
		       PRIu64 ",\"virtual_pages\":%" PRIu64 ",\"user_pages\":%"
		       PRIu64, kind_name(k), t->pages[k],
		       t->pages[k] * PTK_PAGE_SIZE, t->ranges[k],
		       r->vranges[k], r->vpages[k], t->user[k]);
		if (against)
			printf(",\"only_kernel_pages\":%" PRIu64,
			       t->only_kernel[k]);
		printf("}\n");
		pages += t->pages[k];
		vpages += r->vpages[k];
		only += t->only_kernel[k];
	}
	printf("{\"total\":{\"pages\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"virtual_pages\":%" PRIu64, pages, pages * PTK_PAGE_SIZE,
	       vpages);
	if (against)
		printf(",\"only_kernel_pages\":%" PRIu64, only);
	if (t->direct_known)
		printf(",\"outside_direct_map_pages\":%" PRIu64, t->undirect);
	printf("}}\n");
}

/*
 * A --cr3 table is the one asked about, not the kernel's: an ASI
 * restricted table need not map the kernel's memory.  The kernel's own
 * tables, to read struct pages through and to compare with, stay the
 * source's root where it has one.
 */
static void kernel_tables(struct session *s, const struct source_opts *o)
{
	struct ptk_paging found;
	struct ptk_discovery why;

	if (o->has_cr3 && ptk_paging_discover(s->src, &found, &why) == PTK_OK &&
	    found.levels == s->pg.levels)
		s->kpg.root = found.root & ~PTI_USER_BIT;
	ptk_ctx_clear_err(s->ctx);
}

int cmd_exposure(int argc, char **argv)
{
	struct exposure_args a = { 0 };
	struct kinds k = { 0 };
	struct reach r = { 0 }, kr = { 0 };
	struct tally t;
	struct session s;
	char why[512] = "";
	enum ptk_status st;
	bool same;
	int ret;

	argp_parse(&exposure_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	kernel_tables(&s, &a.src);
	if (!read_kinds(&s, &k, why, sizeof(why))) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		ret = EXIT_ENV;
		goto out;
	}
	/* the kernel's own tables too: for --against and the direct map */
	same = s.kpg.root == s.pg.root && s.kpg.levels == s.pg.levels;
	st = reach_walk(&s, k.kind, k.max_pfn, &s.pg, a.list, &r);
	if (st == PTK_OK && !same)
		st = reach_walk(&s, k.kind, k.max_pfn, &s.kpg, false, &kr);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	tally(&t, &k, &r, same ? &r : &kr, a.against_kernel,
	      region_named(s.src, "Low Kernel Mapping") != NULL);
	if (!a.json) {
		printf("address space: 0x%016" PRIx64 " (%s)\n", s.pg.root,
		       s.why.root);
		if (a.against_kernel)
			printf("against:       0x%016" PRIx64 ", the kernel's "
			       "own tables\n", s.kpg.root);
		printf("\n");
	}
	if (a.list)
		print_list(&k, &r, a.json);
	else if (a.json)
		print_json(&t, &r, a.against_kernel);
	if (!a.json) {
		if (a.list)
			printf("\n");
		print_text(&t, &r, a.against_kernel);
	}
	if (*why)
		fprintf(stderr, "%s: the kinds of pages are not known (%s): "
			"RAM counts as 'ram'\n", argv[0], why);
out:
	reach_release(&r);
	reach_release(&kr);
	free(k.kind);
	session_close(&s);
	return finish_output(argv[0], ret);
}
