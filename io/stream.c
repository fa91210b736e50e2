/* A file front to back in windows, read ahead. The one idea: two buffers
 * and a thread of its own. While the caller's team parses the window it
 * holds, the reader thread fills the other buffer behind the partial line
 * the caller carried over (the copy out of the page cache through
 * io_uring, or zlib's inflate, or read() from a pipe), so reading and
 * parsing overlap instead of taking turns. The thread is not an OpenMP
 * worker and touches only the buffer it was given; the two meet under one
 * mutex, once a window. */
#include "io/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/env.h"
#include "engine/parallel.h"
#include "io/reader.h"


enum source { SOURCE_FILE, SOURCE_GZIP, SOURCE_PIPE };
enum job_state { JOB_NONE, JOB_PENDING, JOB_DONE };

struct sf_file_stream {
    char *path;
    int fd;
    enum source source;
    uint64_t raw_size;          /* regular files: bytes on disk */
    uint64_t raw_offset;        /* next byte of the file to read */
    uint64_t size_hint;
    bool direct;                /* opened with O_DIRECT: aligned reads */

    /* gzip: the inflater, its input buffer, where the members stand */
    z_stream zs;
    bool zs_ready;
    unsigned char *packed;
    bool member_ended;          /* the last member reached its end */
    bool gz_done;               /* no member follows */

    char *buf[2];
    size_t cap[2];
    size_t lead[2];             /* a window starts at buf + lead (O_DIRECT: so
                                 * that the bytes read after the carry land
                                 * aligned) */
    int held;                   /* the buffer the caller holds, or -1 */
    size_t held_len;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum job_state state;
    bool quit;
    int job_buf;                /* fill buf[job_buf] ... */
    size_t job_keep;            /* ... from this byte on */
    size_t job_got;             /* new bytes the job brought */
    bool job_last;
    int job_rc;
    sf_error job_err;
};

static int corrupt_gzip(sf_file_stream *s)
{
    return sf_error_set(&s->job_err, SF_EINPUT, "%s: corrupt gzip data", s->path);
}

/* Tops up the inflater's input: what is left moves to the front, then the
 * next compressed bytes of the file. */
static int refill_packed(sf_file_stream *s)
{
    size_t left = s->zs.avail_in;
    memmove(s->packed, s->zs.next_in, left);
    size_t want = SF_GZ_INPUT_BYTES - left;
    if (want > s->raw_size - s->raw_offset)
        want = (size_t)(s->raw_size - s->raw_offset);
    int rc = sf_fd_read_here(s->fd, s->path, s->raw_offset, s->packed + left, want, 0,
                             &s->job_err);
    if (rc)
        return rc;
    s->raw_offset += want;
    s->zs.next_in = s->packed;
    s->zs.avail_in = (uInt)(left + want);
    return 0;
}

/* Inflates into buf[0..room); *got bytes came, *last once no member
 * follows. Anything after the last member that is not another member is
 * ignored, as gzip and gzread do. */
static int fill_gzip(sf_file_stream *s, char *buf, size_t room, size_t *got, bool *last)
{
    size_t filled = 0;
    while (filled < room && !s->gz_done) {
        bool more_raw = s->raw_offset < s->raw_size;
        if (s->member_ended) {
            if (s->zs.avail_in < 2 && more_raw) {
                int rc = refill_packed(s);
                if (rc)
                    return rc;
                continue;
            }
            if (s->zs.avail_in >= 2 && s->zs.next_in[0] == 0x1f && s->zs.next_in[1] == 0x8b) {
                inflateReset(&s->zs);
                s->member_ended = false;
            } else {
                s->gz_done = true;
            }
            continue;
        }
        if (s->zs.avail_in == 0) {
            if (!more_raw)
                return corrupt_gzip(s); /* the file ends inside a member */
            int rc = refill_packed(s);
            if (rc)
                return rc;
        }
        size_t out = room - filled < (1u << 30) ? room - filled : (1u << 30);
        s->zs.next_out = (unsigned char *)buf + filled;
        s->zs.avail_out = (uInt)out;
        int z = inflate(&s->zs, Z_NO_FLUSH);
        filled += out - s->zs.avail_out;
        if (z == Z_STREAM_END)
            s->member_ended = true;
        else if (z == Z_MEM_ERROR)
            return sf_error_set(&s->job_err, -ENOMEM, "%s: out of memory", s->path);
        else if (z != Z_OK && z != Z_BUF_ERROR)
            return corrupt_gzip(s);
    }
    *got = filled;
    *last = s->gz_done;
    return 0;
}

