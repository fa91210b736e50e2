/* The iteration loop and its per-iteration timings. */
#include "iterate.h"

#include <errno.h>
#include <stdlib.h>

#include "engine/parallel.h"

int sf_iterate(int max_iterations, bool (*step)(int iteration, void *arg), void *arg,
               sf_iteration_log *log)
{
    int i = 0;
    while (i < max_iterations) {
        double start = sf_now();
        bool converged = step(i, arg);
        double took = sf_now() - start;
        if (log) {
            if (log->count == log->capacity) {
                int cap = log->capacity ? 2 * log->capacity : 32;
                double *s = realloc(log->seconds, cap * sizeof *s);
                if (!s)
                    return -ENOMEM;
                log->seconds = s;
                log->capacity = cap;
            }
            log->seconds[log->count++] = took;
        }
        i++;
        if (converged)
            break;
    }
    return i;
}

void sf_iteration_log_fini(sf_iteration_log *log)
{
    free(log->seconds);
    log->seconds = NULL;
    log->count = log->capacity = 0;
}
