/* The CLI as a user runs it: the LDBC Graphalytics validation suite for
 * every kernel that has expected outputs, at 1, 2 and 3 threads; the run
 * record; original ids in outputs; errors with exit status 1 and 2 and no
 * partial output file. */
#define _GNU_SOURCE /* asprintf, nftw (tests/scratch.h) */
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include "bench/jobs.h"
#include "tests/scratch.h"
#include "tests/support.h"
#include "tests/trace.h"

struct entry {
    unsigned long long id;
    char value[64];
};

static int compare_entry(const void *a, const void *b)
{
    unsigned long long x = ((const struct entry *)a)->id, y = ((const struct entry *)b)->id;
    return x < y ? -1 : x > y;
}

/* Reads "id value" lines; returns the count, entries sorted by id. */
static size_t read_entries(const char *path, struct entry **out)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    size_t n = 0, cap = 64;
    struct entry *e = malloc(cap * sizeof *e);
    while (fscanf(f, "%llu %63s", &e[n].id, e[n].value) == 2)
        if (++n == cap)
            e = realloc(e, (cap *= 2) * sizeof *e);
    fclose(f);
    qsort(e, n, sizeof *e, compare_entry);
    *out = e;
    return n;
}

/* The project rule (datasets/ldbc/README.md): every vertex exactly once,
 * integers exactly, floats within 1e-4 relative (+1e-12), or both Infinity. */
static void compare_ldbc(const char *actual, const char *expected, bool floating)
{
    struct entry *a, *b;
    size_t na = read_entries(actual, &a), nb = read_entries(expected, &b);
    cr_assert_eq(na, nb, "%s: %zu lines, expected %zu", actual, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert_eq(a[i].id, b[i].id, "%s: vertex %llu where %llu expected", actual, a[i].id, b[i].id);
        if (i)
            cr_assert_neq(a[i].id, a[i - 1].id, "%s: vertex %llu twice", actual, a[i].id);
        if (floating && strcmp(b[i].value, "Infinity") != 0) {
            double x = strtod(a[i].value, NULL), y = strtod(b[i].value, NULL);
            cr_assert(fabs(x - y) <= 1e-4 * fabs(y) + 1e-12, "%s: vertex %llu: %s, expected %s",
                      actual, a[i].id, a[i].value, b[i].value);
        } else {
            cr_assert_str_eq(a[i].value, b[i].value, "%s: vertex %llu", actual, a[i].id);
        }
    }
    free(a);
    free(b);
}

/* Algorithms the engine runs, and whether their values are floating. */
static const struct {
    const char *algo;
    bool floating;
} algos[] = {{"pr", true},    {"wcc", false},  {"bfs", false}, {"sssp", true},
             {"cdlp", false}, {"lcc", true}};

Test(cli, ldbc_validation_suite, .timeout = 300)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/ldbc", datasets_dir());
    DIR *d = opendir(dir);
    cr_assert(d, "LDBC datasets not found at %s (set SF_DATASETS)", dir);
    int cases = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
            char suffix[64];
            snprintf(suffix, sizeof suffix, "-%s.expected", algos[a].algo);
            size_t len = strlen(ent->d_name), slen = strlen(suffix);
            if (len <= slen || strcmp(ent->d_name + len - slen, suffix) != 0)
                continue;
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(len - slen), ent->d_name);
            for (int threads = 1; threads <= 3; threads++) {
                char out[] = "/tmp/sf-ldbc-XXXXXX";
                close(mkstemp(out));
                char args[4096], errbuf[1024];
                snprintf(args, sizeof args, "run %s %s/%s.e --threads %d --output %s --verify --quiet",
                         algos[a].algo, dir, name, threads, out);
                int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
                cr_assert_eq(status, 0, "%s: exit %d: %s", args, status, errbuf);
                char expected[2048];
                snprintf(expected, sizeof expected, "%s/%s", dir, ent->d_name);
                compare_ldbc(out, expected, algos[a].floating);
                unlink(out);
            }
            cases++;
        }
    }
    closedir(d);
    /* 24 expected outputs: 2 example graphs x 6 kernels + 2 per kernel */
    cr_assert_eq(cases, 24, "expected all 24 cases of the LDBC suite, found %d", cases);
}

