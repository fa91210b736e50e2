/* Core numbers of an undirected graph: core[v] = the largest k such that v
 * belongs to a subgraph in which every vertex has degree >= k.
 *
 * Algorithm: peeling by levels, as ParK (Dasari, Desh and Zubair, 2014) and
 * PKC (Kabir and Madduri, 2017) do it, a scan and one run of the whole team
 * per level. degree[v] starts at v's degree and only decreases, never below the
 * level. At level k
 *   the shards' remaining vertices are scanned (an engine run: workers
 *     take each other's shards when theirs are done), dropping those
 *     already peeled and taking those of degree k: each shard's part of the
 *     level's first frontier;
 *   then, in rounds, every worker reads the whole frontier (every shard's
 *     part, then every worker's) and, for each vertex v in it, the
 *     neighbours of v that it owns:
 *     each neighbour w with degree[w] > k loses one, and a w that drops to k
 *     joins the worker's part of the next frontier. A barrier ends each
 *     round; the level ends when the whole frontier is empty.
 * A worker owns the vertices of its shards, one contiguous range of ids, so
 * its neighbours of v are one run of v's ascending row, found from the end
 * of the row that its range touches (both ends for the first and the last
 * worker: no search). While the rounds run, each degree is read and
 * written by its owner alone: no atomics, no claims (a vertex reaches the
 * level once, by the scan or by its owner's decrement), and every arc is
 * read once, by the owner of its head. With one worker this is the
 * serial-peeling baseline's work, by rounds of a frontier instead of from a
 * stack (bench/baseline_kcore.c).
 *
 * Shards are balanced by in-arcs, which bound the decrements a vertex
 * takes, so the owners share the decrements; the scans cost a vertex each,
 * and the worker owning the hubs owns few vertices (kron:22, 2 workers: 68
 * K of 4.2 M), hence the scan's own run, with stealing. Rounds are few: on
 * kron:20, 181 levels take 665 rounds that peel (846 with each level's
 * last, empty one), and 96% of the arcs are read in rounds of more than
 * 4096 arcs.
 *
 * Earlier versions shared the degree array: atomic decrements, claims, a
 * queue of vertices and per-worker batches for the hubs. There, two workers
 * did not beat one (kron:20, the 2-core VM): a locked decrement orders
 * memory like a fence, so the cache misses around it no longer overlap, and
 * the shared path cost 1.4-1.8x the plain one even on one worker.
 *
 * The next level is the smallest degree left, known without another pass:
 * every scan and every decrement records the degree it leaves above the
 * level, and the smallest record is at most the smallest final degree (a
 * vertex's last record is its final degree) and at least k + 1. When it is
 * lower than that (the vertex recorded was peeled later in the level), the
 * next run finds no vertex of that degree, and its records are exact.
 *
 * Core numbers are unique, so the result does not depend on the thread or
 * shard count, nor on the order of peeling.
 *
 * Why peeling and not h-index iteration (Montresor, De Pellegrini and
 * Miorandi 2013; Sariyuce, Seshadhri and Pinar 2018): on kron:20 the
 * h-index iteration (asynchronous, with active sets) needs 48 rounds and
 * reads every arc 21.6 times, 1.46 s on one thread, where peeling reads it
 * once (0.1 s). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/kernels.h"
#include "operators/vertex_map.h"

/* A worker's part of the run. */
struct kcore_worker {
    sf_vid lo, hi;              /* the vertices it owns (its shards'): their degrees are its alone */
    /* its part of the frontier: frontier[r & 1][lo .. lo + len[r & 1]) in
     * round r >= 1 */
    sf_vid len[2];
    uint32_t min_left;          /* smallest degree left above the level, by its decrements */
    uint64_t peeled;            /* vertices peeled from its parts, this level */
} __attribute__((aligned(64)));

/* A shard's scan, this level. */
struct kcore_shard {
    sf_vid found;               /* its part of round 0: frontier[0][begin .. begin + found) */
    sf_vid remaining;           /* vertices left unpeeled: remaining[begin .. begin + remaining) */
    uint32_t min_left;          /* smallest degree left above the level */
};

