// SPDX-License-Identifier: MIT
/* The kernel's structure layouts, from the BTF in its image, via libbpf. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bigmem-priv.h"
#include "ptkit/translate.h"
#include "ptkit/types.h"

/* vmlinux BTF of a distribution kernel is 4-6 MiB; 256 MiB is no kernel. */
enum { BTF_MAX = 256 << 20 };

struct ptk_types {
	struct ptk_ctx *ctx;
	struct btf *btf;
	uint64_t addr, size;
};

/* libbpf reports parse failures on stderr; a library must not print. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

enum ptk_status ptk_types_from_btf(struct ptk_source *src,
				   const struct ptk_paging *pg,
				   const struct ptk_symbols *syms,
				   struct ptk_types **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const struct ptk_symbol *start = ptk_symbols_find(syms, "__start_BTF");
	const struct ptk_symbol *stop = ptk_symbols_find(syms, "__stop_BTF");
	libbpf_print_fn_t old;
	struct ptk_types *t;
	enum ptk_status st;
	void *data;
	int err;

	if (!start || !stop)
		return ptk_set_err(ctx, PTK_ERR_NODATA,
				   "no kernel types: the kernel has no BTF "
				   "(no __start_BTF symbol; it was built "
				   "without CONFIG_DEBUG_INFO_BTF)");
	if (stop->addr <= start->addr || stop->addr - start->addr > BTF_MAX)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "BTF: __start_BTF %#" PRIx64 " and "
				   "__stop_BTF %#" PRIx64 " make no BTF",
				   start->addr, stop->addr);
	t = calloc(1, sizeof(*t));
	/* megabytes, read once: bigmem's, whose first touch costs less */
	data = bigmem_alloc(stop->addr - start->addr);
	if (!t || !data) {
		free(t);
		bigmem_free(data, stop->addr - start->addr);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "BTF");
	}
	t->ctx = ctx;
	t->addr = start->addr;
	t->size = stop->addr - start->addr;
	st = ptk_read_virt(src, pg, t->addr, data, t->size);
	if (st != PTK_OK) {
		bigmem_free(data, t->size);
		free(t);
		return ptk_set_err(ctx, st, "BTF at %#" PRIx64, start->addr);
	}
	old = libbpf_set_print(quiet);
	t->btf = btf__new(data, (uint32_t)t->size);
	err = errno;
	libbpf_set_print(old);
	bigmem_free(data, t->size);	/* btf__new() keeps a copy */
	if (!t->btf) {
		free(t);
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "BTF at %#" PRIx64 " (%" PRIu64 " bytes): "
				   "libbpf: %s", start->addr,
				   stop->addr - start->addr, strerror(err));
	}
	*ret = t;
	return PTK_OK;
}

void ptk_types_free(struct ptk_types *t)
{
	if (!t)
		return;
	btf__free(t->btf);
	free(t);
}

void ptk_types_btf(const struct ptk_types *t, uint64_t *addr, uint64_t *size)
{
	*addr = t->addr;
	*size = t->size;
}

/* A struct or union called @name, typedefs and qualifiers looked through. */
static int find_composite(const struct ptk_types *t, const char *name)
{
	int id = btf__find_by_name_kind(t->btf, name, BTF_KIND_STRUCT);

	if (id < 0)
		id = btf__find_by_name_kind(t->btf, name, BTF_KIND_UNION);
	if (id < 0) {
		id = btf__find_by_name_kind(t->btf, name, BTF_KIND_TYPEDEF);
		if (id >= 0)
			id = btf__resolve_type(t->btf, (uint32_t)id);
	}
	return id;
}

/*
 * Member @name of composite @id, looking into anonymous members (depth
 * bounded: a crafted BTF may nest them in a cycle).  Sets the bit offset
 * from the start of @id and the member's type.
 */
static bool find_member(const struct btf *btf, uint32_t id, const char *name,
			uint64_t *bits, uint32_t *type, bool *bitfield,
			unsigned depth)
{
	const struct btf_type *ct = btf__type_by_id(btf, id);
	const struct btf_member *m;

	if (!ct || !btf_is_composite(ct) || depth > 32)
		return false;
	m = btf_members(ct);
	for (unsigned i = 0; i < btf_vlen(ct); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint64_t off = btf_member_bit_offset(ct, i);

		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			*bits = off;
			*type = m->type;
			*bitfield = btf_member_bitfield_size(ct, i) != 0;
			return true;
		}
		/* anonymous struct or union: its members are ours */
		{
			int sub = btf__resolve_type(btf, m->type);
			uint64_t inner;

			if (sub >= 0 && find_member(btf, (uint32_t)sub, name,
						    &inner, type, bitfield,
						    depth + 1)) {
				*bits = off + inner;
				return true;
			}
		}
	}
	return false;
}

