/* The fuzz targets: one function per parser that takes arbitrary bytes,
 * runs the parser on them and checks what must hold whatever the bytes
 * are: the parser either succeeds or fails with one message that names the
 * file; on success every arc lies in the vertex set the format declares and
 * every weight is finite (of a snapshot, whose weights are the writer's,
 * what sf_snapshot_read promises). A failed check aborts, which libFuzzer
 * reports as a crash. The libFuzzer harnesses (tests/fuzz/fuzz_NAME.c) call these, and
 * tests/test_formats.c replays the seeds and every kept crash
 * (tests/fuzz/seeds/NAME, tests/fuzz/regressions/NAME) through the same
 * functions in `make test`.
 *
 * Parsers that take bytes get them directly (libFuzzer's buffer is exactly
 * sized, so an overread shows under AddressSanitizer). Readers that only
 * take a path (LDBC with its companion files, gzip, snapshots) read memfds
 * through symbolic links named with the right suffixes, in a private
 * directory: no file is written per input. */
#ifndef SF_TESTS_FUZZ_TARGETS_H
#define SF_TESTS_FUZZ_TARGETS_H

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/edge_list.h"
#include "engine/error.h"
#include "engine/graph.h"
#include "io/binary_edges.h"
#include "io/gapbs.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/snapshot.h"
#include "io/text_edges.h"
#include "tests/sfg_bytes.h"

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);     \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* A Matrix Market file may declare up to 2^32 - 2 vertices in a few bytes,
 * and the ids no entry names are listed (8 bytes each): a legitimate
 * allocation that libFuzzer would report as running out of memory. Above
 * this size the target reads the header only. */
#define FUZZ_MTX_MAX_VERTICES ((uint64_t)1 << 20)

/* What every outcome must satisfy: success, or bad input with a message
 * that starts with the path (allocations here are small: no -ENOMEM). */
static void fuzz_check_outcome(int rc, const sf_error *err, const char *path)
{
    FUZZ_CHECK(rc == 0 || rc == SF_EINPUT);
    if (rc) {
        FUZZ_CHECK(strncmp(err->msg, path, strlen(path)) == 0);
        FUZZ_CHECK(strchr(err->msg, '\n') == NULL);
    }
}

/* On success: ids within [lo, hi], weights finite, the count within the
 * capacity. */
static void fuzz_check_arcs(const sf_edge_list *list, uint64_t lo, uint64_t hi)
{
    FUZZ_CHECK(list->count <= list->capacity);
    for (uint64_t i = 0; i < list->count; i++) {
        FUZZ_CHECK(list->src[i] >= lo && list->src[i] <= hi);
        FUZZ_CHECK(list->dst[i] >= lo && list->dst[i] <= hi);
        if (list->weight)
            FUZZ_CHECK(isfinite(list->weight[i]));
    }
}

/* ---- parsers that take bytes ---- */

/* The rules of text_edges.h the slow, obvious way, line by line: returns 0
 * with the arcs in *list (weights in *weights when 3 columns), or the
 * 1-based line of the first bad line. */
static bool fuzz_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r'; }

