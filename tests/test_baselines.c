/* Tests of the single-threaded baselines (bench/baseline_*): PageRank in
 * both layouts and WCC in both algorithms against slow, obviously-correct
 * references kept here, on hand-made graphs (dangling and isolated
 * vertices, directed arcs that only connect weakly) and on seeded random
 * graphs, small ones and ones large enough to span several 2^16 tiles. The
 * graphs are built by a small helper here, independent of engine/graph.c. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/baseline_pr.h"
#include "bench/baseline_wcc.h"

/* ---- graphs from arrays of pairs ---------------------------------------- */

typedef struct pair {
    sf_vid u, v;
} pair;

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* CSR of sorted, deduplicated pairs (count already sorted/unique). */
static void csr_of(const pair *p, uint64_t count, sf_vid n, sf_eid **off,
                   sf_vid **nbr)
{
    *off = calloc((size_t)n + 1, sizeof **off);
    *nbr = malloc((count ? count : 1) * sizeof **nbr);
    cr_assert(*off && *nbr);
    for (uint64_t i = 0; i < count; i++) {
        (*off)[p[i].u + 1]++;
        (*nbr)[i] = p[i].v;
    }
    for (sf_vid v = 0; v < n; v++)
        (*off)[v + 1] += (*off)[v];
}

/* Sorts, drops self loops and duplicates, in place; returns the count. */
static uint64_t simplify(pair *p, uint64_t count)
{
    qsort(p, count, sizeof *p, pair_cmp);
    uint64_t k = 0;
    for (uint64_t i = 0; i < count; i++) {
        if (p[i].u == p[i].v)
            continue;
        if (k && p[k - 1].u == p[i].u && p[k - 1].v == p[i].v)
            continue;
        p[k++] = p[i];
    }
    return k;
}

static sf_graph *graph_of(sf_vid n, const pair *arcs, uint64_t count,
                          bool directed)
{
    sf_graph *g = calloc(1, sizeof *g);
    pair *p = malloc((2 * count + 1) * sizeof *p);
    cr_assert(g && p);
    uint64_t k = 0;
    for (uint64_t i = 0; i < count; i++) {
        cr_assert(arcs[i].u < n && arcs[i].v < n);
        p[k++] = arcs[i];
        if (!directed)
            p[k++] = (pair){arcs[i].v, arcs[i].u};
    }
    k = simplify(p, k);
    g->num_vertices = n;
    g->num_arcs = k;
    g->num_edges = directed ? k : k / 2;
    g->directed = directed;
    csr_of(p, k, n, &g->out_offsets, &g->out_neighbors);
    if (!directed) {
        g->in_offsets = g->out_offsets;
        g->in_neighbors = g->out_neighbors;
    } else {
        for (uint64_t i = 0; i < k; i++)
            p[i] = (pair){p[i].v, p[i].u};
        qsort(p, k, sizeof *p, pair_cmp);
        csr_of(p, k, n, &g->in_offsets, &g->in_neighbors);
    }
    free(p);
    return g;
}

static void graph_free(sf_graph *g)
{
    if (g->directed) {
        free(g->in_offsets);
        free(g->in_neighbors);
    }
    free(g->out_offsets);
    free(g->out_neighbors);
    free(g);
}

static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* m random arcs over n vertices; with `skew` the ends favour small ids
 * (a power-law-ish degree spread, as degree ordering meets in practice). */
static sf_graph *random_graph(uint64_t seed, sf_vid n, uint64_t m,
                              bool directed, bool skew)
{
    pair *p = malloc((m ? m : 1) * sizeof *p);
    cr_assert(p);
    for (uint64_t i = 0; i < m; i++) {
        uint64_t a = rng_next(&seed) % n, b = rng_next(&seed) % n;
        if (skew) {
            a = a * (rng_next(&seed) % n) / n;
            b = b * (rng_next(&seed) % n) / n;
        }
        p[i] = (pair){(sf_vid)a, (sf_vid)b};
    }
    sf_graph *g = graph_of(n, p, m, directed);
    free(p);
    return g;
}

