/* The distributed job: `shardflow run` started as several MPI ranks (or
 * with SF_DIST=1 as one). Each rank reads its own part of the input (its
 * slice of a generator's edges, its byte range of a text file), the graph
 * is built over the ranks (engine/dist_graph.h), the kernel runs on every
 * rank with that rank's workers, and rank 0 writes the --output file (the
 * same bytes a single process writes) and prints the summary or the run
 * record, which adds the rank count, the bytes sent per iteration and the
 * time spent waiting on other ranks. */
#ifndef SF_DIST_JOBS_H
#define SF_DIST_JOBS_H

#include <stdbool.h>

#include "bench/jobs.h"
#include "engine/edge_list.h"

typedef struct sf_dist_job {
    const sf_algo *algo;
    const char *graph;
    sf_load_options load;
    sf_params params;           /* iterations < 0: the kernel's default */
    sf_engine_options engine;   /* threads 0: the cores of this node shared by its ranks */
    const char *output;
    bool json, verify, quiet, baseline;
    const char *command_line;
} sf_dist_job;

/* Collective: runs the job on every rank. Returns the exit status, the same
 * on every rank: 0; 1 for bad input or a failed --verify; 2 for bad usage
 * (--baseline). Every kernel of the table runs (sf_algo.distributed). Only
 * rank 0 prints.
 * --verify gathers the values on rank 0, which loads the whole graph and
 * compares them with the single-process reference (small graphs). */
int sf_dist_job_run(const sf_dist_job *job);

/* Collective: this rank's part of GRAPH (a generator spec or a file) into
 * out (initialised by the caller, who finalises it, also on error), its
 * weights only when keep_weights. Text formats (.el, .txt, .wel, LDBC .e
 * and .v, .mtx, .gz or not) give the rank's lines, parsed into 32-bit ids
 * (out->narrow) until an id of 2^32 or more widens the list; generators
 * their slice of the edges, narrow up to scale 32; .bin and .sfg files
 * their share by records and rows, 64-bit; .sg/.wsg files their share of
 * the out-arcs (arcs [M r / R, M (r + 1) / R) of the file, io/gapbs.h), narrow;
 * a .sg.gz, .wsg.gz or .bin.gz a share of the whole file's arcs (every
 * rank reads it whole). *arcs_read gets the arcs the rank read from
 * the input: its part's (a .sg's share of the out-arcs, of which it keeps
 * one arc of each pair when the graph is symmetric), or the whole file's for
 * a format every rank reads whole (the run record's). Outside a
 * distributed run (no sf_dist_init) the one rank's part is the whole
 * input. Errors: the readers', the same on every rank (sf_dist_agree). */
int sf_dist_job_read_part(const char *graph, const sf_load_options *load, bool keep_weights,
                          sf_edge_list *out, uint64_t *arcs_read, sf_error *err);

#endif
