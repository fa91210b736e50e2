/* PageRank with LDBC Graphalytics semantics: PR_0 = 1/N and, for a fixed
 * number of iterations,
 *   PR(v) = (1-d)/N + d * sum_{u->v} PR(u)/outdeg(u) + d/N * sum_{dangling w} PR(w).
 *
 * Tiled (the default): each shard streams its in-arcs in Hilbert-curve
 * order (engine/tiles.h), acc[dst] += contrib[src], so that the random
 * reads and writes stay within a tile's vertices; then a vertex_map over the
 * shard turns acc into the new rank, clears acc, writes the contribution for
 * the next iteration and, if the vertex is dangling, adds its rank to the
 * shard's dangling mass. CSR pull (SF_PR_LAYOUT=csr), as GAP's pr.cc: every
 * vertex sums its in-neighbours' contributions in CSR order, fused with the
 * same per-vertex step. Either way an iteration is one pass over the
 * in-arcs and one synchronisation.
 *
 * Results are the same bits at any thread or shard count: a vertex's sum
 * runs in an order that does not depend on the shards (CSR order, or the
 * global curve's), and the dangling mass is summed exactly, in 128-bit
 * fixed point, so its per-shard parts add up the same however they are cut
 * (and the sum of millions of ranks loses nothing: summed naively it is
 * 1e-11 off, in every rank, says bench/baseline_pr.c).
 *
 * Tiled is the default: twice as fast as CSR. Medians of per-iteration
 * times (Graph500 Kronecker, ids in degree order, a 2-core AMD EPYC VM
 * shared with other jobs, so +-15%; the single-threaded baseline of
 * bench/baseline_pr.c as run_s / 20):
 *   kron:22 undirected: tiled 1 thread 115-140 ms, 2 threads 70-80 ms;
 *     csr 1 thread 255 ms; baseline 105-110 ms. The layout is built once
 *     per attached graph, inside the first run: 2.9 s (1 thread), 1.6 s (2).
 *   kron:21 undirected: tiled 61 ms, 2 threads 35 ms; csr 109 ms;
 *     baseline 48 ms. Build 1.4 s, 0.7 s.
 *   kron:22 directed: tiled 75 ms, 2 threads 47 ms; csr 140 ms;
 *     baseline 74 ms. Build 1.3 s, 0.8 s.
 * On a directed graph the arc loop matches the baseline's. On an undirected
 * one the baseline keeps each edge once and updates both ends, streaming
 * half the bytes: that is the gap (the loop alone: 60 ms against 45 on
 * kron:21).
 *
 * Over MPI ranks (engine/dist_graph.h) the same shard functions run on each
 * rank's vertices; two hooks make it distributed: before each iteration the
 * contributions of boundary vertices go to the ranks that pull them
 * (sf_dist_mirrors_sync), and the exact dangling mass is summed over the
 * ranks. A vertex still sums its in-arcs in the global order, so the ranks
 * agree bit for bit at any rank count. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

/* ---- the dangling mass, exactly -------------------------------------------
 * A rank r in (0, 1] is mant * 2^(exp - 1075) with a 53-bit mant, so with
 * FRACTION_BITS = 96 every rank above 2^-44 is an exact integer in 128 bits
 * (ranks are at least (1-d)/N), with 2^31 of headroom above the total mass
 * of 1. Integer sums do not depend on the order of the terms. */
#define FRACTION_BITS 96

typedef unsigned __int128 fixed_sum;

static inline fixed_sum to_fixed(double r)
{
    uint64_t bits;
    memcpy(&bits, &r, sizeof bits);
    int exp = (int)(bits >> 52) & 0x7ff; /* ranks are >= 0: no sign bit */
    uint64_t mant = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
    int shift = exp - 1075 + FRACTION_BITS;
    if (exp == 0 || shift <= -64)
        return 0;               /* below 2^-96: nothing a rank can be */
    if (shift < 0)
        return mant >> -shift;
    return (fixed_sum)mant << (shift < 74 ? shift : 74);
}

static inline double from_fixed(fixed_sum x)
{
    return (double)x * 0x1p-96;  /* one rounding, the int128 -> double */
}

/* One per shard, on its own cache line. */
typedef struct shard_slot {
    fixed_sum dangling;         /* dangling mass of the shard's new ranks */
    sf_vid live_end;            /* [live_end, end): no arc in or out */
} __attribute__((aligned(64))) shard_slot;

struct pr_state {
    const sf_graph *g;
    const sf_tiled_arcs *tiles; /* NULL: CSR pull */
    double damping;
    double base;                /* (1-d)/N + d/N * dangling mass, this iteration */
    const double *contrib;      /* PR(u)/outdeg(u) of the previous iteration */
    double *next_contrib;
    double *acc;                /* tiled: sum of contributions in; 0 between iterations */
    double *tile_acc;           /* acc and contrib from the current tile's bases */
    const double *tile_contrib;
    double *rank;               /* written on the last iteration only */
    bool last;
    shard_slot *slots;          /* per shard */
    fixed_sum dangling;         /* this shard's, while it runs */
};

/* Contribution of v's rank r along each out-arc; adds r to the dangling
 * mass when v has no out-arcs. */
