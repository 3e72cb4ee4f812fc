// SPDX-License-Identifier: MIT
/* ptkit diff: what changed between two page-table states. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"

enum { OPT_REGION = 0x400, OPT_OPS };

struct diff_args {
	struct source_opts src;	/* paging options apply to both */
	const char *a, *b;
	bool json;
	bool has_range;
	uint64_t start, end;
	const char *region;
	bool ops;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ "range", 'r', "START-END", 0, "compare only [START, END)", 0 },
	{ "region", OPT_REGION, "NAME", 0,
	  "compare only the named region, as walk --region takes it "
	  "(direct-map, vmalloc, modules, text, a module, ...)", 0 },
	{ "ops", OPT_OPS, 0, 0,
	  "print the direct-map calls (ptkit directmap OPs) that turn A's "
	  "direct map into B's", 0 },
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
	case OPT_REGION:
		a->region = arg;
		return 0;
	case OPT_OPS:
		a->ops = true;
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
		if (a->has_range && a->region)
			argp_error(state, "--range and --region: give one");
		if (a->ops && a->json)
			argp_error(state, "--ops prints OPs, not JSON");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp diff_argp = {
	options, parse_opt, "A B",
	"Show what changed from the page tables of A to those of B: ranges "
	"mapped, unmapped, remapped to other memory, mapped with another page "
	"size, or with other permissions; entries not present on one side that "
	"still keep their frame (set_direct_map_invalid_noflush) are compared "
	"too.  Changes are listed under the region they are in.\v"
	"A and B may be two dumps of one machine, or a dump and what ptkit edit "
	"or ptkit directmap made of it.  The direct map is compared by "
	"physical frame: when A and B place it at different addresses (two "
	"boots, KASLR), B's is moved onto A's.  With --ops, the direct-map "
	"calls that turn A into B are printed one per line, ready for ptkit "
	"directmap A $(ptkit diff --ops A B).  Exit status: 0 when nothing "
	"differs, 1 when something does, 2 usage, 3 bad input.",
	source_children, NULL, NULL,
};

static struct slot *slot_push(struct slots *ss)
{
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 1024;
		struct slot *p = realloc(ss->s, cap * sizeof(*p));

		if (!p)
			return NULL;
		ss->s = p;
		ss->cap = cap;
	}
	return &ss->s[ss->n++];
}

static enum ptk_status collect(const struct ptk_run *r,
			       const struct ptk_walk_entry *e, void *priv)
{
	struct slot *sl = slot_push(priv);

	(void)e;
	if (!sl)
		return PTK_ERR_NOMEM;
	*sl = (struct slot){ .va = r->va, .end = r->end, .pa = r->pa,
			     .level = r->level, .present = true,
			     .eff = r->eff, .pkey = r->pkey };
	return PTK_OK;
}

/* The flags of a non-present entry's own bits, as a present one's read. */
static unsigned np_flags(unsigned level, uint64_t prot)
{
	unsigned f = (unsigned)prot & (PTK_F_RW | PTK_F_US | PTK_F_PWT |
				       PTK_F_PCD | PTK_F_G);

	if (prot & (UINT64_C(1) << 63))
		f |= PTK_F_NX;
	if (level == PTK_LEVEL_PTE && (prot & 0x80))
		f |= PTK_F_PAT;
	return f;
}

/* A non-present entry that keeps a frame: joined to the one before it
 * when the two follow each other, bits and frames alike. */
static enum ptk_status collect_absent(const struct ptk_walk_entry *e,
				      void *priv)
{
	struct slots *ss = priv;
	const uint64_t prot = ptk_entry_prot(e->level, e->raw);
	struct slot *last = ss->n ? &ss->s[ss->n - 1] : NULL;
	struct slot *sl;

	if (last && !last->present && last->end == e->va &&
	    last->level == e->level && last->prot == prot &&
	    last->pa + (last->end - last->va) == e->addr) {
		last->end = e->end;
		return PTK_OK;
	}
	sl = slot_push(ss);
	if (!sl)
		return PTK_ERR_NOMEM;
	*sl = (struct slot){ .va = e->va, .end = e->end, .pa = e->addr,
			     .level = e->level, .prot = prot,
			     .eff = np_flags(e->level, prot) };
	return PTK_OK;
}

