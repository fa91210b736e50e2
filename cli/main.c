/* The front door: `shardflow run|convert|info|bench|topology`. Parses the
 * command line (GNU long options, every one with help text), then hands
 * over to bench/jobs (run, info, convert), io/snapshot and io/write_edges
 * (convert) or bench/cost (bench). Exit status: 0 success, 1 bad input (a
 * malformed or missing file), 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <hwloc.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cost.h"
#include "bench/dist_jobs.h"
#include "bench/jobs.h"
#include "datasets/generators.h"
#include "engine/dist.h"
#include "engine/parallel.h"
#include "engine/record.h"
#include "engine/topology.h"
#include "io/input.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/snapshot.h"
#include "io/text_reader.h"
#include "io/write_edges.h"
#include "operators/kernels.h"

/* jemalloc, the binary's allocator: back big arrays with transparent huge
 * pages (this kernel's THP mode is usually "madvise"), so that the random
 * accesses of every kernel do not pay a page walk each. */
const char *malloc_conf = "thp:always,metadata_thp:auto";

enum {
    OPT_DIRECTED = 256, OPT_UNDIRECTED, OPT_ITERATIONS, OPT_DAMPING, OPT_THREADS, OPT_OUTPUT,
    OPT_JSON, OPT_VERIFY, OPT_SEED, OPT_QUIET, OPT_BASELINE, OPT_SHARDS, OPT_NO_PIN,
    OPT_GRAPHS, OPT_ALGOS, OPT_TRIALS, OPT_OUT, OPT_SOURCE, OPT_DELTA, OPT_WEIGHTS, OPT_COLD,
    OPT_REPLAY, OPT_NUMA, OPT_TOPOLOGY, OPT_VERTICES, OPT_DEDUP, OPT_DROP_SELF_LOOPS, OPT_RANKS,
    OPT_MPIRUN, OPT_PROGRESS, OPT_HELP,
};

static const char usage_main[] =
    "usage: shardflow COMMAND [options]\n"
    "\n"
    "  run ALGO GRAPH [options]   run one kernel (ALGO: pr, wcc, bfs, sssp, cdlp, lcc, tc, kcore)\n"
    "  convert GRAPH OUT [opts]   write GRAPH as OUT: native snapshot (.sfg, the default), or\n"
    "                             .el/.txt/.wel/.mtx\n"
    "  info GRAPH [options]       vertices, edges, degree statistics, components, memory\n"
    "  bench [options]            the COST benchmark: baseline vs engine at 1, 2, 4, ... threads\n"
    "  topology [GRAPH] [options] packages, NUMA nodes, cores; where workers, shards and memory go\n"
    "\n"
    "GRAPH is a file (NAME.e [+ NAME.v, NAME.properties] LDBC; *.el, *.txt, *.wel edge lists;\n"
    "*.mtx Matrix Market; *.sg, *.wsg gapbs; *.bin, *.wbin Gemini/GridGraph binary; any of them\n"
    ".gz; *.sfg native snapshots) or a generator: kron:SCALE[:EDGEFACTOR], urand:SCALE[:DEGREE].\n"
    "`shardflow COMMAND --help` lists the options of a command.\n";

static const char usage_run[] =
    "usage: shardflow run ALGO GRAPH [options]\n"
    "\n"
    "Runs one kernel. ALGO: pr (PageRank, LDBC semantics), wcc (weakly connected components),\n"
    "bfs (hop depth from --source), sssp (shortest-path distance from --source; needs weights),\n"
    "cdlp (community labels by label propagation), lcc (local clustering coefficient),\n"
    "tc (triangles per vertex; undirected graphs), kcore (core numbers; undirected graphs).\n"
    "LDBC parameters in NAME.properties (pr.num-iterations, pr.damping-factor,\n"
    "bfs.source-vertex, sssp.source-vertex, cdlp.max-iterations) are used when the matching\n"
    "flag is not given.\n";

static const char usage_info[] =
    "usage: shardflow info GRAPH [options]\n"
    "\n"
    "Prints, one 'key: value' line each (--json: one JSON object with the same facts):\n"
    "  graph, format      the argument and what it was read as\n"
    "  expect             printed before anything large is allocated: the counts a snapshot's\n"
    "                     or a .mtx's header gives (a .mtx: vertices, entries, the most arcs\n"
    "                     they can store), or the arcs a text file's size suggests, and the\n"
    "                     memory the load will take\n"
    "  directed, weighted yes or no\n"
    "  vertices, edges    isolated vertices; arcs stored (2 per undirected edge)\n"
    "  dropped            self-loops and duplicates removed while building\n"
    "  out-degree         min, median (the (n/2)-th smallest, 0-based), max, mean; in-degree\n"
    "                     too for directed graphs\n"
    "  components         weakly connected components (by the wcc kernel) and the largest\n"
    "  graph memory       the graph's arrays (CSR, id maps), bytes per edge\n"
    "  memory pr ... kcore  estimated extra memory to run each kernel: its vertex state,\n"
    "                     output and any layout it builds, beyond the graph\n"
    "  load               load and build seconds, peak RSS once the graph was ready\n";

static const char usage_convert[] =
    "usage: shardflow convert GRAPH OUT [options]\n"
    "\n"
    "Writes GRAPH (any input: a file of any format shardflow reads, or a generator) as OUT,\n"
    "in the format OUT's suffix names (no suffix: OUT.sfg):\n"
    "  .sfg        native snapshot: the built graph as it lies in memory, loaded without a\n"
    "              parse or a build (checksummed, 4 KiB-aligned sections)\n"
    "  .el .txt    text edge list, 'src dst' per line (weights are not written)\n"
    "  .wel        'src dst weight' per line (needs weights: the input's, or --weights)\n"
    "  .mtx        Matrix Market coordinate, pattern or real; symmetric when undirected.\n"
    "              Indices are 1-based: a graph with vertex 0 is written with every id + 1\n"
    "              (a comment line says so); an index past 4294967294 (the most vertices a\n"
    "              graph may have) is refused: .el, .wel and .sfg keep any id\n"
    "Ids are the original ids. A .sfg holds the simple graph shardflow runs on (self-loops and\n"
    "duplicates dropped, as GAP and LDBC do; their counts kept in the header), so --dedup and\n"
    "--drop-self-loops change nothing there. Text outputs are written from the input's arcs,\n"
    "in input order, nothing dropped unless asked: a conversion loses no line. With both\n"
    "--dedup and --drop-self-loops a text output is exactly the graph shardflow builds. Vertices\n"
    "in no edge (LDBC .v, snapshots, generators) have no line in a text edge list. The output\n"
    "is written to OUT.tmp.PID and renamed: a failed conversion leaves nothing behind.\n"
    "--undirected also sets a .mtx output's symmetry; --weights gives every arc a weight\n"
    "(random: the same weights `run --weights=random --seed N` gives the graph).\n";

