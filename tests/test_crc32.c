/* io/crc32: sf_crc32_update is zlib's crc32 to the bit. The reference is
 * zlib itself (an independent, table-driven implementation) plus the
 * published check value of CRC-32; the folding path is exercised at every
 * length around its thresholds, at every alignment, from several starting
 * values, and over patterns a folding bug would hit differently (zeros,
 * ones, one set bit anywhere). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/crc32.h"

static uint32_t zlib_crc(uint32_t crc, const unsigned char *p, size_t len)
{
    return (uint32_t)crc32(crc, p, (uInt)len);
}

static unsigned char *noise(size_t len, uint64_t seed)
{
    unsigned char *p = malloc(len ? len : 1);
    cr_assert_not_null(p);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = (unsigned char)(x >> 24);
    }
    return p;
}

Test(crc32, known_check_values)
{
    cr_assert_eq(sf_crc32_update(0, "123456789", 9), 0xCBF43926u, "the CRC-32 check value");
    cr_assert_eq(sf_crc32_update(0, "", 0), 0);
    cr_assert_eq(sf_crc32_update(0x12345678u, "", 0), 0x12345678u, "nothing added, nothing changed");
    /* 4096 zero bytes: long enough for the folding path */
    unsigned char zeros[4096] = {0};
    cr_assert_eq(sf_crc32_update(0, zeros, sizeof zeros), zlib_crc(0, zeros, sizeof zeros));
}

Test(crc32, every_length_and_alignment_matches_zlib)
{
    unsigned char *buf = noise(4096 + 64, 1);
    const uint32_t starts[] = {0, 1, 0xffffffffu, 0xCBF43926u};
    for (size_t len = 0; len <= 1300; len++)
        for (size_t align = 0; align < 16; align++)
            for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
                uint32_t want = zlib_crc(starts[s], buf + align, len);
                uint32_t got = sf_crc32_update(starts[s], buf + align, len);
                if (got != want)
                    cr_assert_fail("length %zu at offset %zu from %08x: %08x, zlib %08x", len, align,
                             starts[s], got, want);
            }
    free(buf);
}

Test(crc32, one_set_bit_anywhere_and_uniform_bytes)
{
    size_t len = 1024 + 48 + 7; /* folds by 64, then by 16, then a tail */
    unsigned char *buf = calloc(len, 1);
    for (size_t bit = 0; bit < 8 * len; bit++) {
        buf[bit / 8] = (unsigned char)(1u << bit % 8);
        cr_assert_eq(sf_crc32_update(0, buf, len), zlib_crc(0, buf, len), "bit %zu", bit);
        buf[bit / 8] = 0;
    }
    memset(buf, 0xff, len);
    cr_assert_eq(sf_crc32_update(0, buf, len), zlib_crc(0, buf, len), "all ones");
    free(buf);
}

Test(crc32, pieces_chain_and_combine_like_zlib)
{
    size_t len = (9u << 20) + 13; /* more than two 4 MiB snapshot blocks */
    unsigned char *buf = noise(len, 2);
    uint32_t whole = zlib_crc(0, buf, len);
    cr_assert_eq(sf_crc32_update(0, buf, len), whole);
    size_t cuts[] = {1, 255, 256, 4096 + 3, 4u << 20, len - 17};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        size_t a = cuts[i];
        uint32_t first = sf_crc32_update(0, buf, a);
        cr_assert_eq(sf_crc32_update(first, buf + a, len - a), whole, "chained at %zu", a);
        uint32_t second = sf_crc32_update(0, buf + a, len - a);
        cr_assert_eq((uint32_t)crc32_combine(first, second, (z_off_t)(len - a)), whole,
                     "combined at %zu", a);
    }
    free(buf);
}
