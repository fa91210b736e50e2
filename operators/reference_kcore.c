/* Reference core numbers, for --verify and the tests: the peeling that
 * defines them (Matula and Beck, 1983). Repeatedly remove a vertex of
 * minimum remaining degree d; its core number is the largest d seen so far;
 * its remaining neighbours lose one degree each. The minimum comes from a
 * binary heap of (degree, vertex) entries with lazy deletion: every change
 * of degree pushes a new entry and stale ones are skipped when popped.
 * One thread, O(m log m). */
#include <errno.h>
#include <stdlib.h>

#include "operators/kernels.h"

typedef struct entry {
    uint64_t degree;
    sf_vid vertex;
} entry;

static bool less(entry a, entry b)
{
    return a.degree < b.degree || (a.degree == b.degree && a.vertex < b.vertex);
}

static void heap_push(entry *heap, uint64_t *size, entry x)
{
    uint64_t i = (*size)++;
    while (i > 0 && less(x, heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = x;
}

static entry heap_pop(entry *heap, uint64_t *size)
{
    entry top = heap[0], last = heap[--*size];
    uint64_t i = 0;
    for (;;) {
        uint64_t child = 2 * i + 1;
        if (child >= *size)
            break;
        if (child + 1 < *size && less(heap[child + 1], heap[child]))
            child++;
        if (!less(heap[child], last))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = last;
    return top;
}

int sf_reference_kcore(const sf_graph *g, uint64_t *core)
{
    uint64_t n = g->num_vertices;
    /* one entry per vertex, plus one per decrement: at most n + arcs */
    entry *heap = malloc((n + g->num_arcs + 1) * sizeof *heap);
    uint64_t *degree = malloc((n + 1) * sizeof *degree);
    bool *removed = calloc(n + 1, sizeof *removed);
    int rc = -ENOMEM;
    if (!heap || !degree || !removed)
        goto out;
    uint64_t size = 0;
    for (sf_vid v = 0; v < n; v++) {
        degree[v] = sf_out_degree(g, v);
        heap_push(heap, &size, (entry){degree[v], v});
    }
    uint64_t k = 0;
    while (size > 0) {
        entry top = heap_pop(heap, &size);
        sf_vid v = top.vertex;
        if (removed[v] || top.degree != degree[v])
            continue; /* stale */
        removed[v] = true;
        if (degree[v] > k)
            k = degree[v];
        core[v] = k;
        for (sf_eid i = g->out_offsets[v]; i < g->out_offsets[v + 1]; i++) {
            sf_vid w = g->out_neighbors[i];
            if (!removed[w])
                heap_push(heap, &size, (entry){--degree[w], w});
        }
    }
    rc = 0;
out:
    free(heap);
    free(degree);
    free(removed);
    return rc;
}
