/* The table of algorithms: engine kernel, baseline and reference side by
 * side, with one way to run and check each. */
#include "jobs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/baseline_pr.h"
#include "bench/baseline_bfs.h"
#include "bench/baseline_cdlp.h"
#include "bench/baseline_kcore.h"
#include "bench/baseline_lcc.h"
#include "bench/baseline_sssp.h"
#include "bench/baseline_tc.h"
#include "bench/baseline_wcc.h"
#include "datasets/generators.h"
#include "engine/dist_graph.h"
#include "engine/env.h"
#include "io/input.h"
#include "io/ldbc.h"
#include "io/snapshot.h"
#include "engine/parallel.h"
#include "operators/kernels.h"

static int pr_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    return sf_pr(e, p->iterations, p->damping, values, log);
}

static int pr_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    return sf_baseline_pr(g, p->iterations, p->damping, values, prepare_s, NULL);
}

static int pr_reference(const sf_graph *g, const sf_params *p, void *values)
{
    return sf_reference_pr(g, p->iterations, p->damping, values);
}

static void pr_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                         size_t len)
{
    (void)p;
    const double *rank = values;
    double sum = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        sum += rank[v];
    snprintf(json, len, "{\"rank_sum\": %.15g}", sum);
}

static int wcc_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    (void)p;
    return sf_wcc(e, values, log);
}

static int wcc_distributed(sf_engine *e, const sf_params *p, void *values,
                           sf_iteration_log *log)
{
    (void)p;
    return sf_dist_wcc(e, values, log);
}

/* The baseline's union-find gives roots; LDBC labels are the smallest
 * original id per component, one more serial pass inside the timed run. */
static int wcc_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    (void)p;
    *prepare_s = 0;
    sf_vid *root = malloc(((size_t)g->num_vertices + 1) * sizeof *root);
    if (!root)
        return -ENOMEM;
    int rc = sf_baseline_wcc(g, root, NULL);
    if (rc == 0)
        rc = sf_labels_from_roots(g, root, values);
    free(root);
    return rc;
}

static int wcc_reference(const sf_graph *g, const sf_params *p, void *values)
{
    (void)p;
    return sf_reference_wcc(g, values);
}

static void wcc_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                          size_t len)
{
    (void)p;
    const uint64_t *label = values;
    uint64_t components = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        components += label[v] == sf_graph_original_id(g, v);
    snprintf(json, len, "{\"components\": %llu}", (unsigned long long)components);
}

static int bfs_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    return sf_bfs(e, p->source_vertex, values, log);
}

static int bfs_distributed(sf_engine *e, const sf_params *p, void *values,
                           sf_iteration_log *log)
{
    return sf_dist_bfs(e, p->source_vertex, values, log);
}

static int bfs_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    *prepare_s = 0;
    return sf_baseline_bfs(g, p->source_vertex, values);
}

static int bfs_reference(const sf_graph *g, const sf_params *p, void *values)
{
    return sf_reference_bfs(g, p->source_vertex, values);
}

static void bfs_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                          size_t len)
{
    const int64_t *depth = values;
    uint64_t reached = 0;
    int64_t max_depth = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        if (depth[v] >= 0) {
            reached++;
            max_depth = depth[v] > max_depth ? depth[v] : max_depth;
        }
    snprintf(json, len, "{\"source\": %llu, \"reached\": %llu, \"max_depth\": %lld}",
             (unsigned long long)sf_graph_original_id(g, p->source_vertex),
             (unsigned long long)reached, (long long)max_depth);
}

static int sssp_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    return sf_sssp(e, p->source_vertex, p->delta, values, log);
}

static int sssp_distributed(sf_engine *e, const sf_params *p, void *values,
                            sf_iteration_log *log)
{
    return sf_dist_sssp(e, p->source_vertex, values, log);
}

static int sssp_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    *prepare_s = 0;
    return sf_baseline_sssp(g, p->source_vertex, values);
}

static int sssp_reference(const sf_graph *g, const sf_params *p, void *values)
{
    return sf_reference_sssp(g, p->source_vertex, values);
}

