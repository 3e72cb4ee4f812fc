// SPDX-License-Identifier: MIT
/*
 * What a Source knows of its kernel: symbols from the kallsyms tables,
 * types from BTF, the processes.  Each is read once, when first asked for;
 * a dump without them is still a dump, so failing is quiet (the caller
 * says what it lacks), as the command line's session does.
 */
#include <stdio.h>
#include <string.h>

#include "binding.h"

struct ptk_symbols *source_symbols(SourceObject *s)
{
	struct kernel_cache *k = &s->kern;

	if (!k->syms && !k->syms_tried) {
		k->syms_tried = true;
		if (ptk_symbols_from_kallsyms(s->src, &s->pg, &k->syms) != PTK_OK) {
			k->syms = NULL;
			snprintf(k->why_no_symbols, sizeof(k->why_no_symbols),
				 "%s", ptk_ctx_err(s->ctx));
		}
		ptk_ctx_clear_err(s->ctx);
	}
	return k->syms;
}

struct ptk_types *source_types(SourceObject *s)
{
	struct kernel_cache *k = &s->kern;

	if (!k->types && !k->types_tried && source_symbols(s)) {
		k->types_tried = true;
		if (ptk_types_from_btf(s->src, &s->pg, k->syms,
				       &k->types) != PTK_OK)
			k->types = NULL;
		ptk_ctx_clear_err(s->ctx);
	}
	return k->types;
}

const struct ptk_tasks *source_tasks(SourceObject *s)
{
	struct kernel_cache *k = &s->kern;
	enum ptk_status st;

	if (k->tasks_read || k->tasks_tried)
		return k->tasks_read ? &k->tasks : NULL;
	k->tasks_tried = true;
	ptk_ctx_clear_err(s->ctx);
	/* the first failure says why: load them one by one for its message */
	if (!k->syms) {
		st = ptk_symbols_from_kallsyms(s->src, &s->pg, &k->syms);
		k->syms_tried = true;
		if (st != PTK_OK) {
			k->syms = NULL;
			goto fail;
		}
	}
	if (!k->types) {
		st = ptk_types_from_btf(s->src, &s->pg, k->syms, &k->types);
		k->types_tried = true;
		if (st != PTK_OK) {
			k->types = NULL;
			goto fail;
		}
	}
	st = ptk_tasks_read(s->src, &s->pg, k->syms, k->types, 0, &k->tasks);
	if (st != PTK_OK)
		goto fail;
	k->tasks_read = true;
	return &k->tasks;
fail:
	snprintf(k->why_no_tasks, sizeof(k->why_no_tasks), "%s",
		 ptk_ctx_err(s->ctx));
	ptk_ctx_clear_err(s->ctx);
	return NULL;
}

const struct ptk_modules *source_modules(SourceObject *s)
{
	struct kernel_cache *k = &s->kern;

	if (k->mods_read || k->mods_tried)
		return k->mods_read ? &k->mods : NULL;
	k->mods_tried = true;
	if (source_types(s) &&
	    ptk_modules_read(s->src, &s->pg, k->syms, k->types,
			     &k->mods) == PTK_OK)
		k->mods_read = true;
	ptk_ctx_clear_err(s->ctx);
	return k->mods_read ? &k->mods : NULL;
}

struct ptk_symbols *source_module_symbols(SourceObject *s)
{
	struct kernel_cache *k = &s->kern;
	const struct ptk_modules *mods;

	if (k->modsyms || k->modsyms_tried)
		return k->modsyms;
	k->modsyms_tried = true;
	mods = source_modules(s);
	if (!mods || ptk_modules_symbols(s->src, &s->pg, k->types, mods,
					 &k->modsyms) != PTK_OK)
		k->modsyms = NULL;
	ptk_ctx_clear_err(s->ctx);
	return k->modsyms;
}

uint64_t source_max_pfn_mapped(SourceObject *s)
{
	uint64_t va;

	/* VMCOREINFO first: kallsyms is read only when it does not say */
	if (!ptk_kernel_symbol(s->src, NULL, "max_pfn_mapped", &va) &&
	    !ptk_kernel_symbol(s->src, source_symbols(s), "max_pfn_mapped",
			       &va))
		return 0;
	return ptk_read_max_pfn_mapped(s->src, &s->pg, va);
}

void kernel_cache_release(struct kernel_cache *k)
{
	if (k->tasks_read)
		ptk_tasks_release(&k->tasks);
	if (k->mods_read)
		ptk_modules_release(&k->mods);
	ptk_symbols_free(k->modsyms);
	ptk_types_free(k->types);
	ptk_symbols_free(k->syms);
	memset(k, 0, sizeof(*k));
}
