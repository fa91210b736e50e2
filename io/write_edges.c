/* Text edge lists out. The one idea: lines are formatted block by block in
 * parallel (integers two digits at a time, no printf on the common path)
 * into one buffer per worker, and the buffers are written in order, so the
 * output is the same bytes at any thread count. Dedup goes through the
 * graph builder in original-id order, which sorts and merges the arcs in
 * parallel for free; self-loops, which the builder drops, are put back. */
#include "io/write_edges.h"
#include "io/bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/graph.h"
#include "engine/parallel.h"
#include "io/reader.h"

#define BLOCK_ARCS ((uint64_t)1 << 16) /* arcs formatted per buffer */
#define LINE_MAX_BYTES 72               /* two 20-digit ids, a 25-char weight, blanks */

enum format { FORMAT_EL, FORMAT_WEL, FORMAT_MTX, FORMAT_NONE };

static enum format format_of(const char *path)
{
    size_t n = strlen(path);
    if (sf_path_ends_with(path, n, ".el") || sf_path_ends_with(path, n, ".txt"))
        return FORMAT_EL;
    if (sf_path_ends_with(path, n, ".wel"))
        return FORMAT_WEL;
    if (sf_path_ends_with(path, n, ".mtx"))
        return FORMAT_MTX;
    return FORMAT_NONE;
}

bool sf_write_edges_format(const char *path)
{
    return format_of(path) != FORMAT_NONE;
}

/* ---------- formatting ---------- */

static const char digit_pairs[] =
    "000102030405060708091011121314151617181920212223242526272829"
    "303132333435363738394041424344454647484950515253545556575859"
    "606162636465666768697071727374757677787980818283848586878889"
    "90919293949596979899";

static size_t put_u64(char *p, uint64_t x)
{
    char tmp[20];
    int i = 20;
    while (x >= 100) {
        unsigned d = (unsigned)(x % 100);
        x /= 100;
        i -= 2;
        memcpy(tmp + i, digit_pairs + 2 * d, 2);
    }
    if (x >= 10) {
        i -= 2;
        memcpy(tmp + i, digit_pairs + 2 * x, 2);
    } else {
        tmp[--i] = (char)('0' + x);
    }
    memcpy(p, tmp + i, (size_t)(20 - i));
    return (size_t)(20 - i);
}

/* The fewest significant digits that read back as w; integers as integers. */
static size_t put_weight(char *p, double w)
{
    if (w == floor(w) && fabs(w) < 9007199254740992.0) {
        size_t n = 0;
        if (w < 0)
            p[n++] = '-';
        return n + put_u64(p + n, (uint64_t)fabs(w));
    }
    int len = 0;
    for (int digits = 15; digits <= 17; digits++) {
        len = snprintf(p, 32, "%.*g", digits, w);
        if (strtod(p, NULL) == w)
            break;
    }
    return (size_t)len;
}

typedef struct line_format {
    enum format format;
    bool weighted;              /* a third column */
    bool drop_self_loops;
    bool lower_triangle;        /* .mtx symmetric: row >= column */
    uint64_t shift;             /* .mtx: added to every id (mtx_shape) */
} line_format;

static size_t format_arc(char *p, const line_format *f, uint64_t u, uint64_t v, double w)
{
    if (f->lower_triangle && u < v) {
        uint64_t t = u;
        u = v;
        v = t;
    }
    size_t n = put_u64(p, u + f->shift);
    p[n++] = ' ';
    n += put_u64(p + n, v + f->shift);
    if (f->weighted) {
        p[n++] = ' ';
        n += put_weight(p + n, w);
    }
    p[n++] = '\n';
    return n;
}

/* Formats and writes every arc of e: rounds of one block per worker,
 * formatted in parallel, written in block order. */
static int write_arcs(int fd, const sf_edge_list *e, const line_format *f, uint64_t *written)
{
    uint64_t lines = 0;
    uint64_t blocks = (e->count + BLOCK_ARCS - 1) / BLOCK_ARCS;
    int threads = omp_get_max_threads();
    bool narrow = e->narrow;
    char *buffers = malloc((size_t)threads * BLOCK_ARCS * LINE_MAX_BYTES);
    size_t *lengths = calloc((size_t)threads, sizeof *lengths);
    int rc = 0;
    if (!buffers || !lengths) {
        rc = -ENOMEM;
        goto done;
    }
    for (uint64_t first = 0; first < blocks && rc == 0; first += (uint64_t)threads) {
#pragma omp parallel for schedule(static, 1) reduction(+ : lines)
        for (int t = 0; t < threads; t++) {
            uint64_t b = first + (uint64_t)t;
            char *p = buffers + (size_t)t * BLOCK_ARCS * LINE_MAX_BYTES;
            size_t len = 0;
            if (b < blocks) {
                uint64_t end = (b + 1) * BLOCK_ARCS < e->count ? (b + 1) * BLOCK_ARCS : e->count;
                for (uint64_t i = b * BLOCK_ARCS; i < end; i++) {
                    uint64_t u, v;
                    sf_edge_list_ends(e, narrow, i, &u, &v);
                    if (f->drop_self_loops && u == v)
                        continue;
                    len += format_arc(p + len, f, u, v, e->weight ? e->weight[i] : 1.0);
                    lines++;
                }
            }
            lengths[t] = len;
        }
        for (int t = 0; t < threads && rc == 0; t++)
            rc = sf_write_all(fd, buffers + (size_t)t * BLOCK_ARCS * LINE_MAX_BYTES, lengths[t]);
    }
done:
    free(buffers);
    free(lengths);
    *written = lines;
    return rc;
}

