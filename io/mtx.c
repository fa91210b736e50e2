/* Matrix Market coordinate files. The one idea: past its banner and size
 * line, a coordinate file is a text edge list ("I J [VALUE]" per line), so
 * it is read as one, a window at a time (io/text_reader.h): the header's
 * lines go through a hook that reads them line by line, the entries
 * through the parallel text parser (told the column count the banner
 * implies, so its messages carry file lines), and what is particular to
 * Matrix Market is checked on each window's arcs by another hook: the
 * declared size (a parallel pass finds the first entry outside it and
 * marks the ids entries name), the declared entry count, and at the end
 * the ids in 1..N that no entry names, which must stay vertices. A file's
 * bytes already in memory (sf_parse_mtx) go through the same hooks as one
 * window, so both paths make the same checks with the same messages; so do
 * the shares of MPI ranks (each the header, then a range of entry lines),
 * whose checks are the same functions told where the share stands. */
#include "io/mtx.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/graph.h"
#include "engine/parallel.h"
#include "io/text_edges.h"
#include "io/text_reader.h"

#define QUOTE_MAX 64
/* For format strings: "%%%%" prints "%%". */
#define BANNER "%%%%MatrixMarket matrix coordinate FIELD SYMMETRY"

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* A token of at most QUOTE_MAX bytes, for messages. */
struct quoted {
    char text[QUOTE_MAX + 4];
};

static struct quoted quote(const char *tok, size_t n)
{
    struct quoted q;
    if (n > QUOTE_MAX)
        snprintf(q.text, sizeof q.text, "%.*s...", QUOTE_MAX, tok);
    else
        snprintf(q.text, sizeof q.text, "%.*s", (int)n, tok);
    return q;
}

/* Splits [p, end) into blank-separated tokens; returns how many, filling at
 * most max of tok/tok_len. */
static int tokenize(const char *p, const char *end, const char **tok, size_t *tok_len, int max)
{
    int n = 0;
    for (;;) {
        while (p < end && is_blank(*p))
            p++;
        if (p == end)
            return n;
        const char *start = p;
        while (p < end && !is_blank(*p))
            p++;
        if (n < max) {
            tok[n] = start;
            tok_len[n] = (size_t)(p - start);
        }
        n++;
    }
}

static bool token_is(const char *tok, size_t n, const char *word)
{
    return n == strlen(word) && strncasecmp(tok, word, n) == 0;
}

/* An unsigned decimal token that fits in 64 bits. */
static bool parse_u64(const char *tok, size_t n, uint64_t *value)
{
    uint64_t v = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)tok[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *value = v;
    return true;
}

/* The end of the line starting at p: its '\n', or end. */
static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

static int check_banner(const char *path, const char *p, const char *end, sf_mtx_header *h,
                        sf_error *err)
{
    const char *tok[5];
    size_t n[5];
    int found = tokenize(p, end, tok, n, 5);
    if (found == 0 || !token_is(tok[0], n[0], "%%MatrixMarket"))
        return sf_error_set(err, SF_EINPUT,
                            "%s:1: not a Matrix Market file (the first line must be '" BANNER "')",
                            path);
    if (found < 5)
        return sf_error_set(err, SF_EINPUT, "%s:1: incomplete banner (expected '" BANNER "')",
                            path);
    if (!token_is(tok[1], n[1], "matrix"))
        return sf_error_set(err, SF_EINPUT, "%s:1: unsupported object '%s' (expected matrix)",
                            path, quote(tok[1], n[1]).text);
    if (token_is(tok[2], n[2], "array"))
        return sf_error_set(err, SF_EINPUT,
                            "%s:1: unsupported format 'array' (a dense matrix; graphs are read "
                            "from 'coordinate' files)",
                            path);
    if (!token_is(tok[2], n[2], "coordinate"))
        return sf_error_set(err, SF_EINPUT, "%s:1: unsupported format '%s' (expected coordinate)",
                            path, quote(tok[2], n[2]).text);
    if (token_is(tok[3], n[3], "pattern"))
        h->weighted = false;
    else if (token_is(tok[3], n[3], "real") || token_is(tok[3], n[3], "integer") ||
             token_is(tok[3], n[3], "double"))
        h->weighted = true;
    else
        return sf_error_set(err, SF_EINPUT,
                            "%s:1: unsupported field '%s' (expected pattern, real or integer)",
                            path, quote(tok[3], n[3]).text);
    if (token_is(tok[4], n[4], "general"))
        h->symmetric = false;
    else if (token_is(tok[4], n[4], "symmetric"))
        h->symmetric = true;
    else
        return sf_error_set(err, SF_EINPUT,
                            "%s:1: unsupported symmetry '%s' (expected general or symmetric)",
                            path, quote(tok[4], n[4]).text);
    return 0;
}

