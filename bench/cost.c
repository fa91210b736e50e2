/* The COST study: load each graph once, then for each algorithm a warm-up
 * and `trials` rounds of baseline + engine at every thread count. Every
 * measured run produces a run record (results.json) and a CSV row; the
 * table on stdout gives min/median/max, speedup over the baseline median,
 * and the COST line. */
#include "cost.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hwloc.h>
#include <jansson.h>
#include <zlib.h>

#include <omp.h>

#include "engine/parallel.h"
#include "engine/record.h"
#include "bench/report.h"

#define MAX_LIST SF_COST_MAX_LIST

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

sf_cost_stats sf_cost_summarise(const double *seconds, int count)
{
    sf_cost_stats s = {0, 0, 0};
    if (count <= 0)
        return s;
    double sorted[count];
    memcpy(sorted, seconds, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_double);
    s.min = sorted[0];
    s.max = sorted[count - 1];
    s.median = count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    return s;
}

int sf_cost_index(double baseline_median, const double *engine_medians, int count)
{
    for (int i = 0; i < count; i++)
        if (engine_medians[i] < baseline_median)
            return i;
    return -1;
}

/* Splits a comma-separated list in place into at most MAX_LIST items. */
static int split_list(char *s, char **items)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < MAX_LIST; tok = strtok(NULL, ","))
        if (*tok)
            items[n++] = tok;
    return n;
}

/* A comma-separated list of counts for `option` (--threads, --ranks); NULL
 * gives 1, 2, 4, ... up to the cores. */
static int parse_counts(const char *option, const char *list, int *threads, sf_error *err)
{
    if (!list) {
        int cores = sf_host_cores(), n = 0;
        for (int t = 1; t < cores && n < MAX_LIST - 1; t *= 2)
            threads[n++] = t;
        threads[n++] = cores;
        return n;
    }
    char *copy = strdup(list), *items[MAX_LIST];
    int n = split_list(copy, items);
    for (int i = 0; i < n; i++) {
        char *end;
        long t = strtol(items[i], &end, 10);
        if (*end || t < 1 || t > 4096) {
            sf_error_set(err, SF_EUSAGE, "%s: '%s' is not a count", option, items[i]);
            free(copy);
            return -1;
        }
        threads[i] = (int)t;
    }
    free(copy);
    return n;
}

/* ---- the study's options ---------------------------------------------- */

/* How a study option is held in sf_cost_options, and so how it is written
 * in results.json and as a flag. */
enum option_type {
    OPTION_COUNT,               /* int */
    OPTION_U64,                 /* uint64_t */
    OPTION_SOURCE,              /* params.source, given when params.source_set */
    OPTION_NUMBER,              /* double */
    OPTION_SWITCH,              /* bool: a flag without a value */
    OPTION_WEIGHTS,             /* sf_weights_mode, by name */
    OPTION_NUMA,                /* sf_numa_policy, by name */
    OPTION_LIST,                /* const char *: comma-separated, or NULL */
};

/* The options of a study beside its graphs, algorithms and threads: the
 * one list from which results.json's study.config is written, --replay
 * reads it back, the replaying line is printed, and the rank runs get
 * those that shape one run (`run` takes them, per_run). An option at its
 * default (unset for numbers; 0, false, NULL or the first name otherwise)
 * is neither passed on nor printed, unless `always`. */
static const struct study_option {
    const char *flag;           /* as bench (and run) take it */
    const char *key;            /* in study.config */
    enum option_type type;
    size_t at;                  /* offsetof(sf_cost_options, ...) */
    double unset;
    bool always;
    bool per_run;
} study_options[] = {
    {"--ranks", "ranks", OPTION_LIST, offsetof(sf_cost_options, ranks), .per_run = false},
    {"--trials", "trials", OPTION_COUNT, offsetof(sf_cost_options, trials), .always = true},
    {"--seed", "seed", OPTION_U64, offsetof(sf_cost_options, load.seed), .always = true,
     .per_run = true},
    {"--iterations", "iterations", OPTION_COUNT, offsetof(sf_cost_options, params.iterations),
     .unset = -1, .per_run = true},
    {"--damping", "damping", OPTION_NUMBER, offsetof(sf_cost_options, params.damping),
     .unset = SF_DEFAULT_DAMPING, .per_run = true},
    {"--source", "source", OPTION_SOURCE, offsetof(sf_cost_options, params.source),
     .per_run = true},
    {"--vertices", "vertices", OPTION_U64, offsetof(sf_cost_options, load.vertices),
     .per_run = true},
    {"--delta", "delta", OPTION_NUMBER, offsetof(sf_cost_options, params.delta), .per_run = true},
    {"--weights", "weights", OPTION_WEIGHTS, offsetof(sf_cost_options, load.weights),
     .per_run = true},
    {"--directed", "directed", OPTION_SWITCH, offsetof(sf_cost_options, load.directed),
     .per_run = true},
    {"--undirected", "undirected", OPTION_SWITCH, offsetof(sf_cost_options, load.undirected),
     .per_run = true},
    {"--shards", "shards", OPTION_COUNT, offsetof(sf_cost_options, engine.shards),
     .per_run = true},
    {"--no-pin", "no_pin", OPTION_SWITCH, offsetof(sf_cost_options, engine.no_pin),
     .per_run = true},
    {"--numa", "numa", OPTION_NUMA, offsetof(sf_cost_options, engine.numa), .per_run = true},
    {"--cold", "cold", OPTION_SWITCH, offsetof(sf_cost_options, cold), .per_run = false},
};
#define NUM_STUDY_OPTIONS (sizeof study_options / sizeof study_options[0])

