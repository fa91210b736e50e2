/* Core numbers of an undirected graph: core[v] = the largest k such that v
 * belongs to a subgraph in which every vertex has degree >= k.
 *
 * Algorithm: parallel peeling by levels, as ParK (Dasari, Desh and Zubair,
 * 2014) and PKC (Kabir and Madduri, 2017) do it. degree[v] starts at v's
 * degree and only decreases; at level k,
 *   scan:    every shard walks its list of remaining vertices, moves those
 *            of degree k to its frontier and drops those already peeled;
 *   peel:    every shard peels its frontier: a peeled vertex v keeps
 *            degree[v] = k, its core number, and every neighbour w with
 *            degree[w] > k loses one; a w that drops to k is peeled in the
 *            same level by whoever dropped it, from a stack (the cascade),
 *            so a level needs no synchronisation beyond its two runs.
 * A neighbour's degree is decremented only while above k, by an atomic
 * subtraction that is undone if another worker got there first, so exactly
 * one worker sees it reach k and peels it. Levels with an empty frontier
 * are skipped: the next level is the smallest remaining degree, which the
 * scan computes. Core numbers are unique, so the result does not depend on
 * the thread or shard count (nor on the order of peeling within a level).
 *
 * Work: one pass over the arcs (each peeled vertex reads its row once) plus
 * the scans, which shrink with the remaining lists: sum over levels of the
 * vertices still there. With one worker the same code runs without atomics
 * (compile-time specialised).
 *
 * Why peeling and not h-index iteration (Montresor et al. 2013, Sariyuce et
 * al. 2018): the h-index iteration rereads every arc of a vertex each time
 * a neighbour changes, several times over on Kronecker graphs, whereas
 * peeling reads each arc once; see bench/RESULTS.md for the figures. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

#define STACK_INITIAL 4096

struct kcore_stack {
    sf_vid *items;
    uint64_t len, capacity;
    int busy;
} __attribute__((aligned(64)));

struct kcore_shard {
    sf_vid remaining;           /* entries of the remaining list */
    sf_vid frontier;            /* entries of the frontier */
    uint32_t min_degree;        /* smallest degree above the level, or UINT32_MAX */
} __attribute__((aligned(64)));

struct kcore_state {
    const sf_graph *g;
    uint32_t *degree;           /* vertex array: remaining degree, then core */
    sf_vid *remaining;          /* vertex array: shard i's list at its begin */
    sf_vid *frontier;           /* vertex array: likewise */
    struct kcore_shard *shards;
    struct kcore_stack *stacks; /* one per worker, claimed per shard run */
    int num_stacks;
    uint32_t level;
    int failed;                 /* a stack could not grow */
    uint64_t *core;
};

static void kcore_init_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    const sf_eid *off = k->g->out_offsets;
    for (sf_vid v = s->begin; v < s->end; v++) {
        k->degree[v] = (uint32_t)(off[v + 1] - off[v]);
        k->remaining[v] = v;
    }
    k->shards[s->index].remaining = s->end - s->begin;
}

/* Frontier of the level; the remaining list keeps the vertices above it. */
static void kcore_scan_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    struct kcore_shard *ks = &k->shards[s->index];
    sf_vid *remaining = k->remaining + s->begin, *frontier = k->frontier + s->begin;
    const uint32_t level = k->level;
    sf_vid kept = 0, found = 0;
    uint32_t min_degree = UINT32_MAX;
    for (sf_vid i = 0; i < ks->remaining; i++) {
        sf_vid v = remaining[i];
        uint32_t d = k->degree[v];
        if (d == level)
            frontier[found++] = v;
        else if (d > level) {
            remaining[kept++] = v;
            min_degree = d < min_degree ? d : min_degree;
        }
    }
    ks->remaining = kept;
    ks->frontier = found;
    ks->min_degree = min_degree;
    s->count = found;
    s->count2 = kept;
}

static bool stack_push(struct kcore_stack *st, sf_vid v)
{
    if (st->len == st->capacity) {
        uint64_t capacity = st->capacity ? 2 * st->capacity : STACK_INITIAL;
        sf_vid *items = realloc(st->items, capacity * sizeof *items);
        if (!items)
            return false;
        st->items = items;
        st->capacity = capacity;
    }
    st->items[st->len++] = v;
    return true;
}

/* Peels v at the current level: its neighbours above the level lose one;
 * those that reach it are peeled next, from the stack. */
