// SPDX-License-Identifier: MIT
/* A kernel symbol table: sorted by address, indexed by name. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem-priv.h"
#include "symbols-priv.h"

struct ptk_symbols {
	struct ptk_symbol *sym;
	size_t n, cap;
	char *strings;		/* names and module names, NUL-separated */
	size_t slen, scap;
	uint32_t *by_name;	/* open-addressed hash of indexes + 1 */
	size_t hmask;
	size_t *by_addr;	/* indexes of the non-absolute symbols */
	size_t naddr, addr_cap;
	uint64_t kernel_end;	/* _end, or 0 */
	bool finished;		/* names are pointers, not offsets */
	char origin[256];
};

/* 'A' and 'a' are absolute values (per-CPU offsets), not addresses. */
static int is_absolute(char type)
{
	return type == 'A' || type == 'a';
}

struct ptk_symbols *symbols_new(void)
{
	return calloc(1, sizeof(struct ptk_symbols));
}

void ptk_symbols_free(struct ptk_symbols *syms)
{
	if (!syms)
		return;
	/* the arrays are bigmem's: a kernel has 10^5 symbols */
	bigmem_free(syms->sym, syms->cap * sizeof(*syms->sym));
	bigmem_free(syms->strings, syms->scap);
	if (syms->by_name)
		bigmem_free(syms->by_name,
			    (syms->hmask + 1) * sizeof(*syms->by_name));
	bigmem_free(syms->by_addr, syms->addr_cap * sizeof(*syms->by_addr));
	free(syms);
}

/* Room for @cap symbols (bigmem's: a kernel has 10^5); -1 if none. */
static int grow_syms(struct ptk_symbols *s, size_t cap)
{
	struct ptk_symbol *p = bigmem_realloc(s->sym, s->cap * sizeof(*p),
					      cap * sizeof(*p));

	if (!p)
		return -1;
	s->sym = p;
	s->cap = cap;
	return 0;
}

/* Room for @cap bytes of names; -1 if none. */
static int grow_strings(struct ptk_symbols *s, size_t cap)
{
	char *p = bigmem_realloc(s->strings, s->scap, cap);

	if (!p)
		return -1;
	s->strings = p;
	s->scap = cap;
	return 0;
}

/* Copy @len bytes and a NUL into the string blob; its offset, or -1. */
static long long add_string(struct ptk_symbols *s, const char *str, size_t len)
{
	size_t at = s->slen;

	if (s->slen + len + 1 > s->scap) {
		size_t cap = s->scap ? s->scap : 1 << 16;

		while (cap < s->slen + len + 1)
			cap *= 2;
		if (grow_strings(s, cap))
			return -1;
	}
	memcpy(s->strings + at, str, len);
	s->strings[at + len] = '\0';
	s->slen += len + 1;
	return (long long)at;
}

int symbols_reserve(struct ptk_symbols *s, size_t nsyms, size_t name_bytes)
{
	if (nsyms > s->cap && grow_syms(s, nsyms))
		return -1;
	if (name_bytes > s->scap && grow_strings(s, name_bytes))
		return -1;
	return 0;
}

/*
 * Until symbols_finish(), name and module hold offsets into the blob (it
 * moves as it grows), stored in the pointers; the module of the previous
 * symbol is reused, so each module's name is stored about once.
 */
int symbols_add(struct ptk_symbols *s, uint64_t addr, char type,
		const char *name, size_t len, const char *module)
{
	struct ptk_symbol *sym;
	long long off, mod = -1;

	if (s->n == s->cap && grow_syms(s, s->cap ? 2 * s->cap : 4096))
		return -1;
	off = add_string(s, name, len);
	if (off < 0)
		return -1;
	if (module) {
		const struct ptk_symbol *prev = s->n ? &s->sym[s->n - 1] : NULL;

		if (prev && prev->module &&
		    !strcmp(s->strings + (uintptr_t)prev->module - 1, module))
			mod = (long long)(uintptr_t)prev->module - 1;
		else
			mod = add_string(s, module, strlen(module));
		if (mod < 0)
			return -1;
	}
	sym = &s->sym[s->n++];
	sym->addr = addr;
	sym->size = 0;
	sym->type = type;
	sym->name = (const char *)(uintptr_t)off;
	/* offset + 1, so that NULL still means "the kernel" */
	sym->module = module ? (const char *)(uintptr_t)(mod + 1) : NULL;
	return 0;
}