/* ---------- Matrix Market ---------- */

typedef struct id_range {
    uint64_t min_id, max_id, entries;
} id_range;

static id_range scan_ids(const sf_edge_list *e, bool drop_self_loops)
{
    uint64_t lo = UINT64_MAX, hi = 0, entries = 0;
    bool narrow = e->narrow;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi) \
    reduction(+ : entries)
    for (uint64_t i = 0; i < e->count; i++) {
        uint64_t a, b;
        sf_edge_list_ends(e, narrow, i, &a, &b);
        if (drop_self_loops && a == b)
            continue;
        lo = a < lo ? a : lo;
        lo = b < lo ? b : lo;
        hi = a > hi ? a : hi;
        hi = b > hi ? b : hi;
        entries++;
    }
    for (uint64_t i = 0; i < e->num_vertex_ids; i++) {
        lo = e->vertex_ids[i] < lo ? e->vertex_ids[i] : lo;
        hi = e->vertex_ids[i] > hi ? e->vertex_ids[i] : hi;
    }
    return (id_range){lo, hi, entries};
}

/* What a .mtx header says of a list's arcs: every id is written plus
 * `shift` (1 when vertex 0 is present), the matrix is size x size (size
 * the largest index), and it has `entries` entries. */
typedef struct mtx_shape {
    uint64_t shift, size, entries;
} mtx_shape;

/* The shape of e written as a .mtx (self-loops left out when
 * drop_self_loops). A Matrix Market file's vertices are every index up to
 * its size and shardflow's reader takes at most SF_MAX_VERTICES of them,
 * so a larger index would make a file that shardflow cannot read back: it
 * is refused here, before anything is written. */
static int mtx_shape_of(const char *path, const sf_edge_list *e, bool drop_self_loops,
                        mtx_shape *s, sf_error *err)
{
    id_range r = scan_ids(e, drop_self_loops);
    if (r.min_id > r.max_id) /* no vertex at all */
        r.min_id = r.max_id = 1;
    s->shift = r.min_id == 0;
    s->entries = r.entries;
    if (r.max_id > SF_MAX_VERTICES - s->shift)
        return sf_error_set(err, SF_EINPUT,
                            "%s: vertex id %llu does not fit a Matrix Market file%s: shardflow "
                            "reads indices up to %llu, the most vertices a graph may have (every "
                            "index up to the largest is a vertex); write .el or .sfg instead, "
                            "which keep such ids",
                            path, (unsigned long long)r.max_id,
                            s->shift ? " (written plus 1, as vertex 0 is present)" : "",
                            (unsigned long long)SF_MAX_VERTICES);
    s->size = r.max_id + s->shift;
    return 0;
}

static int write_mtx_header(int fd, const char *path, const mtx_shape *s, bool weighted,
                            bool undirected, sf_error *err)
{
    char header[512];
    int len = snprintf(header, sizeof header,
                       "%%%%MatrixMarket matrix coordinate %s %s\n"
                       "%% written by shardflow convert\n%s"
                       "%llu %llu %llu\n",
                       weighted ? "real" : "pattern", undirected ? "symmetric" : "general",
                       s->shift ? "% shardflow: index = original id + 1\n" : "",
                       (unsigned long long)s->size, (unsigned long long)s->size,
                       (unsigned long long)s->entries);
    int rc = sf_write_all(fd, header, (size_t)len);
    return rc ? sf_error_set(err, rc, "%s: %s", path, strerror(-rc)) : 0;
}

/* ---------- dedup ---------- */

/* The simple graph's arcs, sorted by (source, target) original id, into
 * `out`: built in original-id order, so dense order is id order; an
 * undirected edge from its smaller end; self-loops put back unless
 * dropped. */
