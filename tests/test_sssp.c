/* Shortest paths: the delta-stepping kernel and the Dijkstra baselines
 * against the Bellman-Ford reference, bit for bit, on generated graphs
 * (Kronecker and uniform, directed and undirected, GAP-like random weights
 * and unit weights) at 1, 2 and 3 threads, several shard counts and
 * several deltas; the optimality certificate of every answer; unit weights
 * against a breadth-first search kept here; known answers by hand; the
 * window of bins overflowing; extreme weights; the CLI's errors. */
#include <float.h>
#include <math.h>

#include "bench/baseline_sssp.h"
#include "bench/jobs.h"
#include "engine/weights.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "tests/support.h"

struct config {
    int threads, shards;
};
static const struct config configs[] = {{1, 0}, {1, 7}, {2, 0}, {2, 1}, {3, 0}, {3, 29}};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* automatic, tiny (every distance its own bin, windows overflow all the
 * time), moderate, and huge (one bin: Bellman-Ford by rounds) */
static const double deltas[] = {0, 1e-3, 3, 1e12};
#define NDELTAS (sizeof deltas / sizeof deltas[0])

static sf_graph *weighted_graph(const char *spec, uint64_t seed, bool undirected,
                                sf_weights_mode mode)
{
    sf_graph *g = graph_generated(spec, seed, undirected);
    cr_assert_eq(sf_graph_assign_weights(g, mode, seed), 0);
    return g;
}

static sf_graph *graph_from_weighted_arcs(const uint64_t (*arcs)[2], const double *weights,
                                          size_t count, bool undirected)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    cr_assert_eq(sf_edge_list_reserve(&e, count, true), 0);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], weights[i]), 0);
    sf_build_options opt = {.undirected = undirected};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

static void assert_same(const double *got, const double *expected, sf_vid n, const char *what)
{
    for (sf_vid v = 0; v < n; v++)
        cr_assert(memcmp(&got[v], &expected[v], sizeof got[v]) == 0,
                  "%s: vertex %u: %.17g, expected %.17g", what, v, got[v], expected[v]);
}

/* The optimality certificate: dist[source] = 0, no arc can shorten a
 * distance, and every other reached vertex has an in-arc that is tight
 * (so its distance is the length of a real path). */
static void assert_certificate(const sf_graph *g, sf_vid source, const double *dist)
{
    cr_assert_eq(dist[source], 0.0);
    for (sf_vid u = 0; u < g->num_vertices; u++)
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            cr_assert(dist[g->out_neighbors[e]] <= dist[u] + g->out_weights[e],
                      "arc %u -> %u shortens %.17g", u, g->out_neighbors[e],
                      dist[g->out_neighbors[e]]);
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        if (v == source || isinf(dist[v]))
            continue;
        bool tight = false;
        for (sf_eid e = g->in_offsets[v]; e < g->in_offsets[v + 1] && !tight; e++)
            tight = dist[g->in_neighbors[e]] + g->in_weights[e] == dist[v];
        cr_assert(tight, "vertex %u: %.17g is no path's length", v, dist[v]);
    }
}

/* A queue BFS over the out-arcs: hop counts, -1 when unreachable. */
static void bfs_hops(const sf_graph *g, sf_vid source, int64_t *hops)
{
    sf_vid *queue = malloc(((size_t)g->num_vertices + 1) * sizeof *queue);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        hops[v] = -1;
    size_t head = 0, tail = 0;
    hops[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
        sf_vid u = queue[head++];
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            if (hops[g->out_neighbors[e]] < 0) {
                hops[g->out_neighbors[e]] = hops[u] + 1;
                queue[tail++] = g->out_neighbors[e];
            }
    }
    free(queue);
}

/* The kernel at every configuration and delta, and both baselines, give
 * the reference's distances exactly. Returns the reference's. */
