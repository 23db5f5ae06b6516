// A persistent pool of worker threads for data-parallel loops.
//
// Workers are created once and sleep on a condition variable between jobs, so a parallel loop
// costs a wake-up, not a thread creation. The calling thread takes part in every job.
// Nested calls run serially on the calling thread (no oversubscription).
#pragma once
#include <cstdint>
#include <functional>

namespace dlflow {

// Runs fn(begin, end) over [0, n) split into at most num_threads() contiguous chunks of at
// least `grain` iterations each. Runs inline when n <= grain or when called from a worker.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Runs fn(task) for task in [0, tasks), distributing tasks dynamically over the threads.
void parallel_tasks(int64_t tasks, const std::function<void(int64_t)>& fn);

// Number of threads used by parallel loops (the calling thread included).
int num_threads();

// Sets the number of threads (>= 1). Workers are started or stopped as needed.
void set_num_threads(int n);

}  // namespace dlflow
