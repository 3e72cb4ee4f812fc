// SPDX-License-Identifier: MIT
/* The buddy free lists of a Linux dump, from VMCOREINFO; see mm.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta-priv.h"
#include "mm-priv.h"
#include "ptkit/mm.h"
#include "ptkit/translate.h"

static const char *const zone_names[] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

struct keys {
	uint64_t node_data, node_data_len, zone_size, node_zones, nr_zones;
	uint64_t free_area, free_area_size, norders, free_list, ntypes;
	uint64_t list_next, page_lru, page_size;
	bool has_vm_stat, has_spanned;
	uint64_t vm_stat, nr_free_pages, spanned;
};

bool mm_key(struct ptk_source *src, const char *name, int base, uint64_t *ret,
	    const char **missing)
{
	if (base == 16 ? meta_hex(src, name, ret) : meta_num(src, name, ret))
		return true;
	if (!*missing)
		*missing = name;
	return false;
}

static enum ptk_status read_keys(struct ptk_source *src, struct keys *k)
{
	const char *missing = NULL;

	mm_key(src, "SYMBOL(node_data)", 16, &k->node_data, &missing);
	mm_key(src, "LENGTH(node_data)", 10, &k->node_data_len, &missing);
	mm_key(src, "SIZE(zone)", 10, &k->zone_size, &missing);
	mm_key(src, "OFFSET(pglist_data.node_zones)", 10, &k->node_zones, &missing);
	mm_key(src, "OFFSET(pglist_data.nr_zones)", 10, &k->nr_zones, &missing);
	mm_key(src, "OFFSET(zone.free_area)", 10, &k->free_area, &missing);
	mm_key(src, "SIZE(free_area)", 10, &k->free_area_size, &missing);
	mm_key(src, "LENGTH(zone.free_area)", 10, &k->norders, &missing);
	mm_key(src, "OFFSET(free_area.free_list)", 10, &k->free_list, &missing);
	mm_key(src, "LENGTH(free_area.free_list)", 10, &k->ntypes, &missing);
	mm_key(src, "OFFSET(list_head.next)", 10, &k->list_next, &missing);
	mm_key(src, "OFFSET(page.lru)", 10, &k->page_lru, &missing);
	mm_key(src, "SIZE(page)", 10, &k->page_size, &missing);
	if (missing)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NODATA,
				   "VMCOREINFO has no %s, needed to walk the "
				   "free lists", missing);
	missing = NULL;
	k->has_vm_stat = mm_key(src, "OFFSET(zone.vm_stat)", 10, &k->vm_stat,
			     &missing) &&
			 mm_key(src, "NUMBER(NR_FREE_PAGES)", 10, &k->nr_free_pages,
			     &missing);
	missing = NULL;
	k->has_spanned = mm_key(src, "OFFSET(zone.spanned_pages)", 10,
			     &k->spanned, &missing);
	if (!k->norders || k->norders > PTK_MM_MAX_ORDERS || !k->ntypes ||
	    k->ntypes > PTK_MM_MAX_TYPES || !k->zone_size || !k->page_size ||
	    k->node_data_len > 1 << 16)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_CORRUPT,
				   "VMCOREINFO gives impossible free-list "
				   "sizes");
	return PTK_OK;
}

static bool read64(struct ptk_source *src, const struct ptk_paging *pg,
		   uint64_t va, uint64_t *ret)
{
	return ptk_read_virt(src, pg, va, ret, sizeof(*ret)) == PTK_OK;
}

struct list_walk {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	const struct keys *k;
	uint64_t vmemmap;	/* 0: unknown, elements are not checked */
	uint64_t max_pfn;	/* one past the highest RAM page */
	ptk_free_block_fn fn;
	void *priv;
};

/*
 * The distinct elements of a list that loops with period @lam: those before
 * the loop and the @lam in it.  Reads cannot fail the second time; if they
 * do, @seen, the elements visited, is the answer.
 */
