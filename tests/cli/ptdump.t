#!/bin/sh
# walk --format=ptdump against the kernel's own listing: the shared dump
# beside the page_tables/kernel its guest read, and synthetic kernels for
# what that dump cannot show (5 levels, a process's bits, no markers).
. "$(dirname "$0")/lib.sh"

PD=$REALDATA/ptdump
D=$PD/vmcore-d31.kdump-zlib
KERNEL=$PD/guest/page_tables_kernel.txt

# The spec lines that lay out a kernel's address_markers[] at physical
# PA, mapped at VA: "start name max_lines" lines in, set lines out.
markers_spec() {
	perl -e '
		my ($pa, $va) = (hex $ARGV[0], hex $ARGV[1]);
		my ($arr, $names) = ("", "");
		while (<STDIN>) {
			my ($start, $name, $max) = /^(\S+) (.*) (\d+)$/ or next;
			$arr .= pack "Q<Q<Q<", hex $start,
				$va + 0x400 + length $names, $max;
			$names .= "$name\0";
		}
		$arr .= pack "Q<Q<Q<", ~0, 0, 0;
		my $page = $arr . "\0" x (0x400 - length $arr) . $names;
		$page .= "\0" x ((8 - length($page) % 8) % 8);
		for (my $i = 0; $i < length $page; $i += 8) {
			my $w = unpack "Q<", substr $page, $i, 8;
			printf "set %#x = %#x\n", $pa + $i, $w if $w;
		}' "$1" "$2"
}

# A KASAN kernel's shadow: eight top-level entries point to the early
# shadow PUD, whose entries all point to the early PMD, whose all point to
# the early PTE table, which maps one zero page (at 0x1f0000-0x1f3000,
# mapped at 0xffffffff82000000).  Its second entry is writable: the kernel
# notes only the first, and a walk that went down would print 2^30 PTEs.
kasan_spec() {
	perl -e '
		print "levels 4\nram 0-64M\ntables 1M-2M\n",
		      "meta OSRELEASE=6.1.0-kasan\n",
		      "map 0xffff888000000000 0 0x4000 4k rw nx g\n",
		      "map 0xffffffff82000000 0x1f0000 0x4000 4k nx g\n";
		for my $i (0 .. 511) {
			print "set 0x1f0000[$i] = 0x1f1063\n",
			      "set 0x1f1000[$i] = 0x1f2063\n",
			      "set 0x1f2000[$i] = 0x80000000001f3161\n";
		}
		print "set 0x100000[$_] = 0x1f0067\n" for 472 .. 479;
		print "set 0x1f2000[1] = 0x80000000001f3163\n";'
}

# A 5-level kernel without KASLR: its 6.1 markers (ESPfix limited to 2
# lines here), a user page under a top-level entry with NX (the kernel's
# copy under PTI), accessed and dirty bits, a page taken out of the direct
# map (its frame kept, inverted), a 2M page with PAT, the local APIC.
cat >la57.base <<'EOT'
levels 5
ram 0-64M
tables 1M-2M
meta OSRELEASE=6.1.0-test
map 0x400000 0x2000000 0x1000 4k us rw
map 0xff11000000000000 0 0x3000 4k rw nx g
map 0xff11000000003000 0x3000 0x1000 4k rw nx g a d
map 0xff11000000004000 0x4000 0x5000 4k rw nx g
map 0xffffff0000001000 0x2100000 0x1000 4k nx g
map 0xffffffff81000000 0x3000000 0x1000 4k nx g
map 0xffffffff81200000 0x3200000 2M 2m g pat
map 0xffffffffff5fc000 0xfee00000 0x1000 4k rw nx g pcd pwt
set 0x100000[0] = 0x8000000000101067
set 0x108000[8] = 0x800fffffffff7060
EOT
cat >la57.markers <<'EOT'
0 User Space 0
0x8000000000000000 Kernel Space 0
0xff10000000000000 LDT remap 0
0xff11000000000000 Low Kernel Mapping 0
0xffa0000000000000 vmalloc() Area 0
0xffd4000000000000 Vmemmap 0
0xfffffe0000000000 CPU entry Area 0
0xffffff0000000000 ESPfix Area 2
0xffffffef00000000 EFI Runtime Services 0
0xffffffff80000000 High Kernel Mapping 0
0xffffffffc0000000 Modules 0
0xffffffffff000000 End Modules 0
0xffffffffff578000 Fixmap Area 0
EOT

