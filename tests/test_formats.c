/* Tests for the input formats beyond text edge lists: Matrix Market (.mtx),
 * gapbs serialized graphs (.sg, .wsg) and Gemini/GridGraph binaries (.bin,
 * .wbin). Each format round-trips: a generated graph is written in it by a
 * small writer here, read back, built, and compared arc by arc (and weight
 * by weight) with the original. Every error the parsers report is checked
 * through the CLI: exit status 1 and one line naming the file and the line
 * or byte offset. Empty files and graphs without edges load; the same graph
 * in every format gives the same wcc and pr answers through the CLI; and
 * the fuzz seeds and every input the fuzzers ever crashed on
 * (tests/fuzz/regressions) are replayed through their targets. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <inttypes.h>
#include <math.h>
#include <sys/stat.h>
#include <zlib.h>

#include "engine/weights.h"
#include "io/gapbs.h"
#include "io/input.h"
#include "tests/fuzz/targets.h"
#include "tests/sg_bytes.h"
#include "tests/support.h"
#include "tests/scratch.h"

/* ---- fixtures and small writers ---- */


static void put_f32(struct bytes *b, float x) { put(b, &x, 4); }

/* ---- graphs: the reference, arc lists, loading ---- */

/* A generated graph with random integer weights in [1, 255]; ids 0..n-1. */
static sf_graph *reference_graph(const char *spec, bool undirected)
{
    sf_graph *g = graph_generated(spec, 7, undirected);
    cr_assert_eq(sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, 7), 0);
    /* Generator ids are dense: original id r is the vertex of rank r. */
    for (uint64_t r = 0; r < g->num_vertices; r++)
        cr_assert_eq(sf_graph_original_id(g, sf_graph_by_original(g, r)), r);
    return g;
}

struct arc {
    uint64_t src, dst;
    double weight;
};

static int compare_arc(const void *a, const void *b)
{
    const struct arc *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    return 0;
}

/* The stored arcs of g by original ids less `shift`, sorted. */
static struct arc *arcs_of(const sf_graph *g, uint64_t shift, uint64_t *count)
{
    struct arc *arcs = malloc((g->num_arcs + 1) * sizeof *arcs);
    uint64_t k = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            arcs[k].src = sf_graph_original_id(g, v) - shift;
            arcs[k].dst = sf_graph_original_id(g, g->out_neighbors[e]) - shift;
            arcs[k].weight = g->out_weights ? g->out_weights[e] : 0;
            k++;
        }
    qsort(arcs, k, sizeof *arcs, compare_arc);
    *count = k;
    return arcs;
}

/* Reads and builds PATH as the CLI does (the input's declared directedness
 * unless `undirected` forces it). */
static sf_graph *load(const char *path, uint64_t vertices, bool undirected)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_input_options opt = {.vertices = vertices};
    sf_error err;
    cr_assert_eq(sf_input_read(path, &opt, &e, &err), 0, "%s", err.msg);
    sf_build_options build = {.undirected = undirected || e.declared_directed == 0};
    sf_graph *g = NULL;
    cr_assert_eq(sf_graph_build(&e, &build, path, &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* got (ids shifted by `shift`) is ref: same vertex count and directedness,
 * the same arcs, and the same weights when `weighted`. */
static void expect_same_graph(const sf_graph *ref, const sf_graph *got, uint64_t shift,
                              bool weighted, const char *what)
{
    cr_assert_eq(got->num_vertices, ref->num_vertices, "%s: %u vertices, expected %u", what,
                 got->num_vertices, ref->num_vertices);
    cr_assert_eq(got->directed, ref->directed, "%s: directedness", what);
    cr_assert_eq(got->weighted, weighted, "%s: weighted", what);
    for (sf_vid r = 0; r < got->num_vertices; r++)
        cr_assert_eq(sf_graph_original_id(got, sf_graph_by_original(got, r)), r + shift,
                     "%s: vertex set", what);
    uint64_t n_ref, n_got;
    struct arc *a = arcs_of(ref, 0, &n_ref), *b = arcs_of(got, shift, &n_got);
    cr_assert_eq(n_got, n_ref, "%s: %" PRIu64 " arcs, expected %" PRIu64, what, n_got, n_ref);
    for (uint64_t i = 0; i < n_ref; i++) {
        cr_assert(a[i].src == b[i].src && a[i].dst == b[i].dst,
                  "%s: arc %" PRIu64 " is %" PRIu64 "->%" PRIu64 ", expected %" PRIu64 "->%" PRIu64,
                  what, i, b[i].src, b[i].dst, a[i].src, a[i].dst);
        if (weighted)
            cr_assert_eq(b[i].weight, a[i].weight, "%s: weight of %" PRIu64 "->%" PRIu64, what,
                         a[i].src, a[i].dst);
    }
    free(a);
    free(b);
}

/* ---- writers: g in each format (ids as in g, +1 for .mtx) ---- */

/* Whether the arc v -> w is written: undirected edges once. */
static bool written_once(const sf_graph *g, sf_vid v, sf_vid w)
{
    return g->directed || sf_graph_original_id(g, v) > sf_graph_original_id(g, w);
}

static char *write_mtx(const char *name, const sf_graph *g, const char *field, bool gz)
{
    size_t cap = 64 + 64 * (g->num_arcs + 1), len = 0;
    char *text = malloc(cap);
    uint64_t entries = g->directed ? g->num_arcs : g->num_edges;
    len += (size_t)sprintf(text + len, "%%%%MatrixMarket matrix coordinate %s %s\n%% from %s\n",
                           field, g->directed ? "general" : "symmetric", name);
    len += (size_t)sprintf(text + len, "%u %u %" PRIu64 "\n", g->num_vertices, g->num_vertices,
                           entries);
    for (sf_vid v = 0; v < g->num_vertices; v++)
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            sf_vid w = g->out_neighbors[e];
            if (!written_once(g, v, w))
                continue;
            len += (size_t)sprintf(text + len, "%" PRIu64 " %" PRIu64,
                                   sf_graph_original_id(g, v) + 1, sf_graph_original_id(g, w) + 1);
            if (strcmp(field, "pattern") != 0)
                len += (size_t)sprintf(text + len, strcmp(field, "integer") ? " %.17g" : " %.0f",
                                       g->out_weights[e]);
            text[len++] = '\n';
        }
    char *path;
    if (gz) {
        path = tmp_path(name);
        gzFile f = gzopen(path, "wb");
        cr_assert_eq(gzwrite(f, text, (unsigned)len), (int)len);
        cr_assert_eq(gzclose(f), Z_OK);
    } else {
        path = write_file(name, text, len);
    }
    free(text);
    return path;
}

static char *write_sg(const char *name, const sf_graph *g, bool weighted, bool sorted)
{
    struct bytes b = {0};
    put_sg(&b, g, weighted, sorted);
    char *path = write_file(name, b.data, b.len);
    free(b.data);
    return path;
}

static char *write_bin(const char *name, const sf_graph *g, bool weighted)
{
    struct bytes b = {0};
    for (sf_vid v = 0; v < g->num_vertices; v++)
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            if (!written_once(g, v, g->out_neighbors[e]))
                continue;
            put_u32(&b, (uint32_t)sf_graph_original_id(g, v));
            put_u32(&b, (uint32_t)sf_graph_original_id(g, g->out_neighbors[e]));
            if (weighted)
                put_f32(&b, (float)g->out_weights[e]);
        }
    char *path = write_file(name, b.data, b.len);
    free(b.data);
    return path;
}

