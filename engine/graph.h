/* The graph in memory: compressed sparse rows of out-arcs and in-arcs over
 * dense 32-bit vertex ids, with 64-bit edge offsets so that more than 2^32
 * arcs work. Dense ids are handed out by descending degree (engine/order.h):
 * hubs first, so that the random reads of every kernel concentrate on a few
 * cache-resident megabytes. The original id of every vertex is kept, with
 * the order of the original ids, for outputs and for labels defined by them
 * ("the smallest vertex id of the component").
 *
 * Built from an sf_edge_list by counting passes in parallel, never by a
 * general sort of pairs: arcs are partitioned by the high bits of their
 * source into cache-sized buckets (per-thread counts, a prefix sum, one
 * scatter), then each bucket is radix-sorted in cache into its final rows,
 * duplicates dropped as they are written; in-rows come from transposing
 * the out-rows the same way. Output is identical at any thread count. The graph is always simple: self-loops
 * and duplicate arcs are dropped (counted in dropped_*), as the GAP suite
 * does and as LDBC Graphalytics semantics assume. An undirected graph stores
 * every edge as two arcs and its in_* arrays alias its out_* arrays.
 *
 * More than 2^32 - 2 distinct vertices is refused with a clear error: dense
 * ids are 32-bit to halve the memory traffic of every kernel. */
#ifndef SF_GRAPH_H
#define SF_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "edge_list.h"
#include "error.h"

typedef uint32_t sf_vid;
typedef uint64_t sf_eid;
#define SF_VID_NONE UINT32_MAX
#define SF_MAX_VERTICES ((uint64_t)UINT32_MAX - 1)

typedef struct sf_graph {
    sf_vid num_vertices;
    uint64_t num_arcs;          /* stored arcs: 2 per edge when undirected */
    uint64_t num_edges;         /* as users count them: arcs, or arcs/2 */
    bool directed;
    bool weighted;

    sf_eid *out_offsets;        /* num_vertices + 1 */
    sf_vid *out_neighbors;      /* num_arcs, each list ascending */
    double *out_weights;        /* num_arcs, or NULL */
    sf_eid *in_offsets;         /* aliases out_* when undirected */
    sf_vid *in_neighbors;
    double *in_weights;

    uint64_t *original_ids;     /* dense -> original; NULL means identity */
    /* Original order: rank r is the r-th smallest original id. */
    uint64_t *sorted_ids;       /* rank -> original id; NULL: the rank itself */
    sf_vid *by_original;        /* rank -> dense; NULL: the rank itself */

    uint64_t dropped_self_loops;
    uint64_t dropped_duplicates;

    /* What sf_graph_negative_weight (weights.h) found, kept so that it
     * reads the weights once per graph: valid while weights_checked, which
     * whoever changes the weights sets back to false. */
    bool weights_checked;
    uint64_t negative_arc;      /* the first arc weighing < 0, or UINT64_MAX */

    /* Where the arrays point into a private mapping of a snapshot file
     * (io/snapshot.c), the mapping: sf_graph_destroy unmaps it rather than
     * freeing the arrays that lie in it. NULL for a graph in malloc'd arrays. */
    void *mapping;
    uint64_t mapping_bytes;
} sf_graph;

typedef struct sf_build_options {
    bool undirected;            /* symmetrise: every arc u->v also v->u */
    bool original_order;        /* dense ids in original-id order, not degree order */
    /* The caller gives the edge list up: the builder hands its pages back
     * to the kernel as it reads them for the last time (they then read as
     * zeros), so that the list and the graph are never whole in memory
     * together. The caller may only finalise the list afterwards. */
    bool release_edges;
} sf_build_options;

/* Builds a graph from `edges`, narrow or wide (which it leaves intact
 * unless opt->release_edges; the caller frees it).
 * `source` names the input in error messages. On success *out is a new graph
 * the caller releases with sf_graph_destroy. Errors: -ENOMEM, SF_EINPUT (too
 * many vertices). */
int sf_graph_build(const sf_edge_list *edges, const sf_build_options *opt,
                   const char *source, sf_graph **out, sf_error *err);

void sf_graph_destroy(sf_graph **g);

/* Releases one of g's arrays (one that is being replaced): free() unless it
 * lies in g's file mapping, which sf_graph_destroy unmaps whole. */
void sf_graph_free_array(const sf_graph *g, void *array);

static inline uint64_t sf_graph_original_id(const sf_graph *g, sf_vid v)
{
    return g->original_ids ? g->original_ids[v] : v;
}

/* Dense id of an original id, or SF_VID_NONE when the graph has no such
 * vertex (binary search over the sorted original ids). */
sf_vid sf_graph_find_vertex(const sf_graph *g, uint64_t original_id);

/* The vertex of rank r in ascending original-id order. */
static inline sf_vid sf_graph_by_original(const sf_graph *g, uint64_t rank)
{
    return g->by_original ? g->by_original[rank] : (sf_vid)rank;
}

static inline sf_eid sf_out_degree(const sf_graph *g, sf_vid v)
{
    return g->out_offsets[v + 1] - g->out_offsets[v];
}

static inline sf_eid sf_in_degree(const sf_graph *g, sf_vid v)
{
    return g->in_offsets[v + 1] - g->in_offsets[v];
}

/* Bytes the graph holds (CSR arrays and the id map). */
uint64_t sf_graph_bytes(const sf_graph *g);

/* Sorts keys[0..count) ascending (LSD radix over the bits in which the keys
 * differ). Returns 0 or -ENOMEM. */
int sf_sort_u64(uint64_t *keys, uint64_t count);

/* Sorts keys[0..count) ascending and drops repeats: *kept gets the number
 * of distinct keys, now keys[0..*kept). Returns 0 or -ENOMEM (keys then
 * unchanged or sorted, *kept unset). */
int sf_sort_unique_u64(uint64_t *keys, uint64_t count, uint64_t *kept);

/* The first index i in ascending a[0..n) with a[i] >= x (n when none):
 * sf_lower_bound_u64 over 64-bit keys, sf_lower_bound_vid over vertex ids
 * (rows, id lists); one body for both element types. */
#define SF_DEFINE_LOWER_BOUND(name, type)                                                   \
    static inline uint64_t name(const type *a, uint64_t n, type x)                          \
    {                                                                                       \
        uint64_t lo = 0, hi = n;                                                            \
        while (lo < hi) {                                                                   \
            uint64_t mid = lo + (hi - lo) / 2;                                              \
            if (a[mid] < x)                                                                 \
                lo = mid + 1;                                                               \
            else                                                                            \
                hi = mid;                                                                   \
        }                                                                                   \
        return lo;                                                                          \
    }
SF_DEFINE_LOWER_BOUND(sf_lower_bound_u64, uint64_t)
SF_DEFINE_LOWER_BOUND(sf_lower_bound_vid, sf_vid)
#undef SF_DEFINE_LOWER_BOUND

/* qsort's comparison of two vertex ids, ascending. */
static inline int sf_compare_vid(const void *a, const void *b)
{
    sf_vid x = *(const sf_vid *)a, y = *(const sf_vid *)b;
    return (x > y) - (x < y);
}

#endif
