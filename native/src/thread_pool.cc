// Persistent worker pool; see thread_pool.h.
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace dlflow {
namespace {

thread_local bool in_parallel_region = false;

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
    for (int i = 1; i < n; i++) workers_.emplace_back([this] { worker_loop(); });
  }

  // Runs job(task) for every task in [0, tasks); the caller takes part.
  void run(int64_t tasks, const std::function<void(int64_t)>& job) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      tasks_ = tasks;
      next_task_.store(0);
      pending_workers_ = static_cast<int>(workers_.size());
      generation_++;
    }
    wake_.notify_all();
    in_parallel_region = true;
    drain();
    in_parallel_region = false;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_workers_ == 0; });
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

  void worker_loop() {
    in_parallel_region = true;
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_;
    }
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      drain();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_workers_ == 0) done_.notify_one();
      }
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_task_{0};
  int pending_workers_ = 0;
  uint64_t generation_ = 0;
  bool stopping_ = false;
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
