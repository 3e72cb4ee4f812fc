// SPDX-License-Identifier: MIT
/* ptkit vmemmap: the struct pages' mapping, and the pages it shares. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct vmemmap_args {
	struct source_opts src;
	bool json, summary;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default) or json (JSON Lines: one per folio, then a total)",
	  0 },
	{ "summary", 's', NULL, 0, "only the totals and the check", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct vmemmap_args *a = state->input;

	if (key == 's') {
		a->summary = true;
		return 0;
	}
	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp vmemmap_argp = {
	options, parse_opt, "SOURCE",
	"Show how the vmemmap (the kernel's struct pages) is mapped, and which "
	"of its pages the kernel shares: with the HugeTLB Vmemmap "
	"Optimization (hugetlb_free_vmemmap=on) or device-dax compound "
	"pagemaps, the vmemmap pages of a large folio's tail struct pages map "
	"one page, read-only.  For each such folio: its head PFN, order, kind, "
	"vmemmap pages, how many are aliases, the pages saved, the page they "
	"share.\v"
	"Checked as the kernel leaves them: aliases read-only, the head's "
	"vmemmap page writable, the aliases of one folio onto one page, none "
	"past the folio.  A folio that breaks a rule, or an alias whose struct "
	"pages name no head, is a finding: exit status 1.",
	source_children, NULL, NULL,
};

static const struct {
	unsigned bit;
	const char *name;
} problems[] = {
	{ PTK_VMEMMAP_ALIAS_WRITABLE, "alias-writable" },
	{ PTK_VMEMMAP_HEAD_READONLY, "head-read-only" },
	{ PTK_VMEMMAP_FRAMES, "several-pages" },
	{ PTK_VMEMMAP_ORDER, "past-order" },
};
enum { NPROBLEMS = sizeof(problems) / sizeof(problems[0]) };

struct folio_kind {
	struct ptk_page_info info;
	bool known;
};

static enum ptk_status note_kind(uint64_t pfn, const struct ptk_page_info *pi,
				 void *priv)
{
	struct folio_kind *k = priv;

	(void)pfn;
	k->info = *pi;
	k->known = true;
	return PTK_OK;
}

/* What pages says of the folio's head: "hugetlb, free", "anon", ... */
static void folio_kind(struct session *s, uint64_t pfn, char *buf,
		       size_t len, bool *hugetlb, bool *free)
{
	struct folio_kind k = { .known = false };

	if (ptk_pages_walk(s->src, &s->pg, &s->layout, NULL, 0, pfn, pfn + 1,
			   note_kind, &k, NULL) != PTK_OK || !k.known) {
		ptk_ctx_clear_err(s->ctx);
		snprintf(buf, len, "-");
		*hugetlb = *free = false;
		return;
	}
	*hugetlb = k.info.kind == PTK_PAGE_HUGETLB;
	*free = k.info.hugetlb_free;
	snprintf(buf, len, "%s%s", ptk_page_kind_name(k.info.kind),
		 !*hugetlb ? "" : *free ? ", free" : ", in use");
}

static void problem_words(char *buf, size_t len, unsigned bits,
			  const char *sep)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < NPROBLEMS && at < len; i++)
		if (bits & problems[i].bit)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? sep : "", problems[i].name);
}

struct totals {
	uint64_t by_order[64];
	uint64_t vmemmap_pages, shared, saved;
	uint64_t problem[NPROBLEMS];
	uint64_t bad_folios;
};

