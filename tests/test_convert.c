/* `shardflow convert` and `shardflow info` as a user runs them: every output
 * format read back gives the graph of its source; text outputs are the
 * bytes worked out here from the conversion's rules (a .mtx's header
 * included), keep the input's lines unless asked to clean them, and
 * cleaned they are the graph shardflow builds; random weights are the ones
 * `run` gives; a failed conversion, or a .mtx too large to read back,
 * leaves nothing behind; `info` prints the counts the datasets'
 * documentation gives and the degrees and components computed here from
 * the files by a plain union-find. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <zlib.h>

#include "engine/weights.h"
#include "io/input.h"
#include "io/mtx.h"
#include "io/snapshot.h"
#include "tests/support.h"
#include "tests/scratch.h"

/* ---- helpers ---- */


static void cli_ok(const char *args)
{
    char errbuf[2048];
    int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(status, 0, "%s: exit %d: %s", args, status, errbuf);
}

/* The names in tmp_dir, sorted, as one string. */
static void list_dir(char *out, size_t len)
{
    DIR *d = opendir(tmp_dir);
    cr_assert_not_null(d);
    char names[64][256];
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) && n < 64)
        if (ent->d_name[0] != '.')
            snprintf(names[n++], 256, "%s", ent->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    out[0] = 0;
    for (int i = 0; i < n; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s ", names[i]);
}

/* `convert IN OUT.mtx FLAGS` where vertex `id` makes an index past what
 * shardflow's .mtx reader takes: exit 1, one line naming OUT, the id, the
 * limit and the formats to use instead, and no file left behind (neither
 * OUT nor its temporary). */
static void expect_mtx_refused(const char *in, const char *flags, uint64_t id)
{
    char *out = tmp_path("refused.mtx"), args[4096], errbuf[2048], want[4352];
    char before[4096], after[4096];
    list_dir(before, sizeof before);
    snprintf(args, sizeof args, "convert %s %s %s --quiet", in, out, flags);
    int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
    cr_assert_eq(status, 1, "%s: exit %d: %s", args, status, errbuf);
    snprintf(want, sizeof want,
             "shardflow: %s: vertex id %" PRIu64 " does not fit a Matrix Market file", out, id);
    cr_assert_eq(strncmp(errbuf, want, strlen(want)), 0, "%s: %s", args, errbuf);
    cr_assert(strstr(errbuf, "shardflow reads indices up to 4294967294, the most vertices"),
              "%s: %s", args, errbuf);
    cr_assert(strstr(errbuf, "; write .el or .sfg instead, which keep such ids\n"), "%s: %s",
              args, errbuf);
    cr_assert_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1, "one line: %s", errbuf);
    list_dir(after, sizeof after);
    cr_assert_str_eq(after, before, "%s left files behind", args);
    free(out);
}

/* Converts, then returns the output's text. */
static char *convert_text(const char *in, const char *out_name, const char *flags)
{
    char *out = tmp_path(out_name), args[4096];
    snprintf(args, sizeof args, "convert %s %s %s --quiet", in, out, flags);
    cli_ok(args);
    char *text = read_file(out, NULL);
    unlink(out);
    free(out);
    return text;
}

/* Loads PATH as the CLI would (directedness: the flag, else what the input
 * declares, else directed); a .mtx through shardflow's own reader, which
 * must undo the "+ 1" note convert writes for graphs with a vertex 0. */
