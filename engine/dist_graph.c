/* Building the distributed graph and exchanging boundary values. The one
 * idea: after relabelling, an arc is a 64-bit key (row << 32 | column)
 * routed to the owner of its row, so one all-to-all moves the arcs and a
 * counting sort by row, then a sort within each row, lays them out as CSR;
 * rows come out sorted, deduplicated and identical whatever the rank count,
 * because they hold the same set of arcs. */
#include "dist_graph.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "parallel.h"

static const char *const orders[] = {"degree", "original", NULL}; /* as the enum */
const sf_env_knob sf_dist_order = {"SF_DIST_ORDER", orders};

#define SAMPLES_PER_RANK 64     /* ids each rank offers for the splitters */
#define MAX_COST_BLOCKS (1u << 20)
#define ALPHA 8                 /* cost of a vertex, in arcs (engine.c's) */

/* ---- owners ---------------------------------------------------------- */

int sf_dist_graph_owner(const sf_dist_graph *g, sf_vid v)
{
    /* the last r with owner_begin[r] <= v; empty ranks share their begin */
    return (int)sf_lower_bound_vid(g->owner_begin, (uint64_t)g->ranks, v + 1) - 1;
}

/* Cuts [0, n) into one contiguous range per rank balanced by in-arcs plus
 * ALPHA per vertex, as the engine cuts shards: the in-arcs of each block of
 * 2^shift vertices are counted locally, summed over the ranks, and the cut
 * is made at block boundaries (one vertex per block up to 2^20 vertices, so
 * even tiny graphs spread over the ranks). */
static int cut_ranges(sf_dist_graph *g, const sf_vid *src, const sf_vid *dst, uint64_t m,
                      bool undirected, uint64_t n)
{
    unsigned shift = 0;
    while ((n >> shift) > MAX_COST_BLOCKS)
        shift++;
    uint64_t blocks = n ? ((n - 1) >> shift) + 1 : 0;
    uint64_t *cost = calloc(blocks + 1, sizeof *cost);
    if (!cost)
        return -ENOMEM;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < m; i++) {
        if (src[i] == dst[i])
            continue;
        __atomic_fetch_add(&cost[dst[i] >> shift], 1, __ATOMIC_RELAXED);
        if (undirected)
            __atomic_fetch_add(&cost[src[i] >> shift], 1, __ATOMIC_RELAXED);
    }
    sf_dist_sum_u64(cost, blocks);
    for (uint64_t b = 0; b < blocks; b++) {
        uint64_t first = b << shift, last = (b + 1) << shift < n ? (b + 1) << shift : n;
        cost[b] += ALPHA * (last - first);
    }
    uint64_t total = sf_exclusive_scan_u64(cost, blocks);
    cost[blocks] = total;
    /* rank r starts at the first block whose prefix reaches total * r / R */
    g->owner_begin[0] = 0;
    for (int r = 1; r < g->ranks; r++) {
        uint64_t target = sf_part_first(total, r, g->ranks);
        uint64_t b = sf_lower_bound_u64(cost, blocks, target);
        uint64_t v = b << shift < n ? b << shift : n;
        g->owner_begin[r] = (sf_vid)(v > g->owner_begin[r - 1] ? v : g->owner_begin[r - 1]);
    }
    g->owner_begin[g->ranks] = (sf_vid)n;
    free(cost);
    return 0;
}

/* ---- relabelling -----------------------------------------------------
 * Dense id = rank of the original id among all distinct ids. Each rank
 * sorts its own distinct ids; splitters drawn from every rank's sample send
 * each id to the rank of its key range; that rank sorts and deduplicates
 * what it got (its slice of the global order), a prefix sum of slice sizes
 * gives each slice its first dense id, and the dense ids are sent back in
 * the order the ids came. */
struct relabel {
    uint64_t *slice;            /* this rank's slice of all ids, sorted */
    uint64_t slice_len, slice_base;
    uint64_t n;                 /* all distinct ids */
};

static int relabel(sf_edge_list *part, sf_vid *src, sf_vid *dst, struct relabel *out, int ranks)
{
    int rc = -ENOMEM;
    uint64_t m = part->count, nv = part->num_vertex_ids;
    uint64_t *ids = malloc((2 * m + nv + 1) * sizeof *ids), *dense = NULL, *answers = NULL;
    uint64_t *samples = NULL, *all_samples = NULL, *splitters = NULL, *received = NULL;
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    if (!ids || !send_counts || !recv_counts)
        goto done;
    bool narrow = part->narrow;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < m; i++)
        sf_edge_list_ends(part, narrow, i, &ids[i], &ids[m + i]);
    if (nv)
        memcpy(ids + 2 * m, part->vertex_ids, nv * sizeof *ids);
    uint64_t local;
    if (sf_sort_unique_u64(ids, 2 * m + nv, &local))
        goto done;

    /* splitters: SAMPLES_PER_RANK evenly spaced ids from each rank, UINT64_MAX
     * marking empty slots (sorted last, never chosen while real ones remain) */
    samples = malloc(SAMPLES_PER_RANK * sizeof *samples);
    all_samples = malloc((size_t)ranks * SAMPLES_PER_RANK * sizeof *all_samples);
    splitters = malloc((size_t)(ranks + 1) * sizeof *splitters);
    if (!samples || !all_samples || !splitters)
        goto done;
    for (int k = 0; k < SAMPLES_PER_RANK; k++)
        samples[k] = local ? ids[(uint64_t)k * local / SAMPLES_PER_RANK] : UINT64_MAX;
    sf_dist_allgather(samples, all_samples, SAMPLES_PER_RANK * sizeof *samples);
    uint64_t total_samples = (uint64_t)ranks * SAMPLES_PER_RANK;
    if (sf_sort_u64(all_samples, total_samples))
        goto done;
    uint64_t real = sf_lower_bound_u64(all_samples, total_samples, UINT64_MAX);
    for (int r = 1; r < ranks; r++)
        splitters[r] = real ? all_samples[(uint64_t)r * real / ranks] : UINT64_MAX;
    /* rank r takes ids in [splitters[r], splitters[r+1]) */
    splitters[0] = 0;
    uint64_t at = 0;
    for (int r = 0; r < ranks; r++) {
        uint64_t next = r + 1 < ranks ? sf_lower_bound_u64(ids + at, local - at, splitters[r + 1]) + at
                                      : local;
        send_counts[r] = next - at;
        at = next;
    }
    uint64_t got = sf_dist_alltoallv(ids, send_counts, sizeof *ids, (void **)&received,
                                     recv_counts);
    out->slice = malloc((got + 1) * sizeof *out->slice);
    if (!out->slice)
        goto done;
    memcpy(out->slice, received, got * sizeof *received);
    if (sf_sort_unique_u64(out->slice, got, &out->slice_len))
        goto done;
    out->slice_base = sf_dist_exscan_u64(out->slice_len);
    out->n = out->slice_len;
    sf_dist_sum_u64(&out->n, 1);

    /* answer every id received with its dense id, in the order it came */
    answers = malloc((got + 1) * sizeof *answers);
    if (!answers)
        goto done;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < got; i++)
        answers[i] = out->slice_base + sf_lower_bound_u64(out->slice, out->slice_len, received[i]);
    sf_dist_alltoallv(answers, recv_counts, sizeof *answers, (void **)&dense, send_counts);

    /* our arcs in dense ids (ids sent in ascending order, so the answers
     * line up with our sorted distinct ids) */
    if (out->n <= SF_MAX_VERTICES) {
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < m; i++) {
            uint64_t u, v;
            sf_edge_list_ends(part, narrow, i, &u, &v);
            src[i] = (sf_vid)dense[sf_lower_bound_u64(ids, local, u)];
            dst[i] = (sf_vid)dense[sf_lower_bound_u64(ids, local, v)];
        }
    }
    rc = 0;
