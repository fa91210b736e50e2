/* The placement plan: which core each worker runs on, which NUMA node it
 * belongs to, and which shards it owns. A pure function of an hwloc
 * topology, a thread count and a shard count, so that plans for two-,
 * four-socket or lopsided machines can be computed and tested on a laptop
 * from a synthetic or XML topology.
 *
 * The one idea: worker w's core depends on w alone, never on the thread
 * count. Workers are dealt to NUMA nodes round-robin, skipping nodes whose
 * cores are all taken (so any prefix of the sequence spreads evenly, and a
 * node with fewer cores fills first), and within a node to its cores in
 * a spreading order (0, 4, 2, 6, 1, ... of 8); once every core has a
 * worker, the deal starts again on each core's next hyperthread. Engines of
 * different sizes in one process (`shardflow bench`) share one OpenMP
 * thread pool, and this keeps OpenMP thread w on the same core in all of
 * them. Shards are then cut into one contiguous block per node, in node
 * order, sized in proportion to the node's workers, and each block into
 * contiguous runs, one per worker of the node: a node's memory is one
 * contiguous range of every vertex array. */
#ifndef SF_TOPOLOGY_H
#define SF_TOPOLOGY_H

#include <hwloc.h>

typedef struct sf_plan {
    int threads;                /* workers */
    int num_nodes;              /* NUMA nodes of the machine, >= 1 */
    int num_cores;              /* cores (PUs where hwloc sees no cores) */
    int num_pus;                /* PUs: past them, workers share PUs */
    /* per worker: logical indexes of its NUMA node, core and PU */
    int *worker_node, *worker_core, *worker_pu;
    /* the workers of node n, in increasing order:
     * node_workers[node_worker_start[n] .. node_worker_start[n + 1]) */
    int *node_worker_start, *node_workers;
    int *worker_pos;            /* w's position among its node's workers */
    /* node_order[n * num_nodes + j]: the j-th nearest node of n (n itself
     * first), by the machine's NUMA distances when hwloc has them, else in
     * cyclic order from n */
    int *node_order;
    /* shards, after sf_plan_shards: node n owns [node_first_shard[n],
     * node_first_shard[n + 1]), worker w owns [worker_first_shard[w],
     * worker_end_shard[w]) */
    int num_shards;
    int *node_first_shard;
    int *worker_first_shard, *worker_end_shard;
} sf_plan;

/* Plans `threads` workers (>= 1) on `topo`. On success *p holds arrays
 * released by sf_plan_fini. Returns 0, -ENOMEM, or -EINVAL when the
 * topology has no processing unit. */
int sf_plan_init(sf_plan *p, hwloc_topology_t topo, int threads);
void sf_plan_fini(sf_plan *p);

/* Assigns num_shards (>= 1) shards, in vertex order, to nodes and workers.
 * Can be called again with another count. Returns 0 or -ENOMEM. */
int sf_plan_shards(sf_plan *p, int num_shards);

/* How many workers node n has. */
static inline int sf_plan_node_workers(const sf_plan *p, int n)
{
    return p->node_worker_start[n + 1] - p->node_worker_start[n];
}

/* The k-th worker (0 <= k < threads) whose shards worker w runs in
 * sf_engine_run: itself first (k = 0), then the other workers of its node,
 * then the workers of the other nodes, nearest node first. Within a node
 * the order is cyclic, starting from w's own position, so that thieves of
 * one node start on different victims. */
int sf_plan_victim(const sf_plan *p, int w, int k);

#endif
