/* SPDX-License-Identifier: MIT */
/*
 * The direct map in pieces of 2 MiB of RAM, each classed by how it is
 * mapped: what the TUI's grid and stats --svg draw.
 */
#ifndef PTKIT_CLI_DMCELLS_H
#define PTKIT_CLI_DMCELLS_H

#include "cli.h"

#define DM_PIECE_SHIFT 21

/* 0 is "not classed yet" in a cache of pieces. */
enum dm_piece {
	P_UNKNOWN = 0, P_NOTRAM, P_1G, P_2M, P_4K, P_PARTLY, P_HOLE, P_BAD,
	P_N
};

/** dm_piece_name() - "1G pages", "split to 4K", "partly unmapped", ... */
const char *dm_piece_name(enum dm_piece p);

/** dm_is_ram() - whether any RAM of @src lies in [@pa, @end) */
bool dm_is_ram(struct ptk_source *src, uint64_t pa, uint64_t end);

/**
 * dm_class_gib() - the 512 pieces of GiB @gib of RAM, mapped by the direct
 * map at @base through @pg: one translation down to its PMD table, then
 * its entries; a PTE table is read only where there is one
 */
void dm_class_gib(struct ptk_source *src, const struct ptk_paging *pg,
		  uint64_t base, uint64_t gib, unsigned char out[512]);

#endif
