// SPDX-License-Identifier: MIT
/*
 * Rewrite an ELF core with its memory in about N PT_LOAD segments, as
 * filtering tools and fragmented machines write them: half of them over
 * the stored pages, half over the RAM the file does not hold, optionally
 * in a shuffled order.  The notes and the bytes of every page stay the
 * same, so every answer about the file must stay the same too.
 *
 *   splitelf [--holes] IN OUT N [SEED]
 *
 * With --holes each piece of RAM the file does not hold keeps only its
 * first half: the rest is a hole, not RAM, so the RAM ranges do not merge
 * (a machine's firmware-fragmented map, makedumpfile's excluded pages).
 *
 * Past 65534 program headers e_phnum is PN_XNUM and the count is in the
 * sh_info of section header 0, as the gABI has it.
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096u

struct piece {
	uint64_t pa, size, from;	/* from: offset in IN, or 0 if absent */
	int stored;
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "splitelf: %s: %s\n", what, why);
	exit(1);
}

static struct piece *pieces;
static size_t npieces, cap;

static int holes;

static void add(uint64_t pa, uint64_t size, uint64_t from, int stored)
{
	if (holes && !stored && size >= 2 * PAGE)
		size = size / 2 & ~(uint64_t)(PAGE - 1);
	if (npieces == cap) {
		cap = cap ? 2 * cap : 1024;
		pieces = realloc(pieces, cap * sizeof(*pieces));
		if (!pieces)
			die("memory", "out of memory");
	}
	pieces[npieces++] = (struct piece){ pa, size, from, stored };
}

/* [pa, pa + size) in pieces of @step bytes (the last may be shorter) */
static void split(uint64_t pa, uint64_t size, uint64_t from, int stored,
		  uint64_t step)
{
	for (uint64_t at = 0; at < size; at += step)
		add(pa + at, size - at < step ? size - at : step,
		    stored ? from + at : 0, stored);
}

/* pages per piece for at least @n pieces of @pages */
static uint64_t step(uint64_t pages, uint64_t n)
{
	return n && pages / n ? pages / n : 1;
}

static void copy(int in, int out, uint64_t from, uint64_t to, uint64_t len)
{
	static char buf[1 << 20];

	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		if (pread(in, buf, n, (off_t)from) != (ssize_t)n ||
		    pwrite(out, buf, n, (off_t)to) != (ssize_t)n)
			die("copy", "short read or write");
		from += n;
		to += n;
		len -= n;
	}
}

int main(int argc, char **argv)
{
	uint64_t stored_pages = 0, absent_pages = 0, seed = 0;
	uint64_t note_off = 0, note_len = 0, pos;
	size_t nph, want, nstored, nabsent;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	Elf64_Shdr sh;
	GElf_Phdr p;
	Elf *elf;
	int in, out;

	if (argc > 1 && !strcmp(argv[1], "--holes")) {
		holes = 1;
		argv++;
		argc--;
	}
	if (argc < 4 || argc > 5)
		die("usage", "splitelf [--holes] IN OUT N [SEED]");
	want = strtoull(argv[3], NULL, 0);
	if (argc == 5)
		seed = strtoull(argv[4], NULL, 0);
	in = open(argv[1], O_RDONLY);
	if (in < 0 || elf_version(EV_CURRENT) == EV_NONE ||
	    !(elf = elf_begin(in, ELF_C_READ, NULL)) || elf_getphdrnum(elf, &nph))
		die(argv[1], "not an ELF file");
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &p))
			die(argv[1], "bad program header");
		if (p.p_type == PT_NOTE) {
			note_off = p.p_offset;
			note_len = p.p_filesz;
		} else if (p.p_type == PT_LOAD) {
			if (p.p_filesz % PAGE || p.p_memsz % PAGE || p.p_paddr % PAGE)
				die(argv[1], "segments not in whole pages");
			stored_pages += p.p_filesz / PAGE;
			absent_pages += (p.p_memsz - p.p_filesz) / PAGE;
		}
	}
	nstored = want / 2 < stored_pages ? want / 2 : stored_pages;
	nabsent = want - nstored;
	for (size_t i = 0; i < nph; i++) {
		gelf_getphdr(elf, (int)i, &p);
		if (p.p_type != PT_LOAD)
			continue;
		split(p.p_paddr, p.p_filesz, p.p_offset, 1,
		      PAGE * step(stored_pages, nstored));
		split(p.p_paddr + p.p_filesz, p.p_memsz - p.p_filesz, 0, 0,
		      PAGE * step(absent_pages, nabsent));
	}
	elf_end(elf);
	/* Fisher-Yates with a 64-bit LCG: the same SEED, the same file */
	for (size_t i = npieces; seed && i > 1; i--) {
		size_t j;
		struct piece t;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (size_t)((seed >> 33) % i);
		t = pieces[i - 1];
		pieces[i - 1] = pieces[j];
		pieces[j] = t;
	}

	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die(argv[2], "cannot create");
	nph = npieces + 1;
	ph = calloc(nph, sizeof(*ph));
	if (!ph)
		die("memory", "out of memory");
	pos = sizeof(eh) + nph * sizeof(*ph);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = pos,
			      .p_filesz = note_len };
	copy(in, out, note_off, pos, note_len);
	pos = (pos + note_len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	for (size_t i = 0; i < npieces; i++) {
		const struct piece *s = &pieces[i];

		ph[i + 1] = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			.p_offset = pos, .p_paddr = s->pa,
			.p_filesz = s->stored ? s->size : 0, .p_memsz = s->size,
		};
		if (s->stored) {
			copy(in, out, s->from, pos, s->size);
			pos += s->size;
		}
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(*ph);
	eh.e_phnum = nph < PN_XNUM ? (uint16_t)nph : PN_XNUM;
	if (nph >= PN_XNUM) {
		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (uint32_t)nph;
		eh.e_shoff = pos;
		eh.e_shentsize = sizeof(sh);
		eh.e_shnum = 1;
		if (pwrite(out, &sh, sizeof(sh), (off_t)pos) != sizeof(sh))
			die(argv[2], "write");
	}
	if (pwrite(out, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    pwrite(out, ph, nph * sizeof(*ph), sizeof(eh)) !=
		    (ssize_t)(nph * sizeof(*ph)) || close(out))
		die(argv[2], "write");
	printf("%s: %zu memory segments\n", argv[2], npieces);
	free(ph);
	free(pieces);
	close(in);
	return 0;
}
