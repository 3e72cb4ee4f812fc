// SPDX-License-Identifier: MIT
/* The limit a walk is measured against: read a file once, front to back. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	unsigned long sum = 0;
	ssize_t n;
	int fd = argc == 2 ? open(argv[1], O_RDONLY) : -1;

	if (fd < 0)
		return 2;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i += 4096)
			sum += (unsigned char)buf[i];
	printf("%lu\n", sum);
	return n < 0;
}
