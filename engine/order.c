/* Degree order by a counting sort: one bucket per degree below CAP, in
 * descending order; the few vertices of degree CAP or more (the hubs) share
 * one bucket, put in order by sorting just them. Two passes over the
 * vertices, whatever the largest degree. */
#include "order.h"

#include <errno.h>
#include <stdlib.h>

#define CAP 4096

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int sf_order_by_degree(uint64_t n, const uint32_t *degree, uint32_t **new_of_out)
{
    uint32_t *new_of = malloc((n ? n : 1) * sizeof *new_of);
    uint64_t *bucket = calloc(CAP + 1, sizeof *bucket);
    uint64_t *hubs = NULL;
    if (!new_of || !bucket)
        goto fail;
    /* bucket k holds degree CAP - k, k = 0 every hub: ascending k is
     * descending degree */
    for (uint64_t v = 0; v < n; v++)
        bucket[degree[v] >= CAP ? 0 : CAP - degree[v]]++;
    uint64_t num_hubs = bucket[0], sum = 0;
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
    qsort(hubs, num_hubs, sizeof *hubs, compare_u64);
    for (uint64_t i = 0; i < num_hubs; i++)
        new_of[(uint32_t)hubs[i]] = (uint32_t)i;
    free(bucket);
    free(hubs);
    *new_of_out = new_of;
    return 0;
fail:
    free(new_of);
    free(bucket);
    free(hubs);
    return -ENOMEM;
}
