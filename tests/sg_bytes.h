/* A growing byte buffer for the tests that write binary files, and gapbs
 * files (.sg, .wsg) made from a graph with it (test_formats, test_mpi). */
#ifndef SF_TEST_SG_BYTES_H
#define SF_TEST_SG_BYTES_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/graph.h"

struct bytes {
    unsigned char *data;
    size_t len, cap;
};

static inline void put(struct bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = 2 * (b->len + n) + 64;
        b->data = realloc(b->data, b->cap);
        cr_assert_not_null(b->data);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Little endian, as the formats are (and as this machine is). */
static inline void put_u8(struct bytes *b, uint8_t x) { put(b, &x, 1); }
static inline void put_u32(struct bytes *b, uint32_t x) { put(b, &x, 4); }
static inline void put_i64(struct bytes *b, int64_t x) { put(b, &x, 8); }

/* A gapbs file from literal parts: header, then CSR arrays. */
static inline void put_sg_header(struct bytes *b, bool directed, int64_t arcs, int64_t vertices)
{
    put_u8(b, directed);
    put_i64(b, arcs);
    put_i64(b, vertices);
}

static inline int compare_u64_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* One CSR of g in gapbs layout, rows in original-id order (g's original
 * ids must be 0..n-1, as a generator's are); each row sorted by neighbour
 * as gapbs writes them when `sorted`, else in g's order; weights as int32
 * when `weighted`. */
static inline void put_sg_csr(struct bytes *b, const sf_graph *g, bool in, bool weighted,
                              bool sorted)
{
    const sf_eid *offsets = in ? g->in_offsets : g->out_offsets;
    const sf_vid *neighbors = in ? g->in_neighbors : g->out_neighbors;
    const double *weights = in ? g->in_weights : g->out_weights;
    int64_t at = 0;
    put_i64(b, 0);
    for (uint64_t r = 0; r < g->num_vertices; r++) {
        sf_vid v = sf_graph_by_original(g, r);
        at += (int64_t)(offsets[v + 1] - offsets[v]);
        put_i64(b, at);
    }
    uint64_t (*row)[2] = malloc((g->num_arcs + 1) * sizeof *row); /* neighbour, weight */
    for (uint64_t r = 0; r < g->num_vertices; r++) {
        sf_vid v = sf_graph_by_original(g, r);
        uint64_t degree = offsets[v + 1] - offsets[v];
        for (uint64_t i = 0; i < degree; i++) {
            row[i][0] = sf_graph_original_id(g, neighbors[offsets[v] + i]);
            row[i][1] = weights ? (uint64_t)(int64_t)weights[offsets[v] + i] : 0;
        }
        if (sorted)
            qsort(row, degree, sizeof *row, compare_u64_pair);
        for (uint64_t i = 0; i < degree; i++) {
            put_u32(b, (uint32_t)row[i][0]);
            if (weighted)
                put_u32(b, (uint32_t)row[i][1]);
        }
    }
    free(row);
}

/* The whole gapbs file of g: header, out-CSR, and the in-CSR when g is
 * directed. Its out-offsets start at byte 17, its out-arcs at byte
 * 17 + 8 (n + 1), 4 bytes an arc (8 when weighted). */
static inline void put_sg(struct bytes *b, const sf_graph *g, bool weighted, bool sorted)
{
    put_sg_header(b, g->directed, (int64_t)g->num_arcs, g->num_vertices);
    put_sg_csr(b, g, false, weighted, sorted);
    if (g->directed)
        put_sg_csr(b, g, true, weighted, sorted);
}

#endif
