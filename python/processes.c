// SPDX-License-Identifier: MIT
/*
 * Source.ps() and Source.rmap(): the processes of the kernel's task list
 * and who maps a frame, as `ptkit ps` and `ptkit rmap --format=json` give
 * them, from the library's ptk_tasks_read(), ptk_user_pages() and
 * ptk_rmap_collect().
 */
#include <stdio.h>
#include <stdlib.h>

#include "binding.h"

static PyObject *str_or_none(PyObject *o)
{
	if (o)
		return o;
	if (PyErr_Occurred())
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *comm_str(const struct ptk_task *t)
{
	return PyUnicode_DecodeUTF8(t->comm, (Py_ssize_t)strlen(t->comm),
				    "replace");
}

static PyObject *task_dict(const struct ptk_task *t, uint64_t pages)
{
	char state[2] = { t->state, 0 };
	PyObject *d = PyDict_New();

	if (d && dict_set(d, "pid", PyLong_FromLong(t->pid)) &&
	    dict_set(d, "tgid", PyLong_FromLong(t->tgid)) &&
	    dict_set(d, "ppid", PyLong_FromLong(t->ppid)) &&
	    dict_set(d, "comm", comm_str(t)) &&
	    dict_set(d, "kernel_thread", PyBool_FromLong(t->kernel_thread)) &&
	    dict_set(d, "state", PyUnicode_FromString(state)) &&
	    dict_set(d, "mm", str_or_none(t->mm ? hex_str(t->mm) : NULL)) &&
	    dict_set(d, "pgd", str_or_none(t->mm ? hex_str(t->pgd) : NULL)) &&
	    dict_set(d, "user_pages", PyLong_FromUnsignedLongLong(
						t->mm ? pages : 0)) &&
	    dict_set(d, "task", hex_str(t->addr)))
		return d;
	Py_XDECREF(d);
	return NULL;
}

static PyObject *raise_bad_input(const char *msg)
{
	PyObject *e = PyObject_CallFunction(ptkit_Error, "si", msg, 3);

	if (e) {
		PyErr_SetObject(ptkit_Error, e);
		Py_DECREF(e);
	}
	return NULL;
}

/* The list of @tasks, each process's user pages counted once per mm. */
static PyObject *task_list(SourceObject *s, const struct ptk_tasks *tasks)
{
	PyObject *l = PyList_New(0);
	uint64_t pages = 0, bad = 0, bad_total = 0;

	for (size_t i = 0; l && i < tasks->n; i++) {
		const struct ptk_task *t = &tasks->task[i];
		PyObject *d;

		/* threads share their mm: count it once */
		if (t->mm && !(i && t->mm == tasks->task[i - 1].mm)) {
			enum ptk_status st;

			Py_BEGIN_ALLOW_THREADS
			st = ptk_user_pages(s->src, &s->pg, t->pgd, &pages,
					    &bad);
			Py_END_ALLOW_THREADS
			bad_total += bad;
			if (st != PTK_OK &&
			    PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "pid %d: "
					     "%s", (int)t->pid,
					     ptk_ctx_err(s->ctx)) < 0)
				Py_CLEAR(l);
			ptk_ctx_clear_err(s->ctx);
		}
		d = l ? task_dict(t, pages) : NULL;
		if (l && (!d || PyList_Append(l, d)))
			Py_CLEAR(l);
		Py_XDECREF(d);
	}
	if (l && bad_total &&
	    PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "%llu user table "
			     "entries cannot be followed",
			     (unsigned long long)bad_total) < 0)
		Py_CLEAR(l);
	return l;
}

PyObject *source_ps(SourceObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "threads", NULL };
	struct ptk_tasks all = { 0 };
	const struct ptk_tasks *tasks;
	int threads = 0;
	PyObject *l;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|p", kwlist, &threads))
		return NULL;
	tasks = source_tasks(s);
	if (!tasks)
		return raise_bad_input(s->kern.why_no_tasks);
	if (threads) {
		enum ptk_status st = ptk_tasks_read(s->src, &s->pg,
						    s->kern.syms, s->kern.types,
						    PTK_TASKS_THREADS, &all);

		if (st != PTK_OK)
			return raise_status(s->ctx, st);
		tasks = &all;
	}
	l = task_list(s, tasks);
	if (threads)
		ptk_tasks_release(&all);
	return l;
}

/* Frames as rmap() takes them: an int, a range, or an iterable of both. */
static bool add_frames(PyObject *o, struct ptk_range **r, size_t *n,
		       size_t *cap)
{
	struct ptk_range got;

	if (PyLong_Check(o)) {
		got.start = PyLong_AsUnsignedLongLong(o);
		got.end = got.start + 1;
	} else if (PyRange_Check(o)) {
		PyObject *st = PyObject_GetAttrString(o, "start");
		PyObject *sp = PyObject_GetAttrString(o, "stop");
		PyObject *step = PyObject_GetAttrString(o, "step");
		bool one = step && PyLong_AsLong(step) == 1;

		got.start = st ? PyLong_AsUnsignedLongLong(st) : 0;
		got.end = sp ? PyLong_AsUnsignedLongLong(sp) : 0;
		Py_XDECREF(st);
		Py_XDECREF(sp);
		Py_XDECREF(step);
		if (!PyErr_Occurred() && !one) {
			PyErr_SetString(PyExc_ValueError, "rmap(): a range of "
					"frames has step 1");
			return false;
		}
		if (!PyErr_Occurred() && got.end <= got.start)
			return true;	/* empty */
	} else {
		PyObject *it = PyObject_GetIter(o), *item;
		bool ok = it != NULL;

		if (!it) {
			PyErr_SetString(PyExc_TypeError, "rmap(): PFNs are an "
					"int, a range or a list of them");
			return false;
		}
		while (ok && (item = PyIter_Next(it))) {
			ok = (PyLong_Check(item) || PyRange_Check(item)) &&
			     add_frames(item, r, n, cap);
			if (!ok && !PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "rmap(): PFNs "
						"are ints or ranges");
			Py_DECREF(item);
		}
		Py_DECREF(it);
		return ok && !PyErr_Occurred();
	}
	if (PyErr_Occurred())
		return false;
	if (got.start >> (PTK_MAX_PHYS_BITS - PTK_PAGE_SHIFT) ||
	    got.end > UINT64_C(1) << (PTK_MAX_PHYS_BITS - PTK_PAGE_SHIFT)) {
		PyErr_SetString(PyExc_ValueError, "rmap(): a PFN beyond the "
				"physical address space");
		return false;
	}
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		struct ptk_range *p = realloc(*r, c * sizeof(*p));

		if (!p) {
			PyErr_NoMemory();
			return false;
		}
		*r = p;
		*cap = c;
	}
	(*r)[(*n)++] = got;
	return true;
}

