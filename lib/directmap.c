// SPDX-License-Identifier: MIT
/* Counting the direct map as direct_pages_count[] does; see directmap.h. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ptkit/directmap.h"
#include "ptkit/walk.h"

#define HW_P 1ull
#define HW_PS (1ull << 7)

struct counter {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	uint64_t start, last;	/* the range counted, inclusive */
	struct ptk_dm_count *c;
	uint64_t *buf;		/* PTK_ENTRIES, for tables read, not mapped */
	bool text;
};

#ifdef __SSE2__
static uint64_t lo_lane(__m128i v)
{
	return (uint64_t)_mm_cvtsi128_si64(v);
}

static uint64_t hi_lane(__m128i v)
{
	return (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
}
#endif

/* The AND of @t[first..last]: with HW_P in it, every entry is present. */
static uint64_t and_of(const uint64_t *t, unsigned first, unsigned last)
{
	uint64_t all = ~UINT64_C(0);
	unsigned i = first;
#ifdef __SSE2__
	__m128i a0 = _mm_set1_epi64x(-1), a1 = a0;

	for (; i + 3 <= last; i += 4) {
		a0 = _mm_and_si128(a0, _mm_loadu_si128((const __m128i *)&t[i]));
		a1 = _mm_and_si128(a1,
				   _mm_loadu_si128((const __m128i *)&t[i + 2]));
	}
	a0 = _mm_and_si128(a0, a1);
	all = lo_lane(a0) & hi_lane(a0);
#endif
	for (; i <= last; i++)
		all &= t[i];
	return all;
}

/*
 * The non-zero and the present entries of @t[first..last]: the hot loop
 * of a DirectMap count (16 M PTEs for 64 GiB of 4K pages).  Most PTE
 * tables of a direct map are full, which an AND of the entries tells
 * cheaply.  GCC 12 does not vectorize the counting loop (x != 0 on 64
 * bits has no SSE2 compare, and -O2's cost model refuses the rest), so it
 * is written for SSE2, which every x86-64 has: (x | -x) >> 63 is x != 0.
 */
static void count_ptes(const uint64_t *t, unsigned first, unsigned last,
		       uint64_t *nonzero, uint64_t *present)
{
	uint64_t nz = 0, p = 0;
	unsigned i = first;

	if (and_of(t, first, last) & HW_P) {
		*nonzero = *present = last - first + 1;
		return;
	}
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi64x(1);
	__m128i vnz = zero, vp = zero;

	for (; i + 1 <= last; i += 2) {
		__m128i x = _mm_loadu_si128((const __m128i *)&t[i]);
		__m128i x_or_neg = _mm_or_si128(x, _mm_sub_epi64(zero, x));

		vnz = _mm_add_epi64(vnz, _mm_srli_epi64(x_or_neg, 63));
		vp = _mm_add_epi64(vp, _mm_and_si128(x, one));
	}
	nz = lo_lane(vnz) + hi_lane(vnz);
	p = lo_lane(vp) + hi_lane(vp);
#endif
	for (; i <= last; i++) {
		nz += t[i] != 0;
		p += t[i] & HW_P;
	}
	*nonzero = nz;
	*present = p;
}

/* Count the entries of the table below @e that lie in the range. */
static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct counter *k = priv;
	const unsigned level = e->level - 1;
	const uint64_t size = ptk_level_size(level);
	unsigned first = 0, last = PTK_ENTRIES - 1;
	uint64_t nonzero = 0, present = 0;
	const uint64_t *t;

	if (k->text) {
		/* A PMD entry that is a table: a split 2M page. */
		if (e->level == PTK_LEVEL_PMD)
			k->c->text_splits++;
		return e->level == PTK_LEVEL_PMD ? PTK_SKIP : PTK_OK;
	}
	if (level > PTK_LEVEL_PUD)
		return PTK_OK;
	if (e->table)
		t = e->table;	/* the walker read it already */
	else if (ptk_source_table(k->src, e->addr, k->buf, &t) != PTK_OK)
		return PTK_OK;	/* the walk reports it when it descends */
	/* Only the entries inside the range: most tables lie wholly in it. */
	if (e->va < k->start)
		first = (unsigned)((k->start - e->va) / size);
	if (e->end - 1 > k->last)
		last = (unsigned)((k->last - e->va) / size);
	if (level == PTK_LEVEL_PTE) {
		/* Every non-zero PTE counts: no branch. */
		count_ptes(t, first, last, &nonzero, &present);
	} else {
		for (unsigned i = first; i <= last; i++) {
			uint64_t raw = t[i];

			/* A present entry without PS is a table, counted
			 * below; a large page made not present may have lost
			 * PS (CPA sets it only on present entries) and is
			 * still a large page. */
			if (!raw || (!(raw & HW_PS) && (raw & HW_P)))
				continue;
			nonzero++;
			present += raw & HW_P;
		}
	}
	k->c->pages[level] += nonzero;
	k->c->present[level] += present;
	/* Nothing below a PTE table to count. */
	return e->level == PTK_LEVEL_PMD ? PTK_SKIP : PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;
}

