/* Small parallel building blocks shared by the builder, the engine and the
 * readers: prefix sums over large arrays, run on the current OpenMP team. */
#ifndef SF_PARALLEL_H
#define SF_PARALLEL_H

#include <stdint.h>

/* Replaces a[0..n) by its exclusive prefix sum and returns the total. */
uint64_t sf_exclusive_scan_u64(uint64_t *a, uint64_t n);
/* The same over 32-bit counts; the total must fit in 32 bits except that it
 * is returned in 64 (callers check it against their own limits). */
uint64_t sf_exclusive_scan_u32(uint32_t *a, uint64_t n);

/* Seconds on a monotonic clock. */
double sf_now(void);

#endif
