/* The bytes of a .sfg snapshot as io/snapshot.h documents them, for the
 * tests that craft or damage snapshots (test_snapshot, the snapshot fuzz
 * target): little-endian fields, and the checksums recomputed from the
 * layout alone with zlib's crc32, not with the reader's code. */
#ifndef SF_TEST_SFG_BYTES_H
#define SF_TEST_SFG_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

static inline uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const unsigned char *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline void put32(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(x >> 8 * i);
}

static inline void put64(unsigned char *p, uint64_t x)
{
    put32(p, (uint32_t)x);
    put32(p + 4, (uint32_t)(x >> 32));
}

/* The header's crc32, over bytes [0, 128 + 32 * sections) of buf[0..len)
 * as far as they exist, with its own field (bytes 76 to 79) as zero.
 * len >= 80. */
static inline uint32_t header_crc_of(const unsigned char *buf, size_t len)
{
    uint64_t end = 128 + 32 * (uint64_t)le32(buf + 72);
    end = end < len ? end : len;
    unsigned char zero[4] = {0};
    uLong crc = crc32(0, buf, 76);
    crc = crc32(crc, zero, 4);
    return (uint32_t)crc32(crc, buf + 80, (uInt)(end - 80));
}

/* Each table entry's crc32 (of the entries that lie in buf[0..len), those
 * whose section does too), then the header's: an edited snapshot whose
 * checksums agree again, so that a load gets past them to the checks of
 * structure. A buffer too short to hold the header's crc is left alone. */
static inline void fix_checksums(unsigned char *buf, size_t len)
{
    if (len < 80)
        return;
    uint64_t table_end = 128 + 32 * (uint64_t)le32(buf + 72);
    for (uint64_t e = 128; e + 32 <= table_end && e + 32 <= len; e += 32) {
        uint64_t off = le64(buf + e + 8), bytes = le64(buf + e + 16);
        if (off <= len && bytes <= len - off)
            put32(buf + e + 24, (uint32_t)crc32(0, buf + off, (uInt)bytes));
    }
    put32(buf + 76, header_crc_of(buf, len));
}

#endif
