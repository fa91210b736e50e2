/* Single-threaded BFS baseline (COST): depth[v] = hops from the source, -1
 * when unreachable, in plain C: no engine, no threads, no atomics.
 *
 * direction-optimizing (the default): Beamer, Asanovic, Patterson, SC 2012,
 * with the GAP suite's switching rule (bfs.cc). Top-down steps push from a
 * queue of the frontier along out-arcs; once the frontier's out-arcs exceed
 * the arcs still unexplored / ALPHA, bottom-up steps let every unvisited
 * vertex scan its in-arcs, stopping at the first that comes from a visited
 * vertex; back to top-down when the frontier has stopped growing and holds
 * fewer than n / BETA vertices.
 *
 * Bottom-up needs no frontier bitmap: a vertex found at an earlier level
 * has had all its out-arcs explored, so a visited in-neighbour of a vertex
 * still unvisited is always in the frontier. A step reads the visited
 * bitmap of the level before and writes the next (two bitmaps, swapped;
 * written in place, a vertex found in this step would pass for the
 * frontier). So going bottom-up costs nothing, and going back top-down is
 * one scan for the bits the last step set.
 *
 * What is read per arc is a bitmap (128 KiB at 2^20 vertices, cache
 * resident), never the depth array: depths are written once, when a vertex
 * is found, and -1 once at the end for the vertices never found. Ids in
 * degree order help bottom-up twice over: in-lists are ascending, so a
 * vertex tries the hubs (found early) first, and the isolated vertices
 * form a suffix, marked visited from the start and never scanned.
 *
 * queue (SF_BASELINE_BFS=queue): the textbook FIFO-queue BFS over out-arcs
 * with a visited bitmap. */
#include "bench/baseline_bfs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum variant { DIRECTION_OPTIMIZING, QUEUE }; /* the knob's values, the default first */
static const char *const variants[] = {"direction-optimizing", "queue", NULL};
const sf_env_knob sf_baseline_bfs_variant = {"SF_BASELINE_BFS", variants};

#define ALPHA 15
#define BETA 18

struct bfs {
    const sf_graph *g;
    int64_t *depth;
    uint64_t *visited;          /* bitmaps of ceil(n / 64) words */
    uint64_t *visited_next;     /* bottom-up writes here, then they swap */
    sf_vid *queue;              /* n entries: each vertex is queued at most once */
    sf_vid live_end;            /* [live_end, n): isolated vertices */
};

static inline bool has(const uint64_t *bits, sf_vid v)
{
    return (bits[v >> 6] >> (v & 63)) & 1;
}

static inline void set(uint64_t *bits, sf_vid v)
{
    bits[v >> 6] |= 1ull << (v & 63);
}

static inline size_t words(sf_vid n)
{
    return ((size_t)n + 63) / 64;
}

/* Top-down: the vertices queue[head, tail) push along their out-arcs; the
 * new frontier is appended from tail on. Returns its out-arcs (GAP's
 * scout count) and moves *tail past it. */
static uint64_t top_down(struct bfs *b, int64_t depth, size_t head, size_t *tail)
{
    const sf_eid *off = b->g->out_offsets;
    const sf_vid *nbr = b->g->out_neighbors;
    size_t end = *tail, next = *tail;
    uint64_t scout = 0;
    for (size_t i = head; i < end; i++) {
        sf_vid u = b->queue[i];
        for (sf_eid e = off[u]; e < off[u + 1]; e++) {
            sf_vid v = nbr[e];
            if (has(b->visited, v))
                continue;
            set(b->visited, v);
            b->depth[v] = depth;
            b->queue[next++] = v;
            scout += off[v + 1] - off[v];
        }
    }
    *tail = next;
    return scout;
}

/* Bottom-up: every unvisited vertex looks for a visited in-neighbour;
 * visited_next gets visited and the vertices found, and the two swap.
 * Returns how many were found. */
static uint64_t bottom_up(struct bfs *b, int64_t depth)
{
    const sf_eid *off = b->g->in_offsets;
    const sf_vid *nbr = b->g->in_neighbors;
    const uint64_t *visited = b->visited;
    uint64_t *visited_next = b->visited_next;
    const size_t num_words = words(b->g->num_vertices);
    const sf_vid n = b->g->num_vertices;
    uint64_t awake = 0;
    for (size_t w = 0; w < num_words; w++) {
        uint64_t seen = visited[w], found = 0;
        uint64_t todo = ~seen;
        if ((w + 1) * 64 > n)
            todo &= (1ull << (n & 63)) - 1;
        while (todo) {
            sf_vid v = (sf_vid)(w * 64 + __builtin_ctzll(todo));
            todo &= todo - 1;
            for (sf_eid e = off[v]; e < off[v + 1]; e++)
                if (has(visited, nbr[e])) {
                    b->depth[v] = depth;
                    found |= 1ull << (v & 63);
                    break;
                }
        }
        visited_next[w] = seen | found;
        awake += (uint64_t)__builtin_popcountll(found);
    }
    b->visited_next = b->visited;
    b->visited = visited_next;
    return awake;
}

