// SPDX-License-Identifier: MIT
/*
 * Source.pages(): the runs of `ptkit pages --format=json`.  The page
 * tables are the kernel's (the source's root and the CPUs' roots) and,
 * where the dump's symbols and BTF give the processes, theirs, as the
 * command collects them; it also follows PTI's user copy, which none of
 * the shared dumps has.
 */
#include <stdlib.h>

#include "binding.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every process's root, into @c; quietly nothing without symbols. */
static enum ptk_status add_processes(SourceObject *s, struct ptk_census *c)
{
	struct ptk_symbols *syms = NULL;
	struct ptk_types *types = NULL;
	struct ptk_tasks tasks = { 0 };
	enum ptk_status st = PTK_OK;

	if (ptk_symbols_from_kallsyms(s->src, &s->pg, &syms) != PTK_OK ||
	    ptk_types_from_btf(s->src, &s->pg, syms, &types) != PTK_OK ||
	    ptk_tasks_read(s->src, &s->pg, syms, types, 0, &tasks) != PTK_OK)
		goto out;
	for (size_t i = 0; i < tasks.n && st != PTK_ERR_NOMEM; i++) {
		struct ptk_paging pg = s->pg;

		if (!tasks.task[i].pgd ||
		    (i && tasks.task[i].mm == tasks.task[i - 1].mm))
			continue;
		pg.root = tasks.task[i].pgd;
		st = ptk_census_add(c, s->src, &pg);
	}
	ptk_tasks_release(&tasks);
out:
	ptk_types_free(types);
	ptk_symbols_free(syms);
	ptk_ctx_clear_err(s->ctx);
	return st == PTK_ERR_NOMEM ? st : PTK_OK;
}

/* The table pages, sorted and unique, that the source holds. */
static enum ptk_status table_pfns(SourceObject *s, uint64_t **ret, size_t *n)
{
	const struct ptk_cpu_regs *cpus;
	struct ptk_census c;
	size_t ncpus, k = 0, out = 0;
	uint64_t *p = NULL;
	enum ptk_status st;

	ptk_census_init(&c);
	st = ptk_census_add(&c, s->src, &s->pg);
	cpus = ptk_source_cpus(s->src, &ncpus);
	for (size_t i = 0; i < ncpus && st == PTK_OK; i++) {
		struct ptk_paging cpu = s->pg;

		cpu.root = cpus[i].cr3 & 0x000ffffffffff000ull;
		if (cpu.root != s->pg.root)
			st = ptk_census_add(&c, s->src, &cpu);
	}
	if (st == PTK_OK)
		st = add_processes(s, &c);
	if (st == PTK_OK) {
		size_t total = ptk_census_total(&c);

		p = malloc((total ? total : 1) * sizeof(*p));
		if (!p)
			st = ptk_set_err(s->ctx, PTK_ERR_NOMEM, "table pages");
	}
	for (unsigned l = 1; p && l <= PTK_MAX_LEVELS; l++)
		for (size_t i = 0; i < c.n[l]; i++)
			p[k++] = c.pa[l][i] >> PTK_PAGE_SHIFT;
	ptk_census_release(&c);
	if (st != PTK_OK) {
		free(p);
		return st;
	}
	qsort(p, k, sizeof(*p), cmp_u64);
	for (size_t i = 0; i < k; i++)
		if ((!out || p[i] != p[out - 1]) &&
		    ptk_source_page_state(s->src, p[i] << PTK_PAGE_SHIFT) ==
		    PTK_PAGE_PRESENT)
			p[out++] = p[i];
	*ret = p;
	*n = out;
	return PTK_OK;
}

struct runs {
	PyObject *out;
	bool open;
	uint64_t start, end;
	enum ptk_page_kind kind;
	bool hugetlb_free;
};

static bool close_run(struct runs *r)
{
	PyObject *d;
	bool ok;

	if (!r->open)
		return true;
	r->open = false;
	d = PyDict_New();
	ok = d && dict_set(d, "pfn", hex_str(r->start)) &&
	     dict_set(d, "end_pfn", hex_str(r->end)) &&
	     dict_set(d, "pages", PyLong_FromUnsignedLongLong(r->end - r->start)) &&
	     dict_set(d, "kind", PyUnicode_FromString(ptk_page_kind_name(r->kind))) &&
	     (r->kind != PTK_PAGE_HUGETLB ||
	      dict_set(d, "free", PyBool_FromLong(r->hugetlb_free))) &&
	     !PyList_Append(r->out, d);
	Py_XDECREF(d);
	return ok;
}

static enum ptk_status on_page(uint64_t pfn, const struct ptk_page_info *pi,
			       void *priv)
{
	struct runs *r = priv;

	if (r->open && r->end == pfn && r->kind == pi->kind &&
	    (pi->kind != PTK_PAGE_HUGETLB || r->hugetlb_free == pi->hugetlb_free)) {
		r->end++;
		return PTK_OK;
	}
	if (!close_run(r))
		return PTK_STOP;
	r->open = true;
	r->start = pfn;
	r->end = pfn + 1;
	r->kind = pi->kind;
	r->hugetlb_free = pi->hugetlb_free;
	return PTK_OK;
}

PyObject *source_pages(SourceObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "start", "end", NULL };
	unsigned long long start = 0, end = UINT64_MAX;
	struct runs r = { 0 };
	uint64_t *tables = NULL;
	size_t n = 0;
	enum ptk_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|KK", kwlist, &start, &end))
		return NULL;
	r.out = PyList_New(0);
	if (!r.out)
		return NULL;
	st = table_pfns(s, &tables, &n);
	if (st == PTK_OK)
		st = ptk_pages_walk(s->src, &s->pg, &s->layout, tables, n, start,
				    end, on_page, &r, NULL);
	free(tables);
	if (st == PTK_OK && !close_run(&r))
		st = PTK_STOP;
	if (st != PTK_OK) {
		Py_DECREF(r.out);
		return st == PTK_STOP ? NULL : raise_status(s->ctx, st);
	}
	return r.out;
}
