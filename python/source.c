// SPDX-License-Identifier: MIT
/* ptkit.Source: open, describe, translate; see binding.h. */
#include <string.h>

#include "binding.h"

#define PTI_USER_BIT (UINT64_C(1) << 12)

static void source_dealloc(SourceObject *self)
{
	kernel_cache_release(&self->kern);
	if (self->src && !self->owner)
		ptk_source_free(self->src);
	if (self->ctx && !self->owner)
		ptk_ctx_free(self->ctx);
	Py_XDECREF(self->owner);
	Py_XDECREF(self->path);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Paging as ptkit(1) finds it, then the caller's overrides. */
static bool find_paging(SourceObject *s, PyObject *cr3, int levels,
			const char *pti)
{
	enum ptk_status st;

	if (cr3 && cr3 != Py_None) {
		unsigned long long root = PyLong_AsUnsignedLongLong(cr3);
		struct ptk_paging found;
		struct ptk_discovery why;

		if (PyErr_Occurred())
			return false;
		ptk_paging_init(&s->pg, root & 0x000ffffffffff000ull,
				levels ? (unsigned)levels : 4);
		snprintf(s->why.root, sizeof(s->why.root), "cr3=");
		snprintf(s->why.levels, sizeof(s->why.levels),
			 levels ? "levels=" : "default with cr3=");
		if (!levels && ptk_paging_discover(s->src, &found, &why) ==
			       PTK_OK) {
			s->pg.levels = found.levels;
			s->pg.phys_bits = found.phys_bits;
			memcpy(s->why.levels, why.levels, sizeof(why.levels));
		}
		ptk_ctx_clear_err(s->ctx);
	} else {
		st = ptk_paging_discover(s->src, &s->pg, &s->why);
		if (st != PTK_OK) {
			raise_status(s->ctx, st);
			return false;
		}
		if (levels) {
			s->pg.levels = (unsigned)levels;
			snprintf(s->why.levels, sizeof(s->why.levels),
				 "levels=");
		}
	}
	if (pti) {
		bool user = !strcmp(pti, "user");
		uint64_t root = user ? s->pg.root | PTI_USER_BIT
				     : s->pg.root & ~PTI_USER_BIT;
		size_t n = strlen(s->why.root);

		if (root != s->pg.root)
			snprintf(s->why.root + n, sizeof(s->why.root) - n,
				 ", the %s copy (pti=)",
				 user ? "user" : "kernel");
		s->pg.root = root;
	}
	st = ptk_layout_discover(s->src, &s->pg, &s->layout);
	if (st != PTK_OK) {
		raise_status(s->ctx, st);
		return false;
	}
	ptk_ctx_clear_err(s->ctx);
	return true;
}

PyObject *source_open(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path", "cr3", "levels", "pti", NULL };
	PyObject *path, *cr3 = NULL;
	const char *pti = NULL;
	int levels = 0;
	SourceObject *s;
	enum ptk_status st;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|O$iz", kwlist,
					 PyUnicode_FSConverter, &path, &cr3,
					 &levels, &pti))
		return NULL;
	if ((levels && levels != 4 && levels != 5) ||
	    (pti && strcmp(pti, "user") && strcmp(pti, "kernel"))) {
		Py_DECREF(path);
		PyErr_SetString(PyExc_ValueError, "levels is 4 or 5; pti is "
				"'kernel' or 'user'");
		return NULL;
	}
	s = PyObject_New(SourceObject, &Source_Type);
	if (!s) {
		Py_DECREF(path);
		return NULL;
	}
	s->src = NULL;
	s->owner = NULL;
	s->path = path;
	memset(&s->kern, 0, sizeof(s->kern));
	memset(&s->why, 0, sizeof(s->why));
	memset(&s->layout, 0, sizeof(s->layout));
	s->ctx = ptk_ctx_new();
	if (!s->ctx) {
		Py_DECREF(s);
		return PyErr_NoMemory();
	}
	Py_BEGIN_ALLOW_THREADS
	st = ptk_source_open(s->ctx, PyBytes_AS_STRING(path), &s->src);
	Py_END_ALLOW_THREADS
	if (st != PTK_OK) {
		raise_status(s->ctx, st);
		Py_DECREF(s);
		return NULL;
	}
	if (!find_paging(s, cr3, levels, pti)) {
		Py_DECREF(s);
		return NULL;
	}
	return (PyObject *)s;
}

