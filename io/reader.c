/* File reads. The one idea: bytes go from the file straight into their
 * final place, read in 4 MiB blocks that are shared out among the OpenMP
 * workers, each keeping several reads in flight on its own io_uring, so
 * neither the device nor the copy out of the page cache waits on one
 * thread; short reads are resubmitted for the remainder, and where
 * io_uring cannot be used the same blocks are read with pread. A whole
 * file (sf_file_read) is one range into a buffer of its size, known up
 * front; a .gz file or a pipe, whose size is not, is the stream's windows
 * (io/stream.h, which inflates every .gz read but sf_file_peek's few
 * bytes) appended to one buffer, or only a part's lines of them (a rank's
 * part of a .gz). Ranges (sf_file_read_ranges) go into buffers the caller
 * owns, with a callback per block while it is in cache (the snapshot's
 * checksums). */
#define _GNU_SOURCE /* O_DIRECT */
#include "io/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/env.h"
#include "engine/parallel.h"
#include "io/stream.h"

#define QUEUE_DEPTH  8u /* reads in flight per worker: 32 MiB */

/* Set once io_uring has been refused, so later reads skip the attempt; the
 * notice is printed by whoever sets it first. */
static int uring_refused;

static void note_uring_refused(int errnum)
{
    if (__atomic_exchange_n(&uring_refused, 1, __ATOMIC_ACQ_REL) == 0)
        fprintf(stderr, "shardflow: io_uring unavailable (%s), reading with pread\n",
                strerror(errnum));
}

/* Set once a file system has refused O_DIRECT; the notice is printed by
 * whoever sets it first. */
static int direct_refused;

int sf_file_open_direct(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);
    if (fd < 0 && errno == EINVAL && __atomic_exchange_n(&direct_refused, 1, __ATOMIC_ACQ_REL) == 0)
        fprintf(stderr, "shardflow: %s: the file system refuses O_DIRECT, reading through the "
                "page cache\n", path);
    return fd;
}

int sf_file_error(sf_error *err, const char *path, int errnum)
{
    if (errnum == ENOMEM)
        return sf_error_set(err, -ENOMEM, "%s: %s", path, strerror(errnum));
    return sf_error_set(err, SF_EINPUT, "%s: %s", path, strerror(errnum));
}

/* ---------- ranges straight into the caller's buffers ---------- */

/* One block of one range: what a worker claims and reads. */
typedef struct range_block {
    size_t range;
    size_t at;                  /* first byte, relative to the range */
    size_t len;
} range_block;

/* How a read of ranges went wrong; the first failure wins. */
enum { FAIL_NONE, FAIL_ERRNO, FAIL_EOF, FAIL_CALLBACK };

typedef struct range_read {
    const sf_file_range *ranges;
    range_block *blocks;
    size_t num_blocks;
    size_t next;                /* next unclaimed block (atomic) */
    int fd;
    bool direct;
    sf_block_fn on_block;
    void *arg;
    int failed;                 /* FAIL_*, set once (atomic) */
    int fail_code;              /* errno or the callback's code */
    uint64_t fail_byte;         /* FAIL_EOF: where the file ended */
} range_read;

