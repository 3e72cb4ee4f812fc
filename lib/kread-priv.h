/* SPDX-License-Identifier: MIT */
/* Reading the kernel's memory by virtual address: what the symbol, task
 * and counter readers share. */
#ifndef PTKIT_KREAD_PRIV_H
#define PTKIT_KREAD_PRIV_H

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "ptkit/translate.h"
#include "ptkit/types.h"

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

/** member_value() - member @m of the structure in @buf, little-endian,
 * its first 8 bytes at most */
static inline uint64_t member_value(const unsigned char *buf,
				    const struct ptk_member *m)
{
	uint64_t v = 0;

	memcpy(&v, buf + m->offset, m->size < 8 ? m->size : 8);
	return v;
}

#endif
