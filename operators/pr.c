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
 * On an undirected graph the tiles keep each edge inside a shard once and
 * the shard's worker applies it both ways (engine/tiles.h), as the
 * baseline does; with one worker the engine cuts one shard, so every edge
 * is kept once.
 *
 * Results are the same bits at any thread count for a given shard count,
 * and within rounding (1e-9 relative is the requirement) across shard
 * counts: a vertex's sum runs in an order fixed by the shards (CSR order
 * or, directed, the global curve's: then the same bits at any shard count
 * too), and the dangling mass is summed exactly, in 128-bit fixed point, so
 * its per-shard parts add up the same however they are cut (and the sum of
 * millions of ranks loses nothing: summed naively it is 1e-11 off, in every
 * rank, says bench/baseline_pr.c).
 *
 * Tiled is the default: twice as fast as CSR. Medians of per-iteration
 * times (Graph500 Kronecker, ids in degree order, a 2-core AMD EPYC VM
 * shared with other jobs, so +-15%; the single-threaded baseline of
 * bench/baseline_pr.c as run_s / 20):
 *   kron:22 undirected: tiled 1 thread 100-130 ms (115-140 before edges
 *     inside a shard were kept once; 1.07x the baseline in one bench run),
 *     2 threads 64-70 ms; csr 1 thread 255 ms; baseline 97-110 ms. The
 *     layout is built once per attached graph, inside the first run: 2.9 s
 *     (1 thread), 1.6 s (2).
 *   kron:21 undirected: tiled 61 ms, 2 threads 35 ms; csr 109 ms;
 *     baseline 48 ms. Build 1.4 s, 0.7 s.
 *   kron:22 directed: tiled 75 ms, 2 threads 47 ms; csr 140 ms;
 *     baseline 74 ms. Build 1.3 s, 0.8 s.
 * On a directed graph the arc loop matches the baseline's. On an undirected
 * one the baseline keeps each edge once and updates both ends, streaming
 * half the bytes: that was the gap (the loop alone: 60 ms against 45 on
 * kron:21) before the tiles kept intra-shard edges once.
 *
 * Over MPI ranks (engine/dist_graph.h) the same functions run on each
 * rank's vertices, with two hooks: the contributions of boundary vertices
 * go to the ranks that pull them, and the exact dangling mass is summed
 * over the ranks. The exchange overlaps the arc stream as Gemini's does:
 * each shard's tiles are grouped by the last rank whose contributions they
 * read, in the order this rank waits for them (itself first, then rank + 1,
 * rank + 2, ...), so the tiles of local sources stream while the messages
 * are in flight and each rank's group as soon as its values are in; then
 * the per-vertex step. The order of a vertex's sum is fixed for a rank
 * and shard count, so results are the same run after run, and within 1e-9 of a single
 * process (summed in another order). */
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
    double *tile_acc_src;       /* and the other way, for `both` tiles */
    const double *tile_contrib_dst;
    double *rank;               /* written on the last iteration only */
    bool last;
    shard_slot *slots;          /* per shard */
    fixed_sum dangling;         /* this shard's, while it runs */
    /* over ranks, tiled: shard i's tiles of group k are group_tiles[at[k]
     * .. at[k+1]), at = group_at + i * (groups + 1) */
    const sf_tile *group_tiles;
    const uint64_t *group_at;
    int groups, group;
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
    p->tile_acc_src = p->acc + src_base;
    p->tile_contrib_dst = p->contrib + dst_base;
}

static void pr_spread(uint32_t dst, uint32_t src, void *arg)
{
    struct pr_state *p = arg;
    p->tile_acc[dst] += p->tile_contrib[src];
}

/* An edge inside the shard: both arcs. Both loads first, so neither waits
 * on the other's store (the compiler cannot tell acc from contrib). */
static void pr_spread_both(uint32_t dst, uint32_t src, void *arg)
{
    struct pr_state *p = arg;
    double to_dst = p->tile_contrib[src], to_src = p->tile_contrib_dst[dst];
    p->tile_acc[dst] += to_dst;
    p->tile_acc_src[src] += to_src;
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
    sf_edge_map_tiled(s, local.tiles, pr_tile, pr_spread, pr_spread_both, &local);
    sf_shard live = live_part(s, &local);
    sf_vertex_map(&live, pr_apply, &local);
    pr_isolated(s, &local);
    local.slots[s->index].dangling = local.dangling;
}

/* ---- over ranks: tiles by group, then the per-vertex step ---------------- */

static void pr_group_shard(sf_shard *s, void *arg)
{
    struct pr_state local = *(struct pr_state *)arg;
    const uint64_t *at = local.group_at + (size_t)s->index * (local.groups + 1) + local.group;
    sf_edge_map_tiles(local.group_tiles + at[0], at[1] - at[0], local.tiles->arcs, pr_tile,
                      pr_spread, pr_spread_both, &local);
}