static void fail_read(range_read *r, int kind, int code, uint64_t byte)
{
    int none = FAIL_NONE;
    if (__atomic_compare_exchange_n(&r->failed, &none, kind, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        r->fail_code = code;
        r->fail_byte = byte;
    }
}

static bool read_stopped(range_read *r)
{
    return __atomic_load_n(&r->failed, __ATOMIC_ACQUIRE) != FAIL_NONE;
}

/* Bytes a read of block b asks for: its length, rounded up for O_DIRECT. */
static size_t block_ask(const range_read *r, const range_block *b)
{
    if (!r->direct)
        return b->len;
    return (b->len + SF_FILE_DIRECT_ALIGN - 1) & ~(SF_FILE_DIRECT_ALIGN - 1);
}

static char *block_buf(const range_read *r, const range_block *b)
{
    return (char *)r->ranges[b->range].buf + b->at;
}

static uint64_t block_offset(const range_read *r, const range_block *b)
{
    return r->ranges[b->range].offset + b->at;
}

/* A block is in place: hand it to the callback. */
static void block_done(range_read *r, const range_block *b)
{
    if (!r->on_block)
        return;
    int rc = r->on_block(r->arg, b->range, b->at, block_buf(r, b), b->len);
    if (rc)
        fail_read(r, FAIL_CALLBACK, rc, 0);
}

/* Reads what is left of block b from `done` on with pread, then completes
 * it. A read of 0 bytes before the block's end is the end of the file. */
static void block_pread(range_read *r, const range_block *b, size_t done)
{
    size_t ask = block_ask(r, b);
    char *buf = block_buf(r, b);
    uint64_t offset = block_offset(r, b);
    while (done < b->len) {
        ssize_t got = pread(r->fd, buf + done, ask - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fail_read(r, FAIL_ERRNO, errno, 0);
            return;
        }
        if (got == 0) {
            fail_read(r, FAIL_EOF, 0, offset + done);
            return;
        }
        done += (size_t)got;
    }
    block_done(r, b);
}

static bool claim_block(range_read *r, size_t *k)
{
    if (read_stopped(r))
        return false;
    *k = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
    return *k < r->num_blocks;
}

struct block_slot {
    size_t block;               /* index into r->blocks */
    size_t done;                /* bytes of it in place */
};

static void queue_block_read(struct io_uring *ring, range_read *r, struct block_slot *slots,
                             unsigned slot)
{
    const range_block *b = &r->blocks[slots[slot].block];
    size_t done = slots[slot].done;
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_read(sqe, r->fd, block_buf(r, b) + done, (unsigned)(block_ask(r, b) - done),
                       block_offset(r, b) + done);
    io_uring_sqe_set_data64(sqe, slot);
}

/* One worker's share through its own io_uring: claim blocks while slots are
 * free, complete them as they land. Returns false when io_uring cannot be
 * used (nothing was claimed then, or what was claimed has been finished by
 * pread): the worker goes on with pread. */
static bool worker_uring(range_read *r)
{
    if (__atomic_load_n(&uring_refused, __ATOMIC_ACQUIRE))
        return false;
    if (sf_env_flag("SF_NO_IO_URING"))
        return false;
    struct io_uring ring;
    int init = io_uring_queue_init(QUEUE_DEPTH, &ring, 0);
    if (init < 0) {
        note_uring_refused(-init);
        return false;
    }
    struct block_slot slots[QUEUE_DEPTH];
    unsigned free_slots[QUEUE_DEPTH], num_free = 0;
    for (unsigned s = 0; s < QUEUE_DEPTH; s++)
        free_slots[num_free++] = s;
    unsigned queued = 0, in_flight = 0;
    bool usable = true;         /* false once the kernel refuses the read op */
    for (;;) {
        size_t k;
        while (usable && num_free > 0 && claim_block(r, &k)) {
            unsigned slot = free_slots[--num_free];
            slots[slot] = (struct block_slot){k, 0};
            queue_block_read(&ring, r, slots, slot);
            queued++;
        }
        if (queued > 0) {
            int sub = io_uring_submit(&ring);
            if (sub > 0) {
                queued -= (unsigned)sub;
                in_flight += (unsigned)sub;
            } else if (sub < 0 && sub != -EINTR && sub != -EAGAIN && sub != -EBUSY) {
                /* The prepared reads were never taken; what is in flight
                 * still lands in the caller's buffers: wait for it. */
                fail_read(r, FAIL_ERRNO, -sub, 0);
                queued = 0;
            }
        }
        if (in_flight == 0) {
            if (queued == 0)
                break;
            continue;
        }
        struct io_uring_cqe *cqe;
        int wait = io_uring_wait_cqe(&ring, &cqe);
        if (wait == -EINTR || wait == -EAGAIN)
            continue;
        if (wait < 0) {
            fail_read(r, FAIL_ERRNO, -wait, 0);
            break; /* the teardown below waits for what is in flight */
        }
        unsigned slot = (unsigned)io_uring_cqe_get_data64(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&ring, cqe);
        in_flight--;
        const range_block *b = &r->blocks[slots[slot].block];
        bool requeue = false;
        if (res == -EINTR || res == -EAGAIN) {
            requeue = !read_stopped(r);
        } else if ((res == -EINVAL || res == -EOPNOTSUPP) && !r->direct) {
            /* A kernel with io_uring but without IORING_OP_READ (before
             * 5.6): this block and the rest go by pread. */
            note_uring_refused(-res);
            usable = false;
            block_pread(r, b, slots[slot].done);
        } else if (res < 0) {
            fail_read(r, FAIL_ERRNO, -res, 0);
        } else if (res == 0) {
            fail_read(r, FAIL_EOF, 0, block_offset(r, b) + slots[slot].done);
        } else {
            slots[slot].done += (size_t)res;
            if (slots[slot].done < b->len)
                requeue = !read_stopped(r); /* short read: go on from there */
            else
                block_done(r, b);
        }
        if (requeue) {
            queue_block_read(&ring, r, slots, slot);
            queued++;
        } else {
            free_slots[num_free++] = slot;
        }
    }
    io_uring_queue_exit(&ring);
    return usable;
}

/* Splits the ranges into blocks, in file order of the ranges as given. */
static int plan_blocks(range_read *r, const sf_file_range *ranges, size_t count)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += (ranges[i].len + SF_FILE_BLOCK_BYTES - 1) / SF_FILE_BLOCK_BYTES;
    r->blocks = malloc((total ? total : 1) * sizeof *r->blocks);
    if (!r->blocks)
        return -ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t at = 0; at < ranges[i].len; at += SF_FILE_BLOCK_BYTES) {
            size_t left = ranges[i].len - at;
            r->blocks[k++] = (range_block){i, at, left < SF_FILE_BLOCK_BYTES ? left
                                                                             : SF_FILE_BLOCK_BYTES};
        }
    r->num_blocks = total;
    return 0;
}

