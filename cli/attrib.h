/* SPDX-License-Identifier: MIT */
/*
 * Attribution: what the pages of a PFN range are, for the commands that
 * report holes and splits of the direct map (unmapped, stats --splits).
 */
#ifndef PTKIT_CLI_ATTRIB_H
#define PTKIT_CLI_ATTRIB_H

#include "cli.h"

struct attrib {
	struct session *s;
	struct table_pages tables;
	bool ok;		/* the dump says what its pages are */
	char why[160];		/* if not, why not */
};

/** attrib_open() - false if pages cannot be told apart (@a->why says) */
bool attrib_open(struct attrib *a, struct session *s);
void attrib_close(struct attrib *a);

/** attrib_count() - pages of each kind in [@pfn, @end) */
void attrib_count(struct attrib *a, uint64_t pfn, uint64_t end,
		  uint64_t count[PTK_PAGE_NKINDS]);

/** attrib_text() - "free 448, file 64", most pages first */
void attrib_text(char *buf, size_t len, const uint64_t count[PTK_PAGE_NKINDS]);

/** attrib_json() - {"free":448,"file":64}, in kind order, none if zero */
void attrib_json(FILE *f, const uint64_t count[PTK_PAGE_NKINDS]);

/**
 * stats_splits() - ptkit stats --splits: the pieces of the direct map
 * (@direct) mapped by smaller pages, with what their pages are
 */
int stats_splits(struct session *s, const struct ptk_region *direct,
		 bool json);

#endif
