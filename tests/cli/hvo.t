#!/bin/sh
# HugeTLB folios and the HugeTLB Vmemmap Optimization (HVO): pages counts
# a deduplicated folio's tails as its own, vmemmap shows the aliases.
# On the synthetic hvo.spec, then on the shared dump of a kernel booted
# with hugetlb_free_vmemmap=on, against what its guest recorded.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o hvo.img "$DATA/hvo.spec" >/dev/null || exit 1

# variant SED: hvo.spec edited by SED, as variant.img
variant() {
	sed "$1" "$DATA/hvo.spec" >variant.spec &&
	ptkit mkimage -o variant.img variant.spec >/dev/null
}

test_expect 'pages: every page of an HVO folio is hugetlb, free or in use' '
	cat >expect <<-\EOT &&
	PFN                            PAGES  KIND
	0x0000000000-0x0000000800       2048  no-struct-page
	0x0000000800-0x0000000c00       1024  hugetlb, free
	0x0000000c00-0x0000000e00        512  hugetlb, in use
	0x0000000e00-0x0000001000        512  no-struct-page
	0x0000001000-0x0000001006          6  pagetable
	0x0000001006-0x0000010000      61434  no-struct-page

	KIND                  PAGES      HEADS      TAILS USER-MAPPED
	no-struct-page        63994          0          0          0
	pagetable                 6          0          0          0
	hugetlb                1536          3       1533          0
	total                 65536  in 6 runs
	hugetlb: 3 folios of 2M: 2 free, 1 in use
	hugetlb: 21 tail struct pages read as heads: in vmemmap pages that alias the head'"'"'s (HVO)
	page tables by their struct pages: no-struct-page 6
	EOT
	ptkit pages hvo.img >out 2>err &&
	grep -v "^the kernel" out >actual &&
	test_cmp expect actual && test ! -s err &&
	ptkit pages --format=json --range=0xbff+2 hvo.img >actual &&
	cat >expect <<-\EOT &&
	{"pfn":"0xbff","end_pfn":"0xc00","pages":1,"kind":"hugetlb","free":true}
	{"pfn":"0xc00","end_pfn":"0xc01","pages":1,"kind":"hugetlb","free":false}
	EOT
	test_cmp expect actual &&
	ptkit pages --format=json --summary hvo.img >actual &&
	grep -q ",\"hugetlb\":{\"pages\":1536,\"free_pages\":1024,\"fake_heads\":21,\"folios\":{\"2M\":{\"free\":2,\"in_use\":1}}}" actual
'

# The three ways kernels have marked a HugeTLB folio: page[1]'s
# compound_dtor (hvo.spec, 6.1), page[1]'s PG_hugetlb flag (6.4-6.8),
# the head's page type (6.9 on).
test_expect 'pages: hugetlb by PG_hugetlb and by page type, as later kernels' '
	variant "/HUGETLB_PAGE_DTOR/d; s/^set \(0x42[0-9a-f]*\)050 = 0x902$/set \1040 = 0x400000/; \$a meta NUMBER(PG_hugetlb)=22" &&
	ptkit pages --summary variant.img >actual 2>err &&
	grep -q "^hugetlb: 3 folios of 2M: 2 free, 1 in use$" actual && test ! -s err &&
	variant "/HUGETLB_PAGE_DTOR/d; s/^set \(0x42[0-9a-f]*\)030 = 0x1ffffffff$/set \1030 = 0x1fffffbff/; s/^set \(0x42[0-9a-f]*\)000 = 0x10000$/&\nset \1030 = 0xfffffbff/; \$a meta NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-1025" &&
	ptkit pages --summary variant.img >actual 2>err &&
	grep -q "^hugetlb: 3 folios of 2M: 2 free, 1 in use$" actual && test ! -s err
'

test_expect 'pages: without a hugetlb key, the folios are what they look like' '
	variant "/HUGETLB_PAGE_DTOR/d" &&
	ptkit pages --summary variant.img >actual 2>err &&
	awk "/^(unreferenced|anon) / { print \$1, \$2, \$3, \$4 }" actual >got &&
	printf "unreferenced 1024 2 1022\nanon 512 1 511\n" >want &&
	test_cmp want got &&
	grep -q "no NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE), NUMBER(PG_hugetlb) or NUMBER(HUGETLB_PAGE_DTOR): hugetlb pages are not told apart$" err
'