static void sssp_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                           size_t len)
{
    const double *dist = values;
    uint64_t reached = 0;
    double max_dist = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        if (!isinf(dist[v])) {
            reached++;
            max_dist = dist[v] > max_dist ? dist[v] : max_dist;
        }
    snprintf(json, len, "{\"source\": %llu, \"reached\": %llu, \"max_distance\": %.15g}",
             (unsigned long long)sf_graph_original_id(g, p->source_vertex),
             (unsigned long long)reached, max_dist);
}

static int cdlp_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    return sf_cdlp(e, p->iterations, values, log);
}

static int cdlp_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    *prepare_s = 0;
    return sf_baseline_cdlp(g, p->iterations, values);
}

static int cdlp_reference(const sf_graph *g, const sf_params *p, void *values)
{
    return sf_reference_cdlp(g, p->iterations, values);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void cdlp_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                           size_t len)
{
    (void)p;
    uint64_t *labels = malloc(((size_t)g->num_vertices + 1) * sizeof *labels);
    if (!labels) {
        snprintf(json, len, "{}");
        return;
    }
    memcpy(labels, values, (size_t)g->num_vertices * sizeof *labels);
    qsort(labels, g->num_vertices, sizeof *labels, compare_u64);
    uint64_t communities = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        communities += v == 0 || labels[v] != labels[v - 1];
    free(labels);
    snprintf(json, len, "{\"communities\": %llu}", (unsigned long long)communities);
}

static int lcc_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    (void)p;
    return sf_lcc(e, values, log);
}

static int lcc_distributed(sf_engine *e, const sf_params *p, void *values,
                           sf_iteration_log *log)
{
    (void)p;
    return sf_dist_lcc(e, values, log);
}

static int lcc_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    (void)p;
    *prepare_s = 0;
    return sf_baseline_lcc(g, values);
}

static int lcc_reference(const sf_graph *g, const sf_params *p, void *values)
{
    (void)p;
    return sf_reference_lcc(g, values);
}

static void lcc_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                          size_t len)
{
    (void)p;
    const double *lcc = values;
    double sum = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        sum += lcc[v];
    snprintf(json, len, "{\"average_lcc\": %.15g}", g->num_vertices ? sum / g->num_vertices : 0.0);
}

static int tc_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    (void)p;
    return sf_tc(e, values, log);
}

static int tc_distributed(sf_engine *e, const sf_params *p, void *values,
                          sf_iteration_log *log)
{
    (void)p;
    return sf_dist_tc(e, values, log);
}

static int tc_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    (void)p;
    *prepare_s = 0;
    return sf_baseline_tc(g, values);
}

static int tc_reference(const sf_graph *g, const sf_params *p, void *values)
{
    (void)p;
    return sf_reference_tc(g, values);
}

static void tc_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                         size_t len)
{
    (void)p;
    const uint64_t *triangles = values;
    uint64_t sum = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        sum += triangles[v];
    snprintf(json, len, "{\"triangles\": %llu}", (unsigned long long)(sum / 3));
}

static int kcore_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    (void)p;
    return sf_kcore(e, values, log);
}

static int kcore_distributed(sf_engine *e, const sf_params *p, void *values,
                             sf_iteration_log *log)
{
    (void)p;
    return sf_dist_kcore(e, values, log);
}

static int kcore_baseline(const sf_graph *g, const sf_params *p, void *values, double *prepare_s)
{
    (void)p;
    *prepare_s = 0;
    return sf_baseline_kcore(g, values);
}

static int kcore_reference(const sf_graph *g, const sf_params *p, void *values)
{
    (void)p;
    return sf_reference_kcore(g, values);
}

static void kcore_summarise(const sf_graph *g, const sf_params *p, const void *values, char *json,
                            size_t len)
{
    (void)p;
    const uint64_t *core = values;
    uint64_t max_core = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        max_core = core[v] > max_core ? core[v] : max_core;
    snprintf(json, len, "{\"degeneracy\": %llu}", (unsigned long long)max_core);
}

