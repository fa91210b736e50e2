/* Breadth-first search over MPI ranks: depth[v] = hops from the source, -1
 * when unreachable, for the rank's own vertices.
 *
 * Level-synchronous and direction-optimizing as Ligra and Gemini are, with
 * the direction picked from the global frontier (its size and out-arcs,
 * summed over the ranks) by the rule of sf_edge_map_direction:
 * - top-down: each rank expands its frontier vertices along their out-arcs;
 *   a neighbour it owns is claimed with a compare-and-swap, a neighbour on
 *   another rank is sent to its owner once per level (a per-level `claimed`
 *   flag is the combiner: every value sent in a level is the same depth),
 *   all in one all-to-all;
 * - bottom-up: the frontier flags of boundary vertices go to the ranks that
 *   read them (mirrors of in-neighbours), then each unvisited vertex looks
 *   for a frontier vertex among its in-neighbours and stops at the first.
 * Depths are unique, so the answer is the same whatever the directions.
 *
 * This is a file of its own rather than hooks in operators/bfs.c, which is
 * being written in parallel; the level loop and the bottom-up step are the
 * same idea as there and should become one once both exist. */
#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

struct id_buffer {
    sf_vid *ids;
    uint64_t len, cap;
} __attribute__((aligned(64)));

struct dbfs {
    sf_dist_graph *d;
    const sf_graph *g;
    int64_t *depth;             /* caller's, owned vertices */
    uint8_t *frontier, *next;   /* by global id: owned flags and mirrors' */
    uint8_t *claimed;           /* by global id: sent to its owner this level */
    int64_t level;              /* depth of the frontier */
    struct id_buffer *remote;   /* per worker: remote vertices reached */
    int oom;
};

static void init_vertex(sf_vid v, void *arg)
{
    ((struct dbfs *)arg)->depth[v] = -1;
}

static void init_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, init_vertex, arg);
}

static bool push_remote(struct dbfs *b, sf_vid w)
{
    struct id_buffer *buf = &b->remote[omp_get_thread_num()];
    if (buf->len == buf->cap) {
        uint64_t cap = buf->cap ? 2 * buf->cap : 1024;
        sf_vid *ids = realloc(buf->ids, cap * sizeof *ids);
        if (!ids)
            return false;
        buf->ids = ids;
        buf->cap = cap;
    }
    buf->ids[buf->len++] = w;
    return true;
}