/* The field of o that option s holds. */
#define FIELD(T, o, s) (*(T *)((char *)(o) + (s)->at))

/* The shortest text that reads back as x. */
static void number_text(double x, char *text, size_t n)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, n, "%.*g", digits, x);
        if (strtod(text, NULL) == x)
            return;
    }
}

/* Whether option s of o is at its default: left out of the flags. */
static bool at_default(const struct study_option *s, const sf_cost_options *o)
{
    if (s->always)
        return false;
    switch (s->type) {
    case OPTION_COUNT: return FIELD(const int, o, s) == s->unset;
    case OPTION_U64: return FIELD(const uint64_t, o, s) == 0;
    case OPTION_SOURCE: return !o->params.source_set;
    case OPTION_NUMBER: return FIELD(const double, o, s) == s->unset;
    case OPTION_SWITCH: return !FIELD(const bool, o, s);
    case OPTION_WEIGHTS: return FIELD(const sf_weights_mode, o, s) == SF_WEIGHTS_INPUT;
    case OPTION_NUMA: return FIELD(const sf_numa_policy, o, s) == SF_NUMA_LOCAL;
    case OPTION_LIST: return FIELD(const char *const, o, s) == NULL;
    }
    return true;
}

/* The value of option s of o as text: for a flag, or for JSON (quoted
 * names and lists, null, true and false). */
static void value_text(const struct study_option *s, const sf_cost_options *o, bool json,
                       char *text, size_t n)
{
    const char *name = NULL;
    switch (s->type) {
    case OPTION_COUNT: snprintf(text, n, "%d", FIELD(const int, o, s)); return;
    case OPTION_SOURCE:
        if (!o->params.source_set) { /* not given: null (and no flag: at_default) */
            snprintf(text, n, "null");
            return;
        }
        /* fall through */
    case OPTION_U64:
        snprintf(text, n, "%llu", (unsigned long long)FIELD(const uint64_t, o, s));
        return;
    case OPTION_NUMBER: number_text(FIELD(const double, o, s), text, n); return;
    case OPTION_SWITCH:
        snprintf(text, n, "%s", !json ? "" : FIELD(const bool, o, s) ? "true" : "false");
        return;
    case OPTION_WEIGHTS: name = sf_weights_name(FIELD(const sf_weights_mode, o, s)); break;
    case OPTION_NUMA: name = sf_numa_policy_name(FIELD(const sf_numa_policy, o, s)); break;
    case OPTION_LIST: name = FIELD(const char *const, o, s); break;
    }
    if (!json)
        snprintf(text, n, "%s", name ? name : "");
    else if (name) /* no quote or backslash: names, or a rank list parsed as counts */
        snprintf(text, n, "\"%s\"", name);
    else
        snprintf(text, n, "null");
}

/* Appends to text (n bytes, *len used) the flags of the study options of
 * o that are not at their defaults: only those of one run, or all. */
static void put_flags(const sf_cost_options *o, bool per_run, char *text, size_t n, size_t *len)
{
    for (size_t i = 0; i < NUM_STUDY_OPTIONS && *len < n; i++) {
        const struct study_option *s = &study_options[i];
        if ((per_run && !s->per_run) || at_default(s, o))
            continue;
        char value[256];
        value_text(s, o, false, value, sizeof value);
        *len += snprintf(text + *len, n - *len, " %s%s%s", s->flag, value[0] ? " " : "", value);
    }
}

void sf_cost_flags(const sf_cost_options *o, char *text, size_t n)
{
    size_t len = 0;
    const char *lists[][2] = {{"--graphs", o->graphs}, {"--algos", o->algos},
                              {"--threads", o->threads}};
    text[0] = 0;
    for (size_t i = 0; i < 3 && len < n; i++)
        if (lists[i][1])
            len += snprintf(text + len, n - len, "%s%s %s", len ? " " : "", lists[i][0],
                            lists[i][1]);
    put_flags(o, false, text, n, &len);
}

