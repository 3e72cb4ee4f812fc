// SPDX-License-Identifier: MIT
/*
 * ptkit diff --ops: the direct-map calls that turn A's direct map into
 * B's, in ptkit directmap's OP syntax.  Each change of the sweep asks for
 * the call whose masks make B's entry from A's: set_direct_map_*() when
 * a page leaves or comes back, or lost G by doing both; set_memory_*()
 * for RW and NX.  A split that no such call makes by itself is asked for
 * with set_memory_4k().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"

#define PAGES_2M (UINT64_C(1) << 9)
#define PAGES_1G (UINT64_C(1) << 18)

struct op {
	const char *name;
	uint64_t pfn, count;
};

struct ops {
	struct op *o;
	size_t n, cap;
	const char *cmd;
	size_t impossible;	/* changes no call makes */
};

/* set_direct_map_*() work page by page: every call on a large page splits. */
static bool per_page(const char *name)
{
	return !strcmp(name, "invalid") || !strcmp(name, "default");
}

static void add(struct ops *os, const char *name, uint64_t pfn, uint64_t n)
{
	for (size_t i = os->n; i-- > 0;) {
		struct op *o = &os->o[i];

		if (!strcmp(o->name, name) && o->pfn + o->count == pfn) {
			o->count += n;
			return;
		}
		if (!strcmp(o->name, name))
			break;
	}
	if (os->n == os->cap) {
		size_t cap = os->cap ? 2 * os->cap : 64;
		struct op *p = realloc(os->o, cap * sizeof(*p));

		if (!p) {
			fprintf(stderr, "%s: out of memory for the OPs\n",
				os->cmd);
			exit(EXIT_ENV);
		}
		os->o = p;
		os->cap = cap;
	}
	os->o[os->n++] = (struct op){ name, pfn, n };
}

static void cannot(struct ops *os, const struct change *c, const char *why)
{
	char end[32];

	os->impossible++;
	fprintf(stderr, "%s: 0x%" PRIx64 "-%s: no direct-map call does "
		"this: %s\n", os->cmd, c->va, fmt_end(end, sizeof(end), c->end),
		why);
}

/* RW and NX, the bits set_memory_*() changes on present pages. */
static bool rw_nx(struct ops *os, const struct change *c, unsigned from,
		  unsigned to, uint64_t pfn, uint64_t n)
{
	if ((from ^ to) & PTK_F_RW)
		add(os, to & PTK_F_RW ? "rw" : "ro", pfn, n);
	if ((from ^ to) & PTK_F_NX)
		add(os, to & PTK_F_NX ? "nx" : "x", pfn, n);
	if ((from ^ to) & (PTK_F_US | PTK_F_PWT | PTK_F_PCD | PTK_F_PAT |
			   PTK_F_G)) {
		cannot(os, c, (from ^ to) & PTK_F_G
				      ? "only the boot code sets G"
				      : "a caching or user bit differs");
		return false;
	}
	return true;
}

