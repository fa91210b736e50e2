/* LCC (operators/lcc.c) and its baseline (bench/baseline_lcc.c): known
 * answers worked out by hand from LDBC's definition (a triangle, a clique,
 * a star, directed arcs counted one by one over in ∪ out neighbours), then
 * both against the slow reference on generated graphs, directed and
 * undirected, at 1, 2 and 3 threads and several shard counts. Values are
 * compared exactly: every implementation divides the same integer count
 * by the same d * (d - 1), once. */
#include "bench/baseline_lcc.h"
#include "operators/kernels.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

static sf_graph *graph_of(const uint64_t (*arcs)[2], size_t count, bool undirected,
                          bool original_order)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
    sf_build_options opt = {.undirected = undirected, .original_order = original_order};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* The kernel (1 and 3 threads), the baseline and the reference give
 * expected[i].value to vertex expected[i].id (an original id). */
struct known {
    uint64_t id;
    double value;
};

static void expect_values(const uint64_t (*arcs)[2], size_t count, bool undirected,
                          const struct known *expected, size_t n)
{
    for (int order = 0; order < 2; order++) {
        sf_graph *g = graph_of(arcs, count, undirected, order);
        cr_assert_eq(g->num_vertices, n);
        double got[4][64];
        sf_engine *e1 = engine_for(g, 1, 0), *e3 = engine_for(g, 3, 2);
        cr_assert_eq(sf_lcc(e1, got[0], NULL), 0);
        cr_assert_eq(sf_lcc(e3, got[1], NULL), 0);
        cr_assert_eq(sf_baseline_lcc(g, got[2]), 0);
        cr_assert_eq(sf_reference_lcc(g, got[3]), 0);
        const char *who[] = {"engine, 1 thread", "engine, 3 threads", "baseline", "reference"};
        for (size_t i = 0; i < n; i++) {
            sf_vid v = sf_graph_find_vertex(g, expected[i].id);
            cr_assert_neq(v, SF_VID_NONE);
            for (int k = 0; k < 4; k++)
                cr_assert_float_eq(got[k][v], expected[i].value, 1e-15,
                                   "%s: vertex %llu: %.17g, expected %.17g", who[k],
                                   (unsigned long long)expected[i].id, got[k][v],
                                   expected[i].value);
        }
        sf_engine_destroy(&e1);
        sf_engine_destroy(&e3);
        sf_graph_destroy(&g);
    }
}

Test(lcc, triangle_clique_and_star)
{
    const uint64_t triangle[][2] = {{1, 2}, {2, 3}, {3, 1}};
    const struct known all_one[] = {{1, 1}, {2, 1}, {3, 1}};
    expect_values(triangle, 3, true, all_one, 3);

    /* K6: every pair of neighbours is linked */
    uint64_t clique[15][2];
    size_t k = 0;
    for (uint64_t a = 0; a < 6; a++)
        for (uint64_t b = a + 1; b < 6; b++) {
            clique[k][0] = 100 * a + 7;
            clique[k++][1] = 100 * b + 7;
        }
    struct known clique_one[6];
    for (uint64_t a = 0; a < 6; a++)
        clique_one[a] = (struct known){100 * a + 7, 1};
    expect_values((const uint64_t(*)[2])clique, 15, true, clique_one, 6);

    /* a star: the centre's neighbours are never linked; leaves have one */
    const uint64_t star[][2] = {{5, 1}, {5, 2}, {3, 5}, {5, 4}};
    const struct known star_zero[] = {{5, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}};
    expect_values(star, 4, true, star_zero, 5);
}

Test(lcc, square_with_a_diagonal)
{
    /* 1-2-3-4-1 and 1-3: N(1) = {2, 3, 4} with edges 2-3, 3-4: 4 arcs of
     * 6; N(2) = {1, 3}, linked: 1 */
    const uint64_t arcs[][2] = {{1, 2}, {2, 3}, {3, 4}, {4, 1}, {1, 3}};
    const struct known expected[] = {{1, 4.0 / 6}, {2, 1}, {3, 4.0 / 6}, {4, 1}};
    expect_values(arcs, 5, true, expected, 4);
}

