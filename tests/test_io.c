/* Tests for graph input: the file reader (plain, gzip and its members,
 * O_DIRECT and its refusal, errors), the text
 * edge list parser (syntax, errors with file:line, order and line numbers
 * at several thread counts, a differential check against a slow sscanf
 * reference), LDBC graphs and SNAP files from ../shared/datasets, and the
 * suffix dispatcher. Small files are written into a fresh temporary
 * directory per test. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#ifdef SF_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "engine/edge_list.h"
#include "engine/error.h"
#include "io/input.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/stream.h"
#include "io/text_edges.h"
#include "io/text_reader.h"
#include "tests/o_direct.h"
#include "tests/scratch.h"
#include "tests/support.h"

/* ---- fixtures and helpers ---- */


static char *write_gz(const char *name, const char *text, size_t len)
{
    char *path = tmp_path(name);
    gzFile gz = gzopen(path, "wb");
    cr_assert_not_null(gz);
    cr_assert_eq(gzwrite(gz, text, (unsigned)len), (int)len);
    cr_assert_eq(gzclose(gz), Z_OK);
    return path;
}

/* Parses text (copied into an exactly sized buffer, no NUL after it, so an
 * overread shows under a sanitizer) into a fresh list. */
static int parse(const char *text, size_t len, sf_edge_list *list, sf_error *err)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    sf_edge_list_init(list);
    int rc = sf_parse_text_edges("g.el", copy, len, list, err);
    free(copy);
    return rc;
}

static void expect_arcs(const sf_edge_list *list, const uint64_t (*arcs)[2], size_t n)
{
    cr_assert_eq(list->count, n, "count %" PRIu64 ", expected %zu", list->count, n);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(list->src[i], arcs[i][0], "arc %zu: src %" PRIu64, i, list->src[i]);
        cr_expect_eq(list->dst[i], arcs[i][1], "arc %zu: dst %" PRIu64, i, list->dst[i]);
    }
}

static void expect_error(const char *text, int code, const char *message)
{
    sf_edge_list list;
    sf_error err = {{0}};
    int rc = parse(text, strlen(text), &list, &err);
    cr_expect_eq(rc, code, "rc %d for %s", rc, message);
    cr_expect_str_eq(err.msg, message);
    cr_expect_eq(list.count, 0);
    sf_edge_list_fini(&list);
}

/* ---- the text parser ---- */

Test(io, comments_crlf_tabs_blank_lines)
{
    const char *text = "# a SNAP header\n"
                       "% a Matrix Market style comment\n"
                       "\n"
                       "1 2\n"
                       "3\t4\r\n"
                       "  5 \t 6  \t\r\n"
                       "\r\n"
                       "   \n"
                       "\t# indented comment\n"
                       "7  8\n"
                       "9 10"; /* no final newline */
    const uint64_t arcs[][2] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
    sf_edge_list list;
    sf_error err;
    cr_assert_eq(parse(text, strlen(text), &list, &err), 0, "%s", err.msg);
    expect_arcs(&list, arcs, 5);
    cr_expect_null(list.weight);
    sf_edge_list_fini(&list);
}

Test(io, ids_up_to_u64_max)
{
    const char *text = "18446744073709551615 0\n"
                       "00000000000000000000000000042 18446744073709551614\n"
                       "12345678 123456789012345\n";
    const uint64_t arcs[][2] = {
        {UINT64_MAX, 0}, {42, UINT64_MAX - 1}, {12345678, 123456789012345ULL}};
    sf_edge_list list;
    sf_error err;
    cr_assert_eq(parse(text, strlen(text), &list, &err), 0, "%s", err.msg);
    expect_arcs(&list, arcs, 3);
    sf_edge_list_fini(&list);

    expect_error("1 2\n3 4\n18446744073709551616 1\n", SF_EINPUT,
                 "g.el:3: vertex id 18446744073709551616 overflows 64 bits");
    expect_error("1 2\n3 99999999999999999999999\n", SF_EINPUT,
                 "g.el:2: vertex id 99999999999999999999999 overflows 64 bits");
}

Test(io, syntax_errors_name_file_and_line)
{
    expect_error("1 2\n3\n", SF_EINPUT, "g.el:2: expected 2 columns, found 1");
    expect_error("# c\n1 2\n\n3 4\n5", SF_EINPUT, "g.el:5: expected 2 columns, found 1");
    expect_error("1 2\nx12 3\n", SF_EINPUT, "g.el:2: bad vertex id 'x12'");
    expect_error("1 2\n3 12x\n", SF_EINPUT, "g.el:2: bad vertex id '12x'");
    expect_error("1 2\n-3 4\n", SF_EINPUT, "g.el:2: bad vertex id '-3'");
    expect_error("1 2 0.5\n3 4 nan\n", SF_EINPUT, "g.el:2: bad weight 'nan'");
    expect_error("1 2 0.5\n3 4 inf\n", SF_EINPUT, "g.el:2: bad weight 'inf'");
    expect_error("1 2 0.5\n3 4 1e999\n", SF_EINPUT, "g.el:2: bad weight '1e999'");
    expect_error("1 2 0.5\n3 4 0.5x\n", SF_EINPUT, "g.el:2: bad weight '0.5x'");
    /* mixed 2 and 3 columns, both ways */
    expect_error("1 2\n3 4 0.5\n", SF_EINPUT, "g.el:2: expected 2 columns, found 3");
    expect_error("1 2 0.5\n\n3 4\n", SF_EINPUT, "g.el:3: expected 3 columns, found 2");
    expect_error("1 2 0.5\n3 4 5 6\n", SF_EINPUT, "g.el:2: expected 3 columns, found 4");
    expect_error("1 2 0.5\n3 4 \n5\n", SF_EINPUT, "g.el:2: expected 3 columns, found 2");
    expect_error("1 2 0.5\n3 4 \t ", SF_EINPUT, "g.el:2: expected 3 columns, found 2");
    expect_error("1 2 0.5\n3 4 \v5\n", SF_EINPUT, "g.el:2: bad weight '\v5'");
    expect_error("# header\n7\n", SF_EINPUT, "g.el:2: expected 2 or 3 columns, found 1");
    expect_error("1 2 3 4\n", SF_EINPUT, "g.el:1: expected 2 or 3 columns, found 4");
    /* only the first error counts */
    expect_error("1 2\nbad 1\n3\n", SF_EINPUT, "g.el:2: bad vertex id 'bad'");
}

Test(io, weights)
{
    const char *text = "1 2 0.5\n2 3 -1.25e2\n3 1 7\n4 5 .125\r\n5 6\t+3\n6 7 0x10\n"
                       "7 8 0.1000000000000000055511151231257827\n8 9 1.";
    sf_edge_list list;
    sf_error err;
    cr_assert_eq(parse(text, strlen(text), &list, &err), 0, "%s", err.msg);
    cr_assert_eq(list.count, 8);
    cr_assert_not_null(list.weight);
    const double expected[] = {0.5, -125.0, 7.0, 0.125, 3.0, 16.0, 0.1, 1.0};
    for (int i = 0; i < 8; i++)
        cr_expect_eq(list.weight[i], expected[i], "weight %d: %.17g", i, list.weight[i]);
    cr_expect_eq(list.src[7], 8);
    cr_expect_eq(list.dst[7], 9);
    sf_edge_list_fini(&list);
}

Test(io, empty_and_comment_only_files)
{
    const char *texts[] = {"", "\n", "# only\n% comments\n\n", "   \r\n\t\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sf_edge_list list;
        sf_error err;
        cr_expect_eq(parse(texts[i], strlen(texts[i]), &list, &err), 0);
        cr_expect_eq(list.count, 0);
        sf_edge_list_fini(&list);
    }
}

Test(io, appends_to_an_existing_list)
{
    sf_edge_list list;
    sf_error err;
    sf_edge_list_init(&list);
    cr_assert_eq(sf_parse_text_edges("a.el", "1 2\n", 4, &list, &err), 0);
    cr_assert_eq(sf_parse_text_edges("b.el", "3 4 0.5\n", 8, &list, &err), 0);
    cr_assert_eq(list.count, 2);
    cr_expect_eq(list.src[1], 3);
    cr_expect_eq(list.weight[0], 1.0);
    cr_expect_eq(list.weight[1], 0.5);
    sf_edge_list_fini(&list);
}

/* ---- parallel parsing: same arcs, same order, right line numbers ---- */

/* About 100k lines with ids of 1 to 20 digits, comments, blank lines, CRLF,
 * several blanks and tabs: everything the slow path sees, mixed with what
 * the fast path sees. */
static char *make_big_text(size_t lines, size_t *len, uint64_t seed)
{
    size_t cap = lines * 64, n = 0;
    char *text = malloc(cap);
    uint64_t s = seed;
    for (size_t i = 0; i < lines; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        unsigned kind = (unsigned)(s % 100);
        uint64_t a = s >> 20, b = s * 0x9e3779b97f4a7c15ULL;
        if ((s >> 8) % 4 == 0)
            a %= 1000;
        if ((s >> 10) % 3 == 0)
            b %= 10000000;
        if (kind == 0)
            n += (size_t)sprintf(text + n, "# comment %zu\n", i);
        else if (kind == 1)
            n += (size_t)sprintf(text + n, "\n");
        else if (kind == 2)
            n += (size_t)sprintf(text + n, "%" PRIu64 "\t\t%" PRIu64 " \r\n", a, b);
        else if (kind == 3)
            n += (size_t)sprintf(text + n, "  %" PRIu64 " %" PRIu64 "\n", a, b);
        else if (kind == 4)
            n += (size_t)sprintf(text + n, "%% pct\n");
        else
            n += (size_t)sprintf(text + n, "%" PRIu64 " %" PRIu64 "\n", a, b);
    }
    *len = n;
    return text;
}

/* The slow, obviously-correct reference: sscanf per line. */
static void reference_parse(const char *text, size_t len, sf_edge_list *list)
{
    sf_edge_list_init(list);
    char *copy = strndup(text, len);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        char first[2];
        if (sscanf(line, " %1s", first) != 1 || first[0] == '#' || first[0] == '%')
            continue;
        unsigned long long a, b;
        cr_assert_eq(sscanf(line, "%llu %llu", &a, &b), 2);
        sf_edge_list_push(list, a, b, 0);
    }
    free(copy);
}

Test(io, parallel_parse_keeps_file_order)
{
    size_t len;
    char *text = make_big_text(100000, &len, 12345);
    sf_edge_list expected, lists[3];
    reference_parse(text, len, &expected);
    cr_assert_gt(expected.count, 90000);
    const int threads[] = {1, 3, 7};
    for (int t = 0; t < 3; t++) {
        omp_set_num_threads(threads[t]);
        sf_error err;
        cr_assert_eq(parse(text, len, &lists[t], &err), 0, "%s", err.msg);
        cr_assert_eq(lists[t].count, expected.count, "%d threads", threads[t]);
        cr_assert_eq(memcmp(lists[t].src, expected.src, expected.count * 8), 0, "%d", threads[t]);
        cr_assert_eq(memcmp(lists[t].dst, expected.dst, expected.count * 8), 0, "%d", threads[t]);
        sf_edge_list_fini(&lists[t]);
    }
    sf_edge_list_fini(&expected);
    free(text);
}

