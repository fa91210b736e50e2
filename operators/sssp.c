/* Single-source shortest paths: dist[v] = the length of a shortest path
 * from the source to v, +inf when v is unreachable. Delta-stepping (Meyer
 * and Sanders, J. Algorithms 2003) in the shape of the GAP suite's sssp.cc
 * (Beamer, Asanovic, Patterson, arXiv:1508.03619).
 *
 * Vertices wait in bins by distance: bin floor(dist / delta). A round
 * takes the smallest non-empty bin, the frontier, and relaxes the out-arcs
 * of its vertices; an improved vertex goes into the bin of its new
 * distance, in the bins of the shard that improved it (each shard has its
 * own, so pushes need no locks). The frontier is the concatenation of
 * every shard's list for that bin; shards claim it CHUNK entries at a time
 * from one counter, so a hub's row does not stall a round. When a shard
 * has relaxed what it claimed, it keeps working on its own current bin
 * while that stays below FUSE_LIMIT (GAP's bin fusion): the small bins of
 * the last rounds cost no synchronisation. A vertex may sit in several
 * bins; an entry whose vertex has since moved to an earlier bin is stale
 * and skipped. One synchronisation per round. Frontier entries are
 * scattered vertices, each a few cache misses (its distance, offsets, row)
 * before its first arc: the list is walked with AHEAD entries of
 * prefetching, which took kron:20 on one thread from 0.21 s to 0.17 s
 * (prefetching distances along a row gained nothing).
 *
 * Each shard keeps the WINDOW bins from the current one on, bin b in slot
 * b % WINDOW; a push beyond them goes to the shard's overflow list, with
 * its distance, and moves into its bin when the window reaches it (so any
 * delta works, a tiny one included: empty stretches are jumped over).
 *
 * Distances are doubles, relaxed with an atomic minimum on their bit
 * patterns, which order non-negative doubles as their values do. The
 * answer does not depend on the thread count, the shard count or delta:
 * dist[v] = the smallest, over paths, of the path's weights added left to
 * right, and any label-correcting order reaches exactly that. The kernel
 * assumes weights >= 0 and not NaN (sssp refuses negative weights before
 * it runs, reading a graph's weights for them once: sf_graph_negative_weight
 * in engine/weights.h; parsers refuse NaN); a negative weight cannot break
 * memory, only the answer.
 *
 * Automatic delta (delta <= 0): DELTA_FACTOR * mean weight / mean degree
 * (arcs per vertex), the mean weight from DELTA_SAMPLES arcs spread evenly
 * over the arc array (the same arcs, hence the same delta, at any thread
 * count). A bin then holds about what one vertex's arcs reach past it.
 * Tuned on kron:20 and urand:20 with GAP's weights (mean 128, 30 and 32
 * arcs per vertex: delta 2.1 and 2.0) and directed kron:20 (15 arcs per
 * vertex: delta 4.3). On kron:20 one thread is flat between delta 1 and 2
 * and 5-10% slower at 4: Dijkstra relaxes 31.4M arcs, delta 1 as many,
 * delta 2 10% more, 4 34%, 8 52%, 16 170% (a vertex relaxed before its
 * distance is final is relaxed again), while the rounds go from 444 at
 * delta 1 to 239, 129, 72; two threads are flat from 1 to 8, fewer
 * rounds weighing against more work.
 * Unit weights give delta 1/60 on kron: a bin per BFS level.
 *
 * Figures (kron:20 with GAP's weights: 646K vertices reached, 31.4M arcs,
 * 228 rounds; a 2-core AMD EPYC VM shared with other jobs; `shardflow
 * bench --graphs kron:20 --algos sssp --threads 1,2 --trials 5`, medians):
 * one thread 0.16 s, two 0.083 s, the Dijkstra baseline 0.30 s, when the
 * machine was quiet; 0.18-0.21, 0.11-0.13 and 0.34-0.43 s under load.
 * kron:22: 0.83, 0.41 and 1.73 s. GAP's sssp on this machine class: 0.244
 * and 0.108 s on kron:20. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parallel.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

#define WINDOW 256              /* bins a shard keeps (a power of two) */
#define FUSE_LIMIT 1000         /* a shard goes on with its own bin below this */
#define CHUNK 64                /* frontier entries claimed at a time */
#define AHEAD 8                 /* entries of lookahead (prefetch) in a list */
#define DELTA_SAMPLES 4096
#define DELTA_FACTOR 0.5
#define NO_BIN UINT64_MAX
#define LAST_BIN ((uint64_t)1 << 62)

