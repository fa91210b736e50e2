/* The graph builder: relabelling, simple-graph rules, CSR invariants, and
 * independence from the thread count. */
#include <inttypes.h>
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
    sf_build_options opt = {.original_order = true};
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
    sf_build_options opt = {.original_order = true};
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
            sf_build_options opt = {.undirected = false, .original_order = true};
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

/* ---------- differential tests against a slow, obviously-correct builder ---------- */

/* The reference: relabel by sorting the distinct ids, list every arc (both
 * directions when undirected), sort the (source, target, weight) triples
 * with qsort, keep the first of each (source, target), and read rows off. */
typedef struct ref_arc {
    uint32_t u, v;
    double w;
} ref_arc;

static int compare_ref_arcs(const void *a, const void *b)
{
    const ref_arc *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->w < y->w ? -1 : x->w > y->w;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct ref_graph {
    uint64_t n, arcs, loops, duplicates;
    uint64_t *ids;                  /* dense -> original */
    ref_arc *out, *in;              /* sorted, simple */
} ref_graph;

static uint32_t ref_dense(const ref_graph *r, const sf_edge_list *e, uint64_t id)
{
    if (e->dense_vertices)
        return (uint32_t)id;
    uint64_t *at = bsearch(&id, r->ids, r->n, sizeof *r->ids, compare_u64);
    cr_assert_not_null(at);
    return (uint32_t)(at - r->ids);
}

static uint64_t ref_unique(ref_arc *a, uint64_t count)
{
    qsort(a, count, sizeof *a, compare_ref_arcs);
    uint64_t kept = 0;
    for (uint64_t i = 0; i < count; i++)
        if (kept == 0 || a[kept - 1].u != a[i].u || a[kept - 1].v != a[i].v)
            a[kept++] = a[i]; /* sorted by weight too: the first is the smallest */
    return kept;
}

static void ref_build(const sf_edge_list *e, bool undirected, ref_graph *r)
{
    memset(r, 0, sizeof *r);
    if (e->dense_vertices) {
        r->n = e->dense_vertices;
    } else {
        r->ids = malloc((2 * e->count + e->num_vertex_ids + 1) * sizeof *r->ids);
        for (uint64_t i = 0; i < e->count; i++) {
            r->ids[r->n++] = e->src[i];
            r->ids[r->n++] = e->dst[i];
        }
        for (uint64_t i = 0; i < e->num_vertex_ids; i++)
            r->ids[r->n++] = e->vertex_ids[i];
        qsort(r->ids, r->n, sizeof *r->ids, compare_u64);
        uint64_t distinct = 0;
        for (uint64_t i = 0; i < r->n; i++)
            if (distinct == 0 || r->ids[distinct - 1] != r->ids[i])
                r->ids[distinct++] = r->ids[i];
        r->n = distinct;
    }
    r->out = malloc((2 * e->count + 1) * sizeof *r->out);
    uint64_t raw = 0;
    for (uint64_t i = 0; i < e->count; i++) {
        uint32_t u = ref_dense(r, e, e->src[i]), v = ref_dense(r, e, e->dst[i]);
        double w = e->weight ? e->weight[i] : 0;
        if (u == v) {
            r->loops++;
            continue;
        }
        r->out[raw++] = (ref_arc){u, v, w};
        if (undirected)
            r->out[raw++] = (ref_arc){v, u, w};
    }
    r->arcs = ref_unique(r->out, raw);
    r->duplicates = undirected ? (raw - r->arcs) / 2 : raw - r->arcs;
    r->in = malloc((r->arcs + 1) * sizeof *r->in);
    for (uint64_t i = 0; i < r->arcs; i++)
        r->in[i] = (ref_arc){r->out[i].v, r->out[i].u, r->out[i].w};
    qsort(r->in, r->arcs, sizeof *r->in, compare_ref_arcs);
}

static void ref_free(ref_graph *r)
{
    free(r->ids);
    free(r->out);
    free(r->in);
}

/* Rows of g (offsets, neighbours, weights) against the sorted arcs. */
static void expect_rows(const sf_graph *g, const sf_eid *off, const sf_vid *nbr, const double *w,
                        const ref_arc *arcs, const char *which)
{
    uint64_t i = 0;
    for (uint64_t v = 0; v < g->num_vertices; v++) {
        for (sf_eid e = off[v]; e < off[v + 1]; e++, i++) {
            cr_assert_lt(i, g->num_arcs, "%s: too many arcs", which);
            cr_assert_eq(arcs[i].u, v, "%s arc %llu: row %llu, expected %u", which,
                         (unsigned long long)i, (unsigned long long)v, arcs[i].u);
            cr_assert_eq(nbr[e], arcs[i].v, "%s arc %llu: neighbour %u, expected %u", which,
                         (unsigned long long)i, nbr[e], arcs[i].v);
            if (w)
                cr_assert_eq(w[e], arcs[i].w, "%s arc %u->%u: weight %g, expected %g", which,
                             arcs[i].u, arcs[i].v, w[e], arcs[i].w);
        }
    }
    cr_assert_eq(i, g->num_arcs, "%s: arc count", which);
}

static void expect_reference(const sf_edge_list *e, bool undirected, const sf_graph *g)
{
    ref_graph r;
    ref_build(e, undirected, &r);
    cr_assert_eq(g->num_vertices, r.n);
    cr_assert_eq(g->num_arcs, r.arcs);
    cr_assert_eq(g->num_edges, undirected ? r.arcs / 2 : r.arcs);
    cr_assert_eq(g->dropped_self_loops, r.loops);
    cr_assert_eq(g->dropped_duplicates, r.duplicates);
    cr_assert_eq(g->weighted, e->weight != NULL);
    cr_assert_eq(g->out_offsets[0], 0);
    if (r.ids)
        for (uint64_t v = 0; v < r.n; v++)
            cr_assert_eq(sf_graph_original_id(g, (sf_vid)v), r.ids[v]);
    expect_rows(g, g->out_offsets, g->out_neighbors, g->out_weights, r.out, "out");
    if (undirected) {
        cr_assert_eq(g->in_offsets, g->out_offsets);
        cr_assert_eq(g->in_neighbors, g->out_neighbors);
        cr_assert_eq(g->in_weights, g->out_weights);
    } else {
        expect_rows(g, g->in_offsets, g->in_neighbors, g->in_weights, r.in, "in");
    }
    ref_free(&r);
}

static uint64_t next_random(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ull;
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static sf_graph *build_ok(const sf_edge_list *e, bool undirected)
{
    sf_build_options opt = {.undirected = undirected, .original_order = true};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(e, &opt, "test", &g, &err), 0, "%s", err.msg);
    return g;
}

/* Every byte the builder hands out, whatever the thread count. */
static void expect_identical(const sf_graph *a, const sf_graph *b)
{
    compare_graphs(a, b);
    uint64_t n1 = a->num_vertices + 1ull;
    cr_assert_eq(memcmp(a->in_offsets, b->in_offsets, n1 * sizeof(sf_eid)), 0);
    cr_assert_eq(a->dropped_self_loops, b->dropped_self_loops);
    cr_assert_eq(a->dropped_duplicates, b->dropped_duplicates);
    cr_assert_eq(!a->out_weights, !b->out_weights);
    if (a->out_weights) {
        cr_assert_eq(memcmp(a->out_weights, b->out_weights, a->num_arcs * sizeof(double)), 0);
        cr_assert_eq(memcmp(a->in_weights, b->in_weights, a->num_arcs * sizeof(double)), 0);
    }
    cr_assert_eq(!a->original_ids, !b->original_ids);
    if (a->original_ids)
        cr_assert_eq(memcmp(a->original_ids, b->original_ids, a->num_vertices * sizeof(uint64_t)), 0);
}

/* A random multigraph with hubs, repeats (with other weights) and loops,
 * on ids of the given shape: dense, compact with gaps, or spread over 64
 * bits. */
enum id_shape { IDS_DENSE, IDS_COMPACT, IDS_SPARSE };

static void random_edges(sf_edge_list *e, uint64_t n, uint64_t m, enum id_shape shape,
                         bool weighted, uint64_t seed)
{
    sf_edge_list_init(e);
    cr_assert_eq(sf_edge_list_reserve(e, m, weighted), 0);
    uint64_t state = seed;
    for (uint64_t i = 0; i < m; i++) {
        uint64_t r = next_random(&state);
        uint64_t u = r % n, v = (r >> 32) % n;
        if ((r & 0xf) == 0)
            u = r & 0x30 ? 0 : n / 3;     /* hubs */
        if ((r & 0xff00) == 0 && i)
            u = e->src[i - 1], v = e->dst[i - 1]; /* repeats */
        if ((r & 0xff0000) == 0)
            v = u;                        /* loops */
        if (shape == IDS_COMPACT)
            u = 3 * u + 7, v = 3 * v + 7;
        if (shape == IDS_SPARSE)
            u = u * 0x9e3779b97f4a7c15ull + 1, v = v * 0x9e3779b97f4a7c15ull + 1;
        double w = (double)(next_random(&state) % 1000) / 8;
        cr_assert_eq(sf_edge_list_push(e, u, v, w), 0);
    }
    if (shape == IDS_DENSE)
        e->dense_vertices = n;
}

Test(graph, matches_reference_on_every_id_shape_and_option)
{
    const struct {
        uint64_t n, m;
    } sizes[] = {{1, 3}, {2, 5}, {50, 400}, {3000, 30000}, {20000, 100000}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int shape = IDS_DENSE; shape <= IDS_SPARSE; shape++)
            for (int weighted = 0; weighted < 2; weighted++)
                for (int undirected = 0; undirected < 2; undirected++) {
                    sf_edge_list e;
                    random_edges(&e, sizes[s].n, sizes[s].m, shape, weighted, 17 * s + shape);
                    sf_graph *g = build_ok(&e, undirected);
                    expect_reference(&e, undirected, g);
                    sf_graph_destroy(&g);
                    sf_edge_list_fini(&e);
                }
}

Test(graph, hub_rows_over_100k_arcs_sorted_and_deduplicated)
{
    /* vertex 5 is joined to 150000 others in scrambled order, each edge
     * given twice (once each way), plus a second hub with repeated arcs */
    const uint64_t spokes = 150000;
    sf_edge_list e;
    sf_edge_list_init(&e);
    cr_assert_eq(sf_edge_list_reserve(&e, 3 * spokes, false), 0);
    for (uint64_t i = 0; i < spokes; i++) {
        uint64_t spoke = 6 + (i * 7919) % spokes;
        cr_assert_eq(sf_edge_list_push(&e, 5, spoke, 0), 0);
        cr_assert_eq(sf_edge_list_push(&e, spoke, 5, 0), 0);
        cr_assert_eq(sf_edge_list_push(&e, 1, 6 + (i * 104729) % 1000, 0), 0);
    }
    e.dense_vertices = spokes + 6;
    for (int undirected = 0; undirected < 2; undirected++) {
        sf_graph *g = build_ok(&e, undirected);
        cr_assert_eq(sf_out_degree(g, 5), spokes);
        for (uint64_t i = 0; i < spokes; i++)
            cr_assert_eq(g->out_neighbors[g->out_offsets[5] + i], 6 + i);
        cr_assert_eq(sf_out_degree(g, 1), 1000);
        cr_assert_eq(g->dropped_duplicates, undirected ? spokes + spokes - 1000 : spokes - 1000);
        expect_reference(&e, undirected, g);
        sf_graph_destroy(&g);
    }
    sf_edge_list_fini(&e);
}

/* Buckets bigger than the cache have their rows cut apart first and each
 * row sorted alone (short rows by insertion): ten weighted hubs with
 * repeated arcs of other weights put over 2^17 arcs in the first bucket,
 * beside rows of a few arcs; rows, weights (the smallest of repeats) and
 * counts match the reference at 1 and 3 threads, both directednesses. */
Test(graph, rows_of_a_bucket_bigger_than_the_cache_sorted_with_their_weights)
{
    const uint64_t n = 100000, hub_arcs = 40000;
    sf_edge_list e;
    sf_edge_list_init(&e);
    uint64_t state = 77;
    for (uint64_t h = 0; h < 10; h++)
        for (uint64_t i = 0; i < hub_arcs; i++) {
            uint64_t r = next_random(&state);
            uint64_t other = 10 + r % (n - 10);
            double w = (double)((r >> 40) % 500) / 4;
            cr_assert_eq(sf_edge_list_push(&e, (r >> 32) & 1 ? other : h,
                                           (r >> 32) & 1 ? h : other, w), 0);
        }
    for (uint64_t i = 0; i < n; i++) { /* short rows, a few loops */
        uint64_t r = next_random(&state);
        cr_assert_eq(sf_edge_list_push(&e, 10 + r % (n - 10), 10 + (r >> 32) % (n - 10),
                                       (double)(r % 7)), 0);
    }
    cr_assert_eq(sf_edge_list_push(&e, 3, 3, 1.0), 0);
    for (int undirected = 0; undirected < 2; undirected++)
        for (int t = 1; t <= 3; t += 2) {
            omp_set_num_threads(t);
            sf_graph *g = build_ok(&e, undirected);
            cr_assert_gt(g->out_offsets[10], (uint64_t)1 << 17);
            expect_reference(&e, undirected, g);
            sf_graph_destroy(&g);
        }
    omp_set_num_threads(omp_get_num_procs());
    sf_edge_list_fini(&e);
}

Test(graph, weighted_directed_transpose_keeps_weights_with_their_arcs)
{
    sf_edge_list e;
    random_edges(&e, 5000, 200000, IDS_COMPACT, true, 99);
    sf_graph *g = build_ok(&e, false);
    expect_reference(&e, false, g);
    /* and directly: each out-arc's weight is found on its in-arc */
    for (sf_vid u = 0; u < g->num_vertices; u++)
        for (sf_eid a = g->out_offsets[u]; a < g->out_offsets[u + 1]; a++) {
            sf_vid v = g->out_neighbors[a];
            sf_eid b = g->in_offsets[v];
            while (b < g->in_offsets[v + 1] && g->in_neighbors[b] != u)
                b++;
            cr_assert_lt(b, g->in_offsets[v + 1], "arc %u->%u missing from in-rows", u, v);
            cr_assert_eq(g->in_weights[b], g->out_weights[a], "arc %u->%u", u, v);
        }
    sf_graph_destroy(&g);
    sf_edge_list_fini(&e);
}

/* Over 2^23 vertices the partition keeps local ids in a side array rather
 * than packed into the slot: check that layout against the reference too. */
Test(graph, wide_vertex_range_uses_the_unpacked_layout_correctly)
{
    for (int undirected = 0; undirected < 2; undirected++) {
        sf_edge_list e;
        random_edges(&e, 1u << 24, 300000, IDS_DENSE, true, 5);
        sf_graph *g[2];
        for (int t = 0; t < 2; t++) {
            omp_set_num_threads(t ? 3 : 1);
            g[t] = build_ok(&e, undirected);
        }
        omp_set_num_threads(omp_get_num_procs());
        expect_reference(&e, undirected, g[0]);
        expect_identical(g[0], g[1]);
        for (int t = 0; t < 2; t++)
            sf_graph_destroy(&g[t]);
        sf_edge_list_fini(&e);
    }
}

Test(graph, identical_bytes_at_any_thread_count_on_every_path)
{
    for (int shape = IDS_DENSE; shape <= IDS_SPARSE; shape++)
        for (int undirected = 0; undirected < 2; undirected++) {
            sf_edge_list e;
            if (shape == IDS_DENSE) {
                /* kron:16: dozens of buckets, hub rows of thousands of arcs */
                sf_error err;
                sf_edge_list_init(&e);
                cr_assert_eq(sf_generate("kron:16", 11, &e, &err), 0, "%s", err.msg);
                e.weight = malloc(e.count * sizeof *e.weight);
                for (uint64_t i = 0; i < e.count; i++)
                    e.weight[i] = (double)((e.src[i] * 31 + e.dst[i] * 17 + i) % 1000);
            } else {
                random_edges(&e, 50000, 200000, shape, true, 23 + shape);
            }
            sf_graph *g[3];
            for (int t = 1; t <= 3; t++) {
                omp_set_num_threads(t);
                g[t - 1] = build_ok(&e, undirected);
            }
            omp_set_num_threads(omp_get_num_procs());
            if (shape != IDS_DENSE)
                expect_reference(&e, undirected, g[0]);
            for (int t = 1; t < 3; t++)
                expect_identical(g[0], g[t]);
            for (int t = 0; t < 3; t++)
                sf_graph_destroy(&g[t]);
            sf_edge_list_fini(&e);
        }
}

/* A narrow copy (32-bit ids, engine/edge_list.h) of a list whose ids fit. */
static void narrow_copy(const sf_edge_list *e, sf_edge_list *n)
{
    sf_edge_list_init(n);
    n->narrow = true;
    cr_assert_eq(sf_edge_list_reserve(n, e->count ? e->count : 1, e->weight != NULL), 0);
    for (uint64_t i = 0; i < e->count; i++) {
        cr_assert_eq((e->src[i] | e->dst[i]) >> 32, 0);
        n->src32[i] = (uint32_t)e->src[i];
        n->dst32[i] = (uint32_t)e->dst[i];
        if (e->weight)
            n->weight[i] = e->weight[i];
    }
    n->count = e->count;
    n->dense_vertices = e->dense_vertices;
}

/* A narrow list given up to the builder (release_edges) had its pages
 * given back as the scatter read them: they read as zeros now, most arcs
 * (0, 0). */
static void expect_given_back(const sf_edge_list *n)
{
    uint64_t zeros = 0;
    for (uint64_t i = 0; i < n->count; i++)
        zeros += n->src32[i] == 0 && n->dst32[i] == 0;
    cr_assert_gt(zeros, n->count / 2, "%" PRIu64 " of %" PRIu64, zeros, n->count);
}

/* The narrow form of a list builds the byte-identical graph, on the dense
 * path (ids dense already, as generators give them), the compact one (an
 * id map) and the sparse one (ids spread below 2^32: the hashed index), in
 * both id orders, at 1 and 3 threads; so does a list the builder may give
 * back as it reads it. */
Test(graph, narrow_list_builds_the_same_graph)
{
    for (int shape = 0; shape < 3; shape++)
        for (int undirected = 0; undirected < 2; undirected++)
            for (int order = 0; order < 2; order++)
                for (int t = 1; t <= 3; t += 2) {
                    sf_edge_list e, n;
                    bool sparse = shape == 2;
                    random_edges(&e, 20000, 120000, shape == 0 ? IDS_DENSE : IDS_COMPACT,
                                 (undirected + order) % 2, 5 + shape);
                    if (sparse)
                        for (uint64_t i = 0; i < e.count; i++) {
                            /* odd multiplier mod 2^32: distinct ids stay distinct */
                            e.src[i] = (uint32_t)(e.src[i] * 2654435761u);
                            e.dst[i] = (uint32_t)(e.dst[i] * 2654435761u);
                        }
                    narrow_copy(&e, &n);
                    omp_set_num_threads(t);
                    sf_build_options opt = {.undirected = undirected, .original_order = !order};
                    sf_graph *wide = NULL, *narrow = NULL;
                    sf_error err;
                    cr_assert_eq(sf_graph_build(&e, &opt, "wide", &wide, &err), 0, "%s", err.msg);
                    cr_assert_eq(sf_graph_build(&n, &opt, "narrow", &narrow, &err), 0, "%s",
                                 err.msg);
                    cr_assert_gt(wide->num_arcs, 0);
                    expect_identical(wide, narrow);
                    if (order)
                        cr_assert_eq(memcmp(wide->by_original, narrow->by_original,
                                            wide->num_vertices * sizeof(sf_vid)), 0);
                    /* a list given up to the builder (release_edges) builds the
                     * same graph, and its pages were given back: zeros */
                    sf_graph *released = NULL;
                    opt.release_edges = true;
                    cr_assert_eq(sf_graph_build(&n, &opt, "released", &released, &err), 0, "%s",
                                 err.msg);
                    expect_identical(wide, released);
                    expect_given_back(&n);
                    sf_graph_destroy(&released);
                    sf_graph_destroy(&wide);
                    sf_graph_destroy(&narrow);
                    sf_edge_list_fini(&e);
                    sf_edge_list_fini(&n);
                }
    omp_set_num_threads(omp_get_num_procs());
}

/* A list long enough that each thread's slice of a releasing scatter runs
 * more steps (of 2^19 items) than the 4 made resident ahead, even at 2
 * threads, so the slots are made resident ahead of the stores in parts of
 * each bucket (fault_slots_ahead), builds the graph the list builds when
 * kept, weighted or not, in either direction, at 1 and 2 threads (which cut
 * the buckets apart differently), and its pages were given back. In the skewed
 * shape (one thread, 9 steps: more than the 4 made resident ahead) the
 * sources ascend and ids keep their order, so each step fills a few
 * buckets far beyond their share: the stores overtake the slots made
 * resident ahead, and making a page resident must not change what the
 * stores already put there. */
Test(graph, released_scatter_over_many_steps_builds_the_same_graph)
{
    for (int skewed = 0; skewed < 2; skewed++)
        for (int weighted = 0; weighted < 2; weighted++)
            for (int undirected = 0; undirected < 2; undirected++)
                for (int t = 1; t <= 2 - skewed; t++) {
                    sf_edge_list e, n;
                    random_edges(&e, 300000, 4700000, IDS_COMPACT, weighted, 41 + weighted);
                    if (skewed)
                        qsort(e.src, e.count, sizeof *e.src, compare_u64);
                    narrow_copy(&e, &n);
                    omp_set_num_threads(t);
                    sf_build_options opt = {.undirected = undirected, .original_order = skewed};
                    sf_graph *kept = NULL, *released = NULL;
                    sf_error err;
                    cr_assert_eq(sf_graph_build(&e, &opt, "kept", &kept, &err), 0, "%s",
                                 err.msg);
                    opt.release_edges = true;
                    cr_assert_eq(sf_graph_build(&n, &opt, "released", &released, &err), 0, "%s",
                                 err.msg);
                    cr_assert_gt(kept->num_arcs, 1000000);
                    expect_identical(kept, released);
                    expect_given_back(&n);
                    sf_graph_destroy(&kept);
                    sf_graph_destroy(&released);
                    sf_edge_list_fini(&e);
                    sf_edge_list_fini(&n);
                }
    omp_set_num_threads(omp_get_num_procs());
}

/* Degree order: the same graph up to renaming (every arc, by original ids,
 * in both builds), dense ids by non-increasing degree with ties in original
 * order, and every original id found again. */
Test(graph, degree_order_renames_the_same_graph)
{
    for (int undirected = 0; undirected < 2; undirected++) {
        sf_edge_list e;
        sf_edge_list_init(&e);
        sf_error err;
        cr_assert_eq(sf_generate("kron:11:8", 9, &e, &err), 0);
        for (uint64_t i = 0; i < e.count; i++) { /* sparse 64-bit ids, another path */
            e.src[i] = e.src[i] * 0x9e3779b97f4a7c15ull + 1;
            e.dst[i] = e.dst[i] * 0x9e3779b97f4a7c15ull + 1;
        }
        e.dense_vertices = 0;
        sf_build_options plain = {.undirected = undirected, .original_order = true};
        sf_build_options ordered = {.undirected = undirected};
        sf_graph *a = NULL, *b = NULL;
        cr_assert_eq(sf_graph_build(&e, &plain, "t", &a, &err), 0);
        cr_assert_eq(sf_graph_build(&e, &ordered, "t", &b, &err), 0);
        cr_assert_eq(a->num_vertices, b->num_vertices);
        cr_assert_eq(a->num_arcs, b->num_arcs);
        for (sf_vid v = 0; v < a->num_vertices; v++) {
            uint64_t id = sf_graph_original_id(a, v);
            sf_vid w = sf_graph_find_vertex(b, id);
            cr_assert_neq(w, SF_VID_NONE);
            cr_assert_eq(sf_graph_original_id(b, w), id);
            cr_assert_eq(sf_graph_by_original(b, v), w, "rank %u", v);
            cr_assert_eq(sf_out_degree(a, v), sf_out_degree(b, w));
            for (sf_eid k = 0; k < sf_out_degree(a, v); k++) {
                uint64_t target = sf_graph_original_id(a, a->out_neighbors[a->out_offsets[v] + k]);
                sf_vid t = sf_graph_find_vertex(b, target);
                bool found = false;
                for (sf_eid j = b->out_offsets[w]; j < b->out_offsets[w + 1] && !found; j++)
                    found = b->out_neighbors[j] == t;
                cr_assert(found, "arc %llu -> %llu lost", (unsigned long long)id,
                          (unsigned long long)target);
            }
        }
        sf_graph_destroy(&a);
        sf_graph_destroy(&b);
        sf_edge_list_fini(&e);
    }
}

Test(graph, degree_order_puts_hubs_first)
{
    /* a simple input (no duplicates, no self-loops): degree = arcs at v */
    const uint64_t arcs[][2] = {{50, 10}, {50, 20}, {50, 30}, {20, 30}, {40, 10}, {60, 70}};
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
        sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0);
    sf_build_options ordered = {.undirected = true};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &ordered, "t", &g, &err), 0);
    /* degrees: 50:3, 10:2, 20:2, 30:2, 40:1, 60:1, 70:1 */
    const uint64_t expected[] = {50, 10, 20, 30, 40, 60, 70};
    for (sf_vid v = 0; v < 7; v++)
        cr_assert_eq(sf_graph_original_id(g, v), expected[v], "dense %u is %llu", v,
                     (unsigned long long)sf_graph_original_id(g, v));
    for (sf_vid v = 0; v < 7; v++) {
        sf_eid previous = v ? sf_out_degree(g, v - 1) : ~0ull;
        cr_assert_leq(sf_out_degree(g, v), previous);
        for (sf_eid e2 = g->out_offsets[v] + 1; e2 < g->out_offsets[v + 1]; e2++)
            cr_assert_lt(g->out_neighbors[e2 - 1], g->out_neighbors[e2], "rows stay sorted");
    }
    cr_assert_eq(sf_graph_find_vertex(g, 70), 6);
    cr_assert_eq(sf_graph_find_vertex(g, 71), SF_VID_NONE);
    sf_graph_destroy(&g);
    sf_edge_list_fini(&e);
}