Test(io, parallel_parse_reports_the_right_line)
{
    size_t len;
    char *text = make_big_text(100000, &len, 777);
    /* Damage line 87654 (1-based) and, later, line 99000: the first wins. */
    size_t line = 1;
    for (size_t i = 0; i < len && line < 99000; i++) {
        if (text[i] != '\n')
            continue;
        line++;
        if (line == 87654 || line == 99000)
            text[i + 1] = 'x';
    }
    for (int threads = 1; threads <= 3; threads += 2) {
        omp_set_num_threads(threads);
        sf_edge_list list;
        sf_error err;
        cr_assert_eq(parse(text, len, &list, &err), SF_EINPUT);
        cr_expect(strncmp(err.msg, "g.el:87654: ", 12) == 0, "%d threads: %s", threads, err.msg);
        sf_edge_list_fini(&list);
    }
    free(text);
}

/* Differential check on random texts: every token kind, separators, line
 * ends, a missing final newline; small texts (one chunk) and texts big
 * enough for several chunks. The reference tokenises each line the slow
 * way and applies the rules of text_edges.h; both must agree on success,
 * on the arcs and weights, and on the line of the first error. */
static const char *const fuzz_ids[] = {"0", "7", "42", "1234567", "9876543", "12345678",
                                       "18446744073709551615", "18446744073709551616",
                                       "000000000000000000001", "x1", "1x", "-3"};
static const char *const fuzz_weights[] = {"0.5", "1", "-2.25", "1e3", ".5", "nan", "inf",
                                           "0.1000000000000000055511151231257827", "3.x"};
static const char *const fuzz_blanks[] = {" ", "\t", "  ", " \t ", "\r"};

static uint64_t fuzz_next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static size_t fuzz_text(char *text, size_t lines, bool weighted, unsigned error_rate, uint64_t *s)
{
    size_t n = 0;
    for (size_t i = 0; i < lines; i++) {
        uint64_t r = fuzz_next(s);
        if (r % 50 == 0) {
            n += (size_t)sprintf(text + n, "%s# comment\n", r % 100 ? "" : " ");
            continue;
        }
        if (r % 50 == 1) {
            n += (size_t)sprintf(text + n, "%s\n", r % 100 ? "" : " \t");
            continue;
        }
        bool broken = fuzz_next(s) % 100000 < error_rate; /* per 100000 lines */
        int columns = (weighted ? 3 : 2) + (broken ? (int)(fuzz_next(s) % 3) - 1 : 0);
        if (r % 7 == 0)
            n += (size_t)sprintf(text + n, " ");
        for (int c = 0; c < columns; c++) {
            uint64_t t = fuzz_next(s);
            const char *tok;
            if (c < 2)
                tok = fuzz_ids[broken ? t % 12 : t % 7];
            else
                tok = fuzz_weights[broken ? t % 9 : t % 5];
            /* appended by hand: gcc's -Wformat-overflow misreads a sprintf
             * here under -fsanitize=undefined */
            const char *blank = c ? fuzz_blanks[t % (r % 3 ? 1 : 5)] : "";
            size_t blank_len = strlen(blank), tok_len = strlen(tok);
            memcpy(text + n, blank, blank_len);
            memcpy(text + n + blank_len, tok, tok_len);
            n += blank_len + tok_len;
            text[n] = 0;
        }
        n += (size_t)sprintf(text + n, "%s", r % 11 == 0 ? " \r\n" : r % 13 == 0 ? "\r\n" : "\n");
    }
    if (fuzz_next(s) % 2 && n > 0 && text[n - 1] == '\n')
        n--; /* no final newline */
    return n;
}

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Returns 0 on success, else the 1-based line of the first error. */
static uint64_t reference_parse_strict(const char *text, size_t len, sf_edge_list *list)
{
    sf_edge_list_init(list);
    int columns = 0;
    uint64_t line = 1;
    for (size_t at = 0; at < len; line++) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        char *tok[8];
        int found = 0;
        char *copy = strndup(text + at, end - at);
        for (char *p = copy; *p;) {
            while (*p && blank(*p))
                *p++ = '\0';
            if (!*p)
                break;
            if (found < 8)
                tok[found] = p;
            found++;
            while (*p && !blank(*p))
                p++;
        }
        at = end + 1;
        if (found == 0 || tok[0][0] == '#' || tok[0][0] == '%') {
            free(copy);
            continue;
        }
        if (columns == 0)
            columns = found;
        bool ok = found == columns && (columns == 2 || columns == 3);
        uint64_t id[2] = {0, 0};
        for (int c = 0; ok && c < 2; c++) {
            ok = tok[c][0] != '\0' && strspn(tok[c], "0123456789") == strlen(tok[c]);
            errno = 0;
            id[c] = strtoull(tok[c], NULL, 10);
            ok = ok && errno == 0;
        }
        double w = 0;
        if (ok && columns == 3) {
            char *e;
            w = strtod(tok[2], &e);
            ok = *e == '\0' && isfinite(w);
        }
        free(copy);
        if (!ok)
            return line;
        if (columns == 3 && !list->weight)
            sf_edge_list_reserve(list, 1024, true);
        sf_edge_list_push(list, id[0], id[1], w);
    }
    return 0;
}

static void fuzz_round(size_t lines, bool weighted, unsigned error_rate, uint64_t seed,
                       int threads)
{
    uint64_t s = seed;
    char *text = malloc(lines * 80 + 16);
    size_t len = fuzz_text(text, lines, weighted, error_rate, &s);
    sf_edge_list expected, got;
    sf_error err;
    uint64_t bad_line = reference_parse_strict(text, len, &expected);
    omp_set_num_threads(threads);
    int rc = parse(text, len, &got, &err);
    if (bad_line) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "g.el:%" PRIu64 ": ", bad_line);
        cr_assert_eq(rc, SF_EINPUT, "seed %" PRIu64 ": expected an error at line %" PRIu64,
                     seed, bad_line);
        cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0, "seed %" PRIu64 ": %s, want %s",
                  seed, err.msg, prefix);
    } else {
        cr_assert_eq(rc, 0, "seed %" PRIu64 ": %s", seed, err.msg);
        cr_assert_eq(got.count, expected.count, "seed %" PRIu64, seed);
        for (uint64_t i = 0; i < got.count; i++) {
            cr_assert_eq(got.src[i], expected.src[i], "seed %" PRIu64 " arc %" PRIu64, seed, i);
            cr_assert_eq(got.dst[i], expected.dst[i], "seed %" PRIu64 " arc %" PRIu64, seed, i);
            if (weighted)
                cr_assert_eq(got.weight[i], expected.weight[i], "seed %" PRIu64, seed);
        }
    }
    sf_edge_list_fini(&expected);
    sf_edge_list_fini(&got);
    free(text);
}

Test(io, differential_fuzz_small)
{
    for (uint64_t seed = 1; seed <= 600; seed++)
        fuzz_round(1 + seed % 40, seed % 2, seed % 3 ? 0 : 3000, seed * 2654435761u, 1);
}

Test(io, differential_fuzz_chunked)
{
    for (uint64_t seed = 1; seed <= 24; seed++)
        fuzz_round(40000, seed % 2, seed % 3 ? 0 : 4, seed, 3);
}

/* The windowed file reader (io/text_reader.h) on the same random texts,
 * written as files and cut into windows from one byte (every line grows
 * the window) to a few lines: the same arcs and weights as the reference,
 * or an error on the same file line, whatever the window and thread count. */
/* Arc i's ends, from either form of the list. */
static uint64_t arc_src(const sf_edge_list *l, uint64_t i)
{
    return l->narrow ? l->src32[i] : l->src[i];
}

static uint64_t arc_dst(const sf_edge_list *l, uint64_t i)
{
    return l->narrow ? l->dst32[i] : l->dst[i];
}

/* How a window round hands the text to the reader. */
/* AS_DIRECT: a file read with SF_O_DIRECT=1, its pages dropped from the
 * page cache first. */
enum window_source { AS_FILE, AS_GZIP, AS_PIPE, AS_DIRECT };

/* A child process that writes text into a new FIFO and exits; the FIFO's
 * path is returned (the reader opens it like a file). */
static char *write_fifo(const char *name, const char *text, size_t len)
{
    char *path = tmp_path(name);
    remove(path);
    cr_assert_eq(mkfifo(path, 0600), 0);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        int fd = open(path, O_WRONLY);
        for (size_t done = 0; fd >= 0 && done < len;) {
            ssize_t n = write(fd, text + done, len - done);
            if (n <= 0)
                break;
            done += (size_t)n;
        }
        _exit(0);
    }
    return path;
}

/* The name window_round gives a plain file (AS_FILE, AS_DIRECT) in tmp_dir. */
static const char window_file[] = "w.el";

static void window_round(size_t lines, bool weighted, unsigned error_rate, uint64_t seed,
                         size_t window, int threads, bool narrow, enum window_source source)
{
    uint64_t s = seed;
    char *text = malloc(lines * 80 + 16);
    size_t len = fuzz_text(text, lines, weighted, error_rate, &s);
    char *path = source == AS_GZIP   ? write_gz("w.el.gz", text, len)
                 : source == AS_PIPE ? write_fifo("w.fifo", text, len)
                                     : write_file(window_file, text, len);
    static int taken = -1; /* the test's folder: one file system, probed once */
    if (source == AS_DIRECT && taken < 0)
        taken = takes_o_direct(tmp_dir);
    bool direct = source == AS_DIRECT && taken;
    if (source == AS_DIRECT) {
        if (direct && !drop_cached_pages(path)) { /* else the cache cannot tell */
            direct = false;
            cr_log_warn("%s: its pages cannot be dropped: the page-cache check is not made", path);
        }
        setenv("SF_O_DIRECT", "1", 1);
    }
    sf_edge_list expected, got;
    sf_error err = {{0}};
    uint64_t bad_line = reference_parse_strict(text, len, &expected);
    omp_set_num_threads(threads);
    sf_edge_list_init(&got);
    got.narrow = narrow;
    int rc = sf_read_text_edges_in(path, window, &got, &err);
    unsetenv("SF_O_DIRECT");
    if (bad_line) {
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%s:%" PRIu64 ": ", path, bad_line);
        cr_assert_eq(rc, SF_EINPUT, "seed %" PRIu64 " window %zu: expected an error at line %"
                     PRIu64, seed, window, bad_line);
        cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0,
                  "seed %" PRIu64 " window %zu: %s, want %s", seed, window, err.msg, prefix);
    } else {
        cr_assert_eq(rc, 0, "seed %" PRIu64 " window %zu: %s", seed, window, err.msg);
        cr_assert_eq(got.count, expected.count, "seed %" PRIu64 " window %zu", seed, window);
        cr_assert_eq(got.weight != NULL, expected.weight != NULL && expected.count > 0,
                     "seed %" PRIu64, seed);
        /* narrow stays narrow exactly when every id fits in 32 bits */
        bool fits = true;
        for (uint64_t i = 0; i < expected.count; i++)
            fits &= (expected.src[i] | expected.dst[i]) >> 32 == 0;
        cr_assert_eq(got.narrow, narrow && fits, "seed %" PRIu64, seed);
        for (uint64_t i = 0; i < got.count; i++) {
            cr_assert_eq(arc_src(&got, i), expected.src[i], "seed %" PRIu64 " arc %" PRIu64,
                         seed, i);
            cr_assert_eq(arc_dst(&got, i), expected.dst[i], "seed %" PRIu64 " arc %" PRIu64,
                         seed, i);
            if (weighted)
                cr_assert_eq(got.weight[i], expected.weight[i], "seed %" PRIu64, seed);
        }
        /* read past the page cache: it holds none of the file's pages */
        if (direct)
            cr_assert_eq(cached_pages(path, 0, UINT64_MAX), 0,
                         "seed %" PRIu64 ": the O_DIRECT read went through the page cache", seed);
    }
    sf_edge_list_fini(&expected);
    sf_edge_list_fini(&got);
    if (source == AS_PIPE) /* the writer is done or gave up when the reader stopped */
        while (wait(NULL) > 0)
            ;
    remove(path);
    free(path);
    free(text);
}

