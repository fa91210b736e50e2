/* The single-threaded weakly-connected-components baseline the engine is
 * measured against (COST): plain C, no engine, no threads. Afforest-style
 * union-find by default; see baseline_wcc.c. */
#ifndef SF_BASELINE_WCC_H
#define SF_BASELINE_WCC_H

#include "engine/graph.h"
#include "engine/env.h"

/* Weakly connected components: label[v] = the smallest dense id in v's
 * component. That is LDBC's "smallest vertex id" label only when dense ids
 * ascend with original ids (sf_build_options.original_order); over
 * degree-ordered ids it is a canonical root, which sf_labels_from_roots
 * (operators/kernels.h) turns into original-id labels. Arc direction is
 * ignored; a directed graph needs its in_* arrays. The caller allocates
 * g->num_vertices labels; *run_s (may be NULL) gets the run seconds.
 *
 * Variant: the environment variable SF_BASELINE_WCC=afforest|union-find
 * forces one (sf_baseline_wcc_variant); unset or any other value means
 * afforest, the faster.
 *
 * Returns 0. It allocates nothing (the labels are the union-find forest);
 * the int return keeps the contract of the other baselines (0 or -ENOMEM). */
int sf_baseline_wcc(const sf_graph *g, sf_vid *label, double *run_s);

/* The variant knob: SF_BASELINE_WCC=afforest (the default) or union-find. */
extern const sf_env_knob sf_baseline_wcc_variant;

#endif
