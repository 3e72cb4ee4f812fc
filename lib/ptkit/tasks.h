/* SPDX-License-Identifier: MIT */
/**
 * DOC: the processes of a dump
 *
 * ptk_tasks_read() follows the kernel's task list from init_task, with
 * every structure layout taken from the kernel's BTF (see types.h) and
 * every address from its symbols (symbols.h): no offset is hard-coded.
 * For each task it gives what /proc would: pid, thread-group id, parent,
 * comm, whether it is a kernel thread, and its mm with the physical
 * address of its page-table root (mm->pgd, translated by the kernel's own
 * tables).
 *
 * The lists are untrusted: a task that cannot be read, a list that loops
 * without coming back to its head or that is longer than any kernel's, is
 * PTK_ERR_CORRUPT naming the address.
 */
#ifndef PTKIT_TASKS_H
#define PTKIT_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "symbols.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TASK_COMM_LEN, include/linux/sched.h */
enum { PTK_COMM_LEN = 16 };

/**
 * struct ptk_task - one task
 * @addr:  its task_struct
 * @pid:   task_struct.pid (the global thread id)
 * @tgid:  task_struct.tgid (the process id)
 * @ppid:  the tgid of task_struct.real_parent, as /proc's PPid
 * @comm:  task_struct.comm, NUL-terminated
 * @kernel_thread: PF_KTHREAD is set in task_struct.flags
 * @mm:    task_struct.mm, 0 for a kernel thread
 * @pgd:   physical address of mm->pgd (the top table, under PTI the
 *         kernel's copy; the user's is the page after it), 0 without mm
 * @state: the letter /proc/PID/stat shows (R, S, D, T, t, X, Z, P, I)
 */
struct ptk_task {
	uint64_t addr;
	int32_t pid, tgid, ppid;
	char comm[PTK_COMM_LEN + 1];
	bool kernel_thread;
	uint64_t mm;
	uint64_t pgd;
	char state;
};

/**
 * struct ptk_tasks - tasks in the order of the kernel's lists: each
 * process (thread-group leader) as on init_task.tasks, with its other
 * threads after it when asked for
 */
struct ptk_tasks {
	struct ptk_task *task;
	size_t n;
};

/** enum ptk_tasks_flags - what ptk_tasks_read() lists */
enum ptk_tasks_flags {
	PTK_TASKS_THREADS = 1u << 0,	/* every thread, not only leaders */
};

/**
 * ptk_tasks_read() - the tasks of @src
 * @pg:    the kernel's own paging (it maps every task_struct)
 * @flags: enum ptk_tasks_flags
 *
 * Needs the symbol init_task and, in BTF, task_struct's tasks, pid, tgid,
 * real_parent, comm, flags and mm, and mm_struct.pgd (threads: signal,
 * thread_node and signal_struct.thread_head).  PTK_ERR_NODATA names what
 * is missing.  Release the result with ptk_tasks_release().
 */
enum ptk_status ptk_tasks_read(struct ptk_source *src,
			       const struct ptk_paging *pg,
			       const struct ptk_symbols *syms,
			       const struct ptk_types *types, unsigned flags,
			       struct ptk_tasks *ret);
void ptk_tasks_release(struct ptk_tasks *tasks);

/**
 * ptk_user_pages() - the 4 KiB pages the user half of the tables at @pgd
 * maps (a 2 MiB leaf is 512), walked with @kpg's paging; @bad counts the
 * entries that cannot be followed (skipped)
 */
enum ptk_status ptk_user_pages(struct ptk_source *src,
			       const struct ptk_paging *kpg, uint64_t pgd,
			       uint64_t *pages, uint64_t *bad);

/** ptk_tasks_find() - the task with thread id @pid, or NULL */
const struct ptk_task *ptk_tasks_find(const struct ptk_tasks *tasks,
				      int32_t pid);

#ifdef __cplusplus
}
#endif
#endif
