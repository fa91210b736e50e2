/* Parallel parser for text edge lists. The text is cut into a few chunks per
 * thread at line boundaries, taken by threads as they come free; a
 * vectorised pass counts each chunk's data lines, a prefix sum turns the
 * counts into exact slots in the output arrays, and each thread parses its
 * chunk straight into its slots: arcs come out in file order whatever the
 * thread count, with no per-thread buffers and no merge copy, and each
 * output page is first touched by the thread that fills it. Within a chunk
 * the line ends are found first, 64 bytes at a time, so where a line starts
 * never waits on the parse of the line before and the CPU overlaps
 * consecutive lines; ids are read eight bytes at a time (SWAR: the first
 * non-digit from bit tricks, up to eight digits converted with three
 * multiplies). Every line scanned ends in '\n' (a last line without one is
 * parsed from a small copy that has one), so nothing checks bounds inside a
 * line. A line the fast path does not like goes to a careful slow path, and
 * an error's line number is counted only when there is an error. */
#define _GNU_SOURCE /* memrchr */
#include "io/text_edges.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "engine/parallel.h"
#include "io/digits.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Below this many bytes per chunk, threads cost more than they save. */
#define MIN_CHUNK_BYTES ((size_t)64 << 10)
#define CHUNKS_PER_WORKER 4

/* Longest token quoted in a message. */
#define QUOTE_MAX 64

struct chunk {
    const char *begin, *end; /* whole lines; end is just past a '\n' or is the text end */
    uint64_t bound;          /* lines that may hold an arc: the chunk's slots */
    uint64_t offset;         /* index of its first slot, relative to out->count */
    uint64_t count;          /* arcs parsed (<= bound) */
    const char *bad_line;    /* start of its first bad line in text, NULL if none */
    bool too_wide;           /* narrow output met an id of 2^32 or more: stopped there */
    char bad_what[256];      /* what is wrong with it, without "PATH:LINE: " */
};

static inline bool is_digit(char c) { return (unsigned char)(c - '0') < 10; }
static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* ---- ids and weights, the hot path ---- */

/* Scalar id parse with overflow check; the digits run ends at a non-digit
 * (the line's '\n' at the latest). Returns the end of the digits, or NULL
 * when the value does not fit in 64 bits. */
static const char *parse_id_slow(const char *p, uint64_t *id)
{
    uint64_t v = 0;
    for (; is_digit(*p); p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NULL;
        v = v * 10 + d;
    }
    *id = v;
    return p;
}

/* Parses the digits at p (at least one: the caller checked). Returns the end
 * of the digits or NULL on overflow. text_end bounds the 8-byte loads. */
static inline const char *parse_id(const char *p, const char *text_end, uint64_t *id)
{
    if (likely(text_end - p >= 8)) {
        uint64_t x = sf_digits8(p);
        unsigned k = sf_leading_digits(x);
        if (likely(k < 8)) {
            *id = sf_eight_digits(x << (64 - 8 * k)); /* k >= 1: shifts in leading zeros */
            return p + k;
        }
    }
    return parse_id_slow(p, id);
}

/* Exact powers of ten: m / 10^f is correctly rounded when m < 2^53 and
 * f <= 22 (Clinger's fast path), so it matches strtod bit for bit. */
static const double pow10_exact[16] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
};

/* Parses the weight token at p, which ends at a blank or '\n'. Returns its
 * end, or NULL when it is not a finite strtod number. text_end bounds the
 * 8-byte loads. */
