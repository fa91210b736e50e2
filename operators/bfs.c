/* Breadth-first search: depth[v] = the number of hops from the source along
 * out-arcs, -1 when v is unreachable (written out as 9223372036854775807,
 * LDBC's infinity).
 *
 * Direction-optimizing BFS (Beamer, Asanovic, Patterson, "Direction-
 * Optimizing Breadth-First Search", SC 2012), with the GAP suite's switching
 * rule (bfs.cc): a level is either
 *   top-down: edge_map push from the frontier's per-shard lists along
 *     out-arcs; an unvisited out-neighbour is claimed by an atomic OR on
 *     the visited bitmap, so exactly one pusher writes its depth;
 *   bottom-up: edge_map pull over the unvisited vertices of each shard,
 *     scanning in-arcs until one comes from the frontier's bitmap; only the
 *     shard's owner writes, no atomics.
 * Start top-down; go bottom-up when the frontier's out-arcs exceed the arcs
 * not yet explored / ALPHA (15); go back top-down once the frontier has
 * stopped growing and is below n / BETA (18).
 *
 * Per arc only bitmaps are read (visited, frontier: n/8 bytes each, cache
 * resident at 2^20 vertices), never the depth array: a depth is written
 * once, when its vertex is found, and -1 once at the end for the vertices
 * never found. With ids in degree order, in-lists start at the hubs, which
 * join the frontier early, so bottom-up mostly stops at the first in-arc;
 * and each shard's suffix of vertices without in-arcs is never scanned.
 * Depths are unique, so the output is the same at any thread and shard
 * count. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "operators/edge_map.h"
#include "operators/frontier.h"
#include "operators/kernels.h"
#include "operators/vertex_map.h"

#define ALPHA 15
#define BETA 18

struct bfs_state {
    const sf_graph *g;
    int64_t *depth;
    int64_t next_depth;         /* of the vertices this level finds */
    uint64_t *visited;          /* bitmap: depth found (top-down adds a level's at its end) */
    const uint64_t *frontier_bits;
    sf_frontier *frontier, *next;
    sf_vid *live_end;           /* per shard: [live_end, end) has no in-arcs */
};

/* top-down: claim the unvisited out-neighbours of u. `visited` holds the
 * levels before this one and does not change during the step; this
 * level's claims are bits of `next`, taken by an atomic OR, so exactly one
 * pusher writes each depth. */
static void bfs_claim(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct bfs_state *b = arg;
    const uint64_t *visited = b->visited;
    uint64_t *next = b->next->bits;
    (void)u;
    for (sf_eid i = 0; i < degree; i++) {
        sf_vid v = out[i];
        uint64_t bit = 1ull << (v & 63);
        if ((visited[v >> 6] | __atomic_load_n(&next[v >> 6], __ATOMIC_RELAXED)) & bit)
            continue;
        if (__atomic_fetch_or(&next[v >> 6], bit, __ATOMIC_RELAXED) & bit)
            continue;           /* another pusher claimed it first */
        b->depth[v] = b->next_depth;
    }
}

/* Shard functions work on a copy of the state: the compiler then keeps it
 * in registers across the stores of the inner loops. */
static void bfs_top_down_shard(sf_shard *s, void *arg)
{
    struct bfs_state local = *(struct bfs_state *)arg;
    sf_edge_map_push(s, local.g, local.frontier, bfs_claim, &local);
}

/* bottom-up: v joins at its first in-neighbour in the frontier */
static bool bfs_find_parent(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct bfs_state *b = arg;
    for (const sf_vid *end = in + degree; in < end; in++)
        if ((b->frontier_bits[*in >> 6] >> (*in & 63)) & 1) {
            b->depth[v] = b->next_depth;
            return true;
        }
    return false;
}

static void bfs_bottom_up_shard(sf_shard *s, void *arg)
{
    struct bfs_state local = *(struct bfs_state *)arg;
    sf_shard live = *s;
    live.end = local.live_end[s->index];
    s->count = sf_edge_map_pull_unvisited(&live, local.g, local.visited, bfs_find_parent, &local,
                                          local.next);
}

/* The start of the shard's suffix without in-arcs: the first v whose
 * in-offset is the shard's last (offsets never decrease). */
