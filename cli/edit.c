// SPDX-License-Identifier: MIT
/* ptkit edit: apply edits to a copy of the tables, write an image. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_POOL = 0x500 };

/* An -e operation or a -s script, in command-line order. */
struct piece {
	bool is_file;
	const char *text;
};

struct edit_args {
	struct source_opts src;
	const char *output;
	bool has_pool;
	uint64_t pool_start, pool_end;
	struct piece *pieces;
	size_t npieces;
};

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "write the edited tables to FILE", 0 },
	{ "edit", 'e', "OP", 0, "apply one operation (see below)", 0 },
	{ "script", 's', "FILE", 0,
	  "apply the operations of FILE, one per line (- for stdin)", 0 },
	{ "pool", OPT_POOL, "START-END", 0,
	  "take new page tables from this physical range (default: free "
	  "RAM, highest first)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct edit_args *a = state->input;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case 'e':
	case 's':
		a->pieces = realloc(a->pieces,
				    (a->npieces + 1) * sizeof(*a->pieces));
		if (!a->pieces)
			argp_failure(state, EXIT_ENV, ENOMEM, "options");
		a->pieces[a->npieces++] = (struct piece){ key == 's', arg };
		return 0;
	case OPT_POOL:
		if (!parse_range_arg(arg, &a->pool_start, &a->pool_end))
			argp_error(state, "--pool: '%s' is not START-END", arg);
		a->has_pool = true;
		return 0;
	case ARGP_KEY_END:
		one_source_opt(key, arg, state, &a->src, NULL);	/* a SOURCE */
		if (!a->output)
			argp_error(state, "no output: give -o FILE");
		if (!a->npieces)
			argp_error(state, "no edits: give -e OP or -s SCRIPT");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, NULL);
	}
}

static const struct argp edit_argp = {
	options, parse_opt, "SOURCE -o FILE (-e OP | -s SCRIPT)...",
	"Apply edits to a copy-on-write overlay of the page tables of SOURCE "
	"and write the result as an image; SOURCE is never written.\v"
	"Operations: map VA PA SIZE 4k|2m|1g [FLAGS]; unmap VA SIZE; "
	"protect VA SIZE +FLAG|-FLAG|pkey=N...; split VA; collapse VA pmd|pud; "
	"root PA; set PA = VALUE; set TABLE[INDEX] = VALUE; undo; and the "
	"direct-map calls NAME:PFN[+COUNT] of ptkit directmap. A bad "
	"operation is reported as FILE:LINE and nothing is written. See "
	"ptkit-edit(1).",
	source_children, NULL, NULL,
};

int cmd_edit(int argc, char **argv)
{
	struct edit_args a = { 0 };
	struct ptk_cpa_result cpa = { 0 };
	struct ptk_edit *ed = NULL;
	const struct ptk_region *direct;
	struct table_pages tp;
	struct ptk_paging pg;
	struct session s;
	enum ptk_status st;
	int ret;

	table_pages_init(&tp);
	argp_parse(&edit_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	direct = region_named(s.src, "Low Kernel Mapping");
	st = ptk_edit_new(s.src, &s.pg, &ed);
	if (st == PTK_OK && a.has_pool)
		st = ptk_edit_add_pool(ed, a.pool_start, a.pool_end);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	for (size_t i = 0; i < a.npieces; i++) {
		char *text = NULL, name[32];
		const char *label = name;
		size_t len;

		if (a.pieces[i].is_file) {
			ret = read_text_file(argv[0], a.pieces[i].text, &text,
					     &len);
			if (ret != EXIT_OK)
				goto out;
			label = a.pieces[i].text;
		} else {
			text = strdup(a.pieces[i].text);
			len = text ? strlen(text) : 0;
			snprintf(name, sizeof(name), "-e %zu", i + 1);
		}
		st = text ? ptk_script_apply(ed, text, len, label,
					     direct ? direct->start : 0, &cpa)
			  : ptk_set_err(s.ctx, PTK_ERR_NOMEM, "edit");
		free(text);
		if (st != PTK_OK) {
			/* Every mistake is in the input; nothing is written.
			 * A script's own are FILE:LINE; tables the source
			 * cannot give also name the source. */
			if (st == PTK_ERR_NODATA || st == PTK_ERR_CORRUPT)
				fail_source(&s, st);
			else
				fail_status(argv[0], s.ctx, st);
			ret = st == PTK_ERR_NOMEM ? EXIT_ENV : EXIT_BADINPUT;
			goto out;
		}
	}
	ptk_edit_paging(ed, &pg);
	st = table_pages_collect(&tp, &s, ptk_edit_source(ed), &pg);
	if (st == PTK_OK)
		st = write_image(ptk_edit_source(ed), &pg, tp.pfn, tp.n,
				     a.output);
	if (st != PTK_OK) {
		ret = fail_output(&s, st);
		goto out;
	}
	for (size_t i = 0; i < ptk_edit_journal_len(ed); i++)
		printf("%4zu  %s  (%zu entries)\n", i + 1,
		       ptk_edit_journal_at(ed, i),
		       ptk_edit_journal_writes(ed, i));
	printf("%s: %zu operations, %zu table pages\n", a.output,
	       ptk_edit_journal_len(ed), tp.n);
	if (ptk_edit_tables_beyond_ram(ed))
		printf("%s: %" PRIu64 " new table pages past the end of RAM, "
		       "from 0x%" PRIx64 ": the source has no free RAM left "
		       "(--pool places them)\n", a.output,
		       ptk_edit_tables_beyond_ram(ed), ptk_edit_beyond_ram(ed));
out:
	table_pages_release(&tp);
	ptk_cpa_result_release(&cpa);
	ptk_edit_free(ed);
	session_close(&s);
	free(a.pieces);
	return finish_output(argv[0], ret);
}
