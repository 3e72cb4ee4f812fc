#!/bin/sh
# ptkit tui: golden screens in scripted mode, then the real program in a
# terminal, driven through tmux as a person would.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1

test_expect 'the first screen: the overview, counted, each line a way in' '
	cat >expect <<-\EOT &&
	overview  small.img
	>source   small.img (ELF core (libelf))
	 paging   4-level, root 0x100000 from PTKIT_ROOT in the image
	 kernel   not known (no VMCOREINFO release)
	 RAM      64M in 1 range
	 REGIONS                      MAPPED       4K     2M   1G
	 User Space                      24K        6      0    0
	 Low Kernel Mapping               2G      512    511    1
	 High Kernel Mapping           4104K        2      2    0
	 DIRECT MAP
	   DirectMap4k: 4096 kB  DirectMap2M: 1044480 kB  DirectMap1G: 1048576 kB
	   2048 kB of DirectMap4k are the kernel image'"'"'s 1 split 2M page, which the kernel counts too
	 CHECK: 481 findings (not-ram 481) in 2 runs
	   not-ram      0xffff888004000000-0xffff888040000000 pmd direct map maps memory that is not RAM
	   not-ram      0xffff888040000000-0xffff888080000000 pud direct map maps memory that is not RAM
	 UNMAPPED: 0 holes, 0 pages (0) of RAM the direct map does not map

	Enter:go t:tables d:direct map ?:help q:quit
	EOT
	ptkit tui --keys "" --size 100x18 small.img >actual &&
	test_cmp expect actual &&
	ptkit check small.img >check 2>/dev/null;
	grep -q "^not-ram      481 entries" check &&
	ptkit stats small.img | tail -n 3 | tr -s " " >stats &&
	grep -q "^DirectMap4k: 4096 kB" stats && grep -q "^DirectMap1G: 1048576 kB" stats
'

test_expect 'the tables open at the first present entry of the kernel half' '
	cat >expect <<-\EOT &&
	pgd 0x100000
	 IDX  VIRTUAL           ENTRY             FLAGS                  KIND
	 270  ffff870000000000  0000000000000000                         -
	 271  ffff878000000000  0000000000000000                         -
	 272  ffff880000000000  0000000000000000                         -
	>273  ffff888000000000  0000000000107067  RW USR A               pud 0x107000
	pgd 273/512  4 present  ?:help q:back
	EOT
	ptkit tui --keys "t" --size 80x7 small.img >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	pgd 0x100000
	 IDX  VIRTUAL           ENTRY             FLAGS                  KIND
	>  0  0000000000000000  0000000000101067  RW USR A               pud 0x101000
	   1  0000008000000000  0000000000000000                         -
	   2  0000010000000000  0000000000000000                         -
	   3  0000018000000000  0000000000000000                         -
	pgd 0/512  4 present  ?:help q:back
	EOT
	ptkit tui --keys "t<Home>" --size 80x7 small.img >actual &&
	test_cmp expect actual &&
	ptkit tui --keys "<Enter>" --size 80x7 small.img >actual &&
	grep -q "^>273  ffff888000000000" actual &&
	ptkit tui --keys "tq" --size 80x4 small.img >actual &&
	grep -q "^>source   small.img" actual
'

test_expect 'overview: Enter on a region, the DirectMap line, a finding' '
	ptkit tui --keys "jjjj<Enter>" --size 90x5 small.img >actual &&
	grep -q "^pgd 0x100000 > \[511\] pud 0x10a000 > \[510\] pmd 0x10b000$" actual &&
	grep -q "^>  8  ffffffff81000000  0000000001001181  GLB PAT                2M 0x1000000$" actual &&
	grep -q "High Kernel Mapping: its first mapping" actual &&
	ptkit tui --keys "jjjjj<Enter>" --size 90x8 small.img >actual &&
	grep -q "^direct map at 0xffff888000000000: 2M per cell" actual &&
	ptkit tui --keys "jjjjj<Enter>q" --size 90x8 small.img >actual &&
	grep -q "^>  DirectMap4k: 4096 kB" actual &&
	ptkit tui --keys "<End><Enter>" --size 90x4 small.img >actual &&
	grep -q "^pgd 0x100000 > \[273\] pud 0x107000$" actual &&
	grep -q "^>  1  ffff888040000000  8000000040000183  RW GLB NX" actual &&
	ptkit tui --keys "<End>k<Enter>" --size 90x4 small.img >actual &&
	grep -q "^> 32  ffff888004000000  80000000040001e3" actual &&
	ptkit tui --keys "QQ" --size 90x4 small.img >actual &&
	grep -q "^overview  small.img" actual
