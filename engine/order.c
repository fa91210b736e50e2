/* Degree order by counting: degrees with relaxed atomic increments, then a
 * stable counting sort of the vertices by descending degree. Degrees above
 * CAP share one bucket ordered by a small radix sort of the few hubs, so
 * the buckets stay few whatever the largest degree. */
#include "order.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

#define CAP 4096 /* degrees >= CAP: hubs, sorted separately */

static int compare_hub(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int sf_degree_order(uint64_t n, const uint32_t *src, const uint32_t *dst, uint64_t m,
                    uint32_t **new_of_out)
{
    uint32_t *degree = calloc(n ? n : 1, sizeof *degree);
    uint32_t *new_of = malloc((n ? n : 1) * sizeof *new_of);
    uint64_t *bucket = calloc(CAP + 1, sizeof *bucket);
    uint64_t *hubs = NULL;
    if (!degree || !new_of || !bucket)
        goto fail;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < m; i++) {
        if (src[i] == dst[i])
            continue;
        __atomic_fetch_add(&degree[src[i]], 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&degree[dst[i]], 1, __ATOMIC_RELAXED);
    }
    /* bucket k holds degree CAP - k (k = 0: every hub), so ascending k is
     * descending degree */
    for (uint64_t v = 0; v < n; v++)
        bucket[degree[v] >= CAP ? 0 : CAP - degree[v]]++;
    uint64_t num_hubs = bucket[0];
    uint64_t sum = 0;
    for (int k = 0; k <= CAP; k++) {
        uint64_t c = bucket[k];
        bucket[k] = sum;
        sum += c;
    }
    hubs = malloc((num_hubs ? num_hubs : 1) * sizeof *hubs);
    if (!hubs)
        goto fail;
    uint64_t h = 0;
    for (uint64_t v = 0; v < n; v++) {
        if (degree[v] >= CAP)
            hubs[h++] = (uint64_t)(UINT32_MAX - degree[v]) << 32 | v;
        else
            new_of[v] = (uint32_t)bucket[CAP - degree[v]]++;
    }
    qsort(hubs, num_hubs, sizeof *hubs, compare_hub);
    for (uint64_t i = 0; i < num_hubs; i++)
        new_of[(uint32_t)hubs[i]] = (uint32_t)i;
    free(degree);
    free(bucket);
    free(hubs);
    *new_of_out = new_of;
    return 0;
fail:
    free(degree);
    free(new_of);
    free(bucket);
    free(hubs);
    return -ENOMEM;
}
