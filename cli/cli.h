/* SPDX-License-Identifier: MIT */
/* What every ptkit subcommand shares: exit codes, source options, output. */
#ifndef PTKIT_CLI_H
#define PTKIT_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ptkit/ptkit.h"

/* Exit statuses, documented in ptkit(1). */
enum {
	EXIT_OK = 0,
	EXIT_FINDING = 1,	/* a finding, or an address is not mapped */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_BADINPUT = 3,	/* the input cannot be read or is corrupt */
	EXIT_ENV = 4,		/* no memory, cannot write the output */
};

/**
 * struct source_opts - the source options every reading command takes
 * (an argp child: see source_argp)
 */
struct source_opts {
	const char *path;
	bool has_cr3;
	uint64_t cr3;
	unsigned levels;	/* 0: as the source says */
	int pti;		/* 0: as found, 'k': kernel copy, 'u': user */
	unsigned phys_bits;	/* 0: as the source says */
	const char *symbols;	/* --symbols=FILE, or NULL: kallsyms */
	bool want_symbols;	/* --symbols, with or without FILE */
	bool has_pid;
	int32_t pid;		/* --pid: walk this process's tables */
	struct ptk_layout_hints hints;	/* --no-discovery, --region-base */
};
extern const struct argp source_argp;
/* The argp children of a command that reads sources: source_argp. */
extern const struct argp_child source_children[];

/**
 * one_source_opt() - the arguments of a command on one SOURCE: the SOURCE
 * itself and, when @json is given, --format=text|json (as 'f').  Call it
 * from a parse_opt's default case; source_children must be its children.
 */
error_t one_source_opt(int key, char *arg, struct argp_state *state,
		       struct source_opts *src, bool *json);

/** struct session - an open source and the paging to walk it with */
struct session {
	const char *cmd;	/* "ptkit walk", for messages */
	struct ptk_ctx *ctx;
	struct ptk_source *src;
	struct ptk_paging pg;
	struct ptk_discovery why;
	struct ptk_layout layout;
	struct ptk_paging kpg;	/* the kernel's own tables, for its memory */
	const struct source_opts *opts;
	/* loaded when first asked for (cli/kernel.c) */
	struct ptk_symbols *syms;
	struct ptk_types *types;
	struct ptk_tasks tasks;
	bool tasks_read, tasks_threads, tasks_failed, syms_tried;
	const struct ptk_task *pid_task;	/* --pid's task */
	char why_no_tasks[256];
	char why_no_symbols[256];
	struct ptk_vmstat *vmstat;
	bool vmstat_tried;
	struct ptk_modules mods;
	bool mods_read, mods_tried;
	struct ptk_symbols *modsyms;	/* the modules' own */
	bool modsyms_tried;
	char why_no_vmstat[256];
	struct preload *preload;	/* see session_preload() */
};

/**
 * session_open() - open opts->path, find its paging, apply the overrides.
 * Returns EXIT_OK, or an exit status after printing one message.
 */
int session_open(struct session *s, const char *cmd,
		 const struct source_opts *opts);
void session_close(struct session *s);

/**
 * session_preload() - read the kernel's symbols, BTF, modules and their
 * symbols in a thread over a second opening of the source, for an
 * interactive program (cli/preload.c).  The loaders below wait for it
 * rather than read twice; session_preloading() says whether it is still
 * at work, and adopts what it read once it is not.
 */
void session_preload(struct session *s);
bool session_preloading(struct session *s);
void session_preload_wait(struct session *s);

/**
 * session_use_pid() - walk the tables of process @pid from now on (what
 * --pid does); an exit status, after one message when not EXIT_OK
 */
int session_use_pid(struct session *s, int32_t pid);

/**
 * session_symbols() - the kernel's symbols: --symbols' file, else the
 * dump's kallsyms.  Loaded once; NULL after printing one message (the
 * exit status is then EXIT_BADINPUT or EXIT_ENV, in *@status).
 */
struct ptk_symbols *session_symbols(struct session *s, int *status);

/** session_types() - the kernel's BTF types, as session_symbols() */
struct ptk_types *session_types(struct session *s, int *status);
/** session_types_quiet() - the same, or NULL without a word */
struct ptk_types *session_types_quiet(struct session *s);

/**
 * session_tasks() - the dump's tasks (all threads with @threads), as
 * session_symbols()
 */
const struct ptk_tasks *session_tasks(struct session *s, bool threads,
				      int *status);

/**
 * session_tasks_quiet() - the tasks (threads if already read), or NULL
 * without a word when they cannot be had (s->why_no_tasks says why)
 */
const struct ptk_tasks *session_tasks_quiet(struct session *s);

