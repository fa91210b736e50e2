/* Single-threaded PageRank baseline (COST): the fastest plain loop we could
 * write for one core, in two layouts.
 *
 * hilbert (the default): the arcs in the order of a Hilbert curve over the
 * adjacency matrix, as in McSherry et al., after renumbering the vertices
 * by descending degree. The curve makes consecutive arcs touch nearby
 * sources and nearby destinations, so both the contribution reads and the
 * accumulator updates stay in cache; the renumbering gives the curve some
 * locality to find (a Kronecker graph's ids are a random permutation; on
 * kron:22 the 128K vertices of highest degree carry 75% of the arcs and
 * now share 1 MB instead of one cache line each). The sorted arcs are cut
 * into the 2^16 x 2^16 tiles the curve visits one after another (an
 * aligned square is one run of a Hilbert curve) and kept as two 16-bit
 * offsets into their tile: 4 bytes an arc, streamed once an iteration.
 *
 * csr: vertex-order pull over the graph's own in-arcs, no preparation:
 * every vertex sums rank/outdeg of its in-neighbours, reading those at
 * random. It is the loop GAP's pr.cc runs (in double precision here).
 *
 * Figures (AMD EPYC Zen4 VM, one thread, gcc -O3, min of 3 runs of 10
 * iterations, graph arrays on transparent huge pages):
 *   kron:22 undirected (4.2M vertices, 128M arcs): csr 600 ms/iteration;
 *   hilbert 140 ms/iteration after 7-8 s of preparation (without the
 *   degree renumbering hilbert runs at 500 ms/iteration).
 *   kron:20: csr 70 ms, hilbert 27 ms/iteration.
 * All large arrays are asked for on transparent huge pages: in a VM a TLB
 * miss costs a two-level page walk, and random access into 32 MB of 4 KB
 * pages ran several times slower. */
#include "bench/baseline_pr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum layout { LAYOUT_CSR, LAYOUT_HILBERT };
#define DEFAULT_LAYOUT LAYOUT_HILBERT

#define TILE_BITS 16
#define TILE_MASK ((1u << TILE_BITS) - 1)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* malloc, on 2 MiB pages when the block is big enough to care. */
static void *alloc_big(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < huge)
        return malloc(bytes ? bytes : 1);
    size_t rounded = (bytes + huge - 1) & ~(huge - 1);
    void *p = aligned_alloc(huge, rounded);
#ifdef MADV_HUGEPAGE
    if (p)
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

static enum layout chosen_layout(void)
{
    const char *s = getenv("SF_BASELINE_PR");
    if (s && strcmp(s, "csr") == 0)
        return LAYOUT_CSR;
    if (s && strcmp(s, "hilbert") == 0)
        return LAYOUT_HILBERT;
    return DEFAULT_LAYOUT;
}

/* LSD radix sort of 64-bit keys, 8 bits a pass; a pass whose digit is the
 * same in every key is skipped (the Hilbert indices of a graph of 2^22
 * vertices have 20 leading zeros). The result ends in *keys; *tmp is
 * scratch of n keys, the two may be exchanged. */
static void radix_sort_u64(uint64_t **keys, uint64_t **tmp, uint64_t n)
{
    uint64_t count[8][256];
    memset(count, 0, sizeof count);
    uint64_t *src = *keys, *dst = *tmp;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = src[i];
        for (int digit = 0; digit < 8; digit++)
            count[digit][(k >> (8 * digit)) & 255]++;
    }
    for (int digit = 0; digit < 8; digit++) {
        uint64_t *c = count[digit], sum = 0;
        int trivial = 0;
        for (int b = 0; b < 256; b++) {
            if (c[b] == n)
                trivial = 1;
            uint64_t k = c[b];
            c[b] = sum;
            sum += k;
        }
        if (trivial)
            continue;
        int shift = 8 * digit;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = src[i];
            dst[c[(k >> shift) & 255]++] = k;
        }
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    *keys = src;
    *tmp = dst;
}

/* ---- Hilbert curve, 4 levels a table lookup ------------------------------
 * The bitwise algorithm (Wikipedia's xy2d) transforms the remaining bits of
 * x and y after every level by a swap, or by a swap and a complement of
 * both. Those commute and are their own inverses, so the transform so far
 * is one of four states (bit 0: swapped, bit 1: complemented), and a table
 * indexed by the state and 4 bits of x and y gives 8 bits of the index and
 * the next state. Coordinates are 32 bits, indices 64. */
enum { H_SWAP = 1, H_COMPLEMENT = 2 };