/* "src dst [weight]" lines with ids + shift; with `ldbc`, NAME.v and
 * NAME.properties beside it. */
static char *write_text_graph(const char *name, const sf_graph *g, uint64_t shift, bool weighted,
                              bool ldbc)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "w");
    for (sf_vid v = 0; v < g->num_vertices; v++)
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++) {
            if (!written_once(g, v, g->out_neighbors[e]))
                continue;
            fprintf(f, "%" PRIu64 " %" PRIu64, sf_graph_original_id(g, v) + shift,
                    sf_graph_original_id(g, g->out_neighbors[e]) + shift);
            if (weighted)
                fprintf(f, " %.17g", g->out_weights[e]);
            fputc('\n', f);
        }
    fclose(f);
    if (ldbc) {
        char *stem = strndup(path, strlen(path) - 2), *side;
        cr_assert(asprintf(&side, "%s.v", stem) > 0);
        f = fopen(side, "w");
        for (uint64_t r = 0; r < g->num_vertices; r++)
            fprintf(f, "%" PRIu64 "\n", r + shift);
        fclose(f);
        free(side);
        cr_assert(asprintf(&side, "%s.properties", stem) > 0);
        f = fopen(side, "w");
        fprintf(f, "directed = %s\n", g->directed ? "true" : "false");
        fclose(f);
        free(side);
        free(stem);
    }
    return path;
}

/* ---- round trips ---- */

static uint64_t isolated_vertices(const sf_graph *g)
{
    uint64_t isolated = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        isolated += sf_out_degree(g, v) + sf_in_degree(g, v) == 0;
    return isolated;
}

static void round_trips(bool undirected)
{
    sf_graph *ref = reference_graph("kron:7:6", undirected);
    cr_assert_gt(isolated_vertices(ref), 0, "the round trips must carry isolated vertices");
    const char *kind = undirected ? "undirected" : "directed";
    char name[64];
    struct {
        const char *suffix, *field;
        bool gz;
    } mtx[] = {{"mtx", "pattern", false}, {"mtx", "real", false}, {"mtx", "integer", false},
               {"mtx.gz", "real", true}};
    for (size_t i = 0; i < sizeof mtx / sizeof mtx[0]; i++) {
        snprintf(name, sizeof name, "%s-%s.%s", kind, mtx[i].field, mtx[i].suffix);
        char *path = write_mtx(name, ref, mtx[i].field, mtx[i].gz);
        sf_graph *g = load(path, 0, false);
        expect_same_graph(ref, g, 1, strcmp(mtx[i].field, "pattern") != 0, name);
        sf_graph_destroy(&g);
        free(path);
    }
    for (int weighted = 0; weighted < 2; weighted++) {
        /* Rows sorted as gapbs writes them, and unsorted; an undirected
         * graph gives one arc of each pair only: no duplicates to drop. */
        for (int sorted = 0; sorted < 2; sorted++) {
            snprintf(name, sizeof name, "%s-%s.%s", kind, sorted ? "sorted" : "unsorted",
                     weighted ? "wsg" : "sg");
            char *path = write_sg(name, ref, weighted, sorted);
            sf_graph *g = load(path, 0, false);
            expect_same_graph(ref, g, 0, weighted, name);
            cr_expect_eq(g->dropped_duplicates, 0, "%s", name);
            sf_graph_destroy(&g);
            free(path);
        }

        /* .bin: the vertex count given, or the largest id + 1. */
        snprintf(name, sizeof name, "%s.%s", kind, weighted ? "wbin" : "bin");
        char *path = write_bin(name, ref, weighted);
        sf_graph *g = load(path, ref->num_vertices, undirected);
        expect_same_graph(ref, g, 0, weighted, name);
        sf_graph_destroy(&g);
        g = load(path, 0, undirected);
        uint64_t max_id = 0;
        for (sf_vid v = 0; v < ref->num_vertices; v++)
            if (sf_out_degree(ref, v) + sf_in_degree(ref, v) > 0 &&
                sf_graph_original_id(ref, v) > max_id)
                max_id = sf_graph_original_id(ref, v);
        cr_expect_eq(g->num_vertices, max_id + 1, "%s without --vertices", name);
        uint64_t na, nb;
        struct arc *a = arcs_of(ref, 0, &na), *b = arcs_of(g, 0, &nb);
        cr_assert_eq(na, nb);
        for (uint64_t k = 0; k < na; k++)
            cr_assert(a[k].src == b[k].src && a[k].dst == b[k].dst &&
                          (!weighted || a[k].weight == b[k].weight),
                      "%s without --vertices: arc %" PRIu64, name, k);
        free(a), free(b);
        sf_graph_destroy(&g);
        free(path);
    }
    sf_graph_destroy(&ref);
}

