/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_kcore.h"

#include <errno.h>

int sf_baseline_kcore(const sf_graph *g, uint64_t *core)
{
    (void)g; (void)core;
    return -ENOSYS;
}
