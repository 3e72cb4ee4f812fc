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

/* HugeTLB folios by order, free or in use; and the one being counted */
struct hugetlb_count {
	uint64_t folios[64][2];		/* [order][free] */
	uint64_t pages[2];		/* [free] */
	uint64_t fake_heads;		/* tails read through HVO aliases */
	uint64_t cur_pages;		/* of the folio being counted */
	bool cur_free;
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
	uint64_t counted_tables;	/* those the kernel's counter counts */
	bool ranged;			/* --range: counters do not apply */
	bool hugetlb_free;		/* of the run, when hugetlb */
	bool hugetlb_known;		/* VMCOREINFO tells hugetlb apart */
	struct hugetlb_count huge;
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
	bool huge = o->kind == PTK_PAGE_HUGETLB;

	o->runs++;
	if (o->summary)
		return;
	if (o->json)
		printf("{\"pfn\":\"0x%" PRIx64 "\",\"end_pfn\":\"0x%" PRIx64
		       "\",\"pages\":%" PRIu64 ",\"kind\":\"%s\"%s}\n",
		       o->start, o->end, o->end - o->start,
		       ptk_page_kind_name(o->kind), !huge ? "" :
		       o->hugetlb_free ? ",\"free\":true" : ",\"free\":false");
	else
		printf("0x%010" PRIx64 "-0x%010" PRIx64 " %10" PRIu64 "  %s%s\n",
		       o->start, o->end, o->end - o->start,
		       ptk_page_kind_name(o->kind), !huge ? "" :
		       o->hugetlb_free ? ", free" : ", in use");
}

static unsigned order_of(uint64_t pages)
{
	unsigned order = 0;

	while (order < 63 && (UINT64_C(1) << order) < pages)
		order++;
	return order;
}

/* A HugeTLB folio is a head and the tails after it. */
static void count_hugetlb(struct hugetlb_count *h,
			  const struct ptk_page_info *pi)
{
	bool huge = pi->kind == PTK_PAGE_HUGETLB;

	if (h->cur_pages && (!huge || pi->compound != 't')) {
		h->folios[order_of(h->cur_pages)][h->cur_free]++;
		h->cur_pages = 0;
	}
	if (!huge)
		return;
	h->pages[pi->hugetlb_free]++;
	h->fake_heads += pi->fake_head;
	if (pi->compound == 'h') {
		h->cur_pages = 1;
		h->cur_free = pi->hugetlb_free;
	} else if (h->cur_pages) {
		h->cur_pages++;
	}
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
	o->counted_tables += pi->counted_table;
	if (pi->freed_table && !o->freed_tables++)
		o->first_freed_table = pfn;
	count_hugetlb(&o->huge, pi);
	if (o->pending && o->end == pfn && o->kind == pi->kind &&
	    (pi->kind != PTK_PAGE_HUGETLB || o->hugetlb_free == pi->hugetlb_free)) {
		o->end++;
		return PTK_OK;
	}
	if (o->pending)
		print_run(o);
	o->pending = true;
	o->start = pfn;
	o->end = pfn + 1;
	o->kind = pi->kind;
	o->hugetlb_free = pi->hugetlb_free;
	return PTK_OK;
}

/*
 * The kernel's own counters beside the kinds, each difference with its
 * reason.  What the kernel counts and what a struct page says differ in
 * known ways: NR_PAGETABLE counts only the tables pte_alloc_one() and
 * pmd_alloc_one() made (PG_table), not boot-time tables nor user PUDs
 * and PGDs; NR_SLAB_* count kmalloc_large() allocations, compound kernel
 * pages that are not PG_slab (mm/slab_common.c); NR_ANON_MAPPED leaves
 * out hugetlb pages, which are anon where VMCOREINFO cannot tell hugetlb
 * folios apart.
 */
struct counter_line {
	const char *name;	/* as /proc/vmstat prints it */
	const char *item[2];	/* enumerators, summed */
	int64_t pages;		/* what the kinds say the counter holds */
	int64_t other;		/* pages the note is about, or 0 */
	const char *note;	/* printf format for other (and pages) */
};

