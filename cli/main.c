/* The front door: `shardflow run|info|bench|topology`. Parses the command
 * line (GNU long options, every one with help text), then hands over to
 * bench/jobs (run, info) or bench/cost (bench). Exit status: 0 success,
 * 1 bad input (a malformed or missing file), 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <hwloc.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/cost.h"
#include "bench/dist_jobs.h"
#include "bench/jobs.h"
#include "engine/dist.h"
#include "engine/parallel.h"
#include "engine/record.h"
#include "io/ldbc.h"

/* jemalloc, the binary's allocator: back big arrays with transparent huge
 * pages (this kernel's THP mode is usually "madvise"), so that the random
 * accesses of every kernel do not pay a page walk each. */
const char *malloc_conf = "thp:always,metadata_thp:auto";

enum {
    OPT_DIRECTED = 256, OPT_UNDIRECTED, OPT_ITERATIONS, OPT_DAMPING, OPT_THREADS, OPT_OUTPUT,
    OPT_JSON, OPT_VERIFY, OPT_SEED, OPT_QUIET, OPT_BASELINE, OPT_SHARDS, OPT_NO_PIN,
    OPT_GRAPHS, OPT_ALGOS, OPT_TRIALS, OPT_OUT, OPT_SOURCE, OPT_DELTA, OPT_WEIGHTS, OPT_COLD, OPT_REPLAY, OPT_HELP,
};

static const char usage_main[] =
    "usage: shardflow COMMAND [options]\n"
    "\n"
    "  run ALGO GRAPH [options]   run one kernel (ALGO: pr, wcc, bfs, sssp, cdlp, lcc, tc, kcore)\n"
    "  info GRAPH [options]       vertices, edges, degree statistics, memory estimate\n"
    "  bench [options]            the COST benchmark: baseline vs engine at 1, 2, 4, ... threads\n"
    "  topology [--threads N]     CPU model, NUMA nodes and how the workers are bound\n"
    "\n"
    "GRAPH is a file (NAME.e [+ NAME.v, NAME.properties] LDBC; *.el, *.txt, *.wel edge lists;\n"
    "any of them .gz) or a generator: kron:SCALE[:EDGEFACTOR], urand:SCALE[:DEGREE].\n"
    "`shardflow COMMAND --help` lists the options of a command.\n";

static const char usage_graph_options[] =
    "      --directed          treat the graph as directed (default for files)\n"
    "      --undirected        symmetrise the graph (default for generators)\n"
    "      --seed N            generator seed (default 1); same seed, same graph at any thread count;\n"
    "                          also seeds --weights=random and the bfs/sssp source when none is given\n"
    "      --weights W         replace the input's edge weights: unit (all 1) or random (integers\n"
    "                          in [1, 255] from --seed, as the GAP suite makes them)\n"
    "      --threads N         worker threads, one per core (default: all cores)\n"
    "      --shards N          shards to cut the graph into (default: 4 per worker)\n"
    "      --no-pin            do not bind workers to cores\n"
    "      --quiet             no summary on stdout\n"
    "  -h, --help              this text\n";

static const char usage_run[] =
    "usage: shardflow run ALGO GRAPH [options]\n"
    "\n"
    "Runs one kernel. ALGO: pr (PageRank, LDBC semantics), wcc (weakly connected components),\n"
    "bfs (hop depth from --source), sssp (shortest-path distance from --source; needs weights),\n"
    "cdlp (community labels by label propagation), lcc (local clustering coefficient),\n"
    "tc (triangles per vertex; undirected graphs), kcore (core numbers; undirected graphs).\n"
    "LDBC parameters in NAME.properties (pr.num-iterations, pr.damping-factor,\n"
    "bfs.source-vertex, sssp.source-vertex, cdlp.max-iterations) are used when the matching\n"
    "flag is not given.\n"
    "\n"
    "      --iterations N      PageRank iterations (default 20), CDLP iterations (default 10)\n"
    "      --damping D         PageRank damping factor (default 0.85)\n"
    "      --source ID         bfs and sssp source, an original vertex id (default: a vertex with\n"
    "                          out-edges drawn from --seed, reported in the result)\n"
    "      --delta D           sssp bucket width for delta-stepping (default: automatic)\n"
    "      --output FILE       write 'ID VALUE' per vertex (LDBC Graphalytics format)\n"
    "      --json              print the run record (one JSON object) instead of the summary\n"
    "      --verify            check the answer against a slow reference; prints PASS or FAIL\n"
    "      --baseline          run the single-threaded baseline instead of the engine\n";

