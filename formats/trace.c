// SPDX-License-Identifier: MIT
/*
 * Page-allocator traces: ftrace text and ptkit's line format, read in
 * large chunks (memory stays small whatever the trace's size) and parsed
 * one event at a time; a trace.dat goes to tracedat.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace-priv.h"

static const char *const event_names[PTK_EV_NTYPES] = {
	[PTK_EV_ALLOC] = "mm_page_alloc",
	[PTK_EV_FREE] = "mm_page_free",
	[PTK_EV_FREE_BATCHED] = "mm_page_free_batched",
	[PTK_EV_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[PTK_EV_PCPU_DRAIN] = "mm_page_pcpu_drain",
};

/* include/trace/events/mmflags.h names, and the proposed __GFP_UNMAPPED. */
const char *const ptk_gfp_names[] = {
	"GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE",
	"GFP_HIGHUSER", "GFP_USER", "GFP_KERNEL_ACCOUNT", "GFP_KERNEL",
	"GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT", "GFP_DMA",
	"GFP_DMA32", "__GFP_HIGH", "__GFP_ATOMIC", "__GFP_IO", "__GFP_FS",
	"__GFP_NOWARN", "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY",
	"__GFP_COMP", "__GFP_ZERO", "__GFP_NOMEMALLOC", "__GFP_MEMALLOC",
	"__GFP_HARDWALL", "__GFP_THISNODE", "__GFP_RECLAIMABLE",
	"__GFP_MOVABLE", "__GFP_ACCOUNT", "__GFP_WRITE", "__GFP_RECLAIM",
	"__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_ZEROTAGS",
	"__GFP_SKIP_ZERO", "__GFP_SKIP_KASAN", "__GFP_SKIP_KASAN_POISON",
	"__GFP_SKIP_KASAN_UNPOISON", "__GFP_NOLOCKDEP", "__GFP_DMA",
	"__GFP_HIGHMEM", "__GFP_DMA32", "__GFP_UNMAPPED", NULL,
};

enum { CHUNK = 1 << 20, MAX_TRACE_LINE = 1 << 16 };

struct ptk_trace {
	struct ptk_ctx *ctx;
	int fd;
	const char *name;
	char *text;		/* the part of the trace read and not parsed */
	size_t len, pos, cap;
	bool eof;
	bool native;
	bool strict;
	struct tracedat *dat;	/* a trace.dat: libtracecmd reads it */
	uint64_t line;
	struct ptk_trace_stats stats;
	/* gfp strings repeat: a copy of the last one parsed, and its bits */
	char gfp_last[256];
	size_t gfp_last_len;
	uint64_t gfp_last_bits;
};

const char *ptk_trace_event_name(enum ptk_trace_event ev)
{
	return ev < PTK_EV_NTYPES ? event_names[ev] : "?";
}

uint64_t ptk_gfp_parse(const char *name, size_t len)
{
	for (unsigned i = 0; ptk_gfp_names[i]; i++)
		if (strlen(ptk_gfp_names[i]) == len &&
		    !memcmp(ptk_gfp_names[i], name, len))
			return UINT64_C(1) << i;
	return 0;
}

uint64_t trace_gfp_list(const char *s, size_t len, uint64_t *unknown)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < len;) {
		size_t j = i;
		uint64_t b;

		while (j < len && s[j] != '|')
			j++;
		b = ptk_gfp_parse(s + i, j - i);
		if (!b && j > i && strncmp(s + i, "0x", 2))
			(*unknown)++;
		bits |= b;
		i = j + 1;
	}
	return bits;
}

/*
 * The gfp_flags word at @s, up to a blank or @end: its bits, and in
 * *after where it ends.  Flags repeat from event to event, so the last
 * word is tried as a prefix before the word is scanned and parsed.
 */