static PyObject *ranges_list(const struct ptk_range *r, size_t n)
{
	PyObject *l = PyList_New((Py_ssize_t)n);

	for (size_t i = 0; l && i < n; i++) {
		PyObject *d = PyDict_New();

		if (!d || !dict_set(d, "start", hex_str(r[i].start)) ||
		    !dict_set(d, "end", hex_str(r[i].end))) {
			Py_XDECREF(d);
			Py_DECREF(l);
			return NULL;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, d);
	}
	return l;
}

static PyObject *source_regions(SourceObject *s, void *closure)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(s->src, &n);
	PyObject *l = PyList_New((Py_ssize_t)n);

	(void)closure;
	for (size_t i = 0; l && i < n; i++) {
		PyObject *d = PyDict_New();

		if (!d || !dict_set(d, "name", PyUnicode_FromString(rg[i].name)) ||
		    !dict_set(d, "start", hex_str(rg[i].start)) ||
		    !dict_set(d, "end", hex_str(rg[i].end))) {
			Py_XDECREF(d);
			Py_DECREF(l);
			return NULL;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, d);
	}
	return l;
}

static PyObject *metadata_dict(SourceObject *s)
{
	PyObject *d = PyDict_New();

	for (size_t i = 0; d && i < ptk_source_meta_count(s->src); i++) {
		const char *k, *v;

		ptk_source_meta_at(s->src, i, &k, &v);
		if (!dict_set(d, k, PyUnicode_DecodeUTF8(v, (Py_ssize_t)strlen(v),
							 "replace"))) {
			Py_DECREF(d);
			return NULL;
		}
	}
	return d;
}

