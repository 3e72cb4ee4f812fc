#!/bin/sh
# Symbols, processes and who maps a frame, from the dumps alone (kallsyms
# and BTF), checked against what the guests themselves recorded.
. "$(dirname "$0")/lib.sh"

STEPS=$REALDATA/steps
HVO=$REALDATA/hvo
[ -r "$STEPS/step2/vmcore-d31.kdump-zlib" ] ||
	skip_all "no real dumps in $REALDATA (the shared data beside the clone)"
S1=$STEPS/step1/vmcore-d31.kdump-zlib
S2=$STEPS/step2/vmcore-d31.kdump-zlib
S3=$STEPS/step3/vmcore-d31.kdump-zlib

# The lines of a guest's kallsyms sample (comments dropped), sorted.
sample() {
	grep -v '^#' "$1" | grep . | sort
}

for d in step1 step2 step3; do
	test_expect "symbols: every line of $d's /proc/kallsyms sample" '
		ptkit symbols "$STEPS/$d/vmcore-d31.kdump-zlib" >syms &&
		test "$(wc -l <syms)" -gt 90000 &&
		sample "$STEPS/$d/guest/kallsyms_sample.txt" >expect &&
		test "$(wc -l <expect)" -gt 300 &&
		sort syms | comm -23 expect - >missing &&
		test_cmp /dev/null missing &&
		sort -c -s -k1,1 syms
	'
done

test_expect 'symbols: the hvo boot and the addresses of kernel_layout.txt' '
	ptkit symbols "$HVO/vmcore-d31.kdump-zlib" >syms &&
	sort syms >syms.sorted &&
	sample "$HVO/guest/kallsyms_sample.txt" | comm -23 - syms.sorted >missing &&
	test_cmp /dev/null missing &&
	for d in step2 step3; do
		ptkit symbols "$STEPS/$d/vmcore-d31.kdump-zlib" >s || return 1
		sed -n "s/^sym \([^ ]*\) addr=0x\([0-9a-f]*\) .*/\2 \1/p" \
			"$STEPS/$d/guest/kernel_layout.txt" >want &&
		test "$(wc -l <want)" -gt 25 &&
		awk "{ print \$1, \$3 }" s | sort >have &&
		sort want | comm -23 - have >missing &&
		test_cmp /dev/null missing || return 1
	done
'

test_expect 'symbols: another build (6.1.192 defconfig, no BTF)' '
	D=$REALDATA/ptdump/vmcore-d31.kdump-zlib &&
	ptkit symbols "$D" >syms &&
	grep -v "^#" "$REALDATA/ptdump/guest/kallsyms_bases.txt" | sort >expect &&
	sort syms | comm -23 expect - >missing &&
	test_cmp /dev/null missing &&
	grep -q "^ffffffffb[0-9a-f]* ? __nosave_begin$" syms
'

test_expect 'symbols: patterns, JSON, and a pattern that matches nothing' '
	ptkit symbols "$S2" "init_t*" _stext >actual &&
	cat >expect <<-\EOF &&
	ffffffffa7000000 T _stext
	ffffffffa70f61e0 T init_tg_cfs_entry
	ffffffffa71538c0 T init_timer_key
	ffffffffa71c1360 t init_tracer_tracefs
	ffffffffa73271c0 t init_tracking
	ffffffffa7a0d027 t init_tracer_tracefs.cold
	ffffffffa7a4efd9 T init_trampoline_kaslr
	ffffffffa8a00000 D init_thread_union
	ffffffffa8a10000 D init_top_pgt
	ffffffffa8a1aa40 D init_task
	ffffffffa8b303c0 D init_time_ns
	ffffffffa908a2dd t init_tsc_clocksource
	ffffffffa90a9f7f T init_timers
	ffffffffa90aa43f t init_timer_list_procfs
	ffffffffa90acd8c t init_tracepoints
	ffffffffa90ae1fa t init_trace_printk_function_export
	ffffffffa90ae226 t init_trace_printk
	ffffffffa90af4a2 t init_trampolines
	ffffffffa90cfa50 t init_tis
	EOF
	test_cmp expect actual &&
	ptkit symbols --format=json "$S2" init_task >actual &&
	echo "{\"address\":\"0xffffffffa8a1aa40\",\"type\":\"D\",\"name\":\"init_task\"}" >expect &&
	test_cmp expect actual &&
	must_fail 1 ptkit symbols "$S2" "no_such_symbol_*" >actual 2>err &&
	test_cmp /dev/null actual &&
	grep -q "^ptkit symbols: '"'"'.*vmcore-d31.kdump-zlib'"'"': no symbol matches no_such_symbol_\*$" err
