#!/bin/sh
# Every fuzz seed and every input that once crashed a fuzz target, replayed
# through the targets: none may crash or trip a sanitizer.
. "$(dirname "$0")/lib.sh"

for dir in "$TOP"/tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	test_expect "fuzz target $name replays its corpus" '
		"$TOOLS/replay-$name" "$dir"* >out 2>err &&
		! grep -q "^not ok" out &&
		test "$(grep -c "^ok" out)" = "$(ls "$dir" | wc -l)"
	'
done

done_testing