static void write_at(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

/* NAME.properties gives the parameters the flags do not, for NAME.e and
 * NAME.e.gz alike (the one file beside both): the bfs source, and PageRank's
 * iterations and damping (the same values, so the same output). The seed's
 * draw from this graph is another source (2, for seed 1). */
Test(cli, properties_apply_to_a_gzipped_edge_file, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char *graph = write_text("g3.e", "1 2\n2 3\n3 5\n5 1\n5 7\n7 9\n");
    char *props = write_text("g3.properties", "bfs.source-vertex = 5\npr.num-iterations = 3\n"
                                              "pr.damping-factor = 0.5\n");
    char args[1024], out[16384], *pr_out[2] = {tmp_path("pr.txt"), tmp_path("pr-gz.txt")};
    snprintf(args, sizeof args, "gzip -k %s", graph);
    cr_assert_eq(run_shell(args, NULL, 0, NULL, 0), 0, "%s", args);
    for (int gz = 0; gz < 2; gz++) {
        const char *suffix = gz ? ".gz" : "";
        snprintf(args, sizeof args, "run bfs %s%s --json", graph, suffix);
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s: %s", args, out);
        cr_expect_eq(record_number(out, "result.source"), 5, "%s: %s", args, out);
        snprintf(args, sizeof args, "run pr %s%s --json --output %s", graph, suffix, pr_out[gz]);
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s: %s", args, out);
        cr_expect_eq(record_number(out, "iterations"), 3, "%s: %s", args, out);
    }
    size_t len[2];
    char *values[2] = {read_file(pr_out[0], &len[0]), read_file(pr_out[1], &len[1])};
    cr_expect(len[0] == len[1] && memcmp(values[0], values[1], len[0]) == 0,
              "the .e.gz's PageRank differs from the .e's:\n%s\n%s", values[0], values[1]);
    for (int gz = 0; gz < 2; gz++) {
        free(values[gz]);
        free(pr_out[gz]);
    }
    free(graph);
    free(props);
}

/* A bench study reads .properties as `run` does (its rank runs are `run`
 * under mpirun, so the thread runs must find the same): pr with the
 * file's 3 iterations, bfs from its source 5, baseline and engine alike. */
Test(cli, bench_takes_the_properties_of_an_ldbc_graph, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    char *graph = write_text("g3.e", "1 2\n2 3\n3 5\n5 1\n5 7\n7 9\n");
    char *props = write_text("g3.properties", "bfs.source-vertex = 5\npr.num-iterations = 3\n");
    char *dir = tmp_path("study"), args[1024], out[4096];
    snprintf(args, sizeof args, "bench --graphs %s --algos pr,bfs --threads 1 --trials 1 --out %s "
             "--quiet", graph, dir);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s: %s", args, out);
    json_t *root;
    study_config(dir, &root);
    json_t *records = json_object_get(root, "records"), *record;
    size_t i, pr = 0, bfs = 0;
    json_array_foreach(records, i, record)
    {
        const char *algo = json_string_value(json_object_get(record, "algo"));
        const char *engine = json_string_value(json_object_get(record, "engine"));
        if (strcmp(algo, "pr") == 0) {
            pr++;
            cr_expect_eq(json_integer_value(json_object_get(record, "iterations")), 3,
                         "pr, %s: iterations", engine);
        } else {
            bfs++;
            json_t *source = json_object_get(json_object_get(record, "result"), "source");
            cr_expect_eq(json_integer_value(source), 5, "bfs, %s: source", engine);
        }
    }
    cr_expect(pr >= 2 && bfs >= 2, "records: %zu pr, %zu bfs", pr, bfs);
    json_decref(root);
    free(dir);
    free(graph);
    free(props);
}

Test(cli, sparse_64bit_ids_round_trip)
{
    char dir[] = "/tmp/sf-cli-XXXXXX";
    cr_assert(mkdtemp(dir));
    char graph[256], out[256], args[1024];
    snprintf(graph, sizeof graph, "%s/g.el", dir);
    snprintf(out, sizeof out, "%s/wcc.out", dir);
    write_at(graph, "# sparse ids\n18446744073709551615 9000000000000000000\n"
                      "9000000000000000000 42\n7 1099511627776\n");
    snprintf(args, sizeof args, "run wcc %s --output %s --quiet", graph, out);
    cr_assert_eq(run_cli(args, NULL, 0, NULL, 0), 0);
    struct entry *e;
    size_t n = read_entries(out, &e);
    cr_assert_eq(n, 5);
    cr_assert_eq(e[0].id, 7ull);
    cr_assert_str_eq(e[0].value, "7");
    cr_assert_eq(e[1].id, 42ull);
    cr_assert_str_eq(e[1].value, "42");
    cr_assert_eq(e[2].id, 1099511627776ull);
    cr_assert_str_eq(e[2].value, "7");
    cr_assert_eq(e[4].id, 18446744073709551615ull);
    cr_assert_str_eq(e[4].value, "42");
    free(e);
    unlink(out);
    unlink(graph);
    rmdir(dir);
}

Test(cli, run_record_is_one_json_object)
{
    char out[16384];
    cr_assert_eq(run_cli("run pr kron:10 --json --iterations 5 --threads 2 --verify", out, sizeof out, NULL, 0), 0);
    cr_assert_eq(out[0], '{');
    const char *fields[] = {"\"algo\": \"pr\"", "\"engine\": \"shardflow\"", "\"vertices\": 1024",
                            "\"threads\": 2", "\"ranks\": 1", "\"placement\": {", "\"load_s\"",
                            "\"build_s\"", "\"run_s\"", "\"iterations\": 5", "\"peak_rss_bytes\"",
                            "\"verify\": \"pass\"", "\"version\"", "\"compiler\"", "\"cflags\"",
                            "\"host\": {"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cr_assert(strstr(out, fields[i]), "record lacks %s: %s", fields[i], out);
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line");
    cr_assert_eq(run_cli("run wcc urand:10 --json --baseline", out, sizeof out, NULL, 0), 0);
    cr_assert(strstr(out, "\"engine\": \"baseline\""), "%s", out);
    /* a baseline's placement is an object too (DESIGN lists it among the
     * fields): one unpinned thread, no workers or shards on any node */
    json_t *root;
    json_t *placement = record_member(out, "placement", &root);
    cr_assert(json_is_object(placement), "%s", out);
    cr_expect_eq(record_number(out, "placement.shards"), 0, "%s", out);
    cr_expect_not(record_flag(out, "placement.bound"), "%s", out);
    uint64_t per_node[64];
    size_t nodes = record_numbers(out, "placement.workers_per_node", per_node, 64);
    cr_expect_eq(nodes, record_number(out, "placement.numa_nodes"), "%s", out);
    for (size_t n = 0; n < nodes; n++)
        cr_expect_eq(per_node[n], 0, "%s", out);
    const char *binding = json_string_value(json_object_get(placement, "binding"));
    cr_expect(binding && strstr(binding, "one thread") && strstr(binding, "not pinned"), "%s", out);
    json_decref(root);
}

Test(cli, engine_and_baseline_outputs_agree)
{
    char a[] = "/tmp/sf-a-XXXXXX", b[] = "/tmp/sf-b-XXXXXX", args[512];
    close(mkstemp(a));
    close(mkstemp(b));
    for (int i = 0; i < 2; i++) {
        const char *algo = i ? "wcc" : "pr";
        snprintf(args, sizeof args, "run %s kron:11 --seed 5 --threads 3 --output %s --quiet", algo, a);
        cr_assert_eq(run_cli(args, NULL, 0, NULL, 0), 0);
        snprintf(args, sizeof args, "run %s kron:11 --seed 5 --baseline --output %s --quiet", algo, b);
        cr_assert_eq(run_cli(args, NULL, 0, NULL, 0), 0);
        compare_ldbc(a, b, i == 0);
    }
    unlink(a);
    unlink(b);
}

static void expect_failure(const char *args, int status, const char *needle)
{
    char errbuf[2048];
    int got = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(got, status, "%s: exit %d, expected %d (%s)", args, got, status, errbuf);
    cr_assert(strstr(errbuf, needle), "%s: stderr lacks '%s': %s", args, needle, errbuf);
    size_t len = strlen(errbuf);
    cr_assert(len > 0 && errbuf[len - 1] == '\n' && strchr(errbuf, '\n') == errbuf + len - 1,
              "%s: expected exactly one line on stderr: %s", args, errbuf);
}

Test(cli, bad_input_is_one_line_and_exit_1_without_output)
{
    char dir[] = "/tmp/sf-bad-XXXXXX";
    cr_assert(mkdtemp(dir));
    char graph[256], out[256], args[1024], needle[300];
    snprintf(graph, sizeof graph, "%s/bad.el", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    write_at(graph, "1 2\n2 3\n3 x4\n");
    snprintf(args, sizeof args, "run pr %s --output %s", graph, out);
    snprintf(needle, sizeof needle, "%s:3:", graph);
    expect_failure(args, 1, needle);
    struct stat sb;
    cr_assert_neq(stat(out, &sb), 0, "no output file after a failure");
    write_at(graph, "1 2\n2\n");
    snprintf(needle, sizeof needle, "%s:2:", graph);
    expect_failure(args, 1, needle);
    snprintf(args, sizeof args, "run wcc %s/missing.el", dir);
    expect_failure(args, 1, "missing.el");
    unlink(graph);
    rmdir(dir);
}

Test(cli, bad_usage_is_exit_2)
{
    expect_failure("run nosuch kron:8", 2, "nosuch");
    expect_failure("run pr kron:8 --threads 0", 2, "--threads");
    expect_failure("run pr kron:8 --damping 3", 2, "--damping");
    expect_failure("run pr", 2, "ALGO");
    expect_failure("frobnicate", 2, "frobnicate");
    expect_failure("run pr kron:x", 2, "kron:x");
}

Test(cli, help_on_every_command)
{
    char out[8192];
    const char *cmds[] = {"--help",       "run --help",   "convert --help",
                          "info --help",  "bench --help", "topology --help"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        cr_assert_eq(run_cli(cmds[i], out, sizeof out, NULL, 0), 0, "%s", cmds[i]);
        cr_assert(strstr(out, "usage: shardflow"), "%s: %s", cmds[i], out);
    }
}

/* Which command takes which option, written out here as README's table
 * says it (the contract, not a copy of cli/main.c's table): each
 * command's --help lists exactly these, and every other option of the
 * CLI is refused by it with one line naming the option and the command,
 * exit 2, before anything is loaded (the arguments are otherwise valid,
 * so nothing else could refuse them). */
static const char *const all_options[] = {
    "directed", "undirected", "iterations", "damping", "threads", "shards", "no-pin", "output",
    "json", "verify", "seed", "quiet", "progress", "baseline", "graphs", "algos", "trials", "out",
    "source", "delta", "weights", "cold", "ranks", "mpirun", "replay", "vertices", "numa",
    "topology", "dedup", "drop-self-loops", "help",
};
#define GRAPH_AND_ENGINE                                                                       \
    " directed undirected seed weights vertices threads shards no-pin numa topology help "
static const struct {
    const char *command, *args, *options;
} command_options[] = {
    {"run", "run pr kron:8",
     GRAPH_AND_ENGINE "iterations damping source delta output json verify baseline quiet "},
    {"convert", "convert kron:8 /tmp/sf-never.sfg",
     GRAPH_AND_ENGINE "dedup drop-self-loops quiet "},
    {"info", "info kron:8", GRAPH_AND_ENGINE "json quiet "},
    {"bench", "bench --out /tmp/sf-never",
     GRAPH_AND_ENGINE "graphs algos trials out ranks mpirun cold replay iterations damping "
                      "source delta quiet progress "},
    {"topology", "topology", GRAPH_AND_ENGINE "quiet "},
};

static bool listed(const char *options, const char *name)
{
    char word[80];
    snprintf(word, sizeof word, " %s ", name);
    return strstr(options, word) != NULL;
}

Test(cli, every_command_takes_exactly_its_options, .timeout = 120)
{
    for (size_t c = 0; c < sizeof command_options / sizeof command_options[0]; c++) {
        const char *cmd = command_options[c].command;
        char args[512], out[16384], errbuf[2048], needle[128];
        snprintf(args, sizeof args, "%s --help", cmd);
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", args);
        int listed_count = 0, expected = 0;
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            char name[64];
            if (sscanf(line, " -h, --%63[a-z-]", name) == 1 ||
                (line[0] == ' ' && sscanf(line, " --%63[a-z-]", name) == 1)) {
                cr_expect(listed(command_options[c].options, name), "%s --help lists --%s", cmd,
                          name);
                listed_count++;
            }
        }
        for (size_t o = 0; o < sizeof all_options / sizeof all_options[0]; o++) {
            if (listed(command_options[c].options, all_options[o])) {
                expected++;
                continue;
            }
            /* "1" is the option's argument, or a stray word after one that takes none */
            snprintf(args, sizeof args, "%s --%s 1", command_options[c].args, all_options[o]);
            snprintf(needle, sizeof needle, "shardflow %s: --%s does not apply to %s", cmd,
                     all_options[o], cmd);
            int status = run_cli(args, out, sizeof out, errbuf, sizeof errbuf);
            cr_expect_eq(status, 2, "%s: exit %d: %s", args, status, errbuf);
            cr_expect(strncmp(errbuf, needle, strlen(needle)) == 0 &&
                          strchr(errbuf, '\n') == errbuf + strlen(errbuf) - 1,
                      "%s: %s", args, errbuf);
            cr_expect_eq(out[0], 0, "%s printed %s", args, out);
        }
        cr_expect_eq(listed_count, expected, "%s --help lists %d options, expected %d", cmd,
                     listed_count, expected);
    }
}

/* --quiet is a general option (DESIGN): every command takes it, and where
 * the lines printed are the output itself (info, topology) it changes
 * nothing, so that a script may pass it to every command. */
Test(cli, quiet_is_taken_by_every_command_and_silences_no_output)
{
    const struct {
        const char *args, *line;
    } cases[] = {
        {"info kron:8", "components:      "},
        {"topology --topology 'pack:1 numa:1 core:2 pu:1'", "placement: {"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[256], loud[16384], quiet[16384], err[2048];
        cr_assert_eq(run_cli(cases[i].args, loud, sizeof loud, err, sizeof err), 0, "%s: %s",
                     cases[i].args, err);
        snprintf(args, sizeof args, "%s --quiet", cases[i].args);
        cr_assert_eq(run_cli(args, quiet, sizeof quiet, err, sizeof err), 0, "%s: %s", args, err);
        cr_expect(strstr(loud, cases[i].line) && strstr(quiet, cases[i].line), "%s:\n%s", args,
                  quiet);
        /* the same lines, times and memory aside: count them */
        size_t a = 0, b = 0;
        for (const char *p = loud; *p; p++)
            a += *p == '\n';
        for (const char *p = quiet; *p; p++)
            b += *p == '\n';
        cr_expect_eq(a, b, "%s printed %zu lines, %zu without --quiet", args, b, a);
    }
}

/* --seed seeds the bfs/sssp source only where there is one (run, bench);
 * the other commands' --help does not promise it. */
Test(cli, seed_help_names_the_source_only_where_there_is_one)
{
    const char *const commands[] = {"run", "convert", "info", "bench", "topology"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char args[64], out[16384];
        snprintf(args, sizeof args, "%s --help", commands[i]);
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", args);
        /* the row: up to the next option's line (--help, -h, comes last) */
        const char *seed = strstr(out, "      --seed N  ");
        const char *next = seed ? strstr(seed, "\n      --") : NULL;
        if (!next && seed)
            next = strstr(seed, "\n  -h, --help");
        cr_assert(seed && next, "%s:\n%s", args, out);
        bool source = memmem(seed, (size_t)(next - seed), "bfs/sssp source", 15) != NULL;
        bool has_source = i == 0 || i == 3;
        cr_expect_eq(source, has_source, "%s: --seed row '%.*s'", args, (int)(next - seed), seed);
    }
}

static size_t file_size(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static char *slurp(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_file(path, NULL);
}

/* The (algo, engine, threads, trial) sequence of a study's run records. */
static void configuration_list(const char *json, char *list, size_t len)
{
    list[0] = 0;
    size_t used = 0;
    for (const char *p = strstr(json, "\"records\""); p && (p = strstr(p, "{\"algo\": ")); p++) {
        char algo[16], engine[16];
        int threads = -1, trial = -1;
        sscanf(p, "{\"algo\": \"%15[^\"]\", \"engine\": \"%15[^\"]\"", algo, engine);
        const char *t = strstr(p, "\"threads\": "), *r = strstr(p, "\"trial\": ");
        cr_assert(t && r);
        sscanf(t, "\"threads\": %d", &threads);
        sscanf(r, "\"trial\": %d", &trial);
        used += snprintf(list + used, len - used, "%s/%s/%d/%d;", algo, engine, threads, trial);
    }
}

static void remove_dir(const char *dir)
{
    char command[1100];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

Test(cli, bench_writes_results_report_plots_and_a_cost_line, .timeout = 120)
{
    char dir[] = "/tmp/sf-bench-XXXXXX", args[512], out[16384];
    cr_assert(mkdtemp(dir));
    snprintf(args, sizeof args, "bench --graphs kron:10 --algos pr,wcc --threads 1,2 --trials 2 --out %s --quiet", dir);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0);
    cr_assert(strstr(out, "COST pr on kron:10:"), "%s", out);
    cr_assert(strstr(out, "COST wcc on kron:10:"), "%s", out);
    char *csv = slurp(dir, "results.csv");
    int lines = 0;
    for (char *p = csv; (p = strchr(p, '\n')); p++)
        lines++;
    /* header + 2 algos x 2 trials x (baseline + 2 thread counts) */
    cr_assert_eq(lines, 1 + 2 * 2 * 3);
    cr_assert(strncmp(csv, "graph,algo,engine,threads,trial,load_s,build_s,run_s,iterations,"
                           "verify,ranks\n", 72) == 0, "%.80s", csv);
    free(csv);
    char *json = slurp(dir, "results.json");
    cr_assert(strncmp(json, "{\"study\": {", 11) == 0, "%.80s", json);
    cr_assert(strstr(json, "\"config\": {\"graphs\": [\"kron:10\"], \"algos\": [\"pr\", \"wcc\"], "
                           "\"threads\": [1, 2], \"ranks\": null, \"trials\": 2"), "%.400s", json);
    cr_assert(strstr(json, "\"machine\": {\"cpu\": "));
    int records = 0;
    for (char *p = json; (p = strstr(p, "{\"algo\"")); p++)
        records++;
    cr_assert_eq(records, 12);
    /* the baselines' records carry a placement too (one unpinned thread) */
    cr_assert_null(strstr(json, "\"placement\": null"), "%.400s", json);
    cr_assert(strstr(json, "\"binding\": \"the baseline: one thread"), "%.400s", json);
    char *report = slurp(dir, "report.md");
    cr_assert(strstr(report, "- pr on kron:10: **"), "%s", report);
    cr_assert(strstr(report, "| shardflow 2 threads |"));
    cr_assert(strstr(report, "## Beside the COST paper"));
    free(report);
    /* gnuplot is a dependency: the plots must exist and be non-empty */
    const char *plots[] = {"time.png", "time.svg", "speedup.png", "speedup.svg", "topology.xml"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_gt(file_size(dir, plots[i]), 100, "%s/%s missing or empty", dir, plots[i]);

    /* --replay runs the same configuration list again */
    char dir2[] = "/tmp/sf-replay-XXXXXX";
    cr_assert(mkdtemp(dir2));
    snprintf(args, sizeof args, "bench --replay %s/results.json --out %s --quiet", dir, dir2);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    char *json2 = slurp(dir2, "results.json");
    static char first[8192], second[8192];
    configuration_list(json, first, sizeof first);
    configuration_list(json2, second, sizeof second);
    cr_assert_gt(strlen(first), 0);
    cr_assert_str_eq(first, second);
    free(json);
    free(json2);
    remove_dir(dir);
    remove_dir(dir2);
}

/* --ranks: the engine over MPI ranks, started through mpirun, is one more
 * configuration of the same study (a row per trial, its own table line). */
Test(cli, bench_runs_rank_configurations_through_mpirun, .timeout = 120)
{
    char dir[] = "/tmp/sf-bench-ranks-XXXXXX", args[512], out[16384];
    cr_assert(mkdtemp(dir));
    snprintf(args, sizeof args,
             "bench --graphs kron:8 --algos wcc --threads 1 --ranks 2 --trials 2 --out %s --quiet",
             dir);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    cr_assert(strstr(out, "shardflow 2 ranks x"), "%s", out);
    char *csv = slurp(dir, "results.csv");
    int rank_rows = 0;
    for (char *p = csv; (p = strstr(p, ",shardflow,")); p++) {
        char *eol = strchr(p, '\n');
        rank_rows += eol && eol - p > 2 && strncmp(eol - 2, ",2", 2) == 0;
    }
    cr_assert_eq(rank_rows, 2, "%s", csv);
    free(csv);
    char *report = slurp(dir, "report.md");
    cr_assert(strstr(report, "| shardflow 2 ranks x "), "%s", report);
    free(report);
    /* every row keeps its run's placement: the rank rows rank 0's, from the
     * record that `run --json` printed */
    char *json = slurp(dir, "results.json");
    cr_assert_null(strstr(json, "\"placement\": null"), "%s", json);
    int rank_placements = 0;
    for (char *p = json; (p = strstr(p, "\"ranks\": 2, \"placement\": {\"policy\": ")); p++)
        rank_placements++;
    cr_assert_eq(rank_placements, 2, "%s", json);
    free(json);
    remove_dir(dir);
}

/* The vertex count of every run record and of the study's config in DIR's
 * results.json, which must all be `want`. */
static void expect_study_vertices(const char *dir, uint64_t want)
{
    json_t *root, *config = study_config(dir, &root);
    cr_assert_eq(json_integer_value(json_object_get(config, "vertices")), (json_int_t)want,
                 "%s: study.config.vertices", dir);
    json_t *records = json_object_get(root, "records"), *record;
    size_t i;
    cr_assert_gt(json_array_size(records), 0);
    json_array_foreach(records, i, record)
    {
        json_t *n = json_object_get(json_object_get(record, "graph"), "vertices");
        cr_assert_eq(json_integer_value(n), (json_int_t)want, "%s: record %zu", dir, i);
    }
    json_decref(root);
}

/* --vertices belongs to the study: results.json records it, the rank runs
 * load with it (bench refuses rank runs that loaded another graph) and
 * --replay repeats it: 9 vertices, not the 4 that the largest id gives. */
Test(cli, bench_records_and_replays_vertices, .init = make_tmp_dir, .fini = remove_tmp_dir,
     .timeout = 120)
{
    const uint32_t arcs[] = {0, 1, 1, 2, 2, 3, 3, 1}; /* little-endian u32 pairs */
    unsigned char bytes[sizeof arcs];
    for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
        for (int b = 0; b < 4; b++)
            bytes[4 * i + b] = (unsigned char)(arcs[i] >> 8 * b);
    char *graph = write_file("four.bin", bytes, sizeof bytes), *first = tmp_path("first"),
         *again = tmp_path("again"), args[4096], out[16384];
    snprintf(args, sizeof args,
             "bench --graphs %s --algos wcc --threads 1 --ranks 2 --trials 1 --vertices 9 "
             "--out %s --quiet",
             graph, first);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    expect_study_vertices(first, 9);
    snprintf(args, sizeof args, "bench --replay %s/results.json --out %s", first, again);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    cr_assert(strstr(out, " --vertices 9\n"), "the replaying line: %s", out);
    expect_study_vertices(again, 9);
    free(graph);
    free(first);
    free(again);
}

/* Kernels defined on undirected graphs (tc, kcore) refuse a directed one:
 * exit 2, one line that says to give --undirected, no output file. */
Test(cli, undirected_kernels_refuse_a_directed_graph, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    char *graph = write_text("k4.el", "7 70\n7 700\n7 7000\n70 700\n70 7000\n700 7000\n5 7\n");
    char *out = tmp_path("out.txt");
    int refusing = 0;
    for (int i = 0; sf_algo_at(i); i++) {
        const sf_algo *algo = sf_algo_at(i);
        if (!algo->needs_undirected)
            continue;
        char args[1024], errbuf[2048];
        snprintf(args, sizeof args, "run %s %s --output %s", algo->name, graph, out);
        int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
        cr_assert_eq(status, 2, "%s: exit %d: %s", algo->name, status, errbuf);
        cr_assert(strstr(errbuf, "undirected"), "%s: %s", algo->name, errbuf);
        cr_assert_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1, "one line: %s", errbuf);
        struct stat sb;
        cr_assert_neq(stat(out, &sb), 0, "%s: no output file after a refusal", algo->name);
        refusing++;
    }
    cr_assert_eq(refusing, 2, "tc and kcore are the kernels that need an undirected graph");
    free(graph);
    free(out);
}

/* An unknown kernel is bad usage, and the message lists every kernel the
 * algorithm table has (run and bench alike). */
Test(cli, unknown_algorithm_lists_the_kernels)
{
    const char *cmds[] = {"run foo kron:8", "bench --algos foo --out /tmp/sf-never --quiet"};
    for (size_t i = 0; i < 2; i++) {
        char errbuf[1024];
        cr_assert_eq(run_cli(cmds[i], NULL, 0, errbuf, sizeof errbuf), 2, "%s", cmds[i]);
        cr_assert(strstr(errbuf, "unknown algorithm 'foo'"), "%s", errbuf);
        for (int a = 0; sf_algo_at(a); a++)
            cr_assert(strstr(errbuf, sf_algo_at(a)->name), "%s: %s missing", errbuf,
                      sf_algo_at(a)->name);
    }
}

Test(cli, bench_replay_rejects_a_file_that_is_not_a_study)
{
    char path[] = "/tmp/sf-notstudy-XXXXXX", args[512], err[1024];
    int fd = mkstemp(path);
    cr_assert(write(fd, "[1, 2]", 6) == 6);
    close(fd);
    snprintf(args, sizeof args, "bench --replay %s --out /tmp/sf-never --quiet", path);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 1);
    cr_assert(strstr(err, "not a shardflow study"), "%s", err);
    unlink(path);
}

/* A record whose option holds something that option cannot take is
 * refused with the key, not replayed with the default in its place. */
Test(cli, bench_replay_refuses_a_value_its_option_cannot_take)
{
    const char *config = "{\"study\": {\"config\": {\"graphs\": [\"kron:6\"], "
                         "\"algos\": [\"wcc\"], \"threads\": [1], \"trials\": 1, %s}}}";
    const struct {
        const char *member, *says;
    } bad[] = {{"\"numa\": \"bogus\"", "study.config.numa: \"bogus\" is not a value of --numa"},
               {"\"weights\": \"x\"", "study.config.weights"},
               {"\"seed\": \"5\"", "study.config.seed"},
               {"\"damping\": true", "study.config.damping"},
               {"\"no_pin\": 1", "study.config.no_pin"}};
    char path[] = "/tmp/sf-badstudy-XXXXXX", args[512], err[1024], text[512];
    int fd = mkstemp(path);
    close(fd);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, config, bad[i].member);
        write_at(path, text);
        snprintf(args, sizeof args, "bench --replay %s --out /tmp/sf-never --quiet", path);
        cr_expect_eq(run_cli(args, NULL, 0, err, sizeof err), 1, "%s: %s", text, err);
        cr_expect(strstr(err, bad[i].says), "%s: %s", text, err);
    }
    /* the same record with good values replays */
    snprintf(text, sizeof text, config, "\"numa\": \"off\", \"source\": null, \"iterations\": -1");
    write_at(path, text);
    char *dir = strdup("/tmp/sf-goodstudy-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(args, sizeof args, "bench --replay %s --out %s --quiet", path, dir);
    cr_expect_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", text, err);
    remove_dir(dir);
    free(dir);
    unlink(path);
}

/* Beside --replay, an option that the recorded study supplies (its graphs,
 * threads, trials, seed, parameters, load and engine options) is refused
 * before the file is read, rather than silently overridden by the record;
 * where the results go and how they are printed are the caller's. */
Test(cli, bench_replay_refuses_what_the_study_supplies)
{
    const char *given[] = {"--graphs kron:8", "--threads 1", "--trials 2", "--seed 3",
                           "--damping 0.5", "--iterations 3", "--delta 2", "--undirected",
                           "--shards 4", "--no-pin", "--cold", "--vertices 9"};
    char args[512], err[1024];
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        snprintf(args, sizeof args, "bench --replay /tmp/sf-no-such-study.json %s --out /tmp/sf-never",
                 given[i]);
        cr_expect_eq(run_cli(args, NULL, 0, err, sizeof err), 2, "%s: %s", args, err);
        char flag[64];
        snprintf(flag, sizeof flag, "%s", given[i]);
        flag[strcspn(flag, " ")] = '\0';
        cr_expect(strstr(err, flag) && strstr(err, "comes from the recorded study"), "%s: %s",
                  args, err);
        char *newline = strchr(err, '\n');
        cr_expect(newline == NULL || newline[1] == '\0', "one line: %s", err);
    }
    /* what the record does not hold goes through to the file's check */
    snprintf(args, sizeof args,
             "bench --replay /tmp/sf-no-such-study.json --out /tmp/sf-never --quiet --progress");
    cr_expect_eq(run_cli(args, NULL, 0, err, sizeof err), 1, "%s", err);
}

/* SF_TRACE_LOAD=1 makes a text load print its phases, in order, each with
 * its wall and CPU seconds and its page faults (all 0 at the first mark,
 * which starts the clocks; the parse fills pages no earlier phase touched:
 * some faults there); without it a load prints no phase. */
Test(cli, trace_load_prints_each_phase_in_order)
{
    char graph[512], traced[2048], args[1024], err[4096];
    snprintf(graph, sizeof graph, "%s/snap/facebook-combined.txt.gz", datasets_dir());
    snprintf(args, sizeof args, "info %s --undirected", graph);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s", err);
    cr_assert_null(strstr(err, "load phase"), "%s", err);
    snprintf(traced, sizeof traced, "SF_TRACE_LOAD=1 %s %s", cli_binary(), args);
    cr_assert_eq(run_shell(traced, NULL, 0, err, sizeof err), 0, "%s", err);
    static const char *const names[] = {"open",  "read+parse", "max id", "relabel", "order",
                                        "count", "scatter",    "sort",   "slide"};
    load_phase phases[LOAD_PHASES_MAX];
    expect_load_phases(err, -1, names, sizeof names / sizeof *names, phases);
    cr_assert_gt(phases[1].faults, 0, "the parse made no page resident: %s", err);
}

/* Sizes a few bytes of input can declare are checked against memory
 * (SF_PHYSICAL_MEMORY stands for the machine's) before anything is
 * allocated: a Matrix Market size line, a binary list's largest id, a
 * generator's scale. Beyond it: one line with the file (and line) and the
 * need, exit 1 (2 for the generator, a usage error); within it the same
 * inputs load, so the limit is what refuses them. */
Test(cli, sizes_beyond_memory_are_refused_before_allocating, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    const char mtx_text[] = "%%MatrixMarket matrix coordinate pattern general\n"
                            "5000000 5000000 1\n1 2\n";
    char *mtx = write_file("big.mtx", mtx_text, sizeof mtx_text - 1);
    const uint32_t pair[2] = {0, 5000000}; /* little-endian, as .bin is */
    char *bin = write_file("one.bin", pair, sizeof pair);
    char line_at[300];
    snprintf(line_at, sizeof line_at, "%s:2: a 5000000 x 5000000 matrix: its vertices need", mtx);
    const struct {
        const char *graph;
        int refused_status;
        const char *says; /* in the one line */
    } cases[] = {
        {mtx, 1, line_at},
        {bin, 1, "5000001 vertices and 1 edges: the graph needs"},
        {"kron:19", 2, "kron:19: 8388608 edges need"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int roomy = 0; roomy < 2; roomy++) {
            char cmd[1024], errbuf[4096];
            snprintf(cmd, sizeof cmd, "SF_PHYSICAL_MEMORY=%s %s info %s --undirected",
                     roomy ? "4294967296" : "33554432", cli_binary(), cases[c].graph);
            int status = run_shell(cmd, NULL, 0, errbuf, sizeof errbuf);
            if (roomy) {
                cr_expect_eq(status, 0, "%s: %s", cmd, errbuf);
                continue;
            }
            cr_expect_eq(status, cases[c].refused_status, "%s: %s", cmd, errbuf);
            cr_expect(strstr(errbuf, cases[c].says) && strstr(errbuf, "more than 32.0 MiB of memory"),
                      "%s: %s", cmd, errbuf);
            cr_expect_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1, "one line: %s",
                         errbuf);
        }
    }
    free(mtx);
    free(bin);
}

