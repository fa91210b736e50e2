/* Local clustering coefficient over MPI ranks: lcc[v] for the owned
 * vertices, bit for bit what operators/lcc.c gives in one process.
 *
 * The same count as operators/lcc.c (operators/lcc_triangles.h): every
 * triangle {w, u, v} of the undirected neighbour graph, w < u < v, is found
 * once, by the owner of v, which adds to each corner the arcs between the
 * other two. It walks the lower rows (engine/dist_graph.h) of its own
 * vertices and of the ghosts (vertices of lower ranks adjacent to its own;
 * for a directed graph the merged out- and in-rows, with the flags that say
 * which arcs an entry stands for), fetched from their owners once. The
 * corners u and w may be ghosts: their counts are summed here over the
 * workers, then added to their owners' with one all-to-all. Integer counts
 * and one division by |N(v)| (|N(v)| (|N(v)| - 1)) per vertex, as in one
 * process: the same bits at any rank, thread or shard count. The iteration
 * log gets one entry: fetching the rows, counting, returning the counts
 * and dividing (building the merged rows comes before). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/kernels.h"
#include "operators/lcc_triangles.h"
#include "operators/vertex_map.h"

/* One worker's counts, over local ids. */
struct dlcc_scratch {
    uint8_t *mark;
    uint64_t *count;
    sf_vid *found;
} __attribute__((aligned(64)));

struct dlcc {
    sf_engine *engine;
    sf_dist_graph *d;
    bool directed;
    sf_lcc_rows nb;             /* full rows of the owned vertices: |N(v)| */
    sf_dist_lower_rows low;
    struct dlcc_scratch *pool;
    int pool_size;
    uint64_t *arcs;             /* by local id: the workers' counts summed */
    double *lcc;                /* the caller's, by global id */
};

SF_INLINE void triangles_shard(sf_shard *s, struct dlcc *c, bool directed)
{
    const struct dlcc_scratch *x = &c->pool[sf_engine_current_worker()];
    for (sf_vid v = s->begin; v < s->end; v++)
        sf_lcc_triangles_of(c->low.offsets, c->low.ids, c->low.flags, directed,
                            c->low.num_ghosts + (v - c->d->begin), x->mark, x->count, x->found);
}

static void triangles_undirected(sf_shard *s, void *arg) { triangles_shard(s, arg, false); }
static void triangles_directed(sf_shard *s, void *arg) { triangles_shard(s, arg, true); }

static void coefficient_shard(sf_shard *s, void *arg)
{
    struct dlcc *c = arg;
    for (sf_vid v = s->begin; v < s->end; v++)
        c->lcc[v] = sf_lcc_coefficient(c->arcs[c->low.num_ghosts + (v - c->d->begin)],
                                       c->nb.offsets[v + 1] - c->nb.offsets[v], c->directed);
}

static bool dlcc_pass(int iteration, void *arg)
{
    struct dlcc *c = arg;
    (void)iteration;
    /* a rank with no vertex builds no flags; it must still take part in
     * their exchange like the others */
    static const uint8_t no_flags;
    sf_dist_lower_rows_build(c->d, c->nb.offsets, c->nb.ids,
                             c->directed ? (c->nb.flags ? c->nb.flags : &no_flags) : NULL,
                             &c->low);
    size_t n = (size_t)c->low.num_local + 1;
    for (int i = 0; i < c->pool_size; i++) {
        struct dlcc_scratch *x = &c->pool[i];
        x->mark = calloc(n, 1);
        x->count = calloc(n, sizeof *x->count);
        x->found = malloc((c->low.widest + 1) * sizeof *x->found);
        if (!x->mark || !x->count || !x->found)
            sf_dist_abort(1, "out of memory counting triangles");
    }
    sf_engine_run(c->engine, c->directed ? triangles_directed : triangles_undirected, c);
    c->arcs = calloc(n, sizeof *c->arcs);
    if (!c->arcs)
        sf_dist_abort(1, "out of memory counting triangles");
    for (int i = 0; i < c->pool_size; i++)
        for (size_t x = 0; x + 1 < n; x++)
            c->arcs[x] += c->pool[i].count[x];
    sf_dist_lower_rows_add_to_owners(&c->low, c->arcs);
    sf_engine_run(c->engine, coefficient_shard, c);
    return true;
}

int sf_dist_lcc(sf_engine *e, double *lcc, sf_iteration_log *log)
{
    struct dlcc c = {.engine = e, .d = sf_engine_dist(e), .lcc = lcc};
    if (!c.d)
        return -EINVAL;
    if (c.d->view.num_vertices == 0)
        return 0;
    c.directed = c.d->view.directed;
    c.pool_size = sf_engine_threads(e);
    c.pool = aligned_alloc(64, c.pool_size * sizeof *c.pool);
    if (!c.pool)
        sf_dist_abort(1, "out of memory counting triangles");
    memset(c.pool, 0, c.pool_size * sizeof *c.pool);
    /* an allocation failure on one rank only must end the job: the others
     * are about to exchange rows */
    if (sf_lcc_rows_build(e, &c.nb))
        sf_dist_abort(1, "out of memory merging neighbour rows");
    int rc = sf_iterate(1, dlcc_pass, &c, log);
    for (int i = 0; i < c.pool_size; i++) {
        free(c.pool[i].mark);
        free(c.pool[i].count);
        free(c.pool[i].found);
    }
    free(c.pool);
    free(c.arcs);
    sf_dist_lower_rows_fini(&c.low);
    sf_lcc_rows_free(&c.nb);
    return rc < 0 ? rc : 0;
}
