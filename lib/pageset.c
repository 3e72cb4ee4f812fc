// SPDX-License-Identifier: MIT
/* A set of (page, tag) pairs for walks; see pageset-priv.h. */
#include <stdbool.h>
#include <stdlib.h>

#include "pageset-priv.h"

#define FRAME_SHIFT 21				/* 2 MiB */
#define PAGE_SHIFT 12
#define FRAME_PAGES (1u << (FRAME_SHIFT - PAGE_SHIFT))

struct pageset_frame {
	uint64_t key;		/* pa >> FRAME_SHIFT */
	uint16_t *tags;		/* FRAME_PAGES first tags, 0 = none; NULL = free slot */
};

struct pageset_pair {
	uint64_t page;		/* pa >> PAGE_SHIFT */
	uint32_t tag;		/* 0 = free slot */
};

static size_t hash(uint64_t x, size_t cap)
{
	return (size_t)((x * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (cap - 1);
}

static struct pageset_frame *frame_slot(struct pageset_frame *f, size_t cap,
					uint64_t key)
{
	for (size_t i = hash(key, cap);; i = (i + 1) & (cap - 1))
		if (!f[i].tags || f[i].key == key)
			return &f[i];
}

/* Keep the table at most half full. */
static bool frames_grow(struct pageset *s)
{
	size_t cap = s->capframes ? 2 * s->capframes : 64;
	struct pageset_frame *f = calloc(cap, sizeof(*f));

	if (!f)
		return false;
	for (size_t i = 0; i < s->capframes; i++)
		if (s->frames[i].tags)
			*frame_slot(f, cap, s->frames[i].key) = s->frames[i];
	free(s->frames);
	s->frames = f;
	s->capframes = cap;
	return true;
}

static uint16_t *frame_tags(struct pageset *s, uint64_t key)
{
	struct pageset_frame *f;

	if (2 * (s->nframes + 1) > s->capframes && !frames_grow(s))
		return NULL;
	f = frame_slot(s->frames, s->capframes, key);
	if (!f->tags) {
		f->tags = calloc(FRAME_PAGES, sizeof(*f->tags));
		if (!f->tags)
			return NULL;
		f->key = key;
		s->nframes++;
	}
	s->last_key = key;
	s->last_tags = f->tags;
	return f->tags;
}

static struct pageset_pair *pair_slot(struct pageset_pair *p, size_t cap,
				      uint64_t page, uint32_t tag)
{
	for (size_t i = hash(page ^ (uint64_t)tag << 44, cap);;
	     i = (i + 1) & (cap - 1))
		if (!p[i].tag || (p[i].page == page && p[i].tag == tag))
			return &p[i];
}

static int more_add(struct pageset *s, uint64_t page, uint32_t tag)
{
	struct pageset_pair *q;

	if (2 * (s->nmore + 1) > s->capmore) {
		size_t cap = s->capmore ? 2 * s->capmore : 64;
		struct pageset_pair *p = calloc(cap, sizeof(*p));

		if (!p)
			return -1;
		for (size_t i = 0; i < s->capmore; i++)
			if (s->more[i].tag)
				*pair_slot(p, cap, s->more[i].page,
					   s->more[i].tag) = s->more[i];
		free(s->more);
		s->more = p;
		s->capmore = cap;
	}
	q = pair_slot(s->more, s->capmore, page, tag);
	if (q->tag)
		return 0;
	*q = (struct pageset_pair){ page, tag };
	s->nmore++;
	return 1;
}

int pageset_add(struct pageset *s, uint64_t pa, uint32_t tag)
{
	const uint64_t key = pa >> FRAME_SHIFT;
	const unsigned slot = (unsigned)(pa >> PAGE_SHIFT) & (FRAME_PAGES - 1);
	uint16_t *tags;

	if (tag > UINT16_MAX)
		return more_add(s, pa >> PAGE_SHIFT, tag);
	tags = s->last_tags && s->last_key == key ? s->last_tags
						  : frame_tags(s, key);
	if (!tags)
		return -1;
	if (!tags[slot]) {
		tags[slot] = (uint16_t)tag;
		return 1;
	}
	if (tags[slot] == tag)
		return 0;
	return more_add(s, pa >> PAGE_SHIFT, tag);
}

void pageset_free(struct pageset *s)
{
	for (size_t i = 0; i < s->capframes; i++)
		free(s->frames[i].tags);
	free(s->frames);
	free(s->more);
	*s = (struct pageset)PAGESET_INIT;
}
