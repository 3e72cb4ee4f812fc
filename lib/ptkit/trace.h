/* SPDX-License-Identifier: MIT */
/**
 * DOC: page-allocator traces
 *
 * ptk_trace_open() reads the kmem events of the page allocator from ftrace
 * text (as /sys/kernel/tracing/trace, trace_pipe and trace-cmd report print
 * it), from trace-cmd's binary trace.dat (through libtracecmd), or from
 * ptkit's own line format (ptkit-trace(5)); the format is told from the
 * first bytes.  In a trace.dat, "line" numbers are record numbers.
 * ptk_trace_next() returns one event at a time.
 *
 * Other events are skipped and counted; a kmem line that cannot be parsed
 * is counted, the first few kept with their line numbers, and, in strict
 * mode, fatal.  Hashed page= pointers are ignored: the pfn says all.
 */
#ifndef PTKIT_TRACE_H
#define PTKIT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** enum ptk_trace_event - the kmem events ptkit replays */
enum ptk_trace_event {
	PTK_EV_ALLOC,		/* mm_page_alloc: pages to a caller */
	PTK_EV_FREE,		/* mm_page_free */
	PTK_EV_FREE_BATCHED,	/* mm_page_free_batched */
	PTK_EV_ZONE_LOCKED,	/* mm_page_alloc_zone_locked: buddy -> pcp */
	PTK_EV_PCPU_DRAIN,	/* mm_page_pcpu_drain: pcp -> buddy */
	PTK_EV_NTYPES,
};

/** ptk_trace_event_name() - "mm_page_alloc", ... */
const char *ptk_trace_event_name(enum ptk_trace_event ev);

/**
 * struct ptk_trace_rec - one event
 * @migratetype: -1 when the event does not say
 * @gfp:         bit i set when ptk_gfp_names[i] was among the flags
 * @line:        line number in the trace
 */
struct ptk_trace_rec {
	enum ptk_trace_event ev;
	uint64_t pfn;
	unsigned order;
	int migratetype;
	uint64_t gfp;
	uint64_t line;
	uint64_t ns;	/* the event's timestamp, or PTK_TRACE_NO_TIME */
};

/** No timestamp: a ptkit-trace line, or an ftrace clock ptkit cannot read. */
#define PTK_TRACE_NO_TIME UINT64_MAX

/** ptk_gfp_names - the gfp flag names ptkit knows, NULL-terminated; the
 *  index of a name is its bit in struct ptk_trace_rec.gfp.  Includes the
 *  proposed __GFP_UNMAPPED. */
extern const char *const ptk_gfp_names[];
/** ptk_gfp_parse() - the bit of flag @name, or 0 if unknown */
uint64_t ptk_gfp_parse(const char *name, size_t len);

enum { PTK_TRACE_MAX_REPORTED = 5 };

/**
 * struct ptk_trace_stats - what was read so far
 * @events:    per event type
 * @skipped:   lines of other events
 * @malformed: kmem lines that could not be parsed
 * @bad_lines, @bad_text: the first PTK_TRACE_MAX_REPORTED of those
 * @unknown_gfp: flag names not in ptk_gfp_names (ignored)
 * @lost:      events the kernel dropped before the reader took them, as a
 *             trace.dat records it (text traces cannot tell)
 */
struct ptk_trace_stats {
	uint64_t events[PTK_EV_NTYPES];
	uint64_t skipped;
	uint64_t malformed;
	uint64_t bad_lines[PTK_TRACE_MAX_REPORTED];
	char bad_text[PTK_TRACE_MAX_REPORTED][96];
	uint64_t unknown_gfp;
	uint64_t lost;
};

struct ptk_trace;

/**
 * ptk_trace_open() - open @path ("-" for standard input)
 * @strict: a malformed kmem line ends the reading with PTK_ERR_CORRUPT
 */
enum ptk_status ptk_trace_open(struct ptk_ctx *ctx, const char *path,
			       bool strict, struct ptk_trace **ret);
/** ptk_trace_next() - the next event; PTK_STOP at the end */
enum ptk_status ptk_trace_next(struct ptk_trace *t, struct ptk_trace_rec *rec);
const struct ptk_trace_stats *ptk_trace_stats(const struct ptk_trace *t);
/** ptk_trace_format() - "ftrace text", "trace.dat" or "ptkit-trace" */
const char *ptk_trace_format(const struct ptk_trace *t);
void ptk_trace_close(struct ptk_trace *t);

#ifdef __cplusplus
}
#endif
#endif
