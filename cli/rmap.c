// SPDX-License-Identifier: MIT
/* ptkit rmap: every virtual mapping of some physical frames. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rmap-out.h"

struct rmap_args {
	struct source_opts src;
	bool json, all;
	struct ptk_range *pfns;
	size_t n, cap;
};

enum { OPT_ALL = 0x200 };

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default) or json (JSON Lines, one object per mapping)", 0 },
	{ "all", OPT_ALL, NULL, 0, "every page of RAM", 0 },
	{ 0 }
};

static void add_pfns(struct argp_state *state, struct rmap_args *a,
		     const char *arg)
{
	uint64_t pfn, count = 1;
	char buf[64], *plus;

	if (strlen(arg) >= sizeof(buf))
		argp_error(state, "'%s' is not PFN or PFN+COUNT", arg);
	strcpy(buf, arg);
	plus = strchr(buf, '+');
	if (plus)
		*plus++ = '\0';
	if (!parse_addr(buf, &pfn) || (plus && !parse_addr(plus, &count)) ||
	    !count || pfn >= (UINT64_C(1) << (PTK_MAX_PHYS_BITS -
					       PTK_PAGE_SHIFT)) ||
	    count > (UINT64_C(1) << (PTK_MAX_PHYS_BITS - PTK_PAGE_SHIFT)) -
			    pfn)
		argp_error(state, "'%s' is not PFN or PFN+COUNT", arg);
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		struct ptk_range *p = realloc(a->pfns, cap * sizeof(*p));

		if (!p)
			argp_failure(state, EXIT_ENV, 0, "out of memory");
		a->pfns = p;
		a->cap = cap;
	}
	a->pfns[a->n].start = pfn;
	a->pfns[a->n++].end = pfn + count;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct rmap_args *a = state->input;

	switch (key) {
	case OPT_ALL:
		a->all = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!a->src.path)
			break;
		add_pfns(state, a, arg);
		return 0;
	case ARGP_KEY_END:
		if (a->src.path && !a->n && !a->all)
			argp_error(state, "no PFN given (or --all)");
		break;
	}
	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp rmap_argp = {
	options, parse_opt, "SOURCE PFN[+COUNT]...",
	"List every virtual mapping of the physical frames PFN to "
	"PFN+COUNT-1: the kernel's (direct map, vmalloc, kernel text, "
	"modules, fixmap, vmemmap, ...) and each process's user mappings, "
	"one per line with the address space (kernel, or the pid and comm), "
	"the virtual address, the page size and the effective permissions.  "
	"A frame of RAM the direct map does not map is listed as such, with "
	"the level where its direct-map address stops.  All tables are "
	"walked once, whatever the number of frames.\v"
	"Processes need kallsyms (or --symbols) and the kernel's BTF; without "
	"them only the kernel's mappings are listed, and a line on stderr "
	"says why.  Exit status 1 when a frame of RAM is missing from the "
	"direct map.",
	source_children, NULL, NULL,
};

/* Sort and merge the frame ranges: ptk_rmap() wants them disjoint. */
static void normalize(struct rmap_args *a)
{
	a->n = ptk_ranges_normalize(a->pfns, a->n);
}

/* --all: every page of RAM. */
static int all_ram(struct session *s, struct rmap_args *a)
{
	size_t n;
	const struct ptk_range *ram = ptk_source_ram(s->src, &n);

	free(a->pfns);
	a->pfns = calloc(n ? n : 1, sizeof(*a->pfns));
	if (!a->pfns) {
		fprintf(stderr, "%s: out of memory\n", s->cmd);
		return EXIT_ENV;
	}
	for (size_t i = 0; i < n; i++) {
		a->pfns[i].start = ram[i].start >> PTK_PAGE_SHIFT;
		a->pfns[i].end = (ram[i].end + PTK_PAGE_SIZE - 1) >>
				 PTK_PAGE_SHIFT;
	}
	a->n = n;
	normalize(a);
	return EXIT_OK;
}

int cmd_rmap(int argc, char **argv)
{
	struct rmap_args a = { 0 };
	struct rmap_out out;
	struct session s;
	int ret;

	argp_parse(&rmap_argp, argc, argv, 0, NULL, &a);
	normalize(&a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	if (a.all && (ret = all_ram(&s, &a)) != EXIT_OK)
		goto out;
	ret = rmap_collect(&out, &s, a.pfns, a.n);
	if (ret != EXIT_OK)
		goto out;
	if (out.why_no_tasks)
		fprintf(stderr, "%s: '%s': kernel mappings only: %s\n",
			argv[0], a.src.path, out.why_no_tasks);
	ret = rmap_print(&out, &s, a.json);
	rmap_out_release(&out);
out:
	session_close(&s);
	free(a.pfns);
	return finish_output(argv[0], ret);
}