static inline const char *parse_weight(const char *p, const char *text_end, double *weight)
{
    const char *q = p;
    bool negative = *q == '-';
    q += negative;
    /* [-]I[.F] with I and F below 8 digits each: SWAR, no loop. */
    if (likely(text_end - p >= 17)) {
        uint64_t x = sf_digits8(q);
        unsigned ki = sf_leading_digits(x);
        const char *r = q + ki;
        if (likely(ki < 8)) {
            uint64_t whole = ki ? sf_eight_digits(x << (64 - 8 * ki)) : 0;
            if (likely(*r == '.')) {
                uint64_t y = sf_digits8(r + 1);
                unsigned kf = sf_leading_digits(y);
                const char *e = r + 1 + kf;
                if (likely(kf < 8 && ki + kf > 0 && (is_blank(*e) || *e == '\n'))) {
                    uint64_t part = kf ? sf_eight_digits(y << (64 - 8 * kf)) : 0;
                    double v = (double)(whole * (uint64_t)pow10_exact[kf] + part) /
                               pow10_exact[kf];
                    *weight = negative ? -v : v;
                    return e;
                }
            } else if (ki > 0 && (is_blank(*r) || *r == '\n')) {
                *weight = negative ? -(double)whole : (double)whole;
                return r;
            }
        }
    }
    uint64_t m = 0;
    int digits = 0, fraction = 0;
    for (; is_digit(*q); q++, digits++)
        m = m * 10 + (uint64_t)(*q - '0');
    if (*q == '.')
        for (q++; is_digit(*q); q++, digits++, fraction++)
            m = m * 10 + (uint64_t)(*q - '0');
    if (likely(digits > 0 && digits <= 15 && (is_blank(*q) || *q == '\n'))) {
        double v = (double)m / pow10_exact[fraction];
        *weight = negative ? -v : v;
        return q;
    }
    /* Exponents, long mantissas, hex floats, a leading '+': the full syntax.
     * strtod stops at the blank or '\n' that ends the token, but it would
     * skip leading white space, '\n' included, into the next line. */
    if ((unsigned char)*p <= ' ')
        return NULL;
    char *e;
    double v = strtod(p, &e);
    if (e == p || !(is_blank(*e) || *e == '\n') || !isfinite(v))
        return NULL;
    *weight = v;
    return e;
}

/* ---- the slow path: what exactly is wrong with a line ---- */

static void quote(char *buf, size_t n, const char *tok, size_t tok_len)
{
    if (tok_len > QUOTE_MAX)
        snprintf(buf, n, "%.*s...", QUOTE_MAX, tok);
    else
        snprintf(buf, n, "%.*s", (int)tok_len, tok);
}

/* Splits [line, line_end) into blank-separated tokens; returns how many,
 * filling at most max of tok/tok_len. */
static int tokenize(const char *line, const char *line_end, const char **tok, size_t *tok_len,
                    int max)
{
    int n = 0;
    const char *p = line;
    for (;;) {
        while (p < line_end && is_blank(*p))
            p++;
        if (p == line_end)
            return n;
        const char *start = p;
        while (p < line_end && !is_blank(*p))
            p++;
        if (n < max) {
            tok[n] = start;
            tok_len[n] = (size_t)(p - start);
        }
        n++;
    }
}

/* Writes into what (size n) why the data line [line, line_end) is not a
 * valid line of a file with `columns` columns. */
static void describe_bad_line(const char *line, const char *line_end, int columns, char *what,
                              size_t n)
{
    const char *tok[3];
    size_t tok_len[3];
    char quoted[QUOTE_MAX + 8];
    int found = tokenize(line, line_end, tok, tok_len, 3);

    for (int i = 0; i < found && i < 2; i++) {
        bool digits = tok_len[i] > 0;
        for (size_t j = 0; j < tok_len[i]; j++)
            digits &= is_digit(tok[i][j]);
        quote(quoted, sizeof quoted, tok[i], tok_len[i]);
        if (!digits) {
            snprintf(what, n, "bad vertex id '%s'", quoted);
            return;
        }
        /* Overflow check on a copy: the token may end at the text's end. */
        uint64_t v = 0;
        for (size_t j = 0; j < tok_len[i]; j++) {
            uint64_t d = (uint64_t)(tok[i][j] - '0');
            if (v > (UINT64_MAX - d) / 10) {
                snprintf(what, n, "vertex id %s overflows 64 bits", quoted);
                return;
            }
            v = v * 10 + d;
        }
    }
    if (found != columns) {
        snprintf(what, n, "expected %d columns, found %d", columns, found);
        return;
    }
    if (columns == 3) {
        quote(quoted, sizeof quoted, tok[2], tok_len[2]);
        snprintf(what, n, "bad weight '%s'", quoted);
        return;
    }
    snprintf(what, n, "malformed line"); /* not reached for lines the fast path refuses */
}

