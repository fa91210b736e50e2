/* Building the CSR graph from an edge list, in parallel, by counting passes.
 *
 * The one idea: partition the arcs by the high bits of their source into
 * buckets small enough to sort in cache, then sort each bucket on its own.
 * The partition counts arcs per thread and bucket, prefix-sums, and writes
 * each arc once to a slot fixed by the input order alone (sequential
 * streams through cache-line buffers, no atomics). Inside a bucket an arc is
 * one integer, (source's index in the bucket, target): an LSD radix sort of
 * those gives the bucket's rows in order, each ascending with duplicates
 * adjacent, written back deduplicated in place. The slots are the final
 * neighbour array: once the kept degrees are prefix-summed, buckets slide
 * left over the dropped duplicates and the array shrinks, so the builder
 * needs little memory beyond the graph it returns. In-rows transpose the
 * out-rows the same way, sorted by source index alone: sources are read in
 * ascending order, so each in-row comes out sorted. Original ids become
 * dense ids in ascending order (a presence table when the ids are compact,
 * a radix sort of the distinct ids when sparse). Under degree order an
 * undirected build knows every key's arcs before the scatter, and gives
 * the hubs buckets of their own in spaced ids (see space_keys), so that no
 * bucket outgrows the cache however skewed the degrees. The output depends on the
 * input alone, never on the thread count. A caller that gives the edge list
 * up (release_edges) gets its pages handed back to the kernel as the
 * scatter reads them for the last time, while the slots fill in small
 * pages: the list and the neighbour array are never whole together. */
#include "graph.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "order.h"
#include "parallel.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* ---------- relabelling ---------- */

/* Compact ids: a table indexed by original id, when it costs no more than a
 * few words per endpoint. */
static bool ids_are_compact(uint64_t max_id, uint64_t endpoints)
{
    return max_id < UINT32_MAX && max_id + 1 <= 4 * endpoints + (1u << 20);
}

static ALWAYS_INLINE void mark_bit(uint64_t *bits, uint64_t id)
{
    __atomic_fetch_or(&bits[id >> 6], (uint64_t)1 << (id & 63), __ATOMIC_RELAXED);
}

/* How many items ahead a loop asks for the table entry it will update or
 * read at random (counts, id maps): enough to cover a miss to memory. */
#define PREFETCH_DISTANCE 32

/* Endpoint counts of edges [lo, hi) into count[], atomically when other
 * threads count into the same table (self-loops add no degree; they are
 * only marked in `loops`, when not NULL). Returns the self-loops. */
static ALWAYS_INLINE uint64_t count_endpoints_of(const sf_edge_list *e, bool narrow, bool atomic,
                                                 uint64_t lo, uint64_t hi, uint32_t *count,
                                                 uint64_t *loops)
{
    uint64_t self_loops = 0;
    for (uint64_t i = lo; i < hi; i++) {
        uint64_t s, d;
        if (i + PREFETCH_DISTANCE < hi) { /* the counts are bigger than the caches */
            sf_edge_list_ends(e, narrow, i + PREFETCH_DISTANCE, &s, &d);
            __builtin_prefetch(&count[s], 1);
            __builtin_prefetch(&count[d], 1);
        }
        sf_edge_list_ends(e, narrow, i, &s, &d);
        if (s == d) {
            if (loops)
                mark_bit(loops, s);
            self_loops++;
            continue;
        }
        if (atomic) {
            __atomic_fetch_add(&count[s], 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&count[d], 1, __ATOMIC_RELAXED);
        } else {
            count[s]++;
            count[d]++;
        }
    }
    return self_loops;
}

static uint64_t count_endpoints(const sf_edge_list *e, bool atomic, uint64_t lo, uint64_t hi,
                                uint32_t *count, uint64_t *loops)
{
    if (atomic)
        return e->narrow ? count_endpoints_of(e, true, true, lo, hi, count, loops)
                         : count_endpoints_of(e, false, true, lo, hi, count, loops);
    return e->narrow ? count_endpoints_of(e, true, false, lo, hi, count, loops)
                     : count_endpoints_of(e, false, false, lo, hi, count, loops);
}

/* The endpoint counts of each static slice of the edge list (slice t:
 * edges [count * t / slices, count * (t + 1) / slices)), by id as
 * count_by_slice counts them, then by dense id as the relabelling hands
 * them on (count_dense's ids are dense already): for an undirected build
 * they are the partition's per-slice row counts, so the partition need not
 * count them again (partition_arcs). */
typedef struct slice_degrees {
    uint64_t slices;            /* 0: not known (counted atomically) */
    uint32_t **of_slice;        /* of_slice[t][r] for 1 <= t < slices, owned; of_slice[0] is the
                                 * caller's count of all slices (slice 0's are the rest), not
                                 * owned */
    uint64_t self_loops;        /* edges (s, s) in the list */
} slice_degrees;

/* Frees the tables of slices 1.. and the array of them. */
static void slice_degrees_fini(slice_degrees *sd)
{
    for (uint64_t t = 1; sd->of_slice && t < sd->slices; t++)
        free(sd->of_slice[t]);
    free(sd->of_slice);
    memset(sd, 0, sizeof *sd);
}

/* The endpoint counts by id in [0, range) of e's edges, as the degree
 * order wants them (every endpoint of an arc that is not a self-loop,
 * duplicates included), in one pass: into count[] (range entries, zeroed),
 * self-loops marked in loops (when not NULL) and their number in
 * sd->self_loops. Counting is per thread into private tables when they are
 * small beside the edge list (no atomics; summed into count after), else
 * atomic. When the counting went by static slices (one thread, or private
 * tables), sd->slices says how many and sd->of_slice[t] for 1 <= t <
 * sd->slices holds slice t's own counts by id (of_slice[0] is count
 * itself), the caller's to free with slice_degrees_fini; after atomic
 * counting sd->slices is 0 and there are none. Returns 0, or -ENOMEM with
 * nothing to free. */
static int count_by_slice(const sf_edge_list *e, uint64_t range, uint32_t *count, uint64_t *loops,
                          slice_degrees *sd)
{
    int threads = omp_get_max_threads();
    bool private = threads > 1 && (uint64_t)(threads - 1) * range <= e->count;
    uint64_t loops_seen = 0;
    memset(sd, 0, sizeof *sd);
    if (threads == 1 || private) {
        uint32_t **tables = calloc((size_t)threads, sizeof *tables);
        if (!tables)
            return -ENOMEM;
        tables[0] = count;
        *sd = (slice_degrees){.slices = (uint64_t)threads, .of_slice = tables};
        for (int t = 1; t < threads; t++)
            if (!(tables[t] = calloc(range, sizeof *tables[t]))) {
                slice_degrees_fini(sd);
                return -ENOMEM;
            }
    }
    if (threads == 1) {
        loops_seen = count_endpoints(e, false, 0, e->count, count, loops);
    } else if (private) {
        uint32_t **tables = sd->of_slice;
        int counted_slices = threads;
#pragma omp parallel num_threads(threads) reduction(+ : loops_seen)
        {
            int t = omp_get_thread_num(), nt = omp_get_num_threads();
            if (t == 0)
                counted_slices = nt;
            loops_seen += count_endpoints(e, false, e->count * t / nt,
                                          e->count * (t + 1) / nt, tables[t], loops);
        }
        /* a smaller team than asked for leaves tables it never wrote */
        for (int t = counted_slices; t < threads; t++) {
            free(tables[t]);
            tables[t] = NULL;
        }
        sd->slices = (uint64_t)counted_slices;
#pragma omp parallel for schedule(static)
        for (uint64_t id = 0; id < range; id++) {
            uint32_t sum = count[id];
            for (int t = 1; t < counted_slices; t++)
                sum += tables[t][id];
            count[id] = sum;
        }
    } else {
#pragma omp parallel num_threads(threads) reduction(+ : loops_seen)
        {
            int t = omp_get_thread_num(), nt = omp_get_num_threads();
            loops_seen += count_endpoints(e, true, e->count * t / nt, e->count * (t + 1) / nt,
                                          count, loops);
        }
    }
    sd->self_loops = loops_seen;
    return 0;
}

/* One pass over the edges both finds the vertices (an id is present when it
 * is an endpoint, or in the list's vertex set) and counts their degrees
 * (count_by_slice), so no later pass looks the arcs up for them. Then one
 * scan over the id range hands out dense ids in ascending original id:
 * table[id] becomes the dense id of a present id, and the degree of dense
 * id r goes to (*degree)[r] when degree is not NULL. With a degree, the
 * counts by slice go to *slices too, by dense id (of_slice[0] is *degree;
 * slices->slices stays 0 when the counting was atomic). Where every id of
 * the range is present, the ids are 0..n-1 already: *original_ids is then
 * NULL (the identity, as for generators), so that neither the graph nor
 * its snapshot carries an id map that says nothing. */
