#!/bin/sh
# ptkit walk on images built from tests/data specs: whole outputs.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
ptkit mkimage -o bad.img "$DATA/bad.spec" >/dev/null || exit 1

test_expect 'text: one line per run, every page size' '
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0x0000000000400000-0x0000000000403000    12K 0x0000000003000000 4K        3  USR ro x
	0x0000000000403000-0x0000000000404000     4K 0x0000000003003000 4K        1  USR RW NX
	0x00007ffffffde000-0x00007ffffffe0000     8K 0x0000000003100000 4K        2  USR RW NX pkey=3
	0xffff888000000000-0xffff888000200000     2M 0x0000000000000000 4K      512  RW GLB NX
	0xffff888000200000-0xffff888040000000  1022M 0x0000000000200000 2M      511  RW GLB NX
	0xffff888040000000-0xffff888080000000     1G 0x0000000040000000 1G        1  RW GLB NX
	0xffffffff81000000-0xffffffff81400000     4M 0x0000000001000000 2M        2  ro PAT GLB x
	0xffffffff81400000-0xffffffff81402000     8K 0x0000000001400000 4K        2  ro PWT PCD GLB NX
	EOT
	ptkit walk small.img >actual &&
	test_cmp expect actual
'

test_expect 'json: the documented keys, one run per line' '
	cat >expect <<-\EOT &&
	{"va":"0x400000","end":"0x403000","pa":"0x3000000","page":4096,"level":"pte","count":3,"rw":false,"us":true,"nx":false,"g":false,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0x403000","end":"0x404000","pa":"0x3003000","page":4096,"level":"pte","count":1,"rw":true,"us":true,"nx":true,"g":false,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0x7ffffffde000","end":"0x7ffffffe0000","pa":"0x3100000","page":4096,"level":"pte","count":2,"rw":true,"us":true,"nx":true,"g":false,"pwt":false,"pcd":false,"pat":false,"pkey":3}
	{"va":"0xffff888000000000","end":"0xffff888000200000","pa":"0x0","page":4096,"level":"pte","count":512,"rw":true,"us":false,"nx":true,"g":true,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0xffff888000200000","end":"0xffff888040000000","pa":"0x200000","page":2097152,"level":"pmd","count":511,"rw":true,"us":false,"nx":true,"g":true,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0xffff888040000000","end":"0xffff888080000000","pa":"0x40000000","page":1073741824,"level":"pud","count":1,"rw":true,"us":false,"nx":true,"g":true,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0xffffffff81000000","end":"0xffffffff81400000","pa":"0x1000000","page":2097152,"level":"pmd","count":2,"rw":false,"us":false,"nx":false,"g":true,"pwt":false,"pcd":false,"pat":true,"pkey":0}
	{"va":"0xffffffff81400000","end":"0xffffffff81402000","pa":"0x1400000","page":4096,"level":"pte","count":2,"rw":false,"us":false,"nx":true,"g":true,"pwt":true,"pcd":true,"pat":false,"pkey":0}
	EOT
	ptkit walk --format=json small.img >actual &&
	test_cmp expect actual
'

# As the kernel's: the walk skips the non-canonical gap, so the last run
# of the user half ends at the next entry walked; pte_flags() masks bit 12,
# so a large page never shows PAT.
test_expect 'ptdump: markers, holes with their level, the kernel columns' '
	cat >expect <<-\EOT &&
	---[ User Space ]---
	0x0000000000000000-0x0000000000400000           4M                               pmd
	0x0000000000400000-0x0000000000403000          12K USR ro                     x  pte
	0x0000000000403000-0x0000000000404000           4K USR RW                     NX pte
	0x0000000000404000-0x0000000000600000        2032K                               pte
	0x0000000000600000-0x0000000040000000        1018M                               pmd
	0x0000000040000000-0x0000008000000000         511G                               pud
	0x0000008000000000-0x00007f8000000000         127T                               pgd
	0x00007f8000000000-0x00007fffc0000000         511G                               pud
	0x00007fffc0000000-0x00007fffffe00000        1022M                               pmd
	0x00007fffffe00000-0x00007ffffffde000        1912K                               pte
	0x00007ffffffde000-0x00007ffffffe0000           8K USR RW                     NX pte
	0x00007ffffffe0000-0xffff800000000000   18014123631575168K                               pte
	---[ Kernel Space ]---
	0xffff800000000000-0xffff888000000000        8704G                               pgd
	---[ Low Kernel Mapping ]---
	0xffff888000000000-0xffff888000200000           2M     RW                 GLB NX pte
	0xffff888000200000-0xffff888040000000        1022M     RW         PSE     GLB NX pmd
	0xffff888040000000-0xffff888080000000           1G     RW         PSE     GLB NX pud
	0xffff888080000000-0xffff890000000000         510G                               pud
	0xffff890000000000-0xffffff8000000000      121344G                               pgd
	0xffffff8000000000-0xffffffff80000000         510G                               pud
	---[ High Kernel Mapping ]---
	0xffffffff80000000-0xffffffff81000000          16M                               pmd
	0xffffffff81000000-0xffffffff81400000           4M     ro         PSE     GLB x  pmd
	0xffffffff81400000-0xffffffff81402000           8K     ro PWT PCD         GLB NX pte
	0xffffffff81402000-0xffffffff81600000        2040K                               pte
	0xffffffff81600000-0xffffffffc0000000        1002M                               pmd
	0xffffffffc0000000-0x0000000000000000           1G                               pud
	EOT
	ptkit walk --format=ptdump small.img >actual &&
	test_cmp expect actual
'

test_expect '--entries: raw values and A/D, in text and json' '
	cat >expect <<-\EOT &&
	0x0000000000402000-0x0000000000403000     4K 0x0000000003002000 4K        1  USR ro x A  entry=0x0000000003002025
	0x0000000000403000-0x0000000000404000     4K 0x0000000003003000 4K        1  USR RW NX A D  entry=0x8000000003003067
	{"va":"0x402000","end":"0x403000","pa":"0x3002000","page":4096,"level":"pte","count":1,"rw":false,"us":true,"nx":false,"g":false,"pwt":false,"pcd":false,"pat":false,"pkey":0,"entry":"0x3002025","a":true,"d":false}
	{"va":"0x403000","end":"0x404000","pa":"0x3003000","page":4096,"level":"pte","count":1,"rw":true,"us":true,"nx":true,"g":false,"pwt":false,"pcd":false,"pat":false,"pkey":0,"entry":"0x8000000003003067","a":true,"d":true}
	EOT
	ptkit walk --entries --range=0x402000-0x404000 small.img >actual &&
	ptkit walk --entries --format=json --range=0x402000+0x2000 small.img >>actual &&
	test_cmp expect actual
'

test_expect '--range clips runs to the range' '
	cat >expect <<-\EOT &&
	{"va":"0xffff888000100000","end":"0xffff888000200000","pa":"0x100000","page":4096,"level":"pte","count":256,"rw":true,"us":false,"nx":true,"g":true,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	{"va":"0xffff888000200000","end":"0xffff888000600000","pa":"0x200000","page":2097152,"level":"pmd","count":2,"rw":true,"us":false,"nx":true,"g":true,"pwt":false,"pcd":false,"pat":false,"pkey":0}
	EOT
	ptkit walk --format=json --range=0xffff888000100000-0xffff888000600000 small.img >actual &&
	test_cmp expect actual
'

test_expect '--cr3 and --levels override what the image says' '
	ptkit walk --cr3=0x100000 small.img >actual &&
	ptkit walk small.img >expect &&
	test_cmp expect actual &&
	must_fail 3 ptkit walk --cr3=0x7fff0000000 small.img 2>err &&
	grep -q "pgd table at 0x7fff0000000 (the root)" err &&
	# The same tables read as 5-level: leaves are taken for tables.
	must_fail 3 ptkit walk --levels=5 small.img >/dev/null 2>err &&
	grep -q "pmd\[0\] = 0x3000025" err
'

test_expect 'ptdump: runs of 4K pages are cut at markers; --range shows the last' '
	cat >cut.spec <<-\EOT &&
	ram 0-64M
	tables 1M-2M
	region "A" 0xffff888000000000-0xffff888000003000
	region "B" 0xffff888000003000-0xffff888000010000
	map 0xffff888000000000 0 0x10000 4k rw nx g
	EOT
	ptkit mkimage -o cut.img cut.spec >/dev/null &&
	cat >expect <<-\EOT &&
	---[ A ]---
	0xffff888000000000-0xffff888000003000          12K     RW                 GLB NX pte
	---[ B ]---
	0xffff888000003000-0xffff888000010000          52K     RW                 GLB NX pte
	EOT
	ptkit walk --format=ptdump --range=0xffff888000000000+0x10000 cut.img >actual &&
	test_cmp expect actual
'

test_expect 'entries that cannot be followed: named, skipped, exit 3' '
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0x0000000000200000-0x0000000000202000     8K 0x0000000000800000 4K        2  RW x
	EOT
	cat >expect.err <<-\EOT &&
	ptkit walk: '"'"'bad.img'"'"': pgd[1] = 0x100067 at 0x100008 (va 0x8000000000): points to the pgd table at 0x100000 above it (a table loop)
	ptkit walk: '"'"'bad.img'"'"': pgd[2] = 0x7fff000067 at 0x100010 (va 0x10000000000): pud table at 0x7fff000000: physical address 0x7fff000000 is outside the file'"'"'s memory
	ptkit walk: '"'"'bad.img'"'"': pud[0] = 0x40002083 at 0x1f0000 (va 0x18000000000): reserved bits 0x2000 set
	EOT
	must_fail 3 ptkit walk bad.img >actual 2>actual.err &&
	test_cmp expect actual &&
	test_cmp expect.err actual.err
'

test_expect 'usage errors exit 2, with one message' '
	must_fail 2 ptkit walk 2>err && grep -q "no SOURCE given" err &&
	must_fail 2 ptkit walk --format=xml small.img 2>err &&
	grep -q "not text, ptdump or json" err &&
	must_fail 2 ptkit walk --range=0x1001-0x2000 small.img 2>err &&
	grep -q "page-aligned" err &&
	must_fail 2 ptkit walk --levels=3 small.img 2>err &&
	must_fail 2 ptkit walk --entries --format=ptdump small.img 2>err &&
	must_fail 2 ptkit nosuchcommand 2>err &&
	grep -q "not a ptkit command" err
'

test_expect 'unreadable input exits 3 and names the file' '
	must_fail 3 ptkit walk nonexistent.img 2>err &&
	test "$(cat err)" = "ptkit walk: cannot open '"'"'nonexistent.img'"'"': No such file or directory" &&
	echo hello >text.txt &&
	must_fail 3 ptkit walk text.txt 2>err &&
	grep -q "text.txt.: not a dump or image ptkit can read" err &&
	head -c 100 small.img >truncated.img &&
	must_fail 3 ptkit walk truncated.img 2>err &&
	grep -q truncated.img err
'

test_expect 'a full disk is an error, not a success' '
	if test -w /dev/full; then
		must_fail 4 ptkit walk small.img >/dev/full 2>err &&
		grep -q "cannot write the output" err
	fi
'

# An input larger than the memory the process may map: the ELF source
# falls back from mmap to pread, page by page.  (Not under ASan or
# valgrind, which need far more address space than the limit.)
if nm "$(dirname "$PTKIT")/libptkit.a" 2>/dev/null | grep -q __asan ||
   [ -n "${PTKIT_WRAPPER:-}" ]; then
	test_skip 'an image larger than the address space allowed' \
		'sanitizer or valgrind run'
else
	test_expect 'an image larger than the address space allowed: the same walk, little memory' '
		ptkit mkimage --preset=direct-4k -o big.img >/dev/null &&
		test $(wc -c <big.img) -gt 128000000 &&
		ptkit stats big.img >expect.stats &&
		ptkit walk --format=json big.img >expect.json &&
		(ulimit -v 100000 &&
		 ptkit stats big.img >actual.stats &&
		 ptkit walk --format=json big.img >actual.json) &&
		test_cmp expect.stats actual.stats &&
		cmp expect.json actual.json &&
		rm -f big.img
	'
fi

# The same memory in thousands of segments, in a shuffled order (as
# filtering tools and fragmented machines write cores): every answer is
# byte for byte the one-segment image's.  With holes between them the RAM
# ranges stay apart, and the tables still walk the same.
test_expect 'a core in 4000 shuffled segments answers as one segment does' '
	"$TOOLS/splitelf" small.img split.img 4000 7 >out &&
	grep -q "^split.img: [0-9]* memory segments$" out &&
	test "$(readelf -lW split.img | grep -c LOAD)" -ge 4000 &&
	for cmd in walk "walk --format=json" "walk --format=ptdump" stats \
		check unmapped; do
		ptkit $cmd small.img >a 2>&1
		echo "exit $?" >>a
		ptkit $cmd split.img >b 2>&1
		echo "exit $?" >>b
		sed "s/split.img/small.img/" b >b2 &&
		test_cmp a b2 || return 1
	done &&
	ptkit translate --format=json small.img 0x400000 0xffff888000201000 \
		0xffffffff81400000 >a &&
	ptkit translate --format=json split.img 0x400000 0xffff888000201000 \
		0xffffffff81400000 >b &&
	test_cmp a b &&
	grep -q "\"pa\":\"0x201000\"" b &&
	ptkit info small.img | sed -n "/^ram:/,/^tables:/p" >a &&
	ptkit info split.img | sed -n "/^ram:/,/^tables:/p" >b &&
	test_cmp a b &&
	"$TOOLS/splitelf" --holes small.img holes.img 4000 7 >/dev/null &&
	test "$(ptkit info holes.img | sed -n "s/^ram: *\([0-9]*\) ranges.*/\1/p")" -gt 1000 &&
	ptkit walk small.img >a &&
	ptkit walk holes.img >b &&
	test_cmp a b
'

# In address order, as makedumpfile writes them, neighbouring segments
# continue each other in the file too: reads run across them in one go,
# and stop where a segment holds less than its memory.
test_expect 'a core in 4000 segments in address order answers as one segment does' '
	"$TOOLS/splitelf" small.img ordered.img 4000 >/dev/null &&
	"$TOOLS/splitelf" --holes small.img ordered-holes.img 4000 >/dev/null &&
	for img in ordered.img ordered-holes.img; do
		checks=check
		# with holes, RAM differs: check finds other not-RAM pages
		test $img = ordered.img || checks=
		for cmd in "walk --format=json" stats $checks; do
			ptkit $cmd small.img >a 2>&1
			echo "exit $?" >>a
			ptkit $cmd $img >b 2>&1
			echo "exit $?" >>b
			sed "s/$img/small.img/" b >b2 &&
			test_cmp a b2 || return 1
		done &&
		ptkit translate small.img 0x400000 0xffff888000201000 >a &&
		ptkit translate $img 0x400000 0xffff888000201000 >b &&
		test_cmp a b || return 1
	done
'

# The text lines are built without printf: the columns must stay where
# printf put them (widths, sizes, counts, flag words, pkeys, A/D, entries).
test_expect 'text lines: every column as printf would set it' '
	cat >cols.spec <<-\EOT &&
	levels 4
	ram 0-8G
	map 0x1000 0x10000 0x3000 4k rw us a d
	map 0x5000 0x21000 0x1000 4k rw us pkey=9
	map 0x200000 0x400000 0x400000 2m nx g pat
	map 0x40000000 0x40000000 0x80000000 1g rw pcd pwt
	map 0x7fffffe00000 0x200000 0x200000 2m us rw nx
	map 0xffff888000000000 0 0x3e9000 4k pkey=15 nx
	EOT
	ptkit mkimage -o cols.img cols.spec >/dev/null &&
	ptkit walk cols.img >actual &&
	ptkit walk --entries --range=0x1000+0x5000 cols.img >>actual &&
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0x0000000000001000-0x0000000000004000    12K 0x0000000000010000 4K        3  USR RW x
	0x0000000000005000-0x0000000000006000     4K 0x0000000000021000 4K        1  USR RW x pkey=9
	0x0000000000200000-0x0000000000600000     4M 0x0000000000400000 2M        2  ro PAT GLB NX
	0x0000000040000000-0x00000000c0000000     2G 0x0000000040000000 1G        2  RW PWT PCD x
	0x00007fffffe00000-0x0000800000000000     2M 0x0000000000200000 2M        1  USR RW NX
	0xffff888000000000-0xffff8880003e9000  4004K 0x0000000000000000 4K     1001  ro NX pkey=15
	0x0000000000001000-0x0000000000002000     4K 0x0000000000010000 4K        1  USR RW x A D  entry=0x0000000000010067
	0x0000000000002000-0x0000000000003000     4K 0x0000000000011000 4K        1  USR RW x A D  entry=0x0000000000011067
	0x0000000000003000-0x0000000000004000     4K 0x0000000000012000 4K        1  USR RW x A D  entry=0x0000000000012067
	0x0000000000005000-0x0000000000006000     4K 0x0000000000021000 4K        1  USR RW x pkey=9  entry=0x4800000000021007
	EOT
	test_cmp expect actual &&
	ptkit walk --format=json --entries --range=0x1000+0x1000 cols.img >actual &&
	echo "{\"va\":\"0x1000\",\"end\":\"0x2000\",\"pa\":\"0x10000\",\"page\":4096,\"level\":\"pte\",\"count\":1,\"rw\":true,\"us\":true,\"nx\":false,\"g\":false,\"pwt\":false,\"pcd\":false,\"pat\":false,\"pkey\":0,\"entry\":\"0x10067\",\"a\":true,\"d\":true}" >expect &&
	test_cmp expect actual
'

done_testing
