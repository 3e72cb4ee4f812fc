// SPDX-License-Identifier: MIT
/* vmstat counters with the per-CPU deltas folded in; see vmstat.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kread-priv.h"
#include "meta-priv.h"
#include "ptkit/translate.h"
#include "ptkit/vmstat.h"

/* NR_CPUS and MAX_NUMNODES at their Kconfig maxima: 8192 and 1024. */
enum { MAX_CPUS = 8192, MAX_NODES = 1024 };

struct ptk_vmstat {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	const struct ptk_types *types;
	struct ptk_ctx *ctx;
	uint64_t *cpu_offset;	/* of the online CPUs */
	unsigned ncpus;
	uint64_t *pgdat;	/* per node id, 0 when offline */
	unsigned nnodes;
	uint64_t zone_stat_sym, node_stat_sym;
	struct ptk_member node_zones, zone_vm_stat, zone_pcp, node_vm_stat,
		node_pcp, zone_diff, node_diff;
};

static enum ptk_status rd(struct ptk_vmstat *vs, uint64_t va, void *buf,
			  size_t len, const char *what)
{
	return kread(vs->src, vs->pg, va, buf, len, what);
}

static enum ptk_status need_sym(struct ptk_vmstat *vs,
				const struct ptk_symbols *syms,
				const char *name, uint64_t *ret)
{
	const struct ptk_symbol *s = ptk_symbols_find(syms, name);

	if (!s)
		return ptk_set_err(vs->ctx, PTK_ERR_NODATA,
				   "no %s among the kernel's symbols", name);
	*ret = s->addr;
	return PTK_OK;
}

/* The online CPUs and their per-CPU offsets. */
static enum ptk_status read_cpus(struct ptk_vmstat *vs,
				 const struct ptk_symbols *syms)
{
	uint64_t nr_sym = 0, mask_sym = 0, off_sym = 0, words[MAX_CPUS / 64];
	uint32_t nr;
	enum ptk_status st;

	if ((st = need_sym(vs, syms, "nr_cpu_ids", &nr_sym)) ||
	    (st = need_sym(vs, syms, "__cpu_online_mask", &mask_sym)) ||
	    (st = need_sym(vs, syms, "__per_cpu_offset", &off_sym)) ||
	    (st = rd(vs, nr_sym, &nr, sizeof(nr), "nr_cpu_ids")))
		return st;
	if (!nr || nr > MAX_CPUS)
		return ptk_set_err(vs->ctx, PTK_ERR_CORRUPT,
				   "nr_cpu_ids is %" PRIu32, nr);
	st = rd(vs, mask_sym, words, (nr + 63) / 64 * 8, "__cpu_online_mask");
	if (st != PTK_OK)
		return st;
	vs->cpu_offset = calloc(nr, sizeof(*vs->cpu_offset));
	if (!vs->cpu_offset)
		return ptk_set_err(vs->ctx, PTK_ERR_NOMEM, "vmstat");
	for (uint32_t cpu = 0; cpu < nr; cpu++) {
		if (!(words[cpu / 64] >> (cpu % 64) & 1))
			continue;
		st = rd(vs, off_sym + 8 * cpu, &vs->cpu_offset[vs->ncpus], 8,
			"__per_cpu_offset");
		if (st != PTK_OK)
			return st;
		vs->ncpus++;
	}
	if (!vs->ncpus)
		return ptk_set_err(vs->ctx, PTK_ERR_CORRUPT,
				   "__cpu_online_mask has no CPU online");
	return PTK_OK;
}

static enum ptk_status read_nodes(struct ptk_vmstat *vs)
{
	uint64_t node_data, len;

	if (!meta_hex(vs->src, "SYMBOL(node_data)", &node_data) ||
	    !meta_num(vs->src, "LENGTH(node_data)", &len))
		return ptk_set_err(vs->ctx, PTK_ERR_NODATA,
				   "VMCOREINFO has no SYMBOL(node_data) or "
				   "LENGTH(node_data)");
	if (!len || len > MAX_NODES)
		return ptk_set_err(vs->ctx, PTK_ERR_CORRUPT,
				   "LENGTH(node_data) is %" PRIu64, len);
	vs->pgdat = calloc(len, sizeof(*vs->pgdat));
	if (!vs->pgdat)
		return ptk_set_err(vs->ctx, PTK_ERR_NOMEM, "vmstat");
	vs->nnodes = (unsigned)len;
	return rd(vs, node_data, vs->pgdat, len * 8, "node_data");
}