static const char usage_info[] =
    "usage: shardflow info GRAPH [options]\n"
    "\n"
    "Loads GRAPH and prints vertices, edges, degree statistics, self-loops and duplicates\n"
    "dropped, and the memory the graph and each kernel need.\n";

static const char usage_bench[] =
    "usage: shardflow bench [options]\n"
    "\n"
    "The COST benchmark: for each graph and algorithm, the single-threaded baseline and the\n"
    "engine at each thread count, interleaved trial by trial after one warm-up; min/median/max,\n"
    "speedup over the baseline, and the COST (the fewest threads whose median beats the\n"
    "baseline's median).\n"
    "\n"
    "      --graphs LIST       comma-separated graphs (default kron:20)\n"
    "      --algos LIST        comma-separated algorithms (default pr,wcc)\n"
    "      --threads LIST      comma-separated thread counts (default 1, 2, 4, ... up to the cores)\n"
    "      --trials N          timed trials per configuration (default 5)\n"
    "      --out DIR           results.csv, results.json, report.md, topology.xml and the plots\n"
    "                          (time.png/.svg, speedup.png/.svg, drawn by gnuplot) go here\n"
    "                          (default bench-out)\n"
    "      --cold              drop the page cache before every load (root), and load once per\n"
    "                          trial so load times are cold min/median/max\n"
    "      --replay FILE       run the study recorded in FILE (a results.json) again: same\n"
    "                          graphs, algorithms, threads, trials, seed and parameters\n"
    "      --iterations N      PageRank iterations (default 20), CDLP iterations (default 10)\n"
    "      --damping D         PageRank damping factor (default 0.85)\n"
    "      --source ID         bfs and sssp source (default: drawn from --seed)\n"
    "      --delta D           sssp bucket width (default: automatic)\n"
    "sssp on an unweighted graph gets --weights=random unless --weights says otherwise.\n";

static const struct option long_options[] = {
    {"directed", no_argument, NULL, OPT_DIRECTED},
    {"undirected", no_argument, NULL, OPT_UNDIRECTED},
    {"iterations", required_argument, NULL, OPT_ITERATIONS},
    {"damping", required_argument, NULL, OPT_DAMPING},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"no-pin", no_argument, NULL, OPT_NO_PIN},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"seed", required_argument, NULL, OPT_SEED},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"baseline", no_argument, NULL, OPT_BASELINE},
    {"graphs", required_argument, NULL, OPT_GRAPHS},
    {"algos", required_argument, NULL, OPT_ALGOS},
    {"trials", required_argument, NULL, OPT_TRIALS},
    {"out", required_argument, NULL, OPT_OUT},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"delta", required_argument, NULL, OPT_DELTA},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"cold", no_argument, NULL, OPT_COLD},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct cli {
    const char *command;
    const char *algo_name;
    const char *graph;
    sf_load_options load;
    sf_params params;
    bool iterations_set, damping_set;
    sf_engine_options engine;
    const char *output;
    bool json, verify, quiet, baseline;
    const char *threads_list, *graphs, *algos, *out_dir, *replay;
    bool cold;
    int trials;
    char command_line[4096];
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "shardflow: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see shardflow --help)\n");
    return 2;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    uint64_t v;
    if (!parse_u64(s, &v) || v < (uint64_t)lo || v > (uint64_t)hi)
        return false;
    *out = (int)v;
    return true;
}

