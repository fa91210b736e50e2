/* Triangle counts (operators/tc.c, bench/baseline_tc.c,
 * operators/reference_tc.c): hand-made graphs with known per-vertex counts
 * (cliques, cycles, stars, wheels, disjoint pieces), generated graphs
 * against the reference, SNAP graphs against the totals that SNAP
 * publishes, every engine run at 1, 2 and 3 threads and several shard
 * counts; and the CLI. */
#define _GNU_SOURCE /* tests/scratch.h */
#include "bench/baseline_tc.h"
#include "operators/kernels.h"
#include "tests/scratch.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* ---- hand-made graphs: arcs and the expected count of every vertex ----- */

#define MAX_ARCS 4096
#define MAX_IDS 1024

struct known {
    uint64_t arcs[MAX_ARCS][2];
    size_t num_arcs;
    uint64_t expected[MAX_IDS];     /* by original id; ids below MAX_IDS */
    bool present[MAX_IDS];
};

static void add_edge(struct known *k, uint64_t a, uint64_t b)
{
    cr_assert(k->num_arcs < MAX_ARCS && a < MAX_IDS && b < MAX_IDS);
    k->arcs[k->num_arcs][0] = a;
    k->arcs[k->num_arcs][1] = b;
    k->num_arcs++;
    k->present[a] = k->present[b] = true;
}

/* K_n on ids base..base+n-1: every vertex is in C(n-1, 2) triangles. */
static void add_clique(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        for (uint64_t j = i + 1; j < n; j++)
            add_edge(k, base + i, base + j);
    for (uint64_t i = 0; i < n; i++)
        k->expected[base + i] = (n - 1) * (n - 2) / 2;
}

/* C_n: one triangle per vertex when n = 3, none otherwise. */
static void add_cycle(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        add_edge(k, base + i, base + (i + 1) % n);
    for (uint64_t i = 0; i < n; i++)
        k->expected[base + i] = n == 3;
}

/* A centre and n leaves: no triangle. */
static void add_star(struct known *k, uint64_t base, uint64_t leaves)
{
    for (uint64_t i = 1; i <= leaves; i++)
        add_edge(k, base, base + i);
    for (uint64_t i = 0; i <= leaves; i++)
        k->expected[base + i] = 0;
}

/* A hub joined to every vertex of a rim C_n (n >= 4): the hub is in n
 * triangles, every rim vertex in 2. */
static void add_wheel(struct known *k, uint64_t base, uint64_t n)
{
    add_cycle(k, base + 1, n);
    for (uint64_t i = 1; i <= n; i++) {
        add_edge(k, base, base + i);
        k->expected[base + i] = 2;
    }
    k->expected[base] = n;
}

/* Two triangles sharing the edge b-c: a-b-c and b-c-d. */
static void add_diamond(struct known *k, uint64_t a)
{
    add_edge(k, a, a + 1);
    add_edge(k, a, a + 2);
    add_edge(k, a + 1, a + 2);
    add_edge(k, a + 1, a + 3);
    add_edge(k, a + 2, a + 3);
    k->expected[a] = k->expected[a + 3] = 1;
    k->expected[a + 1] = k->expected[a + 2] = 2;
}

/* An undirected graph of the arcs, ids in original order or degree order. */
static sf_graph *build(const uint64_t (*arcs)[2], size_t count, bool degree_order)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
    sf_build_options opt = {.undirected = true, .original_order = !degree_order};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* The engine at every configuration, the baseline and the reference all
 * give `expected` (by dense id). */
