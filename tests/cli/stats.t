#!/bin/sh
# ptkit stats: per-region counts and the DirectMap lines.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1

test_expect 'text: leaves and table pages per region, DirectMap lines' '
	cat >expect <<-\EOT &&
	REGION                         4K       2M     1G     pud     pmd     pte
	User Space                      6        0      0       2       2       2
	Low Kernel Mapping            512      511      1       1       1       1
	High Kernel Mapping             2        2      0       0       1       1
	(no region)                     0        0      0       1       0       0
	total                         520      513      1       4       4       4
	DirectMap4k:        4096 kB
	DirectMap2M:     1044480 kB
	DirectMap1G:     1048576 kB
	EOT
	ptkit stats small.img >actual &&
	test_cmp expect actual
'

test_expect 'json: the same numbers, one object' '
	cat >expect <<-\EOT &&
	{"regions":[{"name":"User Space","start":"0x0","end":"0x800000000000","4k":6,"2m":0,"1g":0,"tables":{"pud":2,"pmd":2,"pte":2}},{"name":"Low Kernel Mapping","start":"0xffff888000000000","end":"0xffffc88000000000","4k":512,"2m":511,"1g":1,"tables":{"pud":1,"pmd":1,"pte":1}},{"name":"High Kernel Mapping","start":"0xffffffff80000000","end":"0xffffffffc0000000","4k":2,"2m":2,"1g":0,"tables":{"pud":0,"pmd":1,"pte":1}},{"name":null,"4k":0,"2m":0,"1g":0,"tables":{"pud":1,"pmd":0,"pte":0}}],"bad_entries":0,"directmap":{"4k":4096,"2m":1044480,"1g":1048576,"direct_gbpages":null}}
	EOT
	ptkit stats --format=json small.img >actual &&
	test_cmp expect actual
'

# The kernel counts an invalidated page (P and RW cleared, the rest kept)
# and never counts what the boot code left zero.
test_expect 'DirectMap counts non-zero entries, present or not' '
	cat >dm.spec <<-\EOT &&
	ram 0-8M
	tables 6M-8M
	root 0x600000
	region "Low Kernel Mapping" 0xffff888000000000-0xffffc88000000000
	# tables: pud 0x601000, pmd 0x602000, pte 0x603000
	map 0xffff888000000000 0 0x200000 4k rw nx g
	map 0xffff888000200000 0x200000 0x400000 2m rw nx g
	set 0x603000[1] = 0x8000000000001160   # invalidated: P, RW clear
	set 0x603000[2] = 0                    # never mapped
	EOT
	ptkit mkimage -o dm.img dm.spec >/dev/null &&
	ptkit stats dm.img | grep ^DirectMap >actual &&
	cat >expect <<-\EOT &&
	DirectMap4k:        2044 kB
	DirectMap2M:        4096 kB
	DirectMap1G:           0 kB
	EOT
	test_cmp expect actual &&
	ptkit walk dm.img | sed -n 2,3p >runs &&
	cat >expect <<-\EOT &&
	0xffff888000000000-0xffff888000001000     4K 0x0000000000000000 4K        1  RW GLB NX
	0xffff888000003000-0xffff888000200000  2036K 0x0000000000003000 4K      509  RW GLB NX
	EOT
	test_cmp expect runs
'

done_testing
