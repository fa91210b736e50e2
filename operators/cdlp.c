/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_cdlp(sf_engine *e, int iterations, uint64_t *label, sf_iteration_log *log)
{
    (void)e; (void)iterations; (void)label; (void)log;
    return -ENOSYS;
}
