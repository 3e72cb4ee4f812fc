// SPDX-License-Identifier: MIT
/*
 * ptkit tui: replay as a film.  An allocator trace goes through the model
 * and each policy's copy of the direct map, as ptkit replay runs it (the
 * model seeded from the dump's free lists and struct pages); the
 * direct-map grid draws one policy's copy, cell by cell, as the events go
 * by: pages leaving and coming back, splits.  Keys step an event, a
 * thousand, to the worst point (the most DirectMap4k), to the end; running
 * goes on between keystrokes, a frame at a time.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Show the policy's tables in the grid, the cells it changed redrawn. */
static void show(struct tui *t)
{
	struct tui_film *f = &t->film;

	ptk_replay_view(f->r, f->shown, &t->src, &t->pg);
	if (f->hi > f->lo)
		dmap_forget(t, f->lo << PTK_PAGE_SHIFT, f->hi << PTK_PAGE_SHIFT);
	f->lo = UINT64_MAX;
	f->hi = 0;
	tui_reload(t);
}

static void stop_film(struct tui *t)
{
	struct tui_film *f = &t->film;

	ptk_replay_free(f->r);
	ptk_trace_close(f->tr);
	f->r = NULL;
	f->tr = NULL;
	free(f->marks.touched);
	free(f->marks.tail);
	memset(&f->marks, 0, sizeof(f->marks));
	free(f->rep);
	free(f->differ);
	f->rep = NULL;
	f->differ = NULL;
}

