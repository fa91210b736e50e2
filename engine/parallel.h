/* Small parallel building blocks shared by the builder, the engine and the
 * readers: prefix sums over large arrays, run on the current OpenMP team,
 * and a page-size hint for big arrays. (The environment switches and knobs
 * every layer reads are engine/env.h's.) */
#ifndef SF_PARALLEL_H
#define SF_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first item of part `part` when `total` items are cut into `parts`
 * near-equal consecutive parts: total * part / parts rounded down, exact
 * for any 64-bit total (part == parts gives total). */
static inline uint64_t sf_part_first(uint64_t total, uint64_t part, uint64_t parts)
{
    return (uint64_t)((unsigned __int128)total * part / parts);
}

/* Replaces a[0..n) by its exclusive prefix sum and returns the total. */
uint64_t sf_exclusive_scan_u64(uint64_t *a, uint64_t n);
/* The same over 32-bit counts; the total must fit in 32 bits except that it
 * is returned in 64 (callers check it against their own limits). */
uint64_t sf_exclusive_scan_u32(uint32_t *a, uint64_t n);

/* Asks the kernel to back the whole 2 MiB pages inside [p, p + bytes) with
 * transparent huge pages: a hint, ignored where THP is off, and best given
 * before the memory is first touched. Big arrays written at thousands of
 * places at once, or read at random, use it to stay clear of TLB misses and
 * to take a fault per 2 MiB rather than per 4 KiB. */
void sf_advise_huge(void *p, uint64_t bytes);

/* The opposite hint (MADV_NOHUGEPAGE) for [p, p + bytes): pages of 4 KiB,
 * so that an array filled at many places at once becomes resident as it
 * fills, not 2 MiB at its first touch of each huge page (the allocator asks
 * for huge pages everywhere: cli/main.c). */
void sf_advise_small_pages(void *p, uint64_t bytes);

/* Gives the whole pages inside [p, p + bytes) back to the kernel
 * (MADV_DONTNEED): they stop counting in the resident set, and read as
 * zeros if touched again. For big arrays that are read for the last time
 * while other big arrays are being filled. */
void sf_release_pages(void *p, uint64_t bytes);

/* The machine's physical memory in bytes (UINT64_MAX when the OS does not
 * say). The allocator reserves without committing (jemalloc maps with
 * MAP_NORESERVE where the kernel overcommits), so an allocation beyond it
 * succeeds and the process is killed when it touches the pages: sizes that
 * a small input can declare (a Matrix Market size line, a vertex count, a
 * generator's scale) are checked against it first. SF_PHYSICAL_MEMORY=BYTES
 * in the environment stands for it (a container's share, or a test's). */
uint64_t sf_physical_memory(void);

/* "N GiB, more than M GiB of memory" for a one-line refusal of `need`
 * bytes where `memory` bytes are had (MiB below 1 GiB, so that a small
 * SF_PHYSICAL_MEMORY reads as itself). Doubles, so that a need computed
 * from a declared size cannot wrap. */
void sf_memory_words(double need, double memory, char *text, size_t n);

/* Whether `need` bytes exceed sf_physical_memory(); if so, `text` gets
 * sf_memory_words' words for the caller's one line. */
bool sf_beyond_memory(double need, char *text, size_t n);

/* Seconds on a monotonic clock. */
double sf_now(void);

/* With SF_TRACE_LOAD set, prints to stderr the phase that ended, the
 * seconds since the previous mark, the CPU seconds the process spent in
 * them (all threads) and the page faults it took (pages made resident: on
 * a VM whose host takes freed memory back, a fault can cost more than the
 * work around it); all 0 at the first mark. The reader and the builder
 * mark their phases, for whoever tunes them. */
void sf_trace_phase(const char *phase);

/* From now on sf_trace_phase's lines name `rank` ("load phase rank R
 * PHASE ...") and go to file descriptor fd instead of stderr: each MPI
 * rank's own, which stays open when the rank's stderr is silenced. */
void sf_trace_phase_rank(int rank, int fd);

#endif
