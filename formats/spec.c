// SPDX-License-Identifier: MIT
/* The image spec: a readable text that becomes page tables. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/spec.h"
#include "text-priv.h"


struct spec {
	struct ptk_ctx *ctx;
	struct ptk_builder *b;
	unsigned levels;
	bool has_pool;
};

/* A message of this line alone; text_lines() says which line. */
static enum ptk_status line_err(struct spec *s, enum ptk_status st,
				const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	ptk_ctx_clear_err(s->ctx);
	return ptk_set_err(s->ctx, st, "%s", msg);
}

static enum ptk_status need_builder(struct spec *s)
{
	if (s->b)
		return PTK_OK;
	return ptk_builder_new(s->ctx, s->levels, &s->b);
}

/* The default table pool: RAM from 1 MiB up, or 1 MiB-4 GiB without RAM. */
static enum ptk_status need_pool(struct spec *s)
{
	struct ptk_source *src = ptk_builder_source(s->b);
	const struct ptk_range *ram;
	enum ptk_status st = PTK_OK;
	size_t nram;

	if (s->has_pool)
		return PTK_OK;
	s->has_pool = true;
	ram = ptk_source_ram(src, &nram);
	if (!nram)
		return ptk_builder_add_pool(s->b, 1ull << 20, 1ull << 32);
	for (size_t i = 0; i < nram && st == PTK_OK; i++) {
		uint64_t start = ram[i].start < (1ull << 20) ? 1ull << 20
							     : ram[i].start;

		if (start < ram[i].end)
			st = ptk_builder_add_pool(s->b, start, ram[i].end);
	}
	return st;
}

static enum ptk_status do_line(void *priv, char **tok, int n)
{
	struct spec *s = priv;
	const char *cmd = tok[0];
	uint64_t a, b, c;
	enum ptk_status st;

	if (!strcmp(cmd, "levels")) {
		if (n != 2 || !ptk_parse_u64(tok[1], &a) || (a != 4 && a != 5))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'levels 4' or 'levels 5'",
					"levels");
		if (s->b)
			return line_err(s, PTK_ERR_INVALID,
					"%s must come before anything it "
					"shapes", "levels");
		s->levels = (unsigned)a;
		return PTK_OK;
	}
	st = need_builder(s);
	if (st != PTK_OK)
		return st;
	if (!strcmp(cmd, "ram") || !strcmp(cmd, "tables")) {
		if (n != 2 || !text_parse_range(tok[1], &a, &b) || !b)
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected START-END or START+SIZE",
					cmd);
		if (!strcmp(cmd, "ram"))
			return ptk_source_add_ram(ptk_builder_source(s->b), a, b);
		s->has_pool = true;
		return ptk_builder_add_pool(s->b, a, b);
	}
	if (!strcmp(cmd, "phys-bits")) {
		if (n != 2 || !ptk_parse_u64(tok[1], &a) || a < 32 ||
		    a > PTK_MAX_PHYS_BITS)
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected a width from 32 to 52",
					cmd);
		return ptk_source_set_meta(ptk_builder_source(s->b),
					   "PTKIT_PHYS_BITS", tok[1]);
	}
	if (!strcmp(cmd, "root")) {
		if (n != 2 || !ptk_parse_u64(tok[1], &a))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'root PA'", cmd);
		return ptk_builder_set_root(s->b, a);
	}
	if (!strcmp(cmd, "map")) {
		unsigned level, flags = 0, pkey = 0;

		if (n < 5 || !ptk_parse_u64(tok[1], &a) ||
		    !ptk_parse_u64(tok[2], &b) || !ptk_parse_u64(tok[3], &c) ||
		    !text_parse_page_size(tok[4], &level))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'map VA PA SIZE 4k|2m|1g "
					"[FLAGS]'", cmd);
		for (int i = 5; i < n; i++)
			if (!text_parse_flag(tok[i], &flags, &pkey))
				return line_err(s, PTK_ERR_INVALID,
						"unknown flag '%s' (flags: rw us "
						"pwt pcd a d g pat nx pkey=N)",
						tok[i]);
		st = need_pool(s);
		if (st == PTK_OK)
			st = ptk_builder_map(s->b, a, b, c, level, flags, pkey);
		if (st != PTK_OK) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", ptk_ctx_err(s->ctx));
			return line_err(s, st, "%s", msg);
		}
		return PTK_OK;
	}
	if (!strcmp(cmd, "set")) {
		if (n != 4 || strcmp(tok[2], "="))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'set PA = VALUE' or "
					"'set TABLE[INDEX] = VALUE'", cmd);
		if (!text_parse_entry_addr(tok[1], &a))
			return line_err(s, PTK_ERR_INVALID,
					"bad entry address '%s': PA, or a "
					"page-aligned TABLE[INDEX] below 512",
					tok[1]);
		if (!ptk_parse_u64(tok[3], &b))
			return line_err(s, PTK_ERR_INVALID, "bad value '%s'",
					tok[3]);
		st = ptk_builder_set(s->b, a, b);
		if (st != PTK_OK)
			return line_err(s, st, "%s", ptk_ctx_err(s->ctx));
		return PTK_OK;
	}
	if (!strcmp(cmd, "region")) {
		if (n != 3 || !text_parse_range(tok[2], &a, &b))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'region NAME START-END'",
					cmd);
		if (!*tok[1] || strchr(tok[1], '='))
			return line_err(s, PTK_ERR_INVALID,
					"region name '%s' is empty or has an "
					"'='", tok[1]);
		return ptk_source_add_region(ptk_builder_source(s->b), tok[1],
					     a, b);
	}
	if (!strcmp(cmd, "meta")) {
		char *eq = n == 2 ? strchr(tok[1], '=') : NULL;

		if (!eq || eq == tok[1])
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'meta KEY=VALUE'", cmd);
		*eq = '\0';
		return ptk_source_set_meta(ptk_builder_source(s->b), tok[1],
					   eq + 1);
	}
	return line_err(s, PTK_ERR_INVALID,
			"unknown directive '%s' (levels, phys-bits, ram, "
			"tables, root, map, set, region, meta)", cmd);
}

enum ptk_status ptk_spec_build(struct ptk_ctx *ctx, const char *text,
			       size_t len, const char *name,
			       struct ptk_builder **ret)
{
	struct spec s = { .ctx = ctx, .levels = 4 };
	enum ptk_status st;

	st = text_lines(ctx, text, len, name, do_line, &s);
	if (st == PTK_OK)
		st = need_builder(&s);
	if (st == PTK_OK)
		st = need_pool(&s);
	if (st == PTK_OK) {
		struct ptk_paging pg;

		/* Make sure a root exists even for an empty spec. */
		st = ptk_builder_paging(s.b, &pg);
	}
	if (st != PTK_OK) {
		ptk_builder_free(s.b);
		return st;
	}
	*ret = s.b;
	return PTK_OK;
}
