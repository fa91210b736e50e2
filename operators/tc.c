/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_tc(sf_engine *e, uint64_t *triangles, sf_iteration_log *log)
{
    (void)e; (void)triangles; (void)log;
    return -ENOSYS;
}