/* The degree order worked out from the input edges alone, by the rule
 * engine/order.h and the builder's counting state (README: hubs first): a
 * vertex's degree is the number of endpoints it is among the list's edges
 * that are not self-loops, repeats counted each time, sources and targets
 * alike, directed or not; dense ids go by descending degree, ties by
 * ascending original id; vertices of no edge (degree 0) last. Returns the
 * original ids in that order (n of them, the caller frees). e is wide. */
typedef struct ranked_id {
    uint64_t id, degree;
} ranked_id;

static int by_id(const void *a, const void *b)
{
    const ranked_id *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_degree_then_id(const void *a, const void *b)
{
    const ranked_id *x = a, *y = b;
    if (x->degree != y->degree)
        return x->degree > y->degree ? -1 : 1;
    return by_id(a, b);
}

static uint64_t *reference_degree_order(const sf_edge_list *e, uint64_t *n)
{
    cr_assert(!e->narrow);
    uint64_t count = 0;
    ranked_id *v = malloc((2 * e->count + e->num_vertex_ids + e->dense_vertices + 1) * sizeof *v);
    for (uint64_t i = 0; i < e->dense_vertices; i++)
        v[count++] = (ranked_id){i, 0};
    for (uint64_t i = 0; i < e->count; i++) {
        v[count++] = (ranked_id){e->src[i], 0};
        v[count++] = (ranked_id){e->dst[i], 0};
    }
    for (uint64_t i = 0; i < e->num_vertex_ids; i++)
        v[count++] = (ranked_id){e->vertex_ids[i], 0};
    qsort(v, count, sizeof *v, by_id);
    uint64_t distinct = 0;
    for (uint64_t i = 0; i < count; i++)
        if (distinct == 0 || v[distinct - 1].id != v[i].id)
            v[distinct++] = v[i];
    for (uint64_t i = 0; i < e->count; i++) {
        if (e->src[i] == e->dst[i])
            continue;
        const uint64_t ends[2] = {e->src[i], e->dst[i]};
        for (int k = 0; k < 2; k++) {
            ranked_id key = {ends[k], 0};
            ranked_id *at = bsearch(&key, v, distinct, sizeof *v, by_id);
            cr_assert_not_null(at);
            at->degree++;
        }
    }
    qsort(v, distinct, sizeof *v, by_degree_then_id);
    uint64_t *order = malloc((distinct + 1) * sizeof *order);
    for (uint64_t i = 0; i < distinct; i++)
        order[i] = v[i].id;
    free(v);
    *n = distinct;
    return order;
}

/* Builds `list` (e itself, or its narrow copy) in degree order and expects
 * dense id v to be order[v] for every v. */
static void expect_degree_order(const sf_edge_list *list, bool undirected, const uint64_t *order,
                                uint64_t n, const char *what)
{
    sf_build_options opt = {.undirected = undirected};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(list, &opt, "t", &g, &err), 0, "%s", err.msg);
    cr_assert_eq(g->num_vertices, n, "%s", what);
    for (sf_vid v = 0; v < n; v++)
        cr_assert_eq(sf_graph_original_id(g, v), order[v],
                     "%s: dense id %u is vertex %llu, expected %llu", what, v,
                     (unsigned long long)sf_graph_original_id(g, v),
                     (unsigned long long)order[v]);
    sf_graph_destroy(&g);
}

