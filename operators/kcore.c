/* Core numbers of an undirected graph: core[v] = the largest k such that v
 * belongs to a subgraph in which every vertex has degree >= k.
 *
 * Algorithm: parallel peeling by levels, as ParK (Dasari, Desh and Zubair,
 * 2014) and PKC (Kabir and Madduri, 2017) do it, one engine run (one
 * synchronisation) per level. degree[v] starts at v's degree and only
 * decreases, never below the level; at level k every shard run
 *   scans its list of remaining vertices, dropping those already peeled
 *     and taking those of degree k;
 *   peels them: v keeps degree[v] = k, its core number, and every
 *     neighbour w with degree[w] > k loses one; a w that drops to k is
 *     peeled in the same level by the worker that dropped it, from its
 *     stack (the cascade).
 * A vertex is peeled once: with several workers, whoever takes it (a scan
 * that sees degree k, or the decrement that brings it there) claims it
 * first; one worker needs no claims (below).
 *
 * With several workers, the vertices taken by the scans and those beyond
 * CASCADE_LIMIT on a stack go through a queue that every worker drains: a
 * level's vertices have similar degrees, so they sit in few shards, and the
 * collapse of a dense core (on kron:20 three levels hold 60% of the arcs)
 * starts from a handful of vertices; through the queue both spread over
 * the workers. Decrements are atomic, except those of the BATCHED_HUBS
 * lowest ids (the hubs, in degree order), which every peeled vertex of a
 * Kronecker graph decrements: those are counted per worker and applied by
 * compare-and-swap when the worker runs out of work or has touched them
 * all. With one worker all of this is compiled out: plain decrements, no
 * queue, no batches, and no claims: every shard is scanned before the
 * level's stack is peeled (a second engine run), as the serial-peeling
 * baseline does, so a vertex reaches the stack once, by the scan (degree
 * at the level) or by the decrement that brings it there.
 *
 * Two workers do not beat one here (kron:20, a shared 2-core VM, CPU time
 * per worker so that other jobs do not count: 0.07-0.09 s on one worker;
 * two workers spend 0.13-0.17 s together, 0.10-0.13 s on the busier one):
 * the shared path costs 1.4-1.8x the plain one even on one worker, most
 * likely because a locked decrement orders memory like a fence, so the
 * cache misses of the arcs around it no longer overlap as in the plain
 * loop. Peeling does one random read-modify-write per arc; there is too
 * little else to share the degree array for. Owner-computes without atomics
 * (each part's degrees written by one worker, other decrements sent as
 * messages, by rounds or by batches) was tried and was slower here: it
 * waits on the other worker more often (bench/RESULTS.md, wt-kernels).
 *
 * The next level is the smallest degree left, known without another pass:
 * every scan and every decrement records the degree it leaves above the
 * level, and the smallest record is at most the smallest final degree (a
 * vertex's last record is its final degree) and at least k + 1. When it is
 * lower than that (the vertex recorded was peeled later in the level), the
 * next run finds no vertex of that degree, and its records are exact.
 *
 * Core numbers are unique, so the result does not depend on the thread or
 * shard count, nor on the order of peeling.
 *
 * Why peeling and not h-index iteration (Montresor, De Pellegrini and
 * Miorandi 2013; Sariyuce, Seshadhri and Pinar 2018): on kron:20 the
 * h-index iteration (asynchronous, with active sets) needs 48 rounds and
 * reads every arc 21.6 times, 1.46 s on one thread, where peeling reads it
 * once (0.1 s). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/kernels.h"
#include "operators/vertex_map.h"
#include "operators/worker_scratch.h"

#define LIST_INITIAL 4096
#define CASCADE_LIMIT 256       /* stack entries; the rest go to the queue */
#define BATCHED_HUBS 4096       /* ids below: decrements counted per worker */
#define QUEUE_BATCH 64          /* vertices appended or taken at a time */

