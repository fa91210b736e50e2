/* Triangle count over MPI ranks: triangles[v] for the owned vertices, the
 * counts operators/tc.c gives in one process.
 *
 * A triangle w < v < u is found once, by the owner of u (its largest id),
 * with the same forward count by marking (operators/tc_count.h), over the
 * rank's lower rows (engine/dist_graph.h): the neighbours below each owned
 * vertex and below each ghost (a vertex of a lower rank adjacent to an
 * owned one), the ghosts' rows fetched from their owners once. v and w may
 * be ghosts: their credits are summed here, then added to their owners'
 * counts with one all-to-all. Integer sums, so the same counts at any rank,
 * thread or shard count. Lower rows use local ids in the order of the
 * dense ids, so the orientation is the dense order: by descending degree
 * within a rank, by rank between ranks (the same triangles as one global
 * degree order, with less even work per vertex). The iteration log gets one
 * entry: fetching the rows, counting, returning the credits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist_graph.h"
#include "operators/kernels.h"
#include "operators/tc_count.h"
#include "operators/vertex_map.h"

struct dtc_scratch {
    uint32_t *position;         /* local vertex array: 1 + index in N+(u), or 0 */
    uint32_t *count, *hit;      /* widest row + 1 */
} __attribute__((aligned(64)));

struct dtc {
    sf_engine *engine;
    sf_dist_graph *d;
    sf_dist_lower_rows low;
    uint64_t *triangles;        /* by local id */
    uint64_t *out;              /* the caller's, by global id */
    struct dtc_scratch *scratch;
    int num_scratch;
};

SF_INLINE void count_shard(sf_shard *s, struct dtc *t, bool shared)
{
    const struct dtc_scratch *x = &t->scratch[sf_engine_current_worker()];
    const sf_eid *off = t->low.offsets;
    const sf_vid *nbr = t->low.ids;
    for (sf_vid v = s->begin; v < s->end; v++) {
        sf_vid u = t->low.num_ghosts + (v - t->d->begin);
        const sf_vid *row = nbr + off[u]; /* all of it below u: N+(u) */
        sf_eid out_degree = off[u + 1] - off[u];
        sf_tc_count_row(off, nbr, row, out_degree, x->position, x->count, x->hit);
        sf_tc_credit_row(u, row, out_degree, x->position, x->count, t->triangles, shared);
    }
}

static void count_shard_alone(sf_shard *s, void *arg) { count_shard(s, arg, false); }
static void count_shard_shared(sf_shard *s, void *arg) { count_shard(s, arg, true); }

static void copy_out_shard(sf_shard *s, void *arg)
{
    struct dtc *t = arg;
    for (sf_vid v = s->begin; v < s->end; v++)
        t->out[v] = t->triangles[t->low.num_ghosts + (v - t->d->begin)];
}

static bool dtc_pass(int iteration, void *arg)
{
    struct dtc *t = arg;
    const sf_graph *g = sf_engine_graph(t->engine);
    (void)iteration;
    sf_dist_lower_rows_build(t->d, g->out_offsets, g->out_neighbors, NULL, &t->low);
    t->triangles = calloc((size_t)t->low.num_local + 1, sizeof *t->triangles);
    if (!t->triangles)
        sf_dist_abort(1, "out of memory counting triangles");
    for (int k = 0; k < t->num_scratch; k++) {
        struct dtc_scratch *x = &t->scratch[k];
        x->position = calloc((size_t)t->low.num_local + 1, sizeof *x->position);
        x->count = calloc(t->low.widest + 1, sizeof *x->count);
        x->hit = malloc((t->low.widest + 1) * sizeof *x->hit);
        if (!x->position || !x->count || !x->hit)
            sf_dist_abort(1, "out of memory counting triangles");
    }
    sf_engine_run(t->engine, t->num_scratch > 1 ? count_shard_shared : count_shard_alone, t);
    sf_dist_lower_rows_add_to_owners(&t->low, t->triangles);
    sf_engine_run(t->engine, copy_out_shard, t);
    return true;
}

int sf_dist_tc(sf_engine *e, uint64_t *triangles, sf_iteration_log *log)
{
    struct dtc t = {.engine = e, .d = sf_engine_dist(e), .out = triangles};
    if (!t.d)
        return -EINVAL;
    if (t.d->view.num_vertices == 0)
        return 0;
    t.num_scratch = sf_engine_threads(e);
    t.scratch = aligned_alloc(64, t.num_scratch * sizeof *t.scratch);
    if (!t.scratch) /* the other ranks are about to exchange rows */
        sf_dist_abort(1, "out of memory counting triangles");
    memset(t.scratch, 0, t.num_scratch * sizeof *t.scratch);
    int rc = sf_iterate(1, dtc_pass, &t, log);
    for (int k = 0; k < t.num_scratch; k++) {
        free(t.scratch[k].position);
        free(t.scratch[k].count);
        free(t.scratch[k].hit);
    }
    free(t.scratch);
    free(t.triangles);
    sf_dist_lower_rows_fini(&t.low);
    return rc < 0 ? rc : 0;
}
