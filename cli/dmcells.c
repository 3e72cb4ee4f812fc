// SPDX-License-Identifier: MIT
/* The direct map in 2 MiB pieces; see dmcells.h. */
#include "dmcells.h"

static const char *const names[P_N] = {
	[P_UNKNOWN] = "",
	[P_NOTRAM] = "not RAM",
	[P_1G] = "1G pages",
	[P_2M] = "2M pages",
	[P_4K] = "split to 4K",
	[P_PARTLY] = "partly unmapped",
	[P_HOLE] = "unmapped",
	[P_BAD] = "unreadable",
};

const char *dm_piece_name(enum dm_piece p)
{
	return (unsigned)p < P_N ? names[p] : "?";
}

bool dm_is_ram(struct ptk_source *src, uint64_t pa, uint64_t end)
{
	size_t n;
	const struct ptk_range *ram = ptk_source_ram(src, &n);

	for (size_t i = 0; i < n; i++)
		if (ram[i].start < end && ram[i].end > pa)
			return true;
	return false;
}

static enum dm_piece pte_table(struct ptk_source *src, uint64_t table_pa)
{
	uint64_t buf[512];
	const uint64_t *raw;
	unsigned present = 0;

	/* in place where the source maps it: no copy of 4K per piece */
	if (ptk_source_table(src, table_pa, buf, &raw) != PTK_OK) {
		ptk_ctx_clear_err(ptk_source_ctx(src));
		return P_BAD;
	}
	for (unsigned i = 0; i < 512; i++)
		present += (unsigned)(raw[i] & 1);
	return present == 512 ? P_4K : present ? P_PARTLY : P_HOLE;
}

void dm_class_gib(struct ptk_source *src, const struct ptk_paging *pg,
		  uint64_t base, uint64_t gib, unsigned char out[512])
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	uint64_t pa = gib << 30, pmd[512];
	enum dm_piece all = P_UNKNOWN;
	struct ptk_xlat x;
	unsigned steps;

	if (ptk_translate(src, pg, base + pa, &x) != PTK_OK) {
		ptk_ctx_clear_err(ctx);
		all = P_BAD;
	} else if (x.level >= 3) {
		all = x.result == PTK_XLAT_MAPPED ? P_1G : P_HOLE;
	} else {
		for (steps = 0; steps < x.nsteps && x.path[steps].level != 2;)
			steps++;
		if (steps == x.nsteps ||
		    ptk_source_read(src, x.path[steps].table_pa, pmd,
				    sizeof(pmd)) != PTK_OK) {
			ptk_ctx_clear_err(ctx);
			all = P_BAD;
		}
	}
	for (unsigned j = 0; j < 512; j++) {
		uint64_t p = pa + ((uint64_t)j << DM_PIECE_SHIFT);
		struct ptk_entry e;
		enum dm_piece k = all;

		if (!dm_is_ram(src, p, p + (UINT64_C(1) << DM_PIECE_SHIFT))) {
			out[j] = P_NOTRAM;
			continue;
		}
		if (k == P_UNKNOWN) {
			ptk_entry_decode(pg, 2, pmd[j], &e);
			k = e.kind == PTK_KIND_NONE ? P_HOLE :
			    e.reserved ? P_BAD :
			    e.kind == PTK_KIND_LEAF ? P_2M : pte_table(src, e.addr);
		}
		out[j] = (unsigned char)k;
	}
}
