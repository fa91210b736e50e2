/* CDLP (operators/cdlp.c) and its baseline (bench/baseline_cdlp.c): known
 * answers worked out by hand from LDBC's rules (multiplicity of reciprocal
 * pairs, ties to the smallest label, vertices without neighbours), then
 * both against the slow reference on generated graphs, directed and
 * undirected, at 1, 2 and 3 threads and several shard counts. */
#include "bench/baseline_cdlp.h"
#include "operators/kernels.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* A graph from arcs between original ids; `vertices` (may be NULL) is the
 * full vertex set, as an LDBC .v file gives it, isolated vertices included.
 * Dense ids in degree order unless original_order. */
static sf_graph *graph_of(const uint64_t (*arcs)[2], size_t count, const uint64_t *vertices,
                          size_t num_vertices, bool undirected, bool original_order)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
    if (vertices) {
        e.vertex_ids = malloc(num_vertices * sizeof *e.vertex_ids);
        memcpy(e.vertex_ids, vertices, num_vertices * sizeof *e.vertex_ids);
        e.num_vertex_ids = num_vertices;
    }
    sf_build_options opt = {.undirected = undirected, .original_order = original_order};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* Runs the kernel (1 and 3 threads), the baseline and the reference for
 * `iterations` and checks that each gives label expected[i][1] to vertex
 * expected[i][0] (original ids). */
static void expect_labels(const sf_graph *g, int iterations, const uint64_t (*expected)[2],
                          size_t count)
{
    cr_assert_eq(g->num_vertices, count);
    uint64_t got[4][64];
    sf_engine *e1 = engine_for(g, 1, 0), *e3 = engine_for(g, 3, 2);
    cr_assert_eq(sf_cdlp(e1, iterations, got[0], NULL), 0);
    cr_assert_eq(sf_cdlp(e3, iterations, got[1], NULL), 0);
    cr_assert_eq(sf_baseline_cdlp(g, iterations, got[2]), 0);
    cr_assert_eq(sf_reference_cdlp(g, iterations, got[3]), 0);
    const char *who[] = {"engine, 1 thread", "engine, 3 threads", "baseline", "reference"};
    for (size_t i = 0; i < count; i++) {
        sf_vid v = sf_graph_find_vertex(g, expected[i][0]);
        cr_assert_neq(v, SF_VID_NONE);
        for (int k = 0; k < 4; k++)
            cr_assert_eq(got[k][v], expected[i][1],
                         "%s, %d iterations: vertex %llu has label %llu, expected %llu", who[k],
                         iterations, (unsigned long long)expected[i][0],
                         (unsigned long long)got[k][v], (unsigned long long)expected[i][1]);
    }
    sf_engine_destroy(&e1);
    sf_engine_destroy(&e3);
}

Test(cdlp, reciprocal_pair_counts_twice)
{
    /* 10 <-> 20 and 10 -> 5: vertex 10 sees label 20 twice and 5 once, so
     * it takes 20 (as a set, {5, 20} would tie and give 5) */
    const uint64_t arcs[][2] = {{10, 20}, {20, 10}, {10, 5}};
    const uint64_t one[][2] = {{5, 10}, {10, 20}, {20, 10}};
    /* then 5 sees 20; 10 sees 10 three times; 20 sees 20 twice */
    const uint64_t two[][2] = {{5, 20}, {10, 10}, {20, 20}};
    for (int order = 0; order < 2; order++) {
        sf_graph *g = graph_of(arcs, 3, NULL, 0, false, order);
        expect_labels(g, 1, one, 3);
        expect_labels(g, 2, two, 3);
        sf_graph_destroy(&g);
    }
}

Test(cdlp, in_and_out_neighbours_both_count)
{
    /* 1 -> 4, 2 -> 4, 4 -> 3 (given twice, kept once): vertex 4 sees 1, 2
     * (in) and 3 (out) once each and takes the smallest; 1, 2 and 3 see 4
     * (out-neighbours only would leave 3 alone, in-neighbours only 1 and 2) */
    const uint64_t arcs[][2] = {{1, 4}, {2, 4}, {4, 3}, {4, 3}};
    const uint64_t one[][2] = {{1, 4}, {2, 4}, {3, 4}, {4, 1}};
    sf_graph *g = graph_of(arcs, 4, NULL, 0, false, false);
    expect_labels(g, 1, one, 4);
    sf_graph_destroy(&g);
}

Test(cdlp, ties_go_to_the_smallest_label_and_a_star_oscillates)
{
    /* centre 7, leaves 12, 3, 9: the centre takes the smallest leaf, the
     * leaves the centre's label, and the two swap every iteration */
    const uint64_t arcs[][2] = {{7, 12}, {7, 3}, {9, 7}};
    const uint64_t one[][2] = {{7, 3}, {3, 7}, {9, 7}, {12, 7}};
    const uint64_t two[][2] = {{7, 7}, {3, 3}, {9, 3}, {12, 3}};
    for (int order = 0; order < 2; order++) {
        sf_graph *g = graph_of(arcs, 3, NULL, 0, true, order);
        expect_labels(g, 1, one, 4);
        expect_labels(g, 2, two, 4);
        expect_labels(g, 3, one, 4);
        sf_graph_destroy(&g);
    }
}

