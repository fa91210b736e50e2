/* A file read front to back in windows, the next window arriving while the
 * caller works on the one it holds: a reader thread of its own fills one of
 * two buffers (io_uring for a regular file, zlib's inflate for ".gz", read()
 * for a pipe) while the OpenMP team parses the other. Text readers
 * (io/text_reader.h) cut each window after its last line end and carry the
 * partial line into the next window. */
#ifndef SF_IO_STREAM_H
#define SF_IO_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/error.h"

/* Compressed bytes read at a time for ".gz" (a test puts gzip member
 * boundaries at its edge). */
#define SF_GZ_INPUT_BYTES ((size_t)8 << 20)

typedef struct sf_file_stream sf_file_stream;

/* Opens PATH and starts reading its first window (`window` bytes, >= 1).
 * A name ending in ".gz" is decompressed (gzip, several members allowed),
 * so windows hold the decompressed bytes; a file that is not regular (a
 * pipe) is read with read(). On success *out belongs to the caller, who
 * ends it with sf_file_stream_destroy.
 * Errors: SF_EINPUT "PATH: <strerror>" when PATH cannot be opened or is a
 * directory; -ENOMEM. */
int sf_file_stream_create(const char *path, size_t window, sf_file_stream **out, sf_error *err);

/* Waits for the window being read and hands it to the caller: *data
 * holds the bytes carried over by the last sf_file_stream_ahead (none for
 * the first window), then the next bytes of the file, *len in all; *last
 * is set when the window ends the file. The bytes stay valid until the
 * next call of this function. Call it once after create and once after
 * each sf_file_stream_ahead.
 * Errors: those of sf_fd_read_here, "PATH: corrupt gzip data" for a
 * damaged or truncated .gz, "PATH: <strerror>" for a failed read(). */
int sf_file_stream_wait(sf_file_stream *s, const char **data, size_t *len, bool *last,
                        sf_error *err);

/* Starts reading the next window behind the last `keep` bytes of the window
 * held (the caller's partial line), into the other buffer, while the held
 * window stays valid for the caller to work on. When the carry would fill
 * more than half of the other buffer, that buffer grows to twice the carry
 * (and stays so), so every window brings new bytes even after a line
 * longer than the window. Call it only when the
 * held window is not the last. Returns 0 or -ENOMEM (err filled). */
int sf_file_stream_ahead(sf_file_stream *s, size_t keep, sf_error *err);

/* The number of bytes the whole stream will give: the file's size, for a
 * .gz a hint from its gzip trailer (sf_gzip_size_hint: the recorded size
 * when plausible, kept modulo 4 GiB), or 0 when unknown (a pipe). Not a
 * promise: a caller that cuts by it must check the size the stream gave. */
uint64_t sf_file_stream_size_hint(const sf_file_stream *s);

/* False for a pipe: its bytes cannot be read a second time. */
bool sf_file_stream_rereadable(const sf_file_stream *s);

/* Stops the reader thread (after the read in flight, if any), closes the
 * file and frees everything; *s becomes NULL. */
void sf_file_stream_destroy(sf_file_stream **s);

#endif