'

test_expect 'goto a virtual address: the path down, the entry under the cursor' '
	cat >expect <<-\EOT &&
	pgd 0x100000 > [273] pud 0x107000 > [0] pmd 0x108000
	 IDX  VIRTUAL           ENTRY             FLAGS                  KIND
	   0  ffff888000000000  0000000000109067  RW USR A               pte 0x109000
	>  1  ffff888000200000  80000000002001e3  RW A D GLB NX          2M 0x200000
	   2  ffff888000400000  80000000004001e3  RW A D GLB NX          2M 0x400000
	pmd 1/512  0xffff888000201000: pmd entry 1; 512 present  ?:help q:back
	EOT
	ptkit tui --keys "g0xffff888000201000<Enter>" --size 80x6 small.img >actual &&
	test_cmp expect actual
'

test_expect 'the entry view: every bit, the effective permissions' '
	cat >expect <<-\EOT &&
	pgd 0x100000 > [273] pud 0x107000 > [0] pmd 0x108000
	pmd entry 1 at 0x108008: 0x80000000002001e3
	maps       ffff888000200000-ffff8880003fffff
	frame      0x200000
	  P      set
	  RW     set
	  USR    -
	  PWT    -
	  PCD    -
	  A      set
	  D      set
	  PSE    set
	  GLB    set
	  PAT    -
	  NX     set
	  pkey   0
	effective: writable kernel no-exec
	pmd 1/512    ?:help q:back
	EOT
	ptkit tui --keys "g0xffff888000201000<Enter>e" --size 80x18 small.img >actual &&
	test_cmp expect actual &&
	ptkit tui --keys "g0xffff888000201000<Enter>eq" --size 80x6 small.img >actual &&
	grep -q "^>  1  ffff888000200000" actual
'

test_expect 'Enter descends, Backspace comes back; n and N find present entries' '
	ptkit tui --keys "t<Home><Enter>" --size 80x4 small.img >actual &&
	grep -q "^pgd 0x100000 > \[0\] pud 0x101000$" actual &&
	ptkit tui --keys "t<Home><Enter><BS>j" --size 80x4 small.img >actual &&
	grep -q "^pgd 1/512 " actual &&
	ptkit tui --keys "t<Home>nn<End>N" --size 80x4 small.img >actual &&
	grep -q "^>273  ffff888000000000  0000000000107067" actual &&
	ptkit tui --keys "t<Home><BS>" --size 80x4 small.img >actual &&
	grep -q "^pgd 0/512  at the root; 4 present" actual
'

test_expect 'p goes through the direct map; bad addresses are said, not fatal' '
	ptkit tui --keys "p0x400000<Enter>" --size 80x4 small.img >actual &&
	grep -q "^pmd 2/512  0xffff888000400000: pmd entry 2; " actual &&
	ptkit tui --keys "gzz<Enter>" --size 100x4 small.img >actual &&
	grep -q "^pgd 273/512  .zz. is not an address or a kernel symbol; 4 present" actual &&
	ptkit tui --keys "pzz<Enter>" --size 100x4 small.img >actual &&
	grep -q "^pgd 273/512  .zz. is not an address; 4 present" actual &&
	ptkit tui --keys "g0x800000000000<Enter>" --size 100x4 small.img >actual &&
	grep -q "^pgd 273/512  0x800000000000 is not canonical; 4 present" actual
'

test_expect 'help is the key table' '
	ptkit tui --keys "?" --size 80x24 small.img >actual &&
	grep -q "^  g                  go to a virtual address or a kernel symbol$" actual &&
	test $(grep -c "^  [^ ]" actual) = 14 &&
	grep -q "^keys 1-21 of 30  j k PgDn PgUp:scroll q:back" actual &&
	ptkit tui --keys "?<PgDn>" --size 80x24 small.img >actual &&
	grep -q "^  Q                  quit$" actual &&
	ptkit tui --keys "??" --size 80x4 small.img >actual &&
	grep -q "^>source" actual &&
	ptkit tui --keys "t??" --size 80x4 small.img >actual &&
	grep -q "^ IDX" actual
'

