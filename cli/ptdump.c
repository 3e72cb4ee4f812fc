// SPDX-License-Identifier: MIT
/*
 * The markers of walk --format=ptdump: the kernel's own address_markers[]
 * when the dump holds it (every kernel with CONFIG_PTDUMP_CORE, which
 * DEBUG_WX selects), else the kernel's list rebuilt from the regions
 * ptkit found, else the image's regions.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptdump.h"

#define KERNEL_SPACE (UINT64_C(1) << 63)

/* The kernel's markers in the order of its enum address_markers_idx
 * (6.1, x86-64, without KASAN), as layout.c names the regions. */
static const char *const linux_order[] = {
	"Low Kernel Mapping", "vmalloc() Area", "Vmemmap", "CPU entry Area",
	"ESPfix Area", "EFI Runtime Services", "High Kernel Mapping",
	"Modules",
};

static bool push(struct ptdump_markers *pm, uint64_t va, const char *name,
		 uint64_t max_lines)
{
	struct ptk_ptdump_marker *m = realloc(pm->m, (pm->n + 1) * sizeof(*m));

	if (!m)
		return false;
	pm->m = m;
	m += pm->n++;
	memset(m, 0, sizeof(*m));
	m->va = va;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->max_lines = max_lines;
	return true;
}

/* Without address_markers[]: the kernel's list, from what layout found. */
static bool linux_markers(struct session *s, struct ptdump_markers *pm)
{
	const struct ptk_region *mod = region_named(s->src, "Modules");
	const struct ptk_region *fix = region_named(s->src, "Fixmap Area");

	if (!push(pm, 0, "User Space", 0) ||
	    !push(pm, KERNEL_SPACE, "Kernel Space", 0) ||
	    !push(pm, ptk_ptdump_ldt_base(&s->pg), "LDT remap", 0))
		return false;
	for (size_t i = 0; i < sizeof(linux_order) / sizeof(linux_order[0]); i++) {
		const struct ptk_region *r = region_named(s->src, linux_order[i]);

		if (r && !push(pm, r->start, r->name,
			       !strcmp(r->name, "ESPfix Area") ? 16 : 0))
			return false;
	}
	if (mod && !push(pm, mod->end, "End Modules", 0))
		return false;
	/* FIXADDR_START depends on the configuration: where layout could
	 * only guess MODULES_END, there is no marker rather than a wrong
	 * one. */
	if (fix && (!mod || fix->start != mod->end) &&
	    !push(pm, fix->start, fix->name, 0))
		return false;
	snprintf(pm->origin, sizeof(pm->origin),
		 "rebuilt from the regions (no address_markers in the dump)");
	return true;
}

static int marker_cmp(const void *a, const void *b)
{
	const struct ptk_ptdump_marker *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

/* Not a Linux kernel: the image's regions, by address. */
static bool region_markers(struct session *s, struct ptdump_markers *pm)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(s->src, &n);
	const uint64_t kernel = ptk_noncanon_end(&s->pg);
	bool has_user = false, has_kernel = false;

	for (size_t i = 0; i < n; i++) {
		has_user |= rg[i].start == 0;
		has_kernel |= rg[i].start == kernel;
		if (!push(pm, rg[i].start, rg[i].name, 0))
			return false;
	}
	if (!has_user && !push(pm, 0, "User Space", 0))
		return false;
	if (!has_kernel && !push(pm, KERNEL_SPACE, "Kernel Space", 0))
		return false;
	qsort(pm->m, pm->n, sizeof(*pm->m), marker_cmp);
	snprintf(pm->origin, sizeof(pm->origin), "the image's regions");
	return true;
}

/* Linux before 5.6: x86's ptdump walked the tables itself. */
static bool legacy_release(const char *release)
{
	unsigned major, minor;

	return release && sscanf(release, "%u.%u", &major, &minor) == 2 &&
	       (major < 5 || (major == 5 && minor < 6));
}

