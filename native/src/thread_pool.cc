// Persistent worker pool; see thread_pool.h.
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace dlflow {
namespace {

thread_local bool in_parallel_region = false;

// Workers spin this long for the next job before sleeping on the condition variable; the
// caller spins kSpinIters pauses for stragglers before yielding its core.
constexpr std::chrono::microseconds kSpinTime(200);
constexpr int kSpinIters = 4000;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

class Pool {
 public:
  Pool() { resize(default_threads()); }
  ~Pool() { stop_workers(); }

  int size() const { return num_threads_; }

  void resize(int n) {
    n = std::max(1, n);
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop_workers();
    num_threads_ = n;
    stopping_ = false;
    stopping_flag_.store(false, std::memory_order_release);
    const uint64_t start_gen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < n; i++) workers_.emplace_back([this, start_gen] { worker_loop(start_gen); });
  }

  // Runs job(task) for every task in [0, tasks); the caller takes part.
  void run(int64_t tasks, const std::function<void(int64_t)>& job) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    job_ = &job;
    tasks_ = tasks;
    next_task_.store(0, std::memory_order_relaxed);
    pending_workers_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    bool wake_sleepers;
    {
      // Publishing the generation under the mutex pairs with the sleepers' predicate check,
      // so a worker that is about to sleep cannot miss it.
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
      wake_sleepers = sleepers_ > 0;
    }
    if (wake_sleepers) wake_.notify_all();
    in_parallel_region = true;
    drain();
    in_parallel_region = false;
    // Workers normally finish within microseconds: spin, then yield the core.
    for (int spins = 0; pending_workers_.load(std::memory_order_acquire) != 0; spins++) {
      if (spins < kSpinIters) cpu_relax();
      else std::this_thread::yield();
    }
    job_ = nullptr;
  }

 private:
  static int default_threads() {
    unsigned hc = std::thread::hardware_concurrency();
    return hc == 0 ? 1 : static_cast<int>(hc);
  }

  void drain() {
    for (;;) {
      int64_t t = next_task_.fetch_add(1);
      if (t >= tasks_) break;
      (*job_)(t);
    }
  }

  void worker_loop(uint64_t seen) {
    in_parallel_region = true;
    for (;;) {
      // Spin briefly before sleeping: back-to-back parallel loops (typical of a training
      // step) then start without a futex wake-up.
      uint64_t g = generation_.load(std::memory_order_acquire);
      if (g == seen) {
        const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
        for (int spins = 1; g == seen; spins++) {
          cpu_relax();
          g = generation_.load(std::memory_order_acquire);
          if ((spins & 63) == 0 && std::chrono::steady_clock::now() > spin_until) break;
        }
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_++;
        wake_.wait(lock, [&] {
          return stopping_ || generation_.load(std::memory_order_acquire) != seen;
        });
        sleepers_--;
        if (stopping_) return;
        g = generation_.load(std::memory_order_acquire);
      }
      if (stopping_flag_.load(std::memory_order_acquire)) return;
      seen = g;
      drain();
      pending_workers_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      stopping_flag_.store(true, std::memory_order_release);
      generation_.fetch_add(1, std::memory_order_release);  // releases spinning workers
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_task_{0};
  std::atomic<int> pending_workers_{0};
  std::atomic<uint64_t> generation_{0};
  int sleepers_ = 0;                       // guarded by mutex_
  bool stopping_ = false;                  // guarded by mutex_
  std::atomic<bool> stopping_flag_{false};
  int num_threads_ = 1;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) { pool().resize(n); }

void parallel_tasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || in_parallel_region || pool().size() == 1) {
    for (int64_t t = 0; t < tasks; t++) fn(t);
    return;
  }
  pool().run(tasks, fn);
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  int threads = pool().size();
  if (n <= grain || threads == 1 || in_parallel_region) {
    fn(0, n);
    return;
  }
  int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
  int64_t step = (n + chunks - 1) / chunks;
  parallel_tasks(chunks, [&](int64_t c) {
    int64_t begin = c * step;
    int64_t end = std::min(n, begin + step);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace dlflow
