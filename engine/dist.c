/* Ranks over MPI, or a single rank without it. The one idea: every call
 * below has a one-rank meaning (a sum of one value is the value, an
 * all-to-all with oneself is a copy), so the one-rank build is the same
 * functions with the MPI calls left out, and callers never test for MPI.
 * Large messages are sent point to point in pieces, never through MPI's
 * int counts and displacements. */
#include "dist.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parallel.h"

#if SF_HAVE_MPI
#include <mpi.h>
#endif

/* Under AddressSanitizer, Open MPI's own leaks (it loses a few hundred
 * bytes in MPI_Init and more in MPI_Finalize) are kept out of the report:
 * what MPI_Init allocates is not tracked, and our leaks are checked just
 * before MPI_Finalize, which then runs unchecked. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define IGNORE_LEAKS_BEGIN() __lsan_disable()
#define IGNORE_LEAKS_END() __lsan_enable()
#define CHECK_OUR_LEAKS() __lsan_do_leak_check()
/* and what the MPI libraries lose later (PMIx lookups) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libpmix.so\nleak:libopen-pal.so\nleak:libopen-rte.so\nleak:libmpi.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#else
#define IGNORE_LEAKS_BEGIN() ((void)0)
#define IGNORE_LEAKS_END() ((void)0)
#define CHECK_OUR_LEAKS() ((void)0)
#endif

#define PIECE_BYTES ((size_t)1 << 30) /* largest single MPI message */
#define TAG_ALLTOALLV 11
#define TAG_GATHER 12
#define TAG_ROUND 13

static struct {
    bool active;                /* the distributed path is on */
    bool mpi;                   /* MPI initialised by us */
    int rank, size, local_size;
    uint64_t bytes_sent;
    double wait_s;
    int die_rank;               /* SF_TEST_DIE_RANK, or -1 */
    int stderr_fd;              /* where fatal messages go */
} dist = {.size = 1, .local_size = 1, .die_rank = -1, .stderr_fd = 2};

static int env_int(const char *name, int fallback)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return fallback;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 || v > INT_MAX ? fallback : (int)v;
}

int sf_dist_launched_ranks(void)
{
    int size = env_int("OMPI_COMM_WORLD_SIZE", 0);
    if (!size)
        size = env_int("PMI_SIZE", 0);
    if (!size && getenv("SLURM_STEP_ID"))
        size = env_int("SLURM_STEP_NUM_TASKS", 0);
    if (!size && env_int("PMIX_RANK", 0) > 0)
        size = env_int("PMIX_RANK", 0) + 1; /* at least that many */
    return size > 0 ? size : 1;
}

static int launched_rank(void)
{
    int rank = env_int("OMPI_COMM_WORLD_RANK", -1);
    if (rank < 0)
        rank = env_int("PMI_RANK", -1);
    if (rank < 0)
        rank = env_int("PMIX_RANK", -1);
    if (rank < 0)
        rank = env_int("SLURM_PROCID", 0);
    return rank;
}

int sf_dist_init(int *argc, char ***argv, sf_error *err)
{
    int launched = sf_dist_launched_ranks();
    const char *forced = getenv("SF_DIST");
    dist.die_rank = env_int("SF_TEST_DIE_RANK", -1);
    dist.rank = launched_rank(); /* until MPI says; a binary without MPI keeps it */
#if SF_HAVE_MPI
    if (launched > 1) {
        int provided;
        IGNORE_LEAKS_BEGIN();
        MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
        IGNORE_LEAKS_END();
        dist.mpi = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &dist.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &dist.size);
        MPI_Comm node;
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, dist.rank, MPI_INFO_NULL, &node);
        MPI_Comm_size(node, &dist.local_size);
        MPI_Comm_free(&node);
        dist.active = true;
        if (provided < MPI_THREAD_FUNNELED)
            return sf_error_set(err, SF_EUSAGE,
                                "this MPI library gives thread level %d; shardflow needs "
                                "MPI_THREAD_FUNNELED or better", provided);
        return 0;
    }
#else
    (void)argc;
    (void)argv;
    if (launched > 1) {
        return sf_error_set(err, SF_EUSAGE,
                            "this binary was built without MPI (make MPI=0) but was started "
                            "as %d ranks (mpirun/srun); rebuild with `make` (MPI=1) or run it "
                            "without the launcher",
                            launched);
    }
#endif
    dist.active = forced && strcmp(forced, "1") == 0;
    dist.rank = 0;
    return 0;
}

/* Sends this rank's stdout and stderr to /dev/null, keeping the original
 * stderr as dist.stderr_fd. */
