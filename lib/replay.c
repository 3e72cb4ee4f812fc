// SPDX-License-Identifier: MIT
/* Replaying a trace against direct-map policies; see replay.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptkit/edit.h"
#include "ptkit/replay.h"

struct policy_run {
	struct ptk_replay_result res;
	struct ptk_edit *ed;
	uint64_t *unmapped;	/* naive: a bit per page */
	uint64_t *pb_unmapped;	/* pageblock: a bit per pageblock */
	uint64_t *pb_refused;	/* pageblocks the direct map cannot take out */
	uint64_t prev_splits[PTK_LEVEL_PUD + 1];
};

struct ptk_replay {
	struct ptk_ctx *ctx;
	struct ptk_source *src;		/* what the policies start from */
	struct ptk_paging pg;
	struct ptk_alloc *model;
	struct ptk_selector sel;
	uint64_t page_offset;
	uint64_t event;
	bool simulate;		/* the model chooses the PFNs */
	size_t n;
	struct policy_run run[PTK_POLICY_N];
};

static const char *const policy_names[PTK_POLICY_N] = {
	"none", "naive", "pageblock",
};

const char *ptk_policy_name(enum ptk_policy p)
{
	return p < PTK_POLICY_N ? policy_names[p] : "?";
}

enum ptk_policy ptk_policy_parse(const char *name, size_t len)
{
	for (unsigned i = 0; i < PTK_POLICY_N; i++)
		if (strlen(policy_names[i]) == len &&
		    !memcmp(policy_names[i], name, len))
			return (enum ptk_policy)i;
	return PTK_POLICY_N;
}

bool ptk_selector_parse(const char *text, struct ptk_selector *ret,
			char *err, size_t errlen)
{
	struct ptk_selector s = { .all = true, .migratetype = -1, .order = -1,
				  .sample = 1.0 };
	const char *p = text;

	if (strcmp(text, "all")) {
		s.all = false;
		while (*p) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			char *num_end;

			if (!strncmp(p, "gfp=", 4)) {
				for (const char *f = p + 4; f < p + len;) {
					const char *bar = memchr(f, '|', (size_t)(p + len - f));
					size_t fl = bar ? (size_t)(bar - f)
							: (size_t)(p + len - f);
					uint64_t bit = ptk_gfp_parse(f, fl);

					if (!bit) {
						snprintf(err, errlen, "unknown gfp "
							 "flag '%.*s'", (int)fl, f);
						return false;
					}
					s.gfp |= bit;
					f += fl + 1;
				}
			} else if (!strncmp(p, "mt=", 3)) {
				s.migratetype = (int)strtol(p + 3, &num_end, 0);
				if (num_end != p + len || s.migratetype < 0 ||
				    s.migratetype >= PTK_MIGRATE_TYPES)
					goto bad;
			} else if (!strncmp(p, "order=", 6)) {
				s.order = (int)strtol(p + 6, &num_end, 0);
				if (num_end != p + len || s.order < 0 ||
				    s.order > PTK_MAX_ORDER)
					goto bad;
			} else if (!strncmp(p, "sample=", 7)) {
				errno = 0;
				s.sample = strtod(p + 7, &num_end);
				if (errno || num_end != p + len || !(s.sample > 0) ||
				    s.sample > 1)
					goto bad;
			} else {
				goto bad;
			}
			p += len + (end ? 1 : 0);
		}
		if (!s.gfp && s.migratetype < 0 && s.order < 0)
			s.all = true;	/* sample= alone */
	}
	*ret = s;
	return true;
bad:
	snprintf(err, errlen, "'%.*s' is not gfp=FLAG|..., mt=N, order=N, "
		 "sample=F or all", (int)strcspn(p, ","), p);
	return false;
}

static bool selected(const struct ptk_replay *r,
		     const struct ptk_trace_rec *rec)
{
	const struct ptk_selector *s = &r->sel;
	uint64_t h;

	if (!s->all) {
		if (s->gfp && !(rec->gfp & s->gfp))
			return false;
		if (s->migratetype >= 0 && rec->migratetype != s->migratetype)
			return false;
		if (s->order >= 0 && (int)rec->order != s->order)
			return false;
	}
	if (s->sample >= 1.0)
		return true;
	/* A fixed hash of the event number: the same picks every run. */
	h = (r->event + 1) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	return (double)(h >> 11) < s->sample * 9007199254740992.0;
}

