#!/bin/sh
# Bash completion (completion/ptkit.bash): commands, every option of every
# command as its --help lists it, option values, files.
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || skip_all "no bash"

# complete WORD...: what completing the last word offers, sorted, one a
# line.  Words are given as bash splits them: "--format" "=" "j".
complete_words() {
	bash -c '
		. "$1/completion/ptkit.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_ptkit
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$TOP" "$PTKIT" "$@"
}

test_expect 'commands: every one ptkit --help lists' '
	"$PTKIT" --help | awk "/^commands:/ { on = 1; next } on && /^  [a-z]/ { print \$1 }" |
		sort >want &&
	test "$(wc -l <want)" -ge 20 &&
	complete_words "" | grep -v "^--" >got &&
	test_cmp want got &&
	complete_words vm >got && echo vmemmap >want && test_cmp want got
'

test_expect 'options: every long option of every command, as its --help has it' '
	for cmd in $(cat want); do
		"$PTKIT" $cmd --help | grep -o -- "^\(  -[^-], \|      \)--[a-z][a-z0-9-]*" |
			sed "s/.*--/--/" | sort -u >opts &&
		test -s opts &&
		complete_words $cmd -- | sed "s/=\$//" | sort -u >offered &&
		comm -23 opts offered >missing &&
		{ test ! -s missing || { echo "$cmd: not offered:"; cat missing; return 1; }; } ||
		return 1
	done
'

test_expect 'values: formats, policies, PTI copies, levels, regions' '
	complete_words walk --format = "" >got &&
	printf "json\nptdump\ntext\n" >want && test_cmp want got &&
	complete_words pages --format = j >got &&
	echo json >want && test_cmp want got &&
	complete_words replay --policy = "" >got &&
	printf "naive\nnone\npageblock\n" >want && test_cmp want got &&
	complete_words walk --pti = "" >got &&
	printf "kernel\nuser\n" >want && test_cmp want got &&
	complete_words exposure --levels = "" >got &&
	printf "4\n5\n" >want && test_cmp want got &&
	complete_words exposure --against = "" >got &&
	echo kernel >want && test_cmp want got &&
	complete_words walk --region "" >got &&
	grep -qx direct-map got && grep -qx vmemmap got && grep -qx user got &&
	test "$(wc -l <got)" = 10
'

test_expect 'files: a source, and the file an option takes' '
	: >dump.kdump && : >trace.txt &&
	complete_words info du >got &&
	echo dump.kdump >want && test_cmp want got &&
	complete_words replay --image = du >got && test_cmp want got &&
	complete_words replay --svg tr >got &&
	echo trace.txt >want && test_cmp want got
'

done_testing