Test(lcc, directed_arcs_count_one_by_one)
{
    /* a -> b -> c and a -> c: N(a) = {b, c} with one arc b -> c: 1/2;
     * likewise for b ({a, c}: a -> c) and c ({a, b}: a -> b) */
    const uint64_t transitive[][2] = {{1, 2}, {2, 3}, {1, 3}};
    const struct known half[] = {{1, 0.5}, {2, 0.5}, {3, 0.5}};
    expect_values(transitive, 3, false, half, 3);

    /* every arc both ways: two arcs between each pair, as undirected */
    const uint64_t reciprocal[][2] = {{1, 2}, {2, 1}, {2, 3}, {3, 2}, {3, 1}, {1, 3}};
    const struct known one[] = {{1, 1}, {2, 1}, {3, 1}};
    expect_values(reciprocal, 6, false, one, 3);

    /* N(v) is in ∪ out: 9 has in-neighbour 7 and out-neighbours 8, 10;
     * among them 7 -> 8, 8 -> 7 and 10 -> 7: 3 arcs of 3 * 2; 7: N = {8,
     * 9, 10}, arcs 9 -> 8, 9 -> 10: 2 of 6; 8: N = {7, 9}, arcs 7 -> 9:
     * 1 of 2; 10: N = {7, 9}, arc 7 -> 9: 1 of 2 */
    const uint64_t mixed[][2] = {{7, 9}, {9, 8}, {9, 10}, {7, 8}, {8, 7}, {10, 7}};
    const struct known expected[] = {{9, 0.5}, {7, 2.0 / 6}, {8, 0.5}, {10, 0.5}};
    expect_values(mixed, 6, false, expected, 4);
}

static void check_generated(const char *spec, bool undirected)
{
    sf_graph *g = graph_generated(spec, 3, undirected);
    sf_vid n = g->num_vertices;
    double *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    cr_assert_eq(sf_reference_lcc(g, expected), 0);
    /* the reference itself: values in [0, 1], and triangles to find */
    uint64_t positive = 0;
    for (sf_vid v = 0; v < n; v++) {
        cr_assert(expected[v] >= 0 && expected[v] <= 1, "%s: lcc %g", spec, expected[v]);
        positive += expected[v] > 0;
    }
    cr_assert_gt(positive, n / 20, "%s: only %llu vertices in a triangle", spec,
                 (unsigned long long)positive);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        sf_iteration_log log = {0};
        cr_assert_eq(sf_lcc(e, got, &log), 0);
        cr_assert_eq(log.count, 1);
        sf_iteration_log_fini(&log);
        for (sf_vid v = 0; v < n; v++)
            cr_assert(got[v] == expected[v], "%s %s, %d threads, %d shards: vertex %llu: %.17g vs %.17g",
                      spec, undirected ? "undirected" : "directed", configs[c].threads,
                      configs[c].shards, (unsigned long long)sf_graph_original_id(g, v), got[v],
                      expected[v]);
        /* a second run on the same engine reuses its recycled arrays */
        cr_assert_eq(sf_lcc(e, got, NULL), 0);
        cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "second run");
        sf_engine_destroy(&e);
    }
    cr_assert_eq(sf_baseline_lcc(g, got), 0);
    cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "baseline on %s", spec);
    free(expected);
    free(got);
    sf_graph_destroy(&g);
}

Test(lcc, matches_reference_and_baseline_undirected)
{
    check_generated("kron:11", true);
    check_generated("urand:12:24", true);
}

Test(lcc, matches_reference_and_baseline_directed)
{
    check_generated("kron:11", false);
    check_generated("urand:12:24", false);
}
