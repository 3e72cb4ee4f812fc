#!/bin/sh
# Bad input is normal input: truncated and bit-flipped images, tables that
# loop or point outside RAM, reserved bits, absent pages, full disks,
# signals.  Every case gives its documented exit status and messages
# that start with the command's name; nothing crashes or hangs.
. "$(dirname "$0")/lib.sh"

ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
size=$(wc -c <small.img)

# sane CMD...: exit 0-4 within 30 s, every stderr line "ptkit ...: '...'".
sane() {
	if [ "$1" = ptkit ]; then
		shift
		set -- "$PTKIT" "$@"
	fi
	timeout 30 "$@" >sane.out 2>sane.err
	rc=$?
	if [ $rc -gt 4 ]; then
		echo "exit status $rc (crash or hang): $*" >&2
		cat sane.err >&2
		return 1
	fi
	if grep -v "^ptkit [a-z]*: " sane.err >&2; then
		echo "a message without the command name: $*" >&2
		return 1
	fi
	# every non-zero exit says why, a finding (exit 1) too
	if [ $rc -ge 1 ] && ! [ -s sane.err ]; then
		echo "exit status $rc with nothing on stderr: $*" >&2
		return 1
	fi
	return 0
}

test_expect 'truncated images: bad input, named, at every cut' '
	for cut in 0 1 16 63 64 120 200 1000 4096 8192 20000 $((size / 2)) \
		$((size - 4096)) $((size - 1)); do
		head -c $cut small.img >cut.img &&
		sane ptkit walk cut.img || return 1
		test $rc -eq 3 || { echo "cut at $cut: exit $rc"; return 1; }
		grep -q "cut.img" sane.err || return 1
	done
'

test_expect 'bit flips anywhere in the image: no crash, every command' '
	# A fixed pseudo-random set of positions and bits, so a failure repeats.
	i=0
	pos=7
	while [ $i -lt 60 ]; do
		pos=$(( (pos * 1103515245 + 12345) % size ))
		bit=$(( 1 << (pos % 8) ))
		cp small.img flip.img &&
		byte=$(od -An -tu1 -j $pos -N1 small.img | tr -d " ") &&
		printf "$(printf "\\\\%03o" $(( byte ^ bit )))" |
			dd of=flip.img bs=1 seek=$pos conv=notrunc 2>/dev/null &&
		for cmd in walk info stats check unmapped; do
			sane ptkit $cmd flip.img || { echo "at byte $pos"; return 1; }
		done &&
		sane ptkit translate flip.img 0x400000 0xffff888000001000 || return 1
		i=$((i + 1))
	done
'

test_expect 'bit flips in a kernel with free lists and struct pages: no crash' '
	cat "$DATA/freelists.spec" "$DATA/pages.spec" >mm.spec &&
	ptkit mkimage -o mm.img mm.spec >/dev/null &&
	printf "# ptkit-trace 1\nalloc 0x100 0 0\nfree 0x100 0\nalloc 0x300 3 1\n" >mm.trace &&
	mmsize=$(wc -c <mm.img) &&
	i=0
	pos=11
	while [ $i -lt 40 ]; do
		pos=$(( (pos * 1103515245 + 12345) % mmsize ))
		bit=$(( 1 << (pos % 8) ))
		cp mm.img flip.img &&
		byte=$(od -An -tu1 -j $pos -N1 mm.img | tr -d " ") &&
		printf "$(printf "\\\\%03o" $(( byte ^ bit )))" |
			dd of=flip.img bs=1 seek=$pos conv=notrunc 2>/dev/null &&
		for cmd in freelists pages unmapped "stats --splits" vmemmap \
			exposure; do
			sane ptkit $cmd flip.img || { echo "at byte $pos"; return 1; }
		done &&
		sane ptkit tui --keys "dx-r/W+X<Enter>" flip.img &&
		sane ptkit replay --simulate --image flip.img mm.trace ||
			{ echo "at byte $pos"; return 1; }
		i=$((i + 1))
	done
'

