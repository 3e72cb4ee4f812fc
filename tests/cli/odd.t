#!/bin/sh
# Odd but valid input: a few hundred random walkable kernels.  Every
# command must answer (exit 0, or 1 for a finding), never refuse a
# walkable image because a guess about it went wrong.
. "$(dirname "$0")/lib.sh"

N=${PTKIT_PROPERTY_IMAGES:-200}
mkdir specs && perl "$TOP/tests/tools/random-specs.pl" 20261130 specs "$N" ||
	exit 1

# run CMD...: its status, with the command line and stderr on failure
allowed() {
	"$@" >/dev/null 2>err
	rc=$?
	case " $ok " in
	*" $rc "*)
		# a finding says so on stderr too, in one line
		if [ $rc -eq 1 ] && [ "$(grep -c "^ptkit [a-z]*: '" err)" -ne 1 ]; then
			echo "exit 1 without its one line: $*" >&2
			cat err >&2
			return 1
		fi
		return 0 ;;
	esac
	echo "exit $rc: $*" >&2
	cat err >&2
	return 1
}

test_expect "$N random images: every command answers" '
	n=0 &&
	for s in specs/r*.spec; do
		i=${s%.spec}.img
		ptkit mkimage -o "$i" "$s" >/dev/null || return 1
		ok=0
		for cmd in info walk "walk --format=json" "walk --format=ptdump" \
			   stats unmapped "export -o x.img"; do
			allowed ptkit $cmd "$i" || { echo "$s" >&2; return 1; }
		done
		ok="0 1"
		allowed ptkit check "$i" &&
		allowed ptkit translate "$i" 0x400000 0xffffffff81000000 &&
		allowed ptkit diff "$i" "$i" || { echo "$s" >&2; return 1; }
		# directmap needs a direct map: where none was found it
		# says so and how to give one
		if ptkit info "$i" | grep -q " Low Kernel Mapping$"; then
			ok=0
			allowed ptkit directmap "$i" invalid:0x10 ||
				{ echo "$s" >&2; return 1; }
		else
			must_fail 3 ptkit directmap "$i" invalid:0x10 2>err &&
			grep -q "region-base=direct-map" err || return 1
		fi
		n=$((n + 1))
	done &&
	test $n = "$N"
'

# A core whose VMCOREINFO says 5 levels over 4-level tables (ptkit's own
# PTKIT_LEVELS and PTKIT_ROOT renamed away): init_top_pgt maps itself with
# 4 levels only, so 4 are used and the statement is named.
test_expect 'a paging mode the tables contradict is not used' '
	cat >lie.spec <<-\EOT &&
	ram 0-64M
	tables 32M-48M
	root 0x2000000
	map 0xffffffff80000000 0 0x4000000 2m g
	map 0xffff888000000000 0 0x4000000 2m rw nx g
	meta NUMBER(phys_base)=0
	meta SYMBOL(init_top_pgt)=ffffffff82000000
	meta NUMBER(pgtable_l5_enabled)=1
	EOT
	ptkit mkimage -o lie.img lie.spec >/dev/null &&
	perl -0777 -pi -e "s/PTKIT_LEVELS=/XTKIT_LEVELS=/; s/PTKIT_ROOT=/XTKIT_ROOT=/" lie.img &&
	ptkit info lie.img | sed -n "3,5p" >actual &&
	cat >expect <<-\EOT &&
	paging:   4-level, 48-bit virtual, 52-bit physical addresses
	          levels from the tables: VMCOREINFO SYMBOL(init_top_pgt) maps itself only so (VMCOREINFO NUMBER(pgtable_l5_enabled)=1 contradicts, not used)
	root:     0x0000000002000000 from VMCOREINFO SYMBOL(init_top_pgt) and NUMBER(phys_base)
	EOT
	test_cmp expect actual &&
	ptkit walk lie.img >actual &&
	cat >expect <<-\EOT &&
	VIRTUAL                                 SIZE PHYSICAL           PG  ENTRIES  FLAGS
	0xffff888000000000-0xffff888004000000    64M 0x0000000000000000 2M       32  RW GLB NX
	0xffffffff80000000-0xffffffff84000000    64M 0x0000000000000000 2M       32  ro GLB x
	EOT
	test_cmp expect actual
'

done_testing
