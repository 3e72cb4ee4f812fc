// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the regions view.  What each named region maps is counted
 * by walking it a GiB at a time under a time budget, so the view comes up
 * at once on any size of dump and fills in between keystrokes.
 */
#include <curses.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "tui.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double tui_now(void)
{
	return now();
}

void regions_open(struct tui *t)
{
	t->view = VIEW_REGIONS;
	regions_init(t);
	if (!t->rg.n)
		snprintf(t->message, sizeof(t->message), "the source names no "
			 "regions");
}

void regions_init(struct tui *t)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(t->s->src, &n);

	if (t->rg.n || t->rg.inited)
		return;
	t->rg.inited = true;
	for (size_t i = 0; i < n && t->rg.n < TUI_MAX_REGIONS; i++) {
		struct tui_region *r = &t->rg.r[t->rg.n++];

		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", rg[i].name);
		r->start = r->next = rg[i].start;
		r->end = rg[i].end;
	}
}

static enum ptk_status count_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct tui_region *r = priv;

	r->leaves[e->level]++;
	return PTK_OK;
}

static enum ptk_status count_run(const struct ptk_walk_entry *e, uint64_t n,
				 void *priv)
{
	struct tui_region *r = priv;

	r->leaves[e->level] += n;
	return PTK_OK;
}

static enum ptk_status skip_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *priv)
{
	struct tui_region *r = priv;

	(void)e;
	(void)why;
	r->bad++;
	return PTK_OK;
}

uint64_t tui_chunk_end(struct tui *t, uint64_t next, uint64_t limit,
		       bool *gap)
{
	uint64_t chunk = UINT64_C(1) << 30, end;
	struct ptk_xlat x;

	*gap = false;
	if (ptk_translate(t->src, &t->pg, next, &x) == PTK_OK) {
		*gap = x.result == PTK_XLAT_NONCANONICAL;
		if (x.result == PTK_XLAT_NOT_PRESENT && x.level >= 3)
			chunk = ptk_level_size(x.level);
	}
	ptk_ctx_clear_err(t->s->ctx);
	/* 0 is the top of the address space, for a chunk as for a limit */
	end = *gap ? ptk_noncanon_end(&t->pg) : (next & ~(chunk - 1)) + chunk;
	if (limit && (!end || end > limit))
		end = limit;
	return end;
}

/* One step of a region: a GiB, or a whole hole of a higher level. */
static void step(struct tui *t, struct tui_region *r)
{
	const struct ptk_walk_ops ops = {
		.leaf = count_leaf, .leaf_run = count_run, .bad = skip_bad,
	};
	bool gap;
	uint64_t end = tui_chunk_end(t, r->next, r->end, &gap);

	if (!gap && ptk_walk(t->src, &t->pg, r->next, end, &ops, r) != PTK_OK)
		r->bad++;
	ptk_ctx_clear_err(t->s->ctx);
	r->next = end;
	r->done = end == r->end;
}

/* Count for @budget seconds (0: to the end); true when all is counted. */
bool regions_step(struct tui *t, double budget)
{
	double until = now() + budget;

	for (unsigned i = 0; i < t->rg.n; i++) {
		struct tui_region *r = &t->rg.r[i];

		while (!r->done) {
			step(t, r);
			if (budget > 0 && now() > until)
				return false;
		}
	}
	return true;
}

bool regions_done(const struct tui *t)
{
	return !t->rg.n || t->rg.r[t->rg.n - 1].done;
}

bool regions_key(struct tui *t, int key)
{
	unsigned *c = &t->rg.cursor;

	switch (key) {
	case KEY_UP: case 'k': if (*c) (*c)--; return true;
	case KEY_DOWN: case 'j': if (*c + 1 < t->rg.n) (*c)++; return true;
	case KEY_HOME: *c = 0; return true;
	case KEY_END: *c = t->rg.n ? t->rg.n - 1 : 0; return true;
	case TUI_KEY_ENTER: case '\r': case KEY_ENTER:
		if (t->rg.n)
			tui_go_to(t, t->rg.r[*c].start);
		return true;
	default:
		return false;
	}
}

void regions_draw(struct tui *t, struct canvas *c)
{
	canvas_put(c, 1, 0, CA_HEADING, " %-22s %-18s %-7s %9s %8s %6s %4s",
		   "REGION", "START", "SIZE", "MAPPED", "4K", "2M", "1G");
	canvas_fill_attr(c, 1, CA_HEADING);
	for (unsigned i = 0; i < t->rg.n && 2 + (int)i < c->rows - 1; i++) {
		const struct tui_region *r = &t->rg.r[i];
		uint64_t mapped = (r->leaves[1] << 12) + (r->leaves[2] << 21) +
				  (r->leaves[3] << 30);
		char size[16], msize[16];

		fmt_size(size, sizeof(size), r->end - r->start);
		fmt_size(msize, sizeof(msize), mapped);
		canvas_put(c, 2 + (int)i, 0, r->done ? CA_NORMAL : CA_ABSENT,
			   "%c%-22.22s %016" PRIx64 "   %-7s %9s %8" PRIu64
			   " %6" PRIu64 " %4" PRIu64 "%s",
			   i == t->rg.cursor ? '>' : ' ', r->name, r->start,
			   size, mapped ? msize : "0", r->leaves[1], r->leaves[2],
			   r->leaves[3], r->done ? (r->bad ? "  bad entries" : "")
						 : "  counting");
		if (i == t->rg.cursor)
			canvas_fill_attr(c, 2 + (int)i, CA_CURSOR);
	}
}
