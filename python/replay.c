// SPDX-License-Identifier: MIT
/*
 * ptkit.replay(): an allocator trace against direct-map policies, as
 * `ptkit replay --format=json` gives it, from the same library calls: the
 * model seeded from the image's own state, or an ideal direct map of RAM
 * given or sized from the trace.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "binding.h"

struct replay_req {
	PyObject *trace;		/* bytes, from the file system path */
	SourceObject *image;		/* a reference, or NULL */
	uint64_t mem;			/* 0: none given */
	enum ptk_policy policies[PTK_POLICY_N];
	size_t npolicies;
	struct ptk_selector sel;
	bool simulate, seed, strict;
	/* RAM sized from the trace when neither image nor mem is given */
	uint64_t sized_mem, top_pfn;
};

static bool add_policy(struct replay_req *q, const char *name, size_t len)
{
	enum ptk_policy pol = ptk_policy_parse(name, len);

	if (pol == PTK_POLICY_N) {
		PyErr_Format(PyExc_ValueError, "'%.*s' is not none, naive or "
			     "pageblock", (int)len, name);
		return false;
	}
	for (size_t i = 0; i < q->npolicies; i++)
		if (q->policies[i] == pol) {
			PyErr_Format(PyExc_ValueError, "policy '%.*s' given "
				     "twice", (int)len, name);
			return false;
		}
	q->policies[q->npolicies++] = pol;
	return true;
}

/* policies: None (all three), "a,b" as --compare, or names in a list. */
static bool parse_policies(struct replay_req *q, PyObject *o)
{
	PyObject *seq;

	if (!o || o == Py_None)
		o = PyUnicode_FromString("none,naive,pageblock");
	else
		Py_INCREF(o);
	if (!o)
		return false;
	if (PyUnicode_Check(o)) {
		const char *p = PyUnicode_AsUTF8(o);
		bool ok = p != NULL;

		while (ok && *p) {
			size_t len = strcspn(p, ",");

			ok = add_policy(q, p, len);
			p += len + (p[len] == ',');
		}
		Py_DECREF(o);
		return ok;
	}
	seq = PySequence_Fast(o, "policies: a list of names, or a string");
	Py_DECREF(o);
	if (!seq)
		return false;
	for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
		Py_ssize_t len;
		const char *name = PyUnicode_Check(item)
			? PyUnicode_AsUTF8AndSize(item, &len) : NULL;

		if (!name) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "policies: "
						"names are strings");
			Py_DECREF(seq);
			return false;
		}
		if (!add_policy(q, name, (size_t)len)) {
			Py_DECREF(seq);
			return false;
		}
	}
	Py_DECREF(seq);
	if (!q->npolicies) {
		PyErr_SetString(PyExc_ValueError, "policies: none given");
		return false;
	}
	return true;
}

/* mem: bytes as an int, or a size as --mem takes it ("4G"). */
static bool parse_mem(struct replay_req *q, PyObject *o)
{
	if (!o || o == Py_None)
		return true;
	if (PyUnicode_Check(o)) {
		const char *t = PyUnicode_AsUTF8(o);

		if (!t)
			return false;
		if (!ptk_parse_u64(t, &q->mem))
			q->mem = 1;	/* refused below */
	} else {
		q->mem = PyLong_AsUnsignedLongLong(o);
		if (PyErr_Occurred())
			return false;
	}
	if (q->mem < (1 << 21) || q->mem & ((1 << 21) - 1) || q->mem >> 46) {
		PyErr_SetString(PyExc_ValueError, "mem: not a size in 2M steps "
				"from 2M to 64T");
		return false;
	}
	return true;
}

