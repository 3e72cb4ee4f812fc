// SPDX-License-Identifier: MIT
/* ptkit translate: virtual to physical, with the path the MMU takes. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"
#include "linebuf.h"

struct translate_args {
	struct source_opts src;
	bool json;
	char **addrs;
	int naddrs;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct translate_args *a = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!a->src.path) {
			a->src.path = arg;
			return 0;
		}
		return ARGP_ERR_UNKNOWN;
	case ARGP_KEY_ARGS:
		a->addrs = state->argv + state->next;
		a->naddrs = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->src.path)
			argp_error(state, "no SOURCE given");
		if (!a->naddrs)
			argp_error(state, "no address given (use - to read "
				   "addresses from standard input)");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp translate_argp = {
	options, parse_opt, "SOURCE VA...\nSOURCE -",
	"Translate virtual addresses to physical ones and show the path: "
	"each level's table, index and entry.\v"
	"With -, addresses are read from standard input, one per line. "
	"Exit status: 0 all mapped, 1 some address not mapped, 2 usage, "
	"3 bad input.",
	source_children, NULL, NULL,
};

static const char *why_not(enum ptk_xlat_result r)
{
	return r == PTK_XLAT_NONCANONICAL ? "not canonical" : "not present";
}

/*
 * What the addresses of one run share: the source, the format, the output,
 * and the pieces every record repeats, made once with printf so that a
 * record is mostly copies of them (a million records in a batch).
 */
struct out {
	struct session *s;
	bool json;
	struct lb_word leaf[PTK_MAX_LEVELS + 1];	/* page size and level */
	struct lb_word flags[16];			/* by flag_index() */
	struct lb_word step[PTK_MAX_LEVELS + 1];	/* a path step's start */
	struct lb_word first_step[PTK_MAX_LEVELS + 1];
	struct lb_word level[PTK_MAX_LEVELS + 1];	/* "pte" ... "pgd" */
	struct linebuf l;
	uint64_t asked, unmapped;	/* for the line on stderr */
};

static unsigned flag_index(unsigned eff)
{
	return (eff & PTK_F_RW ? 1u : 0) | (eff & PTK_F_US ? 2u : 0) |
	       (eff & PTK_F_NX ? 4u : 0) | (eff & PTK_F_G ? 8u : 0);
}

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

static void out_init(struct out *o, struct session *s, bool json)
{
	o->s = s;
	o->asked = o->unmapped = 0;
	o->json = json;
	for (unsigned i = 0; i <= PTK_MAX_LEVELS; i++) {
		const char *name = ptk_level_name(&s->pg, i);

		lb_word_set(&o->level[i], "%s", name);
		if (json) {
			lb_word_set(&o->leaf[i], "\",\"page\":%" PRIu64
				    ",\"level\":\"%s\",\"mapped\":true",
				    i ? ptk_level_size(i) : 0, name);
			lb_word_set(&o->first_step[i],
				    "{\"level\":\"%s\",\"index\":", name);
			lb_word_set(&o->step[i],
				    ",{\"level\":\"%s\",\"index\":", name);
		} else {
			lb_word_set(&o->leaf[i], "  %s %s", page_name(i), name);
			lb_word_set(&o->step[i], "  %s[", name);
			o->first_step[i] = o->step[i];
		}
	}
	for (unsigned f = 0; f < 16; f++) {
		bool rw = f & 1, us = f & 2, nx = f & 4, g = f & 8;

		if (json)
			lb_word_set(&o->flags[f], ",\"rw\":%s,\"us\":%s,"
				    "\"nx\":%s,\"pkey\":", tf(rw), tf(us),
				    tf(nx));
		else
			lb_word_set(&o->flags[f], "  %s %s%s%s",
				    us ? "USR" : "kernel", rw ? "RW" : "ro",
				    nx ? " NX" : " x", g ? " GLB" : "");
	}
	lb_init(&o->l, stdout);
}

static char *text_path(const struct out *o, const struct ptk_xlat *x, char *p)
{
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct ptk_xlat_step *st = &x->path[i];

		p = put_word(p, &o->step[st->level]);
		p = put_dec(p, st->index, 3);
		p = put_lit(p, "]  table 0x");
		p = put_xdigits(p, st->table_pa, 16);
		p = put_lit(p, "  entry 0x");
		p = put_xdigits(p, st->raw, 16);
		p = put_lit(p, "\n");
	}
	return p;
}

/* The kernel symbol that holds @va, or NULL (user addresses: none). */
static const char *symbol_of(struct out *o, uint64_t va, char *buf,
			     size_t len)
{
	if (!(va >> 63))
		return NULL;
	return session_symbol_at(o->s, va, buf, len);
}

