/* Native snapshots: the graph's arrays written as they are in memory and
 * loaded by mapping the file, the arrays pointing into the mapping (or,
 * where it cannot be mapped, read straight into arrays of their final
 * size). The one idea: every check that guards a load is either done on a
 * block while it is still in cache, on the worker that faulted it in or
 * read it (the checksum, the neighbour-id bound, finite weights), or costs
 * one pass over a vertex-sized array (offsets, id maps), so a load runs at
 * the speed of one read of the page cache. The header is decoded byte by
 * byte (little-endian whatever the host), the arrays are not: a big-endian
 * host refuses snapshots. */
#include "io/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "engine/env.h"
#include "engine/parallel.h"
#include "io/reader.h"

static const unsigned char magic[8] = {0x89, 'S', 'F', 'G', '\r', '\n', 0x1a, '\n'};

#define ALIGN          ((uint64_t)4096) /* sections start at multiples of this */
#define FIXED_BYTES    128u             /* the fixed part of the header */
#define ENTRY_BYTES    32u              /* one section table entry */
#define HEADER_AT_CRC  76u

enum {
    FLAG_DIRECTED = 1,
    FLAG_WEIGHTED = 2,
    FLAG_DEGREE_ORDERED = 4,
    FLAGS_KNOWN = 7,
};

enum section_id {
    SEC_OUT_OFFSETS = 1,
    SEC_OUT_NEIGHBORS,
    SEC_OUT_WEIGHTS,
    SEC_IN_OFFSETS,
    SEC_IN_NEIGHBORS,
    SEC_IN_WEIGHTS,
    SEC_ORIGINAL_IDS,
    SEC_SORTED_IDS,
    SEC_BY_ORIGINAL,
    SEC_LAST = SEC_BY_ORIGINAL,
};

static const struct {
    const char *name;
    uint32_t elem_bytes;
} kinds[SEC_LAST + 1] = {
    [SEC_OUT_OFFSETS] = {"out_offsets", sizeof(sf_eid)},
    [SEC_OUT_NEIGHBORS] = {"out_neighbors", sizeof(sf_vid)},
    [SEC_OUT_WEIGHTS] = {"out_weights", sizeof(double)},
    [SEC_IN_OFFSETS] = {"in_offsets", sizeof(sf_eid)},
    [SEC_IN_NEIGHBORS] = {"in_neighbors", sizeof(sf_vid)},
    [SEC_IN_WEIGHTS] = {"in_weights", sizeof(double)},
    [SEC_ORIGINAL_IDS] = {"original_ids", sizeof(uint64_t)},
    [SEC_SORTED_IDS] = {"sorted_ids", sizeof(uint64_t)},
    [SEC_BY_ORIGINAL] = {"by_original", sizeof(sf_vid)},
};

#define HEADER_SPACE (FIXED_BYTES + ENTRY_BYTES * SEC_LAST) /* < ALIGN */

typedef struct section {
    uint32_t id;
    uint64_t offset, bytes;
    uint32_t crc;
    uint64_t entry_at;          /* where its table entry lies, for messages */
    const void *data;           /* writing: the array */
} section;

/* A header as decoded: the public part, and the sections in file order. */
typedef struct layout {
    sf_snapshot_header h;
    uint32_t num_sections;
    section sections[SEC_LAST];
    section *by_id[SEC_LAST + 1];
} layout;

