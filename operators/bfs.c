/* Breadth-first search: depth[v] = the number of hops from the source along
 * out-arcs, -1 when v is unreachable (written out as 9223372036854775807,
 * LDBC's infinity).
 *
 * Direction-optimizing BFS (Beamer, Asanovic, Patterson, "Direction-
 * Optimizing Breadth-First Search", SC 2012), with the GAP suite's
 * switching rule (bfs.cc): go bottom-up when the frontier's out-arcs
 * exceed the arcs not yet explored / ALPHA (15), back top-down once the
 * frontier has stopped growing and holds fewer than n / BETA (18)
 * vertices. A level is either
 *   top-down: the frontier is a queue (frontier.h: GAP's sliding queue);
 *     each shard pushes along the out-arcs of its slice of it, claims an
 *     unvisited out-neighbour by an atomic OR on the visited bitmap (one
 *     pusher wins and writes the depth; with a single worker a plain OR)
 *     and queues it for the next level; nothing is spent on the vertices
 *     outside the frontier;
 *   bottom-up: each shard pulls over its unvisited vertices, scanning
 *     in-arcs until one comes from a visited vertex. That one is always
 *     in the frontier: a vertex found at an earlier level has had all its
 *     out-arcs explored, so none leads to a vertex still unvisited. So the
 *     frontier needs no bitmap of its own: the step reads the visited
 *     bitmap of the previous level and writes the next one (two bitmaps,
 *     swapped), owner writes only. Returning top-down, each shard queues
 *     the vertices its last step found (next minus previous bitmap).
 *
 * Per arc only a bitmap is read (n/8 bytes, cache resident at 2^20
 * vertices), never the depth array: a depth is written once, when its
 * vertex is found, and -1 once at the end for those never found. With ids
 * in degree order, in-lists start at the hubs, which are found early, so
 * bottom-up mostly stops at the first in-arc; and each shard's suffix of
 * isolated vertices (all of them, in degree order) is marked visited from
 * the start, never scanned, and filled with -1 at the end.
 * Depths are unique, so the output is the same at any thread and shard
 * count. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "operators/edge_map.h"
#include "operators/frontier.h"
#include "operators/kernels.h"

#define ALPHA 15
#define BETA 18

struct bfs_state {
    const sf_graph *g;
    int64_t *depth;
    int64_t next_depth;         /* of the vertices this level finds */
    uint64_t *visited;          /* top-down: claimed in place; bottom-up: read only */
    uint64_t *visited_next;     /* bottom-up: visited and what the step found */
    const uint64_t *visited_before; /* to queue what bottom-up found last */
    sf_queue *queue;
    int num_shards;
    bool one_worker;
    sf_vid *live_end;           /* per shard: [live_end, end) are isolated vertices */
    sf_vid source;
    /* per shard function */
    sf_queue_buffer *out;
    uint64_t scout;             /* out-arcs of the vertices claimed */
};

/* top-down: claim the unvisited out-neighbours of u. With several
 * workers a claim is an atomic OR (one pusher wins); with one, shards run
 * one after another and a plain OR does. */
SF_INLINE void bfs_claim_by(sf_vid u, const sf_vid *out, sf_eid degree, void *arg,
                            bool concurrent)
{
    struct bfs_state *b = arg;
    uint64_t *visited = b->visited;
    const sf_eid *off = b->g->out_offsets;
    (void)u;
    for (sf_eid i = 0; i < degree; i++) {
        sf_vid v = out[i];
        uint64_t bit = 1ull << (v & 63);
        if (__atomic_load_n(&visited[v >> 6], __ATOMIC_RELAXED) & bit)
            continue;
        if (!concurrent)
            visited[v >> 6] |= bit;
        else if (__atomic_fetch_or(&visited[v >> 6], bit, __ATOMIC_RELAXED) & bit)
            continue;           /* another pusher claimed it first */
        b->depth[v] = b->next_depth;
        b->scout += off[v + 1] - off[v];
        sf_queue_append(b->out, v);
    }
}

