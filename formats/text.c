// SPDX-License-Identifier: MIT
/* Words, numbers, ranges and flags, as specs and edit scripts write them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/ctx.h"
#include "ptkit/spec.h"
#include "text-priv.h"

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

/* Split @line into words; "quoted words" keep their spaces; # starts a
 * comment.  Returns the count, or -1 for an unterminated quote. */
int text_tokenize(char *line, char **tok)
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
bool text_parse_range(const char *s, uint64_t *start, uint64_t *end)
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

bool text_parse_page_size(const char *s, unsigned *level)
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

bool text_parse_flag(const char *s, unsigned *flags, unsigned *pkey)
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


bool text_parse_entry_addr(const char *s, uint64_t *pa)
{
	char buf[64];
	char *br;
	uint64_t table, index;
	size_t l = strlen(s);

	br = strchr(s, '[');
	if (!br)
		return ptk_parse_u64(s, pa);
	if (l >= sizeof(buf) || s[l - 1] != ']')
		return false;
	memcpy(buf, s, l - 1);
	buf[l - 1] = '\0';
	buf[br - s] = '\0';
	if (!ptk_parse_u64(buf, &table) || !ptk_parse_u64(buf + (br - s) + 1, &index) ||
	    index >= 512 || (table & 4095))
		return false;
	*pa = table + index * 8;
	return true;
}

enum ptk_status text_lines(struct ptk_ctx *ctx, const char *text, size_t len,
			   const char *name, text_line_fn fn, void *priv)
{
	const char *p = text, *end = text + len;
	char line[MAX_LINE];
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		enum ptk_status st = PTK_OK;
		char *tok[MAX_TOKENS];
		int n = 0;

		lineno++;
		ptk_ctx_clear_err(ctx);
		if (l >= sizeof(line)) {
			st = ptk_set_err(ctx, PTK_ERR_INVALID, "line too long");
		} else {
			memcpy(line, p, l);
			line[l] = '\0';
			if (memchr(line, '\0', l))
				st = ptk_set_err(ctx, PTK_ERR_INVALID,
						 "NUL byte in the text");
			else if ((n = text_tokenize(line, tok)) < 0)
				st = ptk_set_err(ctx, PTK_ERR_INVALID,
						 "unterminated quote");
			else if (n == MAX_TOKENS)
				st = ptk_set_err(ctx, PTK_ERR_INVALID,
						 "too many words");
			else if (n)
				st = fn(priv, tok, n);
		}
		if (st != PTK_OK)
			return ptk_set_err(ctx, st, "%s:%u", name, lineno);
		p += l + 1;
	}
	return PTK_OK;
}