static sf_graph *load(const char *path, bool undirected)
{
    sf_graph *g = NULL;
    sf_error err;
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".sfg") == 0) {
        cr_assert_eq(sf_snapshot_read(path, &g, &err), 0, "%s", err.msg);
        return g;
    }
    sf_edge_list e;
    sf_edge_list_init(&e);
    cr_assert_eq(sf_input_read_file(path, &e, &err), 0, "%s", err.msg);
    sf_build_options opt = {.undirected = undirected || e.declared_directed == 0};
    cr_assert_eq(sf_graph_build(&e, &opt, path, &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

struct arc {
    uint64_t u, v;
    double w;
};

static int compare_arc(const void *a, const void *b)
{
    const struct arc *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* g's arcs between original ids, sorted. */
static struct arc *arcs_of(const sf_graph *g)
{
    struct arc *a = malloc((g->num_arcs + 1) * sizeof *a);
    uint64_t k = 0;
    for (sf_vid v = 0; v < g->num_vertices; v++)
        for (sf_eid i = g->out_offsets[v]; i < g->out_offsets[v + 1]; i++)
            a[k++] = (struct arc){sf_graph_original_id(g, v),
                                  sf_graph_original_id(g, g->out_neighbors[i]),
                                  g->weighted ? g->out_weights[i] : 0};
    qsort(a, k, sizeof *a, compare_arc);
    return a;
}

/* The same graph: the same arcs between the same original ids, the same
 * weights when `weights`, and the same vertices when `vertices`. */
static void expect_same_graph(const sf_graph *a, const sf_graph *b, bool weights, bool vertices,
                              const char *what)
{
    cr_assert_eq(a->directed, b->directed, "%s: directedness", what);
    cr_assert_eq(a->num_arcs, b->num_arcs, "%s: %" PRIu64 " arcs, expected %" PRIu64, what,
                 b->num_arcs, a->num_arcs);
    if (vertices)
        cr_assert_eq(a->num_vertices, b->num_vertices, "%s: vertices", what);
    struct arc *x = arcs_of(a), *y = arcs_of(b);
    for (uint64_t i = 0; i < a->num_arcs; i++) {
        cr_assert(x[i].u == y[i].u && x[i].v == y[i].v,
                  "%s: arc %" PRIu64 ": %" PRIu64 "->%" PRIu64 ", expected %" PRIu64 "->%" PRIu64,
                  what, i, y[i].u, y[i].v, x[i].u, x[i].v);
        if (weights)
            cr_assert_eq(x[i].w, y[i].w, "%s: weight of %" PRIu64 "->%" PRIu64, what, x[i].u,
                         x[i].v);
    }
    free(x);
    free(y);
}

/* ---- round trips ---- */

TestSuite(convert, .init = make_tmp_dir, .fini = remove_tmp_dir);

Test(convert, every_format_round_trips_to_the_same_graph, .timeout = 60)
{
    char ldbc[1024], facebook[1024];
    snprintf(ldbc, sizeof ldbc, "%s/ldbc/example-directed.e", datasets_dir());
    snprintf(facebook, sizeof facebook, "%s/snap/facebook-combined.txt.gz", datasets_dir());
    char *sparse = write_text("sparse.el", "# sparse ids, a duplicate, a self-loop\n"
                                           "9000000000 3\n3 9000000000\n3 77\n77 77\n3 77\n"
                                           "1099511627776 3\n");
    /* a vertex 0: .mtx indices become id + 1, and the reader undoes it */
    char *zero = write_text("zero.el", "0 1\n1 2\n2 0\n3 0\n");
    struct {
        const char *source;
        bool undirected, weighted;
    } sources[] = {{ldbc, false, true}, {facebook, true, false}, {sparse, false, false},
                   {zero, false, false}};
    const char *formats[] = {"sfg", "el", "wel", "mtx"};
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++) {
        sf_graph *want = load(sources[s].source, sources[s].undirected);
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            if (strcmp(formats[f], "wel") == 0 && !sources[s].weighted)
                continue;
            /* a Matrix Market graph has every index up to its size as a
             * vertex: ids near 2^40 make more vertices than a graph may
             * have, and convert refuses them (tested below) */
            if (strcmp(formats[f], "mtx") == 0 && sources[s].source == sparse)
                continue;
            char name[64], args[4096];
            snprintf(name, sizeof name, "out%zu.%s", s, formats[f]);
            char *out = tmp_path(name);
            /* text outputs cleaned, so that they hold the graph itself */
            snprintf(args, sizeof args, "convert %s %s %s %s --quiet", sources[s].source, out,
                     sources[s].undirected ? "--undirected" : "",
                     strcmp(formats[f], "sfg") ? "--dedup --drop-self-loops" : "");
            cli_ok(args);
            sf_graph *got = load(out, sources[s].undirected);
            bool weights = sources[s].weighted && strcmp(formats[f], "el") != 0;
            /* only a snapshot keeps vertices that are in no edge */
            expect_same_graph(want, got, weights, strcmp(formats[f], "sfg") == 0, args);
            if (strcmp(formats[f], "sfg") == 0) {
                cr_assert_eq(got->dropped_self_loops, want->dropped_self_loops);
                cr_assert_eq(got->dropped_duplicates, want->dropped_duplicates);
            }
            sf_graph_destroy(&got);
            unlink(out);
            free(out);
        }
        sf_graph_destroy(&want);
    }
    free(sparse);
    free(zero);
}

Test(convert, text_outputs_keep_the_input_or_clean_it_as_asked)
{
    const char *input = "3 1 2.5\n1 3 0.5\n2 2 4\n3 1 1.5\n1 2 0.1\n2 2 3\n";
    char *wel = write_text("in.wel", input);
    struct {
        const char *out, *flags, *expected;
    } cases[] = {
        {"a.wel", "", "3 1 2.5\n1 3 0.5\n2 2 4\n3 1 1.5\n1 2 0.1\n2 2 3\n"},
        {"a.el", "", "3 1\n1 3\n2 2\n3 1\n1 2\n2 2\n"},
        {"a.wel", "--drop-self-loops", "3 1 2.5\n1 3 0.5\n3 1 1.5\n1 2 0.1\n"},
        {"a.wel", "--dedup", "1 2 0.1\n1 3 0.5\n2 2 3\n3 1 1.5\n"},
        {"a.wel", "--dedup --undirected", "1 2 0.1\n1 3 0.5\n2 2 3\n"},
        {"a.wel", "--dedup --undirected --drop-self-loops", "1 2 0.1\n1 3 0.5\n"},
        {"a.txt", "--dedup --drop-self-loops", "1 2\n1 3\n3 1\n"},
        {"a.mtx", "--undirected",
         "%%MatrixMarket matrix coordinate real symmetric\n% written by shardflow convert\n"
         "3 3 6\n3 1 2.5\n3 1 0.5\n2 2 4\n3 1 1.5\n2 1 0.1\n2 2 3\n"},
        {"a.mtx", "--dedup --drop-self-loops",
         "%%MatrixMarket matrix coordinate real general\n% written by shardflow convert\n"
         "3 3 3\n1 2 0.1\n1 3 0.5\n3 1 1.5\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = convert_text(wel, cases[i].out, cases[i].flags);
        cr_assert_str_eq(text, cases[i].expected, "convert %s %s", cases[i].out, cases[i].flags);
        free(text);
    }
    /* vertex 0 cannot be a Matrix Market index: every id moves up by one */
    char *el = write_text("zero.el", "0 1\n1 2\n");
    char *text = convert_text(el, "z.mtx", "");
    cr_assert_str_eq(text, "%%MatrixMarket matrix coordinate pattern general\n"
                           "% written by shardflow convert\n"
                           "% shardflow: index = original id + 1\n3 3 2\n1 2\n2 3\n");
    free(text);
    free(el);
    free(wel);
}

/* What a text output must hold, worked out here from the conversion's
 * rules alone: arcs in input order (self-loops left out when asked), or
 * with dedup each distinct arc once (an undirected edge once, from its
 * smaller id) sorted, keeping the smallest weight; a .mtx header with the
 * largest index as its size, every id + 1 when the written ids include 0,
 * symmetric entries in the lower triangle. Weights are written with %g,
 * which the test's weights read back exactly from. */
static char *expected_text(const struct arc *in, size_t n, const char *format, bool dedup,
                           bool undirected, bool drop_loops)
{
    struct arc *a = malloc((n + 1) * sizeof *a);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (drop_loops && in[i].u == in[i].v)
            continue;
        a[m] = in[i];
        if (dedup && undirected && a[m].u > a[m].v)
            a[m] = (struct arc){in[i].v, in[i].u, in[i].w};
        m++;
    }
    if (dedup) {
        qsort(a, m, sizeof *a, compare_arc);
        size_t k = 0;
        for (size_t i = 0; i < m; i++) {
            if (k && a[k - 1].u == a[i].u && a[k - 1].v == a[i].v)
                a[k - 1].w = a[i].w < a[k - 1].w ? a[i].w : a[k - 1].w;
            else
                a[k++] = a[i];
        }
        m = k;
    }
    /* .el and .txt: two columns, the weights left out */
    bool mtx = strcmp(format, "mtx") == 0, weighted = strcmp(format, "wel") == 0 || mtx;
    uint64_t lo = UINT64_MAX, hi = 0, shift = 0;
    for (size_t i = 0; i < m; i++) {
        lo = a[i].u < lo ? a[i].u : lo;
        lo = a[i].v < lo ? a[i].v : lo;
        hi = a[i].u > hi ? a[i].u : hi;
        hi = a[i].v > hi ? a[i].v : hi;
    }
    size_t cap = 512 + m * 80, len = 0;
    char *text = malloc(cap);
    text[0] = 0;
    if (mtx) {
        shift = m && lo == 0;
        uint64_t size = m ? hi + shift : 1;
        len += (size_t)snprintf(text, cap,
                                "%%%%MatrixMarket matrix coordinate real %s\n"
                                "%% written by shardflow convert\n%s"
                                "%" PRIu64 " %" PRIu64 " %zu\n",
                                undirected ? "symmetric" : "general",
                                shift ? "% shardflow: index = original id + 1\n" : "", size,
                                size, m);
    }
    for (size_t i = 0; i < m; i++) {
        uint64_t u = a[i].u, v = a[i].v;
        if (mtx && undirected && u < v) {
            u = a[i].v;
            v = a[i].u;
        }
        len += (size_t)snprintf(text + len, cap - len, "%" PRIu64 " %" PRIu64, u + shift,
                                v + shift);
        if (weighted)
            len += (size_t)snprintf(text + len, cap - len, " %g", a[i].w);
        len += (size_t)snprintf(text + len, cap - len, "\n");
    }
    free(a);
    return text;
}

/* The same arcs with ids that fit 32 bits (with and without a vertex 0)
 * and with ids that do not, the first of those after arcs that fit (the
 * reader widens its list there), through every text output and option:
 * the output is the one worked out above, whichever width the list had,
 * and so is it with random weights, which are the documented hash of the
 * seed and the arc's original ids. A .mtx of the ids that do not fit
 * would be a matrix too large to read back: refused, whatever the flags. */
Test(convert, text_outputs_from_ids_that_fit_32_bits_and_ids_that_do_not, .timeout = 60)
{
    static const struct arc arcs[] = {{3, 1, 2.5}, {0, 3, 0.5}, {2, 2, 4},   {3, 1, 1.5},
                                       {1, 2, 0.25}, {2, 2, 3},  {1, 0, 7},   {0, 1, 2},
                                       {4, 2, 1},   {2, 4, 0.75}, {4, 4, 5}, {2, 0, 6}};
    const size_t n = sizeof arcs / sizeof arcs[0];
    /* ids as they appear in each input file */
    static const uint64_t ids[3][5] = {
        {0, 1, 2, 3, 4},                                     /* fit, vertex 0 */
        {9, 1, 2, 3, 4000000000},                            /* fit, no vertex 0 */
        {0, 1, 4294967303ull, 3, 18000000000000000000ull}, /* do not fit */
    };
    static const char *const flag_sets[] = {"",
                                            "--dedup",
                                            "--undirected",
                                            "--drop-self-loops",
                                            "--dedup --undirected",
                                            "--dedup --drop-self-loops",
                                            "--dedup --undirected --drop-self-loops"};
    static const char *const formats[] = {"el", "txt", "wel", "mtx"};
    for (int k = 0; k < 3; k++) {
        struct arc in[sizeof arcs / sizeof arcs[0]];
        char text[2048] = "";
        for (size_t i = 0; i < n; i++) {
            in[i] = (struct arc){ids[k][arcs[i].u], ids[k][arcs[i].v], arcs[i].w};
            snprintf(text + strlen(text), sizeof text - strlen(text),
                     "%" PRIu64 " %" PRIu64 " %g\n", in[i].u, in[i].v, in[i].w);
        }
        char *wel = write_text("ids.wel", text);
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            for (size_t s = 0; s < sizeof flag_sets / sizeof flag_sets[0]; s++) {
                const char *flags = flag_sets[s];
                if (k == 2 && strcmp(formats[f], "mtx") == 0) {
                    expect_mtx_refused(wel, flags, ids[2][4]);
                    continue;
                }
                char out_name[32];
                snprintf(out_name, sizeof out_name, "out.%s", formats[f]);
                char *got = convert_text(wel, out_name, flags);
                char *want = expected_text(in, n, formats[f], strstr(flags, "--dedup"),
                                           strstr(flags, "--undirected"),
                                           strstr(flags, "--drop-self-loops"));
                cr_assert_str_eq(got, want, "ids %d: convert to .%s %s", k, formats[f], flags);
                free(got);
                free(want);
            }
        }
        for (int undirected = 0; undirected < 2; undirected++) {
            struct arc weighed[sizeof arcs / sizeof arcs[0]];
            for (size_t i = 0; i < n; i++)
                weighed[i] = (struct arc){in[i].u, in[i].v,
                                           sf_weights_of(SF_WEIGHTS_RANDOM, 4, in[i].u, in[i].v,
                                                         !undirected)};
            const char *flags = undirected ? "--weights=random --seed 4 --undirected --dedup"
                                           : "--weights=random --seed 4";
            char *got = convert_text(wel, "random.wel", flags);
            char *want = expected_text(weighed, n, "wel", undirected, undirected, false);
            cr_assert_str_eq(got, want, "ids %d: convert to .wel %s", k, flags);
            free(got);
            free(want);
        }
        free(wel);
    }
}