/* Reads option s into o from its value v in a study.config (a value of
 * the wrong type, or an unknown name, leaves o as it was). */
/* Reads option s of a recorded study from v into o. Returns false when v
 * is not a value of that option (a replay then refuses the record rather
 * than run another configuration than the one it holds). */
static bool read_option(const struct study_option *s, json_t *v, sf_cost_options *o)
{
    const char *name = json_string_value(v);
    switch (s->type) {
    case OPTION_COUNT:
        if (!json_is_integer(v) || json_integer_value(v) < INT_MIN ||
            json_integer_value(v) > INT_MAX) /* -1: not given (iterations) */
            return false;
        FIELD(int, o, s) = (int)json_integer_value(v);
        return true;
    case OPTION_U64:
    case OPTION_SOURCE:
        if (json_is_null(v) && s->type == OPTION_SOURCE) /* not given: a seeded pick */
            return true;
        if (!json_is_integer(v))
            return false;
        FIELD(uint64_t, o, s) = (uint64_t)json_integer_value(v);
        if (s->type == OPTION_SOURCE)
            o->params.source_set = true;
        return true;
    case OPTION_NUMBER:
        if (!json_is_number(v))
            return false;
        FIELD(double, o, s) = json_number_value(v);
        return true;
    case OPTION_SWITCH:
        if (!json_is_boolean(v))
            return false;
        FIELD(bool, o, s) = json_is_true(v);
        return true;
    case OPTION_WEIGHTS:
        if (name && strcmp(name, sf_weights_name(SF_WEIGHTS_INPUT)) == 0) {
            FIELD(sf_weights_mode, o, s) = SF_WEIGHTS_INPUT;
            return true;
        }
        return name && sf_weights_parse(name, &FIELD(sf_weights_mode, o, s));
    case OPTION_NUMA:
        return name && sf_numa_policy_parse(name, &FIELD(sf_numa_policy, o, s));
    case OPTION_LIST:
        if (!name && !json_is_null(v))
            return false;
        FIELD(const char *, o, s) = name ? strdup(name) : NULL;
        return true;
    }
    return false;
}

struct study {
    const sf_cost_options *o;
    FILE *csv, *json;
    bool first_record;
    sf_cost_series *series;
    int num_series;
    long runs_done, runs_total;
    double started;
    /* the graph being studied had no weights and got GAP's random ones */
    bool random_weights;
};

