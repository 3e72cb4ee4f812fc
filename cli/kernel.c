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

	session_preload_wait(s);	/* what it reads is not read twice */
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

	session_preload_wait(s);	/* what it reads is not read twice */
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

	session_preload_wait(s);	/* what it reads is not read twice */
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

const struct ptk_tasks *session_tasks_quiet(struct session *s)
{
	if (s->tasks_read)
		return &s->tasks;
	if (s->tasks_failed)
		return NULL;
	if (load_tasks(s, false) != PTK_OK) {
		s->tasks_failed = true;
		snprintf(s->why_no_tasks, sizeof(s->why_no_tasks), "%s",
			 ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
		return NULL;
	}
	return &s->tasks;
}

const struct ptk_tasks *session_tasks(struct session *s, bool threads,
				      int *status)
{
	enum ptk_status st = load_tasks(s, threads);

	if (st != PTK_OK)
		return failed(s, st, status);
	return &s->tasks;
}

/* The symbols if they can be had, loaded once, without a word if not. */
static struct ptk_symbols *quiet_symbols(struct session *s)
{
	session_preload_wait(s);	/* what it reads is not read twice */
	if (!s->syms && !s->syms_tried) {
		s->syms_tried = true;
		if (load_symbols(s) != PTK_OK) {
			s->syms = NULL;
			snprintf(s->why_no_symbols, sizeof(s->why_no_symbols),
				 "%s", ptk_ctx_err(s->ctx));
		}
		ptk_ctx_clear_err(s->ctx);
	}
	return s->syms;
}

struct ptk_types *session_types_quiet(struct session *s)
{
	session_preload_wait(s);	/* what it reads is not read twice */
	if (s->types || !quiet_symbols(s))
		return s->types;
	if (ptk_types_from_btf(s->src, &s->kpg, s->syms, &s->types) != PTK_OK)
		s->types = NULL;
	ptk_ctx_clear_err(s->ctx);
	return s->types;
}

const struct ptk_modules *session_modules(struct session *s)
{
	session_preload_wait(s);	/* what it reads is not read twice */
	if (s->mods_read || s->mods_tried)
		return s->mods_read ? &s->mods : NULL;
	s->mods_tried = true;
	if (!quiet_symbols(s) ||
	    (!s->types && ptk_types_from_btf(s->src, &s->kpg, s->syms,
					     &s->types) != PTK_OK) ||
	    ptk_modules_read(s->src, &s->kpg, s->syms, s->types,
			     &s->mods) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return NULL;
	}
	s->mods_read = true;
	return &s->mods;
}

struct ptk_symbols *session_module_symbols(struct session *s)
{
	const struct ptk_modules *mods;

	session_preload_wait(s);	/* what it reads is not read twice */
	if (s->modsyms || s->modsyms_tried)
		return s->modsyms;
	s->modsyms_tried = true;
	/* a saved /proc/kallsyms has the modules' symbols already */
	if (s->opts && s->opts->symbols)
		return NULL;
	mods = session_modules(s);
	if (!mods || ptk_modules_symbols(s->src, &s->kpg, s->types, mods,
					 &s->modsyms) != PTK_OK) {
		s->modsyms = NULL;
		ptk_ctx_clear_err(s->ctx);
	}
	return s->modsyms;
}

const char *session_symbol_at(struct session *s, uint64_t addr, char *buf,
			      size_t len)
{
	if (!quiet_symbols(s))
		return NULL;
	/* the modules' symbols are read only when the kernel's miss */
	if (ptk_symbols_describe(s->syms, addr, buf, len))
		return buf;
	return ptk_symbols_describe(session_module_symbols(s), addr, buf, len);
}

int session_spaces(struct session *s, struct ptk_rmap_spaces *sp,
		   const char **why)
{
	const struct ptk_tasks *tasks = NULL;

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
	if (ptk_rmap_spaces_of(&s->kpg, tasks, sp) != PTK_OK) {
		fprintf(stderr, "%s: out of memory\n", s->cmd);
		return EXIT_ENV;
	}
	return EXIT_OK;
}

bool session_kernel_symbol(struct session *s, const char *name, uint64_t *ret)
{
	/* VMCOREINFO first: kallsyms is read only when it does not say */
	return ptk_kernel_symbol(s->src, NULL, name, ret) ||
	       (quiet_symbols(s) && ptk_kernel_symbol(s->src, s->syms, name,
						      ret));
}

uint64_t session_max_pfn_mapped(struct session *s)
{
	uint64_t va;

	if (!session_kernel_symbol(s, "max_pfn_mapped", &va))
		return 0;
	return ptk_read_max_pfn_mapped(s->src, &s->kpg, va);
}

bool session_symbol_named(struct session *s, const char *name, uint64_t *ret)
{
	const struct ptk_symbol *sym;

	if (!quiet_symbols(s))
		return false;
	sym = ptk_symbols_find(s->syms, name);
	if (!sym && session_module_symbols(s))
		sym = ptk_symbols_find(s->modsyms, name);
	if (!sym)
		return false;
	*ret = sym->addr;
	return true;
}

/* The sections of the kernel image, between the symbols that bound them
 * in arch/x86/kernel/vmlinux.lds.S. */
static const struct {
	const char *name, *start, *end;
} sections[] = {
	{ "text", "_stext", "_etext" },
	{ "rodata", "__start_rodata", "__end_rodata" },
	{ "data", "_sdata", "_edata" },
	{ "init", "__init_begin", "__init_end" },
	{ "bss", "__bss_start", "__bss_stop" },
	{ "brk", "__brk_base", "__brk_limit" },
};

size_t session_image_regions(struct session *s,
			     struct image_region out[IMAGE_REGIONS_MAX])
{
	size_t n = 0;

	if (!quiet_symbols(s))
		return 0;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const struct ptk_symbol *a = ptk_symbols_find(s->syms,
							      sections[i].start);
		const struct ptk_symbol *b = ptk_symbols_find(s->syms,
							      sections[i].end);

		if (!a || !b || b->addr <= a->addr || n == IMAGE_REGIONS_MAX)
			continue;
		out[n].name = sections[i].name;
		out[n].start = a->addr;
		out[n++].end = b->addr;
	}
	return n;
}

