#!/bin/sh
# ptkit replay: traces in both formats, every policy on tiny traces with
# hand-computed splits and flushes, selectors, errors, and the real trace.
. "$(dirname "$0")/lib.sh"

# Pages 0x100 and 0x101 (one 2M page of the first GiB), then two pages at
# 0x40000 (the second GiB), then 0x100 is freed.  On a 2 GiB direct map
# of 1G pages:
#  naive:     each GiB page splits once to 2M (level3) and the 2M page
#             holding the pages once to 4K (level2): 2 + 2 splits, 4 table
#             pages; flushes: 4 of everything after the splits and one per
#             page taken out (4): 8.  Out at the end: 0x101, 0x40000-1.
#  pageblock: the two pageblocks go out whole: each 1G page splits once,
#             the 2M page (= the pageblock) is kept, made not present:
#             2 splits, 2 table pages, 2 + 2 flushes, 1024 pages out.
cat >tiny.trace <<'EOT'
# ptkit-trace 1
alloc 0x100 0 0 GFP_KERNEL
alloc 0x101 0 0 GFP_KERNEL
alloc 0x40000 1 0 GFP_KERNEL|__GFP_ZERO
free 0x100 0
EOT

test_expect 'json: every policy, hand-computed' '
	cat >expect <<-\EOT &&
	{"events":{"mm_page_alloc":3,"mm_page_free":1,"mm_page_free_batched":0,"mm_page_alloc_zone_locked":0,"mm_page_pcpu_drain":0},"skipped":0,"errors":0,"lost":0,"policies":{"none":{"splits":{"level3":0,"level2":0},"table_pages":0,"flushes":0,"flush_pages":0,"global_flushes":0,"directmap":{"4k":0,"2m":0,"1g":2097152},"worst":{"4k":0,"2m":0,"1g":2097152,"event":0},"selected":0,"unmapped":0,"unmapped_max":0,"pageblock_unmaps":0,"pageblock_remaps":0},"naive":{"splits":{"level3":2,"level2":2},"table_pages":4,"flushes":8,"flush_pages":4,"global_flushes":4,"directmap":{"4k":4096,"2m":2093056,"1g":0},"worst":{"4k":4096,"2m":2093056,"1g":0,"event":3},"selected":3,"unmapped":3,"unmapped_max":4,"pageblock_unmaps":0,"pageblock_remaps":0},"pageblock":{"splits":{"level3":2,"level2":0},"table_pages":2,"flushes":4,"flush_pages":1024,"global_flushes":2,"directmap":{"4k":0,"2m":2097152,"1g":0},"worst":{"4k":0,"2m":0,"1g":2097152,"event":0},"selected":3,"unmapped":1024,"unmapped_max":1024,"pageblock_unmaps":2,"pageblock_remaps":0}},"model":{"allocated":4,"freed":1,"unmatched_free":0,"double_alloc":0,"double_free":0,"out_of_range":0}}
	EOT
	ptkit replay --mem 2G --format=json tiny.trace >actual &&
	test_cmp expect actual
'

test_expect 'the same trace as ftrace text gives the same result' '
	cat >tiny.ftrace <<-\EOT &&
	# tracer: nop
	           a-1     [000] .....     1.000001: mm_page_alloc: page=000000003231b751 pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL
	           a-1     [000] .....     1.000002: sched_switch: prev_comm=a prev_pid=1
	           a-1     [000] .....     1.000003: mm_page_alloc: page=000000008eb0309b pfn=0x101 order=0 migratetype=0 gfp_flags=GFP_KERNEL
	           a-1     [000] .....     1.000004: mm_page_alloc: page=00000000949ee8f8 pfn=262144 order=1 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_ZERO
	           a-1     [000] .....     1.000005: mm_page_free: page=0000000042dfb879 pfn=0x100 order=0
	EOT
	ptkit replay --mem 2G --format=json tiny.ftrace >actual &&
	sed "s/\"skipped\":0/\"skipped\":1/" expect >expect2 &&
	test_cmp expect2 actual
'

test_expect 'the selector: gfp flags, order, migratetype, compare' '
	ptkit replay --mem 2G --compare=naive --select="gfp=__GFP_ZERO" \
		--format=json tiny.trace >actual &&
	grep -q "\"naive\":{\"splits\":{\"level3\":1,\"level2\":1},\"table_pages\":2,\"flushes\":4,\"flush_pages\":2," actual &&
	ptkit replay --mem 2G --policy=naive --select=order=1 --format=json \
		tiny.trace | grep -q "\"selected\":1," &&
	ptkit replay --mem 2G --policy=naive --select=mt=1 --format=json \
		tiny.trace | grep -q "\"selected\":0," &&
	must_fail 2 ptkit replay --mem 2G --select=gfp=__GFP_BOGUS tiny.trace 2>err &&
	grep -q "unknown gfp flag" err &&
	must_fail 2 ptkit replay --mem 2G --policy=lazy tiny.trace 2>err &&
	must_fail 2 ptkit replay --mem 2G --image tiny.trace tiny.trace 2>err &&
	grep -q "give --image SOURCE or --mem SIZE, not both" err