typedef struct {
    sf_vid *items;
    size_t len, cap;
} vertex_list;

/* A vertex beyond the window, with the distance it was pushed at: when the
 * window reaches it, only the entry that still holds the vertex's distance
 * moves in (a vertex improved twice out there has two). */
typedef struct {
    sf_vid vertex;
    uint64_t dist;
} far_entry;

typedef struct {
    far_entry *items;
    size_t len, cap;
} far_list;

struct shard_bins {
    vertex_list bins[WINDOW];   /* bin b at b % WINDOW, b in [current, current + WINDOW) */
    far_list overflow;          /* bins from current + WINDOW on */
    uint64_t overflow_min;      /* smallest bin in overflow; NO_BIN: none */
    vertex_list published;      /* this shard's part of the round's frontier */
    vertex_list spare;          /* an empty list with room, for swaps */
    far_list far_spare;
    uint64_t next;              /* after a round: smallest non-empty bin; NO_BIN: none */
    bool out_of_memory;
} __attribute__((aligned(64)));

struct sssp_state {
    const sf_graph *g;
    uint64_t *dist;             /* bits of the double distances */
    double inv_delta;
    uint64_t current;           /* the round's bin */
    int num_shards;
    struct shard_bins *shards;
    uint64_t *start;            /* where shard i's published list begins in the frontier */
    uint64_t cursor __attribute__((aligned(64)));   /* next frontier entry to claim */
};

static inline uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static inline double double_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static inline double load_dist(const struct sssp_state *s, sf_vid v)
{
    return double_of(__atomic_load_n(&s->dist[v], __ATOMIC_RELAXED));
}

/* floor(d / delta), capped at LAST_BIN: non-decreasing in d, which is all
 * that correctness needs (distances beyond the cap share one bin). */
static inline uint64_t bin_of(const struct sssp_state *s, double d)
{
    double x = d * s->inv_delta;
    return x < 0x1p62 ? (uint64_t)x : LAST_BIN;
}

/* A list's items after doubling its room (*cap updated), or NULL. */
static void *grown(void *items, size_t *cap, size_t size)
{
    size_t more = *cap ? 2 * *cap : 256;
    void *bigger = realloc(items, more * size);
    if (bigger)
        *cap = more;
    return bigger;
}

static inline bool vertex_append(vertex_list *l, sf_vid v)
{
    if (l->len == l->cap) {
        sf_vid *items = grown(l->items, &l->cap, sizeof *items);
        if (!items)
            return false;
        l->items = items;
    }
    l->items[l->len++] = v;
    return true;
}

static inline bool far_append(far_list *l, far_entry f)
{
    if (l->len == l->cap) {
        far_entry *items = grown(l->items, &l->cap, sizeof *items);
        if (!items)
            return false;
        l->items = items;
    }
    l->items[l->len++] = f;
    return true;
}

#define LIST_SWAP(a, b)                                                                 \
    do {                                                                                \
        __typeof__(*(a)) swap_ = *(a);                                                  \
        *(a) = *(b);                                                                    \
        *(b) = swap_;                                                                   \
    } while (0)

/* v's distance became d: into the bin of d (never behind the current one,
 * which only a negative weight could ask for) or, beyond the window, into
 * the overflow. */
static inline void push(const struct sssp_state *s, struct shard_bins *b, sf_vid v, double d)
{
    uint64_t bin = bin_of(s, d);
    bool ok;
    if (bin < s->current)
        bin = s->current;
    if (bin - s->current < WINDOW) {
        ok = vertex_append(&b->bins[bin % WINDOW], v);
    } else {
        ok = far_append(&b->overflow, (far_entry){v, bits_of(d)});
        if (bin < b->overflow_min)
            b->overflow_min = bin;
    }
    if (!ok)
        b->out_of_memory = true;
}

struct relax_arg {
    struct sssp_state *s;
    struct shard_bins *bins;    /* the running shard's */
};

/* Stale: u's distance has dropped into an earlier bin since u was pushed,
 * and that bin has relaxed u's arcs already. */
static inline bool relax_keep(sf_vid u, void *arg)
{
    const struct sssp_state *s = ((struct relax_arg *)arg)->s;
    return bin_of(s, load_dist(s, u)) >= s->current;
}

