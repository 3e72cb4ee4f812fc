// SPDX-License-Identifier: MIT
/*
 * Allocator traces, ftrace text or ptkit-trace, through the reader and the
 * follow-mode allocator model; and the number parser that address
 * arguments go through.  The first byte picks --strict.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_ctx *ctx = fuzz_ctx();
	struct ptk_trace *t = NULL;
	struct ptk_alloc *model = NULL;
	struct ptk_alloc_stats stats;
	struct ptk_trace_rec rec;
	enum ptk_page_fate fate;
	char path[64], word[32];
	uint64_t v;
	size_t n;
	int fd = memfd_create("fuzz-trace", 0);

	if (fd < 0 || !ctx || !size ||
	    write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		goto out;
	n = size - 1 < sizeof(word) - 1 ? size - 1 : sizeof(word) - 1;
	memcpy(word, data + 1, n);
	word[n] = '\0';
	ptk_parse_u64(word, &v);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ptk_trace_open(ctx, path, data[0] & 1, &t) != PTK_OK ||
	    ptk_alloc_new_ram(ctx, 1 << 16, &model) != PTK_OK)
		goto out;
	while (ptk_trace_next(t, &rec) == PTK_OK)
		ptk_alloc_follow(model, &rec, &fate);
	ptk_trace_stats(t);
	ptk_alloc_stats(model, &stats);
out:
	if (model)
		ptk_alloc_free(model);
	if (t)
		ptk_trace_close(t);
	if (fd >= 0)
		close(fd);
	ptk_ctx_free(ctx);
	return 0;
}
