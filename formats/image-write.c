// SPDX-License-Identifier: MIT
/*
 * Writing ptkit images: an ELF core in the kdump vmcore layout, so crash,
 * drgn and libkdumpfile open it too (see ptkit-image(5)).
 *
 *   ELF header, program headers        (libelf, ELF_F_LAYOUT)
 *   PT_NOTE: VMCOREINFO, PTKIT         (metadata; PTKIT_* keys in PTKIT)
 *   page data, 4 KiB aligned           (one run per PT_LOAD)
 *
 * Each PT_LOAD starts at a stored page: p_filesz covers the run of stored
 * pages, p_memsz extends over the RAM after it up to the next stored run,
 * as makedumpfile -E writes excluded pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptkit/build.h"
#include "formats.h"

struct seg {
	uint64_t pa, filesz, memsz, offset;
	size_t first;	/* index of its first stored page in pfns */
};

struct text {
	char *buf;
	size_t len, cap;
};

static int text_add(struct text *t, const char *key, const char *value)
{
	size_t need = strlen(key) + strlen(value) + 2;

	if (t->len + need + 1 > t->cap) {
		size_t cap = (t->len + need + 1) * 2;
		char *p = realloc(t->buf, cap);

		if (!p)
			return -1;
		t->buf = p;
		t->cap = cap;
	}
	t->len += (size_t)sprintf(t->buf + t->len, "%s=%s\n", key, value);
	return 0;
}

/* Every RAM range, plus the stored pages that lie outside RAM. */
static enum ptk_status layout_segments(struct ptk_ctx *ctx,
				       struct ptk_source *src,
				       const uint64_t *pfns, size_t npfns,
				       struct seg **ret, size_t *nret)
{
	size_t nram, n = 0, cap = 16, p = 0;
	const struct ptk_range *ram;
	struct seg *segs = malloc(cap * sizeof(*segs));
	uint64_t pos = 0;

	if (!segs)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "image layout");
	for (size_t i = 0; i < npfns; i++) {
		enum ptk_status st;

		if (ptk_source_page_state(src, pfns[i] << PTK_PAGE_SHIFT) !=
		    PTK_PAGE_NOT_RAM)
			continue;
		st = ptk_source_add_ram(src, pfns[i] << PTK_PAGE_SHIFT,
					(pfns[i] + 1) << PTK_PAGE_SHIFT);
		if (st != PTK_OK) {
			free(segs);
			return st;
		}
	}
	ram = ptk_source_ram(src, &nram);
	for (size_t r = 0; r < nram; r++) {
		uint64_t at = ram[r].start & ~(uint64_t)(PTK_PAGE_SIZE - 1);

		while (at < ram[r].end) {
			struct seg *s;

			if (n == cap) {
				struct seg *q = realloc(segs, 2 * cap * sizeof(*q));

				if (!q) {
					free(segs);
					return ptk_set_err(ctx, PTK_ERR_NOMEM,
							   "image layout");
				}
				segs = q;
				cap *= 2;
			}
			s = &segs[n++];
			s->pa = at;
			s->first = p;
			s->offset = pos;
			s->filesz = 0;
			/* The run of stored pages starting here. */
			while (p < npfns && pfns[p] << PTK_PAGE_SHIFT == at + s->filesz)
				s->filesz += PTK_PAGE_SIZE, p++;
			pos += s->filesz;
			/* Absent RAM up to the next stored page. */
			at = p < npfns && pfns[p] << PTK_PAGE_SHIFT < ram[r].end
				     ? pfns[p] << PTK_PAGE_SHIFT
				     : ram[r].end;
			s->memsz = at - s->pa;
		}
	}
	*ret = segs;
	*nret = n;
	return PTK_OK;
}

static size_t note_size(size_t namesz, size_t descsz)
{
	return sizeof(Elf64_Nhdr) + ((namesz + 3) & ~3ul) + ((descsz + 3) & ~3ul);
}

static void put_note(unsigned char **p, const char *name, uint32_t type,
		     const char *desc, size_t descsz)
{
	Elf64_Nhdr nh = { .n_namesz = (Elf64_Word)strlen(name) + 1,
			  .n_descsz = (Elf64_Word)descsz, .n_type = type };

	memcpy(*p, &nh, sizeof(nh));
	*p += sizeof(nh);
	memset(*p, 0, (nh.n_namesz + 3) & ~3u);
	memcpy(*p, name, nh.n_namesz);
	*p += (nh.n_namesz + 3) & ~3u;
	memset(*p, 0, (descsz + 3) & ~3ul);
	memcpy(*p, desc, descsz);
	*p += (descsz + 3) & ~3ul;
}

