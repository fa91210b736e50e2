/* Jobs: one kernel run, by the engine or by its single-threaded baseline,
 * and its check against the slow reference. `shardflow run` and
 * `shardflow bench` both go through here, so a benchmark measures exactly
 * what a user runs. */
#ifndef SF_JOBS_H
#define SF_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/weights.h"
#include "io/results.h"
#include "operators/iterate.h"

/* PageRank's damping factor unless --damping or .properties gives one. */
#define SF_DEFAULT_DAMPING 0.85

typedef struct sf_params {
    int iterations;             /* pr, cdlp; < 0: the kernel's default (pr 20, cdlp 10) */
    double damping;             /* pr: default SF_DEFAULT_DAMPING */
    uint64_t source;            /* bfs, sssp: the source's original id, when source_set */
    bool source_set;            /* else a seeded pick among vertices with out-arcs */
    uint64_t seed;              /* for that pick */
    double delta;               /* sssp bucket width; 0 = automatic */
    sf_vid source_vertex;       /* dense id of the source: filled in by sf_job_run */
} sf_params;

typedef struct sf_algo {
    const char *name;
    sf_value_kind kind;
    size_t value_size;
    int default_iterations;     /* 0: the kernel takes no iteration count */
    bool needs_source;          /* bfs, sssp */
    bool needs_weights;         /* sssp */
    bool needs_undirected;      /* tc, kcore */
    int (*engine)(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log);
    /* the same over MPI ranks (bench/dist_jobs.c), values by global dense id */
    int (*distributed)(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log);
    int (*baseline)(const sf_graph *g, const sf_params *p, void *values, double *prepare_s);
    int (*reference)(const sf_graph *g, const sf_params *p, void *values);
    /* kernel-level results for the record, as a JSON object */
    void (*summarise)(const sf_graph *g, const sf_params *p, const void *values, char *json,
                      size_t len);
} sf_algo;

/* The algorithm named `name`, or NULL. */
const sf_algo *sf_algo_find(const char *name);
/* Comma-separated names of all algorithms, for help texts. */
const char *sf_algo_names(void);
/* The i-th algorithm of the table, or NULL past its end. */
const sf_algo *sf_algo_at(int i);

typedef struct sf_job_result {
    void *values;               /* num_vertices values of algo->value_size */
    double run_s;
    double prepare_s;           /* baseline layout preparation, reported as build */
    sf_iteration_log log;
    sf_params params;           /* as run: default iterations and the source resolved */
    char result_json[256];      /* kernel-level results for the record */
} sf_job_result;

/* Runs algo on g, by the engine e (baseline false) or by the baseline
 * (baseline true; e is unused). Fills *r; release with sf_job_result_fini.
 * g is not changed, except that sssp's check for negative weights is kept
 * in it (sf_graph_negative_weight). Errors: SF_EINPUT (the source is not a
 * vertex of g; sssp on a graph with a negative weight), SF_EUSAGE (tc or
 * kcore on a directed graph; sssp on a graph with no weights, which
 * --weights would give), -ENOMEM. */
int sf_job_run(const sf_algo *algo, sf_engine *e, sf_graph *g, bool baseline,
               const sf_params *p, sf_job_result *r, sf_error *err);
void sf_job_result_fini(sf_job_result *r);

/* What algo needs of g, checked for the rows [begin, end) (a single process
 * passes every vertex, a rank its own): SF_EUSAGE when it needs an
 * undirected graph and g is directed, or weights and g has none; SF_EINPUT
 * when an arc of those rows weighs less than 0. Returns 0 or that error,
 * with the message for the user in err. */
int sf_job_check_graph(const sf_algo *algo, const sf_graph *g, sf_vid begin, sf_vid end,
                       sf_error *err);

/* The error for arc u -> v (original ids) of weight w < 0: SF_EINPUT, with
 * the message in err. */
int sf_job_negative_weight(const sf_algo *algo, uint64_t u, uint64_t v, double w, sf_error *err);

/* Compares r against the reference run with r->params: integer values
 * exactly, floating values within 1e-9 relative. Sets *pass; on failure msg
 * names the first vertex that differs. Returns 0 or -ENOMEM. */
int sf_job_verify(const sf_algo *algo, const sf_graph *g, const sf_job_result *r, bool *pass,
                  char *msg, size_t msg_len);

/* The draws the source pick makes when no source is given: the k-th call
 * from the same state is the k-th candidate, a rank in original-id order
 * once taken modulo the vertex count (the distributed job draws the same
 * vertices as sf_job_run). */
uint64_t sf_job_source_draw(uint64_t *state);

/* The environment knobs that pick a variant (README, "Environment knobs":
 * SF_BASELINE_PR, _WCC, _BFS, _SSSP, _KCORE, SF_PR_LAYOUT, SF_DIST_ORDER;
 * each reader's sf_env_knob), which their readers take as the default when
 * the value is not one they know: a value a knob does not take is
 * SF_EUSAGE, with "NAME=VALUE: expected A or B (or unset: A, the default)"
 * in err, its values in its own order (the default first). Unset or empty
 * is the default. */
/* LDBC Graphalytics parameters from the NAME.properties beside GRAPH
 * (NAME.e or NAME.e.gz; any other graph: nothing), for those not given:
 * ALGO.source-vertex when !params->source_set, pr.num-iterations or
 * cdlp.max-iterations when !iterations_given, pr.damping-factor when
 * !damping_given. `run` and each kernel of a `bench` study ask it, so a
 * study's thread runs use what its rank runs (`run` under mpirun) find.
 * Errors: SF_EINPUT naming GRAPH and the key. */
int sf_job_ldbc_params(const char *graph, const sf_algo *algo, bool iterations_given,
                       bool damping_given, sf_params *params, sf_error *err);

int sf_job_check_environment(sf_error *err);

typedef struct sf_load_options {
    bool undirected;            /* --undirected */
    bool directed;              /* --directed (files are directed by default) */
    uint64_t seed;              /* generators, random weights */
    sf_weights_mode weights;    /* --weights: replace the input's weights */
    uint64_t vertices;          /* --vertices: .bin/.wbin vertex count (0: largest id + 1) */
} sf_load_options;

/* Reads GRAPH (a file or a generator spec) and builds it on e's workers,
 * then attaches it to e. Times the two phases separately. Generators are
 * undirected unless --directed; files are directed unless --undirected or
 * their .properties say otherwise. A snapshot (.sfg) is read as the graph
 * itself (load_s; build_s is then the weights and the attach): its
 * directedness is fixed, and --directed/--undirected asking for the other
 * is SF_EUSAGE. */
int sf_job_load(const char *spec, const sf_load_options *opt, sf_engine *e, sf_graph **g,
                double *load_s, double *build_s, sf_error *err);

#endif
