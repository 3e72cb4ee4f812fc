// SPDX-License-Identifier: MIT
/* The task list of a dump, laid out by the kernel's BTF; see tasks.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kread-priv.h"
#include "ptkit/tasks.h"
#include "ptkit/translate.h"
#include "ptkit/walk.h"

/* PF_KTHREAD, include/linux/sched.h (the same value since 2.6.27). */
#define PF_KTHREAD 0x00200000u

/* Task states, include/linux/sched.h: TASK_REPORT is the mask of those
 * /proc reports; TASK_IDLE = TASK_UNINTERRUPTIBLE | TASK_NOLOAD reports
 * as I; TASK_RTLOCK_WAIT (5.15+) as D.  See __task_state_index(). */
enum {
	TASK_REPORT = 0x7f,
	TASK_IDLE = 0x402,
	TASK_RTLOCK_WAIT = 0x1000,
};

/* PID_MAX_LIMIT on 64-bit, include/linux/threads.h: no list is longer. */
enum { MAX_TASKS = 4 * 1024 * 1024 };

/* A task_struct is ~10 KiB; more is a BTF that lies. */
enum { MAX_TASK_SIZE = 1 << 20 };

struct layout {
	uint64_t task_size;
	struct ptk_member tasks, pid, tgid, real_parent, comm, flags, mm;
	struct ptk_member state, exit_state, signal, thread_node;
	struct ptk_member thread_head, pgd;
	bool has_state, has_threads;
};

struct reader {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct ptk_ctx *ctx;
	struct layout l;
	unsigned char *buf;	/* one task_struct */
	uint64_t *seen;		/* open-addressed set of task addresses */
	size_t seen_mask, nseen;
	struct ptk_tasks *out;
	size_t cap;
};

static enum ptk_status read_layout(const struct ptk_types *t, struct ptk_ctx *ctx,
				   struct layout *l, bool threads)
{
	enum ptk_status st;
	struct {
		const char *type, *path;
		struct ptk_member *m;
		uint64_t max;	/* the largest size that makes sense */
	} need[] = {
		{ "task_struct", "tasks", &l->tasks, 16 },
		{ "task_struct", "pid", &l->pid, 4 },
		{ "task_struct", "tgid", &l->tgid, 4 },
		{ "task_struct", "real_parent", &l->real_parent, 8 },
		{ "task_struct", "comm", &l->comm, PTK_COMM_LEN },
		{ "task_struct", "flags", &l->flags, 4 },
		{ "task_struct", "mm", &l->mm, 8 },
		{ "mm_struct", "pgd", &l->pgd, 8 },
	};

	st = ptk_types_size(t, "task_struct", &l->task_size);
	if (st != PTK_OK)
		return st;
	if (l->task_size > MAX_TASK_SIZE)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "BTF: struct task_struct is %" PRIu64
				   " bytes", l->task_size);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		st = ptk_types_member(t, need[i].type, need[i].path, need[i].m);
		if (st != PTK_OK)
			return st;
		if (!need[i].m->size || need[i].m->size > need[i].max ||
		    (!strcmp(need[i].type, "task_struct") &&
		     need[i].m->offset + need[i].m->size > l->task_size))
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "BTF: %s.%s is %" PRIu64 " bytes at "
					   "%" PRIu64, need[i].type,
					   need[i].path, need[i].m->size,
					   need[i].m->offset);
	}
	/* __state since 5.14, state before; the letter is a nicety */
	l->has_state =
		(ptk_types_member(t, "task_struct", "__state", &l->state) ==
			 PTK_OK ||
		 ptk_types_member(t, "task_struct", "state", &l->state) ==
			 PTK_OK) &&
		ptk_types_member(t, "task_struct", "exit_state",
				 &l->exit_state) == PTK_OK &&
		l->state.size <= 8 && l->exit_state.size <= 8 &&
		l->state.offset + l->state.size <= l->task_size &&
		l->exit_state.offset + l->exit_state.size <= l->task_size;
	ptk_ctx_clear_err(ctx);
	if (!threads)
		return PTK_OK;
	if ((st = ptk_types_member(t, "task_struct", "signal", &l->signal)) ||
	    (st = ptk_types_member(t, "task_struct", "thread_node",
				   &l->thread_node)) ||
	    (st = ptk_types_member(t, "signal_struct", "thread_head",
				   &l->thread_head)))
		return st;
	if (l->signal.offset + 8 > l->task_size ||
	    l->thread_node.offset + 16 > l->task_size)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "BTF: task_struct.signal or thread_node "
				   "lies outside task_struct");
	l->has_threads = true;
	return PTK_OK;
}

