// SPDX-License-Identifier: MIT
/* ptkit diff: what changed between two page-table states. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct diff_args {
	struct source_opts src;	/* paging options apply to both */
	const char *a, *b;
	bool json;
	bool has_range;
	uint64_t start, end;
};

struct runs {
	struct ptk_run *r;
	size_t n, cap;
};

/* What differs in a range; several may hold at once. */
enum {
	CH_MAPPED = 1, CH_UNMAPPED = 2, CH_REMAPPED = 4, CH_SIZE = 8,
	CH_PROT = 16,
};

struct change {
	unsigned what;
	uint64_t va, end;
	const struct ptk_run *a, *b;	/* the runs on each side, or NULL */
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "range", 'r', "START-END", 0, "compare only [START, END)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct diff_args *a = state->input;

	switch (key) {
	case 'r':
		page_range_opt(state, arg, &a->start, &a->end);
		a->has_range = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!a->a)
			a->a = arg;
		else if (!a->b)
			a->b = arg;
		else
			argp_error(state, "two sources only");
		return 0;
	case ARGP_KEY_END:
		if (!a->b)
			argp_error(state, "give two sources, A and B");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp diff_argp = {
	options, parse_opt, "A B",
	"Show what changed from the page tables of A to those of B: ranges "
	"mapped, unmapped, remapped to other memory, mapped with another page "
	"size, or with other permissions.\v"
	"It is how to see what ptkit edit and ptkit directmap did. Exit "
	"status: 0 when nothing differs, 1 when something does, 2 usage, 3 "
	"bad input.",
	source_children, NULL, NULL,
};

static enum ptk_status collect(const struct ptk_run *r,
			       const struct ptk_walk_entry *e, void *priv)
{
	struct runs *rs = priv;

	(void)e;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 1024;
		struct ptk_run *p = realloc(rs->r, cap * sizeof(*p));

		if (!p)
			return PTK_ERR_NOMEM;
		rs->r = p;
		rs->cap = cap;
	}
	rs->r[rs->n++] = *r;
	return PTK_OK;
}

static int load(struct session *s, const char *cmd, struct source_opts *o,
		const char *path, const struct diff_args *a, struct runs *rs)
{
	const struct ptk_runs_ops ops = { .run = collect };
	enum ptk_status st;
	int ret;

	o->path = path;
	ret = session_open(s, cmd, o);
	if (ret != EXIT_OK)
		return ret;
	st = ptk_runs_walk(s->src, &s->pg, a->has_range ? a->start : 0,
			   a->has_range ? a->end : 0, PTK_RUNS_PHYS, &ops, rs);
	if (st != PTK_OK)
		return fail_source(s, st == PTK_ERR_NOMEM ?
				   ptk_set_err(s->ctx, st, "diff") : st);
	return EXIT_OK;
}

static void words(char *buf, size_t len, const struct session *s,
		  const struct ptk_run *r, uint64_t va)
{
	snprintf(buf, len, "%s 0x%" PRIx64 " %s%s%s%s%s%s", page_name(r->level),
		 r->pa + (va - r->va), r->eff & PTK_F_US ? "USR " : "",
		 r->eff & PTK_F_RW ? "RW" : "ro",
		 r->eff & PTK_F_G ? " GLB" : "",
		 r->eff & PTK_F_PCD ? " PCD" : "",
		 r->eff & PTK_F_PAT ? " PAT" : "",
		 r->eff & PTK_F_NX ? " NX" : " x");
	(void)s;
}

static const char *what_name(unsigned w)
{
	if (w & CH_MAPPED)
		return "mapped";
	if (w & CH_UNMAPPED)
		return "unmapped";
	if (w & CH_REMAPPED)
		return "remapped";
	if (w & CH_SIZE)
		return w & CH_PROT ? "size+prot" : "page-size";
	return "protection";
}

static void json_side(const char *key, const struct ptk_run *r, uint64_t va)
{
	if (!r) {
		printf(",\"%s\":null", key);
		return;
	}
	printf(",\"%s\":{\"pa\":\"0x%" PRIx64 "\",\"page\":%" PRIu64
	       ",\"rw\":%s,\"us\":%s,\"nx\":%s,\"g\":%s,\"pwt\":%s,\"pcd\":%s,"
	       "\"pat\":%s,\"pkey\":%u}", key, r->pa + (va - r->va),
	       ptk_level_size(r->level), r->eff & PTK_F_RW ? "true" : "false",
	       r->eff & PTK_F_US ? "true" : "false",
	       r->eff & PTK_F_NX ? "true" : "false",
	       r->eff & PTK_F_G ? "true" : "false",
	       r->eff & PTK_F_PWT ? "true" : "false",
	       r->eff & PTK_F_PCD ? "true" : "false",
	       r->eff & PTK_F_PAT ? "true" : "false", r->pkey);
}