/* ---- PageRank ------------------------------------------------------------ */

/* Straight from the formula, one arc at a time. */
static void reference_pr(const sf_graph *g, int iterations, double d,
                         double *rank)
{
    sf_vid n = g->num_vertices;
    double *prev = malloc(n * sizeof *prev);
    cr_assert(prev);
    for (sf_vid v = 0; v < n; v++)
        rank[v] = 1.0 / n;
    for (int it = 0; it < iterations; it++) {
        memcpy(prev, rank, n * sizeof *prev);
        double dangling = 0;
        for (sf_vid w = 0; w < n; w++)
            if (sf_out_degree(g, w) == 0)
                dangling += prev[w];
        for (sf_vid v = 0; v < n; v++)
            rank[v] = (1.0 - d) / n + d / n * dangling;
        for (sf_vid u = 0; u < n; u++)
            for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
                rank[g->out_neighbors[e]] += d * prev[u] / (double)sf_out_degree(g, u);
    }
    free(prev);
}

static const char *const layouts[] = {"csr", "hilbert", NULL};

/* Both layouts and the default against the reference, and the sum. */
static void check_pr(const sf_graph *g, int iterations, double d)
{
    sf_vid n = g->num_vertices;
    double *want = malloc((n + 1) * sizeof *want);
    double *got = malloc((n + 1) * sizeof *got);
    cr_assert(want && got);
    reference_pr(g, iterations, d, want);
    for (int l = 0; l < 3; l++) {
        if (layouts[l])
            setenv("SF_BASELINE_PR", layouts[l], 1);
        else
            unsetenv("SF_BASELINE_PR");
        const char *name = layouts[l] ? layouts[l] : "default";
        double prepare_s = -1, run_s = -1;
        cr_assert_eq(sf_baseline_pr(g, iterations, d, got, &prepare_s, &run_s), 0);
        cr_assert(prepare_s >= 0 && run_s >= 0);
        double sum = 0;
        for (sf_vid v = 0; v < n; v++) {
            sum += got[v];
            cr_assert(fabs(got[v] - want[v]) <= 1e-12 * fabs(want[v]),
                      "%s: rank[%u] = %.17g, want %.17g (n=%u, %d iterations)",
                      name, v, got[v], want[v], n, iterations);
        }
        if (n)
            cr_assert(fabs(sum - 1.0) <= 1e-11, "%s: sum %.17g", name, sum);
    }
    unsetenv("SF_BASELINE_PR");
    free(want);
    free(got);
}

Test(baselines, pr_directed_with_dangling)
{
    /* 3 and 4 have no out-arcs (dangling), 5 is isolated */
    const pair arcs[] = {{0, 1}, {0, 2}, {1, 2}, {2, 0}, {2, 3}, {1, 4}, {4, 4}};
    sf_graph *g = graph_of(6, arcs, 7, true);
    for (int it = 0; it <= 3; it++)
        check_pr(g, it, 0.85);
    check_pr(g, 20, 0.85);
    check_pr(g, 20, 0.5);
    graph_free(g);
}

Test(baselines, pr_undirected)
{
    /* a triangle with a tail, a separate edge, an isolated vertex */
    const pair arcs[] = {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {5, 6}};
    sf_graph *g = graph_of(8, arcs, 6, false);
    check_pr(g, 1, 0.85);
    check_pr(g, 20, 0.85);
    graph_free(g);
}