test_expect 'a 5-level kernel: its markers, as note_page() prints them' '
	{ cat la57.base &&
	  echo "meta SYMBOL(address_markers)=ffffffff81000000" &&
	  markers_spec 0x3000000 0xffffffff81000000 <la57.markers; } >la57.spec &&
	ptkit mkimage -o la57.img la57.spec >/dev/null &&
	cat >expect <<-\EOT &&
	---[ User Space ]---
	0x0000000000000000-0x0000000000400000           4M                               pmd
	0x0000000000400000-0x0000000000401000           4K USR RW                     x  pte
	0x0000000000401000-0x0000000000600000        2044K                               pte
	0x0000000000600000-0x0000000040000000        1018M                               pmd
	0x0000000040000000-0x0000008000000000         511G                               pud
	0x0000008000000000-0x0001000000000000      261632G                               p4d
	0x0001000000000000-0xff10000000000000    16715520T                               pgd
	---[ Kernel Space ]---
	0xff10000000000000-0xff11000000000000         256T                               pgd
	---[ LDT remap ]---
	0xff11000000000000-0xff11000000001000           4K     RW                 GLB NX pte
	---[ Low Kernel Mapping ]---
	0xff11000000001000-0xff11000000003000           8K     RW                 GLB NX pte
	0xff11000000003000-0xff11000000004000           4K     RW                 GLB NX pte
	0xff11000000004000-0xff11000000008000          16K     RW                 GLB NX pte
	0xff11000000008000-0xff11000000009000           4K                               pte
	0xff11000000009000-0xff11000000200000        2012K                               pte
	0xff11000000200000-0xff11000040000000        1022M                               pmd
	0xff11000040000000-0xff11008000000000         511G                               pud
	0xff11008000000000-0xff12000000000000      261632G                               p4d
	0xff12000000000000-0xffa0000000000000       36352T                               pgd
	---[ vmalloc() Area ]---
	0xffa0000000000000-0xffd4000000000000          13P                               pgd
	---[ Vmemmap ]---
	0xffd4000000000000-0xffff000000000000       11008T                               pgd
	0xffff000000000000-0xfffffe0000000000         254T                               p4d
	---[ CPU entry Area ]---
	0xfffffe0000000000-0xffffff0000000000           1T                               p4d
	---[ ESPfix Area ]---
	0xffffff0000000000-0xffffff0000001000           4K                               pte
	0xffffff0000001000-0xffffff0000002000           4K     ro                 GLB NX pte
	... 3 entries skipped ... 
	---[ EFI Runtime Services ]---
	0xffffffef00000000-0xffffffff80000000          66G                               pud
	---[ High Kernel Mapping ]---
	0xffffffff80000000-0xffffffff81000000          16M                               pmd
	0xffffffff81000000-0xffffffff81001000           4K     ro                 GLB NX pte
	0xffffffff81001000-0xffffffff81200000        2044K                               pte
	0xffffffff81200000-0xffffffff81400000           2M     ro         PSE     GLB x  pmd
	0xffffffff81400000-0xffffffffc0000000        1004M                               pmd
	---[ Modules ]---
	0xffffffffc0000000-0xffffffffff000000        1008M                               pmd
	---[ End Modules ]---
	0xffffffffff000000-0xffffffffff400000           4M                               pmd
	0xffffffffff400000-0xffffffffff578000        1504K                               pte
	---[ Fixmap Area ]---
	0xffffffffff578000-0xffffffffff5fc000         528K                               pte
	0xffffffffff5fc000-0xffffffffff5fd000           4K     RW PWT PCD         GLB NX pte
	0xffffffffff5fd000-0xffffffffff600000          12K                               pte
	0xffffffffff600000-0x0000000000000000          10M                               pmd
	EOT
	ptkit walk --format=ptdump la57.img >actual &&
	test_cmp expect actual &&
	# the same page in text: effective NX, and A and D do not split
	ptkit walk --range=0x400000+0x1000 la57.img | grep -q " USR RW NX$" &&
	test "$(ptkit walk --range=0xff11000000000000+0x8000 la57.img |
		grep -c " RW GLB NX$")" = 1
'

test_expect '--no-truncate prints what a limit counts; a range opens at its marker' '
	ptkit walk --format=ptdump --no-truncate la57.img >all &&
	sed -n "/ESPfix/,/EFI/p" all >actual &&
	cat >expect <<-\EOT &&
	---[ ESPfix Area ]---
	0xffffff0000000000-0xffffff0000001000           4K                               pte
	0xffffff0000001000-0xffffff0000002000           4K     ro                 GLB NX pte
	0xffffff0000002000-0xffffff0000200000        2040K                               pte
	0xffffff0000200000-0xffffff0040000000        1022M                               pmd
	0xffffff0040000000-0xffffffef00000000         955G                               pud
	---[ EFI Runtime Services ]---
	EOT
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	---[ Low Kernel Mapping ]---
	0xff11000000000000-0xff11000000003000          12K     RW                 GLB NX pte
	0xff11000000003000-0xff11000000004000           4K     RW                 GLB NX pte
	0xff11000000004000-0xff11000000008000          16K     RW                 GLB NX pte
	0xff11000000008000-0xff11000000009000           4K                               pte
	0xff11000000009000-0xff11000000010000          28K                               pte
	EOT
	ptkit walk --format=ptdump --range=0xff11000000000000+0x10000 la57.img >actual &&
	test_cmp expect actual &&
	must_fail 2 ptkit walk --no-truncate la57.img 2>err &&
	grep -q "goes with --format=ptdump only" err