'

test_expect 'a trace alone: RAM sized from its highest PFN, in 128M sections' '
	printf "# ptkit-trace 1\nalloc 0x7ffe 1\nfree 0x7ffe 1\n" >a.trace &&
	ptkit replay --policy=none a.trace >out &&
	head -n 1 out >actual &&
	echo "ram:        sized from the trace: its highest PFN is 0x7fff, so 128 MiB in 128 MiB sections" >expect &&
	test_cmp expect actual &&
	grep -q "^direct map: 0xffff888000000000 of an ideal 1G map" out &&
	printf "# ptkit-trace 1\nalloc 0x8000 0\n" >b.trace &&
	ptkit replay --policy=none --format=json b.trace >actual &&
	grep -q "^{\"ram\":{\"from\":\"trace\",\"bytes\":268435456,\"top_pfn\":\"0x8000\",\"direct_map\":\"ideal\"},\"events\":" actual &&
	printf "# ptkit-trace 1\n" >empty.trace &&
	must_fail 3 ptkit replay empty.trace 2>err &&
	grep -q "no events to size RAM from; give --image SOURCE or --mem SIZE" err &&
	must_fail 2 ptkit replay /dev/stdin </dev/null 2>err &&
	grep -q "not a file" err
'

test_expect 'the model: double frees and frees never allocated are counted' '
	printf "# ptkit-trace 1\nfree 0x10 0\nalloc 0x20 0\nalloc 0x20 0\nfree 0x20 0\nfree 0x20 0\n" >odd.trace &&
	ptkit replay --mem 1G --policy=none --format=json odd.trace >actual &&
	grep -q "\"model\":{\"allocated\":2,\"freed\":3,\"unmatched_free\":1,\"double_alloc\":1,\"double_free\":1,\"out_of_range\":0}}" actual
'

test_expect 'malformed lines: counted, reported with line numbers; --strict' '
	printf "# ptkit-trace 1\nalloc 0x10 0\nalloc zz 0\nfrob 1 2\nfree 0x10 0\n" >bad.trace &&
	ptkit replay --mem 1G --policy=none bad.trace >out 2>err &&
	grep -q "^trace: .* 2 events, 0 other lines skipped, 2 malformed$" out &&
	cat >expect <<-\EOT &&
	ptkit replay: '"'"'bad.trace'"'"': line 3: not a kmem event: alloc zz 0
	ptkit replay: '"'"'bad.trace'"'"': line 4: not a kmem event: frob 1 2
	EOT
	test_cmp expect err &&
	must_fail 3 ptkit replay --strict --mem 1G --policy=none bad.trace 2>err &&
	grep -q "line 3: not a ptkit-trace event: alloc zz 0" err
'

test_expect 'a trace cut mid-line, and garbage: no crash, each line counted' '
	printf "# ptkit-trace 1\nalloc 0x10 0\nalloc 0x11 0" >cut.trace &&
	ptkit replay --mem 1G --policy=none cut.trace >out &&
	grep -q "^trace: .* 2 events, 0 other lines skipped, 0 malformed$" out &&
	printf "# ptkit-trace 1" >empty.trace &&
	ptkit replay --mem 1G --policy=none empty.trace >out &&
	grep -q "^trace: .* 0 events, 0 other lines skipped, 0 malformed$" out &&
	head -n 3 tiny.ftrace >cut.ftrace &&
	printf "           a-1     [000] .....     1.000004: mm_page_alloc: page=00000000949ee8f8 pfn=0x2" >>cut.ftrace &&
	ptkit replay --mem 1G --policy=none cut.ftrace >out 2>err &&
	grep -q "^trace: .* 1 events, 1 other lines skipped, 1 malformed$" out &&
	grep -q "^ptkit replay: .cut.ftrace.: line 4: not a kmem event: " err &&
	{ cat tiny.ftrace && awk "BEGIN { srand(7); for (i = 0; i < 4096; i++) printf \"%c\", 1 + int(rand() * 254) }" | tr -d "\n" && printf "\n"; } >garbage.ftrace &&
	ptkit replay --mem 1G --policy=none garbage.ftrace >out 2>err &&
	grep -q "^trace: .* 4 events, " out &&
	must_fail 3 ptkit replay --strict --mem 1G --policy=none cut.ftrace 2>err &&
	grep -q "line 4: not a kmem event" err
'

