/* Single-threaded CDLP baseline (COST): LDBC Graphalytics' synchronous
 * label propagation as one plain loop per iteration, no engine, no threads,
 * the same algorithm as operators/cdlp.c.
 *
 * Labels are held as ranks in original-id order (32-bit; comparing ranks
 * compares original ids), starting from each vertex's own rank, and turned
 * into original ids at the end. A vertex's new label is the most frequent
 * label among its neighbours (in- and out-neighbours when directed, with
 * multiplicity), ties to the smallest:
 *   - first iteration: every label is distinct, so the mode is the smallest
 *     label, or, in a directed graph, the smallest label of a reciprocal
 *     neighbour (in both rows, counted twice) when there is one;
 *   - 1 or 2 neighbours: the smaller of their labels (with 2 that is the
 *     mode or the tie's winner);
 *   - up to SF_MODE_SMALL neighbours: their labels sorted by insertion in a buffer,
 *     then the longest run;
 *   - more: counted in an open-addressing table of (label, count) of a
 *     power of two at least twice the degree, the best so far updated at
 *     every count, and the part used cleared afterwards. One table for the
 *     run, sized by the largest degree.
 * Only the neighbours of a vertex whose label changed can change in the
 * next iteration. When the changed vertices hold few arcs (less than
 * num_arcs / DENSE), their neighbours are marked dirty and the next
 * iteration recomputes only those, copying the other labels; with nothing
 * changed the labels are final. */
#include "bench/baseline_cdlp.h"
#include "operators/label_mode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DENSE 10                /* changed vertices' arcs above num_arcs / DENSE: all */

/* Marks every neighbour of the vertices whose label changed: only they can
 * change in the next iteration. */
static void mark_dirty(const sf_graph *g, const sf_vid *changed, uint64_t num_changed,
                       uint64_t *dirty)
{
    memset(dirty, 0, ((size_t)g->num_vertices + 63) / 64 * sizeof *dirty);
    for (uint64_t i = 0; i < num_changed; i++) {
        sf_vid u = changed[i];
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            dirty[g->out_neighbors[e] >> 6] |= UINT64_C(1) << (g->out_neighbors[e] & 63);
        if (g->directed)
            for (sf_eid e = g->in_offsets[u]; e < g->in_offsets[u + 1]; e++)
                dirty[g->in_neighbors[e] >> 6] |= UINT64_C(1) << (g->in_neighbors[e] & 63);
    }
}

int sf_baseline_cdlp(const sf_graph *g, int iterations, uint64_t *out)
{
    const sf_vid n = g->num_vertices;
    const sf_eid *out_off = g->out_offsets, *in_off = g->in_offsets;
    const sf_vid *out_nbr = g->out_neighbors, *in_nbr = g->in_neighbors;
    const bool directed = g->directed;
    uint64_t widest = 0;
    for (sf_vid v = 0; v < n; v++) {
        uint64_t d = sf_out_degree(g, v) + (directed ? sf_in_degree(g, v) : 0);
        widest = d > widest ? d : widest;
    }
    size_t table_size = 2;
    while (table_size < 2 * widest && table_size < (UINT64_C(1) << 32))
        table_size *= 2;
    sf_vid *label = malloc(((size_t)n + 1) * sizeof *label);
    sf_vid *next = malloc(((size_t)n + 1) * sizeof *next);
    sf_vid *changed = malloc(((size_t)n + 1) * sizeof *changed);
    uint64_t *dirty = malloc(((size_t)n + 64) / 64 * sizeof *dirty);
    sf_mode_slot *t = malloc(table_size * sizeof *t);
    int rc = -ENOMEM;
    if (!label || !next || !changed || !dirty || !t)
        goto out;
    memset(t, 0xff, table_size * sizeof *t);
    for (sf_vid r = 0; r < n; r++)
        label[sf_graph_by_original(g, r)] = r;
    bool all = true;            /* every vertex recomputed, or the dirty ones */
    for (int it = 0; it < iterations; it++) {
        uint64_t num_changed = 0, changed_arcs = 0;
        for (sf_vid v = 0; v < n; v++) {
            if (!all && !((dirty[v >> 6] >> (v & 63)) & 1)) {
                next[v] = label[v];
                continue;
            }
            const sf_vid *a = out_nbr + out_off[v], *b = directed ? in_nbr + in_off[v] : NULL;
            uint64_t da = out_off[v + 1] - out_off[v];
            uint64_t db = directed ? in_off[v + 1] - in_off[v] : 0;
            sf_vid l = it == 0 ? sf_first_mode(label, label[v], a, da, b, db)
                               : sf_label_mode(t, label, label[v], a, da, b, db);
            next[v] = l;
            if (l != label[v]) {
                changed[num_changed++] = v;
                changed_arcs += da + db;
            }
        }
        sf_vid *swap = label;
        label = next;
        next = swap;
        if (num_changed == 0)
            break;              /* a fixed point: later iterations change nothing */
        all = changed_arcs > g->num_arcs / DENSE;
        if (!all)
            mark_dirty(g, changed, num_changed, dirty);
    }
    /* rank -> original id: sorted_ids under degree order, else the dense ids
     * are the ranks (NULL: the ids are the ranks themselves) */
    const uint64_t *sorted = g->by_original ? g->sorted_ids : g->original_ids;
    for (sf_vid v = 0; v < n; v++)
        out[v] = sorted ? sorted[label[v]] : label[v];
    rc = 0;
out:
    free(label);
    free(next);
    free(changed);
    free(dirty);
    free(t);
    return rc;
}