static const char usage_bench[] =
    "usage: shardflow bench [options]\n"
    "\n"
    "The COST benchmark: for each graph and algorithm, the single-threaded baseline and the\n"
    "engine at each thread count, interleaved trial by trial after one warm-up; min/median/max,\n"
    "speedup over the baseline, and the COST (the fewest threads whose median beats the\n"
    "baseline's median). sssp on an unweighted graph gets --weights=random unless --weights\n"
    "says otherwise.\n";

static const char usage_topology[] =
    "usage: shardflow topology [GRAPH] [options]\n"
    "\n"
    "Prints the machine as hwloc sees it (packages, NUMA nodes with their\n"
    "cores and memory, PUs) and the plan: for each NUMA node, its workers,\n"
    "their cores and the shards it owns (with GRAPH: their vertices and\n"
    "in-arcs), then how workers and memory are bound and the placement\n"
    "record that `run --json` would carry.\n";

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
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"baseline", no_argument, NULL, OPT_BASELINE},
    {"graphs", required_argument, NULL, OPT_GRAPHS},
    {"algos", required_argument, NULL, OPT_ALGOS},
    {"trials", required_argument, NULL, OPT_TRIALS},
    {"out", required_argument, NULL, OPT_OUT},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"delta", required_argument, NULL, OPT_DELTA},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"cold", no_argument, NULL, OPT_COLD},
    {"ranks", required_argument, NULL, OPT_RANKS},
    {"mpirun", required_argument, NULL, OPT_MPIRUN},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"vertices", required_argument, NULL, OPT_VERTICES},
    {"help", no_argument, NULL, OPT_HELP},
    {"numa", required_argument, NULL, OPT_NUMA},
    {"topology", required_argument, NULL, OPT_TOPOLOGY},
    {"dedup", no_argument, NULL, OPT_DEDUP},
    {"drop-self-loops", no_argument, NULL, OPT_DROP_SELF_LOOPS},
    {NULL, 0, NULL, 0},
};

/* The commands, one bit each, for the table of which takes which option;
 * `commands` (before run_command) names each and says what runs it. */
enum { RUN = 1, CONVERT = 2, INFO = 4, BENCH = 8, TOPOLOGY = 16 };

/* Every command reads a graph (bench: every graph of the study; topology:
 * the one it may be given) and makes an engine that puts its work and
 * memory (the load's too): the options that shape either are ALL's. */
#define ALL (RUN | CONVERT | INFO | BENCH | TOPOLOGY)

struct cli;

/* A command: its name, its bit, its --help text and what runs it. */
struct command {
    const char *name;
    unsigned bit;
    const char *usage;
    int (*run)(struct cli *c, int argc, char **argv);
};

/* Which command takes which option, and what it means there: the one
 * source of both the refusal of an option a command does not take and
 * each command's --help, which lists its rows in this order. An option
 * whose meaning differs between commands has a row for each. */
static const struct option_doc {
    int id;
    unsigned commands;
    const char *help;
} option_docs[] = {
    {OPT_GRAPHS, BENCH, "      --graphs LIST       comma-separated graphs (default kron:20)\n"},
    {OPT_ALGOS, BENCH, "      --algos LIST        comma-separated algorithms (default pr,wcc)\n"},
    {OPT_THREADS, BENCH,
     "      --threads LIST      comma-separated thread counts (default 1, 2, 4, ... up to the cores)\n"},
    {OPT_TRIALS, BENCH, "      --trials N          timed trials per configuration (default 5)\n"},
    {OPT_OUT, BENCH,
     "      --out DIR           results.csv, results.json, report.md, topology.xml and the plots\n"
     "                          (time.png/.svg, speedup.png/.svg, drawn by gnuplot) go here\n"
     "                          (default bench-out)\n"},
    {OPT_RANKS, BENCH,
     "      --ranks LIST        also run the engine over MPI ranks (counts > 1), each started by\n"
     "                          the launcher as `run --json` with the study's parameters, load\n"
     "                          and engine options, cores / ranks threads per rank\n"},
    {OPT_MPIRUN, BENCH,
     "      --mpirun CMD        the launcher for --ranks (default: mpirun --oversubscribe; give\n"
     "                          e.g. 'mpirun --hostfile hosts' on a cluster)\n"},
    {OPT_COLD, BENCH,
     "      --cold              drop the page cache before every load (root), and load once per\n"
     "                          trial so load times are cold min/median/max\n"},
    {OPT_REPLAY, BENCH,
     "      --replay FILE       run the study recorded in FILE (a results.json) again: same\n"
     "                          graphs, algorithms, threads, ranks, trials, seed, parameters, load\n"
     "                          options (vertex count, weights, direction) and engine options\n"
     "                          (shards, pinning, NUMA policy); beside it the only options taken\n"
     "                          are --out, --quiet, --progress, --mpirun and --topology\n"},
    {OPT_ITERATIONS, RUN | BENCH,
     "      --iterations N      PageRank iterations (default 20), CDLP iterations (default 10)\n"},
    {OPT_DAMPING, RUN | BENCH, "      --damping D         PageRank damping factor (default 0.85)\n"},
    {OPT_SOURCE, RUN,
     "      --source ID         bfs and sssp source, an original vertex id (default: a vertex with\n"
     "                          out-edges drawn from --seed, reported in the result)\n"},
    {OPT_SOURCE, BENCH, "      --source ID         bfs and sssp source (default: drawn from --seed)\n"},
    {OPT_DELTA, RUN | BENCH,
     "      --delta D           sssp bucket width for delta-stepping (default: automatic)\n"},
    {OPT_OUTPUT, RUN,
     "      --output FILE       write 'ID VALUE' per vertex (LDBC Graphalytics format)\n"},
    {OPT_JSON, RUN,
     "      --json              print the run record (one JSON object) instead of the summary\n"},
    {OPT_JSON, INFO, "      --json              one JSON object instead of the lines\n"},
    {OPT_VERIFY, RUN,
     "      --verify            check the answer against a slow reference; prints PASS or FAIL\n"},
    {OPT_BASELINE, RUN,
     "      --baseline          run the single-threaded baseline instead of the engine\n"},
    {OPT_DEDUP, CONVERT,
     "      --dedup             text outputs: each distinct arc once (with --undirected, u v and\n"
     "                          v u are one edge, written from the smaller id), sorted by\n"
     "                          (source, target), the smallest weight kept\n"},
    {OPT_DROP_SELF_LOOPS, CONVERT, "      --drop-self-loops   text outputs: leave out 'u u' lines\n"},
    {OPT_DIRECTED, ALL,
     "      --directed          treat the graph as directed (default for files that do not say)\n"},
    {OPT_UNDIRECTED, ALL,
     "      --undirected        symmetrise the graph (default for generators)\n"},
    {OPT_SEED, RUN | BENCH,
     "      --seed N            generator seed (default 1); same seed, same graph at any thread count;\n"
     "                          also seeds --weights=random and the bfs/sssp source when none is given\n"},
    {OPT_SEED, CONVERT | INFO | TOPOLOGY,
     "      --seed N            generator seed (default 1); same seed, same graph at any thread count;\n"
     "                          also seeds --weights=random\n"},
    {OPT_WEIGHTS, ALL,
     "      --weights W         replace the input's edge weights: unit (all 1) or random (integers\n"
     "                          in [1, 255] hashed from --seed and the arc's original ids, as the GAP\n"
     "                          suite makes them)\n"},
    {OPT_VERTICES, ALL,
     "      --vertices N        vertex count of a .bin/.wbin file, ids 0..N-1 (default: largest\n"
     "                          id + 1); keeps isolated vertices past the largest id\n"},
    {OPT_THREADS, ALL & ~BENCH,
     "      --threads N         worker threads, one per core (default: all cores;\n"
     "                          at most OMP_THREAD_LIMIT)\n"},
    {OPT_SHARDS, ALL,
     "      --shards N          shards to cut the graph into (default: 4 per worker)\n"},
    {OPT_NO_PIN, ALL,
     "      --no-pin            do not bind workers to cores (memory is still placed)\n"},
    {OPT_NUMA, ALL,
     "      --numa POLICY       where memory goes: local (default: each shard's pages on its\n"
     "                          worker's NUMA node), interleave (over the nodes with workers),\n"
     "                          off (no binding of workers or memory: the OS decides)\n"},
    {OPT_TOPOLOGY, ALL,
     "      --topology SPEC     plan for another machine: an hwloc synthetic description\n"
     "                          ('pack:2 numa:1 core:4 pu:2') or an lstopo XML file; nothing is\n"
     "                          bound then (HWLOC_SYNTHETIC and HWLOC_XMLFILE work too)\n"},
    {OPT_QUIET, RUN, "      --quiet             no summary on stdout (--json still prints the record)\n"},
    {OPT_QUIET, CONVERT, "      --quiet             no 'wrote ...' line on stdout\n"},
    {OPT_QUIET, BENCH,
     "      --quiet             no progress line on stderr, not even on a terminal, and no\n"
     "                          'replaying' line; the tables and COST lines are printed all the same\n"},
    {OPT_QUIET, INFO | TOPOLOGY,
     "      --quiet             nothing to silence: the lines printed are the command's output\n"
     "                          (taken by every command, so that a script may pass it to all)\n"},
    {OPT_PROGRESS, BENCH,
     "      --progress          the progress line on stderr even when stderr is not a terminal\n"
     "                          (a file, a pipe); without it, only on a terminal\n"},
    {OPT_HELP, ALL, "  -h, --help              this text\n"},
};

