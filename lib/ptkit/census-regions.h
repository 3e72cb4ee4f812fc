/* SPDX-License-Identifier: MIT */
/**
 * DOC: what each region maps, in one walk
 *
 * ptk_region_census() walks a whole address space once and counts, for
 * each of the source's named regions (and for addresses in none), the
 * present leaves of each page size and the table pages of each level, a
 * table page that several entries share (ESPfix maps one four times)
 * once per region and level; and, in the same pass, the DirectMap counts
 * of ptk_dm_count().  It is what `ptkit stats` prints.
 */
#ifndef PTKIT_CENSUS_REGIONS_H
#define PTKIT_CENSUS_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "directmap.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/** struct ptk_region_tally - leaves by level (1-3), table pages by level */
struct ptk_region_tally {
	uint64_t leaves[PTK_LEVEL_PUD + 1];
	uint64_t tables[PTK_MAX_LEVELS + 1];
};

/**
 * struct ptk_region_census - the result
 * @regions:  the source's regions (borrowed from it), sorted
 * @tally:    one per region, then one for addresses in none
 * @bad_entries: entries the walk could not follow (holes)
 * @dm:       the DirectMap counts of the ranges given (zero without)
 */
struct ptk_region_census {
	const struct ptk_region *regions;
	size_t nregions;
	struct ptk_region_tally *tally;
	uint64_t bad_entries;
	struct ptk_dm_count dm;
};

/**
 * ptk_region_census() - walk the tables of @pg once and count
 * @direct_start, @direct_end: the direct map, or 0, 0
 * @text_start, @text_end:     the kernel-image mapping, or 0, 0
 * Release with ptk_region_census_release().
 */
enum ptk_status ptk_region_census(struct ptk_source *src,
				  const struct ptk_paging *pg,
				  uint64_t direct_start, uint64_t direct_end,
				  uint64_t text_start, uint64_t text_end,
				  struct ptk_region_census *ret);
void ptk_region_census_release(struct ptk_region_census *c);

#ifdef __cplusplus
}
#endif
#endif