static bool test_bit(const uint64_t *map, uint64_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static void put_bit(uint64_t *map, uint64_t i, bool on)
{
	if (on)
		map[i / 64] |= UINT64_C(1) << (i % 64);
	else
		map[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

void ptk_replay_set_max_pfn_mapped(struct ptk_replay *r,
				   uint64_t max_pfn_mapped)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->run[i].ed)
			ptk_cpa_set_max_pfn_mapped(r->run[i].ed, r->page_offset,
						   max_pfn_mapped);
}

enum ptk_status ptk_replay_new(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       uint64_t page_offset, uint64_t direct_end,
			       uint64_t text_start, uint64_t text_end,
			       const enum ptk_policy *policies, size_t npolicies,
			       const struct ptk_selector *sel,
			       struct ptk_replay **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct ptk_replay *r = calloc(1, sizeof(*r));
	struct ptk_dm_count dm;
	uint64_t kb[PTK_LEVEL_PUD + 1], pages;
	enum ptk_status st;

	if (!r)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "replay");
	r->ctx = ctx;
	r->src = src;
	r->pg = *pg;
	r->sel = *sel;
	r->page_offset = page_offset;
	st = ptk_alloc_new(ctx, src, &r->model);
	if (st == PTK_OK)
		st = ptk_dm_count(src, pg, page_offset, direct_end, text_start,
				  text_end, &dm);
	if (st != PTK_OK)
		goto fail;
	ptk_dm_meminfo_kb(&dm, kb);
	pages = ptk_alloc_pages(r->model);
	for (size_t i = 0; i < npolicies && i < PTK_POLICY_N; i++) {
		struct policy_run *p = &r->run[r->n++];

		p->res.policy = policies[i];
		p->res.cpa.count_only = true;
		memcpy(p->res.dm_kb, kb, sizeof(kb));
		memcpy(p->res.worst_kb, kb, sizeof(kb));
		if (policies[i] == PTK_POLICY_NONE)
			continue;
		st = ptk_edit_new(src, pg, &p->ed);
		if (st != PTK_OK)
			goto fail;
		ptk_edit_set_journal(p->ed, false);
		p->unmapped = calloc(pages / 64 + 1, sizeof(uint64_t));
		p->pb_unmapped = calloc((pages >> PTK_PAGEBLOCK_ORDER) / 64 + 1,
					sizeof(uint64_t));
		p->pb_refused = calloc((pages >> PTK_PAGEBLOCK_ORDER) / 64 + 1,
				       sizeof(uint64_t));
		if (!p->unmapped || !p->pb_unmapped || !p->pb_refused) {
			st = ptk_set_err(ctx, PTK_ERR_NOMEM, "replay");
			goto fail;
		}
	}
	*ret = r;
	return PTK_OK;
fail:
	ptk_replay_free(r);
	return st;
}

void ptk_replay_free(struct ptk_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		ptk_edit_free(r->run[i].ed);
		free(r->run[i].unmapped);
		free(r->run[i].pb_unmapped);
		free(r->run[i].pb_refused);
	}
	ptk_alloc_free(r->model);
	free(r);
}

/* One kernel call; a page the direct map lacks is counted, not fatal. */
static bool call(struct ptk_replay *r, struct policy_run *p,
		 enum ptk_cpa_call c, uint64_t pfn, uint64_t count)
{
	if (ptk_cpa(p->ed, r->page_offset, c, pfn, count, &p->res.cpa) !=
	    PTK_OK) {
		p->res.cpa_errors++;
		ptk_ctx_clear_err(r->ctx);
		return false;
	}
	return true;
}

/* split_page_count() for the splits since the last look. */
static bool account(struct ptk_replay *r, struct policy_run *p)
{
	uint64_t *kb = p->res.dm_kb;
	uint64_t l3 = p->res.cpa.splits[3] - p->prev_splits[3];
	uint64_t l2 = p->res.cpa.splits[2] - p->prev_splits[2];

	if (!l3 && !l2)
		return false;
	ptk_dm_split_kb(kb, l3, l2);
	p->prev_splits[3] = p->res.cpa.splits[3];
	p->prev_splits[2] = p->res.cpa.splits[2];
	if (kb[1] > p->res.worst_kb[1]) {
		memcpy(p->res.worst_kb, kb, sizeof(p->res.worst_kb));
		p->res.worst_event = r->event + 1;	/* counted from 1 */
	}
	return true;
}