static uint64_t fuzz_reference_text(const uint8_t *text, size_t len, sf_edge_list *list)
{
    int columns = 0;
    uint64_t line = 1;
    for (size_t at = 0; at < len; line++) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        size_t tok_at[3] = {0}, tok_len[3] = {0};
        int found = 0;
        for (size_t p = at; p < end;) {
            while (p < end && fuzz_blank(text[p]))
                p++;
            if (p == end)
                break;
            size_t start = p;
            while (p < end && !fuzz_blank(text[p]))
                p++;
            if (found < 3) {
                tok_at[found] = start;
                tok_len[found] = p - start;
            }
            found++;
        }
        at = end + 1;
        if (found == 0 || text[tok_at[0]] == '#' || text[tok_at[0]] == '%')
            continue;
        if (columns == 0)
            columns = found;
        bool ok = found == columns && (columns == 2 || columns == 3);
        uint64_t id[2] = {0, 0};
        for (int c = 0; ok && c < 2; c++)
            for (size_t i = 0; ok && i < tok_len[c]; i++) {
                unsigned d = (unsigned)text[tok_at[c] + i] - '0';
                ok = d <= 9 && id[c] <= (UINT64_MAX - d) / 10;
                id[c] = id[c] * 10 + d;
            }
        double w = 0;
        if (ok && columns == 3) {
            /* strtod over exactly the token; it must take all of it, and
             * not start by skipping white space of its own (\v, \f). */
            char *copy = malloc(tok_len[2] + 1), *e;
            FUZZ_CHECK(copy != NULL);
            memcpy(copy, text + tok_at[2], tok_len[2]);
            copy[tok_len[2]] = '\0';
            w = strtod(copy, &e);
            ok = (unsigned char)copy[0] > ' ' && e == copy + tok_len[2] && isfinite(w);
            free(copy);
        }
        if (!ok)
            return line;
        if (columns == 3 && !list->weight)
            FUZZ_CHECK(sf_edge_list_reserve(list, 16, true) == 0);
        FUZZ_CHECK(sf_edge_list_push(list, id[0], id[1], w) == 0);
    }
    return 0;
}

/* Text edge lists (.el, .txt, .wel; the body of LDBC .e files), against
 * the slow reference: the same arcs and weights (bit for bit), or an error
 * on the same line. */
static int fuzz_text_edges(const uint8_t *data, size_t size)
{
    sf_edge_list list, expected;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    sf_edge_list_init(&expected);
    int rc = sf_parse_text_edges("fuzz.el", (const char *)data, size, &list, &err);
    fuzz_check_outcome(rc, &err, "fuzz.el");
    uint64_t bad_line = fuzz_reference_text(data, size, &expected);
    if (bad_line) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "fuzz.el:%llu: ", (unsigned long long)bad_line);
        FUZZ_CHECK(rc == SF_EINPUT);
        FUZZ_CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0);
    } else {
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(list.count == expected.count);
        FUZZ_CHECK((list.weight != NULL) == (expected.weight != NULL));
        for (uint64_t i = 0; i < list.count; i++) {
            FUZZ_CHECK(list.src[i] == expected.src[i] && list.dst[i] == expected.dst[i]);
            if (list.weight)
                FUZZ_CHECK(memcmp(&list.weight[i], &expected.weight[i], sizeof(double)) == 0);
        }
    }
    sf_edge_list_fini(&list);
    sf_edge_list_fini(&expected);
    return 0;
}

/* Matrix Market. */
static const char *fuzz_set_file(const char *name, const void *bytes, size_t size);
static void fuzz_mtx_by_windows(const uint8_t *data, size_t size);

static int fuzz_mtx(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    sf_mtx_header h;
    sf_error err = {{0}};
    int rc = sf_mtx_read_header("fuzz.mtx", text, size, &h, &err);
    if (size > 0)
        fuzz_check_outcome(rc, &err, "fuzz.mtx");
    bool too_big = size > 0 && rc == 0 &&
                   (h.rows > FUZZ_MTX_MAX_VERTICES || h.cols > FUZZ_MTX_MAX_VERTICES);
    if (!too_big)
        fuzz_mtx_by_windows(data, size);
    if (size > 0 && (rc || too_big))
        return 0;

    sf_edge_list list;
    sf_edge_list_init(&list);
    rc = sf_parse_mtx("fuzz.mtx", text, size, &list, &err);
    fuzz_check_outcome(rc, &err, "fuzz.mtx");
    if (rc == 0 && size > 0) {
        uint64_t n = h.rows > h.cols ? h.rows : h.cols;
        FUZZ_CHECK(list.count == h.entries);
        FUZZ_CHECK(list.declared_directed == !h.symmetric);
        FUZZ_CHECK((list.weight != NULL) == (h.weighted && h.entries > 0));
        fuzz_check_arcs(&list, 1, n);
        /* Named ids and listed ids together are exactly 1..n. */
        uint8_t *seen = calloc(n + 1, 1);
        FUZZ_CHECK(seen != NULL);
        for (uint64_t i = 0; i < list.count; i++)
            seen[list.src[i]] = seen[list.dst[i]] = 1;
        for (uint64_t i = 0; i < list.num_vertex_ids; i++) {
            FUZZ_CHECK(list.vertex_ids[i] >= 1 && list.vertex_ids[i] <= n);
            FUZZ_CHECK(!seen[list.vertex_ids[i]]);
            seen[list.vertex_ids[i]] = 2;
        }
        for (uint64_t v = 1; v <= n; v++)
            FUZZ_CHECK(seen[v]);
        free(seen);
    }
    sf_edge_list_fini(&list);
    return 0;
}

