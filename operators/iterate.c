/* The iteration loop and its per-iteration timings. */
#include "iterate.h"

#include <errno.h>
#include <stdlib.h>

#include "engine/dist.h"
#include "engine/parallel.h"

int sf_iterate(int max_iterations, bool (*step)(int iteration, void *arg), void *arg,
               sf_iteration_log *log)
{
    int i = 0;
    while (i < max_iterations) {
        double start = sf_now(), waited = sf_dist_wait_s();
        uint64_t sent = sf_dist_bytes_sent();
        bool converged = step(i, arg);
        double took = sf_now() - start;
        if (log) {
            if (log->count == log->capacity) {
                int cap = log->capacity ? 2 * log->capacity : 32;
                double *s = realloc(log->seconds, cap * sizeof *s);
                if (s)
                    log->seconds = s;
                uint64_t *b = s ? realloc(log->bytes_sent, cap * sizeof *b) : NULL;
                if (b)
                    log->bytes_sent = b;
                double *w = b ? realloc(log->wait_s, cap * sizeof *w) : NULL;
                if (!w)
                    return -ENOMEM;
                log->wait_s = w;
                log->capacity = cap;
            }
            log->bytes_sent[log->count] = sf_dist_bytes_sent() - sent;
            log->wait_s[log->count] = sf_dist_wait_s() - waited;
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
    free(log->bytes_sent);
    free(log->wait_s);
    log->seconds = NULL;
    log->bytes_sent = NULL;
    log->wait_s = NULL;
    log->count = log->capacity = 0;
}
