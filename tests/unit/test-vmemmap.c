// SPDX-License-Identifier: MIT
/*
 * The vmemmap's shared pages: a 2 MiB HugeTLB folio whose struct pages
 * the kernel deduplicated as Linux 6.1 does (7 of its 8 vmemmap pages map
 * the first, read-only), read by ptk_vmemmap_scan() and ptk_pages_walk().
 */
#include "unit.h"

#define VMEMMAP UINT64_C(0xffffea0000000000)
#define MEMMAP  UINT64_C(0x4200000)	/* the struct pages, physical */
#define FOLIO   UINT64_C(0x800)		/* its head's page frame */
#define SP(pfn) (MEMMAP + (pfn) * 64)	/* where a struct page is */

static const char *const keys[][2] = {
	{ "SIZE(page)", "64" },
	{ "OFFSET(page.flags)", "0" },
	{ "OFFSET(page.compound_head)", "8" },
	{ "OFFSET(page.compound_dtor)", "16" },
	{ "OFFSET(page.mapping)", "24" },
	{ "OFFSET(page.private)", "40" },
	{ "OFFSET(page._mapcount)", "48" },
	{ "OFFSET(page._refcount)", "52" },
	{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "-129" },
	{ "NUMBER(PG_head_mask)", "65536" },
	{ "NUMBER(HUGETLB_PAGE_DTOR)", "2" },
};

struct kernel {
	struct fixture *f;
	struct ptk_layout layout;
};

static void set(struct kernel *k, uint64_t pa, uint64_t v)
{
	assert_int_equal(ptk_builder_set(k->f->b, pa, v), PTK_OK);
}

/*
 * 256 MiB of RAM; the first 2 MiB of the vmemmap in 4 KiB pages, the
 * folio's 7 tail vmemmap pages onto its first when @hvo, the second 2 MiB
 * as one page.  The folio is free: refcount 0.
 */
static struct kernel *kernel_new(bool hvo, bool with_keys)
{
	struct kernel *k = calloc(1, sizeof(*k));
	const uint64_t head_va = VMEMMAP + FOLIO * 64;

