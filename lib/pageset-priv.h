/* SPDX-License-Identifier: MIT */
/*
 * A set of (page, tag) pairs: which table pages a walk has seen, and as
 * what (a region and a level, say).  Built for the walk's pattern: most
 * pages are seen once, with one tag, and the tables a walk goes through
 * lie together (a direct map's PTE tables are allocated in runs).  So the
 * first tag of each page is kept in an array per 2 MiB of physical
 * memory, found through the last one used; a page seen again with
 * another tag (ESPfix maps one table four times) goes to a small hash
 * set.  Adding is O(1), touches one cache line, and the memory is 1 KiB
 * per 2 MiB frame that holds a table.
 */
#ifndef PTKIT_PAGESET_PRIV_H
#define PTKIT_PAGESET_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct pageset_frame;
struct pageset_pair;

struct pageset {
	/* Open addressing on the 2 MiB frame number; tags NULL = free. */
	struct pageset_frame *frames;
	size_t nframes, capframes;
	/* The frame used last: the next page is most often in it. */
	uint64_t last_key;
	uint16_t *last_tags;
	/* Pairs whose page holds another tag already. */
	struct pageset_pair *more;
	size_t nmore, capmore;
};

/* An empty set: all zero. */
#define PAGESET_INIT { 0 }

/* Add (@pa's page, @tag), @tag > 0.  1: it was not there; 0: it was;
 * -1: out of memory (the set is unchanged). */
int pageset_add(struct pageset *s, uint64_t pa, uint32_t tag);

void pageset_free(struct pageset *s);

#endif