static int fuzz_compare_triple(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Plain reads of a gapbs file: the offset of row v, and the int32 at
 * `field` (0: neighbour, 4: weight) of arc e. */
struct fuzz_sg {
    const uint8_t *file;
    size_t arc_bytes;
    uint64_t arcs_at;
};

static int64_t fuzz_sg_offset(const struct fuzz_sg *sg, uint64_t v)
{
    int64_t x;
    memcpy(&x, sg->file + 17 + 8 * v, 8);
    return x;
}

static int32_t fuzz_sg_arc(const struct fuzz_sg *sg, int64_t e, size_t field)
{
    int32_t x;
    memcpy(&x, sg->file + sg->arcs_at + sg->arc_bytes * (uint64_t)e + field, 4);
    return x;
}

/* gapbs .sg / .wsg: the first byte chooses (odd: .wsg), the rest is the
 * file. */
static int fuzz_gapbs(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool weighted = data[0] & 1;
    const char *path = weighted ? "fuzz.wsg" : "fuzz.sg";
    sf_edge_list list;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    int rc = sf_parse_gapbs(path, data + 1, size - 1, weighted, &list, &err);
    fuzz_check_outcome(rc, &err, path);
    if (rc == 0 && list.count > 0) {
        FUZZ_CHECK(list.dense_vertices > 0);
        FUZZ_CHECK((list.weight != NULL) == weighted);
        fuzz_check_arcs(&list, 0, list.dense_vertices - 1);
        /* The out-CSR walked the plain way, vertex by vertex: the list is
         * its arcs in file order, every one, or for an undirected graph
         * whose up arcs (w > v), reversed, are the multiset of its down
         * arcs (w < v), weights included, the self-loops and one arc of
         * each pair: of every pair {v, w}, all the arcs v -> w and none of
         * w -> v, or the reverse, as the pair alone decides
         * (sf_parse_gapbs's contract; which way is the reader's hash, and
         * the share tests check that it keeps about half of each slice). */
        struct fuzz_sg sg = {data + 1, weighted ? 8 : 4, 17 + 8 * (list.dense_vertices + 1)};
        uint64_t n = list.dense_vertices, k = 0, m = (uint64_t)fuzz_sg_offset(&sg, n);
        bool one_per_pair = data[1] == 0;
        if (one_per_pair) {
            uint64_t(*up)[3] = calloc(m + 1, sizeof *up), (*down)[3] = calloc(m + 1, sizeof *down);
            uint64_t ups = 0, downs = 0;
            FUZZ_CHECK(up && down);
            for (uint64_t v = 0; v < n; v++)
                for (int64_t e = fuzz_sg_offset(&sg, v); e < fuzz_sg_offset(&sg, v + 1); e++) {
                    uint64_t w = (uint64_t)fuzz_sg_arc(&sg, e, 0);
                    uint64_t weight = weighted ? (uint32_t)fuzz_sg_arc(&sg, e, 4) : 0;
                    uint64_t *t = w > v ? up[ups++] : w < v ? down[downs++] : NULL;
                    if (t)
                        t[0] = w < v ? w : v, t[1] = w < v ? v : w, t[2] = weight;
                }
            qsort(up, ups, sizeof *up, fuzz_compare_triple);
            qsort(down, downs, sizeof *down, fuzz_compare_triple);
            one_per_pair = ups == downs && memcmp(up, down, ups * sizeof *up) == 0;
            free(up);
            free(down);
        }
        /* The list matched to the file's arcs in order: for a list made by
         * such a rule (every copy of an arc kept or none), the arcs matched
         * are the arcs kept. Of each pair, (lo, hi, kept ^ down) must be
         * the same for all its arcs. */
        uint64_t(*pairs)[3] = calloc(m + 1, sizeof *pairs);
        uint64_t num_pairs = 0;
        FUZZ_CHECK(pairs);
        for (uint64_t v = 0; v < n; v++)
            for (int64_t e = fuzz_sg_offset(&sg, v); e < fuzz_sg_offset(&sg, v + 1); e++) {
                uint64_t w = (uint64_t)fuzz_sg_arc(&sg, e, 0);
                bool kept = k < list.count && list.src[k] == v && list.dst[k] == w &&
                            (!weighted || list.weight[k] == (double)fuzz_sg_arc(&sg, e, 4));
                k += kept;
                if (!one_per_pair || w == v)
                    FUZZ_CHECK(kept);
                else {
                    uint64_t *p = pairs[num_pairs++];
                    p[0] = w < v ? w : v, p[1] = w < v ? v : w, p[2] = kept ^ (w < v);
                }
            }
        qsort(pairs, num_pairs, sizeof *pairs, fuzz_compare_triple);
        for (uint64_t i = 1; i < num_pairs; i++)
            if (pairs[i][0] == pairs[i - 1][0] && pairs[i][1] == pairs[i - 1][1])
                FUZZ_CHECK(pairs[i][2] == pairs[i - 1][2]);
        free(pairs);
        FUZZ_CHECK(k == list.count);
    }
    sf_edge_list_fini(&list);
    return 0;
}

/* .bin / .wbin: the first byte chooses (bit 0: .wbin) and gives the vertex
 * count (the other bits; 0: the largest id + 1); the rest is the file. */
static int fuzz_binary_edges(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool weighted = data[0] & 1;
    uint64_t vertices = data[0] >> 1;
    const char *path = weighted ? "fuzz.wbin" : "fuzz.bin";
    sf_edge_list list;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    int rc = sf_parse_binary_edges(path, data + 1, size - 1, weighted, vertices, &list, &err);
    fuzz_check_outcome(rc, &err, path);
    if (rc == 0) {
        FUZZ_CHECK(list.count == (size - 1) / (weighted ? 12 : 8));
        FUZZ_CHECK(list.dense_vertices > 0 || (list.count == 0 && vertices == 0));
        if (vertices)
            FUZZ_CHECK(list.dense_vertices == vertices);
        if (list.count)
            fuzz_check_arcs(&list, 0, list.dense_vertices - 1);
        uint64_t max_id = 0;
        for (uint64_t k = 0; k < list.count; k++) {
            const uint8_t *r = data + 1 + (weighted ? 12 : 8) * k;
            uint32_t s, d;
            memcpy(&s, r, 4);
            memcpy(&d, r + 4, 4);
            FUZZ_CHECK(list.src[k] == s && list.dst[k] == d);
            max_id = s > max_id ? s : max_id;
            max_id = d > max_id ? d : max_id;
            if (weighted) {
                float w;
                memcpy(&w, r + 8, 4);
                FUZZ_CHECK(list.weight[k] == (double)w);
            }
        }
        if (!vertices && list.count)
            FUZZ_CHECK(list.dense_vertices == max_id + 1);
    }
    sf_edge_list_fini(&list);
    return 0;
}

/* ---- readers that take a path: memfds behind named links ---- */

/* A memfd reachable as DIR/name, DIR a private directory made once per
 * process and removed at exit. */
struct fuzz_file {
    int fd;
    char path[128];
};

static char fuzz_dir[64];
static struct fuzz_file fuzz_files[8];
static int fuzz_num_files;

static void fuzz_remove_files(void)
{
    for (int i = 0; i < fuzz_num_files; i++) {
        unlink(fuzz_files[i].path);
        close(fuzz_files[i].fd);
    }
    rmdir(fuzz_dir);
}

static struct fuzz_file *fuzz_file(const char *name)
{
    for (int i = 0; i < fuzz_num_files; i++) {
        const char *slash = strrchr(fuzz_files[i].path, '/');
        if (strcmp(slash + 1, name) == 0)
            return &fuzz_files[i];
    }
    if (!fuzz_dir[0]) {
        strcpy(fuzz_dir, "/tmp/sf-fuzz-XXXXXX");
        FUZZ_CHECK(mkdtemp(fuzz_dir) != NULL);
        atexit(fuzz_remove_files);
        /* pread: io_uring costs a ring per read, and the bytes are the same. */
        setenv("SF_NO_IO_URING", "1", 0);
    }
    FUZZ_CHECK(fuzz_num_files < 8);
    struct fuzz_file *f = &fuzz_files[fuzz_num_files];
    f->fd = memfd_create(name, MFD_CLOEXEC);
    FUZZ_CHECK(f->fd >= 0);
    char target[64];
    snprintf(target, sizeof target, "/proc/self/fd/%d", f->fd);
    snprintf(f->path, sizeof f->path, "%s/%s", fuzz_dir, name);
    FUZZ_CHECK(symlink(target, f->path) == 0);
    fuzz_num_files++;
    return f;
}

/* Makes DIR/name hold bytes[0..size); returns its path. */
static const char *fuzz_set_file(const char *name, const void *bytes, size_t size)
{
    struct fuzz_file *f = fuzz_file(name);
    FUZZ_CHECK(ftruncate(f->fd, 0) == 0);
    FUZZ_CHECK(size == 0 || pwrite(f->fd, bytes, size, 0) == (ssize_t)size);
    return f->path;
}

/* LDBC: the bytes are g.e, g.v and g.properties separated by NUL bytes
 * (missing parts are empty files). */
static int fuzz_ldbc(const uint8_t *data, size_t size)
{
    static const char *const names[3] = {"g.e", "g.v", "g.properties"};
    const char *paths[3];
    size_t at = 0;
    for (int part = 0; part < 3; part++) {
        const uint8_t *nul = at < size ? memchr(data + at, 0, size - at) : NULL;
        size_t end = part == 2 || !nul ? size : (size_t)(nul - data);
        paths[part] = fuzz_set_file(names[part], data + at, end - at);
        at = end < size ? end + 1 : size;
    }

    sf_edge_list list;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    int rc = sf_read_ldbc(paths[0], &list, &err);
    /* Errors name the .e, .v or .properties file, all in the same folder. */
    fuzz_check_outcome(rc, &err, fuzz_dir);
    if (rc == 0) {
        fuzz_check_arcs(&list, 0, UINT64_MAX);
        FUZZ_CHECK(list.declared_directed >= -1 && list.declared_directed <= 1);
    }
    sf_edge_list_fini(&list);

    char value[32];
    rc = sf_ldbc_property(paths[0], "pr.damping-factor", value, sizeof value, &err);
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == SF_EINPUT);
    if (rc == 1)
        FUZZ_CHECK(strlen(value) < sizeof value);
    return 0;
}