done:
    free(ids);
    free(dense);
    free(answers);
    free(samples);
    free(all_samples);
    free(splitters);
    free(received);
    free(send_counts);
    free(recv_counts);
    return rc;
}

/* The original ids of the owned range, sent by the ranks whose slices
 * cover it; slices and owned ranges both ascend with the rank. */
static int distribute_ids(sf_dist_graph *g, const struct relabel *r)
{
    uint64_t *send_counts = calloc(g->ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(g->ranks, sizeof *recv_counts);
    if (!send_counts || !recv_counts) {
        free(send_counts);
        free(recv_counts);
        return -ENOMEM;
    }
    uint64_t first = r->slice_base, last = r->slice_base + r->slice_len;
    for (int q = 0; q < g->ranks; q++) {
        uint64_t a = g->owner_begin[q] > first ? g->owner_begin[q] : first;
        uint64_t b = g->owner_begin[q + 1] < last ? g->owner_begin[q + 1] : last;
        send_counts[q] = b > a ? b - a : 0;
    }
    sf_dist_alltoallv(r->slice, send_counts, sizeof(uint64_t), (void **)&g->owned_ids,
                      recv_counts);
    free(send_counts);
    free(recv_counts);
    return 0;
}

/* ---- routing and rows ------------------------------------------------ */

/* Sends the key row << 32 | col of every arc to the owner of its row, and,
 * when `both`, col << 32 | row to the owner of col. Self-loops are dropped
 * (counted in *self_loops). Returns the keys received in *keys, and when
 * `w` (the arcs' weights) is not NULL, their weights in *weights, key k's
 * at k. */
static uint64_t route(const sf_dist_graph *g, const sf_vid *row, const sf_vid *col,
                      const double *w, uint64_t m, bool both, uint64_t **keys, double **weights,
                      uint64_t *self_loops)
{
    int ranks = g->ranks, threads = omp_get_max_threads();
    uint64_t *counts = calloc((size_t)threads * ranks + 1, sizeof *counts);
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    if (!counts || !send_counts || !recv_counts)
        sf_dist_abort(1, "out of memory routing arcs");
    uint64_t loops = 0;
#pragma omp parallel num_threads(threads) reduction(+ : loops)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        uint64_t lo = m * t / nt, hi = m * (t + 1) / nt;
        uint64_t *mine = counts + (size_t)t * ranks;
        for (uint64_t i = lo; i < hi; i++) {
            if (row[i] == col[i]) {
                loops++;
                continue;
            }
            mine[sf_dist_graph_owner(g, row[i])]++;
            if (both)
                mine[sf_dist_graph_owner(g, col[i])]++;
        }
#pragma omp barrier
#pragma omp single
        {
            /* offsets: rank-major, thread-minor, so each rank's keys are
             * contiguous in the send buffer */
            uint64_t sum = 0;
            for (int r = 0; r < ranks; r++) {
                uint64_t start = sum;
                for (int u = 0; u < nt; u++) {
                    uint64_t c = counts[(size_t)u * ranks + r];
                    counts[(size_t)u * ranks + r] = sum;
                    sum += c;
                }
                send_counts[r] = sum - start;
            }
        }
    }
    uint64_t total = 0;
    for (int r = 0; r < ranks; r++)
        total += send_counts[r];
    uint64_t *send = malloc((total + 1) * sizeof *send);
    double *send_w = w ? malloc((total + 1) * sizeof *send_w) : NULL;
    if (!send || (w && !send_w))
        sf_dist_abort(1, "out of memory routing arcs");
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        uint64_t lo = m * t / nt, hi = m * (t + 1) / nt;
        uint64_t *at = counts + (size_t)t * ranks;
        for (uint64_t i = lo; i < hi; i++) {
            if (row[i] == col[i])
                continue;
            uint64_t k = at[sf_dist_graph_owner(g, row[i])]++;
            send[k] = (uint64_t)row[i] << 32 | col[i];
            if (w)
                send_w[k] = w[i];
            if (both) {
                k = at[sf_dist_graph_owner(g, col[i])]++;
                send[k] = (uint64_t)col[i] << 32 | row[i];
                if (w)
                    send_w[k] = w[i];
            }
        }
    }
    free(counts);
    uint64_t got = sf_dist_alltoallv(send, send_counts, sizeof *send, (void **)keys, recv_counts);
    if (w)
        sf_dist_alltoallv(send_w, send_counts, sizeof *send_w, (void **)weights, recv_counts);
    free(send);
    free(send_w);
    free(send_counts);
    free(recv_counts);
    *self_loops = loops;
    return got;
}

/* One stable LSD radix pass of n keys of `type` by the byte at `shift`,
 * from `from` into `to`; then the two are swapped, so `from` holds the
 * keys sorted so far. */
#define RADIX_PASS(type, from, to, n, shift)                                                       \
    do {                                                                                           \
        uint64_t count_[256] = {0}, sum_ = 0;                                                      \
        for (uint64_t i_ = 0; i_ < (n); i_++)                                                      \
            count_[((from)[i_] >> (shift)) & 0xff]++;                                              \
        for (unsigned d_ = 0; d_ < 256; d_++) {                                                    \
            uint64_t c_ = count_[d_];                                                              \
            count_[d_] = sum_;                                                                     \
            sum_ += c_;                                                                            \
        }                                                                                          \
        for (uint64_t i_ = 0; i_ < (n); i_++)                                                      \
            (to)[count_[((from)[i_] >> (shift)) & 0xff]++] = (from)[i_];                           \
        type *t_ = (from);                                                                         \
        (from) = (to);                                                                             \
        (to) = t_;                                                                                 \
    } while (0)

/* Sorts a row ascending: insertion sort when short, else LSD radix by
 * bytes (skipping the bytes above the largest id) through `scratch`. */
