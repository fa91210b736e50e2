/* One distributed run, end to end. Every step that can fail on some ranks
 * only (a file a rank cannot read, a bad line in one rank's part) ends in
 * sf_dist_agree, so all ranks leave together with the first failing rank's
 * message, which rank 0 prints; a failure inside a kernel's collectives
 * cannot be agreed on and ends the job (sf_dist_abort). */
#define _GNU_SOURCE /* sched_getaffinity */
#include "bench/dist_jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datasets/generators.h"
#include "engine/dist.h"
#include "engine/dist_graph.h"
#include "engine/parallel.h"
#include "engine/record.h"
#include "io/binary_edges.h"
#include "io/gapbs.h"
#include "io/input.h"
#include "io/ldbc.h"
#include "io/mtx.h"
#include "io/reader.h"
#include "io/results.h"
#include "io/snapshot.h"
#include "io/text_edges.h"
#include "io/text_reader.h"
#include "operators/kernels.h"

/* ---- reading this rank's part ----------------------------------------- */

/* This rank's lines of a text edge list, parsed with the whole file's line
 * numbers, into 32-bit ids as one process parses them (the parser widens
 * the part at its first id of 2^32 or more; each rank's part has its own
 * width, and the build reads either). The first data line of the file
 * decides the column count, as in a single process: a part whose lines
 * disagree reports its first line. */
static int read_text_part(const char *path, bool need_weights, sf_edge_list *out, sf_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = sf_file_read_part(path, sf_dist_rank(), sf_dist_size(), &text, &len, err);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    uint64_t first_line = 1 + sf_dist_exscan_u64(sf_count_newlines(text, len));
    out->narrow = true;
    rc = sf_parse_text_edges_at(path, text, len, first_line, out, err);
    if ((rc = sf_dist_agree(rc, err))) {
        free(text);
        return rc;
    }
    int mine = sf_text_edge_columns(text, len), ranks = sf_dist_size();
    int *all = malloc((size_t)ranks * sizeof *all), decided = 0;
    if (!all)
        sf_dist_abort(1, "out of memory");
    sf_dist_allgather(&mine, all, sizeof mine);
    for (int r = 0; r < ranks && !decided; r++)
        decided = all[r];
    free(all);
    if (mine && mine != decided)
        rc = sf_error_set(err, SF_EINPUT, "%s:%llu: expected %d columns, found %d", path,
                          (unsigned long long)sf_edge_line_number(text, len, first_line, 0),
                          decided, mine);
    else if (need_weights && decided == 2)
        rc = sf_error_set(err, SF_EINPUT,
                          "%s: a .wel file needs 3 columns (src dst weight), found 2", path);
    free(text);
    return sf_dist_agree(rc, err);
}

/* An LDBC graph: this rank's part of NAME.e and of NAME.v, and the
 * directedness from NAME.properties (read whole: a few lines). */
static int read_ldbc_part(const char *path, sf_edge_list *out, sf_error *err)
{
    int rc = read_text_part(path, false, out, err);
    if (rc)
        return rc;
    bool oom;
    char *vpath = sf_ldbc_vertex_path(path, &oom);
    if ((rc = sf_dist_agree(oom ? sf_error_set(err, -ENOMEM, "%s: out of memory", path) : 0, err)))
        return rc;
    if (vpath) {
        char *text = NULL;
        size_t len = 0;
        rc = sf_file_read_part(vpath, sf_dist_rank(), sf_dist_size(), &text, &len, err);
        if ((rc = sf_dist_agree(rc, err)) == 0) {
            uint64_t first_line = 1 + sf_dist_exscan_u64(sf_count_newlines(text, len));
            free(out->vertex_ids);
            out->vertex_ids = NULL;
            rc = sf_ldbc_parse_vertex_ids(vpath, text, len, first_line, &out->vertex_ids,
                                          &out->num_vertex_ids, err);
            rc = sf_dist_agree(rc, err);
        }
        free(text);
        free(vpath);
        if (rc)
            return rc;
    }
    char directed[64];
    int found = sf_ldbc_property(path, "directed", directed, sizeof directed, err);
    rc = found < 0 ? found : 0;
    if (found > 0) {
        if (strcasecmp(directed, "true") == 0)
            out->declared_directed = 1;
        else if (strcasecmp(directed, "false") == 0)
            out->declared_directed = 0;
        else
            rc = sf_error_set(err, SF_EINPUT,
                              "%s: bad value '%s' for directed in .properties (expected true or "
                              "false)",
                              path, directed);
    }
    return sf_dist_agree(rc, err);
}

/* This rank's share of the records of a .bin or .wbin file: records
 * [m r / R, m (r + 1) / R), the last rank also taking a truncated tail so
 * that the error names it. Ids are dense already: the vertex count is
 * --vertices, or the largest id over all ranks + 1. */
static int read_binary_part(const char *path, bool weighted, uint64_t vertices,
                            sf_edge_list *out, sf_error *err)
{
    char probe;
    size_t probed = 0;
    uint64_t size = 0, record = weighted ? 12 : 8;
    int rc = sf_file_peek(path, &probe, &probed, &size, err);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    uint64_t m = size / record, r = (uint64_t)sf_dist_rank(), ranks = (uint64_t)sf_dist_size();
    uint64_t first = m * r / ranks * record;
    uint64_t last = r + 1 == ranks ? size : m * (r + 1) / ranks * record;
    char *bytes = malloc(last - first + 1);
    if (!bytes)
        rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    else if (last > first)
        rc = sf_file_read_into(path, first, bytes, last - first, err);
    if (rc == 0)
        rc = sf_parse_binary_edges_at(path, bytes, last - first, first, weighted, vertices, out,
                                      err);
    free(bytes);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    if (!vertices)
        sf_dist_max_u64(&out->dense_vertices, 1);
    return 0;
}

/* The rank whose snapshot rows hold dense id x: the last r with
 * first[r] <= x (first: ranks + 1 entries, first[r] = n r / R). */
static int snapshot_owner(const uint64_t *first, int ranks, uint64_t x)
{
    return (int)sf_lower_bound_u64(first, (uint64_t)ranks, x + 1) - 1;
}

