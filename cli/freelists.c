// SPDX-License-Identifier: MIT
/* ptkit freelists: the buddy free lists of a dump, as /proc shows them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct freelists_args {
	struct source_opts src;
	bool json;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default) or json (JSON Lines, one per zone, order and list)",
	  0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct freelists_args *a = state->input;

	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp freelists_argp = {
	options, parse_opt, "SOURCE",
	"Walk the buddy allocator's free lists of a Linux dump, per node, "
	"zone, order and migratetype, using VMCOREINFO alone, and check the "
	"totals against each zone's NR_FREE_PAGES counter.  The text is laid "
	"out as /proc/pagetypeinfo and /proc/buddyinfo print it.\v"
	"Exit status 1 when a list cannot be walked to its end or a zone's "
	"lists disagree with its counter.",
	source_children, NULL, NULL,
};

static uint64_t zone_pages(const struct ptk_freelists *f,
			   const struct ptk_zone_free *z)
{
	uint64_t pages = 0;

	for (unsigned o = 0; o < f->norders; o++)
		for (unsigned t = 0; t < f->ntypes; t++)
			pages += z->blocks[o][t] << o;
	return pages;
}

static void print_json(const struct ptk_freelists *f)
{
	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];

		for (unsigned o = 0; o < f->norders; o++)
			for (unsigned t = 0; t < f->ntypes; t++) {
				printf("{\"node\":%u,\"zone\":", z->node);
				json_str(stdout, z->name);
				printf(",\"order\":%u,\"migratetype\":", o);
				json_str(stdout, f->type_names[t]);
				printf(",\"blocks\":%" PRIu64 "}\n",
				       z->blocks[o][t]);
			}
	}
}

/* The pageblocks' migratetypes, one byte each, from pfn 0. */
struct pageblocks {
	unsigned char *type;
	uint64_t n;
};

static enum ptk_status note_pageblock(uint64_t pfn, unsigned migratetype,
				      void *priv)
{
	struct pageblocks *pb = priv;
	const uint64_t i = pfn >> PTK_PAGEBLOCK_ORDER;

	if (i >= pb->n) {
		uint64_t n = i + 1 > 2 * pb->n ? i + 1 : 2 * pb->n;
		unsigned char *p = i >= (UINT64_C(1) << 32) ? NULL :
				   realloc(pb->type, n);

		if (!p)
			return PTK_ERR_NOMEM;
		memset(p + pb->n, 0xff, n - pb->n);
		pb->type = p;
		pb->n = n;
	}
	pb->type[i] = (unsigned char)migratetype;
	return PTK_OK;
}

/*
 * "Number of blocks type": as pagetypeinfo_showblockcount() counts, the
 * block of every pageblock_nr_pages step from the zone's start.
 */
static void print_blockcount(const struct ptk_freelists *f,
			     const struct pageblocks *pb)
{
	printf("%-23s", "Number of blocks type ");
	for (unsigned t = 0; t < f->ntypes; t++)
		printf("%12s ", f->type_names[t]);
	printf("\n");
	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];
		uint64_t count[PTK_MM_MAX_TYPES] = { 0 };
		const uint64_t end = (uint64_t)z->start_pfn + (uint64_t)z->spanned;

		if (z->start_pfn < 0 || z->spanned < 0)
			continue;
		for (uint64_t pfn = (uint64_t)z->start_pfn; pfn < end;
		     pfn += UINT64_C(1) << PTK_PAGEBLOCK_ORDER) {
			uint64_t b = pfn >> PTK_PAGEBLOCK_ORDER;

			if (b < pb->n && pb->type[b] < f->ntypes)
				count[pb->type[b]]++;
		}
		printf("Node %u, zone %8s ", z->node, z->name);
		for (unsigned t = 0; t < f->ntypes; t++)
			printf("%12" PRIu64 " ", count[t]);
		printf("\n");
	}
	printf("\n");
}