test_expect 'a table that points back up is a message, not a hang' '
	printf "levels 4\nram 0-16M\ntables 1M-2M\nmap 0x400000 0x800000 0x1000 4k rw\nset 0x100000[5] = 0x100067\n" >loop.spec &&
	ptkit mkimage -o loop.img loop.spec >/dev/null &&
	ptkit tui --keys "t<Home>jjjjj<Enter>" --size 100x4 loop.img >actual &&
	grep -q "^pgd 5/512  entry 5 points back to the pgd table at 0x100000: a loop" actual
'

test_expect 'scripted mode: --screen, bad key names, no terminal' '
	ptkit tui --keys "t<Home>j" --screen=screen.txt --size 80x4 small.img >out &&
	test ! -s out && grep -q "^>  1 " screen.txt &&
	ptkit tui --timing --keys "tj" --size 80x4 small.img 2>err >/dev/null &&
	grep -q "^ptkit tui: 2 keys, the slowest [0-9.]* ms (key [12]); the slowest slice of work between keys [0-9.]* ms$" err &&
	must_fail 2 ptkit tui --keys "<Nope>" small.img 2>err &&
	grep -q "unknown key name at .<Nope>." err &&
	must_fail 2 ptkit tui --size 10x2 --keys "" small.img 2>/dev/null &&
	must_fail 2 ptkit tui small.img </dev/null >/dev/null 2>err &&
	grep -q "must be a terminal" err
'

test_expect 'the direct map: a cell per 2M of RAM, the legend, the counters' '
	cat >expect <<-\EOT &&
	pgd 0x100000
	direct map at 0xffff888000000000: 2M per cell, 64 per row
	0x0000000000 42222222222222222222222222222222


	. not RAM  G 1G pages  2 2M pages  4 split to 4K  p partly unmapped  x unmapped
	DirectMap4k: 4096 kB  DirectMap2M: 1044480 kB  DirectMap1G: 1048576 kB
	0-0x200000 (pfn 0): split to 4K  ?:help q:back
	EOT
	ptkit tui --keys d --size 80x8 small.img >actual &&
	test_cmp expect actual &&
	ptkit tui --keys "d-" --size 80x8 small.img >actual &&
	grep -q "^direct map at 0xffff888000000000: 32M per cell, 64 per row$" actual &&
	grep -q "^0x0000000000 42$" actual &&
	ptkit tui --keys "dl<Enter>" --size 80x5 small.img >actual &&
	grep -q "^>  1  ffff888000200000  80000000002001e3" actual &&
	ptkit tui --keys d --size 80x5 loop.img >actual &&
	grep -q "no direct map known" actual
'

test_expect 'simulate set_direct_map_invalid on a cell, undo it, save it' '
	ptkit tui --keys "dlx" --size 80x8 small.img >actual &&
	grep -q "^0x0000000000 4x222222222222222222222222222222$" actual &&
	grep -q "^DirectMap4k: 6144 kB  DirectMap2M: 1042432 kB  DirectMap1G: 1048576 kB$" actual &&
	grep -q "^set_direct_map_invalid_noflush on 512 pages: 0 1G and 1 2M splits, 513 flushes" actual &&
	ptkit tui --keys "dlxu" --size 80x8 small.img >actual &&
	grep -q "^0x0000000000 42222222222222222222222222222222$" actual &&
	grep -q "^DirectMap4k: 4096 kB  DirectMap2M: 1044480 kB" actual &&
	ptkit tui --keys "dlxb" --size 80x8 small.img >actual &&
	grep -q "^0x0000000000 44222222222222222222222222222222$" actual &&
	ptkit tui --keys "dlxwsim.img<Enter>" --size 80x8 small.img >actual &&
	grep -q "^saved 14 table pages to sim.img " actual &&
	ptkit stats sim.img | tail -n 3 >stats &&
	printf "DirectMap4k:        6144 kB\nDirectMap2M:     1042432 kB\nDirectMap1G:     1048576 kB\n" >expect &&
	test_cmp expect stats &&
	ptkit unmapped sim.img | tail -n 1 >actual &&
	echo "total: 512 pages (2M) in 1 hole" >expect &&
	test_cmp expect actual &&
	ptkit tui --keys "du" --size 80x8 small.img | grep -q "nothing to undo"
'