/* The vertices of an N x M matrix: ids 1..max(N, M). */
static uint64_t matrix_vertices(const sf_mtx_header *h)
{
    return h->rows > h->cols ? h->rows : h->cols;
}

/* The header's line number `line` (text p..e, its '\n' left out): the
 * banner when line is 1, then comment and blank lines, then the size line,
 * which sets *done. */
static int header_line(const char *path, const char *p, const char *e, uint64_t line,
                       sf_mtx_header *h, bool *done, sf_error *err)
{
    if (line == 1)
        return check_banner(path, p, e, h, err);
    const char *q = p;
    while (q < e && is_blank(*q))
        q++;
    static const char shift_note[] = "% shardflow: index = original id + 1";
    if ((size_t)(e - q) >= sizeof shift_note - 1 &&
        memcmp(q, shift_note, sizeof shift_note - 1) == 0)
        h->shifted = true;
    if (q == e || *q == '%')
        return 0;
    const char *tok[3];
    size_t n[3];
    if (tokenize(q, e, tok, n, 3) != 3 || !parse_u64(tok[0], n[0], &h->rows) ||
        !parse_u64(tok[1], n[1], &h->cols) || !parse_u64(tok[2], n[2], &h->entries)) {
        const char *shown_end = e;
        while (shown_end > q && is_blank(shown_end[-1]))
            shown_end--;
        return sf_error_set(err, SF_EINPUT,
                            "%s:%llu: bad size line '%s' (expected ROWS COLUMNS ENTRIES)", path,
                            (unsigned long long)line, quote(q, (size_t)(shown_end - q)).text);
    }
    uint64_t vertices = matrix_vertices(h);
    if (vertices > SF_MAX_VERTICES)
        return sf_error_set(err, SF_EINPUT,
                            "%s:%llu: a %llu x %llu matrix has more than the %llu vertices "
                            "a graph may have",
                            path, (unsigned long long)line, (unsigned long long)h->rows,
                            (unsigned long long)h->cols, (unsigned long long)SF_MAX_VERTICES);
    *done = true;
    return 0;
}

/* Before a reader lists `vertices` of the matrix, `bytes` each, for each
 * of `copies` (the ranks of a node): whether memory holds them
 * (sf_physical_memory; a size line of a few bytes can declare billions);
 * else the one line, at the size line. */
static int check_room(const char *path, const sf_mtx_header *h, uint64_t vertices,
                      unsigned bytes, int copies, sf_error *err)
{
    char words[128];
    if (!sf_beyond_memory((double)vertices * bytes * copies, words, sizeof words))
        return 0;
    return sf_error_set(err, SF_EINPUT, "%s:%llu: a %llu x %llu matrix: its vertices need %s",
                        path, (unsigned long long)(h->body_line - 1), (unsigned long long)h->rows,
                        (unsigned long long)h->cols, words);
}

static int missing_size_line(const char *path, uint64_t line, sf_error *err)
{
    return sf_error_set(err, SF_EINPUT, "%s:%llu: missing size line (ROWS COLUMNS ENTRIES)", path,
                        (unsigned long long)line);
}

int sf_mtx_read_header(const char *path, const char *text, size_t len, sf_mtx_header *h,
                       sf_error *err)
{
    const char *end = text + len, *p = text;
    memset(h, 0, sizeof *h);
    for (uint64_t line = 1;; line++) {
        const char *e = line_end(p, end);
        bool done = false;
        int rc = header_line(path, p, e, line, h, &done, err);
        if (rc)
            return rc;
        if (done) {
            h->body = e < end ? (size_t)(e + 1 - text) : len;
            h->body_line = line + 1;
            return 0;
        }
        if (e == end || e + 1 == end)
            return missing_size_line(path, line + 1, err);
        p = e + 1;
    }
}

/* ---- the checks on the entries, a window at a time ---- */

/* A read in progress: the header as far as it went, then what the entries
 * so far have shown. */
