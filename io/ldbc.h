/* LDBC Graphalytics inputs: NAME.e (the arcs), NAME.v beside it (every
 * vertex, isolated ones included) and NAME.properties beside it (directed,
 * algorithm parameters). */
#ifndef SF_IO_LDBC_H
#define SF_IO_LDBC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Reads PATH, an LDBC edge file ("src dst [weight]" lines; PATH ends in .e
 * or .e.gz), appending its arcs to out. When NAME.v (or NAME.v.gz) lies
 * beside it, fills out->vertex_ids / num_vertex_ids with its ids in file
 * order (one id per line; '#' and '%' comments and blank lines allowed).
 * When NAME.properties lies beside it, sets out->declared_directed to 1 or 0
 * from its `directed` key, written either bare (`directed = true`, as in
 * ../shared/datasets/ldbc) or as LDBC ships it (`graph.NAME.directed`).
 * Errors: those of sf_file_read and sf_parse_text_edges; SF_EINPUT
 * "PATH:LINE: <what>" for a bad .v line or a `directed` value that is not
 * true/false; -ENOMEM. On error out may hold part of the input: the caller
 * finalises it. */
int sf_read_ldbc(const char *path, sf_edge_list *out, sf_error *err);

/* Looks up KEY_SUFFIX (e.g. "pr.damping-factor", "bfs.source-vertex",
 * "pr.num-iterations", "cdlp.max-iterations", "sssp.source-vertex",
 * "directed", "vertices") in the NAME.properties beside the edge file
 * EDGE_PATH. A key matches when it equals the suffix or ends with
 * "." KEY_SUFFIX; `graph.NAME.KEY_SUFFIX` wins over a bare key, which wins
 * over other matches; among equals the last line wins, as in Java
 * properties. Copies the value, blanks trimmed, into value (size n).
 * Returns 1 when found, 0 when absent or when there is no properties file,
 * negative on error: SF_EINPUT "PATH:LINE: value of KEY is too long" when it
 * does not fit in n bytes, or sf_file_read's errors for an unreadable file. */
int sf_ldbc_property(const char *edge_path, const char *key_suffix, char *value, size_t n,
                     sf_error *err);

/* The vertex file beside the edge file EDGE_PATH (NAME.v, else NAME.v.gz)
 * as a new string the caller frees, or NULL when there is none (or no
 * memory: *oom is then set). */
char *sf_ldbc_vertex_path(const char *edge_path, bool *oom);

/* Parses the lines of a .v file, or of a part of one starting at line
 * first_line (1-based, for messages), into a new array *ids (freed by the
 * caller) of *count ids. Errors as sf_read_ldbc's for .v lines. */
int sf_ldbc_parse_vertex_ids(const char *path, const char *text, size_t len, uint64_t first_line,
                             uint64_t **ids, uint64_t *count, sf_error *err);

#endif
