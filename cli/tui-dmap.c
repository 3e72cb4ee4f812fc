// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the direct map as a grid.  Each cell is a piece of RAM (2M,
 * 32M or 1G) drawn by how the direct map maps it; set_direct_map_invalid
 * and _default can be simulated on a cell and undone.  Pieces of 2M are
 * classified once and kept, so a keystroke costs the cells it changes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "dmcells.h"
#include "tui.h"

#define PIECE_SHIFT DM_PIECE_SHIFT

static const struct {
	char ch;
	enum cell_attr attr;
	const char *what;
} looks[P_N] = {
	[P_UNKNOWN] = { ' ', CA_NORMAL, "" },
	[P_NOTRAM] = { '.', CA_ABSENT, "not RAM" },
	[P_1G] = { 'G', CA_LEAF, "1G pages" },
	[P_2M] = { '2', CA_TABLE, "2M pages" },
	[P_4K] = { '4', CA_SPLIT, "split to 4K" },
	[P_PARTLY] = { 'p', CA_PARTLY, "partly unmapped" },
	[P_HOLE] = { 'x', CA_HOLE, "unmapped" },
	[P_BAD] = { '?', CA_BAD, "unreadable" },
};

static unsigned cell_shift(const struct tui *t)
{
	static const unsigned shifts[] = { 21, 25, 30 };	/* 2M 32M 1G */

	return shifts[t->dm.zoom];
}

static uint64_t ncells(const struct tui *t)
{
	unsigned sh = cell_shift(t);

	return (t->dm.ram_end + (UINT64_C(1) << sh) - 1) >> sh;
}

static bool is_ram(struct tui *t, uint64_t pa, uint64_t end)
{
	return dm_is_ram(t->src, pa, end);
}

static void classify_gib(struct tui *t, uint64_t gib)
{
	dm_class_gib(t->src, &t->pg, t->dm.base, gib,
		     t->dm.cache + (gib << 9));
}

static enum dm_piece piece(struct tui *t, uint64_t index)
{
	if (index >= t->dm.ncache)
		return P_NOTRAM;
	if (!t->dm.cache[index])
		classify_gib(t, index >> 9);
	return (enum dm_piece)t->dm.cache[index];
}

/* A cell of several pieces: holes first, then the smallest pages. */
static enum dm_piece cell(struct tui *t, uint64_t c)
{
	unsigned per = 1u << (cell_shift(t) - PIECE_SHIFT);
	bool seen[P_N] = { false };

	for (uint64_t i = c * per; i < (c + 1) * per; i++)
		seen[piece(t, i)] = true;
	if (seen[P_HOLE] && !seen[P_1G] && !seen[P_2M] && !seen[P_4K] &&
	    !seen[P_PARTLY])
		return P_HOLE;
	for (enum dm_piece p = P_N - 1; p > P_UNKNOWN; p--)
		if (p != P_HOLE && seen[p] && p != P_NOTRAM)
			return seen[P_HOLE] ? P_PARTLY : p;
	return seen[P_HOLE] ? P_HOLE : P_NOTRAM;
}

static void forget(struct tui *t, uint64_t pa, uint64_t end)
{
	/* a split moves a whole 1G page: forget all of it */
	uint64_t from = (pa >> 30 << 30) >> PIECE_SHIFT;
	uint64_t to = (((end + (UINT64_C(1) << 30) - 1) >> 30) << 30) >> PIECE_SHIFT;

	for (uint64_t i = from; i < to && i < t->dm.ncache; i++)
		t->dm.cache[i] = P_UNKNOWN;
}