/* Reads r's ranges on the workers of the current team; the outcome is in
 * r->failed. Returns 0, or -ENOMEM when the blocks cannot be planned. */
static int run_ranges(range_read *r, const sf_file_range *ranges, size_t count)
{
    r->ranges = ranges;
    if (plan_blocks(r, ranges, count))
        return -ENOMEM;
    int workers = omp_get_max_threads();
    if ((size_t)workers > r->num_blocks)
        workers = r->num_blocks ? (int)r->num_blocks : 1;
#pragma omp parallel num_threads(workers)
    {
        if (!worker_uring(r)) {
            size_t k;
            while (claim_block(r, &k))
                block_pread(r, &r->blocks[k], 0);
        }
    }
    free(r->blocks);
    r->blocks = NULL;
    return 0;
}

int sf_fd_read_here(int fd, const char *path, uint64_t offset, void *buf, size_t len,
                    unsigned flags, sf_error *err)
{
    sf_file_range range = {offset, buf, len};
    range_read r = {.fd = fd, .ranges = &range, .direct = (flags & SF_READ_DIRECT) != 0};
    if (plan_blocks(&r, &range, 1))
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    if (!worker_uring(&r)) {
        size_t k;
        while (claim_block(&r, &k))
            block_pread(&r, &r.blocks[k], 0);
    }
    free(r.blocks);
    if (r.failed == FAIL_ERRNO)
        return sf_file_error(err, path, r.fail_code);
    if (r.failed == FAIL_EOF)
        return sf_error_set(err, SF_EINPUT, "%s: unexpected end of file at byte %llu", path,
                            (unsigned long long)r.fail_byte);
    return 0;
}

/* The bytes of the regular file PATH. Returns 0 or a positive errno. */
static int read_raw(const char *path, char **data, size_t *len)
{
    char *buf = NULL;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;

    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = errno;
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = EISDIR;
        goto done;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (!buf) {
        rc = ENOMEM;
        goto done;
    }
    sf_advise_huge(buf, size);
    sf_file_range whole = {0, buf, size};
    range_read r = {.fd = fd};
    if (run_ranges(&r, &whole, 1) != 0)
        rc = ENOMEM;
    else if (r.failed == FAIL_ERRNO)
        rc = r.fail_code;
    else if (r.failed == FAIL_EOF)
        rc = EIO; /* the file shrank while we read it */
    if (rc)
        goto done;
    buf[size] = '\0';
    *data = buf;
    *len = size;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc;
}

bool sf_path_ends_with(const char *path, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(path + n - m, suffix, m) == 0;
}

bool sf_gzip_name(const char *path)
{
    return sf_path_ends_with(path, strlen(path), ".gz");
}