static int slot_cmp(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;

	return a->va < b->va ? -1 : a->va > b->va;
}

/* Every leaf run of [start, end) of @s, present or not, sorted. */
static int load(struct session *s, uint64_t start, uint64_t end,
		struct slots *ss)
{
	const struct ptk_runs_ops ops = { .run = collect,
					  .absent = collect_absent };
	enum ptk_status st;

	st = ptk_runs_walk(s->src, &s->pg, start, end, PTK_RUNS_PHYS, &ops,
			   ss);
	if (st != PTK_OK)
		return fail_source(s, st == PTK_ERR_NOMEM ?
				   ptk_set_err(s->ctx, st, "diff") : st);
	/* a run is reported when the next one starts: after the
	 * not-present entries that follow it */
	if (ss->n)
		qsort(ss->s, ss->n, sizeof(*ss->s), slot_cmp);
	return EXIT_OK;
}

/* Two boots place the direct map apart: compare it by frame, at A's place. */
static void move_direct_map(struct slots *ss, const struct ptk_region *from,
			    const struct ptk_region *to)
{
	if (!from || !to || from->start == to->start)
		return;
	for (size_t i = 0; i < ss->n; i++) {
		struct slot *sl = &ss->s[i];

		if (sl->va < from->start || sl->va >= from->end)
			continue;
		sl->va = sl->va - from->start + to->start;
		sl->end = sl->end - from->start + to->start;
	}
	if (ss->n)
		qsort(ss->s, ss->n, sizeof(*ss->s), slot_cmp);
}

