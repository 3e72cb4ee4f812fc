#!/bin/sh
# ptkit against reality: the dumps of a real Debian 6.1 kernel in
# ../shared/realdata, with QEMU's own view of the same moment.  A result
# that disagrees with QEMU is a bug.
. "$(dirname "$0")/lib.sh"

BASE=$REALDATA/base
ELF=$BASE/vmcore-d31.elf
KDUMP=$BASE/vmcore.kdump-zlib
[ -r "$ELF" ] && [ -r "$KDUMP" ] ||
	skip_all "no real dumps in $REALDATA (the shared data beside the clone)"

tr -d '\r' <"$BASE/qemu/info-tlb.txt" >tlb.txt
tr -d '\r' <"$BASE/qemu/info-mem.txt" | awk '{ print $1, $3 }' >mem.txt
# The CPU's CR3 when QEMU paused the guest (a user process).
CR3=0x$(tr -d '\r' <"$BASE/qemu/info-registers.txt" |
	sed -n 's/.*CR3=\([0-9a-f]*\).*/\1/p')

# QEMU's "info tlb" line of each leaf entry, from walk --entries: the
# address, the frame and the entry's own bits X G P D A C T U W.
as_tlb() {
	awk '
	function bit(hex, n,   d) {
		d = index("0123456789abcdef", substr(hex, 16 - int(n / 4), 1)) - 1
		return int(d / 2 ^ (n % 4)) % 2
	}
	{
		e = $NF; sub("entry=0x", "", e)
		while (length(e) < 16) e = "0" e
		printf "%s: %s %s%s%s%s%s%s%s%s%s\n", substr($1, 3, 16),
			substr($3, 3, 16), bit(e, 63) ? "X" : "-",
			bit(e, 8) ? "G" : "-", bit(e, 7) ? "P" : "-",
			bit(e, 6) ? "D" : "-", bit(e, 5) ? "A" : "-",
			bit(e, 4) ? "C" : "-", bit(e, 3) ? "T" : "-",
			bit(e, 2) ? "U" : "-", bit(e, 1) ? "W" : "-"
	}'
}

# QEMU's "info mem": virtually contiguous runs merged by user/write.
as_mem() {
	awk -F'"' '
	function pad(h) { sub("^0x", "", h); while (length(h) < 16) h = "0" h; return h }
	{
		perm = ($0 ~ /"us":true/ ? "u" : "-") "r" ($0 ~ /"rw":true/ ? "w" : "-")
		if ($4 == end && perm == last) { end = $8; next }
		if (end != "") print pad(start) "-" pad(end) " " last
		start = $4; end = $8; last = perm
	}
	END { print pad(start) "-" pad(end) " " last }'
}

test_expect 'info: root from VMCOREINFO, CR3 from the QEMU note' '
	ptkit info "$ELF" >info &&
	grep -q "^paging:   4-level, 48-bit virtual" info &&
	grep -q "^root:     0x0000000017210000 from VMCOREINFO SYMBOL(init_top_pgt) and NUMBER(phys_base)$" info &&
	grep -q "cr3 0x0000000002686000" info &&
	test "$CR3" = 0x0000000002686000 &&
	ptkit info "$KDUMP" >kinfo &&
	grep -q "^root:     0x0000000017210000 from VMCOREINFO" kinfo
'

for dump in "$ELF" "$KDUMP"; do
	name=$(basename "$dump")
	test_expect "$name: kernel half equals QEMU info tlb, leaf by leaf" '
		ptkit walk --entries --range=0xffff800000000000-0x10000000000000000 \
			"$dump" | as_tlb >actual &&
		awk "\$1 >= \"ffff800000000000\"" tlb.txt >expect &&
		test "$(wc -l <expect)" -gt 70000 &&
		test_cmp expect actual
	'
	test_expect "$name: with the CPU's CR3, all of info tlb, user half too" '
		ptkit walk --entries --cr3=$CR3 "$dump" | as_tlb >actual &&
		test_cmp tlb.txt actual
	'
	test_expect "$name: effective permissions equal QEMU info mem" '
		ptkit walk --format=json --cr3=$CR3 "$dump" | as_mem >actual &&
		test_cmp mem.txt actual
	'