/* Original ids of the neighbours in rows (the file's dense ids) that other
 * ranks' rows hold: each is asked of the rank that read its original id,
 * once. *remote gets those neighbours ascending, *remote_ids their
 * original ids; returns how many. Collective. */
static uint64_t ask_original_ids(const sf_snapshot_rows *rows, const uint64_t *first,
                                 sf_vid **remote, uint64_t **remote_ids)
{
    int ranks = sf_dist_size();
    uint64_t n = rows->header.num_vertices, words = (n + 63) / 64;
    uint64_t arcs = rows->offsets[rows->last - rows->first] - rows->offsets[0];
    uint64_t *seen = calloc(words + 1, sizeof *seen);
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    if (!seen || !send_counts || !recv_counts)
        sf_dist_abort(1, "out of memory reading a snapshot");
    for (uint64_t k = 0; k < arcs; k++) {
        sf_vid x = rows->neighbors[k];
        if (x < rows->first || x >= rows->last)
            seen[x >> 6] |= 1ull << (x & 63);
    }
    uint64_t count = 0;
    for (uint64_t w = 0; w < words; w++)
        count += (uint64_t)__builtin_popcountll(seen[w]);
    sf_vid *ids = malloc((count + 1) * sizeof *ids);
    if (!ids)
        sf_dist_abort(1, "out of memory reading a snapshot");
    uint64_t k = 0;
    for (uint64_t w = 0; w < words; w++)
        for (uint64_t bits = seen[w]; bits; bits &= bits - 1)
            ids[k++] = (sf_vid)(w * 64 + (uint64_t)__builtin_ctzll(bits));
    free(seen);
    for (k = 0; k < count; k++)
        send_counts[snapshot_owner(first, ranks, ids[k])]++;
    sf_vid *asked;
    uint64_t num_asked = sf_dist_alltoallv(ids, send_counts, sizeof *ids, (void **)&asked,
                                           recv_counts);
    uint64_t *answers = malloc((num_asked + 1) * sizeof *answers);
    if (!answers)
        sf_dist_abort(1, "out of memory reading a snapshot");
    for (k = 0; k < num_asked; k++)
        answers[k] = rows->original_ids[asked[k] - rows->first];
    sf_dist_alltoallv(answers, recv_counts, sizeof *answers, (void **)remote_ids, send_counts);
    free(asked);
    free(answers);
    free(send_counts);
    free(recv_counts);
    *remote = ids;
    return count;
}

/* This rank's share of a snapshot, as arcs in original ids for the
 * distributed build: the out-rows of the file's dense ids [n r / R,
 * n (r + 1) / R), read alone (sf_snapshot_read_rows), each undirected edge
 * once (from its larger dense id), and those vertices' original ids as the
 * vertex set, so that isolated vertices stay; with keep_weights, the
 * weights of those arcs too (both arcs of an undirected edge weigh the
 * same). A flag asking for the other directedness is refused as in one
 * process. */
static int read_snapshot_part(const char *path, const sf_load_options *load, bool keep_weights,
                              sf_edge_list *out, sf_error *err)
{
    int ranks = sf_dist_size(), rank = sf_dist_rank();
    sf_snapshot_header h;
    int rc = sf_snapshot_read_header(path, &h, err);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    if (h.directed ? load->undirected : load->directed)
        return sf_error_set(err, SF_EUSAGE,
                            "%s: the snapshot holds a%s graph; convert its source again with %s",
                            path, h.directed ? " directed" : "n undirected",
                            h.directed ? "--undirected" : "--directed");
    uint64_t n = h.num_vertices, *first = malloc(((size_t)ranks + 1) * sizeof *first);
    if (!first)
        sf_dist_abort(1, "out of memory reading a snapshot");
    for (int r = 0; r <= ranks; r++)
        first[r] = sf_part_first(n, r, ranks);
    sf_snapshot_rows rows;
    rc = sf_snapshot_read_rows(path, first[rank], first[rank + 1], keep_weights, &rows, err);
    if ((rc = sf_dist_agree(rc, err))) {
        free(first);
        return rc;
    }
    sf_vid *remote = NULL;
    uint64_t *remote_ids = NULL, num_remote = 0;
    if (rows.original_ids)
        num_remote = ask_original_ids(&rows, first, &remote, &remote_ids);
    free(first);

    uint64_t owned = rows.last - rows.first, arcs = rows.offsets[owned] - rows.offsets[0];
    out->vertex_ids = malloc((owned + 1) * sizeof *out->vertex_ids);
    if (!out->vertex_ids || sf_edge_list_reserve(out, arcs, rows.weights != NULL))
        sf_dist_abort(1, "out of memory reading a snapshot");
    out->num_vertex_ids = owned;
    for (uint64_t i = 0; i < owned; i++)
        out->vertex_ids[i] = rows.original_ids ? rows.original_ids[i] : rows.first + i;
    uint64_t m = 0;
    for (uint64_t i = 0; i < owned; i++) {
        uint64_t u = rows.first + i;
        for (sf_eid k = rows.offsets[i] - rows.offsets[0]; k < rows.offsets[i + 1] - rows.offsets[0];
             k++) {
            sf_vid x = rows.neighbors[k];
            if (!h.directed && x > u)
                continue;
            uint64_t id = x; /* no original ids: each is its dense id */
            if (rows.original_ids && x >= rows.first && x < rows.last)
                id = rows.original_ids[x - rows.first];
            else if (rows.original_ids)
                id = remote_ids[sf_lower_bound_vid(remote, num_remote, x)];
            out->src[m] = out->vertex_ids[i];
            out->dst[m] = id;
            if (rows.weights)
                out->weight[m] = rows.weights[k];
            m++;
        }
    }
    out->count = m;
    out->declared_directed = h.directed;
    free(remote);
    free(remote_ids);
    sf_snapshot_rows_fini(&rows);
    return 0;
}

/* A Matrix Market file, plain or .gz: every rank reads the header from the
 * file's start, then only its share of the entry lines (the body cut at
 * line starts, as text parts are; a .gz inflated to its end, only the
 * share kept), into 32-bit ids where they fit. Its first
 * line's number comes from the lines of the shares before it (an exclusive
 * scan), its first entry's index likewise, the total entry count from a
 * sum; each check then fails on the rank whose share holds the file's
 * first fault, and sf_dist_agree passes on the lowest failing rank's
 * message: the one process's, with the same line. */