static bool host_is_little_endian(void)
{
    return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

static int refuse_big_endian(const char *path, sf_error *err)
{
    return sf_error_set(err, SF_EINPUT,
                        "%s: .sfg snapshots are little-endian and this host is big-endian; "
                        "convert the source file on this host instead",
                        path);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void put_u32(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(x >> 8 * i);
}

static void put_u64(unsigned char *p, uint64_t x)
{
    put_u32(p, (uint32_t)x);
    put_u32(p + 4, (uint32_t)(x >> 32));
}

/* crc32 of the header bytes with the checksum field read as zero. */
static uint32_t header_crc(const unsigned char *header, size_t len)
{
    static const unsigned char zero[4];
    uLong crc = crc32(0, header, HEADER_AT_CRC);
    crc = crc32(crc, zero, 4);
    return (uint32_t)crc32(crc, header + HEADER_AT_CRC + 4, (uInt)(len - HEADER_AT_CRC - 4));
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
    return (x + to - 1) / to * to;
}

bool sf_snapshot_path(const char *path)
{
    return sf_path_ends_with(path, strlen(path), ".sfg");
}

/* ---------- the header ---------- */

enum presence { REQUIRED, OPTIONAL, FORBIDDEN };

/* Whether section `id` belongs in a snapshot with header h, and how many
 * elements it holds when it does. */
static enum presence section_rule(const sf_snapshot_header *h, uint32_t id, uint64_t *count)
{
    uint64_t n = h->num_vertices, m = h->num_arcs;
    switch (id) {
    case SEC_OUT_OFFSETS: *count = n + 1; return REQUIRED;
    case SEC_OUT_NEIGHBORS: *count = m; return REQUIRED;
    case SEC_OUT_WEIGHTS: *count = m; return h->weighted ? REQUIRED : FORBIDDEN;
    case SEC_IN_OFFSETS: *count = n + 1; return h->directed ? REQUIRED : FORBIDDEN;
    case SEC_IN_NEIGHBORS: *count = m; return h->directed ? REQUIRED : FORBIDDEN;
    case SEC_IN_WEIGHTS:
        *count = m;
        return h->directed && h->weighted ? REQUIRED : FORBIDDEN;
    case SEC_ORIGINAL_IDS:
        *count = n; /* absent: every id is its own dense id */
        return h->degree_ordered ? REQUIRED : OPTIONAL;
    case SEC_SORTED_IDS:
        *count = n; /* absent: the ids are 0..n-1 */
        return h->degree_ordered ? OPTIONAL : FORBIDDEN;
    default: *count = n; return h->degree_ordered ? REQUIRED : FORBIDDEN;
    }
}

/* Decodes and checks the header in buf[0..len) of a file of file_size
 * bytes. Every complaint names the byte it is about. */
static int parse_header(const char *path, const unsigned char *buf, size_t len,
                        uint64_t file_size, layout *L, sf_error *err)
{
    memset(L, 0, sizeof *L);
    size_t head = len < sizeof magic ? len : sizeof magic;
    if (memcmp(buf, magic, head) != 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte 0: not a shardflow snapshot (bad magic)",
                            path);
    if (file_size < FIXED_BYTES)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte %llu: truncated: the header needs %u bytes, the file has %llu",
                            path, (unsigned long long)file_size, FIXED_BYTES,
                            (unsigned long long)file_size);
    sf_snapshot_header *h = &L->h;
    h->version = get_u32(buf + 8);
    if (h->version != SF_SNAPSHOT_VERSION)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte 8: unknown snapshot version %u (this shardflow reads %d)",
                            path, h->version, SF_SNAPSHOT_VERSION);
    uint32_t alignment = get_u32(buf + 12);
    if (alignment != ALIGN)
        return sf_error_set(err, SF_EINPUT, "%s: byte 12: section alignment %u, expected %llu",
                            path, alignment, (unsigned long long)ALIGN);
    L->num_sections = get_u32(buf + 72);
    if (L->num_sections > SEC_LAST)
        return sf_error_set(err, SF_EINPUT, "%s: byte 72: %u sections, at most %d", path,
                            L->num_sections, SEC_LAST);
    size_t header_len = FIXED_BYTES + (size_t)ENTRY_BYTES * L->num_sections;
    if (file_size < header_len)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte %llu: truncated: the section table needs %zu bytes, the "
                            "file has %llu",
                            path, (unsigned long long)file_size, header_len,
                            (unsigned long long)file_size);
    uint32_t stored = get_u32(buf + HEADER_AT_CRC);
    uint32_t computed = header_crc(buf, header_len);
    if (stored != computed)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte %u: header checksum mismatch (stored %08x, computed %08x)",
                            path, HEADER_AT_CRC, stored, computed);

    uint64_t flags = get_u64(buf + 16);
    if (flags & ~(uint64_t)FLAGS_KNOWN)
        return sf_error_set(err, SF_EINPUT, "%s: byte 16: unknown flags %#llx", path,
                            (unsigned long long)(flags & ~(uint64_t)FLAGS_KNOWN));
    h->directed = flags & FLAG_DIRECTED;
    h->weighted = flags & FLAG_WEIGHTED;
    h->degree_ordered = flags & FLAG_DEGREE_ORDERED;
    h->num_vertices = get_u64(buf + 24);
    h->num_arcs = get_u64(buf + 32);
    h->num_edges = get_u64(buf + 40);
    h->dropped_self_loops = get_u64(buf + 48);
    h->dropped_duplicates = get_u64(buf + 56);
    h->file_bytes = get_u64(buf + 64);
    if (h->num_vertices > SF_MAX_VERTICES)
        return sf_error_set(err, SF_EINPUT, "%s: byte 24: %llu vertices, more than %llu", path,
                            (unsigned long long)h->num_vertices,
                            (unsigned long long)SF_MAX_VERTICES);
    if (h->num_vertices == 0 && h->num_arcs != 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte 32: %llu arcs in a graph with no vertices",
                            path, (unsigned long long)h->num_arcs);
    if (h->num_arcs > (UINT64_MAX >> 4))
        return sf_error_set(err, SF_EINPUT, "%s: byte 32: %llu arcs is not a count", path,
                            (unsigned long long)h->num_arcs);
    if (h->directed ? h->num_edges != h->num_arcs
                    : h->num_arcs % 2 != 0 || h->num_edges != h->num_arcs / 2)
        return sf_error_set(err, SF_EINPUT, "%s: byte 40: %llu edges do not match %llu arcs of "
                            "a%s graph",
                            path, (unsigned long long)h->num_edges,
                            (unsigned long long)h->num_arcs,
                            h->directed ? " directed" : "n undirected");
    if (h->file_bytes != file_size) {
        if (file_size < h->file_bytes)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: truncated: the header says the file has %llu bytes",
                                path, (unsigned long long)file_size,
                                (unsigned long long)h->file_bytes);
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte 64: the header says the file has %llu bytes, it has %llu",
                            path, (unsigned long long)h->file_bytes,
                            (unsigned long long)file_size);
    }

    uint64_t previous_end = ALIGN; /* the header's space */
    for (uint32_t i = 0; i < L->num_sections; i++) {
        const unsigned char *e = buf + FIXED_BYTES + (size_t)ENTRY_BYTES * i;
        section *s = &L->sections[i];
        s->entry_at = FIXED_BYTES + (uint64_t)ENTRY_BYTES * i;
        s->id = get_u32(e);
        uint32_t elem = get_u32(e + 4);
        s->offset = get_u64(e + 8);
        s->bytes = get_u64(e + 16);
        s->crc = get_u32(e + 24);
        unsigned long long at = (unsigned long long)s->entry_at;
        if (s->id < 1 || s->id > SEC_LAST)
            return sf_error_set(err, SF_EINPUT, "%s: byte %llu: unknown section id %u", path, at,
                                s->id);
        const char *name = kinds[s->id].name;
        if (L->by_id[s->id])
            return sf_error_set(err, SF_EINPUT, "%s: byte %llu: section %s appears twice", path,
                                at, name);
        L->by_id[s->id] = s;
        if (elem != kinds[s->id].elem_bytes)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: section %s has %u-byte elements, expected %u",
                                path, at, name, elem, kinds[s->id].elem_bytes);
        if (s->offset % ALIGN != 0 || s->offset < previous_end)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: section %s starts at byte %llu: not aligned to "
                                "%llu or overlapping what comes before",
                                path, at, name, (unsigned long long)s->offset,
                                (unsigned long long)ALIGN);
        if (s->offset > file_size || s->bytes > file_size - s->offset)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: section %s at bytes [%llu, %llu) lies outside "
                                "the file of %llu bytes",
                                path, at, name, (unsigned long long)s->offset,
                                (unsigned long long)(s->offset + s->bytes),
                                (unsigned long long)file_size);
        previous_end = s->offset + s->bytes;
        uint64_t want;
        if (section_rule(h, s->id, &want) == FORBIDDEN)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: section %s does not belong in a%s%s%s snapshot",
                                path, at, name, h->directed ? " directed" : "n undirected",
                                h->weighted ? ", weighted" : ", unweighted",
                                h->degree_ordered ? ", degree-ordered" : "");
        if (s->bytes != want * kinds[s->id].elem_bytes)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: section %s holds %llu bytes; %llu vertices and "
                                "%llu arcs need %llu",
                                path, at, name, (unsigned long long)s->bytes,
                                (unsigned long long)h->num_vertices,
                                (unsigned long long)h->num_arcs,
                                (unsigned long long)(want * kinds[s->id].elem_bytes));
        h->graph_bytes += s->bytes;
    }
    for (uint32_t id = 1; id <= SEC_LAST; id++) {
        uint64_t want;
        if (!L->by_id[id] && section_rule(h, id, &want) == REQUIRED)
            return sf_error_set(err, SF_EINPUT, "%s: byte 72: section %s is missing", path,
                                kinds[id].name);
    }
    return 0;
}

