/* gapbs serialized graphs. The file is a CSR dump, so every count in it is
 * checked before anything is trusted: the header's vertex and arc counts
 * give the exact file size (a shorter or longer file is reported at the
 * byte where it goes wrong), the offsets must run from 0 up to the arc
 * count without going down, and every neighbour must be a vertex. Only then
 * is the out-CSR expanded into arcs, in parallel over equal slices of arcs
 * (each thread finds its first vertex by binary search), so a hub does not
 * leave one thread with all the work; an undirected graph that is symmetric
 * (checked by comparing keyed hash sums of its up and down arcs, in one
 * streaming pass) gives only its down arcs. All reads go through memcpy:
 * after the 17-byte header nothing is aligned. */
#include "io/gapbs.h"
#include "io/bytes.h"

#include <errno.h>
#include <inttypes.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/parallel.h"

#define HEADER_BYTES 17
/* gapbs ids are int32: at most 2^31 vertices. */
#define MAX_GAPBS_VERTICES ((uint64_t)1 << 31)

/* Saturating arithmetic for sizes computed from untrusted counts. */
static uint64_t add_sat(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* One CSR of the file: where its two arrays start, and what they hold. */
struct csr {
    const char *name;             /* "out" or "in", for messages */
    const unsigned char *base;    /* the file */
    uint64_t offsets_at, arcs_at; /* byte offsets of the two arrays */
    uint64_t vertices, arcs;
    size_t arc_bytes;             /* 4, or 8 with weights */
};

static inline uint64_t csr_offset(const struct csr *c, uint64_t v)
{
    return sf_load_le64(c->base + c->offsets_at + 8 * v);
}

static inline uint32_t csr_neighbour(const struct csr *c, uint64_t k)
{
    return sf_load_le32(c->base + c->arcs_at + c->arc_bytes * k);
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

    uint64_t bad = c->arcs;
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (uint64_t k = 0; k < c->arcs; k++)
        if (csr_neighbour(c, k) >= n && k < bad) /* a negative int32 is >= n as unsigned */
            bad = k;
    if (bad < c->arcs)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": %s-neighbour %" PRId32
                            " of vertex %" PRIu64 " is not a vertex (the graph has %" PRIu64 ")",
                            path, c->arcs_at + c->arc_bytes * bad, c->name,
                            (int32_t)csr_neighbour(c, bad), vertex_of_arc(c, bad), n);
    return 0;
}

static inline int32_t csr_weight(const struct csr *c, uint64_t k)
{
    return (int32_t)sf_load_le32(c->base + c->arcs_at + c->arc_bytes * k + 4);
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

/* Whether the (checked) out-CSR of an undirected graph is symmetric: its
 * up arcs v -> w (w > v), reversed, are the same multiset as its down arcs
 * w -> v, weights included. Then the down arcs alone (self-loops too),
 * symmetrised by the builder, give the same graph with half the arcs to
 * build and no duplicate to drop. One streaming pass, no lookups: each arc
 * adds a keyed hash of (smaller end, larger end, weight) to the sum of its
 * side, and the two sides must agree in count and sum. The key is drawn
 * per call, so no file can be made to pass without being symmetric except
 * by a chance of about 2^-64; such a file would lose the edges whose
 * reverse is missing. */
static bool symmetric(const struct csr *c, bool weighted)
{
    uint64_t key;
    if (getrandom(&key, sizeof key, 0) != (ssize_t)sizeof key)
        key = mix64((uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&key);
    uint64_t m = c->arcs, up_sum = 0, down_sum = 0, up = 0, down = 0;
#pragma omp parallel reduction(+ : up_sum, down_sum, up, down)
    {
        uint64_t threads = (uint64_t)omp_get_num_threads(), t = (uint64_t)omp_get_thread_num();
        uint64_t share = m / threads, rest = m % threads;
        uint64_t begin = share * t + (t < rest ? t : rest);
        uint64_t end = begin + share + (t < rest);
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
            }
        }
    }
    return up == down && up_sum == down_sum;
}

/* Appends the arcs of the (checked) CSR c to out, in file order, weights
 * when weighted; with down_only, only arcs v -> w with w <= v. Each thread
 * takes an equal slice of the arcs; with down_only it counts its kept arcs
 * first, so that a prefix sum gives where it writes. Returns the count. */
