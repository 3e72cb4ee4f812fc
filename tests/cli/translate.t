#!/bin/sh
# ptkit translate: addresses, paths, unmapped addresses and exit statuses.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
ptkit mkimage -o bad.img "$DATA/bad.spec" >/dev/null || exit 1

test_expect 'text: the physical address and every level of the path' '
	cat >expect <<-\EOT &&
	0x0000000000401abc -> 0x0000000003001abc  4K pte  USR ro x
	  pgd[  0]  table 0x0000000000100000  entry 0x0000000000101067
	  pud[  0]  table 0x0000000000101000  entry 0x0000000000102067
	  pmd[  2]  table 0x0000000000102000  entry 0x0000000000103067
	  pte[  1]  table 0x0000000000103000  entry 0x0000000003001025
	0xffff888040001234 -> 0x0000000040001234  1G pud  kernel RW NX GLB
	  pgd[273]  table 0x0000000000100000  entry 0x0000000000107067
	  pud[  1]  table 0x0000000000107000  entry 0x8000000040000183
	EOT
	ptkit translate small.img 0x401abc 0xffff888040001234 >actual &&
	test_cmp expect actual
'

test_expect 'an unmapped address exits 1 and names the level' '
	cat >expect <<-\EOT &&
	0x0000000000500000: not mapped: pte[256] is not present
	  pgd[  0]  table 0x0000000000100000  entry 0x0000000000101067
	  pud[  0]  table 0x0000000000101000  entry 0x0000000000102067
	  pmd[  2]  table 0x0000000000102000  entry 0x0000000000103067
	  pte[256]  table 0x0000000000103000  entry 0x0000000000000000
	0x0000100000000000: not mapped: pgd[32] is not present
	  pgd[ 32]  table 0x0000000000100000  entry 0x0000000000000000
	0x8000000000000000: not mapped: not a canonical 48-bit address
	EOT
	must_fail 1 ptkit translate small.img 0x500000 0x100000000000 \
		0x8000000000000000 >actual 2>err &&
	test_cmp expect actual &&
	echo "ptkit translate: '"'"'small.img'"'"': 3 of 3 addresses are not mapped" >expect &&
	test_cmp expect err
'

test_expect 'json: va, pa, page, level and path' '
	cat >expect <<-\EOT &&
	{"va":"0xffffffff81001000","pa":"0x1001000","page":2097152,"level":"pmd","mapped":true,"rw":false,"us":false,"nx":false,"pkey":0,"path":[{"level":"pgd","index":511,"table":"0x100000","entry":"0x10a067"},{"level":"pud","index":510,"table":"0x10a000","entry":"0x10b067"},{"level":"pmd","index":8,"table":"0x10b000","entry":"0x1001181"}]}
	{"va":"0x404000","pa":null,"page":null,"level":"pte","mapped":false,"reason":"not present","path":[{"level":"pgd","index":0,"table":"0x100000","entry":"0x101067"},{"level":"pud","index":0,"table":"0x101000","entry":"0x102067"},{"level":"pmd","index":2,"table":"0x102000","entry":"0x103067"},{"level":"pte","index":4,"table":"0x103000","entry":"0x0"}]}
	{"va":"0x7ffffffdf000","pa":"0x3101000","page":4096,"level":"pte","mapped":true,"rw":true,"us":true,"nx":true,"pkey":3,"path":[{"level":"pgd","index":255,"table":"0x100000","entry":"0x104067"},{"level":"pud","index":511,"table":"0x104000","entry":"0x105067"},{"level":"pmd","index":511,"table":"0x105000","entry":"0x106067"},{"level":"pte","index":479,"table":"0x106000","entry":"0x9800000003101007"}]}
	EOT
	must_fail 1 ptkit translate --format=json small.img 0xffffffff81001000 \
		0x404000 0x7ffffffdf000 >actual &&
	test_cmp expect actual
'

test_expect 'addresses from standard input, comments and blanks skipped' '
	printf "0x400000\n\n  0xffff888000001000  # the direct map\n" |
	ptkit translate small.img - >actual &&
	grep -c -- "->" actual >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect 'a bad address line is reported with its line number' '
	printf "0x400000\nbanana\n" >in &&
	must_fail 3 ptkit translate small.img - <in >actual 2>err &&
	grep -q "<stdin>:2: .banana. is not an address" err &&
	grep -q "0x0000000000400000 ->" actual