Test(io, windowed_reader_matches_reference, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    static const size_t windows[] = {1, 7, 64, 1000, 1 << 20};
    /* narrow lists too: the fuzz ids include 2^64 - 1, which widens them */
    for (uint64_t seed = 1; seed <= 300; seed++)
        window_round(1 + seed * 7 % 300, seed % 2, seed % 3 ? 0 : 2000,
                     seed * 0x9e3779b97f4a7c15ull, windows[seed % 5], 1 + (int)(seed % 3),
                     seed % 4 < 2, AS_FILE);
    /* several windows of several chunks each */
    for (uint64_t seed = 1; seed <= 8; seed++)
        window_round(60000, seed % 2, seed % 3 ? 0 : 5, seed, 200000, 3, seed % 4 < 2, AS_FILE);
}

static void tmp_dir_and_stderr(void)
{
    make_tmp_dir();
    cr_redirect_stderr();
}

/* SF_O_DIRECT=1 over files of 1..3000 lines, read by windows of sizes
 * around the alignment, lines cut anywhere, bad lines among them; then
 * the stderr the test redirected: nothing about O_DIRECT where the file
 * system takes it (`taken`), else one notice naming the first file. */
static void o_direct_rounds(uint64_t rounds, bool taken)
{
    static const size_t windows[] = {1, 4095, 4096, 4097, 70000, 1 << 20};
    for (uint64_t seed = 1; seed <= rounds; seed++)
        window_round(1 + seed * 37 % 3000, seed % 2, seed % 3 ? 0 : 2000, seed * 7919,
                     windows[seed % 6], 1 + (int)(seed % 3), seed % 4 < 2, AS_DIRECT);
    char *first = tmp_path(window_file);
    expect_o_direct_notice(taken, first);
    free(first);
}

/* The same read with O_DIRECT (SF_O_DIRECT=1): every read lands on an
 * aligned byte behind the carried partial line, so windows of every size
 * around the alignment, and lines cut anywhere, give the same arcs. Where
 * the file system takes O_DIRECT, the read went past the page cache (the
 * file's pages, dropped before, are still not in it) and nothing is
 * printed; where it refuses, the documented notice is printed once. */
Test(io, windowed_reader_matches_reference_o_direct, .init = tmp_dir_and_stderr,
     .fini = remove_tmp_dir)
{
    o_direct_rounds(60, takes_o_direct(tmp_dir));
}

/* Where O_DIRECT is refused the reads go through the page cache, give the
 * same arcs, and one line says so, once for the process. */
Test(io, o_direct_refused_reads_buffered_with_one_notice, .init = tmp_dir_and_stderr,
     .fini = remove_tmp_dir)
{
    refuse_o_direct();
    cr_assert_not(takes_o_direct(tmp_dir), "the filter refuses O_DIRECT");
    o_direct_rounds(12, false);
}

/* The same through zlib and through a pipe: the windows are the inflated
 * bytes or what read() gives, and a bad line's number is found without
 * reading the file again (a pipe) or by inflating it again (.gz). */
Test(io, windowed_reader_matches_reference_gzip_and_pipe, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    static const size_t windows[] = {1, 7, 64, 1000, 1 << 20};
    for (uint64_t seed = 1; seed <= 120; seed++)
        window_round(1 + seed * 7 % 300, seed % 2, seed % 3 ? 0 : 2000,
                     seed * 0x9e3779b97f4a7c15ull, windows[seed % 5], 1 + (int)(seed % 3),
                     seed % 4 < 2, seed % 2 ? AS_GZIP : AS_PIPE);
    for (uint64_t seed = 1; seed <= 4; seed++)
        window_round(60000, seed % 2, seed % 3 ? 0 : 5, seed, 200000, 3, seed % 4 < 2,
                     seed % 2 ? AS_GZIP : AS_PIPE);
}

/* ---- Matrix Market by windows ---- */

/* A random .mtx text and what reading it must give, worked out while it is
 * written, not by the parser: the first malformed line, else the first
 * entry outside the matrix or past the declared count (whichever comes
 * first), else too few entries at the file's last line; or, when the file
 * is good, its arcs (the shift note undone) and the ids no entry names. */
struct mtx_case {
    char *text;
    size_t len, cap;
    uint64_t lines;             /* '\n's written */
    uint64_t error_line;        /* 0: the file is good */
    const char *error_what;     /* a phrase of the expected message, or NULL */
    uint64_t count;             /* good file: its arcs */
    uint64_t *src, *dst;
    double *weight;             /* NULL for a pattern file */
    uint64_t *unnamed, num_unnamed;
    int directed;
};

static void mtx_put(struct mtx_case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mtx_put(struct mtx_case *c, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < sizeof line);
    if (c->len + (size_t)n + 1 > c->cap) {
        c->cap = 2 * (c->len + (size_t)n) + 256;
        c->text = realloc(c->text, c->cap);
        cr_assert_not_null(c->text);
    }
    memcpy(c->text + c->len, line, (size_t)n);
    c->len += (size_t)n;
    for (int i = 0; i < n; i++)
        c->lines += line[i] == '\n';
}

/* The 1-based number of the line that is being written. */
static uint64_t mtx_line(const struct mtx_case *c) { return c->lines + 1; }

/* Filler between lines: comments, blank and white lines; '#' comments
 * only among the entries (the header knows '%' alone). */
static void mtx_filler(struct mtx_case *c, uint64_t *s, const char *eol, unsigned rate,
                       bool entries)
{
    while (fuzz_next(s) % 100 < rate) {
        static const char *const fill[] = {"% a comment", "", "  \t", "%", "# another"};
        mtx_put(c, "%s%s", fill[fuzz_next(s) % (entries ? 5 : 4)], eol);
    }
}

static void mtx_case_make(struct mtx_case *c, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->directed = -1;
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int i = 0; i < 4; i++)
        fuzz_next(&s);
    c->text = malloc(1);
    if (seed % 40 == 0)
        return; /* 0 bytes: an empty graph */
    static const char *const fields[] = {"pattern", "real", "integer", "Real"};
    int field = (int)(fuzz_next(&s) % 4);
    bool weighted = field != 0, symmetric = fuzz_next(&s) % 2;
    uint64_t rows = 1 + fuzz_next(&s) % 30;
    uint64_t cols = fuzz_next(&s) % 4 == 0 ? 1 + fuzz_next(&s) % 30 : rows;
    bool shift = fuzz_next(&s) % 5 == 0;
    uint64_t declared = seed % 25 == 1 ? 20000 : fuzz_next(&s) % 6 == 0 ? 0 : fuzz_next(&s) % 40;
    /* what goes wrong: 0-4 nothing, 5 a malformed line, 6 an entry outside,
     * 7 more entries, 8 fewer, 9 the header */
    unsigned kind = (unsigned)(fuzz_next(&s) % 10);
    const char *eol = fuzz_next(&s) % 7 == 0 ? "\r\n" : "\n";
    bool final_eol = fuzz_next(&s) % 4 != 0;

    mtx_put(c, "%%%%MatrixMarket %s coordinate %s %s%s", fuzz_next(&s) % 5 ? "matrix" : "MATRIX",
            fields[field], symmetric ? "symmetric" : "general", eol);
    if (kind == 9 && fuzz_next(&s) % 3 == 0) { /* a bad banner after all */
        c->len = c->lines = 0;
        mtx_put(c, "%%%%MatrixMarket matrix coordinate complex general%s", eol);
        c->error_line = 1;
        c->error_what = "unsupported field";
    }
    mtx_filler(c, &s, eol, 40, false);
    if (shift)
        mtx_put(c, "%% shardflow: index = original id + 1%s", eol);
    mtx_filler(c, &s, eol, 30, false);
    uint64_t m = declared, size_line = mtx_line(c);
    if (kind == 9 && !c->error_line) {
        if (fuzz_next(&s) % 2) { /* no size line at all */
            c->error_what = "missing size line";
            goto end;
        }
        mtx_put(c, "%" PRIu64 " x %" PRIu64 "%s", rows, declared, eol);
        c->error_line = size_line;
        c->error_what = "bad size line";
    } else {
        mtx_put(c, "%s%" PRIu64 "%s%" PRIu64 " %" PRIu64 "%s", fuzz_next(&s) % 4 ? "" : " ",
                rows, fuzz_next(&s) % 2 ? " " : "\t", cols, declared, eol);
    }
    if (kind == 7)
        m = declared + 1 + fuzz_next(&s) % 2;
    if (kind == 8 && declared > 0)
        m = declared - 1 - (declared > 1 && fuzz_next(&s) % 2);
    uint64_t forced = m ? fuzz_next(&s) % m : 0; /* where kind 5 or 6 strikes for sure */

    uint64_t *entry_line = malloc((m + 1) * sizeof *entry_line);
    uint64_t first_outside = m;
    c->src = malloc((m + 1) * sizeof *c->src);
    c->dst = malloc((m + 1) * sizeof *c->dst);
    c->weight = weighted ? malloc((m + 1) * sizeof *c->weight) : NULL;
    uint64_t parse_error_line = 0;
    for (uint64_t e = 0; e < m; e++) {
        mtx_filler(c, &s, eol, 15, true);
        uint64_t line = mtx_line(c);
        uint64_t i = 1 + fuzz_next(&s) % rows, j = 1 + fuzz_next(&s) % cols;
        if ((kind == 5 && e == forced) || fuzz_next(&s) % 400 == 0) {
            static const char *const bad[] = {"1x 2 1", "1", "1 2 3 4", "1 18446744073709551616 1",
                                              "1 2 nan"};
            unsigned b = (unsigned)(fuzz_next(&s) % 5);
            if (b == 4 && !weighted)
                b = 2;
            if (weighted || b == 1 || b == 2)
                mtx_put(c, "%s%s", bad[b], eol);
            else /* the pattern form: two columns */
                mtx_put(c, "%.*s%s", b == 0 ? 4 : 22, bad[b], eol);
            if (!parse_error_line)
                parse_error_line = line;
            continue;
        }
        if ((kind == 6 && e == forced) || fuzz_next(&s) % 300 == 0) {
            switch (fuzz_next(&s) % 5) {
            case 0: i = rows + 1 + fuzz_next(&s) % 3; break;
            case 1: j = cols + 1 + fuzz_next(&s) % 3; break;
            case 2: i = 0; break;
            case 3: j = 0; break;
            default: j = ((uint64_t)1 << 32) + fuzz_next(&s) % 5; break; /* widens a narrow list */
            }
            if (first_outside == m)
                first_outside = e;
        }
        entry_line[e] = line;
        c->src[e] = i - shift;
        c->dst[e] = j - shift;
        mtx_put(c, "%s%" PRIu64 "%s%" PRIu64, fuzz_next(&s) % 5 ? "" : " \t", i,
                fuzz_next(&s) % 3 ? " " : "\t ", j);
        if (weighted) {
            int64_t k = (int64_t)(fuzz_next(&s) % 8001) - 4000;
            char w[64];
            if (field == 2)
                snprintf(w, sizeof w, "%" PRId64, k);
            else
                snprintf(w, sizeof w, "%.2f", (double)k / 4);
            c->weight[e] = strtod(w, NULL);
            mtx_put(c, " %s", w);
        }
        mtx_put(c, "%s%s", fuzz_next(&s) % 6 ? "" : "  ", eol);
    }
    mtx_filler(c, &s, eol, m == 0 ? 85 : 40, true); /* comments after no entry too */

    if (c->error_line) {
    } else if (parse_error_line) {
        c->error_line = parse_error_line;
        c->error_what = NULL; /* the text parser's message */
    } else if (first_outside < m && first_outside <= (m < declared ? m : declared)) {
        c->error_line = entry_line[first_outside];
        c->error_what = "is outside the";
    } else if (m > declared) {
        c->error_line = entry_line[declared];
        c->error_what = "more entries than the";
    } else if (m < declared) {
        c->error_what = "the file ends after";
    } else {
        /* good: the ids of 1..max(rows, cols) that no entry names */
        c->count = m;
        c->directed = !symmetric;
        uint64_t n = rows > cols ? rows : cols;
        bool *named = calloc(n + 1, 1);
        for (uint64_t e = 0; e < m; e++)
            named[c->src[e] + shift] = named[c->dst[e] + shift] = true;
        c->unnamed = malloc((n + 1) * sizeof *c->unnamed);
        for (uint64_t v = 1; v <= n; v++)
            if (!named[v])
                c->unnamed[c->num_unnamed++] = v - shift;
        free(named);
    }
    free(entry_line);
