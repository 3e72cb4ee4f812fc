// SPDX-License-Identifier: MIT
/*
 * ptkit tui: who maps a frame.  On a leaf or a cell of the grid, every
 * mapping of its frames in the kernel's tables and each process's user
 * half, as ptkit rmap finds them (one walk of each space), the mappings of
 * consecutive frames merged into runs; Enter goes to one.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void rmap_close(struct tui *t)
{
	ptk_rmap_recs_release(&t->rm.recs);
	ptk_rmap_spaces_release(&t->rm.sp);
	free(t->rm.runs);
	memset(&t->rm, 0, sizeof(t->rm));
}

void rmap_open(struct tui *t, uint64_t pfn, uint64_t n, const char *what)
{
	struct tui_rmap *rm = &t->rm;
	const char *why = NULL;
	enum ptk_status st;

	rmap_close(t);
	rm->pfns = (struct ptk_range){ pfn, pfn + n };
	snprintf(rm->what, sizeof(rm->what), "%s", what);
	/* the processes are a bonus: without them, the kernel's mappings */
	if (session_spaces(t->s, &rm->sp, &why) != EXIT_OK) {
		snprintf(t->message, sizeof(t->message), "out of memory");
		return;
	}
	st = ptk_rmap_collect(t->src, &rm->sp,
			      region_named(t->s->src, "Low Kernel Mapping"),
			      &rm->pfns, 1, &rm->recs);
	if (st == PTK_OK)
		st = ptk_rmap_runs(&rm->recs, &rm->pfns, &rm->runs, &rm->n);
	if (st != PTK_OK) {
		snprintf(t->message, sizeof(t->message), "%.150s",
			 ptk_ctx_err(t->s->ctx));
		ptk_ctx_clear_err(t->s->ctx);
		rmap_close(t);
		return;
	}
	t->up = t->view == VIEW_DIRECTMAP ? VIEW_DIRECTMAP : VIEW_TABLE;
	t->view = VIEW_RMAP;
	if (why)
		snprintf(t->message, sizeof(t->message), "kernel mappings "
			 "only: %.120s", why);
}

/* "kernel", or "pid 193 rdhelper" */
static const char *space_name(const struct tui *t, size_t space, char *buf,
			      size_t len)
{
	const struct ptk_task *k = t->rm.sp.task[space];

	if (!k)
		return "kernel";
	snprintf(buf, len, "pid %" PRId32 " %s", k->tgid, k->comm);
	return buf;
}

bool rmap_key(struct tui *t, int key)
{
	struct tui_rmap *rm = &t->rm;
	long page = t->rows > 5 ? t->rows - 5 : 1;
	const struct ptk_rmap_run *r;
	char space[48];

	if (tui_list_move(key, &rm->cursor, rm->n, page))
		return true;
	if (key != TUI_KEY_ENTER && key != '\r' && key != KEY_ENTER &&
	    key != KEY_RIGHT && key != 'l')
		return false;
	if (!rm->n)
		return true;
	r = &rm->runs[rm->cursor];
	if (!r->space)
		tui_show_space(t, tui_kernel_root(t), "");
	else
		tui_show_space(t, rm->sp.space[r->space].pg.root,
			       space_name(t, r->space, space, sizeof(space)));
	tui_go_to(t, r->va);
	return true;
}

/* The region an address of the kernel's is in, or "". */
static const char *region_of(struct tui *t, uint64_t va)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(t->s->src, &n);

	for (size_t i = 0; i < n; i++)
		if (va >= rg[i].start && (va < rg[i].end || !rg[i].end))
			return rg[i].name;
	return "";
}

void rmap_draw(struct tui *t, struct canvas *c)
{
	struct tui_rmap *rm = &t->rm;
	int lines = c->rows - 4;
	char last[24] = "";

	if (lines < 1)
		lines = 1;
	if (rm->pfns.end - rm->pfns.start > 1)
		snprintf(last, sizeof(last), "-%#" PRIx64, rm->pfns.end - 1);
	if (rm->cursor < rm->top)
		rm->top = rm->cursor;
	if (rm->cursor >= rm->top + (size_t)lines)
		rm->top = rm->cursor - (size_t)lines + 1;
	canvas_put(c, 1, 0, CA_HEADING, "who maps pfn %#" PRIx64 "%s (%s): "
		   "%zu mapping%s%s", rm->pfns.start, last, rm->what, rm->n,
		   rm->n == 1 ? "" : "s",
		   rm->recs.missing ? ", some frames not in the direct map" : "");
	canvas_fill_attr(c, 1, CA_HEADING);
	canvas_put(c, 2, 0, CA_HEADING, " %-22s %-18s %8s %-3s %-20s %s",
		   "SPACE", "VIRTUAL", "PAGES", "PG", "FLAGS", "FROM PFN");
	for (int r = 0; r < lines && rm->top + (size_t)r < rm->n; r++) {
		size_t i = rm->top + (size_t)r;
		const struct ptk_rmap_run *run = &rm->runs[i];
		char space[48], flags[96];

		flag_words(flags, sizeof(flags), run->eff, 0, false);
		canvas_put(c, 3 + r, 0, run->space ? CA_LEAF : CA_NORMAL,
			   "%c%-22.22s %016" PRIx64 "   %8" PRIu64 " %-3s "
			   "%-20.20s %#" PRIx64 "%s%s%s",
			   i == rm->cursor ? '>' : ' ',
			   space_name(t, run->space, space, sizeof(space)),
			   run->va, run->pages, page_name(run->level), flags,
			   run->pfn, run->space ? "" : "  [",
			   run->space ? "" : region_of(t, run->va),
			   run->space ? "" : "]");
		if (i == rm->cursor)
			canvas_fill_attr(c, 3 + r, CA_CURSOR);
	}
	if (!rm->n)
		canvas_put(c, 3, 0, CA_ABSENT, "  no mapping of these frames");
}
