// SPDX-License-Identifier: MIT
/* ptkit check: the audits a kernel developer runs on page tables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct check_args {
	struct source_opts src;
	bool json;
};

enum kind { WX, USER, NOT_RAM, SHARED, BAD, NKINDS };

static const char *const kind_name[NKINDS] = {
	[WX] = "wx", [USER] = "user", [NOT_RAM] = "not-ram",
	[SHARED] = "shared-table", [BAD] = "bad-entry",
};

static const char *const kind_text[NKINDS] = {
	[WX] = "writable and executable kernel mapping",
	[USER] = "kernel mapping user code can reach",
	[NOT_RAM] = "direct map maps memory that is not RAM",
	[SHARED] = "table reached twice",
	[BAD] = "entry that cannot be followed",
};

/* A finding in progress, so that a run of like pages is one line. */
struct finding {
	enum kind kind;
	uint64_t va, end;
	unsigned level;
	uint64_t raw, entry_pa;
	uint64_t count;
};

struct seen {
	uint64_t pa;
	uint64_t va;
};

struct checker {
	struct session *s;
	bool json;
	uint64_t kernel_start;	/* the kernel half */
	uint64_t direct_start, direct_end, espfix_start, espfix_end;
	bool open;
	struct finding f;
	uint64_t counts[NKINDS];
	/* Tables seen, for "reached twice": open addressing on pa. */
	struct seen *seen;
	size_t nseen, capseen;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct check_args *a = state->input;

	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp check_argp = {
	options, parse_opt, "SOURCE",
	"Audit page tables: writable and executable kernel mappings (by "
	"effective permissions, as the kernel's W+X check), kernel mappings "
	"user code can reach, entries with reserved bits, tables outside RAM "
	"or the dump, table loops, direct-map pages that are not RAM, and "
	"tables reached twice.\v"
	"Exit status: 0 when nothing is found, 1 when something is, 2 usage, "
	"3 when the source cannot be read. ESPfix shares its tables by design "
	"(arch/x86/kernel/espfix_64.c) and is not reported for it.",
	source_children, NULL, NULL,
};

static void emit(struct checker *c)
{
	const struct finding *f = &c->f;
	char end[32], symbuf[600];
	const char *sym;

	if (!c->open)
		return;
	c->open = false;
	/* kernel image and module addresses have names */
	sym = f->va >> 63 ? session_symbol_at(c->s, f->va, symbuf,
					      sizeof(symbuf)) : NULL;
	if (c->json) {
		printf("{\"finding\":\"%s\",\"va\":\"0x%" PRIx64 "\",\"end\":\"%s\","
		       "\"level\":\"%s\",\"entry\":\"0x%" PRIx64 "\",\"entry_pa\":"
		       "\"0x%" PRIx64 "\",\"count\":%" PRIu64,
		       kind_name[f->kind], f->va,
		       (snprintf(end, sizeof(end), "0x%" PRIx64, f->end), end),
		       ptk_level_name(&c->s->pg, f->level), f->raw, f->entry_pa,
		       f->count);
		if (sym) {
			printf(",\"symbol\":");
			json_str(stdout, sym);
		}
		printf("}\n");
		return;
	}
	printf("%-12s 0x%016" PRIx64 "-%s %s, %s entry 0x%016" PRIx64
	       " at 0x%" PRIx64 "%s%s%s%s\n", kind_name[f->kind], f->va,
	       fmt_end(end, sizeof(end), f->end), kind_text[f->kind],
	       ptk_level_name(&c->s->pg, f->level), f->raw, f->entry_pa,
	       f->count > 1 ? " (the first of a run)" : "",
	       sym ? "  <" : "", sym ? sym : "", sym ? ">" : "");
}

static void report(struct checker *c, enum kind kind,
		   const struct ptk_walk_entry *e)
{
	c->counts[kind]++;
	if (c->open && c->f.kind == kind && c->f.end == e->va &&
	    c->f.level == e->level) {
		c->f.end = e->end;
		c->f.count++;
		return;
	}
	emit(c);
	c->open = true;
	c->f = (struct finding){ kind, e->va, e->end, e->level, e->raw,
				 e->entry_pa, 1 };
}

static enum ptk_status on_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct checker *c = priv;

	if (e->va >= c->kernel_start) {
		if ((e->eff & PTK_F_RW) && !(e->eff & PTK_F_NX))
			report(c, WX, e);
		if (e->eff & PTK_F_US)
			report(c, USER, e);
	}
	if (c->direct_end && e->va >= c->direct_start && e->va < c->direct_end &&
	    ptk_source_page_state(c->s->src, e->addr) == PTK_PAGE_NOT_RAM)
		report(c, NOT_RAM, e);
	return PTK_OK;
}

static size_t seen_hash(uint64_t pa, size_t cap)
{
	return (size_t)((pa >> 12) * 0x9e3779b97f4a7c15ull >> 17) & (cap - 1);
}

