/* NUMA placement: plans on synthetic and XML topologies of 1, 2, 3 and 4
 * nodes (even and lopsided), shards per node in proportion to workers,
 * work stealing within the node first, memory binding and its read-back,
 * per-node scratch arenas, and through the CLI: the same answers under
 * every --numa policy and topology, a refused binding that is a warning
 * and not a failure, the topology command. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <hwloc.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#ifdef SF_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "bench/jobs.h"
#include "engine/numa.h"
#include "engine/topology.h"
#include "operators/kernels.h"
#include "operators/worker_scratch.h"
#include "tests/support.h"

/* ---- topologies ------------------------------------------------------------ */

static void xml_sets(FILE *f, hwloc_const_bitmap_t cpus, hwloc_const_bitmap_t nodes)
{
    char *c, *n;
    cr_assert_geq(hwloc_bitmap_asprintf(&c, cpus), 0);
    cr_assert_geq(hwloc_bitmap_asprintf(&n, nodes), 0);
    fprintf(f, " cpuset=\"%s\" complete_cpuset=\"%s\" nodeset=\"%s\" complete_nodeset=\"%s\"", c, c,
            n, n);
    free(c);
    free(n);
}

/* Writes an hwloc XML topology: one package and NUMA node per entry of
 * cores[], node i with cores[i] cores of `pus` PUs, and (when distances is
 * not NULL) a NUMA latency matrix. */
static void write_topology_xml(const char *path, int nodes, const int *cores, int pus,
                               const uint64_t *distances)
{
    /* written aside and renamed: tests running at once read whole files */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f);
    hwloc_bitmap_t all = hwloc_bitmap_alloc(), all_nodes = hwloc_bitmap_alloc();
    int total = 0, gp = 1, pu = 0, core = 0;
    for (int n = 0; n < nodes; n++)
        total += cores[n] * pus;
    hwloc_bitmap_set_range(all, 0, total - 1);
    hwloc_bitmap_set_range(all_nodes, 0, nodes - 1);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\">\n"
               "<object type=\"Machine\" os_index=\"0\"");
    xml_sets(f, all, all_nodes);
    fprintf(f, " gp_index=\"%d\">\n", gp++);
    for (int n = 0; n < nodes; n++) {
        hwloc_bitmap_t cpus = hwloc_bitmap_alloc(), node = hwloc_bitmap_alloc();
        hwloc_bitmap_set_range(cpus, pu, pu + cores[n] * pus - 1);
        hwloc_bitmap_set(node, n);
        fprintf(f, "<object type=\"Package\" os_index=\"%d\"", n);
        xml_sets(f, cpus, node);
        fprintf(f, " gp_index=\"%d\">\n<object type=\"NUMANode\" os_index=\"%d\"", gp++, n);
        xml_sets(f, cpus, node);
        fprintf(f, " gp_index=\"%d\" local_memory=\"1073741824\"/>\n", gp++);
        for (int k = 0; k < cores[n]; k++) {
            hwloc_bitmap_t c = hwloc_bitmap_alloc();
            hwloc_bitmap_set_range(c, pu, pu + pus - 1);
            fprintf(f, "<object type=\"Core\" os_index=\"%d\"", core++);
            xml_sets(f, c, node);
            fprintf(f, " gp_index=\"%d\">\n", gp++);
            for (int j = 0; j < pus; j++) {
                hwloc_bitmap_only(c, pu);
                fprintf(f, "<object type=\"PU\" os_index=\"%d\"", pu++);
                xml_sets(f, c, node);
                fprintf(f, " gp_index=\"%d\"/>\n", gp++);
            }
            fprintf(f, "</object>\n");
            hwloc_bitmap_free(c);
        }
        fprintf(f, "</object>\n");
        hwloc_bitmap_free(cpus);
        hwloc_bitmap_free(node);
    }
    fprintf(f, "</object>\n");
    if (distances) {
        char indexes[512] = "", values[4096] = "";
        size_t a = 0, b = 0;
        for (int n = 0; n < nodes; n++)
            a += snprintf(indexes + a, sizeof indexes - a, "%d ", n);
        for (int i = 0; i < nodes * nodes; i++)
            b += snprintf(values + b, sizeof values - b, "%llu ", (unsigned long long)distances[i]);
        fprintf(f, "<distances2 type=\"NUMANode\" nbobjs=\"%d\" kind=\"5\" name=\"NUMALatency\" "
                   "indexing=\"os\">\n<indexes length=\"%zu\">%s</indexes>\n"
                   "<u64values length=\"%zu\">%s</u64values>\n</distances2>\n",
                nodes, a, indexes, b, values);
    }
    fprintf(f, "</topology>\n");
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, path), 0);
    hwloc_bitmap_free(all);
    hwloc_bitmap_free(all_nodes);
}

/* Lopsided: nodes of 4, 2 and 1 cores, 2 PUs each; node 0's nearest other
 * node is 2, node 1's is 0. */
static const int lopsided_cores[] = {4, 2, 1};
static const uint64_t lopsided_distances[] = {10, 30, 20, 30, 10, 40, 20, 40, 10};
#define LOPSIDED_XML "/tmp/sf-test-numa-lopsided.xml"
/* Lopsided without distances, one PU a core: nodes of 1, 3 and 2 cores. */
static const int uneven_cores[] = {1, 3, 2};
#define UNEVEN_XML "/tmp/sf-test-numa-uneven.xml"

static void write_test_topologies(void)
{
    write_topology_xml(LOPSIDED_XML, 3, lopsided_cores, 2, lopsided_distances);
    write_topology_xml(UNEVEN_XML, 3, uneven_cores, 1, NULL);
}

static hwloc_topology_t load_topology(const char *spec)
{
    hwloc_topology_t t;
    cr_assert_eq(hwloc_topology_init(&t), 0);
    int rc = spec[0] == '/' ? hwloc_topology_set_xml(t, spec) : hwloc_topology_set_synthetic(t, spec);
    cr_assert_eq(rc, 0, "%s", spec);
    cr_assert_eq(hwloc_topology_load(t), 0, "%s", spec);
    return t;
}

static const char *const plan_topologies[] = {
    "pack:1 numa:1 core:4 pu:2",        /* one node */
    "pack:2 numa:1 core:4 pu:2",        /* two nodes */
    "pack:2 numa:2 core:3 pu:1",        /* four nodes */
    LOPSIDED_XML,                       /* three nodes of 4, 2, 1 cores */
    UNEVEN_XML,                         /* three nodes of 1, 3, 2 cores */
};
#define NUM_PLAN_TOPOLOGIES (sizeof plan_topologies / sizeof *plan_topologies)

static int node_cores(hwloc_topology_t t, int n)
{
    hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, n);
    return hwloc_get_nbobjs_inside_cpuset_by_type(t, node->cpuset, HWLOC_OBJ_CORE);
}

/* ---- plans ------------------------------------------------------------------- */