/* Reads the header of PATH into *L; *file_size is the file's size. */
static int load_header(const char *path, layout *L, sf_error *err)
{
    if (!host_is_little_endian())
        return refuse_big_endian(path, err);
    struct stat st;
    if (stat(path, &st) != 0)
        return sf_error_set(err, SF_EINPUT, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sf_error_set(err, SF_EINPUT, "%s: not a regular file", path);
    uint64_t size = (uint64_t)st.st_size;
    unsigned char buf[HEADER_SPACE];
    size_t len = size < sizeof buf ? (size_t)size : sizeof buf;
    int rc = sf_file_read_into(path, 0, buf, len, err);
    if (rc)
        return rc;
    return parse_header(path, buf, len, size, L, err);
}

int sf_snapshot_read_header(const char *path, sf_snapshot_header *h, sf_error *err)
{
    layout L;
    int rc = load_header(path, &L, err);
    if (rc == 0)
        *h = L.h;
    return rc;
}

/* ---------- blocks ---------- */

/* Sections are checksummed in blocks of SF_FILE_BLOCK_BYTES, numbered
 * across the sections in file order: first[i] is section i's first block,
 * and the return value the total. */
static size_t number_blocks(const layout *L, size_t *first)
{
    size_t blocks = 0;
    for (uint32_t i = 0; i < L->num_sections; i++) {
        first[i] = blocks;
        blocks += (L->sections[i].bytes + SF_FILE_BLOCK_BYTES - 1) / SF_FILE_BLOCK_BYTES;
    }
    return blocks;
}

/* Block b: its section's index, its first byte within the section and its
 * length. */
static uint32_t block_at(const layout *L, const size_t *first, size_t b, uint64_t *at,
                         uint64_t *len)
{
    uint32_t i = 0;
    while (i + 1 < L->num_sections && first[i + 1] <= b)
        i++;
    uint64_t bytes = L->sections[i].bytes;
    *at = (uint64_t)(b - first[i]) * SF_FILE_BLOCK_BYTES;
    *len = bytes - *at < SF_FILE_BLOCK_BYTES ? bytes - *at : SF_FILE_BLOCK_BYTES;
    return i;
}

/* ---------- loading ---------- */

typedef struct load_state {
    const layout *L;
    size_t first_block[SEC_LAST];   /* per range: index of its first block in block_crc */
    uint32_t *block_crc;
    bool checksum;
    sf_vid num_vertices;
    uint64_t bad_value_at;          /* smallest byte offset of a neighbour id not below the
                                     * vertex count or of a weight not finite (atomic) */
    uint64_t fault_at;              /* mapped: smallest byte offset that could not be faulted in */
    int fault_errno;                /* and why */
} load_state;

static bool is_neighbors(uint32_t id)
{
    return id == SEC_OUT_NEIGHBORS || id == SEC_IN_NEIGHBORS;
}

static bool is_weights(uint32_t id)
{
    return id == SEC_OUT_WEIGHTS || id == SEC_IN_WEIGHTS;
}

/* Whether a double's bits are an infinity or a NaN (all exponent bits
 * set): integer compares, which vectorise where isfinite() may not. */
static inline bool bits_not_finite(uint64_t bits)
{
    const uint64_t exponent = (uint64_t)0x7ff << 52;
    return (bits & exponent) == exponent;
}

/* Whether any of ids[0..count) is limit or more. Or-ing compares
 * vectorises well (3x a running maximum); the clones for AVX2 and AVX-512,
 * picked when the program is loaded, do 4x the SSE2 loop's bytes a cycle. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static int any_at_or_above(const sf_vid *ids, size_t count, sf_vid limit)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++)
        bad |= ids[i] >= limit;
    return bad;
}

/* Whether any of weights[0..count) is a NaN or an infinity, as a graph
 * from any other format never holds (its parser refuses them). */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static int any_not_finite(const uint64_t *weight_bits, size_t count)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++)
        bad |= bits_not_finite(weight_bits[i]);
    return bad;
}

