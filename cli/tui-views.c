// SPDX-License-Identifier: MIT
/*
 * ptkit tui: moving through tables and drawing them.  Every keystroke
 * reads at most one table page per level it crosses, so nothing here
 * depends on the size of the address space.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The key table: what '?' shows, and the only place keys are named. */
static const struct {
	const char *keys, *what;
} key_help[] = {
	{ "o", "the overview: the source, regions, DirectMap, findings, holes" },
	{ "  Enter", "  go to what the line is about" },
	{ "t", "the tables, from the root" },
	{ "Up Down j k", "move by one entry" },
	{ "PgUp PgDn", "move by a screen" },
	{ "Home End", "first and last entry" },
	{ "Enter l Right", "open the table, or the entry's bits" },
	{ "Backspace h Left", "back up to the table above" },
	{ "e", "every bit of the entry" },
	{ "g", "go to a virtual address or a kernel symbol" },
	{ "p", "go to a physical address, through the direct map" },
	{ "/", "find a mapping: W+X, user, NX, RO, G, 4K, 2M, 1G, ..." },
	{ "n N", "next, previous match (or present entry, before a search)" },
	{ "r", "the regions: what each maps, by page size" },
	{ "d", "the direct map: RAM as a grid, by how it is mapped" },
	{ "  arrows + -", "  move between cells; zoom out and in" },
	{ "  Enter", "  the tables that map the cell" },
	{ "  x b u", "  simulate invalid / default (back) on the cell; undo" },
	{ "  m", "  who maps the cell's frames" },
	{ "  w", "  save the tables, with the simulated calls, as an image" },
	{ "  R", "  replay a trace as a film (or tui --replay=TRACE)" },
	{ "  . > W E", "  film: an event, a thousand, the worst point, the end" },
	{ "  < c Z", "  film: from the start; the next policy; close it" },
	{ "m", "who maps the frame(s) of the leaf: every mapping, each process" },
	{ "P", "the processes; Enter shows one's tables (user half first)" },
	{ "v", "the vmemmap: folios whose struct pages share pages (HVO)" },
	{ "  Enter", "  the tables that map the folio's struct pages" },
	{ "?", "this help" },
	{ "q", "back: to the tables, the overview; quit from the overview" },
	{ "Q", "quit" },
};

static struct tui_table *cur(struct tui *t)
{
	return &t->path[t->depth - 1];
}

/* The canonical address of entry @i of a table mapping from @base. */
static uint64_t entry_va(const struct tui *t, const struct tui_table *tb,
			 unsigned i)
{
	uint64_t va = tb->va + ((uint64_t)i << ptk_level_shift(tb->level));
	unsigned bits = ptk_va_bits(&t->pg);

	if (va >> (bits - 1) & 1)
		va |= ~((UINT64_C(1) << bits) - 1);
	return va;
}

static void load(struct tui *t, struct tui_table *tb)
{
	enum ptk_status st = ptk_source_read(t->src, tb->pa, tb->raw,
					     sizeof(tb->raw));

	tb->readable = st == PTK_OK;
	tb->error[0] = '\0';
	if (!tb->readable) {
		snprintf(tb->error, sizeof(tb->error), "%s",
			 ptk_ctx_err(t->s->ctx));
		ptk_ctx_clear_err(t->s->ctx);
		memset(tb->raw, 0, sizeof(tb->raw));
	}
}

/* The root's cursor on its first present entry from @from: 256, the
 * kernel half, for a kernel's own tables, whose user half is empty. */
static void first_entry(struct tui *t, unsigned from)
{
	struct tui_table *tb = &t->path[0];

	for (unsigned i = from; i < 512; i++) {
		struct ptk_entry e;

		ptk_entry_decode(&t->pg, tb->level, tb->raw[i], &e);
		if (e.kind != PTK_KIND_NONE) {
			tb->cursor = i;
			return;
		}
	}
}

bool tui_open(struct tui *t, struct session *s)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->src = s->src;
	t->pg = s->pg;
	t->depth = 1;
	t->path[0].pa = s->pg.root;
	t->path[0].level = s->pg.levels;
	t->path[0].eff = PTK_F_RW | PTK_F_US;
	load(t, &t->path[0]);
	first_entry(t, 256);
	t->rows = 24;
	session_preload(s);	/* symbols and BTF, in a thread */
	overview_open(t);
	return true;
}