void symbols_origin_set(struct ptk_symbols *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->origin, sizeof(s->origin), fmt, ap);
	va_end(ap);
}

/* FNV-1a: the names are short and many. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct ptk_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* equal addresses keep their order: name holds the blob offset,
	 * which grows with the order of addition */
	return (uintptr_t)x->name < (uintptr_t)y->name ? -1 :
	       (uintptr_t)x->name > (uintptr_t)y->name;
}

static int same_space(const struct ptk_symbol *a, const struct ptk_symbol *b)
{
	if (!a->module || !b->module)
		return a->module == b->module;
	return !strcmp(a->module, b->module);
}

/* Sizes as kallsyms_lookup() reckons them: up to the next higher address
 * in the same kernel or module; the kernel's last symbols end at _end. */
static void size_symbols(struct ptk_symbols *s)
{
	const struct ptk_symbol *end = ptk_symbols_find(s, "_end");

	s->kernel_end = end && !end->module ? end->addr : 0;
	for (size_t k = 0; k < s->naddr; k++) {
		struct ptk_symbol *sym = &s->sym[s->by_addr[k]];
		size_t j = k + 1;

		while (j < s->naddr && s->sym[s->by_addr[j]].addr == sym->addr)
			j++;
		if (j < s->naddr && same_space(sym, &s->sym[s->by_addr[j]]))
			sym->size = s->sym[s->by_addr[j]].addr - sym->addr;
		else if (!sym->module && s->kernel_end > sym->addr)
			sym->size = s->kernel_end - sym->addr;
	}
}

/* kallsyms lists the kernel's symbols in address order already, and a
 * System.map is written so: a pass to see it costs less than the sort. */
static bool in_order(const struct ptk_symbols *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (cmp_sym(&s->sym[i - 1], &s->sym[i]) > 0)
			return false;
	return true;
}

int symbols_finish(struct ptk_symbols *s)
{
	size_t cap = 16;

	if (!in_order(s))
		qsort(s->sym, s->n, sizeof(*s->sym), cmp_sym);
	for (size_t i = 0; i < s->n && !s->finished; i++) {
		s->sym[i].name = s->strings + (uintptr_t)s->sym[i].name;
		if (s->sym[i].module)
			s->sym[i].module =
				s->strings + (uintptr_t)s->sym[i].module - 1;
	}
	s->finished = true;
	while (cap < 2 * s->n)
		cap *= 2;
	if (s->by_name)
		bigmem_free(s->by_name, (s->hmask + 1) * sizeof(*s->by_name));
	bigmem_free(s->by_addr, s->addr_cap * sizeof(*s->by_addr));
	s->hmask = cap - 1;
	s->addr_cap = s->n ? s->n : 1;
	s->by_name = bigmem_alloc(cap * sizeof(*s->by_name));
	s->by_addr = bigmem_alloc(s->addr_cap * sizeof(*s->by_addr));
	if (!s->by_name || !s->by_addr)
		return -1;
	/* Insert in address order, so the first of a name found is the
	 * lowest; ptk_symbols_find() prefers a global one over it. */
	for (size_t i = 0; i < s->n; i++) {
		size_t h = name_hash(s->sym[i].name) & s->hmask;

		while (s->by_name[h])
			h = (h + 1) & s->hmask;
		s->by_name[h] = (uint32_t)(i + 1);
	}
	s->naddr = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!is_absolute(s->sym[i].type))
			s->by_addr[s->naddr++] = i;
	size_symbols(s);
	return 0;
}

