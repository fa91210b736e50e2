/* Whole-file reads. The size is known up front (fstat), so the final buffer
 * is allocated once and io_uring reads 4 MiB blocks directly into their
 * places in it, keeping several in flight so the device (or the page cache
 * copy) never waits on us; short reads are resubmitted for the remainder.
 * Where io_uring cannot be used the same buffer is filled with pread. A .gz
 * file is read the same way and then inflated in memory, so there is one
 * path for the bytes whatever the format. */
#include "io/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/parallel.h"

#define BLOCK_BYTES  ((size_t)4 << 20) /* one io_uring read */
#define QUEUE_DEPTH  8u                /* reads in flight: 32 MiB */

/* Set once io_uring has been refused, so later reads skip the attempt; the
 * notice is printed by whoever sets it first. */
static int uring_refused;

static void note_uring_refused(int errnum)
{
    if (__atomic_exchange_n(&uring_refused, 1, __ATOMIC_ACQ_REL) == 0)
        fprintf(stderr, "shardflow: io_uring unavailable (%s), reading with pread\n",
                strerror(errnum));
}

static int read_error(sf_error *err, const char *path, int errnum)
{
    if (errnum == ENOMEM)
        return sf_error_set(err, -ENOMEM, "%s: %s", path, strerror(errnum));
    return sf_error_set(err, SF_EINPUT, "%s: %s", path, strerror(errnum));
}

/* Fills buf[0..size) from fd with pread. Returns 0 or a positive errno;
 * EIO stands for a file that shrank under us. */
static int read_pread(int fd, char *buf, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t got = pread(fd, buf + done, size - done, (off_t)done);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (got == 0)
            return EIO;
        done += (size_t)got;
    }
    return 0;
}

struct uring_slot {
    size_t offset, length; /* what this read still has to fill */
};

static void queue_read(struct io_uring *ring, int fd, char *buf,
                       struct uring_slot *slots, unsigned slot)
{
    /* The ring has QUEUE_DEPTH entries and at most that many reads are in
     * flight, so an sqe is always free here. */
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_read(sqe, fd, buf + slots[slot].offset, (unsigned)slots[slot].length,
                       (uint64_t)slots[slot].offset);
    io_uring_sqe_set_data64(sqe, slot);
}

/* Fills buf[0..size) from fd through io_uring. Returns 0, a positive errno,
 * or -1 when io_uring is not usable here (the caller then uses pread). */
