// SPDX-License-Identifier: MIT
/*
 * The reference translator: libaddrxlat, set up by libkdumpfile from the
 * dump alone, translating kernel virtual addresses read from stdin.
 * Prints "VA: PA" (16 hex digits each) or "VA: -" when not mapped.
 * A second argument names a file of addresses to read instead of stdin.
 * Used by the tests to check ptkit translate, and as a benchmark baseline.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/addrxlat.h>
#include <libkdumpfile/kdumpfile.h>

int main(int argc, char **argv)
{
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	kdump_attr_t attr;
	kdump_ctx_t *k;
	char line[128];
	int fd;

	FILE *in = stdin;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: addrxlat-xlat DUMP [ADDRESSES]\n");
		return 2;
	}
	if (argc == 3 && !(in = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	k = kdump_new();
	if (fd < 0 || !k || kdump_open_fd(k, fd) != KDUMP_OK) {
		fprintf(stderr, "addrxlat-xlat: %s: %s\n", argv[1],
			k ? kdump_get_err(k) : "cannot open");
		return 3;
	}
	/* QEMU's kdump header leaves arch.name unset (realdata README). */
	if (kdump_get_attr(k, KDUMP_ATTR_ARCH_NAME, &attr) != KDUMP_OK)
		kdump_set_string_attr(k, KDUMP_ATTR_ARCH_NAME, "x86_64");
	if (kdump_set_string_attr(k, KDUMP_ATTR_OSTYPE, "linux") != KDUMP_OK ||
	    kdump_get_addrxlat(k, &axctx, &axsys) != KDUMP_OK) {
		fprintf(stderr, "addrxlat-xlat: %s: %s\n", argv[1],
			kdump_get_err(k));
		return 3;
	}
	while (fgets(line, sizeof(line), in)) {
		addrxlat_fulladdr_t a = { strtoull(line, NULL, 0),
					  ADDRXLAT_KVADDR };
		uint64_t va = a.addr;

		if (addrxlat_fulladdr_conv(&a, ADDRXLAT_KPHYSADDR, axctx,
					   axsys) == ADDRXLAT_OK)
			printf("%016" PRIx64 ": %016" PRIx64 "\n", va,
			       (uint64_t)a.addr);
		else
			printf("%016" PRIx64 ": -\n", va);
	}
	addrxlat_sys_decref(axsys);
	addrxlat_ctx_decref(axctx);
	kdump_free(k);
	close(fd);
	return 0;
}