/* The two notes: other tools' metadata in VMCOREINFO, ptkit's in PTKIT. */
static enum ptk_status build_notes(struct ptk_ctx *ctx, struct ptk_source *src,
				   const struct ptk_paging *pg,
				   unsigned char **ret, size_t *len)
{
	struct text vmci = { 0 }, ptk = { 0 };
	size_t nregions;
	const struct ptk_region *rg = ptk_source_regions(src, &nregions);
	unsigned char *buf, *p;
	char v[64], k[160];
	int err = 0;

	snprintf(v, sizeof(v), "%#" PRIx64, pg->root);
	err |= text_add(&ptk, "PTKIT_ROOT", v);
	snprintf(v, sizeof(v), "%u", pg->levels);
	err |= text_add(&ptk, "PTKIT_LEVELS", v);
	snprintf(v, sizeof(v), "%u", pg->phys_bits);
	err |= text_add(&ptk, "PTKIT_PHYS_BITS", v);
	for (size_t i = 0; i < ptk_source_meta_count(src); i++) {
		const char *key, *value;

		ptk_source_meta_at(src, i, &key, &value);
		if (!strcmp(key, "PTKIT_ROOT") || !strcmp(key, "PTKIT_LEVELS") ||
		    !strcmp(key, "PTKIT_PHYS_BITS") ||
		    !strcmp(key, "PTKIT_TRUNCATED_BYTES") ||
		    !strncmp(key, PTK_META_REGION_PREFIX,
			     strlen(PTK_META_REGION_PREFIX)) ||
		    !strncmp(key, PTK_META_CPU_PREFIX,
			     strlen(PTK_META_CPU_PREFIX)))
			continue;
		err |= text_add(!strncmp(key, "PTKIT_", 6) ? &ptk : &vmci, key,
				value);
	}
	{
		size_t ncpus;
		const struct ptk_cpu_regs *cpu = ptk_source_cpus(src, &ncpus);

		for (size_t i = 0; i < ncpus; i++) {
			snprintf(k, sizeof(k), PTK_META_CPU_PREFIX "%u)",
				 cpu[i].cpu);
			snprintf(v, sizeof(v), "%" PRIx64 ":%" PRIx64 ":%" PRIx64,
				 cpu[i].cr0, cpu[i].cr3, cpu[i].cr4);
			err |= text_add(&ptk, k, v);
		}
	}
	for (size_t i = 0; i < nregions; i++) {
		snprintf(k, sizeof(k), PTK_META_REGION_PREFIX "%s)",
			 rg[i].name);
		snprintf(v, sizeof(v), "%" PRIx64 "-%" PRIx64, rg[i].start,
			 rg[i].end);
		err |= text_add(&ptk, k, v);
	}
	if (err) {
		free(vmci.buf);
		free(ptk.buf);
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "image notes");
	}
	*len = note_size(sizeof(PTK_NOTE_PTKIT), ptk.len) +
	       (vmci.len ? note_size(sizeof(PTK_NOTE_VMCOREINFO), vmci.len) : 0);
	buf = p = malloc(*len);
	if (buf) {
		if (vmci.len)
			put_note(&p, PTK_NOTE_VMCOREINFO, 0, vmci.buf, vmci.len);
		put_note(&p, PTK_NOTE_PTKIT, PTK_NOTE_PTKIT_TYPE, ptk.buf,
			 ptk.len);
	}
	free(vmci.buf);
	free(ptk.buf);
	if (!buf)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "image notes");
	*ret = buf;
	return PTK_OK;
}

static enum ptk_status write_all(struct ptk_ctx *ctx, int fd, const void *buf,
				 size_t len, uint64_t off, const char *path)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ptk_set_err(ctx, PTK_ERR_IO,
					   "cannot write '%s': %s", path,
					   n < 0 ? strerror(errno) : "short write");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return PTK_OK;
}

/*
 * The pages go out in runs of up to 2 MiB, cut where the file's offset
 * crosses a 2 MiB line: a pwrite() a page was most of the time of
 * writing an image (32,837 of them for the 64 GiB preset), and whole,
 * aligned 2 MiB writes let the page cache keep the file in huge folios,
 * which a later reader's mapping then uses (a mapped walk over 4 KiB
 * folios took twice as long here).
 */
enum { RUN_BYTES = 2 << 20 };

struct run {
	unsigned char *buf;
	uint64_t off;		/* the file offset of buf[0] */
	size_t len;
};

static enum ptk_status run_flush(struct ptk_ctx *ctx, int fd,
				 const char *path, struct run *run)
{
	enum ptk_status st = PTK_OK;

	if (run->len)
		st = write_all(ctx, fd, run->buf, run->len, run->off, path);
	run->len = 0;
	return st;
}

/* The pages of @seg, from the source, at their place after @data_off. */
static enum ptk_status write_segment(struct ptk_ctx *ctx, int fd,
				     const char *path, struct ptk_source *src,
				     const uint64_t *pfns,
				     const struct seg *seg, uint64_t data_off,
				     struct run *run)
{
	enum ptk_status st = PTK_OK;