typedef struct hilbert_tables {
    uint16_t encode[4][256];    /* [state][x4 << 4 | y4] -> d8 << 2 | state' */
    uint16_t decode[4][256];    /* [state][d8] -> (x4 << 4 | y4) << 2 | state' */
} hilbert_tables;

static unsigned hilbert_next_state(unsigned state, unsigned rx, unsigned ry)
{
    if (ry == 0) {
        if (rx == 1)
            state ^= H_COMPLEMENT;
        state ^= H_SWAP;
    }
    return state;
}

static void hilbert_tables_init(hilbert_tables *t)
{
    for (unsigned state0 = 0; state0 < 4; state0++) {
        for (unsigned in = 0; in < 256; in++) {
            unsigned state = state0, d = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned rx = (in >> (4 + level)) & 1, ry = (in >> level) & 1;
                if (state & H_COMPLEMENT) {
                    rx ^= 1;
                    ry ^= 1;
                }
                if (state & H_SWAP) {
                    unsigned swap = rx;
                    rx = ry;
                    ry = swap;
                }
                d = d << 2 | ((3 * rx) ^ ry);
                state = hilbert_next_state(state, rx, ry);
            }
            t->encode[state0][in] = (uint16_t)(d << 2 | state);

            state = state0;
            unsigned x = 0, y = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned q = (in >> (2 * level)) & 3;
                unsigned rx = q >> 1, ry = (q ^ rx) & 1;
                unsigned bx = rx, by = ry; /* undo the state: its own inverse */
                if (state & H_SWAP) {
                    bx = ry;
                    by = rx;
                }
                if (state & H_COMPLEMENT) {
                    bx ^= 1;
                    by ^= 1;
                }
                x = x << 1 | bx;
                y = y << 1 | by;
                state = hilbert_next_state(state, rx, ry);
            }
            t->decode[state0][in] = (uint16_t)((x << 4 | y) << 2 | state);
        }
    }
}

static inline uint64_t hilbert_encode(const hilbert_tables *t, uint32_t x,
                                      uint32_t y)
{
    uint64_t d = 0;
    unsigned state = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        unsigned e = t->encode[state][((x >> shift) & 15) << 4 |
                                      ((y >> shift) & 15)];
        d = d << 8 | (e >> 2);
        state = e & 3;
    }
    return d;
}

static inline void hilbert_decode(const hilbert_tables *t, uint64_t d,
                                  uint32_t *x, uint32_t *y)
{
    uint32_t rx = 0, ry = 0;
    unsigned state = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
        unsigned e = t->decode[state][(d >> shift) & 255];
        rx = rx << 4 | ((e >> 6) & 15);
        ry = ry << 4 | ((e >> 2) & 15);
        state = e & 3;
    }
    *x = rx;
    *y = ry;
}

/* ---- degree order --------------------------------------------------------
 * New ids by descending degree (out + in, each arc counted at both ends),
 * ties by old id. Isolated vertices come last: [num_live, n) is every
 * vertex without an arc, which the iterations then never touch. */
typedef struct degree_order {
    sf_vid *old_of;             /* new id -> old id */
    sf_vid *new_of;             /* old id -> new id */
    sf_vid num_live;
} degree_order;

static void degree_order_fini(degree_order *o)
{
    free(o->old_of);
    free(o->new_of);
    o->old_of = o->new_of = NULL;
}

static int degree_order_init(degree_order *o, const sf_graph *g)
{
    sf_vid n = g->num_vertices;
    uint64_t *keys = alloc_big(n * sizeof *keys);
    uint64_t *tmp = alloc_big(n * sizeof *tmp);
    o->old_of = alloc_big(n * sizeof *o->old_of);
    o->new_of = alloc_big(n * sizeof *o->new_of);
    if (!keys || !tmp || !o->old_of || !o->new_of) {
        free(keys);
        free(tmp);
        degree_order_fini(o);
        return -ENOMEM;
    }
    o->num_live = 0;
    for (sf_vid v = 0; v < n; v++) {
        uint64_t deg = sf_out_degree(g, v);
        if (g->directed)
            deg += sf_in_degree(g, v);
        if (deg)
            o->num_live++;
        if (deg > UINT32_MAX)
            deg = UINT32_MAX;
        keys[v] = (uint64_t)(UINT32_MAX - deg) << 32 | v;
    }
    radix_sort_u64(&keys, &tmp, n);
    for (sf_vid i = 0; i < n; i++) {
        sf_vid v = (sf_vid)keys[i];
        o->old_of[i] = v;
        o->new_of[v] = i;
    }
    free(keys);
    free(tmp);
    return 0;
}

