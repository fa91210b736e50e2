/* Weakly connected components by Afforest (Sutton, Ben-Nun, Barak, IPDPS
 * 2018; GAP's cc.cc): a concurrent union-find in which a link always hooks
 * the larger root under the smaller, so every component ends rooted at its
 * smallest dense id whatever the order in which workers link. LDBC's label
 * is the smallest *original* id of the component, so a last step takes the
 * minimum of the members' original ids per root.
 *
 * 1. Sampling: link every vertex with its first two out-neighbours in
 *    one pass over each shard, with lookahead prefetching, then
 *    compress. This already joins most of the
 *    giant component.
 * 2. Skip: sample the labels of 1024 vertices; the most frequent one is
 *    the giant component.
 * 3. Finish: a pass over the vertices outside it, linking their
 *    remaining out-neighbours (and, in a directed graph, their
 *    in-neighbours, since components are weak). An arc between the giant
 *    component and another is linked from the other side.
 * 4. Compress (every vertex points at its root), then label: an atomic
 *    minimum of original ids per root, read back by every member. The
 *    minimum is kept in the output array itself, in the root's slot, as
 *    the baseline does: only root slots are written while the minima form,
 *    and the last pass, which writes every other slot, reads root slots
 *    only (a root's own slot is its final label). That saves a vertex
 *    array of 8 bytes to clear and fill.
 *
 * Sampling and finishing are the loops of operators/union_find.h, which
 * the baseline runs too, over each shard: on one worker with plain loads
 * and stores, and there the minima are taken in one ascending pass that
 * needs no cleared label array (wcc_min_ids_serial). Through edge_map's
 * per-vertex callbacks the sampling took 21-36% longer than the same loop
 * written out, on a 16-core Xeon (bench/RESULTS.md, session 7). */
#include <errno.h>

#include "operators/kernels.h"
#include "operators/union_find.h"
#include "operators/vertex_map.h"

struct wcc_state {
    const sf_graph *g;
    sf_vid *comp;
    uint64_t *label;            /* first, in root slots: the smallest original id of the tree */
    sf_vid skip;                /* finishing: label of the giant component */
    bool serial;                /* one worker: plain loads and stores (union_find.h) */
};

static void wcc_init(sf_vid v, void *arg)
{
    struct wcc_state *w = arg;
    w->comp[v] = v;
    if (w->g->original_ids && !w->serial) /* one worker needs no clearing: wcc_min_ids_serial */
        w->label[v] = UINT64_MAX;
}

static void wcc_init_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, wcc_init, arg);
}

static void wcc_compress(sf_vid v, void *arg)
{
    sf_uf_compress(((struct wcc_state *)arg)->comp, v);
}

static void wcc_compress_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, wcc_compress, arg);
}

/* Sampling and finishing are union_find.h's loops over the shard: plain
 * links on one worker, atomic ones when workers link concurrently (each
 * call names its constant, so each gets its own loop). */
static void wcc_sample_shard(sf_shard *s, void *arg)
{
    struct wcc_state *w = arg;
    if (w->serial)
        sf_uf_sample(w->g, w->comp, s->begin, s->end, true);
    else
        sf_uf_sample(w->g, w->comp, s->begin, s->end, false);
}

static void wcc_finish_shard(sf_shard *s, void *arg)
{
    struct wcc_state *w = arg;
    if (w->serial)
        sf_uf_finish(w->g, w->comp, w->skip, s->begin, s->end, true);
    else
        sf_uf_finish(w->g, w->comp, w->skip, s->begin, s->end, false);
}

static void wcc_min_id(sf_vid v, void *arg)
{
    struct wcc_state *w = arg;
    uint64_t id = sf_graph_original_id(w->g, v), *slot = &w->label[w->comp[v]];
    uint64_t seen = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (id < seen &&
           !__atomic_compare_exchange_n(slot, &seen, id, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

/* The last compression, fused with the per-root minimum of original ids. */
static void wcc_compress_min_id(sf_vid v, void *arg)
{
    wcc_compress(v, arg);
    wcc_min_id(v, arg);
}

static void wcc_compress_min_id_shard(sf_shard *s, void *arg)
{
    struct wcc_state *w = arg;
    if (w->g->original_ids)
        sf_vertex_map(s, wcc_compress_min_id, arg);
    else /* ids are dense ids: the root is the minimum */
        sf_vertex_map(s, wcc_compress, arg);
}

/* The same on one worker, over all vertices in ascending order: a root is
 * the smallest id of its tree (comp[x] <= x), so it is met before every
 * other member, its parent is final when it is met (one hop flattens), and
 * its slot starts the minimum then: the label array needs no clearing. */
static void wcc_min_ids_serial(struct wcc_state *w)
{
    const sf_graph *g = w->g;
    sf_vid *comp = w->comp;
    if (!g->original_ids) { /* ids are dense ids: the root is the minimum */
        sf_uf_flatten(comp, g->num_vertices);
        return;
    }
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        sf_vid r = comp[comp[v]];
        comp[v] = r;
        uint64_t id = g->original_ids[v];
        if (r == v || id < w->label[r])
            w->label[r] = id;
    }
}

static void wcc_label(sf_vid v, void *arg)
{
    struct wcc_state *w = arg;
    /* a root's slot already holds its label; others read their root's */
    w->label[v] = w->g->original_ids ? w->label[w->comp[v]] : w->comp[v];
}

static void wcc_label_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, wcc_label, arg);
}

struct wcc_run {
    sf_engine *engine;
    struct wcc_state state;
};

static bool wcc_step(int phase, void *arg)
{
    struct wcc_run *run = arg;
    struct wcc_state *w = &run->state;
    if (phase == 0) {
        sf_engine_run(run->engine, wcc_sample_shard, w);
        sf_engine_run(run->engine, wcc_compress_shard, w);
        return false;
    }
    w->skip = sf_uf_most_frequent_root(w->comp, w->g->num_vertices);
    sf_engine_run(run->engine, wcc_finish_shard, w);
    if (w->serial)
        wcc_min_ids_serial(w);
    else
        sf_engine_run(run->engine, wcc_compress_min_id_shard, w);
    return true;
}

int sf_wcc(sf_engine *e, uint64_t *label, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    struct wcc_run run = {.engine = e,
                          .state = {.g = g, .label = label, .serial = sf_engine_threads(e) == 1}};
    if (g->num_vertices == 0)
        return 0;
    struct wcc_state *w = &run.state;
    int rc = -ENOMEM;
    w->comp = sf_engine_alloc_uninit(e, sizeof *w->comp); /* wcc_init writes it all */
    if (!w->comp)
        goto out;
    sf_engine_run(e, wcc_init_shard, w);
    rc = sf_iterate(2, wcc_step, &run, log);
    if (rc < 0)
        goto out;
    sf_engine_run(e, wcc_label_shard, w);
    rc = 0;
out:
    sf_engine_free(e, w->comp);
    return rc;
}