/* What `ptkit info --format=json` says of the source and its paging. */
static PyObject *source_info(SourceObject *s, PyObject *unused)
{
	size_t nram;
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);
	uint64_t bytes = 0;
	PyObject *d = PyDict_New();

	(void)unused;
	for (size_t i = 0; i < nram; i++)
		bytes += ram[i].end - ram[i].start;
	if (!d ||
	    !dict_set(d, "source", PyUnicode_DecodeFSDefault(
					   PyBytes_AS_STRING(s->path))) ||
	    !dict_set(d, "format", PyUnicode_FromString(
					   ptk_source_format(s->src))) ||
	    !dict_set(d, "levels", PyLong_FromUnsignedLong(s->pg.levels)) ||
	    !dict_set(d, "levels_from", PyUnicode_FromString(s->why.levels)) ||
	    !dict_set(d, "root", hex_str(s->pg.root)) ||
	    !dict_set(d, "root_from", PyUnicode_FromString(s->why.root)) ||
	    !dict_set(d, "phys_bits", PyLong_FromUnsignedLong(s->pg.phys_bits)) ||
	    !dict_set(d, "ram", ranges_list(ram, nram)) ||
	    !dict_set(d, "ram_bytes", PyLong_FromUnsignedLongLong(bytes)) ||
	    !dict_set(d, "regions", source_regions(s, NULL)) ||
	    !dict_set(d, "metadata", metadata_dict(s))) {
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

/* A translation as `ptkit translate --format=json` prints it. */
static PyObject *xlat_dict(SourceObject *s, const struct ptk_xlat *x)
{
	PyObject *d = PyDict_New(), *path;
	bool mapped = x->result == PTK_XLAT_MAPPED;

	if (!d || !dict_set(d, "va", hex_str(x->va)))
		goto fail;
	if (mapped) {
		if (!dict_set(d, "pa", hex_str(x->pa)) ||
		    !dict_set(d, "page", PyLong_FromUnsignedLongLong(
						  ptk_level_size(x->level))) ||
		    !dict_set(d, "level", PyUnicode_FromString(
						  ptk_level_name(&s->pg, x->level))) ||
		    !dict_set(d, "mapped", PyBool_FromLong(1)) ||
		    !dict_set(d, "rw", PyBool_FromLong(x->eff & PTK_F_RW)) ||
		    !dict_set(d, "us", PyBool_FromLong(x->eff & PTK_F_US)) ||
		    !dict_set(d, "nx", PyBool_FromLong(x->eff & PTK_F_NX)) ||
		    !dict_set(d, "pkey", PyLong_FromUnsignedLong(x->pkey)))
			goto fail;
	} else {
		Py_INCREF(Py_None);
		Py_INCREF(Py_None);
		if (!dict_set(d, "pa", Py_None) || !dict_set(d, "page", Py_None))
			goto fail;
		if (x->level) {
			if (!dict_set(d, "level", PyUnicode_FromString(
						ptk_level_name(&s->pg, x->level))))
				goto fail;
		} else {
			Py_INCREF(Py_None);
			if (!dict_set(d, "level", Py_None))
				goto fail;
		}
		if (!dict_set(d, "mapped", PyBool_FromLong(0)) ||
		    !dict_set(d, "reason", PyUnicode_FromString(
				x->result == PTK_XLAT_NONCANONICAL ?
				"not canonical" : "not present")))
			goto fail;
	}
	path = PyList_New(x->nsteps);
	for (unsigned i = 0; path && i < x->nsteps; i++) {
		const struct ptk_xlat_step *st = &x->path[i];
		PyObject *e = PyDict_New();

		if (!e || !dict_set(e, "level", PyUnicode_FromString(
					ptk_level_name(&s->pg, st->level))) ||
		    !dict_set(e, "index", PyLong_FromUnsignedLong(st->index)) ||
		    !dict_set(e, "table", hex_str(st->table_pa)) ||
		    !dict_set(e, "entry", hex_str(st->raw))) {
			Py_XDECREF(e);
			Py_CLEAR(path);
			break;
		}
		PyList_SET_ITEM(path, i, e);
	}
	if (!dict_set(d, "path", path))
		goto fail;
	return d;
fail:
	Py_XDECREF(d);
	return NULL;
}

static bool va_of(PyObject *o, uint64_t *va)
{
	unsigned long long v = PyLong_AsUnsignedLongLong(o);

	if (v == (unsigned long long)-1 && PyErr_Occurred())
		return false;	/* not an int, or not 0 to 2^64 - 1 */
	*va = v;
	return true;
}

static PyObject *translate_one(SourceObject *s, uint64_t va)
{
	struct ptk_xlat x;
	enum ptk_status st;

	Py_BEGIN_ALLOW_THREADS
	st = ptk_translate(s->src, &s->pg, va, &x);
	Py_END_ALLOW_THREADS
	if (st != PTK_OK) {
		ptk_set_err(s->ctx, st, "0x%016llx: %s", (unsigned long long)va,
			    ptk_ctx_err(s->ctx));
		return raise_status(s->ctx, st);
	}
	return xlat_dict(s, &x);
}

static PyObject *source_translate(SourceObject *s, PyObject *arg)
{
	uint64_t va;

	if (!va_of(arg, &va))
		return NULL;
	return translate_one(s, va);
}

static PyObject *source_translate_many(SourceObject *s, PyObject *arg)
{
	PyObject *it = PyObject_GetIter(arg), *out, *o;

	if (!it)
		return NULL;
	out = PyList_New(0);
	while (out && (o = PyIter_Next(it))) {
		uint64_t va;
		PyObject *d;
		bool ok = va_of(o, &va);

		Py_DECREF(o);
		d = ok ? translate_one(s, va) : NULL;
		if (!d || PyList_Append(out, d)) {
			Py_XDECREF(d);
			Py_CLEAR(out);
			break;
		}
		Py_DECREF(d);
	}
	Py_DECREF(it);
	if (out && PyErr_Occurred())
		Py_CLEAR(out);
	return out;
}

static PyObject *source_walk(SourceObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "start", "end", "region", "entries", NULL };
	unsigned long long start = 0, end = 0;
	const char *region = NULL;
	int entries = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|KK$zp", kwlist, &start,
					 &end, &region, &entries))
		return NULL;
	if (region) {
		const struct ptk_region *r = ptk_source_region_named(s->src,
								     region);

		if (!r) {
			ptk_set_err(s->ctx, PTK_ERR_INVALID, "'%s': no region "
				    "named '%s'", PyBytes_AS_STRING(s->path),
				    region);
			return raise_status(s->ctx, PTK_ERR_INVALID);
		}
		start = r->start;
		end = r->end;
	}
	if ((start | end) & (PTK_PAGE_SIZE - 1)) {
		PyErr_SetString(PyExc_ValueError, "start and end are page "
				"aligned (end 0: the top of the address space)");
		return NULL;
	}
	return walk_new(s, start, end, entries);
}

