/* SPDX-License-Identifier: MIT */
/* Shared by the spec and edit-script readers. */
#ifndef PTKIT_TEXT_PRIV_H
#define PTKIT_TEXT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptkit/ctx.h"

enum { MAX_TOKENS = 32, MAX_LINE = 4096 };

/* Split @line in place into words; "quoted words" keep their blanks and
 * # starts a comment.  The count, or -1 for an unterminated quote. */
int text_tokenize(char *line, char **tok);
/* START-END (END exclusive, 0 for the top) or START+SIZE */
bool text_parse_range(const char *s, uint64_t *start, uint64_t *end);
/* 4k, 2m, 1g: the leaf level */
bool text_parse_page_size(const char *s, unsigned *level);
/* rw us pwt pcd a d g pat nx pkey=N, and ro, x (the defaults) */
bool text_parse_flag(const char *s, unsigned *flags, unsigned *pkey);

/* An entry's address: PA, or TABLE[INDEX] with a page-aligned TABLE */
bool text_parse_entry_addr(const char *s, uint64_t *pa);

/* What text_lines() calls for each line that has words. */
typedef enum ptk_status (*text_line_fn)(void *priv, char **tok, int n);

/*
 * Call @fn with the words of each line of @text, in order; stop at the
 * first error, whose message then starts "NAME:LINE: ".
 */
enum ptk_status text_lines(struct ptk_ctx *ctx, const char *text, size_t len,
			   const char *name, text_line_fn fn, void *priv);

#endif
