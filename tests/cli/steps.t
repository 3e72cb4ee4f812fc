#!/bin/sh
# Predictions against the kernel itself: three dumps of one running kernel
# (../shared/realdata/steps), 64 secret pages taken out of the direct map
# between the first two and given back before the third.  What ptkit
# simulates from the recorded PFNs must be what the kernel then did.
. "$(dirname "$0")/lib.sh"

STEPS=$REALDATA/steps
[ -r "$STEPS/step3/vmcore-d31.kdump-zlib" ] ||
	skip_all "no real dumps in $REALDATA (the shared data beside the clone)"
S1=$STEPS/step1/vmcore-d31.kdump-zlib
S2=$STEPS/step2/vmcore-d31.kdump-zlib
S3=$STEPS/step3/vmcore-d31.kdump-zlib

# The recorded PFNs as OPs, one call per page in the order of the faults.
recorded() {
	sed -n "s/^secretpage .* pfn=\(0x[0-9a-f]*\) .*/$1:\1/p" \
		"$STEPS/step2/guest/secretmem.txt"
}

# /proc/meminfo's DirectMap lines as ptkit directmap prints "after".
meminfo_dm() {
	awk '/^DirectMap/ { printf "%s %s\n", $1, $2 }' "$1"
}
dm_after() {
	awk '/^DirectMap/ { printf "%s %s\n", $1, $4 }' "$1"
}

test_expect 'diff step1 step2: the 64 secret pages and the 2 splits, no more' '
	must_fail 1 ptkit diff --region=direct-map --format=json "$S1" "$S2" \
		>json &&
	test "$(grep -c "" json)" = "$(grep -c "\"change\":\"unmapped\"\|\"change\":\"page-size\"" json)" &&
	grep "\"change\":\"unmapped\"" json |
		sed "s/.*\"pfn\":\"\(0x[0-9a-f]*\)\",\"pages\":\([0-9]*\).*/\1 \2/" |
		while read -r pfn n; do
			i=0
			while [ $i -lt "$n" ]; do
				printf "0x%x\n" $((pfn + i)); i=$((i + 1))
			done
		done | sort >taken &&
	recorded pfn | sed "s/^pfn://" | sort >expect &&
	test "$(wc -l <expect)" = 64 &&
	test_cmp expect taken &&
	grep "\"change\":\"page-size\"" json |
		sed "s/.*\"pfn\":\"\(0x[0-9a-f]*\)\",\"pages\":\([0-9]*\).*/\1 \2/" |
		perl -ane "\$c{hex(\$F[0]) >> 9} += \$F[1]; END { printf \"%x %d\\n\", \$_, \$c{\$_} for sort keys %c }" >chunks &&
	# Two 2M pages split, 0x2600000 and 0x3200000: what of each is not
	# one of its secret pages (1 and 49; 14 more were in a page split
	# before step1) is the same memory in 4K pages.
	printf "13 511\n19 463\n" >expect &&
	test_cmp expect chunks
'

test_expect 'diff step1 step2: every other change listed under its region' '
	must_fail 1 ptkit diff "$S1" "$S2" >actual &&
	grep "^---\[" actual >regions &&
	printf "%s\n" "---[ Low Kernel Mapping ]---" "---[ vmalloc() Area ]---" >expect &&
	test_cmp expect regions
'

test_expect 'the simulation from the recorded PFNs is step2, entry for entry' '
	ptkit directmap "$S1" $(recorded invalid) -o sim2.img >out &&
	ptkit diff --region=direct-map sim2.img "$S2" >actual &&
	echo "no differences" >expect &&
	test_cmp expect actual &&
	grep -q "^direct_map_level2_splits 2$" out &&
	dm_after out >actual &&
	meminfo_dm "$STEPS/step2/guest/meminfo.txt" >expect &&
	test_cmp expect actual
'

test_expect 'default: from step2 is step3: pages back without G, no merge' '
	ptkit directmap "$S2" $(recorded default) -o sim3.img >out &&
	ptkit diff --region=direct-map sim3.img "$S3" >actual &&
	echo "no differences" >expect &&
	test_cmp expect actual &&
	grep -q "^direct_map_level2_splits 0$" out &&
	dm_after out >actual &&
	meminfo_dm "$STEPS/step3/guest/meminfo.txt" >expect &&
	test_cmp expect actual
'

for pair in "1 2" "2 3" "1 3"; do
	set -- $pair
	test_expect "diff --ops step$1 step$2: the calls make step$2 again" '
		A=$STEPS/step'$1'/vmcore-d31.kdump-zlib
		B=$STEPS/step'$2'/vmcore-d31.kdump-zlib
		must_fail 1 ptkit diff --ops "$A" "$B" >ops 2>err &&
		# one line that says so, and no change that no call makes
		grep -c "" ops >calls &&
		grep -q "^ptkit diff: .* differ: [0-9]* changes, $(cat calls) calls$" err &&
		test "$(wc -l <err)" -eq 1 &&
		ptkit directmap "$A" $(cat ops) -o rt.img >/dev/null &&
		ptkit diff --region=direct-map rt.img "$B"
	'
done

# The agreement of replay --expect, from its JSON: agree, pages, the
# causes' sum and "other".
agreement() {
	grep -o "\"expect\":{.*" "$1" | perl -ne '
		/"pages":(\d+),"pages_agree":(\d+)/ or exit 1;
		my ($n, $ok) = ($1, $2);
		/"causes":\{([^}]*)\}/ or exit 1;
		my %c = map { /"(\w+)":(\d+)/ } split /,/, $1;
		my $sum = 0; $sum += $_ for values %c;
		printf "%d %d %d %d %d\n", $ok * 10000 >= $n * 9990,
			$sum == $n - $ok, $c{other}, $c{unseen},
			/"free_lists_differ":0,/ ? 1 : 0;'
}

for pair in "1 2" "2 3"; do
	set -- $pair
	test_expect "replay step$1 + trace --expect step$2: 99.9% of pages, every difference has a cause" '
		ptkit replay --policy=none --format=json \
			--image "$STEPS/step'$1'/vmcore-d31.kdump-zlib" \
			--expect "$STEPS/step'$2'/vmcore-d31.kdump-zlib" \
			"$STEPS/step'$2'/guest/trace-since-previous-dump.txt" >json &&
		agreement json >actual &&
		echo "1 1 0 0 1" >expect &&
		test_cmp expect actual
	'
done

test_expect 'replay --expect step2, in text: the agreement and its causes' '
	ptkit replay --policy=none --image "$S1" --expect "$S2" \
		"$STEPS/step2/guest/trace-since-previous-dump.txt" >out &&
	grep -q "^pages:      131063 of 131072 agree (99.993%): 107136 free in both, 22822 allocated in both, 1105 on per-CPU lists in both$" out &&
	grep -q "^  bulk             8  on a per-CPU list in the model, in use in the dump" out &&
	grep -q "^  tail             1  in use in the model, unreferenced in the dump" out &&
	grep -q "^free lists: 27 of 27 (zone, order, migratetype) counts agree$" out &&
	# every pageblock typed: by a free block, else the dump'"'"'s flags
	grep -q "^pageblocks: 256 agree, 0 differ, 0 unknown to one side" out
'

done_testing
