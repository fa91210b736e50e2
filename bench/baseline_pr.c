/* Single-threaded PageRank baseline (COST): the fastest plain loop we could
 * write for one core, in two layouts.
 *
 * hilbert (the default): the arcs in the order of a Hilbert curve over the
 * adjacency matrix, as in McSherry et al., after renumbering the vertices
 * by descending degree. The curve makes consecutive arcs touch nearby
 * sources and nearby destinations, so the contribution reads and the
 * accumulator updates stay in cache; the renumbering gives the curve
 * locality to find (a Kronecker graph's ids are a random permutation; on
 * kron:22 the 128K vertices of highest degree carry 75% of the arcs and
 * now share 1 MB instead of a cache line each). The sorted arcs are cut
 * into the 2^16 x 2^16 tiles the curve visits one after another (an
 * aligned square is one run of a Hilbert curve) and kept as two 16-bit
 * offsets into their tile: 4 bytes an arc, streamed once an iteration. An
 * undirected graph keeps each edge once and updates both ends, which
 * halves the stream and the preparation.
 *
 * csr: vertex-order pull over the graph's own in-arcs, no preparation:
 * every vertex sums rank/outdeg of its in-neighbours, read at random. It
 * is the loop of GAP's pr.cc (in double precision here).
 *
 * Figures (Graph500 Kronecker graphs, edge factor 16, random ids; AMD EPYC
 * Zen4 VM, one thread, gcc -O3, best of 5 runs of 10 iterations):
 *   kron:22 undirected (4.2M vertices, 128M arcs): hilbert 104 ms an
 *     iteration after 3.5-6.5 s of preparation; csr 550 ms; hilbert
 *     without the renumbering about 500 ms. With ids already in degree
 *     order (as the engine builds graphs): hilbert 109 ms, csr 260 ms.
 *     (GAP's pr.cc, in float: about 195 ms on this machine class.)
 *   kron:22 directed (65M arcs): hilbert 78 ms, csr 325 ms.
 *   kron:20 undirected (31M arcs): hilbert 22 ms after 0.7 s, csr 72 ms.
 * Large arrays are asked for on transparent huge pages: random access into
 * 32 MB ran 20-30% faster on 2 MiB pages in the VM measured. */
#include "bench/baseline_pr.h"
#include "engine/hilbert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum layout { LAYOUT_HILBERT, LAYOUT_CSR }; /* the knob's values, the default first */
static const char *const layouts[] = {"hilbert", "csr", NULL};
const sf_env_knob sf_baseline_pr_layout = {"SF_BASELINE_PR", layouts};

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
    return sf_env_choice(&sf_baseline_pr_layout) == LAYOUT_CSR ? LAYOUT_CSR : LAYOUT_HILBERT;
}

/* LSD radix sort of 64-bit keys, 11 bits a pass (fewer passes over memory
 * beat the longer bucket table); a pass whose digit is the same in every
 * key is skipped (the Hilbert indices of a graph of 2^22 vertices have 20
 * leading zeros: 4 passes). The caller counts the digits, as it writes
 * the keys, with radix_count. The result ends in *keys; *tmp is scratch of
 * n keys, and the two may be exchanged. */
#define RADIX_BITS 11
#define RADIX_DIGITS ((64 + RADIX_BITS - 1) / RADIX_BITS)
#define RADIX_BUCKETS (1u << RADIX_BITS)

typedef uint64_t radix_counts[RADIX_DIGITS][RADIX_BUCKETS];

static inline void radix_count(radix_counts count, uint64_t key)
{
    for (int digit = 0; digit < RADIX_DIGITS; digit++)
        count[digit][(key >> (RADIX_BITS * digit)) & (RADIX_BUCKETS - 1)]++;
}