static inline void relax_prefetch(sf_vid u, void *arg)
{
    __builtin_prefetch(&((struct relax_arg *)arg)->s->dist[u], 0, 3);
}

static inline void relax(sf_vid u, const sf_vid *out, const double *weight, sf_eid degree,
                         void *arg)
{
    struct relax_arg *r = arg;
    const struct sssp_state *s = r->s;
    uint64_t *dist = s->dist;
    double du = load_dist(s, u);
    for (sf_eid i = 0; i < degree; i++) {
        sf_vid v = out[i];
        double through = du + weight[i];
        uint64_t want = bits_of(through), seen = __atomic_load_n(&dist[v], __ATOMIC_RELAXED);
        while (want < seen) {
            if (__atomic_compare_exchange_n(&dist[v], &seen, want, true, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                push(s, r->bins, v, through);
                break;
            }
        }
    }
}

static uint64_t first_nonempty(const struct shard_bins *b, uint64_t from)
{
    for (uint64_t k = 0; k < WINDOW; k++)
        if (b->bins[(from + k) % WINDOW].len)
            return from + k;
    return NO_BIN;
}

/* A round on one shard: claim chunks of the frontier, relax them, then go
 * on with the shard's own current bin while it is small. */
static void round_shard(sf_shard *shard, void *arg)
{
    struct sssp_state *s = arg;
    struct relax_arg r = {s, &s->shards[shard->index]};
    const uint64_t total = s->start[s->num_shards];
    int j = 0;                  /* the published list that holds entry p */
    for (;;) {
        uint64_t p = __atomic_fetch_add(&s->cursor, CHUNK, __ATOMIC_RELAXED);
        if (p >= total)
            break;
        uint64_t end = p + CHUNK < total ? p + CHUNK : total;
        while (p < end) {
            while (s->start[j + 1] <= p)
                j++;
            uint64_t stop = end < s->start[j + 1] ? end : s->start[j + 1];
            const sf_vid *list = s->shards[j].published.items + (p - s->start[j]);
            sf_edge_map_push_list_weighted(s->g, list, stop - p, AHEAD, relax_prefetch,
                                           relax_keep, relax, &r);
            p = stop;
        }
    }
    struct shard_bins *b = r.bins;
    vertex_list *own = &b->bins[s->current % WINDOW];
    while (own->len > 0 && own->len < FUSE_LIMIT && !b->out_of_memory) {
        LIST_SWAP(own, &b->spare);
        sf_edge_map_push_list_weighted(s->g, b->spare.items, b->spare.len, AHEAD,
                                       relax_prefetch, relax_keep, relax, &r);
        b->spare.len = 0;
    }
    b->next = first_nonempty(b, s->current);
}

/* The window now starts at s->current and reaches some of the shard's
 * overflow: those entries move into their bins, the rest stay. */
static void rebin_shard(sf_shard *shard, void *arg)
{
    struct sssp_state *s = arg;
    struct shard_bins *b = &s->shards[shard->index];
    LIST_SWAP(&b->overflow, &b->far_spare);
    b->overflow_min = NO_BIN;
    for (size_t i = 0; i < b->far_spare.len; i++) {
        far_entry f = b->far_spare.items[i];
        if (__atomic_load_n(&s->dist[f.vertex], __ATOMIC_RELAXED) == f.dist)
            push(s, b, f.vertex, double_of(f.dist));
    }
    b->far_spare.len = 0;
    b->next = first_nonempty(b, s->current);
}

struct sssp_run {
    sf_engine *engine;
    struct sssp_state state;
};

static bool out_of_memory(const struct sssp_state *s)
{
    for (int i = 0; i < s->num_shards; i++)
        if (s->shards[i].out_of_memory)
            return true;
    return false;
}

/* Sets s->current to the smallest non-empty bin of any shard, first moving
 * in the overflow the window now reaches. False when every bin and
 * overflow list is empty. */
static bool next_bin(struct sssp_run *run)
{
    struct sssp_state *s = &run->state;
    for (;;) {
        uint64_t next = NO_BIN, far = NO_BIN;
        for (int i = 0; i < s->num_shards; i++) {
            next = s->shards[i].next < next ? s->shards[i].next : next;
            far = s->shards[i].overflow_min < far ? s->shards[i].overflow_min : far;
        }
        uint64_t target = next < far ? next : far;
        if (target == NO_BIN || out_of_memory(s))
            return false;
        s->current = target;
        if (far == NO_BIN || far - target >= WINDOW)
            return true;
        sf_engine_run(run->engine, rebin_shard, s);
    }
}

/* One round: publish every shard's list of bin s->current as the frontier,
 * relax it, and find the next bin. Returns true when none is left. */
static bool sssp_step(int iteration, void *arg)
{
    (void)iteration;
    struct sssp_run *run = arg;
    struct sssp_state *s = &run->state;
    uint64_t total = 0;
    for (int i = 0; i < s->num_shards; i++) {
        struct shard_bins *b = &s->shards[i];
        LIST_SWAP(&b->bins[s->current % WINDOW], &b->published);
        s->start[i] = total;
        total += b->published.len;
    }
    s->start[s->num_shards] = total;
    s->cursor = 0;
    sf_engine_run(run->engine, round_shard, s);
    for (int i = 0; i < s->num_shards; i++)
        s->shards[i].published.len = 0;
    return !next_bin(run);
}

static void init_vertex(sf_vid v, void *arg)
{
    ((struct sssp_state *)arg)->dist[v] = bits_of(INFINITY);
}

static void init_shard(sf_shard *shard, void *arg)
{
    sf_vertex_map(shard, init_vertex, arg);
}

struct copy_arg {
    const uint64_t *from;
    double *to;
};

static void copy_shard(sf_shard *shard, void *arg)
{
    struct copy_arg *c = arg;
    memcpy(c->to + shard->begin, c->from + shard->begin,
           (size_t)(shard->end - shard->begin) * sizeof *c->to);
}

/* DELTA_FACTOR * mean weight / mean degree, the mean weight from arcs
 * spread evenly over the arc array. */
static double automatic_delta(const sf_graph *g)
{
    uint64_t m = g->num_arcs, samples = m < DELTA_SAMPLES ? m : DELTA_SAMPLES;
    double sum = 0;
    for (uint64_t k = 0; k < samples; k++) {
        double w = g->out_weights[sf_part_first(m, k, samples)];
        sum += isfinite(w) && w > 0 ? w : 0;
    }
    if (sum == 0)
        return 1;
    double mean_weight = sum / samples, mean_degree = (double)m / g->num_vertices;
    return DELTA_FACTOR * mean_weight / (mean_degree > 1 ? mean_degree : 1);
}

int sf_sssp(sf_engine *e, sf_vid source, double delta, double *dist, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    int shards = sf_engine_num_shards(e);
    struct sssp_run run = {.engine = e, .state = {.g = g, .num_shards = shards}};
    struct sssp_state *s = &run.state;
    int rc = -ENOMEM;
    if (g->num_vertices == 0)
        return 0;
    if (!(delta > 0))
        delta = automatic_delta(g);
    /* 1/delta stays finite, so a bin is never NaN */
    s->inv_delta = 1 / (delta > 1e-300 ? delta : 1e-300);
    s->dist = sf_engine_alloc(e, sizeof *s->dist);
    s->shards = aligned_alloc(64, (size_t)shards * sizeof *s->shards);
    s->start = malloc(((size_t)shards + 1) * sizeof *s->start);
    if (!s->dist || !s->shards || !s->start)
        goto out;
    memset(s->shards, 0, (size_t)shards * sizeof *s->shards);
    for (int i = 0; i < shards; i++)
        s->shards[i].overflow_min = s->shards[i].next = NO_BIN;
    sf_engine_run(e, init_shard, s);
    if (source < g->num_vertices) {
        s->dist[source] = bits_of(0);
        s->current = 0;
        push(s, &s->shards[0], source, 0);
        rc = sf_iterate(INT32_MAX, sssp_step, &run, log);
        if (rc < 0)
            goto out;
    }
    rc = out_of_memory(s) ? -ENOMEM : 0;
    if (rc == 0) {
        struct copy_arg c = {s->dist, dist};
        sf_engine_run(e, copy_shard, &c);
    }
out:
    if (s->shards)
        for (int i = 0; i < shards; i++) {
            struct shard_bins *b = &s->shards[i];
            for (int k = 0; k < WINDOW; k++)
                free(b->bins[k].items);
            free(b->overflow.items);
            free(b->published.items);
            free(b->spare.items);
            free(b->far_spare.items);
        }
    free(s->shards);
    free(s->start);
    sf_engine_free(e, s->dist);
    return rc;
}