uint64_t sf_gzip_size_hint(int fd, uint64_t packed)
{
    unsigned char t[4];
    uint64_t isize = 0;
    if (packed >= 18 && pread(fd, t, 4, (off_t)(packed - 4)) == 4)
        isize = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
                (uint64_t)t[3] << 24;
    /* Plausible: at least the packed size less what deflate may add to
     * incompressible data (a stored block's 5 bytes per block, of up to 64
     * KiB; zlib's gzwrite makes them about 32 KiB: 1/4096 leaves room for
     * blocks down to 20 KiB) and a header with a name; a smaller one has
     * wrapped past 4 GiB or is a later member's alone. At most deflate's
     * greatest ratio, 1032 to 1 (a 258-byte match in under 2 bits): a
     * bigger one is a damaged trailer, not room to reserve. */
    bool plausible = isize + isize / 4096 + 1024 >= packed && isize <= 1032 * packed;
    return plausible ? isize : 4 * packed;
}

/* The first line start at or after `target` in a window of a stream:
 * text[0..len) are the stream's bytes from `at` on, and `line_start` says
 * whether `at` starts a line (the stream's start, or just after a '\n').
 * UINT64_MAX when the window holds none: the next window may. */
static uint64_t line_start_in_window(const char *text, uint64_t at, size_t len, bool line_start,
                                     uint64_t target)
{
    if (target >= at + len)
        return UINT64_MAX;
    if (target <= at) {
        if (line_start)
            return at;
        target = at;
    } else if (text[target - at - 1] == '\n') {
        return target;
    }
    const char *nl = memchr(text + (target - at), '\n', (size_t)(at + len - target));
    return nl ? at + (uint64_t)(nl - text) + 1 : UINT64_MAX;
}

/* Room for a part's last line beyond its end (read_stream_lines). */
#define PART_LINE_SLACK ((uint64_t)64 << 10)

/* The lines of stream s (named PATH) whose first byte lies in [begin, end)
 * of its bytes (end UINT64_MAX: to its end; [0, UINT64_MAX): every byte),
 * appended as the windows come to one buffer, grown as needed, so that
 * only those bytes are ever held; *data NUL-terminated as sf_file_read's.
 * No byte from `limit` on is kept (UINT64_MAX: none held back): a caller
 * that will read again when the stream runs past it holds no more than
 * it expected meanwhile. The stream is read to its end whatever the lines
 * kept: *size gets its length in bytes, and a damaged end is an error on
 * every part. */
static int read_stream_lines(sf_file_stream *s, const char *path, uint64_t begin, uint64_t end,
                             uint64_t limit, char **data, size_t *len, uint64_t *size,
                             sf_error *err)
{
    int rc = 0;
    uint64_t hint = sf_file_stream_size_hint(s), at = 0;
    /* A part's lines run from the first line start at or after begin to
     * the first at or after end: about end - begin bytes, and its last line
     * goes past end; room for that line (PART_LINE_SLACK) spares a copy of
     * the whole part to grow its buffer by that line. */
    uint64_t expect = end != UINT64_MAX ? end - begin + PART_LINE_SLACK
                      : hint > begin  ? hint - begin
                                      : 0;
    size_t cap = expect > 4096 ? (size_t)expect : 4096, used = 0;
    uint64_t first = UINT64_MAX, stop = UINT64_MAX; /* the bytes kept, once found */
    bool line_start = true;
    char *out = malloc(cap + 1);
    if (!out)
        goto no_memory;
    sf_advise_huge(out, cap);
    for (;;) {
        const char *window;
        size_t got;
        bool last;
        if ((rc = sf_file_stream_wait(s, &window, &got, &last, err)))
            goto done;
        if (!last && (rc = sf_file_stream_ahead(s, 0, err)))
            goto done;
        if (first == UINT64_MAX)
            first = line_start_in_window(window, at, got, line_start, begin);
        if (first != UINT64_MAX && stop == UINT64_MAX && end != UINT64_MAX)
            stop = line_start_in_window(window, at, got, line_start, end);
        uint64_t from = first > at ? first : at, to = stop < at + got ? stop : at + got;
        to = to < limit ? to : limit;
        if (first != UINT64_MAX && to > from) {
            size_t bytes = (size_t)(to - from);
            if (used + bytes > cap) {
                size_t grown_cap = cap + cap / 2 > used + bytes ? cap + cap / 2 : used + bytes;
                char *grown = realloc(out, grown_cap + 1);
                if (!grown)
                    goto no_memory;
                out = grown;
                cap = grown_cap;
            }
            memcpy(out + used, window + (from - at), bytes);
            used += bytes;
        }
        if (got)
            line_start = window[got - 1] == '\n';
        at += got;
        if (last)
            break;
    }
    if (cap > used + used / 4 + 4096) {
        char *shrunk = realloc(out, used + 1);
        if (shrunk)
            out = shrunk;
    }
    out[used] = '\0';
    *data = out;
    *len = used;
    *size = at;
    out = NULL;
    goto done;
no_memory:
    rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
done:
    free(out);
    return rc;
}

