/* The GAP Benchmark Suite's serialized graphs (.sg, and .wsg with
 * weights), as its converter writes them (`converter -b out.sg`). */
#ifndef SF_IO_GAPBS_H
#define SF_IO_GAPBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/edge_list.h"
#include "engine/error.h"

/* Parses the serialized gapbs graph data[0..len) into out, which must be
 * empty. The layout, little endian, no padding:
 *
 *   offset 0    directed     1 byte, 0 or 1
 *   offset 1    arcs M       int64: out-arcs (both directions of every
 *                            undirected edge)
 *   offset 9    vertices N   int64
 *   offset 17   out-offsets  N + 1 int64, from 0 up to M
 *               out-arcs     M int32 neighbours, or for .wsg (weighted) M
 *                            pairs of int32 neighbour, int32 weight
 *   then, only when directed, in-offsets and in-arcs laid out the same.
 *
 * The arcs come from the out-CSR, in its order, between dense ids 0..N-1
 * (out->dense_vertices = N: isolated vertices included); weights become
 * doubles. The in-CSR is checked (it must be well formed) but not used: the
 * builder makes its own. out->declared_directed is the directed byte. An
 * undirected graph stores each edge as two arcs; when the file is symmetric
 * as gapbs writes it (its arcs v -> w with w > v, reversed, are the same
 * multiset as its arcs with w < v, weights included; checked by keyed hash
 * sums, wrong with a chance of about 2^-64) one arc of each pair is kept,
 * chosen by one bit of a fixed hash of the unordered pair {v, w} (so every
 * copy of v -> w is kept and none of w -> v, or the reverse, whatever the
 * weights), and every self-loop: about half of every row's arcs in any
 * graph, so that shares of the file below keep about as many arcs each.
 * The builder's symmetrisation restores the rest: half the arcs to build,
 * no duplicates reported. Otherwise every arc is kept. An
 * empty file (0 bytes) is an empty graph, as in every format. A narrow
 * list (out->narrow, engine/edge_list.h) gets 32-bit ids, which every
 * gapbs id fits.
 *
 * Errors: SF_EINPUT "PATH: byte offset N: <what>", N where the fault lies:
 * a directed byte other than 0 or 1, a negative count, more vertices than
 * 32-bit ids allow, a file that ends early (N its length; the message says
 * in which section and how long the file should be) or goes on past the
 * graph, offsets that do not start at 0, decrease, or do not end at M, a
 * neighbour outside 0..N-1; -ENOMEM. On error out may hold part of the
 * input: the caller finalises it. */
int sf_parse_gapbs(const char *path, const void *data, size_t len, bool weighted,
                   sf_edge_list *out, sf_error *err);

/* ---- one file read by several processes (MPI ranks), each its share ----
 * A row's arcs are found from the offsets alone, so a process that holds
 * the offsets can read any range of arcs by itself. Every process reads
 * the header, the file's size and the whole offset arrays (8 bytes a
 * vertex, small next to the arcs) and checks them, the same checks and
 * messages on each; it reads only arcs [M part / parts, M (part + 1) /
 * parts) of the out-CSR and, for a directed graph, of the in-CSR (read
 * only to be checked). The caller runs the steps below in order on every
 * process and, after each step that can fail, agrees on the first failing
 * process's error (MPI's sf_dist_agree): then the message is the one
 * sf_parse_gapbs gives for the whole file, since the shares tile the arcs
 * in file order and each check reports its share's first fault. */

#define SF_GAPBS_SLICES 256 /* the arcs of a range are worked on in this many slices */

typedef struct sf_gapbs_share {
    bool empty;                 /* a 0-byte file: an empty graph */
    bool directed, weighted;    /* the directed byte; a .wsg */
    uint64_t vertices, arcs;    /* N and M of the header */
    uint64_t first, last;       /* the share's arcs [first, last) of each CSR */
    uint64_t key;               /* the symmetry key: drawn by sf_gapbs_read_share;
                                 * the caller gives every share of a file the same
                                 * one (one process's, sent to the others) */
    /* What the share holds of the out-CSR ([0]) and the in-CSR ([1]), as
     * the file lays them out: all N + 1 offsets, and arcs first to
     * last - 1. The in-CSR's are NULL for an undirected graph and once
     * checked. */
    unsigned char *offsets[2], *arc_data[2];
    /* The arcs of a symmetric graph kept in each of SF_GAPBS_SLICES equal
     * slices of [first, last), counted by sf_gapbs_share_sums for
     * sf_gapbs_expand_share. */
    uint64_t kept[SF_GAPBS_SLICES];
} sf_gapbs_share;

/* Reads share `part` (0-based) of `parts` of the .sg/.wsg file PATH (a
 * plain file: a .gz cannot be entered in the middle) into *share, which
 * sf_gapbs_share_fini releases (on error it holds nothing to release), and
 * checks the header against the file's size. Errors: sf_parse_gapbs's for
 * the header and the size; the reader's (io/reader.h) for the file;
 * -ENOMEM. */
int sf_gapbs_read_share(const char *path, bool weighted, int part, int parts,
                        sf_gapbs_share *share, sf_error *err);

/* Checks the out-CSR (which 0) or the in-CSR (which 1; nothing to do for an
 * undirected graph) of the share: all its offsets, then its neighbours.
 * The in-CSR's arrays are released after. Errors: sf_parse_gapbs's. */
int sf_gapbs_check_share(const char *path, sf_gapbs_share *share, int which, sf_error *err);

/* The share's part of the symmetry test of an undirected graph (zeros for a
 * directed one), with its key; the element-wise sums over all shares go to
 * sf_gapbs_expand_share. In the same pass, the arcs the share keeps if the
 * graph is symmetric (share->kept). */
#define SF_GAPBS_SUMS 4
void sf_gapbs_share_sums(sf_gapbs_share *share, uint64_t sums[SF_GAPBS_SUMS]);

/* The share's out-arcs into out, which must be empty: those of arcs
 * [first, last), in file order, with sf_parse_gapbs's rules (one arc of
 * each pair when the summed sums say an undirected graph is symmetric), so
 * that the shares' lists, one after the other, are the list sf_parse_gapbs
 * gives; weights only when `weights` (and the file has
 * them); 32-bit ids in a narrow list. Errors: -ENOMEM. */
int sf_gapbs_expand_share(const char *path, const sf_gapbs_share *share,
                          const uint64_t sums[SF_GAPBS_SUMS], bool weights, sf_edge_list *out,
                          sf_error *err);

void sf_gapbs_share_fini(sf_gapbs_share *share);

#endif