test_expect 'search: / finds mappings by effective flags and size; n, N' '
	ptkit tui --keys "/user<Enter>" --size 90x4 small.img >actual &&
	grep -q "^pte 0/512  0x400000: pte entry 0 matches .user.; 4 present" actual &&
	ptkit tui --keys "/user<Enter>nnnn" --size 90x4 small.img >actual &&
	grep -q "^pte 478/512  0x7ffffffde000: pte entry 478 matches .user." actual &&
	ptkit tui --keys "/user<Enter>nnnnN" --size 90x4 small.img >actual &&
	grep -q "^pte 3/512  0x403000: " actual &&
	ptkit tui --keys "/x+k<Enter>" --size 90x4 small.img >actual &&
	grep -q "^pmd 8/512  0xffffffff81000000: pmd entry 8 matches .x+k." actual &&
	ptkit tui --keys "/1G<Enter>" --size 90x4 small.img >actual &&
	grep -q "^pud 1/512  0xffff888040000000: pud entry 1 matches .1G." actual &&
	ptkit tui --keys "/W+X<Enter>" --size 90x4 small.img >actual &&
	grep -q "no further match for .W+X." actual &&
	ptkit tui --keys "/bogus<Enter>" --size 90x4 small.img >actual &&
	grep -q ".bogus.: terms are W RO X NX U K G 4K 2M 1G" actual
'

test_expect 'regions: what each maps, as ptkit stats counts it; Enter goes there' '
	cat >expect <<-\EOT &&
	pgd 0x100000
	 REGION                 START              SIZE       MAPPED       4K     2M   1G
	>User Space             0000000000000000   128T          24K        6      0    0
	 Low Kernel Mapping     ffff888000000000   64T            2G      512    511    1
	 High Kernel Mapping    ffffffff80000000   1G          4104K        2      2    0
	?:help q:back
	EOT
	ptkit tui --keys r --size 90x6 small.img >actual &&
	test_cmp expect actual &&
	ptkit stats small.img | sed -n "2,4p" | awk "{ print \$(NF - 5), \$(NF - 4), \$(NF - 3) }" >counts &&
	printf "6 0 0\n512 511 1\n2 2 0\n" >expect &&
	test_cmp expect counts &&
	ptkit tui --keys "rjj<Enter>" --size 90x4 small.img >actual &&
	grep -q "^pgd 0x100000 > \[511\] pud 0x10a000 > \[510\] pmd 0x10b000$" actual
'

test_expect 'vmemmap: the folios HVO shares, Enter goes to their vmemmap, marked shared' '
	ptkit mkimage -o hvo.img "$DATA/hvo.spec" >/dev/null &&
	cat >expect <<-\EOT &&
	pgd 0x1000000
	vmemmap ffffea0000000000: 512 4K, 1 2M, 0 1G pages; 21 aliases
	3 folios share their struct pages'"'"' vmemmap: 21 pages saved
	 PFN          ORDER  SIZE VMEMMAP SHARED SAVED  PAGE             CHECK
	>0x800            9    2M       8      7     7  0x4220000        ok
	 0xa00            9    2M       8      7     7  0x4228000        ok
	 0xc00            9    2M       8      7     7  0x4230000        ok
	?:help q:back
	EOT
	ptkit tui --keys v --size 90x8 hvo.img >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	pgd 0x1000000 > [468] pud 0x1003000 > [0] pmd 0x1004000 > [0] pte 0x1005000
	 IDX  VIRTUAL           ENTRY             FLAGS                  KIND
	  46  ffffea000002e000  8000000004228161  A D GLB NX             4K 0x4228000 shared (HVO)
	  47  ffffea000002f000  8000000004228161  A D GLB NX             4K 0x4228000 shared (HVO)
	> 48  ffffea0000030000  8000000004230163  RW A D GLB NX          4K 0x4230000 shared (HVO)
	pte 48/512  0xffffea0000030000: pte entry 48; 512 present  ?:help q:back
	EOT
	ptkit tui --keys "vjj<Enter>" --size 90x6 hvo.img >actual &&
	test_cmp expect actual &&
	ptkit tui --keys "g0xffffea0000038000<Enter>" --size 90x4 hvo.img >actual &&
	grep -q "^> 56  ffffea0000038000  8000000004238163  RW A D GLB NX          4K 0x4238000$" actual &&
	ptkit tui --keys "vq" --size 90x4 small.img >actual &&
	grep -q "^overview  small.img" actual &&
	ptkit tui --keys "tvq" --size 90x4 small.img >actual &&
	grep -q "^ IDX  VIRTUAL" actual &&
	ptkit tui --keys "v" --size 90x4 small.img >actual &&
	grep -q "^the vmemmap cannot be read: the vmemmap base is not known" actual
'