/* image: a Source (an Edit's .source too), or a path to open. */
static bool parse_image(struct replay_req *q, PyObject *o)
{
	PyObject *args;

	if (!o || o == Py_None)
		return true;
	if (PyObject_TypeCheck(o, &Source_Type)) {
		Py_INCREF(o);
		q->image = (SourceObject *)o;
		return true;
	}
	args = PyTuple_Pack(1, o);
	if (!args)
		return false;
	q->image = (SourceObject *)source_open(NULL, args, NULL);
	Py_DECREF(args);
	return q->image != NULL;
}

/* The trace alone sizes RAM: a first pass over it, so it must be a file. */
static bool size_from_trace(struct replay_req *q)
{
	const char *path = PyBytes_AS_STRING(q->trace);
	struct ptk_ctx *ctx = ptk_ctx_new();
	struct ptk_trace *t = NULL;
	enum ptk_status st;
	struct stat sb;

	if (!ctx) {
		PyErr_NoMemory();
		return false;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		st = ptk_set_err(ctx, PTK_ERR_INVALID, "'%s': not a file, cannot "
				 "be read twice to size RAM from it; give image "
				 "or mem", path);
	else
		st = ptk_trace_open(ctx, path, q->strict, &t);
	Py_BEGIN_ALLOW_THREADS
	if (st == PTK_OK)
		st = ptk_trace_size_ram(t, &q->sized_mem, &q->top_pfn);
	Py_END_ALLOW_THREADS
	if (st == PTK_OK && !q->sized_mem)
		st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "'%s': %s; give image or "
				 "mem", path, q->top_pfn ? "its PFNs go beyond "
				 "64 TiB" : "no events to size RAM from");
	ptk_trace_close(t);
	if (st != PTK_OK)
		raise_status(ctx, st);
	ptk_ctx_free(ctx);
	return st == PTK_OK;
}

static PyObject *u64(uint64_t v)
{
	return PyLong_FromUnsignedLongLong(v);
}

/* A new dict of @n (key, unsigned value) pairs, or NULL. */
static PyObject *u64_dict(size_t n, const char *const *keys,
			  const uint64_t *values)
{
	PyObject *d = PyDict_New();

	for (size_t i = 0; d && i < n; i++)
		if (!dict_set(d, keys[i], u64(values[i]))) {
			Py_DECREF(d);
			return NULL;
		}
	return d;
}

#define U64_DICT(keys, ...)                                                \
	u64_dict(sizeof(keys) / sizeof(keys[0]), keys,                     \
		 (const uint64_t[]){ __VA_ARGS__ })

static PyObject *policy_dict(const struct ptk_replay_result *res)
{
	static const char *const splits[] = { "level3", "level2" };
	static const char *const dm[] = { "4k", "2m", "1g" };
	static const char *const worst[] = { "4k", "2m", "1g", "event" };
	PyObject *d = PyDict_New();

	if (d && dict_set(d, "splits", U64_DICT(splits, res->cpa.splits[3],
						res->cpa.splits[2])) &&
	    dict_set(d, "table_pages", u64(res->cpa.table_pages)) &&
	    dict_set(d, "flushes", u64(res->cpa.flush_calls)) &&
	    dict_set(d, "flush_pages", u64(res->cpa.flush_pages)) &&
	    dict_set(d, "global_flushes", u64(res->cpa.global_flushes)) &&
	    dict_set(d, "directmap", U64_DICT(dm, res->dm_kb[1], res->dm_kb[2],
					      res->dm_kb[3])) &&
	    dict_set(d, "worst", U64_DICT(worst, res->worst_kb[1],
					  res->worst_kb[2], res->worst_kb[3],
					  res->worst_event)) &&
	    dict_set(d, "selected", u64(res->policy ? res->selected : 0)) &&
	    dict_set(d, "unmapped", u64(res->unmapped)) &&
	    dict_set(d, "unmapped_max", u64(res->unmapped_max)) &&
	    dict_set(d, "pageblock_unmaps", u64(res->pageblock_unmaps)) &&
	    dict_set(d, "pageblock_remaps", u64(res->pageblock_remaps)))
		return d;
	Py_XDECREF(d);
	return NULL;
}