static int relabel_compact(const sf_edge_list *e, uint64_t max_id, uint32_t **dense_of,
                           uint64_t **original_ids, uint64_t *num_vertices, uint32_t **degree,
                           slice_degrees *slices)
{
    uint64_t range = max_id + 1, words = (range + 63) / 64;
    int threads = omp_get_max_threads();
    uint32_t *map = calloc(range, sizeof *map);
    uint64_t *marked = calloc(words, sizeof *marked);
    slice_degrees by_id = {0}; /* by original id; of_slice[0] is map */
    uint64_t *block = calloc((size_t)threads + 1, sizeof *block);
    uint64_t *orig = NULL;
    uint32_t *deg = NULL;
    if (slices)
        memset(slices, 0, sizeof *slices);
    if (!map || !marked || !block)
        goto no_memory;
    sf_advise_huge(map, range * sizeof *map); /* looked up at random */
    if (count_by_slice(e, range, map, marked, &by_id))
        goto no_memory;
    for (uint64_t i = 0; i < e->num_vertex_ids; i++)
        marked[e->vertex_ids[i] >> 6] |= (uint64_t)1 << (e->vertex_ids[i] & 63);

    /* Dense ids: present ids counted per static block of the range, the
     * block counts scanned, then each block numbered from its offset. */
#define PRESENT(id) (map[id] != 0 || (marked[(id) >> 6] >> ((id) & 63) & 1))
    int nt = 0;
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
#pragma omp single
        nt = omp_get_num_threads();
        uint64_t lo = range * t / omp_get_num_threads(),
                 hi = range * (t + 1) / omp_get_num_threads(), present = 0;
        for (uint64_t id = lo; id < hi; id++)
            present += PRESENT(id);
        block[t + 1] = present;
    }
    for (int t = 1; t <= nt; t++)
        block[t] += block[t - 1];
    uint64_t n = block[nt];
    if (n > SF_MAX_VERTICES) {
        free(map);
        free(marked);
        slice_degrees_fini(&by_id);
        free(block);
        return -E2BIG;
    }
    bool identity = n == range;
    orig = identity ? NULL : malloc((n ? n : 1) * sizeof *orig);
    deg = degree ? malloc((n ? n : 1) * sizeof *deg) : NULL;
    if ((!identity && !orig) || (degree && !deg))
        goto no_memory;
    /* slices 1.. keep their own counts by dense id; slice 0's are the rest */
    uint32_t **of_slice = NULL, *const *of_slice_by_id = by_id.of_slice;
    int counted_slices = (int)by_id.slices; /* 0: atomic */
    if (degree && slices && counted_slices) {
        of_slice = calloc((size_t)counted_slices, sizeof *of_slice);
        if (!of_slice)
            goto no_memory;
        of_slice[0] = deg;
        slices->of_slice = of_slice;
        slices->slices = (uint64_t)counted_slices;
        for (int t = 1; t < counted_slices; t++)
            if (!(of_slice[t] = malloc((n ? n : 1) * sizeof *of_slice[t])))
                goto no_memory;
    }
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        uint64_t lo = range * t / nt, hi = range * (t + 1) / nt, r = block[t];
        for (uint64_t id = lo; id < hi; id++) {
            bool present = PRESENT(id);
            if (present) {
                if (orig)
                    orig[r] = id;
                if (deg)
                    deg[r] = map[id];
                for (int s = 1; of_slice && s < counted_slices; s++)
                    of_slice[s][r] = of_slice_by_id[s][id];
            }
            /* absent ids keep an entry in range; it is never read */
            map[id] = (uint32_t)r;
            r += present;
        }
    }
#undef PRESENT
    if (slices)
        slices->self_loops = by_id.self_loops;
    slice_degrees_fini(&by_id);
    free(block);
    free(marked);
    *dense_of = map;
    *original_ids = orig;
    *num_vertices = n;
    if (degree)
        *degree = deg;
    return 0;
no_memory:
    if (slices)
        slice_degrees_fini(slices);
    slice_degrees_fini(&by_id);
    free(block);
    free(marked);
    free(map);
    free(orig);
    free(deg);
    return -ENOMEM;
}

/* The same counts for a list whose ids are dense already (generators,
 * .sg, .bin): ids are ranks, so count_by_slice's tables are the degrees
 * and the slices' counts as they stand, handed over with no copy. */
static int count_dense(const sf_edge_list *e, uint64_t n, uint32_t **degree,
                       slice_degrees *slices)
{
    uint32_t *count = calloc(n, sizeof *count);
    slice_degrees counted;
    if (!count)
        return -ENOMEM;
    sf_advise_huge(count, n * sizeof *count); /* updated at random */
    if (count_by_slice(e, n, count, NULL, &counted)) {
        free(count);
        return -ENOMEM;
    }
    if (slices)
        *slices = counted;
    else
        slice_degrees_fini(&counted);
    *degree = count;
    return 0;
}

/* LSD radix sort of 64-bit keys, ID_DIGIT_BITS a pass over the bits in
 * which the keys differ; buffers ping-pong and the result ends in keys. */
#define ID_DIGIT_BITS 11

int sf_sort_u64(uint64_t *keys, uint64_t count)
{
    const uint64_t digits = (uint64_t)1 << ID_DIGIT_BITS, mask = digits - 1;
    uint64_t *tmp = malloc((count ? count : 1) * sizeof *tmp);
    uint64_t *hist = malloc(digits * sizeof *hist);
    if (!tmp || !hist) {
        free(tmp);
        free(hist);
        return -ENOMEM;
    }
    uint64_t differ = 0;
    for (uint64_t i = 1; i < count; i++)
        differ |= keys[i] ^ keys[0];
    uint64_t *from = keys, *to = tmp;
    for (unsigned shift = 0; shift < 64 && differ >> shift; shift += ID_DIGIT_BITS) {
        if (((differ >> shift) & mask) == 0)
            continue;
        memset(hist, 0, digits * sizeof *hist);
        for (uint64_t i = 0; i < count; i++)
            hist[(from[i] >> shift) & mask]++;
        uint64_t sum = 0;
        for (uint64_t d = 0; d < digits; d++) {
            uint64_t c = hist[d];
            hist[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < count; i++)
            to[hist[(from[i] >> shift) & mask]++] = from[i];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != keys)
        memcpy(keys, from, count * sizeof *keys);
    free(hist);
    free(tmp);
    return 0;
}

static sf_vid find_sorted(const uint64_t *ids, uint64_t n, uint64_t id)
{
    uint64_t at = sf_lower_bound_u64(ids, n, id);
    return at < n && ids[at] == id ? (sf_vid)at : SF_VID_NONE;
}

/* Sparse ids: the distinct ids, sorted, are the dense ids' original ids.
 * They are found block by block (each block of endpoints sorted and
 * deduplicated on its own, in parallel), then the blocks' short lists are
 * merged by one more sort. Memory follows the distinct ids, not the
 * endpoints, except when most endpoints are distinct. */
#define ID_BLOCK ((uint64_t)1 << 22)

static uint64_t endpoint_id(const sf_edge_list *e, uint64_t i)
{
    if (i < e->count)
        return e->narrow ? e->src32[i] : e->src[i];
    if (i < 2 * e->count)
        return e->narrow ? e->dst32[i - e->count] : e->dst[i - e->count];
    return e->vertex_ids[i - 2 * e->count];
}

int sf_sort_unique_u64(uint64_t *keys, uint64_t count, uint64_t *kept)
{
    int rc = sf_sort_u64(keys, count);
    if (rc)
        return rc;
    uint64_t n = 0;
    for (uint64_t i = 0; i < count; i++)
        if (n == 0 || keys[n - 1] != keys[i])
            keys[n++] = keys[i];
    *kept = n;
    return 0;
}

static int relabel_sparse(const sf_edge_list *e, uint64_t **original_ids, uint64_t *num_vertices)
{
    uint64_t total = 2 * e->count + e->num_vertex_ids;
    uint64_t blocks = (total + ID_BLOCK - 1) / ID_BLOCK;
    uint64_t **distinct = calloc(blocks ? blocks : 1, sizeof *distinct);
    uint64_t *found = calloc(blocks + 1, sizeof *found);
    uint64_t *ids = NULL;
    int failed = 0;
    if (!distinct || !found)
        goto fail;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t lo = k * ID_BLOCK, hi = lo + ID_BLOCK < total ? lo + ID_BLOCK : total;
        uint64_t *block = malloc((hi - lo) * sizeof *block);
        if (!block) {
            failed = 1;
            continue;
        }
        for (uint64_t i = lo; i < hi; i++)
            block[i - lo] = endpoint_id(e, i);
        found[k] = 0;
        int rc = sf_sort_unique_u64(block, hi - lo, &found[k]);
        uint64_t *shrunk = realloc(block, (found[k] ? found[k] : 1) * sizeof *block);
        distinct[k] = shrunk ? shrunk : block;
        failed |= rc != 0;
    }
    if (failed)
        goto fail;
    uint64_t all = sf_exclusive_scan_u64(found, blocks);
    ids = malloc((all ? all : 1) * sizeof *ids);
    if (!ids)
        goto fail;
#pragma omp parallel for schedule(dynamic, 1)
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t next = k + 1 < blocks ? found[k + 1] : all;
        memcpy(ids + found[k], distinct[k], (next - found[k]) * sizeof *ids);
    }
    for (uint64_t k = 0; k < blocks; k++)
        free(distinct[k]);
    free(distinct);
    free(found);
    distinct = NULL;
    found = NULL;
    uint64_t n = 0;
    int rc = sf_sort_unique_u64(ids, all, &n);
    if (rc)
        goto fail;
    if (n > SF_MAX_VERTICES) {
        free(ids);
        return -E2BIG;
    }
    uint64_t *shrunk = realloc(ids, (n ? n : 1) * sizeof *ids);
    *original_ids = shrunk ? shrunk : ids;
    *num_vertices = n;
    return 0;
fail:
    for (uint64_t k = 0; distinct && k < blocks; k++)
        free(distinct[k]);
    free(distinct);
    free(found);
    free(ids);
    return -ENOMEM;
}

/* Original id -> dense id for sparse ids: open addressing with linear
 * probing in a power-of-two table at most half full. Filled in parallel:
 * ids are distinct, so an insert only claims a free slot (one compare-and-
 * swap per vertex) and never compares keys; lookups come after. */
typedef struct id_slot {
    uint64_t id;
    uint32_t dense;             /* UINT32_MAX: free (dense ids are smaller) */
} id_slot;

typedef struct id_index {
    id_slot *slots;
    uint64_t mask;
} id_index;

static ALWAYS_INLINE uint64_t id_hash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