struct cli {
    const struct command *command;
    const char *algo_name;
    const char *graph;
    sf_load_options load;
    sf_params params;
    bool iterations_set, damping_set;
    sf_engine_options engine;
    const char *output;
    bool json, verify, quiet, progress, baseline;
    const char *threads_list, *graphs, *algos, *out_dir, *replay;
    bool cold;
    const char *ranks, *mpirun;
    bool dedup, drop_self_loops;
    int trials;
    int replay_conflict;        /* the first option given that a replayed study supplies, or 0 */
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

static const char *option_name(int id)
{
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == id)
            return o->name;
    return "?";
}

/* Whether bench --replay takes option id beside the recorded study: where
 * the results go, what is printed, and how ranks are started and the
 * machine is described (neither is recorded); the rest comes from the
 * record, so giving it would be silently overridden. */
static bool replay_takes(int id)
{
    return id == OPT_REPLAY || id == OPT_OUT || id == OPT_QUIET || id == OPT_PROGRESS ||
           id == OPT_MPIRUN || id == OPT_TOPOLOGY || id == OPT_HELP;
}

static bool command_takes(unsigned command, int id)
{
    for (size_t i = 0; i < sizeof option_docs / sizeof option_docs[0]; i++)
        if (option_docs[i].id == id && (option_docs[i].commands & command))
            return true;
    return false;
}

/* A command's --help: its text, then its rows of option_docs. */
static void print_help(const char *intro, unsigned command)
{
    printf("%s\n", intro);
    for (size_t i = 0; i < sizeof option_docs / sizeof option_docs[0]; i++)
        if (option_docs[i].commands & command)
            fputs(option_docs[i].help, stdout);
}

/* Parses the options of c->command, refusing one it does not take (exit
 * 2). Returns 0, or an exit status. */
