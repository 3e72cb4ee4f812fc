#!/bin/sh
# ptkit freelists on a synthetic kernel: counts, the JSON contract, and
# lists that a corrupted dump breaks.  The real dump is in realdata.t.
. "$(dirname "$0")/lib.sh"

SPEC=$DATA/freelists.spec
ptkit mkimage -o fl.img "$SPEC" >/dev/null || exit 1

# An image of the spec with more lines appended.
variant() {
	{ cat "$SPEC" && cat; } >variant.spec &&
	ptkit mkimage -o variant.img variant.spec >/dev/null
}

test_expect 'text: pagetypeinfo, buddyinfo, the counter check' '
	cat >expect <<-\EOT &&
	Free pages count per migrate type at order            0      1      2      3      4      5      6      7      8      9     10
	Node    0, zone      DMA, type    Unmovable      1      0      0      0      0      0      0      0      0      0      0
	Node    0, zone      DMA, type      Movable      0      0      0      2      0      0      0      0      0      0      0
	Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0
	Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0
	Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0

	Node 0, zone      DMA      1      0      0      2      0      0      0      0      0      0      0

	Node 0, zone      DMA: 17 free pages on the lists = NR_FREE_PAGES
	EOT
	ptkit freelists fl.img >actual &&
	test_cmp expect actual
'

test_expect 'json: one line per order and list, the keys of the contract' '
	ptkit freelists --format=json fl.img >actual &&
	test $(wc -l <actual) = 55 &&
	head -2 actual >head &&
	cat >expect <<-\EOT &&
	{"node":0,"zone":"DMA","order":0,"migratetype":"Unmovable","blocks":1}
	{"node":0,"zone":"DMA","order":0,"migratetype":"Movable","blocks":0}
	EOT
	test_cmp expect head &&
	grep -v "\"blocks\":0}$" actual >nonzero &&
	cat >expect <<-\EOT &&
	{"node":0,"zone":"DMA","order":0,"migratetype":"Unmovable","blocks":1}
	{"node":0,"zone":"DMA","order":3,"migratetype":"Movable","blocks":2}
	EOT
	test_cmp expect nonzero
'

test_expect 'a loop in a list is reported, not followed: exit 1' '
	echo "set 0x4204208 = 0xffffea0000004008" | variant &&
	must_fail 1 ptkit freelists variant.img >actual 2>err &&
	grep -q "^ptkit freelists: .variant.img.: node 0 zone DMA: 1 list not walked to the end; first: list at 0xffff888004010218 loops: element 0xffffea0000004008 comes back after 2$" err &&
	test $(wc -l <err) = 1 &&
	grep -q "^Node 0, zone      DMA      1      0      0      2 " actual
'

test_expect 'an element outside the vmemmap is reported: exit 1' '
	echo "set 0x4204008 = 0xffff888000001000" | variant &&
	must_fail 1 ptkit freelists variant.img >actual 2>err &&
	grep -q "element 0xffff888000001000 is not a struct page of RAM$" err &&
	grep -q "Movable      0      0      0      1 " actual
'

test_expect 'lists and counter disagree: exit 1, both numbers said' '
	echo "set 0x4010540 = 16" | variant &&
	must_fail 1 ptkit freelists --format=json variant.img >actual 2>err &&
	test $(wc -l <actual) = 55 &&
	echo "ptkit freelists: '\''variant.img'\'': node 0 zone DMA: 17 free pages on the lists, NR_FREE_PAGES says 16" >expect &&
	test_cmp expect err
'

test_expect 'a missing VMCOREINFO key is named: exit 3' '
	ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null &&
	must_fail 3 ptkit freelists small.img 2>err &&
	grep -q "VMCOREINFO has no SYMBOL(node_data), needed to walk the free lists" err
'

test_expect 'node_data unreadable: exit 3 naming it' '
	echo "meta SYMBOL(node_data)=ffff888100000000" | variant &&
	must_fail 3 ptkit freelists variant.img 2>err &&
	grep -q "node_data\[0\]" err
'

test_expect 'usage errors: exit 2' '
	must_fail 2 ptkit freelists --format=xml fl.img 2>/dev/null &&
	must_fail 2 ptkit freelists 2>/dev/null &&
	must_fail 2 ptkit freelists fl.img fl.img 2>/dev/null
'

done_testing