done

test_expect 'kdump-compressed: a walk inflates each table once at most, translations none' '
	"$TOOLS/decompressions" "$KDUMP" >count &&
	read -r _ tables _ _ _ walk _ again <count &&
	cat count &&
	test "$walk" -gt 0 && test "$walk" -le "$tables" && test "$again" -eq 0
'

test_expect 'the ELF and the kdump-compressed dump walk identically' '
	for f in text ptdump json; do
		ptkit walk --format=$f "$ELF" >elf.$f &&
		ptkit walk --format=$f "$KDUMP" >kdump.$f &&
		test_cmp elf.$f kdump.$f || return 1
	done
'

test_expect 'translate agrees with info tlb on every 97th leaf' '
	awk "NR % 97 == 1" tlb.txt >sample &&
	sed "s/:.*//; s/^/0x/" sample | ptkit translate --cr3=$CR3 "$ELF" - |
		sed -n "s/^0x\([0-9a-f]*\) -> 0x\([0-9a-f]*\).*/\1: \2/p" >actual &&
	cut -c1-34 sample >expect &&
	test "$(wc -l <expect)" -gt 700 &&
	test_cmp expect actual
'

# Addresses to translate: every 50th kernel leaf of info tlb, some of them
# at their last byte, and a few that are not mapped.
tr -d '\r' <"$BASE/qemu/info-tlb.txt" |
	awk '$1 >= "ff" && NR % 50 == 1 { print "0x" substr($1, 1, 16) }' >va
awk 'NR % 7 == 0' va | sed 's/000$/fff/' >>va
printf '0xffff800000000000\n0xffffffffff600000\n0xfffffe0000000000\n' >>va

for dump in "$ELF" "$KDUMP"; do
	name=$(basename "$dump")
	test_expect "$name: translate agrees with libaddrxlat" '
		"$TOOLS/addrxlat-xlat" "$dump" <va >expect &&
		test "$(grep -c ": -$" expect)" -ge 2 &&
		ptkit translate "$dump" - <va >out
		test $? -eq 1 &&
		awk "/^0x/ { if (\$2 == \"->\") print substr(\$1, 3, 16) \": \" substr(\$3, 3, 16);
			else print substr(\$1, 3, 16) \": -\" }" out >actual &&
		test "$(wc -l <actual)" -gt 1700 &&
		test_cmp expect actual
	'
done

test_expect 'regions: the randomized bases the guest reported' '
	for base in page_offset_base vmalloc_base vmemmap_base; do
		sed -n "s/^sym $base .*value=\(0x[0-9a-f]*\)$/\1/p" \
			"$BASE/guest/kernel_layout.txt" || return 1
	done >expect &&
	test "$(wc -l <expect)" = 3 &&
	for dump in "$ELF" "$KDUMP"; do
		ptkit info "$dump" |
		sed -n "s/^\(layout:\)* *\(direct map\|vmalloc\|vmemmap\) *0x0*\([0-9a-f]*\) .*/0x\3/p" \
			>actual &&
		test_cmp expect actual || return 1
	done
'

test_expect 'walk --region=direct-map starts at page_offset_base, PA 0' '
	ptkit walk --format=json --region=direct-map "$ELF" | head -n 1 >actual &&
	grep -q "^{\"va\":\"0xffff8a65c0000000\",.*\"pa\":\"0x0\"" actual &&
	ptkit walk --format=ptdump "$ELF" | grep "^---" >markers &&
	grep -q "^---\[ vmalloc() Area \]---$" markers &&
	grep -q "^---\[ Vmemmap \]---$" markers
'

for dump in "$ELF" "$KDUMP"; do
	name=$(basename "$dump")
	test_expect "$name: export is a few hundred KiB and walks the same" '
		ptkit export "$dump" -o exported.img >out &&
		grep -q "^exported.img: [0-9]* table pages" out &&
		test "$(wc -c <exported.img)" -lt 1048576 &&
		for f in text ptdump json; do
			ptkit walk --format=$f "$dump" >orig.$f &&
			ptkit walk --format=$f exported.img >copy.$f &&
			test_cmp orig.$f copy.$f || return 1
		done &&
		ptkit info exported.img | grep "^tables:" >t1 &&
		ptkit info "$dump" | grep "^tables:" >t2 &&
		test_cmp t2 t1
	'