test_expect 'vmemmap: the aliases of each folio, what they save, checked' '
	cat >expect <<-\EOT &&
	vmemmap:  0xffffea0000000000: struct pages of 64 bytes, for 65536 pages of RAM (256M)
	mapped:   1 2M, 512 4K pages; the 4K ones in 1 PTE table (2M of vmemmap split to 4K each)
	aliases:  21 4K pages map a page that a vmemmap page below maps

	PFN           ORDER  SIZE  KIND             VMEMMAP  SHARED  SAVED  PAGE                CHECK
	0x0000000800      9    2M  hugetlb, free          8       7      7  0x0000000004220000  ok
	0x0000000a00      9    2M  hugetlb, free          8       7      7  0x0000000004228000  ok
	0x0000000c00      9    2M  hugetlb, in use        8       7      7  0x0000000004230000  ok

	total:    3 folios (3 of 2M): 24 vmemmap pages, 21 shared, 21 saved (84K)
	check:    aliases read-only, head pages writable, one page per folio: no findings
	EOT
	ptkit vmemmap hvo.img >actual 2>err &&
	test_cmp expect actual && test ! -s err &&
	cat >expect <<-\EOT &&
	{"pfn":"0x800","order":9,"kind":"hugetlb","free":true,"va":"0xffffea0000020000","vmemmap_pages":8,"shared":7,"saved":7,"page":"0x4220000","writable_aliases":0,"pages_shared_onto":1,"problems":[]}
	{"pfn":"0xa00","order":9,"kind":"hugetlb","free":true,"va":"0xffffea0000028000","vmemmap_pages":8,"shared":7,"saved":7,"page":"0x4228000","writable_aliases":0,"pages_shared_onto":1,"problems":[]}
	{"pfn":"0xc00","order":9,"kind":"hugetlb","free":false,"va":"0xffffea0000030000","vmemmap_pages":8,"shared":7,"saved":7,"page":"0x4230000","writable_aliases":0,"pages_shared_onto":1,"problems":[]}
	{"total":{"folios":3,"by_size":{"2M":3},"vmemmap_pages":24,"shared":21,"saved":21,"saved_bytes":86016,"base":"0xffffea0000000000","struct_page_size":64,"ram_pages":65536,"unmapped_struct_pages":0,"leaves":{"4K":512,"2M":1,"1G":0},"pte_tables":1,"bad_entries":0,"aliases":21,"orphan_aliases":0,"findings":0}}
	EOT
	ptkit vmemmap --format=json hvo.img >actual &&
	test_cmp expect actual &&
	ptkit vmemmap --summary hvo.img >actual &&
	test "$(wc -l <actual)" = 5 && grep -q "^total:    3 folios" actual
'

# Each rule of the kernel broken once: folio 0xc00 with a writable alias,
# 0xa00 with a read-only head page and an alias onto a page of no folio,
# 0x800 with two aliases onto a copy of its head page and compound_order 8.
test_expect 'vmemmap: what breaks the rules is a finding, named per folio' '
	variant "s/^map 0xffffea0000033000 0x4230000 0x1000 4k nx/& rw/
		s/^map 0xffffea0000028000 0x4228000 0x1000 4k rw nx/map 0xffffea0000028000 0x4228000 0x1000 4k nx/
		s/^map \(0xffffea000002[67]000\) 0x4220000/map \1 0x4700000/
		s/^map 0xffffea000002f000 0x4228000/map 0xffffea000002f000 0x4200000/
		s/^set 0x4220050 = 0x902$/set 0x4220050 = 0x802/
		\$a set 0x4700000 = 0x10000\nset 0x4700048 = 0xffffea0000020001" &&
	must_fail 1 ptkit vmemmap variant.img >out 2>err &&
	sed -n "/^PFN/,\$p" out >actual &&
	cat >expect <<-\EOT &&
	PFN           ORDER  SIZE  KIND             VMEMMAP  SHARED  SAVED  PAGE                CHECK
	0x0000000800      9    2M  hugetlb, free          8       6      6  0x0000000004220000  several-pages,past-order
	0x0000000a00      9    2M  hugetlb, free          8       7      6  0x0000000004228000  head-read-only,several-pages
	0x0000000c00      9    2M  hugetlb, in use        8       7      7  0x0000000004230000  alias-writable

	total:    3 folios (3 of 2M): 24 vmemmap pages, 20 shared, 19 saved (76K)
	check:    aliases read-only, head pages writable, one page per folio: alias-writable 1, head-read-only 1, several-pages 2, past-order 1, 1 alias naming no head
	EOT
	test_cmp expect actual &&
	echo "ptkit vmemmap: '"'"'variant.img'"'"': 4 findings: 3 folios break the rules of a shared vmemmap, 1 alias names no head" >expect &&
	test_cmp expect err &&
	must_fail 1 ptkit vmemmap --format=json variant.img 2>/dev/null >actual &&
	grep -q "\"problems\":\[\"several-pages\",\"past-order\"\]}$" actual &&
	grep -q "\"orphan_aliases\":1,\"findings\":4}}$" actual
