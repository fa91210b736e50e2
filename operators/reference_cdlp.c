/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_cdlp(const sf_graph *g, int iterations, uint64_t *label)
{
    (void)g; (void)iterations; (void)label;
    return -ENOSYS;
}
