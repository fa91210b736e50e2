/* Runs over MPI ranks, through the CLI as a user starts them: `mpirun -np
 * R shardflow run ...` gives the single process's answers (integers
 * exactly, PageRank within 1e-9 relative) on LDBC cases and kron:14 at 1 to
 * 4 ranks, also when some ranks get no vertex or no edge (lcc byte for
 * byte); parts of text files are cut at line boundaries (bad lines keep
 * their line numbers), .mtx files too after the header every rank reads
 * (faults keep their lines and messages), a .gz by each rank keeping only
 * its share of the inflated lines, .sfg snapshots by rows, .bin files by
 * records and gapbs .sg/.wsg files by slices of their arcs (their faults
 * reported as one process reports them); text parts are 32-bit ids until
 * one of their ids needs 64 bits; a binary built without MPI refuses to
 * run as several ranks; a rank that dies ends the job instead of hanging;
 * SF_TRACE_LOAD prints
 * every rank's load phases, each naming its rank. The distributed path at
 * one rank (SF_DIST=1, no mpirun) runs even where MPI is absent.
 *
 * Ranks are oversubscribed on a small machine (--oversubscribe), so these
 * say nothing about speed. Skipped, with the reason, when mpirun is missing
 * or the binary was built without MPI. */
#include <math.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bench/dist_jobs.h"
#include "engine/graph.h"
#include "engine/weights.h"
#include "operators/kernels.h"
#include "tests/sg_bytes.h"
#include "tests/support.h"
#include "tests/trace.h"


static bool have_mpirun(void)
{
    return system("command -v mpirun >/dev/null 2>&1") == 0;
}

/* The run record says how the binary was built. */
static bool binary_has_mpi(void)
{
    static char out[65536];
    run_cli("run pr kron:2 --json", out, sizeof out, NULL, 0);
    return strstr(out, "SF_HAVE_MPI=1") != NULL;
}

#define REQUIRE_MPI()                                                                  \
    do {                                                                               \
        if (!have_mpirun())                                                            \
            cr_skip_test("mpirun not found (Debian package openmpi-bin)");             \
        if (!binary_has_mpi())                                                         \
            cr_skip_test("%s was built without MPI (make MPI=0)", cli_binary());       \
    } while (0)

/* The next of a xorshift sequence in *x (never 0 from a seed that is not). */
static void xorshift(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
}

static char tmpdir[64];

static const char *scratch(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/sf-test-mpi-XXXXXX");
        cr_assert(mkdtemp(tmpdir));
    }
    return tmpdir;
}

/* mpirun with its session files in this test's scratch folder: mpiruns of
 * tests running side by side then never clean up each other's. */
static const char *mpirun(void)
{
    static char cmd[256];
    snprintf(cmd, sizeof cmd,
             "timeout 120 mpirun --oversubscribe --allow-run-as-root --mca orte_tmpdir_base %s",
             scratch());
    return cmd;
}

static void cleanup(void)
{
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        cr_assert_eq(system(cmd), 0);
        tmpdir[0] = 0;
    }
}

/* Runs `args` under mpirun with np ranks (np 0: the distributed path at one
 * rank without mpirun, SF_DIST=1). */
static int run_ranks(int np, const char *args, char *out, size_t out_len, char *err,
                     size_t err_len)
{
    char cmd[8192];
    if (np == 0)
        snprintf(cmd, sizeof cmd, "SF_DIST=1 %s %s", cli_binary(), args);
    else
        snprintf(cmd, sizeof cmd, "%s -np %d %s %s", mpirun(), np, cli_binary(), args);
    return run_shell(cmd, out, out_len, err, err_len);
}

/* `args` fails in one process with a message holding `want`, and over np
 * ranks as in one process: exit 1 and the same message, said once (by
 * rank 0). */
static void expect_ranks_fail_as_one(int np, const char *args, const char *want)
{
    char single[1024], err[8192];
    cr_assert_eq(run_cli(args, NULL, 0, single, sizeof single), 1, "%s: %s", args, single);
    cr_assert(strstr(single, want), "single process: %s\nexpected: %s", single, want);
    int status = run_ranks(np, args, NULL, 0, err, sizeof err);
    cr_assert_eq(status, 1, "%s: exit %d: %s", args, status, err);
    const char *at = strstr(err, single);
    cr_assert(at, "ranks said: %s\nsingle process: %s", err, single);
    cr_assert_null(strstr(at + 1, single), "said twice: %s", err);
}

struct line {
    unsigned long long id;
    char value[40];
};

/* "ID VALUE" lines in file order. */
static size_t read_lines(const char *path, struct line **out)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    size_t n = 0, cap = 1024;
    struct line *l = malloc(cap * sizeof *l);
    while (fscanf(f, "%llu %39s", &l[n].id, l[n].value) == 2)
        if (++n == cap)
            l = realloc(l, (cap *= 2) * sizeof *l);
    fclose(f);
    *out = l;
    return n;
}

/* Same vertices in the same order; values equal, or within 1e-9 relative
 * when floating. */
static void assert_same_results(const char *actual, const char *expected, bool floating,
                                const char *what)
{
    struct line *a, *b;
    size_t na = read_lines(actual, &a), nb = read_lines(expected, &b);
    cr_assert_eq(na, nb, "%s: %zu lines, single process %zu", what, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert_eq(a[i].id, b[i].id, "%s: line %zu: vertex %llu, single process %llu", what,
                     i + 1, a[i].id, b[i].id);
        if (floating) {
            double x = strtod(a[i].value, NULL), y = strtod(b[i].value, NULL);
            cr_assert(fabs(x - y) <= 1e-9 * fabs(y), "%s: vertex %llu: %s, single process %s",
                      what, a[i].id, a[i].value, b[i].value);
        } else {
            cr_assert_str_eq(a[i].value, b[i].value, "%s: vertex %llu", what, a[i].id);
        }
    }
    free(a);
    free(b);
}

/* LDBC's expected output (any order, one vertex a line) against ours,
 * exactly for integers. */
static void assert_ldbc_expected(const char *actual, const char *expected, const char *what)
{
    struct line *a, *b;
    size_t na = read_lines(actual, &a), nb = read_lines(expected, &b);
    cr_assert_eq(na, nb, "%s: %zu lines, expected %zu", what, na, nb);
    for (size_t i = 0; i < nb; i++) {
        size_t j = 0;
        while (j < na && a[j].id != b[i].id)
            j++;
        cr_assert(j < na, "%s: vertex %llu missing", what, b[i].id);
        cr_assert_str_eq(a[j].value, b[i].value, "%s: vertex %llu", what, b[i].id);
    }
    free(a);
    free(b);
}

/* Every test leaves its scratch folder behind it, passed or failed. */
TestSuite(mpi, .fini = cleanup);

/* Runs algo on graph in one process, then at each rank count in nps (0:
 * SF_DIST=1 without mpirun), and compares the outputs. When `expected` is
 * set (LDBC), the single process's output must match it too; when the
 * single process cannot run algo (a kernel not in this build), the ranks
 * are held to `expected` alone. */
static void check_ranks(const char *algo, const char *graph, const char *extra, const int *nps,
                        int count, const char *expected)
{
    char args[4096], single[256], err[4096], what[4200];
    snprintf(single, sizeof single, "%s/single-%s.txt", scratch(), algo);
    snprintf(args, sizeof args, "run %s %s %s --quiet --output %s", algo, graph, extra, single);
    bool floating = strcmp(algo, "pr") == 0 || strcmp(algo, "lcc") == 0;
    int status = run_cli(args, NULL, 0, err, sizeof err);
    bool have_single = status == 0;
    if (!have_single)
        cr_assert(expected && strstr(err, "Function not implemented"),
                  "single process: %s: exit %d: %s", args, status, err);
    else if (expected && !floating)
        assert_ldbc_expected(single, expected, args);
    for (int k = 0; k < count; k++) {
        if (nps[k] == 1 && !have_single)
            continue; /* -np 1 is the single process, which cannot run algo here */
        char out[256];
        snprintf(out, sizeof out, "%s/ranks-%d-%s.txt", scratch(), nps[k], algo);
        snprintf(args, sizeof args, "run %s %s %s --quiet --output %s", algo, graph, extra, out);
        status = run_ranks(nps[k], args, NULL, 0, err, sizeof err);
        snprintf(what, sizeof what, "%s at %d ranks", args, nps[k]);
        cr_assert_eq(status, 0, "%s: exit %d: %s", what, status, err);
        if (have_single)
            assert_same_results(out, single, floating, what);
        else
            assert_ldbc_expected(out, expected, what);
    }
}

static const int all_nps[] = {0, 1, 2, 3, 4};

/* The LDBC cases of one kernel at 1 to 4 ranks. */
static void check_ldbc(const char *algo)
{
    const char *names[] = {"dir", "undir"};
    for (int i = 0; i < 2; i++) {
        char graph[1024], expected[1024];
        snprintf(graph, sizeof graph, "%s/ldbc/%s-%s.e", datasets_dir(), algo, names[i]);
        snprintf(expected, sizeof expected, "%s/ldbc/%s-%s-%s.expected", datasets_dir(), algo,
                 names[i], algo);
        check_ranks(algo, graph, "", all_nps, 5, expected);
    }
    /* the example graphs, at one uneven count */
    const int three[] = {3};
    const char *examples[] = {"example-directed", "example-undirected"};
    for (int i = 0; i < 2; i++) {
        char graph[1024], expected[1024];
        snprintf(graph, sizeof graph, "%s/ldbc/%s.e", datasets_dir(), examples[i]);
        snprintf(expected, sizeof expected, "%s/ldbc/%s-%s.expected", datasets_dir(),
                 examples[i], algo);
        check_ranks(algo, graph, "", three, 1, expected);
    }
    cleanup();
}

Test(mpi, pr_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ldbc("pr");
}

Test(mpi, wcc_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ldbc("wcc");
}

Test(mpi, bfs_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ldbc("bfs");
}

Test(mpi, pr_and_wcc_kron14_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ranks("pr", "kron:14", "", all_nps, 5, NULL);
    check_ranks("wcc", "kron:14", "", all_nps, 5, NULL);
    const int two[] = {2};
    check_ranks("wcc", "kron:14", "--directed", two, 1, NULL);
    check_ranks("pr", "kron:14", "--directed", two, 1, NULL);
    /* --verify under ranks: rank 0 checks the gathered values */
    char out[4096], err[4096];
    cr_assert_eq(run_ranks(3, "run pr kron:12 --directed --verify", out, sizeof out, err,
                           sizeof err), 0, "%s", err);
    cr_assert(strstr(out, "verify: PASS"), "%s", out);
    cleanup();
}