static enum ptk_status read_virt(struct reader *r, uint64_t va, void *buf,
				 size_t len, const char *what)
{
	return kread(r->src, r->pg, va, buf, len, what);
}

/* Add @va to the set; false if it was there (a list that loops). */
static bool see(struct reader *r, uint64_t va)
{
	size_t h;

	if (2 * (r->nseen + 1) > r->seen_mask + 1) {
		size_t cap = r->seen_mask ? 2 * (r->seen_mask + 1) : 1024;
		uint64_t *n = calloc(cap, sizeof(*n)), *old = r->seen;

		if (!n)
			return true;	/* no memory: just don't check */
		for (size_t i = 0; old && i <= r->seen_mask; i++) {
			if (!old[i])
				continue;
			h = (old[i] >> 6) * 0x9e3779b97f4a7c15ull & (cap - 1);
			while (n[h])
				h = (h + 1) & (cap - 1);
			n[h] = old[i];
		}
		free(old);
		r->seen = n;
		r->seen_mask = cap - 1;
	}
	h = (va >> 6) * 0x9e3779b97f4a7c15ull & r->seen_mask;
	for (; r->seen[h]; h = (h + 1) & r->seen_mask)
		if (r->seen[h] == va)
			return false;
	r->seen[h] = va;
	r->nseen++;
	return true;
}

static char state_letter(const struct layout *l, const unsigned char *buf)
{
	static const char letters[] = "RSDTtXZPI";
	unsigned state, idx = 0, bits;

	if (!l->has_state)
		return '?';
	state = (unsigned)member_value(buf, &l->state);
	bits = (state | (unsigned)member_value(buf, &l->exit_state)) &
	       TASK_REPORT;
	if ((state & TASK_IDLE) == TASK_IDLE)
		bits = TASK_REPORT + 1;
	if (state & TASK_RTLOCK_WAIT)
		bits = 2;
	while (bits) {	/* fls() */
		idx++;
		bits >>= 1;
	}
	return letters[idx];
}

/* Read the task at @va and append it. */
static enum ptk_status add_task(struct reader *r, uint64_t va)
{
	const struct layout *l = &r->l;
	struct ptk_task *t;
	uint64_t parent, pgd_va;
	int32_t ppid = 0;
	enum ptk_status st;

	if (!see(r, va))
		return ptk_set_err(r->ctx, PTK_ERR_CORRUPT,
				   "task list: task_struct %#" PRIx64
				   " comes twice (the list loops)", va);
	if (r->out->n >= MAX_TASKS)
		return ptk_set_err(r->ctx, PTK_ERR_CORRUPT,
				   "task list: more than %d tasks", MAX_TASKS);
	st = read_virt(r, va, r->buf, l->task_size, "task_struct");
	if (st != PTK_OK)
		return st;
	if (r->out->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct ptk_task *p = realloc(r->out->task, cap * sizeof(*p));

		if (!p)
			return ptk_set_err(r->ctx, PTK_ERR_NOMEM, "tasks");
		r->out->task = p;
		r->cap = cap;
	}
	t = &r->out->task[r->out->n];
	memset(t, 0, sizeof(*t));
	t->addr = va;
	t->pid = (int32_t)member_value(r->buf, &l->pid);
	t->tgid = (int32_t)member_value(r->buf, &l->tgid);
	memcpy(t->comm, r->buf + l->comm.offset, l->comm.size);
	t->comm[l->comm.size] = '\0';
	for (char *c = t->comm; *c; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 0x7f)
			*c = '?';
	t->kernel_thread = member_value(r->buf, &l->flags) & PF_KTHREAD;
	t->mm = member_value(r->buf, &l->mm);
	t->state = state_letter(l, r->buf);
	parent = member_value(r->buf, &l->real_parent);
	if (parent && read_virt(r, parent + l->tgid.offset, &ppid,
				sizeof(ppid), "real_parent") != PTK_OK) {
		ptk_ctx_clear_err(r->ctx);
		ppid = -1;
	}
	t->ppid = ppid;
	if (t->mm) {
		struct ptk_xlat x;

		st = read_virt(r, t->mm + l->pgd.offset, &pgd_va,
			       sizeof(pgd_va), "mm_struct");
		if (st != PTK_OK)
			return ptk_set_err(r->ctx, st, "pid %" PRId32, t->pid);
		st = ptk_translate(r->src, r->pg, pgd_va, &x);
		if (st != PTK_OK || x.result != PTK_XLAT_MAPPED)
			return ptk_set_err(r->ctx, st != PTK_OK ? st :
					   PTK_ERR_CORRUPT, "pid %" PRId32
					   ": mm->pgd %#" PRIx64 " is not mapped",
					   t->pid, pgd_va);
		t->pgd = x.pa;
	}
	r->out->n++;
	return PTK_OK;
}

