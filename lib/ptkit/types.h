/* SPDX-License-Identifier: MIT */
/**
 * DOC: the kernel's structure layouts, from its own BTF
 *
 * Kernels built with CONFIG_DEBUG_INFO_BTF (Debian, Fedora, Ubuntu, RHEL)
 * carry the types of their own build between __start_BTF and __stop_BTF.
 * ptk_types_from_btf() reads those bytes through the kernel's page tables
 * and hands them to libbpf; the calls below answer "where is member m of
 * struct s, and how big is it" for that exact build, so nothing depends on
 * offsets hard-coded for one kernel version.
 *
 * Member paths name nested members with dots ("se.vruntime"); members of
 * anonymous structs and unions are found as the compiler finds them, by
 * their own name.  No libbpf type appears in this header.
 */
#ifndef PTKIT_TYPES_H
#define PTKIT_TYPES_H

#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "symbols.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_types;

/**
 * ptk_types_from_btf() - the types of the kernel in @src
 * @syms: where __start_BTF and __stop_BTF are
 *
 * PTK_ERR_NODATA when the kernel has no BTF (no __start_BTF symbol);
 * PTK_ERR_CORRUPT, with libbpf's reason, when the bytes are not BTF.
 */
enum ptk_status ptk_types_from_btf(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_symbols *syms,
				   struct ptk_types **ret);

/**
 * ptk_types_set_ctx() - report errors in @ctx from now on: for types read
 * through a source of their own (in another thread) and kept after it
 */
void ptk_types_set_ctx(struct ptk_types *types, struct ptk_ctx *ctx);

/** ptk_types_free() - NULL is a no-op */
void ptk_types_free(struct ptk_types *types);

/** ptk_types_btf() - where the BTF was (@addr) and its size in bytes */
void ptk_types_btf(const struct ptk_types *types, uint64_t *addr,
		   uint64_t *size);

/**
 * struct ptk_member - a member's place in its structure
 * @offset: bytes from the start of the outermost structure
 * @size:   its size in bytes (a whole array: all of it)
 * @elem:   for an array, one element's size; otherwise @size
 */
struct ptk_member {
	uint64_t offset;
	uint64_t size;
	uint64_t elem;
};

/**
 * ptk_types_member() - member @path of struct or union @type
 *
 * PTK_ERR_NODATA naming what is missing (the type, or the member), and
 * PTK_ERR_UNSUPPORTED for a bit field.
 */
enum ptk_status ptk_types_member(const struct ptk_types *types,
				 const char *type, const char *path,
				 struct ptk_member *ret);

/** ptk_types_size() - sizeof(struct @type); PTK_ERR_NODATA if unknown */
enum ptk_status ptk_types_size(const struct ptk_types *types,
			       const char *type, uint64_t *ret);

/**
 * ptk_types_enum() - the value of enumerator @name of enum @type (NULL:
 * of any enum); PTK_ERR_NODATA if there is none
 */
enum ptk_status ptk_types_enum(const struct ptk_types *types,
			       const char *type, const char *name,
			       int64_t *ret);

#ifdef __cplusplus
}
#endif
#endif