static int parse_options(struct cli *c, int argc, char **argv)
{
    c->load.seed = 1;
    c->params.iterations = -1;   /* the kernel's default */
    c->params.damping = SF_DEFAULT_DAMPING;
    c->trials = 5;
    size_t len = 0;
    for (int i = 0; i < argc && len < sizeof c->command_line; i++)
        len += snprintf(c->command_line + len, sizeof c->command_line - len, "%s%s", i ? " " : "",
                        argv[i]);
    unsigned command = c->command->bit;
    const char *name = c->command->name;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        if (opt == 'h')
            opt = OPT_HELP;
        if (opt != '?' && !command_takes(command, opt)) {
            fprintf(stderr, "shardflow %s: --%s does not apply to %s (see shardflow %s --help)\n",
                    name, option_name(opt), name, name);
            return 2;
        }
        if (command == BENCH && opt != '?' && !replay_takes(opt) && !c->replay_conflict)
            c->replay_conflict = opt;
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
            if (command == BENCH) {
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
        case OPT_NUMA:
            if (!sf_numa_policy_parse(optarg, &c->engine.numa))
                return usage_error("--numa %s: expected local, interleave or off", optarg);
            break;
        case OPT_TOPOLOGY: c->engine.topology = optarg; break;
        case OPT_OUTPUT: c->output = optarg; break;
        case OPT_JSON: c->json = true; break;
        case OPT_VERIFY: c->verify = true; break;
        case OPT_SEED:
            if (!parse_u64(optarg, &c->load.seed))
                return usage_error("--seed %s: expected an unsigned integer", optarg);
            break;
        case OPT_QUIET: c->quiet = true; break;
        case OPT_PROGRESS: c->progress = true; break;
        case OPT_BASELINE: c->baseline = true; break;
        case OPT_GRAPHS: c->graphs = optarg; break;
        case OPT_ALGOS: c->algos = optarg; break;
        case OPT_TRIALS:
            if (!parse_int(optarg, 1, 1000, &c->trials))
                return usage_error("--trials %s: expected 1..1000", optarg);
            break;
        case OPT_OUT: c->out_dir = optarg; break;
        case OPT_COLD: c->cold = true; break;
        case OPT_RANKS: c->ranks = optarg; break;
        case OPT_MPIRUN: c->mpirun = optarg; break;
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
        case OPT_VERTICES:
            if (!parse_u64(optarg, &c->load.vertices) || c->load.vertices == 0)
                return usage_error("--vertices %s: expected a positive integer", optarg);
            break;
        case OPT_DEDUP: c->dedup = true; break;
        case OPT_DROP_SELF_LOOPS: c->drop_self_loops = true; break;
        case OPT_HELP:
            print_help(c->command->usage, command);
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

static int cmd_run(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv);
    if (status)
        return status;
    if (argc - optind != 2)
        return usage_error("%s", "run needs ALGO and GRAPH");
    c->algo_name = argv[optind];
    c->graph = argv[optind + 1];
    const sf_algo *algo = sf_algo_find(c->algo_name);
    if (!algo) {
        fprintf(stderr, "shardflow: unknown algorithm '%s' (expected one of %s) (see shardflow --help)\n",
                c->algo_name, sf_algo_names());
        return 2;
    }

    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    sf_job_result result = {0};
    double load_s = 0, build_s = 0;
    int rc = sf_job_ldbc_params(c->graph, algo, c->iterations_set, c->damping_set, &c->params,
                                &err);
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
    sf_engine_placement_json(e, c->baseline, placement, sizeof placement);
    sf_run_info info = {
        .algo = algo->name, .engine = c->baseline ? "baseline" : "shardflow",
        .source = c->graph, .vertices = g->num_vertices, .edges = g->num_edges,
        .directed = g->directed, .threads = c->baseline ? 1 : sf_engine_threads(e), .ranks = 1,
        .placement_json = placement, .load_s = load_s,
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

/* ---------- info ---------- */

typedef struct degree_stats {
    uint64_t min, median, max;
    double mean;
} degree_stats;

/* Degrees of the out-rows (or in-rows): min, max, mean, and the median as
 * the (n/2)-th smallest (0-based), found by a histogram. */
static int degree_stats_of(const sf_graph *g, bool in, degree_stats *s)
{
    const sf_eid *offsets = in ? g->in_offsets : g->out_offsets;
    uint64_t n = g->num_vertices, lo = UINT64_MAX, hi = 0;
    memset(s, 0, sizeof *s);
    if (n == 0)
        return 0;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi)
    for (uint64_t v = 0; v < n; v++) {
        uint64_t d = offsets[v + 1] - offsets[v];
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    uint64_t *count = calloc(hi - lo + 1, sizeof *count);
    if (!count)
        return -ENOMEM;
    for (uint64_t v = 0; v < n; v++)
        count[offsets[v + 1] - offsets[v] - lo]++;
    uint64_t seen = 0, d = 0;
    while (seen + count[d] <= n / 2)
        seen += count[d++];
    free(count);
    *s = (degree_stats){lo, lo + d, hi, (double)g->num_arcs / n};
    return 0;
}

/* Weakly connected components by the engine's wcc: how many, and the size
 * of the largest. */
static int components_of(sf_engine *e, const sf_graph *g, uint64_t *count, uint64_t *largest)
{
    uint64_t n = g->num_vertices, roots = 0, most = 0;
    uint64_t *label = malloc((n ? n : 1) * sizeof *label);
    uint32_t *size = calloc(n ? n : 1, sizeof *size);
    sf_iteration_log log = {0};
    int rc = label && size ? sf_wcc(e, label, &log) : -ENOMEM;
    sf_iteration_log_fini(&log);
    if (rc == 0) {
        /* a label is the smallest original id of its component */
#pragma omp parallel for schedule(static) reduction(+ : roots)
        for (uint64_t v = 0; v < n; v++) {
            sf_vid root = sf_graph_find_vertex(g, label[v]);
            __atomic_fetch_add(&size[root], 1, __ATOMIC_RELAXED);
            roots += label[v] == sf_graph_original_id(g, (sf_vid)v);
        }
        for (uint64_t v = 0; v < n; v++)
            most = size[v] > most ? size[v] : most;
    }
    free(label);
    free(size);
    *count = roots;
    *largest = most;
    return rc;
}

/* Memory a kernel needs beyond the graph: bytes per vertex (state and
 * output) and per stored arc (layouts it builds). pr and wcc count their
 * own allocations; the others are what such a kernel keeps (README,
 * "Memory"). sssp on a graph without weights also pays for them (8 bytes an
 * arc, twice when directed), lcc 4 bytes a vertex per worker. */
static const struct {
    const char *algo;
    double per_vertex, per_arc;
    const char *what;
} kernel_memory[] = {
    {"pr", 32, 4, "contributions x2, accumulator, ranks; tiled in-arcs"},
    {"wcc", 20, 0, "forest, per-root minimum id, labels"},
    {"bfs", 24, 0, "depths, two frontiers (bitmap and list)"},
    {"sssp", 32, 0, "distances, buckets, frontiers; weights when the graph has none"},
    {"cdlp", 24, 0, "labels x2, output"},
    {"lcc", 16, 0, "output, triangle counts, neighbour marks per worker"},
    {"tc", 16, 2, "output, the edges oriented by degree"},
    {"kcore", 24, 0, "core numbers, degrees, remaining, frontier x2"},
};

static uint64_t kernel_bytes(size_t k, const sf_graph *g, int threads)
{
    double bytes = kernel_memory[k].per_vertex * g->num_vertices +
                   kernel_memory[k].per_arc * g->num_arcs;
    if (strcmp(kernel_memory[k].algo, "sssp") == 0 && !g->weighted)
        bytes += 8.0 * g->num_arcs * (g->directed ? 2 : 1);
    if (strcmp(kernel_memory[k].algo, "lcc") == 0)
        bytes += 4.0 * g->num_vertices * threads;
    return (uint64_t)bytes;
}

/* What a load will take, known before anything large is allocated. */
typedef struct load_estimate {
    const char *format;         /* what the input is read as (sf_input_format_of's name) */
    bool gzip;                  /* read through zlib */
    bool counted;               /* vertices and arcs exact (header, generator) */
    bool declared;              /* counted from a .mtx header: the text is still to parse */
    uint64_t vertices, arcs;    /* arcs: stored (snapshot), generated, text lines, or the
                                 * entries a .mtx declares (one arc each in the edge list) */
    uint64_t arcs_stored_max;   /* .mtx: the most arcs the built graph can hold; 0 for the
                                 * other inputs (not known before the load) */
    uint64_t input_bytes;       /* the file (uncompressed) */
    uint64_t peak_bytes;        /* memory the load will peak near; 0: unknown */
} load_estimate;

/* The text a parse holds at once: its read windows, or the whole text
 * when smaller. */
static uint64_t text_held(uint64_t size)
{
    uint64_t window = 2 * SF_TEXT_WINDOW_BYTES * (uint64_t)omp_get_max_threads();
    return size > window ? window : size;
}

/* A .mtx counted from its header (in sample[0..len), the file's first
 * bytes; size the whole file's): vertices 1..max(rows, cols), one arc an
 * entry in the edge list, a 32-bit one (8 bytes an arc, 8 more when the
 * field has values), beside the text, one byte a vertex that marks the ids
 * entries name, and 8 bytes for each id no entry names (listed as an
 * isolated vertex; an entry names two ids, so at least n - 2 entries).
 * Built, an entry is one arc, two when the graph is undirected (symmetric,
 * or --undirected), less self-loops and duplicates: arcs_stored_max bounds
 * the arcs stored. No estimate when the sample holds no valid header: the
 * load then says what is wrong. */
static void estimate_mtx(const char *path, const char *sample, size_t len, uint64_t size,
                         const sf_load_options *load, load_estimate *est)
{
    sf_mtx_header h;
    sf_error err;
    if (sf_mtx_read_header(path, sample, len, &h, &err) != 0)
        return;
    bool undirected = load->undirected || (!load->directed && h.symmetric);
    uint64_t n = h.rows > h.cols ? h.rows : h.cols;
    uint64_t unnamed = h.entries <= n / 2 ? n - 2 * h.entries : 0;
    est->counted = est->declared = true;
    est->vertices = n;
    est->arcs = h.entries;
    est->arcs_stored_max = !undirected ? h.entries
                           : h.entries > UINT64_MAX / 2 ? UINT64_MAX
                                                        : 2 * h.entries;
    est->input_bytes = size;
    /* in doubles: a header may declare any count */
    double bytes = (double)text_held(size) + (double)h.entries * (h.weighted ? 16 : 8) +
                   (double)n + 1 + 8.0 * (double)unnamed;
    est->peak_bytes = bytes < 0x1p64 ? (uint64_t)bytes : UINT64_MAX;
}

/* A text file (.el/.txt/.wel/.e/.mtx, .gz or not), read a window at a time
 * into 32-bit ids (sf_job_load asks); a .mtx is counted from its header
 * (estimate_mtx), the others from the bytes per line of a sample. */
static void estimate_text(const char *path, bool mtx, const sf_load_options *load,
                          load_estimate *est)
{
    enum { SAMPLE = 1 << 20 };
    char *sample = malloc(SAMPLE);
    size_t len = SAMPLE;
    uint64_t size;
    sf_error err;
    if (!sample || sf_file_peek(path, sample, &len, &size, &err) != 0) {
        free(sample);
        return;
    }
    if (mtx) {
        estimate_mtx(path, sample, len, size, load, est);
        free(sample);
        return;
    }
    /* bytes per data line (not blank, not a comment), and the columns of
     * the first, as the parser counts them */
    uint64_t lines = 0, line_bytes = 0;
    int columns = sf_text_edge_columns(sample, len);
    for (size_t at = 0; at < len;) {
        char *end = memchr(sample + at, '\n', len - at);
        if (!end)
            break; /* a partial last line */
        size_t next = (size_t)(end - sample) + 1, p = at;
        while (p < next && (sample[p] == ' ' || sample[p] == '\t'))
            p++;
        if (sample[p] != '\n' && sample[p] != '\r' && sample[p] != '#' && sample[p] != '%') {
            lines++;
            line_bytes += next - at;
        }
        at = next;
    }
    free(sample);
    est->input_bytes = size;
    if (lines == 0)
        return;
    est->arcs = (uint64_t)((double)size * lines / line_bytes);
    /* the read windows and the edge list parsed from them are alive
     * together; the build then gives the list back as it fills the graph */
    est->peak_bytes = text_held(size) + est->arcs * (8 + (columns >= 3 ? 8 : 0));
}

static void estimate_load(const char *graph, const sf_load_options *load, load_estimate *est)
{
    memset(est, 0, sizeof *est);
    if (sf_generator_spec(graph)) {
        unsigned scale = 0, factor = 16;
        est->format = "generator";
        if (sscanf(graph, "%*[a-z]:%u:%u", &scale, &factor) >= 1 && scale > 0 && scale < 40) {
            est->counted = true;
            est->vertices = (uint64_t)1 << scale;
            est->arcs = (uint64_t)factor << scale;
            /* the generated list (8 bytes an edge: 32-bit ids up to scale
             * 32, 16 past it), then the graph beside it: at most 2 arcs an
             * edge (4 bytes each), offsets and id maps */
            est->peak_bytes = est->arcs * ((scale <= 32 ? 8 : 16) + 8) + est->vertices * 20;
        }
        return;
    }
    const sf_input_format *format = sf_input_format_of(graph, &est->gzip);
    est->format = format ? format->name : "unknown";
    if (!format)
        return;
    if (format->kind == SF_INPUT_SNAPSHOT) {
        sf_snapshot_header h;
        sf_error err;
        if (sf_snapshot_read_header(graph, &h, &err) == 0) {
            est->counted = true;
            est->vertices = h.num_vertices;
            est->arcs = h.num_arcs;
            est->input_bytes = h.file_bytes;
            est->peak_bytes = h.graph_bytes; /* read in place */
        }
        return;
    }
    if (sf_input_kind_is_text(format->kind)) /* the binary formats: no estimate */
        estimate_text(graph, format->kind == SF_INPUT_MTX, load, est);
}

static void print_estimate(const load_estimate *est)
{
    if (est->declared)
        printf("expect:          %" PRIu64 " vertices, %" PRIu64 " entries (from the header), at "
               "most %" PRIu64 " arcs stored; about %.1f MiB while parsing (text or its read "
               "buffer + edge list + vertex marks), then the build\n",
               est->vertices, est->arcs, est->arcs_stored_max, est->peak_bytes / 1048576.0);
    else if (est->counted && est->input_bytes)
        printf("expect:          %" PRIu64 " vertices, %" PRIu64 " arcs stored (from the header); "
               "%.1f MiB, read in place\n",
               est->vertices, est->arcs, est->peak_bytes / 1048576.0);
    else if (est->counted)
        printf("expect:          %" PRIu64 " vertices, %" PRIu64 " generated edges; about %.1f MiB "
               "while building (edge list + graph)\n",
               est->vertices, est->arcs, est->peak_bytes / 1048576.0);
    else if (est->peak_bytes)
        printf("expect:          about %" PRIu64 " arcs in %.1f MiB of text; about %.1f MiB while "
               "parsing (text or its read buffer + edge list), then the build\n",
               est->arcs, est->input_bytes / 1048576.0, est->peak_bytes / 1048576.0);
    else
        printf("expect:          no estimate for this input\n");
    fflush(stdout);
}

static void json_degrees(const char *key, const degree_stats *d)
{
    printf(", \"%s\": {\"min\": %" PRIu64 ", \"median\": %" PRIu64 ", \"max\": %" PRIu64
           ", \"mean\": %.6g}",
           key, d->min, d->median, d->max, d->mean);
}

static double process_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmd_info(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv);
    if (status)
        return status;
    if (argc - optind != 1)
        return usage_error("%s", "info needs GRAPH");
    c->graph = argv[optind];
    load_estimate est;
    estimate_load(c->graph, &c->load, &est);
    if (!c->json)
        print_estimate(&est);

    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    double load_s = 0, build_s = 0;
    int rc = sf_engine_create(&c->engine, &e, &err);
    double cpu_start = process_cpu_seconds();
    if (rc == 0)
        rc = sf_job_load(c->graph, &c->load, e, &g, &load_s, &build_s, &err);
    /* CPU seconds of every thread: on a shared machine, what the load cost
     * without the time spent waiting for a core (at 1 thread) */
    double load_cpu_s = process_cpu_seconds() - cpu_start;
    uint64_t ready_rss = sf_peak_rss_bytes();
    degree_stats out_deg, in_deg = {0};
    uint64_t isolated = 0, components = 0, largest = 0;
    if (rc == 0) {
        rc = degree_stats_of(g, false, &out_deg);
        if (rc == 0 && g->directed)
            rc = degree_stats_of(g, true, &in_deg);
        if (rc == 0)
            rc = components_of(e, g, &components, &largest);
        if (rc)
            rc = sf_error_set(&err, rc, "%s: out of memory for the statistics", c->graph);
    }
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        sf_graph_destroy(&g);
        sf_engine_destroy(&e);
        return exit_status(rc);
    }
    uint64_t n = g->num_vertices, graph_bytes = sf_graph_bytes(g);
#pragma omp parallel for schedule(static) reduction(+ : isolated)
    for (uint64_t v = 0; v < n; v++)
        isolated += sf_out_degree(g, (sf_vid)v) == 0 && sf_in_degree(g, (sf_vid)v) == 0;
    int threads = sf_engine_threads(e);
    const size_t kernels = sizeof kernel_memory / sizeof kernel_memory[0];
    char format[128];
    snprintf(format, sizeof format, "%s%s", est.format, est.gzip ? ", gzip-compressed" : "");

    if (c->json) {
        printf("{\"graph\": ");
        sf_json_string(stdout, c->graph);
        printf(", \"format\": ");
        sf_json_string(stdout, format);
        printf(", \"estimate\": {\"counted\": %s, \"vertices\": %" PRIu64 ", \"arcs\": %" PRIu64
               ", \"input_bytes\": %" PRIu64 ", \"peak_bytes\": %" PRIu64
               ", \"arcs_stored_max\": %" PRIu64 "}",
               est.counted ? "true" : "false", est.vertices, est.arcs, est.input_bytes,
               est.peak_bytes, est.arcs_stored_max);
        printf(", \"directed\": %s, \"weighted\": %s, \"vertices\": %" PRIu64
               ", \"isolated\": %" PRIu64 ", \"edges\": %" PRIu64 ", \"arcs\": %" PRIu64
               ", \"dropped_self_loops\": %" PRIu64 ", \"dropped_duplicates\": %" PRIu64,
               g->directed ? "true" : "false", g->weighted ? "true" : "false", n, isolated,
               g->num_edges, g->num_arcs, g->dropped_self_loops, g->dropped_duplicates);
        json_degrees("out_degree", &out_deg);
        if (g->directed)
            json_degrees("in_degree", &in_deg);
        printf(", \"components\": %" PRIu64 ", \"largest_component\": %" PRIu64
               ", \"graph_bytes\": %" PRIu64 ", \"kernel_bytes\": {",
               components, largest, graph_bytes);
        for (size_t k = 0; k < kernels; k++)
            printf("%s\"%s\": %" PRIu64, k ? ", " : "", kernel_memory[k].algo,
                   kernel_bytes(k, g, threads));
        printf("}, \"threads\": %d, \"load_s\": %.6f, \"build_s\": %.6f, \"load_cpu_s\": %.6f, "
               "\"ready_peak_rss_bytes\": %" PRIu64 ", \"peak_rss_bytes\": %" PRIu64 "}\n",
               threads, load_s, build_s, load_cpu_s, ready_rss, sf_peak_rss_bytes());
    } else {
        printf("graph:           %s\n", c->graph);
        printf("format:          %s\n", format);
        printf("directed:        %s\n", g->directed ? "yes" : "no");
        printf("weighted:        %s\n", g->weighted ? "yes" : "no");
        printf("vertices:        %" PRIu64 " (%" PRIu64 " isolated)\n", n, isolated);
        printf("edges:           %" PRIu64 " (%" PRIu64 " arcs stored)\n", g->num_edges,
               g->num_arcs);
        printf("dropped:         %" PRIu64 " self-loops, %" PRIu64 " duplicate %s\n",
               g->dropped_self_loops, g->dropped_duplicates, g->directed ? "arcs" : "edges");
        printf("out-degree:      min %" PRIu64 ", median %" PRIu64 ", max %" PRIu64
               ", mean %.2f\n",
               out_deg.min, out_deg.median, out_deg.max, out_deg.mean);
        if (g->directed)
            printf("in-degree:       min %" PRIu64 ", median %" PRIu64 ", max %" PRIu64
                   ", mean %.2f\n",
                   in_deg.min, in_deg.median, in_deg.max, in_deg.mean);
        printf("components:      %" PRIu64 " weakly connected, the largest %" PRIu64
               " vertices\n",
               components, largest);
        printf("graph memory:    %.1f MiB (%.2f bytes per edge)\n", graph_bytes / 1048576.0,
               g->num_edges ? (double)graph_bytes / g->num_edges : 0.0);
        for (size_t k = 0; k < kernels; k++) {
            char key[32];
            snprintf(key, sizeof key, "memory %s:", kernel_memory[k].algo);
            printf("%-17s+%.1f MiB (%s)\n", key, kernel_bytes(k, g, threads) / 1048576.0,
                   kernel_memory[k].what);
        }
        printf("load:            %.3f s read, %.3f s build, peak RSS %.1f MiB when ready\n",
               load_s, build_s, ready_rss / 1048576.0);
    }
    sf_graph_destroy(&g);
    sf_engine_destroy(&e);
    return 0;
}

/* ---------- convert ---------- */

/* A directed snapshot made undirected: its arcs, symmetrised by a build
 * (32-bit ids where they fit, given up to the build as it goes). */
static int symmetrise_snapshot(struct cli *c, sf_graph **g, sf_error *err)
{
    sf_edge_list edges;
    sf_edge_list_init(&edges);
    sf_input_options input = {.narrow = true};
    int rc = sf_input_read(c->graph, &input, &edges, err);
    sf_build_options build = {.undirected = true, .release_edges = true};
    if (rc == 0)
        rc = sf_graph_build(&edges, &build, c->graph, g, err);
    sf_edge_list_fini(&edges);
    if (rc == 0 && sf_graph_assign_weights(*g, c->load.weights, c->load.seed)) {
        sf_graph_destroy(g);
        rc = sf_error_set(err, -ENOMEM, "out of memory for the weights of %s", c->graph);
    }
    return rc;
}

static int convert_to_snapshot(struct cli *c, sf_engine *e, const char *out, sf_graph **g,
                               sf_error *err)
{
    int rc;
    sf_snapshot_header h;
    if (sf_snapshot_path(c->graph) && c->load.undirected &&
        (rc = sf_snapshot_read_header(c->graph, &h, err)) != 0)
        return rc;
    if (sf_snapshot_path(c->graph) && c->load.undirected && h.directed) {
        rc = symmetrise_snapshot(c, g, err);
    } else {
        double load_s, build_s;
        rc = sf_job_load(c->graph, &c->load, e, g, &load_s, &build_s, err);
    }
    return rc ? rc : sf_snapshot_write(out, *g, err);
}

/* Text outputs: the input's arcs as read (or generated), weights given
 * when asked, written by io/write_edges, which reads either form of the
 * list: 32-bit ids where every id fits, half the bytes of the list. */
static int convert_to_text(struct cli *c, const char *out, uint64_t *written, bool *undirected,
                           sf_error *err)
{
    sf_edge_list edges;
    sf_edge_list_init(&edges);
    sf_input_options input = {.narrow = true};
    edges.narrow = sf_generator_spec(c->graph); /* asked of a generator as of the readers */
    int rc = edges.narrow ? sf_generate(c->graph, c->load.seed, &edges, err)
                          : sf_input_read(c->graph, &input, &edges, err);
    if (rc)
        goto out;
    *undirected = c->load.undirected || (!c->load.directed && edges.declared_directed == 0);
    if (sf_edge_list_assign_weights(&edges, c->load.weights, c->load.seed, !*undirected)) {
        rc = sf_error_set(err, -ENOMEM, "out of memory for the weights of %s", c->graph);
        goto out;
    }
    sf_write_edges_options opt = {
        .undirected = *undirected, .dedup = c->dedup, .drop_self_loops = c->drop_self_loops};
    rc = sf_write_edges(out, &edges, &opt, written, err);
out:
    sf_edge_list_fini(&edges);
    return rc;
}

static int cmd_convert(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv);
    if (status)
        return status;
    if (argc - optind != 2)
        return usage_error("%s", "convert needs GRAPH and OUT");
    c->graph = argv[optind];
    const char *out_arg = argv[optind + 1];
    /* no suffix in the last component: the default format, a snapshot */
    const char *base = strrchr(out_arg, '/') ? strrchr(out_arg, '/') + 1 : out_arg;
    char out[4096];
    if (snprintf(out, sizeof out, "%s%s", out_arg, strchr(base, '.') ? "" : ".sfg") >=
        (int)sizeof out)
        return usage_error("%s: path too long", out_arg);
    bool snapshot = sf_snapshot_path(out);
    if (!snapshot && !sf_write_edges_format(out))
        return usage_error("%s: unknown output format (expected .sfg, .el, .txt, .wel or .mtx)",
                           out);

    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    uint64_t written = 0;
    bool undirected = false;
    double start = sf_now();
    int rc = sf_engine_create(&c->engine, &e, &err);
    if (rc == 0)
        rc = snapshot ? convert_to_snapshot(c, e, out, &g, &err)
                      : convert_to_text(c, out, &written, &undirected, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        status = exit_status(rc);
    } else if (!c->quiet && snapshot) {
        printf("wrote %s: native snapshot, %" PRIu32 " vertices, %" PRIu64 " edges (%s%s), "
               "%.1f MiB, in %.3f s\n",
               out, g->num_vertices, g->num_edges, g->directed ? "directed" : "undirected",
               g->weighted ? ", weighted" : "", sf_graph_bytes(g) / 1048576.0, sf_now() - start);
    } else if (!c->quiet) {
        printf("wrote %s: %" PRIu64 " arcs (%s%s%s), in %.3f s\n", out, written,
               undirected ? "undirected" : "directed", c->dedup ? ", deduplicated" : "",
               c->drop_self_loops ? ", no self-loops" : "", sf_now() - start);
    }
    sf_graph_destroy(&g);
    sf_engine_destroy(&e);
    return status;
}