/* Parses options shared by every command. Returns 0, or an exit status. */
static int parse_options(struct cli *c, int argc, char **argv, const char *help)
{
    c->load.seed = 1;
    c->params.iterations = -1;   /* the kernel's default */
    c->params.damping = 0.85;
    c->trials = 5;
    size_t len = 0;
    for (int i = 0; i < argc && len < sizeof c->command_line; i++)
        len += snprintf(c->command_line + len, sizeof c->command_line - len, "%s%s", i ? " " : "",
                        argv[i]);
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_DIRECTED: c->load.directed = true; break;
        case OPT_UNDIRECTED: c->load.undirected = true; break;
        case OPT_ITERATIONS:
            if (!parse_int(optarg, 0, 1000000, &c->params.iterations))
                return usage_error("--iterations %s: expected 0..1000000", optarg);
            c->iterations_set = true;
            break;
        case OPT_DAMPING: {
            char *end;
            c->params.damping = strtod(optarg, &end);
            if (*end || !(c->params.damping >= 0 && c->params.damping <= 1))
                return usage_error("--damping %s: expected a number in [0, 1]", optarg);
            c->damping_set = true;
            break;
        }
        case OPT_THREADS:
            if (c->command && strcmp(c->command, "bench") == 0) {
                c->threads_list = optarg;
            } else if (!parse_int(optarg, 1, 4096, &c->engine.threads)) {
                return usage_error("--threads %s: expected 1..4096", optarg);
            }
            break;
        case OPT_SHARDS:
            if (!parse_int(optarg, 1, 1 << 20, &c->engine.shards))
                return usage_error("--shards %s: expected 1..1048576", optarg);
            break;
        case OPT_NO_PIN: c->engine.no_pin = true; break;
        case OPT_OUTPUT: c->output = optarg; break;
        case OPT_JSON: c->json = true; break;
        case OPT_VERIFY: c->verify = true; break;
        case OPT_SEED:
            if (!parse_u64(optarg, &c->load.seed))
                return usage_error("--seed %s: expected an unsigned integer", optarg);
            break;
        case OPT_QUIET: c->quiet = true; break;
        case OPT_BASELINE: c->baseline = true; break;
        case OPT_GRAPHS: c->graphs = optarg; break;
        case OPT_ALGOS: c->algos = optarg; break;
        case OPT_TRIALS:
            if (!parse_int(optarg, 1, 1000, &c->trials))
                return usage_error("--trials %s: expected 1..1000", optarg);
            break;
        case OPT_OUT: c->out_dir = optarg; break;
        case OPT_COLD: c->cold = true; break;
        case OPT_REPLAY: c->replay = optarg; break;
        case OPT_SOURCE:
            if (!parse_u64(optarg, &c->params.source))
                return usage_error("--source %s: expected a vertex id (unsigned integer)", optarg);
            c->params.source_set = true;
            break;
        case OPT_DELTA: {
            char *end;
            c->params.delta = strtod(optarg, &end);
            if (*end || !(c->params.delta > 0) || isinf(c->params.delta))
                return usage_error("--delta %s: expected a positive number", optarg);
            break;
        }
        case OPT_WEIGHTS:
            if (!sf_weights_parse(optarg, &c->load.weights))
                return usage_error("--weights %s: expected unit or random", optarg);
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s", help, usage_graph_options);
            exit(0);
        default:
            return 2;
        }
    }
    if (c->load.directed && c->load.undirected)
        return usage_error("%s", "--directed and --undirected exclude each other");
    c->params.seed = c->load.seed;
    return 0;
}

static int exit_status(int rc)
{
    return rc == SF_EUSAGE ? 2 : 1;
}

/* One LDBC parameter from NAME.properties, as an unsigned integer: 1 when
 * found, 0 when absent, or an error. */