static uint64_t gfp_word(struct ptk_trace *t, const char *s, const char *end,
			 const char **after)
{
	size_t l = t->gfp_last_len;
	const char *p = s;
	uint64_t bits;

	if (l && (size_t)(end - s) >= l && !memcmp(s, t->gfp_last, l) &&
	    (s + l == end || s[l] == ' ')) {
		*after = s + l;
		return t->gfp_last_bits;
	}
	while (p < end && *p != ' ')
		p++;
	*after = p;
	bits = trace_gfp_list(s, (size_t)(p - s), &t->stats.unknown_gfp);
	if ((size_t)(p - s) <= sizeof(t->gfp_last)) {
		memcpy(t->gfp_last, s, (size_t)(p - s));
		t->gfp_last_len = (size_t)(p - s);
		t->gfp_last_bits = bits;
	}
	return bits;
}

/* Each hexadecimal digit's value plus one, 0 for other bytes: a digit
 * costs one load, not two range tests. */
static const unsigned char hex_digit1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* A number at @s: 0x hex or decimal; the end in *end.  False if none. */
static bool number(const char *s, const char *lim, uint64_t *ret,
		   const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (lim - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		unsigned d;

		p += 2;
		for (; p < lim && (d = hex_digit1[(unsigned char)*p]); p++) {
			if (v >> 60)
				return false;
			v = v << 4 | (d - 1);
		}
		if (p == s + 2)
			return false;
	} else {
		for (; p < lim && *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (p == s)
			return false;
	}
	*ret = v;
	*end = p;
	return true;
}

void trace_note_bad(struct ptk_trace_stats *st, uint64_t pos,
		    const char *text, size_t len)
{
	if (st->malformed < PTK_TRACE_MAX_REPORTED) {
		char *bad = st->bad_text[st->malformed];
		size_t n = len < sizeof(st->bad_text[0]) - 1
				   ? len
				   : sizeof(st->bad_text[0]) - 1;

		st->bad_lines[st->malformed] = pos;
		memcpy(bad, text, n);
		bad[n] = '\0';
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)bad[k] < 0x20)
				bad[k] = '?';
	}
	st->malformed++;
}

/* key=value fields of an ftrace kmem line. */
static bool parse_fields(struct ptk_trace *t, const char *p, const char *end,
			 struct ptk_trace_rec *rec)
{
	bool have_pfn = false, have_order = false;

	rec->order = 0;
	rec->migratetype = -1;
	rec->gfp = 0;
	while (p < end) {
		const char *key, *eq, *v;
		uint64_t n;

		while (p < end && *p == ' ')
			p++;
		key = p;
		while (p < end && *p != ' ' && *p != '=')
			p++;
		if (p >= end || *p != '=') {
			while (p < end && *p != ' ')
				p++;
			continue;
		}
		eq = p++;
		v = p;
		while (p < end && *p != ' ')
			p++;
		if (eq - key == 3 && !memcmp(key, "pfn", 3)) {
			if (!number(v, p, &n, &v) || v != p)
				return false;
			rec->pfn = n;
			have_pfn = true;
		} else if (eq - key == 5 && !memcmp(key, "order", 5)) {
			if (!number(v, p, &n, &v) || v != p || n > 20)
				return false;
			rec->order = (unsigned)n;
			have_order = true;
		} else if (eq - key == 11 && !memcmp(key, "migratetype", 11)) {
			if (!number(v, p, &n, &v) || v != p || n > 7)
				return false;
			rec->migratetype = (int)n;
		} else if (eq - key == 9 && !memcmp(key, "gfp_flags", 9)) {
			rec->gfp = gfp_word(t, v, p, &v);
		}
	}
	/* Every kmem page event prints both: a line without them was cut. */
	return have_pfn && have_order;
}

/*
 * The timestamp that ends just before @p, as ftrace prints it with the
 * default clocks: seconds, a dot, then microseconds (or more digits).
 * PTK_TRACE_NO_TIME for anything else (a counter clock, no timestamp).
 */
