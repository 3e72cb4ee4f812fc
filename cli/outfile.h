/* SPDX-License-Identifier: MIT */
/*
 * Output files written whole or not at all: into a temporary file beside
 * the target, renamed over it once complete, so a reader (or a crash)
 * never sees half a picture or half a table.
 */
#ifndef PTKIT_CLI_OUTFILE_H
#define PTKIT_CLI_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	FILE *f;
	char *tmp;
	const char *path;
};

/** outfile_open() - start @path; false (errno set) when it cannot be */
bool outfile_open(struct outfile *o, const char *path);
/** outfile_commit() - finish and rename into place; false (errno set) on a
 *  write error, leaving @path as it was */
bool outfile_commit(struct outfile *o);
/** outfile_abort() - drop what was written; @path is left as it was */
void outfile_abort(struct outfile *o);

#endif
