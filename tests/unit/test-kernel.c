// SPDX-License-Identifier: MIT
/*
 * Symbols, types, tasks and the reverse map of a synthetic kernel: its
 * kallsyms tables encoded as scripts/kallsyms.c writes them, its BTF made
 * with libbpf's own writer, and a task list with a kernel thread, a
 * process with two threads and one that maps a page in its user half.
 *
 *   kernel image  0xffffffff81000000 -> PA 64M, 2M pages
 *     +0          _stext ... _etext = +0x1000
 *     +0x100000   kallsyms tables
 *     +0x200000   BTF
 *     +0x300000   init_task
 *   direct map    0xffff888000000000 -> PA 0, 128M
 *     PA 96M      task_structs, mm_structs, signal_structs
 *     PA 112M     a process's pgd, pud, pmd, pte; it maps user 0x400000
 *                 to PA 120M
 */
#include <inttypes.h>
#include <stdio.h>

#include <bpf/btf.h>

#include "unit.h"

#define IMAGE_VA    UINT64_C(0xffffffff81000000)
#define IMAGE_PA    (64 * MiB)
#define PAGE_OFFSET UINT64_C(0xffff888000000000)
#define KALLSYMS    (IMAGE_VA + 0x100000)
#define BTF_VA      (IMAGE_VA + 0x200000)
#define INIT_TASK   (IMAGE_VA + 0x300000)
#define OBJ_PA      (96 * MiB)
#define PGD_PA      (112 * MiB)
#define USER_PA     (120 * MiB)
#define PF_KTHREAD  0x00200000u

/* The layout the BTF below describes. */
enum {
	T_STATE = 0, T_TASKS = 8, T_PID = 24, T_TGID = 28, T_PARENT = 32,
	T_COMM = 40, T_FLAGS = 56, T_MM = 64, T_SIGNAL = 72, T_THREAD = 80,
	T_EXIT = 96, T_SIZE = 128,
	MM_PGD = 16, MM_SIZE = 64, SIG_HEAD = 8, SIG_SIZE = 32,
};

/* A shadow of the memory the test writes, flushed into the builder. */
struct kernel {
	struct fixture *f;
	unsigned char *img;	/* IMAGE_PA, 4 MiB */
	unsigned char *obj;	/* OBJ_PA, 64 KiB */
	size_t img_used, obj_used;
};

static void *at(struct kernel *k, uint64_t va)
{
	if (va >= IMAGE_VA && va < IMAGE_VA + 4 * MiB) {
		if (va - IMAGE_VA + 64 > k->img_used)
			k->img_used = va - IMAGE_VA + 64;
		return k->img + (va - IMAGE_VA);
	}
	assert_true(va >= PAGE_OFFSET + OBJ_PA &&
		    va < PAGE_OFFSET + OBJ_PA + 64 * KiB);
	if (va - PAGE_OFFSET - OBJ_PA + 64 > k->obj_used)
		k->obj_used = va - PAGE_OFFSET - OBJ_PA + 64;
	return k->obj + (va - PAGE_OFFSET - OBJ_PA);
}

static void put(struct kernel *k, uint64_t va, const void *p, size_t n)
{
	memcpy(at(k, va), p, n);
	at(k, va + n - 1);
}

static void put64(struct kernel *k, uint64_t va, uint64_t v)
{
	put(k, va, &v, 8);
}

static void put32(struct kernel *k, uint64_t va, uint32_t v)
{
	put(k, va, &v, 4);
}

static void flush_range(struct kernel *k, uint64_t pa, unsigned char *mem,
			size_t used)
{
	used = (used + PTK_PAGE_SIZE - 1) & ~(size_t)(PTK_PAGE_SIZE - 1);
	for (size_t off = 0; off < used; off += 8) {
		uint64_t v;

		memcpy(&v, mem + off, 8);
		assert_int_equal(ptk_builder_set(k->f->b, pa + off, v), PTK_OK);
	}
}

static void flush(struct kernel *k)
{
	flush_range(k, IMAGE_PA, k->img, k->img_used);
	flush_range(k, OBJ_PA, k->obj, k->obj_used);
}

static void meta(struct kernel *k, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llx", (unsigned long long)v);
	assert_int_equal(ptk_source_set_meta(k->f->src, key, buf), PTK_OK);
}

/* --- kallsyms, as scripts/kallsyms.c lays it out --- */

struct ksym {
	const char *name;	/* type letter first */
	uint64_t addr;
};

/*
 * Tokens: 0x80 is "init_", every other byte value is its own character.
 * With @abs_percpu, per-CPU ('A') symbols keep their value in the offset
 * and the others count down from base - 1; without, all are base + u32.
 */