/* Dense ids follow the reference order above on lists with self-loops and
 * repeated edges: a table whose order changes if loops were counted, if
 * only sources (or only targets) were, if repeats were counted once or if
 * ties went the other way; then random lists on ids that are dense already
 * (generators, .bin: count_dense), compact (an id map) and sparse (a
 * hashed index), directed and undirected, wide and narrow, at 1 to 3
 * threads, with few ids beside the edges (private counting tables) and
 * many (atomic counts). */
Test(graph, degree_order_counts_the_input_as_the_rule_says)
{
    /* degrees 0: 3 (in); 1: 2 (one in, one out); 2: 2 (out); 3: 1 (out, and
     * two loops); 4: 1 (out, and three loops); 5: 3 (in, two of them the
     * repeated 6 -> 5); 6: 2 (out); 7: 0 (a loop alone); 8: in no edge */
    const uint64_t arcs[][2] = {{3, 3}, {1, 0}, {4, 4}, {2, 0}, {6, 5}, {3, 0}, {4, 5},
                                {7, 7}, {4, 4}, {2, 1}, {6, 5}, {3, 3}, {4, 4}};
    const uint64_t expected[] = {0, 5, 1, 2, 6, 3, 4, 7, 8};
    sf_edge_list table;
    sf_edge_list_init(&table);
    for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
        cr_assert_eq(sf_edge_list_push(&table, arcs[i][0], arcs[i][1], 0), 0);
    table.dense_vertices = 9;
    uint64_t n;
    uint64_t *order = reference_degree_order(&table, &n);
    cr_assert_eq(n, 9);
    for (uint64_t v = 0; v < n; v++)
        cr_assert_eq(order[v], expected[v], "the reference's order at %llu", (unsigned long long)v);
    free(order);
    for (int undirected = 0; undirected < 2; undirected++) {
        sf_edge_list narrow;
        narrow_copy(&table, &narrow);
        expect_degree_order(&table, undirected, expected, 9, "the table");
        expect_degree_order(&narrow, undirected, expected, 9, "the table, narrow");
        sf_edge_list_fini(&narrow);
    }
    sf_edge_list_fini(&table);

    /* hubs of 4096 edges or more (engine/order.c sorts them apart): 2 joined
     * to 5000 others, 1 and 3 to 4200 each (a tie), 4 to 4100 */
    sf_edge_list hubs;
    sf_edge_list_init(&hubs);
    const uint64_t hub_edges[][2] = {{2, 5000}, {3, 4200}, {1, 4200}, {4, 4100}};
    for (size_t h = 0; h < 4; h++)
        for (uint64_t leaf = 10; leaf < 10 + hub_edges[h][1]; leaf++)
            cr_assert_eq(sf_edge_list_push(&hubs, hub_edges[h][0], leaf + h, 0), 0);
    hubs.dense_vertices = 5100;
    order = reference_degree_order(&hubs, &n);
    cr_assert(order[0] == 2 && order[1] == 1 && order[2] == 3 && order[3] == 4);
    for (int undirected = 0; undirected < 2; undirected++)
        expect_degree_order(&hubs, undirected, order, n, "hubs");
    free(order);
    sf_edge_list_fini(&hubs);

    const struct {
        uint64_t n, m;
    } sizes[] = {{300, 8000}, {20000, 8000}};
    for (size_t s = 0; s < 2; s++)
        for (int shape = IDS_DENSE; shape <= IDS_SPARSE; shape++) {
            sf_edge_list e, narrow;
            random_edges(&e, sizes[s].n, sizes[s].m, shape, false, 91 + 3 * s + (uint64_t)shape);
            order = reference_degree_order(&e, &n);
            if (shape != IDS_SPARSE)
                narrow_copy(&e, &narrow);
            for (int t = 1; t <= 3; t++) {
                omp_set_num_threads(t);
                for (int undirected = 0; undirected < 2; undirected++) {
                    char what[96];
                    snprintf(what, sizeof what, "%llu ids, shape %d, %d threads, %s",
                             (unsigned long long)sizes[s].n, shape, t,
                             undirected ? "undirected" : "directed");
                    expect_degree_order(&e, undirected, order, n, what);
                    if (shape != IDS_SPARSE)
                        expect_degree_order(&narrow, undirected, order, n, what);
                }
            }
            omp_set_num_threads(omp_get_num_procs());
            if (shape != IDS_SPARSE)
                sf_edge_list_fini(&narrow);
            free(order);
            sf_edge_list_fini(&e);
        }
}