static void sort_row(sf_vid *a, uint64_t n, sf_vid *scratch)
{
    if (n < 64) {
        for (uint64_t i = 1; i < n; i++) {
            sf_vid key = a[i];
            uint64_t j = i;
            while (j > 0 && a[j - 1] > key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = key;
        }
        return;
    }
    sf_vid max = 0;
    for (uint64_t i = 0; i < n; i++)
        max |= a[i];
    sf_vid *from = a, *to = scratch;
    for (unsigned shift = 0; shift < 32 && (max >> shift); shift += 8)
        RADIX_PASS(sf_vid, from, to, n, shift);
    if (from != a)
        memcpy(a, from, n * sizeof *a);
}

/* Room for sorting a weighted row of up to `longest` arcs. */
struct weighted_scratch {
    uint64_t *keys, *spare;
    double *weights;
};

static bool weighted_scratch_init(struct weighted_scratch *s, uint64_t longest)
{
    s->keys = malloc((longest + 1) * sizeof *s->keys);
    s->spare = malloc((longest + 1) * sizeof *s->spare);
    s->weights = malloc((longest + 1) * sizeof *s->weights);
    return s->keys && s->spare && s->weights;
}

static void weighted_scratch_fini(struct weighted_scratch *s)
{
    free(s->keys);
    free(s->spare);
    free(s->weights);
}

/* Sorts a weighted row by column and drops repeated columns, keeping the
 * smallest weight as the single-process builder does. Returns the length
 * kept. The keys col << 32 | position go through an LSD radix sort by the
 * column's bytes (stable), then the weights follow their positions. */
static uint64_t sort_weighted_row(sf_vid *col, double *w, uint64_t n, struct weighted_scratch *s)
{
    sf_vid max = 0;
    for (uint64_t i = 0; i < n; i++) {
        s->keys[i] = (uint64_t)col[i] << 32 | i;
        max |= col[i];
    }
    uint64_t *from = s->keys, *to = s->spare;
    for (unsigned shift = 32; shift < 64 && ((uint64_t)max << 32 >> shift); shift += 8)
        RADIX_PASS(uint64_t, from, to, n, shift);
    memcpy(s->weights, w, n * sizeof *w);
    uint64_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        sf_vid c = (sf_vid)(from[i] >> 32);
        double weight = s->weights[(uint32_t)from[i]];
        if (k > 0 && col[k - 1] == c) {
            w[k - 1] = weight < w[k - 1] ? weight : w[k - 1];
        } else {
            col[k] = c;
            w[k++] = weight;
        }
    }
    return k;
}

/* Rows [begin, end) from keys (row << 32 | col), each sorted ascending with
 * repeats dropped. Frees keys. *rows gets end - begin + 1 offsets and
 * *nbrs the neighbours; returns the arcs kept and adds repeats to *dups.
 * With `key_weights` (key k's weight at k; freed too), *weights gets the
 * kept arcs' weights, the smallest of each repeated arc. */
static int build_rows(uint64_t *keys, double *key_weights, uint64_t n, sf_vid begin, sf_vid end,
                      sf_eid **rows, sf_vid **nbrs, double **weights, uint64_t *arcs,
                      uint64_t *dups)
{
    uint64_t num_rows = (uint64_t)end - begin;
    sf_eid *at = calloc(num_rows + 1, sizeof *at), *kept = calloc(num_rows + 1, sizeof *kept);
    sf_vid *raw = malloc((n + 1) * sizeof *raw), *out = NULL;
    double *raw_w = key_weights ? malloc((n + 1) * sizeof *raw_w) : NULL, *out_w = NULL;
    if (!at || !kept || !raw || (key_weights && !raw_w))
        goto oom;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < n; i++)
        __atomic_fetch_add(&at[(keys[i] >> 32) - begin], 1, __ATOMIC_RELAXED);
    sf_exclusive_scan_u64(at, num_rows + 1);
    /* scatter: `kept` serves as the cursor, then as the deduplicated degree */
    memcpy(kept, at, (num_rows + 1) * sizeof *kept);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < n; i++) {
        uint64_t pos = __atomic_fetch_add(&kept[(keys[i] >> 32) - begin], 1, __ATOMIC_RELAXED);
        raw[pos] = (sf_vid)keys[i];
        if (raw_w)
            raw_w[pos] = key_weights[i];
    }
    free(keys);
    free(key_weights);
    keys = NULL;
    key_weights = NULL;
    uint64_t longest = 0;
    for (uint64_t r = 0; r < num_rows; r++)
        longest = at[r + 1] - at[r] > longest ? at[r + 1] - at[r] : longest;
    int failed = 0;
#pragma omp parallel reduction(| : failed)
    {
        sf_vid *scratch = malloc((longest + 1) * sizeof *scratch);
        struct weighted_scratch pairs = {0};
        failed = !scratch || (raw_w && !weighted_scratch_init(&pairs, longest));
#pragma omp for schedule(dynamic, 1024)
        for (uint64_t r = 0; r < num_rows; r++) {
            sf_vid *row = raw + at[r];
            uint64_t len = at[r + 1] - at[r], k = 0;
            if (failed) {
                /* reported after the loop */
            } else if (raw_w) {
                k = sort_weighted_row(row, raw_w + at[r], len, &pairs);
            } else {
                sort_row(row, len, scratch);
                for (uint64_t i = 0; i < len; i++)
                    if (k == 0 || row[i] != row[k - 1])
                        row[k++] = row[i];
            }
            kept[r] = k;
        }
        free(scratch);
        weighted_scratch_fini(&pairs);
    }
    if (failed)
        goto oom;
    kept[num_rows] = 0;
    uint64_t total = sf_exclusive_scan_u64(kept, num_rows + 1);
    out = malloc((total + 1) * sizeof *out);
    out_w = raw_w ? malloc((total + 1) * sizeof *out_w) : NULL;
    if (!out || (raw_w && !out_w))
        goto oom;
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t r = 0; r < num_rows; r++) {
        memcpy(out + kept[r], raw + at[r], (kept[r + 1] - kept[r]) * sizeof *out);
        if (out_w)
            memcpy(out_w + kept[r], raw_w + at[r], (kept[r + 1] - kept[r]) * sizeof *out_w);
    }
    free(raw);
    free(raw_w);
    free(at);
    *rows = kept;
    *nbrs = out;
    if (weights)
        *weights = out_w;
    *arcs = total;
    *dups += n - total;
    return 0;
oom:
    free(keys);
    free(key_weights);
    free(at);
    free(kept);
    free(raw);
    free(raw_w);
    free(out);
    return -ENOMEM;
}

/* ---- degree order inside each rank -------------------------------------- */

static sf_dist_mirrors *build_mirrors(sf_dist_graph *g, bool all);

/* Rows permuted: new row pos[i] is old row i, its ids renamed, sorted (with
 * their weights, when *weights is not NULL). */
