/* Deterministic synthetic graphs: Graph500 Kronecker and uniform random,
 * named by a spec string on the command line in place of a file. The same
 * (spec, seed) gives the same edge list whatever the thread count. */
#ifndef SF_GENERATORS_H
#define SF_GENERATORS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Fills `out` (initialised by the caller with sf_edge_list_init, and still
 * empty; the caller may set out->narrow to ask for 32-bit ids, which it
 * gets when SCALE <= 32, and the wide form otherwise) with the graph named
 * by spec:
 *   "kron:SCALE[:EDGEFACTOR]"  Graph500 Kronecker, A=0.57 B=C=0.19
 *                              (D=0.05), default edge factor 16;
 *   "urand:SCALE[:DEGREE]"     uniform random (Erdos-Renyi-like), default
 *                              degree 16.
 * 2^SCALE vertices; EDGEFACTOR*2^SCALE generated edges, each written once as
 * (u,v) in out->src/out->dst (src32/dst32 when narrow): the graph builder symmetrises and removes
 * self-loops and duplicates later, as the GAP benchmark suite does.
 * Sets out->dense_vertices = 2^SCALE and out->declared_directed = 0; no
 * weights (out->weight stays NULL).
 * Kronecker vertex ids are relabelled by sf_generator_permute (a bijection
 * of [0,2^SCALE) derived from the seed, as GAP and Graph500 do) so that
 * vertex 0 is not the hub; urand ids are uniform already and are not
 * relabelled.
 * Deterministic in (spec, seed) alone: the same arrays whatever the number
 * of OpenMP threads.
 * Returns 0; SF_EUSAGE with a one-line message naming the spec in err for a
 * malformed spec (unknown generator, missing or non-numeric fields, scale 0
 * or > 40, edge factor 0, trailing characters, an edge count that does not
 * fit, or an `out` that is not empty); -ENOMEM (with a message) when the
 * arrays cannot be allocated. On failure `out` may hold allocated but
 * meaningless arrays; sf_edge_list_fini frees them as usual. */
int sf_generate(const char *spec, uint64_t seed, sf_edge_list *out, sf_error *err);

/* Part `part` (0-based) of `parts` of the same edge list: the edges with
 * indices [E * part / parts, E * (part + 1) / parts) of the E edges
 * sf_generate makes, exactly as it makes them (the generator is
 * counter-based), so the parts of all ranks together are sf_generate's
 * list whatever the number of parts. dense_vertices and declared_directed
 * are set as by sf_generate. Same errors. */
int sf_generate_part(const char *spec, uint64_t seed, int part, int parts, sf_edge_list *out,
                     sf_error *err);

/* True when spec names a generator ("kron:" or "urand:" prefix), so the
 * caller knows not to open a file. Says nothing about whether the rest of
 * the spec is well formed: sf_generate reports that. */
bool sf_generator_spec(const char *spec);

/* The relabelling Kronecker graphs get: a bijection of [0, 2^scale) (scale
 * in 1..63) chosen by the seed, computed per vertex. `vertex` must be below
 * 2^scale. Exposed so that tests (and tools that want to find the
 * Kronecker hub, which is sf_generator_permute(0, scale, seed)) can use it. */
uint64_t sf_generator_permute(uint64_t vertex, unsigned scale, uint64_t seed);

#endif