static const sf_algo algos[] = {
    {.name = "pr", .kind = SF_VALUES_DOUBLE,
     .value_size = sizeof(double), .default_iterations = 20, .engine = pr_engine, .distributed = pr_engine,
     .baseline = pr_baseline, .reference = pr_reference, .summarise = pr_summarise},
    {.name = "wcc", .kind = SF_VALUES_U64,
     .value_size = sizeof(uint64_t), .engine = wcc_engine, .distributed = wcc_distributed, .baseline = wcc_baseline,
     .reference = wcc_reference, .summarise = wcc_summarise},
    {.name = "bfs", .kind = SF_VALUES_DEPTH,
     .value_size = sizeof(int64_t), .needs_source = true, .engine = bfs_engine, .distributed = bfs_distributed,
     .baseline = bfs_baseline, .reference = bfs_reference, .summarise = bfs_summarise},
    {.name = "sssp", .kind = SF_VALUES_DOUBLE,
     .value_size = sizeof(double), .needs_source = true, .needs_weights = true,
     .engine = sssp_engine, .distributed = sssp_distributed, .baseline = sssp_baseline, .reference = sssp_reference,
     .summarise = sssp_summarise},
    {.name = "cdlp",
     .kind = SF_VALUES_U64, .value_size = sizeof(uint64_t), .default_iterations = 10,
     .engine = cdlp_engine, .distributed = cdlp_engine, .baseline = cdlp_baseline, .reference = cdlp_reference,
     .summarise = cdlp_summarise},
    {.name = "lcc", .kind = SF_VALUES_DOUBLE,
     .value_size = sizeof(double), .engine = lcc_engine, .distributed = lcc_distributed, .baseline = lcc_baseline,
     .reference = lcc_reference, .summarise = lcc_summarise},
    {.name = "tc", .kind = SF_VALUES_U64,
     .value_size = sizeof(uint64_t), .needs_undirected = true, .engine = tc_engine, .distributed = tc_distributed,
     .baseline = tc_baseline, .reference = tc_reference, .summarise = tc_summarise},
    {.name = "kcore", .kind = SF_VALUES_U64,
     .value_size = sizeof(uint64_t), .needs_undirected = true, .engine = kcore_engine, .distributed = kcore_distributed,
     .baseline = kcore_baseline, .reference = kcore_reference, .summarise = kcore_summarise},
};

const sf_algo *sf_algo_find(const char *name)
{
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++)
        if (strcmp(algos[i].name, name) == 0)
            return &algos[i];
    return NULL;
}

const sf_algo *sf_algo_at(int i)
{
    return i >= 0 && (size_t)i < sizeof algos / sizeof algos[0] ? &algos[i] : NULL;
}

const char *sf_algo_names(void)
{
    /* derived from the table, once */
    static char names[256];
    if (!names[0])
        for (size_t i = 0, n = 0; i < sizeof algos / sizeof algos[0] && n < sizeof names; i++)
            n += snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "", algos[i].name);
    return names;
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t sf_job_source_draw(uint64_t *state)
{
    return splitmix(state);
}

/* The source of bfs and sssp as a dense id: the one asked for, or, as the
 * GAP suite does, a vertex drawn from the seed among those with out-arcs
 * (drawn by rank in original-id order, so the same seed picks the same
 * vertex whatever the dense order). */
static int resolve_source(const sf_graph *g, sf_params *p, sf_error *err)
{
    if (p->source_set) {
        p->source_vertex = sf_graph_find_vertex(g, p->source);
        if (p->source_vertex == SF_VID_NONE)
            return sf_error_set(err, SF_EINPUT, "source vertex %llu is not in the graph",
                                (unsigned long long)p->source);
        return 0;
    }
    if (g->num_vertices == 0)
        return sf_error_set(err, SF_EINPUT, "the graph has no vertices to start from");
    uint64_t state = p->seed;
    for (int tries = 0; tries < 1000; tries++) {
        sf_vid v = sf_graph_by_original(g, splitmix(&state) % g->num_vertices);
        if (sf_out_degree(g, v) > 0) {
            p->source_vertex = v;
            return 0;
        }
    }
    p->source_vertex = sf_graph_by_original(g, 0);
    return 0;
}