static PyObject *ram_dict(const struct replay_req *q)
{
	PyObject *d = PyDict_New();

	if (d && dict_set(d, "from", PyUnicode_FromString("trace")) &&
	    dict_set(d, "bytes", u64(q->sized_mem)) &&
	    dict_set(d, "top_pfn", hex_str(q->top_pfn)) &&
	    dict_set(d, "direct_map", PyUnicode_FromString("ideal")))
		return d;
	Py_XDECREF(d);
	return NULL;
}

static PyObject *events_dict(const struct ptk_trace_stats *ts)
{
	PyObject *d = PyDict_New();

	for (unsigned e = 0; d && e < PTK_EV_NTYPES; e++)
		if (!dict_set(d, ptk_trace_event_name(e), u64(ts->events[e]))) {
			Py_DECREF(d);
			return NULL;
		}
	return d;
}

static PyObject *policies_dict(const struct ptk_replay *r)
{
	PyObject *d = PyDict_New();

	for (size_t i = 0; d && i < ptk_replay_npolicies(r); i++) {
		struct ptk_replay_result res;

		ptk_replay_result(r, i, &res);
		if (!dict_set(d, ptk_policy_name(res.policy), policy_dict(&res))) {
			Py_DECREF(d);
			return NULL;
		}
	}
	return d;
}

/* The keys of `ptkit replay --format=json`, in its order. */
static PyObject *result_dict(const struct replay_req *q, struct ptk_trace *t,
			     struct ptk_replay *r,
			     const struct ptk_alloc_seeding *seed, bool seeded)
{
	static const char *const model_keys[] = {
		"allocated", "freed", "unmatched_free", "double_alloc",
		"double_free", "out_of_range",
	};
	static const char *const seed_keys[] = {
		"free_pages", "free_blocks", "in_use", "pcp",
	};
	const struct ptk_trace_stats *ts = ptk_trace_stats(t);
	struct ptk_alloc_stats m;
	PyObject *d = PyDict_New();

	ptk_alloc_stats(ptk_replay_model(r), &m);
	if (d && (!q->sized_mem || dict_set(d, "ram", ram_dict(q))) &&
	    dict_set(d, "events", events_dict(ts)) &&
	    dict_set(d, "skipped", u64(ts->skipped)) &&
	    dict_set(d, "errors", u64(ts->malformed)) &&
	    dict_set(d, "lost", u64(ts->lost)) &&
	    dict_set(d, "policies", policies_dict(r)) &&
	    dict_set(d, "model", U64_DICT(model_keys, m.allocated, m.freed,
					  m.unmatched_free, m.double_alloc,
					  m.double_free, m.out_of_range)) &&
	    (!seeded || dict_set(d, "seed", U64_DICT(seed_keys,
						     seed->free_pages,
						     seed->free_blocks,
						     seed->in_use, seed->pcp))))
		return d;
	Py_XDECREF(d);
	return NULL;
}

