/* Single-source shortest paths over MPI ranks: dist[v] = the length of a
 * shortest path from the source to v, +inf when unreachable, for the rank's
 * own vertices, as operators/sssp.c gives them.
 *
 * Rounds of relaxations (Bellman-Ford, pulled): a round sends the distances
 * of boundary vertices to the ranks that read them (mirrors of
 * in-neighbours), then every owned vertex takes the smallest of its
 * distance and dist[u] + w over its in-arcs u -> v: the min combiner runs
 * at the owner, over everything its in-arcs offer, so no update message
 * needs combining on the way. The rounds stop when no distance fell on any rank (a logical or over
 * the ranks). Distances are lowered in place, so a vertex may already read
 * a neighbour's value of this round: a path inside one rank advances many
 * hops per round, and the rounds are bounded by the rank changes along the
 * shortest paths plus one, not by their hops.
 *
 * The answer is the same bits as one process's: a distance is always some
 * path's weights added left to right, and at the fixed point every arc is
 * relaxed (dist[v] <= dist[u] + w, rounded), which only the smallest such
 * sum satisfies for every v; that holds whatever the order of updates, so
 * the rank, thread and shard counts do not matter (operators/sssp.c argues
 * the same for delta-stepping).
 *
 * A round reads every in-arc of the rank, where delta-stepping reads an arc
 * about once: this is the simple distributed kernel, correct first; a
 * distributed delta-stepping (pushes to remote owners, combined per
 * destination) is the next step for speed. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/dist_round.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

struct dsssp {
    const sf_graph *g;
    double *dist;               /* by global id: owned distances, mirrors' */
};

static inline double load(const double *slot)
{
    double d;
    __atomic_load((double *)slot, &d, __ATOMIC_RELAXED);
    return d;
}

static bool relax(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct dsssp *s = arg;
    const double *w = s->g->in_weights + (in - s->g->in_neighbors);
    double own = load(&s->dist[v]), best = own;
    for (sf_eid i = 0; i < degree; i++) {
        double d = load(&s->dist[in[i]]) + w[i];
        best = d < best ? d : best;
    }
    if (!(best < own))
        return false;
    __atomic_store(&s->dist[v], &best, __ATOMIC_RELAXED);
    return true;
}

static void relax_shard(sf_shard *s, void *arg)
{
    struct dsssp *d = arg;
    s->count = sf_edge_map_pull(s, d->g, relax, arg, NULL);
}

static void infinite_vertex(sf_vid v, void *arg)
{
    ((struct dsssp *)arg)->dist[v] = INFINITY;
}

static void infinite_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, infinite_vertex, arg);
}

static void copy_out(sf_vid v, void *arg)
{
    double **pair = arg; /* {from, to} */
    pair[1][v] = pair[0][v];
}

static void copy_out_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, copy_out, arg);
}

int sf_dist_sssp(sf_engine *e, sf_vid source, double *dist, sf_iteration_log *log)
{
    sf_dist_graph *d = sf_engine_dist(e);
    const sf_graph *g = sf_engine_graph(e);
    if (!d || !g->weighted)
        return -EINVAL;
    struct dsssp state = {.g = g}, *s = &state;
    s->dist = sf_engine_alloc(e, sizeof *s->dist);
    if (!s->dist)
        return -ENOMEM;
    /* mirrors are written by every round's exchange before they are read */
    sf_engine_run(e, infinite_shard, s);
    if (sf_dist_graph_owns(d, source))
        s->dist[source] = 0;
    int rc = sf_dist_iterate_rounds(e, sf_dist_graph_mirrors(d, SF_MIRRORS_IN), s->dist,
                                    sizeof *s->dist, relax_shard, s, log);
    if (rc >= 0) {
        double *pair[2] = {s->dist, dist};
        sf_engine_run(e, copy_out_shard, pair);
        rc = 0;
    }
    sf_engine_free(e, s->dist);
    return rc;
}
