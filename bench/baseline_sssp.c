/* Single-threaded shortest-paths baseline (COST): Dijkstra with a binary
 * heap, in two variants (SF_BASELINE_SSSP=indexed|lazy picks one):
 *
 * indexed (the default): the heap holds each reached, unsettled vertex
 * once, and a per-vertex array its position; an improvement is a
 * decrease-key (sift up from where the vertex is).
 *
 * lazy: the heap holds (distance, vertex) pairs; an improvement pushes a
 * new pair and leaves the old one in place, and a popped pair whose
 * distance is no longer the vertex's is skipped.
 *
 * Both copy the distance into the heap entry, so that comparisons never
 * chase a vertex id, and pop by moving the hole at the root down to a
 * leaf along the smaller children, then sifting the last entry up from
 * there (Floyd's trick: the last entry is large and would sink most of
 * the way anyway, and each level costs one comparison instead of two).
 *
 * Indexed is the faster by 3x on kron:20 with GAP's weights (646K
 * vertices reached, 31.4M arcs; one thread of a 2-core AMD EPYC VM,
 * medians of shardflow bench): 0.30 s against 0.91 s. The lazy heap pops
 * every improvement, not every vertex, each pop going down all of the
 * heap's levels; the indexed heap pops each vertex once, holds only the
 * unsettled ones, and a decrease-key moves a vertex a few levels up. The
 * indexed loop prefetches the row of the vertex about to pop before the
 * pop, and the offsets of the new top and its children while the popped
 * vertex's arcs relax (the likely next pops): 5-10% less. Prefetching the
 * distance of the arc 8 or 16 ahead gained nothing measurable. */
#include "bench/baseline_sssp.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double key;
    sf_vid vertex;
} heap_entry;

/* ---- lazy ---------------------------------------------------------------- */

typedef struct {
    heap_entry *a;
    size_t len, cap;
} lazy_heap;

static int lazy_push(lazy_heap *h, double key, sf_vid v)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        heap_entry *a = realloc(h->a, cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        h->a = a;
        h->cap = cap;
    }
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->a[parent].key <= key)
            break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = (heap_entry){key, v};
    return 0;
}

static heap_entry lazy_pop(lazy_heap *h)
{
    heap_entry top = h->a[0], last = h->a[--h->len];
    size_t n = h->len, i = 0;
    if (n == 0)
        return top;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && h->a[child + 1].key < h->a[child].key)
            child++;
        h->a[i] = h->a[child];
        i = child;
    }
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->a[parent].key <= last.key)
            break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = last;
    return top;
}

static int dijkstra_lazy(const sf_graph *g, sf_vid source, double *dist)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    const double *wt = g->out_weights;
    lazy_heap h = {0};
    int rc = lazy_push(&h, 0, source);
    dist[source] = 0;
    while (rc == 0 && h.len) {
        heap_entry top = lazy_pop(&h);
        sf_vid u = top.vertex;
        double du = top.key;
        if (du > dist[u])
            continue;           /* an older, longer entry of u */
        for (sf_eid e = off[u]; e < off[u + 1]; e++) {
            sf_vid v = nbr[e];
            double through = du + wt[e];
            if (through < dist[v]) {
                dist[v] = through;
                if ((rc = lazy_push(&h, through, v)))
                    break;
            }
        }
    }
    free(h.a);
    return rc;
}

/* ---- indexed ------------------------------------------------------------- */

#define NOT_IN_HEAP UINT32_MAX

typedef struct {
    heap_entry *a;              /* at most num_vertices entries */
    uint32_t *pos;              /* per vertex: index in a, or NOT_IN_HEAP */
    size_t len;
} indexed_heap;

static inline void indexed_place(indexed_heap *h, size_t i, heap_entry x)
{
    h->a[i] = x;
    h->pos[x.vertex] = (uint32_t)i;
}

static void indexed_sift_up(indexed_heap *h, size_t i, heap_entry x)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->a[parent].key <= x.key)
            break;
        indexed_place(h, i, h->a[parent]);
        i = parent;
    }
    indexed_place(h, i, x);
}

static heap_entry indexed_pop(indexed_heap *h)
{
    heap_entry top = h->a[0], last = h->a[--h->len];
    size_t n = h->len, i = 0;
    h->pos[top.vertex] = NOT_IN_HEAP;
    if (n == 0)
        return top;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && h->a[child + 1].key < h->a[child].key)
            child++;
        indexed_place(h, i, h->a[child]);
        i = child;
    }
    indexed_sift_up(h, i, last);
    return top;
}

static int dijkstra_indexed(const sf_graph *g, sf_vid source, double *dist)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    const double *wt = g->out_weights;
    sf_vid n = g->num_vertices;
    indexed_heap h = {malloc((size_t)n * sizeof *h.a), malloc((size_t)n * sizeof *h.pos), 0};
    if (!h.a || !h.pos) {
        free(h.a);
        free(h.pos);
        return -ENOMEM;
    }
    memset(h.pos, 0xff, (size_t)n * sizeof *h.pos);
    dist[source] = 0;
    indexed_sift_up(&h, h.len++, (heap_entry){0, source});
    while (h.len) {
        /* the row of the vertex about to pop loads while the heap settles */
        sf_eid first = off[h.a[0].vertex];
        __builtin_prefetch(&nbr[first], 0, 3);
        __builtin_prefetch(&wt[first], 0, 3);
        heap_entry top = indexed_pop(&h);
        sf_vid u = top.vertex;
        double du = top.key;
        /* and the offsets of the likely next ones while u's arcs relax */
        for (size_t i = 0; i < 3 && i < h.len; i++)
            __builtin_prefetch(&off[h.a[i].vertex], 0, 3);
        for (sf_eid e = off[u]; e < off[u + 1]; e++) {
            sf_vid v = nbr[e];
            double through = du + wt[e];
            if (through < dist[v]) {
                dist[v] = through;
                size_t i = h.pos[v] == NOT_IN_HEAP ? h.len++ : h.pos[v];
                indexed_sift_up(&h, i, (heap_entry){through, v});
            }
        }
    }
    free(h.a);
    free(h.pos);
    return 0;
}

enum heap { INDEXED, LAZY }; /* the knob's values, the default first */
static const char *const heaps[] = {"indexed", "lazy", NULL};
const sf_env_knob sf_baseline_sssp_heap = {"SF_BASELINE_SSSP", heaps};

int sf_baseline_sssp(const sf_graph *g, sf_vid source, double *dist)
{
    for (sf_vid v = 0; v < g->num_vertices; v++)
        dist[v] = INFINITY;
    if (source >= g->num_vertices)
        return 0;
    if (sf_env_choice(&sf_baseline_sssp_heap) == LAZY)
        return dijkstra_lazy(g, source, dist);
    return dijkstra_indexed(g, source, dist);
}
