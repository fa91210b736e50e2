/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_sssp.h"

#include <errno.h>

int sf_baseline_sssp(const sf_graph *g, sf_vid source, double *dist)
{
    (void)g; (void)source; (void)dist;
    return -ENOSYS;
}
