/* Writes a plain edge list as a gapbs serialized graph (.sg), undirected
 * and symmetric: both arcs of every line, each row sorted by neighbour.
 * Self-loops and repeated lines are kept as they are (gapbs's builder
 * would drop them; shardflow's drops them when it builds). For measuring
 * how ranks read .sg files (`shardflow convert` does not write them):
 *
 *   sg_from_el IN.el OUT.sg
 *
 * IN holds "u v" lines, ids below 2^31 (what `shardflow convert kron:N
 * F.el` writes); the vertices are 0..largest id. One thread; a line that
 * is not "u v" stops it with one line: a tool, not a reader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/graph.h"

static void die(const char *what, const char *path)
{
    fprintf(stderr, "sg_from_el: %s: %s\n", path, what);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sg_from_el IN.el OUT.sg\n");
        return 1;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in)
        die("cannot open", argv[1]);
    uint64_t lines = 0, cap = 1 << 20, n = 0;
    uint32_t(*pairs)[2] = malloc(cap * sizeof *pairs);
    unsigned long long u, v;
    while (pairs && fscanf(in, "%llu %llu", &u, &v) == 2) {
        if (u >= (1ull << 31) || v >= (1ull << 31))
            die("an id of 2^31 or more", argv[1]);
        if (lines == cap)
            pairs = realloc(pairs, (cap *= 2) * sizeof *pairs);
        if (!pairs)
            break;
        pairs[lines][0] = (uint32_t)u, pairs[lines][1] = (uint32_t)v;
        lines++;
        n = u + 1 > n ? u + 1 : n;
        n = v + 1 > n ? v + 1 : n;
    }
    if (pairs && !feof(in))
        die("a line that is not \"u v\"", argv[1]);
    fclose(in);
    int64_t *offsets = calloc(n + 1, sizeof *offsets), *at = malloc((n + 1) * sizeof *at);
    uint32_t *neighbours = malloc((2 * lines + 1) * sizeof *neighbours);
    if (!pairs || !offsets || !at || !neighbours)
        die("out of memory", argv[1]);
    for (uint64_t i = 0; i < lines; i++)
        offsets[pairs[i][0] + 1]++, offsets[pairs[i][1] + 1]++;
    for (uint64_t x = 0; x < n; x++)
        offsets[x + 1] += offsets[x];
    memcpy(at, offsets, (n + 1) * sizeof *at);
    for (uint64_t i = 0; i < lines; i++) {
        neighbours[at[pairs[i][0]]++] = pairs[i][1];
        neighbours[at[pairs[i][1]]++] = pairs[i][0];
    }
    for (uint64_t x = 0; x < n; x++)
        qsort(neighbours + offsets[x], (size_t)(offsets[x + 1] - offsets[x]), sizeof *neighbours,
              sf_compare_vid);
    FILE *out = fopen(argv[2], "wb");
    if (!out)
        die("cannot create", argv[2]);
    uint8_t directed = 0;
    int64_t arcs = (int64_t)(2 * lines), vertices = (int64_t)n; /* little endian, as x86 is */
    if (fwrite(&directed, 1, 1, out) != 1 || fwrite(&arcs, 8, 1, out) != 1 ||
        fwrite(&vertices, 8, 1, out) != 1 || fwrite(offsets, 8, n + 1, out) != n + 1 ||
        fwrite(neighbours, 4, 2 * lines, out) != 2 * lines || fclose(out) != 0)
        die("cannot write", argv[2]);
    free(pairs);
    free(offsets);
    free(at);
    free(neighbours);
    return 0;
}
