/* Text edge files read a window at a time: no buffer holds the whole file,
 * so a large edge list costs two windows of text (the one parsed and the
 * one being read, 8 MiB per worker each) beside the arcs parsed from it. Plain edge lists use sf_read_text_edges;
 * formats with a header before their edge lines (Matrix Market) and checks
 * of their own on the arcs use the general reader, sf_read_edge_windows,
 * with hooks. */
#ifndef SF_IO_TEXT_READER_H
#define SF_IO_TEXT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"
#include "io/text_edges.h" /* sf_count_newlines */

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

/* ---- the general reader: header lines, then edge lines with checks ---- */

/* One window as a hook sees it: valid until the hook returns. */
typedef struct sf_edge_window {
    const char *path;
    const char *text;     /* whole lines (the file's last bytes when `last`) */
    size_t len;
    size_t edges_at;      /* text[edges_at..len) are edge lines, what precedes
                           * them the end of a header */
    uint64_t first_arc;   /* out's arcs from this index on came from this window */
    bool last;            /* the file ends with this window */
    /* for sf_edge_window_line: */
    uint64_t offset;      /* of text[0] in the file's (decompressed) bytes */
    uint64_t first_line;  /* the file line text[0] starts on; 0: not counted yet */
} sf_edge_window;

/* What a format adds to the edge lines. Every member may be 0/NULL. */
typedef struct sf_edge_reader {
    /* The column count every edge line must have (2 or 3), or 0: the first
     * data line decides, as sf_parse_text_edges does. `head` may set it. */
    int columns;
    /* The lines before the edge lines. Called with each window's whole
     * lines in file order (and, when `last`, the file's last bytes even if
     * they are none) until it sets *done; *used gets the bytes it took, a
     * number of whole lines (all of them when not done), and the rest of
     * the window is edge lines. It must finish or fail when `last`. NULL:
     * no header. */
    int (*head)(void *arg, const char *text, size_t len, bool last, size_t *used, bool *done,
                sf_error *err);
    /* Called after each window's edge lines were parsed into out (arcs
     * first_arc..out->count), for every window from the one where the head
     * ended to the last (w->last), even when it has no edge line: checks
     * on the arcs and what must be done at the end. It may drop the
     * window's arcs (out->count = first_arc). A non-zero return stops the
     * read with that error. */
    int (*window)(void *arg, sf_edge_window *w, sf_edge_list *out, sf_error *err);
    void *arg;
} sf_edge_reader;

/* Reads PATH a window of window_bytes at a time (grown for a longer line),
 * as sf_read_text_edges_in does, through the reader's hooks: header lines
 * to `head`, then edge lines parsed into out (sf_parse_edge_lines, with
 * the file's lines in messages, counted only on error) and handed to
 * `window`. Errors: the stream's, the parser's, the hooks'; on error out
 * may hold part of the input. */
int sf_read_edge_windows(const char *path, size_t window_bytes, sf_edge_reader *reader,
                         sf_edge_list *out, sf_error *err);

/* The same over text[0..len) in memory, as one last window (for formats
 * read from bytes: the checks are the same code). */
int sf_parse_edge_windows(const char *path, const char *text, size_t len, sf_edge_reader *reader,
                          sf_edge_list *out, sf_error *err);

/* Only the header: PATH read a window at a time through reader->head until
 * it sets *done (or the file ends); no edge line is parsed and `window` is
 * never called. For a reader that wants a file's header alone (each MPI
 * rank reads a Matrix Market file's header, then its share of the
 * entries). Errors: the stream's and the head's. */
int sf_read_edge_head(const char *path, size_t window, sf_edge_reader *reader, sf_error *err);

/* The file line of w->text[at] (at <= w->len), for a hook's message: the
 * lines before the window are counted (the file read again from the start,
 * inflated again for .gz) the first time a window is asked, when they were
 * not known. Errors: the stream's, when reading again fails. */
int sf_edge_window_line(sf_edge_window *w, size_t at, uint64_t *line, sf_error *err);

#endif
