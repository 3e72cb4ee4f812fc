// SPDX-License-Identifier: MIT
/*
 * ptkit.Edit: edits on a copy-on-write overlay of a source's tables, as
 * `ptkit edit` makes them (its operation language, ptkit-edit(1)), with
 * the edited tables readable as a Source and savable as an image.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"

typedef struct {
	PyObject_HEAD
	SourceObject *base;
	struct ptk_edit *ed;
	struct ptk_cpa_result cpa;	/* the direct-map calls' costs */
	unsigned long long ops;		/* lines applied */
} EditObject;

static void edit_dealloc(EditObject *e)
{
	ptk_cpa_result_release(&e->cpa);
	ptk_edit_free(e->ed);
	Py_XDECREF(e->base);
	Py_TYPE(e)->tp_free((PyObject *)e);
}

PyObject *edit_new(SourceObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "pool", NULL };
	PyObject *pool = NULL;
	EditObject *e;
	enum ptk_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O", kwlist, &pool))
		return NULL;
	e = PyObject_New(EditObject, &Edit_Type);
	if (!e)
		return NULL;
	Py_INCREF(s);
	e->base = s;
	e->ed = NULL;
	e->ops = 0;
	memset(&e->cpa, 0, sizeof(e->cpa));
	st = ptk_edit_new(s->src, &s->pg, &e->ed);
	if (st == PTK_OK && pool && pool != Py_None) {
		unsigned long long a, b;

		if (!PyArg_ParseTuple(pool, "KK", &a, &b)) {
			Py_DECREF(e);
			return NULL;
		}
		st = ptk_edit_add_pool(e->ed, a, b);
	}
	if (st != PTK_OK) {
		Py_DECREF(e);
		return raise_status(s->ctx, st);
	}
	return (PyObject *)e;
}

/* Lines of ptkit-edit(1)'s language; a bad one raises, the ones before
 * it stay applied (undo() takes them back). */
static PyObject *edit_apply(EditObject *e, PyObject *arg)
{
	const struct ptk_region *direct =
		ptk_source_region_named(e->base->src, "direct-map");
	Py_ssize_t len;
	const char *text = PyUnicode_AsUTF8AndSize(arg, &len);
	enum ptk_status st;

	if (!text)
		return NULL;
	st = ptk_script_apply(e->ed, text, (size_t)len, "apply",
			      direct ? direct->start : 0, &e->cpa);
	if (st != PTK_OK)
		return raise_status(e->base->ctx, st == PTK_ERR_INVALID ?
				    PTK_ERR_CORRUPT : st);
	e->ops++;
	Py_RETURN_NONE;
}

/* One operation from a format and its arguments. */
static PyObject *apply_fmt(EditObject *e, const char *fmt, ...)
{
	char line[512];
	PyObject *text, *r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	text = PyUnicode_FromString(line);
	if (!text)
		return NULL;
	r = edit_apply(e, text);
	Py_DECREF(text);
	return r;
}

static PyObject *edit_map(EditObject *e, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "va", "pa", "size", "page", "flags", NULL };
	unsigned long long va, pa, size;
	const char *page = "4k", *flags = "";

	if (!PyArg_ParseTupleAndKeywords(args, kw, "KKK|ss", kwlist, &va, &pa,
					 &size, &page, &flags))
		return NULL;
	return apply_fmt(e, "map %#llx %#llx %#llx %s %s", va, pa, size, page,
			 flags);
}

static PyObject *edit_unmap(EditObject *e, PyObject *args)
{
	unsigned long long va, size;

	if (!PyArg_ParseTuple(args, "KK", &va, &size))
		return NULL;
	return apply_fmt(e, "unmap %#llx %#llx", va, size);
}

static PyObject *edit_protect(EditObject *e, PyObject *args)
{
	unsigned long long va, size;
	const char *changes;

	if (!PyArg_ParseTuple(args, "KKs", &va, &size, &changes))
		return NULL;
	return apply_fmt(e, "protect %#llx %#llx %s", va, size, changes);
}

static PyObject *edit_split(EditObject *e, PyObject *arg)
{
	unsigned long long va = PyLong_AsUnsignedLongLong(arg);

	if (PyErr_Occurred())
		return NULL;
	return apply_fmt(e, "split %#llx", va);
}