static void print_folio(struct session *s, const struct ptk_vmemmap *vm,
			const struct ptk_vmemmap_folio *f, bool json)
{
	char kind[64], size[32], words[128];
	bool hugetlb, free;

	folio_kind(s, f->pfn, kind, sizeof(kind), &hugetlb, &free);
	fmt_size(size, sizeof(size), (uint64_t)PTK_PAGE_SIZE << f->order);
	if (json) {
		problem_words(words, sizeof(words), f->problems, "\",\"");
		printf("{\"pfn\":\"0x%" PRIx64 "\",\"order\":%u,\"kind\":\"%s\"",
		       f->pfn, f->order, hugetlb ? "hugetlb" : kind);
		if (hugetlb)
			printf(",\"free\":%s", free ? "true" : "false");
		printf(",\"va\":\"0x%" PRIx64 "\",\"vmemmap_pages\":%" PRIu64
		       ",\"shared\":%" PRIu64 ",\"saved\":%" PRIu64
		       ",\"page\":\"0x%" PRIx64 "\",\"writable_aliases\":%"
		       PRIu64 ",\"pages_shared_onto\":%" PRIu64
		       ",\"problems\":[%s%s%s]}\n", f->va, f->vmemmap_pages,
		       f->shared, f->saved, f->frame, f->writable_aliases,
		       f->frames, *words ? "\"" : "", words,
		       *words ? "\"" : "");
		return;
	}
	(void)vm;
	problem_words(words, sizeof(words), f->problems, ",");
	printf("0x%010" PRIx64 " %6u %5s  %-16s %7" PRIu64 " %7" PRIu64
	       " %6" PRIu64 "  0x%016" PRIx64 "  %s\n", f->pfn, f->order, size,
	       kind, f->vmemmap_pages, f->shared, f->saved, f->frame,
	       *words ? words : "ok");
}

static void sum(struct totals *t, const struct ptk_vmemmap *vm)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < vm->nfolios; i++) {
		const struct ptk_vmemmap_folio *f = &vm->folios[i];

		t->by_order[f->order < 64 ? f->order : 63]++;
		t->vmemmap_pages += f->vmemmap_pages;
		t->shared += f->shared;
		t->saved += f->saved;
		t->bad_folios += f->problems != 0;
		for (unsigned p = 0; p < NPROBLEMS; p++)
			t->problem[p] += !!(f->problems & problems[p].bit);
	}
}

static void print_head_text(const struct ptk_vmemmap *vm)
{
	char ram[32];

	fmt_size(ram, sizeof(ram), vm->ram_pages * PTK_PAGE_SIZE);
	printf("vmemmap:  0x%016" PRIx64 ": struct pages of %" PRIu64
	       " bytes, for %" PRIu64 " pages of RAM (%s)\n", vm->base,
	       vm->page_size, vm->ram_pages, ram);
	printf("mapped:  ");
	for (unsigned l = 3, n = 0; l >= 1; l--) {
		static const char *const names[] = { "4K", "2M", "1G" };

		if (!vm->leaves[l - 1])
			continue;
		printf("%s %" PRIu64 " %s", n++ ? "," : "", vm->leaves[l - 1],
		       names[l - 1]);
	}
	printf(" page%s", vm->leaves[0] + vm->leaves[1] + vm->leaves[2] == 1 ?
	       "" : "s");
	if (vm->pte_tables)
		printf("; the 4K ones in %" PRIu64 " PTE table%s (2M of "
		       "vmemmap split to 4K each)", vm->pte_tables,
		       vm->pte_tables == 1 ? "" : "s");
	printf("\n");
	if (vm->unmapped_struct_pages)
		printf("holes:    %" PRIu64 " pages the dump holds as RAM have "
		       "no struct page mapped (memory the kernel does not "
		       "manage, as firmware, or a hole in the vmemmap)\n",
		       vm->unmapped_struct_pages);
	if (vm->bad_entries)
		printf("bad:      %" PRIu64 " entries could not be followed "
		       "(ptkit walk names them)\n", vm->bad_entries);
	printf("aliases:  %" PRIu64 " 4K page%s map%s a page that a vmemmap "
	       "page below maps\n", vm->aliases, vm->aliases == 1 ? "" : "s",
	       vm->aliases == 1 ? "s" : "");
}

static void print_total_text(const struct ptk_vmemmap *vm,
			     const struct totals *t)
{
	char size[32], saved[32];
	const char *sep = "";

	if (!vm->nfolios) {
		printf("folios:   none: no vmemmap page is shared (no HugeTLB "
		       "Vmemmap Optimization, no compound pagemaps)\n");
	} else {
		printf("total:    %zu folio%s (", vm->nfolios,
		       vm->nfolios == 1 ? "" : "s");
		for (unsigned o = 0; o < 64; o++) {
			if (!t->by_order[o])
				continue;
			fmt_size(size, sizeof(size), (uint64_t)PTK_PAGE_SIZE << o);
			printf("%s%" PRIu64 " of %s", sep, t->by_order[o], size);
			sep = ", ";
		}
		fmt_size(saved, sizeof(saved), t->saved * PTK_PAGE_SIZE);
		printf("): %" PRIu64 " vmemmap pages, %" PRIu64 " shared, %"
		       PRIu64 " saved (%s)\n", t->vmemmap_pages, t->shared,
		       t->saved, saved);
	}
	printf("check:    aliases read-only, head pages writable, one page "
	       "per folio: ");
	if (!t->bad_folios && !vm->orphans) {
		printf("no findings\n");
		return;
	}
	sep = "";
	for (unsigned p = 0; p < NPROBLEMS; p++)
		if (t->problem[p]) {
			printf("%s%s %" PRIu64, sep, problems[p].name,
			       t->problem[p]);
			sep = ", ";
		}
	if (vm->orphans)
		printf("%s%" PRIu64 " alias%s naming no head", sep, vm->orphans,
		       vm->orphans == 1 ? "" : "es");
	printf("\n");
}

