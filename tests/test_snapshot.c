/* The native snapshot (io/snapshot) and the ranged reader under it
 * (sf_file_read_ranges): every array of every kind of graph comes back
 * bit for bit at 1 and 2 threads, by io_uring, pread and O_DIRECT; the
 * bytes on disk are the documented layout (the checksums recomputed here
 * with zlib from the layout alone); every kind of damage is refused with
 * one line naming the byte; and the CLI gives the same answers from a
 * snapshot as from its source. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <omp.h>
#include <sys/stat.h>
#include <zlib.h>

#include "engine/weights.h"
#include "io/reader.h"
#include "io/snapshot.h"
#include "tests/support.h"
#include "tests/scratch.h"
#include "tests/o_direct.h"
#include "tests/sfg_bytes.h"

/* ---- helpers ---- */


static void spill(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(buf, 1, len, f), len);
    fclose(f);
}

/* The table entry of section `id`, or NULL. */
static unsigned char *entry_of(unsigned char *buf, uint32_t id)
{
    for (uint32_t i = 0; i < le32(buf + 72); i++)
        if (le32(buf + 128 + 32 * i) == id)
            return buf + 128 + 32 * i;
    return NULL;
}

enum { OUT_OFFSETS = 1, OUT_NEIGHBORS, OUT_WEIGHTS, IN_OFFSETS, IN_NEIGHBORS, IN_WEIGHTS,
       ORIGINAL_IDS, SORTED_IDS, BY_ORIGINAL };

static void expect_same_array(const void *a, const void *b, uint64_t bytes, const char *what)
{
    if (!a || !b) {
        cr_assert_eq(a == NULL, b == NULL, "%s: present in one graph only", what);
        return;
    }
    cr_assert_eq(memcmp(a, b, bytes), 0, "%s differs", what);
}

static void expect_same_graph(const sf_graph *a, const sf_graph *b)
{
    uint64_t n = a->num_vertices, m = a->num_arcs;
    cr_assert_eq(a->num_vertices, b->num_vertices);
    cr_assert_eq(a->num_arcs, b->num_arcs);
    cr_assert_eq(a->num_edges, b->num_edges);
    cr_assert_eq(a->directed, b->directed);
    cr_assert_eq(a->weighted, b->weighted);
    cr_assert_eq(a->dropped_self_loops, b->dropped_self_loops);
    cr_assert_eq(a->dropped_duplicates, b->dropped_duplicates);
    expect_same_array(a->out_offsets, b->out_offsets, (n + 1) * sizeof(sf_eid), "out_offsets");
    expect_same_array(a->out_neighbors, b->out_neighbors, m * sizeof(sf_vid), "out_neighbors");
    expect_same_array(a->in_offsets, b->in_offsets, (n + 1) * sizeof(sf_eid), "in_offsets");
    expect_same_array(a->in_neighbors, b->in_neighbors, m * sizeof(sf_vid), "in_neighbors");
    if (a->weighted) {
        expect_same_array(a->out_weights, b->out_weights, m * sizeof(double), "out_weights");
        expect_same_array(a->in_weights, b->in_weights, m * sizeof(double), "in_weights");
    }
    expect_same_array(a->original_ids, b->original_ids, n * sizeof(uint64_t), "original_ids");
    expect_same_array(a->sorted_ids, b->sorted_ids, n * sizeof(uint64_t), "sorted_ids");
    expect_same_array(a->by_original, b->by_original, n * sizeof(sf_vid), "by_original");
    cr_assert_eq(b->directed || b->in_offsets == b->out_offsets, true,
                 "an undirected graph aliases in_* to out_*");
}

static sf_graph *build(sf_edge_list *e, bool undirected, bool original_order)
{
    sf_build_options opt = {.undirected = undirected, .original_order = original_order};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(e);
    return g;
}

/* A directed weighted graph over sparse 64-bit ids, with a self-loop and a
 * duplicate (so the dropped counts are not zero), in degree order. */
static sf_graph *sparse_weighted(void)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    const uint64_t arcs[][2] = {{UINT64_MAX, 5}, {5, 1ull << 40}, {1ull << 40, UINT64_MAX},
                                {77, 5}, {5, 5}, {77, 5}, {5, 77}, {9, 1ull << 40}};
    cr_assert_eq(sf_edge_list_reserve(&e, 16, true), 0);
    for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0.25 * (double)(i + 1)), 0);
    return build(&e, false, false);
}

