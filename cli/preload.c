// SPDX-License-Identifier: MIT
/*
 * What an interactive session reads ahead: the kernel's symbols, its BTF,
 * the modules and their symbols, in a thread of its own over a second
 * opening of the source, so that no keystroke waits for the 100-200 ms
 * they take on a compressed dump.  The session adopts them when they are
 * ready; a loader that needs them before waits for the thread instead of
 * reading them twice.  Only the thread touches its source and context
 * until it is joined; the results are plain memory.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct preload {
	pthread_t thread;
	atomic_bool done;
	/* what the thread reads from */
	char *path, *symbols_file;
	struct ptk_paging kpg;
	/* what it read: each NULL (or !mods_read) where it could not */
	struct ptk_ctx *ctx;
	struct ptk_source *src;
	struct ptk_symbols *syms;
	struct ptk_types *types;
	struct ptk_modules mods;
	bool mods_read;
	struct ptk_symbols *modsyms;
};

static void *read_ahead(void *arg)
{
	struct preload *p = arg;

	if (ptk_source_open(p->ctx, p->path, &p->src) != PTK_OK)
		goto out;
	if ((p->symbols_file ? ptk_symbols_from_file(p->ctx, p->symbols_file,
						     p->src, &p->syms)
			     : ptk_symbols_from_kallsyms(p->src, &p->kpg,
							 &p->syms)) != PTK_OK) {
		p->syms = NULL;
		goto out;
	}
	if (ptk_types_from_btf(p->src, &p->kpg, p->syms, &p->types) != PTK_OK) {
		p->types = NULL;
		goto out;
	}
	p->mods_read = ptk_modules_read(p->src, &p->kpg, p->syms, p->types,
					&p->mods) == PTK_OK;
	/* a saved /proc/kallsyms has the modules' symbols already */
	if (p->mods_read && !p->symbols_file &&
	    ptk_modules_symbols(p->src, &p->kpg, p->types, &p->mods,
				&p->modsyms) != PTK_OK)
		p->modsyms = NULL;
out:
	atomic_store(&p->done, true);
	return NULL;
}

void session_preload(struct session *s)
{
	struct preload *p;

	if (s->preload || !s->opts || !s->opts->path)
		return;
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->path = strdup(s->opts->path);
	p->symbols_file = s->opts->symbols ? strdup(s->opts->symbols) : NULL;
	p->kpg = s->kpg;
	p->ctx = ptk_ctx_new();
	atomic_init(&p->done, false);
	if (!p->path || (s->opts->symbols && !p->symbols_file) || !p->ctx ||
	    pthread_create(&p->thread, NULL, read_ahead, p)) {
		/* nothing read ahead: the loaders read when asked */
		ptk_ctx_free(p->ctx);
		free(p->path);
		free(p->symbols_file);
		free(p);
		return;
	}
	s->preload = p;
}

/* Take what the thread read where the session has nothing yet; free the
 * rest, and the thread's source. */
static void adopt(struct session *s, struct preload *p)
{
	if (!s->syms && !s->syms_tried && p->syms) {
		s->syms = p->syms;
		s->syms_tried = true;
		p->syms = NULL;
	}
	if (!s->types && p->types && s->syms) {
		ptk_types_set_ctx(p->types, s->ctx);
		s->types = p->types;
		p->types = NULL;
	}
	if (!s->mods_read && !s->mods_tried && p->mods_read && s->types) {
		s->mods = p->mods;
		s->mods_read = s->mods_tried = true;
		p->mods_read = false;
	}
	if (!s->modsyms && !s->modsyms_tried && p->modsyms && s->mods_read) {
		s->modsyms = p->modsyms;
		s->modsyms_tried = true;
		p->modsyms = NULL;
	}
	ptk_symbols_free(p->modsyms);
	if (p->mods_read)
		ptk_modules_release(&p->mods);
	ptk_types_free(p->types);
	ptk_symbols_free(p->syms);
	ptk_source_free(p->src);
	ptk_ctx_free(p->ctx);
	free(p->path);
	free(p->symbols_file);
	free(p);
}

void session_preload_wait(struct session *s)
{
	struct preload *p = s->preload;

	if (!p)
		return;
	s->preload = NULL;
	pthread_join(p->thread, NULL);
	adopt(s, p);
}

bool session_preloading(struct session *s)
{
	if (!s->preload)
		return false;
	if (!atomic_load(&s->preload->done))
		return true;
	session_preload_wait(s);	/* done: the join does not wait */
	return false;
}