/* ---- the Hilbert layout -------------------------------------------------- */

typedef struct tile {
    uint32_t src_base, dst_base;
    uint64_t end;               /* one past its last arc; it begins where the previous tile ends */
} tile;

typedef struct hilbert_layout {
    uint32_t *arcs;             /* (dst & TILE_MASK) << 16 | (src & TILE_MASK) */
    tile *tiles;
    uint64_t num_tiles;
} hilbert_layout;

static void hilbert_layout_fini(hilbert_layout *h)
{
    free(h->arcs);
    free(h->tiles);
    memset(h, 0, sizeof *h);
}

/* Sorts the out-arcs of g, renumbered by new_of, along the Hilbert curve
 * and cuts them into tiles. Peak memory: two 8-byte keys an arc. */
static int hilbert_layout_init(hilbert_layout *h, const sf_graph *g,
                               const sf_vid *new_of)
{
    memset(h, 0, sizeof *h);
    uint64_t m = g->num_arcs;
    uint64_t *keys = alloc_big(m * sizeof *keys);
    uint64_t *tmp = alloc_big(m * sizeof *tmp);
    uint64_t cap = 64;
    h->tiles = malloc(cap * sizeof *h->tiles);
    if (!keys || !tmp || !h->tiles)
        goto fail;

    /* Renumber, then encode, in two passes: a cache miss on new_of ahead
     * of the chain of dependent table lookups stalled the core six times
     * longer than the two loops apart. */
    for (sf_vid u = 0; u < g->num_vertices; u++) {
        uint64_t src = new_of[u];
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            keys[e] = src << 32 | new_of[g->out_neighbors[e]];
    }
    hilbert_tables t;
    hilbert_tables_init(&t);
    for (uint64_t e = 0; e < m; e++)
        keys[e] = hilbert_encode(&t, (uint32_t)(keys[e] >> 32), (uint32_t)keys[e]);
    radix_sort_u64(&keys, &tmp, m);
    free(tmp);
    tmp = NULL;

    h->arcs = alloc_big(m * sizeof *h->arcs);
    if (!h->arcs)
        goto fail;
    for (uint64_t i = 0; i < m; i++) {
        uint32_t u, v;
        hilbert_decode(&t, keys[i], &u, &v);
        uint32_t ub = u & ~TILE_MASK, vb = v & ~TILE_MASK;
        tile *last = h->num_tiles ? &h->tiles[h->num_tiles - 1] : NULL;
        if (!last || last->src_base != ub || last->dst_base != vb) {
            if (h->num_tiles == cap) {
                tile *grown = realloc(h->tiles, 2 * cap * sizeof *grown);
                if (!grown)
                    goto fail;
                h->tiles = grown;
                cap *= 2;
            }
            last = &h->tiles[h->num_tiles++];
            last->src_base = ub;
            last->dst_base = vb;
        }
        last->end = i + 1;
        h->arcs[i] = (v & TILE_MASK) << 16 | (u & TILE_MASK);
    }
    free(keys);
    return 0;

fail:
    free(keys);
    free(tmp);
    hilbert_layout_fini(h);
    return -ENOMEM;
}

/* ---- the iterations ------------------------------------------------------
 * Both loops keep contrib[u] = PR(u)/outdeg(u) and the dangling mass of the
 * previous iteration; base = (1-d)/N + d/N * dangling. */