static uint64_t ftrace_time(const char *line, const char *p)
{
	const char *dot = NULL, *q = p;
	uint64_t sec = 0, frac = 0, scale = 1000000000;

	while (q > line && ((q[-1] >= '0' && q[-1] <= '9') || q[-1] == '.')) {
		q--;
		if (*q == '.')
			dot = dot ? line : q;	/* two dots: not a time */
	}
	if (!dot || dot == line || dot == q || dot + 1 == p || p - q > 30)
		return PTK_TRACE_NO_TIME;
	for (const char *c = q; c < dot; c++)
		sec = sec * 10 + (uint64_t)(*c - '0');
	for (const char *c = dot + 1; c < p && scale > 1; c++) {
		scale /= 10;
		frac += (uint64_t)(*c - '0') * scale;
	}
	if (sec > UINT64_MAX / 1000000000 - 1)
		return PTK_TRACE_NO_TIME;
	return sec * 1000000000 + frac;
}

/* One ftrace line: 1 an event, 0 skipped, -1 malformed. */
static int ftrace_line(struct ptk_trace *t, const char *s, const char *end,
		       struct ptk_trace_rec *rec)
{
	static const char marker[] = ": mm_page_";
	const char *p, *name;

	if (s == end || *s == '#')
		return 0;
	p = memmem(s, (size_t)(end - s), marker, sizeof(marker) - 1);
	if (!p) {
		t->stats.skipped++;
		return 0;
	}
	name = p + 2;
	p = memchr(name, ':', (size_t)(end - name));
	if (!p)
		return -1;
	for (unsigned ev = 0; ev < PTK_EV_NTYPES; ev++) {
		size_t l = strlen(event_names[ev]);

		if ((size_t)(p - name) == l && !memcmp(name, event_names[ev], l)) {
			rec->ev = (enum ptk_trace_event)ev;
			rec->ns = ftrace_time(s, name - 2);
			return parse_fields(t, p + 1, end, rec) ? 1 : -1;
		}
	}
	t->stats.skipped++;	/* another mm_page_ event */
	return 0;
}

/* One ptkit-trace line: EVENT PFN ORDER [MIGRATETYPE [GFP|...]] */
static int native_line(struct ptk_trace *t, const char *s, const char *end,
		       struct ptk_trace_rec *rec)
{
	const char *p = s, *w;
	uint64_t n;
	unsigned ev;
	bool ok;

	rec->ns = PTK_TRACE_NO_TIME;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	w = p;
	while (p < end && *p != ' ')
		p++;
	/* The words start with different letters: one test, then check
	 * with constant lengths, which the compiler turns into loads. */
#define IS(word) (p - w == sizeof(word) - 1 && !memcmp(w, word, sizeof(word) - 1))
	switch (*w) {
	case 'a': ev = PTK_EV_ALLOC; ok = IS("alloc"); break;
	case 'f': ev = PTK_EV_FREE; ok = IS("free"); break;
	case 'b': ev = PTK_EV_FREE_BATCHED; ok = IS("batched"); break;
	case 'l': ev = PTK_EV_ZONE_LOCKED; ok = IS("locked"); break;
	case 'd': ev = PTK_EV_PCPU_DRAIN; ok = IS("drain"); break;
	default: return -1;
	}
#undef IS
	if (!ok)
		return -1;
	rec->ev = (enum ptk_trace_event)ev;
	rec->migratetype = -1;
	rec->gfp = 0;
	while (p < end && *p == ' ')
		p++;
	if (!number(p, end, &rec->pfn, &p))
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (!number(p, end, &n, &p) || n > 20)
		return -1;
	rec->order = (unsigned)n;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p != '#') {
		if (!number(p, end, &n, &p) || n > 7)
			return -1;
		rec->migratetype = (int)n;
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p != '#')
			rec->gfp = gfp_word(t, p, end, &p);
	}
	while (p < end && *p == ' ')
		p++;
	return p == end || *p == '#' ? 1 : -1;
}

/* Keep the unparsed tail, read the next chunk after it. */
static enum ptk_status refill(struct ptk_trace *t)
{
	ssize_t n;