struct kcore_state {
    sf_engine *engine;
    const sf_graph *g;
    uint32_t *degree;           /* vertex array: remaining degree, then core */
    sf_vid *remaining;          /* vertex array: shard i's list at its begin */
    sf_vid *frontier[2];        /* vertex arrays: a shard's or worker's part within its range */
    struct kcore_shard *shards;
    struct kcore_worker *workers;
    int num_shards, num_workers;
    uint32_t level;
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

/* The shard's remaining vertices: drops those peeled, puts those at the
 * level in the shard's part of round 0, records the degrees of the
 * others. */
static void kcore_scan_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    struct kcore_shard *ks = &k->shards[s->index];
    sf_vid *remaining = k->remaining + s->begin, *frontier = k->frontier[0] + s->begin;
    const uint32_t *degree = k->degree;
    const uint32_t level = k->level;
    sf_vid kept = 0, found = 0, len = ks->remaining;
    uint32_t min_left = UINT32_MAX;
    for (sf_vid i = 0; i < len; i++) {
        sf_vid v = remaining[i];
        uint32_t d = degree[v];
        if (d > level) {
            remaining[kept++] = v;
            min_left = d < min_left ? d : min_left;
        } else if (d == level)
            frontier[found++] = v;
    }
    ks->remaining = kept;
    ks->found = found;
    ks->min_left = min_left;
}

/* What a worker builds during one round. */
struct kcore_round {
    uint32_t *degree;
    uint32_t level;
    sf_vid *next;               /* its part of the next frontier */
    sf_vid next_len;
    uint32_t min_left;
};

/* x, a neighbour of a peeled vertex and the caller's: loses one if above
 * the level, and joins the next frontier when that brings it to the level. */
static inline void kcore_lower(struct kcore_round *r, sf_vid x)
{
    if (r->degree[x] <= r->level)
        return;
    uint32_t d = --r->degree[x];
    if (d == r->level)
        r->next[r->next_len++] = x;
    else
        r->min_left = d < r->min_left ? d : r->min_left;
}

/* Lowers v's neighbours in the worker's range [lo, hi): one run of v's
 * ascending row. */
static inline void kcore_peel(const sf_graph *g, const struct kcore_worker *w,
                              struct kcore_round *r, sf_vid v)
{
    const sf_vid *row = g->out_neighbors + g->out_offsets[v];
    const sf_eid len = g->out_offsets[v + 1] - g->out_offsets[v];
    if (w->lo > 0 && w->hi == g->num_vertices) { /* the last range: from the row's end */
        for (sf_eid i = len; i > 0 && row[i - 1] >= w->lo; i--)
            kcore_lower(r, row[i - 1]);
        return;
    }
    sf_eid i = w->lo == 0 ? 0 : sf_lower_bound_vid(row, len, w->lo);
    for (; i < len && row[i] < w->hi; i++)
        kcore_lower(r, row[i]);
}

/* Lowers the neighbours in the worker's range of part[0..len)'s vertices. */
static void kcore_peel_part(const sf_graph *g, const struct kcore_worker *w,
                            struct kcore_round *r, const sf_vid *part, sf_vid len)
{
    for (sf_vid j = 0; j < len; j++)
        kcore_peel(g, w, r, part[j]);
}

