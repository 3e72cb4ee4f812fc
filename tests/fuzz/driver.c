// SPDX-License-Identifier: MIT
/* Replay files through a fuzz target, for make check: one TAP line each. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			printf("not ok %d - %s: cannot open\n", i, argv[i]);
			continue;
		}
		do {
			if (len == cap) {
				cap = cap ? 2 * cap : 65536;
				buf = realloc(buf, cap);
				if (!buf)
					return 1;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		/* Reaching here is the test: no crash, no sanitizer report. */
		printf("ok %d - %s\n", i, argv[i]);
	}
	return 0;
}
