/* The one place where shardflow reads files: a whole file into one buffer,
 * through io_uring (large blocks, several in flight, straight into the final
 * buffer), with a pread fallback where io_uring is refused and transparent
 * gzip decompression for names ending in ".gz". Parsers never open files;
 * they get the bytes from here. */
#ifndef SF_IO_READER_H
#define SF_IO_READER_H

#include <stddef.h>

#include "engine/error.h"

/* Reads the whole file PATH into a new buffer *data of *len bytes, with a NUL
 * written at data[*len] (one byte past the content) for parsers' convenience.
 * Names ending in ".gz" are decompressed (gzip, several members allowed); the
 * contract is the same, *data holding the decompressed bytes.
 *
 * io_uring reads 4 MiB blocks, several in flight. Where the kernel refuses
 * io_uring (seccomp, old kernel, io_uring_disabled) it falls back to pread and
 * prints, once per process, "shardflow: io_uring unavailable (<reason>),
 * reading with pread" to stderr. Setting SF_NO_IO_URING=1 in the
 * environment selects pread silently (valgrind cannot see io_uring's writes
 * and would report the buffer as uninitialised). Non-regular files (pipes)
 * are read with read() until end of file.
 *
 * Ownership: on success the caller frees *data with free(). On failure *data
 * is NULL and *len is 0.
 * Errors: SF_EINPUT with "PATH: <strerror>" when the file is missing or
 * unreadable (e.g. "g.el: No such file or directory"), "PATH: corrupt gzip
 * data" for a damaged or truncated .gz; -ENOMEM when memory runs out. */
int sf_file_read(const char *path, char **data, size_t *len, sf_error *err);

/* Part `part` (0-based) of `parts` of the file PATH, cut at line
 * boundaries, for ranks that each parse their own share of a text file: the
 * lines whose first byte lies in [size * part / parts, size * (part + 1) /
 * parts), so the parts of all ranks hold every line exactly once. Read with
 * pread from the part's offset (no whole-file read). A ".gz" file cannot be
 * entered in the middle: it is decompressed whole and the same cut is made
 * in the decompressed bytes. The contract is sf_file_read's otherwise
 * (*data NUL-terminated, freed by the caller; same errors). */
int sf_file_read_part(const char *path, int part, int parts, char **data, size_t *len,
                      sf_error *err);

#endif