	assert_non_null(k);
	k->f = fixture_new(4);
	assert_int_equal(ptk_source_add_ram(k->f->src, 0, 256 * MiB), PTK_OK);
	for (uint64_t off = 0; off < 2 * MiB; off += 4 * KiB) {
		uint64_t va = VMEMMAP + off, pa = MEMMAP + off;
		bool alias = hvo && va > head_va && va < head_va + 8 * 4 * KiB;

		fixture_map(k->f, va, alias ? SP(FOLIO) : pa, 4 * KiB, 1,
			    alias ? PTK_F_NX : PTK_F_RW | PTK_F_NX);
	}
	fixture_map(k->f, VMEMMAP + 2 * MiB, MEMMAP + 2 * MiB, 2 * MiB, 2,
		    PTK_F_RW | PTK_F_NX);
	for (size_t i = 0; with_keys && i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(ptk_source_set_meta(k->f->src, keys[i][0],
						     keys[i][1]), PTK_OK);
	if (!with_keys)
		assert_int_equal(ptk_source_set_meta(k->f->src, "SIZE(page)",
						     "64"), PTK_OK);
	k->layout.vmemmap = VMEMMAP;
	set(k, SP(FOLIO), 0x10000);			/* PG_head */
	set(k, SP(FOLIO + 1) + 16, 2);			/* HUGETLB_PAGE_DTOR */
	for (uint64_t t = 1; t < 512; t++)		/* the tails */
		if (!hvo || t < 64)
			set(k, SP(FOLIO + t) + 8, head_va | 1);
	return k;
}

static void kernel_free(struct kernel *k)
{
	fixture_free(k->f);
	free(k);
}

static void aliases_make_a_folio(void **state)
{
	struct kernel *k = kernel_new(true, true);
	struct ptk_vmemmap *vm;
	const struct ptk_vmemmap_folio *f;

	(void)state;
	assert_int_equal(ptk_vmemmap_scan(k->f->src, &k->f->pg, &k->layout,
					  &vm), PTK_OK);
	assert_int_equal(vm->leaves[0], 512);
	assert_int_equal(vm->leaves[1], 1);
	assert_int_equal(vm->pte_tables, 1);
	assert_int_equal(vm->ram_pages, 65536);
	assert_int_equal(vm->unmapped_struct_pages, 0);
	assert_int_equal(vm->aliases, 7);
	assert_int_equal(vm->orphans, 0);
	assert_int_equal(vm->nfolios, 1);
	f = &vm->folios[0];
	assert_int_equal(f->pfn, FOLIO);
	assert_int_equal(f->order, 9);	/* from the aliases: no compound_order */
	assert_int_equal(f->va, VMEMMAP + FOLIO * 64);
	assert_int_equal(f->vmemmap_pages, 8);
	assert_int_equal(f->shared, 7);
	assert_int_equal(f->saved, 7);
	assert_int_equal(f->frame, SP(FOLIO));
	assert_int_equal(f->frames, 1);
	assert_int_equal(f->problems, 0);
	ptk_vmemmap_free(vm);
	kernel_free(k);
}

struct census {
	uint64_t hugetlb, heads, fake_heads, free;
};

static enum ptk_status count(uint64_t pfn, const struct ptk_page_info *pi,
			     void *priv)
{
	struct census *c = priv;

	(void)pfn;
	c->hugetlb += pi->kind == PTK_PAGE_HUGETLB;
	c->heads += pi->compound == 'h';
	c->fake_heads += pi->fake_head;
	c->free += pi->hugetlb_free;
	return PTK_OK;
}

/* With HVO or without, the folio's 512 pages are hugetlb and one head. */
static void fake_heads_are_tails(void **state)
{
	for (int hvo = 0; hvo < 2; hvo++) {
		struct kernel *k = kernel_new(hvo, true);
		struct census c = { 0 };
		struct ptk_pages_keys missing;

		(void)state;
		assert_int_equal(ptk_pages_walk(k->f->src, &k->f->pg,
						&k->layout, NULL, 0, FOLIO,
						FOLIO + 512, count, &c,
						&missing), PTK_OK);
		assert_false(missing.hugetlb);
		assert_int_equal(c.hugetlb, 512);
		assert_int_equal(c.free, 512);
		assert_int_equal(c.heads, 1);
		assert_int_equal(c.fake_heads, hvo ? 7 : 0);
		kernel_free(k);
	}
}

/* Aliases onto a page of struct pages that names no head. */
static void alias_without_head_is_an_orphan(void **state)
{
	struct kernel *k = kernel_new(true, true);
	struct ptk_vmemmap *vm;

	(void)state;
	set(k, SP(FOLIO), 0);
	for (uint64_t t = 1; t < 64; t++)
		set(k, SP(FOLIO + t) + 8, 0);
	assert_int_equal(ptk_vmemmap_scan(k->f->src, &k->f->pg, &k->layout,
					  &vm), PTK_OK);
	assert_int_equal(vm->aliases, 7);
	assert_int_equal(vm->orphans, 7);
	assert_int_equal(vm->nfolios, 0);
	ptk_vmemmap_free(vm);
	kernel_free(k);
}

/* Without the struct page keys the mapping is still told; with aliases,
 * the first key missing is named. */
static void keys_only_where_needed(void **state)
{
	struct kernel *k = kernel_new(false, false);
	struct ptk_vmemmap *vm;

	(void)state;
	assert_int_equal(ptk_vmemmap_scan(k->f->src, &k->f->pg, &k->layout,
					  &vm), PTK_OK);
	assert_int_equal(vm->aliases, 0);
	assert_int_equal(vm->leaves[0], 512);
	ptk_vmemmap_free(vm);
	kernel_free(k);
	k = kernel_new(true, false);
	assert_int_equal(ptk_vmemmap_scan(k->f->src, &k->f->pg, &k->layout,
					  &vm), PTK_ERR_NODATA);
	assert_null(vm);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "OFFSET(page.flags)"));
	kernel_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aliases_make_a_folio),
		cmocka_unit_test(fake_heads_are_tails),
		cmocka_unit_test(alias_without_head_is_an_orphan),
		cmocka_unit_test(keys_only_where_needed),
	};

	return RUN(tests);
}
