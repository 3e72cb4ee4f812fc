// SPDX-License-Identifier: MIT
/*
 * A trace.dat is decoded in a child process that sends the events back
 * through a pipe.  Dumps and traces are untrusted input, and libtraceevent
 * 1.7 and libtracecmd 1.3 crash on some corrupted files (event formats
 * with a flipped bit, a cut-short CPU section; `trace-cmd report` crashes
 * on them too).  In the child such a crash is one clear error for the
 * caller, whose process goes on.  The child also moves libtracecmd's
 * messages ("File possibly truncated..."), which it prints on standard
 * output, to standard error, out of the caller's output.
 *
 * The pipe carries records of a struct wire_head and its payload; the
 * child buffers them, so an event costs a copy, not a system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace-priv.h"

enum wire_kind {
	W_OPENED,	/* no payload: the file opened */
	W_EVENT,	/* struct ptk_trace_rec */
	W_STATS,	/* struct ptk_trace_stats: the end */
	W_ERROR,	/* struct wire_error: the end */
};

struct wire_head {
	uint32_t kind;
	uint32_t len;
};

struct wire_error {
	int32_t status;
	char msg[480];
};

enum { WIRE_BUF = 64 << 10 };

struct tracedat {
	struct ptk_ctx *ctx;
	pid_t pid;
	int fd;
	size_t len, pos;
	unsigned char buf[WIRE_BUF];
};

/* ---- the child ---- */

struct writer {
	int fd;
	size_t len;
	unsigned char buf[WIRE_BUF];
};

static void flush_or_die(struct writer *w)
{
	for (size_t off = 0; off < w->len;) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);	/* the reader went away */
		off += (size_t)n;
	}
	w->len = 0;
}

static void put(struct writer *w, enum wire_kind kind, const void *p,
		size_t len)
{
	struct wire_head h = { .kind = kind, .len = (uint32_t)len };

	if (w->len + sizeof(h) + len > sizeof(w->buf))
		flush_or_die(w);
	memcpy(w->buf + w->len, &h, sizeof(h));
	if (len)
		memcpy(w->buf + w->len + sizeof(h), p, len);
	w->len += sizeof(h) + len;
}

static void put_error(struct writer *w, enum ptk_status st,
		      const struct ptk_ctx *ctx)
{
	struct wire_error e = { .status = (int32_t)st };

	snprintf(e.msg, sizeof(e.msg), "%s", ptk_ctx_err(ctx));
	put(w, W_ERROR, &e, sizeof(e));
}

static void run_child(struct ptk_ctx *ctx, const char *path, bool strict,
		      int fd)
{
	static struct writer w;
	struct ptk_trace_stats stats = { 0 };
	struct dat_decoder *d;
	struct ptk_trace_rec rec;
	enum ptk_status st;

	/* The caller's handlers (temporary files, the terminal) are not
	 * this process's business. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* A crash in the libraries ends the child by its signal, which the
	 * caller names, even under a sanitizer's handler. */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	w.fd = fd;
	st = decoder_open(ctx, path, strict, &d);
	if (st != PTK_OK) {
		put_error(&w, st, ctx);
		flush_or_die(&w);
		fflush(stdout);	/* libtracecmd's message, now on stderr */
		_exit(0);
	}
	put(&w, W_OPENED, NULL, 0);
	while ((st = decoder_next(d, &stats, &rec)) == PTK_OK)
		put(&w, W_EVENT, &rec, sizeof(rec));
	if (st == PTK_STOP)
		put(&w, W_STATS, &stats, sizeof(stats));
	else
		put_error(&w, st, ctx);
	flush_or_die(&w);
	decoder_close(d);
	_exit(0);
}

/* ---- the caller's side ---- */

static void reap(struct tracedat *t, int *status)
{
	*status = 0;
	if (t->pid <= 0)
		return;
	while (waitpid(t->pid, status, 0) < 0 && errno == EINTR)
		;
	t->pid = -1;
}

/* The pipe ended before the child said it was done. */
static enum ptk_status child_died(struct tracedat *t)
{
	int status;

