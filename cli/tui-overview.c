// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the overview, the first screen.  What the source is, its
 * regions and what they map, the DirectMap lines, what ptkit check finds
 * and the holes ptkit unmapped lists, each line a way into the view that
 * shows it.  The counts, the holes and the audit are worked out a piece at
 * a time between keys, so the screen comes up at once on any dump and
 * fills in.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "tui.h"

/* What a line of the overview is, and where Enter on it goes. */
enum line_kind { L_TEXT, L_HEADING, L_TABLES, L_REGION, L_DIRECTMAP,
		 L_FINDING, L_HOLE };

struct line {
	enum line_kind kind;
	size_t index;		/* of the region, finding or hole */
};

void overview_open(struct tui *t)
{
	struct tui_overview *ov = &t->ov;
	const struct ptk_region *direct;

	t->view = VIEW_OVERVIEW;
	if (ov->opened)
		return;
	ov->opened = true;
	regions_init(t);
	direct = region_named(t->s->src, "Low Kernel Mapping");
	ov->has_direct = direct != NULL;
	ov->page_offset = direct ? direct->start : 0;
	ov->phase = OV_DIRECTMAP;
}

void overview_close(struct tui *t)
{
	ptk_check_free(t->ov.check);
	free(t->ov.holes);
	free(t->ov.findings);
	memset(&t->ov, 0, sizeof(t->ov));
}

bool overview_done(const struct tui *t)
{
	return !t->ov.opened || t->ov.phase == OV_DONE;
}

/*
 * DirectMap4k/2M/1G as the kernel's counters hold them: the kernel
 * image's splits first, then the direct map a piece at a time (the
 * counts of GiB-aligned pieces add up to the whole's).
 */
static void count_direct_map(struct tui *t)
{
	struct tui_overview *ov = &t->ov;
	const struct ptk_region *direct = region_named(t->s->src,
						       "Low Kernel Mapping");
	const struct ptk_region *text = region_named(t->s->src,
						     "High Kernel Mapping");
	struct ptk_dm_count piece;
	uint64_t start, end;
	bool gap;

	if (!direct) {
		ov->phase = OV_REGIONS;
		return;
	}
	if (!ov->dm_next) {
		memset(&ov->dm, 0, sizeof(ov->dm));
		if (text && ptk_dm_count(t->src, &t->pg, 0, 0, text->start,
					 text->end, &piece) == PTK_OK)
			ov->dm.text_splits = piece.text_splits;
		ov->dm_next = direct->start;
	}
	start = ov->dm_next;
	end = tui_chunk_end(t, start, direct->end, &gap);
	if (!gap && ptk_dm_count(t->src, &t->pg, start, end, 0, 0,
				 &piece) == PTK_OK) {
		for (unsigned l = PTK_LEVEL_PTE; l <= PTK_LEVEL_PUD; l++) {
			ov->dm.pages[l] += piece.pages[l];
			ov->dm.present[l] += piece.present[l];
		}
	}
	ptk_ctx_clear_err(t->s->ctx);
	ov->dm_next = end;
	if (end == direct->end) {
		ptk_dm_meminfo_kb(&ov->dm, ov->kb);
		ov->text_splits = ov->dm.text_splits;
		ov->dm_counted = true;
		ov->phase = OV_REGIONS;
	}
}

static enum ptk_status keep_hole(const struct ptk_hole *h, void *priv)
{
	struct tui_overview *ov = priv;

	ov->holes_total++;
	ov->hole_pages += (h->end - h->va) >> PTK_PAGE_SHIFT;
	if (ov->nholes == TUI_MAX_KEPT)
		return PTK_OK;
	if (ov->nholes == ov->capholes) {
		size_t cap = ov->capholes ? 2 * ov->capholes : 64;
		struct tui_hole *p = realloc(ov->holes, cap * sizeof(*p));

		if (!p)
			return PTK_OK;	/* counted, not listed */
		ov->holes = p;
		ov->capholes = cap;
	}
	ov->holes[ov->nholes].h = *h;
	ov->holes[ov->nholes++].what[0] = '\0';
	return PTK_OK;
}

static enum ptk_status hole_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;	/* a hole; ptkit check names the entry */
}

