// SPDX-License-Identifier: MIT
/*
 * Dumps read through libkdumpfile: kdump-compressed (diskdump) files with
 * any compression it supports, and the other formats it knows.
 *
 * libkdumpfile's errors are translated at this boundary, keeping its text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dl-priv.h"
#include "formats.h"

#ifndef KDUMPFILE_SONAME
#error "KDUMPFILE_SONAME: the Makefile names the library to load"
#endif
_Static_assert(sizeof(KDUMPFILE_SONAME) > 1, "KDUMPFILE_SONAME is empty");

/* libkdumpfile, loaded when the first kdump file is opened (dl-priv.h). */
#define KDUMPFILE_CALLS(X) \
	X(kdump_new) X(kdump_free) X(kdump_open_fdset) X(kdump_read) \
	X(kdump_get_err) X(kdump_get_attr) X(kdump_set_attr) \
	X(kdump_bmp_find_set) X(kdump_bmp_find_clear) \
	X(kdump_blob_pin) X(kdump_blob_size) X(kdump_blob_unpin)
#define DL_TABLE kd
static struct { KDUMPFILE_CALLS(DL_POINTER) } kd;
static const struct dl_symbol kd_syms[] = { KDUMPFILE_CALLS(DL_SYMBOL) };
static struct dl_library kd_lib = DL_LIBRARY(KDUMPFILE_SONAME, kd_syms);

struct kdump_src {
	kdump_ctx_t *kctx;
	int fd;
};

static bool kdump_match(const unsigned char *head, size_t len)
{
	return len >= 8 && (!memcmp(head, "KDUMP   ", 8) ||
			    !memcmp(head, "DISKDUMP", 8));
}

static enum ptk_status kdump_status_to_ptk(kdump_status ks)
{
	switch (ks) {
	case KDUMP_OK:
		return PTK_OK;
	case KDUMP_ERR_NODATA:
		return PTK_ERR_NODATA;
	case KDUMP_ERR_SYSTEM:
		return PTK_ERR_IO;
	case KDUMP_ERR_NOTIMPL:
		return PTK_ERR_UNSUPPORTED;
	case KDUMP_ERR_INVALID:
		return PTK_ERR_INVALID;
	default:
		return PTK_ERR_CORRUPT;
	}
}

static enum ptk_status kd_read(struct ptk_source *src, uint64_t pa, void *buf,
			       size_t len)
{
	struct kdump_src *k = ptk_source_priv(src);
	size_t got = len;
	kdump_status ks;

	ks = kd.kdump_read(k->kctx, KDUMP_MACHPHYSADDR, pa, buf, &got);
	if (ks == KDUMP_OK && got == len)
		return PTK_OK;
	if (ks == KDUMP_OK)
		ks = KDUMP_ERR_NODATA;
	if (ks == KDUMP_ERR_NODATA)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_NODATA,
				   "page %#" PRIx64 " is not stored in the "
				   "dump", (pa + got) &
				   ~(uint64_t)(PTK_PAGE_SIZE - 1));
	return ptk_set_err(ptk_source_ctx(src), kdump_status_to_ptk(ks),
			   "kdump: %s", kd.kdump_get_err(k->kctx));
}

static void kd_close(struct ptk_source *src)
{
	struct kdump_src *k = ptk_source_priv(src);

	kd.kdump_free(k->kctx);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}

static const struct ptk_source_ops kdump_ops = {
	.format = "kdump (libkdumpfile)",
	.read = kd_read,
	.close = kd_close,
};