S2=$REALDATA/steps/step2/vmcore-d31.kdump-zlib
if test -f "$S2"; then
test_expect 'overview of a real dump: as ptkit stats, check and unmapped say' '
	ptkit tui --keys "" --size 110x60 "$S2" >screen &&
	ptkit stats "$S2" | sed -n "2,11p" | awk "{ print \$(NF - 5), \$(NF - 4), \$(NF - 3) }" >expect &&
	sed -n "7,16p" screen | awk "{ print \$(NF - 2), \$(NF - 1), \$NF }" >actual &&
	test_cmp expect actual &&
	ptkit stats "$S2" | tail -n 3 | awk "{ printf \"%s %s kB  \", \$1, \$2 }" | sed "s/  $//" >expect && echo >>expect &&
	grep "^   DirectMap4k" screen | sed "s/^   //" >actual &&
	test_cmp expect actual &&
	grep -q "^ CHECK: passed: no W+X" screen &&
	ptkit check "$S2" >/dev/null &&
	ptkit unmapped "$S2" | tail -n 1 >total &&
	grep -q "^total: 96 pages (384K) in 23 holes$" total &&
	grep -q "^ UNMAPPED: 23 holes, 96 pages (384K) of RAM" screen &&
	test $(grep -c "^   pfn 0x" screen) = 23 &&
	ptkit tui --keys "<End><Enter>" --size 110x12 "$S2" >actual &&
	grep -q "^0x1fe00000-0x20000000 (pfn 0x1fe00): partly unmapped" actual &&
	ptkit unmapped "$S2" | tail -n 2 | head -n 1 | grep -q "^0x000001ff" &&
	ptkit tui --keys "<End><Enter>q" --size 110x12 "$S2" | grep -q "^>  pfn 0x"
'

test_expect 'P: the processes of a real dump, and one'"'"'s tables' '
	cat >expect <<-\EOT &&
	pgd 0x6c10000
	     PID    PPID S PGD                    PAGES  COMMAND
	>      -       - - 0x0000000006c10000         -  the kernel'"'"'s own tables
	       1       0 S 0x0000000001062000       466  init
	     193       1 S 0x00000000032e0000       268  rdhelper
	2 address spaces  ?:help q:back
	EOT
	ptkit tui --keys "P" --size 100x6 "$S2" >actual &&
	test_cmp expect actual &&
	ptkit ps --format=json "$S2" | grep "\"user_pages\":[1-9]" |
		sed "s/.*\"pid\":\([0-9]*\),.*\"user_pages\":\([0-9]*\),.*/\1 \2/" >expect &&
	printf "1 466\n193 268\n" >actual &&
	test_cmp expect actual &&
	ptkit tui --keys "Pjj<Enter>" --size 100x4 "$S2" >actual &&
	grep -q "^pid 193 rdhelper: pgd 0x32e0000$" actual &&
	grep -q "^>  0  0000000000000000  000000000329e067  RW USR A" actual &&
	grep -q "its user half, then the kernel.s; 73 present" actual &&
	ptkit tui --keys "Pjj<Enter>Pq" --size 100x4 "$S2" | grep -q "^pid 193 rdhelper: pgd" &&
	ptkit tui --keys "Pjj<Enter>P<Home><Enter>" --size 100x4 "$S2" >actual &&
	grep -q "^pgd 0x6c10000$" actual &&
	ptkit tui --keys "P" --size 100x4 small.img | grep -q "no processes: "
'

test_expect 'm: who maps a leaf'"'"'s frames, a cell'"'"'s; Enter goes there' '
	ptkit tui --keys "Pjj<Enter>g0x7f5809e6e000<Enter>m" --size 120x5 "$S2" >actual &&
	grep -q "^who maps pfn 0x27fe (the 4K page at 0x7f5809e6e000): 1 mapping" actual &&
	grep -q "^>pid 193 rdhelper       00007f5809e6e000          1 4K  USR RW NX            0x27fe$" actual &&
	ptkit rmap "$S2" 0x27fe 2>/dev/null | grep -c "^0x27fe " >count &&
	echo 2 >expect && test_cmp expect count &&
	ptkit tui --keys "p0x1000<Enter>m<Enter>" --size 120x4 "$S2" >actual &&
	grep -q "^> *1  ffff88c900001000  " actual &&
	ptkit tui --keys "dlm" --size 120x5 "$S2" >actual &&
	grep -q "^who maps pfn 0x200-0x3ff (the 2M cell at 0x200000): 1 mapping$" actual &&
	grep -q "^>kernel                 ffff88c900200000        512 2M  RW GLB NX            0x200  \[Low Kernel Mapping\]$" actual &&
	ptkit tui --keys "dlmq" --size 120x5 "$S2" | grep -q "^direct map at " &&
	ptkit tui --keys "p0x27fe000<Enter>m" --size 120x5 "$S2" | grep -q "m: not a page"
