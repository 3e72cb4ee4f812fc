#!/bin/sh
# ptkit edit: operations from -e and scripts, the journal, errors by line,
# the input never written; check and diff on the results.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
ptkit mkimage -o d.img "$DATA/direct1g.spec" >/dev/null || exit 1
cp small.img small.orig

test_expect 'operations and the journal, in command-line order' '
	cat >script <<-\EOT &&
	# give the kernel text a writable page, then think better of it
	protect 0xffffffff81400000 0x1000 +rw
	undo
	unmap 0x400000 0x1000
	EOT
	cat >expect <<-\EOT &&
	   1  split 0xffff888040000000  (513 entries)
	   2  protect 0xffff888040000000 0x200000 -rw +nx pkey=3  (1 entries)
	   3  unmap 0x400000 0x1000  (1 entries)
	   4  map 0x10000000 0x5000000 0x2000 4k  (3 entries)
	   5  collapse 0xffff888000000000 pmd  (1 entries)
	out.img: 5 operations, 14 table pages
	EOT
	ptkit edit small.img -o out.img --pool=0x3800000-0x4000000 \
		-e "split 0xffff888040000000" \
		-e "protect 0xffff888040000000 0x200000 -rw +nx pkey=3" \
		-s script \
		-e "map 0x10000000 0x5000000 0x2000 4k rw us" \
		-e "collapse 0xffff888000000000 pmd" >actual &&
	test_cmp expect actual &&
	cmp small.img small.orig
'

test_expect 'diff shows each edit' '
	cat >expect <<-\EOT &&
	---[ User Space ]---
	unmapped    0x0000000000400000-0x0000000000401000     4K  4K 0x3000000 USR ro x
	mapped      0x0000000010000000-0x0000000010002000     8K  4K 0x5000000 USR RW x
	---[ Low Kernel Mapping ]---
	page-size   0xffff888000000000-0xffff888000200000     2M  4K 0x0 RW GLB NX -> 2M 0x0 RW GLB NX
	size+prot   0xffff888040000000-0xffff888040200000     2M  1G 0x40000000 RW GLB NX -> 2M 0x40000000 ro GLB NX
	page-size   0xffff888040200000-0xffff888080000000  1022M  1G 0x40200000 RW GLB NX -> 2M 0x40200000 RW GLB NX
	EOT
	must_fail 1 ptkit diff small.img out.img >actual &&
	test_cmp expect actual &&
	ptkit walk --entries --format=json --range=0xffff888040000000+0x200000 \
		out.img >entry &&
	grep -q "\"pkey\":3,\"entry\":\"0x9800000040000181\"" entry &&
	ptkit diff --format=json small.img out.img | sed -n 2p >json &&
	echo "{\"change\":\"mapped\",\"va\":\"0x10000000\",\"end\":\"0x10002000\",\"region\":\"User Space\",\"before\":null,\"after\":{\"present\":true,\"pa\":\"0x5000000\",\"page\":4096,\"rw\":true,\"us\":true,\"nx\":false,\"g\":false,\"pwt\":false,\"pcd\":false,\"pat\":false,\"pkey\":0}}" >expect &&
	test_cmp expect json
'

test_expect 'a bad line names file and line; nothing is written' '
	printf "split 0xffff888040000000\n\nfrobnicate 1 2\n" >bad &&
	must_fail 3 ptkit edit small.img -o never.img -s bad 2>err &&
	test "$(cat err)" = "ptkit edit: bad:3: unknown operation '"'"'frobnicate'"'"' (map, unmap, protect, split, collapse, root, set, undo, or NAME:PFN[+COUNT])" &&
	test ! -e never.img &&
	must_fail 3 ptkit edit small.img -o never.img -e "split 0x400000" 2>err &&
	grep -q "^ptkit edit: -e 1:1: 0x400000 is not mapped by a large page$" err &&
	must_fail 3 ptkit edit small.img -o never.img -e "map 0x400000 0 0x1000 4k" 2>err &&
	grep -q "is already mapped" err &&
	must_fail 3 ptkit edit small.img -o never.img -e undo 2>err &&
	grep -q "nothing to undo" err &&
	test ! -e never.img &&
	cmp small.img small.orig &&
	must_fail 2 ptkit edit small.img -o x.img 2>err &&
	grep -q "no edits" err
'

test_expect 'direct-map calls in a script; new tables from free RAM' '
	printf "invalid:0x40000+2\nro:0x80000+512\n" >calls &&
	ptkit edit d.img -o e.img -s calls >actual &&
	grep -q "^   1  invalid:0x40000+2  (1028 entries)$" actual &&
	ptkit stats e.img | grep ^DirectMap >dm &&
	cat >expect <<-\EOT &&
	DirectMap4k:        2048 kB
	DirectMap2M:     2095104 kB
	DirectMap1G:     2097152 kB
	EOT
	test_cmp expect dm
'

test_expect 'check: W+X and user-reachable kernel pages are findings' '
	ptkit edit small.img -o wx.img \
		-e "protect 0xffffffff81400000 0x1000 +rw -nx" \
		-e "protect 0xffff888000001000 0x1000 +us" >/dev/null &&
	cat >expect <<-\EOT &&
	user         0xffff888000001000-0xffff888000002000 kernel mapping user code can reach, pte entry 0x8000000000001167 at 0x109008
	not-ram      0xffff888004000000-0xffff888040000000 direct map maps memory that is not RAM, pmd entry 0x80000000040001e3 at 0x108100 (the first of a run)
	not-ram      0xffff888040000000-0xffff888080000000 direct map maps memory that is not RAM, pud entry 0x8000000040000183 at 0x107008
	wx           0xffffffff81400000-0xffffffff81401000 writable and executable kernel mapping, pte entry 0x000000000140011b at 0x10c000
	wx           1 entries
	user         1 entries
	not-ram      481 entries
	EOT
	must_fail 1 ptkit check wx.img >actual 2>err &&
	test_cmp expect actual &&
	echo "ptkit check: '"'"'wx.img'"'"': 483 findings (wx 1, user 1, not-ram 481)" >expect &&
	test_cmp expect err
'

test_expect 'check: a clean image passes, bad entries are findings' '
	ptkit check d.img >actual &&
	echo "passed: no W+X or user-accessible kernel mappings, no bad entries, no shared tables" >expect &&
	test_cmp expect actual &&
	ptkit mkimage -o bad.img "$DATA/bad.spec" >/dev/null &&
	must_fail 1 ptkit check --format=json bad.img >actual &&
	test "$(grep -c "\"finding\":\"bad-entry\"" actual)" = 3 &&
	printf "ram 0-16M\ntables 1M-2M\nmap 0x200000 0x800000 0x1000 4k rw\nset 0x100000[1] = 0x101067\n" >shared.spec &&
	ptkit mkimage -o shared.img shared.spec >/dev/null &&
	must_fail 1 ptkit check shared.img >actual &&
	grep -q "^shared-table 0x0000008000000000-0x0000010000000000 table reached twice, pgd entry 0x0000000000101067" actual
'

done_testing