/* ---- counting and parsing chunks ---- */

/* Whether a line starting at s (s < end) may hold an arc: not a comment, not
 * an empty LF or CRLF line. A line of blanks, or blanks then '#', passes;
 * the bound is then loose and the arcs get compacted afterwards. */
static inline bool may_hold_arc(const char *s, const char *end)
{
    char c = s[0];
    if (c == '#' || c == '%' || c == '\n')
        return false;
    return !(c == '\r' && s + 1 < end && s[1] == '\n');
}

/* Upper bound on the arcs in [begin, end), which starts at a line start:
 * exact unless a line holds only blanks or starts with blanks then '#'.
 * The inner loop is branch-free with a byte-sized sum, so that gcc
 * vectorises it (about 10 GB/s). */
static uint64_t count_arc_lines(const char *begin, const char *end)
{
    if (begin >= end)
        return 0;
    const unsigned char *p = (const unsigned char *)begin;
    size_t n = (size_t)(end - begin);
    uint64_t count = may_hold_arc(begin, end);
    size_t i = 0;
    /* A '\n' at i starts a line at i + 1; look at two bytes of it. Blocks
     * of 240 keep the byte sum from overflowing. */
    for (; i + 240 + 2 <= n; i += 240) {
        unsigned char block = 0;
        for (size_t j = i; j < i + 240; j++) {
            unsigned char c = p[j + 1], c2 = p[j + 2];
            block += (unsigned char)((p[j] == '\n') & (c != '#') & (c != '%') & (c != '\n') &
                                     !((c == '\r') & (c2 == '\n')));
        }
        count += block;
    }
    for (; i + 1 < n; i++)
        if (p[i] == '\n')
            count += may_hold_arc(begin + i + 1, end);
    return count;
}

