// SPDX-License-Identifier: MIT
/*
 * The kernel's own symbol table, read from a dump: the compressed kallsyms
 * tables that VMCOREINFO has named since Linux 6.0 (commits 5fd8fea935a1
 * "vmcoreinfo: include kallsyms symbols" and f09bddbd8661 "vmcoreinfo:
 * add kallsyms_num_syms symbol").
 *
 * The format is scripts/kallsyms.c's.  kallsyms_names is one record a
 * symbol: a length in tokens, then that many token numbers; each token is
 * a string of token_table found through the 256 u16 of token_index; the
 * first character of the expansion is the /proc/kallsyms type letter.
 * Since 6.1 (73bbb94466fd "kallsyms: support "big" kernel symbols") a
 * length with bit 7 set takes a second byte (ULEB128).  Addresses are
 * 32-bit kallsyms_offsets from kallsyms_relative_base; with
 * CONFIG_KALLSYMS_ABSOLUTE_PERCPU a non-negative offset is the value itself
 * (per-CPU symbols) and a negative one counts down from base - 1.
 *
 * Neither the length encoding nor the address encoding is named in the
 * dump, so each combination is tried and the one that puts _stext where
 * VMCOREINFO's SYMBOL(_stext) says is kept.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kread-priv.h"
#include "meta-priv.h"
#include "symbols-priv.h"
#include "ptkit/translate.h"

/* KSYM_NAME_LEN (include/linux/kallsyms.h): 512 since 6.1, 128 before. */
enum { KSYM_NAME_MAX = 512, NAMES_CHUNK = 1 << 16 };

/* More than any kernel has (6.1 defconfig: ~100,000); a larger count in a
 * dump is a corrupt one, not a reason to allocate gigabytes. */
enum { MAX_SYMS = 1 << 24, RESERVE_MAX = 1 << 19 };

/* Tokens are copied TOKEN_SLACK bytes at a time (they are short): the
 * table and the name have that much room after them.  TOKEN_BAD marks a
 * token whose index is past the table. */
enum { TOKEN_SLACK = 16, TOKEN_BAD = UINT16_MAX };

struct kallsyms {
	struct ptk_source *src;
	const struct ptk_paging *pg;
	uint64_t names_va, offsets_va;
	uint32_t nsyms;
	uint64_t relative_base;
	uint16_t token_index[256];
	char *token_table;	/* NUL-terminated tokens, TOKEN_SLACK after */
	size_t token_len;
	uint16_t token_bytes[256];	/* each token's length, or TOKEN_BAD */
	unsigned char *names;	/* the part of kallsyms_names read so far */
	size_t names_len, names_cap;
	int32_t *offsets;
};

static enum ptk_status read_virt(struct kallsyms *k, uint64_t va, void *buf,
				 size_t len, const char *what)
{
	return kread(k->src, k->pg, va, buf, len, what);
}

/* Make names[0, want) readable, a page at a time: where kallsyms_names
 * ends is only known once every record has been passed. */
static enum ptk_status names_need(struct kallsyms *k, size_t want)
{
	while (k->names_len < want) {
		uint64_t va = k->names_va + k->names_len;
		size_t n = PTK_PAGE_SIZE - (va & (PTK_PAGE_SIZE - 1));
		enum ptk_status st;

		if (k->names_len + n > k->names_cap) {
			size_t cap = k->names_cap ? 2 * k->names_cap
						  : NAMES_CHUNK;
			unsigned char *p = realloc(k->names, cap);

			if (!p)
				return ptk_set_err(ptk_source_ctx(k->src),
						   PTK_ERR_NOMEM, "kallsyms");
			k->names = p;
			k->names_cap = cap;
		}
		st = read_virt(k, va, k->names + k->names_len, n,
			       "kallsyms_names");
		if (st != PTK_OK)
			return st;
		k->names_len += n;
	}
	return PTK_OK;
}

static enum ptk_status read_tokens(struct kallsyms *k, uint64_t table_va)
{
	struct ptk_ctx *ctx = ptk_source_ctx(k->src);
	uint16_t last = 0;
	enum ptk_status st;
	size_t have = 0;

	for (unsigned i = 0; i < 256; i++)
		if (k->token_index[i] > last)
			last = k->token_index[i];
	/* Every token ends with a NUL; the one at the highest index is the
	 * table's last.  Tokens are short: 256 bytes past it is plenty. */
	k->token_len = (size_t)last + 256;
	k->token_table = calloc(1, k->token_len + 1 + TOKEN_SLACK);
	if (!k->token_table)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "kallsyms");
	st = read_virt(k, table_va, k->token_table, k->token_len,
		       "kallsyms_token_table");
	if (st != PTK_OK) {
		/* the table may end at the last mapped page */
		ptk_ctx_clear_err(ctx);
		st = read_virt(k, table_va, k->token_table, (size_t)last + 1,
			       "kallsyms_token_table");
		if (st != PTK_OK)
			return st;
		k->token_len = (size_t)last + 1;
	}
	k->token_table[k->token_len] = '\0';
	have = strnlen(k->token_table + last, k->token_len - last);
	if ((size_t)last + have >= k->token_len)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "kallsyms: token %u does not end", last);
	for (unsigned i = 0; i < 256; i++)
		k->token_bytes[i] = k->token_index[i] >= k->token_len ? TOKEN_BAD :
			(uint16_t)strlen(k->token_table + k->token_index[i]);
	return PTK_OK;
}