Test(numa, plan_spreads_workers_evenly_over_nodes_and_cores)
{
    write_test_topologies();
    for (size_t c = 0; c < NUM_PLAN_TOPOLOGIES; c++) {
        hwloc_topology_t t = load_topology(plan_topologies[c]);
        int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
        int pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
        int nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
        sf_plan previous = {0};
        for (int threads = 1; threads <= 2 * pus + 1; threads++) {
            sf_plan p;
            cr_assert_eq(sf_plan_init(&p, t, threads), 0);
            cr_assert_eq(p.num_nodes, nodes);
            cr_assert_eq(p.num_cores, cores);
            int count[8] = {0};
            uint8_t core_used[64] = {0}, pu_used[64] = {0};
            for (int w = 0; w < threads; w++) {
                int n = p.worker_node[w];
                hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, n);
                hwloc_obj_t core = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, p.worker_core[w]);
                hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, p.worker_pu[w]);
                cr_assert(hwloc_bitmap_isincluded(core->cpuset, node->cpuset),
                          "%s, %d threads: worker %d's core is not on its node", plan_topologies[c],
                          threads, w);
                cr_assert(hwloc_bitmap_isincluded(pu->cpuset, core->cpuset));
                count[n]++;
                core_used[p.worker_core[w]]++;
                pu_used[p.worker_pu[w]]++;
                /* the same core whatever the thread count */
                if (w < previous.threads) {
                    cr_assert_eq(p.worker_pu[w], previous.worker_pu[w],
                                 "%s: worker %d moves from %d to %d threads", plan_topologies[c], w,
                                 threads - 1, threads);
                }
            }
            /* one worker per core before any core gets two; one per PU
             * before any PU gets two */
            for (int k = 0; k < cores; k++)
                cr_assert_leq(core_used[k], (threads + cores - 1) / cores);
            for (int k = 0; k < pus; k++)
                cr_assert_leq(pu_used[k], (threads + pus - 1) / pus);
            /* even over nodes: past the full rounds, two nodes differ by
             * more than one worker only if the smaller is full */
            int rounds = threads / cores;
            for (int a = 0; a < nodes; a++) {
                cr_assert_eq(sf_plan_node_workers(&p, a), count[a]);
                for (int b = 0; b < nodes; b++) {
                    int extra_a = count[a] - rounds * node_cores(t, a);
                    int extra_b = count[b] - rounds * node_cores(t, b);
                    if (extra_b > extra_a + 1)
                        cr_assert_eq(extra_a, node_cores(t, a),
                                     "%s, %d threads: node %d has %d workers, node %d has %d",
                                     plan_topologies[c], threads, a, count[a], b, count[b]);
                }
            }
            /* node_workers lists each node's workers in increasing order */
            for (int n = 0; n < nodes; n++)
                for (int j = 0; j < count[n]; j++) {
                    int w = p.node_workers[p.node_worker_start[n] + j];
                    cr_assert_eq(p.worker_node[w], n);
                    cr_assert_eq(p.worker_pos[w], j);
                    if (j)
                        cr_assert_gt(w, p.node_workers[p.node_worker_start[n] + j - 1]);
                }
            sf_plan_fini(&previous);
            previous = p;
        }
        sf_plan_fini(&previous);
        hwloc_topology_destroy(t);
    }
}

/* Known answers: two sockets of four cores, two hyperthreads each. */
Test(numa, plan_known_answer_two_sockets)
{
    hwloc_topology_t t = load_topology("pack:2 numa:1 core:4 pu:2");
    sf_plan p;
    cr_assert_eq(sf_plan_init(&p, t, 10), 0);
    /* nodes alternate; cores spread within a node (0, 2, 1, 3); then the
     * second hyperthread of each core */
    const int node[] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    const int core[] = {0, 4, 2, 6, 1, 5, 3, 7, 0, 4};
    const int pu[] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9};
    for (int w = 0; w < 10; w++) {
        cr_assert_eq(p.worker_node[w], node[w], "worker %d", w);
        cr_assert_eq(p.worker_core[w], core[w], "worker %d", w);
        cr_assert_eq(p.worker_pu[w], pu[w], "worker %d", w);
    }
    sf_plan_fini(&p);
    hwloc_topology_destroy(t);
}

Test(numa, plan_shards_in_proportion_to_workers_each_owned_once)
{
    write_test_topologies();
    for (size_t c = 0; c < NUM_PLAN_TOPOLOGIES; c++) {
        hwloc_topology_t t = load_topology(plan_topologies[c]);
        for (int threads = 1; threads <= 9; threads++) {
            sf_plan p;
            cr_assert_eq(sf_plan_init(&p, t, threads), 0);
            const int counts[] = {1, threads, 4 * threads, 37};
            for (size_t k = 0; k < 4; k++) {
                int shards = counts[k];
                cr_assert_eq(sf_plan_shards(&p, shards), 0);
                int *owner = malloc(shards * sizeof *owner);
                for (int i = 0; i < shards; i++)
                    owner[i] = -1;
                cr_assert_eq(p.node_first_shard[0], 0);
                cr_assert_eq(p.node_first_shard[p.num_nodes], shards);
                for (int n = 0; n < p.num_nodes; n++) {
                    int mine = p.node_first_shard[n + 1] - p.node_first_shard[n];
                    double fair = (double)shards * sf_plan_node_workers(&p, n) / threads;
                    cr_assert(fabs(mine - fair) < 1.0, "%s, %d threads, %d shards: node %d has %d, "
                              "fair share %.2f", plan_topologies[c], threads, shards, n, mine, fair);
                }
                for (int w = 0; w < threads; w++) {
                    int n = p.worker_node[w];
                    cr_assert_leq(p.worker_first_shard[w], p.worker_end_shard[w]);
                    cr_assert_geq(p.worker_first_shard[w], p.node_first_shard[n]);
                    cr_assert_leq(p.worker_end_shard[w], p.node_first_shard[n + 1]);
                    for (int i = p.worker_first_shard[w]; i < p.worker_end_shard[w]; i++) {
                        cr_assert_eq(owner[i], -1, "shard %d owned twice", i);
                        owner[i] = w;
                    }
                }
                for (int i = 0; i < shards; i++)
                    cr_assert_neq(owner[i], -1, "%s: shard %d of %d has no owner",
                                  plan_topologies[c], i, shards);
                free(owner);
            }
            sf_plan_fini(&p);
        }
        hwloc_topology_destroy(t);
    }
}