/* A growable list of vertices. */
struct kcore_list {
    sf_vid *items;
    uint64_t len, capacity;
};

/* What a worker peels with, picked by sf_engine_current_worker(). Its lists
 * and pending[] are scratch from its node's arena, made by the worker. */
struct kcore_worker {
    struct kcore_list stack;    /* to peel (claimed, with several workers) */
    struct kcore_list outbox;   /* claimed, for the queue (several workers) */
    struct kcore_list touched;  /* hubs with pending decrements */
    uint32_t *pending;          /* BATCHED_HUBS entries: decrements not yet applied */
    uint32_t min_left;          /* smallest degree left above the level */
    uint64_t peeled;            /* vertices peeled, this level */
} __attribute__((aligned(64)));

struct kcore_state {
    sf_engine *engine;
    const sf_graph *g;
    uint32_t *degree;           /* vertex array: remaining degree, then core */
    uint8_t *taken;             /* vertex array: 1 once claimed (several workers only) */
    sf_vid *remaining;          /* vertex array: shard i's list at its begin */
    sf_vid *remaining_len;      /* per shard */
    /* The queue: every vertex enters it at most once over the whole run,
     * so it is one array of n slots, never reset; a slot holds v + 1 once
     * written, 0 before. */
    sf_vid *queue;
    uint64_t queue_tail __attribute__((aligned(64)));   /* slots reserved */
    uint64_t queue_head __attribute__((aligned(64)));   /* slots taken */
    struct kcore_worker *workers;
    sf_worker_scratch pending;  /* the workers' pending[] (several workers only) */
    int num_workers;
    sf_vid num_hubs;
    uint32_t level;
    int failed;                 /* a list could not grow */
    uint64_t *core;
};

static void kcore_init_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    const sf_eid *off = k->g->out_offsets;
    for (sf_vid v = s->begin; v < s->end; v++) {
        k->degree[v] = (uint32_t)(off[v + 1] - off[v]);
        k->remaining[v] = v;
    }
    k->remaining_len[s->index] = s->end - s->begin;
}

/* Doubles a list of the calling worker, in its node's scratch. */
static bool list_grow(sf_engine *e, struct kcore_list *l)
{
    uint64_t capacity = l->capacity ? 2 * l->capacity : LIST_INITIAL;
    sf_vid *items = sf_engine_scratch(e, sf_engine_current_worker(), capacity * sizeof *items);
    if (!items)
        return false;
    if (l->len)
        memcpy(items, l->items, l->len * sizeof *items);
    sf_engine_scratch_free(e, l->items);
    l->items = items;
    l->capacity = capacity;
    return true;
}

/* Appends v to a list of the calling worker's. */
static inline bool list_push(struct kcore_state *k, struct kcore_list *l, sf_vid v)
{
    if (l->len == l->capacity && !list_grow(k->engine, l))
        return false;
    l->items[l->len++] = v;
    return true;
}

/* Several workers: whether this one is the first to take v. */
static inline bool claim(struct kcore_state *k, sf_vid v)
{
    return __atomic_exchange_n(&k->taken[v], 1, __ATOMIC_RELAXED) == 0;
}

/* Appends the outbox to the queue. */
static void queue_append(struct kcore_state *k, struct kcore_worker *w)
{
    uint64_t at = __atomic_fetch_add(&k->queue_tail, w->outbox.len, __ATOMIC_RELAXED);
    for (uint64_t i = 0; i < w->outbox.len; i++)
        __atomic_store_n(&k->queue[at + i], w->outbox.items[i] + 1, __ATOMIC_RELEASE);
    w->outbox.len = 0;
}

/* x was taken down to the level: claim it and peel it, now (stack) or
 * through the queue when the stack is deep. */
