#!/bin/sh
# ptkit's benchmarks (make bench): each case is the median of RUNS runs,
# with the peak RSS, and a ratio against a baseline measured in the same
# run: a plain read of the same bytes, or libaddrxlat doing the same work.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${PTKIT:=$TOP/ptkit}"
: "${TOOLS:=$TOP/obj/tests}"
: "${RUNS:=5}"
: "${REALDATA:=$TOP/../shared/realdata}"
DIR=${BENCH_DIR:-$TOP/obj/bench}
mkdir -p "$DIR"
N=1000000
DM=0xffff888000000000

median() {	# timeit output: "SECONDS RSS_KB"
	"$TOOLS/timeit" "$RUNS" "$@"
}

# CMD against a plain read of IMG in RUNS pairs, one run after the other
# (each the median of 3): the median pair's ratio, and the worst.
paired() {	# NAME IMG CMD...
	name=$1 img=$2
	shift 2
	for i in $(seq "$RUNS"); do
		r=$("$TOOLS/timeit" 3 "$TOOLS/readfile" "$img" | cut -d" " -f1)
		c=$("$TOOLS/timeit" 3 "$@" "$img" | cut -d" " -f1)
		awk -v r="$r" -v c="$c" 'BEGIN { printf "%.4f %.4f\n", c / r, c }'
	done | sort -n | awk -v n="$name" -v runs="$RUNS" '
		{ ratio[NR] = $1; t[NR] = $2 }
		END { m = int((NR + 1) / 2)
		      printf "%-46s %8.3f s %7.2fx   worst pair %.2fx (target 1.5)\n",
			  n, t[m], ratio[m], ratio[NR] }'
}

row() {		# NAME SECONDS RSS BASE_SECONDS
	awk -v n="$1" -v t="$2" -v r="$3" -v b="$4" 'BEGIN {
		printf "%-46s %8.3f s %7.2fx %8.1f MB\n", n, t, t / b, r / 1024 }'
}

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r)"
echo "runs per case: $RUNS (median); ratio: time / baseline's time"
echo "page cache: each image as a read from disk leaves it (coldcache)"
echo

# 1. The 64 GiB direct map in 4 KiB pages: 16 M PTEs in 128 MiB of tables.
[ -f "$DIR/d4k.img" ] || "$PTKIT" mkimage --preset=direct-4k -o "$DIR/d4k.img" >/dev/null
# Each image in the page cache as a read from disk leaves it, whoever
# wrote it and however: the state a dump is walked in, the same in
# every run (coldcache.c says why it matters).
"$TOOLS/coldcache" "$DIR/d4k.img"
echo "== full walk: 64 GiB mapped with 4 KiB pages ($(($(wc -c <"$DIR/d4k.img") >> 20)) MiB image)"
set -- $(median "$TOOLS/readfile" "$DIR/d4k.img"); base=$1
row "read the image (baseline)" "$1" "$2" "$base"
set -- $(median "$PTKIT" stats "$DIR/d4k.img")
row "ptkit stats" "$1" "$2" "$base"
set -- $(median "$PTKIT" walk --format=json "$DIR/d4k.img")
row "ptkit walk --format=json" "$1" "$2" "$base"
paired "ptkit stats, paired with the read" "$DIR/d4k.img" "$PTKIT" stats
paired "ptkit walk --format=json, paired" "$DIR/d4k.img" "$PTKIT" walk --format=json
set -- $(median "$PTKIT" walk --format=ptdump "$DIR/d4k.img")
row "ptkit walk --format=ptdump" "$1" "$2" "$base"
echo

# 1b. The same tables in 100,000 PT_LOAD segments written in a shuffled
# order (splitelf), and with holes between them so that 67,000 RAM ranges
# stay apart: opening must stay O(n log n), the walk near the read.
[ -f "$DIR/d4k-100k.img" ] ||
	"$TOOLS/splitelf" "$DIR/d4k.img" "$DIR/d4k-100k.img" 100000 7 >/dev/null
