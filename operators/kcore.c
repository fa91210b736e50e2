/* Core numbers of an undirected graph: core[v] = the largest k such that v
 * belongs to a subgraph in which every vertex has degree >= k.
 *
 * Algorithm: peeling by levels, as ParK (Dasari, Desh and Zubair, 2014) and
 * PKC (Kabir and Madduri, 2017) do it, one engine run of the whole team per
 * level. degree[v] starts at v's degree and only decreases, never below the
 * level. At level k
 *   every worker scans the remaining vertices of its own shards, dropping
 *     those already peeled and taking those of degree k: its part of the
 *     level's first frontier;
 *   then, in rounds, every worker reads the whole frontier (every worker's
 *     part) and, for each vertex v in it, the neighbours of v that it owns:
 *     each neighbour w with degree[w] > k loses one, and a w that drops to k
 *     joins the worker's part of the next frontier. A barrier ends each
 *     round; the level ends when the whole frontier is empty.
 * A worker owns the vertices of its shards, one contiguous range of ids, so
 * its neighbours of v are one run of v's ascending row, found from the end
 * of the row that its range touches (both ends for the first and the last
 * worker: no search). Each degree is read and written by its owner alone:
 * no atomics, no claims (a vertex reaches the level once, by its owner's
 * scan or decrement), and every arc is read once, by the owner of its
 * head. With one worker this is serial peeling, as the baseline does it.
 *
 * Shards are balanced by in-arcs, which bound the decrements a vertex
 * takes, so the owners share the decrements. The number of rounds is small:
 * on kron:20, 178 levels take 665 rounds in all, and 96% of the arcs are
 * read in rounds of more than 4096 arcs.
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
    int first_shard, end_shard;
    /* its part of the frontier: frontier[r & 1][lo .. lo + len[r & 1]) in round r */
    sf_vid len[2];
    uint32_t min_left;          /* smallest degree left above the level */
    uint64_t peeled;            /* vertices peeled, this level */
} __attribute__((aligned(64)));

struct kcore_state {
    sf_engine *engine;
    const sf_graph *g;
    uint32_t *degree;           /* vertex array: remaining degree, then core */
    sf_vid *remaining;          /* vertex array: shard i's list at its begin */
    sf_vid *remaining_len;      /* per shard */
    sf_vid *frontier[2];        /* vertex arrays: a worker's part within its range */
    struct kcore_worker *workers;
    int num_workers;
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
    k->remaining_len[s->index] = s->end - s->begin;
}

/* The shard's remaining vertices: drops those peeled, appends those at the
 * level to the worker's part of the first frontier (`found` long so far),
 * records the degrees of the others. Returns the part's new length. */
static sf_vid kcore_scan(const sf_shard *s, struct kcore_state *k, struct kcore_worker *w,
                         sf_vid found)
{
    sf_vid *remaining = k->remaining + s->begin;
    sf_vid *frontier = k->frontier[0] + w->lo;
    const uint32_t *degree = k->degree;
    const uint32_t level = k->level;
    sf_vid kept = 0, len = k->remaining_len[s->index];
    uint32_t min_left = w->min_left;
    for (sf_vid i = 0; i < len; i++) {
        sf_vid v = remaining[i];
        uint32_t d = degree[v];
        if (d > level) {
            remaining[kept++] = v;
            min_left = d < min_left ? d : min_left;
        } else if (d == level)
            frontier[found++] = v;
    }
    k->remaining_len[s->index] = kept;
    w->min_left = min_left;
    return found;
}

/* What a worker builds during one round, kept in registers. */
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

/* One level, on one worker of the team: its shards' scan, then rounds. */
static void kcore_level_worker(int worker, void *arg)
{
    struct kcore_state *k = arg;
    const sf_graph *g = k->g;
    struct kcore_worker *w = &k->workers[worker];
    w->min_left = UINT32_MAX;
    w->peeled = 0;
    sf_vid found = 0;
    for (int i = w->first_shard; i < w->end_shard; i++)
        found = kcore_scan(sf_engine_shard(k->engine, i), k, w, found);
    w->len[0] = found;
    for (int round = 0;; round++) {
        sf_engine_barrier(); /* every part of this round's frontier written */
        const int now = round & 1;
        uint64_t total = 0;
        for (int u = 0; u < k->num_workers; u++)
            total += k->workers[u].len[now];
        if (total == 0)
            break;
        struct kcore_round r = {.degree = k->degree, .level = k->level,
                                .next = k->frontier[now ^ 1] + w->lo, .min_left = w->min_left};
        w->peeled += w->len[now];
        for (int u = 0; u < k->num_workers; u++) {
            const sf_vid *part = k->frontier[now] + k->workers[u].lo;
            const sf_vid part_len = k->workers[u].len[now];
            for (sf_vid j = 0; j < part_len; j++)
                kcore_peel(g, w, &r, part[j]);
        }
        /* read by the others after the next barrier; they stopped reading
         * len[now ^ 1] and frontier[now ^ 1] at this round's */
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
    sf_engine *engine;
    struct kcore_state *state;
    uint64_t left;              /* vertices not yet peeled */
};

/* One level. True when every vertex is peeled. */
static bool kcore_level(int iteration, void *arg)
{
    struct kcore_job *job = arg;
    struct kcore_state *k = job->state;
    (void)iteration;
    sf_engine_run_team(job->engine, kcore_level_worker, k);
    uint32_t next = UINT32_MAX;
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
    k.remaining_len = calloc(sf_engine_num_shards(e), sizeof *k.remaining_len);
    k.workers = aligned_alloc(64, k.num_workers * sizeof *k.workers);
    if (!k.degree || !k.remaining || !k.frontier[0] || !k.frontier[1] || !k.remaining_len ||
        !k.workers)
        goto out;
    memset(k.workers, 0, k.num_workers * sizeof *k.workers);
    for (int i = 0; i < k.num_workers; i++) {
        struct kcore_worker *w = &k.workers[i];
        sf_engine_worker_shards(e, i, &w->first_shard, &w->end_shard);
        if (w->first_shard < w->end_shard) { /* else owns nothing: lo = hi = 0 */
            w->lo = sf_engine_shard(e, w->first_shard)->begin;
            w->hi = sf_engine_shard(e, w->end_shard - 1)->end;
        }
    }
    sf_engine_run(e, kcore_init_shard, &k);
    k.level = 0;
    struct kcore_job job = {.engine = e, .state = &k, .left = g->num_vertices};
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
    free(k.remaining_len);
    free(k.workers);
    return rc;
}
