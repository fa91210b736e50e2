/* The single-threaded weakly-connected-components baseline the engine is
 * measured against (COST): plain C, no engine, no threads. */
#ifndef SF_BASELINE_WCC_H
#define SF_BASELINE_WCC_H

#include "engine/graph.h"

/* Weakly connected components: label[v] = the smallest dense id in v's
 * component (dense ids ascend with original ids, so this is LDBC's
 * "smallest vertex id" label once mapped back). Direction is ignored. The
 * caller allocates g->num_vertices labels; *run_s (may be NULL) gets the
 * run seconds. Returns 0 (the algorithm needs no memory beyond label; the
 * int return keeps the -ENOMEM contract of the other baselines). */
int sf_baseline_wcc(const sf_graph *g, sf_vid *label, double *run_s);

#endif