enum ptk_status ptk_vmstat_open(struct ptk_source *src,
				const struct ptk_paging *pg,
				const struct ptk_symbols *syms,
				const struct ptk_types *types,
				struct ptk_vmstat **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct ptk_vmstat *vs = calloc(1, sizeof(*vs));
	enum ptk_status st;

	if (!vs)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "vmstat");
	vs->src = src;
	vs->pg = pg;
	vs->types = types;
	vs->ctx = ctx;
	if ((st = ptk_types_member(types, "pglist_data", "node_zones",
				   &vs->node_zones)) ||
	    (st = ptk_types_member(types, "pglist_data", "vm_stat",
				   &vs->node_vm_stat)) ||
	    (st = ptk_types_member(types, "pglist_data", "per_cpu_nodestats",
				   &vs->node_pcp)) ||
	    (st = ptk_types_member(types, "zone", "vm_stat",
				   &vs->zone_vm_stat)) ||
	    (st = ptk_types_member(types, "zone", "per_cpu_zonestats",
				   &vs->zone_pcp)) ||
	    (st = ptk_types_member(types, "per_cpu_zonestat", "vm_stat_diff",
				   &vs->zone_diff)) ||
	    (st = ptk_types_member(types, "per_cpu_nodestat",
				   "vm_node_stat_diff", &vs->node_diff)) ||
	    (st = need_sym(vs, syms, "vm_zone_stat", &vs->zone_stat_sym)) ||
	    (st = need_sym(vs, syms, "vm_node_stat", &vs->node_stat_sym)) ||
	    (st = read_cpus(vs, syms)) || (st = read_nodes(vs))) {
		ptk_vmstat_free(vs);
		return st;
	}
	if (!vs->node_zones.elem || vs->node_zones.elem > (1 << 16) ||
	    vs->zone_diff.elem != 1 || vs->node_diff.elem != 1) {
		ptk_vmstat_free(vs);
		return ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				   "vmstat: per-CPU deltas that are not bytes, "
				   "or zones of %" PRIu64 " bytes",
				   vs->node_zones.elem);
	}
	*ret = vs;
	return PTK_OK;
}

void ptk_vmstat_free(struct ptk_vmstat *vs)
{
	if (!vs)
		return;
	free(vs->cpu_offset);
	free(vs->pgdat);
	free(vs);
}

unsigned ptk_vmstat_cpus(const struct ptk_vmstat *vs)
{
	return vs->ncpus;
}

/* Which enum holds @item, and its index; bounded by the arrays' sizes. */
static enum ptk_status item_index(struct ptk_vmstat *vs, const char *item,
				  bool *node, unsigned *idx)
{
	const struct {
		const char *type;
		const struct ptk_member *diff, *atomics;
	} kinds[] = {
		{ "zone_stat_item", &vs->zone_diff, &vs->zone_vm_stat },
		{ "node_stat_item", &vs->node_diff, &vs->node_vm_stat },
	};

	for (unsigned k = 0; k < 2; k++) {
		int64_t v;

		if (ptk_types_enum(vs->types, kinds[k].type, item, &v) != PTK_OK)
			continue;
		ptk_ctx_clear_err(vs->ctx);
		if (v < 0 || (uint64_t)v >= kinds[k].diff->size ||
		    (uint64_t)v >= kinds[k].atomics->size / 8)
			return ptk_set_err(vs->ctx, PTK_ERR_CORRUPT,
					   "%s = %" PRId64 " is past the %s "
					   "counters", item, v, kinds[k].type);
		*node = k == 1;
		*idx = (unsigned)v;
		return PTK_OK;
	}
	ptk_ctx_clear_err(vs->ctx);
	return ptk_set_err(vs->ctx, PTK_ERR_NODATA,
			   "the kernel has no counter %s", item);
}

