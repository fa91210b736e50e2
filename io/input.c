/* The dispatcher from a graph file's name to its reader. The one idea: the
 * suffix alone decides, after a trailing ".gz" is set aside, because the
 * readers decompress transparently and every parser below them sees plain
 * bytes. Text formats (edge lists, Matrix Market) are read a window at a
 * time (io/text_reader.h), never whole; the binary ones through
 * sf_file_read. A snapshot holds a built graph, not an edge list: callers
 * that want the graph load it with sf_snapshot_read (sf_job_load does);
 * here it is turned back into arcs for those that want an edge list
 * (convert). */
#include "io/input.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parallel.h"
#include "io/binary_edges.h"
#include "io/gapbs.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/snapshot.h"
#include "io/text_reader.h"

static int read_snapshot_edges(const char *path, sf_edge_list *out, sf_error *err);

/* Each suffix (after a .gz is set aside), its format and its name. */
static const sf_input_format formats[] = {
    {".e", SF_INPUT_LDBC, "LDBC Graphalytics (.e)"},
    {".el", SF_INPUT_TEXT, "text edge list"},
    {".txt", SF_INPUT_TEXT, "text edge list"},
    {".wel", SF_INPUT_WEIGHTED_TEXT, "weighted text edge list (.wel)"},
    {".mtx", SF_INPUT_MTX, "Matrix Market (.mtx)"},
    {".sg", SF_INPUT_SG, "gapbs serialized graph (.sg)"},
    {".wsg", SF_INPUT_WSG, "gapbs serialized graph, weighted (.wsg)"},
    {".bin", SF_INPUT_BIN, "Gemini/GridGraph binary edge list (.bin)"},
    {".wbin", SF_INPUT_WBIN, "Gemini/GridGraph binary edge list, weighted (.wbin)"},
    {".sfg", SF_INPUT_SNAPSHOT, "native snapshot (.sfg)"},
};
#define NUM_FORMATS (sizeof formats / sizeof formats[0])

bool sf_input_kind_is_text(sf_input_kind kind)
{
    return kind == SF_INPUT_LDBC || kind == SF_INPUT_TEXT || kind == SF_INPUT_WEIGHTED_TEXT ||
           kind == SF_INPUT_MTX;
}

const sf_input_format *sf_input_format_of(const char *path, bool *gzip)
{
    size_t n = strlen(path);
    *gzip = sf_path_ends_with(path, n, ".gz");
    const sf_input_format *found = NULL;
    for (size_t i = 0; i < NUM_FORMATS; i++)
        if (sf_path_ends_with(path, *gzip ? n - 3 : n, formats[i].suffix))
            found = &formats[i];
    return found && found->kind == SF_INPUT_SNAPSHOT && *gzip ? NULL : found;
}

int sf_input_check_vertices(const char *path, const sf_input_format *format, uint64_t vertices,
                            sf_error *err)
{
    bool binary = format && (format->kind == SF_INPUT_BIN || format->kind == SF_INPUT_WBIN);
    if (vertices == 0 || binary)
        return 0;
    return sf_error_set(err, SF_EUSAGE, "%s: --vertices applies to .bin and .wbin files only",
                        path);
}

/* The table's suffixes, for a name it does not take: those a .gz may
 * follow, then the snapshot's, which it may not (".e, .el, ..., .wbin,
 * optionally .gz, or .sfg"). */
static void expected_suffixes(char *text, size_t n)
{
    size_t len = 0;
    for (int snapshot = 0; snapshot < 2; snapshot++) {
        for (size_t i = 0; i < NUM_FORMATS && len < n; i++)
            if ((formats[i].kind == SF_INPUT_SNAPSHOT) == snapshot)
                len += snprintf(text + len, n - len, "%s%s", formats[i].suffix,
                                snapshot ? "" : ", ");
        if (!snapshot && len < n)
            len += snprintf(text + len, n - len, "optionally .gz, or ");
    }
}

/* The binary formats, read from one file's bytes. */
static int parse(sf_input_kind kind, const char *path, const char *bytes, size_t len,
                 uint64_t vertices, sf_edge_list *out, sf_error *err)
{
    if (kind == SF_INPUT_SG || kind == SF_INPUT_WSG)
        return sf_parse_gapbs(path, bytes, len, kind == SF_INPUT_WSG, out, err);
    return sf_parse_binary_edges(path, bytes, len, kind == SF_INPUT_WBIN, vertices, out, err);
}

