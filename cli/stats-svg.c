// SPDX-License-Identifier: MIT
/*
 * stats --svg: "how fragmented is this machine's direct map", as a grid
 * a reviewer can read: a cell per 2 MiB of RAM, 64 to a row (128 MiB;
 * more on big machines, so that the picture stays within 512 rows), in
 * the TUI's colours.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dmcells.h"
#include "outfile.h"
#include "stats-svg.h"
#include "svg.h"

enum { LEFT = 80, TOP = 112, MAX_ROWS = 512 };

/* The TUI's colours (cli/tui.c), as a report prints them. */
static const char *const fill[P_N] = {
	[P_UNKNOWN] = "#ffffff",
	[P_NOTRAM] = "#e6e6e6",
	[P_1G] = "#2ca02c",
	[P_2M] = "#17becf",
	[P_4K] = "#e6c229",
	[P_PARTLY] = "#c94fc9",
	[P_HOLE] = "#d62728",
	[P_BAD] = "#7f0000",
};

/* The legend's order: the best mapped first. */
static const enum dm_piece order[] = { P_1G, P_2M, P_4K, P_PARTLY, P_HOLE,
				       P_NOTRAM, P_BAD };

static unsigned cell_size(uint64_t rows)
{
	return rows <= 48 ? 12 : rows <= 128 ? 8 : rows <= 512 ? 4 : 2;
}

static void legend(FILE *f, const uint64_t count[P_N], double y)
{
	double x = LEFT;
	char size[32];

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum dm_piece p = order[i];

		if (!count[p] && p != P_1G && p != P_2M && p != P_4K)
			continue;	/* the rare kinds only when there */
		svg_rect(f, x, y - 10, 12, 12, fill[p], "#888888");
		fmt_size(size, sizeof(size), count[p] << DM_PIECE_SHIFT);
		svg_text(f, x + 17, y, "start", 12, "#000000", "%s: %s",
			 dm_piece_name(p), count[p] ? size : "none");
		x += 40 + 7.0 * (double)(strlen(dm_piece_name(p)) +
					 strlen(size));
	}
}

bool stats_svg(struct session *s, const char *path, uint64_t base,
	       const uint64_t kb[PTK_LEVEL_PUD + 1], bool gbpages)
{
	uint64_t ram_end = ptk_source_ram_end(s->src);
	uint64_t gibs = (ram_end + (UINT64_C(1) << 30) - 1) >> 30;
	uint64_t ncells = (ram_end + (UINT64_C(1) << DM_PIECE_SHIFT) - 1) >>
			  DM_PIECE_SHIFT;
	uint64_t columns = 64, rows, count[P_N] = { 0 };
	unsigned cell, label_every;
	const char *name = strrchr(s->opts->path, '/');
	unsigned char *piece = calloc(gibs ? gibs * 512 : 1, 1);
	double width, height;
	struct outfile o;
	char size[32], row[32];

	while ((ncells + columns - 1) / columns > MAX_ROWS && columns < 4096)
		columns *= 2;
	rows = (ncells + columns - 1) / columns;
	cell = cell_size(rows);
	width = LEFT + (double)(columns * cell) + 30;

	if (!piece) {
		errno = ENOMEM;
		return false;
	}
	for (uint64_t g = 0; g < gibs; g++)
		dm_class_gib(s->src, &s->pg, base, g, piece + (g << 9));
	for (uint64_t i = 0; i < ncells; i++)
		count[piece[i]]++;
	if (width < 760)
		width = 760;
	height = TOP + (double)rows * cell + 40;
	if (!outfile_open(&o, path)) {
		free(piece);
		return false;
	}
	svg_begin(o.f, width, height);
	fmt_size(size, sizeof(size), ram_end);
	fmt_size(row, sizeof(row), columns << DM_PIECE_SHIFT);
	svg_text(o.f, LEFT, 24, "start", 15, "#000000", "The direct map of %s",
		 name ? name + 1 : s->opts->path);
	svg_text(o.f, LEFT, 44, "start", 12, "#333333", "%s of RAM, a cell per "
		 "2M, %" PRIu64 " to a row (%s); DirectMap4k: %" PRIu64 " kB, "
		 "DirectMap2M: %" PRIu64 " kB%s", size, columns, row, kb[1],
		 kb[2], gbpages ? "," : "");
	if (gbpages)
		svg_text(o.f, LEFT, 60, "start", 12, "#333333",
			 "DirectMap1G: %" PRIu64 " kB", kb[3]);
	legend(o.f, count, 88);
	fprintf(o.f, "<!-- ptkit grid: left=%d top=%d cell=%u columns=%" PRIu64
		" -->\n", LEFT, TOP, cell, columns);
	label_every = cell >= 12 ? 1 : 16 / cell;
	for (uint64_t r = 0; r < rows; r++) {
		double y = TOP + (double)r * cell;

		if (r % label_every == 0) {
			fmt_size(size, sizeof(size),
				 r * columns << DM_PIECE_SHIFT);
			svg_text(o.f, LEFT - 6, y + cell - 2, "end",
				 cell >= 8 ? 10 : 9, "#555555", "%s",
				 r ? size : "0");
		}
		/* a rectangle per run of one kind in the row */
		for (uint64_t c = 0, run; c < columns; c += run) {
			uint64_t i = r * columns + c;
			enum dm_piece p = i < ncells ? piece[i] : P_UNKNOWN;

			for (run = 1; c + run < columns && i + run < ncells &&
				      piece[i + run] == p; run++)
				;
			if (p == P_UNKNOWN)
				break;
			svg_rect(o.f, LEFT + (double)c * cell, y,
				 (double)run * cell - (cell >= 8),
				 cell - (cell >= 8), fill[p], NULL);
		}
	}
	svg_end(o.f);
	free(piece);
	return outfile_commit(&o);
}