/* The region @va is in, or "". */
static const char *region_of(const struct ptk_source *src, uint64_t va)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(src, &n);

	for (size_t i = 0; i < n; i++)
		if (va >= rg[i].start && (va < rg[i].end || !rg[i].end))
			return rg[i].name;
	return "";
}

/* "qemu_fw_cfg.text": the part of a module that holds @va, or NULL. */
static PyObject *module_of(SourceObject *s, uint64_t va)
{
	const struct ptk_modules *mods = source_modules(s);

	for (size_t i = 0; mods && i < mods->n; i++)
		for (unsigned r = 0; r < mods->module[i].nranges; r++)
			if (va >= mods->module[i].ranges[r].start &&
			    va < mods->module[i].ranges[r].end)
				return PyUnicode_FromFormat("%s.%s",
					mods->module[i].name,
					mods->module[i].ranges[r].what);
	return NULL;
}

static bool set_none(PyObject *d, const char *key)
{
	Py_INCREF(Py_None);
	return dict_set(d, key, Py_None);
}

static PyObject *rec_dict(SourceObject *s, const struct ptk_rmap_spaces *sp,
			  const struct ptk_rmap_rec *r)
{
	const struct ptk_task *t = sp->task[r->space];
	PyObject *d = PyDict_New(), *mod;
	bool ok = d && dict_set(d, "pfn", hex_str(r->pfn)) &&
		  dict_set(d, "space", PyUnicode_FromString(t ? "user"
							      : "kernel"));

	if (ok && t)
		ok = dict_set(d, "pid", PyLong_FromLong(t->tgid)) &&
		     dict_set(d, "comm", comm_str(t));
	else if (ok)
		ok = set_none(d, "pid") && set_none(d, "comm");
	ok = ok && dict_set(d, "va", hex_str(r->va)) &&
	     (r->level ? dict_set(d, "level", PyUnicode_FromString(
				ptk_level_name(&s->pg, r->level)))
		       : set_none(d, "level"));
	if (ok && r->missing)
		ok = dict_set(d, "mapped", PyBool_FromLong(0)) &&
		     set_none(d, "page") && set_none(d, "rw") &&
		     set_none(d, "nx") && set_none(d, "user");
	else if (ok)
		ok = dict_set(d, "mapped", PyBool_FromLong(1)) &&
		     dict_set(d, "page", PyLong_FromUnsignedLongLong(
					ptk_level_size(r->level))) &&
		     dict_set(d, "rw", PyBool_FromLong(r->eff & PTK_F_RW)) &&
		     dict_set(d, "nx", PyBool_FromLong(r->eff & PTK_F_NX)) &&
		     dict_set(d, "user", PyBool_FromLong(r->eff & PTK_F_US));
	if (ok && !t) {
		ok = dict_set(d, "region", PyUnicode_FromString(
					region_of(s->src, r->va)));
		mod = ok ? module_of(s, r->va) : NULL;
		if (mod)
			ok = dict_set(d, "module", mod);
	}
	if (ok && !PyErr_Occurred())
		return d;
	Py_XDECREF(d);
	return NULL;
}

PyObject *source_rmap(SourceObject *s, PyObject *arg)
{
	const struct ptk_tasks *tasks;
	struct ptk_range *pfns = NULL;
	size_t n = 0, cap = 0;
	struct ptk_rmap_spaces sp = { 0 };
	struct ptk_rmap_recs recs = { 0 };
	enum ptk_status st;
	PyObject *l = NULL;

	if (!add_frames(arg, &pfns, &n, &cap))
		goto out;
	n = ptk_ranges_normalize(pfns, n);
	tasks = source_tasks(s);
	if (!tasks && PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "'%s': kernel "
				       "mappings only: %s",
				       ptk_source_name(s->src),
				       s->kern.why_no_tasks) < 0)
		goto out;
	st = ptk_rmap_spaces_of(&s->pg, tasks, &sp);
	if (st == PTK_OK) {
		const struct ptk_region *direct =
			ptk_source_region_named(s->src, "Low Kernel Mapping");

		Py_BEGIN_ALLOW_THREADS
		st = ptk_rmap_collect(s->src, &sp, direct, pfns, n, &recs);
		Py_END_ALLOW_THREADS
	}
	if (st != PTK_OK) {
		raise_status(s->ctx, st);
		goto out;
	}
	l = PyList_New((Py_ssize_t)recs.n);
	for (size_t i = 0; l && i < recs.n; i++) {
		PyObject *d = rec_dict(s, &sp, &recs.rec[i]);

		if (!d) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, d);
	}
out:
	ptk_rmap_recs_release(&recs);
	ptk_rmap_spaces_release(&sp);
	free(pfns);
	return l;
}