Test(mpi, lcc_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ldbc("lcc");
}

/* The files check_ranks wrote for one process and for np ranks are the
 * same bytes: lcc divides the same integer counts once, so its values are
 * not merely close. */
static void assert_same_bytes(const char *algo, int np)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp %s/single-%s.txt %s/ranks-%d-%s.txt >&2", scratch(), algo,
             scratch(), np, algo);
    cr_assert_eq(system(cmd), 0, "%s at %d ranks: not the single process's bytes", algo, np);
}

/* LDBC has no tc case: its lcc graphs, symmetrised. A directed graph is
 * refused as in one process. */
Test(mpi, tc_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    const char *names[] = {"undir", "dir"};
    const int three[] = {3};
    for (int i = 0; i < 2; i++) {
        char graph[1024];
        snprintf(graph, sizeof graph, "%s/ldbc/lcc-%s.e", datasets_dir(), names[i]);
        check_ranks("tc", graph, "--undirected", i == 0 ? all_nps : three, i == 0 ? 5 : 1, NULL);
    }
    char args[1024], err[4096];
    snprintf(args, sizeof args, "run tc %s/ldbc/lcc-dir.e", datasets_dir());
    int status = run_ranks(2, args, NULL, 0, err, sizeof err);
    cr_assert_eq(status, 2, "exit %d: %s", status, err);
    cr_assert(strstr(err, "tc needs an undirected graph"), "%s", err);
    cleanup();
}

Test(mpi, lcc_and_tc_kron14_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ranks("tc", "kron:14", "", all_nps, 5, NULL);
    check_ranks("lcc", "kron:14", "", all_nps, 5, NULL);
    for (int np = 1; np <= 4; np++)
        assert_same_bytes("lcc", np);
    const int three[] = {3};
    check_ranks("lcc", "kron:14", "--directed --threads 2", three, 1, NULL);
    assert_same_bytes("lcc", 3);
    cleanup();
}

/* Runs algo on `input` at each rank count of nps and holds the output to
 * the single process's on `text` (the file input was made from). */
static void check_input_against_text(const char *algo, const char *input, const char *text,
                                     const char *extra, const int *nps, int count)
{
    char args[4096], expected[256], out[256], err[4096];
    bool floating = strcmp(algo, "pr") == 0 || strcmp(algo, "lcc") == 0;
    snprintf(expected, sizeof expected, "%s/text-%s.txt", scratch(), algo);
    snprintf(args, sizeof args, "run %s %s %s --quiet --output %s", algo, text, extra, expected);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    for (int k = 0; k < count; k++) {
        snprintf(out, sizeof out, "%s/input-%d-%s.txt", scratch(), nps[k], algo);
        snprintf(args, sizeof args, "run %s %s %s --quiet --output %s", algo, input, extra, out);
        int status = run_ranks(nps[k], args, NULL, 0, err, sizeof err);
        cr_assert_eq(status, 0, "%s at %d ranks: exit %d: %s", args, nps[k], status, err);
        char what[4200];
        snprintf(what, sizeof what, "%s at %d ranks against %s", args, nps[k], text);
        assert_same_results(out, expected, floating, what);
    }
}

/* Ranks read their own part of a snapshot (rows) and of a binary edge
 * list (records), and get the answers of the text file those were made
 * from. Every id 0..299 is in an edge, so the .bin's vertex set (0 to the
 * largest id) is the text's. */
Test(mpi, snapshot_and_binary_inputs_read_per_rank, .timeout = 120)
{
    REQUIRE_MPI();
    char text[256], bin[256], sfg[256], ldbc_sfg[256], args[2048], err[4096];
    snprintf(text, sizeof text, "%s/g.el", scratch());
    snprintf(bin, sizeof bin, "%s/g.bin", scratch());
    snprintf(sfg, sizeof sfg, "%s/g.sfg", scratch());
    snprintf(ldbc_sfg, sizeof ldbc_sfg, "%s/lcc-dir.sfg", scratch());
    FILE *t = fopen(text, "w"), *b = fopen(bin, "wb");
    cr_assert(t && b);
    for (uint32_t i = 0; i < 300; i++) {
        uint32_t to[3] = {(i * 7 + 1) % 300, (i * 13 + 5) % 300, (i + 1) % 300};
        for (int k = 0; k < 3; k++) {
            fprintf(t, "%u %u\n", i, to[k]);
            unsigned char rec[8] = {i, i >> 8, i >> 16, i >> 24,
                                    to[k], to[k] >> 8, to[k] >> 16, to[k] >> 24};
            cr_assert_eq(fwrite(rec, 1, 8, b), 8);
        }
    }
    cr_assert_eq(fclose(t), 0);
    cr_assert_eq(fclose(b), 0);
    snprintf(args, sizeof args, "convert %s %s --undirected", text, sfg);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    snprintf(args, sizeof args, "convert %s/ldbc/lcc-dir.e %s", datasets_dir(), ldbc_sfg);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);

    const int two_four[] = {2, 4}, three[] = {3};
    char ldbc_text[1024];
    snprintf(ldbc_text, sizeof ldbc_text, "%s/ldbc/lcc-dir.e", datasets_dir());
    check_input_against_text("lcc", ldbc_sfg, ldbc_text, "", two_four, 2);
    check_input_against_text("tc", sfg, text, "--undirected", three, 1);
    check_input_against_text("wcc", sfg, text, "--undirected", three, 1);
    check_input_against_text("lcc", bin, text, "", two_four, 2);
    check_input_against_text("tc", bin, text, "--undirected", three, 1);
    /* the directedness a snapshot was written with is kept */
    snprintf(args, sizeof args, "run wcc %s --undirected", ldbc_sfg);
    int status = run_ranks(2, args, NULL, 0, err, sizeof err);
    cr_assert_eq(status, 2, "exit %d: %s", status, err);
    cr_assert(strstr(err, "the snapshot holds a directed graph"), "%s", err);
    cleanup();
}

/* Formats a rank cannot enter in the middle (a gzipped binary list) are
 * read whole by every rank, each keeping a share of the arcs;
 * the answers are the text's. A .mtx, gzipped or not, is read by shares
 * (each rank its lines): from convert, its ids are the original ids + 1,
 * which it says in a comment the reader honours. */
