// SPDX-License-Identifier: MIT
/* The loaded modules and their symbols, laid out by BTF; see modules.h. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kread-priv.h"
#include "symbols-priv.h"
#include "ptkit/modules.h"

/* More than any kernel loads; more on a list is a corrupt list. */
enum { MAX_MODULES = 1 << 16, MAX_MODULE_SIZE = 1 << 16,
       MAX_MODULE_SYMS = 1 << 20, KSYM_NAME_MAX = 512 };

struct layout {
	uint64_t size;
	struct ptk_member list, name, state, kallsyms;
	struct ptk_member syms, num_syms;
	int64_t unformed;
	/* until 6.3: one core layout */
	bool has_core;
	struct ptk_member core_base, core_size, core_text, core_ro, core_ro_ai;
	/* since 6.4: mem[mod_mem_type] */
	struct ptk_member mem, mem_base, mem_size;
};

static enum ptk_status read_layout(const struct ptk_types *t,
				   struct ptk_ctx *ctx, struct layout *l)
{
	enum ptk_status st;

	if ((st = ptk_types_size(t, "module", &l->size)) ||
	    (st = ptk_types_member(t, "module", "list", &l->list)) ||
	    (st = ptk_types_member(t, "module", "name", &l->name)) ||
	    (st = ptk_types_member(t, "module", "state", &l->state)) ||
	    (st = ptk_types_enum(t, NULL, "MODULE_STATE_UNFORMED",
				 &l->unformed)))
		return st;
	if (l->size > MAX_MODULE_SIZE || l->name.offset + l->name.size >
	    l->size || l->state.offset + 4 > l->size)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT, "BTF: struct module "
				   "of %" PRIu64 " bytes", l->size);
	l->has_core = ptk_types_member(t, "module", "core_layout.base",
				       &l->core_base) == PTK_OK &&
		      ptk_types_member(t, "module", "core_layout.size",
				       &l->core_size) == PTK_OK &&
		      ptk_types_member(t, "module", "core_layout.text_size",
				       &l->core_text) == PTK_OK &&
		      ptk_types_member(t, "module", "core_layout.ro_size",
				       &l->core_ro) == PTK_OK &&
		      ptk_types_member(t, "module",
				       "core_layout.ro_after_init_size",
				       &l->core_ro_ai) == PTK_OK;
	if (!l->has_core &&
	    ((st = ptk_types_member(t, "module", "mem", &l->mem)) ||
	     (st = ptk_types_member(t, "module_memory", "base",
				    &l->mem_base)) ||
	     (st = ptk_types_member(t, "module_memory", "size",
				    &l->mem_size))))
		return st;
	ptk_ctx_clear_err(ctx);
	return PTK_OK;
}

static void add_range(struct ptk_module *m, const char *what, uint64_t start,
		      uint64_t end)
{
	if (end <= start || m->nranges == PTK_MODULE_RANGES)
		return;
	m->ranges[m->nranges++] = (struct ptk_module_range){ what, start, end };
}

/* enum mod_mem_type (6.4+), by the names ranges are reported with. */
static const struct {
	const char *enumerator, *what;
} mem_types[] = {
	{ "MOD_TEXT", "text" }, { "MOD_RODATA", "rodata" },
	{ "MOD_RO_AFTER_INIT", "ro_after_init" }, { "MOD_DATA", "data" },
	{ "MOD_INIT_TEXT", "init_text" }, { "MOD_INIT_RODATA", "init_rodata" },
	{ "MOD_INIT_DATA", "init_data" },
};

