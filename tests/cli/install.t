#!/bin/sh
# make install: a program builds against the installed headers and library
# with pkg-config alone, and the man pages are in place.
. "$(dirname "$0")/lib.sh"

O=$(dirname "$PTKIT")
# A sanitizer build's library needs the sanitizers in the program too.
SAN=
nm "$O/libptkit.a" 2>/dev/null | grep -q __asan && SAN="-fsanitize=address,undefined"
ptkit mkimage -o small.img "$DATA/small.spec" >/dev/null || exit 1

test_expect 'install puts everything under DESTDIR and PREFIX' '
	make -s -C "$TOP" O="$O" install DESTDIR="$TMP/root" PREFIX=/opt/ptkit \
		>/dev/null &&
	for f in bin/ptkit lib/libptkit.a lib/libptkit.so lib/libptkit.so.0 \
		include/ptkit/ptkit.h lib/pkgconfig/ptkit.pc \
		share/man/man1/ptkit-walk.1 share/man/man3/libptkit.3 \
		share/man/man5/ptkit-image.5 \
		share/bash-completion/completions/ptkit; do
		test -e "$TMP/root/opt/ptkit/$f" || { echo "missing $f"; return 1; }
	done
'

test_expect 'a program links with pkg-config ptkit and runs' '
	cat >use.c <<-\EOT &&
	#include <stdio.h>
	#include <ptkit/ptkit.h>

	int main(int argc, char **argv)
	{
		struct ptk_ctx *ctx = ptk_ctx_new();
		struct ptk_source *src;
		struct ptk_paging pg;
		struct ptk_discovery why;
		struct ptk_xlat x;

		if (argc < 2 || ptk_source_open(ctx, argv[1], &src) ||
		    ptk_paging_discover(src, &pg, &why) ||
		    ptk_translate(src, &pg, 0xffffffff81001000, &x)) {
			fprintf(stderr, "%s\n", ptk_ctx_err(ctx));
			return 1;
		}
		printf("%#llx %s\n", (unsigned long long)x.pa, why.root);
		ptk_source_free(src);
		ptk_ctx_free(ctx);
		return 0;
	}
	EOT
	sed -i "s|^prefix=.*|prefix=$TMP/root/opt/ptkit|; s|=/opt/ptkit|=\${prefix}|" \
		"$TMP/root/opt/ptkit/lib/pkgconfig/ptkit.pc" &&
	export PKG_CONFIG_PATH="$TMP/root/opt/ptkit/lib/pkgconfig" &&
	cc -Wall -Werror $SAN -o use use.c $(pkg-config --cflags --libs ptkit) &&
	LD_LIBRARY_PATH="$TMP/root/opt/ptkit/lib" ./use small.img >actual &&
	echo "0x1001000 PTKIT_ROOT in the image" >expect &&
	test_cmp expect actual
'

done_testing