Test(mpi, whole_file_formats_share_their_arcs, .timeout = 120)
{
    REQUIRE_MPI();
    char text[256], mtx[256], mtxgz[256], bingz[256], args[2048], err[4096];
    snprintf(text, sizeof text, "%s/g.el", scratch());
    snprintf(mtx, sizeof mtx, "%s/g.mtx", scratch());
    snprintf(mtxgz, sizeof mtxgz, "%s/g.mtx.gz", scratch());
    snprintf(bingz, sizeof bingz, "%s/g.bin", scratch());
    FILE *t = fopen(text, "w"), *b = fopen(bingz, "wb");
    cr_assert(t && b);
    for (uint32_t i = 0; i < 200; i++) {
        uint32_t to[2] = {(i * 11 + 3) % 200, (i + 1) % 200};
        for (int k = 0; k < 2; k++) {
            fprintf(t, "%u %u\n", i, to[k]);
            unsigned char rec[8] = {i, i >> 8, i >> 16, i >> 24,
                                    to[k], to[k] >> 8, to[k] >> 16, to[k] >> 24};
            cr_assert_eq(fwrite(rec, 1, 8, b), 8);
        }
    }
    cr_assert_eq(fclose(t), 0);
    cr_assert_eq(fclose(b), 0);
    snprintf(args, sizeof args, "gzip -f %s", bingz);
    cr_assert_eq(run_shell(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    strcat(bingz, ".gz");
    snprintf(args, sizeof args, "convert %s %s", text, mtx);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    snprintf(args, sizeof args, "gzip -c %s > %s", mtx, mtxgz);
    cr_assert_eq(run_shell(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    const int two_three[] = {2, 3}, three[] = {3};
    check_input_against_text("wcc", mtx, text, "", two_three, 2);
    check_input_against_text("pr", mtx, text, "", three, 1);
    check_input_against_text("wcc", mtxgz, text, "", three, 1);
    check_input_against_text("tc", bingz, text, "--undirected", two_three, 2);
    cleanup();
}

/* A Matrix Market file of n + 5 vertices and m entries (ids 1..n from a
 * fixed stream, weights when `weighted`), with comment and blank lines
 * among the entries; entries `bad` and `early` (m: none) replaced by their
 * texts and the declared count off by `count_off`. Writing it gives the
 * file line and byte offset of entry `bad`, the offset of the first byte
 * after the size line, the file's last line and its bytes. */
struct mtx_spec {
    bool symmetric, weighted;
    int n, m;
    int bad, early;
    const char *bad_text, *early_text;
    int count_off;
};

struct mtx_file {
    uint64_t bad_line, bad_offset, body, last_line, size;
};

static struct mtx_file write_mtx(const char *path, const struct mtx_spec *s)
{
    struct mtx_file at = {0};
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    uint64_t line = 1, x = 88172645463325252ull;
    fprintf(f, "%%%%MatrixMarket matrix coordinate %s %s\n%% a comment\n%d %d %d\n",
            s->weighted ? "real" : "pattern", s->symmetric ? "symmetric" : "general", s->n + 5,
            s->n + 5, s->m + s->count_off);
    line += 3;
    at.body = (uint64_t)ftell(f);
    for (int k = 0; k < s->m; k++) {
        if (k == s->bad) {
            at.bad_line = line;
            at.bad_offset = (uint64_t)ftell(f);
        }
        xorshift(&x);
        unsigned u = 1 + (unsigned)(x % (uint64_t)s->n);
        unsigned v = 1 + (unsigned)((x >> 24) % (uint64_t)s->n);
        if (k == s->bad || k == s->early)
            fprintf(f, "%s\n", k == s->bad ? s->bad_text : s->early_text);
        else if (s->weighted)
            fprintf(f, "%u %u %.2f\n", u, v, (double)(x >> 40 & 1023) / 4);
        else
            fprintf(f, "%u %u\n", u, v);
        line++;
        if (k % 97 == 5) {
            fprintf(f, k % 2 ? "%% between entries\n" : "\n");
            line++;
        }
    }
    at.last_line = line - 1;
    at.size = (uint64_t)ftell(f);
    fclose(f);
    return at;
}

/* Plain .mtx files are read by shares (each rank the header, then its own
 * lines): general and symmetric, pattern and weighted, the answers of one
 * process at 1, 2 and 3 ranks (and the distributed path at one rank). */
Test(mpi, mtx_by_shares_gives_the_answers_of_one_process, .timeout = 120)
{
    REQUIRE_MPI();
    const int nps[] = {0, 1, 2, 3};
    for (int symmetric = 0; symmetric < 2; symmetric++)
        for (int weighted = 0; weighted < 2; weighted++) {
            char graph[256];
            snprintf(graph, sizeof graph, "%s/g%d%d.mtx", scratch(), symmetric, weighted);
            struct mtx_spec spec = {symmetric, weighted, 400, 3000, 3000, 3000, NULL, NULL, 0};
            write_mtx(graph, &spec);
            if (weighted) {
                check_ranks("sssp", graph, "--source 1", nps, 4, NULL);
            } else {
                check_ranks("wcc", graph, "", nps, 4, NULL);
                check_ranks("pr", graph, "", nps, 4, NULL);
            }
            if (symmetric && !weighted)
                check_ranks("tc", graph, "", nps, 4, NULL);
        }
    cleanup();
}

/* A fault in a later rank's share of a .mtx: the one process's line, with
 * the line number worked out while writing the file, exit 1, from 3 ranks.
 * The faulty entry lies in rank 2's share (its byte offset is checked
 * against the cut), so rank 2 knows its line only from the lines of the
 * shares before it; an entry outside the matrix in rank 0's share loses to
 * a bad line in rank 2's, as in one process. */
Test(mpi, mtx_fault_in_a_later_share_keeps_its_line, .timeout = 120)
{
    REQUIRE_MPI();
    const int m = 3000, bad = 2700, none = m;
    struct {
        const char *bad_text, *early_text;
        int count_off;
        bool at_end;            /* the message names the file's last line */
        const char *what;
    } cases[] = {
        {"12 x3", NULL, 0, false, "bad vertex id 'x3'"},
        {"1 2 3", NULL, 0, false, "expected 2 columns, found 3"},
        {"406 2", NULL, 0, false, "entry (406, 2) is outside the 405 x 405 matrix"},
        {"0 7", NULL, 0, false,
         "entry (0, 7) is outside the 405 x 405 matrix (indices are 1-based)"},
        {"3 4", NULL, -300, false, "more entries than the 2700 declared on line 3"},
        {"3 4", NULL, 2, true, "the file ends after 3000 of the 3002 entries declared on line 3"},
        {"7 7 7", "999 1", 0, false, "expected 2 columns, found 3"},
    };
    char graph[256], args[512], want[256];
    snprintf(graph, sizeof graph, "%s/bad.mtx", scratch());
    snprintf(args, sizeof args, "run wcc %s", graph);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct mtx_spec spec = {false, false, 400, m, bad, cases[c].early_text ? 3 : none,
                                cases[c].bad_text, cases[c].early_text, cases[c].count_off};
        struct mtx_file f = write_mtx(graph, &spec);
        cr_assert_geq(f.bad_offset, f.body + (f.size - f.body) * 2 / 3,
                      "entry %d is in rank 2's share", bad);
        snprintf(want, sizeof want, "bad.mtx:%llu: %s",
                 (unsigned long long)(cases[c].at_end ? f.last_line : f.bad_line), cases[c].what);
        expect_ranks_fail_as_one(3, args, want);
    }
    cleanup();
}

Test(mpi, bfs_kron14_matches_a_serial_bfs, .timeout = 120)
{
    REQUIRE_MPI();
    for (int directed = 0; directed < 2; directed++) {
        sf_graph *g = graph_generated("kron:14", 1, !directed);
        int64_t *depth = malloc(g->num_vertices * sizeof *depth);
        for (size_t k = 0; k < sizeof all_nps / sizeof all_nps[0]; k++) {
            if (directed && all_nps[k] != 3)
                continue;
            char args[1024], out[256], json[65536], err[4096];
            snprintf(out, sizeof out, "%s/bfs-%d.txt", scratch(), all_nps[k]);
            snprintf(args, sizeof args, "run bfs kron:14 %s --json --output %s",
                     directed ? "--directed" : "", out);
            int status = run_ranks(all_nps[k], args, json, sizeof json, err, sizeof err);
            if (all_nps[k] == 1 && status != 0 && strstr(err, "Function not implemented"))
                continue; /* -np 1 is the single process, whose bfs is not in this build */
            cr_assert_eq(status, 0, "%s at %d ranks: %s", args, all_nps[k], err);
            uint64_t source_id;
            cr_assert_eq(record_numbers(json, "result.source", &source_id, 1), 1);
            sf_vid source = sf_graph_find_vertex(g, source_id);
            cr_assert_neq(source, SF_VID_NONE);
            cr_assert_eq(sf_reference_bfs(g, source, depth), 0);
            struct line *l;
            size_t n = read_lines(out, &l);
            cr_assert_eq(n, g->num_vertices);
            for (size_t i = 0; i < n; i++) {
                sf_vid v = sf_graph_find_vertex(g, l[i].id);
                cr_assert_neq(v, SF_VID_NONE);
                long long want = depth[v] < 0 ? INT64_MAX : depth[v];
                cr_assert_eq(strtoll(l[i].value, NULL, 10), want, "vertex %llu at %d ranks",
                             l[i].id, all_nps[k]);
            }
            free(l);
        }
        free(depth);
        sf_graph_destroy(&g);
    }
    cleanup();
}

/* Writes len bytes as the file PATH. */
static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void write_file(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

/* An undirected LDBC graph of vertices 1..60 (iso.v, iso.properties) whose
 * edges are `edges` (iso.e, its path in graph): the vertices without an
 * edge are isolated, so that some ranks own vertices and no arcs. */
static void write_sixty_vertices(char *graph, size_t size, const char *edges)
{
    char path[256], text[4096] = "";
    snprintf(path, sizeof path, "%s/iso.v", scratch());
    for (int v = 1; v <= 60; v++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d\n", v);
    write_file(path, text);
    snprintf(path, sizeof path, "%s/iso.properties", scratch());
    write_file(path, "directed = false\n");
    snprintf(graph, size, "%s/iso.e", scratch());
    write_file(graph, edges);
}

/* `lines` random arcs (a xorshift from `seed`) between the sparse ids
 * k * 1000003 + offset, k < ids. Weighted: a weight 0..99 in a third
 * column; else a comment line first, and every 97th arc after a comment
 * line with a tab between its ids. */
static void write_sparse_edges(const char *path, uint64_t seed, int lines, uint64_t ids,
                               uint64_t offset, bool weighted)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    if (!weighted)
        fprintf(f, "# sparse ids\n");
    uint64_t x = seed;
    for (int i = 0; i < lines; i++) {
        xorshift(&x);
        unsigned long long u = (x % ids) * 1000003 + offset,
                           v = ((x >> 20) % ids) * 1000003 + offset;
        if (weighted)
            fprintf(f, "%llu %llu %d\n", u, v, (int)((x >> 40) % 100));
        else
            fprintf(f, i % 97 == 0 ? "%% a comment\n%llu\t%llu\n" : "%llu %llu\n", u, v);
    }
    fclose(f);
}

/* A gzipped .bin is read as one process reads it, --vertices included:
 * its vertex count (isolated vertices past the largest id) and so its
 * answers, at one rank without mpirun and at two (the format from the
 * input table, not the name with .gz still on it). */
Test(mpi, gzipped_binary_takes_a_vertex_count, .timeout = 120)
{
    REQUIRE_MPI();
    char bingz[256], args[512], err[4096];
    snprintf(bingz, sizeof bingz, "%s/four.bin", scratch());
    const unsigned char arcs[] = {0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
                                  2, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0};
    write_bytes(bingz, arcs, sizeof arcs);
    snprintf(args, sizeof args, "gzip -f %s", bingz);
    cr_assert_eq(run_shell(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    strcat(bingz, ".gz");
    const int one_two[] = {0, 2};
    check_ranks("wcc", bingz, "--vertices 9", one_two, 2, NULL);
    /* 9 lines: the 4 vertices of the arcs and 5 isolated ones */
    char single[256];
    snprintf(single, sizeof single, "%s/single-wcc.txt", scratch());
    struct line *lines;
    size_t n = read_lines(single, &lines);
    free(lines);
    cr_assert_eq(n, 9, "%s: %zu lines", single, n);
    cleanup();
}

/* Two vertices on four ranks: two ranks own nothing. A graph whose
 * isolated vertices (from its .v file) fill the last ranks: ranks with
 * vertices and no edges. */
Test(mpi, ranks_without_vertices_or_edges, .timeout = 120)
{
    REQUIRE_MPI();
    char graph[256];
    const int four[] = {4};
    snprintf(graph, sizeof graph, "%s/pair.el", scratch());
    write_file(graph, "5 9\n");
    check_ranks("pr", graph, "", four, 1, NULL);
    check_ranks("wcc", graph, "", four, 1, NULL);

    char expected[256], text[4096] = "";
    /* a chain 1-2-3-4-5 and 55 isolated vertices */
    write_sixty_vertices(graph, sizeof graph, "1 2\n2 3\n3 4\n4 5\n");
    snprintf(expected, sizeof expected, "%s/iso-bfs.expected", scratch());
    for (int v = 1; v <= 60; v++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d %lld\n", v,
                 v <= 5 ? (long long)v - 1 : (long long)INT64_MAX);
    write_file(expected, text);
    check_ranks("pr", graph, "", four, 1, NULL);
    check_ranks("wcc", graph, "", four, 1, NULL);
    check_ranks("bfs", graph, "--source 1", four, 1, expected);
    cleanup();
}

/* A text file with sparse ids, comments and a gzip twin: each rank parses
 * its byte range, ids are relabelled by the distributed sort. */
Test(mpi, text_files_sparse_ids, .timeout = 120)
{
    REQUIRE_MPI();
    char graph[256], cmd[512];
    snprintf(graph, sizeof graph, "%s/sparse.el", scratch());
    write_sparse_edges(graph, 12345, 3000, 700, 7, false);
    const int nps[] = {2, 3, 4};
    check_ranks("wcc", graph, "", nps, 3, NULL);
    check_ranks("pr", graph, "", nps, 3, NULL);
    snprintf(cmd, sizeof cmd, "gzip -k %s", graph);
    cr_assert_eq(system(cmd), 0);
    strcat(graph, ".gz");
    const int three[] = {3};
    check_ranks("wcc", graph, "--undirected", three, 1, NULL);
    cleanup();
}

/* SF_TRACE_LOAD=1 under ranks: every rank prints the phases of its own
 * load, in order, each line naming its rank (the two ranks' lines
 * interleave, rank 1's reaching stderr although its other output is
 * silenced): its part of a text file read and parsed, then the build over
 * ranks (a directed graph routes and builds rows twice, in-rows then
 * out-rows); all zeros at the first mark. No line without a rank, and
 * without the variable no phase at all. */
Test(mpi, trace_load_names_each_rank, .timeout = 60)
{
    REQUIRE_MPI();
    char graph[256], cmd[1024], err[16384];
    snprintf(graph, sizeof graph, "%s/trace.el", scratch());
    write_sparse_edges(graph, 99, 5000, 900, 3, false);
    snprintf(cmd, sizeof cmd, "SF_TRACE_LOAD=1 %s -np 2 -x SF_TRACE_LOAD %s run wcc %s --threads 1",
             mpirun(), cli_binary(), graph);
    cr_assert_eq(run_shell(cmd, NULL, 0, err, sizeof err), 0, "%s", err);
    static const char *const phases[] = {"open",  "read+parse", "relabel", "cut",  "route",
                                         "rows",  "route",      "rows",    "order"};
    for (int rank = 0; rank < 2; rank++)
        expect_load_phases(err, rank, phases, sizeof phases / sizeof *phases, NULL);
    load_phase unranked[LOAD_PHASES_MAX];
    cr_assert_eq(load_phases(err, -1, unranked), 0, "a phase without its rank: %s", err);
    char args[512];
    snprintf(args, sizeof args, "run wcc %s --threads 1", graph);
    cr_assert_eq(run_ranks(2, args, NULL, 0, err, sizeof err), 0, "%s", err);
    cr_assert_null(strstr(err, "load phase"), "%s", err);
    cleanup();
}

/* The run record of wcc on `graph` at 3 ranks (in a buffer of its own,
 * until the next call). */
static const char *record_at_3_ranks(const char *graph)
{
    static char out[1 << 16];
    char args[1024], err[4096];
    snprintf(args, sizeof args, "run wcc %s --json", graph);
    int status = run_ranks(3, args, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s: %s", args, err);
    return out;
}

/* The arcs each of 3 ranks read (distributed.arcs_read) in a run record
 * of record_at_3_ranks. */
static void arcs_read_by_3_ranks(const char *record, uint64_t read[3])
{
    cr_assert_eq(record_numbers(record, "distributed.arcs_read", read, 3), 3, "%s", record);
}

/* A gzipped text file (.mtx.gz, .el.gz) cannot be entered in the middle:
 * every rank inflates it and keeps only its share of the lines. Each rank
 * reads (arcs_read in the run record) a part of the entries, the three
 * parts all of them once, where a .bin.gz, still read whole, has every
 * rank read them all; the answers are one process's; a fault in a later
 * share of a .mtx.gz keeps the one process's message and line. */
Test(mpi, gzipped_text_is_read_by_shares, .timeout = 120)
{
    REQUIRE_MPI();
    const int m = 3000, nps[] = {2, 3};
    char mtx[256], el[256], bin[256], cmd[1024];
    uint64_t read[3];
    snprintf(mtx, sizeof mtx, "%s/g.mtx", scratch());
    struct mtx_spec spec = {false, false, 400, m, m, m, NULL, NULL, 0};
    write_mtx(mtx, &spec);
    snprintf(el, sizeof el, "%s/g.el", scratch());
    write_sparse_edges(el, 4242, m, 500, 3, false);
    snprintf(bin, sizeof bin, "%s/g.bin", scratch());
    FILE *b = fopen(bin, "wb");
    cr_assert(b);
    for (uint32_t i = 0; i < (uint32_t)m; i++) {
        uint32_t to = (i * 7 + 1) % 400, from = i % 400;
        unsigned char rec[8] = {from, from >> 8, 0, 0, to, to >> 8, 0, 0};
        cr_assert_eq(fwrite(rec, 1, 8, b), 8);
    }
    cr_assert_eq(fclose(b), 0);
    snprintf(cmd, sizeof cmd, "gzip -k %s %s %s", mtx, el, bin);
    cr_assert_eq(system(cmd), 0);
    strcat(mtx, ".gz");
    strcat(el, ".gz");
    strcat(bin, ".gz");
    check_ranks("wcc", mtx, "", nps, 2, NULL);
    check_ranks("pr", mtx, "", nps, 2, NULL);
    check_ranks("pr", el, "", nps, 2, NULL);
    const char *shared[] = {mtx, el};
    for (int f = 0; f < 2; f++) {
        arcs_read_by_3_ranks(record_at_3_ranks(shared[f]), read);
        for (int r = 0; r < 3; r++)
            cr_assert(read[r] > 0 && read[r] < (uint64_t)m, "%s: rank %d read %llu of %d arcs",
                      shared[f], r, (unsigned long long)read[r], m);
        cr_assert_eq(read[0] + read[1] + read[2], (uint64_t)m, "%s: %llu + %llu + %llu arcs",
                     shared[f], (unsigned long long)read[0], (unsigned long long)read[1],
                     (unsigned long long)read[2]);
    }
    arcs_read_by_3_ranks(record_at_3_ranks(bin), read);
    for (int r = 0; r < 3; r++)
        cr_assert_eq(read[r], (uint64_t)m, "a .bin.gz is read whole: rank %d read %llu", r,
                     (unsigned long long)read[r]);

    /* a bad line in rank 2's share, and an entry past the declared count */
    struct {
        const char *bad_text;
        int count_off;
        const char *what;
    } cases[] = {
        {"12 x3", 0, "bad vertex id 'x3'"},
        {"3 4", -300, "more entries than the 2700 declared on line 3"},
    };
    snprintf(mtx, sizeof mtx, "%s/bad.mtx", scratch());
    for (int c = 0; c < 2; c++) {
        struct mtx_spec bad = {false, false, 400, m, 2700, m, cases[c].bad_text, NULL,
                               cases[c].count_off};
        struct mtx_file at = write_mtx(mtx, &bad);
        cr_assert_geq(at.bad_offset, at.body + (at.size - at.body) * 2 / 3, "in rank 2's share");
        snprintf(cmd, sizeof cmd, "gzip -f %s", mtx);
        cr_assert_eq(system(cmd), 0);
        char args[512], want[256];
        snprintf(args, sizeof args, "run wcc %s.gz", mtx);
        snprintf(want, sizeof want, "bad.mtx.gz:%llu: %s", (unsigned long long)at.bad_line,
                 cases[c].what);
        expect_ranks_fail_as_one(3, args, want);
    }
    cleanup();
}

/* One rank's part of PATH at one rank without mpirun
 * (sf_dist_job_read_part, its weights when `keep`), and what one process
 * reads (sf_input_read_file, 64-bit ids). Returns the part's arcs_read. */
static uint64_t read_part_and_whole(const char *path, bool keep, sf_edge_list *part,
                                    sf_edge_list *whole)
{
    sf_edge_list_init(part);
    sf_edge_list_init(whole);
    sf_error err = {{0}};
    sf_load_options load = {0};
    uint64_t arcs_read = 0;
    cr_assert_eq(sf_dist_job_read_part(path, &load, keep, part, &arcs_read, &err), 0, "%s: %s",
                 path, err.msg);
    cr_assert_eq(sf_input_read_file(path, whole, &err), 0, "%s: %s", path, err.msg);
    cr_assert_not(whole->narrow);
    return arcs_read;
}

/* ---- gapbs files (.sg, .wsg) ---- */

/* The gapbs file of g (tests/sg_bytes.h, rows sorted) in b, written to
 * scratch()/name, whose path goes to path. */
static void write_sg_file(const char *name, const sf_graph *g, bool weighted, struct bytes *b,
                          char *path, size_t size)
{
    *b = (struct bytes){0};
    put_sg(b, g, weighted, true);
    snprintf(path, size, "%s/%s", scratch(), name);
    write_bytes(path, b->data, b->len);
}

/* The first arc of share r of `parts` of m arcs, as ranks cut them. */
static uint64_t share_start(uint64_t m, uint64_t r, uint64_t parts)
{
    return m * r / parts;
}

/* kron:10 as gapbs files: undirected and symmetric (.sg, and .wsg with
 * GAP's random weights), the same with one arc turned to another vertex
 * (no longer symmetric: every arc is kept), and directed (both CSRs).
 * Over 1 to 4 ranks each gives one process's answers; each rank reads its
 * third of the out-arcs (arcs_read), not the whole file, and a symmetric
 * file keeps one arc of each pair on every rank (the key and sums agreed:
 * no duplicate for the build to drop, where the non-symmetric file's
 * pairs all are). A .sg.gz is still read whole by every rank. */
Test(mpi, gapbs_files_read_by_shares, .timeout = 300)
{
    REQUIRE_MPI();
    sf_graph *und = graph_generated("kron:10", 7, true);
    sf_graph *dir = graph_generated("kron:10", 7, false);
    cr_assert_eq(sf_graph_assign_weights(und, SF_WEIGHTS_RANDOM, 7), 0);
    char sym[256], wsg[256], nonsym[256], directed[256], gz[512];
    struct bytes b;
    write_sg_file("sym.wsg", und, true, &b, wsg, sizeof wsg);
    free(b.data);
    write_sg_file("dir.sg", dir, false, &b, directed, sizeof directed);
    free(b.data);
    write_sg_file("sym.sg", und, false, &b, sym, sizeof sym);
    uint64_t n = und->num_vertices, m = und->num_arcs, arcs_at = 17 + 8 * (n + 1);
    uint32_t w;
    memcpy(&w, b.data + arcs_at + 4 * (m / 2), 4);
    uint32_t other = (uint32_t)((w + 1) % n);
    memcpy(b.data + arcs_at + 4 * (m / 2), &other, 4);
    snprintf(nonsym, sizeof nonsym, "%s/nonsym.sg", scratch());
    write_bytes(nonsym, b.data, b.len);
    free(b.data);

    const int nps[] = {0, 2, 3, 4}, two_three[] = {2, 3};
    check_ranks("wcc", sym, "", nps, 4, NULL);
    check_ranks("pr", sym, "", two_three, 2, NULL);
    check_ranks("wcc", nonsym, "", two_three, 2, NULL);
    check_ranks("pr", nonsym, "", two_three, 2, NULL);
    check_ranks("pr", directed, "", nps, 4, NULL);
    check_ranks("bfs", directed, "", two_three, 2, NULL);
    check_ranks("sssp", wsg, "", nps, 4, NULL);

    uint64_t read[3];
    const char *record = record_at_3_ranks(sym);
    arcs_read_by_3_ranks(record, read);
    for (uint64_t r = 0; r < 3; r++)
        cr_assert_eq(read[r], share_start(m, r + 1, 3) - share_start(m, r, 3),
                     "rank %llu read %llu of %llu arcs", (unsigned long long)r,
                     (unsigned long long)read[r], (unsigned long long)m);
    cr_assert_eq(record_number(record, "distributed.dropped_duplicates"), 0,
                 "a symmetric file keeps one arc of each pair: %s", record);
    record = record_at_3_ranks(nonsym);
    cr_assert_gt(record_number(record, "distributed.dropped_duplicates"), m / 4,
                 "a file that is not symmetric keeps every arc: %s", record);

    snprintf(gz, sizeof gz, "gzip -k %s", sym);
    cr_assert_eq(system(gz), 0);
    snprintf(gz, sizeof gz, "%s.gz", sym);
    const int three[] = {3};
    check_ranks("wcc", gz, "", three, 1, NULL);
    arcs_read_by_3_ranks(record_at_3_ranks(gz), read);
    uint64_t loops = 0; /* kept whole: not one of a pair */
    for (sf_vid v = 0; v < und->num_vertices; v++)
        for (sf_eid i = und->out_offsets[v]; i < und->out_offsets[v + 1]; i++)
            loops += und->out_neighbors[i] == v;
    for (int r = 0; r < 3; r++) /* the one process's list: one arc of each pair */
        cr_assert_eq(read[r], (m - loops) / 2 + loops,
                     "a .sg.gz is read whole: rank %d read %llu of %llu arcs", r,
                     (unsigned long long)read[r], (unsigned long long)m);
    sf_graph_destroy(&und);
    sf_graph_destroy(&dir);
    cleanup();
}

/* A directed kron:10 .sg damaged one way, given to 3 ranks: the checks run
 * on shares of the arcs, yet each fault is reported as one process reports
 * it (the same line, once, exit 1): offsets every rank reads whole, a bad
 * neighbour in rank 0's share and in rank 2's, two bad neighbours (the
 * first in file order wins, from rank 1), a bad in-neighbour, a bad
 * out-neighbour in rank 2's share before a bad in-offset (the out-CSR is
 * checked first, as in one process), a file that ends early. */
Test(mpi, gapbs_faults_fail_as_one_process, .timeout = 300)
{
    REQUIRE_MPI();
    sf_graph *g = graph_generated("kron:10", 7, false);
    char path[256], args[512], want[256];
    struct bytes b;
    write_sg_file("good.sg", g, false, &b, path, sizeof path);
    uint64_t n = g->num_vertices, m = g->num_arcs;
    uint64_t out_arcs = 17 + 8 * (n + 1), in_offsets = out_arcs + 4 * m;
    uint64_t in_arcs = in_offsets + 8 * (n + 1);
    uint64_t early = share_start(m, 1, 3) / 2, late = share_start(m, 2, 3) + m / 10;
    uint64_t middle = share_start(m, 1, 3) + m / 10;
    int64_t below, zero = 0, past = (int64_t)m + 1;
    memcpy(&below, b.data + 17 + 8 * 499, 8);
    below -= 1;
    cr_assert_geq(below, 0);
    uint32_t bad = (uint32_t)n + 5;
    struct {
        const char *name;
        uint64_t at[2];        /* where the damage goes (0: none) */
        const void *value[2];
        size_t size[2];        /* bytes of each value: 8 an offset, 4 a neighbour */
        size_t cut;            /* bytes cut off the end */
        const char *want;      /* printf'd with the offset of at[0] */
    } cases[] = {
        {"down.sg", {17 + 8 * 500, 0}, {&below, NULL}, {8, 0}, 0,
         ": byte offset %llu: the out-offset of vertex 500 is"},
        {"last.sg", {17 + 8 * n, 0}, {&past, NULL}, {8, 0}, 0,
         ": byte offset %llu: the last out-offset is"},
        {"early.sg", {out_arcs + 4 * early, 0}, {&bad, NULL}, {4, 0}, 0,
         ": byte offset %llu: out-neighbour"},
        {"late.sg", {out_arcs + 4 * late, 0}, {&bad, NULL}, {4, 0}, 0,
         ": byte offset %llu: out-neighbour"},
        {"two.sg", {out_arcs + 4 * middle, out_arcs + 4 * late}, {&bad, &bad}, {4, 4}, 0,
         ": byte offset %llu: out-neighbour"},
        {"in.sg", {in_arcs + 4 * late, 0}, {&bad, NULL}, {4, 0}, 0,
         ": byte offset %llu: in-neighbour"},
        {"order.sg", {out_arcs + 4 * late, in_offsets + 8 * n}, {&bad, &zero}, {4, 8}, 0,
         ": byte offset %llu: out-neighbour"},
        {"short.sg", {0, 0}, {NULL, NULL}, {0, 0}, 3,
         ": byte offset %llu: the file ends in the in-arcs"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        unsigned char *copy = malloc(b.len);
        memcpy(copy, b.data, b.len);
        for (int k = 0; k < 2; k++)
            if (cases[c].at[k])
                memcpy(copy + cases[c].at[k], cases[c].value[k], cases[c].size[k]);
        snprintf(path, sizeof path, "%s/%s", scratch(), cases[c].name);
        write_bytes(path, copy, b.len - cases[c].cut);
        free(copy);
        snprintf(args, sizeof args, "run wcc %s", path);
        snprintf(want, sizeof want, cases[c].want,
                 (unsigned long long)(cases[c].cut ? b.len - cases[c].cut : cases[c].at[0]));
        expect_ranks_fail_as_one(3, args, want);
    }
    free(b.data);
    sf_graph_destroy(&g);
    cleanup();
}

/* The part of a .sg/.wsg that one rank reads, at one rank without mpirun
 * (sf_dist_job_read_part; the part is then the whole file), against what
 * one process reads (sf_input_read): 32-bit ids, the same arcs and weights
 * in the same order (one of each pair of a symmetric file), weights only
 * when asked for, and arcs_read the file's out-arcs, every one read. */
Test(mpi, gapbs_part_at_one_rank_is_one_process_list)
{
    sf_graph *und = graph_generated("kron:8", 3, true), *dir = graph_generated("kron:8", 3, false);
    cr_assert_eq(sf_graph_assign_weights(und, SF_WEIGHTS_RANDOM, 3), 0);
    const struct {
        const char *name;
        const sf_graph *g;
        bool weighted;
    } files[] = {{"u.sg", und, false}, {"u.wsg", und, true}, {"d.sg", dir, false}};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char path[256];
        struct bytes b;
        write_sg_file(files[f].name, files[f].g, files[f].weighted, &b, path, sizeof path);
        free(b.data);
        for (int keep = 0; keep < 2; keep++) {
            sf_edge_list part, whole;
            uint64_t arcs_read = read_part_and_whole(path, keep, &part, &whole);
            cr_assert(part.narrow, "%s", path);
            cr_assert_eq(arcs_read, files[f].g->num_arcs, "%s", path);
            cr_assert_eq(part.declared_directed, files[f].g->directed, "%s", path);
            if (!files[f].g->directed) /* a symmetric file: one arc of each pair */
                cr_assert_lt(part.count, arcs_read, "%s", path);
            assert_parts_are_whole(&part, 1, &whole, keep && files[f].weighted, path);
            sf_edge_list_fini(&part);
            sf_edge_list_fini(&whole);
        }
    }
    sf_graph_destroy(&und);
    sf_graph_destroy(&dir);
    cleanup();
}

static int compare_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* A symmetric .sg with self-loops and repeated edges: kron:9's raw edge
 * list, both arcs of every line (as bench/tools/sg_from_el.c writes it).
 * A symmetric file keeps every self-loop arc and one arc of each pair,
 * in one process and on each of 3 ranks, so both count what the list
 * holds: dropped self-loops twice its loop lines, dropped duplicates its
 * other lines less its distinct edges, counted here by sorting. */
Test(mpi, gapbs_symmetric_drops_as_one_process, .timeout = 120)
{
    REQUIRE_MPI();
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_error err;
    cr_assert_eq(sf_generate("kron:9", 5, &e, &err), 0, "%s", err.msg);
    uint64_t n = e.dense_vertices, m = 2 * e.count, loops = 0, edges = 0;
    uint64_t(*pairs)[2] = malloc(e.count * sizeof *pairs), *offsets = calloc(n + 1, 8);
    uint32_t *arcs = malloc(m * sizeof *arcs);
    for (uint64_t i = 0; i < e.count; i++) {
        uint64_t s, d;
        sf_edge_list_ends(&e, e.narrow, i, &s, &d);
        pairs[i][0] = s < d ? s : d, pairs[i][1] = s < d ? d : s;
        offsets[s + 1]++, offsets[d + 1]++;
        loops += s == d;
    }
    qsort(pairs, e.count, sizeof *pairs, compare_pair);
    for (uint64_t i = 0; i < e.count; i++)
        edges += pairs[i][0] != pairs[i][1] && (i == 0 || compare_pair(pairs[i], pairs[i - 1]));
    for (uint64_t v = 0; v < n; v++)
        offsets[v + 1] += offsets[v];
    uint64_t *at = malloc(n * 8);
    memcpy(at, offsets, n * 8);
    for (uint64_t i = 0; i < e.count; i++) {
        uint64_t s, d;
        sf_edge_list_ends(&e, e.narrow, i, &s, &d);
        arcs[at[s]++] = (uint32_t)d, arcs[at[d]++] = (uint32_t)s;
    }
    struct bytes b = {0};
    put_sg_header(&b, false, (int64_t)m, (int64_t)n);
    for (uint64_t v = 0; v <= n; v++)
        put_i64(&b, (int64_t)offsets[v]);
    for (uint64_t k = 0; k < m; k++)
        put_u32(&b, arcs[k]);
    char path[256], args[512], out[8192];
    snprintf(path, sizeof path, "%s/loops.sg", scratch());
    write_bytes(path, b.data, b.len);
    uint64_t want_loops = 2 * loops, want_dups = e.count - loops - edges;
    cr_assert(loops > 0 && want_dups > 0, "kron:9 has %llu loops, %llu repeats",
              (unsigned long long)loops, (unsigned long long)want_dups);

    snprintf(args, sizeof args, "info %s --json", path);
    cr_assert_eq(run_cli(args, out, sizeof out, NULL, 0), 0, "%s", out);
    cr_assert_eq(record_number(out, "dropped_self_loops"), want_loops, "%s", out);
    cr_assert_eq(record_number(out, "dropped_duplicates"), want_dups, "%s", out);
    const char *record = record_at_3_ranks(path);
    cr_assert_eq(record_number(record, "distributed.dropped_self_loops"), want_loops, "%s",
                 record);
    cr_assert_eq(record_number(record, "distributed.dropped_duplicates"), want_dups, "%s",
                 record);
    cr_assert_eq(record_number(record, "graph.edges"), edges, "%s", record);
    free(pairs), free(offsets), free(arcs), free(at), free(b.data);
    sf_edge_list_fini(&e);
    cleanup();
}

/* Ranks parse their parts of a text file into 32-bit ids, as one process
 * does, and a part holding an id of 2^32 or more is widened while the
 * others stay narrow (the build takes parts of both widths): here rank 0's
 * part of 3 holds 2^32 - 1 (still narrow) and rank 1's 2^32 + 7. The
 * answers are one process's, sssp's on the weighted twin too, and a bad
 * line after the wide id in rank 1's part keeps its line. */
Test(mpi, text_parts_narrow_and_wide, .timeout = 120)
{
    REQUIRE_MPI();
    const int lines = 3000, edge_of_narrow = 500, wide = 1200, bad = 1500;
    char el[256], wel[256];
    snprintf(el, sizeof el, "%s/wide.el", scratch());
    snprintf(wel, sizeof wel, "%s/wide.wel", scratch());
    for (int broken = 0; broken < 2; broken++) {
        FILE *f = fopen(el, "w"), *w = fopen(wel, "w");
        cr_assert(f && w);
        long at_wide = 0, at_narrow = 0, size;
        uint64_t x = 7;
        for (int i = 1; i <= lines; i++) {
            xorshift(&x);
            unsigned long long u = x % 900, v = (x >> 20) % 900;
            if (i == edge_of_narrow)
                at_narrow = ftell(f), u = 4294967295ull;
            if (i == wide)
                at_wide = ftell(f), v = 4294967296ull + 7;
            if (broken && i == bad)
                fprintf(f, "12 x3\n");
            else
                fprintf(f, "%llu %llu\n", u, v);
            fprintf(w, "%llu %llu %d\n", u, v, (int)(x >> 40) % 50);
        }
        size = ftell(f);
        cr_assert_eq(fclose(f), 0);
        cr_assert_eq(fclose(w), 0);
        cr_assert(at_narrow < size / 3 && at_wide >= size / 3 && at_wide < size * 2 / 3,
                  "ids in ranks 0 and 1's parts");
        if (!broken) {
            const int nps[] = {0, 2, 3, 4}, three[] = {3};
            check_ranks("wcc", el, "", nps, 4, NULL);
            /* the widest ids are there, whole (each run matched this one) */
            char out[256];
            snprintf(out, sizeof out, "%s/ranks-3-wcc.txt", scratch());
            struct line *l;
            size_t n = read_lines(out, &l), found = 0;
            for (size_t i = 0; i < n; i++)
                found += l[i].id == 4294967295ull || l[i].id == 4294967296ull + 7;
            free(l);
            cr_assert_eq(found, 2, "ids 2^32 - 1 and 2^32 + 7 in %s", out);
            check_ranks("pr", el, "", nps, 4, NULL);
            check_ranks("sssp", wel, "--source 4294967303", three, 1, NULL);
            continue;
        }
        char args[512];
        snprintf(args, sizeof args, "run wcc %s", el);
        expect_ranks_fail_as_one(3, args, "wide.el:1500: bad vertex id 'x3'");
    }
    cleanup();
}

/* The part of a text file that one rank reads, at one rank without mpirun
 * (sf_dist_job_read_part; the part is then the whole file), against what
 * one process reads (sf_input_read, 64-bit ids): every text format, plain
 * and .gz, holds its ids in 32 bits while every id fits (2^32 - 1 the
 * largest here) and in 64 once one does not (2^32 + 7 on line `wide` of
 * 500), with the same arcs, weights and order either way. A .mtx names
 * every vertex up to its declared size (here 1000), so it is narrow only
 * here: a size past 2^32 would be 4 GiB of vertex names. */
Test(mpi, text_parts_are_narrow_until_an_id_needs_64_bits)
{
    static const struct {
        const char *suffix;
        bool weighted, mtx;
    } formats[] = {{"el", false, false}, {"txt", false, false}, {"wel", true, false},
                   {"e", true, false},   {"e", false, false},   {"mtx", false, true}};
    const int lines = 500, top = 100, wide_line = 300;
    char path[256], text[65536];
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
        for (int wide = 0; wide <= !formats[f].mtx; wide++)
            for (int gz = 0; gz < 2; gz++) {
                size_t n = 0;
                uint64_t x = 99 + f;
                if (formats[f].mtx)
                    n += (size_t)snprintf(text, sizeof text,
                                          "%%%%MatrixMarket matrix coordinate pattern general\n"
                                          "1000 1000 %d\n", lines);
                for (int i = 1; i <= lines; i++) {
                    xorshift(&x);
                    unsigned long long u = 1 + x % 900, v = 1 + (x >> 20) % 900;
                    if (i == top)
                        u = formats[f].mtx ? 1000 : 4294967295ull;
                    if (wide && i == wide_line)
                        v = 4294967296ull + 7;
                    n += (size_t)snprintf(text + n, sizeof text - n, "%llu %llu", u, v);
                    if (formats[f].weighted)
                        n += (size_t)snprintf(text + n, sizeof text - n, " %d.5", (int)(x >> 40) % 50);
                    n += (size_t)snprintf(text + n, sizeof text - n, "\n");
                }
                cr_assert_lt(n + 1, sizeof text);
                snprintf(path, sizeof path, "%s/part%zu%d.%s%s", scratch(), f, wide,
                         formats[f].suffix, gz ? ".gz" : "");
                gzFile out = gzopen(path, gz ? "wb" : "wbT"); /* T: written as it is */
                cr_assert_not_null(out, "%s", path);
                cr_assert_eq(gzwrite(out, text, (unsigned)n), (int)n);
                cr_assert_eq(gzclose(out), Z_OK);

                sf_edge_list part, whole;
                uint64_t arcs_read = read_part_and_whole(path, true, &part, &whole);
                cr_assert_eq(part.narrow, !wide, "%s: a %s part", path,
                             part.narrow ? "narrow" : "wide");
                cr_assert_eq(part.count, (uint64_t)lines, "%s", path);
                cr_assert_eq(arcs_read, (uint64_t)lines, "%s: arcs read", path);
                cr_assert_eq(whole.weight != NULL, formats[f].weighted, "%s", path);
                assert_parts_are_whole(&part, 1, &whole, formats[f].weighted, path);
                sf_edge_list_fini(&part);
                sf_edge_list_fini(&whole);
            }
    cleanup();
}

/* A bad line in the middle of the file, in a later rank's part: the same
 * one line as a single process, exit 1, from every rank count. */
Test(mpi, bad_line_keeps_its_number, .timeout = 60)
{
    REQUIRE_MPI();
    char graph[256], args[512];
    snprintf(graph, sizeof graph, "%s/bad.el", scratch());
    FILE *f = fopen(graph, "w");
    cr_assert(f);
    for (int i = 1; i <= 2000; i++)
        fprintf(f, i == 1500 ? "%d x%d\n" : "%d %d\n", i, i + 1);
    fclose(f);
    snprintf(args, sizeof args, "run wcc %s", graph);
    expect_ranks_fail_as_one(3, args, ":1500: bad vertex id 'x1501'");
    cleanup();
}

Test(mpi, run_record_counts_ranks_and_bytes, .timeout = 60)
{
    REQUIRE_MPI();
    static char out[1 << 16];
    char err[4096];
    int status = run_ranks(3, "run pr kron:10 --iterations 5 --json", out, sizeof out, err,
                           sizeof err);
    cr_assert_eq(status, 0, "%s", err);
    /* one record, from rank 0 */
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line expected: %s", out);
    uint64_t ranks, boundary[3];
    cr_assert_eq(record_numbers(out, "ranks", &ranks, 1), 1);
    cr_assert_eq(ranks, 3, "%s", out);
    cr_assert(strstr(out, "\"comm_wait_s\": "), "%s", out);
    /* five iterations, each sending the boundary's ranks: the same count */
    uint64_t bytes[8];
    cr_assert_eq(record_numbers(out, "bytes_sent_per_iteration", bytes, 8), 5, "%s", out);
    cr_assert_gt(bytes[0], 0);
    for (int i = 1; i < 5; i++)
        cr_assert_eq(bytes[i], bytes[0], "%s", out);
    cr_assert_eq(record_numbers(out, "distributed.boundary_vertices", boundary, 3), 3, "%s", out);
}

/* Every kernel runs over ranks; the single-threaded baseline does not, and
 * says so in one line (exit 2). */
Test(mpi, baseline_under_ranks_says_so, .timeout = 60)
{
    REQUIRE_MPI();
    char err[4096];
    int status = run_ranks(2, "run pr kron:6 --baseline --quiet", NULL, 0, err, sizeof err);
    cr_assert_eq(status, 2, "exit %d: %s", status, err);
    cr_assert(strstr(err, "--baseline is the single-threaded baseline; run it with one rank"), "%s",
              err);
    cleanup();
}

/* A binary built without MPI, started as two ranks: one line, exit 2. */
Test(mpi, binary_without_mpi_refuses_ranks, .timeout = 60)
{
    if (!have_mpirun())
        cr_skip_test("mpirun not found (Debian package openmpi-bin)");
    const char *nompi = binary_has_mpi() ? getenv("SF_BIN_NOMPI") : cli_binary();
    struct stat st;
    if (!nompi || stat(nompi, &st) != 0)
        cr_skip_test("no binary built without MPI (SF_BIN_NOMPI; `make test` builds "
                     "bin/shardflow-nompi)");
    char cmd[1024], out[4096], err[4096];
    snprintf(cmd, sizeof cmd, "%s -np 2 %s run pr kron:6", mpirun(), nompi);
    int status = run_shell(cmd, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 2, "exit %d: %s", status, err);
    const char *line = strstr(err, "this binary was built without MPI (make MPI=0) but was "
                                   "started as 2 ranks");
    cr_assert(line, "%s", err);
    cr_assert_eq(strstr(line + 20, "this binary was built without MPI"), NULL, "said twice: %s",
                 err);
    cr_assert_eq(out[0], 0, "nothing on stdout: %s", out);
}

/* SF_TEST_DIE_RANK=1 kills rank 1 in its first exchange: the job must end
 * (not hang until the timeout's 124) with a failure that names the rank. */
Test(mpi, killed_rank_ends_the_job, .timeout = 90)
{
    REQUIRE_MPI();
    char cmd[1024], err[8192];
    snprintf(cmd, sizeof cmd, "%s -x SF_TEST_DIE_RANK=1 -np 3 %s run pr kron:10", mpirun(),
             cli_binary());
    int status = run_shell(cmd, NULL, 0, err, sizeof err);
    cr_assert_neq(status, 0, "%s", err);
    cr_assert_neq(status, 124, "the job hung until the timeout: %s", err);
    cleanup();
    /* the launcher names it (Open MPI: "process rank 1 ... exited on signal
     * 9"; MPICH: "RANK 1"), not only our test hook's own line */
    cr_assert(strstr(err, "process rank 1") || strstr(err, "RANK 1"), "the rank is not named: %s",
              err);
}

/* The distributed path at one rank needs no MPI: it runs in every build. */
Test(mpi, one_rank_distributed_path_without_mpirun, .timeout = 60)
{
    const int zero[] = {0};
    char graph[1024];
    snprintf(graph, sizeof graph, "%s/ldbc/wcc-dir.e", datasets_dir());
    check_ranks("wcc", graph, "", zero, 1, NULL);
    check_ranks("pr", "kron:8", "", zero, 1, NULL);
    cleanup();
}

/* ---- a real network: ranks in network namespaces joined by veth links ----
 * Two namespaces, each with one end of a veth pair whose other end is on a
 * bridge in this namespace (where mpirun runs): ranks have different
 * addresses and their bytes cross TCP (Open MPI's tcp transport only).
 * mpirun starts its daemons through plm_rsh_agent, a script that enters
 * the namespace of the "host" it is given. Needs root. */

static const char netns_setup[] =
    "#!/bin/sh\n"
    "# usage: setup.sh up|down ID NET   (NET: the first three bytes, 10.231.K)\n"
    "op=$1 id=$2 net=$3\n"
    "if [ \"$op\" = down ]; then\n"
    "  for k in 1 2; do ip netns del sf$id-$k 2>/dev/null; done\n"
    "  ip link del sfb$id 2>/dev/null\n"
    "  exit 0\n"
    "fi\n"
    "set -e\n"
    "ip link add sfb$id type bridge\n"
    "ip addr add $net.254/24 dev sfb$id\n"
    "ip link set sfb$id up\n"
    "for k in 1 2; do\n"
    "  ip netns add sf$id-$k\n"
    "  ip link add sfv$id$k type veth peer name sfp$id$k\n"
    "  ip link set sfp$id$k netns sf$id-$k\n"
    "  ip link set sfv$id$k master sfb$id\n"
    "  ip link set sfv$id$k up\n"
    "  ip netns exec sf$id-$k ip link set lo up\n"
    "  ip netns exec sf$id-$k ip addr add $net.$k/24 dev sfp$id$k\n"
    "  ip netns exec sf$id-$k ip link set sfp$id$k up\n"
    "done\n";

/* Open MPI calls it as an rsh: "agent [options] HOST COMMAND...". Each
 * namespace also gets its own host name (a UTS namespace), as a machine
 * would: daemons on one kernel with one name race on their session files. */
static const char netns_agent[] =
    "#!/bin/sh\n"
    "while [ \"${1#-}\" != \"$1\" ]; do shift; done\n"
    "host=$1; shift\n"
    "ns=sf$SF_NETNS_ID-${host##*.}\n"
    "exec ip netns exec $ns unshare --uts sh -c \"hostname $ns && $*\"\n";

static int netns_id;
static char netns_dir[256];

static void netns_down(void)
{
    if (netns_id) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "sh %s/setup.sh down %d x", netns_dir, netns_id);
        if (system(cmd) != 0)
            fprintf(stderr, "test_mpi: could not remove namespaces sf%d-*\n", netns_id);
        netns_id = 0;
    }
    cleanup();
}

static uint64_t link_bytes(const char *dev, const char *counter)
{
    char path[256];
    snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", dev, counter);
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot read %s", path);
    unsigned long long v = 0;
    cr_assert_eq(fscanf(f, "%llu", &v), 1);
    fclose(f);
    return v;
}

Test(mpi, ranks_in_network_namespaces_over_tcp, .timeout = 120, .fini = netns_down)
{
    REQUIRE_MPI();
    if (geteuid() != 0)
        cr_skip_test("network namespaces need root");
    if (system("command -v ip >/dev/null 2>&1") != 0)
        cr_skip_test("the ip command is missing (Debian package iproute2)");
    snprintf(netns_dir, sizeof netns_dir, "%s", scratch());
    char path[512], cmd[4096], out[1 << 16], err[8192];
    snprintf(path, sizeof path, "%s/setup.sh", netns_dir);
    write_file(path, netns_setup);
    snprintf(path, sizeof path, "%s/agent.sh", netns_dir);
    write_file(path, netns_agent);
    cr_assert_eq(chmod(path, 0755), 0);
    int id = 10000 + getpid() % 90000;
    char net[32];
    snprintf(net, sizeof net, "10.231.%d", getpid() % 250);
    snprintf(cmd, sizeof cmd, "sh %s/setup.sh up %d %s", netns_dir, id, net);
    netns_id = id;
    int status = run_shell(cmd, NULL, 0, err, sizeof err);
    if (status != 0 && strstr(err, "Operation not permitted"))
        cr_skip_test("namespaces or veth links refused here: %s", err);
    cr_assert_eq(status, 0, "%s: %s", cmd, err);

    /* the answer of one process, then two ranks in two namespaces */
    char single[320], ranks[320];
    snprintf(single, sizeof single, "%s/single.txt", netns_dir);
    snprintf(ranks, sizeof ranks, "%s/ranks.txt", netns_dir);
    snprintf(cmd, sizeof cmd, "run pr kron:12 --quiet --output %s", single);
    cr_assert_eq(run_cli(cmd, NULL, 0, err, sizeof err), 0, "%s", err);
    char dev1[32], dev2[32];
    snprintf(dev1, sizeof dev1, "sfv%d1", id);
    snprintf(dev2, sizeof dev2, "sfv%d2", id);
    uint64_t before = link_bytes(dev1, "rx_bytes") + link_bytes(dev2, "rx_bytes");
    snprintf(cmd, sizeof cmd,
             "SF_NETNS_ID=%d timeout 90 mpirun --allow-run-as-root -np 2 -H %s.1,%s.2 "
             "--mca orte_tmpdir_base %s "
             "--mca plm_rsh_agent %s/agent.sh --mca rtc_hwloc_vmhole none "
             "--mca oob_tcp_if_include %s.0/24 --mca btl_tcp_if_include %s.0/24 "
             "--mca btl tcp,self -x SF_NETNS_ID %s run pr kron:12 --json --output %s",
             id, net, net, netns_dir, netns_dir, net, net, cli_binary(), ranks);
    status = run_shell(cmd, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s: exit %d: %s", cmd, status, err);
    uint64_t crossed = link_bytes(dev1, "rx_bytes") + link_bytes(dev2, "rx_bytes") - before;
    assert_same_results(ranks, single, true, "pr kron:12 over two namespaces");

    /* what the ranks say they sent went through the veth links */
    uint64_t per_iteration[64], sent = 0;
    size_t iterations = record_numbers(out, "bytes_sent_per_iteration", per_iteration, 64);
    for (size_t i = 0; i < iterations; i++)
        sent += per_iteration[i];
    cr_assert_gt(sent, 0);
    cr_assert_geq(crossed, sent, "%llu bytes crossed the links, the ranks sent %llu",
                  (unsigned long long)crossed, (unsigned long long)sent);
}

/* ---- sssp, cdlp and kcore over ranks ---------------------------------- */

Test(mpi, cdlp_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ldbc("cdlp");
}

/* LDBC's weighted cases, held to the single process exactly (its own match
 * with LDBC's expected distances is test_sssp's). */
Test(mpi, sssp_ldbc_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    const char *names[] = {"sssp-dir", "sssp-undir", "example-directed", "example-undirected"};
    for (int i = 0; i < 4; i++) {
        char graph[1024];
        snprintf(graph, sizeof graph, "%s/ldbc/%s.e", datasets_dir(), names[i]);
        /* the example graphs at one uneven count, as check_ldbc does */
        const int three[] = {3};
        check_ranks("sssp", graph, "", i < 2 ? all_nps : three, i < 2 ? 5 : 1, NULL);
    }
    cleanup();
}

/* cdlp, kcore and sssp on kron:14 (kcore: undirected only; sssp: GAP's
 * random weights), directed at one uneven count. */
static const int three_ranks[] = {3};

Test(mpi, cdlp_kron14_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ranks("cdlp", "kron:14", "", all_nps, 5, NULL);
    check_ranks("cdlp", "kron:14", "--directed", three_ranks, 1, NULL);
    cleanup();
}

Test(mpi, kcore_kron14_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ranks("kcore", "kron:14", "", all_nps, 5, NULL);
    cleanup();
}

Test(mpi, sssp_kron14_1_to_4_ranks, .timeout = 120)
{
    REQUIRE_MPI();
    check_ranks("sssp", "kron:14", "--weights random", all_nps, 5, NULL);
    check_ranks("sssp", "kron:14", "--weights random --directed", three_ranks, 1, NULL);
    cleanup();
}

/* A weighted snapshot's weights are read by each rank with its rows
 * (out_weights over the arcs it reads): sssp over ranks gives the single
 * process's distances, which read the whole section, undirected and
 * directed, and --weights still replaces them. Without the weights the
 * ranks refused, saying the graph had none. */
Test(mpi, weighted_snapshot_weights_read_per_rank, .timeout = 120)
{
    REQUIRE_MPI();
    char undirected[256], directed[256], args[1024], err[4096];
    snprintf(undirected, sizeof undirected, "%s/w.sfg", scratch());
    snprintf(directed, sizeof directed, "%s/wd.sfg", scratch());
    snprintf(args, sizeof args, "convert kron:10 %s --weights=random --seed 1 --quiet", undirected);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    snprintf(args, sizeof args, "convert kron:10 %s --weights=random --seed 3 --directed --quiet",
             directed);
    cr_assert_eq(run_cli(args, NULL, 0, err, sizeof err), 0, "%s: %s", args, err);
    const int two_three[] = {2, 3};
    check_ranks("sssp", undirected, "", two_three, 2, NULL);
    check_ranks("sssp", directed, "--source 5", two_three, 2, NULL);
    check_ranks("sssp", undirected, "--weights unit", three_ranks, 1, NULL);
    cleanup();
}

/* Core numbers against the serial reference of --verify, on a graph with a
 * deep core structure (kron:12 at 4 ranks). */
Test(mpi, kcore_verifies_against_the_reference, .timeout = 60)
{
    REQUIRE_MPI();
    char out[4096], err[4096];
    cr_assert_eq(run_ranks(4, "run kcore kron:12 --verify", out, sizeof out, err, sizeof err), 0,
                 "%s", err);
    cr_assert(strstr(out, "verify: PASS"), "%s", out);
    cr_assert(strstr(out, "\"degeneracy\": "), "%s", out);
    cleanup();
}

/* The uneven splits of ranks_without_vertices_or_edges for the three: two
 * vertices on four ranks, and a chain with 55 isolated vertices. */
Test(mpi, cdlp_kcore_sssp_ranks_without_vertices_or_edges, .timeout = 120)
{
    REQUIRE_MPI();
    char graph[256];
    const int four[] = {4};
    snprintf(graph, sizeof graph, "%s/pair.el", scratch());
    write_file(graph, "5 9\n");
    check_ranks("cdlp", graph, "", four, 1, NULL);
    check_ranks("kcore", graph, "--undirected", four, 1, NULL);
    check_ranks("sssp", graph, "--weights unit --source 5", four, 1, NULL);

    write_sixty_vertices(graph, sizeof graph, "1 2 0.5\n2 3 0.25\n3 4 2\n4 5 1\n1 3 1\n");
    check_ranks("cdlp", graph, "", four, 1, NULL);
    check_ranks("kcore", graph, "", four, 1, NULL);
    check_ranks("sssp", graph, "--source 1", four, 1, NULL);
    cleanup();
}

/* Sparse original ids: cdlp's labels are named by the ranks that own them;
 * a weighted file whose repeated arcs weigh differently (the smallest is
 * kept, as in one process), with self-loops. */
Test(mpi, cdlp_sparse_ids_and_repeated_weighted_arcs, .timeout = 120)
{
    REQUIRE_MPI();
    char graph[256];
    snprintf(graph, sizeof graph, "%s/sparse.wel", scratch());
    write_sparse_edges(graph, 987654321, 4000, 500, 11, true);
    const int nps[] = {2, 3}, four[] = {4};
    check_ranks("cdlp", graph, "", nps, 2, NULL);
    check_ranks("cdlp", graph, "--undirected", four, 1, NULL);
    check_ranks("kcore", graph, "--undirected", four, 1, NULL);
    check_ranks("sssp", graph, "--source 11", nps, 2, NULL);
    check_ranks("sssp", graph, "--source 11 --undirected", four, 1, NULL);
    cleanup();
}

/* Bad weights and graphs under ranks: the single process's one line and
 * exit status (no weights at all is a flag to add, --weights: usage, 2). */
Test(mpi, sssp_and_kcore_refusals_match_one_process, .timeout = 60)
{
    REQUIRE_MPI();
    char graph[256], args[3][512], single[1024], err[4096];
    snprintf(graph, sizeof graph, "%s/neg.wel", scratch());
    write_file(graph, "1 2 3\n3 3 -1\n2 3 -4\n3 1 2\n");
    snprintf(args[0], sizeof args[0], "run sssp %s --source 1", graph);
    snprintf(args[1], sizeof args[1], "run sssp kron:8");
    snprintf(args[2], sizeof args[2], "run kcore kron:8 --directed");
    const int statuses[] = {1, 2, 2};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(run_cli(args[i], NULL, 0, single, sizeof single), statuses[i], "%s: %s",
                     args[i], single);
        int status = run_ranks(3, args[i], NULL, 0, err, sizeof err);
        cr_assert_eq(status, statuses[i], "%s: exit %d: %s", args[i], status, err);
        cr_assert(strstr(err, single), "%s: ranks said: %s\nsingle process: %s", args[i], err,
                  single);
    }
    cr_assert(strstr(single, "kcore needs an undirected graph"), "%s", single);
    cleanup();
}

/* bench --ranks with sssp on a generator: the ranks weigh the arcs as the
 * in-process runs did (GAP's random weights), instead of failing for want
 * of weights. */
Test(mpi, bench_ranks_sssp_gets_the_same_weights, .timeout = 120)
{
    REQUIRE_MPI();
    char args[512], out[8192], err[4096];
    snprintf(args, sizeof args,
             "bench --graphs kron:8 --algos sssp --threads 1 --ranks 2 --trials 1 --out %s/bench",
             scratch());
    int status = run_cli(args, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s: exit %d: %s%s", args, status, out, err);
    cr_assert(strstr(out, "shardflow 2 ranks x 1 thread"), "%s", out);
    cleanup();
}

/* The launcher's log at PATH has `runs` lines (one a rank run), each with
 * every one of the `count` flags. */
static void expect_forwarded(const char *path, int runs, const char *const *flags, int count)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "no launcher log %s", path);
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        for (int k = 0; k < count; k++)
            cr_expect(strstr(line, flags[k]), "a rank run without %s: %s", flags[k], line);
    }
    fclose(f);
    cr_expect_eq(lines, runs, "%s: %d rank runs, expected %d", path, lines, runs);
}

/* bench --ranks gives the rank runs the options the thread runs have
 * (kernel parameters, engine options), records them in results.json and
 * --replay repeats them, rank runs included: a launcher that logs its
 * arguments shows what each rank run got. */
Test(mpi, bench_ranks_get_and_replay_the_study_options, .timeout = 180)
{
    REQUIRE_MPI();
    char launcher[256], log[256], first[256], again[256], args[2048], out[16384], err[4096];
    snprintf(launcher, sizeof launcher, "%s/launch.sh", scratch());
    snprintf(log, sizeof log, "%s/launch.log", scratch());
    snprintf(first, sizeof first, "%s/first", scratch());
    snprintf(again, sizeof again, "%s/again", scratch());
    char script[1024];
    snprintf(script, sizeof script, "#!/bin/sh\necho \"$@\" >> %s\nexec %s \"$@\"\n", log,
             mpirun());
    write_file(launcher, script);
    cr_assert_eq(chmod(launcher, 0755), 0);
    const char *const study = "--damping 0.8 --delta 2 --shards 3 --no-pin";
    const char *const flags[] = {" --damping 0.8 ", " --delta 2 ", " --shards 3 ", " --no-pin"};
    snprintf(args, sizeof args,
             "bench --graphs kron:6 --algos pr,sssp --threads 1 --ranks 2 --trials 1 %s "
             "--mpirun %s --out %s --quiet",
             study, launcher, first);
    int status = run_cli(args, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s: exit %d: %s%s", args, status, out, err);
    expect_forwarded(log, 2, flags, 4);
    /* results.json's config has them */
    json_t *root, *config = study_config(first, &root);
    cr_expect_eq(json_real_value(json_object_get(config, "damping")), 0.8);
    cr_expect_eq(json_number_value(json_object_get(config, "delta")), 2);
    cr_expect_eq(json_integer_value(json_object_get(config, "shards")), 3);
    cr_expect(json_is_true(json_object_get(config, "no_pin")));
    json_decref(root);
    /* --replay says them, and its rank runs get them again */
    remove(log);
    snprintf(args, sizeof args, "bench --replay %s/results.json --mpirun %s --out %s", first,
             launcher, again);
    status = run_cli(args, out, sizeof out, err, sizeof err);
    cr_assert_eq(status, 0, "%s: exit %d: %s%s", args, status, out, err);
    cr_expect(strstr(out, "--ranks 2 --trials 1 --seed 1 --damping 0.8 --delta 2 --shards 3 "
                          "--no-pin\n"),
              "the replaying line: %s", out);
    expect_forwarded(log, 2, flags, 4);
    cleanup();
}

/* Over ranks, sizes a few bytes declare are checked against the memory of
 * a node (SF_PHYSICAL_MEMORY stands for it) for all its ranks together,
 * before their arrays are made, and every rank takes the same decision:
 * one line and exit 1, not a job killed by the kernel or a hang; with
 * room, the same files run. A binary list's largest id sets the vertex
 * count (the build's check); a Matrix Market size line, the vertices each
 * rank lists (its share's check). Where ranks see different memories
 * (only rank 1 too little, set by a shell around it), the decision is
 * still one: the build agrees on the least memory, so rank 0, which has
 * room, refuses with rank 1's 32 MiB instead of going on to build while
 * rank 1 leaves (then the ranks' collectives no longer match: an MPI
 * error or a hang, which `timeout 30` ends with 124). */
Test(mpi, vertex_shares_beyond_memory_are_refused_by_every_rank, .timeout = 60)
{
    REQUIRE_MPI();
    char bin[256], mtx[256], cmd[1024], err[8192], mtx_says[400];
    snprintf(bin, sizeof bin, "%s/one.bin", scratch());
    const uint32_t pair[2] = {0, 5000000}; /* 5000001 vertices: 60 MB at 12 bytes each */
    FILE *f = fopen(bin, "wb");
    cr_assert(f && fwrite(pair, sizeof pair, 1, f) == 1 && fclose(f) == 0);
    snprintf(mtx, sizeof mtx, "%s/big.mtx", scratch());
    write_file(mtx, "%%MatrixMarket matrix coordinate pattern general\n5000000 5000000 1\n1 2\n");
    snprintf(mtx_says, sizeof mtx_says, "%s:2: a 5000000 x 5000000 matrix: its vertices need", mtx);
    const struct {
        const char *graph, *says;
    } cases[] = {{bin, "5000001 vertices: the ranks of a node need"}, {mtx, mtx_says}};
    /* the memory of every rank, and of rank 1 where it differs */
    const char *little = "33554432", *room = "4294967296";
    const struct {
        const char *every, *rank1;
    } memories[] = {{little, NULL}, {room, NULL}, {room, little}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t m = 0; m < sizeof memories / sizeof memories[0]; m++) {
            char rank1[160] = "";
            if (memories[m].rank1)
                snprintf(rank1, sizeof rank1,
                         "sh -c 'if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then "
                         "SF_PHYSICAL_MEMORY=%s; fi; exec \"$0\" \"$@\"'",
                         memories[m].rank1);
            snprintf(cmd, sizeof cmd,
                     "SF_PHYSICAL_MEMORY=%s timeout 30 %s -np 3 -x SF_PHYSICAL_MEMORY %s %s run "
                     "wcc %s --threads 1",
                     memories[m].every, mpirun(), rank1, cli_binary(), cases[c].graph);
            int status = run_shell(cmd, NULL, 0, err, sizeof err);
            if (memories[m].every == room && !memories[m].rank1) {
                cr_expect_eq(status, 0, "%s: %s", cmd, err);
                continue;
            }
            cr_expect_eq(status, 1, "%s: exit %d: %s", cmd, status, err);
            char *line = strstr(err, cases[c].says);
            cr_expect(line && strstr(line, "more than 32.0 MiB of memory"), "%s: %s", cmd, err);
            cr_expect(line && !strstr(line + 1, cases[c].says), "said once: %s: %s", cmd, err);
        }
    cleanup();
}
