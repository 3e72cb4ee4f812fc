// SPDX-License-Identifier: MIT
/*
 * Make a file in the layout of /proc/kcore from a dump, for tests on
 * machines without /proc/kcore: a VMCOREINFO note and no CPU notes;
 * PT_LOAD segments with virtual addresses, p_filesz == p_memsz, the RAM
 * ones with p_paddr, the kernel text as an alias inside RAM, vmalloc and
 * vmemmap ones with p_paddr = -1 (fs/proc/kcore.c).
 *
 *   mkkcore DUMP OUT PAGE_OFFSET TEXT_VA TEXT_PA TEXT_SIZE
 *
 * The file is sparse: only the pages the dump holds are written.
 */
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptkit/ptkit.h"

static void die(const char *what, const char *why)
{
	fprintf(stderr, "mkkcore: %s: %s\n", what, why);
	exit(1);
}

int main(int argc, char **argv)
{
	struct ptk_ctx *ctx = ptk_ctx_new();
	const struct ptk_range *ram;
	struct ptk_source *src;
	uint64_t page_offset, text_va, text_pa, text_size;
	size_t nram, nphdr, notesz, vmcisz = 0, off;
	char *vmci = NULL;
	Elf64_Nhdr nh;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	Elf *elf;
	int fd;

	if (argc != 7)
		die("usage", "DUMP OUT PAGE_OFFSET TEXT_VA TEXT_PA TEXT_SIZE");
	page_offset = strtoull(argv[3], NULL, 0);
	text_va = strtoull(argv[4], NULL, 0);
	text_pa = strtoull(argv[5], NULL, 0);
	text_size = strtoull(argv[6], NULL, 0);
	if (ptk_source_open(ctx, argv[1], &src))
		die(argv[1], ptk_ctx_err(ctx));
	ram = ptk_source_ram(src, &nram);
	/* VMCOREINFO text, back from the parsed metadata. */
	for (size_t i = 0; i < ptk_source_meta_count(src); i++) {
		const char *k, *v;

		ptk_source_meta_at(src, i, &k, &v);
		vmci = realloc(vmci, vmcisz + strlen(k) + strlen(v) + 3);
		vmcisz += (size_t)sprintf(vmci + vmcisz, "%s=%s\n", k, v);
	}
	notesz = sizeof(nh) + 12 + ((vmcisz + 3) & ~(size_t)3);

	fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (fd < 0 || !elf || !gelf_newehdr(elf, ELFCLASS64))
		die(argv[2], elf_errmsg(-1));
	gelf_getehdr(elf, &eh);
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	gelf_update_ehdr(elf, &eh);
	nphdr = 1 + 1 + nram + 1;	/* note, text, RAM, vmalloc */
	gelf_newphdr(elf, nphdr);
	off = (sizeof(Elf64_Ehdr) + nphdr * sizeof(Elf64_Phdr) + notesz + 4095) &
	      ~(size_t)4095;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = sizeof(Elf64_Ehdr) + nphdr * sizeof(Elf64_Phdr);
	ph.p_filesz = notesz;
	gelf_update_phdr(elf, 0, &ph);
	/* Kernel text first, as kcore lists it. */
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_W | PF_X;
	ph.p_vaddr = text_va;
	ph.p_paddr = text_pa;
	ph.p_offset = off;
	ph.p_filesz = ph.p_memsz = text_size;
	ph.p_align = 4096;
	gelf_update_phdr(elf, 1, &ph);
	off += text_size;
	for (size_t i = 0; i < nram; i++) {
		ph.p_vaddr = page_offset + ram[i].start;
		ph.p_paddr = ram[i].start;
		ph.p_offset = off;
		ph.p_filesz = ph.p_memsz = ram[i].end - ram[i].start;
		gelf_update_phdr(elf, (int)(2 + i), &ph);
		off += ph.p_filesz;
	}
	ph.p_vaddr = 0xffffc90000000000ull;
	ph.p_paddr = UINT64_MAX;
	ph.p_offset = off;
	ph.p_filesz = ph.p_memsz = 0x100000;
	gelf_update_phdr(elf, (int)nphdr - 1, &ph);
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_update(elf, ELF_C_WRITE) < 0)
		die(argv[2], elf_errmsg(-1));
	elf_end(elf);

	nh.n_namesz = 11;
	nh.n_descsz = (Elf64_Word)vmcisz;
	nh.n_type = 0;
	{
		char *note = calloc(1, notesz);

		memcpy(note, &nh, sizeof(nh));
		memcpy(note + sizeof(nh), "VMCOREINFO", 11);
		memcpy(note + sizeof(nh) + 12, vmci, vmcisz);
		pwrite(fd, note, notesz, (off_t)(sizeof(Elf64_Ehdr) +
						 nphdr * sizeof(Elf64_Phdr)));
		free(note);
	}
	/* The pages the dump holds, at their RAM segment's offset. */
	off = ((sizeof(Elf64_Ehdr) + nphdr * sizeof(Elf64_Phdr) + notesz + 4095) &
	       ~(size_t)4095) + text_size;
	for (size_t i = 0; i < nram; i++) {
		for (uint64_t pa = ram[i].start; pa < ram[i].end; pa += 4096) {
			char page[4096];

			if (ptk_source_page_state(src, pa) == PTK_PAGE_PRESENT &&
			    ptk_source_read(src, pa, page, sizeof(page)) == PTK_OK)
				pwrite(fd, page, sizeof(page),
				       (off_t)(off + pa - ram[i].start));
		}
		off += ram[i].end - ram[i].start;
	}
	ftruncate(fd, (off_t)(off + 0x100000));
	close(fd);
	free(vmci);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return 0;
}