/*
 * Make symbol @i's record readable: on return names[*off, *off + *len)
 * are its token numbers, and *off is past its length byte(s), which are
 * read as @big_names says.  Advance *off by *len for the next one.
 */
static enum ptk_status next_record(struct kallsyms *k, bool big_names,
				   uint32_t i, size_t *off, size_t *len)
{
	struct ptk_ctx *ctx = ptk_source_ctx(k->src);
	enum ptk_status st = names_need(k, *off + 2);

	if (st != PTK_OK)
		return ptk_set_err(ctx, st, "kallsyms: symbol %" PRIu32
				   " of %" PRIu32, i, k->nsyms);
	*len = k->names[(*off)++];
	if (big_names && (*len & 0x80))
		*len = (*len & 0x7f) | ((size_t)k->names[(*off)++] << 7);
	st = names_need(k, *off + *len);
	if (st != PTK_OK)
		return ptk_set_err(ctx, st, "kallsyms: symbol %" PRIu32
				   " of %" PRIu32, i, k->nsyms);
	return PTK_OK;
}

/* The address a kallsyms_offsets entry stands for. */
static uint64_t sym_addr(const struct kallsyms *k, int32_t offset,
			 bool abs_percpu)
{
	if (!abs_percpu)
		return k->relative_base + (uint32_t)offset;
	if (offset >= 0)
		return (uint64_t)offset;
	return k->relative_base - 1 - (int64_t)offset;
}

/*
 * Expand every record of kallsyms_names into @syms, lengths read as
 * @big_names says; the addresses are the offsets taken as @abs_percpu
 * says.  PTK_ERR_CORRUPT for a record that is not a symbol.
 */
static enum ptk_status expand(struct kallsyms *k, bool big_names,
			      bool abs_percpu, struct ptk_symbols *syms)
{
	struct ptk_ctx *ctx = ptk_source_ctx(k->src);
	char name[KSYM_NAME_MAX + TOKEN_SLACK];
	/* room for no more than a large kernel's: a corrupt count must not
	 * reserve; names average some 25 bytes (a hint, not a limit) */
	size_t room = k->nsyms < RESERVE_MAX ? k->nsyms : RESERVE_MAX;
	size_t off = 0;
	enum ptk_status st;

	if (symbols_reserve(syms, room, room * 32))
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "kallsyms");

	for (uint32_t i = 0; i < k->nsyms; i++) {
		size_t len = 0, n = 0;

		st = next_record(k, big_names, i, &off, &len);
		if (st != PTK_OK)
			return st;
		for (size_t t = 0; t < len; t++) {
			unsigned char c = k->names[off + t];
			const char *tok = k->token_table + k->token_index[c];
			size_t tl = k->token_bytes[c];

			if (tl == TOKEN_BAD)
				return ptk_set_err(ctx, PTK_ERR_CORRUPT,
						   "kallsyms: symbol %" PRIu32
						   ": token beyond the table", i);
			if (n + tl > KSYM_NAME_MAX)
				tl = KSYM_NAME_MAX - n;
			if (tl <= TOKEN_SLACK)
				memcpy(name + n, tok, TOKEN_SLACK);
			else
				memcpy(name + n, tok, tl);
			n += tl;
		}
		off += len;
		/* a type (nm's letter, or '?' where nm has none), then at
		 * least one more printable character */
		if (n < 2)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "kallsyms: symbol %" PRIu32
					   " has no name", i);
		for (size_t c = 0; c < n; c++)
			if ((unsigned char)name[c] <= ' ' ||
			    (unsigned char)name[c] >= 0x7f)
				return ptk_set_err(ctx, PTK_ERR_CORRUPT,
						   "kallsyms: symbol %" PRIu32
						   " is not printable", i);
		if (symbols_add(syms, sym_addr(k, k->offsets[i], abs_percpu),
				name[0], name + 1, n - 1, NULL))
			return ptk_set_err(ctx, PTK_ERR_NOMEM, "kallsyms");
	}
	return PTK_OK;
}

static void release(struct kallsyms *k)
{
	free(k->token_table);
	free(k->names);
	free(k->offsets);
}

