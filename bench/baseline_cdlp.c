/* Single-threaded CDLP baseline (COST): LDBC Graphalytics' synchronous
 * label propagation as one plain loop per iteration, no engine, no threads.
 *
 * Labels are held as ranks in original-id order (32-bit; comparing ranks
 * compares original ids), starting from each vertex's own rank, and turned
 * into original ids at the end. A vertex's new label is the most frequent
 * label among its neighbours (in- then out-neighbours when directed, with
 * multiplicity), ties to the smallest:
 *   - 1 or 2 neighbours: the smallest of their labels (with 2 that is the
 *     mode or the tie's winner);
 *   - up to SMALL neighbours: their labels sorted by insertion in a buffer,
 *     then the longest run;
 *   - more: counted in an open-addressing table (label, count) of a power
 *     of two at least twice the degree, the best so far updated at every
 *     count, and the table's used prefix cleared afterwards.
 * One table for the run, sized by the largest degree. */
#include "bench/baseline_cdlp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SMALL 16
#define AHEAD 16
#define DENSE 10
#define EMPTY UINT32_MAX        /* no rank is: at most 2^32 - 2 vertices */

typedef struct slot {
    uint32_t label, count;
} slot;

typedef struct table {
    slot *slots;                /* all EMPTY between vertices */
} table;

static inline sf_vid mode_sorted(sf_vid *buf, uint64_t d)
{
    for (uint64_t i = 1; i < d; i++) {
        sf_vid x = buf[i];
        uint64_t j = i;
        for (; j > 0 && buf[j - 1] > x; j--)
            buf[j] = buf[j - 1];
        buf[j] = x;
    }
    sf_vid best = buf[0];
    uint64_t best_run = 0;
    for (uint64_t i = 0; i < d;) {
        uint64_t j = i + 1;
        while (j < d && buf[j] == buf[i])
            j++;
        if (j - i > best_run) {     /* strict: the smaller label keeps a tie */
            best_run = j - i;
            best = buf[i];
        }
        i = j;
    }
    return best;
}

/* Counts one label; *best / *best_count follow the lexicographic maximum of
 * (count, -label) over the labels counted so far. */
static inline void count_label(slot *t, uint32_t mask, int shift, sf_vid l, sf_vid *best,
                               uint32_t *best_count)
{
    uint32_t h = (l * 0x9e3779b1u) >> shift;
    uint32_t c;
    for (;;) {
        slot *s = &t[h & mask];
        if (s->label == l) {
            c = ++s->count;
            break;
        }
        if (s->label == EMPTY) {
            s->label = l;
            s->count = c = 1;
            break;
        }
        h++;
    }
    if (c > *best_count || (c == *best_count && l < *best)) {
        *best = l;
        *best_count = c;
    }
}

static inline sf_vid mode_hashed(slot *t, const sf_vid *label, const sf_vid *a, uint64_t da,
                                 const sf_vid *b, uint64_t db)
{
    uint64_t d = da + db;
    int bits = 64 - __builtin_clzll(2 * d - 1);   /* 2^bits >= 2d */
    uint32_t mask = (UINT32_C(1) << bits) - 1;
    int shift = 32 - bits;
    sf_vid best = EMPTY;
    uint32_t best_count = 0;
    for (uint64_t i = 0; i < da; i++) {
        if (i + AHEAD < da)
            __builtin_prefetch(&label[a[i + AHEAD]], 0, 3);
        count_label(t, mask, shift, label[a[i]], &best, &best_count);
    }
    for (uint64_t i = 0; i < db; i++) {
        if (i + AHEAD < db)
            __builtin_prefetch(&label[b[i + AHEAD]], 0, 3);
        count_label(t, mask, shift, label[b[i]], &best, &best_count);
    }
    memset(t, 0xff, ((size_t)mask + 1) * sizeof *t);
    return best;
}

/* The new label of a vertex whose neighbours are a[0..da) and b[0..db). */
static inline sf_vid propagate(slot *t, const sf_vid *label, sf_vid own, const sf_vid *a,
                               uint64_t da, const sf_vid *b, uint64_t db)
{
    uint64_t d = da + db;
    if (d == 0)
        return own;
    if (d > SMALL)
        return mode_hashed(t, label, a, da, b, db);
    sf_vid buf[SMALL];
    for (uint64_t i = 0; i < da; i++)
        buf[i] = label[a[i]];
    for (uint64_t i = 0; i < db; i++)
        buf[da + i] = label[b[i]];
    if (d <= 2)
        return d == 1 || buf[0] < buf[1] ? buf[0] : buf[1];
    return mode_sorted(buf, d);
}

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
    while (table_size < 2 * widest)
        table_size *= 2;
    sf_vid *label = malloc(((size_t)n + 1) * sizeof *label);
    sf_vid *next = malloc(((size_t)n + 1) * sizeof *next);
    sf_vid *changed = malloc(((size_t)n + 1) * sizeof *changed);
    uint64_t *dirty = malloc(((size_t)n + 64) / 64 * sizeof *dirty);
    slot *t = malloc(table_size * sizeof *t);
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
            sf_eid ob = out_off[v], oe = out_off[v + 1];
            sf_vid l;
            if (directed)
                l = propagate(t, label, label[v], out_nbr + ob, oe - ob, in_nbr + in_off[v],
                              in_off[v + 1] - in_off[v]);
            else
                l = propagate(t, label, label[v], out_nbr + ob, oe - ob, NULL, 0);
            next[v] = l;
            if (l != label[v]) {
                changed[num_changed++] = v;
                changed_arcs += oe - ob + (directed ? in_off[v + 1] - in_off[v] : 0);
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