done

test_expect 'the exported ELF dump keeps the CPU: all of info tlb again' '
	ptkit export "$ELF" -o cpu.img >/dev/null &&
	ptkit info cpu.img | grep -q "cr3 0x0000000002686000 .*(ptkit image)" &&
	ptkit walk --entries --cr3=$CR3 cpu.img | as_tlb >actual &&
	test_cmp tlb.txt actual
'

test_expect '/proc/kcore layout: RAM by p_paddr, the text alias skipped' '
	layout=$BASE/guest/kernel_layout.txt &&
	text=$(grep "^kcore_load vaddr=0xffffffff[89ab]" "$layout" | head -n 1) &&
	va=$(echo "$text" | sed "s/.*vaddr=\(0x[0-9a-f]*\).*/\1/") &&
	pa=$(echo "$text" | sed "s/.*paddr=\(0x[0-9a-f]*\).*/\1/") &&
	size=$(echo "$text" | sed "s/.*size=\(0x[0-9a-f]*\).*/\1/") &&
	"$TOOLS/mkkcore" "$ELF" kcore 0xffff8a65c0000000 $va $pa $size &&
	ptkit walk "$ELF" >expect &&
	PTKIT_NO_MMAP=1 ptkit walk kcore >actual &&
	test_cmp expect actual &&
	ptkit info kcore | grep -q "^root:     0x0000000017210000 from VMCOREINFO"
'

for dump in "$ELF" "$KDUMP"; do
	name=$(basename "$dump")
	test_expect "$name: stats prints the guest's DirectMap lines" '
		grep "^DirectMap" "$BASE/guest/meminfo.txt" | tr -d "\r" >expect &&
		ptkit stats "$dump" | grep "^DirectMap" >actual &&
		test_cmp expect actual
	'
done

for dump in "$ELF" "$KDUMP"; do
	name=$(basename "$dump")
	test_expect "$name: ptkit check passes, as the kernel's own check did" '
		ptkit check "$dump" >actual &&
		echo "passed: no W+X or user-accessible kernel mappings, no bad entries, no shared tables" >expect &&
		test_cmp expect actual
	'
done

test_expect 'directmap on the real dump: one page out of a 2M page' '
	# pfn 0x10000 lies in a 2M page of the direct map (ptkit walk says so)
	ptkit walk --format=json --range=0xffff8a65d0000000+0x1000 "$ELF" |
		grep -q "\"page\":2097152" &&
	ptkit directmap --format=json "$ELF" invalid:0x10000 >actual &&
	grep -q "^{\"splits\":{\"level3\":0,\"level2\":1},\"table_pages\":1," actual &&
	grep -q "\"before\":{\"4k\":28544,\"2m\":495616,\"1g\":0},\"after\":{\"4k\":30592,\"2m\":493568,\"1g\":0}}$" actual
'

test_expect 'the kernel W+X check agrees: no writable executable mapping' '
	ptkit walk --format=json "$ELF" >runs &&
	! grep "\"rw\":true,\"us\":[a-z]*,\"nx\":false" runs &&
	grep -q "x86/mm: Checked W+X mappings: passed" "$BASE/guest/dmesg.txt"
'

