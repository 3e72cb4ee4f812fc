// SPDX-License-Identifier: MIT
/* The reverse map of some frames: collected in one pass, then printed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "rmap-out.h"

int rmap_collect(struct rmap_out *out, struct session *s,
		 const struct ptk_range *pfns, size_t n)
{
	enum ptk_status st;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = session_spaces(s, &out->sp, &out->why_no_tasks);
	if (ret != EXIT_OK)
		return ret;
	st = ptk_rmap_collect(s->src, &out->sp,
			      region_named(s->src, "Low Kernel Mapping"), pfns,
			      n, &out->r);
	if (st != PTK_OK) {
		rmap_out_release(out);
		if (st == PTK_ERR_NOMEM) {
			fprintf(stderr, "%s: out of memory\n", s->cmd);
			return EXIT_ENV;
		}
		return fail_source(s, st);
	}
	return EXIT_OK;
}

const char *rmap_space_name(const struct rmap_out *out,
			    const struct ptk_rmap_rec *r, char *buf, size_t len)
{
	const struct ptk_task *t = out->sp.task[r->space];

	if (!t)
		return "kernel";
	snprintf(buf, len, "%" PRId32 " %s", t->tgid, t->comm);
	return buf;
}

/* The name of the region @va is in, or "" */
static const char *region_of(struct session *s, uint64_t va)
{
	size_t n;
	const struct ptk_region *rg = ptk_source_regions(s->src, &n);

	for (size_t i = 0; i < n; i++)
		if (va >= rg[i].start && (va < rg[i].end || !rg[i].end))
			return rg[i].name;
	return "";
}

/* The module part that holds @va ("qemu_fw_cfg.text"), into @buf, or NULL. */
static const char *module_of(struct session *s, uint64_t va, char *buf,
			     size_t len)
{
	const struct ptk_modules *mods = session_modules(s);

	for (size_t i = 0; mods && i < mods->n; i++)
		for (unsigned r = 0; r < mods->module[i].nranges; r++)
			if (va >= mods->module[i].ranges[r].start &&
			    va < mods->module[i].ranges[r].end) {
				snprintf(buf, len, "%s.%s",
					 mods->module[i].name,
					 mods->module[i].ranges[r].what);
				return buf;
			}
	return NULL;
}

/* The same through stdio, for a line with a name too long for a record. */
static void print_text_stdio(const struct rmap_out *out, struct session *s,
			     const struct ptk_rmap_rec *r)
{
	char space[64], flags[96];

	printf("%#-12" PRIx64 " %-22s 0x%016" PRIx64 " ", r->pfn,
	       rmap_space_name(out, r, space, sizeof(space)), r->va);
	if (r->missing)
		printf("-   not in the direct map (%s%s)", r->level ?
		       ptk_level_name(&s->kpg, r->level) : "table unreadable",
		       r->level ? " not present" : "");
	else {
		flag_words(flags, sizeof(flags), r->eff, 0, false);
		printf("%-3s %s", page_name(r->level), flags);
	}
	if (!r->space) {
		char mod[128];

		printf("  [%s", region_of(s, r->va));
		if (module_of(s, r->va, mod, sizeof(mod)))
			printf(": %s", mod);
		printf("]");
	}
	putchar('\n');
}

/* As printf's %#x: 0x and the digits, but a bare 0 for zero. */
static char *put_alt_hex(char *q, uint64_t v)
{
	return v ? put_hex(q, v, 0) : put_lit(q, "0");
}

/*
 * A string from the dump or a file as JSON: names that fit a record go
 * into it, escaped; a longer one through stdio (escaped, it could outgrow
 * a record).  The cursor after it.
 */
static char *put_json_field(struct linebuf *l, char *q, const char *str)
{
	const unsigned char *c = (const unsigned char *)str;

	if (strlen(str) > LINEBUF_RECORD_MAX / 8) {
		l->p = q;
		lb_flush(l);
		json_str(stdout, str);
		return l->p;
	}
	*q++ = '"';
	for (; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*q++ = '\\';
			*q++ = (char)*c;
		} else if (*c < 0x20 || *c == 0x7f) {
			q = put_lit(q, "\\u00");
			*q++ = "0123456789abcdef"[*c >> 4];
			*q++ = "0123456789abcdef"[*c & 15];
		} else {
			*q++ = (char)*c;
		}
	}
	*q++ = '"';
	return q;
}

/* A signed number, as %d (a tgid from a corrupt dump may be anything). */
static char *put_int(char *q, int32_t v)
{
	if (v < 0) {
		*q++ = '-';
		return put_dec(q, (uint64_t)-(int64_t)v, 0);
	}
	return put_dec(q, (uint64_t)v, 0);
}

static void print_json(struct linebuf *l, const struct rmap_out *out,
		       struct session *s, const struct ptk_rmap_rec *r)
{
	const struct ptk_task *t = out->sp.task[r->space];
	char *q = l->p;

