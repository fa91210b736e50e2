/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log)
{
    (void)e; (void)source; (void)depth; (void)log;
    return -ENOSYS;
}
