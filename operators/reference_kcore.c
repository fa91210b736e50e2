/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_kcore(const sf_graph *g, uint64_t *core)
{
    (void)g; (void)core;
    return -ENOSYS;
}
