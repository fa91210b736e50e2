/* Synthetic edge weights: a counter-based hash of (seed, u, v) per arc, so
 * no state is shared between threads and the answer never depends on the
 * order arcs are visited in. */
#include "weights.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {"input", "unit", "random"};

const char *sf_weights_name(sf_weights_mode mode)
{
    return mode <= SF_WEIGHTS_RANDOM ? mode_names[mode] : "unknown";
}

bool sf_weights_parse(const char *text, sf_weights_mode *mode)
{
    for (int m = SF_WEIGHTS_UNIT; m <= SF_WEIGHTS_RANDOM; m++)
        if (strcmp(text, mode_names[m]) == 0) {
            *mode = (sf_weights_mode)m;
            return true;
        }
    return false;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double sf_weights_of(sf_weights_mode mode, uint64_t seed, uint64_t u, uint64_t v, bool directed)
{
    if (mode == SF_WEIGHTS_UNIT)
        return 1;
    if (!directed && u > v) {   /* both arcs of an edge weigh the same */
        uint64_t t = u;
        u = v;
        v = t;
    }
    return (double)(mix(mix(mix(seed) ^ u) ^ v) % 255 + 1);
}

static void fill(const sf_graph *g, const sf_eid *offsets, const sf_vid *neighbors, bool in,
                 sf_weights_mode mode, uint64_t seed, double *weights)
{
#pragma omp parallel for schedule(dynamic, 1024)
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        uint64_t a = sf_graph_original_id(g, v);
        for (sf_eid e = offsets[v]; e < offsets[v + 1]; e++) {
            uint64_t b = sf_graph_original_id(g, neighbors[e]);
            weights[e] = in ? sf_weights_of(mode, seed, b, a, g->directed)
                            : sf_weights_of(mode, seed, a, b, g->directed);
        }
    }
}

int sf_graph_assign_weights(sf_graph *g, sf_weights_mode mode, uint64_t seed)
{
    if (mode == SF_WEIGHTS_INPUT)
        return 0;
    size_t bytes = (g->num_arcs ? g->num_arcs : 1) * sizeof(double);
    double *out = malloc(bytes);
    double *in = g->directed ? malloc(bytes) : out;
    if (!out || !in) {
        free(out);
        if (in != out)
            free(in);
        return -ENOMEM;
    }
    fill(g, g->out_offsets, g->out_neighbors, false, mode, seed, out);
    if (g->directed)
        fill(g, g->in_offsets, g->in_neighbors, true, mode, seed, in);
    if (g->in_weights != g->out_weights)
        sf_graph_free_array(g, g->in_weights);
    sf_graph_free_array(g, g->out_weights);
    g->out_weights = out;
    g->in_weights = in;
    g->weighted = true;
    g->weights_checked = true; /* 1 or [1, 255]: none negative */
    g->negative_arc = UINT64_MAX;
    return 0;
}

int sf_edge_list_assign_weights(sf_edge_list *l, sf_weights_mode mode, uint64_t seed,
                                bool directed)
{
    if (mode == SF_WEIGHTS_INPUT)
        return 0;
    if (sf_edge_list_reserve(l, l->count + 1, true))
        return -ENOMEM;
    bool narrow = l->narrow;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < l->count; i++) {
        uint64_t u, v;
        sf_edge_list_ends(l, narrow, i, &u, &v);
        l->weight[i] = sf_weights_of(mode, seed, u, v, directed);
    }
    return 0;
}

bool sf_graph_negative_weight(sf_graph *g, sf_vid *from, sf_eid *arc)
{
    if (!g->weighted || !g->out_weights)
        return false;
    if (!g->weights_checked) {
        uint64_t first = UINT64_MAX;
        const double *w = g->out_weights;
        int64_t m = (int64_t)g->num_arcs;
#pragma omp parallel for schedule(static) reduction(min : first)
        for (int64_t e = 0; e < m; e++)
            if (w[e] < 0 && (uint64_t)e < first)
                first = (uint64_t)e;
        g->negative_arc = first;
        g->weights_checked = true;
    }
    if (g->negative_arc == UINT64_MAX)
        return false;
    /* the source: the last vertex whose row starts at or before the arc */
    *from = (sf_vid)(sf_lower_bound_u64(g->out_offsets, g->num_vertices, g->negative_arc + 1) - 1);
    *arc = g->negative_arc;
    return true;
}