/* The online CPUs' deltas of item @idx in the per-CPU block @pcp. */
static enum ptk_status pending(struct ptk_vmstat *vs, uint64_t pcp,
			       const struct ptk_member *diff, unsigned idx,
			       int64_t *ret)
{
	*ret = 0;
	for (unsigned c = 0; c < vs->ncpus; c++) {
		int8_t d;
		enum ptk_status st = rd(vs, pcp + vs->cpu_offset[c] +
					diff->offset + idx, &d, 1,
					"per-CPU vmstat delta");

		if (st != PTK_OK)
			return st;
		*ret += d;
	}
	return PTK_OK;
}

static enum ptk_status zone_counter(struct ptk_vmstat *vs, uint64_t zone,
				    unsigned idx, struct ptk_counter *ret)
{
	uint64_t pcp;
	enum ptk_status st;

	if ((st = rd(vs, zone + vs->zone_vm_stat.offset + 8 * idx,
		     &ret->atomic, 8, "zone vm_stat")) ||
	    (st = rd(vs, zone + vs->zone_pcp.offset, &pcp, 8,
		     "zone per_cpu_zonestats")))
		return st;
	ret->pending = 0;
	/* a zone without per-CPU stats has nothing pending (and NULL plus
	 * a CPU's offset is that CPU's per-CPU area, not a delta) */
	if (!pcp)
		return PTK_OK;
	return pending(vs, pcp, &vs->zone_diff, idx, &ret->pending);
}

/* pglist_data.node_zones: how many, and where zone @z of @pgdat is. */
static unsigned nzones(const struct ptk_vmstat *vs)
{
	return (unsigned)(vs->node_zones.size / vs->node_zones.elem);
}

static uint64_t zone_at(const struct ptk_vmstat *vs, uint64_t pgdat,
			unsigned z)
{
	return pgdat + vs->node_zones.offset + z * vs->node_zones.elem;
}

enum ptk_status ptk_vmstat_zone(struct ptk_vmstat *vs, unsigned node,
				unsigned zone, const char *item,
				struct ptk_counter *ret)
{
	enum ptk_status st;
	unsigned idx;
	bool is_node;

	if ((st = item_index(vs, item, &is_node, &idx)))
		return st;
	if (is_node || node >= vs->nnodes || !vs->pgdat[node] ||
	    zone >= nzones(vs))
		return ptk_set_err(vs->ctx, PTK_ERR_INVALID,
				   "no zone counter %s of node %u zone %u",
				   item, node, zone);
	return zone_counter(vs, zone_at(vs, vs->pgdat[node], zone), idx, ret);
}

enum ptk_status ptk_vmstat_global(struct ptk_vmstat *vs, const char *item,
				  struct ptk_counter *ret)
{
	enum ptk_status st;
	unsigned idx;
	bool is_node;

	if ((st = item_index(vs, item, &is_node, &idx)))
		return st;
	st = rd(vs, (is_node ? vs->node_stat_sym : vs->zone_stat_sym) + 8 * idx,
		&ret->atomic, 8, is_node ? "vm_node_stat" : "vm_zone_stat");
	ret->pending = 0;
	for (unsigned n = 0; st == PTK_OK && n < vs->nnodes; n++) {
		uint64_t pgdat = vs->pgdat[n], pcp = 0;
		int64_t d = 0;

		if (!pgdat)
			continue;
		if (is_node) {
			st = rd(vs, pgdat + vs->node_pcp.offset, &pcp, 8,
				"per_cpu_nodestats");
			if (st == PTK_OK && pcp)
				st = pending(vs, pcp, &vs->node_diff, idx, &d);
			ret->pending += d;
			continue;
		}
		for (unsigned z = 0; st == PTK_OK && z < nzones(vs); z++) {
			struct ptk_counter c;

			st = zone_counter(vs, zone_at(vs, pgdat, z), idx, &c);
			if (st == PTK_OK)
				ret->pending += c.pending;
		}
	}
	return st;
}
