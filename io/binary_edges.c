/* Gemini/GridGraph binary edge lists: fixed-size records, so the file is
 * cut into equal slices of records, one per thread, converted straight
 * into their places in the output arrays; the largest id and the first bad
 * record (a weight that is not finite) come out of the same pass as
 * reductions, so a good file is read once. */
#include "io/binary_edges.h"
#include "io/bytes.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "engine/parallel.h"

static inline float load_le_float(const unsigned char *p)
{
    uint32_t bits = sf_load_le32(p);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

int sf_parse_binary_edges(const char *path, const void *data, size_t len, bool weighted,
                          uint64_t vertices, sf_edge_list *out, sf_error *err)
{
    return sf_parse_binary_edges_at(path, data, len, 0, weighted, vertices, out, err);
}

int sf_parse_binary_edges_at(const char *path, const void *data, size_t len, uint64_t first_byte,
                             bool weighted, uint64_t vertices, sf_edge_list *out, sf_error *err)
{
    const unsigned char *bytes = data;
    size_t record = weighted ? 12 : 8;
    if (len % record)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": truncated record (%zu of its "
                            "%zu bytes; a %s file holds %s)", path,
                            (uint64_t)(first_byte + len - len % record),
                            len % record, record, weighted ? ".wbin" : ".bin",
                            weighted ? "(u32 src, u32 dst, f32 weight) records"
                                     : "(u32 src, u32 dst) records");
    uint64_t m = len / record;
    if (sf_edge_list_reserve(out, m, weighted))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    uint64_t *src = out->src, *dst = out->dst;
    double *weight = out->weight;
    sf_advise_huge(src, m * sizeof *src);
    sf_advise_huge(dst, m * sizeof *dst);

    uint64_t max_id = 0, bad_weight = m;
    if (weighted) {
#pragma omp parallel for schedule(static) reduction(max : max_id) reduction(min : bad_weight)
        for (uint64_t k = 0; k < m; k++) {
            const unsigned char *r = bytes + 12 * k;
            uint32_t s = sf_load_le32(r), d = sf_load_le32(r + 4);
            float w = load_le_float(r + 8);
            src[k] = s;
            dst[k] = d;
            weight[k] = w;
            max_id = s > max_id ? s : max_id;
            max_id = d > max_id ? d : max_id;
            if (!isfinite(w) && k < bad_weight)
                bad_weight = k;
        }
    } else {
#pragma omp parallel for schedule(static) reduction(max : max_id)
        for (uint64_t k = 0; k < m; k++) {
            uint32_t s = sf_load_le32(bytes + 8 * k), d = sf_load_le32(bytes + 8 * k + 4);
            src[k] = s;
            dst[k] = d;
            max_id = s > max_id ? s : max_id;
            max_id = d > max_id ? d : max_id;
        }
    }
    if (bad_weight < m)
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": weight %g is not a "
                            "finite number", path, first_byte + 12 * bad_weight + 8,
                            weight[bad_weight]);
    if (vertices && m && max_id >= vertices) {
        uint64_t first = m;
#pragma omp parallel for schedule(static) reduction(min : first)
        for (uint64_t k = 0; k < m; k++)
            if ((src[k] >= vertices || dst[k] >= vertices) && k < first)
                first = k;
        bool at_src = src[first] >= vertices;
        return sf_error_set(err, SF_EINPUT, "%s: byte offset %" PRIu64 ": vertex id %" PRIu64
                            " is not below the vertex count %" PRIu64 " (--vertices)", path,
                            first_byte + record * first + (at_src ? 0 : 4),
                            at_src ? src[first] : dst[first],
                            vertices);
    }
    out->count = m;
    out->dense_vertices = vertices ? vertices : m ? max_id + 1 : 0;
    return 0;
}
