// SPDX-License-Identifier: MIT
/* Naming a Linux kernel's regions without debug info; see layout.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta-priv.h"
#include "ptkit/layout.h"
#include "ptkit/translate.h"
#include "ptkit/walk.h"

#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)
/* KASLR aligns the randomized bases to PUD_SIZE (arch/x86/mm/kaslr.c). */
#define BASE_ALIGN GiB

/* Fixed addresses, arch/x86/include/asm/pgtable_64_types.h (6.1). */
#define CPU_ENTRY_AREA_BASE UINT64_C(0xfffffe0000000000)
#define ESPFIX_BASE_ADDR UINT64_C(0xffffff0000000000)
#define EFI_VA_END UINT64_C(0xffffffef00000000)
#define EFI_VA_START UINT64_C(0xffffffff00000000)
#define MODULES_END UINT64_C(0xffffffffff000000)
#define KERNEL_IMAGE_SIZE_DEFAULT (512 * (UINT64_C(1) << 20))

/* Default bases and sizes per paging mode (Documentation/arch/x86/
 * x86_64/mm.rst); KASLR moves the bases inside [page_offset, CEA). */
struct geometry {
	uint64_t page_offset;
	uint64_t direct_size, vmalloc_size, vmemmap_size;
};
static const struct geometry geo4 = {
	UINT64_C(0xffff888000000000), 64 * TiB, 32 * TiB, 1 * TiB,
};
static const struct geometry geo5 = {
	UINT64_C(0xff11000000000000), 32 * 1024 * TiB, 12800 * TiB, 512 * TiB,
};

/* mem_section flag bits below the coded mem_map (include/linux/mmzone.h) */
#define SECTION_MARKED_PRESENT 1
#define SECTION_HAS_MEM_MAP 2

struct finder {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	const struct geometry *geo;
};

static bool read_u64(struct finder *f, uint64_t va, uint64_t *ret)
{
	return ptk_read_virt(f->src, f->pg, va, ret, sizeof(*ret)) == PTK_OK;
}

static bool in_window(const struct finder *f, uint64_t base)
{
	return base >= f->geo->page_offset && base < CPU_ENTRY_AREA_BASE &&
	       !(base & (BASE_ALIGN - 1));
}

struct first_leaf {
	uint64_t base;
};

static enum ptk_status first_aligned_leaf(const struct ptk_walk_entry *e,
					  void *priv)
{
	struct first_leaf *fl = priv;
	uint64_t delta = e->va - e->addr;

	if (delta & (BASE_ALIGN - 1))
		return PTK_OK;
	fl->base = delta;
	return PTK_STOP;
}

static void find_page_offset(struct finder *f, struct ptk_layout *l)
{
	const struct ptk_walk_ops ops = { .leaf = first_aligned_leaf };
	struct first_leaf fl = { 0 };
	struct ptk_xlat x;
	uint64_t sym;

	/* With SPARSEMEM_EXTREME, SYMBOL(mem_section) is the value of the
	 * pointer: memory the kernel allocated, in the direct map. */
	if (meta_hex(f->src, "SYMBOL(mem_section)", &sym) &&
	    sym < PTK_START_KERNEL_MAP &&
	    ptk_translate(f->src, f->pg, sym, &x) == PTK_OK &&
	    x.result == PTK_XLAT_MAPPED && in_window(f, sym - x.pa)) {
		l->page_offset = sym - x.pa;
		snprintf(l->page_offset_from, PTK_ORIGIN_MAX,
			 "va - pa of VMCOREINFO SYMBOL(mem_section)");
		return;
	}
	/* The direct map comes first in the KASLR window. */
	if (ptk_walk(f->src, f->pg, f->geo->page_offset, CPU_ENTRY_AREA_BASE,
		     &ops, &fl) == PTK_STOP && in_window(f, fl.base)) {
		l->page_offset = fl.base;
		snprintf(l->page_offset_from, PTK_ORIGIN_MAX,
			 "the first leaf of the KASLR window whose va - pa is "
			 "1 GiB aligned");
		return;
	}
	snprintf(l->page_offset_from, PTK_ORIGIN_MAX,
		 "not found: no usable SYMBOL(mem_section), no aligned leaf");
}