	for (uint64_t off = 0; off < seg->filesz && st == PTK_OK;
	     off += PTK_PAGE_SIZE) {
		uint64_t pa = pfns[seg->first + off / PTK_PAGE_SIZE]
			      << PTK_PAGE_SHIFT;
		uint64_t at = data_off + seg->offset + off;

		if (run->len && at != run->off + run->len)
			st = run_flush(ctx, fd, path, run);
		if (st != PTK_OK)
			break;
		if (!run->len)
			run->off = at;
		st = ptk_source_read(src, pa, run->buf + run->len,
				     PTK_PAGE_SIZE);
		run->len += PTK_PAGE_SIZE;
		if (st == PTK_OK && (run->len == RUN_BYTES ||
				     (at + PTK_PAGE_SIZE) % RUN_BYTES == 0))
			st = run_flush(ctx, fd, path, run);
	}
	return st;
}

static enum ptk_status write_elf(struct ptk_ctx *ctx, int fd, const char *path,
				 struct ptk_source *src, const uint64_t *pfns,
				 const struct seg *segs, size_t nsegs,
				 const unsigned char *notes, size_t notes_len)
{
	const uint64_t phoff = sizeof(Elf64_Ehdr);
	const uint64_t notes_off = phoff + (nsegs + 1) * sizeof(Elf64_Phdr);
	const uint64_t data_off = (notes_off + notes_len + PTK_PAGE_SIZE - 1) &
				  ~(uint64_t)(PTK_PAGE_SIZE - 1);
	struct run run = { .buf = malloc(RUN_BYTES) };
	enum ptk_status st = PTK_OK;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	Elf *elf;

	if (!run.buf)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    !(elf = elf_begin(fd, ELF_C_WRITE, NULL))) {
		free(run.buf);
		return ptk_set_err(ctx, PTK_ERR_IO, "'%s': libelf: %s", path,
				   elf_errmsg(-1));
	}
	if (!gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh))
		goto elf_fail;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = phoff;
	eh.e_shoff = 0;
	if (!gelf_update_ehdr(elf, &eh) || !gelf_newphdr(elf, nsegs + 1))
		goto elf_fail;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = notes_off;
	ph.p_filesz = notes_len;
	if (!gelf_update_phdr(elf, 0, &ph))
		goto elf_fail;
	for (size_t i = 0; i < nsegs; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = PF_R | PF_W | PF_X;
		ph.p_offset = data_off + segs[i].offset;
		ph.p_paddr = segs[i].pa;
		ph.p_filesz = segs[i].filesz;
		ph.p_memsz = segs[i].memsz;
		if (!gelf_update_phdr(elf, (int)i + 1, &ph))
			goto elf_fail;
	}
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto elf_fail;
	elf_end(elf);

	st = write_all(ctx, fd, notes, notes_len, notes_off, path);
	for (size_t i = 0; i < nsegs && st == PTK_OK; i++)
		st = write_segment(ctx, fd, path, src, pfns, &segs[i],
				   data_off, &run);
	if (st == PTK_OK)
		st = run_flush(ctx, fd, path, &run);
	free(run.buf);
	return st;
elf_fail:
	st = ptk_set_err(ctx, PTK_ERR_IO, "'%s': libelf: %s", path,
			 elf_errmsg(-1));
	elf_end(elf);
	free(run.buf);
	return st;
}

enum ptk_status ptk_image_write(struct ptk_source *src,
				const struct ptk_paging *pg,
				const uint64_t *pfns, size_t npfns,
				const char *path)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	unsigned char *notes = NULL;
	struct seg *segs = NULL;
	size_t nsegs = 0, notes_len = 0;
	enum ptk_status st;
	char *tmp;
	int fd;

	for (size_t i = 1; i < npfns; i++)
		if (pfns[i] <= pfns[i - 1])
			return ptk_set_err(ctx, PTK_ERR_INVALID,
					   "image pages are not sorted");
	st = layout_segments(ctx, src, pfns, npfns, &segs, &nsegs);
	if (st != PTK_OK)
		return st;
	st = build_notes(ctx, src, pg, &notes, &notes_len);
	if (st != PTK_OK)
		goto out;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		st = ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot create '%s': %s", tmp,
				 strerror(errno));
		free(tmp);
		goto out;
	}
	st = write_elf(ctx, fd, path, src, pfns, segs, nsegs, notes, notes_len);
	if (st == PTK_OK && fchmod(fd, 0644))
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot chmod '%s': %s", tmp,
				 strerror(errno));
	if (st == PTK_OK && fsync(fd))
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot write '%s': %s", path,
				 strerror(errno));
	if (close(fd) && st == PTK_OK)
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot write '%s': %s", path,
				 strerror(errno));
	if (st == PTK_OK && rename(tmp, path))
		st = ptk_set_err(ctx, PTK_ERR_IO, "cannot rename '%s' to '%s': "
				 "%s", tmp, path, strerror(errno));
	if (st != PTK_OK)
		unlink(tmp);
	free(tmp);
out:
	free(segs);
	free(notes);
	return st;
}
