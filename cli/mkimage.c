// SPDX-License-Identifier: MIT
/* ptkit mkimage: build an image from a spec or a preset. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_PRESET = 0x300, OPT_RAM, OPT_PRINT_SPEC, OPT_LIST_PRESETS };

struct mkimage_args {
	const char *output;
	const char *spec;
	const char *preset;
	uint64_t ram;
	bool print_spec;
	bool list_presets;
};

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "write the image to FILE", 0 },
	{ "preset", OPT_PRESET, "NAME", 0,
	  "build a preset instead of a SPEC (see --list-presets)", 0 },
	{ "ram", OPT_RAM, "SIZE", 0,
	  "RAM size of the preset, e.g. 4G or 64G", 0 },
	{ "print-spec", OPT_PRINT_SPEC, NULL, 0,
	  "print the preset's spec instead of building it", 0 },
	{ "list-presets", OPT_LIST_PRESETS, NULL, 0, "list the presets", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct mkimage_args *a = state->input;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case OPT_PRESET:
		a->preset = arg;
		return 0;
	case OPT_RAM:
		if (!ptk_parse_u64(arg, &a->ram) || !a->ram)
			argp_error(state, "--ram: '%s' is not a size", arg);
		return 0;
	case OPT_PRINT_SPEC:
		a->print_spec = true;
		return 0;
	case OPT_LIST_PRESETS:
		a->list_presets = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->spec)
			argp_error(state, "one SPEC only");
		a->spec = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->list_presets)
			return 0;
		if (!a->spec == !a->preset)
			argp_error(state, "give a SPEC file or --preset, not "
				   "both or neither");
		if (a->print_spec && !a->preset)
			argp_error(state, "--print-spec needs --preset");
		if (a->ram && !a->preset)
			argp_error(state, "--ram goes with --preset");
		if (!a->output && !a->print_spec)
			argp_error(state, "no output: give -o FILE");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp mkimage_argp = {
	options, parse_opt, "-o FILE SPEC\n-o FILE --preset=NAME [--ram=SIZE]",
	"Build an image from a spec (a text that lists mappings and raw "
	"entries; - reads standard input) or from a preset that looks like a "
	"real Linux kernel.\v"
	"The spec language and the image layout are in ptkit-image(5). The "
	"output is written to a temporary file and renamed when complete.",
	NULL, NULL, NULL,
};

int cmd_mkimage(int argc, char **argv)
{
	struct mkimage_args a = { 0 };
	struct ptk_builder *b = NULL;
	struct ptk_ctx *ctx;
	const uint64_t *pfns;
	struct ptk_paging pg;
	enum ptk_status st;
	char *text = NULL;
	size_t len = 0, npfns;
	int ret = EXIT_OK;

	argp_parse(&mkimage_argp, argc, argv, 0, NULL, &a);
	if (a.list_presets) {
		for (const struct ptk_preset_info *p = ptk_presets; p->name; p++)
			printf("%-12s %s (default --ram %" PRIu64 "G)\n",
			       p->name, p->summary, p->default_ram >> 30);
		return finish_output(argv[0], EXIT_OK);
	}
	ctx = ptk_ctx_new();
	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return EXIT_ENV;
	}
	if (a.preset) {
		st = ptk_preset_spec(ctx, a.preset, a.ram, &text);
		if (st != PTK_OK) {
			ret = fail_status(argv[0], ctx, st);
			goto out;
		}
		len = strlen(text);
		if (a.print_spec) {
			fputs(text, stdout);
			goto out;
		}
	} else {
		ret = read_text_file(argv[0], a.spec, &text, &len);
		if (ret != EXIT_OK)
			goto out;
	}
	st = ptk_spec_build(ctx, text, len, a.preset ? a.preset : a.spec, &b);
	if (st == PTK_OK)
		st = ptk_builder_paging(b, &pg);
	if (st == PTK_OK)
		st = ptk_builder_pages(b, &pfns, &npfns);
	if (st != PTK_OK) {
		/* A spec's mistakes are bad input, whatever the library says. */
		fail_status(argv[0], ctx, st);
		ret = st == PTK_ERR_NOMEM && a.preset ? EXIT_ENV : EXIT_BADINPUT;
		goto out;
	}
	{
		const char *v = ptk_source_meta(ptk_builder_source(b),
						"PTKIT_PHYS_BITS");

		if (v)
			pg.phys_bits = (unsigned)strtoul(v, NULL, 10);
	}
	st = write_image(ptk_builder_source(b), &pg, pfns, npfns, a.output);
	if (st != PTK_OK) {
		fail_status(argv[0], ctx, st);
		ret = EXIT_ENV;
		goto out;
	}
	printf("%s: %zu table pages, root 0x%" PRIx64 ", %u-level\n", a.output,
	       npfns, pg.root, pg.levels);
out:
	free(text);
	ptk_builder_free(b);
	ptk_ctx_free(ctx);
	return finish_output(argv[0], ret);
}
