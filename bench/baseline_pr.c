/* Single-threaded PageRank baseline (COST): the fastest plain loop we can
 * write on one core, in two layouts. (a) CSR pull: every vertex sums the
 * contributions rank/outdeg of its in-neighbours, reading the adjacency in
 * order and the contributions at random. (b) Hilbert edge order, as in
 * McSherry et al.: arcs sorted by the Hilbert index of (src, dst), so that
 * consecutive arcs touch nearby sources and nearby destinations and both
 * the contribution and the accumulator reads stay in cache. The sorted
 * arcs are cut into the 2^16 x 2^16 tiles the curve visits one after the
 * other (an aligned square is one run of a Hilbert curve) and stored as two
 * 16-bit offsets into the tile, 4 bytes an arc. The figures that chose the
 * default are at DEFAULT_LAYOUT below. */
#include "bench/baseline_pr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

enum layout { LAYOUT_CSR, LAYOUT_HILBERT };

/* Measured on kron:22 (4M vertices, 128M arcs, undirected), AMD EPYC Zen4,
 * one thread, gcc -O3: see the report in the commit message. */
#define DEFAULT_LAYOUT LAYOUT_HILBERT

#define TILE_BITS 16

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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

/* ---- Hilbert curve, 4 levels per table lookup ---------------------------
 * The bitwise algorithm (Wikipedia's xy2d) transforms the remaining
 * coordinates after every level by a swap, or a swap and a complement of
 * both. Those commute and are their own inverses, so the transform so far
 * is one of four states (bit 0: swapped, bit 1: complemented) and a table
 * indexed by state and 4 bits of x and y gives 8 bits of the index and the
 * next state. Coordinates are 32 bits, indices 64. */
enum { H_SWAP = 1, H_COMPLEMENT = 2 };

typedef struct hilbert_tables {
    uint16_t encode[4][256];    /* [state][x4 << 4 | y4] -> d8 << 2 | state */
    uint16_t decode[4][256];    /* [state][d8] -> (x4 << 4 | y4) << 2 | state */
} hilbert_tables;