'

test_expect '--symbols=FILE: a saved /proc/kallsyms, and a System.map moved by KASLR' '
	ptkit symbols "$S2" >kallsyms &&
	ptkit symbols --symbols=kallsyms "$S2" >again &&
	test_cmp kallsyms again &&
	ptkit info --symbols=kallsyms "$S2" >info &&
	grep -q "^symbols:  94324 from kallsyms$" info &&
	grep -v "\[" kallsyms >kernel-only &&
	test "$(wc -l <kernel-only)" = 94266 &&
	perl -ane "printf qq(%016x %s %s\n), \$F[1] eq q(A) ? hex(\$F[0]) :
		hex(\$F[0]) - 0x26000000, \$F[1], \$F[2]" kernel-only >System.map &&
	grep -q "^ffffffff81000000 T _stext$" System.map &&
	ptkit symbols --symbols=System.map "$S2" >moved &&
	test_cmp kernel-only moved &&
	ptkit info --symbols=System.map "$S2" >info &&
	grep -q "^symbols:  94266 from System.map, moved by +637534208 to VMCOREINFO.s SYMBOL(_stext)$" info &&
	printf "ffffffff81000000 T _stext\nthis is not a symbol\n" >bad.map &&
	must_fail 3 ptkit symbols --symbols=bad.map "$S2" 2>err &&
	grep -q "^ptkit symbols: .*bad.map.* line 2: not \"ADDRESS TYPE NAME\"" err
'

# The guests' /proc/kallsyms had 94,324 lines: the kernel's 94,266 and
# the 58 of qemu_fw_cfg, the one module loaded.
for d in step1 step2 step3; do
	test_expect "symbols: as many as $d's /proc/kallsyms, the module's included" '
		want=$(sed -n "s/^# \/proc\/kallsyms: \([0-9]*\) lines.*/\1/p" \
			"$STEPS/$d/guest/kallsyms_sample.txt") &&
		test "$want" = 94324 &&
		ptkit symbols "$STEPS/$d/vmcore-d31.kdump-zlib" >syms &&
		test "$(wc -l <syms)" = "$want" &&
		test "$(grep -c "	\[qemu_fw_cfg\]$" syms)" = 58
	'
done

test_expect 'modules: regions, symbols where addresses are shown' '
	ptkit info "$S2" >info &&
	sed -n "/^modules:/,/^metadata/p" info >actual &&
	cat >expect <<-\EOF &&
	modules:  1 loaded
	          0xffffffffc02b4000-0xffffffffc02b5000 qemu_fw_cfg text
	          0xffffffffc02b5000-0xffffffffc02b6000 qemu_fw_cfg rodata
	          0xffffffffc02b6000-0xffffffffc02b7000 qemu_fw_cfg ro_after_init
	          0xffffffffc02b7000-0xffffffffc02b9000 qemu_fw_cfg data
	EOF
	sed -i "\$d" actual &&
	test_cmp expect actual &&
	ptkit walk --region=qemu_fw_cfg.text "$S2" | tail -1 >actual &&
	echo "0xffffffffc02b4000-0xffffffffc02b5000     4K 0x000000000292d000 4K        1  ro GLB x" >expect &&
	test_cmp expect actual &&
	ptkit translate "$S2" 0xffffffffc02b4310 | head -1 | grep -q "<fw_cfg_read_blob+0x10 \[qemu_fw_cfg\]>$" &&
	ptkit symbols --format=json "$S2" fw_cfg_read_blob >actual &&
	echo "{\"address\":\"0xffffffffc02b4300\",\"type\":\"t\",\"name\":\"fw_cfg_read_blob\",\"module\":\"qemu_fw_cfg\"}" >expect &&
	test_cmp expect actual &&
	ptkit rmap "$S2" 0x292d | grep -q "^0x292d       kernel                 0xffffffffc02b4000 4K  ro GLB x  \[Modules: qemu_fw_cfg.text\]$" &&
	ptkit rmap --format=json "$S2" 0x292d | grep -q "\"va\":\"0xffffffffc02b4000\",\"level\":\"pte\",\"mapped\":true,\"page\":4096,\"rw\":false,\"nx\":false,\"user\":false,\"region\":\"Modules\",\"module\":\"qemu_fw_cfg.text\"}$"