/* Without -mpopcnt, __builtin_popcountll is a libgcc call: inline SWAR. */
static inline unsigned popcount64(uint64_t x)
{
#ifdef __POPCNT__
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

/* Bit i set when p[i] == '\n', for the 64 bytes at p. */
static inline uint64_t newline_mask(const char *p)
{
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n');
    uint64_t m0 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const void *)p), nl));
    uint64_t m1 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const void *)(p + 16)), nl));
    uint64_t m2 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const void *)(p + 32)), nl));
    uint64_t m3 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const void *)(p + 48)), nl));
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
#else
    uint64_t mask = 0;
    for (int w = 0; w < 8; w++) {
        /* Exact zero-byte test: high bit of each byte of t that is 0. */
        uint64_t t = sf_text8_xor(p + 8 * w, '\n');
        uint64_t z = ~(((t & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | t | 0x7f7f7f7f7f7f7f7fULL);
        /* Gather the eight high bits into eight consecutive bits. */
        mask |= ((z >> 7) * 0x0102040810204080ULL >> 56) << (8 * w);
    }
    return mask;
#endif
}

/* One line the fast path refused: leading blanks, comments, blank lines,
 * several blanks between fields, long ids, and every kind of error. Relies
 * on the '\n' that ends the line. Returns 1 for an arc, 0 for a comment or
 * blank line, -1 for a bad line. */
static int parse_line_slow(const char *p, const char *text_end, bool weighted, uint64_t *s,
                           uint64_t *d, double *w)
{
    while (is_blank(*p))
        p++;
    if (*p == '\n' || *p == '#' || *p == '%')
        return 0;
    if (!is_digit(*p))
        return -1;
    p = parse_id(p, text_end, s);
    if (!p || !is_blank(*p))
        return -1;
    do
        p++;
    while (is_blank(*p));
    if (!is_digit(*p))
        return -1;
    p = parse_id(p, text_end, d);
    if (!p)
        return -1;
    if (weighted) {
        if (!is_blank(*p))
            return -1;
        do
            p++;
        while (is_blank(*p));
        p = parse_weight(p, text_end, w);
        if (!p)
            return -1;
    }
    while (is_blank(*p))
        p++;
    return *p == '\n' ? 1 : -1;
}

/* Lines per round: their ends are found first (64 bytes at a time), so that
 * where a line starts never waits for the previous line's parse and the
 * CPU overlaps consecutive lines. */
#define ROUND_BYTES 4096

/* Where parsed arcs go: 64-bit ids, or 32-bit ones (narrow). */
typedef struct arc_out {
    uint64_t *src, *dst;
    uint32_t *src32, *dst32;
    double *weight;
} arc_out;

/* Parses the lines in [p, end) into out's arrays (room for all: the bound).
 * Every line ends with '\n' before end. text_end bounds 8-byte loads.
 * Returns the number of arcs; on a bad line stops and sets *bad_line; with
 * narrow output, stops at the first arc with an id of 2^32 or more and sets
 * *too_wide. Instantiated with constant `weighted` and `narrow`. */
static inline __attribute__((always_inline)) uint64_t
parse_lines(const char *p, const char *end, const char *text_end, bool weighted, bool narrow,
            arc_out out, const char **bad_line, bool *too_wide)
{
    /* Newline offsets of one round, plus room for the unconditional writes
     * of the last 64-byte block. */
    uint16_t newlines[ROUND_BYTES + 64];
    uint64_t n = 0;
    const char *line = p;
    while (p < end) {
        const char *base = p;
        size_t span = (size_t)(end - p) < ROUND_BYTES ? (size_t)(end - p) : ROUND_BYTES;
        size_t found = 0, b = 0;
        for (; b + 64 <= span; b += 64) {
            uint64_t bits = newline_mask(base + b);
            size_t cnt = popcount64(bits);
            /* Write eight offsets whatever cnt is (no unpredictable branch);
             * lines are rarely shorter than 8 bytes. */
            for (size_t k = 0; k < 8; k++) {
                newlines[found + k] = (uint16_t)(b + (size_t)__builtin_ctzll(bits | (1ULL << 63)));
                bits &= bits - 1;
            }
            for (size_t k = 8; k < cnt; k++) {
                newlines[found + k] = (uint16_t)(b + (size_t)__builtin_ctzll(bits));
                bits &= bits - 1;
            }
            found += cnt;
        }
        for (; b < span; b++)
            if (base[b] == '\n')
                newlines[found++] = (uint16_t)b;
        p = base + span;

        for (size_t i = 0; i < found; i++) {
            const char *nl = base + newlines[i];
            uint64_t s, d;
            double w = 0;
            /* The fast path: digits, one blank, digits, [one blank, weight],
             * [\r] \n, ids below 8 digits. */
            if (likely(is_digit(line[0]) && text_end - line >= 17)) {
                uint64_t x1 = sf_digits8(line);
                unsigned k1 = sf_leading_digits(x1);
                const char *q = line + k1 + 1;
                uint64_t x2 = sf_digits8(q);
                unsigned k2 = sf_leading_digits(x2);
                const char *e = q + k2;
                if (likely((k1 < 8) & (k2 - 1 < 7) & is_blank(q[-1]))) {
                    s = sf_eight_digits(x1 << (64 - 8 * k1));
                    d = sf_eight_digits(x2 << (64 - 8 * k2));
                    if (weighted) {
                        if (!is_blank(*e))
                            goto slow;
                        e = parse_weight(e + 1, text_end, &w);
                        if (!e)
                            goto slow;
                    }
                    if (likely(e == nl || (e + 1 == nl && *e == '\r')))
                        goto store;
                }
            }
slow:;
            int r = parse_line_slow(line, text_end, weighted, &s, &d, &w);
            if (unlikely(r < 0)) {
                *bad_line = line;
                return n;
            }
            if (r == 0) {
                line = nl + 1;
                continue;
            }
store:
            if (narrow) {
                if (unlikely((s | d) >> 32)) {
                    *too_wide = true;
                    return n;
                }
                out.src32[n] = (uint32_t)s;
                out.dst32[n] = (uint32_t)d;
            } else {
                out.src[n] = s;
                out.dst[n] = d;
            }
            if (weighted)
                out.weight[n] = w;
            n++;
            line = nl + 1;
        }
    }
    return n;
}

#define PARSE_VARIANT(name, weighted, narrow)                                              \
    static uint64_t name(const char *p, const char *end, const char *text_end, arc_out out,   \
                         const char **bad_line, bool *too_wide)                              \
    {                                                                                         \
        return parse_lines(p, end, text_end, weighted, narrow, out, bad_line, too_wide);     \
    }
PARSE_VARIANT(parse_unweighted, false, false)
PARSE_VARIANT(parse_weighted, true, false)
PARSE_VARIANT(parse_unweighted_narrow, false, true)
PARSE_VARIANT(parse_weighted_narrow, true, true)

/* out's arrays from slot `at` on. */
static arc_out arc_out_at(arc_out out, uint64_t at)
{
    arc_out o = {NULL, NULL, NULL, NULL, out.weight ? out.weight + at : NULL};
    if (out.src32) {
        o.src32 = out.src32 + at;
        o.dst32 = out.dst32 + at;
    } else {
        o.src = out.src + at;
        o.dst = out.dst + at;
    }
    return o;
}

/* Parses [p, end) (whole '\n'-terminated lines) into the chunk's slots. */
static void parse_into(struct chunk *c, const char *p, const char *end, const char *text_end,
                       int columns, arc_out out)
{
    const char *bad = NULL;
    arc_out o = arc_out_at(out, c->offset + c->count);
    bool narrow = out.src32 != NULL;
    if (columns == 3)
        c->count += narrow ? parse_weighted_narrow(p, end, text_end, o, &bad, &c->too_wide)
                           : parse_weighted(p, end, text_end, o, &bad, &c->too_wide);
    else
        c->count += narrow ? parse_unweighted_narrow(p, end, text_end, o, &bad, &c->too_wide)
                           : parse_unweighted(p, end, text_end, o, &bad, &c->too_wide);
    if (bad) {
        const char *line_end = memchr(bad, '\n', (size_t)(end - bad));
        describe_bad_line(bad, line_end, columns, c->bad_what, sizeof c->bad_what);
        c->bad_line = bad;
    }
}

/* Finds the first data line; sets *columns to its column count (0 when the
 * text has no data line) and *first to its start. */
static void first_data_line(const char *text, size_t len, const char **first, int *columns)
{
    const char *p = text, *text_end = text + len;
    *columns = 0;
    while (p < text_end) {
        const char *line_end = memchr(p, '\n', (size_t)(text_end - p));
        if (!line_end)
            line_end = text_end;
        const char *q = p;
        while (q < line_end && is_blank(*q))
            q++;
        if (q < line_end && *q != '#' && *q != '%') {
            const char *tok[1];
            size_t tok_len[1];
            *first = p;
            *columns = tokenize(p, line_end, tok, tok_len, 1);
            return;
        }
        p = line_end + 1;
    }
}

uint64_t sf_count_newlines(const char *text, size_t len)
{
    uint64_t n = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))) != NULL; p++)
        n++;
    return n;
}

