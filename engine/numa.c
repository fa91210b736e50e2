/* NUMA memory (numa.h): hwloc area binding and read-back over the parts of
 * an array, and per-node jemalloc arenas. */
#include "numa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef SF_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

static uintptr_t page_size(void)
{
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (uintptr_t)size : 4096;
}

uintptr_t sf_numa_part_start(const sf_numa_layout *l, int i)
{
    uintptr_t page = page_size();
    uintptr_t start = (uintptr_t)l->base & ~(page - 1);
    uintptr_t end = ((uintptr_t)l->base + l->bytes + page - 1) & ~(page - 1);
    if (i <= 0)
        return start;
    if (i >= l->parts)
        return end;
    uintptr_t granule = l->granule > page ? l->granule : page;
    uintptr_t cut = ((uintptr_t)l->base + l->cuts[i]) & ~(granule - 1);
    return cut < start ? start : cut > end ? end : cut;
}

int sf_numa_bind(hwloc_topology_t topo, const sf_numa_layout *l, bool interleave, bool migrate)
{
    int flags = HWLOC_MEMBIND_BYNODESET | (migrate ? HWLOC_MEMBIND_MIGRATE : 0);
    hwloc_membind_policy_t policy = interleave ? HWLOC_MEMBIND_INTERLEAVE : HWLOC_MEMBIND_BIND;
    for (int i = 0; i < l->parts; i++) {
        uintptr_t begin = sf_numa_part_start(l, i), end = sf_numa_part_start(l, i + 1);
        if (begin >= end || hwloc_bitmap_iszero(l->nodesets[i]))
            continue;
        errno = 0;
        if (hwloc_set_area_membind(topo, (void *)begin, end - begin, l->nodesets[i], policy,
                                   flags) != 0)
            return errno ? -errno : -EINVAL;
    }
    return 0;
}

int sf_numa_check(hwloc_topology_t topo, const sf_numa_layout *l, int samples, uint64_t *checked,
                  uint64_t *on_node)
{
    uintptr_t page = page_size();
    uint64_t seen = 0, home = 0;
    hwloc_nodeset_t where = hwloc_bitmap_alloc();
    if (!where)
        return -ENOMEM;
    int rc = 0;
    for (int i = 0; i < l->parts && rc == 0; i++) {
        uintptr_t begin = sf_numa_part_start(l, i), end = sf_numa_part_start(l, i + 1);
        uint64_t pages = (end - begin) / page;
        if (pages == 0)
            continue;
        int count = pages < (uint64_t)samples ? (int)pages : samples;
        for (int j = 0; j < count; j++) {
            uintptr_t at = begin + (pages * (2 * (uint64_t)j + 1) / (2 * (uint64_t)count)) * page;
            errno = 0;
            if (hwloc_get_area_memlocation(topo, (void *)at, page, where,
                                           HWLOC_MEMBIND_BYNODESET) != 0) {
                rc = errno ? -errno : -ENOSYS;
                break;
            }
            if (hwloc_bitmap_iszero(where))
                continue; /* not faulted in: the OS has not placed it yet */
            seen++;
            home += hwloc_bitmap_isincluded(where, l->nodesets[i]);
        }
    }
    hwloc_bitmap_free(where);
    if (rc == 0 && seen == 0)
        rc = -ENOSYS; /* nothing read back: the OS does not say where pages are */
    if (rc == 0) {
        *checked += seen;
        *on_node += home;
    }
    return rc;
}

/* ---- arenas ---------------------------------------------------------------- */

void sf_numa_arenas_init(sf_numa_arenas *a, int nodes, bool per_node)
{
    a->count = 0;
    a->arena = NULL;
#ifdef SF_HAVE_JEMALLOC
    if (!per_node || nodes < 1)
        return;
    unsigned *arena = malloc(nodes * sizeof *arena);
    if (!arena)
        return;
    for (int n = 0; n < nodes; n++) {
        size_t len = sizeof arena[n];
        if (mallctl("arenas.create", &arena[n], &len, NULL, 0) != 0) {
            a->arena = arena;
            a->count = n;
            sf_numa_arenas_fini(a); /* the ones made so far */
            return;
        }
    }
    a->arena = arena;
    a->count = nodes;
#else
    (void)nodes;
    (void)per_node;
#endif
}

void sf_numa_arenas_fini(sf_numa_arenas *a)
{
#ifdef SF_HAVE_JEMALLOC
    for (int n = 0; n < a->count; n++) {
        char name[64];
        snprintf(name, sizeof name, "arena.%u.destroy", a->arena[n]);
        mallctl(name, NULL, NULL, NULL, 0);
    }
#endif
    free(a->arena);
    a->arena = NULL;
    a->count = 0;
}

void *sf_numa_arenas_alloc(const sf_numa_arenas *a, int node, size_t bytes)
{
#ifdef SF_HAVE_JEMALLOC
    if (a->count > 0 && bytes > 0) {
        unsigned arena = a->arena[node >= 0 && node < a->count ? node : 0];
        return mallocx(bytes, MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE);
    }
#endif
    (void)a;
    (void)node;
    return malloc(bytes ? bytes : 1);
}

void sf_numa_arenas_free(const sf_numa_arenas *a, void *p)
{
    if (!p)
        return;
#ifdef SF_HAVE_JEMALLOC
    if (a->count > 0) {
        dallocx(p, MALLOCX_TCACHE_NONE);
        return;
    }
#endif
    (void)a;
    free(p);
}

int sf_numa_arena_of(const void *p)
{
#ifdef SF_HAVE_JEMALLOC
    unsigned arena;
    size_t len = sizeof arena;
    if (p && mallctl("arenas.lookup", &arena, &len, (void *)&p, sizeof p) == 0)
        return (int)arena;
#else
    (void)p;
#endif
    return -1;
}