struct mtx_read {
    const char *path;
    sf_edge_reader *reader;
    sf_mtx_header h;
    uint64_t lines;          /* header lines taken */
    uint64_t taken;          /* header bytes taken */
    bool empty;              /* a 0-byte file: an empty graph */
    uint8_t *named;          /* named[v]: an entry names id v (1..vertices) */
    /* An entry broke the header's word. Its message waits for the end of
     * the file, because a bad line anywhere (the parser's message) comes
     * first, as when the whole file is parsed before it is checked. */
    bool failed;
    sf_error failure;
};

/* One pass over arcs [from, to) of l, narrow or wide: marks in named[1..n]
 * (when not NULL) every id an arc names, and returns the index of the first
 * arc with an end outside 1..rows (sources) or 1..cols (targets), or `to`
 * when all are inside. Bytes, not bits: a plain store per end, and racing
 * stores all write 1. */
static uint64_t mark_named(const sf_edge_list *l, uint64_t from, uint64_t to, uint64_t rows,
                           uint64_t cols, uint8_t *named)
{
    const bool narrow = l->narrow;
    uint64_t first = to;
#pragma omp parallel for schedule(static) reduction(min : first)
    for (uint64_t i = from; i < to; i++) {
        uint64_t s, d;
        sf_edge_list_ends(l, narrow, i, &s, &d);
        if ((s - 1 >= rows) | (d - 1 >= cols)) { /* 0 wraps to UINT64_MAX */
            if (i < first)
                first = i;
            continue;
        }
        if (named) {
            __atomic_store_n(&named[s], 1, __ATOMIC_RELAXED);
            __atomic_store_n(&named[d], 1, __ATOMIC_RELAXED);
        }
    }
    return first;
}

/* The first of arcs [from, to) of l, which are the file's entries
 * first_entry, first_entry + 1, ..., that breaks the header's word: an
 * entry outside the matrix (*outside set), or the first past the declared
 * count, whichever comes first in the file (the same entry: outside). `to`
 * when none does. Marks the ids the arcs name as mark_named does. */
static uint64_t first_bad_entry(const sf_mtx_header *h, const sf_edge_list *l, uint64_t from,
                                uint64_t to, uint64_t first_entry, uint8_t *named, bool *outside)
{
    uint64_t outside_at = mark_named(l, from, to, h->rows, h->cols, named);
    uint64_t past = h->entries > first_entry ? from + (h->entries - first_entry) : from;
    past = past < to ? past : to;
    *outside = outside_at < to && outside_at <= past;
    return *outside ? outside_at : past;
}

/* The message for arc `bad` of l found by first_bad_entry, on file line
 * `line`. */
static void entry_error(const char *path, const sf_mtx_header *h, const sf_edge_list *l,
                        uint64_t bad, bool outside, uint64_t line, sf_error *err)
{
    unsigned long long size_line = h->body_line - 1;
    if (!outside) {
        sf_error_set(err, SF_EINPUT, "%s:%llu: more entries than the %llu declared on line %llu",
                     path, (unsigned long long)line, (unsigned long long)h->entries, size_line);
        return;
    }
    uint64_t i, j;
    sf_edge_list_ends(l, l->narrow, bad, &i, &j);
    sf_error_set(err, SF_EINPUT, "%s:%llu: entry (%llu, %llu) is outside the %llu x %llu matrix%s",
                 path, (unsigned long long)line, (unsigned long long)i, (unsigned long long)j,
                 (unsigned long long)h->rows, (unsigned long long)h->cols,
                 i == 0 || j == 0 ? " (indices are 1-based)" : "");
}

/* Fewer entries than declared: the message, at the file's last line, where
 * the file's end is on line line_at_end and open_end says that its last
 * byte is not a '\n' (a final '\n' ends a line, it starts none). */
static int too_few_entries(const char *path, const sf_mtx_header *h, uint64_t found,
                           bool open_end, uint64_t line_at_end, sf_error *err)
{
    uint64_t last_line = line_at_end - !open_end;
    return sf_error_set(err, SF_EINPUT,
                        "%s:%llu: the file ends after %llu of the %llu entries declared on line "
                        "%llu",
                        path, (unsigned long long)last_line, (unsigned long long)found,
                        (unsigned long long)h->entries, (unsigned long long)h->body_line - 1);
}

/* Indices are original ids + 1 (a note said so): every id moves back. */
static void shift_back(sf_edge_list *out)
{
    if (out->narrow) {
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < out->count; i++) {
            out->src32[i]--;
            out->dst32[i]--;
        }
    } else {
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < out->count; i++) {
            out->src[i]--;
            out->dst[i]--;
        }
    }
    for (uint64_t i = 0; i < out->num_vertex_ids; i++)
        out->vertex_ids[i]--;
}

