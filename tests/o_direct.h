/* Needs _GNU_SOURCE before the first include (O_DIRECT).
 *
 * How the tests of SF_O_DIRECT=1 tell an O_DIRECT read from a buffered
 * one. A read that bypasses the page cache leaves a file's pages out of
 * it, a buffered one brings them in: so a test drops a file's pages, reads
 * it, and counts the pages the cache holds (mincore on a mapping of the
 * file, which the kernel answers for a file the caller may write). Whether
 * a folder's file system takes O_DIRECT at all: where it does not, open(2)
 * fails with EINVAL, and shardflow says so once on stderr. */
#ifndef SF_TEST_O_DIRECT_H
#define SF_TEST_O_DIRECT_H

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Pages of bytes [offset, offset + len) of PATH (clipped to its size) that
 * are in the page cache. */
static inline size_t cached_pages(const char *path, uint64_t offset, uint64_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), size = (uint64_t)st.st_size;
    uint64_t start = offset / page * page, end = len < size - offset ? offset + len : size;
    size_t count = 0;
    if (offset < size && end > start) {
        size_t bytes = (size_t)(end - start), pages = (size_t)((bytes + page - 1) / page);
        void *map = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, (off_t)start);
        cr_assert_neq(map, MAP_FAILED, "%s: %s", path, strerror(errno));
        unsigned char *resident = malloc(pages);
        cr_assert_not_null(resident);
        cr_assert_eq(mincore(map, bytes, resident), 0, "%s: %s", path, strerror(errno));
        for (size_t i = 0; i < pages; i++)
            count += resident[i] & 1;
        free(resident);
        munmap(map, bytes);
    }
    close(fd);
    return count;
}

/* Writes PATH's dirty pages out, then asks the kernel to drop all of its
 * pages from the cache. Returns whether none is left: a file system whose
 * files live in memory (tmpfs) keeps them, and there the cache cannot tell
 * an O_DIRECT read from a buffered one. */
static inline bool drop_cached_pages(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
    cr_assert_eq(fsync(fd), 0, "%s: %s", path, strerror(errno));
    cr_assert_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    close(fd);
    return cached_pages(path, 0, UINT64_MAX) == 0;
}

/* Whether the file system of folder DIR takes O_DIRECT: a file created in
 * it with O_DIRECT opens, or open(2) fails with EINVAL. */
static inline bool takes_o_direct(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/o_direct_probe", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_DIRECT, 0600);
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(path); /* a refusing file system may have made it all the same */
    cr_assert(fd >= 0 || e == EINVAL, "%s: %s", path, strerror(e));
    return fd >= 0;
}

/* Checks the stderr a test redirected (cr_redirect_stderr): where the file
 * system takes O_DIRECT (`taken`) no refusal is noted; where it does not,
 * the notice names `first`, the first file refused, once. */
static inline void expect_o_direct_notice(bool taken, const char *first)
{
    fflush(stderr);
    FILE *f = cr_get_redirected_stderr();
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    char notice[1024];
    snprintf(notice, sizeof notice,
             "shardflow: %s: the file system refuses O_DIRECT, reading through the page cache\n",
             first);
    const char *at = strstr(text, notice);
    if (taken) {
        cr_assert_null(strstr(text, "O_DIRECT"), "O_DIRECT taken, yet: %s", text);
    } else {
        cr_assert_not_null(at, "no notice '%s' in: %s", notice, text);
        cr_assert_null(strstr(at + strlen(notice), "O_DIRECT"), "more than one notice: %s", text);
    }
}

/* Installs the seccomp filter[0..len) in this process, for good: Criterion
 * runs each test in its own process. */
static inline void install_seccomp(struct sock_filter *filter, size_t len)
{
    struct sock_fprog prog = {.len = (unsigned short)len, .filter = filter};
    cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0, "%s", strerror(errno));
}

/* Makes open(2) with O_DIRECT fail with EINVAL in this process, as a file
 * system without O_DIRECT does (tmpfs before Linux 6.6). */
static inline void refuse_o_direct(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_DIRECT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    install_seccomp(filter, sizeof filter / sizeof filter[0]);
}

#endif
