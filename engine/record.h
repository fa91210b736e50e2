/* The run record (DESIGN.md, "The run record"): one JSON object per run,
 * written by `shardflow run --json` and collected by `shardflow bench`.
 * Fields are added, never renamed. */
#ifndef SF_RECORD_H
#define SF_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sf_run_info {
    const char *algo;
    const char *engine;         /* "shardflow" or "baseline" */
    const char *source;         /* the GRAPH argument */
    uint64_t vertices, edges;
    bool directed;
    int threads, ranks;
    const char *placement_json; /* a JSON object, or NULL */
    double load_s, build_s, run_s;
    const double *iteration_s;
    int iterations;
    uint64_t peak_rss_bytes;
    const char *verify;         /* "pass", "fail" or "skipped" */
    const char *result_json;    /* a JSON object of kernel results, or NULL */
    const char *command_line;
    uint64_t seed;
    int trial;                  /* -1 when not part of a benchmark */
    /* Distributed runs (written as empty/0 otherwise): bytes sent by all
     * ranks during each iteration (`iterations` entries, or NULL), the
     * seconds the slowest-waiting rank spent waiting on the others during
     * the kernel, and per-rank details as a JSON object (or NULL). */
    const uint64_t *bytes_sent_per_iteration;
    double comm_wait_s;
    const char *distributed_json;
} sf_run_info;

/* Writes the record as one JSON object (no trailing newline). */
void sf_record_write(FILE *out, const sf_run_info *info);

/* Writes a JSON string literal with escapes. */
void sf_json_string(FILE *out, const char *s);

/* Peak resident set size of this process, in bytes. */
uint64_t sf_peak_rss_bytes(void);

/* Host facts for records and reports. */
const char *sf_host_cpu_model(void);
int sf_host_cores(void);
uint64_t sf_host_memory_bytes(void);
const char *sf_version(void);

#endif