static void find_vmemmap(struct finder *f, struct ptk_layout *l)
{
	uint64_t sym, off, size, sections, v;

	if (!meta_hex(f->src, "SYMBOL(mem_section)", &sym) ||
	    !meta_num(f->src, "OFFSET(mem_section.section_mem_map)", &off) ||
	    !meta_num(f->src, "SIZE(mem_section)", &size) || !size ||
	    size > PTK_PAGE_SIZE) {
		snprintf(l->vmemmap_from, PTK_ORIGIN_MAX,
			 "not found: VMCOREINFO lacks mem_section keys");
		return;
	}
	/* A static array in the kernel image, or (SPARSEMEM_EXTREME) an
	 * array of pointers to arrays of sections. */
	sections = sym;
	if (sym < PTK_START_KERNEL_MAP && !read_u64(f, sym, &sections)) {
		snprintf(l->vmemmap_from, PTK_ORIGIN_MAX,
			 "not found: cannot read mem_section at %#" PRIx64, sym);
		return;
	}
	for (uint64_t i = 0; i < PTK_PAGE_SIZE / size; i++) {
		if (!read_u64(f, sections + i * size + off, &v))
			break;
		if ((v & (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP)) !=
		    (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP))
			continue;
		/* The coded mem_map is vmemmap_base plus flag bits. */
		v &= ~(uint64_t)(PTK_PAGE_SIZE - 1);
		if (!in_window(f, v))
			break;
		l->vmemmap = v;
		snprintf(l->vmemmap_from, PTK_ORIGIN_MAX,
			 "mem_map of memory section %" PRIu64
			 " (SYMBOL(mem_section))", i);
		return;
	}
	snprintf(l->vmemmap_from, PTK_ORIGIN_MAX,
		 "not found: no present memory section with a usable mem_map");
}

static void find_vmalloc(struct finder *f, struct ptk_layout *l)
{
	uint64_t head, next_off, list_off, start_off, next, start;

	if (!meta_hex(f->src, "SYMBOL(vmap_area_list)", &head) ||
	    !meta_num(f->src, "OFFSET(list_head.next)", &next_off) ||
	    !meta_num(f->src, "OFFSET(vmap_area.list)", &list_off) ||
	    !meta_num(f->src, "OFFSET(vmap_area.va_start)", &start_off)) {
		snprintf(l->vmalloc_from, PTK_ORIGIN_MAX,
			 "not found: VMCOREINFO lacks vmap_area_list keys");
		return;
	}
	if (!read_u64(f, head + next_off, &next) || next == head ||
	    !read_u64(f, next - list_off + start_off, &start)) {
		snprintf(l->vmalloc_from, PTK_ORIGIN_MAX,
			 "not found: cannot read the first vmap_area");
		return;
	}
	start &= ~(BASE_ALIGN - 1);
	if (!in_window(f, start) || (l->page_offset && start <= l->page_offset)) {
		snprintf(l->vmalloc_from, PTK_ORIGIN_MAX,
			 "not found: the first vmap_area is at %#" PRIx64, start);
		return;
	}
	l->vmalloc = start;
	snprintf(l->vmalloc_from, PTK_ORIGIN_MAX,
		 "the first vmap_area on vmap_area_list, rounded down to 1 GiB");
}

static uint64_t min_nonzero(uint64_t a, uint64_t b)
{
	return !b || (a && a < b) ? a : b;
}

/* @base + @size, but never past the cpu_entry_area (nor wrapping). */
static uint64_t region_end(uint64_t base, uint64_t size)
{
	return base >= CPU_ENTRY_AREA_BASE ? 0
	       : size > CPU_ENTRY_AREA_BASE - base ? CPU_ENTRY_AREA_BASE
						   : base + size;
}

