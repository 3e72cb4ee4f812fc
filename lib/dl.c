// SPDX-License-Identifier: MIT
/* Optional libraries, loaded when first needed; see dl-priv.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "dl-priv.h"

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

static int load(struct dl_library *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(lib->err, sizeof(lib->err), "%s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		*lib->syms[i].where = dlsym(h, lib->syms[i].name);
		if (!*lib->syms[i].where) {
			snprintf(lib->err, sizeof(lib->err),
				 "%s: no symbol %s", lib->soname,
				 lib->syms[i].name);
			/* kept loaded: dlclose() of a half-bound library
			 * buys nothing */
			return -1;
		}
	}
	return 1;
}

bool dl_load(struct dl_library *lib)
{
	int state;

	pthread_mutex_lock(&dl_lock);
	if (!lib->state)
		lib->state = load(lib);
	state = lib->state;
	pthread_mutex_unlock(&dl_lock);
	return state > 0;
}
