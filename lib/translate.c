// SPDX-License-Identifier: MIT
/* Reading through translations, and translating in sorted batches. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/translate.h"
#include "entry-priv.h"

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

struct keyed {
	uint64_t va;
	size_t idx;
};

/*
 * LSD radix sort by the page number, bits 12-59, 12 bits a pass; a pass
 * whose digit is the same for all (the high bits, usually) is skipped.
 * The order only has to group addresses that share tables.
 */
static int sort_by_va(struct keyed *a, size_t n)
{
	struct keyed *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t *count = malloc(4097 * sizeof(*count));

	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -1;
	}
	for (unsigned shift = PTK_PAGE_SHIFT; shift < 60; shift += 12) {
		memset(count, 0, 4097 * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[((a[i].va >> shift) & 0xfff) + 1]++;
		if (n && count[((a[0].va >> shift) & 0xfff) + 1] == n)
			continue;
		for (size_t d = 1; d <= 4096; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i].va >> shift) & 0xfff]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
	free(tmp);
	free(count);
	return 0;
}

enum ptk_status ptk_translate_batch(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const uint64_t *va, size_t n,
				    struct ptk_xlat_brief *out)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	/* The table in use at each level, the addresses it covers, the
	 * effective flags above it, and buffers for sources that copy. */
	const uint64_t *table[PTK_MAX_LEVELS + 1] = { 0 };
	uint64_t prefix[PTK_MAX_LEVELS + 1];
	unsigned eff_above[PTK_MAX_LEVELS + 1];
	uint64_t (*buf)[PTK_ENTRIES];
	struct keyed *k;
	enum ptk_status st;

	if (pg->user_root) {
		/* two top tables (PTI): each address with its own */
		for (size_t i = 0; i < n; i++) {
			struct ptk_xlat x;
			enum ptk_status one = ptk_translate(src, pg, va[i], &x);

			if (one == PTK_ERR_NOMEM)
				return one;
			out[i] = (struct ptk_xlat_brief){
				.pa = one == PTK_OK ? x.pa : 0,
				.result = one == PTK_OK ? (uint8_t)x.result
							: PTK_XLAT_BAD,
				.level = one == PTK_OK ? (uint8_t)x.level : 0,
				.eff = one == PTK_OK ? (uint16_t)x.eff : 0,
			};
			ptk_ctx_clear_err(ctx);
		}
		return PTK_OK;
	}
	ptk_ctx_clear_err(ctx);
	if (pg->levels != 4 && pg->levels != 5)
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "%u-level paging is not x86-64", pg->levels);
	k = malloc((n ? n : 1) * sizeof(*k));
	buf = malloc((PTK_MAX_LEVELS + 1) * sizeof(*buf));
	if (!k || !buf) {
		free(k);
		free(buf);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "batch of %zu", n);
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){ va[i], i };
	if (sort_by_va(k, n)) {
		free(k);
		free(buf);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "batch of %zu", n);
	}
	st = ptk_source_table(src, pg->root, buf[pg->levels], &table[pg->levels]);
	if (st != PTK_OK) {
		free(k);
		free(buf);
		return ptk_set_err(ctx, st, "root table at %#" PRIx64, pg->root);
	}
	eff_above[pg->levels] = PTK_EFF_ROOT;
	for (unsigned l = 1; l < pg->levels; l++)
		prefix[l] = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		struct ptk_xlat_brief *o = &out[k[i].idx];
		uint64_t v = k[i].va;
		unsigned level = 1;

		o->pa = 0;
		o->eff = 0;
		if (!ptk_va_canonical(pg, v)) {
			o->result = PTK_XLAT_NONCANONICAL;
			o->level = 0;
			continue;
		}
		/* The lowest level whose table covers v is where to start. */
		while (level < pg->levels &&
		       (!table[level] ||
			prefix[level] != v >> ptk_level_shift(level + 1)))
			level++;
		for (;; level--) {
			uint64_t raw = table[level][ptk_va_index(v, level)];
			struct ptk_entry d;
			unsigned eff;

			entry_decode(pg, level, raw, &d);
			o->level = (uint8_t)level;
			if (d.kind == PTK_KIND_NONE) {
				o->result = PTK_XLAT_NOT_PRESENT;
				break;
			}
			if (d.reserved) {
				o->result = PTK_XLAT_BAD;
				break;
			}
			eff = ptk_eff_combine(eff_above[level], d.flags);
			if (d.kind == PTK_KIND_LEAF) {
				o->result = PTK_XLAT_MAPPED;
				o->pa = d.addr + (v & (ptk_level_size(level) - 1));
				o->eff = (uint16_t)eff;
				break;
			}
			if (ptk_source_table(src, d.addr, buf[level - 1],
					     &table[level - 1]) != PTK_OK) {
				table[level - 1] = NULL;
				ptk_ctx_clear_err(ctx);
				o->result = PTK_XLAT_BAD;
				break;
			}
			prefix[level - 1] = v >> ptk_level_shift(level);
			eff_above[level - 1] = eff;
			/* Lower tables belonged to another address. */
			for (unsigned l = 1; l < level - 1; l++)
				table[l] = NULL;
		}
	}
	free(k);
	free(buf);
	return PTK_OK;
}
