// SPDX-License-Identifier: MIT
/* What a session knows of the kernel in its source: symbols, types and
 * tasks, each loaded the first time a command asks for it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* One message, and the exit status that goes with it. */
static void *failed(struct session *s, enum ptk_status st, int *status)
{
	*status = fail_source(s, st);
	return NULL;
}

static enum ptk_status load_symbols(struct session *s)
{
	const char *file = s->opts ? s->opts->symbols : NULL;

	if (file)
		return ptk_symbols_from_file(s->ctx, file, s->src, &s->syms);
	return ptk_symbols_from_kallsyms(s->src, &s->kpg, &s->syms);
}

/* The tasks, loaded once; a status with the message in the context. */
static enum ptk_status load_tasks(struct session *s, bool threads)
{
	enum ptk_status st;

	if (s->tasks_read && (s->tasks_threads || !threads))
		return PTK_OK;
	ptk_ctx_clear_err(s->ctx);
	if (!s->syms && (st = load_symbols(s)) != PTK_OK)
		return st;
	if (!s->types &&
	    (st = ptk_types_from_btf(s->src, &s->kpg, s->syms, &s->types)))
		return st;
	ptk_tasks_release(&s->tasks);
	s->tasks_read = false;
	st = ptk_tasks_read(s->src, &s->kpg, s->syms, s->types,
			    threads ? PTK_TASKS_THREADS : 0, &s->tasks);
	if (st != PTK_OK)
		return st;
	s->tasks_read = true;
	s->tasks_threads = threads;
	return PTK_OK;
}

struct ptk_symbols *session_symbols(struct session *s, int *status)
{
	enum ptk_status st;

	if (s->syms)
		return s->syms;
	ptk_ctx_clear_err(s->ctx);
	st = load_symbols(s);
	if (st != PTK_OK)
		return failed(s, st, status);
	return s->syms;
}

struct ptk_types *session_types(struct session *s, int *status)
{
	enum ptk_status st;

	if (s->types)
		return s->types;
	if (!session_symbols(s, status))
		return NULL;
	ptk_ctx_clear_err(s->ctx);
	st = ptk_types_from_btf(s->src, &s->kpg, s->syms, &s->types);
	if (st != PTK_OK)
		return failed(s, st, status);
	return s->types;
}

const struct ptk_tasks *session_tasks(struct session *s, bool threads,
				      int *status)
{
	enum ptk_status st = load_tasks(s, threads);

	if (st != PTK_OK)
		return failed(s, st, status);
	return &s->tasks;
}

const char *session_symbol_at(struct session *s, uint64_t addr, char *buf,
			      size_t len)
{
	const struct ptk_symbol *sym;
	uint64_t off;

	if (!s->syms && !s->syms_tried) {
		s->syms_tried = true;
		if (load_symbols(s) != PTK_OK)
			s->syms = NULL;
		ptk_ctx_clear_err(s->ctx);
	}
	if (!s->syms || !(sym = ptk_symbols_lookup(s->syms, addr, &off)))
		return NULL;
	if (off)
		snprintf(buf, len, "%s+%#" PRIx64, sym->name, off);
	else
		snprintf(buf, len, "%s", sym->name);
	return buf;
}

int session_spaces(struct session *s, struct spaces *sp, const char **why)
{
	const struct ptk_tasks *tasks = NULL;
	size_t n = 1;

	memset(sp, 0, sizeof(*sp));
	*why = NULL;
	/* Processes are a bonus: a dump without symbols or BTF still has
	 * the kernel's mappings, and the caller says what it lacks. */
	if (load_tasks(s, false) == PTK_OK) {
		tasks = &s->tasks;
	} else {
		snprintf(s->why_no_tasks, sizeof(s->why_no_tasks), "%s",
			 ptk_ctx_err(s->ctx));
		*why = s->why_no_tasks;
		ptk_ctx_clear_err(s->ctx);
	}
	sp->space = calloc(1 + (tasks ? tasks->n : 0), sizeof(*sp->space));
	sp->task = calloc(1 + (tasks ? tasks->n : 0), sizeof(*sp->task));
	if (!sp->space || !sp->task) {
		fprintf(stderr, "%s: out of memory\n", s->cmd);
		spaces_release(sp);
		return EXIT_ENV;
	}
	sp->space[0].pg = s->kpg;
	for (size_t i = 0; tasks && i < tasks->n; i++) {
		const struct ptk_task *t = &tasks->task[i];
		bool dup = false;

		if (!t->mm)
			continue;
		for (size_t j = 1; j < n && !dup; j++)
			dup = sp->task[j]->mm == t->mm;
		if (dup)
			continue;
		sp->space[n].pg = s->kpg;
		sp->space[n].pg.root = t->pgd;
		sp->space[n].end = ptk_noncanon_start(&s->kpg);
		sp->task[n++] = t;
	}
	sp->n = n;
	return EXIT_OK;
}

void spaces_release(struct spaces *sp)
{
	free(sp->space);
	free(sp->task);
	memset(sp, 0, sizeof(*sp));
}
