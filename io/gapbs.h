/* The GAP Benchmark Suite's serialized graphs (.sg, and .wsg with
 * weights), as its converter writes them (`converter -b out.sg`). */
#ifndef SF_IO_GAPBS_H
#define SF_IO_GAPBS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Parses the serialized gapbs graph data[0..len) into out, which must be
 * empty. The layout, little endian, no padding:
 *
 *   offset 0    directed     1 byte, 0 or 1
 *   offset 1    arcs M       int64: out-arcs (both directions of every
 *                            undirected edge)
 *   offset 9    vertices N   int64
 *   offset 17   out-offsets  N + 1 int64, from 0 up to M
 *               out-arcs     M int32 neighbours, or for .wsg (weighted) M
 *                            pairs of int32 neighbour, int32 weight
 *   then, only when directed, in-offsets and in-arcs laid out the same.
 *
 * The arcs come from the out-CSR, in its order, between dense ids 0..N-1
 * (out->dense_vertices = N: isolated vertices included); weights become
 * doubles. The in-CSR is checked (it must be well formed) but not used: the
 * builder makes its own. out->declared_directed is the directed byte. An
 * undirected graph stores each edge as two arcs; when the file is symmetric
 * as gapbs writes it (its arcs v -> w with w > v, reversed, are the same
 * multiset as its arcs with w < v, weights included; checked by keyed hash
 * sums, wrong with a chance of about 2^-64) only the arcs v -> w with
 * w <= v are kept, and the builder's symmetrisation restores the rest: half
 * the arcs to build, no duplicates reported. Otherwise every arc is kept. An
 * empty file (0 bytes) is an empty graph, as in every format.
 *
 * Errors: SF_EINPUT "PATH: byte offset N: <what>", N where the fault lies:
 * a directed byte other than 0 or 1, a negative count, more vertices than
 * 32-bit ids allow, a file that ends early (N its length; the message says
 * in which section and how long the file should be) or goes on past the
 * graph, offsets that do not start at 0, decrease, or do not end at M, a
 * neighbour outside 0..N-1; -ENOMEM. On error out may hold part of the
 * input: the caller finalises it. */
int sf_parse_gapbs(const char *path, const void *data, size_t len, bool weighted,
                   sf_edge_list *out, sf_error *err);

#endif