static PyObject *edit_collapse(EditObject *e, PyObject *args)
{
	unsigned long long va;
	const char *level;

	if (!PyArg_ParseTuple(args, "Ks", &va, &level))
		return NULL;
	return apply_fmt(e, "collapse %#llx %s", va, level);
}

static PyObject *edit_undo(EditObject *e, PyObject *unused)
{
	enum ptk_status st;

	(void)unused;
	st = ptk_edit_undo(e->ed);
	if (st != PTK_OK)
		return raise_status(e->base->ctx, st);
	Py_RETURN_NONE;
}

/* set_direct_map_*() and set_memory_*() calls, as `ptkit directmap`'s
 * OPs; what they cost so far, as its JSON counts them. */
static PyObject *edit_directmap(EditObject *e, PyObject *ops)
{
	PyObject *it = PyObject_GetIter(ops), *o, *d, *splits;

	if (!it)
		return NULL;
	while ((o = PyIter_Next(it))) {
		PyObject *r = PyUnicode_Check(o) ? edit_apply(e, o) : NULL;

		if (!PyUnicode_Check(o))
			PyErr_SetString(PyExc_TypeError, "directmap() takes "
					"strings such as 'invalid:0x100+4'");
		Py_DECREF(o);
		if (!r) {
			Py_DECREF(it);
			return NULL;
		}
		Py_DECREF(r);
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return NULL;
	d = PyDict_New();
	splits = PyDict_New();
	if (!d || !splits ||
	    !dict_set(splits, "level3", PyLong_FromUnsignedLongLong(
					e->cpa.splits[3])) ||
	    !dict_set(splits, "level2", PyLong_FromUnsignedLongLong(
					e->cpa.splits[2])) ||
	    !dict_set(d, "splits", splits) ||
	    !dict_set(d, "table_pages", PyLong_FromUnsignedLongLong(
						e->cpa.table_pages)) ||
	    !dict_set(d, "flush_calls", PyLong_FromUnsignedLongLong(
						e->cpa.flush_calls)) ||
	    !dict_set(d, "flush_pages", PyLong_FromUnsignedLongLong(
						e->cpa.flush_pages)) ||
	    !dict_set(d, "global_flushes", PyLong_FromUnsignedLongLong(
						   e->cpa.global_flushes))) {
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

/* The edited tables as a Source: walk() and translate() read them. */
static PyObject *edit_source(EditObject *e, void *closure)
{
	SourceObject *s = PyObject_New(SourceObject, &Source_Type);

	(void)closure;
	if (!s)
		return NULL;
	/* the edit's view, borrowed: it lives as long as this object, whose
	 * base (the Edit) holds the overlay */
	memset(&s->kern, 0, sizeof(s->kern));
	s->ctx = e->base->ctx;
	s->src = ptk_edit_source(e->ed);
	ptk_edit_paging(e->ed, &s->pg);
	s->why = e->base->why;
	s->layout = e->base->layout;
	s->path = e->base->path;
	Py_INCREF(s->path);
	s->owner = (PyObject *)e;
	Py_INCREF(e);
	return (PyObject *)s;
}

static PyObject *edit_journal(EditObject *e, void *closure)
{
	size_t n = ptk_edit_journal_len(e->ed);
	PyObject *l = PyList_New((Py_ssize_t)n);

	(void)closure;
	for (size_t i = 0; l && i < n; i++) {
		PyObject *t = Py_BuildValue("(sn)", ptk_edit_journal_at(e->ed, i),
					    (Py_ssize_t)ptk_edit_journal_writes(
						    e->ed, i));

		if (!t) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, t);
	}
	return l;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The census's table pages as sorted, unique page frames @view holds. */
static enum ptk_status table_pfns(const struct ptk_census *c,
				  struct ptk_source *view, uint64_t **ret,
				  size_t *n)
{
	size_t total = ptk_census_total(c), out = 0, k = 0;
	uint64_t *p = PyMem_Malloc((total ? total : 1) * sizeof(*p));

	if (!p)
		return ptk_set_err(ptk_source_ctx(view), PTK_ERR_NOMEM,
				   "table pages");
	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++)
		for (size_t i = 0; i < c->n[l]; i++)
			p[k++] = c->pa[l][i] >> PTK_PAGE_SHIFT;
	qsort(p, k, sizeof(*p), cmp_u64);
	for (size_t i = 0; i < k; i++)
		if ((!out || p[i] != p[out - 1]) &&
		    ptk_source_page_state(view, p[i] << PTK_PAGE_SHIFT) ==
		    PTK_PAGE_PRESENT)
			p[out++] = p[i];
	*ret = p;
	*n = out;
	return PTK_OK;
}

/*
 * Write the edited tables as a ptkit image: every table page reachable
 * from the edited root and the CPUs' roots, as `ptkit edit -o` writes
 * (which also follows PTI's user copy).
 */
static PyObject *edit_save(EditObject *e, PyObject *arg)
{
	struct ptk_source *view = ptk_edit_source(e->ed);
	const struct ptk_cpu_regs *cpus;
	struct ptk_paging pg;
	struct ptk_census c;
	uint64_t *pfns = NULL;
	size_t ncpus, n = 0;
	PyObject *path;
	enum ptk_status st;

	if (!PyUnicode_FSConverter(arg, &path))
		return NULL;
	ptk_edit_paging(e->ed, &pg);
	ptk_census_init(&c);
	st = ptk_census_add(&c, view, &pg);
	cpus = ptk_source_cpus(view, &ncpus);
	for (size_t i = 0; i < ncpus && st == PTK_OK; i++) {
		struct ptk_paging cpu = pg;

		cpu.root = cpus[i].cr3 & 0x000ffffffffff000ull;
		if (cpu.root != pg.root)
			st = ptk_census_add(&c, view, &cpu);
	}
	if (st == PTK_OK)
		st = table_pfns(&c, view, &pfns, &n);
	if (st == PTK_OK) {
		Py_BEGIN_ALLOW_THREADS
		st = ptk_image_write(view, &pg, pfns, n,
				     PyBytes_AS_STRING(path));
		Py_END_ALLOW_THREADS
	}
	ptk_census_release(&c);
	PyMem_Free(pfns);
	Py_DECREF(path);
	if (st != PTK_OK)
		return raise_status(e->base->ctx, st);
	return PyLong_FromSize_t(n);
}

static PyMethodDef edit_methods[] = {
	{ "apply", (PyCFunction)edit_apply, METH_O,
	  "apply(text): operations in ptkit-edit(1)'s language, a line each:\n"
	  "map, unmap, protect, split, collapse, root, set, undo, and the\n"
	  "direct-map calls NAME:PFN[+COUNT]." },
	{ "map", (PyCFunction)(void (*)(void))edit_map,
	  METH_VARARGS | METH_KEYWORDS,
	  "map(va, pa, size, page='4k', flags='') e.g. flags='rw nx g'" },
	{ "unmap", (PyCFunction)edit_unmap, METH_VARARGS, "unmap(va, size)" },
	{ "protect", (PyCFunction)edit_protect, METH_VARARGS,
	  "protect(va, size, '+rw -nx pkey=1')" },
	{ "split", (PyCFunction)edit_split, METH_O,
	  "split(va): the large page at va, into the next smaller pages" },
	{ "collapse", (PyCFunction)edit_collapse, METH_VARARGS,
	  "collapse(va, 'pmd' or 'pud'): the table under an entry, back into "
	  "one page" },
	{ "undo", (PyCFunction)edit_undo, METH_NOARGS,
	  "undo(): take back the last operation" },
	{ "directmap", (PyCFunction)edit_directmap, METH_O,
	  "directmap(['invalid:0x100+4', ...]) -> dict: the calls of\n"
	  "ptkit-directmap(1) on the direct map, and what all of them cost\n"
	  "so far, with the keys of its JSON: splits, table_pages,\n"
	  "flush_calls, flush_pages, global_flushes." },
	{ "save", (PyCFunction)edit_save, METH_O,
	  "save(path) -> int: write the edited tables as a ptkit image, whole\n"
	  "or not at all; returns the table pages written." },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef edit_getset[] = {
	{ "source", (getter)edit_source, NULL,
	  "the edited tables, as a Source (walk, translate, info)", NULL },
	{ "journal", (getter)edit_journal, NULL,
	  "the operations applied: (operation, entries written)", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject Edit_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "ptkit.Edit",
	.tp_basicsize = sizeof(EditObject),
	.tp_dealloc = (destructor)edit_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Edits on a copy-on-write overlay of a source's tables, never\n"
		  "the source; made by Source.edit().",
	.tp_methods = edit_methods,
	.tp_getset = edit_getset,
};