static enum ptk_status read_tables(struct kallsyms *k)
{
	struct ptk_source *src = k->src;
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	static const char *const keys[] = {
		"SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)",
		"SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)",
		"SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)",
	};
	uint64_t va[6];
	enum ptk_status st;

	for (unsigned i = 0; i < 6; i++)
		if (!meta_hex(src, keys[i], &va[i]))
			return ptk_set_err(ctx, PTK_ERR_NODATA,
					   "no kernel symbols: VMCOREINFO has "
					   "no %s (kernels before 6.0 do not "
					   "export kallsyms; give --symbols="
					   "System.map)", keys[i]);
	k->names_va = va[0];
	k->offsets_va = va[4];
	st = read_virt(k, va[1], &k->nsyms, sizeof(k->nsyms),
		       "kallsyms_num_syms");
	if (st == PTK_OK)
		st = read_virt(k, va[3], k->token_index,
			       sizeof(k->token_index), "kallsyms_token_index");
	if (st == PTK_OK)
		st = read_virt(k, va[5], &k->relative_base,
			       sizeof(k->relative_base),
			       "kallsyms_relative_base");
	if (st != PTK_OK)
		return st;
	if (!k->nsyms || k->nsyms > MAX_SYMS)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "kallsyms: kallsyms_num_syms is %" PRIu32,
				   k->nsyms);
	return read_tokens(k, va[2]);
}

static enum ptk_status read_offsets(struct kallsyms *k)
{
	k->offsets = malloc((size_t)k->nsyms * sizeof(*k->offsets));
	if (!k->offsets)
		return ptk_set_err(ptk_source_ctx(k->src), PTK_ERR_NOMEM,
				   "kallsyms");
	return read_virt(k, k->offsets_va, k->offsets,
			 (size_t)k->nsyms * sizeof(*k->offsets),
			 "kallsyms_offsets");
}

enum ptk_status ptk_symbols_from_kallsyms(struct ptk_source *src,
					  const struct ptk_paging *pg,
					  struct ptk_symbols **ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct kallsyms k = { .src = src, .pg = pg };
	uint64_t stext = 0;
	bool have_stext = meta_hex(src, "SYMBOL(_stext)", &stext);
	enum ptk_status st = read_tables(&k), first = PTK_OK;
	char first_msg[256] = "";

	if (st == PTK_OK)
		st = read_offsets(&k);

	for (unsigned attempt = 0; st == PTK_OK && attempt < 4; attempt++) {
		/* the 6.1+ length encoding first: it reads older tables
		 * alike unless a name has 128 tokens or more */
		bool big = attempt < 2, abs_percpu = !(attempt & 1);
		struct ptk_symbols *syms = symbols_new();
		const struct ptk_symbol *s;

		if (!syms) {
			st = ptk_set_err(ctx, PTK_ERR_NOMEM, "kallsyms");
			break;
		}
		ptk_ctx_clear_err(ctx);
		st = expand(&k, big, abs_percpu, syms);
		if (st == PTK_OK && symbols_finish(syms))
			st = ptk_set_err(ctx, PTK_ERR_NOMEM, "kallsyms");
		if (st == PTK_OK) {
			s = ptk_symbols_find(syms, "_stext");
			if (s && (!have_stext || s->addr == stext)) {
				symbols_origin_set(syms,
					"kallsyms in the dump (VMCOREINFO "
					"SYMBOL(kallsyms_names))");
				release(&k);
				*ret = syms;
				return PTK_OK;
			}
			st = ptk_set_err(ctx, PTK_ERR_CORRUPT,
					 "kallsyms: _stext is %s, not "
					 "VMCOREINFO's %#" PRIx64,
					 s ? "elsewhere" : "missing", stext);
		}
		ptk_symbols_free(syms);
		if (first == PTK_OK) {
			first = st;
			snprintf(first_msg, sizeof(first_msg), "%s",
				 ptk_ctx_err(ctx));
		}
		if (st == PTK_ERR_NOMEM)
			break;
		st = PTK_OK;
	}
	release(&k);
	if (st != PTK_OK)
		return st;
	/* No reading fitted: report the most likely one's complaint. */
	ptk_ctx_clear_err(ctx);
	return ptk_set_err(ctx, first, "%s", first_msg);
}

/*
 * Looking one name up, as the kernel's kallsyms_lookup_name() did before
 * 6.2 sorted the names: one pass over kallsyms_names, each record
 * expanded only as long as it matches.  A command that wants one
 * variable (stats: direct_gbpages) so spares building 94,000 symbols,
 * two thirds of its time on a real dump.
 */

/* Records that expand to a type letter and then @name, as found so far:
 * the first with a global (upper-case) type, and the first of any. */
struct wanted {
	const char *name;
	size_t len;
	int64_t global, any;
};

/* Whether tokens names[off, off + len) spell a type letter, then @w's
 * name; *bad when a token is past the table. */