static int cmp_range(const void *a, const void *b)
{
	const struct ptk_module_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void module_ranges(const struct ptk_types *t, const struct layout *l,
			  const unsigned char *buf, struct ptk_module *m)
{
	if (l->has_core) {
		uint64_t base = member_value(buf, &l->core_base);
		uint64_t text = member_value(buf, &l->core_text);
		uint64_t ro = member_value(buf, &l->core_ro);
		uint64_t ro_ai = member_value(buf, &l->core_ro_ai);
		uint64_t size = member_value(buf, &l->core_size);

		if (text <= ro && ro <= ro_ai && ro_ai <= size) {
			add_range(m, "text", base, base + text);
			add_range(m, "rodata", base + text, base + ro);
			add_range(m, "ro_after_init", base + ro, base + ro_ai);
			add_range(m, "data", base + ro_ai, base + size);
		}
	} else {
		for (size_t i = 0; i < sizeof(mem_types) / sizeof(mem_types[0]);
		     i++) {
			int64_t idx;
			uint64_t off, base, size;

			if (ptk_types_enum(t, "mod_mem_type",
					   mem_types[i].enumerator, &idx) ||
			    idx < 0 || (uint64_t)idx >= l->mem.size / l->mem.elem)
				continue;
			off = l->mem.offset + (uint64_t)idx * l->mem.elem;
			memcpy(&base, buf + off + l->mem_base.offset, 8);
			size = 0;
			memcpy(&size, buf + off + l->mem_size.offset,
			       l->mem_size.size < 8 ? l->mem_size.size : 8);
			add_range(m, mem_types[i].what, base, base + size);
		}
	}
	if (m->nranges)
		qsort(m->ranges, m->nranges, sizeof(m->ranges[0]),
		      cmp_range);
}

enum ptk_status ptk_modules_read(struct ptk_source *src,
				 const struct ptk_paging *pg,
				 const struct ptk_symbols *syms,
				 const struct ptk_types *types,
				 struct ptk_modules *ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_symbol *head_sym = ptk_symbols_find(syms, "modules");
	struct ptk_modules out = { 0 };
	struct layout l;
	unsigned char *buf = NULL;
	uint64_t head, next;
	size_t cap = 0;
	enum ptk_status st;

	if (!head_sym)
		return ptk_set_err(ctx, PTK_ERR_NODATA, "no modules among "
				   "the kernel's symbols");
	memset(&l, 0, sizeof(l));
	st = read_layout(types, ctx, &l);
	if (st != PTK_OK)
		return st;
	buf = malloc(l.size);
	if (!buf)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "modules");
	head = head_sym->addr;
	st = kread(src, pg, head, &next, 8, "modules");
	while (st == PTK_OK && next != head) {
		uint64_t mod = next - l.list.offset;
		struct ptk_module *m;

		if (out.n >= MAX_MODULES) {
			st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "the module list "
					 "does not come back to its head");
			break;
		}
		st = kread(src, pg, mod, buf, l.size, "struct module");
		if (st != PTK_OK)
			break;
		memcpy(&next, buf + l.list.offset, 8);
		if ((int64_t)(uint32_t)member_value(buf, &l.state) == l.unformed)
			continue;
		if (out.n == cap) {
			size_t c = cap ? 2 * cap : 32;
			struct ptk_module *p = realloc(out.module,
						       c * sizeof(*p));

			if (!p) {
				st = ptk_set_err(ctx, PTK_ERR_NOMEM, "modules");
				break;
			}
			out.module = p;
			cap = c;
		}
		m = &out.module[out.n++];
		memset(m, 0, sizeof(*m));
		m->addr = mod;
		memcpy(m->name, buf + l.name.offset,
		       l.name.size < PTK_MODULE_NAME_LEN ? l.name.size
							 : PTK_MODULE_NAME_LEN);
		for (char *c = m->name; *c; c++)
			if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
				*c = '?';
		module_ranges(types, &l, buf, m);
	}
	free(buf);
	if (st != PTK_OK) {
		ptk_modules_release(&out);
		return st;
	}
	*ret = out;
	return PTK_OK;
}

void ptk_modules_release(struct ptk_modules *mods)
{
	free(mods->module);
	mods->module = NULL;
	mods->n = 0;
}

/* --- symbols --- */

struct symreader {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	struct ptk_ctx *ctx;
	struct ptk_member kallsyms, syms, num_syms;
	struct ptk_member symtab, num_symtab, strtab, typetab;
	uint64_t ksym_size, ka_len;	/* sizes to read */
	bool prel32;		/* kernel_symbol holds 32-bit offsets */
	struct ptk_member ks_value, ks_name;
};

/* A NUL-terminated string of at most KSYM_NAME_MAX bytes at @va. */
static enum ptk_status read_name(struct symreader *r, uint64_t va,
				 char name[KSYM_NAME_MAX + 1])
{
	size_t n = 0;

	while (n < KSYM_NAME_MAX) {
		size_t chunk = PTK_PAGE_SIZE - ((va + n) & (PTK_PAGE_SIZE - 1));
		enum ptk_status st;

		if (chunk > 64)
			chunk = 64;
		if (chunk > KSYM_NAME_MAX - n)
			chunk = KSYM_NAME_MAX - n;
		st = kread(r->src, r->pg, va + n, name + n, chunk,
			   "symbol name");
		if (st != PTK_OK)
			return st;
		if (memchr(name + n, '\0', chunk))
			return PTK_OK;
		n += chunk;
	}
	name[KSYM_NAME_MAX] = '\0';
	return PTK_OK;
}

