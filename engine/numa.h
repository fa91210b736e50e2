/* Memory on NUMA nodes: binding the parts of an array to nodes, reading
 * back which node its pages are on, and one jemalloc arena per node for
 * the workers' scratch memory. The engine decides what goes where (which
 * shard owns which part, from the plan in topology.h); this module only
 * talks to hwloc and jemalloc.
 *
 * An array is cut into parts at byte offsets; a page that straddles a cut
 * belongs to the part that holds its first byte (cuts are rounded down to
 * the page, or to the huge page when the parts are large enough that a
 * whole huge page on one node matters more than a few kilobytes on the
 * wrong one). Binding uses hwloc's HWLOC_MEMBIND_BIND without STRICT (on
 * Linux, MPOL_PREFERRED_MANY): pages go to the node while it has room and
 * elsewhere when it does not, never an out-of-memory kill. */
#ifndef SF_NUMA_H
#define SF_NUMA_H

#include <hwloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_HUGE_PAGE (2u << 20)

/* An array [base, base + bytes) cut into `parts` parts: part i is the bytes
 * [cuts[i], cuts[i + 1]) (cuts[0] = 0, cuts[parts] = bytes, non-decreasing)
 * and belongs to nodesets[i]. */
typedef struct sf_numa_layout {
    char *base;
    size_t bytes;
    int parts;
    const size_t *cuts;
    const hwloc_const_nodeset_t *nodesets;
    size_t granule;             /* cuts rounded down to this (a power of two >= the page) */
} sf_numa_layout;

/* The page-aligned start of part i after rounding: a page belongs to the
 * part holding its first byte; part 0 starts at the page holding base and
 * the last part ends after the page holding the last byte. */
uintptr_t sf_numa_part_start(const sf_numa_layout *l, int i);

/* Binds each part's pages to its nodeset (policy HWLOC_MEMBIND_BIND, or
 * HWLOC_MEMBIND_INTERLEAVE over each part's nodeset when `interleave`);
 * with `migrate`, pages already touched move there too. Returns 0, or
 * -errno of the first refusal (the remaining parts are not tried). */
int sf_numa_bind(hwloc_topology_t topo, const sf_numa_layout *l, bool interleave, bool migrate);

/* Reads back the node of up to `samples` pages spread evenly over each
 * part, and adds to *checked the pages whose node the OS reported and to
 * *on_node those of them on their part's nodeset. Returns 0, or a negative
 * code when the OS would not say (then nothing is added). */
int sf_numa_check(hwloc_topology_t topo, const sf_numa_layout *l, int samples, uint64_t *checked,
                  uint64_t *on_node);

/* One arena per node for scratch memory: with jemalloc (built with
 * SF_HAVE_JEMALLOC), `arenas.create` once per node, allocations by
 * mallocx(MALLOCX_ARENA(a) | MALLOCX_TCACHE_NONE) so that no thread cache
 * hands one node's memory to another; without it, plain malloc. An arena's
 * pages are placed by first touch: only the workers of its node allocate
 * from it, and they are pinned there. */
typedef struct sf_numa_arenas {
    int count;                  /* nodes with an arena; 0 = plain malloc */
    unsigned *arena;
} sf_numa_arenas;

/* Creates one arena per node when `per_node` and jemalloc is there; else
 * sets up plain malloc. Never fails: without arenas it falls back to malloc. */
void sf_numa_arenas_init(sf_numa_arenas *a, int nodes, bool per_node);
/* Destroys the arenas; memory still allocated from them is freed with them. */
void sf_numa_arenas_fini(sf_numa_arenas *a);
/* `bytes` (> 0) from node's arena, or NULL when out of memory. Free with
 * sf_numa_arenas_free. */
void *sf_numa_arenas_alloc(const sf_numa_arenas *a, int node, size_t bytes);
void sf_numa_arenas_free(const sf_numa_arenas *a, void *p);
/* The arena a pointer came from (jemalloc's arenas.lookup), or -1 when not
 * known (plain malloc). For tests and reports. */
int sf_numa_arena_of(const void *p);

#endif
