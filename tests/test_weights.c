/* Synthetic edge weights (engine/weights): unit weights are 1; random ones
 * are integers in [1, 255], the same for both arcs of an undirected edge,
 * the same in-arc as out-arc of a directed one, a function of the seed and
 * the original ids only (not of the dense order), and change with the
 * seed. */
#include <math.h>

#include "engine/weights.h"
#include "tests/support.h"

/* The weight of the out-arc from original id a to original id b, or NAN. */
static double out_weight(const sf_graph *g, uint64_t a, uint64_t b)
{
    sf_vid u = sf_graph_find_vertex(g, a), v = sf_graph_find_vertex(g, b);
    for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
        if (g->out_neighbors[e] == v)
            return g->out_weights[e];
    return NAN;
}

Test(weights, unit_weights_are_one)
{
    sf_graph *g = graph_generated("kron:8", 1, true);
    cr_assert_not(g->weighted);
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_UNIT, 1), 0);
    cr_assert(g->weighted);
    for (uint64_t e = 0; e < g->num_arcs; e++)
        cr_assert_eq(g->out_weights[e], 1.0);
    sf_graph_destroy(&g);
}

Test(weights, random_undirected_weights_are_symmetric_integers_in_range)
{
    sf_graph *g = graph_generated("kron:9", 3, true);
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, 7), 0);
    cr_assert_eq(g->in_weights, g->out_weights, "undirected: in aliases out");
    bool varied = false;
    for (sf_vid u = 0; u < g->num_vertices; u++)
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++) {
            double w = g->out_weights[e];
            cr_assert(w >= 1 && w <= 255 && w == floor(w), "weight %g", w);
            uint64_t a = sf_graph_original_id(g, u),
                     b = sf_graph_original_id(g, g->out_neighbors[e]);
            cr_assert_eq(out_weight(g, b, a), w, "both arcs of {%lu, %lu}", a, b);
            varied |= w != g->out_weights[0];
        }
    cr_assert(varied, "random weights are not all alike");
    sf_graph_destroy(&g);
}

Test(weights, random_weights_follow_the_seed_and_the_original_ids)
{
    static const uint64_t arcs[][2] = {{10, 20}, {20, 30}, {30, 10}, {10, 40}, {40, 50}, {50, 10}};
    size_t n = sizeof arcs / sizeof arcs[0];
    sf_graph *a = graph_from_arcs(arcs, n, false); /* original order */
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
    sf_build_options opt = {0}; /* degree order: other dense ids */
    sf_graph *b = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &b, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    cr_assert_eq(sf_graph_assign_weights(a, SF_WEIGHTS_RANDOM, 5), 0);
    cr_assert_eq(sf_graph_assign_weights(b, SF_WEIGHTS_RANDOM, 5), 0);
    for (size_t i = 0; i < n; i++) {
        double w = out_weight(a, arcs[i][0], arcs[i][1]);
        cr_assert_eq(out_weight(b, arcs[i][0], arcs[i][1]), w, "arc %zu", i);
        cr_assert_eq(w, sf_weights_of(SF_WEIGHTS_RANDOM, 5, arcs[i][0], arcs[i][1], true));
        /* directed: the in-arc of the head carries the same weight */
        sf_vid u = sf_graph_find_vertex(a, arcs[i][0]), v = sf_graph_find_vertex(a, arcs[i][1]);
        bool found = false;
        for (sf_eid k = a->in_offsets[v]; k < a->in_offsets[v + 1]; k++)
            if (a->in_neighbors[k] == u) {
                cr_assert_eq(a->in_weights[k], w, "in-arc of arc %zu", i);
                found = true;
            }
        cr_assert(found);
    }
    /* another seed gives other weights somewhere */
    bool differs = false;
    for (size_t i = 0; i < n; i++)
        differs |= sf_weights_of(SF_WEIGHTS_RANDOM, 6, arcs[i][0], arcs[i][1], true) !=
                   out_weight(a, arcs[i][0], arcs[i][1]);
    cr_assert(differs);
    sf_graph_destroy(&a);
    sf_graph_destroy(&b);
}
