/* Core numbers over MPI ranks: core[v] = the largest k such that v belongs
 * to a subgraph in which every vertex has degree >= k, for the rank's own
 * vertices of an undirected graph, as operators/kcore.c gives them.
 *
 * Algorithm: the h-index iteration of Montresor, De Pellegrini and Miorandi
 * (IEEE TPDS 2013) and Lu et al. (Nature Communications 2016). Every vertex
 * starts at its degree; a round sends the boundary values to the ranks that
 * read them (the mirrors of neighbours) and then every owned vertex lowers
 * its value to the h-index of its neighbours' values (the largest h such
 * that h neighbours hold at least h), never raising it. The rounds stop
 * when no value changed on any rank (a logical or over the ranks).
 *
 * Why the answer is exact, whatever the rank count, the thread count and
 * the order of updates inside a round (values are lowered in place, so a
 * vertex may read a neighbour's value of this round or of the last one):
 * - a value never drops below the core number: at least core(v) neighbours
 *   of v lie in v's core and (by induction) hold values >= core(v), so the
 *   h-index is >= core(v);
 * - at the fixed point the vertices holding >= k each have >= k neighbours
 *   holding >= k, a subgraph of minimum degree k, so every value is <= the
 *   core number.
 * Values only decrease, so the rounds end; a round that changes nothing on
 * any rank saw every vertex already at its neighbours' h-index.
 *
 * Why not peeling as in one process: peeling takes one level at a time and
 * a level's cascade crosses ranks again and again (one exchange per hop),
 * while the h-index needs only the neighbours' values, one boundary
 * exchange per round. It reads every arc once per round (kcore.c measured
 * 48 rounds on kron:20 for the asynchronous variant), so it is the
 * distributed kernel, not a replacement for peeling in one process. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/dist_round.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

struct dkcore {
    const sf_graph *g;
    uint32_t *value;            /* by global id: owned values, mirrors' values */
    uint32_t **counts;          /* per worker: widest row + 1 counters */
};

/* The h-index of the neighbours' values, capped at v's own value: counts
 * the values by min(value, own), then finds the largest h with >= h values
 * at or above it. */
static bool lower(sf_vid v, const sf_vid *nbr, sf_eid degree, void *arg)
{
    struct dkcore *k = arg;
    uint32_t own = __atomic_load_n(&k->value[v], __ATOMIC_RELAXED);
    if (own == 0)
        return false;
    uint32_t *count = k->counts[sf_engine_current_worker()];
    memset(count, 0, ((size_t)own + 1) * sizeof *count);
    for (sf_eid i = 0; i < degree; i++) {
        uint32_t x = __atomic_load_n(&k->value[nbr[i]], __ATOMIC_RELAXED);
        count[x < own ? x : own]++;
    }
    uint32_t h = own;
    for (uint64_t at_least = count[own]; at_least < h;)
        at_least += count[--h];
    if (h == own)
        return false;
    __atomic_store_n(&k->value[v], h, __ATOMIC_RELAXED);
    return true;
}

static void lower_shard(sf_shard *s, void *arg)
{
    struct dkcore *k = arg;
    s->count = sf_edge_map_pull(s, k->g, lower, arg, NULL);
}

static void degree_vertex(sf_vid v, void *arg)
{
    struct dkcore *k = arg;
    k->value[v] = (uint32_t)sf_in_degree(k->g, v);
}

static void degree_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, degree_vertex, arg);
}

static void copy_out(sf_vid v, void *arg)
{
    void **pair = arg; /* {values, core} */
    ((uint64_t *)pair[1])[v] = ((const uint32_t *)pair[0])[v];
}

static void copy_out_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, copy_out, arg);
}

int sf_dist_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log)
{
    sf_dist_graph *d = sf_engine_dist(e);
    if (!d)
        return -EINVAL;
    const sf_graph *g = sf_engine_graph(e);
    if (g->directed)
        return -EINVAL;
    struct dkcore state = {.g = g}, *k = &state;
    int threads = sf_engine_threads(e), rc = -ENOMEM;
    sf_eid widest = 0;
    for (sf_vid v = d->begin; v < d->end; v++)
        widest = sf_in_degree(g, v) > widest ? sf_in_degree(g, v) : widest;
    k->value = sf_engine_alloc(e, sizeof *k->value);
    k->counts = calloc(threads, sizeof *k->counts);
    if (!k->value || !k->counts)
        goto out;
    for (int t = 0; t < threads; t++)
        if (!(k->counts[t] = sf_engine_scratch(e, t, ((size_t)widest + 1) * sizeof(uint32_t))))
            goto out;
    sf_engine_run(e, degree_shard, k);
    rc = sf_dist_iterate_rounds(e, sf_dist_graph_mirrors(d, SF_MIRRORS_IN), k->value,
                                sizeof *k->value, lower_shard, k, log);
    if (rc < 0)
        goto out;
    void *pair[2] = {k->value, core};
    sf_engine_run(e, copy_out_shard, pair);
    rc = 0;
out:
    if (k->counts)
        for (int t = 0; t < threads; t++)
            sf_engine_scratch_free(e, k->counts[t]);
    free(k->counts);
    sf_engine_free(e, k->value);
    return rc;
}
