/* Afforest's skip step, for the engine's WCC and its baseline. */
#include "operators/union_find.h"

#include <stdlib.h>

#define SAMPLES 1024

sf_vid sf_uf_most_frequent_root(const sf_vid *comp, sf_vid n)
{
    sf_vid sample[SAMPLES];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < SAMPLES; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        sample[i] = comp[x % n];
    }
    /* sorted, then the longest run (the smallest root of equal runs) */
    qsort(sample, SAMPLES, sizeof *sample, sf_compare_vid);
    sf_vid best = sample[0];
    int best_run = 0, run = 0;
    for (int i = 0; i < SAMPLES; i++) {
        run = i && sample[i] == sample[i - 1] ? run + 1 : 1;
        if (run > best_run) {
            best_run = run;
            best = sample[i];
        }
    }
    return best;
}