/* The other threads of the leader just added: signal->thread_head. */
static enum ptk_status add_threads(struct reader *r, uint64_t leader)
{
	const struct layout *l = &r->l;
	uint64_t signal, head, node;
	enum ptk_status st;

	memcpy(&signal, r->buf + l->signal.offset, sizeof(signal));
	if (!signal)
		return PTK_OK;
	head = signal + l->thread_head.offset;
	st = read_virt(r, head, &node, sizeof(node), "signal->thread_head");
	for (size_t n = 0; st == PTK_OK && node != head; n++) {
		uint64_t task = node - l->thread_node.offset;

		if (n >= MAX_TASKS)
			return ptk_set_err(r->ctx, PTK_ERR_CORRUPT,
					   "thread list of %#" PRIx64
					   " does not end", leader);
		if (task != leader) {
			st = add_task(r, task);
			if (st != PTK_OK)
				return st;
		}
		st = read_virt(r, node, &node, sizeof(node), "thread_node");
	}
	return st;
}

enum ptk_status ptk_tasks_read(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       const struct ptk_symbols *syms,
			       const struct ptk_types *types, unsigned flags,
			       struct ptk_tasks *ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_symbol *init = ptk_symbols_find(syms, "init_task");
	struct ptk_tasks out = { 0 };
	struct reader r = { .src = src, .pg = pg, .ctx = ctx, .out = &out };
	uint64_t head, next;
	enum ptk_status st;
	bool threads = flags & PTK_TASKS_THREADS;

	if (!init)
		return ptk_set_err(ctx, PTK_ERR_NODATA,
				   "no init_task among the kernel's symbols");
	st = read_layout(types, ctx, &r.l, threads);
	if (st != PTK_OK)
		return st;
	r.buf = malloc(r.l.task_size);
	if (!r.buf)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "tasks");
	head = init->addr + r.l.tasks.offset;
	see(&r, init->addr);
	st = read_virt(&r, head, &next, sizeof(next), "init_task.tasks");
	while (st == PTK_OK && next != head) {
		uint64_t task = next - r.l.tasks.offset;

		st = add_task(&r, task);
		if (st == PTK_OK && threads)
			st = add_threads(&r, task);
		if (st == PTK_OK)
			st = read_virt(&r, task + r.l.tasks.offset, &next,
				       sizeof(next), "task_struct.tasks");
	}
	free(r.buf);
	free(r.seen);
	if (st != PTK_OK) {
		ptk_tasks_release(&out);
		return st;
	}
	*ret = out;
	return PTK_OK;
}

void ptk_tasks_release(struct ptk_tasks *tasks)
{
	free(tasks->task);
	tasks->task = NULL;
	tasks->n = 0;
}

const struct ptk_task *ptk_tasks_find(const struct ptk_tasks *tasks,
				      int32_t pid)
{
	for (size_t i = 0; i < tasks->n; i++)
		if (tasks->task[i].pid == pid)
			return &tasks->task[i];
	return NULL;
}

struct user_count {
	uint64_t pages, bad;
};

static enum ptk_status count_leaf(const struct ptk_walk_entry *e, void *priv)
{
	struct user_count *c = priv;

	c->pages += (e->end - e->va) >> PTK_PAGE_SHIFT;
	return PTK_OK;
}

static enum ptk_status count_run(const struct ptk_walk_entry *e, uint64_t n,
				 void *priv)
{
	struct user_count *c = priv;

	(void)e;
	c->pages += n;
	return PTK_OK;
}

static enum ptk_status count_bad(const struct ptk_walk_entry *e,
				 enum ptk_status why, void *priv)
{
	struct user_count *c = priv;

	(void)e;
	(void)why;
	c->bad++;
	return PTK_OK;
}

enum ptk_status ptk_user_pages(struct ptk_source *src,
			       const struct ptk_paging *kpg, uint64_t pgd,
			       uint64_t *pages, uint64_t *bad)
{
	static const struct ptk_walk_ops ops = {
		.leaf = count_leaf,
		.leaf_run = count_run,
		.bad = count_bad,
	};
	struct ptk_paging pg = *kpg;
	struct user_count c = { 0, 0 };
	enum ptk_status st;

	pg.root = pgd;
	st = ptk_walk(src, &pg, 0, ptk_noncanon_start(&pg), &ops, &c);
	*pages = c.pages;
	*bad = c.bad;
	return st;
}
