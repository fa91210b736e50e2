/* The dispatcher from a graph file's name to its reader. The one idea: the
 * suffix alone decides, after a trailing ".gz" is set aside, because
 * sf_file_read decompresses transparently and every reader below it sees
 * plain bytes. */
#include "io/input.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/binary_edges.h"
#include "io/gapbs.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/text_edges.h"

/* Whether path[0..n) ends with suffix. */
static bool ends_with(const char *path, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(path + n - m, suffix, m) == 0;
}

/* The formats read from one file's bytes. */
enum format { UNKNOWN, LDBC, TEXT, WEIGHTED_TEXT, MTX, SG, WSG, BIN, WBIN };

static int parse(enum format format, const char *path, const char *bytes, size_t len,
                 uint64_t vertices, sf_edge_list *out, sf_error *err)
{
    switch (format) {
    case UNKNOWN:
    case LDBC:
        break; /* not read from one file's bytes */
    case TEXT:
        return sf_parse_text_edges(path, bytes, len, out, err);
    case WEIGHTED_TEXT: {
        int rc = sf_parse_text_edges(path, bytes, len, out, err);
        if (rc == 0 && out->count > 0 && !out->weight)
            rc = sf_error_set(err, SF_EINPUT,
                              "%s: a .wel file needs 3 columns (src dst weight), found 2", path);
        return rc;
    }
    case MTX:
        return sf_parse_mtx(path, bytes, len, out, err);
    case SG:
    case WSG:
        return sf_parse_gapbs(path, bytes, len, format == WSG, out, err);
    case BIN:
    case WBIN:
        return sf_parse_binary_edges(path, bytes, len, format == WBIN, vertices, out, err);
    }
    return 0;
}

int sf_input_read(const char *path, const sf_input_options *opt, sf_edge_list *out,
                  sf_error *err)
{
    static const struct {
        const char *suffix;
        enum format format;
    } suffixes[] = {
        {".e", LDBC},  {".el", TEXT},  {".txt", TEXT}, {".wel", WEIGHTED_TEXT},
        {".mtx", MTX}, {".sg", SG},    {".wsg", WSG},   {".bin", BIN},
        {".wbin", WBIN},
    };
    uint64_t vertices = opt ? opt->vertices : 0;
    size_t n = strlen(path);
    if (ends_with(path, n, ".gz"))
        n -= 3;
    enum format format = UNKNOWN;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(path, n, suffixes[i].suffix))
            format = suffixes[i].format;
    if (format == UNKNOWN)
        return sf_error_set(err, SF_EUSAGE,
                            "%s: unknown graph format (expected .e, .el, .txt, .wel, .mtx, .sg, "
                            ".wsg, .bin, .wbin, optionally .gz)",
                            path);
    if (vertices && format != BIN && format != WBIN)
        return sf_error_set(err, SF_EUSAGE, "%s: --vertices applies to .bin and .wbin files only",
                            path);
    if (format == LDBC)
        return sf_read_ldbc(path, out, err);

    char *bytes;
    size_t len;
    int rc = sf_file_read(path, &bytes, &len, err);
    if (rc)
        return rc;
    rc = parse(format, path, bytes, len, vertices, out, err);
    free(bytes);
    return rc;
}

int sf_input_read_file(const char *path, sf_edge_list *out, sf_error *err)
{
    return sf_input_read(path, NULL, out, err);
}