/* RAM ranges: runs of set bits in libkdumpfile's page map. */
static enum ptk_status add_ram_from_pagemap(struct ptk_source *src,
					    kdump_ctx_t *kctx)
{
	static const char *const keys[] = { KDUMP_ATTR_MEMORY_PAGEMAP,
					    KDUMP_ATTR_FILE_PAGEMAP };
	kdump_attr_t attr;
	kdump_bmp_t *bmp = NULL;

	for (size_t i = 0; i < 2 && !bmp; i++) {
		if (kd.kdump_get_attr(kctx, keys[i], &attr) == KDUMP_OK &&
		    attr.type == KDUMP_BITMAP)
			bmp = attr.val.bitmap;
	}
	if (!bmp)
		return PTK_OK;	/* no map: reads still say what is missing */
	for (kdump_addr_t pfn = 0;;) {
		kdump_addr_t end;
		enum ptk_status st;

		if (kd.kdump_bmp_find_set(bmp, &pfn) != KDUMP_OK)
			break;
		end = pfn;
		if (kd.kdump_bmp_find_clear(bmp, &end) != KDUMP_OK)
			break;
		st = ptk_source_add_ram(src, (uint64_t)pfn << PTK_PAGE_SHIFT,
					(uint64_t)end << PTK_PAGE_SHIFT);
		if (st != PTK_OK)
			return st;
		pfn = end;
	}
	return PTK_OK;
}

static enum ptk_status kdump_open_file(struct ptk_ctx *ctx, const char *path,
				       int fd, struct ptk_source **ret)
{
	struct ptk_source *src = NULL;
	struct kdump_src *k;
	enum ptk_status st;
	kdump_attr_t attr;
	kdump_status ks;

	if (!dl_load(&kd_lib))
		return ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				   "'%s': a kdump file: reading it needs "
				   "libkdumpfile (%s)", path, kd_lib.err);
	k = calloc(1, sizeof(*k));
	if (!k || !(k->kctx = kd.kdump_new())) {
		free(k);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	}
	k->fd = -1;
	st = ptk_source_new(ctx, path, &kdump_ops, k, &src);
	if (st != PTK_OK) {
		kd.kdump_free(k->kctx);
		free(k);
		return st;
	}
	ks = kd.kdump_open_fdset(k->kctx, 1, &fd);
	if (ks != KDUMP_OK) {
		st = ptk_set_err(ctx, ks == KDUMP_ERR_NOTIMPL
					 ? PTK_ERR_UNSUPPORTED
					 : kdump_status_to_ptk(ks),
				 "'%s': not a dump or image ptkit can read "
				 "(kdump: %s)", path, kd.kdump_get_err(k->kctx));
		goto fail;
	}
	/* QEMU's kdump header leaves arch.name unset (see realdata README). */
	if (kd.kdump_get_attr(k->kctx, KDUMP_ATTR_ARCH_NAME, &attr) != KDUMP_OK) {
		attr.type = KDUMP_STRING;
		attr.val.string = "x86_64";
		kd.kdump_set_attr(k->kctx, KDUMP_ATTR_ARCH_NAME, &attr);
	}
	if (kd.kdump_get_attr(k->kctx, KDUMP_ATTR_ARCH_NAME, &attr) == KDUMP_OK &&
	    attr.type == KDUMP_STRING && strcmp(attr.val.string, "x86_64")) {
		st = ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				 "'%s': a dump of a %s machine, not x86-64",
				 path, attr.val.string);
		goto fail;
	}
	/* The raw note, as the dump holds it; kdump_vmcoreinfo_raw() would
	 * want an OS type first. */
	if (kd.kdump_get_attr(k->kctx, "linux.vmcoreinfo.raw", &attr) == KDUMP_OK &&
	    attr.type == KDUMP_BLOB) {
		const char *raw = kd.kdump_blob_pin(attr.val.blob);

		st = ptk_source_add_meta_text(src, raw,
					      kd.kdump_blob_size(attr.val.blob));
		kd.kdump_blob_unpin(attr.val.blob);
		if (st != PTK_OK)
			goto fail;
	}
	st = add_ram_from_pagemap(src, k->kctx);
	if (st != PTK_OK)
		goto fail;
	st = format_meta_regions(src);
	if (st != PTK_OK)
		goto fail;
	k->fd = fd;
	*ret = src;
	return PTK_OK;
fail:
	ptk_source_free(src);
	return st;
}

const struct source_format format_kdump = {
	.name = "kdump",
	.match = kdump_match,
	.open = kdump_open_file,
};
