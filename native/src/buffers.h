// Native buffers: a handle table plus a size-bucketed cache of freed blocks.
//
// JavaScript only ever sees small integer handles (below 2^30, V8 Smis). A handle packs a table
// slot (low 22 bits) and that slot's generation (8 bits), so a handle kept after `free` is
// recognised as stale even once its slot has been reused (until the generation wraps). Freed
// blocks are kept per size bucket (powers of two with four sub-steps) and handed out again,
// because training loops allocate the same sizes every step.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dlflow {

struct BufferInfo {
  char* data;      // 64-byte aligned
  size_t bytes;    // size requested by the caller
};

struct BufferStats {
  int64_t live_buffers;
  int64_t live_bytes;     // requested sizes
  int64_t cached_bytes;   // bucket sizes held for reuse
};

// Allocates `bytes` (contents unspecified). `system_delta` receives the bytes newly taken from
// the system (0 when served from the cache), for reporting to the JS garbage collector.
int64_t buffer_alloc(size_t bytes, int64_t* system_delta);

// Releases a handle (the block goes to the cache, or back to the system when the cache is
// full). Throws std::runtime_error for an unknown or already freed handle.
void buffer_free(int64_t handle, int64_t* system_delta);

// The live buffer behind a handle; throws std::runtime_error for an unknown or freed handle.
const BufferInfo& buffer_get(int64_t handle);

BufferStats buffer_stats();

// Returns every cached block to the system; `system_delta` receives minus the bytes released.
void buffer_empty_cache(int64_t* system_delta);

}  // namespace dlflow
