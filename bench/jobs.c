/* The table of algorithms: engine kernel, baseline and reference side by
 * side, with one way to run and check each. */
#include "jobs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/baseline_pr.h"
#include "bench/baseline_wcc.h"
#include "datasets/generators.h"
#include "io/input.h"
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

static int wcc_engine(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log)
{
    (void)p;
    return sf_wcc(e, values, log);
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

static const sf_algo algos[] = {
    {"pr", SF_VALUES_DOUBLE, sizeof(double), pr_engine, pr_baseline, pr_reference},
    {"wcc", SF_VALUES_U64, sizeof(uint64_t), wcc_engine, wcc_baseline, wcc_reference},
};

const sf_algo *sf_algo_find(const char *name)
{
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++)
        if (strcmp(algos[i].name, name) == 0)
            return &algos[i];
    return NULL;
}

const char *sf_algo_names(void)
{
    return "pr, wcc";
}

/* Kernel-level results for the record: counts that summarise the values. */
static void summarise(const sf_algo *algo, const sf_graph *g, sf_job_result *r)
{
    if (strcmp(algo->name, "wcc") == 0) {
        const uint64_t *label = r->values;
        uint64_t components = 0;
        for (sf_vid v = 0; v < g->num_vertices; v++)
            components += label[v] == sf_graph_original_id(g, v);
        snprintf(r->result_json, sizeof r->result_json, "{\"components\": %llu}",
                 (unsigned long long)components);
    } else if (strcmp(algo->name, "pr") == 0) {
        const double *rank = r->values;
        double sum = 0;
        for (sf_vid v = 0; v < g->num_vertices; v++)
            sum += rank[v];
        snprintf(r->result_json, sizeof r->result_json, "{\"rank_sum\": %.15g}", sum);
    } else {
        snprintf(r->result_json, sizeof r->result_json, "{}");
    }
}

int sf_job_run(const sf_algo *algo, sf_engine *e, const sf_graph *g, bool baseline,
               const sf_params *p, sf_job_result *r, sf_error *err)
{
    memset(r, 0, sizeof *r);
    r->values = malloc(((size_t)g->num_vertices + 1) * algo->value_size);
    if (!r->values)
        return sf_error_set(err, -ENOMEM, "out of memory for %s results", algo->name);
    /* fault the output in before the clock starts, for engine and baseline alike */
    memset(r->values, 0, ((size_t)g->num_vertices + 1) * algo->value_size);
    double start = sf_now();
    int rc = baseline ? algo->baseline(g, p, r->values, &r->prepare_s)
                      : algo->engine(e, p, r->values, &r->log);
    r->run_s = sf_now() - start - r->prepare_s;
    if (rc) {
        sf_job_result_fini(r);
        return sf_error_set(err, rc, "%s: out of memory while running", algo->name);
    }
    summarise(algo, g, r);
    return 0;
}

void sf_job_result_fini(sf_job_result *r)
{
    free(r->values);
    sf_iteration_log_fini(&r->log);
    r->values = NULL;
}

int sf_job_verify(const sf_algo *algo, const sf_graph *g, const sf_params *p,
                  const sf_job_result *r, bool *pass, char *msg, size_t msg_len)
{
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

int sf_job_load(const char *spec, const sf_load_options *opt, sf_engine *e, sf_graph **g,
                double *load_s, double *build_s, sf_error *err)
{
    sf_edge_list edges;
    sf_edge_list_init(&edges);
    double start = sf_now();
    int rc = sf_generator_spec(spec) ? sf_generate(spec, opt->seed, &edges, err)
                                     : sf_input_read_file(spec, &edges, err);
    *load_s = sf_now() - start;
    if (rc)
        goto out;
    start = sf_now();
    /* The user's flag wins; then what the input declares; files default to
     * directed, generators to undirected. */
    sf_build_options build = {
        .undirected = opt->undirected || (!opt->directed && edges.declared_directed == 0),
    };
    rc = sf_graph_build(&edges, &build, spec, g, err);
    sf_edge_list_fini(&edges);
    if (rc == 0) {
        rc = sf_engine_attach(e, *g, err);
        if (rc)
            sf_graph_destroy(g);
    }
    *build_s = sf_now() - start;
out:
    sf_edge_list_fini(&edges);
    return rc;
}
