/* The placement plan (topology.h): cores of each NUMA node, the deal of
 * workers to nodes and cores, and the cut of shards into per-node and
 * per-worker blocks. Nothing here binds anything; engine.c does that. */
#include "topology.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sf_plan_fini(sf_plan *p)
{
    free(p->worker_node);
    free(p->worker_core);
    free(p->worker_pu);
    free(p->node_worker_start);
    free(p->node_workers);
    free(p->worker_pos);
    free(p->node_order);
    free(p->node_first_shard);
    free(p->worker_first_shard);
    free(p->worker_end_shard);
    memset(p, 0, sizeof *p);
}

/* The NUMA node of a core: the first node (in logical order) whose CPUs
 * include it, else the first that shares a CPU with it, else node 0 (a
 * machine without NUMA information has one node holding every CPU). */
static int core_node(hwloc_topology_t topo, hwloc_obj_t core, int nodes)
{
    for (int n = 0; n < nodes; n++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n);
        if (node && node->cpuset && hwloc_bitmap_isincluded(core->cpuset, node->cpuset))
            return n;
    }
    for (int n = 0; n < nodes; n++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n);
        if (node && node->cpuset && hwloc_bitmap_intersects(core->cpuset, node->cpuset))
            return n;
    }
    return 0;
}

/* Fills order[0, count) with 0 .. count-1 in bit-reversed order (van der
 * Corput): every prefix is spread evenly over the range. */
static void spread_order(int *order, int count)
{
    int bits = 0;
    while ((1 << bits) < count)
        bits++;
    int k = 0;
    for (int i = 0; i < (1 << bits); i++) {
        int r = 0;
        for (int b = 0; b < bits; b++)
            if (i & (1 << b))
                r |= 1 << (bits - 1 - b);
        if (r < count)
            order[k++] = r;
    }
}

/* Nearest nodes first: by the latency matrix when hwloc has one for all
 * nodes, ties (and machines without one) in cyclic order from n. */
static void order_nodes(hwloc_topology_t topo, sf_plan *p)
{
    int nodes = p->num_nodes;
    uint64_t *distance = calloc((size_t)nodes * nodes, sizeof *distance);
    struct hwloc_distances_s *d = NULL;
    unsigned nr = 1;
    if (distance && nodes > 1 &&
        hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, &d,
                                    HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) == 0 &&
        nr == 1) {
        if ((int)d->nbobjs == nodes)
            for (unsigned i = 0; i < d->nbobjs; i++)
                for (unsigned j = 0; j < d->nbobjs; j++)
                    distance[(size_t)d->objs[i]->logical_index * nodes + d->objs[j]->logical_index] =
                        d->values[i * d->nbobjs + j];
        hwloc_distances_release(topo, d);
    }
    for (int n = 0; n < nodes; n++) {
        int *order = p->node_order + (size_t)n * nodes;
        for (int j = 0; j < nodes; j++)
            order[j] = (n + j) % nodes;
        /* insertion sort of the others by distance; stable, so ties stay
         * cyclic, and n itself stays first */
        for (int j = 2; j < nodes; j++) {
            int m = order[j], i = j;
            uint64_t dm = distance ? distance[(size_t)n * nodes + m] : 0;
            while (i > 1 && distance && distance[(size_t)n * nodes + order[i - 1]] > dm) {
                order[i] = order[i - 1];
                i--;
            }
            order[i] = m;
        }
    }
    free(distance);
}

