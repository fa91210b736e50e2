/* CRC-32 by folding (Gopal et al., "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ Instruction", Intel, 2009). The one idea: a
 * CRC only depends on the message modulo the polynomial P, and a 128-bit
 * piece A followed by D more bits is congruent to A times (x^D mod P), a
 * multiplication of 64-bit halves by 32-bit constants that PCLMULQDQ does
 * in one instruction. Four 16-byte accumulators move 64 bytes a step; they
 * are folded into one, and the CRC of that last 16-byte remainder, which
 * is congruent to everything before it, and of the tail is zlib's crc32.
 * The constants x^D mod P are computed here from P, once. */
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

#define FAST_MIN_BYTES 256 /* below this zlib's loop is as fast */

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

/* Folding an accumulator X over D bits: X is X_hi x^64 + X_lo, its first
 * (high-degree) half in the low quadword of the register. Carry-less
 * multiplication of reflected operands yields the product times x, so the
 * constants are x^(64 + D - 1) mod P for the low quadword and x^(D - 1) mod
 * P for the high one. */
typedef struct fold_constants {
    uint64_t by64_lo, by64_hi;  /* D = 512: one accumulator over the other three */
    uint64_t by16_lo, by16_hi;  /* D = 128: into the next 16 bytes */
} fold_constants;

static fold_constants constants;
static int have_clmul = -1; /* -1: not yet looked */

static void init_fast(void)
{
    constants = (fold_constants){reflected_power(64 + 512 - 1), reflected_power(512 - 1),
                                 reflected_power(64 + 128 - 1), reflected_power(128 - 1)};
    __builtin_cpu_init();
    __atomic_store_n(&have_clmul,
                     __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1"),
                     __ATOMIC_RELEASE);
}

__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i x, __m128i k,
                                                                   __m128i next)
{
    __m128i first = _mm_clmulepi64_si128(x, k, 0x00); /* X_hi by x^(64 + D - 1) */
    __m128i second = _mm_clmulepi64_si128(x, k, 0x11); /* X_lo by x^(D - 1) */
    return _mm_xor_si128(_mm_xor_si128(first, second), next);
}

/* len >= 64. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc32_fold(uint32_t crc,
                                                                   const unsigned char *p,
                                                                   size_t len)
{
    const __m128i k64 = _mm_set_epi64x((long long)constants.by64_hi,
                                       (long long)constants.by64_lo);
    const __m128i k16 = _mm_set_epi64x((long long)constants.by16_hi,
                                       (long long)constants.by16_lo);
    /* zlib's running value is the register complemented; the register
     * xored into the first four bytes is the same as starting from zero */
    __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p),
                               _mm_cvtsi32_si128((int)~crc));
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    p += 64;
    len -= 64;
    for (; len >= 64; p += 64, len -= 64) {
        x0 = fold(x0, k64, _mm_loadu_si128((const __m128i *)p));
        x1 = fold(x1, k64, _mm_loadu_si128((const __m128i *)(p + 16)));
        x2 = fold(x2, k64, _mm_loadu_si128((const __m128i *)(p + 32)));
        x3 = fold(x3, k64, _mm_loadu_si128((const __m128i *)(p + 48)));
    }
    __m128i x = fold(fold(fold(x0, k16, x1), k16, x2), k16, x3);
    for (; len >= 16; p += 16, len -= 16)
        x = fold(x, k16, _mm_loadu_si128((const __m128i *)p));
    unsigned char rest[16];
    _mm_storeu_si128((__m128i *)rest, x);
    /* the remainder's CRC from a zero register (zlib's value 0xffffffff),
     * then the tail */
    uLong c = crc32(0xffffffffu, rest, sizeof rest);
    return (uint32_t)crc32(c, p, (uInt)len);
}

static bool fast_available(void)
{
    if (__atomic_load_n(&have_clmul, __ATOMIC_ACQUIRE) < 0) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, init_fast);
    }
    return have_clmul;
}
#endif

uint32_t sf_crc32_update(uint32_t crc, const void *data, size_t len)
{
#ifdef FAST_MIN_BYTES
    if (len >= FAST_MIN_BYTES && fast_available())
        return crc32_fold(crc, data, len);
#endif
    return crc32_zlib(crc, data, len);
}
