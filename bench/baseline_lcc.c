/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "bench/baseline_lcc.h"

#include <errno.h>

int sf_baseline_lcc(const sf_graph *g, double *lcc)
{
    (void)g; (void)lcc;
    return -ENOSYS;
}
