/* Building the tiled in-arcs (tiles.h), shard by shard on the shard's
 * worker, without a general sort of the arcs.
 *
 * The one idea: an aligned 2^16 x 2^16 square is one run of the Hilbert
 * curve over 32-bit coordinates, so the global index of an arc splits into
 * the index of its tile on the coarse curve (the top 16 bits of src and
 * dst) and its index inside the tile, given the orientation ("state") the
 * coarse curve enters the tile with. Sorting by the global index is then:
 * count the shard's arcs per tile, order the few non-empty tiles by their
 * coarse index, scatter each arc into its tile as its two 16-bit offsets,
 * and sort each tile on its 32-bit inner index (radix, mostly in cache).
 * On an undirected graph a tile square has two kinds of tile, counted in
 * two tables: the edges inside the shard (kept once, src < dst, marked
 * `both`) and the in-arcs from other shards; the `both` tile comes first.
 * The Hilbert transforms are table-driven, 4 levels a lookup: after each
 * level the remaining bits are swapped, or swapped and complemented; those
 * commute and are their own inverses, so the transform so far is one of
 * four states (bit 0: swapped, bit 1: complemented). */
#include "tiles.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hilbert.h"
#include "parallel.h"

/* The inverse of an inner index from `state`: y << 16 | x, which is the
 * arc's tile offsets. */
static inline uint32_t hilbert_decode16(const sf_hilbert_tables *t, unsigned state, uint32_t d)
{
    uint32_t x, y;
    sf_hilbert_decode16(t, state, d, &x, &y);
    return y << 16 | x;
}

/* ---- sorting one tile ----------------------------------------------------
 * A tile's arcs go from offsets to inner indices, are sorted, and go back.
 * LSD radix sort, 11 bits a pass (a pass whose digit is the same in every
 * key is skipped), for tiles that fit in cache; a larger tile (a hub tile:
 * 24M arcs on kron:22) is first split on the top 10 bits of its indices
 * (MSD) into squares that do, so that only two passes go over the whole
 * tile. The split costs two bucket tables a square: 8 times slower on a
 * tile of 40K arcs, 20% faster on 2M. */
#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)
#define TOP_BITS 10             /* the MSD split: bits 22..31 */
#define SMALL_TILE 48           /* insertion sort below */
#define CACHED_TILE (1u << 20)  /* keys: LSD alone below (4 MB) */

typedef struct tile_scratch {
    uint32_t *spare;            /* as many keys as the largest tile */
    uint64_t count[3][DIGITS];
} tile_scratch;

/* Sorts keys[0, n) on the digits at bit 0, 11 and (if `passes` is 3) 22,
 * with spare[0, n); returns where the sorted keys are (keys or spare). */
static uint32_t *radix_lsd(uint32_t *keys, uint32_t *spare, uint64_t n, int passes,
                           uint64_t (*count)[DIGITS])
{
    memset(count, 0, sizeof(uint64_t) * DIGITS * passes);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t k = keys[i];
        count[0][k & (DIGITS - 1)]++;
        count[1][(k >> DIGIT_BITS) & (DIGITS - 1)]++;
        if (passes == 3)
            count[2][k >> (2 * DIGIT_BITS)]++;
    }
    uint32_t *src = keys, *dst = spare;
    for (int pass = 0; pass < passes; pass++) {
        uint64_t *c = count[pass], sum = 0;
        bool trivial = false;
        for (unsigned b = 0; b < DIGITS; b++) {
            uint64_t k = c[b];
            trivial |= k == n;
            c[b] = sum;
            sum += k;
        }
        if (trivial)
            continue;
        const int shift = DIGIT_BITS * pass;
        for (uint64_t i = 0; i < n; i++) {
            uint32_t k = src[i];
            dst[c[(k >> shift) & (DIGITS - 1)]++] = k;
        }
        uint32_t *swap = src;
        src = dst;
        dst = swap;
    }
    return src;
}

/* Puts the arcs a[0, n) of a tile the curve enters in `state` in curve
 * order. */
