// SPDX-License-Identifier: MIT
/* The reverse map of some frames: collected in one pass, then printed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmap-out.h"

int rmap_collect(struct rmap_out *out, struct session *s,
		 const struct ptk_range *pfns, size_t n)
{
	enum ptk_status st;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = session_spaces(s, &out->sp, &out->why_no_tasks);
	if (ret != EXIT_OK)
		return ret;
	st = ptk_rmap_collect(s->src, &out->sp,
			      region_named(s->src, "Low Kernel Mapping"), pfns,
			      n, &out->r);
	if (st != PTK_OK) {
		rmap_out_release(out);
		if (st == PTK_ERR_NOMEM) {
			fprintf(stderr, "%s: out of memory\n", s->cmd);
			return EXIT_ENV;
		}
		return fail_source(s, st);
	}
	return EXIT_OK;
}

const char *rmap_space_name(const struct rmap_out *out,
			    const struct ptk_rmap_rec *r, char *buf, size_t len)
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
		       const struct ptk_rmap_rec *r)
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
		       const struct ptk_rmap_rec *r)
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
	for (size_t i = 0; i < out->r.n; i++) {
		if (json)
			print_json(out, s, &out->r.rec[i]);
		else
			print_text(out, s, &out->r.rec[i]);
	}
	if (out->r.nbad)
		fprintf(stderr, "%s: '%s': %" PRIu64 " table entries cannot be "
			"followed (see ptkit check)\n", s->cmd,
			ptk_source_name(s->src), out->r.nbad);
	if (out->r.missing)
		fprintf(stderr, "%s: '%s': %" PRIu64 " frame%s of RAM %s not "
			"in the direct map\n", s->cmd, ptk_source_name(s->src),
			(uint64_t)out->r.missing, out->r.missing == 1 ? "" : "s",
			out->r.missing == 1 ? "is" : "are");
	return out->r.missing ? EXIT_FINDING : EXIT_OK;
}

void rmap_out_release(struct rmap_out *out)
{
	ptk_rmap_recs_release(&out->r);
	ptk_rmap_spaces_release(&out->sp);
}