static void print_total_json(const struct ptk_vmemmap *vm,
			     const struct totals *t)
{
	char size[32];
	const char *sep = "";

	printf("{\"total\":{\"folios\":%zu,\"by_size\":{", vm->nfolios);
	for (unsigned o = 0; o < 64; o++) {
		if (!t->by_order[o])
			continue;
		fmt_size(size, sizeof(size), (uint64_t)PTK_PAGE_SIZE << o);
		printf("%s\"%s\":%" PRIu64, sep, size, t->by_order[o]);
		sep = ",";
	}
	printf("},\"vmemmap_pages\":%" PRIu64 ",\"shared\":%" PRIu64
	       ",\"saved\":%" PRIu64 ",\"saved_bytes\":%" PRIu64
	       ",\"base\":\"0x%" PRIx64 "\",\"struct_page_size\":%" PRIu64
	       ",\"ram_pages\":%" PRIu64 ",\"unmapped_struct_pages\":%" PRIu64
	       ",\"leaves\":{\"4K\":%" PRIu64 ",\"2M\":%" PRIu64 ",\"1G\":%"
	       PRIu64 "},\"pte_tables\":%" PRIu64 ",\"bad_entries\":%" PRIu64
	       ",\"aliases\":%" PRIu64 ",\"orphan_aliases\":%" PRIu64
	       ",\"findings\":%" PRIu64 "}}\n", t->vmemmap_pages, t->shared,
	       t->saved, t->saved * PTK_PAGE_SIZE, vm->base, vm->page_size,
	       vm->ram_pages, vm->unmapped_struct_pages, vm->leaves[0],
	       vm->leaves[1], vm->leaves[2], vm->pte_tables, vm->bad_entries,
	       vm->aliases, vm->orphans, t->bad_folios + vm->orphans);
}

int cmd_vmemmap(int argc, char **argv)
{
	struct vmemmap_args a = { 0 };
	struct ptk_vmemmap *vm = NULL;
	struct totals t;
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&vmemmap_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	st = ptk_vmemmap_scan(s.src, &s.pg, &s.layout, &vm);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	sum(&t, vm);
	if (!a.json) {
		print_head_text(vm);
		if (vm->nfolios && !a.summary)
			printf("\n%-12s %6s %5s  %-16s %7s %7s %6s  %-18s  %s\n",
			       "PFN", "ORDER", "SIZE", "KIND", "VMEMMAP",
			       "SHARED", "SAVED", "PAGE", "CHECK");
	}
	for (size_t i = 0; i < vm->nfolios && !a.summary; i++)
		print_folio(&s, vm, &vm->folios[i], a.json);
	if (a.json) {
		print_total_json(vm, &t);
	} else {
		if (vm->nfolios && !a.summary)
			printf("\n");
		print_total_text(vm, &t);
	}
	if (t.bad_folios || vm->orphans) {
		fprintf(stderr, "%s: '%s': %" PRIu64 " finding%s: %" PRIu64
			" folio%s break%s the rules of a shared vmemmap, %"
			PRIu64 " alias%s name%s no head\n", argv[0],
			a.src.path, t.bad_folios + vm->orphans,
			t.bad_folios + vm->orphans == 1 ? "" : "s",
			t.bad_folios, t.bad_folios == 1 ? "" : "s",
			t.bad_folios == 1 ? "s" : "", vm->orphans,
			vm->orphans == 1 ? "" : "es",
			vm->orphans == 1 ? "s" : "");
		ret = EXIT_FINDING;
	}
out:
	ptk_vmemmap_free(vm);
	session_close(&s);
	return finish_output(argv[0], ret);
}
