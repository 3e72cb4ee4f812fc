/* SPDX-License-Identifier: MIT */
/*
 * Numbers in a source's metadata.  VMCOREINFO writes SYMBOL() values in
 * hex and NUMBER(), OFFSET(), SIZE() and LENGTH() in signed decimal
 * (phys_base may be negative); ptkit's own PTKIT_* keys use either.
 */
#ifndef PTKIT_META_PRIV_H
#define PTKIT_META_PRIV_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "ptkit/source.h"

/* A whole string as a number in @base (0: C prefixes); not empty. */
static inline bool parse_u64(const char *s, int base, uint64_t *ret)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*ret = strtoull(s, &end, base);
	return !errno && !*end;
}

static inline bool parse_s64(const char *s, int64_t *ret)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*ret = strtoll(s, &end, 10);
	return !errno && !*end;
}

/* SYMBOL(x)=hex */
static inline bool meta_hex(const struct ptk_source *src, const char *key,
			    uint64_t *ret)
{
	return parse_u64(ptk_source_meta(src, key), 16, ret);
}

/* NUMBER(x), OFFSET(x), SIZE(x), LENGTH(x): signed decimal, two's complement */
static inline bool meta_num(const struct ptk_source *src, const char *key,
			    uint64_t *ret)
{
	int64_t v;

	if (!parse_s64(ptk_source_meta(src, key), &v))
		return false;
	*ret = (uint64_t)v;
	return true;
}

#endif