# The guest's /proc files were read a moment before QEMU paused it, so the
# busy zone moved a little in between: DMA must agree exactly, DMA32 in its
# high orders and within 0.1% in total; and the dump must agree with itself.
squeeze() { tr -s ' ' | sed 's/ *$//'; }
test_expect 'freelists: the guest buddyinfo and pagetypeinfo' '
	ptkit freelists "$ELF" >actual &&
	ptkit freelists "$KDUMP" >actual2 &&
	test_cmp actual actual2 &&
	grep "^Node *0, zone *DMA, type" actual | squeeze >ours &&
	grep "^Node *0, zone *DMA, type" "$BASE/guest/pagetypeinfo.txt" |
		squeeze >theirs &&
	test_cmp theirs ours &&
	grep "^Node 0, zone *DMA [ 0-9]*[0-9]$" actual | squeeze >ours &&
	grep "^Node 0, zone *DMA " "$BASE/guest/buddyinfo.txt" | squeeze >theirs &&
	test_cmp theirs ours &&
	grep "^Node 0, zone *DMA32 [ 0-9]*[0-9]$" actual | squeeze | cut -d" " -f12- >ours &&
	grep "^Node 0, zone *DMA32 " "$BASE/guest/buddyinfo.txt" | squeeze |
		cut -d" " -f12- >theirs &&
	echo "4 3 2 98" >expect && test_cmp expect ours && test_cmp expect theirs &&
	grep -q "^Node 0, zone      DMA: 3808 free pages on the lists = NR_FREE_PAGES$" actual &&
	ours=$(sed -n "s/^Node 0, zone    DMA32: \([0-9]*\) free pages on the lists = NR_FREE_PAGES$/\1/p" actual) &&
	theirs=$(awk "/zone +DMA32/ { z = 1 } z && /nr_free_pages/ { print \$2; exit }" \
		"$BASE/guest/zoneinfo.txt") &&
	test "$theirs" = 103719 &&
	awk -v a="$ours" -v b="$theirs" "BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 1000 < b) }"
'

test_expect 'freelists: pageblocks by migratetype = pagetypeinfo, on every dump' '
	n=0 &&
	for g in "$REALDATA"/*/guest/pagetypeinfo.txt \
		 "$REALDATA"/*/*/guest/pagetypeinfo.txt; do
		[ -r "$g" ] || continue
		d=$(ls "${g%/guest/*}"/vmcore* | head -n 1) &&
		sed -n "/^Number of blocks/,\$p" "$g" >expect &&
		ptkit freelists "$d" | sed -n "/^Number of blocks/,/^\$/p" |
			sed "/^\$/d" >actual &&
		test_cmp expect actual || return 1
		n=$((n + 1))
	done &&
	test $n = 5
'

test_expect 'freelists --format=json: the keys of the contract, the same counts' '
	ptkit freelists --format=json "$ELF" >lines &&
	test $(wc -l <lines) = $((2 * 11 * 5)) &&
	! grep -v "^{\"node\":0,\"zone\":\"DMA3\{0,1\}2\{0,1\}\",\"order\":[0-9]*,\"migratetype\":\"[A-Za-z]*\",\"blocks\":[0-9]*}$" lines &&
	grep -q "^{\"node\":0,\"zone\":\"DMA32\",\"order\":10,\"migratetype\":\"Movable\",\"blocks\":98}$" lines &&
	sed "s/.*\"zone\":\"\([A-Z0-9]*\)\",\"order\":\([0-9]*\),.*\"blocks\":\([0-9]*\)}/\1 \2 \3/" lines |
		awk "{ n[\$1] += \$3 * 2 ^ \$2 } END { print n[\"DMA\"], n[\"DMA32\"] }" >actual &&
	echo "3808 103661" >expect &&
	test_cmp expect actual
'

# Page kinds against the dump's own free lists and the walker's tables,
# and against the guest's counters of a moment before (within 2%).
kind_pages() { sed -n "s/.*\"$1\":{\"pages\":\([0-9]*\),.*/\1/p" "$2"; }
# Page tables: the kernel's 106 (ptkit info), 14 of the two processes
# (init, and the sleep whose root is the CPU's CR3), and 4 whose struct
# pages say PG_table but that no walk from a root reaches.  The 14 with
# PG_table are what NR_PAGETABLE counts (see kernel.t).
test_expect 'pages: free = the free lists, tables = the walks and PG_table, file and anon = vmstat' '
	ptkit pages --summary --format=json "$KDUMP" >kd 2>/dev/null &&
	ptkit pages --summary --format=json "$ELF" >elf 2>/dev/null &&
	test "$(kind_pages free kd)" = $((3808 + 103661)) &&
	test "$(kind_pages free elf)" = $((3808 + 103661)) &&
	ptkit info "$KDUMP" | grep -q "^tables: .* (106 pages, " &&
	test "$(kind_pages pagetable kd)" = 124 &&
	test "$(kind_pages pagetable elf)" = 124 &&
	grep -q ",\"pagetable_by_struct_page\":{\"pagetable\":14,\"kernel\":110}," kd &&
	grep -q ",\"pagetable_by_struct_page\":{\"pagetable\":14,\"kernel\":110}," elf &&
	test "$(kind_pages no-struct-page kd)" = 64 &&
	file=$(kind_pages file elf) && anon=$(kind_pages anon elf) &&
	vfile=$(sed -n "s/^nr_file_pages //p" "$BASE/guest/vmstat.txt") &&
	vanon=$(sed -n "s/^nr_anon_pages //p" "$BASE/guest/vmstat.txt") &&
	awk -v a="$file" -v b="$vfile" "BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 50 <= b) }" &&
	awk -v a="$anon" -v b="$vanon" "BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 8) }"