Test(convert, random_weights_are_the_ones_run_gives, .timeout = 30)
{
    char *wel = tmp_path("k.wel");
    char args[4096];
    snprintf(args, sizeof args, "convert kron:8 %s --weights=random --seed 9 --quiet", wel);
    cli_ok(args);
    sf_graph *got = load(wel, true);
    sf_graph *want = graph_generated("kron:8", 9, true);
    cr_assert_eq(sf_graph_assign_weights(want, SF_WEIGHTS_RANDOM, 9), 0);
    /* the generator's isolated vertices have no line in a .wel */
    expect_same_graph(want, got, true, false, "kron:8 random weights");
    sf_graph_destroy(&got);
    sf_graph_destroy(&want);
    free(wel);
}

Test(convert, snapshot_inputs_and_the_default_format, .timeout = 30)
{
    char *el = write_text("d.el", "1 2\n2 3\n3 1\n4 4\n5 1\n");
    char *plain = tmp_path("plain"), *sfg = tmp_path("plain.sfg"), *sym = tmp_path("sym.sfg");
    char args[4096];
    /* no suffix: a snapshot, OUT.sfg */
    snprintf(args, sizeof args, "convert %s %s --quiet", el, plain);
    cli_ok(args);
    sf_graph *directed = load(sfg, false), *source = load(el, false);
    expect_same_graph(source, directed, false, true, "no suffix");
    /* a directed snapshot made undirected is the source symmetrised */
    snprintf(args, sizeof args, "convert %s %s --undirected --quiet", sfg, sym);
    cli_ok(args);
    sf_graph *undirected = load(sym, false), *want = load(el, true);
    expect_same_graph(want, undirected, false, true, "symmetrised snapshot");
    /* a snapshot to text: the arcs, rows in ascending original id */
    char *text = convert_text(sfg, "back.el", "");
    cr_assert_str_eq(text, "1 2\n2 3\n3 1\n5 1\n");
    free(text);
    text = convert_text(sym, "back.el", "--dedup");
    cr_assert_str_eq(text, "1 2\n1 3\n1 5\n2 3\n", "each undirected edge once, smaller id first");
    free(text);
    char errbuf[1024];
    snprintf(args, sizeof args, "convert %s %s --directed", sym, sfg);
    cr_assert_eq(run_cli(args, NULL, 0, errbuf, sizeof errbuf), 2, "%s", errbuf);
    cr_assert(strstr(errbuf, "holds an undirected graph"), "%s", errbuf);
    sf_graph_destroy(&directed);
    sf_graph_destroy(&source);
    sf_graph_destroy(&undirected);
    sf_graph_destroy(&want);
    free(el);
    free(plain);
    free(sfg);
    free(sym);
}

