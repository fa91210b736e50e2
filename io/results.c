/* Writing results: vertices in ascending original-id order, formatted in
 * parallel into one buffer per block, then written in order to a temporary
 * file that is renamed over the target once complete. */
#include "results.h"
#include "io/bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 65536             /* vertices formatted per buffer */
#define LINE_MAX_BYTES 64       /* 20-digit id, space, 22-char value, newline */

size_t sf_results_format_line(char *p, uint64_t id, sf_value_kind kind, const void *value)
{
    switch (kind) {
    case SF_VALUES_DOUBLE: {
        double x = *(const double *)value;
        if (isinf(x) && x > 0)
            return (size_t)sprintf(p, "%" PRIu64 " Infinity\n", id);
        return (size_t)sprintf(p, "%" PRIu64 " %.15e\n", id, x);
    }
    case SF_VALUES_U64:
        return (size_t)sprintf(p, "%" PRIu64 " %" PRIu64 "\n", id, *(const uint64_t *)value);
    case SF_VALUES_DEPTH: {
        int64_t d = *(const int64_t *)value;
        return (size_t)sprintf(p, "%" PRIu64 " %" PRId64 "\n", id, d < 0 ? INT64_MAX : d);
    }
    }
    return 0;
}

static size_t format_line(char *p, const sf_graph *g, sf_value_kind kind, const void *values,
                          uint64_t rank)
{
    sf_vid v = sf_graph_by_original(g, rank);
    size_t size = kind == SF_VALUES_DOUBLE ? sizeof(double) : sizeof(uint64_t);
    return sf_results_format_line(p, sf_graph_original_id(g, v), kind,
                                  (const char *)values + (size_t)v * size);
}

int sf_results_write(const char *path, const sf_graph *g, sf_value_kind kind, const void *values,
                     sf_error *err)
{
    size_t tmp_len = strlen(path) + 32;
    char *tmp = malloc(tmp_len);
    if (!tmp)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    snprintf(tmp, tmp_len, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        int rc = -errno;
        sf_error_set(err, rc, "%s: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    uint64_t n = g->num_vertices;
    uint64_t blocks = (n + BLOCK - 1) / BLOCK;
    int threads = omp_get_max_threads();
    char *buffers = malloc((size_t)threads * BLOCK * LINE_MAX_BYTES);
    size_t *lengths = calloc((size_t)threads, sizeof *lengths);
    int rc = 0;
    if (!buffers || !lengths) {
        rc = -ENOMEM;
        goto done;
    }
    /* Rounds of `threads` blocks: format in parallel, write in order. */
    for (uint64_t first = 0; first < blocks && rc == 0; first += threads) {
#pragma omp parallel for schedule(static, 1)
        for (int t = 0; t < threads; t++) {
            uint64_t b = first + t;
            char *p = buffers + (size_t)t * BLOCK * LINE_MAX_BYTES;
            size_t len = 0;
            if (b < blocks) {
                uint64_t end = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
                for (uint64_t rank = b * BLOCK; rank < end; rank++)
                    len += format_line(p + len, g, kind, values, rank);
            }
            lengths[t] = len;
        }
        for (int t = 0; t < threads && rc == 0; t++)
            rc = sf_write_all(fd, buffers + (size_t)t * BLOCK * LINE_MAX_BYTES, lengths[t]);
    }
done:
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc) {
        unlink(tmp);
        sf_error_set(err, rc, "%s: %s", path, strerror(-rc));
    }
    free(buffers);
    free(lengths);
    free(tmp);
    return rc;
}