'

test_expect 'info: the kernel, its symbols, its BTF and its sections' '
	ptkit info "$S2" >info &&
	grep -q "^kernel:   6.1.0-56-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)$" info &&
	grep -q "^symbols:  94266 from kallsyms in the dump (VMCOREINFO SYMBOL(kallsyms_names))$" info &&
	grep -q "^btf:      4359789 bytes at 0xffffffffa84c1b88 (__start_BTF)$" info &&
	grep -q "^          0xffffffffa7000000-0xffffffffa7e01d32 text$" info &&
	grep -q "^          0xffffffffa8000000-0xffffffffa88eb000 rodata$" info &&
	ptkit info --format=json "$S2" >info.json &&
	grep -q "\"kernel\":{\"release\":\"6.1.0-56-amd64\"," info.json &&
	grep -q "\"symbols\":94266," info.json &&
	grep -q "\"btf_size\":4359789," info.json &&
	ptkit info "$REALDATA/ptdump/vmcore-d31.kdump-zlib" >info &&
	grep -q "^btf:      none: no kernel types: the kernel has no BTF" info
'

test_expect 'walk --region: the sections of the kernel image' '
	ptkit walk --region=rodata "$S2" >actual &&
	cat >expect <<-\EOF &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0xffffffffa8000000-0xffffffffa8800000     8M 0x0000000006200000 2M        4  ro GLB NX
	0xffffffffa8800000-0xffffffffa88eb000   940K 0x0000000006a00000 4K      235  ro GLB NX
	EOF
	test_cmp expect actual &&
	must_fail 2 ptkit walk --region=nope "$S2" 2>err &&
	grep -q "^  rodata$" err
'

test_expect 'translate names kernel symbols; user addresses have none' '
	ptkit translate "$S2" 0xffffffffa8a1aa48 >actual &&
	head -1 actual >first &&
	echo "0xffffffffa8a1aa48 -> 0x0000000006c1aa48  2M pmd  kernel RW NX GLB  <init_task+0x8>" >expect &&
	test_cmp expect first &&
	ptkit translate --format=json "$S2" 0xffffffffa7000000 >actual &&
	grep -q "^{\"va\":\"0xffffffffa7000000\",\"symbol\":\"startup_64\",\"pa\":\"0x5200000\"," actual &&
	ptkit translate --format=json --pid=193 "$S2" 0x7f5809e59000 >actual &&
	! grep -q symbol actual &&
	echo 0xffffffffa8a1aa40 | ptkit translate "$S2" - | grep -q "<init_task>$"
'

# PID PPID COMM of each process the guest listed, but ps itself.
guest_ps() {
	awk "NR > 1 && \$NF != \"ps\" { print \$1, \$2, \$NF }" "$1"
}

for d in step1 step2 step3; do
	test_expect "ps: the processes of $d's guest/ps.txt" '
		ptkit ps "$STEPS/$d/vmcore-d31.kdump-zlib" >ps &&
		guest_ps "$STEPS/$d/guest/ps.txt" >want &&
		test "$(wc -l <want)" -gt 40 &&
		awk "NR > 1 { c = \$NF; gsub(/[][]/, \"\", c); print \$1, \$3, substr(c, 1, 15) }" ps >have &&
		while read -r pid ppid comm; do
			grep -q "^$pid $ppid " have || { echo "no $pid $ppid $comm"; return 1; }
			mine=$(awk -v p="$pid" "\$1 == p { print \$3 }" have)
			case $comm in
			"$mine"*) ;;
			*) echo "pid $pid: $comm is not $mine"; return 1 ;;
			esac
		done <want
	'
done

