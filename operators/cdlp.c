/* Community detection by label propagation, LDBC Graphalytics' CDLP
 * (Raghavan, Albert, Kumara 2007, made synchronous and deterministic by
 * LDBC): label[v] = an original vertex id. Every vertex starts with its own
 * id; in each of a fixed number of iterations, every vertex takes the most
 * frequent label among its neighbours, ties to the smallest label. A
 * directed graph counts in-neighbours and out-neighbours with multiplicity
 * (a reciprocal pair u <-> v counts u's label twice); a vertex without
 * neighbours keeps its label.
 *
 * Labels are held as ranks in original-id order (sf_graph_by_original):
 * 32-bit, and comparing two ranks compares the original ids; they become
 * original ids in a last vertex_map. An iteration is one edge_map pull over
 * every shard into a second label array (synchronous: reads only the
 * previous labels), so the result is the same at any thread or shard count.
 * In the first iteration every label is distinct, so the mode is the
 * smallest label, or in a directed graph the smallest label of a reciprocal
 * neighbour (counted twice) when there is one: a minimum, no counting.
 * Later, a vertex's mode is found by its degree: 1 or 2 neighbours, the
 * smaller label; up to SF_MODE_SMALL, an insertion sort in a buffer on the stack;
 * more, an open-addressing table of (label, count) pairs that keeps the
 * best so far at every count. Each worker's table, sized by the largest
 * degree, is scratch from its node's arena (operators/worker_scratch.h),
 * made when the worker runs its first shard.
 *
 * Only the neighbours of a vertex whose label changed can change in the
 * next iteration (its inputs are otherwise the same), so the pull writes
 * the changed vertices into a frontier; when they hold few arcs (less than
 * num_arcs / DENSE), an edge_map push from them marks their neighbours
 * dirty and the next pull recomputes the dirty vertices only, copying the
 * others. On Kronecker graphs labels settle after 4-5 iterations (about 150
 * of kron:18's 262144 vertices still change after that), and the last
 * iterations cost almost nothing. Nothing changed at all: a fixed point,
 * the iterations stop. bench/baseline_cdlp.c is the same algorithm on one
 * thread.
 *
 * Over MPI ranks (engine/dist_graph.h) the same pulls run on each rank's
 * vertices, with three hooks: before each pull the labels of boundary
 * vertices (4-byte ranks, which are global: ranges are the same in dense and
 * original order) go to the ranks that read them, in- and out-neighbours'
 * when directed; every iteration is a full pull (the dirty set would need
 * the neighbours' changes from other ranks too); and the fixed point is
 * agreed over the ranks. The last labels are ranks that other ranks may own,
 * and become original ids by asking their owners
 * (sf_dist_graph_ids_of_ranks). The mode of a vertex reads the same labels
 * as in one process, so the labels are identical. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/edge_map.h"
#include "operators/frontier.h"
#include "operators/kernels.h"
#include "operators/label_mode.h"
#include "operators/vertex_map.h"
#include "operators/worker_scratch.h"

#define DENSE 10                /* changed vertices' arcs above num_arcs / DENSE: pull all */

struct cdlp_state {
    const sf_graph *g;
    const sf_vid *label;        /* ranks, the previous iteration */
    sf_vid *next;               /* ranks, this iteration */
    sf_frontier *dirty;         /* the vertices to recompute, in a DIRTY pass */
    sf_frontier *changed;       /* the vertices whose label changes */
    /* per worker: its counting table, every slot SF_MODE_EMPTY (all bits
     * set) between vertices */
    sf_worker_scratch *tables;
    uint64_t *out;              /* original ids, at the end */
    const uint64_t *sorted;     /* rank -> original id; NULL: the rank is the id */
    /* the shard's, while it runs */
    sf_mode_slot *table;
    uint64_t changed_arcs;
};

/* ---- one iteration: pull ------------------------------------------------ */

/* Which vertices an iteration recomputes, and how. */
enum pass {
    FIRST,                      /* every vertex, all labels distinct */
    ALL,                        /* every vertex */
    DIRTY,                      /* the dirty vertices; the others keep their label */
};

/* v's new label from its in-row (and out-row when directed); true when it
 * changes. */
