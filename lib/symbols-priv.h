/* SPDX-License-Identifier: MIT */
/* Building a symbol table: what the kallsyms and file readers share. */
#ifndef PTKIT_SYMBOLS_PRIV_H
#define PTKIT_SYMBOLS_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "ptkit/symbols.h"

/** symbols_new() - an empty table; NULL when out of memory */
struct ptk_symbols *symbols_new(void);

/**
 * symbols_add() - append a symbol; @name is @len bytes, not terminated.
 * @module: NULL for the kernel.  Returns -1 when out of memory.
 */
int symbols_add(struct ptk_symbols *syms, uint64_t addr, char type,
		const char *name, size_t len, const char *module);

/**
 * symbols_reserve() - room for @nsyms symbols and @name_bytes of names
 * (each with its NUL), so that adding them moves nothing; -1 when out of
 * memory.  A hint: more may still be added.
 */
int symbols_reserve(struct ptk_symbols *syms, size_t nsyms, size_t name_bytes);

/** symbols_origin_set() - printf into the origin text */
void symbols_origin_set(struct ptk_symbols *syms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * symbols_finish() - sort by address (stable), size the symbols and index
 * the names; only symbols_shift() changes the table after it.  -1 when
 * out of memory.
 */
int symbols_finish(struct ptk_symbols *syms);

/**
 * symbols_shift() - move the kernel image's symbols by @delta (KASLR) and
 * finish the table again; -1 when out of memory
 */
int symbols_shift(struct ptk_symbols *syms, uint64_t delta);

/**
 * symbols_bound() - after symbols_finish(): the symbols of @module in
 * [@start, @end) end at @end at the latest, and the last of them there,
 * as the kernel's find_kallsyms_symbol() bounds a module's last symbol
 * by the end of its section
 */
void symbols_bound(struct ptk_symbols *syms, const char *module,
		   uint64_t start, uint64_t end);

#endif