Test(cdlp, a_triangle_settles_and_isolated_vertices_keep_their_id)
{
    /* triangle 30, 20, 10 with huge ids around it (ranks are not ids) */
    const uint64_t big = UINT64_C(1) << 40;
    const uint64_t arcs[][2] = {{30, 20}, {20, 10}, {10, 30}, {big + 2, big + 1}};
    const uint64_t vertices[] = {10, 20, 30, big + 1, big + 2, big, 5};
    /* it 1: 10 sees {20, 30} -> 20; 20 sees {10, 30} -> 10; 30 -> 10;
     * it 2: 10 sees {10, 10} -> 10; 20 sees {20, 10} -> 10; 30 -> 10 */
    const uint64_t one[][2] = {{10, 20}, {20, 10}, {30, 10}, {big + 1, big + 2},
                               {big + 2, big + 1}, {big, big}, {5, 5}};
    const uint64_t two[][2] = {{10, 10}, {20, 10}, {30, 10}, {big + 1, big + 1},
                               {big + 2, big + 2}, {big, big}, {5, 5}};
    const uint64_t none[][2] = {{10, 10}, {20, 20}, {30, 30}, {big + 1, big + 1},
                                {big + 2, big + 2}, {big, big}, {5, 5}};
    for (int order = 0; order < 2; order++) {
        sf_graph *g = graph_of(arcs, 4, vertices, 7, true, order);
        expect_labels(g, 0, none, 7);
        expect_labels(g, 1, one, 7);
        expect_labels(g, 2, two, 7);
        expect_labels(g, 10, two, 7);
        sf_graph_destroy(&g);
    }
}

/* Vertices with more neighbours than the stack buffer holds count their
 * labels in the table: hub 1000 is linked to 101..125, and each of 101..105
 * to every one of 106..125. One iteration: 1000 sees 101..125 once each ->
 * 101; 101..105 see 1000 and 106..125 -> 106; 106..125 see 101..105 and
 * 1000 -> 101. Two: 1000 sees 106 five times and 101 twenty -> 101;
 * 101..105 see 101 twenty-one times -> 101; 106..125 see 106 five times and
 * 101 once -> 106. */
Test(cdlp, high_degree_vertices_count_in_the_table)
{
    uint64_t arcs[125][2];
    size_t count = 0;
    for (uint64_t i = 101; i <= 125; i++) {
        arcs[count][0] = 1000;
        arcs[count++][1] = i;
        for (uint64_t hub = 101; i > 105 && hub <= 105; hub++) {
            arcs[count][0] = i;
            arcs[count++][1] = hub;
        }
    }
    cr_assert_eq(count, 125);
    sf_graph *g = graph_of((const uint64_t(*)[2])arcs, count, NULL, 0, true, false);
    const uint64_t one[][2] = {{1000, 101}, {103, 106}, {120, 101}};
    const uint64_t two[][2] = {{1000, 101}, {103, 101}, {120, 106}};
    uint64_t *ref = malloc(g->num_vertices * sizeof *ref);
    uint64_t *got = malloc(g->num_vertices * sizeof *got);
    for (int it = 0; it <= 6; it++) {
        cr_assert_eq(sf_reference_cdlp(g, it, ref), 0);
        for (size_t k = 0; it && it <= 2 && k < 3; k++) {
            const uint64_t *want = it == 1 ? one[k] : two[k];
            cr_assert_eq(ref[sf_graph_find_vertex(g, want[0])], want[1], "reference, vertex %llu",
                         (unsigned long long)want[0]);
        }
        for (size_t c = 0; c < NCONFIGS; c++) {
            sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
            cr_assert_eq(sf_cdlp(e, it, got, NULL), 0);
            cr_assert_eq(memcmp(got, ref, g->num_vertices * sizeof *got), 0, "%d iterations", it);
            sf_engine_destroy(&e);
        }
        cr_assert_eq(sf_baseline_cdlp(g, it, got), 0);
        cr_assert_eq(memcmp(got, ref, g->num_vertices * sizeof *got), 0, "baseline, %d", it);
    }
    free(ref);
    free(got);
    sf_graph_destroy(&g);
}

static void check_generated(const char *spec, bool undirected, int iterations)
{
    sf_graph *g = graph_generated(spec, 5, undirected);
    sf_vid n = g->num_vertices;
    uint64_t *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    cr_assert_eq(sf_reference_cdlp(g, iterations, expected), 0);
    /* the reference itself: every label is the id of some vertex, and some
     * vertex changed its label (or the test would check little) */
    uint64_t moved = 0;
    for (sf_vid v = 0; v < n; v++) {
        cr_assert_neq(sf_graph_find_vertex(g, expected[v]), SF_VID_NONE);
        moved += expected[v] != sf_graph_original_id(g, v);
    }
    cr_assert_gt(moved, n / 4, "%s: only %llu labels moved", spec, (unsigned long long)moved);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        sf_iteration_log log = {0};
        cr_assert_eq(sf_cdlp(e, iterations, got, &log), 0);
        cr_assert(log.count >= 1 && log.count <= iterations);
        for (sf_vid v = 0; v < n; v++)
            cr_assert_eq(got[v], expected[v], "%s %s, %d threads, %d shards: vertex %llu", spec,
                         undirected ? "undirected" : "directed", configs[c].threads,
                         configs[c].shards, (unsigned long long)sf_graph_original_id(g, v));
        sf_iteration_log_fini(&log);
        sf_engine_destroy(&e);
    }
    cr_assert_eq(sf_baseline_cdlp(g, iterations, got), 0);
    cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "baseline on %s", spec);
    free(expected);
    free(got);
    sf_graph_destroy(&g);
}

Test(cdlp, matches_reference_and_baseline_undirected)
{
    check_generated("kron:12", true, 10);
    check_generated("urand:12", true, 10);
}

Test(cdlp, matches_reference_and_baseline_directed)
{
    check_generated("kron:12", false, 10);
    check_generated("urand:12", false, 7);
}

/* Few iterations, while most labels still change (the dense pulls), and
 * many, long after they settle (the sparse ones). */
Test(cdlp, matches_reference_at_other_iteration_counts)
{
    check_generated("kron:11", true, 2);
    check_generated("kron:11", false, 3);
    check_generated("urand:11", true, 25);
}