static int id_index_init(id_index *ix, const uint64_t *ids, uint64_t n)
{
    uint64_t capacity = 16;
    while (capacity < 2 * n)
        capacity *= 2;
    ix->mask = capacity - 1;
    ix->slots = malloc(capacity * sizeof *ix->slots);
    if (!ix->slots)
        return -ENOMEM;
    sf_advise_huge(ix->slots, capacity * sizeof *ix->slots); /* looked up at random */
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < capacity; i++)
        ix->slots[i].dense = UINT32_MAX;
#pragma omp parallel for schedule(static)
    for (uint64_t r = 0; r < n; r++) {
        for (uint64_t at = id_hash(ids[r]) & ix->mask;; at = (at + 1) & ix->mask) {
            uint32_t free_mark = UINT32_MAX;
            if (__atomic_compare_exchange_n(&ix->slots[at].dense, &free_mark, (uint32_t)r, false,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                ix->slots[at].id = ids[r];
                break;
            }
        }
    }
    return 0;
}

static ALWAYS_INLINE const id_slot *id_index_home(const id_index *ix, uint64_t id)
{
    return &ix->slots[id_hash(id) & ix->mask];
}

/* Callers look up endpoints only, and every endpoint is in the table. */
static ALWAYS_INLINE sf_vid id_index_find(const id_index *ix, uint64_t id)
{
    for (uint64_t at = id_hash(id) & ix->mask;; at = (at + 1) & ix->mask) {
        const id_slot *slot = &ix->slots[at];
        if (slot->dense == UINT32_MAX)
            return SF_VID_NONE;
        if (slot->id == id)
            return slot->dense;
    }
}

/* ---------- partition: arcs grouped by bucket of their key vertex ---------- */

/* Where arcs come from. The key of an arc is the vertex whose row it joins
 * (the source of an out-arc, the target of an in-arc); the other end is what
 * the row stores. */
enum arc_kind {
    ARCS_DENSE64,   /* edge list ids already dense (generators) */
    ARCS_DENSE32,   /* the same from a narrow edge list */
    ARCS_MAPPED,    /* compact ids: dense id = map[original id] */
    ARCS_HASHED,    /* sparse ids: dense id from the id index */
    ARCS_MAPPED32,  /* the same two from a narrow edge list (32-bit ids) */
    ARCS_HASHED32,
    ARCS_TRANSPOSE, /* the arcs of built out-rows, reversed: in-rows */
};

/* About 2^16 arcs a bucket on average, so a bucket's rows sort in L2; at
 * most 2^13 buckets (the scatter's fan-out); at most 2^16 vertices a bucket
 * (local indices are 16-bit). */
#define BUCKET_ARCS_BITS 16
#define MAX_FANOUT_BITS 13
#define MAX_PACKED_FANOUT_BITS 14
#define MAX_BUCKET_VERTEX_BITS 16

/* Slot j of a bucket holds the other end of an arc and the key's index in
 * the bucket: packed into one 32-bit word (local << vertex_bits | other)
 * when both fit, which saves the 16-bit side array. */
typedef struct partition {
    unsigned shift;             /* bucket b holds ids [b << shift, (b + 1) << shift) */
    uint64_t buckets;
    bool packed;
    unsigned vertex_bits;       /* of the ids in the slots */
    /* buckets + 1: the dense id of each bucket's first key ([buckets] = n);
     * with spaced ids, also how a spaced id becomes a dense one */
    sf_vid *first_key;
    bool spaced;
    uint64_t chunks;            /* static slices of the items, one per thread */
    uint64_t *cursor;           /* chunks x buckets: counts, then next slot */
    uint64_t *start;            /* buckets + 1: first slot of each bucket */
    sf_vid *slots;              /* start[buckets]; becomes the neighbour array */
    uint16_t *side;             /* local key indices when not packed */
    double *weights;            /* beside slots, or NULL */
} partition;

typedef struct arc_source {
    enum arc_kind kind;
    uint64_t items;             /* edges of the list, or arcs of the rows */
    bool symmetric;             /* each edge also gives its reverse arc */
    const uint64_t *src64, *dst64;
    const uint32_t *src32, *dst32; /* narrow edge list */
    const uint32_t *map;
    const id_index *index;
    const double *weight;       /* one per item, or NULL */
    bool release;               /* the scatter is the items' last reader: give their pages back */
    const sf_eid *offsets;      /* ARCS_TRANSPOSE: the out-rows */
    const sf_vid *neighbors;
    sf_vid rows;
    /* Symmetric sources may carry the endpoint counts by slice
     * (count_by_slice), by rank (dense id before the degree order): the
     * arcs each slice gives each key, so the partition takes its counts
     * from them instead of a pass over the arcs. Owned here; the partition
     * frees them once read. */
    uint32_t *degree;           /* per rank, all slices */
    slice_degrees slices;
    const uint32_t *key_of_rank; /* rank -> key (dense id, or spaced id) */
    uint64_t ranks;
    /* When the source's keys are spaced ids (space_keys): the partition's
     * plan over them (spacing.spaced set; plan_keys takes it over) and each
     * rank's spaced id (key_of_rank then; the map too for a generator's
     * list). Owned here. */
    partition spacing;
    uint32_t *spaced_of;
} arc_source;

