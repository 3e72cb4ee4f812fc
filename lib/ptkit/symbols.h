/* SPDX-License-Identifier: MIT */
/**
 * DOC: kernel symbols, without vmlinux
 *
 * A struct ptk_symbols is a kernel's symbol table: every symbol's address,
 * its /proc/kallsyms type letter and its name, sorted by address.  It
 * comes from one of two places:
 *
 * - the dump itself (ptk_symbols_from_kallsyms()): since Linux 6.0,
 *   VMCOREINFO names the kernel's compressed kallsyms tables
 *   (SYMBOL(kallsyms_names), kallsyms_num_syms, kallsyms_token_table,
 *   kallsyms_token_index, kallsyms_offsets, kallsyms_relative_base), which
 *   are read through the kernel's own page tables and expanded as
 *   kernel/kallsyms.c does;
 * - a file (ptk_symbols_from_file()): a System.map or a saved
 *   /proc/kallsyms.  Addresses of a System.map are link-time ones: when
 *   the source's VMCOREINFO gives SYMBOL(_stext) and the file's _stext
 *   differs, every symbol of the kernel image is moved by the difference
 *   (KASLR), and ptk_symbols_origin() says so.
 *
 * Names and symbols handed out stay valid until ptk_symbols_free().
 */
#ifndef PTKIT_SYMBOLS_H
#define PTKIT_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_symbols;

/**
 * struct ptk_symbol - one symbol
 * @addr:   its address
 * @size:   bytes up to the next symbol at a higher address, as the
 *          kernel's kallsyms_lookup() reckons it; 0 for the last one and
 *          for absolute symbols
 * @type:   the /proc/kallsyms letter: 'T' text, 'D' data, 'R' read-only,
 *          'B' bss, 'A' absolute (per-CPU offsets), lower case if local
 * @name:   the name, NUL-terminated
 * @module: the module that defines it, or NULL for the kernel itself
 */
struct ptk_symbol {
	uint64_t addr;
	uint64_t size;
	char type;
	const char *name;
	const char *module;
};

/**
 * ptk_symbols_from_kallsyms() - the kernel's symbols, from the dump
 * @pg: paging of the kernel's own tables (they map the kallsyms tables)
 *
 * PTK_ERR_NODATA, naming the missing key, when VMCOREINFO has no kallsyms
 * (kernels before 6.0); PTK_ERR_CORRUPT when the tables cannot be
 * expanded into symbols whose _stext is VMCOREINFO's.
 */
enum ptk_status ptk_symbols_from_kallsyms(struct ptk_source *src,
					  const struct ptk_paging *pg,
					  struct ptk_symbols **ret);

/**
 * ptk_kallsyms_find() - the address of the kernel's symbol @name, from
 * the dump's kallsyms, without building the table
 * @pg: paging of the kernel's own tables
 *
 * What ptk_symbols_find() would answer on ptk_symbols_from_kallsyms()'s
 * table, in one pass over the compressed names that expands each only as
 * long as it matches: a few percent of building the table, for a caller
 * that wants a variable or two.  PTK_ERR_NODATA when VMCOREINFO has no
 * kallsyms or kallsyms has no such symbol; PTK_ERR_CORRUPT when no
 * reading of the tables puts _stext where VMCOREINFO says.
 */
enum ptk_status ptk_kallsyms_find(struct ptk_source *src,
				  const struct ptk_paging *pg,
				  const char *name, uint64_t *ret);

/**
 * ptk_symbols_from_file() - symbols from a System.map or /proc/kallsyms
 * @src: optional: a source whose VMCOREINFO places the kernel (KASLR)
 *
 * Lines are "ADDRESS TYPE NAME" with an optional "[MODULE]"; anything
 * else is PTK_ERR_CORRUPT naming the line.
 */
enum ptk_status ptk_symbols_from_file(struct ptk_ctx *ctx, const char *path,
				      struct ptk_source *src,
				      struct ptk_symbols **ret);

/** ptk_symbols_free() - NULL is a no-op */
void ptk_symbols_free(struct ptk_symbols *syms);

/** ptk_symbols_count() - how many symbols */
size_t ptk_symbols_count(const struct ptk_symbols *syms);

/** ptk_symbols_at() - the @i-th symbol by address (@i < count) */
const struct ptk_symbol *ptk_symbols_at(const struct ptk_symbols *syms,
					size_t i);

/**
 * ptk_symbols_origin() - where the symbols came from, e.g.
 * "kallsyms in the dump (VMCOREINFO SYMBOL(kallsyms_names))"
 */
const char *ptk_symbols_origin(const struct ptk_symbols *syms);

/**
 * ptk_symbols_find() - the symbol called @name, or NULL.  Where several
 * share a name, a global one (upper-case type) is preferred, then the
 * lowest address.
 */
const struct ptk_symbol *ptk_symbols_find(const struct ptk_symbols *syms,
					  const char *name);

/**
 * ptk_symbols_lookup() - the symbol that contains @addr, or NULL
 * @offset: set to @addr minus the symbol's address
 *
 * As the kernel's own lookup: the last symbol at or below @addr, when
 * @addr lies before the next one; absolute symbols and addresses past
 * the last symbol (or past _end for the kernel's image) name nothing.
 */
const struct ptk_symbol *ptk_symbols_lookup(const struct ptk_symbols *syms,
					    uint64_t addr, uint64_t *offset);

/**
 * ptk_symbols_merge_next() - the next symbol of @a and @b (either may be
 * NULL) in address order, @a's first at one address, as /proc/kallsyms
 * lists the kernel's then the modules'; *@i and *@j (start at 0) count
 * what was taken of each; NULL after the last
 */
const struct ptk_symbol *ptk_symbols_merge_next(const struct ptk_symbols *a,
						const struct ptk_symbols *b,
						size_t *i, size_t *j);

/**
 * ptk_symbols_describe() - @addr as the kernel's %pS prints it: "name" at
 * a symbol, "name+0x1f" inside one, with " [module]" for a module's, into
 * @buf; NULL when no symbol of @syms holds it (see ptk_symbols_lookup())
 */
const char *ptk_symbols_describe(const struct ptk_symbols *syms,
				 uint64_t addr, char *buf, size_t len);

/**
 * ptk_kernel_symbol() - the address of the kernel's symbol @name: its
 * VMCOREINFO SYMBOL(@name) when the dump exports one, else @syms' (may be
 * NULL); false when neither has it
 */
bool ptk_kernel_symbol(const struct ptk_source *src,
		       const struct ptk_symbols *syms, const char *name,
		       uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif
