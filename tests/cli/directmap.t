#!/bin/sh
# ptkit directmap: scattered pages leave a 1G-mapped direct map, with the
# exact splits, table pages, flushes and DirectMap lines the kernel's
# rules give; then stats, unmapped and diff on the result.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o d.img "$DATA/direct1g.spec" >/dev/null || exit 1

# Pages 0x10-0x11 and 0x300 in the first GiB (two 2M pages), 0x40000 in
# the second, 0xc0000-0xc0003 in the fourth: 3 GiB pages split to 2M and
# four 2M pages split to 4K.
OPS="invalid:0x10+2 invalid:0x300 invalid:0x40000 invalid:0xc0000+4"

test_expect 'text: splits, tables, flushes, DirectMap before and after' '
	cat >expect <<-\EOT &&
	direct map at 0xffff888000000000
	  invalid:0x10+2
	  invalid:0x300
	  invalid:0x40000
	  invalid:0xc0000+4
	direct_map_level3_splits 3
	direct_map_level2_splits 4
	page-table pages 7
	TLB flushes 11: 8 pages one by one, 7 of everything (15 flush calls)
	  all (flush_tlb_all after a split)
	  all (flush_tlb_all after a split)
	  0xffff888000010000-0xffff888000012000 2 pages
	  all (flush_tlb_all after a split)
	  0xffff888000300000-0xffff888000301000 1 pages
	  all (flush_tlb_all after a split)
	  all (flush_tlb_all after a split)
	  0xffff888040000000-0xffff888040001000 1 pages
	  all (flush_tlb_all after a split)
	  all (flush_tlb_all after a split)
	  0xffff8880c0000000-0xffff8880c0004000 4 pages
	                   before        after
	DirectMap4k:         0 kB      8192 kB
	DirectMap2M:         0 kB   3137536 kB
	DirectMap1G:   4194304 kB   1048576 kB
	EOT
	ptkit directmap d.img $OPS -o after.img >actual &&
	test_cmp expect actual
'

test_expect 'json: the documented keys' '
	cat >expect <<-\EOT &&
	{"splits":{"level3":3,"level2":4},"table_pages":7,"flushes":[{"all":true},{"all":true},{"start":"0xffff888000010000","end":"0xffff888000012000"},{"all":true},{"start":"0xffff888000300000","end":"0xffff888000301000"},{"all":true},{"all":true},{"start":"0xffff888040000000","end":"0xffff888040001000"},{"all":true},{"all":true},{"start":"0xffff8880c0000000","end":"0xffff8880c0004000"}],"flush_calls":15,"flush_pages":8,"global_flushes":7,"before":{"4k":0,"2m":0,"1g":4194304},"after":{"4k":8192,"2m":3137536,"1g":1048576}}
	EOT
	ptkit directmap --format=json d.img $OPS >actual &&
	test_cmp expect actual
'

test_expect 'the saved image: stats agrees, unmapped finds the pages' '
	ptkit stats after.img | grep ^DirectMap >actual &&
	cat >expect <<-\EOT &&
	DirectMap4k:        8192 kB
	DirectMap2M:     3137536 kB
	DirectMap1G:     1048576 kB
	EOT
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	PFN                            PAGES  VIRTUAL             LEVEL
	0x0000000010-0x0000000012          2  0xffff888000010000  pte
	0x0000000300-0x0000000301          1  0xffff888000300000  pte
	0x0000040000-0x0000040001          1  0xffff888040000000  pte
	0x00000c0000-0x00000c0004          4  0xffff8880c0000000  pte
	total: 8 pages (32K) in 4 holes
	EOT
	ptkit unmapped after.img >actual &&
	test_cmp expect actual &&
	ptkit unmapped --format=json after.img | head -n 1 >actual &&
	echo "{\"pfn\":\"0x10\",\"end_pfn\":\"0x12\",\"pages\":2,\"va\":\"0xffff888000010000\",\"level\":\"pte\"}" >expect &&
	test_cmp expect actual
'

test_expect 'an invalidated entry keeps its PFN, inverted as L1TF wants; new tables at the top of RAM' '
	ptkit translate --format=json after.img 0xffff888000010000 >actual
	test $? -eq 1 &&
	cat >expect <<-\EOT &&
	{"va":"0xffff888000010000","pa":null,"page":null,"level":"pte","mapped":false,"reason":"not present","path":[{"level":"pgd","index":273,"table":"0x100000","entry":"0x101067"},{"level":"pud","index":0,"table":"0x101000","entry":"0xfffff063"},{"level":"pmd","index":0,"table":"0xfffff000","entry":"0xffffe063"},{"level":"pte","index":16,"table":"0xffffe000","entry":"0x800ffffffffef060"}]}
	EOT
	test_cmp expect actual
'

