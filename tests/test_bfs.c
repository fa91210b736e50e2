/* Breadth-first search: the direction-optimizing kernel (operators/bfs.c)
 * and the single-threaded baseline (bench/baseline_bfs.c, both variants)
 * against the FIFO-queue reference (operators/reference_bfs.c), on
 * Kronecker and uniform graphs, directed and undirected, from several
 * sources (an isolated one, one without in-arcs, hubs and leaves), at 1, 2
 * and 3 threads and several shard counts; hand-made graphs that force every
 * switch between top-down and bottom-up; the properties any BFS answer
 * has, checked on their own so that a reference bug cannot hide a kernel
 * bug; and the queue frontier the kernel's top-down steps use. */
#include "bench/baseline_bfs.h"
#include "operators/frontier.h"
#include "operators/kernels.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {2, 13}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* depth[source] = 0; along every arc u -> v out of a reached u, v is reached
 * and depth[v] <= depth[u] + 1; every reached v but the source has an
 * in-neighbour one level up; unreached is exactly -1. */
static void assert_bfs_properties(const sf_graph *g, sf_vid source, const int64_t *depth,
                                  const char *what)
{
    cr_assert_eq(depth[source], 0, "%s: depth of the source %lld", what, (long long)depth[source]);
    for (sf_vid u = 0; u < g->num_vertices; u++) {
        cr_assert_geq(depth[u], -1, "%s: vertex %u: depth %lld", what, u, (long long)depth[u]);
        if (depth[u] < 0)
            continue;
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++) {
            sf_vid v = g->out_neighbors[e];
            cr_assert(depth[v] >= 0 && depth[v] <= depth[u] + 1,
                      "%s: arc %u -> %u: depths %lld -> %lld", what, u, v, (long long)depth[u],
                      (long long)depth[v]);
        }
        if (u == source)
            continue;
        bool parent = false;
        for (sf_eid e = g->in_offsets[u]; e < g->in_offsets[u + 1] && !parent; e++)
            parent = depth[g->in_neighbors[e]] == depth[u] - 1;
        cr_assert(parent, "%s: vertex %u at depth %lld has no in-neighbour one level up", what,
                  u, (long long)depth[u]);
    }
}

/* Runs the kernel at every configuration and both baselines from `source`
 * and compares them with the reference; returns how many vertices the
 * reference reached. */
static uint64_t check_source(const sf_graph *g, sf_vid source, const char *what)
{
    sf_vid n = g->num_vertices;
    int64_t *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    cr_assert_eq(sf_reference_bfs(g, source, expected), 0);
    assert_bfs_properties(g, source, expected, "reference");
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        sf_iteration_log log = {0};
        memset(got, 0x5a, n * sizeof *got); /* no stale answer can pass */
        cr_assert_eq(sf_bfs(e, source, got, &log), 0);
        assert_bfs_properties(g, source, got, what);
        for (sf_vid v = 0; v < n; v++)
            cr_assert_eq(got[v], expected[v], "%s, source %u, %d threads, %d shards: vertex %u: "
                         "%lld, reference %lld", what, source, configs[c].threads,
                         configs[c].shards, v, (long long)got[v], (long long)expected[v]);
        /* one logged iteration per level, the last one finding nothing */
        int64_t max_depth = 0;
        for (sf_vid v = 0; v < n; v++)
            max_depth = expected[v] > max_depth ? expected[v] : max_depth;
        cr_assert_eq(log.count, max_depth + 1, "%s: %d levels logged, max depth %lld", what,
                     log.count, (long long)max_depth);
        sf_iteration_log_fini(&log);
        sf_engine_destroy(&e);
    }
    const char *variants[] = {"direction-optimizing", "queue"};
    for (int i = 0; i < 2; i++) {
        if (i == 1)
            setenv("SF_BASELINE_BFS", "queue", 1);
        memset(got, 0x5a, n * sizeof *got);
        cr_assert_eq(sf_baseline_bfs(g, source, got), 0);
        cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s baseline on %s, source %u",
                     variants[i], what, source);
        unsetenv("SF_BASELINE_BFS");
    }
    uint64_t reached = 0;
    for (sf_vid v = 0; v < n; v++)
        reached += expected[v] >= 0;
    free(expected);
    free(got);
    return reached;
}

/* Sources for a generated graph: drawn vertices with out-arcs, the biggest
 * hub (dense id 0), a vertex without any arc, and in a directed graph a
 * vertex with out-arcs but no in-arcs (it reaches others, none reach it). */
