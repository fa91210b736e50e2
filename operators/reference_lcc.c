/* Placeholder until the kernel is written: fails with -ENOSYS. */
#include "operators/kernels.h"

#include <errno.h>

int sf_reference_lcc(const sf_graph *g, double *lcc)
{
    (void)g; (void)lcc;
    return -ENOSYS;
}