/* Every engine region is a team of exactly --threads workers, which
 * kcore's rounds wait for at barriers: OpenMP's thread limit must allow
 * it. Asked for more: one line, exit 2 (a missing worker would have left
 * kcore's levels never ending). Not asked: one worker a core, cut to the
 * limit, and the same answer. */
Test(cli, thread_limit_below_the_workers_is_refused_or_followed, .timeout = 60)
{
    char out[4096], errbuf[4096], want[4096];
    cr_assert_eq(run_cli("run kcore kron:10 --threads 1", want, sizeof want, errbuf,
                         sizeof errbuf), 0, "%s", errbuf);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "OMP_THREAD_LIMIT=2 timeout 30 %s run kcore kron:10 --threads 3",
             cli_binary());
    cr_expect_eq(run_shell(cmd, out, sizeof out, errbuf, sizeof errbuf), 2, "%s", errbuf);
    cr_expect(strstr(errbuf, "--threads 3: OMP_THREAD_LIMIT allows 2"), "%s", errbuf);
    snprintf(cmd, sizeof cmd, "OMP_THREAD_LIMIT=1 timeout 30 %s run kcore kron:10", cli_binary());
    cr_expect_eq(run_shell(cmd, out, sizeof out, errbuf, sizeof errbuf), 0, "%s", errbuf);
    const char *a = strstr(out, "result:"), *b = strstr(want, "result:");
    cr_expect(a && b && strcmp(a, b) == 0, "%s against %s", out, want);
}

