/* A plain CSR load written out: what a careful programmer writes in an
 * afternoon, with the digit loop of shardflow's text parser (io/digits.h), and
 * nothing of what makes a loader general. bench/load.sh times it beside
 * shardflow's text loads at the same thread counts, so that they can be set
 * against a hand-written program and not only against other loaders (the
 * COST question, asked of loading).
 *
 *   plain_load FILE [THREADS]
 *
 * FILE is a plain edge list of "u v\n" lines with ids of 1-7 digits (what
 * `shardflow convert kron:N F.el` writes up to kron:23; from kron:24 ids
 * have 8 digits); anything else stops it with one line. The graph is taken as undirected (both arcs of each line), like
 * `shardflow info F.el --undirected`. Steps, each timed:
 *   parse    each thread reads its share of the file in 4 MiB blocks
 *            (pread from the page cache into one buffer it reuses) and
 *            parses whole lines into its own array of 32-bit pairs
 *   count    each thread its arcs' endpoints into its own degree table
 *   offsets  per vertex and thread, where each thread writes (no atomics)
 *   scatter  both arcs of every pair into the one neighbour array
 * It leaves out what shardflow's builder also does: comments, CRLF and
 * error lines with their line numbers, sparse or 64-bit ids, degree
 * ordering, sorted and deduplicated neighbour lists, the original-id map,
 * shards and NUMA placement, the memory cap. The sum printed at the end (of
 * sampled neighbours and offsets) keeps the work from being thrown away.
 * The last line, {"load_s": S}, is what bench/load.sh reads. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/digits.h"

#define MAX_THREADS 256
#define BLOCK ((size_t)4 << 20)
#undef LINE_MAX
#define LINE_MAX 4096

static void die(const char *what, const char *path)
{
    fprintf(stderr, "plain_load: %s: %s\n", path, what);
    exit(1);
}

/* One id of 1-7 digits at *p; moves *p past it and the byte after it. */
static inline uint32_t parse_id(const char **p, const char *path)
{
    uint64_t x = sf_digits8(*p);
    unsigned k = sf_leading_digits(x);
    if (k == 0 || k == 8)
        die("a line this program does not read (\"u v\" with ids of 1-7 digits only)", path);
    *p += k + 1;
    return (uint32_t)sf_eight_digits(x << (64 - 8 * k));
}

static double now(void) { return omp_get_wtime(); }

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: plain_load FILE [THREADS]\n");
        return 1;
    }
    const char *path = argv[1];
    int threads = argc == 3 ? atoi(argv[2]) : omp_get_max_threads();
    if (threads < 1 || threads > MAX_THREADS)
        die("threads out of range (1-256)", argc == 3 ? argv[2] : "OMP_NUM_THREADS");
    /* every parallel region below has exactly `threads` threads: thread t
     * fills pairs[t] and deg[t] for t < threads */
    omp_set_dynamic(0);
    omp_set_num_threads(threads);

    double t0 = now();
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        die(strerror(errno), path);
    size_t len = (size_t)st.st_size;
    uint32_t *pairs[MAX_THREADS];
    uint64_t npairs[MAX_THREADS];
    uint32_t maxid[MAX_THREADS];
