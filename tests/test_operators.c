/* The operators on their own: a breadth-first search written with
 * edge_map push (sparse frontier) and pull (dense frontier) and the
 * frontier's bookkeeping, forced into either direction or left to choose
 * (Ligra's rule), must give the depths of a plain serial BFS; and the
 * iterate loop stops on convergence. */
#include "operators/edge_map.h"
#include "operators/iterate.h"
#include "operators/vertex_map.h"
#include "tests/support.h"

struct bfs {
    const sf_graph *g;
    int64_t *depth;
    int64_t level;
    sf_frontier *frontier, *next;
};

/* push: claim unvisited out-neighbours with a compare-and-swap */
static void bfs_push(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct bfs *b = arg;
    (void)u;
    for (sf_eid i = 0; i < degree; i++) {
        int64_t unseen = -1;
        if (__atomic_load_n(&b->depth[out[i]], __ATOMIC_RELAXED) == -1 &&
            __atomic_compare_exchange_n(&b->depth[out[i]], &unseen, b->level + 1, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            sf_frontier_add(b->next, out[i]);
    }
}

/* pull: an unvisited vertex joins at the first active in-neighbour */
static bool bfs_pull(sf_vid v, const sf_vid *in, sf_eid degree, void *arg)
{
    struct bfs *b = arg;
    if (b->depth[v] != -1)
        return false;
    for (sf_eid i = 0; i < degree; i++)
        if (sf_frontier_has(b->frontier, in[i])) {
            b->depth[v] = b->level + 1;
            return true;
        }
    return false;
}

static void bfs_push_shard(sf_shard *s, void *arg)
{
    struct bfs *b = arg;
    sf_edge_map_push(s, b->g, b->frontier, bfs_push, arg);
}

static void bfs_pull_shard(sf_shard *s, void *arg)
{
    struct bfs *b = arg;
    sf_edge_map_pull(s, b->g, bfs_pull, arg, b->next);
}

/* mode: 0 auto, 1 always push, 2 always pull; returns pushes and pulls */
static void operator_bfs(sf_engine *e, sf_vid source, int mode, int64_t *depth, int *pushes,
                         int *pulls)
{
    const sf_graph *g = sf_engine_graph(e);
    sf_frontier a, b;
    cr_assert_eq(sf_frontier_init(&a, e), 0);
    cr_assert_eq(sf_frontier_init(&b, e), 0);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        depth[v] = -1;
    depth[source] = 0;
    sf_frontier_add(&a, source);
    struct bfs st = {.g = g, .depth = depth, .frontier = &a, .next = &b};
    *pushes = *pulls = 0;
    for (st.level = 0;; st.level++) {
        sf_direction dir;
        sf_frontier_seal(st.frontier, e, true);
        if (st.frontier->count == 0)
            break;
        dir = mode == 1 ? SF_PUSH : mode == 2 ? SF_PULL : sf_edge_map_direction(g, st.frontier);
        sf_frontier_clear(st.next, e);
        if (dir == SF_PUSH) {
            sf_engine_run(e, bfs_push_shard, &st);
            (*pushes)++;
        } else {
            sf_engine_run(e, bfs_pull_shard, &st);
            (*pulls)++;
        }
        sf_frontier *t = st.frontier;
        st.frontier = st.next;
        st.next = t;
    }
    sf_frontier_fini(&a, e);
    sf_frontier_fini(&b, e);
}

static void serial_bfs(const sf_graph *g, sf_vid source, int64_t *depth)
{
    sf_vid *queue = malloc(g->num_vertices * sizeof *queue);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        depth[v] = -1;
    uint64_t head = 0, tail = 0;
    depth[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
        sf_vid u = queue[head++];
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            if (depth[g->out_neighbors[e]] == -1) {
                depth[g->out_neighbors[e]] = depth[u] + 1;
                queue[tail++] = g->out_neighbors[e];
            }
    }
    free(queue);
}

Test(operators, push_and_pull_agree_with_a_serial_bfs)
{
    for (int undirected = 0; undirected < 2; undirected++) {
        sf_graph *g = graph_generated("kron:13", 4, undirected);
        int64_t *expected = malloc(g->num_vertices * sizeof *expected);
        int64_t *got = malloc(g->num_vertices * sizeof *got);
        serial_bfs(g, 0, expected);
        for (int threads = 1; threads <= 3; threads++) {
            sf_engine *e = engine_for(g, threads, threads == 3 ? 11 : 0);
            int total_push = 0, total_pull = 0;
            for (int mode = 0; mode < 3; mode++) {
                int pushes, pulls;
                operator_bfs(e, 0, mode, got, &pushes, &pulls);
                cr_assert_eq(memcmp(got, expected, g->num_vertices * sizeof *got), 0,
                             "mode %d, %d threads, %s", mode, threads,
                             undirected ? "undirected" : "directed");
                if (mode == 0) {
                    total_push += pushes;
                    total_pull += pulls;
                }
            }
            /* on a Kronecker graph the frontier grows past m/20 and shrinks
             * again: the automatic choice uses both directions */
            if (undirected)
                cr_assert(total_push > 0 && total_pull > 0, "push %d, pull %d", total_push,
                          total_pull);
            sf_engine_destroy(&e);
        }
        free(expected);
        free(got);
        sf_graph_destroy(&g);
    }
}

Test(operators, frontier_counts_vertices_and_out_arcs)
{
    sf_graph *g = graph_generated("urand:10", 2, true);
    sf_engine *e = engine_for(g, 2, 5);
    sf_frontier f;
    cr_assert_eq(sf_frontier_init(&f, e), 0);
    uint64_t arcs = 0, count = 0;
    for (sf_vid v = 0; v < g->num_vertices; v += 3) {
        sf_frontier_add(&f, v);
        arcs += sf_out_degree(g, v);
        count++;
    }
    sf_frontier_seal(&f, e, true);
    cr_assert_eq(f.count, count);
    cr_assert_eq(f.out_arcs, arcs);
    sf_frontier_fill(&f, e);
    cr_assert_eq(f.count, g->num_vertices);
    cr_assert_eq(f.out_arcs, g->num_arcs);
    cr_assert_eq(sf_edge_map_direction(g, &f), SF_PULL);
    sf_frontier_clear(&f, e);
    sf_frontier_add(&f, 0);
    sf_frontier_seal(&f, e, true);
    cr_assert_eq(sf_edge_map_direction(g, &f), SF_PUSH);
    sf_frontier_fini(&f, e);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

static bool stop_at_five(int iteration, void *arg)
{
    (*(int *)arg)++;
    return iteration == 4;
}

Test(operators, iterate_stops_on_convergence_or_limit)
{
    int calls = 0;
    sf_iteration_log log = {0};
    cr_assert_eq(sf_iterate(100, stop_at_five, &calls, &log), 5);
    cr_assert_eq(calls, 5);
    cr_assert_eq(log.count, 5);
    calls = 0;
    cr_assert_eq(sf_iterate(3, stop_at_five, &calls, NULL), 3);
    sf_iteration_log_fini(&log);
}

static double out_degree_of(sf_vid v, void *arg)
{
    return (double)sf_out_degree((const sf_graph *)arg, v);
}

static void degree_sum_shard(sf_shard *s, void *arg)
{
    s->sum = sf_vertex_reduce(s, out_degree_of, arg);
}

Test(operators, reduce_sums_every_vertex_once_in_shard_order)
{
    sf_graph *g = graph_generated("kron:12", 5, false);
    for (int threads = 1; threads <= 3; threads++) {
        sf_engine *e = engine_for(g, threads, 7);
        sf_engine_run(e, degree_sum_shard, g);
        cr_assert_float_eq(sf_engine_sum(e), (double)g->num_arcs, 0, "%d threads", threads);
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}
