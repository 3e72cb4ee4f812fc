// SPDX-License-Identifier: MIT
/*
 * How often zlib inflates while libptkit reads a kdump-compressed dump:
 *
 *   decompressions DUMP
 *
 * prints "tables T open N walk N translate N": the distinct table pages
 * a walk of the whole address space visits, then the number of inflate()
 * calls made while opening the dump, during the walk, and while every
 * leaf page the walk found is translated again in a scrambled order.
 *
 * inflate() is counted by defining it here: libkdumpfile's calls bind to
 * the executable's definition first, which passes them on to zlib.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "ptkit/ptkit.h"

static unsigned long inflates;

int inflate(z_streamp strm, int flush)
{
	static int (*zlib_inflate)(z_streamp, int);

	if (!zlib_inflate)
		*(void **)&zlib_inflate = dlsym(RTLD_NEXT, "inflate");
	inflates++;
	return zlib_inflate(strm, flush);
}

struct seen {
	uint64_t *tables, *pages;
	size_t ntables, npages, cap_tables, cap_pages;
};

static void push(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			exit(2);
	}
	(*v)[(*n)++] = x;
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct seen *s = priv;

	push(&s->tables, &s->ntables, &s->cap_tables, e->addr);
	return PTK_OK;
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct seen *s = priv;

	push(&s->pages, &s->npages, &s->cap_pages, e->va);
	return PTK_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static size_t distinct(uint64_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		k += !i || v[i] != v[i - 1];
	return k;
}

int main(int argc, char **argv)
{
	const struct ptk_walk_ops ops = { .table = on_table, .leaf = on_leaf };
	struct ptk_ctx *ctx = ptk_ctx_new();
	struct ptk_discovery why;
	struct ptk_source *src;
	struct ptk_paging pg;
	struct seen s = { 0 };
	unsigned long opened, walked;
	uint64_t seed = 1;

	if (argc != 2 || ptk_source_open(ctx, argv[1], &src) ||
	    ptk_paging_discover(src, &pg, &why)) {
		fprintf(stderr, "usage: decompressions DUMP (%s)\n",
			ptk_ctx_err(ctx));
		return 2;
	}
	opened = inflates;
	if (ptk_walk(src, &pg, 0, 0, &ops, &s) != PTK_OK) {
		fprintf(stderr, "decompressions: %s\n", ptk_ctx_err(ctx));
		return 1;
	}
	walked = inflates;
	for (size_t i = s.npages; i > 1; i--) {	/* Fisher-Yates */
		size_t j;
		uint64_t t;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (seed >> 33) % i;
		t = s.pages[i - 1];
		s.pages[i - 1] = s.pages[j];
		s.pages[j] = t;
	}
	for (size_t i = 0; i < s.npages; i++) {
		struct ptk_xlat x;

		ptk_translate(src, &pg, s.pages[i], &x);
	}
	printf("tables %zu open %lu walk %lu translate %lu\n",
	       distinct(s.tables, s.ntables) + 1, opened, walked - opened,
	       inflates - walked);
	free(s.tables);
	free(s.pages);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return 0;
}