'

S1=$REALDATA/steps/step1/vmcore-d31.kdump-zlib
TR=$REALDATA/steps/step2/guest/trace-since-previous-dump.txt
test_expect 'replay as a film: each frame as ptkit replay counts it' '
	ptkit replay --format=json --image "$S1" "$TR" >replay.json &&
	ptkit tui --replay "$TR" --keys "" --size 110x12 "$S1" >actual &&
	grep -q "^replay trace-since-previous-dump.txt, policy naive (c: 1 of 3): event 0, line 0$" actual &&
	ptkit stats "$S1" | tail -n 3 | awk "{ printf \"%s %s kB  \", \$1, \$2 }" | sed "s/  $//" >expect && echo >>expect &&
	grep "^DirectMap4k" actual >dm && test_cmp expect dm &&
	ptkit tui --replay "$TR" --keys "E" --size 110x12 "$S1" >actual &&
	grep -q "^replay trace-since-previous-dump.txt, policy naive (c: 1 of 3): event 24111 (the end), line 24125$" actual &&
	grep -q "\"naive\":{\"splits\":{\"level3\":0,\"level2\":8},\"table_pages\":8,\"flushes\":6379,.*\"directmap\":{\"4k\":42880,\"2m\":481280,\"1g\":0},\"worst\":{\"4k\":42880,\"2m\":481280,\"1g\":0,\"event\":8861},\"selected\":6136,\"unmapped\":125,\"unmapped_max\":2199," replay.json &&
	grep -q "^splits 1G 0 2M 8  flushes 6379  pages out 125 (most 2199)  worst DirectMap4k 42880 kB, event 8861$" actual &&
	grep -q "^DirectMap4k: 42880 kB  DirectMap2M: 481280 kB  DirectMap1G: 0 kB$" actual &&
	ptkit tui --replay "$TR" --keys "W" --size 110x12 "$S1" >actual &&
	grep -q "event 8861, line 8875$" actual &&
	grep -q "^DirectMap4k: 42880 kB" actual &&
	ptkit tui --replay "$TR" --keys "....>" --size 110x12 "$S1" | grep -q "event 1004, line 1018$" &&
	ptkit tui --replay "$TR" --keys "E<lt>" --size 110x12 "$S1" | grep -q "event 0, line 0$" &&
	ptkit tui --replay "$TR" --policy=pageblock --keys "E" --size 80x12 "$S1" >actual &&
	grep -q "\"pageblock\":{\"splits\":{\"level3\":0,\"level2\":0},\"table_pages\":0,\"flushes\":12,.*\"unmapped\":6144," replay.json &&
	grep -q "^splits 1G 0 2M 0  flushes 12  pages out 6144 (most 6144)" actual &&
	test $(sed -n "3,6p" actual | cut -c14- | tr -cd x | wc -c) = 12 &&
	ptkit tui --replay "$TR" --keys "Ec" --size 110x12 "$S1" | grep -q "policy pageblock (c: 2 of 3): event 24111" &&
	ptkit tui --replay "$TR" --keys "x" --size 110x12 "$S1" | grep -q "not while a replay plays" &&
	ptkit tui --replay "$TR" --keys "EZ" --size 110x12 "$S1" >actual &&
	! grep -q "^replay " actual && grep -q "^DirectMap4k: 26496 kB" actual &&
	ptkit tui --keys "dR$TR<Enter>E" --size 110x12 "$S1" | grep -q "event 24111 (the end)" &&
	S2J=$(ptkit replay --policy=none --format=json --image "$S1" --expect "$S2" "$TR") &&
	n=$(echo "$S2J" | sed "s/.*\"pages\":\([0-9]*\),\"pages_agree\":\([0-9]*\).*/\1 \2/" | awk "{ print \$1 - \$2, \$1 }") &&
	ptkit tui --replay "$TR" --expect "$S2" --keys "E" --size 110x14 "$S1" >actual &&
	grep -q "^! where the model is not the --expect dump: ${n% *} of ${n#* } pages" actual &&
	marks=$(sed -n "3,6p" actual | cut -c14- | tr -cd "!" | wc -c) &&
	test "$marks" -ge 1 && test "$marks" -le "${n% *}" &&
	ptkit tui --replay "$TR" --expect "$S2" --keys "" --size 110x14 "$S1" | grep -q "^--expect: compared at the end" &&
	must_fail 3 ptkit tui --replay "$TR" --expect nowhere.dump --keys "" "$S1" 2>/dev/null &&
	must_fail 2 ptkit tui --expect "$S2" --keys "" "$S1" 2>/dev/null &&
	must_fail 3 ptkit tui --replay nowhere.trace --keys "" "$S1" 2>err &&
	grep -q "^ptkit tui: replay: .*nowhere.trace" err &&
	must_fail 2 ptkit tui --replay "$TR" --policy=lazy --keys "" "$S1" 2>/dev/null