/* The index of the first bad value of a section's block (one is there). */
static size_t first_bad(const section *s, const void *data, sf_vid limit)
{
    size_t i = 0;
    if (is_neighbors(s->id))
        for (const sf_vid *ids = data; ids[i] < limit;)
            i++;
    else
        for (const uint64_t *bits = data; !bits_not_finite(bits[i]);)
            i++;
    return i;
}

/* Bytes of a block checksummed, then bound-checked, while they are in the
 * core's cache. */
#define PIECE_BYTES ((size_t)128 << 10)

/* One block landed: its crc, for neighbour ids their bound and for
 * weights that they are finite, piece by piece so that the second pass
 * reads from cache. A bad value is remembered by its byte offset, the
 * smallest over all blocks, so the message is the same at any thread
 * count. */
static int on_block(void *arg, size_t range, size_t at, const void *data, size_t len)
{
    load_state *st = arg;
    const section *s = &st->L->sections[range];
    const unsigned char *bytes = data;
    bool neighbors = is_neighbors(s->id), weights = is_weights(s->id);
    sf_vid limit = st->num_vertices;
    uint32_t crc = 0;
    int bad = 0;
    for (size_t done = 0; done < len; done += PIECE_BYTES) {
        size_t piece = len - done < PIECE_BYTES ? len - done : PIECE_BYTES;
        if (st->checksum)
            crc = libdeflate_crc32(crc, bytes + done, piece);
        if (neighbors)
            bad |= any_at_or_above((const sf_vid *)(bytes + done), piece / sizeof(sf_vid), limit);
        else if (weights)
            bad |= any_not_finite((const uint64_t *)(bytes + done), piece / sizeof(double));
    }
    if (st->checksum)
        st->block_crc[st->first_block[range] + at / SF_FILE_BLOCK_BYTES] = crc;
    if (bad) {
        uint64_t byte = s->offset + at + first_bad(s, data, limit) * kinds[s->id].elem_bytes;
        uint64_t seen = __atomic_load_n(&st->bad_value_at, __ATOMIC_RELAXED);
        while (byte < seen && !__atomic_compare_exchange_n(&st->bad_value_at, &seen, byte,
                                                           false, __ATOMIC_RELAXED,
                                                           __ATOMIC_RELAXED))
            ;
    }
    return 0;
}

/* The crc of a section from its blocks' crcs, in order. */
static uint32_t combine_crcs(const uint32_t *block_crc, uint64_t bytes)
{
    uLong crc = 0;
    for (uint64_t at = 0, k = 0; at < bytes; at += SF_FILE_BLOCK_BYTES, k++) {
        uint64_t len = bytes - at < SF_FILE_BLOCK_BYTES ? bytes - at : SF_FILE_BLOCK_BYTES;
        crc = at == 0 ? block_crc[k] : crc32_combine(crc, block_crc[k], (z_off_t)len);
    }
    return (uint32_t)crc;
}

/* The first v in [0, n) with offsets[v + 1] < offsets[v], or n. */
static uint64_t first_decrease(const sf_eid *offsets, uint64_t n)
{
    uint64_t first = n;
#pragma omp parallel for schedule(static) reduction(min : first)
    for (uint64_t v = 0; v < n; v++)
        if (offsets[v + 1] < offsets[v] && v < first)
            first = v;
    return first;
}

/* The first r in [0, n - 1) with ids[r + 1] <= ids[r], or n. */
static uint64_t first_unsorted(const uint64_t *ids, uint64_t n)
{
    uint64_t first = n;
#pragma omp parallel for schedule(static) reduction(min : first)
    for (uint64_t r = 1; r < n; r++)
        if (ids[r] <= ids[r - 1] && r - 1 < first)
            first = r - 1;
    return first;
}

static int check_offsets(const char *path, const layout *L, uint32_t id, const sf_eid *offsets,
                         sf_error *err)
{
    const section *s = L->by_id[id];
    uint64_t n = L->h.num_vertices, m = L->h.num_arcs;
    if (offsets[0] != 0)
        return sf_error_set(err, SF_EINPUT, "%s: byte %llu: %s start at %llu, not 0", path,
                            (unsigned long long)s->offset, kinds[id].name,
                            (unsigned long long)offsets[0]);
    uint64_t v = first_decrease(offsets, n);
    if (v < n)
        return sf_error_set(err, SF_EINPUT, "%s: byte %llu: %s decrease at vertex %llu", path,
                            (unsigned long long)(s->offset + (v + 1) * sizeof *offsets),
                            kinds[id].name, (unsigned long long)v);
    if (offsets[n] != m)
        return sf_error_set(err, SF_EINPUT, "%s: byte %llu: %s end at %llu, not at the %llu arcs",
                            path, (unsigned long long)(s->offset + n * sizeof *offsets),
                            kinds[id].name, (unsigned long long)offsets[n],
                            (unsigned long long)m);
    return 0;
}