'

test_expect 'a kernel before 5.6: its own walker noted the guard hole and kept PAT' '
	sed "s/^meta OSRELEASE=.*/meta OSRELEASE=5.4.0-test/" la57.spec >old.spec &&
	ptkit mkimage -o old.img old.spec >/dev/null &&
	ptkit walk --format=ptdump old.img >all &&
	sed -n "8,14p" all >actual &&
	cat >expect <<-\EOT &&
	0x0001000000000000-0xff00000000000000    16711424T                               pgd
	---[ Kernel Space ]---
	0xff00000000000000-0xff10000000000000           4P                               pgd
	---[ LDT remap ]---
	0xff10000000000000-0xff11000000000000         256T                               pgd
	---[ Low Kernel Mapping ]---
	0xff11000000000000-0xff11000000003000          12K     RW                 GLB NX pte
	EOT
	test_cmp expect actual &&
	grep -q "^0xffffffff81200000-0xffffffff81400000           2M     ro         PSE PAT GLB x  pmd$" all &&
	ptkit info old.img | grep "^ptdump:   13 markers: .*; the walk of Linux before 5.6$" &&
	ptkit info --format=json la57.img |
		grep -q "\"ptdump_markers\":{\"count\":13,\"address\":\"0xffffffff81000000\","
'

test_expect 'KASAN: an entry pointing to an early shadow table is one PTE note' '
	kasan_spec >kasan.spec &&
	for t in pud:0 pmd:1 pte:2; do
		echo "meta SYMBOL(kasan_early_shadow_${t%:*})=ffffffff8200${t#*:}000"
	done >>kasan.spec &&
	ptkit mkimage -o kasan.img kasan.spec >/dev/null &&
	ptkit walk --format=ptdump kasan.img >all &&
	grep -A1 "^0xffff890000000000-" all >actual &&
	cat >expect <<-\EOT &&
	0xffff890000000000-0xffffec0000000000          99T                               pgd
	0xffffec0000000000-0xfffff00000000000           4T     ro                 GLB NX pte
	EOT
	test_cmp expect actual &&
	ptkit export -o kasan2.img kasan.img >/dev/null &&
	ptkit walk --format=ptdump kasan2.img | cmp all -
'

test_expect 'without address_markers: the 6.1 list from the regions, no guessed fixmap' '
	cp la57.base plain.spec &&
	ptkit mkimage -o plain.img plain.spec >/dev/null &&
	ptkit walk --format=ptdump plain.img | grep -e "^---" -e skipped >actual &&
	cat >expect <<-\EOT &&
	---[ User Space ]---
	---[ Kernel Space ]---
	---[ LDT remap ]---
	---[ Low Kernel Mapping ]---
	---[ CPU entry Area ]---
	---[ ESPfix Area ]---
	---[ EFI Runtime Services ]---
	---[ High Kernel Mapping ]---
	---[ Modules ]---
	---[ End Modules ]---
	EOT
	test_cmp expect actual &&
	# address_markers that are not markers: the same, not a failure
	{ cat la57.base &&
	  echo "meta SYMBOL(address_markers)=ffffffff81000008"; } >bad.spec &&
	ptkit mkimage -o bad.img bad.spec >/dev/null &&
	ptkit walk --format=ptdump bad.img | grep -e "^---" -e skipped >actual &&
	test_cmp expect actual
'

if ! [ -r "$D" ]; then
	test_skip 'the shared dump: byte for byte the kernel'"'"'s listing' \
		"no real dumps in $REALDATA (the shared data beside the clone)"
	test_skip 'the shared dump: --no-truncate, --region, export' \
		"no real dumps in $REALDATA"
	done_testing
fi

test_expect 'the shared dump: byte for byte the kernel'"'"'s listing' '
	ptkit walk --format=ptdump "$D" >actual &&
	cmp "$KERNEL" actual
'

test_expect 'the shared dump: --no-truncate, --region, export' '
	ptkit walk --format=ptdump --no-truncate "$D" >all &&
	test "$(wc -l <all)" = $((170 - 1 + 131059)) &&
	! grep -q skipped all &&
	sed "/ESPfix/,/EFI/d" all >actual &&
	sed "/ESPfix/,/EFI/d" "$KERNEL" >expect &&
	test_cmp expect actual &&
	sed -n "/Low Kernel/,/vmalloc/p" "$KERNEL" | sed "\$d" >expect &&
	ptkit walk --format=ptdump --region=direct-map "$D" >actual &&
	test_cmp expect actual &&
	ptkit export -o e.img "$D" >out &&
	grep -q "; 2 pages of the kernel'"'"'s ptdump markers$" out &&
	ptkit walk --format=ptdump e.img >actual &&
	cmp "$KERNEL" actual
'

done_testing