/* The file line of `line`, text[0] being on line first_line. */
static uint64_t line_number(const char *text, const char *line, uint64_t first_line)
{
    return first_line + sf_count_newlines(text, (size_t)(line - text));
}

uint64_t sf_edge_line_number(const char *text, size_t len, uint64_t first_line, uint64_t arc)
{
    const char *p = text, *text_end = text + len;
    uint64_t line = first_line, seen = 0;
    while (p < text_end) {
        const char *line_end = memchr(p, '\n', (size_t)(text_end - p));
        if (!line_end)
            line_end = text_end;
        const char *q = p;
        while (q < line_end && is_blank(*q))
            q++;
        if (q < line_end && *q != '#' && *q != '%' && seen++ == arc)
            return line;
        p = line_end + 1;
        line++;
    }
    return line;
}

int sf_text_edge_columns(const char *text, size_t len)
{
    const char *first = NULL;
    int columns;
    first_data_line(text, len, &first, &columns);
    return columns;
}

int sf_parse_text_edges(const char *path, const char *text, size_t len, sf_edge_list *out,
                        sf_error *err)
{
    return sf_parse_edge_lines(path, text, len, 1, 0, out, err);
}

int sf_parse_text_edges_at(const char *path, const char *text, size_t len, uint64_t first_line,
                           sf_edge_list *out, sf_error *err)
{
    return sf_parse_edge_lines(path, text, len, first_line, 0, out, err);
}

