#!/bin/sh
# ptkit info: format, paging and where it came from, RAM, tables, metadata.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1

test_expect 'text: everything a user asks first' '
	cat >expect <<-\EOT &&
	source:   small.img
	format:   ELF core (libelf)
	paging:   4-level, 48-bit virtual, 52-bit physical addresses
	          levels from PTKIT_LEVELS in the image
	root:     0x0000000000100000 from PTKIT_ROOT in the image
	pti:      off: the page beside the root, 0x0000000000101000, is not a copy of it (user entry 0 differs)
	ram:      1 range, 64M
	          0x0000000000000000-0x0000000004000000    64M
	tables:   pgd 1 pud 4 pmd 4 pte 4 (13 pages, 52K)
	regions:
	          0x0000000000000000-0x0000800000000000 User Space
	          0xffff888000000000-0xffffc88000000000 Low Kernel Mapping
	          0xffffffff80000000-0xffffffffc0000000 High Kernel Mapping
	metadata: 6 keys
	          PTKIT_ROOT=0x100000
	          PTKIT_LEVELS=4
	          PTKIT_PHYS_BITS=52
	          PTKIT_REGION(User Space)=0-800000000000
	          PTKIT_REGION(Low Kernel Mapping)=ffff888000000000-ffffc88000000000
	          PTKIT_REGION(High Kernel Mapping)=ffffffff80000000-ffffffffc0000000
	EOT
	ptkit info small.img >actual &&
	test_cmp expect actual
'

test_expect 'json: one object' '
	cat >expect <<-\EOT &&
	{"source":"small.img","format":"ELF core (libelf)","levels":4,"levels_from":"PTKIT_LEVELS in the image","root":"0x100000","root_from":"PTKIT_ROOT in the image","pti":{"state":"off","other":"0x101000","why":"the page beside the root, 0x0000000000101000, is not a copy of it (user entry 0 differs)"},"phys_bits":52,"cpus":[],"ram":[{"start":"0x0","end":"0x4000000"}],"ram_bytes":67108864,"tables":{"pgd":1,"pud":4,"pmd":4,"pte":4},"bad_entries":0,"regions":[{"name":"User Space","start":"0x0","end":"0x800000000000"},{"name":"Low Kernel Mapping","start":"0xffff888000000000","end":"0xffffc88000000000"},{"name":"High Kernel Mapping","start":"0xffffffff80000000","end":"0xffffffffc0000000"}],"metadata":{"PTKIT_ROOT":"0x100000","PTKIT_LEVELS":"4","PTKIT_PHYS_BITS":"52","PTKIT_REGION(User Space)":"0-800000000000","PTKIT_REGION(Low Kernel Mapping)":"ffff888000000000-ffffc88000000000","PTKIT_REGION(High Kernel Mapping)":"ffffffff80000000-ffffffffc0000000"}}
	EOT
	ptkit info --format=json small.img >actual &&
	test_cmp expect actual
'

test_expect 'the top of the address space has one spelling, 0x0000000000000000' '
	cat >top.spec <<-\EOT &&
	ram 0-16M
	tables 1M-2M
	region "Fixmap Area" 0xffffffffff000000-0
	map 0xfffffffffffff000 0x800000 0x1000 4k rw nx g
	EOT
	ptkit mkimage -o top.img top.spec >/dev/null &&
	ptkit info top.img | grep -q "^          0xffffffffff000000-0x0000000000000000 Fixmap Area$" &&
	ptkit info --format=json top.img |
		grep -q "{\"name\":\"Fixmap Area\",\"start\":\"0xffffffffff000000\",\"end\":\"0x0\"}" &&
	ptkit walk top.img | grep -q "^0xfffffffffffff000-0x0000000000000000 " &&
	ptkit walk --format=json top.img | grep -q "\"end\":\"0x0\"" &&
	ptkit walk --format=ptdump top.img | tail -n 1 | grep -q "^0xfffffffffffff000-0x0000000000000000 " &&
	! ptkit walk --format=json top.img | grep -q 10000000000000000 &&
	# and either spelling is taken as input
	ptkit walk --range=0xffffffffff000000-0x10000000000000000 top.img >a &&
	ptkit walk --range=0xffffffffff000000-0 top.img >b &&
	test_cmp a b
'

test_expect 'a guess that contradicts another is dropped and named; commands go on' '
	# vmemmap from VMCOREINFO at 0xffffd00000000000; a leaf above it
	# whose va - pa is 1G-aligned would make the direct map start after
	# the vmemmap, and every command stopped on an empty region
	cat >guess.spec <<-\EOT &&
	ram 0-16M
	tables 1M-2M
	meta OSRELEASE=6.1.0-guess
	meta SYMBOL(mem_section)=ffffffff81000000
	meta OFFSET(mem_section.section_mem_map)=0
	meta SIZE(mem_section)=16
	map 0xffffffff81000000 0xa00000 0x1000 4k nx g
	set 0xa00000 = 0xffffd00000000003
	map 0xffffe00000000000 0 2M 2m rw nx g
	EOT
	ptkit mkimage -o guess.img guess.spec >/dev/null &&
	ptkit info guess.img >out &&
	grep -q "^layout:   direct map 0x0000000000000000 not found: 0xffffe00000000000 contradicts the vmemmap base at 0xffffd00000000000$" out &&
	grep -q "^          0xffffd00000000000-0xffffd10000000000 Vmemmap$" out &&
	for cmd in walk stats check; do
		ptkit $cmd guess.img >/dev/null || return 1
	done &&
	ptkit walk --format=ptdump guess.img >/dev/null
'

test_expect '--region-base wins over what is found; --no-discovery guesses nothing' '
	ptkit info --region-base=direct-map=0xffffe00000000000 guess.img >out &&
	grep -q "^layout:   direct map 0xffffe00000000000 --region-base$" out &&
	grep -q "^          vmemmap    0x0000000000000000 not found: 0xffffd00000000000 contradicts the direct map at 0xffffe00000000000$" out &&
	grep -q "^          0xffffe00000000000-0xfffffe0000000000 Low Kernel Mapping$" out &&
	ptkit walk --region=direct-map --region-base=direct-map=0xffffe00000000000 guess.img >walk &&
	test "$(wc -l <walk)" = 2 &&
	ptkit info --no-discovery guess.img >out &&
	grep -q "^pti:      not probed (--no-discovery)$" out &&
	test "$(grep -c "not searched (--no-discovery)$" out)" = 3 &&
	! grep -q "Area$" out &&
	ptkit walk --no-discovery guess.img >/dev/null &&
	must_fail 2 ptkit info --region-base=kernel=0xffffffff80000000 guess.img 2>err &&
	grep -q "is not direct-map, vmalloc or vmemmap" err
'

test_expect '--cr3 says where the root came from' '
	ptkit info --cr3=0x100000 small.img >actual &&
	grep -q "^root:     0x0000000000100000 from --cr3$" actual
'

test_expect 'an ELF file that is not a core is refused, exit 3' '
	must_fail 3 ptkit info "$PTKIT" 2>err &&
	grep -q "an ELF file, but not an x86-64 core dump" err
'

done_testing
