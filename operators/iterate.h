/* iterate: the loop around a kernel's steps. Runs step(iteration, arg) until
 * it reports convergence or max_iterations is reached, and records the time
 * of every iteration for the run record. */
#ifndef SF_ITERATE_H
#define SF_ITERATE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

typedef struct sf_iteration_log {
    int count;
    int capacity;
    double *seconds;            /* one per iteration */
    /* Distributed runs: bytes this rank sent and seconds it waited on other
     * ranks during each iteration (engine/dist.h); zeros in one process. */
    uint64_t *bytes_sent;
    double *wait_s;
} sf_iteration_log;

/* step returns true when converged (the loop stops after it). Returns the
 * number of iterations run, or -ENOMEM when the log cannot grow. */
int sf_iterate(int max_iterations, bool (*step)(int iteration, void *arg), void *arg,
               sf_iteration_log *log);

void sf_iteration_log_fini(sf_iteration_log *log);

#endif
