/* sim_mpi — MPI scale-out of cc_sim (compiled to stubs when the build has no MPI). */
#include "sim/sim_mpi.h"

#ifdef CC_HAVE_MPI
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

int cc_simmpi_available(void)
{
    return 1;
}

cc_err cc_simmpi_init(int *argc, char ***argv, int *rank, int *nranks)
{
    int up = 0;
    if (MPI_Initialized(&up) != MPI_SUCCESS)
        return CC_ERR_IO;
    if (!up && MPI_Init(argc, argv) != MPI_SUCCESS)
        return CC_ERR_IO;
    if (MPI_Comm_rank(MPI_COMM_WORLD, rank) != MPI_SUCCESS ||
        MPI_Comm_size(MPI_COMM_WORLD, nranks) != MPI_SUCCESS)
        return CC_ERR_IO;
    return CC_OK;
}

cc_err cc_simmpi_merge(cc_sim *r, cc_err local_rc)
{
    int mine = local_rc == CC_OK && r ? (int)CC_OK : local_rc != CC_OK ? (int)local_rc : (int)CC_ERR_ARG;
    int all = 0, rank = 0;
    if (MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS ||
        MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS)
        return CC_ERR_IO;
    if (all != CC_OK)
        return (cc_err)all;
    size_t n = 0;
    double *v = cc_sim_values(r, &n);
    /* MPI counts are int: reduce in chunks; MPI_IN_PLACE on the root keeps one array */
    const size_t chunk = (size_t)1 << 24;
    for (size_t off = 0; off < n; off += chunk) {
        int cnt = (int)(n - off < chunk ? n - off : chunk);
        int rc = rank == 0 ? MPI_Reduce(MPI_IN_PLACE, v + off, cnt, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD)
                           : MPI_Reduce(v + off, NULL, cnt, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return CC_ERR_IO;
    }
    return CC_OK;
}

void cc_simmpi_finalize(void)
{
    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Finalize();
}

#else

int cc_simmpi_available(void)
{
    return 0;
}

cc_err cc_simmpi_init(int *argc, char ***argv, int *rank, int *nranks)
{
    (void)argc;
    (void)argv;
    *rank = 0;
    *nranks = 1;
    return CC_ERR_ARG;
}

cc_err cc_simmpi_merge(cc_sim *r, cc_err local_rc)
{
    (void)r;
    return local_rc == CC_OK ? CC_ERR_ARG : local_rc;
}

void cc_simmpi_finalize(void) {}

#endif
