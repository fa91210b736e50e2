/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log)
{
    (void)e; (void)core; (void)log;
    return -ENOSYS;
}