/* A piece of the direct map over RAM range ov->ram_i. */
static void holes_step(struct tui *t)
{
	static const struct ptk_holes_ops ops = {
		.hole = keep_hole, .bad = hole_bad,
	};
	struct tui_overview *ov = &t->ov;
	const uint64_t mask = PTK_PAGE_SIZE - 1;
	size_t nram;
	const struct ptk_range *ram = ptk_source_ram(t->s->src, &nram);
	uint64_t start, end, stop;
	bool gap;

	if (!ov->has_direct || ov->ram_i >= nram) {
		if (ov->has_direct)
			ptk_holes_end(&ov->hw);
		ov->phase = OV_KINDS;
		return;
	}
	if (!ov->ram_i && !ov->hole_next)
		ptk_holes_begin(&ov->hw, &ops, ov);
	start = ov->page_offset + (ram[ov->ram_i].start & ~mask);
	stop = ov->page_offset + ((ram[ov->ram_i].end + mask) & ~mask);
	if (ov->hole_next > start)
		start = ov->hole_next;
	end = tui_chunk_end(t, start, stop, &gap);
	ptk_holes_range(&ov->hw, t->src, &t->pg, start, end);
	ptk_ctx_clear_err(t->s->ctx);
	ov->hole_next = end;
	if (end == stop) {
		ov->ram_i++;
		ov->hole_next = 0;
	}
}

/* What the holes' pages are, from their struct pages, as ptkit unmapped
 * says: in one step, as it needs every table page (they are pages too). */
static void kinds_step(struct tui *t)
{
	struct tui_overview *ov = &t->ov;
	struct attrib a;

	ov->phase = OV_SYMBOLS;
	if (!ov->nholes || !attrib_open(&a, t->s)) {
		if (ov->nholes)
			attrib_close(&a);
		return;
	}
	for (size_t i = 0; i < ov->nholes; i++) {
		const struct ptk_hole *h = &ov->holes[i].h;
		uint64_t count[PTK_PAGE_NKINDS];

		attrib_count(&a, (h->va - ov->page_offset) >> PTK_PAGE_SHIFT,
			     (h->end - ov->page_offset) >> PTK_PAGE_SHIFT, count);
		attrib_text(ov->holes[i].what, sizeof(ov->holes[i].what),
			    count);
	}
	attrib_close(&a);
}

/* The kernel's symbols, BTF and the modules' symbols, read by the
 * session's thread (session_preload()): the audit's findings name
 * symbols, so it waits for them; keys do not. */
static void symbols_step(struct tui *t)
{
	if (!session_preloading(t->s))
		t->ov.phase = OV_CHECK;
}

bool overview_waiting(struct tui *t)
{
	return t->ov.opened && t->ov.phase == OV_SYMBOLS &&
	       session_preloading(t->s);
}

static enum ptk_status keep_finding(const struct ptk_finding *f, void *priv)
{
	struct tui_overview *ov = priv;

	ov->findings_total++;
	if (ov->nfindings == TUI_MAX_KEPT)
		return PTK_OK;
	if (ov->nfindings == ov->capfindings) {
		size_t cap = ov->capfindings ? 2 * ov->capfindings : 64;
		struct tui_finding *p = realloc(ov->findings,
						cap * sizeof(*p));

		if (!p)
			return PTK_OK;
		ov->findings = p;
		ov->capfindings = cap;
	}
	ov->findings[ov->nfindings++] = (struct tui_finding){
		f->kind, f->va, f->end, f->count, f->level };
	return PTK_OK;
}

/* A piece of the audit, in address order from 0 to the top. */
static void check_step(struct tui *t)
{
	struct tui_overview *ov = &t->ov;
	enum ptk_status st = PTK_OK;
	uint64_t end;
	bool gap;

	if (!ov->check &&
	    ptk_check_new(t->src, &t->pg, keep_finding, ov, &ov->check) !=
		    PTK_OK) {
		snprintf(ov->why_not, sizeof(ov->why_not), "%s",
			 ptk_ctx_err(t->s->ctx));
		ptk_ctx_clear_err(t->s->ctx);
		ov->phase = OV_DONE;
		return;
	}
	end = tui_chunk_end(t, ov->check_next, 0, &gap);
	if (!gap)
		st = ptk_check_range(ov->check, ov->check_next, end);
	if (st == PTK_OK && !end)
		st = ptk_check_finish(ov->check);
	if (st != PTK_OK) {
		snprintf(ov->why_not, sizeof(ov->why_not), "%s",
			 ptk_ctx_err(t->s->ctx));
		end = 0;
	}
	ptk_ctx_clear_err(t->s->ctx);
	ov->check_next = end;
	if (!end)
		ov->phase = OV_DONE;
}

