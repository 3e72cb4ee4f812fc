// SPDX-License-Identifier: MIT
/* ptkit info: what a source is and what it holds. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptdump.h"

struct info_args {
	struct source_opts src;
	bool json;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct info_args *a = state->input;

	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp info_argp = {
	options, parse_opt, "SOURCE",
	"Describe a source: its format, the paging mode and root table and "
	"where they were found, CPU registers, RAM ranges, the table pages "
	"per level, named regions and metadata.",
	source_children, NULL, NULL,
};

static uint64_t ram_total(const struct ptk_range *ram, size_t n)
{
	uint64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += ram[i].end - ram[i].start;
	return t;
}

static void print_pti(struct session *s)
{
	struct pti_found f;

	switch (pti_probe(s, &f)) {
	case PTI_NOT_PROBED:
		printf("pti:      not probed (--no-discovery)\n");
		break;
	case PTI_UNKNOWN:
		printf("pti:      unknown: the page beside the root, 0x%016"
		       PRIx64 ", is not in the source\n", f.other);
		break;
	case PTI_OFF:
		printf("pti:      off: %s\n", f.why);
		break;
	case PTI_ON:
		if (s->pg.root & PTK_PAGE_SIZE)
			printf("pti:      on: the root is the user copy; the "
			       "kernel's is at 0x%016" PRIx64 " (--pti=kernel)\n",
			       f.other);
		else
			printf("pti:      on: the user copy at 0x%016" PRIx64
			       " has %u kernel entries (--pti=user)\n", f.other,
			       f.present);
		break;
	}
}

static void print_pti_json(struct session *s)
{
	static const char *const state[] = {
		[PTI_UNKNOWN] = "unknown", [PTI_OFF] = "off", [PTI_ON] = "on",
		[PTI_NOT_PROBED] = "not probed",
	};
	struct pti_found f;
	enum pti_state st = pti_probe(s, &f);

	printf(",\"pti\":{\"state\":\"%s\"", state[st]);
	if (st != PTI_NOT_PROBED)
		printf(",\"other\":\"0x%" PRIx64 "\"", f.other);
	if (st == PTI_ON)
		printf(",\"kernel_entries\":%u", f.present);
	if (st == PTI_OFF) {
		printf(",\"why\":");
		json_str(stdout, f.why);
	}
	printf("}");
}

/* Symbols, types, version and the image's sections: Linux dumps only. */
static void print_kernel_text(struct session *s)
{
	struct image_region img[IMAGE_REGIONS_MAX];
	struct ptdump_markers pm;
	const struct ptk_modules *mods;
	char release[65], version[65];
	struct kernel_facts f;
	size_t nimg;

	if (session_uts(s, release, version))
		printf("kernel:   %s %s\n", release, version);
	session_kernel_facts(s, &f);
	if (f.no_symbols[0])
		printf("symbols:  none: %s\n", f.no_symbols);
	else
		printf("symbols:  %zu from %s\n", f.nsyms, f.syms_from);
	if (ptdump_markers_get(s, &pm) == EXIT_OK)
		printf("ptdump:   %zu markers: %s%s\n", pm.n, pm.origin,
		       pm.legacy ? "; the walk of Linux before 5.6" : "");
	ptdump_markers_release(&pm);
	if (f.no_symbols[0])
		return;
	if (f.no_btf[0])
		printf("btf:      none: %s\n", f.no_btf);
	else
		printf("btf:      %" PRIu64 " bytes at 0x%016" PRIx64
		       " (__start_BTF)\n", f.btf_size, f.btf_addr);
	nimg = session_image_regions(s, img);
	if (nimg)
		printf("image:\n");
	for (size_t i = 0; i < nimg; i++)
		printf("          0x%016" PRIx64 "-0x%016" PRIx64 " %s\n",
		       img[i].start, img[i].end, img[i].name);
	mods = session_modules(s);
	if (mods)
		printf("modules:  %zu loaded\n", mods->n);
	for (size_t i = 0; mods && i < mods->n; i++)
		for (unsigned r = 0; r < mods->module[i].nranges; r++)
			printf("          0x%016" PRIx64 "-0x%016" PRIx64
			       " %s %s\n", mods->module[i].ranges[r].start,
			       mods->module[i].ranges[r].end,
			       mods->module[i].name,
			       mods->module[i].ranges[r].what);
}