[ -f "$DIR/d4k-holes.img" ] ||
	"$TOOLS/splitelf" --holes "$DIR/d4k.img" "$DIR/d4k-holes.img" 100000 7 >/dev/null
[ -f "$DIR/d4k-100k-ordered.img" ] ||
	"$TOOLS/splitelf" "$DIR/d4k.img" "$DIR/d4k-100k-ordered.img" 100000 >/dev/null
"$TOOLS/coldcache" "$DIR/d4k-100k.img" "$DIR/d4k-holes.img" "$DIR/d4k-100k-ordered.img"
echo "== the same tables in $(readelf -lW "$DIR/d4k-100k.img" | grep -c LOAD) memory segments"
set -- $(median "$TOOLS/openonly" "$DIR/d4k-holes.img")
awk -v t="$1" -v r="$2" -v w="$3" -v n="$("$TOOLS/openonly" "$DIR/d4k-holes.img" | cut -d" " -f1)" 'BEGIN {
	printf "open and find the paging, %d RAM ranges   %6.1f ms, slowest %.1f (target 50) %6.1f MB\n",
		n, t * 1000, w * 1000, r / 1024 }'
echo "in address order, as makedumpfile writes them:"
paired "ptkit stats, paired with the read" "$DIR/d4k-100k-ordered.img" "$PTKIT" stats
paired "ptkit walk --format=json, paired" "$DIR/d4k-100k-ordered.img" "$PTKIT" walk --format=json
echo "shuffled over the file:"
paired "ptkit stats, paired with the read" "$DIR/d4k-100k.img" "$PTKIT" stats
paired "ptkit walk --format=json, paired" "$DIR/d4k-100k.img" "$PTKIT" walk --format=json
for cmd in stats "walk --format=json"; do
	"$PTKIT" $cmd "$DIR/d4k.img" | cksum >"$DIR/one.sum"
	for img in d4k-100k d4k-100k-ordered; do
		"$PTKIT" $cmd "$DIR/$img.img" | cksum >"$DIR/many.sum"
		cmp -s "$DIR/one.sum" "$DIR/many.sum" ||
			echo "OUTPUTS DIFFER: $cmd $img"
	done
done
echo

# 2. 10^6 random mapped addresses of that image.
echo "== batch translate: $N random addresses of the 64 GiB direct map"
root=$("$PTKIT" info "$DIR/d4k.img" | sed -n 's/^root: *\(0x[0-9a-f]*\).*/\1/p')
a=$("$TOOLS/xlat-addrxlat" "$DIR/d4k.img" $N $DM 0x1000000000 "$root")
p=$("$TOOLS/xlat-ptkit" "$DIR/d4k.img" $N $DM 0x1000000000)
q=$("$TOOLS/xlat-ptkit" "$DIR/d4k.img" $N $DM 0x1000000000 --batch)
m=$("$TOOLS/xlat-ptkit" "$DIR/d4k.img" $N $DM 0x1000000000 --many)
echo "libaddrxlat (baseline)        $a"
echo "ptk_translate(), one by one   $p"
echo "ptk_translate_batch()         $q"
echo "ptk_translate_many(), paths   $m"
[ "${a#*checksum}" = "${p#*checksum}" ] && [ "${a#*checksum}" = "${q#*checksum}" ] &&
	[ "${a#*checksum}" = "${m#*checksum}" ] || echo "CHECKSUMS DIFFER"
awk -v a="${a%% *}" -v p="${p%% *}" -v q="${q%% *}" -v m="${m%% *}" 'BEGIN {
	printf "libptkit is %.2fx faster one by one, %.2fx in a batch, %.2fx with paths\n",
		a / p, a / q, a / m }'
# The command, on a million random pages read from standard input.
[ -f "$DIR/va.txt" ] ||
	"$TOOLS/xlat-ptkit" "$DIR/d4k.img" $N $DM 0x1000000000 --list >"$DIR/va.txt"
set -- $(median sh -c '"$0" translate --format=json "$1" - <"$2" >/dev/null' \
	"$PTKIT" "$DIR/d4k.img" "$DIR/va.txt")