Test(formats, round_trip_undirected, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    round_trips(true);
}

Test(formats, round_trip_directed, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    round_trips(false);
}

/* Loads a 3-vertex undirected .wsg with the given out-rows and expects the
 * symmetrised arcs (src, dst, weight), sorted. */
static void expect_wsg_arcs(const char *name, const int64_t offsets[4], const int32_t (*arcs)[2],
                            int num_arcs, const struct arc *expected, int num_expected)
{
    struct bytes b = {0};
    put_sg_header(&b, false, num_arcs, 3);
    for (int i = 0; i < 4; i++)
        put_i64(&b, offsets[i]);
    for (int i = 0; i < num_arcs; i++)
        put_u32(&b, (uint32_t)arcs[i][0]), put_u32(&b, (uint32_t)arcs[i][1]);
    char *path = write_file(name, b.data, b.len);
    sf_graph *g = load(path, 0, false);
    uint64_t n;
    struct arc *got = arcs_of(g, 0, &n);
    cr_assert_eq(n, (uint64_t)num_expected, "%s: %" PRIu64 " arcs", name, n);
    for (int i = 0; i < num_expected; i++)
        cr_expect(got[i].src == expected[i].src && got[i].dst == expected[i].dst &&
                      got[i].weight == expected[i].weight,
                  "%s: arc %d: %" PRIu64 "->%" PRIu64 " (%g)", name, i, got[i].src, got[i].dst,
                  got[i].weight);
    free(got);
    sf_graph_destroy(&g);
    free(path);
    free(b.data);
}

/* An undirected .sg that is not symmetric (an arc without its reverse,
 * reverse arcs of different weights) still gives the symmetrised graph,
 * every arc counted; a symmetric one with unsorted rows and a duplicate is
 * read from one arc of each pair (which one, a hash of the pair decides:
 * io/gapbs.c's one_of_pair), to the same graph. */
Test(formats, sg_undirected_symmetry, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    /* 0 -> 1 (3), 1 -> 0 (3), 1 -> 2 (7): no 2 -> 1 */
    const int64_t missing_offsets[4] = {0, 1, 3, 3};
    const int32_t missing[][2] = {{1, 3}, {0, 3}, {2, 7}};
    const struct arc both[] = {{0, 1, 3}, {1, 0, 3}, {1, 2, 7}, {2, 1, 7}};
    expect_wsg_arcs("missing.wsg", missing_offsets, missing, 3, both, 4);
    /* 0 -> 1 (3), 1 -> 0 (5): the smaller weight, both ways */
    const int64_t weights_offsets[4] = {0, 1, 2, 2};
    const int32_t weights[][2] = {{1, 3}, {0, 5}};
    const struct arc smaller[] = {{0, 1, 3}, {1, 0, 3}};
    expect_wsg_arcs("weights.wsg", weights_offsets, weights, 2, smaller, 2);
    /* symmetric: 0 -> {2, 1, 1}, 1 -> {0, 0}, 2 -> {0} */
    const int64_t sym_offsets[4] = {0, 3, 5, 6};
    const int32_t sym[][2] = {{2, 4}, {1, 6}, {1, 6}, {0, 6}, {0, 6}, {0, 4}};
    const struct arc edges[] = {{0, 1, 6}, {0, 2, 4}, {1, 0, 6}, {2, 0, 4}};
    expect_wsg_arcs("sym.wsg", sym_offsets, sym, 6, edges, 4);
}

/* The reference graph has isolated vertices, and they survive. */
Test(formats, isolated_vertices_kept, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char *path = write_text("iso.mtx", "%%MatrixMarket matrix coordinate pattern general\n"
                                       "6 6 2\n2 3\n3 5\n");
    sf_graph *g = load(path, 0, false);
    cr_expect_eq(g->num_vertices, 6);
    for (sf_vid r = 0; r < 6; r++)
        cr_expect_eq(sf_graph_original_id(g, sf_graph_by_original(g, r)), r + 1);
    cr_expect(g->directed);
    sf_graph_destroy(&g);
    free(path);
}

/* ---- errors through the CLI: exit 1, one line naming file and place ---- */

/* Runs `run wcc PATH ARGS` and expects exit 1 and the stderr line
 * "shardflow: PATH" + tail. */
static void expect_cli_error(const char *path, const char *args, const char *tail)
{
    char cmd[1024], errbuf[2048], expected[1024];
    snprintf(cmd, sizeof cmd, "run wcc '%s' --quiet %s", path, args);
    int status = run_cli(cmd, NULL, 0, errbuf, sizeof errbuf);
    snprintf(expected, sizeof expected, "shardflow: %s%s\n", path, tail);
    cr_expect_eq(status, 1, "%s: exit %d, stderr %s", path, status, errbuf);
    cr_expect_str_eq(errbuf, expected);
}

static void expect_text_error(const char *name, const char *text, const char *tail)
{
    char *path = write_text(name, text);
    expect_cli_error(path, "", tail);
    free(path);
}

#define MM "%%MatrixMarket matrix coordinate "