static bool spells(const struct kallsyms *k, size_t off, size_t len,
		   const struct wanted *w, char *type, bool *bad)
{
	size_t pos = 0;		/* characters seen, the type letter first */

	for (size_t t = 0; t < len; t++) {
		unsigned char c = k->names[off + t];
		const char *tok = k->token_table + k->token_index[c];
		size_t tl = k->token_bytes[c];

		if (tl == TOKEN_BAD) {
			*bad = true;
			return false;
		}
		for (size_t j = 0; j < tl; j++, pos++) {
			if (!pos)
				*type = tok[j];
			else if (pos > w->len || tok[j] != w->name[pos - 1])
				return false;
		}
	}
	return pos == w->len + 1;
}

/* One pass over the records, lengths read as @big_names says, for each
 * of @w[0, n). */
static enum ptk_status scan(struct kallsyms *k, bool big_names,
			    struct wanted *w, size_t n)
{
	size_t off = 0;

	for (size_t j = 0; j < n; j++)
		w[j].global = w[j].any = -1;
	for (uint32_t i = 0; i < k->nsyms; i++) {
		size_t len = 0;
		enum ptk_status st = next_record(k, big_names, i, &off, &len);

		if (st != PTK_OK)
			return st;
		/* what a table past its records reads as (zeros); the rest
		 * of what expand() checks needs the whole name */
		if (!len)
			return ptk_set_err(ptk_source_ctx(k->src),
					   PTK_ERR_CORRUPT, "kallsyms: symbol %"
					   PRIu32 " has no name", i);
		for (size_t j = 0; j < n; j++) {
			bool bad = false;
			char type = 0;

			if (!spells(k, off, len, &w[j], &type, &bad)) {
				if (bad)
					return ptk_set_err(
						ptk_source_ctx(k->src),
						PTK_ERR_CORRUPT, "kallsyms: "
						"symbol %" PRIu32 ": token "
						"beyond the table", i);
				continue;
			}
			if (w[j].any < 0)
				w[j].any = i;
			if (w[j].global < 0 && type >= 'A' && type <= 'Z')
				w[j].global = i;
		}
		off += len;
	}
	return PTK_OK;
}

static enum ptk_status offset_of(struct kallsyms *k, int64_t i, int32_t *ret)
{
	return read_virt(k, k->offsets_va + (uint64_t)i * sizeof(*ret), ret,
			 sizeof(*ret), "kallsyms_offsets");
}

enum ptk_status ptk_kallsyms_find(struct ptk_source *src,
				  const struct ptk_paging *pg,
				  const char *name, uint64_t *ret)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	struct kallsyms k = { .src = src, .pg = pg };
	struct wanted w[2] = {
		{ .name = "_stext", .len = 6 },
		{ .name = name, .len = strlen(name) },
	};
	uint64_t stext = 0;
	bool have_stext = meta_hex(src, "SYMBOL(_stext)", &stext);
	enum ptk_status st = read_tables(&k);

	/* As ptk_symbols_from_kallsyms() tries the readings: the 6.1+
	 * length encoding first, and the one whose _stext is VMCOREINFO's
	 * wins; the address encoding only changes the addresses. */
	for (unsigned attempt = 0; st == PTK_OK && attempt < 2; attempt++) {
		int64_t at;
		int32_t off;

		ptk_ctx_clear_err(ctx);
		st = scan(&k, attempt == 0, w, 2);
		if (st == PTK_OK && w[0].any < 0)
			st = ptk_set_err(ctx, PTK_ERR_CORRUPT,
					 "kallsyms: no _stext");
		if (st == PTK_OK)
			st = offset_of(&k, w[0].global >= 0 ? w[0].global
							    : w[0].any, &off);
		if (st == PTK_ERR_NOMEM)
			break;
		if (st != PTK_OK) {
			st = PTK_OK;
			continue;
		}
		for (int abs_percpu = 1; abs_percpu >= 0; abs_percpu--) {
			if (have_stext &&
			    sym_addr(&k, off, abs_percpu) != stext)
				continue;
			at = w[1].global >= 0 ? w[1].global : w[1].any;
			if (at < 0)
				st = ptk_set_err(ctx, PTK_ERR_NODATA,
						 "kallsyms has no symbol %s",
						 name);
			else if ((st = offset_of(&k, at, &off)) == PTK_OK)
				*ret = sym_addr(&k, off, abs_percpu);
			release(&k);
			return st;
		}
	}
	release(&k);
	if (st != PTK_OK)
		return st;
	ptk_ctx_clear_err(ctx);
	return ptk_set_err(ctx, PTK_ERR_CORRUPT, "kallsyms: no reading of "
			   "the tables puts _stext at VMCOREINFO's %#" PRIx64,
			   stext);
}