/* A .gz file or a pipe, whole: every byte of the stream's windows
 * (inflated, or read() from the pipe). */
static int read_streamed(const char *path, char **data, size_t *len, sf_error *err)
{
    sf_file_stream *s;
    uint64_t size;
    int rc = sf_file_stream_create(path, SF_FILE_BLOCK_BYTES, &s, err);
    if (rc == 0)
        rc = read_stream_lines(s, path, 0, UINT64_MAX, UINT64_MAX, data, len, &size, err);
    sf_file_stream_destroy(&s);
    return rc;
}

int sf_file_read(const char *path, char **data, size_t *len, sf_error *err)
{
    char *raw = NULL;
    size_t raw_len = 0;
    *data = NULL;
    *len = 0;

    struct stat st;
    if (sf_gzip_name(path) || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
                               !S_ISDIR(st.st_mode)))
        return read_streamed(path, data, len, err);
    int rc = read_raw(path, &raw, &raw_len);
    if (rc)
        return sf_file_error(err, path, rc);
    *data = raw;
    *len = raw_len;
    return 0;
}

int sf_file_read_ranges(const char *path, const sf_file_range *ranges, size_t count,
                        unsigned flags, sf_block_fn on_block, void *arg, sf_error *err)
{
    range_read r = {.on_block = on_block, .arg = arg, .fd = -1};
    int rc = 0;
    if (flags & SF_READ_DIRECT) {
        r.fd = sf_file_open_direct(path);
        r.direct = r.fd >= 0;
    }
    if (r.fd < 0)
        r.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r.fd < 0)
        return sf_file_error(err, path, errno);
    if (run_ranges(&r, ranges, count) != 0)
        rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    else if (r.failed == FAIL_ERRNO)
        rc = sf_file_error(err, path, r.fail_code);
    else if (r.failed == FAIL_EOF)
        rc = sf_error_set(err, SF_EINPUT, "%s: unexpected end of file at byte %llu", path,
                          (unsigned long long)r.fail_byte);
    else if (r.failed == FAIL_CALLBACK)
        rc = r.fail_code;
    close(r.fd);
    return rc;
}

int sf_file_read_into(const char *path, uint64_t offset, void *buf, size_t len, sf_error *err)
{
    sf_file_range range = {offset, buf, len};
    return sf_file_read_ranges(path, &range, 1, 0, NULL, NULL, err);
}

int sf_file_peek(const char *path, void *buf, size_t *len, uint64_t *size, sf_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sf_file_error(err, path, errno);
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        close(fd);
        return sf_file_error(err, path, e);
    }
    uint64_t bytes = (uint64_t)st.st_size;
    if (!sf_gzip_name(path)) {
        ssize_t got = pread(fd, buf, *len, 0);
        int e = errno;
        close(fd);
        if (got < 0)
            return sf_file_error(err, path, e);
        *len = (size_t)got;
        *size = bytes;
        return 0;
    }
    *size = sf_gzip_size_hint(fd, bytes);
    gzFile gz = gzdopen(fd, "rb"); /* owns fd from here */
    if (!gz) {
        close(fd);
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    }
    int got = gzread(gz, buf, (unsigned)(*len < (1u << 30) ? *len : (1u << 30)));
    gzclose(gz);
    if (got < 0)
        return sf_error_set(err, SF_EINPUT, "%s: corrupt gzip data", path);
    *len = (size_t)got;
    return 0;
}

/* ---- parts of a file, cut at line boundaries ---- */


/* The start of the first line that begins at or after `at`: one past the
 * first '\n' at or after at - 1, or 0 when at is 0, or size. Returns 0 or a
 * positive errno. */
static int line_start_at(int fd, size_t size, size_t at, size_t *start)
{
    if (at == 0 || at >= size) {
        *start = at == 0 ? 0 : size;
        return 0;
    }
    char buf[4096];
    for (size_t pos = at - 1; pos < size;) {
        size_t want = size - pos < sizeof buf ? size - pos : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)pos);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got < 0 ? errno : EIO;
        char *nl = memchr(buf, '\n', (size_t)got);
        if (nl) {
            *start = pos + (size_t)(nl - buf) + 1;
            return 0;
        }
        pos += (size_t)got;
    }
    *start = size;
    return 0;
}

