/* SPDX-License-Identifier: MIT */
/* The formats ptk_source_open() knows, tried in the order of probe.c. */
#ifndef PTKIT_FORMATS_H
#define PTKIT_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

#include "ptkit/paging.h"
#include "ptkit/source.h"

/**
 * struct source_format - one file format
 * @name:  short name
 * @match: true if the first bytes of a file (@len may be short) say the
 *         file is of this format: "mine", whatever state the rest is in
 * @open:  open a matched file; takes @fd on success only
 */
struct source_format {
	const char *name;
	bool (*match)(const unsigned char *head, size_t len);
	enum ptk_status (*open)(struct ptk_ctx *ctx, const char *path, int fd,
				struct ptk_source **ret);
};

extern const struct source_format format_elf;
extern const struct source_format format_kdump;

/* Note names and types in ptkit images; see ptkit-image(5). */
#define PTK_NOTE_VMCOREINFO "VMCOREINFO"
#define PTK_NOTE_PTKIT "PTKIT"
#define PTK_NOTE_PTKIT_TYPE 1
#define PTK_META_REGION_PREFIX "PTKIT_REGION("
#define PTK_META_CPU_PREFIX "PTKIT_CPU("

/**
 * format_meta_regions() - turn ptkit's own metadata into source records:
 * PTKIT_REGION(name)=start-end into regions, PTKIT_CPU(n)=cr0:cr3:cr4
 * (hexadecimal) into CPU registers
 */
enum ptk_status format_meta_regions(struct ptk_source *src);

#endif
