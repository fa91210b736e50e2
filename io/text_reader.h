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
 * The file is read in windows of SF_TEXT_WINDOW_BYTES per worker of the
 * current OpenMP team by a stream (io/stream.h: io_uring for a regular
 * file, zlib for ".gz", read() for a pipe), the next window read on the
 * stream's thread while the workers parse this one with
 * sf_parse_edge_lines; each window is cut after its last line end. Two
 * window buffers are the only text in memory. The first data line of the
 * file decides the column count for every window. A line longer than a
 * window grows the window.
 *
 * Errors: those of sf_file_stream_create/_wait and sf_parse_text_edges, with the same file
 * lines ("g.el:17: expected 2 columns, found 1"): an error's line is found
 * by counting the lines before its window only when there is an error. On
 * error out->count is unchanged from the failing window on (earlier
 * windows' arcs stay); the caller finalises out. */
int sf_read_text_edges(const char *path, sf_edge_list *out, sf_error *err);

/* Bytes of text per worker in one window (two windows are held: the one
 * parsed and the one read). */
#define SF_TEXT_WINDOW_BYTES ((size_t)8 << 20)

/* The same with a window of window_bytes (>= 1) whatever the worker count:
 * for tests, which cut small files into many windows. */
int sf_read_text_edges_in(const char *path, size_t window_bytes, sf_edge_list *out,
                          sf_error *err);

#endif