static int read_uring(int fd, char *buf, size_t size)
{
    struct io_uring ring;
    struct uring_slot slots[QUEUE_DEPTH];
    unsigned free_slots[QUEUE_DEPTH], num_free = 0;
    size_t next = 0;
    int rc = 0;

    if (__atomic_load_n(&uring_refused, __ATOMIC_ACQUIRE))
        return -1;
    /* Tools that cannot see io_uring's writes (valgrind reports the buffer
     * as uninitialised) can ask for plain pread. */
    const char *no_uring = getenv("SF_NO_IO_URING");
    if (no_uring && *no_uring && strcmp(no_uring, "0") != 0)
        return -1;
    int init = io_uring_queue_init(QUEUE_DEPTH, &ring, 0);
    if (init < 0) {
        note_uring_refused(-init);
        return -1;
    }
    for (unsigned s = 0; s < QUEUE_DEPTH; s++)
        free_slots[num_free++] = s;

    /* queued: prepared but not yet accepted by the kernel; in_flight:
     * accepted, completion pending. Only in_flight reads can write into buf,
     * and we never leave while one is. */
    unsigned queued = 0, in_flight = 0;
    for (;;) {
        /* Keep the queue full while blocks remain and no error is pending. */
        while (rc == 0 && next < size && num_free > 0) {
            unsigned slot = free_slots[--num_free];
            slots[slot].offset = next;
            slots[slot].length = size - next < BLOCK_BYTES ? size - next : BLOCK_BYTES;
            next += slots[slot].length;
            queue_read(&ring, fd, buf, slots, slot);
            queued++;
        }
        if (queued > 0) {
            int sub = io_uring_submit(&ring);
            if (sub > 0) {
                queued -= (unsigned)sub;
                in_flight += (unsigned)sub;
            } else if (sub < 0 && sub != -EINTR && sub != -EAGAIN && sub != -EBUSY && rc == 0) {
                rc = -sub;
            }
        }
        if (in_flight == 0) {
            if (queued == 0 || rc != 0)
                break; /* done, or failed with nothing in flight */
            continue;  /* the kernel was busy: submit again */
        }

        struct io_uring_cqe *cqe;
        int wait = io_uring_wait_cqe(&ring, &cqe);
        if (wait == -EINTR || wait == -EAGAIN)
            continue;
        if (wait < 0) {
            /* Not expected with reads in flight; the ring teardown below
             * waits for them before buf can be freed. */
            if (rc == 0)
                rc = -wait;
            break;
        }
        unsigned slot = (unsigned)io_uring_cqe_get_data64(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&ring, cqe);
        in_flight--;

        bool requeue = false;
        if (res == -EINTR || res == -EAGAIN) {
            requeue = rc == 0;
        } else if (res < 0) {
            /* A kernel with io_uring but without IORING_OP_READ (before 5.6)
             * answers EINVAL: treat it as io_uring being unavailable. */
            if (rc == 0 && (res == -EINVAL || res == -EOPNOTSUPP)) {
                note_uring_refused(-res);
                rc = -1;
            } else if (rc == 0) {
                rc = -res;
            }
        } else if (res == 0) {
            if (rc == 0)
                rc = EIO; /* the file shrank while we read it */
        } else if ((size_t)res < slots[slot].length && rc == 0) {
            slots[slot].offset += (size_t)res; /* short read: go on from there */
            slots[slot].length -= (size_t)res;
            requeue = true;
        }
        if (requeue) {
            queue_read(&ring, fd, buf, slots, slot);
            queued++;
        } else {
            free_slots[num_free++] = slot;
        }
    }
    io_uring_queue_exit(&ring);
    return rc;
}