	q = put_lit(q, "{\"pfn\":\"");
	q = put_alt_hex(q, r->pfn);
	q = t ? put_lit(q, "\",\"space\":\"user\",")
	      : put_lit(q, "\",\"space\":\"kernel\",");
	if (t) {
		q = put_lit(q, "\"pid\":");
		q = put_int(q, t->tgid);
		q = put_lit(q, ",\"comm\":");
		q = put_json_field(l, q, t->comm);
	} else {
		q = put_lit(q, "\"pid\":null,\"comm\":null");
	}
	q = put_lit(q, ",\"va\":\"");
	q = put_alt_hex(q, r->va);
	q = put_lit(q, "\",\"level\":");
	if (r->level) {
		*q++ = '"';
		q = put_str(q, ptk_level_name(&s->kpg, r->level));
		*q++ = '"';
	} else {
		q = put_lit(q, "null");
	}
	if (r->missing) {
		q = put_lit(q, ",\"mapped\":false,\"page\":null,\"rw\":null,"
			       "\"nx\":null,\"user\":null");
	} else {
		q = put_lit(q, ",\"mapped\":true,\"page\":");
		q = put_dec(q, ptk_level_size(r->level), 0);
		q = put_lit(q, ",\"rw\":");
		q = put_bool(q, r->eff & PTK_F_RW);
		q = put_lit(q, ",\"nx\":");
		q = put_bool(q, r->eff & PTK_F_NX);
		q = put_lit(q, ",\"user\":");
		q = put_bool(q, r->eff & PTK_F_US);
	}
	if (!t) {
		char mod[128];

		q = put_lit(q, ",\"region\":");
		q = put_json_field(l, q, region_of(s, r->va));
		if (module_of(s, r->va, mod, sizeof(mod))) {
			q = put_lit(q, ",\"module\":");
			q = put_json_field(l, q, mod);
		}
	}
	q = put_lit(q, "}\n");
	l->p = q;
	lb_end_record(l);
}

/*
 * "PFN SPACE VIRTUAL PG FLAGS [REGION: MODULE]", as printf would print
 * it, built with linebuf's helpers: rmap --all prints a line for each of
 * a dump's 10^5 mappings, and vfprintf was a third of its time.
 */
static void print_text(struct linebuf *l, const struct rmap_out *out,
		       struct session *s, const struct ptk_rmap_rec *r)
{
	char space[64], hex[24];
	const char *name = rmap_space_name(out, r, space, sizeof(space));
	const char *region = r->space ? NULL : region_of(s, r->va);
	char *q = l->p;

	/* a name from a file or a dump may be long: stdio, as before */
	if (strlen(name) + (region ? strlen(region) : 0) >
	    LINEBUF_RECORD_MAX / 2) {
		l->p = q;
		lb_flush(l);
		print_text_stdio(out, s, r);
		return;
	}
	*put_alt_hex(hex, r->pfn) = '\0';
	q = put_left(q, hex, 12);
	*q++ = ' ';
	q = put_left(q, name, 22);
	q = put_lit(q, " 0x");
	q = put_xdigits(q, r->va, 16);
	*q++ = ' ';
	if (r->missing) {
		q = put_lit(q, "-   not in the direct map (");
		if (r->level) {
			q = put_str(q, ptk_level_name(&s->kpg, r->level));
			q = put_lit(q, " not present)");
		} else {
			q = put_lit(q, "table unreadable)");
		}
	} else {
		q = put_left(q, page_name(r->level), 3);
		*q++ = ' ';
		q = put_flag_words(q, r->eff, 0, false);
	}
	if (region) {
		char mod[128];

		q = put_lit(q, "  [");
		q = put_str(q, region);
		if (module_of(s, r->va, mod, sizeof(mod))) {
			q = put_lit(q, ": ");
			q = put_str(q, mod);
		}
		*q++ = ']';
	}
	*q++ = '\n';
	l->p = q;
	lb_end_record(l);
}

int rmap_print(const struct rmap_out *out, struct session *s, bool json)
{
	struct linebuf *l = malloc(sizeof(*l));

	if (!l) {
		fprintf(stderr, "%s: out of memory\n", s->cmd);
		return EXIT_ENV;
	}
	lb_init(l, stdout);
	if (!json)
		printf("%-12s %-22s %-18s %-3s %s\n", "PFN", "SPACE", "VIRTUAL",
		       "PG", "FLAGS");
	for (size_t i = 0; i < out->r.n; i++) {
		if (json)
			print_json(l, out, s, &out->r.rec[i]);
		else
			print_text(l, out, s, &out->r.rec[i]);
	}
	lb_flush(l);
	free(l);
	if (out->r.nbad)
		fprintf(stderr, "%s: '%s': %" PRIu64 " table entries cannot be "
			"followed (see ptkit check)\n", s->cmd,
			ptk_source_name(s->src), out->r.nbad);
	if (out->r.missing)
		fprintf(stderr, "%s: '%s': %" PRIu64 " frame%s of RAM %s not "
			"in the direct map\n", s->cmd, ptk_source_name(s->src),
			(uint64_t)out->r.missing, out->r.missing == 1 ? "" : "s",
			out->r.missing == 1 ? "is" : "are");
	return out->r.missing ? EXIT_FINDING : EXIT_OK;
}

void rmap_out_release(struct rmap_out *out)
{
	ptk_rmap_recs_release(&out->r);
	ptk_rmap_spaces_release(&out->sp);
}
