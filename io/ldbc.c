/* LDBC Graphalytics graphs. An LDBC graph is three files that share a stem:
 * the .e file is a plain text edge list (read by text_reader), the .v file
 * is one vertex id per line, and the .properties file is Java-properties
 * text. The one idea is to find the companions by the stem of the .e path
 * and to match property keys by suffix, so both the bare keys of our
 * validation copies (`directed`) and LDBC's own (`graph.NAME.directed`)
 * work. The .e file is read a window at a time (sf_read_text_edges), the
 * others with sf_file_read. */
#include "io/ldbc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io/reader.h"
#include "io/text_edges.h"
#include "io/text_reader.h"

#define QUOTE_MAX 64

/* The path without ".e" or ".e.gz", in a new string (NULL: no memory). */
static char *ldbc_stem(const char *edge_path)
{
    size_t n = strlen(edge_path);
    if (sf_path_ends_with(edge_path, n, ".e.gz"))
        n -= 5;
    else if (sf_path_ends_with(edge_path, n, ".e"))
        n -= 2;
    char *stem = malloc(n + 1);
    if (stem) {
        memcpy(stem, edge_path, n);
        stem[n] = '\0';
    }
    return stem;
}

/* stem + suffix in a new string, or NULL. */
static char *with_suffix(const char *stem, const char *suffix)
{
    size_t a = strlen(stem), b = strlen(suffix);
    char *path = malloc(a + b + 1);
    if (path) {
        memcpy(path, stem, a);
        memcpy(path + a, suffix, b + 1);
    }
    return path;
}

/* 1 when PATH exists, 0 when it does not. Anything else (a permission
 * problem) counts as present so that reading it reports the real error. */
static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 || errno != ENOENT;
}

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* ---- .v files ---- */

/* Parses one id per line from text[0..len) (NUL at text[len]) into a new
 * array *ids of *count entries. */
int sf_ldbc_parse_vertex_ids(const char *path, const char *text, size_t len, uint64_t first_line,
                             uint64_t **ids, uint64_t *count, sf_error *err)
{
    const char *p = text, *end = text + len;
    uint64_t lines = first_line, n = 0, capacity = 1 + sf_count_newlines(text, len);
    int rc = 0;
    uint64_t *vertex_ids = malloc(capacity * sizeof *vertex_ids);
    if (!vertex_ids)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);

    for (; p < end; lines++) {
        const char *line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end)
            line_end = end;
        while (p < line_end && is_blank(*p))
            p++;
        if (p == line_end || *p == '#' || *p == '%') {
            p = line_end + 1;
            continue;
        }
        const char *tok = p;
        uint64_t v = 0;
        bool overflow = false;
        for (; p < line_end && (unsigned char)(*p - '0') < 10; p++) {
            uint64_t d = (uint64_t)(*p - '0');
            overflow |= v > (UINT64_MAX - d) / 10;
            v = v * 10 + d;
        }
        const char *tok_end = p;
        while (tok_end < line_end && !is_blank(*tok_end))
            tok_end++;
        int shown = tok_end - tok > QUOTE_MAX ? QUOTE_MAX : (int)(tok_end - tok);
        const char *more = tok_end - tok > QUOTE_MAX ? "..." : "";
        if (p == tok || p != tok_end) {
            rc = sf_error_set(err, SF_EINPUT, "%s:%llu: bad vertex id '%.*s%s'", path,
                              (unsigned long long)lines, shown, tok, more);
            goto fail;
        }
        if (overflow) {
            rc = sf_error_set(err, SF_EINPUT, "%s:%llu: vertex id %.*s%s overflows 64 bits", path,
                              (unsigned long long)lines, shown, tok, more);
            goto fail;
        }
        while (p < line_end && is_blank(*p))
            p++;
        if (p != line_end) {
            int columns = 1;
            for (const char *q = p; q < line_end;) {
                columns++;
                while (q < line_end && !is_blank(*q))
                    q++;
                while (q < line_end && is_blank(*q))
                    q++;
            }
            rc = sf_error_set(err, SF_EINPUT, "%s:%llu: expected 1 column, found %d", path,
                              (unsigned long long)lines, columns);
            goto fail;
        }
        vertex_ids[n++] = v;
        p = line_end + 1;
    }
    *ids = vertex_ids;
    *count = n;
    return 0;
fail:
    free(vertex_ids);
    return rc;
}

/* ---- .properties files ---- */

/* How well KEY[0..key_len) matches: 3 for "graph.NAME.SUFFIX", 2 for the
 * bare SUFFIX, 1 for any other "*.SUFFIX", 0 for no match. */
static int key_rank(const char *key, size_t key_len, const char *name, const char *suffix)
{
    size_t m = strlen(suffix), name_len = strlen(name);
    if (key_len == m)
        return memcmp(key, suffix, m) == 0 ? 2 : 0;
    if (key_len < m + 1 || key[key_len - m - 1] != '.' || memcmp(key + key_len - m, suffix, m))
        return 0;
    if (key_len == 6 + name_len + 1 + m && memcmp(key, "graph.", 6) == 0 &&
        memcmp(key + 6, name, name_len) == 0)
        return 3;
    return 1;
}

/* Finds the best match for SUFFIX in properties text[0..len). Returns 1 and
 * fills value and *value_line, 0 when absent, negative on error. */
