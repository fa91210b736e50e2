/* Building the CSR graph from an edge list, in parallel, by counting passes.
 *
 * The one idea: every array is produced by "count, prefix-sum, scatter"
 * rather than by sorting pairs. Original ids are relabelled to dense ids in
 * ascending order (a direct presence table when the ids are compact, a radix
 * sort of the distinct ids when they are sparse); arcs are scattered into
 * their source's row with atomic cursors; each row is then sorted on its own
 * (rows are short, and sorting them makes the layout independent of the
 * thread count) and duplicates dropped. In-arcs come from transposing the
 * out-arcs the same way. */
#include "graph.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

/* ---------- relabelling ---------- */

/* Compact ids: a table indexed by original id, when it costs no more than a
 * few words per endpoint. */
static bool ids_are_compact(uint64_t max_id, uint64_t endpoints)
{
    return max_id < UINT32_MAX && max_id + 1 <= 4 * endpoints + (1u << 20);
}

static int relabel_compact(const sf_edge_list *e, uint64_t max_id, uint32_t **dense_of,
                           uint64_t **original_ids, uint64_t *num_vertices)
{
    uint64_t range = max_id + 1;
    uint32_t *map = calloc(range, sizeof *map);
    if (!map)
        return -ENOMEM;
    /* Mark presence with 1; racing writers store the same value. */
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < e->count; i++) {
        map[e->src[i]] = 1;
        map[e->dst[i]] = 1;
    }
    for (uint64_t i = 0; i < e->num_vertex_ids; i++)
        map[e->vertex_ids[i]] = 1;
    uint64_t n = sf_exclusive_scan_u32(map, range);
    if (n > SF_MAX_VERTICES) {
        free(map);
        return -E2BIG;
    }
    uint64_t *orig = malloc((n ? n : 1) * sizeof *orig);
    if (!orig) {
        free(map);
        return -ENOMEM;
    }
    /* After the scan map[id] is the dense id of id when id is present, and
     * present ids are those whose successor's entry is one higher. */
#pragma omp parallel for schedule(static)
    for (uint64_t id = 0; id < range; id++) {
        uint32_t next = id + 1 < range ? map[id + 1] : (uint32_t)n;
        if (next != map[id])
            orig[map[id]] = id;
    }
    *dense_of = map;
    *original_ids = orig;
    *num_vertices = n;
    return 0;
}

/* LSD radix sort of 64-bit keys, 16 bits a pass, skipping passes where every
 * key has the same digit; buffers ping-pong and the result ends in keys. */
