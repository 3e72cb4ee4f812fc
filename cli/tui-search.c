// SPDX-License-Identifier: MIT
/*
 * ptkit tui: '/' finds the next mapping whose effective permissions and
 * page size match, in address order from the cursor, with the walker.
 * Terms, joined by '+', ',' or spaces: W (writable), RO, X (executable),
 * NX, U or user, K or kernel, G (global), 4K, 2M, 1G; "W+X" finds what
 * the kernel's W+X check would complain about.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

bool search_parse(const char *text, struct tui_search *ret)
{
	static const struct {
		const char *name;
		unsigned set, clear, levels;
	} terms[] = {
		{ "W", PTK_F_RW, 0, 0 }, { "RW", PTK_F_RW, 0, 0 },
		{ "RO", 0, PTK_F_RW, 0 }, { "X", 0, PTK_F_NX, 0 },
		{ "NX", PTK_F_NX, 0, 0 }, { "U", PTK_F_US, 0, 0 },
		{ "USER", PTK_F_US, 0, 0 }, { "K", 0, PTK_F_US, 0 },
		{ "KERNEL", 0, PTK_F_US, 0 }, { "G", PTK_F_G, 0, 0 },
		{ "4K", 0, 0, 1u << 1 }, { "2M", 0, 0, 1u << 2 },
		{ "1G", 0, 0, 1u << 3 },
	};
	char word[16];

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->text, sizeof(ret->text), "%s", text);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "+, ");
		size_t i;

		if (!n) {
			p++;
			continue;
		}
		if (n >= sizeof(word))
			return false;
		memcpy(word, p, n);
		word[n] = '\0';
		for (i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
			if (!strcasecmp(word, terms[i].name))
				break;
		if (i == sizeof(terms) / sizeof(terms[0]))
			return false;
		ret->set |= terms[i].set;
		ret->clear |= terms[i].clear;
		ret->levels |= terms[i].levels;
		p += n;
	}
	return true;
}

struct finder {
	const struct tui_search *s;
	uint64_t found;
	bool any, stop_at_first;
};

static bool matches(const struct tui_search *s, const struct ptk_walk_entry *e)
{
	unsigned eff = e->eff | (e->flags & PTK_F_G);

	return (eff & s->set) == s->set && !(eff & s->clear) &&
	       (!s->levels || (s->levels >> e->level & 1));
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct finder *f = priv;

	if (!matches(f->s, e))
		return PTK_OK;
	f->found = e->va;
	f->any = true;
	return f->stop_at_first ? PTK_STOP : PTK_OK;
}

static enum ptk_status on_leaf_run(const struct ptk_walk_entry *e, uint64_t n,
				   void *priv)
{
	struct finder *f = priv;

	if (!matches(f->s, e))
		return PTK_OK;
	/* the run's entries share their flags: its first or its last */
	f->found = f->stop_at_first ? e->va : e->va + (n - 1) * PTK_PAGE_SIZE;
	f->any = true;
	return f->stop_at_first ? PTK_STOP : PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;	/* an entry that cannot be followed matches nothing */
}

bool search_next(struct tui *t, uint64_t from, uint64_t to, bool last,
		 uint64_t *va)
{
	const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .leaf_run = on_leaf_run, .bad = on_bad,
	};
	struct finder f = { .s = &t->search, .stop_at_first = !last };
	enum ptk_status st;

	st = ptk_walk(t->src, &t->pg, from, to, &ops, &f);
	ptk_ctx_clear_err(t->s->ctx);
	if (st != PTK_OK && st != PTK_STOP)
		return false;
	*va = f.found;
	return f.any;
}
