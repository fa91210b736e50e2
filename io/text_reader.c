/* Text edge files, a window at a time. The one idea: a window is cut after
 * its last line end, so each window holds whole lines and goes through the
 * parallel parser (io/text_edges.c) as a text of its own; the partial line
 * at its end is carried to the front of the next window, which the stream
 * (io/stream.h) reads on its own thread while this one is parsed. A format
 * with a header (Matrix Market) takes its lines first through a hook, and
 * checks each window's arcs through another, so one window loop serves
 * every text format. The parser is told the file's column count, so every
 * window is held to the file's first data line (or to the header's word).
 * Line numbers are only needed for a message: when a window fails, the
 * lines before it are counted (one more read of the file, inflated again
 * for .gz) and the window is parsed again with its true first line, so the
 * success path never counts lines; a pipe, which cannot be read twice,
 * counts them as it goes. */
#define _GNU_SOURCE /* memrchr */
#include "io/text_reader.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/stream.h"
#include "engine/parallel.h"
#include "io/text_edges.h"

/* The number of '\n' bytes in the first `end` bytes of PATH (decompressed
 * for ".gz"), read again from the start; *lines is set only on success. */
static int count_lines_before(const char *path, uint64_t end, uint64_t *lines, sf_error *err)
{
    sf_file_stream *s;
    int rc = sf_file_stream_create(path, SF_TEXT_WINDOW_BYTES, &s, err);
    if (rc)
        return rc;
    uint64_t n = 0, at = 0;
    for (;;) {
        const char *data;
        size_t len;
        bool last;
        if ((rc = sf_file_stream_wait(s, &data, &len, &last, err)))
            break;
        size_t take = end - at < len ? (size_t)(end - at) : len;
        n += sf_count_newlines(data, take);
        at += take;
        if (at == end || last)
            break;
        if ((rc = sf_file_stream_ahead(s, 0, err)))
            break;
    }
    sf_file_stream_destroy(&s);
    if (rc == 0)
        *lines = n;
    return rc;
}


/* Room for the arcs of the rest of the file, estimated from the arcs per
 * byte so far, so that windows do not grow the list by small steps (each
 * growth copies it). Untouched capacity costs address space, not memory. */
static int reserve_ahead(sf_edge_list *out, uint64_t arcs_so_far, uint64_t bytes_so_far,
                         uint64_t bytes_left, bool weighted)
{
    if (bytes_so_far == 0)
        return 0;
    double per_byte = (double)arcs_so_far / (double)bytes_so_far;
    uint64_t want = out->count + (uint64_t)(per_byte * (double)bytes_left * 1.05) + 1024;
    if (want <= out->capacity)
        return 0;
    if (want < out->capacity + out->capacity / 2)
        want = out->capacity + out->capacity / 2;
    return sf_edge_list_reserve(out, want, weighted);
}

/* Where a read stands between windows. */
struct edge_read {
    const char *path;
    sf_edge_reader *reader;
    sf_edge_list *out;
    bool in_head;            /* the header's lines are not all taken yet */
    bool head_only;          /* stop once they are (sf_read_edge_head) */
    bool lines_known;        /* lines_before is exact */
    bool count_as_we_go;     /* a pipe: it cannot be read again */
    uint64_t lines_before;   /* '\n's before the next window, when known */
    uint64_t offset;         /* file offset of the next window's first byte */
    uint64_t edges_offset;   /* file offset of the first edge line */
    uint64_t size;           /* the whole file's bytes (an estimate), 0 unknown */
    uint64_t start_count;    /* out->count when the read began */
    int columns;             /* 0 until fixed by the reader or the first data line */
};

int sf_edge_window_line(sf_edge_window *w, size_t at, uint64_t *line, sf_error *err)
{
    if (w->first_line == 0) {
        uint64_t lines = 0;
        int rc = count_lines_before(w->path, w->offset, &lines, err);
        if (rc)
            return rc;
        w->first_line = lines + 1;
    }
    *line = w->first_line + sf_count_newlines(w->text, at);
    return 0;
}

/* One window of whole lines (the file's end when `last`): the head's part,
 * then the edge lines parsed and handed to the window hook. */
