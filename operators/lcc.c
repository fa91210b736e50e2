/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_lcc(sf_engine *e, double *lcc, sf_iteration_log *log)
{
    (void)e; (void)lcc; (void)log;
    return -ENOSYS;
}