test_expect 'bit flips in a kernel with HVO folios: no crash, exit 0, 1 or 3' '
	ptkit mkimage -o hvo.img "$DATA/hvo.spec" >/dev/null &&
	size=$(wc -c <hvo.img) &&
	i=0
	pos=7
	while [ $i -lt 40 ]; do
		pos=$(( (pos * 1103515245 + 12345) % size ))
		cp hvo.img flip.img &&
		byte=$(od -An -tu1 -j $pos -N1 hvo.img | tr -d " ") &&
		printf "$(printf "\\\\%03o" $(( byte ^ (1 << (pos % 8)) )))" |
			dd of=flip.img bs=1 seek=$pos conv=notrunc 2>/dev/null &&
		for cmd in vmemmap pages "vmemmap --format=json"; do
			sane ptkit $cmd flip.img || { echo "at byte $pos"; return 1; }
			case $rc in 0|1|3) ;; *) echo "exit $rc at byte $pos"; return 1 ;; esac
		done
		i=$((i + 1))
	done
'

test_expect 'a table pointing to itself, to an ancestor, outside RAM' '
	ptkit mkimage -o bad.img "$DATA/bad.spec" >/dev/null &&
	for cmd in walk info stats check unmapped; do
		sane ptkit $cmd bad.img || return 1
		test $rc -eq 3 -o $rc -eq 1 || return 1
	done &&
	for cmd in info stats; do
		must_fail 3 ptkit $cmd bad.img >/dev/null 2>err &&
		echo "ptkit $cmd: '"'"'bad.img'"'"': 3 table entries cannot be followed (see ptkit walk)" >expect &&
		test_cmp expect err || return 1
	done &&
	sane ptkit export bad.img -o exp.img && test $rc -eq 0 &&
	grep -q "3 entries could not be followed" sane.out &&
	sane ptkit translate bad.img 0x8000000000 &&
	test $rc -eq 3 &&
	grep -q "table loop" sane.err
'

test_expect 'reserved bits: above MAXPHYADDR, low bits of a 2M frame' '
	cat >rsv.spec <<-\EOT &&
	phys-bits 36
	ram 0-16M
	tables 1M-2M
	root 0x100000
	map 0x200000 0x800000 0x1000 4k rw
	# pgd[1] -> a pud table at 0x1000000000: bit 36, above 36 bits
	set 0x100000[1] = 0x1000000067
	# pgd[2] -> pud 0x1f0000, pud[0] -> pmd 0x1f1000, a 2M leaf with bit 15
	set 0x100000[2] = 0x1f0067
	set 0x1f0000[0] = 0x1f1067
	set 0x1f1000[0] = 0x408083
	EOT
	ptkit mkimage -o rsv.img rsv.spec >/dev/null &&
	sane ptkit walk rsv.img && test $rc -eq 3 &&
	cat >expect <<-\EOT &&
	ptkit walk: '"'"'rsv.img'"'"': pgd[1] = 0x1000000067 at 0x100008 (va 0x8000000000): reserved bits 0x1000000000 set
	ptkit walk: '"'"'rsv.img'"'"': pmd[0] = 0x408083 at 0x1f1000 (va 0x10000000000): reserved bits 0x8000 set
	EOT
	test_cmp expect sane.err
'

test_expect 'a table on a RAM page the image does not hold: named absent' '
	printf "ram 0-16M\ntables 1M-2M\nroot 0x100000\nset 0x100000[3] = 0x300067\n" >abs.spec &&
	ptkit mkimage -o abs.img abs.spec >/dev/null &&
	sane ptkit walk abs.img && test $rc -eq 3 &&
	grep -q "pud table at 0x300000: page 0x300000 is not stored in the file (excluded from the dump)" sane.err
'

test_expect 'non-canonical and unmapped addresses: exit 1, said plainly' '
	sane ptkit translate small.img 0x800000000000 && test $rc -eq 1 &&
	grep -q "not a canonical 48-bit address" sane.out &&
	sane ptkit walk --range=0x800000000000-0x900000000000 small.img &&
	test $rc -eq 0
'

