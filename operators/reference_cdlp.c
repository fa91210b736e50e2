/* The slow, obviously-correct CDLP for --verify and the tests: LDBC
 * Graphalytics label propagation straight from its definition, one thread.
 * A label is held as the dense id of the vertex whose original id it is, so
 * that one histogram slot per vertex counts it; every vertex counts its
 * in-neighbours' and out-neighbours' labels (a directed pair u <-> v counts
 * twice, as LDBC's multiplicity rule says; an undirected graph stores each
 * edge once per direction, in out-lists that its in-lists alias, so it reads
 * only its out-list), then takes the label of the largest count, ties to the
 * smallest original id. Shares nothing with operators/cdlp.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/kernels.h"

/* Adds the labels of one adjacency list of v to the histogram, noting every
 * slot it touches the first time so that it can be cleared afterwards. */
static void count_labels(const sf_eid *off, const sf_vid *nbr, sf_vid v, const sf_vid *label,
                         uint64_t *count, sf_vid *touched, uint64_t *num_touched)
{
    for (sf_eid e = off[v]; e < off[v + 1]; e++) {
        sf_vid l = label[nbr[e]];
        if (count[l]++ == 0)
            touched[(*num_touched)++] = l;
    }
}

int sf_reference_cdlp(const sf_graph *g, int iterations, uint64_t *out)
{
    uint64_t n = g->num_vertices;
    size_t size = n ? n : 1;
    sf_vid *label = malloc(size * sizeof *label), *next = malloc(size * sizeof *next);
    uint64_t *count = calloc(size, sizeof *count);
    /* at most in-degree + out-degree distinct labels per vertex */
    sf_vid *touched = malloc((2 * g->num_arcs + 1) * sizeof *touched);
    int rc = -ENOMEM;
    if (!label || !next || !count || !touched)
        goto out;
    for (uint64_t v = 0; v < n; v++)
        label[v] = (sf_vid)v;
    for (int it = 0; it < iterations; it++) {
        for (uint64_t v = 0; v < n; v++) {
            uint64_t num_touched = 0;
            count_labels(g->out_offsets, g->out_neighbors, (sf_vid)v, label, count, touched,
                         &num_touched);
            if (g->directed)
                count_labels(g->in_offsets, g->in_neighbors, (sf_vid)v, label, count, touched,
                             &num_touched);
            if (num_touched == 0) {
                next[v] = label[v]; /* no neighbours: the label stays */
                continue;
            }
            sf_vid best = touched[0];
            for (uint64_t i = 1; i < num_touched; i++) {
                sf_vid l = touched[i];
                if (count[l] > count[best] ||
                    (count[l] == count[best] &&
                     sf_graph_original_id(g, l) < sf_graph_original_id(g, best)))
                    best = l;
            }
            next[v] = best;
            for (uint64_t i = 0; i < num_touched; i++)
                count[touched[i]] = 0;
        }
        memcpy(label, next, n * sizeof *label);
    }
    for (uint64_t v = 0; v < n; v++)
        out[v] = sf_graph_original_id(g, label[v]);
    rc = 0;
out:
    free(label);
    free(next);
    free(count);
    free(touched);
    return rc;
}