test_expect 'ps: the CPU was running sleep (pid 164): its pgd is CR3' '
	ptkit ps "$REALDATA/base/vmcore-d31.elf" >ps &&
	grep -q "^    164     164       1 S 0xffff8a65c2630480 0x0000000002686000      360 sleep$" ps &&
	grep -q "CR3=0000000002686000" "$REALDATA/base/qemu/info-registers.txt" &&
	ptkit ps "$REALDATA/base/vmcore.kdump-zlib" >ps2 &&
	test_cmp ps ps2
'

test_expect 'ps: JSON keys, kernel threads, --threads' '
	ptkit ps --format=json "$S2" >ps.json &&
	grep -q "^{\"pid\":193,\"tgid\":193,\"ppid\":1,\"comm\":\"rdhelper\",\"kernel_thread\":false,\"state\":\"S\",\"mm\":\"0xffff88c902840900\",\"pgd\":\"0x32e0000\",\"user_pages\":268," ps.json &&
	grep -q "^{\"pid\":2,\"tgid\":2,\"ppid\":0,\"comm\":\"kthreadd\",\"kernel_thread\":true,\"state\":\"S\",\"mm\":null,\"pgd\":null,\"user_pages\":0," ps.json &&
	ptkit ps "$S2" >ps &&
	grep -q "^      2       2       0 S -                  -                         - \[kthreadd\]$" ps &&
	ptkit ps --threads "$S2" >threads &&
	test "$(wc -l <threads)" -ge "$(wc -l <ps)"
'

test_expect 'walk --pid: the secretmem helper maps each recorded page' '
	sed -n "s/^secretpage .* uvaddr=\(0x[0-9a-f]*\) .* pfn=\(0x[0-9a-f]*\) .*/\1 \2/p" \
		"$STEPS/step2/guest/secretmem.txt" >pages &&
	test "$(wc -l <pages)" = 64 &&
	awk "{ print \$1 }" pages | ptkit translate --pid=193 --format=json "$S2" - >xl &&
	awk -F\" "{ print \$4, \$8 }" xl >got &&
	perl -ane "printf qq(%s 0x%x000\n), \$F[0], hex(\$F[1])" pages >want &&
	test_cmp want got &&
	ptkit walk --pid=193 --entries --range=0x7f5809e59000+0x40000 "$S2" >walk &&
	test "$(wc -l <walk)" = 64 &&
	ptkit info --pid=193 "$S2" >info &&
	grep -q "^root:     0x00000000032e0000 from pid 193 (rdhelper): mm 0xffff88c902840900 ->pgd$" info
'

test_expect 'walk --pid: the hvo helper maps its hugepages as 2M leaves' '
	sed -n "s/^hugepage .* uvaddr=\(0x[0-9a-f]*\) .* pfn=\(0x[0-9a-f]*\) .*/\1 \2/p" \
		"$HVO/guest/hugetlb.txt" >pages &&
	test "$(wc -l <pages)" = 32 &&
	ptkit walk --pid=144 --entries --format=json --range=0x7f0d36400000+0x4000000 \
		"$HVO/vmcore-d31.kdump-zlib" >walk &&
	awk -F\" "{ print \$4, \$12, \$15 }" walk | sort >got &&
	perl -ane "printf qq(%s 0x%x000 :2097152,\n), \$F[0], hex(\$F[1])" pages |
		sort >want &&
	test_cmp want got
'

test_expect '--pid: a kernel thread walks the kernel, an unknown pid is refused' '
	ptkit info --pid=2 "$S2" >info &&
	grep -q "pid 2 (kthreadd) is a kernel thread: the kernel.s tables$" info &&
	must_fail 2 ptkit walk --pid=4242 "$S2" 2>err &&
	grep -q "^ptkit walk: .*: no task has pid 4242$" err &&
	must_fail 2 ptkit walk --pid=193 --cr3=0x1000 "$S2" 2>err &&
	ptkit info --pid=193 --pti=user "$S2" >info &&
	grep -q "^root:     0x00000000032e1000 from pid 193 (rdhelper): mm 0xffff88c902840900 ->pgd, the user copy (--pti)$" info &&
	must_fail 2 ptkit walk --pid=x "$S2" 2>err
'