'

# DirectMap4k is the 2M pieces' non-zero PTEs plus 512 for each of the 6
# kernel-text splits (see the realdata README): 28544 kB.
test_expect 'stats --splits: the 2M pieces add up to DirectMap4k; holes attributed' '
	ptkit stats --splits --format=json "$ELF" >pieces &&
	test $(grep -c "\"size\":\"2M\"" pieces) = 8 &&
	sum=$(grep "\"size\":\"2M\"" pieces | sed "s/.*\"present\":\([0-9]*\),\"absent\":\([0-9]*\),.*/\1 \2/" |
		awk "{ p += \$1; a += \$2 } END { print p, a }") &&
	test "$sum" = "4064 32" &&
	test $(((4064 + 6 * 512) * 4)) = 28544 &&
	ptkit unmapped "$ELF" >holes &&
	grep -q "^0x000001ffe0-0x0000020000         32  0xffff8a65dffe0000  pte    kernel 32$" holes
'

test_expect 'replay --image: the model starts from the dump: its free lists, block by block' '
	printf "# ptkit-trace 1\n" >empty.trace &&
	ptkit replay --policy=none --image "$ELF" empty.trace >out &&
	grep -q "^seed:       the dump.s free lists, 107469 pages in 177 blocks; 22672 pages in use and 931 unreferenced" out &&
	sed -n "/^free blocks in the buddy lists/,\$p" out | tail -n +2 | squeeze >model &&
	ptkit freelists "$ELF" | grep "^Node.*type" |
		awk "{ t = \$6; for (o = 0; o <= 10; o++) n[t, o] += \$(7 + o) }
		     END { split(\"Unmovable Movable Reclaimable HighAtomic Isolate\", ts, \" \");
			   for (i = 1; i <= 5; i++) { s = 0; l = \" \" ts[i];
				for (o = 0; o <= 10; o++) { l = l \" \" n[ts[i], o]; s += n[ts[i], o] }
				if (s) print l } }" >lists &&
	test_cmp lists model &&
	ptkit replay --policy=none --no-seed --image "$ELF" empty.trace >out &&
	grep -q "^seed:       none: the model starts empty$" out
'

test_expect 'replay --simulate from the dump: every request finds a block' '
	ptkit replay --simulate --policy=none --image "$ELF" "$BASE/guest/trace.txt" >out &&
	grep -q "^model:      12179 pages allocated, " out &&
	grep -q "^            simulated: 0 requests found no free block$" out
'

# kdump-compressed files of other compressions, made by makedumpfile from
# the ELF dump (Debian's makedumpfile has lzo; snappy and zstd are off).
if command -v makedumpfile >/dev/null 2>&1; then
	test_expect 'makedumpfile -l (lzo) and uncompressed kdump files walk as the ELF' '
		ptkit walk --format=json "$ELF" >elf.json &&
		ptkit freelists "$ELF" >elf.lists &&
		for c in -l ""; do
			rm -f mk.kdump &&
			makedumpfile $c -d 31 "$ELF" mk.kdump >/dev/null 2>&1 &&
			ptkit info mk.kdump | grep -q "^format:   kdump (libkdumpfile)$" &&
			ptkit walk --format=json mk.kdump >mk.json &&
			test_cmp elf.json mk.json &&
			ptkit freelists mk.kdump >mk.lists &&
			test_cmp elf.lists mk.lists || exit 1
		done
	'
else
	test_skip "makedumpfile -l and uncompressed kdump files" "no makedumpfile (apt-get install makedumpfile)"
fi

done_testing