static void write_kallsyms(struct kernel *k, const struct ksym *syms,
			   size_t n, bool abs_percpu, bool big_names)
{
	uint64_t base = IMAGE_VA;
	uint64_t offsets = KALLSYMS, relbase = KALLSYMS + 0x8000;
	uint64_t num = relbase + 8, names = num + 8;
	uint64_t p = names, table, index;
	uint16_t tix[256];
	char tokens[2048];
	size_t tlen = 0;

	for (unsigned t = 0; t < 256; t++) {
		tix[t] = (uint16_t)tlen;
		if (t == 0x80) {
			memcpy(tokens + tlen, "init_", 6);
			tlen += 6;
		} else {
			tokens[tlen++] = (char)(t ? t : '?');
			tokens[tlen++] = '\0';
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = syms[i].name;
		unsigned char rec[1024];
		size_t len = 0;
		int32_t off;

		while (*s) {
			if (!strncmp(s, "init_", 5)) {
				rec[len++] = 0x80;
				s += 5;
			} else {
				rec[len++] = (unsigned char)*s++;
			}
		}
		if (len >= 128) {
			unsigned char hdr[2] = { (unsigned char)(0x80 | (len & 0x7f)),
						 (unsigned char)(len >> 7) };

			assert_true(big_names);
			put(k, p, hdr, 2);
			p += 2;
		} else {
			unsigned char hdr = (unsigned char)len;

			put(k, p, &hdr, 1);
			p += 1;
		}
		put(k, p, rec, len);
		p += len;
		if (!abs_percpu)
			off = (int32_t)(uint32_t)(syms[i].addr - base);
		else if (syms[i].name[0] == 'A')
			off = (int32_t)syms[i].addr;
		else
			off = (int32_t)(base - 1 - syms[i].addr);
		put32(k, offsets + 4 * i, (uint32_t)off);
	}
	table = (p + 256) & ~(uint64_t)7;
	index = table + ((tlen + 8) & ~(size_t)7);
	put(k, table, tokens, tlen);
	put(k, index, tix, sizeof(tix));
	put64(k, relbase, base);
	put32(k, num, (uint32_t)n);
	meta(k, "SYMBOL(kallsyms_names)", names);
	meta(k, "SYMBOL(kallsyms_num_syms)", num);
	meta(k, "SYMBOL(kallsyms_token_table)", table);
	meta(k, "SYMBOL(kallsyms_token_index)", index);
	meta(k, "SYMBOL(kallsyms_offsets)", offsets);
	meta(k, "SYMBOL(kallsyms_relative_base)", relbase);
}

/* --- BTF, written by libbpf --- */

/* struct module as 6.1 lays it out, in the parts ptkit reads. */
enum {
	M_STATE = 0, M_LIST = 8, M_NAME = 24, M_SYMS = 208, M_NSYMS = 224,
	M_CORE = 320, M_KALLSYMS = 544, M_SIZE = 600,
	L_BASE = 0, L_SIZE = 8, L_TEXT = 12, L_RO = 16, L_RO_AI = 20,
	KA_SYMTAB = 0, KA_NUM = 8, KA_STRTAB = 16, KA_TYPETAB = 24,
};

static void add_module_btf(struct btf *btf, int u32, int s32, int chr, int lh)
{
	int voidp = btf__add_ptr(btf, 0);
	int layout = btf__add_struct(btf, "module_layout", 80);
	int kallsyms, ksym, name, module, state;

	btf__add_field(btf, "base", voidp, L_BASE * 8, 0);
	btf__add_field(btf, "size", u32, L_SIZE * 8, 0);
	btf__add_field(btf, "text_size", u32, L_TEXT * 8, 0);
	btf__add_field(btf, "ro_size", u32, L_RO * 8, 0);
	btf__add_field(btf, "ro_after_init_size", u32, L_RO_AI * 8, 0);
	kallsyms = btf__add_struct(btf, "mod_kallsyms", 32);
	btf__add_field(btf, "symtab", voidp, KA_SYMTAB * 8, 0);
	btf__add_field(btf, "num_symtab", u32, KA_NUM * 8, 0);
	btf__add_field(btf, "strtab", voidp, KA_STRTAB * 8, 0);
	btf__add_field(btf, "typetab", voidp, KA_TYPETAB * 8, 0);
	ksym = btf__add_struct(btf, "kernel_symbol", 12);
	btf__add_field(btf, "value_offset", s32, 0, 0);
	btf__add_field(btf, "name_offset", s32, 32, 0);
	btf__add_field(btf, "namespace_offset", s32, 64, 0);
	state = btf__add_enum(btf, "module_state", 4);
	btf__add_enum_value(btf, "MODULE_STATE_LIVE", 0);
	btf__add_enum_value(btf, "MODULE_STATE_UNFORMED", 3);
	name = btf__add_array(btf, u32, chr, 56);
	module = btf__add_struct(btf, "module", M_SIZE);
	btf__add_field(btf, "state", state, M_STATE * 8, 0);
	btf__add_field(btf, "list", lh, M_LIST * 8, 0);
	btf__add_field(btf, "name", name, M_NAME * 8, 0);
	btf__add_field(btf, "syms", voidp, M_SYMS * 8, 0);
	btf__add_field(btf, "num_syms", u32, M_NSYMS * 8, 0);
	btf__add_field(btf, "core_layout", layout, M_CORE * 8, 0);
	btf__add_field(btf, "kallsyms", voidp, M_KALLSYMS * 8, 0);
	assert_true(voidp > 0 && layout > 0 && kallsyms > 0 && ksym > 0 &&
		    module > 0);
}

static size_t write_btf(struct kernel *k)
{
	struct btf *btf = btf__new_empty();
	const void *raw;
	uint32_t size;
	int u32, s32, chr, ulong, lh, lh_ptr, task, task_ptr, mm, mm_ptr, sig;
	int sig_ptr, comm, anon, pgd_ptr;

	assert_non_null(btf);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	s32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	chr = btf__add_int(btf, "char", 1, BTF_INT_CHAR);
	ulong = btf__add_int(btf, "long unsigned int", 8, 0);
	lh = btf__add_struct(btf, "list_head", 16);
	lh_ptr = lh + 1;	/* the next type: a pointer to it */
	btf__add_field(btf, "next", lh_ptr, 0, 0);
	btf__add_field(btf, "prev", lh_ptr, 64, 0);
	assert_int_equal(btf__add_ptr(btf, lh), lh_ptr);
	comm = btf__add_array(btf, u32, chr, 16);
	anon = btf__add_struct(btf, NULL, 16);
	btf__add_field(btf, "tasks", lh, 0, 0);
	/* ids to come: task, task*, mm, mm*, pgd*, signal, signal* */
	task = anon + 1;
	task_ptr = task + 1;
	mm = task + 2;
	mm_ptr = task + 3;
	pgd_ptr = task + 4;
	sig = task + 5;
	sig_ptr = task + 6;
	assert_int_equal(btf__add_struct(btf, "task_struct", T_SIZE), task);
	btf__add_field(btf, "__state", u32, T_STATE * 8, 0);
	btf__add_field(btf, NULL, anon, T_TASKS * 8, 0);
	btf__add_field(btf, "pid", s32, T_PID * 8, 0);
	btf__add_field(btf, "tgid", s32, T_TGID * 8, 0);
	btf__add_field(btf, "real_parent", task_ptr, T_PARENT * 8, 0);
	btf__add_field(btf, "comm", comm, T_COMM * 8, 0);
	btf__add_field(btf, "flags", u32, T_FLAGS * 8, 0);
	btf__add_field(btf, "mm", mm_ptr, T_MM * 8, 0);
	btf__add_field(btf, "signal", sig_ptr, T_SIGNAL * 8, 0);
	btf__add_field(btf, "thread_node", lh, T_THREAD * 8, 0);
	btf__add_field(btf, "exit_state", s32, T_EXIT * 8, 0);
	btf__add_field(btf, "in_execve", u32, T_EXIT * 8 + 32, 1);
	assert_int_equal(btf__add_ptr(btf, task), task_ptr);
	assert_int_equal(btf__add_struct(btf, "mm_struct", MM_SIZE), mm);
	btf__add_field(btf, "pgd", pgd_ptr, MM_PGD * 8, 0);
	assert_int_equal(btf__add_ptr(btf, mm), mm_ptr);
	assert_int_equal(btf__add_ptr(btf, ulong), pgd_ptr);
	assert_int_equal(btf__add_struct(btf, "signal_struct", SIG_SIZE), sig);
	btf__add_field(btf, "nr_threads", s32, 0, 0);
	btf__add_field(btf, "thread_head", lh, SIG_HEAD * 8, 0);
	assert_int_equal(btf__add_ptr(btf, sig), sig_ptr);
	add_module_btf(btf, u32, s32, chr, lh);
	assert_true(btf__add_enum(btf, "zone_stat_item", 4) > 0);
	btf__add_enum_value(btf, "NR_FREE_PAGES", 0);
	btf__add_enum_value(btf, "NR_ZONE_LRU_BASE", 1);
	raw = btf__raw_data(btf, &size);
	assert_non_null(raw);
	put(k, BTF_VA, raw, size);
	btf__free(btf);
	return size;
}

/* --- tasks --- */

static uint64_t obj(unsigned i)
{
	return PAGE_OFFSET + OBJ_PA + (uint64_t)i * 0x400;
}

static void task(struct kernel *k, uint64_t t, int pid, int tgid,
		 uint64_t parent, const char *comm, uint32_t flags,
		 uint64_t mm, uint64_t sig, uint32_t state)
{
	char name[16] = { 0 };

	strncpy(name, comm, sizeof(name) - 1);
	put32(k, t + T_STATE, state);
	put32(k, t + T_PID, (uint32_t)pid);
	put32(k, t + T_TGID, (uint32_t)tgid);
	put64(k, t + T_PARENT, parent);
	put(k, t + T_COMM, name, 16);
	put32(k, t + T_FLAGS, flags);
	put64(k, t + T_MM, mm);
	put64(k, t + T_SIGNAL, sig);
	put32(k, t + T_EXIT, 0);
}

static void link_list(struct kernel *k, const uint64_t *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put64(k, nodes[i], nodes[(i + 1) % n]);
		put64(k, nodes[i] + 8, nodes[(i + n - 1) % n]);
	}
}