Test(formats, mtx_errors, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    expect_text_error("nohead.mtx", "3 3 1\n1 2\n",
                      ":1: not a Matrix Market file (the first line must be '%%MatrixMarket "
                      "matrix coordinate FIELD SYMMETRY')");
    expect_text_error("short.mtx", "%%MatrixMarket matrix coordinate real\n3 3 0\n",
                      ":1: incomplete banner (expected '%%MatrixMarket matrix coordinate FIELD "
                      "SYMMETRY')");
    expect_text_error("vector.mtx", "%%MatrixMarket vector coordinate real general\n",
                      ":1: unsupported object 'vector' (expected matrix)");
    expect_text_error("array.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
                      ":1: unsupported format 'array' (a dense matrix; graphs are read from "
                      "'coordinate' files)");
    expect_text_error("complex.mtx", MM "complex general\n1 1 1\n1 1 1 0\n",
                      ":1: unsupported field 'complex' (expected pattern, real or integer)");
    expect_text_error("herm.mtx", MM "real hermitian\n1 1 0\n",
                      ":1: unsupported symmetry 'hermitian' (expected general or symmetric)");
    expect_text_error("skew.mtx", MM "real skew-symmetric\n1 1 0\n",
                      ":1: unsupported symmetry 'skew-symmetric' (expected general or symmetric)");
    expect_text_error("nosize.mtx", MM "real general\n% only comments\n",
                      ":3: missing size line (ROWS COLUMNS ENTRIES)");
    expect_text_error("badsize.mtx", MM "real general\n%c\n3 x 2\n1 2 1\n",
                      ":3: bad size line '3 x 2' (expected ROWS COLUMNS ENTRIES)");
    expect_text_error("size2.mtx", MM "pattern general\n3 3\n1 2\n",
                      ":2: bad size line '3 3' (expected ROWS COLUMNS ENTRIES)");
    expect_text_error("huge.mtx", MM "pattern general\n5000000000 5000000000 0\n",
                      ":2: a 5000000000 x 5000000000 matrix has more than the 4294967294 "
                      "vertices a graph may have");
    /* entries outside the declared size: a row, a column, a 0 */
    expect_text_error("row.mtx", MM "pattern general\n3 3 2\n1 2\n4 1\n",
                      ":4: entry (4, 1) is outside the 3 x 3 matrix");
    expect_text_error("col.mtx", MM "real general\n3 2 2\n1 2 1.5\n% c\n2 3 1\n",
                      ":5: entry (2, 3) is outside the 3 x 2 matrix");
    expect_text_error("zero.mtx", MM "pattern symmetric\n3 3 2\n1 2\n0 1\n",
                      ":4: entry (0, 1) is outside the 3 x 3 matrix (indices are 1-based)");
    /* entry counts */
    expect_text_error("fewer.mtx", MM "pattern general\n3 3 3\n1 2\n2 3\n",
                      ":4: the file ends after 2 of the 3 entries declared on line 2");
    expect_text_error("more.mtx", MM "pattern general\n3 3 1\n1 2\n\n2 3\n3 1\n",
                      ":5: more entries than the 1 declared on line 2");
    /* malformed entries: the text parser's messages, file lines */
    expect_text_error("num.mtx", MM "pattern general\n3 3 2\n1 2\n1x 2\n",
                      ":4: bad vertex id '1x'");
    expect_text_error("cols.mtx", MM "pattern general\n3 3 1\n1 2 0.5\n",
                      ":3: expected 2 columns, found 3");
    expect_text_error("noval.mtx", MM "real general\n3 3 2\n1 2 0.5\n2 3\n",
                      ":4: expected 3 columns, found 2");
    expect_text_error("nan.mtx", MM "real general\n%\n%\n3 3 2\n1 2 0.5\n2 3 nan\n",
                      ":6: bad weight 'nan'");
    expect_text_error("weight.mtx", MM "integer general\n3 3 1\n1 2 seven\n",
                      ":3: bad weight 'seven'");
    expect_text_error("overflow.mtx", MM "pattern general\n3 3 1\n1 18446744073709551616\n",
                      ":3: vertex id 18446744073709551616 overflows 64 bits");
}

/* Reads PATH as `parts` shares (io/gapbs.h), as ranks do: the key of share
 * 0 given to all when `same_key`, the sums added. Checks that each share
 * holds its slice of the out-arcs, [m p / parts, m (p + 1) / parts), as the
 * file's bytes, and returns the shares' lists (with weights; the caller
 * finalises each and frees the array); kept[p] (unless kept is NULL) gets
 * the fraction of its slice's arcs that share p keeps. */
static sf_edge_list *read_by_shares(const char *path, bool weighted, int parts, bool same_key,
                                    const struct bytes *file, double *kept)
{
    sf_gapbs_share *shares = calloc((size_t)parts, sizeof *shares);
    uint64_t sums[SF_GAPBS_SUMS] = {0};
    sf_error err = {{0}};
    for (int p = 0; p < parts; p++) {
        sf_gapbs_share *s = &shares[p];
        cr_assert_eq(sf_gapbs_read_share(path, weighted, p, parts, s, &err), 0, "%s", err.msg);
        for (int which = 0; which < 2; which++)
            cr_assert_eq(sf_gapbs_check_share(path, s, which, &err), 0, "%s", err.msg);
        if (same_key)
            s->key = shares[0].key;
        uint64_t m = s->arcs, arc_bytes = weighted ? 8 : 4, arcs_at = 17 + 8 * (s->vertices + 1);
        cr_assert_eq(s->first, m * (uint64_t)p / (uint64_t)parts, "%s: share %d", path, p);
        cr_assert_eq(s->last, m * (uint64_t)(p + 1) / (uint64_t)parts, "%s: share %d", path, p);
        cr_assert_arr_eq(s->arc_data[0], file->data + arcs_at + arc_bytes * s->first,
                         arc_bytes * (s->last - s->first), "%s: share %d", path, p);
        cr_assert_null(s->arc_data[1], "%s: the in-arcs are released once checked", path);
        uint64_t mine[SF_GAPBS_SUMS];
        sf_gapbs_share_sums(s, mine);
        for (int k = 0; k < SF_GAPBS_SUMS; k++)
            sums[k] += mine[k];
    }
    sf_edge_list *lists = calloc((size_t)parts, sizeof *lists);
    for (int p = 0; p < parts; p++) {
        sf_edge_list_init(&lists[p]);
        cr_assert_eq(sf_gapbs_expand_share(path, &shares[p], sums, true, &lists[p], &err), 0,
                     "%s", err.msg);
        uint64_t slice = shares[p].last - shares[p].first;
        if (kept)
            kept[p] = slice ? (double)lists[p].count / (double)slice : 0;
        sf_gapbs_share_fini(&shares[p]);
    }
    free(shares);
    return lists;
}

