/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_bfs.h"

#include <errno.h>

int sf_baseline_bfs(const sf_graph *g, sf_vid source, int64_t *depth)
{
    (void)g; (void)source; (void)depth;
    return -ENOSYS;
}