end:
    if (!final_eol && c->len > 0 && c->text[c->len - 1] == '\n') {
        c->len--;
        c->lines--;
    }
    if (c->error_line == 0 && c->error_what) /* found at the end: the file's last line */
        c->error_line = c->lines + (c->len > 0 && c->text[c->len - 1] != '\n') +
                        (strcmp(c->error_what, "missing size line") == 0);
}

static void mtx_case_fini(struct mtx_case *c)
{
    free(c->text);
    free(c->src);
    free(c->dst);
    free(c->weight);
    free(c->unnamed);
}

/* One case read by windows of `window` bytes from a file, a .gz or a pipe,
 * against the case's own answer and against sf_parse_mtx on the whole
 * bytes (the same message, word for word). */
static void mtx_window_round(uint64_t seed, size_t window, int threads, bool narrow,
                             enum window_source source)
{
    struct mtx_case c;
    mtx_case_make(&c, seed);
    char *path = source == AS_GZIP   ? write_gz("m.mtx.gz", c.text, c.len)
                 : source == AS_PIPE ? write_fifo("m.mtx", c.text, c.len)
                                     : write_file("m.mtx", c.text, c.len);
    omp_set_num_threads(threads);
    sf_edge_list whole, got;
    sf_error whole_err = {{0}}, err = {{0}};
    sf_edge_list_init(&whole);
    sf_edge_list_init(&got);
    whole.narrow = got.narrow = narrow;
    int whole_rc = sf_parse_mtx(path, c.text, c.len, &whole, &whole_err);
    int rc = sf_read_mtx_in(path, window, &got, &err);
    const char *what = source == AS_GZIP ? "gz" : source == AS_PIPE ? "pipe" : "file";
    if (c.error_line) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s:%" PRIu64 ": ", path, c.error_line);
        cr_assert_eq(whole_rc, SF_EINPUT, "seed %" PRIu64 ": expected an error at line %" PRIu64,
                     seed, c.error_line);
        cr_assert(strncmp(whole_err.msg, prefix, strlen(prefix)) == 0 &&
                      (!c.error_what || strstr(whole_err.msg, c.error_what)),
                  "seed %" PRIu64 ": %s, want %s...%s", seed, whole_err.msg, prefix,
                  c.error_what ? c.error_what : "");
        cr_assert_eq(rc, SF_EINPUT, "seed %" PRIu64 " %s window %zu: %s", seed, what, window,
                     err.msg);
        cr_assert_str_eq(err.msg, whole_err.msg, "seed %" PRIu64 " %s window %zu", seed, what,
                         window);
    } else {
        const sf_edge_list *lists[2] = {&whole, &got};
        cr_assert_eq(whole_rc, 0, "seed %" PRIu64 ": %s", seed, whole_err.msg);
        cr_assert_eq(rc, 0, "seed %" PRIu64 " %s window %zu: %s", seed, what, window, err.msg);
        for (int k = 0; k < 2; k++) {
            const sf_edge_list *l = lists[k];
            cr_assert_eq(l->count, c.count, "seed %" PRIu64 " list %d", seed, k);
            cr_assert_eq(l->narrow, narrow, "seed %" PRIu64, seed);
            cr_assert_eq(l->declared_directed, c.directed, "seed %" PRIu64, seed);
            cr_assert_eq(l->weight != NULL, c.weight != NULL && c.count > 0, "seed %" PRIu64,
                         seed);
            for (uint64_t i = 0; i < c.count; i++) {
                cr_assert(arc_src(l, i) == c.src[i] && arc_dst(l, i) == c.dst[i],
                          "seed %" PRIu64 " list %d arc %" PRIu64, seed, k, i);
                if (c.weight)
                    cr_assert_eq(l->weight[i], c.weight[i], "seed %" PRIu64, seed);
            }
            cr_assert_eq(l->num_vertex_ids, c.num_unnamed, "seed %" PRIu64 " list %d", seed, k);
            for (uint64_t i = 0; i < c.num_unnamed; i++)
                cr_assert_eq(l->vertex_ids[i], c.unnamed[i], "seed %" PRIu64, seed);
        }
    }
    sf_edge_list_fini(&whole);
    sf_edge_list_fini(&got);
    if (source == AS_PIPE)
        while (wait(NULL) > 0)
            ;
    remove(path);
    free(path);
    mtx_case_fini(&c);
}

/* Random .mtx files (pattern, real, integer; general, symmetric; comments
 * and blank lines among the entries; CRLF; every kind of error) read a
 * few bytes at a time at 1-3 threads, narrow and wide, from a file, a .gz
 * and a pipe: the answer worked out as each file was written, and the
 * message sf_parse_mtx gives for the whole bytes. */
Test(io, mtx_by_windows_matches_whole_file, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    static const size_t windows[] = {1, 7, 64, 1000};
    for (uint64_t seed = 0; seed < 480; seed++) {
        size_t window = windows[seed % 4];
        if (seed % 25 == 1) /* 20000 entries: windows of several chunks, or a few windows */
            window = seed % 2 ? (size_t)1 << 20 : 60000;
        mtx_window_round(seed, window, 1 + (int)(seed / 4 % 3), seed / 12 % 2,
                         (enum window_source)(seed / 24 % 3));
    }
}

/* One case cut into `parts` shares as MPI ranks read a .mtx: the header
 * from the file's start, then each share's lines (sf_file_read_part_from),
 * its first line and first entry from the shares before it, the total
 * from all. The first failing share's message, parsing first and checks
 * second as the ranks agree on them, is sf_parse_mtx's on the whole bytes,
 * word for word; a good file's shares hold its arcs in order and together
 * list its vertices 1..n. */
/* The file's bytes cut into `parts` shares, read as the ranks read them,
 * give one process's arcs, vertices and error message (seed names the
 * case in messages). */
static void mtx_shares_match(const char *bytes, size_t bytes_len, uint64_t seed, int parts)
{
    struct {
        const char *text;
        size_t len;
    } c = {bytes, bytes_len};
    char *path = write_file("s.mtx", c.text, c.len);
    sf_edge_list whole, shares[4];
    sf_error whole_err = {{0}}, err = {{0}};
    sf_edge_list_init(&whole);
    whole.narrow = true;
    int whole_rc = sf_parse_mtx(path, c.text, c.len, &whole, &whole_err);
    sf_mtx_header h;
    sf_mtx_share share[4];
    char *text[4] = {NULL};
    int rc = sf_mtx_read_file_header(path, &h, &err);
    uint64_t lines = 0, entries = 0;
    for (int k = 0; k < parts && rc == 0; k++) {
        sf_edge_list_init(&shares[k]);
        shares[k].narrow = true;
        size_t len;
        cr_assert_eq(sf_file_read_part_from(path, h.body, k, parts, &text[k], &len, &err), 0);
        share[k] = (sf_mtx_share){.text = text[k], .len = len, .first_line = h.body_line + lines,
                                  .part = k, .parts = parts};
        lines += sf_count_newlines(text[k], len);
        rc = sf_mtx_parse_share(path, &h, &share[k], &shares[k], &err);
        share[k].first_entry = entries;
        entries += shares[k].count;
    }
    /* as the ranks learn it from each other: whether the body ends open */
    bool open_end = false;
    for (int k = 0; k < parts && rc == 0; k++)
        open_end |= share[k].len > 0 && text[k][share[k].len - 1] != '\n';
    for (int k = 0; k < parts && rc == 0; k++) {
        share[k].total = entries;
        share[k].open_end = open_end;
        rc = sf_mtx_finish_share(path, &h, &share[k], &shares[k], &err);
    }
    if (whole_rc) {
        cr_assert_eq(rc, whole_rc, "seed %" PRIu64 " %d shares: %s", seed, parts, err.msg);
        cr_assert_str_eq(err.msg, whole_err.msg, "seed %" PRIu64 " %d shares", seed, parts);
    } else {
        cr_assert_eq(rc, 0, "seed %" PRIu64 " %d shares: %s", seed, parts, err.msg);
        char what[64];
        snprintf(what, sizeof what, "seed %" PRIu64 " in %d shares", seed, parts);
        /* (a 0-byte file declares no direction: one process leaves it -1) */
        assert_parts_are_whole(shares, parts, &whole, whole.weight != NULL, what);
        uint64_t vertex = 1 - (uint64_t)h.shifted;
        for (int k = 0; k < parts; k++)
            for (uint64_t i = 0; i < shares[k].num_vertex_ids; i++)
                cr_assert_eq(shares[k].vertex_ids[i], vertex++, "seed %" PRIu64 " share %d", seed,
                             k);
        cr_assert_eq(vertex, (h.rows > h.cols ? h.rows : h.cols) + 1 - h.shifted,
                     "seed %" PRIu64 ": the shares list every vertex", seed);
    }
    for (int k = 0; k < parts; k++) {
        if (text[k])
            sf_edge_list_fini(&shares[k]);
        free(text[k]);
    }
    sf_edge_list_fini(&whole);
    remove(path);
    free(path);
}