'
else
	test_skip "overview of a real dump" "no $S2 (the shared data beside the clone)"
	test_skip "replay as a film" "no $S2"
	test_skip "P: the processes" "no $S2"
	test_skip "m: who maps" "no $S2"
fi

# The real program in a terminal.
if ! command -v tmux >/dev/null 2>&1; then
	test_skip "tmux: the terminal tests" "no tmux (apt-get install tmux)"
	done_testing
	exit
fi
SOCK="ptkit-test-$$"
TMUX_CMD="tmux -L $SOCK -f /dev/null"
trap '$TMUX_CMD kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# The ptkit that tests run, as a command line for the pane's shell.
PANE_PTKIT="${PTKIT_WRAPPER:+$PTKIT_WRAPPER }$PTKIT"

screen_has() {
	# a terminal redraws when it likes: wait up to 5 s for the text
	for i in $(seq 50); do
		$TMUX_CMD capture-pane -t "$1" -p >pane.txt
		grep -q -- "$2" pane.txt && return 0
		sleep 0.1
	done
	echo "pane $1 never showed: $2" >&2
	cat pane.txt >&2
	return 1
}

# The child of a process, from /proc (procps may not be installed).
child_of() {
	for p in /proc/[0-9]*; do
		[ "$(awk "{ print \$4 }" "$p/stat" 2>/dev/null)" = "$1" ] &&
			echo "${p#/proc/}" && return 0
	done
	return 1
}

start() {
	$TMUX_CMD new-session -d -s "$1" -x "${2:-80}" -y "${3:-24}" \
		"$PANE_PTKIT tui small.img; echo EXITED \$?; sleep 60"
}

test_expect 'tmux: keys move, g goes, the screen follows a resize, q quits' '
	start t1 &&
	screen_has t1 "^>source   small.img" &&
	$TMUX_CMD send-keys -t t1 t &&
	screen_has t1 "^pgd 273/512  4 present" &&
	$TMUX_CMD send-keys -t t1 Home j j &&
	screen_has t1 "^pgd 2/512" &&
	$TMUX_CMD send-keys -t t1 g 0xffff888000201000 Enter &&
	screen_has t1 "^>  1  ffff888000200000  80000000002001e3" &&
	screen_has t1 "^pgd 0x100000 > \[273\] pud 0x107000 > \[0\] pmd 0x108000" &&
	$TMUX_CMD resize-window -t t1 -x 100 -y 10 &&
	screen_has t1 "^   6  ffff888000c00000" &&
	! grep -q "^   7  " pane.txt &&
	$TMUX_CMD send-keys -t t1 ? &&
	screen_has t1 "the tables, from the root" &&
	$TMUX_CMD send-keys -t t1 q q &&
	screen_has t1 "^>source   small.img" &&
	$TMUX_CMD send-keys -t t1 q &&
	screen_has t1 "^EXITED 0$" &&
	! grep -q "^ IDX" pane.txt
'

test_expect 'tmux: SIGTERM gives the terminal back and dies of the signal' '
	start t2 &&
	screen_has t2 "^>source" &&
	shell=$($TMUX_CMD display -p -t t2 "#{pane_pid}") &&
	pid=$(child_of "$shell") && test -n "$pid" &&
	kill -TERM "$pid" &&
	screen_has t2 "^EXITED 143$" &&
	! grep -q "^ IDX" pane.txt
'