enum ptk_status ptk_dm_count(struct ptk_source *src,
			     const struct ptk_paging *pg, uint64_t start,
			     uint64_t end, uint64_t text_start,
			     uint64_t text_end, struct ptk_dm_count *ret)
{
	const struct ptk_walk_ops ops = { .table = on_table, .bad = on_bad };
	uint64_t buf[PTK_ENTRIES];
	struct counter k = { .src = src, .pg = pg, .c = ret, .buf = buf };
	enum ptk_status st = PTK_OK;

	memset(ret, 0, sizeof(*ret));
	if (start != end) {
		k.start = start;
		k.last = end - 1;
		st = ptk_walk(src, pg, start, end, &ops, &k);
	}
	if (st == PTK_OK && text_start != text_end) {
		k.text = true;
		st = ptk_walk(src, pg, text_start, text_end, &ops, &k);
	}
	return st;
}

void ptk_dm_count_table(struct ptk_source *src, const struct ptk_paging *pg,
			const struct ptk_walk_entry *e, uint64_t start,
			uint64_t end, bool text, struct ptk_dm_count *c)
{
	uint64_t buf[PTK_ENTRIES];	/* not cleared: only read into */
	struct counter k = {
		.src = src, .pg = pg, .c = c, .start = start, .last = end - 1,
		.buf = buf, .text = text,
	};

	/* only tables whose entries meet [start, end) */
	if (start == end || e->va > k.last || e->end - 1 < start)
		return;
	on_table(e, &k);
}

void ptk_dm_meminfo_kb(const struct ptk_dm_count *c,
		       uint64_t kb[PTK_LEVEL_PUD + 1])
{
	uint64_t pages[PTK_LEVEL_PUD + 1];

	memcpy(pages, c->pages, sizeof(pages));
	/* split_page_count(PG_LEVEL_2M) for each split of the kernel image. */
	for (uint64_t i = 0; i < c->text_splits && pages[PTK_LEVEL_PMD]; i++) {
		pages[PTK_LEVEL_PMD]--;
		pages[PTK_LEVEL_PTE] += PTK_ENTRIES;
	}
	kb[0] = 0;
	for (unsigned l = PTK_LEVEL_PTE; l <= PTK_LEVEL_PUD; l++)
		kb[l] = pages[l] * (ptk_level_size(l) >> 10);
}

void ptk_dm_split_kb(uint64_t *kb, uint64_t l3, uint64_t l2)
{
	uint64_t n1g = kb[PTK_LEVEL_PUD] >> 20, n2m = kb[PTK_LEVEL_PMD] >> 11;

	/* split_page_count(): if (direct_pages_count[level] == 0) return; */
	if (l3 > n1g)
		l3 = n1g;
	kb[PTK_LEVEL_PUD] -= l3 << 20;
	kb[PTK_LEVEL_PMD] += l3 << 20;
	n2m += l3 * 512;
	if (l2 > n2m)
		l2 = n2m;
	kb[PTK_LEVEL_PMD] -= l2 << 11;
	kb[PTK_LEVEL_PTE] += l2 << 11;
}