/* " <name+0xoff>" after a record's first line (gdb and objdump's way). */
static char *text_symbol(struct out *o, const struct ptk_xlat *x, char *p)
{
	char buf[600];
	const char *sym = symbol_of(o, x->va, buf, sizeof(buf));

	if (!sym)
		return p;
	p = put_lit(p, "  <");
	p = put_str(p, sym);
	return put_lit(p, ">");
}

static char *json_symbol(struct out *o, const struct ptk_xlat *x, char *p)
{
	char buf[600];
	const char *sym = symbol_of(o, x->va, buf, sizeof(buf));

	if (!sym)
		return p;
	p = put_lit(p, "\",\"symbol\":\"");
	/* names are printable; quote the two characters JSON reserves */
	for (; *sym; sym++) {
		if (*sym == '"' || *sym == '\\')
			*p++ = '\\';
		*p++ = *sym;
	}
	return p;
}

static void print_text(struct out *o, const struct ptk_xlat *x)
{
	char *p = o->l.p;

	p = put_hex(p, x->va, 16);
	if (x->result == PTK_XLAT_MAPPED) {
		p = put_lit(p, " -> 0x");
		p = put_xdigits(p, x->pa, 16);
		p = put_word(p, &o->leaf[x->level]);
		p = put_word(p, &o->flags[flag_index(x->eff)]);
		if (x->pkey) {
			p = put_lit(p, " pkey=");
			p = put_dec(p, x->pkey, 0);
		}
		p = text_symbol(o, x, p);
		p = put_lit(p, "\n");
	} else if (x->result == PTK_XLAT_NONCANONICAL) {
		p = put_lit(p, ": not mapped: not a canonical ");
		p = put_dec(p, ptk_va_bits(&o->s->pg), 0);
		p = put_lit(p, "-bit address\n");
	} else {
		const struct ptk_xlat_step *st = &x->path[x->nsteps - 1];

		p = put_lit(p, ": not mapped: ");
		p = put_word(p, &o->level[st->level]);
		p = put_lit(p, "[");
		p = put_dec(p, st->index, 0);
		p = put_lit(p, "] is not present");
		p = text_symbol(o, x, p);
		p = put_lit(p, "\n");
	}
	o->l.p = text_path(o, x, p);
	lb_end_record(&o->l);
}

static char *json_path(const struct out *o, const struct ptk_xlat *x, char *p)
{
	p = put_lit(p, ",\"path\":[");
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct ptk_xlat_step *st = &x->path[i];

		p = put_word(p, i ? &o->step[st->level]
				  : &o->first_step[st->level]);
		p = put_dec(p, st->index, 0);
		p = put_lit(p, ",\"table\":\"0x");
		p = put_xdigits(p, st->table_pa, 0);
		p = put_lit(p, "\",\"entry\":\"0x");
		p = put_xdigits(p, st->raw, 0);
		p = put_lit(p, "\"}");
	}
	return put_lit(p, "]}\n");
}

static void print_json(struct out *o, const struct ptk_xlat *x)
{
	char *p = o->l.p;

	p = put_lit(p, "{\"va\":\"0x");
	p = put_xdigits(p, x->va, 0);
	p = json_symbol(o, x, p);
	if (x->result == PTK_XLAT_MAPPED) {
		p = put_lit(p, "\",\"pa\":\"0x");
		p = put_xdigits(p, x->pa, 0);
		p = put_word(p, &o->leaf[x->level]);
		p = put_word(p, &o->flags[flag_index(x->eff)]);
		p = put_dec(p, x->pkey, 0);
	} else {
		p = put_lit(p, "\",\"pa\":null,\"page\":null");
		if (x->level) {
			p = put_lit(p, ",\"level\":\"");
			p = put_word(p, &o->level[x->level]);
			p = put_lit(p, "\"");
		} else {
			p = put_lit(p, ",\"level\":null");
		}
		p = put_lit(p, ",\"mapped\":false,\"reason\":\"");
		p = put_str(p, why_not(x->result));
		p = put_lit(p, "\"");
	}
	o->l.p = json_path(o, x, p);
	lb_end_record(&o->l);
}

/* Everything printed so far reaches stdout: before a message on stderr,
 * and whenever the reader of our output may be waiting for it. */
static void flush_out(struct out *o)
{
	lb_flush(&o->l);
	fflush(stdout);
}

static int worse(int a, int b)
{
	/* usage and bad input outrank "not mapped" */
	return a > b ? a : b;
}