static void free_shares(sf_edge_list *lists, int parts)
{
    for (int p = 0; p < parts; p++)
        sf_edge_list_fini(&lists[p]);
    free(lists);
}

/* A gapbs file read by shares, as MPI ranks read it (each its slice of the
 * arcs, read alone): the shares' lists one after the other are one
 * process's list, arc by arc and weight by weight, for symmetric and
 * directed files, 1 to 7 shares, also more shares than arcs. Of a
 * symmetric file each of 3 shares keeps about half of its slice (35% to
 * 65%): one arc of each pair chosen by a hash of the pair, not the up arcs
 * alone (most of the first share's, few of the last's) nor the down arcs
 * alone, nor by the parity of v + w: in the complete bipartite graph
 * between the even and the odd ids of 0..127 every edge has an odd sum,
 * so parity keeps the up arcs, 83% of the first share's and 17% of the
 * last's. The key must be the same in every share: with one key each, a
 * symmetric file reads as one that is not (every arc kept). */
Test(formats, sg_shares_are_the_whole_file, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    sf_graph *und = reference_graph("kron:7:6", true), *dir = reference_graph("kron:7:6", false);
    sf_graph *tiny = graph_generated("kron:1:1", 7, false);
    static uint64_t even_odd[64 * 64][2];
    for (uint64_t a = 0; a < 64; a++)
        for (uint64_t b = 0; b < 64; b++)
            even_odd[64 * a + b][0] = 2 * a, even_odd[64 * a + b][1] = 2 * b + 1;
    sf_graph *bipartite = graph_from_arcs((const uint64_t(*)[2])even_odd, 64 * 64, true);
    const struct {
        const char *name;
        const sf_graph *g;
        bool weighted;
    } files[] = {{"u.sg", und, false}, {"u.wsg", und, true}, {"d.wsg", dir, true},
                 {"tiny.sg", tiny, false}, {"even-odd.sg", bipartite, false}};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        struct bytes b = {0};
        put_sg(&b, files[f].g, files[f].weighted, false);
        char *path = write_file(files[f].name, b.data, b.len);
        sf_edge_list whole;
        sf_edge_list_init(&whole);
        sf_error err = {{0}};
        cr_assert_eq(sf_input_read_file(path, &whole, &err), 0, "%s", err.msg);
        if (!files[f].g->directed)
            cr_assert_lt(whole.count, files[f].g->num_arcs, "%s: one arc of each pair", path);
        for (int parts = 1; parts <= 7; parts += 2) {
            double kept[7];
            sf_edge_list *lists = read_by_shares(path, files[f].weighted, parts, true, &b, kept);
            if (parts == 3 && !files[f].g->directed)
                for (int p = 0; p < 3; p++)
                    cr_assert(kept[p] > 0.35 && kept[p] < 0.65,
                              "%s: share %d of 3 keeps %.0f%% of its slice's arcs", path, p,
                              100 * kept[p]);
            char what[300];
            snprintf(what, sizeof what, "%s in %d shares", path, parts);
            assert_parts_are_whole(lists, parts, &whole, files[f].weighted, what);
            free_shares(lists, parts);
        }
        if (!files[f].g->directed) {
            sf_edge_list *lists = read_by_shares(path, files[f].weighted, 3, false, &b, NULL);
            uint64_t arcs = lists[0].count + lists[1].count + lists[2].count;
            cr_assert_eq(arcs, files[f].g->num_arcs, "%s: keys of their own", path);
            free_shares(lists, 3);
        }
        sf_edge_list_fini(&whole);
        free(path);
        free(b.data);
    }
    sf_graph_destroy(&und);
    sf_graph_destroy(&dir);
    sf_graph_destroy(&tiny);
    sf_graph_destroy(&bipartite);
}

/* A small directed graph in gapbs layout: 3 vertices, arcs 0->1, 0->2,
 * 2->0; `edit` may damage it before it is written. */
static char *write_sg_case(const char *name, void (*edit)(struct bytes *b))
{
    struct bytes b = {0};
    put_sg_header(&b, true, 3, 3);
    int64_t out_offsets[] = {0, 2, 2, 3}, in_offsets[] = {0, 1, 2, 3};
    uint32_t out_arcs[] = {1, 2, 0}, in_arcs[] = {2, 0, 0};
    for (int i = 0; i < 4; i++)
        put_i64(&b, out_offsets[i]);
    for (int i = 0; i < 3; i++)
        put_u32(&b, out_arcs[i]);
    for (int i = 0; i < 4; i++)
        put_i64(&b, in_offsets[i]);
    for (int i = 0; i < 3; i++)
        put_u32(&b, in_arcs[i]);
    if (edit)
        edit(&b);
    char *path = write_file(name, b.data, b.len);
    free(b.data);
    return path;
}

/* Byte offsets in that file: header 0..16, out-offsets 17..48, out-arcs
 * 49..60, in-offsets 61..92, in-arcs 93..104. */
