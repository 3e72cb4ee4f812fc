// SPDX-License-Identifier: MIT
/*
 * Free lists: a synthetic kernel with one node and two zones, laid out as
 * Debian 6.1's VMCOREINFO says, and lists that go wrong in every way a
 * corrupted dump can make them.
 */
#include <stdio.h>

#include "unit.h"

#define PAGE_OFFSET UINT64_C(0xffff888000000000)
#define VMEMMAP     UINT64_C(0xffffea0000000000)
#define NODE_DATA   UINT64_C(0x4000000)	/* physical; above the table pool */
#define PGDAT       UINT64_C(0x4010000)
#define MEMMAP      UINT64_C(0x4200000)	/* the struct pages, 2M-aligned */
#define SIZE_ZONE   1536
#define FREE_AREA   256
#define SIZE_FA     88
#define NR_ZONES_AT (8 * SIZE_ZONE)
#define SPANNED     144
#define VM_STAT     1344
#define LRU         8

static const char *const keys[][2] = {
	{ "SYMBOL(node_data)", "ffff888004000000" },
	{ "LENGTH(node_data)", "4" },
	{ "SIZE(zone)", "1536" },
	{ "OFFSET(pglist_data.node_zones)", "0" },
	{ "OFFSET(pglist_data.nr_zones)", "12288" },
	{ "OFFSET(zone.free_area)", "256" },
	{ "SIZE(free_area)", "88" },
	{ "LENGTH(zone.free_area)", "11" },
	{ "OFFSET(free_area.free_list)", "0" },
	{ "LENGTH(free_area.free_list)", "5" },
	{ "OFFSET(list_head.next)", "0" },
	{ "OFFSET(page.lru)", "8" },
	{ "SIZE(page)", "64" },
	{ "OFFSET(zone.vm_stat)", "1344" },
	{ "NUMBER(NR_FREE_PAGES)", "0" },
	{ "OFFSET(zone.spanned_pages)", "144" },
};

struct kernel {
	struct fixture *f;
	struct ptk_layout layout;
};

static uint64_t va(uint64_t pa) { return PAGE_OFFSET + pa; }

static uint64_t head(unsigned zone, unsigned order, unsigned type)
{
	return PGDAT + zone * SIZE_ZONE + FREE_AREA + order * SIZE_FA + type * 16;
}

static uint64_t lru_of(uint64_t pfn) { return VMEMMAP + pfn * 64 + LRU; }

static void set(struct kernel *k, uint64_t pa, uint64_t v)
{
	assert_int_equal(ptk_builder_set(k->f->b, pa, v), PTK_OK);
}

/* Zone 0 spans 4096 pages, with blocks of order 3 at PFNs 0x100 and 0x108
 * on the Movable list and NR_FREE_PAGES 16; zone 1 spans nothing. */
static struct kernel *kernel_new(void)
{
	struct kernel *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	k->f = fixture_new(4);
	assert_int_equal(ptk_source_add_ram(k->f->src, 0, 128 * MiB), PTK_OK);
	fixture_map(k->f, PAGE_OFFSET, 0, 128 * MiB, 2, PTK_F_RW | PTK_F_NX);
	fixture_map(k->f, VMEMMAP, MEMMAP, 2 * MiB, 2, PTK_F_RW | PTK_F_NX);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(ptk_source_set_meta(k->f->src, keys[i][0],
						     keys[i][1]), PTK_OK);
	k->layout.page_offset = PAGE_OFFSET;
	k->layout.vmemmap = VMEMMAP;
	set(k, NODE_DATA, va(PGDAT));
	for (unsigned n = 1; n < 4; n++)
		set(k, NODE_DATA + 8 * n, 0);
	set(k, PGDAT + NR_ZONES_AT, 2);
	set(k, PGDAT + SPANNED, 4096);
	set(k, PGDAT + SIZE_ZONE + SPANNED, 0);
	set(k, PGDAT + VM_STAT, 16);
	for (unsigned o = 0; o < 11; o++)
		for (unsigned t = 0; t < 5; t++)
			set(k, head(0, o, t), va(head(0, o, t)));
	/* head -> page 0x100 -> page 0x108 -> head */
	set(k, head(0, 3, 1), lru_of(0x100));
	set(k, MEMMAP + 0x100 * 64 + LRU, lru_of(0x108));
	set(k, MEMMAP + 0x108 * 64 + LRU, va(head(0, 3, 1)));
	return k;
}