SF_INLINE bool cdlp_update(sf_vid v, const sf_vid *in, sf_eid in_degree, void *arg,
                           bool directed, enum pass pass)
{
    struct cdlp_state *c = arg;
    const sf_vid own = c->label[v];
    if (pass == DIRTY && !sf_frontier_has(c->dirty, v)) {
        c->next[v] = own;
        return false;
    }
    const sf_graph *g = c->g;
    const sf_vid *out = directed ? g->out_neighbors + g->out_offsets[v] : NULL;
    sf_eid out_degree = directed ? sf_out_degree(g, v) : 0;
    sf_vid l = pass == FIRST ? sf_first_mode(c->label, own, in, in_degree, out, out_degree)
                             : sf_label_mode(c->table, c->label, own, in, in_degree, out, out_degree);
    c->next[v] = l;
    if (l == own)
        return false;
    c->changed_arcs += in_degree + out_degree;
    return true;
}

SF_INLINE void cdlp_pull(sf_shard *s, void *arg,
                         bool (*update)(sf_vid v, const sf_vid *in, sf_eid d, void *arg))
{
    struct cdlp_state local = *(struct cdlp_state *)arg;
    /* the shard owns whole words of the frontier: clear them, then add */
    uint64_t first = s->begin / 64, last = ((uint64_t)s->end + 63) / 64;
    memset(local.changed->bits + first, 0, (last - first) * sizeof(uint64_t));
    local.table = sf_worker_scratch_get(local.tables);
    if (!local.table)
        return;
    local.changed_arcs = 0;
    s->count = sf_edge_map_pull(s, local.g, update, &local, local.changed);
    s->count2 = local.changed_arcs;
}

/* One shard function per direction and pass, each with its update inlined. */
#define CDLP_PULL(name, directed, pass)                                              \
    static bool update_##name(sf_vid v, const sf_vid *in, sf_eid d, void *arg)      \
    {                                                                                \
        return cdlp_update(v, in, d, arg, directed, pass);                           \
    }                                                                                \
    static void pull_##name(sf_shard *s, void *arg) { cdlp_pull(s, arg, update_##name); }

CDLP_PULL(undirected_first, false, FIRST)
CDLP_PULL(undirected_all, false, ALL)
CDLP_PULL(undirected_dirty, false, DIRTY)
CDLP_PULL(directed_first, true, FIRST)
CDLP_PULL(directed_all, true, ALL)
CDLP_PULL(directed_dirty, true, DIRTY)

static const sf_shard_fn pulls[2][3] = {
    [false] = {[FIRST] = pull_undirected_first, [ALL] = pull_undirected_all,
               [DIRTY] = pull_undirected_dirty},
    [true] = {[FIRST] = pull_directed_first, [ALL] = pull_directed_all,
              [DIRTY] = pull_directed_dirty},
};

/* ---- marking the next iteration's dirty vertices: push ------------------- */

static void mark_neighbours(sf_vid u, const sf_vid *out, sf_eid degree, void *arg)
{
    struct cdlp_state *c = arg;
    sf_frontier *dirty = c->dirty;
    for (sf_eid i = 0; i < degree; i++)
        sf_frontier_add(dirty, out[i]);
    if (c->g->directed) {
        const sf_graph *g = c->g;
        for (sf_eid e = g->in_offsets[u]; e < g->in_offsets[u + 1]; e++)
            sf_frontier_add(dirty, g->in_neighbors[e]);
    }
}

static void push_shard(sf_shard *s, void *arg)
{
    struct cdlp_state *c = arg;
    sf_edge_map_push(s, c->g, c->changed, mark_neighbours, arg);
}

/* ---- labels in and out ---------------------------------------------------- */

/* The shard's range read as ranks: the vertex of rank r starts with label r. */
static void initial_shard(sf_shard *s, void *arg)
{
    struct cdlp_state *c = arg;
    for (sf_vid r = s->begin; r < s->end; r++)
        c->next[sf_graph_by_original(c->g, r)] = r;
}

static void original_id(sf_vid v, void *arg)
{
    struct cdlp_state *c = arg;
    c->out[v] = c->sorted ? c->sorted[c->label[v]] : c->label[v];
}

static void original_id_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, original_id, arg);
}

/* ---- the iterations ------------------------------------------------------- */

struct cdlp_run {
    sf_engine *engine;
    sf_dist_graph *dist;        /* over ranks, else NULL */
    sf_dist_mirrors *mirrors;   /* over ranks: the neighbours on other ranks */
    struct cdlp_state state;
    sf_vid *buffer[2];
    sf_frontier changed, dirty;
    sf_worker_scratch tables;
    enum pass pass;             /* this iteration's */
};

