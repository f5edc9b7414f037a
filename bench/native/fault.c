/*
 * Times real anonymous 4 KiB page faults on this machine: map 256 MiB, forbid huge pages, write one
 * byte per page, and report the median over several rounds as "ns_per_fault N".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "timing.h"

#define PAGE 4096UL
#define PAGES 65536UL
#define ROUNDS 7

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
		double t0 = now_ns();
		for (unsigned long i = 0; i < PAGES; i++)
			p[i * PAGE] = 1;
		double t1 = now_ns();
		munmap((void *)p, PAGES * PAGE);
		ns[r] = (t1 - t0) / PAGES;
	}
	printf("ns_per_fault %.1f\n", median(ns, ROUNDS));
	return 0;
}
