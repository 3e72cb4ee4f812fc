// SPDX-License-Identifier: MIT
/* ptkit translate: virtual to physical, with the path the MMU takes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "linebuf.h"

struct translate_args {
	struct source_opts src;
	bool json;
	char **addrs;
	int naddrs;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct translate_args *a = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!a->src.path) {
			a->src.path = arg;
			return 0;
		}
		return ARGP_ERR_UNKNOWN;
	case ARGP_KEY_ARGS:
		a->addrs = state->argv + state->next;
		a->naddrs = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->src.path)
			argp_error(state, "no SOURCE given");
		if (!a->naddrs)
			argp_error(state, "no address given (use - to read "
				   "addresses from standard input)");
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, &a->json);
	}
}

static const struct argp translate_argp = {
	options, parse_opt, "SOURCE VA...\nSOURCE -",
	"Translate virtual addresses to physical ones and show the path: "
	"each level's table, index and entry.\v"
	"With -, addresses are read from standard input, one per line. "
	"Exit status: 0 all mapped, 1 some address not mapped, 2 usage, "
	"3 bad input.",
	source_children, NULL, NULL,
};

static const char *why_not(enum ptk_xlat_result r)
{
	return r == PTK_XLAT_NONCANONICAL ? "not canonical" : "not present";
}

static void print_text(const struct session *s, const struct ptk_xlat *x)
{
	struct linebuf l;

	lb_init(&l);
	lb_hex(&l, x->va, 16);
	if (x->result == PTK_XLAT_MAPPED) {
		lb_str(&l, " -> ");
		lb_hex(&l, x->pa, 16);
		lb_str(&l, "  ");
		lb_str(&l, page_name(x->level));
		lb_str(&l, " ");
		lb_str(&l, ptk_level_name(&s->pg, x->level));
		lb_str(&l, x->eff & PTK_F_US ? "  USR " : "  kernel ");
		lb_str(&l, x->eff & PTK_F_RW ? "RW" : "ro");
		lb_str(&l, x->eff & PTK_F_NX ? " NX" : " x");
		lb_str(&l, x->eff & PTK_F_G ? " GLB" : "");
		if (x->pkey) {
			lb_str(&l, " pkey=");
			lb_dec(&l, x->pkey, 0);
		}
		lb_str(&l, "\n");
	} else if (x->result == PTK_XLAT_NONCANONICAL) {
		lb_str(&l, ": not mapped: not a canonical ");
		lb_dec(&l, ptk_va_bits(&s->pg), 0);
		lb_str(&l, "-bit address\n");
	} else {
		const struct ptk_xlat_step *st = &x->path[x->nsteps - 1];

		lb_str(&l, ": not mapped: ");
		lb_str(&l, ptk_level_name(&s->pg, st->level));
		lb_str(&l, "[");
		lb_dec(&l, st->index, 0);
		lb_str(&l, "] is not present\n");
	}
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct ptk_xlat_step *st = &x->path[i];

		lb_str(&l, "  ");
		lb_str(&l, ptk_level_name(&s->pg, st->level));
		lb_str(&l, "[");
		lb_dec(&l, st->index, 3);
		lb_str(&l, "]  table ");
		lb_hex(&l, st->table_pa, 16);
		lb_str(&l, "  entry ");
		lb_hex(&l, st->raw, 16);
		lb_str(&l, "\n");
	}
	lb_write(&l, stdout);
}

static void print_json(const struct session *s, const struct ptk_xlat *x)
{
	bool mapped = x->result == PTK_XLAT_MAPPED;
	struct linebuf l;

	lb_init(&l);
	lb_str(&l, "{\"va\":\"");
	lb_hex(&l, x->va, 0);
	if (mapped) {
		lb_str(&l, "\",\"pa\":\"");
		lb_hex(&l, x->pa, 0);
		lb_str(&l, "\",\"page\":");
		lb_dec(&l, ptk_level_size(x->level), 0);
	} else {
		lb_str(&l, "\",\"pa\":null,\"page\":null");
	}
	if (x->level) {
		lb_str(&l, ",\"level\":\"");
		lb_str(&l, ptk_level_name(&s->pg, x->level));
		lb_str(&l, "\"");
	} else {
		lb_str(&l, ",\"level\":null");
	}
	lb_str(&l, mapped ? ",\"mapped\":true" : ",\"mapped\":false");
	if (mapped) {
		lb_str(&l, x->eff & PTK_F_RW ? ",\"rw\":true" : ",\"rw\":false");
		lb_str(&l, x->eff & PTK_F_US ? ",\"us\":true" : ",\"us\":false");
		lb_str(&l, x->eff & PTK_F_NX ? ",\"nx\":true" : ",\"nx\":false");
		lb_str(&l, ",\"pkey\":");
		lb_dec(&l, x->pkey, 0);
	} else {
		lb_str(&l, ",\"reason\":\"");
		lb_str(&l, why_not(x->result));
		lb_str(&l, "\"");
	}
	lb_str(&l, ",\"path\":[");
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct ptk_xlat_step *st = &x->path[i];

		lb_str(&l, i ? ",{\"level\":\"" : "{\"level\":\"");
		lb_str(&l, ptk_level_name(&s->pg, st->level));
		lb_str(&l, "\",\"index\":");
		lb_dec(&l, st->index, 0);
		lb_str(&l, ",\"table\":\"");
		lb_hex(&l, st->table_pa, 0);
		lb_str(&l, "\",\"entry\":\"");
		lb_hex(&l, st->raw, 0);
		lb_str(&l, "\"}");
	}
	lb_str(&l, "]}\n");
	lb_write(&l, stdout);
}

/* Translate one address; the exit status it deserves. */
static int one(const struct session *s, bool json, uint64_t va)
{
	struct ptk_xlat x;
	enum ptk_status st;

	st = ptk_translate(s->src, &s->pg, va, &x);
	if (st != PTK_OK) {
		fflush(stdout);
		ptk_set_err(s->ctx, st, "0x%016" PRIx64, va);
		return fail_source(s, st);
	}
	if (json)
		print_json(s, &x);
	else
		print_text(s, &x);
	return x.result == PTK_XLAT_MAPPED ? EXIT_OK : EXIT_FINDING;
}