static unsigned bits_for(uint64_t x)
{
    return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

static void plan_partition(partition *p, sf_vid n, uint64_t arcs)
{
    int id_bits = (int)bits_for(n - 1); /* n >= 1 */
    int shift = id_bits - ((int)bits_for(arcs) - BUCKET_ARCS_BITS);
    if (shift < id_bits - MAX_FANOUT_BITS)
        shift = id_bits - MAX_FANOUT_BITS;
    if (shift > MAX_BUCKET_VERTEX_BITS)
        shift = MAX_BUCKET_VERTEX_BITS;
    if (shift < 0)
        shift = 0;
    /* Packing may take smaller buckets than planned, up to a wider fan-out. */
    int packed_shift = 32 - id_bits;
    p->packed = packed_shift >= id_bits - MAX_PACKED_FANOUT_BITS;
    if (p->packed && shift > packed_shift)
        shift = packed_shift;
    p->shift = (unsigned)shift;
    p->vertex_bits = (unsigned)id_bits;
    p->buckets = ((uint64_t)(n - 1) >> shift) + 1;
}

/* Spaced ids. Under degree order the first keys are the hubs, and a block
 * of 2^shift of them can hold millions of arcs, far more than a bucket
 * sorts in cache. So where every key's arcs are known before the scatter
 * (an undirected build counts them while relabelling), each bucket is
 * given a run of consecutive keys holding about SPACED_BUCKET_ARCS arcs (at
 * most 2^shift keys; one key alone when it has more), and each key the id
 * bucket << shift | its index in the bucket: dense ids spaced out so that
 * every bucket starts a block of 2^shift ids. The partition finds an arc's
 * bucket by a shift, as with dense ids; spaced ids sort as the dense ids
 * do, so rows are sorted and deduplicated on them, and each neighbour
 * becomes dense again as it is written (first_key[id >> shift] + the index
 * bits: a table of a few KiB). */
#define SPACED_BUCKET_ARCS ((uint64_t)1 << BUCKET_ARCS_BITS)
/* twice the packed plan's widest fan-out */
#define MAX_SPACED_BUCKETS ((uint64_t)2 << MAX_PACKED_FANOUT_BITS)

/* Spaced ids for the n keys of a symmetric source with `arcs` arcs (two an edge) in
 * all, the key of rank r having degree[r] arcs and dense id new_of[r]. On
 * success *spaced_of gets each rank's spaced id and *layout the partition's
 * plan over them (spaced set; its first_key, like *spaced_of, the
 * caller's). Where spaced ids would not fit the id range or the packed
 * slots, or would need more than MAX_SPACED_BUCKETS buckets, nothing is
 * made: *spaced_of stays NULL. Returns 0 or -ENOMEM. */
static int space_keys(uint64_t n, uint64_t arcs, const uint32_t *degree, const uint32_t *new_of,
                      partition *layout, uint32_t **spaced_of)
{
    partition plan = {0};
    plan_partition(&plan, (sf_vid)n, arcs);
    const uint64_t full = (uint64_t)1 << plan.shift;
    uint64_t aim = arcs >> MAX_FANOUT_BITS > SPACED_BUCKET_ARCS ? arcs >> MAX_FANOUT_BITS
                                                                 : SPACED_BUCKET_ARCS;
    uint32_t *at = malloc(n * sizeof *at); /* by dense id: arcs, then spaced id */
    sf_vid *first_key = malloc((MAX_SPACED_BUCKETS + 1) * sizeof *first_key);
    uint32_t *of_rank = NULL;
    int rc = -ENOMEM;
    *spaced_of = NULL;
    if (!at || !first_key)
        goto out;
#pragma omp parallel for schedule(static)
    for (uint64_t r = 0; r < n; r++)
        at[new_of[r]] = degree[r];
    /* a bucket takes the next key while it has room and the arcs stay
     * within the aim, or when it is empty; degrees descend, so the buckets
     * grow from single hubs to full blocks */
    uint64_t bucket = 0, keys = 0, bucket_arcs = 0, last_other = UINT64_MAX;
    for (uint64_t v = 0; v < n; v++) {
        uint64_t d = at[v];
        if (keys == full || (keys > 0 && bucket_arcs + d > aim)) {
            bucket++;
            keys = 0;
            bucket_arcs = 0;
        }
        if (bucket == MAX_SPACED_BUCKETS)
            break;
        if (keys == 0)
            first_key[bucket] = (sf_vid)v;
        uint64_t spaced = bucket << plan.shift | keys;
        at[v] = (uint32_t)spaced;
        keys++;
        bucket_arcs += d;
        if (d)
            last_other = spaced;
    }
    /* Only keys with arcs are ever another key's neighbour, so the slots
     * need room for their ids alone: generators' isolated vertices, the
     * last keys, give the spacing its room in the packed slot. */
    uint64_t buckets = bucket + 1;
    unsigned id_bits = bits_for(last_other);
    rc = 0;
    if (last_other == UINT64_MAX || buckets > MAX_SPACED_BUCKETS ||
        buckets << plan.shift > SF_MAX_VERTICES || (plan.packed && id_bits + plan.shift > 32))
        goto out; /* declined */
    first_key[buckets] = (sf_vid)n;
    rc = -ENOMEM;
    if (!(of_rank = malloc(n * sizeof *of_rank)))
        goto out;
#pragma omp parallel for schedule(static)
    for (uint64_t r = 0; r < n; r++)
        of_rank[r] = at[new_of[r]];
    plan.buckets = buckets;
    plan.vertex_bits = id_bits;
    plan.first_key = first_key;
    plan.spaced = true;
    *layout = plan;
    *spaced_of = of_rank;
    first_key = NULL;
    rc = 0;
out:
    free(at);
    free(first_key);
    return rc;
}

/* The partition of a source's keys: spaced (taking the source's plan
 * over) or blocks of dense ids. */
static int plan_keys(partition *p, arc_source *a, sf_vid n, uint64_t arcs)
{
    if (a->spacing.spaced) {
        *p = a->spacing;
        memset(&a->spacing, 0, sizeof a->spacing);
        return 0;
    }
    plan_partition(p, n, arcs);
    p->first_key = malloc((p->buckets + 1) * sizeof *p->first_key);
    if (!p->first_key)
        return -ENOMEM;
    for (uint64_t b = 0; b < p->buckets; b++)
        p->first_key[b] = (sf_vid)(b << p->shift);
    p->first_key[p->buckets] = n;
    return 0;
}

static void partition_fini(partition *p)
{
    free(p->first_key);
    free(p->cursor);
    free(p->start);
    free(p->slots);
    free(p->side);
    free(p->weights);
    memset(p, 0, sizeof *p);
}

/* Software write-combining. The scatter writes to every bucket at once,
 * thousands of places far apart; each bucket instead fills one cache line of
 * a small buffer that stays in cache, and a full line goes to memory in one
 * streaming store that does not read the line first. */
#define LINE_BYTES 64

static ALWAYS_INLINE void stream_line(void *to, const void *from)
{
#ifdef __SSE2__
    __m128i *d = to;
    const __m128i *s = from;
    _mm_stream_si128(d, _mm_load_si128(s));
    _mm_stream_si128(d + 1, _mm_load_si128(s + 1));
    _mm_stream_si128(d + 2, _mm_load_si128(s + 2));
    _mm_stream_si128(d + 3, _mm_load_si128(s + 3));
#else
    memcpy(to, from, LINE_BYTES);
#endif
}

/* Element `at` of `array` (elements of `size` bytes, the array aligned to a
 * line) through its bucket's line buffer. A line is streamed out when it
 * lies wholly in this slice's part of the bucket, from `first` on; the
 * edges of a part are shared with neighbours and get plain stores. */
static ALWAYS_INLINE void combine(void *array, void *line, size_t size, uint64_t at,
                                  uint64_t first, const void *value)
{
    const uint64_t per_line = LINE_BYTES / size;
    uint64_t k = at & (per_line - 1);
    memcpy((char *)line + k * size, value, size);
    if (k + 1 < per_line)
        return;
    uint64_t begin = at - k;
    if (begin >= first)
        stream_line((char *)array + begin * size, line);
    else
        memcpy((char *)array + first * size, (char *)line + (first - begin) * size,
               (at + 1 - first) * size);
}

/* What is left in a line buffer once the slice is placed: [.., end). */
static void drain(void *array, const void *line, size_t size, uint64_t first, uint64_t end)
{
    const uint64_t per_line = LINE_BYTES / size;
    uint64_t begin = end & ~(per_line - 1);
    if (begin < first)
        begin = first;
    if (end > begin)
        memcpy((char *)array + begin * size, (const char *)line + (begin & (per_line - 1)) * size,
               (end - begin) * size);
}

/* One thread's state while it counts or places its slice of the arcs. */
typedef struct slice {
    uint64_t *cursor;           /* per bucket: count, then next slot */
    uint64_t *first;            /* per bucket: the slice's first slot */
    const uint64_t *end;        /* per bucket: past the slice's last slot (releasing only) */
    uint64_t *faulted;          /* per bucket: slots made resident ahead, up to here */
    sf_vid *line_slots;         /* per bucket: one line of each array */
    uint16_t *line_side;
    double *line_weights;
} slice;

/* Counts (scatter false) or places (scatter true) one arc. */
static ALWAYS_INLINE void put_arc(const partition *p, const slice *s, bool scatter, sf_vid key,
                                  sf_vid other, const double *weight, uint64_t item)
{
    uint64_t b = key >> p->shift;
    if (!scatter) {
        s->cursor[b]++;
        return;
    }
    uint64_t at = s->cursor[b]++;
    sf_vid local = key & ((1u << p->shift) - 1);
    if (p->packed) {
        sf_vid slot = local << p->vertex_bits | other;
        combine(p->slots, s->line_slots + b * (LINE_BYTES / sizeof(sf_vid)), sizeof(sf_vid), at,
                s->first[b], &slot);
    } else {
        uint16_t side = (uint16_t)local;
        combine(p->slots, s->line_slots + b * (LINE_BYTES / sizeof(sf_vid)), sizeof(sf_vid), at,
                s->first[b], &other);
        combine(p->side, s->line_side + b * (LINE_BYTES / sizeof(uint16_t)), sizeof(uint16_t), at,
                s->first[b], &side);
    }
    if (weight)
        combine(p->weights, s->line_weights + b * (LINE_BYTES / sizeof(double)), sizeof(double),
                at, s->first[b], &weight[item]);
}

static ALWAYS_INLINE void load_edge(const arc_source *a, enum arc_kind kind, uint64_t i, sf_vid *u,
                                    sf_vid *v)
{
    switch (kind) {
    case ARCS_DENSE64:
        *u = (sf_vid)a->src64[i];
        *v = (sf_vid)a->dst64[i];
        break;
    case ARCS_DENSE32:
        *u = a->src32[i];
        *v = a->dst32[i];
        break;
    case ARCS_MAPPED:
        *u = a->map[a->src64[i]];
        *v = a->map[a->dst64[i]];
        break;
    case ARCS_MAPPED32:
        *u = a->map[a->src32[i]];
        *v = a->map[a->dst32[i]];
        break;
    case ARCS_HASHED32:
        *u = id_index_find(a->index, a->src32[i]);
        *v = id_index_find(a->index, a->dst32[i]);
        break;
    default:
        *u = id_index_find(a->index, a->src64[i]);
        *v = id_index_find(a->index, a->dst64[i]);
        break;
    }
}

/* Asks for the map or index entries of edge i's ends: they are bigger than
 * the caches, and looked up at random. */
static ALWAYS_INLINE void prefetch_ends(const arc_source *a, enum arc_kind kind, uint64_t i)
{
    switch (kind) {
    case ARCS_MAPPED:
        __builtin_prefetch(&a->map[a->src64[i]]);
        __builtin_prefetch(&a->map[a->dst64[i]]);
        break;
    case ARCS_MAPPED32:
        __builtin_prefetch(&a->map[a->src32[i]]);
        __builtin_prefetch(&a->map[a->dst32[i]]);
        break;
    case ARCS_HASHED:
        __builtin_prefetch(id_index_home(a->index, a->src64[i]));
        __builtin_prefetch(id_index_home(a->index, a->dst64[i]));
        break;
    case ARCS_HASHED32:
        __builtin_prefetch(id_index_home(a->index, a->src32[i]));
        __builtin_prefetch(id_index_home(a->index, a->dst32[i]));
        break;
    default: /* dense ids: nothing looked up */
        break;
    }
}

/* Edges [lo, hi) of an edge list; returns the self-loops skipped. */
static ALWAYS_INLINE uint64_t visit_edges(const arc_source *a, enum arc_kind kind, bool scatter,
                                          const partition *p, const slice *s, uint64_t lo,
                                          uint64_t hi)
{
    uint64_t loops = 0;
    for (uint64_t i = lo; i < hi; i++) {
        sf_vid u, v;
        if (i + PREFETCH_DISTANCE < hi)
            prefetch_ends(a, kind, i + PREFETCH_DISTANCE);
        load_edge(a, kind, i, &u, &v);
        if (u == v) {
            loops++;
            continue;
        }
        put_arc(p, s, scatter, u, v, a->weight, i);
        if (a->symmetric)
            put_arc(p, s, scatter, v, u, a->weight, i);
    }
    return loops;
}

/* Arcs [lo, hi) of out-rows, reversed. */
static ALWAYS_INLINE void visit_transpose(const arc_source *a, bool scatter, const partition *p,
                                          const slice *s, uint64_t lo, uint64_t hi)
{
    if (lo >= hi)
        return;
    /* the row holding arc lo: the last u with offsets[u] <= lo */
    sf_vid u = (sf_vid)(sf_lower_bound_u64(a->offsets, a->rows, lo + 1) - 1);
    for (uint64_t e = lo; e < hi; e++) {
        while (a->offsets[u + 1] <= e)
            u++;
        put_arc(p, s, scatter, a->neighbors[e], u, a->weight, e);
    }
}

#define VISIT_EDGES(kind)                                                                     \
    (scatter ? visit_edges(a, kind, true, p, s, lo, hi)                                       \
             : visit_edges(a, kind, false, p, s, lo, hi))

/* One slice's pass; each case is its own loop, specialised at compile time. */
static uint64_t visit_slice(const arc_source *a, bool scatter, const partition *p,
                            const slice *s, uint64_t lo, uint64_t hi)
{
    switch (a->kind) {
    case ARCS_DENSE64:
        return VISIT_EDGES(ARCS_DENSE64);
    case ARCS_DENSE32:
        return VISIT_EDGES(ARCS_DENSE32);
    case ARCS_MAPPED:
        return VISIT_EDGES(ARCS_MAPPED);
    case ARCS_HASHED:
        return VISIT_EDGES(ARCS_HASHED);
    case ARCS_MAPPED32:
        return VISIT_EDGES(ARCS_MAPPED32);
    case ARCS_HASHED32:
        return VISIT_EDGES(ARCS_HASHED32);
    case ARCS_TRANSPOSE:
        if (scatter)
            visit_transpose(a, true, p, s, lo, hi);
        else
            visit_transpose(a, false, p, s, lo, hi);
        return 0;
    }
    return 0;
}

/* Whole lines, aligned: so that touch_page's 4-byte word at the last
 * element of a 2-byte array stays inside the allocation. */
static void *alloc_lines(uint64_t bytes)
{
    void *p = NULL;
    uint64_t whole = bytes ? (bytes + LINE_BYTES - 1) / LINE_BYTES * LINE_BYTES : LINE_BYTES;
    return posix_memalign(&p, LINE_BYTES, whole) ? NULL : p;
}

/* Items per step of a releasing scatter: 2 MiB of 32-bit ids, a huge page. */
#define RELEASE_STEP ((uint64_t)1 << 19)

/* Gives back the pages of items [from, to) of every item array of a (an
 * edge list's; only whole pages, so a page shared with the next slice is
 * kept). */
static void release_items(const arc_source *a, uint64_t from, uint64_t to)
{
    const void *arrays[5] = {a->src64, a->dst64, a->src32, a->dst32, a->weight};
    const size_t sizes[5] = {8, 8, 4, 4, 8};
    for (int k = 0; k < 5; k++)
        if (arrays[k])
            sf_release_pages((char *)arrays[k] + from * sizes[k], (to - from) * sizes[k]);
}

/* Makes the page holding element i of `array` resident and writable
 * without changing it (another thread may be writing its other slots). */
static ALWAYS_INLINE void touch_page(void *array, size_t size, uint64_t i)
{
    __atomic_fetch_or((uint32_t *)((char *)array + (i * size & ~(uint64_t)3)), 0,
                      __ATOMIC_RELAXED);
}

/* How many steps ahead of its stores a releasing scatter makes its slots
 * resident: 4 steps are 16 MiB of 32-bit slots a thread, presumably enough
 * for the lines the kernel zeroed (through the cache) to have left the
 * caches before the streaming stores overwrite them. On kron:22 at 2 threads
 * (7 trials, interleaved, SF_TRACE_LOAD) the scatter took 0.72 s faulting
 * as it stored, 0.76 / 0.68 / 0.61 s at 1 / 2 / 4 steps ahead; peak memory
 * grows by the steps' slots (1.19x -> 1.26x the graph). */
#define FAULT_AHEAD_STEPS 4

/* Before a releasing scatter places items up to `upto` of its slice
 * [lo, hi), the slots each bucket is expected to have filled by then (its
 * share of the slice in proportion, plus a page) are made resident, a page
 * at a time, in a loop of their own rather than by faults in the middle of
 * the streaming stores; only a few steps ahead, so that the slots still
 * become resident at about the pace the items' pages are given back. */
static void fault_slots_ahead(const partition *p, const slice *s, uint64_t lo, uint64_t hi,
                              uint64_t upto)
{
    /* a touch every page of the widest array at hand */
    const uint64_t per_page = 4096 / (p->weights ? sizeof(double) : sizeof(sf_vid));
    double share = hi > lo ? (double)(upto - lo) / (double)(hi - lo) : 1.0;
    for (uint64_t b = 0; b < p->buckets; b++) {
        uint64_t len = s->end[b] - s->first[b];
        uint64_t want = s->first[b] + (uint64_t)(share * (double)len) + per_page;
        if (want > s->end[b])
            want = s->end[b];
        for (uint64_t i = s->faulted[b]; i < want; i = (i | (per_page - 1)) + 1) {
            touch_page(p->slots, sizeof(sf_vid), i);
            if (p->side)
                touch_page(p->side, sizeof(uint16_t), i);
            if (p->weights)
                touch_page(p->weights, sizeof(double), i);
        }
        if (want > s->faulted[b])
            s->faulted[b] = want;
    }
}

/* Whether a scatter gives its items' pages back as it goes (an edge list
 * the caller gave up; never built rows). */
static bool releases(const arc_source *a)
{
    return a->release && a->kind != ARCS_TRANSPOSE;
}

/* Places items [lo, hi): all at once, or a step at a time with the pages
 * of each step given back once it is placed. */
static void place_items(const arc_source *a, const partition *p, const slice *s, uint64_t lo,
                        uint64_t hi)
{
    if (!releases(a)) {
        visit_slice(a, true, p, s, lo, hi);
        return;
    }
    for (uint64_t at = lo; at < hi; at += RELEASE_STEP) {
        uint64_t end = hi - at > RELEASE_STEP ? at + RELEASE_STEP : hi;
        uint64_t ahead = end + (FAULT_AHEAD_STEPS - 1) * RELEASE_STEP;
        fault_slots_ahead(p, s, lo, hi, ahead < hi ? ahead : hi);
        visit_slice(a, true, p, s, at, end);
        release_items(a, at, end);
    }
}

/* Places slice c: its line buffers live for this call only. `ends` (and
 * the slice's faulted marks) only for a releasing scatter, whose slots are
 * made resident ahead of it. */
static int scatter_slice(const arc_source *a, const partition *p, const uint64_t *ends,
                         uint64_t c)
{
    uint64_t buckets = p->buckets;
    slice s = {
        .cursor = p->cursor + c * buckets,
        .end = ends ? ends + c * buckets : NULL,
        .faulted = ends ? malloc(buckets * sizeof *s.faulted) : NULL,
        .first = malloc(buckets * sizeof *s.first),
        .line_slots = alloc_lines(buckets * LINE_BYTES),
        .line_side = p->side ? alloc_lines(buckets * LINE_BYTES) : NULL,
        .line_weights = p->weights ? alloc_lines(buckets * LINE_BYTES) : NULL,
    };
    int rc = -ENOMEM;
    if (!s.first || (ends && !s.faulted) || !s.line_slots || (p->side && !s.line_side) ||
        (p->weights && !s.line_weights))
        goto out;
    memcpy(s.first, s.cursor, buckets * sizeof *s.first);
    if (ends)
        memcpy(s.faulted, s.cursor, buckets * sizeof *s.faulted);
    place_items(a, p, &s, a->items * c / p->chunks, a->items * (c + 1) / p->chunks);
    for (uint64_t b = 0; b < buckets; b++) {
        drain(p->slots, s.line_slots + b * (LINE_BYTES / sizeof(sf_vid)), sizeof(sf_vid),
              s.first[b], s.cursor[b]);
        if (p->side)
            drain(p->side, s.line_side + b * (LINE_BYTES / sizeof(uint16_t)), sizeof(uint16_t),
                  s.first[b], s.cursor[b]);
        if (p->weights)
            drain(p->weights, s.line_weights + b * (LINE_BYTES / sizeof(double)), sizeof(double),
                  s.first[b], s.cursor[b]);
    }
#ifdef __SSE2__
    _mm_sfence(); /* streaming stores are visible to other threads after this */
#endif
    rc = 0;
out:
    free(s.first);
    free(s.faulted);
    free(s.line_slots);
    free(s.line_side);
    free(s.line_weights);
    return rc;
}

/* Per slice and bucket counts from the endpoint counts by slice: each
 * edge (s, d) that is not a loop gives one arc keyed s and one keyed d, so
 * slice t gives a key's bucket as many arcs as it counted endpoints of that
 * key. The same counts as visiting the arcs, from one pass over the ranks. */
static void count_from_degrees(const arc_source *a, partition *p)
{
    uint64_t buckets = p->buckets, slices = a->slices.slices;
    uint32_t *const *of_slice = a->slices.of_slice;
    for (uint64_t r = 0; r < a->ranks; r++) {
        uint64_t b = a->key_of_rank[r] >> p->shift;
        uint32_t rest = a->degree[r];
        for (uint64_t t = 1; t < slices; t++) {
            p->cursor[t * buckets + b] += of_slice[t][r];
            rest -= of_slice[t][r];
        }
        p->cursor[b] += rest;
    }
}

static void drop_degrees(arc_source *a)
{
    free(a->degree);
    a->degree = NULL;
    slice_degrees_fini(&a->slices);
    a->key_of_rank = NULL;
    if (a->spaced_of && a->map != a->spaced_of) { /* only the counts read it */
        free(a->spaced_of);
        a->spaced_of = NULL;
    }
}

/* Partitions the arcs of `a` over n vertices: count per slice and bucket
 * (or take the counts from a's degrees, which are freed then), prefix-sum
 * bucket-major (so a bucket holds its arcs in input order, however the
 * input was sliced), then scatter. */
static int partition_arcs(arc_source *a, sf_vid n, uint64_t arcs_hint, partition *p,
                          uint64_t *self_loops)
{
    if (plan_keys(p, a, n, arcs_hint))
        goto fail;
    uint64_t chunks = (uint64_t)omp_get_max_threads(), buckets = p->buckets;
    p->chunks = chunks;
    p->cursor = calloc(chunks * buckets, sizeof *p->cursor);
    p->start = malloc((buckets + 1) * sizeof *p->start);
    if (!p->cursor || !p->start)
        goto fail;
    uint64_t loops = 0;
    if (a->symmetric && a->degree && a->slices.slices == chunks) {
        count_from_degrees(a, p);
        loops = a->slices.self_loops;
    } else {
#pragma omp parallel for schedule(static, 1) reduction(+ : loops)
        for (uint64_t c = 0; c < chunks; c++) {
            slice s = {.cursor = p->cursor + c * buckets};
            loops += visit_slice(a, false, p, &s, a->items * c / chunks,
                                 a->items * (c + 1) / chunks);
        }
    }
    drop_degrees(a);
    sf_trace_phase("count");
    uint64_t run = 0;
    for (uint64_t b = 0; b < buckets; b++) {
        p->start[b] = run;
        for (uint64_t c = 0; c < chunks; c++) {
            uint64_t count = p->cursor[c * buckets + b];
            p->cursor[c * buckets + b] = run;
            run += count;
        }
    }
    p->start[buckets] = run;
    /* line-aligned, for the streaming stores */
    p->slots = alloc_lines(run * sizeof *p->slots);
    p->side = p->packed ? NULL : alloc_lines(run * sizeof *p->side);
    p->weights = a->weight ? alloc_lines(run * sizeof *p->weights) : NULL;
    if (!p->slots || (!p->packed && !p->side) || (a->weight && !p->weights))
        goto fail;
    /* A releasing scatter gives back the items' pages as it goes: small
     * pages here, so that the slots become resident at the same pace and
     * the two are never whole together. */
    void (*advise)(void *, uint64_t) = releases(a) ? sf_advise_small_pages : sf_advise_huge;
    advise(p->slots, run * sizeof *p->slots);
    if (p->side)
        advise(p->side, run * sizeof *p->side);
    if (p->weights)
        advise(p->weights, run * sizeof *p->weights);
    /* where each slice's part of each bucket ends (the next slice's
     * start), for a releasing scatter's faults ahead */
    uint64_t *ends = NULL;
    if (releases(a)) {
        if (!(ends = malloc(chunks * buckets * sizeof *ends)))
            goto fail;
        for (uint64_t c = 0; c < chunks; c++)
            for (uint64_t b = 0; b < buckets; b++)
                ends[c * buckets + b] =
                    c + 1 < chunks ? p->cursor[(c + 1) * buckets + b] : p->start[b + 1];
    }
    int failed = 0;
#pragma omp parallel for schedule(static, 1) reduction(| : failed)
    for (uint64_t c = 0; c < chunks; c++)
        failed |= scatter_slice(a, p, ends, c) != 0;
    free(ends);
    if (failed)
        goto fail;
    sf_trace_phase("scatter");
    *self_loops = loops;
    return 0;
fail:
    partition_fini(p);
    return -ENOMEM;
}

/* ---------- rows: each bucket sorted in cache ---------- */

/* Inside a bucket an arc is the key (local << vertex_bits | other): sorted
 * ascending, keys are rows in order of their vertex, each row ascending,
 * duplicates adjacent. Packed slots are these keys already (32-bit); other
 * partitions build 64-bit ones. `wide` is a constant in every caller, so
 * each width gets its own loops. */
static ALWAYS_INLINE uint64_t key_get(const void *keys, bool wide, uint64_t i)
{
    return wide ? ((const uint64_t *)keys)[i] : ((const uint32_t *)keys)[i];
}

static ALWAYS_INLINE void key_set(void *keys, bool wide, uint64_t i, uint64_t key)
{
    if (wide)
        ((uint64_t *)keys)[i] = key;
    else
        ((uint32_t *)keys)[i] = (uint32_t)key;
}

#define RADIX_DIGIT_BITS 11
#define RADIX_MAX_PASSES 5 /* 48-bit keys at most */

/* Stable LSD radix sort of keys[0..n) on bits [low, high), weights (or
 * NULL) following; ping-pongs with `spare` and returns the buffer that holds
 * the result, its weights in *sorted_w. One read makes every digit's
 * histogram; a pass whose digit is the same for all keys is skipped. */
static ALWAYS_INLINE void *radix_sort_keys(void *keys, double *w, void *spare, double *spare_w,
                                      uint64_t n, unsigned low, unsigned high, bool wide,
                                      double **sorted_w)
{
    unsigned bits = high - low;
    unsigned passes = (bits + RADIX_DIGIT_BITS - 1) / RADIX_DIGIT_BITS;
    unsigned digit = passes ? (bits + passes - 1) / passes : 0;
    uint64_t mask = ((uint64_t)1 << digit) - 1;
    uint64_t count[RADIX_MAX_PASSES][1u << RADIX_DIGIT_BITS];
    for (unsigned p = 0; p < passes; p++)
        memset(count[p], 0, (mask + 1) * sizeof count[p][0]);
    if (passes == 3) { /* the usual case, unrolled */
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = key_get(keys, wide, i) >> low;
            count[0][k & mask]++;
            count[1][(k >> digit) & mask]++;
            count[2][(k >> 2 * digit) & mask]++;
        }
    } else {
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = key_get(keys, wide, i) >> low;
            for (unsigned p = 0; p < passes; p++)
                count[p][(k >> (p * digit)) & mask]++;
        }
    }
    for (unsigned p = 0; p < passes && n; p++) {
        unsigned shift = low + p * digit;
        uint64_t *c = count[p];
        if (c[(key_get(keys, wide, 0) >> shift) & mask] == n)
            continue;
        uint64_t sum = 0;
        for (uint64_t d = 0; d <= mask; d++) {
            uint64_t k = c[d];
            c[d] = sum;
            sum += k;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = key_get(keys, wide, i);
            uint64_t at = c[(k >> shift) & mask]++;
            key_set(spare, wide, at, k);
            if (w)
                spare_w[at] = w[i];
        }
        void *swap = keys;
        keys = spare;
        spare = swap;
        double *swap_w = w;
        w = spare_w;
        spare_w = swap_w;
    }
    *sorted_w = w;
    return keys;
}