'

test_expect 'corrupt tables: exit 3, every address still answered' '
	must_fail 3 ptkit translate bad.img 0x8000000000 0x10000000000 \
		0x18000000000 0x200000 >actual 2>err &&
	grep -q "0x0000000000200000 -> 0x0000000000800000" actual &&
	grep -q "0x0000008000000000: pgd\\[1\\] = 0x100067 points to the pgd table at 0x100000 above it (a table loop)" err &&
	grep -q "0x0000010000000000: pud table at 0x7fff000000" err &&
	grep -q "0x0000018000000000: pud\\[0\\] = 0x40002083 at 0x1f0000: reserved bits 0x2000 set" err
'

test_expect 'usage: no address, a bad address' '
	must_fail 2 ptkit translate small.img 2>err &&
	must_fail 2 ptkit translate small.img xyz 2>err &&
	grep -q "xyz. is not an address" err
'

# Standard input is translated in batches (ptk_translate_many()); every
# record must be what the same address gives on the command line.
ADDRS="0x401abc 0x403fff 0x404000 0x500000 0x100000000000 0x8000000000000000
0x7ffffffdf000 0xffff888000001000 0xffff888000200000 0xffff888040001234
0xffff888080000000 0xffffffff81001000 0xffffffff81401000 0xffffffff81402000
0xffffffffffffffff 0x0"

test_expect 'standard input: the same records as the arguments, both formats' '
	for a in $ADDRS $ADDRS $ADDRS $ADDRS $ADDRS; do echo $a; done >in &&
	for fmt in text json; do
		must_fail 1 ptkit translate --format=$fmt small.img \
			$(cat in) >expect &&
		must_fail 1 ptkit translate --format=$fmt small.img - \
			<in >actual &&
		test_cmp expect actual || return 1
	done &&
	test $(grep -c "^{" actual) -eq 80
'

test_expect 'standard input: corrupt tables, the same messages in place' '
	printf "0x8000000000\n0x200000\n0x10000000000\n0x18000000000\n" >in &&
	must_fail 3 ptkit translate bad.img $(cat in) >expect 2>&1 &&
	must_fail 3 ptkit translate bad.img - <in >actual 2>&1 &&
	test_cmp expect actual
'

test_expect 'standard input: every spelling of an address' '
	printf "0X400000\n4194304\n0x400000\r\n\t 0x400000 # x\n0x00000000000000000000400000\n4M\n0x400000" |
	ptkit translate small.img - >actual &&
	test $(grep -c "^0x0000000000400000 -> 0x0000000003000000" actual) -eq 7
'

test_expect 'standard input: a bad line is reported between the records around it' '
	printf "0x400000\n0x4000000x\n0x401000\n" >in &&
	must_fail 3 ptkit translate small.img - <in >actual 2>&1 &&
	sed -n "1p;6p;7p" actual >got &&
	cat >expect <<-\EOT &&
	0x0000000000400000 -> 0x0000000003000000  4K pte  USR ro x
	ptkit translate: <stdin>:2: '\''0x4000000x'\'' is not an address
	0x0000000000401000 -> 0x0000000003001000  4K pte  USR ro x
	EOT
	test_cmp expect got
'

test_expect 'standard input: a line longer than the read buffer' '
	awk "BEGIN { while (n++ < 100000) printf \"f\"; print \"\" }" >in &&
	echo 0x400000 >>in &&
	must_fail 3 ptkit translate small.img - <in >actual 2>err &&
	grep -q "<stdin>:1: .fff*. is not an address" err &&
	grep -q "^0x0000000000400000 -> " actual
'

test_expect 'standard input: each answer comes while the writer waits' '
	mkfifo fifo || return 1
	{ ptkit translate small.img - <fifo >out; echo $? >rc; } &
	exec 3>fifo &&
	echo 0x400000 >&3 &&
	i=0 &&
	while ! grep -q -- "->" out 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	grep -q "^0x0000000000400000 -> " out &&
	echo 0x401000 >&3 &&
	i=0 &&
	while ! grep -q "^0x0000000000401000" out && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	grep -q "^0x0000000000401000 -> " out &&
	exec 3>&- &&
	wait &&
	test "$(cat rc)" = 0
'

done_testing
