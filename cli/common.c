// SPDX-License-Identifier: MIT
/* Shared by the subcommands: source options, errors, output helpers. */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "linebuf.h"

enum { OPT_CR3 = 0x100, OPT_LEVELS, OPT_PHYS_BITS, OPT_PTI, OPT_SYMBOLS,
       OPT_PID, OPT_NO_DISCOVERY, OPT_REGION_BASE };


static const struct argp_option source_options[] = {
	{ NULL, 0, NULL, 0, "Paging (overrides what the source says):", 50 },
	{ "cr3", OPT_CR3, "PA", 0,
	  "walk the tables rooted at physical address PA", 0 },
	{ "levels", OPT_LEVELS, "4|5", 0, "4-level or 5-level (LA57) paging", 0 },
	{ "phys-bits", OPT_PHYS_BITS, "N", 0,
	  "physical-address width (MAXPHYADDR), 32-52; default 52", 0 },
	{ "pti", OPT_PTI, "kernel|user", 0,
	  "with page-table isolation, walk the kernel's or the user's copy "
	  "of the top table", 0 },
	{ "pid", OPT_PID, "N", 0,
	  "walk the page tables of process N (its user half; the kernel "
	  "half is the kernel's); needs kallsyms and BTF in the dump", 0 },
	{ "no-discovery", OPT_NO_DISCOVERY, NULL, 0,
	  "guess nothing: no Linux regions searched or assumed, no PTI "
	  "probe; only what the source states and --region-base", 0 },
	{ "region-base", OPT_REGION_BASE, "NAME=VA", 0,
	  "the base of direct-map, vmalloc or vmemmap, by hand (repeat for "
	  "each); it wins over what ptkit would find", 0 },
	{ NULL, 0, NULL, 0, "Kernel symbols:", 51 },
	{ "symbols", OPT_SYMBOLS, "FILE", OPTION_ARG_OPTIONAL,
	  "name kernel addresses where a command can (walk --entries); with "
	  "FILE, read the symbols from a System.map or a saved /proc/kallsyms "
	  "instead of the dump's kallsyms", 0 },
	{ 0 }
};

