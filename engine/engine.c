/* Workers, pinning and shards. Workers are the threads of one OpenMP team
 * of fixed size; libgomp keeps a team's threads alive between parallel
 * regions, so each thread binds itself to its core once, at creation, and
 * keeps that binding for every later region of the same size. */
#include "engine.h"
#include "tiles.h"

#include <hwloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define DEFAULT_SHARDS_PER_WORKER 4
#define SHARD_ALIGN 64 /* vertices: one bitmap word, whole cache lines */
#define MAX_WORKERS 4096
#define SPARE_ARRAYS 16 /* vertex arrays kept mapped after sf_engine_free */

struct sf_engine {
    hwloc_topology_t topology;
    int threads;
    int *worker_node;           /* logical NUMA node of each worker */
    int num_nodes;
    bool bound;                 /* every worker bound to its core */
    char binding_note[160];

    const sf_graph *graph;
    sf_shard *shards;
    int num_shards;
    int requested_shards;
    int shards_per_worker;
    int *worker_first_shard;    /* worker w owns [first[w], first[w+1]) */
    int *next_shard;            /* per worker, padded: next unclaimed own shard */
    void *spare[SPARE_ARRAYS];  /* freed vertex arrays kept for reuse */
    sf_tiled_arcs *tiled_in_arcs; /* built on first use for the attached graph */
    struct sf_dist_graph *dist;  /* distributed runs: this rank's part */
};

#define NEXT_STRIDE 16 /* ints: one cache line per worker's claim counter */

static void unmap_array(void *array);

static int count_cores(hwloc_topology_t topo)
{
    int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    return cores > 0 ? cores : hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
}

/* The core of worker w: cores are taken round-robin over NUMA nodes so that
 * any thread count spreads evenly across the machine. */
static hwloc_obj_t worker_core(hwloc_topology_t topo, int w, int *node_out)
{
    int nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    hwloc_obj_type_t core_type =
        hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    int cores = hwloc_get_nbobjs_by_type(topo, core_type);
    if (nodes <= 1) {
        *node_out = 0;
        return hwloc_get_obj_by_type(topo, core_type, w % cores);
    }
    /* k-th core of node (w % nodes), k = w / nodes, wrapping within the node */
    int node = w % nodes, k = w / nodes;
    hwloc_obj_t numa = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node);
    int in_node = hwloc_get_nbobjs_inside_cpuset_by_type(topo, numa->cpuset, core_type);
    *node_out = node;
    if (in_node <= 0)
        return hwloc_get_obj_by_type(topo, core_type, w % cores);
    return hwloc_get_obj_inside_cpuset_by_type(topo, numa->cpuset, core_type, k % in_node);
}

static void pin_workers(sf_engine *e, bool no_pin)
{
    e->bound = false;
    if (no_pin) {
        snprintf(e->binding_note, sizeof e->binding_note, "not requested");
        return;
    }
    if (!hwloc_topology_is_thissystem(e->topology)) {
        snprintf(e->binding_note, sizeof e->binding_note,
                 "topology is synthetic; workers left unbound");
        return;
    }
    int failures = 0;
#pragma omp parallel num_threads(e->threads) reduction(+ : failures)
    {
        int node;
        hwloc_obj_t core = worker_core(e->topology, omp_get_thread_num(), &node);
        hwloc_bitmap_t set = hwloc_bitmap_dup(core->cpuset);
        hwloc_bitmap_singlify(set);
        if (hwloc_set_cpubind(e->topology, set, HWLOC_CPUBIND_THREAD) != 0)
            failures++;
        hwloc_bitmap_free(set);
    }
    if (failures) {
        snprintf(e->binding_note, sizeof e->binding_note,
                 "binding refused for %d of %d workers; running unbound", failures, e->threads);
        fprintf(stderr, "shardflow: warning: %s\n", e->binding_note);
    } else {
        e->bound = true;
        snprintf(e->binding_note, sizeof e->binding_note, "one worker per core");
    }
}

int sf_engine_create(const sf_engine_options *opt, sf_engine **out, sf_error *err)
{
    sf_engine *e = calloc(1, sizeof *e);
    if (!e)
        return sf_error_set(err, -ENOMEM, "out of memory creating the engine");
    if (hwloc_topology_init(&e->topology) || hwloc_topology_load(e->topology)) {
        free(e);
        return sf_error_set(err, SF_EINPUT, "hwloc could not read the machine's topology");
    }
    int cores = count_cores(e->topology);
    e->threads = opt->threads > 0 ? opt->threads : cores;
    if (opt->threads < 0 || e->threads > MAX_WORKERS) {
        int t = opt->threads;
        sf_engine_destroy(&e);
        return sf_error_set(err, SF_EUSAGE, "--threads %d: expected 1..%d", t, MAX_WORKERS);
    }
    e->shards_per_worker = opt->shards_per_worker > 0 ? opt->shards_per_worker
                                                       : DEFAULT_SHARDS_PER_WORKER;
    e->requested_shards = opt->shards;
    int nodes = hwloc_get_nbobjs_by_type(e->topology, HWLOC_OBJ_NUMANODE);
    e->num_nodes = nodes > 0 ? nodes : 1;
    e->worker_node = calloc(e->threads, sizeof *e->worker_node);
    e->worker_first_shard = calloc(e->threads + 1, sizeof *e->worker_first_shard);
    e->next_shard = calloc((size_t)e->threads * NEXT_STRIDE, sizeof *e->next_shard);
    if (!e->worker_node || !e->worker_first_shard || !e->next_shard) {
        sf_engine_destroy(&e);
        return sf_error_set(err, -ENOMEM, "out of memory creating the engine");
    }
    for (int w = 0; w < e->threads; w++)
        worker_core(e->topology, w, &e->worker_node[w]);
    /* One team of fixed size for everything: loading, building, kernels. */
    omp_set_dynamic(0);
    omp_set_num_threads(e->threads);
    pin_workers(e, opt->no_pin);
    *out = e;
    return 0;
}

