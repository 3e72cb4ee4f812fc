/* SPDX-License-Identifier: MIT */
/*
 * A stable LSD radix sort of records by a 64-bit key, for the lists a
 * dump makes by the hundred thousand (memory segments, reverse-map
 * records), where qsort() and its calls to a comparison were most of the
 * work: 11-bit digits, only as many as the largest key has, a pass
 * skipped where one bucket holds every record.  Records with equal keys
 * keep their order.
 *
 * RADIX_SORT(name, type, key) defines
 *
 *	static bool name(type *rec, size_t n);
 *
 * sorting @rec by its member @key (a uint64_t); false when out of memory,
 * @rec then as it was.  The scratch array is bigmem's.
 */
#ifndef PTKIT_RADIX_PRIV_H
#define PTKIT_RADIX_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bigmem-priv.h"

#define RADIX_DIGIT 11

#define RADIX_SORT(name, type, key)					\
static bool name(type *rec, size_t n)					\
{									\
	const uint64_t mask = (1u << RADIX_DIGIT) - 1;			\
	size_t count[1u << RADIX_DIGIT];				\
	type *tmp, *from = rec, *to;					\
	uint64_t most = 0;						\
									\
	if (n < 2)							\
		return true;						\
	tmp = to = bigmem_alloc(n * sizeof(*rec));			\
	if (!tmp)							\
		return false;						\
	for (size_t i = 0; i < n; i++)					\
		most |= rec[i].key;					\
	for (unsigned shift = 0; shift < 64 && most >> shift;		\
	     shift += RADIX_DIGIT) {					\
		size_t sum = 0;						\
		bool trivial = false;					\
									\
		memset(count, 0, sizeof(count));			\
		for (size_t i = 0; i < n; i++)				\
			count[from[i].key >> shift & mask]++;		\
		for (size_t d = 0; d <= mask; d++) {			\
			size_t c = count[d];				\
									\
			trivial |= c == n;				\
			count[d] = sum;					\
			sum += c;					\
		}							\
		if (trivial)						\
			continue;					\
		for (size_t i = 0; i < n; i++)				\
			to[count[from[i].key >> shift & mask]++] = from[i]; \
		from = to;						\
		to = to == tmp ? rec : tmp;				\
	}								\
	if (from != rec)						\
		memcpy(rec, from, n * sizeof(*rec));			\
	bigmem_free(tmp, n * sizeof(*rec));				\
	return true;							\
}

#endif
