// SPDX-License-Identifier: MIT
/* ptkit export: the page tables of a dump, as a small image. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct export_args {
	struct source_opts src;
	const char *output;
};

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "write the image to FILE", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct export_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->src;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_ARG:
		if (a->src.path)
			argp_error(state, "one SOURCE only");
		a->src.path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->src.path)
			argp_error(state, "no SOURCE given");
		if (!a->output)
			argp_error(state, "no output: give -o FILE");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child children[] = {
	{ &source_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp export_argp = {
	options, parse_opt, "SOURCE -o FILE",
	"Write an image that holds only the page tables of SOURCE, its RAM "
	"ranges, CPU registers, regions and metadata: a multi-GiB dump "
	"becomes a file of a few hundred KiB that every ptkit command walks "
	"as it walks the dump.\v"
	"The tables are those reachable from the root, from each CPU's CR3 "
	"and, with page-table isolation, from the user copy of the top "
	"table. The image is written to a temporary file and renamed when "
	"complete.",
	children, NULL, NULL,
};

struct pageset {
	uint64_t *pfn;
	size_t n, cap;
};

static int pageset_add_census(struct pageset *ps, const struct ptk_census *c)
{
	for (unsigned l = 1; l <= PTK_MAX_LEVELS; l++) {
		for (size_t i = 0; i < c->n[l]; i++) {
			if (ps->n == ps->cap) {
				size_t cap = ps->cap ? 2 * ps->cap : 256;
				uint64_t *p = realloc(ps->pfn, cap * sizeof(*p));

				if (!p)
					return -1;
				ps->pfn = p;
				ps->cap = cap;
			}
			ps->pfn[ps->n++] = c->pa[l][i] >> PTK_PAGE_SHIFT;
		}
	}
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, unique, and only pages the source holds. */
static size_t pageset_finish(struct pageset *ps, struct ptk_source *src,
			     size_t *absent)
{
	size_t out = 0;

	qsort(ps->pfn, ps->n, sizeof(*ps->pfn), u64_cmp);
	*absent = 0;
	for (size_t i = 0; i < ps->n; i++) {
		if (out && ps->pfn[i] == ps->pfn[out - 1])
			continue;
		if (ptk_source_page_state(src, ps->pfn[i] << PTK_PAGE_SHIFT) !=
		    PTK_PAGE_PRESENT) {
			++*absent;
			continue;
		}
		ps->pfn[out++] = ps->pfn[i];
	}
	return ps->n = out;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	struct pageset ps = { 0 };
	struct ptk_census c;
	const struct ptk_cpu_regs *cpus;
	size_t ncpus, nroots = 0, absent;
	struct session s;
	enum ptk_status st;
	uint64_t other;
	unsigned present;
	char size[32];
	int ret;

	argp_parse(&export_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&s);
		return ret;
	}
	ptk_census_init(&c);
	/* The root, each CPU's CR3, and the other PTI copy. */
	st = ptk_census_add(&c, s.src, &s.pg);
	nroots++;
	cpus = ptk_source_cpus(s.src, &ncpus);
	for (size_t i = 0; i < ncpus && st == PTK_OK; i++) {
		struct ptk_paging pg = s.pg;

		pg.root = cpus[i].cr3 & 0x000ffffffffff000ull;
		if (pg.root == s.pg.root)
			continue;
		st = ptk_census_add(&c, s.src, &pg);
		nroots++;
	}
	if (st == PTK_OK && pti_probe(&s, &other, &present) == PTI_ON) {
		struct ptk_paging pg = s.pg;

		pg.root = other;
		st = ptk_census_add(&c, s.src, &pg);
		nroots++;
	}
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (pageset_add_census(&ps, &c)) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		ret = EXIT_ENV;
		goto out;
	}
	pageset_finish(&ps, s.src, &absent);
	st = ptk_image_write(s.src, &s.pg, ps.pfn, ps.n, a.output);
	if (st != PTK_OK) {
		ret = fail_status(argv[0], s.ctx, st);
		ret = ret == EXIT_USAGE ? EXIT_ENV : ret;
		goto out;
	}
	fmt_size(size, sizeof(size), (uint64_t)ps.n * PTK_PAGE_SIZE);
	printf("%s: %zu table pages (%s) from %zu root%s", a.output, ps.n, size,
	       nroots, nroots == 1 ? "" : "s");
	if (absent)
		printf("; %zu tables absent from the source", absent);
	if (c.nbad)
		printf("; %" PRIu64 " entries could not be followed", c.nbad);
	putchar('\n');
out:
	free(ps.pfn);
	ptk_census_release(&c);
	session_close(&s);
	return finish_output(argv[0], ret);
}
