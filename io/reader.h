/* Reading files: a whole file into one buffer, through io_uring (large
 * blocks, several in flight, straight into the final buffer), with a pread
 * fallback where io_uring is refused and transparent gzip decompression
 * for names ending in ".gz"; ranges into the caller's buffers; a rank's
 * part of a text file. Windows read ahead on a thread of their own are
 * io/stream.h's. Parsers never open files; they get the bytes from here or
 * from the stream. */
#ifndef SF_IO_READER_H
#define SF_IO_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/error.h"

/* Reads the whole file PATH into a new buffer *data of *len bytes, with a NUL
 * written at data[*len] (one byte past the content) for parsers' convenience.
 * Names ending in ".gz" are decompressed (gzip, several members allowed); the
 * contract is the same, *data holding the decompressed bytes.
 *
 * io_uring reads 4 MiB blocks, several in flight on each worker of the
 * current OpenMP team (sf_file_read_ranges). Where the kernel refuses
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

/* Ranges are read in blocks of this many bytes (a range's last block may be
 * shorter). */
#define SF_FILE_BLOCK_BYTES ((size_t)4 << 20)

/* With SF_READ_DIRECT, offsets, buffers and lengths rounded up to this are
 * what O_DIRECT needs. */
#define SF_FILE_DIRECT_ALIGN ((size_t)4096)

typedef struct sf_file_range {
    uint64_t offset;            /* first byte in the file */
    void *buf;                  /* where the bytes go; the caller's memory */
    size_t len;
} sf_file_range;

/* Told about each block once its bytes are in place: range index, the
 * block's first byte relative to the range, the bytes themselves. Runs on
 * the worker that read the block, while other reads are in flight and
 * other workers run it on other blocks, so it must only touch state of its
 * own block. Returns 0, or a non-zero code that stops the read. */
typedef int (*sf_block_fn)(void *arg, size_t range, size_t at, const void *data, size_t len);

enum {
    /* Read with O_DIRECT (no page-cache copy): every offset and buffer must
     * be SF_FILE_DIRECT_ALIGN-aligned, and every buffer and the file must
     * extend to the range's end rounded up to it. Where the file system
     * refuses O_DIRECT the read is buffered (sf_file_open_direct's
     * notice). */
    SF_READ_DIRECT = 1,
};

/* Reads ranges[0..count) of the regular file PATH into their buffers. The
 * blocks are shared out, in file order, among the workers of the current
 * OpenMP team; each worker keeps several reads in flight on its own io_uring
 * (pread where io_uring is refused or SF_NO_IO_URING is set, as
 * sf_file_read does) and calls on_block (when not NULL) as each of its
 * blocks lands, so work on a block (a checksum) runs in parallel with the
 * reads and while the block is still in cache.
 * Errors: SF_EINPUT "PATH: <strerror>" when the file cannot be opened or
 * read, "PATH: unexpected end of file at byte N" when a range runs past the
 * end; the non-zero code of on_block, returned as is with err untouched
 * (the callback's owner explains it); -ENOMEM. On error the buffers hold
 * an unspecified part of the ranges. */
int sf_file_read_ranges(const char *path, const sf_file_range *ranges, size_t count,
                        unsigned flags, sf_block_fn on_block, void *arg, sf_error *err);

/* Reads len bytes at offset of the open regular file fd (named PATH in
 * messages) into buf on the calling thread alone, through its own io_uring
 * with several blocks in flight (pread where io_uring is refused): for a
 * thread of its own that reads ahead while the OpenMP team works
 * (io/stream.h). flags: SF_READ_DIRECT when fd was opened with O_DIRECT
 * (its alignment rules as for sf_file_read_ranges). Errors as
 * sf_file_read_ranges'. */
int sf_fd_read_here(int fd, const char *path, uint64_t offset, void *buf, size_t len,
                    unsigned flags, sf_error *err);

/* Opens the regular file PATH read-only with O_DIRECT; returns the fd, or
 * -1 with errno set. Where the file system refuses O_DIRECT (EINVAL) the
 * first refusal in the process prints one line on stderr, "shardflow:
 * PATH: the file system refuses O_DIRECT, reading through the page cache",
 * and the caller opens the file without it. */
int sf_file_open_direct(const char *path);

/* The error for errno value errnum on PATH: "PATH: strerror", -ENOMEM when
 * out of memory, else SF_EINPUT. Returns that code. */
int sf_file_error(sf_error *err, const char *path, int errnum);

/* Whether path[0..n) ends with suffix: n is strlen(path), or less to look
 * at the name under an outer suffix (".gz"). Every format is told by its
 * suffix through this. */
bool sf_path_ends_with(const char *path, size_t n, const char *suffix);

/* True when PATH names a gzip file (ends in ".gz"): such files are read
 * decompressed everywhere. */
bool sf_gzip_name(const char *path);

/* The uncompressed size the gzip trailer of the open file fd (packed bytes
 * long) records, when it is plausible (it is kept modulo 4 GiB, and only
 * for the last member: not below the packed size, less deflate's overhead
 * on incompressible or stored data), else 4 times the packed size: an
 * estimate. */
uint64_t sf_gzip_size_hint(int fd, uint64_t packed);

/* The first bytes of PATH, for estimates before a large read: up to *len
 * bytes (decompressed for ".gz") into buf, *len set to what was read, and
 * *size to the whole file's size in bytes. For ".gz" *size is the
 * uncompressed size the gzip trailer records when that is plausible (it
 * is kept modulo 4 GiB), else 4 times the compressed size: an estimate.
 * Errors: SF_EINPUT "PATH: <strerror>", "PATH: corrupt gzip data". */
int sf_file_peek(const char *path, void *buf, size_t *len, uint64_t *size, sf_error *err);

/* Reads len bytes at offset of PATH into buf: one range, no callback. */
int sf_file_read_into(const char *path, uint64_t offset, void *buf, size_t len, sf_error *err);

/* Part `part` (0-based) of `parts` of the file PATH, cut at line
 * boundaries, for ranks that each parse their own share of a text file: the
 * lines whose first byte lies in [size * part / parts, size * (part + 1) /
 * parts), so the parts of all ranks hold every line exactly once. Read with
 * pread from the part's offset (no whole-file read). A ".gz" file cannot be
 * entered in the middle: it is inflated from its start to its end, a
 * window at a time, and only the part's lines are kept, the same cut made
 * in the inflated bytes (at the size its gzip trailer records, when
 * plausible; when the stream has another size, several members or 4 GiB
 * or more, it is inflated a second time to cut at the true size). The contract is
 * sf_file_read's otherwise (*data NUL-terminated, freed by the caller;
 * same errors, a damaged .gz an error on every part). */
int sf_file_read_part(const char *path, int part, int parts, char **data, size_t *len,
                      sf_error *err);

/* The same parts of the file's bytes from offset `from` on (a line start:
 * the first byte after a header), [from, size) cut as the whole file is
 * above, so the parts hold every line from `from` on exactly once and no
 * byte before it. */
int sf_file_read_part_from(const char *path, uint64_t from, int part, int parts, char **data,
                           size_t *len, sf_error *err);

/* The same, a ".gz" inflated window_bytes (>= 1) at a time: for tests,
 * which cut small files across many windows. */
int sf_file_read_part_in(const char *path, uint64_t from, int part, int parts,
                         size_t window_bytes, char **data, size_t *len, sf_error *err);

#endif