static int permute_rows(sf_eid **rows, sf_vid **nbrs, double **weights, uint64_t num_rows,
                        const uint32_t *pos, const sf_vid *renamed)
{
    sf_eid *old_rows = *rows, *new_rows = calloc(num_rows + 1, sizeof *new_rows);
    sf_vid *old_nbrs = *nbrs, *new_nbrs = malloc((old_rows[num_rows] + 1) * sizeof *new_nbrs);
    double *old_w = *weights, *new_w = old_w ? malloc((old_rows[num_rows] + 1) * sizeof *new_w)
                                             : NULL;
    if (!new_rows || !new_nbrs || (old_w && !new_w)) {
        free(new_rows);
        free(new_nbrs);
        free(new_w);
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < num_rows; i++)
        new_rows[pos[i]] = old_rows[i + 1] - old_rows[i];
    sf_exclusive_scan_u64(new_rows, num_rows + 1);
    uint64_t longest = 0;
    for (uint64_t i = 0; i < num_rows; i++)
        longest = old_rows[i + 1] - old_rows[i] > longest ? old_rows[i + 1] - old_rows[i] : longest;
    int failed = 0;
#pragma omp parallel reduction(| : failed)
    {
        sf_vid *scratch = malloc((longest + 1) * sizeof *scratch);
        struct weighted_scratch pairs = {0};
        failed = !scratch || (old_w && !weighted_scratch_init(&pairs, longest));
#pragma omp for schedule(dynamic, 1024)
        for (uint64_t i = 0; i < num_rows; i++) {
            sf_vid *row = new_nbrs + new_rows[pos[i]];
            uint64_t len = old_rows[i + 1] - old_rows[i];
            for (uint64_t k = 0; k < len; k++)
                row[k] = renamed[old_nbrs[old_rows[i] + k]];
            if (failed) {
                /* reported after the loop */
            } else if (old_w) {
                double *w = new_w + new_rows[pos[i]];
                memcpy(w, old_w + old_rows[i], len * sizeof *w);
                sort_weighted_row(row, w, len, &pairs); /* no repeats left to drop */
            } else {
                sort_row(row, len, scratch);
            }
        }
        free(scratch);
        weighted_scratch_fini(&pairs);
    }
    if (failed) {
        free(new_rows);
        free(new_nbrs);
        free(new_w);
        return -ENOMEM;
    }
    free(old_rows);
    free(old_nbrs);
    free(old_w);
    *rows = new_rows;
    *nbrs = new_nbrs;
    *weights = new_w;
    return 0;
}

/* Hands out the owned ids by descending degree (in + out), ties by original
 * order, as sf_order_by_degree does for a single process. The new ids of
 * remote neighbours come from their owners through the boundary exchange;
 * the mirrors keep their pairing (position k of a sender's list is
 * position k of the receiver's) and are renamed in place. */
static int order_by_degree(sf_dist_graph *g, sf_vid **in_nbrs, sf_vid **out_nbrs,
                           double **in_w, double **out_w)
{
    uint64_t n = (uint64_t)g->end - g->begin, total = g->view.num_vertices;
    bool directed = g->out_rows != NULL;
    uint32_t *degree = malloc((n + 1) * sizeof *degree), *pos = NULL;
    sf_vid *renamed = malloc((total + 1) * sizeof *renamed);
    if (!degree || !renamed)
        goto oom;
    for (uint64_t i = 0; i < n; i++)
        degree[i] = (uint32_t)(g->in_rows[i + 1] - g->in_rows[i] +
                               (directed ? g->out_rows[i + 1] - g->out_rows[i] : 0));
    if (sf_order_by_degree(n, degree, &pos))
        goto oom;
    free(degree);
    degree = NULL;
    for (uint64_t i = 0; i < n; i++)
        renamed[g->begin + i] = (sf_vid)(g->begin + pos[i]);
    sf_dist_mirrors *m = build_mirrors(g, true);
    sf_dist_mirrors_sync(m, renamed, sizeof *renamed);
    for (uint64_t k = 0; k < m->send_at[m->num_peers]; k++)
        m->send_ids[k] = renamed[m->send_ids[k]];
    for (uint64_t k = 0; k < m->recv_at[m->num_peers]; k++)
        m->recv_ids[k] = renamed[m->recv_ids[k]];
    g->mirrors[SF_MIRRORS_ALL] = m;
    if (permute_rows(&g->in_rows, in_nbrs, in_w, n, pos, renamed))
        goto oom;
    if (directed && permute_rows(&g->out_rows, out_nbrs, out_w, n, pos, renamed))
        goto oom;
    /* ids: by dense id, and in original order */
    uint64_t *owned = malloc((n + 1) * sizeof *owned);
    g->by_original = malloc((n + 1) * sizeof *g->by_original);
    if (!owned || !g->by_original)
        goto oom;
    for (uint64_t i = 0; i < n; i++) {
        owned[pos[i]] = g->owned_ids ? g->owned_ids[i] : g->begin + i;
        g->by_original[i] = (sf_vid)(g->begin + pos[i]);
    }
    g->sorted_ids = g->owned_ids; /* they were in original order */
    g->owned_ids = owned;
    free(pos);
    free(renamed);
    return 0;
oom:
    free(degree);
    free(pos);
    free(renamed);
    return -ENOMEM;
}

/* ---- the build -------------------------------------------------------- */

static void set_view(sf_dist_graph *g, bool directed, sf_vid *in_nbrs, sf_vid *out_nbrs,
                     double *in_w, double *out_w, uint64_t in_arcs)
{
    sf_graph *v = &g->view;
    v->directed = directed;
    v->weighted = in_w != NULL;
    v->in_weights = in_w;
    v->out_weights = out_w ? out_w : in_w;
    v->num_arcs = in_arcs;
    v->num_edges = directed ? g->num_arcs : g->num_arcs / 2;
    /* biased: row v of the owned range is rows[v - begin] */
    v->in_offsets = g->in_rows - g->begin;
    v->in_neighbors = in_nbrs;
    v->out_offsets = (g->out_rows ? g->out_rows : g->in_rows) - g->begin;
    v->out_neighbors = out_nbrs ? out_nbrs : in_nbrs;
    v->original_ids = g->owned_ids ? g->owned_ids - g->begin : NULL;
    v->sorted_ids = g->sorted_ids ? g->sorted_ids - g->begin : NULL;
    v->by_original = g->by_original ? g->by_original - g->begin : NULL;
}

