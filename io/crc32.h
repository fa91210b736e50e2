/* zlib's crc32, fast: the same function (CRC-32, polynomial 0x04C11DB7,
 * reflected, as gzip and PNG use it), computed by carry-less multiplication
 * where the processor has it (x86-64 PCLMULQDQ, found at run time), by
 * zlib's crc32 otherwise. For the snapshot's section checksums, where
 * zlib's table-driven loop (a few GB/s a core) would be the whole cost of a
 * load from the page cache. */
#ifndef SF_IO_CRC32_H
#define SF_IO_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32(crc, data, len) exactly as zlib computes it: crc is 0 to start, or
 * the value so far to go on (so crc32_combine applies to the results). */
uint32_t sf_crc32_update(uint32_t crc, const void *data, size_t len);

#endif