static int ldbc_u64(const char *graph, const char *key, uint64_t *value, sf_error *err)
{
    char text[128];
    int found = sf_ldbc_property(graph, key, text, sizeof text, err);
    if (found <= 0)
        return found;
    if (!parse_u64(text, value))
        return sf_error_set(err, SF_EINPUT, "%s: bad %s '%s' in .properties", graph, key, text);
    return 1;
}

/* LDBC parameters from NAME.properties, for flags the user did not give:
 * ALGO.source-vertex, pr.num-iterations, cdlp.max-iterations,
 * pr.damping-factor. */
static int ldbc_defaults(struct cli *c, const sf_algo *algo, sf_error *err)
{
    size_t n = strlen(c->graph);
    if (n < 2 || strcmp(c->graph + n - 2, ".e") != 0)
        return 0;
    char key[64];
    uint64_t value;
    int found;
    if (algo->needs_source && !c->params.source_set) {
        snprintf(key, sizeof key, "%s.source-vertex", algo->name);
        if ((found = ldbc_u64(c->graph, key, &c->params.source, err)) < 0)
            return found;
        c->params.source_set = found;
    }
    if (algo->default_iterations && !c->iterations_set) {
        snprintf(key, sizeof key, "%s.%s", algo->name,
                 strcmp(algo->name, "pr") == 0 ? "num-iterations" : "max-iterations");
        if ((found = ldbc_u64(c->graph, key, &value, err)) < 0)
            return found;
        if (found && value > 1000000)
            return sf_error_set(err, SF_EINPUT, "%s: %s %llu out of range in .properties",
                                c->graph, key, (unsigned long long)value);
        if (found)
            c->params.iterations = (int)value;
    }
    if (strcmp(algo->name, "pr") == 0 && !c->damping_set) {
        char text[128];
        if ((found = sf_ldbc_property(c->graph, "pr.damping-factor", text, sizeof text, err)) < 0)
            return found;
        if (found) {
            char *end;
            c->params.damping = strtod(text, &end);
            if (*end || !(c->params.damping >= 0 && c->params.damping <= 1))
                return sf_error_set(err, SF_EINPUT, "%s: bad pr.damping-factor '%s' in .properties",
                                    c->graph, text);
        }
    }
    return 0;
}

