/* The mode of a vertex's neighbour labels, as LDBC's CDLP defines it: the
 * most frequent label, ties to the smallest. One copy serves the engine's
 * kernel (operators/cdlp.c) and the single-threaded baseline
 * (bench/baseline_cdlp.c), so they differ in how they run, not in what a
 * vertex computes. Labels are 32-bit ranks in original-id order.
 *
 * Up to SF_MODE_SMALL neighbours: an insertion sort in a buffer on the stack; more:
 * counting in an open-addressing table of 2^k slots (k the smallest with
 * 2^k >= 2 * degree), every slot SF_MODE_EMPTY before and after a vertex. */
#ifndef SF_LABEL_MODE_H
#define SF_LABEL_MODE_H

#include <stdint.h>
#include <string.h>

#include "engine/graph.h"

#define SF_MODE_SMALL 16                /* degrees sorted on the stack; above, the table */
#define SF_MODE_AHEAD 16                /* neighbours of prefetch while counting in the table */
#define SF_MODE_EMPTY UINT32_MAX        /* no rank is: at most 2^32 - 2 vertices */

typedef struct sf_mode_slot {
    uint32_t label, count;
} sf_mode_slot;

static inline sf_vid sf_min_label(sf_vid a, sf_vid b)
{
    return a < b ? a : b;
}

/* The first iteration's mode, every label being distinct: the smallest
 * label of a reciprocal neighbour (in both rows, so counted twice) when
 * there is one, else the smallest label. Rows ascend by dense id; b is
 * empty when undirected. */
static inline sf_vid sf_first_mode(const sf_vid *label, sf_vid own, const sf_vid *a, sf_eid da,
                                const sf_vid *b, sf_eid db)
{
    if (da + db == 0)
        return own;
    sf_vid best = SF_MODE_EMPTY, twice = SF_MODE_EMPTY;
    for (sf_eid i = 0; i < da; i++)
        best = sf_min_label(best, label[a[i]]);
    for (sf_eid j = 0; j < db; j++)
        best = sf_min_label(best, label[b[j]]);
    for (sf_eid i = 0, j = 0; i < da && j < db;) {
        if (a[i] == b[j])
            twice = sf_min_label(twice, label[a[i]]);
        sf_vid x = a[i], y = b[j];
        i += x <= y;
        j += y <= x;
    }
    return twice != SF_MODE_EMPTY ? twice : best;
}

static inline sf_vid sf_mode_sorted(sf_vid *buf, sf_eid d)
{
    for (sf_eid i = 1; i < d; i++) {
        sf_vid x = buf[i];
        sf_eid j = i;
        for (; j > 0 && buf[j - 1] > x; j--)
            buf[j] = buf[j - 1];
        buf[j] = x;
    }
    sf_vid best = buf[0];
    sf_eid best_run = 0;
    for (sf_eid i = 0; i < d;) {
        sf_eid j = i + 1;
        while (j < d && buf[j] == buf[i])
            j++;
        if (j - i > best_run) {     /* strict: a tie keeps the smaller label */
            best_run = j - i;
            best = buf[i];
        }
        i = j;
    }
    return best;
}

/* Counts label l; (*best, *best_count) stays the largest (count, -label)
 * of the labels counted so far. */
static inline void sf_mode_count(sf_mode_slot *t, uint32_t mask, int shift, sf_vid l, sf_vid *best,
                               uint32_t *best_count)
{
    uint32_t h = (l * 0x9e3779b1u) >> shift, c;
    for (;; h++) {
        sf_mode_slot *s = &t[h & mask];
        if (s->label == l) {
            c = ++s->count;
            break;
        }
        if (s->label == SF_MODE_EMPTY) {
            s->label = l;
            s->count = c = 1;
            break;
        }
    }
    if (c > *best_count || (c == *best_count && l < *best)) {
        *best = l;
        *best_count = c;
    }
}

static inline void sf_mode_count_row(sf_mode_slot *t, uint32_t mask, int shift, const sf_vid *label,
                             const sf_vid *row, sf_eid d, sf_vid *best, uint32_t *best_count)
{
    for (sf_eid i = 0; i < d; i++) {
        if (i + SF_MODE_AHEAD < d)
            __builtin_prefetch(&label[row[i + SF_MODE_AHEAD]], 0, 3);
        sf_mode_count(t, mask, shift, label[row[i]], best, best_count);
    }
}

/* The most frequent label of the neighbours a[0..da) and b[0..db), ties to
 * the smallest; own when there are none. */
static inline sf_vid sf_label_mode(sf_mode_slot *t, const sf_vid *label, sf_vid own, const sf_vid *a, sf_eid da,
                          const sf_vid *b, sf_eid db)
{
    sf_eid d = da + db;
    if (d == 0)
        return own;
    if (d > SF_MODE_SMALL) {
        int bits = 64 - __builtin_clzll(2 * d - 1);    /* 2^bits >= 2d */
        bits = bits < 32 ? bits : 32;                  /* more slots than labels */
        uint32_t mask = (uint32_t)((UINT64_C(1) << bits) - 1);
        sf_vid best = SF_MODE_EMPTY;
        uint32_t best_count = 0;
        sf_mode_count_row(t, mask, 32 - bits, label, a, da, &best, &best_count);
        sf_mode_count_row(t, mask, 32 - bits, label, b, db, &best, &best_count);
        memset(t, 0xff, ((size_t)mask + 1) * sizeof *t);
        return best;
    }
    sf_vid buf[SF_MODE_SMALL];
    for (sf_eid i = 0; i < da; i++)
        buf[i] = label[a[i]];
    for (sf_eid i = 0; i < db; i++)
        buf[da + i] = label[b[i]];
    if (d <= 2) /* with two, the mode or the tie's winner: the smaller */
        return d == 1 ? buf[0] : sf_min_label(buf[0], buf[1]);
    return sf_mode_sorted(buf, d);
}

#endif