/* e's arcs in both directions, with its weights and vertex set: a list
 * whose directed build must have the out-rows of e's undirected one. */
static void both_directions(const sf_edge_list *e, sf_edge_list *both)
{
    sf_edge_list_init(both);
    cr_assert_eq(sf_edge_list_reserve(both, 2 * e->count + 1, e->weight != NULL), 0);
    for (uint64_t i = 0; i < e->count; i++) {
        double w = e->weight ? e->weight[i] : 0;
        cr_assert_eq(sf_edge_list_push(both, e->src[i], e->dst[i], w), 0);
        cr_assert_eq(sf_edge_list_push(both, e->dst[i], e->src[i], w), 0);
    }
    both->dense_vertices = e->dense_vertices;
    if (e->num_vertex_ids) {
        both->vertex_ids = malloc(e->num_vertex_ids * sizeof *both->vertex_ids);
        memcpy(both->vertex_ids, e->vertex_ids, e->num_vertex_ids * sizeof *e->vertex_ids);
        both->num_vertex_ids = e->num_vertex_ids;
    }
}

/* Builds e undirected and `both` (both_directions of e, or of e's wide
 * form) directed, both in degree order, and expects the same out-rows byte
 * for byte: offsets, neighbours, weights, the degree order, and the dropped
 * counts twice over. Returns the undirected graph (the caller's). */