static void drop_tiled_in_arcs(sf_engine *e)
{
    if (e->tiled_in_arcs)
        sf_tiled_arcs_fini(e->tiled_in_arcs);
    free(e->tiled_in_arcs);
    e->tiled_in_arcs = NULL;
}

void sf_engine_destroy(sf_engine **ep)
{
    sf_engine *e = *ep;
    if (!e)
        return;
    hwloc_topology_destroy(e->topology);
    free(e->worker_node);
    free(e->worker_first_shard);
    free(e->next_shard);
    free(e->shards);
    for (int i = 0; i < SPARE_ARRAYS; i++)
        unmap_array(e->spare[i]);
    drop_tiled_in_arcs(e);
    free(e);
    *ep = NULL;
}

/* Cost of the prefix [0, v): in-arcs plus alpha per vertex (Gemini uses
 * alpha = 8 * (partitions - 1); we keep it fixed so the cut does not depend
 * on the worker count beyond the shard count). */
static inline uint64_t prefix_cost(const sf_graph *g, uint64_t v)
{
    const uint64_t alpha = 8;
    return g->in_offsets[v] + alpha * v;
}

int sf_engine_attach(sf_engine *e, const sf_graph *g, sf_error *err)
{
    return sf_engine_attach_range(e, g, 0, g->num_vertices, NULL, err);
}

struct sf_dist_graph *sf_engine_dist(const sf_engine *e) { return e->dist; }

int sf_engine_attach_range(sf_engine *e, const sf_graph *g, sf_vid first, sf_vid last,
                           struct sf_dist_graph *dist, sf_error *err)
{
    int shards = e->requested_shards > 0 ? e->requested_shards
                                         : e->shards_per_worker * e->threads;
    uint64_t n = last;
    sf_shard *s = aligned_alloc(64, sizeof(sf_shard) * (size_t)shards);
    if (!s)
        return sf_error_set(err, -ENOMEM, "out of memory cutting the graph into shards");
    uint64_t base = prefix_cost(g, first), total = prefix_cost(g, n) - base;
    uint64_t begin = first;
    for (int i = 0; i < shards; i++) {
        uint64_t end = n;
        if (i + 1 < shards) {
            /* smallest v with prefix_cost(v) >= total * (i+1) / shards */
            uint64_t target = base + (uint64_t)((unsigned __int128)total * (i + 1) / shards);
            uint64_t lo = begin, hi = n;
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (prefix_cost(g, mid) < target)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            end = (lo + SHARD_ALIGN - 1) / SHARD_ALIGN * SHARD_ALIGN;
            if (end > n)
                end = n;
            if (end < begin)
                end = begin;
        }
        memset(&s[i], 0, sizeof s[i]);
        s[i].begin = (sf_vid)begin;
        s[i].end = (sf_vid)end;
        s[i].index = i;
        begin = end;
    }
    /* Contiguous groups of shards per worker, as even as the count allows. */
    for (int w = 0; w <= e->threads; w++)
        e->worker_first_shard[w] = (int)((int64_t)shards * w / e->threads);
    for (int w = 0; w < e->threads; w++)
        for (int i = e->worker_first_shard[w]; i < e->worker_first_shard[w + 1]; i++) {
            s[i].worker = w;
            s[i].numa_node = e->worker_node[w];
        }
    free(e->shards);
    /* spare arrays were placed for the old shards */
    for (int i = 0; i < SPARE_ARRAYS; i++) {
        unmap_array(e->spare[i]);
        e->spare[i] = NULL;
    }
    drop_tiled_in_arcs(e);
    e->shards = s;
    e->num_shards = shards;
    e->graph = g;
    e->dist = dist;
    return 0;
}

const sf_tiled_arcs *sf_engine_tiled_in_arcs(sf_engine *e)
{
    if (!e->tiled_in_arcs && e->graph) {
        sf_tiled_arcs *t = malloc(sizeof *t);
        if (!t || sf_tiled_arcs_build(e, t) != 0) {
            free(t);
            return NULL;
        }
        e->tiled_in_arcs = t;
    }
    return e->tiled_in_arcs;
}