static int cmd_run(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv, usage_run);
    if (status)
        return status;
    if (argc - optind != 2)
        return usage_error("%s", "run needs ALGO and GRAPH");
    c->algo_name = argv[optind];
    c->graph = argv[optind + 1];
    const sf_algo *algo = sf_algo_find(c->algo_name);
    if (!algo)
        return usage_error("unknown algorithm '%s' (expected pr, wcc, bfs, sssp, cdlp, lcc, tc or kcore)",
                           c->algo_name);

    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    sf_job_result result = {0};
    double load_s = 0, build_s = 0;
    int rc = ldbc_defaults(c, algo, &err);
    if (rc == 0 && sf_dist_active()) { /* started as several MPI ranks */
        sf_dist_job job = {
            .algo = algo, .graph = c->graph, .load = c->load, .params = c->params,
            .engine = c->engine, .output = c->output, .json = c->json, .verify = c->verify,
            .quiet = c->quiet, .baseline = c->baseline, .command_line = c->command_line,
        };
        return sf_dist_job_run(&job);
    }
    if (rc == 0)
        rc = sf_engine_create(&c->engine, &e, &err);
    if (rc == 0)
        rc = sf_job_load(c->graph, &c->load, e, &g, &load_s, &build_s, &err);
    if (rc == 0)
        rc = sf_job_run(algo, e, g, c->baseline, &c->params, &result, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        status = exit_status(rc);
        goto out;
    }
    const char *verify = "skipped";
    if (c->verify) {
        bool pass;
        char msg[256];
        if (sf_job_verify(algo, g, &result, &pass, msg, sizeof msg)) {
            fprintf(stderr, "shardflow: out of memory while verifying\n");
            status = 1;
            goto out;
        }
        verify = pass ? "pass" : "fail";
        if (!pass)
            fprintf(stderr, "shardflow: verify: %s\n", msg);
    }
    if (c->output) {
        rc = sf_results_write(c->output, g, algo->kind, result.values, &err);
        if (rc) {
            fprintf(stderr, "shardflow: %s\n", err.msg);
            status = 1;
            goto out;
        }
    }
    char placement[1024];
    sf_engine_placement_json(e, placement, sizeof placement);
    sf_run_info info = {
        .algo = algo->name, .engine = c->baseline ? "baseline" : "shardflow",
        .source = c->graph, .vertices = g->num_vertices, .edges = g->num_edges,
        .directed = g->directed, .threads = c->baseline ? 1 : sf_engine_threads(e), .ranks = 1,
        .placement_json = c->baseline ? NULL : placement, .load_s = load_s,
        .build_s = build_s + result.prepare_s, .run_s = result.run_s,
        .iteration_s = result.log.seconds, .iterations = result.log.count,
        .peak_rss_bytes = sf_peak_rss_bytes(), .verify = verify, .result_json = result.result_json,
        .command_line = c->command_line, .seed = c->load.seed, .trial = -1,
    };
    if (c->baseline && algo->default_iterations) /* baselines keep no iteration log */
        info.iterations = result.params.iterations;
    if (c->json) {
        sf_record_write(stdout, &info);
        putchar('\n');
    } else if (!c->quiet) {
        printf("graph %s: %" PRIu32 " vertices, %" PRIu64 " edges (%s); load %.3f s, build %.3f s\n",
               c->graph, g->num_vertices, g->num_edges, g->directed ? "directed" : "undirected",
               load_s, build_s + result.prepare_s);
        if (c->baseline)
            printf("%s baseline (1 thread): %.3f s\n", algo->name, result.run_s);
        else
            printf("%s on %d threads, %d shards: %.3f s, %d iterations\n", algo->name,
                   sf_engine_threads(e), sf_engine_num_shards(e), result.run_s, result.log.count);
        printf("result: %s\n", result.result_json);
    }
    if (c->verify && !c->json)
        printf("verify: %s\n", strcmp(verify, "pass") == 0 ? "PASS" : "FAIL");
    if (strcmp(verify, "fail") == 0)
        status = 1;
out:
    sf_job_result_fini(&result);
    sf_graph_destroy(&g);
    sf_engine_destroy(&e);
    return status;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmd_info(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv, usage_info);
    if (status)
        return status;
    if (argc - optind != 1)
        return usage_error("%s", "info needs GRAPH");
    c->graph = argv[optind];
    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    double load_s, build_s;
    int rc = sf_engine_create(&c->engine, &e, &err);
    if (rc == 0)
        rc = sf_job_load(c->graph, &c->load, e, &g, &load_s, &build_s, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        sf_engine_destroy(&e);
        return exit_status(rc);
    }
    uint64_t n = g->num_vertices;
    uint32_t *deg = malloc((n ? n : 1) * sizeof *deg);
    uint64_t isolated = 0;
    for (uint64_t v = 0; v < n; v++) {
        deg[v] = (uint32_t)sf_out_degree(g, (sf_vid)v);
        isolated += deg[v] == 0 && sf_in_degree(g, (sf_vid)v) == 0;
    }
    qsort(deg, n, sizeof *deg, compare_u32);
    printf("graph:           %s (%s)\n", c->graph, g->directed ? "directed" : "undirected");
    printf("vertices:        %" PRIu64 " (%" PRIu64 " isolated)\n", n, isolated);
    printf("edges:           %" PRIu64 " (%" PRIu64 " arcs stored)\n", g->num_edges, g->num_arcs);
    printf("dropped:         %" PRIu64 " self-loops, %" PRIu64 " duplicate %s\n",
           g->dropped_self_loops, g->dropped_duplicates, g->directed ? "arcs" : "edges");
    if (n)
        printf("out-degree:      min %u, median %u, max %u, mean %.2f\n", deg[0], deg[n / 2],
               deg[n - 1], (double)g->num_arcs / n);
    printf("graph memory:    %.1f MiB (%.2f bytes per edge)\n", sf_graph_bytes(g) / 1048576.0,
           g->num_edges ? (double)sf_graph_bytes(g) / g->num_edges : 0.0);
    /* pr: two contribution buffers, an accumulator, the ranks; wcc: the
     * forest, the per-root minimum id, the labels */
    printf("kernel memory:   pr +%.1f MiB, wcc +%.1f MiB (vertex state and output)\n",
           32.0 * n / 1048576.0, 20.0 * n / 1048576.0);
    printf("load %.3f s, build %.3f s, peak RSS %.1f MiB\n", load_s, build_s,
           sf_peak_rss_bytes() / 1048576.0);
    free(deg);
    sf_graph_destroy(&g);
    sf_engine_destroy(&e);
    return 0;
}

