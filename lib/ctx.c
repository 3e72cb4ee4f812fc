// SPDX-License-Identifier: MIT
/* Contexts: the home of error messages, so statuses can stay small. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/ctx.h"

enum { ERR_MAX = 1024 };

struct ptk_ctx {
	char err[ERR_MAX];
	bool has_loc;
	uint64_t loc_va, loc_pa;
	unsigned loc_level;
	uint64_t walk_limit;
	uint64_t page_limit;
};

struct ptk_ctx *ptk_ctx_new(void)
{
	struct ptk_ctx *ctx = calloc(1, sizeof(struct ptk_ctx));

	if (ctx)
		ctx->walk_limit = PTK_WALK_LIMIT_DEFAULT;
	return ctx;
}

void ptk_ctx_set_walk_limit(struct ptk_ctx *ctx, uint64_t entries)
{
	ctx->walk_limit = entries;
}

uint64_t ptk_ctx_walk_limit(const struct ptk_ctx *ctx)
{
	return ctx->walk_limit;
}

void ptk_ctx_set_page_limit(struct ptk_ctx *ctx, uint64_t pages)
{
	ctx->page_limit = pages;
}

uint64_t ptk_ctx_page_limit(const struct ptk_ctx *ctx)
{
	return ctx->page_limit;
}

void ptk_ctx_free(struct ptk_ctx *ctx)
{
	free(ctx);
}

enum ptk_status ptk_set_err(struct ptk_ctx *ctx, enum ptk_status status,
			    const char *fmt, ...)
{
	char old[ERR_MAX];
	va_list ap;
	int n;

	memcpy(old, ctx->err, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	/* Append ": old", truncated to fit. */
	if (old[0] && n >= 0 && (size_t)n + 3 < sizeof(ctx->err)) {
		size_t at = (size_t)n, room = sizeof(ctx->err) - at - 3;
		size_t len = strnlen(old, sizeof(old));

		if (len > room)
			len = room;
		memcpy(ctx->err + at, ": ", 2);
		memcpy(ctx->err + at + 2, old, len);
		ctx->err[at + 2 + len] = '\0';
	}
	return status;
}

const char *ptk_ctx_err(const struct ptk_ctx *ctx)
{
	return ctx->err;
}

void ptk_ctx_clear_err(struct ptk_ctx *ctx)
{
	ctx->err[0] = '\0';
	ctx->has_loc = false;
}

void ptk_ctx_set_err_loc(struct ptk_ctx *ctx, uint64_t va, unsigned level,
			 uint64_t pa)
{
	ctx->has_loc = true;
	ctx->loc_va = va;
	ctx->loc_level = level;
	ctx->loc_pa = pa;
}

bool ptk_ctx_err_loc(const struct ptk_ctx *ctx, uint64_t *va, unsigned *level,
		     uint64_t *pa)
{
	if (!ctx->has_loc)
		return false;
	*va = ctx->loc_va;
	*level = ctx->loc_level;
	*pa = ctx->loc_pa;
	return true;
}

const char *ptk_status_str(enum ptk_status status)
{
	static const char *const names[] = {
		[PTK_OK] = "success",
		[PTK_ERR_NOMEM] = "out of memory",
		[PTK_ERR_IO] = "input/output error",
		[PTK_ERR_CORRUPT] = "corrupt input",
		[PTK_ERR_NODATA] = "data not available",
		[PTK_ERR_INVALID] = "invalid argument",
		[PTK_ERR_UNSUPPORTED] = "unsupported",
		[PTK_STOP] = "stopped",
		[PTK_SKIP] = "skipped",
	};

	if ((unsigned)status < sizeof(names) / sizeof(names[0]))
		return names[status];
	return "unknown status";
}
