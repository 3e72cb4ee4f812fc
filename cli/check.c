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

struct checker {
	struct session *s;
	bool json;
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

static void print_bad(const struct checker *c, const struct ptk_finding *f)
{
	if (c->json) {
		printf("{\"finding\":\"bad-entry\",\"va\":\"0x%" PRIx64 "\","
		       "\"level\":\"%s\",\"entry\":\"0x%" PRIx64 "\",\"entry_pa\":"
		       "\"0x%" PRIx64 "\",\"why\":", f->va,
		       ptk_level_name(&c->s->pg, f->level), f->raw, f->entry_pa);
		json_str(stdout, f->why);
		printf("}\n");
	} else {
		printf("%-12s %s\n", "bad-entry", f->why);
	}
}

static enum ptk_status print_finding(const struct ptk_finding *f, void *priv)
{
	struct checker *c = priv;
	const char *name = ptk_finding_name(f->kind);
	char end[32], symbuf[600];
	const char *sym;

	if (f->kind == PTK_FIND_BAD) {
		print_bad(c, f);
		return PTK_OK;
	}
	/* kernel image and module addresses have names */
	sym = f->va >> 63 ? session_symbol_at(c->s, f->va, symbuf,
					      sizeof(symbuf)) : NULL;
	if (c->json) {
		printf("{\"finding\":\"%s\",\"va\":\"0x%" PRIx64 "\",\"end\":\"%s\","
		       "\"level\":\"%s\",\"entry\":\"0x%" PRIx64 "\",\"entry_pa\":"
		       "\"0x%" PRIx64 "\",\"count\":%" PRIu64, name, f->va,
		       (snprintf(end, sizeof(end), "0x%" PRIx64, f->end), end),
		       ptk_level_name(&c->s->pg, f->level), f->raw, f->entry_pa,
		       f->count);
		if (sym) {
			printf(",\"symbol\":");
			json_str(stdout, sym);
		}
		printf("}\n");
		return PTK_OK;
	}
	printf("%-12s 0x%016" PRIx64 "-%s %s, %s entry 0x%016" PRIx64
	       " at 0x%" PRIx64 "%s%s%s%s\n", name, f->va,
	       fmt_end(end, sizeof(end), f->end), ptk_finding_text(f->kind),
	       ptk_level_name(&c->s->pg, f->level), f->raw, f->entry_pa,
	       f->count > 1 ? " (the first of a run)" : "",
	       sym ? "  <" : "", sym ? sym : "", sym ? ">" : "");
	return PTK_OK;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct checker c = { 0 };
	struct ptk_check *ck = NULL;
	struct session s;
	enum ptk_status st;
	uint64_t total = 0, counts[PTK_FIND_NKINDS];
	int ret;

	argp_parse(&check_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	c.s = &s;
	c.json = a.json;
	st = ptk_check_new(s.src, &s.pg, print_finding, &c, &ck);
	if (st == PTK_OK) {
		enum ptk_status last;

		st = ptk_check_range(ck, 0, 0);
		last = ptk_check_finish(ck);	/* the run open when it ended */
		if (st == PTK_OK)
			st = last;
	}
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	for (unsigned k = 0; k < PTK_FIND_NKINDS; k++)
		total += counts[k] = ptk_check_count(ck, k);
	if (!a.json) {
		if (!total)
			printf("passed: no W+X or user-accessible kernel mappings, "
			       "no bad entries, no shared tables\n");
		for (unsigned k = 0; k < PTK_FIND_NKINDS; k++)
			if (counts[k])
				printf("%-12s %" PRIu64 " entries\n",
				       ptk_finding_name(k), counts[k]);
	}
	ret = total ? EXIT_FINDING : EXIT_OK;
	if (total) {
		char kinds[160];
		size_t n = 0;

		kinds[0] = 0;
		for (unsigned k = 0; k < PTK_FIND_NKINDS; k++)
			if (counts[k] && n < sizeof(kinds))
				n += (size_t)snprintf(kinds + n, sizeof(kinds) - n,
						      "%s%s %" PRIu64, n ? ", " : "",
						      ptk_finding_name(k), counts[k]);
		fprintf(stderr, "%s: '%s': %" PRIu64 " finding%s (%s)\n",
			argv[0], a.src.path, total, total == 1 ? "" : "s",
			kinds);
	}
out:
	ptk_check_free(ck);
	session_close(&s);
	return finish_output(argv[0], ret);
}