static int cmd_bench(struct cli *c, int argc, char **argv)
{
    c->command = "bench";
    int status = parse_options(c, argc, argv, usage_bench);
    if (status)
        return status;
    if (optind != argc)
        return usage_error("bench takes no positional argument ('%s')", argv[optind]);
    sf_cost_options o = {
        .graphs = c->graphs ? c->graphs : "kron:20",
        .algos = c->algos ? c->algos : "pr,wcc",
        .threads = c->threads_list,
        .trials = c->trials,
        .out_dir = c->out_dir ? c->out_dir : "bench-out",
        .load = c->load,
        .params = c->params,
        .engine = c->engine,
        .cold = c->cold,
        .command_line = c->command_line,
        .quiet = c->quiet,
    };
    sf_error err = {{0}};
    int rc = 0;
    if (c->replay) {
        if (c->graphs || c->algos || c->threads_list)
            return usage_error("%s", "--replay takes the graphs, algorithms and threads of the "
                                     "recorded study; give only --out (and --quiet)");
        rc = sf_cost_replay_options(c->replay, &o, &err);
        if (rc == 0 && !c->quiet)
            printf("replaying %s: --graphs %s --algos %s --threads %s --trials %d --seed %llu\n",
                   c->replay, o.graphs, o.algos, o.threads, o.trials,
                   (unsigned long long)o.load.seed);
    }
    if (rc == 0)
        rc = sf_cost_study(&o, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        return exit_status(rc);
    }
    return 0;
}

static int cmd_topology(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv, "usage: shardflow topology [--threads N]\n\n"
                                              "Prints the machine as hwloc sees it and the workers' cores.\n");
    if (status)
        return status;
    sf_error err = {{0}};
    sf_engine *e = NULL;
    int rc = sf_engine_create(&c->engine, &e, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        return exit_status(rc);
    }
    char placement[1024];
    sf_engine_placement_json(e, placement, sizeof placement);
    printf("cpu:      %s\n", sf_host_cpu_model());
    printf("workers:  %d\n", sf_engine_threads(e));
    printf("plan:     %s\n", placement);
    sf_engine_destroy(&e);
    return 0;
}

static int run_command(int argc, char **argv)
{
    struct cli c = {0};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    c.command = cmd;
    if (sf_dist_size() > 1 && strcmp(cmd, "run") != 0)
        return usage_error("%s does not run over MPI ranks; start it without mpirun", cmd);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(&c, argc - 1, argv + 1);
    if (strcmp(cmd, "topology") == 0)
        return cmd_topology(&c, argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}

/* Under mpirun/srun with several ranks, `run` takes the distributed path
 * (bench/dist_jobs.h); every rank runs main, only rank 0 prints. */
int main(int argc, char **argv)
{
    sf_error err = {{0}};
    if (sf_dist_init(&argc, &argv, &err)) {
        if (sf_dist_rank() == 0)
            fprintf(stderr, "shardflow: %s\n", err.msg);
        sf_dist_finalize();
        return 2;
    }
    sf_dist_quiet_other_ranks();
    int status = run_command(argc, argv);
    sf_dist_finalize();
    return status;
}
