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

done_testing