/* The knobs that pick a variant, each owned by its reader. */
static const sf_env_knob *const knobs[] = {
    &sf_baseline_pr_layout, &sf_baseline_wcc_variant, &sf_baseline_bfs_variant,
    &sf_baseline_sssp_heap, &sf_baseline_kcore_variant, &sf_pr_layout, &sf_dist_order,
};

/* One LDBC parameter from NAME.properties, as an unsigned integer: 1 when
 * found, 0 when absent, or an error. */
static int ldbc_u64(const char *graph, const char *key, uint64_t *value, sf_error *err)
{
    char text[128], *end;
    int found = sf_ldbc_property(graph, key, text, sizeof text, err);
    if (found <= 0)
        return found;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!text[0] || text[0] == '-' || *end || errno)
        return sf_error_set(err, SF_EINPUT, "%s: bad %s '%s' in .properties", graph, key, text);
    *value = v;
    return 1;
}

int sf_job_ldbc_params(const char *graph, const sf_algo *algo, bool iterations_given,
                       bool damping_given, sf_params *params, sf_error *err)
{
    bool gzip; /* NAME.e or NAME.e.gz: the one NAME.properties */
    const sf_input_format *format = sf_input_format_of(graph, &gzip);
    if (!format || format->kind != SF_INPUT_LDBC)
        return 0;
    char key[64];
    uint64_t value = 0; /* set when found (gcc cannot tell) */
    int found;
    if (algo->needs_source && !params->source_set) {
        snprintf(key, sizeof key, "%s.source-vertex", algo->name);
        if ((found = ldbc_u64(graph, key, &params->source, err)) < 0)
            return found;
        params->source_set = found;
    }
    if (algo->default_iterations && !iterations_given) {
        snprintf(key, sizeof key, "%s.%s", algo->name,
                 strcmp(algo->name, "pr") == 0 ? "num-iterations" : "max-iterations");
        if ((found = ldbc_u64(graph, key, &value, err)) < 0)
            return found;
        if (found && value > 1000000)
            return sf_error_set(err, SF_EINPUT, "%s: %s %llu out of range in .properties", graph,
                                key, (unsigned long long)value);
        if (found)
            params->iterations = (int)value;
    }
    if (strcmp(algo->name, "pr") == 0 && !damping_given) {
        char text[128];
        if ((found = sf_ldbc_property(graph, "pr.damping-factor", text, sizeof text, err)) < 0)
            return found;
        if (found) {
            char *end;
            params->damping = strtod(text, &end);
            if (*end || !(params->damping >= 0 && params->damping <= 1))
                return sf_error_set(err, SF_EINPUT, "%s: bad pr.damping-factor '%s' in .properties",
                                    graph, text);
        }
    }
    return 0;
}

int sf_job_check_environment(sf_error *err)
{
    for (size_t k = 0; k < sizeof knobs / sizeof knobs[0]; k++) {
        if (sf_env_choice(knobs[k]) >= 0)
            continue;
        /* "A, B or C" */
        const char *const *values = knobs[k]->values;
        char list[256];
        size_t len = 0;
        for (int i = 0; values[i] && len < sizeof list; i++)
            len += snprintf(list + len, sizeof list - len, "%s%s",
                            i == 0 ? "" : values[i + 1] ? ", " : " or ", values[i]);
        return sf_error_set(err, SF_EUSAGE, "%s=%s: expected %s (or unset: %s, the default)",
                            knobs[k]->name, getenv(knobs[k]->name), list, values[0]);
    }
    return 0;
}

/* Shortest paths assume weights >= 0 (operators/sssp.c): a negative one is
 * bad input, named by its arc. */
int sf_job_negative_weight(const sf_algo *algo, uint64_t u, uint64_t v, double w, sf_error *err)
{
    return sf_error_set(err, SF_EINPUT, "%s needs non-negative weights; arc %llu -> %llu weighs %g",
                        algo->name, (unsigned long long)u, (unsigned long long)v, w);
}

/* The rows [begin, end) of g (a rank's own), read every time. */
static int check_weights(const sf_algo *algo, const sf_graph *g, sf_vid begin, sf_vid end,
                         sf_error *err)
{
    for (sf_vid u = begin; u < end; u++)
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            if (g->out_weights[e] < 0)
                return sf_job_negative_weight(algo, sf_graph_original_id(g, u),
                                              sf_graph_original_id(g, g->out_neighbors[e]),
                                              g->out_weights[e], err);
    return 0;
}

