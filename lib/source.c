// SPDX-License-Identifier: MIT
/* Sources: physical memory behind a small ops table, plus what is known of
 * the machine it came from. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ptkit/paging.h"
#include "ptkit/source.h"

struct meta {
	char *key;
	char *value;
};

struct ptk_source {
	struct ptk_ctx *ctx;
	char *name;
	const struct ptk_source_ops *ops;
	void *priv;
	struct ptk_range *ram;
	size_t nram;
	struct meta *meta;
	size_t nmeta;
	struct ptk_cpu_regs *cpus;
	size_t ncpus;
	struct ptk_region *regions;
	size_t nregions;
};

/* Make room for item n in *arr: capacity is 8, then doubles at each power
 * of two, so it never needs storing. */
static int grow(void *arr, size_t n, size_t sz)
{
	void **p = arr;
	void *q;

	if (n != 0 && (n < 8 || (n & (n - 1))))
		return 0;
	q = realloc(*p, (n ? 2 * n : 8) * sz);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

enum ptk_status ptk_source_new(struct ptk_ctx *ctx, const char *name,
			       const struct ptk_source_ops *ops, void *priv,
			       struct ptk_source **ret)
{
	struct ptk_source *src = calloc(1, sizeof(*src));

	if (!src || !(src->name = strdup(name ? name : "(anonymous)"))) {
		free(src);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "new source");
	}
	src->ctx = ctx;
	src->ops = ops;
	src->priv = priv;
	*ret = src;
	return PTK_OK;
}

void ptk_source_free(struct ptk_source *src)
{
	if (!src)
		return;
	if (src->ops && src->ops->close)
		src->ops->close(src);
	for (size_t i = 0; i < src->nmeta; i++) {
		free(src->meta[i].key);
		free(src->meta[i].value);
	}
	for (size_t i = 0; i < src->nregions; i++)
		free((char *)src->regions[i].name);
	free(src->meta);
	free(src->ram);
	free(src->cpus);
	free(src->regions);
	free(src->name);
	free(src);
}

void *ptk_source_priv(const struct ptk_source *src)
{
	return src->priv;
}

struct ptk_ctx *ptk_source_ctx(const struct ptk_source *src)
{
	return src->ctx;
}

const char *ptk_source_name(const struct ptk_source *src)
{
	return src->name;
}

const char *ptk_source_format(const struct ptk_source *src)
{
	return src->ops->format;
}

static bool in_ram(const struct ptk_source *src, uint64_t pa)
{
	size_t lo = 0, hi = src->nram;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pa < src->ram[mid].start)
			hi = mid;
		else if (pa >= src->ram[mid].end)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

enum ptk_page_state ptk_source_page_state(struct ptk_source *src, uint64_t pa)
{
	if (!in_ram(src, pa))
		return PTK_PAGE_NOT_RAM;
	if (src->ops->page_state)
		return src->ops->page_state(src, pa);
	return PTK_PAGE_PRESENT;
}

enum ptk_status ptk_source_read(struct ptk_source *src, uint64_t pa, void *buf,
				size_t len)
{
	if (len && pa + len - 1 < pa)
		return ptk_set_err(src->ctx, PTK_ERR_INVALID,
				   "read of %zu bytes at %#llx wraps", len,
				   (unsigned long long)pa);
	return src->ops->read(src, pa, buf, len);
}

const void *ptk_source_map(struct ptk_source *src, uint64_t pa, size_t len)
{
	return src->ops->map ? src->ops->map(src, pa, len) : NULL;
}

enum ptk_status ptk_source_table(struct ptk_source *src, uint64_t pa,
				 void *buf, const uint64_t **ret)
{
	enum ptk_status st;

	if (src->ops->map) {
		const void *p = src->ops->map(src, pa, PTK_PAGE_SIZE);

		if (p) {
			*ret = p;
			return PTK_OK;
		}
	}
	st = src->ops->read(src, pa, buf, PTK_PAGE_SIZE);
	if (st != PTK_OK)
		return st;
	*ret = buf;
	return PTK_OK;
}

/*
 * Keep src->ram sorted and merged as ranges come: a binary search for the
 * place, then a merge with the neighbours it touches.  Formats add their
 * ranges in address order, which makes each add O(log n) and opening a
 * file of n segments O(n log n); a range out of order costs a memmove.
 */
enum ptk_status ptk_source_add_ram(struct ptk_source *src, uint64_t start,
				   uint64_t end)
{
	struct ptk_range *ram;
	size_t lo = 0, hi = src->nram, i, j;

	if (end <= start)
		return ptk_set_err(src->ctx, PTK_ERR_INVALID,
				   "empty RAM range %#llx-%#llx",
				   (unsigned long long)start,
				   (unsigned long long)end);
	/* i: the first range that starts after @start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->ram[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	if (i > 0 && src->ram[i - 1].end >= start) {
		i--;		/* it touches the one before */
		if (end <= src->ram[i].end)
			return PTK_OK;
		src->ram[i].end = end;
	} else {
		if (grow(&src->ram, src->nram, sizeof(*src->ram)))
			return ptk_set_err(src->ctx, PTK_ERR_NOMEM,
					   "add RAM range");
		memmove(&src->ram[i + 1], &src->ram[i],
			(src->nram - i) * sizeof(*src->ram));
		src->ram[i] = (struct ptk_range){ start, end };
		src->nram++;
	}
	/* swallow the ranges after it that it now reaches */
	ram = src->ram;
	for (j = i + 1; j < src->nram && ram[j].start <= ram[i].end; j++)
		if (ram[j].end > ram[i].end)
			ram[i].end = ram[j].end;
	if (j > i + 1) {
		memmove(&ram[i + 1], &ram[j], (src->nram - j) * sizeof(*ram));
		src->nram -= j - (i + 1);
	}
	return PTK_OK;
}