static uint64_t expand_csr(const struct csr *c, bool weighted, bool down_only, sf_edge_list *out)
{
    uint64_t *src = out->src, *dst = out->dst;
    double *weight = out->weight;
    uint64_t m = c->arcs, total = 0;
    uint64_t *starts = calloc((size_t)omp_get_max_threads() + 1, sizeof *starts);
    if (!starts)
        return UINT64_MAX;
#pragma omp parallel
    {
        uint64_t threads = (uint64_t)omp_get_num_threads(), t = (uint64_t)omp_get_thread_num();
        uint64_t share = m / threads, rest = m % threads;
        uint64_t begin = share * t + (t < rest ? t : rest);
        uint64_t end = begin + share + (t < rest);
        uint64_t v = begin < end ? vertex_of_arc(c, begin) : 0;
        uint64_t at = begin;
        if (down_only) {
            uint64_t kept = 0;
            for (uint64_t k = begin, u = v, next = begin < end ? csr_offset(c, u + 1) : 0; k < end;
                 k++) {
                while (next <= k)
                    next = csr_offset(c, ++u + 1);
                kept += csr_neighbour(c, k) <= u;
            }
            starts[t + 1] = kept;
#pragma omp barrier
#pragma omp single
            for (uint64_t i = 0; i < threads; i++)
                starts[i + 1] += starts[i];
            at = starts[t];
        }
        if (begin < end) {
            uint64_t next = csr_offset(c, v + 1);
            for (uint64_t k = begin; k < end; k++) {
                while (next <= k) /* skips vertices without arcs */
                    next = csr_offset(c, ++v + 1);
                uint32_t w = csr_neighbour(c, k);
                if (down_only && w > v)
                    continue;
                src[at] = v;
                dst[at] = w;
                if (weighted)
                    weight[at] = (double)csr_weight(c, k);
                at++;
            }
        }
#pragma omp single
        total = down_only ? starts[threads] : m;
    }
    free(starts);
    return total;
}

int sf_parse_gapbs(const char *path, const void *data, size_t len, bool weighted,
                   sf_edge_list *out, sf_error *err)
{
    const unsigned char *bytes = data;
    if (len == 0)
        return 0;
    if (len < HEADER_BYTES)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %zu: the file ends in the %d-byte "
                            "header", path, len, HEADER_BYTES);
    if (bytes[0] > 1)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 0: directed flag %u (expected 0 or 1)",
                            path, bytes[0]);
    bool directed = bytes[0] == 1;
    int64_t arcs = (int64_t)sf_load_le64(bytes + 1), vertices = (int64_t)sf_load_le64(bytes + 9);
    if (arcs < 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 1: negative arc count %" PRId64, path,
                            arcs);
    if (vertices < 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 9: negative vertex count %" PRId64,
                            path, vertices);
    if ((uint64_t)vertices > MAX_GAPBS_VERTICES)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset 9: %" PRId64 " vertices, more than "
                            "the 32-bit ids of a gapbs graph allow", path, vertices);

    /* The sections and where each starts; their sum is the file size. */
    uint64_t n = (uint64_t)vertices, m = (uint64_t)arcs;
    size_t arc_bytes = weighted ? 8 : 4;
    uint64_t offsets_bytes = 8 * (n + 1), arcs_bytes = mul_sat(m, arc_bytes);
    struct {
        const char *name;
        uint64_t at, bytes;
    } sections[4] = {{"out-offsets", 0, offsets_bytes},
                     {"out-arcs", 0, arcs_bytes},
                     {"in-offsets", 0, offsets_bytes},
                     {"in-arcs", 0, arcs_bytes}};
    int num_sections = directed ? 4 : 2;
    uint64_t size = HEADER_BYTES;
    for (int s = 0; s < num_sections; s++) {
        sections[s].at = size;
        size = add_sat(size, sections[s].bytes);
    }
    if (len < size) {
        int s = 0;
        while (s + 1 < num_sections && sections[s + 1].at <= len)
            s++;
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %zu: the file ends in the %s (%s "
                            "with %" PRIu64 " vertices and %" PRIu64 " arcs takes %" PRIu64
                            " bytes)", path, len, sections[s].name,
                            directed ? "a directed graph" : "an undirected graph", n, m, size);
    }
    if (len > size)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": %" PRIu64 " bytes past "
                            "the end of the graph (%" PRIu64 " vertices and %" PRIu64 " arcs)",
                            path, size, (uint64_t)len - size, n, m);

    struct csr csrs[2] = {
        {"out", bytes, sections[0].at, sections[1].at, n, m, arc_bytes},
        {"in", bytes, sections[2].at, sections[3].at, n, m, arc_bytes},
    };
    for (int c = 0; c < (directed ? 2 : 1); c++) {
        int rc = check_csr(path, &csrs[c], err);
        if (rc)
            return rc;
    }

    if (sf_edge_list_reserve(out, m, weighted))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    sf_advise_huge(out->src, m * sizeof *out->src);
    sf_advise_huge(out->dst, m * sizeof *out->dst);
    bool down_only = !directed && symmetric(&csrs[0], weighted);
    uint64_t count = expand_csr(&csrs[0], weighted, down_only, out);
    if (count == UINT64_MAX)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    out->count = count;
    out->dense_vertices = n;
    out->declared_directed = directed;
    return 0;
}