static int fill_pipe(sf_file_stream *s, char *buf, size_t room, size_t *got, bool *last)
{
    size_t filled = 0;
    *last = false;
    while (filled < room) {
        ssize_t n = read(s->fd, buf + filled, room - filled);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sf_file_error(&s->job_err, s->path, errno);
        if (n == 0) {
            *last = true;
            break;
        }
        filled += (size_t)n;
    }
    *got = filled;
    return 0;
}

static int fill_file(sf_file_stream *s, char *buf, size_t room, size_t *got, bool *last)
{
    size_t want = room;
    if (want > s->raw_size - s->raw_offset)
        want = (size_t)(s->raw_size - s->raw_offset);
    int rc = sf_fd_read_here(s->fd, s->path, s->raw_offset, buf, want,
                             s->direct ? SF_READ_DIRECT : 0, &s->job_err);
    if (rc)
        return rc;
    s->raw_offset += want;
    *got = want;
    *last = s->raw_offset == s->raw_size;
    return 0;
}

static void run_job(sf_file_stream *s)
{
    int b = s->job_buf;
    char *buf = s->buf[b] + s->lead[b] + s->job_keep;
    size_t room = s->cap[b] - s->lead[b] - s->job_keep;
    s->job_got = 0;
    s->job_last = false;
    switch (s->source) {
    case SOURCE_FILE:
        s->job_rc = fill_file(s, buf, room, &s->job_got, &s->job_last);
        break;
    case SOURCE_GZIP:
        s->job_rc = fill_gzip(s, buf, room, &s->job_got, &s->job_last);
        break;
    case SOURCE_PIPE:
        s->job_rc = fill_pipe(s, buf, room, &s->job_got, &s->job_last);
        break;
    }
}