static void kernel_free(struct kernel *k)
{
	fixture_free(k->f);
	free(k);
}

static void read_lists(struct kernel *k, struct ptk_freelists *fl)
{
	if (ptk_freelists_read(k->f->src, &k->f->pg, &k->layout, fl) != PTK_OK)
		fail_msg("%s", ptk_ctx_err(k->f->ctx));
	assert_int_equal(fl->nzones, 1);
	assert_int_equal(fl->norders, 11);
	assert_int_equal(fl->ntypes, 5);
}

static void counts_and_counter(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;
	uint64_t total = 0;

	(void)state;
	read_lists(k, &fl);
	assert_string_equal(fl.type_names[1], "Movable");
	assert_string_equal(fl.type_names[4], "Isolate");
	assert_string_equal(fl.zones[0].name, "DMA");
	assert_int_equal(fl.zones[0].blocks[3][1], 2);
	for (unsigned o = 0; o < 11; o++)
		for (unsigned t = 0; t < 5; t++)
			total += fl.zones[0].blocks[o][t] << o;
	assert_int_equal(total, 16);
	assert_int_equal(fl.zones[0].nr_free, 16);
	assert_int_equal(fl.zones[0].spanned, 4096);
	assert_int_equal(fl.zones[0].list_errors, 0);
	ptk_freelists_release(&fl);
	kernel_free(k);
}

static enum ptk_status collect(const struct ptk_zone_free *z, unsigned order,
			       unsigned type, uint64_t pfn, void *priv)
{
	char *out = priv;

	snprintf(out + strlen(out), 64, "%s/%u/%u/%#llx ", z->name, order, type,
		 (unsigned long long)pfn);
	return PTK_OK;
}

static void blocks_with_pfns(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;
	char out[256] = "";

	(void)state;
	assert_int_equal(ptk_freelists_walk(k->f->src, &k->f->pg, &k->layout,
					    collect, out, &fl), PTK_OK);
	assert_string_equal(out, "DMA/3/1/0x100 DMA/3/1/0x108 ");
	ptk_freelists_release(&fl);
	k->layout.vmemmap = 0;
	assert_int_equal(ptk_freelists_walk(k->f->src, &k->f->pg, &k->layout,
					    collect, out, &fl), PTK_ERR_NODATA);
	kernel_free(k);
}

static void loop_is_reported_not_followed(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;

	(void)state;
	/* page 0x108 points back to 0x100: the list never returns */
	set(k, MEMMAP + 0x108 * 64 + LRU, lru_of(0x100));
	read_lists(k, &fl);
	assert_int_equal(fl.zones[0].list_errors, 1);
	assert_non_null(strstr(fl.zones[0].first_error, "loops"));
	assert_int_equal(fl.zones[0].blocks[3][1], 2);
	ptk_freelists_release(&fl);
	kernel_free(k);
}

/* Brent's loop finding, for every tail and loop length up to 40: each
 * list counts its distinct elements. */
static void loops_count_distinct_elements(void **state)
{
	(void)state;
	for (unsigned tail = 0; tail < 40; tail += 3) {
		for (unsigned loop = 1; loop < 40; loop += 2) {
			struct kernel *k = kernel_new();
			unsigned n = tail + loop;
			struct ptk_freelists fl;

			set(k, head(0, 3, 1), lru_of(0x100));
			for (unsigned i = 0; i < n; i++) {
				unsigned to = i + 1 < n ? i + 1 : tail;

				set(k, MEMMAP + (0x100 + 8 * i) * 64 + LRU,
				    lru_of(0x100 + 8 * to));
			}
			read_lists(k, &fl);
			assert_int_equal(fl.zones[0].list_errors, 1);
			assert_int_equal(fl.zones[0].blocks[3][1], n);
			ptk_freelists_release(&fl);
			kernel_free(k);
		}
	}
}

