/* The graph builder: relabelling, simple-graph rules, CSR invariants, and
 * independence from the thread count. */
#include <omp.h>

#include "tests/support.h"

/* Every row ascending, no self-loop, no duplicate; in-rows the transpose. */
static void check_csr(const sf_graph *g)
{
    uint64_t in_total = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            cr_assert_neq(g->out_neighbors[e], v, "self-loop kept at %u", v);
            if (e > g->out_offsets[v])
                cr_assert_lt(g->out_neighbors[e - 1], g->out_neighbors[e], "row %u not strictly ascending", v);
            /* the arc v->w appears in w's in-row */
            sf_vid w = g->out_neighbors[e];
            bool found = false;
            for (sf_eid f = g->in_offsets[w]; f < g->in_offsets[w + 1] && !found; f++)
                found = g->in_neighbors[f] == v;
            cr_assert(found, "arc %u->%u missing from in-rows", v, w);
        }
        in_total += sf_in_degree(g, v);
    }
    cr_assert_eq(in_total, g->num_arcs);
    cr_assert_eq(g->out_offsets[g->num_vertices], g->num_arcs);
}

Test(graph, sparse_64bit_ids_relabelled_in_order)
{
    const uint64_t arcs[][2] = {
        {UINT64_MAX, 5}, {5, 1ull << 40}, {1ull << 40, UINT64_MAX}, {77, 5},
    };
    sf_graph *g = graph_from_arcs(arcs, 4, false);
    cr_assert_eq(g->num_vertices, 4);
    cr_assert_eq(g->num_arcs, 4);
    cr_assert_eq(sf_graph_original_id(g, 0), 5);
    cr_assert_eq(sf_graph_original_id(g, 1), 77);
    cr_assert_eq(sf_graph_original_id(g, 2), 1ull << 40);
    cr_assert_eq(sf_graph_original_id(g, 3), UINT64_MAX);
    cr_assert_eq(sf_graph_find_vertex(g, UINT64_MAX), 3);
    cr_assert_eq(sf_graph_find_vertex(g, 6), SF_VID_NONE);
    check_csr(g);
    sf_graph_destroy(&g);
    cr_assert_null(g);
}

Test(graph, compact_ids_keep_gaps_out)
{
    const uint64_t arcs[][2] = {{1, 3}, {3, 9}, {9, 1}};
    sf_graph *g = graph_from_arcs(arcs, 3, false);
    cr_assert_eq(g->num_vertices, 3, "ids 1, 3, 9 are three vertices, not ten");
    cr_assert_eq(sf_graph_original_id(g, 2), 9);
    check_csr(g);
    sf_graph_destroy(&g);
}

Test(graph, explicit_vertex_set_keeps_isolated_vertices)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_edge_list_push(&e, 10, 20, 0);
    e.vertex_ids = malloc(3 * sizeof *e.vertex_ids);
    e.vertex_ids[0] = 10, e.vertex_ids[1] = 20, e.vertex_ids[2] = 30;
    e.num_vertex_ids = 3;
    sf_graph *g = NULL;
    sf_error err;
    sf_build_options opt = {0};
    cr_assert_eq(sf_graph_build(&e, &opt, "t", &g, &err), 0);
    cr_assert_eq(g->num_vertices, 3);
    cr_assert_eq(sf_out_degree(g, 2), 0);
    cr_assert_eq(sf_graph_original_id(g, 2), 30);
    sf_edge_list_fini(&e);
    sf_graph_destroy(&g);
}

Test(graph, self_loops_and_duplicates_dropped_and_counted)
{
    const uint64_t arcs[][2] = {{0, 1}, {0, 1}, {1, 1}, {1, 0}, {2, 2}, {1, 2}};
    sf_graph *g = graph_from_arcs(arcs, 6, false);
    cr_assert_eq(g->num_arcs, 3);
    cr_assert_eq(g->dropped_self_loops, 2);
    cr_assert_eq(g->dropped_duplicates, 1);
    check_csr(g);
    sf_graph_destroy(&g);
    /* undirected: 0-1 given three times in two directions is one edge */
    g = graph_from_arcs(arcs, 6, true);
    cr_assert_eq(g->num_edges, 2);
    cr_assert_eq(g->num_arcs, 4);
    cr_assert_eq(g->in_offsets, g->out_offsets);
    check_csr(g);
    sf_graph_destroy(&g);
}