/* The names and addresses a module exports (mod->syms), to tell
 * exported symbols (upper-case types in /proc/kallsyms) apart. */
struct exported {
	uint64_t value;
	char *name;
};

static void free_exported(struct exported *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

static enum ptk_status read_exported(struct symreader *r,
				     const unsigned char *mod,
				     struct exported **ret, size_t *nret)
{
	uint64_t base = member_value(mod, &r->syms), n = member_value(mod, &r->num_syms);
	struct exported *e;
	unsigned char ks[64];
	enum ptk_status st = PTK_OK;

	*ret = NULL;
	*nret = 0;
	if (!base || !n)
		return PTK_OK;
	if (n > MAX_MODULE_SYMS || r->ksym_size > sizeof(ks))
		return ptk_set_err(r->ctx, PTK_ERR_CORRUPT, "a module exports "
				   "%" PRIu64 " symbols", n);
	e = calloc(n, sizeof(*e));
	if (!e)
		return ptk_set_err(r->ctx, PTK_ERR_NOMEM, "modules");
	for (uint64_t i = 0; i < n && st == PTK_OK; i++) {
		uint64_t at = base + i * r->ksym_size, name_va;
		char name[KSYM_NAME_MAX + 1];

		st = kread(r->src, r->pg, at, ks, r->ksym_size,
			   "kernel_symbol");
		if (st != PTK_OK)
			break;
		if (r->prel32) {
			/* offset_to_ptr(): the field's address plus it */
			e[i].value = at + r->ks_value.offset +
				     (uint64_t)(int64_t)(int32_t)member_value(ks, &r->ks_value);
			name_va = at + r->ks_name.offset +
				  (uint64_t)(int64_t)(int32_t)member_value(ks, &r->ks_name);
		} else {
			e[i].value = member_value(ks, &r->ks_value);
			name_va = member_value(ks, &r->ks_name);
		}
		st = read_name(r, name_va, name);
		if (st == PTK_OK && !(e[i].name = strdup(name)))
			st = ptk_set_err(r->ctx, PTK_ERR_NOMEM, "modules");
		*nret = i + 1;
	}
	if (st != PTK_OK) {
		free_exported(e, *nret);
		*nret = 0;
		return st;
	}
	*ret = e;
	return PTK_OK;
}

static bool is_exported(const struct exported *e, size_t n, const char *name,
			uint64_t value)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].value == value && !strcmp(e[i].name, name))
			return true;
	return false;
}

/* Elf64_Sym: st_name at 0, st_value at 8, 24 bytes (the ELF ABI). */
enum { SYM_SIZE = 24, SYM_NAME = 0, SYM_VALUE = 8 };

static enum ptk_status module_symbols(struct symreader *r,
				      const struct ptk_module *m,
				      const unsigned char *mod,
				      struct ptk_symbols *out)
{
	unsigned char ka[64], *symtab = NULL, *types = NULL;
	uint64_t ka_va = member_value(mod, &r->kallsyms), n, strtab;
	struct exported *ex = NULL;
	size_t nex = 0;
	enum ptk_status st;

	if (!ka_va)
		return PTK_OK;
	st = kread(r->src, r->pg, ka_va, ka, r->ka_len, "mod_kallsyms");
	if (st != PTK_OK)
		return st;
	n = member_value(ka, &r->num_symtab);
	strtab = member_value(ka, &r->strtab);
	if (n > MAX_MODULE_SYMS)
		return ptk_set_err(r->ctx, PTK_ERR_CORRUPT, "module %s has %"
				   PRIu64 " symbols", m->name, n);
	symtab = malloc(n * SYM_SIZE + 1);
	types = malloc(n + 1);
	if (!symtab || !types) {
		st = ptk_set_err(r->ctx, PTK_ERR_NOMEM, "modules");
		goto out;
	}
	if ((st = kread(r->src, r->pg, member_value(ka, &r->symtab), symtab,
			n * SYM_SIZE, "module symtab")) ||
	    (st = kread(r->src, r->pg, member_value(ka, &r->typetab), types, n,
			"module typetab")) ||
	    (st = read_exported(r, mod, &ex, &nex)))
		goto out;
	for (uint64_t i = 0; i < n && st == PTK_OK; i++) {
		uint32_t name_off;
		uint64_t value;
		char name[KSYM_NAME_MAX + 1];
		char type = (char)types[i];

		memcpy(&name_off, symtab + i * SYM_SIZE + SYM_NAME, 4);
		memcpy(&value, symtab + i * SYM_SIZE + SYM_VALUE, 8);
		st = read_name(r, strtab + name_off, name);
		if (st != PTK_OK || !name[0])
			continue;	/* /proc/kallsyms skips nameless ones */
		if ((unsigned char)type <= ' ' || (unsigned char)type >= 0x7f)
			type = '?';
		/* s_show(): exported symbols upper case, the rest lower */
		type = is_exported(ex, nex, name, value) ?
			(char)toupper((unsigned char)type) :
			(char)tolower((unsigned char)type);
		if (symbols_add(out, value, type, name, strlen(name), m->name))
			st = ptk_set_err(r->ctx, PTK_ERR_NOMEM, "modules");
	}
out:
	free_exported(ex, nex);
	free(symtab);
	free(types);
	return st;
}