static double *check_everywhere(const sf_graph *g, sf_vid source, const char *what)
{
    sf_vid n = g->num_vertices;
    double *expected = malloc((n + 1) * sizeof *expected), *got = malloc((n + 1) * sizeof *got);
    cr_assert_eq(sf_reference_sssp(g, source, expected), 0);
    assert_certificate(g, source, expected);
    char label[256];
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        for (size_t d = 0; d < NDELTAS; d++) {
            sf_iteration_log log = {0};
            memset(got, 0xa5, n * sizeof *got);
            cr_assert_eq(sf_sssp(e, source, deltas[d], got, &log), 0);
            cr_assert_geq(log.count, 1);
            snprintf(label, sizeof label, "%s, %d threads, %d shards, delta %g", what,
                     configs[c].threads, configs[c].shards, deltas[d]);
            assert_same(got, expected, n, label);
            sf_iteration_log_fini(&log);
        }
        sf_engine_destroy(&e);
    }
    const char *variants[] = {"lazy", "indexed"};
    for (int i = 0; i < 2; i++) {
        setenv("SF_BASELINE_SSSP", variants[i], 1);
        memset(got, 0xa5, n * sizeof *got);
        cr_assert_eq(sf_baseline_sssp(g, source, got), 0);
        snprintf(label, sizeof label, "%s, baseline %s", what, variants[i]);
        assert_same(got, expected, n, label);
    }
    unsetenv("SF_BASELINE_SSSP");
    free(got);
    return expected;
}

/* A source with out-arcs, not the first hub: vertex n/3 onwards. */
static sf_vid some_source(const sf_graph *g)
{
    for (sf_vid v = g->num_vertices / 3; v < g->num_vertices; v++)
        if (sf_out_degree(g, v) > 0)
            return v;
    return 0;
}

static void check_generated(const char *spec, bool undirected, sf_weights_mode mode)
{
    sf_graph *g = weighted_graph(spec, 5, undirected, mode);
    sf_vid source = some_source(g);
    char what[128];
    snprintf(what, sizeof what, "%s %s %s weights", spec, undirected ? "undirected" : "directed",
             mode == SF_WEIGHTS_UNIT ? "unit" : "random");
    double *dist = check_everywhere(g, source, what);
    uint64_t reached = 0, unreachable = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        isinf(dist[v]) ? unreachable++ : reached++;
    cr_assert_gt(reached, g->num_vertices / 4, "%s: only %llu reached", what,
                 (unsigned long long)reached);
    if (strncmp(spec, "kron", 4) == 0)  /* isolated vertices */
        cr_assert_gt(unreachable, 0, "%s: everything reached", what);
    if (mode == SF_WEIGHTS_UNIT) {
        int64_t *hops = malloc(g->num_vertices * sizeof *hops);
        bfs_hops(g, source, hops);
        for (sf_vid v = 0; v < g->num_vertices; v++)
            cr_assert(hops[v] < 0 ? isinf(dist[v]) : dist[v] == (double)hops[v],
                      "%s: vertex %u at %.17g, %lld hops", what, v, dist[v], (long long)hops[v]);
        free(hops);
    }
    free(dist);
    sf_graph_destroy(&g);
}

Test(sssp, kron_random_weights, .timeout = 60)
{
    check_generated("kron:10", true, SF_WEIGHTS_RANDOM);
    check_generated("kron:10", false, SF_WEIGHTS_RANDOM);
}

Test(sssp, urand_random_weights, .timeout = 60)
{
    check_generated("urand:10", true, SF_WEIGHTS_RANDOM);
    check_generated("urand:10", false, SF_WEIGHTS_RANDOM);
}

Test(sssp, unit_weights_are_bfs_hops, .timeout = 60)
{
    check_generated("kron:10", true, SF_WEIGHTS_UNIT);
    check_generated("kron:10", false, SF_WEIGHTS_UNIT);
    check_generated("urand:10", false, SF_WEIGHTS_UNIT);
}

/* A larger graph at the default delta only: many rounds, big frontiers,
 * fusion and publication both exercised. */
Test(sssp, kron_12_every_configuration, .timeout = 60)
{
    sf_graph *g = weighted_graph("kron:12", 3, true, SF_WEIGHTS_RANDOM);
    sf_vid n = g->num_vertices;
    double *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    cr_assert_eq(sf_reference_sssp(g, 0, expected), 0);
    assert_certificate(g, 0, expected);
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        cr_assert_eq(sf_sssp(e, 0, 0, got, NULL), 0);
        assert_same(got, expected, n, "kron:12");
        sf_engine_destroy(&e);
    }
    free(expected);
    free(got);
    sf_graph_destroy(&g);
}

/* Distances by hand, in original ids; sums written in path order so that
 * the expected doubles are the ones the paths add up to. */