/* Forget guess *@base: it contradicts the @other_name at @other. */
static void drop(uint64_t *base, char from[PTK_ORIGIN_MAX],
		 const char *other_name, uint64_t other)
{
	snprintf(from, PTK_ORIGIN_MAX, "not found: %#" PRIx64 " contradicts "
		 "the %s at %#" PRIx64, *base, other_name, other);
	*base = 0;
}

/* How much a base is to be believed: by hand, from VMCOREINFO, a guess. */
static int trust(const char *from)
{
	if (!strcmp(from, "--region-base"))
		return 3;
	if (!strncmp(from, "the first leaf", 14))
		return 1;
	return 2;
}

/* @lo must lie below @hi: when not, the less trusted goes (@hi on a tie). */
static void keep_order(uint64_t *lo, char lo_from[PTK_ORIGIN_MAX],
		       const char *lo_name, uint64_t *hi,
		       char hi_from[PTK_ORIGIN_MAX], const char *hi_name)
{
	if (!*lo || !*hi || *lo < *hi)
		return;
	if (trust(lo_from) < trust(hi_from))
		drop(lo, lo_from, hi_name, *hi);
	else
		drop(hi, hi_from, lo_name, *lo);
}

/*
 * The kernel lays its randomized regions out in one order: direct map,
 * vmalloc, vmemmap, all below the cpu_entry_area.  A base out of order is
 * dropped, never the others with it: a guess gives way to what VMCOREINFO
 * says, and both give way to a base given by hand.
 */
static void check_order(struct ptk_layout *l)
{
	if (l->vmemmap && l->vmemmap >= CPU_ENTRY_AREA_BASE &&
	    trust(l->vmemmap_from) < 3)
		drop(&l->vmemmap, l->vmemmap_from, "cpu_entry_area",
		     CPU_ENTRY_AREA_BASE);
	if (l->vmalloc && l->vmalloc >= CPU_ENTRY_AREA_BASE &&
	    trust(l->vmalloc_from) < 3)
		drop(&l->vmalloc, l->vmalloc_from, "cpu_entry_area",
		     CPU_ENTRY_AREA_BASE);
	keep_order(&l->page_offset, l->page_offset_from, "direct map",
		   &l->vmalloc, l->vmalloc_from, "vmalloc base");
	keep_order(&l->page_offset, l->page_offset_from, "direct map",
		   &l->vmemmap, l->vmemmap_from, "vmemmap base");
	keep_order(&l->vmalloc, l->vmalloc_from, "vmalloc base",
		   &l->vmemmap, l->vmemmap_from, "vmemmap base");
}

enum ptk_status ptk_layout_discover(struct ptk_source *src,
				    const struct ptk_paging *pg,
				    struct ptk_layout *ret)
{
	return ptk_layout_discover_hinted(src, pg, NULL, ret);
}

/* A base given by hand, or found unless told not to guess. */
static void find_or_take(struct finder *f, struct ptk_layout *l,
			 uint64_t given, uint64_t *base,
			 char from[PTK_ORIGIN_MAX], bool no_guess,
			 void (*find)(struct finder *, struct ptk_layout *))
{
	if (given) {
		*base = given;
		snprintf(from, PTK_ORIGIN_MAX, "--region-base");
	} else if (no_guess) {
		snprintf(from, PTK_ORIGIN_MAX, "not searched (--no-discovery)");
	} else {
		find(f, l);
	}
}

enum ptk_status ptk_layout_discover_hinted(struct ptk_source *src,
					   const struct ptk_paging *pg,
					   const struct ptk_layout_hints *hints,
					   struct ptk_layout *ret)
{
	static const struct ptk_layout_hints none = { 0 };
	const struct ptk_layout_hints *h = hints ? hints : &none;
	const bool given = h->page_offset || h->vmalloc || h->vmemmap;
	struct finder f = { src, pg, pg->levels == 5 ? &geo5 : &geo4 };
	struct ptk_layout l;
	uint64_t image_size, modules;
	const struct ptk_region *rg;
	enum ptk_status st = PTK_OK;
	size_t n;