static void counters_lines(const struct pages_out *o, struct counter_line *l)
{
	const struct kind_count *c = o->count;
	int64_t compound_kernel = (int64_t)(c[PTK_PAGE_KERNEL].heads +
					    c[PTK_PAGE_KERNEL].tails);
	/* without the keys that tell hugetlb apart, its folios are anon */
	int64_t compound_anon = o->hugetlb_known ? 0 :
				(int64_t)(c[PTK_PAGE_ANON].heads +
					  c[PTK_PAGE_ANON].tails);

	l[0] = (struct counter_line){ "nr_free_pages", { "NR_FREE_PAGES" },
		(int64_t)c[PTK_PAGE_FREE].pages, 0, NULL };
	l[1] = (struct counter_line){ "nr_page_table_pages",
		{ "NR_PAGETABLE" }, (int64_t)o->counted_tables,
		(int64_t)c[PTK_PAGE_PGTABLE].pages,
		"of %" PRId64 " page tables: only those pte_alloc_one() and "
		"pmd_alloc_one() made count" };
	l[2] = (struct counter_line){ "nr_slab_reclaimable+unreclaimable",
		{ "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE_B" },
		(int64_t)c[PTK_PAGE_SLAB].pages + compound_kernel,
		compound_kernel,
		"%" PRId64 " of them in compound kernel pages: kmalloc_large() "
		"counts as slab" };
	l[3] = (struct counter_line){ "nr_file_pages", { "NR_FILE_PAGES" },
		(int64_t)c[PTK_PAGE_FILE].pages, 0, NULL };
	l[4] = (struct counter_line){ "nr_anon_pages", { "NR_ANON_MAPPED" },
		(int64_t)c[PTK_PAGE_ANON].pages - compound_anon,
		compound_anon,
		"and %" PRId64 " anonymous pages in compound pages it leaves "
		"out: hugetlb" };
}

enum { NCOUNTERS = 5 };

/* The counters of @s, or false (quietly) without symbols or BTF. */
static bool read_counters(struct session *s, const struct counter_line *l,
			  struct ptk_counter *c)
{
	struct ptk_vmstat *vs = session_vmstat(s);

	if (!vs)
		return false;
	for (unsigned i = 0; i < NCOUNTERS; i++) {
		c[i].atomic = c[i].pending = 0;
		for (unsigned j = 0; j < 2 && l[i].item[j]; j++) {
			struct ptk_counter one;

			if (ptk_vmstat_global(vs, l[i].item[j], &one) != PTK_OK) {
				ptk_ctx_clear_err(s->ctx);
				return false;
			}
			c[i].atomic += one.atomic;
			c[i].pending += one.pending;
		}
	}
	return true;
}

/*
 * The HugeTLB pools beside the folios found: nr_hugepages and
 * free_hugepages of each size, as sysfs names them.  Returns how many
 * disagree.
 */
static unsigned print_pools(struct session *s, const struct pages_out *o)
{
	struct ptk_hstate h[PTK_MAX_HSTATES];
	struct ptk_types *types = session_types_quiet(s);
	unsigned bad = 0;
	size_t n;

	if (!types || !s->syms ||
	    ptk_hugetlb_pools(s->src, &s->kpg, s->syms, types, h, &n) !=
	    PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const uint64_t *f = o->huge.folios[h[i].order < 64 ?
						    h[i].order : 63];
		struct {
			const char *name;
			uint64_t counter, folios;
		} l[2] = {
			{ "nr_hugepages", h[i].total, f[0] + f[1] },
			{ "free_hugepages", h[i].free, f[1] },
		};
		char name[64];

		if (!l[0].counter && !l[0].folios)
			continue;	/* a size registered, never used */
		for (unsigned j = 0; j < 2; j++) {
			bool same = l[j].counter == l[j].folios;

			bad += !same;
			snprintf(name, sizeof(name), "hugepages-%" PRIu64
				 "kB/%s", (UINT64_C(4) << h[i].order),
				 l[j].name);
			if (o->json) {
				printf(",\"%s\":{\"counter\":%" PRIu64
				       ",\"folios\":%" PRIu64 "}", name,
				       l[j].counter, l[j].folios);
				continue;
			}
			printf("  %-34s %8" PRIu64 " %s %" PRIu64 " folio%s\n",
			       name, l[j].counter, same ? "=" : "!=",
			       l[j].folios, l[j].folios == 1 ? "" : "s");
		}
	}
	return bad;
}