/* Buckets of more keys than this outgrow the cache (L2 is 0.5-2 MiB a core
 * where we run): their rows are cut apart first, then sorted one by one. */
#define BIG_BUCKET_KEYS ((uint64_t)1 << 17)
/* Rows shorter than this are sorted by insertion: a radix pass's counts
 * would cost more than the keys. */
#define SHORT_ROW_KEYS 48

static ALWAYS_INLINE void *key_at(void *keys, bool wide, uint64_t i)
{
    return (char *)keys + i * (wide ? sizeof(uint64_t) : sizeof(uint32_t));
}

/* Stable insertion sort of keys[0..n), weights (or NULL) following. */
static ALWAYS_INLINE void insertion_sort_keys(void *keys, double *w, uint64_t n, bool wide)
{
    for (uint64_t i = 1; i < n; i++) {
        uint64_t k = key_get(keys, wide, i);
        double kw = w ? w[i] : 0;
        uint64_t j = i;
        for (; j > 0 && key_get(keys, wide, j - 1) > k; j--) {
            key_set(keys, wide, j, key_get(keys, wide, j - 1));
            if (w)
                w[j] = w[j - 1];
        }
        key_set(keys, wide, j, k);
        if (w)
            w[j] = kw;
    }
}

/* The same order as radix_sort_keys on bits [0, high) for a bucket bigger
 * than the cache, where each of its passes would go to memory: one stable
 * counting pass on the local index (bits [vb, high): `rows` rows) moves the
 * keys to `spare`, then each row, a run of spare, is sorted on its other
 * end (bits [0, vb)) in cache, with the same stretch of keys as its
 * ping-pong buffer. Returns spare (weights in *sorted_w), or NULL when out
 * of memory. */