/* The vertices the last bottom-up step found, into the queue. */
static size_t found_to_queue(struct bfs *b)
{
    size_t tail = 0;
    for (size_t w = 0; w < words(b->g->num_vertices); w++)
        for (uint64_t found = b->visited[w] & ~b->visited_next[w]; found; found &= found - 1)
            b->queue[tail++] = (sf_vid)(w * 64 + __builtin_ctzll(found));
    return tail;
}

static void direction_optimizing(struct bfs *b, sf_vid source)
{
    const sf_graph *g = b->g;
    uint64_t edges_to_check = g->num_arcs;
    uint64_t scout = g->out_offsets[source + 1] - g->out_offsets[source];
    size_t head = 0, tail = 0;
    int64_t depth = 0;
    b->queue[tail++] = source;
    while (head < tail) {
        if (scout > edges_to_check / ALPHA) {
            uint64_t awake = tail - head, old_awake;
            do {
                old_awake = awake;
                awake = bottom_up(b, ++depth);
            } while (awake && (awake >= old_awake || awake > g->num_vertices / BETA));
            head = 0;
            tail = awake ? found_to_queue(b) : 0;
            scout = 1;
        } else {
            edges_to_check -= scout < edges_to_check ? scout : edges_to_check; /* GAP's is signed */
            size_t end = tail;
            scout = top_down(b, ++depth, head, &tail);
            head = end;
        }
    }
}

static void fifo_queue(struct bfs *b, sf_vid source)
{
    const sf_eid *off = b->g->out_offsets;
    const sf_vid *nbr = b->g->out_neighbors;
    size_t head = 0, tail = 0;
    b->queue[tail++] = source;
    while (head < tail) {
        sf_vid u = b->queue[head++];
        int64_t next_depth = b->depth[u] + 1;
        for (sf_eid e = off[u]; e < off[u + 1]; e++) {
            sf_vid v = nbr[e];
            if (!has(b->visited, v)) {
                set(b->visited, v);
                b->depth[v] = next_depth;
                b->queue[tail++] = v;
            }
        }
    }
}

int sf_baseline_bfs(const sf_graph *g, sf_vid source, int64_t *depth)
{
    const sf_vid n = g->num_vertices;
    if (n == 0)
        return 0;
    struct bfs b = {.g = g, .depth = depth};
    b.visited = calloc(words(n), sizeof *b.visited);
    b.visited_next = malloc(words(n) * sizeof *b.visited_next);
    b.queue = malloc((size_t)n * sizeof *b.queue);
    int rc = -ENOMEM;
    if (!b.visited || !b.visited_next || !b.queue)
        goto out;
    /* the isolated suffix starts at the first vertex whose offsets are the
     * last (offsets never decrease); visited from the start, as nobody's
     * in-neighbour it cannot pass for the frontier */
    sf_vid lo = 0, hi = n;
    while (lo < hi) {
        sf_vid mid = lo + (hi - lo) / 2;
        if (g->in_offsets[mid] < g->in_offsets[n] || g->out_offsets[mid] < g->out_offsets[n])
            lo = mid + 1;
        else
            hi = mid;
    }
    b.live_end = lo;
    for (sf_vid v = b.live_end; v < n && v % 64; v++)
        set(b.visited, v);
    for (size_t w = ((size_t)b.live_end + 63) / 64; w < words(n); w++)
        b.visited[w] = ~0ull;
    set(b.visited, source);
    depth[source] = 0;
    if (sf_env_choice(&sf_baseline_bfs_variant) == QUEUE)
        fifo_queue(&b, source);
    else
        direction_optimizing(&b, source);
    /* unreached: the vertices visited misses, and all of the isolated
     * suffix but the source */
    for (size_t w = 0; w < words(b.live_end); w++)
        for (uint64_t todo = ~b.visited[w]; todo; todo &= todo - 1) {
            sf_vid v = (sf_vid)(w * 64 + __builtin_ctzll(todo));
            if (v >= b.live_end)
                break;
            depth[v] = -1;
        }
    for (sf_vid v = b.live_end; v < n; v++)
        depth[v] = -1;
    if (source >= b.live_end)
        depth[source] = 0;
    rc = 0;
out:
    free(b.visited);
    free(b.visited_next);
    free(b.queue);
    return rc;
}