static void set_i64(struct bytes *b, size_t at, int64_t x) { memcpy(b->data + at, &x, 8); }
static void set_u32(struct bytes *b, size_t at, uint32_t x) { memcpy(b->data + at, &x, 4); }
static void bad_flag(struct bytes *b) { b->data[0] = 2; }
static void negative_arcs(struct bytes *b) { set_i64(b, 1, -3); }
static void negative_vertices(struct bytes *b) { set_i64(b, 9, -1); }
static void too_many_vertices(struct bytes *b) { set_i64(b, 9, (int64_t)1 << 40); }
static void cut_header(struct bytes *b) { b->len = 10; }
static void cut_offsets(struct bytes *b) { b->len = 30; }
static void cut_arcs(struct bytes *b) { b->len = 55; }
static void cut_in_arcs(struct bytes *b) { b->len = 100; }
static void more_arcs(struct bytes *b) { set_i64(b, 1, 1000); }
static void trailing(struct bytes *b) { put_u32(b, 7); }
static void first_offset(struct bytes *b) { set_i64(b, 17, 1); }
static void offset_down(struct bytes *b) { set_i64(b, 33, 1); }
static void last_offset(struct bytes *b) { set_i64(b, 41, 2); }
static void neighbour_range(struct bytes *b) { set_u32(b, 53, 3); }
static void neighbour_negative(struct bytes *b) { set_u32(b, 49, (uint32_t)-5); }
static void in_neighbour(struct bytes *b) { set_u32(b, 101, 9); }
static void in_offset_down(struct bytes *b) { set_i64(b, 77, 0); }

Test(formats, sg_errors, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    const struct {
        void (*edit)(struct bytes *b);
        const char *tail;
    } cases[] = {
        {bad_flag, ": byte offset 0: directed flag 2 (expected 0 or 1)"},
        {negative_arcs, ": byte offset 1: negative arc count -3"},
        {negative_vertices, ": byte offset 9: negative vertex count -1"},
        {too_many_vertices, ": byte offset 9: 1099511627776 vertices, more than the 32-bit ids of "
                            "a gapbs graph allow"},
        {cut_header, ": byte offset 10: the file ends in the 17-byte header"},
        {cut_offsets, ": byte offset 30: the file ends in the out-offsets (a directed graph with "
                      "3 vertices and 3 arcs takes 105 bytes)"},
        {cut_arcs, ": byte offset 55: the file ends in the out-arcs (a directed graph with 3 "
                   "vertices and 3 arcs takes 105 bytes)"},
        {cut_in_arcs, ": byte offset 100: the file ends in the in-arcs (a directed graph with 3 "
                      "vertices and 3 arcs takes 105 bytes)"},
        {more_arcs, ": byte offset 105: the file ends in the out-arcs (a directed graph with 3 "
                    "vertices and 1000 arcs takes 8081 bytes)"},
        {trailing, ": byte offset 105: 4 bytes past the end of the graph (3 vertices and 3 "
                   "arcs)"},
        {first_offset, ": byte offset 17: the first out-offset is 1, not 0"},
        {offset_down, ": byte offset 33: the out-offset of vertex 2 is 1, below the 2 before it"},
        {last_offset, ": byte offset 41: the last out-offset is 2, not the arc count 3 of the "
                      "header"},
        {neighbour_range, ": byte offset 53: out-neighbour 3 of vertex 0 is not a vertex (the "
                          "graph has 3)"},
        {neighbour_negative, ": byte offset 49: out-neighbour -5 of vertex 0 is not a vertex "
                             "(the graph has 3)"},
        {in_neighbour, ": byte offset 101: in-neighbour 9 of vertex 2 is not a vertex (the "
                       "graph has 3)"},
        {in_offset_down, ": byte offset 77: the in-offset of vertex 2 is 0, below the 1 before "
                         "it"},
    };
    /* The intact file loads. */
    char *good = write_sg_case("good.sg", NULL);
    sf_graph *g = load(good, 0, false);
    cr_expect_eq(g->num_vertices, 3);
    cr_expect_eq(g->num_arcs, 3);
    sf_graph_destroy(&g);
    free(good);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "case%zu.sg", i);
        char *path = write_sg_case(name, cases[i].edit);
        expect_cli_error(path, "", cases[i].tail);
        free(path);
    }
    /* .wsg records are 8 bytes: a .sg file read as .wsg is too short. */
    char *wsg = write_sg_case("short.wsg", NULL);
    expect_cli_error(wsg, "", ": byte offset 105: the file ends in the in-arcs (a directed "
                              "graph with 3 vertices and 3 arcs takes 129 bytes)");
    free(wsg);
}

Test(formats, bin_errors, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    struct bytes b = {0};
    put_u32(&b, 0), put_u32(&b, 1), put_u32(&b, 1), put_u32(&b, 2);
    put_u8(&b, 9), put_u8(&b, 9), put_u8(&b, 9);
    char *path = write_file("cut.bin", b.data, b.len);
    expect_cli_error(path, "", ": byte offset 16: truncated record (3 of its 8 bytes; a .bin file "
                               "holds (u32 src, u32 dst) records)");
    free(path);
    b.len = 16;
    path = write_file("cut.wbin", b.data, b.len);
    expect_cli_error(path, "", ": byte offset 12: truncated record (4 of its 12 bytes; a .wbin "
                               "file holds (u32 src, u32 dst, f32 weight) records)");
    free(path);
    path = write_file("small.bin", b.data, b.len);
    expect_cli_error(path, "--vertices 2", ": byte offset 12: vertex id 2 is not below the "
                                           "vertex count 2 (--vertices)");
    free(path);

    b.len = 0;
    put_u32(&b, 0), put_u32(&b, 1), put_f32(&b, 0.5f);
    put_u32(&b, 1), put_u32(&b, 2), put_f32(&b, NAN);
    path = write_file("nan.wbin", b.data, b.len);
    expect_cli_error(path, "", ": byte offset 20: weight nan is not a finite number");
    free(path);
    b.len = 12;
    put_u32(&b, 1), put_u32(&b, 2), put_f32(&b, -INFINITY);
    path = write_file("inf.wbin", b.data, b.len);
    expect_cli_error(path, "", ": byte offset 20: weight -inf is not a finite number");
    free(path);
    free(b.data);

    /* --vertices is refused where it means nothing (bad usage: exit 2). */
    char errbuf[512];
    char *mtx = write_text("v.mtx", MM "pattern general\n2 2 1\n1 2\n");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "run wcc '%s' --vertices 5", mtx);
    cr_expect_eq(run_cli(cmd, NULL, 0, errbuf, sizeof errbuf), 2);
    cr_expect(strstr(errbuf, "--vertices applies to .bin and .wbin files only"), "%s", errbuf);
    cr_expect_eq(run_cli("run wcc kron:4 --vertices 5", NULL, 0, errbuf, sizeof errbuf), 2);
    cr_expect_eq(run_cli("run wcc kron:4 --vertices 0", NULL, 0, errbuf, sizeof errbuf), 2);
    /* a snapshot's vertex count was fixed when it was written: refused as
     * ranks refuse it, not ignored */
    char *sfg = tmp_path("v.sfg");
    snprintf(cmd, sizeof cmd, "convert '%s' '%s' --quiet", mtx, sfg);
    cr_assert_eq(run_cli(cmd, NULL, 0, errbuf, sizeof errbuf), 0, "%s", errbuf);
    snprintf(cmd, sizeof cmd, "run wcc '%s' --vertices 5", sfg);
    cr_expect_eq(run_cli(cmd, NULL, 0, errbuf, sizeof errbuf), 2, "%s", errbuf);
    cr_expect(strstr(errbuf, "v.sfg: --vertices applies to .bin and .wbin files only"), "%s",
              errbuf);
    free(sfg);
    free(mtx);
}