Test(numa, steal_order_same_node_first_then_nearest)
{
    write_test_topologies();
    for (size_t c = 0; c < NUM_PLAN_TOPOLOGIES; c++) {
        hwloc_topology_t t = load_topology(plan_topologies[c]);
        for (int threads = 1; threads <= 9; threads++) {
            sf_plan p;
            cr_assert_eq(sf_plan_init(&p, t, threads), 0);
            for (int w = 0; w < threads; w++) {
                uint8_t seen[16] = {0};
                int home = p.worker_node[w], k = 0;
                cr_assert_eq(sf_plan_victim(&p, w, 0), w);
                /* first the node's own workers, then node by node */
                int last_node = home;
                uint8_t node_done[8] = {0};
                for (; k < threads; k++) {
                    int v = sf_plan_victim(&p, w, k);
                    cr_assert(v >= 0 && v < threads);
                    cr_assert_eq(seen[v]++, 0, "worker %d visits %d twice", w, v);
                    int n = p.worker_node[v];
                    if (k < sf_plan_node_workers(&p, home))
                        cr_assert_eq(n, home, "%s: worker %d steals from node %d before its own",
                                     plan_topologies[c], w, n);
                    if (n != last_node) {
                        node_done[last_node] = 1;
                        cr_assert_eq(node_done[n], 0, "node %d's workers are not contiguous", n);
                        last_node = n;
                    }
                }
            }
            sf_plan_fini(&p);
        }
        hwloc_topology_destroy(t);
    }
    /* with distances: node 0 goes to node 2 (20) before node 1 (30); node
     * 1 to node 0 (30) before node 2 (40) */
    hwloc_topology_t t = load_topology(LOPSIDED_XML);
    sf_plan p;
    cr_assert_eq(sf_plan_init(&p, t, 3), 0); /* one worker per node: 0, 1, 2 */
    const int expected[3][3] = {{0, 2, 1}, {1, 0, 2}, {2, 0, 1}};
    for (int w = 0; w < 3; w++)
        for (int k = 0; k < 3; k++)
            cr_assert_eq(sf_plan_victim(&p, w, k), expected[w][k], "worker %d, victim %d", w, k);
    sf_plan_fini(&p);
    hwloc_topology_destroy(t);
}

/* ---- stealing, as it happens ------------------------------------------------------ */

struct steal_log {
    int order[64];              /* shards run by the thief, in order */
    int count;
    int thief;
    int entered;                /* other workers inside their first shard */
};

/* Waits (politely: the machine may have fewer cores than workers) until
 * *value reaches target, or 20 s have passed. */
static void wait_until(int *value, int target)
{
    struct timespec start, now, pause = {0, 100000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (__atomic_load_n(value, __ATOMIC_ACQUIRE) < target) {
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 20)
            return; /* the assertions will say what went wrong */
    }
}

/* Every worker but the thief stays in its first shard until the thief has
 * run its own four and stolen three; the thief starts once they are all
 * in, so that nobody else can take a shard meanwhile. */
static void steal_shard(sf_shard *s, void *arg)
{
    struct steal_log *log = arg;
    bool first = s->index % 4 == 0;
    if (omp_get_thread_num() == log->thief) {
        if (first)
            wait_until(&log->entered, 3);
        log->order[log->count] = s->index;
        __atomic_store_n(&log->count, log->count + 1, __ATOMIC_RELEASE);
    } else if (first) {
        __atomic_fetch_add(&log->entered, 1, __ATOMIC_RELEASE);
        wait_until(&log->count, 7);
    }
}