/*
 * init_task (pid 0), init (1, mm A, maps user 0x400000), kthreadd (2,
 * kernel thread), app (100, mm B) with its thread 101.
 */
static void write_tasks(struct kernel *k)
{
	uint64_t init = obj(0), kthreadd = obj(1), app = obj(2), thr = obj(3);
	uint64_t mm_a = obj(4), mm_b = obj(5), sig = obj(6), sig1 = obj(7);
	uint64_t tasks[] = { INIT_TASK + T_TASKS, init + T_TASKS,
			     kthreadd + T_TASKS, app + T_TASKS };
	uint64_t threads[] = { sig + SIG_HEAD, app + T_THREAD, thr + T_THREAD };
	uint64_t one[] = { sig1 + SIG_HEAD, init + T_THREAD };

	task(k, INIT_TASK, 0, 0, INIT_TASK, "swapper/0", PF_KTHREAD, 0, 0, 0);
	task(k, init, 1, 1, INIT_TASK, "init", 0, mm_a, sig1, 1);
	task(k, kthreadd, 2, 2, INIT_TASK, "kthreadd", PF_KTHREAD, 0, 0, 0x402);
	task(k, app, 100, 100, init, "app", 0, mm_b, sig, 0);
	task(k, thr, 101, 100, init, "app-worker", 0, mm_b, sig, 2);
	link_list(k, tasks, 4);
	link_list(k, threads, 3);
	link_list(k, one, 2);
	put64(k, mm_a + MM_PGD, PAGE_OFFSET + PGD_PA);
	put64(k, mm_b + MM_PGD, PAGE_OFFSET + PGD_PA + 0x10000);
}

/*
 * Module "demo": text, rodata and data at +0x380000 (4K each), two
 * symbols in its own kallsyms besides the empty first one; it exports
 * the second.  A module still being formed sits on the list too.
 */
#define MODULES     (INIT_TASK + 0x3000)
#define MOD_BASE    (IMAGE_VA + 0x380000)

static void write_module(struct kernel *k)
{
	uint64_t mod = obj(10), unformed = obj(16);
	uint64_t symtab = obj(11), strtab = obj(12), typetab = obj(13);
	/* the exports sit in the module's rodata: 32-bit offsets reach */
	uint64_t ka = obj(14), ksyms = MOD_BASE + 0x1800;
	uint64_t list[] = { MODULES, mod + M_LIST, unformed + M_LIST };
	char name[56] = "demo", strs[] = "\0mod_fn\0mod_export";
	unsigned char types[3] = { 0, 't', 't' };
	uint64_t values[3] = { 0, MOD_BASE + 0x10, MOD_BASE + 0x20 };
	uint32_t names[3] = { 0, 1, 8 };

	put32(k, unformed + M_STATE, 3);
	put(k, unformed + M_NAME, "half", 5);
	put32(k, mod + M_STATE, 0);
	put(k, mod + M_NAME, name, sizeof(name));
	put64(k, mod + M_CORE + L_BASE, MOD_BASE);
	put32(k, mod + M_CORE + L_SIZE, 0x3000);
	put32(k, mod + M_CORE + L_TEXT, 0x1000);
	put32(k, mod + M_CORE + L_RO, 0x2000);
	put32(k, mod + M_CORE + L_RO_AI, 0x2000);
	put64(k, mod + M_KALLSYMS, ka);
	put64(k, ka + KA_SYMTAB, symtab);
	put32(k, ka + KA_NUM, 3);
	put64(k, ka + KA_STRTAB, strtab);
	put64(k, ka + KA_TYPETAB, typetab);
	for (unsigned i = 0; i < 3; i++) {
		put32(k, symtab + 24 * i, names[i]);
		put64(k, symtab + 24 * i + 8, values[i]);
	}
	put(k, strtab, strs, sizeof(strs));
	put(k, typetab, types, 3);
	/* kernel_symbol: 32-bit offsets from the fields themselves */
	put64(k, mod + M_SYMS, ksyms);
	put32(k, mod + M_NSYMS, 1);
	put32(k, ksyms, (uint32_t)(values[2] - ksyms));
	put(k, ksyms + 0x100, "mod_export", 11);
	put32(k, ksyms + 4, (uint32_t)(ksyms + 0x100 - (ksyms + 4)));
	link_list(k, list, 3);
}

/* A process's tables: the kernel's top half, and user 0x400000 ->
 * USER_PA, 4K, in its own pud, pmd and pte pages. */
