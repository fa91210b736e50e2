/* Single-threaded BFS baseline (COST): depth[v] = hops from the source, -1
 * when unreachable, in plain C: no engine, no threads, no atomics.
 *
 * direction-optimizing (the default): Beamer, Asanovic, Patterson, SC 2012,
 * with the GAP suite's switching rule (bfs.cc). Top-down steps push from a
 * queue of the frontier along out-arcs; once the frontier's out-arcs exceed
 * the arcs still unexplored / ALPHA, bottom-up steps let every unvisited
 * vertex scan its in-arcs for a parent in the frontier's bitmap, stopping
 * at the first; back to top-down when the frontier shrinks below n / BETA.
 * Ids in degree order help bottom-up twice over: in-lists are ascending, so
 * a vertex tries the hubs (which join the frontier early) first, and the
 * vertices without arcs form a suffix that is never scanned.
 *
 * What is read per arc is a bitmap (128 KiB at 2^20 vertices, cache
 * resident), never the depth array: a visited bitmap answers "seen?" in
 * top-down and skips 64 visited vertices per word in bottom-up, and depths
 * are written once, when a vertex is found, and -1 once at the end for
 * the vertices never found.
 *
 * queue (SF_BASELINE_BFS=queue): the textbook FIFO-queue BFS over out-arcs
 * with the same visited bitmap. */
#include "bench/baseline_bfs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA 15
#define BETA 18

struct bfs {
    const sf_graph *g;
    int64_t *depth;
    uint64_t *visited;          /* bitmaps of ceil(n / 64) words */
    uint64_t *front, *next;
    sf_vid *queue;              /* n entries: each vertex is queued at most once */
    sf_vid live_end;            /* [live_end, n): no in-arcs, never found but by being the source */
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
static uint64_t top_down(struct bfs *b, int64_t level, size_t head, size_t *tail)
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
            b->depth[v] = level + 1;
            b->queue[next++] = v;
            scout += off[v + 1] - off[v];
        }
    }
    *tail = next;
    return scout;
}

/* Bottom-up: every unvisited vertex with in-arcs looks for a parent in
 * `front`; the ones found go into `next`. Returns how many were found. */
static uint64_t bottom_up(struct bfs *b, int64_t level)
{
    const sf_eid *off = b->g->in_offsets;
    const sf_vid *nbr = b->g->in_neighbors;
    const sf_vid live_end = b->live_end;
    uint64_t awake = 0;
    memset(b->next, 0, words(b->g->num_vertices) * sizeof *b->next);
    for (size_t w = 0; w < words(live_end); w++) {
        uint64_t todo = ~b->visited[w];
        if ((w + 1) * 64 > live_end)
            todo &= (1ull << (live_end & 63)) - 1;
        while (todo) {
            sf_vid v = (sf_vid)(w * 64 + __builtin_ctzll(todo));
            todo &= todo - 1;
            for (sf_eid e = off[v]; e < off[v + 1]; e++)
                if (has(b->front, nbr[e])) {
                    b->depth[v] = level + 1;
                    b->visited[w] |= 1ull << (v & 63);
                    b->next[w] |= 1ull << (v & 63);
                    awake++;
                    break;
                }
        }
    }
    return awake;
}

static void queue_to_bitmap(struct bfs *b, size_t head, size_t tail)
{
    memset(b->front, 0, words(b->g->num_vertices) * sizeof *b->front);
    for (size_t i = head; i < tail; i++)
        set(b->front, b->queue[i]);
}

static size_t bitmap_to_queue(struct bfs *b)
{
    size_t tail = 0;
    for (size_t w = 0; w < words(b->g->num_vertices); w++)
        for (uint64_t bits = b->front[w]; bits; bits &= bits - 1)
            b->queue[tail++] = (sf_vid)(w * 64 + __builtin_ctzll(bits));
    return tail;
}

static void direction_optimizing(struct bfs *b, sf_vid source)
{
    const sf_graph *g = b->g;
    uint64_t edges_to_check = g->num_arcs;
    uint64_t scout = g->out_offsets[source + 1] - g->out_offsets[source];
    size_t head = 0, tail = 0;
    int64_t level = 0;
    b->queue[tail++] = source;
    while (head < tail) {
        if (scout > edges_to_check / ALPHA) {
            queue_to_bitmap(b, head, tail);
            uint64_t awake = tail - head, old_awake;
            do {
                old_awake = awake;
                awake = bottom_up(b, level++);
                uint64_t *t = b->front;
                b->front = b->next;
                b->next = t;
            } while (awake >= old_awake || awake > g->num_vertices / BETA);
            head = 0;
            tail = bitmap_to_queue(b);
            scout = 1;
        } else {
            edges_to_check -= scout;
            size_t end = tail;
            scout = top_down(b, level++, head, &tail);
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
    b.front = calloc(words(n), sizeof *b.front);
    b.next = calloc(words(n), sizeof *b.next);
    b.queue = malloc((size_t)n * sizeof *b.queue);
    int rc = -ENOMEM;
    if (!b.visited || !b.front || !b.next || !b.queue)
        goto out;
    /* the first vertex of the suffix without in-arcs: offsets never decrease */
    sf_vid lo = 0, hi = n;
    while (lo < hi) {
        sf_vid mid = lo + (hi - lo) / 2;
        if (g->in_offsets[mid] < g->in_offsets[n])
            lo = mid + 1;
        else
            hi = mid;
    }
    b.live_end = lo;
    set(b.visited, source);
    depth[source] = 0;
    const char *variant = getenv("SF_BASELINE_BFS");
    if (variant && strcmp(variant, "queue") == 0)
        fifo_queue(&b, source);
    else
        direction_optimizing(&b, source);
    for (size_t w = 0; w < words(n); w++)
        for (uint64_t todo = ~b.visited[w]; todo; todo &= todo - 1) {
            sf_vid v = (sf_vid)(w * 64 + __builtin_ctzll(todo));
            if (v >= n)
                break;
            depth[v] = -1;
        }
    rc = 0;
out:
    free(b.visited);
    free(b.front);
    free(b.next);
    free(b.queue);
    return rc;
}