/* The same bytes as a file read by windows of a few bytes (sf_read_mtx_in)
 * into a narrow list: the outcome of sf_parse_mtx on the bytes, the same
 * message or the same arcs, weights and listed ids. */
static void fuzz_mtx_by_windows(const uint8_t *data, size_t size)
{
    const char *path = fuzz_set_file("g.mtx", data, size);
    sf_edge_list whole, windows;
    sf_error whole_err = {{0}}, err = {{0}};
    sf_edge_list_init(&whole);
    sf_edge_list_init(&windows);
    windows.narrow = true;
    int whole_rc = sf_parse_mtx(path, (const char *)data, size, &whole, &whole_err);
    int rc = sf_read_mtx_in(path, 1 + size % 61, &windows, &err);
    FUZZ_CHECK(rc == whole_rc);
    if (rc) {
        FUZZ_CHECK(strcmp(err.msg, whole_err.msg) == 0);
    } else {
        FUZZ_CHECK(windows.count == whole.count && windows.narrow);
        FUZZ_CHECK(windows.declared_directed == whole.declared_directed);
        FUZZ_CHECK((windows.weight != NULL) == (whole.weight != NULL));
        for (uint64_t i = 0; i < whole.count; i++) {
            FUZZ_CHECK(windows.src32[i] == whole.src[i] && windows.dst32[i] == whole.dst[i]);
            if (whole.weight)
                FUZZ_CHECK(windows.weight[i] == whole.weight[i]);
        }
        FUZZ_CHECK(windows.num_vertex_ids == whole.num_vertex_ids);
        for (uint64_t i = 0; i < whole.num_vertex_ids; i++)
            FUZZ_CHECK(windows.vertex_ids[i] == whole.vertex_ids[i]);
    }
    sf_edge_list_fini(&whole);
    sf_edge_list_fini(&windows);
}