bool overview_step(struct tui *t, double budget)
{
	struct tui_overview *ov = &t->ov;
	double until = tui_now() + budget;

	while (ov->opened && ov->phase != OV_DONE) {
		switch (ov->phase) {
		case OV_DIRECTMAP:
			count_direct_map(t);
			break;
		case OV_REGIONS:
			/* (a budget of 0 would mean to the end) */
			if (regions_step(t, budget > 0 ?
					 (until > tui_now() + 1e-4 ?
					  until - tui_now() : 1e-4) : 0))
				ov->phase = OV_HOLES;
			break;
		case OV_HOLES:
			holes_step(t);
			break;
		case OV_KINDS:
			kinds_step(t);
			break;
		case OV_SYMBOLS:
			symbols_step(t);
			if (ov->phase == OV_SYMBOLS)
				return false;	/* the thread is at work */
			break;
		case OV_CHECK:
			check_step(t);
			break;
		case OV_DONE:
			break;
		}
		if (budget > 0 && tui_now() > until)
			return ov->phase == OV_DONE;
	}
	return true;
}

/* The lines, as the overview draws them (NULL @out: only count them). */
static unsigned make_lines(struct tui *t, struct line *out)
{
	struct tui_overview *ov = &t->ov;
	unsigned n = 0;

#define ADD(k, i)                                                          \
	do {                                                               \
		if (out)                                                   \
			out[n] = (struct line){ (k), (i) };                \
		n++;                                                       \
	} while (0)
	ADD(L_TABLES, 0);	/* the source */
	ADD(L_TABLES, 1);	/* paging and root */
	ADD(L_TEXT, 2);		/* kernel */
	ADD(L_TEXT, 3);		/* RAM */
	ADD(L_HEADING, 0);	/* regions */
	for (unsigned i = 0; i < t->rg.n; i++)
		ADD(L_REGION, i);
	ADD(L_HEADING, 1);	/* direct map */
	ADD(L_DIRECTMAP, 0);
	if (ov->text_splits)
		ADD(L_DIRECTMAP, 1);
	ADD(L_HEADING, 2);	/* check */
	for (size_t i = 0; i < ov->nfindings; i++)
		ADD(L_FINDING, i);
	if (ov->findings_total > ov->nfindings)
		ADD(L_TEXT, 4);		/* and more */
	ADD(L_HEADING, 3);	/* unmapped */
	for (size_t i = 0; i < ov->nholes; i++)
		ADD(L_HOLE, i);
	if (ov->holes_total > ov->nholes)
		ADD(L_TEXT, 5);
#undef ADD
	return n;
}

static bool selectable(const struct line *l)
{
	return l->kind != L_TEXT && l->kind != L_HEADING;
}

/* The first mapped address of [start, end), if any. */
static enum ptk_status first_leaf(const struct ptk_walk_entry *e, void *priv)
{
	*(uint64_t *)priv = e->va;
	return PTK_STOP;
}

static enum ptk_status first_run(const struct ptk_walk_entry *e, uint64_t n,
				 void *priv)
{
	(void)n;
	return first_leaf(e, priv);
}

static enum ptk_status skip_bad(const struct ptk_walk_entry *e,
				enum ptk_status why, void *priv)
{
	(void)e;
	(void)why;
	(void)priv;
	return PTK_OK;
}

static void open_region(struct tui *t, const struct tui_region *r)
{
	static const struct ptk_walk_ops ops = {
		.leaf = first_leaf, .leaf_run = first_run, .bad = skip_bad,
	};
	uint64_t va = r->start;

	if (ptk_walk(t->src, &t->pg, r->start, r->end, &ops, &va) != PTK_STOP) {
		ptk_ctx_clear_err(t->s->ctx);
		tui_go_to(t, r->start);
		snprintf(t->message, sizeof(t->message), "%s maps nothing",
			 r->name);
		return;
	}
	tui_go_to(t, va);
	snprintf(t->message, sizeof(t->message), "%s: its first mapping",
		 r->name);
}