SF_INLINE bool kcore_peel(struct kcore_state *k, struct kcore_stack *st, sf_vid v, bool shared)
{
    const uint32_t level = k->level;
    uint32_t *degree = k->degree;
    const sf_vid *row = k->g->out_neighbors + k->g->out_offsets[v];
    const sf_eid n = k->g->out_offsets[v + 1] - k->g->out_offsets[v];
    for (sf_eid i = 0; i < n; i++) {
        sf_vid w = row[i];
        if (shared) {
            if (__atomic_load_n(&degree[w], __ATOMIC_RELAXED) <= level)
                continue;
            uint32_t before = __atomic_fetch_sub(&degree[w], 1, __ATOMIC_RELAXED);
            if (before <= level) /* another worker took it to the level first */
                __atomic_fetch_add(&degree[w], 1, __ATOMIC_RELAXED);
            else if (before == level + 1 && !stack_push(st, w))
                return false;
        } else if (degree[w] > level && --degree[w] == level && !stack_push(st, w))
            return false;
    }
    return true;
}

SF_INLINE void kcore_peel_frontier(sf_shard *s, struct kcore_state *k, struct kcore_stack *st,
                                   bool shared)
{
    const sf_vid *frontier = k->frontier + s->begin;
    sf_vid count = k->shards[s->index].frontier;
    for (sf_vid i = 0; i < count; i++) {
        if (!kcore_peel(k, st, frontier[i], shared))
            goto fail;
        while (st->len > 0)
            if (!kcore_peel(k, st, st->items[--st->len], shared))
                goto fail;
    }
    return;
fail:
    __atomic_store_n(&k->failed, 1, __ATOMIC_RELAXED);
    st->len = 0;
}

static void kcore_peel_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    if (k->shards[s->index].frontier == 0 || __atomic_load_n(&k->failed, __ATOMIC_RELAXED))
        return;
    /* claim a free stack: as many as workers, so one is always free */
    int i = 0;
    while (__atomic_exchange_n(&k->stacks[i].busy, 1, __ATOMIC_ACQUIRE))
        i = (i + 1) % k->num_stacks;
    kcore_peel_frontier(s, k, &k->stacks[i], k->num_stacks > 1);
    __atomic_store_n(&k->stacks[i].busy, 0, __ATOMIC_RELEASE);
}

static void kcore_output(sf_vid v, void *arg)
{
    struct kcore_state *k = arg;
    k->core[v] = k->degree[v];
}

static void kcore_output_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, kcore_output, arg);
}

struct kcore_job {
    sf_engine *engine;
    struct kcore_state *state;
};

/* One level: scan, skipping to the smallest remaining degree when the
 * level has no vertex, then peel. True when no vertex remains. */
static bool kcore_level(int iteration, void *arg)
{
    struct kcore_job *job = arg;
    struct kcore_state *k = job->state;
    sf_engine *e = job->engine;
    if (iteration > 0)
        k->level++;
    for (;;) {
        sf_engine_run(e, kcore_scan_shard, k);
        if (sf_engine_count(e) > 0)
            break;
        if (sf_engine_count2(e) == 0)
            return true;
        uint32_t next = UINT32_MAX;
        for (int i = 0; i < sf_engine_num_shards(e); i++)
            next = k->shards[i].min_degree < next ? k->shards[i].min_degree : next;
        k->level = next;
    }
    sf_engine_run(e, kcore_peel_shard, k);
    return __atomic_load_n(&k->failed, __ATOMIC_RELAXED) != 0;
}

int sf_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    if (g->num_vertices == 0)
        return 0;
    struct kcore_state k = {.g = g, .core = core, .num_stacks = sf_engine_threads(e)};
    int rc = -ENOMEM;
    k.degree = sf_engine_alloc(e, sizeof *k.degree);
    k.remaining = sf_engine_alloc(e, sizeof *k.remaining);
    k.frontier = sf_engine_alloc(e, sizeof *k.frontier);
    k.shards = aligned_alloc(64, sf_engine_num_shards(e) * sizeof *k.shards);
    k.stacks = aligned_alloc(64, k.num_stacks * sizeof *k.stacks);
    if (!k.degree || !k.remaining || !k.frontier || !k.shards || !k.stacks)
        goto out;
    memset(k.shards, 0, sf_engine_num_shards(e) * sizeof *k.shards);
    memset(k.stacks, 0, k.num_stacks * sizeof *k.stacks);
    sf_engine_run(e, kcore_init_shard, &k);
    struct kcore_job job = {.engine = e, .state = &k};
    rc = sf_iterate(INT32_MAX, kcore_level, &job, log);
    if (rc < 0)
        goto out;
    rc = -ENOMEM;
    if (k.failed)
        goto out;
    sf_engine_run(e, kcore_output_shard, &k);
    rc = 0;
out:
    sf_engine_free(e, k.degree);
    sf_engine_free(e, k.remaining);
    sf_engine_free(e, k.frontier);
    if (k.stacks)
        for (int i = 0; i < k.num_stacks; i++)
            free(k.stacks[i].items);
    free(k.shards);
    free(k.stacks);
    return rc;
}
