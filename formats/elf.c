// SPDX-License-Identifier: MIT
/*
 * ELF cores in the kdump vmcore layout, read with libelf: kexec/kdump and
 * makedumpfile -E vmcores, QEMU's dump-guest-memory, ptkit's own images.
 *
 * PT_LOAD segments give physical memory at p_paddr.  Bytes in
 * [p_filesz, p_memsz) are RAM whose contents the file does not hold
 * (makedumpfile's excluded pages, an image's data pages): they read as
 * PTK_ERR_NODATA, never as zeros.  The file is mapped, so table pages are
 * used in place and files larger than memory work; files that cannot be
 * mapped (/proc/kcore) are read with pread(), as are all files when
 * PTKIT_NO_MMAP is set in the environment.
 *
 * A segment that lies inside another is an alias of the same memory (the
 * kernel-text segment of /proc/kcore lies inside a RAM segment) and is
 * not used.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats.h"
#include "bigmem-priv.h"
#include "radix-priv.h"

/* QEMUCPUState, qemu target/i386/arch_dump.c: version, size, 18 general
 * registers, 10 segment descriptors of 24 bytes, then cr[0..4]. */
enum {
	QEMU_CPUSTATE_CR_OFF = 8 + 18 * 8 + 10 * 24,
	QEMU_CPUSTATE_MIN = QEMU_CPUSTATE_CR_OFF + 5 * 8,
};
#define NT_PRSTATUS_TYPE 1

/* From this size on a read is a pread() even when the file is mapped. */
#define ELF_BULK_READ (64u << 10)

struct segment {
	uint64_t pa;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t offset;
};

struct elf_src {
	int fd;
	const unsigned char *map;
	size_t size;
	struct segment *segs;	/* sorted by pa; bigmem_alloc()'s */
	size_t nsegs, segs_bytes;
	uint64_t truncated;	/* bytes of PT_LOAD data past end of file */
};

static bool elf_match(const unsigned char *head, size_t len)
{
	return len >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG);
}