/* The text and LDBC parsers reject NaN weights and ids past 64 bits, with
 * file:line and exit 1, through the CLI as well. */
Test(formats, text_and_ldbc_errors, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    expect_text_error("nan.wel", "1 2 0.5\n2 3 NaN\n", ":2: bad weight 'NaN'");
    expect_text_error("inf.el", "1 2 1\n2 3 -inf\n", ":2: bad weight '-inf'");
    expect_text_error("big.el", "1 2\n99999999999999999999 3\n",
                      ":2: vertex id 99999999999999999999 overflows 64 bits");
    expect_text_error("nan.e", "1 2 nan\n", ":1: bad weight 'nan'");
    expect_text_error("big.e", "1 2\n3 18446744073709551616\n",
                      ":2: vertex id 18446744073709551616 overflows 64 bits");
    char *e = write_text("g.e", "1 2\n");
    char *v = write_text("g.v", "1\n2\n18446744073709551616\n");
    char *tail;
    cr_assert(asprintf(&tail, "shardflow: %s:3: vertex id 18446744073709551616 overflows 64 bits\n",
                       v) > 0);
    char cmd[512], errbuf[1024];
    snprintf(cmd, sizeof cmd, "run wcc '%s'", e);
    cr_expect_eq(run_cli(cmd, NULL, 0, errbuf, sizeof errbuf), 1);
    cr_expect_str_eq(errbuf, tail);
    free(tail), free(e), free(v);
}

/* ---- empty files and graphs without edges ---- */

/* Runs wcc on PATH and returns the number of output lines (vertices). */
static int cli_vertices(const char *path, const char *args)
{
    char *out = tmp_path("empty-out.txt"), cmd[1024], errbuf[1024];
    snprintf(cmd, sizeof cmd, "run wcc '%s' --quiet --output '%s' %s", path, out, args);
    int status = run_cli(cmd, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(status, 0, "%s: exit %d: %s", path, status, errbuf);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f, "%s: no output", path);
    int lines = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        lines += c == '\n';
    fclose(f);
    unlink(out);
    free(out);
    return lines;
}

Test(formats, empty_files_and_no_edges, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    const char *empty[] = {"e.el", "e.mtx", "e.sg", "e.wsg", "e.bin", "e.wbin"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        char *path = write_file(empty[i], "", 0);
        cr_expect_eq(cli_vertices(path, ""), 0, "%s", empty[i]);
        free(path);
    }
    char *path = write_file("e2.bin", "", 0);
    cr_expect_eq(cli_vertices(path, "--vertices 5"), 5);
    free(path);
    path = write_text("none.mtx", MM "real symmetric\n% no entries\n4 4 0\n");
    cr_expect_eq(cli_vertices(path, ""), 4);
    free(path);
    path = write_text("header.mtx", MM "pattern general\n0 0 0\n");
    cr_expect_eq(cli_vertices(path, ""), 0);
    free(path);

    struct bytes b = {0};
    put_sg_header(&b, false, 0, 3);
    for (int i = 0; i < 4; i++)
        put_i64(&b, 0);
    path = write_file("none.sg", b.data, b.len);
    cr_expect_eq(cli_vertices(path, ""), 3);
    free(path);
    b.len = 0;
    put_sg_header(&b, true, 0, 0);
    put_i64(&b, 0);
    put_i64(&b, 0);
    path = write_file("zero.wsg", b.data, b.len);
    cr_expect_eq(cli_vertices(path, ""), 0);
    free(path);
    free(b.data);
}

/* ---- the same graph in every format: the same answers ---- */

struct answers {
    uint64_t n;
    char **values; /* by original id - shift */
};