test_expect 'rmap: a secret page is the helper.s and not in the direct map' '
	must_fail 1 ptkit rmap "$S2" 0x32b8 >actual 2>err &&
	grep -q "^ptkit rmap: '"'"'.*'"'"': 1 frame of RAM is not in the direct map$" err &&
	cat >expect <<-\EOF &&
	PFN          SPACE                  VIRTUAL            PG  FLAGS
	0x32b8       kernel                 0xffff88c9032b8000 -   not in the direct map (pte not present)  [Low Kernel Mapping]
	0x32b8       193 rdhelper           0x00007f5809e59000 4K  USR RW NX
	EOF
	test_cmp expect actual &&
	ptkit rmap --format=json "$S2" 0x32b8 >actual.json
	test $? = 1 &&
	cat >expect.json <<-\EOF &&
	{"pfn":"0x32b8","space":"kernel","pid":null,"comm":null,"va":"0xffff88c9032b8000","level":"pte","mapped":false,"page":null,"rw":null,"nx":null,"user":null,"region":"Low Kernel Mapping"}
	{"pfn":"0x32b8","space":"user","pid":193,"comm":"rdhelper","va":"0x7f5809e59000","level":"pte","mapped":true,"page":4096,"rw":true,"nx":true,"user":true}
	EOF
	test_cmp expect.json actual.json
'

test_expect 'rmap: after the release the page is back, and the helper gone' '
	ptkit rmap "$S3" 0x32b8 >actual &&
	cat >expect <<-\EOF &&
	PFN          SPACE                  VIRTUAL            PG  FLAGS
	0x32b8       kernel                 0xffff88c9032b8000 4K  RW NX  [Low Kernel Mapping]
	EOF
	test_cmp expect actual
'

test_expect 'rmap: kernel text has two mappings; all 64 secret pages are found' '
	ptkit rmap "$S2" 0x5200 >actual &&
	grep -q "^0x5200       kernel                 0xffffffffa7000000 2M  ro GLB x  \[High Kernel Mapping\]$" actual &&
	grep -q "^0x5200       kernel                 0xffff88c905200000 2M  ro GLB NX  \[Low Kernel Mapping\]$" actual &&
	sed -n "s/^secretpage .* pfn=\(0x[0-9a-f]*\) .*/\1/p" \
		"$STEPS/step2/guest/secretmem.txt" >pfns &&
	ptkit rmap --format=json "$S2" $(cat pfns) >all.json
	test $? = 1 &&
	test "$(grep -c "\"mapped\":false" all.json)" = 64 &&
	test "$(grep -c "\"comm\":\"rdhelper\"" all.json)" = 64 &&
	test "$(wc -l <all.json)" = 128 &&
	# the last 32 pages, which the guest.s iomem.txt calls Reserved
	must_fail 1 ptkit rmap --all "$S1" >every &&
	grep "not in the direct map" every | awk "{ print \$1 }" >holes &&
	test "$(wc -l <holes)" = 32 &&
	head -1 holes | grep -qx 0x1ffe0 && tail -1 holes | grep -qx 0x1ffff
'

test_expect 'unmapped --owners: the 64 secret pages are the helper.s' '
	ptkit unmapped --owners "$S2" >actual &&
	grep "^    owner 193 rdhelper " actual |
		awk "{ n += \$5 } END { print n }" >pages &&
	echo 64 >expect && test_cmp expect pages &&
	grep -q "^0x0000003259-0x000000325b          2  0xffff88c903259000  pte    file 2$" actual &&
	grep -A2 "^0x0000003259-" actual | tail -2 >owners &&
	cat >expect <<-\EOF &&
	    owner 193 rdhelper         0x00007f5809e5b000      1 page  from pfn 0x325a, 4K USR RW NX
	    owner 193 rdhelper         0x00007f5809e5c000      1 page  from pfn 0x3259, 4K USR RW NX
	EOF
	test_cmp expect owners &&
	ptkit unmapped --owners --format=json "$S2" >actual.json &&
	grep -c "\"comm\":\"rdhelper\"" actual.json >n &&
	test "$(cat n)" -ge 22 &&
	ptkit unmapped --owners "$S3" >after &&
	! grep -q rdhelper after
