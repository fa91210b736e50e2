/* Eight text bytes at a time: the digit loop of the text parsers
 * (io/text_edges.c) and of bench/tools/plain_load.c, the plain load
 * bench/load.sh times beside them. The first text byte is the lowest byte
 * of a load (io/bytes.h's little-endian loads). */
#ifndef SF_IO_DIGITS_H
#define SF_IO_DIGITS_H

#include <stdint.h>

#include "io/bytes.h"

/* Eight bytes at p (unaligned; the text parsers keep 8 bytes of slack past
 * their text), each xor c: a byte equal to c becomes 0. */
static inline uint64_t sf_text8_xor(const char *p, char c)
{
    return sf_load_le64((const unsigned char *)p) ^ (0x0101010101010101ULL * (unsigned char)c);
}

/* Eight bytes at p as digit values: '0'..'9' become 0..9. */
static inline uint64_t sf_digits8(const char *p)
{
    return sf_text8_xor(p, '0');
}

/* x: eight text bytes xor '0' (digits become 0..9). The number of leading
 * digit bytes, 8 when all are digits. The 0x7f mask keeps the per-byte add
 * from carrying into the next byte. */
static inline unsigned sf_leading_digits(uint64_t x)
{
    uint64_t nondigit = (((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7676767676767676ULL) | x) &
                        0x8080808080808080ULL;
    return nondigit ? (unsigned)__builtin_ctzll(nondigit) >> 3 : 8;
}

/* x: eight digit values, the most significant in the lowest byte. */
static inline uint64_t sf_eight_digits(uint64_t x)
{
    x = x * 10 + (x >> 8);
    return (((x & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
            (((x >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32;
}

#endif
