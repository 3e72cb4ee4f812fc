#!/bin/sh
# Install the Debian packages ptkit needs to build (and, with "test", to
# run its tests), or say exactly how to.  Called by make before building.
set -eu

build="gcc make pkg-config libelf-dev libkdumpfile-dev libncurses-dev
       libtracecmd-dev libtracefs-dev libtraceevent-dev libbpf-dev
       python3-dev"
test="libcmocka-dev mandoc perl valgrind tmux makedumpfile trace-cmd
      zlib1g-dev librsvg2-bin debhelper dh-python dpkg-dev fakeroot lintian
      python3-pytest"
deb="debhelper dh-python dpkg-dev fakeroot lintian python3-dev"
want=$build
[ "${1:-}" = test ] && want="$build $test"
[ "${1:-}" = deb ] && want="$build $deb"

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	     grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with:  sudo apt-get install -y$missing" >&2
exit 1