Test(sssp, known_answers_directed_and_undirected)
{
    static const uint64_t arcs[][2] = {{10, 11}, {10, 12}, {11, 12}, {12, 13}, {13, 14},
                                       {14, 11}, {15, 10}, {11, 16}};
    static const double weights[] = {1.5, 4, 2, 0, 0.25, 0.1, 1, 1e300};
    const size_t count = sizeof arcs / sizeof arcs[0];
    const uint64_t ids[] = {10, 11, 12, 13, 14, 15, 16};
    const double directed[] = {0, 1.5, 1.5 + 2, 1.5 + 2 + 0, 1.5 + 2 + 0 + 0.25, INFINITY,
                               1.5 + 1e300};
    const double undirected[] = {0, 1.5, 1.5 + 0.1 + 0.25 + 0, 1.5 + 0.1 + 0.25, 1.5 + 0.1,
                                 1, 1.5 + 1e300};
    for (int u = 0; u < 2; u++) {
        sf_graph *g = graph_from_weighted_arcs(arcs, weights, count, u);
        const double *expected = u ? undirected : directed;
        sf_vid source = sf_graph_find_vertex(g, 10);
        double *dist = check_everywhere(g, source, u ? "by hand, undirected" : "by hand, directed");
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            double d = dist[sf_graph_find_vertex(g, ids[i])];
            cr_assert(d == expected[i] || (isinf(d) && isinf(expected[i])),
                      "vertex %llu: %.17g, expected %.17g", (unsigned long long)ids[i], d,
                      expected[i]);
        }
        free(dist);
        sf_graph_destroy(&g);
    }
}

/* A path of 1000 unit arcs with shortcuts: a thousand bins at delta 1,
 * many windows of them, and the overflow sorted into each new window. */
Test(sssp, windows_overflow_along_a_long_path)
{
    enum { LENGTH = 1000 };
    uint64_t (*arcs)[2] = malloc(2 * LENGTH * sizeof *arcs);
    double *weights = malloc(2 * LENGTH * sizeof *weights);
    size_t count = 0;
    for (uint64_t i = 0; i + 1 < LENGTH; i++) {
        arcs[count][0] = i, arcs[count][1] = i + 1, weights[count++] = 1;
        if (i % 7 == 0 && i + 300 < LENGTH)     /* long, heavier shortcuts: some win */
            arcs[count][0] = i, arcs[count][1] = i + 300, weights[count++] = 250 + i % 100;
    }
    sf_graph *g = graph_from_weighted_arcs((const uint64_t(*)[2])arcs, weights, count, false);
    sf_vid n = g->num_vertices;
    double *expected = malloc(n * sizeof *expected), *got = malloc(n * sizeof *got);
    sf_vid source = sf_graph_find_vertex(g, 0);
    cr_assert_eq(sf_reference_sssp(g, source, expected), 0);
    cr_assert_lt(expected[sf_graph_find_vertex(g, LENGTH - 1)], LENGTH - 1.0, "a shortcut wins");
    for (size_t c = 0; c < NCONFIGS; c++) {
        sf_engine *e = engine_for(g, configs[c].threads, configs[c].shards);
        const double path_deltas[] = {1, 0.5, 0, 1e-9};
        for (int d = 0; d < 4; d++) {
            sf_iteration_log log = {0};
            cr_assert_eq(sf_sssp(e, source, path_deltas[d], got, &log), 0);
            assert_same(got, expected, n, "path");
            if (path_deltas[d] == 1)    /* one round per bin at least */
                cr_assert_geq(log.count, 500);
            sf_iteration_log_fini(&log);
        }
        sf_engine_destroy(&e);
    }
    free(expected);
    free(got);
    free(arcs);
    free(weights);
    sf_graph_destroy(&g);
}

/* Weights from 0 to 1e300, fractional, zero, and sums that overflow to
 * infinity: bins far beyond 2^53 and capped ones still give the
 * reference's exact doubles. */
