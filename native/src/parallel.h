// When to spread an elementwise-style loop over the thread pool.
#pragma once
#include <cstdint>

#include "thread_pool.h"

namespace dlflow {

// Runs fn(begin, end) over [0, n). `cost` is a rough per-element cost relative to a copy
// (1 for add, ~10 for libm calls): loops under ~64K copy-equivalents stay on the calling
// thread, where a pool wake-up would cost more than it saves.
template <class F>
void parallel_elements(int64_t n, int64_t cost, const F& fn) {
  constexpr int64_t kSerialWork = 65536;
  if (n * cost <= kSerialWork || num_threads() == 1) {
    fn(int64_t{0}, n);
    return;
  }
  int64_t grain = kSerialWork / 2 / cost;
  if (grain < 256) grain = 256;
  parallel_for(n, grain, fn);
}

}  // namespace dlflow