static error_t parse_source_opt(int key, char *arg, struct argp_state *state)
{
	struct source_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case OPT_CR3:
		if (!parse_addr(arg, &o->cr3))
			argp_error(state, "--cr3: '%s' is not an address", arg);
		o->has_cr3 = true;
		return 0;
	case OPT_LEVELS:
		if (!parse_addr(arg, &v) || (v != 4 && v != 5))
			argp_error(state, "--levels: '%s' is not 4 or 5", arg);
		o->levels = (unsigned)v;
		return 0;
	case OPT_PTI:
		if (strcmp(arg, "kernel") && strcmp(arg, "user"))
			argp_error(state, "--pti: '%s' is not kernel or user",
				   arg);
		o->pti = arg[0];
		return 0;
	case OPT_SYMBOLS:
		o->symbols = arg;
		o->want_symbols = true;
		return 0;
	case OPT_PID: {
		char *end;
		long long pid = strtoll(arg, &end, 10);

		if (!*arg || *end || pid < 0 || pid > INT32_MAX)
			argp_error(state, "--pid: '%s' is not a process id",
				   arg);
		o->has_pid = true;
		o->pid = (int32_t)pid;
		return 0;
	}
	case OPT_NO_DISCOVERY:
		o->hints.no_guess = true;
		return 0;
	case OPT_REGION_BASE: {
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : 0;
		uint64_t *base = NULL;

		if (eq && len == 10 && !strncmp(arg, "direct-map", len))
			base = &o->hints.page_offset;
		else if (eq && len == 7 && !strncmp(arg, "vmalloc", len))
			base = &o->hints.vmalloc;
		else if (eq && len == 7 && !strncmp(arg, "vmemmap", len))
			base = &o->hints.vmemmap;
		if (!base || !parse_addr(eq + 1, &v) || !v ||
		    (v & (PTK_PAGE_SIZE - 1)) || !(v >> 63))
			argp_error(state, "--region-base: '%s' is not "
				   "direct-map, vmalloc or vmemmap = a "
				   "page-aligned kernel address", arg);
		*base = v;
		return 0;
	}
	case OPT_PHYS_BITS:
		if (!parse_addr(arg, &v) || v < 32 || v > PTK_MAX_PHYS_BITS)
			argp_error(state, "--phys-bits: '%s' is not 32-52", arg);
		o->phys_bits = (unsigned)v;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp source_argp = {
	source_options, parse_source_opt, NULL, NULL, NULL, NULL, NULL,
};

int exit_for(enum ptk_status st)
{
	switch (st) {
	case PTK_OK:
	case PTK_STOP:
		return EXIT_OK;
	case PTK_ERR_INVALID:
		return EXIT_USAGE;
	case PTK_ERR_NOMEM:
		return EXIT_ENV;
	default:
		return EXIT_BADINPUT;
	}
}

int fail_status(const char *cmd, struct ptk_ctx *ctx, enum ptk_status st)
{
	const char *msg = ptk_ctx_err(ctx);

	fprintf(stderr, "%s: %s\n", cmd, *msg ? msg : ptk_status_str(st));
	return exit_for(st);
}

int fail_source(const struct session *s, enum ptk_status st)
{
	const char *msg = ptk_ctx_err(s->ctx);

	fprintf(stderr, "%s: '%s': %s\n", s->cmd, ptk_source_name(s->src),
		*msg ? msg : ptk_status_str(st));
	return exit_for(st);
}

int fail_output(const struct session *s, enum ptk_status st)
{
	if (st == PTK_ERR_NODATA || st == PTK_ERR_CORRUPT)
		return fail_source(s, st);
	fail_status(s->cmd, s->ctx, st);
	return EXIT_ENV;
}

int session_open(struct session *s, const char *cmd,
		 const struct source_opts *o)
{
	enum ptk_status st;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->opts = o;
	s->ctx = ptk_ctx_new();
	if (!s->ctx) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		return EXIT_ENV;
	}
	if (getenv("PTKIT_WALK_LIMIT")) {
		uint64_t limit;

		if (!ptk_parse_u64(getenv("PTKIT_WALK_LIMIT"), &limit)) {
			fprintf(stderr, "%s: PTKIT_WALK_LIMIT='%s' is not a "
				"number\n", cmd, getenv("PTKIT_WALK_LIMIT"));
			return EXIT_USAGE;
		}
		ptk_ctx_set_walk_limit(s->ctx, limit);
	}
	st = ptk_source_open(s->ctx, o->path, &s->src);
	if (st != PTK_OK) {
		/* Whatever went wrong, the input could not be read. */
		fail_status(cmd, s->ctx, st);
		return st == PTK_ERR_NOMEM ? EXIT_ENV : EXIT_BADINPUT;
	}
	if (o->has_cr3) {
		ptk_paging_init(&s->pg, o->cr3 & 0x000ffffffffff000ull,
				o->levels ? o->levels : 4);
		snprintf(s->why.root, sizeof(s->why.root), "--cr3");
		snprintf(s->why.levels, sizeof(s->why.levels),
			 o->levels ? "--levels" : "default with --cr3");
		if (!o->levels) {
			struct ptk_paging found;
			struct ptk_discovery why;

			/* Keep the source's paging mode if it has one. */
			if (ptk_paging_discover(s->src, &found, &why) == PTK_OK) {
				s->pg.levels = found.levels;
				s->pg.phys_bits = found.phys_bits;
				memcpy(s->why.levels, why.levels,
				       sizeof(why.levels));
			}
		}
	} else {
		st = ptk_paging_discover(s->src, &s->pg, &s->why);
		if (st != PTK_OK) {
			char msg[1100];

			snprintf(msg, sizeof(msg), "'%s': %s", o->path,
				 ptk_ctx_err(s->ctx));
			fprintf(stderr, "%s: %s\n", cmd, msg);
			return EXIT_BADINPUT;
		}
		if (o->levels) {
			s->pg.levels = o->levels;
			snprintf(s->why.levels, sizeof(s->why.levels),
				 "--levels");
		}
	}
	if (o->phys_bits)
		s->pg.phys_bits = o->phys_bits;
	if (o->pti) {
		uint64_t root = o->pti == 'u' ? s->pg.root | PTI_USER_BIT
					      : s->pg.root & ~PTI_USER_BIT;
		size_t n = strlen(s->why.root);

		if (root != s->pg.root)
			snprintf(s->why.root + n, sizeof(s->why.root) - n,
				 ", the %s copy (--pti)",
				 o->pti == 'u' ? "user" : "kernel");
		s->pg.root = root;
	}
	/* Regions are a help, not a need: only running out of memory here
	 * is an error. */
	st = ptk_layout_discover_hinted(s->src, &s->pg, &o->hints, &s->layout);
	if (st != PTK_OK)
		return fail_status(cmd, s->ctx, st);
	/* The kernel's memory is read through the kernel's own tables: the
	 * discovered root, its kernel copy under PTI; with --cr3 only, the
	 * tables given (their kernel half is the kernel's). */
	s->kpg = s->pg;
	if (!o->has_cr3) {
		struct ptk_paging found;
		struct ptk_discovery why;

		if (ptk_paging_discover(s->src, &found, &why) == PTK_OK)
			s->kpg.root = found.root & ~PTI_USER_BIT;
		ptk_ctx_clear_err(s->ctx);
	}
	if (o->has_pid)
		return session_use_pid(s, o->pid);
	return EXIT_OK;
}