static uint64_t loop_elements(const struct list_walk *w, uint64_t head,
			      uint64_t lam, uint64_t seen)
{
	uint64_t a = head, b = head, mu = 0;

	for (uint64_t i = 0; i < lam; i++)
		if (!read64(w->src, w->pg, b + w->k->list_next, &b))
			return seen;
	while (a != b && mu <= w->max_pfn) {
		if (!read64(w->src, w->pg, a + w->k->list_next, &a) ||
		    !read64(w->src, w->pg, b + w->k->list_next, &b))
			return seen;
		mu++;
	}
	/* head is element 0 and not in the loop (the list would end) */
	return mu - 1 + lam;
}

/*
 * Count one list, handing each block to w->fn; a list that goes astray is
 * an error in @err, not a hang.  Loops are found with Brent's algorithm,
 * so a list that loops back into itself counts its distinct elements, once
 * (w->fn may have seen some twice by then).  Only w->fn's own status stops
 * the walk.
 */
static enum ptk_status walk_list(const struct list_walk *w,
				 const struct ptk_zone_free *zf, unsigned order,
				 unsigned type, uint64_t head, uint64_t *count,
				 char *err, size_t errlen)
{
	const struct keys *k = w->k;
	uint64_t node = head, tortoise = head, power = 1, lam = 0;

	*count = 0;
	for (;;) {
		uint64_t next, page, pfn;

		if (!read64(w->src, w->pg, node + k->list_next, &next)) {
			snprintf(err, errlen, "list at %#" PRIx64 ": %s", head,
				 ptk_ctx_err(ptk_source_ctx(w->src)));
			return PTK_OK;
		}
		if (next == head)
			return PTK_OK;
		page = next - k->page_lru;
		pfn = (page - w->vmemmap) / k->page_size;
		if (w->vmemmap && (page < w->vmemmap ||
				   (page - w->vmemmap) % k->page_size ||
				   pfn >= w->max_pfn)) {
			snprintf(err, errlen, "list at %#" PRIx64 ": element %#"
				 PRIx64 " is not a struct page of RAM", head,
				 next);
			return PTK_OK;
		}
		if (++lam, next == tortoise) {
			*count = loop_elements(w, head, lam, *count);
			snprintf(err, errlen, "list at %#" PRIx64 " loops: "
				 "element %#" PRIx64 " comes back after %"
				 PRIu64, head, next, lam);
			return PTK_OK;
		}
		if (lam == power) {
			tortoise = next;
			power *= 2;
			lam = 0;
		}
		if (*count > w->max_pfn) {	/* cannot be: a backstop */
			snprintf(err, errlen, "list at %#" PRIx64 " is longer "
				 "than RAM", head);
			return PTK_OK;
		}
		++*count;
		if (w->fn) {
			enum ptk_status st = w->fn(zf, order, type, pfn, w->priv);

			if (st != PTK_OK)
				return st;
		}
		node = next;
	}
}

