// SPDX-License-Identifier: MIT
/*
 * coldcache FILE...: put each file in the page cache as reading it from
 * disk leaves it, and read it once so that no case pays for the disk.
 *
 * How a file sits in the page cache changes a mapped walk of it by 2x
 * on some machines: a file written a page at a time is cached in 4 KiB
 * folios, which a mapping must set up (and a paravirtualized guest
 * shadow) one by one, while readahead of a file read from disk brings it
 * in large folios.  A dump is read from disk; the benchmark's images are
 * written by it, in whatever pieces their writer used.  Dropping their
 * clean pages (fdatasync, POSIX_FADV_DONTNEED: no privilege needed) and
 * reading them back gives every run of make bench the same start.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	int status = 0;

	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		ssize_t n;

		if (fd < 0 || fdatasync(fd) ||
		    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)) {
			perror(argv[i]);
			status = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0) {
			perror(argv[i]);
			status = 1;
		}
		close(fd);
	}
	return status;
}
