/* SPDX-License-Identifier: MIT */
/**
 * DOC: physical-memory sources
 *
 * A struct ptk_source is physical memory plus what is known about the
 * machine it came from: RAM ranges, key/value metadata (VMCOREINFO lines,
 * ptkit's own keys), CPU registers and named virtual regions.
 *
 * ptk_source_open() probes a file with each format ptkit knows (ELF cores,
 * kdump-compressed dumps, ...).  Other programs can make a source of their
 * own with ptk_source_new() and a struct ptk_source_ops, then describe it
 * with the ptk_source_add_*() calls.
 *
 * Strings and arrays returned by the getters stay valid until the source
 * is freed or the same kind of item is added again.
 */
#ifndef PTKIT_SOURCE_H
#define PTKIT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_source;

/** struct ptk_range - the physical or virtual range [start, end) */
struct ptk_range {
	uint64_t start;
	uint64_t end;
};

/** enum ptk_page_state - what a source knows of one physical page */
enum ptk_page_state {
	PTK_PAGE_PRESENT,	/* its bytes can be read */
	PTK_PAGE_ABSENT,	/* RAM, but its bytes are not in the source */
	PTK_PAGE_NOT_RAM,	/* outside every RAM range */
};

/**
 * struct ptk_source_ops - what a source implementation provides
 * @format: name shown to users, e.g. "ELF core (libelf)"
 * @read:   copy @len bytes at physical @pa into @buf; PTK_ERR_NODATA when
 *          any of them is absent (never fill absent bytes with zeros)
 * @map:    optional: a pointer to @len bytes at @pa that stays valid until
 *          the source is closed, or NULL if they cannot be mapped directly
 * @page_state: optional: state of the page at @pa; without it, pages in
 *          RAM ranges are present
 * @close:  release the implementation's private data
 */
struct ptk_source_ops {
	const char *format;
	enum ptk_status (*read)(struct ptk_source *src, uint64_t pa, void *buf,
				size_t len);
	const void *(*map)(struct ptk_source *src, uint64_t pa, size_t len);
	enum ptk_page_state (*page_state)(struct ptk_source *src, uint64_t pa);
	void (*close)(struct ptk_source *src);
};

/**
 * ptk_source_open() - open @path with the first format that claims it
 *
 * On success *@ret owns the file.  Errors name the file and, for a broken
 * file of a known format, what is wrong with it.
 */
enum ptk_status ptk_source_open(struct ptk_ctx *ctx, const char *path,
				struct ptk_source **ret);

/** ptk_source_new() - a source backed by @ops, with private data @priv */
enum ptk_status ptk_source_new(struct ptk_ctx *ctx, const char *name,
			       const struct ptk_source_ops *ops, void *priv,
			       struct ptk_source **ret);

/** ptk_source_free() - close a source; NULL is a no-op */
void ptk_source_free(struct ptk_source *src);

void *ptk_source_priv(const struct ptk_source *src);
struct ptk_ctx *ptk_source_ctx(const struct ptk_source *src);
/** ptk_source_name() - the file name or the name given to new() */
const char *ptk_source_name(const struct ptk_source *src);
const char *ptk_source_format(const struct ptk_source *src);

/** ptk_source_read() - read physical memory, bounds-checked */
enum ptk_status ptk_source_read(struct ptk_source *src, uint64_t pa, void *buf,
				size_t len);

/**
 * ptk_source_table() - the 4 KiB table page at @pa
 * @buf: a PTK_PAGE_SIZE buffer used when the page cannot be mapped
 * @ret: set to the page's bytes (@buf or a mapping)
 *
 * Reports PTK_ERR_NODATA for a page absent from the source or outside RAM.
 */
enum ptk_status ptk_source_table(struct ptk_source *src, uint64_t pa,
				 void *buf, const uint64_t **ret);

/**
 * ptk_source_map() - @len bytes at @pa in place, or NULL when the source
 * cannot map them (read them instead); valid until the source is freed
 */
const void *ptk_source_map(struct ptk_source *src, uint64_t pa, size_t len);

enum ptk_page_state ptk_source_page_state(struct ptk_source *src, uint64_t pa);

/* --- RAM ranges, sorted and merged as they are added --- */
enum ptk_status ptk_source_add_ram(struct ptk_source *src, uint64_t start,
				   uint64_t end);
const struct ptk_range *ptk_source_ram(const struct ptk_source *src,
				       size_t *count);
/** ptk_source_ram_end() - one past the highest RAM byte; 0 for no RAM */
uint64_t ptk_source_ram_end(const struct ptk_source *src);

/* --- key/value metadata, in the order added; a key added twice keeps the
 *     last value --- */
enum ptk_status ptk_source_set_meta(struct ptk_source *src, const char *key,
				    const char *value);
/** ptk_source_add_meta_text() - add every "KEY=VALUE" line of @text */
enum ptk_status ptk_source_add_meta_text(struct ptk_source *src,
					 const char *text, size_t len);
const char *ptk_source_meta(const struct ptk_source *src, const char *key);
size_t ptk_source_meta_count(const struct ptk_source *src);
void ptk_source_meta_at(const struct ptk_source *src, size_t i,
			const char **key, const char **value);

/* --- CPU registers, one record per CPU --- */
struct ptk_cpu_regs {
	unsigned cpu;
	uint64_t cr0, cr3, cr4;
	const char *origin;	/* static string: where they were found */
};
enum ptk_status ptk_source_add_cpu(struct ptk_source *src,
				   const struct ptk_cpu_regs *regs);
const struct ptk_cpu_regs *ptk_source_cpus(const struct ptk_source *src,
					   size_t *count);

/* --- named virtual regions ("direct map", "vmalloc", ...) --- */
struct ptk_region {
	const char *name;
	uint64_t start, end;	/* end exclusive, 0 = top of address space */
};
enum ptk_status ptk_source_add_region(struct ptk_source *src,
				      const char *name, uint64_t start,
				      uint64_t end);
/** ptk_source_regions() - regions sorted by start address */
const struct ptk_region *ptk_source_regions(const struct ptk_source *src,
					    size_t *count);
/**
 * ptk_source_region_named() - the region called @name, ignoring case, or
 * by its short name: user, direct-map, vmalloc, vmemmap, cpu-entry-area,
 * espfix, efi, kernel, modules, fixmap; NULL when there is none
 */
const struct ptk_region *ptk_source_region_named(const struct ptk_source *src,
						 const char *name);

#ifdef __cplusplus
}
#endif
#endif
