/* A kernel's per-worker scratch: one block per worker, from an arena of the
 * worker's NUMA node (sf_engine_scratch), made by the worker itself the
 * first time it runs a shard of the kernel, so that it is also the first to
 * touch the block's pages and they are placed on its node. A worker that
 * runs no shard makes no block. A kernel carves its block into arrays with
 * sf_scratch_carve (each part starts on a cache line). */
#ifndef SF_WORKER_SCRATCH_H
#define SF_WORKER_SCRATCH_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

typedef struct sf_worker_scratch {
    sf_engine *engine;
    void **block;               /* per worker; NULL until it runs a shard */
    int workers;
    size_t bytes;               /* of every block */
    int fill;                   /* the byte every block starts with */
    int failed;                 /* a block could not be made */
} sf_worker_scratch;

/* Bytes rounded up to whole cache lines: the size of one carved part. */
static inline size_t sf_scratch_part(size_t bytes)
{
    return (bytes + 63) & ~(size_t)63;
}

/* The next part of `bytes` bytes of a block, advancing *at past it. */
static inline void *sf_scratch_carve(char **at, size_t bytes)
{
    void *part = *at;
    *at += sf_scratch_part(bytes);
    return part;
}

/* Blocks of `bytes` bytes (at least 1), every byte `fill`, one per worker of
 * e. Returns 0 or -ENOMEM; release with sf_worker_scratch_fini. */
static inline int sf_worker_scratch_init(sf_worker_scratch *s, sf_engine *e, size_t bytes,
                                         int fill)
{
    int workers = sf_engine_threads(e);
    *s = (sf_worker_scratch){.engine = e, .workers = workers, .bytes = bytes ? bytes : 1,
                             .fill = fill};
    s->block = calloc((size_t)workers, sizeof *s->block);
    return s->block ? 0 : -ENOMEM;
}

/* Inside a shard function: the calling worker's block, made (and filled)
 * on its first call. NULL when out of memory, and `failed` is then set. */
static inline void *sf_worker_scratch_get(sf_worker_scratch *s)
{
    int w = sf_engine_current_worker();
    void *block = s->block[w];
    if (block)
        return block;
    block = sf_engine_scratch(s->engine, w, s->bytes);
    if (!block) {
        __atomic_store_n(&s->failed, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    memset(block, s->fill, s->bytes);
    s->block[w] = block;
    return block;
}

/* Frees every block (sf_engine_scratch_free) and the table. */
static inline void sf_worker_scratch_fini(sf_worker_scratch *s)
{
    for (int w = 0; s->block && w < s->workers; w++)
        sf_engine_scratch_free(s->engine, s->block[w]);
    free(s->block);
    s->block = NULL;
}

#endif
