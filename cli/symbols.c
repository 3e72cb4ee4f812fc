// SPDX-License-Identifier: MIT
/* ptkit symbols: the kernel's symbols, as /proc/kallsyms prints them. */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

struct symbols_args {
	struct source_opts src;
	bool json;
	char **patterns;
	size_t npatterns;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default, as /proc/kallsyms) or json (JSON Lines: address, "
	  "type, name)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct symbols_args *a = state->input;

	if (key == ARGP_KEY_ARG && a->src.path) {
		/* SOURCE first, then the patterns (patterns has argc slots) */
		a->patterns[a->npatterns++] = arg;
		return 0;
	}
	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp symbols_argp = {
	options, parse_opt, "SOURCE [PATTERN...]",
	"List the kernel's symbols, sorted by address, as /proc/kallsyms "
	"prints them: ADDRESS TYPE NAME, and [MODULE] for a module's.  Each "
	"PATTERN is a shell glob matched against the name; a symbol is "
	"listed when any matches.  The symbols come from the kallsyms tables "
	"the dump's VMCOREINFO names (Linux 6.0 and later), or from "
	"--symbols=FILE.\v"
	"Exit status 1 when PATTERNs match nothing; 3 when the dump has no "
	"symbols (give --symbols).",
	source_children, NULL, NULL,
};

static bool wanted(const struct symbols_args *a, const char *name)
{
	if (!a->npatterns)
		return true;
	for (size_t i = 0; i < a->npatterns; i++)
		if (!fnmatch(a->patterns[i], name, 0))
			return true;
	return false;
}

static void print_symbol(const struct ptk_symbol *sym, bool json)
{
	if (json) {
		printf("{\"address\":\"0x%016" PRIx64 "\",\"type\":\"%c\","
		       "\"name\":", sym->addr, sym->type);
		json_str(stdout, sym->name);
		if (sym->module) {
			printf(",\"module\":");
			json_str(stdout, sym->module);
		}
		printf("}\n");
	} else if (sym->module) {
		printf("%016" PRIx64 " %c %s\t[%s]\n", sym->addr, sym->type,
		       sym->name, sym->module);
	} else {
		printf("%016" PRIx64 " %c %s\n", sym->addr, sym->type,
		       sym->name);
	}
}

int cmd_symbols(int argc, char **argv)
{
	struct symbols_args a = { 0 };
	struct ptk_symbols *syms, *mods;
	const struct ptk_symbol *sym;
	struct session s;
	size_t matched = 0;
	int ret;

	a.patterns = calloc((size_t)argc, sizeof(*a.patterns));
	if (!a.patterns) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return EXIT_ENV;
	}
	argp_parse(&symbols_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	syms = session_symbols(&s, &ret);
	if (!syms)
		goto out;
	/* the kernel's and the modules' (where BTF finds them), merged in
	 * address order */
	mods = session_module_symbols(&s);
	for (size_t i = 0, j = 0;
	     (sym = ptk_symbols_merge_next(syms, mods, &i, &j));) {
		if (!wanted(&a, sym->name))
			continue;
		print_symbol(sym, a.json);
		matched++;
	}
	if (a.npatterns && !matched) {
		fprintf(stderr, "%s: '%s': no symbol matches %s%s\n", argv[0],
			a.src.path, a.patterns[0],
			a.npatterns > 1 ? " or the other patterns" : "");
		ret = EXIT_FINDING;
	}
out:
	session_close(&s);
	free(a.patterns);
	return finish_output(argv[0], ret);
}
