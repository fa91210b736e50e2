/* Breadth-first search, the slow obviously-correct way (for --verify and
 * the tests): a FIFO queue from the source along out-arcs; a vertex's depth
 * is set when it is first queued, one more than the vertex that queued it.
 * One thread, nothing shared with the kernel or the baseline. */
#include <errno.h>
#include <stdlib.h>

#include "operators/kernels.h"

int sf_reference_bfs(const sf_graph *g, sf_vid source, int64_t *depth)
{
    sf_vid n = g->num_vertices;
    if (n == 0)
        return 0;
    sf_vid *queue = malloc((size_t)n * sizeof *queue);
    if (!queue)
        return -ENOMEM;
    for (sf_vid v = 0; v < n; v++)
        depth[v] = -1;
    size_t head = 0, tail = 0;
    depth[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
        sf_vid u = queue[head++];
        for (sf_eid i = g->out_offsets[u]; i < g->out_offsets[u + 1]; i++) {
            sf_vid v = g->out_neighbors[i];
            if (depth[v] == -1) {
                depth[v] = depth[u] + 1;
                queue[tail++] = v;
            }
        }
    }
    free(queue);
    return 0;
}