'

# compound_order 30: no folio is that big; the aliases' extent stands
# (believing it would span 64 GiB of vmemmap for one folio)
test_expect 'vmemmap: an absurd compound_order is not believed' '
	variant "s/^set 0x4220050 = 0x902$/set 0x4220050 = 0x1e02/" &&
	ptkit vmemmap --format=json variant.img >actual &&
	grep -q "^{\"pfn\":\"0x800\",\"order\":9," actual &&
	grep -q "\"findings\":0}}$" actual
'

test_expect 'vmemmap: no HVO, no folios; a key missing or no vmemmap: exit 3' '
	ptkit mkimage -o fl.img "$DATA/freelists.spec" >/dev/null &&
	ptkit vmemmap fl.img >actual 2>err && test ! -s err &&
	grep -q "^folios:   none: no vmemmap page is shared" actual &&
	grep -q "^check:    .*: no findings$" actual &&
	variant "/PG_head_mask/d" &&
	must_fail 3 ptkit vmemmap variant.img 2>err &&
	grep -q "^ptkit vmemmap: .*VMCOREINFO has no NUMBER(PG_head_mask), needed to tell the folios of the vmemmap.s 21 aliases" err &&
	variant "/^region \"Vmemmap\"/d" &&
	must_fail 3 ptkit vmemmap variant.img 2>err &&
	grep -q "^ptkit vmemmap: .*the vmemmap base is not known" err &&
	must_fail 2 ptkit vmemmap 2>/dev/null &&
	must_fail 2 ptkit vmemmap --format=yaml hvo.img 2>/dev/null
'

test_expect 'stats: says why the vmemmap has 4K pages' '
	ptkit stats hvo.img >actual &&
	grep -q "^Vmemmap: 21 of its 4K pages alias another: the struct pages of 3 folios share pages (the HugeTLB Vmemmap Optimization or a compound pagemap: see ptkit vmemmap)$" actual &&
	ptkit stats --format=json hvo.img | grep -q ",\"vmemmap\":{\"aliases\":21,\"folios\":3}," &&
	ptkit mkimage -o fl.img "$DATA/freelists.spec" >/dev/null &&
	ptkit stats fl.img >actual && ! grep -q "^Vmemmap:" actual
'

# The same folios without HVO: every vmemmap page its own, every tail
# struct page written.
test_expect 'without HVO: the same hugetlb pages, no fake heads, no aliases' '
	sed "s/^map 0xffffea00000\([0-9a-f][0-9a-f]\)000 0x42[0-9a-f]*000 0x1000 4k nx g a d$/map 0xffffea00000\1000 0x42\1000 0x1000 4k rw nx g a d/" \
		"$DATA/hvo.spec" >plain.spec &&
	test "$(grep -c "^map 0xffffea00000[0-9a-f]*000 0x42[0-9a-f]*000 0x1000 4k rw" plain.spec)" = 24 &&
	perl -e "for my \$f (0x800, 0xa00, 0xc00) { for my \$t (64 .. 511) {
		printf qq{set 0x%x = 0xffffea%010x\n}, 0x4200000 + (\$f + \$t) * 64 + 8, \$f * 64 + 1 } }" >>plain.spec &&
	grep -q "^set 0x4237fc8 = 0xffffea0000030001$" plain.spec &&
	ptkit mkimage -o plain.img plain.spec >/dev/null &&
	ptkit vmemmap --summary plain.img >actual &&
	grep -q "^aliases:  0 4K pages" actual &&
	grep -q "^folios:   none" actual &&
	ptkit pages --summary plain.img >actual 2>err &&
	grep -q "^hugetlb: 3 folios of 2M: 2 free, 1 in use$" actual &&
	! grep -q "read as heads" actual &&
	awk "/^hugetlb / { print \$2, \$3, \$4 }" actual >got &&
	echo "1536 3 1533" >want && test_cmp want got
'