int session_use_pid(struct session *s, int32_t pid)
{
	const struct ptk_tasks *tasks;
	const struct ptk_task *t;
	struct pti_found pti;
	size_t n;
	int ret;

	if (s->opts && s->opts->has_cr3) {
		fprintf(stderr, "%s: --pid picks the root itself: give it "
			"without --cr3\n", s->cmd);
		return EXIT_USAGE;
	}
	tasks = session_tasks(s, true, &ret);
	if (!tasks)
		return ret;
	t = ptk_tasks_find(tasks, pid);
	if (!t) {
		fprintf(stderr, "%s: '%s': no task has pid %" PRId32 "\n",
			s->cmd, ptk_source_name(s->src), pid);
		return EXIT_USAGE;
	}
	s->pid_task = t;
	n = strlen(s->why.root);
	if (!t->mm) {
		/* A kernel thread borrows whatever mm ran last; its own
		 * view is the kernel's, which is what the session has. */
		snprintf(s->why.root + n, sizeof(s->why.root) - n,
			 "; pid %" PRId32 " (%s) is a kernel thread: the "
			 "kernel's tables", pid, t->comm);
		return EXIT_OK;
	}
	/* mm->pgd is the kernel's copy under PTI.  The process's own view
	 * is its user half from the user copy (without the NX the kernel's
	 * copy adds) and the kernel half from the kernel's; --pti picks one
	 * copy whole instead. */
	s->pg.root = t->pgd;
	if (s->opts && s->opts->pti == 'u')
		s->pg.root |= PTI_USER_BIT;
	if (s->opts && s->opts->pti) {
		snprintf(s->why.root, sizeof(s->why.root), "pid %" PRId32
			 " (%s): mm %#" PRIx64 " ->pgd, the %s copy (--pti)",
			 pid, t->comm, t->mm,
			 s->opts->pti == 'u' ? "user" : "kernel");
		return EXIT_OK;
	}
	if (pti_probe(s, &pti) == PTI_ON) {
		s->pg.user_root = pti.other;
		snprintf(s->why.root, sizeof(s->why.root), "pid %" PRId32
			 " (%s): mm %#" PRIx64 " ->pgd; its user half from "
			 "the user copy at %#" PRIx64 " (PTI)", pid, t->comm,
			 t->mm, pti.other);
		return EXIT_OK;
	}
	snprintf(s->why.root, sizeof(s->why.root),
		 "pid %" PRId32 " (%s): mm %#" PRIx64 " ->pgd", pid, t->comm,
		 t->mm);
	return EXIT_OK;
}