uint64_t tui_kernel_root(struct tui *t)
{
	struct ptk_paging pg = t->s->pg;

	if (t->edit)
		ptk_edit_paging(t->edit, &pg);
	return pg.root;
}

void tui_show_space(struct tui *t, uint64_t root, const char *space)
{
	t->pg.root = root;
	t->depth = 1;
	memset(&t->path[0], 0, sizeof(t->path[0]));
	t->path[0].pa = root;
	t->path[0].level = t->pg.levels;
	t->path[0].eff = PTK_F_RW | PTK_F_US;
	load(t, &t->path[0]);
	/* a process's tables: its user half first */
	first_entry(t, *space ? 0 : 256);
	snprintf(t->space, sizeof(t->space), "%s", space);
	t->view = VIEW_TABLE;
	snprintf(t->message, sizeof(t->message), "%s", *space ?
		 "its user half, then the kernel's" : "the kernel's tables");
}

void tui_close(struct tui *t)
{
	ptk_edit_free(t->edit);
	t->edit = NULL;
	free(t->dm.cache);
	t->dm.cache = NULL;
	vmemmap_close(t);
	film_close(t);
	overview_close(t);
	procs_close(t);
	rmap_close(t);
}

/* After an edit: the tables on the path may have changed (or moved). */
void tui_reload(struct tui *t)
{
	for (unsigned d = 0; d < t->depth; d++) {
		struct ptk_entry e;

		load(t, &t->path[d]);
		if (d + 1 == t->depth)
			break;
		ptk_entry_decode(&t->pg, t->path[d].level,
				 t->path[d].raw[t->path[d].cursor], &e);
		if (e.kind != PTK_KIND_TABLE || e.addr != t->path[d + 1].pa) {
			t->depth = d + 1;	/* the table below is gone */
			break;
		}
	}
}

static void decode(const struct tui *t, const struct tui_table *tb, unsigned i,
		   struct ptk_entry *e)
{
	ptk_entry_decode(&t->pg, tb->level, tb->raw[i], e);
}

/* Open the table entry @i points to; false (with a message) if it is none. */
static bool descend(struct tui *t, unsigned i)
{
	struct tui_table *tb = cur(t), *child;
	struct ptk_entry e;

	decode(t, tb, i, &e);
	if (e.kind != PTK_KIND_TABLE || t->depth >= PTK_MAX_LEVELS)
		return false;
	for (unsigned d = 0; d < t->depth; d++)
		if (t->path[d].pa == e.addr) {
			snprintf(t->message, sizeof(t->message), "entry %u "
				 "points back to the %s table at %#" PRIx64
				 ": a loop", i,
				 ptk_level_name(&t->pg, t->path[d].level),
				 e.addr);
			return false;
		}
	child = &t->path[t->depth++];
	memset(child, 0, sizeof(*child));
	child->pa = e.addr;
	child->level = tb->level - 1;
	child->va = entry_va(t, tb, i);
	child->eff = ptk_eff_combine(tb->eff, e.flags);
	load(t, child);
	return true;
}

static void move_cursor(struct tui *t, long delta)
{
	struct tui_table *tb = cur(t);
	long c = (long)tb->cursor + delta;

	tb->cursor = c < 0 ? 0 : c > 511 ? 511 : (unsigned)c;
}

static void next_present(struct tui *t, int dir)
{
	struct tui_table *tb = cur(t);

	for (long c = (long)tb->cursor + dir; c >= 0 && c < 512; c += dir) {
		struct ptk_entry e;

		decode(t, tb, (unsigned)c, &e);
		if (e.kind != PTK_KIND_NONE) {
			tb->cursor = (unsigned)c;
			return;
		}
	}
	snprintf(t->message, sizeof(t->message), "no present entry %s",
		 dir > 0 ? "below" : "above");
}

/* From the root down to the entry that maps @va, as far as tables go. */
void tui_go_to(struct tui *t, uint64_t va)
{
	tui_go_to_entry(t, va, 0);
}

