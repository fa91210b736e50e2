/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_cdlp.h"

#include <errno.h>

int sf_baseline_cdlp(const sf_graph *g, int iterations, uint64_t *label)
{
    (void)g; (void)iterations; (void)label;
    return -ENOSYS;
}