Test(baselines, pr_known_answer)
{
    /* a directed 3-cycle: uniform at every iteration */
    const pair arcs[] = {{0, 1}, {1, 2}, {2, 0}};
    sf_graph *g = graph_of(3, arcs, 3, true);
    double rank[3];
    for (int l = 0; l < 2; l++) {
        setenv("SF_BASELINE_PR", layouts[l], 1);
        cr_assert_eq(sf_baseline_pr(g, 20, 0.85, rank, NULL, NULL), 0);
        for (int v = 0; v < 3; v++)
            cr_assert(fabs(rank[v] - 1.0 / 3) < 1e-15, "%s", layouts[l]);
    }
    unsetenv("SF_BASELINE_PR");
    graph_free(g);

    /* one vertex, no arcs: dangling mass keeps it at 1 */
    g = graph_of(1, NULL, 0, true);
    check_pr(g, 5, 0.85);
    cr_assert_eq(sf_baseline_pr(g, 5, 0.85, rank, NULL, NULL), 0);
    cr_assert(fabs(rank[0] - 1.0) < 1e-15);
    graph_free(g);
}

Test(baselines, pr_only_isolated_and_empty)
{
    sf_graph *g = graph_of(5, NULL, 0, false);
    check_pr(g, 3, 0.85);
    graph_free(g);
    g = graph_of(0, NULL, 0, true);
    double none = 0;
    cr_assert_eq(sf_baseline_pr(g, 3, 0.85, &none, NULL, NULL), 0);
    graph_free(g);
}

Test(baselines, pr_random_small)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        uint64_t s = seed;
        sf_vid n = 1 + (sf_vid)(rng_next(&s) % 60);
        uint64_t m = rng_next(&s) % (4 * (uint64_t)n + 1);
        bool directed = seed & 1;
        sf_graph *g = random_graph(seed, n, m, directed, seed % 3 == 0);
        check_pr(g, 1 + (int)(seed % 7), 0.85);
        graph_free(g);
    }
}

Test(baselines, pr_random_spans_tiles)
{
    /* more than 2^16 vertices: arcs fall in several tiles of the Hilbert
     * layout, and skew makes some tiles dense */
    sf_graph *g = random_graph(7, 150000, 600000, true, true);
    check_pr(g, 5, 0.85);
    graph_free(g);
    g = random_graph(8, 140000, 400000, false, false);
    check_pr(g, 4, 0.85);
    graph_free(g);
}

/* ---- WCC ----------------------------------------------------------------- */

/* BFS over out- and in-arcs from each unlabelled vertex in ascending order:
 * the start is the smallest id of its component. */
static void reference_wcc(const sf_graph *g, sf_vid *label)
{
    sf_vid n = g->num_vertices;
    sf_vid *queue = malloc((n + 1) * sizeof *queue);
    cr_assert(queue);
    for (sf_vid v = 0; v < n; v++)
        label[v] = SF_VID_NONE;
    for (sf_vid s = 0; s < n; s++) {
        if (label[s] != SF_VID_NONE)
            continue;
        sf_vid head = 0, tail = 0;
        label[s] = s;
        queue[tail++] = s;
        while (head < tail) {
            sf_vid u = queue[head++];
            for (int dir = 0; dir < 2; dir++) {
                const sf_eid *off = dir ? g->in_offsets : g->out_offsets;
                const sf_vid *nbr = dir ? g->in_neighbors : g->out_neighbors;
                for (sf_eid e = off[u]; e < off[u + 1]; e++) {
                    if (label[nbr[e]] == SF_VID_NONE) {
                        label[nbr[e]] = s;
                        queue[tail++] = nbr[e];
                    }
                }
            }
        }
    }
    free(queue);
}

static const char *const wcc_variants[] = {"afforest", "union-find", NULL};

static void check_wcc(const sf_graph *g)
{
    sf_vid n = g->num_vertices;
    sf_vid *want = malloc((n + 1) * sizeof *want);
    sf_vid *got = malloc((n + 1) * sizeof *got);
    cr_assert(want && got);
    reference_wcc(g, want);
    for (int k = 0; k < 3; k++) {
        if (wcc_variants[k])
            setenv("SF_BASELINE_WCC", wcc_variants[k], 1);
        else
            unsetenv("SF_BASELINE_WCC");
        double run_s = -1;
        memset(got, 0xab, (n + 1) * sizeof *got);
        cr_assert_eq(sf_baseline_wcc(g, got, &run_s), 0);
        cr_assert(run_s >= 0);
        for (sf_vid v = 0; v < n; v++)
            cr_assert_eq(got[v], want[v], "%s: label[%u] = %u, want %u (n=%u)",
                         wcc_variants[k] ? wcc_variants[k] : "default", v,
                         got[v], want[v], n);
    }
    unsetenv("SF_BASELINE_WCC");
    free(want);
    free(got);
}