int ptdump_markers_get(struct session *s, struct ptdump_markers *pm)
{
	const char *release = ptk_source_meta(s->src, "OSRELEASE");
	uint64_t va;

	memset(pm, 0, sizeof(*pm));
	pm->is_linux = release != NULL;
	pm->legacy = legacy_release(release);
	if (pm->is_linux && session_kernel_symbol(s, PTDUMP_SYMBOL, &va)) {
		if (ptk_ptdump_read_markers(s->src, &s->kpg, va, &pm->m,
					    &pm->n) == PTK_OK) {
			pm->va = va;
			snprintf(pm->origin, sizeof(pm->origin),
				 "the kernel's address_markers at %#" PRIx64,
				 va);
			return EXIT_OK;
		}
		ptk_ctx_clear_err(s->ctx);
	}
	if (pm->is_linux ? linux_markers(s, pm) : region_markers(s, pm))
		return EXIT_OK;
	fprintf(stderr, "%s: out of memory\n", s->cmd);
	ptdump_markers_release(pm);
	return EXIT_ENV;
}

void ptdump_markers_release(struct ptdump_markers *pm)
{
	free(pm->m);
	memset(pm, 0, sizeof(*pm));
}

/* The page of kernel address @va, as a frame number; false if unmapped. */
static bool page_of(struct session *s, uint64_t va, uint64_t *pfn)
{
	struct ptk_xlat x;

	if (ptk_translate(s->src, &s->kpg, va, &x) != PTK_OK ||
	    x.result != PTK_XLAT_MAPPED) {
		ptk_ctx_clear_err(s->ctx);
		return false;
	}
	*pfn = x.pa >> PTK_PAGE_SHIFT;
	return true;
}

size_t ptdump_markers_pages(struct session *s, const struct ptdump_markers *pm,
			    uint64_t *pfns, size_t max)
{
	size_t n = 0;
	const uint64_t array_end = pm->va + (pm->n + 1) * 3 * sizeof(uint64_t);

	if (!pm->va)
		return 0;
	for (uint64_t va = pm->va & ~(uint64_t)(PTK_PAGE_SIZE - 1);
	     va < array_end && n < max; va += PTK_PAGE_SIZE)
		n += page_of(s, va, &pfns[n]);
	for (size_t i = 0; i < pm->n && n + 2 <= max; i++) {
		/* a name may cross into the next page */
		n += page_of(s, pm->m[i].name_va, &pfns[n]);
		n += page_of(s, pm->m[i].name_va + PTK_PTDUMP_NAME_MAX - 1,
			     &pfns[n]);
	}
	return n;
}

/* KASAN's early shadow tables, which the kernel's walk does not enter. */
static const char *const kasan_tables[4] = {
	"kasan_early_shadow_p4d", "kasan_early_shadow_pud",
	"kasan_early_shadow_pmd", "kasan_early_shadow_pte",
};

void ptdump_kasan(struct session *s, struct ptk_ptdump_opts *o, uint64_t *vas)
{
	uint64_t va, pfn;

	for (unsigned i = 0; i < 4; i++) {
		vas[i] = 0;
		if (!session_kernel_symbol(s, kasan_tables[i], &va) ||
		    !page_of(s, va, &pfn))
			continue;
		vas[i] = va;
		if (o)
			o->kasan_tables[i] = pfn << PTK_PAGE_SHIFT;
	}
	/* without the shadow PTE there is nothing to note */
	if (o && (!vas[3] ||
		  ptk_read_virt(s->src, &s->kpg, vas[3], &o->kasan_pte,
				sizeof(o->kasan_pte)) != PTK_OK)) {
		ptk_ctx_clear_err(s->ctx);
		memset(o->kasan_tables, 0, sizeof(o->kasan_tables));
	}
}

const char *ptdump_kasan_symbol(unsigned i)
{
	return i < 4 ? kasan_tables[i] : NULL;
}