/* From the first event: the trace opened, the model seeded, as replay. */
static bool start(struct tui *t)
{
	struct tui_film *f = &t->film;
	struct session *s = t->s;
	const struct ptk_region *direct = region_named(s->src,
						       "Low Kernel Mapping");
	const struct ptk_region *text = region_named(s->src,
						     "High Kernel Mapping");
	struct seed sd;
	enum ptk_status st;

	stop_film(t);
	f->events = f->line = 0;
	f->ended = f->has_next = false;
	f->lo = UINT64_MAX;
	f->hi = 0;
	if (!direct) {
		snprintf(f->why, sizeof(f->why), "no direct map known");
		return false;
	}
	st = ptk_trace_open(s->ctx, f->trace, false, &f->tr);
	if (st == PTK_OK)
		st = ptk_replay_new(s->src, &s->pg, direct->start, direct->end,
				    text ? text->start : 0, text ? text->end : 0,
				    f->policies, f->npolicies, &f->sel, &f->r);
	if (st == PTK_OK)
		st = ptk_trace_next(f->tr, &f->next);
	if (st != PTK_OK && st != PTK_STOP) {
		snprintf(f->why, sizeof(f->why), "%s", ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
		stop_film(t);
		return false;
	}
	f->has_next = st == PTK_OK;
	f->ended = !f->has_next;
	ptk_replay_set_max_pfn_mapped(f->r, session_max_pfn_mapped(s));
	f->seeded = seed_model(s, ptk_replay_model(f->r), &sd);
	if (f->expect[0]) {
		/* the frames the trace names, as replay --expect keeps them */
		uint64_t words = ptk_alloc_pages(ptk_replay_model(f->r)) / 64 + 1;

		f->marks.pages = ptk_alloc_pages(ptk_replay_model(f->r));
		f->marks.touched = calloc(words, sizeof(uint64_t));
		f->marks.tail = calloc(words, sizeof(uint64_t));
		if (!f->marks.touched || !f->marks.tail) {
			snprintf(f->why, sizeof(f->why), "out of memory");
			stop_film(t);
			return false;
		}
	}
	dmap_forget(t, 0, UINT64_MAX);
	return true;
}

bool film_open(struct tui *t, const char *trace,
	       const enum ptk_policy *policies, size_t n,
	       const struct ptk_selector *sel, const char *expect)
{
	struct tui_film *f = &t->film;

	film_close(t);
	snprintf(f->trace, sizeof(f->trace), "%s", trace);
	snprintf(f->expect, sizeof(f->expect), "%s", expect ? expect : "");
	memcpy(f->policies, policies, n * sizeof(*policies));
	f->npolicies = n;
	f->sel = *sel;
	t->up = t->view == VIEW_DIRECTMAP ? t->up : t->view;
	dmap_open(t);
	if (t->view != VIEW_DIRECTMAP)
		return false;	/* no direct map: dmap_open said so */
	if (!start(t)) {
		snprintf(t->message, sizeof(t->message), "replay: %.150s",
			 f->why);
		stop_film(t);
		return false;
	}
	f->on = true;
	show(t);
	return true;
}

void film_close(struct tui *t)
{
	stop_film(t);
	if (t->film.on) {
		/* back to the source's tables (and the simulated calls) */
		t->src = t->edit ? ptk_edit_source(t->edit) : t->s->src;
		t->pg = t->s->pg;
		if (t->edit)
			ptk_edit_paging(t->edit, &t->pg);
		dmap_forget(t, 0, UINT64_MAX);
		tui_reload(t);
	}
	memset(&t->film, 0, sizeof(t->film));
}

bool film_busy(const struct tui *t)
{
	const struct tui_film *f = &t->film;

	return f->on && !f->ended && f->events < f->target;
}

/* One event; false at the end of the trace or on an error. */
static bool step(struct tui *t)
{
	struct tui_film *f = &t->film;
	struct ptk_trace_rec rec = f->next;
	enum ptk_status st, est;
	bool changed;
	uint64_t lo, hi;

	if (!f->has_next)
		return false;
	st = ptk_trace_next(f->tr, &f->next);
	if (st == PTK_OK)
		ptk_replay_prefetch(f->r, &f->next);
	if (f->marks.touched)
		trace_marks_event(&f->marks, &rec);
	est = ptk_replay_event(f->r, &rec, &changed);
	if (est != PTK_OK)
		st = est;
	f->events++;
	f->line = rec.line;
	/* the pageblock policy takes whole pageblocks out */
	lo = rec.pfn & ~((UINT64_C(1) << PTK_PAGEBLOCK_ORDER) - 1);
	hi = (rec.pfn + (UINT64_C(1) << (rec.order <= PTK_MAX_ORDER ?
					 rec.order : 0)) +
	      (UINT64_C(1) << PTK_PAGEBLOCK_ORDER) - 1) &
	     ~((UINT64_C(1) << PTK_PAGEBLOCK_ORDER) - 1);
	f->lo = lo < f->lo ? lo : f->lo;
	f->hi = hi > f->hi ? hi : f->hi;
	if (st != PTK_OK) {
		f->has_next = false;
		f->ended = true;
		if (st != PTK_STOP) {
			snprintf(f->why, sizeof(f->why), "%s",
				 ptk_ctx_err(t->s->ctx));
			ptk_ctx_clear_err(t->s->ctx);
		}
	}
	return true;
}

/* The last frame: the model against the later dump, page by page. */
static void compare(struct tui *t)
{
	struct tui_film *f = &t->film;
	uint64_t pages = ptk_alloc_pages(ptk_replay_model(f->r));

	f->rep = calloc(1, sizeof(*f->rep));
	f->differ = calloc(pages / 64 + 1, sizeof(uint64_t));
	if (!f->rep || !f->differ) {
		snprintf(f->why, sizeof(f->why), "out of memory");
		return;
	}
	f->rep->differ = f->differ;
	f->marks.lost = ptk_trace_stats(f->tr)->lost;
	if (expect_compare(t->s->cmd, t->s->opts, f->expect,
			   ptk_replay_model(f->r), &f->marks, f->rep) != EXIT_OK) {
		snprintf(f->why, sizeof(f->why), "%.150s: cannot be compared",
			 f->expect);
		free(f->rep);
		f->rep = NULL;
		return;
	}
	/* every cell a difference is in is drawn again, marked */
	dmap_forget(t, 0, UINT64_MAX);
}

bool film_differs(const struct tui *t, uint64_t pa, uint64_t end)
{
	const struct tui_film *f = &t->film;
	uint64_t pages = f->marks.pages;

	if (!f->rep || !f->differ)
		return false;
	for (uint64_t pfn = pa >> PTK_PAGE_SHIFT;
	     pfn < (end >> PTK_PAGE_SHIFT) && pfn < pages; pfn++)
		if (f->differ[pfn / 64] >> (pfn % 64) & 1)
			return true;
	return false;
}

void film_run(struct tui *t, double budget)
{
	struct tui_film *f = &t->film;
	double until = tui_now() + budget;

	while (f->on) {
		while (!f->ended && f->events < f->target) {
			step(t);
			/* the clock is read every 4096 events */
			if (budget > 0 && !(f->events & 4095) &&
			    tui_now() > until)
				break;
		}
		if (f->to_worst && f->ended) {
			struct ptk_replay_result res;

			/* the worst point is known now: from the start to it */
			ptk_replay_result(f->r, f->shown, &res);
			f->to_worst = false;
			if (!start(t))
				break;
			f->target = res.worst_event;
			continue;
		}
		break;
	}
	if (f->on && f->ended && f->expect[0] && !f->rep && !f->why[0])
		compare(t);
	if (f->on)
		show(t);
}

bool film_key(struct tui *t, int key)
{
	struct tui_film *f = &t->film;

	if (!f->on)
		return false;
	switch (key) {
	case '.':
		f->target = f->events + 1;
		break;
	case '>':
		f->target = f->events + 1000;
		break;
	case 'E':
		f->target = UINT64_MAX;
		break;
	case 'W':
		f->to_worst = true;
		f->target = UINT64_MAX;
		break;
	case '<':
		if (!start(t)) {
			snprintf(t->message, sizeof(t->message), "replay: "
				 "%.150s", f->why);
			film_close(t);
			return true;
		}
		f->target = 0;
		show(t);
		return true;
	case 'c':
		f->shown = (f->shown + 1) % f->npolicies;
		dmap_forget(t, 0, UINT64_MAX);
		show(t);
		return true;
	case 'Z':
		film_close(t);
		snprintf(t->message, sizeof(t->message), "the replay is "
			 "closed: the source's own direct map");
		return true;
	default:
		return false;
	}
	/* a step runs at once; a long run goes on between keys */
	film_run(t, f->target - f->events <= 1000 ? 0 : 0.04);
	return true;
}

int film_lines(const struct tui *t)
{
	return !t->film.on ? 0 : t->film.expect[0] ? 3 : 2;
}

void film_kb(const struct tui *t, uint64_t kb[PTK_LEVEL_PUD + 1])
{
	struct ptk_replay_result res;

	ptk_replay_result(t->film.r, t->film.shown, &res);
	memcpy(kb, res.dm_kb, sizeof(res.dm_kb));
}

void film_draw(struct tui *t, struct canvas *c, int row)
{
	struct tui_film *f = &t->film;
	const char *name = strrchr(f->trace, '/');
	struct ptk_replay_result res;
	char vs[160] = "";

	ptk_replay_result(f->r, f->shown, &res);
	if (f->rep)
		snprintf(vs, sizeof(vs), "! where the model is not the "
			 "--expect dump: %" PRIu64 " of %" PRIu64 " pages (%s "
			 "has the causes)", f->rep->pages - f->rep->agree,
			 f->rep->pages, "replay --expect");
	canvas_put(c, row, 0, CA_TITLE, "replay %s, policy %s (c: %zu of %zu):"
		   " event %" PRIu64 "%s, line %" PRIu64 "%s%s",
		   name ? name + 1 : f->trace, ptk_policy_name(res.policy),
		   f->shown + 1, f->npolicies, f->events,
		   f->ended ? " (the end)" : "", f->line,
		   f->why[0] ? ": " : "", f->why);
	if (f->expect[0])
		canvas_put(c, row + 2, 0, f->rep ? CA_BAD : CA_ABSENT, "%s",
			   f->rep ? vs : "--expect: compared at the end");
	canvas_fill_attr(c, row, CA_TITLE);
	canvas_put(c, row + 1, 0, CA_NORMAL, "splits 1G %" PRIu64 " 2M %"
		   PRIu64 "  flushes %" PRIu64 "  pages out %" PRIu64 " (most %"
		   PRIu64 ")  worst DirectMap4k %" PRIu64 " kB, event %" PRIu64
		   "%s",
		   res.cpa.splits[3], res.cpa.splits[2], res.cpa.flush_calls,
		   res.unmapped, res.unmapped_max, res.worst_kb[1],
		   res.worst_event, f->ended ? "" : " so far");
}