static void enter(struct tui *t, const struct line *l)
{
	struct tui_overview *ov = &t->ov;

	switch (l->kind) {
	case L_TABLES:
		tui_show_space(t, tui_kernel_root(t), "");
		break;
	case L_REGION:
		open_region(t, &t->rg.r[l->index]);
		break;
	case L_DIRECTMAP:
		t->up = VIEW_OVERVIEW;
		dmap_open(t);
		break;
	case L_FINDING:
		tui_go_to_entry(t, ov->findings[l->index].va,
				ov->findings[l->index].level);
		break;
	case L_HOLE:
		t->up = VIEW_OVERVIEW;
		dmap_show_pa(t, ov->holes[l->index].h.va - ov->page_offset);
		break;
	default:
		break;
	}
}

/* Move the cursor by @dir selectable lines (clamped). */
static void move_lines(struct tui *t, const struct line *l, unsigned n,
		       long dir)
{
	unsigned *c = &t->ov.cursor;
	long steps = dir < 0 ? -dir : dir;

	while (steps--) {
		long i = (long)*c;

		do
			i += dir < 0 ? -1 : 1;
		while (i >= 0 && i < (long)n && !selectable(&l[i]));
		if (i < 0 || i >= (long)n)
			break;
		*c = (unsigned)i;
	}
}

bool overview_key(struct tui *t, int key)
{
	unsigned n = make_lines(t, NULL);
	struct line *l = calloc(n, sizeof(*l));
	long page = t->rows > 4 ? t->rows - 4 : 1;
	bool used = true;

	if (!l)
		return false;
	make_lines(t, l);
	if (t->ov.cursor >= n || !selectable(&l[t->ov.cursor]))
		t->ov.cursor = 0;
	switch (key) {
	case KEY_UP: case 'k': move_lines(t, l, n, -1); break;
	case KEY_DOWN: case 'j': move_lines(t, l, n, 1); break;
	case KEY_PPAGE: move_lines(t, l, n, -page); break;
	case KEY_NPAGE: case ' ': move_lines(t, l, n, page); break;
	case KEY_HOME: t->ov.cursor = 0; break;
	case KEY_END: move_lines(t, l, n, (long)n); break;
	case TUI_KEY_ENTER: case '\r': case KEY_ENTER: case KEY_RIGHT: case 'l':
		enter(t, &l[t->ov.cursor]);
		break;
	default:
		used = false;
	}
	free(l);
	return used;
}

/* "wx 2, bad-entry 1" and the entries in all, as ptkit check counts. */
static uint64_t kinds_text(const struct tui_overview *ov, char *buf,
			   size_t len)
{
	size_t at = 0;
	uint64_t total = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < PTK_FIND_NKINDS && ov->check; k++) {
		uint64_t c = ptk_check_count(ov->check, k);

		total += c;
		if (c && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s %" PRIu64,
					       at ? ", " : "",
					       ptk_finding_name(k), c);
	}
	return total;
}

static void draw_heading(struct tui *t, struct canvas *c, int row, size_t i)
{
	struct tui_overview *ov = &t->ov;
	char size[32], kinds[160];
	uint64_t total;

	switch (i) {
	case 0:
		canvas_put(c, row, 0, CA_HEADING, " %-24s %10s %8s %6s %4s",
			   "REGIONS", "MAPPED", "4K", "2M", "1G");
		break;
	case 1:
		canvas_put(c, row, 0, CA_HEADING, " DIRECT MAP%s",
			   ov->has_direct ? "" : ": none known (ptkit info "
						 "says why)");
		break;
	case 2:
		total = kinds_text(ov, kinds, sizeof(kinds));
		if (ov->why_not[0])
			canvas_put(c, row, 0, CA_HEADING, " CHECK: stopped: %s",
				   ov->why_not);
		else if (ov->phase <= OV_CHECK)
			canvas_put(c, row, 0, CA_HEADING, " CHECK: %" PRIu64
				   " findings so far%s%s%s, checking", total,
				   kinds[0] ? " (" : "", kinds,
				   kinds[0] ? ")" : "");
		else if (!total)
			canvas_put(c, row, 0, CA_HEADING, " CHECK: passed: no "
				   "W+X or user-accessible kernel mappings, no "
				   "bad entries, no shared tables");
		else
			canvas_put(c, row, 0, CA_HEADING, " CHECK: %" PRIu64
				   " finding%s (%s) in %" PRIu64 " run%s", total,
				   total == 1 ? "" : "s", kinds,
				   ov->findings_total,
				   ov->findings_total == 1 ? "" : "s");
		break;
	default:
		fmt_size(size, sizeof(size), ov->hole_pages << PTK_PAGE_SHIFT);
		if (!ov->has_direct)
			canvas_put(c, row, 0, CA_HEADING, " UNMAPPED: no direct "
				   "map known");
		else
			canvas_put(c, row, 0, CA_HEADING, " UNMAPPED: %" PRIu64
				   " hole%s, %" PRIu64 " pages (%s) of RAM the "
				   "direct map does not map%s",
				   ov->holes_total, ov->holes_total == 1 ? "" : "s",
				   ov->hole_pages, ov->hole_pages ? size : "0",
				   ov->phase <= OV_HOLES ? ", looking" : "");
		break;
	}
	canvas_fill_attr(c, row, CA_HEADING);
}

