// SPDX-License-Identifier: MIT
/*
 * trace-cmd's binary trace.dat (file versions 6 and 7, compressed or not),
 * decoded through libtracecmd: the kmem page events of every CPU of the top
 * buffer, merged in timestamp order as `trace-cmd report` prints them.
 * This runs in the child process of tracedat-child.c.
 *
 * Fields are found by name in the file's own event formats, so any
 * kernel's layout works.  The gfp flag names come from the file's print
 * format through libtraceevent, because the values of __GFP_* bits change
 * between kernels; each distinct value is printed once and cached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace-cmd.h>

#include "dl-priv.h"
#include "trace-priv.h"

#ifndef TRACECMD_SONAME
#error "TRACECMD_SONAME: the Makefile names the library to load"
#endif
_Static_assert(sizeof(TRACECMD_SONAME) > 1, "TRACECMD_SONAME is empty");
#ifndef TRACEEVENT_SONAME
#error "TRACEEVENT_SONAME: the Makefile names the library to load"
#endif
_Static_assert(sizeof(TRACEEVENT_SONAME) > 1, "TRACEEVENT_SONAME is empty");

/*
 * libtraceevent and libtracecmd, loaded by decoder_load() in the parent
 * before it forks the reader (dl-priv.h), so the child binds nothing.
 */
#define TRACEEVENT_CALLS(X) \
	X(tep_read_number_field) X(tep_print_event) X(tep_data_type) \
	X(tep_find_event_by_name) X(tep_find_field) X(tep_get_cpus) \
	X(tep_get_long_size) X(trace_seq_init) X(trace_seq_reset) \
	X(trace_seq_terminate) X(trace_seq_destroy)
#define TRACECMD_CALLS(X) \
	X(tracecmd_set_loglevel) X(tracecmd_open_head) X(tracecmd_init_data) \
	X(tracecmd_get_tep) X(tracecmd_read_data) X(tracecmd_free_record) \
	X(tracecmd_close)
#define DL_TABLE te
static struct { TRACEEVENT_CALLS(DL_POINTER) } te;
static const struct dl_symbol te_syms[] = { TRACEEVENT_CALLS(DL_SYMBOL) };
#undef DL_TABLE
#define DL_TABLE tc
static struct { TRACECMD_CALLS(DL_POINTER) } tc;
static const struct dl_symbol tc_syms[] = { TRACECMD_CALLS(DL_SYMBOL) };
static struct dl_library te_lib = DL_LIBRARY(TRACEEVENT_SONAME, te_syms);
static struct dl_library tc_lib = DL_LIBRARY(TRACECMD_SONAME, tc_syms);

enum ptk_status decoder_load(struct ptk_ctx *ctx)
{
	if (!dl_load(&te_lib) || !dl_load(&tc_lib))
		return ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				   "reading trace.dat needs libtracecmd (%s)",
				   te_lib.state < 0 ? te_lib.err : tc_lib.err);
	return PTK_OK;
}

enum { GFP_CACHE = 64 };

/* A handle libtracecmd cannot close (see decoder_open()), kept reachable. */
static struct tracecmd_input *unfreeable;

/* One of the five kmem events as this file lays it out. */
struct kmem_event {
	int id;				/* -1: the file has no such event */
	struct tep_format_field *pfn, *order, *migratetype, *gfp;
};

struct dat_decoder {
	struct ptk_ctx *ctx;
	bool strict;
	struct tracecmd_input *in;
	struct tep_handle *tep;
	unsigned long long failed_pfn;	/* -1UL: an allocation that failed */
	struct kmem_event ev[PTK_EV_NTYPES];
	/* Each CPU's next record, a min-heap by (timestamp, CPU). */
	struct tep_record **heap;
	int nheap;
	uint64_t nrec;
	struct trace_seq seq;
	struct {
		unsigned long long value;
		uint64_t bits;
		bool valid;
	} gfp_cache[GFP_CACHE];
};

static bool rec_before(const struct tep_record *a, const struct tep_record *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->cpu < b->cpu);
}

