// SPDX-License-Identifier: MIT
/* Entry decoding: every bit at every level, PAT's two homes, ignored and
 * reserved bits, canonical addresses, effective permissions. */
#include "unit.h"

static struct ptk_paging pg4 = { .levels = 4, .phys_bits = 52 },
			  pg5 = { .levels = 5, .phys_bits = 52 };

static void decode(const struct ptk_paging *pg, unsigned level, uint64_t raw,
		   struct ptk_entry *e)
{
	memset(e, 0xa5, sizeof(*e));
	ptk_entry_decode(pg, level, raw, e);
}

static void not_present_is_a_hole_whatever_its_bits(void **state)
{
	struct ptk_entry e;

	(void)state;
	for (unsigned l = 1; l <= 5; l++) {
		decode(&pg5, l, UINT64_C(0xfffffffffffffffe), &e);
		assert_int_equal(e.kind, PTK_KIND_NONE);
		assert_int_equal(e.flags, 0);
		assert_int_equal(e.reserved, 0);
		assert_int_equal(e.level, l);
	}
}

/* Bits 0-6, 8 and 63 mean the same thing in every leaf. */
static void common_bits_at_every_leaf_level(void **state)
{
	static const struct {
		unsigned bit;
		unsigned flag;
	} bits[] = {
		{ 1, PTK_F_RW }, { 2, PTK_F_US }, { 3, PTK_F_PWT },
		{ 4, PTK_F_PCD }, { 5, PTK_F_A }, { 6, PTK_F_D },
		{ 8, PTK_F_G }, { 63, PTK_F_NX },
	};
	struct ptk_entry e;

	(void)state;
	for (unsigned l = 1; l <= 3; l++) {
		uint64_t base = 1 | (l > 1 ? 1u << 7 : 0) | (UINT64_C(1) << 30);
		unsigned ps = l > 1 ? PTK_F_PS : 0;

		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
			decode(&pg4, l, base | UINT64_C(1) << bits[i].bit, &e);
			assert_int_equal(e.kind, PTK_KIND_LEAF);
			assert_int_equal(e.flags, PTK_F_P | ps | bits[i].flag);
			assert_int_equal(e.addr, UINT64_C(1) << 30);
			assert_int_equal(e.reserved, 0);
		}
	}
}

static void pat_is_bit_7_in_a_pte_and_bit_12_in_large_leaves(void **state)
{
	struct ptk_entry e;

	(void)state;
	decode(&pg4, 1, 0x5000 | 0x81, &e);
	assert_int_equal(e.kind, PTK_KIND_LEAF);
	assert_int_equal(e.flags, PTK_F_P | PTK_F_PAT);
	assert_int_equal(e.addr, 0x5000);

	/* In a PTE, bit 12 is an address bit. */
	decode(&pg4, 1, 0x1000 | 0x1, &e);
	assert_int_equal(e.flags, PTK_F_P);
	assert_int_equal(e.addr, 0x1000);

	for (unsigned l = 2; l <= 3; l++) {
		decode(&pg4, l, ptk_level_size(l) * 3 | 0x1000 | 0x81, &e);
		assert_int_equal(e.kind, PTK_KIND_LEAF);
		assert_int_equal(e.flags, PTK_F_P | PTK_F_PS | PTK_F_PAT);
		assert_int_equal(e.addr, ptk_level_size(l) * 3);
		assert_int_equal(e.reserved, 0);
	}
}

static void bit_7_is_ps_below_p4d_and_reserved_above(void **state)
{
	struct ptk_entry e;

	(void)state;
	decode(&pg4, 2, 0x200000 | 0x83, &e);
	assert_int_equal(e.kind, PTK_KIND_LEAF);
	decode(&pg4, 2, 0x200000 | 0x03, &e);
	assert_int_equal(e.kind, PTK_KIND_TABLE);
	assert_int_equal(e.addr, 0x200000);
	for (unsigned l = 4; l <= 5; l++) {
		decode(&pg5, l, 0x7000 | 0x83, &e);
		assert_int_equal(e.kind, PTK_KIND_TABLE);
		assert_int_equal(e.reserved, 0x80);
	}
}

static void ignored_bits_change_nothing(void **state)
{
	/* Bits 9-11 and 52-58 are ignored at every level. */
	const uint64_t ignored = UINT64_C(0x07f0000000000e00);
	struct ptk_entry a, b;

	(void)state;
	for (unsigned l = 1; l <= 5; l++) {
		uint64_t raw = UINT64_C(0x0000123456000000) | 0x63 |
			       (l == 2 || l == 3 ? 0x80 : 0);

		decode(&pg5, l, raw, &a);
		decode(&pg5, l, raw | ignored, &b);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.addr, b.addr);
		assert_int_equal(a.flags, b.flags);
		assert_int_equal(a.reserved, b.reserved);
		assert_int_equal(a.pkey, b.pkey);
	}
}

static void pkey_in_leaves_only(void **state)
{
	struct ptk_entry e;

	(void)state;
	for (unsigned l = 1; l <= 3; l++) {
		uint64_t raw = UINT64_C(0xb) << 59 | (l > 1 ? 0x80 : 0) | 1;

		decode(&pg4, l, raw, &e);
		assert_int_equal(e.pkey, 11);
		assert_int_equal(e.reserved, 0);
	}
	decode(&pg4, 2, UINT64_C(0xb) << 59 | 1, &e);
	assert_int_equal(e.kind, PTK_KIND_TABLE);
	assert_int_equal(e.pkey, 0);
}

