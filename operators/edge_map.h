/* edge_map: move values along arcs, in one of two directions.
 *
 * pull (dense): every vertex v of the shard reads its in-neighbours; the
 *   kernel's fn(v, in_neighbours, degree, arg) loops over them itself, so it
 *   can sum (PageRank), take a minimum, or stop at the first active one
 *   (BFS). Writes go only to v's own state: no atomics.
 * push (sparse): every active vertex u of the shard writes to its
 *   out-neighbours; fn(u, out_neighbours, degree, arg) does the writes, with
 *   atomics where several pushers may meet.
 *
 * As in Ligra and Gemini, the caller picks the direction from the frontier
 * with sf_edge_map_direction: push while the frontier and its out-arcs are
 * small, pull once they are a sizeable part of the graph.
 *
 * Like vertex_map, these are always-inline with constant function arguments:
 * the kernel's per-vertex function is inlined into the loop, no indirect call
 * per vertex or per edge. */
#ifndef SF_EDGE_MAP_H
#define SF_EDGE_MAP_H

#include "engine/engine.h"
#include "engine/tiles.h"
#include "operators/frontier.h"
#include "operators/vertex_map.h"

typedef enum { SF_PUSH, SF_PULL } sf_direction;

/* Ligra's rule: pull when the active vertices plus their out-arcs exceed
 * num_arcs / 20. The frontier must be sealed. */
static inline sf_direction sf_edge_map_direction(const sf_graph *g, const sf_frontier *f)
{
    return f->count + f->out_arcs > g->num_arcs / 20 ? SF_PULL : SF_PUSH;
}

/* Pull over every vertex of the shard. fn returns true when v becomes active
 * in `next` (NULL: no next frontier). Returns the number activated. */
SF_INLINE uint64_t sf_edge_map_pull(const sf_shard *s, const sf_graph *g,
                                    bool (*fn)(sf_vid v, const sf_vid *in, sf_eid degree, void *arg),
                                    void *arg, sf_frontier *next)
{
    const sf_eid *off = g->in_offsets;
    const sf_vid *nbr = g->in_neighbors;
    uint64_t activated = 0;
    for (sf_vid v = s->begin; v < s->end; v++) {
        sf_eid begin = off[v], end = off[v + 1];
        if (fn(v, nbr + begin, end - begin, arg)) {
            activated++;
            if (next)
                sf_frontier_add_owned(next, v);
        }
    }
    return activated;
}

/* Pull over the vertices of the shard not in `visited`, a bitmap over all
 * vertices of which the shard owns whole words (a traversal's visited
 * set; Ligra's edgeMapDense with a condition): a word of 64 visited
 * vertices costs one load. fn as for sf_edge_map_pull. The shard's words
 * of `visited_next` get `visited` and the vertices fn activated; `visited`
 * itself does not change, so fn may read it for any vertex. Owner writes
 * only, no atomics. Returns the number activated. */
SF_INLINE uint64_t sf_edge_map_pull_unvisited(const sf_shard *s, const sf_graph *g,
                                              const uint64_t *visited, uint64_t *visited_next,
                                              bool (*fn)(sf_vid v, const sf_vid *in, sf_eid degree, void *arg),
                                              void *arg)
{
    const sf_eid *off = g->in_offsets;
    const sf_vid *nbr = g->in_neighbors;
    uint64_t activated = 0;
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++) {
        uint64_t seen = visited[word], found = 0;
        uint64_t todo = ~seen;
        if ((word + 1) * 64 > s->end)
            todo &= (1ull << (s->end & 63)) - 1;
        while (todo) {
            sf_vid v = (sf_vid)(word * 64 + __builtin_ctzll(todo));
            todo &= todo - 1;
            const sf_vid *in = nbr + off[v], *in_end = nbr + off[v + 1];
            if (fn(v, in, (sf_eid)(in_end - in), arg))
                found |= 1ull << (v & 63);
        }
        visited_next[word] = seen | found;
        activated += (uint64_t)__builtin_popcountll(found);
    }
    return activated;
}

