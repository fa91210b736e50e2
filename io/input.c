/* The dispatcher from a graph file's name to its reader. The one idea: the
 * suffix alone decides, after a trailing ".gz" is set aside, because
 * sf_file_read decompresses transparently and every reader below it sees
 * plain bytes. */
#include "io/input.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/ldbc.h"
#include "io/reader.h"
#include "io/text_edges.h"

/* Whether path[0..n) ends with suffix. */
static bool ends_with(const char *path, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(path + n - m, suffix, m) == 0;
}

static int read_text_edges(const char *path, sf_edge_list *out, bool need_weights,
                           sf_error *err)
{
    char *text;
    size_t len;
    int rc = sf_file_read(path, &text, &len, err);
    if (rc)
        return rc;
    uint64_t before = out->count;
    rc = sf_parse_text_edges(path, text, len, out, err);
    free(text);
    if (rc == 0 && need_weights && out->count > before && !out->weight)
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: a .wel file needs 3 columns (src dst weight), found 2", path);
    return rc;
}

int sf_input_read_file(const char *path, sf_edge_list *out, sf_error *err)
{
    size_t n = strlen(path);
    if (ends_with(path, n, ".gz"))
        n -= 3;
    if (ends_with(path, n, ".e"))
        return sf_read_ldbc(path, out, err);
    if (ends_with(path, n, ".el") || ends_with(path, n, ".txt"))
        return read_text_edges(path, out, false, err);
    if (ends_with(path, n, ".wel"))
        return read_text_edges(path, out, true, err);
    return sf_error_set(err, SF_EUSAGE,
                        "%s: unknown graph format (expected .e, .el, .txt, .wel, optionally .gz)",
                        path);
}
