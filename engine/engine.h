/* The engine: workers pinned to cores, the graph cut into shards, and the
 * loop that runs one function over every shard on the worker that owns it.
 *
 * A shard is a contiguous range of dense vertex ids, balanced by in-arcs
 * plus vertices (as Gemini does) and aligned to 64 vertices so that a shard
 * owns whole words of every frontier bitmap and whole cache lines of every
 * vertex array. Workers are OpenMP threads pinned with hwloc, grouped by
 * NUMA node; each node owns a contiguous block of shards in proportion to
 * its workers, and each worker a contiguous run of its node's block (the
 * plan: topology.h). Vertex state lives in global arrays indexed by dense
 * id; the pages of each node's block are bound to that node (or interleaved,
 * or left to the OS: sf_numa_policy) and first touched by the owning
 * workers, so a kernel indexes state directly and never asks where it is.
 *
 * sf_engine_run calls a kernel's shard function once per shard (one indirect
 * call per shard, never per edge); the operators in operators/ are inlined
 * into those shard functions. Workers finish their own shards first, then
 * take unstarted shards from the other workers of their node, then from
 * the other nodes, nearest first. */
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

/* Where memory goes (--numa). */
typedef enum sf_numa_policy {
    SF_NUMA_LOCAL = 0,          /* each node's shards' pages bound to that node (default) */
    SF_NUMA_INTERLEAVE,         /* pages interleaved over the nodes that have workers */
    SF_NUMA_OFF,                /* no binding at all, neither workers nor memory: the OS decides */
} sf_numa_policy;

/* "local", "interleave", "off". */
const char *sf_numa_policy_name(sf_numa_policy p);
/* Parses a policy name; false when unknown. */
bool sf_numa_policy_parse(const char *name, sf_numa_policy *out);

typedef struct sf_engine_options {
    int threads;                /* workers; 0 = one per core */
    int shards;                 /* 0 = shards_per_worker * threads */
    int shards_per_worker;      /* 0 = default (4) */
    bool no_pin;                /* leave threads unbound (memory is still placed) */
    sf_numa_policy numa;        /* default SF_NUMA_LOCAL */
    /* The machine to plan for instead of this one: an hwloc synthetic
     * description ("pack:2 numa:1 core:4 pu:2") or an XML file written by
     * lstopo. Nothing is bound on a topology that is not this system's
     * (unless HWLOC_THISSYSTEM=1 says it is). NULL: this machine (hwloc
     * itself honours HWLOC_SYNTHETIC and HWLOC_XMLFILE). */
    const char *topology;
} sf_engine_options;

typedef struct sf_engine sf_engine;

/* Discovers the topology, plans, starts and pins the workers, and checks
 * that memory binding works (one probe page per node). The engine is then
 * ready to load and build graphs on its workers (OpenMP team). Release with
 * sf_engine_destroy. Errors: SF_EUSAGE (threads out of range, a malformed
 * synthetic topology), SF_EINPUT (an unreadable topology file), -ENOMEM. A
 * refused binding (of workers or of memory) is one warning line on stderr
 * per process, and the engine runs unbound; on a one-node machine a refused
 * memory binding costs nothing and is only noted in the placement. */
int sf_engine_create(const sf_engine_options *opt, sf_engine **out, sf_error *err);
void sf_engine_destroy(sf_engine **e);

/* Cuts g into shards and assigns them to workers. g must outlive its use by
 * the engine; attaching another graph replaces the shards. On a machine
 * with several NUMA nodes, the graph's CSR arrays (offsets, neighbours,
 * weights) are moved to the nodes of the shards that own them (or
 * interleaved), unless another live engine of this process placed the same
 * graph first (`shardflow bench` attaches one graph to an engine per thread
 * count: the widest, attached first, decides). */
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
/* The shard count every sf_engine_attach cuts: --shards, or shards per
 * worker times workers (1 for one worker). */
int sf_engine_planned_shards(const sf_engine *e);
const sf_shard *sf_engine_shard(const sf_engine *e, int i);
const sf_graph *sf_engine_graph(const sf_engine *e);

struct sf_plan;
struct hwloc_topology;

/* The plan the engine follows (topology.h), shards included (planned when
 * the engine is made: every attach cuts sf_engine_planned_shards), and the
 * topology it was made for; both valid until sf_engine_destroy. */
const struct sf_plan *sf_engine_plan(const sf_engine *e);
struct hwloc_topology *sf_engine_topology(const sf_engine *e);