static void expand(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct dbfs *b = arg;
    if (!b->frontier[u])
        return;
    for (sf_eid i = 0; i < degree; i++) {
        sf_vid w = out[i];
        if (sf_dist_graph_owns(b->d, w)) {
            int64_t unvisited = -1;
            if (b->depth[w] < 0 &&
                __atomic_compare_exchange_n(&b->depth[w], &unvisited, b->level + 1, false,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                b->next[w] = 1;
        } else if (!b->claimed[w] && !__atomic_exchange_n(&b->claimed[w], 1, __ATOMIC_RELAXED)) {
            if (!push_remote(b, w))
                __atomic_store_n(&b->oom, 1, __ATOMIC_RELAXED);
        }
    }
}

static void top_down_shard(sf_shard *s, void *arg)
{
    struct dbfs *b = arg;
    sf_edge_map_push_all(s, b->g, expand, arg);
}

static bool adopt(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct dbfs *b = arg;
    if (b->depth[v] >= 0)
        return false;
    for (sf_eid i = 0; i < degree; i++)
        if (b->frontier[in[i]]) {
            b->depth[v] = b->level + 1;
            b->next[v] = 1;
            return true;
        }
    return false;
}

static void bottom_up_shard(sf_shard *s, void *arg)
{
    struct dbfs *b = arg;
    sf_edge_map_pull(s, b->g, adopt, arg, NULL);
}

/* next becomes the frontier; counts it and its out-arcs */
static void advance_shard(sf_shard *s, void *arg)
{
    struct dbfs *b = arg;
    uint64_t count = 0, arcs = 0;
    for (sf_vid v = s->begin; v < s->end; v++) {
        uint8_t f = b->next[v];
        b->frontier[v] = f;
        b->next[v] = 0;
        count += f;
        arcs += f ? sf_out_degree(b->g, v) : 0;
    }
    s->count = count;
    s->count2 = arcs;
}

struct dbfs_run {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;
    struct dbfs state;
    int threads;
    uint64_t frontier[2];       /* global: vertices, their out-arcs */
};

/* The remote vertices reached top-down, to their owners; the owners take
 * those still unvisited. */
static void send_remote(struct dbfs_run *run)
{
    struct dbfs *b = &run->state;
    sf_dist_graph *d = b->d;
    uint64_t total = 0;
    for (int t = 0; t < run->threads; t++)
        total += b->remote[t].len;
    sf_vid *all = malloc((total + 1) * sizeof *all), *sorted = malloc((total + 1) * sizeof *sorted);
    uint64_t *send_counts = calloc(d->ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(d->ranks, sizeof *recv_counts);
    uint64_t *at = calloc(d->ranks, sizeof *at);
    if (!all || !sorted || !send_counts || !recv_counts || !at)
        sf_dist_abort(1, "out of memory in bfs");
    uint64_t k = 0;
    for (int t = 0; t < run->threads; t++) {
        memcpy(all + k, b->remote[t].ids, b->remote[t].len * sizeof *all);
        k += b->remote[t].len;
        b->remote[t].len = 0;
    }
    /* group by owner (counting sort), and clear the claims for next level */
    for (uint64_t i = 0; i < total; i++) {
        send_counts[sf_dist_graph_owner(d, all[i])]++;
        b->claimed[all[i]] = 0;
    }
    for (int r = 1; r < d->ranks; r++)
        at[r] = at[r - 1] + send_counts[r - 1];
    for (uint64_t i = 0; i < total; i++)
        sorted[at[sf_dist_graph_owner(d, all[i])]++] = all[i];
    sf_vid *reached;
    uint64_t got = sf_dist_alltoallv(sorted, send_counts, sizeof *sorted, (void **)&reached,
                                     recv_counts);
    for (uint64_t i = 0; i < got; i++) {
        sf_vid w = reached[i];
        if (b->depth[w] < 0) {
            b->depth[w] = b->level + 1;
            b->next[w] = 1;
        }
    }
    free(reached);
    free(all);
    free(sorted);
    free(send_counts);
    free(recv_counts);
    free(at);
}

static bool dbfs_step(int level, void *arg)
{
    struct dbfs_run *run = arg;
    struct dbfs *b = &run->state;
    b->level = level;
    if (run->frontier[0] + run->frontier[1] > b->d->num_arcs / 20) {
        sf_dist_mirrors_sync(run->mirrors, b->frontier, 1);
        sf_engine_run(run->engine, bottom_up_shard, b);
    } else {
        sf_engine_run(run->engine, top_down_shard, b);
        if (b->oom)
            sf_dist_abort(1, "out of memory in bfs");
        send_remote(run);
    }
    sf_engine_run(run->engine, advance_shard, b);
    run->frontier[0] = sf_engine_count(run->engine);
    run->frontier[1] = sf_engine_count2(run->engine);
    sf_dist_sum_u64(run->frontier, 2);
    return run->frontier[0] == 0;
}

int sf_dist_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log)
{
    sf_dist_graph *d = sf_engine_dist(e);
    if (!d)
        return -EINVAL;
    struct dbfs_run run = {.engine = e, .threads = sf_engine_threads(e)};
    struct dbfs *b = &run.state;
    *b = (struct dbfs){.d = d, .g = sf_engine_graph(e), .depth = depth};
    int rc = -ENOMEM;
    b->frontier = sf_engine_alloc(e, 1);
    b->next = sf_engine_alloc(e, 1);
    b->claimed = sf_engine_alloc(e, 1);
    b->remote = calloc(run.threads, sizeof *b->remote);
    if (!b->frontier || !b->next || !b->claimed || !b->remote)
        goto out;
    /* mirror entries were never touched by their owners: clear them all */
    memset(b->claimed, 0, b->g->num_vertices);
    run.mirrors = sf_dist_graph_mirrors(d, SF_MIRRORS_IN);
    sf_engine_run(e, init_shard, b);
    if (sf_dist_graph_owns(d, source)) {
        depth[source] = 0;
        b->frontier[source] = 1;
        run.frontier[0] = 1;
        run.frontier[1] = sf_out_degree(b->g, source);
    }
    sf_dist_sum_u64(run.frontier, 2);
    rc = sf_iterate(INT32_MAX, dbfs_step, &run, log);
    rc = rc < 0 ? rc : 0;
out:
    if (b->remote)
        for (int t = 0; t < run.threads; t++)
            free(b->remote[t].ids);
    free(b->remote);
    sf_engine_free(e, b->frontier);
    sf_engine_free(e, b->next);
    sf_engine_free(e, b->claimed);
    return rc;
}
