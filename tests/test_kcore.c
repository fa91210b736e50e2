/* Core numbers (operators/kcore.c, bench/baseline_kcore.c,
 * operators/reference_kcore.c): hand-made graphs with known cores (cliques,
 * cycles, paths, stars, wheels, a grid, the Petersen graph, a clique with a
 * tail, disjoint pieces), generated and SNAP graphs against the reference
 * and the defining property, every engine run at 1 to 4 threads and
 * several shard counts; and the CLI. */
#define _GNU_SOURCE /* tests/scratch.h */
#include <stdlib.h>

#include "bench/baseline_kcore.h"
#include "operators/kernels.h"
#include "tests/scratch.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
/* {2, 1}: a worker with no shard; {3, 29}: a middle worker, whose part of a
 * row is found by search; {4, 5}: workers of one and two shards */
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}, {4, 5}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* ---- hand-made graphs: arcs and the expected core of every vertex ------ */

#define MAX_ARCS 4096
#define MAX_IDS 1024

struct known {
    uint64_t arcs[MAX_ARCS][2];
    size_t num_arcs;
    uint64_t expected[MAX_IDS];     /* by original id; ids below MAX_IDS */
};

static void add_edge(struct known *k, uint64_t a, uint64_t b)
{
    cr_assert(k->num_arcs < MAX_ARCS && a < MAX_IDS && b < MAX_IDS);
    k->arcs[k->num_arcs][0] = a;
    k->arcs[k->num_arcs][1] = b;
    k->num_arcs++;
}

static void set_core(struct known *k, uint64_t base, uint64_t n, uint64_t core)
{
    for (uint64_t i = 0; i < n; i++)
        k->expected[base + i] = core;
}

static void add_clique(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        for (uint64_t j = i + 1; j < n; j++)
            add_edge(k, base + i, base + j);
    set_core(k, base, n, n - 1);
}

static void add_cycle(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        add_edge(k, base + i, base + (i + 1) % n);
    set_core(k, base, n, 2);
}

static void add_path(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i + 1 < n; i++)
        add_edge(k, base + i, base + i + 1);
    set_core(k, base, n, 1);
}

static void add_star(struct known *k, uint64_t base, uint64_t leaves)
{
    for (uint64_t i = 1; i <= leaves; i++)
        add_edge(k, base, base + i);
    set_core(k, base, leaves + 1, 1);
}

/* A hub joined to a rim C_n: rim vertices have degree 3, so all is 3. */
static void add_wheel(struct known *k, uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        add_edge(k, base + 1 + i, base + 1 + (i + 1) % n);
        add_edge(k, base, base + 1 + i);
    }
    set_core(k, base, n + 1, 3);
}

/* A rows x cols grid: corners have degree 2, and peeling them peels it all
 * at level 2 (a long cascade). */
static void add_grid(struct known *k, uint64_t base, uint64_t rows, uint64_t cols)
{
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < cols; c++) {
            if (c + 1 < cols)
                add_edge(k, base + r * cols + c, base + r * cols + c + 1);
            if (r + 1 < rows)
                add_edge(k, base + r * cols + c, base + (r + 1) * cols + c);
        }
    set_core(k, base, rows * cols, 2);
}

/* The Petersen graph: 3-regular, so 3 everywhere. */
static void add_petersen(struct known *k, uint64_t base)
{
    for (uint64_t i = 0; i < 5; i++) {
        add_edge(k, base + i, base + (i + 1) % 5);           /* outer cycle */
        add_edge(k, base + 5 + i, base + 5 + (i + 2) % 5);   /* inner star */
        add_edge(k, base + i, base + 5 + i);                 /* spokes */
    }
    set_core(k, base, 10, 3);
}

/* K_n with a path of `tail` vertices hanging from one of its vertices, and
 * one more vertex joined to two vertices of the clique. */
static void add_clique_with_tail(struct known *k, uint64_t base, uint64_t n, uint64_t tail)
{
    add_clique(k, base, n);
    add_path(k, base + n, tail);
    add_edge(k, base, base + n);
    add_edge(k, base + n + tail, base + 1);
    add_edge(k, base + n + tail, base + 2);
    k->expected[base + n + tail] = 2;
}

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

