/* Graph files by name: the dispatcher from a file's suffix to its reader. */
#ifndef SF_IO_INPUT_H
#define SF_IO_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* What the user may say about an input beyond its name. */
typedef struct sf_input_options {
    uint64_t vertices; /* .bin/.wbin: the vertex count (ids 0..N-1); 0: largest id + 1 */
    /* Text edge lists (.el .txt .wel), LDBC edge files (.e; the .v's ids
     * stay 64-bit, in vertex_ids), Matrix Market files (.mtx) and
     * snapshots (.sfg) into a narrow list (32-bit ids, half the memory)
     * while every id fits, widened when one does not, and gapbs files
     * (.sg .wsg, whose ids always fit) into a narrow list: for callers whose
     * code reads both forms (sf_graph_build, sf_write_edges,
     * sf_edge_list_assign_weights). */
    bool narrow;
} sf_input_options;

/* Reads the graph file PATH into out (freshly initialised), by its suffix:
 *   .e               LDBC Graphalytics (+ .v and .properties beside it: sf_read_ldbc)
 *   .el .txt         text edge list, 2 or 3 columns (sf_parse_text_edges)
 *   .wel             weighted text edge list: 3 columns required
 *   .mtx             Matrix Market coordinate, ids 1-based as in the file (sf_read_mtx)
 *   .sg .wsg         gapbs serialized graph, unweighted or weighted (sf_parse_gapbs)
 *   .bin .wbin       Gemini/GridGraph binary u32 pairs, or (u32, u32, f32) triples
 *                    (sf_parse_binary_edges)
 * and any of these followed by .gz, read through zlib (text formats a window
 * at a time, io/text_reader.h; the others whole, by sf_file_read);
 *   .sfg             native snapshot (io/snapshot.h), turned back into arcs:
 *                    every arc of a directed graph, each edge of an
 *                    undirected one once (from its smaller original id),
 *                    rows in ascending original id; every vertex named in
 *                    out->vertex_ids (isolated ones kept); directedness
 *                    declared. To run on a snapshot, load the graph itself
 *                    with sf_snapshot_read instead: no rebuild.
 * opt may be NULL (no options). Generators (kron:, urand:) are the caller's
 * business, not this function's.
 * Errors: SF_EUSAGE "PATH: unknown graph format (expected .e, .el, .txt,
 * .wel, .mtx, .sg, .wsg, .bin, .wbin, optionally .gz, or .sfg)", SF_EUSAGE "PATH:
 * --vertices applies to .bin and .wbin files only"; SF_EINPUT "PATH: a .wel
 * file needs 3 columns (src dst weight), found 2" for an unweighted .wel;
 * otherwise the readers' errors. On error out may hold part of the input:
 * the caller finalises it. */
int sf_input_read(const char *path, const sf_input_options *opt, sf_edge_list *out,
                  sf_error *err);

/* The formats sf_input_read reads. */
typedef enum sf_input_kind {
    SF_INPUT_LDBC, SF_INPUT_TEXT, SF_INPUT_WEIGHTED_TEXT, SF_INPUT_MTX, SF_INPUT_SG,
    SF_INPUT_WSG, SF_INPUT_BIN, SF_INPUT_WBIN, SF_INPUT_SNAPSHOT,
} sf_input_kind;

/* An entry of the table sf_input_read dispatches by. */
typedef struct sf_input_format {
    const char *suffix;         /* ".el" (after a .gz is set aside) */
    sf_input_kind kind;
    const char *name;           /* for people: "text edge list", "native snapshot (.sfg)" */
} sf_input_format;

/* Whether a format of this kind is parsed from text a window at a time
 * (io/text_reader.h): .e .el .txt .wel .mtx; the others are read whole,
 * or by byte ranges. */
bool sf_input_kind_is_text(sf_input_kind kind);

/* What PATH is read as, by its suffix as sf_input_read decides (a static
 * entry), or NULL for a suffix no reader takes (a .sfg.gz included: a
 * snapshot is read uncompressed); *gzip says whether it is read through
 * zlib (a trailing .gz). */
const sf_input_format *sf_input_format_of(const char *path, bool *gzip);

/* Whether a vertex count (--vertices, sf_input_options.vertices; 0: none)
 * may be given for PATH, read as format (NULL: not a file, a generator):
 * only .bin and .wbin files take one, gzipped or not. The one check of
 * every loader (one process and ranks alike).
 * Errors: SF_EUSAGE "PATH: --vertices applies to .bin and .wbin files only". */
int sf_input_check_vertices(const char *path, const sf_input_format *format, uint64_t vertices,
                            sf_error *err);

/* sf_input_read with no options. */
int sf_input_read_file(const char *path, sf_edge_list *out, sf_error *err);

#endif
