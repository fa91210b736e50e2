/* Weakly connected components by Afforest (Sutton, Ben-Nun, Barak, IPDPS
 * 2018; GAP's cc.cc): a concurrent union-find in which a link always hooks
 * the larger root under the smaller, so every component ends rooted at its
 * smallest dense id, which is its smallest original id (LDBC's label),
 * whatever the order in which workers link.
 *
 * 1. Sampling: link every vertex with its first NEIGHBOR_ROUNDS
 *    out-neighbours (edge_map push over all vertices), compressing after
 *    each round. This already joins most of the giant component.
 * 2. Skip: sample the labels of SAMPLES vertices; the most frequent one is
 *    the giant component.
 * 3. Finish: edge_map push over the vertices outside it, linking their
 *    remaining out-neighbours (and, in a directed graph, their
 *    in-neighbours, since components are weak). An arc between the giant
 *    component and another is linked from the other side.
 * 4. Compress: label[v] = root of v. */
#include <errno.h>
#include <stdlib.h>

#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

#define NEIGHBOR_ROUNDS 2
#define SAMPLES 1024

struct wcc_state {
    const sf_graph *g;
    sf_vid *comp;
    int round;                  /* sampling: which neighbour to link */
    sf_vid skip;                /* finishing: label of the giant component */
};

static inline sf_vid load(const sf_vid *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Joins the trees of u and v, hooking the larger root under the smaller. */
static inline void wcc_link(sf_vid *comp, sf_vid u, sf_vid v)
{
    sf_vid p1 = load(&comp[u]), p2 = load(&comp[v]);
    while (p1 != p2) {
        sf_vid high = p1 > p2 ? p1 : p2, low = p1 + p2 - high;
        sf_vid p_high = load(&comp[high]);
        if (p_high == low)
            break;
        if (p_high == high &&
            __atomic_compare_exchange_n(&comp[high], &p_high, low, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            break;
        p1 = load(&comp[load(&comp[high])]);
        p2 = load(&comp[low]);
    }
}

static void wcc_init(sf_vid v, void *arg)
{
    struct wcc_state *w = arg;
    w->comp[v] = v;
}

static void wcc_init_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, wcc_init, arg);
}

/* Path compression: point v straight at its root. */
static void wcc_compress(sf_vid v, void *arg)
{
    sf_vid *comp = ((struct wcc_state *)arg)->comp;
    while (load(&comp[v]) != load(&comp[load(&comp[v])]))
        comp[v] = load(&comp[load(&comp[v])]);
}

static void wcc_compress_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, wcc_compress, arg);
}

static void wcc_link_sample(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct wcc_state *w = arg;
    if (degree > (sf_eid)w->round)
        wcc_link(w->comp, u, out[w->round]);
}

static void wcc_sample_shard(sf_shard *s, void *arg)
{
    struct wcc_state *w = arg;
    sf_edge_map_push_all(s, w->g, wcc_link_sample, arg);
}

static void wcc_link_rest(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct wcc_state *w = arg;
    if (load(&w->comp[u]) == w->skip)
        return;
    for (sf_eid i = NEIGHBOR_ROUNDS; i < degree; i++)
        wcc_link(w->comp, u, out[i]);
    if (w->g->directed) {
        const sf_graph *g = w->g;
        for (sf_eid e = g->in_offsets[u]; e < g->in_offsets[u + 1]; e++)
            wcc_link(w->comp, u, g->in_neighbors[e]);
    }
}

static void wcc_finish_shard(sf_shard *s, void *arg)
{
    struct wcc_state *w = arg;
    sf_edge_map_push_all(s, w->g, wcc_link_rest, arg);
}

/* The most frequent label among SAMPLES vertices drawn by a fixed
 * generator (the choice only affects speed, never the answer). */
static sf_vid most_frequent_label(const sf_vid *comp, sf_vid n)
{
    sf_vid sample[SAMPLES];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < SAMPLES; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        sample[i] = comp[x % n];
    }
    /* insertion sort then the longest run: SAMPLES is small */
    for (int i = 1; i < SAMPLES; i++) {
        sf_vid key = sample[i];
        int j = i;
        while (j > 0 && sample[j - 1] > key) {
            sample[j] = sample[j - 1];
            j--;
        }
        sample[j] = key;
    }
    sf_vid best = sample[0];
    int best_run = 0, run = 0;
    for (int i = 0; i < SAMPLES; i++) {
        run = i && sample[i] == sample[i - 1] ? run + 1 : 1;
        if (run > best_run) {
            best_run = run;
            best = sample[i];
        }
    }
    return best;
}

struct wcc_run {
    sf_engine *engine;
    struct wcc_state state;
};

static bool wcc_step(int phase, void *arg)
{
    struct wcc_run *run = arg;
    struct wcc_state *w = &run->state;
    if (phase < NEIGHBOR_ROUNDS) {
        w->round = phase;
        sf_engine_run(run->engine, wcc_sample_shard, w);
        sf_engine_run(run->engine, wcc_compress_shard, w);
        return false;
    }
    w->skip = most_frequent_label(w->comp, w->g->num_vertices);
    sf_engine_run(run->engine, wcc_finish_shard, w);
    sf_engine_run(run->engine, wcc_compress_shard, w);
    return true;
}

int sf_wcc(sf_engine *e, sf_vid *label, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct wcc_run run = {.engine = e, .state = {.g = g, .comp = label}};
    if (g->num_vertices == 0)
        return 0;
    sf_engine_run(e, wcc_init_shard, &run.state);
    int rc = sf_iterate(NEIGHBOR_ROUNDS + 1, wcc_step, &run, log);
    return rc < 0 ? rc : 0;
}