static void write_user_tables(struct kernel *k, uint64_t pgd)
{
	uint64_t root[PTK_ENTRIES];
	const uint64_t *kroot;

	assert_int_equal(ptk_source_table(k->f->src, k->f->pg.root, root,
					  &kroot), PTK_OK);
	memcpy(root, kroot, sizeof(root));
	for (unsigned i = 0; i < PTK_ENTRIES; i++)
		assert_int_equal(ptk_builder_set(k->f->b, pgd + 8 * i,
						 i < 256 ? 0 : root[i]), PTK_OK);
	assert_int_equal(ptk_builder_set(k->f->b, pgd, (pgd + 0x1000) | 0x67),
			 PTK_OK);
	assert_int_equal(ptk_builder_set(k->f->b, pgd + 0x1000,
					 (pgd + 0x2000) | 0x67), PTK_OK);
	assert_int_equal(ptk_builder_set(k->f->b, pgd + 0x2000 + 8 * 2,
					 (pgd + 0x3000) | 0x67), PTK_OK);
	assert_int_equal(ptk_builder_set(k->f->b, pgd + 0x3000,
			 USER_PA | 0x67 | (UINT64_C(1) << 63)), PTK_OK);
}

static const struct ksym base_syms[] = {
	{ "Afixed_percpu_data", 0 },
	{ "Acpu_tss_rw", 0x6000 },
	{ "T_stext", IMAGE_VA },
	{ "T_text", IMAGE_VA },
	{ "tstartup_64", IMAGE_VA },
	{ "Tdo_work", IMAGE_VA + 0x100 },
	{ "Tinit_work", IMAGE_VA + 0x180 },
	{ "T_etext", IMAGE_VA + 0x1000 },
	{ "R__start_BTF", BTF_VA },
	{ "R__stop_BTF", 0 },		/* set when the BTF's size is known */
	{ "Dinit_task", INIT_TASK },
	{ "dlocal_thing", INIT_TASK + 0x1000 },
	{ "Dlocal_thing", INIT_TASK + 0x2000 },
	{ "B_end", INIT_TASK + 0x10000 },
	{ "Dmodules", MODULES },
};

static struct kernel *kernel_new(bool abs_percpu)
{
	struct kernel *k = calloc(1, sizeof(*k));
	struct ksym syms[sizeof(base_syms) / sizeof(base_syms[0])];
	size_t btf_size;

	assert_non_null(k);
	k->img = calloc(1, 4 * MiB);
	k->obj = calloc(1, 64 * KiB);
	assert_true(k->img && k->obj);
	k->f = fixture_new(4);
	assert_int_equal(ptk_source_add_ram(k->f->src, 0, 128 * MiB), PTK_OK);
	fixture_map(k->f, PAGE_OFFSET, 0, 128 * MiB, 2, PTK_F_RW | PTK_F_NX);
	fixture_map(k->f, IMAGE_VA, IMAGE_PA, 4 * MiB, 2, PTK_F_RW);
	assert_int_equal(ptk_source_set_meta(k->f->src, "OSRELEASE", "6.1.0"),
			 PTK_OK);
	meta(k, "SYMBOL(_stext)", IMAGE_VA);
	btf_size = write_btf(k);
	memcpy(syms, base_syms, sizeof(syms));
	syms[9].addr = BTF_VA + btf_size;
	write_kallsyms(k, syms, sizeof(syms) / sizeof(syms[0]), abs_percpu,
		       false);
	write_tasks(k);
	write_module(k);
	flush(k);
	write_user_tables(k, PGD_PA);
	write_user_tables(k, PGD_PA + 0x10000);
	return k;
}

static void kernel_free(struct kernel *k)
{
	fixture_free(k->f);
	free(k->img);
	free(k->obj);
	free(k);
}

/* --- the tests --- */

static void symbols_both_address_encodings(void **state)
{
	(void)state;
	for (int abs_percpu = 0; abs_percpu < 2; abs_percpu++) {
		struct kernel *k = kernel_new(abs_percpu);
		struct ptk_symbols *syms;
		const struct ptk_symbol *s;
		uint64_t off;

		assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg,
							   &syms), PTK_OK);
		assert_int_equal(ptk_symbols_count(syms), 15);
		s = ptk_symbols_find(syms, "init_task");
		assert_non_null(s);
		assert_int_equal(s->addr, INIT_TASK);
		assert_int_equal(s->type, 'D');
		/* "init_" came through the multi-character token */
		assert_non_null(ptk_symbols_find(syms, "init_work"));
		/* sorted by address; the per-CPU ones first */
		assert_string_equal(ptk_symbols_at(syms, 0)->name,
				    "fixed_percpu_data");
		assert_int_equal(ptk_symbols_at(syms, 1)->addr, 0x6000);
		/* aliases keep kallsyms' order; lookups name the first */
		assert_string_equal(ptk_symbols_at(syms, 2)->name, "_stext");
		s = ptk_symbols_lookup(syms, IMAGE_VA + 0x10, &off);
		assert_string_equal(s->name, "_stext");
		assert_int_equal(off, 0x10);
		s = ptk_symbols_lookup(syms, IMAGE_VA + 0x17f, &off);
		assert_string_equal(s->name, "do_work");
		assert_int_equal(s->size, 0x80);
		/* a global is preferred to a local of the same name */
		assert_int_equal(ptk_symbols_find(syms, "local_thing")->type,
				 'D');
		/* per-CPU offsets and addresses past _end name nothing */
		assert_null(ptk_symbols_lookup(syms, 0x6008, NULL));
		assert_null(ptk_symbols_lookup(syms, INIT_TASK + 0x10000 + 1,
					       NULL));
		assert_non_null(ptk_symbols_lookup(syms, INIT_TASK + 0x2fff,
						   NULL));
		assert_string_equal(ptk_symbols_origin(syms),
				    "kallsyms in the dump (VMCOREINFO "
				    "SYMBOL(kallsyms_names))");
		ptk_symbols_free(syms);
		kernel_free(k);
	}
}

/* A kernel whose kallsyms has a 199-character name: 6.1's two-byte
 * lengths. */
static struct kernel *kernel_long_names(void)
{
	struct kernel *k = kernel_new(true);
	char longname[300];
	struct ksym syms[3];

	memset(longname, 'x', sizeof(longname));
	longname[0] = 'T';
	longname[200] = '\0';
	syms[0] = (struct ksym){ "T_stext", IMAGE_VA };
	syms[1] = (struct ksym){ longname, IMAGE_VA + 0x10 };
	syms[2] = (struct ksym){ "Tafter", IMAGE_VA + 0x20 };
	write_kallsyms(k, syms, 3, true, true);
	flush(k);
	return k;
}