static int radix_sort_u64(uint64_t *keys, uint64_t count)
{
    uint64_t *tmp = malloc((count ? count : 1) * sizeof *tmp);
    uint64_t *hist = malloc(65536 * sizeof *hist);
    if (!tmp || !hist) {
        free(tmp);
        free(hist);
        return -ENOMEM;
    }
    uint64_t *from = keys, *to = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(hist, 0, 65536 * sizeof *hist);
        for (uint64_t i = 0; i < count; i++)
            hist[(from[i] >> shift) & 0xffff]++;
        if (count && hist[(from[0] >> shift) & 0xffff] == count)
            continue;
        uint64_t sum = 0;
        for (int d = 0; d < 65536; d++) {
            uint64_t c = hist[d];
            hist[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < count; i++)
            to[hist[(from[i] >> shift) & 0xffff]++] = from[i];
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
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (sf_vid)lo : SF_VID_NONE;
}

/* Sparse ids: sort the distinct ids, then binary-search each endpoint. */
static int relabel_sparse(const sf_edge_list *e, uint64_t **original_ids, uint64_t *num_vertices)
{
    uint64_t total = 2 * e->count + e->num_vertex_ids;
    uint64_t *ids = malloc((total ? total : 1) * sizeof *ids);
    if (!ids)
        return -ENOMEM;
    memcpy(ids, e->src, e->count * sizeof *ids);
    memcpy(ids + e->count, e->dst, e->count * sizeof *ids);
    if (e->num_vertex_ids)
        memcpy(ids + 2 * e->count, e->vertex_ids, e->num_vertex_ids * sizeof *ids);
    int rc = radix_sort_u64(ids, total);
    if (rc) {
        free(ids);
        return rc;
    }
    uint64_t n = 0;
    for (uint64_t i = 0; i < total; i++)
        if (n == 0 || ids[n - 1] != ids[i])
            ids[n++] = ids[i];
    if (n > SF_MAX_VERTICES) {
        free(ids);
        return -E2BIG;
    }
    uint64_t *shrunk = realloc(ids, (n ? n : 1) * sizeof *ids);
    *original_ids = shrunk ? shrunk : ids;
    *num_vertices = n;
    return 0;
}

/* ---------- rows ---------- */

static void sort_row(sf_vid *nbr, double *w, uint64_t len);

static inline void swap_entries(sf_vid *nbr, double *w, uint64_t i, uint64_t j)
{
    sf_vid t = nbr[i];
    nbr[i] = nbr[j];
    nbr[j] = t;
    if (w) {
        double tw = w[i];
        w[i] = w[j];
        w[j] = tw;
    }
}

static void insertion_sort_row(sf_vid *nbr, double *w, uint64_t len)
{
    for (uint64_t i = 1; i < len; i++) {
        sf_vid key = nbr[i];
        double kw = w ? w[i] : 0;
        uint64_t j = i;
        while (j > 0 && nbr[j - 1] > key) {
            nbr[j] = nbr[j - 1];
            if (w)
                w[j] = w[j - 1];
            j--;
        }
        nbr[j] = key;
        if (w)
            w[j] = kw;
    }
}

/* Quicksort on (neighbour, weight) rows; recursion on the smaller side keeps
 * the stack logarithmic. Ties in the neighbour are broken by nothing: rows
 * are deduplicated afterwards keeping the smallest weight. */
static void sort_row(sf_vid *nbr, double *w, uint64_t len)
{
    while (len > 24) {
        uint64_t mid = len / 2;
        if (nbr[mid] < nbr[0])
            swap_entries(nbr, w, mid, 0);
        if (nbr[len - 1] < nbr[0])
            swap_entries(nbr, w, len - 1, 0);
        if (nbr[len - 1] < nbr[mid])
            swap_entries(nbr, w, len - 1, mid);
        sf_vid pivot = nbr[mid];
        uint64_t i = 0, j = len - 1;
        for (;;) {
            while (nbr[i] < pivot)
                i++;
            while (nbr[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap_entries(nbr, w, i, j);
            i++;
            j--;
        }
        uint64_t left = j + 1;
        if (left < len - left) {
            sort_row(nbr, w, left);
            nbr += left;
            if (w)
                w += left;
            len -= left;
        } else {
            sort_row(nbr + left, w ? w + left : NULL, len - left);
            len = left;
        }
    }
    insertion_sort_row(nbr, w, len);
}

/* Sorts every row, drops duplicates (keeping the smallest weight) and
 * compacts into fresh arrays. Returns duplicates dropped via *dropped. */
static int finish_rows(sf_vid n, sf_eid **offsets, sf_vid **nbrs, double **weights, uint64_t *dropped)
{
    sf_eid *off = *offsets;
    sf_vid *nbr = *nbrs;
    double *w = *weights;
    sf_eid *kept = malloc(((uint64_t)n + 1) * sizeof *kept);
    if (!kept)
        return -ENOMEM;
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t v = 0; v < n; v++) {
        uint64_t len = off[v + 1] - off[v];
        sf_vid *row = nbr + off[v];
        double *rw = w ? w + off[v] : NULL;
        sort_row(row, rw, len);
        uint64_t out = 0;
        for (uint64_t i = 0; i < len; i++) {
            if (out && row[out - 1] == row[i]) {
                if (rw && rw[i] < rw[out - 1])
                    rw[out - 1] = rw[i];
                continue;
            }
            row[out] = row[i];
            if (rw)
                rw[out] = rw[i];
            out++;
        }
        kept[v] = out;
    }
    uint64_t total_before = off[n];
    uint64_t total = sf_exclusive_scan_u64(kept, n);
    kept[n] = total;
    *dropped = total_before - total;
    if (total == total_before) {
        free(kept);
        return 0;
    }
    sf_vid *packed = malloc((total ? total : 1) * sizeof *packed);
    double *packed_w = w ? malloc((total ? total : 1) * sizeof *packed_w) : NULL;
    if (!packed || (w && !packed_w)) {
        free(packed);
        free(packed_w);
        free(kept);
        return -ENOMEM;
    }
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t v = 0; v < n; v++) {
        uint64_t len = kept[v + 1] - kept[v];
        memcpy(packed + kept[v], nbr + off[v], len * sizeof *packed);
        if (w)
            memcpy(packed_w + kept[v], w + off[v], len * sizeof *packed_w);
    }
    free(off);
    free(nbr);
    free(w);
    *offsets = kept;
    *nbrs = packed;
    *weights = packed_w;
    return 0;
}

/* Offsets from per-vertex counts held in off[0..n): exclusive scan in place. */
static void counts_to_offsets(sf_eid *off, sf_vid n)
{
    off[n] = sf_exclusive_scan_u64(off, n);
}

/* Out-rows from dense arcs. Self-loops are skipped here and counted. */
static int build_out(sf_vid n, const uint32_t *src, const uint32_t *dst, const double *wt,
                     uint64_t m, bool symmetric, sf_graph *g)
{
    sf_eid *off = calloc((uint64_t)n + 1, sizeof *off);
    if (!off)
        return -ENOMEM;
    uint64_t loops = 0;
#pragma omp parallel for schedule(static) reduction(+ : loops)
    for (uint64_t i = 0; i < m; i++) {
        if (src[i] == dst[i]) {
            loops++;
            continue;
        }
        __atomic_fetch_add(&off[src[i]], 1, __ATOMIC_RELAXED);
        if (symmetric)
            __atomic_fetch_add(&off[dst[i]], 1, __ATOMIC_RELAXED);
    }
    counts_to_offsets(off, n);
    uint64_t arcs = off[n];
    sf_vid *nbr = malloc((arcs ? arcs : 1) * sizeof *nbr);
    double *w = wt ? malloc((arcs ? arcs : 1) * sizeof *w) : NULL;
    sf_eid *cursor = malloc(((uint64_t)n + 1) * sizeof *cursor);
    if (!nbr || (wt && !w) || !cursor) {
        free(off);
        free(nbr);
        free(w);
        free(cursor);
        return -ENOMEM;
    }
    memcpy(cursor, off, ((uint64_t)n + 1) * sizeof *cursor);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < m; i++) {
        uint32_t u = src[i], v = dst[i];
        if (u == v)
            continue;
        sf_eid at = __atomic_fetch_add(&cursor[u], 1, __ATOMIC_RELAXED);
        nbr[at] = v;
        if (w)
            w[at] = wt[i];
        if (symmetric) {
            at = __atomic_fetch_add(&cursor[v], 1, __ATOMIC_RELAXED);
            nbr[at] = u;
            if (w)
                w[at] = wt[i];
        }
    }
    free(cursor);
    g->dropped_self_loops = loops;
    int rc = finish_rows(n, &off, &nbr, &w, &g->dropped_duplicates);
    if (rc) {
        free(off);
        free(nbr);
        free(w);
        return rc;
    }
    if (symmetric) /* each duplicate edge was dropped in both directions */
        g->dropped_duplicates /= 2;
    g->out_offsets = off;
    g->out_neighbors = nbr;
    g->out_weights = w;
    g->num_arcs = off[n];
    return 0;
}

