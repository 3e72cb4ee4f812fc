# bash completion for ptkit(1).
#
# Everything offered is read from the program itself when asked, so an
# option added later is offered without a change here: the commands from
# `ptkit --help`, each command's options from `ptkit COMMAND --help`, and
# an option's values from its help line (`--pti=kernel|user`, or a list
# such as "text (default), ptdump or json" or "the named region:
# direct-map, vmalloc, ...").  Arguments that are not options are files.

# The commands, one a line.
_ptkit_commands()
{
	"$1" --help 2>/dev/null |
		awk '/^commands:/ { on = 1; next }
		     on && /^  [a-z]/ { print $1 }
		     on && /^$/ { exit }'
}

# The long options of a command, one a line: "--name" or "--name=".
_ptkit_options()
{
	"$1" "$2" --help 2>/dev/null |
		awk '/^  -[^-], --[a-z]/ || /^      --[a-z]/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^--[a-z]/) break
			opt = $i
			sub(/,$/, "", opt)
			if (opt ~ /\[=/) { sub(/\[=.*/, "", opt); print opt; print opt "=" }
			else if (opt ~ /=/) { sub(/=.*/, "=", opt); print opt }
			else print opt
		}'
}

# The values an option takes, one a line, from its help text.
_ptkit_values()
{
	"$1" "$2" --help 2>/dev/null |
		awk -v want="$3" '
		function flush() {
			if (!name) return
			if (arg ~ /\|/) { n = split(arg, v, "|"); for (i = 1; i <= n; i++) print v[i] }
			else if (arg ~ /^[a-z][a-z0-9-]*$/) print arg
			else {
				d = text
				while (match(d, /\([^)]*\)/))
					d = substr(d, 1, RSTART - 1) substr(d, RSTART + RLENGTH)
				if (index(d, ": ")) d = substr(d, index(d, ": ") + 2)
				gsub(/,/, " , ", d); gsub(/ or /, " , ", d)
				# a list of words, perhaps ending in prose ("or a
				# name that ptkit info lists"); prose elsewhere
				# means the text is no list
				n = split(d, w, " , "); k = 0
				for (i = 1; i <= n; i++) {
					t = w[i]; gsub(/^ +| +$/, "", t)
					if (t ~ /^[a-z0-9][a-z0-9-]*$/) v[++k] = t
					else if (t != "" && i < n) { k = 0; break }
				}
				if (k >= 2) for (i = 1; i <= k; i++) print v[i]
			}
			name = ""
		}
		/^  -[^-], --[a-z]/ || /^      --[a-z]/ {
			flush()
			for (i = 1; i <= NF; i++) if ($i ~ /^--[a-z]/) break
			opt = $i; sub(/,$/, "", opt)
			o = opt; sub(/[\[=].*/, "", o)
			if (o != want) next
			name = o; arg = opt; sub(/^[^=]*=/, "", arg); sub(/\]$/, "", arg)
			text = ""
			for (j = i + 1; j <= NF; j++) text = text " " $j
			next
		}
		name && /^                    / { text = text " " $0; next }
		{ flush() }
		END { flush() }'
}

_ptkit()
{
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local cmd="" opt="" i

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_ptkit_commands "$prog") --help --version" -- "$cur"))
		return
	fi
	# --opt=value in one word (bash splits it at '=' by COMP_WORDBREAKS)
	if [[ $cur == = ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 1]}
		cur=""
	elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
	elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == --* ]] &&
	     _ptkit_options "$prog" "$cmd" | grep -qx -- "${COMP_WORDS[COMP_CWORD - 1]}="; then
		opt=${COMP_WORDS[COMP_CWORD - 1]}	# --opt value
	fi
	if [[ -n $opt ]]; then
		local values
		values=$(_ptkit_values "$prog" "$cmd" "$opt")
		if [[ -n $values ]]; then
			COMPREPLY=($(compgen -W "$values" -- "$cur"))
		else
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_ptkit_options "$prog" "$cmd")" -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _ptkit ptkit