int symbols_shift(struct ptk_symbols *s, uint64_t delta)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->sym[i].module && !is_absolute(s->sym[i].type))
			s->sym[i].addr += delta;
	return symbols_finish(s);
}

size_t ptk_symbols_count(const struct ptk_symbols *s)
{
	return s->n;
}

const struct ptk_symbol *ptk_symbols_at(const struct ptk_symbols *s, size_t i)
{
	return i < s->n ? &s->sym[i] : NULL;
}

const char *ptk_symbols_origin(const struct ptk_symbols *s)
{
	return s->origin;
}

const struct ptk_symbol *ptk_symbols_find(const struct ptk_symbols *s,
					  const char *name)
{
	const struct ptk_symbol *first = NULL;
	size_t h;

	if (!s->by_name)
		return NULL;
	h = name_hash(name) & s->hmask;
	for (; s->by_name[h]; h = (h + 1) & s->hmask) {
		const struct ptk_symbol *sym = &s->sym[s->by_name[h] - 1];

		if (strcmp(sym->name, name))
			continue;
		if (sym->type >= 'A' && sym->type <= 'Z')
			return sym;
		if (!first)
			first = sym;
	}
	return first;
}

const struct ptk_symbol *ptk_symbols_lookup(const struct ptk_symbols *s,
					    uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = s->naddr;
	const struct ptk_symbol *sym;

	/* the last non-absolute symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->sym[s->by_addr[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* of several at one address, the first, as get_symbol_pos() does */
	while (lo > 1 && s->sym[s->by_addr[lo - 2]].addr ==
			 s->sym[s->by_addr[lo - 1]].addr)
		lo--;
	sym = &s->sym[s->by_addr[lo - 1]];
	if (addr - sym->addr >= sym->size && addr != sym->addr)
		return NULL;
	if (offset)
		*offset = addr - sym->addr;
	return sym;
}

void symbols_bound(struct ptk_symbols *s, const char *module, uint64_t start,
		   uint64_t end)
{
	for (size_t i = 0; i < s->n; i++) {
		struct ptk_symbol *sym = &s->sym[i];

		if (!sym->module || strcmp(sym->module, module) ||
		    sym->addr < start || sym->addr >= end ||
		    is_absolute(sym->type))
			continue;
		if (!sym->size || sym->addr + sym->size > end)
			sym->size = end - sym->addr;
	}
}

bool ptk_kernel_symbol(const struct ptk_source *src,
		       const struct ptk_symbols *syms, const char *name,
		       uint64_t *ret)
{
	const struct ptk_symbol *sym;
	const char *v;
	char key[160];

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	v = ptk_source_meta(src, key);
	if (v) {
		char *end;

		*ret = strtoull(v, &end, 16);
		if (*v && !*end)
			return true;
	}
	sym = syms ? ptk_symbols_find(syms, name) : NULL;
	if (!sym)
		return false;
	*ret = sym->addr;
	return true;
}

const char *ptk_symbols_describe(const struct ptk_symbols *syms,
				 uint64_t addr, char *buf, size_t len)
{
	const struct ptk_symbol *sym;
	uint64_t off;
	size_t n;

	sym = syms ? ptk_symbols_lookup(syms, addr, &off) : NULL;
	if (!sym || !len)
		return NULL;
	if (off)
		snprintf(buf, len, "%s+%#" PRIx64, sym->name, off);
	else
		snprintf(buf, len, "%s", sym->name);
	n = strlen(buf);
	if (sym->module)
		snprintf(buf + n, len - n, " [%s]", sym->module);
	return buf;
}

const struct ptk_symbol *ptk_symbols_merge_next(const struct ptk_symbols *a,
						const struct ptk_symbols *b,
						size_t *i, size_t *j)
{
	const struct ptk_symbol *x = a ? ptk_symbols_at(a, *i) : NULL;
	const struct ptk_symbol *y = b ? ptk_symbols_at(b, *j) : NULL;

	if (x && (!y || x->addr <= y->addr)) {
		++*i;
		return x;
	}
	if (y)
		++*j;
	return y;
}
