// SPDX-License-Identifier: MIT
/* Find the root table and paging mode from what a source says. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta-priv.h"
#include "ptkit/discover.h"
#include "ptkit/translate.h"

/* CR3 bits 12..51 hold the root; the rest are PCID, PWT/PCD, noflush. */
#define CR3_ADDR_MASK 0x000ffffffffff000ull

static enum ptk_status find_root(struct ptk_source *src, uint64_t *root,
				 char *why)
{
	static const char *const syms[] = { "init_top_pgt", "swapper_pg_dir" };
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_cpu_regs *cpus;
	const char *v;
	int64_t phys_base;
	size_t ncpus;

	v = ptk_source_meta(src, "PTKIT_ROOT");
	if (v) {
		if (!parse_u64(v, 0, root))
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "PTKIT_ROOT=%s is not a number", v);
		snprintf(why, PTK_ORIGIN_MAX, "PTKIT_ROOT in the image");
		return PTK_OK;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		char key[64];
		uint64_t sym;

		snprintf(key, sizeof(key), "SYMBOL(%s)", syms[i]);
		if (!parse_u64(ptk_source_meta(src, key), 16, &sym))
			continue;
		if (!parse_s64(ptk_source_meta(src, "NUMBER(phys_base)"),
			       &phys_base))
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "VMCOREINFO has %s but no usable "
					   "NUMBER(phys_base)", key);
		if (sym < PTK_START_KERNEL_MAP)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "VMCOREINFO %s=%" PRIx64
					   " is not in the kernel image", key,
					   sym);
		/* __phys_addr_symbol(): x - __START_KERNEL_map + phys_base */
		*root = sym - PTK_START_KERNEL_MAP + (uint64_t)phys_base;
		snprintf(why, PTK_ORIGIN_MAX,
			 "VMCOREINFO %s and NUMBER(phys_base)", key);
		return PTK_OK;
	}
	cpus = ptk_source_cpus(src, &ncpus);
	if (ncpus) {
		*root = cpus[0].cr3 & CR3_ADDR_MASK;
		snprintf(why, PTK_ORIGIN_MAX, "CR3 of CPU %u (%s)", cpus[0].cpu,
			 cpus[0].origin ? cpus[0].origin : "registers");
		return PTK_OK;
	}
	return ptk_set_err(ctx, PTK_ERR_NODATA,
			   "no root table: the source has no PTKIT_ROOT, no "
			   "VMCOREINFO SYMBOL(init_top_pgt) or "
			   "SYMBOL(swapper_pg_dir), and no CPU registers "
			   "(give one with --cr3)");
}

/* CR0.PG and CR4.PAE: a CPU whose CR4 says anything about paging */
#define CR0_PG  (1ULL << 31)
#define CR4_PAE (1ULL << 5)

/*
 * What the source says of the paging mode, strongest first.  A level
 * count from ptkit's own note is the image's definition; the kernel's
 * VMCOREINFO and a CPU's CR4 are statements that the tables can prove
 * wrong (see prove_levels()).  *@other is set to the first statement
 * after the one used that disagrees with it, or NULL.
 */
static enum ptk_status find_levels(struct ptk_source *src, unsigned *levels,
				   bool *definite, char *why,
				   char *other, size_t other_len)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_cpu_regs *cpus;
	const char *v;
	uint64_t n;
	size_t ncpus;
	bool found = false;

	*definite = false;
	other[0] = 0;
	v = ptk_source_meta(src, "PTKIT_LEVELS");
	if (v) {
		if (!parse_u64(v, 10, &n) || (n != 4 && n != 5))
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "PTKIT_LEVELS=%s is not 4 or 5", v);
		*levels = (unsigned)n;
		*definite = true;
		snprintf(why, PTK_ORIGIN_MAX, "PTKIT_LEVELS in the image");
		return PTK_OK;
	}
	v = ptk_source_meta(src, "NUMBER(pgtable_l5_enabled)");
	if (v) {
		if (!parse_u64(v, 10, &n) || n > 1)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "NUMBER(pgtable_l5_enabled)=%s is "
					   "not 0 or 1", v);
		*levels = n ? 5 : 4;
		snprintf(why, PTK_ORIGIN_MAX,
			 "VMCOREINFO NUMBER(pgtable_l5_enabled)=%s", v);
		found = true;
	}
	cpus = ptk_source_cpus(src, &ncpus);
	for (size_t i = 0; i < ncpus; i++) {
		unsigned says = cpus[i].cr4 & PTK_CR4_LA57 ? 5 : 4;

		if (!(cpus[i].cr0 & CR0_PG) || !(cpus[i].cr4 & CR4_PAE))
			continue;	/* not paging: says nothing */
		if (!found) {
			*levels = says;
			snprintf(why, PTK_ORIGIN_MAX, "CR4.LA57 of CPU %u",
				 cpus[i].cpu);
			found = true;
		} else if (says != *levels && !other[0]) {
			snprintf(other, other_len, "CR4.LA57 of CPU %u",
				 cpus[i].cpu);
		}
	}
	if (found)
		return PTK_OK;
	*levels = 4;
	snprintf(why, PTK_ORIGIN_MAX, "default: nothing in the source says");
	return PTK_OK;
}