/* In-rows by transposing the (already simple) out-rows. */
static int build_in(sf_graph *g)
{
    sf_vid n = g->num_vertices;
    sf_eid *off = calloc((uint64_t)n + 1, sizeof *off);
    sf_vid *nbr = malloc((g->num_arcs ? g->num_arcs : 1) * sizeof *nbr);
    double *w = g->out_weights ? malloc((g->num_arcs ? g->num_arcs : 1) * sizeof *w) : NULL;
    sf_eid *cursor = malloc(((uint64_t)n + 1) * sizeof *cursor);
    if (!off || !nbr || (g->out_weights && !w) || !cursor)
        goto fail;
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < g->num_arcs; i++)
        __atomic_fetch_add(&off[g->out_neighbors[i]], 1, __ATOMIC_RELAXED);
    counts_to_offsets(off, n);
    memcpy(cursor, off, ((uint64_t)n + 1) * sizeof *cursor);
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t u = 0; u < n; u++) {
        for (sf_eid e = g->out_offsets[u]; e < g->out_offsets[u + 1]; e++) {
            sf_vid v = g->out_neighbors[e];
            sf_eid at = __atomic_fetch_add(&cursor[v], 1, __ATOMIC_RELAXED);
            nbr[at] = (sf_vid)u;
            if (w)
                w[at] = g->out_weights[e];
        }
    }
    free(cursor);
    cursor = NULL;
    uint64_t none;
    if (finish_rows(n, &off, &nbr, &w, &none))
        goto fail;
    g->in_offsets = off;
    g->in_neighbors = nbr;
    g->in_weights = w;
    return 0;
