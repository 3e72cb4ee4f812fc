// SPDX-License-Identifier: MIT
/* What the pages of a PFN range are; see attrib.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attrib.h"

static enum ptk_status count_page(uint64_t pfn, const struct ptk_page_info *pi,
				  void *priv)
{
	uint64_t *count = priv;

	(void)pfn;
	count[pi->kind]++;
	return PTK_OK;
}

bool attrib_open(struct attrib *a, struct session *s)
{
	uint64_t count[PTK_PAGE_NKINDS];
	enum ptk_status st;

	memset(a, 0, sizeof(*a));
	a->s = s;
	table_pages_init(&a->tables);
	/* an empty range: only checks that VMCOREINFO has what is needed,
	 * before the walk that finds the tables is paid for */
	st = ptk_pages_walk(s->src, &s->pg, &s->layout, NULL, 0, 0, 0,
			    count_page, count, NULL);
	if (st == PTK_OK)
		st = table_pages_collect(&a->tables, s, s->src, &s->pg);
	if (st != PTK_OK) {
		snprintf(a->why, sizeof(a->why), "%s", ptk_ctx_err(s->ctx));
		ptk_ctx_clear_err(s->ctx);
		return false;
	}
	a->ok = true;
	return true;
}

void attrib_close(struct attrib *a)
{
	table_pages_release(&a->tables);
}

void attrib_count(struct attrib *a, uint64_t pfn, uint64_t end,
		  uint64_t count[PTK_PAGE_NKINDS])
{
	memset(count, 0, PTK_PAGE_NKINDS * sizeof(*count));
	if (a->ok &&
	    ptk_pages_walk(a->s->src, &a->s->pg, &a->s->layout, a->tables.pfn,
			   a->tables.n, pfn, end, count_page, count,
			   NULL) != PTK_OK)
		ptk_ctx_clear_err(a->s->ctx);
}

void attrib_text(char *buf, size_t len, const uint64_t count[PTK_PAGE_NKINDS])
{
	bool done[PTK_PAGE_NKINDS] = { false };
	size_t at = 0;

	buf[0] = '\0';
	for (;;) {
		unsigned best = PTK_PAGE_NKINDS;

		for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++)
			if (!done[k] && count[k] &&
			    (best == PTK_PAGE_NKINDS || count[k] > count[best]))
				best = k;
		if (best == PTK_PAGE_NKINDS || at >= len)
			return;
		done[best] = true;
		at += (size_t)snprintf(buf + at, len - at, "%s%s %" PRIu64,
				       at ? ", " : "", ptk_page_kind_name(best),
				       count[best]);
	}
}

void attrib_json(FILE *f, const uint64_t count[PTK_PAGE_NKINDS])
{
	const char *sep = "";

	fputc('{', f);
	for (unsigned k = 0; k < PTK_PAGE_NKINDS; k++) {
		if (!count[k])
			continue;
		fprintf(f, "%s\"%s\":%" PRIu64, sep, ptk_page_kind_name(k),
			count[k]);
		sep = ",";
	}
	fputc('}', f);
}
