/* Edge weights for graphs that have none (or to replace the ones they
 * have): every weight 1, or GAP's synthetic weights, uniform integers in
 * [1, 255]. A random weight is a hash of the seed and the edge's original
 * endpoint ids, so it is the same at any thread count, in any vertex order,
 * and for both arcs of an undirected edge. */
#ifndef SF_WEIGHTS_H
#define SF_WEIGHTS_H

#include <stdint.h>

#include "edge_list.h"
#include "graph.h"

typedef enum {
    SF_WEIGHTS_INPUT = 0,       /* keep what the input has (maybe none) */
    SF_WEIGHTS_UNIT,            /* every arc weighs 1 */
    SF_WEIGHTS_RANDOM,          /* uniform integers in [1, 255], from the seed */
} sf_weights_mode;

/* Parses "unit" or "random" (--weights); returns false for anything else. */
bool sf_weights_parse(const char *text, sf_weights_mode *mode);

/* The mode's name: "input", "unit" or "random". */
const char *sf_weights_name(sf_weights_mode mode);

/* The weight `mode` gives the arc from original id u to original id v. */
double sf_weights_of(sf_weights_mode mode, uint64_t seed, uint64_t u, uint64_t v, bool directed);

/* Gives g weights by `mode` (SF_WEIGHTS_INPUT leaves g alone), replacing
 * any it had; g->weighted becomes true. Returns 0 or -ENOMEM (g unchanged). */
int sf_graph_assign_weights(sf_graph *g, sf_weights_mode mode, uint64_t seed);

/* The same weights for the arcs of an edge list (original ids; a graph
 * built from it then weighs as sf_graph_assign_weights would make it),
 * replacing any it had. Returns 0 or -ENOMEM (l unchanged). */
int sf_edge_list_assign_weights(sf_edge_list *l, sf_weights_mode mode, uint64_t seed,
                                bool directed);

/* Whether some out-arc of g weighs less than 0; if so, *from and *arc name
 * the first such arc in CSR order (its source and its index in
 * out_neighbors). Reads the weights once, in parallel, and keeps the answer
 * in g (weights_checked, negative_arc) for later calls. False for a graph
 * without weights. */
bool sf_graph_negative_weight(sf_graph *g, sf_vid *from, sf_eid *arc);

#endif