Test(sssp, extreme_and_fractional_weights)
{
    enum { N = 400, ARCS = 3000 };
    uint64_t (*arcs)[2] = malloc(ARCS * sizeof *arcs);
    double *weights = malloc(ARCS * sizeof *weights);
    uint64_t x = 12345;
    for (size_t i = 0; i < ARCS; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        arcs[i][0] = x % N;
        arcs[i][1] = (x >> 20) % N;
        switch ((x >> 40) % 6) {
        case 0: weights[i] = 0; break;
        case 1: weights[i] = (double)(x >> 44) / (1 << 20); break;   /* in [0, 1) */
        case 2: weights[i] = 1e-300 * (double)((x >> 50) + 1); break;
        case 3: weights[i] = 1e300 * (double)((x >> 58) + 1); break;  /* sums overflow */
        case 4: weights[i] = DBL_MAX; break;
        default: weights[i] = (double)((x >> 45) % 1000) + 0.1; break;
        }
    }
    for (int u = 0; u < 2; u++) {
        sf_graph *g = graph_from_weighted_arcs((const uint64_t(*)[2])arcs, weights, ARCS, u);
        double *dist = check_everywhere(g, some_source(g), u ? "extreme, undirected" : "extreme");
        free(dist);
        sf_graph_destroy(&g);
    }
    free(arcs);
    free(weights);
}

Test(sssp, unreachable_vertices_and_a_source_without_out_arcs)
{
    static const uint64_t arcs[][2] = {{1, 2}, {2, 3}, {3, 1}, {4, 1}, {3, 5}};
    static const double weights[] = {1, 1, 1, 1, 2};
    sf_graph *g = graph_from_weighted_arcs(arcs, weights, 5, false);
    double *dist = check_everywhere(g, sf_graph_find_vertex(g, 1), "cycle");
    cr_assert(isinf(dist[sf_graph_find_vertex(g, 4)]), "4 has no in-arcs");
    cr_assert_eq(dist[sf_graph_find_vertex(g, 5)], 4.0);
    free(dist);
    dist = check_everywhere(g, sf_graph_find_vertex(g, 5), "from a sink");
    for (uint64_t id = 1; id <= 5; id++)
        cr_assert(id == 5 ? dist[sf_graph_find_vertex(g, id)] == 0
                          : isinf(dist[sf_graph_find_vertex(g, id)]),
                  "vertex %llu", (unsigned long long)id);
    free(dist);
    sf_graph_destroy(&g);
}

/* The work-list operator: keep filters before the row is read, repeats
 * are pushed again, each arc comes with its own weight, and lookahead
 * changes nothing but the prefetches. */
struct list_visit {
    double total;
    uint64_t calls, prefetches;
};

static bool keep_odd(sf_vid u, void *arg)
{
    (void)arg;
    return u % 2 == 1;
}

static void add_weights(sf_vid u, const sf_vid *out, const double *weight, sf_eid degree,
                        void *arg)
{
    (void)u;
    (void)out;
    struct list_visit *s = arg;
    s->calls++;
    for (sf_eid i = 0; i < degree; i++)
        s->total += weight[i];
}

static void count_prefetch(sf_vid u, void *arg)
{
    (void)u;
    ((struct list_visit *)arg)->prefetches++;
}

Test(sssp, push_list_weighted_operator)
{
    sf_graph *g = weighted_graph("kron:8", 2, false, SF_WEIGHTS_RANDOM);
    sf_vid list[] = {1, 2, 3, 3, 5, 8, 9, 200, 7, 7, 0};
    const size_t len = sizeof list / sizeof list[0];
    double expected = 0;
    uint64_t calls = 0;
    for (size_t i = 0; i < len; i++)
        if (list[i] % 2) {
            calls++;
            for (sf_eid e = g->out_offsets[list[i]]; e < g->out_offsets[list[i] + 1]; e++)
                expected += sf_weights_of(SF_WEIGHTS_RANDOM, 2, sf_graph_original_id(g, list[i]),
                                          sf_graph_original_id(g, g->out_neighbors[e]), true);
        }
    /* without lookahead, with a short one, and one longer than the list */
    const size_t aheads[] = {0, 2, 64};
    for (int a = 0; a < 3; a++) {
        struct list_visit s = {0, 0, 0};
        sf_edge_map_push_list_weighted(g, list, len, aheads[a], count_prefetch, keep_odd,
                                       add_weights, &s);
        cr_assert_eq(s.calls, calls);
        cr_assert_eq(s.total, expected);
        cr_assert_eq(s.prefetches, len > 2 * aheads[a] && aheads[a] ? len - 2 * aheads[a] : 0);
    }
    sf_graph_destroy(&g);
}