static void symbols_long_names(void **state)
{
	struct kernel *k = kernel_long_names();
	struct ptk_symbols *s;

	(void)state;
	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg, &s),
			 PTK_OK);
	assert_int_equal(strlen(ptk_symbols_at(s, 1)->name), 199);
	assert_string_equal(ptk_symbols_at(s, 2)->name, "after");
	ptk_symbols_free(s);
	kernel_free(k);
}

static void symbols_refused(void **state)
{
	struct kernel *k = kernel_new(true);
	struct ptk_symbols *s = NULL;

	(void)state;
	/* _stext is not where VMCOREINFO says: no reading fits */
	meta(k, "SYMBOL(_stext)", IMAGE_VA + 0x1000);
	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg, &s),
			 PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "_stext"));
	meta(k, "SYMBOL(_stext)", IMAGE_VA);
	/* an absurd count */
	put32(k, KALLSYMS + 0x8008, 0x7fffffff);
	flush(k);
	ptk_ctx_clear_err(k->f->ctx);
	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg, &s),
			 PTK_ERR_CORRUPT);
	/* more symbols than the names hold: the read runs off the image */
	put32(k, KALLSYMS + 0x8008, 100000);
	flush(k);
	ptk_ctx_clear_err(k->f->ctx);
	assert_int_not_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg,
						       &s), PTK_OK);
	/* older kernels: no kallsyms in VMCOREINFO */
	assert_int_equal(ptk_source_set_meta(k->f->src,
					     "SYMBOL(kallsyms_names)", "zz"),
			 PTK_OK);
	ptk_ctx_clear_err(k->f->ctx);
	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg, &s),
			 PTK_ERR_NODATA);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx),
			       "SYMBOL(kallsyms_names)"));
	assert_null(s);
	kernel_free(k);
}

/* Every name kallsyms has, looked up alone, is where the whole table
 * puts it; names it has not (a prefix, a longer name) are not found. */
static void kallsyms_find_agrees(struct kernel *k)
{
	struct ptk_symbols *syms;
	uint64_t addr;

	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg,
						   &syms), PTK_OK);
	for (size_t i = 0; i < ptk_symbols_count(syms); i++) {
		const char *name = ptk_symbols_at(syms, i)->name;

		addr = 1;
		assert_int_equal(ptk_kallsyms_find(k->f->src, &k->f->pg, name,
						   &addr), PTK_OK);
		assert_int_equal(addr, ptk_symbols_find(syms, name)->addr);
	}
	ptk_symbols_free(syms);
	for (const char *const *n = (const char *const[]){ "init_tas",
		"init_task2", "", "nothing", NULL }; *n; n++)
		assert_int_equal(ptk_kallsyms_find(k->f->src, &k->f->pg, *n,
						   &addr), PTK_ERR_NODATA);
}

static void kallsyms_find(void **state)
{
	struct kernel *k;
	uint64_t addr = 0;

	(void)state;
	for (int abs_percpu = 0; abs_percpu < 2; abs_percpu++) {
		k = kernel_new(abs_percpu);
		kallsyms_find_agrees(k);
		/* the global of two that share a name */
		assert_int_equal(ptk_kallsyms_find(k->f->src, &k->f->pg,
						   "local_thing", &addr),
				 PTK_OK);
		assert_int_equal(addr, INIT_TASK + 0x2000);
		kernel_free(k);
	}
	k = kernel_long_names();
	kallsyms_find_agrees(k);
	/* _stext is not where VMCOREINFO says: no reading fits */
	meta(k, "SYMBOL(_stext)", IMAGE_VA + 0x1000);
	assert_int_equal(ptk_kallsyms_find(k->f->src, &k->f->pg, "after",
					   &addr), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "_stext"));
	/* more symbols than the names hold */
	meta(k, "SYMBOL(_stext)", IMAGE_VA);
	put32(k, KALLSYMS + 0x8008, 100000);
	flush(k);
	assert_int_not_equal(ptk_kallsyms_find(k->f->src, &k->f->pg, "after",
					       &addr), PTK_OK);
	kernel_free(k);
}

static void types_from_btf(void **state)
{
	struct kernel *k = kernel_new(true);
	struct ptk_symbols *syms;
	struct ptk_types *t;
	struct ptk_member m;
	uint64_t size, addr;
	int64_t v;

	(void)state;
	assert_int_equal(ptk_symbols_from_kallsyms(k->f->src, &k->f->pg,
						   &syms), PTK_OK);
	assert_int_equal(ptk_types_from_btf(k->f->src, &k->f->pg, syms, &t),
			 PTK_OK);
	ptk_types_btf(t, &addr, &size);
	assert_int_equal(addr, BTF_VA);
	assert_int_equal(ptk_types_size(t, "task_struct", &size), PTK_OK);
	assert_int_equal(size, T_SIZE);
	/* inside the anonymous struct */
	assert_int_equal(ptk_types_member(t, "task_struct", "tasks", &m),
			 PTK_OK);
	assert_int_equal(m.offset, T_TASKS);
	assert_int_equal(m.size, 16);
	assert_int_equal(ptk_types_member(t, "task_struct", "thread_node.prev",
					  &m), PTK_OK);
	assert_int_equal(m.offset, T_THREAD + 8);
	assert_int_equal(ptk_types_member(t, "task_struct", "comm", &m),
			 PTK_OK);
	assert_int_equal(m.size, 16);
	assert_int_equal(m.elem, 1);
	assert_int_equal(ptk_types_member(t, "task_struct", "in_execve", &m),
			 PTK_ERR_UNSUPPORTED);
	assert_int_equal(ptk_types_member(t, "task_struct", "nope", &m),
			 PTK_ERR_NODATA);
	assert_int_equal(ptk_types_member(t, "nope_struct", "x", &m),
			 PTK_ERR_NODATA);
	assert_int_equal(ptk_types_enum(t, NULL, "NR_ZONE_LRU_BASE", &v),
			 PTK_OK);
	assert_int_equal(v, 1);
	assert_int_equal(ptk_types_enum(t, "zone_stat_item", "NR_FREE_PAGES",
					&v), PTK_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ptk_types_enum(t, "node_stat_item", "NR_FREE_PAGES",
					&v), PTK_ERR_NODATA);
	ptk_types_free(t);
	/* bytes that are not BTF */
	put32(k, BTF_VA, 0xdeadbeef);
	flush(k);
	assert_int_equal(ptk_types_from_btf(k->f->src, &k->f->pg, syms, &t),
			 PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(k->f->ctx), "libbpf"));
	ptk_symbols_free(syms);
	kernel_free(k);
}