awk -v t="$1" -v r="$2" -v n=$N -v a="${a%% *}" 'BEGIN {
	t = t * 1e9 / n
	printf "ptkit translate --format=json -  %.1f ns/address, %.2fx faster, %.1f MB\n",
		t, a / t, r / 1024
	printf "  (the whole process: reading the addresses, the paths in JSON)\n" }'
# Item 4 of issue 16 asks for 3x in each of 5 paired runs: libaddrxlat,
# then the command (text, as `ptkit translate -` prints by default, and
# JSON), RUNS times; the median pair and the worst.
for fmt in text json; do
	for i in $(seq "$RUNS"); do
		b=$("$TOOLS/xlat-addrxlat" "$DIR/d4k.img" $N $DM 0x1000000000 "$root")
		c=$("$TOOLS/timeit" 1 sh -c '"$0" translate --format="$1" "$2" - <"$3" >/dev/null' \
			"$PTKIT" $fmt "$DIR/d4k.img" "$DIR/va.txt" | cut -d" " -f1)
		awk -v b="${b%% *}" -v c="$c" -v n=$N 'BEGIN { printf "%.4f\n", b / (c * 1e9 / n) }'
	done | sort -rn | awk -v f=$fmt -v runs="$RUNS" '
		{ r[NR] = $1 }
		END { printf "ptkit translate --format=%-4s -, paired  %.2fx faster (median of %d), worst pair %.2fx (target 3)\n",
			f, r[int((NR + 1) / 2)], runs, r[NR] }'
done
echo

# 3. The real dumps: a walk against libaddrxlat translating every page.
for dump in "$REALDATA/base/vmcore-d31.elf" "$REALDATA/base/vmcore.kdump-zlib"; do
	[ -f "$dump" ] || continue
	name=$(basename "$dump")
	echo "== real dump $name"
	"$PTKIT" walk --entries --format=json --range=0xffff800000000000-0x10000000000000000 "$dump" |
		sed 's/.*"va":"\(0x[0-9a-f]*\)".*/\1/' >"$DIR/$name.va"
	set -- $(median "$TOOLS/addrxlat-xlat" "$dump" "$DIR/$name.va"); base=$1
	row "libaddrxlat: $(wc -l <"$DIR/$name.va") pages (baseline)" "$1" "$2" "$base"
	set -- $(median "$PTKIT" walk "$dump")
	row "ptkit walk" "$1" "$2" "$base"
	set -- $(median "$PTKIT" stats "$dump")
	row "ptkit stats" "$1" "$2" "$base"
	echo
done

# 4. 1 TiB of RAM: the direct map in 1 GiB pages, some of them split.
[ -f "$DIR/t1.img" ] || {
	"$PTKIT" mkimage --preset=linux --ram=1T -o "$DIR/t1-base.img" >/dev/null
	"$PTKIT" directmap "$DIR/t1-base.img" invalid:0x100000 invalid:0x4000000+64 \
		invalid:0xf000000 -o "$DIR/t1.img" >/dev/null
}
echo "== 1 TiB of RAM, direct map in 1G pages with splits ($(($(wc -c <"$DIR/t1.img") >> 10)) KiB image)"
set -- $(median "$TOOLS/readfile" "$DIR/t1.img"); base=$1
row "read the image (baseline)" "$1" "$2" "$base"
set -- $(median "$PTKIT" walk "$DIR/t1.img")
row "ptkit walk" "$1" "$2" "$base"
set -- $(median "$PTKIT" stats "$DIR/t1.img")
row "ptkit stats" "$1" "$2" "$base"

echo

