// SPDX-License-Identifier: MIT
/* Open a file with the first format that claims it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats.h"

/* Tried in order; libkdumpfile last, it also reads formats we don't match. */
static const struct source_format *const formats[] = {
	&format_elf,
	&format_kdump,
};

enum ptk_status ptk_source_open(struct ptk_ctx *ctx, const char *path,
				struct ptk_source **ret)
{
	const struct source_format *fmt = NULL;
	unsigned char head[64];
	enum ptk_status st;
	struct stat sb;
	ssize_t n;
	int fd;

	ptk_ctx_clear_err(ctx);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		/* Say plainly what a live system needs. */
		if ((err == EACCES || err == EPERM) &&
		    !strcmp(path, "/proc/kcore"))
			return ptk_set_err(ctx, PTK_ERR_IO, "cannot open '%s': "
					   "%s (reading the live kernel needs "
					   "root: CAP_SYS_RAWIO)", path,
					   strerror(err));
		return ptk_set_err(ctx, PTK_ERR_IO, "cannot open '%s': %s",
				   path, strerror(err));
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return ptk_set_err(ctx, PTK_ERR_INVALID,
				   "cannot open '%s': Is a directory", path);
	}
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot read '%s': %s", path,
				 strerror(errno));
		close(fd);
		return st;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i]->match(head, (size_t)n)) {
			fmt = formats[i];
			break;
		}
	}
	if (!fmt)
		fmt = &format_kdump;
	st = fmt->open(ctx, path, fd, ret);
	if (st != PTK_OK)
		close(fd);
	return st;
}

static enum ptk_status meta_cpu(struct ptk_source *src, const char *key,
				const char *value)
{
	struct ptk_cpu_regs r = { .origin = "ptkit image" };
	unsigned long long cr0, cr3, cr4;
	unsigned cpu;
	int used = 0;

	if (sscanf(key, PTK_META_CPU_PREFIX "%u)%n", &cpu, &used) != 1 ||
	    key[used] ||
	    sscanf(value, "%llx:%llx:%llx%n", &cr0, &cr3, &cr4, &used) != 3 ||
	    value[used])
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_CORRUPT,
				   "bad CPU metadata %s=%s", key, value);
	r.cpu = cpu;
	r.cr0 = cr0;
	r.cr3 = cr3;
	r.cr4 = cr4;
	return ptk_source_add_cpu(src, &r);
}

enum ptk_status format_meta_regions(struct ptk_source *src)
{
	const size_t plen = strlen(PTK_META_REGION_PREFIX);

	for (size_t i = 0; i < ptk_source_meta_count(src); i++) {
		const char *key, *value, *close;
		unsigned long long start, end;
		char name[128];
		int used = 0;
		enum ptk_status st;

		ptk_source_meta_at(src, i, &key, &value);
		if (!strncmp(key, PTK_META_CPU_PREFIX,
			     strlen(PTK_META_CPU_PREFIX))) {
			st = meta_cpu(src, key, value);
			if (st != PTK_OK)
				return st;
			continue;
		}
		if (strncmp(key, PTK_META_REGION_PREFIX, plen))
			continue;
		close = strrchr(key, ')');
		if (!close || close[1] || (size_t)(close - key) - plen >= sizeof(name) ||
		    sscanf(value, "%llx-%llx%n", &start, &end, &used) != 2 ||
		    value[used])
			return ptk_set_err(ptk_source_ctx(src), PTK_ERR_CORRUPT,
					   "bad region metadata %s=%s", key,
					   value);
		memcpy(name, key + plen, close - key - plen);
		name[close - key - plen] = '\0';
		st = ptk_source_add_region(src, name, start, end);
		if (st != PTK_OK)
			return st;
	}
	return PTK_OK;
}