fail:
    free(off);
    free(nbr);
    free(w);
    free(cursor);
    return -ENOMEM;
}

int sf_graph_build(const sf_edge_list *e, const sf_build_options *opt, const char *source,
                   sf_graph **out, sf_error *err)
{
    int rc = -ENOMEM;
    uint32_t *src = NULL, *dst = NULL, *dense_of = NULL;
    sf_graph *g = calloc(1, sizeof *g);
    if (!g)
        goto fail;
    bool directed = !opt->undirected;
    g->directed = directed;
    g->weighted = e->weight != NULL;

    uint64_t n = e->dense_vertices;
    src = malloc((e->count ? e->count : 1) * sizeof *src);
    dst = malloc((e->count ? e->count : 1) * sizeof *dst);
    if (!src || !dst)
        goto fail;
    if (n) {
        if (n > SF_MAX_VERTICES)
            goto too_many;
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < e->count; i++) {
            src[i] = (uint32_t)e->src[i];
            dst[i] = (uint32_t)e->dst[i];
        }
    } else {
        uint64_t max_id = 0;
#pragma omp parallel for schedule(static) reduction(max : max_id)
        for (uint64_t i = 0; i < e->count; i++) {
            uint64_t a = e->src[i] > e->dst[i] ? e->src[i] : e->dst[i];
            if (a > max_id)
                max_id = a;
        }
        for (uint64_t i = 0; i < e->num_vertex_ids; i++)
            if (e->vertex_ids[i] > max_id)
                max_id = e->vertex_ids[i];
        if (e->count == 0 && e->num_vertex_ids == 0) {
            n = 0;
        } else if (ids_are_compact(max_id, 2 * e->count + e->num_vertex_ids)) {
            rc = relabel_compact(e, max_id, &dense_of, &g->original_ids, &n);
            if (rc == -E2BIG)
                goto too_many;
            if (rc)
                goto fail;
#pragma omp parallel for schedule(static)
            for (uint64_t i = 0; i < e->count; i++) {
                src[i] = dense_of[e->src[i]];
                dst[i] = dense_of[e->dst[i]];
            }
            free(dense_of);
            dense_of = NULL;
        } else {
            rc = relabel_sparse(e, &g->original_ids, &n);
            if (rc == -E2BIG)
                goto too_many;
            if (rc)
                goto fail;
#pragma omp parallel for schedule(static)
            for (uint64_t i = 0; i < e->count; i++) {
                src[i] = find_sorted(g->original_ids, n, e->src[i]);
                dst[i] = find_sorted(g->original_ids, n, e->dst[i]);
            }
        }
    }
    g->num_vertices = (sf_vid)n;
    rc = build_out(g->num_vertices, src, dst, e->weight, e->count, !directed, g);
    if (rc)
        goto fail;
    free(src);
    free(dst);
    src = dst = NULL;
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
    free(src);
    free(dst);
    free(dense_of);
    sf_graph_destroy(&g);
    return rc;
}

void sf_graph_destroy(sf_graph **gp)
{
    sf_graph *g = *gp;
    if (!g)
        return;
    if (g->in_offsets != g->out_offsets) {
        free(g->in_offsets);
        free(g->in_neighbors);
        free(g->in_weights);
    }
    free(g->out_offsets);
    free(g->out_neighbors);
    free(g->out_weights);
    free(g->original_ids);
    free(g);
    *gp = NULL;
}

sf_vid sf_graph_find_vertex(const sf_graph *g, uint64_t original_id)
{
    if (!g->original_ids)
        return original_id < g->num_vertices ? (sf_vid)original_id : SF_VID_NONE;
    return find_sorted(g->original_ids, g->num_vertices, original_id);
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
    return bytes;
}