static void emit(struct study *st, const sf_run_info *info, const char *graph)
{
    fprintf(st->csv, "%s,%s,%s,%d,%d,%.6f,%.6f,%.6f,%d,%s,%d\n", graph, info->algo,
            info->engine, info->threads, info->trial, info->load_s, info->build_s, info->run_s,
            info->iterations, info->verify, info->ranks);
    fputs(st->first_record ? "\n  " : ",\n  ", st->json);
    sf_record_write(st->json, info);
    st->first_record = false;
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

int sf_cost_cores(const sf_cost_series *s, int k)
{
    return s->threads[k] * (s->ranks[k] > 0 ? s->ranks[k] : 1);
}

void sf_cost_label(const sf_cost_series *s, int k, char *label, size_t len)
{
    if (s->ranks[k] > 1)
        snprintf(label, len, "shardflow %d ranks x %d thread%s", s->ranks[k], s->threads[k],
                 plural(s->threads[k]));
    else
        snprintf(label, len, "shardflow %d thread%s", s->threads[k], plural(s->threads[k]));
}

/* One run of the kernel over `ranks` MPI processes: this binary started by
 * the launcher with `run ... --json`, its run record read back (jansson):
 * run_s, iterations and the placement (rank 0's, as that record has it;
 * *placement is the caller's to free, NULL where the record has none). The
 * ranks must have loaded g's vertex and edge counts, or the row would time
 * another graph. Load and build happen in every run and are outside run_s,
 * as in-process. */
static int run_ranks(const sf_cost_options *o, const sf_algo *algo, const char *graph,
                     const sf_graph *g, int ranks, int threads, bool random_weights,
                     double *run_s, int *iterations, char **placement, sf_error *err)
{
    *placement = NULL;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return sf_error_set(err, SF_EINPUT, "--ranks: cannot find this binary (/proc/self/exe)");
    self[n] = 0;
    /* the ranks weigh the arcs as the in-process runs did (GAP's random
     * weights for a kernel that needs them on an unweighted graph) */
    sf_cost_options run = *o;
    if (!algo->needs_weights)
        run.load.weights = SF_WEIGHTS_INPUT;
    else if (random_weights && o->load.weights == SF_WEIGHTS_INPUT)
        run.load.weights = SF_WEIGHTS_RANDOM;
    char command[12288];
    size_t len = (size_t)snprintf(command, sizeof command,
                                  "%s %s-np %d '%s' run %s '%s' --json --quiet --threads %d",
                                  o->mpirun ? o->mpirun : "mpirun --oversubscribe",
                                  geteuid() == 0 ? "--allow-run-as-root " : "", ranks, self,
                                  algo->name, graph, threads);
    put_flags(&run, true, command, sizeof command, &len);
    if (len < sizeof command)
        snprintf(command + len, sizeof command - len, " 2>&1");
    FILE *p = popen(command, "r");
    if (!p)
        return sf_error_set(err, SF_EINPUT, "--ranks: cannot start '%s'", command);
    static char out[1 << 20];
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = 0;
    int status = pclose(p);
    /* the record is the line that starts with '{' */
    char *record = out[0] == '{' ? out : strstr(out, "\n{");
    if (record && record != out)
        record++;
    json_t *root = status == 0 && record ? json_loads(record, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    json_t *t = json_object_get(json_object_get(root, "times"), "run_s");
    if (!json_is_number(t)) {
        json_decref(root);
        out[strcspn(out, "\n")] = 0;
        return sf_error_set(err, SF_EINPUT, "--ranks: %d ranks of %s on %s failed: %s", ranks,
                            algo->name, graph, out[0] ? out : command);
    }
    json_t *loaded = json_object_get(root, "graph");
    uint64_t vertices = (uint64_t)json_integer_value(json_object_get(loaded, "vertices")),
             edges = (uint64_t)json_integer_value(json_object_get(loaded, "edges"));
    if (vertices != g->num_vertices || edges != g->num_edges) {
        json_decref(root);
        return sf_error_set(err, SF_EINPUT,
                            "--ranks: %d ranks of %s on %s loaded %llu vertices and %llu edges, "
                            "the study's graph has %llu and %llu",
                            ranks, algo->name, graph, (unsigned long long)vertices,
                            (unsigned long long)edges, (unsigned long long)g->num_vertices,
                            (unsigned long long)g->num_edges);
    }
    *run_s = json_number_value(t);
    *iterations = (int)json_integer_value(json_object_get(root, "iterations"));
    json_t *where = json_object_get(root, "placement");
    if (json_is_object(where) && !(*placement = json_dumps(where, 0))) {
        json_decref(root);
        return sf_error_set(err, -ENOMEM, "out of memory");
    }
    json_decref(root);
    return 0;
}

void sf_cost_series_medians(const sf_cost_series *s, double *medians)
{
    for (int k = 0; k < s->configs; k++)
        medians[k] = sf_cost_summarise(s->engine_s + (size_t)k * s->trials, s->trials).median;
}

/* One line on stderr, rewritten in place: where the study is and how long
 * the rest should take at the pace so far. */
static void progress(struct study *st, const char *algo, const char *graph, int trial)
{
    if (!st->o->progress || st->runs_done == 0)
        return;
    double elapsed = sf_now() - st->started;
    double left = elapsed / st->runs_done * (st->runs_total - st->runs_done);
    fprintf(stderr, "\r%s on %s: trial %d/%d; study %ld/%ld runs, about %.0f s left   ", algo,
            graph, trial + 1, st->o->trials, st->runs_done, st->runs_total, left);
}

static int study_algo(struct study *st, const sf_algo *algo, const char *graph, sf_graph *g,
                      sf_engine **engines, const int *threads, int nthreads, const int *ranks,
                      int nranks, sf_cost_series *s, sf_error *err)
{
    const sf_cost_options *o = st->o;
    int trials = o->trials;
    /* .properties beside an LDBC graph fills what the study left at its
     * defaults, as `run` does for the rank runs (which get only the
     * study's options that differ from their defaults) */
    sf_params params = o->params;
    int rc = sf_job_ldbc_params(graph, algo, o->params.iterations >= 0,
                                o->params.damping != SF_DEFAULT_DAMPING, &params, err);
    if (rc)
        return rc;
    snprintf(s->graph, sizeof s->graph, "%s", graph);
    snprintf(s->algo, sizeof s->algo, "%s", algo->name);
    s->vertices = g->num_vertices;
    s->edges = g->num_edges;
    s->trials = trials;
    s->configs = nthreads + nranks;
    memcpy(s->threads, threads, nthreads * sizeof *threads);
    for (int k = 0; k < nthreads; k++)
        s->ranks[k] = 1;
    /* over ranks, each rank gets the cores divided by the ranks (at least one) */
    int cores = sf_host_cores();
    for (int j = 0; j < nranks; j++) {
        s->ranks[nthreads + j] = ranks[j];
        s->threads[nthreads + j] = cores / ranks[j] > 0 ? cores / ranks[j] : 1;
    }
    s->baseline_s = calloc(trials, sizeof *s->baseline_s);
    s->engine_s = calloc((size_t)trials * s->configs, sizeof *s->engine_s);
    if (!s->baseline_s || !s->engine_s)
        return sf_error_set(err, -ENOMEM, "out of memory");
    sf_job_result r;
    /* warm-up: baseline and the widest engine, untimed */
    if ((rc = sf_job_run(algo, engines[nthreads - 1], g, true, &params, &r, err)))
        return rc;
    sf_job_result_fini(&r);
    if ((rc = sf_job_run(algo, engines[nthreads - 1], g, false, &params, &r, err)))
        return rc;
    sf_job_result_fini(&r);

    for (int t = 0; t < trials; t++) {
        for (int k = -1; k < nthreads; k++) {
            bool baseline = k < 0;
            sf_engine *e = baseline ? engines[0] : engines[k];
            if ((rc = sf_job_run(algo, e, g, baseline, &params, &r, err)))
                return rc;
            char placement[1024];
            sf_engine_placement_json(e, baseline, placement, sizeof placement);
            sf_run_info info = {
                .algo = algo->name, .engine = baseline ? "baseline" : "shardflow",
                .source = graph, .vertices = g->num_vertices, .edges = g->num_edges,
                .directed = g->directed, .threads = baseline ? 1 : threads[k], .ranks = 1,
                .placement_json = placement, .load_s = s->load.median,
                .build_s = s->build.median + r.prepare_s, .run_s = r.run_s,
                .iteration_s = r.log.seconds,
                .iterations = baseline && algo->default_iterations ? r.params.iterations
                                                                   : r.log.count,
                .peak_rss_bytes = sf_peak_rss_bytes(), .verify = "skipped",
                .result_json = r.result_json, .command_line = o->command_line,
                .seed = o->load.seed, .trial = t,
            };
            emit(st, &info, graph);
            if (baseline) {
                s->baseline_s[t] = r.run_s;
                s->prepare_s = r.prepare_s;
            } else {
                s->engine_s[(size_t)k * trials + t] = r.run_s;
            }
            sf_job_result_fini(&r);
            st->runs_done++;
        }
        for (int j = 0; j < nranks; j++) {
            int k = nthreads + j, iterations = 0;
            double run_s = 0;
            char *placement = NULL;
            if ((rc = run_ranks(o, algo, graph, g, s->ranks[k], s->threads[k],
                                st->random_weights, &run_s, &iterations, &placement, err)))
                return rc;
            sf_run_info info = {
                .algo = algo->name, .engine = "shardflow", .source = graph,
                .vertices = g->num_vertices, .edges = g->num_edges, .directed = g->directed,
                .threads = s->threads[k], .ranks = s->ranks[k], .placement_json = placement,
                .load_s = s->load.median,
                .build_s = s->build.median, .run_s = run_s, .iterations = iterations,
                .peak_rss_bytes = 0, .verify = "skipped", .command_line = o->command_line,
                .seed = o->load.seed, .trial = t,
            };
            emit(st, &info, graph);
            free(placement);
            s->engine_s[(size_t)k * trials + t] = run_s;
            st->runs_done++;
        }
        progress(st, algo->name, graph, t);
    }
    if (o->progress)
        fprintf(stderr, "\r%100s\r", "");

    sf_cost_stats b = sf_cost_summarise(s->baseline_s, trials);
    double medians[SF_COST_MAX_LIST];
    sf_cost_series_medians(s, medians);
    printf("\n%s on %s (%u vertices, %llu edges), %d trial%s, seconds\n", algo->name, graph,
           g->num_vertices, (unsigned long long)g->num_edges, trials, plural(trials));
    printf("  %-30s %10s %10s %10s %9s\n", "configuration", "min", "median", "max", "speedup");
    printf("  %-30s %10.4f %10.4f %10.4f %9s\n", "baseline (1 thread)", b.min, b.median, b.max,
           "1.00");
    if (s->prepare_s > 0.0005)
        printf("  %-30s %10.4f  (layout preparation, excluded above)\n", "baseline prepare",
               s->prepare_s);
    for (int k = 0; k < s->configs; k++) {
        sf_cost_stats e = sf_cost_summarise(s->engine_s + (size_t)k * trials, trials);
        char label[64];
        sf_cost_label(s, k, label, sizeof label);
        printf("  %-30s %10.4f %10.4f %10.4f %8.2fx\n", label, e.min, e.median, e.max,
               b.median / e.median);
    }
    int cost = sf_cost_index(b.median, medians, s->configs);
    char label[64];
    if (cost >= 0) {
        sf_cost_label(s, cost, label, sizeof label);
        printf("COST %s on %s: %s (engine median %.4f s < baseline median %.4f s); "
               "engine at 1 thread / baseline = %.2f\n",
               algo->name, graph, label + strlen("shardflow "), medians[cost], b.median,
               threads[0] == 1 ? medians[0] / b.median : 0.0);
    } else {
        sf_cost_label(s, s->configs - 1, label, sizeof label);
        printf("COST %s on %s: unbounded up to %s\n", algo->name, graph,
               label + strlen("shardflow "));
    }
    return 0;
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Drops the page cache so that the next load reads the disk (root only). */
static bool drop_page_cache(void)
{
    sync();
    FILE *f = fopen("/proc/sys/vm/drop_caches", "w");
    if (!f)
        return false;
    bool ok = fputs("3\n", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* CRC-32 of a file's bytes as stored (zlib), for the study record. */
static bool file_crc32(const char *path, unsigned long *crc, uint64_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    static unsigned char buf[1 << 20];
    uLong c = crc32(0L, Z_NULL, 0);
    size_t n;
    *bytes = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        c = crc32(c, buf, (uInt)n);
        *bytes += n;
    }
    bool ok = !ferror(f);
    fclose(f);
    *crc = c;
    return ok;
}

static void json_list(FILE *f, char **items, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        sf_json_string(f, items[i]);
    }
    fputc(']', f);
}

/* The head of results.json: everything needed to judge and re-run the
 * study (configuration, machine, inputs), before the run records. */
static void write_study_record(FILE *f, const sf_cost_options *o, char **graphs, int ngraphs,
                               char **algos, int nalgos, const int *threads, int nthreads)
{
    struct utsname u;
    fputs("{\"study\": {\"version\": ", f);
    sf_json_string(f, sf_version());
    fputs(", \"command\": ", f);
    sf_json_string(f, o->command_line ? o->command_line : "");
    fputs(", \"config\": {\"graphs\": ", f);
    json_list(f, graphs, ngraphs);
    fputs(", \"algos\": ", f);
    json_list(f, algos, nalgos);
    fputs(", \"threads\": [", f);
    for (int k = 0; k < nthreads; k++)
        fprintf(f, "%s%d", k ? ", " : "", threads[k]);
    fputs("]", f);
    for (size_t i = 0; i < NUM_STUDY_OPTIONS; i++) {
        char value[256];
        value_text(&study_options[i], o, true, value, sizeof value);
        fprintf(f, ", \"%s\": %s", study_options[i].key, value);
    }
    fputs("}", f);
    fputs(", \"machine\": {\"cpu\": ", f);
    sf_json_string(f, sf_host_cpu_model());
    fprintf(f, ", \"cores\": %d, \"memory_bytes\": %llu, \"kernel\": ", sf_host_cores(),
            (unsigned long long)sf_host_memory_bytes());
    char kernel[512] = "unknown";
    if (uname(&u) == 0)
        snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
    sf_json_string(f, kernel);
    fputs(", \"compiler\": ", f);
    sf_json_string(f, "gcc " __VERSION__);
    fputs(", \"topology\": \"topology.xml\"}, \"inputs\": [", f);
    for (int i = 0; i < ngraphs; i++) {
        fputs(i ? ", {\"graph\": " : "{\"graph\": ", f);
        sf_json_string(f, graphs[i]);
        unsigned long crc;
        uint64_t bytes;
        if (strchr(graphs[i], ':') && !strchr(graphs[i], '/'))
            fprintf(f, ", \"generator\": true, \"seed\": %llu}", (unsigned long long)o->load.seed);
        else if (file_crc32(graphs[i], &crc, &bytes))
            fprintf(f, ", \"bytes\": %llu, \"crc32\": \"%08lx\"}", (unsigned long long)bytes, crc);
        else
            fputs(", \"unreadable\": true}", f);
    }
    fputs("]},\n\"records\": [", f);
}

/* The machine as hwloc sees it, saved beside the results. */
static void save_topology(const char *dir)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/topology.xml", dir);
    if (hwloc_topology_load(topo) == 0 && hwloc_topology_export_xml(topo, path, 0) != 0)
        fprintf(stderr, "shardflow: warning: could not write %s\n", path);
    hwloc_topology_destroy(topo);
}

/* Loads one graph for the study: once, or with --cold once per trial with
 * the page cache dropped before each, keeping the last. */
static int load_graph(struct study *st, const char *spec, sf_engine *e, sf_graph **g,
                      sf_cost_stats *load, sf_cost_stats *build, bool cold, sf_error *err)
{
    int loads = cold ? st->o->trials : 1;
    double load_s[SF_COST_MAX_LIST * 16], build_s[SF_COST_MAX_LIST * 16];
    if (loads > (int)(sizeof load_s / sizeof load_s[0]))
        loads = sizeof load_s / sizeof load_s[0];
    for (int i = 0; i < loads; i++) {
        sf_graph_destroy(g);
        if (cold)
            drop_page_cache();
        int rc = sf_job_load(spec, &st->o->load, e, g, &load_s[i], &build_s[i], err);
        if (rc)
            return rc;
    }
    *load = sf_cost_summarise(load_s, loads);
    *build = sf_cost_summarise(build_s, loads);
    return 0;
}

int sf_cost_study(const sf_cost_options *o, sf_error *err)
{
    int threads[SF_COST_MAX_LIST];
    int nthreads = parse_counts("--threads", o->threads, threads, err);
    if (nthreads < 0)
        return SF_EUSAGE;
    int ranks[SF_COST_MAX_LIST], nranks = 0;
    if (o->ranks) {
        int parsed = parse_counts("--ranks", o->ranks, ranks, err);
        if (parsed < 0)
            return SF_EUSAGE;
        for (int j = 0; j < parsed; j++) /* one rank is the in-process engine */
            if (ranks[j] > 1)
                ranks[nranks++] = ranks[j];
        qsort(ranks, nranks, sizeof *ranks, compare_int);
    }
    qsort(threads, nthreads, sizeof *threads, compare_int);
    char *algo_copy = strdup(o->algos), *algo_names[SF_COST_MAX_LIST];
    char *graph_copy = strdup(o->graphs), *graph_names[SF_COST_MAX_LIST];
    int nalgos = split_list(algo_copy, algo_names);
    int ngraphs = split_list(graph_copy, graph_names);
    const sf_algo *algos[SF_COST_MAX_LIST];
    sf_engine *engines[SF_COST_MAX_LIST] = {0};
    struct study st = {.o = o, .first_record = true};
    char path[4096];
    int rc = 0;
    bool cold = o->cold;
    sf_cost_options used = *o; /* as the study ran: for its record and report */
    if (nalgos == 0 || ngraphs == 0 || nthreads == 0) {
        rc = sf_error_set(err, SF_EUSAGE, "bench needs at least one graph, algorithm and thread count");
        goto out;
    }
    for (int i = 0; i < nalgos; i++)
        if (!(algos[i] = sf_algo_find(algo_names[i]))) {
            rc = sf_error_set(err, SF_EUSAGE, "--algos: unknown algorithm '%s' (expected %s)",
                              algo_names[i], sf_algo_names());
            goto out;
        }
    if (cold && geteuid() != 0) {
        fprintf(stderr, "shardflow: warning: --cold needs root to drop the page cache; "
                        "loads stay warm\n");
        cold = false;
    }
    if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
        rc = sf_error_set(err, -errno, "%s: %s", o->out_dir, strerror(errno));
        goto out;
    }
    st.series = calloc((size_t)nalgos * ngraphs, sizeof *st.series);
    snprintf(path, sizeof path, "%s/results.csv", o->out_dir);
    st.csv = fopen(path, "w");
    if (st.csv) {
        snprintf(path, sizeof path, "%s/results.json", o->out_dir);
        st.json = fopen(path, "w");
    }
    if (!st.csv || !st.json || !st.series) {
        rc = sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
        goto out;
    }
    save_topology(o->out_dir);
    fputs("graph,algo,engine,threads,trial,load_s,build_s,run_s,iterations,verify,ranks\n", st.csv);
    used.cold = cold;
    write_study_record(st.json, &used, graph_names, ngraphs, algo_names, nalgos, threads,
                       nthreads);
    /* one engine per thread count; the widest loads and builds */
    for (int k = nthreads - 1; k >= 0; k--) {
        sf_engine_options eo = o->engine;
        eo.threads = threads[k];
        if ((rc = sf_engine_create(&eo, &engines[k], err)))
            goto out;
    }
    printf("shardflow bench: %s, %d core%s; threads", sf_host_cpu_model(), sf_host_cores(),
           plural(sf_host_cores()));
    for (int k = 0; k < nthreads; k++)
        printf(" %d", threads[k]);
    printf("; %d trial%s after a warm-up\n", o->trials, plural(o->trials));
    st.runs_total = (long)ngraphs * nalgos * o->trials * (nthreads + nranks + 1);
    st.started = sf_now();
    for (int i = 0; i < ngraphs; i++) {
        sf_graph *g = NULL;
        sf_cost_stats load, build;
        omp_set_num_threads(threads[nthreads - 1]);
        if ((rc = load_graph(&st, graph_names[i], engines[nthreads - 1], &g, &load, &build, cold,
                             err)))
            goto out;
        printf("\ngraph %s: %u vertices, %llu edges; load %.3f s, build %.3f s%s\n",
               graph_names[i], g->num_vertices, (unsigned long long)g->num_edges, load.median,
               build.median, cold ? " (medians, cold page cache)" : "");
        /* sssp on an unweighted graph: GAP's synthetic weights, as its
         * benchmark does, rather than no answer */
        st.random_weights = false;
        for (int a = 0; a < nalgos && !g->weighted; a++)
            if (algos[a]->needs_weights) {
                if (sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, o->load.seed)) {
                    sf_graph_destroy(&g);
                    rc = sf_error_set(err, -ENOMEM, "out of memory for weights");
                    goto out;
                }
                st.random_weights = true;
                printf("(unweighted: random integer weights in [1, 255] from seed %llu, for %s)\n",
                       (unsigned long long)o->load.seed, algos[a]->name);
            }
        for (int k = 0; k < nthreads - 1 && rc == 0; k++)
            rc = sf_engine_attach(engines[k], g, err);
        for (int a = 0; a < nalgos && rc == 0; a++) {
            sf_cost_series *s = &st.series[st.num_series++];
            s->load = load;
            s->build = build;
            rc = study_algo(&st, algos[a], graph_names[i], g, engines, threads, nthreads, ranks,
                            nranks, s, err);
        }
        sf_graph_destroy(&g);
        if (rc)
            goto out;
    }
    fputs("\n]}\n", st.json);
    fclose(st.json);
    st.json = NULL;
    if ((rc = sf_report_write(o->out_dir, &used, st.series, st.num_series, sf_now() - st.started,
                              err)))
        goto out;
    printf("\nresults: %s/results.csv, %s/results.json, %s/report.md\n", o->out_dir, o->out_dir,
           o->out_dir);
    sf_error plot_err = {{0}};
    if (sf_report_plots(o->out_dir, st.series, st.num_series, &plot_err) == 0)
        printf("plots:   %s/time.png, %s/speedup.png (and .svg)\n", o->out_dir, o->out_dir);
    else
        fprintf(stderr, "shardflow: warning: no plots: %s\n", plot_err.msg);
out:
    if (st.csv)
        fclose(st.csv);
    if (st.json)
        fclose(st.json);
    for (int k = 0; k < nthreads; k++)
        sf_engine_destroy(&engines[k]);
    for (int i = 0; i < st.num_series; i++) {
        free(st.series[i].baseline_s);
        free(st.series[i].engine_s);
    }
    free(st.series);
    free(algo_copy);
    free(graph_copy);
    return rc;
}

