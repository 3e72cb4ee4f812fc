// SPDX-License-Identifier: MIT
/* Large arrays populated at once, in huge pages where they are large. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bigmem-priv.h"
#include "ptkit/paging.h"

/* Populated up to POPULATE_MAX: an array sized from a count in the input
 * (a corrupt e_phnum, kallsyms_num_syms) must cost only what is used. */
enum { HUGE_BYTES = 2u << 20, HUGE_FROM = 256u << 10 };
#define POPULATE_MAX ((size_t)256 << 20)

/* Under AddressSanitizer, the heap: its redzones catch what runs past an
 * array, which a mapping rounded up to pages would not. */
#if defined(__SANITIZE_ADDRESS__)
void *bigmem_alloc(size_t bytes)
{
	return calloc(1, bytes ? bytes : 1);
}

void bigmem_free(void *p, size_t bytes)
{
	(void)bytes;
	free(p);
}

void *bigmem_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
	char *q = realloc(p, new_bytes ? new_bytes : 1);

	if (q && new_bytes > old_bytes)
		memset(q + old_bytes, 0, new_bytes - old_bytes);
	return q;
}
#else
/*
 * What is mapped for @bytes: pages, or from HUGE_FROM on whole huge pages
 * (a 1 MiB hash table of symbol names, probed at random, took a third of
 * loading kallsyms in 4 KiB pages).
 */
static size_t mapped_len(size_t bytes)
{
	size_t unit = bytes >= HUGE_FROM ? HUGE_BYTES : PTK_PAGE_SIZE;

	return ((bytes ? bytes : 1) + unit - 1) & ~(unit - 1);
}

void *bigmem_alloc(size_t bytes)
{
	size_t len = mapped_len(bytes);
	char *p, *a;

	if (len < HUGE_BYTES) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	/* bigmem_free() unmaps len bytes: keep exactly those, 2 MiB aligned */
	p = mmap(NULL, len + HUGE_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HUGE_BYTES - 1) &
		     ~(uintptr_t)(HUGE_BYTES - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + HUGE_BYTES > a)
		munmap(a + len, (size_t)(p + HUGE_BYTES - a));
	madvise(a, len, MADV_HUGEPAGE);
	if (len <= POPULATE_MAX)
		madvise(a, len, MADV_POPULATE_WRITE);	/* 5.14 on; else faults */
	return a;
}

void bigmem_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, mapped_len(bytes));
}

void *bigmem_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
	void *q = bigmem_alloc(new_bytes);

	if (!q)
		return NULL;
	if (p) {
		memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
		bigmem_free(p, old_bytes);
	}
	return q;
}
#endif
