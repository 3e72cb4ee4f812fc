// SPDX-License-Identifier: MIT
/* The table pages of a session: from its roots, its CPUs, the PTI copy
 * and its processes; what export, pages and the page attributions use. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * With page-table isolation the top table is 8 KiB: the kernel's copy
 * first, the user's after it (arch/x86/mm/pti.c).  Both copies hold the
 * same user half, and the user's has a few kernel entries of its own
 * (entry text, cpu_entry_area).
 */
enum pti_state pti_probe(struct session *s, uint64_t *other,
			 unsigned *present)
{
	uint64_t buf[PTK_ENTRIES], rbuf[PTK_ENTRIES];
	const uint64_t *t, *r;
	bool same_user = true;

	*other = s->pg.root ^ PTI_USER_BIT;
	*present = 0;
	if (s->opts && s->opts->hints.no_guess)
		return PTI_NOT_PROBED;
	if (ptk_source_table(s->src, *other, buf, &t) != PTK_OK ||
	    ptk_source_table(s->src, s->pg.root, rbuf, &r) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return PTI_UNKNOWN;
	}
	/* the kernel's copy adds NX to present user entries
	 * (__pti_set_user_pgtbl(), arch/x86/mm/pti.c) */
	for (unsigned i = 0; i < PTK_ENTRIES / 2; i++)
		same_user &= ((t[i] ^ r[i]) & ~(UINT64_C(1) << 63)) == 0;
	for (unsigned i = PTK_ENTRIES / 2; i < PTK_ENTRIES; i++)
		*present += t[i] & 1;
	return *present && same_user ? PTI_ON : PTI_OFF;
}

void table_pages_init(struct table_pages *tp)
{
	memset(tp, 0, sizeof(*tp));
}

void table_pages_release(struct table_pages *tp)
{
	free(tp->pfn);
	table_pages_init(tp);
}

static int push_pfn(struct table_pages *tp, uint64_t pfn)
{
	if (tp->n == tp->cap) {
		size_t cap = tp->cap ? 2 * tp->cap : 256;
		uint64_t *p = realloc(tp->pfn, cap * sizeof(*p));

		if (!p)
			return -1;
		tp->pfn = p;
		tp->cap = cap;
	}
	tp->pfn[tp->n++] = pfn;
	return 0;
}

static int add_census(struct table_pages *tp, const struct ptk_census *c)
{
	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++)
		for (size_t i = 0; i < c->n[l]; i++)
			if (push_pfn(tp, c->pa[l][i] >> PTK_PAGE_SHIFT))
				return -1;
	return 0;
}

static int pfn_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort, and drop duplicates and the pages @view does not hold. */
static void tables_finish(struct table_pages *tp, struct ptk_source *view)
{
	size_t out = 0;

	qsort(tp->pfn, tp->n, sizeof(*tp->pfn), pfn_cmp);
	for (size_t i = 0; i < tp->n; i++) {
		if (out && tp->pfn[i] == tp->pfn[out - 1])
			continue;
		if (ptk_source_page_state(view, tp->pfn[i] << PTK_PAGE_SHIFT) !=
		    PTK_PAGE_PRESENT) {
			tp->absent++;
			continue;
		}
		tp->pfn[out++] = tp->pfn[i];
	}
	tp->n = out;
}

enum ptk_status table_pages_collect(struct table_pages *tp, struct session *s,
				    struct ptk_source *view,
				    const struct ptk_paging *pg)
{
	const struct ptk_cpu_regs *cpus;
	struct ptk_census c;
	enum ptk_status st;
	uint64_t other;
	unsigned present;
	size_t ncpus;

	ptk_census_init(&c);
	st = ptk_census_add(&c, view, pg);
	tp->nroots = 1;
	cpus = ptk_source_cpus(view, &ncpus);
	for (size_t i = 0; i < ncpus && st == PTK_OK; i++) {
		struct ptk_paging cpu_pg = *pg;

		cpu_pg.root = cpus[i].cr3 & 0x000ffffffffff000ull;
		if (cpu_pg.root == pg->root)
			continue;
		st = ptk_census_add(&c, view, &cpu_pg);
		tp->nroots++;
	}
	if (st == PTK_OK && pti_probe(s, &other, &present) == PTI_ON) {
		struct ptk_paging pti_pg = *pg;

		pti_pg.root = other;
		st = ptk_census_add(&c, view, &pti_pg);
		tp->nroots++;
	}
	if (st == PTK_OK && add_census(tp, &c))
		st = ptk_set_err(s->ctx, PTK_ERR_NOMEM, "table pages");
	tp->nbad = c.nbad;
	ptk_census_release(&c);
	if (st != PTK_OK)
		return st;
	tables_finish(tp, view);
	return PTK_OK;
}

int table_pages_add(struct table_pages *tp, struct ptk_source *view,
		    const uint64_t *pfns, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (push_pfn(tp, pfns[i]))
			return -1;
	tables_finish(tp, view);
	return 0;
}

int table_pages_add_processes(struct table_pages *tp, struct session *s)
{
	const struct ptk_tasks *tasks = session_tasks_quiet(s);
	struct ptk_census c;
	enum ptk_status st = PTK_OK;

	if (!tasks)
		return 0;
	ptk_census_init(&c);
	for (size_t i = 0; i < tasks->n && st == PTK_OK; i++) {
		struct ptk_paging pg = s->kpg;

		/* threads share their mm: each root once is enough, and the
		 * census counts a table once however often it is reached */
		if (!tasks->task[i].pgd ||
		    (i && tasks->task[i].mm == tasks->task[i - 1].mm))
			continue;
		pg.root = tasks->task[i].pgd;
		st = ptk_census_add(&c, s->src, &pg);
		if (st != PTK_OK && st != PTK_ERR_NOMEM) {
			ptk_ctx_clear_err(s->ctx);	/* one bad process */
			st = PTK_OK;
		}
	}
	if (st == PTK_OK && add_census(tp, &c))
		st = PTK_ERR_NOMEM;
	tp->nbad += c.nbad;
	ptk_census_release(&c);
	if (st != PTK_OK)
		return -1;
	tables_finish(tp, s->src);
	return 0;
}

