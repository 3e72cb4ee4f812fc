// SPDX-License-Identifier: MIT
/* Images: what ptk_image_write() writes, ptkit and libkdumpfile read back. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "unit.h"

static char dir[] = "/tmp/ptkit-unit-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* 16 MiB of RAM, a 2M kernel mapping and some 4K pages; regions, meta. */
static struct fixture *sample(void)
{
	struct fixture *f = fixture_new(4);

	assert_int_equal(ptk_source_add_ram(f->src, 0, 16 * MiB), PTK_OK);
	fixture_map(f, UINT64_C(0xffffffff81000000), 0x200000, 2 * MiB, 2,
		    PTK_F_G);
	fixture_map(f, 0x400000, 0x800000, 0x3000, 1, PTK_F_US | PTK_F_RW);
	assert_int_equal(ptk_source_add_region(f->src, "High Kernel Mapping",
					       UINT64_C(0xffffffff80000000),
					       UINT64_C(0xffffffffc0000000)),
			 PTK_OK);
	assert_int_equal(ptk_source_set_meta(f->src, "OSRELEASE", "6.1.0-test"),
			 PTK_OK);
	return f;
}

static void write_image(struct fixture *f, const char *path)
{
	const uint64_t *pfns;
	size_t n;

	assert_int_equal(ptk_builder_pages(f->b, &pfns, &n), PTK_OK);
	if (ptk_image_write(f->src, &f->pg, pfns, n, path) != PTK_OK)
		fail_msg("%s", ptk_ctx_err(f->ctx));
}

static void round_trip(void **state)
{
	struct fixture *f = sample();
	struct ptk_source *img;
	struct ptk_paging pg;
	struct ptk_discovery why;
	const struct ptk_region *rg;
	const struct ptk_range *ram;
	const uint64_t *pfns;
	size_t n, nram, nrg;
	char path[256];
	uint64_t a[512], b[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/rt.img", dir);
	write_image(f, path);
	assert_int_equal(ptk_source_open(f->ctx, path, &img), PTK_OK);
	assert_int_equal(ptk_paging_discover(img, &pg, &why), PTK_OK);
	assert_int_equal(pg.root, f->pg.root);
	assert_int_equal(pg.levels, 4);
	assert_string_equal(why.root, "PTKIT_ROOT in the image");
	assert_string_equal(ptk_source_meta(img, "OSRELEASE"), "6.1.0-test");
	rg = ptk_source_regions(img, &nrg);
	assert_int_equal(nrg, 1);
	assert_string_equal(rg[0].name, "High Kernel Mapping");
	assert_int_equal(rg[0].end, UINT64_C(0xffffffffc0000000));
	ram = ptk_source_ram(img, &nram);
	assert_int_equal(nram, 1);
	assert_int_equal(ram[0].start, 0);
	assert_int_equal(ram[0].end, 16 * MiB);

	/* Every stored page reads back; other RAM pages are absent, not 0. */
	assert_int_equal(ptk_builder_pages(f->b, &pfns, &n), PTK_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ptk_source_read(img, pfns[i] << 12, a, 4096),
				 PTK_OK);
		assert_int_equal(ptk_source_read(f->src, pfns[i] << 12, b, 4096),
				 PTK_OK);
		assert_memory_equal(a, b, 4096);
		assert_int_equal(ptk_source_page_state(img, pfns[i] << 12),
				 PTK_PAGE_PRESENT);
	}
	assert_int_equal(ptk_source_read(img, 0x200000, a, 8), PTK_ERR_NODATA);
	assert_int_equal(ptk_source_page_state(img, 0x200000), PTK_PAGE_ABSENT);
	assert_int_equal(ptk_source_page_state(img, 32 * MiB),
			 PTK_PAGE_NOT_RAM);
	ptk_source_free(img);
	fixture_free(f);
}

