// SPDX-License-Identifier: MIT
/*
 * Regions by the names users type: the source's own ("Low Kernel
 * Mapping"), their short aliases ("direct-map"), the kernel image's
 * sections and the modules.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* A module's whole extent ("qemu_fw_cfg") or one part ("qemu_fw_cfg.text"). */
static bool module_region(struct session *s, const char *want,
			  uint64_t *start, uint64_t *end)
{
	const struct ptk_modules *mods = session_modules(s);

	for (size_t i = 0; mods && i < mods->n; i++) {
		const struct ptk_module *m = &mods->module[i];
		size_t len = strlen(m->name);

		if (!m->nranges || strncmp(want, m->name, len))
			continue;
		if (!want[len]) {
			*start = m->ranges[0].start;
			*end = m->ranges[m->nranges - 1].end;
		} else {
			unsigned r = 0;

			while (r < m->nranges && (want[len] != '.' ||
			       strcmp(want + len + 1, m->ranges[r].what)))
				r++;
			if (r == m->nranges)
				continue;
			*start = m->ranges[r].start;
			*end = m->ranges[r].end;
		}
		*start &= ~(uint64_t)(PTK_PAGE_SIZE - 1);
		*end = (*end + PTK_PAGE_SIZE - 1) & ~(uint64_t)(PTK_PAGE_SIZE - 1);
		return true;
	}
	return false;
}

/* A region by name: the source's, a section of the kernel image, or a
 * module. */
bool session_find_region(struct session *s, const char *want,
			 uint64_t *start, uint64_t *end)
{
	struct image_region img[IMAGE_REGIONS_MAX];
	const struct ptk_modules *mods;
	size_t n, nimg;
	const struct ptk_region *rg = ptk_source_regions(s->src, &n);
	const struct ptk_region *named = ptk_source_region_named(s->src, want);

	if (named) {
		*start = named->start;
		*end = named->end;
		return true;
	}
	nimg = session_image_regions(s, img);
	for (size_t i = 0; i < nimg; i++)
		if (!strcasecmp(want, img[i].name)) {
			/* pages: the walk starts and ends on them */
			*start = img[i].start & ~(uint64_t)(PTK_PAGE_SIZE - 1);
			*end = (img[i].end + PTK_PAGE_SIZE - 1) &
			       ~(uint64_t)(PTK_PAGE_SIZE - 1);
			return true;
		}
	if (module_region(s, want, start, end))
		return true;
	fprintf(stderr, "%s: '%s': no region named '%s'; %s\n", s->cmd,
		ptk_source_name(s->src), want,
		n + nimg ? "these are known:" : "the source names none");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", rg[i].name);
	for (size_t i = 0; i < nimg; i++)
		fprintf(stderr, "  %s\n", img[i].name);
	mods = session_modules(s);
	for (size_t i = 0; mods && i < mods->n; i++)
		fprintf(stderr, "  %s (module)\n", mods->module[i].name);
	return false;
}
