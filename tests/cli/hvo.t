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
else
	test_skip 'hvo dump: hugetlb pages are HugePages_Total x 512' "no real dumps in $REALDATA"
fi

done_testing