static void mtx_share_round(uint64_t seed, int parts)
{
    struct mtx_case c;
    mtx_case_make(&c, seed);
    mtx_shares_match(c.text, c.len, seed, parts);
    mtx_case_fini(&c);
}

/* Too few entries, the file ending with or without a '\n', cut into 1 to 4
 * shares: with 4 the last share is empty, and only the share before it can
 * tell whether the last line is ended, yet the message names the same line
 * as one process. */
Test(io, mtx_shares_name_the_last_line_with_or_without_a_final_newline, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    static const char *const files[] = {
        "%%MatrixMarket matrix coordinate pattern general\n3 3 3\n1 2\n2 3",
        "%%MatrixMarket matrix coordinate pattern general\n3 3 3\n1 2\n2 3\n",
    };
    for (uint64_t f = 0; f < 2; f++)
        for (int parts = 1; parts <= 4; parts++)
            mtx_shares_match(files[f], strlen(files[f]), f, parts);
}

/* The random .mtx files above cut into 1 to 4 shares: every kind of error
 * in any share, and good files, as one process reads them. */
Test(io, mtx_by_shares_matches_whole_file, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    for (uint64_t seed = 0; seed < 480; seed++)
        mtx_share_round(seed, 1 + (int)(seed % 4));
}

/* ---- the reader ---- */

Test(io, missing_file_names_the_file, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char *path = tmp_path("no-such-graph.el");
    sf_edge_list list;
    sf_error err;
    sf_edge_list_init(&list);
    char *expected;
    cr_assert(asprintf(&expected, "%s: No such file or directory", path) > 0);
    cr_expect_eq(sf_input_read_file(path, &list, &err), SF_EINPUT);
    cr_expect_str_eq(err.msg, expected);

    char *data = (char *)1;
    size_t len = 1;
    cr_expect_eq(sf_file_read(path, &data, &len, &err), SF_EINPUT);
    cr_expect_null(data);
    cr_expect_str_eq(err.msg, expected);
    sf_edge_list_fini(&list);
    free(expected);
    free(path);
}

/* `len` bytes of letters, varied by `seed`; the caller frees them. */
static char *letters(size_t len, size_t seed)
{
    char *bytes = malloc(len);
    cr_assert_not_null(bytes);
    for (size_t i = 0; i < len; i++)
        bytes[i] = (char)('a' + (i * seed + i / 4096) % 26);
    return bytes;
}

/* sf_file_read of path gives exactly `bytes`, NUL-terminated. */
static void expect_read_whole(const char *path, const char *bytes, size_t len)
{
    char *data;
    size_t got;
    sf_error err;
    cr_assert_eq(sf_file_read(path, &data, &got, &err), 0, "%s", err.msg);
    while (wait(NULL) > 0) /* a FIFO's writer */
        ;
    cr_assert_eq(got, len);
    cr_expect_eq(memcmp(data, bytes, len), 0);
    cr_expect_eq(data[len], '\0');
    free(data);
}

Test(io, reads_whole_files_nul_terminated, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    /* Larger than one 4 MiB block, not a multiple of it. */
    size_t len = ((size_t)9 << 20) + 12345;
    char *bytes = letters(len, 7919);
    char *path = write_file("big.bin", bytes, len);
    expect_read_whole(path, bytes, len);

    char *data;
    size_t got;
    sf_error err;
    char *empty = write_text("empty.el", "");
    cr_assert_eq(sf_file_read(empty, &data, &got, &err), 0, "%s", err.msg);
    cr_expect_eq(got, 0);
    cr_expect_eq(data[0], '\0');
    free(data);
    free(empty);
    free(path);
    free(bytes);
}

/* A pipe has no size up front: its bytes come whole and in order however
 * many windows they take. */
Test(io, reads_a_pipe_whole, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    size_t len = ((size_t)9 << 20) + 777;
    char *bytes = letters(len, 131);
    char *path = write_fifo("whole.fifo", bytes, len);
    expect_read_whole(path, bytes, len);
    free(path);
    free(bytes);
}

Test(io, gzip_reads_like_plain, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    size_t len;
    char *text = make_big_text(50000, &len, 99);
    char *plain = write_file("g.el", text, len);
    char *packed = write_gz("g.el.gz", text, len);
    sf_edge_list a, b;
    sf_error err;
    sf_edge_list_init(&a);
    sf_edge_list_init(&b);
    cr_assert_eq(sf_input_read_file(plain, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_input_read_file(packed, &b, &err), 0, "%s", err.msg);
    cr_assert_eq(a.count, b.count);
    cr_assert_gt(a.count, 0);
    cr_expect_eq(memcmp(a.src, b.src, a.count * 8), 0);
    cr_expect_eq(memcmp(a.dst, b.dst, a.count * 8), 0);

    char *data;
    size_t got;
    cr_assert_eq(sf_file_read(packed, &data, &got, &err), 0, "%s", err.msg);
    cr_assert_eq(got, len);
    cr_expect_eq(memcmp(data, text, len), 0);
    cr_expect_eq(data[len], '\0');
    free(data);

    /* A .gz cut short, and one that is not gzip at all. */
    FILE *f = fopen(packed, "rb");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *cut = write_file("cut.el.gz", buf, n / 2);
    char *expected;
    cr_assert(asprintf(&expected, "%s: corrupt gzip data", cut) > 0);
    cr_expect_eq(sf_file_read(cut, &data, &got, &err), SF_EINPUT);
    cr_expect_str_eq(err.msg, expected);
    free(expected);
    char *fake = write_text("fake.el.gz", "1 2\n3 4\n");
    cr_assert(asprintf(&expected, "%s: corrupt gzip data", fake) > 0);
    cr_expect_eq(sf_input_read_file(fake, &a, &err), SF_EINPUT);
    cr_expect_str_eq(err.msg, expected);
    free(expected);

    sf_edge_list_fini(&a);
    sf_edge_list_fini(&b);
    free(cut);
    free(fake);
    free(plain);
    free(packed);
    free(text);
}

/* Several gzip members back to back (as `cat a.gz b.gz` makes), read a few
 * bytes a window: every member's lines, in order, and a member cut short
 * is corrupt data, not an early end. */
Test(io, gzip_members_read_by_windows, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    size_t len_a, len_b;
    char *a = make_big_text(3000, &len_a, 5), *b = make_big_text(2000, &len_b, 6);
    char *pa = write_gz("a.gz", a, len_a), *pb = write_gz("b.gz", b, len_b);
    char *both_text = malloc(len_a + len_b);
    memcpy(both_text, a, len_a);
    memcpy(both_text + len_a, b, len_b);
    char *plain = write_file("ab.el", both_text, len_a + len_b);
    size_t na, nb;
    char *ga = read_file(pa, &na), *gb = read_file(pb, &nb); /* as on disk */
    char *joined = malloc(na + nb);
    memcpy(joined, ga, na);
    memcpy(joined + na, gb, nb);
    char *packed = write_file("ab.el.gz", joined, na + nb);
    char *cut = write_file("cut.el.gz", joined, na + nb / 2);
    sf_edge_list want, got;
    sf_error err;
    sf_edge_list_init(&want);
    cr_assert_eq(sf_read_text_edges_in(plain, 1000, &want, &err), 0, "%s", err.msg);
    for (size_t window = 7; window <= 70000; window *= 10) {
        sf_edge_list_init(&got);
        cr_assert_eq(sf_read_text_edges_in(packed, window, &got, &err), 0, "%s", err.msg);
        cr_assert_eq(got.count, want.count, "window %zu", window);
        cr_expect_eq(memcmp(got.src, want.src, want.count * 8), 0);
        cr_expect_eq(memcmp(got.dst, want.dst, want.count * 8), 0);
        sf_edge_list_fini(&got);
        sf_edge_list_init(&got);
        char *expected;
        cr_assert(asprintf(&expected, "%s: corrupt gzip data", cut) > 0);
        cr_expect_eq(sf_read_text_edges_in(cut, window, &got, &err), SF_EINPUT);
        cr_expect_str_eq(err.msg, expected);
        free(expected);
        sf_edge_list_fini(&got);
    }
    sf_edge_list_fini(&want);
    free(a); free(b); free(pa); free(pb); free(both_text); free(plain);
    free(ga); free(gb); free(joined); free(packed); free(cut);
}

/* text[0..len) as one gzip member, made here by zlib: deflated at `level`
 * (0: stored blocks, so the member's size follows the text's length), and
 * with a name `name_len` bytes long in its header when name_len > 0, which
 * makes the member name_len + 1 bytes longer and nothing else. Its size in
 * *size; the caller frees it. */
static unsigned char *gzip_member(const char *text, size_t len, int level, size_t name_len,
                                  size_t *size)
{
    z_stream zs = {0};
    cr_assert_eq(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                 Z_OK);
    gz_header head = {0};
    char *name = NULL;
    if (name_len) {
        name = malloc(name_len + 1);
        memset(name, 'n', name_len);
        name[name_len] = '\0';
        head.name = (Bytef *)name;
        cr_assert_eq(deflateSetHeader(&zs, &head), Z_OK);
    }
    size_t cap = deflateBound(&zs, (uLong)len) + name_len + 64;
    unsigned char *out = malloc(cap);
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *size = zs.total_out;
    deflateEnd(&zs);
    free(name);
    return out;
}

/* Appends `bytes` to the growing buffer *all of *used bytes. */
static void append(unsigned char **all, size_t *used, const unsigned char *bytes, size_t len)
{
    *all = realloc(*all, *used + len + 1);
    memcpy(*all + *used, bytes, len);
    *used += len;
}

/* The arcs of got are those of want. */
static void expect_same_arcs(const sf_edge_list *got, const sf_edge_list *want, const char *what)
{
    cr_assert_eq(got->count, want->count, "%s: %" PRIu64 " arcs, expected %" PRIu64, what,
                 got->count, want->count);
    cr_assert_gt(want->count, 0, "%s", what);
    for (uint64_t i = 0; i < want->count; i++)
        cr_assert(arc_src(got, i) == want->src[i] && arc_dst(got, i) == want->dst[i],
                  "%s: arc %" PRIu64, what, i);
}

/* A .gz of several members whose boundaries fall inside lines (cat a.gz
 * b.gz where a's text ends mid-line): inside an id, between an id and its
 * blank, between '\r' and '\n', before a '\n', inside a comment, with an
 * empty member among them, and a last line without its '\n'. It reads as
 * the text the members make together, whatever the window (one byte
 * included) and thread count, by windows of arcs and whole (sf_file_read),
 * against the slow reference parser. */
Test(io, gzip_member_boundaries_inside_lines, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    size_t len;
    char *text = make_big_text(3000, &len, 17);
    /* the places to cut, each the first after where the previous one was */
    size_t cuts[8], n = 0, at = 1;
    for (int kind = 0; kind < 6; kind++, at += 997) {
        for (; at < len; at++) {
            char before = text[at - 1], here = text[at];
            bool digit_before = before >= '0' && before <= '9';
            if ((kind == 0 && digit_before && here >= '0' && here <= '9') ||
                (kind == 1 && digit_before && (here == ' ' || here == '\t')) ||
                (kind == 2 && before == '\r') || (kind == 3 && here == '\n' && before != '\r') ||
                (kind == 4 && before == 'c' && here == 'o') || kind == 5)
                break;
        }
        cr_assert_lt(at, len, "cut %d not found", kind);
        cuts[n++] = at;
        if (kind == 5) /* an empty member at the same place */
            cuts[n++] = at;
    }
    cuts[n++] = len - 1; /* the last line's '\n' in a member of its own */
    for (int open_end = 0; open_end < 2; open_end++) {
        size_t total = len - open_end; /* open_end: no '\n' at the end */
        unsigned char *joined = NULL;
        size_t joined_len = 0, from = 0;
        for (size_t c = 0; c <= n; c++) {
            size_t to = c < n ? cuts[c] : total, size;
            unsigned char *member = gzip_member(text + from, to - from, c % 2 ? 0 : 6, 0, &size);
            append(&joined, &joined_len, member, size);
            free(member);
            from = to;
        }
        char *path = write_file("cut.el.gz", joined, joined_len);
        sf_edge_list want, got;
        sf_error err;
        cr_assert_eq(reference_parse_strict(text, total, &want), 0);
        static const size_t windows[] = {1, 7, 100, 4096, 70000, 1 << 20};
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
            omp_set_num_threads(1 + (int)(w % 3));
            sf_edge_list_init(&got);
            got.narrow = w % 2;
            cr_assert_eq(sf_read_text_edges_in(path, windows[w], &got, &err), 0, "%s", err.msg);
            char what[64];
            snprintf(what, sizeof what, "open end %d, window %zu", open_end, windows[w]);
            expect_same_arcs(&got, &want, what);
            sf_edge_list_fini(&got);
        }
        char *data;
        size_t got_len;
        cr_assert_eq(sf_file_read(path, &data, &got_len, &err), 0, "%s", err.msg);
        cr_assert_eq(got_len, total);
        cr_assert_eq(memcmp(data, text, total), 0, "the members' text, whole");
        free(data);
        sf_edge_list_fini(&want);
        free(joined);
        free(path);
    }
    free(text);
}

