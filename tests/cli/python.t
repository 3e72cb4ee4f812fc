#!/bin/sh
# The Python binding (make python): its pytest suite, tests/python, which
# compares the binding's records with the command line's JSON; under
# make asan-check, with the sanitizers.
. "$(dirname "$0")/lib.sh"

O=$(dirname "$PTKIT")
PY=${PYTHON:-/usr/bin/python3}
# A sanitizer build's module needs the sanitizers loaded first in
# python3 itself; Python's own allocations are not leaks to report.
SAN=
if nm "$O/libptkit.a" 2>/dev/null | grep -q __asan; then
	SAN="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)"
	export ASAN_OPTIONS=detect_leaks=0
fi
MOD=$(ls "$O"/obj/python/ptkit*.so 2>/dev/null | head -n 1)
[ -n "$MOD" ] || skip_all "no module built (make python)"
"$PY" -c "import pytest" 2>/dev/null || skip_all "no pytest (apt-get install python3-pytest)"

test_expect 'pytest tests/python: the binding gives what the command line gives' '
	LD_PRELOAD="$SAN" PYTHONPATH="$(dirname "$MOD")" PTKIT="$PTKIT" \
	DATA="$DATA" REALDATA="$REALDATA" "$PY" -m pytest -q -p no:cacheprovider \
		"$TOP/tests/python" >out 2>&1 || { cat out; return 1; } &&
	tail -n 1 out &&
	! grep -q "error" out
'

test_expect 'the module loads alone: import ptkit, its version and docs' '
	LD_PRELOAD="$SAN" PYTHONPATH="$(dirname "$MOD")" "$PY" -c "
import ptkit
assert ptkit.__version__ == \"$("$PTKIT" --version | awk "{ print \$NF }")\", ptkit.__version__
assert ptkit.open.__doc__.startswith(\"open(path\")
assert issubclass(ptkit.Error, Exception)
"
'

done_testing
