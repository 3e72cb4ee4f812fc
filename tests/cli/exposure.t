#!/bin/sh
# ptkit exposure: what an address space reaches, by kind.  A synthetic
# kernel with struct pages of every kind (freelists.spec, pages.spec) and
# a PTI user copy beside its root; then the shared dumps: a process's
# hugepages, and the secret pages that only their owner reaches.
. "$(dirname "$0")/lib.sh"

# The user copy (root + 4K) shares the kernel's pgd[0] (a user page, PFN
# 0x400, anon) and pgd[508] (one kernel page, PFN 0x401, file), as
# pti_clone_p4d() shares the cpu_entry_area.  The entries' values are the
# builder's tables for those; the first test checks they still are.
{
	sed "/^tables 16M-17M/a root 0x3000000" "$DATA/freelists.spec" &&
	cat "$DATA/pages.spec" &&
	cat <<-\EOF
	map 0x400000 0x400000 0x1000 4k us rw a
	map 0xfffffe0000000000 0x401000 0x1000 4k rw nx g a
	set 0x3001000[0] = 0x1004067
	set 0x3001000[508] = 0x1007067
	EOF
} >pti.spec && ptkit mkimage -o pti.img pti.spec >/dev/null || exit 1

test_expect 'the image: a user copy sharing pgd[0] and pgd[508]' '
	ptkit translate pti.img 0x400000 0xfffffe0000000000 >actual &&
	grep -q "^  pgd\[  0\]  table 0x0000000003000000  entry 0x0000000001004067$" actual &&
	grep -q "^  pgd\[508\]  table 0x0000000003000000  entry 0x0000000001007067$" actual &&
	ptkit info pti.img | grep -q "^pti:      on: the user copy at 0x0000000003001000 has 1 kernel entries"
'

test_expect '--pti=user --against=kernel: two pages, all else only the kernel reaches' '
	cat >expect <<-\EOT &&
	address space: 0x0000000003001000 (PTKIT_ROOT in the image, the user copy (--pti))
	against:       0x0000000003000000, the kernel'"'"'s own tables

	KIND                  PAGES       SIZE   RANGES  VRANGES  USER-HALF ONLY-KERNEL
	no-struct-page            0          0        0        0          0       32501
	pagetable                 0          0        0        0          0          11
	free                      0          0        0        0          0          17
	offline                   0          0        0        0          0           1
	slab                      0          0        0        0          0           2
	unreferenced              0          0        0        0          0         233
	anon                      1         4K        1        1          1           0
	file                      1         4K        1        1          0           0
	kernel                    0          0        0        0          0           1
	total                     2         8K        2        2          1       32766
	EOT
	ptkit exposure --pti=user --against=kernel pti.img >actual 2>err &&
	test_cmp expect actual && test ! -s err &&
	ptkit exposure --cr3=0x3001000 --against=kernel pti.img >actual 2>err &&
	tail -n +2 actual >a2 && tail -n +2 expect >e2 && test_cmp e2 a2 &&
	test ! -s err &&
	grep -q "^address space: 0x0000000003001000 (--cr3)$" actual
'

test_expect 'json: kind, pages, bytes, ranges; --list: each range with a virtual address' '
	ptkit exposure --pti=user --format=json pti.img >actual &&
	cat >expect <<-\EOT &&
	{"kind":"anon","pages":1,"bytes":4096,"ranges":1,"virtual_ranges":1,"virtual_pages":1,"user_pages":1}
	{"kind":"file","pages":1,"bytes":4096,"ranges":1,"virtual_ranges":1,"virtual_pages":1,"user_pages":0}
	{"total":{"pages":2,"bytes":8192,"virtual_pages":2,"outside_direct_map_pages":0}}
	EOT
	test_cmp expect actual &&
	ptkit exposure --pti=user --list --format=json pti.img >actual &&
	cat >expect <<-\EOT &&
	{"kind":"anon","pfn":"0x400","end_pfn":"0x401","pages":1,"va":"0x400000"}
	{"kind":"file","pfn":"0x401","end_pfn":"0x402","pages":1,"va":"0xfffffe0000000000"}
	EOT
	test_cmp expect actual
'