void dmap_open(struct tui *t)
{
	const struct ptk_region *direct = region_named(t->s->src,
						       "Low Kernel Mapping");
	const struct ptk_region *text = region_named(t->s->src,
						     "High Kernel Mapping");
	struct ptk_dm_count count;
	if (!direct) {
		snprintf(t->message, sizeof(t->message), "no direct map known "
			 "(ptkit info says why)");
		return;
	}
	t->view = VIEW_DIRECTMAP;
	if (t->dm.known)
		return;
	t->dm.known = true;
	t->dm.base = direct->start;
	t->dm.ram_end = ptk_source_ram_end(t->s->src);
	t->dm.ncache = (size_t)((t->dm.ram_end + (UINT64_C(1) << 30) - 1) >>
				PIECE_SHIFT);
	t->dm.cache = calloc(t->dm.ncache ? t->dm.ncache : 1, 1);
	if (!t->dm.cache)
		t->dm.ncache = 0;	/* every piece is then "not RAM" */
	/* once: the kernel's counters move only by splits after this */
	if (ptk_dm_count(t->src, &t->pg, direct->start, direct->end,
			 text ? text->start : 0, text ? text->end : 0,
			 &count) == PTK_OK) {
		ptk_dm_meminfo_kb(&count, t->dm.kb);
		t->dm.counted = true;
	}
	ptk_ctx_clear_err(t->s->ctx);
}

static void simulate(struct tui *t, enum ptk_cpa_call call)
{
	unsigned sh = cell_shift(t);
	uint64_t pa = t->dm.cursor << sh, end = pa + (UINT64_C(1) << sh);
	struct ptk_cpa_result res = { 0 };
	struct tui_dmap *dm = &t->dm;
	enum ptk_status st;

	if (end > dm->ram_end)
		end = dm->ram_end;
	if (!is_ram(t, pa, end) || dm->nundo == sizeof(dm->undo) / sizeof(dm->undo[0])) {
		snprintf(t->message, sizeof(t->message), "%s", dm->nundo ?
			 "no RAM here, or too many calls to undo" : "no RAM here");
		return;
	}
	if (!t->edit) {
		st = ptk_edit_new(t->s->src, &t->s->pg, &t->edit);
		if (st == PTK_OK)
			ptk_cpa_set_max_pfn_mapped(t->edit, dm->base,
						   session_max_pfn_mapped(t->s));
		if (st != PTK_OK) {
			snprintf(t->message, sizeof(t->message), "%s",
				 ptk_ctx_err(t->s->ctx));
			return;
		}
		t->src = ptk_edit_source(t->edit);
	}
	dm->undo[dm->nundo].journal = ptk_edit_journal_len(t->edit);
	memcpy(dm->undo[dm->nundo].kb, dm->kb, sizeof(dm->kb));
	st = ptk_cpa(t->edit, dm->base, call, pa >> 12, (end - pa) >> 12, &res);
	if (st != PTK_OK) {
		snprintf(t->message, sizeof(t->message), "%s",
			 ptk_ctx_err(t->s->ctx));
		ptk_ctx_clear_err(t->s->ctx);
		while (ptk_edit_journal_len(t->edit) > dm->undo[dm->nundo].journal)
			ptk_edit_undo(t->edit);
	} else {
		dm->nundo++;
		dm->calls++;
		/* as the kernel's split_page_count(): sizes move on splits */
		ptk_dm_split_kb(dm->kb, res.splits[3], res.splits[2]);
		snprintf(t->message, sizeof(t->message), "set_direct_map_%s on "
			 "%" PRIu64 " pages: %" PRIu64 " 1G and %" PRIu64 " 2M "
			 "splits, %" PRIu64 " flushes",
			 call == PTK_CPA_INVALID ? "invalid_noflush"
						 : "default_noflush",
			 (end - pa) >> 12, res.splits[3], res.splits[2],
			 res.flush_calls);
	}
	ptk_cpa_result_release(&res);
	ptk_edit_paging(t->edit, &t->pg);
	t->space[0] = '\0';	/* the kernel's tables, with the call */
	forget(t, pa, end);
	tui_reload(t);
}

