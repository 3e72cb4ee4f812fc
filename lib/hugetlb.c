// SPDX-License-Identifier: MIT
/* The HugeTLB pools, from struct hstate; see hugetlb.h. */
#include <stdlib.h>

#include "kread-priv.h"
#include "ptkit/hugetlb.h"

enum ptk_status ptk_hugetlb_pools(struct ptk_source *src,
				  const struct ptk_paging *kpg,
				  const struct ptk_symbols *syms,
				  const struct ptk_types *types,
				  struct ptk_hstate out[PTK_MAX_HSTATES],
				  size_t *n)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_symbol *arr = ptk_symbols_find(syms, "hstates");
	const struct ptk_symbol *max = ptk_symbols_find(syms,
							"hugetlb_max_hstate");
	struct ptk_member order, total, nfree, resv, surplus;
	uint64_t size;
	int32_t count;
	unsigned char *buf;
	enum ptk_status st;

	*n = 0;
	if (!arr || !max)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "no hstates among the "
				   "kernel's symbols (no CONFIG_HUGETLB_PAGE)");
	if ((st = ptk_types_size(types, "hstate", &size)) ||
	    (st = ptk_types_member(types, "hstate", "order", &order)) ||
	    (st = ptk_types_member(types, "hstate", "nr_huge_pages", &total)) ||
	    (st = ptk_types_member(types, "hstate", "free_huge_pages", &nfree)) ||
	    (st = ptk_types_member(types, "hstate", "resv_huge_pages", &resv)) ||
	    (st = ptk_types_member(types, "hstate", "surplus_huge_pages",
				   &surplus)))
		return st;
	if ((st = kread(src, kpg, max->addr, &count, sizeof(count),
			"hugetlb_max_hstate")))
		return st;
	if (count < 0 || count > PTK_MAX_HSTATES || !size || size > 1 << 20)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT, "hugetlb_max_hstate "
				   "%d or struct hstate of %" PRIu64 " bytes: "
				   "no kernel has that", count, size);
	buf = malloc(size);
	if (!buf)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "hstate");
	for (int i = 0; i < count; i++) {
		struct ptk_hstate *h = &out[i];

		st = kread(src, kpg, arr->addr + (uint64_t)i * size, buf, size,
			   "hstates[]");
		if (st != PTK_OK)
			break;
		h->order = (unsigned)member_value(buf, &order);
		h->total = member_value(buf, &total);
		h->free = member_value(buf, &nfree);
		h->resv = member_value(buf, &resv);
		h->surplus = member_value(buf, &surplus);
		if (h->order > 30 || h->free > h->total) {
			st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "hstates[%d]: "
					 "order %u, %" PRIu64 " of %" PRIu64
					 " pages free: no kernel has that", i,
					 h->order, h->free, h->total);
			break;
		}
		*n = (size_t)i + 1;
	}
	free(buf);
	if (st != PTK_OK)
		*n = 0;
	return st;
}