/* A snapshot's arcs into a narrow list (as `convert --undirected` reads a
 * directed one): the arcs of the wide list, narrow exactly when every id
 * fits 32 bits; and the symmetrised snapshot is the source symmetrised
 * either way. */
Test(convert, snapshot_arcs_narrow_when_ids_fit, .timeout = 30)
{
    static const char *const sources[] = {"1 2\n2 3\n3 1\n4 4\n5 1\n7 3\n",
                                          "1 2\n2 5000000000\n5000000000 1\n4 4\n"};
    for (int k = 0; k < 2; k++) {
        char *el = write_text("n.el", sources[k]), *sfg = tmp_path("n.sfg"),
             *sym = tmp_path("sym.sfg"), args[4096];
        snprintf(args, sizeof args, "convert %s %s --quiet", el, sfg);
        cli_ok(args);
        sf_edge_list wide, narrow;
        sf_error err;
        sf_edge_list_init(&wide);
        sf_edge_list_init(&narrow);
        sf_input_options opt = {.narrow = true};
        cr_assert_eq(sf_input_read_file(sfg, &wide, &err), 0, "%s", err.msg);
        cr_assert_eq(sf_input_read(sfg, &opt, &narrow, &err), 0, "%s", err.msg);
        cr_assert_eq(narrow.narrow, k == 0);
        cr_assert_eq(narrow.count, wide.count);
        cr_assert_gt(wide.count, 0);
        for (uint64_t i = 0; i < wide.count; i++) {
            uint64_t u = narrow.narrow ? narrow.src32[i] : narrow.src[i];
            uint64_t v = narrow.narrow ? narrow.dst32[i] : narrow.dst[i];
            cr_assert(u == wide.src[i] && v == wide.dst[i], "source %d arc %" PRIu64, k, i);
        }
        cr_assert_eq(narrow.num_vertex_ids, wide.num_vertex_ids);
        snprintf(args, sizeof args, "convert %s %s --undirected --quiet", sfg, sym);
        cli_ok(args);
        sf_graph *got = load(sym, false), *want = load(el, true);
        expect_same_graph(want, got, false, true, "symmetrised snapshot");
        sf_graph_destroy(&got);
        sf_graph_destroy(&want);
        sf_edge_list_fini(&wide);
        sf_edge_list_fini(&narrow);
        free(el);
        free(sfg);
        free(sym);
    }
}

/* ---- ids at the edge of 32 bits ---- */

/* The arcs a graph built from `in` must hold, worked out here: self-loops
 * left out, each arc once, both ways when undirected; sorted. Returns how
 * many. */
