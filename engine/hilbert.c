/* Building the Hilbert tables (hilbert.h): each entry walks its 4 levels
 * bit by bit once, as the textbook xy2d/d2xy do. */
#include "hilbert.h"

enum { H_SWAP = 1, H_COMPLEMENT = 2 };

static unsigned hilbert_next_state(unsigned state, unsigned rx, unsigned ry)
{
    if (ry == 0) {
        if (rx == 1)
            state ^= H_COMPLEMENT;
        state ^= H_SWAP;
    }
    return state;
}

void sf_hilbert_tables_init(sf_hilbert_tables *t)
{
    for (unsigned state0 = 0; state0 < 4; state0++) {
        for (unsigned in = 0; in < 256; in++) {
            unsigned state = state0, d = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned rx = (in >> (4 + level)) & 1, ry = (in >> level) & 1;
                if (state & H_COMPLEMENT) {
                    rx ^= 1;
                    ry ^= 1;
                }
                if (state & H_SWAP) {
                    unsigned swap = rx;
                    rx = ry;
                    ry = swap;
                }
                d = d << 2 | ((3 * rx) ^ ry);
                state = hilbert_next_state(state, rx, ry);
            }
            t->encode[state0][in] = (uint16_t)(d << 2 | state);

            state = state0;
            unsigned x = 0, y = 0;
            for (int level = 3; level >= 0; level--) {
                unsigned q = (in >> (2 * level)) & 3;
                unsigned rx = q >> 1, ry = (q ^ rx) & 1;
                unsigned bx = rx, by = ry; /* undo the state: its own inverse */
                if (state & H_SWAP) {
                    bx = ry;
                    by = rx;
                }
                if (state & H_COMPLEMENT) {
                    bx ^= 1;
                    by ^= 1;
                }
                x = x << 1 | bx;
                y = y << 1 | by;
                state = hilbert_next_state(state, rx, ry);
            }
            t->decode[state0][in] = (uint16_t)((x << 4 | y) << 2 | state);
        }
    }
}
