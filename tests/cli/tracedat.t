#!/bin/sh
# ptkit replay on trace-cmd's binary trace.dat: a real trace of Linux 6.18
# (tests/data/README.md), checked against counts made without ptkit, against
# trace-cmd's own text rendering of the same file, in both file versions;
# dropped events; and cut or corrupted files, which libtraceevent itself
# crashes on, as clean errors.
. "$(dirname "$0")/lib.sh"

DAT=$DATA/kmem-6.18.dat

test_expect 'the whole text output of a real trace.dat' '
	cat >expect <<-\EOT &&
	trace:      kmem-6.18.dat (trace.dat): 21438 events, 0 other lines skipped, 0 malformed
	            mm_page_alloc                    7568
	            mm_page_free                     7525
	            mm_page_free_batched             6030
	            mm_page_alloc_zone_locked         315
	            mm_page_pcpu_drain                  0
	seed:       none: the model starts empty
	model:      7582 pages allocated, 7525 freed; 98 in use and 3389 on per-CPU lists now
	            25 frees of pages never seen allocated, 0 allocations of pages in use, 16 frees of pages already free (an untraced path such as bulk allocation, or a double free), 0 events outside RAM
	direct map: 0xffff888000000000 of an ideal 1G map; selection: all

	policy                                 none          naive      pageblock
	allocations selected                      0           7568           7568
	direct_map_level3_splits                  0              7              7
	direct_map_level2_splits                  0            517              0
	page-table pages                          0            524              7
	TLB flushes                               0           8106            524
	  pages flushed one by one                0           7582         264704
	  flushes of everything                   0            524              7
	pageblocks taken out                      0              0            517
	pageblocks put back                       0              0              0
	pages out of the direct map               0             98         264704
	  at most                                 0           2812         264704
	calls refused                             0              0              0
	DirectMap4k (kB) at end                   0        1058816              0
	DirectMap2M (kB) at end                   0        6281216        7340032
	DirectMap1G (kB) at end            16777216        9437184        9437184
	DirectMap4k (kB) at worst                 0        1058816              0
	  at event                                0          15958              0

	free blocks in the buddy lists at the end (order 0-10):
	  none
	EOT
	cp "$DAT" . &&
	ptkit replay --mem 16G kmem-6.18.dat >actual &&
	test_cmp expect actual
'

# Counted with trace-cmd report and perl when the trace was taken, and the
# pages against the kernel's pgfree (+7526 over the same moments).
test_expect 'event and page counts equal the independent ones' '
	ptkit replay --mem 16G --format=json "$DAT" >out.json &&
	grep -q "\"events\":{\"mm_page_alloc\":7568,\"mm_page_free\":7525,\"mm_page_free_batched\":6030,\"mm_page_alloc_zone_locked\":315,\"mm_page_pcpu_drain\":0},\"skipped\":0,\"errors\":0,\"lost\":0," out.json &&
	grep -q "\"model\":{\"allocated\":7582,\"freed\":7525," out.json
'

test_expect 'simulate mode takes a trace.dat' '
	ptkit replay --mem 16G --simulate --compare none "$DAT" >sim &&
	grep -q "simulated: 0 requests found no free block" sim &&
	grep -q "^model:      7582 pages allocated" sim
'

test_expect 'standard input is refused: libtracecmd needs the file' '
	must_fail 2 ptkit replay --mem 16G - <"$DAT" 2>err &&
	grep -q "trace.dat cannot be read from standard input" err
'

test_expect 'a trace.dat cut anywhere is one clear error' '
	for n in 10 4096 100000 200000 290000; do
		head -c $n "$DAT" >cut.dat &&
		must_fail 3 ptkit replay --mem 16G cut.dat >/dev/null 2>err &&
		grep -q "^ptkit replay: .cut.dat.: libtracecmd cannot read" err ||
		return 1
	done
'

