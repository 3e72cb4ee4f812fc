/* SPDX-License-Identifier: MIT */
/* Shared by the text trace reader (trace.c) and the trace.dat one. */
#ifndef PTKIT_TRACE_PRIV_H
#define PTKIT_TRACE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptkit/trace.h"

/* The first bytes of every trace-cmd trace.dat file, whatever its version. */
#define TRACEDAT_MAGIC "\027\010\104tracing"
enum { TRACEDAT_MAGIC_LEN = 10 };

/* gfp_flags text "GFP_KERNEL|__GFP_ZERO" as bits of ptk_gfp_names[];
 * names ptkit does not know are counted in *unknown. */
uint64_t trace_gfp_list(const char *s, size_t len, uint64_t *unknown);

/* Keep the first few malformed events (@pos: line or record number). */
void trace_note_bad(struct ptk_trace_stats *st, uint64_t pos,
		    const char *text, size_t len);

/*
 * A trace.dat, read by a child process (tracedat-child.c): libtraceevent
 * crashes on some corrupted event formats, and a crash there must be a
 * clear error, not the caller's end.
 */
struct tracedat;

/* Open @path, a trace.dat file. */
enum ptk_status tracedat_open(struct ptk_ctx *ctx, const char *path,
			      bool strict, struct tracedat **ret);
/* The next kmem event of all CPUs in time order; PTK_STOP at the end, when
 * *st also holds the reader's counts. */
enum ptk_status tracedat_next(struct tracedat *t, struct ptk_trace_stats *st,
			      struct ptk_trace_rec *rec);
void tracedat_close(struct tracedat *t);

/* The libtracecmd decoder itself (tracedat.c), run inside the child;
 * decoder_load() loads the libraries, in the parent. */
struct dat_decoder;

enum ptk_status decoder_load(struct ptk_ctx *ctx);

enum ptk_status decoder_open(struct ptk_ctx *ctx, const char *path,
			     bool strict, struct dat_decoder **ret);
enum ptk_status decoder_next(struct dat_decoder *d, struct ptk_trace_stats *st,
			     struct ptk_trace_rec *rec);
void decoder_close(struct dat_decoder *d);

#endif