static int read_mtx_part(const char *path, sf_edge_list *out, sf_error *err)
{
    sf_mtx_header h;
    int rc = sf_mtx_read_file_header(path, &h, err);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    char *text = NULL;
    size_t len = 0;
    sf_mtx_share share = {.part = sf_dist_rank(), .parts = sf_dist_size(),
                          .node_parts = sf_dist_local_size()};
    rc = sf_file_read_part_from(path, h.body, share.part, share.parts, &text, &len, err);
    if ((rc = sf_dist_agree(rc, err)))
        goto done;
    share.text = text;
    share.len = len;
    share.first_line = h.body_line + sf_dist_exscan_u64(sf_count_newlines(text, len));
    out->narrow = true;
    rc = sf_mtx_parse_share(path, &h, &share, out, err);
    if ((rc = sf_dist_agree(rc, err)))
        goto done;
    share.first_entry = sf_dist_exscan_u64(out->count);
    uint64_t sums[2] = {out->count, len > 0 && text[len - 1] != '\n'};
    sf_dist_sum_u64(sums, 2);
    share.total = sums[0];
    share.open_end = sums[1] != 0;
    rc = sf_dist_agree(sf_mtx_finish_share(path, &h, &share, out, err), err);
done:
    free(text);
    return rc;
}

/* Keeps entries [count r / R, count (r + 1) / R) of the first `count`
 * elements of `size` bytes at a, moved to the front; returns how many. */
static uint64_t keep_share(void *a, uint64_t count, size_t size)
{
    uint64_t r = (uint64_t)sf_dist_rank(), ranks = (uint64_t)sf_dist_size();
    uint64_t first = sf_part_first(count, r, ranks);
    uint64_t last = sf_part_first(count, r + 1, ranks);
    if (a && first)
        memmove(a, (char *)a + first * size, (last - first) * size);
    return last - first;
}

/* A plain gapbs .sg or .wsg: every rank reads the header, the file's size
 * and the whole offsets, and only its share of the arcs (io/gapbs.h), into
 * 32-bit ids. The checks run in sf_parse_gapbs's order, agreed after each
 * step, so the first fault in the file is the message, from the rank whose
 * share holds it; the symmetry key is rank 0's and the symmetry sums are
 * every share's. *arcs_read gets the out-arcs the rank read. */
static int read_gapbs_part(const char *path, bool weighted, bool keep_weights,
                           sf_edge_list *out, uint64_t *arcs_read, sf_error *err)
{
    sf_gapbs_share share;
    int rc = sf_gapbs_read_share(path, weighted, sf_dist_rank(), sf_dist_size(), &share, err);
    for (int which = 0; (rc = sf_dist_agree(rc, err)) == 0 && which < 2; which++)
        rc = sf_gapbs_check_share(path, &share, which, err);
    if (rc == 0) {
        uint64_t sums[SF_GAPBS_SUMS];
        sf_dist_bcast(&share.key, sizeof share.key, 0);
        sf_gapbs_share_sums(&share, sums);
        sf_dist_sum_u64(sums, SF_GAPBS_SUMS);
        out->narrow = true;
        rc = sf_gapbs_expand_share(path, &share, sums, keep_weights, out, err);
        rc = sf_dist_agree(rc, err);
        *arcs_read = share.last - share.first;
    }
    sf_gapbs_share_fini(&share);
    return rc;
}

/* Formats a rank cannot enter in the middle (a .sg.gz or .wsg.gz, whose
 * rows follow their offsets in one stream; a .bin.gz, a stream of records):
 * every rank reads the whole file, as one process does, and keeps its
 * share of the arcs and of the vertices the file names beyond them; the
 * build sends each arc to its owner. *arcs_read gets the arcs read: the
 * whole file's. */
static int read_whole_share(const char *path, const sf_load_options *load, sf_edge_list *out,
                            uint64_t *arcs_read, sf_error *err)
{
    sf_input_options opt = {.vertices = load->vertices, .narrow = true};
    int rc = sf_input_read(path, &opt, out, err);
    if ((rc = sf_dist_agree(rc, err)))
        return rc;
    uint64_t arcs = out->count;
    *arcs_read = arcs;
    size_t id_size = out->narrow ? sizeof(uint32_t) : sizeof(uint64_t);
    keep_share(out->narrow ? (void *)out->src32 : (void *)out->src, arcs, id_size);
    keep_share(out->narrow ? (void *)out->dst32 : (void *)out->dst, arcs, id_size);
    out->count = keep_share(out->weight, arcs, sizeof *out->weight);
    out->num_vertex_ids = keep_share(out->vertex_ids, out->num_vertex_ids,
                                     sizeof *out->vertex_ids);
    return 0;
}

