// SPDX-License-Identifier: MIT
/*
 * Source.unmapped(owners=True): who maps the frames of each hole of the
 * direct map, in every process's user half and the kernel's own tables,
 * as `ptkit unmapped --owners` finds them (ptk_rmap(), one pass over each
 * address space for all the holes).
 */
#include <stdlib.h>
#include <string.h>

#include "binding.h"

static PyObject *owner_dict(SourceObject *s, const struct ptk_rmap_spaces *sp,
			    const struct ptk_rmap_run *r)
{
	const struct ptk_task *t = sp->task[r->space];
	PyObject *d = PyDict_New();
	bool ok = d && dict_set(d, "space", PyUnicode_FromString(
						t ? "user" : "kernel"));

	if (ok && t)
		ok = dict_set(d, "pid", PyLong_FromLong(t->tgid)) &&
		     dict_set(d, "comm", PyUnicode_DecodeUTF8(
				t->comm, (Py_ssize_t)strlen(t->comm), "replace"));
	else if (ok)
		ok = (Py_INCREF(Py_None), dict_set(d, "pid", Py_None)) &&
		     (Py_INCREF(Py_None), dict_set(d, "comm", Py_None));
	if (ok && dict_set(d, "va", hex_str(r->va)) &&
	    dict_set(d, "pfn", hex_str(r->pfn)) &&
	    dict_set(d, "pages", PyLong_FromUnsignedLongLong(r->pages)) &&
	    dict_set(d, "level", PyUnicode_FromString(
				ptk_level_name(&s->pg, r->level))) &&
	    dict_set(d, "rw", PyBool_FromLong(r->eff & PTK_F_RW)) &&
	    dict_set(d, "nx", PyBool_FromLong(r->eff & PTK_F_NX)) &&
	    dict_set(d, "user", PyBool_FromLong(r->eff & PTK_F_US)))
		return d;
	Py_XDECREF(d);
	return NULL;
}

/* The owners of the frames @pfns among @recs. */
static PyObject *owners_list(SourceObject *s, const struct ptk_rmap_spaces *sp,
			     const struct ptk_rmap_recs *recs,
			     const struct ptk_range *pfns)
{
	struct ptk_rmap_run *runs;
	size_t n;
	PyObject *l;

	if (ptk_rmap_runs(recs, pfns, &runs, &n) != PTK_OK)
		return PyErr_NoMemory();
	l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *d = owner_dict(s, sp, &runs[i]);

		if (!d) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, d);
	}
	free(runs);
	return l;
}

bool add_owners(SourceObject *s, PyObject *holes,
		const struct ptk_range *pfns, size_t n)
{
	const struct ptk_tasks *tasks = source_tasks(s);
	struct ptk_rmap_spaces sp;
	struct ptk_rmap_recs recs = { 0 };
	enum ptk_status st;
	bool ok = true;

	if (!tasks && PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "'%s': owners "
				       "in the kernel only: %s",
				       ptk_source_name(s->src),
				       s->kern.why_no_tasks) < 0)
		return false;
	st = ptk_rmap_spaces_of(&s->pg, tasks, &sp);
	if (st == PTK_OK) {
		Py_BEGIN_ALLOW_THREADS
		st = ptk_rmap_collect(s->src, &sp, NULL, pfns, n, &recs);
		Py_END_ALLOW_THREADS
	}
	if (st != PTK_OK) {
		raise_status(s->ctx, st);
		ok = false;
	}
	for (size_t i = 0; ok && i < n; i++)
		ok = dict_set(PyList_GET_ITEM(holes, (Py_ssize_t)i), "owners",
			      owners_list(s, &sp, &recs, &pfns[i]));
	ptk_rmap_spaces_release(&sp);
	ptk_rmap_recs_release(&recs);
	return ok;
}