static void words(char *buf, size_t len, const struct session *s,
		  const struct slot *r, uint64_t va)
{
	snprintf(buf, len, "%s%s 0x%" PRIx64 " %s%s%s%s%s%s",
		 r->present ? "" : "np ", page_name(r->level),
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
	if (w & CH_NOT_PRESENT)
		return "not-present";
	if (w & CH_SIZE)
		return w & CH_PROT ? "size+prot" : "page-size";
	return "protection";
}

static void json_side(const char *key, const struct slot *r, uint64_t va)
{
	if (!r) {
		printf(",\"%s\":null", key);
		return;
	}
	printf(",\"%s\":{\"present\":%s,\"pa\":\"0x%" PRIx64 "\",\"page\":%" PRIu64
	       ",\"rw\":%s,\"us\":%s,\"nx\":%s,\"g\":%s,\"pwt\":%s,\"pcd\":%s,"
	       "\"pat\":%s,\"pkey\":%u}", key, r->present ? "true" : "false",
	       r->pa + (va - r->va),
	       ptk_level_size(r->level), r->eff & PTK_F_RW ? "true" : "false",
	       r->eff & PTK_F_US ? "true" : "false",
	       r->eff & PTK_F_NX ? "true" : "false",
	       r->eff & PTK_F_G ? "true" : "false",
	       r->eff & PTK_F_PWT ? "true" : "false",
	       r->eff & PTK_F_PCD ? "true" : "false",
	       r->eff & PTK_F_PAT ? "true" : "false", r->pkey);
}

static void print_change(const struct change *c, bool json,
			 const struct session *s, const struct ptk_region *dm)
{
	char end[32], size[32], wa[96] = "", wb[96] = "";
	size_t nrg;
	const struct ptk_region *rg = ptk_source_regions(s->src, &nrg);

	if (json) {
		printf("{\"change\":\"%s\",\"va\":\"0x%" PRIx64 "\",\"end\":\"%s\"",
		       what_name(c->what), c->va,
		       (snprintf(end, sizeof(end), "0x%" PRIx64, c->end), end));
		if (c->region >= 0)
			printf(",\"region\":\"%s\"", rg[c->region].name);
		else
			printf(",\"region\":null");
		if (dm && c->va >= dm->start && c->va < dm->end)
			printf(",\"pfn\":\"0x%" PRIx64 "\",\"pages\":%" PRIu64,
			       (c->va - dm->start) >> PTK_PAGE_SHIFT,
			       (c->end - c->va) >> PTK_PAGE_SHIFT);
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
	       c->b == n->b && c->region == n->region;
}

/* What differs between @x on A's side and @y on B's at @va (either NULL). */
static unsigned compare(const struct slot *x, const struct slot *y,
			uint64_t va)
{
	bool px = x && x->present, py = y && y->present;

	if (!px && py)
		return CH_MAPPED;
	if (px && !py)
		return CH_UNMAPPED;
	if (!px) {
		/* Neither maps: the frames and bits they keep, if any. */
		if (!x || !y)
			return x || y ? CH_NOT_PRESENT : 0;
		return x->pa + (va - x->va) != y->pa + (va - y->va) ||
		       x->level != y->level || x->prot != y->prot
			       ? CH_NOT_PRESENT : 0;
	}
	if (x->pa + (va - x->va) != y->pa + (va - y->va))
		return CH_REMAPPED;
	return (x->level != y->level ? CH_SIZE : 0) |
	       ((x->eff ^ y->eff) & ~(PTK_F_PS) || x->pkey != y->pkey
		       ? CH_PROT : 0);
}

/* The region around @x, and where the next region boundary after it is. */
static int region_at(const struct ptk_region *rg, size_t n, uint64_t x,
		     uint64_t *boundary)
{
	*boundary = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		uint64_t last = rg[i].end - 1;	/* end 0 is the top */

		if (x < rg[i].start) {
			*boundary = rg[i].start - 1;
			return -1;
		}
		if (x <= last) {
			*boundary = last;
			return (int)i;
		}
	}
	return -1;
}

static int push_change(struct changes *ch, const struct change *c)
{
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? 2 * ch->cap : 256;
		struct change *p = realloc(ch->c, cap * sizeof(*p));

		if (!p)
			return -1;
		ch->c = p;
		ch->cap = cap;
	}
	ch->c[ch->n++] = *c;
	return 0;
}

/* Sweep both sorted lists over every boundary of a run or a region. */
static int sweep(const struct slots *ra, const struct slots *rb,
		 const struct ptk_region *rg, size_t nrg, uint64_t start,
		 struct changes *ch)
{
	struct change cur = { 0 };
	size_t i = 0, j = 0;
	uint64_t x = start;

