/* Parallel prefix sums: each thread sums its static block, the block totals
 * are scanned serially (one per thread), then each thread rescans its block
 * from its offset. Two passes over memory, no atomics. */
#include "parallel.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define SCAN_BODY(T)                                                          \
    if (n < (1u << 16) || omp_get_max_threads() == 1) {                       \
        uint64_t sum = 0;                                                     \
        for (uint64_t i = 0; i < n; i++) {                                    \
            uint64_t c = a[i];                                                \
            a[i] = (T)sum;                                                    \
            sum += c;                                                         \
        }                                                                     \
        return sum;                                                           \
    }                                                                         \
    int threads = omp_get_max_threads();                                      \
    uint64_t *block_sum = calloc((size_t)threads + 1, sizeof *block_sum);     \
    uint64_t total = 0;                                                       \
    _Pragma("omp parallel num_threads(threads)")                              \
    {                                                                         \
        int t = omp_get_thread_num(), nt = omp_get_num_threads();             \
        uint64_t lo = n * t / nt, hi = n * (t + 1) / nt, sum = 0;             \
        for (uint64_t i = lo; i < hi; i++)                                    \
            sum += a[i];                                                      \
        block_sum[t + 1] = sum;                                               \
        _Pragma("omp barrier")                                                \
        _Pragma("omp single")                                                 \
        {                                                                     \
            for (int k = 1; k <= nt; k++)                                     \
                block_sum[k] += block_sum[k - 1];                             \
            total = block_sum[nt];                                            \
        }                                                                     \
        sum = block_sum[t];                                                   \
        for (uint64_t i = lo; i < hi; i++) {                                  \
            uint64_t c = a[i];                                                \
            a[i] = (T)sum;                                                    \
            sum += c;                                                         \
        }                                                                     \
    }                                                                         \
    free(block_sum);                                                          \
    return total;

uint64_t sf_exclusive_scan_u64(uint64_t *a, uint64_t n)
{
    SCAN_BODY(uint64_t)
}

uint64_t sf_exclusive_scan_u32(uint32_t *a, uint64_t n)
{
    SCAN_BODY(uint32_t)
}

/* madvise over the whole pages inside [p, p + bytes): the allocator may
 * start a large block anywhere in its first page. */
static void advise_pages(void *p, uint64_t bytes, int advice)
{
    const uintptr_t page = 4096;
    uintptr_t first = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(page - 1);
    if (last > first)
        madvise((void *)first, last - first, advice);
}

void sf_release_pages(void *p, uint64_t bytes)
{
    advise_pages(p, bytes, MADV_DONTNEED);
}

void sf_advise_small_pages(void *p, uint64_t bytes)
{
#ifdef MADV_NOHUGEPAGE
    advise_pages(p, bytes, MADV_NOHUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void sf_advise_huge(void *p, uint64_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t first = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (last > first)
        madvise((void *)first, last - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

uint64_t sf_physical_memory(void)
{
    const char *given = getenv("SF_PHYSICAL_MEMORY");
    if (given && *given) {
        char *end;
        unsigned long long bytes = strtoull(given, &end, 10);
        if (*end == '\0' && bytes > 0)
            return bytes;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
}

/* Bytes in GiB, or MiB below 1 GiB. */
static void memory_amount(double bytes, char *text, size_t n)
{
    if (bytes >= (double)(1ULL << 30))
        snprintf(text, n, "%.1f GiB", bytes / (double)(1ULL << 30));
    else
        snprintf(text, n, "%.1f MiB", bytes / (double)(1ULL << 20));
}

void sf_memory_words(double need, double memory, char *text, size_t n)
{
    char a[48], b[48];
    memory_amount(need, a, sizeof a);
    memory_amount(memory, b, sizeof b);
    snprintf(text, n, "%s, more than %s of memory", a, b);
}

bool sf_beyond_memory(double need, char *text, size_t n)
{
    double memory = (double)sf_physical_memory();
    if (need <= memory)
        return false;
    sf_memory_words(need, memory, text, n);
    return true;
}

double sf_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Set by sf_trace_phase_rank: the rank lines name (-1: none) and where they
 * go. */
static int trace_rank = -1, trace_fd = 2;

void sf_trace_phase_rank(int rank, int fd)
{
    trace_rank = rank;
    trace_fd = fd;
}

void sf_trace_phase(const char *phase)
{
    static int enabled = -1;
    static double last, last_cpu;
    static long last_faults;
    if (enabled < 0)
        enabled = getenv("SF_TRACE_LOAD") != NULL;
    if (!enabled)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    struct rusage ru;
    long faults = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt + ru.ru_majflt : 0;
    double now = sf_now(), cpu = ts.tv_sec + ts.tv_nsec * 1e-9;
    char rank[32] = "";
    if (trace_rank >= 0)
        snprintf(rank, sizeof rank, "rank %d ", trace_rank);
    /* one write a line (dprintf's), so that the lines of ranks that share a
     * terminal stay whole */
    dprintf(trace_fd, "load phase %s%-12s %.3f s %.3f cpu-s %ld faults\n", rank, phase,
            last ? now - last : 0.0, last ? cpu - last_cpu : 0.0, last ? faults - last_faults : 0);
    last = now;
    last_cpu = cpu;
    last_faults = faults;
}