int sf_plan_init(sf_plan *p, hwloc_topology_t topo, int threads)
{
    memset(p, 0, sizeof *p);
    int rc = -ENOMEM;
    int nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    nodes = nodes > 0 ? nodes : 1;
    hwloc_obj_type_t core_type =
        hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    int cores = hwloc_get_nbobjs_by_type(topo, core_type);
    if (cores <= 0 || threads < 1)
        return -EINVAL;
    p->threads = threads;
    p->num_nodes = nodes;
    p->num_cores = cores;
    int pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    p->num_pus = pus > cores ? pus : cores;

    int *node_core_start = calloc(nodes + 1, sizeof *node_core_start);
    int *node_cores = malloc(cores * sizeof *node_cores);   /* cores by node, in spread order */
    int *core_node_of = malloc(cores * sizeof *core_node_of);
    int *deal = malloc(cores * sizeof *deal);               /* one round: node of each step */
    int *deal_rank = malloc(cores * sizeof *deal_rank);     /* the step's rank in its node */
    int *taken = calloc(nodes, sizeof *taken);
    int *spread = malloc(cores * sizeof *spread);
    p->worker_node = malloc(threads * sizeof *p->worker_node);
    p->worker_core = malloc(threads * sizeof *p->worker_core);
    p->worker_pu = malloc(threads * sizeof *p->worker_pu);
    p->worker_pos = malloc(threads * sizeof *p->worker_pos);
    p->node_worker_start = calloc(nodes + 1, sizeof *p->node_worker_start);
    p->node_workers = malloc(threads * sizeof *p->node_workers);
    p->node_order = malloc((size_t)nodes * nodes * sizeof *p->node_order);
    if (!node_core_start || !node_cores || !core_node_of || !deal || !deal_rank || !taken ||
        !spread || !p->worker_node || !p->worker_core || !p->worker_pu || !p->worker_pos ||
        !p->node_worker_start || !p->node_workers || !p->node_order)
        goto out;

    /* cores of each node, in logical order, then spread within the node */
    for (int c = 0; c < cores; c++) {
        core_node_of[c] = core_node(topo, hwloc_get_obj_by_type(topo, core_type, c), nodes);
        node_core_start[core_node_of[c] + 1]++;
    }
    for (int n = 0; n < nodes; n++)
        node_core_start[n + 1] += node_core_start[n];
    for (int c = 0; c < cores; c++)
        node_cores[node_core_start[core_node_of[c]] + taken[core_node_of[c]]++] = c;
    for (int n = 0; n < nodes; n++) {
        int first = node_core_start[n], count = node_core_start[n + 1] - first;
        spread_order(spread, count);
        for (int k = 0; k < count; k++)
            deal_rank[k] = node_cores[first + spread[k]];
        memcpy(node_cores + first, deal_rank, count * sizeof *deal_rank);
    }

    /* one round of the deal: nodes in turn, skipping full ones */
    memset(taken, 0, nodes * sizeof *taken);
    for (int step = 0, n = 0; step < cores; n = (n + 1) % nodes) {
        if (taken[n] == node_core_start[n + 1] - node_core_start[n])
            continue;
        deal[step] = n;
        deal_rank[step] = taken[n]++;
        step++;
    }

    for (int w = 0; w < threads; w++) {
        int round = w / cores, step = w % cores, n = deal[step];
        int core = node_cores[node_core_start[n] + deal_rank[step]];
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, core_type, core);
        int pus = hwloc_get_nbobjs_inside_cpuset_by_type(topo, obj->cpuset, HWLOC_OBJ_PU);
        hwloc_obj_t pu = pus > 0 ? hwloc_get_obj_inside_cpuset_by_type(topo, obj->cpuset,
                                                                        HWLOC_OBJ_PU, round % pus)
                                 : obj;
        p->worker_node[w] = n;
        p->worker_core[w] = core;
        p->worker_pu[w] = (int)pu->logical_index;
        p->node_worker_start[n + 1]++;
    }
    for (int n = 0; n < nodes; n++)
        p->node_worker_start[n + 1] += p->node_worker_start[n];
    memset(taken, 0, nodes * sizeof *taken);
    for (int w = 0; w < threads; w++) {
        int n = p->worker_node[w];
        p->worker_pos[w] = taken[n]++;
        p->node_workers[p->node_worker_start[n] + p->worker_pos[w]] = w;
    }
    order_nodes(topo, p);
    rc = 0;
out:
    free(node_core_start);
    free(node_cores);
    free(core_node_of);
    free(deal);
    free(deal_rank);
    free(taken);
    free(spread);
    if (rc)
        sf_plan_fini(p);
    return rc;
}

int sf_plan_shards(sf_plan *p, int num_shards)
{
    int *node_first = malloc((p->num_nodes + 1) * sizeof *node_first);
    int *first = malloc(p->threads * sizeof *first);
    int *end = malloc(p->threads * sizeof *end);
    if (!node_first || !first || !end) {
        free(node_first);
        free(first);
        free(end);
        return -ENOMEM;
    }
    /* node n: shards in proportion to its workers, blocks in node order */
    for (int n = 0; n <= p->num_nodes; n++)
        node_first[n] = (int)((int64_t)num_shards * p->node_worker_start[n] / p->threads);
    for (int n = 0; n < p->num_nodes; n++) {
        int count = node_first[n + 1] - node_first[n], k = sf_plan_node_workers(p, n);
        for (int j = 0; j < k; j++) {
            int w = p->node_workers[p->node_worker_start[n] + j];
            first[w] = node_first[n] + (int)((int64_t)count * j / k);
            end[w] = node_first[n] + (int)((int64_t)count * (j + 1) / k);
        }
    }
    free(p->node_first_shard);
    free(p->worker_first_shard);
    free(p->worker_end_shard);
    p->node_first_shard = node_first;
    p->worker_first_shard = first;
    p->worker_end_shard = end;
    p->num_shards = num_shards;
    return 0;
}

int sf_plan_victim(const sf_plan *p, int w, int k)
{
    int home = p->worker_node[w];
    const int *order = p->node_order + (size_t)home * p->num_nodes;
    for (int j = 0; j < p->num_nodes; j++) {
        int n = order[j], count = sf_plan_node_workers(p, n);
        if (k < count)
            return p->node_workers[p->node_worker_start[n] + (p->worker_pos[w] + k) % count];
        k -= count;
    }
    return w; /* k out of range: a bug of the caller */
}