static sf_graph *build_both_ways(const sf_edge_list *e, const sf_edge_list *both)
{
    sf_build_options undirected = {.undirected = true}, directed = {0};
    sf_graph *u = NULL, *d = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(e, &undirected, "u", &u, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_graph_build(both, &directed, "d", &d, &err), 0, "%s", err.msg);
    cr_assert_eq(u->num_vertices, d->num_vertices);
    cr_assert_eq(u->num_arcs, d->num_arcs);
    uint64_t n1 = u->num_vertices + 1ull;
    cr_assert_eq(memcmp(u->out_offsets, d->out_offsets, n1 * sizeof(sf_eid)), 0);
    cr_assert_eq(memcmp(u->out_neighbors, d->out_neighbors, u->num_arcs * sizeof(sf_vid)), 0);
    cr_assert_eq(!u->out_weights, !d->out_weights);
    if (u->out_weights)
        cr_assert_eq(memcmp(u->out_weights, d->out_weights, u->num_arcs * sizeof(double)), 0);
    cr_assert_eq(memcmp(u->by_original, d->by_original, u->num_vertices * sizeof(sf_vid)), 0);
    cr_assert_eq(2 * u->dropped_self_loops, d->dropped_self_loops);
    cr_assert_eq(2 * u->dropped_duplicates, d->dropped_duplicates);
    sf_graph_destroy(&d);
    return u;
}