void tui_go_to_entry(struct tui *t, uint64_t va, unsigned level)
{
	if (!ptk_va_canonical(&t->pg, va)) {
		snprintf(t->message, sizeof(t->message), "%#" PRIx64 " is not "
			 "canonical", va);
		return;
	}
	t->depth = 1;
	for (;;) {
		struct tui_table *tb = cur(t);

		tb->cursor = ptk_va_index(va, tb->level);
		if (tb->level <= level || !descend(t, tb->cursor))
			break;
	}
	t->view = VIEW_TABLE;
	snprintf(t->message, sizeof(t->message), "%#" PRIx64 ": %s entry %u",
		 va, ptk_level_name(&t->pg, cur(t)->level), cur(t)->cursor);
}

/* The next (dir > 0) or previous mapping the search matches. */
static void find(struct tui *t, int dir)
{
	struct tui_table *tb = cur(t);
	uint64_t va = entry_va(t, tb, tb->cursor), found, next = va;
	struct ptk_entry e;
	bool any;

	/* past the page under the cursor; into the table under it */
	decode(t, tb, tb->cursor, &e);
	if (e.kind != PTK_KIND_TABLE)
		next = va + ptk_level_size(tb->level);

	if (dir > 0)	/* past the last page, next wraps to 0 */
		any = !(next == 0 && va != 0) &&
		      search_next(t, next, 0, false, &found);
	else
		any = va != 0 && search_next(t, 0, va, true, &found);
	if (!any) {
		snprintf(t->message, sizeof(t->message), "no %s match for '%s'",
			 dir > 0 ? "further" : "earlier", t->search.text);
		return;
	}
	tui_go_to(t, found);
	snprintf(t->message + strlen(t->message),
		 sizeof(t->message) - strlen(t->message), " matches '%s'",
		 t->search.text);
}

static void finish_prompt(struct tui *t)
{
	const struct ptk_region *direct;
	uint64_t v;

	t->prompting = false;
	if (t->prompt_kind == 'w') {
		dmap_save(t, t->input);
		return;
	}
	if (t->prompt_kind == 'R') {
		static const enum ptk_policy all[] = {
			PTK_POLICY_NAIVE, PTK_POLICY_PAGEBLOCK, PTK_POLICY_NONE,
		};
		const struct ptk_selector every = {
			.all = true, .migratetype = -1, .order = -1,
			.sample = 1.0,
		};

		film_open(t, t->input, all, 3, &every, NULL);
		return;
	}
	if (t->prompt_kind == '/') {
		if (!search_parse(t->input, &t->search)) {
			snprintf(t->message, sizeof(t->message), "'%.40s': terms "
				 "are W RO X NX U K G 4K 2M 1G", t->input);
			return;
		}
		t->has_search = true;
		t->view = VIEW_TABLE;
		find(t, 1);
		return;
	}
	if (!ptk_parse_u64(t->input, &v) &&
	    (t->prompt_kind != 'g' ||
	     !session_symbol_named(t->s, t->input, &v))) {
		snprintf(t->message, sizeof(t->message), "'%.40s' is not an "
			 "address%s", t->input,
			 t->prompt_kind == 'g' ? " or a kernel symbol" : "");
		return;
	}
	if (t->prompt_kind == 'g') {
		tui_go_to(t, v);
		return;
	}
	direct = region_named(t->s->src, "Low Kernel Mapping");
	if (!direct) {
		snprintf(t->message, sizeof(t->message), "no direct map known: "
			 "go to its virtual address with g");
		return;
	}
	tui_go_to(t, direct->start + v);
}

static void prompt_key(struct tui *t, int key)
{
	size_t len = strlen(t->input);

	if (key == TUI_KEY_ENTER || key == '\r' || key == KEY_ENTER)
		finish_prompt(t);
	else if (key == TUI_KEY_ESC)
		t->prompting = false;
	else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len)
		t->input[len - 1] = '\0';
	else if (key >= ' ' && key < 127 && len + 1 < sizeof(t->input))
		t->input[len] = (char)key, t->input[len + 1] = '\0';
}

bool tui_list_move(int key, size_t *cursor, size_t n, long page)
{
	long c = (long)*cursor;

	switch (key) {
	case KEY_UP: case 'k': c--; break;
	case KEY_DOWN: case 'j': c++; break;
	case KEY_PPAGE: c -= page; break;
	case KEY_NPAGE: case ' ': c += page; break;
	case KEY_HOME: c = 0; break;
	case KEY_END: c = (long)n - 1; break;
	default:
		return false;
	}
	c = c >= (long)n ? (long)n - 1 : c;
	*cursor = c < 0 ? 0 : (size_t)c;
	return true;
}