	memmove(t->text, t->text + t->pos, t->len - t->pos);
	t->len -= t->pos;
	t->pos = 0;
	do
		n = read(t->fd, t->text + t->len, t->cap - t->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ptk_set_err(t->ctx, PTK_ERR_IO, "cannot read '%s': %s",
				   t->name, strerror(errno));
	if (n == 0)
		t->eof = true;
	t->len += (size_t)n;
	return PTK_OK;
}

enum ptk_status ptk_trace_next(struct ptk_trace *t, struct ptk_trace_rec *rec)
{
	if (t->dat)
		return tracedat_next(t->dat, &t->stats, rec);
	for (;;) {
		const char *s = t->text + t->pos;
		const char *nl = memchr(s, '\n', t->len - t->pos);
		const char *end;
		enum ptk_status st;
		int r;

		if (!nl && !t->eof) {
			if (t->pos == 0 && t->len == t->cap)
				return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
						   "line %" PRIu64 " is longer "
						   "than %d bytes", t->line + 1,
						   MAX_TRACE_LINE);
			st = refill(t);
			if (st != PTK_OK)
				return st;
			continue;
		}
		if (!nl && t->pos == t->len)
			return PTK_STOP;
		end = nl ? nl : t->text + t->len;

		/* A last line cut short has no newline to step over. */
		t->pos = (size_t)(end - t->text) + (nl ? 1 : 0);
		t->line++;
		if (end > s && end[-1] == '\r')
			end--;
		r = t->native ? native_line(t, s, end, rec)
			      : ftrace_line(t, s, end, rec);
		if (r > 0) {
			rec->line = t->line;
			t->stats.events[rec->ev]++;
			return PTK_OK;
		}
		if (r < 0) {
			trace_note_bad(&t->stats, t->line, s,
				       (size_t)(end - s));
			if (t->strict)
				return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
						   "line %" PRIu64 ": not a %s "
						   "event: %s", t->line,
						   t->native ? "ptkit-trace"
							     : "kmem",
						   t->stats.bad_text[
						    t->stats.malformed - 1 <
						    PTK_TRACE_MAX_REPORTED
						    ? t->stats.malformed - 1 : 0]);
		}
	}
	return PTK_STOP;
}

enum ptk_status ptk_trace_open(struct ptk_ctx *ctx, const char *path,
			       bool strict, struct ptk_trace **ret)
{
	struct ptk_trace *t = calloc(1, sizeof(*t));
	bool is_stdin = !strcmp(path, "-");
	enum ptk_status st;

	ptk_ctx_clear_err(ctx);
	if (!t || !(t->text = malloc(CHUNK + MAX_TRACE_LINE))) {
		free(t);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "trace");
	}
	t->ctx = ctx;
	t->strict = strict;
	t->name = path;
	t->cap = CHUNK + MAX_TRACE_LINE;
	t->fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot open '%s': %s", path,
				 strerror(errno));
		free(t->text);
		free(t);
		return st;
	}
	if (!is_stdin)
		posix_fadvise(t->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	/* Enough of the start to tell the format. */
	while (!t->eof && t->len < 13 && t->len < t->cap) {
		st = refill(t);
		if (st != PTK_OK) {
			ptk_trace_close(t);
			return st;
		}
	}
	/* ptkit-trace(5) says so on its first line. */
	t->native = t->len >= 13 && !memcmp(t->text, "# ptkit-trace", 13);
	if (t->len >= TRACEDAT_MAGIC_LEN &&
	    !memcmp(t->text, TRACEDAT_MAGIC, TRACEDAT_MAGIC_LEN)) {
		/* libtracecmd seeks: it needs the file, not a pipe. */
		if (is_stdin) {
			ptk_trace_close(t);
			return ptk_set_err(ctx, PTK_ERR_INVALID, "a trace.dat "
					   "cannot be read from standard "
					   "input: name the file");
		}
		st = tracedat_open(ctx, path, strict, &t->dat);
		if (st != PTK_OK) {
			ptk_trace_close(t);
			return st;
		}
	}
	*ret = t;
	return PTK_OK;
}

const struct ptk_trace_stats *ptk_trace_stats(const struct ptk_trace *t)
{
	return &t->stats;
}

const char *ptk_trace_format(const struct ptk_trace *t)
{
	return t->dat ? "trace.dat" : t->native ? "ptkit-trace" : "ftrace text";
}

void ptk_trace_close(struct ptk_trace *t)
{
	if (!t)
		return;
	tracedat_close(t->dat);
	if (t->fd > 0)
		close(t->fd);
	free(t->text);
	free(t);
}