int sf_engine_threads(const sf_engine *e) { return e->threads; }
int sf_engine_num_shards(const sf_engine *e) { return e->num_shards; }
const sf_shard *sf_engine_shard(const sf_engine *e, int i) { return &e->shards[i]; }
const sf_graph *sf_engine_graph(const sf_engine *e) { return e->graph; }

void sf_engine_placement_json(const sf_engine *e, char *json, size_t n)
{
    size_t len = 0;
    len += snprintf(json + len, n - len, "{\"numa_nodes\": %d, \"bound\": %s, \"binding\": \"%s\", "
                    "\"shards\": %d, \"shards_per_node\": [", e->num_nodes,
                    e->bound ? "true" : "false", e->binding_note, e->num_shards);
    for (int node = 0; node < e->num_nodes && len < n; node++) {
        int count = 0;
        for (int i = 0; i < e->num_shards; i++)
            count += e->shards[i].numa_node == node;
        len += snprintf(json + len, n - len, "%s%d", node ? ", " : "", count);
    }
    if (len < n)
        snprintf(json + len, n - len, "]}");
}

void sf_engine_run(sf_engine *e, sf_shard_fn fn, void *arg)
{
    int threads = e->threads;
    for (int w = 0; w < threads; w++)
        e->next_shard[w * NEXT_STRIDE] = e->worker_first_shard[w];
#pragma omp parallel num_threads(threads)
    {
        int self = omp_get_thread_num();
        /* Own shards first, then other workers' unstarted shards, nearest
         * worker (same node first, as workers are spread round-robin) first. */
        for (int k = 0; k < threads; k++) {
            int w = (self + k) % threads;
            int last = e->worker_first_shard[w + 1];
            for (;;) {
                int i = __atomic_fetch_add(&e->next_shard[w * NEXT_STRIDE], 1, __ATOMIC_RELAXED);
                if (i >= last)
                    break;
                fn(&e->shards[i], arg);
            }
        }
    }
}

double sf_engine_sum(const sf_engine *e)
{
    double total = 0;
    for (int i = 0; i < e->num_shards; i++)
        total += e->shards[i].sum;
    return total;
}

uint64_t sf_engine_count(const sf_engine *e)
{
    uint64_t total = 0;
    for (int i = 0; i < e->num_shards; i++)
        total += e->shards[i].count;
    return total;
}

uint64_t sf_engine_count2(const sf_engine *e)
{
    uint64_t total = 0;
    for (int i = 0; i < e->num_shards; i++)
        total += e->shards[i].count2;
    return total;
}

/* Runs fn on every shard on its owner only, no stealing: for first touch. */
static void run_owned(sf_engine *e, sf_shard_fn fn, void *arg)
{
#pragma omp parallel num_threads(e->threads)
    {
        int w = omp_get_thread_num();
        for (int i = e->worker_first_shard[w]; i < e->worker_first_shard[w + 1]; i++)
            fn(&e->shards[i], arg);
    }
}

/* Vertex arrays come from mmap so that no page is touched before its
 * owner touches it; a header page before the array keeps the mapping's
 * size. Freed arrays are kept (up to SPARE_ARRAYS) and handed out again:
 * their pages are already placed and faulted in, so a kernel's next run
 * pays a memset by the owners instead of page faults. */
#define HEADER_BYTES 4096

struct array_header {
    size_t bytes;               /* the whole mapping */
};

struct touch_arg {
    char *base;
    size_t elem_size;
};

static void first_touch(sf_shard *s, void *arg)
{
    struct touch_arg *t = arg;
    memset(t->base + (size_t)s->begin * t->elem_size, 0, (size_t)(s->end - s->begin) * t->elem_size);
}

static void unmap_array(void *array)
{
    if (array) {
        struct array_header *h = (struct array_header *)((char *)array - HEADER_BYTES);
        munmap(h, h->bytes);
    }
}

void *sf_engine_alloc(sf_engine *e, size_t elem_size)
{
    uint64_t n = e->graph ? e->graph->num_vertices : 0;
    size_t bytes = HEADER_BYTES + (n ? n : 1) * elem_size;
    char *array = NULL;
    for (int i = 0; i < SPARE_ARRAYS && !array; i++) {
        char *spare = e->spare[i];
        if (spare && ((struct array_header *)(spare - HEADER_BYTES))->bytes == bytes) {
            array = spare;
            e->spare[i] = NULL;
        }
    }
    if (!array) {
        char *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            return NULL;
        /* Huge pages: vertex state is read at random by every kernel. */
        madvise(map, bytes, MADV_HUGEPAGE);
        ((struct array_header *)map)->bytes = bytes;
        array = map + HEADER_BYTES;
    }
    if (e->graph) {
        struct touch_arg t = {array, elem_size};
        run_owned(e, first_touch, &t);
    }
    return array;
}

void sf_engine_free(sf_engine *e, void *array)
{
    if (!array)
        return;
    for (int i = 0; i < SPARE_ARRAYS; i++)
        if (!e->spare[i]) {
            e->spare[i] = array;
            return;
        }
    unmap_array(array);
}