int sf_dist_job_read_part(const char *spec, const sf_load_options *load, bool keep_weights,
                          sf_edge_list *out, uint64_t *arcs_read, sf_error *err)
{
    int rc = 0;
    *arcs_read = 0;
    if (sf_generator_spec(spec)) {
        if ((rc = sf_input_check_vertices(spec, NULL, load->vertices, err)))
            return rc;
        out->narrow = true; /* 32-bit ids while 2^SCALE fits them */
        rc = sf_generate_part(spec, load->seed, sf_dist_rank(), sf_dist_size(), out, err);
        *arcs_read = out->count;
        sf_trace_phase("generate"); /* as one process marks it (jobs.c) */
        return sf_dist_agree(rc, err);
    }
    /* the format as one process reads it (io/input.c's table); a name no
     * reader takes goes to sf_input_read below, which says so */
    bool gzip;
    const sf_input_format *format = sf_input_format_of(spec, &gzip);
    if (format && (rc = sf_input_check_vertices(spec, format, load->vertices, err)))
        return rc;
    if (format && format->kind == SF_INPUT_SNAPSHOT) {
        rc = read_snapshot_part(spec, load, keep_weights, out, err);
        *arcs_read = out->count;
        return rc;
    }
    sf_trace_phase("open"); /* then every format's read, marked once below */
    bool counted = false; /* *arcs_read set by the reader: not what the rank holds */
    if (!format || (gzip && !sf_input_kind_is_text(format->kind))) {
        /* a name no reader takes, or a gzipped binary format: the whole file's */
        rc = read_whole_share(spec, load, out, arcs_read, err);
        counted = true;
    } else {
        switch (format->kind) {
        case SF_INPUT_LDBC: rc = read_ldbc_part(spec, out, err); break;
        case SF_INPUT_TEXT: rc = read_text_part(spec, false, out, err); break;
        case SF_INPUT_WEIGHTED_TEXT: rc = read_text_part(spec, true, out, err); break;
        case SF_INPUT_MTX: rc = read_mtx_part(spec, out, err); break;
        case SF_INPUT_BIN:
        case SF_INPUT_WBIN:
            rc = read_binary_part(spec, format->kind == SF_INPUT_WBIN, load->vertices, out, err);
            break;
        case SF_INPUT_SG:
        case SF_INPUT_WSG:
            /* its share of the out-arcs, of which it may keep one of each pair */
            rc = read_gapbs_part(spec, format->kind == SF_INPUT_WSG, keep_weights, out, arcs_read,
                                 err);
            counted = true;
            break;
        case SF_INPUT_SNAPSHOT: break; /* read by rows, above */
        }
    }
    sf_trace_phase("read+parse");
    if (!counted) /* a part: what this rank read is what it holds */
        *arcs_read = out->count;
    if (!keep_weights) {
        free(out->weight);
        out->weight = NULL;
    }
    return rc;
}

/* The weights --weights asks for, then the check that shortest paths need:
 * no arc (self-loops aside, which the build drops) weighs less than 0. On
 * the part, in original ids, so the message names the arc as one process
 * does. */
static int weigh_part(const sf_algo *algo, const sf_load_options *load, bool directed,
                      sf_edge_list *part, sf_error *err)
{
    if (sf_edge_list_assign_weights(part, load->weights, load->seed, directed))
        return sf_error_set(err, -ENOMEM, "out of memory for the weights");
    for (uint64_t i = 0; part->weight && i < part->count; i++) {
        uint64_t u, v;
        sf_edge_list_ends(part, part->narrow, i, &u, &v);
        if (part->weight[i] < 0 && u != v)
            return sf_job_negative_weight(algo, u, v, part->weight[i], err);
    }
    return 0;
}

/* ---- threads ----------------------------------------------------------- */

/* By default the ranks of a node share its cores: a rank the launcher bound
 * to some cores uses those (the engine plans and pins within the process's
 * binding), otherwise cores / ranks on the node, unpinned when several
 * ranks share the node unbound (each would pin to the node's first cores),
 * also when --threads gives the count. */
static void choose_threads(sf_engine_options *o)
{
    cpu_set_t set;
    int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    int online = sf_host_cores(), local = sf_dist_local_size();
    bool bound = cpus > 0 && cpus < online;
    if (!bound && local > 1)
        o->no_pin = true;
    if (o->threads > 0)
        return;
    if (bound)
        o->threads = cpus;
    else if (local > 1)
        o->threads = online / local > 0 ? online / local : 1;
}

/* ---- the source of bfs -------------------------------------------------- */

#define SOURCE_TRIES 1000

/* As resolve_source in bench/jobs.c: the vertex asked for, or the first of
 * the seed's draws (ranks in original-id order, which dense ids are here)
 * that has out-arcs. The draws are checked by their owners together. */
static int resolve_source(const sf_dist_graph *d, sf_params *p, sf_error *err)
{
    uint64_t n = d->view.num_vertices;
    if (p->source_set) {
        p->source_vertex = sf_dist_graph_find_vertex(d, p->source);
        if (p->source_vertex == SF_VID_NONE)
            return sf_error_set(err, SF_EINPUT, "source vertex %llu is not in the graph",
                                (unsigned long long)p->source);
        return 0;
    }
    if (n == 0)
        return sf_error_set(err, SF_EINPUT, "the graph has no vertices to start from");
    /* found[k]: 1 + the dense id of draw k when it has out-arcs, from its
     * owner; found[SOURCE_TRIES]: 1 + the dense id of rank 0, the fallback */
    uint64_t *found = calloc(SOURCE_TRIES + 1, sizeof *found), state = p->seed;
    if (!found)
        sf_dist_abort(1, "out of memory");
    for (int k = 0; k < SOURCE_TRIES; k++) {
        uint64_t r = sf_job_source_draw(&state) % n;
        if (sf_dist_graph_owns(d, (sf_vid)r)) {
            sf_vid v = sf_dist_graph_by_original(d, r);
            found[k] = sf_out_degree(&d->view, v) > 0 ? (uint64_t)v + 1 : 0;
        }
    }
    if (sf_dist_graph_owns(d, 0))
        found[SOURCE_TRIES] = (uint64_t)sf_dist_graph_by_original(d, 0) + 1;
    sf_dist_max_u64(found, SOURCE_TRIES + 1);
    int k = 0;
    while (k < SOURCE_TRIES && !found[k])
        k++;
    p->source_vertex = (sf_vid)(found[k] - 1);
    free(found);
    return 0;
}

/* ---- output -------------------------------------------------------------- */

struct writer {
    int fd;
    int error;                  /* errno of the first failed write */
};

static int write_piece(int rank, const void *buf, size_t bytes, void *arg)
{
    struct writer *w = arg;
    (void)rank;
    for (const char *p = buf; bytes && w->fd >= 0 && !w->error;) {
        ssize_t k = write(w->fd, p, bytes);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            w->error = errno;
            break;
        }
        p += k;
        bytes -= (size_t)k;
    }
    return w->error;
}

#define FORMAT_BLOCK 65536

