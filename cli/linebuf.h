/* SPDX-License-Identifier: MIT */
/*
 * One output record built without printf: `ptkit translate -` prints a
 * record per address, a million in a batch, and vfprintf's parsing of
 * the format was most of its time.  A record must fit LINEBUF_MAX bytes.
 */
#ifndef PTKIT_LINEBUF_H
#define PTKIT_LINEBUF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { LINEBUF_MAX = 2048 };

struct linebuf {
	char *p;
	char buf[LINEBUF_MAX];
};

static inline void lb_init(struct linebuf *l)
{
	l->p = l->buf;
}

static inline void lb_str(struct linebuf *l, const char *s)
{
	size_t n = strlen(s);

	memcpy(l->p, s, n);
	l->p += n;
}

/* 0x and at least @width hexadecimal digits, zero-padded. */
static inline void lb_hex(struct linebuf *l, uint64_t v, unsigned width)
{
	char tmp[16];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*l->p++ = '0';
	*l->p++ = 'x';
	for (; width > n; width--)
		*l->p++ = '0';
	while (n)
		*l->p++ = tmp[--n];
}

/* Decimal, right-aligned in @width columns. */
static inline void lb_dec(struct linebuf *l, uint64_t v, unsigned width)
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (; width > n; width--)
		*l->p++ = ' ';
	while (n)
		*l->p++ = tmp[--n];
}

static inline void lb_write(struct linebuf *l, FILE *f)
{
	fwrite(l->buf, 1, (size_t)(l->p - l->buf), f);
}

#endif