/* The segment holding @pa, or NULL. */
static const struct segment *find_seg(const struct elf_src *e, uint64_t pa)
{
	size_t lo = 0, hi = e->nsegs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct segment *s = &e->segs[mid];

		if (pa < s->pa)
			hi = mid;
		else if (pa - s->pa >= s->memsz)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

static const void *elf_map(struct ptk_source *src, uint64_t pa, size_t len)
{
	const struct elf_src *e = ptk_source_priv(src);
	const struct segment *s = find_seg(e, pa);
	const unsigned char *p;

	if (!e->map || !s || pa - s->pa + len > s->filesz)
		return NULL;
	p = e->map + s->offset + (pa - s->pa);
	/* Tables are read as 64-bit words: an odd p_offset means a copy. */
	return (uintptr_t)p % sizeof(uint64_t) ? NULL : p;
}

/*
 * How far a read of @pa (in @s, @off into it) continues in the file as
 * well: the next segments while they start where the last ended, in
 * memory and in the file (a filtering tool's many segments, written in
 * order), up to @len bytes.
 */
static uint64_t file_run(const struct elf_src *e, const struct segment *s,
			 uint64_t off, uint64_t len)
{
	const struct segment *end = e->segs + e->nsegs;
	uint64_t n = s->filesz - off < len ? s->filesz - off : len;

	while (n < len && s->filesz == s->memsz && s + 1 < end &&
	       s[1].pa == s->pa + s->memsz &&
	       s[1].offset == s->offset + s->filesz) {
		s++;
		n += s->filesz < len - n ? s->filesz : len - n;
	}
	return n;
}

static enum ptk_status elf_read(struct ptk_source *src, uint64_t pa, void *buf,
				size_t len)
{
	const struct elf_src *e = ptk_source_priv(src);
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	unsigned char *out = buf;

	while (len) {
		const struct segment *s = find_seg(e, pa);
		uint64_t off, n;

		if (!s)
			return ptk_set_err(ctx, PTK_ERR_NODATA,
					   "physical address %#" PRIx64
					   " is outside the file's memory", pa);
		off = pa - s->pa;
		if (off >= s->filesz)
			return ptk_set_err(ctx, PTK_ERR_NODATA,
					   "page %#" PRIx64 " is not stored in "
					   "the file (excluded from the dump)",
					   pa & ~(uint64_t)(PTK_PAGE_SIZE - 1));
		n = file_run(e, s, off, len);
		/* Large reads (a walker's batch of tables) go through
		 * pread(): the first touch of each mapped page costs more
		 * than the kernel's copy.  Small pieces of one (segments
		 * scattered over the file) are cheaper copied from the
		 * mapping, whose faults map a file's neighbouring pages
		 * together, than read a system call each. */
		if (e->map && n < ELF_BULK_READ) {
			memcpy(out, e->map + s->offset + off, n);
		} else {
			ssize_t got = pread(e->fd, out, n, (off_t)(s->offset + off));

			if (got < 0)
				return ptk_set_err(ctx, PTK_ERR_IO, "read at "
						   "offset %#" PRIx64 ": %s",
						   s->offset + off,
						   strerror(errno));
			if ((uint64_t)got < n)
				return ptk_set_err(ctx, PTK_ERR_NODATA,
						   "page %#" PRIx64 " is past the "
						   "end of the file", pa + got);
		}
		out += n;
		pa += n;
		len -= n;
	}
	return PTK_OK;
}

static enum ptk_page_state elf_page_state(struct ptk_source *src, uint64_t pa)
{
	const struct elf_src *e = ptk_source_priv(src);
	const struct segment *s = find_seg(e, pa);

	if (!s)
		return PTK_PAGE_NOT_RAM;
	return pa - s->pa < s->filesz ? PTK_PAGE_PRESENT : PTK_PAGE_ABSENT;
}

static void elf_close(struct ptk_source *src)
{
	struct elf_src *e = ptk_source_priv(src);

	if (e->map)
		munmap((void *)e->map, e->size);
	if (e->fd >= 0)
		close(e->fd);
	if (e->segs)
		bigmem_free(e->segs, e->segs_bytes);
	free(e);
}

static const struct ptk_source_ops elf_ops = {
	.format = "ELF core (libelf)",
	.read = elf_read,
	.map = elf_map,
	.page_state = elf_page_state,
	.close = elf_close,
};

/*
 * By address, the larger first, so aliases follow what they alias.  A
 * core of a fragmented machine has 10^5 segments and more: a radix sort
 * on the address costs a few passes over them where qsort() took most of
 * the opening time; equal addresses are then put larger first.
 */
RADIX_SORT(sort_by_pa, struct segment, pa)

static bool sort_segs(struct segment *seg, size_t n)
{
	size_t sorted = 1;

	/* Dumps list their segments in address order: nothing to do then. */
	while (sorted < n && (seg[sorted - 1].pa < seg[sorted].pa ||
			      (seg[sorted - 1].pa == seg[sorted].pa &&
			       seg[sorted - 1].memsz >= seg[sorted].memsz)))
		sorted++;
	if (sorted >= n)
		return true;
	if (!sort_by_pa(seg, n))
		return false;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && seg[j].pa == seg[j - 1].pa &&
				   seg[j].memsz > seg[j - 1].memsz; j--) {
			struct segment t = seg[j];

			seg[j] = seg[j - 1];
			seg[j - 1] = t;
		}
	return true;
}

static enum ptk_status add_note(struct ptk_source *src, const char *name,
				uint32_t type, const unsigned char *desc,
				size_t len, unsigned *ncpu_qemu)
{
	if (!strcmp(name, PTK_NOTE_VMCOREINFO) ||
	    (!strcmp(name, PTK_NOTE_PTKIT) && type == PTK_NOTE_PTKIT_TYPE))
		return ptk_source_add_meta_text(src, (const char *)desc, len);
	if (!strcmp(name, "QEMU") && len >= QEMU_CPUSTATE_MIN) {
		struct ptk_cpu_regs r = { .cpu = (*ncpu_qemu)++,
					  .origin = "QEMU note" };
		uint64_t cr[5];

		memcpy(cr, desc + QEMU_CPUSTATE_CR_OFF, sizeof(cr));
		r.cr0 = cr[0];
		r.cr3 = cr[3];
		r.cr4 = cr[4];
		return ptk_source_add_cpu(src, &r);
	}
	return PTK_OK;
}