/* The whole graph, read once per graph: the answer is kept in it
 * (sf_graph_negative_weight), not looked for again on every run. */
static int check_weights_once(const sf_algo *algo, sf_graph *g, sf_error *err)
{
    sf_vid u;
    sf_eid e;
    if (!sf_graph_negative_weight(g, &u, &e))
        return 0;
    return sf_job_negative_weight(algo, sf_graph_original_id(g, u),
                                  sf_graph_original_id(g, g->out_neighbors[e]), g->out_weights[e],
                                  err);
}

/* Directedness and weights as the kernel needs them. */
static int check_needs(const sf_algo *algo, const sf_graph *g, sf_error *err)
{
    if (algo->needs_undirected && g->directed)
        return sf_error_set(err, SF_EUSAGE,
                            "%s needs an undirected graph; give --undirected to symmetrise it",
                            algo->name);
    /* a flag the user must add: usage, as convert's .wel without weights */
    if (algo->needs_weights && !g->weighted)
        return sf_error_set(err, SF_EUSAGE,
                            "%s needs edge weights and the graph has none; give --weights=unit "
                            "or --weights=random",
                            algo->name);
    return 0;
}

int sf_job_check_graph(const sf_algo *algo, const sf_graph *g, sf_vid begin, sf_vid end,
                       sf_error *err)
{
    int rc = check_needs(algo, g, err);
    if (rc == 0 && algo->needs_weights)
        rc = check_weights(algo, g, begin, end, err);
    return rc;
}

/* What a kernel needs of the graph and its parameters, checked before it runs. */
static int prepare_params(const sf_algo *algo, sf_graph *g, const sf_params *p,
                          sf_params *out, sf_error *err)
{
    *out = *p;
    if (out->iterations < 0)
        out->iterations = algo->default_iterations;
    int rc = check_needs(algo, g, err);
    if (rc == 0 && algo->needs_weights)
        rc = check_weights_once(algo, g, err);
    if (rc)
        return rc;
    return algo->needs_source ? resolve_source(g, out, err) : 0;
}

int sf_job_run(const sf_algo *algo, sf_engine *e, sf_graph *g, bool baseline,
               const sf_params *p, sf_job_result *r, sf_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = prepare_params(algo, g, p, &r->params, err);
    if (rc)
        return rc;
    r->values = malloc(((size_t)g->num_vertices + 1) * algo->value_size);
    if (!r->values)
        return sf_error_set(err, -ENOMEM, "out of memory for %s results", algo->name);
    /* fault the output in before the clock starts, for engine and baseline alike */
    memset(r->values, 0, ((size_t)g->num_vertices + 1) * algo->value_size);
    double start = sf_now();
    rc = baseline ? algo->baseline(g, &r->params, r->values, &r->prepare_s)
                  : algo->engine(e, &r->params, r->values, &r->log);
    r->run_s = sf_now() - start - r->prepare_s;
    if (rc) {
        sf_job_result_fini(r);
        return sf_error_set(err, rc, "%s: %s while running", algo->name,
                            rc == -ENOMEM ? "out of memory" : strerror(-rc));
    }
    algo->summarise(g, &r->params, r->values, r->result_json, sizeof r->result_json);
    return 0;
}

void sf_job_result_fini(sf_job_result *r)
{
    free(r->values);
    sf_iteration_log_fini(&r->log);
    r->values = NULL;
}