static void undo(struct tui *t)
{
	struct tui_dmap *dm = &t->dm;

	if (!dm->nundo) {
		snprintf(t->message, sizeof(t->message), "nothing to undo");
		return;
	}
	dm->nundo--;
	while (ptk_edit_journal_len(t->edit) > dm->undo[dm->nundo].journal)
		if (ptk_edit_undo(t->edit) != PTK_OK)
			break;
	memcpy(dm->kb, dm->undo[dm->nundo].kb, sizeof(dm->kb));
	dm->calls--;
	ptk_edit_paging(t->edit, &t->pg);
	t->space[0] = '\0';
	forget(t, 0, dm->ram_end);
	tui_reload(t);
	snprintf(t->message, sizeof(t->message), "undone");
}

void dmap_save(struct tui *t, const char *path)
{
	struct table_pages tp;
	enum ptk_status st;

	table_pages_init(&tp);
	st = table_pages_collect(&tp, t->s, t->src, &t->pg);
	if (st == PTK_OK)
		st = write_image(t->src, &t->pg, tp.pfn, tp.n, path);
	if (st == PTK_OK)
		snprintf(t->message, sizeof(t->message), "saved %zu table pages "
			 "to %.100s", tp.n, path);
	else
		snprintf(t->message, sizeof(t->message), "%s",
			 ptk_ctx_err(t->s->ctx));
	ptk_ctx_clear_err(t->s->ctx);
	table_pages_release(&tp);
}

bool dmap_key(struct tui *t, int key)
{
	struct tui_dmap *dm = &t->dm;
	uint64_t n = ncells(t), per = dm->per_row ? dm->per_row : 1;
	long long c = (long long)dm->cursor;

	if (film_key(t, key))
		return true;
	if (t->film.on && (key == 'x' || key == 'b' || key == 'u')) {
		snprintf(t->message, sizeof(t->message), "not while a replay "
			 "plays (Z closes it)");
		return true;
	}
	switch (key) {
	case KEY_LEFT: case 'h': c--; break;
	case KEY_RIGHT: case 'l': c++; break;
	case KEY_UP: case 'k': c -= (long long)per; break;
	case KEY_DOWN: case 'j': c += (long long)per; break;
	case KEY_PPAGE: c -= (long long)(per * 8); break;
	case KEY_NPAGE: case ' ': c += (long long)(per * 8); break;
	case KEY_HOME: c = 0; break;
	case KEY_END: c = (long long)n - 1; break;
	case '+': case '-': {
		unsigned old = cell_shift(t);

		if (key == '-' && dm->zoom < 2)
			dm->zoom++;
		else if (key == '+' && dm->zoom > 0)
			dm->zoom--;
		c = (long long)((dm->cursor << old) >> cell_shift(t));
		dm->top = 0;
		break;
	}
	case TUI_KEY_ENTER: case '\r': case KEY_ENTER:
		tui_go_to(t, dm->base + (dm->cursor << cell_shift(t)));
		return true;
	case 'x': simulate(t, PTK_CPA_INVALID); return true;
	case 'b': simulate(t, PTK_CPA_DEFAULT); return true;
	case 'm': {
		unsigned sh = cell_shift(t);
		uint64_t pa = dm->cursor << sh, end = pa + (UINT64_C(1) << sh);
		char what[64];

		if (end > dm->ram_end)
			end = dm->ram_end;
		snprintf(what, sizeof(what), "the %s cell at %#" PRIx64,
			 sh == 21 ? "2M" : sh == 25 ? "32M" : "1G", pa);
		rmap_open(t, pa >> PTK_PAGE_SHIFT,
			  (end - pa) >> PTK_PAGE_SHIFT, what);
		return true;
	}
	case 'u': undo(t); return true;
	default:
		return false;
	}
	dm->cursor = c < 0 ? 0 : (uint64_t)c >= n ? n - 1 : (uint64_t)c;
	return true;
}