test_expect 'tmux: the direct map view, a simulated unmapping' '
	start t3 &&
	screen_has t3 "^>source" &&
	$TMUX_CMD send-keys -t t3 d &&
	screen_has t3 "^0x0000000000 42222222222222222222222222222222" &&
	$TMUX_CMD send-keys -t t3 Right x &&
	screen_has t3 "^0x0000000000 4x2222" &&
	screen_has t3 "^DirectMap4k: 6144 kB" &&
	$TMUX_CMD send-keys -t t3 u &&
	screen_has t3 "^DirectMap4k: 4096 kB" &&
	$TMUX_CMD send-keys -t t3 q q &&
	screen_has t3 "^EXITED 0$"
'

test_expect 'tmux: the vmemmap view, and into a folio'"'"'s struct pages' '
	$TMUX_CMD new-session -d -s t5 -x 100 -y 24 \
		"$PANE_PTKIT tui hvo.img; echo EXITED \$?; sleep 60" &&
	screen_has t5 "^>source" &&
	$TMUX_CMD send-keys -t t5 v &&
	screen_has t5 "^>0x800            9    2M       8      7     7  0x4220000        ok" &&
	$TMUX_CMD send-keys -t t5 j Enter &&
	screen_has t5 "^> 40  ffffea0000028000  8000000004228163  RW A D GLB NX          4K 0x4228000 shared (HVO)" &&
	$TMUX_CMD send-keys -t t5 q &&
	screen_has t5 "^>source" &&
	$TMUX_CMD send-keys -t t5 q &&
	screen_has t5 "^EXITED 0$"
'

test_expect 'tmux: the regions view fills in and answers keys' '
	start t4 &&
	screen_has t4 "^>source" &&
	$TMUX_CMD send-keys -t t4 r &&
	screen_has t4 "^ Low Kernel Mapping     ffff888000000000   64T            2G      512    511" &&
	$TMUX_CMD send-keys -t t4 j Enter &&
	screen_has t4 "^pte 0/512  0xffff888000000000: pte entry 0" &&
	$TMUX_CMD send-keys -t t4 Q &&
	screen_has t4 "^EXITED 0$"
'

if test -f "$S2"; then
test_expect 'tmux: a real dump'"'"'s processes, one'"'"'s tables, who maps its page' '
	$TMUX_CMD new-session -d -s t7 -x 110 -y 24 \
		"$PANE_PTKIT tui $S2; echo EXITED \$?; sleep 60" &&
	screen_has t7 "^ UNMAPPED: 23 holes" &&
	$TMUX_CMD send-keys -t t7 P &&
	screen_has t7 "^     193       1 S 0x00000000032e0000       268  rdhelper" &&
	$TMUX_CMD send-keys -t t7 j j Enter &&
	screen_has t7 "^pid 193 rdhelper: pgd 0x32e0000$" &&
	$TMUX_CMD send-keys -t t7 g 0x7f5809e6e000 Enter m &&
	screen_has t7 "^>pid 193 rdhelper       00007f5809e6e000" &&
	$TMUX_CMD send-keys -t t7 Q &&
	screen_has t7 "^EXITED 0$"
'
else
	test_skip "tmux: a real dump's processes" "no $S2"
fi

if test -f "$S2"; then
test_expect 'tmux: the film plays to the end between keys' '
	$TMUX_CMD new-session -d -s t8 -x 110 -y 16 \
		"$PANE_PTKIT tui --replay $TR $S1; echo EXITED \$?; sleep 60" &&
	screen_has t8 "event 0, line 0$" &&
	$TMUX_CMD send-keys -t t8 . . . &&
	screen_has t8 "event 3, line " &&
	$TMUX_CMD send-keys -t t8 E &&
	screen_has t8 "event 24111 (the end)" &&
	screen_has t8 "^DirectMap4k: 42880 kB" &&
	$TMUX_CMD send-keys -t t8 Q &&
	screen_has t8 "^EXITED 0$"
'
else
	test_skip "tmux: the film" "no $S2"
fi

test_expect 'tmux: the overview fills in; into a region and back' '
	start t6 100 30 &&
	screen_has t6 "^ CHECK: 481 findings (not-ram 481) in 2 runs" &&
	screen_has t6 "^ High Kernel Mapping           4104K        2      2    0" &&
	$TMUX_CMD send-keys -t t6 j j j j Enter &&
	screen_has t6 "^>  8  ffffffff81000000  0000000001001181" &&
	$TMUX_CMD send-keys -t t6 q &&
	screen_has t6 "^>High Kernel Mapping" &&
	$TMUX_CMD send-keys -t t6 o q &&
	screen_has t6 "^EXITED 0$"
'

done_testing
