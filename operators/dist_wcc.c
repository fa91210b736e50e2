/* Weakly connected components over MPI ranks: label[v] = the smallest
 * original id of v's component, LDBC's label, as operators/wcc.c gives it.
 *
 * Each rank first joins its own vertices along the arcs between them with
 * the union-find of Afforest (operators/union_find.h), so a component's
 * part inside one rank is one tree whose label is the smallest original id
 * of its members. Then rounds of min-label propagation between ranks: the
 * boundary labels go to the ranks that read them (mirrors of in- and
 * out-neighbours, since components are weak), every local tree takes the
 * smallest label among its members' remote neighbours, and the rounds stop
 * when no label changed on any rank (a logical or over the ranks). Labels
 * only decrease and each is the id of a member, so at the fixed point every
 * vertex holds its component's smallest id; a label crosses at least one
 * rank boundary per round, so the rounds are bounded by the number of rank
 * changes along shortest paths, not by the diameter.
 *
 * Dense ids are in original-id order over ranks, but labels travel as
 * original ids (8 bytes) so that no last round is needed to translate a
 * remote dense id. Unlike operators/wcc.c this runs only over ranks: a
 * local union-find and a propagation loop are a different algorithm from
 * Afforest's sampling, not a hook in it. */
#include <errno.h>
#include <stdlib.h>

#include "engine/dist_graph.h"
#include "operators/edge_map.h"
#include "operators/kernels.h"
#include "operators/union_find.h"
#include "operators/vertex_map.h"

struct dwcc {
    sf_dist_graph *d;
    const sf_graph *g;
    sf_vid *comp;               /* union-find over owned vertices */
    uint64_t *label;            /* by global id: owned labels, mirrors' labels */
    uint64_t *root_min;         /* per local root: smallest label in reach */
};

static inline void atomic_min_u64(uint64_t *slot, uint64_t x)
{
    uint64_t seen = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (x < seen &&
           !__atomic_compare_exchange_n(slot, &seen, x, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

static void init_vertex(sf_vid v, void *arg)
{
    struct dwcc *w = arg;
    w->comp[v] = v;
    w->root_min[v] = UINT64_MAX;
}

static void link_owned(sf_vid u, const sf_vid *nbr, sf_eid degree, void *arg)
{
    struct dwcc *w = arg;
    for (sf_eid i = 0; i < degree; i++)
        if (sf_dist_graph_owns(w->d, nbr[i]))
            sf_uf_link(w->comp, u, nbr[i]);
}

/* Both directions of a directed graph: the in-rows too. */
static void link_owned_in(sf_vid v, void *arg)
{
    struct dwcc *w = arg;
    const sf_graph *g = w->g;
    link_owned(v, g->in_neighbors + g->in_offsets[v], sf_in_degree(g, v), arg);
}

static void init_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, init_vertex, arg);
}

static void link_shard(sf_shard *s, void *arg)
{
    struct dwcc *w = arg;
    sf_edge_map_push_all(s, w->g, link_owned, arg);
    if (w->g->directed)
        sf_vertex_map(s, link_owned_in, arg);
}

static void root_label(sf_vid v, void *arg)
{
    struct dwcc *w = arg;
    sf_uf_compress(w->comp, v);
    atomic_min_u64(&w->root_min[w->comp[v]], sf_dist_graph_original_id(w->d, v));
}

static void root_label_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, root_label, arg);
}

/* The smallest label among v's neighbours on other ranks, into its root. */
static inline void pull_remote(struct dwcc *w, sf_vid v, const sf_eid *off, const sf_vid *nbr)
{
    uint64_t best = UINT64_MAX;
    for (sf_eid e = off[v]; e < off[v + 1]; e++)
        if (!sf_dist_graph_owns(w->d, nbr[e]) && w->label[nbr[e]] < best)
            best = w->label[nbr[e]];
    if (best < w->root_min[w->comp[v]])
        atomic_min_u64(&w->root_min[w->comp[v]], best);
}

static void gather(sf_vid v, void *arg)
{
    struct dwcc *w = arg;
    pull_remote(w, v, w->g->out_offsets, w->g->out_neighbors);
    if (w->g->directed)
        pull_remote(w, v, w->g->in_offsets, w->g->in_neighbors);
}

static void gather_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, gather, arg);
}

/* label = the root's; counts the labels that changed */
static void apply_shard(sf_shard *s, void *arg)
{
    struct dwcc *w = arg;
    uint64_t changed = 0;
    for (sf_vid v = s->begin; v < s->end; v++) {
        uint64_t next = w->root_min[w->comp[v]];
        changed += next != w->label[v];
        w->label[v] = next;
    }
    s->count = changed;
}

struct dwcc_run {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;
    struct dwcc state;
};

static bool dwcc_step(int round, void *arg)
{
    struct dwcc_run *run = arg;
    if (round == 0) {
        sf_engine_run(run->engine, init_shard, &run->state);
        sf_engine_run(run->engine, link_shard, &run->state);
        sf_engine_run(run->engine, root_label_shard, &run->state);
        sf_engine_run(run->engine, apply_shard, &run->state);
        return false;
    }
    sf_dist_mirrors_sync(run->mirrors, run->state.label, sizeof(uint64_t));
    sf_engine_run(run->engine, gather_shard, &run->state);
    sf_engine_run(run->engine, apply_shard, &run->state);
    return !sf_dist_any(sf_engine_count(run->engine) > 0);
}

static void copy_out(sf_shard *s, void *arg)
{
    uint64_t **pair = arg; /* {from, to} */
    for (sf_vid v = s->begin; v < s->end; v++)
        pair[1][v] = pair[0][v];
}

int sf_dist_wcc(sf_engine *e, uint64_t *label, sf_iteration_log *log)
{
    sf_dist_graph *d = sf_engine_dist(e);
    if (!d)
        return -EINVAL;
    if (d->view.num_vertices == 0)
        return 0;
    struct dwcc_run run = {.engine = e, .state = {.d = d, .g = sf_engine_graph(e)}};
    struct dwcc *w = &run.state;
    int rc = -ENOMEM;
    w->comp = sf_engine_alloc(e, sizeof *w->comp);
    w->label = sf_engine_alloc(e, sizeof *w->label);
    w->root_min = sf_engine_alloc(e, sizeof *w->root_min);
    if (!w->comp || !w->label || !w->root_min)
        goto out;
    run.mirrors = sf_dist_graph_mirrors(d, SF_MIRRORS_ALL);
    rc = sf_iterate(INT32_MAX, dwcc_step, &run, log);
    if (rc < 0)
        goto out;
    uint64_t *pair[2] = {w->label, label};
    sf_engine_run(e, copy_out, pair);
    rc = 0;
out:
    sf_engine_free(e, w->comp);
    sf_engine_free(e, w->label);
    sf_engine_free(e, w->root_min);
    return rc;
}
