/* The COST study behind `shardflow bench`: for each graph and algorithm, the
 * single-threaded baseline and the engine at each thread count, measured in
 * the same run and interleaved trial by trial (baseline, engine at 1, 2, ...
 * threads, baseline, ...) so that drift hits every configuration alike. */
#ifndef SF_COST_H
#define SF_COST_H

#include <stdbool.h>

#include "bench/jobs.h"

typedef struct sf_cost_options {
    const char *graphs;         /* comma-separated */
    const char *algos;          /* comma-separated */
    const char *threads;        /* comma-separated, or NULL: 1, 2, 4, ... up to the cores */
    int trials;
    const char *out_dir;
    sf_load_options load;
    sf_params params;
    sf_engine_options engine;   /* shards, pinning */
    const char *command_line;
    bool quiet;
} sf_cost_options;

/* One configuration's trials, summarised. */
typedef struct sf_cost_stats {
    double min, median, max;
} sf_cost_stats;

sf_cost_stats sf_cost_summarise(const double *seconds, int count);

/* The COST: the index of the first configuration (in ascending thread order)
 * whose median is strictly below the baseline's median, or -1 when none is
 * ("unbounded" within the measured range). */
int sf_cost_index(double baseline_median, const double *engine_medians, int count);

/* Runs the whole study, prints the table, writes results.csv and
 * results.json into out_dir. Errors: SF_EUSAGE, SF_EINPUT, -errno. */
int sf_cost_study(const sf_cost_options *o, sf_error *err);

#endif
