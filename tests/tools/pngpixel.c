// SPDX-License-Identifier: MIT
/*
 * pngpixel FILE X Y...: print the colour of each pixel (X, Y) of a PNG as
 * #rrggbb, one a line.  For the tests that render ptkit's SVG pictures
 * with rsvg-convert and check the colour of a cell; reads the 8-bit RGB
 * and RGBA, non-interlaced images rsvg-convert writes, with zlib.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static int fail(const char *what)
{
	fprintf(stderr, "pngpixel: %s\n", what);
	return 2;
}

int main(int argc, char **argv)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					      0x1a, '\n' };
	unsigned char *file, *idat = NULL, *raw;
	size_t size = 0, cap = 1 << 20, nidat = 0, at = 8;
	uint32_t w = 0, h = 0, bpp = 0;
	uLongf rawlen;
	FILE *f;

	if (argc < 4 || argc % 2)
		return fail("usage: pngpixel FILE X Y [X Y...]");
	f = fopen(argv[1], "rb");
	file = malloc(cap);
	if (!f || !file)
		return fail("cannot read the file");
	for (size_t n; (n = fread(file + size, 1, cap - size, f)) > 0;) {
		size += n;
		if (size == cap && !(file = realloc(file, cap *= 2)))
			return fail("out of memory");
	}
	fclose(f);
	if (size < 8 || memcmp(file, sig, 8))
		return fail("not a PNG");
	idat = malloc(size);
	if (!idat)
		return fail("out of memory");
	while (at + 12 <= size) {
		uint32_t len = be32(file + at);
		const unsigned char *type = file + at + 4, *data = type + 4;

		if (len > size - at - 12)
			return fail("a chunk past the end");
		if (!memcmp(type, "IHDR", 4)) {
			w = be32(data);
			h = be32(data + 4);
			if (data[8] != 8 || data[12] ||
			    (data[9] != 6 && data[9] != 2))
				return fail("not 8-bit RGB(A), non-interlaced");
			bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + nidat, data, len);
			nidat += len;
		}
		at += 12 + len;
	}
	if (!w || !h || w > 1 << 15 || h > 1 << 15)
		return fail("no usable IHDR");
	rawlen = (uLongf)h * (1 + w * bpp);
	raw = malloc(rawlen);
	if (!raw || uncompress(raw, &rawlen, idat, nidat) != Z_OK ||
	    rawlen != (uLongf)h * (1 + w * bpp))
		return fail("the image data does not inflate");
	/* undo the filters, row by row, in place */
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = raw + (size_t)y * (1 + w * bpp) + 1;
		const unsigned char *up = y ? row - (1 + w * bpp) : NULL;
		int filter = row[-1];

		for (uint32_t i = 0; i < w * bpp; i++) {
			int a = i >= bpp ? row[i - bpp] : 0, b = up ? up[i] : 0;
			int c = up && i >= bpp ? up[i - bpp] : 0;

			switch (filter) {
			case 0: break;
			case 1: row[i] = (unsigned char)(row[i] + a); break;
			case 2: row[i] = (unsigned char)(row[i] + b); break;
			case 3: row[i] = (unsigned char)(row[i] + (a + b) / 2); break;
			case 4: row[i] = (unsigned char)(row[i] + paeth(a, b, c)); break;
			default: return fail("an unknown row filter");
			}
		}
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		long x = strtol(argv[i], NULL, 10), y = strtol(argv[i + 1], NULL, 10);
		const unsigned char *p;

		if (x < 0 || y < 0 || (uint32_t)x >= w || (uint32_t)y >= h)
			return fail("a pixel outside the image");
		p = raw + (size_t)y * (1 + w * bpp) + 1 + (size_t)x * bpp;
		printf("#%02x%02x%02x\n", p[0], p[1], p[2]);
	}
	free(raw);
	free(idat);
	free(file);
	return 0;
}