static void one_change(struct ops *os, const struct change *c,
		       uint64_t dm_start)
{
	const struct slot *x = c->a, *y = c->b;
	uint64_t pfn = (c->va - dm_start) >> PTK_PAGE_SHIFT;
	uint64_t n = (c->end - c->va) >> PTK_PAGE_SHIFT;
	bool kept_large;

	if (!x || !y) {
		cannot(os, c, x ? "B has no entry here" : "A has no entry here");
		return;
	}
	if (x->pa + (c->va - x->va) != y->pa + (c->va - y->va)) {
		cannot(os, c, "the frames differ");
		return;
	}
	if (y->level > x->level) {
		cannot(os, c, "the kernel does not merge pages back");
		return;
	}
	/* B keeps a large page: one call on the range, which covers it. */
	kept_large = y->level > PTK_LEVEL_PTE;
	if (x->present && y->present && (x->eff & ~y->eff & PTK_F_G)) {
		/* G lost: the page was taken away and given back, which
		 * clears G (pgprot_clear_protnone_bits()) for good. */
		add(os, "invalid", pfn, n);
		add(os, y->eff & PTK_F_RW ? "default" : "p", pfn, n);
		rw_nx(os, c, (x->eff & ~PTK_F_G & ~PTK_F_RW) |
			     (y->eff & PTK_F_RW), y->eff, pfn, n);
	} else if (x->present && y->present) {
		rw_nx(os, c, x->eff, y->eff, pfn, n);
	} else if (x->present) {
		/* Taken away: P (and RW) cleared, G with them. */
		if (y->eff & PTK_F_RW)
			add(os, "np", pfn, n);
		else
			add(os, kept_large ? "novalid" : "invalid", pfn, n);
		rw_nx(os, c, x->eff & ~(PTK_F_RW | PTK_F_G),
		      y->eff & ~(PTK_F_RW | PTK_F_G), pfn, n);
	} else if (y->present) {
		/* Given back: P and RW set, never G. */
		if (!(y->eff & PTK_F_RW))
			add(os, "p", pfn, n);
		else
			add(os, kept_large ? "valid" : "default", pfn, n);
		rw_nx(os, c, (x->eff & ~PTK_F_G) | (y->eff & PTK_F_RW),
		      y->eff, pfn, n);
	} else {
		cannot(os, c, "two non-present entries differ");
	}
}

/* Do the ops split the large page [pfn, pfn + size) of A by themselves? */
static bool ops_split(const struct ops *os, uint64_t pfn, uint64_t size)
{
	for (size_t i = 0; i < os->n; i++) {
		const struct op *o = &os->o[i];
		uint64_t end = o->pfn + o->count;

		if (end <= pfn || o->pfn >= pfn + size)
			continue;
		if (per_page(o->name) || !strcmp(o->name, "4k") ||
		    o->pfn > pfn || end < pfn + size)
			return true;
	}
	return false;
}

/* The splits B has that the ops do not make: set_memory_4k() for them. */
static void splits(struct ops *os, const struct changes *ch,
		   uint64_t dm_start, uint64_t dm_end)
{

	for (size_t k = 0; k < ch->n; k++) {
		const struct change *c = &ch->c[k];
		const struct slot *x = c->a, *y = c->b;

		if (c->va < dm_start || c->va >= dm_end || !x || !y ||
		    y->level >= x->level)
			continue;
		for (uint64_t va = c->va; va < c->end;
		     va = (va | ((PAGES_2M << PTK_PAGE_SHIFT) - 1)) + 1) {
			uint64_t pfn = (va - dm_start) >> PTK_PAGE_SHIFT;
			uint64_t big = pfn & ~(PAGES_1G - 1);
			uint64_t chunk = pfn & ~(PAGES_2M - 1);

			if (y->level == PTK_LEVEL_PMD) {
				if (!ops_split(os, big, PAGES_1G))
					cannot(os, c, "no call splits a 1G "
					       "page to 2M pages only");
				break;
			}
			if (!ops_split(os, chunk, PAGES_2M))
				add(os, "4k", chunk, PAGES_2M);
		}
	}
}

size_t diff_ops(const struct changes *ch, uint64_t dm_start, uint64_t dm_end,
		const char *cmd, size_t *impossible)
{
	struct ops os = { .cmd = cmd };
	size_t calls;

	for (size_t k = 0; k < ch->n; k++)
		if (ch->c[k].va >= dm_start && ch->c[k].va < dm_end)
			one_change(&os, &ch->c[k], dm_start);
	splits(&os, ch, dm_start, dm_end);
	/* The splits first: the calls after them find the pages as B has. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < os.n; i++) {
			const struct op *o = &os.o[i];

			if ((pass == 0) != !strcmp(o->name, "4k"))
				continue;
			printf("%s:0x%" PRIx64, o->name, o->pfn);
			if (o->count > 1)
				printf("+%" PRIu64, o->count);
			putchar('\n');
		}
	calls = os.n;
	*impossible = os.impossible;
	free(os.o);
	return calls;
}
