// SPDX-License-Identifier: MIT
/* ptkit export: the page tables of a dump, as a small image. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptdump.h"

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

/*
 * The kernel's ptdump markers live in its memory, found through kallsyms,
 * which an image does not carry: keep the pages of the array and of its
 * names, and where the array is, so that walk --format=ptdump of the
 * image prints what it prints for the dump.
 */
static enum ptk_status keep_ptdump_markers(struct session *s,
					   struct table_pages *tp,
					   size_t *added)
{
	const size_t before = tp->n;
	struct ptdump_markers pm;
	uint64_t pfns[160], kasan[4];
	enum ptk_status st = PTK_OK;
	char va[32];
	size_t n;

	if (ptdump_markers_get(s, &pm) != EXIT_OK)
		return ptk_set_err(s->ctx, PTK_ERR_NOMEM, "ptdump markers");
	if (pm.va) {
		n = ptdump_markers_pages(s, &pm, pfns,
					 sizeof(pfns) / sizeof(pfns[0]));
		snprintf(va, sizeof(va), "%" PRIx64, pm.va);
		if (table_pages_add(tp, s->src, pfns, n))
			st = ptk_set_err(s->ctx, PTK_ERR_NOMEM, "table pages");
		else
			st = ptk_source_set_meta(s->src, "SYMBOL(" PTDUMP_SYMBOL
						 ")", va);
	}
	ptdump_markers_release(&pm);
	*added = tp->n - before;
	if (st != PTK_OK)
		return st;
	/* KASAN's early shadow tables are tables: only their names are
	 * needed to take the kernel's shortcut over them */
	ptdump_kasan(s, NULL, kasan);
	for (unsigned i = 0; i < 4 && st == PTK_OK; i++) {
		char key[64];

		if (!kasan[i])
			continue;
		snprintf(key, sizeof(key), "SYMBOL(%s)", ptdump_kasan_symbol(i));
		snprintf(va, sizeof(va), "%" PRIx64, kasan[i]);
		st = ptk_source_set_meta(s->src, key, va);
	}
	return st;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	struct table_pages tp;
	size_t tables, data = 0;
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
	tables = tp.n;
	st = keep_ptdump_markers(&s, &tp, &data);
	if (st == PTK_OK)
		st = write_image(s.src, &s.pg, tp.pfn, tp.n, a.output);
	if (st != PTK_OK) {
		ret = fail_output(&s, st);
		goto out;
	}
	fmt_size(size, sizeof(size), (uint64_t)tables * PTK_PAGE_SIZE);
	printf("%s: %zu table pages (%s) from %zu root%s", a.output, tables,
	       size, tp.nroots, tp.nroots == 1 ? "" : "s");
	if (data)
		printf("; %zu page%s of the kernel's ptdump markers", data,
		       data == 1 ? "" : "s");
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