HVO=$REALDATA/hvo
if [ -r "$HVO/vmcore-d31.kdump-zlib" ]; then
	D=$HVO/vmcore-d31.kdump-zlib
	test_expect 'hvo dump: hugetlb pages are HugePages_Total x 512, free and in use as the guest said' '
		total=$(awk "/^HugePages_Total:/ { print \$2 }" "$HVO/guest/hugetlb_state.txt") &&
		free=$(awk "/^HugePages_Free:/ { print \$2 }" "$HVO/guest/hugetlb_state.txt") &&
		test "$total" = 128 && test "$free" = 96 &&
		ptkit pages --format=json --summary "$D" >sum.json 2>/dev/null &&
		grep -q "\"hugetlb\":{\"pages\":$((total * 512)),\"compound_heads\":$total," sum.json &&
		grep -q ",\"hugetlb\":{\"pages\":$((total * 512)),\"free_pages\":$((free * 512)),\"fake_heads\":$((total * 7)),\"folios\":{\"2M\":{\"free\":$free,\"in_use\":$((total - free))}}}" sum.json &&
		grep -q "\"hugepages-2048kB/nr_hugepages\":{\"counter\":$total,\"folios\":$total}" sum.json &&
		grep -q "\"hugepages-2048kB/free_hugepages\":{\"counter\":$free,\"folios\":$free}" sum.json &&
		ptkit pages --format=json "$D" 2>/dev/null |
			grep "\"kind\":\"hugetlb\",\"free\":false" >inuse &&
		sed -n "s/.*pfn=\(0x[0-9a-f]*\) .*/\1/p" "$HVO/guest/hugetlb.txt" >pfns &&
		test "$(wc -l <pfns)" = $((total - free)) &&
		perl -ne "/\"pfn\":\"(0x[0-9a-f]+)\",\"end_pfn\":\"(0x[0-9a-f]+)\"/ or next;
			for (my \$p = hex \$1; \$p < hex \$2; \$p += 512) { printf \"0x%x\\n\", \$p }" inuse |
			sort >got &&
		sort pfns >want &&
		test_cmp want got
	'
	# QEMU's own walk of the same moment: every vmemmap frame mapped more
	# than once, and the W flag of each mapping.
	test_expect 'hvo dump: vmemmap finds the aliases QEMU saw, 7 of 8 per hugepage, read-only' '
		base=$(ptkit vmemmap --format=json "$D" | sed -n "s/.*\"base\":\"0x\([0-9a-f]*\)\".*/\1/p") &&
		test -n "$base" &&
		awk -v base="$base" "substr(\$1, 1, 8) == substr(base, 1, 8) { print \$2, \$3 }" \
			"$HVO/qemu/info-tlb.txt" >vmemmap.tlb &&
		cut -d" " -f1 vmemmap.tlb | sort | uniq -c | awk "\$1 > 1 { print \$1, \$2 }" >shared &&
		test "$(wc -l <shared)" = 128 && ! grep -v "^8 " shared &&
		awk "{ printf \"0x%016s\n\", \$2 }" shared | sort >want &&
		ptkit vmemmap "$D" >out &&
		awk "/^0x/ { print \$NF == \"ok\" ? \$(NF-1) : \"bad\" }" out | sort >got &&
		test_cmp want got &&
		cut -d" " -f2 shared | while read pa; do
			grep "^$pa " vmemmap.tlb | cut -d" " -f2 | sed -n "1p; 2,\$p" | sort | uniq -c
		done | awk "{ print \$1, substr(\$2, 9, 1) }" | sort | uniq -c >flags &&
		printf "    128 1 W\n    128 7 -\n" >expect &&
		test_cmp expect flags &&
		grep -q "^total:    128 folios (128 of 2M): 1024 vmemmap pages, 896 shared, 896 saved (3584K)$" out &&
		freeable=$(sed -n "s/.*HugeTLB: \([0-9]*\) KiB vmemmap can be freed for a 2.00 MiB page.*/\1/p" "$HVO/guest/hugetlb_state.txt") &&
		test $((freeable * 128 / 4)) = 896 &&
		test "$(grep -c "hugetlb, free " out)" = 96 &&
		test "$(grep -c "hugetlb, in use " out)" = 32 &&
		grep -q "^mapped:   4 2M, 2048 4K pages; the 4K ones in 4 PTE tables" out
	'
else
	test_skip 'hvo dump: hugetlb pages are HugePages_Total x 512' "no real dumps in $REALDATA"
	test_skip 'hvo dump: vmemmap finds the aliases QEMU saw' "no real dumps in $REALDATA"
fi

done_testing