/* struct new_utsname, include/uapi/linux/utsname.h: six fields of
 * __NEW_UTS_LEN + 1 bytes; release is the third, version the fourth. */
enum { UTS_FIELD = 65, UTS_RELEASE = 2 * UTS_FIELD, UTS_VERSION = 3 * UTS_FIELD };

bool session_uts(struct session *s, char release[65], char version[65])
{
	const char *sym = ptk_source_meta(s->src, "SYMBOL(init_uts_ns)");
	const char *off = ptk_source_meta(s->src,
					  "OFFSET(uts_namespace.name)");
	char buf[UTS_VERSION + UTS_FIELD];
	uint64_t va, o;

	if (!sym || !off || !ptk_parse_u64(off, &o) || o > 4096)
		return false;
	va = strtoull(sym, NULL, 16);
	if (ptk_read_virt(s->src, &s->kpg, va + o, buf, sizeof(buf)) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return false;
	}
	memcpy(release, buf + UTS_RELEASE, UTS_FIELD);
	memcpy(version, buf + UTS_VERSION, UTS_FIELD);
	release[UTS_FIELD - 1] = version[UTS_FIELD - 1] = '\0';
	for (char *p = release; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
			*p = '?';
	for (char *p = version; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
			*p = '?';
	return true;
}

/* What a kernel's symbols and types are, or why there are none. */
void session_kernel_facts(struct session *s, struct kernel_facts *f)
{
	memset(f, 0, sizeof(*f));
	ptk_ctx_clear_err(s->ctx);
	if (!s->syms && load_symbols(s) != PTK_OK) {
		snprintf(f->no_symbols, sizeof(f->no_symbols), "%s",
			 ptk_ctx_err(s->ctx));
		s->syms_tried = true;
		ptk_ctx_clear_err(s->ctx);
		return;
	}
	f->nsyms = ptk_symbols_count(s->syms);
	f->syms_from = ptk_symbols_origin(s->syms);
	if (!s->types &&
	    ptk_types_from_btf(s->src, &s->kpg, s->syms, &s->types) != PTK_OK) {
		snprintf(f->no_btf, sizeof(f->no_btf), "%s",
			 ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
		return;
	}
	ptk_types_btf(s->types, &f->btf_addr, &f->btf_size);
}

struct ptk_vmstat *session_vmstat(struct session *s)
{
	if (!s->vmstat && !s->vmstat_tried) {
		s->vmstat_tried = true;
		if (!quiet_symbols(s)) {
			snprintf(s->why_no_vmstat, sizeof(s->why_no_vmstat),
				 "%s", s->why_no_symbols);
		} else if ((!s->types &&
			    ptk_types_from_btf(s->src, &s->kpg, s->syms,
					       &s->types) != PTK_OK) ||
			   ptk_vmstat_open(s->src, &s->kpg, s->syms, s->types,
					   &s->vmstat) != PTK_OK) {
			snprintf(s->why_no_vmstat, sizeof(s->why_no_vmstat),
				 "%s", ptk_ctx_err(s->ctx));
			s->vmstat = NULL;
		}
		ptk_ctx_clear_err(s->ctx);
	}
	return s->vmstat;
}

/*
 * A variable's address without loading the symbols: when the session
 * has none yet and would take them from the dump's kallsyms, one scan
 * for the name costs a few percent of building the table.
 */
static bool quick_symbol(struct session *s, const char *name, uint64_t *ret)
{
	if (s->syms || s->syms_tried || (s->opts && s->opts->symbols))
		return false;
	session_preload_wait(s);	/* it may have loaded them */
	if (s->syms)
		return false;
	if (ptk_kallsyms_find(s->src, &s->kpg, name, ret) == PTK_OK)
		return true;
	ptk_ctx_clear_err(s->ctx);
	return false;
}

int session_kernel_int(struct session *s, const char *name, int64_t *ret)
{
	uint64_t addr;
	int32_t v;

	if (!quick_symbol(s, name, &addr) &&
	    !session_symbol_named(s, name, &addr))
		return -1;
	if (ptk_read_virt(s->src, &s->kpg, addr, &v, sizeof(v)) != PTK_OK) {
		ptk_ctx_clear_err(s->ctx);
		return -1;
	}
	*ret = v;
	return 0;
}