/* What makes core numbers core numbers, checked without the reference:
 * every v has at least core[v] neighbours of core >= core[v] (v is in the
 * core[v]-core), and the vertices of core > c, for c = core[v], never give
 * v more than c neighbours (v is not in the (c+1)-core: checked here in
 * its necessary form, that v has at most c neighbours of core > c). */
static void check_core_property(const sf_graph *g, const uint64_t *core, const char *what)
{
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        uint64_t at_least = 0, above = 0;
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            uint64_t c = core[g->out_neighbors[e]];
            at_least += c >= core[v];
            above += c > core[v];
        }
        cr_assert_geq(at_least, core[v], "%s: vertex %u of core %llu has %llu neighbours of core >= it",
                      what, v, (unsigned long long)core[v], (unsigned long long)at_least);
        cr_assert_leq(above, core[v], "%s: vertex %u of core %llu has %llu neighbours of higher core",
                      what, v, (unsigned long long)core[v], (unsigned long long)above);
    }
}

/* The engine at every configuration, the baseline and the reference all
 * give `expected` (by dense id). */
static void check_everywhere(const sf_graph *g, const uint64_t *expected, const char *what)
{
    sf_vid n = g->num_vertices;
    uint64_t *got = malloc((n + 1) * sizeof *got);
    check_core_property(g, expected, what);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        for (int run = 0; run < 2; run++) { /* the second reuses the engine's arrays */
            memset(got, 0xab, (n + 1) * sizeof *got);
            sf_iteration_log log = {0};
            cr_assert_eq(sf_kcore(e, got, &log), 0);
            cr_assert_gt(log.count, 0);
            sf_iteration_log_fini(&log);
            for (sf_vid v = 0; v < n; v++)
                cr_assert_eq(got[v], expected[v],
                             "%s, %d threads, %d shards: vertex %llu: %llu, expected %llu", what,
                             configs[c].threads, configs[c].shards,
                             (unsigned long long)sf_graph_original_id(g, v),
                             (unsigned long long)got[v], (unsigned long long)expected[v]);
        }
        sf_engine_destroy(&e);
    }
    const char *variants[] = {"bz", "peel"};
    for (int i = 0; i < 2; i++) {
        setenv("SF_BASELINE_KCORE", variants[i], 1);
        memset(got, 0xab, (n + 1) * sizeof *got);
        cr_assert_eq(sf_baseline_kcore(g, got), 0);
        cr_assert_eq(memcmp(got, expected, n * sizeof *got), 0, "%s: baseline %s", what,
                     variants[i]);
    }
    unsetenv("SF_BASELINE_KCORE");
    cr_assert_eq(sf_reference_kcore(g, got), 0);
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
            cr_assert(id < MAX_IDS);
            expected[v] = k->expected[id];
        }
        check_everywhere(g, expected, what);
        free(expected);
        sf_graph_destroy(&g);
    }
}

Test(kcore, cliques)
{
    struct known *k = calloc(1, sizeof *k);
    add_clique(k, 0, 7);
    check_known(k, "K_7 alone");
    memset(k, 0, sizeof *k);
    for (uint64_t n = 2; n <= 12; n++)
        add_clique(k, 20 * n, n);
    check_known(k, "K_2 to K_12 side by side");
    free(k);
}

Test(kcore, cycles_paths_stars_wheels_grid_petersen)
{
    struct known *k = calloc(1, sizeof *k);
    for (uint64_t n = 3; n <= 8; n++) {
        add_cycle(k, 10 * n, n);
        add_path(k, 100 + 10 * n, n);
        add_star(k, 200 + 10 * n, n);
        add_wheel(k, 300 + 10 * n, n + 1);
    }
    add_grid(k, 400, 12, 15);
    add_petersen(k, 600);
    check_known(k, "cycles, paths, stars, wheels, a grid, the Petersen graph");
    free(k);
}