/* This rank's lines, "ID VALUE" in original-id order (dense order here). */
static char *format_owned(const sf_dist_graph *d, sf_value_kind kind, const char *values,
                          size_t size, size_t *len)
{
    uint64_t n = (uint64_t)d->end - d->begin, blocks = (n + FORMAT_BLOCK - 1) / FORMAT_BLOCK;
    char *text = malloc(n * SF_RESULTS_LINE_MAX + 1);
    uint64_t *block_len = calloc(blocks + 1, sizeof *block_len);
    if (!text || !block_len)
        sf_dist_abort(1, "out of memory formatting the results");
#pragma omp parallel for schedule(dynamic, 1)
    for (uint64_t b = 0; b < blocks; b++) {
        char *p = text + b * FORMAT_BLOCK * SF_RESULTS_LINE_MAX;
        uint64_t end = (b + 1) * FORMAT_BLOCK < n ? (b + 1) * FORMAT_BLOCK : n, k = 0;
        for (uint64_t i = b * FORMAT_BLOCK; i < end; i++) {
            uint64_t r = d->begin + i; /* rank in original order */
            sf_vid v = sf_dist_graph_by_original(d, r);
            k += sf_results_format_line(p + k, sf_dist_graph_sorted_id(d, r), kind,
                                        values + (size_t)(v - d->begin) * size);
        }
        block_len[b] = k;
    }
    size_t at = 0;
    for (uint64_t b = 0; b < blocks; b++) {
        memmove(text + at, text + b * FORMAT_BLOCK * SF_RESULTS_LINE_MAX, block_len[b]);
        at += block_len[b];
    }
    free(block_len);
    *len = at;
    return text;
}

/* Gathers every rank's lines into a temporary file beside PATH, which rank
 * 0 renames over PATH once complete. */
static int write_results(const char *path, const sf_dist_graph *d, const sf_algo *algo,
                         const char *values, sf_error *err)
{
    struct writer w = {.fd = -1};
    char tmp[4096];
    int rc = 0;
    if (sf_dist_rank() == 0) {
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
        w.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (w.fd < 0)
            w.error = errno;
    }
    size_t len;
    char *text = format_owned(d, algo->kind, values, algo->value_size, &len);
    sf_dist_gather_to_root(text, len, write_piece, &w);
    free(text);
    if (sf_dist_rank() == 0) {
        if (w.fd >= 0 && close(w.fd) != 0 && !w.error)
            w.error = errno;
        if (w.fd >= 0 && !w.error && rename(tmp, path) != 0)
            w.error = errno;
        if (w.fd >= 0 && w.error)
            unlink(tmp);
        if (w.error)
            rc = sf_error_set(err, -w.error, "%s: %s", path, strerror(w.error));
    }
    return sf_dist_agree(rc, err);
}

/* ---- --verify: rank 0 checks against the single-process reference ------ */

struct gathered {
    const sf_dist_graph *d;
    char *values;
    size_t size;
};

static int keep_piece(int rank, const void *buf, size_t bytes, void *arg)
{
    struct gathered *g = arg;
    memcpy(g->values + (size_t)g->d->owner_begin[rank] * g->size, buf, bytes);
    return 0;
}

static int verify(const sf_dist_job *job, sf_engine *e, const sf_dist_graph *d,
                  const sf_params *params, const char *values, bool *pass, sf_error *err)
{
    uint64_t source_id = 0;
    if (job->algo->needs_source) {
        if (sf_dist_graph_owns(d, params->source_vertex))
            source_id = sf_dist_graph_original_id(d, params->source_vertex);
        sf_dist_max_u64(&source_id, 1);
    }
    size_t size = job->algo->value_size;
    uint64_t n = d->view.num_vertices;
    struct gathered all = {.d = d, .size = size};
    if (sf_dist_rank() == 0 && !(all.values = malloc((n + 1) * size)))
        sf_dist_abort(1, "out of memory gathering values for --verify");
    /* in original order, as ranks gather */
    size_t owned = (size_t)d->end - d->begin;
    char *ordered = malloc((owned + 1) * size);
    if (!ordered)
        sf_dist_abort(1, "out of memory gathering values for --verify");
    for (size_t i = 0; i < owned; i++)
        memcpy(ordered + i * size,
               values + (size_t)(sf_dist_graph_by_original(d, d->begin + i) - d->begin) * size,
               size);
    sf_dist_gather_to_root(ordered, owned * size, keep_piece, &all);
    free(ordered);
    int rc = 0;
    uint64_t passed = 1;
    if (sf_dist_rank() == 0) {
        sf_graph *g = NULL;
        double load_s, build_s;
        sf_job_result r = {.params = *params};
        rc = sf_job_load(job->graph, &job->load, e, &g, &load_s, &build_s, err);
        if (rc == 0 && g->num_vertices != n)
            rc = sf_error_set(err, SF_EINPUT, "--verify: %llu vertices over the ranks, %u in one "
                              "process", (unsigned long long)n, g->num_vertices);
        if (rc == 0 && !(r.values = malloc((n + 1) * size)))
            sf_dist_abort(1, "out of memory for --verify");
        if (rc == 0) {
            /* dense ids here are ranks in original order */
            for (uint64_t k = 0; k < n; k++)
                memcpy((char *)r.values + (size_t)sf_graph_by_original(g, k) * size,
                       all.values + k * size, size);
            if (job->algo->needs_source)
                r.params.source_vertex = sf_graph_find_vertex(g, source_id);
            char msg[256];
            bool ok = false;
            rc = sf_job_verify(job->algo, g, &r, &ok, msg, sizeof msg);
            if (rc == -ENOMEM)
                sf_dist_abort(1, "out of memory while verifying");
            if (rc)
                rc = sf_error_set(err, rc, "%s: the reference failed (%s) while verifying",
                                  job->algo->name, strerror(-rc));
            else if (!ok)
                fprintf(stderr, "shardflow: verify: %s\n", msg);
            passed = ok;
        }
        free(r.values);
        sf_graph_destroy(&g);
        free(all.values);
    }
    rc = sf_dist_agree(rc, err);
    sf_dist_bcast(&passed, sizeof passed, 0);
    *pass = passed != 0;
    return rc;
}

/* ---- summaries and the record ------------------------------------------- */

/* Collective: the number of distinct values among every rank's values[0..n).
 * Each distinct value goes to one rank, picked by a hash of the value, which
 * counts what it receives once. */
