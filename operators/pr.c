/* PageRank with LDBC Graphalytics semantics: PR_0 = 1/N and, for a fixed
 * number of iterations,
 *   PR(v) = (1-d)/N + d * sum_{u->v} PR(u)/outdeg(u) + d/N * sum_{dangling w} PR(w).
 *
 * Pull style (as GAP's pr.cc): one dense edge_map per iteration in which
 * every vertex sums the contributions of its in-neighbours. The vertex_map
 * that turns ranks into contributions is fused into the pull: as v's new
 * rank is computed, its contribution for the next iteration goes to a second
 * buffer and, if v is dangling, its rank joins the shard's dangling sum. An
 * iteration is one pass over the in-arcs, one random read per arc and one
 * synchronisation. Per-vertex sums run in CSR order and shard sums in shard
 * order, so results do not depend on the thread count. */
#include <errno.h>
#include <stdlib.h>

#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

struct pr_state {
    const sf_graph *g;
    double damping;
    double base;                /* (1-d)/N + d/N * dangling mass, this iteration */
    const double *contrib;      /* PR(u)/outdeg(u) of the previous iteration */
    double *next_contrib;
    double *rank;               /* written on the last iteration only */
    bool last;
    double dangling;            /* per shard: dangling mass of the new ranks */
};

/* Contribution of v's rank r along each out-arc; adds r to the dangling
 * mass when v has no out-arcs. */
static inline void pr_emit(struct pr_state *p, sf_vid v, double r)
{
    sf_eid out = sf_out_degree(p->g, v);
    if (out)
        p->next_contrib[v] = r / out;
    else
        p->dangling += r;
    if (p->last)
        p->rank[v] = r;
}

static void pr_initial(sf_vid v, void *arg)
{
    struct pr_state *p = arg;
    pr_emit(p, v, 1.0 / p->g->num_vertices);
}

static void pr_initial_shard(sf_shard *s, void *arg)
{
    struct pr_state local = *(struct pr_state *)arg;
    local.dangling = 0;
    sf_vertex_map(s, pr_initial, &local);
    s->sum = local.dangling;
}

static bool pr_gather(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct pr_state *p = arg;
    const double *contrib = p->contrib;
    double sum = 0;
    for (sf_eid i = 0; i < degree; i++)
        sum += contrib[in[i]];
    pr_emit(p, v, p->base + p->damping * sum);
    return false;
}

static void pr_pull_shard(sf_shard *s, void *arg)
{
    struct pr_state local = *(struct pr_state *)arg;
    local.dangling = 0;
    sf_edge_map_pull(s, local.g, pr_gather, &local, NULL);
    s->sum = local.dangling;
}

struct pr_run {
    sf_engine *engine;
    struct pr_state state;
    double *buffer[2];
    int iterations;
};

static bool pr_step(int iteration, void *arg)
{
    struct pr_run *run = arg;
    struct pr_state *p = &run->state;
    double n = p->g->num_vertices;
    p->base = (1 - p->damping) / n + p->damping * sf_engine_sum(run->engine) / n;
    p->contrib = run->buffer[iteration & 1];
    p->next_contrib = run->buffer[(iteration + 1) & 1];
    p->last = iteration + 1 == run->iterations;
    sf_engine_run(run->engine, pr_pull_shard, p);
    return false;
}

int sf_pr(sf_engine *e, int iterations, double damping, double *rank, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct pr_run run = {.engine = e, .iterations = iterations};
    run.state = (struct pr_state){.g = g, .damping = damping, .rank = rank};
    if (g->num_vertices == 0)
        return 0;
    run.buffer[0] = sf_engine_alloc(e, sizeof(double));
    run.buffer[1] = sf_engine_alloc(e, sizeof(double));
    int rc = -ENOMEM;
    if (!run.buffer[0] || !run.buffer[1])
        goto out;
    run.state.next_contrib = run.buffer[0];
    run.state.last = iterations == 0;
    sf_engine_run(e, pr_initial_shard, &run.state);
    rc = sf_iterate(iterations, pr_step, &run, log);
    rc = rc < 0 ? rc : 0;
out:
    sf_engine_free(e, run.buffer[0]);
    sf_engine_free(e, run.buffer[1]);
    return rc;
}
