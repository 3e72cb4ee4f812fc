// SPDX-License-Identifier: MIT
/* The reverse map of some frames: collected in one pass, then printed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmap-out.h"

static enum ptk_status on_hit(const struct ptk_rmap_hit *h, void *priv)
{
	struct rmap_out *out = priv;
	struct rmap_rec *r;

	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 1024;
		struct rmap_rec *p = realloc(out->rec, cap * sizeof(*p));

		if (!p)
			return PTK_ERR_NOMEM;
		out->rec = p;
		out->cap = cap;
	}
	r = &out->rec[out->n++];
	memset(r, 0, sizeof(*r));
	r->pfn = h->pfn;
	r->va = h->va;
	r->space = (uint32_t)h->space;
	r->eff = (uint16_t)h->eff;
	r->level = (uint8_t)h->level;
	return PTK_OK;
}

static int cmp_rec(const void *x, const void *y)
{
	const struct rmap_rec *a = x, *b = y;

	if (a->pfn != b->pfn)
		return a->pfn < b->pfn ? -1 : 1;
	if (a->space != b->space)
		return a->space < b->space ? -1 : 1;
	return a->va < b->va ? -1 : a->va > b->va;
}

/* The direct map's range, or false when the layout has none. */
static bool direct_map(struct session *s, uint64_t *start, uint64_t *end)
{
	const struct ptk_region *rg = region_named(s->src,
						   "Low Kernel Mapping");

	if (!rg)
		return false;
	*start = rg->start;
	*end = rg->end;
	return true;
}

static bool in_direct_map(const struct rmap_rec *r, uint64_t start,
			  uint64_t end)
{
	return !r->space && r->va >= start && (r->va < end || !end);
}

/*
 * A record for each frame of RAM in @pfns that no kernel mapping in the
 * direct map covers (out->rec sorted; the new ones are appended).
 */
static enum ptk_status add_missing(struct rmap_out *out, struct session *s,
				   const struct ptk_range *pfns, size_t n)
{
	uint64_t dm_start, dm_end;
	size_t nram, k = 0, sorted = out->n;
	const struct ptk_range *ram = ptk_source_ram(s->src, &nram);

	if (!direct_map(s, &dm_start, &dm_end))
		return PTK_OK;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < nram; j++) {
			uint64_t lo = ram[j].start >> PTK_PAGE_SHIFT;
			uint64_t hi = ram[j].end >> PTK_PAGE_SHIFT;

			if (lo < pfns[i].start)
				lo = pfns[i].start;
			if (hi > pfns[i].end)
				hi = pfns[i].end;
			for (uint64_t pfn = lo; pfn < hi; pfn++) {
				bool found = false;
				struct ptk_xlat x;
				struct ptk_rmap_hit h = { .pfn = pfn };
				enum ptk_status st;

				while (k < sorted && out->rec[k].pfn < pfn)
					k++;
				for (size_t m = k; m < sorted &&
				     out->rec[m].pfn == pfn && !found; m++)
					found = in_direct_map(&out->rec[m],
							      dm_start, dm_end);
				if (found)
					continue;
				h.va = dm_start + (pfn << PTK_PAGE_SHIFT);
				st = ptk_translate(s->src, &s->kpg, h.va, &x);
				if (st != PTK_OK)
					ptk_ctx_clear_err(s->ctx);
				h.level = st == PTK_OK ? x.level : 0;
				if (on_hit(&h, out) != PTK_OK)
					return PTK_ERR_NOMEM;
				out->rec[out->n - 1].missing = 1;
				out->missing++;
			}
		}
	}
	return PTK_OK;
}

int rmap_collect(struct rmap_out *out, struct session *s,
		 const struct ptk_range *pfns, size_t n)
{
	enum ptk_status st;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = session_spaces(s, &out->sp, &out->why_no_tasks);
	if (ret != EXIT_OK)
		return ret;
	st = ptk_rmap(s->src, out->sp.space, out->sp.n, pfns, n, on_hit, out,
		      &out->nbad);
	/* (qsort() of no records would be passed NULL) */
	if (st == PTK_OK) {
		if (out->n)
			qsort(out->rec, out->n, sizeof(*out->rec), cmp_rec);
		st = add_missing(out, s, pfns, n);
	}
	if (st != PTK_OK) {
		rmap_out_release(out);
		if (st == PTK_ERR_NOMEM) {
			fprintf(stderr, "%s: out of memory\n", s->cmd);
			return EXIT_ENV;
		}
		return fail_source(s, st);
	}
	if (out->n)
		qsort(out->rec, out->n, sizeof(*out->rec), cmp_rec);
	return EXIT_OK;
}

const char *rmap_space_name(const struct rmap_out *out,
			    const struct rmap_rec *r, char *buf, size_t len)
{
	const struct ptk_task *t = out->sp.task[r->space];

	if (!t)
		return "kernel";
	snprintf(buf, len, "%" PRId32 " %s", t->tgid, t->comm);
	return buf;
}