void session_close(struct session *s)
{
	session_preload_wait(s);
	ptk_tasks_release(&s->tasks);
	ptk_vmstat_free(s->vmstat);
	s->vmstat = NULL;
	ptk_modules_release(&s->mods);
	ptk_symbols_free(s->modsyms);
	s->modsyms = NULL;
	ptk_types_free(s->types);
	ptk_symbols_free(s->syms);
	s->types = NULL;
	s->syms = NULL;
	ptk_source_free(s->src);
	ptk_ctx_free(s->ctx);
	s->src = NULL;
	s->ctx = NULL;
}

int finish_output(const char *cmd, int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the output: %s\n", cmd,
			strerror(errno));
		return EXIT_ENV;
	}
	return status;
}

void fmt_size(char *buf, size_t len, uint64_t size)
{
	char tmp[32];

	*put_size(tmp, size) = '\0';
	snprintf(buf, len, "%s", tmp);
}

const char *fmt_end(char *buf, size_t len, uint64_t end)
{
	/* the top of the address space wraps to 0, as in the kernel's
	 * ptdump: one spelling everywhere (ptkit(1)) */
	snprintf(buf, len, "0x%016" PRIx64, end);
	return buf;
}

bool parse_addr(const char *s, uint64_t *ret)
{
	return ptk_parse_u64(s, ret);
}

bool parse_range_arg(const char *s, uint64_t *start, uint64_t *end)
{
	char buf[128];
	char *sep;
	uint64_t b;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	sep = strpbrk(buf, "-+");
	if (!sep)
		return false;
	if (*sep == '+') {
		*sep = '\0';
		if (!ptk_parse_u64(buf, start) || !ptk_parse_u64(sep + 1, &b) ||
		    !b || (*start + b < *start && *start + b != 0))
			return false;
		*end = *start + b;
		return true;
	}
	*sep = '\0';
	if (!ptk_parse_u64(buf, start))
		return false;
	/* The top of the address space, written out, is allowed. */
	if (!strcasecmp(sep + 1, "0x10000000000000000")) {
		*end = 0;
		return true;
	}
	return ptk_parse_u64(sep + 1, end) && *end > *start;
}

char *put_flag_words(char *p, unsigned eff, unsigned pkey, bool ad)
{
	static const struct {
		unsigned flag;
		const char *on, *off;
	} words[] = {
		{ PTK_F_US, "USR", NULL }, { PTK_F_RW, "RW", "ro" },
		{ PTK_F_PWT, "PWT", NULL }, { PTK_F_PCD, "PCD", NULL },
		{ PTK_F_PAT, "PAT", NULL }, { PTK_F_G, "GLB", NULL },
		{ PTK_F_NX, "NX", "x" }, { PTK_F_A, "A", NULL },
		{ PTK_F_D, "D", NULL },
	};
	const char *start = p;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *w = eff & words[i].flag ? words[i].on : words[i].off;

		if (!w || (!ad && (words[i].flag & (PTK_F_A | PTK_F_D))))
			continue;
		if (p != start)
			*p++ = ' ';
		p = put_str(p, w);
	}
	if (pkey) {
		p = put_lit(p, " pkey=");
		p = put_dec(p, pkey, 0);
	}
	return p;
}

void flag_words(char *buf, size_t len, unsigned eff, unsigned pkey, bool ad)
{
	char tmp[FLAG_WORDS_MAX + LB_SLACK];

	*put_flag_words(tmp, eff, pkey, ad) = '\0';
	snprintf(buf, len, "%s", tmp);
}