static void check_everywhere(const sf_graph *g, const uint64_t *expected, const char *what)
{
    sf_vid n = g->num_vertices;
    uint64_t *got = malloc((n + 1) * sizeof *got);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        memset(got, 0xab, (n + 1) * sizeof *got); /* the kernel must write every count */
        cr_assert_eq(sf_tc(e, got, NULL), 0);
        for (sf_vid v = 0; v < n; v++)
            cr_assert_eq(got[v], expected[v], "%s, %d threads, %d shards: vertex %llu: %llu, expected %llu",
                         what, configs[c].threads, configs[c].shards,
                         (unsigned long long)sf_graph_original_id(g, v), (unsigned long long)got[v],
                         (unsigned long long)expected[v]);
        sf_engine_destroy(&e);
    }
    memset(got, 0xab, (n + 1) * sizeof *got);
    cr_assert_eq(sf_baseline_tc(g, got), 0);
    cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s: baseline", what);
    cr_assert_eq(sf_reference_tc(g, got), 0);
    cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s: reference", what);
    free(got);
}

static void check_known(const struct known *k, const char *what)
{
    for (int order = 0; order < 2; order++) {
        sf_graph *g = build((const uint64_t(*)[2])k->arcs, k->num_arcs, order);
        uint64_t *expected = malloc((g->num_vertices + 1) * sizeof *expected);
        for (sf_vid v = 0; v < g->num_vertices; v++) {
            uint64_t id = sf_graph_original_id(g, v);
            cr_assert(id < MAX_IDS && k->present[id]);
            expected[v] = k->expected[id];
        }
        check_everywhere(g, expected, what);
        free(expected);
        sf_graph_destroy(&g);
    }
}

Test(tc, cliques)
{
    struct known *k = calloc(1, sizeof *k);
    add_clique(k, 0, 6);
    check_known(k, "K_6 alone");
    memset(k, 0, sizeof *k);
    for (uint64_t n = 2; n <= 12; n++)
        add_clique(k, 20 * n, n);
    check_known(k, "K_2 to K_12 side by side");
    free(k);
}

Test(tc, cycles_stars_and_wheels)
{
    struct known *k = calloc(1, sizeof *k);
    for (uint64_t n = 3; n <= 8; n++) {
        add_cycle(k, 10 * n, n);
        add_star(k, 100 + 10 * n, n);
        add_wheel(k, 200 + 10 * n, n + 1);
    }
    check_known(k, "cycles, stars and wheels");
    free(k);
}

Test(tc, disjoint_pieces)
{
    struct known *k = calloc(1, sizeof *k);
    add_clique(k, 0, 5);
    add_cycle(k, 10, 3);
    add_star(k, 20, 5);
    add_cycle(k, 30, 6);
    add_diamond(k, 40);
    add_wheel(k, 50, 6);
    add_clique(k, 600, 30);   /* a big piece: hubs first in degree order */
    add_edge(k, 900, 901);    /* a lone edge */
    k->expected[900] = k->expected[901] = 0;
    check_known(k, "disjoint pieces");
    free(k);
}

Test(tc, empty_graph_and_isolated_vertices)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_edge_list_push(&e, 1, 2, 0);
    e.vertex_ids = malloc(5 * sizeof *e.vertex_ids);
    for (int i = 0; i < 5; i++)
        e.vertex_ids[i] = i;
    e.num_vertex_ids = 5;
    sf_build_options opt = {.undirected = true};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "t", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    uint64_t zero[5] = {0};
    cr_assert_eq(g->num_vertices, 5);
    check_everywhere(g, zero, "one edge and three isolated vertices");
    sf_graph_destroy(&g);
}

/* ---- generated graphs against the reference ----------------------------- */

static void check_against_reference(sf_graph *g, const char *what)
{
    uint64_t *expected = malloc((g->num_vertices + 1) * sizeof *expected);
    cr_assert_eq(sf_reference_tc(g, expected), 0);
    uint64_t sum = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        sum += expected[v];
    cr_assert_eq(sum % 3, 0, "%s: every triangle has three vertices", what);
    cr_assert_gt(sum, 0, "%s should have triangles", what);
    check_everywhere(g, expected, what);
    free(expected);
}

Test(tc, generated_graphs_match_the_reference)
{
    const char *specs[] = {"kron:12", "urand:12:24", "kron:10:40"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        sf_graph *g = graph_generated(specs[i], 3, true);
        check_against_reference(g, specs[i]);
        sf_graph_destroy(&g);
    }
}