/* m on the table view: who maps the frames of the leaf at the cursor. */
static void leaf_rmap(struct tui *t)
{
	struct tui_table *tb = cur(t);
	struct ptk_entry e;
	char what[64];

	if (t->view != VIEW_TABLE && t->view != VIEW_ENTRY)
		return;
	decode(t, tb, tb->cursor, &e);
	if (e.kind != PTK_KIND_LEAF) {
		snprintf(t->message, sizeof(t->message), "m: not a page (go "
			 "down to one)");
		return;
	}
	snprintf(what, sizeof(what), "the %s page at %#" PRIx64,
		 tb->level == 3 ? "1G" : tb->level == 2 ? "2M" : "4K",
		 entry_va(t, tb, tb->cursor));
	rmap_open(t, e.addr >> PTK_PAGE_SHIFT,
		  ptk_level_size(tb->level) >> PTK_PAGE_SHIFT, what);
}

bool tui_key(struct tui *t, int key)
{
	struct tui_table *tb = cur(t);
	long page = t->rows > 4 ? t->rows - 4 : 1;
	struct ptk_entry e;

	if (t->prompting) {
		prompt_key(t, key);
		return true;
	}
	t->message[0] = '\0';
	if (key == 'Q')
		return false;
	if (t->view == VIEW_HELP) {
		long n = (long)(sizeof(key_help) / sizeof(key_help[0]));
		long top = (long)t->help_top;

		if (key == 'q' || key == '?' || key == TUI_KEY_ESC ||
		    key == KEY_LEFT || key == KEY_BACKSPACE || key == 127)
			t->view = t->back;
		else if (key == KEY_DOWN || key == 'j')
			top++;
		else if (key == KEY_UP || key == 'k')
			top--;
		else if (key == KEY_NPAGE || key == ' ')
			top += page;
		else if (key == KEY_PPAGE)
			top -= page;
		top = top > n - 1 ? n - 1 : top;
		t->help_top = top < 0 ? 0 : (unsigned)top;
		return true;
	}
	if (t->view == VIEW_OVERVIEW) {
		if (key == 'q' || key == TUI_KEY_ESC)
			return false;
		if (overview_key(t, key))
			return true;
	}
	/* the list views: q goes back to the view that opened them */
	if (t->view == VIEW_PROCS || t->view == VIEW_RMAP ||
	    t->view == VIEW_REGIONS || t->view == VIEW_VMEMMAP) {
		bool (*keys)(struct tui *, int) =
			t->view == VIEW_PROCS ? procs_key :
			t->view == VIEW_RMAP ? rmap_key :
			t->view == VIEW_REGIONS ? regions_key : vmemmap_key;

		if (key == 'q' || key == TUI_KEY_ESC) {
			t->view = t->up;
			return true;
		}
		if (keys(t, key))
			return true;
	}
	if (t->view == VIEW_DIRECTMAP) {
		if (key == 'q' || key == TUI_KEY_ESC) {
			t->view = t->up;
			return true;
		}
		if (key == 'w' || key == 'R') {
			t->prompting = true;
			t->prompt_kind = (char)key;
			t->input[0] = '\0';
			return true;
		}
		if (dmap_key(t, key))
			return true;
	}
	if (t->view == VIEW_ENTRY && (key == 'q' || key == TUI_KEY_ESC ||
				      key == KEY_LEFT || key == 'h' ||
				      key == KEY_BACKSPACE || key == 127)) {
		t->view = VIEW_TABLE;
		return true;
	}
	if (t->view == VIEW_OVERVIEW && key > 0 && key < 128 &&
	    strchr("nNeg/p", key)) {
		t->view = VIEW_TABLE;	/* table keys work from the overview */
		if (key == '/') {	/* a search from there starts at 0 */
			t->depth = 1;
			t->path[0].cursor = 0;
		}
	}
	switch (key) {
	case 'q': case TUI_KEY_ESC:
		t->view = VIEW_OVERVIEW;
		break;
	case KEY_UP: case 'k': move_cursor(t, -1); break;
	case KEY_DOWN: case 'j': move_cursor(t, 1); break;
	case KEY_PPAGE: move_cursor(t, -page); break;
	case KEY_NPAGE: case ' ': move_cursor(t, page); break;
	case KEY_HOME: tb->cursor = 0; break;
	case KEY_END: tb->cursor = 511; break;
	case 'n': case 'N':
		if (t->has_search)
			find(t, key == 'n' ? 1 : -1);
		else
			next_present(t, key == 'n' ? 1 : -1);
		break;
	case TUI_KEY_ENTER: case '\r': case KEY_ENTER: case KEY_RIGHT: case 'l':
		if (t->view == VIEW_TABLE && !descend(t, tb->cursor) &&
		    !t->message[0]) {
			decode(t, tb, tb->cursor, &e);
			t->view = VIEW_ENTRY;
		}
		break;
	case KEY_BACKSPACE: case 127: case 8: case KEY_LEFT: case 'h':
		if (t->depth > 1)
			t->depth--;
		else
			snprintf(t->message, sizeof(t->message), "at the root");
		break;
	case 'e': t->view = VIEW_ENTRY; break;
	case 'o': overview_open(t); break;
	case 't': t->view = VIEW_TABLE; break;
	case 'd': case 'r': case 'v': case 'P':
		/* q comes back here, or to the tables from where they lead */
		t->up = t->view == VIEW_OVERVIEW ? VIEW_OVERVIEW : VIEW_TABLE;
		if (key == 'd')
			dmap_open(t);
		else if (key == 'r')
			regions_open(t);
		else if (key == 'P')
			procs_open(t);
		else
			vmemmap_open(t);
		break;
	case 'm':
		leaf_rmap(t);
		break;
	case '?': t->back = t->view; t->view = VIEW_HELP; break;
	case 'g': case 'p': case '/':
		t->prompting = true;
		t->prompt_kind = (char)key;
		t->input[0] = '\0';
		break;
	default:
		break;
	}
	return true;
}

