#!/bin/bash
# ptkit mkimage: specs, presets, errors by line, atomic output; the round
# trip spec -> image -> walk.
. "$(dirname "$0")/lib.sh"

test_expect 'round trip: every map line comes back as one run' '
	cat >rt.spec <<-\EOT &&
	levels 4
	ram 0-4G
	map 0x1000 0x10000 0x3000 4k rw us a
	map 0x4000 0x20000 0x1000 4k rw us
	map 0x5000 0x21000 0x1000 4k rw us pkey=9
	map 0x200000 0x400000 0x400000 2m nx g pat
	map 0x600000 0xa00000 0x200000 2m nx g pcd
	map 0x40000000 0x40000000 0x80000000 1g rw
	map 0x7fffffe00000 0x200000 0x200000 2m us rw nx
	map 0xffff888000000000 0 0x1000 4k pkey=5 nx pwt
	map 0xffffffffff600000 0x5000 0x1000 4k us
	EOT
	ptkit mkimage -o rt.img rt.spec >/dev/null &&
	ptkit walk --format=json rt.img >actual &&
	grep "^map" rt.spec | while read -r _ va pa size page flags; do
		case $page in 4k) bytes=4096 lvl=pte;; 2m) bytes=2097152 lvl=pmd;;
			1g) bytes=1073741824 lvl=pud;; esac
		size=$((size))
		has() { case " $flags " in *" $1 "*) echo true;; *) echo false;; esac; }
		pkey=$(echo "$flags" | sed -n "s/.*pkey=\\([0-9]*\\).*/\\1/p")
		printf "{\"va\":\"0x%x\",\"end\":\"0x%x\",\"pa\":\"0x%x\",\"page\":%d,\"level\":\"%s\",\"count\":%d,\"rw\":%s,\"us\":%s,\"nx\":%s,\"g\":%s,\"pwt\":%s,\"pcd\":%s,\"pat\":%s,\"pkey\":%d}\n" \
			$((va)) $((va + size)) $((pa)) $bytes $lvl $((size / bytes)) \
			$(has rw) $(has us) $(has nx) $(has g) $(has pwt) $(has pcd) \
			$(has pat) ${pkey:-0}
	done >expect &&
	test_cmp expect actual
'

test_expect 'spec mistakes name the file and line; nothing is written' '
	printf "levels 4\nmap 0x1000 0x1000 0x1000 4k rw\nmap 0x1000 0x2000 0x1000 4k\n" >dup.spec &&
	must_fail 3 ptkit mkimage -o dup.img dup.spec 2>err &&
	test "$(cat err)" = "ptkit mkimage: dup.spec:3: 0x1000 is already mapped at the pte level" &&
	test ! -e dup.img &&
	printf "levels 4\n\nmap 0x1000 0x1000 0x1000 4k rw shiny\n" >flag.spec &&
	must_fail 3 ptkit mkimage -o x.img flag.spec 2>err &&
	grep -q "^ptkit mkimage: flag.spec:3: unknown flag .shiny." err &&
	printf "levels 6\n" >lv.spec &&
	must_fail 3 ptkit mkimage -o x.img lv.spec 2>err &&
	grep -q "lv.spec:1: levels: expected" err &&
	printf "map 0x1000 0x1001 0x1000 4k\n" >al.spec &&
	must_fail 3 ptkit mkimage -o x.img al.spec 2>err &&
	grep -q "al.spec:1: .*not aligned" err &&
	printf "map 0x800000000000 0 0x1000 4k\n" >nc.spec &&
	must_fail 3 ptkit mkimage -o x.img nc.spec 2>err &&
	grep -q "nc.spec:1: .*canonical" err &&
	printf "region \"unterminated 0-1\n" >q.spec &&
	must_fail 3 ptkit mkimage -o x.img q.spec 2>err &&
	grep -q "q.spec:1: unterminated quote" err &&
	printf "frobnicate\n" >u.spec &&
	must_fail 3 ptkit mkimage -o x.img u.spec 2>err &&
	grep -q "u.spec:1: unknown directive .frobnicate." err &&
	test ! -e x.img &&
	must_fail 3 ptkit mkimage -o x.img no-such.spec 2>err &&
	grep -q "cannot open .no-such.spec." err
'