/* The name of the region @va is in, or "" */
static const char *region_of(struct session *s, uint64_t va)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(s->src, &n);

	for (size_t i = 0; i < n; i++)
		if (va >= rg[i].start && (va < rg[i].end || !rg[i].end))
			return rg[i].name;
	return "";
}

/* The module part that holds @va ("qemu_fw_cfg.text"), into @buf, or NULL. */
static const char *module_of(struct session *s, uint64_t va, char *buf,
			     size_t len)
{
	const struct ptk_modules *mods = session_modules(s);

	for (size_t i = 0; mods && i < mods->n; i++)
		for (unsigned r = 0; r < mods->module[i].nranges; r++)
			if (va >= mods->module[i].ranges[r].start &&
			    va < mods->module[i].ranges[r].end) {
				snprintf(buf, len, "%s.%s",
					 mods->module[i].name,
					 mods->module[i].ranges[r].what);
				return buf;
			}
	return NULL;
}

static void print_json(const struct rmap_out *out, struct session *s,
		       const struct rmap_rec *r)
{
	const struct ptk_task *t = out->sp.task[r->space];

	printf("{\"pfn\":\"%#" PRIx64 "\",\"space\":\"%s\",", r->pfn,
	       t ? "user" : "kernel");
	if (t) {
		printf("\"pid\":%" PRId32 ",\"comm\":", t->tgid);
		json_str(stdout, t->comm);
	} else {
		printf("\"pid\":null,\"comm\":null");
	}
	printf(",\"va\":\"%#" PRIx64 "\",\"level\":", r->va);
	if (r->level)
		printf("\"%s\"", ptk_level_name(&s->kpg, r->level));
	else
		printf("null");
	if (r->missing)
		printf(",\"mapped\":false,\"page\":null,\"rw\":null,"
		       "\"nx\":null,\"user\":null");
	else
		printf(",\"mapped\":true,\"page\":%" PRIu64 ",\"rw\":%s,"
		       "\"nx\":%s,\"user\":%s", ptk_level_size(r->level),
		       r->eff & PTK_F_RW ? "true" : "false",
		       r->eff & PTK_F_NX ? "true" : "false",
		       r->eff & PTK_F_US ? "true" : "false");
	if (!t) {
		char mod[128];

		printf(",\"region\":");
		json_str(stdout, region_of(s, r->va));
		if (module_of(s, r->va, mod, sizeof(mod))) {
			printf(",\"module\":");
			json_str(stdout, mod);
		}
	}
	printf("}\n");
}

static void print_text(const struct rmap_out *out, struct session *s,
		       const struct rmap_rec *r)
{
	char space[64], flags[96];

	printf("%#-12" PRIx64 " %-22s 0x%016" PRIx64 " ", r->pfn,
	       rmap_space_name(out, r, space, sizeof(space)), r->va);
	if (r->missing)
		printf("-   not in the direct map (%s%s)", r->level ?
		       ptk_level_name(&s->kpg, r->level) : "table unreadable",
		       r->level ? " not present" : "");
	else {
		flag_words(flags, sizeof(flags), r->eff, 0, false);
		printf("%-3s %s", page_name(r->level), flags);
	}
	if (!r->space) {
		char mod[128];

		printf("  [%s", region_of(s, r->va));
		if (module_of(s, r->va, mod, sizeof(mod)))
			printf(": %s", mod);
		printf("]");
	}
	putchar('\n');
}

int rmap_print(const struct rmap_out *out, struct session *s, bool json)
{
	if (!json)
		printf("%-12s %-22s %-18s %-3s %s\n", "PFN", "SPACE", "VIRTUAL",
		       "PG", "FLAGS");
	for (size_t i = 0; i < out->n; i++) {
		if (json)
			print_json(out, s, &out->rec[i]);
		else
			print_text(out, s, &out->rec[i]);
	}
	if (out->nbad)
		fprintf(stderr, "%s: '%s': %" PRIu64 " table entries cannot be "
			"followed (see ptkit check)\n", s->cmd,
			ptk_source_name(s->src), out->nbad);
	if (out->missing)
		fprintf(stderr, "%s: '%s': %" PRIu64 " frame%s of RAM %s not "
			"in the direct map\n", s->cmd, ptk_source_name(s->src),
			(uint64_t)out->missing, out->missing == 1 ? "" : "s",
			out->missing == 1 ? "is" : "are");
	return out->missing ? EXIT_FINDING : EXIT_OK;
}

void rmap_out_release(struct rmap_out *out)
{
	free(out->rec);
	ptk_rmap_spaces_release(&out->sp);
	out->rec = NULL;
	out->n = out->cap = 0;
}