static void silence(void)
{
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int saved = dup(2);
    if (null < 0 || saved < 0)
        return;
    fflush(stdout);
    fflush(stderr);
    dist.stderr_fd = saved;
    dup2(null, 1);
    dup2(null, 2);
    close(null);
}

void sf_dist_quiet_other_ranks(void)
{
    const char *verbose = getenv("SF_DIST_VERBOSE");
    if (dist.rank != 0 && !(verbose && strcmp(verbose, "1") == 0))
        silence();
    /* every rank's load phases, for comparing ranks */
    if (dist.active)
        sf_trace_phase_rank(dist.rank, dist.stderr_fd);
}

void sf_dist_finalize(void)
{
#if SF_HAVE_MPI
    if (dist.mpi) {
        CHECK_OUR_LEAKS();
        MPI_Finalize();
        dist.mpi = false;
    }
#endif
}

bool sf_dist_active(void) { return dist.active; }
int sf_dist_rank(void) { return dist.rank; }
int sf_dist_size(void) { return dist.size; }
int sf_dist_local_size(void) { return dist.local_size; }

_Noreturn void sf_dist_abort(int status, const char *message)
{
    fflush(stderr);
    if (message)
        dprintf(dist.stderr_fd, "shardflow: rank %d: %s\n", dist.rank, message);
#if SF_HAVE_MPI
    if (dist.mpi)
        MPI_Abort(MPI_COMM_WORLD, status);
#endif
    exit(status);
}

static void *checked_malloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        sf_dist_abort(1, "out of memory during a collective");
    return p;
}

/* ---- collectives ---------------------------------------------------- */

#if SF_HAVE_MPI
/* Runs one blocking collective and counts its time as waiting. */
#define TIMED(call)                                                           \
    do {                                                                      \
        double start_ = sf_now();                                             \
        call;                                                                 \
        dist.wait_s += sf_now() - start_;                                     \
    } while (0)

/* In-place allreduce over n elements, in int-sized pieces. */
static void allreduce(void *values, size_t n, size_t elem, MPI_Datatype type, MPI_Op op)
{
    for (size_t done = 0; done < n;) {
        size_t k = n - done < (size_t)INT_MAX ? n - done : (size_t)INT_MAX;
        TIMED(MPI_Allreduce(MPI_IN_PLACE, (char *)values + done * elem, (int)k, type, op,
                            MPI_COMM_WORLD));
        done += k;
    }
}
#endif

void sf_dist_barrier(void)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        TIMED(MPI_Barrier(MPI_COMM_WORLD));
#endif
}

void sf_dist_sum_double(double *values, size_t n)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        allreduce(values, n, sizeof *values, MPI_DOUBLE, MPI_SUM);
#else
    (void)values, (void)n;
#endif
}

void sf_dist_sum_u64(uint64_t *values, size_t n)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        allreduce(values, n, sizeof *values, MPI_UINT64_T, MPI_SUM);
#else
    (void)values, (void)n;
#endif
}

void sf_dist_max_u64(uint64_t *values, size_t n)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        allreduce(values, n, sizeof *values, MPI_UINT64_T, MPI_MAX);
#else
    (void)values, (void)n;
#endif
}

void sf_dist_min_u64(uint64_t *values, size_t n)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        allreduce(values, n, sizeof *values, MPI_UINT64_T, MPI_MIN);
#else
    (void)values, (void)n;
#endif
}

bool sf_dist_any(bool flag)
{
#if SF_HAVE_MPI
    if (dist.mpi) {
        int v = flag;
        allreduce(&v, 1, sizeof v, MPI_INT, MPI_LOR);
        return v != 0;
    }
#endif
    return flag;
}

unsigned __int128 sf_dist_sum_u128(unsigned __int128 value)
{
    if (dist.size == 1)
        return value;
    unsigned __int128 *all = checked_malloc(dist.size * sizeof *all);
    sf_dist_allgather(&value, all, sizeof value);
    unsigned __int128 total = 0;
    for (int r = 0; r < dist.size; r++)
        total += all[r];
    free(all);
    return total;
}

uint64_t sf_dist_exscan_u64(uint64_t value)
{
#if SF_HAVE_MPI
    if (dist.mpi) {
        uint64_t below = 0;
        TIMED(MPI_Exscan(&value, &below, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD));
        return dist.rank == 0 ? 0 : below; /* Exscan leaves rank 0's undefined */
    }
#endif
    (void)value;
    return 0;
}

void sf_dist_allgather(const void *mine, void *all, size_t bytes)
{
#if SF_HAVE_MPI
    if (dist.mpi) {
        if (bytes > (size_t)INT_MAX)
            sf_dist_abort(1, "allgather of more than 2 GiB per rank");
        TIMED(MPI_Allgather(mine, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE,
                            MPI_COMM_WORLD));
        return;
    }
#endif
    memmove(all, mine, bytes);
}

