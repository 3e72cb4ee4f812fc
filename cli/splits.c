// SPDX-License-Identifier: MIT
/*
 * ptkit stats --splits: each 1 GiB and 2 MiB piece of the direct map that
 * is mapped by smaller pages, with what its pages are and which of them
 * are not present, so the cost of each unmapping is visible.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

struct piece {
	uint64_t va;
	unsigned level;		/* 3: a 1G piece mapped by a PMD table */
};

struct pieces {
	struct piece *p;
	size_t n, cap;
	bool nomem;
};

struct presence {
	uint64_t present, absent;
	uint64_t start, end;	/* the range being walked */
	struct attrib *attrib;
	uint64_t base;		/* page_offset */
	uint64_t absent_kinds[PTK_PAGE_NKINDS];
};

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct pieces *ps = priv;

	if (e->level != PTK_LEVEL_PUD && e->level != PTK_LEVEL_PMD)
		return PTK_OK;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64;
		struct piece *p = realloc(ps->p, cap * sizeof(*p));

		if (!p) {
			ps->nomem = true;
			return PTK_ERR_NOMEM;
		}
		ps->p = p;
		ps->cap = cap;
	}
	ps->p[ps->n++] = (struct piece){ e->va, e->level };
	return PTK_OK;
}

/* A leaf, or a run of PTEs (e->end is then the end of the run). */
static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct presence *pr = priv;
	uint64_t va = e->va > pr->start ? e->va : pr->start;
	uint64_t end = e->end < pr->end ? e->end : pr->end;

	if (end > va)
		pr->present += (end - va) >> PTK_PAGE_SHIFT;
	return PTK_OK;
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	(void)n;
	return on_leaf(e, priv);
}

static enum ptk_status on_hole(uint64_t va, uint64_t end, unsigned level,
			       void *priv)
{
	struct presence *pr = priv;
	uint64_t count[PTK_PAGE_NKINDS];

	(void)level;
	pr->absent += (end - va) >> PTK_PAGE_SHIFT;
	attrib_count(pr->attrib, (va - pr->base) >> PTK_PAGE_SHIFT,
		     (end - pr->base) >> PTK_PAGE_SHIFT, count);
	for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++)
		pr->absent_kinds[k] += count[k];
	return PTK_OK;
}

/* Present and absent pages of the RAM in [va, end), and what they are. */
static enum ptk_status measure(struct session *s, struct attrib *at,
			       uint64_t base, uint64_t va, uint64_t end,
			       struct presence *pr, uint64_t kinds[])
{
	const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .leaf_run = on_leaf_run, .hole = on_hole,
	};
	size_t nram;
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);
	enum ptk_status st = PTK_OK;

	memset(pr, 0, sizeof(*pr));
	memset(kinds, 0, PTK_PAGE_NKINDS * sizeof(*kinds));
	pr->attrib = at;
	pr->base = base;
	for (size_t i = 0; i < nram && st == PTK_OK; i++) {
		uint64_t s_va = base + (ram[i].start & ~(uint64_t)(PTK_PAGE_SIZE - 1));
		uint64_t e_va = base + ((ram[i].end + PTK_PAGE_SIZE - 1) &
					~(uint64_t)(PTK_PAGE_SIZE - 1));
		uint64_t count[PTK_PAGE_NKINDS];

		if (s_va < va)
			s_va = va;
		if (e_va > end)
			e_va = end;
		if (s_va >= e_va)
			continue;
		pr->start = s_va;
		pr->end = e_va;
		st = ptk_walk(s->src, &s->pg, s_va, e_va, &ops, pr);
		attrib_count(at, (s_va - base) >> PTK_PAGE_SHIFT,
			     (e_va - base) >> PTK_PAGE_SHIFT, count);
		for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++)
			kinds[k] += count[k];
	}
	return st;
}

static void print_piece(struct session *s, const struct attrib *at,
			const struct piece *p, uint64_t base,
			const struct presence *pr, const uint64_t kinds[],
			bool json)
{
	const char *size = p->level == PTK_LEVEL_PUD ? "1G" : "2M";
	uint64_t pfn = (p->va - base) >> PTK_PAGE_SHIFT;
	char what[256], absent[256];

	(void)s;
	if (json) {
		printf("{\"size\":\"%s\",\"pfn\":\"0x%" PRIx64 "\",\"va\":\"0x%"
		       PRIx64 "\",\"present\":%" PRIu64 ",\"absent\":%" PRIu64,
		       size, pfn, p->va, pr->present, pr->absent);
		if (at->ok) {
			printf(",\"kinds\":");
			attrib_json(stdout, kinds);
			printf(",\"absent_kinds\":");
			attrib_json(stdout, pr->absent_kinds);
		}
		printf("}\n");
		return;
	}
	printf("%-4s  0x%010" PRIx64 "  0x%016" PRIx64 " %8" PRIu64 " %8" PRIu64,
	       size, pfn, p->va, pr->present, pr->absent);
	if (at->ok) {
		attrib_text(what, sizeof(what), kinds);
		attrib_text(absent, sizeof(absent), pr->absent_kinds);
		printf("  %s%s%s", what, pr->absent ? "; absent: " : "",
		       pr->absent ? absent : "");
	}
	printf("\n");
}

int stats_splits(struct session *s, const struct ptk_region *direct, bool json)
{
	const struct ptk_walk_ops ops = { .table = on_table };
	struct pieces ps = { 0 };
	struct attrib at;
	enum ptk_status st = PTK_OK;
	size_t nram, n2m = 0, n1g = 0;
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);
	int ret = EXIT_OK;

	attrib_open(&at, s);
	for (size_t i = 0; i < nram && st == PTK_OK; i++)
		st = ptk_walk(s->src, &s->pg, direct->start + ram[i].start,
			      direct->start + ((ram[i].end + PTK_PAGE_SIZE - 1) &
					       ~(uint64_t)(PTK_PAGE_SIZE - 1)),
			      &ops, &ps);
	if (st != PTK_OK) {
		ret = fail_source(s, st);
		goto out;
	}
	if (!json)
		printf("%-4s  %-12s  %-18s %8s %8s%s\n", "SIZE", "PFN", "VIRTUAL",
		       "PRESENT", "ABSENT", at.ok ? "  WHAT THE PAGES ARE" : "");
	for (size_t i = 0; i < ps.n; i++) {
		const struct piece *p = &ps.p[i];
		uint64_t size = p->level == PTK_LEVEL_PUD ? UINT64_C(1) << 30
							  : UINT64_C(1) << 21;
		uint64_t kinds[PTK_PAGE_NKINDS];
		struct presence pr;

		/* A walk of several RAM ranges may meet a table twice. */
		if (i && ps.p[i - 1].va == p->va && ps.p[i - 1].level == p->level)
			continue;
		st = measure(s, &at, direct->start, p->va, p->va + size, &pr,
			     kinds);
		if (st != PTK_OK) {
			ret = fail_source(s, st);
			goto out;
		}
		print_piece(s, &at, p, direct->start, &pr, kinds, json);
		if (p->level == PTK_LEVEL_PUD)
			n1g++;
		else
			n2m++;
	}
	if (!json)
		printf("total: %zu 1G and %zu 2M pieces mapped by smaller "
		       "pages\n", n1g, n2m);
	if (!at.ok && !json)
		fprintf(stderr, "%s: '%s': cannot tell what the pages are: %s\n",
			s->cmd, ptk_source_name(s->src), at.why);
out:
	free(ps.p);
	attrib_close(&at);
	return ret;
}