static size_t graph_arcs(const struct arc *in, size_t n, bool undirected, struct arc *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i].u == in[i].v)
            continue;
        out[m++] = (struct arc){in[i].u, in[i].v, 0};
        if (undirected)
            out[m++] = (struct arc){in[i].v, in[i].u, 0};
    }
    qsort(out, m, sizeof *out, compare_arc);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (k == 0 || compare_arc(&out[k - 1], &out[i]) != 0)
            out[k++] = out[i];
    return k;
}

/* g holds exactly the arcs want[0..n), between these original ids. */
static void expect_arcs(const sf_graph *g, const struct arc *want, size_t n, const char *what)
{
    cr_assert_eq(g->num_arcs, n, "%s: %" PRIu64 " arcs, expected %zu", what, g->num_arcs, n);
    struct arc *got = arcs_of(g);
    for (size_t i = 0; i < n; i++)
        cr_assert(got[i].u == want[i].u && got[i].v == want[i].v,
                  "%s: arc %zu: %" PRIu64 "->%" PRIu64 ", expected %" PRIu64 "->%" PRIu64, what,
                  i, got[i].u, got[i].v, want[i].u, want[i].v);
    free(got);
}

/* Writes arcs[0..n) as NAME, "u v" lines; returns its path (the caller
 * frees it). */
static char *write_arcs(const char *name, const struct arc *arcs, size_t n)
{
    char text[4096] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%" PRIu64 " %" PRIu64 "\n",
                 arcs[i].u, arcs[i].v);
    return write_text(name, text);
}

/* The largest id that fits 32 bits, 2^32 - 1, and the first that does not,
 * 2^32 (after arcs that fit, so that a narrow list widens there): .sfg and
 * .el keep them exactly: they (and the .sfg converted back to .el) read
 * back to the graph worked out here from the arcs, directed and
 * undirected, and so does the source itself, read wide or narrow; a run
 * names its vertices by them (a BFS from 2^32). A .mtx would hold them as
 * indices (+ 1 with a vertex 0), but a matrix that large has every index up
 * to its size as a vertex, more than a graph may have: convert refuses it
 * and names the largest id. */
Test(convert, ids_at_the_32_bit_edge_round_trip, .timeout = 60)
{
    static const struct arc fit[] = {{4294967295u, 0, 0}, {0, 4294967295u, 0},
                                     {4294967294u, 4294967295u, 0}, {4294967295u, 4294967295u, 0},
                                     {1, 4294967294u, 0}, {4294967295u, 0, 0}};
    static const struct arc wide[] = {{0, 4294967295u, 0},           {4294967295u, 7, 0},
                                      {4294967295u, 4294967296u, 0}, {4294967296u, 4294967295u, 0},
                                      {4294967296u, 0, 0},           {4294967296u, 4294967296u, 0},
                                      {4294967295u, 7, 0},           {9, 0, 0}};
    const struct {
        const struct arc *arcs;
        size_t n;
    } sources[] = {{fit, sizeof fit / sizeof *fit}, {wide, sizeof wide / sizeof *wide}};
    static const char *const formats[] = {"sfg", "el"};
    for (size_t s = 0; s < 2; s++) {
        char *el = write_arcs("edge.el", sources[s].arcs, sources[s].n);
        for (int undirected = 0; undirected < 2; undirected++) {
            struct arc want[32];
            size_t n = graph_arcs(sources[s].arcs, sources[s].n, undirected, want);
            char what[4352];
            snprintf(what, sizeof what, "source %zu%s", s, undirected ? " undirected" : "");
            sf_graph *source = load(el, undirected);
            expect_arcs(source, want, n, what);
            /* read narrow, as the CLI reads: 32-bit ids exactly when all fit */
            sf_edge_list narrow;
            sf_edge_list_init(&narrow);
            sf_error err;
            sf_input_options opt = {.narrow = true};
            cr_assert_eq(sf_input_read(el, &opt, &narrow, &err), 0, "%s", err.msg);
            cr_assert_eq(narrow.narrow, s == 0, "%s", what);
            sf_build_options build = {.undirected = undirected};
            sf_graph *built = NULL;
            cr_assert_eq(sf_graph_build(&narrow, &build, el, &built, &err), 0, "%s", err.msg);
            expect_arcs(built, want, n, what);
            sf_graph_destroy(&built);
            sf_edge_list_fini(&narrow);
            for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
                char name[32], args[4096];
                snprintf(name, sizeof name, "out.%s", formats[f]);
                char *out = tmp_path(name);
                snprintf(args, sizeof args, "convert %s %s %s %s --quiet", el, out,
                         undirected ? "--undirected" : "",
                         strcmp(formats[f], "el") == 0 ? "--dedup --drop-self-loops" : "");
                cli_ok(args);
                snprintf(what, sizeof what, "source %zu: %s", s, args);
                sf_graph *back = load(out, undirected);
                expect_arcs(back, want, n, what);
                sf_graph_destroy(&back);
                if (strcmp(formats[f], "sfg") == 0) {
                    /* and the snapshot's arcs back to text (a narrow
                     * list while its largest id fits) */
                    char *again = tmp_path("again.el");
                    snprintf(args, sizeof args, "convert %s %s --quiet", out, again);
                    cli_ok(args);
                    back = load(again, undirected);
                    expect_arcs(back, want, n, args);
                    sf_graph_destroy(&back);
                    unlink(again);
                    free(again);
                }
                unlink(out);
                free(out);
            }
            expect_mtx_refused(el, undirected ? "--undirected" : "",
                               s == 0 ? 4294967295u : 4294967296u);
            sf_graph_destroy(&source);
        }
        free(el);
    }
    /* a run names its vertices by the same ids: BFS depths from 2^32 in the
     * directed graph, 9 unreachable */
    char *el = write_arcs("edge.el", wide, sizeof wide / sizeof *wide), *sfg = tmp_path("wide.sfg"),
         *depths = tmp_path("bfs.txt"), args[4096];
    snprintf(args, sizeof args, "convert %s %s --quiet", el, sfg);
    cli_ok(args);
    const char *inputs[] = {el, sfg};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "run bfs %s --source 4294967296 --output %s --quiet",
                 inputs[i], depths);
        cli_ok(args);
        char *got = read_file(depths, NULL);
        cr_assert_str_eq(got, "0 1\n7 2\n9 9223372036854775807\n4294967295 1\n4294967296 0\n",
                         "%s", inputs[i]);
        free(got);
    }
    free(el);
    free(sfg);
    free(depths);
}

