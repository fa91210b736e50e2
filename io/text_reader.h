/* Text edge list files read a window at a time: no buffer holds the whole
 * file, so a large edge list costs one window of text (a few blocks per
 * worker) beside the arcs parsed from it. */
#ifndef SF_IO_TEXT_READER_H
#define SF_IO_TEXT_READER_H

#include <stddef.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Reads the text edge list file PATH ("src dst [weight]" lines, the syntax
 * of sf_parse_text_edges) and appends its arcs to out in file order, the
 * same arcs sf_parse_text_edges would give for the whole file's bytes.
 *
 * A regular file is read in windows of SF_TEXT_WINDOW_BYTES per worker of
 * the current OpenMP team (sf_file_read_into), cut after the window's last
 * line end; each window is parsed in parallel by sf_parse_edge_lines while
 * the window buffer is the only text in memory. The first data line of the
 * file decides the column count for every window. A line longer than a
 * window grows the window. Files named ".gz" and files that are not
 * regular (pipes) are read whole with sf_file_read, then parsed.
 *
 * Errors: those of sf_file_read and sf_parse_text_edges, with the same file
 * lines ("g.el:17: expected 2 columns, found 1"): an error's line is found
 * by counting the lines before its window only when there is an error. On
 * error out->count is unchanged from the failing window on (earlier
 * windows' arcs stay); the caller finalises out. */
int sf_read_text_edges(const char *path, sf_edge_list *out, sf_error *err);

/* Bytes of text per worker in one window. */
#define SF_TEXT_WINDOW_BYTES ((size_t)16 << 20)

/* The same with a window of window_bytes (>= 1) whatever the worker count:
 * for tests, which cut small files into many windows. */
int sf_read_text_edges_in(const char *path, size_t window_bytes, sf_edge_list *out,
                          sf_error *err);

#endif