/* Lists in out->vertex_ids the ids of 1..n that named[] does not mark. */
static int list_unnamed(sf_edge_list *out, const uint8_t *named, uint64_t n)
{
    uint64_t unnamed = 0;
#pragma omp parallel for schedule(static) reduction(+ : unnamed)
    for (uint64_t v = 1; v <= n; v++)
        unnamed += named[v] == 0;
    if (unnamed == 0)
        return 0;
    uint64_t *ids = malloc(unnamed * sizeof *ids), k = 0;
    if (!ids)
        return -ENOMEM;
    for (const uint8_t *p = named + 1, *end = named + n + 1;
         (p = memchr(p, 0, (size_t)(end - p))) != NULL; p++)
        ids[k++] = (uint64_t)(p - named);
    free(out->vertex_ids);
    out->vertex_ids = ids;
    out->num_vertex_ids = unnamed;
    return 0;
}

/* Header lines, a window's whole lines at a time (sf_edge_reader.head). */
static int mtx_head(void *arg, const char *text, size_t len, bool last, size_t *used,
                    bool *done, sf_error *err)
{
    struct mtx_read *m = arg;
    const char *end = text + len;
    *done = false;
    for (const char *p = text; p < end;) {
        const char *e = line_end(p, end);
        int rc = header_line(m->path, p, e, ++m->lines, &m->h, done, err);
        if (rc)
            return rc;
        p = e < end ? e + 1 : end;
        if (!*done)
            continue;
        *used = (size_t)(p - text);
        m->h.body = m->taken + *used;
        m->h.body_line = m->lines + 1;
        m->reader->columns = m->h.weighted ? 3 : 2;
        return 0;
    }
    *used = len;
    m->taken += len;
    if (!last)
        return 0;
    if (m->lines == 0) { /* no byte at all */
        m->empty = *done = true;
        return 0;
    }
    return missing_size_line(m->path, m->lines + 1, err);
}

/* The arcs a window brought against the header: the first entry outside
 * the matrix or past the declared count, whichever comes first, is kept
 * as the failure. */
static int check_window(struct mtx_read *m, sf_edge_window *w, const sf_edge_list *out,
                        sf_error *err)
{
    bool outside;
    uint64_t from = w->first_arc, to = out->count;
    uint64_t bad = first_bad_entry(&m->h, out, from, to, from, m->named, &outside);
    if (bad == to)
        return 0;
    uint64_t first_line;
    int rc = sf_edge_window_line(w, w->edges_at, &first_line, err);
    if (rc)
        return rc;
    uint64_t line = sf_edge_line_number(w->text + w->edges_at, w->len - w->edges_at, first_line,
                                        bad - from);
    m->failed = true;
    entry_error(m->path, &m->h, out, bad, outside, line, &m->failure);
    return 0;
}

/* The whole file has been read and every entry was inside: fewer entries
 * than declared fail at the file's last line; otherwise the ids no entry
 * names become listed vertices, and shifted ids are moved back. */
static int finish(struct mtx_read *m, sf_edge_window *w, sf_edge_list *out, sf_error *err)
{
    if (out->count < m->h.entries) {
        uint64_t line_at_end;
        int rc = sf_edge_window_line(w, w->len, &line_at_end, err);
        return rc ? rc
                  : too_few_entries(m->path, &m->h, out->count,
                                    w->len > 0 && w->text[w->len - 1] != '\n', line_at_end, err);
    }
    out->declared_directed = m->h.symmetric ? 0 : 1;
    if (list_unnamed(out, m->named, matrix_vertices(&m->h)))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", m->path);
    if (m->h.shifted) /* all >= 1: checked */
        shift_back(out);
    return 0;
}

/* Each window's arcs (sf_edge_reader.window). */
static int mtx_window(void *arg, sf_edge_window *w, sf_edge_list *out, sf_error *err)
{
    struct mtx_read *m = arg;
    if (m->empty)
        return 0;
    if (!m->named) {
        /* one process: a byte a vertex to mark those entries name, 8 for
         * each one listed as isolated (finish: all of them at worst), and
         * the build's 12 (sf_graph_build) */
        int rc = check_room(m->path, &m->h, matrix_vertices(&m->h), 9 + 12, 1, err);
        if (rc)
            return rc;
        if (!(m->named = calloc(matrix_vertices(&m->h) + 1, 1)))
            return sf_error_set(err, -ENOMEM, "%s: out of memory", m->path);
    }
    int rc = 0;
    if (!m->failed && out->count > w->first_arc)
        rc = check_window(m, w, out, err);
    if (rc)
        return rc;
    if (m->failed) /* only a bad line further on can change the message */
        out->count = w->first_arc;
    if (!w->last)
        return 0;
    if (m->failed) {
        if (err)
            *err = m->failure;
        return SF_EINPUT;
    }
    return finish(m, w, out, err);
}

