/* gapbs serialized graphs. The file is a CSR dump, so every count in it is
 * checked before anything is trusted: the header's vertex and arc counts
 * give the exact file size (a shorter or longer file is reported at the
 * byte where it goes wrong), the offsets must run from 0 up to the arc
 * count without going down, and every neighbour must be a vertex. Only then
 * is the out-CSR expanded into arcs, in parallel over equal slices of arcs
 * (each finds its first vertex by binary search), so a hub does not leave
 * one thread with all the work; an undirected graph that is symmetric
 * (checked by comparing keyed hash sums of its up and down arcs, in one
 * streaming pass that also counts each slice's kept arcs, so that the
 * expansion knows where every slice writes) gives one arc of each pair,
 * picked by a hash of the pair so that every row keeps about half its
 * arcs. All reads go through memcpy: after the 17-byte header nothing is
 * aligned.
 *
 * Every step works on one range of arcs, held in a buffer that starts at
 * the range's first arc, beside all the offsets: one process's range is the
 * whole file [0, M), a share's (several processes, each its own) a slice
 * of it, read alone. Sums over ranges add up, so the symmetry of the whole
 * file is the sum of the shares' sums. */
#include "io/gapbs.h"
#include "io/bytes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/parallel.h"
#include "io/reader.h"

#define HEADER_BYTES 17
/* gapbs ids are int32: at most 2^31 vertices. */
#define MAX_GAPBS_VERTICES ((uint64_t)1 << 31)

/* Saturating arithmetic for sizes computed from untrusted counts. */
static uint64_t add_sat(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* What the header says, and where each array starts in the file. */
struct layout {
    bool directed;
    uint64_t vertices, arcs;
    size_t arc_bytes;                     /* 4, or 8 with weights */
    uint64_t offsets_at[2], arcs_at[2];   /* [0] the out-CSR, [1] the in-CSR */
};

/* Lays out a file with L's header (directed, vertices, arcs, arc_bytes):
 * where each section starts, the in-CSR's after the out-CSR's for a
 * directed graph, and returns the file's size. Saturating: a header whose
 * sizes overflow 64 bits gives UINT64_MAX, which no file has. */
static uint64_t lay_out(struct layout *L)
{
    uint64_t offsets_bytes = 8 * (L->vertices + 1), arcs_bytes = mul_sat(L->arcs, L->arc_bytes);
    uint64_t at = HEADER_BYTES;
    for (int c = 0; c < 2; c++) {
        L->offsets_at[c] = at;
        L->arcs_at[c] = add_sat(at, offsets_bytes);
        at = add_sat(L->arcs_at[c], arcs_bytes);
        if (!L->directed)
            break;
    }
    return at;
}

/* Checks the header (the file's first min(size, 17) bytes) against the
 * file's size (not 0), and lays the file out. */
static int read_layout(const char *path, const unsigned char *header, uint64_t size,
                       bool weighted, struct layout *L, sf_error *err)
{
    if (size < HEADER_BYTES)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": the file ends in the "
                            "%d-byte header", path, size, HEADER_BYTES);
    if (header[0] > 1)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 0: directed flag %u (expected 0 or 1)",
                            path, header[0]);
    bool directed = header[0] == 1;
    int64_t arcs = (int64_t)sf_load_le64(header + 1), vertices = (int64_t)sf_load_le64(header + 9);
    if (arcs < 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 1: negative arc count %" PRId64, path,
                            arcs);
    if (vertices < 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 9: negative vertex count %" PRId64,
                            path, vertices);
    if ((uint64_t)vertices > MAX_GAPBS_VERTICES)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 9: %" PRId64 " vertices, more than "
                            "the 32-bit ids of a gapbs graph allow", path, vertices);

    uint64_t n = (uint64_t)vertices, m = (uint64_t)arcs;
    *L = (struct layout){.directed = directed, .vertices = n, .arcs = m,
                         .arc_bytes = weighted ? 8 : 4};
    uint64_t expected = lay_out(L);
    if (size < expected) {
        /* the last section that starts within the file */
        const char *names[4] = {"out-offsets", "out-arcs", "in-offsets", "in-arcs"};
        uint64_t starts[4] = {L->offsets_at[0], L->arcs_at[0], L->offsets_at[1], L->arcs_at[1]};
        int s = 0;
        while (s + 1 < (directed ? 4 : 2) && starts[s + 1] <= size)
            s++;
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": the file ends in the "
                            "%s (%s with %" PRIu64 " vertices and %" PRIu64 " arcs takes %" PRIu64
                            " bytes)", path, size, names[s],
                            directed ? "a directed graph" : "an undirected graph", n, m, expected);
    }
    if (size > expected)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": %" PRIu64 " bytes past "
                            "the end of the graph (%" PRIu64 " vertices and %" PRIu64 " arcs)",
                            path, expected, size - expected, n, m);
    return 0;
}