/* An undirected build with degree order on compact ids takes its partition
 * counts from the relabelling's per-slice endpoint counts; a directed build
 * of the list and its reversal counts by a pass over the arcs. Both give
 * the same out-rows byte for byte, at 1 to 3 threads, wide and narrow, with
 * the relabelling's private counting (many edges per id) and its atomic one
 * (few), where the undirected build falls back to the pass. */
Test(graph, counts_from_the_relabelling_give_the_same_rows)
{
    const struct {
        uint64_t n, m;
    } sizes[] = {{2000, 120000}, {100000, 30000}};
    for (size_t m = 0; m < 2; m++)
        for (int narrow = 0; narrow < 2; narrow++)
            for (int t = 1; t <= 3; t++) {
                sf_edge_list e, both, n;
                random_edges(&e, sizes[m].n, sizes[m].m, IDS_COMPACT, t != 2, 41 + m);
                both_directions(&e, &both);
                if (narrow) {
                    narrow_copy(&e, &n);
                    sf_edge_list_fini(&e);
                    e = n;
                }
                omp_set_num_threads(t);
                sf_graph *u = build_both_ways(&e, &both);
                cr_assert_gt(u->num_arcs, 0);
                cr_assert_gt(u->dropped_self_loops, 0);
                sf_graph_destroy(&u);
                sf_edge_list_fini(&e);
                sf_edge_list_fini(&both);
            }
    omp_set_num_threads(omp_get_num_procs());
}