/* The .mtx limit on both sides: an index of 4294967294 (the most vertices
 * a graph may have) is written, and its header is one the reader takes (the
 * body is not read: 2^32 vertices); one more is refused, whether the id is
 * past it or vertex 0 puts its index + 1 past it. Self-loops left out are
 * no index: a large id only in one does not count. */
Test(convert, mtx_indices_stop_where_the_reader_does, .timeout = 30)
{
    static const char pattern[] = "%%MatrixMarket matrix coordinate pattern general\n"
                                  "% written by shardflow convert\n";
    static const struct {
        const char *input, *flags;
        const char *written; /* after the banner and the comment; NULL: refused */
        uint64_t refused_id;
    } cases[] = {
        {"1 4294967294\n", "", "4294967294 4294967294 1\n1 4294967294\n", 0},
        {"0 4294967293\n", "",
         "% shardflow: index = original id + 1\n4294967294 4294967294 1\n1 4294967294\n", 0},
        {"4294967295 1\n", "", NULL, 4294967295u},
        {"0 4294967294\n", "", NULL, 4294967294u},
        {"0 4294967294\n", "--dedup", NULL, 4294967294u},
        {"1 2\n4294967295 4294967295\n", "--drop-self-loops", "2 2 1\n1 2\n", 0},
        {"1 2\n4294967295 4294967295\n", "--dedup --drop-self-loops", "2 2 1\n1 2\n", 0},
        {"1 2\n4294967295 4294967295\n", "--dedup", NULL, 4294967295u},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *el = write_text("limit.el", cases[i].input);
        if (!cases[i].written) {
            expect_mtx_refused(el, cases[i].flags, cases[i].refused_id);
        } else {
            char *text = convert_text(el, "limit.mtx", cases[i].flags), want[512];
            snprintf(want, sizeof want, "%s%s", pattern, cases[i].written);
            cr_assert_str_eq(text, want, "%s %s", cases[i].input, cases[i].flags);
            sf_mtx_header h;
            sf_error err;
            cr_assert_eq(sf_mtx_read_header("limit.mtx", text, strlen(text), &h, &err), 0,
                         "%s", err.msg);
            free(text);
        }
        free(el);
    }
}

/* ---- failures ---- */

Test(convert, a_failed_conversion_leaves_nothing_behind)
{
    char *good = write_text("good.el", "1 2\n2 3\n");
    char *bad = write_text("bad.el", "1 2\n2 3\n3 x4\n");
    char before[4096], after[4096];
    list_dir(before, sizeof before);
    struct {
        const char *args;
        int status;
        const char *needle;
    } cases[] = {
        {"convert %s/missing.el %s/out.sfg", 1, "missing.el"},
        {"convert %s/bad.el %s/out.sfg", 1, "bad.el:3:"},
        {"convert %s/bad.el %s/out.el", 1, "bad.el:3:"},
        {"convert %s/good.el %s/out.wel", 2, "needs weights"},
        {"convert %s/good.el %s/out.xyz", 2, "unknown output format"},
        {"convert %s/good.el %s/no/such/dir/out.sfg", 1, "No such file or directory"},
        {"convert %s/good.el %s/no/such/dir/out.mtx", 1, "No such file or directory"},
        {"run pr %s/good.el --dedup --output %s/out.txt", 2, "--dedup does not apply to run"},
        {"convert kron:x %s/out.sfg", 2, "kron:x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[4096], errbuf[2048];
        if (strncmp(cases[i].args, "convert kron", 12) == 0)
            snprintf(args, sizeof args, cases[i].args, tmp_dir);
        else
            snprintf(args, sizeof args, cases[i].args, tmp_dir, tmp_dir);
        int status = run_cli(args, NULL, 0, errbuf, sizeof errbuf);
        cr_assert_eq(status, cases[i].status, "%s: exit %d: %s", args, status, errbuf);
        cr_assert(strstr(errbuf, cases[i].needle), "%s: %s", args, errbuf);
        cr_assert_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1, "one line: %s", errbuf);
        list_dir(after, sizeof after);
        cr_assert_str_eq(after, before, "%s left files behind", args);
    }
    free(good);
    free(bad);
}

/* ---- info ---- */

/* An independent account of a text edge list: degrees by id and weak
 * components by union-find, straight from the file (gzip or plain). */
struct account {
    uint64_t ids[8192], out[8192], in[8192], parent[8192];
    size_t n;
    uint64_t lines;
};

static size_t slot_of(struct account *a, uint64_t id)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->ids[i] == id)
            return i;
    cr_assert_lt(a->n, 8192);
    a->ids[a->n] = id;
    a->parent[a->n] = a->n;
    return a->n++;
}

static uint64_t find(struct account *a, uint64_t x)
{
    while (a->parent[x] != x)
        x = a->parent[x] = a->parent[a->parent[x]];
    return x;
}

static void account_file(const char *path, bool undirected, struct account *a)
{
    memset(a, 0, sizeof *a);
    gzFile f = gzopen(path, "r");
    cr_assert_not_null(f);
    char line[256];
    while (gzgets(f, line, sizeof line)) {
        uint64_t u, v;
        if (line[0] == '#' || sscanf(line, "%" SCNu64 " %" SCNu64, &u, &v) != 2)
            continue;
        size_t x = slot_of(a, u), y = slot_of(a, v);
        a->out[x]++;
        a->in[y]++;
        if (undirected) {
            a->out[y]++;
            a->in[x]++;
        }
        a->parent[find(a, x)] = find(a, y);
        a->lines++;
    }
    gzclose(f);
}