int sf_dist_graph_build(sf_edge_list *part, const sf_dist_build_options *opt, const char *source,
                        sf_dist_graph **out, sf_error *err)
{
    int ranks = sf_dist_size(), rc = 0;
    sf_dist_graph *g = calloc(1, sizeof *g);
    sf_vid *src = malloc((part->count + 1) * sizeof *src);
    sf_vid *dst = malloc((part->count + 1) * sizeof *dst);
    struct relabel names = {0};
    uint64_t *keys = NULL;
    if (!g || !src || !dst || !(g->owner_begin = calloc(ranks + 1, sizeof *g->owner_begin)))
        sf_dist_abort(1, "out of memory building the graph");
    g->rank = sf_dist_rank();
    g->ranks = ranks;
    bool undirected = opt->undirected;
    uint64_t m = part->count;

    /* every rank must agree on how ids are given */
    uint64_t dense[2] = {part->dense_vertices, part->dense_vertices};
    sf_dist_min_u64(&dense[0], 1);
    sf_dist_max_u64(&dense[1], 1);
    if (dense[0] != dense[1])
        sf_dist_abort(2, "ranks were given parts of different kinds of input");
    uint64_t n;
    if (dense[0]) {
        n = dense[0];
        if (n <= SF_MAX_VERTICES) {
            bool narrow = part->narrow;
#pragma omp parallel for schedule(static)
            for (uint64_t i = 0; i < m; i++) {
                uint64_t u, v;
                sf_edge_list_ends(part, narrow, i, &u, &v);
                src[i] = (sf_vid)u;
                dst[i] = (sf_vid)v;
            }
        }
    } else {
        if (relabel(part, src, dst, &names, ranks))
            sf_dist_abort(1, "out of memory relabelling vertex ids");
        n = names.n;
        sf_trace_phase("relabel");
    }
    /* weights: every rank's arcs have them, or none do */
    double *weight = part->weight;
    part->weight = NULL;
    uint64_t weighted[2] = {weight != NULL || m == 0, weight != NULL};
    sf_dist_min_u64(&weighted[0], 1);
    sf_dist_max_u64(&weighted[1], 1);
    if (weighted[1] && !weighted[0])
        sf_dist_abort(2, "ranks were given parts with and without weights");
    if (weighted[1] && !weight && !(weight = malloc(sizeof *weight)))
        sf_dist_abort(1, "out of memory building the graph");
    sf_edge_list_fini(part);
    if (n > SF_MAX_VERTICES) {
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: more than %llu distinct vertices; shardflow's dense ids are 32-bit",
                          source, (unsigned long long)SF_MAX_VERTICES);
        goto fail;
    }
    /* the shares of the ranks on this node, 12 bytes a vertex at least (as
     * in one process, sf_graph_build): refused by every rank when one
     * node's memory cannot hold them, since a binary list's largest id can
     * ask for more */
    uint64_t need = n / ranks * (uint64_t)sf_dist_local_size() * 12, memory = sf_physical_memory();
    sf_dist_max_u64(&need, 1); /* the most any node's ranks need, against the least memory */
    sf_dist_min_u64(&memory, 1);
    if (need > memory) {
        char words[128];
        sf_memory_words((double)need, (double)memory, words, sizeof words);
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: %llu vertices: the ranks of a node need %s for their shares of them",
                          source, (unsigned long long)n, words);
        goto fail;
    }
    g->view.num_vertices = (sf_vid)n;
    if (cut_ranges(g, src, dst, m, undirected, n))
        sf_dist_abort(1, "out of memory cutting the graph");
    g->begin = g->owner_begin[g->rank];
    g->end = g->owner_begin[g->rank + 1];
    if (!dense[0]) {
        if (distribute_ids(g, &names))
            sf_dist_abort(1, "out of memory distributing vertex ids");
        free(names.slice);
        names.slice = NULL;
    }
    sf_trace_phase("cut");

    /* in-arcs: (dst, src) to the owner of dst; undirected, both ways */
    uint64_t loops = 0, dups = 0, in_arcs = 0, out_arcs = 0;
    double *key_w = NULL, *in_w = NULL, *out_w = NULL;
    uint64_t got = route(g, dst, src, weight, m, undirected, &keys, &key_w, &loops);
    sf_trace_phase("route");
    sf_vid *in_nbrs = NULL, *out_nbrs = NULL;
    if (build_rows(keys, key_w, got, g->begin, g->end, &g->in_rows, &in_nbrs, &in_w, &in_arcs,
                   &dups))
        sf_dist_abort(1, "out of memory building rows");
    sf_trace_phase("rows");
    if (!undirected) {
        /* out-arcs: (src, dst) to the owner of src */
        uint64_t more_loops;
        got = route(g, src, dst, weight, m, false, &keys, &key_w, &more_loops);
        sf_trace_phase("route");
        uint64_t out_dups = 0;
        if (build_rows(keys, key_w, got, g->begin, g->end, &g->out_rows, &out_nbrs, &out_w,
                       &out_arcs, &out_dups))
            sf_dist_abort(1, "out of memory building rows");
        sf_trace_phase("rows");
    }
    free(src);
    free(dst);
    free(weight);
    src = dst = NULL;
    weight = NULL;
    if (sf_env_choice(&sf_dist_order) != SF_DIST_ORIGINAL_ORDER) {
        /* set_view first: the mirrors read the rows through the view */
        set_view(g, !undirected, in_nbrs, out_nbrs, in_w, out_w, in_arcs);
        if (order_by_degree(g, &in_nbrs, &out_nbrs, &in_w, &out_w))
            sf_dist_abort(1, "out of memory ordering vertices by degree");
        sf_trace_phase("order");
    }
    g->num_arcs = in_arcs;
    sf_dist_sum_u64(&g->num_arcs, 1);
    set_view(g, !undirected, in_nbrs, out_nbrs, in_w, out_w, in_arcs);
    uint64_t dropped[2] = {loops, dups};
    sf_dist_sum_u64(dropped, 2);
    g->view.dropped_self_loops = dropped[0];
    g->view.dropped_duplicates = undirected ? dropped[1] / 2 : dropped[1];
    *out = g;
    return 0;
fail:
    free(src);
    free(dst);
    free(weight);
    free(names.slice);
    sf_dist_graph_destroy(&g);
    return rc;
}

void sf_dist_graph_destroy(sf_dist_graph **gp)
{
    sf_dist_graph *g = *gp;
    if (!g)
        return;
    for (int k = 0; k < 2; k++) {
        sf_dist_mirrors *m = g->mirrors[k];
        if (!m || (k == 1 && m == g->mirrors[0]))
            continue;
        free(m->peer);
        free(m->send_at);
        free(m->recv_at);
        free(m->send_ids);
        free(m->recv_ids);
        free(m->send_buf);
        free(m->recv_buf);
        free(m->recv_index);
        free(m->unpacked);
        sf_dist_round_destroy(&m->round);
        free(m);
    }
    if (g->view.out_neighbors != g->view.in_neighbors)
        free(g->view.out_neighbors);
    free(g->view.in_neighbors);
    if (g->view.out_weights != g->view.in_weights)
        free(g->view.out_weights);
    free(g->view.in_weights);
    free(g->in_rows);
    free(g->out_rows);
    free(g->owned_ids);
    free(g->sorted_ids);
    free(g->by_original);
    free(g->owner_begin);
    free(g);
    *gp = NULL;
}

sf_vid sf_dist_graph_find_vertex(const sf_dist_graph *g, uint64_t original_id)
{
    uint64_t found = UINT64_MAX;
    if (g->sorted_ids) {
        uint64_t k = sf_lower_bound_u64(g->sorted_ids, (uint64_t)g->end - g->begin, original_id);
        if (k < (uint64_t)g->end - g->begin && g->sorted_ids[k] == original_id)
            found = sf_dist_graph_by_original(g, g->begin + k);
    } else if (original_id >= g->begin && original_id < g->end) {
        found = sf_dist_graph_by_original(g, original_id);
    }
    sf_dist_min_u64(&found, 1);
    return found == UINT64_MAX ? SF_VID_NONE : (sf_vid)found;
}

