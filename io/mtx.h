/* Matrix Market coordinate files (.mtx): the format of the SuiteSparse
 * collection and of most sparse-matrix tools, read as a graph whose
 * adjacency matrix the file holds. */
#ifndef SF_IO_MTX_H
#define SF_IO_MTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* What the banner and the size line of a .mtx file say. */
typedef struct sf_mtx_header {
    bool weighted;        /* field real, integer (or double): a third column */
    bool symmetric;       /* symmetry symmetric: the graph is undirected */
    uint64_t rows, cols;  /* declared size */
    uint64_t entries;     /* declared number of entries (nnz) */
    size_t body;          /* offset of the first byte after the size line */
    uint64_t body_line;   /* the file line that starts at `body` */
    bool shifted;         /* a "% shardflow: index = original id + 1" comment: ids are
                           * the file's indices minus 1 (shardflow convert writes it
                           * for graphs that have a vertex 0) */
} sf_mtx_header;

/* Reads the banner (line 1) and the size line (the first line after it that
 * is not a '%' comment or blank) of text[0..len).
 *
 * The banner is `%%MatrixMarket matrix coordinate FIELD SYMMETRY`, keywords
 * in any case, FIELD one of pattern, real, integer (or double, as gapbs
 * accepts), SYMMETRY general or symmetric. The size line is `ROWS COLUMNS
 * ENTRIES`, unsigned decimal. A graph needs at most 4294967294 vertices:
 * max(ROWS, COLUMNS) may not be more.
 * Errors (SF_EINPUT, "PATH:LINE: <what>"): a missing or incomplete banner,
 * an unsupported object, format (array), field (complex) or symmetry
 * (skew-symmetric, hermitian), each named; a missing or bad size line. */
int sf_mtx_read_header(const char *path, const char *text, size_t len, sf_mtx_header *header,
                       sf_error *err);

/* Parses the Matrix Market file text[0..len) into out, which must be empty.
 *
 * Entries are `I J` (pattern) or `I J VALUE` (real, integer) lines, one arc
 * I -> J per entry, VALUE its weight (finite, strtod syntax; an integer
 * field's values are read the same way). Ids stay as the file numbers them,
 * 1-based: the vertex set is 1..max(ROWS, COLUMNS), every id in it a vertex
 * whether an entry names it or not (out->vertex_ids lists the ones no entry
 * names, so that the builder keeps them as isolated vertices). A square
 * matrix is the usual case; a rectangular one gives rows and columns the
 * same ids, as gapbs does. `symmetric` sets out->declared_directed = 0 (an
 * entry stands for an undirected edge, whichever triangle it is in),
 * `general` sets 1. Entries are parsed in parallel by the text edge-list
 * parser; blank lines, and '%' or '#' comment lines, are allowed among them.
 * An empty file (0 bytes) is an empty graph, as in every format. A file
 * that `shardflow convert` wrote from a graph with a vertex 0 says so in a
 * "% shardflow: index = original id + 1" comment before the size line; its
 * ids are then the indices minus 1, so the round trip keeps every id.
 *
 * Errors: sf_mtx_read_header's; SF_EINPUT "PATH:LINE: <what>" for the
 * first bad entry line (the text parser's messages: "expected 3 columns,
 * found 2", "bad vertex id 'x'", "vertex id ... overflows 64 bits", "bad
 * weight 'nan'"), an entry outside the declared size ("entry (4, 1) is
 * outside the 3 x 3 matrix"), more entries than declared (at the first
 * extra one) or fewer (at the end of the file's last line); -ENOMEM. A
 * bad line's message comes before the size and count checks wherever the
 * bad line is. On error out may hold part of the input: the caller
 * finalises it.
 *
 * A narrow list (out->narrow, engine/edge_list.h) gets 32-bit ids, which
 * every id inside the matrix fits. */
int sf_parse_mtx(const char *path, const char *text, size_t len, sf_edge_list *out,
                 sf_error *err);

/* Reads the Matrix Market file PATH (inflated when it ends in ".gz", read()
 * when a pipe) into out, which must be empty, a window at a time
 * (io/text_reader.h: SF_TEXT_WINDOW_BYTES per worker, two windows held):
 * the text is never whole in memory, only the arcs (8 bytes an arc in a
 * narrow list, 16 wide, 8 more when weighted) and one byte per vertex to
 * mark the ids that entries name. The same arcs, weights, vertex_ids and
 * directedness as sf_parse_mtx on the file's bytes, and the same errors
 * with the same lines (counted, for a message, by reading the file again). */
int sf_read_mtx(const char *path, sf_edge_list *out, sf_error *err);

/* The same with windows of window_bytes (>= 1): for tests. */
int sf_read_mtx_in(const char *path, size_t window_bytes, sf_edge_list *out, sf_error *err);

/* ---- one file read by several processes (MPI ranks), each its share ----
 * Every process reads the header from the file's start
 * (sf_mtx_read_file_header), then whole lines of the body [h.body, end of
 * file), its share, cut by the caller so that the shares in process order
 * tile the body; it parses them (sf_mtx_parse_share), and once the
 * processes have shared their counts, checks them (sf_mtx_finish_share).
 * Each process's error is the one sf_read_mtx gives if its share holds the
 * file's first fault: so the first failing process's message (the parse's
 * first, then the checks') is the one process's message, same file line. */

/* A share of the entry lines, and where it stands in the file. */
typedef struct sf_mtx_share {
    const char *text;       /* whole lines of the body */
    size_t len;
    uint64_t first_line;    /* the file line text[0] starts: h.body_line plus the
                             * '\n's of the shares before (sf_count_newlines) */
    uint64_t first_entry;   /* entries (arcs) in the shares before */
    uint64_t total;         /* entries in all shares */
    bool open_end;          /* the body's last byte is not '\n' (whichever share
                             * holds it: an empty last share cannot tell) */
    int part, parts;        /* share `part` of `parts`; the last ends the file */
    int node_parts;         /* shares held on this machine at once (the ranks of
                             * its node; 0 counts as 1): the memory check counts
                             * them all */
} sf_mtx_share;

/* The banner and size line of PATH read from its first bytes (a window at
 * a time, for a long header), as sf_read_mtx reads them: the same checks
 * and messages; h->body and h->body_line say where the entries start. An
 * empty file gives a header of zeros (no entry) with h->body_line 1. */
int sf_mtx_read_file_header(const char *path, sf_mtx_header *h, sf_error *err);

/* Parses the share's lines into out as sf_read_mtx parses entry lines (2
 * or 3 columns as the banner says, 32-bit ids in a narrow list), the first
 * bad line an error naming its file line. Uses text, len, first_line. */
int sf_mtx_parse_share(const char *path, const sf_mtx_header *h, const sf_mtx_share *share,
                       sf_edge_list *out, sf_error *err);

/* Checks the share's arcs (out, from sf_mtx_parse_share) against the
 * header: the first entry outside the declared size or past the declared
 * count, and in the last share fewer entries than declared over all shares
 * (at the file's last line): sf_read_mtx's messages and lines. Then sets
 * out->declared_directed, lists in out->vertex_ids this share's slice of
 * the vertices 1..max(rows, cols) (ids [n part / parts, n (part + 1) /
 * parts) + 1: together the whole set, isolated vertices included), and
 * moves ids back by 1 for a file with shardflow's "+ 1" note. Errors:
 * SF_EINPUT as said, -ENOMEM. */
int sf_mtx_finish_share(const char *path, const sf_mtx_header *h, const sf_mtx_share *share,
                        sf_edge_list *out, sf_error *err);

#endif