	memset(&l, 0, sizeof(l));
	rg = ptk_source_regions(src, &n);
	if (n) {
		/* The regions were found when the image was made: the bases
		 * are their starts, under the names ADD() gives them below. */
		l.from_image = true;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(rg[i].name, "Low Kernel Mapping"))
				l.page_offset = rg[i].start;
			else if (!strcmp(rg[i].name, "vmalloc() Area"))
				l.vmalloc = rg[i].start;
			else if (!strcmp(rg[i].name, "Vmemmap"))
				l.vmemmap = rg[i].start;
		}
		*ret = l;
		return PTK_OK;
	}
	if (!given && (h->no_guess || !ptk_source_meta(src, "OSRELEASE"))) {
		const char *why = h->no_guess ? "not searched (--no-discovery)"
					      : "not a Linux dump (no "
						"VMCOREINFO OSRELEASE)";

		snprintf(l.page_offset_from, PTK_ORIGIN_MAX, "%s", why);
		snprintf(l.vmalloc_from, PTK_ORIGIN_MAX, "%s", why);
		snprintf(l.vmemmap_from, PTK_ORIGIN_MAX, "%s", why);
		*ret = l;
		return PTK_OK;
	}
	find_or_take(&f, &l, h->page_offset, &l.page_offset,
		     l.page_offset_from, h->no_guess, find_page_offset);
	find_or_take(&f, &l, h->vmemmap, &l.vmemmap, l.vmemmap_from,
		     h->no_guess, find_vmemmap);
	find_or_take(&f, &l, h->vmalloc, &l.vmalloc, l.vmalloc_from,
		     h->no_guess, find_vmalloc);
	check_order(&l);
	ptk_ctx_clear_err(ptk_source_ctx(src));

	if (!meta_num(src, "NUMBER(KERNEL_IMAGE_SIZE)", &image_size) ||
	    !image_size || image_size > GiB)
		image_size = KERNEL_IMAGE_SIZE_DEFAULT;
	modules = PTK_START_KERNEL_MAP + image_size;

	/* A region that still comes out empty is left out: a guess never
	 * fails a command.  Only running out of memory does. */
#define ADD(name, start, end)                                               \
	do {                                                                \
		if (st == PTK_OK)                                           \
			st = ptk_source_add_region(src, name, start, end);  \
		if (st == PTK_ERR_INVALID) {                                \
			ptk_ctx_clear_err(ptk_source_ctx(src));             \
			st = PTK_OK;                                        \
		}                                                           \
	} while (0)
	ADD("User Space", 0, ptk_noncanon_start(pg));
	if (l.page_offset)
		ADD("Low Kernel Mapping", l.page_offset,
		    min_nonzero(region_end(l.page_offset, f.geo->direct_size),
				min_nonzero(l.vmalloc, l.vmemmap)));
	if (l.vmalloc)
		ADD("vmalloc() Area", l.vmalloc,
		    min_nonzero(region_end(l.vmalloc, f.geo->vmalloc_size),
				l.vmemmap > l.vmalloc ? l.vmemmap : 0));
	if (l.vmemmap)
		ADD("Vmemmap", l.vmemmap,
		    min_nonzero(region_end(l.vmemmap, f.geo->vmemmap_size),
				CPU_ENTRY_AREA_BASE));
	if (h->no_guess)
		goto out;	/* the fixed regions are assumed too */
	ADD("CPU entry Area", CPU_ENTRY_AREA_BASE,
	    CPU_ENTRY_AREA_BASE + (UINT64_C(1) << 39));
	ADD("ESPfix Area", ESPFIX_BASE_ADDR, ESPFIX_BASE_ADDR + (UINT64_C(1) << 39));
	ADD("EFI Runtime Services", EFI_VA_END, EFI_VA_START);
	ADD("High Kernel Mapping", PTK_START_KERNEL_MAP, modules);
	ADD("Modules", modules, MODULES_END);
	ADD("Fixmap Area", MODULES_END, 0);
out:
#undef ADD
	*ret = l;
	return st;
}
