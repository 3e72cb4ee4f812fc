/* SPDX-License-Identifier: MIT */
/**
 * DOC: the loaded modules of a dump
 *
 * ptk_modules_read() follows the kernel's list of modules (the symbol
 * modules) with layouts from BTF and gives each module's name and the
 * ranges it occupies: text, read-only data, data (struct module's
 * core_layout until 6.3, its mem[] array since 6.4).  The kallsyms tables
 * of the dump hold only the kernel image's symbols; each module keeps its
 * own (struct mod_kallsyms), which ptk_modules_symbols() turns into a
 * symbol table as /proc/kallsyms lists them, "[module]" and all.
 */
#ifndef PTKIT_MODULES_H
#define PTKIT_MODULES_H

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

/* MODULE_NAME_LEN, include/linux/module.h: 64 - sizeof(unsigned long) */
enum { PTK_MODULE_NAME_LEN = 56, PTK_MODULE_RANGES = 8 };

/**
 * struct ptk_module_range - one part of a module: @what is "text",
 * "rodata", "ro_after_init", "data", "init_text", ...
 */
struct ptk_module_range {
	const char *what;
	uint64_t start, end;
};

/**
 * struct ptk_module - one loaded module
 * @addr:    its struct module
 * @name:    its name, NUL-terminated
 * @ranges:  the non-empty parts it occupies, in address order
 */
struct ptk_module {
	uint64_t addr;
	char name[PTK_MODULE_NAME_LEN + 1];
	struct ptk_module_range ranges[PTK_MODULE_RANGES];
	unsigned nranges;
};

struct ptk_modules {
	struct ptk_module *module;
	size_t n;
};

/**
 * ptk_modules_read() - the modules on the kernel's list, in its order;
 * those still being formed (MODULE_STATE_UNFORMED) are left out, as
 * /proc/modules leaves them out.  PTK_ERR_NODATA names what is missing;
 * a list that loops or cannot be read is PTK_ERR_CORRUPT or NODATA.
 */
enum ptk_status ptk_modules_read(struct ptk_source *src,
				 const struct ptk_paging *pg,
				 const struct ptk_symbols *syms,
				 const struct ptk_types *types,
				 struct ptk_modules *ret);
void ptk_modules_release(struct ptk_modules *mods);

/**
 * ptk_modules_symbols() - the modules' symbols, each with its module's
 * name, typed as /proc/kallsyms types them (upper case when the module
 * exports the symbol); release with ptk_symbols_free()
 */
enum ptk_status ptk_modules_symbols(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    const struct ptk_types *types,
				    const struct ptk_modules *mods,
				    struct ptk_symbols **ret);

#ifdef __cplusplus
}
#endif
#endif