# 5. Replay: events per second, follow mode, no policy and all three.
[ -f "$DIR/t1e7.trace" ] || "$TOOLS/gentrace" 10000000 4194304 >"$DIR/t1e7.trace"
[ -f "$DIR/t1e7.ftrace" ] || "$TOOLS/gentrace" 10000000 4194304 ftrace >"$DIR/t1e7.ftrace"
echo "== replay: 10^7 generated events over 16 GiB ($(($(wc -c <"$DIR/t1e7.trace") >> 20)) MiB ptkit-trace, $(($(wc -c <"$DIR/t1e7.ftrace") >> 20)) MiB ftrace)"
set -- $(median "$TOOLS/readfile" "$DIR/t1e7.trace"); base=$1
row "read the ptkit-trace file (baseline)" "$1" "$2" "$base"
for fmt in trace ftrace; do
	set -- $(median "$PTKIT" replay --policy=none --mem 16G "$DIR/t1e7.$fmt")
	row "replay --policy=none, $fmt" "$1" "$2" "$base"
	awk -v t="$1" 'BEGIN { printf "%46s %8.2f M events/s\n", "", 10 / t }'
done
set -- $(median "$PTKIT" replay --compare=none,naive,pageblock --select=sample=0.01 --mem 16G "$DIR/t1e7.trace")
row "replay, 3 policies, 1% of allocations taken out" "$1" "$2" "$base"
set -- $(median "$PTKIT" replay --simulate --policy=none --mem 16G "$DIR/t1e7.trace")
row "replay --simulate --policy=none, trace" "$1" "$2" "$base"
awk -v t="$1" 'BEGIN { printf "%46s %8.2f M events/s\n", "", 10 / t }'
# 10^8 events made on the fly and read from a pipe, never stored: the
# memory must not grow with the trace (one run; the peak RSS is the
# largest of the generator, the shell and ptkit).
set -- $("$TOOLS/timeit" 1 sh -c '"$0" 100000000 4194304 | "$1" replay --simulate --policy=none --mem 16G -' \
	"$TOOLS/gentrace" "$PTKIT")
awk -v t="$1" -v r="$2" 'BEGIN {
	printf "%-46s %8.3f s %8.2f M events/s %6.1f MB\n",
		"10^8 events through a pipe, --simulate", t, 100 / t, r / 1024 }'

# 6. The TUI on the 64 GiB 4K image: keystrokes, each with a full redraw
# of a 200x60 screen (scripted mode: the terminal's own time excluded).
keys=$(awk 'BEGIN {
	s = "g0xffff888000000000<Enter>"
	for (i = 0; i < 2000; i++) s = s "j"
	for (i = 0; i < 200; i++) s = s "<PgDn>"
	s = s "p0xf00000000<Enter><BS><BS>"
	for (i = 0; i < 100; i++) s = s "nN"
	for (i = 0; i < 50; i++) s = s "e<Esc>"
	print s }')
nkeys=2535	# g, 18 characters, Enter, 2000 j, 200 PgDn, p, 11, Enter, 2 BS, 200 n/N, 100 e/Esc
echo "== tui: $nkeys keys on the 64 GiB 4 KiB-mapped image, 200x60 screen"
set -- $(median "$TOOLS/readfile" "$DIR/d4k.img"); base=$1
row "read the image (baseline)" "$1" "$2" "$base"
set -- $(median "$PTKIT" tui --keys "$keys" --size 200x60 "$DIR/d4k.img")
row "ptkit tui --keys" "$1" "$2" "$base"
awk -v t="$1" -v n="$nkeys" 'BEGIN { printf "%46s %8.3f ms/key (target: 50)\n", "", t * 1000 / n }'
# Every key by itself (its handling and the redraw) and every slice of the
# work done between keys (the overview's counts, audit and holes, the
# symbols read once), as --timing measures them in a script: the slowest
# of each, in the slowest of RUNS runs.
slowest() {	# the slowest key and slice of RUNS runs of ptkit tui "$@"
	for i in $(seq "$RUNS"); do
		"$PTKIT" tui --timing "$@" 2>&1 >/dev/null |
			sed -n "s/.*the slowest \([0-9.]*\) ms (key [0-9]*); .* \([0-9.]*\) ms$/\1 \2/p"
	done | awk '{ if ($1 > k) k = $1; if ($2 > s) s = $2 }
		END { printf "%.1f %.1f\n", k, s }'
}
tour="t${keys}ojjjjj<Enter>qdlllmqqPjj<Enter>rjj<Enter>vqq"
for d in "$DIR/d4k.img" $REALDATA/base/vmcore.kdump-zlib \
	 $REALDATA/steps/step2/vmcore-d31.kdump-zlib \
	 $REALDATA/ptdump/vmcore-d31.kdump-zlib; do
	[ -f "$d" ] || continue
	set -- $(slowest --keys "$tour" --size 200x60 "$d")
	printf "%-46s %8.1f ms key %8.1f ms slice (target: 50)\n" \
		"tui, slowest of $RUNS, $(basename "$(dirname "$d")")/$(basename "$d")" "$1" "$2"