/* Ids not in degree order: the orientation by id is then not by degree,
 * which costs time but must not change a count. */
Test(tc, generated_graph_in_original_order)
{
    sf_build_options opt = {.undirected = true, .original_order = true};
    sf_graph *g = graph_generated_with("kron:11", 9, &opt);
    check_against_reference(g, "kron:11 in original order");
    sf_graph_destroy(&g);
}

/* ---- SNAP graphs: the triangle totals SNAP's pages publish -------------- */

static uint64_t total(const sf_graph *g, const uint64_t *triangles)
{
    uint64_t sum = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        sum += triangles[v];
    cr_assert_eq(sum % 3, 0);
    return sum / 3;
}

/* Known totals from snap.stanford.edu (ego-Facebook, email-Enron,
 * as-Caida 2007-11-05, ego-Twitter): independent of this code. */
Test(tc, snap_graphs_match_published_totals_and_the_reference, .timeout = 60)
{
    const struct {
        const char *file;
        uint64_t triangles;
        bool reference;
    } graphs[] = {
        {"facebook-combined.txt.gz", 1612010, true},
        {"email-enron.txt.gz", 727044, true},
        {"as-caida.txt.gz", 36365, true},
        {"ego-twitter.txt.gz", 13082506, false},
    };
    for (size_t i = 0; i < sizeof graphs / sizeof graphs[0]; i++) {
        sf_graph *g = graph_snap(graphs[i].file);
        sf_vid n = g->num_vertices;
        uint64_t *got = malloc((n + 1) * sizeof *got), *expected = NULL;
        if (graphs[i].reference) {
            expected = malloc((n + 1) * sizeof *expected);
            cr_assert_eq(sf_reference_tc(g, expected), 0);
            cr_assert_eq(total(g, expected), graphs[i].triangles, "%s: reference", graphs[i].file);
        }
        for (int threads = 1; threads <= 3; threads++) {
            sf_engine *e = engine_for(g, threads, threads == 3 ? 13 : 0);
            cr_assert_eq(sf_tc(e, got, NULL), 0);
            cr_assert_eq(total(g, got), graphs[i].triangles, "%s at %d threads", graphs[i].file,
                         threads);
            if (expected)
                cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s at %d threads",
                             graphs[i].file, threads);
            sf_engine_destroy(&e);
        }
        cr_assert_eq(sf_baseline_tc(g, got), 0);
        cr_assert_eq(total(g, got), graphs[i].triangles, "%s: baseline", graphs[i].file);
        free(got);
        free(expected);
        sf_graph_destroy(&g);
    }
}

/* ---- the CLI ------------------------------------------------------------ */

/* (the refusal of a directed graph is tested for tc and kcore together in
 * tests/test_cli.c) */
Test(tc, cli_counts_an_undirected_graph, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char args[1024], errbuf[2048], stdout_buf[4096];
    /* K4 on ids 7, 70, 700, 7000 plus a pendant vertex 5 */
    char *graph = write_text("k4.el", "7 70\n7 700\n7 7000\n70 700\n70 7000\n700 7000\n5 7\n");
    char *out = tmp_path("out.txt");

    snprintf(args, sizeof args, "run tc %s --undirected --verify --output %s", graph, out);
    int status = run_cli(args, stdout_buf, sizeof stdout_buf, errbuf, sizeof errbuf);
    cr_assert_eq(status, 0, "exit %d: %s", status, errbuf);
    cr_assert(strstr(stdout_buf, "\"triangles\": 4"), "%s", stdout_buf);
    cr_assert(strstr(stdout_buf, "PASS"), "%s", stdout_buf);
    FILE *f = fopen(out, "r");
    cr_assert(f);
    char text[512] = {0};
    cr_assert_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    cr_assert_str_eq(text, "5 0\n7 3\n70 3\n700 3\n7000 3\n");
    free(out);
    free(graph);
}