const char *page_name(unsigned level)
{
	static const char *const names[] = { "?", "4K", "2M", "1G" };

	return level < 4 ? names[level] : "?";
}

void json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

int read_text_file(const char *cmd, const char *path, char **text,
		     size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 0;
	char *buf = NULL;
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", cmd, path,
			strerror(errno));
		return EXIT_BADINPUT;
	}
	for (;;) {
		size_t got;

		if (n + 4096 > cap) {
			char *p = realloc(buf, cap = 2 * (n + 4096));

			if (!p) {
				free(buf);
				fprintf(stderr, "%s: out of memory\n", cmd);
				return EXIT_ENV;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", cmd, path,
			strerror(errno));
		free(buf);
		if (f != stdin)
			fclose(f);
		return EXIT_BADINPUT;
	}
	if (f != stdin)
		fclose(f);
	*text = buf;
	*len = n;
	return EXIT_OK;
}


enum ptk_status write_image(struct ptk_source *src, const struct ptk_paging *pg,
			    const uint64_t *pfns, size_t npfns, const char *path)
{
	sigset_t block, old;
	enum ptk_status st;

	/*
	 * Past RLIMIT_FSIZE a write should fail, not kill us with the temp
	 * file left behind; and a signal that ends us must wait until the
	 * image is renamed into place or removed: the output is then the old
	 * one or the whole new one, never a part.
	 */
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	st = ptk_image_write(src, pg, pfns, npfns, path);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}

const struct argp_child source_children[] = {
	{ &source_argp, 0, NULL, 0 },
	{ 0 }
};

error_t one_source_opt(int key, char *arg, struct argp_state *state,
		       struct source_opts *src, bool *json)
{
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = src;
		return 0;
	case 'f':
		if (!json)
			return ARGP_ERR_UNKNOWN;
		if (!strcmp(arg, "json"))
			*json = true;
		else if (strcmp(arg, "text"))
			argp_error(state, "--format: '%s' is not text or json",
				   arg);
		return 0;
	case ARGP_KEY_ARG:
		if (src->path)
			argp_error(state, "one SOURCE only");
		src->path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!src->path)
			argp_error(state, "no SOURCE given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct ptk_region *region_named(struct ptk_source *src, const char *name)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(src, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(rg[i].name, name))
			return &rg[i];
	return NULL;
}

/* START-0: the top of the address space as ptkit prints it, 0 wrapped */
static bool to_the_top(const char *arg, uint64_t *start, uint64_t *end)
{
	char buf[128];
	char *sep;

	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	sep = strchr(buf, '-');
	if (!sep)
		return false;
	*sep = '\0';
	if (!ptk_parse_u64(buf, start) || !*start ||
	    !ptk_parse_u64(sep + 1, end) || *end)
		return false;
	return true;
}

void page_range_opt(struct argp_state *state, const char *arg,
		    uint64_t *start, uint64_t *end)
{
	if ((!parse_range_arg(arg, start, end) &&
	     !to_the_top(arg, start, end)) ||
	    ((*start | *end) & (PTK_PAGE_SIZE - 1)))
		argp_error(state, "--range: '%s' is not a page-aligned "
			   "START-END or START+SIZE", arg);
}

void policies_opt(struct argp_state *state, const char *list,
		  enum ptk_policy *policies, size_t *n)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		enum ptk_policy pol = ptk_policy_parse(p, len);

		if (pol == PTK_POLICY_N)
			argp_error(state, "'%.*s' is not none, naive or "
				   "pageblock", (int)len, p);
		for (size_t i = 0; i < *n; i++)
			if (policies[i] == pol)
				argp_error(state, "policy '%.*s' given twice",
					   (int)len, p);
		policies[(*n)++] = pol;
		p += len + (p[len] == ',');
	}
}