/* The id maps: ascending original ids where the graph keeps them in that
 * order, and under degree order a permutation that agrees with them. */
static int check_ids(const char *path, const layout *L, const sf_graph *g, sf_error *err)
{
    uint64_t n = g->num_vertices;
    const uint64_t *sorted = g->by_original ? g->sorted_ids : g->original_ids;
    uint32_t sorted_id = g->by_original ? SEC_SORTED_IDS : SEC_ORIGINAL_IDS;
    if (sorted) {
        uint64_t r = first_unsorted(sorted, n);
        if (r < n)
            return sf_error_set(err, SF_EINPUT,
                                "%s: byte %llu: %s not strictly ascending at rank %llu", path,
                                (unsigned long long)(L->by_id[sorted_id]->offset +
                                                     (r + 1) * sizeof *sorted),
                                kinds[sorted_id].name, (unsigned long long)r + 1);
    }
    if (!g->by_original)
        return 0;
    /* by_original[r] < n, and original_ids[by_original[r]] is the r-th
     * smallest id: with the ids strictly ascending, no two ranks can share
     * a vertex, so this makes by_original a permutation. */
    uint64_t bad = n;
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (uint64_t r = 0; r < n; r++) {
        sf_vid v = g->by_original[r];
        uint64_t want = g->sorted_ids ? g->sorted_ids[r] : r;
        if ((v >= n || g->original_ids[v] != want) && r < bad)
            bad = r;
    }
    if (bad < n)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte %llu: by_original[%llu] = %u does not map to the vertex "
                            "of that rank",
                            path,
                            (unsigned long long)(L->by_id[SEC_BY_ORIGINAL]->offset +
                                                 bad * sizeof(sf_vid)),
                            (unsigned long long)bad, g->by_original[bad]);
    return 0;
}

/* The array a section loads into: its bytes rounded up to the alignment
 * (what O_DIRECT reads), aligned. free() releases it. */
static void *alloc_section(uint64_t bytes)
{
    uint64_t size = round_up(bytes ? bytes : 1, ALIGN);
    void *array = aligned_alloc(ALIGN, size);
    if (array)
        sf_advise_huge(array, size); /* a fault per 2 MiB, not per 4 KiB, as it is read in */
    return array;
}

static void **graph_slot(sf_graph *g, uint32_t id)
{
    switch (id) {
    case SEC_OUT_OFFSETS: return (void **)&g->out_offsets;
    case SEC_OUT_NEIGHBORS: return (void **)&g->out_neighbors;
    case SEC_OUT_WEIGHTS: return (void **)&g->out_weights;
    case SEC_IN_OFFSETS: return (void **)&g->in_offsets;
    case SEC_IN_NEIGHBORS: return (void **)&g->in_neighbors;
    case SEC_IN_WEIGHTS: return (void **)&g->in_weights;
    case SEC_ORIGINAL_IDS: return (void **)&g->original_ids;
    case SEC_SORTED_IDS: return (void **)&g->sorted_ids;
    default: return (void **)&g->by_original;
    }
}

/* map_sections' answer where the file cannot be mapped, or the kernel
 * cannot prefault a mapping: read it into allocated arrays instead. */
#define NOT_MAPPED 1

/* Records the first (lowest) byte at which prefaulting failed, and why. */
static void note_fault(load_state *st, uint64_t byte, int errnum)
{
#pragma omp critical(snapshot_fault)
    if (byte < st->fault_at) {
        st->fault_at = byte;
        st->fault_errno = errnum;
    }
}

/* The arrays as views of a private mapping of the whole file: the page
 * cache's pages become the arrays, so nothing is copied and no fresh page
 * is zeroed (a write, which no kernel makes to the graph, would copy just
 * its page). The workers share out the blocks; each prefaults its block
 * (MADV_POPULATE_READ, which reports a file that shrank under us as an
 * error where a plain touch would raise SIGBUS) and hands it to on_block
 * while it is in cache. Returns 0, NOT_MAPPED, or an error. */