static void hilbert_tables_init(hilbert_tables *t)
{
    for (unsigned state0 = 0; state0 < 4; state0++) {
        for (unsigned in = 0; in < 256; in++) {
            /* encode: in = x4 << 4 | y4 */
            unsigned state = state0, d = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned bx = (in >> (4 + level)) & 1, by = (in >> level) & 1;
                if (state & H_COMPLEMENT) {
                    bx ^= 1;
                    by ^= 1;
                }
                if (state & H_SWAP) {
                    unsigned tmp = bx;
                    bx = by;
                    by = tmp;
                }
                d = d << 2 | ((3 * bx) ^ by);
                if (by == 0) {
                    if (bx == 1)
                        state ^= H_COMPLEMENT;
                    state ^= H_SWAP;
                }
            }
            t->encode[state0][in] = (uint16_t)(d << 2 | state);

            /* decode: in = d8 */
            state = state0;
            unsigned x = 0, y = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned q = (in >> (2 * level)) & 3;
                unsigned rx = q >> 1, ry = (q ^ rx) & 1;
                /* every state is its own inverse */
                unsigned bx = rx, by = ry;
                if (state & H_SWAP) {
                    unsigned tmp = bx;
                    bx = by;
                    by = tmp;
                }
                if (state & H_COMPLEMENT) {
                    bx ^= 1;
                    by ^= 1;
                }
                x = x << 1 | bx;
                y = y << 1 | by;
                if (ry == 0) {
                    if (rx == 1)
                        state ^= H_COMPLEMENT;
                    state ^= H_SWAP;
                }
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

/* LSD radix sort of 64-bit keys, 8 bits a pass; passes whose digit is the
 * same for every key are skipped (indices of a small graph have many
 * leading zeros). The result ends in *keys; *tmp is scratch of n keys. */
static void radix_sort_u64(uint64_t **keys, uint64_t **tmp, uint64_t n)
{
    static uint64_t count[8][256];
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

typedef struct tile {
    uint32_t src_base, dst_base;
    uint64_t end;               /* one past its last arc; begins where the previous ends */
} tile;

typedef struct hilbert_layout {
    uint32_t *arcs;             /* (dst & 0xffff) << 16 | (src & 0xffff) */
    tile *tiles;
    uint64_t num_tiles;
} hilbert_layout;

static void hilbert_layout_fini(hilbert_layout *h)
{
    free(h->arcs);
    free(h->tiles);
    memset(h, 0, sizeof *h);
}

/* Sorts the out-arcs of g along the Hilbert curve and cuts them into
 * tiles. The packed arcs are written over the sorted keys they come from
 * (arc i takes bytes 4i..4i+3, key i lies at 8i..8i+7), so the peak is two
 * key arrays. */
static int hilbert_layout_init(hilbert_layout *h, const sf_graph *g,
                               const sf_vid *new_of)
{
    memset(h, 0, sizeof *h);
    uint64_t m = g->num_arcs;
    hilbert_tables t;
    hilbert_tables_init(&t);

    uint64_t *keys = malloc((m ? m : 1) * sizeof *keys);
    uint64_t *tmp = malloc((m ? m : 1) * sizeof *tmp);
    if (!keys || !tmp)
        goto fail;
    for (sf_vid u = 0; u < g->num_vertices; u++)
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++)
            keys[e] = new_of ? hilbert_encode(&t, new_of[u], new_of[g->out_neighbors[e]])
                             : hilbert_encode(&t, u, g->out_neighbors[e]);
    radix_sort_u64(&keys, &tmp, m);
    free(tmp);
    tmp = NULL;

    uint64_t cap = 64;
    h->tiles = malloc(cap * sizeof *h->tiles);
    if (!h->tiles)
        goto fail;
    uint32_t *arcs = (uint32_t *)keys;
    const uint32_t high = ~(uint32_t)((1u << TILE_BITS) - 1);
    for (uint64_t i = 0; i < m; i++) {
        uint32_t u, v;
        hilbert_decode(&t, keys[i], &u, &v);
        if (h->num_tiles == 0 ||
            h->tiles[h->num_tiles - 1].src_base != (u & high) ||
            h->tiles[h->num_tiles - 1].dst_base != (v & high)) {
            if (h->num_tiles == cap) {
                tile *grown = realloc(h->tiles, 2 * cap * sizeof *grown);
                if (!grown)
                    goto fail;
                h->tiles = grown;
                cap *= 2;
            }
            h->tiles[h->num_tiles++] = (tile){u & high, v & high, i};
        }
        h->tiles[h->num_tiles - 1].end = i + 1;
        arcs[i] = (v & ~high) << 16 | (u & ~high);
    }
    h->arcs = realloc(keys, (m ? m : 1) * sizeof *arcs);
    if (!h->arcs)
        h->arcs = arcs;         /* shrinking failed: keep the larger block */
    return 0;

fail:
    free(keys);
    free(tmp);
    hilbert_layout_fini(h);
    return -ENOMEM;
}

/* ---- degree order -------------------------------------------------------
 * Kronecker and social graphs are skewed: on kron:22 the 128K vertices of
 * highest out-degree are the sources of 75% of the arcs. Renumbering by
 * descending out-degree packs those hot contributions into a few cache
 * lines instead of one line each. */

static void *alloc_big(size_t bytes)
{
    size_t huge = (size_t)2 << 20;
    size_t rounded = (bytes + huge - 1) & ~(huge - 1);
    if (rounded == 0)
        rounded = huge;
    void *p = aligned_alloc(huge, rounded);
#ifdef MADV_HUGEPAGE
    if (p)
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

typedef struct order {
    sf_vid *old_of;             /* new id -> old id; NULL: identity */
    sf_vid *new_of;             /* old id -> new id */
} order;

static void order_fini(order *o)
{
    free(o->old_of);
    free(o->new_of);
    o->old_of = o->new_of = NULL;
}

static int order_by_degree(order *o, const sf_graph *g)
{
    sf_vid n = g->num_vertices;
    uint64_t *keys = malloc(n * sizeof *keys), *tmp = malloc(n * sizeof *tmp);
    o->old_of = malloc(n * sizeof *o->old_of);
    o->new_of = malloc(n * sizeof *o->new_of);
    if (!keys || !tmp || !o->old_of || !o->new_of) {
        free(keys);
        free(tmp);
        order_fini(o);
        return -ENOMEM;
    }
    for (sf_vid v = 0; v < n; v++) {
        uint64_t deg = g->out_offsets[v + 1] - g->out_offsets[v];
        if (deg > UINT32_MAX)
            deg = UINT32_MAX;
        keys[v] = (uint64_t)(UINT32_MAX - deg) << 32 | v;
    }
    radix_sort_u64(&keys, &tmp, n);
    for (sf_vid i = 0; i < n; i++) {
        o->old_of[i] = (sf_vid)keys[i];
        o->new_of[(sf_vid)keys[i]] = i;
    }
    free(keys);
    free(tmp);
    return 0;
}

static int use_degree_order(void)
{
    const char *s = getenv("SF_PR_DEGREE");
    return s && s[0] == '1';
}

/* ---- the iterations ------------------------------------------------------ */

static int pr_hilbert(const sf_graph *g, int iterations, double damping,
                      double *rank, double *prepare_s, double *run_s)
{
    double t0 = now_s();
    sf_vid n = g->num_vertices;
    order o = {0};
    hilbert_layout h = {0};
    double *contrib = alloc_big(n * sizeof *contrib);
    double *next = alloc_big(n * sizeof *next);
    double *out_inv = alloc_big(n * sizeof *out_inv);
    double *r_new = NULL;
    if (!contrib || !next || !out_inv)
        goto nomem;
    if (use_degree_order()) {
        r_new = alloc_big(n * sizeof *r_new);
        if (!r_new || order_by_degree(&o, g))
            goto nomem;
    }
    if (hilbert_layout_init(&h, g, o.new_of))
        goto nomem;
    double t1 = now_s();
    if (prepare_s)
        *prepare_s = t1 - t0;

    double *r_out = r_new ? r_new : rank;
    const double inv_n = 1.0 / n;
    double dangling = 0;        /* rank mass on vertices without out-arcs */
    for (sf_vid i = 0; i < n; i++) {
        sf_vid v = o.old_of ? o.old_of[i] : i;
        sf_eid deg = g->out_offsets[v + 1] - g->out_offsets[v];
        out_inv[i] = deg ? 1.0 / (double)deg : 0.0;
        r_out[i] = inv_n;
        next[i] = 0;
        contrib[i] = deg ? inv_n / (double)deg : 0.0;
        if (!deg)
            dangling += inv_n;
    }

    for (int it = 0; it < iterations; it++) {
        const double base = (1.0 - damping) * inv_n + damping * dangling * inv_n;
        const uint32_t *arcs = h.arcs;
        uint64_t begin = 0;
        for (uint64_t k = 0; k < h.num_tiles; k++) {
            const double *c = contrib + h.tiles[k].src_base;
            double *acc = next + h.tiles[k].dst_base;
            uint64_t end = h.tiles[k].end;
            for (uint64_t i = begin; i < end; i++) {
                uint32_t a = arcs[i];
                acc[a >> 16] += c[a & 0xffff];
            }
            begin = end;
        }
        dangling = 0;
        for (sf_vid v = 0; v < n; v++) {
            double r = base + damping * next[v];
            r_out[v] = r;
            next[v] = 0;
            contrib[v] = r * out_inv[v];
            if (out_inv[v] == 0)
                dangling += r;
        }
    }
    if (r_new)
        for (sf_vid i = 0; i < n; i++)
            rank[o.old_of[i]] = r_new[i];
    if (run_s)
        *run_s = now_s() - t1;
    free(contrib);
    free(next);
    free(out_inv);
    free(r_new);
    order_fini(&o);
    hilbert_layout_fini(&h);
    return 0;

nomem:
    free(contrib);
    free(next);
    free(out_inv);
    free(r_new);
    order_fini(&o);
    hilbert_layout_fini(&h);
    return -ENOMEM;
}

/* In-arcs renumbered by o (lists left in the order the renumbering gives). */
typedef struct pull_layout {
    sf_eid *in_offsets;
    sf_vid *in_neighbors;
    uint32_t *out_degree;
} pull_layout;

static int pr_csr(const sf_graph *g, int iterations, double damping,
                  double *rank, double *prepare_s, double *run_s)
{
    double t0 = now_s();
    sf_vid n = g->num_vertices;
    order o = {0};
    sf_eid *in_off = g->in_offsets;
    sf_vid *in_nbr = g->in_neighbors;
    sf_eid *own_off = NULL;
    sf_vid *own_nbr = NULL;
    double *out_inv = alloc_big(n * sizeof *out_inv);  /* 1/outdeg, 0 if none */
    double *contrib = alloc_big(n * sizeof *contrib);
    double *contrib_next = alloc_big(n * sizeof *contrib_next);
    double *r_new = NULL;
    if (!out_inv || !contrib || !contrib_next)
        goto nomem;
    if (use_degree_order()) {
        if (order_by_degree(&o, g))
            goto nomem;
        own_off = alloc_big((n + (size_t)1) * sizeof *own_off);
        own_nbr = alloc_big((g->num_arcs ? g->num_arcs : 1) * sizeof *own_nbr);
        r_new = alloc_big(n * sizeof *r_new);
        if (!own_off || !own_nbr || !r_new)
            goto nomem;
        own_off[0] = 0;
        for (sf_vid i = 0; i < n; i++) {
            sf_vid v = o.old_of[i];
            sf_eid b = g->in_offsets[v], e = g->in_offsets[v + 1], k = own_off[i];
            for (sf_eid j = b; j < e; j++)
                own_nbr[k++] = o.new_of[g->in_neighbors[j]];
            own_off[i + 1] = k;
        }
        in_off = own_off;
        in_nbr = own_nbr;
    }
    double t1 = now_s();
    if (prepare_s)
        *prepare_s = t1 - t0;

    double *r_out = r_new ? r_new : rank;
    const double inv_n = 1.0 / n;
    double dangling = 0;
    for (sf_vid i = 0; i < n; i++) {
        sf_vid v = o.old_of ? o.old_of[i] : i;
        sf_eid deg = g->out_offsets[v + 1] - g->out_offsets[v];
        out_inv[i] = deg ? 1.0 / (double)deg : 0.0;
        r_out[i] = inv_n;
        contrib[i] = deg ? inv_n / (double)deg : 0.0;
        if (!deg)
            dangling += inv_n;
    }

    for (int it = 0; it < iterations; it++) {
        const double base = (1.0 - damping) * inv_n + damping * dangling * inv_n;
        double dangling_next = 0;
        for (sf_vid v = 0; v < n; v++) {
            /* two sums: the add latency, not the loads, bounds one chain */
            double s0 = 0, s1 = 0;
            sf_eid e = in_off[v], end = in_off[v + 1];
            for (; e + 1 < end; e += 2) {
                s0 += contrib[in_nbr[e]];
                s1 += contrib[in_nbr[e + 1]];
            }
            if (e < end)
                s0 += contrib[in_nbr[e]];
            double r = base + damping * (s0 + s1);
            r_out[v] = r;
            contrib_next[v] = r * out_inv[v];
            if (out_inv[v] == 0)
                dangling_next += r;
        }
        double *swap = contrib;
        contrib = contrib_next;
        contrib_next = swap;
        dangling = dangling_next;
    }
    if (r_new)
        for (sf_vid i = 0; i < n; i++)
            rank[o.old_of[i]] = r_new[i];
    if (run_s)
        *run_s = now_s() - t1;
    free(out_inv);
    free(contrib);
    free(contrib_next);
    free(own_off);
    free(own_nbr);
    free(r_new);
    order_fini(&o);
    return 0;

nomem:
    free(out_inv);
    free(contrib);
    free(contrib_next);
    free(own_off);
    free(own_nbr);
    free(r_new);
    order_fini(&o);
    return -ENOMEM;
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
        return pr_csr(g, iterations, damping, rank, prepare_s, run_s);
    return pr_hilbert(g, iterations, damping, rank, prepare_s, run_s);
}
