/* The graph spread over ranks. Each rank owns a contiguous range of dense
 * ids [begin, end), balanced by in-arcs plus vertices as the engine cuts
 * shards (so the shards of rank 0 come first, then rank 1's, ...), and holds
 * only the in-arcs of its own vertices (and their out-arcs when the graph
 * is directed), with neighbour ids global. Dense ids are in original-id
 * order (dense id = the rank of the original id among all ids), so no
 * global degree sort is needed and outputs come out in order rank by rank.
 *
 * Within its range each rank then hands out its ids by descending degree
 * (hubs first, as the single-process builder does globally: PageRank's
 * pull is about twice as fast as over ids in random order), a local sort
 * that needs no global one: ranges do not move, so outputs still come out
 * rank by rank, each rank writing its vertices in original order.
 * SF_DIST_ORDER=original keeps original-id order inside the ranges too.
 *
 * The rank's part is an ordinary sf_graph `view` to the kernels and the
 * engine: num_vertices is the global count, the offsets arrays are valid on
 * [begin, end] only (pointers biased by `begin`, so in_offsets[v] works for
 * owned v), neighbour ids are global, and vertex arrays are indexed by
 * global id (sf_engine_alloc maps num_vertices entries and touches the owned
 * ones; a mirror's entry is written only when its value arrives). The
 * engine cuts only [begin, end) into shards (sf_engine_attach_range).
 *
 * Exchange follows Gemini and PowerGraph's master/mirror scheme: for each
 * pair of ranks the list of owned vertices whose values the other reads
 * (its boundary) is computed once; sf_dist_mirrors_sync then sends only
 * those values, packed, with non-blocking messages, unpacking each peer's
 * values as they arrive.
 *
 * Built collectively from every rank's part of the input (its slice of a
 * generator's edges or its byte range of a file): ids are relabelled by a
 * distributed sort (sample sort of the distinct ids, then a prefix sum over
 * the ranks' counts), arcs are routed to their owners with one all-to-all,
 * and each rank builds its rows by counting sort, dropping self-loops and
 * duplicates as the single-process builder does, so the graph is the same
 * simple graph at any rank count. Weights, when the part has them, travel
 * with their arcs and a repeated arc keeps the smallest, as in one process
 * (view.in_weights and out_weights beside the rows). */
#ifndef SF_DIST_GRAPH_H
#define SF_DIST_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "dist.h"
#include "edge_list.h"
#include "error.h"
#include "graph.h"
#include "env.h"

/* Which neighbours' values a kernel reads: in-neighbours (PageRank's pull,
 * BFS's bottom-up step), or in- and out-neighbours (components). */
typedef enum { SF_MIRRORS_IN, SF_MIRRORS_ALL } sf_mirror_kind;

typedef struct sf_dist_mirrors {
    int num_peers;
    int *peer;                  /* ranks, ascending */
    /* Peer i reads our vertices send_ids[send_at[i] .. send_at[i+1]) and we
     * read its vertices recv_ids[recv_at[i] .. recv_at[i+1]); both ascending. */
    uint64_t *send_at, *recv_at;
    sf_vid *send_ids, *recv_ids;
    uint64_t boundary;          /* distinct owned vertices some other rank reads */
    char *send_buf, *recv_buf;  /* room for 8-byte values */
    sf_dist_round *round;
    /* the exchange in flight (sf_dist_mirrors_begin .. _end) */
    void *values;
    size_t elem_size;
    int *recv_index;            /* per peer: its receive in the round, or -1 */
    bool *unpacked;             /* per peer */
} sf_dist_mirrors;

typedef struct sf_dist_graph {
    sf_graph view;              /* this rank's part, as described above */
    sf_vid begin, end;          /* owned dense ids */
    int rank, ranks;
    sf_vid *owner_begin;        /* ranks + 1 entries: rank r owns [owner_begin[r], owner_begin[r+1]) */
    uint64_t num_arcs;          /* stored arcs over all ranks (2 per undirected edge) */
    /* Owned vertices: original ids by dense id (owned_ids[v - begin]), and
     * in original-id order: the k-th smallest owned original id is
     * sorted_ids[k] (NULL: begin + k itself) and has dense id
     * by_original[k] (NULL: begin + k). */
    uint64_t *owned_ids;        /* NULL: the dense id itself */
    uint64_t *sorted_ids;
    sf_vid *by_original;
    sf_eid *in_rows, *out_rows; /* the unbiased offsets arrays (end - begin + 1) */
    sf_dist_mirrors *mirrors[2];/* by sf_mirror_kind, built on first use */
} sf_dist_graph;

typedef struct sf_dist_build_options {
    bool undirected;            /* symmetrise */
} sf_dist_build_options;

/* Collective. Builds the distributed graph from this rank's part of the
 * input, `part` (original ids, narrow or wide; its arrays are freed as they
 * are used, and it is left empty). Every rank must pass parts of the same kind: all from
 * a generator (dense_vertices set, the same on every rank) or all from a
 * file. On success *out is a new graph the caller releases with
 * sf_dist_graph_destroy. Errors (the same on every rank, agreed): SF_EINPUT
 * (more than 2^32 - 2 vertices), -ENOMEM. */
int sf_dist_graph_build(sf_edge_list *part, const sf_dist_build_options *opt, const char *source,
                        sf_dist_graph **out, sf_error *err);

void sf_dist_graph_destroy(sf_dist_graph **g);

/* The order of ids inside each rank's range, a knob (SF_DIST_ORDER): degree
 * (the default, hubs first) or original. */
