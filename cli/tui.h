/* SPDX-License-Identifier: MIT */
/*
 * ptkit tui: the browser's state and views, independent of the terminal.
 * tui_key() takes keys (ncurses KEY_* codes or characters), tui_draw()
 * draws the current view into a canvas; cli/tui.c shows it.
 */
#ifndef PTKIT_CLI_TUI_H
#define PTKIT_CLI_TUI_H

#include "canvas.h"
#include "cli.h"
#include "expect.h"

enum tui_view { VIEW_TABLE, VIEW_ENTRY, VIEW_HELP, VIEW_DIRECTMAP,
		VIEW_REGIONS, VIEW_VMEMMAP, VIEW_OVERVIEW, VIEW_PROCS,
		VIEW_RMAP };

enum { TUI_MAX_REGIONS = 32 };

/* A named region and what it maps, counted a step at a time. */
struct tui_region {
	char name[32];
	uint64_t start, end;	/* end 0: the top */
	uint64_t next;		/* counted up to here */
	bool done;
	uint64_t leaves[PTK_LEVEL_PUD + 1];
	uint64_t bad;
};

struct tui_regions {
	struct tui_region r[TUI_MAX_REGIONS];
	unsigned n, cursor;
	bool inited;
};

/* One table on the path from the root, with the cursor in it. */
struct tui_table {
	uint64_t pa;		/* the table page */
	unsigned level;
	uint64_t va;		/* the first address it maps */
	unsigned eff;		/* effective permissions of the entries above */
	unsigned cursor, top;
	bool readable;
	char error[120];
	uint64_t raw[512];
};

/* The direct-map view: RAM as a grid of cells, and simulated calls. */
struct tui_dmap {
	bool known;		/* a direct map was found */
	uint64_t base;		/* its virtual address of PA 0 */
	uint64_t ram_end;	/* one past the highest RAM byte */
	unsigned zoom;		/* cell size: 2M << (zoom * 4)... see cell_size() */
	uint64_t cursor, top;	/* cells */
	unsigned per_row;	/* of the last draw */
	bool counted;
	uint64_t kb[PTK_LEVEL_PUD + 1];	/* DirectMap4k/2M/1G as the kernel */
	struct {
		size_t journal;		/* edit operations before the call */
		uint64_t kb[PTK_LEVEL_PUD + 1];
	} undo[64];
	unsigned nundo;
	uint64_t calls;		/* simulated calls in effect */
	unsigned char *cache;	/* per 2M of RAM, how it is mapped (0: not
				 * known yet); kept until a call changes it */
	size_t ncache;
};

/* The vmemmap view: folios whose struct pages share pages (HVO). */
struct tui_vmemmap {
	bool tried;
	struct ptk_vmemmap *vm;	/* NULL: not read (why says why) */
	uint64_t *frames;	/* the shared pages, sorted */
	size_t cursor, top;
	char why[160];
};

enum { TUI_MAX_KEPT = 1000 };	/* findings and holes listed, at most */

/* A hole of the direct map, and what its pages are ("file 1"). */
struct tui_hole {
	struct ptk_hole h;
	char what[48];
};

/* A finding of the audit, as the overview lists it. */
struct tui_finding {
	enum ptk_finding_kind kind;
	uint64_t va, end, count;
	unsigned level;
};

/*
 * The overview: what the source is and what is interesting in it.  The
 * counts, the holes of the direct map and the audit are worked out a
 * piece at a time between keys (overview_step()), in this order.
 */
struct tui_overview {
	bool opened;
	unsigned cursor, top;	/* lines */
	enum { OV_DIRECTMAP, OV_REGIONS, OV_HOLES, OV_KINDS, OV_SYMBOLS,
	       OV_CHECK, OV_DONE } phase;

