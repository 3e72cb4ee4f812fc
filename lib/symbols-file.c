// SPDX-License-Identifier: MIT
/* Symbols from a System.map or a saved /proc/kallsyms. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta-priv.h"
#include "symbols-priv.h"

/* A symbol line: "ADDRESS TYPE NAME" and, in /proc/kallsyms, "\t[MODULE]".
 * Returns 1 for a symbol, 0 for a blank line, -1 for anything else. */
static int parse_line(char *line, uint64_t *addr, char *type, char **name,
		      char **module)
{
	char *save = NULL, *a, *t, *m, *end;

	a = strtok_r(line, " \t\r\n", &save);
	if (!a)
		return 0;
	t = strtok_r(NULL, " \t\r\n", &save);
	*name = strtok_r(NULL, " \t\r\n", &save);
	m = strtok_r(NULL, " \t\r\n", &save);
	if (!t || !*name || t[1] || strtok_r(NULL, " \t\r\n", &save))
		return -1;
	errno = 0;
	*addr = strtoull(a, &end, 16);
	if (errno || *end || end == a)
		return -1;
	*type = t[0];
	if (*type <= ' ' || *type >= 0x7f)
		return -1;
	*module = NULL;
	if (m) {
		size_t len = strlen(m);

		if (len < 3 || m[0] != '[' || m[len - 1] != ']')
			return -1;
		m[len - 1] = '\0';
		*module = m + 1;
	}
	return 1;
}

/* A System.map holds link-time addresses; a kernel moved by KASLR has its
 * _stext where VMCOREINFO says.  Move the image's symbols to match. */
static int relocate(struct ptk_symbols *syms, struct ptk_source *src,
		    const char *path)
{
	const struct ptk_symbol *s = ptk_symbols_find(syms, "_stext");
	uint64_t stext;

	if (!src || !s || !meta_hex(src, "SYMBOL(_stext)", &stext) ||
	    s->addr == stext) {
		symbols_origin_set(syms, "%s", path);
		return 0;
	}
	symbols_origin_set(syms, "%s, moved by %+" PRId64 " to VMCOREINFO's "
			   "SYMBOL(_stext)", path, (int64_t)(stext - s->addr));
	return symbols_shift(syms, stext - s->addr);
}

enum ptk_status ptk_symbols_from_file(struct ptk_ctx *ctx, const char *path,
				      struct ptk_source *src,
				      struct ptk_symbols **ret)
{
	FILE *f = fopen(path, "r");
	struct ptk_symbols *syms;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	enum ptk_status st = PTK_OK;

	if (!f)
		return ptk_set_err(ctx, PTK_ERR_IO, "cannot open '%s': %s",
				   path, strerror(errno));
	syms = symbols_new();
	if (!syms) {
		fclose(f);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	}
	while (getline(&line, &cap, f) >= 0) {
		char *name, *module, type;
		uint64_t addr;
		int r;

		lineno++;
		r = parse_line(line, &addr, &type, &name, &module);
		if (!r)
			continue;
		if (r < 0) {
			st = ptk_set_err(ctx, PTK_ERR_CORRUPT,
					 "'%s' line %zu: not \"ADDRESS TYPE "
					 "NAME\" of a System.map or "
					 "/proc/kallsyms", path, lineno);
			break;
		}
		if (symbols_add(syms, addr, type, name, strlen(name), module)) {
			st = ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
			break;
		}
	}
	if (st == PTK_OK && ferror(f))
		st = ptk_set_err(ctx, PTK_ERR_IO, "reading '%s': %s", path,
				 strerror(errno));
	if (st == PTK_OK && !ptk_symbols_count(syms))
		st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "'%s' holds no symbols",
				 path);
	if (st == PTK_OK && symbols_finish(syms))
		st = ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	free(line);
	fclose(f);
	if (st == PTK_OK && relocate(syms, src, path))
		st = ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	if (st != PTK_OK) {
		ptk_symbols_free(syms);
		return st;
	}
	*ret = syms;
	return PTK_OK;
}