static void reserved_bits(void **state)
{
	struct ptk_paging pg46 = { .levels = 4, .phys_bits = 46 };
	struct ptk_entry e;

	(void)state;
	/* Address bits above MAXPHYADDR, at every level. */
	for (unsigned l = 1; l <= 4; l++) {
		decode(&pg46, l, UINT64_C(1) << 46 | 1, &e);
		assert_int_equal(e.reserved, UINT64_C(1) << 46);
		decode(&pg4, l, UINT64_C(1) << 46 | 1, &e);
		assert_int_equal(e.reserved, 0);
	}
	/* Frame bits below the page size, above PAT. */
	decode(&pg4, 2, 0x200000 | 1 << 13 | 0x81, &e);
	assert_int_equal(e.reserved, 1 << 13);
	decode(&pg4, 3, 0x40000000 | 1 << 20 | 1 << 12 | 0x81, &e);
	assert_int_equal(e.reserved, 1 << 20);
	assert_true(e.flags & PTK_F_PAT);
	decode(&pg4, 3, 0x40000000 | 1 << 29 | 0x81, &e);
	assert_int_equal(e.reserved, 1 << 29);
}

static void canonical_addresses(void **state)
{
	(void)state;
	assert_true(ptk_va_canonical(&pg4, UINT64_C(0x00007fffffffffff)));
	assert_false(ptk_va_canonical(&pg4, UINT64_C(0x0000800000000000)));
	assert_false(ptk_va_canonical(&pg4, UINT64_C(0xffff7fffffffffff)));
	assert_true(ptk_va_canonical(&pg4, UINT64_C(0xffff800000000000)));
	assert_int_equal(ptk_va_bits(&pg4), 48);

	assert_true(ptk_va_canonical(&pg5, UINT64_C(0x00ffffffffffffff)));
	assert_false(ptk_va_canonical(&pg5, UINT64_C(0x0100000000000000)));
	assert_false(ptk_va_canonical(&pg5, UINT64_C(0xfeffffffffffffff)));
	assert_true(ptk_va_canonical(&pg5, UINT64_C(0xff00000000000000)));
	/* 4-level kernel addresses are not canonical with 5 levels' rules
	 * reversed: a 57-bit address is non-canonical with 4 levels. */
	assert_false(ptk_va_canonical(&pg4, UINT64_C(0xff11000000000000)));
	assert_int_equal(ptk_va_bits(&pg5), 57);
	assert_int_equal(ptk_noncanon_start(&pg5), UINT64_C(1) << 56);
	assert_int_equal(ptk_noncanon_end(&pg5), UINT64_C(0xff00000000000000));
}

static void effective_permissions(void **state)
{
	const unsigned P = PTK_F_P;

	(void)state;
	/* RW and US are ANDed down the levels, NX is ORed. */
	assert_int_equal(ptk_eff_combine(PTK_EFF_ROOT, P | PTK_F_RW),
			 P | PTK_F_RW);
	assert_int_equal(ptk_eff_combine(P | PTK_F_US, P | PTK_F_RW | PTK_F_US),
			 P | PTK_F_US);
	assert_int_equal(ptk_eff_combine(P | PTK_F_RW | PTK_F_NX,
					 P | PTK_F_RW | PTK_F_G),
			 P | PTK_F_RW | PTK_F_NX | PTK_F_G);
	assert_int_equal(ptk_eff_combine(P | PTK_F_RW | PTK_F_US, P | PTK_F_NX),
			 P | PTK_F_NX);
}

static void level_names(void **state)
{
	(void)state;
	assert_string_equal(ptk_level_name(&pg4, 4), "pgd");
	assert_string_equal(ptk_level_name(&pg4, 3), "pud");
	assert_string_equal(ptk_level_name(&pg5, 5), "pgd");
	assert_string_equal(ptk_level_name(&pg5, 4), "p4d");
	assert_string_equal(ptk_level_name(&pg5, 1), "pte");
	assert_int_equal(ptk_level_parse(&pg5, "p4d"), 4);
	assert_int_equal(ptk_level_parse(&pg4, "p4d"), 0);
}

static void encode_then_decode(void **state)
{
	const unsigned all = PTK_F_RW | PTK_F_US | PTK_F_PWT | PTK_F_PCD |
			     PTK_F_A | PTK_F_D | PTK_F_G | PTK_F_PAT | PTK_F_NX;
	struct ptk_entry e;

	(void)state;
	for (unsigned l = 1; l <= 3; l++) {
		for (unsigned f = 0; f <= all; f = (f - all) & all) {
			uint64_t raw = ptk_entry_encode(l, ptk_level_size(l) * 5,
							f, 7);

			decode(&pg4, l, raw, &e);
			assert_int_equal(e.kind, PTK_KIND_LEAF);
			assert_int_equal(e.flags & ~(PTK_F_P | PTK_F_PS), f);
			assert_int_equal(e.addr, ptk_level_size(l) * 5);
			assert_int_equal(e.pkey, 7);
			assert_int_equal(e.reserved, 0);
			if (f == all)
				break;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_present_is_a_hole_whatever_its_bits),
		cmocka_unit_test(common_bits_at_every_leaf_level),
		cmocka_unit_test(pat_is_bit_7_in_a_pte_and_bit_12_in_large_leaves),
		cmocka_unit_test(bit_7_is_ps_below_p4d_and_reserved_above),
		cmocka_unit_test(ignored_bits_change_nothing),
		cmocka_unit_test(pkey_in_leaves_only),
		cmocka_unit_test(reserved_bits),
		cmocka_unit_test(canonical_addresses),
		cmocka_unit_test(effective_permissions),
		cmocka_unit_test(level_names),
		cmocka_unit_test(encode_then_decode),
	};

	return RUN(tests);
}
