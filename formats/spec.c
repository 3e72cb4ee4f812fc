// SPDX-License-Identifier: MIT
/* The image spec: a readable text that becomes page tables. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/spec.h"

enum { MAX_TOKENS = 32, MAX_LINE = 4096 };

bool ptk_parse_u64(const char *s, uint64_t *ret)
{
	static const char suffixes[] = "KMGTP";
	uint64_t v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	if (*end) {
		const char *q = strchr(suffixes, toupper((unsigned char)*end));
		unsigned shift;

		if (!q || end[1])
			return false;
		shift = 10 * (unsigned)(q - suffixes + 1);
		if (v > UINT64_MAX >> shift)
			return false;
		v <<= shift;
	}
	*ret = v;
	return true;
}

struct spec {
	struct ptk_ctx *ctx;
	const char *name;
	unsigned lineno;
	struct ptk_builder *b;
	unsigned levels;
	bool has_pool;
};

static enum ptk_status line_err(struct spec *s, enum ptk_status st,
				const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	ptk_ctx_clear_err(s->ctx);
	return ptk_set_err(s->ctx, st, "%s:%u: %s", s->name, s->lineno, msg);
}

/* Split @line into words; "quoted words" keep their spaces; # starts a
 * comment.  Returns the count, or -1 for an unterminated quote. */
static int tokenize(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_TOKENS)
			return n;
		if (*p == '"') {
			char *q = strchr(p + 1, '"');

			if (!q)
				return -1;
			*q = '\0';
			tok[n++] = p + 1;
			p = q + 1;
			continue;
		}
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p) && *p != '#')
			p++;
		if (*p == '#') {
			*p = '\0';
			return n;
		}
		if (*p)
			*p++ = '\0';
	}
}

/* START-END or START+SIZE; END exclusive. */
static bool parse_range(const char *s, uint64_t *start, uint64_t *end)
{
	char buf[128];
	char *sep;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	sep = strpbrk(buf, "-+");
	if (!sep)
		return false;
	{
		char op = *sep;
		uint64_t b;

		*sep = '\0';
		if (!ptk_parse_u64(buf, start) || !ptk_parse_u64(sep + 1, &b))
			return false;
		if (op == '+') {
			if (*start + b < *start && *start + b != 0)
				return false;
			*end = *start + b;
		} else {
			*end = b;
		}
	}
	return *end == 0 || *end > *start;
}

static bool parse_page_size(const char *s, unsigned *level)
{
	static const struct {
		const char *name;
		unsigned level;
	} sizes[] = { { "4k", 1 }, { "2m", 2 }, { "1g", 3 },
		      { "4K", 1 }, { "2M", 2 }, { "1G", 3 } };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (!strcmp(s, sizes[i].name)) {
			*level = sizes[i].level;
			return true;
		}
	}
	return false;
}

static bool parse_flag(const char *s, unsigned *flags, unsigned *pkey)
{
	uint64_t v;

	if (!strncmp(s, "pkey=", 5)) {
		if (!ptk_parse_u64(s + 5, &v) || v > 15)
			return false;
		*pkey = (unsigned)v;
		return true;
	}
	if (!strcmp(s, "ro") || !strcmp(s, "x"))
		return true;	/* the defaults, for readability */
	for (const struct ptk_flag_name *f = ptk_flag_names; f->flag; f++) {
		if (f->flag == PTK_F_P || f->flag == PTK_F_PS)
			continue;
		if (!strcmp(s, f->json)) {
			*flags |= f->flag;
			return true;
		}
	}
	return false;
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

static enum ptk_status do_line(struct spec *s, char **tok, int n)
{
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
		if (n != 2 || !parse_range(tok[1], &a, &b) || !b)
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
		    !parse_page_size(tok[4], &level))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'map VA PA SIZE 4k|2m|1g "
					"[FLAGS]'", cmd);
		for (int i = 5; i < n; i++)
			if (!parse_flag(tok[i], &flags, &pkey))
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
		/* set PA = VALUE, or set TABLE[INDEX] = VALUE */
		char *br;

		if (n != 4 || strcmp(tok[2], "="))
			return line_err(s, PTK_ERR_INVALID,
					"%s: expected 'set PA = VALUE' or "
					"'set TABLE[INDEX] = VALUE'", cmd);
		br = strchr(tok[1], '[');
		if (br) {
			size_t l = strlen(br);

			if (l < 3 || br[l - 1] != ']')
				return line_err(s, PTK_ERR_INVALID,
						"bad entry address '%s'", tok[1]);
			br[l - 1] = '\0';
			*br = '\0';
			if (!ptk_parse_u64(tok[1], &a) ||
			    !ptk_parse_u64(br + 1, &c) || c >= PTK_ENTRIES ||
			    (a & (PTK_PAGE_SIZE - 1)))
				return line_err(s, PTK_ERR_INVALID,
						"bad entry address '%s[...]': a "
						"page-aligned table and an "
						"index below 512", tok[1]);
			a += c * 8;
		} else if (!ptk_parse_u64(tok[1], &a)) {
			return line_err(s, PTK_ERR_INVALID,
					"bad entry address '%s'", tok[1]);
		}
		if (!ptk_parse_u64(tok[3], &b))
			return line_err(s, PTK_ERR_INVALID, "bad value '%s'",
					tok[3]);
		st = ptk_builder_set(s->b, a, b);
		if (st != PTK_OK)
			return line_err(s, st, "%s", ptk_ctx_err(s->ctx));
		return PTK_OK;
	}
	if (!strcmp(cmd, "region")) {
		if (n != 3 || !parse_range(tok[2], &a, &b))
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
	struct spec s = { .ctx = ctx, .name = name, .levels = 4 };
	const char *p = text, *end = text + len;
	enum ptk_status st = PTK_OK;
	char line[MAX_LINE];

	ptk_ctx_clear_err(ctx);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		char *tok[MAX_TOKENS];
		int n;

		s.lineno++;
		if (l >= sizeof(line)) {
			st = line_err(&s, PTK_ERR_INVALID, "%s", "line too long");
			break;
		}
		memcpy(line, p, l);
		line[l] = '\0';
		p += l + 1;
		if (memchr(line, '\0', l)) {
			st = line_err(&s, PTK_ERR_INVALID, "%s",
				      "NUL byte in the spec");
			break;
		}
		n = tokenize(line, tok);
		if (n < 0) {
			st = line_err(&s, PTK_ERR_INVALID, "%s",
				      "unterminated quote");
			break;
		}
		if (n == MAX_TOKENS) {
			st = line_err(&s, PTK_ERR_INVALID, "%s",
				      "too many words");
			break;
		}
		if (n == 0)
			continue;
		st = do_line(&s, tok, n);
		if (st != PTK_OK)
			break;
	}
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