static int compare_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static void expect_line(const char *out, const char *line)
{
    cr_assert(strstr(out, line), "'%s' not in:\n%s", line, out);
}

static void expect_degrees(const char *out, const char *key, uint64_t *degree, size_t n,
                           uint64_t arcs)
{
    qsort(degree, n, sizeof *degree, compare_u64);
    char line[256];
    snprintf(line, sizeof line, "%-17smin %" PRIu64 ", median %" PRIu64 ", max %" PRIu64
             ", mean %.2f\n", key, degree[0], degree[n / 2], degree[n - 1], (double)arcs / n);
    expect_line(out, line);
}

static void expect_components(const char *out, struct account *a)
{
    uint64_t count[8192] = {0}, roots = 0, largest = 0;
    for (size_t i = 0; i < a->n; i++)
        count[find(a, i)]++;
    for (size_t i = 0; i < a->n; i++) {
        roots += count[i] > 0;
        largest = count[i] > largest ? count[i] : largest;
    }
    char line[256];
    snprintf(line, sizeof line, "components:      %" PRIu64 " weakly connected, the largest %"
             PRIu64 " vertices\n", roots, largest);
    expect_line(out, line);
}

/* info's format line names what each input was read as, the binary
 * formats included (it said "file" for them), in text and in --json;
 * the graphs are the smallest of each kind: one arc, or none for gapbs. */
Test(convert, info_names_every_format, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    const uint32_t pair[2] = {0, 1};
    const struct {
        uint32_t src, dst;
        float weight;
    } triple = {0, 1, 2.5f};
    char *paths[] = {
        write_file("g.bin", pair, sizeof pair),  write_file("g.wbin", &triple, 12),
        write_file("g.sg", "", 0),               write_file("g.wsg", "", 0),
        write_text("g.el", "0 1\n"),             write_text("g.wel", "0 1 2.5\n"),
        write_text("g.mtx", "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n"),
    };
    const char *formats[] = {
        "Gemini/GridGraph binary edge list (.bin)",
        "Gemini/GridGraph binary edge list, weighted (.wbin)",
        "gapbs serialized graph (.sg)",
        "gapbs serialized graph, weighted (.wsg)",
        "text edge list",
        "weighted text edge list (.wel)",
        "Matrix Market (.mtx)",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        for (int gz = 0; gz < 2; gz++) {
            char path[1100], args[2300], out[8192], err[2048], line[200];
            snprintf(path, sizeof path, "%s%s", paths[i], gz ? ".gz" : "");
            if (gz) {
                snprintf(args, sizeof args, "gzip -c '%s' > '%s'", paths[i], path);
                cr_assert_eq(system(args), 0);
            }
            snprintf(args, sizeof args, "info %s", path);
            cr_assert_eq(run_cli(args, out, sizeof out, err, sizeof err), 0, "%s: %s", args, err);
            snprintf(line, sizeof line, "\nformat:          %s%s\n", formats[i],
                     gz ? ", gzip-compressed" : "");
            expect_line(out, line);
            snprintf(args, sizeof args, "info %s --json", path);
            cr_assert_eq(run_cli(args, out, sizeof out, err, sizeof err), 0, "%s: %s", args, err);
            json_t *root;
            const char *format = json_string_value(record_member(out, "format", &root));
            snprintf(line, sizeof line, "%s%s", formats[i], gz ? ", gzip-compressed" : "");
            cr_expect(format && strcmp(format, line) == 0, "%s: %s", args, out);
            json_decref(root);
        }
        free(paths[i]);
    }
}

Test(convert, info_on_the_ldbc_example, .timeout = 30)
{
    char path[1024], args[2048], out[8192];
    snprintf(path, sizeof path, "%s/ldbc/example-directed.e", datasets_dir());
    snprintf(args, sizeof args, "info %s --threads 2", path);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    /* example-directed.properties: 10 vertices, 17 edges, directed, weighted */
    cr_assert_eq(strncmp(out, "expect:", 7), 0, "the estimate comes first: %s", out);
    expect_line(out, "format:          LDBC Graphalytics (.e)\n");
    expect_line(out, "directed:        yes\n");
    expect_line(out, "weighted:        yes\n");
    expect_line(out, "vertices:        10 (0 isolated)\n");
    expect_line(out, "edges:           17 (17 arcs stored)\n");
    expect_line(out, "dropped:         0 self-loops, 0 duplicate arcs\n");
    static struct account a;
    account_file(path, false, &a);
    cr_assert_eq(a.n, 10);
    expect_degrees(out, "out-degree:", a.out, a.n, 17);
    expect_degrees(out, "in-degree:", a.in, a.n, 17);
    expect_components(out, &a);
    for (const char *k = "pr wcc bfs sssp cdlp lcc tc kcore"; *k;) {
        char key[32];
        int len = (int)strcspn(k, " ");
        char name[16];
        snprintf(name, sizeof name, "memory %.*s:", len, k);
        snprintf(key, sizeof key, "%-17s+", name);
        expect_line(out, key);
        k += len + (k[len] == ' ');
    }
    expect_line(out, "load:            ");
}

/* info's estimate of a .mtx is its header's word: the vertices 1..max(rows,
 * cols) exactly, the declared entries (one arc each in the edge list the
 * parse holds), and at most one arc stored an entry, two when the graph is
 * undirected (symmetric, or --undirected; --directed keeps a symmetric
 * file's entries one way): a bound the built graph's arcs never pass, met
 * when no entry is a self-loop or a duplicate. The parse's memory, for a
 * file smaller than a read window: the text, 8 bytes an entry (16 with
 * values), a byte a vertex, and 8 bytes for each id no entry can name. The
 * inputs: facebook as a symmetric .mtx (88,234 edges, 4,039 nodes: its
 * README), the LDBC example as a general real one, and small files with a
 * self-loop, a duplicate and ids no entry names. */
