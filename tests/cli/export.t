#!/bin/sh
# ptkit export on images, and page-table isolation (--pti).
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
ptkit mkimage -o pti.img "$DATA/pti.spec" >/dev/null || exit 1

test_expect 'info tells a PTI pair, --pti walks either copy' '
	ptkit info pti.img | grep "^pti:" >actual &&
	echo "pti:      on: the user copy at 0x0000000000201000 has 1 kernel entries (--pti=user)" >expect &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0x0000000000400000-0x0000000000401000     4K 0x0000000000800000 4K        1  USR RW x
	0xfffffe0000000000-0xfffffe0040000000     1G 0x0000000040000000 1G        1  RW NX
	EOT
	ptkit walk --pti=user pti.img >actual &&
	test_cmp expect actual &&
	ptkit walk --pti=kernel pti.img >kernel &&
	ptkit walk pti.img >default &&
	test_cmp default kernel &&
	grep -q "^0xffffffff81000000-0xffffffff81200000 " kernel &&
	ptkit info --pti=user pti.img | grep "^pti:" >actual &&
	echo "pti:      on: the root is the user copy; the kernel'"'"'s is at 0x0000000000200000 (--pti=kernel)" >expect &&
	test_cmp expect actual &&
	must_fail 2 ptkit walk --pti=both pti.img 2>err
'

# As the kernel writes them, the kernel's copy of a user entry has NX
# (__pti_set_user_pgtbl()): still a PTI pair, and user pages are NX there.
test_expect 'a PTI pair whose kernel copy sets NX on the user half' '
	{ cat "$DATA/pti.spec" &&
	  echo "set 0x200000[0] = 0x8000000000100067"; } >nx.spec &&
	ptkit mkimage -o nx.img nx.spec >/dev/null &&
	ptkit info nx.img | grep "^pti:" >actual &&
	echo "pti:      on: the user copy at 0x0000000000201000 has 1 kernel entries (--pti=user)" >expect &&
	test_cmp expect actual &&
	ptkit walk --range=0x400000+0x1000 nx.img | tail -1 | grep -q " USR RW NX$" &&
	ptkit walk --range=0x400000+0x1000 --pti=user nx.img | tail -1 | grep -q " USR RW x$"
'

# Two empty user halves are not a PTI pair: the page beside the root must
# also hold only kernel entries of the kernel's copy, mapping the same.
test_expect 'a page beside the root that only looks like a PTI copy' '
	cat >lone.spec <<-\EOT &&
	ram 0-64M
	tables 32M-48M
	root 0x2000000
	map 0xffffc8ebc0000000 0x91000 0x4000 4k rw a d
	EOT
	ptkit mkimage -o lone.img lone.spec >/dev/null &&
	ptkit info lone.img | grep "^pti:" >actual &&
	echo "pti:      off: the page beside the root, 0x0000000002001000, has the same user half, but its kernel entry 431 is present, the kernel'"'"'s copy'"'"'s is not" >expect &&
	test_cmp expect actual &&
	# the kernel copy now maps the cpu_entry_area elsewhere
	{ cat "$DATA/pti.spec" &&
	  echo "set 0x200000[508] = 0x106067" &&
	  echo "set 0x106000[0] = 0x80000000800000e3"; } >moved.spec &&
	ptkit mkimage -o moved.img moved.spec >/dev/null &&
	ptkit info moved.img | grep "^pti:" >actual &&
	echo "pti:      off: the page beside the root, 0x0000000000201000, has the same user half, but it maps 0xfffffe0000000000 to 0x40000000, the kernel'"'"'s copy does not" >expect &&
	test_cmp expect actual &&
	ptkit info --format=json moved.img | grep -q "\"pti\":{\"state\":\"off\",\"other\":\"0x201000\",\"why\":\"the page beside" &&
	ptkit info --format=json pti.img | grep -q "\"pti\":{\"state\":\"on\",\"other\":\"0x201000\",\"kernel_entries\":1}"
'

test_expect 'export keeps both PTI copies and walks the same' '
	ptkit export pti.img -o e.img >out &&
	echo "e.img: 8 table pages (32K) from 2 roots" >expect &&
	test_cmp expect out &&
	for pti in kernel user; do
		ptkit walk --pti=$pti pti.img >a &&
		ptkit walk --pti=$pti e.img >b &&
		test_cmp a b || return 1
	done
'

test_expect 'export of an image: same walk, same info, regions kept' '
	ptkit export small.img -o copy.img >/dev/null &&
	for f in text ptdump json; do
		ptkit walk --format=$f small.img >a.$f &&
		ptkit walk --format=$f copy.img >b.$f &&
		test_cmp a.$f b.$f || return 1
	done &&
	ptkit info small.img | sed 1d >a &&
	ptkit info copy.img | sed 1d >b &&
	test_cmp a b
'

test_expect 'export: usage and unreadable input' '
	must_fail 2 ptkit export small.img 2>err &&
	grep -q "give -o FILE" err &&
	must_fail 3 ptkit export nothing.img -o x.img 2>err &&
	test ! -e x.img
'

done_testing