struct loaded {
	struct kernel *k;
	struct ptk_symbols *syms;
	struct ptk_types *types;
};

static void load(struct loaded *l)
{
	l->k = kernel_new(true);
	assert_int_equal(ptk_symbols_from_kallsyms(l->k->f->src, &l->k->f->pg,
						   &l->syms), PTK_OK);
	assert_int_equal(ptk_types_from_btf(l->k->f->src, &l->k->f->pg,
					    l->syms, &l->types), PTK_OK);
}

static void unload(struct loaded *l)
{
	ptk_types_free(l->types);
	ptk_symbols_free(l->syms);
	kernel_free(l->k);
}

static void tasks_and_threads(void **state)
{
	struct loaded l;
	struct ptk_tasks ts;
	const struct ptk_task *t;

	(void)state;
	load(&l);
	assert_int_equal(ptk_tasks_read(l.k->f->src, &l.k->f->pg, l.syms,
					 l.types, 0, &ts), PTK_OK);
	assert_int_equal(ts.n, 3);
	assert_int_equal(ts.task[0].pid, 1);
	assert_int_equal(ts.task[1].pid, 2);
	assert_int_equal(ts.task[2].pid, 100);
	t = &ts.task[0];
	assert_string_equal(t->comm, "init");
	assert_int_equal(t->ppid, 0);
	assert_false(t->kernel_thread);
	assert_int_equal(t->pgd, PGD_PA);
	assert_int_equal(t->state, 'S');
	t = &ts.task[1];
	assert_true(t->kernel_thread);
	assert_int_equal(t->mm, 0);
	assert_int_equal(t->pgd, 0);
	assert_int_equal(t->state, 'I');
	assert_int_equal(ts.task[2].ppid, 1);
	assert_int_equal(ts.task[2].state, 'R');
	ptk_tasks_release(&ts);

	assert_int_equal(ptk_tasks_read(l.k->f->src, &l.k->f->pg, l.syms,
					 l.types, PTK_TASKS_THREADS, &ts),
			 PTK_OK);
	assert_int_equal(ts.n, 4);
	t = ptk_tasks_find(&ts, 101);
	assert_non_null(t);
	assert_int_equal(t->tgid, 100);
	assert_string_equal(t->comm, "app-worker");
	assert_int_equal(t->pgd, PGD_PA + 0x10000);
	assert_int_equal(t->state, 'D');
	assert_ptr_equal(t, &ts.task[3]);
	assert_null(ptk_tasks_find(&ts, 7));
	ptk_tasks_release(&ts);
	unload(&l);
}

static void tasks_that_loop(void **state)
{
	struct loaded l;
	struct ptk_tasks ts = { 0 };

	(void)state;
	load(&l);
	/* app's next is init again: a loop that never reaches init_task */
	put64(l.k, obj(2) + T_TASKS, obj(0) + T_TASKS);
	flush(l.k);
	assert_int_equal(ptk_tasks_read(l.k->f->src, &l.k->f->pg, l.syms,
					 l.types, 0, &ts), PTK_ERR_CORRUPT);
	assert_non_null(strstr(ptk_ctx_err(l.k->f->ctx), "comes twice"));
	assert_null(ts.task);
	/* a next pointer into nothing */
	put64(l.k, obj(2) + T_TASKS, UINT64_C(0xffffc90000000000));
	flush(l.k);
	ptk_ctx_clear_err(l.k->f->ctx);
	assert_int_equal(ptk_tasks_read(l.k->f->src, &l.k->f->pg, l.syms,
					 l.types, 0, &ts), PTK_ERR_NODATA);
	unload(&l);
}

struct hits {
	struct ptk_rmap_hit h[16];
	size_t n;
};

static enum ptk_status collect(const struct ptk_rmap_hit *h, void *priv)
{
	struct hits *hs = priv;

	assert_true(hs->n < 16);
	hs->h[hs->n++] = *h;
	return PTK_OK;
}

/* The kernel's space, then the process's: its user half from PGD_PA. */
static void kernel_and_process(struct ptk_rmap_space sp[2],
			       const struct loaded *l)
{
	memset(sp, 0, 2 * sizeof(*sp));
	sp[0].pg = l->k->f->pg;
	sp[1].pg = l->k->f->pg;
	sp[1].pg.root = PGD_PA;
	sp[1].end = UINT64_C(1) << 47;
}

static void rmap_one_pass(void **state)
{
	struct loaded l;
	struct ptk_rmap_space sp[3] = { 0 };
	struct ptk_range pfns[] = {
		{ 5, 6 },	/* in the direct map only */
		{ USER_PA >> 12, (USER_PA >> 12) + 1 },
	};
	struct hits hs = { .n = 0 };
	uint64_t nbad = 7;

	(void)state;
	load(&l);
	kernel_and_process(sp, &l);
	sp[2].pg = l.k->f->pg;
	sp[2].pg.root = 512 * MiB;	/* outside RAM: a bad space */
	sp[2].end = UINT64_C(1) << 47;
	assert_int_equal(ptk_rmap(l.k->f->src, sp, 3, pfns, 2, collect, &hs,
				  &nbad), PTK_OK);
	assert_int_equal(nbad, 1);
	assert_int_equal(hs.n, 3);
	assert_int_equal(hs.h[0].pfn, 5);
	assert_int_equal(hs.h[0].va, PAGE_OFFSET + 0x5000);
	assert_int_equal(hs.h[0].level, 2);
	assert_int_equal(hs.h[1].pfn, USER_PA >> 12);
	assert_int_equal(hs.h[1].space, 0);
	assert_int_equal(hs.h[2].space, 1);
	assert_int_equal(hs.h[2].va, 0x400000);
	assert_int_equal(hs.h[2].level, 1);
	assert_true(hs.h[2].eff & PTK_F_US);
	assert_true(hs.h[2].eff & PTK_F_NX);
	unload(&l);
}

static enum ptk_status count_hit(const struct ptk_rmap_hit *h, void *priv)
{
	(void)h;
	++*(size_t *)priv;
	return PTK_OK;
}

/*
 * Every hit of the walks becomes a record, sorted by frame, space and
 * address, whichever order the walks met them in: the kernel's direct map
 * and image map frames twice, the process maps one a second time.
 */