	while (i < ra->n || j < rb->n) {
		const struct slot *pa = i < ra->n ? &ra->s[i] : NULL;
		const struct slot *pb = j < rb->n ? &rb->s[j] : NULL;
		const struct slot *in_a = pa && pa->va <= x ? pa : NULL;
		const struct slot *in_b = pb && pb->va <= x ? pb : NULL;
		uint64_t next = UINT64_MAX, boundary;
		struct change n = { 0 };

		/* The next boundary: a run's start or end, or a region's. */
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
		n.region = region_at(rg, nrg, x, &boundary);
		next = boundary < next ? boundary : next;
		n.va = x;
		n.end = next + 1;
		n.a = in_a;
		n.b = in_b;
		n.what = compare(in_a, in_b, x);
		if (n.what) {
			if (cur.what && extends(&cur, &n)) {
				cur.end = n.end;
			} else {
				if (cur.what && push_change(ch, &cur))
					return -1;
				cur = n;
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
	return cur.what ? push_change(ch, &cur) : 0;
}

static void print_changes(const struct changes *ch, bool json,
			  const struct session *s, const struct ptk_region *dm)
{
	size_t nrg;
	const struct ptk_region *rg = ptk_source_regions(s->src, &nrg);
	int shown = -2;

	for (size_t k = 0; k < ch->n; k++) {
		const struct change *c = &ch->c[k];

		if (!json && c->region != shown) {
			printf("---[ %s ]---\n", c->region >= 0
						 ? rg[c->region].name
						 : "outside the known regions");
			shown = c->region;
		}
		print_change(c, json, s, dm);
	}
	if (!json && !ch->n)
		printf("no differences\n");
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { 0 };
	struct slots ra = { 0 }, rb = { 0 };
	struct changes ch = { 0 };
	struct session sa, sb;
	struct source_opts oa, ob;
	const struct ptk_region *rg, *dm;
	uint64_t start = 0, end = 0;
	size_t nrg;
	size_t calls = 0, impossible = 0;
	int ret;

	argp_parse(&diff_argp, argc, argv, 0, NULL, &a);
	oa = ob = a.src;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	/* A first: its regions name the ranges. */
	oa.path = a.a;
	ret = session_open(&sa, argv[0], &oa);
	if (ret != EXIT_OK)
		goto out;
	dm = region_named(sa.src, "Low Kernel Mapping");
	if (a.has_range) {
		start = a.start;
		end = a.end;
	} else if (a.region) {
		if (!session_find_region(&sa, a.region, &start, &end)) {
			ret = EXIT_USAGE;
			goto out;
		}
	} else if (a.ops && dm) {
		start = dm->start;
		end = dm->end;
	}
	if (a.ops && !dm) {
		fprintf(stderr, "%s: '%s': no direct map known (ptkit info "
			"says why)\n", argv[0], a.a);
		ret = EXIT_BADINPUT;
		goto out;
	}
	ob.path = a.b;
	ret = load(&sa, start, end, &ra);
	if (ret == EXIT_OK)
		ret = session_open(&sb, argv[0], &ob);
	if (ret == EXIT_OK)
		ret = load(&sb, 0, 0, &rb);
	if (ret != EXIT_OK)
		goto out;
	move_direct_map(&rb, region_named(sb.src, "Low Kernel Mapping"), dm);
	/* B was read whole, for its direct map may have moved: clip it. */
	if (start || end) {
		size_t k = 0;

		for (size_t i = 0; i < rb.n; i++) {
			struct slot sl = rb.s[i];

			if (sl.end - 1 < start || (end && sl.va > end - 1))
				continue;
			if (sl.va < start) {
				sl.pa += start - sl.va;
				sl.va = start;
			}
			if (end && sl.end - 1 > end - 1)
				sl.end = end;
			rb.s[k++] = sl;
		}
		rb.n = k;
	}
	rg = ptk_source_regions(sa.src, &nrg);
	if (sweep(&ra, &rb, rg, nrg, start, &ch)) {
		ret = fail_source(&sa, ptk_set_err(sa.ctx, PTK_ERR_NOMEM,
						   "diff"));
		goto out;
	}
	if (a.ops)
		calls = diff_ops(&ch, dm->start, dm->end, argv[0], &impossible);
	else
		print_changes(&ch, a.json, &sa, dm);
	ret = ch.n ? EXIT_FINDING : EXIT_OK;
	if (ch.n && a.ops)
		fprintf(stderr, "%s: '%s' and '%s' differ: %zu change%s, "
			"%zu call%s%s\n", argv[0], a.a, a.b, ch.n,
			ch.n == 1 ? "" : "s", calls, calls == 1 ? "" : "s",
			impossible ? " and what no call does (above)" : "");
	else if (ch.n)
		fprintf(stderr, "%s: '%s' and '%s' differ: %zu change%s\n",
			argv[0], a.a, a.b, ch.n, ch.n == 1 ? "" : "s");
out:
	free(ra.s);
	free(rb.s);
	free(ch.c);
	session_close(&sa);
	session_close(&sb);
	return finish_output(argv[0], ret);
}