Test(baselines, wcc_components_and_isolated)
{
    /* {0,3,7}, {1,2}, {4,6,8,9} by a path given backwards, 5 and 10 alone */
    const pair arcs[] = {{7, 3}, {3, 0}, {2, 1}, {9, 8}, {8, 6}, {6, 4}};
    sf_graph *g = graph_of(11, arcs, 6, false);
    check_wcc(g);
    sf_vid label[11];
    cr_assert_eq(sf_baseline_wcc(g, label, NULL), 0);
    const sf_vid want[11] = {0, 1, 1, 0, 4, 5, 4, 0, 4, 4, 10};
    for (int v = 0; v < 11; v++)
        cr_assert_eq(label[v], want[v]);
    graph_free(g);
}

Test(baselines, wcc_directed_weak_only)
{
    /* no vertex reaches the others along arcs: 1 -> 0 <- 2 -> 3 <- 4,
     * and 6 -> 5, 7 -> 5 meet only at 5; 8 isolated */
    const pair arcs[] = {{1, 0}, {2, 0}, {2, 3}, {4, 3}, {6, 5}, {7, 5}};
    sf_graph *g = graph_of(9, arcs, 6, true);
    check_wcc(g);
    sf_vid label[9];
    cr_assert_eq(sf_baseline_wcc(g, label, NULL), 0);
    const sf_vid want[9] = {0, 0, 0, 0, 0, 5, 5, 5, 8};
    for (int v = 0; v < 9; v++)
        cr_assert_eq(label[v], want[v]);
    graph_free(g);
}

Test(baselines, wcc_directed_star_into_hub)
{
    /* the giant component's hub only receives arcs: a vertex outside it
     * is joined by in-arcs alone, which afforest must not skip */
    pair arcs[200];
    int k = 0;
    for (sf_vid v = 1; v < 150; v++)
        arcs[k++] = (pair){v, 0};
    arcs[k++] = (pair){160, 151};  /* 151 reached only from 160 */
    arcs[k++] = (pair){151, 5};    /* ... and joins the giant by an out-arc */
    arcs[k++] = (pair){170, 171};
    sf_graph *g = graph_of(180, arcs, (uint64_t)k, true);
    check_wcc(g);
    graph_free(g);
}

Test(baselines, wcc_trivial)
{
    sf_graph *g = graph_of(1, NULL, 0, false);
    check_wcc(g);
    graph_free(g);
    g = graph_of(7, NULL, 0, true);
    check_wcc(g);
    graph_free(g);
    g = graph_of(0, NULL, 0, true);
    sf_vid none = 0;
    cr_assert_eq(sf_baseline_wcc(g, &none, NULL), 0);
    graph_free(g);
}

Test(baselines, wcc_random)
{
    for (uint64_t seed = 1; seed <= 60; seed++) {
        uint64_t s = seed * 1000003;
        sf_vid n = 1 + (sf_vid)(rng_next(&s) % 300);
        /* around n/2 arcs: many components, some large */
        uint64_t m = rng_next(&s) % (n + 1);
        sf_graph *g = random_graph(seed, n, m, seed & 1, seed % 3 == 0);
        check_wcc(g);
        graph_free(g);
    }
    sf_graph *g = random_graph(99, 200000, 150000, false, false);
    check_wcc(g);
    graph_free(g);
    g = random_graph(100, 200000, 300000, true, true);
    check_wcc(g);
    graph_free(g);
}
