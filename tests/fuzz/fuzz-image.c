// SPDX-License-Identifier: MIT
/* Any file as a source: ELF cores, kdump files, ptkit images, garbage. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	char path[64];
	int fd = memfd_create("fuzz-image", 0);

	if (fd < 0 || !ctx || write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ptk_source_open(ctx, path, &src) != PTK_OK)
		goto out;
	if (ptk_paging_discover(src, &pg, &why) == PTK_OK)
		fuzz_read_tables(src, &pg);
	ptk_source_free(src);
out:
	if (fd >= 0)
		close(fd);
	ptk_ctx_free(ctx);
	return 0;
}