static int find_property(const char *path, const char *text, size_t len, const char *name,
                         const char *suffix, char *value, size_t n, uint64_t *value_line,
                         sf_error *err)
{
    const char *p = text, *end = text + len;
    const char *best = NULL;
    size_t best_len = 0;
    uint64_t best_line = 0;
    int best_rank = 0;
    for (uint64_t line = 1; p < end; line++) {
        const char *line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end)
            line_end = end;
        while (p < line_end && is_blank(*p))
            p++;
        if (p == line_end || *p == '#' || *p == '!') {
            p = line_end + 1;
            continue;
        }
        /* key [blanks] [= or :] [blanks] value [blanks] */
        const char *key = p;
        while (p < line_end && !is_blank(*p) && *p != '=' && *p != ':')
            p++;
        size_t key_len = (size_t)(p - key);
        while (p < line_end && is_blank(*p))
            p++;
        if (p < line_end && (*p == '=' || *p == ':'))
            p++;
        while (p < line_end && is_blank(*p))
            p++;
        const char *val_end = line_end;
        while (val_end > p && is_blank(val_end[-1]))
            val_end--;
        int rank = key_rank(key, key_len, name, suffix);
        if (rank > 0 && rank >= best_rank) {
            best_rank = rank;
            best = p;
            best_len = (size_t)(val_end - p);
            best_line = line;
        }
        p = line_end + 1;
    }
    if (!best)
        return 0;
    if (best_len + 1 > n)
        return sf_error_set(err, SF_EINPUT, "%s:%llu: value of %s is too long", path,
                            (unsigned long long)best_line, suffix);
    memcpy(value, best, best_len);
    value[best_len] = '\0';
    *value_line = best_line;
    return 1;
}

/* Reads the properties beside the edge file, when there is one: *text is
 * NULL when there is none. *props_path and *name are new strings. */
static int read_properties(const char *edge_path, char **props_path, char **name, char **text,
                           size_t *len, sf_error *err)
{
    *props_path = *name = *text = NULL;
    *len = 0;
    char *stem = ldbc_stem(edge_path);
    if (!stem)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", edge_path);
    const char *slash = strrchr(stem, '/');
    *name = strdup(slash ? slash + 1 : stem);
    *props_path = with_suffix(stem, ".properties");
    free(stem);
    if (!*name || !*props_path)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", edge_path);
    if (!file_exists(*props_path))
        return 0;
    return sf_file_read(*props_path, text, len, err);
}

int sf_ldbc_property(const char *edge_path, const char *key_suffix, char *value, size_t n,
                     sf_error *err)
{
    char *props_path, *name, *text;
    size_t len;
    int rc = read_properties(edge_path, &props_path, &name, &text, &len, err);
    uint64_t line;
    if (rc == 0 && text)
        rc = find_property(props_path, text, len, name, key_suffix, value, n, &line, err);
    free(props_path);
    free(name);
    free(text);
    return rc;
}

char *sf_ldbc_vertex_path(const char *edge_path, bool *oom)
{
    char *stem = ldbc_stem(edge_path), *vpath = NULL;
    *oom = false;
    for (int gz = 0; stem && gz < 2 && !*oom; gz++) {
        vpath = with_suffix(stem, gz ? ".v.gz" : ".v");
        *oom = !vpath;
        if (vpath && file_exists(vpath))
            break;
        free(vpath);
        vpath = NULL;
    }
    *oom |= !stem;
    free(stem);
    return vpath;
}

int sf_read_ldbc(const char *path, sf_edge_list *out, sf_error *err)
{
    char *text = NULL, *stem = NULL, *vpath = NULL, *props_path = NULL, *name = NULL;
    size_t len;
    int rc = sf_read_text_edges(path, out, err);
    if (rc)
        goto done;

    /* The vertex file: NAME.v, or NAME.v.gz. */
    stem = ldbc_stem(path);
    vpath = stem ? with_suffix(stem, ".v") : NULL;
    if (!vpath) {
        rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if (!file_exists(vpath)) {
        free(vpath);
        vpath = with_suffix(stem, ".v.gz");
        if (!vpath) {
            rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
            goto done;
        }
    }
    if (file_exists(vpath)) {
        rc = sf_file_read(vpath, &text, &len, err);
        if (rc)
            goto done;
        uint64_t *ids = NULL, count = 0;
        rc = sf_ldbc_parse_vertex_ids(vpath, text, len, 1, &ids, &count, err);
        free(text);
        text = NULL;
        if (rc)
            goto done;
        free(out->vertex_ids);
        out->vertex_ids = ids;
        out->num_vertex_ids = count;
    }

    /* Directedness from the properties. */
    rc = read_properties(path, &props_path, &name, &text, &len, err);
    if (rc || !text)
        goto done;
    char directed[64];
    uint64_t line;
    rc = find_property(props_path, text, len, name, "directed", directed, sizeof directed, &line,
                       err);
    if (rc <= 0)
        goto done; /* absent (declared_directed stays -1) or an error */
    rc = 0;
    if (strcasecmp(directed, "true") == 0)
        out->declared_directed = 1;
    else if (strcasecmp(directed, "false") == 0)
        out->declared_directed = 0;
    else
        rc = sf_error_set(err, SF_EINPUT,
                          "%s:%llu: bad value '%s' for directed (expected true or false)",
                          props_path, (unsigned long long)line, directed);
done:
    free(text);
    free(stem);
    free(vpath);
    free(props_path);
    free(name);
    return rc;
}