test_expect 'the kernel root: all RAM through the direct map, nothing outside it' '
	ptkit exposure --format=json pti.img >actual &&
	grep -q "^{\"total\":{\"pages\":32768,\"bytes\":134217728,.*\"outside_direct_map_pages\":0}}$" actual
'

test_expect 'without struct pages: RAM is ram, and said; usage errors exit 2' '
	ptkit mkimage -o bare.img "$DATA/pti.spec" >/dev/null &&
	ptkit exposure --pti=user bare.img >actual 2>err &&
	grep -q "^ram                  262145   1048580K        2        2          1$" actual &&
	grep -q "^ptkit exposure: the kinds of pages are not known (the vmemmap base is not known" err &&
	must_fail 2 ptkit exposure --against=user pti.img 2>/dev/null &&
	must_fail 2 ptkit exposure 2>/dev/null
'

STEPS=$REALDATA/steps
HVO=$REALDATA/hvo
if [ -r "$STEPS/step2/vmcore-d31.kdump-zlib" ] && [ -r "$HVO/vmcore-d31.kdump-zlib" ]; then
	test_expect 'hvo dump: the helper reaches its 32 hugepages through its user half' '
		pid=$(sed -n "s/^hugetlb: pid=\([0-9]*\) .*/\1/p" "$HVO/guest/hugetlb.txt") &&
		n=$(grep -c "^hugepage idx=" "$HVO/guest/hugetlb.txt") &&
		ptkit exposure --pid="$pid" --format=json "$HVO/vmcore-d31.kdump-zlib" >actual &&
		grep -q "^{\"kind\":\"hugetlb\",\"pages\":65536,.*,\"user_pages\":$((n * 512))}$" actual &&
		ptkit exposure --format=json "$HVO/vmcore-d31.kdump-zlib" >kernel &&
		grep -q "^{\"kind\":\"hugetlb\",\"pages\":65536,.*,\"user_pages\":0}$" kernel
	'
	# Each of the 64 secret pages: reached by its owner, never by the
	# kernel's own tables (they left the direct map).
	test_expect 'steps/step2: the secret pages are reached by their owner only' '
		g=$STEPS/step2/guest/secretmem.txt &&
		pid=$(sed -n "s/^secretmem: pid=\([0-9]*\) .*/\1/p" "$g") &&
		sed -n "s/.* pfn=\(0x[0-9a-f]*\) .*/\1/p" "$g" >pfns &&
		test "$(wc -l <pfns)" = 64 &&
		ptkit exposure --pid="$pid" --list --format=json "$STEPS/step2/vmcore-d31.kdump-zlib" >owner &&
		ptkit exposure --list --format=json "$STEPS/step2/vmcore-d31.kdump-zlib" >kernel &&
		for who in owner kernel; do
			perl -e "
				my @r;
				open(my \$f, q{<}, q{$who}) or die;
				while (<\$f>) {
					/\"kind\":\"(\\w[\\w-]*)\",\"pfn\":\"(0x\\w+)\",\"end_pfn\":\"(0x\\w+)\"/ and
						push @r, [\$1, hex \$2, hex \$3];
				}
				open(my \$p, q{<}, q{pfns}) or die;
				while (<\$p>) {
					my \$pfn = hex; my \$k = q{-};
					for (@r) { \$k = \$_->[0] if \$pfn >= \$_->[1] && \$pfn < \$_->[2] }
					print qq{\$k\\n};
				}" | sort | uniq -c >$who.kinds || return 1
		done &&
		echo "     64 file" >expect && test_cmp expect owner.kinds &&
		echo "     64 -" >expect && test_cmp expect kernel.kinds &&
		ptkit exposure --pid="$pid" "$STEPS/step2/vmcore-d31.kdump-zlib" >text &&
		grep -q "^66 pages of RAM reached here are not in the kernel.s direct map" text &&
		ptkit exposure "$STEPS/step2/vmcore-d31.kdump-zlib" >text &&
		grep -q "^2 pages of RAM reached here are not in the kernel.s direct map" text
	'
else
	test_skip 'hvo dump: the helper reaches its 32 hugepages' "no real dumps in $REALDATA"
	test_skip 'steps/step2: the secret pages are reached by their owner only' "no real dumps in $REALDATA"
fi

done_testing
