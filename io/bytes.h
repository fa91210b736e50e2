/* Small byte-level helpers the readers and writers share: little-endian
 * loads from unaligned bytes (the binary formats are little-endian on disk)
 * and a write that retries until every byte is out. */
#ifndef SF_IO_BYTES_H
#define SF_IO_BYTES_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static inline uint64_t sf_load_le64(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline uint32_t sf_load_le32(const unsigned char *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap32(x);
#endif
    return x;
}

/* Writes all len bytes to fd (in pieces of at most 1 GiB, retrying on
 * EINTR). Returns 0 or -errno. */
static inline int sf_write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len < ((size_t)1 << 30) ? len : (size_t)1 << 30);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

#endif