/* Progress lines go to stderr only on a terminal unless --progress, and
 * --quiet silences them everywhere (DESIGN, "Outputs"): bench's line
 * ("trial 1/1; study 2/2 runs") is absent from a file and present with
 * --progress; on a terminal (a pty from script(1), which Debian always
 * has) it is there without asking and gone with --quiet. */
Test(cli, progress_only_on_a_terminal_unless_asked, .init = make_tmp_dir, .fini = remove_tmp_dir,
     .timeout = 120)
{
    const struct {
        const char *flags;
        bool terminal, shown;
    } cases[] = {
        {"", false, false},
        {"--progress", false, true},
        {"--progress --quiet", false, false},
        {"", true, true},
        {"--quiet", true, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char bench[2048], cmd[4096], out[4096], errbuf[4096];
        snprintf(bench, sizeof bench,
                 "%s bench --graphs kron:8 --algos wcc --threads 1 --trials 1 --out %s/b %s",
                 cli_binary(), tmp_dir, cases[i].flags);
        if (cases[i].terminal) /* the pty's output (stderr; stdout goes to /dev/null) */
            snprintf(cmd, sizeof cmd, "script -qec '%s >/dev/null' /dev/null", bench);
        else
            snprintf(cmd, sizeof cmd, "%s >/dev/null", bench);
        int status = run_shell(cmd, out, sizeof out, errbuf, sizeof errbuf);
        cr_assert_eq(status, 0, "%s: exit %d: %s", cmd, status, errbuf);
        const char *seen = cases[i].terminal ? out : errbuf;
        bool shown = strstr(seen, "trial 1/1; study 2/2 runs") != NULL;
        cr_expect_eq(shown, cases[i].shown, "%s: progress %s: '%s'", cmd,
                     shown ? "shown" : "missing", seen);
        if (!cases[i].terminal && !cases[i].shown)
            cr_expect_eq(errbuf[0], 0, "%s: stderr holds '%s'", cmd, errbuf);
    }
}

/* The environment knobs of README's table pick a variant; a value their
 * readers do not know used to fall back to the default unseen. Now it is
 * bad usage: one line naming the variable, its value and the values it
 * takes, exit 2; a value it takes runs, and an empty one is the default. */
Test(cli, unknown_knob_values_are_refused, .timeout = 60)
{
    const struct {
        const char *name, *takes, *good, *args;
    } knobs[] = {
        {"SF_BASELINE_PR", "hilbert or csr", "csr", "run pr kron:8 --baseline"},
        {"SF_BASELINE_WCC", "afforest or union-find", "union-find", "run wcc kron:8 --baseline"},
        {"SF_BASELINE_BFS", "direction-optimizing or queue", "queue", "run bfs kron:8 --baseline"},
        {"SF_BASELINE_SSSP", "indexed or lazy", "lazy",
         "run sssp kron:8 --baseline --weights unit"},
        {"SF_BASELINE_KCORE", "bz or peel", "peel", "run kcore kron:8 --baseline"},
        {"SF_PR_LAYOUT", "tiled or csr", "csr", "run pr kron:8"},
        {"SF_DIST_ORDER", "degree or original", "original", "run wcc kron:8"},
    };
    for (size_t k = 0; k < sizeof knobs / sizeof knobs[0]; k++) {
        const char *values[] = {"bogus", knobs[k].good, ""};
        for (int v = 0; v < 3; v++) {
            char cmd[1024], errbuf[2048], needle[256];
            snprintf(cmd, sizeof cmd, "%s='%s' %s %s --quiet", knobs[k].name, values[v],
                     cli_binary(), knobs[k].args);
            int status = run_shell(cmd, NULL, 0, errbuf, sizeof errbuf);
            if (v > 0) {
                cr_expect_eq(status, 0, "%s: exit %d: %s", cmd, status, errbuf);
                continue;
            }
            snprintf(needle, sizeof needle, "shardflow: %s=bogus: expected %s", knobs[k].name,
                     knobs[k].takes);
            cr_expect_eq(status, 2, "%s: exit %d: %s", cmd, status, errbuf);
            cr_expect(strncmp(errbuf, needle, strlen(needle)) == 0 &&
                          strchr(errbuf, '\n') == errbuf + strlen(errbuf) - 1,
                      "%s: %s", cmd, errbuf);
        }
    }
}