int sf_input_read(const char *path, const sf_input_options *opt, sf_edge_list *out,
                  sf_error *err)
{
    uint64_t vertices = opt ? opt->vertices : 0;
    size_t n = strlen(path);
    /* asked for 32-bit ids: the readers that can give them widen the list
     * when an id needs it; the others never see the flag */
    bool narrow = opt && opt->narrow && out->count == 0 && out->capacity == 0;
    bool gzip;
    const sf_input_format *format = sf_input_format_of(path, &gzip);
    if (!format && sf_path_ends_with(path, n, ".sfg.gz"))
        return sf_error_set(err, SF_EINPUT,
                            "%s: snapshots are read uncompressed (gunzip it first)", path);
    if (!format) {
        char expected[128];
        expected_suffixes(expected, sizeof expected);
        return sf_error_set(err, SF_EUSAGE, "%s: unknown graph format (expected %s)", path,
                            expected);
    }
    sf_input_kind kind = format->kind;
    int rc = sf_input_check_vertices(path, format, vertices, err);
    if (rc)
        return rc;
    if (kind == SF_INPUT_SNAPSHOT) {
        out->narrow = narrow;
        return read_snapshot_edges(path, out, err);
    }
    if (sf_input_kind_is_text(kind)) {
        out->narrow = narrow;
        if (kind == SF_INPUT_LDBC) /* the .v's ids are kept apart, 64-bit (vertex_ids) */
            return sf_read_ldbc(path, out, err);
        if (kind == SF_INPUT_MTX)
            return sf_read_mtx(path, out, err);
        rc = sf_read_text_edges(path, out, err);
        if (rc == 0 && kind == SF_INPUT_WEIGHTED_TEXT && out->count > 0 && !out->weight)
            rc = sf_error_set(err, SF_EINPUT,
                              "%s: a .wel file needs 3 columns (src dst weight), found 2", path);
        return rc;
    }

    if (kind == SF_INPUT_SG || kind == SF_INPUT_WSG) /* gapbs ids are int32: narrow always fits */
        out->narrow = narrow;
    char *bytes;
    size_t len;
    if ((rc = sf_file_read(path, &bytes, &len, err)))
        return rc;
    rc = parse(kind, path, bytes, len, vertices, out, err);
    free(bytes);
    return rc;
}

/* Whether arc v -> w of g is emitted: every arc of a directed graph, and
 * each edge of an undirected one once, from its smaller original id. */
static inline bool emits(const sf_graph *g, sf_vid v, sf_vid w)
{
    return g->directed || sf_graph_original_id(g, v) < sf_graph_original_id(g, w);
}

static int read_snapshot_edges(const char *path, sf_edge_list *out, sf_error *err)
{
    sf_graph *g = NULL;
    uint64_t *first = NULL;
    int rc = sf_snapshot_read(path, &g, err);
    if (rc)
        return rc;
    uint64_t n = g->num_vertices, base = out->count;
    first = malloc((n + 1) * sizeof *first);
    uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!first || !ids) {
        free(ids);
        goto no_memory;
    }
    /* rows in ascending original id: rank r is the r-th smallest */
#pragma omp parallel for schedule(dynamic, 4096)
    for (uint64_t r = 0; r < n; r++) {
        sf_vid v = sf_graph_by_original(g, r);
        uint64_t count = 0;
        for (sf_eid a = g->out_offsets[v]; a < g->out_offsets[v + 1]; a++)
            count += emits(g, v, g->out_neighbors[a]);
        first[r] = count;
        ids[r] = sf_graph_original_id(g, v);
    }
    uint64_t total = sf_exclusive_scan_u64(first, n);
    first[n] = total;
    free(out->vertex_ids);
    out->vertex_ids = ids;
    out->num_vertex_ids = n;
    out->declared_directed = g->directed;
    /* ids[] ascends: a narrow list holds them unless the last does not fit */
    if (out->narrow && n > 0 && ids[n - 1] > UINT32_MAX && sf_edge_list_widen(out))
        goto no_memory;
    if (sf_edge_list_reserve(out, base + total + 1, g->weighted))
        goto no_memory;
#pragma omp parallel for schedule(dynamic, 4096)
    for (uint64_t r = 0; r < n; r++) {
        sf_vid v = sf_graph_by_original(g, r);
        uint64_t at = base + first[r], id = sf_graph_original_id(g, v);
        for (sf_eid a = g->out_offsets[v]; a < g->out_offsets[v + 1]; a++) {
            sf_vid w = g->out_neighbors[a];
            if (!emits(g, v, w))
                continue;
            sf_edge_list_set(out, at, id, sf_graph_original_id(g, w));
            if (g->weighted)
                out->weight[at] = g->out_weights[a];
            at++;
        }
    }
    out->count = base + total;
    free(first);
    sf_graph_destroy(&g);
    return 0;
no_memory:
    free(first);
    sf_graph_destroy(&g);
    return sf_error_set(err, -ENOMEM, "%s: out of memory for the snapshot's edge list", path);
}

int sf_input_read_file(const char *path, sf_edge_list *out, sf_error *err)
{
    return sf_input_read(path, NULL, out, err);
}