/* The same where a member ends at the edge of the compressed bytes the
 * reader takes at a time (SF_GZ_INPUT_BYTES, io/stream.h, 8 MiB): a stored
 * first member of exactly 8 MiB - 2, - 1 (the next member's magic split
 * over two reads) and 8 MiB, its text ending mid-line. */
Test(io, gzip_member_boundary_at_the_end_of_a_compressed_read, .init = make_tmp_dir,
     .fini = remove_tmp_dir, .timeout = 60)
{
    const size_t chunk = SF_GZ_INPUT_BYTES;
    size_t len;
    char *text = make_big_text(400000, &len, 23);
    cr_assert_gt(len, chunk + (1 << 20));
    sf_edge_list want;
    cr_assert_eq(reference_parse_strict(text, len, &want), 0);
    for (size_t target = chunk - 2; target <= chunk; target++) {
        /* a's text: a stored member of `target` bytes, a name making up
         * what the text leaves, ending mid-line */
        size_t a_len = chunk - 4096, size, name_len = 0;
        unsigned char *a;
        for (;;) {
            while (text[a_len - 1] == '\n')
                a_len--;
            a = gzip_member(text, a_len, 0, 0, &size);
            free(a);
            if (size + 2 <= target) {
                name_len = target - size - 1;
                break;
            }
            a_len -= size + 2 - target;
        }
        a = gzip_member(text, a_len, 0, name_len, &size);
        cr_assert_eq(size, target);
        unsigned char *b = gzip_member(text + a_len, len - a_len, 6, 0, &size);
        unsigned char *joined = NULL;
        size_t joined_len = 0;
        append(&joined, &joined_len, a, target);
        append(&joined, &joined_len, b, size);
        char *path = write_file("big.el.gz", joined, joined_len);
        sf_edge_list got;
        sf_error err;
        sf_edge_list_init(&got);
        cr_assert_eq(sf_read_text_edges_in(path, 1 << 20, &got, &err), 0, "%s", err.msg);
        char what[64];
        snprintf(what, sizeof what, "a first member of %zu bytes", target);
        expect_same_arcs(&got, &want, what);
        sf_edge_list_fini(&got);
        free(a);
        free(b);
        free(joined);
        free(path);
    }
    sf_edge_list_fini(&want);
    free(text);
}

/* Part k of `parts` of text[0..len) from byte `from` on, as ranks cut a
 * file, worked out line by line: the lines whose first byte lies in
 * [from + body k / parts, from + body (k + 1) / parts), body = len - from.
 * Sets *begin and *end to the part's bytes in text. */
static void reference_part(const char *text, size_t len, size_t from, int k, int parts,
                           size_t *begin, size_t *end)
{
    size_t body = len - from, lo = from + body * (size_t)k / (size_t)parts;
    size_t hi = from + body * (size_t)(k + 1) / (size_t)parts;
    *begin = *end = len;
    bool found = false;
    for (size_t at = from; at < len; at++) {
        if (at != from && text[at - 1] != '\n')
            continue; /* not a line start */
        if (!found && at >= lo) {
            *begin = at;
            found = true;
        }
        if (at >= hi && k + 1 < parts) {
            *end = found ? at : len;
            return;
        }
    }
}

/* Ranks' parts of a .gz (sf_file_read_part_in) are the parts of its
 * inflated bytes, line by line as the reference above cuts them, and those
 * of the plain file: one gzip member (the cut at the size its trailer
 * records) and two members (the trailer gives the second's size only, so
 * the cut must be made again at the true size), text with and without a
 * last '\n', from the start and from after a header line, 1 to 4 parts,
 * inflated 1, 7, 64 bytes a window and 4096 or the default for a larger
 * file. A .gz cut short is corrupt data for every part, the first too,
 * whose lines come before the damage. */
Test(io, gzip_parts_are_the_inflated_bytes_parts, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    static const size_t windows[] = {1, 7, 64, 4096, 0}; /* 0: sf_file_read_part_from */
    for (int w = 0; w < 5; w++) {
        size_t len_a, len_b;
        size_t lines = windows[w] == 1 ? 24 : windows[w] < 100 ? 60 : 5000;
        char *a = make_big_text(lines, &len_a, 31 + (uint64_t)w);
        char *b = make_big_text(lines / 2, &len_b, 77 + (uint64_t)w);
        if (w % 2)
            len_b--; /* no '\n' at the end */
        char *text = malloc(len_a + len_b + 1);
        memcpy(text, a, len_a);
        memcpy(text + len_a, b, len_b);
        size_t len = len_a + len_b;
        char *plain = write_file("p.el", text, len);
        char *one = write_gz("one.el.gz", text, len);
        char *pa = write_gz("a.gz", a, len_a), *pb = write_gz("b.gz", b, len_b);
        size_t na, nb;
        char *ga = read_file(pa, &na), *gb = read_file(pb, &nb);
        char *joined = malloc(na + nb);
        memcpy(joined, ga, na);
        memcpy(joined + na, gb, nb);
        char *two = write_file("two.el.gz", joined, na + nb);
        const char *files[] = {plain, one, two};
        size_t header = (size_t)((const char *)memchr(text, '\n', len) - text) + 1;
        for (int f = 0; f < 3; f++)
            for (size_t from = 0; from <= header; from += header)
                for (int parts = 1; parts <= 4; parts++)
                    for (int k = 0; k < parts; k++) {
                        char *part;
                        size_t got, begin, end;
                        sf_error err = {{0}};
                        int rc = windows[w]
                                     ? sf_file_read_part_in(files[f], from, k, parts, windows[w],
                                                            &part, &got, &err)
                                     : sf_file_read_part_from(files[f], from, k, parts, &part,
                                                              &got, &err);
                        cr_assert_eq(rc, 0, "%s: %s", files[f], err.msg);
                        reference_part(text, len, from, k, parts, &begin, &end);
                        cr_assert_eq(got, end - begin,
                                     "%s window %zu from %zu: part %d of %d has %zu bytes, "
                                     "expected %zu",
                                     files[f], windows[w], from, k, parts, got, end - begin);
                        cr_assert_eq(memcmp(part, text + begin, got), 0,
                                     "%s window %zu: part %d of %d", files[f], windows[w], k,
                                     parts);
                        cr_assert_eq(part[got], '\0');
                        free(part);
                    }
        char *cut = write_file("cut.el.gz", joined, na + nb / 2);
        char *expected;
        cr_assert(asprintf(&expected, "%s: corrupt gzip data", cut) > 0);
        for (int k = 0; k < 3; k++) {
            char *part;
            size_t got;
            sf_error err = {{0}};
            cr_expect_eq(sf_file_read_part_in(cut, 0, k, 3, windows[w] ? windows[w] : 4096,
                                              &part, &got, &err),
                         SF_EINPUT, "part %d", k);
            cr_expect_str_eq(err.msg, expected);
            cr_expect_null(part);
        }
        free(expected);
        free(cut);
        free(a); free(b); free(text); free(plain); free(one); free(pa); free(pb);
        free(ga); free(gb); free(joined); free(two);
    }
}

/* Bytes of the `field` line ("VmRSS:", "VmHWM:") of /proc/self/status. */
static uint64_t status_bytes(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    cr_assert_not_null(f);
    char line[256];
    unsigned long long kib = 0;
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, field, strlen(field)) == 0 &&
                sscanf(line + strlen(field), "%llu", &kib) == 1;
    fclose(f);
    cr_assert(found, "no %s in /proc/self/status", field);
    return (uint64_t)kib << 10;
}

/* Starts the peak resident memory (VmHWM) again from what is resident now
 * (Linux's clear_refs, since 4.0); returns that. */
static uint64_t restart_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    cr_assert_not_null(f, "/proc/self/clear_refs: %s", strerror(errno));
    cr_assert_eq(fputs("5", f) >= 0 && fclose(f) == 0, true, "cannot reset VmHWM");
    return status_bytes("VmRSS:");
}