/*
 * The kernel's top table maps itself: init_top_pgt (or swapper_pg_dir)
 * lies in the kernel image, so its virtual address translates to its
 * physical one through the right level count only.  Returns 4 or 5 when
 * exactly one count does, 0 when the source cannot tell.
 */
static unsigned prove_levels(struct ptk_source *src, uint64_t root,
			     char *sym, size_t sym_len)
{
	static const char *const syms[] = { "init_top_pgt", "swapper_pg_dir" };
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	int64_t phys_base;
	unsigned proven = 0;

	if (!parse_s64(ptk_source_meta(src, "NUMBER(phys_base)"), &phys_base))
		return 0;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		char key[64];
		uint64_t va;

		snprintf(key, sizeof(key), "SYMBOL(%s)", syms[i]);
		if (!parse_u64(ptk_source_meta(src, key), 16, &va) ||
		    va < PTK_START_KERNEL_MAP)
			continue;
		for (unsigned levels = 4; levels <= 5; levels++) {
			struct ptk_paging pg;
			struct ptk_xlat x;

			ptk_paging_init(&pg, root, levels);
			if (ptk_translate(src, &pg, va, &x) == PTK_OK &&
			    x.result == PTK_XLAT_MAPPED &&
			    x.pa == va - PTK_START_KERNEL_MAP +
				    (uint64_t)phys_base)
				proven = proven ? 0 : levels;
		}
		ptk_ctx_clear_err(ctx);
		snprintf(sym, sym_len, "%s", key);
		return proven;
	}
	return 0;
}

enum ptk_status ptk_paging_discover(struct ptk_source *src,
				    struct ptk_paging *pg,
				    struct ptk_discovery *why)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	enum ptk_status st;
	unsigned levels = 4;
	uint64_t root = 0, bits;
	char other[64], sym[64], stated[PTK_ORIGIN_MAX];
	bool definite;
	const char *v;

	ptk_ctx_clear_err(ctx);
	st = find_root(src, &root, why->root);
	if (st != PTK_OK)
		return st;
	st = find_levels(src, &levels, &definite, why->levels, other,
			 sizeof(other));
	if (st != PTK_OK)
		return st;
	if (!definite) {
		unsigned proven = prove_levels(src, root, sym, sizeof(sym));

		if (proven && proven != levels) {
			snprintf(stated, sizeof(stated), "%s", why->levels);
			snprintf(why->levels, PTK_ORIGIN_MAX, "the tables: "
				 "VMCOREINFO %s maps itself only so (%.100s "
				 "contradicts, not used)", sym, stated);
			levels = proven;
		} else if (other[0]) {
			size_t n = strlen(why->levels);

			if (proven)
				snprintf(why->levels + n, PTK_ORIGIN_MAX - n,
					 ", as VMCOREINFO %s maps itself (%s "
					 "contradicts, not used)", sym, other);
			else
				snprintf(why->levels + n, PTK_ORIGIN_MAX - n,
					 " (%s contradicts, not used)", other);
		}
	}
	ptk_paging_init(pg, root, levels);
	v = ptk_source_meta(src, "PTKIT_PHYS_BITS");
	if (v) {
		if (!parse_u64(v, 10, &bits) || bits < 32 ||
		    bits > PTK_MAX_PHYS_BITS)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "PTKIT_PHYS_BITS=%s is not 32-52",
					   v);
		pg->phys_bits = (unsigned)bits;
	}
	return PTK_OK;
}
