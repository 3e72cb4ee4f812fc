// SPDX-License-Identifier: MIT
/*
 * Source.pages(): the runs of `ptkit pages --format=json`.  The page
 * tables are the kernel's (the source's root and the CPUs' roots) and,
 * where the dump's symbols and BTF give the processes, theirs, as the
 * command collects them; it also follows PTI's user copy, which none of
 * the shared dumps has.
 */
#include <stdlib.h>
#include <string.h>

#include "binding.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every process's root, into @c; quietly nothing without symbols. */
static enum ptk_status add_processes(SourceObject *s, struct ptk_census *c)
{
	const struct ptk_tasks *tasks = source_tasks(s);
	enum ptk_status st = PTK_OK;

	for (size_t i = 0; tasks && i < tasks->n && st != PTK_ERR_NOMEM; i++) {
		struct ptk_paging pg = s->pg;

		if (!tasks->task[i].pgd ||
		    (i && tasks->task[i].mm == tasks->task[i - 1].mm))
			continue;
		pg.root = tasks->task[i].pgd;
		st = ptk_census_add(c, s->src, &pg);
	}
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

/* Source.unmapped(): the holes of `ptkit unmapped --format=json`. */
struct holes {
	SourceObject *s;
	PyObject *out;
	bool in_direct, kinds;
	uint64_t page_offset;
	const uint64_t *tables;
	size_t ntables;
	/* owners=True: the holes' frames, one range per list item */
	bool owners;
	struct ptk_range *pfns;
	size_t npfns, cap;
};

static enum ptk_status count_kind(uint64_t pfn, const struct ptk_page_info *pi,
				  void *priv)
{
	uint64_t *count = priv;

	(void)pfn;
	count[pi->kind]++;
	return PTK_OK;
}

/* {"free": 3, ...}: what the pages of [pfn, end_pfn) are */
static PyObject *kinds_dict(struct holes *u, uint64_t pfn, uint64_t end_pfn)
{
	uint64_t count[PTK_PAGE_NKINDS] = { 0 };
	PyObject *k = PyDict_New();

	if (ptk_pages_walk(u->s->src, &u->s->pg, &u->s->layout, u->tables,
			   u->ntables, pfn, end_pfn, count_kind, count,
			   NULL) != PTK_OK)
		memset(count, 0, sizeof(count));
	ptk_ctx_clear_err(u->s->ctx);
	for (unsigned i = 0; k && i < PTK_PAGE_NKINDS; i++)
		if (count[i] && !dict_set(k, ptk_page_kind_name(i),
					  PyLong_FromUnsignedLongLong(count[i])))
			Py_CLEAR(k);
	return k;
}

static enum ptk_status hole_out(const struct ptk_hole *h, void *priv)
{
	struct holes *u = priv;
	uint64_t pages = (h->end - h->va) >> PTK_PAGE_SHIFT;
	uint64_t pfn = (h->va - u->page_offset) >> PTK_PAGE_SHIFT;
	uint64_t end_pfn = (h->end - u->page_offset) >> PTK_PAGE_SHIFT;
	PyObject *d = PyDict_New();
	bool ok;

	if (!d)
		return PTK_STOP;
	if (u->in_direct)
		ok = dict_set(d, "pfn", hex_str(pfn)) &&
		     dict_set(d, "end_pfn", hex_str(end_pfn));
	else
		ok = (Py_INCREF(Py_None), dict_set(d, "pfn", Py_None)) &&
		     (Py_INCREF(Py_None), dict_set(d, "end_pfn", Py_None));
	ok = ok && dict_set(d, "pages", PyLong_FromUnsignedLongLong(pages)) &&
	     dict_set(d, "va", hex_str(h->va)) &&
	     dict_set(d, "level", PyUnicode_FromString(
			h->level ? ptk_level_name(&u->s->pg, h->level) :
				   "canonical"));
	if (ok && u->in_direct && u->kinds)
		ok = dict_set(d, "kinds", kinds_dict(u, pfn, end_pfn));
	if (ok && u->owners && u->npfns == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 64;
		struct ptk_range *p = realloc(u->pfns, cap * sizeof(*p));

		ok = p != NULL;
		if (ok) {
			u->pfns = p;
			u->cap = cap;
		} else {
			PyErr_NoMemory();
		}
	}
	if (ok && u->owners)
		u->pfns[u->npfns++] = (struct ptk_range){ pfn, end_pfn };
	ok = ok && !PyList_Append(u->out, d);
	Py_DECREF(d);
	return ok ? PTK_OK : PTK_STOP;
}

static enum ptk_status hole_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *priv)
{
	struct holes *u = priv;

	(void)e;
	(void)why;
	ptk_ctx_clear_err(u->s->ctx);
	return PTK_OK;
}

PyObject *source_unmapped(SourceObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "start", "end", "owners", NULL };
	static const struct ptk_holes_ops ops = {
		.hole = hole_out, .bad = hole_bad,
	};
	const struct ptk_region *direct =
		ptk_source_region_named(s->src, "Low Kernel Mapping");
	PyObject *pstart = Py_None, *pend = Py_None;
	struct holes u = { .s = s };
	uint64_t *tables = NULL, start = 0, end = 0;
	bool ranged;
	int owners = 0;
	enum ptk_status st = PTK_OK;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO$p", kwlist, &pstart,
					 &pend, &owners))
		return NULL;
	ranged = pstart != Py_None || pend != Py_None || !direct;
	if ((pstart != Py_None &&
	     (start = PyLong_AsUnsignedLongLong(pstart), PyErr_Occurred())) ||
	    (pend != Py_None &&
	     (end = PyLong_AsUnsignedLongLong(pend), PyErr_Occurred())))
		return NULL;
	if ((start | end) & (PTK_PAGE_SIZE - 1)) {
		PyErr_SetString(PyExc_ValueError, "start and end are page "
				"aligned (end 0: the top of the address space)");
		return NULL;
	}
	u.out = PyList_New(0);
	if (!u.out)
		return NULL;
	u.page_offset = direct ? direct->start : 0;
	/* the kinds, where the struct pages can be read at all */
	u.kinds = ptk_pages_walk(s->src, &s->pg, &s->layout, NULL, 0, 0, 0,
				 count_kind, NULL, NULL) == PTK_OK &&
		  table_pfns(s, &tables, &u.ntables) == PTK_OK;
	ptk_ctx_clear_err(s->ctx);
	u.tables = tables;
	if (ranged) {
		u.in_direct = direct && start >= direct->start &&
			      end - 1 < direct->end - 1;
		u.owners = owners && u.in_direct;
		st = ptk_holes(s->src, &s->pg, start, end, &ops, &u);
	} else {
		u.in_direct = true;
		u.owners = owners;
		st = ptk_direct_map_holes(s->src, &s->pg, direct->start, &ops,
					  &u);
	}
	free(tables);
	if (st == PTK_OK && u.owners &&
	    !add_owners(s, u.out, u.pfns, u.npfns))
		st = PTK_STOP;
	free(u.pfns);
	if (st != PTK_OK) {
		Py_DECREF(u.out);
		return st == PTK_STOP ? NULL : raise_status(s->ctx, st);
	}
	return u.out;
}
