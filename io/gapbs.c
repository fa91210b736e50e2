/* gapbs serialized graphs. The file is a CSR dump, so every count in it is
 * checked before anything is trusted: the header's vertex and arc counts
 * give the exact file size (a shorter or longer file is reported at the
 * byte where it goes wrong), the offsets must run from 0 up to the arc
 * count without going down, and every neighbour must be a vertex. Only then
 * is the out-CSR expanded into arcs, in parallel over equal slices of arcs
 * (each thread finds its first vertex by binary search), so a hub does not
 * leave one thread with all the work. All reads go through memcpy: after
 * the 17-byte header nothing is aligned. */
#include "io/gapbs.h"

#include <errno.h>
#include <inttypes.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/parallel.h"

#define HEADER_BYTES 17
/* gapbs ids are int32: at most 2^31 vertices. */
#define MAX_GAPBS_VERTICES ((uint64_t)1 << 31)

static inline uint64_t load_le64(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline uint32_t load_le32(const unsigned char *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap32(x);
#endif
    return x;
}

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
    return load_le64(c->base + c->offsets_at + 8 * v);
}

static inline uint32_t csr_neighbour(const struct csr *c, uint64_t k)
{
    return load_le32(c->base + c->arcs_at + c->arc_bytes * k);
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

/* Appends the arcs of the (checked) CSR c to out, weights when weighted. */
static void expand_csr(const struct csr *c, bool weighted, sf_edge_list *out)
{
    uint64_t *src = out->src, *dst = out->dst;
    double *weight = out->weight;
    uint64_t m = c->arcs;
#pragma omp parallel
    {
        uint64_t threads = (uint64_t)omp_get_num_threads(), t = (uint64_t)omp_get_thread_num();
        uint64_t share = m / threads, rest = m % threads;
        uint64_t begin = share * t + (t < rest ? t : rest);
        uint64_t end = begin + share + (t < rest);
        if (begin < end) {
            uint64_t v = vertex_of_arc(c, begin), next = csr_offset(c, v + 1);
            for (uint64_t k = begin; k < end; k++) {
                while (next <= k) /* skips vertices without arcs */
                    next = csr_offset(c, ++v + 1);
                src[k] = v;
                dst[k] = csr_neighbour(c, k);
                if (weighted)
                    weight[k] = (double)(int32_t)load_le32(c->base + c->arcs_at +
                                                           c->arc_bytes * k + 4);
            }
        }
    }
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
    int64_t arcs = (int64_t)load_le64(bytes + 1), vertices = (int64_t)load_le64(bytes + 9);
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
    expand_csr(&csrs[0], weighted, out);
    out->count = m;
    out->dense_vertices = n;
    out->declared_directed = directed;
    return 0;
}