/* The part holds exactly the reference's lines. (The size of its buffer
 * would show nothing here: it starts at the part's share and 64 KiB, for
 * parts this size within the quarter that read_stream_lines leaves
 * untrimmed, and anything bigger is trimmed. The trim is checked where a
 * buffer needs it: expect_trimmed_reads.) */
static void expect_part(const char *text, size_t len, int k, int parts, const char *part,
                        size_t got)
{
    size_t begin, end;
    reference_part(text, len, 0, k, parts, &begin, &end);
    cr_assert_eq(got, end - begin, "part %d of %d: %zu bytes, its lines have %zu", k, parts, got,
                 end - begin);
    cr_assert_eq(memcmp(part, text + begin, got), 0, "part %d of %d", k, parts);
}

/* A rank's part of a .gz is inflated window by window and holds only its
 * own lines. The file: some 21 MiB of text, its gzip bigger than the
 * inflater's input buffer (SF_GZ_INPUT_BYTES: it refills) and many windows
 * long. Reading part 5 of 16 with 256 KiB windows makes resident no more
 * than the part's share and an eighth (its buffer, with room for its last
 * line), the two windows, the input buffer and 2 MiB for the allocator.
 * The fixed allowances (10.5 MiB) dwarf the share (1.3 MiB): the bound,
 * about 12 MiB, is some 9 times the share, so it catches a reader that
 * holds the whole text (21 MiB), not a part's buffer grown by half. The three
 * parts of 3, read as ranks read them, are each only their own lines (the
 * reference's parts of 3 follow one another and end at the text's end, so
 * together they are the inflated text). */
Test(io, gzip_part_inflates_by_windows_and_holds_its_share, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    size_t len;
    char *text = make_big_text(800000, &len, 2718);
    char *path = tmp_path("big.el.gz");
    gzFile gz = gzopen(path, "wb1");
    cr_assert_not_null(gz);
    cr_assert_eq(gzwrite(gz, text, (unsigned)len), (int)len);
    cr_assert_eq(gzclose(gz), Z_OK);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_gt((size_t)st.st_size, SF_GZ_INPUT_BYTES, "%zu bytes of gzip", (size_t)st.st_size);

    const int parts = 16, k = 5;
    const size_t window = (size_t)256 << 10;
    uint64_t bound = (len / parts) + (len / parts) / 8 + 2 * window + SF_GZ_INPUT_BYTES +
                     ((uint64_t)2 << 20);
    cr_assert_lt(bound, len, "the text (%zu bytes) outweighs what a part may hold", len);
    char *part;
    size_t got;
    sf_error err = {{0}};
    uint64_t before = restart_peak_rss();
    cr_assert_eq(sf_file_read_part_in(path, 0, k, parts, window, &part, &got, &err), 0, "%s",
                 err.msg);
    uint64_t grew = status_bytes("VmHWM:") - before;
    cr_assert_leq(grew, bound,
                  "reading part %d of %d (%zu bytes) made %" PRIu64 " bytes resident; the text "
                  "has %zu", k, parts, got, grew, len);
    expect_part(text, len, k, parts, part, got);
    free(part);

    for (int r = 0; r < 3; r++) {
        cr_assert_eq(sf_file_read_part(path, r, 3, &part, &got, &err), 0, "%s", err.msg);
        expect_part(text, len, r, 3, part, got);
        free(part);
    }
    free(path);
    free(text);
}

/* PATH, `copies` copies of text[0..len) and "1 2\n", read whole and as its
 * one part, where the size hint overshoots it: the bytes, handed back in a
 * buffer trimmed to them (within half again: jemalloc's size classes are
 * a quarter of a power of two apart), not in the one the hint sized. */
static void expect_trimmed_reads(const char *path, const char *text, size_t len, int copies)
{
    for (int whole = 0; whole < 2; whole++) {
        char *data;
        size_t got;
        sf_error err = {{0}};
        int rc = whole ? sf_file_read(path, &data, &got, &err)
                       : sf_file_read_part(path, 0, 1, &data, &got, &err);
        const char *how = whole ? "whole" : "one part";
        cr_assert_eq(rc, 0, "%s", err.msg);
        cr_assert_eq(got, len * (size_t)copies + 4, "%s: %zu bytes", how, got);
        for (int k = 0; k < copies; k++)
            cr_assert_eq(memcmp(data + len * (size_t)k, text, len), 0, "%s: copy %d", how, k);
        cr_assert_eq(memcmp(data + got - 4, "1 2\n", 4), 0, "%s", how);
        cr_assert_lt(malloc_usable_size(data), got + got / 2, "%s: %zu bytes in a buffer of %zu",
                     how, got, malloc_usable_size(data));
        free(data);
    }
}

/* The trailer's size is taken where it is plausible: a stored (level 0)
 * gzip is a little bigger than its text and still records it exactly,
 * also one of 8 copies of the text (some 21 MiB) whose stored blocks (5
 * bytes each, at most 64 KiB a block: some 3 KiB here, as zlib cuts them)
 * add more than the 1024 bytes allowed a header: only the allowance of
 * 1/4096 of the text admits it; two members
 * record only the last one's size, which a big first member makes
 * implausible (the 4x estimate, whatever the compression). A stored first
 * member then makes the hint some 4 times the text: the buffer it sized
 * is trimmed to the text before it is handed back (expect_trimmed_reads). */
Test(io, gzip_size_hint_trusts_stored_files_not_a_last_member, .init = make_tmp_dir,
     .fini = remove_tmp_dir)
{
    size_t len;
    char *text = make_big_text(100000, &len, 31);
    const struct {
        const char *mode;
        int copies; /* of the text in the first member */
    } cases[] = {{"wb0", 1}, {"wb0", 8}, {"wb1", 1}, {"wb9", 1}};
    for (int c = 0; c < 4; c++) {
        char name[32];
        snprintf(name, sizeof name, "hint%d.el.gz", c);
        char *path = tmp_path(name);
        uint64_t text_bytes = (uint64_t)cases[c].copies * len;
        for (int members = 1; members <= 2; members++) {
            gzFile gz = gzopen(path, members == 1 ? cases[c].mode : "ab1");
            cr_assert_not_null(gz);
            for (int k = 0; k < (members == 1 ? cases[c].copies : 1); k++) {
                const char *bytes = members == 1 ? text : "1 2\n";
                unsigned n = members == 1 ? (unsigned)len : 4;
                cr_assert_eq(gzwrite(gz, bytes, n), (int)n);
            }
            cr_assert_eq(gzclose(gz), Z_OK);
            int fd = open(path, O_RDONLY);
            struct stat st;
            cr_assert(fd >= 0 && fstat(fd, &st) == 0);
            uint64_t packed = (uint64_t)st.st_size;
            uint64_t hint = sf_gzip_size_hint(fd, packed);
            close(fd);
            if (members == 1 && cases[c].copies > 1)
                cr_assert_gt(packed, text_bytes + 1024,
                             "%s: %" PRIu64 " bytes packed, %" PRIu64 " of text: too little "
                             "overhead to need the 1/4096 allowance", cases[c].mode, packed,
                             text_bytes);
            if (members == 1)
                cr_expect_eq(hint, text_bytes,
                             "%s, %" PRIu64 " bytes packed: hint %" PRIu64 ", text %" PRIu64,
                             cases[c].mode, packed, hint, text_bytes);
            else
                cr_expect_eq(hint, 4 * packed, "%s and a 4-byte member: hint %" PRIu64,
                             cases[c].mode, hint);
            if (members == 2 && strcmp(cases[c].mode, "wb0") == 0) { /* stored */
                cr_assert_gt(hint, 3 * text_bytes, "a hint that overshoots: %" PRIu64, hint);
                expect_trimmed_reads(path, text, len, cases[c].copies);
            }
        }
        free(path);
    }
    free(text);
}

#ifdef SF_HAVE_JEMALLOC
/* The most bytes this thread held at once (allocated less freed) while
 * `path` was read whole (part 0 of 1) or as part 0 of 2, and that read's
 * result: jemalloc's thread.peak (5.3 on, within some 100 KiB), which
 * counts what was reserved whether or not it was ever touched. */
static uint64_t peak_reading(const char *path, int parts, int *rc)
{
    uint64_t peak;
    size_t len = sizeof peak;
    cr_assert_eq(mallctl("thread.peak.reset", NULL, NULL, NULL, 0), 0, "jemalloc's thread.peak");
    char *data = NULL;
    size_t got;
    sf_error err = {{0}};
    *rc = parts == 1 ? sf_file_read(path, &data, &got, &err)
                     : sf_file_read_part(path, 0, parts, &data, &got, &err);
    cr_assert_eq(mallctl("thread.peak.read", &peak, &len, NULL, 0), 0);
    free(data);
    return peak;
}
#endif

/* A trailer claiming more than deflate can expand to (1032 to 1) is
 * damaged: the hint is then the estimate, not gigabytes to reserve. The
 * fuzzer found it (an out-of-memory stop): 32 bytes of gzip holding twelve
 * bytes of text, whose trailer says 0xb300000c (2.8 GiB). Read whole or as
 * a part, the reader then holds at most its stream's input buffer and two
 * windows and 1 MiB (zlib's state and the text's buffer, which the
 * estimate sizes: some 90 KiB in all); a reader that believed the trailer
 * would reserve 2.8 GiB (1.4 GiB for part 0 of 2) at once, untouched:
 * only the allocator's count shows it, resident memory would not. The
 * read then fails, as zlib checks the trailer's length against the bytes
 * it inflated, with or without the bound: that outcome is asserted, not
 * credited to the bound.
 * (Builds without jemalloc, the sanitizers', cannot count it: they check
 * the hint and the failure.) */
Test(io, gzip_size_hint_refuses_more_than_deflate_can_expand)
{
    const char *path = "tests/fuzz/seeds/gzip/trailer_3_gib.el.gz";
    int fd = open(path, O_RDONLY);
    struct stat st;
    cr_assert(fd >= 0 && fstat(fd, &st) == 0, "%s", path);
    cr_assert_eq(st.st_size, 32);
    cr_expect_eq(sf_gzip_size_hint(fd, 32), 4 * 32);
    close(fd);
#ifdef SF_HAVE_JEMALLOC
    const uint64_t bound = SF_GZ_INPUT_BYTES + 2 * SF_FILE_BLOCK_BYTES + ((uint64_t)1 << 20);
    for (int parts = 1; parts <= 2; parts++) {
        int rc;
        uint64_t peak = peak_reading(path, parts, &rc);
        cr_expect_leq(peak, bound,
                      "part 0 of %d: %" PRIu64 " bytes held at once for 12 bytes of text",
                      parts, peak);
        cr_expect_eq(rc, SF_EINPUT, "part 0 of %d", parts);
    }
#else
    char *data;
    size_t got;
    sf_error err = {{0}};
    cr_expect_eq(sf_file_read(path, &data, &got, &err), SF_EINPUT);
#endif
}

/* Makes io_uring_setup fail with ENOSYS in this process, as a seccomp
 * profile in a container does. */