/* One CSR of the file with arcs [first, last) of it in memory: `offsets`
 * holds all N + 1 offsets and `arc_data` arc `first` onwards, as the file
 * lays them out; offsets_at and arcs_at say where the two arrays start in
 * the file, for messages. */
struct csr {
    const char *name;                      /* "out" or "in", for messages */
    const unsigned char *offsets, *arc_data;
    uint64_t offsets_at, arcs_at;
    uint64_t vertices, arcs;
    uint64_t first, last;
    size_t arc_bytes;
};

static struct csr csr_of(const struct layout *L, int which, const unsigned char *offsets,
                         const unsigned char *arc_data, uint64_t first, uint64_t last)
{
    return (struct csr){which ? "in" : "out", offsets, arc_data, L->offsets_at[which],
                        L->arcs_at[which], L->vertices, L->arcs, first, last, L->arc_bytes};
}

static inline uint64_t csr_offset(const struct csr *c, uint64_t v)
{
    return sf_load_le64(c->offsets + 8 * v);
}

/* Arc k, first <= k < last. */
static inline const unsigned char *csr_arc(const struct csr *c, uint64_t k)
{
    return c->arc_data + c->arc_bytes * (k - c->first);
}

static inline uint32_t csr_neighbour(const struct csr *c, uint64_t k)
{
    return sf_load_le32(csr_arc(c, k));
}

static inline int32_t csr_weight(const struct csr *c, uint64_t k)
{
    return (int32_t)sf_load_le32(csr_arc(c, k) + 4);
}

/* The vertex whose arcs hold arc k: the last v with offset(v) <= k (the
 * offsets are known to be non-decreasing). */
static uint64_t vertex_of_arc(const struct csr *c, uint64_t k)
{
    uint64_t lo = 0, hi = c->vertices; /* offset(lo) <= k < offset(hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (csr_offset(c, mid) <= k)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Slice `slice` [*begin, *end) of the range's arcs, of SF_GAPBS_SLICES
 * equal slices. The passes over arcs go slice by slice, spread over the
 * threads, each slice finding its first vertex by binary search: the same
 * slices whatever the team, so what one pass counts per slice tells the
 * next where each slice writes. */
static void arc_slice(const struct csr *c, uint64_t slice, uint64_t *begin, uint64_t *end)
{
    uint64_t m = c->last - c->first;
    *begin = c->first + sf_part_first(m, slice, SF_GAPBS_SLICES);
    *end = c->first + sf_part_first(m, slice + 1, SF_GAPBS_SLICES);
}

/* Checks all the offsets, then the neighbours of the range's arcs: the
 * first fault in file order is the message. */
static int check_csr(const char *path, const struct csr *c, sf_error *err)
{
    uint64_t first = csr_offset(c, 0), n = c->vertices;
    if (first != 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": the first %s-offset is "
                            "%" PRId64 ", not 0", path, c->offsets_at, c->name, (int64_t)first);
    /* Signed comparisons: an offset with the top bit set is negative. */
    uint64_t down = n;
#pragma omp parallel for schedule(static) reduction(min : down)
    for (uint64_t v = 0; v < n; v++)
        if ((int64_t)csr_offset(c, v) > (int64_t)csr_offset(c, v + 1) && v < down)
            down = v;
    if (down < n)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": the %s-offset of vertex "
                            "%" PRIu64 " is %" PRId64 ", below the %" PRId64 " before it", path,
                            c->offsets_at + 8 * (down + 1), c->name, down + 1,
                            (int64_t)csr_offset(c, down + 1), (int64_t)csr_offset(c, down));
    uint64_t last = csr_offset(c, n);
    if (last != c->arcs)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": the last %s-offset is "
                            "%" PRId64 ", not the arc count %" PRIu64 " of the header", path,
                            c->offsets_at + 8 * n, c->name, (int64_t)last, c->arcs);

    uint64_t bad = c->last;
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (uint64_t k = c->first; k < c->last; k++)
        if (csr_neighbour(c, k) >= n && k < bad) /* a negative int32 is >= n as unsigned */
            bad = k;
    if (bad < c->last)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": %s-neighbour %" PRId32
                            " of vertex %" PRIu64 " is not a vertex (the graph has %" PRIu64 ")",
                            path, c->arcs_at + c->arc_bytes * bad, c->name,
                            (int32_t)csr_neighbour(c, bad), vertex_of_arc(c, bad), n);
    return 0;
}