/* Runs ALGO on PATH through the CLI and reads its output, ids less shift. */
static void cli_answers(const char *algo, const char *path, const char *args, uint64_t shift,
                        uint64_t n, struct answers *a)
{
    char *out = tmp_path("answers.txt"), cmd[1024], errbuf[1024];
    snprintf(cmd, sizeof cmd, "run %s '%s' --quiet --threads 2 --output '%s' %s", algo, path, out,
             args);
    int status = run_cli(cmd, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(status, 0, "%s: exit %d: %s", cmd, status, errbuf);
    a->n = n;
    a->values = calloc(n, sizeof *a->values);
    FILE *f = fopen(out, "r");
    unsigned long long id;
    char value[64];
    uint64_t lines = 0;
    while (fscanf(f, "%llu %63s", &id, value) == 2) {
        cr_assert(id >= shift && id - shift < n, "%s: id %llu", path, id);
        cr_assert_null(a->values[id - shift], "%s: id %llu twice", path, id);
        /* WCC labels are vertex ids: compare them unshifted too. */
        if (strcmp(algo, "wcc") == 0)
            snprintf(value, sizeof value, "%llu", strtoull(value, NULL, 10) - shift);
        a->values[id - shift] = strdup(value);
        lines++;
    }
    fclose(f);
    cr_assert_eq(lines, n, "%s: %" PRIu64 " lines", path, lines);
    unlink(out);
    free(out);
}

static void expect_same_answers(const struct answers *a, const struct answers *b, bool floating,
                                const char *what)
{
    for (uint64_t i = 0; i < a->n; i++) {
        if (floating) {
            double x = strtod(a->values[i], NULL), y = strtod(b->values[i], NULL);
            cr_assert(fabs(x - y) <= 1e-9 * fabs(x), "%s: vertex %" PRIu64 ": %s vs %s", what, i,
                      a->values[i], b->values[i]);
        } else {
            cr_assert_str_eq(a->values[i], b->values[i], "%s: vertex %" PRIu64, what, i);
        }
    }
}

static void free_answers(struct answers *a)
{
    for (uint64_t i = 0; i < a->n; i++)
        free(a->values[i]);
    free(a->values);
}

static void same_answers_in_every_format(bool undirected)
{
    /* No isolated vertex, so that plain edge lists hold the whole graph
     * (the round trips carry isolated vertices). */
    sf_graph *ref = reference_graph("urand:8:16", undirected);
    cr_assert_eq(isolated_vertices(ref), 0);
    uint64_t n = ref->num_vertices;
    const char *kind = undirected ? "u" : "d";
    const char *force = undirected ? "--undirected" : "";
    char vertices[64], name[64];
    snprintf(vertices, sizeof vertices, "--vertices %" PRIu64 " %s", n, force);
    struct {
        char *path;
        const char *args;
        uint64_t shift;
    } files[10];
    int count = 0;
#define FILE_CASE(expr, extra, shift_by)                                                      \
    (files[count].path = (expr), files[count].args = (extra), files[count].shift = (shift_by), \
     count++)
    snprintf(name, sizeof name, "%s.e", kind);
    FILE_CASE(write_text_graph(name, ref, 1, true, true), "", 1); /* LDBC, .v and .properties */
    snprintf(name, sizeof name, "%s.el", kind);
    FILE_CASE(write_text_graph(name, ref, 1, false, false), force, 1);
    snprintf(name, sizeof name, "%s.wel", kind);
    FILE_CASE(write_text_graph(name, ref, 0, true, false), force, 0);
    snprintf(name, sizeof name, "%s.mtx", kind);
    FILE_CASE(write_mtx(name, ref, "pattern", false), "", 1);
    snprintf(name, sizeof name, "%s-w.mtx.gz", kind);
    FILE_CASE(write_mtx(name, ref, "real", true), "", 1);
    snprintf(name, sizeof name, "%s.sg", kind);
    FILE_CASE(write_sg(name, ref, false, true), "", 0);
    snprintf(name, sizeof name, "%s.wsg", kind);
    FILE_CASE(write_sg(name, ref, true, false), "", 0);
    snprintf(name, sizeof name, "%s.bin", kind);
    FILE_CASE(write_bin(name, ref, false), vertices, 0);
    snprintf(name, sizeof name, "%s.wbin", kind);
    FILE_CASE(write_bin(name, ref, true), vertices, 0);
#undef FILE_CASE

    const char *algos[] = {"wcc", "pr"};
    for (int a = 0; a < 2; a++) {
        struct answers first;
        cli_answers(algos[a], files[0].path, "", files[0].shift, n, &first);
        for (int f = 1; f < count; f++) {
            struct answers other;
            cli_answers(algos[a], files[f].path, files[f].args, files[f].shift, n, &other);
            expect_same_answers(&first, &other, a == 1, files[f].path);
            free_answers(&other);
        }
        free_answers(&first);
    }
    for (int f = 0; f < count; f++)
        free(files[f].path);
    sf_graph_destroy(&ref);
}

Test(formats, same_answers_in_every_format_undirected, .init = make_tmp_dir,
     .fini = remove_tmp_dir, .timeout = 120)
{
    same_answers_in_every_format(true);
}

Test(formats, same_answers_in_every_format_directed, .init = make_tmp_dir,
     .fini = remove_tmp_dir, .timeout = 120)
{
    same_answers_in_every_format(false);
}

/* ---- the fuzz corpus: seeds and every crash ever found ---- */

/* Replays every regular file in DIR through run; returns how many. */
static int replay_folder(const char *dir, int (*run)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int files = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "README.md") == 0)
            continue;
        char *path;
        cr_assert(asprintf(&path, "%s/%s", dir, de->d_name) > 0);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *data = malloc(size ? (size_t)size : 1);
        cr_assert_eq(fread(data, 1, (size_t)size, f), (size_t)size);
        fclose(f);
        run(data, (size_t)size); /* a failed check aborts this test */
        free(data);
        free(path);
        files++;
    }
    closedir(d);
    return files;
}

Test(formats, fuzz_seeds_and_regressions_replay)
{
    for (size_t t = 0; t < sizeof fuzz_targets / sizeof fuzz_targets[0]; t++) {
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/seeds/%s", fuzz_targets[t].name);
        int seeds = replay_folder(dir, fuzz_targets[t].run);
        cr_expect_gt(seeds, 0, "no seeds in %s (run the tests from the repository root)", dir);
        snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", fuzz_targets[t].name);
        replay_folder(dir, fuzz_targets[t].run);
    }
}