/* --replay: the study's configuration back from its results.json (jansson). */
static char *join_strings(json_t *array)
{
    size_t len = 1, i;
    json_t *item;
    json_array_foreach(array, i, item) len += (json_is_string(item) ? strlen(json_string_value(item)) : 24) + 1;
    char *out = calloc(len, 1);
    if (!out)
        return NULL;
    json_array_foreach(array, i, item)
    {
        if (i)
            strcat(out, ",");
        if (json_is_string(item))
            strcat(out, json_string_value(item));
        else if (json_is_integer(item))
            sprintf(out + strlen(out), "%lld", (long long)json_integer_value(item));
    }
    return out;
}

void sf_cost_replay_fini(sf_cost_options *o)
{
    free((char *)o->graphs);
    free((char *)o->algos);
    free((char *)o->threads);
    free((char *)o->ranks);
    o->graphs = o->algos = o->threads = o->ranks = NULL;
}

int sf_cost_replay_options(const char *path, sf_cost_options *o, sf_error *err)
{
    /* from here on they are ours (the defaults are the caller's literals) */
    o->graphs = o->algos = o->threads = o->ranks = NULL;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        return sf_error_set(err, SF_EINPUT, "%s:%d: %s", path, jerr.line, jerr.text);
    int rc = 0;
    json_t *config = json_object_get(json_object_get(root, "study"), "config");
    json_t *graphs = json_object_get(config, "graphs"), *algos = json_object_get(config, "algos");
    json_t *threads = json_object_get(config, "threads");
    if (!json_is_array(graphs) || !json_is_array(algos) || !json_is_array(threads)) {
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: not a shardflow study (no study.config with graphs, algos, threads)",
                          path);
        goto out;
    }
    o->graphs = join_strings(graphs);
    o->algos = join_strings(algos);
    o->threads = join_strings(threads);
    for (size_t i = 0; i < NUM_STUDY_OPTIONS; i++) {
        json_t *v = json_object_get(config, study_options[i].key);
        /* a record from before an option was recorded leaves it as it was */
        if (v && !read_option(&study_options[i], v, o)) {
            char *text = json_dumps(v, JSON_ENCODE_ANY);
            rc = sf_error_set(err, SF_EINPUT, "%s: study.config.%s: %s is not a value of %s",
                              path, study_options[i].key, text ? text : "?",
                              study_options[i].flag);
            free(text);
            goto out;
        }
    }
    o->params.seed = o->load.seed;
    if (!o->graphs || !o->algos || !o->threads || o->trials < 1)
        rc = sf_error_set(err, SF_EINPUT, "%s: incomplete study configuration", path);
out:
    json_decref(root);
    return rc;
}
