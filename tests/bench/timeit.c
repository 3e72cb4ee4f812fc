// SPDX-License-Identifier: MIT
/*
 * timeit N CMD ARG...: run CMD N times (stdout to /dev/null) and print
 * "MEDIAN_SECONDS PEAK_RSS_KB SLOWEST_SECONDS" for the benchmark script
 * (a target is met when the slowest run meets it).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	double t[64];
	long rss = 0;

	if (n < 1 || n > 64) {
		fprintf(stderr, "usage: timeit N CMD ARG...\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		struct rusage ru;
		int status;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1) {
			fprintf(stderr, "timeit: %s failed\n", argv[2]);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(t, n, sizeof(t[0]), cmp);
	printf("%.4f %ld %.4f\n", t[n / 2], rss, t[n - 1]);
	return 0;
}