/* The owners answer for the ranks that are theirs: the requests, sorted and
 * distinct, go to their owners in one all-to-all, the answers come back in
 * the same order in a second. */
void sf_dist_graph_ids_of_ranks(const sf_dist_graph *g, uint64_t *values, uint64_t n)
{
    int ranks = g->ranks;
    uint64_t remote = 0;
    for (uint64_t i = 0; i < n; i++)
        remote += !sf_dist_graph_owns(g, (sf_vid)values[i]);
    uint64_t *asked = malloc((remote + 1) * sizeof *asked);
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    if (!asked || !send_counts || !recv_counts)
        sf_dist_abort(1, "out of memory translating labels");
    remote = 0;
    for (uint64_t i = 0; i < n; i++)
        if (!sf_dist_graph_owns(g, (sf_vid)values[i]))
            asked[remote++] = values[i];
    if (sf_sort_unique_u64(asked, remote, &remote))
        sf_dist_abort(1, "out of memory translating labels");
    /* sorted ranks: each owner's requests are contiguous, in rank order */
    for (uint64_t i = 0; i < remote; i++)
        send_counts[sf_dist_graph_owner(g, (sf_vid)asked[i])]++;
    uint64_t *requests, *answers;
    uint64_t got = sf_dist_alltoallv(asked, send_counts, sizeof *asked, (void **)&requests,
                                     recv_counts);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < got; i++)
        requests[i] = sf_dist_graph_sorted_id(g, requests[i]);
    sf_dist_alltoallv(requests, recv_counts, sizeof *requests, (void **)&answers, send_counts);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < n; i++)
        values[i] = sf_dist_graph_owns(g, (sf_vid)values[i])
                        ? sf_dist_graph_sorted_id(g, values[i])
                        : answers[sf_lower_bound_u64(asked, remote, values[i])];
    free(answers);
    free(requests);
    free(asked);
    free(send_counts);
    free(recv_counts);
}

/* ---- mirrors ---------------------------------------------------------- */

/* Marks in `seen` (a bitmap over all ids) every neighbour of an owned
 * vertex, in rows `rows`/`nbrs`, that another rank owns. */
static void mark_remote(const sf_dist_graph *g, const sf_eid *rows, const sf_vid *nbrs,
                        uint64_t *seen)
{
    uint64_t num_rows = (uint64_t)g->end - g->begin;
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t r = 0; r < num_rows; r++)
        for (sf_eid e = rows[r]; e < rows[r + 1]; e++) {
            sf_vid u = nbrs[e];
            uint64_t bit = 1ull << (u & 63);
            if (!sf_dist_graph_owns(g, u) && !(__atomic_load_n(&seen[u >> 6], __ATOMIC_RELAXED) & bit))
                __atomic_fetch_or(&seen[u >> 6], bit, __ATOMIC_RELAXED);
        }
}

static sf_dist_mirrors *build_mirrors(sf_dist_graph *g, bool all)
{
    int ranks = g->ranks;
    uint64_t n = g->view.num_vertices, words = (n + 63) / 64;
    sf_dist_mirrors *m = calloc(1, sizeof *m);
    uint64_t *seen = calloc(words + 1, sizeof *seen);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint8_t *boundary = NULL;
    if (!m || !seen || !recv_counts || !send_counts)
        sf_dist_abort(1, "out of memory building mirrors");
    mark_remote(g, g->in_rows, g->view.in_neighbors, seen);
    if (all && g->view.directed)
        mark_remote(g, g->out_rows, g->view.out_neighbors, seen);
    uint64_t count = 0;
    for (uint64_t w = 0; w < words; w++)
        count += (uint64_t)__builtin_popcountll(seen[w]);
    m->recv_ids = malloc((count + 1) * sizeof *m->recv_ids);
    if (!m->recv_ids)
        sf_dist_abort(1, "out of memory building mirrors");
    uint64_t k = 0;
    for (uint64_t w = 0; w < words; w++)
        for (uint64_t bits = seen[w]; bits; bits &= bits - 1)
            m->recv_ids[k++] = (sf_vid)(w * 64 + (uint64_t)__builtin_ctzll(bits));
    free(seen);
    /* ids ascend and owners' ranges ascend: count per owner in one pass */
    for (uint64_t i = 0; i < count; i++)
        recv_counts[sf_dist_graph_owner(g, m->recv_ids[i])]++;
    sf_vid *asked;
    uint64_t asked_total = sf_dist_alltoallv(m->recv_ids, recv_counts, sizeof(sf_vid),
                                             (void **)&asked, send_counts);
    m->send_ids = asked;
    m->peer = malloc((size_t)ranks * sizeof *m->peer);
    m->send_at = calloc(ranks + 1, sizeof *m->send_at);
    m->recv_at = calloc(ranks + 1, sizeof *m->recv_at);
    boundary = calloc((uint64_t)g->end - g->begin + 1, 1);
    if (!m->peer || !m->send_at || !m->recv_at || !boundary)
        sf_dist_abort(1, "out of memory building mirrors");
    /* peers: ranks we send to or receive from; the lists stay in rank order */
    uint64_t send_at = 0, recv_at = 0;
    for (int r = 0; r < ranks; r++) {
        if (send_counts[r] || recv_counts[r]) {
            int i = m->num_peers++;
            m->peer[i] = r;
            m->send_at[i] = send_at;
            m->recv_at[i] = recv_at;
        }
        send_at += send_counts[r];
        recv_at += recv_counts[r];
    }
    m->send_at[m->num_peers] = send_at;
    m->recv_at[m->num_peers] = recv_at;
    for (uint64_t i = 0; i < asked_total; i++) {
        if (!sf_dist_graph_owns(g, asked[i]))
            sf_dist_abort(1, "a rank asked for a vertex this rank does not own");
        boundary[asked[i] - g->begin] = 1;
    }
    for (uint64_t v = 0; v < (uint64_t)g->end - g->begin; v++)
        m->boundary += boundary[v];
    free(boundary);
    m->send_buf = malloc((send_at + 1) * 8);
    m->recv_buf = malloc((recv_at + 1) * 8);
    if (!m->send_buf || !m->recv_buf)
        sf_dist_abort(1, "out of memory building mirrors");
    m->round = sf_dist_round_create(m->num_peers);
    free(recv_counts);
    free(send_counts);
    return m;
}

sf_dist_mirrors *sf_dist_graph_mirrors(sf_dist_graph *g, sf_mirror_kind kind)
{
    if (!g->mirrors[kind]) {
        if (!g->view.directed && g->mirrors[!kind])
            g->mirrors[kind] = g->mirrors[!kind]; /* undirected: in = all */
        else
            g->mirrors[kind] = build_mirrors(g, kind == SF_MIRRORS_ALL);
    }
    return g->mirrors[kind];
}

