/* The single-threaded core decomposition baseline the engine is measured
 * against (COST): plain C, no engine, no threads. Batagelj-Zaversnik
 * buckets by default, or peeling by levels; see baseline_kcore.c. */
#ifndef SF_BASELINE_KCORE_H
#define SF_BASELINE_KCORE_H

#include <stdint.h>

#include "engine/graph.h"
#include "engine/env.h"

/* Core numbers of an undirected graph (its out-lists are read as the
 * neighbour lists): core[v] for every dense v, the same values as the
 * engine's sf_kcore (operators/kernels.h). The caller allocates
 * g->num_vertices values.
 *
 * Variant: the environment variable SF_BASELINE_KCORE=bz|peel forces one
 * (sf_baseline_kcore_variant); unset or any other value means bz,
 * Batagelj-Zaversnik, as issue 4 asks (peel, the engine's algorithm on one
 * thread, is about 2x faster on Kronecker graphs).
 *
 * Returns 0, or -ENOMEM (core is then unspecified). Nothing is left
 * allocated. */
int sf_baseline_kcore(const sf_graph *g, uint64_t *core);

/* The variant knob: SF_BASELINE_KCORE=bz (the default) or peel. */
extern const sf_env_knob sf_baseline_kcore_variant;

#endif