Test(convert, info_counts_a_mtx_from_its_header, .timeout = 60)
{
    char facebook[1024], ldbc[1024], args[4096];
    snprintf(facebook, sizeof facebook, "%s/snap/facebook-combined.txt.gz", datasets_dir());
    snprintf(ldbc, sizeof ldbc, "%s/ldbc/example-directed.e", datasets_dir());
    char *fb = tmp_path("fb.mtx"), *ex = tmp_path("ex.mtx");
    snprintf(args, sizeof args, "convert %s %s --undirected --quiet", facebook, fb);
    cli_ok(args);
    snprintf(args, sizeof args, "convert %s %s --quiet", ldbc, ex);
    cli_ok(args);
    char *loops = write_text("loops.mtx", "%%MatrixMarket matrix coordinate integer symmetric\n"
                                          "% vertex 3 in a self-loop alone, 5 in no entry\n"
                                          "5 5 4\n2 1 3\n3 3 1\n2 1 4\n4 2 2\n");
    char *sparse = write_text("sparse.mtx", "%%MatrixMarket matrix coordinate pattern general\n"
                                            "1000 1000 1\n1 2\n");
    const struct {
        const char *path, *flags;
        uint64_t vertices, entries, arcs_stored_max, bytes_per_entry, unnamed;
    } cases[] = {
        {fb, "", 4039, 88234, 2 * 88234, 8, 0},
        {ex, "", 10, 17, 17, 16, 0},
        {loops, "", 5, 4, 8, 16, 0},
        {loops, "--directed", 5, 4, 4, 16, 0},
        {sparse, "", 1000, 1, 1, 8, 998},
        {sparse, "--undirected", 1000, 1, 2, 8, 998},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[8192];
        snprintf(args, sizeof args, "info %s %s --json --threads 2", cases[i].path,
                 cases[i].flags);
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
        cr_assert(record_flag(out, "estimate.counted"), "%s: %s", args, out);
        cr_assert_eq(record_number(out, "estimate.vertices"), cases[i].vertices, "%s", args);
        cr_assert_eq(record_number(out, "estimate.arcs"), cases[i].entries, "%s", args);
        uint64_t bound = record_number(out, "estimate.arcs_stored_max");
        cr_assert_eq(bound, cases[i].arcs_stored_max, "%s", args);
        /* what the load built */
        cr_assert_eq(record_number(out, "vertices"), cases[i].vertices, "%s", args);
        uint64_t arcs = record_number(out, "arcs");
        cr_assert_leq(arcs, bound, "%s: %" PRIu64 " arcs stored", args, arcs);
        if (cases[i].path == fb || cases[i].path == ex) /* no self-loop, no duplicate */
            cr_assert_eq(arcs, bound, "%s", args);
        struct stat st;
        cr_assert_eq(stat(cases[i].path, &st), 0);
        uint64_t size = (uint64_t)st.st_size, n = cases[i].vertices;
        cr_assert_eq(record_number(out, "estimate.input_bytes"), size, "%s", args);
        cr_assert_eq(record_number(out, "estimate.peak_bytes"),
                     size + cases[i].entries * cases[i].bytes_per_entry + n + 1 +
                         8 * cases[i].unnamed,
                     "%s", args);
    }
    /* the line printed first says the same */
    char out[8192];
    snprintf(args, sizeof args, "info %s --threads 2", fb);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    const char *first = "expect:          4039 vertices, 88234 entries (from the header), at "
                        "most 176468 arcs stored; about ";
    cr_assert_eq(strncmp(out, first, strlen(first)), 0, "%s", out);
    expect_line(out, "edges:           88234 (176468 arcs stored)\n");
    free(fb);
    free(ex);
    free(loops);
    free(sparse);
}

Test(convert, info_on_facebook_from_text_and_from_a_snapshot, .timeout = 60)
{
    char path[1024], args[4096], out[8192];
    snprintf(path, sizeof path, "%s/snap/facebook-combined.txt.gz", datasets_dir());
    static struct account a;
    account_file(path, true, &a);
    cr_assert_eq(a.lines, 88234); /* snap/README.md: 88,234 edges, 4,039 nodes */
    char *sfg = tmp_path("fb.sfg");
    snprintf(args, sizeof args, "convert %s %s --undirected --quiet", path, sfg);
    cli_ok(args);
    for (int from_snapshot = 0; from_snapshot < 2; from_snapshot++) {
        snprintf(args, sizeof args, "info %s %s", from_snapshot ? sfg : path,
                 from_snapshot ? "" : "--undirected");
        cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
        expect_line(out, "directed:        no\n");
        expect_line(out, "vertices:        4039 (0 isolated)\n");
        expect_line(out, "edges:           88234 (176468 arcs stored)\n");
        expect_line(out, "dropped:         0 self-loops, 0 duplicate edges\n");
        expect_degrees(out, "out-degree:", a.out, a.n, 2 * 88234);
        expect_components(out, &a);
        if (from_snapshot) {
            expect_line(out, "expect:          4039 vertices, 176468 arcs stored (from the header)");
            expect_line(out, "format:          native snapshot (.sfg)\n");
        }
    }
    snprintf(args, sizeof args, "info %s --json", sfg);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    const char *fields[] = {"\"vertices\": 4039", "\"edges\": 88234", "\"arcs\": 176468",
                            "\"directed\": false", "\"components\": 1", "\"graph_bytes\": ",
                            "\"kernel_bytes\": {\"pr\": ", "\"load_s\": ",
                            "\"ready_peak_rss_bytes\": ", "\"out_degree\": {\"min\": "};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cr_assert(strstr(out, fields[i]), "no %s in %s", fields[i], out);
    cr_assert_eq(out[0], '{');
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line");
    free(sfg);
}
