/* SPDX-License-Identifier: MIT */
/*
 * The ptkit Python module: libptkit's sources, walks and translations as
 * Python objects.  Shared by the files of the extension.
 */
#ifndef PTKIT_PYTHON_BINDING_H
#define PTKIT_PYTHON_BINDING_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <structmember.h>

#include "ptkit/ptkit.h"

/* ptkit.Source: an opened dump or image with its paging and layout. */
typedef struct {
	PyObject_HEAD
	struct ptk_ctx *ctx;
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	struct ptk_layout layout;
	PyObject *path;
	PyObject *owner;	/* an Edit whose view this is, or NULL: then
				 * ctx and src are borrowed from it */
} SourceObject;

extern PyTypeObject Source_Type;
extern PyTypeObject WalkIter_Type;
extern PyTypeObject Edit_Type;
/* ptkit.Error: args (message, status); status is ptkit's exit status. */
extern PyObject *ptkit_Error;

/** raise_status() - raise ptkit.Error for @st with @ctx's message; NULL */
PyObject *raise_status(struct ptk_ctx *ctx, enum ptk_status st);
/** hex_str() - "0x1f": how ptkit's JSON writes an address (without
 *  printf: a walk makes three per record) */
PyObject *hex_str(uint64_t v);
/** dict_set() - d[key] = value, stealing @value; false on failure */
bool dict_set(PyObject *d, const char *key, PyObject *value);
PyMODINIT_FUNC PyInit_ptkit(void);

/** source_open() - ptkit.open() */
PyObject *source_open(PyObject *self, PyObject *args, PyObject *kw);
/** source_unmapped() - Source.unmapped(start=None, end=None) */
PyObject *source_unmapped(SourceObject *s, PyObject *args, PyObject *kw);
/** source_stats() - Source.stats() */
PyObject *source_stats(SourceObject *s, PyObject *unused);
/** source_pages() - Source.pages(start=0, end=2^64) */
PyObject *source_pages(SourceObject *s, PyObject *args, PyObject *kw);
/** edit_new() - Source.edit(pool=None) */
PyObject *edit_new(SourceObject *s, PyObject *args, PyObject *kw);
/** walk_new() - an iterator over the runs of [start, end) */
PyObject *walk_new(SourceObject *s, uint64_t start, uint64_t end,
		   bool entries);

#endif