/**
 * session_symbol_at() - "name+0xoff" for a kernel address, into @buf, or
 * NULL when no symbol holds it; never loads symbols that were not asked
 * for (--symbols) or that cannot be had, and never prints
 */
const char *session_symbol_at(struct session *s, uint64_t addr, char *buf,
			      size_t len);

/**
 * session_modules() - the loaded modules, or NULL (quietly) without
 * symbols or BTF
 */
const struct ptk_modules *session_modules(struct session *s);

/**
 * session_module_symbols() - the modules' own symbols, read from the dump
 * (not with --symbols=FILE, whose file lists them); NULL, quietly, if none
 */
struct ptk_symbols *session_module_symbols(struct session *s);

/**
 * session_symbol_named() - the address of symbol @name; false when there
 * is no such symbol or no symbols at all (quietly, as session_symbol_at())
 */
bool session_symbol_named(struct session *s, const char *name, uint64_t *ret);

/**
 * session_kernel_symbol() - the address of the kernel's symbol @name, from
 * the metadata's SYMBOL(@name) (VMCOREINFO, or an image's) or kallsyms;
 * false, quietly, when there is none (modules are not searched)
 */
bool session_kernel_symbol(struct session *s, const char *name, uint64_t *ret);

/**
 * session_max_pfn_mapped() - the kernel's max_pfn_mapped (where CPA stops
 * passing over holes of the direct map), or 0 when it cannot be read
 */
uint64_t session_max_pfn_mapped(struct session *s);

/**
 * session_vmstat() - the kernel's counters with their per-CPU deltas, or
 * NULL, quietly, with the reason in s->why_no_vmstat
 */
struct ptk_vmstat *session_vmstat(struct session *s);

/**
 * session_kernel_int() - the kernel's int variable @name, quietly; -1
 * when there are no symbols, no such symbol, or it cannot be read
 */
int session_kernel_int(struct session *s, const char *name, int64_t *ret);

/**
 * session_uts() - the kernel's release and version strings, from
 * VMCOREINFO's init_uts_ns; false when the dump does not say
 */
bool session_uts(struct session *s, char release[65], char version[65]);

/**
 * struct kernel_facts - what ptkit could learn of the kernel, for info
 * @no_symbols, @no_btf: "" or why they could not be had
 */
struct kernel_facts {
	size_t nsyms;
	const char *syms_from;
	uint64_t btf_addr, btf_size;
	char no_symbols[256], no_btf[256];
};
void session_kernel_facts(struct session *s, struct kernel_facts *f);

/**
 * struct image_region - a section of the kernel image ("text", "rodata",
 * "data", "init", "bss", "brk"), from the symbols that bound it
 */
struct image_region {
	const char *name;
	uint64_t start, end;
};
enum { IMAGE_REGIONS_MAX = 8 };

/**
 * session_image_regions() - the kernel image's sections, from symbols
 * that can be had (kallsyms or --symbols); 0 without a word if none
 */
size_t session_image_regions(struct session *s,
			     struct image_region out[IMAGE_REGIONS_MAX]);

/**
 * session_spaces() - the kernel's tables and each process's user half,
 * for ptk_rmap(); without kallsyms or BTF, only the kernel's (and *@why
 * says what is missing); an exit status after one message
 */
int session_spaces(struct session *s, struct ptk_rmap_spaces *sp,
		   const char **why);

/* With page-table isolation the PGD is 8 KiB: the kernel's copy, then the
 * user's (PTI_USER_PGTABLE_BIT is PAGE_SHIFT, arch/x86/mm/pti.c). */
#define PTI_USER_BIT (UINT64_C(1) << 12)

/** enum pti_state - what the page beside the root is (see pti_probe()) */
enum pti_state { PTI_UNKNOWN, PTI_OFF, PTI_ON, PTI_NOT_PROBED };

/**
 * struct pti_found - what pti_probe() saw
 * @other:   the page beside the root
 * @present: its present kernel-half entries
 * @why:     PTI_OFF: the first fact that rules out a copy
 */
struct pti_found {
	uint64_t other;
	unsigned present;
	char why[240];
};

/**
 * pti_probe() - does the page beside the root hold the other PTI copy?
 * Two pages that share a user half are not enough (both may be empty):
 * the user copy's kernel entries must be entries of the kernel's copy and
 * map what the kernel's map.
 */
enum pti_state pti_probe(struct session *s, struct pti_found *f);

/**
 * struct table_pages - the table pages an image of a session needs: those
 * reachable from the root, from each CPU's CR3 and, under PTI, from the
 * other copy of the top table; sorted, unique, and only pages @view holds
 */
