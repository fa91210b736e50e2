/* The results file (--output): one line per vertex, "ID VALUE", original
 * ids in ascending order, as LDBC Graphalytics writes them. Written to a
 * temporary name beside the target and renamed at the end, so a failed run
 * never leaves a partial file. */
#ifndef SF_RESULTS_H
#define SF_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/error.h"
#include "engine/graph.h"

typedef enum {
    SF_VALUES_DOUBLE,           /* double: %.15e, "Infinity" for +inf */
    SF_VALUES_U64,              /* uint64_t */
    SF_VALUES_DEPTH,            /* int64_t; negative = unreachable = 9223372036854775807 */
} sf_value_kind;

/* Writes values[v] for every dense vertex v of g. Errors: -errno with a
 * message naming the file. */
int sf_results_write(const char *path, const sf_graph *g, sf_value_kind kind, const void *values,
                     sf_error *err);

/* Longest line sf_results_format_line writes, NUL included. */
#define SF_RESULTS_LINE_MAX 64

/* Formats one results line, "ID VALUE\n", for the vertex of original id
 * `id` whose value is at `value`, into p (room for SF_RESULTS_LINE_MAX
 * bytes). Returns its length. Distributed runs format their own vertices
 * with it, so their file is byte for byte a single process's. */
size_t sf_results_format_line(char *p, uint64_t id, sf_value_kind kind, const void *value);

#endif