static void sort_tile(const sf_hilbert_tables *h, unsigned state, uint32_t *a, uint64_t n,
                      tile_scratch *s)
{
    if (n <= SMALL_TILE) {
        for (uint64_t i = 0; i < n; i++) {
            unsigned st = state;
            uint32_t k = sf_hilbert_encode16(h, &st, a[i] & SF_TILE_MASK, a[i] >> SF_TILE_BITS);
            uint64_t j = i;
            for (; j > 0 && a[j - 1] > k; j--)
                a[j] = a[j - 1];
            a[j] = k;
        }
        for (uint64_t i = 0; i < n; i++)
            a[i] = hilbert_decode16(h, state, a[i]);
        return;
    }
    if (n <= CACHED_TILE) {
        for (uint64_t i = 0; i < n; i++) {
            unsigned st = state;
            a[i] = sf_hilbert_encode16(h, &st, a[i] & SF_TILE_MASK, a[i] >> SF_TILE_BITS);
        }
        const uint32_t *sorted = radix_lsd(a, s->spare, n, 3, s->count);
        for (uint64_t i = 0; i < n; i++)
            a[i] = hilbert_decode16(h, state, sorted[i]);
        return;
    }
    /* encode into spare, then split on the top digit back into a */
    uint64_t *top = s->count[2];
    memset(top, 0, sizeof(uint64_t) * (1u << TOP_BITS));
    for (uint64_t i = 0; i < n; i++) {
        unsigned st = state;
        uint32_t k = sf_hilbert_encode16(h, &st, a[i] & SF_TILE_MASK, a[i] >> SF_TILE_BITS);
        s->spare[i] = k;
        top[k >> (32 - TOP_BITS)]++;
    }
    uint64_t sum = 0;
    for (unsigned b = 0; b < (1u << TOP_BITS); b++) {
        uint64_t k = top[b];
        top[b] = sum;
        sum += k;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint32_t k = s->spare[i];
        a[top[k >> (32 - TOP_BITS)]++] = k;
    }
    /* top[b] is now where bucket b ends */
    uint64_t lo = 0;
    for (unsigned b = 0; b < (1u << TOP_BITS); b++) {
        uint64_t hi = top[b];
        const uint32_t *sorted = radix_lsd(a + lo, s->spare + lo, hi - lo, 2, s->count);
        for (uint64_t i = 0; i < hi - lo; i++)
            a[lo + i] = hilbert_decode16(h, state, sorted[i]);
        lo = hi;
    }
}

/* ---- one shard ------------------------------------------------------------ */

struct build_arg {
    const sf_graph *g;
    sf_tiled_arcs *t;
    const sf_hilbert_tables *h;
    int failed;
};

/* A non-empty tile of the shard while its place on the curve is found. */
typedef struct tile_slot {
    uint32_t coarse;            /* index of the tile on the coarse curve */
    uint32_t state;             /* orientation the curve enters it with */
    uint64_t cell;              /* [rows * cols if both] + row * cols + col */
} tile_slot;

/* Curve order; of the two tiles of a square, `both` (the higher cell) first. */
static int compare_slots(const void *a, const void *b)
{
    const tile_slot *x = a, *y = b;
    if (x->coarse != y->coarse)
        return x->coarse < y->coarse ? -1 : 1;
    return x->cell > y->cell ? -1 : x->cell < y->cell;
}

/* Whether in-arc u -> v of shard s is left out, stored as the edge v -> u:
 * symmetric, u in s and u > v. */
static inline bool stored_reversed(bool symmetric, const sf_shard *s, sf_vid u, sf_vid v)
{
    return symmetric && u > v && u < s->end;
}

/* Whether in-arc u -> v of shard s is an edge of a `both` tile. */
static inline bool stored_both(bool symmetric, const sf_shard *s, sf_vid u, sf_vid v)
{
    return symmetric && u < v && u >= s->begin;
}