int sf_job_verify(const sf_algo *algo, const sf_graph *g, const sf_job_result *r, bool *pass,
                  char *msg, size_t msg_len)
{
    const sf_params *p = &r->params;
    void *expected = malloc(((size_t)g->num_vertices + 1) * algo->value_size);
    if (!expected)
        return -ENOMEM;
    int rc = algo->reference(g, p, expected);
    if (rc) {
        free(expected);
        return rc;
    }
    *pass = true;
    msg[0] = 0;
    for (sf_vid v = 0; v < g->num_vertices && *pass; v++) {
        if (algo->kind == SF_VALUES_DOUBLE) {
            double a = ((double *)r->values)[v], b = ((double *)expected)[v];
            bool same = (isinf(a) && isinf(b)) || fabs(a - b) <= 1e-9 * fabs(b) + 1e-300;
            if (!same) {
                *pass = false;
                snprintf(msg, msg_len, "vertex %llu: %.17g, reference %.17g",
                         (unsigned long long)sf_graph_original_id(g, v), a, b);
            }
        } else if (memcmp((char *)r->values + v * algo->value_size,
                          (char *)expected + v * algo->value_size, algo->value_size) != 0) {
            *pass = false;
            snprintf(msg, msg_len, "vertex %llu differs from the reference",
                     (unsigned long long)sf_graph_original_id(g, v));
        }
    }
    free(expected);
    return 0;
}

/* Weights asked for, then the engine: the last steps of every load. */
static int finish_load(const char *spec, const sf_load_options *opt, sf_engine *e, sf_graph **g,
                       sf_error *err)
{
    if (sf_graph_assign_weights(*g, opt->weights, opt->seed)) {
        sf_graph_destroy(g);
        return sf_error_set(err, -ENOMEM, "out of memory for the weights of %s", spec);
    }
    int rc = sf_engine_attach(e, *g, err);
    if (rc)
        sf_graph_destroy(g);
    return rc;
}

/* A snapshot holds the built graph: read it, no build. Its directedness was
 * fixed when it was written, and its vertex count; a flag asking for
 * another is a usage error. */
static int load_snapshot(const char *spec, const sf_load_options *opt, sf_engine *e,
                         sf_graph **g, double *load_s, double *build_s, sf_error *err)
{
    bool gzip;
    int rc = sf_input_check_vertices(spec, sf_input_format_of(spec, &gzip), opt->vertices, err);
    if (rc)
        return rc;
    double start = sf_now();
    rc = sf_snapshot_read(spec, g, err);
    *load_s = sf_now() - start;
    if (rc)
        return rc;
    start = sf_now();
    if ((*g)->directed ? opt->undirected : opt->directed) {
        rc = sf_error_set(err, SF_EUSAGE,
                          "%s: the snapshot holds a%s graph; convert its source again with %s",
                          spec, (*g)->directed ? " directed" : "n undirected",
                          (*g)->directed ? "--undirected" : "--directed");
        sf_graph_destroy(g);
        return rc;
    }
    rc = finish_load(spec, opt, e, g, err);
    *build_s = sf_now() - start;
    return rc;
}

int sf_job_load(const char *spec, const sf_load_options *opt, sf_engine *e, sf_graph **g,
                double *load_s, double *build_s, sf_error *err)
{
    if (sf_snapshot_path(spec))
        return load_snapshot(spec, opt, e, g, load_s, build_s, err);
    sf_edge_list edges;
    sf_edge_list_init(&edges);
    double start = sf_now();
    /* the list only feeds the build: 32-bit ids where they fit */
    sf_input_options input = {.vertices = opt->vertices, .narrow = true};
    int rc;
    if (!sf_generator_spec(spec))
        rc = sf_input_read(spec, &input, &edges, err);
    else if ((rc = sf_input_check_vertices(spec, NULL, opt->vertices, err)) == 0) {
        edges.narrow = true;
        rc = sf_generate(spec, opt->seed, &edges, err);
        sf_trace_phase("generate"); /* the first mark: it starts the build's clocks */
    }
    *load_s = sf_now() - start;
    if (rc)
        goto out;
    start = sf_now();
    /* The user's flag wins; then what the input declares; files default to
     * directed, generators to undirected. */
    sf_build_options build = {
        .undirected = opt->undirected || (!opt->directed && edges.declared_directed == 0),
        .release_edges = true, /* freed right after */
    };
    rc = sf_graph_build(&edges, &build, spec, g, err);
    sf_edge_list_fini(&edges);
    if (rc == 0)
        rc = finish_load(spec, opt, e, g, err);
    *build_s = sf_now() - start;
out:
    sf_edge_list_fini(&edges);
    return rc;
}
