/* The native snapshot (.sfg): a built graph's arrays as they lie in memory,
 * so that loading is reading, with no parse and no build.
 *
 * Layout, every integer little-endian (a big-endian host refuses to read or
 * write snapshots, with a clear message, rather than convert):
 *
 *   byte 0    magic       8 bytes: 0x89 'S' 'F' 'G' '\r' '\n' 0x1a '\n'
 *   byte 8    version     u32, 1
 *   byte 12   alignment   u32, 4096: every section starts at a multiple
 *   byte 16   flags       u64: 1 directed, 2 weighted, 4 degree-ordered
 *   byte 24   vertices    u64
 *   byte 32   arcs        u64 (2 per edge when undirected)
 *   byte 40   edges       u64
 *   byte 48   self-loops dropped while building, u64
 *   byte 56   duplicates dropped while building, u64
 *   byte 64   file bytes  u64 (the file is padded to a multiple of 4096)
 *   byte 72   sections    u32, the entries in the table below
 *   byte 76   header crc  u32: zlib crc32 of bytes [0, 128 + 32 * sections)
 *                         with these four bytes taken as zero
 *   byte 80   zero up to byte 128
 *   byte 128  the table, 32 bytes an entry: id u32, element bytes u32,
 *             offset u64, bytes u64, crc32 of the section u32, zero u32
 *
 * Sections, in this order in the file (ids 1..9): out_offsets (u64, n + 1),
 * out_neighbors (u32, arcs), out_weights (f64, arcs; weighted), in_offsets,
 * in_neighbors, in_weights (directed only: undirected graphs alias in_* to
 * out_*), original_ids (u64, n; absent when every id is its own dense id),
 * sorted_ids (u64, n; degree-ordered graphs whose ids are not 0..n-1),
 * by_original (u32, n; degree-ordered graphs). The graph is the builder's:
 * simple, rows ascending, dense ids in descending-degree order unless built
 * in original order. */
#ifndef SF_IO_SNAPSHOT_H
#define SF_IO_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/error.h"
#include "engine/graph.h"

#define SF_SNAPSHOT_VERSION 1

/* What the header says, for `info` before anything large is allocated. */
typedef struct sf_snapshot_header {
    uint32_t version;
    bool directed, weighted, degree_ordered;
    uint64_t num_vertices, num_arcs, num_edges;
    uint64_t dropped_self_loops, dropped_duplicates;
    uint64_t file_bytes;
    uint64_t graph_bytes;       /* what the loaded graph will hold: its sections */
} sf_snapshot_header;

/* Reads and checks the header of the snapshot PATH: magic, version, header
 * checksum, counts, and the section table against the counts and the file's
 * size. Fills *h. Errors as sf_snapshot_read's, for the header. */
int sf_snapshot_read_header(const char *path, sf_snapshot_header *h, sf_error *err);

/* Loads the snapshot PATH into a new graph, *out, which the caller releases
 * with sf_graph_destroy. The header is checked (as above), then the file is
 * mapped private and the arrays point into the mapping (g->mapping; the
 * page cache's pages are the arrays, nothing is copied): the workers of the
 * current OpenMP team share out 4 MiB blocks, prefault each
 * (MADV_POPULATE_READ) and compute its crc32 (libdeflate_crc32, zlib's CRC-32) while it is
 * in cache, checking neighbour ids against the vertex count and weights
 * for NaN and infinity (which no parser lets into a graph) at the same
 * time. Where the file cannot be mapped or prefaulted (Linux before 5.14),
 * or with SF_NO_MMAP=1 or SF_O_DIRECT=1, the arrays are allocated at their
 * final size and every section read straight into its array by
 * sf_file_read_ranges (several reads in flight on every worker), with the
 * same checks on each block as it lands. Then the structure is checked
 * cheaply in parallel: offsets start at 0, never decrease and end at the arc
 * count, and the id maps form a permutation consistent with ascending
 * original ids. Rows are trusted to be sorted and duplicate-free (the
 * checksum guards them). A mapped graph needs the file to stay as it was
 * while the graph lives: a file rewritten in place changes the graph, one
 * made shorter raises SIGBUS on access (writers that rename a new file
 * over the old, as sf_snapshot_write does, are safe).
 *
 * SF_NO_CHECKSUM=1 in the environment skips the checksums (the structure is
 * still checked). SF_O_DIRECT=1 reads with O_DIRECT (no page-cache copy;
 * slower when the file is in the page cache, and silently buffered where
 * the file system refuses it).
 *
 * Errors: SF_EINPUT, one line naming PATH and the byte offset where the
 * problem lies: "PATH: byte 0: not a shardflow snapshot (bad magic)",
 * "PATH: byte 8: unknown snapshot version 7 (this shardflow reads 1)",
 * "PATH: byte 76: header checksum mismatch", "PATH: byte N: truncated: ...",
 * "PATH: byte N: section out_neighbors ... lies outside the file",
 * "PATH: byte N: checksum mismatch in section out_neighbors",
 * "PATH: byte N: out_offsets decrease at vertex V",
 * "PATH: byte N: neighbour id X in out_neighbors is not below the vertex
 * count N", "PATH: byte N: weight nan in out_weights is not a finite
 * number", "PATH: byte N: unexpected end of file (it shrank while
 * loading)"; the reader's errors for an unreadable file; -ENOMEM. On a
 * big-endian host: SF_EINPUT "PATH: .sfg snapshots are little-endian and
 * this host is big-endian; convert the source file on this host instead". */
int sf_snapshot_read(const char *path, sf_graph **out, sf_error *err);

/* One rank's share of a snapshot: the out-rows of dense vertices [first,
 * last) and their original ids, read without the rest of the file. */
typedef struct sf_snapshot_rows {
    sf_snapshot_header header;
    uint64_t first, last;
    sf_eid *offsets;            /* last - first + 1 entries, the file's (from offsets[0]) */
    sf_vid *neighbors;          /* offsets[last - first] - offsets[0] entries */
    uint64_t *original_ids;     /* last - first entries; NULL: the file has none (id = dense id) */
    double *weights;            /* out_weights of those arcs, as neighbors; NULL: not asked for,
                                 * or the graph has none */
} sf_snapshot_rows;

/* Reads the header of PATH (checked as sf_snapshot_read_header does), then
 * only the parts of out_offsets, out_neighbors and original_ids that rows
 * [first, last) span (and of out_weights, when `weights` asks and the graph
 * has them), with the block reader (sf_file_read_ranges). A part
 * cannot be checked against its section's checksum; its structure is:
 * offsets never decrease and stay within the arcs, neighbour ids are below
 * the vertex count, weights are finite. first and last are clamped to the vertex count. On
 * success the caller releases *out with sf_snapshot_rows_fini. Errors as
 * sf_snapshot_read's (SF_EINPUT naming PATH and the byte), -ENOMEM. */
int sf_snapshot_read_rows(const char *path, uint64_t first, uint64_t last, bool weights,
                          sf_snapshot_rows *out, sf_error *err);
void sf_snapshot_rows_fini(sf_snapshot_rows *r);

/* Writes g as a snapshot to PATH: to a temporary name beside it (PATH.tmp.PID),
 * renamed over PATH once complete; on failure nothing is left behind.
 * Section checksums are computed in parallel. Errors: -errno with "PATH:
 * <strerror>", -ENOMEM. */
int sf_snapshot_write(const char *path, const sf_graph *g, sf_error *err);

/* Whether PATH names a snapshot (ends in ".sfg"). */
bool sf_snapshot_path(const char *path);

#endif