/* Vertices named in a .v-like list but in no edge. */
static sf_graph *with_isolated(void)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_edge_list_push(&e, 10, 20, 0);
    sf_edge_list_push(&e, 20, 30, 0);
    e.vertex_ids = malloc(5 * sizeof *e.vertex_ids);
    const uint64_t ids[] = {10, 20, 30, 40, 50};
    memcpy(e.vertex_ids, ids, sizeof ids);
    e.num_vertex_ids = 5;
    return build(&e, true, false);
}

static sf_graph *empty_graph(void)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    return build(&e, false, false);
}

static sf_graph *original_order_compact(void)
{
    const uint64_t arcs[][2] = {{1, 3}, {3, 9}, {9, 1}, {3, 1}};
    return graph_from_arcs(arcs, 4, false);
}

static sf_graph *generated_original_order(void)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_error err;
    cr_assert_eq(sf_generate("urand:8", 3, &e, &err), 0);
    return build(&e, true, true); /* ids are dense: no id maps at all */
}

static sf_graph *kron_random_weights(void)
{
    sf_graph *g = graph_generated("kron:9", 2, true);
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, 7), 0);
    return g;
}

static sf_graph *kron_directed(void)
{
    return graph_generated("kron:9", 4, false);
}

static sf_graph *(*const makers[])(void) = {
    sparse_weighted, with_isolated, empty_graph, original_order_compact,
    generated_original_order, kron_random_weights, kron_directed,
};

static void write_snapshot(const char *path, const sf_graph *g)
{
    sf_error err;
    cr_assert_eq(sf_snapshot_write(path, g, &err), 0, "%s", err.msg);
}

static sf_graph *read_snapshot(const char *path)
{
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_snapshot_read(path, &g, &err), 0, "%s", err.msg);
    return g;
}

/* ---- round trips ---- */

TestSuite(snapshot, .init = make_tmp_dir, .fini = remove_tmp_dir);

Test(snapshot, every_kind_of_graph_round_trips_at_1_and_2_threads)
{
    char *path = tmp_path("g.sfg");
    for (size_t k = 0; k < sizeof makers / sizeof makers[0]; k++) {
        sf_graph *g = makers[k]();
        for (int threads = 1; threads <= 2; threads++) {
            omp_set_num_threads(threads);
            write_snapshot(path, g);
            sf_graph *back = read_snapshot(path);
            expect_same_graph(g, back);
            sf_graph_destroy(&back);
        }
        sf_graph_destroy(&g);
    }
    free(path);
}

/* With SF_O_DIRECT=1 the sections are read past the page cache: the
 * neighbour section's pages, dropped before, are still not in it (where the
 * file system refuses O_DIRECT, the notice says so instead). */
Test(snapshot, several_blocks_by_io_uring_pread_and_o_direct, .init = cr_redirect_stderr)
{
    /* about 2M arcs: the neighbour section spans two 4 MiB blocks */
    sf_graph *g = graph_generated("kron:16", 1, true);
    cr_assert_gt(g->num_arcs * sizeof(sf_vid), SF_FILE_BLOCK_BYTES);
    char *path = tmp_path("big.sfg");
    write_snapshot(path, g);
    unsigned char head[4096];
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    uint64_t neighbors = le64(entry_of(head, OUT_NEIGHBORS) + 8),
             neighbor_bytes = le64(entry_of(head, OUT_NEIGHBORS) + 16);
    bool direct = takes_o_direct(tmp_dir);
    const char *modes[][2] = {{NULL, NULL},           {"SF_NO_MMAP", "1"},
                              {"SF_NO_IO_URING", "1"}, {"SF_O_DIRECT", "1"},
                              {"SF_NO_CHECKSUM", "1"}};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        if (modes[m][0])
            setenv(modes[m][0], modes[m][1], 1);
        bool o_direct = modes[m][0] && strcmp(modes[m][0], "SF_O_DIRECT") == 0;
        for (int threads = 1; threads <= 2; threads++) {
            omp_set_num_threads(threads);
            bool dropped = o_direct && drop_cached_pages(path); /* else the cache cannot tell */
            if (o_direct && direct && !dropped)
                cr_log_warn("%s: its pages cannot be dropped: the page-cache check is not made",
                            path);
            sf_graph *back = read_snapshot(path);
            expect_same_graph(g, back);
            sf_graph_destroy(&back);
            if (o_direct && direct && dropped)
                cr_assert_eq(cached_pages(path, neighbors, neighbor_bytes), 0,
                             "%d threads: the O_DIRECT read went through the page cache",
                             threads);
        }
        if (o_direct)
            expect_o_direct_notice(direct, path);
        if (modes[m][0])
            unsetenv(modes[m][0]);
    }
    /* mapped by default; read into allocated arrays by the other modes */
    sf_graph *mapped = read_snapshot(path);
    cr_assert_not_null(mapped->mapping);
    cr_assert_eq((char *)mapped->out_neighbors,
                 (char *)mapped->mapping + le64(entry_of((unsigned char *)mapped->mapping, OUT_NEIGHBORS) + 8),
                 "out_neighbors is the file's section, not a copy");
    sf_graph_destroy(&mapped);
    setenv("SF_NO_MMAP", "1", 1);
    sf_graph *copied = read_snapshot(path);
    cr_assert_null(copied->mapping);
    sf_graph_destroy(&copied);
    unsetenv("SF_NO_MMAP");
    sf_snapshot_header h;
    sf_error err;
    cr_assert_eq(sf_snapshot_read_header(path, &h, &err), 0, "%s", err.msg);
    cr_assert_eq(h.num_vertices, g->num_vertices);
    cr_assert_eq(h.num_arcs, g->num_arcs);
    cr_assert_eq(h.num_edges, g->num_edges);
    cr_assert_eq(h.directed, false);
    cr_assert_eq(h.degree_ordered, true);
    cr_assert_eq(h.graph_bytes, sf_graph_bytes(g));
    sf_graph_destroy(&g);
    free(path);
}

