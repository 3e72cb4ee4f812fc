#!/bin/sh
# Pictures for reports: stats --svg (the direct map as a grid of 2M cells)
# and replay --svg (the policies over a trace), rendered by a real SVG
# renderer (rsvg-convert) and checked pixel by pixel at known places.
. "$(dirname "$0")/lib.sh"

command -v rsvg-convert >/dev/null 2>&1 ||
	skip_all "no rsvg-convert (apt-get install librsvg2-bin)"

# The colour at the middle of cell K of a stats --svg picture.
cell_colour() {
	geo=$(sed -n "s/.*ptkit grid: left=\([0-9]*\) top=\([0-9]*\) cell=\([0-9]*\) columns=\([0-9]*\).*/\1 \2 \3 \4/p" "$1") &&
	set -- "$3" "$2" $geo &&
	"$TOOLS/pngpixel" "$2" $(( $3 + ($1 % $6) * $5 + $5 / 2 )) \
		$(( $4 + ($1 / $6) * $5 + $5 / 2 ))
}

# small.spec with RAM to 2G: the first 2M in 4K pages, 2M pages to 1G,
# then a 1G page; then one 2M piece taken out whole (PFN 0x1000, 16M) and
# one page of another (PFN 0x1400, 20M).
{ cat "$DATA/small.spec" && echo "ram 64M-2G"; } >s2.spec &&
ptkit mkimage -o s2.img s2.spec >/dev/null &&
ptkit directmap s2.img invalid:0x1000+512 invalid:0x1400 -o map.img >/dev/null ||
	exit 1

test_expect 'stats --svg: a cell per 2M of RAM, coloured by how it is mapped' '
	ptkit stats --svg=map.svg map.img >text 2>err && test ! -s err &&
	rsvg-convert -o map.png map.svg 2>err && test ! -s err &&
	for k in 0 1 8 9 10 511 512 1023; do
		cell_colour map.svg map.png $k || return 1
	done >got &&
	cat >want <<-\EOT &&
	#e6c229
	#17becf
	#d62728
	#17becf
	#c94fc9
	#17becf
	#2ca02c
	#2ca02c
	EOT
	test_cmp want got &&
	grep -q ">1G pages: 1G<" map.svg && grep -q ">unmapped: 2M<" map.svg &&
	grep -q ">partly unmapped: 2M<" map.svg &&
	grep -q ">The direct map of map.img<" map.svg &&
	kb4=$(awk "/^DirectMap4k:/ { print \$2 }" text) &&
	grep -q "DirectMap4k: $kb4 kB, DirectMap2M: " map.svg &&
	grep -q ">1G<" map.svg
'

test_expect 'stats --svg: a big machine gets wider rows, not a taller picture' '
	ptkit mkimage --preset=linux --ram=1T -o big.img >/dev/null &&
	ptkit stats --svg=big.svg big.img >/dev/null &&
	grep -q "ptkit grid: left=80 top=112 cell=4 columns=1024 " big.svg &&
	grep -q "1T of RAM, a cell per 2M, 1024 to a row (2G);" big.svg &&
	rsvg-convert -o big.png big.svg &&
	cell_colour big.svg big.png 1023 >got && echo "#2ca02c" >want &&
	test_cmp want got
'

test_expect 'stats --svg: written whole or not at all' '
	echo before >keep.svg &&
	must_fail 4 ptkit stats --svg=no/such/dir/x.svg map.img >/dev/null 2>err &&
	grep -q "^ptkit stats: cannot write .no/such/dir/x.svg.: No such file or directory$" err &&
	ptkit mkimage -o bare.img "$DATA/pti.spec" >/dev/null &&
	must_fail 3 ptkit stats --svg=keep.svg bare.img >/dev/null 2>err &&
	grep -q "no direct map known to draw" err &&
	echo before >want && test_cmp want keep.svg &&
	test -z "$(ls | grep "\.tmp\.")"
'

