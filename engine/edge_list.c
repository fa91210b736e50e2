/* Edge list storage: three parallel arrays grown by doubling, ids 64-bit
 * or, in the narrow form, 32-bit. */
#include "edge_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sf_edge_list_init(sf_edge_list *list)
{
    memset(list, 0, sizeof *list);
    list->declared_directed = -1;
}

void sf_edge_list_fini(sf_edge_list *list)
{
    free(list->src);
    free(list->dst);
    free(list->weight);
    free(list->src32);
    free(list->dst32);
    free(list->vertex_ids);
    sf_edge_list_init(list);
}

int sf_edge_list_reserve(sf_edge_list *list, uint64_t capacity, bool weighted)
{
    if (capacity <= list->capacity && (!weighted || list->weight))
        return 0;
    if (capacity < list->capacity)
        capacity = list->capacity;
    if (list->narrow) {
        uint32_t *src = realloc(list->src32, capacity * sizeof *src);
        if (!src)
            return -ENOMEM;
        list->src32 = src;
        uint32_t *dst = realloc(list->dst32, capacity * sizeof *dst);
        if (!dst)
            return -ENOMEM;
        list->dst32 = dst;
    } else {
        uint64_t *src = realloc(list->src, capacity * sizeof *src);
        if (!src)
            return -ENOMEM;
        list->src = src;
        uint64_t *dst = realloc(list->dst, capacity * sizeof *dst);
        if (!dst)
            return -ENOMEM;
        list->dst = dst;
    }
    if (weighted || list->weight) {
        double *w = realloc(list->weight, capacity * sizeof *w);
        if (!w)
            return -ENOMEM;
        list->weight = w;
    }
    list->capacity = capacity;
    return 0;
}

int sf_edge_list_widen(sf_edge_list *list)
{
    if (!list->narrow)
        return 0;
    uint64_t room = list->capacity ? list->capacity : 1;
    uint64_t *src = malloc(room * sizeof *src), *dst = malloc(room * sizeof *dst);
    if (!src || !dst) {
        free(src);
        free(dst);
        return -ENOMEM;
    }
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < list->count; i++) {
        src[i] = list->src32[i];
        dst[i] = list->dst32[i];
    }
    free(list->src32);
    free(list->dst32);
    list->src32 = list->dst32 = NULL;
    list->src = src;
    list->dst = dst;
    list->narrow = false;
    return 0;
}

int sf_edge_list_push(sf_edge_list *list, uint64_t src, uint64_t dst, double w)
{
    int rc = sf_edge_list_widen(list);
    if (rc)
        return rc;
    if (list->count == list->capacity) {
        int rc = sf_edge_list_reserve(list, list->capacity ? 2 * list->capacity : 1024,
                                      list->weight != NULL);
        if (rc)
            return rc;
    }
    list->src[list->count] = src;
    list->dst[list->count] = dst;
    if (list->weight)
        list->weight[list->count] = w;
    list->count++;
    return 0;
}