static void flags_text(char *buf, size_t len, unsigned flags)
{
	size_t at = 0;

	buf[0] = '\0';
	for (const struct ptk_flag_name *f = ptk_flag_names; f->on; f++) {
		if (!(flags & f->flag) || f->flag == PTK_F_P ||
		    f->flag == PTK_F_PS || at >= len)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", f->on);
	}
}

static const char *kind_text(const struct tui *t, const struct ptk_entry *e,
			     bool shared, char *buf, size_t len)
{
	if (e->kind == PTK_KIND_NONE)
		return "-";
	if (e->reserved) {
		snprintf(buf, len, "bad: reserved %#" PRIx64, e->reserved);
		return buf;
	}
	if (e->kind == PTK_KIND_TABLE) {
		snprintf(buf, len, "%s %#" PRIx64,
			 ptk_level_name(&t->pg, e->level - 1), e->addr);
		return buf;
	}
	snprintf(buf, len, "%s %#" PRIx64 "%s",
		 e->level == 3 ? "1G" : e->level == 2 ? "2M" : "4K", e->addr,
		 shared ? " shared (HVO)" : "");
	return buf;
}

static enum cell_attr kind_attr(const struct ptk_entry *e)
{
	if (e->reserved)
		return CA_BAD;
	return e->kind == PTK_KIND_TABLE ? CA_TABLE :
	       e->kind == PTK_KIND_LEAF ? CA_LEAF : CA_ABSENT;
}

static void draw_breadcrumb(struct tui *t, struct canvas *c)
{
	int col = canvas_put(c, 0, 0, CA_TITLE, "%s%s%s", t->space,
			     *t->space ? ": " : "",
			     ptk_level_name(&t->pg, t->path[0].level));
	col = canvas_put(c, 0, col, CA_TITLE, " %#" PRIx64, t->path[0].pa);
	for (unsigned d = 1; d < t->depth; d++)
		col = canvas_put(c, 0, col, CA_TITLE, " > [%u] %s %#" PRIx64,
				 t->path[d - 1].cursor,
				 ptk_level_name(&t->pg, t->path[d].level),
				 t->path[d].pa);
	canvas_fill_attr(c, 0, CA_TITLE);
}

