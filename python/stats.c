// SPDX-License-Identifier: MIT
/* Source.stats(): what `ptkit stats --format=json` prints. */
#include "binding.h"

static PyObject *tally_dict(SourceObject *s, const struct ptk_region *rg,
			    const struct ptk_region_tally *t)
{
	PyObject *d = PyDict_New(), *tables = PyDict_New();

	if (!d || !tables)
		goto fail;
	if (rg) {
		if (!dict_set(d, "name", PyUnicode_FromString(rg->name)) ||
		    !dict_set(d, "start", hex_str(rg->start)) ||
		    !dict_set(d, "end", hex_str(rg->end)))
			goto fail;
	} else {
		Py_INCREF(Py_None);
		if (!dict_set(d, "name", Py_None))
			goto fail;
	}
	for (unsigned l = s->pg.levels - 1; l >= 1; l--)
		if (!dict_set(tables, ptk_level_name(&s->pg, l),
			      PyLong_FromUnsignedLongLong(t->tables[l])))
			goto fail;
	if (!dict_set(d, "4k", PyLong_FromUnsignedLongLong(t->leaves[1])) ||
	    !dict_set(d, "2m", PyLong_FromUnsignedLongLong(t->leaves[2])) ||
	    !dict_set(d, "1g", PyLong_FromUnsignedLongLong(t->leaves[3])))
		goto fail;
	if (!dict_set(d, "tables", tables)) {
		tables = NULL;
		goto fail;
	}
	return d;
fail:
	Py_XDECREF(tables);
	Py_XDECREF(d);
	return NULL;
}

/* The kernel's direct_gbpages: 1 or 0, or -1 where the dump does not say
 * (no symbols, or the variable cannot be read). */
static int direct_gbpages(SourceObject *s)
{
	const struct ptk_symbol *sym = NULL;
	uint64_t addr = 0;
	bool found;
	int32_t v = -1;

	/* one name: not worth building the table if it is not built yet */
	if (s->kern.syms || s->kern.syms_tried) {
		if (s->kern.syms)
			sym = ptk_symbols_find(s->kern.syms, "direct_gbpages");
		found = sym != NULL;
		if (sym)
			addr = sym->addr;
	} else {
		found = ptk_kallsyms_find(s->src, &s->pg, "direct_gbpages",
					  &addr) == PTK_OK;
	}
	if (found &&
	    ptk_read_virt(s->src, &s->pg, addr, &v, sizeof(v)) == PTK_OK)
		v = v != 0;
	else
		v = -1;
	ptk_ctx_clear_err(s->ctx);
	return v;
}

/* The vmemmap's aliases, when it has 4K pages and some are shared. */
static bool vmemmap_shared(SourceObject *s, const struct ptk_region_census *c,
			   uint64_t *aliases, size_t *folios)
{
	struct ptk_vmemmap *vm;
	bool any_4k = false;

	for (size_t i = 0; i < c->nregions; i++)
		any_4k |= !strcmp(c->regions[i].name, "Vmemmap") &&
			  c->tally[i].leaves[1];
	if (!any_4k || !s->layout.vmemmap ||
	    ptk_vmemmap_scan(s->src, &s->pg, &s->layout, &vm) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return false;
	}
	*aliases = vm->aliases;
	*folios = vm->nfolios;
	ptk_vmemmap_free(vm);
	return *aliases != 0;
}

PyObject *source_stats(SourceObject *s, PyObject *unused)
{
	const struct ptk_region *direct =
		ptk_source_region_named(s->src, "Low Kernel Mapping");
	const struct ptk_region *text = direct ?
		ptk_source_region_named(s->src, "High Kernel Mapping") : NULL;
	struct ptk_region_census c;
	PyObject *d = NULL, *regions;
	uint64_t aliases;
	size_t folios;
	enum ptk_status st;

	(void)unused;
	Py_BEGIN_ALLOW_THREADS
	st = ptk_region_census(s->src, &s->pg, direct ? direct->start : 0,
			       direct ? direct->end : 0, text ? text->start : 0,
			       text ? text->end : 0, &c);
	Py_END_ALLOW_THREADS
	if (st != PTK_OK)
		return raise_status(s->ctx, st);
	regions = PyList_New((Py_ssize_t)c.nregions + 1);
	for (size_t i = 0; regions && i <= c.nregions; i++) {
		PyObject *r = tally_dict(s, i < c.nregions ? &c.regions[i] : NULL,
					 &c.tally[i]);

		if (!r) {
			Py_CLEAR(regions);
			break;
		}
		PyList_SET_ITEM(regions, (Py_ssize_t)i, r);
	}
	d = PyDict_New();
	if (!d || !dict_set(d, "regions", regions) ||
	    !dict_set(d, "bad_entries", PyLong_FromUnsignedLongLong(
						c.bad_entries)))
		goto fail;
	if (vmemmap_shared(s, &c, &aliases, &folios)) {
		PyObject *v = PyDict_New();

		if (!v || !dict_set(v, "aliases", PyLong_FromUnsignedLongLong(aliases)) ||
		    !dict_set(v, "folios", PyLong_FromSize_t(folios)) ||
		    !dict_set(d, "vmemmap", v))
			goto fail;
	}
	if (direct) {
		uint64_t kb[PTK_LEVEL_PUD + 1];
		PyObject *m = PyDict_New(), *g;
		int gb = direct_gbpages(s);

		ptk_dm_meminfo_kb(&c.dm, kb);
		g = gb < 0 ? Py_None : gb ? Py_True : Py_False;
		Py_INCREF(g);
		if (!m || !dict_set(m, "4k", PyLong_FromUnsignedLongLong(kb[1])) ||
		    !dict_set(m, "2m", PyLong_FromUnsignedLongLong(kb[2])) ||
		    !dict_set(m, "1g", PyLong_FromUnsignedLongLong(kb[3])) ||
		    !dict_set(m, "direct_gbpages", g) ||
		    !dict_set(d, "directmap", m))
			goto fail;
	}
	ptk_region_census_release(&c);
	return d;
fail:
	ptk_region_census_release(&c);
	Py_XDECREF(d);
	return NULL;
}