/* Print a translation of ptk_translate(); the exit status it deserves. */
static int print_one(struct out *o, enum ptk_status st, const struct ptk_xlat *x)
{
	if (st != PTK_OK) {
		flush_out(o);
		ptk_set_err(o->s->ctx, st, "0x%016" PRIx64, x->va);
		return fail_source(o->s, st);
	}
	if (o->json)
		print_json(o, x);
	else
		print_text(o, x);
	o->asked++;
	if (x->result == PTK_XLAT_MAPPED)
		return EXIT_OK;
	o->unmapped++;
	return EXIT_FINDING;
}

static int one(struct out *o, uint64_t va)
{
	struct ptk_xlat x;
	enum ptk_status st;

	st = ptk_translate(o->s->src, &o->s->pg, va, &x);
	x.va = va;
	return print_one(o, st, &x);
}

/* Translate @n addresses together (ptk_translate_many() overlaps their
 * cache misses) and print them in their order. */
static int many(struct out *o, const uint64_t *va, size_t n,
		struct ptk_xlat *res)
{
	int ret = EXIT_OK;

	if (ptk_translate_many(o->s->src, &o->s->pg, va, n, res) != PTK_OK) {
		/* Each address on its own says what went wrong. */
		for (size_t i = 0; i < n; i++)
			ret = worse(ret, one(o, va[i]));
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		/* A walk that went wrong is walked again for its message. */
		if (res[i].result == PTK_XLAT_BAD)
			ret = worse(ret, one(o, va[i]));
		else
			ret = worse(ret, print_one(o, PTK_OK, &res[i]));
	}
	return ret;
}

/*
 * The common line, 0x, 1-16 hex digits and a newline, parsed in one pass
 * (no search for the newline, no strtoull); the next line's start, or
 * NULL for any other line.  The buffer must have 16 readable bytes after
 * @end.
 */
static char *hex_line(char *p, const char *end, uint64_t *ret)
{
	const char *digits = p + 2;
	unsigned n;
	uint64_t v;

	if (end - p < 4 || p[0] != '0' || p[1] != 'x')
		return NULL;
#ifdef __SSE2__
	/* The 16 bytes after 0x at once: which are digits, and their values
	 * as one 64-bit number; the run of digits is the top n of it. */
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)digits);
	__m128i none = _mm_set1_epi8(-1);
	__m128i dec = _mm_sub_epi8(c, _mm_set1_epi8('0'));
	__m128i let = _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)),
				   _mm_set1_epi8('a'));
	__m128i is_dec = _mm_and_si128(_mm_cmpgt_epi8(dec, none),
				       _mm_cmplt_epi8(dec, _mm_set1_epi8(10)));
	__m128i is_let = _mm_and_si128(_mm_cmpgt_epi8(let, none),
				       _mm_cmplt_epi8(let, _mm_set1_epi8(6)));
	__m128i nib = _mm_or_si128(
		_mm_and_si128(is_dec, dec),
		_mm_and_si128(is_let, _mm_add_epi8(let, _mm_set1_epi8(10))));
	__m128i pairs = _mm_or_si128(
		_mm_slli_epi16(_mm_and_si128(nib, _mm_set1_epi16(0xff)), 4),
		_mm_srli_epi16(nib, 8));
	unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(is_dec, is_let));

	n = (unsigned)__builtin_ctz(~mask);	/* 0-16 */
	v = __builtin_bswap64((uint64_t)_mm_cvtsi128_si64(
		_mm_packus_epi16(pairs, pairs)));