static void libkdumpfile_reads_the_same_bytes(void **state)
{
	struct fixture *f = sample();
	const uint64_t *pfns;
	char path[256];
	kdump_ctx_t *k;
	size_t n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/kd.img", dir);
	write_image(f, path);
	k = kdump_new();
	assert_non_null(k);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	if (kdump_open_fd(k, fd) != KDUMP_OK)
		fail_msg("libkdumpfile: %s", kdump_get_err(k));
	assert_int_equal(ptk_builder_pages(f->b, &pfns, &n), PTK_OK);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		uint64_t a[512], b[512];
		size_t len = sizeof(a);

		if (kdump_read(k, KDUMP_MACHPHYSADDR, pfns[i] << 12, a, &len) !=
		    KDUMP_OK)
			fail_msg("page %#llx: %s",
				 (unsigned long long)pfns[i] << 12,
				 kdump_get_err(k));
		assert_int_equal(len, sizeof(a));
		assert_int_equal(ptk_source_read(f->src, pfns[i] << 12, b,
						 sizeof(b)), PTK_OK);
		assert_memory_equal(a, b, sizeof(a));
	}
	kdump_free(k);
	close(fd);
	fixture_free(f);
}

static void failed_write_leaves_nothing(void **state)
{
	struct fixture *f = sample();
	const uint64_t *pfns;
	char path[256], cmd[300];
	struct stat sb;
	size_t n;

	(void)state;
	assert_int_equal(ptk_builder_pages(f->b, &pfns, &n), PTK_OK);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.img", dir);
	assert_int_equal(ptk_image_write(f->src, &f->pg, pfns, n, path),
			 PTK_ERR_IO);
	assert_non_null(strstr(ptk_ctx_err(f->ctx), "cannot create"));

	/* Replacing an image is atomic: the old one stays whole until then,
	 * and no temporary file is left behind. */
	snprintf(path, sizeof(path), "%s/replace.img", dir);
	write_image(f, path);
	write_image(f, path);
	assert_int_equal(stat(path, &sb), 0);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls %s | grep tmp)\"", dir);
	assert_int_equal(system(cmd), 0);
	fixture_free(f);
}

static void unsorted_pages_are_refused(void **state)
{
	struct fixture *f = sample();
	const uint64_t pfns[] = { 5, 3 };
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/unsorted.img", dir);
	assert_int_equal(ptk_image_write(f->src, &f->pg, pfns, 2, path),
			 PTK_ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1);
	fixture_free(f);
}

/* RAM ranges in any order come out sorted and merged, as a bitmap of
 * the same adds says. */
static void ram_ranges_sorted_and_merged(void **state)
{
	enum { UNITS = 4096 };
	static bool model[UNITS + 1];
	struct fixture *f = fixture_new(4);
	const struct ptk_range *ram;
	uint64_t x = 12345;
	size_t n, k = 0;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		uint64_t a, len;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		a = (x >> 33) % UNITS;
		len = 1 + (x >> 20) % (i % 100 ? 3 : 64);
		if (a + len > UNITS)
			len = UNITS - a;
		assert_int_equal(ptk_source_add_ram(f->src, a << 12,
						    (a + len) << 12), PTK_OK);
		for (uint64_t u = a; u < a + len; u++)
			model[u] = true;
	}
	ram = ptk_source_ram(f->src, &n);
	for (size_t u = 0; u < UNITS;) {
		size_t v = u;

		if (!model[u]) {
			u++;
			continue;
		}
		while (model[v])
			v++;
		assert_true(k < n);
		assert_int_equal(ram[k].start, (uint64_t)u << 12);
		assert_int_equal(ram[k].end, (uint64_t)v << 12);
		k++;
		u = v;
	}
	assert_int_equal(k, n);
	assert_int_equal(ptk_source_add_ram(f->src, 8192, 8192),
			 PTK_ERR_INVALID);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(ram_ranges_sorted_and_merged),
		cmocka_unit_test(libkdumpfile_reads_the_same_bytes),
		cmocka_unit_test(failed_write_leaves_nothing),
		cmocka_unit_test(unsorted_pages_are_refused),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("image", tests, setup, teardown);
}