/* Push from the vertices of the shard's slice of a queue frontier
 * (frontier.h), the i-th of num_shards for shard i: fn(u, out_neighbours,
 * degree, arg) as for sf_edge_map_push. */
SF_INLINE void sf_edge_map_push_queue(const sf_shard *s, int num_shards, const sf_graph *g,
                                      const sf_queue *q,
                                      void (*fn)(sf_vid u, const sf_vid *out, sf_eid degree, void *arg),
                                      void *arg)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    uint64_t begin, end;
    sf_queue_slice(q, s->index, num_shards, &begin, &end);
    for (uint64_t i = begin; i < end; i++) {
        sf_vid u = q->items[i];
        fn(u, nbr + off[u], off[u + 1] - off[u], arg);
    }
}

/* Push from every active vertex of the shard (the frontier's list when
 * sealed with lists, else its bitmap). */
SF_INLINE void sf_edge_map_push(const sf_shard *s, const sf_graph *g, const sf_frontier *f,
                                void (*fn)(sf_vid u, const sf_vid *out, sf_eid degree, void *arg),
                                void *arg)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    if (f->has_list) {
        const sf_vid *list = f->list + s->begin;
        sf_vid len = f->list_len[s->index];
        for (sf_vid i = 0; i < len; i++) {
            sf_vid u = list[i];
            fn(u, nbr + off[u], off[u + 1] - off[u], arg);
        }
        return;
    }
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++) {
        uint64_t bits = f->bits[word];
        while (bits) {
            sf_vid u = (sf_vid)(word * 64 + __builtin_ctzll(bits));
            bits &= bits - 1;
            fn(u, nbr + off[u], off[u + 1] - off[u], arg);
        }
    }
}

/* Push from every vertex of the shard (a full frontier without a bitmap). */
SF_INLINE void sf_edge_map_push_all(const sf_shard *s, const sf_graph *g,
                                    void (*fn)(sf_vid u, const sf_vid *out, sf_eid degree, void *arg),
                                    void *arg)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    for (sf_vid u = s->begin; u < s->end; u++)
        fn(u, nbr + off[u], off[u + 1] - off[u], arg);
}

/* Push from the vertices of a work list, list[0, len): vertices of any
 * shard, in any order, repeats allowed (delta-stepping's buckets are such
 * lists). For each u that keep(u, arg) accepts, fn(u, out, weight, degree,
 * arg) gets u's out-arcs and their weights (g->out_weights, which must be
 * there). keep runs before u's row is touched, so that entries the kernel
 * knows to be stale cost no adjacency traffic. Pushers may meet: fn writes
 * with atomics.
 *
 * The entries are scattered, so each costs misses before its first arc:
 * with ahead > 0, while entry i is processed, the offsets of entry
 * i + 2*ahead are prefetched and prefetch(that vertex, arg) lets the
 * kernel prefetch the state keep will read, and the row (arcs and
 * weights) of entry i + ahead is prefetched. */
SF_INLINE void sf_edge_map_push_list_weighted(const sf_graph *g, const sf_vid *list, size_t len,
                                              size_t ahead, void (*prefetch)(sf_vid u, void *arg),
                                              bool (*keep)(sf_vid u, void *arg),
                                              void (*fn)(sf_vid u, const sf_vid *out,
                                                         const double *weight, sf_eid degree,
                                                         void *arg),
                                              void *arg)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    const double *wt = g->out_weights;
    for (size_t i = 0; i < len; i++) {
        if (ahead && i + 2 * ahead < len) {
            sf_vid w = list[i + 2 * ahead];
            __builtin_prefetch(&off[w], 0, 3);
            prefetch(w, arg);
        }
        if (ahead && i + ahead < len) {
            sf_eid first = off[list[i + ahead]];
            __builtin_prefetch(&nbr[first], 0, 3);
            __builtin_prefetch(&wt[first], 0, 3);
        }
        sf_vid u = list[i];
        if (!keep(u, arg))
            continue;
        sf_eid begin = off[u], end = off[u + 1];
        fn(u, nbr + begin, wt + begin, end - begin, arg);
    }
}

