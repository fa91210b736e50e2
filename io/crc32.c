/* CRC-32 by folding (Gopal et al., "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ Instruction", Intel, 2009). The one idea: a
 * CRC only depends on the message modulo the polynomial P, and a 128-bit
 * piece A followed by D more bits is congruent to A times (x^D mod P), a
 * multiplication of 64-bit halves by 32-bit constants that PCLMULQDQ does
 * in one instruction. Four accumulators (16 bytes each, or 64 with
 * VPCLMULQDQ) move over the data, are folded into one 16-byte remainder
 * congruent to everything before it, and the CRC of that remainder and of
 * the tail is zlib's crc32. The constants x^D mod P are computed here from
 * P, once. */
#include "io/crc32.h"

#include <stdbool.h>
#include <zlib.h>

/* zlib's own loop, in pieces it can count (uInt). */
static uint32_t crc32_zlib(uint32_t crc, const unsigned char *p, size_t len)
{
    uLong c = crc;
    while (len > 0) {
        uInt chunk = len < (1u << 30) ? (uInt)len : 1u << 30;
        c = crc32(c, p, chunk);
        p += chunk;
        len -= chunk;
    }
    return (uint32_t)c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <pthread.h>

#define HAVE_CLMUL 1
#define MIN_BYTES_128 256   /* below this zlib's loop is as fast */
#define MIN_BYTES_512 1024  /* below this the 128-bit folding is */

/* Bit-reflected 64-bit form of x^n mod P: coefficient of x^d at bit 63 - d,
 * the order in which a little-endian load holds a reflected CRC's bits. */
static uint64_t reflected_power(unsigned n)
{
    uint64_t r = 1; /* x^0, normal order: coefficient of x^d at bit d */
    for (unsigned i = 0; i < n; i++) {
        r <<= 1;
        if (r >> 32)
            r ^= 0x104C11DB7u;
    }
    uint64_t reflected = 0;
    for (int d = 0; d < 32; d++)
        if (r >> d & 1)
            reflected |= (uint64_t)1 << (63 - d);
    return reflected;
}

/* Folding a 128-bit accumulator X over D bits: X is X_hi x^64 + X_lo, its
 * first (high-degree) half in the low quadword of the register. A
 * carry-less product of reflected operands is the product times x, so the
 * constant for D is {x^(64 + D - 1) mod P, x^(D - 1) mod P}, by the low and
 * the high quadword. */
typedef struct fold_constant {
    uint64_t lo, hi;
} fold_constant;

static fold_constant fold_by(unsigned bits)
{
    return (fold_constant){reflected_power(64 + bits - 1), reflected_power(bits - 1)};
}

static struct {
    fold_constant by128, by512, by2048;
    enum sf_crc32_impl best;
} fast;

static void init_fast(void)
{
    fast.by128 = fold_by(128);
    fast.by512 = fold_by(512);
    fast.by2048 = fold_by(2048);
    __builtin_cpu_init();
    enum sf_crc32_impl best = SF_CRC32_ZLIB;
    if (__builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1"))
        best = SF_CRC32_CLMUL128;
    if (best && __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("avx512f"))
        best = SF_CRC32_CLMUL512;
    fast.best = best;
}

enum sf_crc32_impl sf_crc32_best(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_fast);
    return fast.best;
}

#define TARGET_128 __attribute__((target("pclmul,sse4.1")))
#define TARGET_512 __attribute__((target("pclmul,sse4.1,vpclmulqdq,avx512f")))

TARGET_128 static inline __m128i constant_128(fold_constant k)
{
    return _mm_set_epi64x((long long)k.hi, (long long)k.lo);
}

/* x moved over D bits (k for D) and added to the data there. */
TARGET_128 static inline __m128i fold_128(__m128i x, __m128i k, __m128i next)
{
    __m128i first = _mm_clmulepi64_si128(x, k, 0x00); /* X_hi by x^(64 + D - 1) */
    __m128i second = _mm_clmulepi64_si128(x, k, 0x11); /* X_lo by x^(D - 1) */
    return _mm_xor_si128(_mm_xor_si128(first, second), next);
}

TARGET_128 static inline __m128i load_128(const unsigned char *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/* The accumulator x stands for everything before p: fold in the whole
 * 16-byte pieces left, then zlib finishes with the remainder's CRC from a
 * zero register (zlib's value 0xffffffff) and the tail. */
TARGET_128 static uint32_t finish_128(__m128i x, const unsigned char *p, size_t len)
{
    const __m128i k128 = constant_128(fast.by128);
    for (; len >= 16; p += 16, len -= 16)
        x = fold_128(x, k128, load_128(p));
    unsigned char rest[16];
    _mm_storeu_si128((__m128i *)rest, x);
    uLong c = crc32(0xffffffffu, rest, sizeof rest);
    return (uint32_t)crc32(c, p, (uInt)len);
}

/* len >= 64. zlib's running value is the register complemented; the
 * register xored into the first four bytes is the same as starting from
 * zero. */
TARGET_128 static uint32_t crc32_clmul128(uint32_t crc, const unsigned char *p, size_t len)
{
    const __m128i k512 = constant_128(fast.by512), k128 = constant_128(fast.by128);
    __m128i x0 = _mm_xor_si128(load_128(p), _mm_cvtsi32_si128((int)~crc));
    __m128i x1 = load_128(p + 16), x2 = load_128(p + 32), x3 = load_128(p + 48);
    for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
        x0 = fold_128(x0, k512, load_128(p));
        x1 = fold_128(x1, k512, load_128(p + 16));
        x2 = fold_128(x2, k512, load_128(p + 32));
        x3 = fold_128(x3, k512, load_128(p + 48));
    }
    return finish_128(fold_128(fold_128(fold_128(x0, k128, x1), k128, x2), k128, x3), p, len);
}

/* The same with four 512-bit accumulators, each four 128-bit ones side by
 * side: 256 bytes a step. */
TARGET_512 static inline __m512i fold_512(__m512i x, __m512i k, __m512i next)
{
    __m512i first = _mm512_clmulepi64_epi128(x, k, 0x00);
    __m512i second = _mm512_clmulepi64_epi128(x, k, 0x11);
    return _mm512_ternarylogic_epi64(first, second, next, 0x96); /* a ^ b ^ c */
}

TARGET_512 static inline __m512i load_512(const unsigned char *p)
{
    return _mm512_loadu_si512((const void *)p);
}

/* len >= 256. */
TARGET_512 static uint32_t crc32_clmul512(uint32_t crc, const unsigned char *p, size_t len)
{
    const __m512i k2048 = _mm512_broadcast_i32x4(constant_128(fast.by2048));
    const __m512i k512 = _mm512_broadcast_i32x4(constant_128(fast.by512));
    const __m128i k128 = constant_128(fast.by128);
    __m512i start = _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)~crc));
    __m512i z0 = _mm512_xor_si512(load_512(p), start);
    __m512i z1 = load_512(p + 64), z2 = load_512(p + 128), z3 = load_512(p + 192);
    for (p += 256, len -= 256; len >= 256; p += 256, len -= 256) {
        z0 = fold_512(z0, k2048, load_512(p));
        z1 = fold_512(z1, k2048, load_512(p + 64));
        z2 = fold_512(z2, k2048, load_512(p + 128));
        z3 = fold_512(z3, k2048, load_512(p + 192));
    }
    __m512i z = fold_512(fold_512(fold_512(z0, k512, z1), k512, z2), k512, z3);
    for (; len >= 64; p += 64, len -= 64)
        z = fold_512(z, k512, load_512(p));
    /* its four lanes are four consecutive 16-byte accumulators */
    __m128i x = fold_128(_mm512_extracti32x4_epi32(z, 0), k128, _mm512_extracti32x4_epi32(z, 1));
    x = fold_128(x, k128, _mm512_extracti32x4_epi32(z, 2));
    x = fold_128(x, k128, _mm512_extracti32x4_epi32(z, 3));
    return finish_128(x, p, len);
}

#else
enum sf_crc32_impl sf_crc32_best(void)
{
    return SF_CRC32_ZLIB;
}
#endif

uint32_t sf_crc32_update_by(enum sf_crc32_impl impl, uint32_t crc, const void *data, size_t len)
{
#ifdef HAVE_CLMUL
    if (impl == SF_CRC32_CLMUL512 && len >= MIN_BYTES_512)
        return crc32_clmul512(crc, data, len);
    if (impl >= SF_CRC32_CLMUL128 && len >= MIN_BYTES_128)
        return crc32_clmul128(crc, data, len);
#endif
    (void)impl;
    return crc32_zlib(crc, data, len);
}

uint32_t sf_crc32_update(uint32_t crc, const void *data, size_t len)
{
    return sf_crc32_update_by(sf_crc32_best(), crc, data, len);
}