static void radix_sort_u64(uint64_t **keys, uint64_t **tmp, uint64_t n,
                           radix_counts count)
{
    uint64_t *src = *keys, *dst = *tmp;
    for (int digit = 0; digit < RADIX_DIGITS; digit++) {
        uint64_t *c = count[digit], sum = 0;
        int trivial = 0;
        for (unsigned b = 0; b < RADIX_BUCKETS; b++) {
            if (c[b] == n)
                trivial = 1;
            uint64_t k = c[b];
            c[b] = sum;
            sum += k;
        }
        if (trivial)
            continue;
        const int shift = RADIX_BITS * digit;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = src[i];
            dst[c[(k >> shift) & (RADIX_BUCKETS - 1)]++] = k;
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
/* The 64-bit index of (x, y): the top 16 levels, then the bottom 16 from
 * the state they leave. */
static inline uint64_t hilbert_encode(const sf_hilbert_tables *t, uint32_t x, uint32_t y)
{
    unsigned state = 0;
    uint64_t high = sf_hilbert_encode16(t, &state, x >> 16, y >> 16);
    return high << 32 | sf_hilbert_encode16(t, &state, x & 0xffff, y & 0xffff);
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
    const sf_vid n = g->num_vertices;
    uint64_t *keys = alloc_big(n * sizeof *keys);
    uint64_t *tmp = alloc_big(n * sizeof *tmp);
    radix_counts *count = calloc(1, sizeof *count);
    o->old_of = alloc_big(n * sizeof *o->old_of);
    o->new_of = alloc_big(n * sizeof *o->new_of);
    if (!keys || !tmp || !count || !o->old_of || !o->new_of) {
        free(keys);
        free(tmp);
        free(count);
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
        radix_count(*count, keys[v]);
    }
    radix_sort_u64(&keys, &tmp, n, *count);
    for (sf_vid i = 0; i < n; i++) {
        sf_vid v = (sf_vid)keys[i];
        o->old_of[i] = v;
        o->new_of[v] = i;
    }
    free(keys);
    free(tmp);
    free(count);
    return 0;
}

/* ---- the Hilbert layout -------------------------------------------------- */

typedef struct tile {
    uint32_t src_base, dst_base;
    uint64_t end;       /* one past its last arc; it begins where the last tile ends */
} tile;

/* Directed: every arc src -> dst. Undirected (symmetric): every edge once,
 * as src < dst in new ids; it stands for both of its arcs. */
typedef struct hilbert_layout {
    uint32_t *arcs;             /* (dst & TILE_MASK) << 16 | (src & TILE_MASK) */
    uint64_t num_arcs;
    tile *tiles;
    uint64_t num_tiles;
    bool symmetric;
} hilbert_layout;

static void hilbert_layout_fini(hilbert_layout *h)
{
    free(h->arcs);
    free(h->tiles);
    memset(h, 0, sizeof *h);
}

/* Sorts the arcs of g, renumbered by new_of, along the Hilbert curve and
 * cuts them into tiles. Peak memory: two 8-byte keys an arc (a directed
 * graph) or an edge (an undirected one). */
static int hilbert_layout_init(hilbert_layout *h, const sf_graph *g,
                               const sf_vid *new_of)
{
    memset(h, 0, sizeof *h);
    const sf_vid n = g->num_vertices;
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    h->symmetric = !g->directed;
    uint64_t m = g->num_arcs;
    if (h->symmetric) {
        /* the arcs u -> v with v < u: lists are ascending */
        m = 0;
        for (sf_vid u = 0; u < n; u++)
            for (sf_eid e = off[u]; e < off[u + 1] && nbr[e] < u; e++)
                m++;
    }
    h->num_arcs = m;
    uint64_t *keys = alloc_big(m * sizeof *keys);
    uint64_t *tmp = alloc_big(m * sizeof *tmp);
    radix_counts *count = calloc(1, sizeof *count);
    uint64_t cap = 64;
    h->tiles = malloc(cap * sizeof *h->tiles);
    if (!keys || !tmp || !count || !h->tiles)
        goto fail;

    /* Renumber, then encode, in two passes: a cache miss on new_of ahead
     * of the chain of dependent table lookups stalled the core: 8 s on
     * kron:22 against 2 s for the two loops apart. */
    uint64_t k = 0;
    for (sf_vid u = 0; u < n; u++) {
        uint64_t nu = new_of[u];
        for (sf_eid e = off[u]; e < off[u + 1]; e++) {
            sf_vid v = nbr[e];
            if (h->symmetric && v >= u)
                break;
            uint64_t nv = new_of[v];
            keys[k++] = !h->symmetric || nu < nv ? nu << 32 | nv : nv << 32 | nu;
        }
    }
    sf_hilbert_tables t;
    sf_hilbert_tables_init(&t);
    for (uint64_t e = 0; e < m; e++) {
        keys[e] = hilbert_encode(&t, (uint32_t)(keys[e] >> 32), (uint32_t)keys[e]);
        radix_count(*count, keys[e]);
    }
    radix_sort_u64(&keys, &tmp, m, *count);
    free(tmp);
    tmp = NULL;
    free(count);
    count = NULL;

    h->arcs = alloc_big(m * sizeof *h->arcs);
    if (!h->arcs)
        goto fail;
    uint32_t high = 0, x_high = 0, y_high = 0;
    unsigned state = sf_hilbert_decode16(&t, 0, 0, &x_high, &y_high);
    for (uint64_t i = 0; i < m; i++) {
        if ((uint32_t)(keys[i] >> 32) != high) {
            high = (uint32_t)(keys[i] >> 32);
            state = sf_hilbert_decode16(&t, 0, high, &x_high, &y_high);
        }
        uint32_t u, v;
        sf_hilbert_decode16(&t, state, (uint32_t)keys[i], &u, &v);
        u |= x_high << 16;
        v |= y_high << 16;
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
    free(count);
    hilbert_layout_fini(h);
    return -ENOMEM;
}

/* ---- the iterations ------------------------------------------------------
 * Both loops keep contrib[u] = PR(u)/outdeg(u) and the dangling mass of the
 * previous iteration; base = (1-d)/N + d/N * dangling. The dangling mass is
 * a sum of up to N similar terms (1.8M on kron:22): summed naively its
 * error reached 1e-11 relative in every rank, so it is compensated. */

typedef struct compensated {
    double sum, carry;
} compensated;

static inline void compensated_add(compensated *s, double x)
{
    double y = x - s->carry;
    double t = s->sum + y;
    s->carry = (t - s->sum) - y;
    s->sum = t;
}

/* acc[dst] += contrib[src] over the arcs, in curve order; an edge of an
 * undirected layout does it both ways. */
static void hilbert_spread(const hilbert_layout *h, const double *contrib,
                           double *acc)
{
    const uint32_t *arcs = h->arcs;
    uint64_t begin = 0;
    for (uint64_t k = 0; k < h->num_tiles; k++) {
        const tile *t = &h->tiles[k];
        const double *c_src = contrib + t->src_base, *c_dst = contrib + t->dst_base;
        double *a_src = acc + t->src_base, *a_dst = acc + t->dst_base;
        if (h->symmetric) {
            for (uint64_t i = begin; i < t->end; i++) {
                uint32_t src = arcs[i] & 0xffff, dst = arcs[i] >> 16;
                a_dst[dst] += c_src[src];
                a_src[src] += c_dst[dst];
            }
        } else {
            for (uint64_t i = begin; i < t->end; i++)
                a_dst[arcs[i] >> 16] += c_src[arcs[i] & 0xffff];
        }
        begin = t->end;
    }
}

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
    compensated dangling = {isolated * inv_n, 0};
    for (sf_vid i = 0; i < live; i++) {
        sf_eid deg = sf_out_degree(g, o.old_of[i]);
        out_inv[i] = deg ? 1.0 / (double)deg : 0.0;
        contrib[i] = inv_n * out_inv[i];
        acc[i] = 0;
        if (!deg)
            compensated_add(&dangling, inv_n);
    }

    double base = inv_n;        /* the answer for 0 iterations */
    for (int it = 0; it < iterations; it++) {
        hilbert_spread(&h, contrib, acc);
        base = (1.0 - damping) * inv_n + damping * inv_n * dangling.sum;
        if (it + 1 == iterations)
            break;              /* acc holds the last sums: written out below */
        compensated next_dangling = {isolated * base, 0};
        for (sf_vid i = 0; i < live; i++) {
            double r = base + damping * acc[i];
            acc[i] = 0;
            contrib[i] = r * out_inv[i];
            if (out_inv[i] == 0)
                compensated_add(&next_dangling, r);
        }
        dangling = next_dangling;
    }
    for (sf_vid v = 0; v < n; v++) {   /* random reads beat random writes */
        sf_vid i = o.new_of[v];
        rank[v] = i < live && iterations > 0 ? base + damping * acc[i] : base;
    }
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
    compensated dangling = {0, 0};
    for (sf_vid v = 0; v < n; v++) {
        sf_eid deg = sf_out_degree(g, v);
        rank[v] = inv_n;
        contrib[v] = deg ? inv_n / (double)deg : 0.0;
        if (!deg)
            compensated_add(&dangling, inv_n);
    }

    const sf_eid *in_off = g->in_offsets, *out_off = g->out_offsets;
    const sf_vid *in_nbr = g->in_neighbors;
    for (int it = 0; it < iterations; it++) {
        const double base = (1.0 - damping) * inv_n + damping * inv_n * dangling.sum;
        compensated next_dangling = {0, 0};
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
                compensated_add(&next_dangling, r);
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