static int simple_arcs(const char *path, const sf_edge_list *e, const sf_write_edges_options *opt,
                       sf_edge_list *out, sf_error *err)
{
    sf_build_options build = {.undirected = opt->undirected, .original_order = true};
    sf_graph *g = NULL;
    uint8_t *loop = NULL;
    double *loop_weight = NULL;
    uint64_t *first = NULL;
    int rc = sf_graph_build(e, &build, path, &g, err);
    if (rc)
        return rc;
    uint64_t n = g->num_vertices;
    bool weighted = e->weight != NULL;
    loop = calloc(n ? n : 1, 1);
    loop_weight = weighted ? malloc((n ? n : 1) * sizeof *loop_weight) : NULL;
    first = malloc((n + 1) * sizeof *first);
    if (!loop || (weighted && !loop_weight) || !first)
        goto no_memory;
    if (!opt->drop_self_loops && g->dropped_self_loops) {
        /* few: found in parallel, recorded one at a time */
        const bool narrow = e->narrow;
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < e->count; i++) {
            uint64_t from, to;
            sf_edge_list_ends(e, narrow, i, &from, &to);
            if (from != to)
                continue;
            sf_vid v = sf_graph_find_vertex(g, from);
            double w = weighted ? e->weight[i] : 0;
#pragma omp critical(self_loops)
            {
                if (weighted && (!loop[v] || w < loop_weight[v]))
                    loop_weight[v] = w;
                loop[v] = 1;
            }
        }
    }
#pragma omp parallel for schedule(dynamic, 4096)
    for (uint64_t v = 0; v < n; v++) {
        uint64_t count = loop[v];
        for (sf_eid a = g->out_offsets[v]; a < g->out_offsets[v + 1]; a++)
            count += g->directed || g->out_neighbors[a] > v;
        first[v] = count;
    }
    uint64_t total = sf_exclusive_scan_u64(first, n);
    out->narrow = e->narrow; /* the same original ids: they fit as they did */
    if (sf_edge_list_reserve(out, total + 1, weighted))
        goto no_memory;
#pragma omp parallel for schedule(dynamic, 4096)
    for (uint64_t v = 0; v < n; v++) {
        uint64_t at = first[v], id = sf_graph_original_id(g, (sf_vid)v);
        bool pending = loop[v]; /* the self-loop goes where v sorts in the row */
        for (sf_eid a = g->out_offsets[v]; a <= g->out_offsets[v + 1]; a++) {
            bool end = a == g->out_offsets[v + 1];
            sf_vid w = end ? 0 : g->out_neighbors[a];
            if (pending && (end || w > v)) {
                sf_edge_list_set(out, at, id, id);
                if (weighted)
                    out->weight[at] = loop_weight[v];
                at++;
                pending = false;
            }
            if (end || !(g->directed || w > v))
                continue;
            sf_edge_list_set(out, at, id, sf_graph_original_id(g, w));
            if (weighted)
                out->weight[at] = g->out_weights[a];
            at++;
        }
    }
    out->count = total;
    free(loop);
    free(loop_weight);
    free(first);
    sf_graph_destroy(&g);
    return 0;
no_memory:
    free(loop);
    free(loop_weight);
    free(first);
    sf_graph_destroy(&g);
    return sf_error_set(err, -ENOMEM, "%s: out of memory while removing duplicates", path);
}

/* ---------- the writer ---------- */

int sf_write_edges(const char *path, const sf_edge_list *edges,
                   const sf_write_edges_options *opt, uint64_t *written, sf_error *err)
{
    uint64_t lines = 0;
    enum format format = format_of(path);
    if (format == FORMAT_NONE)
        return sf_error_set(err, SF_EUSAGE, "%s: unknown edge list format", path);
    if (format == FORMAT_WEL && !edges->weight)
        return sf_error_set(err, SF_EUSAGE,
                            "%s: a .wel file needs weights; give --weights=unit or --weights=random",
                            path);
    /* a .mtx's size from the input's ids, refused before any work: dedup
     * keeps every id and self-loop the input has (less the self-loops that
     * are dropped either way), so the size is the same */
    mtx_shape shape = {0};
    if (format == FORMAT_MTX) {
        int rc = mtx_shape_of(path, edges, opt->drop_self_loops, &shape, err);
        if (rc)
            return rc;
    }
    sf_edge_list simple;
    sf_edge_list_init(&simple);
    const sf_edge_list *e = edges;
    if (opt->dedup) {
        int rc = simple_arcs(path, edges, opt, &simple, err);
        if (rc) {
            sf_edge_list_fini(&simple);
            return rc;
        }
        shape.entries = simple.count; /* self-loops in it only when kept */
        e = &simple;
    }
    line_format f = {
        .format = format,
        .weighted = format == FORMAT_WEL || (format == FORMAT_MTX && e->weight),
        .drop_self_loops = opt->drop_self_loops,
        .lower_triangle = format == FORMAT_MTX && opt->undirected,
        .shift = shape.shift,
    };

    size_t tmp_len = strlen(path) + 32;
    char *tmp = malloc(tmp_len);
    int rc = 0, fd = -1;
    if (!tmp) {
        rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
        goto done;
    }
    snprintf(tmp, tmp_len, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (format == FORMAT_MTX)
        rc = write_mtx_header(fd, path, &shape, f.weighted, opt->undirected, err);
    if (rc == 0) {
        rc = write_arcs(fd, e, &f, &lines);
        if (rc)
            sf_error_set(err, rc, "%s: %s", path, strerror(-rc));
    }
    if (close(fd) != 0 && rc == 0)
        rc = sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
done:
    if (written)
        *written = rc ? 0 : lines;
    free(tmp);
    sf_edge_list_fini(&simple);
    return rc;
}