static void naive(struct ptk_replay *r, struct policy_run *p,
		  const struct ptk_trace_rec *rec, enum ptk_page_fate fate,
		  bool pick)
{
	const uint64_t n = UINT64_C(1) << rec->order;
	const uint64_t pfn = rec->pfn & ~(n - 1);

	if (fate == PTK_FATE_ALLOCATED && pick &&
	    call(r, p, PTK_CPA_INVALID, pfn, n)) {
		for (uint64_t i = 0; i < n; i++)
			put_bit(p->unmapped, pfn + i, true);
		p->res.unmapped += n;
	} else if (fate == PTK_FATE_FREED) {
		for (uint64_t i = 0; i < n; i++) {
			if (!test_bit(p->unmapped, pfn + i))
				continue;
			if (call(r, p, PTK_CPA_DEFAULT, pfn + i, 1)) {
				put_bit(p->unmapped, pfn + i, false);
				p->res.unmapped--;
			}
		}
	}
}

static void pageblock(struct ptk_replay *r, struct policy_run *p,
		      const struct ptk_trace_rec *rec, enum ptk_page_fate fate,
		      bool pick)
{
	const uint64_t pb = UINT64_C(1) << PTK_PAGEBLOCK_ORDER;
	const uint64_t n = UINT64_C(1) << rec->order;
	const uint64_t first = (rec->pfn & ~(n - 1)) & ~(pb - 1);

	if (fate != PTK_FATE_ALLOCATED)
		return;
	for (uint64_t b = first; b < (rec->pfn & ~(n - 1)) + n; b += pb) {
		uint64_t i = b >> PTK_PAGEBLOCK_ORDER;
		bool out = test_bit(p->pb_unmapped, i);

		/* A pageblock the direct map maps only in part (a RAM hole)
		 * is refused once and not tried again. */
		if (pick && !out && !test_bit(p->pb_refused, i)) {
			if (call(r, p, PTK_CPA_NOVALID, b, pb)) {
				put_bit(p->pb_unmapped, i, true);
				p->res.pageblock_unmaps++;
				p->res.unmapped += pb;
			} else {
				put_bit(p->pb_refused, i, true);
			}
		} else if (!pick && out && call(r, p, PTK_CPA_VALID, b, pb)) {
			put_bit(p->pb_unmapped, b >> PTK_PAGEBLOCK_ORDER, false);
			p->res.pageblock_remaps++;
			p->res.unmapped -= pb;
		}
	}
}

void ptk_replay_prefetch(const struct ptk_replay *r,
			 const struct ptk_trace_rec *next)
{
	if (!r->simulate)
		ptk_alloc_prefetch(r->model, next);
}

enum ptk_status ptk_replay_event(struct ptk_replay *r,
				 const struct ptk_trace_rec *rec,
				 bool *changed)
{
	enum ptk_page_fate fate;
	struct ptk_trace_rec done;
	enum ptk_status st;
	bool pick;

	*changed = false;
	if (r->simulate) {
		/* the policies see the pages the model chose */
		st = ptk_alloc_simulate(r->model, rec, &done, &fate);
		rec = &done;
	} else {
		st = ptk_alloc_follow(r->model, rec, &fate);
	}
	if (st != PTK_OK)
		return st;
	pick = fate == PTK_FATE_ALLOCATED && selected(r, rec);
	for (size_t i = 0; i < r->n; i++) {
		struct policy_run *p = &r->run[i];

		if (pick)
			p->res.selected++;
		if (p->res.policy == PTK_POLICY_NAIVE)
			naive(r, p, rec, fate, pick);
		else if (p->res.policy == PTK_POLICY_PAGEBLOCK)
			pageblock(r, p, rec, fate, pick);
		if (p->res.unmapped > p->res.unmapped_max)
			p->res.unmapped_max = p->res.unmapped;
		*changed |= account(r, p);
	}
	r->event++;
	return PTK_OK;
}

void ptk_replay_set_simulate(struct ptk_replay *r, bool on)
{
	r->simulate = on;
}

size_t ptk_replay_npolicies(const struct ptk_replay *r)
{
	return r->n;
}

void ptk_replay_result(const struct ptk_replay *r, size_t i,
		       struct ptk_replay_result *ret)
{
	*ret = r->run[i].res;
}

struct ptk_alloc *ptk_replay_model(struct ptk_replay *r)
{
	return r->model;
}

void ptk_replay_view(const struct ptk_replay *r, size_t i,
		     struct ptk_source **src, struct ptk_paging *pg)
{
	const struct policy_run *p = i < r->n ? &r->run[i] : NULL;

	if (!p || !p->ed) {
		*src = r->src;
		*pg = r->pg;
		return;
	}
	*src = ptk_edit_source(p->ed);
	ptk_edit_paging(p->ed, pg);
}
