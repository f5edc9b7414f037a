/*
 * The peer of MigrateBench: copy 2 MiB to another buffer and back, and 512 scattered 4 KiB pages
 * to another buffer and back, as a migration to device memory and back copies them. Prints the
 * median nanoseconds of one round trip of each, and the median nanoseconds of copying 1 GiB in
 * 64 MiB pieces between two 256 MiB buffers (the peer of the workload goals).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define PAGE 4096UL
#define RANGE (2UL << 20)
#define POOL (64UL << 20)
#define ROUNDS 201

int main(void)
{
	char *host = malloc(POOL), *dev = malloc(POOL);
	static double t2m[ROUNDS], t4k[ROUNDS];
	unsigned long idx[512];
	memset(host, 7, POOL);
	memset(dev, 0, POOL);
	srand(1);
	for (int i = 0; i < 512; i++)
		idx[i] = (unsigned long)(rand() % (POOL / PAGE)) * PAGE;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		memcpy(dev, host, RANGE);
		memcpy(host, dev, RANGE);
		double t1 = now_ns();
		for (int i = 0; i < 512; i++)
			memcpy(dev + idx[i], host + idx[i], PAGE);
		for (int i = 0; i < 512; i++)
			memcpy(host + idx[i], dev + idx[i], PAGE);
		double t2 = now_ns();
		t2m[r] = t1 - t0;
		t4k[r] = t2 - t1;
	}
	printf("memcpy_2m_roundtrip_ns %.1f\nmemcpy_4k_batch_roundtrip_ns %.1f\n", median(t2m, ROUNDS), median(t4k, ROUNDS));
	size_t big = 256UL << 20, piece = 64UL << 20;
	char *a = malloc(big), *b = malloc(big);
	memset(a, 3, big);
	memset(b, 0, big);
	static double t1g[9];
	for (int r = 0; r < 9; r++) {
		double t0 = now_ns();
		for (size_t done = 0; done < (1UL << 30); done += piece)
			memcpy(b + done % big, a + done % big, piece);
		t1g[r] = now_ns() - t0;
	}
	printf("memcpy_1g_ns %.1f\n", median(t1g, 9));
	return host[5] + dev[5] + a[5] + b[5] == 0;
}