static int map_sections(const char *path, load_state *st, size_t blocks, sf_graph *g,
                        sf_error *err)
{
#ifdef MADV_POPULATE_READ
    const layout *L = st->L;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sf_error_set(err, SF_EINPUT, "%s: %s", path, strerror(errno));
    size_t bytes = (size_t)L->h.file_bytes;
    char *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NOT_MAPPED;
    g->mapping = map;
    g->mapping_bytes = bytes;
    for (uint32_t i = 0; i < L->num_sections; i++)
        *graph_slot(g, L->sections[i].id) = map + L->sections[i].offset;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t b = 0; b < blocks; b++) {
        uint64_t at, len;
        uint32_t i = block_at(L, st->first_block, b, &at, &len);
        char *data = map + L->sections[i].offset + at;
        char *from = (char *)((uintptr_t)data & ~(page - 1));
        int rc;
        while ((rc = madvise(from, (size_t)(data + len - from), MADV_POPULATE_READ)) != 0 &&
               errno == EINTR)
            ;
        if (rc != 0)
            note_fault(st, L->sections[i].offset + at, errno);
        else
            on_block(st, i, at, data, len);
    }
    if (st->fault_at == UINT64_MAX)
        return 0;
    if (st->fault_errno == EINVAL) { /* a kernel before 5.14 */
        munmap(map, bytes);
        g->mapping = NULL;
        for (uint32_t i = 0; i < L->num_sections; i++)
            *graph_slot(g, L->sections[i].id) = NULL;
        st->bad_value_at = UINT64_MAX;
        return NOT_MAPPED;
    }
    if (st->fault_errno == EFAULT)
        return sf_error_set(err, SF_EINPUT,
                            "%s: byte %llu: unexpected end of file (it shrank while loading)",
                            path, (unsigned long long)st->fault_at);
    if (st->fault_errno == ENOMEM)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    return sf_error_set(err, SF_EINPUT, "%s: byte %llu: %s", path,
                        (unsigned long long)st->fault_at, strerror(st->fault_errno));
#else
    (void)path, (void)st, (void)blocks, (void)g, (void)err;
    return NOT_MAPPED;
#endif
}

/* The arrays allocated at their final size and the sections read straight
 * into them, on_block run on each block as it lands. */
static int read_sections(const char *path, load_state *st, sf_graph *g, sf_error *err)
{
    const layout *L = st->L;
    sf_file_range ranges[SEC_LAST];
    for (uint32_t i = 0; i < L->num_sections; i++) {
        const section *s = &L->sections[i];
        void *array = alloc_section(s->bytes);
        if (!array)
            return sf_error_set(err, -ENOMEM, "%s: out of memory for a graph of %llu MiB", path,
                                (unsigned long long)(L->h.graph_bytes >> 20));
        *graph_slot(g, s->id) = array;
        ranges[i] = (sf_file_range){s->offset, array, s->bytes};
    }
    unsigned flags = sf_env_flag("SF_O_DIRECT") ? SF_READ_DIRECT : 0;
    return sf_file_read_ranges(path, ranges, L->num_sections, flags, on_block, st, err);
}

int sf_snapshot_read(const char *path, sf_graph **out, sf_error *err)
{
    layout L;
    load_state st = {.L = &L, .bad_value_at = UINT64_MAX, .fault_at = UINT64_MAX};
    *out = NULL;
    int rc = load_header(path, &L, err);
    if (rc)
        return rc;
    const sf_snapshot_header *h = &L.h;
    sf_graph *g = calloc(1, sizeof *g);
    if (!g)
        goto no_memory;
    g->num_vertices = (sf_vid)h->num_vertices;
    g->num_arcs = h->num_arcs;
    g->num_edges = h->num_edges;
    g->directed = h->directed;
    g->weighted = h->weighted;
    g->dropped_self_loops = h->dropped_self_loops;
    g->dropped_duplicates = h->dropped_duplicates;

    size_t blocks = number_blocks(&L, st.first_block);
    st.checksum = !sf_env_flag("SF_NO_CHECKSUM");
    st.num_vertices = g->num_vertices;
    if (st.checksum && !(st.block_crc = malloc((blocks ? blocks : 1) * sizeof *st.block_crc)))
        goto no_memory;
    rc = sf_env_flag("SF_NO_MMAP") || sf_env_flag("SF_O_DIRECT")
             ? NOT_MAPPED
             : map_sections(path, &st, blocks, g, err);
    if (rc == NOT_MAPPED)
        rc = read_sections(path, &st, g, err);
    if (rc)
        goto fail;
    if (!g->directed) {
        g->in_offsets = g->out_offsets;
        g->in_neighbors = g->out_neighbors;
        g->in_weights = g->out_weights;
    }

    /* Checksums first: a corrupt section explains any check that follows. */
    for (uint32_t i = 0; st.checksum && i < L.num_sections; i++) {
        const section *s = &L.sections[i];
        uint32_t crc = combine_crcs(st.block_crc + st.first_block[i], s->bytes);
        if (crc != s->crc) {
            rc = sf_error_set(err, SF_EINPUT,
                              "%s: byte %llu: checksum mismatch in section %s (%llu bytes; "
                              "stored %08x, computed %08x)",
                              path, (unsigned long long)s->offset, kinds[s->id].name,
                              (unsigned long long)s->bytes, s->crc, crc);
            goto fail;
        }
    }
    if (st.bad_value_at != UINT64_MAX) {
        uint64_t at = st.bad_value_at;
        const section *s = NULL;
        for (uint32_t i = 0; i < L.num_sections; i++)
            if (L.sections[i].offset <= at && at < L.sections[i].offset + L.sections[i].bytes)
                s = &L.sections[i];
        const char *base = *graph_slot(g, s->id);
        uint64_t k = (at - s->offset) / kinds[s->id].elem_bytes;
        if (is_neighbors(s->id))
            rc = sf_error_set(err, SF_EINPUT,
                              "%s: byte %llu: neighbour id %u in %s is not below the vertex "
                              "count %u",
                              path, (unsigned long long)at, ((const sf_vid *)base)[k],
                              kinds[s->id].name, g->num_vertices);
        else
            rc = sf_error_set(err, SF_EINPUT, "%s: byte %llu: weight %g in %s is not a finite "
                              "number", path, (unsigned long long)at,
                              ((const double *)base)[k], kinds[s->id].name);
        goto fail;
    }
    rc = check_offsets(path, &L, SEC_OUT_OFFSETS, g->out_offsets, err);
    if (rc == 0 && g->directed)
        rc = check_offsets(path, &L, SEC_IN_OFFSETS, g->in_offsets, err);
    if (rc == 0)
        rc = check_ids(path, &L, g, err);
    if (rc)
        goto fail;
    free(st.block_crc);
    *out = g;
    return 0;

no_memory:
    rc = sf_error_set(err, -ENOMEM, "%s: out of memory for a graph of %llu MiB", path,
                      (unsigned long long)(h->graph_bytes >> 20));
fail:
    free(st.block_crc);
    sf_graph_destroy(&g);
    return rc;
}