/* Copies elements of `size` bytes: values[ids[k]] -> buf[k] (pack) or back
 * (unpack), in parallel when there are many. */
#define COPY_LOOP(T, pack)                                                     \
    do {                                                                       \
        T *vals = values, *b = (T *)buf;                                       \
        _Pragma("omp parallel for schedule(static) if (count > 65536)")       \
        for (uint64_t k = 0; k < count; k++) {                                 \
            if (pack)                                                          \
                b[k] = vals[ids[k]];                                           \
            else                                                               \
                vals[ids[k]] = b[k];                                           \
        }                                                                      \
    } while (0)

static void copy_values(void *values, char *buf, const sf_vid *ids, uint64_t count, size_t size,
                        bool pack)
{
    switch (size) {
    case 1: COPY_LOOP(uint8_t, pack); break;
    case 4: COPY_LOOP(uint32_t, pack); break;
    case 8: COPY_LOOP(uint64_t, pack); break;
    default: sf_dist_abort(1, "mirrors hold values of 1, 4 or 8 bytes");
    }
}

static void unpack_peer(sf_dist_mirrors *m, int i)
{
    size_t size = m->elem_size;
    copy_values(m->values, m->recv_buf + m->recv_at[i] * size, m->recv_ids + m->recv_at[i],
                m->recv_at[i + 1] - m->recv_at[i], size, false);
    m->unpacked[i] = true;
}

void sf_dist_mirrors_begin(sf_dist_mirrors *m, void *values, size_t elem_size)
{
    if (!m->recv_index) {
        m->recv_index = malloc(((size_t)m->num_peers + 1) * sizeof *m->recv_index);
        m->unpacked = malloc(((size_t)m->num_peers + 1) * sizeof *m->unpacked);
        if (!m->recv_index || !m->unpacked)
            sf_dist_abort(1, "out of memory exchanging boundary values");
    }
    m->values = values;
    m->elem_size = elem_size;
    copy_values(values, m->send_buf, m->send_ids, m->send_at[m->num_peers], elem_size, true);
    for (int i = 0; i < m->num_peers; i++) {
        uint64_t count = m->recv_at[i + 1] - m->recv_at[i];
        m->unpacked[i] = count == 0;
        m->recv_index[i] = count ? sf_dist_round_recv(m->round, m->peer[i],
                                                      m->recv_buf + m->recv_at[i] * elem_size,
                                                      count * elem_size)
                                 : -1;
    }
    for (int i = 0; i < m->num_peers; i++) {
        uint64_t count = m->send_at[i + 1] - m->send_at[i];
        if (count)
            sf_dist_round_send(m->round, m->peer[i], m->send_buf + m->send_at[i] * elem_size,
                               count * elem_size);
    }
}

void sf_dist_mirrors_wait_peer(sf_dist_mirrors *m, int peer)
{
    for (int i = 0; i < m->num_peers; i++)
        if (m->peer[i] == peer && !m->unpacked[i]) {
            sf_dist_round_wait(m->round, m->recv_index[i]);
            unpack_peer(m, i);
        }
}

void sf_dist_mirrors_end(sf_dist_mirrors *m)
{
    /* unpack each peer's values as they arrive, the others still in flight */
    for (int idx; (idx = sf_dist_round_wait_recv(m->round)) >= 0;)
        for (int i = 0; i < m->num_peers; i++)
            if (m->recv_index[i] == idx && !m->unpacked[i])
                unpack_peer(m, i);
    sf_dist_round_finish(m->round);
}

void sf_dist_mirrors_sync(sf_dist_mirrors *m, void *values, size_t elem_size)
{
    sf_dist_mirrors_begin(m, values, elem_size);
    sf_dist_mirrors_end(m);
}

/* ---- lower rows -------------------------------------------------------
 * Ghosts are found from the owned rows (their entries below begin), asked
 * of their owners with one all-to-all of ids; the owners answer with each
 * one's row length, then the rows (and flags) themselves, in the order
 * asked; each rank then renumbers what it holds to local ids. */

/* The end of the part of row [at, end) (ascending) below bound. */
static sf_eid row_below(const sf_vid *ids, sf_eid at, sf_eid end, sf_vid bound)
{
    return at + sf_lower_bound_vid(ids + at, end - at, bound);
}

/* Local id of a global id below the owned range: its index among the
 * ghosts, or SF_VID_NONE when it is none of them. */
static sf_vid ghost_local(const sf_vid *ghosts, sf_vid num_ghosts, sf_vid x)
{
    sf_vid at = (sf_vid)sf_lower_bound_vid(ghosts, num_ghosts, x);
    return at < num_ghosts && ghosts[at] == x ? at : SF_VID_NONE;
}

/* Ascending ids of the vertices below begin that some owned row holds. */
static sf_vid find_ghosts(const sf_dist_graph *g, const sf_eid *offsets, const sf_vid *ids,
                          sf_vid **ghosts)
{
    uint64_t words = ((uint64_t)g->begin + 63) / 64;
    uint64_t *seen = calloc(words + 1, sizeof *seen);
    if (!seen)
        sf_dist_abort(1, "out of memory finding ghost vertices");
#pragma omp parallel for schedule(dynamic, 1024)
    for (sf_vid v = g->begin; v < g->end; v++)
        for (sf_eid e = offsets[v]; e < offsets[v + 1] && ids[e] < g->begin; e++) {
            sf_vid u = ids[e];
            uint64_t bit = 1ull << (u & 63);
            if (!(__atomic_load_n(&seen[u >> 6], __ATOMIC_RELAXED) & bit))
                __atomic_fetch_or(&seen[u >> 6], bit, __ATOMIC_RELAXED);
        }
    uint64_t count = 0;
    for (uint64_t w = 0; w < words; w++)
        count += (uint64_t)__builtin_popcountll(seen[w]);
    *ghosts = malloc((count + 1) * sizeof **ghosts);
    if (!*ghosts)
        sf_dist_abort(1, "out of memory finding ghost vertices");
    uint64_t k = 0;
    for (uint64_t w = 0; w < words; w++)
        for (uint64_t bits = seen[w]; bits; bits &= bits - 1)
            (*ghosts)[k++] = (sf_vid)(w * 64 + (uint64_t)__builtin_ctzll(bits));
    free(seen);
    return (sf_vid)count;
}

