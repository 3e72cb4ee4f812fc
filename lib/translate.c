// SPDX-License-Identifier: MIT
/* Translate one address, keeping the path the MMU takes. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "ptkit/translate.h"

enum ptk_status ptk_translate(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t va,
			      struct ptk_xlat *ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	uint64_t buf[PTK_ENTRIES];
	struct ptk_xlat x;
	uint64_t table_pa = pg->root;
	unsigned eff = PTK_EFF_ROOT;

	ptk_ctx_clear_err(ctx);
	/* Not memset: this is the hot path of batch translation. */
	x.va = va;
	x.pa = 0;
	x.level = 0;
	x.eff = 0;
	x.pkey = 0;
	x.nsteps = 0;
	if (pg->levels != 4 && pg->levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", pg->levels);
	if (!ptk_va_canonical(pg, va)) {
		x.result = PTK_XLAT_NONCANONICAL;
		memcpy(ret, &x, offsetof(struct ptk_xlat, path));
		return PTK_OK;
	}

	for (unsigned level = pg->levels; level >= 1; level--) {
		struct ptk_xlat_step *step = &x.path[x.nsteps++];
		const uint64_t *table;
		struct ptk_entry d;
		enum ptk_status st;

		st = ptk_source_table(src, table_pa, buf, &table);
		if (st != PTK_OK) {
			ptk_ctx_set_err_loc(ctx, va, level, table_pa);
			return ptk_set_err(ctx, st, "%s table at %#" PRIx64,
					   ptk_level_name(pg, level), table_pa);
		}
		step->level = level;
		step->index = ptk_va_index(va, level);
		step->table_pa = table_pa;
		step->raw = table[step->index];
		ptk_entry_decode(pg, level, step->raw, &d);
		x.level = level;
		if (d.kind == PTK_KIND_NONE) {
			x.result = PTK_XLAT_NOT_PRESENT;
			memcpy(ret, &x, offsetof(struct ptk_xlat, path) +
			       x.nsteps * sizeof(x.path[0]));
			return PTK_OK;
		}
		if (d.reserved) {
			uint64_t entry_pa = table_pa + step->index * 8;

			ptk_ctx_set_err_loc(ctx, va, level, entry_pa);
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "%s[%u] = %#" PRIx64 " at %#" PRIx64
					   ": reserved bits %#" PRIx64 " set",
					   ptk_level_name(pg, level),
					   step->index, step->raw, entry_pa,
					   d.reserved);
		}
		eff = ptk_eff_combine(eff, d.flags);
		if (d.kind == PTK_KIND_LEAF) {
			x.result = PTK_XLAT_MAPPED;
			x.pa = d.addr + (va & (ptk_level_size(level) - 1));
			x.eff = eff;
			x.pkey = d.pkey;
			memcpy(ret, &x, offsetof(struct ptk_xlat, path) +
			       x.nsteps * sizeof(x.path[0]));
			return PTK_OK;
		}
		/* The MMU would follow a loop; ptkit calls it corrupt, as the
		 * walker does.  (It could not hang: at most 5 steps.) */
		for (unsigned i = 0; i < x.nsteps; i++) {
			if (x.path[i].table_pa != d.addr)
				continue;
			ptk_ctx_set_err_loc(ctx, va, level,
					    table_pa + step->index * 8);
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "%s[%u] = %#" PRIx64 " points to the "
					   "%s table at %#" PRIx64 " above it "
					   "(a table loop)",
					   ptk_level_name(pg, level),
					   step->index, step->raw,
					   ptk_level_name(pg, x.path[i].level),
					   d.addr);
		}
		table_pa = d.addr;
	}
	return ptk_set_err(ctx, PTK_ERR_CORRUPT, "walk did not end");
}

enum ptk_status ptk_read_virt(struct ptk_source *src,
			      const struct ptk_paging *pg, uint64_t va,
			      void *buf, size_t len)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	unsigned char *out = buf;

	while (len) {
		size_t n = PTK_PAGE_SIZE - (va & (PTK_PAGE_SIZE - 1));
		struct ptk_xlat x;
		enum ptk_status st;

		if (n > len)
			n = len;
		st = ptk_translate(src, pg, va, &x);
		if (st != PTK_OK)
			return st;
		if (x.result != PTK_XLAT_MAPPED)
			return ptk_set_err(ctx, PTK_ERR_NODATA,
					   "%#" PRIx64 " is not mapped (%s)", va,
					   x.result == PTK_XLAT_NONCANONICAL
						   ? "not canonical"
						   : ptk_level_name(pg, x.level));
		st = ptk_source_read(src, x.pa, out, n);
		if (st != PTK_OK)
			return ptk_set_err(ctx, st, "%#" PRIx64, va);
		out += n;
		va += n;
		len -= n;
	}
	return PTK_OK;
}