/* The one rule for progress lines (DESIGN: on stderr, only on a terminal
 * unless --progress; --quiet silences them). Every command that prints
 * progress asks here; bench is the only one with long phases that do. */
static bool show_progress(const struct cli *c)
{
    return !c->quiet && (c->progress || isatty(STDERR_FILENO));
}

static int cmd_bench(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv);
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
        .ranks = c->ranks,
        .mpirun = c->mpirun,
        .command_line = c->command_line,
        .progress = show_progress(c),
    };
    sf_error err = {{0}};
    int rc = 0;
    if (c->replay) {
        if (c->replay_conflict)
            return usage_error("--replay: --%s comes from the recorded study; beside --replay "
                               "give only --out, --quiet, --progress, --mpirun or --topology",
                               option_name(c->replay_conflict));
        rc = sf_cost_replay_options(c->replay, &o, &err);
        if (rc == 0 && !c->quiet) {
            char flags[8192];
            sf_cost_flags(&o, flags, sizeof flags);
            printf("replaying %s: %s\n", c->replay, flags);
        }
    }
    if (rc == 0)
        rc = sf_cost_study(&o, &err);
    if (c->replay)
        sf_cost_replay_fini(&o);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        return exit_status(rc);
    }
    return 0;
}

/* Writes ints as ranges ("0-3,6"), at most `shown` numbers before "...". */
static void print_list(const int *v, int count, const char *prefix)
{
    const int shown = 24;
    int printed = 0;
    fputs(prefix, stdout);
    for (int i = 0; i < count; printed++) {
        if (printed == shown) {
            printf(",... (%d in all)", count);
            return;
        }
        int j = i;
        while (j + 1 < count && v[j + 1] == v[j] + 1)
            j++;
        if (j > i)
            printf("%s%d-%d", i ? "," : "", v[i], v[j]);
        else
            printf("%s%d", i ? "," : "", v[i]);
        i = j + 1;
    }
    if (count == 0)
        fputs("none", stdout);
}