#else
	static const signed char digit1[256] = {	/* value + 1 */
		['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
		['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
		['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
		['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
		['E'] = 15, ['F'] = 16,
	};

	v = 0;
	for (n = 0; n < 16 && digit1[(unsigned char)digits[n]]; n++)
		v |= (uint64_t)(digit1[(unsigned char)digits[n]] - 1)
		     << (60 - 4 * n);
#endif
	if (!n || digits + n >= end || digits[n] != '\n')
		return NULL;
	*ret = v >> 4 * (16 - n);
	return p + 2 + n + 1;
}

static bool input_waiting(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

enum { BATCH = 512 };

struct reader {
	char *buf;
	size_t len, cap;	/* bytes in buf (a line not yet ended), room */
	unsigned long lineno;
	uint64_t va[BATCH];
	size_t nva;
	struct ptk_xlat res[BATCH];
};

static int queue(struct out *o, struct reader *r, uint64_t va)
{
	int ret = EXIT_OK;

	r->va[r->nva++] = va;
	if (r->nva == BATCH) {
		ret = many(o, r->va, r->nva, r->res);
		r->nva = 0;
	}
	return ret;
}

/*
 * One line: blanks, an address, anything after a blank or #.  The line
 * is [p, end) and may be written (a NUL after the address).
 */
static int take_line(struct out *o, struct reader *r, char *p, char *end)
{
	char *tok;
	uint64_t va;
	int ret = EXIT_OK;

	r->lineno++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	tok = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
		p++;
	if (p == tok)
		return EXIT_OK;
	*p = '\0';
	if (!parse_addr(tok, &va)) {
		/* Its place among the results: after those above it. */
		ret = many(o, r->va, r->nva, r->res);
		r->nva = 0;
		flush_out(o);
		fprintf(stderr, "%s: <stdin>:%lu: '%s' is not an address\n",
			o->s->cmd, r->lineno, tok);
		return worse(ret, EXIT_BADINPUT);
	}
	return queue(o, r, va);
}

/*
 * Addresses from standard input, translated in batches of what has
 * arrived; whenever no more input is waiting, the answers so far are
 * flushed, so a program that writes an address and waits for its
 * translation gets it.
 */
static int from_stdin(struct out *o)
{
	struct reader *r = malloc(sizeof(*r));
	bool eof = false;
	int ret = EXIT_OK;

	/* A NUL after the last line, and 16 bytes that hex_line() may read */
	if (!r || !(r->buf = calloc(1, 64 * 1024 + 1 + 16))) {
		free(r);
		fprintf(stderr, "%s: out of memory\n", o->s->cmd);
		return EXIT_ENV;
	}
	r->len = 0;
	r->cap = 64 * 1024;
	r->lineno = 0;
	r->nva = 0;
	while (!eof) {
		ssize_t n = read(STDIN_FILENO, r->buf + r->len, r->cap - r->len);
		char *p = r->buf, *end;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			flush_out(o);
			fprintf(stderr, "%s: cannot read standard input: %s\n",
				o->s->cmd, strerror(errno));
			ret = worse(ret, EXIT_ENV);
		}
		eof = n <= 0;
		r->len += n > 0 ? (size_t)n : 0;
		end = r->buf + r->len;
		for (;;) {
			uint64_t va;
			char *nl = hex_line(p, end, &va);

			if (nl) {
				r->lineno++;
				ret = worse(ret, queue(o, r, va));
				p = nl;
				continue;
			}
			nl = memchr(p, '\n', (size_t)(end - p));

			if (!nl && (!eof || p == end))
				break;
			if (!nl)
				nl = end;	/* the last line, not ended */
			ret = worse(ret, take_line(o, r, p, nl));
			p = nl < end ? nl + 1 : end;
		}
		r->len = (size_t)(end - p);
		memmove(r->buf, p, r->len);
		if (r->len == r->cap) {
			/* A line longer than the buffer: not an address, but
			 * read to its end to say so. */
			char *bigger = realloc(r->buf, 2 * r->cap + 1 + 16);

			if (!bigger) {
				fprintf(stderr, "%s: out of memory\n", o->s->cmd);
				ret = worse(ret, EXIT_ENV);
				break;
			}
			memset(bigger + r->cap, 0, r->cap + 1 + 16);
			r->buf = bigger;
			r->cap *= 2;
		}
		if (eof || !input_waiting()) {
			ret = worse(ret, many(o, r->va, r->nva, r->res));
			r->nva = 0;
			flush_out(o);
		}
	}
	free(r->buf);
	free(r);
	return ret;
}

int cmd_translate(int argc, char **argv)
{
	struct translate_args a = { 0 };
	struct session s;
	struct out *o;
	int ret;

	argp_parse(&translate_argp, argc, argv, 0, NULL, &a);
	for (int i = 0; i < a.naddrs; i++) {
		uint64_t va;

		if (strcmp(a.addrs[i], "-") && !parse_addr(a.addrs[i], &va)) {
			fprintf(stderr, "%s: '%s' is not an address\n", argv[0],
				a.addrs[i]);
			return EXIT_USAGE;
		}
	}
	o = malloc(sizeof(*o));
	if (!o) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return EXIT_ENV;
	}
	ret = session_open(&s, argv[0], &a.src);
	if (s.src) {
		out_init(o, &s, a.json);
		for (int i = 0; i < a.naddrs; i++) {
			uint64_t va;

			if (!strcmp(a.addrs[i], "-")) {
				ret = worse(ret, from_stdin(o));
				continue;
			}
			parse_addr(a.addrs[i], &va);
			ret = worse(ret, one(o, va));
		}
		lb_flush(&o->l);
		if (ret == EXIT_FINDING)
			fprintf(stderr, "%s: '%s': %" PRIu64 " of %" PRIu64
				" address%s not mapped\n", argv[0], a.src.path,
				o->unmapped, o->asked,
				o->asked == 1 ? " is" : "es are");
	}
	free(o);
	session_close(&s);
	return finish_output(argv[0], ret);
}