struct table_pages {
	uint64_t *pfn;
	size_t n, cap;
	size_t nroots;
	size_t absent;		/* tables the view does not hold */
	uint64_t nbad;		/* entries that could not be followed */
};
void table_pages_init(struct table_pages *tp);
void table_pages_release(struct table_pages *tp);
enum ptk_status table_pages_collect(struct table_pages *tp, struct session *s,
				    struct ptk_source *view,
				    const struct ptk_paging *pg);

/**
 * table_pages_add() - add pages that are not tables (data an image must
 * carry), as table_pages_collect() adds tables; -1 when out of memory
 */
int table_pages_add(struct table_pages *tp, struct ptk_source *view,
		    const uint64_t *pfns, size_t n);

/**
 * table_pages_add_processes() - add the tables of every process (found
 * quietly, as session_spaces() finds them; none without symbols or BTF);
 * -1 when out of memory
 */
int table_pages_add_processes(struct table_pages *tp, struct session *s);

/**
 * write_image() - ptk_image_write(), with SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT held until the file is complete or removed, and SIGXFSZ ignored
 */
enum ptk_status write_image(struct ptk_source *src, const struct ptk_paging *pg,
			    const uint64_t *pfns, size_t npfns, const char *path);

/** fail_status() - print "CMD: MESSAGE" from the context; exit status */
int fail_status(const char *cmd, struct ptk_ctx *ctx, enum ptk_status st);
/** fail_source() - as fail_status(), naming the session's source */
int fail_source(const struct session *s, enum ptk_status st);

/**
 * fail_output() - report a failure to write an output from the source:
 * a page the source cannot give is bad input (exit 3, naming the source),
 * anything else the output's (exit 4)
 */
int fail_output(const struct session *s, enum ptk_status st);
/** exit_for() - the exit status that fits a library status */
int exit_for(enum ptk_status st);

/** finish_output() - flush stdout; a write error is an error (EXIT_ENV) */
int finish_output(const char *cmd, int status);

/**
 * page_range_opt() - a --range option's START-END or START+SIZE, page
 * aligned, or a usage error
 */
void page_range_opt(struct argp_state *state, const char *arg,
		    uint64_t *start, uint64_t *end);

/**
 * session_find_region() - [@start, @end) of the region @want names: one
 * of the source's, an alias (direct-map, vmalloc, ...), a section of the
 * kernel image (text, ...), a module or a module's part; false, with the
 * known names on stderr, when none is called so
 */
bool session_find_region(struct session *s, const char *want,
			 uint64_t *start, uint64_t *end);

/**
 * policies_opt() - append the policies of "naive,pageblock" to
 * @policies (PTK_POLICY_N of room), a usage error for an unknown or a
 * repeated one
 */
void policies_opt(struct argp_state *state, const char *list,
		  enum ptk_policy *policies, size_t *n);

/** region_named() - the region of @src called @name, or NULL */
const struct ptk_region *region_named(struct ptk_source *src,
				      const char *name);

/** fmt_size() - "4K", "632K", "2M", ... as ptdump prints sizes */
void fmt_size(char *buf, size_t len, uint64_t size);

/** fmt_end() - an exclusive end address, 16 digits; the top of the
 * address space is 0x0000000000000000, as in the kernel's ptdump */
const char *fmt_end(char *buf, size_t len, uint64_t end);

/** parse_addr() - an address argument: decimal or 0x hex */
bool parse_addr(const char *s, uint64_t *ret);

/** parse_range_arg() - START-END (END exclusive, may be 2^64) or START+SIZE */
bool parse_range_arg(const char *s, uint64_t *start, uint64_t *end);

/** read_text_file() - all of @path (- for stdin) into *text; exit status */
int read_text_file(const char *cmd, const char *path, char **text,
		   size_t *len);

/** json_str() - print @s as a JSON string, escaped */
void json_str(FILE *f, const char *s);

/**
 * flag_words() - effective flags as the walk prints them, "USR RW NX";
 * with @ad, accessed and dirty too
 */
void flag_words(char *buf, size_t len, unsigned eff, unsigned pkey, bool ad);

/** put_flag_words() - the same at @p, at most FLAG_WORDS_MAX bytes (and
 *  LB_SLACK more may be written, as linebuf.h's helpers do); the end */
enum { FLAG_WORDS_MAX = 64 };
char *put_flag_words(char *p, unsigned eff, unsigned pkey, bool ad);

/** page_name() - "4K", "2M", "1G" for leaf levels */
const char *page_name(unsigned level);

/** The subcommands, one per file. */
int cmd_walk(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_mkimage(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_directmap(int argc, char **argv);
int cmd_unmapped(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_freelists(int argc, char **argv);
int cmd_pages(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_symbols(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_rmap(int argc, char **argv);
int cmd_vmemmap(int argc, char **argv);
int cmd_exposure(int argc, char **argv);

#endif
