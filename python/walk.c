// SPDX-License-Identifier: MIT
/*
 * Source.walk(): the runs of `ptkit walk --format=json`, read lazily.
 * libptkit's walker calls back; a Python iterator is pulled.  So the
 * range is walked a GiB at a time (empty top-level entries skipped whole)
 * into a small list, and the run left open at the end of a piece is held
 * back and merged with the first of the next when they continue each
 * other, as lib/runs.c would have merged them.
 */
#include <string.h>

#include "binding.h"

/* Bits that never split a run (lib/runs.c). */
#define RUN_IGNORED (PTK_F_A | PTK_F_D)

typedef struct {
	PyObject_HEAD
	SourceObject *s;
	uint64_t cur, end;	/* end 0: the top */
	bool entries, done;
	PyObject *out;		/* records of the last piece */
	Py_ssize_t next;
	bool held;		/* a run that the next piece may continue */
	struct ptk_run run;
	uint64_t raw;
	unsigned long long bad;
	uint64_t last_bad;	/* entry address, +1: pieces repeat it */
	bool full;		/* a batch is ready: the walk stopped */
	uint64_t resume;	/* where to walk on from */
} WalkIterObject;

/*
 * Records handed out per batch: few enough that they are freed before
 * the next batch is made, so Python's allocator reuses their memory
 * instead of mapping and unmapping arenas (page faults cost more than
 * the records here).
 */
enum { BATCH = 256 };

/* Keys, made once. */
static PyObject *k_va, *k_end, *k_pa, *k_page, *k_level, *k_count, *k_rw,
	*k_us, *k_nx, *k_g, *k_pwt, *k_pcd, *k_pat, *k_pkey, *k_entry, *k_a,
	*k_d;

static bool keys_ready(void)
{
	static struct {
		PyObject **k;
		const char *s;
	} keys[] = {
		{ &k_va, "va" }, { &k_end, "end" }, { &k_pa, "pa" },
		{ &k_page, "page" }, { &k_level, "level" },
		{ &k_count, "count" }, { &k_rw, "rw" }, { &k_us, "us" },
		{ &k_nx, "nx" }, { &k_g, "g" }, { &k_pwt, "pwt" },
		{ &k_pcd, "pcd" }, { &k_pat, "pat" }, { &k_pkey, "pkey" },
		{ &k_entry, "entry" }, { &k_a, "a" }, { &k_d, "d" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!*keys[i].k && !(*keys[i].k = PyUnicode_InternFromString(
					     keys[i].s)))
			return false;
	return true;
}

static bool put(PyObject *d, PyObject *k, PyObject *v)
{
	bool ok = v && !PyDict_SetItem(d, k, v);

	Py_XDECREF(v);
	return ok;
}

static bool put_bool(PyObject *d, PyObject *k, bool v)
{
	return !PyDict_SetItem(d, k, v ? Py_True : Py_False);
}

/*
 * The objects every record shares, made once: a template dict with every
 * key (copying it is cheaper than growing a new one key by key), the
 * level names and the page sizes.
 */
static PyObject *level_name[PTK_MAX_LEVELS + 1][2], *page_size[4];
static PyObject *tmpl[2];	/* [entries] */

static bool shared_ready(const struct ptk_paging *pg)
{
	unsigned five = pg->levels == 5;

	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++) {
		struct ptk_paging p = *pg;

		if (level_name[l][five])
			continue;
		p.levels = five ? 5 : 4;
		level_name[l][five] = PyUnicode_InternFromString(
			ptk_level_name(&p, l));
		if (!level_name[l][five])
			return false;
	}
	for (unsigned l = 1; l <= 3; l++)
		if (!page_size[l] &&
		    !(page_size[l] = PyLong_FromUnsignedLongLong(
			      ptk_level_size(l))))
			return false;
	for (int e = 0; e < 2; e++) {
		PyObject *keys[] = { k_va, k_end, k_pa, k_page, k_level,
				     k_count, k_rw, k_us, k_nx, k_g, k_pwt,
				     k_pcd, k_pat, k_pkey, k_entry, k_a, k_d };
		size_t n = e ? 17 : 14;

		if (tmpl[e])
			continue;
		tmpl[e] = PyDict_New();
		for (size_t i = 0; tmpl[e] && i < n; i++)
			if (PyDict_SetItem(tmpl[e], keys[i], Py_None))
				Py_CLEAR(tmpl[e]);
		if (!tmpl[e])
			return false;
	}
	return true;
}

