/* SPDX-License-Identifier: MIT */
/* Reading the kernel's memory by virtual address: what the symbol, task
 * and counter readers share. */
#ifndef PTKIT_KREAD_PRIV_H
#define PTKIT_KREAD_PRIV_H

#include <inttypes.h>
#include <stddef.h>

#include "ptkit/translate.h"

/** kread() - ptk_read_virt(), the error naming @what was read and where */
static inline enum ptk_status kread(struct ptk_source *src,
				    const struct ptk_paging *pg, uint64_t va,
				    void *buf, size_t len, const char *what)
{
	enum ptk_status st = ptk_read_virt(src, pg, va, buf, len);

	if (st != PTK_OK)
		return ptk_set_err(ptk_source_ctx(src), st, "%s at %#" PRIx64,
				   what, va);
	return PTK_OK;
}

#endif
