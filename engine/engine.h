/* The engine: workers pinned to cores, the graph cut into shards, and the
 * loop that runs one function over every shard on the worker that owns it.
 *
 * A shard is a contiguous range of dense vertex ids, balanced by in-arcs
 * plus vertices (as Gemini does) and aligned to 64 vertices so that a shard
 * owns whole words of every frontier bitmap and whole cache lines of every
 * vertex array. Each shard has one owning worker; workers are OpenMP threads
 * pinned with hwloc. Vertex state lives in global arrays indexed by dense id
 * whose pages belong to the owning shard's worker (first touch), so a kernel
 * indexes state directly and a shard's memory can later live on its NUMA node
 * or its MPI rank without changing kernels.
 *
 * sf_engine_run calls a kernel's shard function once per shard (one indirect
 * call per shard, never per edge); the operators in operators/ are inlined
 * into those shard functions. Workers finish their own shards first, then
 * take unstarted shards from other workers. */
#ifndef SF_ENGINE_H
#define SF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "graph.h"

typedef struct sf_shard {
    sf_vid begin, end;          /* vertex range [begin, end) */
    int index;                  /* position in the engine's shard array */
    int worker;                 /* owning worker */
    int numa_node;              /* logical NUMA node of the owner */
    /* Per-shard reduction slots, written only by whoever runs the shard and
     * summed in shard order, so totals do not depend on the thread count. */
    double sum;
    uint64_t count;
    uint64_t count2;
} __attribute__((aligned(64))) sf_shard;

typedef struct sf_engine_options {
    int threads;                /* workers; 0 = one per core */
    int shards;                 /* 0 = shards_per_worker * threads */
    int shards_per_worker;      /* 0 = default (4) */
    bool no_pin;                /* leave threads unbound */
} sf_engine_options;

typedef struct sf_engine sf_engine;

/* Discovers the topology, starts and pins the workers. The engine is then
 * ready to load and build graphs on its workers (OpenMP team). Release with
 * sf_engine_destroy. Errors: SF_EUSAGE (threads out of range), -ENOMEM. A
 * refused binding is a one-line warning, not an error. */
int sf_engine_create(const sf_engine_options *opt, sf_engine **out, sf_error *err);
void sf_engine_destroy(sf_engine **e);

/* Cuts g into shards and assigns them to workers. g must outlive its use by
 * the engine; attaching another graph replaces the shards. */
int sf_engine_attach(sf_engine *e, const sf_graph *g, sf_error *err);

/* Distributed runs (engine/dist_graph.h): cuts only [begin, end), the
 * vertices this rank owns (g's offsets need only be valid there), and keeps
 * `dist` for the kernels (sf_engine_dist). */
struct sf_dist_graph;
int sf_engine_attach_range(sf_engine *e, const sf_graph *g, sf_vid begin, sf_vid end,
                           struct sf_dist_graph *dist, sf_error *err);

/* The distributed graph attached with the graph, or NULL in a single
 * process. */
struct sf_dist_graph *sf_engine_dist(const sf_engine *e);

int sf_engine_threads(const sf_engine *e);
int sf_engine_num_shards(const sf_engine *e);
const sf_shard *sf_engine_shard(const sf_engine *e, int i);
const sf_graph *sf_engine_graph(const sf_engine *e);

/* Where the workers are: NUMA nodes used, shards per node, and what binding
 * did (for the run record). `json` receives a JSON object. */
void sf_engine_placement_json(const sf_engine *e, char *json, size_t n);

typedef void (*sf_shard_fn)(sf_shard *shard, void *arg);

/* Runs fn on every shard, in parallel, each on its owner unless stolen. */
void sf_engine_run(sf_engine *e, sf_shard_fn fn, void *arg);

/* Sum of the shards' `sum` (resp. `count`) slots after a run, in shard
 * order. */
double sf_engine_sum(const sf_engine *e);
uint64_t sf_engine_count(const sf_engine *e);
uint64_t sf_engine_count2(const sf_engine *e);

/* A vertex array of num_vertices elements of elem_size bytes, zeroed, each
 * shard's part first touched (or re-zeroed) by the shard's owner. Free with
 * sf_engine_free, which keeps a few arrays mapped for reuse by the next
 * allocation of the same size (until the engine is destroyed or another
 * graph attached). Returns NULL when out of memory. */
void *sf_engine_alloc(sf_engine *e, size_t elem_size);
void sf_engine_free(sf_engine *e, void *array);

#endif