enum { SF_DIST_DEGREE_ORDER, SF_DIST_ORIGINAL_ORDER };
extern const sf_env_knob sf_dist_order;

/* The rank that owns dense id v. */
int sf_dist_graph_owner(const sf_dist_graph *g, sf_vid v);

static inline bool sf_dist_graph_owns(const sf_dist_graph *g, sf_vid v)
{
    return v >= g->begin && v < g->end;
}

/* Original id of an owned vertex. */
static inline uint64_t sf_dist_graph_original_id(const sf_dist_graph *g, sf_vid v)
{
    return g->owned_ids ? g->owned_ids[v - g->begin] : v;
}

/* The owned vertex of rank r in original-id order over all vertices (r in
 * [begin, end): ranges are the same in both orders). */
static inline sf_vid sf_dist_graph_by_original(const sf_dist_graph *g, uint64_t r)
{
    return g->by_original ? g->by_original[r - g->begin] : (sf_vid)r;
}

static inline uint64_t sf_dist_graph_sorted_id(const sf_dist_graph *g, uint64_t r)
{
    return g->sorted_ids ? g->sorted_ids[r - g->begin] : r;
}

/* Collective: the dense id of an original id (SF_VID_NONE when no rank has
 * it), the same answer on every rank. */
sf_vid sf_dist_graph_find_vertex(const sf_dist_graph *g, uint64_t original_id);

/* Collective: replaces each of values[0..n), a vertex's rank in original-id
 * order over all vertices (< num_vertices; such ranks live in the same
 * ranges as dense ids), by that vertex's original id, asking the owners of
 * the ranks this rank does not own. Labels that name vertices (CDLP's) are
 * kept as ranks while a kernel runs and become ids at the end. Aborts the
 * job when out of memory. */
void sf_dist_graph_ids_of_ranks(const sf_dist_graph *g, uint64_t *values, uint64_t n);

/* Collective: the mirrors of a kind, built on the first call. Aborts the
 * job when out of memory. */
sf_dist_mirrors *sf_dist_graph_mirrors(sf_dist_graph *g, sf_mirror_kind kind);

/* Collective: every rank sends the values of its boundary vertices from
 * values (indexed by global dense id, elements of elem_size bytes: 1, 4 or
 * 8) to the ranks that read them, and writes the values it reads into
 * values at their mirrors' ids. */
void sf_dist_mirrors_sync(sf_dist_mirrors *m, void *values, size_t elem_size);

/* The same in three steps, so that local work overlaps the messages:
 * begin packs and posts every message; wait_peer waits for the values
 * from rank `peer` (if it sends any) and writes them; end writes the rest
 * and waits for the sends. values must stay put until end. */
void sf_dist_mirrors_begin(sf_dist_mirrors *m, void *values, size_t elem_size);
void sf_dist_mirrors_wait_peer(sf_dist_mirrors *m, int peer);
void sf_dist_mirrors_end(sf_dist_mirrors *m);

/* ---- lower rows: what triangle kernels read -------------------------
 * A triangle {w, u, v} with w < u < v is counted by the owner of v, which
 * walks v's neighbours below v and, for each such u, u's neighbours below
 * u. So a rank needs the "lower rows" (neighbours of smaller id) of its own
 * vertices and of the ghosts: vertices of lower ranks adjacent to its own.
 * Each rank asks the owners for its ghosts' lower rows with two
 * all-to-alls (ids, then rows) and lays everything out as one CSR over
 * local ids: ghosts first in ascending global id, then the owned range in
 * order, local = num_ghosts + (v - begin); the renumbering keeps the order
 * of ids, so a kernel written over dense ids runs unchanged on it. Entries
 * that are neither owned nor ghosts (they can close no triangle counted
 * here) are dropped. Vertices of higher ranks are never needed. */
typedef struct sf_dist_lower_rows {
    sf_vid num_ghosts, num_local;
    sf_vid *ghost_ids;          /* global ids of local ids [0, num_ghosts), ascending */
    sf_eid *offsets;            /* num_local + 1 */
    sf_vid *ids;                /* local ids, each row ascending and below its vertex */
    uint8_t *flags;             /* per entry, when the rows given had flags; else NULL */
    sf_eid widest;              /* the longest row */
    /* for sf_dist_lower_rows_add_to_owners: ghosts per owner (one entry
     * per rank), and the owned vertices each rank asked for, by rank, as
     * local ids */
    int ranks;
    uint64_t *ghosts_per_rank, *asked_per_rank;
    sf_vid *asked_local;
} sf_dist_lower_rows;

/* Collective. Builds the lower rows from this rank's rows: row v (v owned)
 * is ids[offsets[v] .. offsets[v + 1]), global ids ascending (offsets
 * biased as the view's: valid on [begin, end]), with one byte of flags per
 * entry carried along when flags is not NULL (every rank passes flags or
 * none). Release with sf_dist_lower_rows_fini. Aborts the job when out of
 * memory. */
void sf_dist_lower_rows_build(const sf_dist_graph *g, const sf_eid *offsets, const sf_vid *ids,
                              const uint8_t *flags, sf_dist_lower_rows *out);

/* Collective: adds every ghost's value in values (num_local entries, by
 * local id) to its owner's value for that vertex, so that an owned vertex's
 * value holds the sum over all ranks. Ghosts' values are left as they were. */
void sf_dist_lower_rows_add_to_owners(const sf_dist_lower_rows *r, uint64_t *values);

void sf_dist_lower_rows_fini(sf_dist_lower_rows *r);

#endif