uint64_t mm_max_pfn(struct ptk_source *src)
{
	return (ptk_source_ram_end(src) + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT;
}

enum ptk_status ptk_freelists_walk(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_layout *layout,
				   ptk_free_block_fn fn, void *priv,
				   struct ptk_freelists *ret)
{
	static const char *const types4[] = { "Unmovable", "Movable",
					      "Reclaimable", "HighAtomic",
					      "CMA", "Isolate" };
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct list_walk w = {
		.src = src, .pg = pg, .vmemmap = layout->vmemmap,
		.max_pfn = mm_max_pfn(src), .fn = fn, .priv = priv,
	};
	struct ptk_freelists f;
	enum ptk_status st;
	struct keys k;

	ptk_ctx_clear_err(ctx);
	memset(&f, 0, sizeof(f));
	st = read_keys(src, &k);
	if (st != PTK_OK)
		return st;
	w.k = &k;
	if (fn && !w.vmemmap)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "the vmemmap base is "
				   "not known, so free pages have no PFN");
	f.norders = (unsigned)k.norders;
	f.ntypes = (unsigned)k.ntypes;
	for (unsigned t = 0; t < f.ntypes; t++)
		f.type_names[t] = t < 4 ? types4[t]
			: f.ntypes == 5 ? "Isolate" : types4[t];
	for (uint64_t node = 0; node < k.node_data_len; node++) {
		uint64_t pgdat;
		uint32_t nr_zones;

		if (!read64(src, pg, k.node_data + node * 8, &pgdat)) {
			ptk_freelists_release(&f);
			return ptk_set_err(ctx, PTK_ERR_NODATA,
					   "node_data[%" PRIu64 "]", node);
		}
		if (!pgdat)
			continue;
		if (ptk_read_virt(src, pg, pgdat + k.nr_zones, &nr_zones,
				  sizeof(nr_zones)) != PTK_OK || nr_zones > 8) {
			ptk_freelists_release(&f);
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "node %" PRIu64 ": no usable nr_zones",
					   node);
		}
		for (unsigned z = 0; z < nr_zones; z++) {
			uint64_t zone = pgdat + k.node_zones + z * k.zone_size;
			struct ptk_zone_free *zf, *p;
			uint64_t nr, spanned = 0;

			if (k.has_spanned) {
				if (!read64(src, pg, zone + k.spanned, &spanned)) {
					ptk_freelists_release(&f);
					return ptk_set_err(ctx, PTK_ERR_NODATA,
						"node %" PRIu64 " zone %u: "
						"spanned_pages unreadable", node, z);
				}
				if (!spanned)
					continue;
			}
			p = realloc(f.zones, (f.nzones + 1) * sizeof(*p));
			if (!p) {
				ptk_freelists_release(&f);
				return ptk_set_err(ctx, PTK_ERR_NOMEM, "zones");
			}
			f.zones = p;
			zf = &f.zones[f.nzones++];
			memset(zf, 0, sizeof(*zf));
			zf->node = (unsigned)node;
			zf->zone = z;
			zf->name = z < 5 ? zone_names[z] : "?";
			zf->nr_free = -1;
			zf->spanned = k.has_spanned ? (int64_t)spanned : -1;
			zf->start_pfn = -1;
			/* zone_start_pfn, managed_pages, spanned_pages */
			if (k.has_spanned && k.spanned >= 16 &&
			    read64(src, pg, zone + k.spanned - 16, &nr) &&
			    nr < (UINT64_C(1) << 40))
				zf->start_pfn = (int64_t)nr;
			if (k.has_vm_stat &&
			    read64(src, pg, zone + k.vm_stat + k.nr_free_pages * 8,
				   &nr))
				zf->nr_free = (int64_t)nr;
			for (unsigned o = 0; o < f.norders; o++) {
				for (unsigned t = 0; t < f.ntypes; t++) {
					uint64_t head = zone + k.free_area +
							o * k.free_area_size +
							k.free_list + t * 16;
					char err[160] = "";

					st = walk_list(&w, zf, o, t, head,
						       &zf->blocks[o][t], err,
						       sizeof(err));
					if (st != PTK_OK) {
						ptk_freelists_release(&f);
						return st;
					}
					if (err[0] && !zf->list_errors++)
						snprintf(zf->first_error,
							 sizeof(zf->first_error),
							 "%s", err);
				}
			}
		}
	}
	ptk_ctx_clear_err(ctx);
	*ret = f;
	return PTK_OK;
}

enum ptk_status ptk_freelists_read(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_layout *layout,
				   struct ptk_freelists *ret)
{
	return ptk_freelists_walk(src, pg, layout, NULL, NULL, ret);
}

void ptk_freelists_release(struct ptk_freelists *f)
{
	free(f->zones);
	memset(f, 0, sizeof(*f));
}