/* text != NULL: the file's bytes in memory; else PATH read by windows. */
static int read_mtx(const char *path, const char *text, size_t len, size_t window,
                    sf_edge_list *out, sf_error *err)
{
    struct mtx_read m = {.path = path};
    sf_edge_reader reader = {.head = mtx_head, .window = mtx_window, .arg = &m};
    m.reader = &reader;
    int rc = text ? sf_parse_edge_windows(path, text, len, &reader, out, err)
                  : sf_read_edge_windows(path, window, &reader, out, err);
    free(m.named);
    return rc;
}

int sf_parse_mtx(const char *path, const char *text, size_t len, sf_edge_list *out,
                 sf_error *err)
{
    return read_mtx(path, text ? text : "", len, 0, out, err);
}

int sf_read_mtx_in(const char *path, size_t window, sf_edge_list *out, sf_error *err)
{
    return read_mtx(path, NULL, 0, window, out, err);
}

int sf_read_mtx(const char *path, sf_edge_list *out, sf_error *err)
{
    return sf_read_mtx_in(path, SF_TEXT_WINDOW_BYTES * (size_t)omp_get_max_threads(), out, err);
}

/* ---- shares: one file read by several processes ---- */

/* Enough for any header a person writes; a longer one takes more windows. */
#define HEADER_WINDOW ((size_t)64 << 10)

int sf_mtx_read_file_header(const char *path, sf_mtx_header *h, sf_error *err)
{
    struct mtx_read m = {.path = path};
    sf_edge_reader reader = {.head = mtx_head, .arg = &m};
    m.reader = &reader;
    int rc = sf_read_edge_head(path, HEADER_WINDOW, &reader, err);
    *h = m.h;
    if (rc == 0 && m.empty) /* no byte: no entry, and no line before the first */
        h->body_line = 1;
    return rc;
}

int sf_mtx_parse_share(const char *path, const sf_mtx_header *h, const sf_mtx_share *share,
                       sf_edge_list *out, sf_error *err)
{
    return sf_parse_edge_lines(path, share->text, share->len, share->first_line,
                               h->weighted ? 3 : 2, out, err);
}

int sf_mtx_finish_share(const char *path, const sf_mtx_header *h, const sf_mtx_share *share,
                        sf_edge_list *out, sf_error *err)
{
    bool outside;
    uint64_t bad = first_bad_entry(h, out, 0, out->count, share->first_entry, NULL, &outside);
    if (bad < out->count) {
        uint64_t line = sf_edge_line_number(share->text, share->len, share->first_line, bad);
        entry_error(path, h, out, bad, outside, line, err);
        return SF_EINPUT;
    }
    if (share->part + 1 == share->parts && share->total < h->entries)
        return too_few_entries(path, h, share->total, share->open_end,
                               share->first_line + sf_count_newlines(share->text, share->len),
                               err);
    out->declared_directed = h->symmetric ? 0 : 1;
    /* the vertices are 1..n, each share lists its slice of them */
    uint64_t n = matrix_vertices(h);
    uint64_t first = sf_part_first(n, share->part, share->parts);
    uint64_t last = sf_part_first(n, share->part + 1, share->parts);
    free(out->vertex_ids);
    out->num_vertex_ids = 0;
    /* this rank's slice, 8 bytes a vertex, as every rank of the node lists
     * one; the build checks its own (sf_dist_graph_build) */
    int rc = check_room(path, h, last - first + 1, sizeof *out->vertex_ids,
                        share->node_parts > 1 ? share->node_parts : 1, err);
    if (rc)
        return rc;
    if (!(out->vertex_ids = malloc((last - first + 1) * sizeof *out->vertex_ids)))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    for (uint64_t v = first; v < last; v++)
        out->vertex_ids[v - first] = v + 1;
    out->num_vertex_ids = last - first;
    if (h->shifted)
        shift_back(out);
    return 0;
}
