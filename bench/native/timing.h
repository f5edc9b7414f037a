/*
 * What the native peers share: a monotonic clock in nanoseconds and the median of a round's
 * figures.
 */
#ifndef ACCELMM_BENCH_TIMING_H
#define ACCELMM_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int timing_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts the n figures in place and returns the middle one. */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), timing_cmp);
	return v[n / 2];
}

#endif
