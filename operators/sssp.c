/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_sssp(sf_engine *e, sf_vid source, double delta, double *dist, sf_iteration_log *log)
{
    (void)e; (void)source; (void)delta; (void)dist; (void)log;
    return -ENOSYS;
}