void sf_dist_bcast(void *buf, size_t bytes, int root)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        for (size_t done = 0; done < bytes; done += PIECE_BYTES) {
            size_t k = bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES;
            TIMED(MPI_Bcast((char *)buf + done, (int)k, MPI_BYTE, root, MPI_COMM_WORLD));
        }
#else
    (void)buf, (void)bytes, (void)root;
#endif
}

#if SF_HAVE_MPI
/* Posts the pieces of one message into reqs; returns how many. */
static int post_pieces(bool send, int peer, int tag, void *buf, size_t bytes, MPI_Request *reqs)
{
    int n = 0;
    for (size_t done = 0; done < bytes; done += PIECE_BYTES, n++) {
        size_t k = bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES;
        if (send)
            MPI_Isend((char *)buf + done, (int)k, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &reqs[n]);
        else
            MPI_Irecv((char *)buf + done, (int)k, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &reqs[n]);
    }
    return n;
}

static int pieces(size_t bytes)
{
    return (int)((bytes + PIECE_BYTES - 1) / PIECE_BYTES);
}
#endif

uint64_t sf_dist_alltoallv(const void *send, const uint64_t *send_counts, size_t elem_size,
                           void **recv, uint64_t *recv_counts)
{
    int size = dist.size, me = dist.rank;
#if SF_HAVE_MPI
    if (dist.mpi)
        TIMED(MPI_Alltoall(send_counts, 1, MPI_UINT64_T, recv_counts, 1, MPI_UINT64_T,
                           MPI_COMM_WORLD));
    else
#endif
        recv_counts[0] = send_counts[0];
    uint64_t total = 0, my_offset = 0, my_send_offset = 0;
    for (int r = 0; r < size; r++) {
        if (r == me) {
            my_offset = total;
        }
        total += recv_counts[r];
    }
    for (int r = 0; r < me; r++)
        my_send_offset += send_counts[r];
    char *out = checked_malloc(total * elem_size);
    memcpy(out + my_offset * elem_size, (const char *)send + my_send_offset * elem_size,
           send_counts[me] * elem_size);
#if SF_HAVE_MPI
    if (dist.mpi) {
        int nreq = 0;
        for (int r = 0; r < size; r++)
            if (r != me)
                nreq += pieces(send_counts[r] * elem_size) + pieces(recv_counts[r] * elem_size);
        MPI_Request *reqs = checked_malloc((size_t)(nreq ? nreq : 1) * sizeof *reqs);
        int n = 0;
        uint64_t at = 0;
        for (int r = 0; r < size; r++) {
            if (r != me)
                n += post_pieces(false, r, TAG_ALLTOALLV, out + at * elem_size,
                                 recv_counts[r] * elem_size, reqs + n);
            at += recv_counts[r];
        }
        at = 0;
        for (int r = 0; r < size; r++) {
            if (r != me) {
                n += post_pieces(true, r, TAG_ALLTOALLV, (char *)send + at * elem_size,
                                 send_counts[r] * elem_size, reqs + n);
                dist.bytes_sent += send_counts[r] * elem_size;
            }
            at += send_counts[r];
        }
        TIMED(MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE));
        free(reqs);
    }
#endif
    *recv = out;
    return total;
}

int sf_dist_gather_to_root(const void *mine, size_t bytes,
                           int (*consume)(int rank, const void *buf, size_t bytes, void *arg),
                           void *arg)
{
    int rc = 0;
    if (dist.rank == 0)
        rc = consume(0, mine, bytes, arg);
#if SF_HAVE_MPI
    if (!dist.mpi)
        return rc;
    if (dist.rank == 0) {
        for (int r = 1; r < dist.size; r++) {
            uint64_t len;
            TIMED(MPI_Recv(&len, 1, MPI_UINT64_T, r, TAG_GATHER, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE));
            char *buf = checked_malloc(len);
            MPI_Request *reqs = checked_malloc((size_t)(pieces(len) + 1) * sizeof *reqs);
            int n = post_pieces(false, r, TAG_GATHER, buf, len, reqs);
            TIMED(MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE));
            free(reqs);
            int c = consume(r, buf, len, arg);
            rc = rc ? rc : c;
            free(buf);
        }
    } else {
        uint64_t len = bytes;
        MPI_Send(&len, 1, MPI_UINT64_T, 0, TAG_GATHER, MPI_COMM_WORLD);
        MPI_Request *reqs = checked_malloc((size_t)(pieces(len) + 1) * sizeof *reqs);
        int n = post_pieces(true, 0, TAG_GATHER, (void *)mine, len, reqs);
        TIMED(MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE));
        dist.bytes_sent += len;
        free(reqs);
    }
