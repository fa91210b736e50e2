/* The operators on their own: a breadth-first search written with
 * edge_map push (sparse frontier) and pull (dense frontier) and the
 * frontier's bookkeeping, forced into either direction or left to choose
 * (Ligra's rule), must give the depths of a plain serial BFS; the iterate
 * loop stops on convergence; and the concurrent union-find loses no link
 * when many workers hook the same roots at once. */
#include <omp.h>

#include "operators/edge_map.h"
#include "operators/iterate.h"
#include "operators/kernels.h"
#include "operators/union_find.h"
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

/* ---- the concurrent union-find (operators/union_find.h) ---- */

#define UF_STARS 2
#define UF_BLOCK 1024 /* consecutive vertices of one star */

/* A forest of UF_STARS stars over n vertices: vertex v is in star
 * (v / UF_BLOCK) % UF_STARS, and each leaf of a star is linked to its hub,
 * the star's largest vertex (hub[star]). Every link is a bridge, so a hook
 * that is lost is never made good by a later link. */
static sf_vid uf_star(sf_vid v)
{
    return (v / UF_BLOCK) % UF_STARS;
}

static void uf_hubs(sf_vid n, sf_vid hub[UF_STARS])
{
    for (sf_vid v = 0; v < n; v++)
        hub[uf_star(v)] = v;
}

/* The components of the forest, by the breadth-first reference
 * (sf_reference_wcc): each vertex labelled with the smallest vertex of its
 * component (ids 0..n-1 in order: dense ids are the vertices). */
static uint64_t *uf_reference(sf_vid n, const sf_vid hub[UF_STARS])
{
    uint64_t (*arcs)[2] = malloc(sizeof *arcs * n);
    size_t count = 0;
    for (sf_vid v = 0; v < n; v++)
        if (hub[uf_star(v)] != v) {
            arcs[count][0] = hub[uf_star(v)];
            arcs[count][1] = v;
            count++;
        }
    sf_graph *g = graph_from_arcs((const uint64_t(*)[2])arcs, count, true);
    cr_assert_eq(g->num_vertices, n);
    uint64_t *label = malloc(sizeof *label * n);
    cr_assert_eq(sf_reference_wcc(g, label), 0);
    free(arcs);
    sf_graph_destroy(&g);
    return label;
}

/* Workers link the forest above concurrently (sf_uf_link_root, as WCC's
 * sampling and finishing do), taking the leaves from one shared counter
 * from the top down: each link then hooks its star's root, the leaf taken
 * last, under the next leaf, so that every worker's compare-and-swap
 * lands on the same slot, over and over, whichever worker is ahead. A hook
 * written with a plain store where another worker hooked the same root a
 * moment before loses that hook, and with it the leaves joined since: the
 * forest then has more trees than the reference has components. Here (2
 * cores) workers on both cores collide outright, and an oversubscribed
 * worker descheduled between reading a root and hooking it writes a stale
 * hook when it runs again; a round of 2^20 links spans several time
 * slices even when other processes hold the cores. 2 to 16 workers, 12
 * rounds. */
Test(operators, union_find_loses_no_hook_when_workers_link_at_once)
{
    const sf_vid n = 1 << 20;
    const int threads[] = {16, 2, 8, 4}, rounds = 12;
    sf_vid hub[UF_STARS];
    uf_hubs(n, hub);
    uint64_t *label = uf_reference(n, hub);
    sf_vid *comp = malloc(sizeof *comp * n);
    sf_vid components = 0;
    for (sf_vid v = 0; v < n; v++)
        components += label[v] == v;
    cr_assert_eq(components, UF_STARS, "the reference finds %u components", components);
    for (int round = 0; round < rounds; round++) {
        for (sf_vid v = 0; v < n; v++)
            comp[v] = v;
        int64_t next = n;
        int asked = threads[round % 4], team = 0;
#pragma omp parallel num_threads(asked)
        {
#pragma omp single
            team = omp_get_num_threads();
            for (;;) {
                int64_t leaf = __atomic_sub_fetch(&next, 1, __ATOMIC_RELAXED);
                if (leaf < 0)
                    break;
                sf_vid h = hub[uf_star((sf_vid)leaf)];
                if (h != (sf_vid)leaf)
                    sf_uf_link_root(comp, h, (sf_vid)leaf, false);
            }
        }
        cr_assert_geq(team, 2, "%d workers of the %d asked for link at once", team, asked);
        sf_vid wrong = 0;
        for (sf_vid v = 0; v < n; v++)
            wrong += sf_uf_find(comp, v, true) != label[v];
        cr_assert_eq(wrong, 0,
                     "%d workers, round %d: %u of %u vertices are not in their component's "
                     "tree (a lost hook)", asked, round, wrong, n);
    }
    free(comp);
    free(label);
}