'

test_expect 'check names the symbol of a W+X mapping' '
	ptkit symbols "$S2" >kallsyms &&
	ptkit edit "$S2" -o wx.img -e "protect 0xffffffffa7000000 0x200000 +rw" >/dev/null &&
	must_fail 1 ptkit check --symbols=kallsyms wx.img >actual &&
	grep -q "^wx           0xffffffffa7000000-0xffffffffa7200000 writable and executable kernel mapping, pmd entry .*  <startup_64>$" actual &&
	must_fail 1 ptkit check --symbols=kallsyms --format=json wx.img >actual &&
	grep -q "\"symbol\":\"startup_64\"}$" actual
'

test_expect 'walk --entries --symbols, and the TUI, name kernel addresses' '
	ptkit walk --entries --symbols --region=text "$S2" >walk &&
	head -1 walk | grep -q "  entry=0x00000000052001e1  <startup_64>$" &&
	ptkit tui --keys "ginit_task<Enter>" --size 100x4 "$S2" >screen &&
	grep -q "^pmd 325/512  0xffffffffa8a1aa40: pmd entry 325; 27 present  init_stack  ?:help q:back" screen
'

test_expect 'freelists: what the CPUs have not folded into NR_FREE_PAGES counts' '
	ptkit freelists "$S1" >actual &&
	grep -q "^Node 0, zone    DMA32: 103484 free pages on the lists = NR_FREE_PAGES (103483 + 1 the CPUs have not folded in)$" actual &&
	must_fail 1 ptkit freelists --symbols=/dev/null "$S1" >/dev/null 2>err &&
	grep -q "zone DMA32: 103484 free pages on the lists, NR_FREE_PAGES says 103483$" err &&
	ptkit freelists "$S2" >actual &&
	grep -q "^Node 0, zone    DMA32: 103328 free pages on the lists = NR_FREE_PAGES$" actual
'

test_expect 'stats: DirectMap1G only where the kernel prints it (direct_gbpages)' '
	ptkit stats "$S1" | grep "^DirectMap" >actual &&
	grep "^DirectMap" "$STEPS/step1/guest/meminfo.txt" >expect &&
	test_cmp expect actual &&
	ptkit symbols "$S1" >kallsyms &&
	zero=$(awk "\$3 == \"__pgtable_l5_enabled\" { print \$1 }" kallsyms) &&
	awk -v z="$zero" "\$3 == \"direct_gbpages\" { \$1 = z } { print }" kallsyms >nogb &&
	ptkit stats --symbols=nogb "$S1" | grep "^DirectMap" >actual &&
	head -2 expect >expect2 &&
	test_cmp expect2 actual &&
	ptkit stats --format=json --symbols=nogb "$S1" | grep -q "\"direct_gbpages\":false}" &&
	ptkit stats --format=json "$S1" | grep -q "\"direct_gbpages\":true}"
'

# The kernel's counters, with the CPUs' deltas, against what the struct
# pages say, on every dump of the 6.1 kernel: equal, each of them.
for d in base/vmcore.kdump-zlib steps/step1/vmcore-d31.kdump-zlib \
	 steps/step2/vmcore-d31.kdump-zlib steps/step3/vmcore-d31.kdump-zlib \
	 hvo/vmcore-d31.kdump-zlib; do
	test_expect "pages: the kernel's five counters equal the kinds, $d" '
		ptkit pages --summary "$REALDATA/$d" >sum 2>/dev/null &&
		sed -n "/^the kernel.s counters at the dump/,\$p" sum >counters &&
		test "$(grep -c " = .* pages" counters)" = 5 &&
		! grep -q " != " counters &&
		ptkit pages --summary --format=json "$REALDATA/$d" >sum.json 2>/dev/null &&
		grep -o "\"counters\":{.*" sum.json | grep -o "{\"counter\":[^}]*,\"pages\":[^}]*}" |
			awk -F"[:,}]" "{ if (\$2 + \$4 != \$6) exit 1; n++ } END { exit n != 5 }" &&
		grep -o "{\"counter\":[^}]*,\"folios\":[^}]*}" sum.json |
			awk -F"[:,}]" "{ if (\$2 != \$4) exit 1 }"
	'
