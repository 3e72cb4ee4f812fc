/* SPDX-License-Identifier: MIT */
/* stats --svg: the direct map as a picture of 2 MiB cells. */
#ifndef PTKIT_CLI_STATS_SVG_H
#define PTKIT_CLI_STATS_SVG_H

#include "cli.h"

/**
 * stats_svg() - draw @s's direct map at @base into @path: a cell per
 * 2 MiB of RAM coloured by how it is mapped, a legend with the cells of
 * each kind, and the DirectMap lines @kb (DirectMap1G when @gbpages).
 * Written whole or not at all; false with errno set.
 */
bool stats_svg(struct session *s, const char *path, uint64_t base,
	       const uint64_t kb[PTK_LEVEL_PUD + 1], bool gbpages);

#endif