/* What placement actually did, for people and run records. */
typedef struct sf_placement {
    sf_numa_policy policy;
    bool synthetic;             /* the topology is not this machine's */
    bool bound;                 /* every worker bound to its planned PU */
    const char *binding;        /* how workers are bound, in words */
    bool membind_refused;       /* the OS refused memory binding */
    const char *memory;         /* what was done with memory, in words */
    const char *graph;          /* what was done with the graph's arrays */
    bool verifiable;            /* the OS says where pages are */
    uint64_t pages_checked;     /* sampled pages of vertex arrays whose node was read back */
    uint64_t pages_on_node;     /* of them, on their shard's node (or the nodes used) */
    const char *scratch;        /* where sf_engine_scratch memory comes from */
} sf_placement;
void sf_engine_placement(const sf_engine *e, sf_placement *out);

/* The placement as one JSON object (for the run record): policy, NUMA
 * nodes, nodes used, workers and shards per node, binding of workers and of
 * memory, pages verified. With `baseline`, the record of a baseline run on
 * the graph attached to e: one unpinned thread, no workers or shards on any
 * node (zeros), its own arrays from malloc; policy, nodes and where the
 * graph went are e's. Always a complete object: where `n` is too small for
 * the per-node lists, they are left out. */
void sf_engine_placement_json(const sf_engine *e, bool baseline, char *json, size_t n);

typedef void (*sf_shard_fn)(sf_shard *shard, void *arg);

/* Runs fn on every shard, in parallel, each on its owner unless stolen. */
void sf_engine_run(sf_engine *e, sf_shard_fn fn, void *arg);

/* Worker w's own shards: [*first, *end) of the shard array, empty when it
 * has none. Their vertices are one contiguous range of ids. */
void sf_engine_worker_shards(const sf_engine *e, int worker, int *first, int *end);

typedef void (*sf_team_fn)(int worker, void *arg);

/* Runs fn(worker, arg) once on every worker, all at the same time, nothing
 * stolen: for a kernel whose workers wait for each other inside one run
 * (sf_engine_barrier), each working on its own shards. */
void sf_engine_run_team(sf_engine *e, sf_team_fn fn, void *arg);

/* Inside sf_engine_run_team: returns once every worker has called it, and
 * what each wrote before it is visible to all after it. Every worker must
 * call it the same number of times. */
void sf_engine_barrier(void);

/* Sum of the shards' `sum` (resp. `count`) slots after a run, in shard
 * order. */
double sf_engine_sum(const sf_engine *e);
uint64_t sf_engine_count(const sf_engine *e);
uint64_t sf_engine_count2(const sf_engine *e);

/* A vertex array of num_vertices elements of elem_size bytes, zeroed, each
 * node's part placed by the NUMA policy and each shard's part first touched
 * (or re-zeroed) by the shard's owner. Free with sf_engine_free, which
 * keeps a few arrays mapped for reuse by the next allocation of the same
 * shape (until the engine is destroyed or another graph attached). Returns
 * NULL when out of memory. */
void *sf_engine_alloc(sf_engine *e, size_t elem_size);
/* A bitmap of num_vertices bits in 64-bit words, zeroed, word i placed
 * with the shard of vertex 64 i (sf_engine_alloc(e, 1) would put a
 * bitmap's words on the node of the first shards). Free with
 * sf_engine_free. */
uint64_t *sf_engine_alloc_bits(sf_engine *e);
/* The same, for a kernel that writes every element before reading any: a
 * recycled array comes back as it was left, sparing the owners' memset (a
 * fresh one is still first touched, so its pages are placed alike). */
void *sf_engine_alloc_uninit(sf_engine *e, size_t elem_size);
void sf_engine_free(sf_engine *e, void *array);

/* Places an array laid out shard after shard like a CSR array: shard s's
 * part is elements [offsets[s.begin], offsets[s.end]) of elem_size bytes
 * (offsets NULL: elements [s.begin, s.end)). Call it after mapping the
 * array and before touching it; pages already touched stay where they
 * are. Follows the policy, quietly does nothing where binding is off,
 * refused or the topology synthetic. */
void sf_engine_place(sf_engine *e, void *array, size_t bytes, size_t elem_size,
                     const sf_eid *offsets);

/* The calling worker's index, inside a function run by sf_engine_run. */
int sf_engine_current_worker(void);

/* Scratch memory for worker `worker` (normally sf_engine_current_worker()),
 * from an arena of the worker's NUMA node (jemalloc, one arena per node,
 * pages first touched by the node's pinned workers; plain malloc without
 * jemalloc or under --numa=off). Uninitialised; NULL when out of memory.
 * Free with sf_engine_scratch_free before sf_engine_destroy (destroying the
 * engine releases its arenas and everything still in them). Thread-safe. */
void *sf_engine_scratch(sf_engine *e, int worker, size_t bytes);
void sf_engine_scratch_free(sf_engine *e, void *p);

#endif