const struct ptk_range *ptk_source_ram(const struct ptk_source *src,
				       size_t *count)
{
	*count = src->nram;
	return src->ram;
}

uint64_t ptk_source_ram_end(const struct ptk_source *src)
{
	return src->nram ? src->ram[src->nram - 1].end : 0;
}

enum ptk_status ptk_source_set_meta(struct ptk_source *src, const char *key,
				    const char *value)
{
	char *v = strdup(value);

	if (!v)
		return ptk_set_err(src->ctx, PTK_ERR_NOMEM, "metadata");
	for (size_t i = 0; i < src->nmeta; i++) {
		if (!strcmp(src->meta[i].key, key)) {
			free(src->meta[i].value);
			src->meta[i].value = v;
			return PTK_OK;
		}
	}
	if (grow(&src->meta, src->nmeta, sizeof(*src->meta)) ||
	    !(src->meta[src->nmeta].key = strdup(key))) {
		free(v);
		return ptk_set_err(src->ctx, PTK_ERR_NOMEM, "metadata");
	}
	src->meta[src->nmeta++].value = v;
	return PTK_OK;
}

enum ptk_status ptk_source_add_meta_text(struct ptk_source *src,
					 const char *text, size_t len)
{
	const char *p = text, *end = memchr(text, '\0', len);

	/* Notes are padded with NULs: the text ends at the first. */
	if (!end)
		end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', line_end - p);

		if (eq && eq > p) {
			char *line = strndup(p, line_end - p);
			enum ptk_status st;

			if (!line)
				return ptk_set_err(src->ctx, PTK_ERR_NOMEM,
						   "metadata");
			line[eq - p] = '\0';
			st = ptk_source_set_meta(src, line, line + (eq - p) + 1);
			free(line);
			if (st != PTK_OK)
				return st;
		}
		p = line_end + 1;
	}
	return PTK_OK;
}

const char *ptk_source_meta(const struct ptk_source *src, const char *key)
{
	for (size_t i = 0; i < src->nmeta; i++)
		if (!strcmp(src->meta[i].key, key))
			return src->meta[i].value;
	return NULL;
}

size_t ptk_source_meta_count(const struct ptk_source *src)
{
	return src->nmeta;
}

void ptk_source_meta_at(const struct ptk_source *src, size_t i,
			const char **key, const char **value)
{
	*key = src->meta[i].key;
	*value = src->meta[i].value;
}

enum ptk_status ptk_source_add_cpu(struct ptk_source *src,
				   const struct ptk_cpu_regs *regs)
{
	if (grow(&src->cpus, src->ncpus, sizeof(*src->cpus)))
		return ptk_set_err(src->ctx, PTK_ERR_NOMEM, "add CPU");
	src->cpus[src->ncpus++] = *regs;
	return PTK_OK;
}

const struct ptk_cpu_regs *ptk_source_cpus(const struct ptk_source *src,
					   size_t *count)
{
	*count = src->ncpus;
	return src->cpus;
}

static int region_cmp(const void *a, const void *b)
{
	const struct ptk_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

enum ptk_status ptk_source_add_region(struct ptk_source *src,
				      const char *name, uint64_t start,
				      uint64_t end)
{
	char *n;

	if (end && end <= start)
		return ptk_set_err(src->ctx, PTK_ERR_INVALID,
				   "region '%s': empty range", name);
	if (grow(&src->regions, src->nregions, sizeof(*src->regions)) ||
	    !(n = strdup(name)))
		return ptk_set_err(src->ctx, PTK_ERR_NOMEM, "add region");
	src->regions[src->nregions++] = (struct ptk_region){ n, start, end };
	qsort(src->regions, src->nregions, sizeof(*src->regions), region_cmp);
	return PTK_OK;
}

const struct ptk_region *ptk_source_regions(const struct ptk_source *src,
					    size_t *count)
{
	*count = src->nregions;
	return src->regions;
}

/* Short names for the regions ptkit's layout discovery names. */
static const struct {
	const char *alias, *name;
} region_aliases[] = {
	{ "user", "User Space" },
	{ "direct-map", "Low Kernel Mapping" },
	{ "vmalloc", "vmalloc() Area" },
	{ "vmemmap", "Vmemmap" },
	{ "cpu-entry-area", "CPU entry Area" },
	{ "espfix", "ESPfix Area" },
	{ "efi", "EFI Runtime Services" },
	{ "kernel", "High Kernel Mapping" },
	{ "modules", "Modules" },
	{ "fixmap", "Fixmap Area" },
};

const struct ptk_region *ptk_source_region_named(const struct ptk_source *src,
						 const char *name)
{
	for (size_t i = 0; i < sizeof(region_aliases) / sizeof(region_aliases[0]); i++)
		if (!strcasecmp(name, region_aliases[i].alias))
			name = region_aliases[i].name;
	for (size_t i = 0; i < src->nregions; i++)
		if (!strcasecmp(name, src->regions[i].name))
			return &src->regions[i];
	return NULL;
}
