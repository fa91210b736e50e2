/* Binary edge lists as Gemini and GridGraph read them: .bin, one record of
 * two little-endian uint32 (src, dst) per arc, and .wbin, whose records add
 * a little-endian float32 weight (12 bytes: GridGraph's weighted edge type,
 * Gemini's packed EdgeUnit<float>). No header: the vertex count is the
 * largest id + 1, or given. */
#ifndef SF_IO_BINARY_EDGES_H
#define SF_IO_BINARY_EDGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Parses the records of data[0..len) (8 bytes each, or 12 when weighted)
 * into out, which must be empty, in file order, in parallel. The vertex set
 * is 0..V-1, V = `vertices` when it is not 0 (the user's --vertices, so
 * that isolated vertices past the largest id are kept), else the largest id
 * + 1 (out->dense_vertices = V). An empty file is a graph with no arcs (and
 * `vertices` isolated vertices). out->declared_directed stays -1: the file
 * does not say.
 *
 * Errors: SF_EINPUT "PATH: byte offset N: <what>": a length that is not a
 * whole number of records (N the start of the truncated last record), a
 * weight that is NaN or infinite, an id not below `vertices` (N the start of
 * the first such record); -ENOMEM. */
int sf_parse_binary_edges(const char *path, const void *data, size_t len, bool weighted,
                          uint64_t vertices, sf_edge_list *out, sf_error *err);

/* The same for bytes that start at byte first_byte of the file (a rank's
 * share of whole records), so that errors name offsets in the whole file. */
int sf_parse_binary_edges_at(const char *path, const void *data, size_t len, uint64_t first_byte,
                             bool weighted, uint64_t vertices, sf_edge_list *out, sf_error *err);

#endif