/* Reads a non-regular file (pipe, character device, /proc) to its end. */
static int read_stream(int fd, char **data, size_t *len)
{
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return ENOMEM;
    for (;;) {
        if (used == cap) {
            char *grown = realloc(buf, 2 * cap + 1);
            if (!grown) {
                free(buf);
                return ENOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + used, cap - used);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return e;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return 0;
}

/* The raw bytes of PATH. Returns 0 or a positive errno. */
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
    if (!S_ISREG(st.st_mode)) {
        rc = read_stream(fd, data, len);
        goto done;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (!buf) {
        rc = ENOMEM;
        goto done;
    }
    sf_advise_huge(buf, size);
    rc = size ? read_uring(fd, buf, size) : 0;
    if (rc == -1)
        rc = read_pread(fd, buf, size);
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

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Inflates the gzip stream(s) in packed[0..packed_len) into a new buffer.
 * Returns 0, ENOMEM, or EILSEQ for data that is not valid gzip. */
static int gunzip(const unsigned char *packed, size_t packed_len, char **data, size_t *len)
{
    int rc = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return ENOMEM;

    /* The trailer's ISIZE is the size mod 2^32 of the last member: a good
     * first guess, corrected by growth when wrong. */
    size_t cap = 0;
    if (packed_len >= 18) {
        const unsigned char *t = packed + packed_len - 4;
        cap = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    }
    if (cap < 4 * packed_len)
        cap = 4 * packed_len;
    if (cap < 4096)
        cap = 4096;
    char *out = malloc(cap + 1);
    if (!out) {
        rc = ENOMEM;
        goto done;
    }
    sf_advise_huge(out, cap);

    size_t used = 0, in_off = 0;
    bool ended = false; /* the current member reached its end */
    for (;;) {
        if (used == cap) {
            size_t grown_cap = cap + cap / 2;
            char *grown = realloc(out, grown_cap + 1);
            if (!grown) {
                rc = ENOMEM;
                goto done;
            }
            out = grown;
            sf_advise_huge(out + cap, grown_cap - cap);
            cap = grown_cap;
        }
        /* zlib counts in uInt: feed and drain at most 1 GiB per call. */
        size_t in_chunk = packed_len - in_off < (1u << 30) ? packed_len - in_off : (1u << 30);
        size_t out_chunk = cap - used < (1u << 30) ? cap - used : (1u << 30);
        zs.next_in = (unsigned char *)packed + in_off;
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = (unsigned char *)out + used;
        zs.avail_out = (uInt)out_chunk;
        int z = inflate(&zs, Z_NO_FLUSH);
        in_off += in_chunk - zs.avail_in;
        used += out_chunk - zs.avail_out;
        if (z == Z_STREAM_END) {
            ended = true;
            /* Another member follows (as `cat a.gz b.gz` makes)? Anything
             * else after a member is ignored, as gzip and gzread do. */
            if (packed_len - in_off >= 2 && packed[in_off] == 0x1f && packed[in_off + 1] == 0x8b) {
                inflateReset(&zs);
                ended = false;
                continue;
            }
            break;
        }
        if (z == Z_MEM_ERROR) {
            rc = ENOMEM;
            goto done;
        }
        if (z == Z_BUF_ERROR && zs.avail_out == 0)
            continue; /* output full: grow and go on */
        if (z != Z_OK && z != Z_BUF_ERROR) {
            rc = EILSEQ;
            goto done;
        }
        if (in_off == packed_len && zs.avail_out != 0)
            break; /* input exhausted before the member ended */
    }
    if (!ended) {
        rc = EILSEQ;
        goto done;
    }
    if (cap > used + used / 4 + 4096) {
        char *shrunk = realloc(out, used + 1);
        if (shrunk)
            out = shrunk;
    }
    out[used] = '\0';
    *data = out;
    *len = used;
    out = NULL;
done:
    free(out);
    inflateEnd(&zs);
    return rc;
}

int sf_file_read(const char *path, char **data, size_t *len, sf_error *err)
{
    char *raw = NULL;
    size_t raw_len = 0;
    *data = NULL;
    *len = 0;

    int rc = read_raw(path, &raw, &raw_len);
    if (rc)
        return read_error(err, path, rc);
    if (!has_suffix(path, ".gz")) {
        *data = raw;
        *len = raw_len;
        return 0;
    }
    rc = gunzip((const unsigned char *)raw, raw_len, data, len);
    free(raw);
    if (rc == EILSEQ)
        return sf_error_set(err, SF_EINPUT, "%s: corrupt gzip data", path);
    if (rc)
        return read_error(err, path, rc);
    return 0;
}

/* ---- parts of a file, cut at line boundaries ---- */

#define SCAN_BYTES ((size_t)64 << 10)

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

/* The same cut within bytes already in memory. */
static size_t line_start_in(const char *text, size_t size, size_t at)
{
    if (at == 0 || at >= size)
        return at == 0 ? 0 : size;
    const char *nl = memchr(text + at - 1, '\n', size - (at - 1));
    return nl ? (size_t)(nl - text) + 1 : size;
}

int sf_file_read_part(const char *path, int part, int parts, char **data, size_t *len,
                      sf_error *err)
{
    *data = NULL;
    *len = 0;
    if (has_suffix(path, ".gz")) {
        char *whole;
        size_t whole_len;
        int rc = sf_file_read(path, &whole, &whole_len, err);
        if (rc)
            return rc;
        size_t a = line_start_in(whole, whole_len,
                                 (size_t)((unsigned __int128)whole_len * part / parts));
        size_t b = line_start_in(whole, whole_len,
                                 (size_t)((unsigned __int128)whole_len * (part + 1) / parts));
        memmove(whole, whole + a, b - a);
        whole[b - a] = '\0';
        *data = whole;
        *len = b - a;
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return read_error(err, path, errno);
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
    rc = line_start_at(fd, size, (size_t)((unsigned __int128)size * part / parts), &a);
    if (rc == 0)
        rc = line_start_at(fd, size, (size_t)((unsigned __int128)size * (part + 1) / parts), &b);
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
    return rc ? read_error(err, path, rc) : 0;
}