static void stray_elements_are_reported(void **state)
{
	static const uint64_t bad[] = {
		VMEMMAP + 0x100 * 64 + 12,		/* inside a struct page */
		VMEMMAP - 4096,				/* below the vmemmap */
		VMEMMAP + (128 * MiB / 4096) * 64 + LRU,/* past RAM */
		0,					/* NULL */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kernel *k = kernel_new();
		struct ptk_freelists fl;

		set(k, MEMMAP + 0x100 * 64 + LRU, bad[i]);
		read_lists(k, &fl);
		assert_int_equal(fl.zones[0].list_errors, 1);
		assert_non_null(strstr(fl.zones[0].first_error,
				       "is not a struct page of RAM"));
		assert_int_equal(fl.zones[0].blocks[3][1], 1);
		ptk_freelists_release(&fl);
		kernel_free(k);
	}
}

static void unmapped_element_is_reported(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;

	(void)state;
	/* a struct page beyond the 2M of vmemmap that is mapped */
	set(k, MEMMAP + 0x100 * 64 + LRU, lru_of(0x8000));
	read_lists(k, &fl);
	assert_int_equal(fl.zones[0].list_errors, 1);
	assert_non_null(strstr(fl.zones[0].first_error, "list at"));
	ptk_freelists_release(&fl);
	kernel_free(k);
}

struct blocks {
	unsigned n;
	uint64_t pfn[8];
	unsigned type[8];
};

static enum ptk_status note_block(uint64_t pfn, unsigned migratetype,
				  void *priv)
{
	struct blocks *b = priv;

	if (b->n < 8) {
		b->pfn[b->n] = pfn;
		b->type[b->n] = migratetype;
	}
	b->n++;
	return PTK_OK;
}

/*
 * SPARSEMEM_EXTREME with 8M sections (4 pageblocks each): the root array
 * names one page of sections; section 0 is present, section 1 is not,
 * section 2 is present.  Each pageblock's 4 bits, type in the low 3 (the
 * 4th, PB_migrate_skip, must not leak in).
 */
static void pageblock_flags_by_section(void **state)
{
	const uint64_t roots = 0x4300000, sections = 0x4301000;
	const uint64_t usage0 = 0x4302000, usage2 = 0x4302100;
	struct kernel *k = kernel_new();
	struct blocks b = { 0 };
	struct ptk_freelists fl;

	(void)state;
	assert_int_equal(ptk_source_set_meta(k->f->src, "SYMBOL(mem_section)",
					     "ffff888004300000"), PTK_OK);
	assert_int_equal(ptk_source_set_meta(k->f->src, "SIZE(mem_section)",
					     "16"), PTK_OK);
	assert_int_equal(ptk_source_set_meta(k->f->src,
					     "NUMBER(SECTION_SIZE_BITS)", "23"),
			 PTK_OK);
	set(k, roots, va(sections));
	set(k, sections, 0x3);
	set(k, sections + 8, va(usage0));
	set(k, sections + 32, 0x3);
	set(k, sections + 40, va(usage2));
	/* usage: one word of subsection map, then the flags */
	set(k, usage0 + 8, 0x2190);	/* 0, 1 (+ skip), 2, 2 */
	set(k, usage2 + 8, 0x0004);	/* 4, 0, 0, 0 */
	assert_int_equal(ptk_pageblocks_walk(k->f->src, &k->f->pg, NULL,
					     note_block, &b), PTK_OK);
	assert_int_equal(b.n, 8);
	assert_int_equal(b.pfn[1], 0x200);
	assert_int_equal(b.type[0], 0);
	assert_int_equal(b.type[1], 1);
	assert_int_equal(b.type[2], 1);
	assert_int_equal(b.type[3], 2);
	assert_int_equal(b.pfn[4], 2 * 512 * 4);
	assert_int_equal(b.type[4], 4);

	/* zone_start_pfn: two words before spanned_pages */
	set(k, PGDAT + SPANNED - 16, 1);
	read_lists(k, &fl);
	assert_int_equal(fl.zones[0].start_pfn, 1);
	ptk_freelists_release(&fl);
	kernel_free(k);
}

static void missing_key_is_named(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;

	(void)state;
	assert_int_equal(ptk_source_set_meta(k->f->src, "OFFSET(page.lru)",
					     "x"), PTK_OK);
	assert_int_equal(ptk_freelists_read(k->f->src, &k->f->pg, &k->layout,
					    &fl), PTK_ERR_NODATA);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "OFFSET(page.lru)"));
	kernel_free(k);
}

