/* The Hilbert curve over 32-bit coordinates, table-driven, 4 levels a
 * lookup. After each level the remaining bits are swapped, or swapped and
 * complemented; those commute and are their own inverses, so the transform
 * so far is one of four states (bit 0: swapped, bit 1: complemented), and a
 * table indexed by the state and 4 bits of x and y gives 8 bits of the index
 * and the next state. Used by the engine's tiled in-arcs and by the PageRank
 * baseline (a pure function: no engine runtime involved). */
#ifndef SF_HILBERT_H
#define SF_HILBERT_H

#include <stdint.h>

typedef struct sf_hilbert_tables {
    uint16_t encode[4][256];    /* [state][x4 << 4 | y4] -> d8 << 2 | state' */
    uint16_t decode[4][256];    /* [state][d8] -> (x4 << 4 | y4) << 2 | state' */
} sf_hilbert_tables;

void sf_hilbert_tables_init(sf_hilbert_tables *t);

/* 16 levels of x and y (16 bits each) from *state: the 32-bit index; *state
 * becomes the state after them. */
static inline uint32_t sf_hilbert_encode16(const sf_hilbert_tables *t, unsigned *state, uint32_t x,
                                           uint32_t y)
{
    uint32_t d = 0;
    unsigned s = *state;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned e = t->encode[s][((x >> shift) & 15) << 4 | ((y >> shift) & 15)];
        d = d << 8 | (e >> 2);
        s = e & 3;
    }
    *state = s;
    return d;
}

/* The inverse: 16 levels (32 bits of d) from `state` into *x, *y; returns
 * the state after them. */
static inline unsigned sf_hilbert_decode16(const sf_hilbert_tables *t, unsigned state, uint32_t d,
                                           uint32_t *x, uint32_t *y)
{
    uint32_t rx = 0, ry = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        unsigned e = t->decode[state][(d >> shift) & 255];
        rx = rx << 4 | ((e >> 6) & 15);
        ry = ry << 4 | ((e >> 2) & 15);
        state = e & 3;
    }
    *x = rx;
    *y = ry;
    return state;
}

#endif