static void draw_table(struct tui *t, struct canvas *c)
{
	struct tui_table *tb = cur(t);
	int lines = c->rows - 3;
	unsigned present = 0;

	if (lines < 1)
		lines = 1;
	if (tb->cursor < tb->top)
		tb->top = tb->cursor;
	if (tb->cursor >= tb->top + (unsigned)lines)
		tb->top = tb->cursor - (unsigned)lines + 1;
	canvas_put(c, 1, 0, CA_HEADING, " %3s  %-16s  %-16s  %-22s %s", "IDX",
		   "VIRTUAL", "ENTRY", "FLAGS", "KIND");
	canvas_fill_attr(c, 1, CA_HEADING);
	if (!tb->readable) {
		canvas_put(c, 2, 0, CA_BAD, "table at %#" PRIx64 " cannot be "
			   "read: %s", tb->pa, tb->error);
		return;
	}
	for (unsigned i = 0; i < 512; i++) {
		struct ptk_entry e;

		decode(t, tb, i, &e);
		present += e.kind != PTK_KIND_NONE;
	}
	for (int r = 0; r < lines && tb->top + (unsigned)r < 512; r++) {
		unsigned i = tb->top + (unsigned)r;
		struct ptk_entry e;
		char flags[64], kind[64];
		bool shared;

		decode(t, tb, i, &e);
		shared = e.kind == PTK_KIND_LEAF && e.level == 1 &&
			 vmemmap_shared(t, entry_va(t, tb, i), e.addr);
		flags_text(flags, sizeof(flags), e.kind ? e.flags : 0);
		/* '>' marks the cursor for those who read the screen as text */
		canvas_put(c, 2 + r, 0, kind_attr(&e),
			   "%c%3u  %016" PRIx64 "  %016" PRIx64 "  %-22.22s %s",
			   i == tb->cursor ? '>' : ' ', i,
			   entry_va(t, tb, i), e.raw, flags,
			   kind_text(t, &e, shared, kind, sizeof(kind)));
		if (i == tb->cursor)
			canvas_fill_attr(c, 2 + r, CA_CURSOR);
	}
	snprintf(t->message + strlen(t->message),
		 sizeof(t->message) - strlen(t->message), "%s%u present",
		 t->message[0] ? "; " : "", present);
}

static void draw_entry(struct tui *t, struct canvas *c)
{
	struct tui_table *tb = cur(t);
	struct ptk_entry e;
	uint64_t va = entry_va(t, tb, tb->cursor);
	uint64_t size = ptk_level_size(tb->level);
	char sym[600];
	unsigned eff;
	int r = 2;

	decode(t, tb, tb->cursor, &e);
	eff = ptk_eff_combine(tb->eff, e.flags);
	canvas_put(c, 1, 0, CA_HEADING, "%s entry %u at %#" PRIx64 ": %#018"
		   PRIx64, ptk_level_name(&t->pg, tb->level), tb->cursor,
		   tb->pa + 8 * tb->cursor, e.raw);
	canvas_fill_attr(c, 1, CA_HEADING);
	canvas_put(c, r++, 0, CA_NORMAL, "maps       %016" PRIx64 "-%016" PRIx64,
		   va, va + size - 1);
	if ((va >> 63) && !session_preloading(t->s) &&
	    session_symbol_at(t->s, va, sym, sizeof(sym)))
		canvas_put(c, r++, 0, CA_NORMAL, "symbol     %s", sym);
	if (e.kind == PTK_KIND_NONE) {
		canvas_put(c, r++, 0, CA_ABSENT, "not present: a hole, "
			   "whatever the other bits say");
		return;
	}
	canvas_put(c, r++, 0, CA_NORMAL, "%-10s %#" PRIx64,
		   e.kind == PTK_KIND_TABLE ? "table" : "frame", e.addr);
	for (const struct ptk_flag_name *f = ptk_flag_names; f->on; f++)
		canvas_put(c, r++, 0, CA_NORMAL, "  %-6s %s", f->on,
			   e.flags & f->flag ? "set" : "-");
	if (e.kind == PTK_KIND_LEAF)
		canvas_put(c, r++, 0, CA_NORMAL, "  pkey   %u", e.pkey);
	if (e.reserved)
		canvas_put(c, r++, 0, CA_BAD, "reserved bits set: %#" PRIx64
			   " (the CPU faults)", e.reserved);
	canvas_put(c, r++, 0, CA_LEAF, "effective: %s %s %s",
		   eff & PTK_F_RW ? "writable" : "read-only",
		   eff & PTK_F_US ? "user" : "kernel",
		   eff & PTK_F_NX ? "no-exec" : "exec");
}