/* Where O_DIRECT is refused (a seccomp filter here, as a file system
 * without it would), the range reader opens the file again without it:
 * the same graph, and one notice naming the file. */
Test(snapshot, o_direct_refused_reads_buffered_with_one_notice, .init = cr_redirect_stderr)
{
    sf_graph *g = graph_generated("kron:12", 1, true);
    char *path = tmp_path("refused.sfg");
    write_snapshot(path, g);
    refuse_o_direct();
    cr_assert_not(takes_o_direct(tmp_dir), "the filter refuses O_DIRECT");
    setenv("SF_O_DIRECT", "1", 1);
    for (int threads = 1; threads <= 2; threads++) {
        omp_set_num_threads(threads);
        sf_graph *back = read_snapshot(path);
        expect_same_graph(g, back);
        sf_graph_destroy(&back);
    }
    unsetenv("SF_O_DIRECT");
    expect_o_direct_notice(false, path);
    sf_graph_destroy(&g);
    free(path);
}

Test(snapshot, bytes_on_disk_are_the_documented_layout)
{
    sf_graph *g = sparse_weighted();
    char *path = tmp_path("g.sfg");
    write_snapshot(path, g);
    size_t len;
    unsigned char *buf = (unsigned char *)read_file(path, &len);
    const unsigned char magic[8] = {0x89, 'S', 'F', 'G', '\r', '\n', 0x1a, '\n'};
    cr_assert_eq(memcmp(buf, magic, 8), 0);
    cr_assert_eq(le32(buf + 8), 1, "version");
    cr_assert_eq(le32(buf + 12), 4096, "alignment");
    cr_assert_eq(le64(buf + 16), 1 | 2 | 4, "directed, weighted, degree-ordered");
    cr_assert_eq(le64(buf + 24), g->num_vertices);
    cr_assert_eq(le64(buf + 32), g->num_arcs);
    cr_assert_eq(le64(buf + 40), g->num_edges);
    cr_assert_eq(le64(buf + 48), 1, "one self-loop dropped");
    cr_assert_eq(le64(buf + 56), 1, "one duplicate dropped");
    cr_assert_eq(le64(buf + 64), len);
    cr_assert_eq(len % 4096, 0);
    cr_assert_eq(le32(buf + 76), header_crc_of(buf, len));
    /* directed, weighted, sparse ids in degree order: all nine sections */
    cr_assert_eq(le32(buf + 72), 9);
    const void *arrays[] = {g->out_offsets, g->out_neighbors, g->out_weights, g->in_offsets,
                            g->in_neighbors, g->in_weights, g->original_ids, g->sorted_ids,
                            g->by_original};
    uint64_t previous_end = 4096;
    for (uint32_t i = 0; i < 9; i++) {
        const unsigned char *e = buf + 128 + 32 * i;
        uint64_t off = le64(e + 8), bytes = le64(e + 16);
        cr_assert_eq(le32(e), i + 1, "sections in id order");
        cr_assert_eq(off % 4096, 0);
        cr_assert_geq(off, previous_end);
        cr_assert_eq(le32(e + 24), (uint32_t)crc32(0, buf + off, (uInt)bytes), "crc of %u", i + 1);
        cr_assert_eq(memcmp(buf + off, arrays[i], bytes), 0, "section %u is the array", i + 1);
        previous_end = off + bytes;
    }
    free(buf);
    free(path);
    sf_graph_destroy(&g);
}

/* ---- damage ---- */

