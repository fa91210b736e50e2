/* Matrix Market coordinate files. The one idea: past its banner and size
 * line, a coordinate file is a text edge list ("I J [VALUE]" per line), so
 * the entries go through the parallel text parser (sf_parse_edge_lines, told
 * the column count and the line the body starts on, so its messages carry
 * file lines), and what is particular to Matrix Market is checked after:
 * the declared size (a parallel pass finds the first entry outside it), the
 * declared entry count, and the ids in 1..N that no entry names, which must
 * stay vertices. The bytes come from sf_file_read, like every parser's. */
#include "io/mtx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/graph.h"
#include "io/text_edges.h"

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

int sf_mtx_read_header(const char *path, const char *text, size_t len, sf_mtx_header *h,
                       sf_error *err)
{
    const char *end = text + len, *p = text;
    memset(h, 0, sizeof *h);
    const char *e = line_end(p, end);
    int rc = check_banner(path, p, e, h, err);
    if (rc)
        return rc;

    /* Comments and blank lines, then the size line. */
    uint64_t line = 1;
    for (p = e + 1; p < end; p = e + 1) {
        line++;
        e = line_end(p, end);
        const char *q = p;
        while (q < e && is_blank(*q))
            q++;
        static const char shift_note[] = "% shardflow: index = original id + 1";
        if ((size_t)(e - q) >= sizeof shift_note - 1 &&
            memcmp(q, shift_note, sizeof shift_note - 1) == 0)
            h->shifted = true;
        if (q == e || *q == '%')
            continue;
        const char *tok[3];
        size_t n[3];
        if (tokenize(q, e, tok, n, 3) != 3 || !parse_u64(tok[0], n[0], &h->rows) ||
            !parse_u64(tok[1], n[1], &h->cols) || !parse_u64(tok[2], n[2], &h->entries)) {
            const char *shown_end = e;
            while (shown_end > q && is_blank(shown_end[-1]))
                shown_end--;
            return sf_error_set(err, SF_EINPUT,
                                "%s:%llu: bad size line '%s' (expected ROWS COLUMNS ENTRIES)",
                                path, (unsigned long long)line,
                                quote(q, (size_t)(shown_end - q)).text);
        }
        uint64_t vertices = h->rows > h->cols ? h->rows : h->cols;
        if (vertices > SF_MAX_VERTICES)
            return sf_error_set(err, SF_EINPUT,
                                "%s:%llu: a %llu x %llu matrix has more than the %llu vertices "
                                "a graph may have",
                                path, (unsigned long long)line, (unsigned long long)h->rows,
                                (unsigned long long)h->cols, (unsigned long long)SF_MAX_VERTICES);
        h->body = e < end ? (size_t)(e + 1 - text) : len;
        h->body_line = line + 1;
        return 0;
    }
    return sf_error_set(err, SF_EINPUT, "%s:%llu: missing size line (ROWS COLUMNS ENTRIES)", path,
                        (unsigned long long)line + 1);
}

/* One pass over the arcs: marks in named[1..n] every id an arc names, and
 * returns the index of the first arc with an end outside 1..rows (sources)
 * or 1..cols (targets), or count when all are inside. Bytes, not bits: a
 * plain store per end, and racing stores all write 1. */
static uint64_t mark_named(const uint64_t *src, const uint64_t *dst, uint64_t count, uint64_t rows,
                           uint64_t cols, uint8_t *named)
{
    uint64_t first = count;
#pragma omp parallel for schedule(static) reduction(min : first)
    for (uint64_t i = 0; i < count; i++) {
        if ((src[i] - 1 >= rows) | (dst[i] - 1 >= cols)) { /* 0 wraps to UINT64_MAX */
            if (i < first)
                first = i;
            continue;
        }
        __atomic_store_n(&named[src[i]], 1, __ATOMIC_RELAXED);
        __atomic_store_n(&named[dst[i]], 1, __ATOMIC_RELAXED);
    }
    return first;
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

/* The last line of text[0..len): a final '\n' ends a line, it starts none. */
static uint64_t last_line(const char *text, size_t len)
{
    uint64_t lines = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))) != NULL; p++)
        lines++;
    return len > 0 && text[len - 1] == '\n' ? lines - 1 : lines;
}

int sf_parse_mtx(const char *path, const char *text, size_t len, sf_edge_list *out,
                 sf_error *err)
{
    if (len == 0)
        return 0;
    sf_mtx_header h;
    int rc = sf_mtx_read_header(path, text, len, &h, err);
    if (rc)
        return rc;
    const char *body = text + h.body;
    size_t body_len = len - h.body;
    rc = sf_parse_edge_lines(path, body, body_len, h.body_line, h.weighted ? 3 : 2, out, err);
    if (rc)
        return rc;

    /* Whichever comes first in the file: an entry outside the matrix, or
     * the first entry past the declared count. */
    uint64_t found = out->count, vertices = h.rows > h.cols ? h.rows : h.cols;
    uint8_t *named = calloc(vertices + 1, 1);
    if (!named)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    uint64_t outside = mark_named(out->src, out->dst, found, h.rows, h.cols, named);
    uint64_t extra = found > h.entries ? h.entries : found;
    uint64_t size_line = h.body_line - 1;
    if (outside < found && outside <= extra) {
        unsigned long long i = out->src[outside], j = out->dst[outside];
        uint64_t line = sf_edge_line_number(body, body_len, h.body_line, outside);
        rc = sf_error_set(err, SF_EINPUT,
                          "%s:%llu: entry (%llu, %llu) is outside the %llu x %llu matrix%s", path,
                          (unsigned long long)line, i, j, (unsigned long long)h.rows,
                          (unsigned long long)h.cols,
                          i == 0 || j == 0 ? " (indices are 1-based)" : "");
    } else if (found > h.entries) {
        uint64_t line = sf_edge_line_number(body, body_len, h.body_line, h.entries);
        rc = sf_error_set(err, SF_EINPUT,
                          "%s:%llu: more entries than the %llu declared on line %llu", path,
                          (unsigned long long)line, (unsigned long long)h.entries,
                          (unsigned long long)size_line);
    } else if (found < h.entries) {
        rc = sf_error_set(err, SF_EINPUT,
                          "%s:%llu: the file ends after %llu of the %llu entries declared on "
                          "line %llu",
                          path, (unsigned long long)last_line(text, len),
                          (unsigned long long)found, (unsigned long long)h.entries,
                          (unsigned long long)size_line);
    }
    if (rc == 0) {
        out->declared_directed = h.symmetric ? 0 : 1;
        if (list_unnamed(out, named, vertices))
            rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    }
    if (rc == 0 && h.shifted) { /* indices are original ids + 1 (all >= 1: checked above) */
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < out->count; i++) {
            out->src[i]--;
            out->dst[i]--;
        }
        for (uint64_t i = 0; i < out->num_vertex_ids; i++)
            out->vertex_ids[i]--;
    }
    free(named);
    return rc;
}
