/* SPDX-License-Identifier: MIT */
/**
 * DOC: image specs - page tables described in text
 *
 * A spec is a small line-oriented text (see ptkit-image(5)):
 *
 *   levels 4
 *   ram 0-4G
 *   map 0xffff888000000000 0 4G 1g rw nx g a d     # the direct map
 *   set 0x5000[3] = 0x6063                         # a raw entry
 *   region "Low Kernel Mapping" 0xffff888000000000-0xffffc88000000000
 *
 * ptk_spec_build() turns it into a struct ptk_builder; presets are specs
 * generated for a given RAM size.
 */
#ifndef PTKIT_SPEC_H
#define PTKIT_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ptk_spec_build() - build the tables a spec describes
 * @name: the spec's file name, for messages ("NAME:LINE: ...")
 *
 * On error nothing is returned and the message names the line.
 */
enum ptk_status ptk_spec_build(struct ptk_ctx *ctx, const char *text,
			       size_t len, const char *name,
			       struct ptk_builder **ret);

/**
 * ptk_preset_spec() - the spec text of preset @name for @ram bytes of RAM
 * @ram: 0 for the preset's default
 * @ret: malloc()ed, NUL-terminated; the caller frees it
 */
enum ptk_status ptk_preset_spec(struct ptk_ctx *ctx, const char *name,
				uint64_t ram, char **ret);

/**
 * struct ptk_preset_info - one preset, for listings
 */
struct ptk_preset_info {
	const char *name;
	const char *summary;
	uint64_t default_ram;
};
/** ptk_presets - every preset, ending with a NULL name */
extern const struct ptk_preset_info ptk_presets[];

struct ptk_edit;
struct ptk_cpa_result;

/**
 * ptk_script_apply() - apply an edit script to @ed, line by line
 * @name:        the script's name, for messages ("NAME:LINE: ...")
 * @page_offset: the direct map's base, for the kernel calls (0: none)
 * @cpa:         where the kernel calls' costs add up
 *
 * One operation per line (see ptkit-edit(1)): map, unmap, protect,
 * split, collapse, root, set, undo, and the direct-map calls
 * NAME:PFN[+COUNT] of ptkit-directmap(1).  Stops at the first bad line;
 * the operations before it stay applied (the caller decides to write
 * nothing).
 */
enum ptk_status ptk_script_apply(struct ptk_edit *ed, const char *text,
				 size_t len, const char *name,
				 uint64_t page_offset,
				 struct ptk_cpa_result *cpa);

/**
 * ptk_parse_u64() - a number as specs and the command line write them:
 * decimal or 0x hex, with an optional K, M, G, T or P suffix (powers of
 * 1024).  Returns false for garbage or overflow.
 */
bool ptk_parse_u64(const char *s, uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif
