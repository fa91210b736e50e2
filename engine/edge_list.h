/* An edge list as inputs produce it: arcs between original 64-bit vertex
 * ids, before relabelling. Parsers and generators fill one; the graph
 * builder (graph.h) turns it into CSR. Growth is amortised doubling; the
 * arrays belong to the list and are freed by sf_edge_list_fini. */
#ifndef SF_EDGE_LIST_H
#define SF_EDGE_LIST_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sf_edge_list {
    uint64_t count;          /* arcs in src/dst (and weight) */
    uint64_t capacity;
    uint64_t *src, *dst;     /* original ids */
    double *weight;          /* NULL when the input has no weights */

    /* The narrow form, half the bytes: when `narrow` is set every id is
     * below 2^32, the arcs are in src32/dst32 and src/dst are NULL. Made
     * only when asked: by a reader given sf_input_options.narrow (which
     * widens the list itself when an id does not fit), a rank's text part
     * (sf_parse_text_edges_at, which widens it likewise), a generator, a
     * .mtx share or a .sg/.wsg share given an empty list with `narrow` set. sf_graph_build,
     * sf_dist_graph_build, sf_write_edges, sf_edge_list_assign_weights and
     * the distributed run's weight check read either form
     * (sf_edge_list_ends); everything else reads src/dst, and a list that
     * was not asked to be narrow never is. */
    bool narrow;
    uint32_t *src32, *dst32;

    /* The full vertex set when the input names one (LDBC .v), isolated
     * vertices included; NULL otherwise (the set is then every id that
     * appears in an edge). */
    uint64_t *vertex_ids;
    uint64_t num_vertex_ids;

    /* When non-zero the ids are already dense in [0, dense_vertices)
     * (generators): relabelling is the identity and the vertex set is the
     * whole range, isolated vertices included. */
    uint64_t dense_vertices;

    /* Directedness the input declares (-1: it does not say). LDBC
     * .properties set it; generators say 0 (undirected). */
    int declared_directed;
} sf_edge_list;

void sf_edge_list_init(sf_edge_list *list);
void sf_edge_list_fini(sf_edge_list *list);

/* Makes room for at least `capacity` arcs (and weights when `weighted`), in
 * the list's form (narrow or wide). Returns 0 or -ENOMEM. */
int sf_edge_list_reserve(sf_edge_list *list, uint64_t capacity, bool weighted);

/* Turns a narrow list into the wide form (src/dst), the same arcs; nothing
 * to do for a wide one. Returns 0 or -ENOMEM (the list is then unchanged). */
int sf_edge_list_widen(sf_edge_list *list);

/* Appends one arc; the caller reserved room for weights if w is used. A
 * narrow list is widened first. */
int sf_edge_list_push(sf_edge_list *list, uint64_t src, uint64_t dst, double w);

/* The ends of arc i, from either form. A loop over many arcs reads
 * list->narrow once and passes it as `narrow`: the call is inlined, and
 * the test is hoisted out of the loop, so each form gets a loop of its own
 * and one copy of the code serves both. */
static inline __attribute__((always_inline)) void
sf_edge_list_ends(const sf_edge_list *list, bool narrow, uint64_t i, uint64_t *src,
                  uint64_t *dst)
{
    if (narrow) {
        *src = list->src32[i];
        *dst = list->dst32[i];
    } else {
        *src = list->src[i];
        *dst = list->dst[i];
    }
}

/* Stores arc i (below the capacity) in the list's form; in a narrow list
 * both ids must be below 2^32. */
static inline __attribute__((always_inline)) void
sf_edge_list_set(sf_edge_list *list, uint64_t i, uint64_t src, uint64_t dst)
{
    if (list->narrow) {
        list->src32[i] = (uint32_t)src;
        list->dst32[i] = (uint32_t)dst;
    } else {
        list->src[i] = src;
        list->dst[i] = dst;
    }
}

#endif
