/* zlib's crc32, fast: the same function (CRC-32, polynomial 0x04C11DB7,
 * reflected, as gzip and PNG use it), computed by carry-less multiplication
 * where the processor has it (x86-64 PCLMULQDQ on 128 bits, or VPCLMULQDQ
 * on 512 with AVX-512, found at run time), by zlib's crc32 otherwise. For
 * the snapshot's section checksums, where zlib's table-driven loop (about
 * 4 GB/s a core) would be most of the cost of a load from the page cache. */
#ifndef SF_IO_CRC32_H
#define SF_IO_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32(crc, data, len) exactly as zlib computes it: crc is 0 to start, or
 * the value so far to go on (so crc32_combine applies to the results).
 * Uses the fastest implementation this processor has. */
uint32_t sf_crc32_update(uint32_t crc, const void *data, size_t len);

/* The implementations, slowest first, for tests and measurements. */
enum sf_crc32_impl { SF_CRC32_ZLIB, SF_CRC32_CLMUL128, SF_CRC32_CLMUL512 };

/* The fastest implementation this processor has. */
enum sf_crc32_impl sf_crc32_best(void);

/* sf_crc32_update by the given implementation, which must be at most
 * sf_crc32_best(). */
uint32_t sf_crc32_update_by(enum sf_crc32_impl impl, uint32_t crc, const void *data, size_t len);

#endif