static ALWAYS_INLINE void *sort_big_bucket(void *keys, double *w, void *spare, double *spare_w,
                                           uint64_t n, unsigned vb, uint64_t rows, bool wide,
                                           double **sorted_w)
{
    uint64_t *row_end = calloc(rows + 1, sizeof *row_end);
    if (!row_end)
        return NULL;
    for (uint64_t i = 0; i < n; i++)
        row_end[(key_get(keys, wide, i) >> vb) + 1]++;
    for (uint64_t r = 0; r < rows; r++)
        row_end[r + 1] += row_end[r];
    /* row_end[r] is row r's next slot; it ends at row r's end */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = key_get(keys, wide, i);
        uint64_t at = row_end[k >> vb]++;
        key_set(spare, wide, at, k);
        if (w)
            spare_w[at] = w[i];
    }
    for (uint64_t r = 0, begin = 0; r < rows; begin = row_end[r], r++) {
        uint64_t len = row_end[r] - begin;
        void *row = key_at(spare, wide, begin);
        double *row_w = w ? spare_w + begin : NULL;
        if (len < SHORT_ROW_KEYS) {
            insertion_sort_keys(row, row_w, len, wide);
            continue;
        }
        double *done_w;
        void *done = radix_sort_keys(row, row_w, key_at(keys, wide, begin), w ? w + begin : NULL,
                                     len, 0, vb, wide, &done_w);
        if (done != row) {
            memcpy(row, done, len * (wide ? sizeof(uint64_t) : sizeof(uint32_t)));
            if (w)
                memcpy(row_w, done_w, len * sizeof *w);
        }
    }
    free(row_end);
    *sorted_w = spare_w;
    return spare;
}

/* A thread's buffers for the bucket phase, grown to its largest bucket. */
typedef struct bucket_scratch {
    void *keys;                 /* 64-bit keys, or the 32-bit spare of packed slots */
    void *spare;                /* 64-bit keys only */
    double *weights;
    double *spare_weights;
    uint64_t capacity;
} bucket_scratch;

static int reserve_scratch(bucket_scratch *s, uint64_t len, bool wide, bool weighted)
{
    if (len <= s->capacity)
        return 0;
    free(s->keys);
    free(s->spare);
    free(s->weights);
    free(s->spare_weights);
    memset(s, 0, sizeof *s);
    s->keys = malloc(len * (wide ? sizeof(uint64_t) : sizeof(uint32_t)));
    s->spare = wide ? malloc(len * sizeof(uint64_t)) : NULL;
    s->weights = weighted ? malloc(len * sizeof(double)) : NULL;
    s->spare_weights = weighted && wide ? malloc(len * sizeof(double)) : NULL;
    if (!s->keys || (wide && !s->spare) || (weighted && !s->weights) ||
        (weighted && wide && !s->spare_weights))
        return -ENOMEM;
    s->capacity = len;
    return 0;
}