static uint64_t count_distinct(const uint64_t *values, uint64_t n)
{
    int ranks = sf_dist_size();
    uint64_t *mine = malloc((n + 1) * sizeof *mine), *sorted = malloc((n + 1) * sizeof *sorted);
    uint64_t *send_counts = calloc(ranks, sizeof *send_counts);
    uint64_t *recv_counts = calloc(ranks, sizeof *recv_counts);
    uint64_t *at = calloc(ranks, sizeof *at);
    if (!mine || !sorted || !send_counts || !recv_counts || !at)
        sf_dist_abort(1, "out of memory counting distinct values");
    memcpy(mine, values, n * sizeof *mine);
    uint64_t k;
    if (sf_sort_unique_u64(mine, n, &k))
        sf_dist_abort(1, "out of memory counting distinct values");
#define HOME(x) ((int)(((x) * 0x9e3779b97f4a7c15ULL >> 32) % (uint64_t)ranks))
    for (uint64_t i = 0; i < k; i++)
        send_counts[HOME(mine[i])]++;
    for (int r = 1; r < ranks; r++)
        at[r] = at[r - 1] + send_counts[r - 1];
    for (uint64_t i = 0; i < k; i++)
        sorted[at[HOME(mine[i])]++] = mine[i];
#undef HOME
    uint64_t *got;
    uint64_t received = sf_dist_alltoallv(sorted, send_counts, sizeof *sorted, (void **)&got,
                                          recv_counts);
    uint64_t distinct;
    if (sf_sort_unique_u64(got, received, &distinct))
        sf_dist_abort(1, "out of memory counting distinct values");
    sf_dist_sum_u64(&distinct, 1);
    free(got);
    free(mine);
    free(sorted);
    free(send_counts);
    free(recv_counts);
    free(at);
    return distinct;
}

static void summarise(const sf_dist_job *job, const sf_dist_graph *d, const sf_params *p,
                      const char *values, char *json, size_t len)
{
    uint64_t n = (uint64_t)d->end - d->begin;
    if (strcmp(job->algo->name, "pr") == 0) {
        double sum = 0;
        for (uint64_t i = 0; i < n; i++)
            sum += ((const double *)values)[i];
        sf_dist_sum_double(&sum, 1);
        snprintf(json, len, "{\"rank_sum\": %.15g}", sum);
    } else if (strcmp(job->algo->name, "wcc") == 0) {
        uint64_t components = 0;
        for (uint64_t i = 0; i < n; i++)
            components += ((const uint64_t *)values)[i] ==
                          sf_dist_graph_original_id(d, (sf_vid)(d->begin + i));
        sf_dist_sum_u64(&components, 1);
        snprintf(json, len, "{\"components\": %llu}", (unsigned long long)components);
    } else if (strcmp(job->algo->name, "lcc") == 0) {
        double sum = 0;
        for (uint64_t i = 0; i < n; i++)
            sum += ((const double *)values)[i];
        sf_dist_sum_double(&sum, 1);
        uint64_t all = d->view.num_vertices;
        snprintf(json, len, "{\"average_lcc\": %.15g}", all ? sum / all : 0.0);
    } else if (strcmp(job->algo->name, "tc") == 0) {
        uint64_t sum = 0;
        for (uint64_t i = 0; i < n; i++)
            sum += ((const uint64_t *)values)[i];
        sf_dist_sum_u64(&sum, 1);
        snprintf(json, len, "{\"triangles\": %llu}", (unsigned long long)(sum / 3));
    } else if (strcmp(job->algo->name, "cdlp") == 0) {
        snprintf(json, len, "{\"communities\": %llu}",
                 (unsigned long long)count_distinct((const uint64_t *)values, n));
    } else if (strcmp(job->algo->name, "sssp") == 0) {
        uint64_t reached = 0, source = 0;
        double max_dist = 0;
        for (uint64_t i = 0; i < n; i++) {
            double dist = ((const double *)values)[i];
            if (!isinf(dist)) {
                reached++;
                max_dist = dist > max_dist ? dist : max_dist;
            }
        }
        if (sf_dist_graph_owns(d, p->source_vertex))
            source = sf_dist_graph_original_id(d, p->source_vertex);
        sf_dist_sum_u64(&reached, 1);
        sf_dist_max_u64(&source, 1);
        /* non-negative doubles order as their bit patterns do */
        uint64_t bits;
        memcpy(&bits, &max_dist, sizeof bits);
        sf_dist_max_u64(&bits, 1);
        memcpy(&max_dist, &bits, sizeof bits);
        snprintf(json, len, "{\"source\": %llu, \"reached\": %llu, \"max_distance\": %.15g}",
                 (unsigned long long)source, (unsigned long long)reached, max_dist);
    } else if (strcmp(job->algo->name, "kcore") == 0) {
        uint64_t max_core = 0;
        for (uint64_t i = 0; i < n; i++)
            max_core = ((const uint64_t *)values)[i] > max_core ? ((const uint64_t *)values)[i]
                                                                : max_core;
        sf_dist_max_u64(&max_core, 1);
        snprintf(json, len, "{\"degeneracy\": %llu}", (unsigned long long)max_core);
    } else if (strcmp(job->algo->name, "bfs") == 0) {
        uint64_t reached = 0, max_depth = 0, source = 0;
        for (uint64_t i = 0; i < n; i++) {
            int64_t depth = ((const int64_t *)values)[i];
            reached += depth >= 0;
            max_depth = depth > (int64_t)max_depth ? (uint64_t)depth : max_depth;
        }
        if (sf_dist_graph_owns(d, p->source_vertex))
            source = sf_dist_graph_original_id(d, p->source_vertex);
        sf_dist_sum_u64(&reached, 1);
        sf_dist_max_u64(&max_depth, 1);
        sf_dist_max_u64(&source, 1);
        snprintf(json, len, "{\"source\": %llu, \"reached\": %llu, \"max_depth\": %lld}",
                 (unsigned long long)source, (unsigned long long)reached, (long long)max_depth);
    } else { /* a kernel with no summary here: none, rather than its values misread */
        snprintf(json, len, "{}");
    }
}

/* Per rank: what it owned and what it did. */
struct rank_facts {
    uint64_t vertices, in_arcs, boundary, mirror_values, peak_rss, arcs_read;
    double load_s, build_s, run_s, wait_s;
};

