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

/* What a Source knows of its kernel, each read when first asked for and
 * quietly absent when the dump cannot say (see kernel.c). */
struct kernel_cache {
	struct ptk_symbols *syms;
	struct ptk_types *types;
	struct ptk_tasks tasks;
	bool syms_tried, types_tried, tasks_tried, tasks_read;
	char why_no_tasks[256];
	char why_no_symbols[256];
	struct ptk_modules mods;
	bool mods_tried, mods_read;
	struct ptk_symbols *modsyms;
	bool modsyms_tried;
};

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
	struct kernel_cache kern;
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

/** source_symbols() - the kernel's symbols (kallsyms), or NULL */
struct ptk_symbols *source_symbols(SourceObject *s);
/** source_types() - the kernel's BTF, or NULL */
struct ptk_types *source_types(SourceObject *s);
/** source_tasks() - the processes, or NULL with kern.why_no_tasks */
const struct ptk_tasks *source_tasks(SourceObject *s);
/** source_modules() - the loaded modules, or NULL */
const struct ptk_modules *source_modules(SourceObject *s);
/** source_module_symbols() - the modules' symbols, or NULL */
struct ptk_symbols *source_module_symbols(SourceObject *s);
/** source_max_pfn_mapped() - the kernel's max_pfn_mapped, or 0 */
uint64_t source_max_pfn_mapped(SourceObject *s);
/** kernel_cache_release() - for the Source's dealloc */
void kernel_cache_release(struct kernel_cache *k);

/**
 * add_owners() - holes[i]["owners"] = who maps the frames @pfns[i], as
 * `ptkit unmapped --owners --format=json` gives them; false with an
 * exception
 */
bool add_owners(SourceObject *s, PyObject *holes,
		const struct ptk_range *pfns, size_t n);

/** source_ps() - Source.ps(threads=False) */
PyObject *source_ps(SourceObject *s, PyObject *args, PyObject *kw);
/** source_symbols_list() - Source.symbols(*patterns) */
PyObject *source_symbols_list(SourceObject *s, PyObject *args);
/** source_symbol() - Source.symbol(addr) */
PyObject *source_symbol(SourceObject *s, PyObject *arg);
/** source_rmap() - Source.rmap(pfns) */
PyObject *source_rmap(SourceObject *s, PyObject *arg);

/** replay() - ptkit.replay() */
PyObject *replay(PyObject *self, PyObject *args, PyObject *kw);

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