/* Writes buf as a new file, loads it, and expects SF_EINPUT with a message
 * that names the file and contains `needle`. */
static void expect_refused(const unsigned char *buf, size_t len, const char *needle)
{
    char *path = tmp_path("bad.sfg");
    spill(path, buf, len);
    sf_graph *g = NULL;
    sf_error err = {{0}};
    int rc = sf_snapshot_read(path, &g, &err);
    cr_assert_eq(rc, SF_EINPUT, "expected a refusal containing '%s', got %d: %s", needle, rc,
                 err.msg);
    cr_assert_null(g);
    cr_assert(strstr(err.msg, path) == err.msg, "message names the file: %s", err.msg);
    cr_assert(strstr(err.msg, needle), "'%s' not in: %s", needle, err.msg);
    cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
    unlink(path);
    free(path);
}

static unsigned char *good_snapshot(sf_graph *(*make)(void), size_t *len)
{
    sf_graph *g = make();
    char *path = tmp_path("good.sfg");
    write_snapshot(path, g);
    unsigned char *buf = (unsigned char *)read_file(path, len);
    sf_graph_destroy(&g);
    free(path);
    return buf;
}

Test(snapshot, bad_magic_and_unknown_version)
{
    size_t len;
    unsigned char *buf = good_snapshot(kron_directed, &len);
    unsigned char *bad = malloc(len);
    memcpy(bad, buf, len);
    bad[1] = 'X';
    expect_refused(bad, len, "byte 0: not a shardflow snapshot (bad magic)");
    expect_refused((const unsigned char *)"1 2\n2 3\n", 8, "byte 0: not a shardflow snapshot");
    memcpy(bad, buf, len);
    put32(bad + 8, 2);
    expect_refused(bad, len, "byte 8: unknown snapshot version 2 (this shardflow reads 1)");
    memcpy(bad, buf, len);
    bad[33] ^= 0x10; /* the arc count, without fixing the header's checksum */
    expect_refused(bad, len, "byte 76: header checksum mismatch");
    free(bad);
    free(buf);
}