/* Run the replay of @q; a result dict, or NULL with an exception. */
static PyObject *run(struct replay_req *q)
{
	struct ptk_ctx *own_ctx = NULL, *ctx;
	struct ptk_builder *b = NULL;
	struct ptk_source *src;
	struct ptk_paging pg;
	const struct ptk_region *direct, *text;
	struct ptk_trace *t = NULL;
	struct ptk_replay *r = NULL;
	struct ptk_alloc_seeding seed;
	bool seeded = false;
	uint64_t events;
	enum ptk_status st;
	PyObject *ret = NULL;

	if (q->image) {
		ctx = q->image->ctx;
		src = q->image->src;
		pg = q->image->pg;
	} else {
		ctx = own_ctx = ptk_ctx_new();
		if (!ctx)
			return PyErr_NoMemory();
		st = ptk_ideal_direct_map(ctx, q->mem ? q->mem : q->sized_mem,
					  &b);
		if (st == PTK_OK)
			st = ptk_builder_paging(b, &pg);
		if (st != PTK_OK) {
			raise_status(ctx, st);
			goto out;
		}
		src = ptk_builder_source(b);
	}
	direct = ptk_source_region_named(src, "Low Kernel Mapping");
	text = ptk_source_region_named(src, "High Kernel Mapping");
	if (!direct) {
		raise_status(ctx, ptk_set_err(ctx, PTK_ERR_CORRUPT, "'%s': no "
				  "direct map known", ptk_source_name(src)));
		goto out;
	}
	st = ptk_trace_open(ctx, PyBytes_AS_STRING(q->trace), q->strict, &t);
	if (st == PTK_OK)
		st = ptk_replay_new(src, &pg, direct->start, direct->end,
				    text ? text->start : 0, text ? text->end : 0,
				    q->policies, q->npolicies, &q->sel, &r);
	if (st != PTK_OK) {
		raise_status(ctx, st);
		goto out;
	}
	if (q->image) {
		ptk_replay_set_max_pfn_mapped(r, source_max_pfn_mapped(q->image));
		if (q->seed) {
			st = ptk_alloc_seed_dump(ptk_replay_model(r), src, &pg,
						 &q->image->layout,
						 source_types(q->image), &seed);
			seeded = st == PTK_OK;
			if (!seeded && q->simulate) {
				ptk_set_err(ctx, st, "simulate needs the dump's "
					    "free lists; give seed=False to "
					    "start from all RAM free");
				raise_status(ctx, st);
				goto out;
			}
			ptk_ctx_clear_err(ctx);	/* as the CLI: unseeded */
		}
	}
	if (q->simulate) {
		if (!seeded && (st = ptk_alloc_seed_all_free(
					ptk_replay_model(r))) != PTK_OK) {
			raise_status(ctx, st);
			goto out;
		}
		ptk_replay_set_simulate(r, true);
	}
	Py_BEGIN_ALLOW_THREADS
	st = ptk_replay_run(r, t, NULL, NULL, &events);
	Py_END_ALLOW_THREADS
	if (st != PTK_OK) {
		ptk_set_err(ctx, st, "'%s'", PyBytes_AS_STRING(q->trace));
		raise_status(ctx, st);
		goto out;
	}
	ret = result_dict(q, t, r, &seed, seeded);
out:
	ptk_replay_free(r);
	ptk_trace_close(t);
	ptk_builder_free(b);
	ptk_ctx_free(own_ctx);
	return ret;
}

PyObject *replay(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "trace", "image", "mem", "policies",
				  "select", "simulate", "seed", "strict", NULL };
	struct replay_req q = { .sel = { .all = true, .migratetype = -1,
					 .order = -1, .sample = 1.0 } };
	PyObject *image = NULL, *mem = NULL, *policies = NULL, *ret = NULL;
	const char *select = NULL;
	int simulate = 0, seed = 1, strict = 0;
	char err[160];

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|$OOOzppp", kwlist,
					 PyUnicode_FSConverter, &q.trace,
					 &image, &mem, &policies, &select,
					 &simulate, &seed, &strict))
		return NULL;
	q.simulate = simulate;
	q.seed = seed;
	q.strict = strict;
	if (image && image != Py_None && mem && mem != Py_None) {
		PyErr_SetString(PyExc_ValueError, "give image or mem, not both");
		goto out;
	}
	if (select && !ptk_selector_parse(select, &q.sel, err, sizeof(err))) {
		PyErr_Format(PyExc_ValueError, "select: %s", err);
		goto out;
	}
	if (!parse_policies(&q, policies) || !parse_mem(&q, mem) ||
	    !parse_image(&q, image))
		goto out;
	if (!q.image && !q.mem && !size_from_trace(&q))
		goto out;
	ret = run(&q);
out:
	Py_XDECREF((PyObject *)q.image);
	Py_XDECREF(q.trace);
	return ret;
}