static int worse(int a, int b)
{
	/* usage and bad input outrank "not mapped" */
	return a > b ? a : b;
}

static int from_stdin(const struct session *s, bool json)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int ret = EXIT_OK;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		char *p = line, *end;
		uint64_t va;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, " \t\r\n#");
		if (end == p)
			continue;
		*end = '\0';
		if (!parse_addr(p, &va)) {
			fprintf(stderr, "%s: <stdin>:%lu: '%s' is not an "
				"address\n", s->cmd, lineno, p);
			ret = worse(ret, EXIT_BADINPUT);
			continue;
		}
		ret = worse(ret, one(s, json, va));
	}
	free(line);
	return ret;
}

int cmd_translate(int argc, char **argv)
{
	struct translate_args a = { 0 };
	struct session s;
	int ret;

	argp_parse(&translate_argp, argc, argv, 0, NULL, &a);
	for (int i = 0; i < a.naddrs; i++) {
		uint64_t va;

		if (strcmp(a.addrs[i], "-") && !parse_addr(a.addrs[i], &va)) {
			fprintf(stderr, "%s: '%s' is not an address\n", argv[0],
				a.addrs[i]);
			return EXIT_USAGE;
		}
	}
	ret = session_open(&s, argv[0], &a.src);
	for (int i = 0; i < a.naddrs && s.src; i++) {
		uint64_t va;

		if (!strcmp(a.addrs[i], "-")) {
			ret = worse(ret, from_stdin(&s, a.json));
			continue;
		}
		parse_addr(a.addrs[i], &va);
		ret = worse(ret, one(&s, a.json, va));
	}
	session_close(&s);
	return finish_output(argv[0], ret);
}