/* An undirected build with degree order gives each bucket a run of keys
 * holding about a bucket's arcs, in spaced ids (engine/graph.c): hubs of
 * 150000 and 70000 arcs alone in theirs (the first over the size at which a
 * bucket is cut apart to sort), medium hubs a few to a bucket, the rest
 * full blocks, isolated vertices last. Its rows, weights (the smallest of
 * repeats) and dropped counts are byte for byte those of the directed build
 * of both directions, which partitions dense ids in plain blocks, at 1 to 3
 * threads. */
Test(graph, spaced_ids_for_hubs_give_the_same_rows)
{
    const uint64_t n = 60000;
    sf_edge_list e, both;
    sf_edge_list_init(&e);
    cr_assert_eq(sf_edge_list_reserve(&e, 560000, true), 0);
    uint64_t state = 2024;
    struct {
        uint64_t hub, arcs;
    } hubs[] = {{17, 150000}, {n / 2, 70000}};
    for (size_t h = 0; h < 2; h++)
        for (uint64_t i = 0; i < hubs[h].arcs; i++) {
            uint64_t r = next_random(&state);
            uint64_t other = i < n ? (i * 7919) % n : r % n; /* every vertex, then repeats */
            cr_assert_eq(sf_edge_list_push(&e, 3 * hubs[h].hub + 7, 3 * other + 7,
                                           (double)(r % 1000) / 8), 0);
        }
    for (uint64_t m = 0; m < 60; m++) /* medium hubs */
        for (uint64_t i = 0; i < 1500 + 100 * m; i++) {
            uint64_t r = next_random(&state);
            cr_assert_eq(sf_edge_list_push(&e, 3 * (100 + m * 131) + 7, 3 * (r % n) + 7,
                                           (double)(r % 77)), 0);
        }
    for (uint64_t i = 0; i < 200000; i++) { /* light vertices, a few loops */
        uint64_t r = next_random(&state);
        uint64_t u = r % n, v = (r >> 32) % n;
        if ((r & 0xfff) == 0)
            v = u;
        cr_assert_eq(sf_edge_list_push(&e, 3 * u + 7, 3 * v + 7, (double)((r >> 20) % 50)), 0);
    }
    e.vertex_ids = malloc(500 * sizeof *e.vertex_ids); /* isolated, after every other id */
    for (uint64_t i = 0; i < 500; i++)
        e.vertex_ids[i] = 3 * (n + i) + 8;
    e.num_vertex_ids = 500;
    both_directions(&e, &both);
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        sf_graph *u = build_both_ways(&e, &both);
        cr_assert_eq(u->num_vertices, n + 500);
        cr_assert_eq(sf_out_degree(u, 0), n - 1, "the biggest hub, dense id 0, joins every other");
        cr_assert(u->out_weights);
        for (sf_vid v = 0; v < u->num_vertices; v++)
            for (sf_eid a = u->out_offsets[v] + 1; a < u->out_offsets[v + 1]; a++)
                cr_assert_lt(u->out_neighbors[a - 1], u->out_neighbors[a], "row %u", v);
        sf_graph_destroy(&u);
    }
    omp_set_num_threads(omp_get_num_procs());
    sf_edge_list_fini(&e);
    sf_edge_list_fini(&both);
}

