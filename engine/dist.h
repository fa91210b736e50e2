/* Ranks: the one module of shardflow that calls MPI. Everything else (the
 * distributed graph, the kernels' exchanges, the distributed job) goes
 * through these few collectives and the point-to-point rounds below, so a
 * binary built without MPI (make MPI=0) compiles the same callers against a
 * one-rank implementation.
 *
 * A process takes the distributed path when a launcher (mpirun, srun)
 * started it with more than one rank, or when SF_DIST=1 asks for it with a
 * single rank (tests and measurements of the distributed code at one rank;
 * no MPI call is made then). `mpirun -np 1` is the ordinary single-process
 * path. MPI is initialised with MPI_THREAD_FUNNELED: only the main thread
 * calls MPI, always outside OpenMP parallel regions.
 *
 * Every collective here must be called by every rank in the same order.
 * Failures that a rank cannot share with the others (out of memory inside a
 * collective) end the whole job with sf_dist_abort; errors that every rank
 * can reach the same point with (bad input) are agreed with sf_dist_agree,
 * so that all ranks exit with the same status and one message.
 *
 * Test hook: SF_TEST_DIE_RANK=K makes rank K kill itself (SIGKILL) at its
 * first boundary exchange, in the middle of a kernel, so that the tests can
 * check that the job then ends, naming the rank, instead of hanging. */
#ifndef SF_DIST_H
#define SF_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The ranks a launcher asked for, from its environment (Open MPI, PMIx,
 * Slurm, MPICH), without initialising anything: 1 when not launched. */
int sf_dist_launched_ranks(void);

/* Starts the distributed path when the process was launched with several
 * ranks (MPI_Init_thread, FUNNELED or better) or when SF_DIST=1. Returns 0;
 * SF_EUSAGE with a message when this binary was built without MPI but was
 * started with several ranks, or when MPI cannot give FUNNELED (the caller
 * prints the message on rank 0 only and exits 2). */
int sf_dist_init(int *argc, char ***argv, sf_error *err);

/* Ranks other than 0 send their stdout and stderr to /dev/null, so that a
 * message every rank would print (a usage error, a warning) appears once;
 * their fatal messages (sf_dist_abort) and the load phases SF_TRACE_LOAD
 * prints, each line naming its rank (sf_trace_phase_rank, on every rank of
 * the distributed path), still reach the original stderr. SF_DIST_VERBOSE=1
 * keeps every rank's output. */
void sf_dist_quiet_other_ranks(void);

/* Ends MPI (when it was started); a no-op otherwise. */
void sf_dist_finalize(void);

/* Whether the distributed path is on (sf_dist_init decided). */
bool sf_dist_active(void);

int sf_dist_rank(void);
int sf_dist_size(void);
/* Ranks of this job on this node (OMPI_COMM_WORLD_LOCAL_SIZE and kin; 1
 * when unknown). */
int sf_dist_local_size(void);

/* Ends every rank of the job now with `status` (MPI_Abort), after printing
 * "shardflow: rank R: MESSAGE" on stderr when message is not NULL. */
_Noreturn void sf_dist_abort(int status, const char *message);

/* ---- collectives ---------------------------------------------------- */

void sf_dist_barrier(void);
/* Element-wise sums, maxima and minima over the ranks, in place. */
void sf_dist_sum_double(double *values, size_t n);
void sf_dist_sum_u64(uint64_t *values, size_t n);
void sf_dist_max_u64(uint64_t *values, size_t n);
void sf_dist_min_u64(uint64_t *values, size_t n);
/* Logical or of flag over the ranks. */
bool sf_dist_any(bool flag);
/* Exact sum of 128-bit integers (every rank's value, added in rank order;
 * integer sums do not depend on the order anyway). */
unsigned __int128 sf_dist_sum_u128(unsigned __int128 value);
/* Sum of value over the ranks below this one. */
uint64_t sf_dist_exscan_u64(uint64_t value);
/* Copies `bytes` bytes from every rank into all[rank * bytes]. */
void sf_dist_allgather(const void *mine, void *all, size_t bytes);
void sf_dist_bcast(void *buf, size_t bytes, int root);

/* Personalised all-to-all of elements of elem_size bytes: send holds, in
 * rank order, send_counts[r] elements for rank r. On return *recv is a new
 * buffer (the caller frees it) holding, in rank order, recv_counts[r]
 * elements from rank r (recv_counts: sf_dist_size() entries the caller
 * provides), and the total is returned. Aborts the job when memory runs
 * out. Messages are split so that counts stay below MPI's int limit. */
uint64_t sf_dist_alltoallv(const void *send, const uint64_t *send_counts, size_t elem_size,
                           void **recv, uint64_t *recv_counts);

/* Gathers to rank 0, one rank at a time so that rank 0 holds one piece at
 * once: every rank passes its bytes; rank 0 calls consume(rank, buf, bytes,
 * arg) for ranks 0, 1, ... in order. consume's first nonzero return is
 * returned by rank 0 (the rest are still received and dropped); other
 * ranks return 0. Aborts the job when rank 0 runs out of memory. */
int sf_dist_gather_to_root(const void *mine, size_t bytes,
                           int (*consume)(int rank, const void *buf, size_t bytes, void *arg),
                           void *arg);

/* Agreement on an error reached by some ranks: every rank passes its own
 * rc (0 for success) and err. Returns 0 when every rank succeeded;
 * otherwise the rc of the lowest failing rank, whose message is then
 * copied into err on every rank. */
int sf_dist_agree(int rc, sf_error *err);

/* ---- point-to-point rounds -------------------------------------------
 * One round of messages between neighbours: post the receives and sends,
 * then collect the receives as they complete (so that each can be
 * unpacked while the others are still in flight), then wait for the sends.
 * The bytes sent and the seconds spent blocked in waits are added to this
 * rank's counters (sf_dist_bytes_sent, sf_dist_wait_s). */
typedef struct sf_dist_round sf_dist_round;

/* A round for up to max_messages receives and as many sends. Aborts the
 * job when out of memory. Release with sf_dist_round_destroy. */
sf_dist_round *sf_dist_round_create(int max_messages);
void sf_dist_round_destroy(sf_dist_round **r);
/* Posts a receive of exactly `bytes` bytes from `peer` into buf; returns its
 * index in this round (0, 1, ... in posting order). */
int sf_dist_round_recv(sf_dist_round *r, int peer, void *buf, size_t bytes);
void sf_dist_round_send(sf_dist_round *r, int peer, const void *buf, size_t bytes);
/* Waits for any posted receive not yet returned and returns its index;
 * -1 when all have been returned. */
int sf_dist_round_wait_recv(sf_dist_round *r);
/* Waits for the receive of that index (once; a later wait_recv skips it). */
void sf_dist_round_wait(sf_dist_round *r, int index);
/* Waits for the sends, then resets the round for reuse. */
void sf_dist_round_finish(sf_dist_round *r);

/* This rank's counters since the start: bytes it sent in rounds and
 * all-to-alls, and seconds it spent blocked waiting for other ranks (in
 * rounds and in the collectives the kernels use for termination). */
uint64_t sf_dist_bytes_sent(void);
double sf_dist_wait_s(void);

#endif
