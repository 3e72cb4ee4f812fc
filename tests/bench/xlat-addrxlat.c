// SPDX-License-Identifier: MIT
/*
 * xlat-addrxlat IMAGE N START SIZE ROOT: the same translations as
 * xlat-ptkit, with libaddrxlat walking the page tables rooted at ROOT in
 * the file libkdumpfile opened.  Prints time per translation and the same
 * checksum.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libkdumpfile/addrxlat.h>
#include <libkdumpfile/kdumpfile.h>

int main(int argc, char **argv)
{
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys, *sys;
	addrxlat_opt_t opts[3];
	addrxlat_fulladdr_t root;
	kdump_ctx_t *k = kdump_new();
	struct timespec a, b;
	uint64_t n, start, size, seed = 1, sum = 0;
	int fd;

	if (argc != 6)
		return 2;
	fd = open(argv[1], O_RDONLY);
	/* An image names no OS: say the address width, so that libaddrxlat
	 * knows the paging mode (it cannot look at CR4). */
	if (fd < 0 || kdump_open_fd(k, fd) != KDUMP_OK ||
	    kdump_set_number_attr(k, "addrxlat.default.virt_bits", 48) !=
		    KDUMP_OK ||
	    kdump_get_addrxlat(k, &axctx, &axsys) != KDUMP_OK) {
		fprintf(stderr, "xlat-addrxlat: %s\n", kdump_get_err(k));
		return 3;
	}
	n = strtoull(argv[2], NULL, 0);
	start = strtoull(argv[3], NULL, 0);
	size = strtoull(argv[4], NULL, 0);
	root.addr = strtoull(argv[5], NULL, 0);
	root.as = ADDRXLAT_MACHPHYSADDR;
	addrxlat_opt_arch(&opts[0], "x86_64");
	addrxlat_opt_rootpgt(&opts[1], &root);
	addrxlat_opt_virt_bits(&opts[2], 48);
	sys = addrxlat_sys_new();
	if (addrxlat_sys_os_init(sys, axctx, 3, opts) != ADDRXLAT_OK) {
		fprintf(stderr, "xlat-addrxlat: os_init: %s\n", addrxlat_ctx_get_err(axctx));
		return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint64_t i = 0; i < n; i++) {
		addrxlat_fulladdr_t f;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		f.addr = start + ((seed >> 20) % size & ~0xfffull);
		f.as = ADDRXLAT_KVADDR;
		if (addrxlat_fulladdr_conv(&f, ADDRXLAT_MACHPHYSADDR, axctx, sys) ==
		    ADDRXLAT_OK)
			sum += f.addr;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f ns/translation, checksum %" PRIx64 "\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, sum);
	addrxlat_sys_decref(sys);
	addrxlat_sys_decref(axsys);
	addrxlat_ctx_decref(axctx);
	kdump_free(k);
	return 0;
}