#endif
    return rc;
}

int sf_dist_agree(int rc, sf_error *err)
{
#if SF_HAVE_MPI
    if (dist.mpi) {
        int first = rc ? dist.rank : dist.size;
        TIMED(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
        if (first == dist.size)
            return 0;
        struct {
            int rc;
            char msg[sizeof err->msg];
        } shared;
        memset(&shared, 0, sizeof shared);
        if (dist.rank == first) {
            shared.rc = rc;
            if (err)
                memcpy(shared.msg, err->msg, sizeof shared.msg);
        }
        TIMED(MPI_Bcast(&shared, (int)sizeof shared, MPI_BYTE, first, MPI_COMM_WORLD));
        if (err)
            memcpy(err->msg, shared.msg, sizeof err->msg);
        return shared.rc;
    }
#endif
    (void)err;
    return rc;
}

/* ---- rounds --------------------------------------------------------- */

struct sf_dist_round {
    int max_messages;
    int recvs, sends, returned;
#if SF_HAVE_MPI
    MPI_Request *recv_req, *send_req;
#endif
};

sf_dist_round *sf_dist_round_create(int max_messages)
{
    sf_dist_round *r = checked_malloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->max_messages = max_messages;
#if SF_HAVE_MPI
    r->recv_req = checked_malloc((size_t)(max_messages + 1) * sizeof *r->recv_req);
    r->send_req = checked_malloc((size_t)(max_messages + 1) * sizeof *r->send_req);
#endif
    return r;
}

void sf_dist_round_destroy(sf_dist_round **rp)
{
    sf_dist_round *r = *rp;
    if (!r)
        return;
#if SF_HAVE_MPI
    free(r->recv_req);
    free(r->send_req);
#endif
    free(r);
    *rp = NULL;
}

int sf_dist_round_recv(sf_dist_round *r, int peer, void *buf, size_t bytes)
{
    if (r->recvs == r->max_messages || bytes > (size_t)INT_MAX)
        sf_dist_abort(1, "a round received more messages, or bigger ones, than it was made for");
#if SF_HAVE_MPI
    if (dist.mpi)
        MPI_Irecv(buf, (int)bytes, MPI_BYTE, peer, TAG_ROUND, MPI_COMM_WORLD,
                  &r->recv_req[r->recvs]);
#else
    (void)peer, (void)buf;
#endif
    return r->recvs++;
}

void sf_dist_round_send(sf_dist_round *r, int peer, const void *buf, size_t bytes)
{
    if (r->sends == r->max_messages || bytes > (size_t)INT_MAX)
        sf_dist_abort(1, "a round sent more messages, or bigger ones, than it was made for");
    if (dist.die_rank == dist.rank) {
        /* the test hook: die as a rank killed by the OOM killer would */
        dprintf(dist.stderr_fd, "shardflow: rank %d: SF_TEST_DIE_RANK: killing myself\n",
                dist.rank);
        raise(SIGKILL);
    }
#if SF_HAVE_MPI
    if (dist.mpi)
        MPI_Isend(buf, (int)bytes, MPI_BYTE, peer, TAG_ROUND, MPI_COMM_WORLD,
                  &r->send_req[r->sends]);
#else
    (void)peer, (void)buf;
#endif
    dist.bytes_sent += bytes;
    r->sends++;
}

int sf_dist_round_wait_recv(sf_dist_round *r)
{
    if (r->returned == r->recvs)
        return -1;
#if SF_HAVE_MPI
    if (dist.mpi) {
        int index;
        TIMED(MPI_Waitany(r->recvs, r->recv_req, &index, MPI_STATUS_IGNORE));
        if (index == MPI_UNDEFINED)
            return -1;
        r->returned++;
        return index;
    }
#endif
    return r->returned++;
}

void sf_dist_round_wait(sf_dist_round *r, int index)
{
#if SF_HAVE_MPI
    if (dist.mpi)
        TIMED(MPI_Wait(&r->recv_req[index], MPI_STATUS_IGNORE));
#else
    (void)index;
#endif
    r->returned++;
}

void sf_dist_round_finish(sf_dist_round *r)
{
#if SF_HAVE_MPI
    while (sf_dist_round_wait_recv(r) >= 0)
        ;
    if (dist.mpi)
        TIMED(MPI_Waitall(r->sends, r->send_req, MPI_STATUSES_IGNORE));
#endif
    r->recvs = r->sends = r->returned = 0;
}

uint64_t sf_dist_bytes_sent(void) { return dist.bytes_sent; }
double sf_dist_wait_s(void) { return dist.wait_s; }