static void build_shard(sf_shard *s, void *arg)
{
    struct build_arg *b = arg;
    const sf_graph *g = b->g;
    const sf_hilbert_tables *h = b->h;
    sf_tiled_shard *out = &b->t->shards[s->index];
    uint32_t *arcs = b->t->arcs;
    const sf_eid *off = g->in_offsets;
    const sf_vid *nbr = g->in_neighbors;
    uint64_t *cursor = NULL;
    tile_slot *slots = NULL;
    uint8_t *states = NULL;
    tile_scratch *scratch = NULL;

    out->tiles = NULL;
    out->num_tiles = 0;
    if (s->begin == s->end || off[s->begin] == off[s->end])
        return;
    const uint64_t row0 = s->begin >> SF_TILE_BITS;
    const uint64_t rows = ((s->end - 1) >> SF_TILE_BITS) - row0 + 1;
    const uint64_t cols = ((uint64_t)(g->num_vertices - 1) >> SF_TILE_BITS) + 1;
    const bool symmetric = b->t->symmetric;
    const uint64_t cells = rows * cols * (symmetric ? 2 : 1);

    /* arcs per tile; the table then turns into each tile's write cursor */
    cursor = calloc(cells, sizeof *cursor);
    if (!cursor)
        goto fail;
    for (sf_vid v = s->begin; v < s->end; v++) {
        uint64_t *row = cursor + ((v >> SF_TILE_BITS) - row0) * cols;
        for (sf_eid e = off[v], end = off[v + 1]; e < end; e++) {
            sf_vid u = nbr[e];
            if (stored_reversed(symmetric, s, u, v))
                continue;
            row[(stored_both(symmetric, s, u, v) ? rows * cols : 0) + (u >> SF_TILE_BITS)]++;
        }
    }
    uint64_t tiles = 0;
    for (uint64_t c = 0; c < cells; c++)
        tiles += cursor[c] != 0;
    slots = malloc(tiles * sizeof *slots);
    out->tiles = malloc(tiles * sizeof *out->tiles);
    states = malloc(tiles);
    if (!slots || !out->tiles || !states)
        goto fail;
    uint64_t k = 0;
    for (uint64_t c = 0; c < cells; c++) {
        if (!cursor[c])
            continue;
        unsigned state = 0;
        uint64_t square = c % (rows * cols);
        uint32_t col = (uint32_t)(square % cols), row = (uint32_t)(row0 + square / cols);
        slots[k].coarse = sf_hilbert_encode16(h, &state, col, row);
        slots[k].state = state;
        slots[k].cell = c;
        k++;
    }
    qsort(slots, tiles, sizeof *slots, compare_slots);
    uint64_t at = off[s->begin], largest = 0;
    for (k = 0; k < tiles; k++) {
        uint64_t c = slots[k].cell, len = cursor[c], square = c % (rows * cols);
        sf_tile *tile = &out->tiles[k];
        tile->src_base = (sf_vid)((square % cols) << SF_TILE_BITS);
        tile->dst_base = (sf_vid)((row0 + square / cols) << SF_TILE_BITS);
        tile->begin = at;
        tile->end = at + len;
        tile->both = c >= rows * cols;
        states[k] = (uint8_t)slots[k].state;
        cursor[c] = at;
        at += len;
        if (len > largest)
            largest = len;
    }
    out->num_tiles = tiles;
    free(slots);
    slots = NULL;

    /* every arc into its tile as its offsets, in CSR order for now */
    for (sf_vid v = s->begin; v < s->end; v++) {
        uint64_t *row = cursor + ((v >> SF_TILE_BITS) - row0) * cols;
        uint32_t dst = (v & SF_TILE_MASK) << SF_TILE_BITS;
        for (sf_eid e = off[v], end = off[v + 1]; e < end; e++) {
            sf_vid u = nbr[e];
            if (stored_reversed(symmetric, s, u, v))
                continue;
            uint64_t c = (stored_both(symmetric, s, u, v) ? rows * cols : 0) + (u >> SF_TILE_BITS);
            arcs[row[c]++] = dst | (u & SF_TILE_MASK);
        }
    }
    free(cursor);
    cursor = NULL;

    /* each tile along the curve: offsets -> inner index, sort, back */
    scratch = malloc(sizeof *scratch);
    if (!scratch || !(scratch->spare = malloc((largest ? largest : 1) * sizeof(uint32_t))))
        goto fail;
    for (k = 0; k < tiles; k++) {
        const sf_tile *tile = &out->tiles[k];
        sort_tile(h, states[k], arcs + tile->begin, tile->end - tile->begin, scratch);
    }
    free(scratch->spare);
    free(scratch);
    free(states);
    return;

fail:
    __atomic_store_n(&b->failed, 1, __ATOMIC_RELAXED);
    free(cursor);
    free(slots);
    free(states);
    if (scratch)
        free(scratch->spare);
    free(scratch);
    free(out->tiles);
    out->tiles = NULL;
    out->num_tiles = 0;
}

/* ---- the whole layout ----------------------------------------------------- */

static size_t arcs_bytes(uint64_t num_arcs)
{
    return (num_arcs ? num_arcs : 1) * sizeof(uint32_t);
}

int sf_tiled_arcs_build(sf_engine *e, sf_tiled_arcs *t)
{
    double start = sf_now();
    const sf_graph *g = sf_engine_graph(e);
    sf_hilbert_tables *h = malloc(sizeof *h);
    memset(t, 0, sizeof *t);
    t->num_shards = sf_engine_num_shards(e);
    t->num_arcs = g->num_arcs;
    t->symmetric = !g->directed;
    t->shards = calloc(t->num_shards ? t->num_shards : 1, sizeof *t->shards);
    /* mmap: pages untouched until a shard's worker writes its arcs. Not on
     * huge pages: they are read in order, and in a process whose memory is
     * fragmented a huge page fault can cost milliseconds of compaction. */
    void *map = mmap(NULL, arcs_bytes(t->num_arcs), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t->arcs = map == MAP_FAILED ? NULL : map;
    if (!h || !t->shards || !t->arcs)
        goto fail;
    /* each shard's arcs on its node, whichever worker builds them */
    sf_engine_place(e, t->arcs, arcs_bytes(t->num_arcs), sizeof(uint32_t), g->in_offsets);
    sf_hilbert_tables_init(h);
    struct build_arg arg = {.g = g, .t = t, .h = h};
    sf_engine_run(e, build_shard, &arg);
    if (arg.failed)
        goto fail;
    for (int i = 0; i < t->num_shards; i++) {
        const sf_tiled_shard *ts = &t->shards[i];
        t->num_tiles += ts->num_tiles;
        if (ts->num_tiles)
            t->stored_arcs += ts->tiles[ts->num_tiles - 1].end - ts->tiles[0].begin;
    }
    free(h);
    t->build_s = sf_now() - start;
    return 0;

fail:
    free(h);
    sf_tiled_arcs_fini(t);
    return -ENOMEM;
}

void sf_tiled_arcs_fini(sf_tiled_arcs *t)
{
    if (t->shards)
        for (int i = 0; i < t->num_shards; i++)
            free(t->shards[i].tiles);
    free(t->shards);
    if (t->arcs)
        munmap(t->arcs, arcs_bytes(t->num_arcs));
    memset(t, 0, sizeof *t);
}