enum ptk_status ptk_modules_symbols(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_types *types,
				    const struct ptk_modules *mods,
				    struct ptk_symbols **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct symreader r = { .src = src, .pg = pg, .ctx = ctx };
	struct ptk_symbols *out;
	unsigned char *buf = NULL;
	uint64_t size;
	enum ptk_status st;

	if ((st = ptk_types_size(types, "module", &size)) ||
	    (st = ptk_types_member(types, "module", "kallsyms", &r.kallsyms)) ||
	    (st = ptk_types_member(types, "module", "syms", &r.syms)) ||
	    (st = ptk_types_member(types, "module", "num_syms", &r.num_syms)) ||
	    (st = ptk_types_member(types, "mod_kallsyms", "symtab",
				   &r.symtab)) ||
	    (st = ptk_types_member(types, "mod_kallsyms", "num_symtab",
				   &r.num_symtab)) ||
	    (st = ptk_types_member(types, "mod_kallsyms", "strtab",
				   &r.strtab)) ||
	    (st = ptk_types_member(types, "mod_kallsyms", "typetab",
				   &r.typetab)) ||
	    (st = ptk_types_size(types, "kernel_symbol", &r.ksym_size)))
		return st;
	r.prel32 = ptk_types_member(types, "kernel_symbol", "value_offset",
				    &r.ks_value) == PTK_OK &&
		   ptk_types_member(types, "kernel_symbol", "name_offset",
				    &r.ks_name) == PTK_OK;
	if (!r.prel32 &&
	    ((st = ptk_types_member(types, "kernel_symbol", "value",
				    &r.ks_value)) ||
	     (st = ptk_types_member(types, "kernel_symbol", "name",
				    &r.ks_name))))
		return st;
	ptk_ctx_clear_err(ctx);
	{
		const struct ptk_member *ka[] = { &r.symtab, &r.num_symtab,
						   &r.strtab, &r.typetab };

		r.ka_len = 0;
		for (size_t i = 0; i < 4; i++)
			if (ka[i]->offset + ka[i]->size > r.ka_len)
				r.ka_len = ka[i]->offset + ka[i]->size;
	}
	if (size > MAX_MODULE_SIZE || r.ksym_size > 64 || r.ka_len > 64)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT, "BTF: module "
				   "structures of impossible sizes");
	out = symbols_new();
	buf = malloc(size);
	if (!out || !buf) {
		free(buf);
		ptk_symbols_free(out);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "modules");
	}
	for (size_t i = 0; i < mods->n && st == PTK_OK; i++) {
		st = kread(src, pg, mods->module[i].addr, buf, size,
			   "struct module");
		if (st == PTK_OK)
			st = module_symbols(&r, &mods->module[i], buf, out);
		if (st != PTK_OK)
			st = ptk_set_err(ctx, st, "module %s",
					 mods->module[i].name);
	}
	free(buf);
	if (st == PTK_OK && symbols_finish(out))
		st = ptk_set_err(ctx, PTK_ERR_NOMEM, "modules");
	for (size_t i = 0; st == PTK_OK && i < mods->n; i++)
		for (unsigned k = 0; k < mods->module[i].nranges; k++)
			symbols_bound(out, mods->module[i].name,
				      mods->module[i].ranges[k].start,
				      mods->module[i].ranges[k].end);
	if (st != PTK_OK) {
		ptk_symbols_free(out);
		return st;
	}
	symbols_origin_set(out, "the modules' own kallsyms (struct "
			   "mod_kallsyms)");
	*ret = out;
	return PTK_OK;
}