/* The buddy free lists, as `ptkit freelists --format=json` lists them. */
static PyObject *source_freelists(SourceObject *s, PyObject *unused)
{
	struct ptk_freelists f;
	enum ptk_status st;
	PyObject *l;

	(void)unused;
	Py_BEGIN_ALLOW_THREADS
	st = ptk_freelists_read(s->src, &s->pg, &s->layout, &f);
	Py_END_ALLOW_THREADS
	if (st != PTK_OK)
		return raise_status(s->ctx, st);
	l = PyList_New(0);
	for (size_t i = 0; l && i < f.nzones; i++) {
		const struct ptk_zone_free *z = &f.zones[i];

		for (unsigned o = 0; l && o < f.norders; o++)
			for (unsigned t = 0; l && t < f.ntypes; t++) {
				PyObject *d = PyDict_New();

				if (!d ||
				    !dict_set(d, "node", PyLong_FromUnsignedLong(z->node)) ||
				    !dict_set(d, "zone", PyUnicode_FromString(z->name)) ||
				    !dict_set(d, "order", PyLong_FromUnsignedLong(o)) ||
				    !dict_set(d, "migratetype",
					      PyUnicode_FromString(f.type_names[t])) ||
				    !dict_set(d, "blocks", PyLong_FromUnsignedLongLong(
							z->blocks[o][t])) ||
				    PyList_Append(l, d))
					Py_CLEAR(l);
				Py_XDECREF(d);
			}
	}
	ptk_freelists_release(&f);
	return l;
}

static PyObject *source_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	Py_INCREF(self);
	return self;
}

static PyObject *source_exit(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	Py_RETURN_FALSE;
}