static void json_u64s(FILE *f, const char *name, const struct rank_facts *all, int ranks,
                      size_t offset)
{
    fprintf(f, ", \"%s\": [", name);
    for (int r = 0; r < ranks; r++)
        fprintf(f, "%s%llu", r ? ", " : "",
                (unsigned long long)*(const uint64_t *)((const char *)&all[r] + offset));
    fputc(']', f);
}

static void json_doubles(FILE *f, const char *name, const struct rank_facts *all, int ranks,
                         size_t offset)
{
    fprintf(f, ", \"%s\": [", name);
    for (int r = 0; r < ranks; r++)
        fprintf(f, "%s%.6f", r ? ", " : "",
                *(const double *)((const char *)&all[r] + offset));
    fputc(']', f);
}

/* The "distributed" object of the record (rank 0; the caller frees it). */
static char *distributed_json(const sf_graph *g, int threads, const struct rank_facts *all,
                              const uint64_t *bytes, const double *waits, int iterations,
                              size_t value_size)
{
    int ranks = sf_dist_size();
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    if (!f)
        return NULL;
    fprintf(f, "{\"ranks\": %d, \"threads_per_rank\": %d, \"value_bytes\": %zu", ranks, threads,
            value_size);
    fprintf(f, ", \"dropped_self_loops\": %" PRIu64 ", \"dropped_duplicates\": %" PRIu64,
            g->dropped_self_loops, g->dropped_duplicates);
    json_u64s(f, "owned_vertices", all, ranks, offsetof(struct rank_facts, vertices));
    json_u64s(f, "in_arcs", all, ranks, offsetof(struct rank_facts, in_arcs));
    json_u64s(f, "boundary_vertices", all, ranks, offsetof(struct rank_facts, boundary));
    json_u64s(f, "mirror_values_sent_per_exchange", all, ranks,
              offsetof(struct rank_facts, mirror_values));
    json_u64s(f, "peak_rss_bytes", all, ranks, offsetof(struct rank_facts, peak_rss));
    json_u64s(f, "arcs_read", all, ranks, offsetof(struct rank_facts, arcs_read));
    json_doubles(f, "load_s", all, ranks, offsetof(struct rank_facts, load_s));
    json_doubles(f, "build_s", all, ranks, offsetof(struct rank_facts, build_s));
    json_doubles(f, "run_s", all, ranks, offsetof(struct rank_facts, run_s));
    json_doubles(f, "comm_wait_s", all, ranks, offsetof(struct rank_facts, wait_s));
    fputs(", \"bytes_sent_per_rank_per_iteration\": [", f);
    for (int r = 0; r < ranks; r++) {
        fprintf(f, "%s[", r ? ", " : "");
        for (int i = 0; i < iterations; i++)
            fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)bytes[(size_t)r * iterations + i]);
        fputc(']', f);
    }
    fputs("], \"comm_wait_s_per_rank_per_iteration\": [", f);
    for (int r = 0; r < ranks; r++) {
        fprintf(f, "%s[", r ? ", " : "");
        for (int i = 0; i < iterations; i++)
            fprintf(f, "%s%.6f", i ? ", " : "", waits[(size_t)r * iterations + i]);
        fputc(']', f);
    }
    fputs("]}", f);
    fclose(f);
    return json;
}

/* ---- the job --------------------------------------------------------------- */

static int usage(const char *msg, const char *arg)
{
    if (sf_dist_rank() == 0) {
        fprintf(stderr, "shardflow: ");
        fprintf(stderr, msg, arg);
        fputc('\n', stderr);
    }
    return 2;
}

static int fail(int rc, const sf_error *err)
{
    if (sf_dist_rank() == 0)
        fprintf(stderr, "shardflow: %s\n", err->msg);
    return rc == SF_EUSAGE ? 2 : 1;
}