/* Where spaced ids would need one more bit than the packed slot has (2^23
 * vertices, all with arcs: 23 bits of id beside 9 of index), the build
 * partitions dense ids in plain blocks instead; the rows are still those of
 * the directed build of both directions. */
Test(graph, spacing_that_would_overflow_the_packed_slot_falls_back)
{
    const uint64_t n = (uint64_t)1 << 23, pairs = n / 2, spokes = 100000;
    sf_edge_list e, both;
    sf_edge_list_init(&e);
    cr_assert_eq(sf_edge_list_reserve(&e, pairs + spokes, false), 0);
    uint64_t state = 5;
    for (uint64_t i = 0; i < pairs + spokes; i++) {
        uint64_t u = 2 * i, v = 2 * i + 1; /* every vertex gets an arc */
        if (i >= pairs) { /* and vertex 0 is a hub */
            u = 0;
            v = 2 + next_random(&state) % (n - 2);
        }
        cr_assert_eq(sf_edge_list_push(&e, u, v, 0), 0);
    }
    e.dense_vertices = n;
    both_directions(&e, &both);
    sf_graph *u = build_both_ways(&e, &both);
    cr_assert_eq(u->num_vertices, n);
    cr_assert_gt(sf_out_degree(u, 0), spokes - 1000, "the hub first");
    sf_graph_destroy(&u);
    sf_edge_list_fini(&e);
    sf_edge_list_fini(&both);
}
