/* Frontier bookkeeping, run shard by shard on the owning workers. */
#include "frontier.h"

#include <stdlib.h>
#include <string.h>

int sf_frontier_init(sf_frontier *f, sf_engine *e)
{
    memset(f, 0, sizeof *f);
    /* engine arrays are per vertex: one byte a vertex holds the n/8-byte
     * bitmap (rounded up to whole words) with room to spare */
    f->bits = sf_engine_alloc(e, 1);
    f->list = sf_engine_alloc(e, sizeof(sf_vid));
    f->list_len = calloc(sf_engine_num_shards(e) + 1, sizeof *f->list_len);
    if (!f->bits || !f->list || !f->list_len) {
        sf_frontier_fini(f, e);
        return -ENOMEM;
    }
    return 0;
}

void sf_frontier_fini(sf_frontier *f, sf_engine *e)
{
    sf_engine_free(e, f->bits);
    sf_engine_free(e, f->list);
    free(f->list_len);
    memset(f, 0, sizeof *f);
}

struct fill_arg {
    sf_frontier *f;
    bool value;
};

static void fill_shard(sf_shard *s, void *arg)
{
    struct fill_arg *a = arg;
    uint64_t first = s->begin / 64, last = ((uint64_t)s->end + 63) / 64;
    memset(a->f->bits + first, 0, (last - first) * sizeof(uint64_t));
    if (a->value)
        for (sf_vid v = s->begin; v < s->end; v++)
            sf_frontier_add_owned(a->f, v);
}

void sf_frontier_clear(sf_frontier *f, sf_engine *e)
{
    struct fill_arg a = {f, false};
    sf_engine_run(e, fill_shard, &a);
    f->count = f->out_arcs = 0;
    f->has_list = false;
}

void sf_frontier_fill(sf_frontier *f, sf_engine *e)
{
    struct fill_arg a = {f, true};
    sf_engine_run(e, fill_shard, &a);
    sf_frontier_seal(f, e, false);
}

struct seal_arg {
    sf_frontier *f;
    const sf_graph *g;
    bool lists;
};

static void seal_shard(sf_shard *s, void *arg)
{
    struct seal_arg *a = arg;
    const sf_frontier *f = a->f;
    const sf_eid *off = a->g->out_offsets;
    uint64_t count = 0, arcs = 0;
    sf_vid *list = f->list + s->begin;
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++) {
        uint64_t bits = f->bits[word];
        while (bits) {
            sf_vid v = (sf_vid)(word * 64 + __builtin_ctzll(bits));
            bits &= bits - 1;
            if (a->lists)
                list[count] = v;
            count++;
            arcs += off[v + 1] - off[v];
        }
    }
    a->f->list_len[s->index] = (sf_vid)count;
    s->count = count;
    s->count2 = arcs;
}

void sf_frontier_seal(sf_frontier *f, sf_engine *e, bool lists)
{
    struct seal_arg a = {f, sf_engine_graph(e), lists};
    sf_engine_run(e, seal_shard, &a);
    f->count = sf_engine_count(e);
    f->out_arcs = sf_engine_count2(e);
    f->has_list = lists;
}

/* Any worker appends anywhere in a queue: it has no home shard to be
 * placed with, so it is plain memory, which the allocator hands out again
 * without clearing (an engine array is cleared on every allocation: 4
 * bytes a vertex, 5% of a BFS of kron:20). */
int sf_queue_init(sf_queue *q, const sf_graph *g)
{
    memset(q, 0, sizeof *q);
    q->items = malloc(((size_t)g->num_vertices + 1) * sizeof *q->items);
    return q->items ? 0 : -ENOMEM;
}

void sf_queue_fini(sf_queue *q)
{
    free(q->items);
    memset(q, 0, sizeof *q);
}