static inline bool reached(struct kcore_state *k, struct kcore_worker *w, sf_vid x, bool shared)
{
    if (!shared) /* one worker: the decrement to the level is x's only way in */
        return list_push(k, &w->stack, x);
    if (!claim(k, x))
        return true;
    if (w->stack.len < CASCADE_LIMIT)
        return list_push(k, &w->stack, x);
    if (!list_push(k, &w->outbox, x))
        return false;
    if (w->outbox.len >= QUEUE_BATCH)
        queue_append(k, w);
    return true;
}

static inline void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void record(struct kcore_worker *w, uint32_t degree)
{
    w->min_left = degree < w->min_left ? degree : w->min_left;
}

/* Peels v: every neighbour above the level loses one. With several
 * workers, a hub's decrement is counted in the worker's pending[] (see
 * apply_pending), any other is an atomic subtraction, undone if another
 * worker took the degree to the level first. */
SF_INLINE bool kcore_peel(struct kcore_state *k, struct kcore_worker *w, sf_vid v, bool shared)
{
    const uint32_t level = k->level;
    uint32_t *degree = k->degree;
    const sf_vid *row = k->g->out_neighbors + k->g->out_offsets[v];
    const sf_eid n = k->g->out_offsets[v + 1] - k->g->out_offsets[v];
    w->peeled++;
    if (!shared) {
        uint32_t min_left = w->min_left;
        for (sf_eid i = 0; i < n; i++) {
            sf_vid x = row[i];
            if (degree[x] <= level)
                continue;
            uint32_t d = --degree[x];
            if (d == level) {
                if (!reached(k, w, x, false))
                    return false;
            } else
                min_left = d < min_left ? d : min_left;
        }
        w->min_left = min_left;
        return true;
    }
    const sf_vid num_hubs = k->num_hubs;
    uint32_t *pending = w->pending;
    for (sf_eid i = 0; i < n; i++) {
        sf_vid x = row[i];
        if (__atomic_load_n(&degree[x], __ATOMIC_RELAXED) <= level)
            continue;
        if (x < num_hubs) {
            if (pending[x]++ == 0 && !list_push(k, &w->touched, x))
                return false;
            continue;
        }
        uint32_t before = __atomic_fetch_sub(&degree[x], 1, __ATOMIC_RELAXED);
        if (before <= level)
            __atomic_fetch_add(&degree[x], 1, __ATOMIC_RELAXED);
        else if (before == level + 1) {
            if (!reached(k, w, x, true))
                return false;
        } else
            record(w, before - 1);
    }
    return true;
}

/* Applies the worker's pending decrements, none taking a degree below the
 * level. */
static bool apply_pending(struct kcore_state *k, struct kcore_worker *w)
{
    const uint32_t level = k->level;
    for (uint64_t i = 0; i < w->touched.len; i++) {
        sf_vid x = w->touched.items[i];
        uint32_t count = w->pending[x];
        w->pending[x] = 0;
        uint32_t old = __atomic_load_n(&k->degree[x], __ATOMIC_RELAXED), new = old;
        do {
            if (old <= level)
                break;
            new = old - level > count ? old - count : level;
        } while (!__atomic_compare_exchange_n(&k->degree[x], &old, new, true, __ATOMIC_RELAXED,
                                              __ATOMIC_RELAXED));
        if (old <= level)
            continue;
        if (new == level) {
            if (!reached(k, w, x, true))
                return false;
        } else
            record(w, new);
    }
    w->touched.len = 0;
    return true;
}

/* Peels the stack and what its peeling brings down to the level, until
 * nothing is left but what went to the queue, or (several workers, unless
 * `flush`) what waits in pending[] while fewer than BATCHED_HUBS wait. */
SF_INLINE bool kcore_cascade(struct kcore_state *k, struct kcore_worker *w, bool shared,
                             bool flush)
{
    do {
        while (w->stack.len > 0)
            if (!kcore_peel(k, w, w->stack.items[--w->stack.len], shared))
                return false;
        if (shared && (flush || w->touched.len >= k->num_hubs) && !apply_pending(k, w))
            return false;
    } while (w->stack.len > 0);
    return true;
}

