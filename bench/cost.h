/* The COST study behind `shardflow bench`: for each graph and algorithm, the
 * single-threaded baseline and the engine at each thread count, measured in
 * the same run and interleaved trial by trial (baseline, engine at 1, 2, ...
 * threads, baseline, ...) so that drift hits every configuration alike.
 * The study ends with results.csv, results.json (the study's own record,
 * enough to re-run it, and every run record), report.md and the plots
 * (bench/report.h). */
#ifndef SF_COST_H
#define SF_COST_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/jobs.h"

#define SF_COST_MAX_LIST 64

typedef struct sf_cost_options {
    const char *graphs;         /* comma-separated */
    const char *algos;          /* comma-separated */
    const char *threads;        /* comma-separated, or NULL: 1, 2, 4, ... up to the cores */
    const char *ranks;          /* comma-separated MPI rank counts > 1 run through mpirun, or NULL */
    const char *mpirun;         /* the launcher (default "mpirun"; --mpirun) */
    int trials;
    const char *out_dir;
    sf_load_options load;
    sf_params params;
    sf_engine_options engine;   /* shards, pinning */
    bool cold;                  /* drop the page cache before every load (root only) */
    const char *command_line;
    bool progress;              /* the progress line on stderr (the CLI decides: cli/main.c) */
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

/* What one graph x algorithm of a study measured. */
typedef struct sf_cost_series {
    char graph[256];
    char algo[16];
    uint64_t vertices, edges;
    int trials;
    int configs;                /* engine configurations: thread counts, then rank counts */
    int threads[SF_COST_MAX_LIST];  /* threads (per rank) of each configuration */
    int ranks[SF_COST_MAX_LIST];    /* 1, or the MPI ranks of a configuration */
    sf_cost_stats load, build;  /* of the graph's loads (one, or one per trial with --cold) */
    double prepare_s;           /* the baseline's layout preparation, outside its run time */
    double *baseline_s;         /* trials run times */
    double *engine_s;           /* configs x trials run times, config-major */
} sf_cost_series;

/* Cores a configuration uses (ranks x threads), and its name for tables
 * ("shardflow 2 threads", "shardflow 4 ranks x 1 thread"). */
int sf_cost_cores(const sf_cost_series *s, int k);
void sf_cost_label(const sf_cost_series *s, int k, char *label, size_t len);

/* The medians of a series' configurations into medians[configs]. */
void sf_cost_series_medians(const sf_cost_series *s, double *medians);

/* Runs the whole study, prints the tables and COST lines, writes every
 * output into out_dir. Errors: SF_EUSAGE, SF_EINPUT, -errno. */
int sf_cost_study(const sf_cost_options *o, sf_error *err);

/* Reads the options of the study recorded in PATH (a results.json) into *o,
 * for `bench --replay`; the strings it sets (graphs, algos, threads, ranks)
 * are the caller's, freed with sf_cost_replay_fini. out_dir, progress
 * and command_line are left as they were.
 * Errors: SF_EINPUT (unreadable, not a study record). */
int sf_cost_replay_options(const char *path, sf_cost_options *o, sf_error *err);

/* Frees the strings sf_cost_replay_options set in *o and clears them. */
void sf_cost_replay_fini(sf_cost_options *o);

/* The study o as bench's flags, into text (n bytes, truncated to fit):
 * "--graphs G --algos A --threads T", then each option that results.json
 * records and --replay repeats, unless at its default ("--ranks 2 --trials
 * 5 --seed 1 --damping 0.8 --weights unit"). The rank runs get the same
 * table's per-run options as `run` flags. */
void sf_cost_flags(const sf_cost_options *o, char *text, size_t n);

#endif
