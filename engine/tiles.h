/* Tiled in-arcs: every shard's in-arcs in the order of a Hilbert curve over
 * the adjacency matrix, cut into tiles of 2^16 sources x 2^16 destinations
 * and stored as two 16-bit offsets into their tile (4 bytes an arc), as in
 * McSherry et al.'s COST programs. Streaming them, a kernel's random reads
 * of source state and writes of destination state both stay within one
 * tile's 2 x 2^16 vertices for long runs, so they hit cache.
 *
 * The order is the global curve's (the Hilbert index of (src, dst) over
 * 32-bit coordinates), restricted to the shard. On a directed graph two
 * arcs into the same destination come in the same order whatever the shard
 * boundaries, so a kernel that sums along it gets the same bits at any
 * thread or shard count.
 *
 * On an undirected graph an edge between two vertices of the same shard is
 * stored once, as src < dst, in a tile marked `both`: it stands for both of
 * its arcs, and the shard's worker, which owns both ends, applies it both
 * ways (half the bytes streamed, as the single-threaded baseline does). An
 * arc from another shard stays an in-arc. A vertex's sum then runs in an
 * order that depends on the shard boundaries: the same bits for the same
 * shards at any thread count, within rounding across shard counts. */
#ifndef SF_TILES_H
#define SF_TILES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

#define SF_TILE_BITS 16
#define SF_TILE_MASK ((1u << SF_TILE_BITS) - 1)

typedef struct sf_tile {
    sf_vid src_base, dst_base;  /* multiples of 2^16 */
    uint64_t begin, end;        /* its arcs: arcs[begin, end) */
    bool both;                  /* edges src < dst inside the shard, each
                                 * standing for src -> dst and dst -> src */
} sf_tile;

typedef struct sf_tiled_shard {
    sf_tile *tiles;             /* in curve order */
    uint64_t num_tiles;
} sf_tiled_shard;

typedef struct sf_tiled_arcs {
    /* (dst - dst_base) << 16 | (src - src_base), one per in-arc, or one per
     * intra-shard edge when `symmetric`. Shard i's arcs start where its
     * in-arcs start in the CSR, in_offsets[begin], and fill that range
     * (a prefix of it when symmetric). */
    uint32_t *arcs;
    uint64_t num_arcs;          /* the graph's: the size of arcs */
    uint64_t stored_arcs;       /* over all shards' tiles */
    bool symmetric;             /* undirected: intra-shard edges stored once */
    sf_tiled_shard *shards;     /* one per engine shard, by shard index */
    int num_shards;
    uint64_t num_tiles;         /* over all shards */
    double build_s;             /* wall time of sf_tiled_arcs_build */
} sf_tiled_arcs;

/* Builds the tiled in-arcs of the engine's attached graph for its current
 * shards, every shard on the worker that owns it (sf_engine_run). On success
 * *t holds arrays the caller releases with sf_tiled_arcs_fini. Returns 0 or
 * -ENOMEM (then *t holds nothing to release). Peak memory beyond the result:
 * a running shard's largest tile, 4 bytes an arc, and its tile counters. */
int sf_tiled_arcs_build(sf_engine *e, sf_tiled_arcs *t);
void sf_tiled_arcs_fini(sf_tiled_arcs *t);

/* The tiled in-arcs of the engine's graph, built on the first call after
 * each sf_engine_attach and kept by the engine until the next attach or
 * sf_engine_destroy (defined in engine.c, which holds the cache). Call it
 * outside sf_engine_run. Returns NULL when out of memory. */
const sf_tiled_arcs *sf_engine_tiled_in_arcs(sf_engine *e);

#endif
