/* sim_mpi — scale-out of cc_sim over MPI ranks (OpenMPI): every rank runs its share of the
 * (replication, variant) jobs (cc_sim_opts.rank / nranks), then the value arrays are summed
 * onto rank 0. Each value is computed by exactly one rank and is +0.0 on every other, so the sum
 * is exact and the merged result is bit-identical to a single process, for any rank count and
 * any thread count. Built with MPI only when the build defines CC_HAVE_MPI (pkg-config ompi-c);
 * otherwise every call reports that MPI is not available. */
#ifndef CC_SIM_MPI_H
#define CC_SIM_MPI_H

#include "core/diag.h"
#include "sim/sim.h"

/* 1 when this build has MPI. */
int cc_simmpi_available(void);
/* Initialises MPI (once per process) and returns this process's rank and the rank count.
 * CC_ERR_ARG without MPI; CC_ERR_IO when MPI fails to start. */
cc_err cc_simmpi_init(int *argc, char ***argv, int *rank, int *nranks);
/* Collective: agrees on the worst local status of all ranks (local_rc; r may be NULL when it is
 * not CC_OK) and, when every rank succeeded, sums the value arrays onto rank 0. Returns the
 * agreed status (the same on every rank), or CC_ERR_IO when a transfer fails. */
cc_err cc_simmpi_merge(cc_sim *r, cc_err local_rc);
/* Shuts MPI down (after the last collective call). */
void cc_simmpi_finalize(void);

#endif