/* Returns how many counters disagree with the kinds. */
static unsigned print_counters(struct session *s, const struct pages_out *o)
{
	struct counter_line l[NCOUNTERS];
	struct ptk_counter c[NCOUNTERS];
	unsigned bad = 0;

	counters_lines(o, l);
	if (!read_counters(s, l, c)) {
		if (!o->json && ptk_source_meta(s->src, "OSRELEASE"))
			printf("the kernel's counters: not known (%s)\n",
			       s->why_no_vmstat);
		return 0;
	}
	if (o->json)
		printf(",\"counters\":{");
	else
		printf("\nthe kernel's counters at the dump (as /proc/vmstat, "
		       "with what %u CPU%s had not folded in):\n",
		       ptk_vmstat_cpus(s->vmstat),
		       ptk_vmstat_cpus(s->vmstat) == 1 ? "" : "s");
	for (unsigned i = 0; i < NCOUNTERS; i++) {
		int64_t value = c[i].atomic + c[i].pending;
		bool same = value == l[i].pages;

		bad += !same;
		if (o->json) {
			printf("%s\"%s\":{\"counter\":%" PRId64 ",\"pending\":%"
			       PRId64 ",\"pages\":%" PRId64 "}", i ? "," : "",
			       l[i].name, c[i].atomic, c[i].pending,
			       l[i].pages);
			continue;
		}
		printf("  %-34s %8" PRId64, l[i].name, c[i].atomic);
		if (c[i].pending)
			printf(" %+" PRId64, c[i].pending);
		printf(" %s %" PRId64 " pages", same ? "=" : "!=", l[i].pages);
		if (l[i].other) {
			printf(" (");
			printf(l[i].note, l[i].other);
			printf(")");
		}
		printf("\n");
	}
	bad += print_pools(s, o);
	if (o->json)
		printf("}");
	return bad;
}

/* The HugeTLB folios by size, free and in use; the HVO aliases read. */
static void print_hugetlb(const struct pages_out *o)
{
	const struct hugetlb_count *h = &o->huge;
	const char *sep = "";
	char size[32];

	if (!h->pages[0] && !h->pages[1])
		return;
	if (o->json) {
		printf(",\"hugetlb\":{\"pages\":%" PRIu64 ",\"free_pages\":%"
		       PRIu64 ",\"fake_heads\":%" PRIu64 ",\"folios\":{",
		       h->pages[0] + h->pages[1], h->pages[1], h->fake_heads);
		for (unsigned i = 0; i < 64; i++) {
			if (!h->folios[i][0] && !h->folios[i][1])
				continue;
			fmt_size(size, sizeof(size), PTK_PAGE_SIZE << i);
			printf("%s\"%s\":{\"free\":%" PRIu64 ",\"in_use\":%"
			       PRIu64 "}", sep, size, h->folios[i][1],
			       h->folios[i][0]);
			sep = ",";
		}
		printf("}}");
		return;
	}
	for (unsigned i = 0; i < 64; i++) {
		uint64_t n = h->folios[i][0] + h->folios[i][1];

		if (!n)
			continue;
		fmt_size(size, sizeof(size), PTK_PAGE_SIZE << i);
		printf("hugetlb: %" PRIu64 " folio%s of %s: %" PRIu64 " free, %"
		       PRIu64 " in use\n", n, n == 1 ? "" : "s", size,
		       h->folios[i][1], h->folios[i][0]);
	}
	if (h->fake_heads)
		printf("hugetlb: %" PRIu64 " tail struct page%s read as heads: "
		       "in vmemmap pages that alias the head's (HVO)\n",
		       h->fake_heads, h->fake_heads == 1 ? "" : "s");
}

static void print_totals(struct session *s, const struct pages_out *o)
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
		print_hugetlb(o);
		if (!o->ranged)
			print_counters(s, o);
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
	print_hugetlb(o);
	if (o->count[PTK_PAGE_PGTABLE].pages) {
		char what[256];

		attrib_text(what, sizeof(what), o->table_kinds);
		printf("page tables by their struct pages: %s\n", what);
	}
	if (!o->ranged)
		print_counters(s, o);
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
		{ offsetof(struct ptk_pages_keys, hugetlb),
		  "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE), NUMBER(PG_hugetlb) or "
		  "NUMBER(HUGETLB_PAGE_DTOR)",
		  "hugetlb pages are not told apart" },
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
	o.ranged = a.start != 0 || a.end != UINT64_MAX;
	st = table_pages_collect(&tp, &s, s.src, &s.pg);
	if (st == PTK_OK && table_pages_add_processes(&tp, &s))
		st = ptk_set_err(s.ctx, PTK_ERR_NOMEM, "table pages");
	if (st == PTK_OK && !a.json && !a.summary)
		printf("%-25s %10s  %s\n", "PFN", "PAGES", "KIND");
	if (st == PTK_OK)
		st = ptk_pages_walk(s.src, &s.pg, &s.layout, tp.pfn, tp.n,
				    a.start, a.end, on_page, &o, &missing);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	count_hugetlb(&o.huge, &(struct ptk_page_info){ .kind = PTK_PAGE_NOMAP });
	o.hugetlb_known = !missing.hugetlb;
	if (o.pending)
		print_run(&o);
	if (!a.json || a.summary)
		print_totals(&s, &o);
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
