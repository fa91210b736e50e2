/* Local clustering coefficient, LDBC Graphalytics' definition: lcc[v] = the
 * number of arcs among N(v), the set of v's in- and out-neighbours, divided
 * by |N(v)| * (|N(v)| - 1), and 0 when |N(v)| < 2. An undirected edge is
 * two arcs, so there lcc[v] = 2 * triangles(v) / (d * (d - 1)).
 *
 * Every triangle {w, u, v} (w < u < v) of the undirected neighbour graph is
 * found once, from its largest dense id v. Dense ids descend by degree, so
 * that is the corner of smallest degree, and only the neighbours below each
 * vertex are walked: the orientation that bounds the work by O(m^1.5)
 * (Schank and Wagner 2005; GAP's tc.cc). For every vertex v of a shard, a
 * vertex_map marks v's neighbours below v in a marker array, then walks the
 * row of each marked u below u's last candidate (row u ascends), keeping the
 * positions of the marked entries without a branch. A triangle adds to
 * each corner the number of arcs between the other two: counted 1 for an
 * undirected edge (doubled at the end); for a directed graph, the neighbour
 * graph is built first, row v the sorted union of v's out- and in-row with
 * a flag per entry (an arc out, an arc in, or both), and the arcs between
 * two corners are their flag's bit count.
 *
 * The counts of u and w belong to other shards: each worker adds into its
 * own count array (per-worker buffers, no atomics), and a last vertex_map
 * adds the arrays up per vertex and divides once. Integer counts, one
 * division: the same bits at any thread or shard count. A worker's marker
 * array, count array and match buffer are one block of scratch from its
 * node's arena (operators/worker_scratch.h), made when it runs its first
 * shard. The iteration log gets
 * one entry, the counting pass (building the directed rows comes before).
 * bench/baseline_lcc.c is the same algorithm on one thread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/kernels.h"
#include "operators/lcc_triangles.h"
#include "operators/vertex_map.h"
#include "operators/worker_scratch.h"

/* One worker's scratch, carved from its block (all zero when made). */
typedef struct scratch {
    uint8_t *mark;              /* per vertex, 0 between vertices */
    uint64_t *count;            /* per vertex: this worker's share of the arcs */
    sf_vid *found;              /* a row's worth of match positions */
} scratch;

struct lcc_state {
    const sf_graph *g;
    sf_lcc_rows nb;
    sf_worker_scratch pool;     /* mark | count | found, per worker */
    sf_eid widest;              /* the longest row */
    double *lcc;
    /* the shard's, while it runs */
    scratch own;
};

/* ---- the directed neighbour rows: out-row merged with in-row ------------ */

struct merge {
    const sf_graph *g;
    sf_eid *offsets;            /* biased: offsets[v] for v in the shards' range */
    sf_vid *ids, end;           /* end: the last shard's end */
    uint8_t *flags;
    sf_eid *shard_base;         /* first entry of each shard's rows */
};

static void size_rows_shard(sf_shard *s, void *arg)
{
    struct merge *c = arg;
    sf_eid total = 0;
    for (sf_vid v = s->begin; v < s->end; v++)
        total += sf_lcc_merge_rows(c->g, v, NULL, NULL);
    s->count = total;
}

static void fill_rows_shard(sf_shard *s, void *arg)
{
    struct merge *c = arg;
    sf_eid k = c->shard_base[s->index];
    for (sf_vid v = s->begin; v < s->end; v++) {
        c->offsets[v] = k;
        k += sf_lcc_merge_rows(c->g, v, c->ids + k, c->flags + k);
    }
    if (s->end == c->end)
        c->offsets[s->end] = k;
}

/* ---- the triangles -------------------------------------------------------- */

/* Adds, in the claimed scratch's counts, the arcs that the triangles whose
 * largest id is v contribute to each of their corners. */
SF_INLINE void lcc_triangles(sf_vid v, void *arg, bool directed)
{
    struct lcc_state *c = arg;
    sf_lcc_triangles_of(c->nb.offsets, c->nb.ids, c->nb.flags, directed, v, c->own.mark,
                        c->own.count, c->own.found);
}

static void triangles_undirected(sf_vid v, void *arg) { lcc_triangles(v, arg, false); }
static void triangles_directed(sf_vid v, void *arg) { lcc_triangles(v, arg, true); }

/* The parts of a worker's block. */
static scratch carve(void *block, sf_vid n, sf_eid widest)
{
    char *at = block;
    scratch x;
    x.mark = sf_scratch_carve(&at, n);
    x.count = sf_scratch_carve(&at, n * sizeof *x.count);
    x.found = sf_scratch_carve(&at, (widest + 1) * sizeof *x.found);
    return x;
}

