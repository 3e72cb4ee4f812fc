/* SPDX-License-Identifier: MIT */
/*
 * Large arrays (a symbol table, 10^5 segments: megabytes) in anonymous
 * memory populated in one call, in transparent huge pages from 2 MiB on.
 * A first touch of a fresh page is a fault, and on a virtual machine under
 * shadow paging an exit as well, populated or not; a few huge pages
 * instead of a thousand small ones took a fifth off loading kallsyms and
 * a third off opening 10^5 segments.  Zeroed, as calloc()'s.
 */
#ifndef PTKIT_BIGMEM_PRIV_H
#define PTKIT_BIGMEM_PRIV_H

#include <stddef.h>

/** bigmem_alloc() - @bytes of zeroed memory, or NULL (errno set) */
void *bigmem_alloc(size_t bytes);

/** bigmem_free() - give back what bigmem_alloc(@bytes) gave; NULL is a
 *  no-op */
void bigmem_free(void *p, size_t bytes);

/** bigmem_realloc() - @new_bytes with the first min(@old_bytes,
 *  @new_bytes) of @p (which may be NULL), and @p freed; NULL (and @p
 *  kept) when out of memory */
void *bigmem_realloc(void *p, size_t old_bytes, size_t new_bytes);

#endif