test_expect 'a failed build keeps the old output whole' '
	printf "map 0x1000 0x1000 0x1000 4k rw\n" >ok.spec &&
	ptkit mkimage -o out.img ok.spec >/dev/null &&
	cp out.img before.img &&
	must_fail 3 ptkit mkimage -o out.img dup.spec 2>/dev/null &&
	cmp before.img out.img &&
	test -z "$(ls | grep tmp)" &&
	must_fail 4 ptkit mkimage -o no/such/dir/x.img ok.spec 2>err &&
	grep -q "cannot create" err
'

test_expect 'raw entries: set TABLE[INDEX] = VALUE and set PA = VALUE' '
	cat >raw.spec <<-\EOT &&
	ram 0-16M
	root 0x100000
	set 0x100000[0] = 0x101067      # pgd[0] -> pud at 0x101000
	set 0x101000[1] = 0x400000e3    # pud[1]: a 1G leaf, RW, A, D
	set 0x101010 = 0x80000000800000e1 # pud[2]: 1G at 2G, ro, NX
	EOT
	ptkit mkimage -o raw.img raw.spec >/dev/null &&
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0x0000000040000000-0x0000000080000000     1G 0x0000000040000000 1G        1  RW x
	EOT
	ptkit walk raw.img >actual
	# Two 1G runs: RW x, then ro NX.
	head -n 2 actual >first &&
	test_cmp expect first &&
	grep -q "0x0000000080000000-0x00000000c0000000.*ro NX" actual
'

test_expect 'presets: list, print, build; print-spec | mkimage - is the same' '
	ptkit mkimage --list-presets >list &&
	grep -q "^linux " list && grep -q "^linux-la57 " list &&
	grep -q "^direct-4k " list &&
	ptkit mkimage --preset=linux --ram=1G -o a.img >/dev/null &&
	ptkit mkimage --preset=linux --ram=1G --print-spec >linux.spec &&
	ptkit mkimage -o b.img - <linux.spec >/dev/null &&
	ptkit walk a.img >wa && ptkit walk b.img >wb && test_cmp wa wb &&
	must_fail 2 ptkit mkimage --preset=nope -o x.img 2>err &&
	grep -q "no preset named .nope." err &&
	must_fail 2 ptkit mkimage --preset=linux --ram=100M -o x.img 2>err
'

test_expect 'linux preset: ptdump markers and kernel text where Linux has them' '
	ptkit mkimage --preset=linux -o l.img >/dev/null &&
	ptkit walk --format=ptdump l.img >pt &&
	grep "^---" pt >markers &&
	cat >expect <<-\EOT &&
	---[ User Space ]---
	---[ Kernel Space ]---
	---[ Low Kernel Mapping ]---
	---[ vmalloc() Area ]---
	---[ Vmemmap ]---
	---[ CPU entry Area ]---
	---[ High Kernel Mapping ]---
	---[ Modules ]---
	---[ Fixmap Area ]---
	EOT
	test_cmp expect markers &&
	grep -q "^0xffffffff81000000-0xffffffff81c00000          12M     ro         PSE     GLB x  pmd$" pt &&
	grep -q "^0xffff888040000000-0xffff888100000000           3G     RW         PSE     GLB NX pud$" pt &&
	ptkit translate l.img 0xffffffff81000000 | head -n 1 >t &&
	echo "0xffffffff81000000 -> 0x0000000001000000  2M pmd  kernel ro x GLB" >expect &&
	test_cmp expect t
'

test_expect 'linux-la57 preset: 5-level, the 5-level direct map' '
	ptkit mkimage --preset=linux-la57 --ram=1G -o la.img >/dev/null &&
	ptkit info la.img | grep -q "^paging:   5-level, 57-bit virtual" &&
	ptkit translate la.img 0xff11000000201000 >t &&
	head -n 1 t | grep -q -- "-> 0x0000000000201000  2M pmd" &&
	test "$(grep -c "^  p" t)" = 4
'

test_expect 'direct-4k preset: every page of RAM, 4K each' '
	ptkit mkimage --preset=direct-4k --ram=1G -o d.img >/dev/null &&
	ptkit walk d.img | tail -n 1 >actual &&
	echo "0xffff888000000000-0xffff888040000000     1G 0x0000000000000000 4K   262144  RW GLB NX" >expect &&
	test_cmp expect actual
'

done_testing