static enum ptk_status read_notes(struct ptk_source *src, Elf *elf,
				  const GElf_Phdr *ph)
{
	Elf_Data *data = elf_getdata_rawchunk(elf, ph->p_offset, ph->p_filesz,
					      ELF_T_NHDR);
	unsigned ncpu_qemu = 0;
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return ptk_set_err(ptk_source_ctx(src), PTK_ERR_CORRUPT,
				   "'%s': notes at offset %#" PRIx64 ": %s",
				   ptk_source_name(src), ph->p_offset,
				   elf_errmsg(-1));
	while (off < data->d_size &&
	       (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		enum ptk_status st;

		if (!nh.n_namesz || name[nh.n_namesz - 1])
			continue;	/* unterminated name: not a note of ours */
		st = add_note(src, name, nh.n_type,
			      (const unsigned char *)data->d_buf + desc_off,
			      nh.n_descsz, &ncpu_qemu);
		if (st != PTK_OK)
			return st;
	}
	return PTK_OK;
}

/* One program header: a segment of memory, the notes, or nothing. */
static enum ptk_status take_phdr(struct ptk_source *src, struct elf_src *e,
				 Elf *elf, const GElf_Phdr *ph, size_t i)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const char *path = ptk_source_name(src);
	struct segment *s;

	if (ph->p_type == PT_NOTE) {
		if (ph->p_offset > e->size ||
		    ph->p_filesz > e->size - ph->p_offset)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "'%s': notes at offset %#" PRIx64
					   " run past the end of the file",
					   path, ph->p_offset);
		return read_notes(src, elf, ph);
	}
	/* kcore's vmalloc and module segments have no p_paddr. */
	if (ph->p_type != PT_LOAD || !ph->p_memsz ||
	    ph->p_paddr == UINT64_MAX)
		return PTK_OK;
	if (ph->p_filesz > ph->p_memsz ||
	    ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "'%s': PT_LOAD %zu: impossible sizes "
				   "(paddr %#" PRIx64 ", filesz %#" PRIx64
				   ", memsz %#" PRIx64 ")", path, i,
				   ph->p_paddr, ph->p_filesz, ph->p_memsz);
	s = &e->segs[e->nsegs++];
	s->pa = ph->p_paddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	/* A truncated file keeps what it has; the rest is absent. */
	if (ph->p_offset >= e->size) {
		e->truncated += s->filesz;
		s->filesz = 0;
	} else if (s->filesz > e->size - ph->p_offset) {
		e->truncated += s->filesz - (e->size - ph->p_offset);
		s->filesz = e->size - ph->p_offset;
	}
	return PTK_OK;
}

/*
 * The program headers of a file in this machine's layout, PHDR_CHUNK at a
 * time through a buffer that stays in the cache: libelf's view of them
 * is the file's mapping, and 10^5 headers (5.6 MB) cost a first touch a
 * page (the last tenth of opening them).  False, with nothing taken,
 * where libelf must convert them (another byte order or entry size).
 */
enum { PHDR_CHUNK = 512 };

static bool native_phdrs(const GElf_Ehdr *eh, size_t n, uint64_t size)
{
	return eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&
	       eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phoff <= size &&
	       n <= (size - eh->e_phoff) / sizeof(Elf64_Phdr);
}