#pragma omp parallel
    {
        int t = omp_get_thread_num();
        if (omp_get_num_threads() != threads)
            die("OpenMP gave fewer threads than asked", path);
        /* This thread's lines: those that start in its share of the bytes. */
        size_t begin = len * (size_t)t / (size_t)threads;
        size_t end = len * (size_t)(t + 1) / (size_t)threads;
        /* A line is at most LINE_MAX bytes; 8 of slack for the 8-byte loads. */
        char *buf = malloc(BLOCK + LINE_MAX + 8);
        /* The shortest line, "0 0\n", is 4 bytes; pages never touched cost nothing. */
        uint32_t *out = malloc(((end - begin) / 4 + 2) * 2 * sizeof *out);
        if (!buf || !out)
            die("out of memory", path);
        uint64_t n = 0;
        uint32_t m = 0;
        size_t at = begin, carry = 0;
        bool skipping = begin > 0; /* the line under way at `begin` is the previous thread's */
        if (skipping) {
            char c;
            if (pread(fd, &c, 1, begin - 1) != 1)
                die("read failed", path);
            skipping = c != '\n';
        }
        for (;;) {
            /* buf[0, carry) holds the start of a line cut by the last block. */
            ssize_t r = at < len ? pread(fd, buf + carry, BLOCK, (off_t)at) : 0;
            if (r < 0)
                die("read failed", path);
            size_t have = carry + (size_t)r;
            if (have == 0)
                break;
            if (r == 0 && buf[have - 1] != '\n')
                die("no newline at the end", path);
            memset(buf + have, '\n', 8);
            const char *p = buf, *stop = buf + have;
            if (skipping) {
                while (p < stop && *p != '\n')
                    p++;
                if (p == stop) { /* still inside the previous thread's line */
                    at += (size_t)r;
                    carry = 0;
                    continue;
                }
                p++;
                skipping = false;
            }
            /* Parse the whole lines that start before `end`. */
            const char *last = stop;
            while (last > p && last[-1] != '\n')
                last--;
            bool done = false;
            while (p < last) {
                if (at - carry + (size_t)(p - buf) >= end) {
                    done = true;
                    break;
                }
                uint32_t u = parse_id(&p, path);
                uint32_t v = parse_id(&p, path);
                if (p[-1] != '\n')
                    die("a line that is not \"u v\"", path);
                out[2 * n] = u;
                out[2 * n + 1] = v;
                m |= u | v; /* a bound on the largest id, enough for the tables */
                n++;
            }
            if (done || r == 0)
                break;
            carry = (size_t)(stop - last);
            if (carry > LINE_MAX)
                die("a line longer than LINE_MAX bytes", path);
            at += (size_t)r;
            memmove(buf, last, carry);
        }
        free(buf);
        pairs[t] = out;
        npairs[t] = n;
        maxid[t] = m;
    }
    close(fd);

    double t2 = now();
    uint32_t bound = 0;
    for (int t = 0; t < threads; t++)
        bound |= maxid[t];
    size_t nv = (size_t)bound + 1;
    uint64_t *deg[MAX_THREADS];
#pragma omp parallel
    {
        int t = omp_get_thread_num();
        uint64_t *d = calloc(nv, sizeof *d);
        if (!d)
            die("out of memory", path);
        const uint32_t *e = pairs[t];
        for (uint64_t i = 0; i < 2 * npairs[t]; i++)
            d[e[i]]++;
        deg[t] = d;
    }

    double t3 = now();
    /* deg[t][v] becomes where thread t writes v's next neighbour. */
    uint64_t *start = malloc((nv + 1) * sizeof *start);
    if (!start)
        die("out of memory", path);
    uint64_t at = 0;
    for (size_t v = 0; v < nv; v++) {
        start[v] = at;
        for (int t = 0; t < threads; t++) {
            uint64_t c = deg[t][v];
            deg[t][v] = at;
            at += c;
        }
    }
    start[nv] = at;

    double t4 = now();
    uint32_t *adj = malloc(at * sizeof *adj);
    if (!adj)
        die("out of memory", path);
#pragma omp parallel
    {
        int t = omp_get_thread_num();
        uint64_t *cur = deg[t];
        const uint32_t *e = pairs[t];
        for (uint64_t i = 0; i < npairs[t]; i++) {
            uint32_t u = e[2 * i], v = e[2 * i + 1];
            adj[cur[u]++] = v;
            adj[cur[v]++] = u;
        }
    }
    double t5 = now();

    uint64_t lines = 0, sum = 0;
    for (int t = 0; t < threads; t++)
        lines += npairs[t];
    for (uint64_t i = 0; i < at; i += 4099)
        sum += adj[i];
    for (size_t v = 0; v <= nv; v += 4099)
        sum += start[v];
    double total = t5 - t0;
    printf("plain_load %s, %d threads: %llu lines, %zu vertex slots, %llu arcs (check %llu)\n",
           path, threads, (unsigned long long)lines, nv, (unsigned long long)at,
           (unsigned long long)sum);
    printf("  parse %.3f  count %.3f  offsets %.3f  scatter %.3f  s; %.1f M lines/s\n", t2 - t0,
           t3 - t2, t4 - t3, t5 - t4, lines / total / 1e6);
    printf("{\"load_s\": %.6f}\n", total);
    return 0;
}
