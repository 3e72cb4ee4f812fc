# TAP helpers for ptkit's command-line tests, in the spirit of git's t/.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect 'what it checks' 'commands...'
#   done_testing
#
# Commands run in a fresh temporary directory, $TMP.  test_cmp compares
# whole outputs; must_fail CODE CMD checks a documented exit status and
# that CMD did not die of a signal.

set -u
: "${PTKIT:=$(cd "$(dirname "$0")/../.." && pwd)/ptkit}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$TOP/tests/data
: "${REALDATA:=$TOP/../shared/realdata}"
: "${TOOLS:=$TOP/obj/tests}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ptkit-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
test_count=0
test_failed=0

# PTKIT_WRAPPER runs ptkit under another program (make valgrind-check).
ptkit() { ${PTKIT_WRAPPER:-} "$PTKIT" "$@"; }

test_expect() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TMP/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TMP/.out" | head -40
		test_failed=$((test_failed + 1))
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# test_cmp EXPECTED ACTUAL: equal, or show the difference.
test_cmp() {
	diff -u "$1" "$2"
}

# must_fail CODE CMD...: CMD exits with CODE (not a crash, not success).
must_fail() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit status $got, expected $want: $*" >&2
		return 1
	fi
	return 0
}

done_testing() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}
