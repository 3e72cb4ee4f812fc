// SPDX-License-Identifier: MIT
/* The table pages of a session: from its roots, its CPUs, the PTI copy
 * and its processes; what export, pages and the page attributions use. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * With page-table isolation the top table is 8 KiB: the kernel's copy
 * first, the user's after it (arch/x86/mm/pti.c).  Both copies hold the
 * same user half, and the user's has a few kernel entries of its own
 * (entry text, cpu_entry_area).
 */
/* The user copy's kernel leaves, sampled, against the kernel's copy. */
struct pti_leaves {
	struct ptk_source *src;
	struct ptk_paging kernel;
	unsigned seen;
	uint64_t va, pa;	/* the first that differs */
	bool differs;
};

#define PTI_LEAVES_CHECKED 64

static enum ptk_status pti_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct pti_leaves *pl = priv;
	struct ptk_xlat x;

	if (ptk_translate(pl->src, &pl->kernel, e->va, &x) != PTK_OK ||
	    x.result != PTK_XLAT_MAPPED || x.pa != e->addr) {
		pl->differs = true;
		pl->va = e->va;
		pl->pa = e->addr;
		return PTK_STOP;
	}
	return ++pl->seen == PTI_LEAVES_CHECKED ? PTK_STOP : PTK_OK;
}

static enum ptk_status pti_leaf_run(const struct ptk_walk_entry *e,
				    uint64_t n, void *priv)
{
	(void)n;
	return pti_leaf(e, priv);
}

static enum ptk_status pti_bad(const struct ptk_walk_entry *e,
			       enum ptk_status why, void *priv)
{
	(void)e, (void)why, (void)priv;
	return PTK_OK;
}

/* Why the kernel halves of @k (the kernel's copy) and @u (the user's)
 * are not those of a PTI pair, or NULL: pti.c fills the user copy's
 * kernel half by cloning the kernel's entries (cpu_entry_area, entry
 * text, ESPfix), so each of its top-level entries is one of the kernel's
 * and each of its pages is mapped to the same frame there. */
static bool pti_kernel_half_differs(struct session *s, const uint64_t *k,
				    uint64_t kroot, const uint64_t *u,
				    uint64_t uroot, char *why, size_t len)
{
	const struct ptk_walk_ops ops = {
		.leaf = pti_leaf, .leaf_run = pti_leaf_run, .bad = pti_bad,
	};
	struct pti_leaves pl = { .src = s->src, .kernel = s->pg };
	struct ptk_paging upg = s->pg;
	unsigned vbits = ptk_level_shift(s->pg.levels) + 9;

	for (unsigned i = PTK_ENTRIES / 2; i < PTK_ENTRIES; i++)
		if ((u[i] & 1) && !(k[i] & 1)) {
			snprintf(why, len, "its kernel entry %u is present, the "
				 "kernel's copy's is not", i);
			return true;
		}
	pl.kernel.root = kroot;
	upg.root = uroot;
	ptk_walk(s->src, &upg, ~UINT64_C(0) << (vbits - 1), 0, &ops, &pl);
	ptk_ctx_clear_err(s->ctx);
	if (pl.differs) {
		snprintf(why, len, "it maps 0x%016" PRIx64 " to 0x%" PRIx64
			 ", the kernel's copy does not", pl.va, pl.pa);
		return true;
	}
	if (!pl.seen) {
		snprintf(why, len, "its kernel half maps nothing");
		return true;
	}
	return false;
}

enum pti_state pti_probe(struct session *s, struct pti_found *f)
{
	uint64_t buf[PTK_ENTRIES], rbuf[PTK_ENTRIES], kbuf[PTK_ENTRIES];
	uint64_t ubuf[PTK_ENTRIES];
	const uint64_t *t, *r;
	bool root_is_user = s->pg.root & PTI_USER_BIT;
	unsigned differ = PTK_ENTRIES;
	char why[120];

	f->other = s->pg.root ^ PTI_USER_BIT;
	f->present = 0;
	f->why[0] = 0;
	if (s->opts && s->opts->hints.no_guess)
		return PTI_NOT_PROBED;
	if (ptk_source_table(s->src, f->other, buf, &t) != PTK_OK ||
	    ptk_source_table(s->src, s->pg.root, rbuf, &r) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return PTI_UNKNOWN;
	}
	/* the kernel's copy adds NX to present user entries
	 * (__pti_set_user_pgtbl(), arch/x86/mm/pti.c) */
	for (unsigned i = 0; i < PTK_ENTRIES / 2 && differ == PTK_ENTRIES; i++)
		if ((t[i] ^ r[i]) & ~(UINT64_C(1) << 63))
			differ = i;
	for (unsigned i = PTK_ENTRIES / 2; i < PTK_ENTRIES; i++)
		f->present += t[i] & 1;
	if (differ < PTK_ENTRIES) {
		snprintf(f->why, sizeof(f->why), "the page beside the root, "
			 "0x%016" PRIx64 ", is not a copy of it (user entry %u "
			 "differs)", f->other, differ);
		return PTI_OFF;
	}
	if (!f->present) {
		snprintf(f->why, sizeof(f->why), "the page beside the root, "
			 "0x%016" PRIx64 ", has no kernel entries", f->other);
		return PTI_OFF;
	}
	/* the copies' buffers may be reused by the walk below */
	memcpy(kbuf, root_is_user ? t : r, sizeof(kbuf));
	memcpy(ubuf, root_is_user ? r : t, sizeof(ubuf));
	if (pti_kernel_half_differs(s, kbuf, root_is_user ? f->other
				    : s->pg.root, ubuf, root_is_user ?
				    s->pg.root : f->other, why, sizeof(why))) {
		snprintf(f->why, sizeof(f->why), "the page beside the root, "
			 "0x%016" PRIx64 ", has the same user half, but %s",
			 f->other, why);
		return PTI_OFF;
	}
	return PTI_ON;
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

	if (tp->n)
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
	struct pti_found pti;
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
	if (st == PTK_OK && pti_probe(s, &pti) == PTI_ON) {
		struct ptk_paging pti_pg = *pg;

		pti_pg.root = pti.other;
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

