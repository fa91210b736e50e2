/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_tc.h"

#include <errno.h>

int sf_baseline_tc(const sf_graph *g, uint64_t *triangles)
{
    (void)g; (void)triangles;
    return -ENOSYS;
}
