/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_bfs(const sf_graph *g, sf_vid source, int64_t *depth)
{
    (void)g; (void)source; (void)depth;
    return -ENOSYS;
}