static void check_generated(const char *spec, uint64_t seed, bool undirected)
{
    sf_graph *g = graph_generated(spec, seed, undirected);
    sf_vid n = g->num_vertices;
    char what[64];
    snprintf(what, sizeof what, "%s %s", spec, undirected ? "undirected" : "directed");
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    uint64_t most_reached = 0;
    for (int drawn = 0; drawn < 3;) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        sf_vid v = (sf_vid)(x % n);
        if (sf_out_degree(g, v) == 0)
            continue;
        uint64_t reached = check_source(g, v, what);
        most_reached = reached > most_reached ? reached : most_reached;
        drawn++;
    }
    /* the graph has a giant component and vertices outside it */
    cr_assert_gt(most_reached, n / 4, "%s: %llu reached", what, (unsigned long long)most_reached);
    cr_assert_lt(most_reached, n, "%s: every vertex reached", what);
    check_source(g, 0, what);
    sf_vid isolated = SF_VID_NONE, no_in = SF_VID_NONE;
    for (sf_vid v = 0; v < n; v++) {
        if (isolated == SF_VID_NONE && sf_out_degree(g, v) == 0 && sf_in_degree(g, v) == 0)
            isolated = v;
        if (no_in == SF_VID_NONE && sf_out_degree(g, v) > 0 && sf_in_degree(g, v) == 0)
            no_in = v;
    }
    if (strncmp(spec, "kron", 4) == 0)
        cr_assert_neq(isolated, SF_VID_NONE, "%s: no isolated vertex", what);
    if (isolated != SF_VID_NONE)
        cr_assert_eq(check_source(g, isolated, what), 1);
    if (!undirected) {
        cr_assert_neq(no_in, SF_VID_NONE, "%s: no vertex without in-arcs", what);
        check_source(g, no_in, what);
    }
    sf_graph_destroy(&g);
}

Test(bfs, kron_undirected)
{
    check_generated("kron:12", 3, true);
}

Test(bfs, kron_directed)
{
    check_generated("kron:12", 5, false);
}

Test(bfs, urand_undirected)
{
    /* connected but for a few vertices at most: sources drawn by id */
    sf_graph *g = graph_generated("urand:11:4", 9, true);
    for (sf_vid source = 0; source < 3; source++)
        check_source(g, source * 517, "urand:11:4 undirected");
    sf_graph_destroy(&g);
}

Test(bfs, urand_directed)
{
    check_generated("urand:11:3", 2, false);
}

/* A lollipop: a clique of CLIQUE vertices (ids 0..CLIQUE-1) whose vertex
 * 0 starts a path of PATH vertices, plus an arc-free vertex. From the far
 * end of the path BFS walks top-down, meets the clique and goes bottom-up;
 * from inside the clique it goes bottom-up at once, sees the frontier shrink
 * to the path's one vertex and walks the path top-down. */
Test(bfs, lollipop_switches_both_ways)
{
    enum { CLIQUE = 60, PATH = 120 };
    size_t max_arcs = CLIQUE * CLIQUE + PATH + 1, count = 0;
    uint64_t (*arcs)[2] = malloc(max_arcs * sizeof *arcs);
    for (uint64_t a = 0; a < CLIQUE; a++)
        for (uint64_t b = a + 1; b < CLIQUE; b++) {
            arcs[count][0] = a;
            arcs[count][1] = b;
            count++;
        }
    for (uint64_t i = 0; i < PATH; i++) {
        arcs[count][0] = i == 0 ? 0 : CLIQUE + i - 1;
        arcs[count][1] = CLIQUE + i;
        count++;
    }
    sf_graph *g = graph_from_arcs((const uint64_t(*)[2])arcs, count, true);
    sf_vid far_end = sf_graph_find_vertex(g, CLIQUE + PATH - 1);
    sf_vid inside = sf_graph_find_vertex(g, 7);
    cr_assert_eq(check_source(g, far_end, "lollipop"), CLIQUE + PATH);
    cr_assert_eq(check_source(g, inside, "lollipop"), CLIQUE + PATH);
    /* known answers: the far end is PATH hops from clique vertex 0 */
    int64_t *depth = malloc(g->num_vertices * sizeof *depth);
    sf_engine *e = engine_for(g, 2, 5);
    cr_assert_eq(sf_bfs(e, inside, depth, NULL), 0);
    cr_assert_eq(depth[sf_graph_find_vertex(g, 0)], 1);
    cr_assert_eq(depth[sf_graph_find_vertex(g, CLIQUE - 1)], 1);
    cr_assert_eq(depth[far_end], PATH + 1);
    cr_assert_eq(sf_bfs(e, far_end, depth, NULL), 0);
    cr_assert_eq(depth[sf_graph_find_vertex(g, 0)], PATH);
    cr_assert_eq(depth[sf_graph_find_vertex(g, 7)], PATH + 1);
    sf_engine_destroy(&e);
    free(depth);
    free(arcs);
    sf_graph_destroy(&g);
}

/* Directed known answers: arcs are followed forwards only.
 *   1 -> 2 -> 3 -> 4,  1 -> 5 -> 4,  6 -> 1,  7 -> 8 (another part) */
