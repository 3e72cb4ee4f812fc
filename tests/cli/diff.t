#!/bin/sh
# ptkit diff on synthetic pairs with hand-computed answers: regions,
# entries that are not present but keep their frame, a direct map that
# moved, and --ops, whose calls give back B's direct map exactly.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o d.img "$DATA/direct1g.spec" >/dev/null || exit 1
# The same machine booted again with the direct map elsewhere (KASLR).
sed 's/0xffff888000000000/0xffff9a0000000000/g; s/0xffffc88000000000/0xffffda0000000000/' \
	"$DATA/direct1g.spec" >moved.spec
ptkit mkimage -o m.img moved.spec >/dev/null || exit 1

# Two pages of the first GiB taken away, one 2M page read-only inside the
# second GiB, and the 2M page at 2 GiB split to 4K with nothing changed.
ptkit directmap d.img invalid:0x10+2 ro:0x40000+512 4k:0x80000 -o b.img \
	>/dev/null || exit 1

test_expect 'changes under their region; a taken page keeps its frame' '
	cat >expect <<-\EOT &&
	---[ Low Kernel Mapping ]---
	page-size   0xffff888000000000-0xffff888000010000    64K  1G 0x0 RW GLB NX -> 4K 0x0 RW GLB NX
	unmapped    0xffff888000010000-0xffff888000012000     8K  1G 0x10000 RW GLB NX -> np 4K 0x10000 ro NX
	page-size   0xffff888000012000-0xffff888000200000  1976K  1G 0x12000 RW GLB NX -> 4K 0x12000 RW GLB NX
	page-size   0xffff888000200000-0xffff888040000000  1022M  1G 0x200000 RW GLB NX -> 2M 0x200000 RW GLB NX
	size+prot   0xffff888040000000-0xffff888040200000     2M  1G 0x40000000 RW GLB NX -> 2M 0x40000000 ro GLB NX
	page-size   0xffff888040200000-0xffff888080000000  1022M  1G 0x40200000 RW GLB NX -> 2M 0x40200000 RW GLB NX
	page-size   0xffff888080000000-0xffff888080200000     2M  1G 0x80000000 RW GLB NX -> 4K 0x80000000 RW GLB NX
	page-size   0xffff888080200000-0xffff8880c0000000  1022M  1G 0x80200000 RW GLB NX -> 2M 0x80200000 RW GLB NX
	EOT
	must_fail 1 ptkit diff d.img b.img >actual 2>err &&
	test_cmp expect actual &&
	echo "ptkit diff: '"'"'d.img'"'"' and '"'"'b.img'"'"' differ: 8 changes" >expect &&
	test_cmp expect err &&
	ptkit diff --format=json d.img b.img | sed -n 2p >actual &&
	echo "{\"change\":\"unmapped\",\"va\":\"0xffff888000010000\",\"end\":\"0xffff888000012000\",\"region\":\"Low Kernel Mapping\",\"pfn\":\"0x10\",\"pages\":2,\"before\":{\"present\":true,\"pa\":\"0x10000\",\"page\":1073741824,\"rw\":true,\"us\":false,\"nx\":true,\"g\":true,\"pwt\":false,\"pcd\":false,\"pat\":false,\"pkey\":0},\"after\":{\"present\":false,\"pa\":\"0x10000\",\"page\":4096,\"rw\":false,\"us\":false,\"nx\":true,\"g\":false,\"pwt\":false,\"pcd\":false,\"pat\":false,\"pkey\":0}}" >expect &&
	test_cmp expect actual
'

test_expect '--ops: the calls, splits first; they give B back' '
	printf "4k:0x80000+512\ninvalid:0x10+2\nro:0x40000+512\n" >expect &&
	must_fail 1 ptkit diff --ops d.img b.img >actual &&
	test_cmp expect actual &&
	ptkit directmap d.img $(cat actual) -o sim.img >/dev/null &&
	ptkit diff --region=direct-map sim.img b.img >actual &&
	echo "no differences" >expect &&
	test_cmp expect actual
'

test_expect '--ops: a whole large page taken is one call, kept large' '
	ptkit directmap d.img novalid:0x200+512 -o c.img >/dev/null &&
	echo "novalid:0x200+512" >expect &&
	must_fail 1 ptkit diff --ops d.img c.img >actual &&
	test_cmp expect actual &&
	ptkit directmap d.img $(cat actual) -o sim.img >/dev/null &&
	ptkit diff --region=direct-map sim.img c.img
'

test_expect '--ops: G lost is a page taken and given back' '
	ptkit directmap d.img invalid:0x300 default:0x300 -o g.img >/dev/null &&
	printf "invalid:0x300\ndefault:0x300\n" >expect &&
	must_fail 1 ptkit diff --ops d.img g.img >actual &&
	test_cmp expect actual &&
	ptkit directmap d.img $(cat actual) -o sim.img >/dev/null &&
	ptkit diff --region=direct-map sim.img g.img
'

test_expect '--ops: what no call does is named on stderr' '
	must_fail 1 ptkit diff --ops b.img d.img >actual 2>err &&
	test_cmp /dev/null actual &&
	grep -q "^ptkit diff: 0xffff888000010000-0xffff888000012000: no direct-map call does this: the kernel does not merge pages back$" err
'

test_expect 'a direct map that moved is compared by frame' '
	ptkit directmap m.img invalid:0x10+2 -o mb.img >/dev/null &&
	must_fail 1 ptkit diff --region=direct-map d.img mb.img >actual &&
	grep -q "^unmapped    0xffff888000010000-0xffff888000012000     8K  1G 0x10000 RW GLB NX -> np 4K 0x10000 ro NX$" actual &&
	test "$(grep -c -v "^page-size\|^---\[" actual)" = 1 &&
	echo "invalid:0x10+2" >expect &&
	must_fail 1 ptkit diff --ops d.img mb.img >actual &&
	test_cmp expect actual &&
	ptkit diff m.img m.img >actual &&
	echo "no differences" >expect &&
	test_cmp expect actual
'

test_expect 'errors: unknown region, --range with --region, --ops with json' '
	must_fail 2 ptkit diff --region=bogus d.img b.img 2>err &&
	grep -q "no region named '"'"'bogus'"'"'; these are known:" err &&
	must_fail 2 ptkit diff --region=direct-map --range=0-0x1000 d.img b.img 2>err &&
	grep -q "give one" err &&
	must_fail 2 ptkit diff --ops --format=json d.img b.img 2>err
'

done_testing
