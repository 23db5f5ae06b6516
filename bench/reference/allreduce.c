/*
 * Open MPI's own all-reduce figure for bench/allreduce.ts: compiled with mpicc at bench time and
 * run under the same `mpirun -np 2`. For each size (MiB of float32, from argv) it times
 * MPI_Allreduce(MPI_IN_PLACE, SUM) exactly as the dlflow side does: a barrier, then the best of
 * ROUNDS loops of ITERS calls, and prints one JSON line per size from rank 0.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 5

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int a = 1; a < argc; a++) {
    long mib = atol(argv[a]);
    long n = mib * 1024 * 1024 / 4;
    int iters = mib <= 4 ? 20 : mib <= 16 ? 8 : 4;
    float* buf = malloc(n * sizeof(float));
    for (long i = 0; i < n; i++) buf[i] = (float)(i % 7);
    for (int w = 0; w < 3; w++) MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      for (int k = 0; k < iters; k++) MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      double s = (MPI_Wtime() - t0) / iters;
      if (s < best) best = s;
    }
    if (rank == 0) printf("{\"mib\": %ld, \"seconds\": %.9f}\n", mib, best);
    fflush(stdout);
    free(buf);
  }
  MPI_Finalize();
  return 0;
}
