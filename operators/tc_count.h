/* The heart of the forward triangle count (Schank & Wagner; Chiba &
 * Nishizeki's marking), one copy for the tc kernel (operators/tc.c) and
 * its baseline (bench/baseline_tc.c). Dense ids are in descending-degree
 * order, so N+(u), u's neighbours of smaller id, is the start of u's
 * ascending row. */
#ifndef SF_TC_COUNT_H
#define SF_TC_COUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/graph.h"
#include "operators/vertex_map.h"

/* For u's out-row row[0, out_degree) = N+(u): count[q + 1] += the
 * triangles {u, row[q], w} with w in row[0, q), found by marking
 * position[row[q]] = q + 1 and scanning N+(row[q]) below row[q - 1]; hit
 * has room for a row. position and count are left set for the caller to
 * read and clear. */
SF_INLINE void sf_tc_count_row(const sf_eid *off, const sf_vid *nbr, const sf_vid *row,
                               sf_eid out_degree, uint32_t *position, uint32_t *count,
                               uint32_t *hit)
{
    for (sf_eid q = 0; q < out_degree; q++) {
        sf_vid v = row[q];
        if (q > 0) {
            /* w in N+(v) and in row[0, q): w <= row[q - 1] */
            const sf_vid last = row[q - 1];
            const sf_vid *vrow = nbr + off[v];
            const sf_eid vdegree = off[v + 1] - off[v];
            sf_eid matched = 0;
            for (sf_eid j = 0; j < vdegree && vrow[j] <= last; j++) {
                uint32_t k = position[vrow[j]];
                hit[matched] = k;
                matched += k != 0;
            }
            for (sf_eid i = 0; i < matched; i++)
                count[hit[i]]++;
            count[q + 1] += (uint32_t)matched;
        }
        position[v] = (uint32_t)q + 1;
    }
}

/* After sf_tc_count_row for u: credits each N+(u)[q] = row[q] with
 * count[q + 1] triangles and u with half their sum, and clears position
 * and count for the next row. shared: other workers credit the same
 * vertices (atomic adds); a compile-time constant where it is inlined. */
SF_INLINE void sf_tc_credit_row(sf_vid u, const sf_vid *row, sf_eid out_degree,
                                uint32_t *position, uint32_t *count, uint64_t *triangles,
                                bool shared)
{
    uint64_t twice_own = 0;
    for (sf_eid q = 0; q < out_degree; q++) {
        uint32_t c = count[q + 1];
        position[row[q]] = 0;
        count[q + 1] = 0;
        if (c) {
            if (shared)
                __atomic_fetch_add(&triangles[row[q]], c, __ATOMIC_RELAXED);
            else
                triangles[row[q]] += c;
            twice_own += c;
        }
    }
    if (twice_own) {
        if (shared)
            __atomic_fetch_add(&triangles[u], twice_own / 2, __ATOMIC_RELAXED);
        else
            triangles[u] += twice_own / 2;
    }
}

#endif