static void sift_down(struct dat_decoder *d, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;

		if (l < d->nheap && rec_before(d->heap[l], d->heap[m]))
			m = l;
		if (l + 1 < d->nheap && rec_before(d->heap[l + 1], d->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct tep_record *t = d->heap[i];

		d->heap[i] = d->heap[m];
		d->heap[m] = t;
		i = m;
	}
}

/* A numeric field of @rec, if the format has it and the record holds it. */
static bool field_val(const struct tep_format_field *f,
		      const struct tep_record *rec, unsigned long long *v)
{
	if (!f || f->offset < 0 || rec->size < 0 ||
	    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) ||
	    f->offset + f->size > rec->size)
		return false;
	return te.tep_read_number_field((struct tep_format_field *)f, rec->data,
				     v) == 0;
}

/* The flags of @value, as the file's print format names them. */
static uint64_t gfp_bits(struct dat_decoder *d, struct ptk_trace_stats *st,
			 struct tep_record *rec, unsigned long long value)
{
	unsigned slot = (unsigned)((value * UINT64_C(0x9e3779b97f4a7c15)) >> 58);
	static const char key[] = "gfp_flags=";
	const char *s, *e;
	uint64_t bits;

	if (d->gfp_cache[slot].valid && d->gfp_cache[slot].value == value)
		return d->gfp_cache[slot].bits;
	te.trace_seq_reset(&d->seq);
	te.tep_print_event(d->tep, &d->seq, rec, "%s", TEP_PRINT_INFO);
	te.trace_seq_terminate(&d->seq);
	s = d->seq.buffer ? strstr(d->seq.buffer, key) : NULL;
	if (!s)
		return 0;
	s += sizeof(key) - 1;
	e = s + strcspn(s, " ");
	bits = trace_gfp_list(s, (size_t)(e - s), &st->unknown_gfp);
	d->gfp_cache[slot].value = value;
	d->gfp_cache[slot].bits = bits;
	d->gfp_cache[slot].valid = true;
	return bits;
}

/* One record: 1 a kmem event, 0 another event, -1 malformed (why in @why). */
static int decode(struct dat_decoder *d, struct ptk_trace_stats *st,
		  struct tep_record *rec, struct ptk_trace_rec *out,
		  const char **why)
{
	const struct kmem_event *k = NULL;
	unsigned long long v;
	int type;

	/* common_type, the first two bytes, says which event. */
	if (rec->size < 2 || !rec->data) {
		*why = "record too short for an event";
		return -1;
	}
	type = te.tep_data_type(d->tep, rec);
	for (unsigned e = 0; e < PTK_EV_NTYPES; e++)
		if (d->ev[e].id >= 0 && d->ev[e].id == type) {
			k = &d->ev[e];
			out->ev = (enum ptk_trace_event)e;
		}
	if (!k) {
		st->skipped++;
		return 0;
	}
	if (!field_val(k->pfn, rec, &v)) {
		*why = k->pfn ? "record too short for pfn"
			      : "event has no pfn field";
		return -1;
	}
	if (out->ev == PTK_EV_ALLOC && v == d->failed_pfn) {
		st->skipped++;		/* a failed allocation: no page */
		return 0;
	}
	out->pfn = v;
	out->order = 0;
	if (k->order) {
		if (!field_val(k->order, rec, &v) || v > 20) {
			*why = "order out of range";
			return -1;
		}
		out->order = (unsigned)v;
	}
	out->migratetype = -1;
	if (k->migratetype) {
		if (!field_val(k->migratetype, rec, &v) ||
		    ((long long)v >= 0 && v > 7)) {
			*why = "migratetype out of range";
			return -1;
		}
		if ((long long)v >= 0)
			out->migratetype = (int)v;
	}
	out->gfp = 0;
	if (k->gfp && field_val(k->gfp, rec, &v) && v)
		out->gfp = gfp_bits(d, st, rec, v);
	return 1;
}