static void print_kernel_json(struct session *s)
{
	struct image_region img[IMAGE_REGIONS_MAX];
	struct ptdump_markers pm;
	const struct ptk_modules *mods;
	char release[65], version[65];
	struct kernel_facts f;
	size_t nimg;

	printf(",\"kernel\":{");
	if (session_uts(s, release, version)) {
		printf("\"release\":");
		json_str(stdout, release);
		printf(",\"version\":");
		json_str(stdout, version);
	} else {
		printf("\"release\":null,\"version\":null");
	}
	session_kernel_facts(s, &f);
	if (f.no_symbols[0]) {
		printf(",\"symbols\":0,\"symbols_from\":null,"
		       "\"symbols_missing\":");
		json_str(stdout, f.no_symbols);
	} else {
		printf(",\"symbols\":%zu,\"symbols_from\":", f.nsyms);
		json_str(stdout, f.syms_from);
	}
	if (f.no_symbols[0] || f.no_btf[0]) {
		printf(",\"btf_address\":null,\"btf_size\":0");
		if (f.no_btf[0]) {
			printf(",\"btf_missing\":");
			json_str(stdout, f.no_btf);
		}
	} else {
		printf(",\"btf_address\":\"0x%" PRIx64 "\",\"btf_size\":%"
		       PRIu64, f.btf_addr, f.btf_size);
	}
	if (ptdump_markers_get(s, &pm) == EXIT_OK) {
		printf(",\"ptdump_markers\":{\"count\":%zu,\"address\":", pm.n);
		if (pm.va)
			printf("\"0x%" PRIx64 "\"", pm.va);
		else
			printf("null");
		printf(",\"from\":");
		json_str(stdout, pm.origin);
		printf("}");
	}
	ptdump_markers_release(&pm);
	nimg = session_image_regions(s, img);
	printf(",\"image\":[");
	for (size_t i = 0; i < nimg; i++)
		printf("%s{\"name\":\"%s\",\"start\":\"0x%" PRIx64
		       "\",\"end\":\"0x%" PRIx64 "\"}", i ? "," : "",
		       img[i].name, img[i].start, img[i].end);
	mods = session_modules(s);
	printf("],\"modules\":");
	if (!mods)
		printf("null");
	for (size_t i = 0; mods && i < mods->n; i++) {
		const struct ptk_module *m = &mods->module[i];

		printf("%s{\"name\":", i ? "," : "[");
		json_str(stdout, m->name);
		printf(",\"ranges\":[");
		for (unsigned r = 0; r < m->nranges; r++)
			printf("%s{\"name\":\"%s\",\"start\":\"0x%" PRIx64
			       "\",\"end\":\"0x%" PRIx64 "\"}", r ? "," : "",
			       m->ranges[r].what, m->ranges[r].start,
			       m->ranges[r].end);
		printf("]}");
	}
	if (mods)
		printf("%s", mods->n ? "]" : "[]");
	printf("}");
}

static void print_text(struct session *s, const struct ptk_census *c,
		       enum ptk_status walk_st)
{
	size_t nram, ncpus, nregions, nmeta = ptk_source_meta_count(s->src);
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);
	const struct ptk_cpu_regs *cpus = ptk_source_cpus(s->src, &ncpus);
	const struct ptk_region *rg = ptk_source_regions(s->src, &nregions);
	uint64_t total = 0;
	char size[32], end[32];

	printf("source:   %s\n", ptk_source_name(s->src));
	printf("format:   %s\n", ptk_source_format(s->src));
	printf("paging:   %u-level, %u-bit virtual, %u-bit physical "
	       "addresses\n", s->pg.levels, ptk_va_bits(&s->pg),
	       s->pg.phys_bits);
	printf("          levels from %s\n", s->why.levels);
	printf("root:     0x%016" PRIx64 " from %s\n", s->pg.root, s->why.root);
	print_pti(s);
	for (size_t i = 0; i < ncpus; i++)
		printf("cpu %-4u  cr0 0x%016" PRIx64 " cr3 0x%016" PRIx64
		       " cr4 0x%016" PRIx64 " (%s)\n", cpus[i].cpu, cpus[i].cr0,
		       cpus[i].cr3, cpus[i].cr4, cpus[i].origin);
	fmt_size(size, sizeof(size), ram_total(ram, nram));
	printf("ram:      %zu range%s, %s\n", nram, nram == 1 ? "" : "s", size);
	for (size_t i = 0; i < nram; i++) {
		fmt_size(size, sizeof(size), ram[i].end - ram[i].start);
		printf("          0x%016" PRIx64 "-0x%016" PRIx64 " %6s\n",
		       ram[i].start, ram[i].end, size);
	}
	printf("tables:  ");
	for (unsigned l = s->pg.levels; l >= 1; l--)
		printf(" %s %zu", ptk_level_name(&s->pg, l), c->n[l]);
	total = ptk_census_total(c);
	fmt_size(size, sizeof(size), total * PTK_PAGE_SIZE);
	printf(" (%" PRIu64 " pages, %s)\n", total, size);
	if (walk_st != PTK_OK || c->nbad)
		printf("          %" PRIu64 " entries cannot be followed "
		       "(see ptkit walk)\n", c->nbad + (walk_st != PTK_OK));
	if (!s->layout.from_image) {
		const struct ptk_layout *l = &s->layout;

		printf("layout:   direct map 0x%016" PRIx64 " %s\n",
		       l->page_offset, l->page_offset_from);
		printf("          vmalloc    0x%016" PRIx64 " %s\n", l->vmalloc,
		       l->vmalloc_from);
		printf("          vmemmap    0x%016" PRIx64 " %s\n", l->vmemmap,
		       l->vmemmap_from);
	}
	if (nregions)
		printf("regions:\n");
	for (size_t i = 0; i < nregions; i++)
		printf("          0x%016" PRIx64 "-%s %s\n", rg[i].start,
		       fmt_end(end, sizeof(end), rg[i].end), rg[i].name);
	if (ptk_source_meta(s->src, "OSRELEASE"))
		print_kernel_text(s);
	printf("metadata: %zu key%s\n", nmeta, nmeta == 1 ? "" : "s");
	for (size_t i = 0; i < nmeta; i++) {
		const char *k, *v;

		ptk_source_meta_at(s->src, i, &k, &v);
		printf("          %s=%s\n", k, v);
	}
}

