/* A frontier: the set of active vertices of an iteration, kept both as a
 * bitmap (for pull, which asks "is u active?") and, after sf_frontier_seal,
 * as one list per shard (for push, which walks the active vertices). Shards
 * are 64-aligned, so a shard owns whole bitmap words: its owner may set bits
 * without atomics; pushes into other shards use atomic OR. */
#ifndef SF_FRONTIER_H
#define SF_FRONTIER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/parallel.h"

typedef struct sf_frontier {
    uint64_t *bits;             /* ceil(n / 64) words */
    sf_vid *list;               /* shard i's active vertices at list + shards[i].begin */
    sf_vid *list_len;           /* per shard */
    uint64_t count;             /* active vertices, after seal */
    uint64_t out_arcs;          /* their out-arcs, after seal (direction choice) */
    bool has_list;
} sf_frontier;

/* Empty frontier over the engine's attached graph. Returns 0 or -ENOMEM. */
int sf_frontier_init(sf_frontier *f, sf_engine *e);
void sf_frontier_fini(sf_frontier *f, sf_engine *e);

void sf_frontier_clear(sf_frontier *f, sf_engine *e);
void sf_frontier_fill(sf_frontier *f, sf_engine *e);   /* every vertex active */

static inline bool sf_frontier_has(const sf_frontier *f, sf_vid v)
{
    return (f->bits[v >> 6] >> (v & 63)) & 1;
}

/* Owner-only insertion (v in the calling shard). */
static inline void sf_frontier_add_owned(sf_frontier *f, sf_vid v)
{
    f->bits[v >> 6] |= 1ull << (v & 63);
}

/* Insertion from any worker. */
static inline void sf_frontier_add(sf_frontier *f, sf_vid v)
{
    uint64_t bit = 1ull << (v & 63);
    if (!(f->bits[v >> 6] & bit))
        __atomic_fetch_or(&f->bits[v >> 6], bit, __ATOMIC_RELAXED);
}

/* Counts the active vertices and their out-arcs; when `lists` builds the
 * per-shard lists for push. */
void sf_frontier_seal(sf_frontier *f, sf_engine *e, bool lists);

/* A sparse frontier as a queue of vertex ids (the GAP suite's sliding
 * queue), for traversals that queue each vertex at most once between
 * resets: the frontier is the window [head, tail) of `items`; a step
 * appends the next frontier after it, each shard function through a
 * buffer of its own (one atomic add per SF_QUEUE_BUFFER vertices), and
 * sf_queue_slide makes what was appended the window. Shard i of k works on
 * the i-th of k equal slices of the window. Unlike a bitmap frontier, a
 * step costs nothing for the vertices outside it: a thousand-level BFS of
 * a road network does not scan every vertex a thousand times. */
typedef struct sf_queue {
    sf_vid *items;              /* num_vertices entries */
    uint64_t head, tail;        /* the window */
    uint64_t end;               /* appended so far (atomic while a step runs) */
} sf_queue;

#define SF_QUEUE_BUFFER 256

typedef struct sf_queue_buffer {
    sf_queue *queue;
    uint32_t len;
    sf_vid items[SF_QUEUE_BUFFER];
} sf_queue_buffer;

/* An empty queue for the vertices of g. Returns 0 or -ENOMEM. */
int sf_queue_init(sf_queue *q, const sf_graph *g);
void sf_queue_fini(sf_queue *q);

static inline void sf_queue_reset(sf_queue *q)
{
    q->head = q->tail = q->end = 0;
}

/* What was appended since the last slide becomes the window. */
static inline void sf_queue_slide(sf_queue *q)
{
    q->head = q->tail;
    q->tail = q->end;
}

static inline uint64_t sf_queue_size(const sf_queue *q)
{
    return q->tail - q->head;
}

/* Shard i's slice [*begin, *end) of the window, of k slices. */
static inline void sf_queue_slice(const sf_queue *q, int i, int k, uint64_t *begin, uint64_t *end)
{
    uint64_t size = q->tail - q->head;
    *begin = q->head + sf_part_first(size, i, k);
    *end = q->head + sf_part_first(size, i + 1, k);
}

/* Appends the buffer's vertices to the queue and empties it. */
static inline void sf_queue_flush(sf_queue_buffer *b)
{
    uint64_t at = __atomic_fetch_add(&b->queue->end, b->len, __ATOMIC_RELAXED);
    for (uint32_t i = 0; i < b->len; i++)
        b->queue->items[at + i] = b->items[i];
    b->len = 0;
}

/* Appends v through the buffer; flush the buffer before the step ends. */
static inline void sf_queue_append(sf_queue_buffer *b, sf_vid v)
{
    if (b->len == SF_QUEUE_BUFFER)
        sf_queue_flush(b);
    b->items[b->len++] = v;
}

#endif
