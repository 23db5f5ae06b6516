// Collectives over Open MPI, loaded at run time (see mpi.cc). Nothing MPI-related is needed at
// build time: without Open MPI the addon builds and loads as before, and `mpiInit` raises an
// error naming the package to install.
#pragma once
#include <napi.h>

namespace dlflow {

// Adds the mpi* functions (mpiInit, mpiAllreduce, …, mpiWait, mpiFinalize) to the exports.
void register_mpi(Napi::Env env, Napi::Object exports);

}  // namespace dlflow