static void print_text(const struct ptk_freelists *f,
		       const struct pageblocks *pb)
{
	printf("Free pages count per migrate type at order      ");
	for (unsigned o = 0; o < f->norders; o++)
		printf(" %6u", o);
	printf("\n");
	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];

		for (unsigned t = 0; t < f->ntypes; t++) {
			printf("Node %4u, zone %8s, type %12s", z->node,
			       z->name, f->type_names[t]);
			for (unsigned o = 0; o < f->norders; o++)
				printf(" %6" PRIu64, z->blocks[o][t]);
			printf("\n");
		}
	}
	printf("\n");
	if (pb->n)
		print_blockcount(f, pb);
	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];

		printf("Node %u, zone %8s", z->node, z->name);
		for (unsigned o = 0; o < f->norders; o++) {
			uint64_t n = 0;

			for (unsigned t = 0; t < f->ntypes; t++)
				n += z->blocks[o][t];
			printf(" %6" PRIu64, n);
		}
		printf("\n");
	}
	printf("\n");
}

/*
 * What each CPU has not yet folded into a zone's NR_FREE_PAGES, as
 * zone_page_state_snapshot() adds it; 0 without symbols or BTF (then
 * *@known is false).
 */
static int64_t free_pending(struct session *s, const struct ptk_zone_free *z,
			    bool *known)
{
	struct ptk_vmstat *vs = session_vmstat(s);
	struct ptk_counter c;

	*known = false;
	if (!vs || ptk_vmstat_zone(vs, z->node, z->zone, "NR_FREE_PAGES",
				   &c) != PTK_OK || c.atomic != z->nr_free) {
		ptk_ctx_clear_err(s->ctx);
		return 0;
	}
	*known = true;
	return c.pending;
}

/* The totals, and whether each zone's lists add up to its counter. */
static bool check_totals(struct session *s, const char *path,
			 const struct ptk_freelists *f, bool json)
{
	FILE *out = json ? stderr : stdout;
	const char *cmd = s->cmd;
	bool ok = true;

	for (size_t i = 0; i < f->nzones; i++) {
		const struct ptk_zone_free *z = &f->zones[i];
		uint64_t pages = zone_pages(f, z);
		bool known;
		int64_t pending, counter;
		char folded[96] = "";

		if (z->list_errors) {
			fprintf(stderr, "%s: '%s': node %u zone %s: %u list%s "
				"not walked to the end; first: %s\n", cmd, path,
				z->node, z->name, z->list_errors,
				z->list_errors == 1 ? "" : "s", z->first_error);
			ok = false;
		}
		if (z->nr_free < 0) {
			if (!json)
				fprintf(out, "Node %u, zone %8s: %" PRIu64
					" free pages on the lists; no "
					"NR_FREE_PAGES in VMCOREINFO\n",
					z->node, z->name, pages);
			continue;
		}
		pending = free_pending(s, z, &known);
		counter = z->nr_free + pending;
		if (pending)
			snprintf(folded, sizeof(folded), " (%" PRId64 " %s %"
				 PRId64 " the CPUs have not folded in)",
				 z->nr_free, pending < 0 ? "-" : "+",
				 pending < 0 ? -pending : pending);
		if (counter < 0 || (uint64_t)counter != pages) {
			fprintf(stderr, "%s: '%s': node %u zone %s: %" PRIu64
				" free pages on the lists, NR_FREE_PAGES says %"
				PRId64 "%s\n", cmd, path, z->node, z->name,
				pages, counter, folded);
			ok = false;
		} else if (!json) {
			fprintf(out, "Node %u, zone %8s: %" PRIu64 " free pages "
				"on the lists = NR_FREE_PAGES%s\n", z->node,
				z->name, pages, folded);
		}
	}
	return ok;
}

int cmd_freelists(int argc, char **argv)
{
	struct freelists_args a = { 0 };
	struct ptk_freelists f = { 0 };
	struct pageblocks pb = { 0 };
	struct session s;
	enum ptk_status st;
	int ret;

	argp_parse(&freelists_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	st = ptk_freelists_read(s.src, &s.pg, &s.layout, &f);
	if (st != PTK_OK) {
		ret = fail_source(&s, st);
		goto out;
	}
	if (a.json) {
		print_json(&f);
	} else {
		/* without mem_section in VMCOREINFO: no block counts */
		if (ptk_pageblocks_walk(s.src, &s.pg, session_types_quiet(&s),
					note_pageblock, &pb) != PTK_OK) {
			ptk_ctx_clear_err(s.ctx);
			free(pb.type);
			pb = (struct pageblocks){ 0 };
		}
		print_text(&f, &pb);
	}
	if (!check_totals(&s, a.src.path, &f, a.json))
		ret = EXIT_FINDING;
out:
	free(pb.type);
	ptk_freelists_release(&f);
	session_close(&s);
	return finish_output(argv[0], ret);
}