enum ptk_status decoder_next(struct dat_decoder *d, struct ptk_trace_stats *st,
			      struct ptk_trace_rec *out)
{
	while (d->nheap) {
		struct tep_record *rec = d->heap[0];
		struct tep_record *next = tc.tracecmd_read_data(d->in, rec->cpu);
		const char *why = NULL;
		int r;

		if (next)
			d->heap[0] = next;
		else
			d->heap[0] = d->heap[--d->nheap];
		sift_down(d, 0);
		d->nrec++;
		/* The kernel overwrote or dropped events before this one. */
		if (rec->missed_events)
			st->lost += rec->missed_events > 0
					    ? (uint64_t)rec->missed_events : 1;
		r = decode(d, st, rec, out, &why);
		if (r > 0) {
			out->line = d->nrec;
			out->ns = rec->ts;
			st->events[out->ev]++;
		} else if (r < 0) {
			char text[96];
			int n = snprintf(text, sizeof(text), "CPU %d at %llu: %s",
					 rec->cpu, rec->ts, why);

			trace_note_bad(st, d->nrec, text,
				       n < 0 ? 0 : (size_t)n);
		}
		tc.tracecmd_free_record(rec);
		if (r > 0)
			return PTK_OK;
		if (r < 0 && d->strict)
			return ptk_set_err(d->ctx, PTK_ERR_CORRUPT,
					   "record %" PRIu64 ": not a kmem "
					   "event: %s", d->nrec, why);
	}
	return PTK_STOP;
}

static void find_events(struct dat_decoder *d)
{
	for (unsigned e = 0; e < PTK_EV_NTYPES; e++) {
		struct tep_event *ev = te.tep_find_event_by_name(
			d->tep, "kmem", ptk_trace_event_name(e));
		struct kmem_event *k = &d->ev[e];

		k->id = ev ? ev->id : -1;
		if (!ev)
			continue;
		k->pfn = te.tep_find_field(ev, "pfn");
		k->order = te.tep_find_field(ev, "order");
		k->migratetype = te.tep_find_field(ev, "migratetype");
		k->gfp = te.tep_find_field(ev, "gfp_flags");
	}
}

enum ptk_status decoder_open(struct ptk_ctx *ctx, const char *path,
			      bool strict, struct dat_decoder **ret)
{
	struct dat_decoder *d = calloc(1, sizeof(*d));
	int ncpus;

	if (!d)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "trace.dat");
	d->ctx = ctx;
	d->strict = strict;
	te.trace_seq_init(&d->seq);
	/* libtracecmd would print its own messages; ptkit says one. */
	tc.tracecmd_set_loglevel(TEP_LOG_NONE);
	/*
	 * tracecmd_open() is these two calls, but libtracecmd 1.3's
	 * tc.tracecmd_close() crashes on a handle whose tc.tracecmd_init_data()
	 * failed, as it does when the CPU data of a file is cut short.  Such
	 * a handle is left unfreed (and reachable): the child process that
	 * runs this reports the error and ends.
	 */
	errno = 0;
	d->in = tc.tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (d->in && tc.tracecmd_init_data(d->in) < 0) {
		unfreeable = d->in;
		d->in = NULL;
	}
	if (!d->in) {
		int err = errno;

		decoder_close(d);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "libtracecmd cannot read this trace.dat%s%s",
				   err ? ": " : "", err ? strerror(err) : "");
	}
	d->tep = tc.tracecmd_get_tep(d->in);
	ncpus = d->tep ? te.tep_get_cpus(d->tep) : -1;
	if (ncpus < 0 || ncpus > 1 << 16) {
		decoder_close(d);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT, "trace.dat says %d "
				   "CPUs", ncpus);
	}
	d->failed_pfn = te.tep_get_long_size(d->tep) == 4 ? 0xffffffffULL
						       : ~0ULL;
	find_events(d);
	d->heap = calloc((size_t)ncpus + 1, sizeof(*d->heap));
	if (!d->heap) {
		decoder_close(d);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "trace.dat");
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct tep_record *rec = tc.tracecmd_read_data(d->in, cpu);

		if (rec)
			d->heap[d->nheap++] = rec;
	}
	for (int i = d->nheap / 2; i >= 0; i--)
		sift_down(d, i);
	*ret = d;
	return PTK_OK;
}

void decoder_close(struct dat_decoder *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nheap; i++)
		tc.tracecmd_free_record(d->heap[i]);
	free(d->heap);
	te.trace_seq_destroy(&d->seq);
	if (d->in)
		tc.tracecmd_close(d->in);
	free(d);
}
