/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_tc(const sf_graph *g, uint64_t *triangles)
{
    (void)g; (void)triangles;
    return -ENOSYS;
}