/* ---- through the CLI --------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

Test(sssp, cli_errors_and_output)
{
    char dir[] = "/tmp/sf-sssp-XXXXXX";
    cr_assert(mkdtemp(dir));
    char plain[256], negative[256], weighted[256], out[256], args[1024], err[1024], text[4096];
    snprintf(plain, sizeof plain, "%s/g.el", dir);
    snprintf(negative, sizeof negative, "%s/n.wel", dir);
    snprintf(weighted, sizeof weighted, "%s/w.wel", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    write_file(plain, "1 2\n2 3\n");
    write_file(negative, "1 2 1.5\n2 3 -0.5\n");
    write_file(weighted, "7 8 0.25\n8 9 1e3\n10 7 1\n");

    /* no weights: a flag to add (--weights), so bad usage, exit 2, as
     * convert to .wel without weights is (test_convert) */
    snprintf(args, sizeof args, "run sssp %s --source 1 --output %s", plain, out);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 2, "%s", err);
    cr_assert(strstr(err, "needs edge weights"), "%s", err);
    cr_assert(strchr(err, '\n') == err + strlen(err) - 1, "one line: %s", err);
    cr_assert_neq(access(out, F_OK), 0, "no output after an error");

    snprintf(args, sizeof args, "run sssp %s --weights unit --source 4", plain);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(err, "source vertex 4 is not in the graph"), "%s", err);

    snprintf(args, sizeof args, "run sssp %s --source 1", negative);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(err, "non-negative") && strstr(err, "2 -> 3"), "%s", err);

    snprintf(args, sizeof args, "run sssp %s --weights unit --source 1 --delta 0", plain);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 2, "%s", err);

    snprintf(args, sizeof args, "run sssp %s --source 7 --threads 2 --output %s --verify --quiet",
             weighted, out);
    cr_assert_eq(run_cli(args, text, sizeof text, err, sizeof err), 0, "%s", err);
    FILE *f = fopen(out, "r");
    cr_assert(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    cr_assert_str_eq(text, "7 0.000000000000000e+00\n8 2.500000000000000e-01\n"
                           "9 1.000250000000000e+03\n10 Infinity\n");
    unlink(out);
    unlink(plain);
    unlink(negative);
    unlink(weighted);
    rmdir(dir);
}

/* The check for negative weights reads a graph's weights once: its answer
 * (the first negative arc in CSR order, and its source) is kept in the
 * graph, every later run reuses it, and new weights replace it. */
Test(sssp, negative_weights_are_looked_for_once_per_graph)
{
    sf_graph *g = graph_generated("urand:10", 5, false);
    sf_vid from;
    sf_eid arc;
    cr_assert_not(sf_graph_negative_weight(g, &from, &arc), "no weights, none negative");
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, 9), 0);
    cr_assert_not(sf_graph_negative_weight(g, &from, &arc));

    /* weights as an input could give them: two negative ones */
    sf_eid first = g->num_arcs / 3, later = 2 * g->num_arcs / 3;
    g->out_weights[later] = -3;
    g->out_weights[first] = -0.5;
    g->weights_checked = false;
    sf_engine *e = engine_for(g, 2, 4);
    sf_vid source = 0;          /* of the arc `first`, by a linear walk */
    while (g->out_offsets[source + 1] <= first)
        source++;
    char want[160];
    snprintf(want, sizeof want, "sssp needs non-negative weights; arc %llu -> %llu weighs -0.5",
             (unsigned long long)sf_graph_original_id(g, source),
             (unsigned long long)sf_graph_original_id(g, g->out_neighbors[first]));
    const sf_algo *sssp = sf_algo_find("sssp");
    sf_params p = {.seed = 1, .iterations = -1};
    for (int run = 0; run < 2; run++) {
        sf_job_result r;
        sf_error err;
        cr_assert_eq(sf_job_run(sssp, e, g, run == 1, &p, &r, &err), SF_EINPUT);
        cr_assert(strstr(err.msg, want), "run %d: %s, not %s", run, err.msg, want);
    }
    cr_assert(sf_graph_negative_weight(g, &from, &arc));
    cr_assert_eq(arc, first);
    cr_assert_eq(from, source);
    /* kept: a weight mended behind the graph's back is not read again */
    g->out_weights[first] = 1;
    g->out_weights[later] = 1;
    cr_assert(sf_graph_negative_weight(g, &from, &arc));
    cr_assert_eq(arc, first);
    /* new weights, a new answer */
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_UNIT, 0), 0);
    cr_assert_not(sf_graph_negative_weight(g, &from, &arc));
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}
