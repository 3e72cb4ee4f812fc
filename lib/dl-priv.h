/* SPDX-License-Identifier: MIT */
/*
 * Libraries only some inputs need, loaded when one of them is opened:
 * libkdumpfile for kdump-compressed dumps, libtracecmd and libtraceevent
 * for trace.dat.  Linked in, they were loaded and relocated by every
 * command: 3 ms and 130 page faults of a start that takes 7 ms on the
 * project's machine (libkdumpfile brings libstdc++ through libsnappy),
 * a tenth of a whole walk of a 64 GiB 4K-mapped image.  systemd loads its
 * optional libraries the same way.
 *
 * A user lists the calls it makes once, and gets them type-checked from
 * the library's own header:
 *
 *	#define KDUMP_CALLS(X) X(kdump_new) X(kdump_free)
 *	#define DL_TABLE kd
 *	static struct { KDUMP_CALLS(DL_POINTER) } kd;
 *	static const struct dl_symbol kd_syms[] = { KDUMP_CALLS(DL_SYMBOL) };
 *	static struct dl_library kd_lib = DL_LIBRARY(KDUMPFILE_SONAME, kd_syms);
 *	...
 *	if (!dl_load(&kd_lib)) error(kd_lib.err);
 *	kd.kdump_new();
 *
 * The header's inline functions call the library directly: call what
 * they call instead.
 */
#ifndef PTKIT_DL_PRIV_H
#define PTKIT_DL_PRIV_H

#include <stdbool.h>
#include <stddef.h>

struct dl_symbol {
	const char *name;
	void **where;
};

struct dl_library {
	const char *soname;
	const struct dl_symbol *syms;
	size_t nsyms;
	int state;		/* 0 not tried, 1 loaded, -1 failed */
	char err[256];		/* why it failed */
};

#define DL_POINTER(f) __typeof__(f) *f;
#define DL_SYMBOL(f) { #f, (void **)&DL_TABLE.f },
#define DL_LIBRARY(soname, syms) \
	{ soname, syms, sizeof(syms) / sizeof((syms)[0]), 0, "" }

/* Load @lib and bind its symbols, once (thread-safe); false with lib->err
 * saying why ("libkdumpfile.so.10: cannot open shared object file..."). */
bool dl_load(struct dl_library *lib);

#endif