static void pr_apply_shard(sf_shard *s, void *arg)
{
    struct pr_state local = *(struct pr_state *)arg;
    local.dangling = 0;
    sf_shard live = live_part(s, &local);
    sf_vertex_map(&live, pr_apply, &local);
    pr_isolated(s, &local);
    local.slots[s->index].dangling = local.dangling;
}

/* The group of a tile: the last, in waiting order, of the ranks owning its
 * 2^16 sources. */
static int tile_group(const sf_dist_graph *d, sf_vid src_base)
{
    uint64_t last = (uint64_t)src_base + SF_TILE_MASK;
    if (last >= d->view.num_vertices)
        last = d->view.num_vertices - 1;
    int group = 0;
    for (int q = sf_dist_graph_owner(d, src_base); q <= sf_dist_graph_owner(d, (sf_vid)last); q++) {
        int k = (q - d->rank + d->ranks) % d->ranks;
        group = k > group ? k : group;
    }
    return group;
}

/* Sorts every shard's tiles by group, curve order kept within a group.
 * Returns 0 or -ENOMEM. */
static int group_tiles(sf_engine *e, const sf_dist_graph *d, const sf_tiled_arcs *t,
                       sf_tile **tiles_out, uint64_t **at_out, uint64_t *group_arcs)
{
    int shards = sf_engine_num_shards(e), groups = d->ranks;
    sf_tile *tiles = malloc((t->num_tiles + 1) * sizeof *tiles);
    uint64_t *at = calloc((size_t)shards * (groups + 1) + 1, sizeof *at);
    if (!tiles || !at) {
        free(tiles);
        free(at);
        return -ENOMEM;
    }
    uint64_t placed = 0;
    for (int i = 0; i < shards; i++) {
        const sf_tiled_shard *ts = &t->shards[i];
        uint64_t *mine = at + (size_t)i * (groups + 1);
        for (uint64_t k = 0; k < ts->num_tiles; k++) {
            int g = tile_group(d, ts->tiles[k].src_base);
            mine[g + 1]++;
            group_arcs[g] += ts->tiles[k].end - ts->tiles[k].begin;
        }
        mine[0] = placed;
        for (int g = 0; g < groups; g++)
            mine[g + 1] += mine[g];
        uint64_t *next = malloc(((size_t)groups + 1) * sizeof *next);
        if (!next) {
            free(tiles);
            free(at);
            return -ENOMEM;
        }
        memcpy(next, mine, (size_t)groups * sizeof *next);
        for (uint64_t k = 0; k < ts->num_tiles; k++)
            tiles[next[tile_group(d, ts->tiles[k].src_base)]++] = ts->tiles[k];
        free(next);
        placed = mine[groups];
    }
    *tiles_out = tiles;
    *at_out = at;
    return 0;
}

/* ---- the iterations ----------------------------------------------------- */

struct pr_run {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;   /* over ranks: in-neighbours on other ranks */
    const sf_dist_graph *dist;
    sf_tile *group_tiles;       /* over ranks, tiled: see pr_state */
    uint64_t *group_at, *group_arcs;
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
    if (run->group_tiles) {
        /* over ranks: the arc stream overlaps the exchange, group by group */
        const sf_dist_graph *d = run->dist;
        sf_dist_mirrors_begin(run->mirrors, (double *)p->contrib, sizeof(double));
        for (int k = 0; k < d->ranks; k++) {
            if (k)
                sf_dist_mirrors_wait_peer(run->mirrors, (d->rank + k) % d->ranks);
            p->group = k;
            if (run->group_arcs[k])
                sf_engine_run(run->engine, pr_group_shard, p);
        }
        sf_dist_mirrors_end(run->mirrors);
        sf_engine_run(run->engine, pr_apply_shard, p);
        return false;
    }
    if (run->mirrors)
        sf_dist_mirrors_sync(run->mirrors, (double *)p->contrib, sizeof(double));
    sf_engine_run(run->engine, p->tiles ? pr_tiled_shard : pr_pull_shard, p);
    return false;
}

enum layout { TILED, CSR }; /* the knob's values, the default first */
static const char *const layouts[] = {"tiled", "csr", NULL};
const sf_env_knob sf_pr_layout = {"SF_PR_LAYOUT", layouts};

static bool csr_requested(void)
{
    return sf_env_choice(&sf_pr_layout) == CSR;
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
    if (sf_engine_dist(e)) {
        run.dist = sf_engine_dist(e);
        run.mirrors = sf_dist_graph_mirrors(sf_engine_dist(e), SF_MIRRORS_IN);
        if (run.state.tiles) {
            run.group_arcs = calloc(run.dist->ranks + 1, sizeof *run.group_arcs);
            if (!run.group_arcs || group_tiles(e, run.dist, run.state.tiles, &run.group_tiles,
                                               &run.group_at, run.group_arcs))
                goto out;
            run.state.group_tiles = run.group_tiles;
            run.state.group_at = run.group_at;
            run.state.groups = run.dist->ranks;
        }
    }
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
    free(run.group_tiles);
    free(run.group_at);
    free(run.group_arcs);
    return rc;
}