/* ---------- one rank's rows ---------- */

int sf_snapshot_read_rows(const char *path, uint64_t first, uint64_t last, bool weights,
                          sf_snapshot_rows *out, sf_error *err)
{
    layout L;
    memset(out, 0, sizeof *out);
    int rc = load_header(path, &L, err);
    if (rc)
        return rc;
    const sf_snapshot_header *h = &L.h;
    uint64_t n = h->num_vertices;
    last = last < n ? last : n;
    first = first < last ? first : last;
    uint64_t rows = last - first;
    const section *offsets = L.by_id[SEC_OUT_OFFSETS], *neighbors = L.by_id[SEC_OUT_NEIGHBORS];
    const section *ids = L.by_id[SEC_ORIGINAL_IDS];
    const section *arc_weights = weights ? L.by_id[SEC_OUT_WEIGHTS] : NULL;
    out->header = *h;
    out->first = first;
    out->last = last;
    out->offsets = malloc((rows + 1) * sizeof *out->offsets);
    if (!out->offsets)
        goto no_memory;
    sf_file_range range = {offsets->offset + first * sizeof(sf_eid), out->offsets,
                           (rows + 1) * sizeof(sf_eid)};
    if ((rc = sf_file_read_ranges(path, &range, 1, 0, NULL, NULL, err)))
        goto fail;
    uint64_t v = first_decrease(out->offsets, rows);
    if (v < rows || out->offsets[rows] > h->num_arcs) {
        bool past = v == rows;
        rc = sf_error_set(err, SF_EINPUT, "%s: byte %llu: out_offsets %s at vertex %llu", path,
                          (unsigned long long)(range.offset + (v + !past) * sizeof(sf_eid)),
                          past ? "run past the arcs" : "decrease",
                          (unsigned long long)(first + v));
        goto fail;
    }
    uint64_t arcs = out->offsets[rows] - out->offsets[0];
    out->neighbors = malloc((arcs + 1) * sizeof *out->neighbors);
    out->original_ids = ids ? malloc((rows + 1) * sizeof *out->original_ids) : NULL;
    out->weights = arc_weights ? malloc((arcs + 1) * sizeof *out->weights) : NULL;
    if (!out->neighbors || (ids && !out->original_ids) || (arc_weights && !out->weights))
        goto no_memory;
    sf_file_range ranges[3] = {
        {neighbors->offset + out->offsets[0] * sizeof(sf_vid), out->neighbors,
         arcs * sizeof(sf_vid)},
    };
    int count = 1;
    if (ids)
        ranges[count++] = (sf_file_range){ids->offset + first * sizeof(uint64_t),
                                          out->original_ids, rows * sizeof(uint64_t)};
    if (arc_weights) /* the weights lie as the neighbours do, 8 bytes each */
        ranges[count++] = (sf_file_range){arc_weights->offset + out->offsets[0] * sizeof(double),
                                          out->weights, arcs * sizeof(double)};
    if ((rc = sf_file_read_ranges(path, ranges, count, 0, NULL, NULL, err)))
        goto fail;
    /* the first neighbour id out of range, and the first weight that is
     * not finite, in one parallel pass */
    uint64_t bad = arcs, bad_weight = arcs;
    const uint64_t *weight_bits = (const uint64_t *)out->weights;
#pragma omp parallel for schedule(static) reduction(min : bad, bad_weight)
    for (uint64_t k = 0; k < arcs; k++) {
        if (out->neighbors[k] >= n && k < bad)
            bad = k;
        if (weight_bits && bits_not_finite(weight_bits[k]) && k < bad_weight)
            bad_weight = k;
    }
    if (bad < arcs) {
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: byte %llu: neighbour id %u in out_neighbors is not below the "
                          "vertex count %llu",
                          path, (unsigned long long)(ranges[0].offset + bad * sizeof(sf_vid)),
                          out->neighbors[bad], (unsigned long long)n);
        goto fail;
    }
    if (bad_weight < arcs) {
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: byte %llu: weight %g in out_weights is not a finite number", path,
                          (unsigned long long)(ranges[count - 1].offset +
                                               bad_weight * sizeof(double)),
                          out->weights[bad_weight]);
        goto fail;
    }
    return 0;
no_memory:
    rc = sf_error_set(err, -ENOMEM, "%s: out of memory for rows %llu to %llu", path,
                      (unsigned long long)first, (unsigned long long)last);
fail:
    sf_snapshot_rows_fini(out);
    return rc;
}

void sf_snapshot_rows_fini(sf_snapshot_rows *r)
{
    free(r->offsets);
    free(r->neighbors);
    free(r->original_ids);
    free(r->weights);
    memset(r, 0, sizeof *r);
}

