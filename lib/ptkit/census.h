/* SPDX-License-Identifier: MIT */
/**
 * DOC: census of table pages
 *
 * A struct ptk_census collects the physical addresses of the table pages
 * reachable from one or more roots, per level, each counted once: what
 * ptkit info reports and ptkit export copies.  PTE tables are recorded
 * from their PMD entries and not read.
 */
#ifndef PTKIT_CENSUS_H
#define PTKIT_CENSUS_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ptk_census - table pages by level (caller-allocated)
 * @pa:   sorted, unique physical addresses of the tables at each level
 *        (index 1-5), valid after ptk_census_add()
 * @n:    how many at each level
 * @nbad: entries the walks could not follow (see ptk_walk())
 */
struct ptk_census {
	uint64_t *pa[PTK_MAX_LEVELS + 1];
	size_t n[PTK_MAX_LEVELS + 1];
	size_t cap[PTK_MAX_LEVELS + 1];
	uint64_t nbad;
};

void ptk_census_init(struct ptk_census *c);
void ptk_census_release(struct ptk_census *c);

/**
 * ptk_census_add() - add the tables reachable from @pg->root
 *
 * Entries that cannot be followed are counted in @nbad and the walk goes
 * on; the call fails only when the root itself cannot be read or memory
 * runs out.
 */
enum ptk_status ptk_census_add(struct ptk_census *c, struct ptk_source *src,
			       const struct ptk_paging *pg);

/** ptk_census_total() - table pages at all levels */
size_t ptk_census_total(const struct ptk_census *c);

#ifdef __cplusplus
}
#endif
#endif
