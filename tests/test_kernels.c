/* The kernels against their slow references and their baselines, on
 * generated graphs, directed and undirected, at 1, 2 and 3 threads and
 * several shard counts. */
#include <math.h>

#include "bench/baseline_pr.h"
#include "bench/baseline_wcc.h"
#include "operators/kernels.h"
#include "tests/support.h"

static void assert_close(const double *a, const double *b, sf_vid n, double rel, const char *what)
{
    for (sf_vid v = 0; v < n; v++)
        cr_assert(fabs(a[v] - b[v]) <= rel * fabs(b[v]), "%s: vertex %u: %.17g vs %.17g", what, v,
                  a[v], b[v]);
}

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

static const char *graphs[] = {"kron:12", "urand:12"};

static void check_pr(const char *spec, bool undirected)
{
    sf_graph *g = graph_generated(spec, 7, undirected);
    sf_vid n = g->num_vertices;
    double *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    cr_assert_eq(sf_reference_pr(g, 20, 0.85, expected), 0);
    double sum = 0;
    for (sf_vid v = 0; v < n; v++)
        sum += expected[v];
    cr_assert_float_eq(sum, 1.0, 1e-9, "reference ranks sum to %.17g", sum);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        sf_iteration_log log = {0};
        cr_assert_eq(sf_pr(e, 20, 0.85, got, &log), 0);
        cr_assert_eq(log.count, 20);
        assert_close(got, expected, n, 1e-9, spec);
        sf_iteration_log_fini(&log);
        sf_engine_destroy(&e);
    }
    cr_assert_eq(sf_baseline_pr(g, 20, 0.85, got, NULL, NULL), 0);
    assert_close(got, expected, n, 1e-9, "baseline");
    free(expected);
    free(got);
    sf_graph_destroy(&g);
}

Test(kernels, pr_matches_reference_and_baseline_undirected)
{
    for (size_t i = 0; i < 2; i++)
        check_pr(graphs[i], true);
}

Test(kernels, pr_matches_reference_and_baseline_directed)
{
    /* directed generated graphs have dangling vertices: the dangling mass matters */
    for (size_t i = 0; i < 2; i++)
        check_pr(graphs[i], false);
}

static void check_wcc(const char *spec, bool undirected)
{
    sf_graph *g = graph_generated(spec, 11, undirected);
    sf_vid n = g->num_vertices;
    uint64_t *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    sf_vid *root = malloc(n * sizeof *root);
    cr_assert_eq(sf_reference_wcc(g, expected), 0);
    uint64_t components = 0;
    for (sf_vid v = 0; v < n; v++)
        components += expected[v] == sf_graph_original_id(g, v);
    if (strncmp(spec, "kron", 4) == 0)
        cr_assert_gt(components, 1, "%s should have isolated vertices", spec);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        cr_assert_eq(sf_wcc(e, got, NULL), 0);
        cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s at %d threads, %d shards", spec,
                     configs[c].threads, configs[c].shards);
        sf_engine_destroy(&e);
    }
    cr_assert_eq(sf_baseline_wcc(g, root, NULL), 0);
    cr_assert_eq(sf_labels_from_roots(g, root, got), 0);
    cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "baseline on %s", spec);
    free(expected);
    free(got);
    free(root);
    sf_graph_destroy(&g);
}

Test(kernels, wcc_matches_reference_and_baseline)
{
    for (size_t i = 0; i < 2; i++) {
        check_wcc(graphs[i], true);
        check_wcc(graphs[i], false);
    }
}

/* Many small components, directed arcs that connect only weakly, and a
 * giant component that is not the most frequent label's owner by id. */
Test(kernels, wcc_on_a_forest_of_chains)
{
    enum { CHAINS = 300, LENGTH = 17 };
    uint64_t (*arcs)[2] = malloc(CHAINS * LENGTH * sizeof *arcs);
    size_t count = 0;
    for (uint64_t c = 0; c < CHAINS; c++)
        for (uint64_t i = 0; i + 1 < LENGTH; i++) {
            /* alternate directions so that only weak connectivity joins a chain */
            uint64_t a = (c * LENGTH + i) * 1000003 % 5101, b = (c * LENGTH + i + 1) * 1000003 % 5101;
            arcs[count][0] = i % 2 ? a : b;
            arcs[count][1] = i % 2 ? b : a;
            count++;
        }
    sf_graph *g = graph_from_arcs((const uint64_t(*)[2])arcs, count, false);
    sf_vid n = g->num_vertices;
    uint64_t *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    sf_reference_wcc(g, expected);
    uint64_t components = 0;
    for (sf_vid v = 0; v < n; v++)
        components += expected[v] == sf_graph_original_id(g, v);
    cr_assert_eq(components, CHAINS);
    for (int threads = 1; threads <= 3; threads++) {
        sf_engine *e = engine_for(g, threads, 5);
        sf_wcc(e, got, NULL);
        cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "at %d threads", threads);
        sf_engine_destroy(&e);
    }
    free(arcs);
    free(expected);
    free(got);
    sf_graph_destroy(&g);
}

Test(kernels, pr_on_tiny_graphs_with_dangling_vertices)
{
    /* 0 -> 1 -> 2, 3 isolated: hand-computable first iteration */
    const uint64_t arcs[][2] = {{0, 1}, {1, 2}};
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (int i = 0; i < 2; i++)
        sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0);
    e.vertex_ids = malloc(4 * sizeof *e.vertex_ids);
    for (int i = 0; i < 4; i++)
        e.vertex_ids[i] = i;
    e.num_vertex_ids = 4;
    sf_graph *g = NULL;
    sf_error err;
    sf_build_options opt = {.original_order = true};
    cr_assert_eq(sf_graph_build(&e, &opt, "t", &g, &err), 0);
    sf_edge_list_fini(&e);
    double rank[4];
    sf_engine *eng = engine_for(g, 2, 0);
    cr_assert_eq(sf_pr(eng, 1, 0.85, rank, NULL), 0);
    /* dangling after PR_0: vertices 2 and 3, mass 0.5 */
    double base = 0.15 / 4 + 0.85 * 0.5 / 4;
    cr_assert_float_eq(rank[0], base, 1e-15);
    cr_assert_float_eq(rank[1], base + 0.85 * 0.25, 1e-15);
    cr_assert_float_eq(rank[2], base + 0.85 * 0.25, 1e-15);
    cr_assert_float_eq(rank[3], base, 1e-15);
    sf_engine_destroy(&eng);
    sf_graph_destroy(&g);
}