/* Takes up to QUEUE_BATCH slots of the queue: false when it is empty. */
static bool queue_take(struct kcore_state *k, uint64_t *first, uint64_t *count)
{
    uint64_t head = __atomic_load_n(&k->queue_head, __ATOMIC_RELAXED);
    do {
        uint64_t tail = __atomic_load_n(&k->queue_tail, __ATOMIC_RELAXED);
        if (head >= tail)
            return false;
        *count = tail - head < QUEUE_BATCH ? tail - head : QUEUE_BATCH;
    } while (!__atomic_compare_exchange_n(&k->queue_head, &head, head + *count, true,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    *first = head;
    return true;
}

/* Several workers: peels what the queue holds until it is empty and
 * nothing is pending. A worker that appends later drains it again itself,
 * so nothing is left when the run ends. */
static bool kcore_drain(struct kcore_state *k, struct kcore_worker *w)
{
    for (;;) {
        if (w->outbox.len > 0)
            queue_append(k, w);
        uint64_t first, count;
        if (!queue_take(k, &first, &count)) {
            if (w->touched.len == 0)
                return true;
            if (!kcore_cascade(k, w, true, true))
                return false;
            continue;
        }
        for (uint64_t i = first; i < first + count; i++) {
            sf_vid slot;
            /* reserved by another worker, who writes it at once */
            while ((slot = __atomic_load_n(&k->queue[i], __ATOMIC_ACQUIRE)) == 0)
                spin_pause();
            if (!list_push(k, &w->stack, slot - 1) || !kcore_cascade(k, w, true, false))
                return false;
        }
    }
}

/* The shard's remaining vertices: drops those peeled, takes those at the
 * level, records the degrees of the others. */
SF_INLINE bool kcore_scan(sf_shard *s, struct kcore_state *k, struct kcore_worker *w, bool shared)
{
    sf_vid *remaining = k->remaining + s->begin;
    const uint32_t level = k->level;
    sf_vid kept = 0, len = k->remaining_len[s->index];
    uint32_t min_left = w->min_left; /* a local: the stores to remaining[] may alias w */
    bool ok = true;
    for (sf_vid i = 0; i < len; i++) {
        sf_vid v = remaining[i];
        uint32_t d = shared ? __atomic_load_n(&k->degree[v], __ATOMIC_RELAXED) : k->degree[v];
        if (d > level) {
            remaining[kept++] = v;
            min_left = d < min_left ? d : min_left;
        } else if (d == level && ok) {
            if (!shared) /* peeled once every shard is scanned (kcore_level) */
                ok = list_push(k, &w->stack, v);
            else if (claim(k, v)) {
                ok = list_push(k, &w->outbox, v);
                if (ok && w->outbox.len >= QUEUE_BATCH)
                    queue_append(k, w);
            }
        }
    }
    k->remaining_len[s->index] = kept;
    w->min_left = min_left;
    return ok;
}

static void kcore_level_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    if (__atomic_load_n(&k->failed, __ATOMIC_RELAXED))
        return;
    struct kcore_worker *w = &k->workers[sf_engine_current_worker()];
    if (k->num_workers > 1 && !w->pending && !(w->pending = sf_worker_scratch_get(&k->pending))) {
        __atomic_store_n(&k->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    bool ok = k->num_workers > 1 ? kcore_scan(s, k, w, true) && kcore_drain(k, w)
                                 : kcore_scan(s, k, w, false);
    if (!ok)
        __atomic_store_n(&k->failed, 1, __ATOMIC_RELAXED);
}

/* One worker, after every shard's scan: peels the level's stack. */
static void kcore_cascade_shard(sf_shard *s, void *arg)
{
    struct kcore_state *k = arg;
    if (s->index != 0 || __atomic_load_n(&k->failed, __ATOMIC_RELAXED))
        return;
    if (!kcore_cascade(k, &k->workers[sf_engine_current_worker()], false, true))
        __atomic_store_n(&k->failed, 1, __ATOMIC_RELAXED);
}

static void kcore_output(sf_vid v, void *arg)
{
    struct kcore_state *k = arg;
    k->core[v] = k->degree[v];
}

static void kcore_output_shard(sf_shard *s, void *arg)
{
    sf_vertex_map(s, kcore_output, arg);
}

struct kcore_job {
    sf_engine *engine;
    struct kcore_state *state;
    uint64_t left;              /* vertices not yet peeled */
};

/* One level. True when every vertex is peeled. */
static bool kcore_level(int iteration, void *arg)
{
    struct kcore_job *job = arg;
    struct kcore_state *k = job->state;
    (void)iteration;
    for (int i = 0; i < k->num_workers; i++) {
        k->workers[i].min_left = UINT32_MAX;
        k->workers[i].peeled = 0;
    }
    sf_engine_run(job->engine, kcore_level_shard, k);
    if (k->num_workers == 1)
        sf_engine_run(job->engine, kcore_cascade_shard, k);
    uint32_t next = UINT32_MAX;
    for (int i = 0; i < k->num_workers; i++) {
        job->left -= k->workers[i].peeled;
        next = k->workers[i].min_left < next ? k->workers[i].min_left : next;
    }
    k->level = next;
    return job->left == 0 || k->failed;
}

int sf_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log)
{
    const sf_graph *g = sf_engine_graph(e);
    if (g->num_vertices == 0)
        return 0;
    struct kcore_state k = {.engine = e, .g = g, .core = core,
                            .num_workers = sf_engine_threads(e)};
    int shards = sf_engine_num_shards(e);
    bool shared = k.num_workers > 1;
    int rc = -ENOMEM;
    k.degree = sf_engine_alloc_uninit(e, sizeof *k.degree); /* kcore_init_shard writes both */
    k.taken = shared ? sf_engine_alloc(e, sizeof *k.taken) : NULL;
    k.remaining = sf_engine_alloc_uninit(e, sizeof *k.remaining);
    k.queue = shared ? sf_engine_alloc(e, sizeof *k.queue) : NULL;
    k.remaining_len = calloc(shards, sizeof *k.remaining_len);
    k.workers = aligned_alloc(64, k.num_workers * sizeof *k.workers);
    if (!k.degree || (shared && (!k.taken || !k.queue)) || !k.remaining || !k.remaining_len ||
        !k.workers)
        goto out;
    memset(k.workers, 0, k.num_workers * sizeof *k.workers);
    if (shared) {
        k.num_hubs = g->num_vertices < BATCHED_HUBS ? g->num_vertices : BATCHED_HUBS;
        if (sf_worker_scratch_init(&k.pending, e, k.num_hubs * sizeof(uint32_t), 0))
            goto out;
    }
    sf_engine_run(e, kcore_init_shard, &k);
    k.level = 0;
    struct kcore_job job = {.engine = e, .state = &k, .left = g->num_vertices};
    rc = sf_iterate(INT32_MAX, kcore_level, &job, log);
    if (rc < 0)
        goto out;
    rc = -ENOMEM;
    if (k.failed)
        goto out;
    sf_engine_run(e, kcore_output_shard, &k);
    rc = 0;
out:
    sf_engine_free(e, k.degree);
    sf_engine_free(e, k.taken);
    sf_engine_free(e, k.remaining);
    sf_engine_free(e, k.queue);
    if (k.workers)
        for (int i = 0; i < k.num_workers; i++) {
            struct kcore_worker *w = &k.workers[i];
            sf_engine_scratch_free(e, w->stack.items);
            sf_engine_scratch_free(e, w->outbox.items);
            sf_engine_scratch_free(e, w->touched.items);
        }
    sf_worker_scratch_fini(&k.pending);
    free(k.remaining_len);
    free(k.workers);
    return rc;
}