static void rmap_records_sorted(void **state)
{
	struct loaded l;
	struct ptk_rmap_space sp[2];
	struct ptk_rmap_spaces sps = { .space = sp, .n = 2 };
	struct ptk_range pfns[] = { { 0, (128 * MiB) >> 12 } };
	struct ptk_rmap_recs recs;
	size_t hits = 0, user = 0;

	(void)state;
	load(&l);
	kernel_and_process(sp, &l);
	assert_int_equal(ptk_rmap(l.k->f->src, sp, 2, pfns, 1, count_hit, &hits,
				  NULL), PTK_OK);
	assert_int_equal(ptk_rmap_collect(l.k->f->src, &sps, NULL, pfns, 1,
					  &recs), PTK_OK);
	assert_int_equal(recs.n, hits);
	assert_true(recs.n > 1000);
	for (size_t i = 1; i < recs.n; i++) {
		const struct ptk_rmap_rec *a = &recs.rec[i - 1], *b = &recs.rec[i];

		assert_true(a->pfn < b->pfn ||
			    (a->pfn == b->pfn && (a->space < b->space ||
			     (a->space == b->space && a->va <= b->va))));
		user += b->space == 1 && b->pfn == USER_PA >> 12;
	}
	assert_int_equal(user, 1);
	ptk_rmap_recs_release(&recs);
	unload(&l);
}

/* One space per mm, owned by its first task; kernel threads have none. */
static void rmap_spaces_and_runs(void **state)
{
	struct ptk_task t[4] = {
		{ .tgid = 1, .mm = 0x1000, .pgd = 0x5000 },
		{ .tgid = 2 },				/* a kernel thread */
		{ .tgid = 3, .mm = 0x2000, .pgd = 0x6000 },
		{ .tgid = 4, .mm = 0x1000, .pgd = 0x5000 },	/* a clone */
	};
	struct ptk_tasks tasks = { t, 4 };
	struct ptk_paging kpg = { .levels = 4, .root = 0x1000 };
	struct ptk_rmap_spaces sp;
	struct ptk_rmap_run runs[] = {
		{ 1, 0x402000, 0x12, 1, 1, PTK_F_RW },
		{ 0, 0xffff888000011000, 0x11, 1, 1, PTK_F_RW },
		{ 1, 0x401000, 0x11, 1, 1, PTK_F_RW },
		{ 1, 0x403000, 0x13, 1, 1, 0 },		/* other flags */
		{ 0, 0xffff888000012000, 0x12, 1, 2, PTK_F_RW },
		{ 1, 0x400000, 0x10, 1, 1, PTK_F_RW },
	};

	(void)state;
	assert_int_equal(ptk_rmap_spaces_of(&kpg, &tasks, &sp), PTK_OK);
	assert_int_equal(sp.n, 3);
	assert_null(sp.task[0]);
	assert_int_equal(sp.space[0].pg.root, 0x1000);
	assert_int_equal(sp.space[0].end, 0);
	assert_ptr_equal(sp.task[1], &t[0]);
	assert_int_equal(sp.space[1].pg.root, 0x5000);
	assert_int_equal(sp.space[1].end, UINT64_C(1) << 47);
	assert_ptr_equal(sp.task[2], &t[2]);
	ptk_rmap_spaces_release(&sp);
	assert_int_equal(ptk_rmap_spaces_of(&kpg, NULL, &sp), PTK_OK);
	assert_int_equal(sp.n, 1);
	ptk_rmap_spaces_release(&sp);

	/* the kernel's two (levels differ) stay apart; the user's first
	 * three continue each other, the fourth's flags differ */
	assert_int_equal(ptk_rmap_merge(runs, 6), 4);
	assert_int_equal(runs[0].space, 0);
	assert_int_equal(runs[0].pfn, 0x11);
	assert_int_equal(runs[1].space, 0);
	assert_int_equal(runs[1].level, 2);
	assert_int_equal(runs[2].va, 0x400000);
	assert_int_equal(runs[2].pfn, 0x10);
	assert_int_equal(runs[2].pages, 3);
	assert_int_equal(runs[3].va, 0x403000);
	assert_int_equal(runs[3].pages, 1);
	assert_int_equal(ptk_rmap_merge(runs, 0), 0);
}

static enum ptk_status first_user_leaf(const struct ptk_walk_entry *e,
					void *priv)
{
	struct ptk_walk_entry *got = priv;

	if (e->va < (UINT64_C(1) << 47) && !got->level)
		*got = *e;
	return PTK_OK;
}

/*
 * Two top tables, as PTI gives a process: the user half from one (here
 * the second process's, remapped to USER_PA + 4K without NX), the kernel
 * half from the other.  Every reader takes each half from its own root.
 */
static void two_roots(void **state)
{
	static const struct ptk_walk_ops ops = { .leaf = first_user_leaf };
	struct kernel *k = kernel_new(true);
	struct ptk_paging pg = k->f->pg;
	uint64_t va[2] = { 0x400000, IMAGE_VA + 0x1000 };
	struct ptk_xlat x, many[2];
	struct ptk_xlat_brief brief[2];
	struct ptk_walk_entry got = { 0 };
	struct ptk_census c;

	(void)state;
	assert_int_equal(ptk_builder_set(k->f->b, PGD_PA + 0x13000,
					 (USER_PA + 0x1000) | 0x67), PTK_OK);
	pg.root = PGD_PA;
	pg.user_root = PGD_PA + 0x10000;
	assert_int_equal(ptk_translate(k->f->src, &pg, va[0], &x), PTK_OK);
	assert_int_equal(x.pa, USER_PA + 0x1000);
	assert_false(x.eff & PTK_F_NX);
	assert_int_equal(x.path[0].table_pa, PGD_PA + 0x10000);
	assert_int_equal(ptk_translate(k->f->src, &pg, va[1], &x), PTK_OK);
	assert_int_equal(x.pa, IMAGE_PA + 0x1000);
	assert_int_equal(x.path[0].table_pa, PGD_PA);
	assert_int_equal(ptk_translate_many(k->f->src, &pg, va, 2, many),
			 PTK_OK);
	assert_int_equal(many[0].pa, USER_PA + 0x1000);
	assert_int_equal(many[1].pa, IMAGE_PA + 0x1000);
	assert_int_equal(ptk_translate_batch(k->f->src, &pg, va, 2, brief),
			 PTK_OK);
	assert_int_equal(brief[0].pa, USER_PA + 0x1000);
	assert_int_equal(brief[1].pa, IMAGE_PA + 0x1000);
	assert_int_equal(ptk_walk(k->f->src, &pg, 0, 0, &ops, &got), PTK_OK);
	assert_int_equal(got.addr, USER_PA + 0x1000);
	ptk_census_init(&c);
	assert_int_equal(ptk_census_add(&c, k->f->src, &pg), PTK_OK);
	assert_int_equal(c.n[4], 2);	/* both top tables */
	ptk_census_release(&c);
	kernel_free(k);
}

