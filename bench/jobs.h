/* Jobs: one kernel run, by the engine or by its single-threaded baseline,
 * and its check against the slow reference. `shardflow run` and
 * `shardflow bench` both go through here, so a benchmark measures exactly
 * what a user runs. */
#ifndef SF_JOBS_H
#define SF_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "io/results.h"
#include "operators/iterate.h"

typedef struct sf_params {
    int iterations;             /* pr: default 20 */
    double damping;             /* pr: default 0.85 */
} sf_params;

typedef struct sf_algo {
    const char *name;
    sf_value_kind kind;
    size_t value_size;
    int (*engine)(sf_engine *e, const sf_params *p, void *values, sf_iteration_log *log);
    int (*baseline)(const sf_graph *g, const sf_params *p, void *values, double *prepare_s);
    int (*reference)(const sf_graph *g, const sf_params *p, void *values);
} sf_algo;

/* The algorithm named `name`, or NULL. */
const sf_algo *sf_algo_find(const char *name);
/* Comma-separated names of all algorithms, for help texts. */
const char *sf_algo_names(void);

typedef struct sf_job_result {
    void *values;               /* num_vertices values of algo->value_size */
    double run_s;
    double prepare_s;           /* baseline layout preparation, reported as build */
    sf_iteration_log log;
    char result_json[256];      /* kernel-level results for the record */
} sf_job_result;

/* Runs algo on g, by the engine e (baseline false) or by the baseline
 * (baseline true; e is unused). Fills *r; release with sf_job_result_fini. */
int sf_job_run(const sf_algo *algo, sf_engine *e, const sf_graph *g, bool baseline,
               const sf_params *p, sf_job_result *r, sf_error *err);
void sf_job_result_fini(sf_job_result *r);

/* Compares r against the reference: integer values exactly, floating values
 * within 1e-9 relative. Sets *pass; on failure msg names the first vertex
 * that differs. Returns 0 or -ENOMEM. */
int sf_job_verify(const sf_algo *algo, const sf_graph *g, const sf_params *p,
                  const sf_job_result *r, bool *pass, char *msg, size_t msg_len);

typedef struct sf_load_options {
    bool undirected;            /* --undirected */
    bool directed;              /* --directed (files are directed by default) */
    uint64_t seed;              /* generators */
} sf_load_options;

/* Reads GRAPH (a file or a generator spec) and builds it on e's workers,
 * then attaches it to e. Times the two phases separately. Generators are
 * undirected unless --directed; files are directed unless --undirected or
 * their .properties say otherwise. */
int sf_job_load(const char *spec, const sf_load_options *opt, sf_engine *e, sf_graph **g,
                double *load_s, double *build_s, sf_error *err);

#endif