static int take_window(struct edge_read *r, const char *text, size_t len, bool last,
                       sf_error *err)
{
    sf_edge_reader *hooks = r->reader;
    sf_edge_list *out = r->out;
    sf_edge_window w = {
        .path = r->path, .text = text, .len = len, .first_arc = out->count, .last = last,
        .offset = r->offset, .first_line = r->lines_known ? r->lines_before + 1 : 0,
    };
    int rc = 0;
    if (r->in_head) {
        bool done = hooks->head == NULL;
        size_t used = 0;
        if (hooks->head && (rc = hooks->head(hooks->arg, text, len, last, &used, &done, err)))
            return rc;
        w.edges_at = used;
        if (!done) { /* header lines only: counted, they are few */
            r->lines_before += sf_count_newlines(text, len);
            r->offset += len;
            return 0;
        }
        r->in_head = false;
        r->columns = hooks->columns;
        r->edges_offset = r->offset + used;
        if (r->head_only)
            return 0;
    }

    const char *edges = text + w.edges_at;
    size_t edges_len = len - w.edges_at;
    /* the column count the parser holds this window to: 0 lets its first
     * data line decide, for the window that decides the file's */
    int columns = r->columns;
    if (r->columns == 0)
        r->columns = sf_text_edge_columns(edges, edges_len);
    /* (no estimate before the first arc: and no weights for a file that
     * turns out to have no arc) */
    uint64_t edges_before = r->offset + w.edges_at - r->edges_offset;
    if (out->count > r->start_count && r->size > edges_before + r->edges_offset) {
        rc = reserve_ahead(out, out->count - r->start_count, edges_before,
                           r->size - edges_before - r->edges_offset, r->columns == 3);
        if (rc)
            return sf_error_set(err, rc, "%s: out of memory", r->path);
    }
    /* the success path needs no line number: unknown ones are counted
     * when the parser fails, and the window parsed again */
    uint64_t line = w.first_line ? w.first_line + sf_count_newlines(text, w.edges_at) : 1;
    rc = sf_parse_edge_lines(r->path, edges, edges_len, line, columns, out, err);
    if (rc == SF_EINPUT && w.first_line == 0) {
        rc = sf_edge_window_line(&w, w.edges_at, &line, err);
        if (rc == 0)
            rc = sf_parse_edge_lines(r->path, edges, edges_len, line, columns, out, err);
    }
    if (rc == 0 && hooks->window)
        rc = hooks->window(hooks->arg, &w, out, err);
    if (last)
        return rc;
    if (r->lines_known && r->count_as_we_go)
        r->lines_before += sf_count_newlines(text, len);
    else
        r->lines_known = false;
    r->offset += len;
    return rc;
}

/* The window loop of sf_read_edge_windows, and of sf_read_edge_head, which
 * stops after the header (head_only: no edge line is parsed). */
static int read_windows(const char *path, size_t window, sf_edge_reader *reader,
                        sf_edge_list *out, bool head_only, sf_error *err)
{
    sf_file_stream *stream;
    if (!head_only) /* a header alone is not a load's phase */
        sf_trace_phase("open");
    int rc = sf_file_stream_create(path, window, &stream, err);
    if (rc)
        return rc;
    struct edge_read r = {
        .path = path, .reader = reader, .out = out, .in_head = true, .head_only = head_only,
        .lines_known = true,
        /* a pipe cannot be read again for a message's line: count as we go */
        .count_as_we_go = !sf_file_stream_rereadable(stream),
        .size = sf_file_stream_size_hint(stream), .start_count = out->count,
    };
    for (;;) {
        const char *buf;
        size_t filled;
        bool last;
        rc = sf_file_stream_wait(stream, &buf, &filled, &last, err);
        if (rc)
            break;
        /* whole lines only, unless this is the stream's end */
        size_t cut = filled;
        if (!last) {
            const char *nl = memrchr(buf, '\n', filled);
            cut = nl ? (size_t)(nl - buf) + 1 : 0; /* none: one line longer than the window */
        }
        /* the next window is read while this one is parsed */
        if (!last && (rc = sf_file_stream_ahead(stream, filled - cut, err)))
            break;
        if (cut == 0 && !last)
            continue;
        rc = take_window(&r, buf, cut, last, err);
        if (rc || last || (r.head_only && !r.in_head))
            break;
    }
    sf_file_stream_destroy(&stream);
    if (!head_only)
        sf_trace_phase("read+parse");
    return rc;
}

int sf_read_edge_windows(const char *path, size_t window, sf_edge_reader *reader,
                         sf_edge_list *out, sf_error *err)
{
    return read_windows(path, window, reader, out, false, err);
}

int sf_read_edge_head(const char *path, size_t window, sf_edge_reader *reader, sf_error *err)
{
    sf_edge_list none;
    sf_edge_list_init(&none);
    int rc = read_windows(path, window, reader, &none, true, err);
    sf_edge_list_fini(&none);
    return rc;
}

int sf_parse_edge_windows(const char *path, const char *text, size_t len, sf_edge_reader *reader,
                          sf_edge_list *out, sf_error *err)
{
    struct edge_read r = {
        .path = path, .reader = reader, .out = out, .in_head = true, .lines_known = true,
        .size = len, .start_count = out->count,
    };
    return take_window(&r, text, len, true, err);
}

int sf_read_text_edges(const char *path, sf_edge_list *out, sf_error *err)
{
    return sf_read_text_edges_in(path, SF_TEXT_WINDOW_BYTES * (size_t)omp_get_max_threads(),
                                 out, err);
}

int sf_read_text_edges_in(const char *path, size_t window, sf_edge_list *out, sf_error *err)
{
    sf_edge_reader plain = {0};
    return sf_read_edge_windows(path, window, &plain, out, err);
}
