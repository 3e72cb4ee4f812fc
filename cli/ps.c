// SPDX-License-Identifier: MIT
/* ptkit ps: the processes of a dump, with their page tables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct ps_args {
	struct source_opts src;
	bool json, threads;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0,
	  "text (default) or json (JSON Lines, one object per task)", 0 },
	{ "threads", 't', NULL, 0, "list every thread, not only processes", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ps_args *a = state->input;

	if (key == 't') {
		a->threads = true;
		return 0;
	}
	return one_source_opt(key, arg, state, &a->src, &a->json);
}

static const struct argp ps_argp = {
	options, parse_opt, "SOURCE",
	"List the tasks of a Linux dump from the kernel's task list: pid, "
	"thread-group id, parent, state, comm, whether it is a kernel thread, "
	"its mm and the physical address of its page-table root, and the "
	"pages its user half maps, counted by walking its tables.  Needs "
	"kallsyms (or --symbols) and the kernel's BTF; nothing else.\v"
	"PAGES counts 4 KiB pages: a 2 MiB leaf is 512.  Kernel threads have "
	"no mm; their comm is shown in brackets, as ps(1) does.",
	source_children, NULL, NULL,
};

struct count {
	uint64_t pages, bad;
};

static void print_header(void)
{
	printf("%7s %7s %7s S %-18s %-18s %8s COMMAND\n", "PID", "TGID",
	       "PPID", "MM", "PGD", "PAGES");
}

static void print_task(const struct ptk_task *t, const struct count *c,
		       bool json)
{
	if (json) {
		printf("{\"pid\":%" PRId32 ",\"tgid\":%" PRId32
		       ",\"ppid\":%" PRId32 ",\"comm\":", t->pid, t->tgid,
		       t->ppid);
		json_str(stdout, t->comm);
		printf(",\"kernel_thread\":%s,\"state\":\"%c\"",
		       t->kernel_thread ? "true" : "false", t->state);
		if (t->mm)
			printf(",\"mm\":\"%#" PRIx64 "\",\"pgd\":\"%#" PRIx64
			       "\",\"user_pages\":%" PRIu64, t->mm, t->pgd,
			       c->pages);
		else
			printf(",\"mm\":null,\"pgd\":null,\"user_pages\":0");
		printf(",\"task\":\"%#" PRIx64 "\"}\n", t->addr);
		return;
	}
	printf("%7" PRId32 " %7" PRId32 " %7" PRId32 " %c ", t->pid, t->tgid,
	       t->ppid, t->state);
	if (t->mm)
		printf("0x%016" PRIx64 " 0x%016" PRIx64 " %8" PRIu64, t->mm,
		       t->pgd, c->pages);
	else
		printf("%-18s %-18s %8s", "-", "-", "-");
	printf(t->kernel_thread ? " [%s]\n" : " %s\n", t->comm);
}

int cmd_ps(int argc, char **argv)
{
	struct ps_args a = { 0 };
	const struct ptk_tasks *tasks;
	struct session s;
	struct count last = { 0 };
	uint64_t bad = 0;
	int ret;

	argp_parse(&ps_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	tasks = session_tasks(&s, a.threads, &ret);
	if (!tasks)
		goto out;
	if (!a.json)
		print_header();
	for (size_t i = 0; i < tasks->n; i++) {
		const struct ptk_task *t = &tasks->task[i];
		struct count c = { 0 };

		/* threads share their mm: count it once */
		if (i && t->mm && t->mm == tasks->task[i - 1].mm) {
			print_task(t, &last, a.json);
			continue;
		}
		if (t->mm && ptk_user_pages(s.src, &s.kpg, t->pgd, &c.pages,
					    &c.bad) != PTK_OK) {
			fprintf(stderr, "%s: '%s': pid %" PRId32 ": %s\n",
				argv[0], a.src.path, t->pid,
				ptk_ctx_err(s.ctx));
			ptk_ctx_clear_err(s.ctx);
			ret = EXIT_BADINPUT;
		}
		bad += c.bad;
		last = c;
		print_task(t, &c, a.json);
	}
	if (bad) {
		fprintf(stderr, "%s: '%s': %" PRIu64 " user table entries "
			"cannot be followed (see ptkit walk --pid)\n", argv[0],
			a.src.path, bad);
		if (ret == EXIT_OK)
			ret = EXIT_BADINPUT;
	}
out:
	session_close(&s);
	return finish_output(argv[0], ret);
}