int sf_parse_edge_lines(const char *path, const char *text, size_t len, uint64_t first_line,
                        int required_columns, sf_edge_list *out, sf_error *err)
{
    struct chunk *chunks = NULL;
    char *tail_copy = NULL;
    int rc = 0;
    const char *text_end = text + len;

    const char *first = NULL;
    int columns;
    first_data_line(text, len, &first, &columns);
    if (columns == 0)
        return 0;
    if (required_columns && columns != required_columns) {
        /* the message a later line of the same kind would get */
        char what[256];
        const char *line_end = memchr(first, '\n', (size_t)(text_end - first));
        describe_bad_line(first, line_end ? line_end : text_end, required_columns, what,
                          sizeof what);
        return sf_error_set(err, SF_EINPUT, "%s:%llu: %s", path,
                            (unsigned long long)line_number(text, first, first_line), what);
    }
    if (columns != 2 && columns != 3)
        return sf_error_set(err, SF_EINPUT, "%s:%llu: expected 2 or 3 columns, found %d", path,
                            (unsigned long long)line_number(text, first, first_line), columns);
    bool weighted = columns == 3;

    /* A last line without '\n' gets one, in a copy, so that every line the
     * hot loop scans ends with the sentinel. */
    const char *body_end = text_end, *tail = NULL;
    size_t tail_len = 0;
    if (len > 0 && text[len - 1] != '\n') {
        const char *last_nl = memrchr(text, '\n', len);
        tail = last_nl ? last_nl + 1 : text;
        tail_len = (size_t)(text_end - tail);
        body_end = tail;
        tail_copy = malloc(tail_len + 2);
        if (!tail_copy) {
            rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
            goto done;
        }
        memcpy(tail_copy, tail, tail_len);
        tail_copy[tail_len] = '\n';
        tail_copy[tail_len + 1] = '\0';
    }

    size_t body_len = (size_t)(body_end - text);
    /* A few chunks a worker, taken as workers come free: a worker that
     * loses its core for a while (to the stream's reader thread, or to
     * anyone on a shared machine) holds up only its chunk, not the window. */
    int threads = omp_get_max_threads();
    size_t num_chunks = body_len / MIN_CHUNK_BYTES;
    if (num_chunks > CHUNKS_PER_WORKER * (size_t)threads)
        num_chunks = CHUNKS_PER_WORKER * (size_t)threads;
    if (threads == 1) /* one worker: chunks would only add scans */
        num_chunks = 1;
    if (num_chunks < 1)
        num_chunks = 1;
    chunks = calloc(num_chunks, sizeof *chunks);
    if (!chunks) {
        rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
        goto done;
    }
    const char *cut = first; /* what precedes the first data line is comments */
    for (size_t k = 0; k < num_chunks; k++) {
        chunks[k].begin = cut;
        const char *target = text + body_len / num_chunks * (k + 1);
        if (k + 1 == num_chunks || target <= cut) {
            cut = k + 1 == num_chunks ? body_end : cut;
        } else {
            const char *nl = memchr(target - 1, '\n', (size_t)(body_end - (target - 1)));
            cut = nl ? nl + 1 : body_end;
        }
        chunks[k].end = cut;
    }

    /* Slots: the bound of every chunk, the tail's line in the last one. */
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t k = 0; k < num_chunks; k++)
        chunks[k].bound = count_arc_lines(chunks[k].begin, chunks[k].end);
    struct chunk *last = &chunks[num_chunks - 1];
    if (tail)
        last->bound += count_arc_lines(tail_copy, tail_copy + tail_len + 1);
    uint64_t slots = 0;
    for (size_t k = 0; k < num_chunks; k++) {
        chunks[k].offset = slots;
        slots += chunks[k].bound;
    }

    uint64_t base = out->count;
    bool fill_old_weights = weighted && base > 0 && !out->weight;
    rc = sf_edge_list_reserve(out, base + slots, weighted);
    if (rc) {
        rc = sf_error_set(err, rc, "%s: out of memory", path);
        goto done;
    }
    arc_out o;
