/* io/crc32: every implementation this processor has is zlib's crc32 to the
 * bit. The reference is zlib itself (an independent, table-driven
 * implementation) plus the published check value of CRC-32; the folding
 * paths are exercised at every length around their thresholds, at every
 * alignment, from several starting values, and over patterns a folding bug
 * would treat differently (zeros, ones, one set bit anywhere). */
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
    for (int impl = SF_CRC32_ZLIB; impl <= (int)sf_crc32_best(); impl++) {
        cr_assert_eq(sf_crc32_update_by(impl, 0, "123456789", 9), 0xCBF43926u,
                     "the CRC-32 check value (implementation %d)", impl);
        cr_assert_eq(sf_crc32_update_by(impl, 0, "", 0), 0);
        cr_assert_eq(sf_crc32_update_by(impl, 0x12345678u, "", 0), 0x12345678u);
        unsigned char zeros[4096] = {0}; /* long enough for every folding path */
        cr_assert_eq(sf_crc32_update_by(impl, 0, zeros, sizeof zeros),
                     zlib_crc(0, zeros, sizeof zeros));
    }
    cr_assert_eq(sf_crc32_update(0, "123456789", 9), 0xCBF43926u);
}

Test(crc32, every_length_and_alignment_matches_zlib)
{
    unsigned char *buf = noise(4096 + 64, 1);
    const uint32_t starts[] = {0, 1, 0xffffffffu, 0xCBF43926u};
    for (int impl = SF_CRC32_ZLIB; impl <= (int)sf_crc32_best(); impl++)
        for (size_t len = 0; len <= 2100; len++)
            for (size_t align = 0; align < 16; align += 1 + (len > 300) * 4)
                for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
                    uint32_t want = zlib_crc(starts[s], buf + align, len);
                    uint32_t got = sf_crc32_update_by(impl, starts[s], buf + align, len);
                    if (got != want)
                        cr_assert_fail("implementation %d, length %zu at offset %zu from %08x: "
                                       "%08x, zlib %08x",
                                       impl, len, align, starts[s], got, want);
                }
    free(buf);
}

Test(crc32, one_set_bit_anywhere_and_uniform_bytes)
{
    size_t len = 1024 + 256 + 64 + 48 + 7; /* every fold width, then a tail */
    unsigned char *buf = calloc(len, 1);
    for (int impl = SF_CRC32_ZLIB; impl <= (int)sf_crc32_best(); impl++) {
        for (size_t bit = 0; bit < 8 * len; bit++) {
            buf[bit / 8] = (unsigned char)(1u << bit % 8);
            cr_assert_eq(sf_crc32_update_by(impl, 0, buf, len), zlib_crc(0, buf, len),
                         "implementation %d, bit %zu", impl, bit);
            buf[bit / 8] = 0;
        }
        memset(buf, 0xff, len);
        cr_assert_eq(sf_crc32_update_by(impl, 0, buf, len), zlib_crc(0, buf, len), "all ones");
        memset(buf, 0, len);
    }
    free(buf);
}

Test(crc32, pieces_chain_and_combine_like_zlib)
{
    size_t len = (9u << 20) + 13; /* more than two 4 MiB snapshot blocks */
    unsigned char *buf = noise(len, 2);
    uint32_t whole = zlib_crc(0, buf, len);
    size_t cuts[] = {1, 255, 256, 1024, 4096 + 3, 4u << 20, len - 17};
    for (int impl = SF_CRC32_ZLIB; impl <= (int)sf_crc32_best(); impl++) {
        cr_assert_eq(sf_crc32_update_by(impl, 0, buf, len), whole, "implementation %d", impl);
        for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
            size_t a = cuts[i];
            uint32_t first = sf_crc32_update_by(impl, 0, buf, a);
            cr_assert_eq(sf_crc32_update_by(impl, first, buf + a, len - a), whole,
                         "implementation %d chained at %zu", impl, a);
            uint32_t second = sf_crc32_update_by(impl, 0, buf + a, len - a);
            cr_assert_eq((uint32_t)crc32_combine(first, second, (z_off_t)(len - a)), whole,
                         "implementation %d combined at %zu", impl, a);
        }
    }
    cr_assert_eq(sf_crc32_update(0, buf, len), whole);
    free(buf);
}

Test(crc32, this_processor_gets_its_fastest_implementation)
{
    /* a property of the dispatch, not of timing: on x86-64 with PCLMULQDQ
     * (every x86-64 machine since 2010) the folding is used */
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("pclmul"))
        cr_assert_geq(sf_crc32_best(), SF_CRC32_CLMUL128);
    if (__builtin_cpu_supports("pclmul") && __builtin_cpu_supports("vpclmulqdq") &&
        __builtin_cpu_supports("avx512f"))
        cr_assert_eq(sf_crc32_best(), SF_CRC32_CLMUL512);
#else
    cr_assert_eq(sf_crc32_best(), SF_CRC32_ZLIB);
#endif
}
