/*
 * Times real anonymous 4 KiB page faults on this machine: map 256 MiB, forbid huge pages, write one
 * byte per page, and report the median over several rounds as "ns_per_fault N".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096UL
#define PAGES 65536UL
#define ROUNDS 7

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	double ns[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		volatile char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise((void *)p, PAGES * PAGE, MADV_NOHUGEPAGE);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned long i = 0; i < PAGES; i++)
			p[i * PAGE] = 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		munmap((void *)p, PAGES * PAGE);
		ns[r] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / PAGES;
	}
	qsort(ns, ROUNDS, sizeof(ns[0]), cmp);
	printf("ns_per_fault %.1f\n", ns[ROUNDS / 2]);
	return 0;
}