enum ptk_status ptk_types_member(const struct ptk_types *t, const char *type,
				 const char *path, struct ptk_member *ret)
{
	char part[128];
	const char *p = path;
	uint64_t bits = 0;
	uint32_t cur;
	int id = find_composite(t, type);
	bool bitfield = false;
	int64_t size;

	if (id < 0)
		return ptk_set_err(t->ctx, PTK_ERR_NODATA,
				   "the kernel's BTF has no struct %s", type);
	cur = (uint32_t)id;
	while (*p) {
		size_t len = strcspn(p, ".");
		uint64_t off;
		uint32_t mtype;
		int next;

		if (!len || len >= sizeof(part))
			return ptk_set_err(t->ctx, PTK_ERR_INVALID,
					   "bad member path '%s'", path);
		memcpy(part, p, len);
		part[len] = '\0';
		if (!find_member(t->btf, cur, part, &off, &mtype, &bitfield, 0))
			return ptk_set_err(t->ctx, PTK_ERR_NODATA,
					   "the kernel's BTF has no member "
					   "%s.%s", type, path);
		bits += off;
		next = btf__resolve_type(t->btf, mtype);
		if (next < 0)
			return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
					   "BTF: %s.%s has no type", type, path);
		cur = (uint32_t)next;
		p += len;
		if (*p == '.')
			p++;
	}
	if (bitfield || bits % 8)
		return ptk_set_err(t->ctx, PTK_ERR_UNSUPPORTED,
				   "%s.%s is a bit field", type, path);
	size = btf__resolve_size(t->btf, cur);
	if (size < 0)
		return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
				   "BTF: %s.%s has no size", type, path);
	ret->offset = bits / 8;
	ret->size = (uint64_t)size;
	ret->elem = ret->size;
	{
		const struct btf_type *bt = btf__type_by_id(t->btf, cur);

		if (bt && btf_is_array(bt)) {
			int64_t es = btf__resolve_size(t->btf,
						       btf_array(bt)->type);

			if (es > 0)
				ret->elem = (uint64_t)es;
		}
	}
	return PTK_OK;
}

enum ptk_status ptk_types_size(const struct ptk_types *t, const char *type,
			       uint64_t *ret)
{
	int id = find_composite(t, type);
	int64_t size;

	if (id < 0)
		return ptk_set_err(t->ctx, PTK_ERR_NODATA,
				   "the kernel's BTF has no struct %s", type);
	size = btf__resolve_size(t->btf, (uint32_t)id);
	if (size < 0)
		return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
				   "BTF: struct %s has no size", type);
	*ret = (uint64_t)size;
	return PTK_OK;
}

/* Enumerator @name of enum type @bt into *ret; false if it has none. */
static bool enumerator(const struct btf *btf, const struct btf_type *bt,
		       const char *name, int64_t *ret)
{
	if (btf_is_enum(bt)) {
		const struct btf_enum *e = btf_enum(bt);

		for (unsigned i = 0; i < btf_vlen(bt); i++, e++)
			if (!strcmp(btf__name_by_offset(btf, e->name_off),
				    name)) {
				*ret = e->val;
				return true;
			}
	} else if (btf_is_enum64(bt)) {
		const struct btf_enum64 *e = btf_enum64(bt);

		for (unsigned i = 0; i < btf_vlen(bt); i++, e++)
			if (!strcmp(btf__name_by_offset(btf, e->name_off),
				    name)) {
				*ret = (int64_t)btf_enum64_value(e);
				return true;
			}
	}
	return false;
}

enum ptk_status ptk_types_enum(const struct ptk_types *t, const char *type,
			       const char *name, int64_t *ret)
{
	uint32_t n = btf__type_cnt(t->btf);

	if (type) {
		/* by kind first: comparing the name of each of 10^5 types
		 * was a fifth of ptkit pages, which asks for a dozen */
		static const int kinds[] = { BTF_KIND_ENUM, BTF_KIND_ENUM64 };

		for (unsigned k = 0; k < 2; k++) {
			int id = btf__find_by_name_kind(t->btf, type, kinds[k]);

			if (id > 0 && enumerator(t->btf,
						 btf__type_by_id(t->btf,
								 (uint32_t)id),
						 name, ret))
				return PTK_OK;
		}
		n = 0;
	}
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);

		if (bt && enumerator(t->btf, bt, name, ret))
			return PTK_OK;
	}
	return ptk_set_err(t->ctx, PTK_ERR_NODATA,
			   "the kernel's BTF has no enumerator %s%s%s", name,
			   type ? " in enum " : "", type ? type : "");
}

void ptk_types_set_ctx(struct ptk_types *types, struct ptk_ctx *ctx)
{
	if (types)
		types->ctx = ctx;
}
