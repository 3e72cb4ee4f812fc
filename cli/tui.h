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

enum tui_view { VIEW_TABLE, VIEW_ENTRY, VIEW_HELP };

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

struct tui {
	struct session *s;
	struct tui_table path[PTK_MAX_LEVELS];
	unsigned depth;		/* path[depth - 1] is shown */
	enum tui_view view, back;	/* back: where help returns */
	bool prompting;
	char prompt_kind;	/* 'g': virtual, 'p': physical address */
	char input[40];
	char message[160];
	int rows;		/* of the last draw, for paging */
};

/* The keys a script spells <Enter>, <Esc>, <BS>, ... */
enum { TUI_KEY_ENTER = '\n', TUI_KEY_ESC = 27 };

bool tui_open(struct tui *t, struct session *s);
/* Returns false when the key asks to quit. */
bool tui_key(struct tui *t, int key);
void tui_draw(struct tui *t, struct canvas *c);

#endif
