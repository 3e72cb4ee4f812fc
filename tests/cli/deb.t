#!/bin/sh
# make deb: Debian packages that lintian passes, installed into a scratch
# root with dpkg -x, where the command runs and a program builds against
# the library.
. "$(dirname "$0")/lib.sh"

O=$(dirname "$PTKIT")
nm "$O/libptkit.a" 2>/dev/null | grep -q __asan &&
	skip_all "a sanitizer build: the packages are built by make check"
for p in dpkg-buildpackage dh lintian fakeroot; do
	command -v $p >/dev/null 2>&1 ||
		skip_all "no $p (make deb installs debhelper, dpkg-dev, fakeroot and lintian as root)"
done
ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1
DEBS=$O/obj/deb

test_expect 'make deb: ptkit, libptkit0, libptkit-dev, python3-ptkit; lintian has nothing to say' '
	make -s -C "$TOP" O="$O" deb >build.log 2>&1 || { tail -30 build.log; return 1; } &&
	for p in ptkit libptkit0 libptkit-dev python3-ptkit; do
		test -f "$DEBS/${p}_"*"_amd64.deb" || { echo "no $p"; return 1; }
	done &&
	lintian --fail-on error,warning "$DEBS"/*.changes >lintian.out 2>&1 ||
		{ cat lintian.out; return 1; }
'

test_expect 'installed with dpkg -x: the command, its man pages and completion' '
	for d in "$DEBS"/*.deb; do dpkg -x "$d" root || return 1; done &&
	root/usr/bin/ptkit --version >actual &&
	"$PTKIT" --version >expect && test_cmp expect actual &&
	root/usr/bin/ptkit walk small.img >actual &&
	"$PTKIT" walk small.img >expect && test_cmp expect actual &&
	test -f root/usr/share/man/man1/ptkit-walk.1.gz &&
	test -f root/usr/share/man/man3/libptkit.3.gz &&
	test -f root/usr/share/bash-completion/completions/ptkit &&
	dpkg-deb -f "$DEBS"/libptkit-dev_*_amd64.deb Depends | grep -q "libptkit0 (= " &&
	for p in ptkit libptkit0 python3-ptkit; do
		dpkg-deb -f "$DEBS/${p}_"*_amd64.deb Depends |
			grep -q "libkdumpfile10, libtracecmd1, libtraceevent1" ||
			{ echo "$p does not depend on what it loads"; return 1; }
	done
'

test_expect 'a program builds against libptkit-dev and runs on libptkit0' '
	lib=$(echo root/usr/lib/*-linux-gnu) &&
	test -e "$lib/libptkit.so.0" && test -e "$lib/libptkit.so" &&
	cat >use.c <<-\EOT &&
	#include <stdio.h>
	#include <ptkit/ptkit.h>

	int main(int argc, char **argv)
	{
		struct ptk_ctx *ctx = ptk_ctx_new();
		struct ptk_source *src;
		struct ptk_paging pg;
		struct ptk_discovery why;

		if (argc < 2 || ptk_source_open(ctx, argv[1], &src) ||
		    ptk_paging_discover(src, &pg, &why))
			return 1;
		printf("%u levels, root %#llx\n", pg.levels,
		       (unsigned long long)pg.root);
		return 0;
	}
	EOT
	PKG_CONFIG_PATH="$PWD/$lib/pkgconfig" pkg-config \
		--define-variable=libdir="$PWD/$lib" \
		--define-variable=includedir="$PWD/root/usr/include" \
		--cflags --libs ptkit >flags &&
	grep -q -- "-I$PWD/root/usr/include" flags &&
	cc -o use use.c $(cat flags) &&
	LD_LIBRARY_PATH="$lib" ./use small.img >actual &&
	echo "4 levels, root 0x100000" >expect && test_cmp expect actual
'

test_expect 'python3 -c "import ptkit" from the scratch root' '
	PYTHONPATH="$PWD/root/usr/lib/python3/dist-packages" /usr/bin/python3 -c "
import ptkit
assert ptkit.__file__.startswith(\"$PWD/root/\"), ptkit.__file__
print(ptkit.open(\"small.img\").info()[\"root\"])" >actual &&
	echo 0x100000 >expect && test_cmp expect actual &&
	dpkg-deb -f "$DEBS"/python3-ptkit_*_amd64.deb Depends | grep -q "python3 (>= 3"
'

test_expect 'the symbols file has every symbol the library exports' '
	nm -D --defined-only "$(echo root/usr/lib/*-linux-gnu)/libptkit.so.0" |
		awk "\$3 ~ /^ptk_/ { sub(/@.*/, \"\", \$3); print \$3 }" | sort -u >exported &&
	test "$(wc -l <exported)" -gt 100 &&
	sed -n "s/^ \(ptk_[a-z0-9_]*\)@PTKIT_0 .*/\1/p" "$TOP/debian/libptkit0.symbols" |
		sort -u >listed &&
	test_cmp listed exported
'

done_testing