	reap(t, &status);
	if (WIFSIGNALED(status))
		return ptk_set_err(t->ctx, PTK_ERR_CORRUPT,
				   "libtraceevent/libtracecmd crashed (%s) "
				   "reading this trace.dat: the file is corrupt",
				   strsignal(WTERMSIG(status)));
	return ptk_set_err(t->ctx, PTK_ERR_CORRUPT, "the trace.dat reader "
			   "ended early (status %d)",
			   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Make @want bytes of the pipe available at t->buf + t->pos. */
static enum ptk_status fill(struct tracedat *t, size_t want)
{
	if (t->len - t->pos >= want)
		return PTK_OK;
	memmove(t->buf, t->buf + t->pos, t->len - t->pos);
	t->len -= t->pos;
	t->pos = 0;
	while (t->len < want) {
		ssize_t n = read(t->fd, t->buf + t->len, sizeof(t->buf) - t->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ptk_set_err(t->ctx, PTK_ERR_IO, "reading from "
					   "the trace.dat reader: %s",
					   strerror(errno));
		if (n == 0)
			return child_died(t);
		t->len += (size_t)n;
	}
	return PTK_OK;
}

/* The next record: its kind, and its payload copied to @p (@cap bytes). */
static enum ptk_status take(struct tracedat *t, enum wire_kind *kind, void *p,
			    size_t cap)
{
	struct wire_head h;
	enum ptk_status st = fill(t, sizeof(h));

	if (st != PTK_OK)
		return st;
	memcpy(&h, t->buf + t->pos, sizeof(h));
	if (h.len > cap || h.len > sizeof(t->buf) - sizeof(h))
		return ptk_set_err(t->ctx, PTK_ERR_CORRUPT, "garbled record "
				   "from the trace.dat reader");
	st = fill(t, sizeof(h) + h.len);
	if (st != PTK_OK)
		return st;
	memcpy(p, t->buf + t->pos + sizeof(h), h.len);
	t->pos += sizeof(h) + h.len;
	*kind = (enum wire_kind)h.kind;
	return PTK_OK;
}

static enum ptk_status child_error(struct tracedat *t,
				   const struct wire_error *e)
{
	int status;

	reap(t, &status);
	ptk_ctx_clear_err(t->ctx);
	return ptk_set_err(t->ctx, (enum ptk_status)e->status, "%.*s",
			   (int)sizeof(e->msg), e->msg);
}

enum ptk_status tracedat_next(struct tracedat *t, struct ptk_trace_stats *st,
			      struct ptk_trace_rec *rec)
{
	union {
		struct ptk_trace_rec rec;
		struct ptk_trace_stats stats;
		struct wire_error err;
	} u;
	enum wire_kind kind;
	enum ptk_status s;
	int status;

	if (t->pid <= 0)
		return PTK_STOP;
	s = take(t, &kind, &u, sizeof(u));
	if (s != PTK_OK)
		return s;
	switch (kind) {
	case W_EVENT:
		*rec = u.rec;
		return PTK_OK;
	case W_STATS:
		*st = u.stats;
		reap(t, &status);
		return PTK_STOP;
	case W_ERROR:
		return child_error(t, &u.err);
	default:
		return ptk_set_err(t->ctx, PTK_ERR_CORRUPT, "garbled record "
				   "from the trace.dat reader");
	}
}

enum ptk_status tracedat_open(struct ptk_ctx *ctx, const char *path,
			      bool strict, struct tracedat **ret)
{
	struct tracedat *t = calloc(1, sizeof(*t));
	struct wire_error err;
	enum wire_kind kind;
	enum ptk_status st;
	int fds[2];

	if (!t)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "trace.dat");
	st = decoder_load(ctx);
	if (st != PTK_OK) {
		free(t);
		return ptk_set_err(ctx, st, "'%s'", path);
	}
	t->ctx = ctx;
	t->pid = -1;
	t->fd = -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(t);
		return ptk_set_err(ctx, PTK_ERR_IO, "pipe: %s",
				   strerror(errno));
	}
	fflush(NULL);	/* or the child's copy of a buffer could be written */
	t->pid = fork();
	if (t->pid < 0) {
		st = ptk_set_err(ctx, PTK_ERR_IO, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(t);
		return st;
	}
	if (t->pid == 0) {
		close(fds[0]);
		run_child(ctx, path, strict, fds[1]);
	}
	close(fds[1]);
	t->fd = fds[0];
	st = take(t, &kind, &err, sizeof(err));
	if (st == PTK_OK && kind == W_ERROR)
		st = child_error(t, &err);
	else if (st == PTK_OK && kind != W_OPENED)
		st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "garbled record from "
				 "the trace.dat reader");
	if (st != PTK_OK) {
		tracedat_close(t);
		return ptk_set_err(ctx, st, "'%s'", path);
	}
	*ret = t;
	return PTK_OK;
}

void tracedat_close(struct tracedat *t)
{
	int status;

	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	/* Closed early, the child would end at its next write anyway. */
	if (t->pid > 0)
		kill(t->pid, SIGKILL);
	reap(t, &status);
	free(t);
}
