/* Edge lists out: the text formats `shardflow convert` writes, from an edge
 * list in memory (the input's arcs, or the simple graph's with dedup). */
#ifndef SF_IO_WRITE_EDGES_H
#define SF_IO_WRITE_EDGES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

typedef struct sf_write_edges_options {
    bool undirected;            /* .mtx: symmetric; dedup: u v and v u are one edge */
    bool dedup;                 /* each distinct arc (edge) once, sorted, smallest weight */
    bool drop_self_loops;       /* leave out u u */
} sf_write_edges_options;

/* Whether PATH names a format sf_write_edges writes: .el, .txt, .wel, .mtx. */
bool sf_write_edges_format(const char *path);

/* Writes the arcs of `edges` (narrow or wide) to PATH, in the format its
 * suffix names:
 *   .el .txt   "src dst" per line (weights, if any, are not written: gapbs
 *              and SNAP read two columns)
 *   .wel       "src dst weight" per line; needs edges->weight
 *   .mtx       Matrix Market: "%%MatrixMarket matrix coordinate pattern|real
 *              general|symmetric", then "rows cols entries", then "i j [w]"
 *              lines. Indices are 1-based, so the ids are written as they
 *              are unless the graph has vertex 0: then every id is written
 *              plus 1, and a comment line "% shardflow: index = original
 *              id + 1" says so. rows = cols = the largest index (isolated
 *              vertices named in edges->vertex_ids count), which may not
 *              pass SF_MAX_VERTICES (4294967294): every index up to it is
 *              a vertex of the file, and a larger matrix is one shardflow
 *              refuses to read. Symmetric entries are written in the lower
 *              triangle (row >= column), as the format asks.
 * Ids are the original ids. Weights are written with the fewest digits that
 * read back as the same double (integers as integers). Without dedup the
 * arcs go out in the list's order, every one of them (self-loops too unless
 * drop_self_loops). With dedup the output is the simple graph's arcs sorted
 * by (source, target) original id: duplicates merged keeping the smallest
 * weight, an undirected edge written once from its smaller id, self-loops
 * kept (once each) unless drop_self_loops. With dedup and drop_self_loops
 * the output is exactly the graph shardflow builds from the input.
 *
 * *written (when not NULL) gets the number of arc lines written.
 *
 * Written to PATH.tmp.PID and renamed at the end: on failure nothing is
 * left behind. Lines are formatted in parallel on the current OpenMP team,
 * written in order. Errors: SF_EUSAGE "PATH: a .wel file needs weights;
 * give --weights=unit or --weights=random" when edges has none, "PATH:
 * unknown edge list format"; SF_EINPUT "PATH: vertex id 4294967295 does
 * not fit a Matrix Market file: shardflow reads indices up to 4294967294,
 * ...; write .el or .sfg instead, which keep such ids" (the largest id,
 * when its index is past the limit; checked before the file is created);
 * -errno "PATH: <strerror>" when writing fails; -ENOMEM. */
int sf_write_edges(const char *path, const sf_edge_list *edges,
                   const sf_write_edges_options *opt, uint64_t *written, sf_error *err);

#endif