/* gzip: the bytes are a .el.gz file, read by sf_file_read (inflated in
 * memory) and then parsed as a text edge list. */
static int fuzz_gzip(const uint8_t *data, size_t size)
{
    const char *path = fuzz_set_file("g.el.gz", data, size);
    char *text = NULL;
    size_t len = 0;
    sf_error err = {{0}};
    int rc = sf_file_read(path, &text, &len, &err);
    fuzz_check_outcome(rc, &err, path);
    if (rc == 0) {
        FUZZ_CHECK(text != NULL && text[len] == '\0');
        sf_edge_list list;
        sf_edge_list_init(&list);
        rc = sf_parse_text_edges(path, text, len, &list, &err);
        fuzz_check_outcome(rc, &err, path);
        sf_edge_list_fini(&list);
    } else {
        FUZZ_CHECK(text == NULL && len == 0);
    }
    free(text);
    return 0;
}

/* ---- the native snapshot ---- */

static bool fuzz_same_header(const sf_snapshot_header *a, const sf_snapshot_header *b)
{
    return a->version == b->version && a->directed == b->directed &&
           a->weighted == b->weighted && a->degree_ordered == b->degree_ordered &&
           a->num_vertices == b->num_vertices && a->num_arcs == b->num_arcs &&
           a->num_edges == b->num_edges && a->dropped_self_loops == b->dropped_self_loops &&
           a->dropped_duplicates == b->dropped_duplicates && a->file_bytes == b->file_bytes &&
           a->graph_bytes == b->graph_bytes;
}

