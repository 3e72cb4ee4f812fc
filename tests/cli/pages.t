#!/bin/sh
# ptkit pages on a synthetic kernel with struct pages of every kind, and
# on what breaks it.  The real dump is in realdata.t.
. "$(dirname "$0")/lib.sh"

cat "$DATA/freelists.spec" "$DATA/pages.spec" >pages.spec &&
ptkit mkimage -o pages.img pages.spec >/dev/null || exit 1

variant() {
	{ cat pages.spec && cat; } >variant.spec &&
	ptkit mkimage -o variant.img variant.spec >/dev/null
}

test_expect 'text: runs of one kind, then totals; missing keys said' '
	cat >expect <<-\EOT &&
	PFN                            PAGES  KIND
	0x0000000000-0x0000000100        256  no-struct-page
	0x0000000100-0x0000000110         16  free
	0x0000000110-0x0000000140         48  unreferenced
	0x0000000140-0x0000000200        192  no-struct-page
	0x0000000200-0x0000000201          1  free
	0x0000000201-0x0000000240         63  unreferenced
	0x0000000240-0x0000000300        192  no-struct-page
	0x0000000300-0x0000000302          2  slab
	0x0000000302-0x0000000340         62  unreferenced
	0x0000000340-0x0000000400        192  no-struct-page
	0x0000000400-0x0000000401          1  anon
	0x0000000401-0x0000000402          1  file
	0x0000000402-0x0000000403          1  kernel
	0x0000000403-0x0000000404          1  offline
	0x0000000404-0x0000000440         60  unreferenced
	0x0000000440-0x0000001000       3008  no-struct-page
	0x0000001000-0x0000001005          5  pagetable
	0x0000001005-0x0000008000      28667  no-struct-page

	KIND                  PAGES      HEADS      TAILS USER-MAPPED
	no-struct-page        32507          0          0          0
	pagetable                 5          0          0          0
	free                     17          0          0          0
	offline                   1          0          0          0
	slab                      2          1          1          0
	unreferenced            233          0          0          0
	anon                      1          0          0          1
	file                      1          0          0          0
	kernel                    1          0          0          0
	total                 32768  in 18 runs
	page tables by their struct pages: no-struct-page 5
	the kernel'\''s counters: not known (no kernel symbols: VMCOREINFO has no SYMBOL(kallsyms_names) (kernels before 6.0 do not export kallsyms; give --symbols=System.map))
	EOT
	ptkit pages pages.img >actual 2>err &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	ptkit pages: VMCOREINFO has no NUMBER(PG_reserved): reserved pages count as kernel
	ptkit pages: VMCOREINFO has no NUMBER(PG_hwpoison): poisoned pages are not told apart
	ptkit pages: VMCOREINFO has no NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE), NUMBER(PG_hugetlb) or NUMBER(HUGETLB_PAGE_DTOR): hugetlb pages are not told apart
	EOT
	test_cmp expect err
'

test_expect '--range and json: the runs of a PFN range' '
	cat >expect <<-\EOT &&
	{"pfn":"0x300","end_pfn":"0x302","pages":2,"kind":"slab"}
	{"pfn":"0x302","end_pfn":"0x340","pages":62,"kind":"unreferenced"}
	{"pfn":"0x340","end_pfn":"0x400","pages":192,"kind":"no-struct-page"}
	{"pfn":"0x400","end_pfn":"0x401","pages":1,"kind":"anon"}
	{"pfn":"0x401","end_pfn":"0x402","pages":1,"kind":"file"}
	EOT
	ptkit pages --format=json --range=0x300-0x402 pages.img >actual 2>/dev/null &&
	test_cmp expect actual &&
	ptkit pages --format=json --summary --range=0x300+2 pages.img >actual 2>/dev/null &&
	grep -q "\"slab\":{\"pages\":2,\"compound_heads\":1,\"compound_tails\":1,\"user_mapped\":0}" actual &&
	grep -q "},\"pages\":2,\"runs\":1,\"pagetable_by_struct_page\":{}}$" actual
'

test_expect 'reserved and hwpoison when VMCOREINFO has their numbers' '
	printf "meta NUMBER(PG_reserved)=12\nmeta NUMBER(PG_hwpoison)=23\nmeta NUMBER(HUGETLB_PAGE_DTOR)=2\nmeta OFFSET(page.compound_dtor)=16\nset 0x4210080 = 0x1000\nset 0x4210040 = 0x800000\n" |
		variant &&
	ptkit pages --range=0x401+2 variant.img >actual 2>err &&
	grep -q "^0x0000000401-0x0000000402          1  hwpoison$" actual &&
	grep -q "^0x0000000402-0x0000000403          1  reserved$" actual &&
	test ! -s err
'

test_expect 'a page table the allocator has free: exit 1, named' '
	echo "set 0x4240030 = 0xffffff7f" | variant &&
	must_fail 1 ptkit pages --summary variant.img >actual 2>err &&
	grep -q "^ptkit pages: .variant.img.: 1 page table in use that the allocator has free, the first at PFN 0x1000$" err &&
	grep -q "^pagetable                 5 " actual &&
	grep -q "^page tables by their struct pages: unreferenced 4, free 1$" actual
'