static void print_change(const struct change *c, bool json,
			 const struct session *s)
{
	char end[32], size[32], wa[96] = "", wb[96] = "";

	if (json) {
		printf("{\"change\":\"%s\",\"va\":\"0x%" PRIx64 "\",\"end\":\"%s\"",
		       what_name(c->what), c->va,
		       c->end ? (snprintf(end, sizeof(end), "0x%" PRIx64, c->end),
				 end)
			      : "0x10000000000000000");
		json_side("before", c->a, c->va);
		json_side("after", c->b, c->va);
		printf("}\n");
		return;
	}
	fmt_size(size, sizeof(size), c->end - c->va);
	if (c->a)
		words(wa, sizeof(wa), s, c->a, c->va);
	if (c->b)
		words(wb, sizeof(wb), s, c->b, c->va);
	printf("%-11s 0x%016" PRIx64 "-%s %6s  %s%s%s\n", what_name(c->what),
	       c->va, fmt_end(end, sizeof(end), c->end), size,
	       c->a ? wa : "", c->a && c->b ? " -> " : "", c->b ? wb : "");
}

/* Can @n continue @c: same change, adjacent, same runs on both sides? */
static bool extends(const struct change *c, const struct change *n)
{
	return c->end == n->va && c->what == n->what && c->a == n->a &&
	       c->b == n->b;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { 0 };
	struct runs ra = { 0 }, rb = { 0 };
	struct session sa, sb;
	struct source_opts oa, ob;
	struct change cur = { 0 };
	size_t i = 0, j = 0;
	uint64_t nchanges = 0;
	uint64_t x;
	int ret;

	argp_parse(&diff_argp, argc, argv, 0, NULL, &a);
	oa = ob = a.src;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	ret = load(&sa, argv[0], &oa, a.a, &a, &ra);
	if (ret == EXIT_OK)
		ret = load(&sb, argv[0], &ob, a.b, &a, &rb);
	if (ret != EXIT_OK)
		goto out;

	/* Sweep both sorted run lists over every boundary. */
	x = a.has_range ? a.start : 0;
	while (i < ra.n || j < rb.n) {
		const struct ptk_run *pa = i < ra.n ? &ra.r[i] : NULL;
		const struct ptk_run *pb = j < rb.n ? &rb.r[j] : NULL;
		const struct ptk_run *in_a = pa && pa->va <= x ? pa : NULL;
		const struct ptk_run *in_b = pb && pb->va <= x ? pb : NULL;
		uint64_t next = UINT64_MAX;
		struct change n = { 0 };

		/* The next boundary: a run's start or end. */
		if (pa)
			next = in_a ? pa->end - 1 : pa->va - 1;
		if (pb) {
			uint64_t nb = in_b ? pb->end - 1 : pb->va - 1;

			next = nb < next ? nb : next;
		}
		if (!in_a && !in_b) {
			x = next + 1;
			continue;
		}
		n.va = x;
		n.end = next + 1;
		n.a = in_a;
		n.b = in_b;
		if (!in_a)
			n.what = CH_MAPPED;
		else if (!in_b)
			n.what = CH_UNMAPPED;
		else if (in_a->pa + (x - in_a->va) != in_b->pa + (x - in_b->va))
			n.what = CH_REMAPPED;
		else
			n.what = (in_a->level != in_b->level ? CH_SIZE : 0) |
				 ((in_a->eff ^ in_b->eff) & ~(PTK_F_PS) ||
				  in_a->pkey != in_b->pkey ? CH_PROT : 0);
		if (n.what) {
			if (cur.what && extends(&cur, &n)) {
				cur.end = n.end;
			} else {
				if (cur.what)
					print_change(&cur, a.json, &sa);
				cur = n;
				nchanges++;
			}
		}
		if (in_a && pa->end - 1 == next)
			i++;
		if (in_b && pb->end - 1 == next)
			j++;
		if (next == UINT64_MAX)
			break;
		x = next + 1;
	}
	if (cur.what)
		print_change(&cur, a.json, &sa);
	if (!a.json && !nchanges)
		printf("no differences\n");
	ret = nchanges ? EXIT_FINDING : EXIT_OK;
out:
	free(ra.r);
	free(rb.r);
	session_close(&sa);
	session_close(&sb);
	return finish_output(argv[0], ret);
}
