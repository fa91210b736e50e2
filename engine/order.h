/* Degree order: dense ids handed out by descending degree, so that the hubs,
 * which most arcs point at, sit together at the start of every vertex array.
 * A kernel's random reads then mostly hit a few megabytes that stay in
 * cache: on kron:21 PageRank's pull runs 3x faster than over ids in random
 * order (bench/RESULTS.md). */
#ifndef SF_ORDER_H
#define SF_ORDER_H

#include <stdint.h>

/* new_of[v] for v in [0, n): the position of v when vertices are sorted by
 * descending degree (each arc counts at both ends; self-loops not at all),
 * ties by ascending v. Deterministic whatever the thread count. On success
 * *new_of is a new array the caller frees. Returns 0 or -ENOMEM. */
int sf_degree_order(uint64_t n, const uint32_t *src, const uint32_t *dst, uint64_t m,
                    uint32_t **new_of);

#endif