static void triangles_shard(sf_shard *s, void *arg)
{
    struct lcc_state *c = arg;
    void *block = sf_worker_scratch_get(&c->pool);
    if (!block)
        return;
    struct lcc_state local = *c;
    local.own = carve(block, c->g->num_vertices, c->widest);
    if (local.g->directed)
        sf_vertex_map(s, triangles_directed, &local);
    else
        sf_vertex_map(s, triangles_undirected, &local);
}

/* ---- the coefficients ----------------------------------------------------- */

static void coefficient(sf_vid v, void *arg)
{
    struct lcc_state *c = arg;
    uint64_t arcs = 0;
    for (int i = 0; i < c->pool.workers; i++)
        if (c->pool.block[i])   /* a worker that ran no shard counted nothing */
            arcs += carve(c->pool.block[i], c->g->num_vertices, c->widest).count[v];
    c->lcc[v] = sf_lcc_coefficient(arcs, c->nb.offsets[v + 1] - c->nb.offsets[v], c->g->directed);
}

static void coefficient_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, coefficient, arg);
}

struct lcc_run {
    sf_engine *engine;
    struct lcc_state *state;
};

/* The one pass the log records: the triangles, then the coefficients. */
static bool lcc_pass(int iteration, void *arg)
{
    struct lcc_run *run = arg;
    (void)iteration;
    sf_engine_run(run->engine, triangles_shard, run->state);
    if (run->state->pool.failed)
        return true;
    sf_engine_run(run->engine, coefficient_shard, run->state);
    return true;
}

/* The directed neighbour rows, in parallel: sizes per shard, the shards'
 * first entries, then each shard writes its rows (and so first-touches
 * them). */
int sf_lcc_rows_build(sf_engine *e, sf_lcc_rows *out)
{
    const sf_graph *g = sf_engine_graph(e);
    int shards = sf_engine_num_shards(e);
    *out = (sf_lcc_rows){g->out_offsets, g->out_neighbors, NULL, 0, false};
    if (!g->directed || shards == 0)
        return 0;
    sf_vid first = sf_engine_shard(e, 0)->begin, end = sf_engine_shard(e, shards - 1)->end;
    struct merge c = {.g = g, .end = end};
    int rc = -ENOMEM;
    c.shard_base = malloc(((size_t)shards + 1) * sizeof *c.shard_base);
    sf_eid *offsets = malloc(((size_t)end - first + 1) * sizeof *offsets);
    if (!c.shard_base || !offsets)
        goto fail;
    c.offsets = offsets - first;
    sf_engine_run(e, size_rows_shard, &c);
    sf_eid total = 0;
    for (int i = 0; i < shards; i++) {
        c.shard_base[i] = total;
        total += sf_engine_shard(e, i)->count;
    }
    c.ids = malloc((total + 1) * sizeof *c.ids);
    c.flags = malloc(total + 1);
    if (!c.ids || !c.flags)
        goto fail;
    sf_engine_run(e, fill_rows_shard, &c);
    free(c.shard_base);
    *out = (sf_lcc_rows){c.offsets, c.ids, c.flags, first, true};
    return 0;
fail:
    free(c.shard_base);
    free(offsets);
    free(c.ids);
    free(c.flags);
    return rc;
}

void sf_lcc_rows_free(sf_lcc_rows *rows)
{
    if (rows->built) {
        free((sf_eid *)rows->offsets + rows->first);
        free((sf_vid *)rows->ids);
        free((uint8_t *)rows->flags);
    }
    *rows = (sf_lcc_rows){0};
}

static sf_eid widest_row(const sf_lcc_rows *nb, sf_vid n)
{
    sf_eid widest = 0;
    for (sf_vid v = 0; v < n; v++)
        widest = nb->offsets[v + 1] - nb->offsets[v] > widest ? nb->offsets[v + 1] - nb->offsets[v]
                                                              : widest;
    return widest;
}

int sf_lcc(sf_engine *e, double *lcc, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct lcc_state c = {.g = g, .lcc = lcc};
    if (g->num_vertices == 0)
        return 0;
    int rc = -ENOMEM;
    if (sf_lcc_rows_build(e, &c.nb))
        goto out;
    c.widest = widest_row(&c.nb, g->num_vertices);
    sf_vid n = g->num_vertices;
    size_t block = sf_scratch_part(n) + sf_scratch_part(n * sizeof(uint64_t)) +
                   sf_scratch_part((c.widest + 1) * sizeof(sf_vid));
    if (sf_worker_scratch_init(&c.pool, e, block, 0))
        goto out;
    struct lcc_run run = {e, &c};
    rc = sf_iterate(1, lcc_pass, &run, log);
    rc = rc < 0 ? rc : c.pool.failed ? -ENOMEM : 0;
out:
    sf_worker_scratch_fini(&c.pool);
    sf_lcc_rows_free(&c.nb);
    return rc;
}