int sf_dist_job_run(const sf_dist_job *job)
{
    const sf_algo *algo = job->algo;
    if (job->baseline)
        return usage("%s", "--baseline is the single-threaded baseline; run it with one rank");

    sf_error err = {{0}};
    sf_engine *e = NULL;
    sf_dist_graph *d = NULL;
    char *values = NULL, *dist_json = NULL;
    sf_iteration_log log = {0};
    int status = 0, ranks = sf_dist_size();
    sf_engine_options engine = job->engine;
    choose_threads(&engine);
    int rc = sf_engine_create(&engine, &e, &err);
    if ((rc = sf_dist_agree(rc, &err))) {
        status = fail(rc, &err);
        goto out;
    }

    struct rank_facts facts = {0};
    double start = sf_now();
    sf_edge_list part;
    sf_edge_list_init(&part);
    /* the input's weights, unless --weights replaces them (weigh_part) */
    bool input_weights = algo->needs_weights && job->load.weights == SF_WEIGHTS_INPUT;
    rc = sf_dist_job_read_part(job->graph, &job->load, input_weights, &part, &facts.arcs_read,
                               &err);
    facts.load_s = sf_now() - start;
    if (rc) {
        sf_edge_list_fini(&part);
        status = fail(rc, &err);
        goto out;
    }
    start = sf_now();
    sf_dist_build_options build = {
        .undirected = job->load.undirected ||
                      (!job->load.directed && part.declared_directed == 0),
    };
    if (algo->needs_weights && (rc = sf_dist_agree(weigh_part(algo, &job->load, !build.undirected,
                                                              &part, &err), &err))) {
        sf_edge_list_fini(&part);
        status = fail(rc, &err);
        goto out;
    }
    rc = sf_dist_graph_build(&part, &build, job->graph, &d, &err);
    sf_edge_list_fini(&part);
    if (rc == 0)
        rc = sf_engine_attach_range(e, &d->view, d->begin, d->end, d, &err);
    facts.build_s = sf_now() - start;
    if ((rc = sf_dist_agree(rc, &err))) {
        status = fail(rc, &err);
        goto out;
    }

    if (algo->needs_undirected && d->view.directed) {
        status = usage("%s needs an undirected graph; give --undirected to symmetrise it",
                       algo->name);
        goto out;
    }
    sf_params params = job->params;
    if (params.iterations < 0)
        params.iterations = algo->default_iterations;
    if ((rc = sf_dist_agree(sf_job_check_graph(algo, &d->view, d->begin, d->end, &err), &err))) {
        status = fail(rc, &err);
        goto out;
    }
    rc = algo->needs_source ? resolve_source(d, &params, &err) : 0;
    if (rc) {
        status = fail(rc, &err);
        goto out;
    }
    size_t owned = (size_t)d->end - d->begin, size = algo->value_size;
    values = calloc(owned + 1, size);
    if (!values)
        sf_dist_abort(1, "out of memory for the results");
    /* kernels index by global dense id */
    void *by_id = values - (size_t)d->begin * size;
    sf_dist_barrier();
    start = sf_now();
    rc = algo->distributed(e, &params, by_id, &log);
    facts.run_s = sf_now() - start;
    if (rc)
        sf_dist_abort(1, rc == -ENOMEM ? "out of memory while running" : "the kernel failed");

    char result_json[256];
    summarise(job, d, &params, values, result_json, sizeof result_json);
    if (job->output && (rc = write_results(job->output, d, algo, values, &err))) {
        status = fail(rc, &err);
        goto out;
    }
    const char *verdict = "skipped";
    if (job->verify) {
        bool pass;
        if ((rc = verify(job, e, d, &params, values, &pass, &err))) {
            status = fail(rc, &err);
            goto out;
        }
        verdict = pass ? "pass" : "fail";
        status = pass ? 0 : 1;
    }

    /* what every rank did, for rank 0's record */
    const sf_dist_mirrors *m = d->mirrors[SF_MIRRORS_IN] ? d->mirrors[SF_MIRRORS_IN]
                                                         : d->mirrors[SF_MIRRORS_ALL];
    facts.vertices = owned;
    facts.in_arcs = d->view.num_arcs;
    facts.boundary = m ? m->boundary : 0;
    facts.mirror_values = m ? m->send_at[m->num_peers] : 0;
    facts.peak_rss = sf_peak_rss_bytes();
    for (int i = 0; i < log.count; i++)
        facts.wait_s += log.wait_s[i];
    int iterations = log.count;
    struct rank_facts *all = malloc((size_t)ranks * sizeof *all);
    uint64_t *bytes = malloc(((size_t)ranks * iterations + 1) * sizeof *bytes);
    double *waits = malloc(((size_t)ranks * iterations + 1) * sizeof *waits);
    uint64_t *total_bytes = calloc(iterations + 1, sizeof *total_bytes);
    if (!all || !bytes || !waits || !total_bytes)
        sf_dist_abort(1, "out of memory for the run record");
    sf_dist_allgather(&facts, all, sizeof facts);
    sf_dist_allgather(log.bytes_sent ? log.bytes_sent : total_bytes, bytes,
                      (size_t)iterations * sizeof *bytes);
    sf_dist_allgather(log.wait_s ? log.wait_s : (double *)total_bytes, waits,
                      (size_t)iterations * sizeof *waits);
    struct rank_facts worst = facts;
    for (int r = 0; r < ranks; r++) {
        worst.load_s = all[r].load_s > worst.load_s ? all[r].load_s : worst.load_s;
        worst.build_s = all[r].build_s > worst.build_s ? all[r].build_s : worst.build_s;
        worst.run_s = all[r].run_s > worst.run_s ? all[r].run_s : worst.run_s;
        worst.wait_s = all[r].wait_s > worst.wait_s ? all[r].wait_s : worst.wait_s;
        worst.peak_rss = all[r].peak_rss > worst.peak_rss ? all[r].peak_rss : worst.peak_rss;
        for (int i = 0; i < iterations; i++)
            total_bytes[i] += bytes[(size_t)r * iterations + i];
    }
    if (sf_dist_rank() == 0) {
        const sf_graph *g = &d->view;
        char placement[1024];
        sf_engine_placement_json(e, false, placement, sizeof placement);
        dist_json = distributed_json(g, sf_engine_threads(e), all, bytes, waits, iterations, size);
        sf_run_info info = {
            .algo = algo->name, .engine = "shardflow", .source = job->graph,
            .vertices = g->num_vertices, .edges = g->num_edges, .directed = g->directed,
            .threads = sf_engine_threads(e), .ranks = ranks, .placement_json = placement,
            .load_s = worst.load_s, .build_s = worst.build_s, .run_s = worst.run_s,
            .iteration_s = log.seconds, .iterations = iterations,
            .peak_rss_bytes = worst.peak_rss, .verify = verdict, .result_json = result_json,
            .command_line = job->command_line, .seed = job->load.seed, .trial = -1,
            .bytes_sent_per_iteration = total_bytes, .comm_wait_s = worst.wait_s,
            .distributed_json = dist_json,
        };
        if (job->json) {
            sf_record_write(stdout, &info);
            putchar('\n');
        } else if (!job->quiet) {
            uint64_t sent = 0;
            for (int i = 0; i < iterations; i++)
                sent += total_bytes[i];
            printf("graph %s: %" PRIu32 " vertices, %" PRIu64 " edges (%s); load %.3f s, build "
                   "%.3f s\n",
                   job->graph, g->num_vertices, g->num_edges,
                   g->directed ? "directed" : "undirected", worst.load_s, worst.build_s);
            printf("%s on %d ranks x %d threads: %.3f s, %d iterations; %.3f MB sent per "
                   "iteration (all ranks), %.3f s waiting (slowest rank)\n",
                   algo->name, ranks, sf_engine_threads(e), worst.run_s, iterations,
                   iterations ? sent / 1e6 / iterations : 0.0, worst.wait_s);
            printf("result: %s\n", result_json);
        }
        if (job->verify && !job->json)
            printf("verify: %s\n", strcmp(verdict, "pass") == 0 ? "PASS" : "FAIL");
        fflush(stdout);
    }
    free(all);
    free(bytes);
    free(waits);
    free(total_bytes);
out:
    free(dist_json);
    free(values);
    sf_iteration_log_fini(&log);
    sf_dist_graph_destroy(&d);
    sf_engine_destroy(&e);
    return status;
}