static void *reader_thread(void *arg)
{
    sf_file_stream *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (s->state != JOB_PENDING && !s->quit)
            pthread_cond_wait(&s->cond, &s->lock);
        if (s->quit)
            break;
        pthread_mutex_unlock(&s->lock);
        run_job(s);
        pthread_mutex_lock(&s->lock);
        s->state = JOB_DONE;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void post_job(sf_file_stream *s, int buf, size_t keep)
{
    pthread_mutex_lock(&s->lock);
    s->job_buf = buf;
    s->job_keep = keep;
    s->state = JOB_PENDING;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Buffer b with room for `bytes`; O_DIRECT rounds every read up to an
 * aligned length, so its buffers are aligned and a block longer. The old
 * contents are not kept. Returns 0 or -ENOMEM. */
static int alloc_buffer(sf_file_stream *s, int b, size_t bytes)
{
    free(s->buf[b]);
    s->buf[b] = NULL;
    size_t cap = bytes;
    if (s->direct)
        cap = (bytes + 2 * SF_FILE_DIRECT_ALIGN - 1) / SF_FILE_DIRECT_ALIGN * SF_FILE_DIRECT_ALIGN;
    void *p = NULL;
    if (posix_memalign(&p, SF_FILE_DIRECT_ALIGN, cap))
        return -ENOMEM;
    sf_advise_huge(p, cap);
    s->buf[b] = p;
    s->cap[b] = cap;
    return 0;
}

int sf_file_stream_create(const char *path, size_t window, sf_file_stream **out, sf_error *err)
{
    *out = NULL;
    sf_file_stream *s = calloc(1, sizeof *s);
    if (!s)
        return sf_error_set(err, -ENOMEM, "%s: out of memory", path);
    s->fd = -1;
    s->held = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    int rc = -ENOMEM;
    if (!(s->path = strdup(path)))
        goto no_memory;
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (s->fd < 0 || fstat(s->fd, &st) != 0) {
        rc = sf_file_error(err, path, errno);
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = sf_file_error(err, path, EISDIR);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        s->source = SOURCE_PIPE;
    } else {
        s->raw_size = (uint64_t)st.st_size;
        s->source = sf_gzip_name(path) ? SOURCE_GZIP : SOURCE_FILE;
    }
    s->size_hint = s->source == SOURCE_GZIP ? sf_gzip_size_hint(s->fd, s->raw_size) : s->raw_size;
    if (s->source == SOURCE_FILE && sf_env_flag("SF_O_DIRECT")) {
        /* where the file system refuses O_DIRECT the reads stay buffered */
        int fd = sf_file_open_direct(path);
        if (fd >= 0) {
            close(s->fd);
            s->fd = fd;
            s->direct = true;
        }
    }
    if (s->source == SOURCE_GZIP) {
        if (!(s->packed = malloc(SF_GZ_INPUT_BYTES)))
            goto no_memory;
        if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK)
            goto no_memory;
        s->zs_ready = true;
        s->zs.next_in = s->packed;
        s->zs.avail_in = 0;
    }
    for (int b = 0; b < 2; b++)
        if (alloc_buffer(s, b, window ? window : 1))
            goto no_memory;
    if (pthread_create(&s->thread, NULL, reader_thread, s) != 0)
        goto no_memory;
    s->thread_started = true;
    post_job(s, 0, 0);
    *out = s;
    return 0;
no_memory:
    rc = sf_error_set(err, -ENOMEM, "%s: out of memory", path);
fail:
    sf_file_stream_destroy(&s);
    return rc;
}

int sf_file_stream_wait(sf_file_stream *s, const char **data, size_t *len, bool *last,
                        sf_error *err)
{
    pthread_mutex_lock(&s->lock);
    while (s->state != JOB_DONE)
        pthread_cond_wait(&s->cond, &s->lock);
    s->state = JOB_NONE;
    pthread_mutex_unlock(&s->lock);
    if (s->job_rc) {
        if (err)
            *err = s->job_err;
        return s->job_rc;
    }
    s->held = s->job_buf;
    s->held_len = s->job_keep + s->job_got;
    *data = s->buf[s->held] + s->lead[s->held];
    *len = s->held_len;
    *last = s->job_last;
    return 0;
}

int sf_file_stream_ahead(sf_file_stream *s, size_t keep, sf_error *err)
{
    int next = 1 - s->held;
    /* O_DIRECT: the carry ends on an aligned byte, where the read begins */
    size_t lead = s->direct ? (SF_FILE_DIRECT_ALIGN - keep % SF_FILE_DIRECT_ALIGN) %
                                  SF_FILE_DIRECT_ALIGN
                            : 0;
    if (2 * (lead + keep) + (s->direct ? SF_FILE_DIRECT_ALIGN : 0) > s->cap[next] &&
        alloc_buffer(s, next, 2 * (lead + keep))) /* a long line: room for it and as much again */
        return sf_error_set(err, -ENOMEM, "%s: out of memory for the read buffer", s->path);
    s->lead[next] = lead;
    memcpy(s->buf[next] + lead, s->buf[s->held] + s->lead[s->held] + s->held_len - keep, keep);
    post_job(s, next, keep);
    return 0;
}

uint64_t sf_file_stream_size_hint(const sf_file_stream *s)
{
    return s->size_hint;
}

bool sf_file_stream_rereadable(const sf_file_stream *s)
{
    return s->source != SOURCE_PIPE;
}

void sf_file_stream_destroy(sf_file_stream **sp)
{
    sf_file_stream *s = *sp;
    if (!s)
        return;
    if (s->thread_started) {
        pthread_mutex_lock(&s->lock);
        s->quit = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    if (s->zs_ready)
        inflateEnd(&s->zs);
    if (s->fd >= 0)
        close(s->fd);
    free(s->packed);
    free(s->buf[0]);
    free(s->buf[1]);
    free(s->path);
    free(s);
    *sp = NULL;
}
