// SPDX-License-Identifier: MIT
/* ptkit: the table of commands and the dispatch to them. */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *argp_program_version = "ptkit " PTKIT_VERSION;
const char *argp_program_bug_address = NULL;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "walk", cmd_walk, "list what a page table maps" },
	{ "translate", cmd_translate, "translate virtual addresses, with the path" },
	{ "edit", cmd_edit, "apply edits to a copy of the tables, write an image" },
	{ "directmap", cmd_directmap, "simulate set_direct_map_*() and set_memory_*() calls" },
	{ "unmapped", cmd_unmapped, "RAM missing from the direct map, or the holes of a range" },
	{ "check", cmd_check, "audit: W+X, user-reachable kernel pages, bad entries" },
	{ "replay", cmd_replay, "replay an allocator trace against direct-map policies" },
	{ "pages", cmd_pages, "what each page of RAM is: free, slab, page table, anon, file, ..." },
	{ "freelists", cmd_freelists, "the buddy free lists of a dump, as /proc/pagetypeinfo" },
	{ "exposure", cmd_exposure, "what physical memory an address space reaches, by kind" },
	{ "vmemmap", cmd_vmemmap, "the struct pages' mapping, and what HVO shares of it" },
	{ "diff", cmd_diff, "what changed between two page-table states" },
	{ "stats", cmd_stats, "mappings and tables per region; the DirectMap lines" },
	{ "tui", cmd_tui, "browse the tables interactively (ncurses)" },
	{ "symbols", cmd_symbols, "the kernel's symbols, as /proc/kallsyms" },
	{ "rmap", cmd_rmap, "every virtual mapping of some physical frames" },
	{ "ps", cmd_ps, "the processes of a dump, with their page tables" },
	{ "info", cmd_info, "describe a source: format, paging, RAM, tables" },
	{ "export", cmd_export, "copy the page tables of a dump into a small image" },
	{ "mkimage", cmd_mkimage, "build an image from a spec or a preset" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ptkit COMMAND [OPTION...] [ARG...]\n\n"
		   "Read, explain and edit x86-64 page tables.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'ptkit COMMAND --help' describes a command; "
		   "ptkit(1) describes them all.\n");
}

int main(int argc, char **argv)
{
	char name[64];

	argp_err_exit_status = EXIT_USAGE;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish_output("ptkit", EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s\n", argp_program_version);
		return finish_output("ptkit", EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* argp names the command in its messages: "ptkit walk: ..." */
		snprintf(name, sizeof(name), "ptkit %s", commands[i].name);
		argv[1] = name;
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "ptkit: '%s' is not a ptkit command\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