Test(bfs, directed_known_answers)
{
    const uint64_t arcs[][2] = {{1, 2}, {2, 3}, {3, 4}, {1, 5}, {5, 4}, {6, 1}, {7, 8}};
    sf_graph *g = graph_from_arcs(arcs, sizeof arcs / sizeof arcs[0], false);
    const struct {
        uint64_t source;
        int64_t depth[8];       /* of original ids 1..8 */
    } table[] = {
        {1, {0, 1, 2, 2, 1, -1, -1, -1}},
        {6, {1, 2, 3, 3, 2, 0, -1, -1}},
        {3, {-1, -1, 0, 1, -1, -1, -1, -1}},
        {4, {-1, -1, -1, 0, -1, -1, -1, -1}},
        {7, {-1, -1, -1, -1, -1, -1, 0, 1}},
    };
    int64_t *depth = malloc(g->num_vertices * sizeof *depth);
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        sf_vid source = sf_graph_find_vertex(g, table[t].source);
        for (int threads = 1; threads <= 3; threads++) {
            sf_engine *e = engine_for(g, threads, threads == 3 ? 3 : 0);
            cr_assert_eq(sf_bfs(e, source, depth, NULL), 0);
            for (uint64_t id = 1; id <= 8; id++)
                cr_assert_eq(depth[sf_graph_find_vertex(g, id)], table[t].depth[id - 1],
                             "source %llu, vertex %llu, %d threads",
                             (unsigned long long)table[t].source, (unsigned long long)id, threads);
            sf_engine_destroy(&e);
        }
        cr_assert_eq(sf_baseline_bfs(g, source, depth), 0);
        for (uint64_t id = 1; id <= 8; id++)
            cr_assert_eq(depth[sf_graph_find_vertex(g, id)], table[t].depth[id - 1],
                         "baseline, source %llu, vertex %llu", (unsigned long long)table[t].source,
                         (unsigned long long)id);
    }
    free(depth);
    sf_graph_destroy(&g);
}

/* One vertex and no arcs: the source alone, at depth 0. */
Test(bfs, single_isolated_vertex)
{
    sf_edge_list el;
    sf_edge_list_init(&el);
    el.vertex_ids = malloc(sizeof *el.vertex_ids);
    el.vertex_ids[0] = 42;
    el.num_vertex_ids = 1;
    sf_build_options opt = {.original_order = true};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&el, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&el);
    cr_assert_eq(g->num_vertices, 1);
    int64_t depth = 7;
    sf_engine *e = engine_for(g, 2, 0);
    cr_assert_eq(sf_bfs(e, 0, &depth, NULL), 0);
    cr_assert_eq(depth, 0);
    depth = 7;
    cr_assert_eq(sf_baseline_bfs(g, 0, &depth), 0);
    cr_assert_eq(depth, 0);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

/* The queue frontier (frontier.h) on its own: every shard appends its
 * vertices through a buffer of its own, more than a buffer's worth, at
 * 1-3 threads; after a slide the window holds each vertex once, and the
 * shards' slices cut it into consecutive pieces. */
struct queue_test {
    sf_queue *queue;
};

static void append_own_vertices(sf_shard *s, void *arg)
{
    struct queue_test *t = arg;
    sf_queue_buffer out = {.queue = t->queue};
    for (sf_vid v = s->begin; v < s->end; v++)
        sf_queue_append(&out, v);
    sf_queue_flush(&out);
}

Test(bfs, queue_frontier_appends_and_slices)
{
    sf_graph *g = graph_generated("kron:12", 1, true);
    sf_vid n = g->num_vertices;
    for (int threads = 1; threads <= 3; threads++) {
        sf_engine *e = engine_for(g, threads, threads == 1 ? 2 : 5);
        int shards = sf_engine_num_shards(e);
        cr_assert_gt(n / shards, SF_QUEUE_BUFFER, "shards too small to flush mid-way");
        sf_queue q;
        cr_assert_eq(sf_queue_init(&q, g), 0);
        struct queue_test t = {&q};
        for (int round = 0; round < 2; round++) {
            sf_queue_reset(&q);
            sf_engine_run(e, append_own_vertices, &t);
            sf_queue_slide(&q);
            cr_assert_eq(sf_queue_size(&q), n);
            uint8_t *seen = calloc(n, 1);
            uint64_t expected_begin = q.head;
            for (int i = 0; i < shards; i++) {
                uint64_t begin, end;
                sf_queue_slice(&q, i, shards, &begin, &end);
                cr_assert_eq(begin, expected_begin, "slice %d of %d", i, shards);
                expected_begin = end;
                for (uint64_t k = begin; k < end; k++) {
                    cr_assert_lt(q.items[k], n);
                    cr_assert_eq(seen[q.items[k]]++, 0, "vertex %u twice", q.items[k]);
                }
            }
            cr_assert_eq(expected_begin, q.tail);
            free(seen);
        }
        /* an empty step leaves an empty window */
        sf_queue_slide(&q);
        cr_assert_eq(sf_queue_size(&q), 0);
        sf_queue_fini(&q);
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}