static void draw_source(struct tui *t, struct canvas *c, int row, size_t i)
{
	struct session *s = t->s;
	char release[65], version[65], size[32];
	size_t nram;
	const struct ptk_range *ram;
	uint64_t total = 0;

	switch (i) {
	case 4:
		canvas_put(c, row, 0, CA_ABSENT, "   and %" PRIu64 " more: "
			   "ptkit check lists them all",
			   t->ov.findings_total - t->ov.nfindings);
		break;
	case 5:
		canvas_put(c, row, 0, CA_ABSENT, "   and %" PRIu64 " more: "
			   "ptkit unmapped lists them all",
			   t->ov.holes_total - t->ov.nholes);
		break;
	case 0:
		canvas_put(c, row, 0, CA_NORMAL, " source   %s (%s)",
			   ptk_source_name(s->src), ptk_source_format(s->src));
		break;
	case 1:
		canvas_put(c, row, 0, CA_NORMAL, " paging   %u-level, root "
			   "%#" PRIx64 " from %s", t->pg.levels, t->pg.root,
			   s->why.root);
		break;
	case 2:
		if (session_uts(s, release, version))
			canvas_put(c, row, 0, CA_NORMAL, " kernel   %s %s",
				   release, version);
		else
			canvas_put(c, row, 0, CA_ABSENT, " kernel   not "
				   "known (no VMCOREINFO release)");
		break;
	case 3:
		ram = ptk_source_ram(s->src, &nram);
		for (size_t k = 0; k < nram; k++)
			total += ram[k].end - ram[k].start;
		fmt_size(size, sizeof(size), total);
		canvas_put(c, row, 0, CA_NORMAL, " RAM      %s in %zu range%s",
			   total ? size : "0", nram, nram == 1 ? "" : "s");
		break;
	}
}

static void draw_region(struct tui *t, struct canvas *c, int row, size_t i,
			bool at)
{
	const struct tui_region *r = &t->rg.r[i];
	uint64_t mapped = (r->leaves[1] << 12) + (r->leaves[2] << 21) +
			  (r->leaves[3] << 30);
	char msize[16];

	fmt_size(msize, sizeof(msize), mapped);
	canvas_put(c, row, 0, r->done ? CA_NORMAL : CA_ABSENT,
		   "%c%-24.24s %10s %8" PRIu64 " %6" PRIu64 " %4" PRIu64 "%s",
		   at ? '>' : ' ', r->name, mapped ? msize : "0", r->leaves[1],
		   r->leaves[2], r->leaves[3],
		   r->done ? (r->bad ? "  bad entries" : "") : "  counting");
}

