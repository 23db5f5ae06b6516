// Persistent worker pool; see thread_pool.h.
//
// Wake-up latency matters more than anything else here: the parallel loops of a training
// step are short (tens of microseconds), and a futex wake-up costs about as much. So:
//  * after a job, workers spin (pause loop) for kSpinTime before sleeping on the condition
//    variable, so back-to-back jobs start without a system call. The spin yields the core
//    every few microseconds (std::this_thread::yield), so that other threads of the process (V8's
//    background compiler and GC, which on a 2-core machine have no idle core) still run
//    while a worker waits: on the MLP bench (2 cores) the first epoch took 364 -> 313 ms
//    (medians of 6 interleaved runs of each) against a pure pause loop;
//  * a job is a generation number in one atomic word, together with a count of the workers
//    that joined it and a "closed" bit. Once the caller has drained the task queue it closes
//    the job and waits only for the workers that joined; a worker that wakes up late sees
//    the job closed and does not touch it. The caller therefore never waits for a sleeping
//    worker to wake up just to acknowledge a job it had no part in.
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

// Workers spin (yielding) this long for the next job before sleeping on the condition
// variable; the caller spins kSpinIters pauses for joined workers before yielding its core.
constexpr std::chrono::microseconds kSpinTime(1000);
constexpr int kSpinIters = 4000;

// state_ layout: [generation : 47][closed : 1][joined : 16].
constexpr uint64_t kJoinedMask = 0xFFFF;
constexpr uint64_t kClosed = uint64_t(1) << 16;
constexpr int kGenShift = 17;

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
    n = std::max(1, std::min(n, 4096));
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop_workers();
    num_threads_ = n;
    stopping_.store(false, std::memory_order_release);
    const uint64_t gen = state_.load(std::memory_order_acquire) >> kGenShift;
    for (int i = 1; i < n; i++) workers_.emplace_back([this, gen] { worker_loop(gen); });
  }

  // Runs job(task) for every task in [0, tasks); the caller takes part.
  void run(int64_t tasks, const std::function<void(int64_t)>& job) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    // No worker is inside the previous job (the previous run waited for all that joined),
    // and none can join it any more (it is closed), so the job fields may be rewritten.
    job_ = &job;
    tasks_ = tasks;
    next_task_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    bool wake_sleepers;
    {
      // Publishing under the mutex pairs with the sleepers' predicate check (no lost wake-up).
      std::lock_guard<std::mutex> lock(mutex_);
      const uint64_t gen = (state_.load(std::memory_order_relaxed) >> kGenShift) + 1;
      state_.store(gen << kGenShift, std::memory_order_release);
      wake_sleepers = sleepers_ > 0;
    }
    if (wake_sleepers) wake_.notify_all();
    in_parallel_region = true;
    drain();
    in_parallel_region = false;
    const uint64_t s = state_.fetch_or(kClosed, std::memory_order_acq_rel);
    const int joined = static_cast<int>(s & kJoinedMask);
    for (int spins = 0; done_.load(std::memory_order_acquire) != joined; spins++) {
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
      int64_t t = next_task_.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks_) break;
      (*job_)(t);
    }
  }

  uint64_t generation() const { return state_.load(std::memory_order_acquire) >> kGenShift; }

  void worker_loop(uint64_t seen) {
    in_parallel_region = true;
    for (;;) {
      uint64_t g = generation();
      if (g == seen) {
        const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
        for (int spins = 1; g == seen; spins++) {
          cpu_relax();
          g = generation();
          if ((spins & 63) == 0) {
            if (std::chrono::steady_clock::now() > spin_until) break;
            std::this_thread::yield();  // sched_yield on Linux
          }
        }
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_++;
        wake_.wait(lock, [&] {
          return stopping_.load(std::memory_order_acquire) || generation() != seen;
        });
        sleepers_--;
      }
      if (stopping_.load(std::memory_order_acquire)) return;
      // Join the current job unless it is already closed (or superseded).
      uint64_t s = state_.load(std::memory_order_acquire);
      seen = s >> kGenShift;
      bool joined = false;
      while (!(s & kClosed) && (s >> kGenShift) == seen) {
        if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
          joined = true;
          break;
        }
      }
      if (joined) {
        drain();
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_.store(true, std::memory_order_release);
      const uint64_t gen = (state_.load(std::memory_order_relaxed) >> kGenShift) + 1;
      state_.store((gen << kGenShift) | kClosed, std::memory_order_release);  // releases spinners
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;      // sleeping / waking only
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_task_{0};
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<bool> stopping_{false};
  int sleepers_ = 0;  // guarded by mutex_
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