static void bfs_live_end_shard(sf_shard *s, void *arg)
{
    struct bfs_state *b = arg;
    const sf_eid *off = b->g->in_offsets;
    sf_vid lo = s->begin, hi = s->end;
    while (lo < hi) {
        sf_vid mid = lo + (hi - lo) / 2;
        if (off[mid] < off[s->end])
            lo = mid + 1;
        else
            hi = mid;
    }
    b->live_end[s->index] = lo;
}

/* Every vertex never found is unreachable. */
static void bfs_unreached_shard(sf_shard *s, void *arg)
{
    struct bfs_state *b = arg;
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++) {
        uint64_t todo = ~b->visited[word];
        if ((word + 1) * 64 > s->end)
            todo &= (1ull << (s->end & 63)) - 1;
        for (; todo; todo &= todo - 1)
            b->depth[word * 64 + __builtin_ctzll(todo)] = -1;
    }
}

struct bfs_run {
    sf_engine *engine;
    struct bfs_state state;
    bool bottom_up;
    uint64_t edges_to_check;    /* arcs not yet explored top-down (GAP's count) */
    uint64_t scout;             /* out-arcs of the frontier */
    int64_t level;              /* depth of the frontier's vertices */
};

/* One level: the frontier's vertices find the next level's. */
static bool bfs_step(int iteration, void *arg)
{
    struct bfs_run *run = arg;
    struct bfs_state *b = &run->state;
    sf_engine *e = run->engine;
    (void)iteration;
    b->next_depth = run->level + 1;
    b->frontier_bits = b->frontier->bits;
    if (!run->bottom_up && run->scout > run->edges_to_check / ALPHA)
        run->bottom_up = true;  /* the frontier's bitmap is all bottom-up needs */
    sf_frontier_clear(b->next, e);
    if (run->bottom_up) {
        sf_engine_run(e, bfs_bottom_up_shard, b);
        b->next->count = sf_engine_count(e); /* no out-arcs, no lists: bottom-up needs neither */
    } else {
        run->edges_to_check -= run->scout;
        sf_engine_run(e, bfs_top_down_shard, b);
        sf_frontier_seal_visited(b->next, e, true, b->visited);
        run->scout = b->next->out_arcs;
    }
    uint64_t old_count = b->frontier->count;
    sf_frontier *t = b->frontier;
    b->frontier = b->next;
    b->next = t;
    run->level++;
    uint64_t awake = b->frontier->count;
    if (run->bottom_up && awake < old_count && awake <= b->g->num_vertices / BETA) {
        run->bottom_up = false;
        sf_frontier_seal(b->frontier, e, true); /* lists for top-down */
        run->scout = 1;
    }
    return awake == 0;
}

int sf_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    if (g->num_vertices == 0)
        return 0;
    sf_frontier frontiers[2] = {0};
    struct bfs_run run = {.engine = e, .edges_to_check = g->num_arcs};
    struct bfs_state *b = &run.state;
    *b = (struct bfs_state){.g = g, .depth = depth, .frontier = &frontiers[0],
                            .next = &frontiers[1]};
    int rc = -ENOMEM;
    b->visited = sf_engine_alloc(e, 1);  /* n bytes hold the n-bit bitmap */
    b->live_end = malloc(sf_engine_num_shards(e) * sizeof *b->live_end);
    if (!b->visited || !b->live_end || sf_frontier_init(&frontiers[0], e) ||
        sf_frontier_init(&frontiers[1], e))
        goto out;
    sf_engine_run(e, bfs_live_end_shard, b);
    depth[source] = 0;
    b->visited[source >> 6] |= 1ull << (source & 63);
    sf_frontier_add(b->frontier, source);
    sf_frontier_seal(b->frontier, e, true);
    run.scout = b->frontier->out_arcs;
    rc = sf_iterate(INT_MAX, bfs_step, &run, log);
    if (rc < 0)
        goto out;
    sf_engine_run(e, bfs_unreached_shard, b);
    rc = 0;
out:
    sf_frontier_fini(&frontiers[0], e);
    sf_frontier_fini(&frontiers[1], e);
    sf_engine_free(e, b->visited);
    free(b->live_end);
    return rc;
}
