/* SPDX-License-Identifier: MIT */
/**
 * DOC: auditing page tables
 *
 * A struct ptk_check walks tables in address order and reports what the
 * kernel's own checks (ptdump's W+X check) and a careful reader would
 * flag: writable and executable kernel mappings (by effective
 * permissions), kernel mappings user code can reach, direct-map pages
 * that are not RAM, tables reached twice (ESPfix shares its tables by
 * design, arch/x86/kernel/espfix_64.c, and is left out), and entries that
 * cannot be followed.  Like pages of one kind that follow each other at
 * one level are one finding.
 *
 * The walk can be done a range at a time (ptk_check_range(), ranges in
 * increasing order), so that an interactive program keeps answering keys
 * while the audit of a large dump goes on.
 */
#ifndef PTKIT_CHECK_H
#define PTKIT_CHECK_H

#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ptk_finding_kind {
	PTK_FIND_WX,		/* writable and executable kernel mapping */
	PTK_FIND_USER,		/* kernel mapping user code can reach */
	PTK_FIND_NOT_RAM,	/* the direct map maps what is not RAM */
	PTK_FIND_SHARED,	/* a table reached twice */
	PTK_FIND_BAD,		/* an entry that cannot be followed */
	PTK_FIND_NKINDS,
};

/** ptk_finding_name() - "wx", "user", "not-ram", "shared-table", "bad-entry" */
const char *ptk_finding_name(enum ptk_finding_kind kind);
/** ptk_finding_text() - what it means, in a few words */
const char *ptk_finding_text(enum ptk_finding_kind kind);

/**
 * struct ptk_finding - @count entries of one kind, at one level, mapping
 * [va, end) one after the other; @raw and @entry_pa are the first's
 * @why: PTK_FIND_BAD: why it cannot be followed (valid during the call)
 */
struct ptk_finding {
	enum ptk_finding_kind kind;
	uint64_t va, end;
	unsigned level;
	uint64_t raw, entry_pa;
	uint64_t count;
	const char *why;
};

typedef enum ptk_status (*ptk_finding_fn)(const struct ptk_finding *f,
					  void *priv);

struct ptk_check;

/**
 * ptk_check_new() - an audit of the tables of @pg, reporting to @fn; the
 * direct map and ESPfix are the source's regions of those names
 */
enum ptk_status ptk_check_new(struct ptk_source *src,
			      const struct ptk_paging *pg, ptk_finding_fn fn,
			      void *priv, struct ptk_check **ret);

/**
 * ptk_check_range() - audit [@start, @end) (@end 0: the top), after the
 * ranges before it; a finding may wait for the next range to end
 */
enum ptk_status ptk_check_range(struct ptk_check *c, uint64_t start,
				uint64_t end);

/** ptk_check_finish() - report the finding still open */
enum ptk_status ptk_check_finish(struct ptk_check *c);

/** ptk_check_count() - entries found of @kind so far */
uint64_t ptk_check_count(const struct ptk_check *c, enum ptk_finding_kind kind);

void ptk_check_free(struct ptk_check *c);

#ifdef __cplusplus
}
#endif
#endif
