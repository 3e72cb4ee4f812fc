// SPDX-License-Identifier: MIT
/* The ptkit module: its functions, types and exception. */
#include "binding.h"

PyObject *ptkit_Error;

/* The exit status ptkit gives a status (cli/common.c exit_for()). */
static int exit_status(enum ptk_status st)
{
	switch (st) {
	case PTK_ERR_INVALID:
		return 2;
	case PTK_ERR_NOMEM:
		return 4;
	default:
		return 3;
	}
}

PyObject *raise_status(struct ptk_ctx *ctx, enum ptk_status st)
{
	const char *msg = ctx ? ptk_ctx_err(ctx) : "";
	PyObject *e;

	if (st == PTK_ERR_NOMEM && !*msg)
		return PyErr_NoMemory();
	e = PyObject_CallFunction(ptkit_Error, "si", *msg ? msg :
				  ptk_status_str(st), exit_status(st));
	if (e) {
		PyErr_SetObject(ptkit_Error, e);
		Py_DECREF(e);
	}
	if (ctx)
		ptk_ctx_clear_err(ctx);
	return NULL;
}

PyObject *hex_str(uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	do {
		*--p = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	return PyUnicode_FromStringAndSize(p, buf + sizeof(buf) - p);
}

bool dict_set(PyObject *d, const char *key, PyObject *value)
{
	bool ok = value && !PyDict_SetItemString(d, key, value);

	Py_XDECREF(value);
	return ok;
}

static PyMethodDef module_methods[] = {
	{ "open", (PyCFunction)(void (*)(void))source_open,
	  METH_VARARGS | METH_KEYWORDS,
	  "open(path, cr3=None, levels=None, pti=None) -> Source\n\n"
	  "Open a dump (ELF vmcore, kdump-compressed, /proc/kcore) or a ptkit\n"
	  "image and find its paging, as ptkit(1) does; cr3, levels and pti\n"
	  "('kernel' or 'user') override what the source says." },
	{ "replay", (PyCFunction)(void (*)(void))replay,
	  METH_VARARGS | METH_KEYWORDS,
	  "replay(trace, image=None, mem=None, policies=None, select=None,\n"
	  "       simulate=False, seed=True, strict=False) -> dict\n\n"
	  "Replay a page-allocator trace (ftrace text, trace.dat, ptkit-trace)\n"
	  "through an allocator model and, for each policy ('none', 'naive',\n"
	  "'pageblock'; a list or 'a,b'; default all three), a copy of the\n"
	  "direct map, as `ptkit replay --format=json` does, with its keys.\n"
	  "image: a Source or a path, whose direct map and (unless seed=False)\n"
	  "free lists and pages the replay starts from; mem: an ideal direct\n"
	  "map of that many bytes (an int, or '4G'); neither: RAM sized from\n"
	  "the trace.  select as --select ('gfp=__GFP_UNMAPPED', 'order=0',\n"
	  "...); simulate lets the model choose where allocations land." },
	{ NULL, NULL, 0, NULL }
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, "ptkit",
	"x86-64 page tables of Linux dumps and images, through libptkit.\n\n"
	"    src = ptkit.open('vmcore')\n"
	"    for run in src.walk(region='direct-map'):\n"
	"        print(run['va'], run['page'], run['count'])\n\n"
	"Records have the keys of the command line's --format=json; errors\n"
	"raise ptkit.Error(message, status), status being ptkit's exit status.",
	-1, module_methods, NULL, NULL, NULL, NULL
};

/* ptkit.Error keeps .message and .status beside args. */
static int add_error(PyObject *m)
{
	static const char code[] =
		"class Error(Exception):\n"
		"    '''A ptkit failure: .message as ptkit prints it, .status its\n"
		"    exit status (2 usage, 3 bad input, 4 environment).'''\n"
		"    def __init__(self, message, status):\n"
		"        super().__init__(message, status)\n"
		"        self.message = message\n"
		"        self.status = status\n"
		"    def __str__(self):\n"
		"        return self.message\n";
	PyObject *globals = PyDict_New(), *res;

	if (!globals)
		return -1;
	if (PyDict_SetItemString(globals, "__builtins__",
				 PyEval_GetBuiltins()) ||
	    PyDict_SetItemString(globals, "__name__",
				 PyModule_GetNameObject(m))) {
		Py_DECREF(globals);
		return -1;
	}
	res = PyRun_String(code, Py_file_input, globals, globals);
	Py_XDECREF(res);
	ptkit_Error = res ? PyDict_GetItemString(globals, "Error") : NULL;
	Py_XINCREF(ptkit_Error);
	Py_DECREF(globals);
	if (!ptkit_Error)
		return -1;
	Py_INCREF(ptkit_Error);
	return PyModule_AddObject(m, "Error", ptkit_Error);
}

PyMODINIT_FUNC PyInit_ptkit(void)
{
	PyObject *m;

	if (PyType_Ready(&Source_Type) < 0 || PyType_Ready(&WalkIter_Type) < 0 ||
	    PyType_Ready(&Edit_Type) < 0)
		return NULL;
	m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	if (add_error(m) < 0 ||
	    PyModule_AddStringConstant(m, "__version__", PTKIT_VERSION) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	if (PyModule_AddType(m, &Source_Type) < 0 ||
	    PyModule_AddType(m, &Edit_Type) < 0 ||
	    PyModule_AddType(m, &WalkIter_Type) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