/* The logical indexes of the objects of `type` inside `set`. */
static int objs_inside(hwloc_topology_t topo, hwloc_const_cpuset_t set, hwloc_obj_type_t type,
                       bool os_index, int *out)
{
    int count = 0;
    for (hwloc_obj_t o = NULL; (o = hwloc_get_next_obj_by_type(topo, type, o));)
        if (o->cpuset && !hwloc_bitmap_iszero(o->cpuset) && hwloc_bitmap_isincluded(o->cpuset, set))
            out[count++] = os_index ? (int)o->os_index : (int)o->logical_index;
    return count;
}

static int cmd_topology(struct cli *c, int argc, char **argv)
{
    int status = parse_options(c, argc, argv);
    if (status)
        return status;
    if (argc - optind > 1)
        return usage_error("%s", "topology takes at most one GRAPH");
    c->graph = optind < argc ? argv[optind] : NULL;
    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_graph *g = NULL;
    int *list = NULL, *list2 = NULL;
    double load_s, build_s;
    int rc = sf_engine_create(&c->engine, &e, &err);
    if (rc == 0 && c->graph)
        rc = sf_job_load(c->graph, &c->load, e, &g, &load_s, &build_s, &err);
    if (rc) {
        fprintf(stderr, "shardflow: %s\n", err.msg);
        status = exit_status(rc);
        goto out;
    }
    hwloc_topology_t topo = sf_engine_topology(e);
    int threads = sf_engine_threads(e), shards = sf_engine_planned_shards(e);
    int pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    int nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    int packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    list = malloc((pus + threads + 1) * sizeof *list);
    list2 = malloc((pus + threads + 1) * sizeof *list2);
    /* the engine's own plan, shards included with or without a graph: what
     * the placement record below says and what a run would do */
    const sf_plan *plan = sf_engine_plan(e);
    if (!list || !list2) {
        fprintf(stderr, "shardflow: out of memory\n");
        status = 1;
        goto out;
    }

    /* the machine */
    const char *spec = c->engine.topology;
    if (!spec)
        spec = getenv("HWLOC_XMLFILE") ? getenv("HWLOC_XMLFILE") : getenv("HWLOC_SYNTHETIC");
    sf_placement placed;
    sf_engine_placement(e, &placed);
    if (placed.synthetic)
        printf("machine:   not this one: %s\n", spec ? spec : "(from the environment)");
    else
        printf("machine:   this one%s%s (%s)\n", spec ? ", as described by " : "", spec ? spec : "",
               sf_host_cpu_model());
    printf("           %d package%s, %d NUMA node%s, %d cores, %d PUs\n", packages,
           packages == 1 ? "" : "s", nodes, nodes == 1 ? "" : "s", cores, pus);
    for (int i = 0; i < packages; i++) {
        hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, i);
        const char *model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
        printf("package %d: ", i);
        print_list(list, objs_inside(topo, pkg->cpuset, HWLOC_OBJ_NUMANODE, false, list),
                   "NUMA nodes ");
        print_list(list, objs_inside(topo, pkg->cpuset, HWLOC_OBJ_CORE, false, list), "; cores ");
        printf("%s%s\n", model ? "; " : "", model ? model : "");
    }
    for (int n = 0; n < nodes; n++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n);
        printf("NUMA node %d: P#%u, %.1f GiB; ", n, node->os_index,
               node->attr->numanode.local_memory / 1073741824.0);
        print_list(list, objs_inside(topo, node->cpuset, HWLOC_OBJ_CORE, false, list), "cores ");
        print_list(list, objs_inside(topo, node->cpuset, HWLOC_OBJ_PU, true, list), "; PUs P#");
        putchar('\n');
    }

    /* the plan */
    printf("\nplan:      %d worker%s, --numa=%s, %d shards (%d per worker on average)\n", threads,
           threads == 1 ? "" : "s", sf_numa_policy_name(placed.policy), shards,
           (shards + threads - 1) / threads);
    for (int n = 0; n < plan->num_nodes; n++) {
        int k = sf_plan_node_workers(plan, n);
        if (k == 0) {
            printf("node %d:    no workers, no shards\n", n);
            continue;
        }
        const int *workers = plan->node_workers + plan->node_worker_start[n];
        for (int j = 0; j < k; j++) {
            list[j] = plan->worker_core[workers[j]];
            list2[j] = (int)hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU,
                                                  plan->worker_pu[workers[j]])->os_index;
        }
        printf("node %d:    ", n);
        print_list(workers, k, "workers ");
        print_list(list, k, " on cores ");
        print_list(list2, k, " (PUs P#");
        int first = plan->node_first_shard[n], last = plan->node_first_shard[n + 1];
        if (last > first)
            printf("); shards %d-%d (%d)\n", first, last - 1, last - first);
        else
            printf("); no shards\n");
        if (g && last > first) {
            sf_vid v0 = sf_engine_shard(e, first)->begin, v1 = sf_engine_shard(e, last - 1)->end;
            uint64_t arcs = g->in_offsets[v1] - g->in_offsets[v0];
            printf("           vertices %" PRIu32 "-%" PRIu32 " (%" PRIu32 "), in-arcs %" PRIu64
                   " (%.1f%%)\n", v0, v1 ? v1 - 1 : 0, v1 - v0, arcs,
                   g->num_arcs ? 100.0 * arcs / g->num_arcs : 0.0);
        }
    }
    if (g) {
        /* one vertex array, so that the record says where its pages went */
        sf_engine_free(e, sf_engine_alloc(e, sizeof(double)));
        sf_engine_placement(e, &placed);
    }
    printf("workers:   %s\n", placed.binding);
    printf("memory:    %s\n", placed.memory);
    if (g)
        printf("graph:     %s\n", placed.graph);
    if (!placed.verifiable)
        printf("pages:     unverifiable here\n");
    else if (g)
        printf("pages:     %" PRIu64 " of %" PRIu64 " sampled pages on their node\n",
               placed.pages_on_node, placed.pages_checked);
    printf("scratch:   %s\n", placed.scratch);
    char placement[4096];
    sf_engine_placement_json(e, false, placement, sizeof placement);
    printf("placement: %s\n", placement);
out:
    free(list);
    free(list2);
    sf_graph_destroy(&g);
    sf_engine_destroy(&e);
    return status;
}

static const struct command commands[] = {
    {"run", RUN, usage_run, cmd_run},
    {"convert", CONVERT, usage_convert, cmd_convert},
    {"info", INFO, usage_info, cmd_info},
    {"bench", BENCH, usage_bench, cmd_bench},
    {"topology", TOPOLOGY, usage_topology, cmd_topology},
};

static int run_command(int argc, char **argv)
{
    struct cli c = {0};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    sf_error err = {{0}};
    if (sf_job_check_environment(&err)) { /* a knob's value that its reader would ignore */
        fprintf(stderr, "shardflow: %s\n", err.msg);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !c.command; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            c.command = &commands[i];
    if (!c.command)
        return usage_error("unknown command '%s'", cmd);
    if (sf_dist_size() > 1 && c.command->bit != RUN)
        return usage_error("%s does not run over MPI ranks; start it without mpirun", cmd);
    return c.command->run(&c, argc - 1, argv + 1);
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