# Bit flips with fixed seeds; with these, seeds 17, 18 and 40 make
# libtraceevent 1.7 crash parsing event formats (trace-cmd report crashes
# on them too): ptkit must report it and live.
cat >flip.pl <<'EOP'
my ($in, $out, $seed) = @ARGV;
srand($seed);
open(my $f, "<", $in) or die; binmode $f; local $/; my $d = <$f>; close $f;
for (1 .. 4) {
	my $o = int(rand(length($d)));
	substr($d, $o, 1) = chr(ord(substr($d, $o, 1)) ^ (1 << int(rand(8))));
}
open(my $o, ">", $out) or die; binmode $o; print $o $d; close $o;
EOP

test_expect '40 corrupted copies: no crash, no hang, a status of 0, 1 or 3' '
	crashed=0 &&
	for s in $(seq 1 40); do
		perl flip.pl "$DAT" flip.dat $s &&
		{ timeout 60 "$PTKIT" replay --mem 16G flip.dat >/dev/null 2>err
		  rc=$?; true; } &&
		if [ $rc -gt 3 ]; then
			echo "seed $s: exit $rc" && cat err && return 1
		fi &&
		if grep -q "crashed (Segmentation fault)" err; then
			crashed=$((crashed + 1))
		fi || return 1
	done &&
	echo "reader crashes reported: $crashed" &&
	test $crashed -ge 1
'

if ! command -v trace-cmd >/dev/null 2>&1; then
	test_skip 'trace-cmd report renders the same events' 'no trace-cmd'
	test_skip 'file version 6, uncompressed, replays the same' 'no trace-cmd'
	test_skip 'dropped events are counted' 'no trace-cmd'
	test_skip 'a version 6 file cut in its CPU data' 'no trace-cmd'
	done_testing
	exit
fi

test_expect 'trace-cmd report renders the same events: the same replay' '
	trace-cmd report "$DAT" >report.txt 2>/dev/null &&
	ptkit replay --mem 16G report.txt >text.out &&
	ptkit replay --mem 16G "$DAT" >dat.out &&
	sed 1d text.out >text.rest && sed 1d dat.out >dat.rest &&
	test_cmp dat.rest text.rest &&
	grep -q "(ftrace text): 21438 events, 1 other lines skipped, 0 malformed" text.out
'

test_expect 'file version 6, uncompressed, replays the same' '
	trace-cmd convert --file-version 6 --compression none -i "$DAT" \
		-o v6.dat >/dev/null 2>&1 &&
	trace-cmd dump --summary v6.dat 2>/dev/null | grep -q "6.*\[Version\]" &&
	ptkit replay --mem 16G --format=json v6.dat >v6.json &&
	ptkit replay --mem 16G --format=json "$DAT" >v7.json &&
	test_cmp v7.json v6.json
'

# A ring-buffer page whose commit word has RB_MISSED_EVENTS (bit 31): the
# kernel dropped events before it.  trace-cmd report prints
# "[EVENTS DROPPED]"; ptkit counts them as lost and says so.
test_expect 'dropped events are counted and reported' '
	off=$(trace-cmd dump --flyrecord v6.dat 2>/dev/null |
	      awk "/of cpu 0/ { print \$1 }") &&
	test -n "$off" &&
	cp v6.dat dropped.dat &&
	perl -e "open(F, \"+<\", \"dropped.dat\") or die;
		 seek(F, $off + 4096 + 8 + 3, 0); read(F, \$b, 1);
		 seek(F, $off + 4096 + 8 + 3, 0); print F chr(ord(\$b) | 0x80)" &&
	trace-cmd report dropped.dat 2>/dev/null | grep -q "EVENTS DROPPED" &&
	ptkit replay --mem 16G --format=json dropped.dat >d.json &&
	grep -q "\"errors\":0,\"lost\":1," d.json &&
	ptkit replay --mem 16G dropped.dat >d.txt &&
	grep -q "^            1 events or more lost by the kernel" d.txt
'

test_expect 'a version 6 file cut in its CPU data: libtracecmd says why' '
	head -c 2100000 v6.dat >cut6.dat &&
	must_fail 3 ptkit replay --mem 16G cut6.dat >out 2>err &&
	test ! -s out &&
	grep -q "File possibly truncated" err &&
	grep -q "^ptkit replay: .cut6.dat.: libtracecmd cannot read this trace.dat" err
'

done_testing
