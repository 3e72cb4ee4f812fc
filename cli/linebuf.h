/* SPDX-License-Identifier: MIT */
/*
 * Output records built without printf and written in large blocks:
 * `ptkit translate -` prints a record per address, a million in a batch,
 * and vfprintf's parsing of the format, stdio's locking per record and
 * strlen() were most of its time.  A record must fit LINEBUF_RECORD_MAX
 * bytes; the room after it lets the helpers copy fixed-size blocks and
 * count only the bytes that matter.
 */
#ifndef PTKIT_LINEBUF_H
#define PTKIT_LINEBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { LINEBUF_SIZE = 64 * 1024, LINEBUF_RECORD_MAX = 2048, LB_SLACK = 32 };

struct linebuf {
	char *p;
	FILE *f;
	char buf[LINEBUF_SIZE + LINEBUF_RECORD_MAX + LB_SLACK];
};

/* A short string kept with its length, copied as one fixed-size block. */
struct lb_word {
	char s[48];
	unsigned n;
};

static inline void lb_init(struct linebuf *l, FILE *f)
{
	l->p = l->buf;
	l->f = f;
}

/* Hand what has gathered to stdio (which writes large blocks at once). */
static inline void lb_flush(struct linebuf *l)
{
	fwrite(l->buf, 1, (size_t)(l->p - l->buf), l->f);
	l->p = l->buf;
}

/* After each record: write out once a block has gathered. */
static inline void lb_end_record(struct linebuf *l)
{
	if (l->p - l->buf >= LINEBUF_SIZE)
		lb_flush(l);
}

/*
 * The put_*() helpers write at a cursor and return it moved on: a record
 * is built in a local variable, so the compiler need not reload l->p
 * after every byte stored (a char store may alias anything).
 */

/* A string literal: its length is known when compiling. */
#define put_lit(p, lit) \
	(memcpy(p, lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)

static inline char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static inline char *put_word(char *p, const struct lb_word *w)
{
	memcpy(p, w->s, sizeof(w->s));
	return p + w->n;
}

/* Set @w as printf would print it; it must fit. */
__attribute__((format(printf, 2, 3)))
static inline void lb_word_set(struct lb_word *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(w->s, 0, sizeof(w->s));
	va_start(ap, fmt);
	n = vsnprintf(w->s, sizeof(w->s), fmt, ap);
	va_end(ap);
	w->n = n < 0 ? 0 : n >= (int)sizeof(w->s) ? sizeof(w->s) : (unsigned)n;
}

/* The 16 hexadecimal digits of @v, most significant first. */
static inline void lb_hex16(char *out, uint64_t v)
{
#ifdef __SSE2__
	__m128i x = _mm_cvtsi64_si128((long long)__builtin_bswap64(v));
	__m128i low = _mm_set1_epi8(0x0f);
	__m128i lo = _mm_and_si128(x, low);
	__m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), low);
	__m128i nib = _mm_unpacklo_epi8(hi, lo);
	__m128i letter = _mm_cmpgt_epi8(nib, _mm_set1_epi8(9));
	__m128i c = _mm_add_epi8(nib, _mm_set1_epi8('0'));

	c = _mm_add_epi8(c, _mm_and_si128(letter, _mm_set1_epi8('a' - '0' - 10)));
	_mm_storeu_si128((__m128i *)(void *)out, c);
#else
	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = "0123456789abcdef"[v & 15];
#endif
}

/* At least @width (at most 16) hexadecimal digits, zero-padded. */
static inline char *put_xdigits(char *p, uint64_t v, unsigned width)
{
	unsigned n = v ? (67 - (unsigned)__builtin_clzll(v)) / 4 : 1;

	if (n < width)
		n = width;
	/* The n digits first, then zeros that the next bytes overwrite: no
	 * shift of bytes in memory (a store-forwarding stall). */
	lb_hex16(p, v << 4 * (16 - n));
	return p + n;
}

/* The same after 0x. */
static inline char *put_hex(char *p, uint64_t v, unsigned width)
{
	memcpy(p, "0x", 2);
	return put_xdigits(p + 2, v, width);
}

/* Decimal, right-aligned in @width columns. */
static inline char *put_dec(char *p, uint64_t v, unsigned width)
{
	char tmp[20];
	unsigned n = 0;

	if (v < 1000 && width <= 3) {
		/* Table indexes and the like: the three places in a register,
		 * blanks for the leading zeros, the last max(n, width) kept. */
		uint32_t w = (v >= 100 ? '0' + (uint32_t)v / 100 : ' ') |
			     (v >= 10 ? '0' + (uint32_t)v / 10 % 10 : ' ') << 8 |
			     ('0' + (uint32_t)v % 10) << 16;

		n = v >= 100 ? 3 : v >= 10 ? 2 : 1;
		if (n < width)
			n = width;
		w >>= 8 * (3 - n);
		memcpy(p, &w, sizeof(w));
		return p + n;
	}
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (; width > n; width--)
		*p++ = ' ';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "true" or "false", as JSON spells them. */
static inline char *put_bool(char *p, bool b)
{
	return b ? put_lit(p, "true") : put_lit(p, "false");
}

/* Left-aligned in @width columns, as printf's %-*s. */
static inline char *put_left(char *p, const char *s, unsigned width)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	for (; n < width; n++)
		p[n] = ' ';
	return p + n;
}

/* A size as the kernel's ptdump prints it: "4K", "632K", "2M" (the
 * largest unit that divides it exactly); 0 stands for 2^64, "16E". */
static inline char *put_size(char *p, uint64_t size)
{
	static const char units[] = "BKMGTPE";
	const char *u = units;

	while (!(size & 1023) && u[1] && size) {
		size >>= 10;
		u++;
	}
	if (!size && u == units)
		return put_lit(p, "16E");
	p = put_dec(p, size, 0);
	*p++ = *u;
	return p;
}

#endif