static PyMethodDef source_methods[] = {
	{ "info", (PyCFunction)source_info, METH_NOARGS,
	  "info() -> dict: the source, its paging, RAM, regions and metadata,\n"
	  "with the keys of `ptkit info --format=json`." },
	{ "walk", (PyCFunction)(void (*)(void))source_walk,
	  METH_VARARGS | METH_KEYWORDS,
	  "walk(start=0, end=0, *, region=None, entries=False) -> iterator\n\n"
	  "The runs of mappings in [start, end) (end 0: the top), or of a\n"
	  "region (a name from .regions, or direct-map, vmalloc, ...), as\n"
	  "`ptkit walk --format=json` prints them; with entries=True one per\n"
	  "leaf entry, with its raw value.  Read as iterated, a GiB at a time.\n"
	  "Entries that cannot be followed are holes; the iterator's\n"
	  ".bad_entries counts them." },
	{ "translate", (PyCFunction)source_translate, METH_O,
	  "translate(va) -> dict: the translation with its path, as\n"
	  "`ptkit translate --format=json` prints it." },
	{ "translate_many", (PyCFunction)source_translate_many, METH_O,
	  "translate_many(vas) -> list of translate() results" },
	{ "freelists", (PyCFunction)source_freelists, METH_NOARGS,
	  "freelists() -> list: a dict per node, zone, order and migratetype\n"
	  "with its free blocks, as `ptkit freelists --format=json`, from\n"
	  "VMCOREINFO alone." },
	{ "stats", (PyCFunction)source_stats, METH_NOARGS,
	  "stats() -> dict: leaves by page size and table pages by level per\n"
	  "region, and the DirectMap lines, as `ptkit stats --format=json`." },
	{ "unmapped", (PyCFunction)(void (*)(void))source_unmapped,
	  METH_VARARGS | METH_KEYWORDS,
	  "unmapped(start=None, end=None, *, owners=False) -> list: the RAM\n"
	  "the direct map does not map (or the holes of [start, end)), with\n"
	  "what the pages are, as `ptkit unmapped --format=json` prints them;\n"
	  "owners=True adds who maps each hole's frames ('owners', as\n"
	  "--owners: each process's user half and the kernel's tables; a\n"
	  "RuntimeWarning when the processes cannot be read)." },
	{ "ps", (PyCFunction)(void (*)(void))source_ps,
	  METH_VARARGS | METH_KEYWORDS,
	  "ps(threads=False) -> list: the processes (every thread, with\n"
	  "threads=True) of the kernel's task list, as `ptkit ps\n"
	  "--format=json` gives them, with the pages each user half maps.\n"
	  "Needs kallsyms and BTF; ptkit.Error says what is missing." },
	{ "symbols", (PyCFunction)(void (*)(void))source_symbols_list,
	  METH_VARARGS,
	  "symbols(*patterns) -> list: the kernel's and the modules'\n"
	  "symbols in address order, those matching any shell glob given,\n"
	  "as `ptkit symbols --format=json` lists them." },
	{ "symbol", (PyCFunction)(void (*)(void))source_symbol, METH_O,
	  "symbol(addr) -> str or None: the address as the kernel's %pS\n"
	  "prints it, 'name+0x1f [module]'." },
	{ "rmap", (PyCFunction)(void (*)(void))source_rmap, METH_O,
	  "rmap(pfns) -> list: every mapping of the frames (an int, a range,\n"
	  "or a list of them) in the kernel's tables and each process's user\n"
	  "half, and the frames of RAM the direct map leaves out ('mapped':\n"
	  "False), as `ptkit rmap --format=json` gives them." },
	{ "pages", (PyCFunction)(void (*)(void))source_pages,
	  METH_VARARGS | METH_KEYWORDS,
	  "pages(start=0, end=2**64) -> list: runs of page frames of one kind\n"
	  "(free, slab, pagetable, hugetlb, anon, file, kernel, ...) as\n"
	  "`ptkit pages --format=json --range=START-END` prints them." },
	{ "edit", (PyCFunction)(void (*)(void))edit_new,
	  METH_VARARGS | METH_KEYWORDS,
	  "edit(*, pool=None) -> Edit: edits on a copy-on-write overlay of the\n"
	  "tables (the source is never written); pool=(start, end) is where\n"
	  "new table pages come from, as `ptkit edit --pool`." },
	{ "__enter__", source_enter, METH_NOARGS, NULL },
	{ "__exit__", source_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL }
};

static PyObject *source_path(SourceObject *s, void *closure)
{
	(void)closure;
	return PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(s->path));
}

static PyGetSetDef source_getset[] = {
	{ "regions", (getter)source_regions, NULL,
	  "the named regions: dicts with name, start and end", NULL },
	{ "path", (getter)source_path, NULL, "the path opened", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject Source_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "ptkit.Source",
	.tp_basicsize = sizeof(SourceObject),
	.tp_dealloc = (destructor)source_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "An opened dump or image; made by ptkit.open().",
	.tp_methods = source_methods,
	.tp_getset = source_getset,
};