/* Sorts bucket b: keys by (local, other) when sort_rows, else by local
 * alone (stable: each row keeps the bucket's order); then writes each row's
 * neighbours back from the bucket's first slot, dropping duplicates (the
 * smallest weight kept), and adds each vertex's degree to degree[]. */
static ALWAYS_INLINE int sort_bucket(const partition *p, uint64_t b, bool sort_rows,
                                     bool wide, bucket_scratch *s, sf_eid *degree)
{
    uint64_t begin = p->start[b], len = p->start[b + 1] - begin;
    if (len == 0) /* rows without arcs: their degrees are zero already */
        return 0;
    sf_vid first = p->first_key[b];
    uint64_t rows = p->first_key[b + 1] - first;
    sf_vid *slots = p->slots + begin;
    double *w = p->weights ? p->weights + begin : NULL;
    if (reserve_scratch(s, len, wide, w != NULL))
        return -ENOMEM;
    unsigned vb = p->vertex_bits;
    void *keys = slots, *spare = s->keys;
    double *keys_w = w, *spare_w = s->weights;
    if (wide) {
        const uint16_t *side = p->side + begin;
        for (uint64_t j = 0; j < len; j++)
            ((uint64_t *)s->keys)[j] = (uint64_t)side[j] << vb | slots[j];
        keys = s->keys;
        spare = s->spare;
        if (w) {
            memcpy(s->weights, w, len * sizeof *w);
            keys_w = s->weights;
            spare_w = s->spare_weights;
        }
    }
    unsigned high = vb + bits_for(rows - 1);
    double *sorted_w;
    void *sorted;
    if (sort_rows && len > BIG_BUCKET_KEYS && rows > 1) {
        sorted = sort_big_bucket(keys, keys_w, spare, spare_w, len, vb, rows, wide, &sorted_w);
        if (!sorted)
            return -ENOMEM;
    } else {
        sorted = radix_sort_keys(keys, keys_w, spare, spare_w, len, sort_rows ? 0 : vb, high,
                                 wide, &sorted_w);
    }
    /* Writing back never overtakes reading when both are the slots. The
     * degree of the current row is counted in a register, not in memory. */
    uint64_t other_mask = ((uint64_t)1 << vb) - 1, previous = UINT64_MAX, kept = 0;
    const sf_vid *dense = p->spaced ? p->first_key : NULL;
    const sf_vid index_mask = (1u << p->shift) - 1;
    uint64_t row = 0, row_begin = 0;
    for (uint64_t j = 0; j < len; j++) {
        uint64_t k = key_get(sorted, wide, j);
        if (k == previous) {
            if (w && sorted_w[j] < w[kept - 1])
                w[kept - 1] = sorted_w[j];
            continue;
        }
        previous = k;
        if (k >> vb != row) {
            degree[first + row] = kept - row_begin;
            row = k >> vb;
            row_begin = kept;
        }
        sf_vid other = (sf_vid)(k & other_mask);
        slots[kept] = dense ? dense[other >> p->shift] + (other & index_mask) : other;
        if (w)
            w[kept] = sorted_w[j];
        kept++;
    }
    degree[first + row] = kept - row_begin; /* the last row (len > 0) */
    return 0;
}

/* Sorts every bucket, buckets shared out dynamically (their sizes vary with
 * the degree skew; where a bucket goes does not depend on who sorts it). */
static int sort_buckets(const partition *p, bool sort_rows, sf_eid *degree)
{
    int failed = 0;
#pragma omp parallel
    {
        bucket_scratch s = {0};
#pragma omp for schedule(dynamic, 1)
        for (uint64_t b = 0; b < p->buckets; b++) {
            if (__atomic_load_n(&failed, __ATOMIC_RELAXED))
                continue;
            int rc = p->packed ? sort_bucket(p, b, sort_rows, false, &s, degree)
                               : sort_bucket(p, b, sort_rows, true, &s, degree);
            if (rc)
                __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        }
        free(s.keys);
        free(s.spare);
        free(s.weights);
        free(s.spare_weights);
    }
    return failed ? -ENOMEM : 0;
}

typedef struct rows {
    sf_eid *offsets;
    sf_vid *neighbors;
    double *weights;
    uint64_t self_loops;
    uint64_t duplicates;        /* arcs dropped as duplicates */
} rows;

/* Rows over n vertices from the arcs of `a`: partition, sort the buckets,
 * offsets from the kept degrees, then close the gaps duplicates left. The
 * arrays in *out belong to the caller. */
static int build_rows(arc_source *a, sf_vid n, uint64_t arcs_hint, bool sort_rows,
                      rows *out)
{
    partition p = {0};
    int rc = -ENOMEM;
    memset(out, 0, sizeof *out);
    sf_eid *offsets = calloc((uint64_t)n + 1, sizeof *offsets);
    if (!offsets)
        goto fail;
    if (n == 0) {
        out->offsets = offsets;
        out->neighbors = malloc(sizeof *out->neighbors);
        out->weights = a->weight ? malloc(sizeof *out->weights) : NULL;
        if (!out->neighbors || (a->weight && !out->weights))
            goto fail;
        return 0;
    }
    rc = partition_arcs(a, n, arcs_hint, &p, &out->self_loops);
    if (rc)
        goto fail;
    rc = sort_buckets(&p, sort_rows, offsets);
    if (rc)
        goto fail;
    sf_trace_phase("sort");
    uint64_t raw = p.start[p.buckets];
    uint64_t total = sf_exclusive_scan_u64(offsets, n);
    offsets[n] = total;
    /* Bucket b's kept rows sit at its raw start and belong at the offset of
     * its first vertex, never to the right of it: slide left in order. */
    if (total != raw) {
        for (uint64_t b = 0; b < p.buckets; b++) {
            uint64_t from = p.start[b], to = offsets[p.first_key[b]];
            uint64_t len = offsets[p.first_key[b + 1]] - to;
            if (from == to || len == 0)
                continue;
            memmove(p.slots + to, p.slots + from, len * sizeof *p.slots);
            if (p.weights)
                memmove(p.weights + to, p.weights + from, len * sizeof *p.weights);
        }
        sf_vid *shrunk = realloc(p.slots, (total ? total : 1) * sizeof *p.slots);
        if (shrunk)
            p.slots = shrunk;
        if (p.weights) {
            double *shrunk_w = realloc(p.weights, (total ? total : 1) * sizeof *p.weights);
            if (shrunk_w)
                p.weights = shrunk_w;
        }
    }
    sf_trace_phase("slide");
    out->offsets = offsets;
    out->neighbors = p.slots;
    out->weights = p.weights;
    out->duplicates = raw - total;
    p.slots = NULL;
    p.weights = NULL;
    partition_fini(&p);
    return 0;
fail:
    partition_fini(&p);
    free(offsets);
    free(out->neighbors);
    free(out->weights);
    memset(out, 0, sizeof *out);
    return rc;
}

/* ---------- the builder ---------- */

/* Out-rows from the input's arcs; self-loops and duplicates counted. */
static int build_out(arc_source *a, sf_graph *g)
{
    rows r;
    uint64_t arcs_hint = a->symmetric ? 2 * a->items : a->items;
    int rc = build_rows(a, g->num_vertices, arcs_hint, true, &r);
    if (rc)
        return rc;
    g->out_offsets = r.offsets;
    g->out_neighbors = r.neighbors;
    g->out_weights = r.weights;
    g->num_arcs = r.offsets[g->num_vertices];
    g->dropped_self_loops = r.self_loops;
    /* undirected: each duplicate edge was dropped in both directions */
    g->dropped_duplicates = a->symmetric ? r.duplicates / 2 : r.duplicates;
    return 0;
}

/* In-rows by transposing the (already simple) out-rows: sources are read in
 * ascending order and every pass is stable, so rows come out sorted. */
static int build_in(sf_graph *g)
{
    arc_source a = {
        .kind = ARCS_TRANSPOSE,
        .items = g->num_arcs,
        .weight = g->out_weights,
        .offsets = g->out_offsets,
        .neighbors = g->out_neighbors,
        .rows = g->num_vertices,
    };
    rows r;
    int rc = build_rows(&a, g->num_vertices, g->num_arcs, false, &r);
    if (rc)
        return rc;
    g->in_offsets = r.offsets;
    g->in_neighbors = r.neighbors;
    g->in_weights = r.weights;
    return 0;
}

static void drop_spacing(arc_source *a)
{
    partition_fini(&a->spacing);
    free(a->spaced_of);
    a->spaced_of = NULL;
}

/* Degree order (engine/order.h): counts every endpoint through the same id
 * mapping the build will use (unless `degree` holds the counts already: the
 * compact relabelling and count_dense make them; they stay the caller's),
 * orders the dense ids by descending degree, and makes the arc source
 * produce the new ids directly (for a symmetric source, spaced ids:
 * a->spacing and a->spaced_of are made here), so the build itself costs
 * nothing more; a->key_of_rank is each rank's key then. Returns new_of
 * (rank -> new dense id) in *new_of, the caller's. */
