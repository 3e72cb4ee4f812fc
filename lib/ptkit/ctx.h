/* SPDX-License-Identifier: MIT */
/**
 * DOC: libptkit contexts and errors
 *
 * Every fallible libptkit call returns an enum ptk_status.  The human
 * readable detail lives in the struct ptk_ctx the call was given: each
 * layer that passes an error up may prepend its own view with
 * ptk_set_err(), so the final message reads from the outermost operation
 * down to the byte that was wrong, e.g.
 *
 *   "translate 0xffff888000001000: pmd table at 0x5000: not in the dump"
 *
 * Where the failure concerns one page-table entry, the context also keeps
 * the virtual address, level and physical address of that entry
 * (ptk_ctx_err_loc()).  The library never prints and never exits.
 *
 * A context is not thread-safe; use one per thread.  Objects made with a
 * context must be freed before it.
 */
#ifndef PTKIT_CTX_H
#define PTKIT_CTX_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** enum ptk_status - result of a libptkit call */
enum ptk_status {
	PTK_OK = 0,		/**< success */
	PTK_ERR_NOMEM,		/**< out of memory */
	PTK_ERR_IO,		/**< system call failed, message has strerror */
	PTK_ERR_CORRUPT,	/**< input is inconsistent or impossible */
	PTK_ERR_NODATA,		/**< the bytes asked for are not in the source */
	PTK_ERR_INVALID,	/**< bad argument from the caller */
	PTK_ERR_UNSUPPORTED,	/**< valid, but not something ptkit handles */
	PTK_STOP,		/**< a callback ended an iteration early */
	PTK_SKIP,		/**< a walk callback prunes the subtree below */
};

struct ptk_ctx;

/** ptk_ctx_new() - allocate a context; NULL when out of memory */
struct ptk_ctx *ptk_ctx_new(void);

/** ptk_ctx_free() - free a context; NULL is a no-op */
void ptk_ctx_free(struct ptk_ctx *ctx);

/**
 * ptk_set_err() - record an error, prepending to the message already held
 * @ctx:    context
 * @status: returned unchanged, so callers can write "return ptk_set_err(...)"
 * @fmt:    printf format of this layer's part of the message
 *
 * When the context holds no message (after ptk_ctx_clear_err()), the new
 * text is the whole message.  Otherwise the result is "new: old".
 */
enum ptk_status ptk_set_err(struct ptk_ctx *ctx, enum ptk_status status,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** ptk_ctx_err() - the current message, "" when there is none */
const char *ptk_ctx_err(const struct ptk_ctx *ctx);

/** ptk_ctx_clear_err() - forget the message and location */
void ptk_ctx_clear_err(struct ptk_ctx *ctx);

/**
 * ptk_ctx_set_err_loc() - record which entry an error is about
 * @va:    first virtual address the entry maps
 * @level: paging level (1 = PTE ... 5)
 * @pa:    physical address of the entry itself
 */
void ptk_ctx_set_err_loc(struct ptk_ctx *ctx, uint64_t va, unsigned level,
			 uint64_t pa);

/** ptk_ctx_err_loc() - the location of the last error, false if none */
bool ptk_ctx_err_loc(const struct ptk_ctx *ctx, uint64_t *va, unsigned *level,
		     uint64_t *pa);

/**
 * ptk_ctx_set_walk_limit() - most entries one walk may visit
 *
 * A dump can point many entries at one table, and a table at them again:
 * a fan-out that is legal (KASAN's zero shadow does it) but, crafted,
 * would take years to walk.  A walk that reaches the limit ends with
 * PTK_ERR_CORRUPT.  The default, PTK_WALK_LIMIT_DEFAULT, is 2^33 entries,
 * more than a fully mapped 32 TiB in 4 KiB pages; 0 means no limit.
 */
void ptk_ctx_set_walk_limit(struct ptk_ctx *ctx, uint64_t entries);
uint64_t ptk_ctx_walk_limit(const struct ptk_ctx *ctx);
#define PTK_WALK_LIMIT_DEFAULT (UINT64_C(1) << 33)

/**
 * ptk_ctx_set_page_limit() - most 4 KiB pages a builder or an edit may
 * hold in memory (0, the default: no limit); past it they fail with
 * PTK_ERR_NOMEM.  For callers that run untrusted specs and scripts.
 */
void ptk_ctx_set_page_limit(struct ptk_ctx *ctx, uint64_t pages);
uint64_t ptk_ctx_page_limit(const struct ptk_ctx *ctx);

/** ptk_status_str() - short constant name of a status ("corrupt input") */
const char *ptk_status_str(enum ptk_status status);

#ifdef __cplusplus
}
#endif
#endif
