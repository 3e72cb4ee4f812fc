// SPDX-License-Identifier: MIT
/* Edit scripts: one operation per line, applied to an edit overlay. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/directmap.h"
#include "ptkit/edit.h"
#include "ptkit/spec.h"
#include "text-priv.h"

struct script {
	struct ptk_edit *ed;
	struct ptk_ctx *ctx;
	uint64_t page_offset;
	struct ptk_cpa_result *cpa;
};

static enum ptk_status usage(struct script *s, const char *what)
{
	return ptk_set_err(s->ctx, PTK_ERR_INVALID, "expected '%s'", what);
}

static enum ptk_status bad_word(struct script *s, const char *what,
				const char *word)
{
	return ptk_set_err(s->ctx, PTK_ERR_INVALID, "bad %s '%s'", what, word);
}

/* NAME:PFN[+COUNT], the ops of ptkit directmap */
static bool parse_call(const char *word, enum ptk_cpa_call *call,
		       uint64_t *pfn, uint64_t *count)
{
	const char *colon = strchr(word, ':');
	char name[16], *end;

	if (!colon || (size_t)(colon - word) >= sizeof(name))
		return false;
	memcpy(name, word, colon - word);
	name[colon - word] = '\0';
	*call = ptk_cpa_call_parse(name);
	if (*call == PTK_CPA_NCALLS)
		return false;
	errno = 0;
	*pfn = strtoull(colon + 1, &end, 0);
	if (errno || end == colon + 1)
		return false;
	*count = 1;
	if (*end == '+') {
		const char *c = end + 1;

		*count = strtoull(c, &end, 0);
		if (errno || end == c || !*count)
			return false;
	}
	return !*end;
}

static enum ptk_status do_line(void *priv, char **tok, int n)
{
	struct script *s = priv;
	const char *cmd = tok[0];
	uint64_t a, b, c;
	enum ptk_cpa_call call;

	if (!strcmp(cmd, "map")) {
		unsigned level, flags = 0, pkey = 0;

		if (n < 5)
			return usage(s, "map VA PA SIZE 4k|2m|1g [FLAGS]");
		if (!ptk_parse_u64(tok[1], &a) || !ptk_parse_u64(tok[2], &b) ||
		    !ptk_parse_u64(tok[3], &c))
			return usage(s, "map VA PA SIZE 4k|2m|1g [FLAGS]");
		if (!text_parse_page_size(tok[4], &level))
			return bad_word(s, "page size", tok[4]);
		for (int i = 5; i < n; i++)
			if (!text_parse_flag(tok[i], &flags, &pkey))
				return bad_word(s, "flag", tok[i]);
		return ptk_edit_map(s->ed, a, b, c, level, flags, pkey);
	}
	if (!strcmp(cmd, "unmap")) {
		if (n != 3 || !ptk_parse_u64(tok[1], &a) ||
		    !ptk_parse_u64(tok[2], &b))
			return usage(s, "unmap VA SIZE");
		return ptk_edit_unmap(s->ed, a, b);
	}
	if (!strcmp(cmd, "protect")) {
		unsigned set = 0, clear = 0, dummy = 0;
		int pkey = -1;

		if (n < 4 || !ptk_parse_u64(tok[1], &a) ||
		    !ptk_parse_u64(tok[2], &b))
			return usage(s, "protect VA SIZE +FLAG|-FLAG|pkey=N...");
		for (int i = 3; i < n; i++) {
			unsigned f = 0, k = 0;

			if (!strncmp(tok[i], "pkey=", 5) ||
			    !strncmp(tok[i], "+pkey=", 6)) {
				if (!text_parse_flag(tok[i] + (tok[i][0] == '+'),
						     &dummy, &k))
					return bad_word(s, "protection key", tok[i]);
				pkey = (int)k;
			} else if ((tok[i][0] == '+' || tok[i][0] == '-') &&
				   (!strcmp(tok[i] + 1, "p") ||
				    text_parse_flag(tok[i] + 1, &f, &k))) {
				if (!strcmp(tok[i] + 1, "p"))
					f = PTK_F_P;
				if (tok[i][0] == '+')
					set |= f;
				else
					clear |= f;
			} else {
				return bad_word(s, "change (+FLAG or -FLAG)",
						tok[i]);
			}
		}
		return ptk_edit_protect(s->ed, a, b, set, clear, pkey);
	}
	if (!strcmp(cmd, "split")) {
		if (n != 2 || !ptk_parse_u64(tok[1], &a))
			return usage(s, "split VA");
		return ptk_edit_split(s->ed, a);
	}
	if (!strcmp(cmd, "collapse")) {
		unsigned level = 0;

		if (n != 3 || !ptk_parse_u64(tok[1], &a))
			return usage(s, "collapse VA pmd|pud");
		if (!strcmp(tok[2], "pmd") || !strcmp(tok[2], "2m"))
			level = PTK_LEVEL_PMD;
		else if (!strcmp(tok[2], "pud") || !strcmp(tok[2], "1g"))
			level = PTK_LEVEL_PUD;
		else
			return bad_word(s, "level", tok[2]);
		return ptk_edit_collapse(s->ed, a, level);
	}
	if (!strcmp(cmd, "root")) {
		if (n != 2 || !ptk_parse_u64(tok[1], &a))
			return usage(s, "root PA");
		return ptk_edit_set_root(s->ed, a);
	}
	if (!strcmp(cmd, "set")) {
		if (n != 4 || strcmp(tok[2], "=") ||
		    !text_parse_entry_addr(tok[1], &a) ||
		    !ptk_parse_u64(tok[3], &b))
			return usage(s, "set PA = VALUE' or 'set TABLE[INDEX] = "
				     "VALUE");
		return ptk_edit_set_entry(s->ed, a, b);
	}
	if (!strcmp(cmd, "undo")) {
		if (n != 1)
			return usage(s, "undo");
		return ptk_edit_undo(s->ed);
	}
	if (n == 1 && parse_call(cmd, &call, &a, &b)) {
		if (!s->page_offset)
			return ptk_set_err(s->ctx, PTK_ERR_INVALID,
					   "%s: no direct map known", cmd);
		return ptk_cpa(s->ed, s->page_offset, call, a, b, s->cpa);
	}
	return ptk_set_err(s->ctx, PTK_ERR_INVALID,
			   "unknown operation '%s' (map, unmap, protect, split, "
			   "collapse, root, set, undo, or NAME:PFN[+COUNT])",
			   cmd);
}

enum ptk_status ptk_script_apply(struct ptk_edit *ed, const char *text,
				 size_t len, const char *name,
				 uint64_t page_offset,
				 struct ptk_cpa_result *cpa)
{
	struct ptk_source *src = ptk_edit_source(ed);
	struct script s = { ed, ptk_source_ctx(src), page_offset, cpa };

	return text_lines(s.ctx, text, len, name, do_line, &s);
}
