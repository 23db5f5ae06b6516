// Handle table and size-bucketed cache; see buffers.h.
// All entry points run on the JavaScript thread, so no locking.
#include "buffers.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace dlflow {
namespace {

// Handles stay below 2^30 so that V8 keeps them as small integers (Smis, 31 bits under pointer
// compression). A handle that once grew past that turned every object field holding handles
// from Smi into double representation, which deoptimised the hot paths of the front end
// mid-training. 22 bits of slot (4M live buffers) and 8 of generation: a stale handle is
// recognised unless its slot was reused a multiple of 256 times since (the front end's own
// disposed/freed checks come first anyway).
constexpr int kSlotBits = 22;
constexpr int kGenerationBits = 8;
constexpr int64_t kSlotMask = (int64_t{1} << kSlotBits) - 1;
constexpr size_t kAlign = 64;
// Cached (free, reusable) bytes are bounded so an unusual peak does not pin memory forever.
constexpr size_t kMaxCachedBytes = size_t{1} << 30;

struct Slot {
  BufferInfo info{nullptr, 0};
  size_t bucket = 0;        // allocated size, a bucket size
  int64_t generation = 0;   // bumped on free
  bool live = false;
};

std::vector<Slot> slots;
std::vector<int64_t> free_slots;
std::unordered_map<size_t, std::vector<char*>> cache;
BufferStats stats{0, 0, 0};

// Rounds up to a power of two or one of three evenly spaced steps in between, and to a
// multiple of the alignment (aligned_alloc requires it).
size_t bucket_size(size_t bytes) {
  if (bytes <= kAlign) return kAlign;
  size_t p = size_t{1} << (63 - __builtin_clzll(static_cast<unsigned long long>(bytes)));
  size_t step = p / 4 < kAlign ? kAlign : p / 4;
  return (bytes + step - 1) / step * step;
}

[[noreturn]] void bad_handle(int64_t handle) {
  throw std::runtime_error("invalid buffer handle " + std::to_string(handle) +
                           " (freed, or never allocated by this backend)");
}

Slot& slot_of(int64_t handle) {
  if (handle <= 0) bad_handle(handle);
  int64_t index = (handle & kSlotMask) - 1;
  if (index < 0 || index >= static_cast<int64_t>(slots.size())) bad_handle(handle);
  Slot& s = slots[index];
  if (!s.live || s.generation != (handle >> kSlotBits)) bad_handle(handle);
  return s;
}

}  // namespace

int64_t buffer_alloc(size_t bytes, int64_t* system_delta) {
  *system_delta = 0;
  const size_t bucket = bucket_size(bytes);
  char* data = nullptr;
  auto it = cache.find(bucket);
  if (it != cache.end() && !it->second.empty()) {
    data = it->second.back();
    it->second.pop_back();
    stats.cached_bytes -= static_cast<int64_t>(bucket);
  } else {
    data = static_cast<char*>(std::aligned_alloc(kAlign, bucket));
    if (data == nullptr) {
      // Give the cache back and try once more before reporting failure.
      int64_t released = 0;
      buffer_empty_cache(&released);
      *system_delta += released;
      data = static_cast<char*>(std::aligned_alloc(kAlign, bucket));
      if (data == nullptr) throw std::runtime_error("out of memory allocating " + std::to_string(bytes) + " bytes");
    }
    *system_delta += static_cast<int64_t>(bucket);
  }
  int64_t index;
  if (!free_slots.empty()) {
    index = free_slots.back();
    free_slots.pop_back();
  } else {
    if (static_cast<int64_t>(slots.size()) >= kSlotMask) throw std::runtime_error("too many live buffers");
    index = static_cast<int64_t>(slots.size());
    slots.emplace_back();
  }
  Slot& s = slots[index];
  s.info = BufferInfo{data, bytes};
  s.bucket = bucket;
  s.live = true;
  stats.live_buffers++;
  stats.live_bytes += static_cast<int64_t>(bytes);
  return (s.generation << kSlotBits) | (index + 1);
}

void buffer_free(int64_t handle, int64_t* system_delta) {
  *system_delta = 0;
  Slot& s = slot_of(handle);
  stats.live_buffers--;
  stats.live_bytes -= static_cast<int64_t>(s.info.bytes);
  if (static_cast<size_t>(stats.cached_bytes) + s.bucket <= kMaxCachedBytes) {
    cache[s.bucket].push_back(s.info.data);
    stats.cached_bytes += static_cast<int64_t>(s.bucket);
  } else {
    std::free(s.info.data);
    *system_delta = -static_cast<int64_t>(s.bucket);
  }
  s.live = false;
  s.info = BufferInfo{nullptr, 0};
  s.generation = (s.generation + 1) & ((int64_t{1} << kGenerationBits) - 1);
  free_slots.push_back((handle & kSlotMask) - 1);
}

const BufferInfo& buffer_get(int64_t handle) { return slot_of(handle).info; }

BufferStats buffer_stats() { return stats; }

void buffer_empty_cache(int64_t* system_delta) {
  int64_t released = 0;
  for (auto& entry : cache) {
    for (char* p : entry.second) {
      std::free(p);
      released += static_cast<int64_t>(entry.first);
    }
  }
  cache.clear();
  stats.cached_bytes = 0;
  *system_delta = -released;
}

}  // namespace dlflow