test_expect 'diff shows what the calls did' '
	must_fail 1 ptkit diff d.img after.img >actual &&
	head -n 4 actual >first &&
	cat >expect <<-\EOT &&
	---[ Low Kernel Mapping ]---
	page-size   0xffff888000000000-0xffff888000010000    64K  1G 0x0 RW GLB NX -> 4K 0x0 RW GLB NX
	unmapped    0xffff888000010000-0xffff888000012000     8K  1G 0x10000 RW GLB NX -> np 4K 0x10000 ro NX
	page-size   0xffff888000012000-0xffff888000300000  3000K  1G 0x12000 RW GLB NX -> 4K 0x12000 RW GLB NX
	EOT
	test_cmp expect first &&
	test "$(grep -c ^unmapped actual)" = 4
'

test_expect 'whole-cover and same-protection requests keep large pages' '
	ptkit directmap --format=json d.img ro:0x40000+262144 nx:0x80000+512 \
		>actual &&
	grep -q "^{\"splits\":{\"level3\":0,\"level2\":0},\"table_pages\":0," actual &&
	grep -q "\"after\":{\"4k\":0,\"2m\":0,\"1g\":4194304}}$" actual
'

test_expect 'set_direct_map_default after invalid: P and RW back, no merge' '
	ptkit directmap d.img invalid:0x10 default:0x10 -o back.img >/dev/null &&
	ptkit unmapped back.img | tail -n 1 >actual &&
	echo "total: 0 pages (0) in 0 holes" >expect &&
	test_cmp expect actual &&
	ptkit stats back.img | grep ^DirectMap4k >actual &&
	echo "DirectMap4k:        2048 kB" >expect &&
	test_cmp expect actual
'

test_expect 'a hole below max_pfn_mapped is passed over, as __cpa_process_fault() does' '
	cat >hole.spec <<-\EOT &&
	ram 0-16M
	tables 8M-9M
	region "Low Kernel Mapping" 0xffff888000000000-0xffffc88000000000
	region "High Kernel Mapping" 0xffffffff80000000-0xffffffffc0000000
	map 0xffff888000000000 0 0x100000 4k rw nx g
	map 0xffff888000200000 0x200000 0x200000 4k rw nx g
	map 0xffffffff81000000 0xa00000 0x1000 4k nx g
	set 0xa00000 = 0x400
	EOT
	ptkit mkimage -o hole.img hole.spec >/dev/null &&
	must_fail 2 ptkit directmap hole.img invalid:0xf0+0x120 2>err &&
	grep -q "invalid:0xf0+288: 0xffff888000100000 is not mapped (pte entry at 0x[0-9a-f]* is zero)$" err &&
	echo "meta SYMBOL(max_pfn_mapped)=ffffffff81000000" >>hole.spec &&
	ptkit mkimage -o hole2.img hole.spec >/dev/null &&
	ptkit directmap hole2.img invalid:0xf0+0x120 -o out.img >/dev/null &&
	ptkit unmapped out.img | sed -n 2p >actual &&
	echo "0x00000000f0-0x0000000210        288  0xffff8880000f0000  pte" >expect &&
	test_cmp expect actual &&
	# above max_pfn_mapped a hole is still a fault
	must_fail 2 ptkit directmap hole2.img invalid:0x3f0+0x20 2>err &&
	grep -q "0xffff888000400000 is not mapped" err
'

test_expect 'no free RAM: new tables past its end, said in one line; the image walks' '
	cat >full.spec <<-\EOT &&
	ram 0-0x106000
	tables 0x100000-0x106000
	region "Low Kernel Mapping" 0xffff888000000000-0xffffc88000000000
	map 0xffff888000000000 0 2M 2m rw nx g
	map 0xffffffff80000000 0 1M 4k nx g
	EOT
	ptkit mkimage -o full.img full.spec >/dev/null &&
	ptkit directmap full.img invalid:0x10 -o fo.img >out &&
	grep -q "^  1 of them past the end of RAM, from 0x200000: the source has no free RAM left (--pool places them)$" out &&
	ptkit directmap --format=json full.img invalid:0x10 |
		grep -q ",\"table_pages_beyond_ram\":1,\"beyond_ram_from\":\"0x200000\"}$" &&
	ptkit walk --format=json fo.img | grep -c "\"level\":\"pte\"" >actual &&
	echo 3 >expect && test_cmp expect actual &&
	must_fail 1 ptkit diff --region=direct-map full.img fo.img >d &&
	grep -q "^unmapped    0xffff888000010000-0xffff888000011000" d &&
	ptkit edit -o fe.img -e "invalid:0x10" full.img >out &&
	grep -q "^fe.img: 1 new table pages past the end of RAM, from 0x200000" out
'

test_expect 'errors: bad op is usage, a pfn outside the direct map is named' '
	must_fail 2 ptkit directmap d.img frob:0x10 2>err &&
	grep -q "is not NAME:PFN" err &&
	must_fail 2 ptkit directmap d.img invalid:0x100000 2>err &&
	grep -q "invalid:0x100000+1: 0xffff888100000000 is not mapped" err &&
	must_fail 2 ptkit directmap d.img 2>err
'

done_testing
