/* Text edge list files, a window at a time. The one idea: a window is cut
 * after its last line end, so each window holds whole lines and goes
 * through the parallel parser (io/text_edges.c) as a text of its own; the
 * partial line at its end moves to the front of the buffer and the next
 * window is read behind it. The parser is told the file's column count, so
 * every window is held to the file's first data line. Line numbers are
 * only needed for a message: when a window fails, the lines before it are
 * counted (one more read of the file) and the window is parsed again with
 * its true first line, so the success path never counts lines. */
#define _GNU_SOURCE /* memrchr */
#include "io/text_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/reader.h"
#include "io/text_edges.h"

/* Reads whole and parses: ".gz" and files that are not regular. */
static int read_whole(const char *path, sf_edge_list *out, sf_error *err)
{
    char *text;
    size_t len;
    int rc = sf_file_read(path, &text, &len, err);
    if (rc)
        return rc;
    rc = sf_parse_text_edges(path, text, len, out, err);
    free(text);
    return rc;
}

/* The number of '\n' bytes in the first `end` bytes of PATH, read a buffer
 * at a time; *lines is set only on success. */
static int count_lines_before(const char *path, uint64_t end, char *buf, size_t buf_len,
                              uint64_t *lines, sf_error *err)
{
    uint64_t n = 0;
    for (uint64_t at = 0; at < end;) {
        size_t len = end - at < buf_len ? (size_t)(end - at) : buf_len;
        int rc = sf_file_read_into(path, at, buf, len, err);
        if (rc)
            return rc;
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))) != NULL; p++)
            n++;
        at += len;
    }
    *lines = n;
    return 0;
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
    size_t n = strlen(path);
    if (n >= 3 && strcmp(path + n - 3, ".gz") == 0)
        return read_whole(path, out, err);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return read_whole(path, out, err); /* its error, or a pipe read whole */

    uint64_t size = (uint64_t)st.st_size;
    if (size < window)
        window = size ? (size_t)size : 1;
    char *buf = malloc(window);
    if (!buf)
        return sf_error_set(err, -ENOMEM, "%s: out of memory for the read buffer", path);

    int rc = 0, columns = 0;
    uint64_t offset = 0;  /* file offset of buf[0] */
    size_t carry = 0;     /* bytes at buf[0..carry) not yet parsed */
    uint64_t start_count = out->count;
    while (offset + carry < size) {
        uint64_t read_at = offset + carry;
        size_t len = window - carry;
        if (len > size - read_at)
            len = (size_t)(size - read_at);
        rc = sf_file_read_into(path, read_at, buf + carry, len, err);
        if (rc)
            goto done;
        size_t filled = carry + len;
        bool last = read_at + len == size;
        /* whole lines only, unless this is the file's end */
        size_t cut = filled;
        if (!last) {
            const char *nl = memrchr(buf, '\n', filled);
            if (!nl) { /* one line longer than the window: a bigger one */
                char *grown = realloc(buf, 2 * window);
                if (!grown) {
                    rc = sf_error_set(err, -ENOMEM, "%s: out of memory for the read buffer",
                                      path);
                    goto done;
                }
                buf = grown;
                window *= 2;
                carry = filled;
                continue;
            }
            cut = (size_t)(nl - buf) + 1;
        }
        if (columns == 0)
            columns = sf_text_edge_columns(buf, cut);
        if (columns != 0 && offset > 0) {
            rc = reserve_ahead(out, out->count - start_count, offset, size - offset,
                               columns == 3);
            if (rc) {
                rc = sf_error_set(err, rc, "%s: out of memory", path);
                goto done;
            }
        }
        rc = sf_parse_edge_lines(path, buf, cut, 1, offset > 0 ? columns : 0, out, err);
        if (rc == SF_EINPUT && offset > 0) {
            /* the message's line, from the lines before this window: count
             * them with a buffer of their own, then parse again */
            uint64_t lines = 0;
            char *scratch = malloc(SF_TEXT_WINDOW_BYTES);
            if (!scratch) {
                rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
                goto done;
            }
            rc = count_lines_before(path, offset, scratch, SF_TEXT_WINDOW_BYTES, &lines, err);
            free(scratch);
            if (rc == 0)
                rc = sf_parse_edge_lines(path, buf, cut, lines + 1, columns, out, err);
        }
        if (rc)
            goto done;
        memmove(buf, buf + cut, filled - cut);
        carry = filled - cut;
        offset += cut;
    }
done:
    free(buf);
    return rc;
}