/* A strong 64-bit mix (splitmix64's finaliser). */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A fresh symmetry key: no file can be made to pass without being
 * symmetric except by a chance of about 2^-64. */
static uint64_t draw_key(void)
{
    uint64_t key;
    if (getrandom(&key, sizeof key, 0) != (ssize_t)sizeof key)
        key = mix64((uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&key);
    return key;
}

enum { UP, DOWN, UP_SUM, DOWN_SUM };

/* Of the two arcs v -> w and w -> v of a symmetric graph, the one kept,
 * and every self-loop. The choice is one bit of a hash of the unordered
 * pair (the top bit of its product with 2^64 / golden ratio, Fibonacci
 * hashing), so the two arcs choose opposite ways whatever the ids, and it
 * is a coin for every pair: each row, and each share of the file, keeps
 * about half its arcs. Rules on the ids do not: the down arcs alone leave
 * the first rows few and the last most, so the last share holds several
 * times the first's; by the parity of v + w, in a graph whose edges all
 * join an even id to an odd one (bipartite by parity) every kept arc is
 * an up arc. */
static inline bool one_of_pair(uint64_t v, uint64_t w)
{
    uint64_t lo = w < v ? w : v, hi = w < v ? v : w; /* ids below 2^31 */
    bool down = ((lo << 32 | hi) * 0x9e3779b97f4a7c15ULL) >> 63;
    return w == v || (w < v) == down;
}

/* The symmetry sums of the range's arcs of a (checked) out-CSR, added to
 * sums[UP..DOWN_SUM]: the count of up arcs v -> w (w > v) and of down arcs
 * (w < v), and the sums of a keyed hash of (smaller end, larger end,
 * weight) over each; and kept[s], the arcs of slice s one_of_pair keeps.
 * One streaming pass, no lookups; sums of ranges add up to the sums of the
 * whole. */
static void add_sums(const struct csr *c, bool weighted, uint64_t key,
                     uint64_t sums[SF_GAPBS_SUMS], uint64_t kept[SF_GAPBS_SLICES])
{
    uint64_t up_sum = 0, down_sum = 0, up = 0, down = 0;
#pragma omp parallel for schedule(static) reduction(+ : up_sum, down_sum, up, down)
    for (uint64_t s = 0; s < SF_GAPBS_SLICES; s++) {
        uint64_t begin, end, count = 0;
        arc_slice(c, s, &begin, &end);
        if (begin < end) {
            uint64_t v = vertex_of_arc(c, begin), next = csr_offset(c, v + 1);
            for (uint64_t k = begin; k < end; k++) {
                while (next <= k)
                    next = csr_offset(c, ++v + 1);
                uint64_t w = csr_neighbour(c, k);
                /* ids are below 2^31: (lo, hi) fits one word, one mix */
                uint64_t lo = w < v ? w : v, hi = w < v ? v : w;
                uint64_t h = mix64(key ^ (lo << 32 | hi));
                if (weighted)
                    h = mix64(h ^ (uint32_t)csr_weight(c, k));
                if (w > v) {
                    up_sum += h;
                    up++;
                } else if (w < v) {
                    down_sum += h;
                    down++;
                }
                count += one_of_pair(v, w);
            }
        }
        kept[s] = count;
    }
    sums[UP] += up;
    sums[DOWN] += down;
    sums[UP_SUM] += up_sum;
    sums[DOWN_SUM] += down_sum;
}

/* Whether the whole out-CSR's sums say it is symmetric: its up arcs,
 * reversed, are the same multiset as its down arcs, weights included.
 * Then one arc of each pair (self-loops too, one_of_pair), symmetrised by
 * the builder, gives the same graph with half the arcs to build and no
 * duplicate to drop; a file that passed by the 2^-64 chance would lose
 * the edges whose reverse is missing. */
static bool sums_symmetric(const uint64_t sums[SF_GAPBS_SUMS])
{
    return sums[UP] == sums[DOWN] && sums[UP_SUM] == sums[DOWN_SUM];
}

/* The range's arcs of the (checked) out-CSR c into out, which must be
 * empty, in file order and in the list's form, weights when `weights`;
 * with `kept` (add_sums's counts), only the arcs one_of_pair keeps. The
 * graph's vertex count and directedness with them. */
static int expand_into(const char *path, const struct csr *c, bool directed, bool weights,
                       const uint64_t kept[SF_GAPBS_SLICES], sf_edge_list *out, sf_error *err)
{
    uint64_t starts[SF_GAPBS_SLICES + 1] = {0}; /* where each slice writes */
    for (uint64_t s = 0; s < SF_GAPBS_SLICES; s++) {
        uint64_t begin, end;
        arc_slice(c, s, &begin, &end);
        starts[s + 1] = starts[s] + (kept ? kept[s] : end - begin);
    }
    uint64_t count = starts[SF_GAPBS_SLICES];
    if (sf_edge_list_reserve(out, count, weights))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    uint64_t *src = out->src, *dst = out->dst;
    uint32_t *src32 = out->src32, *dst32 = out->dst32;
    double *weight = out->weight;
    bool narrow = out->narrow;
    if (narrow) {
        sf_advise_huge(src32, count * sizeof *src32);
        sf_advise_huge(dst32, count * sizeof *dst32);
    } else {
        sf_advise_huge(src, count * sizeof *src);
        sf_advise_huge(dst, count * sizeof *dst);
    }
#pragma omp parallel for schedule(static)
    for (uint64_t s = 0; s < SF_GAPBS_SLICES; s++) {
        uint64_t begin, end, at = starts[s], stop = starts[s + 1];
        arc_slice(c, s, &begin, &end);
        if (begin == end)
            continue;
        uint64_t v = vertex_of_arc(c, begin), next = csr_offset(c, v + 1);
        for (uint64_t k = begin; k < end; k++) {
            while (next <= k) /* skips vertices without arcs */
                next = csr_offset(c, ++v + 1);
            uint32_t w = csr_neighbour(c, k);
            /* Every arc is written and only a kept one moves `at` on: which of
             * a pair is kept is a coin (one_of_pair), and a branch on it would
             * be mispredicted half the time. An arc left out after the slice's
             * last kept one would land in the next slice's first slot, or past
             * the list: `at < stop` keeps it out. */
            if (at < stop) {
                if (narrow) { /* gapbs ids are below 2^31 */
                    src32[at] = (uint32_t)v;
                    dst32[at] = w;
                } else {
                    src[at] = v;
                    dst[at] = w;
                }
                if (weights)
                    weight[at] = (double)csr_weight(c, k);
            }
            at += !kept || one_of_pair(v, w);
        }
    }
    out->count = count;
    out->dense_vertices = c->vertices;
    out->declared_directed = directed;
    return 0;
}

int sf_parse_gapbs(const char *path, const void *data, size_t len, bool weighted,
                   sf_edge_list *out, sf_error *err)
{
    const unsigned char *bytes = data;
    if (len == 0)
        return 0;
    struct layout L;
    int rc = read_layout(path, bytes, len, weighted, &L, err);
    if (rc)
        return rc;
    struct csr csrs[2];
    for (int c = 0; c < (L.directed ? 2 : 1); c++) {
        csrs[c] = csr_of(&L, c, bytes + L.offsets_at[c], bytes + L.arcs_at[c], 0, L.arcs);
        if ((rc = check_csr(path, &csrs[c], err)))
            return rc;
    }
    uint64_t sums[SF_GAPBS_SUMS] = {0}, kept[SF_GAPBS_SLICES];
    if (!L.directed)
        add_sums(&csrs[0], weighted, draw_key(), sums, kept);
    bool one_per_pair = !L.directed && sums_symmetric(sums);
    return expand_into(path, &csrs[0], L.directed, weighted, one_per_pair ? kept : NULL, out, err);
}

/* ---- one file read by several processes, each its share ---- */

/* The share's CSR `which`, laid out from its header again (read_layout
 * checked it when it was read). */
static struct csr share_csr(const sf_gapbs_share *s, int which)
{
    struct layout L = {.directed = s->directed, .vertices = s->vertices, .arcs = s->arcs,
                       .arc_bytes = s->weighted ? 8 : 4};
    lay_out(&L);
    return csr_of(&L, which, s->offsets[which], s->arc_data[which], s->first, s->last);
}

int sf_gapbs_read_share(const char *path, bool weighted, int part, int parts,
                        sf_gapbs_share *share, sf_error *err)
{
    *share = (sf_gapbs_share){.weighted = weighted, .key = draw_key()};
    unsigned char header[HEADER_BYTES];
    size_t got = sizeof header;
    uint64_t size = 0;
    int rc = sf_file_peek(path, header, &got, &size, err);
    if (rc)
        return rc;
    if (size == 0) {
        share->empty = true;
        return 0;
    }
    struct layout L;
    if ((rc = read_layout(path, header, size, weighted, &L, err)))
        return rc;
    uint64_t m = L.arcs;
    share->directed = L.directed;
    share->vertices = L.vertices;
    share->arcs = m;
    share->first = sf_part_first(m, part, parts);
    share->last = sf_part_first(m, part + 1, parts);
    sf_file_range ranges[4];
    size_t count = 0;
    for (int c = 0; c < (L.directed ? 2 : 1); c++) {
        size_t offsets_bytes = 8 * (L.vertices + 1);
        size_t arc_bytes = L.arc_bytes * (share->last - share->first);
        share->offsets[c] = malloc(offsets_bytes);
        share->arc_data[c] = malloc(arc_bytes + 1); /* + 1: a share without arcs is not NULL */
        if (!share->offsets[c] || !share->arc_data[c]) {
            sf_gapbs_share_fini(share);
            return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
        }
        ranges[count++] = (sf_file_range){L.offsets_at[c], share->offsets[c], offsets_bytes};
        ranges[count++] = (sf_file_range){L.arcs_at[c] + L.arc_bytes * share->first,
                                          share->arc_data[c], arc_bytes};
    }
    if ((rc = sf_file_read_ranges(path, ranges, count, 0, NULL, NULL, err)))
        sf_gapbs_share_fini(share);
    return rc;
}

int sf_gapbs_check_share(const char *path, sf_gapbs_share *share, int which, sf_error *err)
{
    if (share->empty || (which == 1 && !share->directed))
        return 0;
    struct csr c = share_csr(share, which);
    int rc = check_csr(path, &c, err);
    if (which == 1) { /* the in-CSR is only checked: the builder makes its own */
        free(share->offsets[1]);
        free(share->arc_data[1]);
        share->offsets[1] = share->arc_data[1] = NULL;
    }
    return rc;
}

void sf_gapbs_share_sums(sf_gapbs_share *share, uint64_t sums[SF_GAPBS_SUMS])
{
    memset(sums, 0, SF_GAPBS_SUMS * sizeof *sums);
    if (share->empty || share->directed)
        return;
    struct csr c = share_csr(share, 0);
    add_sums(&c, share->weighted, share->key, sums, share->kept);
}

int sf_gapbs_expand_share(const char *path, const sf_gapbs_share *share,
                          const uint64_t sums[SF_GAPBS_SUMS], bool weights, sf_edge_list *out,
                          sf_error *err)
{
    if (share->empty)
        return 0;
    struct csr c = share_csr(share, 0);
    bool one_per_pair = !share->directed && sums_symmetric(sums);
    return expand_into(path, &c, share->directed, weights && share->weighted,
                       one_per_pair ? share->kept : NULL, out, err);
}

void sf_gapbs_share_fini(sf_gapbs_share *share)
{
    for (int c = 0; c < 2; c++) {
        free(share->offsets[c]);
        free(share->arc_data[c]);
        share->offsets[c] = share->arc_data[c] = NULL;
    }
}