/* Where part `part` of `parts` of a file of `size` bytes cuts, from byte
 * `from` on: its lines are those whose first byte lies in [*begin, *end)
 * (*end UINT64_MAX for the last part: to the file's end). */
static void part_bounds(uint64_t size, uint64_t from, int part, int parts, uint64_t *begin,
                        uint64_t *end)
{
    uint64_t base = from < size ? from : size, body = size - base;
    *begin = base + sf_part_first(body, part, parts);
    *end = part + 1 == parts ? UINT64_MAX
                             : base + sf_part_first(body, part + 1, parts);
}

/* A part of a .gz file, which cannot be entered in the middle: inflated
 * from the start, keeping only the part's lines (read_stream_lines). The
 * cut needs the inflated size, known only at the end: it is made at the
 * stream's size hint (the size the gzip trailer records when plausible:
 * right for one member under 4 GiB, what gzip writes), and made again in a second pass when the stream turned
 * out to have another size (several members, 4 GiB or more, a trailer
 * the hint could not trust), so the parts
 * are always those of the inflated bytes. A first pass keeps nothing past
 * the recorded size: a last part never holds more than its share while
 * the stream runs on. */
static int read_gz_part(const char *path, size_t window, uint64_t from, int part, int parts,
                        char **data, size_t *len, sf_error *err)
{
    uint64_t size = UINT64_MAX, begin = 0, end = 0;
    for (int pass = 0;; pass++) {
        sf_file_stream *s;
        int rc = sf_file_stream_create(path, window, &s, err);
        if (rc)
            return rc;
        uint64_t hint = pass ? size : sf_file_stream_size_hint(s), want_begin, want_end;
        uint64_t limit = pass || parts == 1 ? UINT64_MAX : hint;
        part_bounds(hint, from, part, parts, &begin, &end);
        rc = read_stream_lines(s, path, begin, end, limit, data, len, &size, err);
        sf_file_stream_destroy(&s);
        if (rc)
            return rc;
        part_bounds(size, from, part, parts, &want_begin, &want_end);
        if (pass == 1 || (want_begin == begin && want_end == end && size <= limit))
            return 0; /* (a second pass is cut at the first's size) */
        free(*data);
        *data = NULL;
        *len = 0;
    }
}

int sf_file_read_part(const char *path, int part, int parts, char **data, size_t *len,
                      sf_error *err)
{
    return sf_file_read_part_from(path, 0, part, parts, data, len, err);
}

int sf_file_read_part_from(const char *path, uint64_t from, int part, int parts, char **data,
                           size_t *len, sf_error *err)
{
    return sf_file_read_part_in(path, from, part, parts, SF_FILE_BLOCK_BYTES, data, len, err);
}

int sf_file_read_part_in(const char *path, uint64_t from, int part, int parts, size_t window,
                         char **data, size_t *len, sf_error *err)
{
    *data = NULL;
    *len = 0;
    if (sf_gzip_name(path))
        return read_gz_part(path, window, from, part, parts, data, len, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sf_file_error(err, path, errno);
    struct stat st;
    int rc = 0;
    char *buf = NULL;
    if (fstat(fd, &st) < 0) {
        rc = errno;
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = EISDIR;
        goto done;
    }
    size_t size = (size_t)st.st_size, a, b;
    uint64_t begin, end;
    part_bounds(size, from, part, parts, &begin, &end);
    rc = line_start_at(fd, size, (size_t)begin, &a);
    if (rc == 0)
        rc = line_start_at(fd, size, end == UINT64_MAX ? size : (size_t)end, &b);
    if (rc)
        goto done;
    buf = malloc(b - a + 1);
    if (!buf) {
        rc = ENOMEM;
        goto done;
    }
    sf_advise_huge(buf, b - a);
    for (size_t done = 0; done < b - a;) {
        ssize_t got = pread(fd, buf + done, b - a - done, (off_t)(a + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            rc = got < 0 ? errno : EIO;
            goto done;
        }
        done += (size_t)got;
    }
    buf[b - a] = '\0';
    *data = buf;
    *len = b - a;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc ? sf_file_error(err, path, rc) : 0;
}
