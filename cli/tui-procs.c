// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the processes view.  The kernel's task list, as ptkit ps
 * reads it (kallsyms and BTF), one line per address space; Enter shows
 * that process's tables: its user half, then the kernel half it shares.
 * User pages are counted when a line is first drawn.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The tasks with an address space, once per mm; false with a message. */
static bool read_tasks(struct tui *t)
{
	struct tui_procs *p = &t->procs;
	const struct ptk_tasks *tasks;
	size_t n = 0;

	if (p->tried)
		return p->tasks != NULL;
	p->tried = true;
	tasks = session_tasks_quiet(t->s);
	if (!tasks)
		return false;
	p->index = calloc(tasks->n + 1, sizeof(*p->index));
	p->pages = calloc(tasks->n + 1, sizeof(*p->pages));
	if (!p->index || !p->pages) {
		snprintf(t->s->why_no_tasks, sizeof(t->s->why_no_tasks),
			 "out of memory");
		return false;
	}
	for (size_t i = 0; i < tasks->n; i++) {
		bool seen = false;

		if (!tasks->task[i].mm)
			continue;	/* a kernel thread: the kernel's tables */
		for (size_t j = 0; j < n && !seen; j++)
			seen = tasks->task[p->index[j]].mm == tasks->task[i].mm;
		if (!seen)
			p->index[n++] = i;
	}
	for (size_t i = 0; i <= n; i++)
		p->pages[i] = UINT64_MAX;
	p->n = n + 1;		/* the kernel's line first */
	p->tasks = tasks;
	return true;
}

void procs_open(struct tui *t)
{
	if (!read_tasks(t)) {
		snprintf(t->message, sizeof(t->message), "no processes: %.130s",
			 t->s->why_no_tasks);
		return;
	}
	t->view = VIEW_PROCS;
}

void procs_close(struct tui *t)
{
	free(t->procs.index);
	free(t->procs.pages);
	memset(&t->procs, 0, sizeof(t->procs));
}

bool procs_key(struct tui *t, int key)
{
	struct tui_procs *p = &t->procs;
	long page = t->rows > 4 ? t->rows - 4 : 1;

	if (tui_list_move(key, &p->cursor, p->n, page))
		return true;
	if (key != TUI_KEY_ENTER && key != '\r' && key != KEY_ENTER &&
	    key != KEY_RIGHT && key != 'l')
		return false;
	if (!p->cursor) {
		tui_show_space(t, tui_kernel_root(t), "");
	} else {
		const struct ptk_task *k =
			&p->tasks->task[p->index[p->cursor - 1]];
		char space[48];

		snprintf(space, sizeof(space), "pid %" PRId32 " %s", k->tgid,
			 k->comm);
		tui_show_space(t, k->pgd, space);
	}
	return true;
}

static uint64_t user_pages(struct tui *t, size_t line)
{
	struct tui_procs *p = &t->procs;
	uint64_t pages, bad;

	if (p->pages[line] == UINT64_MAX) {
		const struct ptk_task *k = &p->tasks->task[p->index[line - 1]];

		if (ptk_user_pages(t->src, &t->s->kpg, k->pgd, &pages,
				   &bad) != PTK_OK)
			pages = 0;
		ptk_ctx_clear_err(t->s->ctx);
		p->pages[line] = pages;
	}
	return p->pages[line];
}

void procs_draw(struct tui *t, struct canvas *c)
{
	struct tui_procs *p = &t->procs;
	int lines = c->rows - 3;

	if (lines < 1)
		lines = 1;
	if (p->cursor < p->top)
		p->top = p->cursor;
	if (p->cursor >= p->top + (size_t)lines)
		p->top = p->cursor - (size_t)lines + 1;
	canvas_put(c, 1, 0, CA_HEADING, " %7s %7s S %-18s %9s  %s", "PID",
		   "PPID", "PGD", "PAGES", "COMMAND");
	canvas_fill_attr(c, 1, CA_HEADING);
	for (int r = 0; r < lines && p->top + (size_t)r < p->n; r++) {
		size_t i = p->top + (size_t)r;
		char at = i == p->cursor ? '>' : ' ';

		if (!i) {
			canvas_put(c, 2 + r, 0, CA_TABLE, "%c%7s %7s - 0x%016"
				   PRIx64 " %9s  the kernel's own tables", at,
				   "-", "-", tui_kernel_root(t), "-");
		} else {
			const struct ptk_task *k =
				&p->tasks->task[p->index[i - 1]];

			canvas_put(c, 2 + r, 0, CA_NORMAL, "%c%7" PRId32 " %7"
				   PRId32 " %c 0x%016" PRIx64 " %9" PRIu64 "  %s",
				   at, k->tgid, k->ppid, k->state, k->pgd,
				   user_pages(t, i), k->comm);
		}
		if (i == p->cursor)
			canvas_fill_attr(c, 2 + r, CA_CURSOR);
	}
	snprintf(t->message, sizeof(t->message), "%zu address space%s",
		 p->n - 1, p->n == 2 ? "" : "s");
}