done

test_expect 'pages: the reasons, step1 (a CPU with deltas) and hvo (hugetlb)' '
	ptkit pages --summary "$S1" 2>/dev/null | sed -n "/^the kernel.s counters/,\$p" >actual &&
	cat >expect <<-\EOF &&
	the kernel.s counters at the dump (as /proc/vmstat, with what 1 CPU had not folded in):
	  nr_free_pages                        107291 +1 = 107292 pages
	  nr_page_table_pages                      14 -5 = 9 pages (of 115 page tables: only those pte_alloc_one() and pmd_alloc_one() made count)
	  nr_slab_reclaimable+unreclaimable      3835 = 3835 pages (288 of them in compound kernel pages: kmalloc_large() counts as slab)
	  nr_file_pages                           715 -1 = 714 pages
	  nr_anon_pages                            36 -4 = 32 pages
	EOF
	sed -i "s/kernel.s/kernel\x27s/" expect &&
	test_cmp expect actual &&
	ptkit pages --summary "$HVO/vmcore-d31.kdump-zlib" 2>/dev/null >hvo &&
	sed -n "/^  nr_anon_pages/,\$p" hvo >actual &&
	cat >expect <<-\EOF &&
	  nr_anon_pages                            56 +1 = 57 pages
	  hugepages-2048kB/nr_hugepages           128 = 128 folios
	  hugepages-2048kB/free_hugepages          96 = 96 folios
	EOF
	test_cmp expect actual
'

# /proc/kcore carries VMCOREINFO too: the same answers live.  This machine
# may have no /proc/kcore, so mkkcore lays the step2 dump out as one.
test_expect '/proc/kcore layout: symbols, ps, rmap and the counters as the dump' '
	layout=$STEPS/step2/guest/kernel_layout.txt &&
	text=$(grep "^kcore_load vaddr=0xffffffff[89ab]" "$layout" | head -n 1) &&
	va=$(echo "$text" | sed "s/.*vaddr=\(0x[0-9a-f]*\).*/\1/") &&
	pa=$(echo "$text" | sed "s/.*paddr=\(0x[0-9a-f]*\).*/\1/") &&
	size=$(echo "$text" | sed "s/.*size=\(0x[0-9a-f]*\).*/\1/") &&
	"$TOOLS/mkkcore" "$S2" kcore 0xffff88c900000000 $va $pa $size &&
	ptkit symbols "$S2" >expect && PTKIT_NO_MMAP=1 ptkit symbols kcore >actual &&
	test_cmp expect actual &&
	ptkit ps --threads "$S2" >expect && PTKIT_NO_MMAP=1 ptkit ps --threads kcore >actual &&
	test_cmp expect actual &&
	must_fail 1 ptkit rmap "$S2" 0x32b8 >expect &&
	PTKIT_NO_MMAP=1 must_fail 1 ptkit rmap kcore 0x32b8 >actual &&
	test_cmp expect actual &&
	ptkit pages --summary "$S2" >expect 2>/dev/null &&
	PTKIT_NO_MMAP=1 ptkit pages --summary kcore >actual 2>/dev/null &&
	test_cmp expect actual
'

test_expect 'without kallsyms or BTF: one line, exit 3; old commands as before' '
	ptkit mkimage --preset=linux -o linux.img >/dev/null &&
	must_fail 3 ptkit symbols linux.img >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^ptkit symbols: .linux.img.: no kernel symbols: VMCOREINFO has no SYMBOL(kallsyms_names)" err &&
	must_fail 3 ptkit ps linux.img 2>err &&
	test "$(wc -l <err)" = 1 &&
	must_fail 3 ptkit walk --pid=1 linux.img 2>err &&
	test "$(wc -l <err)" = 1 &&
	must_fail 3 ptkit ps "$REALDATA/ptdump/vmcore-d31.kdump-zlib" 2>err &&
	grep -q "^ptkit ps: .*: no kernel types: the kernel has no BTF" err &&
	ptkit rmap linux.img 0x1000 >out 2>err &&
	grep -q "kernel mappings only: no kernel symbols" err &&
	ptkit translate linux.img 0xffffffff81000000 >out &&
	! grep -q "<" out
'

done_testing