static int order_by_degree(arc_source *a, uint32_t *dense_of, uint64_t map_range, id_index *index,
                           uint64_t n, const uint32_t *counted, uint32_t **new_of)
{
    uint32_t *degree = NULL;
    if (!counted) {
        counted = degree = calloc(n, sizeof *degree);
        if (!degree)
            return -ENOMEM;
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < a->items; i++) {
            sf_vid u, v;
            load_edge(a, a->kind, i, &u, &v);
            if (u == v)
                continue;
            __atomic_fetch_add(&degree[u], 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&degree[v], 1, __ATOMIC_RELAXED);
        }
    }
    int rc = sf_order_by_degree(n, counted, new_of);
    /* a symmetric source's degrees are the arcs of each key: space them */
    if (rc == 0 && a->symmetric) {
        rc = space_keys(n, 2 * a->items, counted, *new_of, &a->spacing, &a->spaced_of);
        if (rc) {
            free(*new_of);
            *new_of = NULL;
        }
    }
    free(degree);
    if (rc)
        return rc;
    const uint32_t *order = a->spaced_of ? a->spaced_of : *new_of;
    a->key_of_rank = order;
    switch (a->kind) {
    case ARCS_DENSE64:
    case ARCS_DENSE32:
        a->kind = a->kind == ARCS_DENSE32 ? ARCS_MAPPED32 : ARCS_MAPPED;
        a->map = order;
        break;
    case ARCS_MAPPED:
    case ARCS_MAPPED32:
        /* entries of absent ids are never read; keep them in range */
#pragma omp parallel for schedule(static)
        for (uint64_t id = 0; id < map_range; id++)
            if (dense_of[id] < n)
                dense_of[id] = order[dense_of[id]];
        break;
    default:
#pragma omp parallel for schedule(static)
        for (uint64_t at = 0; at <= index->mask; at++)
            if (index->slots[at].dense != UINT32_MAX)
                index->slots[at].dense = order[index->slots[at].dense];
        break;
    }
    return 0;
}

int sf_graph_build(const sf_edge_list *e, const sf_build_options *opt, const char *source,
                   sf_graph **out, sf_error *err)
{
    int rc = -ENOMEM;
    uint32_t *dense_of = NULL, *new_of = NULL, *degree = NULL;
    slice_degrees slices = {0};
    uint64_t map_range = 0;
    id_index index = {0};
    bool directed = !opt->undirected;
    arc_source a = {
        .kind = e->narrow ? ARCS_DENSE32 : ARCS_DENSE64,
        .items = e->count,
        .symmetric = !directed,
        .src64 = e->src,
        .dst64 = e->dst,
        .src32 = e->src32,
        .dst32 = e->dst32,
        .weight = e->weight,
        .release = opt->release_edges,
    };
    sf_graph *g = calloc(1, sizeof *g);
    if (!g)
        goto fail;
    g->directed = directed;
    g->weighted = e->weight != NULL;
    uint64_t n = e->dense_vertices;
    /* At least offsets (8 bytes) and a degree count (4) a vertex, and 4
     * bytes for each of an edge's two arcs (both directions, or out and
     * in): a binary list's largest id, a vertex count or a generator's
     * scale can ask for more than the machine has (sf_physical_memory).
     * Past SF_MAX_VERTICES, too_many's message instead. */
    char words[128];
    if (n <= SF_MAX_VERTICES && sf_beyond_memory(n * 12.0 + e->count * 8.0, words, sizeof words)) {
        char vertices[48] = "";
        if (n)
            snprintf(vertices, sizeof vertices, "%llu vertices and ", (unsigned long long)n);
        rc = sf_error_set(err, SF_EINPUT, "%s: %s%llu edges: the graph needs %s", source,
                          vertices, (unsigned long long)e->count, words);
        goto cleanup;
    }
    if (n) {
        if (n > SF_MAX_VERTICES)
            goto too_many;
        /* ids are dense already: only the degree order's counts to make */
        if (!opt->original_order && n > 1) {
            rc = count_dense(e, n, &degree, directed ? NULL : &slices);
            if (rc)
                goto fail;
        }
    } else {
        uint64_t max_id = 0;
        if (e->narrow) {
            uint32_t max32 = 0;
#pragma omp parallel for schedule(static) reduction(max : max32)
            for (uint64_t i = 0; i < e->count; i++) {
                uint32_t id = e->src32[i] > e->dst32[i] ? e->src32[i] : e->dst32[i];
                if (id > max32)
                    max32 = id;
            }
            max_id = max32;
        } else {
#pragma omp parallel for schedule(static) reduction(max : max_id)
            for (uint64_t i = 0; i < e->count; i++) {
                uint64_t id = e->src[i] > e->dst[i] ? e->src[i] : e->dst[i];
                if (id > max_id)
                    max_id = id;
            }
        }
        for (uint64_t i = 0; i < e->num_vertex_ids; i++)
            if (e->vertex_ids[i] > max_id)
                max_id = e->vertex_ids[i];
        sf_trace_phase("max id");
        if (e->count == 0 && e->num_vertex_ids == 0) {
            n = 0;
        } else if (ids_are_compact(max_id, 2 * e->count + e->num_vertex_ids)) {
            map_range = max_id + 1;
            /* per-slice counts: only a symmetric scatter reads them */
            rc = relabel_compact(e, max_id, &dense_of, &g->original_ids, &n,
                                 opt->original_order ? NULL : &degree,
                                 directed ? NULL : &slices);
            if (rc == -E2BIG)
                goto too_many;
            if (rc)
                goto fail;
            a.kind = e->narrow ? ARCS_MAPPED32 : ARCS_MAPPED;
            a.map = dense_of;
        } else {
            rc = relabel_sparse(e, &g->original_ids, &n);
            if (rc == -E2BIG)
                goto too_many;
            if (rc)
                goto fail;
            rc = id_index_init(&index, g->original_ids, n);
            if (rc)
                goto fail;
            a.kind = e->narrow ? ARCS_HASHED32 : ARCS_HASHED;
            a.index = &index;
        }
    }
    sf_trace_phase("relabel");
    g->num_vertices = (sf_vid)n;
    if (n <= 1) {
        free(degree);
        degree = NULL;
        slice_degrees_fini(&slices);
    }
    if (!opt->original_order && n > 1) {
        rc = order_by_degree(&a, dense_of, map_range, &index, n, degree, &new_of);
        if (rc)
            goto fail;
        if (a.symmetric && degree && slices.slices) {
            /* the partition's counts, by rank: moved into the source */
            a.degree = degree;
            a.slices = slices;
            a.ranks = n;
            memset(&slices, 0, sizeof slices);
        } else {
            free(degree);
        }
        degree = NULL;
        /* ranks (ascending original ids) -> new dense ids */
        g->sorted_ids = g->original_ids;
        g->by_original = new_of;
        g->original_ids = malloc(n * sizeof *g->original_ids);
        if (!g->original_ids)
            goto fail;
#pragma omp parallel for schedule(static)
        for (uint64_t r = 0; r < n; r++)
            g->original_ids[new_of[r]] = g->sorted_ids ? g->sorted_ids[r] : r;
    }
    sf_trace_phase("order");
    rc = build_out(&a, g);
    drop_degrees(&a); /* freed by the partition; not when it failed first */
    drop_spacing(&a);
    if (rc)
        goto fail;
    free(dense_of);
    free(index.slots);
    dense_of = NULL;
    index.slots = NULL;
    if (directed) {
        rc = build_in(g);
        if (rc)
            goto fail;
        g->num_edges = g->num_arcs;
    } else {
        g->in_offsets = g->out_offsets;
        g->in_neighbors = g->out_neighbors;
        g->in_weights = g->out_weights;
        g->num_edges = g->num_arcs / 2;
    }
    *out = g;
    return 0;

too_many:
    rc = sf_error_set(err, SF_EINPUT,
                      "%s: more than %llu distinct vertices; shardflow's dense ids are 32-bit",
                      source, (unsigned long long)SF_MAX_VERTICES);
    goto cleanup;
fail:
    if (rc == -ENOMEM)
        sf_error_set(err, rc, "%s: out of memory while building the graph", source);
cleanup:
    free(degree);
    slice_degrees_fini(&slices);
    drop_degrees(&a);
    drop_spacing(&a);
    free(dense_of);
    free(index.slots);
    sf_graph_destroy(&g);
    return rc;
}

void sf_graph_free_array(const sf_graph *g, void *array)
{
    const char *p = array, *map = g->mapping;
    if (map && p >= map && p <= map + g->mapping_bytes)
        return;
    free(array);
}

void sf_graph_destroy(sf_graph **gp)
{
    sf_graph *g = *gp;
    if (!g)
        return;
    if (g->in_offsets != g->out_offsets) {
        sf_graph_free_array(g, g->in_offsets);
        sf_graph_free_array(g, g->in_neighbors);
        sf_graph_free_array(g, g->in_weights);
    }
    sf_graph_free_array(g, g->out_offsets);
    sf_graph_free_array(g, g->out_neighbors);
    sf_graph_free_array(g, g->out_weights);
    sf_graph_free_array(g, g->original_ids);
    sf_graph_free_array(g, g->sorted_ids);
    sf_graph_free_array(g, g->by_original);
    if (g->mapping)
        munmap(g->mapping, g->mapping_bytes);
    free(g);
    *gp = NULL;
}

sf_vid sf_graph_find_vertex(const sf_graph *g, uint64_t original_id)
{
    /* the sorted original ids: sorted_ids under degree order, else the
     * dense -> original map itself (NULL: the identity) */
    const uint64_t *sorted = g->by_original ? g->sorted_ids : g->original_ids;
    sf_vid rank = sorted ? find_sorted(sorted, g->num_vertices, original_id)
                         : original_id < g->num_vertices ? (sf_vid)original_id : SF_VID_NONE;
    return rank == SF_VID_NONE ? rank : sf_graph_by_original(g, rank);
}

uint64_t sf_graph_bytes(const sf_graph *g)
{
    uint64_t n = g->num_vertices, bytes = 0;
    uint64_t per_arc = sizeof(sf_vid) + (g->weighted ? sizeof(double) : 0);
    bytes += (n + 1) * sizeof(sf_eid) + g->num_arcs * per_arc;
    if (g->directed)
        bytes += (n + 1) * sizeof(sf_eid) + g->num_arcs * per_arc;
    if (g->original_ids)
        bytes += n * sizeof(uint64_t);
    if (g->sorted_ids)
        bytes += n * sizeof(uint64_t);
    if (g->by_original)
        bytes += n * sizeof(sf_vid);
    return bytes;
}