static void draw_help(struct tui *t, struct canvas *c)
{
	size_t n = sizeof(key_help) / sizeof(key_help[0]);
	int rows = c->rows - 3;

	canvas_put(c, 1, 0, CA_HEADING, "keys");
	canvas_fill_attr(c, 1, CA_HEADING);
	for (int r = 0; r < rows && t->help_top + (size_t)r < n; r++)
		canvas_put(c, 2 + r, 0, CA_NORMAL, "  %-18s %s",
			   key_help[t->help_top + (size_t)r].keys,
			   key_help[t->help_top + (size_t)r].what);
}

static void help_status(struct tui *t, struct canvas *c)
{
	size_t n = sizeof(key_help) / sizeof(key_help[0]);
	size_t last = t->help_top + (size_t)(c->rows > 3 ? c->rows - 3 : 1);

	canvas_put(c, c->rows - 1, 0, CA_STATUS, "keys %u-%zu of %zu  j k PgDn "
		   "PgUp:scroll q:back", t->help_top + 1, last < n ? last : n,
		   n);
}

/* The kernel symbol at the cursor's entry, or NULL. */
static const char *cursor_symbol(struct tui *t, char *buf, size_t len)
{
	struct tui_table *tb = cur(t);
	uint64_t va = entry_va(t, tb, tb->cursor);

	/* none until the session's thread has read them: no key waits */
	if (!(va >> 63) || !tb->readable || session_preloading(t->s))
		return NULL;
	return session_symbol_at(t->s, va, buf, len);
}

void tui_draw(struct tui *t, struct canvas *c)
{
	struct tui_table *tb = cur(t);
	char saved[sizeof(t->message)], sym[600];

	t->rows = c->rows;
	memcpy(saved, t->message, sizeof(saved));
	canvas_clear(c);
	if (t->view == VIEW_OVERVIEW) {
		canvas_put(c, 0, 0, CA_TITLE, "overview  %s",
			   ptk_source_name(t->s->src));
		canvas_fill_attr(c, 0, CA_TITLE);
	} else {
		draw_breadcrumb(t, c);
	}
	if (t->view == VIEW_HELP)
		draw_help(t, c);
	else if (t->view == VIEW_DIRECTMAP)
		dmap_draw(t, c);
	else if (t->view == VIEW_REGIONS)
		regions_draw(t, c);
	else if (t->view == VIEW_VMEMMAP)
		vmemmap_draw(t, c);
	else if (t->view == VIEW_PROCS)
		procs_draw(t, c);
	else if (t->view == VIEW_RMAP)
		rmap_draw(t, c);
	else if (t->view == VIEW_OVERVIEW)
		overview_draw(t, c);
	else if (t->view == VIEW_ENTRY)
		draw_entry(t, c);
	else
		draw_table(t, c);
	if (t->prompting)
		canvas_put(c, c->rows - 1, 0, CA_STATUS, "%s: %s_",
			   t->prompt_kind == 'g' ? "virtual address" :
			   t->prompt_kind == 'p' ? "physical address" :
			   t->prompt_kind == '/' ? "find" :
			   t->prompt_kind == 'R' ? "replay the trace" :
			   "save the tables as", t->input);
	else if (t->view == VIEW_HELP)
		help_status(t, c);
	else if (t->view == VIEW_OVERVIEW)
		canvas_put(c, c->rows - 1, 0, CA_STATUS, "%s%sEnter:go t:tables "
			   "d:direct map ?:help q:quit", t->message,
			   t->message[0] ? "  " : "");
	else if (t->view == VIEW_DIRECTMAP || t->view == VIEW_REGIONS ||
		 t->view == VIEW_VMEMMAP || t->view == VIEW_PROCS ||
		 t->view == VIEW_RMAP)
		canvas_put(c, c->rows - 1, 0, CA_STATUS, "%s%s?:help q:back",
			   t->message, t->message[0] ? "  " : "");
	else
		canvas_put(c, c->rows - 1, 0, CA_STATUS, "%s %u/512  %s%s%s  "
			   "?:help q:back", ptk_level_name(&t->pg, tb->level),
			   tb->cursor, t->message,
			   cursor_symbol(t, sym, sizeof(sym)) ? "  " : "",
			   cursor_symbol(t, sym, sizeof(sym)) ? sym : "");
	canvas_fill_attr(c, c->rows - 1, CA_STATUS);
	memcpy(t->message, saved, sizeof(saved));
}