static inline void pr_emit(struct pr_state *p, sf_vid v, double r)
{
    sf_eid out = sf_out_degree(p->g, v);
    if (out)
        p->next_contrib[v] = r / out;
    else
        p->dangling += to_fixed(r);
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
    sf_vid live_end = s->end;
    while (live_end > s->begin && sf_out_degree(local.g, live_end - 1) == 0 &&
           sf_in_degree(local.g, live_end - 1) == 0)
        live_end--;
    local.slots[s->index].live_end = live_end;
    local.slots[s->index].dangling = local.dangling;
}

/* The shard's vertices without arcs, at its end when ids are in degree
 * order (half of kron:22's): rank base, and all dangling. Adding their ranks
 * at once gives the same bits as one at a time. */
static void pr_isolated(const sf_shard *s, struct pr_state *p)
{
    sf_vid live_end = p->slots[s->index].live_end;
    p->dangling += (fixed_sum)(s->end - live_end) * to_fixed(p->base);
    if (p->last)
        for (sf_vid v = live_end; v < s->end; v++)
            p->rank[v] = p->base;
}

/* The shard without its isolated tail. */
static inline sf_shard live_part(const sf_shard *s, const struct pr_state *p)
{
    sf_shard live = *s;
    live.end = p->slots[s->index].live_end;
    return live;
}

/* ---- CSR pull ---------------------------------------------------------- */

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
    sf_shard live = live_part(s, &local);
    sf_edge_map_pull(&live, local.g, pr_gather, &local, NULL);
    pr_isolated(s, &local);
    local.slots[s->index].dangling = local.dangling;
}

/* ---- tiled ------------------------------------------------------------- */

static void pr_tile(sf_vid dst_base, sf_vid src_base, void *arg)
{
    struct pr_state *p = arg;
    p->tile_acc = p->acc + dst_base;
    p->tile_contrib = p->contrib + src_base;
}

static void pr_spread(uint32_t dst, uint32_t src, void *arg)
{
    struct pr_state *p = arg;
    p->tile_acc[dst] += p->tile_contrib[src];
}

static void pr_apply(sf_vid v, void *arg)
{
    struct pr_state *p = arg;
    double sum = p->acc[v];
    p->acc[v] = 0;
    pr_emit(p, v, p->base + p->damping * sum);
}

static void pr_tiled_shard(sf_shard *s, void *arg)
{
    struct pr_state local = *(struct pr_state *)arg;
    local.dangling = 0;
    sf_edge_map_tiled(s, local.tiles, pr_tile, pr_spread, &local);
    sf_shard live = live_part(s, &local);
    sf_vertex_map(&live, pr_apply, &local);
    pr_isolated(s, &local);
    local.slots[s->index].dangling = local.dangling;
}

/* ---- the iterations ----------------------------------------------------- */

struct pr_run {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;   /* over ranks: in-neighbours on other ranks */
    struct pr_state state;
    double *buffer[2];
    int iterations;
};

/* The dangling mass of the last run: the shards' exact sums, in shard order
 * (any order would do). */
static double dangling_mass(const struct pr_run *run)
{
    fixed_sum total = 0;
    for (int i = 0; i < sf_engine_num_shards(run->engine); i++)
        total += run->state.slots[i].dangling;
    if (run->mirrors)
        total = sf_dist_sum_u128(total);
    return from_fixed(total);
}

static bool pr_step(int iteration, void *arg)
{
    struct pr_run *run = arg;
    struct pr_state *p = &run->state;
    double n = p->g->num_vertices;
    p->base = (1 - p->damping) / n + p->damping * dangling_mass(run) / n;
    p->contrib = run->buffer[iteration & 1];
    p->next_contrib = run->buffer[(iteration + 1) & 1];
    p->last = iteration + 1 == run->iterations;
    if (run->mirrors)
        sf_dist_mirrors_sync(run->mirrors, (double *)p->contrib, sizeof(double));
    sf_engine_run(run->engine, p->tiles ? pr_tiled_shard : pr_pull_shard, p);
    return false;
}

static bool csr_requested(void)
{
    const char *layout = getenv("SF_PR_LAYOUT");
    return layout && strcmp(layout, "csr") == 0;
}

int sf_pr(sf_engine *e, int iterations, double damping, double *rank, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct pr_run run = {.engine = e, .iterations = iterations};
    run.state = (struct pr_state){.g = g, .damping = damping, .rank = rank};
    if (g->num_vertices == 0)
        return 0;
    int rc = -ENOMEM;
    run.state.slots = aligned_alloc(64, sf_engine_num_shards(e) * sizeof *run.state.slots);
    run.buffer[0] = sf_engine_alloc(e, sizeof(double));
    run.buffer[1] = sf_engine_alloc(e, sizeof(double));
    if (!run.state.slots || !run.buffer[0] || !run.buffer[1])
        goto out;
    if (!csr_requested()) {
        run.state.tiles = sf_engine_tiled_in_arcs(e);
        run.state.acc = sf_engine_alloc(e, sizeof(double));
        if (!run.state.tiles || !run.state.acc)
            goto out;
    }
    if (sf_engine_dist(e))
        run.mirrors = sf_dist_graph_mirrors(sf_engine_dist(e), SF_MIRRORS_IN);
    run.state.next_contrib = run.buffer[0];
    run.state.last = iterations == 0;
    sf_engine_run(e, pr_initial_shard, &run.state);
    rc = sf_iterate(iterations, pr_step, &run, log);
    rc = rc < 0 ? rc : 0;
out:
    sf_engine_free(e, run.state.acc);
    sf_engine_free(e, run.buffer[0]);
    sf_engine_free(e, run.buffer[1]);
    free(run.state.slots);
    return rc;
}