Test(snapshot, truncated_anywhere)
{
    size_t len;
    unsigned char *buf = good_snapshot(kron_directed, &len);
    uint64_t neighbors = le64(entry_of(buf, OUT_NEIGHBORS) + 8);
    struct {
        size_t keep;
        const char *needle;
    } cuts[] = {
        {0, "byte 0: truncated: the header needs 128 bytes"},
        {5, "byte 5: truncated"},
        {100, "byte 100: truncated: the header needs 128 bytes"},
        {140, "byte 140: truncated: the section table needs"},
        {4096, "byte 4096: truncated: the header says the file has"},
        {neighbors + 1000, "truncated"},
        {len - 1, "truncated"},
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        expect_refused(buf, cuts[i].keep, cuts[i].needle);
    free(buf);
}

Test(snapshot, a_flipped_byte_in_any_section_fails_its_checksum)
{
    size_t len;
    unsigned char *buf = good_snapshot(sparse_weighted, &len);
    unsigned char *bad = malloc(len);
    const char *names[] = {NULL, "out_offsets", "out_neighbors", "out_weights", "in_offsets",
                           "in_neighbors", "in_weights", "original_ids", "sorted_ids",
                           "by_original"};
    for (uint32_t id = OUT_OFFSETS; id <= BY_ORIGINAL; id++) {
        memcpy(bad, buf, len);
        unsigned char *e = entry_of(bad, id);
        cr_assert_not_null(e);
        uint64_t off = le64(e + 8), bytes = le64(e + 16);
        bad[off + bytes / 2] ^= 0x01;
        char needle[128];
        snprintf(needle, sizeof needle, "byte %llu: checksum mismatch in section %s",
                 (unsigned long long)off, names[id]);
        expect_refused(bad, len, needle);
        setenv("SF_NO_MMAP", "1", 1); /* the same through the copying reader */
        expect_refused(bad, len, needle);
        unsetenv("SF_NO_MMAP");
    }
    free(bad);
    free(buf);
}

/* Damage that keeps every checksum right: the structure checks catch it. */
Test(snapshot, inconsistent_contents_with_good_checksums)
{
    size_t len;
    unsigned char *buf = good_snapshot(sparse_weighted, &len);
    unsigned char *bad = malloc(len);
    uint64_t n = le64(buf + 24), m = le64(buf + 32);
    char needle[160];

    /* offsets that decrease at vertex 1 */
    memcpy(bad, buf, len);
    uint64_t off = le64(entry_of(bad, OUT_OFFSETS) + 8);
    put64(bad + off + 8 * 2, 0);
    put64(bad + off + 8 * 1, m);
    fix_checksums(bad, len);
    snprintf(needle, sizeof needle, "byte %llu: out_offsets decrease at vertex 1",
             (unsigned long long)(off + 16));
    expect_refused(bad, len, needle);

    /* offsets that do not end at the arc count */
    memcpy(bad, buf, len);
    off = le64(entry_of(bad, IN_OFFSETS) + 8);
    put64(bad + off + 8 * n, m + 1);
    fix_checksums(bad, len);
    snprintf(needle, sizeof needle, "byte %llu: in_offsets end at %llu, not at the %llu arcs",
             (unsigned long long)(off + 8 * n), (unsigned long long)m + 1,
             (unsigned long long)m);
    expect_refused(bad, len, needle);

    /* a neighbour id past the vertex count */
    memcpy(bad, buf, len);
    off = le64(entry_of(bad, IN_NEIGHBORS) + 8);
    put32(bad + off + 4 * 3, (uint32_t)n + 7);
    fix_checksums(bad, len);
    snprintf(needle, sizeof needle,
             "byte %llu: neighbour id %llu in in_neighbors is not below the vertex count %llu",
             (unsigned long long)(off + 12), (unsigned long long)n + 7, (unsigned long long)n);
    expect_refused(bad, len, needle);

    /* weights that are not numbers, which no parser lets into a graph: a
     * NaN in out_weights, an infinity in in_weights, through the mapping
     * and the copying reader, and in a rank's rows (out_weights only) */
    const struct {
        uint32_t id;
        const char *name;
        double weight;
    } not_finite[] = {{OUT_WEIGHTS, "out_weights", NAN}, {IN_WEIGHTS, "in_weights", -INFINITY}};
    for (size_t i = 0; i < sizeof not_finite / sizeof not_finite[0]; i++) {
        memcpy(bad, buf, len);
        off = le64(entry_of(bad, not_finite[i].id) + 8);
        uint64_t bits;
        memcpy(&bits, &not_finite[i].weight, sizeof bits);
        put64(bad + off + 8 * 2, bits);
        fix_checksums(bad, len);
        snprintf(needle, sizeof needle, "byte %llu: weight %g in %s is not a finite number",
                 (unsigned long long)(off + 16), not_finite[i].weight, not_finite[i].name);
        expect_refused(bad, len, needle);
        setenv("SF_NO_MMAP", "1", 1);
        expect_refused(bad, len, needle);
        unsetenv("SF_NO_MMAP");
        if (not_finite[i].id == OUT_WEIGHTS) {
            char *path = tmp_path("rows.sfg");
            spill(path, bad, len);
            sf_snapshot_rows rows;
            sf_error err = {{0}};
            cr_expect_eq(sf_snapshot_read_rows(path, 0, n, true, &rows, &err), SF_EINPUT);
            cr_expect(strstr(err.msg, needle), "'%s' not in: %s", needle, err.msg);
            cr_expect_eq(sf_snapshot_read_rows(path, 0, n, false, &rows, &err), 0,
                         "without its weights the rows are good: %s", err.msg);
            sf_snapshot_rows_fini(&rows);
            unlink(path);
            free(path);
        }
    }

    /* id maps that disagree: two ranks swapped in by_original */
    memcpy(bad, buf, len);
    off = le64(entry_of(bad, BY_ORIGINAL) + 8);
    uint32_t a = le32(bad + off), b = le32(bad + off + 4);
    put32(bad + off, b);
    put32(bad + off + 4, a);
    fix_checksums(bad, len);
    snprintf(needle, sizeof needle, "byte %llu: by_original[0]", (unsigned long long)off);
    expect_refused(bad, len, needle);

    /* sorted ids out of order */
    memcpy(bad, buf, len);
    off = le64(entry_of(bad, SORTED_IDS) + 8);
    put64(bad + off + 8, le64(bad + off));
    fix_checksums(bad, len);
    expect_refused(bad, len, "sorted_ids not strictly ascending at rank 1");

    /* counts: edges that do not match the arcs of a directed graph */
    memcpy(bad, buf, len);
    put64(bad + 40, m + 1);
    fix_checksums(bad, len);
    expect_refused(bad, len, "byte 40:");

    /* a section that runs past the end of the file */
    memcpy(bad, buf, len);
    unsigned char *e = entry_of(bad, BY_ORIGINAL);
    put64(e + 8, len);
    fix_checksums(bad, len);
    snprintf(needle, sizeof needle, "byte %llu: section by_original at bytes [%llu,",
             (unsigned long long)(e - bad), (unsigned long long)len);
    expect_refused(bad, len, needle);

    /* a section whose size does not match the counts */
    memcpy(bad, buf, len);
    e = entry_of(bad, OUT_NEIGHBORS);
    put64(e + 16, le64(e + 16) - 4);
    fix_checksums(bad, len);
    expect_refused(bad, len, "section out_neighbors holds");

    /* an unknown section id, and a required section gone */
    memcpy(bad, buf, len);
    put32(entry_of(bad, BY_ORIGINAL), 42);
    fix_checksums(bad, len);
    expect_refused(bad, len, "unknown section id 42");
    memcpy(bad, buf, len);
    put32(bad + 72, le32(bad + 72) - 1); /* drops by_original, the last entry */
    fix_checksums(bad, len);
    expect_refused(bad, len, "byte 72: section by_original is missing");
    free(bad);
    free(buf);
}

Test(snapshot, skipping_checksums_still_checks_structure)
{
    size_t len;
    unsigned char *buf = good_snapshot(sparse_weighted, &len);
    unsigned char *bad = malloc(len);
    setenv("SF_NO_CHECKSUM", "1", 1);
    /* a changed weight is invisible without the checksum... */
    memcpy(bad, buf, len);
    uint64_t off = le64(entry_of(bad, OUT_WEIGHTS) + 8);
    bad[off + 3] ^= 0x40;
    char *path = tmp_path("w.sfg");
    spill(path, bad, len);
    sf_graph *g = read_snapshot(path);
    sf_graph_destroy(&g);
    /* ...a neighbour out of range is not */
    memcpy(bad, buf, len);
    off = le64(entry_of(bad, OUT_NEIGHBORS) + 8);
    put32(bad + off, 0xfffffff0u);
    expect_refused(bad, len, "neighbour id 4294967280 in out_neighbors");
    unsetenv("SF_NO_CHECKSUM");
    free(path);
    free(bad);
    free(buf);
}

/* A mapped graph's arrays are the file's pages: a write changes this
 * process's copy only, and an array replaced by a malloc'd one (new
 * weights) is released without freeing the mapping's memory. */
Test(snapshot, a_mapped_graph_is_private_and_its_arrays_can_be_replaced)
{
    sf_graph *g = kron_random_weights();
    char *path = tmp_path("w.sfg");
    write_snapshot(path, g);
    size_t len;
    unsigned char *before = (unsigned char *)read_file(path, &len);
    sf_graph *back = read_snapshot(path);
    cr_assert_not_null(back->mapping);
    back->out_neighbors[0] ^= 1;
    back->out_neighbors[0] ^= 1;
    back->out_weights[0] = -1.0;
    size_t len_after;
    unsigned char *after = (unsigned char *)read_file(path, &len_after);
    cr_assert_eq(len_after, len);
    cr_assert_eq(memcmp(before, after, len), 0, "a write to a mapped graph reached the file");
    cr_assert_eq(sf_graph_assign_weights(back, SF_WEIGHTS_RANDOM, 7), 0);
    cr_assert_eq(memcmp(back->out_weights, g->out_weights, g->num_arcs * sizeof(double)), 0,
                 "the same weights from the same seed");
    sf_graph_destroy(&back);
    sf_graph_destroy(&g);
    free(before);
    free(after);
    free(path);
}

/* ---- the ranged reader ---- */

struct coverage {
    uint64_t bytes[3];
    int bad_at;
};

static int count_block(void *arg, size_t range, size_t at, const void *data, size_t len)
{
    struct coverage *c = arg;
    (void)data;
    if (at % SF_FILE_BLOCK_BYTES != 0 || len > SF_FILE_BLOCK_BYTES)
        __atomic_store_n(&c->bad_at, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&c->bytes[range], len, __ATOMIC_RELAXED);
    return 0;
}

static int refuse_block(void *arg, size_t range, size_t at, const void *data, size_t len)
{
    (void)arg, (void)range, (void)data, (void)len;
    return at > 0 ? -77 : 0;
}

Test(snapshot, ranges_land_in_place_with_one_callback_per_block)
{
    size_t size = 9u << 20;
    unsigned char *file = malloc(size);
    for (size_t i = 0; i < size; i++)
        file[i] = (unsigned char)(i * 2654435761u >> 13);
    char *path = tmp_path("ranges.bin");
    spill(path, file, size);
    size_t a_len = 5u << 20, b_off = a_len + 3, b_len = size - b_off;
    unsigned char *a = malloc(a_len), *b = malloc(b_len);
    sf_file_range ranges[3] = {{0, a, a_len}, {b_off, b, b_len}, {100, NULL, 0}};
    for (int mode = 0; mode < 2; mode++) {
        if (mode)
            setenv("SF_NO_IO_URING", "1", 1);
        for (int threads = 1; threads <= 3; threads++) {
            omp_set_num_threads(threads);
            memset(a, 0, a_len);
            memset(b, 0, b_len);
            struct coverage c = {{0}, 0};
            sf_error err;
            cr_assert_eq(sf_file_read_ranges(path, ranges, 3, 0, count_block, &c, &err), 0, "%s",
                         err.msg);
            cr_assert_eq(memcmp(a, file, a_len), 0);
            cr_assert_eq(memcmp(b, file + b_off, b_len), 0);
            cr_assert_eq(c.bytes[0], a_len, "each byte reported once");
            cr_assert_eq(c.bytes[1], b_len);
            cr_assert_eq(c.bytes[2], 0);
            cr_assert_eq(c.bad_at, 0);
            /* a callback's code stops the read and comes back as is */
            cr_assert_eq(sf_file_read_ranges(path, ranges, 2, 0, refuse_block, NULL, &err), -77);
        }
    }
    unsetenv("SF_NO_IO_URING");
    sf_file_range past = {size - 10, a, 20};
    sf_error err;
    cr_assert_eq(sf_file_read_ranges(path, &past, 1, 0, NULL, NULL, &err), SF_EINPUT);
    char needle[128];
    snprintf(needle, sizeof needle, "unexpected end of file at byte %zu", size);
    cr_assert(strstr(err.msg, needle), "%s", err.msg);
    cr_assert_eq(sf_file_read_into("/nonexistent/x.sfg", 0, a, 1, &err), SF_EINPUT);
    cr_assert(strstr(err.msg, "No such file"), "%s", err.msg);
    free(a);
    free(b);
    free(file);
    free(path);
}

/* ---- through the CLI ---- */

static void expect_cli_failure(const char *args, int status, const char *needle)
{
    char errbuf[2048];
    int got = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(got, status, "%s: exit %d, expected %d (%s)", args, got, status, errbuf);
    cr_assert(strstr(errbuf, needle), "%s: stderr lacks '%s': %s", args, needle, errbuf);
    size_t len = strlen(errbuf);
    cr_assert(len > 0 && strchr(errbuf, '\n') == errbuf + len - 1, "one line: %s", errbuf);
}

/* Runs ALGO on GRAPH (extra flags in `flags`) with --output, returns the
 * output file's text. */
static char *run_output(const char *algo, const char *graph, const char *flags, int threads)
{
    char *out = tmp_path("out.txt"), args[4096];
    snprintf(args, sizeof args, "run %s %s %s --threads %d --output %s --quiet", algo, graph,
             flags, threads, out);
    char errbuf[1024];
    int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(status, 0, "%s: %s", args, errbuf);
    char *text = read_file(out, NULL);
    unlink(out);
    free(out);
    return text;
}

Test(snapshot, same_answers_from_a_snapshot_as_from_its_source, .timeout = 60)
{
    char source[1024], args[4096];
    snprintf(source, sizeof source, "%s/snap/facebook-combined.txt.gz", datasets_dir());
    char *sfg = tmp_path("fb.sfg");
    snprintf(args, sizeof args, "convert %s %s --undirected --quiet", source, sfg);
    cr_assert_eq(run_cli(args, NULL, 0, NULL, 0), 0, "%s", args);
    const char *algos[] = {"pr", "wcc"};
    for (int a = 0; a < 2; a++)
        for (int threads = 1; threads <= 2; threads++) {
            char *want = run_output(algos[a], source, "--undirected", threads);
            char *got = run_output(algos[a], sfg, "", threads);
            cr_assert_str_eq(got, want, "%s at %d threads", algos[a], threads);
            free(want);
            free(got);
        }
    /* an undirected snapshot is not made directed by a flag */
    snprintf(args, sizeof args, "run wcc %s --directed", sfg);
    expect_cli_failure(args, 2, "the snapshot holds an undirected graph");
    free(sfg);
}

Test(snapshot, degree_ordered_sparse_ids_keep_original_ids_in_outputs)
{
    char *el = tmp_path("sparse.el"), *sfg = tmp_path("sparse.sfg"), args[4096];
    FILE *f = fopen(el, "w");
    fputs("18446744073709551615 9000000000000000000\n9000000000000000000 42\n"
          "7 1099511627776\n42 7\n5 5\n",
          f);
    fclose(f);
    snprintf(args, sizeof args, "convert %s %s --quiet", el, sfg);
    cr_assert_eq(run_cli(args, NULL, 0, NULL, 0), 0);
    const char *algos[] = {"wcc", "pr"};
    for (int a = 0; a < 2; a++) {
        char *want = run_output(algos[a], el, "", 2);
        char *got = run_output(algos[a], sfg, "", 2);
        cr_assert_str_eq(got, want, "%s", algos[a]);
        free(want);
        free(got);
    }
    char *wcc = run_output("wcc", sfg, "", 1);
    cr_assert_str_eq(wcc, "5 5\n7 7\n42 7\n1099511627776 7\n9000000000000000000 7\n"
                          "18446744073709551615 7\n");
    free(wcc);
    free(el);
    free(sfg);
}

/* Ids 0..n-1 from a file (not a generator's dense list): the id maps
 * would say nothing, so the graph has none and the snapshot has neither
 * original_ids (original order) nor sorted_ids (degree order), as
 * io/snapshot.h says; by_original still orders the ranks. A file that
 * carries sorted_ids 0..n-1 all the same (older writers did) still loads. */
Test(snapshot, ids_0_to_n_minus_1_write_no_identity_id_map)
{
    /* a hub at 4, so that degree order moves the vertices */
    const uint64_t arcs[][2] = {{4, 0}, {4, 1}, {4, 2}, {4, 3}, {0, 1}, {2, 3}, {3, 4}};
    char *path = tmp_path("dense_ids.sfg");
    for (int order = 0; order < 2; order++) {
        sf_edge_list e;
        sf_edge_list_init(&e);
        for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
            cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
        bool original_order = order == 1;
        sf_graph *g = build(&e, true, original_order);
        cr_assert_null(g->sorted_ids, "no rank -> id map for ids 0..n-1");
        cr_assert_eq(g->by_original == NULL, original_order);
        cr_assert_eq(g->original_ids == NULL, original_order);
        write_snapshot(path, g);
        size_t len;
        unsigned char *buf = (unsigned char *)read_file(path, &len);
        cr_assert_eq((le64(buf + 16) & 4) != 0, !original_order, "degree-ordered flag");
        cr_assert_null(entry_of(buf, SORTED_IDS), "no sorted_ids section");
        cr_assert_eq(entry_of(buf, ORIGINAL_IDS) == NULL, original_order);
        cr_assert_eq(entry_of(buf, BY_ORIGINAL) == NULL, original_order);
        free(buf);
        sf_graph *back = read_snapshot(path);
        expect_same_graph(g, back);
        for (uint64_t id = 0; id < 5; id++) {
            sf_vid v = sf_graph_find_vertex(back, id);
            cr_assert_lt(v, 5, "vertex %llu found", (unsigned long long)id);
            cr_assert_eq(sf_graph_original_id(back, v), id);
            cr_assert_eq(sf_out_degree(back, v), id == 4 ? 4 : 2, "vertex %llu",
                         (unsigned long long)id);
        }
        sf_graph_destroy(&back);
        if (!original_order) {
            /* as an older writer wrote it: sorted_ids 0..n-1 in the file */
            g->sorted_ids = malloc(5 * sizeof *g->sorted_ids);
            for (uint64_t r = 0; r < 5; r++)
                g->sorted_ids[r] = r;
            write_snapshot(path, g);
            buf = (unsigned char *)read_file(path, &len);
            cr_assert_not_null(entry_of(buf, SORTED_IDS));
            free(buf);
            back = read_snapshot(path);
            expect_same_graph(g, back);
            for (uint64_t id = 0; id < 5; id++)
                cr_assert_eq(sf_graph_original_id(back, sf_graph_find_vertex(back, id)), id);
            sf_graph_destroy(&back);
        }
        sf_graph_destroy(&g);
    }
    free(path);
}

Test(snapshot, damaged_file_through_the_cli_is_one_line_and_exit_1)
{
    size_t len;
    unsigned char *buf = good_snapshot(kron_directed, &len);
    char *path = tmp_path("cut.sfg"), *out = tmp_path("never.txt"), args[4096];
    spill(path, buf, len / 2);
    snprintf(args, sizeof args, "run pr %s --output %s", path, out);
    expect_cli_failure(args, 1, "truncated");
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no output after a failed load");
    unsigned char *e = entry_of(buf, OUT_NEIGHBORS);
    uint64_t off = le64(e + 8);
    buf[off + le64(e + 16) - 1] ^= 0x80;
    spill(path, buf, len);
    snprintf(args, sizeof args, "info %s", path);
    char needle[128];
    snprintf(needle, sizeof needle, "byte %llu: checksum mismatch in section out_neighbors",
             (unsigned long long)off);
    expect_cli_failure(args, 1, needle);
    free(buf);
    free(path);
    free(out);
}