Test(numa, stealing_takes_the_same_nodes_shards_first)
{
    /* two nodes of two cores, four unbound workers: node 0 has workers 0
     * and 2, node 1 has 1 and 3; 16 shards, 4 a worker, node 0's first */
    sf_engine_options opt = {.threads = 4, .shards = 16, .topology = "pack:2 numa:1 core:2 pu:1"};
    sf_graph *g = graph_generated("urand:12", 1, true);
    sf_engine *e = engine_with(&opt, g);
    const sf_plan *p = sf_engine_plan(e);
    cr_assert_eq(p->worker_node[2], 0);
    cr_assert_eq(p->worker_first_shard[0], 0);
    cr_assert_eq(p->worker_first_shard[2], 4);
    for (int round = 0; round < 3; round++) {
        struct steal_log log = {.thief = 2};
        sf_engine_run(e, steal_shard, &log);
        cr_assert_geq(log.count, 7, "the thief ran %d shards", log.count);
        const int expected[] = {4, 5, 6, 7, 1, 2, 3};
        for (int k = 0; k < 7; k++)
            cr_assert_eq(log.order[k], expected[k],
                         "the thief's shard %d was %d, expected %d (own shards, then node 0's)", k,
                         log.order[k], expected[k]);
    }
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

struct where_log {
    hwloc_topology_t topology;
    hwloc_bitmap_t cpus[64];    /* per worker, as it ran */
    int ran[64];                /* per worker: shards run */
    int arrived;                /* workers that ran a shard */
};

/* Each worker records its binding, and the first worker to get here waits
 * for the other, so that no worker steals all the shards of a worker slow
 * to start (the machine may be busy). */
static void record_binding(sf_shard *s, void *arg)
{
    (void)s;
    struct where_log *log = arg;
    int w = sf_engine_current_worker();
    hwloc_get_cpubind(log->topology, log->cpus[w], HWLOC_CPUBIND_THREAD);
    if (log->ran[w]++ == 0) {
        __atomic_fetch_add(&log->arrived, 1, __ATOMIC_RELEASE);
        wait_until(&log->arrived, 2);
    }
}

/* Two engines share one OpenMP team: a pinned engine runs pinned even
 * after an --numa=off engine unbound the team, and the other way round. */
Test(numa, engines_take_the_team_back)
{
    sf_graph *g = graph_generated("urand:10", 1, true);
    sf_engine_options pinned_opt = {.threads = 2}, off_opt = {.threads = 2, .numa = SF_NUMA_OFF};
    sf_engine *pinned = NULL, *off = NULL;
    sf_error err;
    cr_assert_eq(sf_engine_create(&pinned_opt, &pinned, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_engine_create(&off_opt, &off, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_engine_attach(pinned, g, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_engine_attach(off, g, &err), 0, "%s", err.msg);
    sf_placement p;
    sf_engine_placement(pinned, &p);
    struct where_log log = {.topology = sf_engine_topology(pinned)};
    for (int w = 0; w < 2; w++)
        log.cpus[w] = hwloc_bitmap_alloc();
    hwloc_const_cpuset_t all = hwloc_topology_get_allowed_cpuset(log.topology);
    for (int round = 0; round < 2 && p.bound; round++) {
        log.arrived = log.ran[0] = log.ran[1] = 0;
        sf_engine_run(pinned, record_binding, &log);
        cr_assert(log.ran[0] && log.ran[1]);
        const sf_plan *plan = sf_engine_plan(pinned);
        for (int w = 0; w < 2; w++) {
            hwloc_obj_t pu = hwloc_get_obj_by_type(log.topology, HWLOC_OBJ_PU, plan->worker_pu[w]);
            cr_assert(hwloc_bitmap_isequal(log.cpus[w], pu->cpuset), "round %d: worker %d unpinned",
                      round, w);
        }
        log.arrived = log.ran[0] = log.ran[1] = 0;
        sf_engine_run(off, record_binding, &log);
        cr_assert(log.ran[0] && log.ran[1]);
        for (int w = 0; w < 2; w++)
            cr_assert(hwloc_bitmap_isequal(log.cpus[w], all), "round %d: worker %d still pinned",
                      round, w);
    }
    for (int w = 0; w < 2; w++)
        hwloc_bitmap_free(log.cpus[w]);
    sf_engine_destroy(&pinned);
    sf_engine_destroy(&off);
    sf_graph_destroy(&g);
}

/* libgomp ends the threads a smaller team leaves over and starts new ones
 * for the next larger team; a new thread inherits the binding of the
 * master. A pinned engine must still find every worker on its own PU (it
 * once found them all on the master's: `bench --threads 1,4,16` ran 16
 * workers on one core), and the master, between regions, must be back on
 * the process's own binding, so that threads started for other regions do
 * not inherit one core. */
Test(numa, workers_stay_on_their_pus_when_the_team_is_remade)
{
    sf_graph *g = graph_generated("urand:10", 1, true);
    sf_engine_options opt = {.threads = 4};
    sf_engine *e = NULL;
    sf_error err;
    hwloc_topology_t topology;
    hwloc_topology_init(&topology);
    hwloc_topology_load(topology);
    hwloc_bitmap_t before = hwloc_bitmap_alloc(), after = hwloc_bitmap_alloc();
    hwloc_get_cpubind(topology, before, HWLOC_CPUBIND_THREAD);
    cr_assert_eq(sf_engine_create(&opt, &e, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_engine_attach(e, g, &err), 0, "%s", err.msg);
    sf_placement p;
    sf_engine_placement(e, &p);
    cr_assert(p.bound, "binding works here: %s", p.binding);
    struct where_log log = {.topology = sf_engine_topology(e)};
    for (int w = 0; w < 4; w++)
        log.cpus[w] = hwloc_bitmap_alloc();
    const sf_plan *plan = sf_engine_plan(e);
    for (int round = 0; round < 3; round++) {
        /* a team of 2: libgomp ends threads 2 and 3; the engine's next
         * region starts new ones */
        int tids[4] = {0};
#pragma omp parallel num_threads(2)
        tids[omp_get_thread_num()] = omp_get_thread_num() + 1;
        cr_assert_eq(tids[1], 2);
        memset(log.ran, 0, sizeof log.ran);
        log.arrived = 0;
        sf_engine_run(e, record_binding, &log);
        for (int w = 0; w < 4; w++) {
            if (!log.ran[w])
                continue;       /* its shards were stolen: it recorded nothing */
            hwloc_obj_t pu = hwloc_get_obj_by_type(log.topology, HWLOC_OBJ_PU, plan->worker_pu[w]);
            char where[64], want[64];
            hwloc_bitmap_snprintf(where, sizeof where, log.cpus[w]);
            hwloc_bitmap_snprintf(want, sizeof want, pu->cpuset);
            cr_assert(hwloc_bitmap_isequal(log.cpus[w], pu->cpuset),
                      "round %d: worker %d ran on %s, its PU is %s", round, w, where, want);
        }
        hwloc_get_cpubind(topology, after, HWLOC_CPUBIND_THREAD);
        cr_assert(hwloc_bitmap_isequal(before, after),
                  "round %d: the master keeps a worker's PU between regions", round);
    }
    for (int w = 0; w < 4; w++)
        hwloc_bitmap_free(log.cpus[w]);
    hwloc_bitmap_free(before);
    hwloc_bitmap_free(after);
    hwloc_topology_destroy(topology);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

/* A process bound to some PUs (taskset here; `mpirun --bind-to core` for a
 * rank) plans and pins its workers within them: by default one worker per
 * bound core, and an explicit --threads 2 puts both on the one bound PU
 * rather than on the machine's first cores. */
Test(numa, a_process_bound_to_some_pus_plans_within_them)
{
    long pus = sysconf(_SC_NPROCESSORS_ONLN);
    cr_assert_geq(pus, 2, "this test needs two PUs (CI has two cores)");
    char cmd[512], out[8192], err[2048];
    int last = (int)pus - 1;
    snprintf(cmd, sizeof cmd, "taskset -c %d %s run pr kron:10 --json", last, cli_binary());
    cr_assert_eq(run_shell(cmd, out, sizeof out, err, sizeof err), 0, "%s: %s", cmd, err);
    cr_assert(strstr(out, "\"threads\": 1,"), "one bound PU, one worker: %s", out);
    char want[64];
    snprintf(want, sizeof want, "bound to (P#%d)", last);
    cr_assert(strstr(out, want), "the plan names the bound PU %d: %s", last, out);
    snprintf(cmd, sizeof cmd, "taskset -c %d %s run pr kron:10 --json --threads 2", last,
             cli_binary());
    cr_assert_eq(run_shell(cmd, out, sizeof out, err, sizeof err), 0, "%s: %s", cmd, err);
    cr_assert(strstr(out, "\"threads\": 2,") && strstr(out, want),
              "two workers, both within the binding: %s", out);
}

/* ---- memory ----------------------------------------------------------------------- */

Test(numa, a_page_belongs_to_the_part_holding_its_first_byte)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *base = (char *)(uintptr_t)(64 * (uintptr_t)SF_HUGE_PAGE); /* never touched */
    const size_t cuts[] = {0, 3 * page + 100, 3 * page + 200, 40 * (size_t)SF_HUGE_PAGE + 5,
                           50 * (size_t)SF_HUGE_PAGE + 7};
    hwloc_const_nodeset_t sets[4] = {0};
    sf_numa_layout l = {.base = base + 8, .bytes = cuts[4], .parts = 4, .cuts = cuts,
                        .nodesets = sets, .granule = page};
    cr_assert_eq(sf_numa_part_start(&l, 0), (uintptr_t)base);
    cr_assert_eq(sf_numa_part_start(&l, 1), (uintptr_t)base + 3 * page);
    cr_assert_eq(sf_numa_part_start(&l, 2), (uintptr_t)base + 3 * page, "an empty part");
    cr_assert_eq(sf_numa_part_start(&l, 3), (uintptr_t)base + 40 * SF_HUGE_PAGE);
    cr_assert_eq(sf_numa_part_start(&l, 4),
                 ((uintptr_t)base + 8 + cuts[4] + page - 1) / page * page, "the last page");
    l.granule = SF_HUGE_PAGE;
    cr_assert_eq(sf_numa_part_start(&l, 1), (uintptr_t)base);
    cr_assert_eq(sf_numa_part_start(&l, 3), (uintptr_t)base + 40 * SF_HUGE_PAGE);
    for (int i = 0; i < 4; i++)
        cr_assert_leq(sf_numa_part_start(&l, i), sf_numa_part_start(&l, i + 1));
}

static void placement_of(const sf_engine *e, char *json, size_t n)
{
    sf_engine_placement_json(e, false, json, n);
    cr_assert_eq(json[0], '{');
    cr_assert_eq(json[strlen(json) - 1], '}');
}

/* On this machine: bind, touch, read back. Every page read back must be on
 * its shard's node (or the OS does not say where pages are). */
Test(numa, pages_are_on_their_shards_node_here)
{
    sf_graph *g = graph_generated("kron:14", 1, true);
    const sf_numa_policy policies[] = {SF_NUMA_LOCAL, SF_NUMA_INTERLEAVE, SF_NUMA_OFF};
    for (int k = 0; k < 3; k++) {
        sf_engine_options opt = {.threads = 2, .numa = policies[k]};
        sf_engine *e = engine_with(&opt, g);
        double *a = sf_engine_alloc(e, sizeof *a);
        uint64_t *bits = sf_engine_alloc_bits(e);
        cr_assert(a && bits);
        sf_placement p;
        sf_engine_placement(e, &p);
        cr_assert_eq(p.policy, policies[k]);
        if (p.verifiable) {
            cr_assert_gt(p.pages_checked, 0);
            cr_assert_eq(p.pages_on_node, p.pages_checked, "%s: %llu of %llu pages on their node",
                         sf_numa_policy_name(policies[k]), (unsigned long long)p.pages_on_node,
                         (unsigned long long)p.pages_checked);
        }
        char json[2048];
        placement_of(e, json, sizeof json);
        char want[64];
        snprintf(want, sizeof want, "\"policy\": \"%s\"", sf_numa_policy_name(policies[k]));
        cr_assert(strstr(json, want), "%s", json);
        cr_assert(strstr(json, p.verifiable ? "\"pages_verified\": " : "\"unverifiable\""), "%s",
                  json);
        if (policies[k] == SF_NUMA_OFF) {
            cr_assert(!p.bound);
            cr_assert(strstr(p.binding, "--numa=off"), "%s", p.binding);
            cr_assert(strstr(p.memory, "--numa=off"), "%s", p.memory);
            cr_assert_str_eq(p.scratch, "malloc");
        } else if (!p.membind_refused) {
            cr_assert(strstr(p.memory, policies[k] == SF_NUMA_LOCAL ? "bound" : "interleaved"),
                      "%s", p.memory);
        }
        sf_engine_free(e, a);
        sf_engine_free(e, bits);
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}

Test(numa, bitmaps_are_zeroed_words_and_recycled_by_shape)
{
    sf_graph *g = graph_generated("urand:10", 1, true);
    sf_engine *e = engine_for(g, 2, 5);
    uint64_t *bits = sf_engine_alloc_bits(e);
    size_t words = (g->num_vertices + 63) / 64;
    for (size_t i = 0; i < words; i++) {
        cr_assert_eq(bits[i], 0);
        bits[i] = ~0ull;
    }
    sf_engine_free(e, bits);
    uint64_t *again = sf_engine_alloc_bits(e);
    for (size_t i = 0; i < words; i++)
        cr_assert_eq(again[i], 0, "a recycled bitmap is zeroed again");
    sf_engine_free(e, again);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

struct scratch_log {
    sf_engine *engine;
    int arena[64];              /* per shard: the arena of its scratch */
    int node[64];               /* per shard: the node of the worker that ran it */
    int failed;
};

static void use_scratch(sf_shard *s, void *arg)
{
    struct scratch_log *log = arg;
    int w = sf_engine_current_worker();
    size_t bytes = 64 * 1024;
    unsigned char *p = sf_engine_scratch(log->engine, w, bytes);
    if (!p) {
        __atomic_store_n(&log->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    memset(p, (unsigned char)s->index, bytes);
    for (size_t i = 0; i < bytes; i += 4096)
        if (p[i] != (unsigned char)s->index)
            __atomic_store_n(&log->failed, 1, __ATOMIC_RELAXED);
    log->arena[s->index] = sf_numa_arena_of(p);
    log->node[s->index] = sf_engine_plan(log->engine)->worker_node[w];
    sf_engine_scratch_free(log->engine, p);
}

Test(numa, scratch_comes_from_an_arena_of_the_workers_node)
{
    sf_engine_options opt = {.threads = 4, .shards = 32, .topology = "pack:2 numa:1 core:2 pu:1"};
    sf_graph *g = graph_generated("urand:12", 1, true);
    sf_engine *e = engine_with(&opt, g);
    struct scratch_log log = {.engine = e};
    sf_engine_run(e, use_scratch, &log);
    cr_assert_eq(log.failed, 0);
    sf_placement p;
    sf_engine_placement(e, &p);
#ifdef SF_HAVE_JEMALLOC
    cr_assert_str_eq(p.scratch, "a jemalloc arena per NUMA node");
    int arena_of_node[2] = {-1, -1};
    for (int i = 0; i < 32; i++) {
        int n = log.node[i];
        cr_assert_geq(log.arena[i], 0);
        if (arena_of_node[n] < 0)
            arena_of_node[n] = log.arena[i];
        cr_assert_eq(log.arena[i], arena_of_node[n], "node %d's scratch from two arenas", n);
    }
    cr_assert_neq(arena_of_node[0], arena_of_node[1], "two nodes share an arena");
#else
    cr_assert_str_eq(p.scratch, "malloc");
#endif
    sf_engine_destroy(&e);
    /* engines come and go: arenas are destroyed with them, not leaked
     * (jemalloc allows 4095 of them) */
    for (int i = 0; i < 300; i++) {
        sf_error err;
        cr_assert_eq(sf_engine_create(&opt, &e, &err), 0, "%s", err.msg);
        void *q = sf_engine_scratch(e, 1, 100);
        cr_assert_not_null(q);
        sf_engine_scratch_free(e, q);
        sf_engine_destroy(&e);
    }
    sf_graph_destroy(&g);
}

/* ---- the kernels' per-worker scratch (operators/worker_scratch.h) ------- */

struct block_log {
    sf_worker_scratch *pool;
    int arena[64];              /* per shard: the arena of its worker's block */
    int node[64];               /* per shard: the node of the worker that ran it */
    int worker[64];
    void *block[64];
    int not_filled;
};

static void use_worker_scratch(sf_shard *s, void *arg)
{
    struct block_log *log = arg;
    int w = sf_engine_current_worker();
    unsigned char *block = sf_worker_scratch_get(log->pool);
    if (!block)
        return;
    /* a fresh block is all fill bytes; a worker's later shards find the
     * bytes its earlier ones left */
    if (block[0] != 0xab && block[0] != (unsigned char)w)
        __atomic_store_n(&log->not_filled, 1, __ATOMIC_RELAXED);
    block[0] = (unsigned char)w;
    log->arena[s->index] = sf_numa_arena_of(block);
    log->node[s->index] = sf_engine_plan(log->pool->engine)->worker_node[w];
    log->worker[s->index] = w;
    log->block[s->index] = block;
}

Test(numa, a_workers_scratch_block_is_its_own_and_from_its_nodes_arena)
{
    sf_engine_options opt = {.threads = 4, .shards = 32, .topology = "pack:2 numa:1 core:2 pu:1"};
    sf_graph *g = graph_generated("urand:12", 1, true);
    sf_engine *e = engine_with(&opt, g);
    sf_worker_scratch pool;
    cr_assert_eq(sf_worker_scratch_init(&pool, e, 100000, 0xab), 0);
    struct block_log log = {.pool = &pool};
    for (int round = 0; round < 3; round++)
        sf_engine_run(e, use_worker_scratch, &log);
    cr_assert_eq(pool.failed, 0);
    cr_assert_eq(log.not_filled, 0, "a block was not filled, or shared by two workers");
    for (int i = 0; i < 32; i++) {
        cr_assert_eq(log.block[i], pool.block[log.worker[i]], "shard %d: not its worker's block", i);
        for (int j = 0; j < 32; j++)
            if (log.worker[j] != log.worker[i])
                cr_assert_neq(log.block[j], log.block[i], "two workers share a block");
    }
#ifdef SF_HAVE_JEMALLOC
    /* node n's arena is the one sf_engine_scratch gives its workers */
    for (int i = 0; i < 32; i++) {
        int first_worker_of_node = log.node[i] == 0 ? 0 : 3;
        void *probe = sf_engine_scratch(e, first_worker_of_node, 64);
        cr_assert_eq(log.arena[i], sf_numa_arena_of(probe), "shard %d: block from node %d's arena",
                     i, log.node[i]);
        sf_engine_scratch_free(e, probe);
    }
#endif
    sf_worker_scratch_fini(&pool);
    cr_assert_null(pool.block);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

#ifdef SF_HAVE_JEMALLOC
/* Allocations made from arena `arena` so far, and bytes it holds now. */
static void arena_stats(int arena, uint64_t *allocations, size_t *allocated)
{
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    cr_assert_eq(mallctl("epoch", &epoch, &len, &epoch, len), 0);
    *allocations = 0;
    *allocated = 0;
    const char *kinds[] = {"small", "large"};
    for (int k = 0; k < 2; k++) {
        char name[96];
        uint64_t n;
        size_t bytes;
        len = sizeof n;
        snprintf(name, sizeof name, "stats.arenas.%d.%s.nmalloc", arena, kinds[k]);
        cr_assert_eq(mallctl(name, &n, &len, NULL, 0), 0, "%s", name);
        len = sizeof bytes;
        snprintf(name, sizeof name, "stats.arenas.%d.%s.allocated", arena, kinds[k]);
        cr_assert_eq(mallctl(name, &bytes, &len, NULL, 0), 0, "%s", name);
        *allocations += n;
        *allocated += bytes;
    }
}
#endif

/* lcc, tc and cdlp take their per-worker scratch from the node arenas and
 * give all of it back; their answers are those of one worker. (kcore keeps
 * its frontier in vertex arrays, placed as any vertex array is: the next
 * test.) */
Test(numa, kernels_take_their_scratch_from_the_node_arenas)
{
#ifndef SF_HAVE_JEMALLOC
    cr_skip_test("built without jemalloc: scratch is plain malloc");
#else
    sf_graph *g = graph_generated("kron:11", 3, true);
    sf_engine *one = engine_for(g, 1, 3);
    sf_engine_options opt = {.threads = 4, .shards = 16, .topology = "pack:2 numa:1 core:2 pu:1"};
    sf_engine *e = engine_with(&opt, g);
    int arena[2];
    for (int n = 0; n < 2; n++) {
        void *probe = sf_engine_scratch(e, n == 0 ? 0 : 3, 64);
        arena[n] = sf_numa_arena_of(probe);
        sf_engine_scratch_free(e, probe);
    }
    cr_assert_neq(arena[0], arena[1]);
    const char *names[] = {"lcc", "tc", "cdlp"};
    size_t n = g->num_vertices;
    for (int k = 0; k < 3; k++) {
        uint64_t before[2], after[2];
        size_t held_before[2], held_after[2];
        for (int a = 0; a < 2; a++)
            arena_stats(arena[a], &before[a], &held_before[a]);
        uint64_t *got = calloc(n, 8), *want = calloc(n, 8);
        cr_assert(got && want);
        sf_engine *engines[2] = {e, one};
        uint64_t *outs[2] = {got, want};
        for (int j = 0; j < 2; j++) {
            int rc = k == 0   ? sf_lcc(engines[j], (double *)outs[j], NULL)
                     : k == 1 ? sf_tc(engines[j], outs[j], NULL)
                              : sf_cdlp(engines[j], 10, outs[j], NULL);
            cr_assert_eq(rc, 0, "%s", names[k]);
            if (j == 0)
                for (int a = 0; a < 2; a++)
                    arena_stats(arena[a], &after[a], &held_after[a]);
        }
        cr_assert_gt(after[0] - before[0] + after[1] - before[1], 0,
                     "%s took no scratch from the node arenas", names[k]);
        for (int a = 0; a < 2; a++)
            cr_assert_eq(held_after[a], held_before[a], "%s left %zd bytes in node %d's arena",
                         names[k], (ssize_t)(held_after[a] - held_before[a]), a);
        cr_assert_arr_eq(got, want, n * 8, "%s: 4 workers on 2 nodes differ from 1", names[k]);
        free(got);
        free(want);
    }
    sf_engine_destroy(&one);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
#endif
}

/* kcore's workers on two nodes (owners of their shards' vertices, their
 * frontier parts in vertex arrays placed by node) give one worker's core
 * numbers, with shards and nodes of every size the plan makes. */
Test(numa, kcore_on_two_nodes_is_one_worker)
{
    sf_graph *g = graph_generated("kron:12", 3, true);
    sf_engine *one = engine_for(g, 1, 3);
    size_t n = g->num_vertices;
    uint64_t *want = calloc(n, 8), *got = calloc(n, 8);
    cr_assert(want && got);
    cr_assert_eq(sf_kcore(one, want, NULL), 0);
    const struct {
        int threads, shards;
        const char *topology;
    } plans[] = {{4, 16, "pack:2 numa:1 core:2 pu:1"}, {3, 7, "pack:2 numa:1 core:2 pu:1"},
                 {6, 0, "pack:3 numa:1 core:2 pu:1"}};
    for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++) {
        sf_engine_options opt = {.threads = plans[p].threads, .shards = plans[p].shards,
                                 .topology = plans[p].topology};
        sf_engine *e = engine_with(&opt, g);
        memset(got, 0xff, n * 8);
        cr_assert_eq(sf_kcore(e, got, NULL), 0);
        cr_assert_arr_eq(got, want, n * 8, "%d workers, %d shards on %s differ from 1",
                         plans[p].threads, plans[p].shards, plans[p].topology);
        sf_engine_destroy(&e);
    }
    free(want);
    free(got);
    sf_engine_destroy(&one);
    sf_graph_destroy(&g);
}

Test(numa, placement_json_stays_whole_in_a_small_buffer)
{
    sf_engine_options opt = {.threads = 256, .topology = "pack:64 numa:1 core:4 pu:1"};
    sf_graph *g = graph_generated("urand:12", 1, true);
    sf_engine *e = engine_with(&opt, g);
    char big[8192], small[400];
    placement_of(e, big, sizeof big);
    cr_assert(strstr(big, "\"workers_per_node\": [4, 4, 4"), "%s", big);
    cr_assert(strstr(big, "\"shards\": 1024"), "%s", big);
    placement_of(e, small, sizeof small);
    cr_assert(strstr(small, "\"policy\": \"local\""), "%s", small);
    cr_assert_null(strstr(small, "workers_per_node"), "the lists are left out: %s", small);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

/* A topology that claims to be this machine (HWLOC_THISSYSTEM=1) but names
 * CPUs and NUMA nodes it does not have: the OS refuses every binding. */
#define FOREIGN_TOPOLOGY "pack:2 numa:1(indexes=200,201) core:2 pu:1(indexes=1000,1001,1002,1003)"

Test(numa, refused_binding_runs_unbound)
{
    setenv("HWLOC_THISSYSTEM", "1", 1);
    sf_engine_options opt = {.threads = 4, .topology = FOREIGN_TOPOLOGY};
    sf_engine *e = NULL;
    sf_error err;
    int rc = sf_engine_create(&opt, &e, &err);
    unsetenv("HWLOC_THISSYSTEM");
    cr_assert_eq(rc, 0, "a refused binding is not an error: %s", err.msg);
    sf_placement p;
    sf_engine_placement(e, &p);
    cr_assert(!p.synthetic);
    cr_assert(!p.bound);
    cr_assert(strstr(p.binding, "refused"), "%s", p.binding);
    cr_assert(p.membind_refused);
    cr_assert(strstr(p.memory, "refused"), "%s", p.memory);
    /* and it still runs: every shard once, arrays zeroed */
    sf_graph *g = graph_generated("urand:10", 1, true);
    cr_assert_eq(sf_engine_attach(e, g, &err), 0, "%s", err.msg);
    uint32_t *a = sf_engine_alloc(e, sizeof *a);
    cr_assert_not_null(a);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        cr_assert_eq(a[v], 0);
    sf_engine_free(e, a);
    sf_engine_destroy(&e);
    sf_graph_destroy(&g);
}

/* ---- through the CLI ------------------------------------------------------------------ */

static bool read_file(const char *path, char **text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *text = malloc(n + 1);
    size_t got = fread(*text, 1, n, f);
    (*text)[got] = 0;
    fclose(f);
    return true;
}

/* Integer outputs must match byte for byte; floating ones within 1e-9
 * relative. */
static void assert_same_output(const char *expected_path, const char *path, bool floating,
                               const char *what)
{
    char *a, *b;
    cr_assert(read_file(expected_path, &a));
    cr_assert(read_file(path, &b), "%s: no output", what);
    if (!floating) {
        cr_assert(strcmp(a, b) == 0, "%s: output differs", what);
    } else {
        char *sa, *sb;
        char *la = strtok_r(a, "\n", &sa), *lb = strtok_r(b, "\n", &sb);
        int line = 1;
        for (; la && lb; la = strtok_r(NULL, "\n", &sa), lb = strtok_r(NULL, "\n", &sb), line++) {
            unsigned long long ia, ib;
            double va, vb;
            cr_assert_eq(sscanf(la, "%llu %lf", &ia, &va), 2);
            cr_assert_eq(sscanf(lb, "%llu %lf", &ib, &vb), 2);
            cr_assert_eq(ia, ib, "%s: line %d", what, line);
            cr_assert(fabs(va - vb) <= 1e-9 * fabs(va) || va == vb, "%s: line %d: %.17g vs %.17g",
                      what, line, va, vb);
        }
        cr_assert(!la && !lb, "%s: not as many lines", what);
    }
    free(a);
    free(b);
}

Test(numa, same_answers_under_every_policy_and_topology, .timeout = 120)
{
    write_test_topologies();
    const char *topologies[] = {NULL, "'pack:2 numa:1 core:2 pu:1'", "'pack:2 numa:2 core:1 pu:2'",
                                LOPSIDED_XML};
    const char *policies[] = {"local", "interleave", "off"};
    int kernels = 0;
    for (int i = 0; sf_algo_at(i); i++) {
        const sf_algo *algo = sf_algo_at(i);
        const char *extra = algo->needs_weights ? "--weights random" : "";
        char cmd[1024], err[4096], expected[256];
        snprintf(expected, sizeof expected, "/tmp/sf-test-numa-%d-%s-ref.txt", (int)getpid(),
                 algo->name);
        snprintf(cmd, sizeof cmd, "run %s kron:10 %s --threads 1 --numa=off --quiet --output %s",
                 algo->name, extra, expected);
        if (run_cli(cmd, NULL, 0, err, sizeof err) != 0) {
            /* a kernel of the table that is not written yet */
            cr_assert(strstr(err, "not implemented"), "%s: %s", cmd, err);
            continue;
        }
        kernels++;
        for (size_t t = 0; t < sizeof topologies / sizeof *topologies; t++)
            for (size_t p = 0; p < 3; p++) {
                char out[256], what[1024];
                snprintf(out, sizeof out, "/tmp/sf-test-numa-%d-%s.txt", (int)getpid(), algo->name);
                snprintf(cmd, sizeof cmd, "run %s kron:10 %s --numa=%s %s%s --quiet --output %s",
                         algo->name, extra, policies[p], topologies[t] ? "--topology " : "",
                         topologies[t] ? topologies[t] : "", out);
                cr_assert_eq(run_cli(cmd, NULL, 0, err, sizeof err), 0, "%s: %s", cmd, err);
                cr_assert_null(strstr(err, "warning"), "%s: %s", cmd, err);
                snprintf(what, sizeof what, "%s", cmd);
                assert_same_output(expected, out, algo->kind == SF_VALUES_DOUBLE, what);
                unlink(out);
            }
        unlink(expected);
    }
    cr_assert_geq(kernels, 2, "pr and wcc at least");
}

Test(numa, refused_binding_is_one_warning_and_the_same_answer)
{
    char cmd[1024], out[8192], err[4096], ref[128], got[128];
    snprintf(ref, sizeof ref, "/tmp/sf-test-numa-refused-%d-ref.txt", (int)getpid());
    snprintf(got, sizeof got, "/tmp/sf-test-numa-refused-%d.txt", (int)getpid());
    snprintf(cmd, sizeof cmd, "run wcc kron:10 --threads 1 --numa=off --quiet --output %s", ref);
    cr_assert_eq(run_cli(cmd, NULL, 0, err, sizeof err), 0, "%s", err);
    snprintf(cmd, sizeof cmd,
             "run wcc kron:10 --json --topology '" FOREIGN_TOPOLOGY "' --output %s", got);
    setenv("HWLOC_THISSYSTEM", "1", 1);
    int status = run_cli(cmd, out, sizeof out, err, sizeof err);
    unsetenv("HWLOC_THISSYSTEM");
    cr_assert_eq(status, 0, "%s", err);
    int lines = 0;
    for (const char *s = err; *s; s++)
        lines += *s == '\n';
    cr_assert_eq(lines, 1, "one line on stderr: %s", err);
    cr_assert(strstr(err, "shardflow: warning: binding refused"), "%s", err);
    cr_assert(strstr(out, "\"membind_refused\": true"), "%s", out);
    cr_assert(strstr(out, "\"bound\": false"), "%s", out);
    assert_same_output(ref, got, false, "wcc with every binding refused");
    unlink(ref);
    unlink(got);
}

Test(numa, topology_command_prints_machine_and_plan)
{
    char out[16384], err[4096];
    cr_assert_eq(run_cli("topology kron:8 --threads 4 --topology 'pack:2 numa:1 core:2 pu:2'", out,
                         sizeof out, err, sizeof err), 0, "%s", err);
    const char *expected[] = {
        "machine:   not this one: pack:2 numa:1 core:2 pu:2",
        "2 packages, 2 NUMA nodes, 4 cores, 8 PUs",
        "NUMA node 0: P#0, 1.0 GiB; cores 0-1; PUs P#0-3",
        "NUMA node 1: P#1, 1.0 GiB; cores 2-3; PUs P#4-7",
        "node 0:    workers 0,2 on cores 0-1 (PUs P#0,2); shards 0-7 (8)",
        "node 1:    workers 1,3 on cores 2-3 (PUs P#4,6); shards 8-15 (8)",
        "workers:   not bound: the topology is not this machine's",
        "memory:    not bound: the topology is not this machine's",
        "pages:     unverifiable here",
        "\"shards_per_node\": [8, 8]",
    };
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        cr_assert(strstr(out, expected[i]), "missing '%s' in:\n%s", expected[i], out);
    cr_assert(strstr(out, "vertices 0-"), "%s", out);
    /* this machine */
    cr_assert_eq(run_cli("topology", out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(out, "machine:   this one"), "%s", out);
    cr_assert(strstr(out, "plan:"), "%s", out);
}

/* The binding note of an engine that tried to pin its workers and could
 * not (engine.c pin_workers): the OS refused, or a worker was moved off its
 * PU. Only the note is read: the record's "membind_refused" key says
 * "refused" whatever happened. */
static bool binding_failed(const char *binding)
{
    return strncmp(binding, "binding refused for ", 20) == 0 ||
           strstr(binding, " workers not on their PU after pinning");
}

Test(numa, openmp_binding_is_overridden_or_left_alone)
{
    char out[8192], err[4096];
    setenv("OMP_PROC_BIND", "spread", 1);
    int status = run_cli("run wcc kron:8 --threads 2 --json", out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s", err);
    /* pinned over OpenMP's binding (or refused by this machine) */
    json_t *root;
    const char *binding = json_string_value(record_member(out, "placement.binding", &root));
    cr_assert(binding, "%s", out);
    if (record_flag(out, "placement.bound"))
        cr_expect(strstr(binding, "; overrides OMP_PROC_BIND=spread"), "'%s'", binding);
    else
        cr_expect(binding_failed(binding), "unbound, yet: '%s'", binding);
    json_decref(root);
    status = run_cli("run wcc kron:8 --threads 2 --json --numa=off", out, sizeof out, err, sizeof err);
    unsetenv("OMP_PROC_BIND");
    cr_assert_eq(status, 0, "%s", err);
    cr_assert(strstr(out, "OpenMP binds its threads: OMP_PROC_BIND=spread"), "%s", out);
    cr_assert(strstr(out, "\"bound\": false"), "%s", out);
}

Test(numa, bad_policy_or_topology_is_one_line)
{
    char err[4096];
    cr_assert_eq(run_cli("run pr kron:8 --numa=fast", NULL, 0, err, sizeof err), 2);
    cr_assert(strstr(err, "--numa fast: expected local, interleave or off"), "%s", err);
    cr_assert_eq(run_cli("run pr kron:8 --topology 'pack:two'", NULL, 0, err, sizeof err), 2);
    cr_assert(strstr(err, "--topology 'pack:two'"), "%s", err);
    cr_assert_eq(run_cli("topology --topology /nonexistent/machine.xml", NULL, 0, err, sizeof err), 1);
    cr_assert(strstr(err, "/nonexistent/machine.xml"), "%s", err);
    for (const char *s = err; *s; s++)
        if (*s == '\n')
            cr_assert_eq(s[1], 0, "one line: %s", err);
}

/* More workers than PUs: the deal starts over on the first cores, so some
 * workers share a PU, and the binding note (topology's `workers:` line, the
 * record's placement.binding) says so rather than "one worker per PU". At
 * most as many workers as cores: one worker per core. Unbindable here, the
 * note says the binding was refused instead. */
Test(numa, more_workers_than_pus_are_said_to_share_them, .timeout = 60)
{
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    int pus = CPU_COUNT(&set);
    char args[256], out[16384], err[4096], want[128];
    snprintf(args, sizeof args, "run wcc kron:8 --threads %d --json", pus + 1);
    cr_assert_eq(run_cli(args, out, sizeof out, err, sizeof err), 0, "%s: %s", args, err);
    json_t *root;
    const char *binding = json_string_value(record_member(out, "placement.binding", &root));
    cr_assert(binding, "%s", out);
    snprintf(want, sizeof want, "%d workers on %d PUs: workers share PUs", pus + 1, pus);
    if (record_flag(out, "placement.bound"))
        cr_expect(strncmp(binding, want, strlen(want)) == 0, "'%s', expected '%s'", binding, want);
    else
        cr_expect(binding_failed(binding), "unbound, yet: '%s'", binding);
    json_decref(root);
    /* topology: its `workers:` line, bound or not as its placement record says */
    snprintf(args, sizeof args, "topology --threads %d", pus + 1);
    cr_assert_eq(run_cli(args, out, sizeof out, err, sizeof err), 0, "%s: %s", args, err);
    const char *line = strstr(out, "\nworkers:   "), *placement = strstr(out, "\nplacement: ");
    cr_assert(line && placement, "%s", out);
    line += strlen("\nworkers:   ");
    if (record_flag(placement + strlen("\nplacement: "), "bound"))
        cr_expect(strncmp(line, want, strlen(want)) == 0, "topology's workers line lacks '%s':\n%s",
                  want, out);
    else
        cr_expect(binding_failed(line), "unbound, yet:\n%s", out);
    cr_assert_eq(run_cli("run wcc kron:8 --threads 1 --json", out, sizeof out, err, sizeof err), 0,
                 "%s", err);
    binding = json_string_value(record_member(out, "placement.binding", &root));
    cr_assert(binding, "%s", out);
    if (record_flag(out, "placement.bound"))
        cr_expect(strncmp(binding, "one worker per core", 19) == 0, "'%s'", binding);
    else
        cr_expect(binding_failed(binding), "unbound, yet: '%s'", binding);
    json_decref(root);
}

/* topology without a graph: the placement record it prints is the one a
 * run would carry, so its shards are the plan's (the `plan:` line's count,
 * and each node's `shards A-B (K)`), not the 0 of an engine with no graph
 * attached; the default and an odd --shards over two nodes. */
Test(numa, topology_without_a_graph_places_the_planned_shards)
{
    const char *const args[] = {
        "topology --threads 4 --topology 'pack:2 numa:1 core:2 pu:2'",
        "topology --threads 3 --shards 5 --topology 'pack:2 numa:1 core:2 pu:2'",
    };
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        char out[16384], err[4096];
        cr_assert_eq(run_cli(args[i], out, sizeof out, err, sizeof err), 0, "%s", err);
        int workers = 0, planned = 0;
        const char *plan = strstr(out, "plan:");
        cr_assert(plan && sscanf(plan, "plan: %d workers, --numa=local, %d shards", &workers,
                                 &planned) == 2, "%s", out);
        uint64_t per_node[8];
        const char *placement = strstr(out, "placement: ");
        cr_assert(placement, "%s", out);
        placement += strlen("placement: ");
        cr_expect_eq(record_number(placement, "shards"), (uint64_t)planned, "%s", out);
        size_t nodes = record_numbers(placement, "shards_per_node", per_node, 8);
        cr_assert_eq(nodes, 2, "%s", placement);
        for (size_t n = 0; n < nodes; n++) {
            char line[32];
            snprintf(line, sizeof line, "\nnode %zu:", n);
            const char *at = strstr(out, line), *shards = at ? strstr(at, "; shards ") : NULL;
            int first, last, count;
            cr_assert(shards && sscanf(shards, "; shards %d-%d (%d)", &first, &last, &count) == 3,
                      "%s", out);
            cr_expect_eq(per_node[n], (uint64_t)count, "node %zu: %s", n, out);
        }
        cr_expect_eq(per_node[0] + per_node[1], (uint64_t)planned, "%s", out);
    }
}