	/* the direct map as the kernel counts it */
	struct ptk_dm_count dm;	/* summed piece by piece */
	uint64_t dm_next;	/* 0: not begun */
	bool dm_counted;
	uint64_t kb[PTK_LEVEL_PUD + 1];
	uint64_t text_splits;
	/* the holes of the direct map over RAM */
	bool has_direct;
	uint64_t page_offset;
	struct ptk_holes_walk hw;
	size_t ram_i;
	uint64_t hole_next;	/* 0: at the start of ram_i */
	struct tui_hole *holes;
	size_t nholes, capholes;
	uint64_t holes_total, hole_pages;
	/* the audit */
	struct ptk_check *check;
	uint64_t check_next;
	struct tui_finding *findings;
	size_t nfindings, capfindings;
	uint64_t findings_total;
	char why_not[160];	/* the audit stopped: why */
};

/* The processes view: the kernel's tables, then each address space. */
struct tui_procs {
	const struct ptk_tasks *tasks;	/* NULL: not read, or none */
	size_t *index;		/* the tasks with an mm, one per mm */
	uint64_t *pages;	/* their user pages; UINT64_MAX: not counted */
	size_t n;		/* lines: the kernel, then index[] */
	size_t cursor, top;
	bool tried;
};

/* Who maps a frame: every mapping of a leaf's or a cell's frames. */
struct tui_rmap {
	struct ptk_range pfns;
	struct ptk_rmap_spaces sp;
	struct ptk_rmap_recs recs;
	struct ptk_rmap_run *runs;
	size_t n, cursor, top;
	char what[96];		/* what was asked: "the 4K page at ..." */
};

/*
 * Replay as a film: a trace through the policies' copies of the direct
 * map, the grid showing one policy's as the events go by.
 */
struct tui_film {
	bool on;
	char trace[256];
	enum ptk_policy policies[PTK_POLICY_N];
	size_t npolicies, shown;	/* shown: the policy the grid draws */
	struct ptk_selector sel;
	struct ptk_replay *r;
	struct ptk_trace *tr;
	struct ptk_trace_rec next;
	bool has_next, ended, seeded;
	uint64_t events, line;		/* applied, and the last one's line */
	uint64_t target;		/* run until this many events */
	bool to_worst;			/* run to the end, then back to the
					 * shown policy's worst point */
	uint64_t lo, hi;		/* PFNs changed since the last draw */
	char why[200];			/* why it stopped */
	/* --expect: at the end, the model against this later dump */
	char expect[256];
	struct trace_marks marks;
	struct expect_report *rep;	/* once compared */
	uint64_t *differ;		/* a bit per frame that differs */
};

/* A search: effective flags set and clear, and page sizes (bit = level). */
struct tui_search {
	unsigned set, clear, levels;
	char text[40];
};

struct tui {
	struct session *s;
	struct ptk_source *src;	/* what is shown: s->src, or the edit */
	struct ptk_paging pg;
	struct ptk_edit *edit;	/* simulated calls, once there are some */
	struct tui_dmap dm;
	struct tui_regions rg;
	struct tui_vmemmap vmm;
	struct tui_overview ov;
	struct tui_procs procs;
	struct tui_rmap rm;
	struct tui_film film;
	char space[48];		/* whose tables are shown: "" the kernel's,
				 * else "pid 193 rdhelper" */
	struct tui_table path[PTK_MAX_LEVELS];
	unsigned depth;		/* path[depth - 1] is shown */
	enum tui_view view, back;	/* back: where help returns */
	unsigned help_top;	/* the first key the help shows */
	enum tui_view up;	/* where q returns from the grid, regions and
				 * vmemmap views */
	bool prompting;
	char prompt_kind;	/* 'g', 'p': an address; 'w': a file name */
	char input[256];
	char message[160];
	bool has_search;
	struct tui_search search;
	int rows;		/* of the last draw, for paging */
};

/* The keys a script spells <Enter>, <Esc>, <BS>, ... */
enum { TUI_KEY_ENTER = '\n', TUI_KEY_ESC = 27 };

bool tui_open(struct tui *t, struct session *s);
void tui_close(struct tui *t);
/* Returns false when the key asks to quit. */
bool tui_key(struct tui *t, int key);
void tui_draw(struct tui *t, struct canvas *c);