static void refuse_io_uring(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    install_seccomp(filter, sizeof filter / sizeof filter[0]);
}

Test(io, falls_back_to_pread_with_one_notice, .init = tmp_dir_and_stderr,
     .fini = remove_tmp_dir)
{
    size_t len = ((size_t)5 << 20) + 3;
    char *bytes = malloc(len);
    for (size_t i = 0; i < len; i++)
        bytes[i] = (char)(i * 31 + 7);
    char *path = write_file("fallback.bin", bytes, len);
    refuse_io_uring();
    for (int round = 0; round < 2; round++) {
        char *data;
        size_t got;
        sf_error err;
        cr_assert_eq(sf_file_read(path, &data, &got, &err), 0, "%s", err.msg);
        cr_assert_eq(got, len);
        cr_expect_eq(memcmp(data, bytes, len), 0);
        free(data);
    }
    fflush(stderr);
    cr_expect_stderr_eq_str("shardflow: io_uring unavailable (Function not implemented), "
                            "reading with pread\n");
    free(path);
    free(bytes);
}

/* ---- the dispatcher ---- */

Test(io, dispatch_by_suffix, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    sf_edge_list list;
    sf_error err;
    char *txt = write_text("g.txt", "# x\n1 2\n");
    char *wel = write_text("g.wel", "1 2 0.5\n");
    char *bad_wel = write_text("h.wel", "1 2\n");
    char *mtx = write_text("g.xyz", "1 2\n");
    sf_edge_list_init(&list);
    cr_expect_eq(sf_input_read_file(txt, &list, &err), 0, "%s", err.msg);
    cr_expect_eq(sf_input_read_file(wel, &list, &err), 0, "%s", err.msg);
    cr_expect_eq(list.count, 2);
    sf_edge_list_fini(&list);

    sf_edge_list_init(&list);
    cr_expect_eq(sf_input_read_file(bad_wel, &list, &err), SF_EINPUT);
    cr_expect(strstr(err.msg, "needs 3 columns") != NULL, "%s", err.msg);
    sf_edge_list_fini(&list);

    sf_edge_list_init(&list);
    char *expected;
    cr_assert(asprintf(&expected,
                       "%s: unknown graph format (expected .e, .el, .txt, .wel, .mtx, .sg, .wsg, "
                       ".bin, .wbin, optionally .gz, or .sfg)",
                       mtx) > 0);
    cr_expect_eq(sf_input_read_file(mtx, &list, &err), SF_EUSAGE);
    cr_expect_str_eq(err.msg, expected);
    sf_edge_list_fini(&list);
    free(expected);
    free(txt);
    free(wel);
    free(bad_wel);
    free(mtx);
}

/* ---- LDBC ---- */

Test(io, ldbc_companions_and_properties, .init = make_tmp_dir, .fini = remove_tmp_dir)
{
    char *e = write_text("tiny.e", "1 2 0.5\n2 3 1.5\n");
    char *v = write_text("tiny.v", "1\n2\n3\n# isolated:\n40\n");
    char *props = write_text("tiny.properties",
                             "# LDBC style keys\n"
                             "graph.tiny.directed = false\n"
                             "graph.tiny.meta.vertices = 4\n"
                             "graph.tiny.pr.damping-factor =  0.85  \n"
                             "graph.other.bfs.source-vertex = 9\n"
                             "bfs.source-vertex: 2\n");
    sf_edge_list list;
    sf_error err;
    sf_edge_list_init(&list);
    cr_assert_eq(sf_input_read_file(e, &list, &err), 0, "%s", err.msg);
    cr_expect_eq(list.count, 2);
    cr_expect_eq(list.num_vertex_ids, 4);
    cr_expect_eq(list.vertex_ids[3], 40);
    cr_expect_eq(list.declared_directed, 0);
    sf_edge_list_fini(&list);

    char value[32];
    cr_expect_eq(sf_ldbc_property(e, "pr.damping-factor", value, sizeof value, &err), 1);
    cr_expect_str_eq(value, "0.85");
    cr_expect_eq(sf_ldbc_property(e, "vertices", value, sizeof value, &err), 1);
    cr_expect_str_eq(value, "4");
    /* bare beats graph.OTHER. */
    cr_expect_eq(sf_ldbc_property(e, "bfs.source-vertex", value, sizeof value, &err), 1);
    cr_expect_str_eq(value, "2");
    cr_expect_eq(sf_ldbc_property(e, "sssp.source-vertex", value, sizeof value, &err), 0);
    cr_expect_lt(sf_ldbc_property(e, "pr.damping-factor", value, 3, &err), 0);

    /* No .v, no .properties: the edges alone, directedness unknown. */
    char *lone = write_text("lone.e", "5 6\n");
    sf_edge_list_init(&list);
    cr_assert_eq(sf_input_read_file(lone, &list, &err), 0, "%s", err.msg);
    cr_expect_null(list.vertex_ids);
    cr_expect_eq(list.declared_directed, -1);
    cr_expect_eq(sf_ldbc_property(lone, "directed", value, sizeof value, &err), 0);
    sf_edge_list_fini(&list);

    /* A bad .v line. */
    char *e2 = write_text("badv.e", "1 2\n");
    char *v2 = write_text("badv.v", "1\n2 3\n");
    sf_edge_list_init(&list);
    cr_expect_eq(sf_input_read_file(e2, &list, &err), SF_EINPUT);
    cr_expect(strstr(err.msg, "badv.v:2: expected 1 column, found 2") != NULL, "%s", err.msg);
    sf_edge_list_fini(&list);

    /* Asked for 32-bit ids (as the CLI asks), an .e parses narrow while
     * its ids fit and widens at the first that does not; the .v's ids stay
     * 64-bit in vertex_ids either way. */
    const sf_input_options narrow = {.narrow = true};
    sf_edge_list_init(&list);
    cr_assert_eq(sf_input_read(e, &narrow, &list, &err), 0, "%s", err.msg);
    cr_expect(list.narrow, "ids that fit 32 bits stay narrow");
    cr_expect_eq(list.count, 2);
    cr_expect_eq(list.narrow ? list.dst32[1] : 0, 3);
    sf_edge_list_fini(&list);
    char *we = write_text("wide.e", "1 2\n2 4294967296\n4294967295 1\n");
    char *wv = write_text("wide.v", "1\n2\n4294967295\n4294967296\n99999999999\n");
    sf_edge_list_init(&list);
    cr_assert_eq(sf_input_read(we, &narrow, &list, &err), 0, "%s", err.msg);
    cr_expect(!list.narrow, "an id of 2^32 widens the list");
    cr_assert_eq(list.count, 3);
    cr_expect(list.src[0] == 1 && list.dst[0] == 2 && list.src[1] == 2 &&
              list.dst[1] == 4294967296ull && list.src[2] == 4294967295ull && list.dst[2] == 1,
              "the arcs, whole after widening");
    cr_assert_eq(list.num_vertex_ids, 5);
    cr_expect_eq(list.vertex_ids[4], 99999999999ull);
    sf_edge_list_fini(&list);

    free(e), free(v), free(props), free(lone), free(e2), free(v2), free(we), free(wv);
}

Test(io, ldbc_datasets_load_with_stated_counts)
{
    char *dir_path;
    cr_assert(asprintf(&dir_path, "%s/ldbc", datasets_dir()) > 0);
    DIR *dir = opendir(dir_path);
    cr_assert_not_null(dir, "%s: %s (set SF_DATASETS)", dir_path, strerror(errno));
    int graphs = 0;
    for (struct dirent *de; (de = readdir(dir)) != NULL;) {
        size_t n = strlen(de->d_name);
        if (n < 3 || strcmp(de->d_name + n - 2, ".e") != 0)
            continue;
        char *path, value[64];
        cr_assert(asprintf(&path, "%s/%s", dir_path, de->d_name) > 0);
        sf_edge_list list;
        sf_error err;
        sf_edge_list_init(&list);
        cr_assert_eq(sf_input_read_file(path, &list, &err), 0, "%s", err.msg);

        cr_assert_eq(sf_ldbc_property(path, "vertices", value, sizeof value, &err), 1, "%s", path);
        cr_expect_eq(list.num_vertex_ids, strtoull(value, NULL, 10), "%s", path);
        cr_assert_eq(sf_ldbc_property(path, "edges", value, sizeof value, &err), 1, "%s", path);
        cr_expect_eq(list.count, strtoull(value, NULL, 10), "%s", path);
        cr_assert_eq(sf_ldbc_property(path, "directed", value, sizeof value, &err), 1, "%s", path);
        cr_expect_eq(list.declared_directed, strcmp(value, "true") == 0, "%s", path);
        cr_assert_eq(sf_ldbc_property(path, "weighted", value, sizeof value, &err), 1, "%s", path);
        cr_expect_eq(list.weight != NULL, strcmp(value, "true") == 0, "%s", path);

        sf_edge_list_fini(&list);
        free(path);
        graphs++;
    }
    closedir(dir);
    free(dir_path);
    cr_expect_geq(graphs, 14, "found %d LDBC graphs", graphs);
}

/* ---- SNAP ---- */

Test(io, snap_datasets_load_with_stated_counts)
{
    char *dir_path;
    cr_assert(asprintf(&dir_path, "%s/snap", datasets_dir()) > 0);
    DIR *dir = opendir(dir_path);
    cr_assert_not_null(dir, "%s: %s (set SF_DATASETS)", dir_path, strerror(errno));
    int graphs = 0;
    for (struct dirent *de; (de = readdir(dir)) != NULL;) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 7, ".txt.gz") != 0)
            continue;
        char *path;
        cr_assert(asprintf(&path, "%s/%s", dir_path, de->d_name) > 0);

        /* The header says "# Nodes: N Edges: M". */
        char *text;
        size_t len;
        sf_error err;
        cr_assert_eq(sf_file_read(path, &text, &len, &err), 0, "%s", err.msg);
        const char *counts = strstr(text, "# Nodes:");
        cr_assert_not_null(counts, "%s: no '# Nodes:' header", path);
        unsigned long long nodes, edges;
        cr_assert_eq(sscanf(counts, "# Nodes: %llu Edges: %llu", &nodes, &edges), 2);
        free(text);

        sf_edge_list list;
        sf_edge_list_init(&list);
        cr_assert_eq(sf_input_read_file(path, &list, &err), 0, "%s", err.msg);
        cr_expect_eq(list.count, edges, "%s: %" PRIu64 " arcs, header says %llu", path,
                     list.count, edges);
        uint64_t max_id = 0;
        for (uint64_t i = 0; i < list.count; i++) {
            max_id = list.src[i] > max_id ? list.src[i] : max_id;
            max_id = list.dst[i] > max_id ? list.dst[i] : max_id;
        }
        cr_expect_eq(max_id, nodes, "%s: ids are 1..n", path);
        sf_edge_list_fini(&list);
        free(path);
        graphs++;
    }
    closedir(dir);
    free(dir_path);
    cr_expect_geq(graphs, 6, "found %d SNAP graphs", graphs);
}