test_expect 'a compound tail whose head is no struct page: its own kind' '
	echo "set 0x420c048 = 0xffffea000000c041" | variant &&
	ptkit pages --range=0x300+2 variant.img >actual 2>/dev/null &&
	grep -q "^0x0000000300-0x0000000301          1  slab$" actual &&
	grep -q "^0x0000000301-0x0000000302          1  unreferenced$" actual
'

test_expect 'a missing struct page key is named: exit 3' '
	echo "meta OFFSET(page._mapcount)=x" | variant &&
	must_fail 3 ptkit pages variant.img >/dev/null 2>err &&
	grep -q "VMCOREINFO has no OFFSET(page._mapcount), needed to tell what pages are" err &&
	echo "meta SIZE(page)=8" | variant &&
	must_fail 3 ptkit pages variant.img >/dev/null 2>err &&
	grep -q "struct page layout that does not fit SIZE(page)" err
'

test_expect 'no vmemmap known: exit 3, saying so' '
	ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null &&
	must_fail 3 ptkit pages small.img >/dev/null 2>err &&
	grep -q "the vmemmap base is not known" err
'

test_expect 'usage errors: exit 2' '
	must_fail 2 ptkit pages --range=zz pages.img 2>/dev/null &&
	must_fail 2 ptkit pages --format=xml pages.img 2>/dev/null &&
	must_fail 2 ptkit pages 2>/dev/null
'

# The direct map of pages.spec with the file page 0x401 taken out, as
# secretmem would: a 2M piece mapped by 4K pages, one of them absent.
sed "s/^map 0xffff888000000000 0 128M 2m rw nx g a d$/map 0xffff888000000000 0 4M 2m rw nx g a d\\
map 0xffff888000400000 0x400000 0x1000 4k rw nx g a d\\
map 0xffff888000402000 0x402000 0x1fe000 4k rw nx g a d\\
map 0xffff888000600000 0x600000 122M 2m rw nx g a d/" pages.spec >holed.spec &&
ptkit mkimage -o holed.img holed.spec >/dev/null || exit 1

test_expect 'unmapped: what the pages of each hole are' '
	cat >expect <<-\EOT &&
	PFN                            PAGES  VIRTUAL             LEVEL  WHAT THE PAGES ARE
	0x0000000401-0x0000000402          1  0xffff888000401000  pte    file 1
	total: 1 pages (4K) in 1 hole
	EOT
	ptkit unmapped holed.img >actual &&
	test_cmp expect actual &&
	echo "{\"pfn\":\"0x401\",\"end_pfn\":\"0x402\",\"pages\":1,\"va\":\"0xffff888000401000\",\"level\":\"pte\",\"kinds\":{\"file\":1}}" >expect &&
	ptkit unmapped --format=json holed.img >actual &&
	test_cmp expect actual
'

test_expect 'stats --splits: each piece mapped by smaller pages, and why' '
	cat >expect <<-\EOT &&
	SIZE  PFN           VIRTUAL             PRESENT   ABSENT  WHAT THE PAGES ARE
	1G    0x0000000000  0xffff888000000000    32767        1  no-struct-page 32506, unreferenced 233, free 17, pagetable 6, slab 2, offline 1, anon 1, file 1, kernel 1; absent: file 1
	2M    0x0000000400  0xffff888000400000      511        1  no-struct-page 448, unreferenced 60, offline 1, anon 1, file 1, kernel 1; absent: file 1
	total: 1 1G and 1 2M pieces mapped by smaller pages
	EOT
	ptkit stats --splits holed.img >actual &&
	test_cmp expect actual &&
	ptkit stats --splits --format=json holed.img | tail -n 1 >actual &&
	echo "{\"size\":\"2M\",\"pfn\":\"0x400\",\"va\":\"0xffff888000400000\",\"present\":511,\"absent\":1,\"kinds\":{\"no-struct-page\":448,\"offline\":1,\"unreferenced\":60,\"anon\":1,\"file\":1,\"kernel\":1},\"absent_kinds\":{\"file\":1}}" >expect &&
	test_cmp expect actual
'

test_expect 'without struct pages: the pieces alone, and why not more' '
	ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null &&
	ptkit stats --splits small.img >actual 2>err &&
	cat >expect <<-\EOT &&
	SIZE  PFN           VIRTUAL             PRESENT   ABSENT
	1G    0x0000000000  0xffff888000000000    16384        0
	2M    0x0000000000  0xffff888000000000      512        0
	total: 1 1G and 1 2M pieces mapped by smaller pages
	EOT
	test_cmp expect actual &&
	grep -q "cannot tell what the pages are: the vmemmap base is not known" err
'

test_expect 'replay --image seeds the model: the trace meets the dump' '
	printf "# ptkit-trace 1\nalloc 0x100 3 1\nfree 0x400 0\nalloc 0x110 0 1\n" >seeded.trace &&
	ptkit replay --policy=none --format=json --image pages.img seeded.trace >actual &&
	grep -q "\"model\":{\"allocated\":9,\"freed\":1,\"unmatched_free\":0,\"double_alloc\":0,\"double_free\":0,\"out_of_range\":0},\"seed\":{\"free_pages\":17,\"free_blocks\":3,\"in_use\":6,\"pcp\":233}}$" actual &&
	ptkit replay --policy=none --format=json --no-seed --image pages.img seeded.trace >actual &&
	grep -q "\"model\":{\"allocated\":9,\"freed\":1,\"unmatched_free\":1,\"double_alloc\":0,\"double_free\":0,\"out_of_range\":0}}$" actual
'

done_testing