static void modules_and_their_symbols(void **state)
{
	struct loaded l;
	struct ptk_modules mods;
	struct ptk_symbols *ms;
	const struct ptk_module *m;
	const struct ptk_symbol *s;
	uint64_t off;

	(void)state;
	load(&l);
	assert_int_equal(ptk_modules_read(l.k->f->src, &l.k->f->pg, l.syms,
					  l.types, &mods), PTK_OK);
	assert_int_equal(mods.n, 1);	/* not the one being formed */
	m = &mods.module[0];
	assert_string_equal(m->name, "demo");
	assert_int_equal(m->nranges, 3);
	assert_string_equal(m->ranges[0].what, "text");
	assert_int_equal(m->ranges[0].start, MOD_BASE);
	assert_int_equal(m->ranges[0].end, MOD_BASE + 0x1000);
	assert_string_equal(m->ranges[1].what, "rodata");
	assert_string_equal(m->ranges[2].what, "data");
	assert_int_equal(m->ranges[2].end, MOD_BASE + 0x3000);
	assert_int_equal(ptk_modules_symbols(l.k->f->src, &l.k->f->pg, l.types,
					     &mods, &ms), PTK_OK);
	assert_int_equal(ptk_symbols_count(ms), 2);
	s = ptk_symbols_find(ms, "mod_fn");
	assert_int_equal(s->type, 't');
	assert_string_equal(s->module, "demo");
	/* exported: upper case, as /proc/kallsyms shows it */
	s = ptk_symbols_lookup(ms, MOD_BASE + 0x24, &off);
	assert_string_equal(s->name, "mod_export");
	assert_int_equal(s->type, 'T');
	assert_int_equal(off, 4);
	ptk_symbols_free(ms);
	ptk_modules_release(&mods);
	/* a list that loops back into itself */
	put64(l.k, obj(10) + M_LIST, obj(10) + M_LIST);
	flush(l.k);
	assert_int_not_equal(ptk_modules_read(l.k->f->src, &l.k->f->pg, l.syms,
					      l.types, &mods), PTK_OK);
	unload(&l);
}

/* The paging mode: what VMCOREINFO and CR4 say, checked against the
 * tables by translating init_top_pgt's own address. */
static void paging_mode_proven_by_the_tables(void **state)
{
	struct fixture *f = fixture_new(4);
	const struct ptk_cpu_regs la57 = {
		.cpu = 0, .cr0 = UINT64_C(0x80050033), .cr4 = 0x1020,
		.origin = "test",
	};
	struct ptk_discovery why;
	struct ptk_paging pg;
	char sym[32];

	(void)state;
	assert_int_equal(ptk_source_add_ram(f->src, 0, 64 * MiB), PTK_OK);
	fixture_map(f, UINT64_C(0xffffffff80000000), 0, 64 * MiB, 2, PTK_F_G);
	snprintf(sym, sizeof(sym), "%" PRIx64,
		 UINT64_C(0xffffffff80000000) + f->pg.root);
	assert_int_equal(ptk_source_set_meta(f->src, "SYMBOL(init_top_pgt)",
					     sym), PTK_OK);
	assert_int_equal(ptk_source_set_meta(f->src, "NUMBER(phys_base)", "0"),
			 PTK_OK);
	/* a CPU says 5 levels, VMCOREINFO 4: the tables side with one */
	assert_int_equal(ptk_source_set_meta(f->src,
					     "NUMBER(pgtable_l5_enabled)", "0"),
			 PTK_OK);
	assert_int_equal(ptk_source_add_cpu(f->src, &la57), PTK_OK);
	assert_int_equal(ptk_paging_discover(f->src, &pg, &why), PTK_OK);
	assert_int_equal(pg.root, f->pg.root);
	assert_int_equal(pg.levels, 4);
	assert_string_equal(why.levels, "VMCOREINFO NUMBER(pgtable_l5_enabled)"
			    "=0, as VMCOREINFO SYMBOL(init_top_pgt) maps itself "
			    "(CR4.LA57 of CPU 0 contradicts, not used)");
	/* VMCOREINFO says 5: the tables overrule it */
	assert_int_equal(ptk_source_set_meta(f->src,
					     "NUMBER(pgtable_l5_enabled)", "1"),
			 PTK_OK);
	assert_int_equal(ptk_paging_discover(f->src, &pg, &why), PTK_OK);
	assert_int_equal(pg.levels, 4);
	assert_string_equal(why.levels, "the tables: VMCOREINFO "
			    "SYMBOL(init_top_pgt) maps itself only so (VMCOREINFO "
			    "NUMBER(pgtable_l5_enabled)=1 contradicts, not used)");
	fixture_free(f);

	/* without the symbol nothing proves either: the kernel's word */
	f = fixture_new(4);
	assert_int_equal(ptk_source_add_ram(f->src, 0, 64 * MiB), PTK_OK);
	fixture_map(f, UINT64_C(0xffffffff80000000), 0, 64 * MiB, 2, PTK_F_G);
	assert_int_equal(ptk_source_set_meta(f->src,
					     "NUMBER(pgtable_l5_enabled)", "0"),
			 PTK_OK);
	assert_int_equal(ptk_source_add_cpu(f->src, &la57), PTK_OK);
	assert_int_equal(ptk_paging_discover(f->src, &pg, &why), PTK_OK);
	assert_int_equal(pg.levels, 4);
	assert_string_equal(why.levels, "VMCOREINFO NUMBER(pgtable_l5_enabled)"
			    "=0 (CR4.LA57 of CPU 0 contradicts, not used)");
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paging_mode_proven_by_the_tables),
		cmocka_unit_test(symbols_both_address_encodings),
		cmocka_unit_test(symbols_long_names),
		cmocka_unit_test(symbols_refused),
		cmocka_unit_test(kallsyms_find),
		cmocka_unit_test(types_from_btf),
		cmocka_unit_test(tasks_and_threads),
		cmocka_unit_test(tasks_that_loop),
		cmocka_unit_test(rmap_one_pass),
		cmocka_unit_test(rmap_spaces_and_runs),
		cmocka_unit_test(rmap_records_sorted),
		cmocka_unit_test(modules_and_their_symbols),
		cmocka_unit_test(two_roots),
	};

	return RUN(tests);
}