/* The arcs arcs[begin, end) of one tile, fn(dst offset, src offset, arg)
 * for each. */
SF_INLINE void sf_edge_map_tile_arcs(const uint32_t *arcs, uint64_t begin, uint64_t end,
                                     void (*fn)(uint32_t dst, uint32_t src, void *arg), void *arg)
{
    uint64_t i = begin;
    /* by four, in order: the loop's own work is a fair part of an arc's */
    for (; i + 4 <= end; i += 4) {
        uint32_t a0 = arcs[i], a1 = arcs[i + 1], a2 = arcs[i + 2], a3 = arcs[i + 3];
        fn(a0 >> SF_TILE_BITS, a0 & SF_TILE_MASK, arg);
        fn(a1 >> SF_TILE_BITS, a1 & SF_TILE_MASK, arg);
        fn(a2 >> SF_TILE_BITS, a2 & SF_TILE_MASK, arg);
        fn(a3 >> SF_TILE_BITS, a3 & SF_TILE_MASK, arg);
    }
    for (; i < end; i++)
        fn(arcs[i] >> SF_TILE_BITS, arcs[i] & SF_TILE_MASK, arg);
}

/* sf_edge_map_tiled over a list of tiles of one shard, in the list's order
 * (a distributed kernel streams first the tiles whose sources it owns, then
 * those of each other rank as its values arrive). */
SF_INLINE void sf_edge_map_tiles(const sf_tile *tiles, uint64_t num_tiles, const uint32_t *arcs,
                                 void (*tile_fn)(sf_vid dst_base, sf_vid src_base, void *arg),
                                 void (*fn)(uint32_t dst, uint32_t src, void *arg),
                                 void (*both_fn)(uint32_t dst, uint32_t src, void *arg), void *arg)
{
    for (uint64_t k = 0; k < num_tiles; k++) {
        const sf_tile *tile = &tiles[k];
        tile_fn(tile->dst_base, tile->src_base, arg);
        if (tile->both)
            sf_edge_map_tile_arcs(arcs, tile->begin, tile->end, both_fn, arg);
        else
            sf_edge_map_tile_arcs(arcs, tile->begin, tile->end, fn, arg);
    }
}

/* Every in-arc src -> dst of the shard, in the tiled layout's order
 * (engine/tiles.h: along a Hilbert curve, tile by tile): tile_fn(dst_base,
 * src_base, arg) as each tile begins, then fn(dst - dst_base, src - src_base,
 * arg) for each of its arcs (offsets below 2^16). The kernel keeps its
 * arrays offset by the tile's bases in `arg`, so the inner loop is an arc
 * load, a shift and a mask before the kernel's own work: passing absolute
 * ids instead cost 10% on PageRank (gcc 12 recomputes and zero-extends
 * base + offset for every access). The shard owns every dst: fn may write
 * dst's state without atomics.
 *
 * In a `both` tile (an undirected graph's edges inside the shard, stored
 * once with src < dst) both_fn(dst - dst_base, src - src_base, arg) stands
 * for the arcs src -> dst and dst -> src: it does fn's work both ways,
 * reading and writing each end's state from the other base. The shard owns
 * both ends. */
SF_INLINE void sf_edge_map_tiled(const sf_shard *s, const sf_tiled_arcs *t,
                                 void (*tile_fn)(sf_vid dst_base, sf_vid src_base, void *arg),
                                 void (*fn)(uint32_t dst, uint32_t src, void *arg),
                                 void (*both_fn)(uint32_t dst, uint32_t src, void *arg), void *arg)
{
    const sf_tiled_shard *ts = &t->shards[s->index];
    sf_edge_map_tiles(ts->tiles, ts->num_tiles, t->arcs, tile_fn, fn, both_fn, arg);
}

#endif