static int pr_hilbert(const sf_graph *g, int iterations, double damping,
                      double *rank, double *prepare_s, double *run_s)
{
    double t0 = now_s();
    const sf_vid n = g->num_vertices;
    degree_order o = {0};
    hilbert_layout h = {0};
    double *contrib = alloc_big(n * sizeof *contrib);
    double *acc = alloc_big(n * sizeof *acc);          /* sum of contributions in */
    double *out_inv = alloc_big(n * sizeof *out_inv);  /* 1/outdeg, 0 if none */
    if (!contrib || !acc || !out_inv)
        goto nomem;
    if (degree_order_init(&o, g))
        goto nomem;
    if (hilbert_layout_init(&h, g, o.new_of))
        goto nomem;
    double t1 = now_s();
    if (prepare_s)
        *prepare_s = t1 - t0;

    /* [0, live) in new ids; the isolated rest have rank base throughout
     * and count in the dangling mass, all without being touched. */
    const sf_vid live = o.num_live;
    const double isolated = (double)(n - live);
    const double inv_n = 1.0 / n;
    double dangling = isolated * inv_n;
    for (sf_vid i = 0; i < live; i++) {
        sf_eid deg = sf_out_degree(g, o.old_of[i]);
        out_inv[i] = deg ? 1.0 / (double)deg : 0.0;
        contrib[i] = inv_n * out_inv[i];
        acc[i] = 0;
        if (!deg)
            dangling += inv_n;
    }

    double base = inv_n;        /* the answer for 0 iterations */
    for (int it = 0; it < iterations; it++) {
        const uint32_t *arcs = h.arcs;
        uint64_t begin = 0;
        for (uint64_t k = 0; k < h.num_tiles; k++) {
            const double *c = contrib + h.tiles[k].src_base;
            double *a = acc + h.tiles[k].dst_base;
            const uint64_t end = h.tiles[k].end;
            for (uint64_t i = begin; i < end; i++) {
                uint32_t arc = arcs[i];
                a[arc >> 16] += c[arc & 0xffff];
            }
            begin = end;
        }
        base = (1.0 - damping) * inv_n + damping * inv_n * dangling;
        if (it + 1 == iterations)
            break;              /* acc holds the last sums: written out below */
        double next_dangling = isolated * base;
        for (sf_vid i = 0; i < live; i++) {
            double r = base + damping * acc[i];
            acc[i] = 0;
            contrib[i] = r * out_inv[i];
            if (out_inv[i] == 0)
                next_dangling += r;
        }
        dangling = next_dangling;
    }
    for (sf_vid i = 0; i < n; i++)
        rank[o.old_of[i]] = i < live && iterations > 0 ? base + damping * acc[i] : base;
    if (run_s)
        *run_s = now_s() - t1;

    free(contrib);
    free(acc);
    free(out_inv);
    degree_order_fini(&o);
    hilbert_layout_fini(&h);
    return 0;

nomem:
    free(contrib);
    free(acc);
    free(out_inv);
    degree_order_fini(&o);
    hilbert_layout_fini(&h);
    return -ENOMEM;
}

static int pr_csr(const sf_graph *g, int iterations, double damping,
                  double *rank, double *run_s)
{
    double t0 = now_s();
    const sf_vid n = g->num_vertices;
    /* contributions of the previous iteration, and those being written */
    double *contrib = alloc_big(n * sizeof *contrib);
    double *contrib_next = alloc_big(n * sizeof *contrib_next);
    if (!contrib || !contrib_next) {
        free(contrib);
        free(contrib_next);
        return -ENOMEM;
    }

    const double inv_n = 1.0 / n;
    double dangling = 0;
    for (sf_vid v = 0; v < n; v++) {
        sf_eid deg = sf_out_degree(g, v);
        rank[v] = inv_n;
        contrib[v] = deg ? inv_n / (double)deg : 0.0;
        if (!deg)
            dangling += inv_n;
    }

    const sf_eid *in_off = g->in_offsets, *out_off = g->out_offsets;
    const sf_vid *in_nbr = g->in_neighbors;
    for (int it = 0; it < iterations; it++) {
        const double base = (1.0 - damping) * inv_n + damping * inv_n * dangling;
        double next_dangling = 0;
        for (sf_vid v = 0; v < n; v++) {
            /* two sums: one chain of dependent adds would bound the loop */
            double s0 = 0, s1 = 0;
            sf_eid e = in_off[v];
            const sf_eid end = in_off[v + 1];
            for (; e + 1 < end; e += 2) {
                s0 += contrib[in_nbr[e]];
                s1 += contrib[in_nbr[e + 1]];
            }
            if (e < end)
                s0 += contrib[in_nbr[e]];
            double r = base + damping * (s0 + s1);
            sf_eid deg = out_off[v + 1] - out_off[v];
            rank[v] = r;
            if (deg) {
                contrib_next[v] = r / (double)deg;
            } else {
                contrib_next[v] = 0;
                next_dangling += r;
            }
        }
        double *swap = contrib;
        contrib = contrib_next;
        contrib_next = swap;
        dangling = next_dangling;
    }
    if (run_s)
        *run_s = now_s() - t0;
    free(contrib);
    free(contrib_next);
    return 0;
}

int sf_baseline_pr(const sf_graph *g, int iterations, double damping,
                   double *rank, double *prepare_s, double *run_s)
{
    if (prepare_s)
        *prepare_s = 0;
    if (run_s)
        *run_s = 0;
    if (g->num_vertices == 0)
        return 0;
    if (iterations < 0)
        iterations = 0;
    if (chosen_layout() == LAYOUT_CSR)
        return pr_csr(g, iterations, damping, rank, run_s);
    return pr_hilbert(g, iterations, damping, rank, prepare_s, run_s);
}
