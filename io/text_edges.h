/* Plain-text edge lists: SNAP .txt, .el, .wel and the body of LDBC .e files,
 * one "src dst [weight]" arc per line, parsed in parallel. */
#ifndef SF_IO_TEXT_EDGES_H
#define SF_IO_TEXT_EDGES_H

#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Parses "src dst [weight]" lines from text[0..len) and appends the arcs to
 * out in file order, whatever the OpenMP thread count.
 *
 * Syntax: fields separated by any mix of spaces and tabs; LF or CRLF line
 * ends, the last line's end optional; blank lines and lines whose first
 * non-blank character is '#' or '%' are comments; trailing blanks are
 * ignored. Ids are unsigned 64-bit decimal (0 .. 18446744073709551615).
 * Weights use strtod syntax and must be finite (nan and inf are rejected).
 * The first data line decides: 3 columns make the file weighted and every
 * line must then have 3; 2 columns make every line need exactly 2.
 *
 * text need not be NUL-terminated. `path` is only used in messages. A file
 * with no data lines appends nothing and succeeds. A weighted file allocates
 * out->weight; when out already holds arcs from an input of the other kind,
 * the arcs without a weight get 1.0.
 *
 * Errors: SF_EINPUT with one line "PATH:LINE: <what>", LINE the 1-based
 * line of the first bad line in the file, e.g. "g.el:17: expected 2 columns,
 * found 1", "g.el:3: bad vertex id 'x12'", "g.el:5: vertex id
 * 18446744073709551616 overflows 64 bits", "g.el:9: bad weight 'nan'";
 * -ENOMEM. On error out->count is unchanged (its capacity may have grown).
 *
 * A narrow list (out->narrow, engine/edge_list.h) gets 32-bit ids; the first
 * id of 2^32 or more widens it (sf_edge_list_widen) and the text is parsed
 * again into the wide form. */
int sf_parse_text_edges(const char *path, const char *text, size_t len, sf_edge_list *out,
                        sf_error *err);

/* The same parser for the edge lines of a larger file (the body of a Matrix
 * Market file after its header and size line): text[0] is the start of line
 * `first_line` of the file, so messages give file lines; `columns` (2 or 3)
 * is the count every data line must have, the first one included ("PATH:
 * LINE: expected 2 columns, found 3"), or 0 to let the first data line
 * decide as sf_parse_text_edges does. Same contract otherwise. */
int sf_parse_edge_lines(const char *path, const char *text, size_t len, uint64_t first_line,
                        int columns, sf_edge_list *out, sf_error *err);

/* The number of '\n' bytes in text[0..len): lines before a part of a file,
 * for its first line's number. */
uint64_t sf_count_newlines(const char *text, size_t len);

/* The file line (first_line + lines before it) of the arc with index `arc`
 * (0-based, in file order) among the data lines of text[0..len), as
 * sf_parse_edge_lines counts them: every line that is not blank and not a
 * comment. For messages about an arc found bad after a successful parse.
 * Returns the line just past the text when there are fewer arcs. */
uint64_t sf_edge_line_number(const char *text, size_t len, uint64_t first_line, uint64_t arc);

/* The column count of the first data line of text[0..len) (any count, not
 * only 2 or 3), or 0 when the text has no data line. */
int sf_text_edge_columns(const char *text, size_t len);

/* The same for a part of a file that starts at line first_line (1-based):
 * line numbers in messages are those of the whole file. */
int sf_parse_text_edges_at(const char *path, const char *text, size_t len, uint64_t first_line,
                           sf_edge_list *out, sf_error *err);

#endif
