// SPDX-License-Identifier: MIT
/*
 * An allocator model that starts from a dump's own state: its free lists
 * block by block, its other pages as in use or on the per-CPU lists, as
 * their struct pages say, and its pageblocks' migratetypes.
 */
#include <stdio.h>
#include <string.h>

#include "ptkit/mm.h"
#include "ptkit/replay-setup.h"

struct seeding {
	struct ptk_alloc *model;
	unsigned mt_of[PTK_MM_MAX_TYPES];	/* list -> model migratetype */
	struct ptk_alloc_seeding *out;
};

/* The model numbers migratetypes as 6.1 with CMA; a dump without CMA has
 * Isolate where the model has CMA: match them by name. */
static void map_types(struct seeding *sd, const struct ptk_freelists *f)
{
	for (unsigned t = 0; t < f->ntypes; t++) {
		sd->mt_of[t] = PTK_MIGRATE_UNKNOWN;
		for (unsigned mt = 0; mt < PTK_MIGRATE_TYPES; mt++)
			if (!strcmp(f->type_names[t], ptk_migratetype_name(mt)))
				sd->mt_of[t] = mt;
	}
}

static enum ptk_status seed_block(const struct ptk_zone_free *zone,
				  unsigned order, unsigned type, uint64_t pfn,
				  void *priv)
{
	struct seeding *sd = priv;

	(void)zone;
	if (ptk_alloc_seed_free(sd->model, pfn, order,
				type < PTK_MM_MAX_TYPES ? sd->mt_of[type]
						        : PTK_MIGRATE_UNKNOWN))
		return PTK_OK;	/* a block beyond the model: not ours */
	sd->out->free_blocks++;
	sd->out->free_pages += UINT64_C(1) << order;
	return PTK_OK;
}

static enum ptk_status seed_page(uint64_t pfn, const struct ptk_page_info *pi,
				 void *priv)
{
	struct seeding *sd = priv;

	if (pi->kind == PTK_PAGE_FREE || pi->kind == PTK_PAGE_NOMAP)
		return PTK_OK;
	if (ptk_alloc_seed_page(sd->model, pfn, pi->kind == PTK_PAGE_UNREF))
		return PTK_OK;
	if (pi->kind == PTK_PAGE_UNREF)
		sd->out->pcp++;
	else
		sd->out->in_use++;
	return PTK_OK;
}

/* A pageblock no free block typed: the kernel's own flags say. */
static enum ptk_status seed_pageblock(uint64_t pfn, unsigned migratetype,
				      void *priv)
{
	struct seeding *sd = priv;

	if (migratetype >= PTK_MM_MAX_TYPES ||
	    sd->mt_of[migratetype] == PTK_MIGRATE_UNKNOWN ||
	    ptk_alloc_seed_pageblock(sd->model, pfn, sd->mt_of[migratetype]))
		return PTK_OK;	/* beyond the model, or a type it lacks */
	sd->out->pageblocks++;
	return PTK_OK;
}

/* Where the zones lie, as the free lists read them. */
static void keep_zones(const struct ptk_freelists *f,
		       struct ptk_alloc_seeding *out)
{
	out->nzones = 0;
	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];
		struct ptk_zone_span *zs = &out->zones[out->nzones];

		if (i >= PTK_SEED_ZONES || z->start_pfn < 0 || z->spanned < 0) {
			out->nzones = 0;
			return;
		}
		if (z->node)
			snprintf(zs->name, sizeof(zs->name), "%u/%s", z->node,
				 z->name);
		else
			snprintf(zs->name, sizeof(zs->name), "%s", z->name);
		zs->start = (uint64_t)z->start_pfn;
		zs->end = zs->start + (uint64_t)z->spanned;
		out->nzones++;
	}
}

enum ptk_status ptk_alloc_seed_dump(struct ptk_alloc *model,
				    struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_layout *layout,
				    const struct ptk_types *types,
				    struct ptk_alloc_seeding *ret)
{
	struct ptk_freelists f;
	struct seeding sd = { .model = model, .out = ret };
	enum ptk_status st;

	memset(ret, 0, sizeof(*ret));
	/* Types first, so the walk's callback can name them: read twice. */
	st = ptk_freelists_read(src, pg, layout, &f);
	if (st != PTK_OK)
		return st;
	map_types(&sd, &f);
	ptk_freelists_release(&f);
	st = ptk_freelists_walk(src, pg, layout, seed_block, &sd, &f);
	if (st != PTK_OK)
		return st;
	for (size_t i = 0; i < f.nzones; i++)
		ret->list_errors += f.zones[i].list_errors;
	keep_zones(&f, ret);
	ptk_freelists_release(&f);
	st = ptk_pages_walk(src, pg, layout, NULL, 0, 0, UINT64_MAX, seed_page,
			    &sd, NULL);
	if (st != PTK_OK)
		return st;
	/* after the free blocks, which say what their lists are; without
	 * the flags, the free lists typed some */
	if (ptk_pageblocks_walk(src, pg, types, seed_pageblock, &sd) != PTK_OK)
		ptk_ctx_clear_err(ptk_source_ctx(src));
	return PTK_OK;
}