/* Rows of n vertices over m arcs: offsets from 0 to m, never decreasing,
 * every neighbour below n. */
static void fuzz_check_rows(const sf_eid *offsets, const sf_vid *neighbors, uint64_t n,
                            uint64_t m)
{
    FUZZ_CHECK(offsets[0] == 0 && offsets[n] == m);
    for (uint64_t v = 0; v < n; v++)
        FUZZ_CHECK(offsets[v] <= offsets[v + 1]);
    for (uint64_t e = 0; e < m; e++)
        FUZZ_CHECK(neighbors[e] < n);
}

/* What sf_snapshot_read promises of a graph it loaded from a file whose
 * header reads as h: the header's counts, rows in bounds (the in-rows the
 * out-rows when undirected), and id maps that agree with ascending
 * original ids, weights finite. Rows are not checked for order or
 * duplicates: the reader trusts the checksum for those, and this target
 * recomputes it. */
static void fuzz_check_snapshot_graph(const sf_graph *g, const sf_snapshot_header *h)
{
    uint64_t n = g->num_vertices, m = g->num_arcs;
    FUZZ_CHECK(n == h->num_vertices && m == h->num_arcs && g->num_edges == h->num_edges);
    FUZZ_CHECK(g->directed == h->directed && g->weighted == h->weighted);
    FUZZ_CHECK(g->dropped_self_loops == h->dropped_self_loops &&
               g->dropped_duplicates == h->dropped_duplicates);
    FUZZ_CHECK((g->by_original != NULL) == h->degree_ordered);
    FUZZ_CHECK(sf_graph_bytes(g) == h->graph_bytes);
    FUZZ_CHECK(g->num_edges == (g->directed ? m : m / 2) && (g->directed || m % 2 == 0));

    fuzz_check_rows(g->out_offsets, g->out_neighbors, n, m);
    FUZZ_CHECK((g->out_weights != NULL) == g->weighted);
    for (uint64_t k = 0; g->out_weights && k < m; k++)
        FUZZ_CHECK(isfinite(g->out_weights[k]));
    if (g->directed) {
        FUZZ_CHECK(g->in_offsets != g->out_offsets && g->in_neighbors != g->out_neighbors);
        fuzz_check_rows(g->in_offsets, g->in_neighbors, n, m);
        FUZZ_CHECK((g->in_weights != NULL) == g->weighted);
        for (uint64_t k = 0; g->in_weights && k < m; k++)
            FUZZ_CHECK(isfinite(g->in_weights[k]));
    } else {
        FUZZ_CHECK(g->in_offsets == g->out_offsets && g->in_neighbors == g->out_neighbors &&
                   g->in_weights == g->out_weights);
    }

    /* The original id of each rank, ascending: the dense ids' own ids in
     * original order, or by_original a permutation through original_ids. */
    if (!g->by_original) {
        FUZZ_CHECK(g->sorted_ids == NULL);
        for (uint64_t v = 1; g->original_ids && v < n; v++)
            FUZZ_CHECK(g->original_ids[v - 1] < g->original_ids[v]);
    } else {
        FUZZ_CHECK(g->original_ids != NULL);
        uint8_t *seen = calloc(n + 1, 1);
        FUZZ_CHECK(seen != NULL);
        for (uint64_t r = 0; r < n; r++) {
            sf_vid v = g->by_original[r];
            FUZZ_CHECK(v < n && !seen[v]);
            seen[v] = 1;
            FUZZ_CHECK(g->original_ids[v] == (g->sorted_ids ? g->sorted_ids[r] : r));
            if (r > 0)
                FUZZ_CHECK(g->original_ids[v] > g->original_ids[g->by_original[r - 1]]);
        }
        free(seen);
    }
    /* and so every vertex is found again by its original id */
    for (uint64_t v = 0; v < n; v++)
        FUZZ_CHECK(sf_graph_find_vertex(g, sf_graph_original_id(g, (sf_vid)v)) == v);
}

