// SPDX-License-Identifier: MIT
/*
 * Source.symbols() and Source.symbol(): the kernel's symbols from the
 * kallsyms tables VMCOREINFO names, and the modules' where BTF finds them,
 * as `ptkit symbols --format=json` lists them and %pS names an address.
 */
#include <fnmatch.h>
#include <stdio.h>

#include "binding.h"

static bool wanted(PyObject *patterns, const char *name)
{
	Py_ssize_t n = PyTuple_GET_SIZE(patterns);

	for (Py_ssize_t i = 0; i < n; i++)
		if (!fnmatch(PyBytes_AS_STRING(PyTuple_GET_ITEM(patterns, i)),
			     name, 0))
			return true;
	return !n;
}

static PyObject *symbol_dict(const struct ptk_symbol *sym)
{
	char addr[24], type[2] = { sym->type, 0 };
	PyObject *d = PyDict_New();

	snprintf(addr, sizeof(addr), "0x%016llx", (unsigned long long)sym->addr);
	if (d && dict_set(d, "address", PyUnicode_FromString(addr)) &&
	    dict_set(d, "type", PyUnicode_FromString(type)) &&
	    dict_set(d, "name", PyUnicode_DecodeUTF8(sym->name,
				(Py_ssize_t)strlen(sym->name), "replace")) &&
	    (!sym->module ||
	     dict_set(d, "module", PyUnicode_FromString(sym->module))))
		return d;
	Py_XDECREF(d);
	return NULL;
}

/* The patterns as bytes, for fnmatch(); NULL with an exception. */
static PyObject *encode_patterns(PyObject *args)
{
	Py_ssize_t n = PyTuple_GET_SIZE(args);
	PyObject *out = PyTuple_New(n);

	for (Py_ssize_t i = 0; out && i < n; i++) {
		PyObject *p = PyTuple_GET_ITEM(args, i);
		PyObject *b = PyUnicode_Check(p) ? PyUnicode_AsUTF8String(p)
						 : NULL;

		if (!b) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "symbols(): "
						"patterns are strings");
			Py_CLEAR(out);
			break;
		}
		PyTuple_SET_ITEM(out, i, b);
	}
	return out;
}

PyObject *source_symbols_list(SourceObject *s, PyObject *args)
{
	const struct ptk_symbols *syms = source_symbols(s), *mods;
	const struct ptk_symbol *sym;
	PyObject *patterns, *l;

	if (!syms) {
		PyObject *e = PyObject_CallFunction(ptkit_Error, "si",
						    s->kern.why_no_symbols, 3);

		if (e) {
			PyErr_SetObject(ptkit_Error, e);
			Py_DECREF(e);
		}
		return NULL;
	}
	patterns = encode_patterns(args);
	l = patterns ? PyList_New(0) : NULL;
	/* the kernel's and the modules' merged in address order */
	mods = source_module_symbols(s);
	for (size_t i = 0, j = 0;
	     l && (sym = ptk_symbols_merge_next(syms, mods, &i, &j));) {
		PyObject *d;

		if (!wanted(patterns, sym->name))
			continue;
		d = symbol_dict(sym);
		if (!d || PyList_Append(l, d))
			Py_CLEAR(l);
		Py_XDECREF(d);
	}
	Py_XDECREF(patterns);
	return l;
}

PyObject *source_symbol(SourceObject *s, PyObject *arg)
{
	unsigned long long addr = PyLong_AsUnsignedLongLong(arg);
	char buf[256];

	if (PyErr_Occurred())
		return NULL;
	if (ptk_symbols_describe(source_symbols(s), addr, buf, sizeof(buf)) ||
	    ptk_symbols_describe(source_module_symbols(s), addr, buf,
				 sizeof(buf)))
		return PyUnicode_DecodeUTF8(buf, (Py_ssize_t)strlen(buf),
					    "replace");
	Py_RETURN_NONE;
}