void sf_dist_lower_rows_build(const sf_dist_graph *g, const sf_eid *offsets, const sf_vid *ids,
                              const uint8_t *flags, sf_dist_lower_rows *out)
{
    int ranks = g->ranks;
    memset(out, 0, sizeof *out);
    out->ranks = ranks;
    out->ghosts_per_rank = calloc(ranks, sizeof *out->ghosts_per_rank);
    out->asked_per_rank = calloc(ranks, sizeof *out->asked_per_rank);
    uint64_t *sent_entries = calloc(ranks, sizeof *sent_entries);
    uint64_t *got_entries = calloc(ranks, sizeof *got_entries);
    if (!out->ghosts_per_rank || !out->asked_per_rank || !sent_entries || !got_entries)
        sf_dist_abort(1, "out of memory fetching ghost rows");
    sf_vid G = out->num_ghosts = find_ghosts(g, offsets, ids, &out->ghost_ids);
    for (sf_vid i = 0; i < G; i++)
        out->ghosts_per_rank[sf_dist_graph_owner(g, out->ghost_ids[i])]++;

    /* the owners: each asked vertex's row below it, packed in the order asked */
    sf_vid *asked;
    uint64_t num_asked = sf_dist_alltoallv(out->ghost_ids, out->ghosts_per_rank, sizeof *asked,
                                           (void **)&asked, out->asked_per_rank);
    uint64_t *length = malloc((num_asked + 1) * sizeof *length);
    uint64_t *start = malloc((num_asked + 1) * sizeof *start);
    if (!length || !start)
        sf_dist_abort(1, "out of memory fetching ghost rows");
    for (uint64_t k = 0; k < num_asked; k++) {
        sf_vid a = asked[k];
        if (!sf_dist_graph_owns(g, a))
            sf_dist_abort(1, "a rank asked for a vertex this rank does not own");
        start[k] = length[k] = row_below(ids, offsets[a], offsets[a + 1], a) - offsets[a];
        asked[k] = G + (a - g->begin); /* from now on: its local id here */
    }
    uint64_t k = 0;
    for (int r = 0; r < ranks; r++)
        for (uint64_t i = 0; i < out->asked_per_rank[r]; i++)
            sent_entries[r] += length[k++];
    uint64_t packed = sf_exclusive_scan_u64(start, num_asked);
    sf_vid *send_ids = malloc((packed + 1) * sizeof *send_ids);
    uint8_t *send_flags = flags ? malloc(packed + 1) : NULL;
    if (!send_ids || (flags && !send_flags))
        sf_dist_abort(1, "out of memory fetching ghost rows");
#pragma omp parallel for schedule(dynamic, 256)
    for (uint64_t k = 0; k < num_asked; k++) {
        sf_eid from = offsets[asked[k] - G + g->begin];
        memcpy(send_ids + start[k], ids + from, length[k] * sizeof *send_ids);
        if (flags)
            memcpy(send_flags + start[k], flags + from, length[k]);
    }
    out->asked_local = asked;

    /* the askers: lengths, then rows, in ghost order */
    uint64_t *ghost_length, *ghost_start = malloc(((uint64_t)G + 1) * sizeof *ghost_start);
    sf_vid *ghost_rows;
    uint8_t *ghost_flags = NULL;
    sf_dist_alltoallv(length, out->asked_per_rank, sizeof *length, (void **)&ghost_length,
                      got_entries);
    sf_dist_alltoallv(send_ids, sent_entries, sizeof *send_ids, (void **)&ghost_rows, got_entries);
    if (flags)
        sf_dist_alltoallv(send_flags, sent_entries, 1, (void **)&ghost_flags, got_entries);
    free(length);
    free(start);
    free(send_ids);
    free(send_flags);
    if (!ghost_start)
        sf_dist_abort(1, "out of memory fetching ghost rows");
    memcpy(ghost_start, ghost_length, (uint64_t)G * sizeof *ghost_start);
    sf_exclusive_scan_u64(ghost_start, G);

    /* local rows: a ghost keeps the entries that are ghosts here; an owned
     * vertex's entries below it are all ghosts or owned */
    sf_vid n = out->num_local = G + (g->end - g->begin);
    sf_eid *off = out->offsets = malloc(((uint64_t)n + 1) * sizeof *off);
    if (!off)
        sf_dist_abort(1, "out of memory laying out ghost rows");
#pragma omp parallel for schedule(dynamic, 1024)
    for (sf_vid x = 0; x < n; x++) {
        sf_eid kept = 0;
        if (x < G) {
            for (uint64_t j = ghost_start[x]; j < ghost_start[x] + ghost_length[x]; j++)
                kept += ghost_local(out->ghost_ids, G, ghost_rows[j]) != SF_VID_NONE;
        } else {
            sf_vid v = g->begin + (x - G);
            kept = row_below(ids, offsets[v], offsets[v + 1], v) - offsets[v];
        }
        off[x] = kept;
    }
    sf_eid total = sf_exclusive_scan_u64(off, n);
    off[n] = total;
    out->ids = malloc((total + 1) * sizeof *out->ids);
    out->flags = flags ? malloc(total + 1) : NULL;
    if (!out->ids || (flags && !out->flags))
        sf_dist_abort(1, "out of memory laying out ghost rows");
    sf_eid widest = 0;
#pragma omp parallel for schedule(dynamic, 1024) reduction(max : widest)
    for (sf_vid x = 0; x < n; x++) {
        sf_eid k = off[x];
        if (x < G) {
            for (uint64_t j = ghost_start[x]; j < ghost_start[x] + ghost_length[x]; j++) {
                sf_vid local = ghost_local(out->ghost_ids, G, ghost_rows[j]);
                if (local == SF_VID_NONE)
                    continue;
                out->ids[k] = local;
                if (flags)
                    out->flags[k] = ghost_flags[j];
                k++;
            }
        } else {
            sf_vid v = g->begin + (x - G);
            for (sf_eid e = offsets[v]; e < offsets[v + 1] && ids[e] < v; e++, k++) {
                sf_vid u = ids[e];
                out->ids[k] = u >= g->begin ? G + (u - g->begin)
                                            : ghost_local(out->ghost_ids, G, u);
                if (flags)
                    out->flags[k] = flags[e];
            }
        }
        widest = k - off[x] > widest ? k - off[x] : widest;
    }
    out->widest = widest;
    free(ghost_length);
    free(ghost_start);
    free(ghost_rows);
    free(ghost_flags);
    free(sent_entries);
    free(got_entries);
}

void sf_dist_lower_rows_add_to_owners(const sf_dist_lower_rows *r, uint64_t *values)
{
    /* ghosts ascend and owners' ranges ascend: values[0, num_ghosts) is
     * already grouped by owner, in the order each owner was asked */
    uint64_t *got, *counts = malloc(((size_t)r->ranks + 1) * sizeof *counts);
    if (!counts)
        sf_dist_abort(1, "out of memory returning ghost values");
    uint64_t n = sf_dist_alltoallv(values, r->ghosts_per_rank, sizeof *values, (void **)&got,
                                   counts);
    for (uint64_t k = 0; k < n; k++)
        values[r->asked_local[k]] += got[k];
    free(got);
    free(counts);
}

void sf_dist_lower_rows_fini(sf_dist_lower_rows *r)
{
    free(r->ghost_ids);
    free(r->offsets);
    free(r->ids);
    free(r->flags);
    free(r->ghosts_per_rank);
    free(r->asked_per_rank);
    free(r->asked_local);
    memset(r, 0, sizeof *r);
}