static void absurd_sizes_are_refused(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;

	(void)state;
	assert_int_equal(ptk_source_set_meta(k->f->src,
					     "LENGTH(zone.free_area)", "100000"),
			 PTK_OK);
	assert_int_equal(ptk_freelists_read(k->f->src, &k->f->pg, &k->layout,
					    &fl), PTK_ERR_CORRUPT);
	kernel_free(k);
}

static void bad_nr_zones_is_refused(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_freelists fl;

	(void)state;
	set(k, PGDAT + NR_ZONES_AT, 0xffffffff);
	assert_int_equal(ptk_freelists_read(k->f->src, &k->f->pg, &k->layout,
					    &fl), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "node 0"));
	kernel_free(k);
}

static const char *const page_keys[][2] = {
	{ "OFFSET(page.flags)", "0" },
	{ "OFFSET(page.compound_head)", "8" },
	{ "OFFSET(page.mapping)", "24" },
	{ "OFFSET(page.private)", "40" },
	{ "OFFSET(page._mapcount)", "48" },
	{ "OFFSET(page._refcount)", "52" },
	{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "-129" },
	{ "NUMBER(PG_slab)", "9" },
	{ "NUMBER(PG_head_mask)", "65536" },
};

struct kinds {
	char kind[0x120];
	uint64_t calls;
};

static enum ptk_status note_kind(uint64_t pfn, const struct ptk_page_info *pi,
				 void *priv)
{
	struct kinds *k = priv;

	k->calls++;
	if (pfn >= 0xf0 && pfn < 0x110)
		k->kind[pfn] = (char)('a' + pi->kind);
	return PTK_OK;
}

/* A free block of order 3 at 0x100 covers 0x100-0x107 even though only its
 * head is marked; a table page inside a free block is flagged. */
static void page_kinds(void **state)
{
	struct kernel *k = kernel_new();
	struct ptk_pages_keys missing;
	struct kinds got = { 0 };
	const uint64_t tables[] = { 0x10a };
	uint64_t sp = MEMMAP + 0x100 * 64;

	(void)state;
	for (size_t i = 0; i < sizeof(page_keys) / sizeof(page_keys[0]); i++)
		assert_int_equal(ptk_source_set_meta(k->f->src, page_keys[i][0],
						     page_keys[i][1]), PTK_OK);
	set(k, sp + 48, 0xffffff7f);		/* buddy, refcount 0 */
	set(k, sp + 40, 3);			/* order 3 */
	set(k, sp + 8 * 64 + 48, 0x1ffffffff);	/* 0x108: kernel */
	set(k, sp + 9 * 64, 1 << 9);		/* 0x109: slab */
	set(k, sp + 9 * 64 + 48, 0x1ffffffff);
	assert_int_equal(ptk_pages_walk(k->f->src, &k->f->pg, &k->layout,
					tables, 1, 0xf0, 0x110, note_kind,
					&got, &missing), PTK_OK);
	assert_int_equal(got.calls, 0x20);
	assert_true(missing.reserved && missing.hwpoison && missing.offline);
	assert_false(missing.slab || missing.head);
	for (unsigned pfn = 0x100; pfn < 0x108; pfn++)
		assert_int_equal(got.kind[pfn], 'a' + PTK_PAGE_FREE);
	assert_int_equal(got.kind[0x108], 'a' + PTK_PAGE_KERNEL);
	assert_int_equal(got.kind[0x109], 'a' + PTK_PAGE_SLAB);
	assert_int_equal(got.kind[0x10a], 'a' + PTK_PAGE_PGTABLE);
	assert_int_equal(got.kind[0x10b], 'a' + PTK_PAGE_UNREF);
	kernel_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_and_counter),
		cmocka_unit_test(pageblock_flags_by_section),
		cmocka_unit_test(blocks_with_pfns),
		cmocka_unit_test(loop_is_reported_not_followed),
		cmocka_unit_test(loops_count_distinct_elements),
		cmocka_unit_test(stray_elements_are_reported),
		cmocka_unit_test(unmapped_element_is_reported),
		cmocka_unit_test(missing_key_is_named),
		cmocka_unit_test(absurd_sizes_are_refused),
		cmocka_unit_test(bad_nr_zones_is_refused),
		cmocka_unit_test(page_kinds),
	};

	return RUN(tests);
}