static PyObject *record(WalkIterObject *w, const struct ptk_run *r,
			uint64_t raw)
{
	PyObject *d = PyDict_Copy(tmpl[w->entries]);
	unsigned eff = r->eff, five = w->s->pg.levels == 5;

	if (!d)
		return NULL;
	if (!put(d, k_va, hex_str(r->va)) || !put(d, k_end, hex_str(r->end)) ||
	    !put(d, k_pa, hex_str(r->pa)) ||
	    PyDict_SetItem(d, k_page, page_size[r->level <= 3 ? r->level : 1]) ||
	    PyDict_SetItem(d, k_level, level_name[r->level][five]) ||
	    !put(d, k_count, PyLong_FromUnsignedLongLong(r->count)) ||
	    !put_bool(d, k_rw, eff & PTK_F_RW) ||
	    !put_bool(d, k_us, eff & PTK_F_US) ||
	    !put_bool(d, k_nx, eff & PTK_F_NX) ||
	    !put_bool(d, k_g, eff & PTK_F_G) ||
	    !put_bool(d, k_pwt, eff & PTK_F_PWT) ||
	    !put_bool(d, k_pcd, eff & PTK_F_PCD) ||
	    !put_bool(d, k_pat, eff & PTK_F_PAT) ||
	    !put(d, k_pkey, PyLong_FromUnsignedLong(r->pkey)) ||
	    (w->entries && (!put(d, k_entry, hex_str(raw)) ||
			    !put_bool(d, k_a, eff & PTK_F_A) ||
			    !put_bool(d, k_d, eff & PTK_F_D)))) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static enum ptk_status emit(WalkIterObject *w, const struct ptk_run *r,
			    uint64_t raw)
{
	PyObject *d = record(w, r, raw);

	if (!d || PyList_Append(w->out, d)) {
		Py_XDECREF(d);
		return PTK_STOP;	/* the Python error is set */
	}
	Py_DECREF(d);
	return PTK_OK;
}

/* Stop the walk when a batch is full; it goes on from after @r. */
static enum ptk_status batch_done(WalkIterObject *w, const struct ptk_run *r)
{
	if (PyList_GET_SIZE(w->out) < BATCH)
		return PTK_OK;
	w->full = true;
	w->resume = r->end;
	return PTK_STOP;
}

static enum ptk_status on_run(const struct ptk_run *r,
			      const struct ptk_walk_entry *e, void *priv)
{
	WalkIterObject *w = priv;
	struct ptk_run *h = &w->run;
	enum ptk_status st;

	if (w->entries) {
		st = emit(w, r, e ? e->raw : 0);
		return st == PTK_OK ? batch_done(w, r) : st;
	}
	if (w->held && h->present == r->present && h->level == r->level &&
	    h->eff == r->eff && h->pkey == r->pkey && h->end == r->va &&
	    h->pa + (h->end - h->va) == r->pa) {
		h->end = r->end;
		h->count += r->count;
		return PTK_OK;
	}
	if (w->held && (st = emit(w, h, 0)) != PTK_OK)
		return st;
	*h = *r;
	w->held = true;
	/* the piece the walker opened after @r is walked again on resume */
	return batch_done(w, r);
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	WalkIterObject *w = priv;

	(void)why;
	/* an entry above a piece is met again by every piece under it */
	if (e->entry_pa + 1 != w->last_bad)
		w->bad++;
	w->last_bad = e->entry_pa + 1;
	ptk_ctx_clear_err(w->s->ctx);
	return PTK_OK;
}

/* Where the next piece ends: past a whole empty top-level entry, or at
 * the next GiB; 0 is the top of the address space. */
static uint64_t piece_end(WalkIterObject *w, bool *empty)
{
	uint64_t chunk = UINT64_C(1) << 30, end;
	struct ptk_xlat x;

	*empty = false;
	if (ptk_translate(w->s->src, &w->s->pg, w->cur, &x) == PTK_OK) {
		if (x.result == PTK_XLAT_NONCANONICAL) {
			*empty = true;
			end = ptk_noncanon_end(&w->s->pg);
			goto clip;
		}
		if (x.result == PTK_XLAT_NOT_PRESENT && x.level >= 3) {
			*empty = true;
			chunk = ptk_level_size(x.level);
		}
	}
	ptk_ctx_clear_err(w->s->ctx);
	end = (w->cur & ~(chunk - 1)) + chunk;
clip:
	if (w->end && (!end || end > w->end))
		end = w->end;
	return end;
}

/* Walk pieces until some records are ready or the range is done. */
static bool fill(WalkIterObject *w)
{
	static const struct ptk_runs_ops ops = { .run = on_run, .bad = on_bad };
	enum ptk_status st = PTK_OK;

	Py_CLEAR(w->out);
	w->next = 0;
	w->out = PyList_New(0);
	if (!w->out)
		return false;
	while (!w->done && !PyList_GET_SIZE(w->out)) {
		bool empty;
		uint64_t end = piece_end(w, &empty);

		if (empty && !w->entries && w->held && w->run.end == w->cur) {
			/* a hole: the held run cannot be continued */
			st = emit(w, &w->run, 0);
			w->held = false;
		} else if (!empty) {
			w->full = false;
			st = ptk_runs_walk(w->s->src, &w->s->pg, w->cur, end,
					   w->entries ? PTK_RUNS_ENTRIES :
							PTK_RUNS_PHYS,
					   &ops, w);
			if (st == PTK_STOP && w->full) {
				w->cur = w->resume;
				if (w->cur && w->cur != w->end)
					return true;
				/* the batch reached the end of the range */
				st = PTK_OK;
				end = w->cur;
			}
		}
		if (st != PTK_OK)
			break;
		w->cur = end;
		if (end == w->end || !end) {
			w->done = true;
			if (w->held)
				st = emit(w, &w->run, 0);
			w->held = false;
		}
		if (st != PTK_OK)
			break;
	}
	if (st == PTK_STOP)
		return false;
	if (st != PTK_OK) {
		raise_status(w->s->ctx, st);
		return false;
	}
	return true;
}

static PyObject *walk_next(WalkIterObject *w)
{
	PyObject *d;

	if (!w->out || w->next == PyList_GET_SIZE(w->out)) {
		if (w->done || !fill(w) || !PyList_GET_SIZE(w->out))
			return NULL;
	}
	d = PyList_GET_ITEM(w->out, w->next);
	w->next++;
	Py_INCREF(d);
	return d;
}

static void walk_dealloc(WalkIterObject *w)
{
	Py_XDECREF(w->out);
	Py_XDECREF(w->s);
	Py_TYPE(w)->tp_free((PyObject *)w);
}

PyObject *walk_new(SourceObject *s, uint64_t start, uint64_t end,
		   bool entries)
{
	WalkIterObject *w;

	if (!keys_ready() || !shared_ready(&s->pg))
		return NULL;
	w = PyObject_New(WalkIterObject, &WalkIter_Type);
	if (!w)
		return NULL;
	Py_INCREF(s);
	w->s = s;
	w->cur = start;
	w->end = end;
	w->entries = entries;
	w->done = false;
	w->out = NULL;
	w->next = 0;
	w->held = false;
	w->bad = 0;
	w->last_bad = 0;
	w->full = false;
	w->resume = 0;
	return (PyObject *)w;
}

static PyMemberDef walk_members[] = {
	{ "bad_entries", T_ULONGLONG, offsetof(WalkIterObject, bad), READONLY,
	  "entries met so far that could not be followed" },
	{ NULL, 0, 0, 0, NULL }
};

PyTypeObject WalkIter_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "ptkit.WalkIter",
	.tp_basicsize = sizeof(WalkIterObject),
	.tp_dealloc = (destructor)walk_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "The runs of a walk, as Source.walk() makes them.",
	.tp_iter = PyObject_SelfIter,
	.tp_iternext = (iternextfunc)walk_next,
	.tp_members = walk_members,
};