Test(graph, weights_follow_their_arcs_and_duplicates_keep_the_smallest)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_edge_list_reserve(&e, 8, true);
    sf_edge_list_push(&e, 0, 2, 2.5);
    sf_edge_list_push(&e, 0, 1, 1.5);
    sf_edge_list_push(&e, 0, 2, 0.5);
    sf_edge_list_push(&e, 2, 1, 7.0);
    sf_graph *g = NULL;
    sf_error err;
    sf_build_options opt = {0};
    cr_assert_eq(sf_graph_build(&e, &opt, "t", &g, &err), 0);
    cr_assert(g->weighted);
    cr_assert_eq(g->out_neighbors[0], 1);
    cr_assert_float_eq(g->out_weights[0], 1.5, 0);
    cr_assert_eq(g->out_neighbors[1], 2);
    cr_assert_float_eq(g->out_weights[1], 0.5, 0);
    /* in-row of 1: arcs from 0 (1.5) and 2 (7.0) */
    cr_assert_eq(sf_in_degree(g, 1), 2);
    cr_assert_float_eq(g->in_weights[g->in_offsets[1] + 1], 7.0, 0);
    sf_edge_list_fini(&e);
    sf_graph_destroy(&g);
}

Test(graph, empty_input_is_an_empty_graph)
{
    sf_graph *g = graph_from_arcs(NULL, 0, false);
    cr_assert_eq(g->num_vertices, 0);
    cr_assert_eq(g->num_arcs, 0);
    sf_graph_destroy(&g);
}

/* The built graph is byte-identical whatever the thread count, on both the
 * compact-id and the sparse-id relabelling paths. */
static void compare_graphs(const sf_graph *a, const sf_graph *b)
{
    cr_assert_eq(a->num_vertices, b->num_vertices);
    cr_assert_eq(a->num_arcs, b->num_arcs);
    cr_assert_eq(memcmp(a->out_offsets, b->out_offsets, (a->num_vertices + 1ull) * sizeof(sf_eid)), 0);
    cr_assert_eq(memcmp(a->out_neighbors, b->out_neighbors, a->num_arcs * sizeof(sf_vid)), 0);
    cr_assert_eq(memcmp(a->in_neighbors, b->in_neighbors, a->num_arcs * sizeof(sf_vid)), 0);
}

Test(graph, same_graph_at_any_thread_count)
{
    for (int sparse = 0; sparse < 2; sparse++) {
        sf_graph *g[3];
        for (int t = 1; t <= 3; t++) {
            omp_set_num_threads(t);
            sf_edge_list e;
            sf_edge_list_init(&e);
            sf_error err;
            cr_assert_eq(sf_generate("kron:12:8", 3, &e, &err), 0);
            if (sparse) /* spread the ids over 64 bits */
                for (uint64_t i = 0; i < e.count; i++) {
                    e.src[i] = e.src[i] * 0x9e3779b97f4a7c15ull;
                    e.dst[i] = e.dst[i] * 0x9e3779b97f4a7c15ull;
                }
            if (sparse)
                e.dense_vertices = 0;
            sf_build_options opt = {.undirected = false};
            cr_assert_eq(sf_graph_build(&e, &opt, "kron", &g[t - 1], &err), 0);
            sf_edge_list_fini(&e);
        }
        check_csr(g[0]);
        compare_graphs(g[0], g[1]);
        compare_graphs(g[0], g[2]);
        for (int t = 0; t < 3; t++)
            sf_graph_destroy(&g[t]);
    }
}

Test(graph, generated_graph_is_simple_and_symmetric)
{
    sf_graph *g = graph_generated("kron:10", 1, true);
    cr_assert_eq(g->num_vertices, 1024);
    check_csr(g);
    cr_assert_eq(g->num_arcs, 2 * g->num_edges);
    cr_assert_gt(g->dropped_duplicates, 0, "kron has duplicate edges to drop");
    sf_graph_destroy(&g);
}