void dmap_draw(struct tui *t, struct canvas *c)
{
	struct tui_dmap *dm = &t->dm;
	unsigned sh = cell_shift(t);
	int grid = c->rows - 5 - film_lines(t), avail = c->cols - 13;
	uint64_t kb[PTK_LEVEL_PUD + 1];
	uint64_t n = ncells(t), per = 1, pa;
	enum dm_piece here;
	int col;

	while (per * 2 <= 64 && (int)(per * 2) <= avail)
		per *= 2;
	dm->per_row = (unsigned)per;
	if (grid < 1)
		grid = 1;
	if (dm->cursor / per < dm->top)
		dm->top = dm->cursor / per;
	if (dm->cursor / per >= dm->top + (uint64_t)grid)
		dm->top = dm->cursor / per - (uint64_t)grid + 1;
	canvas_put(c, 1, 0, CA_HEADING, "direct map at %#" PRIx64 ": %s per "
		   "cell, %" PRIu64 " per row%s", dm->base,
		   sh == 21 ? "2M" : sh == 25 ? "32M" : "1G", per,
		   dm->calls ? " (with simulated calls)" : "");
	canvas_fill_attr(c, 1, CA_HEADING);
	for (int r = 0; r < grid; r++) {
		uint64_t row = dm->top + (uint64_t)r;

		if (row * per >= n)
			break;
		canvas_put(c, 2 + r, 0, CA_NORMAL, "0x%010" PRIx64 " ",
			   (row * per) << sh);
		for (uint64_t i = 0; i < per && row * per + i < n; i++) {
			uint64_t idx = row * per + i;
			enum dm_piece p = cell(t, idx);
			/* a film's last frame: where the model and the
			 * later dump disagree */
			bool differs = film_differs(t, idx << sh,
						   (idx + 1) << sh);

			canvas_put(c, 2 + r, 13 + (int)i,
				   idx == dm->cursor ? CA_CURSOR :
				   differs ? CA_BAD : looks[p].attr,
				   "%c", differs ? '!' : looks[p].ch);
		}
	}
	col = 0;
	for (enum dm_piece p = P_NOTRAM; p < P_N; p++) {
		col = canvas_put(c, c->rows - 3, col, looks[p].attr, "%c",
				 looks[p].ch);
		col = canvas_put(c, c->rows - 3, col, CA_NORMAL, " %s  ",
				 looks[p].what);
	}
	memcpy(kb, dm->kb, sizeof(kb));
	if (t->film.on) {
		film_draw(t, c, c->rows - 3 - film_lines(t));
		film_kb(t, kb);
	}
	if (dm->counted || t->film.on)
		canvas_put(c, c->rows - 2, 0, CA_NORMAL, "DirectMap4k: %" PRIu64
			   " kB  DirectMap2M: %" PRIu64 " kB  DirectMap1G: %"
			   PRIu64 " kB", kb[PTK_LEVEL_PTE], kb[PTK_LEVEL_PMD],
			   kb[PTK_LEVEL_PUD]);
	pa = dm->cursor << sh;
	here = cell(t, dm->cursor);
	if (!t->message[0])
		snprintf(t->message, sizeof(t->message), "%#" PRIx64 "-%#"
			 PRIx64 " (pfn %#" PRIx64 "): %s", pa,
			 pa + (UINT64_C(1) << sh), pa >> 12, looks[here].what);
}

void dmap_show_pa(struct tui *t, uint64_t pa)
{
	dmap_open(t);
	if (t->view != VIEW_DIRECTMAP)
		return;
	t->dm.cursor = pa >> cell_shift(t);
	if (t->dm.cursor >= ncells(t))
		t->dm.cursor = ncells(t) ? ncells(t) - 1 : 0;
}

void dmap_forget(struct tui *t, uint64_t pa, uint64_t end)
{
	if (end > t->dm.ram_end)
		end = t->dm.ram_end;
	if (t->dm.cache && pa < end)
		forget(t, pa, end);
}
