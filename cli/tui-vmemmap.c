// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the vmemmap view (the folios whose struct pages share
 * vmemmap pages, as ptkit vmemmap lists them) and the mark the table view
 * puts on a vmemmap leaf that maps a shared page.  The vmemmap is read
 * once, when first wanted.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Read the vmemmap's sharing, once; false (with why) when it cannot be. */
static bool scan(struct tui *t)
{
	struct tui_vmemmap *v = &t->vmm;

	if (v->tried)
		return v->vm != NULL;
	v->tried = true;
	if (ptk_vmemmap_scan(t->src, &t->s->kpg, &t->s->layout, &v->vm) !=
	    PTK_OK) {
		snprintf(v->why, sizeof(v->why), "%s", ptk_ctx_err(t->s->ctx));
		ptk_ctx_clear_err(t->s->ctx);
		return false;
	}
	v->frames = malloc((v->vm->nfolios ? v->vm->nfolios : 1) *
			   sizeof(*v->frames));
	if (!v->frames) {
		snprintf(v->why, sizeof(v->why), "out of memory");
		ptk_vmemmap_free(v->vm);
		v->vm = NULL;
		return false;
	}
	for (size_t i = 0; i < v->vm->nfolios; i++)
		v->frames[i] = v->vm->folios[i].frame;
	qsort(v->frames, v->vm->nfolios, sizeof(*v->frames), cmp_u64);
	return true;
}

void vmemmap_open(struct tui *t)
{
	t->view = VIEW_VMEMMAP;
	if (!scan(t))
		snprintf(t->message, sizeof(t->message), "%.150s",
			 t->vmm.why);
}

void vmemmap_close(struct tui *t)
{
	ptk_vmemmap_free(t->vmm.vm);
	free(t->vmm.frames);
	memset(&t->vmm, 0, sizeof(t->vmm));
}

bool vmemmap_shared(struct tui *t, uint64_t va, uint64_t pa)
{
	const struct ptk_region *r = region_named(t->s->src, "Vmemmap");
	struct tui_vmemmap *v = &t->vmm;

	if (!r || va < r->start || (r->end && va >= r->end) || !scan(t))
		return false;
	return bsearch(&pa, v->frames, v->vm->nfolios, sizeof(pa),
		       cmp_u64) != NULL;
}

bool vmemmap_key(struct tui *t, int key)
{
	struct tui_vmemmap *v = &t->vmm;
	size_t n = v->vm ? v->vm->nfolios : 0;
	long page = t->rows > 6 ? t->rows - 6 : 1;

	if (tui_list_move(key, &v->cursor, n, page))
		return true;
	if (key != TUI_KEY_ENTER && key != '\r' && key != KEY_ENTER)
		return false;
	if (n)
		tui_go_to(t, v->vm->folios[v->cursor].va);
	return true;
}

static const char *check_text(unsigned problems)
{
	if (!problems)
		return "ok";
	return problems & PTK_VMEMMAP_ALIAS_WRITABLE ? "alias writable" :
	       problems & PTK_VMEMMAP_HEAD_READONLY ? "head read-only" :
	       problems & PTK_VMEMMAP_FRAMES ? "several pages" : "past order";
}

void vmemmap_draw(struct tui *t, struct canvas *c)
{
	struct tui_vmemmap *v = &t->vmm;
	const struct ptk_vmemmap *vm = v->vm;
	int lines = c->rows - 5, r = 1;
	uint64_t saved = 0;

	if (!vm) {
		canvas_put(c, r, 0, CA_BAD, "the vmemmap cannot be read: %s",
			   v->why);
		return;
	}
	for (size_t i = 0; i < vm->nfolios; i++)
		saved += vm->folios[i].saved;
	canvas_put(c, r++, 0, CA_NORMAL, "vmemmap %016" PRIx64 ": %" PRIu64
		   " 4K, %" PRIu64 " 2M, %" PRIu64 " 1G pages; %" PRIu64
		   " aliases", vm->base, vm->leaves[0], vm->leaves[1],
		   vm->leaves[2], vm->aliases);
	canvas_put(c, r++, 0, CA_NORMAL, "%zu folio%s share their struct "
		   "pages' vmemmap: %" PRIu64 " pages saved%s", vm->nfolios,
		   vm->nfolios == 1 ? "" : "s", saved,
		   vm->orphans ? "; aliases that name no head" : "");
	canvas_put(c, r, 0, CA_HEADING, " %-12s %5s %5s %7s %6s %5s  %-16s %s",
		   "PFN", "ORDER", "SIZE", "VMEMMAP", "SHARED", "SAVED",
		   "PAGE", "CHECK");
	canvas_fill_attr(c, r++, CA_HEADING);
	if (lines < 1)
		lines = 1;
	if (v->cursor < v->top)
		v->top = v->cursor;
	if (v->cursor >= v->top + (size_t)lines)
		v->top = v->cursor - (size_t)lines + 1;
	for (int i = 0; i < lines && v->top + (size_t)i < vm->nfolios; i++) {
		size_t k = v->top + (size_t)i;
		const struct ptk_vmemmap_folio *f = &vm->folios[k];
		char size[16];

		fmt_size(size, sizeof(size), (uint64_t)PTK_PAGE_SIZE << f->order);
		canvas_put(c, r + i, 0, f->problems ? CA_BAD : CA_NORMAL,
			   "%c%#-12" PRIx64 " %5u %5s %7" PRIu64 " %6" PRIu64
			   " %5" PRIu64 "  %#-16" PRIx64 " %s",
			   k == v->cursor ? '>' : ' ', f->pfn, f->order, size,
			   f->vmemmap_pages, f->shared, f->saved, f->frame,
			   check_text(f->problems));
		if (k == v->cursor)
			canvas_fill_attr(c, r + i, CA_CURSOR);
	}
}
