/* SPDX-License-Identifier: MIT */
/**
 * DOC: the kernel's memory counters, with what each CPU still holds
 *
 * The kernel keeps its vmstat counters (/proc/vmstat, the zones'
 * NR_FREE_PAGES) in two parts: an atomic per zone or node, and a small
 * per-CPU delta that is folded into it only when it passes a threshold
 * (mm/vmstat.c).  /proc/vmstat prints the atomics; the exact value, as
 * zone_page_state_snapshot() computes it, adds every online CPU's delta.
 * On a machine with several CPUs the two differ by a few pages each.
 *
 * A struct ptk_vmstat reads both from a dump, with the layouts from the
 * kernel's BTF (struct zone's vm_stat and per_cpu_zonestats, struct
 * pglist_data's vm_stat and per_cpu_nodestats) and the per-CPU offsets
 * and online mask from its symbols (__per_cpu_offset, __cpu_online_mask,
 * nr_cpu_ids).  Counters are named by their enumerator in enum
 * zone_stat_item or node_stat_item ("NR_FREE_PAGES", "NR_PAGETABLE").
 */
#ifndef PTKIT_VMSTAT_H
#define PTKIT_VMSTAT_H

#include <stdint.h>

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "symbols.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_vmstat;

/**
 * struct ptk_counter - one counter
 * @atomic:  what the kernel's atomic holds (/proc/vmstat's figure)
 * @pending: the sum of the online CPUs' deltas not yet folded into it
 *
 * The counter's exact value is @atomic + @pending.
 */
struct ptk_counter {
	int64_t atomic;
	int64_t pending;
};

/**
 * ptk_vmstat_open() - find the nodes, zones and online CPUs of @src
 *
 * PTK_ERR_NODATA, naming what is missing, when the symbols or the BTF
 * lack what the counters need.
 */
enum ptk_status ptk_vmstat_open(struct ptk_source *src,
				const struct ptk_paging *pg,
				const struct ptk_symbols *syms,
				const struct ptk_types *types,
				struct ptk_vmstat **ret);
void ptk_vmstat_free(struct ptk_vmstat *vs);

/** ptk_vmstat_cpus() - the CPUs whose deltas are summed (the online ones) */
unsigned ptk_vmstat_cpus(const struct ptk_vmstat *vs);

/**
 * ptk_vmstat_global() - counter @item over the whole machine, as
 * /proc/vmstat names it by its enumerator
 */
enum ptk_status ptk_vmstat_global(struct ptk_vmstat *vs, const char *item,
				  struct ptk_counter *ret);

/**
 * ptk_vmstat_zone() - zone counter @item of zone @zone (its index in
 * pglist_data.node_zones) of node @node
 */
enum ptk_status ptk_vmstat_zone(struct ptk_vmstat *vs, unsigned node,
				unsigned zone, const char *item,
				struct ptk_counter *ret);

#ifdef __cplusplus
}
#endif
#endif