/* sf_snapshot_read_rows over [first, last) of the file at path, whose
 * header read gave header_rc (and *h), and whose whole load gave g (NULL:
 * refused): the same outcome for the header, success wherever the whole
 * file loads, and then the whole graph's rows. */
static void fuzz_snapshot_rows(const char *path, uint64_t first, uint64_t last, int header_rc,
                               const sf_snapshot_header *h, const sf_graph *g)
{
    sf_snapshot_rows rows;
    sf_error err = {{0}};
    int rc = sf_snapshot_read_rows(path, first, last, true, &rows, &err);
    fuzz_check_outcome(rc, &err, path);
    if (header_rc)
        FUZZ_CHECK(rc == header_rc);
    if (g)
        FUZZ_CHECK(rc == 0);
    if (rc) {
        FUZZ_CHECK(rows.offsets == NULL && rows.neighbors == NULL && rows.original_ids == NULL &&
                   rows.weights == NULL);
        return;
    }
    FUZZ_CHECK(fuzz_same_header(&rows.header, h));
    uint64_t n = h->num_vertices;
    uint64_t want_last = last < n ? last : n, want_first = first < want_last ? first : want_last;
    FUZZ_CHECK(rows.first == want_first && rows.last == want_last);
    uint64_t count = rows.last - rows.first;
    for (uint64_t i = 0; i < count; i++)
        FUZZ_CHECK(rows.offsets[i] <= rows.offsets[i + 1]);
    FUZZ_CHECK(rows.offsets[count] <= h->num_arcs);
    uint64_t arcs = rows.offsets[count] - rows.offsets[0];
    for (uint64_t k = 0; k < arcs; k++)
        FUZZ_CHECK(rows.neighbors[k] < n);
    FUZZ_CHECK(!rows.weights || h->weighted);
    if (h->weighted && arcs > 0)
        FUZZ_CHECK(rows.weights != NULL);
    for (uint64_t k = 0; rows.weights && k < arcs; k++)
        FUZZ_CHECK(isfinite(rows.weights[k]));
    if (g) {
        if (rows.weights)
            FUZZ_CHECK(memcmp(rows.weights, g->out_weights + rows.offsets[0],
                              arcs * sizeof *rows.weights) == 0);
        for (uint64_t i = 0; i <= count; i++)
            FUZZ_CHECK(rows.offsets[i] == g->out_offsets[rows.first + i]);
        for (uint64_t k = 0; k < arcs; k++)
            FUZZ_CHECK(rows.neighbors[k] == g->out_neighbors[rows.offsets[0] + k]);
        FUZZ_CHECK((rows.original_ids != NULL) == (g->original_ids != NULL));
        for (uint64_t i = 0; rows.original_ids && i < count; i++)
            FUZZ_CHECK(rows.original_ids[i] == g->original_ids[rows.first + i]);
    }
    sf_snapshot_rows_fini(&rows);
    FUZZ_CHECK(rows.offsets == NULL && rows.neighbors == NULL && rows.original_ids == NULL);
}