static void bfs_claim(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    bfs_claim_by(u, out, degree, arg, true);
}

static void bfs_claim_alone(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    bfs_claim_by(u, out, degree, arg, false);
}

/* Shard functions work on a copy of the state, which the compiler keeps in
 * registers across the stores of the inner loops. */
static void bfs_top_down_shard(sf_shard *s, void *arg)
{
    struct bfs_state local = *(struct bfs_state *)arg;
    sf_queue_buffer out = {.queue = local.queue};
    local.out = &out;
    local.scout = 0;
    if (local.one_worker)
        sf_edge_map_push_queue(s, local.num_shards, local.g, local.queue, bfs_claim_alone, &local);
    else
        sf_edge_map_push_queue(s, local.num_shards, local.g, local.queue, bfs_claim, &local);
    sf_queue_flush(&out);
    s->count2 = local.scout;
}

/* bottom-up: v joins at its first visited in-neighbour, which is in the
 * frontier (see above) */
static bool bfs_find_parent(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct bfs_state *b = arg;
    const uint64_t *visited = b->visited;
    for (const sf_vid *end = in + degree; in < end; in++)
        if ((visited[*in >> 6] >> (*in & 63)) & 1) {
            b->depth[v] = b->next_depth;
            return true;
        }
    return false;
}

static void bfs_bottom_up_shard(sf_shard *s, void *arg)
{
    struct bfs_state local = *(struct bfs_state *)arg;
    s->count = sf_edge_map_pull_unvisited(s, local.g, local.visited, local.visited_next,
                                          bfs_find_parent, &local);
}

/* Back to top-down: queue what the last bottom-up step found. */
static void bfs_to_queue_shard(sf_shard *s, void *arg)
{
    struct bfs_state *b = arg;
    sf_queue_buffer out = {.queue = b->queue};
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++)
        for (uint64_t found = b->visited[word] & ~b->visited_before[word]; found;
             found &= found - 1)
            sf_queue_append(&out, (sf_vid)(word * 64 + __builtin_ctzll(found)));
    sf_queue_flush(&out);
}

/* The shard's suffix of isolated vertices (no arcs in or out: in degree
 * order, all of them are at the end of the graph) starts at the first v
 * whose offsets are the shard's last (offsets never decrease). They are
 * marked visited, so that no step looks at them again; as nobody's
 * in-neighbours they cannot pass for the frontier in bottom-up. */
static void bfs_init_shard(sf_shard *s, void *arg)
{
    struct bfs_state *b = arg;
    const sf_eid *in = b->g->in_offsets, *out = b->g->out_offsets;
    sf_vid lo = s->begin, hi = s->end;
    while (lo < hi) {
        sf_vid mid = lo + (hi - lo) / 2;
        if (in[mid] < in[s->end] || out[mid] < out[s->end])
            lo = mid + 1;
        else
            hi = mid;
    }
    b->live_end[s->index] = lo;
    for (uint64_t word = lo / 64; word * 64 < s->end; word++) {
        uint64_t bits = ~0ull;
        if (word * 64 < lo)
            bits <<= lo & 63;
        if ((word + 1) * 64 > s->end)
            bits &= (1ull << (s->end & 63)) - 1;
        b->visited[word] |= bits;
    }
}

/* The vertices never found are unreachable: the whole isolated suffix but
 * the source (a straight fill), and before it every vertex the visited
 * bitmap does not have. */
static void bfs_unreached_shard(sf_shard *s, void *arg)
{
    struct bfs_state *b = arg;
    sf_vid live_end = b->live_end[s->index];
    for (uint64_t word = s->begin / 64; word * 64 < live_end; word++) {
        uint64_t todo = ~b->visited[word];
        if ((word + 1) * 64 > live_end)
            todo &= (1ull << (live_end & 63)) - 1;
        for (; todo; todo &= todo - 1)
            b->depth[word * 64 + __builtin_ctzll(todo)] = -1;
    }
    for (sf_vid v = live_end; v < s->end; v++)
        b->depth[v] = -1;
    if (b->source >= live_end && b->source < s->end)
        b->depth[b->source] = 0;
}

