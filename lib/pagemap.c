// SPDX-License-Identifier: MIT
/* Pages in memory, found by frame number; see pagemap-priv.h. */
#include <stdlib.h>
#include <string.h>

#include "pagemap-priv.h"
#include "ptkit/paging.h"

void pagemap_init(struct pagemap *m)
{
	memset(m, 0, sizeof(*m));
}

void pagemap_release(struct pagemap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->pages[i]);
	free(m->pages);
	free(m->pfns);
	free(m->slots);
	free(m->sorted);
	pagemap_init(m);
}

static size_t hash_pfn(uint64_t pfn, size_t nslots)
{
	return (size_t)((pfn * 0x9e3779b97f4a7c15ull) >> 20) & (nslots - 1);
}

uint64_t *pagemap_find(const struct pagemap *m, uint64_t pfn)
{
	if (!m->nslots)
		return NULL;
	for (size_t h = hash_pfn(pfn, m->nslots);; h = (h + 1) & (m->nslots - 1)) {
		size_t s = m->slots[h];

		if (!s)
			return NULL;
		if (m->pfns[s - 1] == pfn)
			return m->pages[s - 1];
	}
}

static void insert_slot(size_t *slots, size_t nslots, uint64_t pfn, size_t i)
{
	size_t h = hash_pfn(pfn, nslots);

	while (slots[h])
		h = (h + 1) & (nslots - 1);
	slots[h] = i + 1;
}

static int grow(struct pagemap *m)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		uint64_t *pfns = realloc(m->pfns, cap * sizeof(*pfns));
		uint64_t **pages;

		if (!pfns)
			return -1;
		m->pfns = pfns;
		pages = realloc(m->pages, cap * sizeof(*pages));
		if (!pages)
			return -1;
		m->pages = pages;
		m->cap = cap;
	}
	if (2 * (m->n + 1) > m->nslots) {
		size_t nslots = m->nslots ? 2 * m->nslots : 128;
		size_t *slots = calloc(nslots, sizeof(*slots));

		if (!slots)
			return -1;
		for (size_t i = 0; i < m->n; i++)
			insert_slot(slots, nslots, m->pfns[i], i);
		free(m->slots);
		m->slots = slots;
		m->nslots = nslots;
	}
	return 0;
}

uint64_t *pagemap_add(struct pagemap *m, uint64_t pfn, const void *init)
{
	uint64_t *p;

	if (grow(m))
		return NULL;
	p = aligned_alloc(PTK_PAGE_SIZE, PTK_PAGE_SIZE);
	if (!p)
		return NULL;
	if (init)
		memcpy(p, init, PTK_PAGE_SIZE);
	else
		memset(p, 0, PTK_PAGE_SIZE);
	m->pfns[m->n] = pfn;
	m->pages[m->n] = p;
	insert_slot(m->slots, m->nslots, pfn, m->n);
	m->n++;
	free(m->sorted);
	m->sorted = NULL;
	return p;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

enum ptk_status pagemap_sorted(struct pagemap *m, struct ptk_ctx *ctx,
			       const uint64_t **pfns, size_t *count)
{
	if (!m->sorted && m->n) {
		m->sorted = malloc(m->n * sizeof(*m->sorted));
		if (!m->sorted)
			return ptk_set_err(ctx, PTK_ERR_NOMEM, "page list");
		memcpy(m->sorted, m->pfns, m->n * sizeof(*m->sorted));
		qsort(m->sorted, m->n, sizeof(*m->sorted), u64_cmp);
	}
	*pfns = m->sorted;
	*count = m->n;
	return PTK_OK;
}