/* ---------- writing ---------- */

/* The sections of g in file order, laid out from the end of the header
 * space; returns the file's size. */
static uint64_t plan_sections(const sf_graph *g, layout *L)
{
    memset(L, 0, sizeof *L);
    uint64_t n = g->num_vertices, m = g->num_arcs;
    struct {
        uint32_t id;
        const void *data;
        uint64_t count;
    } want[] = {
        {SEC_OUT_OFFSETS, g->out_offsets, n + 1},
        {SEC_OUT_NEIGHBORS, g->out_neighbors, m},
        {SEC_OUT_WEIGHTS, g->weighted ? g->out_weights : NULL, m},
        {SEC_IN_OFFSETS, g->directed ? g->in_offsets : NULL, n + 1},
        {SEC_IN_NEIGHBORS, g->directed ? g->in_neighbors : NULL, m},
        {SEC_IN_WEIGHTS, g->directed && g->weighted ? g->in_weights : NULL, m},
        {SEC_ORIGINAL_IDS, g->original_ids, n},
        {SEC_SORTED_IDS, g->by_original ? g->sorted_ids : NULL, n},
        {SEC_BY_ORIGINAL, g->by_original, n},
    };
    uint64_t offset = ALIGN;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!want[i].data)
            continue;
        section *s = &L->sections[L->num_sections++];
        s->id = want[i].id;
        s->data = want[i].data;
        s->offset = offset;
        s->bytes = want[i].count * kinds[s->id].elem_bytes;
        offset = round_up(offset + s->bytes, ALIGN);
    }
    return offset;
}

/* Every section's crc32, its blocks checksummed in parallel and combined. */
static int checksum_sections(layout *L)
{
    size_t first[SEC_LAST];
    size_t blocks = number_blocks(L, first);
    uint32_t *crc = malloc((blocks ? blocks : 1) * sizeof *crc);
    if (!crc)
        return -ENOMEM;
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t b = 0; b < blocks; b++) {
        uint64_t at, len;
        const section *s = &L->sections[block_at(L, first, b, &at, &len)];
        crc[b] = libdeflate_crc32(0, (const unsigned char *)s->data + at, len);
    }
    for (uint32_t i = 0; i < L->num_sections; i++)
        L->sections[i].crc = combine_crcs(crc + first[i], L->sections[i].bytes);
    free(crc);
    return 0;
}

static int write_at(int fd, const void *data, uint64_t len, uint64_t offset)
{
    const char *p = data;
    while (len) {
        size_t chunk = len < ((size_t)1 << 30) ? (size_t)len : (size_t)1 << 30;
        ssize_t put = pwrite(fd, p, chunk, (off_t)offset);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += put;
        offset += (uint64_t)put;
        len -= (uint64_t)put;
    }
    return 0;
}

int sf_snapshot_write(const char *path, const sf_graph *g, sf_error *err)
{
    if (!host_is_little_endian())
        return refuse_big_endian(path, err);
    layout L;
    uint64_t file_bytes = plan_sections(g, &L);
    if (checksum_sections(&L))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);

    unsigned char header[HEADER_SPACE];
    memset(header, 0, sizeof header);
    memcpy(header, magic, sizeof magic);
    put_u32(header + 8, SF_SNAPSHOT_VERSION);
    put_u32(header + 12, (uint32_t)ALIGN);
    put_u64(header + 16, (g->directed ? FLAG_DIRECTED : 0) | (g->weighted ? FLAG_WEIGHTED : 0) |
                             (g->by_original ? FLAG_DEGREE_ORDERED : 0));
    put_u64(header + 24, g->num_vertices);
    put_u64(header + 32, g->num_arcs);
    put_u64(header + 40, g->num_edges);
    put_u64(header + 48, g->dropped_self_loops);
    put_u64(header + 56, g->dropped_duplicates);
    put_u64(header + 64, file_bytes);
    put_u32(header + 72, L.num_sections);
    for (uint32_t i = 0; i < L.num_sections; i++) {
        unsigned char *e = header + FIXED_BYTES + (size_t)ENTRY_BYTES * i;
        const section *s = &L.sections[i];
        put_u32(e, s->id);
        put_u32(e + 4, kinds[s->id].elem_bytes);
        put_u64(e + 8, s->offset);
        put_u64(e + 16, s->bytes);
        put_u32(e + 24, s->crc);
    }
    size_t header_len = FIXED_BYTES + (size_t)ENTRY_BYTES * L.num_sections;
    put_u32(header + HEADER_AT_CRC, header_crc(header, header_len));

    size_t tmp_len = strlen(path) + 32;
    char *tmp = malloc(tmp_len);
    if (!tmp)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    snprintf(tmp, tmp_len, "%s.tmp.%ld", path, (long)getpid());
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = -errno;
        goto done;
    }
    /* the padding between sections reads as zeros */
    if (ftruncate(fd, (off_t)file_bytes) != 0)
        rc = -errno;
    if (rc == 0)
        rc = write_at(fd, header, header_len, 0);
    for (uint32_t i = 0; rc == 0 && i < L.num_sections; i++)
        rc = write_at(fd, L.sections[i].data, L.sections[i].bytes, L.sections[i].offset);
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc)
        unlink(tmp);
done:
    if (rc)
        sf_error_set(err, rc, "%s: %s", path, strerror(-rc));
    free(tmp);
    return rc;
}