/* True if the table at @pa was seen before; remember it otherwise. */
static int seen_before(struct checker *c, uint64_t pa, uint64_t va)
{
	if (2 * (c->nseen + 1) > c->capseen) {
		size_t cap = c->capseen ? 2 * c->capseen : 1024;
		struct seen *n = calloc(cap, sizeof(*n));

		if (!n)
			return -1;
		for (size_t i = 0; i < c->capseen; i++) {
			size_t h;

			if (!c->seen[i].pa)
				continue;
			for (h = seen_hash(c->seen[i].pa, cap); n[h].pa;
			     h = (h + 1) & (cap - 1))
				;
			n[h] = c->seen[i];
		}
		free(c->seen);
		c->seen = n;
		c->capseen = cap;
	}
	/* Table addresses are page aligned: store pa | 1 so 0 means empty. */
	for (size_t h = seen_hash(pa, c->capseen);; h = (h + 1) & (c->capseen - 1)) {
		if (!c->seen[h].pa) {
			c->seen[h] = (struct seen){ pa | 1, va };
			c->nseen++;
			return 0;
		}
		if (c->seen[h].pa == (pa | 1))
			return 1;
	}
}

static enum ptk_status on_table(const struct ptk_walk_entry *e, void *priv)
{
	struct checker *c = priv;
	int r;

	if (e->va >= c->espfix_start && e->va < c->espfix_end)
		return PTK_OK;
	r = seen_before(c, e->addr, e->va);
	if (r < 0)
		return ptk_set_err(c->s->ctx, PTK_ERR_NOMEM, "check");
	if (r) {
		report(c, SHARED, e);
		return PTK_SKIP;	/* its entries were checked once */
	}
	return PTK_OK;
}

static enum ptk_status on_bad(const struct ptk_walk_entry *e,
			      enum ptk_status why, void *priv)
{
	struct checker *c = priv;

	(void)why;
	emit(c);
	c->counts[BAD]++;
	if (c->json) {
		printf("{\"finding\":\"bad-entry\",\"va\":\"0x%" PRIx64 "\","
		       "\"level\":\"%s\",\"entry\":\"0x%" PRIx64 "\",\"entry_pa\":"
		       "\"0x%" PRIx64 "\",\"why\":", e->va,
		       ptk_level_name(&c->s->pg, e->level), e->raw, e->entry_pa);
		json_str(stdout, ptk_ctx_err(c->s->ctx));
		printf("}\n");
	} else {
		printf("%-12s %s\n", "bad-entry", ptk_ctx_err(c->s->ctx));
	}
	return PTK_OK;
}

static void region_range(struct session *s, const char *name, uint64_t *start,
			 uint64_t *end)
{
	const struct ptk_region *rg = region_named(s->src, name);

	*start = rg ? rg->start : 0;
	*end = rg ? rg->end : 0;
}

int cmd_check(int argc, char **argv)
{
	const struct ptk_walk_ops ops = {
		.leaf = on_leaf, .table = on_table, .bad = on_bad,
	};
	struct check_args a = { 0 };
	struct checker c = { 0 };
	struct session s;
	enum ptk_status st;
	uint64_t total = 0;
	int ret;

	argp_parse(&check_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	c.s = &s;
	c.json = a.json;
	c.kernel_start = ptk_noncanon_end(&s.pg);
	region_range(&s, "Low Kernel Mapping", &c.direct_start, &c.direct_end);
	region_range(&s, "ESPfix Area", &c.espfix_start, &c.espfix_end);
	st = ptk_walk(s.src, &s.pg, 0, 0, &ops, &c);
	emit(&c);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	for (unsigned k = 0; k < NKINDS; k++)
		total += c.counts[k];
	if (!a.json) {
		if (!total)
			printf("passed: no W+X or user-accessible kernel mappings, "
			       "no bad entries, no shared tables\n");
		for (unsigned k = 0; k < NKINDS; k++)
			if (c.counts[k])
				printf("%-12s %" PRIu64 " entries\n",
				       kind_name[k], c.counts[k]);
	}
	ret = total ? EXIT_FINDING : EXIT_OK;
	if (total) {
		char kinds[160];
		size_t n = 0;

		kinds[0] = 0;
		for (unsigned k = 0; k < NKINDS; k++)
			if (c.counts[k] && n < sizeof(kinds))
				n += (size_t)snprintf(kinds + n, sizeof(kinds) - n,
						      "%s%s %" PRIu64, n ? ", " : "",
						      kind_name[k], c.counts[k]);
		fprintf(stderr, "%s: '%s': %" PRIu64 " finding%s (%s)\n",
			argv[0], a.src.path, total, total == 1 ? "" : "s",
			kinds);
	}
out:
	free(c.seen);
	session_close(&s);
	return finish_output(argv[0], ret);
}
