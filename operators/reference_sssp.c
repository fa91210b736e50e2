/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_sssp(const sf_graph *g, sf_vid source, double *dist)
{
    (void)g; (void)source; (void)dist;
    return -ENOSYS;
}
