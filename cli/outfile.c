// SPDX-License-Identifier: MIT
/* Output files renamed into place when complete; see outfile.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

bool outfile_open(struct outfile *o, const char *path)
{
	int fd;

	o->f = NULL;
	o->path = path;
	if (asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		o->tmp = NULL;
		errno = ENOMEM;
		return false;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0 || fchmod(fd, 0644) || !(o->f = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		errno = e;
		return false;
	}
	return true;
}

bool outfile_commit(struct outfile *o)
{
	bool ok = !ferror(o->f) && !fflush(o->f) && !fsync(fileno(o->f));
	int e = errno;

	if (fclose(o->f) && ok) {
		ok = false;
		e = errno;
	}
	o->f = NULL;
	if (ok && rename(o->tmp, o->path)) {
		ok = false;
		e = errno;
	}
	if (!ok)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	errno = e;
	return ok;
}

void outfile_abort(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	o->f = NULL;
	o->tmp = NULL;
}