struct bfs_run {
    sf_engine *engine;
    struct bfs_state state;
    uint64_t *visited_other;    /* the bitmap bottom-up writes next */
    bool bottom_up;
    uint64_t frontier_size;
    uint64_t edges_to_check;    /* arcs not yet explored top-down (GAP's count) */
    uint64_t scout;             /* out-arcs of the frontier */
};

/* One level: the frontier's vertices find the next level's. */
static bool bfs_step(int level, void *arg)
{
    struct bfs_run *run = arg;
    struct bfs_state *b = &run->state;
    sf_engine *e = run->engine;
    b->next_depth = (int64_t)level + 1;
    if (!run->bottom_up && run->scout > run->edges_to_check / ALPHA)
        run->bottom_up = true;  /* the visited bitmap is all bottom-up needs */
    if (run->bottom_up) {
        uint64_t previous = run->frontier_size;
        b->visited_next = run->visited_other;
        sf_engine_run(e, bfs_bottom_up_shard, b);
        run->frontier_size = sf_engine_count(e);
        run->visited_other = b->visited;
        b->visited = b->visited_next;
        if (run->frontier_size && run->frontier_size < previous &&
            run->frontier_size <= b->g->num_vertices / BETA) {
            run->bottom_up = false;
            b->visited_before = run->visited_other;
            sf_queue_reset(b->queue);
            sf_engine_run(e, bfs_to_queue_shard, b);
            sf_queue_slide(b->queue);
            run->scout = 1;
        }
    } else {
        /* saturating: GAP's count is signed, and below zero means bottom-up */
        run->edges_to_check -= run->scout < run->edges_to_check ? run->scout : run->edges_to_check;
        sf_engine_run(e, bfs_top_down_shard, b);
        sf_queue_slide(b->queue);
        run->frontier_size = sf_queue_size(b->queue);
        run->scout = sf_engine_count2(e);
    }
    return run->frontier_size == 0;
}

int sf_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    const sf_vid n = g->num_vertices;
    if (n == 0)
        return 0;
    sf_queue queue = {0};
    struct bfs_run run = {.engine = e, .edges_to_check = g->num_arcs};
    struct bfs_state *b = &run.state;
    *b = (struct bfs_state){.g = g, .depth = depth, .queue = &queue,
                            .num_shards = sf_engine_num_shards(e),
                            .one_worker = sf_engine_threads(e) == 1, .source = source};
    /* both visited bitmaps in one engine array: a byte a vertex but for
     * tiny graphs */
    uint64_t words = ((uint64_t)n + 63) / 64;
    uint64_t *bitmaps = sf_engine_alloc(e, (2 * words * sizeof(uint64_t) + n - 1) / n);
    b->live_end = malloc(b->num_shards * sizeof *b->live_end);
    int rc = -ENOMEM;
    if (!bitmaps || !b->live_end || sf_queue_init(&queue, g))
        goto out;
    b->visited = bitmaps;
    run.visited_other = bitmaps + words;
    sf_engine_run(e, bfs_init_shard, b);
    depth[source] = 0;
    b->visited[source >> 6] |= 1ull << (source & 63);
    queue.items[queue.end++] = source;
    sf_queue_slide(&queue);
    run.frontier_size = 1;
    run.scout = sf_out_degree(g, source);
    rc = sf_iterate(INT_MAX, bfs_step, &run, log);
    if (rc < 0)
        goto out;
    sf_engine_run(e, bfs_unreached_shard, b);
    rc = 0;
out:
    sf_queue_fini(&queue);
    sf_engine_free(e, bitmaps);
    free(b->live_end);
    return rc;
}