/* .sfg snapshots. Byte 0 chooses how: bit 0, the checksums recomputed
 * first (tests/sfg_bytes.h), so that mutations get past them to the
 * checks of structure; bit 1, the sections read into arrays
 * (SF_NO_MMAP=1) instead of mapped; bit 2, also the rows [byte 1, byte 2)
 * read alone (sf_snapshot_read_rows). The file is the rest, from byte 3. */
static int fuzz_snapshot(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    uint8_t mode = data[0];
    size_t len = size - 3;
    unsigned char *file = malloc(len ? len : 1);
    FUZZ_CHECK(file != NULL);
    memcpy(file, data + 3, len);
    if (mode & 1)
        fix_checksums(file, len);
    const char *path = fuzz_set_file("fuzz.sfg", file, len);
    free(file);

    sf_snapshot_header h;
    sf_error header_err = {{0}}, err = {{0}};
    int header_rc = sf_snapshot_read_header(path, &h, &header_err);
    fuzz_check_outcome(header_rc, &header_err, path);

    /* the reader asks for SF_NO_MMAP at every load */
    sf_graph *g = NULL;
    FUZZ_CHECK(setenv("SF_NO_MMAP", mode & 2 ? "1" : "0", 1) == 0);
    int rc = sf_snapshot_read(path, &g, &err);
    FUZZ_CHECK(unsetenv("SF_NO_MMAP") == 0);
    fuzz_check_outcome(rc, &err, path);
    FUZZ_CHECK((rc == 0) == (g != NULL));
    if (header_rc) /* the same header, refused the same way */
        FUZZ_CHECK(rc == header_rc && strcmp(err.msg, header_err.msg) == 0);
    if (rc == 0)
        fuzz_check_snapshot_graph(g, &h);
    if (mode & 4)
        fuzz_snapshot_rows(path, data[1], data[2], header_rc, &h, g);
    sf_graph_destroy(&g);
    return 0;
}

/* The table the regression replay walks: NAME is the folder under
 * tests/fuzz/seeds and tests/fuzz/regressions, and the harness's name
 * (tests/fuzz/fuzz_NAME.c). */
static const struct {
    const char *name;
    int (*run)(const uint8_t *data, size_t size);
} fuzz_targets[] __attribute__((unused)) = {
    {"text_edges", fuzz_text_edges}, {"ldbc", fuzz_ldbc}, {"mtx", fuzz_mtx},
    {"gapbs", fuzz_gapbs},           {"binary_edges", fuzz_binary_edges}, {"gzip", fuzz_gzip},
    {"snapshot", fuzz_snapshot},
};

#endif