parse:
    o = (arc_out){out->src, out->dst, out->src32, out->dst32, weighted ? out->weight : NULL};
    o = arc_out_at(o, base);
    size_t id_bytes = out->narrow ? sizeof(uint32_t) : sizeof(uint64_t);
    sf_advise_huge(out->narrow ? (void *)o.src32 : (void *)o.src, slots * id_bytes);
    sf_advise_huge(out->narrow ? (void *)o.dst32 : (void *)o.dst, slots * id_bytes);
    if (o.weight)
        sf_advise_huge(o.weight, slots * sizeof *o.weight);

    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t k = 0; k < num_chunks; k++)
        parse_into(&chunks[k], chunks[k].begin, chunks[k].end, body_end, columns, o);
    if (tail && !last->bad_line && !last->too_wide) {
        parse_into(last, tail_copy, tail_copy + tail_len + 1, tail_copy + tail_len + 1, columns,
                   o);
        if (last->bad_line) /* map the copy back onto the text */
            last->bad_line = tail + (last->bad_line - tail_copy);
    }
    for (size_t k = 0; k < num_chunks; k++) {
        if (!chunks[k].too_wide)
            continue;
        /* An id does not fit the narrow list: widen it and parse again. */
        rc = sf_edge_list_widen(out);
        if (rc) {
            rc = sf_error_set(err, rc, "%s: out of memory", path);
            goto done;
        }
        for (size_t j = 0; j < num_chunks; j++) {
            chunks[j].count = 0;
            chunks[j].bad_line = NULL;
            chunks[j].too_wide = false;
        }
        goto parse;
    }

    for (size_t k = 0; k < num_chunks; k++) {
        if (chunks[k].bad_line) {
            uint64_t line = line_number(text, chunks[k].bad_line, first_line);
            rc = sf_error_set(err, SF_EINPUT, "%s:%llu: %s", path, (unsigned long long)line,
                              chunks[k].bad_what);
            goto done;
        }
    }

    /* Close the gaps left by loose bounds (lines of blanks): rare. */
    uint64_t total = 0;
    char *src = out->narrow ? (char *)o.src32 : (char *)o.src;
    char *dst = out->narrow ? (char *)o.dst32 : (char *)o.dst;
    for (size_t k = 0; k < num_chunks; k++) {
        if (chunks[k].offset != total && chunks[k].count) {
            memmove(src + total * id_bytes, src + chunks[k].offset * id_bytes,
                    chunks[k].count * id_bytes);
            memmove(dst + total * id_bytes, dst + chunks[k].offset * id_bytes,
                    chunks[k].count * id_bytes);
            if (o.weight)
                memmove(o.weight + total, o.weight + chunks[k].offset,
                        chunks[k].count * sizeof *o.weight);
        }
        total += chunks[k].count;
    }

    /* Mixing weighted and unweighted inputs in one list: weight 1.0 for the
     * arcs that have none. */
    if (fill_old_weights)
        for (uint64_t i = 0; i < base; i++)
            out->weight[i] = 1.0;
    if (!weighted && out->weight)
        for (uint64_t i = base; i < base + total; i++)
            out->weight[i] = 1.0;
    out->count = base + total;

done:
    free(chunks);
    free(tail_copy);
    return rc;
}