static void draw_directmap(struct tui *t, struct canvas *c, int row, size_t i,
			   bool at)
{
	struct tui_overview *ov = &t->ov;

	if (i == 1) {
		/* set_memory.c counts the kernel image's split 2M pages as
		 * direct-map 4K pages (split_page_count()): they are in
		 * DirectMap4k, and not in the direct map */
		canvas_put(c, row, 0, CA_PARTLY, "%c  %" PRIu64 " kB of "
			   "DirectMap4k are the kernel image's %" PRIu64
			   " split 2M page%s, which the kernel counts too",
			   at ? '>' : ' ', ov->text_splits << 11,
			   ov->text_splits, ov->text_splits == 1 ? "" : "s");
		return;
	}
	if (!ov->dm_counted)
		canvas_put(c, row, 0, CA_ABSENT, "%c  %s", at ? '>' : ' ',
			   ov->has_direct ? (ov->phase == OV_DIRECTMAP ?
					     "counting" : "cannot be counted")
					  : "-");
	else
		canvas_put(c, row, 0, CA_NORMAL, "%c  DirectMap4k: %" PRIu64
			   " kB  DirectMap2M: %" PRIu64 " kB  DirectMap1G: %"
			   PRIu64 " kB", at ? '>' : ' ', ov->kb[1], ov->kb[2],
			   ov->kb[3]);
}

static void draw_finding(struct tui *t, struct canvas *c, int row, size_t i,
			 bool at)
{
	const struct tui_finding *f = &t->ov.findings[i];
	char end[32], sym[600];
	/* (names once the session's thread has read the symbols) */
	const char *name = f->va >> 63 && !session_preloading(t->s) ?
			   session_symbol_at(t->s, f->va, sym, sizeof(sym)) :
			   NULL;

	canvas_put(c, row, 0, f->kind == PTK_FIND_BAD ? CA_BAD : CA_NORMAL,
		   "%c  %-12s 0x%016" PRIx64 "-%s %s %s%s%s%s",
		   at ? '>' : ' ', ptk_finding_name(f->kind), f->va,
		   fmt_end(end, sizeof(end), f->end),
		   ptk_level_name(&t->pg, f->level),
		   ptk_finding_text(f->kind), name ? " <" : "",
		   name ? name : "", name ? ">" : "");
}

static void draw_hole(struct tui *t, struct canvas *c, int row, size_t i,
		      bool at)
{
	const struct ptk_hole *h = &t->ov.holes[i].h;
	uint64_t pfn = (h->va - t->ov.page_offset) >> PTK_PAGE_SHIFT;
	uint64_t pages = (h->end - h->va) >> PTK_PAGE_SHIFT;

	canvas_put(c, row, 0, CA_HOLE, "%c  pfn 0x%010" PRIx64 "-0x%010" PRIx64
		   " %8" PRIu64 " page%s  %016" PRIx64 "  %-5s %s",
		   at ? '>' : ' ', pfn, pfn + pages, pages,
		   pages == 1 ? " " : "s", h->va,
		   h->level ? ptk_level_name(&t->pg, h->level) : "canonical",
		   t->ov.holes[i].what);
}

void overview_draw(struct tui *t, struct canvas *c)
{
	struct tui_overview *ov = &t->ov;
	unsigned n = make_lines(t, NULL);
	struct line *l = calloc(n, sizeof(*l));
	int lines = c->rows - 2;

	if (!l)
		return;
	make_lines(t, l);
	if (ov->cursor >= n || !selectable(&l[ov->cursor]))
		ov->cursor = 0;
	if (lines < 1)
		lines = 1;
	if (ov->cursor < ov->top)
		ov->top = ov->cursor;
	if (ov->cursor >= ov->top + (unsigned)lines)
		ov->top = ov->cursor - (unsigned)lines + 1;
	/* the source's lines stay in view above the first selectable one */
	if (ov->cursor < 4)
		ov->top = 0;
	for (int r = 0; r < lines && ov->top + (unsigned)r < n; r++) {
		unsigned i = ov->top + (unsigned)r;
		bool at = i == ov->cursor;
		int row = 1 + r;

		switch (l[i].kind) {
		case L_HEADING:
			draw_heading(t, c, row, l[i].index);
			break;
		case L_REGION:
			draw_region(t, c, row, l[i].index, at);
			break;
		case L_DIRECTMAP:
			draw_directmap(t, c, row, l[i].index, at);
			break;
		case L_FINDING:
			draw_finding(t, c, row, l[i].index, at);
			break;
		case L_HOLE:
			draw_hole(t, c, row, l[i].index, at);
			break;
		default:
			draw_source(t, c, row, l[i].index);
			if (at)
				canvas_put(c, row, 0, CA_CURSOR, ">");
			break;
		}
		if (at)
			canvas_fill_attr(c, row, CA_CURSOR);
	}
	free(l);
}