Test(kcore, nested_cores_and_disjoint_pieces)
{
    struct known *k = calloc(1, sizeof *k);
    add_clique_with_tail(k, 0, 4, 3);
    add_clique_with_tail(k, 20, 9, 5);
    add_clique(k, 100, 30); /* a big piece: hubs first in degree order */
    /* a K_5 whose every vertex also closes a triangle with a private pair:
     * the pairs' vertices have degree 2 and core 2, the clique 4 */
    add_clique(k, 200, 5);
    for (uint64_t i = 0; i < 5; i++) {
        uint64_t a = 210 + 2 * i, b = a + 1;
        add_edge(k, 200 + i, a);
        add_edge(k, 200 + i, b);
        add_edge(k, a, b);
        k->expected[a] = k->expected[b] = 2;
    }
    add_edge(k, 900, 901);
    set_core(k, 900, 2, 1);
    check_known(k, "nested cores and disjoint pieces");
    free(k);
}

Test(kcore, isolated_vertices_have_core_zero)
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
    uint64_t expected[5];
    for (sf_vid v = 0; v < 5; v++) {
        uint64_t id = sf_graph_original_id(g, v);
        expected[v] = id == 1 || id == 2;
    }
    check_everywhere(g, expected, "one edge and three isolated vertices");
    sf_graph_destroy(&g);
}

/* ---- generated and SNAP graphs against the reference -------------------- */

static void check_against_reference(sf_graph *g, const char *what)
{
    uint64_t *expected = malloc((g->num_vertices + 1) * sizeof *expected);
    cr_assert_eq(sf_reference_kcore(g, expected), 0);
    uint64_t degeneracy = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        degeneracy = expected[v] > degeneracy ? expected[v] : degeneracy;
    cr_assert_gt(degeneracy, 2, "%s should have deep cores", what);
    check_everywhere(g, expected, what);
    free(expected);
}

Test(kcore, generated_graphs_match_the_reference)
{
    /* big enough for every worker of every configuration to own vertices,
     * and for middle workers' parts of rows to start inside them */
    const char *specs[] = {"kron:13", "urand:13", "kron:10:40"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        sf_graph *g = graph_generated(specs[i], 5, true);
        check_against_reference(g, specs[i]);
        sf_graph_destroy(&g);
    }
}

Test(kcore, generated_graph_in_original_order)
{
    sf_build_options opt = {.undirected = true, .original_order = true};
    sf_graph *g = graph_generated_with("kron:11", 9, &opt);
    check_against_reference(g, "kron:11 in original order");
    sf_graph_destroy(&g);
}

Test(kcore, snap_graphs_match_the_reference, .timeout = 60)
{
    const char *files[] = {"facebook-combined.txt.gz", "email-enron.txt.gz", "as-caida.txt.gz"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        sf_graph *g = graph_snap(files[i]);
        check_against_reference(g, files[i]);
        sf_graph_destroy(&g);
    }
}

/* ---- the CLI ------------------------------------------------------------ */

/* (the refusal of a directed graph is tested for tc and kcore together in
 * tests/test_cli.c) */
Test(kcore, cli_peels_an_undirected_graph, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char args[1024], errbuf[2048], stdout_buf[4096];
    /* K4 on 7, 70, 700, 7000; a pendant 5; a triangle 1, 2, 3 */
    char *graph =
        write_text("g.el", "7 70\n7 700\n7 7000\n70 700\n70 7000\n700 7000\n5 7\n1 2\n2 3\n3 1\n");
    char *out = tmp_path("out.txt");
    int status;
    for (int baseline = 0; baseline < 2; baseline++) {
        snprintf(args, sizeof args, "run kcore %s --undirected --threads 2 --verify --output %s%s",
                 graph, out, baseline ? " --baseline" : "");
        status = run_cli(args, stdout_buf, sizeof stdout_buf, errbuf, sizeof errbuf);
        cr_assert_eq(status, 0, "exit %d: %s", status, errbuf);
        cr_assert(strstr(stdout_buf, "\"degeneracy\": 3"), "%s", stdout_buf);
        cr_assert(strstr(stdout_buf, "PASS"), "%s", stdout_buf);
        FILE *f = fopen(out, "r");
        cr_assert(f);
        char text[512] = {0};
        cr_assert_gt(fread(text, 1, sizeof text - 1, f), 0);
        fclose(f);
        cr_assert_str_eq(text, "1 2\n2 2\n3 2\n5 1\n7 3\n70 3\n700 3\n7000 3\n");
        unlink(out);
    }
    free(out);
    free(graph);
}