test_expect 'garbage specs and scripts: FILE:LINE, exit 3, nothing written' '
	cat >junk <<-\EOT &&
	map 0x1000 "
	set x = y
	EOT
	sane ptkit mkimage -o junk.img junk && test $rc -eq 3 &&
	grep -q "junk:1: unterminated quote" sane.err &&
	sane ptkit edit small.img -o junk.img -s junk && test $rc -eq 3 &&
	test ! -e junk.img
'

# Every command on every broken input of this file: each answers within
# its exit statuses, and a failure names the command, the file and why.
test_expect 'every command on every broken input: one line that says why' '
	ptkit mkimage -o good.img "$DATA/small.spec" >/dev/null &&
	: >empty.img &&
	printf "not a dump\n" >text.img &&
	head -c 4096 small.img >cut1.img &&
	head -c $((size / 2)) small.img >cut2.img &&
	head -c $((size - 1)) small.img >cut3.img &&
	cp bad.img loop.img &&
	mmsize=$(wc -c <mm.img) &&
	echo "split 0xffff888000200000" >split.ops &&
	i=0 pos=3 flips= &&
	while [ $i -lt 6 ]; do
		pos=$(( (pos * 1103515245 + 12345) % mmsize ))
		cp mm.img flip$i.img &&
		byte=$(od -An -tu1 -j $pos -N1 mm.img | tr -d " ") &&
		printf "$(printf "\\\\%03o" $(( byte ^ (1 << (pos % 8)) )))" |
			dd of=flip$i.img bs=1 seek=$pos conv=notrunc 2>/dev/null &&
		flips="$flips flip$i.img" &&
		i=$((i + 1))
	done &&
	for f in empty.img text.img missing.img cut1.img cut2.img cut3.img \
		loop.img rsv.img abs.img $flips; do
		for cmd in "walk $f" "walk --format=json $f" \
			"walk --format=ptdump $f" \
			"translate $f 0x400000 0xffff888000001000" "info $f" \
			"stats $f" "stats --svg=m.svg $f" "check $f" \
			"unmapped $f" "pages $f" \
			"freelists $f" "vmemmap $f" "exposure $f" \
			"exposure --pti=user --against=kernel $f" \
			"symbols $f" "ps $f" \
			"rmap $f 0x100+4" \
			"export $f -o x.img" "directmap $f invalid:0x100" \
			"edit $f -o y.img -s split.ops" \
			"diff $f good.img" "diff good.img $f" \
			"replay --simulate --image $f mm.trace" \
			"replay --image $f mm.trace --svg=r.svg" \
			"tui --keys dx $f"; do
			sane ptkit $cmd || { echo "on $f"; return 1; }
			case $rc in
			0|1) ;;
			# (an edit that does not apply names the script)
			3) grep -q "^ptkit [a-z]*: .*\($f\|split.ops:1\)" sane.err || {
				echo "exit 3 without the file: $cmd"; return 1; } ;;
			*) echo "exit $rc: $cmd"; cat sane.err; return 1 ;;
			esac
		done
	done
'

test_expect 'a full disk: the old output stays, no temporary file' '
	ptkit mkimage --preset=linux --ram=1G -o out.img >/dev/null &&
	cp out.img before.img &&
	(ulimit -f 64; ptkit mkimage --preset=linux -o out.img) >/dev/null 2>err
	test $? -eq 4 &&
	grep -q "cannot write .out.img.: File too large" err &&
	cmp out.img before.img &&
	test -z "$(ls | grep tmp)"
'

test_expect 'SIGINT while writing: the whole image or none, no leftovers' '
	# 64G in 4K pages takes about a second to build and write.
	for delay in 0.1 0.3 0.6 0.9; do
		rm -f big.img
		"$PTKIT" mkimage --preset=direct-4k -o big.img >/dev/null 2>&1 &
		pid=$!
		sleep $delay
		kill -INT $pid 2>/dev/null
		wait $pid
		test -z "$(ls | grep tmp)" || return 1
		if test -e big.img; then
			ptkit walk big.img | tail -n 1 |
				grep -q "^0xffff888000000000-0xffff889000000000 .* RW GLB NX$" ||
				return 1
		fi
	done
'

done_testing
