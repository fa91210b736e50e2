/* Text edge list files, a window at a time. The one idea: a window is cut
 * after its last line end, so each window holds whole lines and goes
 * through the parallel parser (io/text_edges.c) as a text of its own; the
 * partial line at its end is carried to the front of the next window,
 * which the stream (io/stream.h) reads on its own thread while this one is
 * parsed. The parser is told the file's column count, so every window is
 * held to the file's first data line. Line numbers are only needed for a
 * message: when a window fails, the lines before it are counted (one more
 * read of the file, inflated again for .gz) and the window is parsed again
 * with its true first line, so the success path never counts lines; a
 * pipe, which cannot be read twice, counts them as it goes. */
#define _GNU_SOURCE /* memrchr */
#include "io/text_reader.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/stream.h"
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
        for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + take - p))) != NULL; p++)
            n++;
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

static uint64_t count_newlines(const char *text, size_t len)
{
    uint64_t n = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))) != NULL; p++)
        n++;
    return n;
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

int sf_read_text_edges(const char *path, sf_edge_list *out, sf_error *err)
{
    return sf_read_text_edges_in(path, SF_TEXT_WINDOW_BYTES * (size_t)omp_get_max_threads(),
                                 out, err);
}

int sf_read_text_edges_in(const char *path, size_t window, sf_edge_list *out, sf_error *err)
{
    sf_file_stream *stream;
    int rc = sf_file_stream_create(path, window, &stream, err);
    if (rc)
        return rc;
    uint64_t size = sf_file_stream_size_hint(stream);
    /* a pipe cannot be read again for a message's line: count as we go */
    bool count_as_we_go = !sf_file_stream_rereadable(stream);
    int columns = 0;
    uint64_t offset = 0;     /* stream offset of the held window's first byte */
    uint64_t lines_before = 0; /* '\n's before it, when counted as we go */
    uint64_t start_count = out->count;
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
        if (columns == 0)
            columns = sf_text_edge_columns(buf, cut);
        if (columns != 0 && offset > 0 && size > offset) {
            rc = reserve_ahead(out, out->count - start_count, offset, size - offset,
                               columns == 3);
            if (rc) {
                rc = sf_error_set(err, rc, "%s: out of memory", path);
                break;
            }
        }
        rc = sf_parse_edge_lines(path, buf, cut, lines_before + 1, offset > 0 ? columns : 0, out,
                                 err);
        if (rc == SF_EINPUT && offset > 0 && !count_as_we_go) {
            /* the message's line, from the lines before this window: count
             * them from the start, then parse again */
            uint64_t lines = 0;
            rc = count_lines_before(path, offset, &lines, err);
            if (rc == 0)
                rc = sf_parse_edge_lines(path, buf, cut, lines + 1, columns, out, err);
        }
        if (rc || last)
            break;
        if (count_as_we_go)
            lines_before += count_newlines(buf, cut);
        offset += cut;
    }
    sf_file_stream_destroy(&stream);
    return rc;
}
