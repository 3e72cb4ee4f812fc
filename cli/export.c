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
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_END:
		one_source_opt(key, arg, state, &a->src, NULL);	/* a SOURCE */
		if (!a->output)
			argp_error(state, "no output: give -o FILE");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, NULL);
	}
}

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
	source_children, NULL, NULL,
};

int cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	struct table_pages tp;
	struct session s;
	enum ptk_status st;
	char size[32];
	int ret;

	table_pages_init(&tp);
	argp_parse(&export_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&s);
		return ret;
	}
	st = table_pages_collect(&tp, &s, s.src, &s.pg);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	st = write_image(s.src, &s.pg, tp.pfn, tp.n, a.output);
	if (st != PTK_OK) {
		ret = fail_status(argv[0], s.ctx, st);
		ret = ret == EXIT_USAGE ? EXIT_ENV : ret;
		goto out;
	}
	fmt_size(size, sizeof(size), (uint64_t)tp.n * PTK_PAGE_SIZE);
	printf("%s: %zu table pages (%s) from %zu root%s", a.output, tp.n, size,
	       tp.nroots, tp.nroots == 1 ? "" : "s");
	if (tp.absent)
		printf("; %zu tables absent from the source", tp.absent);
	if (tp.nbad)
		printf("; %" PRIu64 " entries could not be followed", tp.nbad);
	putchar('\n');
out:
	table_pages_release(&tp);
	session_close(&s);
	return finish_output(argv[0], ret);
}