# ftrace text with timestamps: 2 seconds between the first event and
# the last.
cat >timed.trace <<'EOT'
# tracer: nop
            init-1       [000] .....    10.000000: mm_page_alloc: page=0000000000000000 pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL
            init-1       [000] .....    10.500000: mm_page_alloc: page=0000000000000000 pfn=0x101 order=0 migratetype=0 gfp_flags=GFP_KERNEL
            init-1       [000] .....    11.000000: mm_page_alloc: page=0000000000000000 pfn=0x40000 order=1 migratetype=0 gfp_flags=GFP_KERNEL
            init-1       [000] .....    11.500000: mm_page_free: page=0000000000000000 pfn=0x100 order=0
            init-1       [000] .....    12.000000: mm_page_free: page=0000000000000000 pfn=0x101 order=0
EOT

test_expect 'replay --svg: a title, a legend, a panel per thing that changes' '
	ptkit replay --mem 2G --svg=r.svg timed.trace >/dev/null 2>err &&
	test ! -s err &&
	rsvg-convert -o r.png r.svg 2>err && test ! -s err &&
	grep -q ">timed.trace on 2G of RAM<" r.svg &&
	for p in none naive pageblock; do grep -q ">$p</text>" r.svg || return 1; done &&
	grep -o ">[A-Za-z0-9 ()/]*</text>" r.svg | grep -E "^>(DirectMap|pages|large|TLB)" >panels &&
	cat >want <<-\EOT &&
	>DirectMap4k (as /proc/meminfo)</text>
	>DirectMap2M (as /proc/meminfo)</text>
	>DirectMap1G (as /proc/meminfo)</text>
	>pages out of the direct map</text>
	>large pages split (total)</text>
	>TLB flushes (total)</text>
	EOT
	test_cmp want panels &&
	"$TOOLS/pngpixel" r.png 91 38 241 38 391 38 >got &&
	printf "#555555\n#cc3333\n#3366cc\n" >want && test_cmp want got
'

test_expect 'replay --svg: the time axis in events and seconds, ticks at round numbers' '
	grep -o ">[0-9.]* s</text>" r.svg >times &&
	test "$(head -n 1 times)" = ">0 s</text>" &&
	grep -q ">2 s</text>" times &&
	grep -q ">events</text>" r.svg && grep -q ">time</text>" r.svg &&
	grep -o "y=\"[0-9.]*\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\">[0-9.k]*<" r.svg |
		sed "s/.*>\([0-9.k]*\)</\1/" >ticks &&
	printf "0\n1\n2\n3\n4\n5\n" >want && test_cmp want ticks &&
	printf "# ptkit-trace 1\nalloc 0x100 0 0\nfree 0x100 0\n" >plain.trace &&
	ptkit replay --mem 2G --policy=naive --svg=p.svg plain.trace >/dev/null &&
	! grep -q ">time</text>" p.svg &&
	ptkit replay --mem 2G --policy=none --svg=n.svg plain.trace >/dev/null &&
	grep -q ">nothing changed: no policy split or unmapped anything<" n.svg &&
	rsvg-convert -o n.png n.svg
'

STEP2=$REALDATA/steps/step2
if [ -r "$STEP2/vmcore-d31.kdump-zlib" ]; then
	# the 64 secret pages left the direct map: the 2M cells that held
	# them are partly unmapped, the rest as the kernel's DirectMap says
	test_expect 'steps/step2: the cells of the secret pages are partly unmapped' '
		ptkit stats --svg=step2.svg "$STEP2/vmcore-d31.kdump-zlib" >text &&
		rsvg-convert -o step2.png step2.svg &&
		sed -n "s/.* pfn=\(0x[0-9a-f]*\) .*/\1/p" "$STEP2/guest/secretmem.txt" |
			while read pfn; do echo $(( pfn >> 9 )); done | sort -un >cells &&
		test -s cells &&
		while read k; do cell_colour step2.svg step2.png $k || exit 1; done <cells |
			sort -u >got &&
		echo "#c94fc9" >want && test_cmp want got &&
		kb=$(awk "/^DirectMap4k:/ { print \$2 }" "$STEP2/guest/meminfo.txt") &&
		grep -q "DirectMap4k: $kb kB" step2.svg
	'
else
	test_skip 'steps/step2: the cells of the secret pages are partly unmapped' "no real dumps in $REALDATA"
fi

done_testing