/* One level's rounds, on one worker of the team, after the scan. */
static void kcore_level_worker(int worker, void *arg)
{
    struct kcore_state *k = arg;
    const sf_graph *g = k->g;
    struct kcore_worker *w = &k->workers[worker];
    w->min_left = UINT32_MAX;
    w->peeled = 0;
    for (int round = 0;; round++) {
        if (round > 0)
            sf_engine_barrier(); /* every part of this round's frontier written */
        const int now = round & 1;
        uint64_t total = 0;
        if (round == 0)
            for (int i = 0; i < k->num_shards; i++)
                total += k->shards[i].found;
        else
            for (int u = 0; u < k->num_workers; u++)
                total += k->workers[u].len[now];
        if (total == 0)
            break;
        struct kcore_round r = {.degree = k->degree, .level = k->level,
                                .next = k->frontier[now ^ 1] + w->lo, .min_left = w->min_left};
        if (round == 0) { /* the scan's parts: shard i's at its begin */
            for (int i = 0; i < k->num_shards; i++)
                kcore_peel_part(g, w, &r, k->frontier[0] + sf_engine_shard(k->engine, i)->begin,
                                k->shards[i].found);
        } else {
            w->peeled += w->len[now];
            for (int u = 0; u < k->num_workers; u++)
                kcore_peel_part(g, w, &r, k->frontier[now] + k->workers[u].lo,
                                k->workers[u].len[now]);
        }
        /* read by the others after the next barrier; they stopped reading
         * len[now ^ 1] and frontier[now ^ 1] at this round's (round 0's
         * parts are the shards', in frontier[0]) */
        w->len[now ^ 1] = r.next_len;
        w->min_left = r.min_left;
    }
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
    struct kcore_state *state;
    uint64_t left;              /* vertices not yet peeled */
};

/* One level. True when every vertex is peeled. */
static bool kcore_level(int iteration, void *arg)
{
    struct kcore_job *job = arg;
    struct kcore_state *k = job->state;
    (void)iteration;
    sf_engine_run(k->engine, kcore_scan_shard, k);
    sf_engine_run_team(k->engine, kcore_level_worker, k);
    uint32_t next = UINT32_MAX;
    for (int i = 0; i < k->num_shards; i++) {
        job->left -= k->shards[i].found;
        next = k->shards[i].min_left < next ? k->shards[i].min_left : next;
    }
    for (int i = 0; i < k->num_workers; i++) {
        job->left -= k->workers[i].peeled;
        next = k->workers[i].min_left < next ? k->workers[i].min_left : next;
    }
    k->level = next;
    return job->left == 0;
}

int sf_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    if (g->num_vertices == 0)
        return 0;
    struct kcore_state k = {.engine = e, .g = g, .core = core,
                            .num_workers = sf_engine_threads(e)};
    int rc = -ENOMEM;
    /* written before read: degree and remaining by kcore_init_shard, a
     * frontier's part by its worker */
    k.degree = sf_engine_alloc_uninit(e, sizeof *k.degree);
    k.remaining = sf_engine_alloc_uninit(e, sizeof *k.remaining);
    k.frontier[0] = sf_engine_alloc_uninit(e, sizeof *k.frontier[0]);
    k.frontier[1] = sf_engine_alloc_uninit(e, sizeof *k.frontier[1]);
    k.num_shards = sf_engine_num_shards(e);
    k.shards = calloc(k.num_shards, sizeof *k.shards);
    k.workers = aligned_alloc(64, k.num_workers * sizeof *k.workers);
    if (!k.degree || !k.remaining || !k.frontier[0] || !k.frontier[1] || !k.shards ||
        !k.workers)
        goto out;
    memset(k.workers, 0, k.num_workers * sizeof *k.workers);
    for (int i = 0; i < k.num_workers; i++) {
        struct kcore_worker *w = &k.workers[i];
        int first, end;
        sf_engine_worker_shards(e, i, &first, &end);
        if (first < end) { /* else owns nothing: lo = hi = 0 */
            w->lo = sf_engine_shard(e, first)->begin;
            w->hi = sf_engine_shard(e, end - 1)->end;
        }
    }
    sf_engine_run(e, kcore_init_shard, &k);
    k.level = 0;
    struct kcore_job job = {.state = &k, .left = g->num_vertices};
    rc = sf_iterate(INT32_MAX, kcore_level, &job, log);
    if (rc < 0)
        goto out;
    sf_engine_run(e, kcore_output_shard, &k);
    rc = 0;
out:
    sf_engine_free(e, k.degree);
    sf_engine_free(e, k.remaining);
    sf_engine_free(e, k.frontier[0]);
    sf_engine_free(e, k.frontier[1]);
    free(k.shards);
    free(k.workers);
    return rc;
}
