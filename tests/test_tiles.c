/* The tiled in-arcs (engine/tiles.h) and the PageRank that streams them:
 * every in-arc sits exactly once in its destination's shard, inside a tile
 * whose 2^16 x 2^16 bounds hold it, in the order of the global Hilbert curve
 * (checked against the bitwise textbook encoder), or, undirected, as an edge
 * inside the shard kept once in a `both` tile; the engine keeps one layout
 * per attached graph; PR over tiles matches the reference, gives the same
 * bits at every thread count for a shard count, and directed, at every
 * shard count. */
#include <math.h>

#include "engine/tiles.h"
#include "operators/kernels.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
/* 97 shards on kron:12's 4096 vertices leaves some shards empty */
static const struct config configs[] = {{1, 0}, {1, 1}, {1, 7}, {2, 0}, {2, 97},
                                        {3, 0}, {3, 29}, {2, 1}, {3, 7}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* Wikipedia's xy2d over a 2^32 x 2^32 grid: slow and obviously the curve. */
static uint64_t hilbert_index(uint64_t x, uint64_t y)
{
    const uint64_t n = UINT64_C(1) << 32;
    uint64_t d = 0;
    for (uint64_t s = n / 2; s > 0; s /= 2) {
        uint64_t rx = (x & s) > 0, ry = (y & s) > 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            uint64_t t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

/* Position of arc src -> dst in the CSR (rows ascending), or -1. */
static int64_t csr_position(const sf_graph *g, sf_vid dst, sf_vid src)
{
    sf_eid lo = g->in_offsets[dst], hi = g->in_offsets[dst + 1];
    while (lo < hi) {
        sf_eid mid = lo + (hi - lo) / 2;
        if (g->in_neighbors[mid] < src)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->in_offsets[dst + 1] && g->in_neighbors[lo] == src ? (int64_t)lo : -1;
}

/* Marks in-arc src -> dst's place in the shard's CSR range from `first`;
 * fails if it is not in the graph or already marked. */
static void mark_arc(const sf_graph *g, bool *seen, uint64_t first, uint64_t src, uint64_t dst,
                     const char *what)
{
    int64_t at_csr = csr_position(g, (sf_vid)dst, (sf_vid)src);
    /* plain ifs: Criterion reports every assertion, passed or not */
    if (at_csr < 0 || seen[at_csr - first])
        cr_assert_fail("%s: arc %lu -> %lu %s", what, src, dst,
                       at_csr < 0 ? "is not in the graph" : "appears twice");
    seen[at_csr - first] = true;
}

/* The layout of e's graph against its CSR, shard by shard. */
static void check_layout(const sf_graph *g, sf_engine *e, const char *what)
{
    const sf_tiled_arcs *t = sf_engine_tiled_in_arcs(e);
    cr_assert_not_null(t, "%s: layout", what);
    cr_assert_eq(t->num_arcs, g->num_arcs);
    cr_assert_eq(t->num_shards, sf_engine_num_shards(e));
    cr_assert_eq(t->symmetric, !g->directed, "%s: symmetric iff undirected", what);
    cr_assert_geq(t->build_s, 0.0);
    uint64_t tiles = 0, stored = 0, both_arcs = 0;
    for (int i = 0; i < t->num_shards; i++) {
        const sf_shard *s = sf_engine_shard(e, i);
        const sf_tiled_shard *ts = &t->shards[i];
        uint64_t first = g->in_offsets[s->begin], last = g->in_offsets[s->end];
        /* each arc marks its place in the CSR (an edge of a `both` tile its
         * two places): no place marked twice, and every place marked at the
         * end, is every in-arc exactly once */
        bool *seen = calloc(last - first + 1, sizeof *seen);
        /* tiles follow one another from the shard's first CSR place; the
         * arcs along the curve, but the in-arcs of a square restart it
         * after its `both` tile */
        uint64_t at = first, previous = 0, previous_tile = 0;
        bool previous_both = false;
        for (uint64_t k = 0; k < ts->num_tiles; k++) {
            const sf_tile *tile = &ts->tiles[k];
            cr_assert_eq(tile->begin, at, "%s: shard %d tile %lu starts at %lu, expected %lu",
                         what, i, k, tile->begin, at);
            cr_assert_gt(tile->end, tile->begin, "%s: empty tile", what);
            cr_assert_eq(tile->src_base & SF_TILE_MASK, 0);
            cr_assert_eq(tile->dst_base & SF_TILE_MASK, 0);
            cr_assert(t->symmetric || !tile->both, "%s: `both` tile in a directed layout", what);
            uint64_t square = hilbert_index(tile->src_base, tile->dst_base) >> 32;
            if (k > 0 && !(square > previous_tile ||
                           (square == previous_tile && previous_both && !tile->both)))
                cr_assert_fail("%s: shard %d tile %lu out of curve order", what, i, k);
            for (uint64_t a = tile->begin; a < tile->end; a++) {
                uint64_t src = tile->src_base + (t->arcs[a] & SF_TILE_MASK);
                uint64_t dst = tile->dst_base + (t->arcs[a] >> SF_TILE_BITS);
                if (dst < s->begin || dst >= s->end || src >= g->num_vertices)
                    cr_assert_fail("%s: arc %lu -> %lu in shard [%u, %u)", what, src, dst,
                                   s->begin, s->end);
                bool inner = src >= s->begin && src < s->end;
                if (t->symmetric && tile->both != inner)
                    cr_assert_fail("%s: arc %lu -> %lu %s a `both` tile", what, src, dst,
                                   inner ? "inside the shard outside" : "from outside in");
                if (tile->both && !(src < dst))
                    cr_assert_fail("%s: edge %lu -> %lu kept with src > dst", what, src, dst);
                uint64_t index = hilbert_index(src, dst);
                if (a != tile->begin && index <= previous)
                    cr_assert_fail("%s: shard %d arc %lu (%lu -> %lu) out of curve order", what,
                                   i, a, src, dst);
                previous = index;
                mark_arc(g, seen, first, src, dst, what);
                if (tile->both) {
                    mark_arc(g, seen, first, dst, src, what);
                    both_arcs++;
                }
            }
            at = tile->end;
            previous_tile = square;
            previous_both = tile->both;
        }
        cr_assert_leq(at, last, "%s: shard %d tiles end at %lu, past %lu", what, i, at, last);
        for (uint64_t a = 0; a < last - first; a++)
            if (!seen[a])
                cr_assert_fail("%s: shard %d: in-arc at %lu missing", what, i, first + a);
        free(seen);
        tiles += ts->num_tiles;
        stored += at - first;
    }
    cr_assert_eq(tiles, t->num_tiles);
    cr_assert_eq(stored, t->stored_arcs);
    cr_assert_eq(stored + both_arcs, g->num_arcs, "%s: arcs stored once or as edges", what);
    if (t->symmetric && t->num_shards == 1)
        cr_assert_eq(stored, g->num_arcs / 2, "%s: one shard keeps every edge once", what);
}

Test(tiles, every_in_arc_once_in_its_shard_in_curve_order)
{
    /* kron:17:4: 2^17 vertices, so 2 x 2 tiles, and shards with two tile rows */
    static const char *graphs[] = {"kron:12", "kron:17:4"};
    for (int gi = 0; gi < 2; gi++)
        for (int undirected = 0; undirected < 2; undirected++) {
            sf_graph *g = graph_generated(graphs[gi], 5, undirected);
            /* the large graph on a few of the configurations */
            for (size_t c = gi; c < NCONFIGS; c += 1 + 2 * gi) {
                sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
                char what[96];
                snprintf(what, sizeof what, "%s %s, %d threads, %d shards", graphs[gi],
                         undirected ? "undirected" : "directed", configs[c].threads,
                         configs[c].shards);
                check_layout(g, e, what);
                sf_engine_destroy(&e);
            }
            sf_graph_destroy(&g);
        }
}

Test(tiles, sparse_ids_far_apart)
{
    /* original ids are relabelled densely: a few hundred thousand vertices,
     * arcs between far tiles, a vertex with arcs into itself's tile only */
    enum { N = 300000 };
    sf_edge_list list;
    sf_edge_list_init(&list);
    for (uint64_t v = 0; v < N; v++) {
        cr_assert_eq(sf_edge_list_push(&list, v, (v * 7919 + 13) % N, 0), 0);
        cr_assert_eq(sf_edge_list_push(&list, v, N - 1 - v, 0), 0);
    }
    sf_build_options opt = {.undirected = false};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&list, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&list);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        check_layout(g, e, "sparse");
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}

Test(tiles, cached_per_attached_graph)
{
    sf_graph *a = graph_generated("kron:10", 1, true);
    sf_graph *b = graph_generated("kron:11", 1, false);
    sf_engine *e = engine_for(a, 2, 0);
    const sf_tiled_arcs *t = sf_engine_tiled_in_arcs(e);
    cr_assert_not_null(t);
    cr_assert_eq(sf_engine_tiled_in_arcs(e), t, "built once");
    cr_assert_eq(t->num_arcs, a->num_arcs);
    sf_error err;
    cr_assert_eq(sf_engine_attach(e, b, &err), 0, "%s", err.msg);
    check_layout(b, e, "after attaching another graph");
    sf_engine_destroy(&e);
    sf_graph_destroy(&a);
    sf_graph_destroy(&b);
}

/* PR over tiles: within 1e-9 of the reference; the same bits as every
 * earlier configuration with as many shards (another thread count), and
 * directed, as every configuration. */
static void check_pr(const char *spec, bool undirected)
{
    setenv("SF_PR_LAYOUT", "tiled", 1);
    sf_graph *g = graph_generated(spec, 7, undirected);
    sf_vid n = g->num_vertices;
    double *expected = malloc(n * sizeof *expected), *ranks[NCONFIGS];
    int shards[NCONFIGS];
    cr_assert_eq(sf_reference_pr(g, 20, 0.85, expected), 0);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        sf_iteration_log log = {0};
        double *out = ranks[c] = malloc(n * sizeof *out);
        shards[c] = sf_engine_num_shards(e);
        cr_assert_eq(sf_pr(e, 20, 0.85, out, &log), 0);
        cr_assert_eq(log.count, 20);
        for (sf_vid v = 0; v < n; v++)
            if (!(fabs(out[v] - expected[v]) <= 1e-9 * fabs(expected[v])))
                cr_assert_fail("%s at %d threads, %d shards: vertex %u: %.17g vs %.17g", spec,
                               configs[c].threads, configs[c].shards, v, out[v], expected[v]);
        for (size_t before = 0; before < c; before++)
            if (!undirected || shards[before] == shards[c])
                cr_assert_eq(memcmp(out, ranks[before], n * sizeof *out), 0,
                             "%s: %d threads, %d shards differ in bits from %d threads, %d "
                             "shards", spec, configs[c].threads, shards[c],
                             configs[before].threads, shards[before]);
        sf_iteration_log_fini(&log);
        sf_engine_destroy(&e);
    }
    for (size_t c = 0; c < NCONFIGS; c++)
        free(ranks[c]);
    free(expected);
    sf_graph_destroy(&g);
}

Test(tiles, pr_matches_reference_same_bits_directed)
{
    check_pr("kron:12", false);
    check_pr("kron:17:4", false);
}

Test(tiles, pr_matches_reference_same_bits_undirected)
{
    check_pr("kron:12", true);
    check_pr("kron:17:4", true);
}

Test(tiles, pr_layouts_agree)
{
    sf_graph *g = graph_generated("kron:13", 3, false);
    sf_vid n = g->num_vertices;
    double *tiled = malloc(n * sizeof *tiled), *csr = malloc(n * sizeof *csr);
    sf_engine *e = engine_for(g, 2, 0);
    setenv("SF_PR_LAYOUT", "tiled", 1);
    cr_assert_eq(sf_pr(e, 20, 0.85, tiled, NULL), 0);
    setenv("SF_PR_LAYOUT", "csr", 1);
    cr_assert_eq(sf_pr(e, 20, 0.85, csr, NULL), 0);
    for (sf_vid v = 0; v < n; v++)
        if (!(fabs(tiled[v] - csr[v]) <= 1e-12 * fabs(csr[v])))
            cr_assert_fail("vertex %u: %.17g vs %.17g", v, tiled[v], csr[v]);
    sf_engine_destroy(&e);
    free(tiled);
    free(csr);
    sf_graph_destroy(&g);
}