static bool cdlp_step(int iteration, void *arg)
{
    struct cdlp_run *run = arg;
    struct cdlp_state *c = &run->state;
    const sf_graph *g = c->g;
    c->label = run->buffer[iteration & 1];
    c->next = run->buffer[(iteration + 1) & 1];
    if (run->mirrors)
        sf_dist_mirrors_sync(run->mirrors, run->buffer[iteration & 1], sizeof(sf_vid));
    sf_engine_run(run->engine, pulls[g->directed][run->pass], c);
    if (run->tables.failed)
        return true;
    uint64_t changed = sf_engine_count(run->engine), arcs = sf_engine_count2(run->engine);
    c->label = c->next;
    if (run->mirrors) {
        run->pass = ALL;
        return !sf_dist_any(changed > 0);
    }
    if (changed == 0)
        return true;            /* a fixed point: no later iteration changes anything */
    run->pass = arcs > g->num_arcs / DENSE ? ALL : DIRTY;
    if (run->pass == DIRTY) {
        sf_frontier_seal(&run->changed, run->engine, true);
        sf_frontier_clear(&run->dirty, run->engine);
        sf_engine_run(run->engine, push_shard, c);
    }
    return false;
}

/* The largest in + out degree among vertices [begin, end). */
static sf_eid widest_row(const sf_graph *g, sf_vid begin, sf_vid end)
{
    sf_eid widest = 0;
    for (sf_vid v = begin; v < end; v++) {
        sf_eid d = sf_in_degree(g, v) + (g->directed ? sf_out_degree(g, v) : 0);
        widest = d > widest ? d : widest;
    }
    return widest;
}

int sf_cdlp(sf_engine *e, int iterations, uint64_t *label, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct cdlp_run run = {.engine = e, .state = {.g = g, .out = label}, .pass = FIRST,
                           .dist = sf_engine_dist(e)};
    struct cdlp_state *c = &run.state;
    if (g->num_vertices == 0)
        return 0;
    int rc = -ENOMEM;
    size_t table_size = 2;
    sf_vid begin = run.dist ? run.dist->begin : 0, end = run.dist ? run.dist->end : g->num_vertices;
    for (sf_eid widest = widest_row(g, begin, end);
         table_size < 2 * widest && table_size < (UINT64_C(1) << 32);)
        table_size *= 2;
    if (sf_worker_scratch_init(&run.tables, e, table_size * sizeof(sf_mode_slot), 0xff))
        goto out;
    c->tables = &run.tables;
    run.buffer[0] = sf_engine_alloc(e, sizeof(sf_vid));
    run.buffer[1] = sf_engine_alloc(e, sizeof(sf_vid));
    if (!run.buffer[0] || !run.buffer[1] || sf_frontier_init(&run.changed, e) ||
        sf_frontier_init(&run.dirty, e))
        goto out;
    if (run.dist)
        run.mirrors = sf_dist_graph_mirrors(run.dist, g->directed ? SF_MIRRORS_ALL : SF_MIRRORS_IN);
    c->changed = &run.changed;
    c->dirty = &run.dirty;
    c->next = run.buffer[0];
    sf_engine_run(e, initial_shard, c);
    c->label = run.buffer[0];
    rc = sf_iterate(iterations, cdlp_step, &run, log);
    if (rc >= 0 && run.tables.failed)
        rc = -ENOMEM;
    if (rc < 0)
        goto out;
    if (run.dist) {
        /* the owners of the labels name them */
        c->sorted = NULL;
        sf_engine_run(e, original_id_shard, c);
        sf_dist_graph_ids_of_ranks(run.dist, label + begin, (uint64_t)end - begin);
    } else {
        /* sorted_ids under degree order; else the dense ids are the ranks */
        c->sorted = g->by_original ? g->sorted_ids : g->original_ids;
        sf_engine_run(e, original_id_shard, c);
    }
    rc = 0;
out:
    sf_frontier_fini(&run.changed, e);
    sf_frontier_fini(&run.dirty, e);
    sf_engine_free(e, run.buffer[0]);
    sf_engine_free(e, run.buffer[1]);
    sf_worker_scratch_fini(&run.tables);
    return rc;
}