static void print_json(struct session *s, const struct ptk_census *c)
{
	size_t nram, ncpus, nregions, nmeta = ptk_source_meta_count(s->src);
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);
	const struct ptk_cpu_regs *cpus = ptk_source_cpus(s->src, &ncpus);
	const struct ptk_region *rg = ptk_source_regions(s->src, &nregions);
	char end[32];

	printf("{\"source\":");
	json_str(stdout, ptk_source_name(s->src));
	printf(",\"format\":");
	json_str(stdout, ptk_source_format(s->src));
	printf(",\"levels\":%u,\"levels_from\":", s->pg.levels);
	json_str(stdout, s->why.levels);
	printf(",\"root\":\"0x%" PRIx64 "\",\"root_from\":", s->pg.root);
	json_str(stdout, s->why.root);
	print_pti_json(s);
	printf(",\"phys_bits\":%u,\"cpus\":[", s->pg.phys_bits);
	for (size_t i = 0; i < ncpus; i++)
		printf("%s{\"cpu\":%u,\"cr0\":\"0x%" PRIx64 "\",\"cr3\":\"0x%"
		       PRIx64 "\",\"cr4\":\"0x%" PRIx64 "\"}", i ? "," : "",
		       cpus[i].cpu, cpus[i].cr0, cpus[i].cr3, cpus[i].cr4);
	printf("],\"ram\":[");
	for (size_t i = 0; i < nram; i++)
		printf("%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
		       "\"}", i ? "," : "", ram[i].start, ram[i].end);
	printf("],\"ram_bytes\":%" PRIu64 ",\"tables\":{", ram_total(ram, nram));
	for (unsigned l = s->pg.levels; l >= 1; l--)
		printf("%s\"%s\":%zu", l == s->pg.levels ? "" : ",",
		       ptk_level_name(&s->pg, l), c->n[l]);
	printf("},\"bad_entries\":%" PRIu64 ",\"regions\":[", c->nbad);
	for (size_t i = 0; i < nregions; i++) {
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, rg[i].name);
		printf(",\"start\":\"0x%" PRIx64 "\",\"end\":\"%s\"}",
		       rg[i].start, (snprintf(end, sizeof(end), "0x%" PRIx64, rg[i].end), end));
	}
	printf("]");
	if (ptk_source_meta(s->src, "OSRELEASE"))
		print_kernel_json(s);
	printf(",\"metadata\":{");
	for (size_t i = 0; i < nmeta; i++) {
		const char *k, *v;

		ptk_source_meta_at(s->src, i, &k, &v);
		printf("%s", i ? "," : "");
		json_str(stdout, k);
		putchar(':');
		json_str(stdout, v);
	}
	printf("}}\n");
}

int cmd_info(int argc, char **argv)
{
	struct info_args a = { 0 };
	struct ptk_census c;
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&info_argp, argc, argv, 0, NULL, &a);
	ptk_census_init(&c);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK) {
		session_close(&s);
		return ret;
	}
	st = ptk_census_add(&c, s.src, &s.pg);
	if (st == PTK_ERR_NOMEM) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (a.json)
		print_json(&s, &c);
	else
		print_text(&s, &c, st);
	if (st != PTK_OK) {
		fflush(stdout);
		ret = fail_source(&s, st);
	} else if (c.nbad) {
		/* every non-zero exit says why, on stderr, in one line */
		fflush(stdout);
		fprintf(stderr, "%s: '%s': %" PRIu64 " table entr%s cannot be "
			"followed (see ptkit walk)\n", argv[0], a.src.path,
			c.nbad, c.nbad == 1 ? "y" : "ies");
		ret = EXIT_BADINPUT;
	}
out:
	ptk_census_release(&c);
	session_close(&s);
	return finish_output(argv[0], ret);
}