static enum ptk_status read_phdrs(struct ptk_source *src, struct elf_src *e,
				  Elf *elf, const GElf_Ehdr *eh)
{
	struct ptk_ctx *ctx = ptk_source_ctx(src);
	const char *path = ptk_source_name(src);
	size_t n;
	enum ptk_status st;

	if (elf_getphdrnum(elf, &n))
		return ptk_set_err(ctx, PTK_ERR_CORRUPT,
				   "'%s': program headers: %s", path,
				   elf_errmsg(-1));
	e->segs_bytes = (n ? n : 1) * sizeof(*e->segs);
	e->segs = bigmem_alloc(e->segs_bytes);
	if (!e->segs)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	if (native_phdrs(eh, n, e->size)) {
		Elf64_Phdr buf[PHDR_CHUNK];

		for (size_t i = 0; i < n; i += PHDR_CHUNK) {
			size_t k = n - i < PHDR_CHUNK ? n - i : PHDR_CHUNK;
			ssize_t want = (ssize_t)(k * sizeof(*buf));

			errno = 0;
			if (pread(e->fd, buf, (size_t)want, (off_t)(eh->e_phoff +
				  i * sizeof(*buf))) != want)
				return ptk_set_err(ctx, PTK_ERR_IO,
						   "'%s': program headers: %s",
						   path, errno ? strerror(errno)
							       : "short read");
			for (size_t j = 0; j < k; j++) {
				st = take_phdr(src, e, elf, &buf[j], i + j);
				if (st != PTK_OK)
					return st;
			}
		}
	} else if (n) {
		/* The whole table at once: gelf_getphdr() a header at a time
		 * was a tenth of opening 100,000 segments. */
		const Elf64_Phdr *phdrs = elf64_getphdr(elf);

		if (!phdrs)
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "'%s': program headers: %s", path,
					   elf_errmsg(-1));
		for (size_t i = 0; i < n; i++) {
			st = take_phdr(src, e, elf, &phdrs[i], i);
			if (st != PTK_OK)
				return st;
		}
	}
	if (!sort_segs(e->segs, e->nsegs))
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	n = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct segment *prev = n ? &e->segs[n - 1] : NULL;
		const struct segment *s = &e->segs[i];

		if (prev && s->pa - prev->pa < prev->memsz) {
			if (s->pa + s->memsz <= prev->pa + prev->memsz)
				continue;	/* an alias inside prev */
			return ptk_set_err(ctx, PTK_ERR_CORRUPT,
					   "'%s': memory segments at %#" PRIx64
					   " and %#" PRIx64 " overlap", path,
					   prev->pa, s->pa);
		}
		e->segs[n++] = *s;
		st = ptk_source_add_ram(src, s->pa, s->pa + s->memsz);
		if (st != PTK_OK)
			return st;
	}
	e->nsegs = n;
	return PTK_OK;
}

static enum ptk_status elf_open(struct ptk_ctx *ctx, const char *path, int fd,
				struct ptk_source **ret)
{
	struct ptk_source *src = NULL;
	struct elf_src *e;
	enum ptk_status st;
	GElf_Ehdr eh;
	struct stat sb;
	Elf *elf = NULL;
	char buf[32];

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				   "libelf: %s", elf_errmsg(-1));
	if (fstat(fd, &sb))
		return ptk_set_err(ctx, PTK_ERR_IO, "cannot stat '%s': %s",
				   path, strerror(errno));
	e = calloc(1, sizeof(*e));
	if (!e)
		return ptk_set_err(ctx, PTK_ERR_NOMEM, "'%s'", path);
	e->fd = -1;
	e->size = (size_t)sb.st_size;
	st = ptk_source_new(ctx, path, &elf_ops, e, &src);
	if (st != PTK_OK) {
		free(e);
		return st;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		st = ptk_set_err(ctx, PTK_ERR_CORRUPT, "'%s': not a valid ELF "
				 "file: %s", path, elf_errmsg(-1));
		goto fail;
	}
	if (gelf_getclass(elf) != ELFCLASS64 || eh.e_type != ET_CORE ||
	    eh.e_machine != EM_X86_64) {
		st = ptk_set_err(ctx, PTK_ERR_UNSUPPORTED,
				 "'%s': an ELF file, but not an x86-64 core "
				 "dump (class %d, type %u, machine %u)", path,
				 gelf_getclass(elf), eh.e_type, eh.e_machine);
		goto fail;
	}
	e->fd = fd;
	if (!getenv("PTKIT_NO_MMAP")) {
		e->map = mmap(NULL, e->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (e->map == MAP_FAILED)
			e->map = NULL;	/* /proc/kcore: read it instead */
	}
	st = read_phdrs(src, e, elf, &eh);
	if (st != PTK_OK)
		goto fail;
	st = format_meta_regions(src);
	if (st != PTK_OK)
		goto fail;
	if (e->truncated) {
		snprintf(buf, sizeof(buf), "%" PRIu64, e->truncated);
		st = ptk_source_set_meta(src, "PTKIT_TRUNCATED_BYTES", buf);
		if (st != PTK_OK)
			goto fail;
	}
	elf_end(elf);
	*ret = src;
	return PTK_OK;
fail:
	elf_end(elf);
	e->fd = -1;	/* the caller closes it */
	ptk_source_free(src);
	return st;
}

const struct source_format format_elf = {
	.name = "elf",
	.match = elf_match,
	.open = elf_open,
};