/* tui-dmap.c: the direct-map view */
void dmap_open(struct tui *t);
bool dmap_key(struct tui *t, int key);	/* false: not a key of the view */
void dmap_draw(struct tui *t, struct canvas *c);
void dmap_save(struct tui *t, const char *path);
void dmap_show_pa(struct tui *t, uint64_t pa);	/* the grid, at @pa's cell */
void dmap_forget(struct tui *t, uint64_t pa, uint64_t end);	/* changed */
/* tui-regions.c */
void regions_open(struct tui *t);
void regions_init(struct tui *t);	/* the regions, not counted yet */
double tui_now(void);			/* seconds, monotonic */
/*
 * The end of the next piece of a walk from @next, at most to @limit (0:
 * the top): a GiB, or a whole not-present entry above the PMD, or (with
 * *@gap) the non-canonical gap, which is not walked.
 */
uint64_t tui_chunk_end(struct tui *t, uint64_t next, uint64_t limit,
		       bool *gap);
bool regions_step(struct tui *t, double budget);
bool regions_done(const struct tui *t);
bool regions_key(struct tui *t, int key);
void regions_draw(struct tui *t, struct canvas *c);
/* tui-vmemmap.c */
void vmemmap_open(struct tui *t);
void vmemmap_close(struct tui *t);
bool vmemmap_key(struct tui *t, int key);
void vmemmap_draw(struct tui *t, struct canvas *c);
/* whether the leaf at @va onto @pa is a vmemmap page HVO shares */
bool vmemmap_shared(struct tui *t, uint64_t va, uint64_t pa);
/* tui-overview.c: the first screen */
void overview_open(struct tui *t);
void overview_close(struct tui *t);
/* work for @budget seconds (0: to the end); true when all is done */
bool overview_step(struct tui *t, double budget);
bool overview_done(const struct tui *t);
/* only waiting for the session's thread (the symbols): nothing to do */
bool overview_waiting(struct tui *t);
bool overview_key(struct tui *t, int key);
void overview_draw(struct tui *t, struct canvas *c);
/* tui-procs.c: the processes, and their tables */
void procs_open(struct tui *t);
void procs_close(struct tui *t);
bool procs_key(struct tui *t, int key);
void procs_draw(struct tui *t, struct canvas *c);
/* show the tables rooted at @root, of @space ("" for the kernel's) */
void tui_show_space(struct tui *t, uint64_t root, const char *space);
/* the kernel's root: the source's, or the simulated calls' copy of it */
uint64_t tui_kernel_root(struct tui *t);
/* tui-rmap.c: who maps the frames under the cursor */
void rmap_open(struct tui *t, uint64_t pfn, uint64_t n, const char *what);
void rmap_close(struct tui *t);
bool rmap_key(struct tui *t, int key);
void rmap_draw(struct tui *t, struct canvas *c);
/* tui-film.c: replay as a film, in the direct-map view */
bool film_open(struct tui *t, const char *trace,
	       const enum ptk_policy *policies, size_t n,
	       const struct ptk_selector *sel, const char *expect);
/* the last frame's mark: the model and the --expect dump differ there */
bool film_differs(const struct tui *t, uint64_t pa, uint64_t end);
void film_close(struct tui *t);
bool film_busy(const struct tui *t);	/* running toward a target */
void film_run(struct tui *t, double budget);	/* 0: to the target */
bool film_key(struct tui *t, int key);
/* the film's lines above the legend; the DirectMap counts it shows */
void film_draw(struct tui *t, struct canvas *c, int row);
void film_kb(const struct tui *t, uint64_t kb[PTK_LEVEL_PUD + 1]);
int film_lines(const struct tui *t);	/* the film's lines: 0, 2 or 3 */
/* tui-search.c */
bool search_parse(const char *text, struct tui_search *ret);
/* The first (or, with @last, the last) match in [from, to); to 0: the top */
bool search_next(struct tui *t, uint64_t from, uint64_t to, bool last,
		 uint64_t *va);
/* tui-views.c, for the other views */
/* Up Down j k PgUp PgDn Home End on a list of @n lines; false: not those */
bool tui_list_move(int key, size_t *cursor, size_t n, long page);
void tui_go_to(struct tui *t, uint64_t va);
/* the same, stopping in the table of @level (0: as far as tables go) */
void tui_go_to_entry(struct tui *t, uint64_t va, unsigned level);
void tui_reload(struct tui *t);

#endif
