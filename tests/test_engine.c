/* Shards and the shard runner: the cut covers every vertex once, is aligned
 * and balanced; every shard runs once per sf_engine_run; vertex arrays are
 * zeroed; a synthetic topology is accepted and left unbound. */
#include <omp.h>

#include "tests/support.h"

Test(engine, shards_cover_the_graph_aligned)
{
    sf_graph *g = graph_generated("kron:12", 1, true);
    for (int shards = 1; shards <= 37; shards += 6) {
        sf_engine *e = engine_for(g, 2, shards);
        cr_assert_eq(sf_engine_num_shards(e), shards);
        sf_vid next = 0;
        for (int i = 0; i < shards; i++) {
            const sf_shard *s = sf_engine_shard(e, i);
            cr_assert_eq(s->begin, next, "shard %d starts at %u, expected %u", i, s->begin, next);
            cr_assert_leq(s->begin, s->end);
            if (i + 1 < shards)
                cr_assert_eq(s->end % 64, 0, "shard %d ends unaligned at %u", i, s->end);
            cr_assert(s->worker >= 0 && s->worker < 2);
            next = s->end;
        }
        cr_assert_eq(next, g->num_vertices);
        sf_engine_destroy(&e);
        cr_assert_null(e);
    }
    sf_graph_destroy(&g);
}

Test(engine, shards_balance_arcs_plus_vertices)
{
    sf_graph *g = graph_generated("kron:14", 2, true);
    sf_engine *e = engine_for(g, 2, 8);
    uint64_t total = g->num_arcs + 8ull * g->num_vertices, worst = 0;
    for (int i = 0; i < 8; i++) {
        const sf_shard *s = sf_engine_shard(e, i);
        uint64_t cost = g->in_offsets[s->end] - g->in_offsets[s->begin] + 8ull * (s->end - s->begin);
        if (cost > worst)
            worst = cost;
    }
    /* within a hub's degree of the even share */
    uint64_t max_degree = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        if (sf_in_degree(g, v) > max_degree)
            max_degree = sf_in_degree(g, v);
    cr_assert_leq(worst, total / 8 + 64 * (max_degree + 8), "worst shard %lu of %lu", worst, total);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

static void count_visits(sf_shard *s, void *arg)
{
    int *visits = arg;
    __atomic_fetch_add(&visits[s->index], 1, __ATOMIC_RELAXED);
    s->sum = s->end - s->begin;
    s->count = 1;
}

Test(engine, every_shard_runs_once_and_sums_in_order)
{
    sf_graph *g = graph_generated("urand:12", 1, true);
    for (int threads = 1; threads <= 3; threads++) {
        sf_engine *e = engine_for(g, threads, 13);
        int visits[13] = {0};
        sf_engine_run(e, count_visits, visits);
        for (int i = 0; i < 13; i++)
            cr_assert_eq(visits[i], 1, "shard %d ran %d times at %d threads", i, visits[i], threads);
        cr_assert_float_eq(sf_engine_sum(e), g->num_vertices, 0);
        cr_assert_eq(sf_engine_count(e), 13);
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}

Test(engine, vertex_arrays_are_zeroed)
{
    sf_graph *g = graph_generated("urand:10", 1, true);
    sf_engine *e = engine_for(g, 2, 0);
    uint64_t *a = sf_engine_alloc(e, sizeof *a);
    cr_assert_not_null(a);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        cr_assert_eq(a[v], 0);
    sf_engine_free(e, a);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

Test(engine, bad_thread_count_is_a_usage_error)
{
    sf_engine_options opt = {.threads = -3};
    sf_engine *e = NULL;
    sf_error err;
    cr_assert_eq(sf_engine_create(&opt, &e, &err), SF_EUSAGE);
    cr_assert_null(e);
}

Test(engine, synthetic_topology_runs_unbound)
{
    setenv("HWLOC_SYNTHETIC", "pack:2 numa:1 core:2 pu:1", 1);
    sf_engine_options opt = {.threads = 4};
    sf_engine *e = NULL;
    sf_error err;
    int rc = sf_engine_create(&opt, &e, &err);
    unsetenv("HWLOC_SYNTHETIC");
    cr_assert_eq(rc, 0, "%s", err.msg);
    char json[1024];
    sf_graph *g = graph_generated("urand:8", 1, true);
    cr_assert_eq(sf_engine_attach(e, g, &err), 0);
    sf_engine_placement_json(e, false, json, sizeof json);
    cr_assert(strstr(json, "\"numa_nodes\": 2"), "%s", json);
    cr_assert(strstr(json, "\"bound\": false"), "%s", json);
    cr_assert(strstr(json, "\"shards_per_node\": [8, 8]"), "%s", json);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}