# Simulate mode on 2 GiB, all free: the unmovable requests fall back to
# the first movable top-order block and claim its two pageblocks (pages 0,
# 1, then 2-3); the order-9 movable request splits the next block (1024);
# the frees return the model's pages 0 and 2-3, which cannot merge.
test_expect 'simulate: the model chooses the pages, with the kernel fallbacks' '
	printf "# ptkit-trace 1\nalloc 0x100 0 0\nalloc 0x101 0 0\nalloc 0x40000 1 0\nfree 0x100 0\nalloc 0x999 9 1\nfree 0x40000 1\nfree 0x5 0\n" >sim.trace &&
	ptkit replay --simulate --policy=none --mem 2G sim.trace >out &&
	grep -q "^model:      516 pages allocated, 3 freed; 513 in use and 0 on per-CPU lists now$" out &&
	grep -q "^            simulated: 0 requests found no free block$" out &&
	grep -q "^            1 frees of pages never seen allocated," out &&
	sed -n "/^free blocks/,\$p" out | tail -n +2 >blocks &&
	cat >expect <<-\EOT &&
	  Unmovable         1      1      1      1      1      1      1      1      1      1      0
	  Movable           0      0      0      0      0      0      0      0      0      1    510
	EOT
	test_cmp expect blocks &&
	ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null &&
	must_fail 3 ptkit replay --simulate --image small.img sim.trace 2>err &&
	grep -q "simulate needs the dump.s free lists" err &&
	ptkit replay --simulate --no-seed --policy=none --image small.img sim.trace >out &&
	grep -q "^seed:       all RAM free" out &&
	ptkit replay --simulate --policy=naive --format=json --mem 2G sim.trace >out.json &&
	grep -q "\"naive\":{\"splits\":{\"level3\":1,\"level2\":2}," out.json
'

test_expect 'csv and svg: the DirectMap time series' '
	ptkit replay --mem 2G --compare=naive tiny.trace --csv=series.csv \
		--svg=series.svg >/dev/null &&
	cat >expect <<-\EOT &&
	event,line,policy,directmap_4k_kb,directmap_2m_kb,directmap_1g_kb,level3_splits,level2_splits,flushes,unmapped_pages
	0,0,naive,0,0,2097152,0,0,0,0
	1,2,naive,2048,1046528,1048576,1,1,3,1
	3,4,naive,4096,2093056,0,2,2,8,4
	4,0,naive,4096,2093056,0,2,2,8,3
	EOT
	test_cmp expect series.csv &&
	grep -q "^<svg " series.svg && grep -q "<polyline" series.svg &&
	grep -q "</svg>" series.svg
'

TRACE=$REALDATA/base/guest/trace.txt
if [ -r "$TRACE" ] && [ -r "$REALDATA/base/vmcore-d31.elf" ]; then
	test_expect 'the real trace: no parse errors, totals as counted by awk' '
		ptkit replay --image "$REALDATA/base/vmcore-d31.elf" --format=json \
			"$TRACE" >actual 2>err &&
		test ! -s err &&
		for ev in mm_page_alloc mm_page_free mm_page_free_batched \
			mm_page_alloc_zone_locked mm_page_pcpu_drain; do
			n=$(grep -c " $ev: " "$TRACE") &&
			grep -q "\"$ev\":$n[,}]" actual || return 1
		done &&
		grep -q "\"skipped\":0,\"errors\":0," actual &&
		alloc=$(awk "/ mm_page_alloc: / { for (i = 1; i <= NF; i++) if (\$i ~ /^order=/) { sub(\"order=\", \"\", \$i); s += 2 ^ \$i } } END { print s }" "$TRACE") &&
		free=$(awk "/ mm_page_free: / { for (i = 1; i <= NF; i++) if (\$i ~ /^order=/) { sub(\"order=\", \"\", \$i); s += 2 ^ \$i } } END { print s }" "$TRACE") &&
		grep -q "\"model\":{\"allocated\":$alloc,\"freed\":$free," actual &&
		grep -q "\"none\":{\"splits\":{\"level3\":0,\"level2\":0},\"table_pages\":0,\"flushes\":0,\"flush_pages\":0,\"global_flushes\":0,\"directmap\":{\"4k\":28544,\"2m\":495616,\"1g\":0}" actual
	'
	test_expect 'DirectMap2M stops at zero, as split_page_count() does' '
		# 2 * 10^5 events over all of step1'"'"'s RAM: naive splits
		# every 2M page; the kernel image'"'"'s 5 splits had taken 5
		# from the 2M count already, so 248 splits move only 243
		"$TOOLS/gentrace" 200000 131072 >all.trace &&
		S1=$REALDATA/steps/step1/vmcore-d31.kdump-zlib &&
		ptkit replay --policy=naive --format=json --image "$S1" \
			all.trace >actual &&
		grep -q "\"level2\":248}" actual &&
		grep -q "\"directmap\":{\"4k\":524160,\"2m\":0,\"1g\":0}" actual
	'
else
	test_skip 'the real trace' "no $TRACE (the shared data beside the clone)"
	test_skip 'DirectMap2M stops at zero' "no real dumps"
fi

done_testing