done
# The film: a generated trace of 10^6 events over step1's 512 MiB, run to
# its end (E) as a script does, against replay --image of the same.
S1=$REALDATA/steps/step1/vmcore-d31.kdump-zlib
if [ -f "$S1" ]; then
	[ -f "$DIR/t1e6-512m.trace" ] || "$TOOLS/gentrace" 1000000 131072 >"$DIR/t1e6-512m.trace"
	set -- $(median "$PTKIT" replay --image "$S1" "$DIR/t1e6-512m.trace"); base=$1
	row "replay --image step1, 10^6 events (baseline)" "$1" "$2" "$base"
	set -- $(median "$PTKIT" tui --replay "$DIR/t1e6-512m.trace" --keys E "$S1")
	row "tui --replay ... --keys E" "$1" "$2" "$base"
	awk -v t="$1" 'BEGIN { printf "%46s %8.2f M events/s (target: 0.1)\n", "", 1 / t }'
fi

echo

# 7. What a dump knows without debug info: symbols, processes and who maps
# every frame, on the shared 512 MiB kdump of step2 (targets: 0.3 s, 0.3 s
# and 3 s, in the slowest run).
S2=$REALDATA/steps/step2/vmcore-d31.kdump-zlib
if [ -f "$S2" ]; then
	echo "== kernel: symbols, ps and rmap --all on $(basename "$(dirname "$S2")")/$(basename "$S2")"
	set -- $(median "$TOOLS/readfile" "$S2"); base=$1
	row "read the dump (baseline)" "$1" "$2" "$base"
	for c in "symbols:0.3" "ps:0.3" "rmap --all:3"; do
		cmd=${c%:*} target=${c##*:}
		# (rmap's line on stderr: the 96 frames out of the direct map)
		set -- $(median "$PTKIT" $cmd "$S2" 2>/dev/null)
		row "ptkit $cmd" "$1" "$2" "$base"
		awk -v w="$3" -v t="$target" 'BEGIN {
			printf "%46s %8.3f s slowest (target %s s: %s)\n", "", w, t,
				w <= t ? "met" : "MISSED" }'
	done
fi

# 8. The Python binding: the shared dump's whole walk iterated in Python,
# against `ptkit walk --format=json` read through a pipe into json.loads,
# line by line (the issue's bar: the binding must be faster).
PY=${PYTHON:-/usr/bin/python3}
MOD=$(ls "$(dirname "$PTKIT")"/obj/python/ptkit*.so 2>/dev/null | head -n 1)
B=$REALDATA/base/vmcore.kdump-zlib
if [ -f "$B" ] && [ -n "$MOD" ]; then
	echo "== python: the whole walk of base/vmcore.kdump-zlib ($("$PTKIT" walk --format=json "$B" | wc -l) runs)"
	set -- $(median sh -c "\"$PTKIT\" walk --format=json \"$B\" | \"$PY\" -c 'import json, sys
n = 0
for line in sys.stdin:
    json.loads(line); n += 1'"); base=$1
	row "ptkit walk --format=json | json.loads (base)" "$1" "$2" "$base"
	set -- $(median env PYTHONPATH="$(dirname "$MOD")" "$PY" -c "import ptkit
n = sum(1 for run in ptkit.open('$B').walk())"); slow=$3
	row "ptkit.open(...).walk() in Python" "$1" "$2" "$base"
	awk -v w="$slow" -v b="$base" 'BEGIN {
		printf "%46s %8.3f s slowest (%s the pipe'"'"'s median)\n", "", w,
			w < b ? "faster than" : "NOT faster than" }'
fi
